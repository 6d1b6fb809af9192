use serde::{Deserialize, Serialize};

use super::{Payload, Profile};
use crate::types::ConversationType;

/// The ID of the C2C conversation with `peer`: `C2C<peer>`.
pub(crate) fn c2c_id(peer: &str) -> String {
    format!("{}{peer}", ConversationType::C2c.as_str())
}

/// The conversation ID of the one-to-one (C2C) chat with `user_id`, as the
/// conversation APIs take it: `C2C<user_id>`.
///
/// ```
/// assert_eq!(tcchat_core::model::c2c_conversation_id("alice"), "C2Calice");
/// ```
#[must_use]
pub fn c2c_conversation_id(user_id: &str) -> String {
    c2c_id(user_id)
}

/// The conversation ID of group `group_id`: `GROUP<group_id>`. A community
/// topic's conversation is formed the same way from the topic ID (which
/// contains its community's ID: `<community>@TOPIC#_<id>`).
///
/// ```
/// assert_eq!(tcchat_core::model::group_conversation_id("@TGS#1ABC"), "GROUP@TGS#1ABC");
/// ```
#[must_use]
pub fn group_conversation_id(group_id: &str) -> String {
    format!("{}{group_id}", ConversationType::Group.as_str())
}

/// A conversation, as in CONVERSATION_LIST_UPDATED and the conversation
/// APIs: the fields of the official `Conversation` object that apply to
/// one-to-one (`C2C<id>`), group (`GROUP<id>`) and system (`@TIM#SYSTEM`)
/// conversations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Conversation {
    /// `C2C<userID>`, `GROUP<groupID>`, …
    #[serde(rename = "conversationID")]
    pub conversation_id: String,
    /// The conversation type.
    #[serde(rename = "type")]
    pub conversation_type: ConversationType,
    /// Unread messages in this conversation.
    pub unread_count: u64,
    /// The newest message, if any.
    pub last_message: Option<LastMessage>,
    /// Whether the conversation is pinned (pinned conversations come first).
    pub is_pinned: bool,
    /// The draft set with `set_conversation_draft` (kept on this instance
    /// only, as the official SDK does).
    pub draft_text: String,
    /// The names of the conversation groups it belongs to.
    pub conversation_group_list: Vec<String>,
    /// Its standard marks (`TYPES.CONV_MARK_TYPE_*` values: 1 star, 2
    /// unread, 4 fold, 8 hide, and higher bits as set by the server).
    pub mark_list: Vec<u64>,
    /// How new messages of this conversation are announced; only
    /// `AcceptAndNotify` conversations count in the total unread count.
    pub message_remind_type: MessageRemindType,
    /// When the peer last read this user's messages, Unix seconds.
    pub peer_read_time: u64,
    /// The peer's profile (only the user ID is filled so far; empty for
    /// group and system conversations).
    pub user_profile: Profile,
    /// `groupProfile`: the group of a `GROUP<id>` conversation, as the group
    /// list holds it (`None` for other conversations, or when this user no
    /// longer belongs to the group).
    pub group_profile: Option<super::Group>,
    /// `groupAtInfoList`: the unread messages of a `GROUP<id>` conversation
    /// that @-mention this user or everyone, oldest first (cleared when the
    /// conversation is read).
    pub group_at_info_list: Vec<GroupAtInfo>,
}

/// One of `Conversation.groupAtInfoList`: an unread group message that
/// @-mentions this user (`at_type` 1, `TYPES.CONV_AT_ME`), everyone (2,
/// `CONV_AT_ALL`) or both (3, `CONV_AT_ALL_AT_ME`). The item's shape is
/// ours: the reference records only the three constants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GroupAtInfo {
    /// `from`: the sender.
    pub from: String,
    /// `groupID`.
    #[serde(rename = "groupID")]
    pub group_id: String,
    /// `messageSequence`: the message's group sequence.
    pub message_sequence: u64,
    /// `atType`: 1 @me, 2 @all, 3 both.
    pub at_type: u8,
}

impl GroupAtInfo {
    /// `TYPES.CONV_AT_ME`.
    pub const AT_ME: u8 = 1;
    /// `TYPES.CONV_AT_ALL`.
    pub const AT_ALL: u8 = 2;
    /// `TYPES.CONV_AT_ALL_AT_ME`.
    pub const AT_ALL_AT_ME: u8 = 3;

    /// The item for `message` as `me` sees it, if it mentions me or all.
    pub(crate) fn of(message: &super::Message, me: &str) -> Option<GroupAtInfo> {
        let at_me = message.at_user_list.iter().any(|u| u == me);
        let at_all = message
            .at_user_list
            .iter()
            .any(|u| u == super::Message::AT_ALL);
        let at_type = match (at_me, at_all) {
            (true, true) => Self::AT_ALL_AT_ME,
            (true, false) => Self::AT_ME,
            (false, true) => Self::AT_ALL,
            (false, false) => return None,
        };
        Some(GroupAtInfo {
            from: message.from.clone(),
            group_id: message.to.clone(),
            message_sequence: message.sequence,
            at_type,
        })
    }
}

/// The summary of a conversation's newest message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LastMessage {
    /// A text to show for the message: the text of a text message, a
    /// bracketed type name (as the official SDK: `[自定义消息]`, `[图片]`,
    /// `[文件]`, …) for the others.
    pub message_for_show: String,
    /// Server time of the message, Unix seconds.
    pub last_time: u64,
    /// Sequence of the message.
    pub last_sequence: u64,
    /// Sender's user ID.
    pub from_account: String,
    /// Whether the peer has read it.
    pub is_peer_read: bool,
    /// Whether it was revoked.
    pub is_revoked: bool,
    /// The element type (`TYPES.MSG_*`).
    #[serde(rename = "type")]
    pub msg_type: String,
    /// The content.
    pub payload: Payload,
    /// Modification version.
    pub version: u64,
    /// Opaque custom data of the message.
    pub cloud_custom_data: String,
}

/// `messageRemindType`: how a conversation's new messages are announced
/// (`TYPES.MSG_REMIND_*`). The server's `MsgRecvOption` 0, 2 and 1.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MessageRemindType {
    /// `MSG_REMIND_ACPT_AND_NOTE`: receive and notify (counts in the total
    /// unread count).
    #[default]
    AcceptAndNotify,
    /// `MSG_REMIND_ACPT_NOT_NOTE`: receive without notification.
    AcceptNotNotify,
    /// `MSG_REMIND_DISCARD`: do not receive.
    Discard,
}

impl MessageRemindType {
    /// The type for a server `MsgRecvOption` (0 accept and notify, 1
    /// discard, 2 accept without notification; anything else is treated as
    /// 0).
    pub fn from_recv_option(option: u32) -> MessageRemindType {
        match option {
            1 => MessageRemindType::Discard,
            2 => MessageRemindType::AcceptNotNotify,
            _ => MessageRemindType::AcceptAndNotify,
        }
    }
}

/// What `create_conversation_group`, `add_conversations_to_group` and
/// `delete_conversations_from_group` resolve with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationGroupResult {
    /// The conversations the server applied the operation to.
    #[serde(rename = "successConversationIDList")]
    pub success_conversation_id_list: Vec<String>,
    /// The conversations it refused, with its code.
    #[serde(rename = "failureConversationIDList")]
    pub failure_conversation_id_list: Vec<ConversationFailure>,
}

/// One conversation a conversation-group operation failed for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationFailure {
    /// The conversation.
    #[serde(rename = "conversationID")]
    pub conversation_id: String,
    /// The server's `ResultCode`.
    pub code: u32,
    /// The server's `ResultInfo`.
    pub message: String,
}
