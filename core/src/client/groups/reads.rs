//! `setMessageRead` for a group: `msg_read_report {GroupId, MsgReadedSeq}`
//! with the newest sequence this instance knows of (PROTOCOL.md 8.6: the
//! server never moves a read sequence backwards). On the reply the group's
//! conversation has nothing unread up to that sequence and
//! `selfInfo.readedSequence` follows. A read on another instance of the
//! user arrives as `ReadGroupMsgNotify` (tcchat's own push, PROTOCOL.md
//! 8.6) with the server's count of what is still unread.

use std::time::Instant;

use super::super::conv_api::parse_reply;
use super::super::request::{Call, RequestId};
use super::super::Client;
use crate::error::ChatError;
use crate::model::group_conversation_id;
use crate::proto::group::cmd;
use crate::proto::group_msg::MsgReadReportRequest;
use crate::proto::msgops::GroupReadSyncNotify;
use crate::proto::BaseReply;
use crate::wire::Frame;

impl Client {
    /// `setMessageRead({conversationID: GROUP<id>})` (the checks of state
    /// and capacity are the caller's): report the group read up to its
    /// newest known sequence.
    pub(in crate::client) fn set_group_message_read(
        &mut self,
        now: Instant,
        group_id: &str,
    ) -> Result<RequestId<()>, ChatError> {
        let id = self.next_request_id();
        let up_to = self.group_known_seq(group_id);
        self.report_group_read(now, group_id, up_to, id, 1);
        Ok(id)
    }

    /// The newest sequence of `group_id` this instance knows of: its held
    /// messages, the group's `nextMessageSeq`, and what the conversation
    /// list learnt from the server (its last message and unread count).
    fn group_known_seq(&self, group_id: &str) -> u64 {
        let conversation_id = group_conversation_id(group_id);
        let owner = self.current_user();
        let held = self
            .messages
            .messages_in(&owner, &conversation_id)
            .map(|m| m.sequence)
            .max()
            .unwrap_or(0);
        let listed = self
            .groups
            .get(group_id)
            .map_or(0, |g| g.next_message_seq.saturating_sub(1));
        held.max(listed)
            .max(self.convs.group_known_seq(&conversation_id))
    }

    /// Send one `msg_read_report` up to `up_to` for the command `id`. The
    /// sequence is chosen when the command is made. When the reply comes,
    /// a server count may have arrived meanwhile (`page_get` after a
    /// reconnect) that covers sequences above `up_to`: such a count cannot
    /// be split at `up_to` here, so the read is reported again up to what
    /// that count covered, and the command completes when the server and
    /// this instance agree. Messages pushed one by one after the report
    /// stay unread (this instance counts them itself, as the server does).
    fn report_group_read(
        &mut self,
        now: Instant,
        group_id: &str,
        up_to: u64,
        id: RequestId<()>,
        round: u32,
    ) {
        let (group, topic) = super::split_topic(group_id);
        let body = MsgReadReportRequest {
            group_id: group,
            msg_readed_seq: up_to,
            topic_id: topic,
        };
        let group_id = group_id.to_owned();
        let conversation_id = group_conversation_id(&group_id);
        let timeout = self.ctx.tuning().request_timeout;
        let call = Call::change(
            id,
            move |client: &mut Client, now, id, status, frame: &Frame| {
                if let Err(e) = parse_reply::<BaseReply>(status, frame) {
                    client.complete(id, Err(e));
                    return;
                }
                client.convs.group_read(&conversation_id, up_to, None);
                client.groups.set_read_seq(&group_id, up_to);
                let counted = client.convs.group_counted_to(&conversation_id);
                if counted > up_to && round < Self::MAX_GROUP_READ_ROUNDS {
                    client.report_group_read(now, &group_id, counted, id, round + 1);
                } else {
                    client.complete(id, Ok(()));
                }
            },
        );
        self.enqueue(now, cmd::MSG_READ_REPORT, &body, timeout, call);
    }

    /// Rounds of `msg_read_report` one `setMessageRead` makes at most (each
    /// reports a newer sequence than the one before).
    const MAX_GROUP_READ_ROUNDS: u32 = 3;

    /// `ReadGroupMsgNotify`: another instance of this user read groups.
    /// Each held group conversation read past what this instance knows
    /// takes the server's unread count (plus what arrived here above the
    /// sequences it covers); an older report changes nothing.
    pub(crate) fn on_group_read_sync_notify(&mut self, notify: &GroupReadSyncNotify) {
        for item in notify
            .group_read_array
            .iter()
            .take(Self::MAX_GROUP_READ_ITEMS)
        {
            if item.group_id.is_empty() || item.group_id.len() > Self::MAX_USER_ID_BYTES {
                self.net.note_malformed_frame();
                continue;
            }
            let conversation_id = group_conversation_id(&item.group_id);
            let counted_to = item.group_next_msg_seq.saturating_sub(1);
            self.convs.group_read(
                &conversation_id,
                item.msg_readed_seq,
                Some((item.unread_msg_count, counted_to)),
            );
            self.groups
                .set_read_seq(&item.group_id, item.msg_readed_seq);
        }
    }

    /// Groups read in one `ReadGroupMsgNotify` that are looked at.
    const MAX_GROUP_READ_ITEMS: usize = 1_000;
}
