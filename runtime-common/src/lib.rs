//! The runtime-agnostic half of tcchat: the public [`Chat`] API and the
//! driver task that runs the sans-IO core, written once. A runtime crate
//! (`tcchat-tokio`, `tcchat-async-std`, `tcchat-smol`) supplies a
//! [`Runtime`] (TCP connect, timer, spawn) and re-exports this API.
//!
//! Applications use a runtime crate, not this one directly.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod chat;
mod chat_group_state;
mod chat_groups;
mod chat_presence;
mod chat_relations;
mod chat_topics;
mod dispatch;
mod driver;
pub mod events;
mod handlers;
mod listeners;
mod logs;
pub mod plugin;
mod registry;
mod runtime;
mod runtime_crate;
mod shared;
mod stream;
mod transport;

pub use chat::{Chat, LoginOptions, Reply};
/// `next()` and the other stream combinators for [`EventStream`], so
/// `chat.events(64).next().await` needs no `futures` import of its own.
pub use futures_util::StreamExt;
pub use listeners::{ListenerGuard, ListenerHandle};
pub use logs::{log_filter, WEBSOCKET_LOG_DIRECTIVES};
pub use plugin::{HttpUploader, ProgressFn, UploadPlugin, MAX_DOWNLOAD_BYTES, UPLOAD_PLUGIN_NAME};
pub use runtime::{BoxFuture, Io, Runtime};
pub use stream::{EventStream, Overflow};
pub use tcchat_core::client::{
    CreateMediaMessageOptions, CreateTopicOptions, MediaData, MediaSource, UpdateTopicOptions,
    UploadBody,
};

pub use tcchat_core::listener::{Context, ListenerId, OffFilter};
pub use tcchat_core::model::{
    c2c_conversation_id, group_conversation_id, Conversation, ConversationFailure,
    ConversationGroupResult, LastMessage, MessageRemindType,
};
pub use tcchat_core::model::{
    AddGroupMemberResult, Group, GroupApplication, GroupCustomField, GroupMember,
    GroupMemberListResult, GroupSelfInfo, GroupSystemNoticePayload, GroupTipPayload,
};
pub use tcchat_core::model::{
    CreateCustomMessageOptions, CreateTextMessageOptions, ExtensionResult, Message,
    MessageExtension, MessageListResult, MessageReceipt, Payload, ReadReceiptInfo,
};
pub use tcchat_core::model::{CreateMergerMessageOptions, MergedMessage, MergerPayload};
pub use tcchat_core::model::{
    Topic, TopicDeleteResult, TopicFailure, TopicListResult, TopicSelfInfo,
};
pub use tcchat_core::types;
/// UserSig generation and verification (feature `usersig`): for tests and
/// local development only; a production app gets its UserSigs from its
/// backend, which alone holds the secret key.
#[cfg(feature = "usersig")]
pub use tcchat_core::usersig;
pub use tcchat_core::{AddFriendOptions, UpdateProfileOptions};
pub use tcchat_core::{
    ChatError, ErrorCode, Event, EventName, LogLevel, LoginInfo, Options, PendingSend, Tuning,
};
pub use tcchat_core::{
    CreateGroupOptions, GroupMessageReadMembers, JoinGroupResult, UpdateGroupProfileOptions,
};
