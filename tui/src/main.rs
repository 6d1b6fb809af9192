//! `tcchat`: a terminal chat client on tcchat-tokio.
//!
//! ```text
//! tcchat --server ws://127.0.0.1:9000 --sdkappid 1400000000 --user alice --key dev-secret
//! tcchat --server wss://… --sdkappid N --user alice --usersig <UserSig from your backend>
//! ```
//!
//! `--key` makes a UserSig on the spot, for a local development server only
//! (never ship a secret key). Keys: Tab switches between the conversation
//! list and the compose box; ↑/↓ and Enter open a conversation; Enter
//! sends; `/open USER` starts a conversation; PgUp loads older history;
//! Esc or Ctrl-C quits.

mod app;
mod ui;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ratatui::crossterm::event::{self, Event as TermEvent, KeyCode, KeyEventKind, KeyModifiers};
use tcchat_tokio::{
    Chat, CreateTextMessageOptions, LoginOptions, MessageListResult, Options, StreamExt,
};
use tokio::sync::mpsc;

use app::{Action, App, Key};

const USAGE: &str =
    "usage: tcchat --server URL --sdkappid N --user USER (--usersig SIG | --key KEY)";

/// The command line.
struct Args {
    server: String,
    sdk_app_id: u64,
    user: String,
    user_sig: String,
}

fn parse_args() -> Result<Args, String> {
    let mut server = None;
    let mut sdk_app_id = None;
    let mut user = None;
    let mut sig = None;
    let mut key = None;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        match flag.as_str() {
            "--server" => server = Some(value),
            "--sdkappid" => {
                sdk_app_id = Some(
                    value
                        .parse::<u64>()
                        .map_err(|_| format!("bad --sdkappid\n{USAGE}"))?,
                )
            }
            "--user" => user = Some(value),
            "--usersig" => sig = Some(value),
            "--key" => key = Some(value),
            _ => return Err(format!("unknown flag {flag}\n{USAGE}")),
        }
    }
    let (Some(server), Some(sdk_app_id), Some(user)) = (server, sdk_app_id, user) else {
        return Err(USAGE.to_owned());
    };
    let user_sig = match (sig, key) {
        (Some(sig), None) => sig,
        (None, Some(key)) => {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_err(|e| e.to_string())?
                .as_secs();
            tcchat_tokio::usersig::gen_usersig(sdk_app_id, &key, &user, 86_400, now)
        }
        _ => return Err(format!("give exactly one of --usersig and --key\n{USAGE}")),
    };
    Ok(Args {
        server,
        sdk_app_id,
        user,
        user_sig,
    })
}

/// What comes back from the SDK calls the app starts.
enum Outcome {
    History(String, bool, MessageListResult),
    Sent(Box<tcchat_tokio::Message>),
    Failed(String),
}

fn key_of(event: TermEvent) -> Option<Key> {
    let TermEvent::Key(k) = event else {
        return None;
    };
    if k.kind != KeyEventKind::Press {
        return None;
    }
    Some(match k.code {
        KeyCode::Char('c') if k.modifiers.contains(KeyModifiers::CONTROL) => Key::Quit,
        KeyCode::Char(c) => Key::Char(c),
        KeyCode::Enter => Key::Enter,
        KeyCode::Backspace => Key::Backspace,
        KeyCode::Tab => Key::Tab,
        KeyCode::Up => Key::Up,
        KeyCode::Down => Key::Down,
        KeyCode::PageUp => Key::PageUp,
        KeyCode::Esc => Key::Quit,
        _ => return None,
    })
}

fn start(chat: &Chat, action: Action, done: &mpsc::UnboundedSender<Outcome>) {
    let chat = chat.clone();
    let done = done.clone();
    tokio::spawn(async move {
        let outcome = match action {
            Action::Open(id) => match chat.get_message_list(&id, None).await {
                Ok(page) => {
                    // Opening a conversation reads it: its unread count
                    // clears and the peer gets MESSAGE_READ_BY_PEER.
                    if let Err(e) = chat.set_message_read(&id).await {
                        let _ = done.send(Outcome::Failed(format!("read report: {e}")));
                    }
                    Outcome::History(id, false, page)
                }
                Err(e) => Outcome::Failed(format!("history: {e}")),
            },
            Action::LoadOlder {
                conversation_id,
                next_req_message_id,
            } => match chat
                .get_message_list(&conversation_id, Some(&next_req_message_id))
                .await
            {
                Ok(page) => Outcome::History(conversation_id, true, page),
                Err(e) => Outcome::Failed(format!("history: {e}")),
            },
            Action::Send { to, text } => {
                match chat.create_text_message(&CreateTextMessageOptions::c2c(to, text)) {
                    Ok(m) => match chat.send_message(&m).await {
                        Ok(sent) => Outcome::Sent(Box::new(sent)),
                        Err(e) => Outcome::Failed(format!("send: {e}")),
                    },
                    Err(e) => Outcome::Failed(format!("send: {e}")),
                }
            }
            Action::Quit => return,
        };
        let _ = done.send(outcome);
    });
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = match parse_args() {
        Ok(args) => args,
        Err(usage) => {
            eprintln!("{usage}");
            std::process::exit(2);
        }
    };
    // The SDK's logs would draw over the screen: keep them off it unless a
    // file is wanted (TCCHAT_LOG=path).
    if let Ok(path) = std::env::var("TCCHAT_LOG") {
        let file = std::fs::File::create(path)?;
        tracing_subscriber::fmt()
            .with_env_filter(tcchat_tokio::log_filter())
            .with_ansi(false)
            .with_writer(std::sync::Mutex::new(file))
            .init();
    }

    let chat = Chat::create(Options::new(args.sdk_app_id).with_proxy_server(args.server));
    let mut events = chat.events(1024);
    let (keys_tx, mut keys) = mpsc::unbounded_channel();
    // crossterm's reads block: a thread of their own.
    std::thread::spawn(move || loop {
        match event::poll(Duration::from_millis(250)) {
            Ok(true) => match event::read() {
                Ok(e) => {
                    if keys_tx.send(e).is_err() {
                        return;
                    }
                }
                Err(_) => return,
            },
            Ok(false) => {
                if keys_tx.is_closed() {
                    return;
                }
            }
            Err(_) => return,
        }
    });
    let (done_tx, mut done) = mpsc::unbounded_channel();
    let mut app = App::new(args.user.clone());
    let login = chat.login(LoginOptions::new(args.user, args.user_sig));
    {
        let done = done_tx.clone();
        tokio::spawn(async move {
            if let Err(e) = login.await {
                let _ = done.send(Outcome::Failed(format!("login: {e}")));
            }
        });
    }

    let mut terminal = ratatui::init();
    let result: Result<(), Box<dyn std::error::Error>> = async {
        loop {
            terminal.draw(|f| ui::draw(f, &app))?;
            tokio::select! {
                Some(event) = events.next() => app.on_event(&event),
                Some(outcome) = done.recv() => match outcome {
                    Outcome::History(id, older, page) => app.on_history(&id, older, page),
                    Outcome::Sent(m) => app.on_sent(*m),
                    Outcome::Failed(e) => app.set_status(e),
                },
                Some(term) = keys.recv() => {
                    if let Some(action) = key_of(term).and_then(|k| app.on_key(k)) {
                        if action == Action::Quit {
                            return Ok(());
                        }
                        start(&chat, action, &done_tx);
                    }
                }
                else => return Ok(()),
            }
        }
    }
    .await;
    ratatui::restore();
    let _ = chat.destroy().await;
    result
}

#[cfg(test)]
mod tests;
