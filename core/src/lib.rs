//! The sans-IO protocol core of tcchat, a Rust chat SDK that behaves like
//! the Tencent Cloud Chat SDK and speaks its Web SDK's wire format.
//!
//! Nothing here performs I/O, reads a clock, draws OS randomness or spawns:
//! [`Client`] is a state machine. You feed it inputs — `handle_connected`,
//! `handle_frame`, `handle_disconnected`, `handle_timeout` and user commands
//! such as `login` or `send_message`, each with the current `Instant` — and
//! after every input you drain its outputs: [`Client::poll_transmit`]
//! (connect, send a frame, close), [`Client::poll_event`] (the SDK events),
//! [`Client::poll_completion`] (results of commands) and
//! [`Client::poll_timeout`] (when to call `handle_timeout` next).
//! The runtime crates (`tcchat-tokio`, `tcchat-async-std`, `tcchat-smol`)
//! run exactly this loop over a real WebSocket; tests run it in virtual
//! time.
//!
//! ```
//! use std::time::{Duration, Instant};
//! use tcchat_core::wire::{decode, encode, Head};
//! use tcchat_core::{Client, Event, Options, Transmit};
//!
//! let mut now = Instant::now();
//! let mut chat = Client::new(Options::new(1400000000).with_proxy_server("ws://127.0.0.1:9"), 1, now, 1_795_628_000_000);
//!
//! // The I/O loop: perform transmits, feed back what the network did.
//! let mut sent = Vec::new();
//! let mut pump = |chat: &mut Client, now: Instant, sent: &mut Vec<tcchat_core::wire::Frame>| {
//!     while let Some(t) = chat.poll_transmit() {
//!         match t {
//!             Transmit::Connect { conn, .. } => chat.handle_connected(now, conn), // pretend it opened
//!             Transmit::Send { frame, .. } => sent.push(decode(&frame).unwrap()),
//!             Transmit::Close { .. } => {}
//!         }
//!     }
//! };
//! pump(&mut chat, now, &mut sent);
//! chat.login(now, "user0", "user-sig").unwrap();
//! pump(&mut chat, now, &mut sent);
//!
//! // The server answers the login (servcmd + seq of the request).
//! let login = sent.iter().find(|f| f.head.servcmd == "im_open_status.wslogin").unwrap();
//! let reply = serde_json::json!({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "",
//!     "A2Key": "a2", "TinyId": "144115000000000001", "InstId": 1, "HelloInterval": 120, "TimeStamp": 1795628000});
//! let conn = tcchat_core::ConnId(0);
//! chat.handle_frame(now, conn, &encode(&login.head, &reply));
//! assert_eq!(chat.poll_event(), Some(Event::SdkReady));
//! assert!(chat.is_ready());
//!
//! // Time only moves when you say so.
//! now += Duration::from_secs(10);
//! assert!(chat.poll_timeout().unwrap() <= now);
//! chat.handle_timeout(now);
//! pump(&mut chat, now, &mut sent);
//! assert_eq!(sent.last().unwrap().head.servcmd, "heartbeat.alive");
//! ```
//!
//! The modules: [`wire`] (the frame codec, shared with the reference
//! server), [`proto`] (typed bodies with the official key names),
//! [`client`] (the state machine), [`event`], [`types`], [`error`] (the
//! official names, values and codes), [`model`] (messages and the other
//! data events carry), [`listener`] (the `on`/`off` registry) and
//! [`options`].

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod client;
pub mod connect;
pub mod error;
pub mod event;
pub mod listener;
pub mod media;
pub mod model;
pub mod options;
pub mod proto;
pub mod types;
#[cfg(feature = "usersig")]
pub mod usersig;
pub mod wire;

pub use client::{
    AddFriendOptions, AnyRequestId, Client, Completion, ConnId, CreateGroupOptions,
    DisconnectReason, GroupMessageReadMembers, JoinGroupResult, LoginInfo, Output, PendingSend,
    RequestId, Stats, Transmit, UpdateGroupProfileOptions, UpdateProfileOptions,
};
pub use connect::{ConnectCause, ConnectFailure};
pub use error::{ChatError, ErrorCode};
pub use event::{Event, EventName};
pub use options::{LogLevel, Options, Tuning};
