//! Merger messages (`TIMRelayElem`): several messages sent as one, with a
//! title, an abstract and a text for clients that cannot show them.
//!
//! The element's `MsgContent` is the official SDK's as observed by the
//! interop test (`tests/tests/interop_merger.rs`, PROTOCOL.md 7.13):
//! `{Title, AbstractList, CompatibleText, Version, JsonMsgKey, PbMsgKey,
//! LayersOverLimit, MsgList}`. A small merger carries its messages inline
//! (`MsgList`); a large one carries only `JsonMsgKey`, the key of the body it uploaded with
//! `save_relay_json_msg`, and the receiver fetches the body with
//! `get_relay_json_msg` ([`Client::download_merger_message`]).
//!
//! [`Client::download_merger_message`]: crate::client::Client::download_merger_message

use serde::{Deserialize, Serialize};

use crate::proto::MsgElem;

use super::Payload;

/// Deepest nesting of merger messages inside merger messages that is
/// parsed; deeper ones arrive with
/// [`layers_over_limit`](MergerPayload::layers_over_limit) set and no
/// messages.
pub const MAX_MERGER_DEPTH: usize = 8;
/// Most messages in one merger message (ours); more are refused with 2450
/// when created and make a received body malformed.
pub const MAX_MERGER_MESSAGES: usize = 100;
/// Longest title and compatible text, and longest abstract line, bytes.
pub const MAX_MERGER_TEXT_BYTES: usize = 1024;
/// Most abstract lines.
pub const MAX_MERGER_ABSTRACT_LINES: usize = 10;
/// Longest relay key (`JsonMsgKey`) accepted, bytes.
pub const MAX_RELAY_KEY_BYTES: usize = 128;

/// One message inside a merger message: who sent it, when, and its
/// elements.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MergedMessage {
    /// Sender user ID.
    pub from: String,
    /// Sender nick when it was merged.
    pub nick: String,
    /// Server time of the original message, Unix seconds.
    pub time: u64,
    /// Sequence of the original message.
    pub sequence: u64,
    /// Random of the original message.
    pub random: u64,
    /// Custom data of the original message.
    pub cloud_custom_data: String,
    /// The elements (a nested merger is a [`Payload::Merger`]).
    pub message_body: Vec<Payload>,
}

/// `payload` of a `TIMRelayElem` (merger) message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MergerPayload {
    /// The title (for example "Chat history of u1 and u2").
    pub title: String,
    /// Summary lines shown under the title.
    pub abstract_list: Vec<String>,
    /// What a client that cannot show merger messages displays.
    pub compatible_text: String,
    /// The merged messages: empty when they are stored on the server
    /// (`download_key` set) until
    /// [`Client::download_merger_message`](crate::client::Client::download_merger_message)
    /// fetches them.
    pub message_list: Vec<MergedMessage>,
    /// The key of the body stored on the server (`JsonMsgKey`); empty when
    /// the messages travel inline.
    pub download_key: String,
    /// Nested deeper than [`MAX_MERGER_DEPTH`]: the messages are not
    /// parsed.
    pub layers_over_limit: bool,
    /// Element version (0).
    pub version: u32,
}

/// One message of a relay body on the wire (`MsgList` entries).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RelayMsg {
    /// Sender user ID.
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
    /// Sender nick.
    #[serde(rename = "From_AccountNick", default)]
    pub nick: String,
    /// Server time, Unix seconds.
    #[serde(rename = "MsgTimeStamp", alias = "MsgTime", default)]
    pub msg_time: u64,
    /// Sequence.
    #[serde(rename = "MsgSeq", default)]
    pub msg_seq: u64,
    /// Random.
    #[serde(rename = "MsgRandom", default)]
    pub msg_random: u64,
    /// Custom data.
    #[serde(
        rename = "CloudCustomData",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub cloud_custom_data: String,
    /// The elements.
    #[serde(rename = "MsgBody", default)]
    pub msg_body: Vec<MsgElem>,
}

/// `MsgContent` of `TIMRelayElem`, in the official SDK's shape (observed by
/// `tests/tests/interop_merger.rs`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct RelayContent {
    #[serde(rename = "Title", default)]
    pub title: String,
    #[serde(rename = "AbstractList", default)]
    pub abstract_list: Vec<String>,
    #[serde(rename = "CompatibleText", default)]
    pub compatible_text: String,
    #[serde(rename = "Version", default)]
    pub version: u32,
    #[serde(rename = "JsonMsgKey", default)]
    pub json_msg_key: String,
    #[serde(rename = "PbMsgKey", default)]
    pub pb_msg_key: String,
    #[serde(rename = "LayersOverLimit", default)]
    pub layers_over_limit: bool,
    #[serde(rename = "MsgList", default, skip_serializing_if = "Vec::is_empty")]
    pub msg_list: Vec<RelayMsg>,
}

impl MergedMessage {
    /// The wire form of this message.
    pub(crate) fn to_relay(&self) -> RelayMsg {
        RelayMsg {
            from_account: self.from.clone(),
            nick: self.nick.clone(),
            msg_time: self.time,
            msg_seq: self.sequence,
            msg_random: self.random,
            cloud_custom_data: self.cloud_custom_data.clone(),
            msg_body: self.message_body.iter().map(Payload::to_elem).collect(),
        }
    }

    /// Parse a wire message nested `depth` mergers deep.
    pub(crate) fn from_relay(relay: &RelayMsg, depth: usize) -> MergedMessage {
        MergedMessage {
            from: relay.from_account.clone(),
            nick: relay.nick.clone(),
            time: relay.msg_time,
            sequence: relay.msg_seq,
            random: relay.msg_random,
            cloud_custom_data: relay.cloud_custom_data.clone(),
            message_body: relay
                .msg_body
                .iter()
                .map(|e| Payload::from_elem_at(e, depth))
                .collect(),
        }
    }
}

/// Why a relay body could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MalformedRelay(pub String);

/// The messages of a fetched relay list, nested `depth` mergers deep.
/// Refused when it holds none or more than [`MAX_MERGER_MESSAGES`], or a
/// message has no element.
pub(crate) fn merged_from_list(
    list: &[RelayMsg],
    depth: usize,
) -> Result<Vec<MergedMessage>, MalformedRelay> {
    check_relay_list(list)?;
    Ok(list
        .iter()
        .map(|m| MergedMessage::from_relay(m, depth))
        .collect())
}

/// The bounds every relay message list meets.
pub(crate) fn check_relay_list(list: &[RelayMsg]) -> Result<(), MalformedRelay> {
    if list.is_empty() || list.len() > MAX_MERGER_MESSAGES {
        return Err(MalformedRelay(format!(
            "a merger holds 1 to {MAX_MERGER_MESSAGES} messages, not {}",
            list.len()
        )));
    }
    if list.iter().any(|m| m.msg_body.is_empty()) {
        return Err(MalformedRelay("a merged message has no element".into()));
    }
    Ok(())
}

impl RelayContent {
    /// The payload this content carries, nested `depth` mergers deep;
    /// `None` when the inline list is malformed.
    pub(crate) fn into_payload(self, depth: usize) -> Option<MergerPayload> {
        let over = self.layers_over_limit || depth >= MAX_MERGER_DEPTH;
        if !over && !self.msg_list.is_empty() {
            check_relay_list(&self.msg_list).ok()?;
        }
        if self.json_msg_key.len() > MAX_RELAY_KEY_BYTES {
            return None;
        }
        let message_list = if over {
            Vec::new()
        } else {
            self.msg_list
                .iter()
                .map(|m| MergedMessage::from_relay(m, depth + 1))
                .collect()
        };
        Some(MergerPayload {
            title: self.title,
            abstract_list: self.abstract_list,
            compatible_text: self.compatible_text,
            message_list,
            download_key: self.json_msg_key,
            layers_over_limit: over,
            version: self.version,
        })
    }
}

impl From<&MergerPayload> for RelayContent {
    fn from(p: &MergerPayload) -> Self {
        RelayContent {
            title: p.title.clone(),
            abstract_list: p.abstract_list.clone(),
            compatible_text: p.compatible_text.clone(),
            version: p.version,
            json_msg_key: p.download_key.clone(),
            pb_msg_key: String::new(),
            layers_over_limit: p.layers_over_limit,
            // Stored on the server: only the key travels.
            msg_list: if p.download_key.is_empty() {
                p.message_list.iter().map(MergedMessage::to_relay).collect()
            } else {
                Vec::new()
            },
        }
    }
}

/// The relay list of `messages`: what `save_relay_json_msg` stores.
pub(crate) fn relay_list(messages: &[MergedMessage]) -> Vec<RelayMsg> {
    messages.iter().map(MergedMessage::to_relay).collect()
}

/// Options of `createMergerMessage`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateMergerMessageOptions {
    /// Receiver: a user ID (C2C) or a group ID.
    pub to: String,
    /// C2C or group.
    pub conversation_type: crate::types::ConversationType,
    /// The messages to merge: sent (status `success`), not revoked, and
    /// of one conversation; 1 to [`MAX_MERGER_MESSAGES`].
    pub message_list: Vec<super::Message>,
    /// Title (at most [`MAX_MERGER_TEXT_BYTES`]).
    pub title: String,
    /// Summary lines (at most [`MAX_MERGER_ABSTRACT_LINES`] of
    /// [`MAX_MERGER_TEXT_BYTES`] each).
    pub abstract_list: Vec<String>,
    /// Text for clients that cannot show merger messages; required (1 to
    /// [`MAX_MERGER_TEXT_BYTES`]).
    pub compatible_text: String,
}
