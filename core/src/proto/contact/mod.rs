//! Bodies of the conversation commands (`recentcontact.*`), the unread
//! counts of a sync, and the conversation pushes (`RecentContactMod`,
//! Event 11; their bodies are in `push.rs`). Facts: messages-facts.md §4,
//! protocol-facts.md §6.

use serde::{Deserialize, Serialize};

use super::{BaseReply, MsgElem};

mod push;

pub use push::{
    ContactGroupsUpdate, CreateGroupPush, CreatedGroup, DelGroupPush, GroupMembershipUpdate,
    GroupUpdate, MarkContactItem, MarkContactPush, MemberUpdate, RecentContactList,
    RecentContactMod, UpdateGroupPush,
};

/// A reference to a conversation: `{Type: 1, To_Account}` for C2C,
/// `{Type: 2, ToGroupId}` for a group (groups-facts.md §3, the
/// `search_contact_group` request).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ContactItem {
    /// 1: C2C; 2: group.
    #[serde(rename = "Type", default)]
    pub kind: u8,
    /// The C2C peer.
    #[serde(
        rename = "To_Account",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub to_account: String,
    /// The group (`Type` 2).
    #[serde(
        rename = "ToGroupId",
        alias = "GroupId",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub to_group_id: String,
}

impl ContactItem {
    /// The C2C conversation with `peer`.
    pub fn c2c(peer: impl Into<String>) -> ContactItem {
        ContactItem {
            kind: SessionItem::C2C,
            to_account: peer.into(),
            to_group_id: String::new(),
        }
    }

    /// The conversation of the group `group_id`.
    pub fn group(group_id: impl Into<String>) -> ContactItem {
        ContactItem {
            kind: SessionItem::GROUP,
            to_account: String::new(),
            to_group_id: group_id.into(),
        }
    }

    /// The conversation ID it names (`C2C<peer>` or `GROUP<id>`), if its
    /// type is one of those two.
    pub fn conversation_id(&self) -> Option<String> {
        match self.kind {
            SessionItem::C2C => Some(format!("C2C{}", self.to_account)),
            SessionItem::GROUP => Some(format!("GROUP{}", self.to_group_id)),
            _ => None,
        }
    }
}

/// A reference as push types 1–3 carry it: the peer in `UserId`, a group
/// in `GroupId` (`Type` 2).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserContactItem {
    /// 1: C2C; 2: group.
    #[serde(rename = "Type", default)]
    pub kind: u8,
    /// The C2C peer.
    #[serde(rename = "UserId", default, skip_serializing_if = "String::is_empty")]
    pub user_id: String,
    /// The group (`Type` 2).
    #[serde(
        rename = "GroupId",
        alias = "ToGroupId",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub group_id: String,
}

/// Body of `recentcontact.page_get`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageGetRequest {
    /// The user.
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
    /// Cursor: 0, then the previous reply's.
    #[serde(rename = "TimeStamp", default)]
    pub time_stamp: u64,
    /// Cursor: 0, then the previous reply's.
    #[serde(rename = "StartIndex", default)]
    pub start_index: u64,
    /// Cursor of pinned conversations.
    #[serde(rename = "TopTimeStamp", default)]
    pub top_time_stamp: u64,
    /// Cursor of pinned conversations.
    #[serde(rename = "TopStartIndex", default)]
    pub top_start_index: u64,
}

/// The newest message of a conversation in `page_get`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionLastMsg {
    /// Its elements.
    #[serde(rename = "MsgBody", default)]
    pub msg_body: Vec<MsgElem>,
}

/// One conversation of `page_get`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionItem {
    /// 1: C2C.
    #[serde(rename = "Type", default)]
    pub kind: u8,
    /// The peer.
    #[serde(rename = "To_Account", default)]
    pub to_account: String,
    /// Server time of the last message.
    #[serde(rename = "MsgTime", default)]
    pub msg_time: u64,
    /// Sequence of the last message.
    #[serde(rename = "MsgSeq", default)]
    pub msg_seq: u64,
    /// Random of the last message.
    #[serde(rename = "MsgRandom", default)]
    pub msg_random: u64,
    /// Sender of the last message.
    #[serde(rename = "LastC2cMsgFromAccount", default)]
    pub last_c2c_msg_from_account: String,
    /// The last message.
    #[serde(rename = "LastMsg", default)]
    pub last_msg: SessionLastMsg,
    /// 8: the last message was revoked.
    #[serde(rename = "LastMsgFlags", default)]
    pub last_msg_flags: u32,
    /// When the peer last read this user's messages.
    #[serde(rename = "C2cPeerReadTime", default)]
    pub c2c_peer_read_time: u64,
    /// 0: accept and notify.
    #[serde(rename = "MsgRecvOption", default)]
    pub msg_recv_option: u32,
    /// Unread count (the official SDK takes C2C counts from getmsg's
    /// `C2CPairUnreadCount` instead).
    #[serde(rename = "UnreadMsgCount", default)]
    pub unread_msg_count: u64,
    /// 1 when pinned (tcchat's server sends it; the official SDK reads
    /// pinned conversations from the `Top*` paging).
    #[serde(rename = "IsPinned", default)]
    pub is_pinned: u8,
    /// Group items (`Type` 2): the group (protocol-facts.md §6 names
    /// `GroupId` for group items).
    #[serde(rename = "GroupId", default, skip_serializing_if = "String::is_empty")]
    pub group_id: String,
    /// Group items: the group again, where the official SDK reads it
    /// (`ToAccount`, no underscore: with `GroupId` alone it listed
    /// `GROUPundefined`, found by the interop suite).
    #[serde(
        rename = "ToAccount",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub to_group_account: String,
    /// Group items: the user read the group up to this sequence.
    #[serde(
        rename = "MsgGroupReadedSeq",
        default,
        skip_serializing_if = "is_zero_u64"
    )]
    pub msg_group_readed_seq: u64,
    /// Group items: the group's next message sequence.
    #[serde(
        rename = "GroupNextMsgSeq",
        default,
        skip_serializing_if = "is_zero_u64"
    )]
    pub group_next_msg_seq: u64,
    /// Group items (ours, PROTOCOL.md 7.7): the unread messages that
    /// @-mention the user or everyone, oldest first (at most
    /// [`SessionAtInfo::MAX`]).
    #[serde(
        rename = "GroupAtInfoList",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub group_at_info_list: Vec<SessionAtInfo>,
}

/// One unread @-mention of a group item of `page_get` (ours).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionAtInfo {
    /// The message's group sequence.
    #[serde(rename = "MsgSeq", default)]
    pub msg_seq: u64,
    /// 1 @ me, 2 @ all, 3 @ all and @ me (`TYPES.CONV_AT_*`).
    #[serde(rename = "AtType", default)]
    pub at_type: u8,
    /// Who sent the message.
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
}

impl SessionAtInfo {
    /// Mentions one group item carries at most (the newest are kept).
    pub const MAX: usize = 100;
}

fn is_zero_u64(v: &u64) -> bool {
    *v == 0
}

impl SessionItem {
    /// `Type` of a C2C conversation.
    pub const C2C: u8 = 1;
    /// `Type` of a group conversation.
    pub const GROUP: u8 = 2;
}

/// Reply to `recentcontact.page_get`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PageGetReply {
    /// Status and error.
    #[serde(flatten)]
    pub base: BaseReply,
    /// 1 on the last page (the official SDK pages on without it).
    #[serde(rename = "CompleteFlag", default)]
    pub complete_flag: u8,
    /// Cursor for the next page.
    #[serde(rename = "TimeStamp", default)]
    pub time_stamp: u64,
    /// Cursor for the next page.
    #[serde(rename = "StartIndex", default)]
    pub start_index: u64,
    /// Cursor of pinned conversations.
    #[serde(rename = "TopTimeStamp", default)]
    pub top_time_stamp: u64,
    /// Cursor of pinned conversations.
    #[serde(rename = "TopStartIndex", default)]
    pub top_start_index: u64,
    /// The conversations.
    #[serde(rename = "SessionItem", default)]
    pub session_item: Vec<SessionItem>,
}

/// One entry of getmsg's `C2CPairUnreadCount`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairUnreadCount {
    /// The peer.
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
    /// Unread messages from that peer.
    #[serde(rename = "UnreadCount", default)]
    pub unread_count: u64,
}

/// Body of `recentcontact.top`: pin (1) or unpin (2).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopRequest {
    /// The user.
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
    /// 1 pin, 2 unpin.
    #[serde(rename = "OperationType", default)]
    pub operation_type: u8,
    /// The conversations.
    #[serde(rename = "RecentContactItem", default)]
    pub recent_contact_item: Vec<ContactItem>,
}

/// Body of `recentcontact.batch_delete`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchDeleteRequest {
    /// The user.
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
    /// The conversations.
    #[serde(rename = "ContactItem", default)]
    pub contact_item: Vec<ContactItem>,
    /// 1: clear the history too.
    #[serde(rename = "ClearRamble", default)]
    pub clear_ramble: u8,
}

/// One result of `batch_delete`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteResultItem {
    /// 0 when deleted.
    #[serde(rename = "ResultCode", default)]
    pub result_code: u32,
    /// Why not.
    #[serde(rename = "ResultInfo", default)]
    pub result_info: String,
    /// 1: C2C; 2: group.
    #[serde(rename = "Type", default)]
    pub kind: u8,
    /// The peer.
    #[serde(
        rename = "To_Account",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub to_account: String,
    /// The group (`Type` 2; messages-facts.md §4.1 spells it `ToGroupid`).
    #[serde(
        rename = "ToGroupid",
        alias = "ToGroupId",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub to_group_id: String,
}

/// Reply to `batch_delete` (the official SDK requires `ResultItem`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchDeleteReply {
    /// Status and error.
    #[serde(flatten)]
    pub base: BaseReply,
    /// One per conversation.
    #[serde(rename = "ResultItem", default)]
    pub result_item: Vec<DeleteResultItem>,
}

/// A conversation group: the server's number and its name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupItem {
    /// The server's ID.
    #[serde(rename = "GroupId", default)]
    pub group_id: u64,
    /// The name.
    #[serde(rename = "GroupName", default)]
    pub group_name: String,
}

/// One group to create: `{GroupName, ContactItem}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupContactItem {
    /// The name.
    #[serde(rename = "GroupName", default)]
    pub group_name: String,
    /// Its first conversations.
    #[serde(rename = "ContactItem", default)]
    pub contact_item: Vec<ContactItem>,
}

/// Body of `recentcontact.create_contact_group`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateContactGroupRequest {
    /// The user.
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
    /// The groups to create (the SDK sends one).
    #[serde(rename = "GroupContactItem", default)]
    pub group_contact_item: Vec<GroupContactItem>,
}

/// The result for one conversation of a group operation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactResultItem {
    /// The conversation.
    #[serde(rename = "ContactItem", default)]
    pub contact_item: ContactItem,
    /// 0 on success.
    #[serde(rename = "ResultCode", default)]
    pub result_code: u32,
    /// Why not.
    #[serde(rename = "ResultInfo", default)]
    pub result_info: String,
}

/// One created group in the reply.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupResultItem {
    /// The group.
    #[serde(rename = "GroupItem", default)]
    pub group_item: GroupItem,
    /// Per conversation.
    #[serde(rename = "ResultItem", default)]
    pub result_item: Vec<ContactResultItem>,
}

/// Reply to `create_contact_group` (the SDK requires `GroupResultItem`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateContactGroupReply {
    /// Status and error.
    #[serde(flatten)]
    pub base: BaseReply,
    /// The groups created.
    #[serde(rename = "GroupResultItem", default)]
    pub group_result_item: Vec<GroupResultItem>,
}

/// One conversation added (1) or removed (2).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactUpdateItem {
    /// 1 add, 2 remove.
    #[serde(rename = "ContactOptType", default)]
    pub contact_opt_type: u8,
    /// The conversation.
    #[serde(rename = "ContactItem", default)]
    pub contact_item: ContactItem,
}

/// `UpdateGroup` of `update_contact_group`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateGroup {
    /// 1 rename, 2 membership.
    #[serde(rename = "UpdateGroupType", default)]
    pub update_group_type: u8,
    /// The group's (current) name.
    #[serde(rename = "OldGroupName", default)]
    pub old_group_name: String,
    /// The new name (rename).
    #[serde(
        rename = "NewGroupName",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub new_group_name: String,
    /// Conversations added or removed (membership).
    #[serde(
        rename = "ContactUpdateItem",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub contact_update_item: Vec<ContactUpdateItem>,
}

/// Body of `recentcontact.update_contact_group` (always `UpdateType` 1).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateContactGroupRequest {
    /// The user.
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
    /// 1.
    #[serde(rename = "UpdateType", default)]
    pub update_type: u8,
    /// The update.
    #[serde(rename = "UpdateGroup", default)]
    pub update_group: UpdateGroup,
}

/// `UpdateGroupResult` of the reply.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateGroupResult {
    /// The group's ID (required by the SDK after a rename).
    #[serde(rename = "GroupId", default)]
    pub group_id: u64,
    /// Per conversation (membership).
    #[serde(rename = "ContactResultItem", default)]
    pub contact_result_item: Vec<ContactResultItem>,
}

/// Reply to `update_contact_group` (the SDK requires `UpdateGroupResult`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateContactGroupReply {
    /// Status and error.
    #[serde(flatten)]
    pub base: BaseReply,
    /// The result.
    #[serde(rename = "UpdateGroupResult", default)]
    pub update_group_result: UpdateGroupResult,
}

/// Body of `recentcontact.del_contact_group`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DelContactGroupRequest {
    /// The user.
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
    /// The names.
    #[serde(rename = "GroupName", default)]
    pub group_name: Vec<String>,
}

/// Reply to `del_contact_group`: the groups deleted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DelContactGroupReply {
    /// Status and error.
    #[serde(flatten)]
    pub base: BaseReply,
    /// The groups deleted.
    #[serde(rename = "GroupItem", default)]
    pub group_item: Vec<GroupItem>,
}

/// Body of `recentcontact.get_contact_group`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetContactGroupRequest {
    /// The user.
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
    /// Paging cursor.
    #[serde(rename = "StartIndex", default)]
    pub start_index: u64,
}

/// A conversation's groups and marks in `get_contact_group`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactGroupMembership {
    /// 1: C2C; 2: group.
    #[serde(rename = "Type", default)]
    pub kind: u8,
    /// The peer (`Type` 1).
    #[serde(rename = "To_Account", default)]
    pub to_account: String,
    /// The group (`Type` 2; tcchat's server, PROTOCOL.md 7.5).
    #[serde(
        rename = "ToGroupId",
        alias = "GroupId",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub to_group_id: String,
    /// Standard marks as a binary string.
    #[serde(rename = "StandardMark", default)]
    pub standard_mark: String,
    /// Custom mark.
    #[serde(rename = "CustomMark", default)]
    pub custom_mark: String,
    /// The groups it is in.
    #[serde(rename = "ContactGroupId", default)]
    pub contact_group_id: Vec<u64>,
}

/// Reply to `get_contact_group`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetContactGroupReply {
    /// Status and error.
    #[serde(flatten)]
    pub base: BaseReply,
    /// 1 on the last page.
    #[serde(rename = "CompleteFlag", default)]
    pub complete_flag: u8,
    /// Cursor for the next page.
    #[serde(rename = "NextStartIndex", default)]
    pub next_start_index: u64,
    /// The groups.
    #[serde(rename = "GroupItem", default)]
    pub group_item: Vec<GroupItem>,
    /// Which conversation is in which group.
    #[serde(rename = "ContactItem", default)]
    pub contact_item: Vec<ContactGroupMembership>,
}
