//! `openim.getmsg` and the per-user delivered cursor.
//!
//! Each user has a delivered cursor in the store: every inbox entry up to
//! it was acknowledged (`ws_msg_push_ack`) or synced (a getmsg reply with
//! `SyncFlag` 2). A getmsg with an empty (or foreign) `Cookie` starts at the
//! cursor, so it returns what arrived while the user was offline and was
//! never acknowledged. A getmsg with a cookie from an earlier reply
//! continues exactly after the position it names, whatever the cursor.
//!
//! The inbox holds notifications too (see [`super::notify`]); a page holds a
//! run of messages (`MsgList`) followed by a run of notifications
//! (`EventArray`), never a notification before a message of the same page,
//! so that a client handling `MsgList` before `EventArray` handles the
//! inbox exactly in order. A notification caused by the requesting
//! instance itself is included too: its push skipped that instance, which
//! normally learns the outcome from its reply, but the reply can be lost
//! with its socket or arrive after the client gave up on the request while
//! the change was applied (found by the simulation); the client ignores a
//! notification that changes nothing. The last page (`SyncFlag` 2) carries
//! `C2CPairUnreadCount`.
//!
//! Acks can arrive out of order, or for a later message while an earlier
//! one (that arrived offline) is still unsynced; the cursor therefore only
//! moves over a contiguous run of acknowledged entries, and the rest wait
//! in memory until the gap is filled.

use std::collections::{BTreeSet, HashMap};

use tcchat_core::proto::{BaseReply, GetMsgReply, GetMsgRequest, PushEvent, SyncFlag};
use tcchat_core::wire::Frame;

use super::conn::Ident;
use super::logs::short;
use super::messaging::wire_message;
use super::{cookie, ConnId, Engine};
use crate::codes;
use crate::store::{InboxItem, Store, StoreError};

/// Acknowledged inbox positions above the cursor, per user, waiting for the
/// gap below them to close.
#[derive(Debug, Default)]
pub(crate) struct AckTracker {
    pending: HashMap<(u64, String), BTreeSet<u64>>,
    /// A final sync page sent on a connection and not yet known to have
    /// arrived: `(app, user, last position)`. It moves the cursor only on
    /// proof of receipt (found by the simulation: moving it when the reply
    /// was sent lost messages whose reply died with the socket).
    unproven: HashMap<ConnId, (u64, String, u64)>,
}

/// Most out-of-order acks remembered per user; more are dropped (the
/// messages are then simply synced again by the next getmsg).
const MAX_PENDING_ACKS: usize = 4096;

/// Most JSON bytes of messages in one `openim.getmsg` reply (always at
/// least one message): 256 KiB keeps replies far below the clients' 1 MiB
/// frame and 4 MiB decompressed limits.
pub const PAGE_BYTES: usize = 256 * 1024;

impl<S: Store> Engine<S> {
    /// `openim.getmsg`: a page of the inbox after the cookie's position.
    pub(super) fn on_getmsg(&mut self, unix_ms: u64, conn: ConnId, gzip: bool, frame: &Frame) {
        let Some((me, req)) = self.begin::<GetMsgRequest>(unix_ms, conn, gzip, frame) else {
            return;
        };
        let head = &frame.head;
        let from = match cookie::decode(self.epoch, me.app, &me.user, &req.cookie) {
            cookie::Position::Mine(pos) => Some(pos),
            cookie::Position::Foreign => None,
            cookie::Position::OtherUser => {
                tracing::debug!(conn = conn.0, "getmsg with another user's cookie refused");
                return self.out.fail(
                    conn,
                    gzip,
                    head,
                    codes::INVALID_PARAMETER,
                    "the Cookie names another user's inbox",
                );
            }
        };
        // A cookie proves its reply arrived: everything up to it was
        // received by this user.
        if let Some(pos) = from {
            if let Err(err) = self.synced_to(me.app, &me.user, pos) {
                return self.internal_error(conn, gzip, head, &err);
            }
        }
        match self.sync_page(&me, from) {
            Ok((reply, done_at)) => {
                if let Some(last) = done_at {
                    self.acks
                        .unproven
                        .insert(conn, (me.app, me.user.clone(), last));
                }
                self.out.reply(conn, gzip, head, &reply)
            }
            Err(err) => self.internal_error(conn, gzip, head, &err),
        }
    }

    /// The page after position `from` (the cursor when `None`), and, when
    /// it is the last page, the position it ends at (the cursor may move
    /// there once the client has it).
    fn sync_page(
        &mut self,
        me: &Ident,
        from: Option<u64>,
    ) -> Result<(GetMsgReply, Option<u64>), StoreError> {
        let (app, user) = (me.app, me.user.as_str());
        let start = match from {
            Some(pos) => pos,
            None => self.store.cursor(app, user)?,
        };
        let start = start.min(self.store.inbox_head(app, user)?);
        let page = self.config.getmsg_page_size.max(1);
        let mut items = self
            .store
            .inbox_after(app, user, start, page.saturating_add(1))?;
        items.truncate(page.saturating_add(1));
        // Fill the page up to `page` entries and about PAGE_BYTES of JSON
        // (always at least one item), so a reply stays far below the
        // clients' frame limits however large the messages are. A message
        // after a notification starts the next page.
        let mut msg_list = Vec::new();
        let mut event_array: Vec<PushEvent> = Vec::new();
        let mut bytes = 0usize;
        let mut last = start;
        let mut consumed = 0usize;
        for entry in items.iter().take(page) {
            let size = match &entry.item {
                InboxItem::Message(m) => {
                    if !event_array.is_empty() {
                        break;
                    }
                    let wire = wire_message(m);
                    let size = serde_json::to_vec(&wire).map_or(0, |v| v.len());
                    if !msg_list.is_empty() && bytes.saturating_add(size) > PAGE_BYTES {
                        break;
                    }
                    msg_list.push(wire);
                    size
                }
                InboxItem::Notice(n) => match serde_json::from_str::<PushEvent>(&n.event) {
                    Ok(event) => {
                        let size = n.event.len();
                        let empty = msg_list.is_empty() && event_array.is_empty();
                        if !empty && bytes.saturating_add(size) > PAGE_BYTES {
                            break;
                        }
                        event_array.push(event);
                        size
                    }
                    Err(err) => {
                        tracing::error!(%err, app, user = %short(user), seq = entry.inbox_seq, "unreadable stored notice skipped");
                        0
                    }
                },
            };
            bytes = bytes.saturating_add(size);
            last = entry.inbox_seq;
            consumed += 1;
        }
        let more = items.len() > consumed;
        let c2c_pair_unread_count = if more {
            Vec::new()
        } else {
            self.pair_unread_counts(app, user)?
        };
        let reply = GetMsgReply {
            base: BaseReply::ok(),
            cookie: cookie::encode(self.epoch, app, user, last),
            sync_flag: if more { SyncFlag::MORE } else { SyncFlag::DONE },
            msg_list,
            c2c_pair_unread_count,
            event_array,
        };
        Ok((reply, (!more).then_some(last)))
    }

    /// A push of inbox position `pos` was acknowledged on `conn`. A push of
    /// a later position than the final sync page sent on the same
    /// connection was written after that page, so the page arrived too.
    pub(super) fn on_acked(&mut self, conn: ConnId, app: u64, user: &str, pos: u64) {
        let proven = match self.acks.unproven.get(&conn) {
            Some((a, u, last)) if *a == app && u == user && pos > *last => Some(*last),
            _ => None,
        };
        if let Some(last) = proven {
            self.acks.unproven.remove(&conn);
            if let Err(err) = self.synced_to(app, user, last) {
                tracing::warn!(%err, app, user = %short(user), "cannot advance the delivered cursor");
            }
        }
        self.mark_delivered(app, user, pos);
    }

    /// The connection closed: its unproven sync page proves nothing.
    pub(super) fn forget_sync(&mut self, conn: ConnId) {
        self.acks.unproven.remove(&conn);
        crate::shrink::after_removal(&mut self.acks.unproven);
    }

    /// A push of inbox position `pos` was acknowledged.
    fn mark_delivered(&mut self, app: u64, user: &str, pos: u64) {
        let result = self.store.cursor(app, user).and_then(|cursor| {
            // Only positions that exist can be acknowledged.
            if pos <= cursor || pos > self.store.inbox_head(app, user)? {
                return Ok(());
            }
            let key = (app, user.to_owned());
            let pending = self.acks.pending.entry(key).or_default();
            if pending.len() < MAX_PENDING_ACKS {
                pending.insert(pos);
            }
            self.absorb_pending(app, user, cursor)
        });
        if let Err(err) = result {
            tracing::warn!(%err, app, user = %short(user), "cannot advance the delivered cursor");
        }
    }

    /// Everything up to `pos` was synced. A position beyond the inbox head
    /// (a cookie edited by its holder) moves the cursor to the head, never
    /// past it: messages that arrive later must still be synced.
    fn synced_to(&mut self, app: u64, user: &str, pos: u64) -> Result<(), StoreError> {
        let pos = pos.min(self.store.inbox_head(app, user)?);
        let cursor = self.store.advance_cursor(app, user, pos)?;
        self.absorb_pending(app, user, cursor)
    }

    /// Move the cursor over pending acks contiguous with `cursor`, and drop
    /// pending acks at or below it.
    fn absorb_pending(&mut self, app: u64, user: &str, cursor: u64) -> Result<(), StoreError> {
        let key = (app, user.to_owned());
        let Some(pending) = self.acks.pending.get_mut(&key) else {
            return Ok(());
        };
        let mut to = cursor;
        while pending.remove(&to.saturating_add(1)) {
            to += 1;
        }
        *pending = pending.split_off(&to.saturating_add(1));
        if pending.is_empty() {
            self.acks.pending.remove(&key);
        }
        if to > cursor {
            self.store.advance_cursor(app, user, to)?;
        }
        Ok(())
    }
}
