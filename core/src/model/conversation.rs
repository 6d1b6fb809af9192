use serde::{Deserialize, Serialize};

use crate::types::ConversationType;

/// A conversation, as in CONVERSATION_LIST_UPDATED.
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
    /// Whether the conversation is pinned.
    pub is_pinned: bool,
}

/// The summary of a conversation's newest message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LastMessage {
    /// A text to show for the message.
    pub message_for_show: String,
    /// Server time of the message, Unix seconds.
    pub last_time: u64,
    /// Sequence of the message.
    pub last_sequence: u64,
    /// Sender's user ID.
    pub from_account: String,
    /// Whether the peer has read it.
    pub is_peer_read: bool,
}
