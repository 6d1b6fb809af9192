//! Quickstart: the seed's flow end to end on an embedded reference server.
//!
//! Starts a server on an ephemeral loopback port, makes two users with
//! generated UserSigs, registers listeners before login, sends
//! "Hello world!" from the SDK_READY handler as the seed's sample does,
//! prints the MESSAGE_RECEIVED on the peer, then destroys both and exits.
//!
//! ```text
//! cargo run -p tcchat-tokio --example quickstart
//! ```

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tcchat_server::{gen_usersig, AppConfig, ServerConfig};
use tcchat_tokio::{Chat, CreateTextMessageOptions, Event, EventName, LoginOptions, Options};

const SDK_APP_ID: u64 = 1_400_000_000;
const SECRET_KEY: &str = "quickstart-secret-key";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .init();

    // 1. An embedded reference server (in-memory store, ephemeral port).
    let server = tcchat_server::start(ServerConfig::ephemeral(vec![AppConfig {
        sdk_app_id: SDK_APP_ID,
        secret_key: SECRET_KEY.into(),
    }]))
    .await?;
    println!("server listening on {}", server.ws_url());

    // 2. UserSigs for two users, as an app server would make them.
    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
    let sig = |user: &str| gen_usersig(SDK_APP_ID, SECRET_KEY, user, 86_400, now);

    // 3. Create instances. `create` returns one instance per SDKAppID, so the
    //    second user of the same app gets an independent instance.
    let options = Options::new(SDK_APP_ID).with_proxy_server(server.ws_url());
    let user0 = Chat::create(options.clone());
    let user1 = Chat::create_independent(options);
    user0.set_log_level(1)?;

    // 4. Listen before login, to miss no event.
    let (received_tx, mut received_rx) = tokio::sync::mpsc::unbounded_channel();
    let _on_message = user1.on(EventName::MessageReceived, move |event: &Event| {
        if let Event::MessageReceived(messages) = event {
            for message in messages {
                if let Some(text) = message.text() {
                    println!(
                        "user1 MESSAGE_RECEIVED from {}: {text:?} (ID {})",
                        message.from, message.id
                    );
                    let _ = received_tx.send(text.to_owned());
                }
            }
        }
    })?;
    let sender = user0.clone();
    let _on_ready = user0.on(EventName::SdkReady, move |_event: &Event| {
        println!("user0 SDK_READY");
        // As in the seed: create and send a message from the SDK_READY handler.
        match sender.create_text_message(&CreateTextMessageOptions::c2c("user1", "Hello world!")) {
            Ok(message) => drop(sender.send_message(&message)),
            Err(err) => eprintln!("createTextMessage failed: {err}"),
        }
    })?;
    let _on_state = user0.on(EventName::NetStateChange, |event: &Event| {
        println!("user0 {event:?}")
    })?;

    // 5. Log in.
    user1
        .login(LoginOptions::new("user1", sig("user1")))
        .await?;
    user0
        .login(LoginOptions::new("user0", sig("user0")))
        .await?;

    // 6. Wait for the peer to receive it.
    let text = tokio::time::timeout(Duration::from_secs(10), received_rx.recv())
        .await?
        .ok_or("listener dropped")?;
    assert_eq!(text, "Hello world!");

    // 7. Destroy: logout, close, release; SDK_DESTROY.
    let _on_destroy = user0.on(EventName::SdkDestroy, |_event: &Event| {
        println!("user0 SDK_DESTROY")
    })?;
    user0.destroy().await?;
    user1.destroy().await?;
    server.shutdown().await;
    println!("done");
    Ok(())
}
