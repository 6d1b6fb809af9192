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
