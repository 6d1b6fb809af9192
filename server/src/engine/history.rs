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
use crate::store::Store;

impl<S: Store> Engine<S> {
    /// `openim.getroammsg`.
    pub(super) fn on_roam(&mut self, unix_ms: u64, conn: ConnId, gzip: bool, frame: &Frame) {
        let Some((me, req)) = self.begin::<RoamRequest>(unix_ms, conn, gzip, frame) else {
            return;
        };
        match self.roam_page(&me, &req) {
            Ok(reply) => self.out.reply(conn, gzip, &frame.head, &reply),
            Err(fail) => self.answer_fail(conn, gzip, &frame.head, fail),
        }
    }

    /// The page of the conversation with `Peer_Account` older than the
    /// cursor (`MsgKey` of the previous page's oldest message; empty for
    /// the newest page): up to `MaxCnt` messages (at most
    /// [`bounds::MAX_ROAM_PAGE`] and [`bounds::ROAM_PAGE_BYTES`]) in both
    /// directions, oldest first, leaving out what the caller deleted or
    /// cleared (and revoked messages unless `WithRecalledMsg` is 1). The
    /// reply's cursor is the oldest returned message's `MsgKey` and time;
    /// `Complete` is 1 when nothing older is left.
    fn roam_page(&mut self, me: &Ident, req: &RoamRequest) -> Result<RoamReply, Fail> {
        check_peer("Peer_Account", &req.peer_account)?;
        if req.get_direction != 0 {
            return refuse(
                codes::INVALID_PARAMETER,
                "only GetDirection 0 (older messages) is supported",
            );
        }
        let peer = req.peer_account.as_str();
        let want = match usize::try_from(req.max_cnt).unwrap_or(usize::MAX) {
            0 => bounds::DEFAULT_ROAM_PAGE,
            n => n.min(bounds::MAX_ROAM_PAGE),
        };
        let clear_id = self
            .store
            .conversation(me.app, &me.user, peer)?
            .map_or(0, |c| c.clear_id);
        let mut before = u64::MAX;
        if !req.msg_key.is_empty() {
            match self.store.message_by_key(me.app, &req.msg_key)? {
                Some(m)
                    if m.peer_of(&me.user) == peer
                        && (m.msg.from == me.user || m.msg.to == me.user) =>
                {
                    before = m.id;
                }
                _ => {
                    return refuse(
                        codes::INVALID_PARAMETER,
                        format!(
                            "MsgKey {:?} is not a cursor of this conversation",
                            req.msg_key
                        ),
                    )
                }
            }
        }
        // Newest first, one more than wanted to learn whether older ones
        // are left; revoked messages are skipped when not wanted.
        let mut kept = Vec::new();
        loop {
            let batch = self
                .store
                .history(me.app, &me.user, peer, clear_id, before, want + 1)?;
            let exhausted = batch.len() < want + 1;
            for m in batch {
                before = m.id;
                if req.with_recalled_msg == 1 || m.state.revoked.is_none() {
                    kept.push(m);
                }
            }
            if exhausted || kept.len() > want {
                break;
            }
        }
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
        msg_list.reverse();
        let (msg_key, last_msg_time) = msg_list.first().map_or((String::new(), 0), |m| {
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
}
