use serde::{Deserialize, Serialize};

use super::{BaseReply, WireMessage};

/// Body of `openim.getmsg`, as the official SDK sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetMsgRequest {
    /// `""` on the first sync, then the cookie of the previous reply.
    #[serde(rename = "Cookie", default)]
    pub cookie: String,
    /// The `SyncFlag` of the previous reply (0 on the first request).
    #[serde(rename = "SyncFlag", default)]
    pub sync_flag: u32,
    /// 1.
    #[serde(rename = "NeedAbstract", default)]
    pub need_abstract: u8,
    /// 0 at login / reconnect, 1 for an online sync.
    #[serde(rename = "IsOnlineSync", default)]
    pub is_online_sync: u8,
    /// 1.
    #[serde(rename = "NeedSignaling", default)]
    pub need_signaling: u8,
    /// 1.
    #[serde(rename = "NeedCachedMsg", default)]
    pub need_cached_msg: u8,
}

impl GetMsgRequest {
    /// A request continuing from `cookie`.
    pub fn new(cookie: &str, sync_flag: u32) -> GetMsgRequest {
        GetMsgRequest {
            cookie: cookie.to_owned(),
            sync_flag,
            need_abstract: 1,
            is_online_sync: 0,
            need_signaling: 1,
            need_cached_msg: 1,
        }
    }
}

/// `SyncFlag` values of a getmsg reply.
pub struct SyncFlag;

impl SyncFlag {
    /// More messages follow: request again with the returned cookie.
    pub const MORE: u32 = 0;
    /// More messages follow (alternative value).
    pub const CONTINUE: u32 = 1;
    /// The sync is complete.
    pub const DONE: u32 = 2;
}

/// Reply to `openim.getmsg`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GetMsgReply {
    /// Status and error.
    #[serde(flatten)]
    pub base: BaseReply,
    /// Cursor to send back on the next getmsg.
    #[serde(rename = "Cookie", default)]
    pub cookie: String,
    /// 0 or 1: more follow; 2: done.
    #[serde(rename = "SyncFlag", default)]
    pub sync_flag: u32,
    /// Messages after the request's cookie.
    #[serde(rename = "MsgList", default)]
    pub msg_list: Vec<WireMessage>,
    /// Unread count per C2C peer (the official SDK's source of C2C unread
    /// counts at login).
    #[serde(
        rename = "C2CPairUnreadCount",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub c2c_pair_unread_count: Vec<super::contact::PairUnreadCount>,
    /// tcchat's own: notifications (revokes, modifications, reads,
    /// receipts, extension and conversation changes) that were queued for
    /// this user while no instance took their push, in the same shape as a
    /// push's `EventArray`. The official SDK ignores this field.
    #[serde(rename = "EventArray", default, skip_serializing_if = "Vec::is_empty")]
    pub event_array: Vec<super::PushEvent>,
}
