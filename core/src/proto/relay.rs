//! Bodies of the merger-message relay commands
//! (`im_long_msg.save_relay_json_msg`, `im_long_msg.get_relay_json_msg`):
//! the first stores the messages of a large merger message and answers its
//! key, the second fetches them by key. The save request `{MsgList}` is the
//! official SDK's as observed (tests/tests/interop_merger.rs); the replies
//! and the get request are ours (PROTOCOL.md 7.13).

use serde::{Deserialize, Serialize};

use super::BaseReply;
use crate::model::RelayMsg;

/// Body of `im_long_msg.save_relay_json_msg`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SaveRelayRequest {
    /// The merged messages.
    #[serde(rename = "MsgList", default)]
    pub msg_list: Vec<RelayMsg>,
}

/// Reply of `im_long_msg.save_relay_json_msg`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveRelayReply {
    /// Status and error.
    #[serde(flatten)]
    pub base: BaseReply,
    /// The key the messages are stored under.
    #[serde(rename = "JsonMsgKey", default)]
    pub json_msg_key: String,
}

/// Body of `im_long_msg.get_relay_json_msg`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetRelayRequest {
    /// The key `save_relay_json_msg` answered.
    #[serde(rename = "JsonMsgKey", default)]
    pub json_msg_key: String,
}

/// Reply of `im_long_msg.get_relay_json_msg`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct GetRelayReply {
    /// Status and error.
    #[serde(flatten)]
    pub base: BaseReply,
    /// The stored messages.
    #[serde(rename = "MsgList", default)]
    pub msg_list: Vec<RelayMsg>,
}
