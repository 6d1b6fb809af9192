//! An echo bot on async-std: replies `echo: <text>` to every text message it
//! receives, against a server given on the command line.
//!
//! It shows the typed handlers (`listen` with a marker of `events`, whose
//! handler gets the event's own payload) and an async handler
//! (`listen_async`) that awaits the bot's own `send_message`.
//!
//! ```text
//! # a local reference server:
//! cargo run -p tcchat-server -- serve --app 1400000000:dev-secret --db bot.db
//! # the bot (the key makes a development UserSig; never ship a key in an app):
//! cargo run -p tcchat-async-std --example echo_bot -- ws://127.0.0.1:9000 1400000000 bot dev-secret
//! ```
//!
//! It runs until it is kicked out (for example by logging `bot` in
//! elsewhere). `RUST_LOG=debug` shows the SDK's logs.

use std::time::{SystemTime, UNIX_EPOCH};

use tcchat_async_std::events::{KickedOut, MessageReceived, NetStateChange, SdkReady};
use tcchat_async_std::types::Flow;
use tcchat_async_std::{Chat, CreateTextMessageOptions, LogLevel, LoginOptions, Options};

fn usage() -> String {
    "usage: echo_bot <ws-url> <sdkappid> <user> <secret-key>".to_owned()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    async_std::task::block_on(run())
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(tcchat_async_std::log_filter())
        .init();
    let mut args = std::env::args().skip(1);
    let (Some(url), Some(sdk_app_id), Some(user), Some(key)) =
        (args.next(), args.next(), args.next(), args.next())
    else {
        return Err(usage().into());
    };
    let sdk_app_id: u64 = sdk_app_id.parse().map_err(|_| usage())?;
    // For a development server only: a real app gets its UserSig from its
    // backend, which alone holds the key.
    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
    let user_sig = tcchat_core::usersig::gen_usersig(sdk_app_id, &key, &user, 86_400, now);

    let options = Options::new(sdk_app_id)
        .with_proxy_server(url)
        .with_log_level(LogLevel::Release);
    let chat = Chat::create(options);

    // Typed handlers: each gets its event's payload, no `match` on Event.
    let _ready = chat.listen(SdkReady, |()| println!("ready"));
    let _net = chat.listen(NetStateChange, |net| match &net.cause {
        Some(cause) => println!("network: {:?} ({cause})", net.state),
        None => println!("network: {:?}", net.state),
    });
    let (kicked_tx, kicked_rx) = futures_channel::oneshot::channel();
    let kicked_tx = std::sync::Mutex::new(Some(kicked_tx));
    let _kicked = chat.listen(KickedOut, move |kind| {
        println!("kicked out: {kind:?}");
        if let Some(tx) = kicked_tx.lock().ok().and_then(|mut tx| tx.take()) {
            let _ = tx.send(());
        }
    });

    // An async handler: runs on async-std, one batch at a time, and may await.
    let bot = chat.clone();
    let _echo = chat.listen_async(MessageReceived, move |messages| {
        let bot = bot.clone();
        async move {
            for message in messages.iter().filter(|m| m.flow == Flow::In) {
                let Some(text) = message.text() else { continue };
                println!("{}: {text}", message.from);
                let reply = CreateTextMessageOptions::c2c(&message.from, format!("echo: {text}"));
                let sent = match bot.create_text_message(&reply) {
                    Ok(reply) => bot.send_message(&reply).await,
                    Err(err) => Err(err),
                };
                if let Err(err) = sent {
                    eprintln!("reply to {} failed: {err}", message.from);
                }
            }
        }
    });

    chat.login(LoginOptions::new(user, user_sig)).await?;
    let _ = kicked_rx.await;
    chat.destroy().await?;
    Ok(())
}
