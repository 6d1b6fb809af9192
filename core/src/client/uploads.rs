//! Files and rich media: `createImageMessage`, `createFileMessage`,
//! `createAudioMessage`, `createVideoMessage`, and the upload a send of one
//! of them starts (messages-facts §5).
//!
//! `send_message` of a media message first asks the server to sign an
//! upload (`im_cos_msg.simple_sig`, or `pre_sig` in "private network"
//! mode, as the official SDK chooses), then hands the driver an
//! [`UploadRequest`] ([`Client::poll_upload`]): a `PUT` of the bytes to the
//! signed URL, after the `file_upload_proxy` rewrite. The driver reports
//! progress ([`Client::handle_upload_progress`]) and the outcome
//! ([`Client::handle_upload_done`]); only then is the message sent, with
//! the download URL in its element. A failed signature fails the send with
//! 2041, a failed upload with 2400; either way nothing was sent and the
//! message is marked failed. [`Client::cancel_upload`] stops an upload in
//! progress (the send fails with 2400).

use std::collections::{HashMap, VecDeque};
use std::time::Instant;

use bytes::Bytes;
use rand_core::RngCore;

use super::request::{AnyRequestId, Request, RequestId};
use super::Client;
use crate::error::{ChatError, ErrorCode};
use crate::media::{image_info, scaled, LARGE_SIDE, THUMBNAIL_SIDE};
use crate::model::{
    AudioPayload, FilePayload, ImagePayload, ImageVariant, Message, Payload, VideoPayload,
};
use crate::proto::cos::{
    CosFileType, CosScene, PreSigReply, PreSigRequest, SimpleSigReply, SimpleSigRequest,
    UploadObject,
};
use crate::types::{ConversationType, MessageStatus};
use crate::wire::{servcmd, Frame};

/// Identifies one upload the client asked the driver to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UploadId(pub u64);

/// An upload for the driver: `PUT url` with `body`, no headers needed
/// (the official plugin sets none); success is HTTP status 200 exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadRequest {
    /// Report progress and the outcome under this ID.
    pub id: UploadId,
    /// The signed URL, after the `file_upload_proxy` rewrite.
    pub url: String,
    /// The file's bytes.
    pub body: Bytes,
    /// The message the file belongs to.
    pub message_id: String,
}

/// What the driver must do about uploads, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UploadAction {
    /// Start this upload.
    Put(UploadRequest),
    /// Stop this upload if it is still running (its outcome no longer
    /// matters).
    Cancel(UploadId),
}

/// The media of a `create*Message`: the bytes and the name they came with
/// (the runtime reads a path into this).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaSource {
    /// The file's name (its extension names the uploaded file).
    pub name: String,
    /// The file's bytes.
    pub bytes: Bytes,
}

impl MediaSource {
    /// Media from `bytes` called `name`.
    pub fn new(name: impl Into<String>, bytes: impl Into<Bytes>) -> MediaSource {
        MediaSource {
            name: name.into(),
            bytes: bytes.into(),
        }
    }
}

/// Arguments of the media `create*Message` calls: `{to, conversationType,
/// payload: {file}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CreateMediaMessageOptions {
    /// Receiver's user ID, or the group's ID.
    pub to: String,
    /// [`ConversationType::C2c`] or [`ConversationType::Group`].
    pub conversation_type: ConversationType,
    /// The file.
    pub file: MediaSource,
    /// Audio and video: duration in seconds (the runtime does not decode
    /// media; the caller says).
    pub second: u32,
    /// Video only: the snapshot image shown before playing (optional).
    pub snapshot: Option<MediaSource>,
}

impl CreateMediaMessageOptions {
    /// A C2C message to `to` with `file`.
    pub fn c2c(to: impl Into<String>, file: MediaSource) -> Self {
        CreateMediaMessageOptions {
            to: to.into(),
            conversation_type: ConversationType::C2c,
            file,
            second: 0,
            snapshot: None,
        }
    }

    /// A group message to `group_id` with `file`.
    pub fn group(group_id: impl Into<String>, file: MediaSource) -> Self {
        CreateMediaMessageOptions {
            conversation_type: ConversationType::Group,
            ..Self::c2c(group_id, file)
        }
    }

    /// The duration, seconds (audio and video).
    #[must_use]
    pub fn with_second(mut self, second: u32) -> Self {
        self.second = second;
        self
    }
}

/// Official size limits (messages-facts §5.1): image 20 MB, file 100 MB,
/// video 100 MB, audio 20 MB.
pub const MAX_IMAGE_BYTES: usize = 20 * 1024 * 1024;
/// See [`MAX_IMAGE_BYTES`].
pub const MAX_FILE_BYTES: usize = 100 * 1024 * 1024;
/// See [`MAX_IMAGE_BYTES`].
pub const MAX_VIDEO_BYTES: usize = 100 * 1024 * 1024;
/// See [`MAX_IMAGE_BYTES`].
pub const MAX_AUDIO_BYTES: usize = 20 * 1024 * 1024;

/// A created media message's bytes, until it is sent.
#[derive(Debug)]
struct Staged {
    bytes: Bytes,
    file_type: u32,
    /// The upload's file name: `<32 hex>-<random><.ext>`.
    upload_name: String,
}

/// An upload the driver is making.
#[derive(Debug)]
struct Active {
    request: RequestId<Message>,
    message: Message,
    download_url: String,
    progress: f64,
}

/// The upload state of a client.
#[derive(Debug, Default)]
pub(crate) struct Uploads {
    next_id: u64,
    staged: HashMap<String, Staged>,
    active: HashMap<UploadId, Active>,
    actions: VecDeque<UploadAction>,
    /// `RichMsgAuthKey` of the login reply.
    pub(crate) auth_key: String,
}

/// Replace scheme and host of `url` with `proxy` when `url` is `https://`
/// (the official SDK rewrites only those; messages-facts §5.5).
pub(crate) fn rewrite(url: &str, proxy: Option<&str>) -> (String, bool) {
    let Some(proxy) = proxy.filter(|p| !p.is_empty()) else {
        return (url.to_owned(), false);
    };
    let Some(rest) = url.strip_prefix("https://") else {
        return (url.to_owned(), false);
    };
    let tail = rest.find('/').map_or("", |i| &rest[i..]);
    (format!("{}{tail}", proxy.trim_end_matches('/')), true)
}

fn extension_of(name: &str) -> Option<&str> {
    name.rsplit_once('.')
        .map(|(_, ext)| ext)
        .filter(|e| !e.is_empty() && e.len() <= 10 && e.bytes().all(|b| b.is_ascii_alphanumeric()))
}

impl Client {
    /// `file_download_proxy`, defaulting to `file_upload_proxy`.
    fn download_proxy(&self) -> Option<&str> {
        let opts = self.ctx.opts();
        opts.file_download_proxy
            .as_deref()
            .or(opts.file_upload_proxy.as_deref())
            .filter(|p| !p.is_empty())
    }

    /// The URL this instance downloads `remote` from: the download proxy
    /// rewrite, then `authKey` when the login reply carried one.
    pub(crate) fn local_url(&self, remote: &str) -> String {
        if remote.is_empty() {
            return String::new();
        }
        let (url, _) = rewrite(remote, self.download_proxy());
        let key = &self.uploads.auth_key;
        if key.is_empty() {
            return url;
        }
        let sep = if url.contains('?') { '&' } else { '?' };
        format!("{url}{sep}authKey={key}")
    }

    /// Give a received (or sent) media payload its local download URLs.
    pub(crate) fn localize_payload(&self, payload: &mut Payload) {
        match payload {
            Payload::File(p) => p.file_url = self.local_url(&p.remote_file_url),
            Payload::Image(p) => {
                for v in &mut p.image_info_array {
                    v.url = self.local_url(&v.image_url);
                }
            }
            Payload::Audio(p) => p.url = self.local_url(&p.remote_audio_url),
            Payload::Video(p) => {
                p.video_url = self.local_url(&p.remote_video_url);
                p.snapshot_url = self.local_url(&p.remote_snapshot_url);
            }
            // Nested at most MAX_MERGER_DEPTH deep, as parsed.
            Payload::Merger(m) => {
                for p in m.message_list.iter_mut().flat_map(|m| &mut m.message_body) {
                    self.localize_payload(p);
                }
            }
            _ => {}
        }
    }

    /// "Private network" (messages-facts §5.1): `proxy_server` set and no
    /// effective download proxy. The official SDK then signs with
    /// `pre_sig`; otherwise with `simple_sig`.
    fn private_network(&self) -> bool {
        self.ctx.opts().proxy_server.is_some() && self.download_proxy().is_none()
    }

    /// `<SDKAppID>-<userID>-<32 random chars>.<ext>`.
    fn media_uuid(&mut self, user: &str, ext: &str) -> String {
        const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let rng = self.ctx.rng();
        let random: String = (0..32)
            .map(|_| char::from(CHARS[(rng.next_u32() as usize) % CHARS.len()]))
            .collect();
        format!("{}-{user}-{random}.{ext}", self.ctx.sdk_app_id())
    }

    /// `<32 hex>-<random 0..999999><.ext>`.
    fn upload_name(&mut self, ext: &str) -> String {
        let rng = self.ctx.rng();
        let hex = format!("{:016x}{:016x}", rng.next_u64(), rng.next_u64());
        let n = rng.next_u32() % 1_000_000;
        format!("{hex}-{n}.{ext}")
    }

    fn check_media(
        &mut self,
        api: &str,
        source: &MediaSource,
        max: usize,
        size_code: ErrorCode,
    ) -> Result<(), ChatError> {
        if source.bytes.is_empty() {
            return Err(self.api_error(
                ErrorCode::MSG_F_IS_EMPTY,
                format!("{api}: the file is empty"),
            ));
        }
        if source.bytes.len() > max {
            return Err(self.api_error(size_code, format!("{api}: the file is over {max} bytes")));
        }
        Ok(())
    }

    fn stage(&mut self, message: &Message, bytes: Bytes, file_type: u32, ext: &str) {
        let upload_name = self.upload_name(ext);
        self.uploads.staged.insert(
            message.id.clone(),
            Staged {
                bytes,
                file_type,
                upload_name,
            },
        );
        // Created messages are bounded; so are their bytes.
        let created = self.messages.created();
        self.uploads.staged.retain(|id, _| created.contains(id));
    }

    /// `createImageMessage({to, conversationType, payload: {file}})`: an
    /// image message. Width and height come from the image's header (PNG,
    /// JPEG, GIF, BMP, WebP; anything else is refused with 2252), the
    /// large and thumbnail sizes as the official SDK lists them. Over 20 MB:
    /// 2253.
    pub fn create_image_message(
        &mut self,
        now: Instant,
        options: &CreateMediaMessageOptions,
    ) -> Result<Message, ChatError> {
        const API: &str = "createImageMessage";
        self.check_media(
            API,
            &options.file,
            MAX_IMAGE_BYTES,
            ErrorCode::MSG_I_SIZE_LIMIT,
        )?;
        let Some(info) = image_info(&options.file.bytes) else {
            return Err(self.api_error(
                ErrorCode::MSG_I_TYPES_LIMIT,
                "createImageMessage: not a PNG, JPEG, GIF, BMP or WebP image",
            ));
        };
        let ext = info.format.extension();
        let user = self.require_ready(API)?.user_id.clone();
        let (w, h) = (info.width, info.height);
        let variant = |t: u32, (width, height): (u32, u32), size: u64| ImageVariant {
            variant_type: t,
            size,
            width,
            height,
            url: String::new(),
            image_url: String::new(),
        };
        let payload = Payload::Image(ImagePayload {
            uuid: self.media_uuid(&user, ext),
            image_format: info.format.code(),
            image_info_array: vec![
                variant(0, (w, h), options.file.bytes.len() as u64),
                variant(1, scaled(w, h, LARGE_SIDE), 0),
                variant(2, scaled(w, h, THUMBNAIL_SIDE), 0),
            ],
        });
        let message = self.create_media(now, API, options, payload)?;
        self.stage(
            &message,
            options.file.bytes.clone(),
            CosFileType::IMAGE,
            ext,
        );
        Ok(message)
    }

    /// `createFileMessage({to, conversationType, payload: {file}})`: a file
    /// message. Over 100 MB: 2402.
    pub fn create_file_message(
        &mut self,
        now: Instant,
        options: &CreateMediaMessageOptions,
    ) -> Result<Message, ChatError> {
        const API: &str = "createFileMessage";
        self.check_media(
            API,
            &options.file,
            MAX_FILE_BYTES,
            ErrorCode::MSG_F_SIZE_LIMIT,
        )?;
        let user = self.require_ready(API)?.user_id.clone();
        let ext = extension_of(&options.file.name).unwrap_or("bin").to_owned();
        let file_name: String = options.file.name.chars().take(256).collect();
        let payload = Payload::File(FilePayload {
            uuid: self.media_uuid(&user, &ext),
            file_name,
            file_size: options.file.bytes.len() as u64,
            file_url: String::new(),
            remote_file_url: String::new(),
            download_flag: 2,
        });
        let message = self.create_media(now, API, options, payload)?;
        self.stage(
            &message,
            options.file.bytes.clone(),
            CosFileType::FILE,
            &ext,
        );
        Ok(message)
    }

    /// `createAudioMessage({to, conversationType, payload: {file}})`: an
    /// audio message of `options.second` seconds. Over 20 MB: 2301.
    pub fn create_audio_message(
        &mut self,
        now: Instant,
        options: &CreateMediaMessageOptions,
    ) -> Result<Message, ChatError> {
        const API: &str = "createAudioMessage";
        self.check_media(
            API,
            &options.file,
            MAX_AUDIO_BYTES,
            ErrorCode::MSG_A_SIZE_LIMIT,
        )?;
        let user = self.require_ready(API)?.user_id.clone();
        let ext = extension_of(&options.file.name).unwrap_or("m4a").to_owned();
        let payload = Payload::Audio(AudioPayload {
            uuid: self.media_uuid(&user, &ext),
            url: String::new(),
            remote_audio_url: String::new(),
            size: options.file.bytes.len() as u64,
            second: options.second,
            download_flag: 2,
        });
        let message = self.create_media(now, API, options, payload)?;
        self.stage(
            &message,
            options.file.bytes.clone(),
            CosFileType::AUDIO,
            &ext,
        );
        Ok(message)
    }

    /// `createVideoMessage({to, conversationType, payload: {file}})`: a
    /// video message of `options.second` seconds. Over 100 MB: 2351.
    /// tcchat uploads the video only; a snapshot in the options is not
    /// uploaded yet (the message's snapshot fields stay empty).
    pub fn create_video_message(
        &mut self,
        now: Instant,
        options: &CreateMediaMessageOptions,
    ) -> Result<Message, ChatError> {
        const API: &str = "createVideoMessage";
        self.check_media(
            API,
            &options.file,
            MAX_VIDEO_BYTES,
            ErrorCode::MSG_V_SIZE_LIMIT,
        )?;
        let user = self.require_ready(API)?.user_id.clone();
        let ext = extension_of(&options.file.name).unwrap_or("mp4").to_owned();
        let payload = Payload::Video(VideoPayload {
            video_uuid: self.media_uuid(&user, &ext),
            video_size: options.file.bytes.len() as u64,
            video_second: options.second,
            video_format: ext.clone(),
            ..VideoPayload::default()
        });
        let message = self.create_media(now, API, options, payload)?;
        self.stage(
            &message,
            options.file.bytes.clone(),
            CosFileType::VIDEO,
            &ext,
        );
        Ok(message)
    }

    fn create_media(
        &mut self,
        now: Instant,
        api: &'static str,
        options: &CreateMediaMessageOptions,
        payload: Payload,
    ) -> Result<Message, ChatError> {
        self.create_message_with(now, api, &options.to, options.conversation_type, payload)
    }

    /// Whether `message` still needs its upload before it can be sent.
    pub(crate) fn needs_upload(&self, message: &Message) -> bool {
        self.uploads.staged.contains_key(&message.id)
    }

    /// The first step of sending a media message: the signature request.
    pub(crate) fn start_upload(&mut self, now: Instant, sending: Message) -> RequestId<Message> {
        let id: RequestId<Message> = self.next_request_id();
        let timeout = self.ctx.tuning().request_timeout;
        let Some(staged) = self.uploads.staged.get(&sending.id) else {
            self.fail_send(
                id,
                sending,
                ErrorCode::MSG_F_UPLOAD_FAIL,
                "nothing to upload",
            );
            return id;
        };
        let (file_type, name) = (staged.file_type, staged.upload_name.clone());
        if self.private_network() {
            let body = PreSigRequest {
                file_type,
                file_name: name,
                upload_method: 0,
                duration: 900,
            };
            let request = SignUpload {
                id,
                message: Box::new(sending),
                simple: false,
            };
            self.enqueue(now, servcmd::COS_PRE_SIG, &body, timeout, request);
        } else {
            let scene = if sending.conversation_type == ConversationType::Group {
                CosScene::GROUP
            } else {
                CosScene::C2C
            };
            let body = SimpleSigRequest {
                uint32_upload_method: 0,
                uint32_platform: 7,
                uint32_sdkappid: self.ctx.sdk_app_id(),
                str_user_id: sending.from.clone(),
                uint32_scene: scene,
                rpt_upload_object: vec![UploadObject {
                    uint32_file_id: 1,
                    uint32_file_type: file_type,
                    str_file_name: name,
                }],
            };
            let request = SignUpload {
                id,
                message: Box::new(sending),
                simple: true,
            };
            self.enqueue(now, servcmd::COS_SIMPLE_SIG, &body, timeout, request);
        }
        id
    }

    /// A send that fails before anything was sent: the message is marked
    /// failed and the command completes with `code`.
    pub(super) fn fail_send(
        &mut self,
        id: RequestId<Message>,
        mut message: Message,
        code: ErrorCode,
        text: impl Into<String>,
    ) {
        message.status = MessageStatus::Fail;
        self.messages.created_mut().update(message);
        self.complete(id, Err(ChatError::new(code, text)));
    }

    /// The signature arrived: hand the driver the upload.
    fn signed(&mut self, id: RequestId<Message>, message: Message, upload: &str, download: &str) {
        let Some(staged) = self.uploads.staged.get(&message.id) else {
            return self.fail_send(
                id,
                message,
                ErrorCode::MSG_F_UPLOAD_FAIL,
                "nothing to upload",
            );
        };
        let body = staged.bytes.clone();
        let (url, _) = rewrite(upload, self.ctx.opts().file_upload_proxy.as_deref());
        self.uploads.next_id += 1;
        let upload_id = UploadId(self.uploads.next_id);
        let message_id = message.id.clone();
        self.uploads.active.insert(
            upload_id,
            Active {
                request: id,
                message,
                download_url: download.to_owned(),
                progress: 0.0,
            },
        );
        self.uploads
            .actions
            .push_back(UploadAction::Put(UploadRequest {
                id: upload_id,
                url,
                body,
                message_id,
            }));
    }

    /// The next upload action for the driver.
    pub fn poll_upload(&mut self) -> Option<UploadAction> {
        self.uploads.actions.pop_front()
    }

    /// The driver's progress on upload `id`: `sent` of `total` bytes. Returns
    /// the message's ID and the fraction done (0 to 1) for the caller's
    /// `onProgress`; `None` for an upload the client no longer waits for.
    pub fn handle_upload_progress(
        &mut self,
        _now: Instant,
        id: UploadId,
        sent: u64,
        total: u64,
    ) -> Option<(String, f64)> {
        let active = self.uploads.active.get_mut(&id)?;
        let fraction = if total == 0 {
            1.0
        } else {
            (sent.min(total) as f64) / (total as f64)
        };
        active.progress = active.progress.max(fraction);
        Some((active.message.id.clone(), active.progress))
    }

    /// Upload `id` ended: `Ok` when the server answered HTTP 200, else the
    /// reason. On success the message is sent with the download URL; on
    /// failure its send fails with 2400 (MSG_F_UPLOAD_FAIL).
    pub fn handle_upload_done(&mut self, now: Instant, id: UploadId, outcome: Result<(), String>) {
        let Some(active) = self.uploads.active.remove(&id) else {
            return;
        };
        let Active {
            request,
            mut message,
            download_url,
            ..
        } = active;
        if let Err(reason) = outcome {
            let reason: String = reason.chars().take(200).collect();
            return self.fail_send(
                request,
                message,
                ErrorCode::MSG_F_UPLOAD_FAIL,
                format!("upload failed: {reason}"),
            );
        }
        let download = download_url.as_str();
        match &mut message.payload {
            Payload::File(p) => p.remote_file_url = download.to_owned(),
            Payload::Audio(p) => p.remote_audio_url = download.to_owned(),
            Payload::Video(p) => p.remote_video_url = download.to_owned(),
            Payload::Image(p) => {
                for v in &mut p.image_info_array {
                    v.image_url = if v.variant_type == 2 {
                        format!("{download}?imageView2/3/w/{THUMBNAIL_SIDE}/h/{THUMBNAIL_SIDE}")
                    } else {
                        download.to_owned()
                    };
                }
            }
            _ => {}
        }
        self.localize_payload(&mut message.payload);
        self.uploads.staged.remove(&message.id);
        self.messages.created_mut().update(message.clone());
        self.dispatch_send(now, request, message);
    }

    /// Stop the upload of `message_id` (a media message being sent): the
    /// driver is told to cancel it and the send fails with 2400. False
    /// when no upload of that message is running.
    pub fn cancel_upload(&mut self, _now: Instant, message_id: &str) -> bool {
        let Some(id) = self
            .uploads
            .active
            .iter()
            .find(|(_, a)| a.message.id == message_id)
            .map(|(id, _)| *id)
        else {
            return false;
        };
        if let Some(active) = self.uploads.active.remove(&id) {
            self.uploads.actions.push_back(UploadAction::Cancel(id));
            self.fail_send(
                active.request,
                active.message,
                ErrorCode::MSG_F_UPLOAD_FAIL,
                "upload cancelled",
            );
        }
        true
    }

    /// The message upload `id` belongs to, while it runs.
    pub fn upload_message(&self, id: UploadId) -> Option<String> {
        self.uploads.active.get(&id).map(|a| a.message.id.clone())
    }

    /// The bytes of created media messages (at destroy, with them).
    pub(crate) fn forget_staged_uploads(&mut self) {
        self.uploads.staged.clear();
    }

    /// The session ended: every running upload is cancelled and its send
    /// fails with `code`, as the requests that needed the session do.
    pub(crate) fn end_uploads(&mut self, code: ErrorCode, why: &str) {
        let ids: Vec<UploadId> = self.uploads.active.keys().copied().collect();
        for id in ids {
            if let Some(active) = self.uploads.active.remove(&id) {
                self.uploads.actions.push_back(UploadAction::Cancel(id));
                self.fail_send(active.request, active.message, code, why.to_owned());
            }
        }
    }

    /// The fraction of `message_id`'s upload done (0 to 1), while it runs.
    pub fn upload_progress(&self, message_id: &str) -> Option<f64> {
        self.uploads
            .active
            .values()
            .find(|a| a.message.id == message_id)
            .map(|a| a.progress)
    }
}

/// `im_cos_msg.simple_sig` / `pre_sig` for a send.
#[derive(Debug)]
struct SignUpload {
    id: RequestId<Message>,
    message: Box<Message>,
    simple: bool,
}

impl Request for SignUpload {
    fn holds_through_outage(&self) -> bool {
        true
    }

    fn pending_send(&self) -> Option<(AnyRequestId, &Message)> {
        Some((self.id.erased(), &self.message))
    }

    fn on_reply(
        self: Box<Self>,
        client: &mut Client,
        _now: Instant,
        status: Result<(), ChatError>,
        frame: &Frame,
    ) {
        let urls = status.and_then(|()| {
            if self.simple {
                let reply = Client::reply_body::<SimpleSigReply>(frame)?;
                let item = reply.rpt_pre_sig.into_iter().next().ok_or_else(|| {
                    ChatError::new(
                        ErrorCode::COS_GET_SIG_FAIL,
                        "simple_sig reply has no rpt_pre_sig",
                    )
                })?;
                Ok((item.str_upload_url, item.str_download_url))
            } else {
                let reply = Client::reply_body::<PreSigReply>(frame)?;
                Ok((reply.upload_url, reply.download_url))
            }
        });
        match urls {
            Ok((upload, download)) if !upload.is_empty() && !download.is_empty() => {
                client.signed(self.id, *self.message, &upload, &download);
            }
            Ok(_) => client.fail_send(
                self.id,
                *self.message,
                ErrorCode::COS_GET_SIG_FAIL,
                "the signature reply has no URLs",
            ),
            Err(err) => self.on_failed(client, err),
        }
    }

    fn on_failed(self: Box<Self>, client: &mut Client, err: ChatError) {
        let text = format!("getting the upload signature failed: {err}");
        client.fail_send(self.id, *self.message, ErrorCode::COS_GET_SIG_FAIL, text);
    }
}
