//! The events of the seed (`TencentCloudChat.EVENT`), with their official
//! string names and payloads.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::ErrorCode;
use crate::model::{
    Conversation, Friend, FriendApplication, FriendGroup, Group, Message, MessageExtension,
    Profile, ReadReceiptInfo, Topic, UserStatus,
};
use crate::types::{KickedOutType, NetState};

macro_rules! event_names {
    ( $( $(#[$meta:meta])* $variant:ident = $key:literal => $value:literal ),+ $(,)? ) => {
        /// The name of an event: `TencentCloudChat.EVENT.<KEY>`.
        ///
        /// [`as_str`](EventName::as_str) gives the official string value
        /// (for example `"onMessageReceived"`), [`key`](EventName::key) the
        /// constant's name (`"MESSAGE_RECEIVED"`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum EventName {
            $( $(#[$meta])* $variant ),+
        }

        impl EventName {
            /// Every event: the 27 of the seed, the three follow events
            /// (issue 18), PINNED_GROUP_MESSAGE_UPDATED (issue 17), then
            /// SDK_DESTROY and ERROR.
            pub const ALL: &'static [EventName] = &[$(EventName::$variant),+];

            /// The official string value.
            pub fn as_str(self) -> &'static str {
                match self { $(EventName::$variant => $value),+ }
            }

            /// The constant's name in `TencentCloudChat.EVENT`.
            pub fn key(self) -> &'static str {
                match self { $(EventName::$variant => $key),+ }
            }

            /// The event with this official value or constant name.
            pub fn parse(name: &str) -> Option<EventName> {
                match name {
                    $($value | $key => Some(EventName::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

event_names! {
    /// `SDK_READY`: the SDK is ready; APIs such as sending may be called.
    SdkReady = "SDK_READY" => "sdkStateReady",
    /// `SDK_NOT_READY`: the SDK is not ready; call `login` to use it again.
    SdkNotReady = "SDK_NOT_READY" => "sdkStateNotReady",
    /// `MESSAGE_RECEIVED`: new messages.
    MessageReceived = "MESSAGE_RECEIVED" => "onMessageReceived",
    /// `MESSAGE_MODIFIED`: messages were modified.
    MessageModified = "MESSAGE_MODIFIED" => "onMessageModified",
    /// `MESSAGE_REVOKED`: messages were recalled.
    MessageRevoked = "MESSAGE_REVOKED" => "onMessageRevoked",
    /// `MESSAGE_READ_BY_PEER`: the peer read messages.
    MessageReadByPeer = "MESSAGE_READ_BY_PEER" => "onMessageReadByPeer",
    /// `MESSAGE_READ_RECEIPT_RECEIVED`: read receipts arrived.
    MessageReadReceiptReceived = "MESSAGE_READ_RECEIPT_RECEIVED" => "onMessageReadReceiptReceived",
    /// `MESSAGE_EXTENSIONS_UPDATED`: extensions of a message were set.
    MessageExtensionsUpdated = "MESSAGE_EXTENSIONS_UPDATED" => "onMessageExtensionsUpdated",
    /// `MESSAGE_EXTENSIONS_DELETED`: extensions of a message were deleted.
    MessageExtensionsDeleted = "MESSAGE_EXTENSIONS_DELETED" => "onMessageExtensionsDeleted",
    /// `CONVERSATION_LIST_UPDATED`: the conversation list changed.
    ConversationListUpdated = "CONVERSATION_LIST_UPDATED" => "onConversationListUpdated",
    /// `TOTAL_UNREAD_MESSAGE_COUNT_UPDATED`: the total unread count changed.
    TotalUnreadMessageCountUpdated = "TOTAL_UNREAD_MESSAGE_COUNT_UPDATED" => "onTotalUnreadMessageCountUpdated",
    /// `CONVERSATION_GROUP_LIST_UPDATED`: the conversation group list changed.
    ConversationGroupListUpdated = "CONVERSATION_GROUP_LIST_UPDATED" => "onConversationGroupListUpdated",
    /// `CONVERSATION_IN_GROUP_UPDATED`: the conversations of a conversation group changed.
    ConversationInGroupUpdated = "CONVERSATION_IN_GROUP_UPDATED" => "onConversationInGroupUpdated",
    /// `GROUP_LIST_UPDATED`: the group list changed.
    GroupListUpdated = "GROUP_LIST_UPDATED" => "onGroupListUpdated",
    /// `GROUP_ATTRIBUTES_UPDATED`: a group's attributes changed.
    GroupAttributesUpdated = "GROUP_ATTRIBUTES_UPDATED" => "groupAttributesUpdated",
    /// `GROUP_COUNTER_UPDATED`: a group's counter changed.
    GroupCounterUpdated = "GROUP_COUNTER_UPDATED" => "onGroupCounterUpdated",
    /// `TOPIC_CREATED`: a topic was created in a community group.
    TopicCreated = "TOPIC_CREATED" => "onTopicCreated",
    /// `TOPIC_DELETED`: topics were deleted from a community group.
    TopicDeleted = "TOPIC_DELETED" => "onTopicDeleted",
    /// `TOPIC_UPDATED`: a topic changed.
    TopicUpdated = "TOPIC_UPDATED" => "onTopicUpdated",
    /// `PROFILE_UPDATED`: my profile or friends' profiles changed.
    ProfileUpdated = "PROFILE_UPDATED" => "onProfileUpdated",
    /// `USER_STATUS_UPDATED`: statuses of subscribed users or friends changed.
    UserStatusUpdated = "USER_STATUS_UPDATED" => "onUserStatusUpdated",
    /// `BLACKLIST_UPDATED`: the blocklist changed.
    BlacklistUpdated = "BLACKLIST_UPDATED" => "blacklistUpdated",
    /// `FRIEND_LIST_UPDATED`: the friend list changed.
    FriendListUpdated = "FRIEND_LIST_UPDATED" => "onFriendListUpdated",
    /// `FRIEND_GROUP_LIST_UPDATED`: the friend group list changed.
    FriendGroupListUpdated = "FRIEND_GROUP_LIST_UPDATED" => "onFriendGroupListUpdated",
    /// `FRIEND_APPLICATION_LIST_UPDATED`: the friend application list changed.
    FriendApplicationListUpdated = "FRIEND_APPLICATION_LIST_UPDATED" => "onFriendApplicationListUpdated",
    /// `KICKED_OUT`: this user was forced offline.
    KickedOut = "KICKED_OUT" => "kickedOut",
    /// `NET_STATE_CHANGE`: the network state changed.
    NetStateChange = "NET_STATE_CHANGE" => "netStateChange",
    /// `MY_FOLLOWERS_LIST_UPDATED`: users started or stopped following me.
    MyFollowersListUpdated = "MY_FOLLOWERS_LIST_UPDATED" => "onMyFollowersListUpdated",
    /// `MY_FOLLOWING_LIST_UPDATED`: I (on any instance) followed or unfollowed users.
    MyFollowingListUpdated = "MY_FOLLOWING_LIST_UPDATED" => "onMyFollowingListUpdated",
    /// `MUTUAL_FOLLOWERS_LIST_UPDATED`: users became, or stopped being, mutual followers.
    MutualFollowersListUpdated = "MUTUAL_FOLLOWERS_LIST_UPDATED" => "onMutualFollowersListUpdated",
    /// `PINNED_GROUP_MESSAGE_UPDATED`: a group's pinned messages changed.
    PinnedGroupMessageUpdated = "PINNED_GROUP_MESSAGE_UPDATED" => "onPinnedGroupMessageUpdated",
    /// `SDK_DESTROY`: the instance was destroyed.
    SdkDestroy = "SDK_DESTROY" => "sdkDestroy",
    /// `ERROR`: an API call failed (also reported by the call itself).
    Error = "ERROR" => "error",
}

impl std::fmt::Display for EventName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An event and its data (`event.data` in the official SDK).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "name", content = "data")]
#[non_exhaustive]
pub enum Event {
    /// SDK_READY.
    #[serde(rename = "sdkStateReady")]
    SdkReady,
    /// SDK_NOT_READY.
    #[serde(rename = "sdkStateNotReady")]
    SdkNotReady,
    /// MESSAGE_RECEIVED: the new messages.
    #[serde(rename = "onMessageReceived")]
    MessageReceived(Vec<Message>),
    /// MESSAGE_MODIFIED: the modified messages.
    #[serde(rename = "onMessageModified")]
    MessageModified(Vec<Message>),
    /// MESSAGE_REVOKED: the recalled messages (`is_revoked` set).
    #[serde(rename = "onMessageRevoked")]
    MessageRevoked(Vec<Message>),
    /// MESSAGE_READ_BY_PEER: messages the peer read (`is_peer_read` set).
    #[serde(rename = "onMessageReadByPeer")]
    MessageReadByPeer(Vec<Message>),
    /// MESSAGE_READ_RECEIPT_RECEIVED: the receipts.
    #[serde(rename = "onMessageReadReceiptReceived")]
    MessageReadReceiptReceived(Vec<ReadReceiptInfo>),
    /// MESSAGE_EXTENSIONS_UPDATED: `{messageID, extensions}`.
    #[serde(rename = "onMessageExtensionsUpdated")]
    MessageExtensionsUpdated {
        /// The message.
        #[serde(rename = "messageID")]
        message_id: String,
        /// The extensions set.
        extensions: Vec<MessageExtension>,
    },
    /// MESSAGE_EXTENSIONS_DELETED: `{messageID, keyList}`.
    #[serde(rename = "onMessageExtensionsDeleted")]
    MessageExtensionsDeleted {
        /// The message.
        #[serde(rename = "messageID")]
        message_id: String,
        /// The keys deleted.
        #[serde(rename = "keyList")]
        key_list: Vec<String>,
    },
    /// CONVERSATION_LIST_UPDATED: the conversation list.
    #[serde(rename = "onConversationListUpdated")]
    ConversationListUpdated(Vec<Conversation>),
    /// TOTAL_UNREAD_MESSAGE_COUNT_UPDATED: the total.
    #[serde(rename = "onTotalUnreadMessageCountUpdated")]
    TotalUnreadMessageCountUpdated(u64),
    /// CONVERSATION_GROUP_LIST_UPDATED: the conversation group names.
    #[serde(rename = "onConversationGroupListUpdated")]
    ConversationGroupListUpdated(Vec<String>),
    /// CONVERSATION_IN_GROUP_UPDATED: `{groupName, conversationList}`.
    #[serde(rename = "onConversationInGroupUpdated")]
    ConversationInGroupUpdated {
        /// The conversation group's name.
        #[serde(rename = "groupName")]
        group_name: String,
        /// Its conversations.
        #[serde(rename = "conversationList")]
        conversation_list: Vec<Conversation>,
    },
    /// GROUP_LIST_UPDATED: the group list.
    #[serde(rename = "onGroupListUpdated")]
    GroupListUpdated(Vec<Group>),
    /// GROUP_ATTRIBUTES_UPDATED: `{groupID, groupAttributes,
    /// updatedKeyList, deletedKeyList}`.
    #[serde(rename = "groupAttributesUpdated")]
    GroupAttributesUpdated {
        /// The group.
        #[serde(rename = "groupID")]
        group_id: String,
        /// All its attributes now.
        #[serde(rename = "groupAttributes")]
        group_attributes: BTreeMap<String, String>,
        /// The keys set or changed.
        #[serde(rename = "updatedKeyList", default)]
        updated_key_list: Vec<String>,
        /// The keys deleted.
        #[serde(rename = "deletedKeyList", default)]
        deleted_key_list: Vec<String>,
    },
    /// GROUP_COUNTER_UPDATED: `{groupID, key, value}`.
    #[serde(rename = "onGroupCounterUpdated")]
    GroupCounterUpdated {
        /// The group.
        #[serde(rename = "groupID")]
        group_id: String,
        /// Counter key.
        key: String,
        /// New value.
        value: i64,
    },
    /// TOPIC_CREATED: `{groupID, topicID}`.
    #[serde(rename = "onTopicCreated")]
    TopicCreated {
        /// The community group.
        #[serde(rename = "groupID")]
        group_id: String,
        /// The new topic.
        #[serde(rename = "topicID")]
        topic_id: String,
    },
    /// TOPIC_DELETED: `{groupID, topicIDList}`.
    #[serde(rename = "onTopicDeleted")]
    TopicDeleted {
        /// The community group.
        #[serde(rename = "groupID")]
        group_id: String,
        /// The deleted topics.
        #[serde(rename = "topicIDList")]
        topic_id_list: Vec<String>,
    },
    /// TOPIC_UPDATED: `{groupID, topic}`.
    #[serde(rename = "onTopicUpdated")]
    TopicUpdated {
        /// The community group.
        #[serde(rename = "groupID")]
        group_id: String,
        /// The topic as it is now.
        topic: Topic,
    },
    /// PROFILE_UPDATED: the changed profiles.
    #[serde(rename = "onProfileUpdated")]
    ProfileUpdated(Vec<Profile>),
    /// USER_STATUS_UPDATED: the changed statuses.
    #[serde(rename = "onUserStatusUpdated")]
    UserStatusUpdated(Vec<UserStatus>),
    /// BLACKLIST_UPDATED: the blocklist's user IDs.
    #[serde(rename = "blacklistUpdated")]
    BlacklistUpdated(Vec<String>),
    /// FRIEND_LIST_UPDATED: the friend list.
    #[serde(rename = "onFriendListUpdated")]
    FriendListUpdated(Vec<Friend>),
    /// FRIEND_GROUP_LIST_UPDATED: the friend groups.
    #[serde(rename = "onFriendGroupListUpdated")]
    FriendGroupListUpdated(Vec<FriendGroup>),
    /// FRIEND_APPLICATION_LIST_UPDATED: `{friendApplicationList, unreadCount}`.
    #[serde(rename = "onFriendApplicationListUpdated")]
    FriendApplicationListUpdated {
        /// The applications.
        #[serde(rename = "friendApplicationList")]
        friend_application_list: Vec<FriendApplication>,
        /// Unread applications.
        #[serde(rename = "unreadCount")]
        unread_count: u64,
    },
    /// KICKED_OUT: `{type}`.
    #[serde(rename = "kickedOut")]
    KickedOut {
        /// Why.
        #[serde(rename = "type")]
        kind: KickedOutType,
    },
    /// NET_STATE_CHANGE: `{state}`.
    #[serde(rename = "netStateChange")]
    NetStateChange {
        /// The new state.
        state: NetState,
        /// Why, when the state is `disconnected` because a connection
        /// attempt failed (tcchat's addition; the official SDK reports no
        /// cause).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cause: Option<crate::connect::ConnectFailure>,
    },
    /// MY_FOLLOWERS_LIST_UPDATED: `{userList, isAdd}` (shape ours: the
    /// official SDK was not observed raising it).
    #[serde(rename = "onMyFollowersListUpdated")]
    MyFollowersListUpdated {
        /// The users who started (`is_add`) or stopped following me.
        #[serde(rename = "userList")]
        user_list: Vec<Profile>,
        /// Added (true) or removed.
        #[serde(rename = "isAdd")]
        is_add: bool,
    },
    /// MY_FOLLOWING_LIST_UPDATED: `{userList, isAdd}` (shape ours).
    #[serde(rename = "onMyFollowingListUpdated")]
    MyFollowingListUpdated {
        /// The users I followed (`is_add`) or unfollowed.
        #[serde(rename = "userList")]
        user_list: Vec<Profile>,
        /// Added (true) or removed.
        #[serde(rename = "isAdd")]
        is_add: bool,
    },
    /// MUTUAL_FOLLOWERS_LIST_UPDATED: `{userList, isAdd}` (shape ours).
    #[serde(rename = "onMutualFollowersListUpdated")]
    MutualFollowersListUpdated {
        /// The users who became (`is_add`) or stopped being mutual followers.
        #[serde(rename = "userList")]
        user_list: Vec<Profile>,
        /// Added (true) or removed.
        #[serde(rename = "isAdd")]
        is_add: bool,
    },
    /// PINNED_GROUP_MESSAGE_UPDATED: `{groupID, messageList,
    /// operationType}`: the group's pinned messages after a pin (1) or
    /// an unpin (2), oldest pin first (the payload is tcchat's; the
    /// reference records the event's name only).
    #[serde(rename = "onPinnedGroupMessageUpdated")]
    PinnedGroupMessageUpdated {
        /// The group.
        #[serde(rename = "groupID")]
        group_id: String,
        /// Its pinned messages now.
        #[serde(rename = "messageList")]
        message_list: Vec<Message>,
        /// 1 a message was pinned, 2 one was unpinned.
        #[serde(rename = "operationType")]
        operation_type: u32,
    },
    /// SDK_DESTROY: `{SDKAppID}`.
    #[serde(rename = "sdkDestroy")]
    SdkDestroy {
        /// The destroyed instance's SDKAppID.
        #[serde(rename = "SDKAppID")]
        sdk_app_id: u64,
    },
    /// ERROR: `{code, message}`.
    #[serde(rename = "error")]
    Error {
        /// The code.
        code: ErrorCode,
        /// The message.
        message: String,
    },
}

impl Event {
    /// This event's name.
    pub fn name(&self) -> EventName {
        match self {
            Event::SdkReady => EventName::SdkReady,
            Event::SdkNotReady => EventName::SdkNotReady,
            Event::MessageReceived(_) => EventName::MessageReceived,
            Event::MessageModified(_) => EventName::MessageModified,
            Event::MessageRevoked(_) => EventName::MessageRevoked,
            Event::MessageReadByPeer(_) => EventName::MessageReadByPeer,
            Event::MessageReadReceiptReceived(_) => EventName::MessageReadReceiptReceived,
            Event::MessageExtensionsUpdated { .. } => EventName::MessageExtensionsUpdated,
            Event::MessageExtensionsDeleted { .. } => EventName::MessageExtensionsDeleted,
            Event::ConversationListUpdated(_) => EventName::ConversationListUpdated,
            Event::TotalUnreadMessageCountUpdated(_) => EventName::TotalUnreadMessageCountUpdated,
            Event::ConversationGroupListUpdated(_) => EventName::ConversationGroupListUpdated,
            Event::ConversationInGroupUpdated { .. } => EventName::ConversationInGroupUpdated,
            Event::GroupListUpdated(_) => EventName::GroupListUpdated,
            Event::GroupAttributesUpdated { .. } => EventName::GroupAttributesUpdated,
            Event::GroupCounterUpdated { .. } => EventName::GroupCounterUpdated,
            Event::TopicCreated { .. } => EventName::TopicCreated,
            Event::TopicDeleted { .. } => EventName::TopicDeleted,
            Event::TopicUpdated { .. } => EventName::TopicUpdated,
            Event::ProfileUpdated(_) => EventName::ProfileUpdated,
            Event::UserStatusUpdated(_) => EventName::UserStatusUpdated,
            Event::BlacklistUpdated(_) => EventName::BlacklistUpdated,
            Event::FriendListUpdated(_) => EventName::FriendListUpdated,
            Event::FriendGroupListUpdated(_) => EventName::FriendGroupListUpdated,
            Event::FriendApplicationListUpdated { .. } => EventName::FriendApplicationListUpdated,
            Event::KickedOut { .. } => EventName::KickedOut,
            Event::NetStateChange { .. } => EventName::NetStateChange,
            Event::MyFollowersListUpdated { .. } => EventName::MyFollowersListUpdated,
            Event::MyFollowingListUpdated { .. } => EventName::MyFollowingListUpdated,
            Event::MutualFollowersListUpdated { .. } => EventName::MutualFollowersListUpdated,
            Event::PinnedGroupMessageUpdated { .. } => EventName::PinnedGroupMessageUpdated,
            Event::SdkDestroy { .. } => EventName::SdkDestroy,
            Event::Error { .. } => EventName::Error,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twenty_seven_seed_events_plus_follows_pins_destroy_and_error() {
        assert_eq!(EventName::ALL.len(), 33);
        for name in EventName::ALL {
            assert_eq!(EventName::parse(name.as_str()), Some(*name));
            assert_eq!(EventName::parse(name.key()), Some(*name));
        }
        assert_eq!(EventName::MessageReceived.as_str(), "onMessageReceived");
        assert_eq!(
            EventName::GroupAttributesUpdated.as_str(),
            "groupAttributesUpdated"
        );
    }

    #[test]
    fn payload_shapes_follow_the_seed() {
        let kicked = Event::KickedOut {
            kind: KickedOutType::MultipleDevice,
        };
        assert_eq!(
            serde_json::to_value(&kicked).unwrap(),
            serde_json::json!({"name": "kickedOut", "data": {"type": "multipleDevice"}})
        );
        let net = Event::NetStateChange {
            state: NetState::Connecting,
            cause: None,
        };
        assert_eq!(
            serde_json::to_value(&net).unwrap()["data"],
            serde_json::json!({"state": "connecting"})
        );
        let receipt = ReadReceiptInfo {
            group_id: String::new(),
            user_id: "u2".into(),
            message_id: "1-2-3".into(),
            read_count: 0,
            unread_count: 0,
            is_peer_read: true,
            timestamp: 1_795_629_621,
        };
        let keys: Vec<String> = serde_json::to_value(&receipt)
            .unwrap()
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        for k in [
            "groupID",
            "userID",
            "messageID",
            "readCount",
            "unreadCount",
            "isPeerRead",
            "timestamp",
        ] {
            assert!(keys.contains(&k.to_string()), "{k} missing from {keys:?}");
        }
    }
}
