//! Log flooding (issue 14): requests a peer can send at will — unsupported
//! servcmds, refused logins with huge identifiers — against the server on
//! 127.0.0.1, with the log output at the default level captured and
//! measured. A process of its own, so that no other test's lines count.

#[path = "common/net.rs"]
mod net;

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use net::*;
use serde_json::json;
use tcchat_core::wire::{self, Head, HeadIdentity};
use tcchat_server::start;
use tracing_subscriber::fmt::MakeWriter;

/// Counts the bytes and the longest line written.
#[derive(Clone, Default)]
struct Meter {
    bytes: Arc<AtomicUsize>,
    longest: Arc<AtomicUsize>,
    sample: Arc<Mutex<Vec<String>>>,
}

impl Write for Meter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.bytes.fetch_add(buf.len(), Ordering::Relaxed);
        self.longest.fetch_max(buf.len(), Ordering::Relaxed);
        let mut sample = self.sample.lock().unwrap();
        if sample.len() < 200 {
            sample.push(String::from_utf8_lossy(buf).into_owned());
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Meter {
    type Writer = Meter;

    fn make_writer(&'a self) -> Meter {
        self.clone()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn floods_of_peer_chosen_strings_leave_a_bounded_log() {
    let meter = Meter::default();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_writer(meter.clone())
        .with_ansi(false)
        .init();
    let server = start(server_config()).await.unwrap();
    let base = server.ws_url();
    let mut mallory = NetUser::login(&base, "mallory", 1).await;
    let before = meter.bytes.load(Ordering::Relaxed);

    // 2,000 requests with a 2 KiB servcmd the server does not support.
    let servcmd = format!("x.{}", "\u{1b}[31m".repeat(400));
    for _ in 0..2000 {
        let reply = mallory.call(&servcmd, json!({})).await;
        assert_eq!(reply["ErrorCode"], 10003);
    }
    // 300 logins with 4 KiB identifiers (refused: 20003, then 70050).
    let mut ws = ws_connect(&base, 2).await;
    for seq in 0..300 {
        let identity = HeadIdentity::UserSig {
            identifier: "i".repeat(4096),
            usersig: "s".into(),
        };
        let head = Head::request(NET_APP, &identity, "im_open_status.wslogin", seq, 0);
        let frame = wire::encode(&head, &json!({}));
        if ws
            .send(async_tungstenite::tungstenite::Message::Binary(frame))
            .await
            .is_err()
        {
            break;
        }
    }
    assert_ne!(
        ws_end(&mut ws).await,
        End::Open,
        "the flood before login is cut off"
    );
    assert_eq!(mallory.ping().await["ErrorCode"], 0);

    let logged = meter.bytes.load(Ordering::Relaxed) - before;
    let sample = meter.sample.lock().unwrap().join("");
    // Each site lets 10 lines through per 10 s window; every line is short.
    assert!(logged < 16 * 1024, "{logged} bytes of log:\n{sample}");
    assert!(
        meter.longest.load(Ordering::Relaxed) < 600,
        "a line of {} bytes:\n{sample}",
        meter.longest.load(Ordering::Relaxed)
    );
    assert!(!sample.contains('\u{1b}'), "control characters are escaped");
    server.shutdown().await;
}
