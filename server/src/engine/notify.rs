//! Notifications (revokes, modifications, reads, receipts, extension and
//! conversation changes): stored, then pushed.
//!
//! A notification for a user is queued in that user's inbox, in the same
//! sequence as its messages and behind the same delivered cursor, in the
//! same transaction as the change it announces. It is then pushed with
//! `NeedAck: 1` and a `SessionData` naming its inbox position to every
//! online instance of the user except the one whose request caused it
//! (that instance learns the result from its reply, as with the official
//! server). A notification no instance acknowledged is delivered by the
//! next `openim.getmsg` in the reply's `EventArray` (tcchat's own field), in
//! inbox order with the messages; see [`super::sync`].

use tcchat_core::proto::{MsgPush, PushEvent};
use tcchat_core::wire::servcmd;

use super::conn::Ident;
use super::{cookie, ConnId, Engine};
use crate::store::{Change, Notice, Store, StoreError};

/// `Event` of a new C2C message push.
pub(crate) const EVENT_C2C_MSG: u32 = 1;
/// `Event` of the `C2cNotifyMsgArray` notifies (revoke, read, read sync).
pub(crate) const EVENT_NOTIFY: u32 = 9;
/// `Event` of `RecentContactMod` (conversation changes).
pub(crate) const EVENT_CONTACT: u32 = 11;
/// `Event` of `MsgExtensionNotify`.
pub(crate) const EVENT_EXTENSION: u32 = 22;
/// `Event` of `C2cMsgModNotifys`.
pub(crate) const EVENT_MODIFIED: u32 = 23;

/// A notification for `owner`.
#[derive(Debug, Clone)]
pub(crate) struct Notify {
    pub owner: String,
    pub event: PushEvent,
}

impl Notify {
    pub(crate) fn new(owner: &str, event: PushEvent) -> Notify {
        Notify {
            owner: owner.to_owned(),
            event,
        }
    }
}

/// Notifications stored and waiting to be pushed.
#[derive(Debug, Default)]
#[must_use = "stored notifications must be pushed"]
pub(crate) struct Queued {
    app: u64,
    /// The socket whose request caused them (none for an empty queue).
    origin_conn: Option<ConnId>,
    items: Vec<(String, u64, PushEvent)>,
}

impl Queued {
    /// Push these notifications to the socket whose request caused them
    /// too: for changes the official SDK learns only from the push (a
    /// friend added or deleted, relationship-facts §2; a blacklist change).
    pub(crate) fn with_origin(mut self) -> Queued {
        self.origin_conn = None;
        self
    }
}

impl<S: Store> Engine<S> {
    /// Store `changes` and `notices` (caused by `me`) in one transaction.
    /// Push the result with [`push_queued`](Self::push_queued) after the
    /// reply.
    pub(super) fn commit(
        &mut self,
        me: &Ident,
        mut changes: Vec<Change>,
        notices: Vec<Notify>,
    ) -> Result<Queued, StoreError> {
        for n in &notices {
            let event = serde_json::to_string(&n.event)
                .map_err(|e| StoreError::Corrupt(format!("notice not serializable: {e}")))?;
            changes.push(Change::Notice {
                owner: n.owner.clone(),
                notice: Notice { event },
            });
        }
        let seqs = self.store.apply(me.app, &changes)?;
        Ok(Queued {
            app: me.app,
            origin_conn: Some(me.conn),
            items: notices
                .into_iter()
                .zip(seqs)
                .map(|(n, seq)| (n.owner, seq, n.event))
                .collect(),
        })
    }

    /// Push stored notifications to their owners' online sockets, except
    /// the one whose request caused them (its reply tells the result).
    pub(super) fn push_queued(&mut self, unix_ms: u64, queued: Queued) {
        for (owner, seq, event) in queued.items {
            let push = MsgPush {
                event_array: vec![event],
                need_ack: 1,
                session_data: cookie::encode(self.epoch, queued.app, &owner, seq),
            };
            for conn in self.online_except(unix_ms, queued.app, &owner, queued.origin_conn) {
                let gzip = self.gzip(conn);
                self.out
                    .push(conn, gzip, queued.app, servcmd::MSG_PUSH, &push);
            }
        }
    }

    /// The sockets logged in as `user`, other than `origin`, whose session
    /// has not expired at `unix_ms` (an expired session gets no more
    /// pushes; its next request is answered 70001).
    pub(super) fn online_except(
        &self,
        unix_ms: u64,
        app: u64,
        user: &str,
        origin: Option<ConnId>,
    ) -> Vec<ConnId> {
        let Some(set) = self.online.get(&(app, user.to_owned())) else {
            return Vec::new();
        };
        set.iter()
            .copied()
            .filter(|c| {
                Some(*c) != origin
                    && self
                        .conns
                        .get(c)
                        .and_then(|c| c.session.as_ref())
                        .is_some_and(|s| s.expires_ms > unix_ms)
            })
            .collect()
    }
}
