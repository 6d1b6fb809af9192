//! End to end: two `tcchat` clients in a terminal multiplexer (tmux)
//! against the reference server, driven by keystrokes and read from the
//! screen. `.ci/run` installs tmux.

use std::process::Command;
use std::time::{Duration, Instant};

use tcchat_server::{start_in_thread, AppConfig, ServerConfig};

const APP: u64 = 1_400_000_000;
const KEY: &str = "tmux-e2e-key";
/// How long a screen may take to show what it must.
const PATIENCE: Duration = Duration::from_secs(20);

/// A tmux server of this test's own (its socket name is unique), killed on
/// drop.
struct Tmux(String);

impl Tmux {
    fn new() -> Tmux {
        Tmux(format!("tcchat-e2e-{}", std::process::id()))
    }

    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.0)
            .args(args)
            .output()
            .expect("tmux runs (install it: apt-get install tmux)");
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// A client of `user` in its own session.
    fn client(&self, user: &str, url: &str) {
        let command = format!(
            "{} --server {url} --sdkappid {APP} --user {user} --key {KEY}",
            env!("CARGO_BIN_EXE_tcchat")
        );
        self.run(&[
            "new-session",
            "-d",
            "-s",
            user,
            "-x",
            "100",
            "-y",
            "20",
            &command,
        ]);
    }

    fn keys(&self, session: &str, keys: &[&str]) {
        for key in keys {
            self.run(&["send-keys", "-t", session, key]);
        }
    }

    fn text(&self, session: &str, text: &str) {
        self.run(&["send-keys", "-t", session, "-l", text]);
    }

    fn screen(&self, session: &str) -> String {
        self.run(&["capture-pane", "-p", "-t", session])
    }

    /// Wait until `session`'s screen shows `what`; panic with the screen
    /// if it does not within [`PATIENCE`].
    fn expect(&self, session: &str, what: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let screen = self.screen(session);
            if screen.contains(what) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "{session}'s screen never showed {what:?}:\n{screen}"
            );
            // Another process draws the screen: poll it.
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .arg("-L")
            .arg(&self.0)
            .arg("kill-server")
            .status();
    }
}

#[test]
fn two_clients_chat_and_a_kick_shows() {
    let server = start_in_thread(ServerConfig::ephemeral(vec![AppConfig {
        sdk_app_id: APP,
        secret_key: KEY.into(),
    }]))
    .expect("the reference server starts");
    let url = server.ws_url();
    let tmux = Tmux::new();
    tmux.client("alice", &url);
    tmux.client("bob", &url);
    tmux.expect("alice", "alice (online) | connected");
    tmux.expect("bob", "bob (online) | connected");

    // alice opens a conversation with bob and sends.
    tmux.keys("alice", &["Tab"]);
    tmux.text("alice", "/open bob");
    tmux.keys("alice", &["Enter"]);
    tmux.expect("alice", "C2Cbob");
    tmux.text("alice", "hello bob");
    tmux.keys("alice", &["Enter"]);
    tmux.expect("alice", "me: hello bob");

    // bob sees the conversation with one unread, opens it and reads it.
    tmux.expect("bob", "alice (1)");
    tmux.keys("bob", &["Enter"]);
    tmux.expect("bob", "alice: hello bob");
    // alice sees the read report.
    tmux.expect("alice", "me: hello bob ✓✓");

    // A second alice kicks the first out; it says so.
    tmux.run(&[
        "new-session",
        "-d",
        "-s",
        "alice2",
        "-x",
        "100",
        "-y",
        "20",
        &format!(
            "{} --server {url} --sdkappid {APP} --user alice --key {KEY}",
            env!("CARGO_BIN_EXE_tcchat")
        ),
    ]);
    tmux.expect("alice", "kicked out (");
    drop(tmux);
    server.shutdown();
}
