//! C2C history: `openim.getroammsg`, newest page first, each page oldest
//! first.

use tcchat_core::proto::msgops::{RoamReply, RoamRequest};
use tcchat_core::proto::BaseReply;
use tcchat_core::wire::Frame;

use super::conn::Ident;
use super::messaging::wire_message;
use super::request::{check_peer, refuse, Fail};
use super::{ConnId, Engine};
use crate::bounds;
use crate::codes;
use crate::store::{MessageRecord, Store, StoreError};

impl<S: Store> Engine<S> {
    /// `openim.getroammsg`.
    pub(super) fn on_roam(&mut self, unix_ms: u64, conn: ConnId, gzip: bool, frame: &Frame) {
        let Some((me, req)) = self.begin::<RoamRequest>(unix_ms, conn, gzip, frame) else {
            return;
        };
        let result = self.roam_page(&me, &req);
        self.finish_query(conn, gzip, &frame.head, result);
    }

    /// One page of the conversation with `Peer_Account`, oldest first:
    /// up to `MaxCnt` messages (at most [`bounds::MAX_ROAM_PAGE`] and
    /// [`bounds::ROAM_PAGE_BYTES`]) in both directions, leaving out what
    /// the caller deleted or cleared (and revoked messages unless
    /// `WithRecalledMsg` is 1).
    ///
    /// `GetDirection` 0 (history): the newest messages older than the
    /// cursor (`MsgKey` of the previous page's oldest message; empty for
    /// the newest page); the reply's cursor is the oldest returned
    /// message's `MsgKey` and time. `GetDirection` 1 (the official SDK's
    /// recovery of a conversation it holds, after a re-login): the oldest
    /// messages newer than the cursor (the message `MsgKey` names, or, when
    /// it names none, from `LastMsgTime` on, that second included); the
    /// reply's cursor is the newest returned message's. `Complete` is 1
    /// when nothing further is left in that direction.
    fn roam_page(&mut self, me: &Ident, req: &RoamRequest) -> Result<RoamReply, Fail> {
        check_peer("Peer_Account", &req.peer_account)?;
        let peer = req.peer_account.as_str();
        let want = match usize::try_from(req.max_cnt).unwrap_or(usize::MAX) {
            0 => bounds::DEFAULT_ROAM_PAGE,
            n => n.min(bounds::MAX_ROAM_PAGE),
        };
        let clear_id = self
            .store
            .conversation(me.app, &me.user, peer)?
            .map_or(0, |c| c.clear_id);
        let cursor = if req.msg_key.is_empty() {
            None
        } else {
            self.store
                .message_by_key(me.app, &me.user, peer, &req.msg_key)?
                .map(|m| m.id)
        };
        let unknown_cursor = !req.msg_key.is_empty() && cursor.is_none();
        let with_revoked = req.with_recalled_msg == 1;
        let (kept, newer) = match req.get_direction {
            0 if unknown_cursor => {
                return refuse(
                    codes::INVALID_PARAMETER,
                    format!(
                        "MsgKey {:?} is not a cursor of this conversation",
                        req.msg_key
                    ),
                )
            }
            0 => {
                let before = cursor.unwrap_or(u64::MAX);
                let kept = self.collect(want, with_revoked, before, |store, before, n| {
                    store.history(me.app, &me.user, peer, clear_id, before, n)
                })?;
                (kept, false)
            }
            1 => {
                let (after, min_time) = match cursor {
                    Some(id) => (id.max(clear_id), 0),
                    None => (clear_id, req.last_msg_time),
                };
                let kept = self.collect(want, with_revoked, after, |store, after, n| {
                    store.history_forward(me.app, &me.user, peer, after, min_time, n)
                })?;
                (kept, true)
            }
            other => {
                return refuse(
                    codes::INVALID_PARAMETER,
                    format!("GetDirection {other} is not 0 (older) or 1 (newer)"),
                )
            }
        };
        let mut msg_list = Vec::new();
        let mut bytes = 0usize;
        for m in kept.iter().take(want) {
            let wire = wire_message(m);
            let size = serde_json::to_vec(&wire).map_or(0, |v| v.len());
            if !msg_list.is_empty() && bytes.saturating_add(size) > bounds::ROAM_PAGE_BYTES {
                break;
            }
            bytes = bytes.saturating_add(size);
            msg_list.push(wire);
        }
        let complete = kept.len() <= msg_list.len();
        if !newer {
            msg_list.reverse();
        }
        let edge = if newer {
            msg_list.last()
        } else {
            msg_list.first()
        };
        let (msg_key, last_msg_time) = edge.map_or((String::new(), 0), |m| {
            (m.msg_key.clone(), m.msg_time_stamp)
        });
        Ok(RoamReply {
            base: BaseReply::ok(),
            complete: u8::from(complete),
            msg_list,
            msg_key,
            last_msg_time,
        })
    }

    /// Up to `want + 1` messages in the order `fetch` yields them from
    /// `from` on (`fetch(store, position, n)` returns at most `n` messages
    /// after `position` in its direction), skipping revoked ones unless
    /// `with_revoked`: one more than wanted tells whether more are left.
    fn collect(
        &mut self,
        want: usize,
        with_revoked: bool,
        mut from: u64,
        mut fetch: impl FnMut(&mut S, u64, usize) -> Result<Vec<MessageRecord>, StoreError>,
    ) -> Result<Vec<MessageRecord>, StoreError> {
        let mut kept = Vec::new();
        loop {
            let batch = fetch(&mut self.store, from, want + 1)?;
            let exhausted = batch.len() < want + 1;
            for m in batch {
                from = m.id;
                if with_revoked || m.state.revoked.is_none() {
                    kept.push(m);
                }
            }
            if exhausted || kept.len() > want {
                return Ok(kept);
            }
        }
    }
}
