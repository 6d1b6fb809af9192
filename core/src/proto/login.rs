use serde::{Deserialize, Serialize};

use super::BaseReply;

/// Body of `im_open_status.wslogin`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginRequest {
    /// Always `"Online"`.
    #[serde(rename = "State", default)]
    pub state: String,
    /// 0 outside uni-app.
    #[serde(default)]
    pub is_web_uniapp: u8,
    /// 0.
    #[serde(rename = "InstType", default)]
    pub inst_type: u32,
    /// `""`.
    #[serde(rename = "CustomInfo", default)]
    pub custom_info: String,
}

impl Default for LoginRequest {
    fn default() -> Self {
        LoginRequest {
            state: "Online".to_owned(),
            is_web_uniapp: 0,
            inst_type: 0,
            custom_info: String::new(),
        }
    }
}

/// Reply to `im_open_status.wslogin`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginReply {
    /// Status and error.
    #[serde(flatten)]
    pub base: BaseReply,
    /// Session key used in every later head as `a2`.
    #[serde(rename = "A2Key", default)]
    pub a2_key: String,
    /// The user's tiny ID, a decimal string.
    #[serde(rename = "TinyId", default)]
    pub tiny_id: String,
    /// Seconds between `wshello` keep-alives (default 120).
    #[serde(rename = "HelloInterval", default)]
    pub hello_interval: u64,
    /// This login's instance ID, used as `head.status_instid`.
    #[serde(rename = "InstId", default)]
    pub inst_id: u64,
    /// Server time, Unix seconds.
    #[serde(rename = "TimeStamp", default)]
    pub time_stamp: u64,
    /// The user's custom status, base64 of UTF-8 (relationship-facts §6:
    /// the official SDK decodes it as its own custom status).
    #[serde(
        rename = "CustomStatus",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub custom_status: String,
    /// Key the client appends as `authKey=` to download URLs of files
    /// (messages-facts §5.5); empty when downloads need none.
    #[serde(
        rename = "RichMsgAuthKey",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub rich_msg_auth_key: String,
}

/// Body of `im_open_status.wslogout`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogoutRequest {
    /// 0 for a user logout, 1 when the SDK logs out after a kick.
    #[serde(default)]
    pub wslogout_type: u8,
    /// 0 outside uni-app.
    #[serde(default)]
    pub is_web_uniapp: u8,
}

/// Body of `im_open_status.wshello`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelloRequest {
    /// 0 outside uni-app.
    #[serde(default)]
    pub is_web_uniapp: u8,
}
