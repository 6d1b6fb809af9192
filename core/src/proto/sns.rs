//! Bodies of the profile (`profile.*`) and friend (`sns.*`) commands and
//! of their pushes (`ProfileDataMod`, `FriendListMod`), with the keys the
//! official SDK sends and reads (relationship-facts.md §1–§2).

use serde::{Deserialize, Serialize};

use super::BaseReply;

/// Servcmd of the profile query.
pub const PORTRAIT_GET: &str = "profile.portrait_get_all";
/// Servcmd of a profile change.
pub const PORTRAIT_SET: &str = "profile.portrait_set";
/// Servcmd of the friend list (paged).
pub const FRIEND_GET: &str = "sns.friend_get";
/// Servcmd of named friends' entries.
pub const FRIEND_GET_SPECIFIED: &str = "sns.friend_get_specified";
/// Servcmd of a friend request.
pub const FRIEND_ADD: &str = "sns.friend_add";
/// Servcmd of a friend deletion.
pub const FRIEND_DELETE: &str = "sns.friend_delete";
/// Servcmd of a relation check.
pub const FRIEND_CHECK: &str = "sns.friend_check";
/// Servcmd of a remark or custom-field change.
pub const FRIEND_UPDATE: &str = "sns.friend_update";
/// Servcmd of the friend application list.
pub const PENDENCY_GET: &str = "sns.pendency_get";
/// Servcmd of accepting or refusing friend applications.
pub const FRIEND_RESPONSE: &str = "sns.friend_response";
/// Servcmd of deleting friend applications.
pub const PENDENCY_DELETE: &str = "sns.pendency_delete";
/// Servcmd of marking friend applications read.
pub const PENDENCY_REPORT: &str = "sns.pendency_report";
/// Servcmd of the friend group list.
pub const GROUP_GET: &str = "sns.group_get";
/// Servcmd of creating friend groups.
pub const GROUP_ADD: &str = "sns.group_add";
/// Servcmd of renaming a friend group or changing its members.
pub const GROUP_UPDATE: &str = "sns.group_update";
/// Servcmd of deleting friend groups.
pub const GROUP_DELETE: &str = "sns.group_delete";
/// `NeedFriend` of `group_get`: list the members too.
pub const NEED_FRIEND_YES: &str = "Need_Friend_Type_Yes";
/// `UpdateType` of adding a friend to a group.
pub const UPDATE_TYPE_ADD: &str = "Update_Type_Add";
/// `UpdateType` of taking a friend out of a group.
pub const UPDATE_TYPE_DELETE: &str = "Update_Type_Delete";

/// `PendencyType` of an application sent to me.
pub const PENDENCY_COME_IN: &str = "Pendency_Type_ComeIn";
/// `PendencyType` of an application I sent.
pub const PENDENCY_SEND_OUT: &str = "Pendency_Type_SendOut";
/// `ResponseAction`: accept and befriend both ways (the default).
pub const RESPONSE_AGREE_AND_ADD: &str = "Response_Action_AgreeAndAdd";
/// `ResponseAction`: accept one way (the applicant gets me as a friend).
pub const RESPONSE_AGREE: &str = "Response_Action_Agree";
/// `ResponseAction`: refuse.
pub const RESPONSE_REJECT: &str = "Response_Action_Reject";

/// Profile tags (relationship-facts.md §1).
pub mod tag {
    /// Nickname (string).
    pub const NICK: &str = "Tag_Profile_IM_Nick";
    /// `Gender_Type_*` (string).
    pub const GENDER: &str = "Tag_Profile_IM_Gender";
    /// Birthday (number).
    pub const BIRTHDAY: &str = "Tag_Profile_IM_BirthDay";
    /// Location (string).
    pub const LOCATION: &str = "Tag_Profile_IM_Location";
    /// Self signature (string).
    pub const SELF_SIGNATURE: &str = "Tag_Profile_IM_SelfSignature";
    /// `AllowType_Type_*` (string).
    pub const ALLOW_TYPE: &str = "Tag_Profile_IM_AllowType";
    /// Language (number).
    pub const LANGUAGE: &str = "Tag_Profile_IM_Language";
    /// Avatar URL (string).
    pub const IMAGE: &str = "Tag_Profile_IM_Image";
    /// Message settings, 0 or 1 (number).
    pub const MSG_SETTINGS: &str = "Tag_Profile_IM_MsgSettings";
    /// `AdminForbid_Type_*` (string).
    pub const ADMIN_FORBID_TYPE: &str = "Tag_Profile_IM_AdminForbidType";
    /// Level (number).
    pub const LEVEL: &str = "Tag_Profile_IM_Level";
    /// Role (number).
    pub const ROLE: &str = "Tag_Profile_IM_Role";
    /// Prefix of the custom profile tags (string values).
    pub const CUSTOM_PREFIX: &str = "Tag_Profile_Custom";
    /// Prefix of every profile tag (standard or custom).
    pub const PROFILE_PREFIX: &str = "Tag_Profile_";
    /// A friend's remark (string).
    pub const SNS_REMARK: &str = "Tag_SNS_IM_Remark";
    /// A friend's friend groups (array of names).
    pub const SNS_GROUP: &str = "Tag_SNS_IM_Group";
    /// How the friend was added (string).
    pub const SNS_ADD_SOURCE: &str = "Tag_SNS_IM_AddSource";
    /// When the friend was added, Unix seconds (number).
    pub const SNS_ADD_TIME: &str = "Tag_SNS_IM_AddTime";
    /// The words of the friend request (string).
    pub const SNS_WORDING: &str = "Tag_SNS_IM_Wording";
    /// Prefix of the custom friend fields (string values).
    pub const SNS_CUSTOM_PREFIX: &str = "Tag_SNS_Custom";

    /// The standard profile tags whose value is a number.
    pub const NUMERIC: [&str; 5] = [BIRTHDAY, LANGUAGE, MSG_SETTINGS, LEVEL, ROLE];
    /// The standard profile tags whose value is a string.
    pub const TEXT: [&str; 7] = [
        NICK,
        GENDER,
        LOCATION,
        SELF_SIGNATURE,
        ALLOW_TYPE,
        IMAGE,
        ADMIN_FORBID_TYPE,
    ];
}

/// `{Tag, Value}`: one profile tag or friend field. `Value` is a string, a
/// number or (for `Tag_SNS_IM_Group`) an array of strings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TagValue {
    /// The tag.
    #[serde(rename = "Tag", default)]
    pub tag: String,
    /// The value.
    #[serde(rename = "Value", default)]
    pub value: serde_json::Value,
}

impl TagValue {
    /// A string-valued tag.
    pub fn text(tag: &str, value: impl Into<String>) -> TagValue {
        TagValue {
            tag: tag.to_owned(),
            value: serde_json::Value::String(value.into()),
        }
    }

    /// A number-valued tag.
    pub fn number(tag: &str, value: u64) -> TagValue {
        TagValue {
            tag: tag.to_owned(),
            value: serde_json::Value::from(value),
        }
    }

    /// The value as text: a string as it is, a number in decimal, anything
    /// else empty.
    pub fn as_text(&self) -> String {
        match &self.value {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => n.to_string(),
            _ => String::new(),
        }
    }

    /// The value as a number: a number, or a string of digits; 0 otherwise.
    pub fn as_u64(&self) -> u64 {
        match &self.value {
            serde_json::Value::Number(n) => n.as_u64().unwrap_or(0),
            serde_json::Value::String(s) => s.trim().parse().unwrap_or(0),
            _ => 0,
        }
    }
}

/// One user of `portrait_get_all`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortraitUserItem {
    /// The user.
    #[serde(rename = "To_Account", default)]
    pub to_account: String,
    /// Always 0 from the official SDK.
    #[serde(rename = "StandardSequence", default)]
    pub standard_sequence: u64,
    /// Always 0 from the official SDK.
    #[serde(rename = "CustomSequence", default)]
    pub custom_sequence: u64,
}

/// Body of `profile.portrait_get_all`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortraitGetRequest {
    /// The caller.
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
    /// The users asked for.
    #[serde(rename = "UserItem", default)]
    pub user_item: Vec<PortraitUserItem>,
}

/// One user's profile in the `portrait_get_all` reply.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UserProfileItem {
    /// The user (`"@TLS#NOT_FOUND"` or empty: skipped by the SDK).
    #[serde(rename = "To_Account", default)]
    pub to_account: String,
    /// The tags the user has.
    #[serde(rename = "ProfileItem", default)]
    pub profile_item: Vec<TagValue>,
}

/// Reply to `profile.portrait_get_all`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PortraitGetReply {
    /// Status and error.
    #[serde(flatten)]
    pub base: BaseReply,
    /// One per user found.
    #[serde(rename = "UserProfileItem", default)]
    pub user_profile_item: Vec<UserProfileItem>,
}

/// Body of `profile.portrait_set` (the reply is a bare [`BaseReply`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PortraitSetRequest {
    /// The caller.
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
    /// Only the tags that change.
    #[serde(rename = "ProfileItem", default)]
    pub profile_item: Vec<TagValue>,
}

/// One item of the `ProfileDataMod` push: tags of a user that changed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProfileDataMod {
    /// The user whose profile changed.
    #[serde(rename = "Profile_Account", default)]
    pub profile_account: String,
    /// The changed tags only.
    #[serde(rename = "ProfileList", default)]
    pub profile_list: Vec<TagValue>,
}

/// Body of `sns.friend_get`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FriendGetRequest {
    /// The caller.
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
    /// 0, then the previous page's `NextStartIndex`.
    #[serde(rename = "StartIndex", default)]
    pub start_index: u64,
    /// 0, then the previous page's.
    #[serde(rename = "StandardSequence", default)]
    pub standard_sequence: u64,
    /// 0, then the previous page's.
    #[serde(rename = "CustomSequence", default)]
    pub custom_sequence: u64,
}

/// One friend of a `friend_get` page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UserDataItem {
    /// The friend.
    #[serde(rename = "To_Account", default)]
    pub to_account: String,
    /// `Tag_SNS_*` fields and the friend's `Tag_Profile_*` tags.
    #[serde(rename = "ValueItem", default)]
    pub value_item: Vec<TagValue>,
}

/// Reply to `sns.friend_get`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FriendGetReply {
    /// Status and error.
    #[serde(flatten)]
    pub base: BaseReply,
    /// Friends in all.
    #[serde(rename = "FriendNum", default)]
    pub friend_num: u64,
    /// 1 on the last page; 0 makes the SDK ask for the next.
    #[serde(rename = "CompleteFlag", default)]
    pub complete_flag: u8,
    /// Where the next page starts.
    #[serde(rename = "NextStartIndex", default)]
    pub next_start_index: u64,
    /// Sequence of the list.
    #[serde(rename = "StandardSequence", default)]
    pub standard_sequence: u64,
    /// Sequence of the custom fields.
    #[serde(rename = "CustomSequence", default)]
    pub custom_sequence: u64,
    /// The friends of this page.
    #[serde(rename = "UserDataItem", default)]
    pub user_data_item: Vec<UserDataItem>,
}

/// Body of `sns.friend_get_specified`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FriendGetSpecifiedRequest {
    /// The caller.
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
    /// The friends asked for.
    #[serde(rename = "To_Account", default)]
    pub to_account: Vec<String>,
}

/// One user of the `friend_get_specified` reply.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SpecifiedItem {
    /// The user.
    #[serde(rename = "To_Account", default)]
    pub to_account: String,
    /// 0 for a friend; otherwise the user is no friend.
    #[serde(rename = "ResultCode", default)]
    pub result_code: u32,
    /// Why not.
    #[serde(rename = "ResultInfo", default)]
    pub result_info: String,
    /// The same tags as `ValueItem` of `friend_get`.
    #[serde(rename = "SnsProfileItem", default)]
    pub sns_profile_item: Vec<TagValue>,
}

/// Reply to `sns.friend_get_specified`. The official SDK fails an
/// unhandled promise on an error reply to it, so a server answers it OK
/// with per-user result codes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FriendGetSpecifiedReply {
    /// Status and error.
    #[serde(flatten)]
    pub base: BaseReply,
    /// One per user asked for.
    #[serde(rename = "InfoItem", default)]
    pub info_item: Vec<SpecifiedItem>,
}

/// One user of `sns.friend_add`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddFriendItem {
    /// The user to befriend.
    #[serde(rename = "To_Account", default)]
    pub to_account: String,
    /// Where the request comes from (`AddSource_Type_*`).
    #[serde(rename = "AddSource", default)]
    pub add_source: String,
    /// The applicant's words.
    #[serde(rename = "AddWording", default)]
    pub add_wording: String,
    /// The remark to give the new friend.
    #[serde(rename = "Remark", default, skip_serializing_if = "String::is_empty")]
    pub remark: String,
    /// The friend group to put the new friend in.
    #[serde(
        rename = "GroupName",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub group_name: String,
}

/// Body of `sns.friend_add`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FriendAddRequest {
    /// The caller.
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
    /// The users to befriend (the SDK sends one).
    #[serde(rename = "AddFriendItem", default)]
    pub add_friend_item: Vec<AddFriendItem>,
    /// `Add_Type_Both` (default) or `Add_Type_Single`.
    #[serde(rename = "AddType", default)]
    pub add_type: String,
}

/// `AddType` of a two-way friendship (the default).
pub const ADD_TYPE_BOTH: &str = "Add_Type_Both";
/// `AddType` of a one-way friendship.
pub const ADD_TYPE_SINGLE: &str = "Add_Type_Single";
/// `DeleteType` that ends the friendship on both sides (the default).
pub const DELETE_TYPE_BOTH: &str = "Delete_Type_Both";
/// `DeleteType` that removes the friend from the caller's list only.
pub const DELETE_TYPE_SINGLE: &str = "Delete_Type_Single";
/// `CheckType` that reports both directions (the default).
pub const CHECK_TYPE_BOTH: &str = "CheckResult_Type_Both";
/// `CheckType` that reports the caller's list only.
pub const CHECK_TYPE_SINGLE: &str = "CheckResult_Type_Single";

/// The result for one user of a friend command.
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

/// Reply to `friend_add`, `friend_delete` and `friend_update`: one result
/// per user (`ResultItem` is required by the official SDK for add and
/// update).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnsResultReply {
    /// Status and error.
    #[serde(flatten)]
    pub base: BaseReply,
    /// One per user.
    #[serde(rename = "ResultItem", default)]
    pub result_item: Vec<SnsResultItem>,
}

/// Body of `sns.friend_delete`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FriendDeleteRequest {
    /// The caller.
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
    /// The friends to delete.
    #[serde(rename = "To_Account", default)]
    pub to_account: Vec<String>,
    /// `Delete_Type_Both` (default) or `Delete_Type_Single`.
    #[serde(rename = "DeleteType", default)]
    pub delete_type: String,
}

/// Body of `sns.friend_check`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FriendCheckRequest {
    /// The caller.
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
    /// The users to check.
    #[serde(rename = "To_Account", default)]
    pub to_account: Vec<String>,
    /// `CheckResult_Type_Both` (default) or `CheckResult_Type_Single`.
    #[serde(rename = "CheckType", default)]
    pub check_type: String,
}

/// One user of the `friend_check` reply.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckInfoItem {
    /// The user.
    #[serde(rename = "To_Account", default)]
    pub to_account: String,
    /// `CheckResult_Type_NoRelation`, `_AWithB`, `_BWithA` or `_BothWay`.
    #[serde(rename = "Relation", default)]
    pub relation: String,
    /// 0 on success.
    #[serde(rename = "ResultCode", default)]
    pub result_code: u32,
    /// Why not.
    #[serde(rename = "ResultInfo", default)]
    pub result_info: String,
}

/// Reply to `sns.friend_check`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FriendCheckReply {
    /// Status and error.
    #[serde(flatten)]
    pub base: BaseReply,
    /// One per user.
    #[serde(rename = "InfoItem", default)]
    pub info_item: Vec<CheckInfoItem>,
}

/// One friend of `sns.friend_update`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UpdateItem {
    /// The friend.
    #[serde(rename = "To_Account", default)]
    pub to_account: String,
    /// `Tag_SNS_IM_Remark` and `Tag_SNS_Custom_*` fields.
    #[serde(rename = "SnsItem", default)]
    pub sns_item: Vec<TagValue>,
}

/// Body of `sns.friend_update`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FriendUpdateRequest {
    /// The caller.
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
    /// The friends to update (the SDK sends one).
    #[serde(rename = "UpdateItem", default)]
    pub update_item: Vec<UpdateItem>,
}

/// `FriendUpInfo` of a `FriendListMod` push (PushType 8).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FriendUpInfo {
    /// The friend whose fields changed.
    #[serde(rename = "Friend_Account", default)]
    pub friend_account: String,
    /// The changed fields.
    #[serde(rename = "Sns", default)]
    pub sns: Vec<TagValue>,
}

/// Body of `sns.pendency_get`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendencyGetRequest {
    /// The caller.
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
    /// `Pendency_Type_Both` from the official SDK.
    #[serde(rename = "PendencyType", default)]
    pub pendency_type: String,
    /// 0.
    #[serde(rename = "StartTime", default)]
    pub start_time: u64,
    /// 100.
    #[serde(rename = "MaxLimited", default)]
    pub max_limited: u64,
    /// 0.
    #[serde(rename = "LastSequence", default)]
    pub last_sequence: u64,
}

/// One application of the `pendency_get` reply.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendencyItem {
    /// The other user.
    #[serde(rename = "To_Account", default)]
    pub to_account: String,
    /// `Pendency_Type_ComeIn` or `Pendency_Type_SendOut`.
    #[serde(rename = "PendencyType", default)]
    pub pendency_type: String,
    /// `AddSource_Type_*`.
    #[serde(rename = "AddSource", default)]
    pub add_source: String,
    /// The applicant's words.
    #[serde(rename = "AddWording", default)]
    pub add_wording: String,
    /// When it was sent, Unix seconds.
    #[serde(rename = "AddTime", default)]
    pub add_time: u64,
    /// The other user's nick.
    #[serde(rename = "Nick", default)]
    pub nick: String,
    /// The other user's avatar.
    #[serde(rename = "Image", default)]
    pub image: String,
}

/// Reply to `sns.pendency_get`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendencyGetReply {
    /// Status and error.
    #[serde(flatten)]
    pub base: BaseReply,
    /// The applications.
    #[serde(rename = "PendencyItem", default)]
    pub pendency_item: Vec<PendencyItem>,
    /// Applications sent to me after I last marked them read.
    #[serde(rename = "UnreadPendencyCount", default)]
    pub unread_pendency_count: u64,
    /// 0.
    #[serde(rename = "StartTime", default)]
    pub start_time: u64,
    /// 0.
    #[serde(rename = "CurrentSequence", default)]
    pub current_sequence: u64,
}

/// One answer of `sns.friend_response`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseFriendItem {
    /// The applicant.
    #[serde(rename = "To_Account", default)]
    pub to_account: String,
    /// Remark to give the applicant.
    #[serde(rename = "Remark", default, skip_serializing_if = "String::is_empty")]
    pub remark: String,
    /// Friend group to put the applicant in.
    #[serde(rename = "TagName", default, skip_serializing_if = "String::is_empty")]
    pub tag_name: String,
    /// `Response_Action_AgreeAndAdd`, `_Agree` or `_Reject`.
    #[serde(rename = "ResponseAction", default)]
    pub response_action: String,
}

/// Body of `sns.friend_response` (the reply is an [`SnsResultReply`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FriendResponseRequest {
    /// The caller.
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
    /// The answers (the SDK sends one).
    #[serde(rename = "ResponseFriendItem", default)]
    pub response_friend_item: Vec<ResponseFriendItem>,
}

/// Body of `sns.pendency_delete` (the reply is an [`SnsResultReply`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendencyDeleteRequest {
    /// The caller.
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
    /// Which side: `Pendency_Type_ComeIn` (default) or `_SendOut`.
    #[serde(rename = "PendencyType", default)]
    pub pendency_type: String,
    /// The other users.
    #[serde(rename = "To_Account", default)]
    pub to_account: Vec<String>,
}

/// Body of `sns.pendency_report` (bare reply).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendencyReportRequest {
    /// The caller.
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
    /// Applications up to this Unix second are read.
    #[serde(rename = "LatestPendencyTimeStamp", default)]
    pub latest_pendency_time_stamp: u64,
}

/// One new application in a `FriendListMod` push (PushType 3).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendencyAdd {
    /// The applicant (`From_Account` ≠ me) or the user asked (= me).
    #[serde(rename = "PendencyAdd_Account", default)]
    pub pendency_add_account: String,
    /// That user's nick.
    #[serde(rename = "ProfileImNick", default)]
    pub profile_im_nick: String,
    /// That user's avatar.
    #[serde(rename = "ProfileImImage", default)]
    pub profile_im_image: String,
    /// `AddSource_Type_*`.
    #[serde(rename = "AddSource", default)]
    pub add_source: String,
    /// The applicant's words.
    #[serde(rename = "AddWording", default)]
    pub add_wording: String,
    /// When it was sent, Unix seconds.
    #[serde(rename = "AddTime", default)]
    pub add_time: u64,
}

/// One item of the `FriendListMod` push, chosen by the key it carries (the
/// official SDK dispatches on keys, not on `PushType`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FriendListMod {
    /// 1 friends added, 2 friends deleted, 3 application added, 4
    /// applications deleted, 7 applications read, 8 friend fields changed.
    #[serde(rename = "PushType", default)]
    pub push_type: u32,
    /// PushType 1: the new friends.
    #[serde(
        rename = "FriendAdd_Account",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub friend_add_account: Option<Vec<String>>,
    /// PushType 2: the friends removed.
    #[serde(
        rename = "FriendDel_Account",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub friend_del_account: Option<Vec<String>>,
    /// PushType 8: fields of friends changed.
    #[serde(
        rename = "FriendUpInfo",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub friend_up_info: Option<Vec<FriendUpInfo>>,
    /// Users added to the blacklist ([`super::presence::PUSH_BLACKLIST_ADD`];
    /// the official SDK picks blacklist items by this key, not by
    /// `PushType`).
    #[serde(
        rename = "BlackListAdd_Account",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub black_list_add_account: Option<Vec<String>>,
    /// Users taken off the blacklist
    /// ([`super::presence::PUSH_BLACKLIST_DEL`]).
    #[serde(
        rename = "BlackListDel_Account",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub black_list_del_account: Option<Vec<String>>,
    /// PushType 3 (and 4): who sent the application; me when my other
    /// instance sent it.
    #[serde(
        rename = "From_Account",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub from_account: String,
    /// PushType 3: the new applications.
    #[serde(
        rename = "PendencyAdd",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub pendency_add: Option<Vec<PendencyAdd>>,
    /// PushType 4: applications gone (the key is spelled as the official SDK
    /// reads it).
    #[serde(
        rename = "FrienPencydDel_Account",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub pendency_del_account: Option<Vec<String>>,
    /// PushType 7: applications read on another instance, up to this Unix
    /// second.
    #[serde(
        rename = "ReportTime",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub report_time: Option<u64>,
    /// PushType 9 (tcchat's own; the official SDK has no friend group
    /// push): the user's friend groups changed on another instance; the
    /// receiver fetches them again (`sns.group_get`).
    #[serde(
        rename = "FriendGroupChanged",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub friend_group_changed: Option<u32>,
}

/// Body of `sns.group_get`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupGetRequest {
    /// The caller.
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
    /// 0: everything.
    #[serde(rename = "LastSequence", default)]
    pub last_sequence: u64,
    /// [`NEED_FRIEND_YES`].
    #[serde(rename = "NeedFriend", default)]
    pub need_friend: String,
}

/// One friend group in `group_get`'s reply.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupItem {
    /// The name.
    #[serde(rename = "GroupName", default)]
    pub group_name: String,
    /// How many friends are in it.
    #[serde(rename = "FriendNumber", default)]
    pub friend_number: u64,
    /// The friends in it.
    #[serde(rename = "To_Account", default)]
    pub to_account: Vec<String>,
}

/// Reply to `sns.group_get`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupGetReply {
    /// Status and error.
    #[serde(flatten)]
    pub base: BaseReply,
    /// The groups, in their order (absent or empty: none).
    #[serde(rename = "ResultItem", default)]
    pub result_item: Vec<GroupItem>,
    /// The list's sequence.
    #[serde(rename = "CurrentSequence", default)]
    pub current_sequence: u64,
}

/// Body of `sns.group_add`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupAddRequest {
    /// The caller.
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
    /// The new groups' names.
    #[serde(rename = "GroupName", default)]
    pub group_name: Vec<String>,
    /// Friends to put in them.
    #[serde(rename = "To_Account", default)]
    pub to_account: Vec<String>,
}

/// One member change of `sns.group_update`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateGroupItem {
    /// The friend.
    #[serde(rename = "To_Account", default)]
    pub to_account: String,
    /// [`UPDATE_TYPE_ADD`] or [`UPDATE_TYPE_DELETE`].
    #[serde(rename = "UpdateType", default)]
    pub update_type: String,
}

/// Body of `sns.group_update`: a rename (`GroupNewName`) or member
/// changes (`UpdateGroupItem`) of the group `GroupOldName`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupUpdateRequest {
    /// The caller.
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
    /// The group.
    #[serde(rename = "GroupOldName", default)]
    pub group_old_name: String,
    /// Its new name (a rename).
    #[serde(
        rename = "GroupNewName",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub group_new_name: Option<String>,
    /// Member changes.
    #[serde(
        rename = "UpdateGroupItem",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub update_group_item: Vec<UpdateGroupItem>,
}

/// The result for one friend of `group_add` / `group_update` (the
/// official SDK changes a group only for items echoing `UpdateType`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupResultItem {
    /// The friend.
    #[serde(rename = "To_Account", default)]
    pub to_account: String,
    /// 0 on success.
    #[serde(rename = "ResultCode", default)]
    pub result_code: u32,
    /// Why not.
    #[serde(rename = "ResultInfo", default)]
    pub result_info: String,
    /// The change done (`group_update` only).
    #[serde(
        rename = "UpdateType",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub update_type: String,
}

/// Reply to `group_add`, `group_update` and `group_delete`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupChangeReply {
    /// Status and error.
    #[serde(flatten)]
    pub base: BaseReply,
    /// One per friend named.
    #[serde(rename = "ResultItem", default)]
    pub result_item: Vec<GroupResultItem>,
    /// The list's sequence after the change.
    #[serde(rename = "CurrentSequence", default)]
    pub current_sequence: u64,
}

/// Body of `sns.group_delete`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupDeleteRequest {
    /// The caller.
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
    /// The groups.
    #[serde(rename = "GroupName", default)]
    pub group_name: Vec<String>,
}

impl FriendListMod {
    /// `PushType` of friends added.
    pub const FRIENDS_ADDED: u32 = 1;
    /// `PushType` of friends deleted.
    pub const FRIENDS_DELETED: u32 = 2;
    /// `PushType` of friend fields changed.
    pub const FRIENDS_UPDATED: u32 = 8;
    /// `PushType` of a new application.
    pub const APPLICATION_ADDED: u32 = 3;
    /// `PushType` of applications gone.
    pub const APPLICATIONS_DELETED: u32 = 4;
    /// `PushType` of applications read elsewhere (the official SDK needs
    /// exactly 7 with `ReportTime`).
    pub const APPLICATIONS_READ: u32 = 7;
    /// `PushType` of friend groups changed (tcchat's own, with
    /// `FriendGroupChanged`).
    pub const FRIEND_GROUPS_CHANGED: u32 = 9;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_official_push_shapes_decode() {
        let item: FriendListMod = serde_json::from_str(
            r#"{"PushType":8,"FriendUpInfo":[{"Friend_Account":"u6","Sns":[{"Tag":"Tag_SNS_IM_Remark","Value":"pushed_r6"}]}]}"#,
        )
        .unwrap();
        let up = item.friend_up_info.unwrap();
        assert_eq!(up[0].friend_account, "u6");
        assert_eq!(up[0].sns[0].as_text(), "pushed_r6");
        let mods: Vec<ProfileDataMod> = serde_json::from_str(
            r#"[{"Profile_Account":"u2","ProfileList":[{"Tag":"Tag_Profile_IM_Nick","Value":"pushed_u2"},{"Tag":"Tag_Profile_IM_Level","Value":3}]}]"#,
        )
        .unwrap();
        assert_eq!(mods[0].profile_list[1].as_u64(), 3);
        assert_eq!(mods[0].profile_list[0].as_u64(), 0);
    }
}
