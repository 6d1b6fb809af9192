//! Requests in flight or queued, matched to replies by servcmd + seq.

use std::time::Instant;

use serde_json::value::RawValue;

use super::ConnId;
use crate::model::Message;

/// Identifies a user command (login, logout, send, destroy) whose result
/// arrives later as a [`Completion`](super::Completion).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(pub(crate) u64);

/// What a pending request is for, and who waits on it.
#[derive(Debug, Clone)]
pub(crate) enum Purpose {
    /// The user's `login`.
    Login(RequestId),
    /// Re-login after a reconnect; `with_sig` when falling back to the
    /// UserSig because the A2 was refused.
    Relogin { with_sig: bool },
    /// The user's `logout` (or the one `destroy` sends).
    Logout(Option<RequestId>),
    /// The user's `send_message`.
    Send(RequestId, Box<Message>),
    /// The user's `revoke_message`: the message as held when asked.
    Revoke(RequestId, Box<Message>),
    /// The user's `modify_message`: the message as held when asked.
    Modify(RequestId, Box<Message>),
    /// The user's `delete_message`: the messages as held when asked.
    Delete(RequestId, Vec<Message>),
    /// The user's `set_message_read`: the conversation, read up to a time.
    ReadReport(RequestId, String, u64),
    /// The user's `send_message_read_receipt`.
    ReadReceipt(RequestId),
    /// The user's `set_message_extensions` / `delete_message_extensions`.
    ExtSet(RequestId, Box<super::extensions::ExtSet>),
    /// The user's `get_message_extensions` (one page of it).
    ExtGet(RequestId, Box<super::extensions::ExtFetch>),
    /// The user's `get_message_list`: a history page.
    Roam(RequestId, Box<super::history::RoamCall>),
    /// The user's `get_message_list`: the peer read time after a page.
    PeerReadTime(RequestId, Box<super::history::PeerReadCall>),
    /// A conversation request (the list and group syncs, and the
    /// conversation APIs).
    Conv(super::conversations::ConvOp),
    /// `fetch_imsdk_purchase_bitsv2` at login.
    PurchaseBits,
    /// Message sync page.
    GetMsg,
    /// `wshello` keep-alive.
    Hello,
}

impl Purpose {
    /// Whether the SDK sent it for itself (no user command waits on it):
    /// such requests do not count against `max_pending_requests`.
    pub(crate) fn is_internal(&self) -> bool {
        match self {
            Purpose::Relogin { .. }
            | Purpose::Logout(None)
            | Purpose::GetMsg
            | Purpose::Hello
            | Purpose::PurchaseBits => true,
            Purpose::Conv(op) => op.waiter().is_none(),
            _ => false,
        }
    }

    /// Whether it asks the server to change state the server keeps (a
    /// message or conversation operation): when it times out after going
    /// out, the server may still apply it. A send is not one of these: the
    /// user resends a failed message, and the server answers a duplicate
    /// with the message as stored.
    pub(crate) fn is_change(&self) -> bool {
        match self {
            Purpose::Revoke(..)
            | Purpose::Modify(..)
            | Purpose::Delete(..)
            | Purpose::ReadReport(..)
            | Purpose::ReadReceipt(..)
            | Purpose::ExtSet(..) => true,
            Purpose::Conv(op) => op.is_change(),
            _ => false,
        }
    }

    /// Whether the request may only go out on a logged-in link.
    pub(crate) fn needs_session(&self) -> bool {
        !matches!(self, Purpose::Login(_) | Purpose::Relogin { .. })
    }
}

#[derive(Debug)]
pub(crate) struct Pending {
    pub(crate) seq: u64,
    pub(crate) servcmd: &'static str,
    pub(crate) body: Box<RawValue>,
    pub(crate) reqtime: u64,
    pub(crate) deadline: Instant,
    pub(crate) purpose: Purpose,
    /// The link it was last written to; `None` while queued.
    pub(crate) sent_on: Option<ConnId>,
}

/// Pending requests in seq order of creation.
#[derive(Debug, Default)]
pub(crate) struct Requests {
    items: Vec<Pending>,
}

impl Requests {
    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    pub(crate) fn push(&mut self, p: Pending) {
        self.items.push(p);
    }

    pub(crate) fn take(&mut self, servcmd: &str, seq: u64) -> Option<Pending> {
        let i = self
            .items
            .iter()
            .position(|p| p.seq == seq && p.servcmd == servcmd)?;
        Some(self.items.remove(i))
    }

    pub(crate) fn take_expired(&mut self, now: Instant) -> Option<Pending> {
        let i = self.items.iter().position(|p| p.deadline <= now)?;
        Some(self.items.remove(i))
    }

    /// Remove every request matching `pred`.
    pub(crate) fn drain_where(&mut self, mut pred: impl FnMut(&Pending) -> bool) -> Vec<Pending> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < self.items.len() {
            if pred(&self.items[i]) {
                out.push(self.items.remove(i));
            } else {
                i += 1;
            }
        }
        out
    }

    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        self.items.iter().map(|p| p.deadline).min()
    }

    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = &mut Pending> {
        self.items.iter_mut()
    }

    /// How many requests match `pred`.
    pub(crate) fn count(&self, pred: impl Fn(&Pending) -> bool) -> usize {
        self.items.iter().filter(|p| pred(p)).count()
    }

    pub(crate) fn any(&self, pred: impl Fn(&Pending) -> bool) -> bool {
        self.items.iter().any(pred)
    }

    /// Forget which link requests went out on (the link died): all will be
    /// resent, with their seq, on the next one.
    pub(crate) fn mark_unsent(&mut self) {
        for p in &mut self.items {
            p.sent_on = None;
        }
    }
}
