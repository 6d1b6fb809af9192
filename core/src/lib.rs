//! Sans-IO protocol core of tcchat.
//!
//! Placeholder crate doc; completed below.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod client;
pub mod error;
pub mod event;
pub mod listener;
pub mod model;
pub mod options;
pub mod proto;
pub mod types;
pub mod wire;

pub use client::{Client, Completion, ConnId, DisconnectReason, LoginInfo, RequestId, Response, Stats, Transmit};
pub use error::{ChatError, ErrorCode};
pub use event::{Event, EventName};
pub use options::{Options, Tuning};
