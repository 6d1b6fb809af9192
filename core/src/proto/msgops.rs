//! Bodies of the C2C message operations: revoke (`openim.msgwithdraw`),
//! modify (`openim.modify_c2c_msg`), delete
//! (`openim.delete_c2c_msg_ramble`), read report (`openim.msgreaded`), read
//! receipts (`openim.c2c_msg_read_receipt`), history
//! (`openim.getroammsg`) and peer read time (`openim.get_peer_read_time`).
//! Field names are the official SDK's (messages-facts.md §1–2).

use serde::{Deserialize, Serialize};

use super::{BaseReply, MsgElem, WireMessage};

/// Identifies one C2C message on the wire, as revoke and the notifies
/// carry it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MsgRef {
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
    /// Server time of the message, Unix seconds.
    #[serde(rename = "MsgTimeStamp", default)]
    pub msg_time_stamp: u64,
}

/// Body of `openim.msgwithdraw`: `{MsgInfo}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithdrawRequest {
    /// The message to revoke.
    #[serde(rename = "MsgInfo", default)]
    pub msg_info: MsgRef,
}

/// Who revoked a message, and why.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevokerInfo {
    /// The revoking user.
    #[serde(rename = "Revoker_Account", default)]
    pub revoker_account: String,
    /// The reason given (may be empty).
    #[serde(rename = "Reason", default)]
    pub reason: String,
}

/// One item of `WithdrawC2cMsgNotify.C2cWithdrawInfoArray`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithdrawInfo {
    /// The revoked message.
    #[serde(flatten)]
    pub msg: MsgRef,
    /// Sender's client time (part of the message ID).
    #[serde(rename = "MsgClientTime", default)]
    pub msg_client_time: u64,
    /// Sender's tiny ID (part of the message ID).
    #[serde(rename = "TinyId", default)]
    pub tiny_id: String,
    /// Who revoked it.
    #[serde(rename = "RevokerInfo", default)]
    pub revoker_info: RevokerInfo,
}

/// `WithdrawC2cMsgNotify`: messages revoked (pushed to the peer and to the
/// revoker's other instances).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithdrawNotify {
    /// The revoked messages.
    #[serde(rename = "C2cWithdrawInfoArray", default)]
    pub c2c_withdraw_info_array: Vec<WithdrawInfo>,
}

/// Body of `openim.modify_c2c_msg`, and the item of `C2cMsgModNotifys`
/// (which also carries `MsgClientTime`, `TinyId` and `MsgKey`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModifyRequest {
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
    /// Server time of the message, Unix seconds.
    #[serde(rename = "MsgTime", default)]
    pub msg_time: u64,
    /// The version the client expects to replace.
    #[serde(rename = "MsgVersion", default)]
    pub msg_version: u64,
    /// The new elements.
    #[serde(rename = "MsgBody", default)]
    pub msg_body: Vec<MsgElem>,
    /// The new custom data.
    #[serde(rename = "CloudCustomData", default)]
    pub cloud_custom_data: String,
}

/// Reply to `openim.modify_c2c_msg`: the message as the server now holds
/// it. On a version conflict (ErrorCode 20027) the same fields carry the
/// server's current version.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModifyReply {
    /// Status and error.
    #[serde(flatten)]
    pub base: BaseReply,
    /// The elements now stored.
    #[serde(rename = "MsgBody", default)]
    pub msg_body: Vec<MsgElem>,
    /// The version now stored.
    #[serde(rename = "MsgVersion", default)]
    pub msg_version: u64,
    /// The custom data now stored.
    #[serde(rename = "CloudCustomData", default)]
    pub cloud_custom_data: String,
}

/// Body of `openim.delete_c2c_msg_ramble`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteMsgRequest {
    /// The deleting user.
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
    /// The conversation's peer.
    #[serde(rename = "To_Account", default)]
    pub to_account: String,
    /// `<sequence>_<random>_<time>` of each message.
    #[serde(rename = "MsgKeyList", default)]
    pub msg_key_list: Vec<String>,
}

/// Body of `openim.msgreaded`: `{C2CMsgReaded: {Cookie, C2CMsgReadedItem}}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MsgReadedRequest {
    /// The read report.
    #[serde(rename = "C2CMsgReaded", default)]
    pub c2c_msg_readed: C2cMsgReaded,
}

/// `C2CMsgReaded`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct C2cMsgReaded {
    /// Empty.
    #[serde(rename = "Cookie", default)]
    pub cookie: String,
    /// One item per conversation read.
    #[serde(rename = "C2CMsgReadedItem", default)]
    pub c2c_msg_readed_item: Vec<C2cMsgReadedItem>,
}

/// One conversation read up to a time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct C2cMsgReadedItem {
    /// The peer whose messages were read.
    #[serde(rename = "To_Account", default)]
    pub to_account: String,
    /// Read up to this server time, Unix seconds (the SDK's spelling).
    #[serde(rename = "LastedMsgTime", default)]
    pub lasted_msg_time: u64,
    /// 1: tell the peer (MESSAGE_READ_BY_PEER).
    #[serde(rename = "Receipt", default)]
    pub receipt: u8,
}

/// One entry of `UinPairReadArray`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UinPairRead {
    /// In `ReadC2cMsgNotify`: the peer of the conversation that was read.
    #[serde(
        rename = "From_Account",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub from_account: String,
    /// Read up to this server time, Unix seconds.
    #[serde(rename = "LastReadTime", default)]
    pub last_read_time: u64,
}

/// `C2cReadedReceipt`: the peer `To_Account` read my messages (pushed to
/// the writer: MESSAGE_READ_BY_PEER).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadedReceiptNotify {
    /// The reader.
    #[serde(rename = "To_Account", default)]
    pub to_account: String,
    /// Read times.
    #[serde(rename = "UinPairReadArray", default)]
    pub uin_pair_read_array: Vec<UinPairRead>,
}

/// `ReadC2cMsgNotify`: another instance of mine read a conversation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadSyncNotify {
    /// Read times, with the conversation's peer in `From_Account`.
    #[serde(rename = "UinPairReadArray", default)]
    pub uin_pair_read_array: Vec<UinPairRead>,
}

/// One group of [`GroupReadSyncNotify`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupReadItem {
    /// The group.
    #[serde(rename = "GroupId", default)]
    pub group_id: String,
    /// The user read the group up to this sequence.
    #[serde(rename = "MsgReadedSeq", default)]
    pub msg_readed_seq: u64,
    /// The group's next sequence when the read was stored: the count below
    /// covers every sequence before it.
    #[serde(rename = "GroupNextMsgSeq", default)]
    pub group_next_msg_seq: u64,
    /// Messages and tips from others still unread then (after
    /// `MsgReadedSeq`, inside the membership).
    #[serde(rename = "UnreadMsgCount", default)]
    pub unread_msg_count: u64,
}

/// `ReadGroupMsgNotify` (tcchat's own, PROTOCOL.md 8.6): another instance
/// of mine read groups (`msg_read_report`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupReadSyncNotify {
    /// The groups read.
    #[serde(rename = "GroupReadArray", default)]
    pub group_read_array: Vec<GroupReadItem>,
}

/// One message of a C2C read receipt (request and Event 16 push).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptMsgInfo {
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
    #[serde(rename = "MsgTime", default)]
    pub msg_time: u64,
    /// Sender's client time.
    #[serde(rename = "MsgClientTime", default)]
    pub msg_client_time: u64,
    /// Sender's tiny ID (required in the push).
    #[serde(rename = "TinyId", default, skip_serializing_if = "String::is_empty")]
    pub tiny_id: String,
}

/// Body of `openim.c2c_msg_read_receipt`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadReceiptRequest {
    /// The sender of the messages (who gets the receipt).
    #[serde(rename = "Peer_Account", default)]
    pub peer_account: String,
    /// The messages read.
    #[serde(rename = "C2CMsgInfo", default)]
    pub c2c_msg_info: Vec<ReceiptMsgInfo>,
}

/// Body of `openim.getroammsg`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoamRequest {
    /// The conversation's peer.
    #[serde(rename = "Peer_Account", default)]
    pub peer_account: String,
    /// Page size.
    #[serde(rename = "MaxCnt", default)]
    pub max_cnt: u32,
    /// Cursor: 0 for the newest page, then the previous reply's value.
    #[serde(rename = "LastMsgTime", default)]
    pub last_msg_time: u64,
    /// Cursor: empty for the newest page, then the previous reply's value.
    #[serde(rename = "MsgKey", default)]
    pub msg_key: String,
    /// 1: include revoked messages (flagged).
    #[serde(rename = "WithRecalledMsg", default)]
    pub with_recalled_msg: u8,
    /// 0: older messages.
    #[serde(rename = "GetDirection", default)]
    pub get_direction: u8,
}

/// Reply to `openim.getroammsg`: one page, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RoamReply {
    /// Status and error.
    #[serde(flatten)]
    pub base: BaseReply,
    /// 1 when there is nothing older.
    #[serde(rename = "Complete", default)]
    pub complete: u8,
    /// The page, oldest first.
    #[serde(rename = "MsgList", default)]
    pub msg_list: Vec<WireMessage>,
    /// Cursor for the next (older) page.
    #[serde(rename = "MsgKey", default)]
    pub msg_key: String,
    /// Cursor for the next (older) page.
    #[serde(rename = "LastMsgTime", default)]
    pub last_msg_time: u64,
}

/// Body of `openim.get_peer_read_time`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerReadTimeRequest {
    /// The peers.
    #[serde(rename = "To_Account", default)]
    pub to_account: Vec<String>,
}

/// Reply to `openim.get_peer_read_time`: one time per requested peer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerReadTimeReply {
    /// Status and error.
    #[serde(flatten)]
    pub base: BaseReply,
    /// Read time of each peer, Unix seconds (0: never read).
    #[serde(rename = "ReadTime", default)]
    pub read_time: Vec<u64>,
}
