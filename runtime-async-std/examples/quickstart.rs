//! Quickstart on async-std: the seed's flow end to end on an embedded
//! reference server (the same flow as `tcchat-tokio`'s quickstart).
//!
//! Starts a server in a background thread on an ephemeral loopback port,
//! logs two users in with generated UserSigs, sends "Hello world!" from
//! user0's SDK_READY handler, prints the MESSAGE_RECEIVED on user1, then
//! destroys both and exits.
//!
//! ```text
//! cargo run -p tcchat-async-std --example quickstart
//! ```

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tcchat_async_std::{
    Chat, CreateTextMessageOptions, Event, EventName, LoginOptions, Options, StreamExt,
};
use tcchat_server::{gen_usersig, AppConfig, ServerConfig};

const SDK_APP_ID: u64 = 1_400_000_000;
const SECRET_KEY: &str = "quickstart-secret-key";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The reference server runs on its own tokio runtime in a thread, so
    // this program needs no tokio of its own.
    let server = tcchat_server::start_in_thread(ServerConfig::ephemeral(vec![AppConfig {
        sdk_app_id: SDK_APP_ID,
        secret_key: SECRET_KEY.into(),
    }]))?;
    println!("server listening on {}", server.ws_url());
    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
    let sig = |user: &str| gen_usersig(SDK_APP_ID, SECRET_KEY, user, 86_400, now);

    async_std::task::block_on(async {
        let options = Options::new(SDK_APP_ID).with_proxy_server(server.ws_url());
        let user0 = Chat::create(options.clone());
        let user1 = Chat::create_independent(options);

        // Listen before login, to miss no event.
        let (received_tx, mut received_rx) = futures_channel::mpsc::unbounded();
        let _on_message = user1.on(EventName::MessageReceived, move |event: &Event| {
            let Event::MessageReceived(messages) = event else {
                return;
            };
            for message in messages {
                if let Some(text) = message.text() {
                    println!("user1 MESSAGE_RECEIVED from {}: {text:?}", message.from);
                    let _ = received_tx.unbounded_send(text.to_owned());
                }
            }
        })?;
        let sender = user0.clone();
        let _on_ready = user0.on(EventName::SdkReady, move |_event: &Event| {
            println!("user0 SDK_READY");
            let hello = CreateTextMessageOptions::c2c("user1", "Hello world!");
            match sender.create_text_message(&hello) {
                Ok(message) => drop(sender.send_message(&message)),
                Err(err) => eprintln!("createTextMessage failed: {err}"),
            }
        })?;

        user1
            .login(LoginOptions::new("user1", sig("user1")))
            .await?;
        user0
            .login(LoginOptions::new("user0", sig("user0")))
            .await?;

        let text = async_std::future::timeout(Duration::from_secs(10), received_rx.next())
            .await?
            .ok_or("listener dropped")?;
        assert_eq!(text, "Hello world!");

        user0.destroy().await?;
        user1.destroy().await?;
        println!("done");
        Ok(())
    })
}
