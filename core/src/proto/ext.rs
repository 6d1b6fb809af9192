//! Bodies of message extensions (`openim_msg_ext_http_svc.*`) and their
//! push (messages-facts.md §3). Extensions need purchase bit 13.

use serde::{Deserialize, Serialize};

use super::BaseReply;

/// `OperateType` of `set_key_values`.
pub struct ExtOp;

impl ExtOp {
    /// Set keys.
    pub const SET: u8 = 1;
    /// Delete the listed keys.
    pub const DELETE: u8 = 2;
    /// Clear every key.
    pub const CLEAR: u8 = 3;
}

/// One extension key/value with its sequence.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtKeyValue {
    /// Key.
    #[serde(rename = "Key", default)]
    pub key: String,
    /// Value (empty: deleted).
    #[serde(rename = "Value", default)]
    pub value: String,
    /// In a request, the client's last known seq of the key (0 if unknown);
    /// in a reply or push, the key's seq now.
    #[serde(rename = "Seq", default)]
    pub seq: u64,
}

/// Body of `openim_msg_ext_http_svc.set_key_values`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetKeyValuesRequest {
    /// The message's sender.
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
    /// The message's receiver.
    #[serde(rename = "To_Account", default)]
    pub to_account: String,
    /// `<sequence>_<random>_<time>` of the message.
    #[serde(rename = "MsgKey", default)]
    pub msg_key: String,
    /// [`ExtOp`].
    #[serde(rename = "OperateType", default)]
    pub operate_type: u8,
    /// The keys (absent for a clear).
    #[serde(
        rename = "ExtensionList",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub extension_list: Vec<ExtKeyValue>,
}

/// One result of `set_key_values`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtResult {
    /// 0, or why this key failed.
    #[serde(rename = "ErrorCode", default)]
    pub error_code: u32,
    /// The key as stored.
    #[serde(rename = "Extension", default)]
    pub extension: ExtKeyValue,
}

/// Reply to `set_key_values`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetKeyValuesReply {
    /// Status and error.
    #[serde(flatten)]
    pub base: BaseReply,
    /// One result per requested key.
    #[serde(rename = "ExtensionList", default)]
    pub extension_list: Vec<ExtResult>,
    /// The message's global extension seq.
    #[serde(rename = "Seq", default)]
    pub seq: u64,
}

/// Body of `openim_msg_ext_http_svc.get_key_values`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetKeyValuesRequest {
    /// The message's sender.
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
    /// The message's receiver.
    #[serde(rename = "To_Account", default)]
    pub to_account: String,
    /// `<sequence>_<random>_<time>` of the message.
    #[serde(rename = "MsgKey", default)]
    pub msg_key: String,
    /// Only keys changed after this seq (the SDK's lower-case spelling).
    #[serde(rename = "startSeq", default, skip_serializing_if = "is_zero")]
    pub start_seq: u64,
}

/// Reply to `get_key_values`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetKeyValuesReply {
    /// Status and error.
    #[serde(flatten)]
    pub base: BaseReply,
    /// Keys changed after `startSeq` (an empty value is a deleted key).
    #[serde(rename = "ExtensionList", default)]
    pub extension_list: Vec<ExtKeyValue>,
    /// 1 when nothing more follows (the official SDK requires it).
    #[serde(rename = "CompleteFlag", default)]
    pub complete_flag: u8,
    /// The message's global extension seq.
    #[serde(rename = "LatestSeq", default)]
    pub latest_seq: u64,
    /// Keys with a seq at or below this were cleared.
    #[serde(rename = "ClearSeq", default)]
    pub clear_seq: u64,
}

/// The message an extension push is about.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtMsgInfo {
    /// Sender.
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
    /// Receiver.
    #[serde(rename = "To_Account", default)]
    pub to_account: String,
    /// The sender's `MsgSeq`.
    #[serde(rename = "MsgSeq", default)]
    pub msg_seq: u64,
    /// The sender's `MsgRandom`.
    #[serde(rename = "MsgRandom", default)]
    pub msg_random: u64,
    /// Server time, Unix seconds.
    #[serde(rename = "MsgTime", default)]
    pub msg_time: u64,
    /// Sender's client time.
    #[serde(rename = "MsgClientTime", default)]
    pub msg_client_time: u64,
}

impl ExtMsgInfo {
    /// Whether this is the empty default (a group message's push).
    #[must_use]
    pub fn is_absent(&self) -> bool {
        *self == Self::default()
    }
}

/// The group message an extension push is about (`ExtensionGroupMsgInfo`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtGroupMsgInfo {
    /// The group.
    #[serde(rename = "GroupId", default)]
    pub group_id: String,
    /// The sender.
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
    /// The message's group sequence.
    #[serde(rename = "MsgSeq", default)]
    pub msg_seq: u64,
    /// The sender's `Random`.
    #[serde(rename = "MsgRandom", default)]
    pub msg_random: u64,
    /// Server time, Unix seconds.
    #[serde(rename = "MsgTime", default)]
    pub msg_time: u64,
    /// Sender's client time.
    #[serde(rename = "MsgClientTime", default)]
    pub msg_client_time: u64,
}

/// Body of `openim_msg_ext_http_svc.group_set_key_values` (the official
/// SDK's request names: `GroupId`, `MsgSeq`, `OperateType`,
/// `ExtensionList`; the rules are those of `set_key_values`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupSetKeyValuesRequest {
    /// The group.
    #[serde(rename = "GroupId", default)]
    pub group_id: String,
    /// The message's group sequence.
    #[serde(rename = "MsgSeq", default)]
    pub msg_seq: u64,
    /// [`ExtOp`].
    #[serde(rename = "OperateType", default)]
    pub operate_type: u8,
    /// The keys (absent for a clear).
    #[serde(
        rename = "ExtensionList",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub extension_list: Vec<ExtKeyValue>,
}

/// Body of `openim_msg_ext_http_svc.group_get_key_values`; answered with
/// a [`GetKeyValuesReply`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupGetKeyValuesRequest {
    /// The group.
    #[serde(rename = "GroupId", default)]
    pub group_id: String,
    /// The message's group sequence.
    #[serde(rename = "MsgSeq", default)]
    pub msg_seq: u64,
    /// Only keys changed at or after this seq (the SDK's lower-case
    /// spelling).
    #[serde(rename = "startSeq", default, skip_serializing_if = "is_zero")]
    pub start_seq: u64,
}

/// One `{MsgKeyValue, ClearMsgSeq}` of `SetKVInfo`/`DeleteKVInfo`/`ClearKVInfo`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KvInfo {
    /// The keys set or deleted.
    #[serde(rename = "MsgKeyValue", default)]
    pub msg_key_value: Vec<ExtKeyValue>,
    /// For a clear: keys with a seq at or below this are gone.
    #[serde(rename = "ClearMsgSeq", default)]
    pub clear_msg_seq: u64,
}

/// `MsgExtensionNotify` (Event 22): extensions of a message changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtensionNotify {
    /// The message sender's tiny ID (part of the message ID).
    #[serde(rename = "TinyId", default)]
    pub tiny_id: String,
    /// The message's global extension seq now.
    #[serde(rename = "MsgLastSeq", default)]
    pub msg_last_seq: u64,
    /// [`ExtOp`].
    #[serde(rename = "MsgOptType", default)]
    pub msg_opt_type: u8,
    /// The message, for a C2C message (absent for a group message).
    #[serde(
        rename = "ExtensionC2cMsgInfo",
        default,
        skip_serializing_if = "ExtMsgInfo::is_absent"
    )]
    pub extension_c2c_msg_info: ExtMsgInfo,
    /// The message, for a group message (the official SDK reads it as it
    /// reads `ExtensionC2cMsgInfo`: `MsgClientTime` and `MsgRandom` with
    /// `TinyId` make the message ID).
    #[serde(
        rename = "ExtensionGroupMsgInfo",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub extension_group_msg_info: Option<ExtGroupMsgInfo>,
    /// Keys set (`MsgOptType` 1).
    #[serde(rename = "SetKVInfo", default, skip_serializing_if = "Vec::is_empty")]
    pub set_kv_info: Vec<KvInfo>,
    /// Keys deleted (`MsgOptType` 2).
    #[serde(
        rename = "DeleteKVInfo",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub delete_kv_info: Vec<KvInfo>,
    /// All keys cleared (`MsgOptType` 3).
    #[serde(rename = "ClearKVInfo", default, skip_serializing_if = "Vec::is_empty")]
    pub clear_kv_info: Vec<KvInfo>,
}

fn is_zero(v: &u64) -> bool {
    *v == 0
}
