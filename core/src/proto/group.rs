//! Bodies of the group servcmds (`group_open_http_svc.*`): the group list,
//! profiles, the lifecycle (create, dismiss, quit, join), members and
//! applications. Messages, tips, notices, history, reads and receipts are
//! in [`super::group_msg`].
//!
//! Key names are the official Web SDK's. PROTOCOL.md section 8 marks each
//! shape "verified with the official SDK" or "ours". Option and role
//! values travel as strings; [`GroupType`], [`Role`], [`JoinOption`] and
//! [`InviteOption`] give them a type (unknown strings decode to `None`, so
//! a reply with a value tcchat does not know still decodes).

use serde::{Deserialize, Serialize};

use super::BaseReply;

/// The servcmds of this module and of [`super::group_msg`].
pub mod cmd {
    /// The joined-group list (login sync and `get_group_list`).
    pub const GET_JOINED_LIST: &str = "group_open_http_svc.get_joined_group_list";
    /// The community list (issue 17); answered like [`GET_JOINED_LIST`] for
    /// communities only.
    pub const GET_JOINED_LIST_MILLION: &str = "million_group_open_http_svc.get_joined_group_list";
    /// Group profiles with the caller's own member info.
    pub const GET_SELF_MEMBER_INFO: &str = "group_open_http_svc.get_group_self_member_info";
    /// Create a group.
    pub const CREATE: &str = "group_open_http_svc.create_group";
    /// Dismiss a group (owner).
    pub const DESTROY: &str = "group_open_http_svc.destroy_group";
    /// Leave a group.
    pub const QUIT: &str = "group_open_http_svc.quit_group";
    /// Join (or apply to join) a group.
    pub const APPLY_JOIN: &str = "group_open_http_svc.apply_join_group";
    /// Change name, avatar, introduction, notification, options, mute all,
    /// custom fields.
    pub const MODIFY_BASE_INFO: &str = "group_open_http_svc.modify_group_base_info";
    /// Public profile of groups by ID (search).
    pub const GET_PUBLIC_INFO: &str = "group_open_http_svc.get_group_public_info";
    /// Transfer ownership.
    pub const CHANGE_OWNER: &str = "group_open_http_svc.change_group_owner";
    /// Member list, paged.
    pub const GET_MEMBER_INFO: &str = "group_open_http_svc.get_group_member_info";
    /// Profiles of named members.
    pub const GET_SPECIFIED_MEMBER_INFO: &str =
        "group_open_http_svc.get_specified_group_member_info";
    /// Add members.
    pub const ADD_MEMBER: &str = "group_open_http_svc.add_group_member";
    /// Remove (kick) members.
    pub const DELETE_MEMBER: &str = "group_open_http_svc.delete_group_member";
    /// Role, mute, name card, custom fields of one member.
    pub const MODIFY_MEMBER_INFO: &str = "group_open_http_svc.modify_group_member_info";
    /// Pending join applications the caller may handle.
    pub const GET_PENDENCY: &str = "group_open_http_svc.get_pendency";
    /// Pending applications to communities (issue 17): answered like
    /// [`GET_PENDENCY`] for communities only (the official SDK asks both).
    pub const GET_PENDENCY_MILLION: &str = "million_group_open_http_svc.get_pendency";
    /// Accept or refuse an application.
    pub const HANDLE_APPLY_JOIN: &str = "group_open_http_svc.handle_apply_join_group";
    /// Number of members online.
    pub const GET_ONLINE_MEMBER_NUM: &str = "group_open_http_svc.get_online_member_num";
    /// Send a group message.
    pub const SEND_MSG: &str = "group_open_http_svc.send_group_msg";
    /// Group history by sequence.
    pub const MSG_GET: &str = "group_open_http_svc.group_msg_get";
    /// Report the caller's read sequence.
    pub const MSG_READ_REPORT: &str = "group_open_http_svc.msg_read_report";
    /// Send read receipts for group messages.
    pub const MSG_RECEIPT: &str = "group_open_http_svc.group_msg_receipt";
    /// Read/unread counts of group messages.
    pub const GET_MSG_RECEIPT: &str = "group_open_http_svc.get_group_msg_receipt";
    /// Who read (or did not read) one group message.
    pub const GET_MSG_RECEIPT_DETAIL: &str = "group_open_http_svc.get_group_msg_receipt_detail";
    /// Delete handled system notices (the official SDK sends it after
    /// `handleGroupApplication`).
    pub const DELETE_NOTICES: &str = "openim.deletemsg";
    /// Set or remove marks on members (`markGroupMemberList`; the bundle
    /// names the command `modify_user_info`, PROTOCOL.md 8.7: ours).
    pub const MARK_MEMBER: &str = "group_open_avchatroom_http_svc.modify_user_info";
}

/// One member of [`MarkMemberRequest`] and its reply: the marks to set or
/// remove, and after the reply the member's marks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberMarks {
    /// User ID.
    #[serde(rename = "Member_Account", default)]
    pub member_account: String,
    /// Mark types.
    #[serde(rename = "Marks", default)]
    pub marks: Vec<u64>,
}

/// Body of `modify_user_info` (tcchat's own shape, PROTOCOL.md 8.7).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarkMemberRequest {
    /// The group.
    #[serde(rename = "GroupId", default)]
    pub group_id: String,
    /// 1: set the marks; 2: remove them.
    #[serde(rename = "CommandType", default)]
    pub command_type: u8,
    /// The members and marks.
    #[serde(rename = "MemberList", default)]
    pub member_list: Vec<MemberMarks>,
}

impl MarkMemberRequest {
    /// `CommandType` that sets marks.
    pub const SET: u8 = 1;
    /// `CommandType` that removes marks.
    pub const REMOVE: u8 = 2;
}

/// Reply to `modify_user_info`: the members marked, with their marks now
/// (a member not listed was not marked: not in the group).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarkMemberReply {
    /// Status and error.
    #[serde(flatten)]
    pub base: super::BaseReply,
    /// The members marked.
    #[serde(rename = "MemberList", default)]
    pub member_list: Vec<MemberMarks>,
}

/// A group type as the wire spells it (`Type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GroupType {
    /// `"Private"`: the official SDK's Work and Private types.
    Private,
    /// `"Public"`.
    Public,
    /// `"ChatRoom"`: the official SDK's Meeting and ChatRoom types.
    ChatRoom,
    /// `"AVChatRoom"`.
    AvChatRoom,
    /// `"Community"`.
    Community,
}

impl GroupType {
    /// The wire string.
    pub fn as_wire(self) -> &'static str {
        match self {
            GroupType::Private => "Private",
            GroupType::Public => "Public",
            GroupType::ChatRoom => "ChatRoom",
            GroupType::AvChatRoom => "AVChatRoom",
            GroupType::Community => "Community",
        }
    }

    /// The type a wire string names; `"Work"` and `"Meeting"` (the official
    /// SDK's API names) are accepted as aliases of `Private` and `ChatRoom`.
    pub fn from_wire(s: &str) -> Option<GroupType> {
        Some(match s {
            "Private" | "Work" => GroupType::Private,
            "Public" => GroupType::Public,
            "ChatRoom" | "Meeting" => GroupType::ChatRoom,
            "AVChatRoom" => GroupType::AvChatRoom,
            "Community" => GroupType::Community,
            _ => return None,
        })
    }
}

/// A member's role (`Role`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// `"Member"`.
    Member,
    /// `"Admin"`.
    Admin,
    /// `"Owner"`.
    Owner,
}

impl Role {
    /// The wire string.
    pub fn as_wire(self) -> &'static str {
        match self {
            Role::Member => "Member",
            Role::Admin => "Admin",
            Role::Owner => "Owner",
        }
    }

    /// The role a wire string names.
    pub fn from_wire(s: &str) -> Option<Role> {
        Some(match s {
            "Member" => Role::Member,
            "Admin" => Role::Admin,
            "Owner" => Role::Owner,
            _ => return None,
        })
    }
}

/// Who may join without an invitation (`ApplyJoinOption`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JoinOption {
    /// `"FreeAccess"`: joining succeeds at once.
    FreeAccess,
    /// `"NeedPermission"`: an owner or admin approves.
    NeedPermission,
    /// `"DisableApply"`: nobody may apply.
    DisableApply,
}

impl JoinOption {
    /// The wire string.
    pub fn as_wire(self) -> &'static str {
        match self {
            JoinOption::FreeAccess => "FreeAccess",
            JoinOption::NeedPermission => "NeedPermission",
            JoinOption::DisableApply => "DisableApply",
        }
    }

    /// The option a wire string names.
    pub fn from_wire(s: &str) -> Option<JoinOption> {
        Some(match s {
            "FreeAccess" => JoinOption::FreeAccess,
            "NeedPermission" => JoinOption::NeedPermission,
            "DisableApply" => JoinOption::DisableApply,
            _ => return None,
        })
    }
}

/// Who may be invited by a member (`InviteJoinOption`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InviteOption {
    /// `"FreeAccess"`: members invite freely.
    FreeAccess,
    /// `"NeedPermission"`: only an owner or admin adds members.
    NeedPermission,
    /// `"DisableInvite"`: nobody adds members except the owner or admins.
    DisableInvite,
}

impl InviteOption {
    /// The wire string.
    pub fn as_wire(self) -> &'static str {
        match self {
            InviteOption::FreeAccess => "FreeAccess",
            InviteOption::NeedPermission => "NeedPermission",
            InviteOption::DisableInvite => "DisableInvite",
        }
    }

    /// The option a wire string names.
    pub fn from_wire(s: &str) -> Option<InviteOption> {
        Some(match s {
            "FreeAccess" => InviteOption::FreeAccess,
            "NeedPermission" => InviteOption::NeedPermission,
            "DisableInvite" => InviteOption::DisableInvite,
            _ => return None,
        })
    }
}

/// `JoinedStatus` of an `apply_join_group` reply.
pub mod joined_status {
    /// Joined at once.
    pub const JOINED: &str = "JoinedSuccess";
    /// The application waits for an owner or admin.
    pub const WAIT_APPROVAL: &str = "WaitAdminApproval";
    /// Already a member (ours on the server; the official SDK resolves it
    /// locally for a group in its list).
    pub const ALREADY_IN_GROUP: &str = "AlreadyInGroup";
}

/// `ShutUpAllMember` values.
pub mod mute_all {
    /// Everyone but owner and admins is muted.
    pub const ON: &str = "On";
    /// Nobody is muted as a whole.
    pub const OFF: &str = "Off";
}

/// One `{Key, Value}` custom field (`AppDefinedData`,
/// `AppMemberDefinedData`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppDefinedItem {
    /// Field name.
    #[serde(rename = "Key", default)]
    pub key: String,
    /// Field value.
    #[serde(rename = "Value", default)]
    pub value: String,
}

/// The caller's own membership in a list item (`SelfInfo`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelfInfo {
    /// `Owner`, `Admin` or `Member`.
    #[serde(rename = "Role", default)]
    pub role: String,
    /// When the caller joined, Unix seconds.
    #[serde(rename = "JoinTime", default)]
    pub join_time: u64,
    /// Remind type (`AcceptAndNotify`, …).
    #[serde(rename = "MsgFlag", default)]
    pub msg_flag: String,
    /// The caller's **read** sequence (`readedSequence`).
    #[serde(rename = "MsgSeq", default)]
    pub msg_seq: u64,
}

/// A member as profile and member-list replies carry it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberInfo {
    /// User ID.
    #[serde(rename = "Member_Account", default)]
    pub member_account: String,
    /// `Owner`, `Admin` or `Member`.
    #[serde(rename = "Role", default)]
    pub role: String,
    /// When the member joined, Unix seconds.
    #[serde(rename = "JoinTime", default)]
    pub join_time: u64,
    /// Remind type.
    #[serde(rename = "MsgFlag", default)]
    pub msg_flag: String,
    /// The member's read sequence.
    #[serde(rename = "MsgSeq", default)]
    pub msg_seq: u64,
    /// Name card in this group.
    #[serde(rename = "NameCard", default)]
    pub name_card: String,
    /// Muted until, Unix seconds (0: not muted).
    #[serde(rename = "ShutUpUntil", default)]
    pub shut_up_until: u64,
    /// Time of the member's last message, Unix seconds (0: none).
    #[serde(rename = "LastSendMsgTime", default)]
    pub last_send_msg_time: u64,
    /// Member custom fields.
    #[serde(rename = "AppMemberDefinedData", default)]
    pub app_member_defined_data: Vec<AppDefinedItem>,
    /// Mark types set on the member (`markGroupMemberList`; tcchat's
    /// server sends it when there are any).
    #[serde(rename = "MarkList", default, skip_serializing_if = "Vec::is_empty")]
    pub mark_list: Vec<u64>,
}

/// A group as `get_joined_group_list` (`GroupIdList`) and
/// `get_group_self_member_info` / `get_group_public_info` (`GroupInfo`)
/// carry it. Verified with the official SDK (PROTOCOL.md 8.1).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupItem {
    /// Group ID.
    #[serde(rename = "GroupId", default)]
    pub group_id: String,
    /// Per-item result in profile replies (0 OK, 10010 gone, 10007 not a
    /// member). Always sent by tcchat-server in those replies.
    #[serde(rename = "ErrorCode", default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<u32>,
    /// Per-item error text.
    #[serde(rename = "ErrorInfo", default, skip_serializing_if = "Option::is_none")]
    pub error_info: Option<String>,
    /// Wire type ([`GroupType::as_wire`]).
    #[serde(rename = "Type", default)]
    pub group_type: String,
    /// Name.
    #[serde(rename = "Name", default)]
    pub name: String,
    /// Avatar URL.
    #[serde(rename = "FaceUrl", default)]
    pub face_url: String,
    /// Owner user ID.
    #[serde(rename = "Owner_Account", default)]
    pub owner_account: String,
    /// Creation time, Unix seconds.
    #[serde(rename = "CreateTime", default)]
    pub create_time: u64,
    /// Profile version: +1 per profile change.
    #[serde(rename = "InfoSeq", default)]
    pub info_seq: u64,
    /// Last profile change, Unix seconds.
    #[serde(rename = "LastInfoTime", default)]
    pub last_info_time: u64,
    /// Time of the last message or tip, Unix seconds.
    #[serde(rename = "LastMsgTime", default)]
    pub last_msg_time: u64,
    /// Members now.
    #[serde(rename = "MemberNum", default)]
    pub member_num: u64,
    /// Member limit.
    #[serde(rename = "MaxMemberNum", default)]
    pub max_member_num: u64,
    /// [`JoinOption`] wire string.
    #[serde(rename = "ApplyJoinOption", default)]
    pub apply_join_option: String,
    /// [`InviteOption`] wire string.
    #[serde(rename = "InviteJoinOption", default)]
    pub invite_join_option: String,
    /// The sequence the next message or tip will get.
    #[serde(rename = "NextMsgSeq", default)]
    pub next_msg_seq: u64,
    /// `"On"` / `"Off"` ([`mute_all`]).
    #[serde(rename = "ShutUpAllMember", default)]
    pub shut_up_all_member: String,
    /// Introduction.
    #[serde(rename = "Introduction", default)]
    pub introduction: String,
    /// Notification (announcement).
    #[serde(rename = "Notification", default)]
    pub notification: String,
    /// Group custom fields.
    #[serde(rename = "AppDefinedData", default)]
    pub app_defined_data: Vec<AppDefinedItem>,
    /// 1 for a community with topics (issue 17).
    #[serde(rename = "SupportTopic", default)]
    pub support_topic: u8,
    /// The caller's membership (absent in `get_group_public_info`).
    #[serde(rename = "SelfInfo", default, skip_serializing_if = "Option::is_none")]
    pub self_info: Option<SelfInfo>,
    /// Profile replies: the caller's member entry (wins over `SelfInfo` in
    /// the official SDK).
    #[serde(
        rename = "MemberList",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub member_list: Option<Vec<MemberInfo>>,
}

/// The filters the official SDK sends with list and profile requests.
/// tcchat-server always answers with every field; the filters are
/// accepted and ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseFilter {
    /// Group fields wanted.
    #[serde(
        rename = "GroupBaseInfoFilter",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub group_base_info_filter: Vec<String>,
    /// `SelfInfo` fields wanted.
    #[serde(
        rename = "SelfInfoFilter",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub self_info_filter: Vec<String>,
    /// Member fields wanted.
    #[serde(
        rename = "MemberInfoFilter",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub member_info_filter: Vec<String>,
}

/// Body of `get_joined_group_list` (verified with the official SDK).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetJoinedGroupListRequest {
    /// The caller.
    #[serde(rename = "Member_Account", default)]
    pub member_account: String,
    /// Page size (the official SDK sends 200).
    #[serde(rename = "Limit", default)]
    pub limit: u64,
    /// Items to skip.
    #[serde(rename = "Offset", default)]
    pub offset: u64,
    /// Fields wanted (ignored by tcchat-server).
    #[serde(rename = "ResponseFilter", default)]
    pub response_filter: ResponseFilter,
    /// 1: communities with topics only (the `million_group` list).
    #[serde(rename = "SupportTopic", default)]
    pub support_topic: u8,
    /// 1: include `AppDefinedData`.
    #[serde(rename = "NeedAppDefineData", default)]
    pub need_app_define_data: u8,
}

/// Reply to `get_joined_group_list`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetJoinedGroupListReply {
    /// Status.
    #[serde(flatten)]
    pub base: BaseReply,
    /// Groups the caller is in, in all pages.
    #[serde(rename = "TotalCount", default)]
    pub total_count: u64,
    /// This page, ordered by join time then group ID.
    #[serde(rename = "GroupIdList", default)]
    pub group_id_list: Vec<GroupItem>,
}

/// Body of `get_group_self_member_info` (verified with the official SDK)
/// and of `get_group_public_info` (ours: same request).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupIdListRequest {
    /// Groups asked for.
    #[serde(rename = "GroupIdList", default)]
    pub group_id_list: Vec<String>,
    /// Fields wanted (ignored by tcchat-server).
    #[serde(rename = "ResponseFilter", default)]
    pub response_filter: ResponseFilter,
}

/// Reply to `get_group_self_member_info` and `get_group_public_info`: one
/// item per asked ID, in order, each with its own `ErrorCode`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupInfoReply {
    /// Status.
    #[serde(flatten)]
    pub base: BaseReply,
    /// One item per asked ID.
    #[serde(rename = "GroupInfo", default)]
    pub group_info: Vec<GroupItem>,
}

/// One `{Member_Account}` of a create or add request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberAccount {
    /// User ID.
    #[serde(rename = "Member_Account", default)]
    pub member_account: String,
}

/// Body of `create_group` (verified with the official SDK; the optional
/// keys are the bundle's names).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateGroupRequest {
    /// Wire type (`Private`, `Public`, `ChatRoom`, `AVChatRoom`,
    /// `Community`).
    #[serde(rename = "Type", default)]
    pub group_type: String,
    /// Name (required).
    #[serde(rename = "Name", default)]
    pub name: String,
    /// The creator (must be the caller).
    #[serde(rename = "Owner_Account", default)]
    pub owner_account: String,
    /// Initial members besides the owner.
    #[serde(rename = "MemberList", default)]
    pub member_list: Vec<MemberAccount>,
    /// Caller-chosen group ID; empty: the server makes one.
    #[serde(rename = "GroupId", default, skip_serializing_if = "String::is_empty")]
    pub group_id: String,
    /// Avatar URL.
    #[serde(rename = "FaceUrl", default)]
    pub face_url: String,
    /// Introduction.
    #[serde(
        rename = "Introduction",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub introduction: String,
    /// Notification.
    #[serde(
        rename = "Notification",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub notification: String,
    /// Member limit (0: the type's default).
    #[serde(rename = "MaxMemberCount", default, skip_serializing_if = "is_zero")]
    pub max_member_count: u64,
    /// [`JoinOption`] (empty: the type's default).
    #[serde(
        rename = "ApplyJoinOption",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub apply_join_option: String,
    /// [`InviteOption`] (empty: the type's default).
    #[serde(
        rename = "InviteJoinOption",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub invite_join_option: String,
    /// Group custom fields.
    #[serde(
        rename = "AppDefinedData",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub app_defined_data: Vec<AppDefinedItem>,
    /// 1: a community with topics (issue 17).
    #[serde(rename = "SupportTopic", default, skip_serializing_if = "is_zero_u8")]
    pub support_topic: u8,
    /// Always 1 from the official SDK; ignored.
    #[serde(rename = "WebPushFlag", default, skip_serializing_if = "is_zero_u8")]
    pub web_push_flag: u8,
}

/// Reply to `create_group`: `GroupId` always present on success (without
/// it the official SDK fails with an unhandled rejection).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateGroupReply {
    /// Status.
    #[serde(flatten)]
    pub base: BaseReply,
    /// The new group's ID.
    #[serde(rename = "GroupId", default)]
    pub group_id: String,
}

/// Body of `destroy_group`, `quit_group`, `get_online_member_num`
/// (verified with the official SDK for the first two).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupIdRequest {
    /// The group.
    #[serde(rename = "GroupId", default)]
    pub group_id: String,
}

/// Body of `apply_join_group` (verified with the official SDK).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyJoinGroupRequest {
    /// The group.
    #[serde(rename = "GroupId", default)]
    pub group_id: String,
    /// Message to the approvers.
    #[serde(rename = "ApplyMsg", default, skip_serializing_if = "String::is_empty")]
    pub apply_msg: String,
    /// Always 1 from the official SDK; ignored.
    #[serde(rename = "WebPushFlag", default, skip_serializing_if = "is_zero_u8")]
    pub web_push_flag: u8,
}

/// Reply to `apply_join_group`: `JoinedStatus` always present on success.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyJoinGroupReply {
    /// Status.
    #[serde(flatten)]
    pub base: BaseReply,
    /// One of [`joined_status`].
    #[serde(rename = "JoinedStatus", default)]
    pub joined_status: String,
}

/// Body of `modify_group_base_info` (ours; key names from the bundle's
/// renames). An absent key leaves the field unchanged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModifyGroupBaseInfoRequest {
    /// The group.
    #[serde(rename = "GroupId", default)]
    pub group_id: String,
    /// New name.
    #[serde(rename = "Name", default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New avatar URL.
    #[serde(rename = "FaceUrl", default, skip_serializing_if = "Option::is_none")]
    pub face_url: Option<String>,
    /// New introduction.
    #[serde(
        rename = "Introduction",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub introduction: Option<String>,
    /// New notification.
    #[serde(
        rename = "Notification",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub notification: Option<String>,
    /// New member limit.
    #[serde(
        rename = "MaxMemberCount",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub max_member_count: Option<u64>,
    /// New [`JoinOption`].
    #[serde(
        rename = "ApplyJoinOption",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub apply_join_option: Option<String>,
    /// New [`InviteOption`].
    #[serde(
        rename = "InviteJoinOption",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub invite_join_option: Option<String>,
    /// `"On"` / `"Off"`.
    #[serde(
        rename = "ShutUpAllMember",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub shut_up_all_member: Option<String>,
    /// Custom fields to set (an empty value deletes the key).
    #[serde(
        rename = "AppDefinedData",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub app_defined_data: Option<Vec<AppDefinedItem>>,
}

/// Body of `change_group_owner` (ours).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeGroupOwnerRequest {
    /// The group.
    #[serde(rename = "GroupId", default)]
    pub group_id: String,
    /// The new owner (a member).
    #[serde(rename = "NewOwner_Account", default)]
    pub new_owner_account: String,
}

/// Body of `get_group_member_info` (ours; Tencent's REST names).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetGroupMemberInfoRequest {
    /// The group.
    #[serde(rename = "GroupId", default)]
    pub group_id: String,
    /// Page size (0 → 100; at most 100).
    #[serde(rename = "Limit", default)]
    pub limit: u64,
    /// Members to skip.
    #[serde(rename = "Offset", default)]
    pub offset: u64,
    /// Only these roles (empty: all).
    #[serde(
        rename = "MemberRoleFilter",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub member_role_filter: Vec<String>,
    /// Fields wanted (ignored).
    #[serde(
        rename = "MemberInfoFilter",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub member_info_filter: Vec<String>,
}

/// Reply to `get_group_member_info` and
/// `get_specified_group_member_info`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupMemberListReply {
    /// Status.
    #[serde(flatten)]
    pub base: BaseReply,
    /// Members matching the filter, in all pages.
    #[serde(rename = "MemberNum", default)]
    pub member_num: u64,
    /// This page (by join order).
    #[serde(rename = "MemberList", default)]
    pub member_list: Vec<MemberInfo>,
    /// Offset of the next page; 0 when this was the last.
    #[serde(rename = "NextOffset", default)]
    pub next_offset: u64,
}

/// Body of `get_specified_group_member_info` (ours).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetSpecifiedMemberInfoRequest {
    /// The group.
    #[serde(rename = "GroupId", default)]
    pub group_id: String,
    /// Members asked for (at most 100); non-members are left out.
    #[serde(rename = "Member_List_Account", default)]
    pub member_list_account: Vec<String>,
}

/// Body of `add_group_member` (ours; Tencent's REST names).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddGroupMemberRequest {
    /// The group.
    #[serde(rename = "GroupId", default)]
    pub group_id: String,
    /// Users to add (at most 100).
    #[serde(rename = "MemberList", default)]
    pub member_list: Vec<MemberAccount>,
}

/// Per-user result of `add_group_member`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddMemberResult {
    /// User ID.
    #[serde(rename = "Member_Account", default)]
    pub member_account: String,
    /// 0 failed, 1 added, 2 already a member.
    #[serde(rename = "Result", default)]
    pub result: u8,
}

/// Reply to `add_group_member`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddGroupMemberReply {
    /// Status.
    #[serde(flatten)]
    pub base: BaseReply,
    /// One result per asked user.
    #[serde(rename = "MemberList", default)]
    pub member_list: Vec<AddMemberResult>,
}

/// Body of `delete_group_member` (ours; Tencent's REST names).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteGroupMemberRequest {
    /// The group.
    #[serde(rename = "GroupId", default)]
    pub group_id: String,
    /// Users to remove (at most 100).
    #[serde(rename = "MemberToDel_Account", default)]
    pub member_to_del_account: Vec<String>,
    /// Reason, shown to the removed users.
    #[serde(rename = "Reason", default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
}

/// Body of `modify_group_member_info` (ours; Tencent's REST names). An
/// absent key leaves the field unchanged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModifyGroupMemberInfoRequest {
    /// The group.
    #[serde(rename = "GroupId", default)]
    pub group_id: String,
    /// The member.
    #[serde(rename = "Member_Account", default)]
    pub member_account: String,
    /// `"Admin"` or `"Member"`.
    #[serde(rename = "Role", default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Mute for this many seconds from now (0 unmutes).
    #[serde(
        rename = "ShutUpTime",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub shut_up_time: Option<u64>,
    /// New name card.
    #[serde(rename = "NameCard", default, skip_serializing_if = "Option::is_none")]
    pub name_card: Option<String>,
    /// New remind type (the caller's own only).
    #[serde(rename = "MsgFlag", default, skip_serializing_if = "Option::is_none")]
    pub msg_flag: Option<String>,
    /// Member custom fields to set.
    #[serde(
        rename = "AppMemberDefinedData",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub app_member_defined_data: Option<Vec<AppDefinedItem>>,
}

/// Body of `get_pendency` (bundle names, groups-facts.md §4).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetPendencyRequest {
    /// Only applications at or after this time, Unix seconds.
    #[serde(rename = "StartTime", default)]
    pub start_time: u64,
    /// Page size (0 → 100; at most 100).
    #[serde(rename = "Limit", default)]
    pub limit: u64,
    /// The caller.
    #[serde(rename = "Handle_Account", default)]
    pub handle_account: String,
}

/// One pending application. The keys are those the official SDK reads
/// (verified with the official SDK: `getGroupApplicationList` lists it and
/// `handleGroupApplication` answers it); `FromAccount`, `ToAccount` (the
/// names of protocol version 4's first draft) are accepted when decoding.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendencyItem {
    /// The group.
    #[serde(rename = "GroupId", default)]
    pub group_id: String,
    /// The group's name.
    #[serde(rename = "GroupName", default)]
    pub group_name: String,
    /// The applicant (the SDK's `applicant`).
    #[serde(rename = "From_Account", alias = "FromAccount", default)]
    pub from_account: String,
    /// Who may handle it: the caller (the SDK's `userID`).
    #[serde(rename = "To_Account", alias = "ToAccount", default)]
    pub to_account: String,
    /// When it was made, Unix seconds (the SDK's `messageKey`).
    #[serde(rename = "AddTime", default)]
    pub add_time: u64,
    /// The applicant's message (the SDK's `note`).
    #[serde(rename = "ApplyInviteMsg", default)]
    pub apply_invite_msg: String,
    /// 0: an application to join.
    #[serde(rename = "PendencyType", default)]
    pub pendency_type: u8,
    /// 0: an application to join (the SDK's `applicationType`).
    #[serde(rename = "ApplicationType", default)]
    pub application_type: u8,
    /// 0: not handled yet. The official SDK lists only items with
    /// `Handled: 0`, so the key is always sent.
    #[serde(rename = "Handled", default)]
    pub handled: u8,
    /// Opaque key a handler may echo in `handle_apply_join_group`.
    #[serde(rename = "Authentication", default)]
    pub authentication: String,
}

/// Reply to `get_pendency`. The official SDK reads `PendencyList` and asks
/// again from `NextStartTime` until it is 0 (without the key it loops
/// until it gives up with 2996).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetPendencyReply {
    /// Status.
    #[serde(flatten)]
    pub base: BaseReply,
    /// Pending applications in groups the caller owns or administers,
    /// oldest first (`PendencyItem` in the first draft of version 4, still
    /// accepted when decoding).
    #[serde(rename = "PendencyList", alias = "PendencyItem", default)]
    pub pendency_list: Vec<PendencyItem>,
    /// `StartTime` of the next page; 0 on the last page.
    #[serde(rename = "NextStartTime", default)]
    pub next_start_time: u64,
    /// Applications in all pages.
    #[serde(rename = "TotalPendencyNum", default)]
    pub total_pendency_num: u64,
}

/// Body of `handle_apply_join_group` (ours).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandleApplyJoinGroupRequest {
    /// The group.
    #[serde(rename = "GroupId", default)]
    pub group_id: String,
    /// The applicant.
    #[serde(rename = "Applicant_Account", default)]
    pub applicant_account: String,
    /// `"Agree"` or `"Reject"`.
    #[serde(rename = "HandleMsg", default)]
    pub handle_msg: String,
    /// Text for the applicant.
    #[serde(
        rename = "ApprovalMsg",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub approval_msg: String,
    /// The pending item's `Authentication` (accepted, not required).
    #[serde(
        rename = "Authentication",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub authentication: String,
}

/// Reply to `get_online_member_num` (ours).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnlineMemberNumReply {
    /// Status.
    #[serde(flatten)]
    pub base: BaseReply,
    /// Members with at least one logged-in socket.
    #[serde(rename = "OnlineMemberNum", default)]
    pub online_member_num: u64,
}

fn is_zero(v: &u64) -> bool {
    *v == 0
}

fn is_zero_u8(v: &u8) -> bool {
    *v == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_reply_of_the_reference_decodes() {
        // frames/group_list_login.json #13 (one item).
        let body = r#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","TotalCount":1,"GroupIdList":[{"GroupId":"@TGS#1abc","Type":"Public","Name":"Public One","FaceUrl":"http://x/a.png","Owner_Account":"u2","CreateTime":1795600000,"InfoSeq":3,"LastInfoTime":1795600010,"LastMsgTime":1795600020,"MemberNum":3,"MaxMemberNum":200,"ApplyJoinOption":"FreeAccess","InviteJoinOption":"FreeAccess","NextMsgSeq":5,"ShutUpAllMember":"Off","Introduction":"i","Notification":"n","AppDefinedData":[{"Key":"k1","Value":"v1"}],"SelfInfo":{"Role":"Member","JoinTime":1795600005,"MsgFlag":"AcceptAndNotify","MsgSeq":4}}]}"#;
        let reply: GetJoinedGroupListReply = serde_json::from_str(body).expect("decodes");
        assert_eq!(reply.total_count, 1);
        let item = &reply.group_id_list[0];
        assert_eq!(
            GroupType::from_wire(&item.group_type),
            Some(GroupType::Public)
        );
        assert_eq!(item.next_msg_seq, 5);
        assert_eq!(item.self_info.as_ref().map(|s| s.msg_seq), Some(4));
        assert_eq!(item.app_defined_data[0].value, "v1");
        // A list item carries no per-item ErrorCode.
        let again = serde_json::to_string(item).expect("serializes");
        assert!(!again.contains("ErrorCode"));
    }

    #[test]
    fn create_request_of_the_reference_decodes_without_optional_keys() {
        // frames/group_lifecycle.json #38.
        let body = r#"{"Type":"Public","Name":"New G","Owner_Account":"u1","MemberList":[{"Member_Account":"u2"}],"WebPushFlag":1,"FaceUrl":""}"#;
        let req: CreateGroupRequest = serde_json::from_str(body).expect("decodes");
        assert_eq!(req.member_list[0].member_account, "u2");
        assert!(req.group_id.is_empty());
        assert_eq!(req.max_member_count, 0);
    }

    #[test]
    fn wire_names_round_trip() {
        for t in [
            GroupType::Private,
            GroupType::Public,
            GroupType::ChatRoom,
            GroupType::AvChatRoom,
            GroupType::Community,
        ] {
            assert_eq!(GroupType::from_wire(t.as_wire()), Some(t));
        }
        assert_eq!(GroupType::from_wire("Work"), Some(GroupType::Private));
        assert_eq!(GroupType::from_wire("Meeting"), Some(GroupType::ChatRoom));
        assert_eq!(GroupType::from_wire("work"), None);
        for r in [Role::Member, Role::Admin, Role::Owner] {
            assert_eq!(Role::from_wire(r.as_wire()), Some(r));
        }
        for j in [
            JoinOption::FreeAccess,
            JoinOption::NeedPermission,
            JoinOption::DisableApply,
        ] {
            assert_eq!(JoinOption::from_wire(j.as_wire()), Some(j));
        }
        for i in [
            InviteOption::FreeAccess,
            InviteOption::NeedPermission,
            InviteOption::DisableInvite,
        ] {
            assert_eq!(InviteOption::from_wire(i.as_wire()), Some(i));
        }
    }
}
