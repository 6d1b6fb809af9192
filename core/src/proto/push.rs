use serde::{Deserialize, Serialize};

use super::contact::RecentContactMod;
use super::ext::ExtensionNotify;
use super::msgops::{ReadSyncNotify, ReadedReceiptNotify, ReceiptMsgInfo, WithdrawNotify};
use super::{MsgElem, WireMessage};

/// Body of the `im_open_push.msg_push` (and `stat_forceoffline`) push.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MsgPush {
    /// The events of this push.
    #[serde(rename = "EventArray", default)]
    pub event_array: Vec<PushEvent>,
    /// 1 when the client must answer with `openim.ws_msg_push_ack`.
    #[serde(rename = "NeedAck", default, skip_serializing_if = "is_zero")]
    pub need_ack: u8,
    /// Opaque; echoed in the ack.
    #[serde(
        rename = "SessionData",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub session_data: String,
}

/// One item of `EventArray`. The handler is chosen by which array is present.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PushEvent {
    /// Event number (1 for new messages, 9 for notifies).
    #[serde(rename = "Event", default)]
    pub event: u32,
    /// New C2C messages.
    #[serde(
        rename = "C2cMsgArray",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub c2c_msg_array: Option<Vec<WireMessage>>,
    /// Notifies (kick-out, revoke, read receipt, …).
    #[serde(
        rename = "C2cNotifyMsgArray",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub c2c_notify_msg_array: Option<Vec<NotifyItem>>,
    /// Event 23: messages modified.
    #[serde(
        rename = "C2cMsgModNotifys",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub c2c_msg_mod_notifys: Option<Vec<ModNotify>>,
    /// Event 22: extensions of a message changed.
    #[serde(
        rename = "MsgExtensionNotify",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub msg_extension_notify: Option<ExtensionNotify>,
    /// Event 11: conversation changes made on another instance.
    #[serde(
        rename = "RecentContactMod",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub recent_contact_mod: Option<Vec<RecentContactMod>>,
    /// Event 16 (C2C read receipts): the reader. The official SDK reads
    /// `UserId` (not `UserID`).
    #[serde(rename = "UserId", default, skip_serializing_if = "String::is_empty")]
    pub user_id: String,
    /// Event 16: when the reader read them, Unix seconds.
    #[serde(rename = "PeerReadTime", default, skip_serializing_if = "is_zero_u64")]
    pub peer_read_time: u64,
    /// Event 16: the messages read.
    #[serde(
        rename = "C2cMsgInfo",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub c2c_msg_info: Option<Vec<ReceiptMsgInfo>>,
    /// Event 3: new group messages (any `Event` value; the key decides).
    #[serde(
        rename = "GroupMsgArray",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub group_msg_array: Option<Vec<GroupMsgItem>>,
    /// Event 4: group tips; Event 5: group system notices and group read
    /// receipts; Event 6: online-only tips (issue 17). Any other `Event`
    /// with this key is dropped, as the official SDK does.
    #[serde(rename = "GroupTips", default, skip_serializing_if = "Option::is_none")]
    pub group_tips: Option<Vec<GroupTipItem>>,
}

impl PushEvent {
    /// The `Event` number of C2C read receipts; the official SDK requires
    /// exactly this value.
    pub const READ_RECEIPT: u32 = 16;
    /// The `Event` of a `GroupMsgArray` item (the official SDK routes by the
    /// key and accepts any value).
    pub const GROUP_MESSAGES: u32 = 3;
    /// The `Event` of `GroupTips` items that are group tips
    /// (`TIMGroupTipElem` in `GROUP<id>`).
    pub const GROUP_TIPS: u32 = 4;
    /// The `Event` of `GroupTips` items that are group system notices
    /// (`TIMGroupSystemNoticeElem` in `@TIM#SYSTEM`) or group read receipts
    /// (`GroupMsgReceiptList`).
    pub const GROUP_NOTICES: u32 = 5;
}

/// `GroupInfo` of a group push item: the group, and for messages the
/// sender's nick, avatar and name card.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupPushInfo {
    /// The group; the official SDK drops a message whose group it does not
    /// hold by this key.
    #[serde(rename = "GroupId", default)]
    pub group_id: String,
    /// The group's type (`Public`, `Private`, …).
    #[serde(
        rename = "GroupType",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub group_type: String,
    /// The group's name.
    #[serde(
        rename = "GroupName",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub group_name: String,
    /// The sender's nick (messages).
    #[serde(
        rename = "From_AccountNick",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub from_account_nick: String,
    /// The sender's avatar URL (messages).
    #[serde(
        rename = "From_AccountHeadurl",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub from_account_headurl: String,
    /// The sender's name card (messages).
    #[serde(
        rename = "MsgFrom_AccountExtraInfo",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub msg_from_account_extra_info: Option<GroupSenderExtra>,
}

/// `GroupInfo.MsgFrom_AccountExtraInfo`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupSenderExtra {
    /// The sender's name card in the group.
    #[serde(rename = "NameCard", default)]
    pub name_card: String,
}

/// One item of `GroupMsgArray`: a group message as the server pushes it
/// (docs/design/GROUPS_WIRE.md §2.2).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GroupMsgItem {
    /// Sender.
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
    /// The group: the message's `to` and conversation `GROUP<id>`.
    #[serde(rename = "ToGroupId", default)]
    pub to_group_id: String,
    /// The group's sequence of this message.
    #[serde(rename = "MsgSeq", default)]
    pub msg_seq: u64,
    /// The message's random, part of its ID.
    #[serde(rename = "MsgRandom", default)]
    pub msg_random: u64,
    /// Server time, Unix seconds.
    #[serde(rename = "MsgTimeStamp", default)]
    pub msg_time_stamp: u64,
    /// Sender's client time, Unix seconds, part of its ID.
    #[serde(rename = "MsgClientTime", default)]
    pub msg_client_time: u64,
    /// The sender's own counter (`clientSequence`).
    #[serde(rename = "ClientSeq", default, skip_serializing_if = "is_zero_u64")]
    pub client_seq: u64,
    /// Sender's tiny ID, part of the message ID.
    #[serde(rename = "TinyId", default)]
    pub tiny_id: String,
    /// Server key of the message.
    #[serde(rename = "MsgKey", default, skip_serializing_if = "String::is_empty")]
    pub msg_key: String,
    /// The group and the sender's nick, avatar and name card.
    #[serde(rename = "GroupInfo", default)]
    pub group_info: GroupPushInfo,
    /// The elements (an array, as for C2C).
    #[serde(rename = "MsgBody", default)]
    pub msg_body: Vec<MsgElem>,
    /// Opaque custom data.
    #[serde(
        rename = "CloudCustomData",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub cloud_custom_data: String,
    /// 1 when the sender asked for read receipts.
    #[serde(rename = "IsNeedReadReceipt", default, skip_serializing_if = "is_zero")]
    pub is_need_read_receipt: u8,
    /// The @-mentions (`GroupAtInfo` items; their shape is not observed,
    /// so they are kept raw).
    #[serde(rename = "GroupAtInfo", default, skip_serializing_if = "Vec::is_empty")]
    pub group_at_info: Vec<serde_json::Value>,
}

/// One item of `GroupTips`: a tip (Event 4), a system notice or receipt
/// list (Event 5). Unlike `GroupMsgArray`, `MsgBody` is an object
/// (docs/design/GROUPS_WIRE.md §2.3–2.5).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GroupTipItem {
    /// The operator for a tip; `@TIM#SYSTEM` for a notice.
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
    /// The group.
    #[serde(rename = "ToGroupId", default)]
    pub to_group_id: String,
    /// A tip's group sequence (tips share the messages' sequence); a
    /// notice's number (0 for receipts).
    #[serde(rename = "MsgSeq", default)]
    pub msg_seq: u64,
    /// Random, part of the ID.
    #[serde(rename = "MsgRandom", default)]
    pub msg_random: u64,
    /// Server time, Unix seconds.
    #[serde(rename = "MsgTimeStamp", default)]
    pub msg_time_stamp: u64,
    /// Client time, Unix seconds, part of the ID.
    #[serde(rename = "MsgClientTime", default)]
    pub msg_client_time: u64,
    /// The operator's tiny ID (absent on notices).
    #[serde(rename = "TinyId", default, skip_serializing_if = "String::is_empty")]
    pub tiny_id: String,
    /// The group.
    #[serde(rename = "GroupInfo", default)]
    pub group_info: GroupPushInfo,
    /// What happened.
    #[serde(rename = "MsgBody", default)]
    pub msg_body: GroupTipBody,
}

/// `MsgBody` of a `GroupTips` item.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GroupTipBody {
    /// The tip's or notice's operation type.
    #[serde(rename = "OpType", default)]
    pub op_type: u32,
    /// Who made the change.
    #[serde(rename = "Operator_Account", default)]
    pub operator_account: String,
    /// The members a tip is about.
    #[serde(
        rename = "List_Account",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub list_account: Vec<String>,
    /// The member count after the change.
    #[serde(rename = "MemberNum", default, skip_serializing_if = "is_zero_u64")]
    pub member_num: u64,
    /// The operator's nick.
    #[serde(
        rename = "MsgOperatorMemberExtraInfo",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub msg_operator_member_extra_info: Option<GroupTipNick>,
    /// The members' nicks and avatars.
    #[serde(
        rename = "MsgMemberExtraInfo",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub msg_member_extra_info: Vec<GroupTipMemberInfo>,
    /// A notice's remark (`handleMessage`).
    #[serde(
        rename = "RemarkInfo",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub remark_info: String,
    /// Event 5 receipts: the new totals per message.
    #[serde(
        rename = "GroupMsgReceiptList",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub group_msg_receipt_list: Option<Vec<GroupReceiptItem>>,
}

/// `MsgOperatorMemberExtraInfo`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupTipNick {
    /// Nick.
    #[serde(rename = "NickName", default)]
    pub nick_name: String,
}

/// One of `MsgMemberExtraInfo`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupTipMemberInfo {
    /// The member.
    #[serde(rename = "User_Account", default)]
    pub user_account: String,
    /// Nick.
    #[serde(rename = "NickName", default)]
    pub nick_name: String,
    /// Avatar URL.
    #[serde(rename = "ImageUrl", default)]
    pub image_url: String,
}

/// One of `GroupMsgReceiptList`: a message (by its ID parts) and its read
/// and unread member totals.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupReceiptItem {
    /// The sender's tiny ID.
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
    /// Members who did not.
    #[serde(rename = "UnreadNum", default)]
    pub unread_num: u64,
}

/// One item of `C2cMsgModNotifys`: the message as it is now.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModNotify {
    /// Sender.
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
    /// Receiver.
    #[serde(rename = "To_Account", default)]
    pub to_account: String,
    /// The sender's `MsgSeq`.
    #[serde(rename = "MsgSeq", default)]
    pub msg_seq: u64,
    /// The sender's `MsgRandom`.
    #[serde(rename = "MsgRandom", default)]
    pub msg_random: u64,
    /// Server time, Unix seconds.
    #[serde(rename = "MsgTimeStamp", default)]
    pub msg_time_stamp: u64,
    /// Sender's client time.
    #[serde(rename = "MsgClientTime", default)]
    pub msg_client_time: u64,
    /// Sender's tiny ID.
    #[serde(rename = "TinyId", default)]
    pub tiny_id: String,
    /// Server key.
    #[serde(rename = "MsgKey", default)]
    pub msg_key: String,
    /// The new elements.
    #[serde(rename = "MsgBody", default)]
    pub msg_body: Vec<MsgElem>,
    /// The new custom data.
    #[serde(rename = "CloudCustomData", default)]
    pub cloud_custom_data: String,
    /// The new version (applied only when above the local one).
    #[serde(rename = "MsgVersion", default)]
    pub msg_version: u64,
}

/// One item of `C2cNotifyMsgArray`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotifyItem {
    /// Present when this notify is a kick-out.
    #[serde(
        rename = "KickoutMsgNotify",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub kickout_msg_notify: Option<KickoutNotify>,
    /// Messages revoked.
    #[serde(
        rename = "WithdrawC2cMsgNotify",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub withdraw_c2c_msg_notify: Option<WithdrawNotify>,
    /// The peer read my messages (MESSAGE_READ_BY_PEER).
    #[serde(
        rename = "C2cReadedReceipt",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub c2c_readed_receipt: Option<ReadedReceiptNotify>,
    /// Another instance of mine read a conversation.
    #[serde(
        rename = "ReadC2cMsgNotify",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub read_c2c_msg_notify: Option<ReadSyncNotify>,
}

/// `KickoutMsgNotify`: 1 multipleAccount, 2 multipleDevice, 3 REST_API_Kick.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KickoutNotify {
    /// The kick type.
    #[serde(rename = "KickType", default)]
    pub kick_type: u32,
    /// Information on the instance that caused the kick (may be empty).
    #[serde(rename = "NewInstInfo", default)]
    pub new_inst_info: serde_json::Map<String, serde_json::Value>,
}

/// Body of `openim.ws_msg_push_ack`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushAck {
    /// The push's `SessionData`, echoed.
    #[serde(rename = "SessionData", default)]
    pub session_data: String,
}

fn is_zero(v: &u8) -> bool {
    *v == 0
}

fn is_zero_u64(v: &u64) -> bool {
    *v == 0
}
