//! tcchat on [smol]: a Rust chat SDK that behaves like the Tencent Cloud
//! Chat SDK and speaks its Web SDK's wire format. The API is the same as in
//! `tcchat-tokio` and `tcchat-async-std`. Background tasks run on smol's
//! global executor.
//!
//! ```
//! use tcchat_smol::{Chat, CreateTextMessageOptions, EventName, LoginOptions, Options};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let server = tcchat_server::start_in_thread(tcchat_server::ServerConfig::ephemeral(vec![
//! #     tcchat_server::AppConfig { sdk_app_id: 1400000003, secret_key: "secret".into() },
//! # ]))?;
//! # let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs();
//! # let user_sig = tcchat_server::gen_usersig(1400000003, "secret", "user0", 3600, now);
//! smol::block_on(async {
//!     let chat = Chat::create(Options::new(1400000003).with_proxy_server(server.ws_url()));
//!     let _ready = chat.once(EventName::SdkReady, |_| println!("ready"))?;
//!     chat.login(LoginOptions::new("user0", user_sig)).await?;
//!     let message = chat.create_text_message(&CreateTextMessageOptions::c2c("user1", "Hello world!"))?;
//!     chat.send_message(&message).await?;
//!     chat.destroy().await
//! })?;
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::io;
use std::time::Instant;

tcchat_runtime_common::runtime_crate_api!(SmolRuntime, "smol");

/// smol's TCP, timer and spawner (the global executor).
#[derive(Debug, Clone, Default)]
pub struct SmolRuntime;

impl Runtime for SmolRuntime {
    fn connect_tcp(&self, host: String, port: u16) -> BoxFuture<io::Result<Box<dyn Io>>> {
        Box::pin(async move {
            let stream = smol::net::TcpStream::connect((host.as_str(), port)).await?;
            stream.set_nodelay(true)?;
            Ok(Box::new(stream) as Box<dyn Io>)
        })
    }

    fn sleep_until(&self, deadline: Instant) -> BoxFuture<()> {
        Box::pin(async move {
            smol::Timer::at(deadline).await;
        })
    }

    fn spawn(&self, task: BoxFuture<()>) {
        smol::spawn(task).detach();
    }
}
