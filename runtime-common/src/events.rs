//! Typed events: one marker per event, naming the payload its handlers get.
//!
//! [`Chat::listen`](crate::Chat::listen) and
//! [`Chat::listen_async`](crate::Chat::listen_async) take a marker value
//! and a handler of that event's own payload, so a handler never re-matches
//! [`Event`]:
//!
//! ```ignore
//! use tcchat_tokio::events::{MessageReceived, NetStateChange};
//! let _messages = chat.listen(MessageReceived, |messages| {
//!     for m in messages { println!("{}: {:?}", m.from, m.text()); }
//! });
//! let _net = chat.listen(NetStateChange, |net| println!("network: {:?}", net.state));
//! ```
//!
//! Events whose official `data` is a single value (a message list, a count,
//! a state) hand that value over as it is; events whose `data` is an object
//! with several fields hand over a small struct of this module with the same
//! fields (for example [`ExtensionsUpdated`]).

use std::collections::BTreeMap;
use std::fmt::Debug;

use tcchat_core::model::{
    Conversation, Friend, FriendApplication, FriendGroup, Group, Message, MessageExtension,
    Profile, ReadReceiptInfo, Topic, UserStatus,
};
use tcchat_core::types::{KickedOutType, NetState};
use tcchat_core::{ChatError, ConnectFailure, Event, EventName};

mod sealed {
    pub trait Sealed {}
}

/// An event kind: a marker type (one per [`EventName`]) that says which
/// payload its handlers receive. Implemented by the markers of this module
/// only.
pub trait EventKind: sealed::Sealed + Copy + Send + Sync + 'static {
    /// The event's name.
    const NAME: EventName;

    /// What a handler of this event receives (`event.data` of the official
    /// SDK). Sync handlers borrow it; async handlers get their own clone.
    type Payload: Clone + Debug + Send + Sync + 'static;

    /// Run `f` on the payload of `event`, or return `None` when `event` is
    /// another event.
    fn with_payload<T>(event: &Event, f: impl FnOnce(&Self::Payload) -> T) -> Option<T>;
}

/// Markers whose payload is one field of the [`Event`] variant, borrowed.
macro_rules! borrowed_kinds {
    ( $( $(#[$meta:meta])* $marker:ident => $payload:ty, |$e:ident| $pat:pat => $val:expr; )+ ) => {
        $(
            $(#[$meta])*
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
            pub struct $marker;
            impl sealed::Sealed for $marker {}
            impl EventKind for $marker {
                const NAME: EventName = EventName::$marker;
                type Payload = $payload;
                fn with_payload<T>($e: &Event, f: impl FnOnce(&$payload) -> T) -> Option<T> {
                    match $e {
                        $pat => Some(f($val)),
                        _ => None,
                    }
                }
            }
        )+
    };
}

borrowed_kinds! {
    /// SDK_READY (no payload): APIs such as sending may be called.
    SdkReady => (), |e| Event::SdkReady => &();
    /// SDK_NOT_READY (no payload): call `login` to use the SDK again.
    SdkNotReady => (), |e| Event::SdkNotReady => &();
    /// MESSAGE_RECEIVED: the new messages, oldest first. Each message reaches
    /// it exactly once, also across reconnects.
    MessageReceived => Vec<Message>, |e| Event::MessageReceived(m) => m;
    /// MESSAGE_MODIFIED: the messages as now modified.
    MessageModified => Vec<Message>, |e| Event::MessageModified(m) => m;
    /// MESSAGE_REVOKED: the recalled messages (`is_revoked` set).
    MessageRevoked => Vec<Message>, |e| Event::MessageRevoked(m) => m;
    /// MESSAGE_READ_BY_PEER: messages the peer read (`is_peer_read` set).
    MessageReadByPeer => Vec<Message>, |e| Event::MessageReadByPeer(m) => m;
    /// MESSAGE_READ_RECEIPT_RECEIVED: the receipts.
    MessageReadReceiptReceived => Vec<ReadReceiptInfo>, |e| Event::MessageReadReceiptReceived(r) => r;
    /// CONVERSATION_LIST_UPDATED: the whole conversation list, pinned first.
    ConversationListUpdated => Vec<Conversation>, |e| Event::ConversationListUpdated(c) => c;
    /// TOTAL_UNREAD_MESSAGE_COUNT_UPDATED: the new total.
    TotalUnreadMessageCountUpdated => u64, |e| Event::TotalUnreadMessageCountUpdated(n) => n;
    /// CONVERSATION_GROUP_LIST_UPDATED: the conversation group names.
    ConversationGroupListUpdated => Vec<String>, |e| Event::ConversationGroupListUpdated(g) => g;
    /// GROUP_LIST_UPDATED: the group list.
    GroupListUpdated => Vec<Group>, |e| Event::GroupListUpdated(g) => g;
    /// PROFILE_UPDATED: the changed profiles.
    ProfileUpdated => Vec<Profile>, |e| Event::ProfileUpdated(p) => p;
    /// USER_STATUS_UPDATED: the changed statuses.
    UserStatusUpdated => Vec<UserStatus>, |e| Event::UserStatusUpdated(s) => s;
    /// BLACKLIST_UPDATED: the blocklist's user IDs.
    BlacklistUpdated => Vec<String>, |e| Event::BlacklistUpdated(b) => b;
    /// FRIEND_LIST_UPDATED: the friend list.
    FriendListUpdated => Vec<Friend>, |e| Event::FriendListUpdated(f) => f;
    /// FRIEND_GROUP_LIST_UPDATED: the friend groups.
    FriendGroupListUpdated => Vec<FriendGroup>, |e| Event::FriendGroupListUpdated(g) => g;
    /// KICKED_OUT: why this user was forced offline. The session has ended
    /// (one SDK_NOT_READY follows) and is not logged in again automatically.
    KickedOut => KickedOutType, |e| Event::KickedOut { kind } => kind;
    /// SDK_DESTROY: the destroyed instance's SDKAppID. No event follows it.
    SdkDestroy => u64, |e| Event::SdkDestroy { sdk_app_id } => sdk_app_id;
}

/// Markers whose official `data` is an object: the payload is a struct of
/// this module built from the [`Event`] variant's fields.
macro_rules! struct_kinds {
    ( $( $(#[$meta:meta])* $marker:ident => $payload:ident { $( $(#[$fmeta:meta])* $field:ident : $fty:ty ),+ $(,)? } )+ ) => {
        $(
            $(#[$meta])*
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
            pub struct $marker;
            impl sealed::Sealed for $marker {}

            #[doc = concat!("The payload of [`", stringify!($marker), "`].")]
            #[derive(Debug, Clone, PartialEq, Eq)]
            #[non_exhaustive]
            pub struct $payload {
                $( $(#[$fmeta])* pub $field: $fty, )+
            }

            impl EventKind for $marker {
                const NAME: EventName = EventName::$marker;
                type Payload = $payload;
                fn with_payload<T>(event: &Event, f: impl FnOnce(&$payload) -> T) -> Option<T> {
                    match event {
                        Event::$marker { $($field),+ } => {
                            Some(f(&$payload { $( $field: $field.clone() ),+ }))
                        }
                        _ => None,
                    }
                }
            }
        )+
    };
}

struct_kinds! {
    /// NET_STATE_CHANGE: the new network state, and why a connection
    /// attempt failed. Not emitted for the first connection of an instance,
    /// only when an established link is lost and while it is restored (or
    /// when a first login's connection attempts fail).
    NetStateChange => NetStateChanged {
        /// The new state.
        state: NetState,
        /// With `Disconnected` after a failed connection attempt: its cause
        /// (refused, DNS, TLS, the upgrade's HTTP status, timeout).
        cause: Option<ConnectFailure>,
    }
    /// PINNED_GROUP_MESSAGE_UPDATED: a group's pinned messages changed
    /// (a pin or unpin here or by another admin).
    PinnedGroupMessageUpdated => PinnedGroupMessages {
        /// The group.
        group_id: String,
        /// Its pinned messages now, oldest pin first.
        message_list: Vec<Message>,
        /// 1 a message was pinned, 2 one was unpinned.
        operation_type: u32,
    }
    /// MESSAGE_EXTENSIONS_UPDATED: extensions of a message were set.
    MessageExtensionsUpdated => ExtensionsUpdated {
        /// The message.
        message_id: String,
        /// The extensions set.
        extensions: Vec<MessageExtension>,
    }
    /// MESSAGE_EXTENSIONS_DELETED: extensions of a message were deleted.
    MessageExtensionsDeleted => ExtensionsDeleted {
        /// The message.
        message_id: String,
        /// The keys deleted.
        key_list: Vec<String>,
    }
    /// CONVERSATION_IN_GROUP_UPDATED: the conversations of a conversation
    /// group changed.
    ConversationInGroupUpdated => ConversationsInGroup {
        /// The conversation group's name.
        group_name: String,
        /// Its conversations.
        conversation_list: Vec<Conversation>,
    }
    /// GROUP_ATTRIBUTES_UPDATED: a group's attributes changed.
    GroupAttributesUpdated => GroupAttributes {
        /// The group.
        group_id: String,
        /// All its attributes now.
        group_attributes: BTreeMap<String, String>,
        /// The keys set or changed.
        updated_key_list: Vec<String>,
        /// The keys deleted.
        deleted_key_list: Vec<String>,
    }
    /// GROUP_COUNTER_UPDATED: a group's counter changed.
    GroupCounterUpdated => GroupCounter {
        /// The group.
        group_id: String,
        /// Counter key.
        key: String,
        /// New value.
        value: i64,
    }
    /// TOPIC_CREATED: a topic was created in a community group.
    TopicCreated => TopicCreation {
        /// The community group.
        group_id: String,
        /// The new topic.
        topic_id: String,
    }
    /// TOPIC_DELETED: topics were deleted from a community group.
    TopicDeleted => TopicDeletion {
        /// The community group.
        group_id: String,
        /// The deleted topics.
        topic_id_list: Vec<String>,
    }
    /// TOPIC_UPDATED: a topic changed.
    TopicUpdated => TopicUpdate {
        /// The community group.
        group_id: String,
        /// The topic as it is now.
        topic: Topic,
    }
    /// MY_FOLLOWERS_LIST_UPDATED: users started or stopped following me.
    MyFollowersListUpdated => FollowersChange {
        /// The users.
        user_list: Vec<Profile>,
        /// Added (true) or removed.
        is_add: bool,
    }
    /// MY_FOLLOWING_LIST_UPDATED: I followed or unfollowed users (on any
    /// instance).
    MyFollowingListUpdated => FollowingChange {
        /// The users.
        user_list: Vec<Profile>,
        /// Added (true) or removed.
        is_add: bool,
    }
    /// MUTUAL_FOLLOWERS_LIST_UPDATED: users became or stopped being mutual
    /// followers.
    MutualFollowersListUpdated => MutualFollowersChange {
        /// The users.
        user_list: Vec<Profile>,
        /// Added (true) or removed.
        is_add: bool,
    }
    /// FRIEND_APPLICATION_LIST_UPDATED: the friend application list changed.
    FriendApplicationListUpdated => FriendApplications {
        /// The applications.
        friend_application_list: Vec<FriendApplication>,
        /// Unread applications.
        unread_count: u64,
    }
}

/// ERROR: an API call failed (the call itself reports it too). The payload
/// is the [`ChatError`] with its code and message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Error;
impl sealed::Sealed for Error {}
impl EventKind for Error {
    const NAME: EventName = EventName::Error;
    type Payload = ChatError;
    fn with_payload<T>(event: &Event, f: impl FnOnce(&ChatError) -> T) -> Option<T> {
        match event {
            Event::Error { code, message } => Some(f(&ChatError::new(*code, message.clone()))),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every marker names its own event, and its payload is taken from that
    /// event and no other.
    #[test]
    fn markers_match_their_event_only() {
        let received = Event::MessageReceived(Vec::new());
        assert_eq!(MessageReceived::NAME, EventName::MessageReceived);
        assert_eq!(MessageReceived::with_payload(&received, Vec::len), Some(0));
        assert_eq!(MessageModified::with_payload(&received, Vec::len), None);

        let net = Event::NetStateChange {
            state: NetState::Disconnected,
            cause: None,
        };
        assert_eq!(
            NetStateChange::with_payload(&net, |n| n.state),
            Some(NetState::Disconnected)
        );
        assert_eq!(SdkReady::with_payload(&net, |_| ()), None);

        let ext = Event::MessageExtensionsDeleted {
            message_id: "m1".into(),
            key_list: vec!["k".into()],
        };
        let got = MessageExtensionsDeleted::with_payload(&ext, Clone::clone).expect("matches");
        assert_eq!((got.message_id.as_str(), got.key_list.len()), ("m1", 1));

        let err = Event::Error {
            code: tcchat_core::ErrorCode::NETWORK_TIMEOUT,
            message: "late".into(),
        };
        assert_eq!(
            Error::with_payload(&err, |e| e.code),
            Some(tcchat_core::ErrorCode::NETWORK_TIMEOUT)
        );
    }
}
