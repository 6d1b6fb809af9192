//! Group messages on the wire: `send_group_msg`, the `GroupMsgArray` and
//! `GroupTips` push items (tips, system notices, receipt counts), history
//! by sequence (`group_msg_get`), the read report and group read receipts.
//!
//! Key names are the official Web SDK's; PROTOCOL.md section 8 marks each
//! shape "verified with the official SDK" or "ours".

use serde::{Deserialize, Serialize};

use super::{BaseReply, MsgElem};

/// `Event` numbers of group push items.
pub mod event {
    /// `GroupMsgArray` (the official SDK routes by the key; 3 is what the
    /// reference recorded).
    pub const GROUP_MSG: u32 = 3;
    /// `GroupTips`: a group tip (`TIMGroupTipElem`) in `GROUP<id>`.
    pub const GROUP_TIP: u32 = 4;
    /// `GroupTips`: a system notice (`TIMGroupSystemNoticeElem`) in
    /// `@TIM#SYSTEM`, or a receipt-count update (`GroupMsgReceiptList`).
    pub const GROUP_SYSTEM: u32 = 5;
    /// `GroupTips`: an online-only tip; carries group attribute and group
    /// counter changes (`OpType` 6), which are not shown as messages.
    pub const GROUP_ONLINE_TIP: u32 = 6;
}

/// `OpType` of a group tip (Event 4).
pub mod tip_op {
    /// Members joined.
    pub const JOIN: u32 = 1;
    /// A member quit.
    pub const QUIT: u32 = 2;
    /// Members were removed.
    pub const KICKED: u32 = 3;
    /// Members became admins.
    pub const SET_ADMIN: u32 = 4;
    /// Members stopped being admins.
    pub const CANCEL_ADMIN: u32 = 5;
    /// The group profile changed (`MsgGroupNewInfo`).
    pub const PROFILE_CHANGED: u32 = 6;
    /// Member info changed (mute, name card: `MsgMemberInfo`).
    pub const MEMBER_INFO_CHANGED: u32 = 7;
}

/// `OpType` of a group system notice (Event 5).
pub mod notice_op {
    /// Someone applied to join (to owner and admins).
    pub const APPLY: u32 = 1;
    /// The caller's application was accepted.
    pub const APPLY_ACCEPTED: u32 = 2;
    /// The caller's application was refused.
    pub const APPLY_REFUSED: u32 = 3;
    /// The caller was removed from the group.
    pub const KICKED: u32 = 4;
    /// The group was dismissed.
    pub const DISMISSED: u32 = 5;
    /// The caller was made a member of a new group.
    pub const CREATED: u32 = 6;
    /// The caller was added (invited) to a group.
    pub const INVITED: u32 = 7;
    /// The caller quit (to the caller's other instances).
    pub const QUIT: u32 = 8;
    /// The caller became an admin.
    pub const SET_ADMIN: u32 = 9;
    /// The caller stopped being an admin.
    pub const CANCEL_ADMIN: u32 = 10;
    /// Group read-receipt counts (`GroupMsgReceiptList`).
    pub const RECEIPT: u32 = 22;
}

/// `From_Account` of a system notice.
pub const SYSTEM_ACCOUNT: &str = "@TIM#SYSTEM";

/// `GroupInfo` of an `@`-info item (`GroupAtInfo`), ours: Tencent REST
/// names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupAtInfo {
    /// 1: @ all; 0: @ one member.
    #[serde(rename = "GroupAtAllFlag", default)]
    pub group_at_all_flag: u8,
    /// The member mentioned (when not @ all).
    #[serde(
        rename = "GroupAt_Account",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub group_at_account: String,
}

/// Body of `send_group_msg` (verified with the official SDK). Unlike C2C
/// the counters are `Random` and `ClientSeq`; the server assigns `MsgSeq`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SendGroupMsgRequest {
    /// Sender (must be the caller).
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
    /// The group.
    #[serde(rename = "GroupId", default)]
    pub group_id: String,
    /// Client random, part of the message ID.
    #[serde(rename = "Random", default)]
    pub random: u64,
    /// Client counter (`clientSequence`).
    #[serde(rename = "ClientSeq", default)]
    pub client_seq: u64,
    /// `High`, `Normal`, `Low`, `Lowest`.
    #[serde(rename = "MsgPriority", default)]
    pub msg_priority: String,
    /// The elements.
    #[serde(rename = "MsgBody", default)]
    pub msg_body: Vec<MsgElem>,
    /// Opaque custom data.
    #[serde(rename = "CloudCustomData", default)]
    pub cloud_custom_data: String,
    /// 1: push to online members only, keep no history.
    #[serde(rename = "OnlineOnlyFlag", default)]
    pub online_only_flag: u8,
    /// @ mentions.
    #[serde(rename = "GroupAtInfo", default)]
    pub group_at_info: Vec<GroupAtInfo>,
    /// Client time in Unix seconds, part of the message ID.
    #[serde(rename = "MsgClientTime", default)]
    pub msg_client_time: u64,
    /// 1 when the sender wants read receipts.
    #[serde(rename = "NeedReadReceipt", default)]
    pub need_read_receipt: u8,
    /// 1 when the message supports extensions.
    #[serde(rename = "SupportMessageExtension", default)]
    pub support_message_extension: u8,
    /// 1 for a relayed (forwarded) message.
    #[serde(rename = "IsRelayMsg", default)]
    pub is_relay_msg: u8,
    /// Sender nick (tcchat sends it; the official SDK does not).
    #[serde(
        rename = "From_AccountNick",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub from_account_nick: String,
    /// The topic of the community `GroupId` the message goes to (issue
    /// 17); empty for the group itself.
    #[serde(rename = "TopicId", default, skip_serializing_if = "String::is_empty")]
    pub topic_id: String,
}

/// Reply to `send_group_msg`: `MsgSeq` and `MsgTime` always present on
/// success (the official SDK's `sequence` and `time`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendGroupMsgReply {
    /// Status.
    #[serde(flatten)]
    pub base: BaseReply,
    /// The group sequence the message got.
    #[serde(rename = "MsgSeq", default)]
    pub msg_seq: u64,
    /// Server time, Unix seconds.
    #[serde(rename = "MsgTime", default)]
    pub msg_time: u64,
}

/// `GroupInfo.MsgFrom_AccountExtraInfo` of a group message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SenderExtraInfo {
    /// The sender's name card in the group.
    #[serde(rename = "NameCard", default)]
    pub name_card: String,
}

/// `GroupInfo` of a `GroupMsgArray` or `GroupTips` item.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MsgGroupInfo {
    /// The group (required: without it the official SDK drops the item).
    #[serde(rename = "GroupId", default)]
    pub group_id: String,
    /// Wire type.
    #[serde(rename = "GroupType", default)]
    pub group_type: String,
    /// Group name.
    #[serde(
        rename = "GroupName",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub group_name: String,
    /// Sender nick (messages).
    #[serde(
        rename = "From_AccountNick",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub from_account_nick: String,
    /// Sender avatar (messages).
    #[serde(
        rename = "From_AccountHeadurl",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub from_account_headurl: String,
    /// Sender's name card (messages).
    #[serde(
        rename = "MsgFrom_AccountExtraInfo",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub msg_from_account_extra_info: Option<SenderExtraInfo>,
    /// 2 for an item of a community's topic (verified with the official
    /// SDK); absent otherwise.
    #[serde(
        rename = "MillionGroupFlag",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub million_group_flag: Option<u8>,
    /// The topic the item belongs to (conversation `GROUP<topicID>`);
    /// empty for the group itself.
    #[serde(rename = "TopicId", default, skip_serializing_if = "String::is_empty")]
    pub topic_id: String,
}

impl MsgGroupInfo {
    /// The group an item is in, as its conversation names it: the topic
    /// (`GROUP<topicID>`) for an item of a community's topic, otherwise
    /// `to_group_id`.
    #[must_use]
    pub fn target<'a>(&'a self, to_group_id: &'a str) -> &'a str {
        if self.topic_id.is_empty() {
            to_group_id
        } else {
            &self.topic_id
        }
    }
}

/// A group message as pushed (`GroupMsgArray` items, verified with the
/// official SDK) and as history returns it (`RspMsgList`, ours).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GroupWireMessage {
    /// Sender.
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
    /// The group (the official SDK's `conversationID` `GROUP<id>`).
    #[serde(rename = "ToGroupId", default)]
    pub to_group_id: String,
    /// The group sequence.
    #[serde(rename = "MsgSeq", default)]
    pub msg_seq: u64,
    /// The sender's `Random`.
    #[serde(rename = "MsgRandom", default)]
    pub msg_random: u64,
    /// Server time, Unix seconds.
    #[serde(rename = "MsgTimeStamp", default)]
    pub msg_time_stamp: u64,
    /// Sender's client time (server time when it sent none).
    #[serde(rename = "MsgClientTime", default)]
    pub msg_client_time: u64,
    /// Sender's `ClientSeq`.
    #[serde(rename = "ClientSeq", default)]
    pub client_seq: u64,
    /// Sender's tiny ID (part of the message ID).
    #[serde(rename = "TinyId", default)]
    pub tiny_id: String,
    /// `High`, `Normal`, `Low`, `Lowest`. tcchat-server sends strings (the
    /// official SDK reads a number as `High`); a number received is kept
    /// as its decimal text.
    #[serde(rename = "MsgPriority", default, deserialize_with = "string_or_number")]
    pub msg_priority: String,
    /// `<MsgSeq>_<MsgRandom>_<MsgTimeStamp>`.
    #[serde(rename = "MsgKey", default)]
    pub msg_key: String,
    /// Group and sender details.
    #[serde(rename = "GroupInfo", default)]
    pub group_info: MsgGroupInfo,
    /// The elements (an array, as C2C).
    #[serde(rename = "MsgBody", default)]
    pub msg_body: Vec<MsgElem>,
    /// Opaque custom data.
    #[serde(
        rename = "CloudCustomData",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub cloud_custom_data: String,
    /// @ mentions.
    #[serde(rename = "GroupAtInfo", default, skip_serializing_if = "Vec::is_empty")]
    pub group_at_info: Vec<GroupAtInfo>,
    /// 1 when the sender asked for read receipts (the push's name).
    #[serde(
        rename = "IsNeedReadReceipt",
        default,
        skip_serializing_if = "is_zero_u8"
    )]
    pub is_need_read_receipt: u8,
    /// 1 when the message supports extensions.
    #[serde(
        rename = "SupportMessageExtension",
        default,
        skip_serializing_if = "is_zero_u8"
    )]
    pub support_message_extension: u8,
    /// History only (ours): 1 for a sequence the caller may not see
    /// (outside its membership) — a placeholder with `MsgSeq` only.
    #[serde(rename = "IsPlaceMsg", default, skip_serializing_if = "is_zero_u8")]
    pub is_place_msg: u8,
    /// History: 8 when the message was revoked (as C2C history).
    #[serde(rename = "MsgFlagBits", default, skip_serializing_if = "is_zero_u32")]
    pub msg_flag_bits: u32,
    /// History: who revoked it (with `MsgFlagBits` 8).
    #[serde(
        rename = "RevokerInfo",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub revoker_info: Option<super::msgops::RevokerInfo>,
    /// History: the version after modifications (0: never modified).
    #[serde(rename = "MsgVersion", default, skip_serializing_if = "is_zero")]
    pub msg_version: u64,
}

/// `{NickName}` of a tip's operator.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorExtraInfo {
    /// The operator's nick.
    #[serde(rename = "NickName", default)]
    pub nick_name: String,
}

/// One `MsgMemberExtraInfo` item of a tip.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberExtraInfo {
    /// User ID.
    #[serde(rename = "User_Account", default)]
    pub user_account: String,
    /// Nick.
    #[serde(rename = "NickName", default)]
    pub nick_name: String,
    /// Avatar URL.
    #[serde(rename = "ImageUrl", default)]
    pub image_url: String,
}

/// One `MsgMemberInfo` item of an OpType 7 tip (ours): what changed for a
/// member.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberChange {
    /// The member.
    #[serde(rename = "User_Account", default)]
    pub user_account: String,
    /// Muted for this many seconds from the tip's time (0: unmuted);
    /// present when the mute changed.
    #[serde(
        rename = "ShutupTime",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub shutup_time: Option<u64>,
    /// New name card, when it changed.
    #[serde(rename = "NameCard", default, skip_serializing_if = "Option::is_none")]
    pub name_card: Option<String>,
}

/// `MsgGroupNewInfo` of an OpType 6 tip: only the changed keys are
/// present. The names are those the official SDK's tip handler applies to
/// its local group (read from its key map and handler, and verified with
/// the official SDK: the other members' lists follow a rename, a new owner
/// and mute all). The first draft of protocol version 4 used
/// `GroupOwner_Account`, `ApplyJoinOption`, `AppDefinedData` and
/// `ShutUpAllMember` ("On"/"Off"); they are still accepted when decoding.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupNewInfo {
    /// New name (the SDK's `name`).
    #[serde(rename = "GroupName", default, skip_serializing_if = "Option::is_none")]
    pub group_name: Option<String>,
    /// New avatar (`avatar`).
    #[serde(
        rename = "GroupFaceUrl",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub group_face_url: Option<String>,
    /// New introduction (`introduction`).
    #[serde(
        rename = "GroupIntroduction",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub group_introduction: Option<String>,
    /// New notification (`notification`).
    #[serde(
        rename = "GroupNotification",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub group_notification: Option<String>,
    /// New owner (`ownerID`).
    #[serde(
        rename = "Owner_Account",
        alias = "GroupOwner_Account",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub owner_account: Option<String>,
    /// 1: every plain member is muted now, 0: no longer (`muteAllMembers`).
    #[serde(
        rename = "MuteAllMembers",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub mute_all_members: Option<u8>,
    /// First-draft spelling of the mute-all change (`"On"`/`"Off"`):
    /// decoded, never sent by tcchat-server.
    #[serde(
        rename = "ShutUpAllMember",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub shut_up_all_member: Option<String>,
    /// New join option (`joinOption`).
    #[serde(
        rename = "GroupApplyJoinOption",
        alias = "ApplyJoinOption",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub apply_join_option: Option<String>,
    /// Changed custom fields (`groupCustomField`).
    #[serde(
        rename = "MsgAppDefinedData",
        alias = "AppDefinedData",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub app_defined_data: Option<Vec<super::group::AppDefinedItem>>,
    /// Event 6: a group attribute change (verified with the official SDK).
    #[serde(
        rename = "GroupAttrOption",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub group_attr_option: Option<super::group_state::GroupAttrOption>,
}

/// One item of a receipt-count notice (`GroupMsgReceiptList`, verified
/// with the official SDK): totals, not increments.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptCount {
    /// The sender's tiny ID (part of the message ID).
    #[serde(rename = "TinyId", default)]
    pub tiny_id: String,
    /// The message's client time.
    #[serde(rename = "MsgClientTime", default)]
    pub msg_client_time: u64,
    /// The message's random.
    #[serde(rename = "MsgRandom", default)]
    pub msg_random: u64,
    /// The message's group sequence.
    #[serde(rename = "MsgSeq", default)]
    pub msg_seq: u64,
    /// Members who read it.
    #[serde(rename = "ReadNum", default)]
    pub read_num: u64,
    /// Members who have not.
    #[serde(rename = "UnreadNum", default)]
    pub unread_num: u64,
}

/// `MsgBody` of a `GroupTips` item: an **object** (not an array).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TipBody {
    /// [`tip_op`] (Event 4) or [`notice_op`] (Event 5).
    #[serde(rename = "OpType", default)]
    pub op_type: u32,
    /// Who did it.
    #[serde(
        rename = "Operator_Account",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub operator_account: String,
    /// Tips: the members concerned.
    #[serde(
        rename = "List_Account",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub list_account: Vec<String>,
    /// Tips: members after the change.
    #[serde(rename = "MemberNum", default, skip_serializing_if = "Option::is_none")]
    pub member_num: Option<u64>,
    /// Tips: the operator's nick.
    #[serde(
        rename = "MsgOperatorMemberExtraInfo",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub msg_operator_member_extra_info: Option<OperatorExtraInfo>,
    /// Tips: the members concerned, with nick and avatar.
    #[serde(
        rename = "MsgMemberExtraInfo",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub msg_member_extra_info: Vec<MemberExtraInfo>,
    /// Tip 6: the changed profile fields.
    #[serde(
        rename = "MsgGroupNewInfo",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub msg_group_new_info: Option<GroupNewInfo>,
    /// Tip 7: the changed member fields.
    #[serde(
        rename = "MsgMemberInfo",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub msg_member_info: Vec<MemberChange>,
    /// Notices: text for the user (`handleMessage`): reason, application
    /// message, approval message.
    #[serde(
        rename = "RemarkInfo",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub remark_info: Option<String>,
    /// Notice 22: receipt counts.
    #[serde(
        rename = "GroupMsgReceiptList",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub group_msg_receipt_list: Option<Vec<ReceiptCount>>,
    /// Notice: group messages revoked (the official SDK's revoke path).
    #[serde(
        rename = "GroupWithdrawInfoArray",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub group_withdraw_info_array: Option<Vec<super::group_msgops::GroupWithdrawInfo>>,
    /// Event 6: group counter changes (verified with the official SDK).
    #[serde(
        rename = "GroupCounterInfo",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub group_counter_info: Option<Vec<super::group_state::GroupCounterInfo>>,
    /// Event 6, `OpType` 16/17: the sequence of the message pinned or
    /// unpinned (ours).
    #[serde(
        rename = "PinnedMsgSeq",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub pinned_msg_seq: Option<u64>,
    /// Notice 18: the deleted topics (verified with the official SDK).
    #[serde(
        rename = "TopicIdArray",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub topic_id_array: Option<Vec<String>>,
    /// Tip 8: the changed topic fields (verified with the official SDK).
    #[serde(
        rename = "MsgTopicNewInfo",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub msg_topic_new_info: Option<super::group_topic::TopicNewInfo>,
}

/// One `GroupTips` item: a tip (Event 4) or a system notice (Event 5).
/// Verified with the official SDK for tips 1/2, notice 5 and notice 22.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupTip {
    /// Operator (tips) or [`SYSTEM_ACCOUNT`] (notices).
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
    /// The group.
    #[serde(rename = "ToGroupId", default)]
    pub to_group_id: String,
    /// Tips: the group sequence. Notices: the owner's notice number (never
    /// 1 or 2 together with an equal `MsgRandom`; ours).
    #[serde(rename = "MsgSeq", default)]
    pub msg_seq: u64,
    /// Random (part of the ID).
    #[serde(rename = "MsgRandom", default)]
    pub msg_random: u64,
    /// Server time, Unix seconds.
    #[serde(rename = "MsgTimeStamp", default)]
    pub msg_time_stamp: u64,
    /// Same as `MsgTimeStamp`.
    #[serde(rename = "MsgClientTime", default, skip_serializing_if = "is_zero")]
    pub msg_client_time: u64,
    /// The operator's tiny ID (tips).
    #[serde(rename = "TinyId", default, skip_serializing_if = "String::is_empty")]
    pub tiny_id: String,
    /// Group details.
    #[serde(rename = "GroupInfo", default)]
    pub group_info: MsgGroupInfo,
    /// The tip or notice.
    #[serde(rename = "MsgBody", default)]
    pub msg_body: TipBody,
}

/// A group push item: `{Event, GroupMsgArray}` or `{Event, GroupTips}`.
/// The server sends it as an `EventArray` item; a client decodes the same
/// keys from `PushEvent`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GroupPushEvent {
    /// [`event`] number.
    #[serde(rename = "Event", default)]
    pub event: u32,
    /// Messages.
    #[serde(
        rename = "GroupMsgArray",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub group_msg_array: Option<Vec<GroupWireMessage>>,
    /// Tips or notices.
    #[serde(rename = "GroupTips", default, skip_serializing_if = "Option::is_none")]
    pub group_tips: Option<Vec<GroupTip>>,
}

/// Body of `group_msg_get` (ours: Tencent's REST `group_msg_get_simple`
/// names). Returns the sequences `(ReqMsgSeq - ReqMsgNumber, ReqMsgSeq]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupMsgGetRequest {
    /// The group.
    #[serde(rename = "GroupId", default)]
    pub group_id: String,
    /// The newest sequence wanted (0: the newest there is).
    #[serde(rename = "ReqMsgSeq", default)]
    pub req_msg_seq: u64,
    /// How many sequences (0 → 20; at most 100).
    #[serde(rename = "ReqMsgNumber", default)]
    pub req_msg_number: u64,
    /// A topic of the community `GroupId` (issue 17; ours): its own
    /// sequences; empty for the group itself.
    #[serde(rename = "TopicId", default, skip_serializing_if = "String::is_empty")]
    pub topic_id: String,
}

/// Reply to `group_msg_get` (ours). Every sequence of the asked range
/// that exists is in exactly one of the two lists (messages or
/// placeholders in `RspMsgList`, tips in `RspTipList`), newest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GroupMsgGetReply {
    /// Status.
    #[serde(flatten)]
    pub base: BaseReply,
    /// The group.
    #[serde(rename = "GroupId", default)]
    pub group_id: String,
    /// 1 when the range reached sequence 1 (nothing older exists).
    #[serde(rename = "IsFinished", default)]
    pub is_finished: u8,
    /// Messages and placeholders.
    #[serde(rename = "RspMsgList", default)]
    pub rsp_msg_list: Vec<GroupWireMessage>,
    /// Tips (ours).
    #[serde(rename = "RspTipList", default)]
    pub rsp_tip_list: Vec<GroupTip>,
}

/// Body of `msg_read_report` (bundle names, groups-facts.md §7).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MsgReadReportRequest {
    /// The group.
    #[serde(rename = "GroupId", default)]
    pub group_id: String,
    /// Read up to this sequence (never moves backwards).
    #[serde(rename = "MsgReadedSeq", default)]
    pub msg_readed_seq: u64,
    /// Topic (issue 17); empty for ordinary groups.
    #[serde(rename = "TopicId", default, skip_serializing_if = "String::is_empty")]
    pub topic_id: String,
}

/// `{MsgSeq}` of a receipt request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MsgSeqItem {
    /// A group sequence.
    #[serde(rename = "MsgSeq", default)]
    pub msg_seq: u64,
}

/// Body of `group_msg_receipt` and `get_group_msg_receipt` (verified with
/// the official SDK).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupMsgReceiptRequest {
    /// The group.
    #[serde(rename = "GroupId", default)]
    pub group_id: String,
    /// The messages.
    #[serde(rename = "MsgSeqList", default)]
    pub msg_seq_list: Vec<MsgSeqItem>,
}

/// One item of a `get_group_msg_receipt` reply: the official SDK keeps it
/// only with the asked `MsgSeq` and `Code: 0`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptCountItem {
    /// The asked sequence.
    #[serde(rename = "MsgSeq", default)]
    pub msg_seq: u64,
    /// Members who read it.
    #[serde(rename = "ReadNum", default)]
    pub read_num: u64,
    /// Members who have not.
    #[serde(rename = "UnreadNum", default)]
    pub unread_num: u64,
    /// 0, or an error code for this message.
    #[serde(rename = "Code", default)]
    pub code: u32,
}

/// Reply to `get_group_msg_receipt`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetGroupMsgReceiptReply {
    /// Status.
    #[serde(flatten)]
    pub base: BaseReply,
    /// One item per asked sequence.
    #[serde(rename = "GroupMsgReceiptList", default)]
    pub group_msg_receipt_list: Vec<ReceiptCountItem>,
}

/// Body of `get_group_msg_receipt_detail` (verified with the official
/// SDK).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupMsgReceiptDetailRequest {
    /// The group.
    #[serde(rename = "GroupId", default)]
    pub group_id: String,
    /// The message.
    #[serde(rename = "MsgSeq", default)]
    pub msg_seq: u64,
    /// 0: who read it; 1: who did not.
    #[serde(rename = "Flag", default)]
    pub flag: u8,
    /// Where the previous page ended (ours: a decimal offset; empty at
    /// first).
    #[serde(rename = "Cursor", default)]
    pub cursor: String,
    /// Page size (the official SDK sends 30; at most 100).
    #[serde(rename = "Num", default)]
    pub num: u64,
}

/// `{Read_Account}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadAccount {
    /// A member who read the message.
    #[serde(rename = "Read_Account", default)]
    pub read_account: String,
}

/// `{Unread_Account}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnreadAccount {
    /// A member who has not read the message.
    #[serde(rename = "Unread_Account", default)]
    pub unread_account: String,
}

/// Reply to `get_group_msg_receipt_detail`: only the list of the asked
/// `Flag` is filled.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupMsgReceiptDetailReply {
    /// Status.
    #[serde(flatten)]
    pub base: BaseReply,
    /// Readers (`Flag` 0).
    #[serde(rename = "ReadList", default)]
    pub read_list: Vec<ReadAccount>,
    /// Non-readers (`Flag` 1).
    #[serde(rename = "UnreadList", default)]
    pub unread_list: Vec<UnreadAccount>,
    /// Pass back for the next page.
    #[serde(rename = "Cursor", default)]
    pub cursor: String,
    /// 1 on the last page.
    #[serde(rename = "IsFinish", default)]
    pub is_finish: u8,
}

/// One system notice named by `openim.deletemsg`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeRef {
    /// `@TIM#SYSTEM`.
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
    /// The notice's `MsgSeq`.
    #[serde(rename = "MsgSeq", default)]
    pub msg_seq: u64,
    /// The notice's `MsgRandom`.
    #[serde(rename = "MsgRandom", default)]
    pub msg_random: u64,
}

/// Body of `openim.deletemsg` as the official SDK sends it after handling
/// an application (verified with the official SDK).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteNoticesRequest {
    /// The notices.
    #[serde(rename = "DelMsgList", default)]
    pub del_msg_list: Vec<NoticeRef>,
}

/// A string, or a number kept as its decimal text.
fn string_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        S(String),
        N(u64),
    }
    Ok(match Either::deserialize(d)? {
        Either::S(s) => s,
        Either::N(n) => n.to_string(),
    })
}

fn is_zero(v: &u64) -> bool {
    *v == 0
}

fn is_zero_u8(v: &u8) -> bool {
    *v == 0
}

fn is_zero_u32(v: &u32) -> bool {
    *v == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_msg_push_of_the_reference_decodes() {
        // frames/group_msg.json #49 (the EventArray item).
        let item = r#"{"Event":3,"GroupMsgArray":[{"From_Account":"u2","ToGroupId":"grpA","MsgSeq":43,"MsgRandom":5555,"MsgTimeStamp":1795629700,"MsgClientTime":1795629700,"ClientSeq":7001,"TinyId":"144115000000000002","MsgPriority":1,"MsgKey":"43_5555_1795629700","GroupInfo":{"GroupId":"grpA","GroupType":"Public","GroupName":"Group A","From_AccountNick":"nick_u2","From_AccountHeadurl":"http://x/u2.png","MsgFrom_AccountExtraInfo":{"NameCard":"card_u2"}},"MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"hi from u2"}}]}]}"#;
        let ev: GroupPushEvent = serde_json::from_str(item).expect("decodes");
        let msgs = ev.group_msg_array.expect("messages");
        assert_eq!(msgs[0].msg_seq, 43);
        assert_eq!(msgs[0].msg_priority, "1");
        assert_eq!(msgs[0].group_info.group_id, "grpA");
        assert_eq!(
            msgs[0]
                .group_info
                .msg_from_account_extra_info
                .as_ref()
                .map(|e| e.name_card.as_str()),
            Some("card_u2")
        );
    }

    #[test]
    fn tip_and_notice_of_the_reference_decode() {
        // frames/group_msg.json #56 (join tip) and #66 (dismissed notice).
        let tip = r#"{"Event":4,"GroupTips":[{"From_Account":"u3","ToGroupId":"grpA","MsgSeq":44,"MsgRandom":6666,"MsgTimeStamp":1,"MsgClientTime":1,"TinyId":"144115000000000003","GroupInfo":{"GroupId":"grpA","GroupType":"Public","GroupName":"Group A"},"MsgBody":{"OpType":1,"Operator_Account":"u3","List_Account":["u3"],"MemberNum":4,"MsgOperatorMemberExtraInfo":{"NickName":"nick_u3"},"MsgMemberExtraInfo":[{"User_Account":"u3","NickName":"nick_u3","ImageUrl":""}]}}]}"#;
        let ev: GroupPushEvent = serde_json::from_str(tip).expect("decodes");
        let t = &ev.group_tips.expect("tips")[0];
        assert_eq!(t.msg_body.op_type, tip_op::JOIN);
        assert_eq!(t.msg_body.member_num, Some(4));
        let notice = r#"{"Event":5,"GroupTips":[{"From_Account":"@TIM#SYSTEM","ToGroupId":"grpB","MsgSeq":3,"MsgRandom":7777,"MsgTimeStamp":1,"MsgClientTime":1,"GroupInfo":{"GroupId":"grpB","GroupType":"Private","GroupName":"Group B"},"MsgBody":{"OpType":5,"Operator_Account":"u2","RemarkInfo":""}}]}"#;
        let ev: GroupPushEvent = serde_json::from_str(notice).expect("decodes");
        let n = &ev.group_tips.expect("notices")[0];
        assert_eq!(n.msg_body.op_type, notice_op::DISMISSED);
        assert_eq!(n.msg_body.remark_info.as_deref(), Some(""));
        // Re-encoded, the notice keeps `RemarkInfo` (the SDK's handleMessage).
        assert!(serde_json::to_string(n)
            .expect("encodes")
            .contains(r#""RemarkInfo":"""#));
    }

    #[test]
    fn send_request_uses_random_and_client_seq() {
        // frames/group_msg.json #38 (trimmed).
        let body = r#"{"From_Account":"u1","GroupId":"grpA","Random":9,"ClientSeq":7,"MsgPriority":"Normal","MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"x"}}],"CloudCustomData":"","OnlineOnlyFlag":0,"OfflinePushInfo":{},"GroupAtInfo":[],"SendMsgControl":[],"MsgClientTime":1795629700,"NeedReadReceipt":1,"SupportMessageExtension":0,"IsRelayMsg":0}"#;
        let req: SendGroupMsgRequest = serde_json::from_str(body).expect("decodes");
        assert_eq!(
            (req.random, req.client_seq, req.need_read_receipt),
            (9, 7, 1)
        );
    }
}
