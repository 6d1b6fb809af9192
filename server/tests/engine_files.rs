//! Files through the engine (docs/FILES.md, messages-facts §5): the
//! signature commands `im_cos_msg.simple_sig` / `pre_sig` /
//! `get_imageinfo`, and the file endpoint the signed URLs name (upload with
//! a valid, unexpired signature; size limit; bounded memory; downloads with
//! and without `authKey`; a signed URL uploads once; `Range` downloads and
//! their abuse).

mod common;

use std::time::Duration;

use bytes::Bytes;
use common::*;
use serde_json::{json, Value};
use tcchat_server::engine::{EngineConfig, FileConfig, FileRequest, FileResponse};
use tcchat_server::store::{MemoryStore, Store};

const SIMPLE: &str = "im_cos_msg.simple_sig";
const PRE: &str = "im_cos_msg.pre_sig";
const IMAGE_INFO: &str = "im_cos_msg.get_imageinfo";
const BASE: &str = "http://127.0.0.1:7777";

fn files_config(files: FileConfig) -> EngineConfig {
    EngineConfig { files, ..config() }
}

fn served() -> FileConfig {
    FileConfig {
        base_url: Some(BASE.to_owned()),
        ..FileConfig::default()
    }
}

fn sim_with(files: FileConfig) -> Sim<MemoryStore> {
    Sim::with(files_config(files), MemoryStore::new())
}

/// The path and query of a URL the server handed out.
fn split(url: &str) -> (String, String) {
    let rest = url.strip_prefix(BASE).expect("URL under the base");
    match rest.split_once('?') {
        Some((p, q)) => (p.to_owned(), q.to_owned()),
        None => (rest.to_owned(), String::new()),
    }
}

fn http<S: Store>(sim: &mut Sim<S>, method: &str, url: &str, body: &[u8]) -> FileResponse {
    let (path, query) = split(url);
    let body = Bytes::copy_from_slice(body);
    let req = FileRequest {
        method,
        path: &path,
        query: &query,
        content_type: Some("text/plain"),
        range: None,
        body: &body,
    };
    sim.engine.handle_file(sim.unix_ms(), &req)
}

fn get_range<S: Store>(sim: &mut Sim<S>, url: &str, range: &str) -> FileResponse {
    let (path, query) = split(url);
    let body = Bytes::new();
    let req = FileRequest {
        method: "GET",
        path: &path,
        query: &query,
        content_type: None,
        range: Some(range),
        body: &body,
    };
    sim.engine.handle_file(sim.unix_ms(), &req)
}

fn error_code(resp: &FileResponse) -> Value {
    serde_json::from_slice::<Value>(&resp.body).unwrap_or(Value::Null)["ErrorCode"].clone()
}

fn simple_sig(c: &mut Client, sim: &mut Sim, file_type: u32, name: &str) -> Value {
    let body = json!({"uint32_upload_method": 0, "uint32_platform": 7, "uint32_sdkappid": APP,
        "str_user_id": c.user, "uint32_scene": 1,
        "rpt_upload_object": [{"uint32_file_id": 1, "uint32_file_type": file_type, "str_file_name": name}]});
    c.reply(sim, SIMPLE, body).body
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    png.extend_from_slice(&width.to_be_bytes());
    png.extend_from_slice(&height.to_be_bytes());
    png.extend_from_slice(&[8, 6, 0, 0, 0, 1, 2, 3, 4]);
    png
}

#[test]
fn simple_sig_upload_and_download_round_trip() {
    let mut sim = sim_with(served());
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    let reply = simple_sig(
        &mut alice,
        &mut sim,
        255,
        "de66aa7d87c0cbc1d9218f0edc986bf5-185032.txt",
    );
    assert_eq!(reply["ErrorCode"], 0, "{reply}");
    let item = &reply["rpt_pre_sig"][0];
    assert_eq!(item["uint32_file_id"], 1);
    assert_eq!(item["uint32_exist_flag"], 0);
    assert_eq!(reply["str_final_ip"], "");
    let upload = item["str_upload_url"].as_str().unwrap();
    let download = item["str_download_url"].as_str().unwrap();
    assert!(
        upload.starts_with(&format!("{BASE}/cos/{APP}/im/255/")),
        "{upload}"
    );
    assert!(
        upload.ends_with("-185032.txt") || upload.contains("-185032.txt?"),
        "{upload}"
    );
    assert!(
        download.starts_with(&format!("{BASE}/cos/{APP}/im/255/")),
        "{download}"
    );
    assert!(!download.contains('?'));

    // Not there before the upload.
    assert_eq!(http(&mut sim, "GET", download, b"").status, 404);
    let put = http(&mut sim, "PUT", upload, b"sixteen bytes!!\n");
    assert_eq!(put.status, 200, "{:?}", put.body);
    let got = http(&mut sim, "GET", download, b"");
    assert_eq!(got.status, 200);
    assert_eq!(&got.body[..], b"sixteen bytes!!\n");
    assert_eq!(got.content_type, "text/plain");
    assert_eq!(sim.engine.file_bytes(), 16);
}

#[test]
fn pre_sig_has_the_official_keys() {
    let mut sim = sim_with(served());
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    let body = json!({"file_type": 255, "file_name": "380736efecc6df86c1608805228d2e13-78294.txt",
        "upload_method": 0, "Duration": 900});
    let reply = alice.reply(&mut sim, PRE, body).body;
    assert_eq!(reply["ErrorCode"], 0, "{reply}");
    assert_eq!(reply["expired_time"], sim.unix_s() + 900);
    assert!(reply["request_id"].as_str().is_some_and(|r| !r.is_empty()));
    let upload = reply["upload_url"].as_str().unwrap();
    let download = reply["download_url"].as_str().unwrap();
    assert_eq!(http(&mut sim, "PUT", upload, b"abc").status, 200);
    assert_eq!(&http(&mut sim, "GET", download, b"").body[..], b"abc");
}

#[test]
fn signatures_bind_the_file_and_expire() {
    let mut sim = sim_with(served());
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    let a = simple_sig(&mut alice, &mut sim, 255, "a.txt");
    let b = simple_sig(&mut alice, &mut sim, 255, "b.txt");
    let up_a = a["rpt_pre_sig"][0]["str_upload_url"]
        .as_str()
        .unwrap()
        .to_owned();
    let up_b = b["rpt_pre_sig"][0]["str_upload_url"]
        .as_str()
        .unwrap()
        .to_owned();
    // a's signature on b's path.
    let (path_b, _) = split(&up_b);
    let (_, query_a) = split(&up_a);
    let forged = format!("{BASE}{path_b}?{query_a}");
    let refused = http(&mut sim, "PUT", &forged, b"x");
    assert_eq!(refused.status, 403);
    let body: Value = serde_json::from_slice(&refused.body).unwrap();
    assert_eq!(body["ErrorCode"], 70400);
    // No signature at all.
    let (path_a, _) = split(&up_a);
    assert_eq!(
        http(&mut sim, "PUT", &format!("{BASE}{path_a}"), b"x").status,
        403
    );
    // A longer expiry with the same signature.
    let stretched = up_a.replace("expires=", "expires=9");
    assert_eq!(http(&mut sim, "PUT", &stretched, b"x").status, 403);
    // Expired: 15 minutes and a second later.
    sim.advance(Duration::from_secs(901));
    assert_eq!(http(&mut sim, "PUT", &up_a, b"x").status, 403);
    assert_eq!(sim.engine.file_bytes(), 0);
}

#[test]
fn uploads_over_the_limit_are_refused_and_memory_is_bounded() {
    let mut sim = sim_with(FileConfig {
        max_file_bytes: 10,
        max_total_bytes: 25,
        ..served()
    });
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    let mut urls = Vec::new();
    for i in 0..4 {
        let r = simple_sig(&mut alice, &mut sim, 255, &format!("f{i}.bin"));
        let item = &r["rpt_pre_sig"][0];
        urls.push((
            item["str_upload_url"].as_str().unwrap().to_owned(),
            item["str_download_url"].as_str().unwrap().to_owned(),
        ));
    }
    let big = http(&mut sim, "PUT", &urls[0].0, &[7u8; 11]);
    assert_eq!(big.status, 413);
    let body: Value = serde_json::from_slice(&big.body).unwrap();
    assert_eq!(body["ErrorCode"], 70399);
    for (up, _) in &urls[1..] {
        assert_eq!(http(&mut sim, "PUT", up, &[1u8; 10]).status, 200);
    }
    // Three files of 10 bytes in 25: the oldest went.
    assert_eq!(sim.engine.file_bytes(), 20);
    assert_eq!(http(&mut sim, "GET", &urls[1].1, b"").status, 404);
    assert_eq!(http(&mut sim, "GET", &urls[2].1, b"").status, 200);
    assert_eq!(http(&mut sim, "GET", &urls[3].1, b"").status, 200);
}

#[test]
fn refusals_always_carry_an_error_code() {
    // No HTTP listener: a typed refusal, never a reply without rpt_pre_sig
    // (the official SDK would loop on it).
    let mut sim = sim_with(FileConfig::default());
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    let reply = simple_sig(&mut alice, &mut sim, 255, "a.txt");
    assert_eq!(reply["ErrorCode"], 70398, "{reply}");

    let mut sim = sim_with(served());
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    for name in ["", "../etc/passwd", "a b.txt", ".hidden", &"x".repeat(129)] {
        let reply = simple_sig(&mut alice, &mut sim, 255, name);
        assert_eq!(reply["ErrorCode"], 10004, "{name}: {reply}");
    }
    let reply = simple_sig(&mut alice, &mut sim, 9, "a.txt");
    assert_eq!(reply["ErrorCode"], 10004);
    let empty = json!({"str_user_id": "alice", "uint32_scene": 1, "rpt_upload_object": []});
    assert_eq!(
        alice.reply(&mut sim, SIMPLE, empty).body["ErrorCode"],
        10004
    );
    let other = json!({"str_user_id": "bob", "rpt_upload_object": [{"uint32_file_id": 1, "uint32_file_type": 255, "str_file_name": "a.txt"}]});
    assert_eq!(
        alice.reply(&mut sim, SIMPLE, other).body["ErrorCode"],
        20003
    );
    let many: Vec<Value> = (0..11)
        .map(|i| json!({"uint32_file_id": i, "uint32_file_type": 255, "str_file_name": "a.txt"}))
        .collect();
    let many = json!({"str_user_id": "alice", "rpt_upload_object": many});
    assert_eq!(alice.reply(&mut sim, SIMPLE, many).body["ErrorCode"], 10005);

    // Paths outside the store are unknown files.
    for path in ["/cos/1400000000/../x", "/cos/nope/im/x", "/cos/1400000000/"] {
        let url = format!("{BASE}{path}");
        assert_eq!(http(&mut sim, "GET", &url, b"").status, 404, "{path}");
    }
}

#[test]
fn image_info_reports_size_and_the_official_variants() {
    let mut sim = sim_with(served());
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    let r = simple_sig(
        &mut alice,
        &mut sim,
        1,
        "0123456789abcdef0123456789abcdef-1.png",
    );
    let item = &r["rpt_pre_sig"][0];
    let download = item["str_download_url"].as_str().unwrap().to_owned();
    assert_eq!(
        http(
            &mut sim,
            "PUT",
            item["str_upload_url"].as_str().unwrap(),
            &png(640, 480)
        )
        .status,
        200
    );
    let info = alice
        .reply(&mut sim, IMAGE_INFO, json!({"str_image_url": download}))
        .body;
    assert_eq!(info["ErrorCode"], 0, "{info}");
    let list = info["rpt_msg_image_info"].as_array().unwrap();
    let sizes: Vec<(u64, u64, u64)> = list
        .iter()
        .map(|i| {
            (
                i["uint32_image_type"].as_u64().unwrap(),
                i["uint32_width"].as_u64().unwrap(),
                i["uint32_height"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(sizes, vec![(3, 640, 480), (2, 640, 480), (1, 264, 198)]);
    assert_eq!(list[0]["str_image_format"], "png");
    assert!(list[2]["str_url"]
        .as_str()
        .unwrap()
        .ends_with("?imageView2/3/w/198/h/198"));
    // The thumbnail URL downloads the original.
    let thumb = list[2]["str_url"].as_str().unwrap().to_owned();
    assert_eq!(http(&mut sim, "GET", &thumb, b"").status, 200);

    let missing = alice
        .reply(
            &mut sim,
            IMAGE_INFO,
            json!({"str_image_url": format!("{BASE}/cos/{APP}/im/1/none.png")}),
        )
        .body;
    assert_eq!(missing["ErrorCode"], 70404);
}

#[test]
fn downloads_need_the_auth_key_when_configured() {
    let mut sim = sim_with(FileConfig {
        require_auth_key: true,
        ..served()
    });
    let mut alice = Client::new(1, APP, "alice");
    let login = alice.login(&mut sim);
    let key = login.body["RichMsgAuthKey"].as_str().unwrap().to_owned();
    assert_eq!(key.len(), 32);
    let r = simple_sig(&mut alice, &mut sim, 255, "a.txt");
    let item = &r["rpt_pre_sig"][0];
    let download = item["str_download_url"].as_str().unwrap().to_owned();
    assert_eq!(
        http(
            &mut sim,
            "PUT",
            item["str_upload_url"].as_str().unwrap(),
            b"hi"
        )
        .status,
        200
    );
    assert_eq!(http(&mut sim, "GET", &download, b"").status, 403);
    assert_eq!(
        http(&mut sim, "GET", &format!("{download}?authKey=nope"), b"").status,
        403
    );
    let got = http(&mut sim, "GET", &format!("{download}?authKey={key}"), b"");
    assert_eq!(got.status, 200);
    assert_eq!(&got.body[..], b"hi");

    // Without the option the login reply has no key.
    let mut sim = sim_with(served());
    let mut bob = Client::new(2, APP, "bob");
    assert!(bob.login(&mut sim).body.get("RichMsgAuthKey").is_none());
}

#[test]
fn a_signed_url_uploads_once_so_nobody_else_replaces_the_file() {
    let mut sim = sim_with(served());
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    let r = simple_sig(&mut alice, &mut sim, 255, "a.txt");
    let up = r["rpt_pre_sig"][0]["str_upload_url"]
        .as_str()
        .unwrap()
        .to_owned();
    let down = r["rpt_pre_sig"][0]["str_download_url"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(http(&mut sim, "PUT", &up, b"alice's").status, 200);
    // Anyone else holding the URL (bob saw it, a proxy logged it) cannot
    // replace the file the message points at.
    let again = http(&mut sim, "PUT", &up, b"bob's!!");
    assert_eq!(again.status, 409);
    assert_eq!(error_code(&again), 70409);
    assert_eq!(&http(&mut sim, "GET", &down, b"").body[..], b"alice's");
    assert_eq!(sim.engine.file_bytes(), 7);
}

#[test]
fn ranges_serve_one_part_and_abuse_is_refused_with_416() {
    let mut sim = sim_with(served());
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    let r = simple_sig(&mut alice, &mut sim, 255, "a.txt");
    let up = r["rpt_pre_sig"][0]["str_upload_url"]
        .as_str()
        .unwrap()
        .to_owned();
    let down = r["rpt_pre_sig"][0]["str_download_url"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(http(&mut sim, "PUT", &up, b"0123456789").status, 200);
    for (range, body, content_range) in [
        ("bytes=0-3", &b"0123"[..], "bytes 0-3/10"),
        ("bytes=7-", b"789", "bytes 7-9/10"),
        ("bytes=-2", b"89", "bytes 8-9/10"),
        ("bytes=8-99", b"89", "bytes 8-9/10"),
        ("bytes=-99", b"0123456789", "bytes 0-9/10"),
    ] {
        let got = get_range(&mut sim, &down, range);
        assert_eq!(got.status, 206, "{range}");
        assert_eq!(&got.body[..], body, "{range}");
        assert_eq!(got.content_range.as_deref(), Some(content_range), "{range}");
    }
    let huge = format!("bytes=0-{}", "9".repeat(60));
    let many = format!("bytes={}", vec!["0-0"; 500].join(","));
    for range in [
        "bytes=0-1,3-4",
        many.as_str(),
        "bytes=10-",
        "bytes=5-2",
        "bytes=-0",
        "bytes=-",
        "bytes=a-b",
        "items=0-1",
        "(not text)",
        huge.as_str(),
        "bytes=99999999999999999999999-",
    ] {
        let got = get_range(&mut sim, &down, range);
        assert_eq!(got.status, 416, "{range}");
        assert_eq!(error_code(&got), 70416, "{range}");
        assert_eq!(got.content_range.as_deref(), Some("bytes */10"), "{range}");
    }
}
