use serde::{Deserialize, Serialize};

use super::contact::RecentContactMod;
use super::ext::ExtensionNotify;
use super::msgops::{
    GroupReadSyncNotify, ReadSyncNotify, ReadedReceiptNotify, ReceiptMsgInfo, WithdrawNotify,
};
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
    /// Event 3: group messages.
    #[serde(
        rename = "GroupMsgArray",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub group_msg_array: Option<Vec<super::group_msg::GroupWireMessage>>,
    /// Event 4 (tips), 5 (system notices, receipt counts): `GroupTips`.
    #[serde(rename = "GroupTips", default, skip_serializing_if = "Option::is_none")]
    pub group_tips: Option<Vec<super::group_msg::GroupTip>>,
    /// Group messages modified (`GroupMsgModNotifys`, Event 23).
    #[serde(
        rename = "GroupMsgModNotifys",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub group_msg_mod_notifys: Option<Vec<super::group_msgops::GroupModNotify>>,
    /// Profiles changed (`ProfileDataMod`; relationship-facts §1): mine,
    /// from another instance, or a friend's.
    #[serde(
        rename = "ProfileDataMod",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub profile_data_mod: Option<Vec<super::sns::ProfileDataMod>>,
    /// Friend list and blacklist changes (`FriendListMod`;
    /// relationship-facts §2 and §5).
    #[serde(
        rename = "FriendListMod",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub friend_list_mod: Option<Vec<super::sns::FriendListMod>>,
    /// Users' statuses changed (`UserStatusList`; tcchat sends it as
    /// Event 32).
    #[serde(
        rename = "UserStatusList",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub user_status_list: Option<Vec<super::presence::WireUserStatus>>,
    /// Follow lists changed (`FollowListMod`, Event 35; ours).
    #[serde(
        rename = "FollowListMod",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub follow_list_mod: Option<Vec<super::follow::FollowListMod>>,
}

impl PushEvent {
    /// The `Event` number of C2C read receipts; the official SDK requires
    /// exactly this value.
    pub const READ_RECEIPT: u32 = 16;
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
    /// Another instance of mine read groups (tcchat's own key).
    #[serde(
        rename = "ReadGroupMsgNotify",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub read_group_msg_notify: Option<GroupReadSyncNotify>,
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
