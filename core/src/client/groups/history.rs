//! `getMessageList` for a group: `group_msg_get` by sequence
//! (PROTOCOL.md 8.5; ours), pages of [`Client::MESSAGE_PAGE`] back from
//! the newest sequence, or from before the message a previous page ended
//! with. Messages and tips of the page come oldest first; sequences
//! outside this user's membership (placeholders) are left out, and a page
//! with only those ends the history. A live room (`AVChatRoom`) has no
//! history: its pages are what this instance holds (module `avchat`).

use std::time::Instant;

use super::super::conv_api::parse_reply;
use super::super::request::{Call, RequestId};
use super::super::Client;
use crate::error::{ChatError, ErrorCode};
use crate::model::{group_conversation_id, Message, MessageListResult};
use crate::proto::group::cmd;
use crate::proto::group_msg::{GroupMsgGetReply, GroupMsgGetRequest};
use crate::types::Flow;
use crate::wire::Frame;

impl Client {
    /// `getMessageList({conversationID: GROUP<id>, nextReqMessageID})` (the
    /// state check is the caller's).
    pub(in crate::client) fn get_group_message_list(
        &mut self,
        now: Instant,
        group_id: &str,
        next_req_message_id: Option<&str>,
    ) -> Result<RequestId<MessageListResult>, ChatError> {
        let conversation_id = group_conversation_id(group_id);
        let owner = self.current_user();
        let before = match next_req_message_id.filter(|s| !s.is_empty()) {
            None => 0,
            Some(next) => match self.messages.get(&owner, next) {
                Some(m) if m.conversation_id == conversation_id && m.sequence > 0 => m.sequence,
                _ => {
                    return Err(self.api_error(
                        ErrorCode::INVALID_OPERATION,
                        format!(
                            "getMessageList: nextReqMessageID {next:?} is not a message of {conversation_id} this SDK holds"
                        ),
                    ))
                }
            },
        };
        if self.is_av_room(group_id, "") {
            // No history on the server: what this instance holds.
            return self
                .av_room_message_list(group_id, next_req_message_id.filter(|s| !s.is_empty()));
        }
        if before == 1 {
            // Nothing is older than sequence 1.
            let id = self.next_request_id();
            self.complete(
                id,
                Ok(MessageListResult {
                    message_list: Vec::new(),
                    next_req_message_id: String::new(),
                    is_completed: true,
                }),
            );
            return Ok(id);
        }
        self.check_capacity()?;
        let body = GroupMsgGetRequest {
            group_id: super::split_topic(group_id).0,
            // 0: the newest there is.
            req_msg_seq: before.saturating_sub(1),
            req_msg_number: Self::MESSAGE_PAGE as u64,
            topic_id: super::split_topic(group_id).1,
        };
        let group_id = group_id.to_owned();
        Ok(self.enqueue_command(now, cmd::MSG_GET, &body, |id| {
            Call::query(
                id,
                move |client: &mut Client, _, id, status, frame: &Frame| {
                    let outcome = parse_reply::<GroupMsgGetReply>(status, frame)
                        .map(|r| client.group_history_page(&group_id, &r));
                    client.complete(id, outcome);
                },
            )
        }))
    }

    fn group_history_page(
        &mut self,
        group_id: &str,
        reply: &GroupMsgGetReply,
    ) -> MessageListResult {
        let me = self.current_user();
        let read = self
            .groups
            .get(group_id)
            .map_or(0, |g| g.self_info.readed_sequence);
        let mut page: Vec<Message> = Vec::new();
        let mut lowest = u64::MAX;
        for m in &reply.rsp_msg_list {
            lowest = lowest.min(m.msg_seq);
            if m.is_place_msg == 1 {
                continue;
            }
            let mut wire = m.clone();
            wire.to_group_id = group_id.to_owned();
            page.push(Message::from_group_wire(&wire, &me));
        }
        for t in &reply.rsp_tip_list {
            lowest = lowest.min(t.msg_seq);
            let mut wire = t.clone();
            wire.to_group_id = group_id.to_owned();
            page.push(Message::from_group_tip(&wire, &me));
        }
        page.sort_by_key(|m| m.sequence);
        for m in &mut page {
            m.is_read = m.flow == Flow::Out || m.sequence <= read;
        }
        // What this instance already holds stays as held (it may know
        // better: a revoke, a read).
        let owner = me;
        self.messages.insert_history(&owner, &page);
        let page: Vec<Message> = page
            .into_iter()
            .map(|m| self.messages.get(&owner, &m.id).cloned().unwrap_or(m))
            .collect();
        let is_completed = reply.is_finished == 1 || lowest <= 1 || page.is_empty();
        MessageListResult {
            next_req_message_id: if is_completed {
                String::new()
            } else {
                page.first().map(|m| m.id.clone()).unwrap_or_default()
            },
            message_list: page,
            is_completed,
        }
    }
}
