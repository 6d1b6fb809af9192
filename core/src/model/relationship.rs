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
