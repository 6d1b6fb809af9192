//! tcchat on [tokio]: a Rust chat SDK that behaves like the Tencent Cloud
//! Chat SDK and speaks its Web SDK's wire format.
//!
//! Create an instance, listen to events (before `login`, to miss none), log
//! in, and send once SDK_READY fires:
//!
//! ```
//! use tcchat_tokio::{Chat, CreateTextMessageOptions, Event, EventName, LoginOptions, Options};
//! # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let server = tcchat_server::start(tcchat_server::ServerConfig::ephemeral(vec![
//! #     tcchat_server::AppConfig { sdk_app_id: 1400000001, secret_key: "secret".into() },
//! # ])).await?;
//! # let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs();
//! # let user_sig = tcchat_server::gen_usersig(1400000001, "secret", "user0", 3600, now);
//! let chat = Chat::create(Options::new(1400000001).with_proxy_server(server.ws_url()));
//! chat.set_log_level(1)?;
//! let ready = chat.once(EventName::SdkReady, |_event: &Event| println!("ready"))?;
//! chat.login(LoginOptions::new("user0", user_sig)).await?;
//! let message = chat.create_text_message(&CreateTextMessageOptions::c2c("user1", "Hello world!"))?;
//! let sent = chat.send_message(&message).await?;
//! assert_eq!(sent.id, message.id);
//! chat.destroy().await?;
//! # drop(ready);
//! # server.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! `Chat::create` must be called inside a tokio runtime; the SDK's driver
//! task runs on it.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::io;
use std::time::Instant;

use tokio_util::compat::TokioAsyncReadCompatExt;

tcchat_runtime_common::runtime_crate_api!(TokioRuntime, "tokio");

/// tokio's TCP, timer and spawner.
#[derive(Debug, Clone)]
pub struct TokioRuntime {
    handle: tokio::runtime::Handle,
}

impl TokioRuntime {
    /// Use the runtime behind `handle`.
    pub fn new(handle: tokio::runtime::Handle) -> TokioRuntime {
        TokioRuntime { handle }
    }
}

impl Default for TokioRuntime {
    /// The current runtime. Panics outside a tokio runtime.
    fn default() -> Self {
        TokioRuntime::new(tokio::runtime::Handle::current())
    }
}

impl Runtime for TokioRuntime {
    fn connect_tcp(&self, host: String, port: u16) -> BoxFuture<io::Result<Box<dyn Io>>> {
        Box::pin(async move {
            let stream = tokio::net::TcpStream::connect((host.as_str(), port)).await?;
            stream.set_nodelay(true)?;
            Ok(Box::new(stream.compat()) as Box<dyn Io>)
        })
    }

    fn sleep_until(&self, deadline: Instant) -> BoxFuture<()> {
        Box::pin(tokio::time::sleep_until(tokio::time::Instant::from_std(
            deadline,
        )))
    }

    fn spawn(&self, task: BoxFuture<()>) {
        self.handle.spawn(task);
    }
}
