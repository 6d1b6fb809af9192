//! Interop for issue 19, files: the official Web SDK (`@tencentcloud/chat`
//! 3.6.6 with `tim-upload-plugin` 1.4.3, in Node) and tcchat, one
//! in-process `tcchat-server` between them.
//!
//! * The official SDK sends a file: it signs with `im_cos_msg.simple_sig`
//!   (it has `fileUploadProxy`) or `pre_sig` (only `proxyServer`, the
//!   "private network" mode), `PUT`s the bytes to the server's signed URL
//!   through the plugin, sends the `TIMFileElem`; tcchat receives it and
//!   downloads the very bytes.
//! * tcchat sends a file; the official SDK receives it (MESSAGE_RECEIVED
//!   with `fileName`, `fileSize`, `fileUrl`) and a GET of its `fileUrl`
//!   gives the very bytes.
//!
//! Every scenario ends by checking that every request the official SDK made
//! was answered with ErrorCode 0 and that it logged no error or warning.
//!
//! `cargo test -p tcchat-tests --test interop_files`

mod interop_harness;

use base64::Engine as _;
use interop_harness::*;
use serde_json::{json, Value};
use tcchat_server::ServerConfig;
use tcchat_tokio::{CreateMediaMessageOptions, Event, MediaSource, Options, Payload};

const LOG_LEVEL: u8 = 0;

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn unb64(text: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .expect("base64 from the agent")
}

/// The official SDK (`bob`, with `options`) sends a file to tcchat
/// (`alice`), and tcchat sends one back.
async fn files_both_ways(options: Value, sign_cmd: &str) {
    node_ready();
    let server = start_server(ServerConfig::ephemeral(vec![app()])).await;
    let url = server.ws_url();
    let http = server.http_url().expect("the server serves HTTP");
    let mut options = options;
    if options.get("fileUploadProxy").is_some() {
        options["fileUploadProxy"] = json!(http);
    }
    let mut bob = Agent::create_with("bob", &url, LOG_LEVEL, options).await;
    bob.login("bob").await;
    bob.settle().await;
    let from = bob.mark();
    // The official SDK outside "private network" mode sends `https://`
    // locations; tcchat reaches this plain-HTTP server through its
    // download proxy, as an application would.
    let (alice, mut alice_events) = tcchat_login_with(
        Options::new(APP)
            .with_proxy_server(&url)
            .with_file_download_proxy(&http),
        "alice",
    )
    .await;

    // Official → tcchat.
    let sent_bytes: Vec<u8> = (0..150_000u32).map(|i| (i * 13 % 256) as u8).collect();
    let sent = bob
        .ok(
            "sendFile",
            json!({"to": "alice", "name": "report.pdf", "base64": b64(&sent_bytes), "type": "application/pdf"}),
        )
        .await;
    assert_eq!(sent["status"], "success", "{sent}");
    assert_eq!(sent["payload"]["fileName"], "report.pdf");
    assert_eq!(sent["payload"]["fileSize"], sent_bytes.len());
    let counts = bob.request_counts(from);
    assert_eq!(counts.get(sign_cmd), Some(&1), "{counts:?}");

    let event = tcchat_tests::world::expect_event::<tcchat_tokio::TokioRuntime>(
        &mut alice_events,
        "the official SDK's file",
        |e| matches!(e, Event::MessageReceived(l) if l.iter().any(|m| m.msg_type == "TIMFileElem")),
    )
    .await;
    let Event::MessageReceived(list) = event else {
        unreachable!()
    };
    let got = list
        .into_iter()
        .find(|m| m.msg_type == "TIMFileElem")
        .expect("matched above");
    let Payload::File(file) = &got.payload else {
        panic!("{:?}", got.payload)
    };
    assert_eq!(
        (file.file_name.as_str(), file.file_size),
        ("report.pdf", 150_000)
    );
    let downloaded = tcchat_call("download", alice.download_file(&file.file_url)).await;
    assert!(
        downloaded.as_ref() == sent_bytes.as_slice(),
        "downloaded {} bytes",
        downloaded.len()
    );

    // tcchat → official.
    let back: Vec<u8> = b"tcchat was here\n".repeat(1000);
    let message = alice
        .create_file_message(&CreateMediaMessageOptions::c2c(
            "bob",
            MediaSource::new("notes.txt", back.clone()),
        ))
        .expect("create_file_message");
    tcchat_call("send file", alice.send_message(&message)).await;
    let (_, record) = bob
        .wait_event("MESSAGE_RECEIVED", from, PATIENCE, |d| {
            d.as_array().is_some_and(|l| {
                l.iter()
                    .any(|m| m["type"] == "TIMFileElem" && m["from"] == "alice")
            })
        })
        .await;
    let view = received(&record)
        .into_iter()
        .find(|m| m["type"] == "TIMFileElem")
        .expect("matched above");
    assert_eq!(view["payload"]["fileName"], "notes.txt", "{view}");
    assert_eq!(view["payload"]["fileSize"], back.len());
    let file_url = view["payload"]["fileUrl"]
        .as_str()
        .expect("fileUrl")
        .to_owned();
    let fetched = bob.ok("fetchUrl", json!({"url": file_url})).await;
    assert_eq!(fetched["status"], 200, "{file_url}");
    assert!(
        unb64(fetched["base64"].as_str().unwrap_or("")) == back,
        "the official SDK's fileUrl gives other bytes"
    );

    bob.assert_replies_ok(from).await;
    bob.assert_no_problems(from);
    let _ = alice.destroy().await;
    bob.call("destroy", json!({})).await.ok();
    stop_server(server).await;
}

#[test]
fn files_both_ways_with_simple_sig() {
    run(files_both_ways(
        json!({"uploadPlugin": true, "fileUploadProxy": "set below"}),
        "im_cos_msg.simple_sig",
    ));
}

#[test]
fn files_both_ways_with_pre_sig() {
    run(files_both_ways(
        json!({"uploadPlugin": true}),
        "im_cos_msg.pre_sig",
    ));
}
