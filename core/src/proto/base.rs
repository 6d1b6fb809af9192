use serde::{Deserialize, Serialize};

/// The fields every reply carries: `{ActionStatus, ErrorCode, ErrorInfo}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaseReply {
    /// `"OK"` or `"FAIL"`.
    #[serde(rename = "ActionStatus", default)]
    pub action_status: String,
    /// 0 on success, otherwise the error code.
    #[serde(rename = "ErrorCode", default)]
    pub error_code: u32,
    /// Human-readable error text.
    #[serde(rename = "ErrorInfo", default)]
    pub error_info: String,
}

impl BaseReply {
    /// A success reply.
    pub fn ok() -> BaseReply {
        BaseReply {
            action_status: "OK".to_owned(),
            error_code: 0,
            error_info: String::new(),
        }
    }

    /// A failure reply with a code and text.
    pub fn fail(code: u32, info: impl Into<String>) -> BaseReply {
        BaseReply {
            action_status: "FAIL".to_owned(),
            error_code: code,
            error_info: info.into(),
        }
    }
}
