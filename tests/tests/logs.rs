//! What an instance logs (issue 20): captured through a `tracing`
//! subscriber while one instance connects, logs in, loses the server,
//! reconnects, is kicked and is destroyed.

use std::io::Write;
use std::sync::{Arc, Mutex};

use tcchat_core::types::NetState;
use tcchat_core::{Event, LogLevel};
use tcchat_tests::world::{expect_event, World, APP_A};
use tcchat_tokio::{Chat, LoginOptions, TokioRuntime};

/// A `MakeWriter` into one shared buffer.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("not poisoned").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Capture {
    type Writer = Capture;

    fn make_writer(&'a self) -> Capture {
        self.clone()
    }
}

impl Capture {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("not poisoned")).into_owned()
    }
}

/// The lines that contain `needle`.
fn lines_with<'a>(log: &'a str, needle: &str) -> Vec<&'a str> {
    log.lines().filter(|l| l.contains(needle)).collect()
}

#[test]
fn the_lifecycle_is_logged_in_the_instances_span() {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(capture.clone())
        .with_ansi(false)
        .with_env_filter(format!("debug,{}", tcchat_tokio::WEBSOCKET_LOG_DIRECTIVES))
        .finish();
    // One thread runs the runtime and every task on it: the default
    // subscriber of this thread sees all their lines (the server runs on
    // its own threads, unobserved).
    let _default = tracing::subscriber::set_default(subscriber);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(async {
        let mut world = World::start_persistent();
        // The level is in the options: the first connection is logged.
        let alice = Chat::create_independent(world.options(APP_A));
        let mut events = alice.events(1024);
        alice
            .login(LoginOptions::new("alice", world.sig(APP_A, "alice")))
            .await
            .expect("login");

        world.crash_server();
        world.restart_server();
        expect_event::<TokioRuntime>(&mut events, "reconnected", |e| {
            *e == Event::NetStateChange {
                state: NetState::Connected,
                cause: None,
            }
        })
        .await;

        // A silent instance of the same user kicks the first one out.
        let quiet = Chat::create_independent(world.options(APP_A).with_log_level(LogLevel::None));
        quiet
            .login(LoginOptions::new("alice", world.sig(APP_A, "alice")))
            .await
            .expect("second login");
        expect_event::<TokioRuntime>(&mut events, "kicked", |e| {
            matches!(e, Event::KickedOut { .. })
        })
        .await;
        alice.destroy().await.expect("destroy");
        quiet.destroy().await.expect("destroy");
    });

    let log = capture.text();
    let lifecycle = [
        "connecting",
        " connected",
        "logged in (SDK_READY)",
        "connection lost",
        "reconnected after",
        "kicked out kind=",
        "destroyed (SDK_DESTROY)",
    ];
    let mut from = 0;
    for line in lifecycle {
        let at = log[from..]
            .find(line)
            .unwrap_or_else(|| panic!("no {line:?} after byte {from} in:\n{log}"));
        from += at + line.len();
    }
    // Every lifecycle line is INFO and names the instance and its user.
    let logged_in = lines_with(&log, "logged in (SDK_READY)");
    assert_eq!(logged_in.len(), 1, "{log}");
    assert!(logged_in[0].contains(" INFO "), "{}", logged_in[0]);
    let names_user = ["user=\"alice\"", "user=alice"]
        .iter()
        .any(|u| logged_in[0].contains(u));
    assert!(
        logged_in[0].contains(&format!("tcchat{{sdk_app_id={APP_A} instance=")) && names_user,
        "{}",
        logged_in[0]
    );
    // The quiet instance (LogLevel::None from its options) logged nothing:
    // one instance's worth of connects, logins and destroys.
    assert_eq!(
        lines_with(&log, "destroyed (SDK_DESTROY)").len(),
        1,
        "{log}"
    );
    // DEBUG frame summaries need log level 0: none at the default level.
    assert!(lines_with(&log, "servcmd=").is_empty(), "{log}");
}

#[test]
fn log_level_debug_adds_frame_summaries() {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(capture.clone())
        .with_ansi(false)
        .with_env_filter("trace")
        .finish();
    let _default = tracing::subscriber::set_default(subscriber);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(async {
        let world = World::start();
        let chat = Chat::create_independent(world.options(APP_A).with_log_level(LogLevel::Debug));
        chat.login(LoginOptions::new("bob", world.sig(APP_A, "bob")))
            .await
            .expect("login");
        chat.destroy().await.expect("destroy");
    });
    let log = capture.text();
    let login = lines_with(&log, "servcmd=\"im_open_status.wslogin\"");
    assert!(
        login
            .iter()
            .any(|l| l.contains("DEBUG") && l.contains("Sent")),
        "no DEBUG summary of the login request in:\n{log}"
    );
    // Bodies at TRACE, except the login's (it carries the session key).
    assert!(!log.contains("A2Key"), "the session key was logged:\n{log}");
    let bodies = lines_with(&log, "frame body");
    assert!(!bodies.is_empty(), "no TRACE frame bodies in:\n{log}");
}
