//! Bodies of the blacklist (`sns.black_list_*`) and user-status
//! (`im_open_status.ws_*status*`) commands and their pushes. Facts:
//! relationship-facts.md §5 (blacklist) and §6 (user status).
//!
//! A custom status travels base64-encoded (UTF-8) in everything the server
//! sends, and in plain text in what a client sends
//! ([`encode_custom_status`], [`decode_custom_status`]).

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use super::BaseReply;

/// `FriendListMod.PushType` of users added to the blacklist (tcchat's
/// choice; the official SDK reads only the key `BlackListAdd_Account`).
pub const PUSH_BLACKLIST_ADD: u32 = 5;
/// `FriendListMod.PushType` of users taken off the blacklist (the key is
/// `BlackListDel_Account`).
pub const PUSH_BLACKLIST_DEL: u32 = 6;

/// Body of `sns.black_list_get`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlackListGetRequest {
    /// The user.
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
    /// Cursor: 0, then the previous reply's.
    #[serde(rename = "StartIndex", default)]
    pub start_index: u64,
    /// Page size (the official SDK asks for 1,000).
    #[serde(rename = "MaxLimited", default)]
    pub max_limited: u64,
}

/// One blacklisted user.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlackListItem {
    /// The blocked user.
    #[serde(rename = "To_Account", default)]
    pub to_account: String,
    /// When it was blocked, Unix seconds.
    #[serde(rename = "AddBlackTimeStamp", default)]
    pub add_black_time_stamp: u64,
}

/// Reply to `sns.black_list_get`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlackListGetReply {
    /// Status and error.
    #[serde(flatten)]
    pub base: BaseReply,
    /// Cursor of the next page; 0 on the last page (the official SDK pages
    /// while it is not 0).
    #[serde(rename = "StartIndex", default)]
    pub start_index: u64,
    /// This page.
    #[serde(rename = "BlackListItem", default)]
    pub black_list_item: Vec<BlackListItem>,
    /// The blacklist's sequence, spelled as the official service spells it.
    #[serde(rename = "CurruentSequence", default)]
    pub current_sequence: u64,
}

/// Body of `sns.black_list_add` and `sns.black_list_delete`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlackListChangeRequest {
    /// The user.
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
    /// The users to add or remove.
    #[serde(rename = "To_Account", default)]
    pub to_account: Vec<String>,
}

/// The result for one user of a relationship command.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnsResultItem {
    /// The user.
    #[serde(rename = "To_Account", default)]
    pub to_account: String,
    /// 0 on success.
    #[serde(rename = "ResultCode", default)]
    pub result_code: u32,
    /// Why not.
    #[serde(rename = "ResultInfo", default)]
    pub result_info: String,
}

/// Reply to `sns.black_list_add` and `sns.black_list_delete`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlackListChangeReply {
    /// Status and error.
    #[serde(flatten)]
    pub base: BaseReply,
    /// One per user.
    #[serde(rename = "ResultItem", default)]
    pub result_item: Vec<SnsResultItem>,
}

/// One item of a `FriendListMod` push: the friend list's and the
/// blacklist's share one type, each chosen by its keys.
pub use super::sns::FriendListMod;

/// Body of `im_open_status.ws_set_custom_status` (plain text).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetCustomStatusRequest {
    /// The new custom status, plain text.
    #[serde(rename = "CustomStatus", default)]
    pub custom_status: String,
}

/// Body of `ws_get_user_status` and `ws_status_subscribe`, and of
/// `ws_status_unsubscribe` (which sends `{UnsubscribeAll: 1}` instead of
/// users to stop them all).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserStatusRequest {
    /// The users.
    #[serde(rename = "To_Account", default, skip_serializing_if = "Vec::is_empty")]
    pub to_account: Vec<String>,
    /// 1: unsubscribe from everyone (unsubscribe only).
    #[serde(rename = "UnsubscribeAll", default, skip_serializing_if = "is_zero_u8")]
    pub unsubscribe_all: u8,
}

fn is_zero_u8(v: &u8) -> bool {
    *v == 0
}

/// A user's status as the server sends it (replies and pushes).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireUserStatus {
    /// The user.
    #[serde(rename = "To_Account", default)]
    pub to_account: String,
    /// 0 unknown, 1 online, 2 offline (disconnected, still logged in),
    /// 3 not logged in.
    #[serde(rename = "Status", default)]
    pub status: u8,
    /// The custom status, base64 of UTF-8 ([`encode_custom_status`]).
    #[serde(rename = "CustomStatus", default)]
    pub custom_status: String,
}

/// One user a status command failed for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusError {
    /// The user (the official SDK also reads `Invalid_Account`).
    #[serde(rename = "To_Account", alias = "Invalid_Account", default)]
    pub to_account: String,
    /// Why.
    #[serde(rename = "ErrorCode", default)]
    pub error_code: u32,
    /// Why, in words.
    #[serde(rename = "ErrorInfo", default)]
    pub error_info: String,
}

/// Reply to `ws_get_user_status`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetUserStatusReply {
    /// Status and error.
    #[serde(flatten)]
    pub base: BaseReply,
    /// The statuses found (the official SDK requires this key).
    #[serde(rename = "UserStatusList", default)]
    pub user_status_list: Vec<WireUserStatus>,
    /// The users it failed for.
    #[serde(rename = "ErrorList", default)]
    pub error_list: Vec<StatusError>,
}

/// Reply to `ws_status_subscribe` and `ws_status_unsubscribe`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusSubscribeReply {
    /// Status and error.
    #[serde(flatten)]
    pub base: BaseReply,
    /// The users it failed for.
    #[serde(rename = "ErrorList", default)]
    pub error_list: Vec<StatusError>,
}

/// A custom status as the server sends it: base64 of its UTF-8.
pub fn encode_custom_status(plain: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(plain.as_bytes())
}

/// A custom status the server sent, decoded; `""` when it is not base64 of
/// UTF-8 (as the official SDK, which shows nothing useful for it either).
pub fn decode_custom_status(encoded: &str) -> String {
    base64::engine::general_purpose::STANDARD
        .decode(encoded.as_bytes())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_status_round_trips_through_base64() {
        assert_eq!(decode_custom_status("ZnJvbS1sb2dpbg=="), "from-login");
        assert_eq!(decode_custom_status("5Zyo5b+ZIGJ1c3k="), "在忙 busy");
        assert_eq!(encode_custom_status("away"), "YXdheQ==");
        assert_eq!(decode_custom_status("not base64!"), "");
    }

    #[test]
    fn push_keys_are_the_ones_the_official_sdk_reads() {
        let item = FriendListMod {
            push_type: PUSH_BLACKLIST_ADD,
            black_list_add_account: Some(vec!["u21".into()]),
            ..FriendListMod::default()
        };
        assert_eq!(
            serde_json::to_string(&item).unwrap(),
            r#"{"PushType":5,"BlackListAdd_Account":["u21"]}"#
        );
        let s: WireUserStatus =
            serde_json::from_str(r#"{"To_Account":"u2","Status":2,"CustomStatus":"YXdheQ=="}"#)
                .unwrap();
        assert_eq!(
            (s.status, decode_custom_status(&s.custom_status).as_str()),
            (2, "away")
        );
    }
}
