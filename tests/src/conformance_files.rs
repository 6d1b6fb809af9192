//! Conformance scenario of files and images (issue 19), written once for
//! any [`Runtime`] and run against the real reference server: an image and
//! a file sent by one user (signed with `simple_sig`, as with an upload
//! proxy) and a file sent back (signed with `pre_sig`, the "private
//! network" path) arrive, and their download URLs give back the very bytes
//! sent, through the built-in uploader over the server's HTTP endpoint;
//! face and location messages, which need no upload, arrive as sent.
//! Videos with their snapshot and audio, made from paths (streamed from
//! disk), round-trip the same way under both cloud-config `simple_cos`
//! switches of the server.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tcchat_core::model::{Degrees, FacePayload, LocationPayload, Message};
use tcchat_core::types::ConversationType;
use tcchat_core::{ErrorCode, Event};
use tcchat_runtime_common::{
    Chat, CreateMediaMessageOptions, EventStream, LoginOptions, MediaSource, Payload, Runtime,
};

use crate::world::{expect_event, World, APP_A};

async fn login<R: Runtime + Default>(world: &World, chat: &Chat<R>, user: &str) {
    chat.login(LoginOptions::new(user, world.sig(APP_A, user)))
        .await
        .unwrap_or_else(|e| panic!("login {user}: {e}"));
}

/// A PNG header of `w`×`h` and some bytes after it.
fn png(w: u32, h: u32) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    png.extend_from_slice(&w.to_be_bytes());
    png.extend_from_slice(&h.to_be_bytes());
    png.extend((0..70_000u32).map(|i| (i % 251) as u8));
    png
}

/// Wait for MESSAGE_RECEIVED with a message of element type `msg_type`.
async fn received<R: Runtime + Default>(events: &mut EventStream, msg_type: &str) -> Message {
    let event = expect_event::<R>(
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

/// Equal bytes (without printing megabytes when they are not).
fn assert_same(got: &[u8], sent: &[u8]) {
    let first_diff = got.iter().zip(sent).position(|(a, b)| a != b);
    assert!(
        got == sent,
        "downloaded {} bytes, sent {}; first difference at {first_diff:?}",
        got.len(),
        sent.len()
    );
}

fn file_url(m: &Message) -> String {
    match &m.payload {
        Payload::File(p) => p.file_url.clone(),
        other => panic!("not a file: {other:?}"),
    }
}

/// alice sends an image and a file, bob downloads both; bob sends a file
/// back, alice downloads it. Bytes round-trip equal.
pub async fn images_and_files_round_trip_through_the_server<R: Runtime + Default>() {
    let world = World::start();
    // An upload proxy makes alice sign with simple_sig; bob, with only
    // proxy_server, signs with pre_sig.
    let alice_opts = world
        .options(APP_A)
        .with_file_upload_proxy(world.http_url());
    let (alice, mut alice_events) = world.client_with::<R>(alice_opts);
    let (bob, mut bob_events) = world.client::<R>(APP_A);
    login(&world, &alice, "alice").await;
    login(&world, &bob, "bob").await;

    let image_bytes = png(640, 480);
    let image = alice
        .create_image_message(&CreateMediaMessageOptions::c2c(
            "bob",
            MediaSource::new("photo.png", image_bytes.clone()),
        ))
        .expect("create image");
    let progress = Arc::new(AtomicU64::new(0));
    let seen = progress.clone();
    alice.on_upload_progress(&image, move |f| {
        seen.fetch_max(f.to_bits(), Ordering::Relaxed);
    });
    let sent = alice.send_message(&image).await.expect("send image");
    assert_eq!(f64::from_bits(progress.load(Ordering::Relaxed)), 1.0);
    let Payload::Image(sent_image) = &sent.payload else {
        panic!("{:?}", sent.payload)
    };
    assert_eq!(
        sent_image
            .image_info_array
            .iter()
            .map(|v| (v.width, v.height))
            .collect::<Vec<_>>(),
        vec![(640, 480), (640, 480), (264, 198)]
    );

    let file_bytes: Vec<u8> = (0..200_000u32).map(|i| (i * 7 % 256) as u8).collect();
    let file = alice
        .create_file_message(&CreateMediaMessageOptions::c2c(
            "bob",
            MediaSource::new("notes.bin", file_bytes.clone()),
        ))
        .expect("create file");
    alice.send_message(&file).await.expect("send file");

    let got_image = received::<R>(&mut bob_events, "TIMImageElem").await;
    let Payload::Image(p) = &got_image.payload else {
        panic!("{:?}", got_image.payload)
    };
    assert_eq!(
        (p.image_info_array[0].width, p.image_info_array[0].height),
        (640, 480)
    );
    let downloaded = bob
        .download_file(&p.image_info_array[0].url)
        .await
        .expect("download image");
    assert_same(&downloaded, &image_bytes);

    let got_file = received::<R>(&mut bob_events, "TIMFileElem").await;
    let Payload::File(p) = &got_file.payload else {
        panic!("{:?}", got_file.payload)
    };
    assert_eq!((p.file_name.as_str(), p.file_size), ("notes.bin", 200_000));
    let downloaded = bob
        .download_file(&file_url(&got_file))
        .await
        .expect("download file");
    assert_same(&downloaded, &file_bytes);

    // Back, through pre_sig.
    let reply_bytes = b"thanks, got both\n".to_vec();
    let reply = bob
        .create_file_message(&CreateMediaMessageOptions::c2c(
            "alice",
            MediaSource::new("reply.txt", reply_bytes.clone()),
        ))
        .expect("create reply");
    bob.send_message(&reply).await.expect("send reply");
    let got = received::<R>(&mut alice_events, "TIMFileElem").await;
    let downloaded = alice
        .download_file(&file_url(&got))
        .await
        .expect("download reply");
    assert_same(&downloaded, &reply_bytes);

    // A download URL that names no file fails with 2400.
    let missing = format!("{}/cos/{APP_A}/im/255/0/none.txt", world.http_url());
    let err = alice.download_file(&missing).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::MSG_F_UPLOAD_FAIL);

    // Face and location messages need no upload.
    let face = FacePayload {
        index: 7,
        data: "wave".into(),
    };
    let m = alice
        .create_face_message("bob", ConversationType::C2c, face.clone())
        .expect("create face");
    alice.send_message(&m).await.expect("send face");
    let got = received::<R>(&mut bob_events, "TIMFaceElem").await;
    assert_eq!(got.payload, Payload::Face(face));
    let place = LocationPayload {
        description: "office".into(),
        longitude: Degrees(113.94),
        latitude: Degrees(22.54),
    };
    let m = alice
        .create_location_message("bob", ConversationType::C2c, place.clone())
        .expect("create location");
    alice.send_message(&m).await.expect("send location");
    let got = received::<R>(&mut bob_events, "TIMLocationElem").await;
    assert_eq!(got.payload, Payload::Location(place));

    alice.destroy().await.ok();
    bob.destroy().await.ok();
}

/// A file in the temporary directory, removed when dropped.
struct TempFile(std::path::PathBuf);

impl TempFile {
    fn new(name: &str, bytes: &[u8]) -> TempFile {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("tcchat-media-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("write temp file");
        TempFile(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
        if let Some(dir) = self.0.parent() {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

/// Under a server whose cloud config says `simple_cos` "0" and then "1"
/// (so the upload-proxy user and the private-network user each take the
/// other signature command than by default): alice sends a video with its
/// snapshot and an audio message, each from a path; bob downloads the
/// video, the snapshot and the audio byte for byte. A missing path is
/// refused with 2401 (2251 for an image), nothing sent.
pub async fn videos_and_audio_from_paths_round_trip_under_either_cloud_config<
    R: Runtime + Default,
>() {
    let video_bytes: Vec<u8> = (0..3_000_000u32).map(|i| (i * 13 % 253) as u8).collect();
    let cover_bytes = png(320, 240);
    let audio_bytes: Vec<u8> = (0..90_000u32).map(|i| (i % 241) as u8).collect();
    let video = TempFile::new("clip.mp4", &video_bytes);
    let cover = TempFile::new("cover.png", &cover_bytes);
    let audio = TempFile::new("voice.m4a", &audio_bytes);
    for simple_cos in [false, true] {
        let world = World::start_configured(|c| c.files.simple_cos = Some(simple_cos));
        let alice_opts = world
            .options(APP_A)
            .with_file_upload_proxy(world.http_url());
        let (alice, _alice_events) = world.client_with::<R>(alice_opts);
        let (bob, mut bob_events) = world.client::<R>(APP_A);
        login(&world, &alice, "alice").await;
        login(&world, &bob, "bob").await;

        let options = CreateMediaMessageOptions::c2c("bob", MediaSource::path(&video.0))
            .with_second(4)
            .with_snapshot(MediaSource::path(&cover.0));
        let message = alice.create_video_message(&options).expect("create video");
        let progress = Arc::new(AtomicU64::new(0));
        let seen = progress.clone();
        alice.on_upload_progress(&message, move |f| {
            seen.fetch_max(f.to_bits(), Ordering::Relaxed);
        });
        alice
            .send_message(&message)
            .await
            .unwrap_or_else(|e| panic!("send video (simple_cos {simple_cos}): {e}"));
        assert_eq!(f64::from_bits(progress.load(Ordering::Relaxed)), 1.0);
        let got = received::<R>(&mut bob_events, "TIMVideoFileElem").await;
        let Payload::Video(p) = &got.payload else {
            panic!("{:?}", got.payload)
        };
        assert_eq!((p.video_size, p.video_second), (3_000_000, 4));
        assert_eq!((p.snapshot_width, p.snapshot_height), (320, 240));
        assert_ne!(p.remote_video_url, p.remote_snapshot_url);
        let downloaded = bob.download_file(&p.video_url).await.expect("video");
        assert_same(&downloaded, &video_bytes);
        let downloaded = bob.download_file(&p.snapshot_url).await.expect("snapshot");
        assert_same(&downloaded, &cover_bytes);

        let options =
            CreateMediaMessageOptions::c2c("bob", MediaSource::path(&audio.0)).with_second(2);
        let message = alice.create_audio_message(&options).expect("create audio");
        alice.send_message(&message).await.expect("send audio");
        let got = received::<R>(&mut bob_events, "TIMSoundElem").await;
        let Payload::Audio(p) = &got.payload else {
            panic!("{:?}", got.payload)
        };
        assert_eq!((p.size, p.second), (90_000, 2));
        let downloaded = bob.download_file(&p.url).await.expect("audio");
        assert_same(&downloaded, &audio_bytes);

        // Bob (private network) sends alice a file from a path the other way.
        let bob_file = TempFile::new("list.txt", b"milk, eggs\n");
        let message = bob
            .create_file_message(&CreateMediaMessageOptions::c2c(
                "alice",
                MediaSource::path(&bob_file.0),
            ))
            .expect("create file");
        bob.send_message(&message).await.expect("send file");

        // A path that is not there, or a directory: refused with a code.
        let missing = video.0.with_file_name("missing.mp4");
        let err = alice
            .create_video_message(&CreateMediaMessageOptions::c2c(
                "bob",
                MediaSource::path(&missing),
            ))
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::MSG_F_SELECT_F_FIRST);
        let dir = video.0.parent().expect("a directory").to_path_buf();
        let err = alice
            .create_image_message(&CreateMediaMessageOptions::c2c(
                "bob",
                MediaSource::path(dir),
            ))
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::MSG_I_SELECT_F_FIRST);

        alice.destroy().await.ok();
        bob.destroy().await.ok();
    }
}
