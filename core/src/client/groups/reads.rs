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
                            client.convs.group_read(&conversation_id, up_to, None);
                            client.groups.set_read_seq(&group_id, up_to);
                        });
                        client.complete(id, outcome);
                    },
                )
            }),
        )
    }

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
