//! The conversation APIs (`getConversationList`, `getConversationProfile`,
//! `deleteConversation`, `pinConversation`, `setConversationDraft`,
//! `getTotalUnreadMessageCount`) and the replies of every conversation
//! request. They take `C2C<userID>` and `GROUP<groupID>` conversations.

use std::collections::HashSet;
use std::time::Instant;

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::conversations::{c2c_peer, Conversations};
use super::request::{Call, Output, Request};
use super::{Client, RequestId};
use crate::error::{ChatError, ErrorCode};
use crate::model::Conversation;
use crate::model::{c2c_id, group_conversation_id};
use crate::proto::contact::{
    BatchDeleteReply, BatchDeleteRequest, ContactItem, SessionItem, TopRequest,
};
use crate::types::ConversationType;
use crate::wire::{servcmd, Frame};

/// A reply body as `T`, or why it is unusable (2903, as the official SDK
/// fails on a reply it cannot read).
pub(super) fn parse_reply<T: DeserializeOwned>(
    result: Result<(), ChatError>,
    frame: &Frame,
) -> Result<T, ChatError> {
    result?;
    Client::reply_body(frame)
}

impl Client {
    /// The peer of `conversation_id`, or the official refusal: 2106 for a
    /// conversation type this client does not handle yet (`GROUP`, `TOPIC`,
    /// `@TIM#SYSTEM`), 2503 for a malformed ID. The one check behind every
    /// API that takes a conversation ID.
    pub(super) fn check_conversation_id(
        &mut self,
        api: &str,
        conversation_id: &str,
    ) -> Result<String, ChatError> {
        if let Some(peer) = c2c_peer(conversation_id) {
            return Ok(peer.to_owned());
        }
        let other_type = [
            ConversationType::Group,
            ConversationType::Topic,
            ConversationType::System,
        ]
        .iter()
        .any(|t| conversation_id.starts_with(t.as_str()));
        Err(if other_type {
            self.api_error(
                ErrorCode::MSG_INVALID_CONV_TYPE,
                format!("{api}: only C2C conversations are supported yet, not {conversation_id:?}"),
            )
        } else {
            self.api_error(
                ErrorCode::INVALID_CONV_ID,
                format!(
                    "{api}: {conversation_id:?} is not a conversation ID (C2C<userID>, userID of 1 to {} bytes)",
                    Self::MAX_USER_ID_BYTES
                ),
            )
        })
    }

    /// The conversation a list API acts on: `C2C<userID>` or
    /// `GROUP<groupID>` (IDs of 1 to 256 bytes), as the server names it; 2106
    /// for `TOPIC…` and `@TIM#SYSTEM`, 2503 for a malformed ID.
    pub(super) fn check_listed_conversation_id(
        &mut self,
        api: &str,
        conversation_id: &str,
    ) -> Result<ContactItem, ChatError> {
        if let Some(group_id) = super::conv_list::group_of(conversation_id) {
            return Ok(ContactItem::group(group_id));
        }
        if conversation_id.starts_with(ConversationType::Group.as_str()) {
            return Err(self.api_error(
                ErrorCode::INVALID_CONV_ID,
                format!(
                    "{api}: {conversation_id:?} is not a conversation ID (GROUP<groupID>, groupID of 1 to {} bytes)",
                    Self::MAX_USER_ID_BYTES
                ),
            ));
        }
        self.check_conversation_id(api, conversation_id)
            .map(ContactItem::c2c)
    }

    /// The conversation `conversation_id` if it is in the list, or 2500.
    fn require_conversation(
        &mut self,
        api: &str,
        conversation_id: &str,
    ) -> Result<ContactItem, ChatError> {
        let item = self.check_listed_conversation_id(api, conversation_id)?;
        if self.convs.contains(conversation_id) {
            return Ok(item);
        }
        Err(self.api_error(
            ErrorCode::CONV_NOT_FOUND,
            format!("{api}: {conversation_id} is not in the conversation list"),
        ))
    }

    /// Queue a user's conversation request; its result arrives as a
    /// [`Completion`](super::Completion).
    pub(super) fn send_conv_request<T: Output, B: Serialize, R: Request>(
        &mut self,
        now: Instant,
        servcmd: &'static str,
        body: &B,
        request: impl FnOnce(RequestId<T>) -> R,
    ) -> Result<RequestId<T>, ChatError> {
        self.check_capacity()?;
        Ok(self.enqueue_command(now, servcmd, body, request))
    }

    /// `getConversationList()`: the conversations, pinned first, then by
    /// last message time (newest first). With `conversation_ids`, only
    /// those (in list order; IDs not in the list are left out).
    pub fn get_conversation_list(
        &mut self,
        conversation_ids: Option<&[String]>,
    ) -> Result<Vec<Conversation>, ChatError> {
        self.require_ready("getConversationList")?;
        let list = self.convs.sorted();
        Ok(match conversation_ids {
            None => list,
            Some(ids) => {
                let wanted: HashSet<&str> = ids.iter().map(String::as_str).collect();
                list.into_iter()
                    .filter(|c| wanted.contains(c.conversation_id.as_str()))
                    .collect()
            }
        })
    }

    /// `getConversationProfile(conversationID)`: the conversation as held;
    /// for a valid C2C or group ID that is not in the list, an empty
    /// conversation (not added to the list; a group's carries its
    /// `groupProfile` when the group is in the group list), as the official
    /// SDK shows a conversation that has no messages yet.
    pub fn get_conversation_profile(
        &mut self,
        conversation_id: &str,
    ) -> Result<Conversation, ChatError> {
        self.require_ready("getConversationProfile")?;
        let item = self.check_listed_conversation_id("getConversationProfile", conversation_id)?;
        let peer = if item.kind == SessionItem::GROUP {
            item.to_group_id
        } else {
            item.to_account
        };
        Ok(match self.convs.view_of(conversation_id) {
            Some(c) => c,
            None => self.convs.view_new(conversation_id, &peer),
        })
    }

    /// `getTotalUnreadMessageCount()`: the unread messages of every
    /// conversation whose remind type is `AcceptAndNotify`.
    pub fn get_total_unread_message_count(&mut self) -> Result<u64, ChatError> {
        self.require_ready("getTotalUnreadMessageCount")?;
        Ok(self.convs.total_unread())
    }

    /// `setConversationDraft({conversationID, draftText})`: local only, as
    /// the official SDK (an empty text clears it). Returns the conversation;
    /// CONVERSATION_LIST_UPDATED follows.
    pub fn set_conversation_draft(
        &mut self,
        conversation_id: &str,
        draft_text: &str,
    ) -> Result<Conversation, ChatError> {
        self.require_ready("setConversationDraft")?;
        self.require_conversation("setConversationDraft", conversation_id)?;
        if draft_text.len() > Conversations::MAX_DRAFT_BYTES {
            return Err(self.api_error(
                ErrorCode::INVALID_OPERATION,
                format!(
                    "setConversationDraft: the draft is {} bytes; the limit is {}",
                    draft_text.len(),
                    Conversations::MAX_DRAFT_BYTES
                ),
            ));
        }
        self.convs.set_draft(conversation_id, draft_text);
        self.convs
            .view_of(conversation_id)
            .ok_or_else(|| ChatError::new(ErrorCode::UNCAUGHT_ERROR, "the conversation vanished"))
    }

    /// `deleteConversation(conversationID)`: `recentcontact.batch_delete`
    /// with `ClearRamble: 1` (the history goes too). Completes with
    /// the conversation's ID; TOTAL_UNREAD_MESSAGE_COUNT_UPDATED (if
    /// it had unread messages) and CONVERSATION_LIST_UPDATED follow.
    pub fn delete_conversation(
        &mut self,
        now: Instant,
        conversation_id: &str,
    ) -> Result<RequestId<String>, ChatError> {
        let me = self.require_ready("deleteConversation")?.user_id.clone();
        let item = self.require_conversation("deleteConversation", conversation_id)?;
        let body = BatchDeleteRequest {
            from_account: me,
            contact_item: vec![item],
            clear_ramble: 1,
        };
        let conversation_id = conversation_id.to_owned();
        self.send_conv_request(now, servcmd::CONV_DELETE, &body, |id| {
            Call::change(
                id,
                move |client: &mut Client, _, id, status, frame: &Frame| {
                    let outcome = parse_reply::<BatchDeleteReply>(status, frame)
                        .and_then(|r| client.apply_delete(&conversation_id, &r));
                    client.complete(id, outcome.map(|()| conversation_id));
                },
            )
        })
    }

    /// `pinConversation({conversationID, isPinned})`: `recentcontact.top`.
    /// Completes with the conversation's ID; CONVERSATION_LIST_UPDATED
    /// follows.
    pub fn pin_conversation(
        &mut self,
        now: Instant,
        conversation_id: &str,
        is_pinned: bool,
    ) -> Result<RequestId<String>, ChatError> {
        let me = self.require_ready("pinConversation")?.user_id.clone();
        let item = self.require_conversation("pinConversation", conversation_id)?;
        let body = TopRequest {
            from_account: me,
            operation_type: if is_pinned { 1 } else { 2 },
            recent_contact_item: vec![item],
        };
        let conversation_id = conversation_id.to_owned();
        self.send_conv_request(now, servcmd::CONV_TOP, &body, |id| {
            Call::change(id, move |client: &mut Client, _, id, status, _: &Frame| {
                let outcome = status.map(|()| {
                    client.convs.set_pinned(&conversation_id, is_pinned);
                    conversation_id
                });
                client.complete(id, outcome);
            })
        })
    }

    /// Only the conversations the server deleted (`ResultCode` 0) go.
    fn apply_delete(
        &mut self,
        conversation_id: &str,
        reply: &BatchDeleteReply,
    ) -> Result<(), ChatError> {
        let mine = reply.result_item.iter().find(|r| {
            let named = if r.kind == SessionItem::GROUP {
                group_conversation_id(&r.to_group_id)
            } else {
                c2c_id(&r.to_account)
            };
            named == conversation_id
        });
        match mine {
            Some(r) if r.result_code == 0 => {
                self.conv_deleted(conversation_id);
                Ok(())
            }
            Some(r) => Err(ChatError::new(
                ErrorCode(r.result_code),
                if r.result_info.is_empty() {
                    format!("the server did not delete {conversation_id}")
                } else {
                    r.result_info.clone()
                },
            )),
            None => Err(ChatError::new(
                ErrorCode::UNCAUGHT_ERROR,
                format!("the batch_delete reply has no ResultItem for {conversation_id}"),
            )),
        }
    }
}
