use serde::{Deserialize, Serialize};

use super::WireMessage;

/// Body of the `im_open_push.msg_push` (and `stat_forceoffline`) push.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MsgPush {
    /// The events of this push.
    #[serde(rename = "EventArray", default)]
    pub event_array: Vec<PushEvent>,
    /// 1 when the client must answer with `openim.ws_msg_push_ack`.
    #[serde(rename = "NeedAck", default, skip_serializing_if = "is_zero")]
    pub need_ack: u8,
    /// Opaque; echoed in the ack.
    #[serde(
        rename = "SessionData",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub session_data: String,
}

/// One item of `EventArray`. The handler is chosen by which array is present.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PushEvent {
    /// Event number (1 for new messages, 9 for notifies).
    #[serde(rename = "Event", default)]
    pub event: u32,
    /// New C2C messages.
    #[serde(
        rename = "C2cMsgArray",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub c2c_msg_array: Option<Vec<WireMessage>>,
    /// Notifies (kick-out, revoke, read receipt, …).
    #[serde(
        rename = "C2cNotifyMsgArray",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub c2c_notify_msg_array: Option<Vec<NotifyItem>>,
}

/// One item of `C2cNotifyMsgArray`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotifyItem {
    /// Present when this notify is a kick-out.
    #[serde(
        rename = "KickoutMsgNotify",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub kickout_msg_notify: Option<KickoutNotify>,
}

/// `KickoutMsgNotify`: 1 multipleAccount, 2 multipleDevice, 3 REST_API_Kick.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KickoutNotify {
    /// The kick type.
    #[serde(rename = "KickType", default)]
    pub kick_type: u32,
    /// Information on the instance that caused the kick (may be empty).
    #[serde(rename = "NewInstInfo", default)]
    pub new_inst_info: serde_json::Map<String, serde_json::Value>,
}

/// Body of `openim.ws_msg_push_ack`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushAck {
    /// The push's `SessionData`, echoed.
    #[serde(rename = "SessionData", default)]
    pub session_data: String,
}

fn is_zero(v: &u8) -> bool {
    *v == 0
}
