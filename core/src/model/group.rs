//! Groups as the SDK hands them to users: the official `Group` object of
//! GROUP_LIST_UPDATED, `get_group_list` and `get_group_profile`, and the
//! payloads of group tips and group system notices.
//!
//! Where each field comes from on the wire: docs/design/GROUPS_WIRE.md §1.2
//! (the group item) and §2.3–2.4 (tips and notices).

use serde::{Deserialize, Serialize};

use super::LastMessage;
use crate::proto::group::{GroupItem, MemberInfo};
use crate::types::{GroupInviteOption, GroupJoinOption, GroupRemindType, GroupRole, GroupType};

/// A group this user belongs to, as in GROUP_LIST_UPDATED, `get_group_list`
/// and `get_group_profile` (the official `Group` object).
///
/// Numbers the server has not sent yet are 0: `info_sequence` is only known
/// once `get_group_profile` answered (the list leaves it out, as the
/// official SDK does), and `last_message` is `None` until a message or tip
/// of the group was sent or received by this instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Group {
    /// `groupID`.
    #[serde(rename = "groupID")]
    pub group_id: String,
    /// `name`.
    pub name: String,
    /// `avatar`: the face URL.
    pub avatar: String,
    /// `type`: the group type, as the wire spells it (`"Private"` for Work).
    #[serde(rename = "type")]
    pub group_type: GroupType,
    /// `introduction`.
    pub introduction: String,
    /// `notification`: the group's announcement.
    pub notification: String,
    /// `ownerID`: the owner's user ID.
    #[serde(rename = "ownerID")]
    pub owner_id: String,
    /// `createTime`, Unix seconds.
    pub create_time: u64,
    /// `infoSequence`: the profile's version (0 until `get_group_profile`).
    pub info_sequence: u64,
    /// `lastInfoTime`: when the profile last changed, Unix seconds.
    pub last_info_time: u64,
    /// `selfInfo`: this user's membership.
    pub self_info: GroupSelfInfo,
    /// `lastMessage`: the newest message or tip this instance saw.
    pub last_message: Option<LastMessage>,
    /// `nextMessageSeq`: the sequence the group's next message will take.
    pub next_message_seq: u64,
    /// `memberCount`.
    pub member_count: u64,
    /// `maxMemberCount`.
    pub max_member_count: u64,
    /// `joinOption`: how users may join.
    pub join_option: GroupJoinOption,
    /// `inviteOption`: how members may be invited.
    pub invite_option: GroupInviteOption,
    /// `groupCustomField`: the application's custom fields.
    pub group_custom_field: Vec<GroupCustomField>,
    /// `muteAllMembers`: only the owner and admins may speak.
    pub mute_all_members: bool,
    /// `isSupportTopic`: a community with topics.
    pub is_support_topic: bool,
}

/// `Group.selfInfo`: this user's membership of a group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GroupSelfInfo {
    /// `userID`: this user.
    #[serde(rename = "userID")]
    pub user_id: String,
    /// `role`.
    pub role: GroupRole,
    /// `messageRemindType`: how the group's messages reach this user.
    pub message_remind_type: GroupRemindType,
    /// `joinTime`, Unix seconds.
    pub join_time: u64,
    /// `nameCard`: this user's name in the group.
    pub name_card: String,
    /// `readedSequence`: the sequence this user has read up to.
    pub readed_sequence: u64,
}

/// One of `Group.groupCustomField`: `{key, value}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GroupCustomField {
    /// Key.
    pub key: String,
    /// Value.
    pub value: String,
}

impl GroupCustomField {
    /// A custom field.
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        GroupCustomField {
            key: key.into(),
            value: value.into(),
        }
    }
}

/// The payload of a group tip (`TIMGroupTipElem`): a change in a group,
/// delivered as a message of its `GROUP<id>` conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GroupTipPayload {
    /// `operationType` (`TYPES.GRP_TIP_*`): 1 join, 2 quit, 3 kicked, 4 set
    /// admin, 5 cancel admin, 6 group profile changed, 7 member info
    /// changed. See [`GroupTipPayload::JOIN`] and its siblings.
    pub operation_type: u32,
    /// `operatorID`: who made the change.
    #[serde(rename = "operatorID")]
    pub operator_id: String,
    /// `userIDList`: the members it is about.
    #[serde(rename = "userIDList")]
    pub user_id_list: Vec<String>,
    /// `memberNum`: the member count after the change (0 when not sent).
    pub member_num: u64,
    /// `memberCount`: the same number, under the name the official SDK also
    /// gives it.
    pub member_count: u64,
    /// `operatorInfo`: the operator's nick, when the server sent it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator_info: Option<GroupTipOperator>,
    /// `memberList`: the members it is about, with their nick and avatar
    /// (when the server sent them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub member_list: Vec<GroupTipMember>,
    /// `groupProfile`: `{groupID, groupName}`.
    pub group_profile: GroupTipProfile,
}

impl GroupTipPayload {
    /// `GRP_TIP_MBR_JOIN`: members joined.
    pub const JOIN: u32 = 1;
    /// `GRP_TIP_MBR_QUIT`: a member quit.
    pub const QUIT: u32 = 2;
    /// `GRP_TIP_MBR_KICKED_OUT`: members were removed.
    pub const KICKED_OUT: u32 = 3;
    /// `GRP_TIP_MBR_SET_ADMIN`: members became admins.
    pub const SET_ADMIN: u32 = 4;
    /// `GRP_TIP_MBR_CANCELED_ADMIN`: admins became members.
    pub const CANCELED_ADMIN: u32 = 5;
    /// `GRP_TIP_GRP_PROFILE_UPDATED`: the group's profile changed.
    pub const PROFILE_UPDATED: u32 = 6;
    /// `GRP_TIP_MBR_PROFILE_UPDATED`: members' info (mute, name card)
    /// changed.
    pub const MEMBER_PROFILE_UPDATED: u32 = 7;
}

/// `GroupTipPayload.operatorInfo`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GroupTipOperator {
    /// `nick`.
    pub nick: String,
}

/// One of `GroupTipPayload.memberList`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GroupTipMember {
    /// `userID`.
    #[serde(rename = "userID")]
    pub user_id: String,
    /// `nick`.
    pub nick: String,
    /// `avatar`.
    pub avatar: String,
}

/// `GroupTipPayload.groupProfile`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GroupTipProfile {
    /// `groupID`.
    #[serde(rename = "groupID")]
    pub group_id: String,
    /// `groupName`.
    pub group_name: String,
}

/// The payload of a group system notice (`TIMGroupSystemNoticeElem`): an
/// event of a group that concerns this user alone (an application, its
/// outcome, a kick, a dismissal, …), delivered as a message of the
/// `@TIM#SYSTEM` conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GroupSystemNoticePayload {
    /// `operationType` (`TYPES.GRP_SYS_NOTICE_*`): 1 apply, 2 application
    /// accepted, 3 refused, 4 kicked, 5 dismissed, 6 created, 7 invited, 8
    /// quit, 9 set admin, 10 cancel admin, 255 custom. See
    /// [`GroupSystemNoticePayload::DISMISSED`] and its siblings.
    pub operation_type: u32,
    /// `operatorID`: who caused it.
    #[serde(rename = "operatorID")]
    pub operator_id: String,
    /// `handleMessage`: the operator's remark (the wire's `RemarkInfo`).
    pub handle_message: String,
    /// `groupProfile`: `{groupID, groupType, name}`.
    pub group_profile: GroupNoticeProfile,
}

impl GroupSystemNoticePayload {
    /// `GRP_SYS_NOTICE_JOIN_GROUP_REQUEST`: someone applied to join.
    pub const JOIN_REQUEST: u32 = 1;
    /// `GRP_SYS_NOTICE_JOIN_GROUP_ACCEPT`: my application was accepted.
    pub const JOIN_ACCEPTED: u32 = 2;
    /// `GRP_SYS_NOTICE_JOIN_GROUP_REFUSE`: my application was refused.
    pub const JOIN_REFUSED: u32 = 3;
    /// `GRP_SYS_NOTICE_KICKED_OUT`: I was removed from the group.
    pub const KICKED_OUT: u32 = 4;
    /// `GRP_SYS_NOTICE_GROUP_DISMISSED`: the group was dismissed.
    pub const DISMISSED: u32 = 5;
    /// `GRP_SYS_NOTICE_GROUP_CREATED`: a group I own was created.
    pub const CREATED: u32 = 6;
    /// `GRP_SYS_NOTICE_INVITED_TO_GROUP`: I was added to a group.
    pub const INVITED: u32 = 7;
    /// `GRP_SYS_NOTICE_QUIT`: I quit the group.
    pub const QUIT: u32 = 8;
    /// `GRP_SYS_NOTICE_SET_ADMIN`: I became an admin.
    pub const SET_ADMIN: u32 = 9;
    /// `GRP_SYS_NOTICE_CANCELED_ADMIN`: I am no longer an admin.
    pub const CANCELED_ADMIN: u32 = 10;
    /// `GRP_SYS_NOTICE_USER_DEFINED`: an application-defined notice.
    pub const USER_DEFINED: u32 = 255;

    /// Whether this notice takes its group out of this user's group list
    /// (kicked, dismissed, quit). Ours: the reference observed only the
    /// dismissal doing so (docs/design/GROUPS_WIRE.md §2.4).
    pub fn removes_group(&self) -> bool {
        matches!(
            self.operation_type,
            Self::KICKED_OUT | Self::DISMISSED | Self::QUIT
        )
    }
}

/// `GroupSystemNoticePayload.groupProfile`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GroupNoticeProfile {
    /// `groupID`.
    #[serde(rename = "groupID")]
    pub group_id: String,
    /// `groupType`, as the wire spells it (empty when the server did not
    /// send it).
    pub group_type: String,
    /// `name`.
    pub name: String,
}

/// A member of a group, as `get_group_member_list` and
/// `get_group_member_profile` give it (the official `GroupMember`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GroupMember {
    /// `userID`.
    #[serde(rename = "userID")]
    pub user_id: String,
    /// `role`.
    pub role: GroupRole,
    /// `joinTime`, Unix seconds.
    pub join_time: u64,
    /// `nameCard`: the member's name in this group.
    pub name_card: String,
    /// `muteUntil`: muted until this Unix time (0: not muted).
    pub mute_until: u64,
    /// `memberCustomField`.
    pub member_custom_field: Vec<GroupCustomField>,
    /// `markList`: the mark types set on the member
    /// (`mark_group_member_list`).
    #[serde(default)]
    pub mark_list: Vec<u64>,
}

/// One page of `get_group_member_list`: `{memberList, offset}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GroupMemberListResult {
    /// The members of this page, by join order.
    pub member_list: Vec<GroupMember>,
    /// Pass it as `offset` for the next page; 0 when this was the last.
    pub offset: u64,
}

/// What `add_group_member` resolves with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AddGroupMemberResult {
    /// `successUserIDList`: added.
    #[serde(rename = "successUserIDList")]
    pub success_user_id_list: Vec<String>,
    /// `failureUserIDList`: not added.
    #[serde(rename = "failureUserIDList")]
    pub failure_user_id_list: Vec<String>,
    /// `existedUserIDList`: already members.
    #[serde(rename = "existedUserIDList")]
    pub existed_user_id_list: Vec<String>,
}

/// A pending application to join a group this user owns or administers
/// (`get_group_application_list`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GroupApplication {
    /// `groupID`.
    #[serde(rename = "groupID")]
    pub group_id: String,
    /// `applicant`: who applied.
    pub applicant: String,
    /// `applicationType`: 0, an application to join.
    pub application_type: u8,
    /// `note`: the applicant's message.
    pub note: String,
    /// `time`: when, Unix seconds.
    pub time: u64,
    /// The server's key for the application, echoed when it is handled.
    pub authentication: String,
}

impl GroupMember {
    /// The member a wire member entry describes.
    pub(crate) fn from_info(info: &MemberInfo) -> GroupMember {
        GroupMember {
            user_id: info.member_account.clone(),
            role: GroupRole::from_official(&info.role).unwrap_or(GroupRole::Member),
            join_time: info.join_time,
            name_card: info.name_card.clone(),
            mute_until: info.shut_up_until,
            member_custom_field: info
                .app_member_defined_data
                .iter()
                .map(|d| GroupCustomField::new(d.key.clone(), d.value.clone()))
                .collect(),
            mark_list: info.mark_list.clone(),
        }
    }
}

/// What `mark_group_member_list` resolves with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MarkGroupMemberListResult {
    /// `groupID`.
    #[serde(rename = "groupID")]
    pub group_id: String,
    /// `successUserIDList`: marked (or unmarked).
    #[serde(rename = "successUserIDList")]
    pub success_user_id_list: Vec<String>,
    /// `failureUserIDList`: not members, not changed.
    #[serde(rename = "failureUserIDList")]
    pub failure_user_id_list: Vec<String>,
}

/// A topic of a community group (issue 17), as `getTopicList` and
/// TOPIC_UPDATED show it (the official `TopicInfo` fields tcchat keeps).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Topic {
    /// The topic's ID, `<groupID>@TOPIC#_<suffix>`; its messages are in
    /// the conversation `GROUP<topicID>`.
    #[serde(rename = "topicID")]
    pub topic_id: String,
    /// The topic's name.
    pub topic_name: String,
    /// Avatar URL.
    #[serde(default)]
    pub avatar: String,
    /// Introduction.
    #[serde(default)]
    pub introduction: String,
    /// Notification.
    #[serde(default)]
    pub notification: String,
    /// Custom data (`customData`).
    #[serde(default)]
    pub custom_data: String,
    /// Every plain member is muted in the topic.
    #[serde(default)]
    pub mute_all_members: bool,
    /// The sequence the topic's next message gets.
    #[serde(default)]
    pub next_message_seq: u64,
    /// Messages this user has not read (`nextMessageSeq - 1 -
    /// selfInfo.readedSequence`, as the server last said).
    #[serde(default)]
    pub unread_count: u64,
    /// This user's own state in the topic.
    #[serde(default)]
    pub self_info: TopicSelfInfo,
}

/// This user's own state in a topic (`topic.selfInfo`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TopicSelfInfo {
    /// How the topic's messages reach this user.
    pub message_remind_type: GroupRemindType,
    /// Read up to this topic sequence.
    pub readed_sequence: u64,
}

impl Default for TopicSelfInfo {
    fn default() -> TopicSelfInfo {
        TopicSelfInfo {
            message_remind_type: GroupRemindType::AcceptAndNotify,
            readed_sequence: 0,
        }
    }
}

/// `getTopicList` and `deleteTopicFromCommunity` failures: one topic and
/// why (`failureTopicList` items).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TopicFailure {
    /// The topic.
    #[serde(rename = "topicID")]
    pub topic_id: String,
    /// The server's code (10010: no such topic).
    pub code: u32,
    /// The server's text.
    pub message: String,
}

/// What `getTopicList` resolves with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TopicListResult {
    /// The topics found.
    pub success_topic_list: Vec<Topic>,
    /// The topics asked for that failed.
    pub failure_topic_list: Vec<TopicFailure>,
}

/// What `deleteTopicFromCommunity` resolves with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TopicDeleteResult {
    /// The topics deleted (`[{topicID}]` in the official result; IDs here).
    #[serde(rename = "successTopicList")]
    pub success_topic_list: Vec<String>,
    /// The topics not deleted, with the server's code.
    pub failure_topic_list: Vec<TopicFailure>,
}

impl Group {
    /// The group a list or profile item describes, as `me` sees it; `None`
    /// when its `Type` is not one tcchat knows (the item is then left out,
    /// as no API could act on it). A `MemberList` entry for `me` wins over
    /// `SelfInfo` for the role and name card, as in the official SDK
    /// (docs/design/GROUPS_WIRE.md §1.2). Options missing or unknown read
    /// as the official defaults (`FreeAccess`, `Member`,
    /// `AcceptAndNotify`).
    pub(crate) fn from_item(item: &GroupItem, me: &str) -> Option<Group> {
        let group_type = GroupType::from_official(&item.group_type)?;
        let self_info = item.self_info.clone().unwrap_or_default();
        let me_entry = item
            .member_list
            .iter()
            .flatten()
            .find(|m| m.member_account == me);
        let role = me_entry.map_or(self_info.role.as_str(), |m| m.role.as_str());
        let remind = me_entry
            .filter(|m| !m.msg_flag.is_empty())
            .map_or(self_info.msg_flag.as_str(), |m| m.msg_flag.as_str());
        let role = GroupRole::from_official(role).unwrap_or(GroupRole::Member);
        // Like the official SDK: my role Owner makes me the owner.
        let owner_id = if role == GroupRole::Owner {
            me.to_owned()
        } else {
            item.owner_account.clone()
        };
        Some(Group {
            group_id: item.group_id.clone(),
            name: item.name.clone(),
            avatar: item.face_url.clone(),
            group_type,
            introduction: item.introduction.clone(),
            notification: item.notification.clone(),
            owner_id,
            create_time: item.create_time,
            info_sequence: item.info_seq,
            last_info_time: item.last_info_time,
            self_info: GroupSelfInfo {
                user_id: me.to_owned(),
                role,
                message_remind_type: GroupRemindType::from_official(remind)
                    .unwrap_or(GroupRemindType::AcceptAndNotify),
                join_time: me_entry.map_or(self_info.join_time, |m| m.join_time),
                name_card: me_entry.map(|m| m.name_card.clone()).unwrap_or_default(),
                readed_sequence: self_info.msg_seq,
            },
            last_message: None,
            next_message_seq: item.next_msg_seq,
            member_count: item.member_num,
            max_member_count: item.max_member_num,
            join_option: GroupJoinOption::from_official(&item.apply_join_option)
                .unwrap_or(GroupJoinOption::FreeAccess),
            invite_option: GroupInviteOption::from_official(&item.invite_join_option)
                .unwrap_or(GroupInviteOption::FreeAccess),
            group_custom_field: item
                .app_defined_data
                .iter()
                .map(|d| GroupCustomField::new(d.key.clone(), d.value.clone()))
                .collect(),
            mute_all_members: item.shut_up_all_member == "On",
            is_support_topic: item.support_topic == 1,
        })
    }
}
