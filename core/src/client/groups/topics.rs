//! Communities and their topics (issue 17, docs/GROUPS.md "Communities and
//! topics"): `getJoinedCommunityList`, `createTopicInCommunity`,
//! `deleteTopicFromCommunity`, `updateTopicProfile`, `getTopicList`, and
//! TOPIC_CREATED, TOPIC_DELETED and TOPIC_UPDATED. The servcmds are the
//! official SDK's on `million_group_open_http_svc`, verified with it
//! (PROTOCOL.md 8.15).
//!
//! A topic's messages are in the conversation `GROUP<topicID>`: pushes
//! name the topic in `GroupInfo.TopicId`, and the group requests of such a
//! conversation (send, history, read report) carry the community in
//! `GroupId` and the topic in `TopicId` ([`split_topic`]). Topics read by
//! `getTopicList` are held so that a profile tip (Event 4, `OpType` 8)
//! can fire TOPIC_UPDATED with the whole topic, as the official SDK does
//! only for topics it knows.

use std::collections::BTreeMap;
use std::time::Instant;

use super::super::conv_api::parse_reply;
use super::super::request::{Call, RequestId};
use super::super::Client;
use crate::error::{ChatError, ErrorCode};
use crate::event::Event;
use crate::model::{Group, Topic, TopicDeleteResult, TopicFailure, TopicListResult, TopicSelfInfo};
use crate::proto::group::{
    cmd as group_cmd, GetJoinedGroupListReply, GetJoinedGroupListRequest, ResponseFilter,
};
use crate::proto::group_msg::GroupTip;
use crate::proto::group_topic::{
    cmd, community_of, op, CreateTopicReply, DestroyTopicReply, DestroyTopicRequest, GetTopicReply,
    GetTopicRequest, TopicAndSelfInfo, TopicNewInfo, TopicWriteRequest, TOPIC_FLAG, TOPIC_MARK,
};
use crate::proto::BaseReply;
use crate::types::GroupRemindType;
use crate::wire::Frame;

/// The `GroupId` and `TopicId` of a group request for `id`, a group ID or
/// a topic ID (`<groupID>@TOPIC#_<suffix>`): the community and the topic
/// for a topic, `(id, "")` otherwise.
pub(crate) fn split_topic(id: &str) -> (String, String) {
    match community_of(id) {
        Some(group) => (group.to_owned(), id.to_owned()),
        None => (id.to_owned(), String::new()),
    }
}

/// Topics held, by topic ID, each with its community.
#[derive(Debug, Default)]
pub(super) struct HeldTopics(BTreeMap<String, (String, Topic)>);

impl HeldTopics {
    /// Topics held at most (a community holds 100 on the reference
    /// server); past this a new topic is not held.
    const MAX: usize = 10_000;

    fn put(&mut self, group: &str, topic: Topic) {
        if self.0.len() < Self::MAX || self.0.contains_key(&topic.topic_id) {
            self.0
                .insert(topic.topic_id.clone(), (group.to_owned(), topic));
        }
    }
}

/// What `createTopicInCommunity` sets on the new topic.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CreateTopicOptions {
    /// A wanted ID, `<groupID>@TOPIC#_<suffix>` (the server makes one when
    /// `None`).
    pub topic_id: Option<String>,
    /// Name (required, 1 to 150 bytes on the reference server).
    pub topic_name: String,
    /// Avatar URL.
    pub avatar: Option<String>,
    /// Introduction.
    pub introduction: Option<String>,
    /// Notification.
    pub notification: Option<String>,
    /// Custom data.
    pub custom_data: Option<String>,
}

/// What `updateTopicProfile` changes: the fields given (`None` keeps a
/// field as it is).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpdateTopicOptions {
    /// The topic.
    pub topic_id: String,
    /// New name.
    pub topic_name: Option<String>,
    /// New avatar URL.
    pub avatar: Option<String>,
    /// New introduction.
    pub introduction: Option<String>,
    /// New notification.
    pub notification: Option<String>,
    /// New custom data.
    pub custom_data: Option<String>,
    /// Mute (or unmute) every plain member in the topic.
    pub mute_all_members: Option<bool>,
}

/// The topic an item of `get_topic` describes.
fn topic_of(item: &TopicAndSelfInfo) -> Topic {
    let info = &item.topic_info;
    let read = item.self_info.msg_seq;
    Topic {
        topic_id: info.topic_id.clone(),
        topic_name: info.topic_name.clone(),
        avatar: info.face_url.clone(),
        introduction: info.introduction.clone(),
        notification: info.notification.clone(),
        custom_data: info.custom_string.clone(),
        mute_all_members: info.shut_up_all_flag == 1,
        next_message_seq: info.next_msg_seq,
        unread_count: info.next_msg_seq.saturating_sub(1).saturating_sub(read),
        self_info: TopicSelfInfo {
            message_remind_type: GroupRemindType::from_official(&item.self_info.msg_flag)
                .unwrap_or(GroupRemindType::AcceptAndNotify),
            readed_sequence: read,
        },
    }
}

/// Apply the changed fields of a tip 8 to `t`.
fn apply_new_info(t: &mut Topic, new: &TopicNewInfo) {
    if let Some(v) = &new.topic_name {
        t.topic_name.clone_from(v);
    }
    if let Some(v) = &new.topic_introduction {
        t.introduction.clone_from(v);
    }
    if let Some(v) = &new.topic_notification {
        t.notification.clone_from(v);
    }
    if let Some(v) = &new.topic_face_url {
        t.avatar.clone_from(v);
    }
    if let Some(v) = &new.custom_string {
        t.custom_data.clone_from(v);
    }
    if let Some(v) = new.shutup_all {
        t.mute_all_members = v == 1;
    }
}

impl Client {
    /// `getJoinedCommunityList()`: the communities (groups of type
    /// `Community`, which support topics) this user belongs to, from the
    /// server's `million_group` list. They are not added to the group list
    /// (`getGroupList` shows the other types).
    ///
    /// Errors: 2024/3000/3005 when not ready.
    pub fn get_joined_community_list(
        &mut self,
        now: Instant,
    ) -> Result<RequestId<Vec<Group>>, ChatError> {
        self.require_ready("getJoinedCommunityList")?;
        self.check_capacity()?;
        let body = GetJoinedGroupListRequest {
            member_account: self.current_user(),
            limit: 200,
            offset: 0,
            response_filter: ResponseFilter {
                group_base_info_filter: super::list::BASE_FILTER
                    .iter()
                    .map(|s| (*s).to_owned())
                    .collect(),
                self_info_filter: ["Role", "JoinTime", "MsgSeq", "MsgFlag"]
                    .iter()
                    .map(|s| (*s).to_owned())
                    .collect(),
                member_info_filter: Vec::new(),
            },
            support_topic: 1,
            need_app_define_data: 1,
        };
        Ok(
            self.enqueue_command(now, group_cmd::GET_JOINED_LIST_MILLION, &body, |id| {
                Call::query(id, |client: &mut Client, _, id, status, frame: &Frame| {
                    let me = client.current_user();
                    let outcome = parse_reply::<GetJoinedGroupListReply>(status, frame).map(|r| {
                        r.group_id_list
                            .iter()
                            .filter_map(|item| Group::from_item(item, &me))
                            .collect()
                    });
                    client.complete(id, outcome);
                })
            }),
        )
    }

    /// The community and topic checks of the topic APIs: 2602 for a bad
    /// group ID, 3021 for a topic ID not of `group_id`.
    fn check_topic_ids(
        &mut self,
        api: &str,
        group_id: &str,
        topic_ids: &[&str],
    ) -> Result<(), ChatError> {
        self.require_ready(api)?;
        self.check_group_id(api, group_id)?;
        for t in topic_ids {
            if community_of(t) != Some(group_id)
                || t.len() == group_id.len() + TOPIC_MARK.len()
                || t.len() > Self::MAX_USER_ID_BYTES
            {
                return Err(self.api_error(
                    ErrorCode::ILLEGAL_TOPIC_ID,
                    format!(
                        "{api}: a topic ID of this community is {group_id}{TOPIC_MARK}<suffix>"
                    ),
                ));
            }
        }
        Ok(())
    }

    /// `createTopicInCommunity({groupID, topicName, topicID, avatar,
    /// introduction, notification, customData})`: a new topic in the
    /// community; resolves with its ID. TOPIC_CREATED then fires on every
    /// member's instances (this one's too).
    ///
    /// Errors: 2602 bad group ID, 3021 a wanted topic ID not of this
    /// community, 2905 no name; the server's 10007 not the owner or an
    /// admin (or not a member), 10010 no such community, 10021 the topic
    /// ID is taken, 10004 a field too long or 100 topics already.
    pub fn create_topic_in_community(
        &mut self,
        now: Instant,
        group_id: &str,
        options: &CreateTopicOptions,
    ) -> Result<RequestId<String>, ChatError> {
        const API: &str = "createTopicInCommunity";
        let wanted: Vec<&str> = options.topic_id.iter().map(String::as_str).collect();
        self.check_topic_ids(API, group_id, &wanted)?;
        if options.topic_name.is_empty() {
            return Err(self.api_error(
                ErrorCode::INVALID_OPERATION,
                format!("{API}: topicName is required"),
            ));
        }
        self.check_capacity()?;
        let body = TopicWriteRequest {
            group_id: group_id.to_owned(),
            topic_id: options.topic_id.clone(),
            topic_name: Some(options.topic_name.clone()),
            face_url: options.avatar.clone(),
            introduction: options.introduction.clone(),
            notification: options.notification.clone(),
            custom_string: options.custom_data.clone(),
            shut_up_all_member: None,
        };
        Ok(self.enqueue_command(now, cmd::CREATE_TOPIC, &body, |id| {
            Call::change(id, |client: &mut Client, _, id, status, frame: &Frame| {
                let outcome = parse_reply::<CreateTopicReply>(status, frame).and_then(|r| {
                    if r.topic_id.is_empty() {
                        Err(ChatError::new(
                            ErrorCode::UNCAUGHT_ERROR,
                            "the create_topic reply has no TopicId",
                        ))
                    } else {
                        Ok(r.topic_id)
                    }
                });
                client.complete(id, outcome);
            })
        }))
    }

    /// `deleteTopicFromCommunity({groupID, topicIDList})`: delete topics;
    /// resolves with those deleted and those not (with the server's code,
    /// 10010 for no such topic). TOPIC_DELETED then fires on the other
    /// members' instances and this user's other instances.
    ///
    /// Errors: 2602 bad group ID, 3021 a topic ID not of this community,
    /// 2905 an empty list; the server's 10007 not the owner or an admin,
    /// 10010 no such community.
    pub fn delete_topic_from_community(
        &mut self,
        now: Instant,
        group_id: &str,
        topic_ids: &[String],
    ) -> Result<RequestId<TopicDeleteResult>, ChatError> {
        const API: &str = "deleteTopicFromCommunity";
        let ids: Vec<&str> = topic_ids.iter().map(String::as_str).collect();
        self.check_topic_ids(API, group_id, &ids)?;
        if topic_ids.is_empty() || topic_ids.len() > Self::MAX_TOPICS_PER_CALL {
            return Err(self.api_error(
                ErrorCode::INVALID_OPERATION,
                format!(
                    "{API}: 1 to {} topic IDs per call",
                    Self::MAX_TOPICS_PER_CALL
                ),
            ));
        }
        self.check_capacity()?;
        let body = DestroyTopicRequest {
            group_id: group_id.to_owned(),
            topic_id_list: topic_ids.to_vec(),
        };
        Ok(self.enqueue_command(now, cmd::DESTROY_TOPIC, &body, |id| {
            Call::change(id, |client: &mut Client, _, id, status, frame: &Frame| {
                let outcome = parse_reply::<DestroyTopicReply>(status, frame).map(|r| {
                    let mut result = TopicDeleteResult::default();
                    for item in r.destroy_result_item {
                        if item.error_code == 0 {
                            client.groups.topics.0.remove(&item.topic_id);
                            result.success_topic_list.push(item.topic_id);
                        } else {
                            result.failure_topic_list.push(TopicFailure {
                                topic_id: item.topic_id,
                                code: u32::try_from(item.error_code).unwrap_or(u32::MAX),
                                message: item.error_info,
                            });
                        }
                    }
                    result
                });
                client.complete(id, outcome);
            })
        }))
    }

    /// Topic IDs one `deleteTopicFromCommunity` or `getTopicList` names at
    /// most (the reference server's per-request bound).
    pub const MAX_TOPICS_PER_CALL: usize = 100;

    /// `updateTopicProfile({groupID, topicID, topicName, avatar,
    /// introduction, notification, customData, muteAllMembers})`: change
    /// the fields given; resolves with the topic as it is now here (the
    /// held topic, from `getTopicList`, with the changes). The other
    /// members' instances get a tip in `GROUP<topicID>` and TOPIC_UPDATED.
    ///
    /// Errors: 2602 bad group ID, 3021 a topic ID not of this community;
    /// the server's 10007 not the owner or an admin, 10010 no such
    /// community or topic, 10004 a field too long.
    pub fn update_topic_profile(
        &mut self,
        now: Instant,
        group_id: &str,
        options: &UpdateTopicOptions,
    ) -> Result<RequestId<Topic>, ChatError> {
        const API: &str = "updateTopicProfile";
        self.check_topic_ids(API, group_id, &[options.topic_id.as_str()])?;
        self.check_capacity()?;
        let body = TopicWriteRequest {
            group_id: group_id.to_owned(),
            topic_id: Some(options.topic_id.clone()),
            topic_name: options.topic_name.clone(),
            face_url: options.avatar.clone(),
            introduction: options.introduction.clone(),
            notification: options.notification.clone(),
            custom_string: options.custom_data.clone(),
            shut_up_all_member: options
                .mute_all_members
                .map(|on| if on { "On" } else { "Off" }.to_owned()),
        };
        let group = group_id.to_owned();
        let change = TopicNewInfo {
            topic_name: options.topic_name.clone(),
            topic_introduction: options.introduction.clone(),
            topic_notification: options.notification.clone(),
            topic_face_url: options.avatar.clone(),
            shutup_all: options.mute_all_members.map(u8::from),
            custom_string: options.custom_data.clone(),
        };
        let topic_id = options.topic_id.clone();
        Ok(self.enqueue_command(now, cmd::MODIFY_TOPIC, &body, |id| {
            Call::change(
                id,
                move |client: &mut Client, _, id, status, frame: &Frame| {
                    let outcome = parse_reply::<BaseReply>(status, frame).map(|_| {
                        let held = client
                            .groups
                            .topics
                            .0
                            .get(&topic_id)
                            .map(|(_, t)| t.clone());
                        let mut topic = held.unwrap_or_else(|| Topic {
                            topic_id: topic_id.clone(),
                            ..Topic::default()
                        });
                        apply_new_info(&mut topic, &change);
                        if client.groups.topics.0.contains_key(&topic_id) {
                            client.groups.topics.put(&group, topic.clone());
                        }
                        topic
                    });
                    client.complete(id, outcome);
                },
            )
        }))
    }

    /// `getTopicList({groupID, topicIDList})`: the community's topics
    /// (all when `topic_ids` is empty), with this user's unread count and
    /// remind type in each; topics asked for that do not exist are in
    /// `failure_topic_list` (10010). The topics found are held, so that
    /// TOPIC_UPDATED can fire for them.
    ///
    /// Errors: 2602 bad group ID, 3021 a topic ID not of this community;
    /// the server's 10007 not a member, 10010 no such community.
    pub fn get_topic_list(
        &mut self,
        now: Instant,
        group_id: &str,
        topic_ids: &[String],
    ) -> Result<RequestId<TopicListResult>, ChatError> {
        const API: &str = "getTopicList";
        let ids: Vec<&str> = topic_ids.iter().map(String::as_str).collect();
        self.check_topic_ids(API, group_id, &ids)?;
        if topic_ids.len() > Self::MAX_TOPICS_PER_CALL {
            return Err(self.api_error(
                ErrorCode::INVALID_OPERATION,
                format!(
                    "{API}: at most {} topic IDs per call",
                    Self::MAX_TOPICS_PER_CALL
                ),
            ));
        }
        self.check_capacity()?;
        let body = GetTopicRequest {
            group_id: group_id.to_owned(),
            topic_id_list: topic_ids.to_vec(),
            member_info_filter: vec!["NoUnreadSeqList".to_owned()],
        };
        let group = group_id.to_owned();
        Ok(self.enqueue_command(now, cmd::GET_TOPIC, &body, |id| {
            Call::query(
                id,
                move |client: &mut Client, _, id, status, frame: &Frame| {
                    let outcome = parse_reply::<GetTopicReply>(status, frame).map(|r| {
                        let mut result = TopicListResult::default();
                        for item in &r.topic_and_self_info {
                            if item.error_code != 0 {
                                result.failure_topic_list.push(TopicFailure {
                                    topic_id: item.topic_info.topic_id.clone(),
                                    code: u32::try_from(item.error_code).unwrap_or(u32::MAX),
                                    message: item.error_info.chars().take(256).collect(),
                                });
                                continue;
                            }
                            // An item of another community is not this one's.
                            if item.topic_info.group_id != group {
                                continue;
                            }
                            let topic = topic_of(item);
                            client.groups.topics.put(&group, topic.clone());
                            result.success_topic_list.push(topic);
                        }
                        result
                    });
                    client.complete(id, outcome);
                },
            )
        }))
    }

    /// An Event 5 notice about topics (`MillionGroupFlag` 2, `OpType` 17
    /// or 18): TOPIC_CREATED or TOPIC_DELETED. Returns whether `item` was
    /// one (it is then not a system message).
    pub(in crate::client) fn on_topic_notice(&mut self, item: &GroupTip) -> bool {
        if item.group_info.million_group_flag != Some(TOPIC_FLAG) {
            return false;
        }
        let group_id = item.group_info.group_id.clone();
        match item.msg_body.op_type {
            op::TOPIC_CREATED if !item.group_info.topic_id.is_empty() => {
                self.emit(Event::TopicCreated {
                    group_id,
                    topic_id: item.group_info.topic_id.clone(),
                });
                true
            }
            op::TOPIC_DELETED => {
                let list = item.msg_body.topic_id_array.clone().unwrap_or_default();
                for t in &list {
                    self.groups.topics.0.remove(t);
                }
                self.emit(Event::TopicDeleted {
                    group_id,
                    topic_id_list: list,
                });
                true
            }
            _ => false,
        }
    }

    /// An Event 4 tip 8 (`MsgTopicNewInfo`): the held topic takes the
    /// changes and TOPIC_UPDATED fires with it (a topic not held is left
    /// to the next `getTopicList`, as in the official SDK).
    pub(in crate::client) fn on_topic_profile_tip(&mut self, item: &GroupTip) {
        let Some(new) = &item.msg_body.msg_topic_new_info else {
            return;
        };
        let topic_id = &item.group_info.topic_id;
        let Some((group, topic)) = self.groups.topics.0.get_mut(topic_id) else {
            return;
        };
        apply_new_info(topic, new);
        if item.msg_seq > 0 {
            topic.next_message_seq = topic.next_message_seq.max(item.msg_seq + 1);
        }
        let event = Event::TopicUpdated {
            group_id: group.clone(),
            topic: topic.clone(),
        };
        self.emit(event);
    }
}
