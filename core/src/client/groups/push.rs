//! Group pushes: `GroupMsgArray` (messages), `GroupTips` Event 4 (tips) and
//! Event 5 (system notices, read receipts), routed as the official SDK
//! routes them (docs/design/GROUPS_WIRE.md §2.1).

use std::time::Instant;

use crate::event::Event;
use crate::model::{Message, ReadReceiptInfo};
use crate::proto::group_msg::{event, notice_op, tip_op, GroupTip, GroupWireMessage, ReceiptCount};
use crate::proto::group_topic::op as topic_op;
use crate::types::Flow;

use super::super::conv_list::last_message_of;
use super::super::Client;

impl Client {
    /// The messages of a `GroupMsgArray` not delivered before (by group and
    /// sequence), as messages.
    pub(in crate::client) fn group_messages_of(
        &mut self,
        now: Instant,
        items: &[GroupWireMessage],
    ) -> Vec<Message> {
        let me = self.current_user();
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            if item.to_group_id.is_empty() {
                self.note_bad_group_item("a group message without ToGroupId");
                continue;
            }
            let target = item.group_info.target(&item.to_group_id);
            if !self.is_av_room(target, &item.group_info.group_type) {
                self.fill_gap_before(now, target, item.msg_seq);
            }
            if !self.groups.first_delivery(target, item.msg_seq) {
                self.net.note_duplicate_message();
                continue;
            }
            out.push(Message::from_group_wire(item, &me));
        }
        out
    }

    /// A `GroupTips` item list under `event`. Tips (4) join `received`, to
    /// be delivered in order with the messages around them; a system notice
    /// (5) is delivered after what came before it, then takes its group out
    /// of the list when it says so (kicked, dismissed, quit); receipt lists
    /// (5, `GroupMsgReceiptList`) become MESSAGE_READ_RECEIPT_RECEIVED, and
    /// revoke notices (5, `GroupWithdrawInfoArray`) MESSAGE_REVOKED.
    /// Event 6 carries group attribute and counter changes (`state.rs`).
    /// Other events are dropped, as the official SDK drops them.
    pub(in crate::client) fn on_group_tips(
        &mut self,
        now: Instant,
        event: u32,
        items: &[GroupTip],
        received: &mut Vec<Message>,
    ) {
        match event {
            event::GROUP_TIP => {
                let me = self.current_user();
                for item in items {
                    if item.to_group_id.is_empty() {
                        self.note_bad_group_item("a group tip without ToGroupId");
                        continue;
                    }
                    let target = item.group_info.target(&item.to_group_id);
                    if !self.is_av_room(target, &item.group_info.group_type) {
                        self.fill_gap_before(now, target, item.msg_seq);
                    }
                    if !self.groups.first_delivery(target, item.msg_seq) {
                        self.net.note_duplicate_message();
                        continue;
                    }
                    if item.msg_body.op_type == topic_op::TOPIC_PROFILE {
                        self.on_topic_profile_tip(item);
                    }
                    if let Some(n) = item.msg_body.member_num.filter(|n| *n > 0) {
                        self.groups.set_member_count(&item.to_group_id, n);
                    }
                    if item.msg_body.op_type == tip_op::PROFILE_CHANGED
                        && self.groups.get(&item.to_group_id).is_some()
                    {
                        self.refresh_group(now, &item.to_group_id);
                    }
                    received.push(Message::from_group_tip(item, &me));
                }
            }
            event::GROUP_SYSTEM => {
                for item in items {
                    if let Some(list) = &item.msg_body.group_withdraw_info_array {
                        self.deliver_received(std::mem::take(received));
                        self.on_group_withdraw(list);
                        continue;
                    }
                    if let Some(list) = &item.msg_body.group_msg_receipt_list {
                        self.deliver_received(std::mem::take(received));
                        self.on_group_receipts(&item.to_group_id, list);
                        continue;
                    }
                    if self.on_topic_notice(item) {
                        continue;
                    }
                    self.deliver_received(std::mem::take(received));
                    let notice = Message::from_group_notice(item);
                    let removes = matches!(
                        &notice.payload,
                        crate::model::Payload::GroupSystemNotice(n) if n.removes_group()
                    );
                    let group_id = item.to_group_id.clone();
                    self.deliver_received(vec![notice]);
                    if removes {
                        self.on_removal_notice(now, &group_id, item.msg_time_stamp);
                    } else if refreshes_on_notice(item.msg_body.op_type) {
                        // Created, invited, accepted, role changed: the
                        // group (or my role in it) is new here.
                        self.refresh_group(now, &group_id);
                    }
                }
            }
            event::GROUP_ONLINE_TIP => {
                self.deliver_received(std::mem::take(received));
                self.on_group_state_tips(now, items);
            }
            other => {
                if self.log_enabled(1) {
                    tracing::info!(event = other, "dropping GroupTips of an unknown event");
                }
            }
        }
    }

    /// A notice that I left `group_id` (kicked, dismissed, quit), sent at
    /// `time` (Unix seconds). A sync can bring such a notice after a newer
    /// group list that has me back in the group (re-joined since): when my
    /// held membership began at or after `time`, the server is asked
    /// (a profile refresh drops the group if I am not a member) instead of
    /// the group being dropped on an old notice.
    fn on_removal_notice(&mut self, now: Instant, group_id: &str, time: u64) {
        let rejoined = self
            .groups
            .get(group_id)
            .is_some_and(|g| g.self_info.join_time >= time);
        if rejoined {
            self.refresh_group(now, group_id);
        } else if self.groups.remove(group_id) {
            self.conv_group_left(group_id);
        }
    }

    /// Event 5 `GroupMsgReceiptList`: the read and unread totals of my
    /// messages, for the ones this instance holds.
    fn on_group_receipts(&mut self, group_id: &str, list: &[ReceiptCount]) {
        let owner = self.current_user();
        let mut receipts = Vec::new();
        for r in list {
            let id = Message::make_id(&r.tiny_id, r.msg_client_time, r.msg_random);
            let mine = self
                .messages
                .get(&owner, &id)
                .is_some_and(|m| m.flow == Flow::Out);
            if !mine {
                continue;
            }
            self.change_message(&owner, &id, |m| {
                m.read_receipt_info.read_count = r.read_num;
                m.read_receipt_info.unread_count = r.unread_num;
            });
            receipts.push(ReadReceiptInfo {
                group_id: group_id.to_owned(),
                user_id: String::new(),
                message_id: id,
                read_count: r.read_num,
                unread_count: r.unread_num,
                is_peer_read: false,
                timestamp: 0,
            });
        }
        if !receipts.is_empty() {
            self.emit(Event::MessageReadReceiptReceived(receipts));
        }
    }

    /// Messages of groups were delivered or sent: each group's last message
    /// and next sequence follow.
    pub(in crate::client) fn groups_messages_added(&mut self, messages: &[Message]) {
        for m in messages {
            if m.conversation_type == crate::types::ConversationType::Group {
                self.groups.note_message(m, last_message_of(m));
            }
        }
    }

    /// A push at `seq` of `group_id`: when it skips sequences past the
    /// group's window, fetch the skipped ones from history (they are
    /// delivered when they come; the push itself is delivered at once).
    fn fill_gap_before(&mut self, now: Instant, group_id: &str, seq: u64) {
        if let Some(floor) = self.groups.floor_of(group_id) {
            if seq > floor + 1 {
                self.group_fill(now, group_id, seq - 1);
            }
        }
    }

    fn note_bad_group_item(&mut self, what: &'static str) {
        self.net.note_malformed_frame();
        if self.log_enabled(2) {
            tracing::warn!("dropping {what}");
        }
    }
}

impl Client {
    /// Emit GROUP_LIST_UPDATED if the list changed (coalesced; see the
    /// module doc).
    pub(in crate::client) fn flush_group_events(&mut self) {
        let ready = matches!(self.session, super::super::session::Session::Ready(_));
        let out = &mut self.out;
        let mut changed = false;
        self.groups.flush_events(ready, |event| {
            changed = true;
            out.emit(event);
        });
        if changed {
            self.convs.set_group_profiles(self.groups.list());
        }
    }

    /// The session ended: forget the groups (the next login lists them
    /// again).
    pub(in crate::client) fn groups_reset(&mut self) {
        self.groups = super::Groups::default();
    }

    /// This user left `group_id` (quit, dismissed, kicked): its
    /// conversation goes, as the official SDK deletes it locally.
    pub(in crate::client) fn conv_group_left(&mut self, group_id: &str) {
        let conversation_id = crate::model::group_conversation_id(group_id);
        self.conv_deleted(&conversation_id);
    }
}

/// Notices after which the group is fetched again: it was created with me
/// in it, I was added, my application was accepted, or my role changed.
fn refreshes_on_notice(op_type: u32) -> bool {
    matches!(
        op_type,
        notice_op::APPLY_ACCEPTED
            | notice_op::CREATED
            | notice_op::INVITED
            | notice_op::SET_ADMIN
            | notice_op::CANCEL_ADMIN
    )
}
