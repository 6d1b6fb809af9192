//! Typed bodies of the servcmds tcchat speaks, with the official wire key
//! names (`From_Account`, `MsgBody`, …).
//!
//! Every type both serializes and deserializes, so the client and the
//! reference server share one definition. Deserialization is lenient: a
//! missing field takes its default, as the official SDK tolerates.

mod base;
pub mod config;
pub mod contact;
pub mod cos;
pub mod ext;
pub mod follow;
pub mod group;
pub mod group_msg;
pub mod group_msgops;
pub mod group_state;
pub mod group_topic;
mod login;
mod message;
pub mod msgops;
pub mod presence;
mod push;
pub mod relay;
pub mod sns;
mod sync;

pub use base::BaseReply;
pub use login::{HelloRequest, LoginReply, LoginRequest, LogoutRequest};
pub use message::{MsgElem, SendMsgReply, SendMsgRequest, WireMessage};
pub use push::{KickoutNotify, ModNotify, MsgPush, NotifyItem, PushAck, PushEvent};
pub use sync::{GetMsgReply, GetMsgRequest, SyncFlag};
