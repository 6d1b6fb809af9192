use serde::{Deserialize, Serialize};

use crate::types::{SnsApplicationType, UserStatusType};

/// A user profile (`Profile` of the official SDK), as in PROFILE_UPDATED
/// and the results of `get_my_profile` / `get_user_profile`. A tag the
/// user never set keeps its default (empty text, 0).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    /// The user's ID.
    #[serde(rename = "userID")]
    pub user_id: String,
    /// Nickname (`Tag_Profile_IM_Nick`).
    pub nick: String,
    /// `Gender_Type_Unknown`, `Gender_Type_Female` or `Gender_Type_Male`
    /// (empty when never set).
    pub gender: String,
    /// Birthday, as the application encodes it (e.g. 19900101).
    pub birthday: u64,
    /// Location.
    pub location: String,
    /// Self signature.
    pub self_signature: String,
    /// Who may befriend this user: `AllowType_Type_AllowAny` (also when
    /// empty), `AllowType_Type_NeedConfirm` or `AllowType_Type_DenyAny`.
    pub allow_type: String,
    /// Language code.
    pub language: u64,
    /// Avatar URL (`Tag_Profile_IM_Image`).
    pub avatar: String,
    /// Message settings: 0 or 1.
    pub message_settings: u64,
    /// `AdminForbid_Type_None` or `AdminForbid_Type_SendOut` (empty when
    /// never set).
    pub admin_forbid_type: String,
    /// Level.
    pub level: u64,
    /// Role.
    pub role: u64,
    /// When this copy was last updated, local Unix milliseconds.
    pub last_updated_time: u64,
    /// `Tag_Profile_Custom_*` fields.
    pub profile_custom_field: Vec<CustomField>,
}

/// A custom profile or friend field: `{key, value}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomField {
    /// The full tag (`Tag_Profile_Custom_*` or `Tag_SNS_Custom_*`).
    pub key: String,
    /// The value.
    pub value: String,
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

/// A friend (`Friend` of the official SDK), as in FRIEND_LIST_UPDATED and
/// `get_friend_list`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Friend {
    /// The friend's user ID.
    #[serde(rename = "userID")]
    pub user_id: String,
    /// The remark set on this friend.
    pub remark: String,
    /// Friend groups this friend is in.
    pub group_list: Vec<String>,
    /// How the friend was added (`AddSource_Type_*`).
    pub source: String,
    /// When the friend was added, Unix seconds.
    pub add_time: u64,
    /// `Tag_SNS_Custom_*` fields.
    pub friend_custom_field: Vec<CustomField>,
    /// The friend's profile.
    pub profile: Profile,
}

/// A friend group, as in FRIEND_GROUP_LIST_UPDATED.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FriendGroup {
    /// Group name.
    pub name: String,
    /// Members' user IDs (friends only), in user ID order.
    #[serde(rename = "userIDList")]
    pub user_id_list: Vec<String>,
    /// How many members.
    pub count: u64,
}

/// The result of `create_friend_group`, `add_to_friend_group` and
/// `remove_from_friend_group`: `{friendGroup, failureUserIDList}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FriendGroupResult {
    /// The group after the change.
    pub friend_group: FriendGroup,
    /// Users the change did not apply to, with why (2700 not a friend,
    /// or the server's code).
    #[serde(rename = "failureUserIDList")]
    pub failure_user_id_list: Vec<FriendResultItem>,
}

/// A friend application, as in FRIEND_APPLICATION_LIST_UPDATED and
/// `get_friend_application_list`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FriendApplication {
    /// The other user's ID.
    #[serde(rename = "userID")]
    pub user_id: String,
    /// The other user's nick.
    pub nick: String,
    /// The other user's avatar.
    pub avatar: String,
    /// Sent to me or sent by me.
    #[serde(rename = "type")]
    pub kind: SnsApplicationType,
    /// Where the request came from (`AddSource_Type_*`).
    pub source: String,
    /// The applicant's words.
    pub wording: String,
    /// When it was sent, Unix seconds.
    pub time: u64,
}

/// `get_friend_application_list()`: the applications and how many sent to
/// me are unread.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FriendApplicationList {
    /// The applications, both directions.
    pub friend_application_list: Vec<FriendApplication>,
    /// Applications sent to me and not marked read.
    pub unread_count: u64,
}

/// The result of `add_friend`: `{userID, code, message}`. `code` 0 means
/// the users are friends now; 30539 means the request waits for the other
/// user's confirmation (both resolve, as in the official SDK).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddFriendResult {
    /// The user asked.
    #[serde(rename = "userID")]
    pub user_id: String,
    /// 0, or 30539 (pending confirmation).
    pub code: u32,
    /// The server's text.
    pub message: String,
}

/// One user of a friend command's result.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FriendResultItem {
    /// The user.
    #[serde(rename = "userID")]
    pub user_id: String,
    /// 0 on success, otherwise why not (2700: not a friend).
    pub code: u32,
    /// Why not.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
    /// `check_friend` only: `CheckResult_Type_NoRelation`, `_AWithB` (I
    /// have them), `_BWithA` (they have me) or `_BothWay`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub relation: String,
}

/// The result of `delete_friend` and `check_friend`:
/// `{successUserIDList, failureUserIDList}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FriendOperationResult {
    /// Users the command succeeded for.
    #[serde(rename = "successUserIDList")]
    pub success_user_id_list: Vec<FriendResultItem>,
    /// Users it failed for, with the code.
    #[serde(rename = "failureUserIDList")]
    pub failure_user_id_list: Vec<FriendResultItem>,
}

/// The result of `get_friend_profile`: `{friendList, failureUserIDList}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FriendProfileResult {
    /// The friends asked for.
    #[serde(rename = "friendList")]
    pub friend_list: Vec<Friend>,
    /// Users that are not friends (code 2700).
    #[serde(rename = "failureUserIDList")]
    pub failure_user_id_list: Vec<FriendResultItem>,
}
