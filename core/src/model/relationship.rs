use serde::{Deserialize, Serialize};

use crate::types::{SnsApplicationType, UserStatusType};

/// A user profile, as in PROFILE_UPDATED.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    /// The user's ID.
    #[serde(rename = "userID")]
    pub user_id: String,
    /// Nickname.
    pub nick: String,
    /// Avatar URL.
    pub avatar: String,
}

/// A user's status, as in USER_STATUS_UPDATED.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserStatus {
    /// The user's ID.
    #[serde(rename = "userID")]
    pub user_id: String,
    /// Online status.
    pub status_type: UserStatusType,
    /// Custom status text.
    pub custom_status: String,
}

/// A user whose status could not be read or (un)subscribed, as in
/// `failureUserList`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserStatusFailure {
    /// The user.
    #[serde(rename = "userID")]
    pub user_id: String,
    /// Why (the server's code).
    pub code: u32,
    /// Why, in words.
    pub message: String,
}

/// What `get_user_status` resolves with: `{successUserList,
/// failureUserList}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserStatusResult {
    /// The statuses read (the caller's own from the local cache).
    #[serde(rename = "successUserList")]
    pub success_user_list: Vec<UserStatus>,
    /// The users they could not be read for.
    #[serde(rename = "failureUserList")]
    pub failure_user_list: Vec<UserStatusFailure>,
}

/// A page of a follow list (`get_my_following_list` and the like):
/// `{resultList, nextCursor}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowListResult {
    /// The users of this page (only `user_id` is filled).
    #[serde(rename = "resultList")]
    pub result_list: Vec<Profile>,
    /// Pass it to the next call; empty when this was the last page.
    #[serde(rename = "nextCursor")]
    pub next_cursor: String,
}

/// The result of following or unfollowing one user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowResult {
    /// The user.
    #[serde(rename = "userID")]
    pub user_id: String,
    /// 0, or the server's code.
    #[serde(rename = "resultCode")]
    pub result_code: u32,
    /// Why, in words.
    #[serde(rename = "resultInfo")]
    pub result_info: String,
}

/// A user's follow counts (`get_user_follow_info`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserFollowInfo {
    /// The user.
    #[serde(rename = "userID")]
    pub user_id: String,
    /// Users following it.
    #[serde(rename = "followersCount")]
    pub followers_count: u64,
    /// Users it follows.
    #[serde(rename = "followingCount")]
    pub following_count: u64,
    /// Users it follows who follow it.
    #[serde(rename = "mutualFollowersCount")]
    pub mutual_followers_count: u64,
}

/// The follow relation with one user (`check_follow_type`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowTypeCheckResult {
    /// The user.
    #[serde(rename = "userID")]
    pub user_id: String,
    /// 0 none, 1 it follows me, 2 I follow it, 3 both (`FOLLOW_TYPE_*`).
    #[serde(rename = "followType")]
    pub follow_type: u8,
    /// 0, or the server's code.
    #[serde(rename = "resultCode")]
    pub result_code: u32,
    /// Why, in words.
    #[serde(rename = "resultInfo")]
    pub result_info: String,
}

/// A friend, as in FRIEND_LIST_UPDATED.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Friend {
    /// The friend's user ID.
    #[serde(rename = "userID")]
    pub user_id: String,
    /// The remark set on this friend.
    pub remark: String,
    /// Friend groups this friend is in.
    pub group_list: Vec<String>,
}

/// A friend group, as in FRIEND_GROUP_LIST_UPDATED.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FriendGroup {
    /// Group name.
    pub name: String,
    /// Members' user IDs.
    #[serde(rename = "userIDList")]
    pub user_id_list: Vec<String>,
}

/// A friend application, as in FRIEND_APPLICATION_LIST_UPDATED.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FriendApplication {
    /// The other user's ID.
    #[serde(rename = "userID")]
    pub user_id: String,
    /// Sent to me or sent by me.
    #[serde(rename = "type")]
    pub kind: SnsApplicationType,
    /// The applicant's words.
    pub word: String,
    /// When it was sent, Unix seconds.
    pub time: u64,
}
