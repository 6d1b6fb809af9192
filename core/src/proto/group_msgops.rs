//! Operations on a stored group message: revoke
//! (`group_open_http_svc.group_msg_recall`), modify
//! (`openim.modify_group_msg`) and delete from one's own history
//! (`group_open_http_svc.delete_group_ramble_msg_by_seq`), with the pushes
//! that tell the members (PROTOCOL.md 8.8).
//!
//! The request key names are the official SDK's (its per-command key maps
//! in `@tencentcloud/chat` 3.6.6, checked against what it sent to
//! tcchat-server in the interop suite); the reply and push shapes follow
//! the C2C ones of messages-facts.md §1 and the group push shapes of
//! groups-facts.md §4.

use serde::{Deserialize, Serialize};

use super::group_msg::MsgSeqItem;
use super::msgops::RevokerInfo;
use super::{BaseReply, MsgElem};

/// Commands of this module.
pub mod cmd {
    /// Revoke group messages by sequence.
    pub const RECALL: &str = "group_open_http_svc.group_msg_recall";
    /// Modify a group message (the official SDK sends it to `openim`).
    pub const MODIFY: &str = "openim.modify_group_msg";
    /// Hide group messages from the caller's own history.
    pub const DELETE: &str = "group_open_http_svc.delete_group_ramble_msg_by_seq";
}

/// `Event` of a `GroupMsgModNotifys` push (the C2C modify push's number;
/// the official SDK routes by the key).
pub const EVENT_GROUP_MODIFIED: u32 = 23;

/// `OpType` of the Event 5 revoke notice (ours: the official SDK selects
/// the revoke path by the `GroupWithdrawInfoArray` key, not by the number).
pub const OP_REVOKED: u32 = 23;

/// Body of `group_msg_recall`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRecallRequest {
    /// The group.
    #[serde(rename = "GroupId", default)]
    pub group_id: String,
    /// The messages, by group sequence (the official SDK sends one).
    #[serde(rename = "MsgSeqList", default)]
    pub msg_seq_list: Vec<MsgSeqItem>,
    /// Topic (issue 17); empty for ordinary groups.
    #[serde(rename = "TopicId", default, skip_serializing_if = "String::is_empty")]
    pub topic_id: String,
}

/// One item of a recall reply's `RecallRetList` (ours).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecallResult {
    /// The sequence asked for.
    #[serde(rename = "MsgSeq", default)]
    pub msg_seq: u64,
    /// 0, or why this one was not revoked.
    #[serde(rename = "RetCode", default)]
    pub ret_code: u32,
}

/// Reply to `group_msg_recall`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRecallReply {
    /// Status and error (the first refusal when every item failed).
    #[serde(flatten)]
    pub base: BaseReply,
    /// One result per sequence asked for.
    #[serde(rename = "RecallRetList", default)]
    pub recall_ret_list: Vec<RecallResult>,
}

/// One item of `GroupWithdrawInfoArray` (inside an Event 5 `GroupTips`
/// item's `MsgBody`): a revoked group message, with what the official SDK
/// builds its ID from (`TinyId-MsgClientTime-MsgRandom`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupWithdrawInfo {
    /// The group.
    #[serde(rename = "GroupId", default)]
    pub group_id: String,
    /// The sender.
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
    /// The group sequence.
    #[serde(rename = "MsgSeq", default)]
    pub msg_seq: u64,
    /// The sender's `Random`.
    #[serde(rename = "MsgRandom", default)]
    pub msg_random: u64,
    /// Server time of the message, Unix seconds.
    #[serde(rename = "MsgTimeStamp", default)]
    pub msg_time_stamp: u64,
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

/// Body of `openim.modify_group_msg`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GroupModifyRequest {
    /// The group.
    #[serde(rename = "GroupId", default)]
    pub group_id: String,
    /// Topic (issue 17); empty for ordinary groups.
    #[serde(rename = "TopicId", default, skip_serializing_if = "String::is_empty")]
    pub topic_id: String,
    /// The message's group sequence.
    #[serde(rename = "MsgSeq", default)]
    pub msg_seq: u64,
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

/// One item of `GroupMsgModNotifys`: a group message as it is now. The
/// official SDK finds the message by sender, group, random, sequence and
/// time.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GroupModNotify {
    /// The group.
    #[serde(rename = "GroupId", default)]
    pub group_id: String,
    /// Sender.
    #[serde(rename = "From_Account", default)]
    pub from_account: String,
    /// The group sequence.
    #[serde(rename = "MsgSeq", default)]
    pub msg_seq: u64,
    /// The sender's `Random`.
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

/// One element of `Seqs`: the official SDK sends each sequence as a
/// decimal string; a number is taken as well.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeqText(pub Option<u64>);

impl Serialize for SeqText {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Some(n) => s.serialize_str(&n.to_string()),
            None => s.serialize_str(""),
        }
    }
}

impl<'de> Deserialize<'de> for SeqText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Text(String),
            Number(u64),
            Other(serde::de::IgnoredAny),
        }
        Ok(SeqText(match Either::deserialize(d)? {
            Either::Text(t) => t.trim().parse().ok(),
            Either::Number(n) => Some(n),
            Either::Other(_) => None,
        }))
    }
}

/// Body of `delete_group_ramble_msg_by_seq`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupDeleteRequest {
    /// The group.
    #[serde(rename = "GroupId", default)]
    pub group_id: String,
    /// The deleting user (the caller).
    #[serde(rename = "Deleter_Account", default)]
    pub deleter_account: String,
    /// The sequences to hide (the official SDK sends at most 30).
    #[serde(rename = "Seqs", default)]
    pub seqs: Vec<SeqText>,
    /// Topic (issue 17); empty for ordinary groups.
    #[serde(rename = "TopicId", default, skip_serializing_if = "String::is_empty")]
    pub topic_id: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seqs_are_taken_as_text_or_numbers_and_sent_as_text() {
        let req: GroupDeleteRequest = serde_json::from_str(
            r#"{"GroupId":"g","Deleter_Account":"u1","Seqs":["43",44,"x",null]}"#,
        )
        .unwrap();
        assert_eq!(
            req.seqs,
            vec![
                SeqText(Some(43)),
                SeqText(Some(44)),
                SeqText(None),
                SeqText(None)
            ]
        );
        let text = serde_json::to_string(&GroupDeleteRequest {
            seqs: vec![SeqText(Some(7))],
            ..GroupDeleteRequest::default()
        })
        .unwrap();
        assert!(text.contains(r#""Seqs":["7"]"#), "{text}");
    }
}
