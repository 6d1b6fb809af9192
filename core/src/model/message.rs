use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::proto::{MsgElem, WireMessage};
use crate::types::{ConversationType, Flow, MessageStatus, MessageType};

/// The content of a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
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
    /// `TIMImageElem`: an uploaded image and its variants.
    Image(super::ImagePayload),
    /// `TIMFileElem`: an uploaded file.
    File(super::FilePayload),
    /// `TIMSoundElem`: an uploaded audio clip.
    Audio(super::AudioPayload),
    /// `TIMVideoFileElem`: an uploaded video and its snapshot.
    Video(super::VideoPayload),
    /// `TIMFaceElem`: an application-defined emoji or sticker.
    Face(super::FacePayload),
    /// `TIMLocationElem`: a place.
    Location(super::LocationPayload),
    /// `TIMRelayElem`: a merger of several messages.
    Merger(super::MergerPayload),
    /// `TIMGroupTipElem`: a change in a group (a member joined, quit, …).
    GroupTip(super::GroupTipPayload),
    /// `TIMGroupSystemNoticeElem`: a group event that concerns this user
    /// (kicked, group dismissed, application handled, …).
    GroupSystemNotice(super::GroupSystemNoticePayload),
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
    /// The text of a text message; `None` for every other element.
    #[must_use]
    pub fn text(&self) -> Option<&str> {
        match self {
            Payload::Text { text } => Some(text),
            _ => None,
        }
    }

    /// The element type string (`TYPES.MSG_*`).
    pub fn msg_type(&self) -> &str {
        match self {
            Payload::Text { .. } => MessageType::Text.as_str(),
            Payload::Custom { .. } => MessageType::Custom.as_str(),
            Payload::Image(_) => MessageType::Image.as_str(),
            Payload::File(_) => MessageType::File.as_str(),
            Payload::Audio(_) => MessageType::Sound.as_str(),
            Payload::Video(_) => MessageType::Video.as_str(),
            Payload::Face(_) => MessageType::Face.as_str(),
            Payload::Location(_) => MessageType::Location.as_str(),
            Payload::Merger(_) => MessageType::Merger.as_str(),
            Payload::GroupTip(_) => MessageType::GroupTip.as_str(),
            Payload::GroupSystemNotice(_) => MessageType::GroupSystemNotice.as_str(),
            Payload::Other { msg_type, .. } => msg_type,
        }
    }

    /// Parse one wire element. Unknown or malformed content is kept as
    /// [`Payload::Other`].
    pub(crate) fn from_elem(elem: &MsgElem) -> Payload {
        Self::from_elem_at(elem, 0)
    }

    /// [`Payload::from_elem`] for an element nested `depth` merger messages
    /// deep (the depth bounds the recursion).
    pub(crate) fn from_elem_at(elem: &MsgElem, depth: usize) -> Payload {
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
            Some(MessageType::Image) => serde_json::from_str::<super::media::ImageContent>(raw)
                .ok()
                .map(|c| Payload::Image(c.into())),
            Some(MessageType::File) => serde_json::from_str::<super::media::FileContent>(raw)
                .ok()
                .map(|c| Payload::File(c.into())),
            Some(MessageType::Sound) => serde_json::from_str::<super::media::SoundContent>(raw)
                .ok()
                .map(|c| Payload::Audio(c.into())),
            Some(MessageType::Video) => serde_json::from_str::<super::media::VideoContent>(raw)
                .ok()
                .map(|c| Payload::Video(c.into())),
            Some(MessageType::Face) => serde_json::from_str::<super::media::FaceContent>(raw)
                .ok()
                .map(|c| Payload::Face(c.into())),
            Some(MessageType::Location) => {
                serde_json::from_str::<super::media::LocationContent>(raw)
                    .ok()
                    .map(|c| Payload::Location(c.into()))
            }
            Some(MessageType::Merger) => serde_json::from_str::<super::merger::RelayContent>(raw)
                .ok()
                .and_then(|c| c.into_payload(depth))
                .map(Payload::Merger),
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
            Payload::Image(p) => (
                self.msg_type().to_owned(),
                serde_json::to_string(&super::media::ImageContent::from(p)),
            ),
            Payload::File(p) => (
                self.msg_type().to_owned(),
                serde_json::to_string(&super::media::FileContent::from(p)),
            ),
            Payload::Audio(p) => (
                self.msg_type().to_owned(),
                serde_json::to_string(&super::media::SoundContent::from(p)),
            ),
            Payload::Video(p) => (
                self.msg_type().to_owned(),
                serde_json::to_string(&super::media::VideoContent::from(p)),
            ),
            Payload::Face(p) => (
                self.msg_type().to_owned(),
                serde_json::to_string(&super::media::FaceContent::from(p)),
            ),
            Payload::Location(p) => (
                self.msg_type().to_owned(),
                serde_json::to_string(&super::media::LocationContent::from(p)),
            ),
            Payload::Merger(p) => (
                self.msg_type().to_owned(),
                serde_json::to_string(&super::merger::RelayContent::from(p)),
            ),
            // Tips and notices are made by the server, never sent; their
            // element is the payload as the SDK shows it.
            Payload::GroupTip(tip) => (self.msg_type().to_owned(), serde_json::to_string(tip)),
            Payload::GroupSystemNotice(notice) => {
                (self.msg_type().to_owned(), serde_json::to_string(notice))
            }
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
    /// Sequence: for C2C, the sender's `MsgSeq`; in a group, the group's
    /// sequence the server gave it (unique in the group).
    pub sequence: u64,
    /// `clientSequence`: the sender's own counter (a group message's
    /// `ClientSeq`; for C2C and for tips, the same as `sequence`).
    pub client_sequence: u64,
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
    /// `nameCard`: the sender's name card in the group (group messages).
    pub name_card: String,
    /// `avatar`: the sender's avatar URL, when the server sent one.
    pub avatar: String,
    /// `isSystemMessage`: a group system notice (`@TIM#SYSTEM`).
    pub is_system_message: bool,
    /// `atUserList`: the users a group message @-mentions (the official
    /// `__kImSDK_MesssageAtALL__` for @all).
    pub at_user_list: Vec<String>,
    /// Opaque custom data.
    pub cloud_custom_data: String,
    /// `needReadReceipt`: the sender asked for a read receipt
    /// (`send_message_read_receipt`).
    pub need_read_receipt: bool,
    /// `readReceiptInfo`: whether the receiver sent a read receipt for this
    /// (sent) message, and when.
    pub read_receipt_info: MessageReceipt,
    /// `isSupportExtension`: the message was sent with extension support,
    /// so `set_message_extensions` may be used on it.
    pub is_support_extension: bool,
    /// `isDeleted`: set on the messages `delete_message` resolves with.
    pub is_deleted: bool,
    /// `revoker`: who revoked it (empty unless `is_revoked`).
    pub revoker: String,
    /// `revokeReason`: the reason the revoker gave (may be empty).
    pub revoke_reason: String,
}

/// `Message.readReceiptInfo`: for a C2C message whether the receiver read
/// it, for a group message how many members did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageReceipt {
    /// C2C: the receiver sent a read receipt for it.
    pub is_peer_read: bool,
    /// C2C: when, Unix seconds (0 until then).
    pub timestamp: u64,
    /// Group: members who sent a read receipt for it, as of the last
    /// `get_message_read_receipt_list` answer or receipt-count push.
    pub read_count: u64,
    /// Group: members who have not.
    pub unread_count: u64,
}

impl Message {
    /// The `atUserList` entry that @-mentions every member
    /// (`TYPES.MSG_AT_ALL`; the triple `s` is the official spelling).
    pub const AT_ALL: &'static str = "__kImSDK_MesssageAtALL__";

    /// The text of a text message (`payload.text`); `None` for any other
    /// type, so a handler can write `if let Some(text) = message.text()`.
    #[must_use]
    pub fn text(&self) -> Option<&str> {
        self.payload.text()
    }

    /// A message's ID as the official SDK forms it:
    /// `<sender TinyId>-<client time>-<random>`.
    pub(crate) fn make_id(tiny_id: &str, client_time: u64, random: u64) -> String {
        format!("{tiny_id}-{client_time}-{random}")
    }

    /// The dedup key the official SDK uses: `from-to-random-sequence-time`.
    pub fn dedup_key(&self) -> String {
        format!(
            "{}-{}-{}-{}-{}",
            self.from, self.to, self.random, self.sequence, self.time
        )
    }

    /// Whether this is the message those parts of a [`dedup_key`] name
    /// (compared field by field, without building the key).
    ///
    /// [`dedup_key`]: Message::dedup_key
    pub(crate) fn has_dedup_parts(
        &self,
        from: &str,
        to: &str,
        random: u64,
        sequence: u64,
        time: u64,
    ) -> bool {
        self.from == from
            && self.to == to
            && self.random == random
            && self.sequence == sequence
            && self.time == time
    }

    /// The key the message commands use for a C2C message:
    /// `<sequence>_<random>_<time>` (time = the server's `MsgTime`).
    pub fn msg_key(&self) -> String {
        format!("{}_{}_{}", self.sequence, self.random, self.time)
    }

    /// The peer of this C2C message's conversation.
    pub fn peer(&self) -> &str {
        match self.flow {
            Flow::In => &self.from,
            Flow::Out => &self.to,
        }
    }

    /// Take from `other`, another copy of this message, what it knows
    /// better: a revocation (which is final) and the content of a higher
    /// modification version. Returns whether anything changed.
    pub(crate) fn adopt_newer_state(&mut self, other: &Message) -> bool {
        let revoke = other.is_revoked && !self.is_revoked;
        let newer = other.version > self.version;
        if revoke {
            self.is_revoked = true;
            self.revoker = other.revoker.clone();
            self.revoke_reason = other.revoke_reason.clone();
        }
        if newer {
            self.payload = other.payload.clone();
            self.msg_type = other.msg_type.clone();
            self.cloud_custom_data = other.cloud_custom_data.clone();
            self.version = other.version;
            self.is_modified = true;
        }
        revoke || newer
    }

    /// Whether `other`, another copy of this message, is revoked where this
    /// is not or is at a higher version.
    pub(crate) fn is_behind(&self, other: &Message) -> bool {
        (other.is_revoked && !self.is_revoked) || other.version > self.version
    }

    /// Build a message from a pushed, synced or history wire message, seen
    /// by `me`. The flags the server keeps (`MsgFlagBits`, `RevokerInfo`,
    /// `MsgVersion`, `IsNeedReadReceipt`, `IsPeerRead`,
    /// `SupportMessageExtension`) are applied.
    pub(crate) fn from_wire(wire: &WireMessage, me: &str) -> Message {
        let payload = payload_of(&wire.msg_body);
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
            id: Message::make_id(&wire.tiny_id, wire.msg_client_time, wire.msg_random),
            conversation_id: super::c2c_id(peer),
            conversation_type: ConversationType::C2c,
            from: wire.from_account.clone(),
            to: wire.to_account.clone(),
            flow,
            msg_type: payload.msg_type().to_owned(),
            payload,
            time: wire.msg_time_stamp,
            sequence: wire.msg_seq,
            client_sequence: wire.msg_seq,
            random: wire.msg_random,
            client_time: wire.msg_client_time,
            sender_tiny_id: wire.tiny_id.clone(),
            status: MessageStatus::Success,
            is_read: flow == Flow::Out,
            is_peer_read: false,
            is_revoked: wire.msg_flag_bits & WireMessage::FLAG_REVOKED != 0,
            is_modified: wire.msg_version > 0,
            version: wire.msg_version,
            nick: wire.from_account_nick.clone(),
            name_card: String::new(),
            avatar: String::new(),
            is_system_message: false,
            at_user_list: Vec::new(),
            cloud_custom_data: wire.cloud_custom_data.clone(),
            need_read_receipt: wire.is_need_read_receipt == 1,
            read_receipt_info: MessageReceipt {
                is_peer_read: wire.is_peer_read == 1,
                ..MessageReceipt::default()
            },
            is_support_extension: wire.support_message_extension == 1,
            is_deleted: false,
            revoker: wire
                .revoker_info
                .as_ref()
                .map(|r| r.revoker_account.clone())
                .unwrap_or_default(),
            revoke_reason: wire
                .revoker_info
                .as_ref()
                .map(|r| r.reason.clone())
                .unwrap_or_default(),
        }
    }
}

/// The payload of a wire `MsgBody`: its first element (tcchat sends one
/// element per message), or an empty text when there is none.
pub(crate) fn payload_of(body: &[MsgElem]) -> Payload {
    body.first()
        .map(Payload::from_elem)
        .unwrap_or(Payload::Text {
            text: String::new(),
        })
}

/// Arguments of `create_text_message`, as in the seed:
/// `{to, conversationType, payload: {text}, needReadReceipt,
/// isSupportExtension}`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CreateTextMessageOptions {
    /// Receiver's user ID, or the group's ID for a group message.
    pub to: String,
    /// The conversation type: [`ConversationType::C2c`] or
    /// [`ConversationType::Group`].
    pub conversation_type: ConversationType,
    /// The text.
    pub text: String,
    /// `needReadReceipt`: ask the receiver for a read receipt (the request
    /// carries `IsNeedReadReceipt: 1`).
    pub need_read_receipt: bool,
    /// `isSupportExtension`: allow message extensions on it (the request
    /// carries `SupportMessageExtension: 1`).
    pub is_support_extension: bool,
}

impl CreateTextMessageOptions {
    /// A C2C text message to `to`.
    pub fn c2c(to: impl Into<String>, text: impl Into<String>) -> Self {
        CreateTextMessageOptions {
            to: to.into(),
            conversation_type: ConversationType::C2c,
            text: text.into(),
            need_read_receipt: false,
            is_support_extension: false,
        }
    }

    /// A text message to group `group_id` (`conversationType: GROUP`).
    pub fn group(group_id: impl Into<String>, text: impl Into<String>) -> Self {
        CreateTextMessageOptions {
            conversation_type: ConversationType::Group,
            ..Self::c2c(group_id, text)
        }
    }

    /// Ask for a read receipt (`needReadReceipt: true`).
    pub fn with_read_receipt(mut self) -> Self {
        self.need_read_receipt = true;
        self
    }

    /// Allow message extensions (`isSupportExtension: true`).
    pub fn with_extension_support(mut self) -> Self {
        self.is_support_extension = true;
        self
    }
}

/// Arguments of `create_custom_message`: `{to, conversationType, payload:
/// {data, description, extension}, needReadReceipt, isSupportExtension}`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CreateCustomMessageOptions {
    /// Receiver's user ID, or the group's ID for a group message.
    pub to: String,
    /// The conversation type: [`ConversationType::C2c`] or
    /// [`ConversationType::Group`].
    pub conversation_type: ConversationType,
    /// `payload.data`: application data.
    pub data: String,
    /// `payload.description`.
    pub description: String,
    /// `payload.extension` (part of the content; not message extensions).
    pub extension: String,
    /// `needReadReceipt`, as for text messages.
    pub need_read_receipt: bool,
    /// `isSupportExtension`, as for text messages.
    pub is_support_extension: bool,
}

impl CreateCustomMessageOptions {
    /// A C2C custom message to `to` carrying `data`.
    pub fn c2c(to: impl Into<String>, data: impl Into<String>) -> Self {
        CreateCustomMessageOptions {
            to: to.into(),
            conversation_type: ConversationType::C2c,
            data: data.into(),
            description: String::new(),
            extension: String::new(),
            need_read_receipt: false,
            is_support_extension: false,
        }
    }

    /// A custom message to group `group_id` carrying `data`.
    pub fn group(group_id: impl Into<String>, data: impl Into<String>) -> Self {
        CreateCustomMessageOptions {
            conversation_type: ConversationType::Group,
            ..Self::c2c(group_id, data)
        }
    }

    /// Set `payload.description`.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self
    }

    /// Set `payload.extension`.
    pub fn with_extension(mut self, extension: impl Into<String>) -> Self {
        self.extension = extension.into();
        self
    }

    /// Ask for a read receipt (`needReadReceipt: true`).
    pub fn with_read_receipt(mut self) -> Self {
        self.need_read_receipt = true;
        self
    }

    /// Allow message extensions (`isSupportExtension: true`).
    pub fn with_extension_support(mut self) -> Self {
        self.is_support_extension = true;
        self
    }
}

/// What `get_message_list` resolves with: one page, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageListResult {
    /// The page, oldest first.
    pub message_list: Vec<Message>,
    /// `nextReqMessageID`: pass it to get the page before this one (empty
    /// when `is_completed`).
    #[serde(rename = "nextReqMessageID")]
    pub next_req_message_id: String,
    /// Nothing older exists.
    pub is_completed: bool,
}

/// One result of `set_message_extensions` / `delete_message_extensions`:
/// `{code, key, value}`; `code` is 0, or why the server refused this key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtensionResult {
    /// 0, or the server's per-key error code.
    pub code: u32,
    /// Key.
    pub key: String,
    /// Value as stored (empty for a deleted key).
    pub value: String,
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
    /// When the peer read it, Unix seconds (C2C).
    pub timestamp: u64,
}

/// One key/value of a message extension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageExtension {
    /// Key.
    pub key: String,
    /// Value.
    pub value: String,
}
