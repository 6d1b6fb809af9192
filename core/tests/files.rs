//! Files and rich media in the client core (issue 19) in virtual time: the
//! signature request (`simple_sig` or `pre_sig` as the official SDK
//! chooses, messages-facts §5.1), the upload handed to the driver, its
//! progress and outcome, the proxy rewrites, the 2041 / 2400 failures
//! with nothing sent, cancel, and received elements' download URLs.

use std::cell::RefCell;

use bytes::Bytes;
use serde_json::{json, Value};

use tcchat_core::client::{
    CreateMediaMessageOptions, MediaSource, UploadAction, UploadBody, UploadRequest,
};
use tcchat_core::model::{Message, Payload};
use tcchat_core::options::Options;
use tcchat_core::types::MessageStatus;
use tcchat_core::wire::servcmd;
use tcchat_core::{ChatError, ErrorCode, RequestId};

mod common;

use common::{received, Harness};

/// A change of the options.
type Change = Box<dyn FnOnce(&mut Options)>;

thread_local! {
    /// How the next `Harness::new()` changes the options.
    static OPTIONS: RefCell<Option<Change>> = RefCell::new(None);
}

impl Harness {
    fn new() -> Harness {
        let change = OPTIONS.with(|o| o.borrow_mut().take());
        let mut h = Harness::build_with(19, |opts| {
            if let Some(change) = change {
                change(opts);
            }
        });
        h.auto_open = true;
        h.open();
        h
    }

    /// Logged in, with `change` applied to the options first.
    fn logged_in_opts(change: impl FnOnce(&mut Options) + 'static) -> Harness {
        OPTIONS.with(|o| *o.borrow_mut() = Some(Box::new(change)));
        Harness::logged_in()
    }

    fn uploads(&mut self) -> Vec<UploadAction> {
        std::iter::from_fn(|| self.client.poll_upload()).collect()
    }

    fn only_put(&mut self) -> UploadRequest {
        let actions = self.uploads();
        match actions.as_slice() {
            [UploadAction::Put(put)] => put.clone(),
            other => panic!("expected one upload, got {other:?}"),
        }
    }

    fn file_message(&mut self, bytes: &'static [u8]) -> Message {
        let opts = CreateMediaMessageOptions::c2c("u2", MediaSource::new("notes.txt", bytes));
        self.client.create_file_message(self.now, &opts).unwrap()
    }

    /// Send `msg`, answering the cloud config (asked before the first
    /// upload of a session) with an empty one.
    fn send(&mut self, msg: &Message) -> RequestId<Message> {
        self.send_with_config(msg, "")
    }

    /// Send `msg`, answering the cloud config with `json_config` if asked.
    fn send_with_config(&mut self, msg: &Message, json_config: &str) -> RequestId<Message> {
        let id = self.client.send_message(self.now, msg).unwrap();
        self.drain();
        self.reply_pending(servcmd::FETCH_CONFIG, config_reply(json_config));
        id
    }
}

const UPLOAD: &str = "https://cos.mock-upload.example/im/1/x.txt?sign=mocksig1";
const DOWNLOAD: &str = "https://cos.mock-download.example/im/1/x.txt";

fn simple_reply() -> Value {
    json!({"str_final_ip": "", "rpt_pre_sig": [{"uint32_file_id": 1, "uint32_exist_flag": 0,
        "str_file_key": "im/1/x.txt", "str_upload_url": UPLOAD, "str_download_url": DOWNLOAD,
        "str_snapshot_url": ""}]})
}

fn config_reply(json_config: &str) -> Value {
    json!({"int32_error_code": 0, "str_error_message": "", "uint64_version": 1,
        "uint32_expired_time": 3600, "str_json_config": json_config})
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    png.extend_from_slice(&width.to_be_bytes());
    png.extend_from_slice(&height.to_be_bytes());
    png.extend_from_slice(&[8, 6, 0, 0, 0]);
    png
}

#[test]
fn simple_sig_upload_progress_then_the_send_with_proxied_urls() {
    let mut h = Harness::logged_in_opts(|o| {
        o.file_upload_proxy = Some("http://127.0.0.1:19311".into());
    });
    let msg = h.file_message(b"sixteen bytes!!\n");
    assert!(
        matches!(&msg.payload, Payload::File(p) if p.file_size == 16 && p.file_name == "notes.txt")
    );
    let id = h.send(&msg);
    // An upload proxy with proxyServer: simple_sig (messages-facts §5.1).
    assert!(h.sent_of(servcmd::COS_PRE_SIG).is_empty());
    let sig = h.last_sent(servcmd::COS_SIMPLE_SIG).body;
    assert_eq!(sig["str_user_id"], "u1");
    assert_eq!(sig["uint32_scene"], 1);
    assert_eq!(sig["rpt_upload_object"][0]["uint32_file_type"], 255);
    let name = sig["rpt_upload_object"][0]["str_file_name"]
        .as_str()
        .unwrap();
    assert!(
        name.len() > 34 && name.ends_with(".txt") && name.as_bytes()[32] == b'-',
        "{name}"
    );
    // Nothing sent, nothing to upload before the signature.
    assert!(h.uploads().is_empty());
    assert!(h.sent_of(servcmd::SEND_C2C).is_empty());

    h.reply(servcmd::COS_SIMPLE_SIG, simple_reply());
    let put = h.only_put();
    assert_eq!(put.url, "http://127.0.0.1:19311/im/1/x.txt?sign=mocksig1");
    assert_eq!(
        put.body,
        UploadBody::Bytes(Bytes::from_static(b"sixteen bytes!!\n"))
    );
    assert_eq!(put.message_id, msg.id);
    assert!(h.sent_of(servcmd::SEND_C2C).is_empty());

    assert_eq!(
        h.client.handle_upload_progress(h.now, put.id, 8, 16),
        Some((msg.id.clone(), 0.5))
    );
    assert_eq!(h.client.upload_progress(&msg.id), Some(0.5));
    h.no_result(id);
    h.client.handle_upload_done(h.now, put.id, Ok(()));
    h.drain();
    let send = h.last_sent(servcmd::SEND_C2C).body;
    assert_eq!(
        send["MsgBody"],
        json!([{"MsgType": "TIMFileElem", "MsgContent": {"Download_Flag": 2, "Url": DOWNLOAD,
            "UUID": msg.payload_uuid(), "FileName": "notes.txt", "FileSize": 16}}])
    );
    h.reply(
        servcmd::SEND_C2C,
        json!({"MsgTime": 1_795_629_945, "MsgKey": "k"}),
    );
    let sent = h.result(id).unwrap();
    assert_eq!(sent.status, MessageStatus::Success);
    let Payload::File(p) = &sent.payload else {
        panic!("{:?}", sent.payload)
    };
    // The download proxy defaults to the upload proxy; the wire URL stays.
    assert_eq!(p.remote_file_url, DOWNLOAD);
    assert_eq!(p.file_url, "http://127.0.0.1:19311/im/1/x.txt");
}

trait Uuid {
    fn payload_uuid(&self) -> String;
}

impl Uuid for Message {
    fn payload_uuid(&self) -> String {
        match &self.payload {
            Payload::File(p) => p.uuid.clone(),
            Payload::Image(p) => p.uuid.clone(),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn private_network_signs_with_pre_sig_and_uploads_to_the_raw_url() {
    let mut h = Harness::logged_in();
    let msg = h.file_message(b"abc");
    let _id = h.send(&msg);
    assert!(h.sent_of(servcmd::COS_SIMPLE_SIG).is_empty());
    let sig = h.last_sent(servcmd::COS_PRE_SIG).body;
    assert_eq!(sig["file_type"], 255);
    assert_eq!(sig["Duration"], 900);
    h.reply(
        servcmd::COS_PRE_SIG,
        json!({"expired_time": 1, "request_id": "r", "upload_url": UPLOAD, "download_url": DOWNLOAD,
            "head_url": "", "ci_url": ""}),
    );
    assert_eq!(h.only_put().url, UPLOAD);
}

#[test]
fn a_failed_signature_fails_the_send_with_2041_and_sends_nothing() {
    let mut h = Harness::logged_in_opts(|o| o.file_upload_proxy = Some("http://p".into()));
    let msg = h.file_message(b"abc");
    let id = h.send(&msg);
    h.reply(
        servcmd::COS_SIMPLE_SIG,
        json!({"ErrorCode": 70398, "ErrorInfo": "no"}),
    );
    let err: ChatError = h.result(id).unwrap_err();
    assert_eq!(err.code, ErrorCode::COS_GET_SIG_FAIL);
    assert!(h.uploads().is_empty());
    assert!(h.sent_of(servcmd::SEND_C2C).is_empty());
    // A reply without rpt_pre_sig (the official SDK loops on it) is a
    // failure too, asked once.
    let id = h.send(&msg);
    h.reply(servcmd::COS_SIMPLE_SIG, json!({}));
    assert_eq!(h.result(id).unwrap_err().code, ErrorCode::COS_GET_SIG_FAIL);
    assert_eq!(h.sent_of(servcmd::COS_SIMPLE_SIG).len(), 2);
    assert!(h.uploads().is_empty());
}

#[test]
fn a_failed_upload_fails_the_send_with_2400_and_can_be_resent() {
    let mut h = Harness::logged_in_opts(|o| o.file_upload_proxy = Some("http://p".into()));
    let msg = h.file_message(b"abc");
    let id = h.send(&msg);
    h.reply(servcmd::COS_SIMPLE_SIG, simple_reply());
    let put = h.only_put();
    h.client
        .handle_upload_done(h.now, put.id, Err("HTTP 500".into()));
    let err = h.result(id).unwrap_err();
    assert_eq!(err.code, ErrorCode::MSG_F_UPLOAD_FAIL);
    assert!(h.sent_of(servcmd::SEND_C2C).is_empty());
    // Failed, so it may be sent again: a new signature and upload.
    let id = h.send(&msg);
    h.reply(servcmd::COS_SIMPLE_SIG, simple_reply());
    let put = h.only_put();
    h.client.handle_upload_done(h.now, put.id, Ok(()));
    h.drain();
    h.reply(
        servcmd::SEND_C2C,
        json!({"MsgTime": 1_795_629_945, "MsgKey": "k"}),
    );
    assert!(h.result(id).is_ok());
}

#[test]
fn cancel_stops_the_upload_and_fails_the_send() {
    let mut h = Harness::logged_in_opts(|o| o.file_upload_proxy = Some("http://p".into()));
    let msg = h.file_message(b"abc");
    let id = h.send(&msg);
    assert!(
        !h.client.cancel_upload(h.now, &msg.id),
        "no upload before the signature"
    );
    h.reply(servcmd::COS_SIMPLE_SIG, simple_reply());
    let put = h.only_put();
    assert!(h.client.cancel_upload(h.now, &msg.id));
    assert_eq!(h.uploads(), vec![UploadAction::Cancel(put.id)]);
    assert_eq!(h.result(id).unwrap_err().code, ErrorCode::MSG_F_UPLOAD_FAIL);
    // A late outcome of the cancelled upload changes nothing.
    h.client.handle_upload_done(h.now, put.id, Ok(()));
    h.drain();
    assert!(h.sent_of(servcmd::SEND_C2C).is_empty());
    assert_eq!(h.client.handle_upload_progress(h.now, put.id, 1, 3), None);
}

#[test]
fn image_messages_carry_size_and_thumbnail_as_the_official_sdk() {
    let mut h = Harness::logged_in_opts(|o| o.file_upload_proxy = Some("http://p".into()));
    let opts = CreateMediaMessageOptions::c2c("u2", MediaSource::new("a.png", png(640, 480)));
    let msg = h.client.create_image_message(h.now, &opts).unwrap();
    let id = h.send(&msg);
    assert_eq!(
        h.last_sent(servcmd::COS_SIMPLE_SIG).body["rpt_upload_object"][0]["uint32_file_type"],
        1
    );
    h.reply(servcmd::COS_SIMPLE_SIG, simple_reply());
    let put = h.only_put();
    h.client.handle_upload_done(h.now, put.id, Ok(()));
    h.drain();
    let body = h.last_sent(servcmd::SEND_C2C).body;
    let content = &body["MsgBody"][0]["MsgContent"];
    assert_eq!(body["MsgBody"][0]["MsgType"], "TIMImageElem");
    assert_eq!(content["ImageFormat"], 3);
    let sizes: Vec<(u64, u64, u64)> = content["ImageInfoArray"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["Type"].as_u64().unwrap(),
                i["Width"].as_u64().unwrap(),
                i["Height"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(sizes, vec![(1, 640, 480), (2, 640, 480), (3, 264, 198)]);
    assert_eq!(content["ImageInfoArray"][0]["Size"], png(640, 480).len());
    assert_eq!(
        content["ImageInfoArray"][2]["URL"],
        format!("{DOWNLOAD}?imageView2/3/w/198/h/198")
    );
    h.reply(
        servcmd::SEND_C2C,
        json!({"MsgTime": 1_795_629_945, "MsgKey": "k"}),
    );
    assert!(h.result(id).is_ok());
}

#[test]
fn refusals_before_anything_is_sent() {
    let mut h = Harness::logged_in();
    let empty = CreateMediaMessageOptions::c2c("u2", MediaSource::new("a.txt", Vec::new()));
    let err = h.client.create_file_message(h.now, &empty).unwrap_err();
    assert_eq!(err.code, ErrorCode::MSG_F_IS_EMPTY);
    let not_image =
        CreateMediaMessageOptions::c2c("u2", MediaSource::new("a.png", b"hello".to_vec()));
    let err = h
        .client
        .create_image_message(h.now, &not_image)
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::MSG_I_TYPES_LIMIT);
    let big = vec![0u8; tcchat_core::client::MAX_AUDIO_BYTES + 1];
    let audio = CreateMediaMessageOptions::c2c("u2", MediaSource::new("a.m4a", big));
    let err = h.client.create_audio_message(h.now, &audio).unwrap_err();
    assert_eq!(err.code, ErrorCode::MSG_A_SIZE_LIMIT);
    h.drain();
    assert!(h.sent.is_empty());
}

#[test]
fn received_elements_download_through_the_download_proxy_with_auth_key() {
    OPTIONS.with(|o| {
        *o.borrow_mut() = Some(Box::new(|o: &mut Options| {
            o.file_upload_proxy = Some("http://up.example".into());
            o.file_download_proxy = Some("https://dl-proxy.example".into());
        }))
    });
    let mut h = Harness::new();
    h.client.login(h.now, "u1", "sig-u1").unwrap();
    h.drain();
    h.reply(
        servcmd::LOGIN,
        json!({"A2Key": "a2-1", "TinyId": common::MY_TINY, "HelloInterval": 120, "InstId": 5,
            "TimeStamp": common::UNIX_MS / 1000, "RichMsgAuthKey": "AK_u1"}),
    );
    h.reply(
        servcmd::GET_MSG,
        json!({"Cookie": "ck1", "SyncFlag": 2, "MsgList": []}),
    );
    h.answer_login_sync(common::ALL_BITS);
    h.take_events();
    let mut wire = common::wire_msg("u2", "u1", 5, 6, 1_795_629_945, "x");
    wire["MsgBody"] = json!([{"MsgType": "TIMFileElem", "MsgContent": {"Download_Flag": 2,
        "Url": DOWNLOAD, "UUID": "u", "FileName": "n.txt", "FileSize": 3}}]);
    h.push(common::push_body(json!([wire])));
    let got = received(&h.take_events());
    let Payload::File(p) = &got[0].payload else {
        panic!("{:?}", got[0].payload)
    };
    // The wire URL stays; the local one goes through the download proxy
    // (not the upload proxy) and carries the authKey.
    assert_eq!(p.remote_file_url, DOWNLOAD);
    assert_eq!(
        p.file_url,
        "https://dl-proxy.example/im/1/x.txt?authKey=AK_u1"
    );
    assert_eq!(p.file_name, "n.txt");
}

#[test]
fn logout_during_an_upload_cancels_it_and_fails_the_send() {
    let mut h = Harness::logged_in_opts(|o| o.file_upload_proxy = Some("http://p".into()));
    let msg = h.file_message(b"abc");
    let id = h.send(&msg);
    h.reply(servcmd::COS_SIMPLE_SIG, simple_reply());
    let put = h.only_put();
    h.client.logout(h.now).unwrap();
    h.drain();
    h.reply(servcmd::LOGOUT, json!({}));
    let err = h.result(id).unwrap_err();
    assert_eq!(err.code, ErrorCode::LOGGED_OUT, "{err}");
    assert_eq!(h.uploads(), vec![UploadAction::Cancel(put.id)]);
    // Its outcome, arriving late, sends nothing.
    h.client.handle_upload_done(h.now, put.id, Ok(()));
    h.drain();
    assert!(h.sent_of(servcmd::SEND_C2C).is_empty());
}

#[test]
fn face_and_location_messages_need_no_upload_in_c2c_and_groups() {
    use tcchat_core::model::{Degrees, FacePayload, LocationPayload};
    use tcchat_core::types::ConversationType;
    let mut h = Harness::logged_in();
    let face = FacePayload {
        index: 3,
        data: "tt00".into(),
    };
    let msg = h
        .client
        .create_face_message(h.now, "u2", ConversationType::C2c, face.clone())
        .unwrap();
    let id = h.send(&msg);
    assert!(h.uploads().is_empty());
    assert!(h.sent_of(servcmd::COS_PRE_SIG).is_empty());
    assert_eq!(
        h.last_sent(servcmd::SEND_C2C).body["MsgBody"],
        json!([{"MsgType": "TIMFaceElem", "MsgContent": {"Index": 3, "Data": "tt00"}}])
    );
    h.reply(
        servcmd::SEND_C2C,
        json!({"MsgTime": 1_795_629_945, "MsgKey": "k"}),
    );
    assert_eq!(h.result(id).unwrap().payload, Payload::Face(face));

    let place = LocationPayload {
        description: "office".into(),
        longitude: Degrees(113.9),
        latitude: Degrees(22.5),
    };
    let msg = h
        .client
        .create_location_message(h.now, "grp1", ConversationType::Group, place.clone())
        .unwrap();
    h.send(&msg);
    assert_eq!(
        h.last_sent("group_open_http_svc.send_group_msg").body["MsgBody"],
        json!([{"MsgType": "TIMLocationElem", "MsgContent": {"Desc": "office", "Longitude": 113.9, "Latitude": 22.5}}])
    );
    let bad = LocationPayload {
        latitude: Degrees(91.0),
        ..place.clone()
    };
    let err = h
        .client
        .create_location_message(h.now, "u2", ConversationType::C2c, bad)
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::INVALID_OPERATION);

    // Received: parsed into the payload.
    let mut wire = common::wire_msg("u2", "u1", 5, 6, 1_795_629_945, "x");
    wire["MsgBody"] = json!([{"MsgType": "TIMLocationElem", "MsgContent": {"Desc": "office", "Longitude": 113.9, "Latitude": 22.5}}]);
    h.push(common::push_body(json!([wire])));
    let got = received(&h.take_events());
    assert_eq!(got[0].payload, Payload::Location(place));
}

/// The two signature replies of a video with a snapshot: file 1 the video,
/// file 2 the snapshot.
fn video_urls(n: u32) -> (String, String) {
    (
        format!("https://cos.mock-upload.example/im/2/v{n}.mp4?sign=s{n}"),
        format!("https://cos.mock-download.example/im/2/v{n}.mp4"),
    )
}

fn presig_reply(upload: &str, download: &str) -> Value {
    json!({"expired_time": 1, "request_id": "r", "upload_url": upload, "download_url": download,
        "head_url": "", "ci_url": ""})
}

#[test]
fn a_video_uploads_with_its_snapshot_and_carries_both_urls() {
    let mut h = Harness::logged_in_opts(|o| o.file_upload_proxy = Some("http://p".into()));
    let video = MediaSource::new("clip.mp4", vec![7u8; 30]);
    let opts = CreateMediaMessageOptions::c2c("u2", video)
        .with_second(12)
        .with_snapshot(MediaSource::new("cover.png", png(320, 240)));
    let msg = h.client.create_video_message(h.now, &opts).unwrap();
    let Payload::Video(p) = &msg.payload else {
        panic!("{:?}", msg.payload)
    };
    assert_eq!((p.snapshot_width, p.snapshot_height), (320, 240));
    assert_eq!(p.snapshot_size, png(320, 240).len() as u64);
    assert!(p.snapshot_uuid.ends_with(".png"), "{}", p.snapshot_uuid);
    let id = h.send(&msg);
    // One signature per file, in order: the video (type 2), then the
    // snapshot (type 1); nothing uploads before both are signed.
    let sig = h.last_sent(servcmd::COS_SIMPLE_SIG).body;
    assert_eq!(sig["rpt_upload_object"][0]["uint32_file_type"], 2);
    let (up1, down1) = video_urls(1);
    h.reply(
        servcmd::COS_SIMPLE_SIG,
        json!({"str_final_ip": "", "rpt_pre_sig": [{"uint32_file_id": 1, "str_upload_url": up1,
            "str_download_url": down1}]}),
    );
    assert!(h.uploads().is_empty());
    let sigs = h.sent_of(servcmd::COS_SIMPLE_SIG);
    assert_eq!(sigs.len(), 2);
    assert_eq!(sigs[1]["rpt_upload_object"][0]["uint32_file_type"], 1);
    let snap_up = "https://cos.mock-upload.example/im/1/c.png?sign=c";
    let snap_down = "https://cos.mock-download.example/im/1/c.png";
    h.reply(
        servcmd::COS_SIMPLE_SIG,
        json!({"str_final_ip": "", "rpt_pre_sig": [{"uint32_file_id": 1, "str_upload_url": snap_up,
            "str_download_url": snap_down}]}),
    );
    let actions = h.uploads();
    let [UploadAction::Put(v), UploadAction::Put(s)] = actions.as_slice() else {
        panic!("expected two uploads, got {actions:?}")
    };
    assert_eq!(v.url, "http://p/im/2/v1.mp4?sign=s1");
    assert_eq!(s.url, "http://p/im/1/c.png?sign=c");
    assert_eq!(v.body.len(), 30);
    assert_eq!(s.body, UploadBody::Bytes(png(320, 240).into()));
    // Progress is over both files' bytes.
    let total = (30 + png(320, 240).len()) as f64;
    let (_, f) = h
        .client
        .handle_upload_progress(h.now, v.id, 30, 30)
        .unwrap();
    assert!((f - 30.0 / total).abs() < 1e-9, "{f}");
    h.client.handle_upload_done(h.now, v.id, Ok(()));
    h.drain();
    assert!(
        h.sent_of(servcmd::SEND_C2C).is_empty(),
        "the snapshot still uploads"
    );
    h.no_result(id);
    h.client.handle_upload_done(h.now, s.id, Ok(()));
    h.drain();
    let body = h.last_sent(servcmd::SEND_C2C).body;
    assert_eq!(body["MsgBody"][0]["MsgType"], "TIMVideoFileElem");
    let c = &body["MsgBody"][0]["MsgContent"];
    assert_eq!(c["VideoUrl"], down1);
    assert_eq!(c["ThumbUrl"], snap_down);
    assert_eq!(
        (c["ThumbWidth"].clone(), c["ThumbHeight"].clone()),
        (json!(320), json!(240))
    );
    assert_eq!(c["VideoSecond"], 12);
    h.reply(
        servcmd::SEND_C2C,
        json!({"MsgTime": 1_795_629_945, "MsgKey": "k"}),
    );
    let sent = h.result(id).unwrap();
    let Payload::Video(p) = &sent.payload else {
        panic!("{:?}", sent.payload)
    };
    assert_eq!(p.remote_snapshot_url, snap_down);
    assert_eq!(p.snapshot_url, "http://p/im/1/c.png");
    assert_eq!(p.video_url, "http://p/im/2/v1.mp4");
}

/// A video with a snapshot, signed, both uploads handed out.
fn video_uploading(h: &mut Harness) -> (Message, RequestId<Message>, UploadRequest, UploadRequest) {
    let opts = CreateMediaMessageOptions::c2c("u2", MediaSource::new("clip.mp4", vec![7u8; 30]))
        .with_snapshot(MediaSource::new("cover.png", png(4, 4)));
    let msg = h.client.create_video_message(h.now, &opts).unwrap();
    let id = h.send(&msg);
    for n in 1..=2 {
        let (up, down) = video_urls(n);
        h.reply(servcmd::COS_PRE_SIG, presig_reply(&up, &down));
    }
    let actions = h.uploads();
    let [UploadAction::Put(v), UploadAction::Put(s)] = actions.as_slice() else {
        panic!("expected two uploads, got {actions:?}")
    };
    (msg, id, v.clone(), s.clone())
}

#[test]
fn a_failed_or_cancelled_video_or_snapshot_upload_fails_the_send_and_stops_the_other() {
    let mut h = Harness::logged_in();
    // The snapshot fails: the video's upload is cancelled, nothing sent.
    let (msg, id, v, s) = video_uploading(&mut h);
    h.client
        .handle_upload_done(h.now, s.id, Err("HTTP 500".into()));
    assert_eq!(h.uploads(), vec![UploadAction::Cancel(v.id)]);
    assert_eq!(h.result(id).unwrap_err().code, ErrorCode::MSG_F_UPLOAD_FAIL);
    h.client.handle_upload_done(h.now, v.id, Ok(()));
    h.drain();
    assert!(h.sent_of(servcmd::SEND_C2C).is_empty());
    // Sent again, then cancelled after the video finished: the snapshot's
    // upload is cancelled.
    let id = h.send(&msg);
    for n in 3..=4 {
        let (up, down) = video_urls(n);
        h.reply(servcmd::COS_PRE_SIG, presig_reply(&up, &down));
    }
    let actions = h.uploads();
    let [UploadAction::Put(v), UploadAction::Put(s)] = actions.as_slice() else {
        panic!("expected two uploads, got {actions:?}")
    };
    h.client.handle_upload_done(h.now, v.id, Ok(()));
    assert!(h.client.cancel_upload(h.now, &msg.id));
    assert_eq!(h.uploads(), vec![UploadAction::Cancel(s.id)]);
    assert_eq!(h.result(id).unwrap_err().code, ErrorCode::MSG_F_UPLOAD_FAIL);
    h.client.handle_upload_done(h.now, s.id, Ok(()));
    h.drain();
    assert!(h.sent_of(servcmd::SEND_C2C).is_empty());
    // The second signature failing: no upload starts at all.
    let id = h.send(&msg);
    let (up, down) = video_urls(5);
    h.reply(servcmd::COS_PRE_SIG, presig_reply(&up, &down));
    h.reply(
        servcmd::COS_PRE_SIG,
        json!({"ErrorCode": 70398, "ErrorInfo": "no"}),
    );
    assert_eq!(h.result(id).unwrap_err().code, ErrorCode::COS_GET_SIG_FAIL);
    assert!(h.uploads().is_empty());
}

#[test]
fn a_video_without_a_snapshot_takes_the_cover_the_server_offers() {
    let mut h = Harness::logged_in();
    let opts = CreateMediaMessageOptions::c2c("u2", MediaSource::new("clip.mp4", vec![1u8; 5]));
    let msg = h.client.create_video_message(h.now, &opts).unwrap();
    let _id = h.send(&msg);
    let (up, down) = video_urls(1);
    let mut reply = presig_reply(&up, &down);
    reply["snapshot_url"] = json!("https://cos.mock-download.example/cover.jpg");
    h.reply(servcmd::COS_PRE_SIG, reply);
    let put = h.only_put();
    h.client.handle_upload_done(h.now, put.id, Ok(()));
    h.drain();
    let c = h.last_sent(servcmd::SEND_C2C).body["MsgBody"][0]["MsgContent"].clone();
    assert_eq!(c["ThumbUrl"], "https://cos.mock-download.example/cover.jpg");
    // A snapshot that is not an image is refused before anything is sent.
    let opts = CreateMediaMessageOptions::c2c("u2", MediaSource::new("clip.mp4", vec![1u8; 5]))
        .with_snapshot(MediaSource::new("cover.png", b"not an image".to_vec()));
    let err = h.client.create_video_message(h.now, &opts).unwrap_err();
    assert_eq!(err.code, ErrorCode::MSG_I_TYPES_LIMIT);
}

#[test]
fn a_file_source_is_handed_to_the_driver_as_a_path_and_an_unread_path_is_refused() {
    let mut h = Harness::logged_in_opts(|o| o.file_upload_proxy = Some("http://p".into()));
    let path = std::path::PathBuf::from("/data/photo.png");
    let source = MediaSource::file("photo.png", path.clone(), 50_000, png(640, 480).into());
    let msg = h
        .client
        .create_image_message(h.now, &CreateMediaMessageOptions::c2c("u2", source))
        .unwrap();
    let Payload::Image(p) = &msg.payload else {
        panic!("{:?}", msg.payload)
    };
    assert_eq!(p.image_info_array[0].size, 50_000);
    assert_eq!(p.image_info_array[0].width, 640);
    let _id = h.send(&msg);
    h.reply(servcmd::COS_SIMPLE_SIG, simple_reply());
    let put = h.only_put();
    assert_eq!(put.body, UploadBody::File { path, size: 50_000 });
    // The size limit counts the file's size, not the bytes in memory.
    let big = MediaSource::file(
        "big.m4a",
        "/data/big.m4a".into(),
        tcchat_core::client::MAX_AUDIO_BYTES as u64 + 1,
        Bytes::new(),
    );
    let err = h
        .client
        .create_audio_message(h.now, &CreateMediaMessageOptions::c2c("u2", big))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::MSG_A_SIZE_LIMIT);
    // A path nobody read (the core does no I/O): refused with a code.
    let unread = CreateMediaMessageOptions::c2c("u2", MediaSource::path("/data/x.txt"));
    let err = h.client.create_file_message(h.now, &unread).unwrap_err();
    assert_eq!(err.code, ErrorCode::MSG_F_SELECT_F_FIRST);
    let unread = CreateMediaMessageOptions::c2c("u2", MediaSource::path("/data/x.png"));
    let err = h.client.create_image_message(h.now, &unread).unwrap_err();
    assert_eq!(err.code, ErrorCode::MSG_I_SELECT_F_FIRST);
}

#[test]
fn the_cloud_config_simple_cos_chooses_the_signature_command_once_a_session() {
    // Private network (proxy_server, no file proxy) signs with pre_sig by
    // default; the cloud config's "simple_cos":"1" switches to simple_sig.
    let mut h = Harness::logged_in();
    let msg = h.file_message(b"abc");
    let id = h.client.send_message(h.now, &msg).unwrap();
    h.drain();
    let asked = h.last_sent(servcmd::FETCH_CONFIG).body;
    assert_eq!(asked["uint64_version"], 0);
    assert!(
        h.sent_of(servcmd::COS_PRE_SIG).is_empty() && h.sent_of(servcmd::COS_SIMPLE_SIG).is_empty()
    );
    h.reply(servcmd::FETCH_CONFIG, config_reply(r#"{"simple_cos":"1"}"#));
    assert!(h.sent_of(servcmd::COS_PRE_SIG).is_empty());
    h.reply(servcmd::COS_SIMPLE_SIG, simple_reply());
    let put = h.only_put();
    assert_eq!(put.url, UPLOAD, "no upload proxy: the raw URL");
    h.client.handle_upload_done(h.now, put.id, Ok(()));
    h.drain();
    h.reply(
        servcmd::SEND_C2C,
        json!({"MsgTime": 1_795_629_945, "MsgKey": "k"}),
    );
    assert!(h.result(id).is_ok());
    // Asked once a session: the next send signs at once.
    let msg = h.file_message(b"def");
    h.send(&msg);
    assert_eq!(h.sent_of(servcmd::FETCH_CONFIG).len(), 1);
    assert_eq!(h.sent_of(servcmd::COS_SIMPLE_SIG).len(), 2);

    // With an upload proxy simple_sig is the default; "simple_cos":"0"
    // switches to pre_sig.
    let mut h = Harness::logged_in_opts(|o| o.file_upload_proxy = Some("http://p".into()));
    let msg = h.file_message(b"abc");
    h.send_with_config(&msg, r#"{"simple_cos":"0"}"#);
    assert!(h.sent_of(servcmd::COS_SIMPLE_SIG).is_empty());
    h.reply(servcmd::COS_PRE_SIG, presig_reply(UPLOAD, DOWNLOAD));
    assert_eq!(h.only_put().url, "http://p/im/1/x.txt?sign=mocksig1");

    // A config that does not say, or a refused fetch: the rule decides.
    for reply in [
        config_reply(r#"{"other":"1"}"#),
        config_reply("not json"),
        json!({"ErrorCode": 60020, "ErrorInfo": "no"}),
    ] {
        let mut h = Harness::logged_in();
        let msg = h.file_message(b"abc");
        h.client.send_message(h.now, &msg).unwrap();
        h.drain();
        h.reply(servcmd::FETCH_CONFIG, reply.clone());
        assert_eq!(h.sent_of(servcmd::COS_PRE_SIG).len(), 1, "{reply}");
        assert!(h.sent_of(servcmd::COS_SIMPLE_SIG).is_empty(), "{reply}");
    }
}
