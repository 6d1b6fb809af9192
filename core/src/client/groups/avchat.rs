//! `AVChatRoom` on the client (docs/GROUPS.md, "AVChatRoom"; ours): the
//! server keeps no history of a live room and ends a non-owner's
//! membership when the user goes offline, so this instance asks for
//! nothing it missed: no catch-up after the group list, no gap fill after
//! a push that skips sequences (`group_msg_get` would only answer an empty
//! page: wasted traffic), and `get_message_list` pages through what this
//! instance holds without a request. A room left by going offline is not
//! in the list the next login (or re-login) fetches, which takes it and its
//! conversation out, as a quit does.

use super::super::request::RequestId;
use super::super::Client;
use crate::error::ChatError;
use crate::model::{group_conversation_id, MessageListResult};
use crate::types::GroupType;

/// The wire name of the type ([`GroupType::AvChatRoom`]).
const AV_CHAT_ROOM: &str = "AVChatRoom";

impl Client {
    /// Whether `group_id` is a live room: by the held group, or else by the
    /// `GroupType` a push carried (`wire_type`, empty when none).
    pub(in crate::client) fn is_av_room(&self, group_id: &str, wire_type: &str) -> bool {
        match self.groups.get(group_id) {
            Some(g) => g.group_type == GroupType::AvChatRoom,
            None => wire_type == AV_CHAT_ROOM,
        }
    }

    /// `getMessageList` of a live room: the page of held messages before
    /// `before` (its position in the conversation, `None` for the newest),
    /// at most [`Client::MESSAGE_PAGE`], oldest first; completed when no
    /// older one is held.
    pub(in crate::client) fn av_room_message_list(
        &mut self,
        group_id: &str,
        before: Option<&str>,
    ) -> Result<RequestId<MessageListResult>, ChatError> {
        let owner = self.current_user();
        let conversation_id = group_conversation_id(group_id);
        let bound = before.and_then(|id| self.messages.order_of(&owner, id));
        let mut older: Vec<_> = self
            .messages
            .entries_in(&owner, &conversation_id)
            .rev()
            .filter(|(o, _)| bound.as_ref().is_none_or(|b| o < b))
            .take(Self::MESSAGE_PAGE + 1)
            .map(|(_, m)| m.clone())
            .collect();
        let is_completed = older.len() <= Self::MESSAGE_PAGE;
        older.truncate(Self::MESSAGE_PAGE);
        older.reverse();
        let result = MessageListResult {
            next_req_message_id: if is_completed {
                String::new()
            } else {
                older.first().map(|m| m.id.clone()).unwrap_or_default()
            },
            message_list: older,
            is_completed,
        };
        let id = self.next_request_id();
        self.complete(id, Ok(result));
        Ok(id)
    }
}
