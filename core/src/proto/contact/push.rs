//! The conversation pushes: `RecentContactMod` items (Event 11), sent when
//! another instance of the user deletes, pins, marks or groups
//! conversations.

use serde::{Deserialize, Serialize};

use super::{ContactItem, GroupItem, UserContactItem};

/// One item of `RecentContactMod` (Event 11), chosen by `PushType`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentContactMod {
    /// 1 delete, 2 pin, 3 unpin, 4 mark, 5 group created, 6 group
    /// deleted, 7 group updated.
    #[serde(rename = "PushType", default)]
    pub push_type: u8,
    /// PushType 1.
    #[serde(
        rename = "RecentContactDeleteItem",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub delete_item: Option<RecentContactList>,
    /// PushTypes 2 and 3.
    #[serde(
        rename = "RecentContactTopItem",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub top_item: Option<RecentContactList>,
    /// PushType 4.
    #[serde(
        rename = "RecentContactMarkContact",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub mark_contact: Option<MarkContactPush>,
    /// PushType 5.
    #[serde(
        rename = "RecentContactCreateContactGroup",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub create_group: Option<CreateGroupPush>,
    /// PushType 6.
    #[serde(
        rename = "RecentContactDelContactGroup",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub del_group: Option<DelGroupPush>,
    /// PushType 7.
    #[serde(
        rename = "RecentContactUpdateContactGroup",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub update_group: Option<UpdateGroupPush>,
}

/// `{RecentContactList: [{Type, UserId}]}` of PushTypes 1–3.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentContactList {
    /// The conversations.
    #[serde(rename = "RecentContactList", default)]
    pub recent_contact_list: Vec<UserContactItem>,
}

/// PushType 5: groups created with their conversations.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateGroupPush {
    /// The groups.
    #[serde(rename = "MsgContactGroupContactItem", default)]
    pub items: Vec<CreatedGroup>,
}

/// One created group.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedGroup {
    /// The group.
    #[serde(rename = "MsgGroupItem", default)]
    pub group: GroupItem,
    /// Its conversations.
    #[serde(rename = "MsgRecentContactItem", default)]
    pub contacts: Vec<ContactItem>,
}

/// PushType 6: groups deleted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DelGroupPush {
    /// The groups.
    #[serde(rename = "MsgGroupItem", default)]
    pub groups: Vec<GroupItem>,
}

/// PushType 7 (tcchat sends `UpdateType` 1: rename or membership).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateGroupPush {
    /// 1: one group changed; 2: one conversation's groups changed.
    #[serde(rename = "UpdateType", default)]
    pub update_type: u8,
    /// `UpdateType` 1.
    #[serde(
        rename = "MsgUpdateGroup",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub group: Option<GroupUpdate>,
    /// `UpdateType` 2.
    #[serde(
        rename = "MsgUpdateContact",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub contact: Option<ContactGroupsUpdate>,
}

/// `MsgUpdateContact`: the groups of one conversation changed
/// (`UpdateType` 2).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactGroupsUpdate {
    /// The conversation.
    #[serde(rename = "MsgRecentContactItem", default)]
    pub contact: ContactItem,
    /// The groups it joined (1) or left (2).
    #[serde(rename = "MsgRecentContactUpdateContactItem", default)]
    pub groups: Vec<GroupMembershipUpdate>,
}

/// One group a conversation joined or left.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupMembershipUpdate {
    /// 1 joined, 2 left.
    #[serde(rename = "GroupOptType", default)]
    pub group_opt_type: u8,
    /// The group.
    #[serde(rename = "RecentContactGroupItem", default)]
    pub group: GroupItem,
}

/// PushType 4: conversations marked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarkContactPush {
    /// The marked conversations.
    #[serde(rename = "RecentContactMarkContactItem", default)]
    pub items: Vec<MarkContactItem>,
}

/// One marked conversation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarkContactItem {
    /// The conversation.
    #[serde(rename = "RecentContactItem", default)]
    pub contact: ContactItem,
    /// 1 standard mark, 2 custom mark, 3 both.
    #[serde(rename = "OptType", default)]
    pub opt_type: u8,
    /// Standard marks as a binary string (rightmost character = bit 0);
    /// the official SDK ignores a number here.
    #[serde(rename = "StandardMark", default)]
    pub standard_mark: String,
    /// Custom mark.
    #[serde(rename = "CustomMark", default)]
    pub custom_mark: String,
}

/// `MsgUpdateGroup`: a rename (1) or a membership change (2).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupUpdate {
    /// 1 rename, 2 membership.
    #[serde(rename = "UpdateGroupType", default)]
    pub update_group_type: u8,
    /// The group's ID (rename).
    #[serde(rename = "GroupId", default, skip_serializing_if = "is_zero")]
    pub group_id: u64,
    /// The new name (rename).
    #[serde(
        rename = "GroupName",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub group_name: String,
    /// The old name (rename), or the group's name (membership).
    #[serde(rename = "OldGroupName", default)]
    pub old_group_name: String,
    /// Conversations added (1) or removed (2).
    #[serde(
        rename = "RecentContactUpdateGroupItem",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub members: Vec<MemberUpdate>,
}

/// One conversation added to or removed from a group.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberUpdate {
    /// 1 add, 2 remove.
    #[serde(rename = "ContactOptType", default)]
    pub contact_opt_type: u8,
    /// The conversation.
    #[serde(rename = "RecentContactItem", default)]
    pub contact: ContactItem,
}

fn is_zero(v: &u64) -> bool {
    *v == 0
}
