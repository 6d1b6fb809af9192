use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::BaseReply;

/// One element of `MsgBody`: `{MsgType, MsgContent}`.
///
/// The content stays raw JSON here; [`crate::model::Payload`] gives it a
/// type.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MsgElem {
    /// Element type, e.g. `"TIMTextElem"`.
    #[serde(rename = "MsgType")]
    pub msg_type: String,
    /// Element content, e.g. `{"Text":"hello"}`.
    #[serde(rename = "MsgContent")]
    pub msg_content: Box<RawValue>,
}

impl PartialEq for MsgElem {
    fn eq(&self, other: &Self) -> bool {
        self.msg_type == other.msg_type && self.msg_content.get() == other.msg_content.get()
    }
}

/// Body of `openim.sendmsg`, with the fields the official SDK sends.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SendMsgRequest {
    /// Sender user ID.
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
    /// Receiver user ID.
    #[serde(rename = "To_Account", default)]
    pub to_account: String,
    /// Client-chosen message sequence.
    #[serde(rename = "MsgSeq", default)]
    pub msg_seq: u64,
    /// Client-chosen random, part of the message ID.
    #[serde(rename = "MsgRandom", default)]
    pub msg_random: u64,
    /// The elements.
    #[serde(rename = "MsgBody", default)]
    pub msg_body: Vec<MsgElem>,
    /// Opaque custom data.
    #[serde(rename = "CloudCustomData", default)]
    pub cloud_custom_data: String,
    /// Sender nick.
    #[serde(rename = "From_AccountNick", default)]
    pub from_account_nick: String,
    /// Sender avatar URL.
    #[serde(rename = "From_AccountHeadurl", default)]
    pub from_account_headurl: String,
    /// Client time in Unix seconds, part of the message ID.
    #[serde(rename = "MsgClientTime", default)]
    pub msg_client_time: u64,
    /// 1 when the sender wants a read receipt.
    #[serde(rename = "IsNeedReadReceipt", default)]
    pub is_need_read_receipt: u8,
    /// 1 when the message supports extensions.
    #[serde(rename = "SupportMessageExtension", default)]
    pub support_message_extension: u8,
    /// 1 for a relayed (forwarded) message.
    #[serde(rename = "IsRelayMsg", default)]
    pub is_relay_msg: u8,
}

/// Reply to `openim.sendmsg`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SendMsgReply {
    /// Status and error.
    #[serde(flatten)]
    pub base: BaseReply,
    /// Server time of the message, Unix seconds: becomes `message.time`.
    #[serde(rename = "MsgTime", default)]
    pub msg_time: u64,
    /// Server key of the message, used for roaming and modify.
    #[serde(rename = "MsgKey", default)]
    pub msg_key: String,
    /// Ours: on a resend of a message the server already holds, the message
    /// as stored now, so that the sender learns of a modification or
    /// revocation made since its first attempt (the official SDK ignores
    /// the field).
    #[serde(rename = "StoredMsg", default, skip_serializing_if = "Option::is_none")]
    pub stored_msg: Option<Box<WireMessage>>,
}

/// A C2C message as the server pushes it (`C2cMsgArray`) or syncs it
/// (`MsgList`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WireMessage {
    /// Sender user ID.
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
    /// Receiver user ID.
    #[serde(rename = "To_Account", default)]
    pub to_account: String,
    /// Message sequence.
    #[serde(rename = "MsgSeq", default)]
    pub msg_seq: u64,
    /// Message random.
    #[serde(rename = "MsgRandom", default)]
    pub msg_random: u64,
    /// Server time, Unix seconds.
    #[serde(rename = "MsgTimeStamp", default)]
    pub msg_time_stamp: u64,
    /// Sender's client time, Unix seconds.
    #[serde(rename = "MsgClientTime", default)]
    pub msg_client_time: u64,
    /// Sender's tiny ID.
    #[serde(rename = "TinyId", default)]
    pub tiny_id: String,
    /// Server key of the message.
    #[serde(rename = "MsgKey", default)]
    pub msg_key: String,
    /// The elements.
    #[serde(rename = "MsgBody", default)]
    pub msg_body: Vec<MsgElem>,
    /// Sender nick.
    #[serde(
        rename = "From_AccountNick",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub from_account_nick: String,
    /// Opaque custom data.
    #[serde(
        rename = "CloudCustomData",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub cloud_custom_data: String,
    /// 1 when this is a copy of the user's own message sent from another
    /// instance (multi-device sync).
    #[serde(rename = "IsSyncMsg", default, skip_serializing_if = "is_zero")]
    pub is_sync_msg: u8,
    /// 8: revoked (history and sync).
    #[serde(rename = "MsgFlagBits", default, skip_serializing_if = "is_zero_u32")]
    pub msg_flag_bits: u32,
    /// Who revoked it (with `MsgFlagBits` 8).
    #[serde(
        rename = "RevokerInfo",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub revoker_info: Option<super::msgops::RevokerInfo>,
    /// Modification version (0: never modified).
    #[serde(rename = "MsgVersion", default, skip_serializing_if = "is_zero_u64")]
    pub msg_version: u64,
    /// 1 when the sender asked for a read receipt.
    #[serde(rename = "IsNeedReadReceipt", default, skip_serializing_if = "is_zero")]
    pub is_need_read_receipt: u8,
    /// 1 when the peer has sent a read receipt for it (history).
    #[serde(rename = "IsPeerRead", default, skip_serializing_if = "is_zero")]
    pub is_peer_read: u8,
    /// 1 when the message supports extensions.
    #[serde(
        rename = "SupportMessageExtension",
        default,
        skip_serializing_if = "is_zero"
    )]
    pub support_message_extension: u8,
}

impl WireMessage {
    /// `MsgFlagBits` value of a revoked message.
    pub const FLAG_REVOKED: u32 = 8;
}

fn is_zero(v: &u8) -> bool {
    *v == 0
}

fn is_zero_u32(v: &u32) -> bool {
    *v == 0
}

fn is_zero_u64(v: &u64) -> bool {
    *v == 0
}
