//! `setMessageRead` for a group: `msg_read_report {GroupId, MsgReadedSeq}`
//! with the newest sequence this instance knows of (PROTOCOL.md 8.6: the
//! server never moves a read sequence backwards). On the reply the group's
//! conversation has nothing unread and `selfInfo.readedSequence` follows.

use std::time::Instant;

use super::super::conv_api::parse_reply;
use super::super::request::{Call, RequestId};
use super::super::Client;
use crate::error::ChatError;
use crate::model::group_conversation_id;
use crate::proto::group::cmd;
use crate::proto::group_msg::MsgReadReportRequest;
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
        let up_to = held.max(listed);
        let body = MsgReadReportRequest {
            group_id: group_id.to_owned(),
            msg_readed_seq: up_to,
            topic_id: String::new(),
        };
        let group_id = group_id.to_owned();
        Ok(
            self.enqueue_command(now, cmd::MSG_READ_REPORT, &body, |id| {
                Call::change(
                    id,
                    move |client: &mut Client, _, id, status, frame: &Frame| {
                        let outcome = parse_reply::<BaseReply>(status, frame).map(|_| {
                            client.convs.clear_unread(&conversation_id);
                            client.groups.set_read_seq(&group_id, up_to);
                        });
                        client.complete(id, outcome);
                    },
                )
            }),
        )
    }
}
