//! Pinned group messages (issue 17, PROTOCOL.md 8.14; ours: the reference
//! records only the official SDK's command names `pin_message`,
//! `unpin_message` and `get_pinned_messages`).
//!
//! The owner and admins pin and unpin messages of the group's history
//! (at most [`MAX_PINNED`], oldest pin first); every member reads the
//! list. A change is told to every member's online sockets but the
//! writer's as an Event 6 tip with `OpType` 16 (pinned) or 17 (unpinned)
//! and `PinnedMsgSeq`; like the attribute tips it is online only.

use tcchat_core::proto::group::Role;
use tcchat_core::proto::group_msg::TipBody;
use tcchat_core::proto::group_state::{
    cmd, GetPinnedReply, GetPinnedRequest, PinMsgRequest, TIP_OP_PIN, TIP_OP_UNPIN,
};
use tcchat_core::proto::BaseReply;
use tcchat_core::wire::Frame;

use super::super::conn::Ident;
use super::super::notify::Queued;
use super::super::request::{refuse, Fail};
use super::super::{ConnId, Engine};
use super::{view, Fanout, GroupWrite};
use crate::codes;
use crate::store::{Change, Store};

/// Most pinned messages per group (ours).
pub(crate) const MAX_PINNED: usize = 10;

impl<S: Store> Engine<S> {
    /// `pin_message` / `unpin_message`.
    pub(super) fn on_pin_group_msg(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) {
        let pin = frame.head.servcmd == cmd::PIN_MSG;
        let Some((me, req)) = self.begin_change::<PinMsgRequest>(unix_ms, conn, gzip, frame) else {
            return;
        };
        let result = self.pin_group_msg(&me, unix_ms, conn, pin, &req);
        self.finish_group(unix_ms, &me, conn, gzip, &frame.head, result);
    }

    fn pin_group_msg(
        &mut self,
        me: &Ident,
        unix_ms: u64,
        conn: ConnId,
        pin: bool,
        req: &PinMsgRequest,
    ) -> Result<(BaseReply, Queued, Vec<Fanout>), Fail> {
        let g = self.live_group(me.app, &req.group_id)?;
        let member = self.membership(me.app, &g.id, &me.user)?;
        if !matches!(member.role, Role::Owner | Role::Admin) {
            return refuse(
                codes::PERMISSION_DENIED,
                format!(
                    "only the owner and admins of {} pin messages",
                    view::bounded(&g.id)
                ),
            );
        }
        let mut seqs = self.store.group_pins(me.app, &g.id)?;
        let held = seqs.contains(&req.msg_seq);
        if pin == held {
            // Already as asked (a resend after a lost reply): no change.
            return Ok((BaseReply::ok(), Queued::default(), Vec::new()));
        }
        if pin {
            self.visible_message(me.app, &g, &me.user, req.msg_seq)?;
            if seqs.len() >= MAX_PINNED {
                return refuse(
                    codes::TOO_MANY_ITEMS,
                    format!("a group holds at most {MAX_PINNED} pinned messages"),
                );
            }
            seqs.push(req.msg_seq);
        } else {
            seqs.retain(|s| *s != req.msg_seq);
        }
        let mut w = GroupWrite::default();
        w.change(Change::GroupPins {
            group: g.id.clone(),
            seqs,
        });
        let body = TipBody {
            pinned_msg_seq: Some(req.msg_seq),
            ..TipBody::default()
        };
        let mut fanout = self.state_tip(me, &g, unix_ms, body, conn)?;
        if let Some(tip) = fanout.event.group_tips.as_mut().and_then(|t| t.first_mut()) {
            tip.msg_body.op_type = if pin { TIP_OP_PIN } else { TIP_OP_UNPIN };
        }
        let (queued, mut out) = self.commit_group(me, w)?;
        out.push(fanout);
        Ok((BaseReply::ok(), queued, out))
    }

    /// `get_pinned_messages`: the pinned messages the caller can see,
    /// oldest pin first.
    pub(super) fn on_get_pinned_group_msgs(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) {
        let Some((me, req)) = self.begin::<GetPinnedRequest>(unix_ms, conn, gzip, frame) else {
            return;
        };
        let result = (|| {
            let g = self.live_group(me.app, &req.group_id)?;
            self.membership(me.app, &g.id, &me.user)?;
            let mut list = Vec::new();
            for seq in self.store.group_pins(me.app, &g.id)? {
                match self.visible_message(me.app, &g, &me.user, seq) {
                    Ok(m) => list.push(m),
                    Err(Fail::Refuse(..)) => {}
                    Err(other) => return Err(other),
                }
            }
            Ok::<_, Fail>(GetPinnedReply {
                base: BaseReply::ok(),
                pinned_msg_list: list,
            })
        })();
        self.finish_query(conn, gzip, &frame.head, result);
    }
}
