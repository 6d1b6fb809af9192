//! Bodies of the follow commands (`follow.follow_*`) and their push
//! (`FollowListMod`). **Ours:** the shared reference names the servcmds
//! (`follow_add`, `follow_delete`, `follow_get`, `follow_get_info`,
//! `follow_check` of service `follow`) but no body; these shapes were
//! designed for tcchat and the official SDK was not observed using them.

use serde::{Deserialize, Serialize};

use super::presence::SnsResultItem;
use super::BaseReply;

/// `FollowType` of `follow_get` and `FollowListMod.Type`: the users I
/// follow.
pub const LIST_FOLLOWING: u8 = 1;
/// The users following me.
pub const LIST_FOLLOWERS: u8 = 2;
/// The users I follow who follow me.
pub const LIST_MUTUAL: u8 = 3;

/// Body of `follow.follow_add` and `follow.follow_delete`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowChangeRequest {
    /// The user.
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
    /// The users to follow or unfollow.
    #[serde(rename = "To_Account", default)]
    pub to_account: Vec<String>,
}

/// Reply to `follow_add` and `follow_delete`: one result per user.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowChangeReply {
    /// Status and error.
    #[serde(flatten)]
    pub base: BaseReply,
    /// One per user asked.
    #[serde(rename = "ResultItem", default)]
    pub result_item: Vec<SnsResultItem>,
}

/// Body of `follow.follow_get`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowGetRequest {
    /// The user.
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
    /// [`LIST_FOLLOWING`], [`LIST_FOLLOWERS`] or [`LIST_MUTUAL`].
    #[serde(rename = "FollowType", default)]
    pub follow_type: u8,
    /// Cursor: 0, then the previous reply's `NextStartIndex`.
    #[serde(rename = "StartIndex", default)]
    pub start_index: u64,
}

/// One user of a follow list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowItem {
    /// The user.
    #[serde(rename = "To_Account", default)]
    pub to_account: String,
    /// Since when, Unix seconds.
    #[serde(rename = "FollowTime", default)]
    pub follow_time: u64,
}

/// Reply to `follow.follow_get`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowGetReply {
    /// Status and error.
    #[serde(flatten)]
    pub base: BaseReply,
    /// This page, sorted by user ID.
    #[serde(rename = "FollowItem", default)]
    pub follow_item: Vec<FollowItem>,
    /// Cursor of the next page; 0 on the last.
    #[serde(rename = "NextStartIndex", default)]
    pub next_start_index: u64,
}

/// Body of `follow.follow_get_info` and `follow.follow_check`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUsersRequest {
    /// The user asking.
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
    /// The users asked about.
    #[serde(rename = "To_Account", default)]
    pub to_account: Vec<String>,
}

/// One user's counts in `follow_get_info`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowInfoItem {
    /// The user.
    #[serde(rename = "To_Account", default)]
    pub to_account: String,
    /// 0, or why the user could not be read.
    #[serde(rename = "ResultCode", default)]
    pub result_code: u32,
    /// Why, in words.
    #[serde(rename = "ResultInfo", default)]
    pub result_info: String,
    /// Users following it.
    #[serde(rename = "FollowersCount", default)]
    pub followers_count: u64,
    /// Users it follows.
    #[serde(rename = "FollowingCount", default)]
    pub following_count: u64,
    /// Users it follows who follow it.
    #[serde(rename = "MutualFollowersCount", default)]
    pub mutual_followers_count: u64,
}

/// Reply to `follow.follow_get_info`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowInfoReply {
    /// Status and error.
    #[serde(flatten)]
    pub base: BaseReply,
    /// One per user asked.
    #[serde(rename = "FollowInfoItem", default)]
    pub follow_info_item: Vec<FollowInfoItem>,
}

/// One user's relation in `follow_check`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowCheckItem {
    /// The user.
    #[serde(rename = "To_Account", default)]
    pub to_account: String,
    /// 0, or why the user could not be checked.
    #[serde(rename = "ResultCode", default)]
    pub result_code: u32,
    /// Why, in words.
    #[serde(rename = "ResultInfo", default)]
    pub result_info: String,
    /// 0 none, 1 it follows me, 2 I follow it, 3 both (the official
    /// `FOLLOW_TYPE_*` values).
    #[serde(rename = "FollowType", default)]
    pub follow_type: u8,
}

/// Reply to `follow.follow_check`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowCheckReply {
    /// Status and error.
    #[serde(flatten)]
    pub base: BaseReply,
    /// One per user asked.
    #[serde(rename = "FollowCheckItem", default)]
    pub follow_check_item: Vec<FollowCheckItem>,
}

/// One item of a `FollowListMod` push (Event 35, ours): users added to or
/// removed from one of the user's follow lists.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowListMod {
    /// [`LIST_FOLLOWING`], [`LIST_FOLLOWERS`] or [`LIST_MUTUAL`].
    #[serde(rename = "Type", default)]
    pub list: u8,
    /// 1 added, 0 removed.
    #[serde(rename = "IsAdd", default)]
    pub is_add: u8,
    /// The users.
    #[serde(rename = "UserList", default)]
    pub user_list: Vec<String>,
}
