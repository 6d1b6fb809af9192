//! Communities and topics on [`Chat`](crate::Chat) (issue 17;
//! docs/GROUPS.md "Communities and topics" describes each: request,
//! result, error codes, events). A topic's messages are in the
//! conversation `GROUP<topicID>`: send to it, list it, mark it read as any
//! group conversation.

use tcchat_core::client::{CreateTopicOptions, UpdateTopicOptions};
use tcchat_core::model::{Group, Topic, TopicDeleteResult, TopicListResult};

use crate::chat::{Chat, Reply};
use crate::runtime::Runtime;

impl<R: Runtime> Chat<R> {
    /// `getJoinedCommunityList()`: the communities (type `Community`) this
    /// user belongs to. They are not in `get_group_list`.
    pub fn get_joined_community_list(&self) -> Reply<Vec<Group>> {
        self.submit(|c, now| c.get_joined_community_list(now))
    }

    /// `createTopicInCommunity(...)`: a new topic; resolves with its ID.
    /// TOPIC_CREATED fires on the other members' instances and this
    /// user's other instances (this one has the result).
    ///
    /// Errors: 10007 not the owner or an admin, 10010 no such community,
    /// 10021 topic ID taken, 10004 a field too long or 100 topics already;
    /// 2602 bad group ID, 3021 a topic ID not of this community, 2905 no
    /// name.
    pub fn create_topic_in_community(
        &self,
        group_id: &str,
        options: &CreateTopicOptions,
    ) -> Reply<String> {
        self.submit(|c, now| c.create_topic_in_community(now, group_id, options))
    }

    /// `deleteTopicFromCommunity({groupID, topicIDList})`: resolves with
    /// the topics deleted and those not (with the server's code).
    /// TOPIC_DELETED fires on the other members' instances and this user's
    /// other instances.
    ///
    /// Errors: 10007 not the owner or an admin, 10010 no such community;
    /// 2602 bad group ID, 3021 a topic ID not of this community, 2905 an
    /// empty list or over 100 IDs.
    pub fn delete_topic_from_community(
        &self,
        group_id: &str,
        topic_ids: &[String],
    ) -> Reply<TopicDeleteResult> {
        self.submit(|c, now| c.delete_topic_from_community(now, group_id, topic_ids))
    }

    /// `updateTopicProfile(...)`: change the fields given; resolves with the
    /// topic as held here. The other members' instances get a tip in
    /// `GROUP<topicID>` and TOPIC_UPDATED (for topics they listed).
    ///
    /// Errors: 10007 not the owner or an admin, 10010 no such community
    /// or topic, 10004 a field too long; 2602 bad group ID, 3021 a topic ID
    /// not of this community.
    pub fn update_topic_profile(
        &self,
        group_id: &str,
        options: &UpdateTopicOptions,
    ) -> Reply<Topic> {
        self.submit(|c, now| c.update_topic_profile(now, group_id, options))
    }

    /// `getTopicList({groupID, topicIDList})`: the community's topics (all
    /// when `topic_ids` is empty) with this user's unread count in each.
    ///
    /// Errors: 10007 not a member, 10010 no such community; 2602 bad group
    /// ID, 3021 a topic ID not of this community.
    pub fn get_topic_list(&self, group_id: &str, topic_ids: &[String]) -> Reply<TopicListResult> {
        self.submit(|c, now| c.get_topic_list(now, group_id, topic_ids))
    }
}
