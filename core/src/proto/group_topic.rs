//! Community topics (issue 17, `million_group_open_http_svc`): the bodies
//! of `get_topic`, `create_topic`, `modify_topic` and `destroy_topic`, and
//! the topic fields of tips, all verified with the official SDK
//! (PROTOCOL.md, "Community topics").

use serde::{Deserialize, Serialize};

use super::BaseReply;

/// Topic servcmds.
pub mod cmd {
    /// `getTopicList`.
    pub const GET_TOPIC: &str = "million_group_open_http_svc.get_topic";
    /// `createTopicInCommunity`.
    pub const CREATE_TOPIC: &str = "million_group_open_http_svc.create_topic";
    /// `updateTopicProfile`.
    pub const MODIFY_TOPIC: &str = "million_group_open_http_svc.modify_topic";
    /// `deleteTopicFromCommunity`.
    pub const DESTROY_TOPIC: &str = "million_group_open_http_svc.destroy_topic";
}

/// `OpType` values of topic tips and notices.
pub mod op {
    /// Event 4 tip: a topic's profile changed (`MsgTopicNewInfo`).
    pub const TOPIC_PROFILE: u32 = 8;
    /// Event 5 notice: a topic was created (`GroupInfo.TopicId`).
    pub const TOPIC_CREATED: u32 = 17;
    /// Event 5 notice: topics were deleted (`TopicIdArray`).
    pub const TOPIC_DELETED: u32 = 18;
}

/// `MillionGroupFlag` of an item that belongs to a community's topic.
pub const TOPIC_FLAG: u8 = 2;

/// The marker between a community's ID and a topic's suffix.
pub const TOPIC_MARK: &str = "@TOPIC#_";

/// The community of topic `id` (`<groupID>@TOPIC#_<suffix>`), if it is a
/// topic ID.
#[must_use]
pub fn community_of(id: &str) -> Option<&str> {
    id.find(TOPIC_MARK)
        .map(|at| &id[..at])
        .filter(|g| !g.is_empty())
}

/// Body of `get_topic`: every topic when `TopicIdList` is empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetTopicRequest {
    /// The community.
    #[serde(rename = "GroupId", default)]
    pub group_id: String,
    /// The topics wanted (empty: all).
    #[serde(rename = "TopicIdList", default)]
    pub topic_id_list: Vec<String>,
    /// The official SDK sends `["NoUnreadSeqList"]`.
    #[serde(rename = "MemberInfoFilter", default)]
    pub member_info_filter: Vec<String>,
}

/// `TopicInfo` of a `get_topic` item. `GroupID` is required: without it
/// the official SDK files the topic under no group.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicInfo {
    /// The community.
    #[serde(rename = "GroupID", default)]
    pub group_id: String,
    /// The topic.
    #[serde(rename = "TopicId", default)]
    pub topic_id: String,
    /// Name.
    #[serde(rename = "TopicName", default)]
    pub topic_name: String,
    /// Avatar URL.
    #[serde(rename = "FaceUrl", default)]
    pub face_url: String,
    /// Introduction.
    #[serde(rename = "Introduction", default)]
    pub introduction: String,
    /// Notification.
    #[serde(rename = "Notification", default)]
    pub notification: String,
    /// Custom data.
    #[serde(rename = "CustomString", default)]
    pub custom_string: String,
    /// 1: every plain member is muted.
    #[serde(rename = "ShutUpAllFlag", default)]
    pub shut_up_all_flag: u8,
    /// Time of the last message, Unix seconds.
    #[serde(rename = "LastMsgTime", default)]
    pub last_msg_time: u64,
    /// The sequence the next message gets.
    #[serde(rename = "NextMsgSeq", default)]
    pub next_msg_seq: u64,
}

/// `SelfInfo` of a `get_topic` item.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicSelfInfo {
    /// Remind type (`AcceptAndNotify`, …).
    #[serde(rename = "MsgFlag", default)]
    pub msg_flag: String,
    /// Read up to this sequence (the official SDK's `readedSequence`).
    #[serde(rename = "MsgSeq", default)]
    pub msg_seq: u64,
}

/// One item of the `get_topic` reply.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicAndSelfInfo {
    /// The topic.
    #[serde(rename = "TopicInfo", default)]
    pub topic_info: TopicInfo,
    /// The caller's own state.
    #[serde(rename = "SelfInfo", default)]
    pub self_info: TopicSelfInfo,
    /// 0, or why this topic failed (the item then names the topic in
    /// `TopicInfo.TopicId`).
    #[serde(rename = "ErrorCode", default)]
    pub error_code: i64,
    /// Text of `ErrorCode`.
    #[serde(rename = "ErrorInfo", default)]
    pub error_info: String,
}

/// Reply to `get_topic`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetTopicReply {
    /// Status.
    #[serde(flatten)]
    pub base: BaseReply,
    /// One item per topic.
    #[serde(rename = "TopicAndSelfInfo", default)]
    pub topic_and_self_info: Vec<TopicAndSelfInfo>,
}

/// Body of `create_topic` (and, with `TopicId`, of `modify_topic`): the
/// fields not given are left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicWriteRequest {
    /// The community.
    #[serde(rename = "GroupId", default)]
    pub group_id: String,
    /// The topic (create: optional wanted ID; modify: required).
    #[serde(rename = "TopicId", default, skip_serializing_if = "Option::is_none")]
    pub topic_id: Option<String>,
    /// Name.
    #[serde(rename = "TopicName", default, skip_serializing_if = "Option::is_none")]
    pub topic_name: Option<String>,
    /// Avatar URL.
    #[serde(rename = "FaceUrl", default, skip_serializing_if = "Option::is_none")]
    pub face_url: Option<String>,
    /// Introduction.
    #[serde(
        rename = "Introduction",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub introduction: Option<String>,
    /// Notification.
    #[serde(
        rename = "Notification",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub notification: Option<String>,
    /// Custom data.
    #[serde(
        rename = "CustomString",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub custom_string: Option<String>,
    /// Modify: `"On"` or `"Off"` (mute every plain member).
    #[serde(
        rename = "ShutUpAllMember",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub shut_up_all_member: Option<String>,
}

/// Reply to `create_topic`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateTopicReply {
    /// Status.
    #[serde(flatten)]
    pub base: BaseReply,
    /// The new topic's ID.
    #[serde(rename = "TopicId", default)]
    pub topic_id: String,
}

/// Body of `destroy_topic`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DestroyTopicRequest {
    /// The community.
    #[serde(rename = "GroupId", default)]
    pub group_id: String,
    /// The topics to delete.
    #[serde(rename = "TopicIdList", default)]
    pub topic_id_list: Vec<String>,
}

/// One item of the `destroy_topic` reply.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DestroyResultItem {
    /// The topic.
    #[serde(rename = "TopicId", default)]
    pub topic_id: String,
    /// 0 when deleted.
    #[serde(rename = "ErrorCode", default)]
    pub error_code: i64,
    /// Text of `ErrorCode`.
    #[serde(rename = "ErrorInfo", default)]
    pub error_info: String,
}

/// Reply to `destroy_topic`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DestroyTopicReply {
    /// Status.
    #[serde(flatten)]
    pub base: BaseReply,
    /// One item per asked topic.
    #[serde(rename = "DestroyResultItem", default)]
    pub destroy_result_item: Vec<DestroyResultItem>,
}

/// `MsgTopicNewInfo` of a tip 8: only the changed fields are present.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicNewInfo {
    /// New name.
    #[serde(rename = "TopicName", default, skip_serializing_if = "Option::is_none")]
    pub topic_name: Option<String>,
    /// New introduction.
    #[serde(
        rename = "TopicIntroduction",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub topic_introduction: Option<String>,
    /// New notification.
    #[serde(
        rename = "TopicNotification",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub topic_notification: Option<String>,
    /// New avatar.
    #[serde(
        rename = "TopicFaceUrl",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub topic_face_url: Option<String>,
    /// New mute-all state (1 on, 0 off).
    #[serde(rename = "ShutupAll", default, skip_serializing_if = "Option::is_none")]
    pub shutup_all: Option<u8>,
    /// New custom data.
    #[serde(
        rename = "CustomString",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub custom_string: Option<String>,
}
