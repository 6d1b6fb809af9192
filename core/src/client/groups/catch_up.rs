//! Catch-up and gap fill by group sequence (PROTOCOL.md 8.5): after the
//! group list arrives (every login and re-login), each group whose newest
//! sequence (`NextMsgSeq - 1`) is past what this instance delivered is read
//! forward with `group_msg_get`; a push that skips sequences asks for the
//! ones it skipped. Everything delivered goes through the group's
//! [`SeqWindow`](super::SeqWindow), so each (group, sequence) reaches the
//! application once however the push and the history overlap.
//!
//! A fresh instance (no window for the group yet) starts at the read
//! sequence (`SelfInfo.MsgSeq`): it delivers the unread part only. At most
//! [`MAX_CATCH_UP`] sequences are caught up per group; older ones stay in
//! the server's history.

use std::time::Instant;

use super::super::conv_api::parse_reply;
use super::super::request::Request;
use super::super::Client;
use crate::error::ChatError;
use crate::model::Message;
use crate::proto::group::cmd;
use crate::proto::group_msg::{GroupMsgGetReply, GroupMsgGetRequest};
use crate::wire::Frame;

/// Sequences a page of `group_msg_get` covers (the server's maximum).
const PAGE: u64 = 100;
/// Sequences caught up per group at most; past this the oldest are left to
/// the history.
pub(crate) const MAX_CATCH_UP: u64 = 1_000;

impl Client {
    /// The group list arrived: start the windows of groups seen for the
    /// first time at their read sequence, and catch up every group that
    /// has sequences past its window.
    pub(in crate::client) fn groups_catch_up(&mut self, now: Instant) {
        let targets: Vec<(String, u64, u64)> = self
            .groups
            .list()
            .iter()
            .map(|g| {
                (
                    g.group_id.clone(),
                    g.self_info.readed_sequence,
                    g.next_message_seq.saturating_sub(1),
                )
            })
            .collect();
        for (group_id, read, newest) in targets {
            self.groups.start_window_at(&group_id, read);
            self.group_fill(now, &group_id, newest);
        }
    }

    /// Deliver every sequence of `group_id` up to `upto` not delivered yet,
    /// from history (one request per group at a time; the reply asks for
    /// the next page).
    pub(in crate::client) fn group_fill(&mut self, now: Instant, group_id: &str, upto: u64) {
        let Some(floor) = self.groups.floor_of(group_id) else {
            return;
        };
        if self.is_av_room(group_id, "") {
            // A live room has no history to fill from (module `avchat`).
            return;
        }
        if upto <= floor {
            return;
        }
        let pending = self.requests.any(|p| {
            p.purpose
                .downcast_ref::<GroupCatchUp>()
                .is_some_and(|r| r.group_id == group_id)
        });
        if pending {
            // Its reply asks again up to the newest it knows of.
            self.groups.want_upto(group_id, upto);
            return;
        }
        let floor = floor.max(upto.saturating_sub(MAX_CATCH_UP));
        self.groups.skip_to(group_id, floor);
        let last = upto.min(floor + PAGE);
        let body = GroupMsgGetRequest {
            group_id: super::split_topic(group_id).0,
            req_msg_seq: last,
            req_msg_number: last - floor,
            topic_id: super::split_topic(group_id).1,
        };
        let timeout = self.ctx.tuning().request_timeout;
        self.enqueue(
            now,
            cmd::MSG_GET,
            &body,
            timeout,
            GroupCatchUp {
                group_id: group_id.to_owned(),
                upto,
            },
        );
    }

    fn on_catch_up_page(&mut self, now: Instant, req: GroupCatchUp, reply: GroupMsgGetReply) {
        let me = self.current_user();
        let group_id = req.group_id;
        let mut page: Vec<(u64, Option<Message>)> = Vec::new();
        for m in reply
            .rsp_msg_list
            .iter()
            .filter(|m| m.to_group_id == group_id || m.to_group_id.is_empty())
        {
            if m.is_place_msg == 1 {
                page.push((m.msg_seq, None));
            } else {
                let mut wire = m.clone();
                wire.to_group_id.clone_from(&group_id);
                page.push((m.msg_seq, Some(Message::from_group_wire(&wire, &me))));
            }
        }
        for t in &reply.rsp_tip_list {
            let mut wire = t.clone();
            wire.to_group_id.clone_from(&group_id);
            page.push((t.msg_seq, Some(Message::from_group_tip(&wire, &me))));
        }
        page.sort_by_key(|(seq, _)| *seq);
        let before = self.groups.floor_of(&group_id).unwrap_or(0);
        let mut fresh = Vec::new();
        for (seq, message) in page {
            if seq == 0 || !self.groups.first_delivery(&group_id, seq) {
                continue;
            }
            if let Some(m) = message {
                fresh.push(m);
            }
        }
        self.deliver_received(fresh);
        let after = self.groups.floor_of(&group_id).unwrap_or(0);
        let upto = self.groups.take_want(&group_id).max(req.upto);
        // Only a page that moved the window asks again: a server that
        // answers nothing for a range cannot make this loop.
        if after > before && after < upto {
            self.group_fill(now, &group_id, upto);
        }
    }
}

/// A page of the catch-up of one group: the SDK's own request.
#[derive(Debug)]
pub(in crate::client) struct GroupCatchUp {
    group_id: String,
    upto: u64,
}

impl Request for GroupCatchUp {
    fn is_internal(&self) -> bool {
        true
    }

    fn on_reply(
        self: Box<Self>,
        client: &mut Client,
        now: Instant,
        status: Result<(), ChatError>,
        frame: &Frame,
    ) {
        match parse_reply::<GroupMsgGetReply>(status, frame) {
            Ok(reply) => client.on_catch_up_page(now, *self, reply),
            Err(err) => self.on_failed(client, err),
        }
    }

    /// The next login (or the next gap) tries again.
    fn on_failed(self: Box<Self>, client: &mut Client, err: ChatError) {
        if client.log_enabled(2) {
            tracing::warn!(code = err.code.0, message = %err.message, "group catch-up failed; retrying at the next login");
        }
    }
}
