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
