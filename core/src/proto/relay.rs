//! Bodies of the merger-message relay commands (ours, PROTOCOL.md "Merger
//! and forward messages"): `save_relay_json_msg` stores the body of a large
//! merger message and answers its key; `get_relay_json_msg` fetches a body
//! by key. The official SDK names both commands; their bodies were not
//! observed.

use serde::{Deserialize, Serialize};

use super::BaseReply;

/// Body of `openim.save_relay_json_msg`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveRelayRequest {
    /// The merged messages: a JSON array of `{From_Account, NickName,
    /// MsgTime, MsgSeq, MsgRandom, CloudCustomData, MsgBody}` as text.
    #[serde(rename = "JsonMsg", default)]
    pub json_msg: String,
}

/// Reply of `openim.save_relay_json_msg`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveRelayReply {
    /// Status and error.
    #[serde(flatten)]
    pub base: BaseReply,
    /// The key the body is stored under.
    #[serde(rename = "JsonMsgKey", default)]
    pub json_msg_key: String,
}

/// Body of `openim.get_relay_json_msg`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetRelayRequest {
    /// The key `save_relay_json_msg` answered.
    #[serde(rename = "JsonMsgKey", default)]
    pub json_msg_key: String,
}

/// Reply of `openim.get_relay_json_msg`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetRelayReply {
    /// Status and error.
    #[serde(flatten)]
    pub base: BaseReply,
    /// The stored body, as it was saved.
    #[serde(rename = "JsonMsg", default)]
    pub json_msg: String,
}
