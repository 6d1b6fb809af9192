//! The tcchat reference server: the Tencent Cloud Chat Web SDK wire format
//! over WebSocket, with SQLite storage, for local development and tests.
//!
//! The official Web SDK (with `proxyServer` pointed at it) and the tcchat
//! client log in, send one-to-one messages, receive pushes and sync what
//! arrived while they were offline. Accounts come into existence on their
//! first valid login; UserSigs are checked with each application's secret
//! key exactly as the real service checks them (TLSSigAPIv2).
//!
//! The crate has three layers:
//! * [`engine`]: the sans-IO state machine (no sockets, no clock, seeded
//!   randomness), usable on its own in deterministic tests;
//! * [`store`]: the storage trait with SQLite and in-memory backends;
//! * a tokio driver: [`start`] on the caller's runtime, or
//!   [`start_in_thread`] for callers on any other runtime (async-std, smol,
//!   plain threads).
//!
//! # Example
//!
//! ```
//! use tcchat_server::{gen_usersig, AppConfig, ServerConfig};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), tcchat_server::ServerError> {
//! let app = AppConfig { sdk_app_id: 1400000000, secret_key: "dev-secret".into() };
//! let server = tcchat_server::start(ServerConfig::ephemeral(vec![app])).await?;
//! // Clients connect to ws://127.0.0.1:PORT/binfo?sdkappid=1400000000&...
//! assert!(server.ws_url().starts_with("ws://127.0.0.1:"));
//! // ...and log in with a UserSig made with the same secret key.
//! let now = std::time::SystemTime::now()
//!     .duration_since(std::time::UNIX_EPOCH)
//!     .unwrap()
//!     .as_secs();
//! let usersig = gen_usersig(1400000000, "dev-secret", "alice", 86400, now);
//! assert!(!usersig.is_empty());
//! server.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! From a non-tokio program, [`start_in_thread`] runs the same server on
//! its own thread and runtime:
//!
//! ```
//! use tcchat_server::{AppConfig, ServerConfig};
//!
//! let app = AppConfig { sdk_app_id: 1400000000, secret_key: "dev-secret".into() };
//! let server = tcchat_server::start_in_thread(ServerConfig::ephemeral(vec![app])).unwrap();
//! println!("listening on {}", server.ws_url());
//! server.shutdown(); // or just drop it
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod admin_client;
pub mod bounds;
pub mod codes;
pub mod config;
pub mod engine;
mod error;
mod net;
mod shrink;
pub mod store;
/// UserSig generation and verification; the code lives in `tcchat-core`
/// (feature `usersig`) so that client apps and tests can make UserSigs
/// without depending on the server.
pub use tcchat_core::usersig;

pub use config::{AppConfig, DbLocation, ServerConfig};
pub use error::ServerError;
pub use net::{start, start_in_thread, BackgroundServer, RunningServer, ServerStats};
pub use usersig::gen_usersig;
