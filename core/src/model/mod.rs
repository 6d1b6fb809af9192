//! The data the SDK hands to users: messages, conversations, groups,
//! profiles and relationship items, shaped like the official SDK's objects.

mod conversation;
mod group;
mod group_message;
mod media;
mod merger;
mod message;
mod relationship;

pub(crate) use conversation::c2c_id;
pub use conversation::{
    c2c_conversation_id, group_conversation_id, Conversation, ConversationFailure,
    ConversationGroupResult, GroupAtInfo, LastMessage, MessageRemindType,
};
pub use group::{
    AddGroupMemberResult, Group, GroupApplication, GroupCustomField, GroupMember,
    GroupMemberListResult, GroupNoticeProfile, GroupSelfInfo, GroupSystemNoticePayload,
    GroupTipMember, GroupTipOperator, GroupTipPayload, GroupTipProfile, MarkGroupMemberListResult,
    Topic, TopicDeleteResult, TopicFailure, TopicListResult, TopicSelfInfo,
};
pub use media::{
    AudioPayload, Degrees, FacePayload, FilePayload, ImagePayload, ImageVariant, LocationPayload,
    VideoPayload,
};
pub(crate) use merger::{merged_from_list, relay_list};
pub use merger::{
    CreateMergerMessageOptions, MergedMessage, MergerPayload, RelayMsg, MAX_MERGER_ABSTRACT_LINES,
    MAX_MERGER_DEPTH, MAX_MERGER_MESSAGES, MAX_MERGER_TEXT_BYTES, MAX_RELAY_KEY_BYTES,
};
pub(crate) use message::payload_of;
pub use message::{
    CreateCustomMessageOptions, CreateTextMessageOptions, ExtensionResult, Message,
    MessageExtension, MessageListResult, MessageReceipt, Payload, ReadReceiptInfo,
};
pub use relationship::{
    AddFriendResult, CustomField, FollowListResult, FollowResult, FollowTypeCheckResult, Friend,
    FriendApplication, FriendApplicationList, FriendGroup, FriendGroupResult,
    FriendOperationResult, FriendProfileResult, FriendResultItem, Profile, UserFollowInfo,
    UserStatus, UserStatusFailure, UserStatusResult,
};
