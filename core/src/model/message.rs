use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::proto::{MsgElem, WireMessage};
use crate::types::{ConversationType, Flow, MessageStatus, MessageType};

/// The content of a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Payload {
    /// `TIMTextElem`: `{text}`.
    Text {
        /// The text.
        text: String,
    },
    /// `TIMCustomElem`: `{data, description, extension}`.
    Custom {
        /// Application data.
        data: String,
        /// Description.
        description: String,
        /// Extension.
        extension: String,
    },
    /// Any other element, kept as the raw `MsgContent` JSON so nothing is
    /// lost.
    Other {
        /// The element's `MsgType`.
        #[serde(rename = "type")]
        msg_type: String,
        /// The element's `MsgContent`, as JSON text.
        content: String,
    },
}

#[derive(Serialize, Deserialize)]
struct TextContent {
    #[serde(rename = "Text", default)]
    text: String,
}

#[derive(Serialize, Deserialize)]
struct CustomContent {
    #[serde(rename = "Data", default)]
    data: String,
    #[serde(rename = "Desc", default)]
    desc: String,
    #[serde(rename = "Ext", default)]
    ext: String,
}

impl Payload {
    /// The element type string (`TYPES.MSG_*`).
    pub fn msg_type(&self) -> &str {
        match self {
            Payload::Text { .. } => MessageType::Text.as_str(),
            Payload::Custom { .. } => MessageType::Custom.as_str(),
            Payload::Other { msg_type, .. } => msg_type,
        }
    }

    /// Parse one wire element. Unknown or malformed content is kept as
    /// [`Payload::Other`].
    pub(crate) fn from_elem(elem: &MsgElem) -> Payload {
        let raw = elem.msg_content.get();
        let parsed = match MessageType::from_official(&elem.msg_type) {
            Some(MessageType::Text) => serde_json::from_str::<TextContent>(raw)
                .ok()
                .map(|c| Payload::Text { text: c.text }),
            Some(MessageType::Custom) => {
                serde_json::from_str::<CustomContent>(raw)
                    .ok()
                    .map(|c| Payload::Custom {
                        data: c.data,
                        description: c.desc,
                        extension: c.ext,
                    })
            }
            _ => None,
        };
        parsed.unwrap_or_else(|| Payload::Other {
            msg_type: elem.msg_type.clone(),
            content: raw.to_owned(),
        })
    }

    /// The wire element for this payload.
    pub(crate) fn to_elem(&self) -> MsgElem {
        let (msg_type, json) = match self {
            Payload::Text { text } => (
                self.msg_type().to_owned(),
                serde_json::to_string(&TextContent { text: text.clone() }),
            ),
            Payload::Custom {
                data,
                description,
                extension,
            } => (
                self.msg_type().to_owned(),
                serde_json::to_string(&CustomContent {
                    data: data.clone(),
                    desc: description.clone(),
                    ext: extension.clone(),
                }),
            ),
            Payload::Other { msg_type, content } => (msg_type.clone(), Ok(content.clone())),
        };
        let content = json
            .ok()
            .and_then(|j| RawValue::from_string(j).ok())
            .unwrap_or_else(empty_object);
        MsgElem {
            msg_type,
            msg_content: content,
        }
    }
}

fn empty_object() -> Box<RawValue> {
    // "{}" is valid JSON; the fallback keeps this total without a panic path.
    RawValue::from_string("{}".to_owned()).unwrap_or_else(|_| Box::<RawValue>::default())
}

/// A message, with the fields of the official `Message` object that tcchat
/// fills.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    /// `TinyId-MsgClientTime-MsgRandom`, the same on sender and receiver.
    #[serde(rename = "ID")]
    pub id: String,
    /// `C2C<peer>` for one-to-one messages.
    #[serde(rename = "conversationID")]
    pub conversation_id: String,
    /// The conversation type.
    pub conversation_type: ConversationType,
    /// Sender's user ID.
    pub from: String,
    /// Receiver's user ID (or group ID).
    pub to: String,
    /// Whether this user sent or received it.
    pub flow: Flow,
    /// The element type (`TYPES.MSG_*`).
    #[serde(rename = "type")]
    pub msg_type: String,
    /// The content.
    pub payload: Payload,
    /// Server time, Unix seconds (0 until the server has accepted it).
    pub time: u64,
    /// Sequence: for C2C, the sender's `MsgSeq`.
    pub sequence: u64,
    /// The message's random, part of its ID.
    pub random: u64,
    /// Sender's client time, Unix seconds, part of its ID.
    pub client_time: u64,
    /// Sender's tiny ID.
    #[serde(rename = "senderTinyID")]
    pub sender_tiny_id: String,
    /// Send status.
    pub status: MessageStatus,
    /// Whether this user has read it (received messages).
    pub is_read: bool,
    /// Whether the peer has read it (sent messages).
    pub is_peer_read: bool,
    /// Whether it was revoked.
    pub is_revoked: bool,
    /// Whether it was modified.
    pub is_modified: bool,
    /// Modification version.
    pub version: u64,
    /// Sender's nick, when the server sent one.
    pub nick: String,
    /// Opaque custom data.
    pub cloud_custom_data: String,
}

impl Message {
    /// The dedup key the official SDK uses: `from-to-random-sequence-time`.
    pub fn dedup_key(&self) -> String {
        format!(
            "{}-{}-{}-{}-{}",
            self.from, self.to, self.random, self.sequence, self.time
        )
    }

    /// Build a message from a pushed or synced wire message, seen by `me`.
    pub(crate) fn from_wire(wire: &WireMessage, me: &str) -> Message {
        let payload = wire
            .msg_body
            .first()
            .map(Payload::from_elem)
            .unwrap_or(Payload::Text {
                text: String::new(),
            });
        // A sync copy of my own message (IsSyncMsg, or simply from me) is
        // outgoing; its conversation is the receiver's.
        let flow = if (wire.from_account == me && wire.to_account != me) || wire.is_sync_msg == 1 {
            Flow::Out
        } else {
            Flow::In
        };
        let peer = match flow {
            Flow::In => &wire.from_account,
            Flow::Out => &wire.to_account,
        };
        Message {
            id: format!(
                "{}-{}-{}",
                wire.tiny_id, wire.msg_client_time, wire.msg_random
            ),
            conversation_id: format!("{}{}", ConversationType::C2c.as_str(), peer),
            conversation_type: ConversationType::C2c,
            from: wire.from_account.clone(),
            to: wire.to_account.clone(),
            flow,
            msg_type: payload.msg_type().to_owned(),
            payload,
            time: wire.msg_time_stamp,
            sequence: wire.msg_seq,
            random: wire.msg_random,
            client_time: wire.msg_client_time,
            sender_tiny_id: wire.tiny_id.clone(),
            status: MessageStatus::Success,
            is_read: flow == Flow::Out,
            is_peer_read: false,
            is_revoked: false,
            is_modified: false,
            version: 0,
            nick: wire.from_account_nick.clone(),
            cloud_custom_data: wire.cloud_custom_data.clone(),
        }
    }
}

/// Arguments of `create_text_message`, as in the seed:
/// `{to, conversationType, payload: {text}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateTextMessageOptions {
    /// Receiver's user ID.
    pub to: String,
    /// The conversation type; only [`ConversationType::C2c`] is supported so
    /// far.
    pub conversation_type: ConversationType,
    /// The text.
    pub text: String,
}

impl CreateTextMessageOptions {
    /// A C2C text message to `to`.
    pub fn c2c(to: impl Into<String>, text: impl Into<String>) -> Self {
        CreateTextMessageOptions {
            to: to.into(),
            conversation_type: ConversationType::C2c,
            text: text.into(),
        }
    }
}

/// One item of MESSAGE_READ_RECEIPT_RECEIVED.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReadReceiptInfo {
    /// Group ID (empty for C2C).
    #[serde(rename = "groupID")]
    pub group_id: String,
    /// Receiver's user ID (C2C).
    #[serde(rename = "userID")]
    pub user_id: String,
    /// The message's ID.
    #[serde(rename = "messageID")]
    pub message_id: String,
    /// Members who read it (group).
    pub read_count: u64,
    /// Members who did not read it (group).
    pub unread_count: u64,
    /// Whether the peer read it (C2C).
    pub is_peer_read: bool,
}

/// One key/value of a message extension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageExtension {
    /// Key.
    pub key: String,
    /// Value.
    pub value: String,
}
