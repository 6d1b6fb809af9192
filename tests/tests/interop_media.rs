//! Interop for issue 19, images, videos and audio: the official Web SDK
//! (`@tencentcloud/chat` 3.6.6 with `tim-upload-plugin` 1.4.3, in Node)
//! and tcchat, one in-process `tcchat-server` between them.
//!
//! * The official SDK sends an image and an audio message: it signs with
//!   `im_cos_msg.simple_sig` (with `fileUploadProxy`; then it asks
//!   `get_imageinfo` for the image) or `pre_sig` (only `proxyServer`; then
//!   it measures the image by loading its URL into an `Image`), `PUT`s the
//!   bytes through the plugin and sends the element; tcchat receives each
//!   and downloads the very bytes.
//! * tcchat sends an image, an audio message and a video with its
//!   snapshot; the official SDK receives each (MESSAGE_RECEIVED with the
//!   sizes and URLs) and a GET of every URL it shows gives the very bytes.
//!
//! * With the server's `[files] simple_cos = false`, its `fetch_config`
//!   reply turns the official SDK with an upload proxy to `pre_sig`.
//!
//! What Node needs (test harness code in `tests/interop/agent.js`): the
//! XMLHttpRequest shim of `interop_files.rs`; for images
//! `window.URL.createObjectURL`, set after login (messages-facts §5.1), and
//! on the `pre_sig` path an `Image` that fetches the URL and reads the PNG
//! header. The official SDK's `createVideoMessage` cannot run in Node: it
//! picks its platform when it loads (`typeof window`), and with none of
//! its platforms detected it builds no video file and refuses with 2352
//! (MSG_V_TYPES_LIMIT) before sending anything. Its browser branch would
//! need `window` before the module loads, and a `window` defined even just
//! before login makes `login` fail in Node (messages-facts §5.1). So videos
//! are covered one way, tcchat to the official SDK.
//!
//! `cargo test -p tcchat-tests --test interop_media`

mod interop_harness;

use base64::Engine as _;
use interop_harness::*;
use serde_json::{json, Value};
use tcchat_server::ServerConfig;
use tcchat_tokio::{CreateMediaMessageOptions, Event, MediaSource, Message, Options, Payload};

const LOG_LEVEL: u8 = 0;

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn unb64(text: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .expect("base64 from the agent")
}

/// Wait for tcchat's MESSAGE_RECEIVED of element type `msg_type`.
async fn tcchat_received(events: &mut tcchat_tokio::EventStream, msg_type: &str) -> Message {
    let event = tcchat_tests::world::expect_event::<tcchat_tokio::TokioRuntime>(
        events,
        msg_type,
        |e| matches!(e, Event::MessageReceived(l) if l.iter().any(|m| m.msg_type == msg_type)),
    )
    .await;
    let Event::MessageReceived(list) = event else {
        unreachable!()
    };
    list.into_iter()
        .find(|m| m.msg_type == msg_type)
        .expect("matched above")
}

/// The official SDK's view of the message of type `msg_type` from alice.
async fn official_received(agent: &mut Agent, from: usize, msg_type: &str) -> Value {
    let (_, record) = agent
        .wait_event("MESSAGE_RECEIVED", from, PATIENCE, |d| {
            d.as_array().is_some_and(|l| {
                l.iter()
                    .any(|m| m["type"] == msg_type && m["from"] == "alice")
            })
        })
        .await;
    received(&record)
        .into_iter()
        .find(|m| m["type"] == msg_type)
        .expect("matched above")
}

/// GET `url` from Node: the bytes must be `expected`.
async fn official_fetches(agent: &mut Agent, url: &Value, expected: &[u8]) {
    let url = url.as_str().unwrap_or_else(|| panic!("no URL: {url}"));
    let fetched = agent.ok("fetchUrl", json!({ "url": url })).await;
    assert_eq!(fetched["status"], 200, "{url}");
    let got = unb64(fetched["base64"].as_str().unwrap_or(""));
    assert!(got == expected, "{url} gave {} other bytes", got.len());
}

/// A PNG header of `w`×`h` and some bytes after it.
fn png(w: u32, h: u32) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    png.extend_from_slice(&w.to_be_bytes());
    png.extend_from_slice(&h.to_be_bytes());
    png.extend((0..5_000u32).map(|i| (i % 251) as u8));
    png
}

async fn media_both_ways(options: Value, simple_cos: Option<bool>, sign_cmd: &str) {
    node_ready();
    let mut config = ServerConfig::ephemeral(vec![app()]);
    config.files.simple_cos = simple_cos;
    let server = start_server(config).await;
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
    // As in interop_files.rs: the official SDK's simple_sig locations are
    // `https://`; tcchat reaches this plain-HTTP server through its
    // download proxy.
    let (alice, mut alice_events) = tcchat_login_with(
        Options::new(APP)
            .with_proxy_server(&url)
            .with_file_download_proxy(&http),
        "alice",
    )
    .await;

    // Official → tcchat: an image and an audio message.
    let image = png(640, 480);
    let sent = bob
        .ok(
            "sendMedia",
            json!({"kind": "image", "to": "alice", "name": "photo.png", "base64": b64(&image)}),
        )
        .await;
    assert_eq!(sent["status"], "success", "{sent}");
    let sizes: Vec<(Value, Value)> = sent["payload"]["imageInfoArray"]
        .as_array()
        .expect("imageInfoArray")
        .iter()
        .map(|v| (v["width"].clone(), v["height"].clone()))
        .collect();
    assert!(sizes.contains(&(json!(640), json!(480))), "{sizes:?}");
    let got = tcchat_received(&mut alice_events, "TIMImageElem").await;
    let Payload::Image(p) = &got.payload else {
        panic!("{:?}", got.payload)
    };
    let original = p
        .image_info_array
        .iter()
        .find(|v| v.variant_type == 0)
        .expect("the original");
    assert_eq!((original.width, original.height), (640, 480));
    let downloaded = tcchat_call("download image", alice.download_file(&original.url)).await;
    assert!(
        downloaded.as_ref() == image.as_slice(),
        "{} bytes",
        downloaded.len()
    );

    let audio: Vec<u8> = (0..40_000u32).map(|i| (i * 3 % 256) as u8).collect();
    let sent = bob
        .ok(
            "sendMedia",
            json!({"kind": "audio", "to": "alice", "name": "voice.m4a", "base64": b64(&audio), "second": 3}),
        )
        .await;
    assert_eq!(sent["status"], "success", "{sent}");
    let got = tcchat_received(&mut alice_events, "TIMSoundElem").await;
    let Payload::Audio(p) = &got.payload else {
        panic!("{:?}", got.payload)
    };
    assert_eq!((p.size, p.second), (40_000, 3));
    let downloaded = tcchat_call("download audio", alice.download_file(&p.url)).await;
    assert!(
        downloaded.as_ref() == audio.as_slice(),
        "{} bytes",
        downloaded.len()
    );
    let counts = bob.request_counts(from);
    assert_eq!(counts.get(sign_cmd), Some(&2), "{counts:?}");

    // tcchat → official: an image, an audio message, a video with its
    // snapshot.
    let image = png(320, 200);
    let m = alice
        .create_image_message(&CreateMediaMessageOptions::c2c(
            "bob",
            MediaSource::new("back.png", image.clone()),
        ))
        .expect("create image");
    tcchat_call("send image", alice.send_message(&m)).await;
    let view = official_received(&mut bob, from, "TIMImageElem").await;
    let variants = view["payload"]["imageInfoArray"]
        .as_array()
        .expect("imageInfoArray")
        .clone();
    assert_eq!(variants.len(), 3, "{view}");
    assert!(
        variants
            .iter()
            .any(|v| v["width"] == 320 && v["height"] == 200),
        "{view}"
    );
    official_fetches(&mut bob, &variants[0]["url"], &image).await;

    let audio: Vec<u8> = b"not really AAC ".repeat(2000);
    let m = alice
        .create_audio_message(
            &CreateMediaMessageOptions::c2c("bob", MediaSource::new("hi.m4a", audio.clone()))
                .with_second(5),
        )
        .expect("create audio");
    tcchat_call("send audio", alice.send_message(&m)).await;
    let view = official_received(&mut bob, from, "TIMSoundElem").await;
    assert_eq!(view["payload"]["second"], 5, "{view}");
    assert_eq!(view["payload"]["size"], audio.len(), "{view}");
    official_fetches(&mut bob, &view["payload"]["url"], &audio).await;

    let video: Vec<u8> = (0..300_000u32).map(|i| (i * 11 % 256) as u8).collect();
    let cover = png(160, 90);
    let m = alice
        .create_video_message(
            &CreateMediaMessageOptions::c2c("bob", MediaSource::new("clip.mp4", video.clone()))
                .with_second(7)
                .with_snapshot(MediaSource::new("cover.png", cover.clone())),
        )
        .expect("create video");
    tcchat_call("send video", alice.send_message(&m)).await;
    let view = official_received(&mut bob, from, "TIMVideoFileElem").await;
    let p = &view["payload"];
    assert_eq!(p["videoSecond"], 7, "{view}");
    assert_eq!(p["videoSize"], video.len(), "{view}");
    assert_eq!(
        (p["snapshotWidth"].clone(), p["snapshotHeight"].clone()),
        (json!(160), json!(90)),
        "{view}"
    );
    official_fetches(&mut bob, &p["videoUrl"], &video).await;
    official_fetches(&mut bob, &p["snapshotUrl"], &cover).await;

    bob.assert_replies_ok(from).await;
    bob.assert_no_problems(from);
    let _ = alice.destroy().await;
    bob.call("destroy", json!({})).await.ok();
    stop_server(server).await;
}

#[test]
fn images_audio_and_videos_with_simple_sig() {
    run(media_both_ways(
        json!({"uploadPlugin": true, "fileUploadProxy": "set below"}),
        None,
        "im_cos_msg.simple_sig",
    ));
}

#[test]
fn images_audio_and_videos_with_pre_sig() {
    run(media_both_ways(
        json!({"uploadPlugin": true}),
        None,
        "im_cos_msg.pre_sig",
    ));
}

/// The server's cloud config (`fetch_config`, `{"simple_cos":"0"}`) turns
/// the official SDK with an upload proxy from `simple_sig` to `pre_sig`,
/// as it turns tcchat.
#[test]
fn images_audio_and_videos_with_the_cloud_config_choosing_pre_sig() {
    run(media_both_ways(
        json!({"uploadPlugin": true, "fileUploadProxy": "set below"}),
        Some(false),
        "im_cos_msg.pre_sig",
    ));
}
