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
use std::path::PathBuf;
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
use crate::proto::config::{FetchConfigReply, FetchConfigRequest};
use crate::proto::cos::{
    CosFileType, CosScene, PreSigReply, PreSigRequest, SimpleSigReply, SimpleSigRequest,
    UploadObject,
};
use crate::types::{ConversationType, MessageStatus};
use crate::wire::{servcmd, Frame};

/// Identifies one upload the client asked the driver to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UploadId(pub u64);

/// What an upload sends: bytes in memory, or a file the driver streams
/// from disk (so a large file is never held in memory whole).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UploadBody {
    /// These bytes.
    Bytes(Bytes),
    /// The first `size` bytes of the file at `path`. The driver reads it
    /// as it uploads; a file that is now shorter, or cannot be read, fails
    /// the upload (and the send, with 2400).
    File {
        /// The file.
        path: PathBuf,
        /// Its size when the message was created (the `Content-Length`).
        size: u64,
    },
}

impl UploadBody {
    /// Bytes to upload.
    pub fn len(&self) -> u64 {
        match self {
            UploadBody::Bytes(b) => b.len() as u64,
            UploadBody::File { size, .. } => *size,
        }
    }

    /// Whether there is nothing to upload.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// An upload for the driver: `PUT url` with `body`, no headers needed
/// (the official plugin sets none); success is HTTP status 200 exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadRequest {
    /// Report progress and the outcome under this ID.
    pub id: UploadId,
    /// The signed URL, after the `file_upload_proxy` rewrite.
    pub url: String,
    /// The file's bytes, or the file to stream.
    pub body: UploadBody,
    /// The message the file belongs to (a video message has two uploads:
    /// the video and its snapshot).
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

/// Where a [`MediaSource`]'s content is.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MediaData {
    /// In memory.
    Bytes(Bytes),
    /// A path the runtime has not looked at yet. The runtimes' `Chat`
    /// turns it into [`MediaData::File`] (its size and first bytes) before
    /// calling the core; the core itself refuses it (2401, images 2251),
    /// as it does no file I/O.
    Path(PathBuf),
    /// A file on disk, looked at by the runtime: uploaded by streaming it.
    File {
        /// The file.
        path: PathBuf,
        /// Its size, bytes.
        size: u64,
        /// Its first bytes (at most [`MEDIA_HEAD_BYTES`]): enough to read
        /// an image's format and size from its header.
        head: Bytes,
    },
}

/// How many first bytes of a file source the runtime reads for the core
/// ([`MediaData::File::head`]).
pub const MEDIA_HEAD_BYTES: usize = 256 * 1024;

/// The media of a `create*Message`: the bytes or a file, and a name (its
/// extension names the upload).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaSource {
    /// The file's name (its extension names the uploaded file).
    pub name: String,
    /// The content.
    pub data: MediaData,
}

impl MediaSource {
    /// Media from `bytes` called `name`.
    pub fn new(name: impl Into<String>, bytes: impl Into<Bytes>) -> MediaSource {
        MediaSource {
            name: name.into(),
            data: MediaData::Bytes(bytes.into()),
        }
    }

    /// Media from the file at `path`, named by its last component. The
    /// runtimes' `create*Message` read its size and first bytes; the send
    /// streams it from disk (a missing or unreadable file: 2401, images
    /// 2251).
    pub fn path(path: impl Into<PathBuf>) -> MediaSource {
        let path = path.into();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        MediaSource {
            name,
            data: MediaData::Path(path),
        }
    }

    /// A file the caller already looked at: `size` bytes, starting with
    /// `head` (the runtimes build this from [`MediaSource::path`]).
    pub fn file(name: impl Into<String>, path: PathBuf, size: u64, head: Bytes) -> MediaSource {
        MediaSource {
            name: name.into(),
            data: MediaData::File { path, size, head },
        }
    }

    /// Size, bytes (0 for a path not looked at yet).
    pub fn len(&self) -> u64 {
        match &self.data {
            MediaData::Bytes(b) => b.len() as u64,
            MediaData::Path(_) => 0,
            MediaData::File { size, .. } => *size,
        }
    }

    /// Whether there is no content.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The first bytes (all of them for bytes in memory).
    pub fn head(&self) -> &[u8] {
        match &self.data {
            MediaData::Bytes(b) => b,
            MediaData::Path(_) => &[],
            MediaData::File { head, .. } => head,
        }
    }

    /// What the upload sends.
    fn body(&self) -> UploadBody {
        match &self.data {
            MediaData::Bytes(b) => UploadBody::Bytes(b.clone()),
            MediaData::Path(path) => UploadBody::File {
                path: path.clone(),
                size: 0,
            },
            MediaData::File { path, size, .. } => UploadBody::File {
                path: path.clone(),
                size: *size,
            },
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
    /// Video only: the snapshot image shown before playing (optional; a
    /// PNG, JPEG, GIF, BMP or WebP of at most 20 MB). It is uploaded with
    /// the video, and the message carries both URLs.
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

    /// The snapshot of a video message (`create_video_message`).
    #[must_use]
    pub fn with_snapshot(mut self, snapshot: MediaSource) -> Self {
        self.snapshot = Some(snapshot);
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

/// One file of a created media message, until it is sent.
#[derive(Debug, Clone)]
struct Part {
    body: UploadBody,
    file_type: u32,
    /// The upload's file name: `<32 hex>-<random><.ext>`.
    upload_name: String,
}

/// A created media message's files (the video and its snapshot are two),
/// until it is sent.
#[derive(Debug)]
struct Staged {
    parts: Vec<Part>,
}

/// One running upload of a message being sent.
#[derive(Debug)]
struct Running {
    id: UploadId,
    size: u64,
    sent: u64,
    done: bool,
}

/// A message whose files the driver is uploading.
#[derive(Debug)]
struct Active {
    request: RequestId<Message>,
    message: Message,
    /// The download URL of each part, in order.
    downloads: Vec<String>,
    /// The snapshot URL the server offered for a video without a snapshot
    /// of its own (`str_snapshot_url`, `snapshot_url`).
    server_snapshot: String,
    running: Vec<Running>,
    progress: f64,
}

/// What the cloud config says about signing (`simple_cos`,
/// messages-facts §5.1).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum CosConfig {
    /// Not asked yet this session.
    #[default]
    Unknown,
    /// Asked: `Some(true)` simple_sig, `Some(false)` pre_sig, `None` the
    /// config does not say (the private-network rule decides).
    Known(Option<bool>),
}

/// The upload state of a client.
#[derive(Debug, Default)]
pub(crate) struct Uploads {
    next_id: u64,
    staged: HashMap<String, Staged>,
    /// By message ID.
    active: HashMap<String, Active>,
    /// Which message each running upload belongs to.
    by_upload: HashMap<UploadId, String>,
    actions: VecDeque<UploadAction>,
    /// `RichMsgAuthKey` of the login reply.
    pub(crate) auth_key: String,
    cos_config: CosConfig,
}

impl Uploads {
    /// A new session: the cloud config is asked again before the next
    /// upload.
    pub(crate) fn new_session(&mut self, auth_key: String) {
        self.auth_key = auth_key;
        self.cos_config = CosConfig::Unknown;
    }
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

/// `simple_cos` of a cloud config's `str_json_config`: `"1"` simple_sig,
/// `"0"` pre_sig (messages-facts §5.1); anything else says nothing.
fn simple_cos_of(json_config: &str) -> Option<bool> {
    let config: serde_json::Value = serde_json::from_str(json_config).ok()?;
    match config.get("simple_cos")? {
        serde_json::Value::String(s) if s == "1" => Some(true),
        serde_json::Value::String(s) if s == "0" => Some(false),
        serde_json::Value::Number(n) if n.as_u64() == Some(1) => Some(true),
        serde_json::Value::Number(n) if n.as_u64() == Some(0) => Some(false),
        _ => None,
    }
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
    /// effective download proxy.
    fn private_network(&self) -> bool {
        self.ctx.opts().proxy_server.is_some() && self.download_proxy().is_none()
    }

    /// Whether uploads are signed with `simple_sig` (else `pre_sig`): the
    /// cloud config's `simple_cos` when it says, else not in "private
    /// network" mode (messages-facts §5.1).
    fn signs_simple(&self) -> bool {
        match self.uploads.cos_config {
            CosConfig::Known(Some(simple)) => simple,
            _ => !self.private_network(),
        }
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
        if let MediaData::Path(path) = &source.data {
            let code = if api == "createImageMessage" {
                ErrorCode::MSG_I_SELECT_F_FIRST
            } else {
                ErrorCode::MSG_F_SELECT_F_FIRST
            };
            let path: String = path.display().to_string().chars().take(200).collect();
            return Err(self.api_error(
                code,
                format!("{api}: the file {path} was not read (the runtime's Chat reads it)"),
            ));
        }
        if source.is_empty() {
            return Err(self.api_error(
                ErrorCode::MSG_F_IS_EMPTY,
                format!("{api}: the file is empty"),
            ));
        }
        if source.len() > max as u64 {
            return Err(self.api_error(size_code, format!("{api}: the file is over {max} bytes")));
        }
        Ok(())
    }

    fn part(&mut self, source: &MediaSource, file_type: u32, ext: &str) -> Part {
        Part {
            body: source.body(),
            file_type,
            upload_name: self.upload_name(ext),
        }
    }

    fn stage(&mut self, message: &Message, parts: Vec<Part>) {
        self.uploads
            .staged
            .insert(message.id.clone(), Staged { parts });
        // Created messages are bounded; so are their bytes.
        let created = self.messages.created();
        self.uploads.staged.retain(|id, _| created.contains(id));
    }

    /// `createImageMessage({to, conversationType, payload: {file}})`: an
    /// image message. Width and height come from the image's header (PNG,
    /// JPEG, GIF, BMP, WebP; anything else is refused with 2252), the
    /// large and thumbnail sizes as the official SDK lists them. Over 20 MB:
    /// 2253. A path not read by the runtime: 2251.
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
        let Some(info) = image_info(options.file.head()) else {
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
                variant(0, (w, h), options.file.len()),
                variant(1, scaled(w, h, LARGE_SIDE), 0),
                variant(2, scaled(w, h, THUMBNAIL_SIDE), 0),
            ],
        });
        let message = self.create_media(now, API, options, payload)?;
        let part = self.part(&options.file, CosFileType::IMAGE, ext);
        self.stage(&message, vec![part]);
        Ok(message)
    }

    /// `createFileMessage({to, conversationType, payload: {file}})`: a file
    /// message. Over 100 MB: 2402. A path not read by the runtime: 2401.
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
            file_size: options.file.len(),
            file_url: String::new(),
            remote_file_url: String::new(),
            download_flag: 2,
        });
        let message = self.create_media(now, API, options, payload)?;
        let part = self.part(&options.file, CosFileType::FILE, &ext);
        self.stage(&message, vec![part]);
        Ok(message)
    }

    /// `createAudioMessage({to, conversationType, payload: {file}})`: an
    /// audio message of `options.second` seconds. Over 20 MB: 2301. A path
    /// not read by the runtime: 2401.
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
            size: options.file.len(),
            second: options.second,
            download_flag: 2,
        });
        let message = self.create_media(now, API, options, payload)?;
        let part = self.part(&options.file, CosFileType::AUDIO, &ext);
        self.stage(&message, vec![part]);
        Ok(message)
    }

    /// `createVideoMessage({to, conversationType, payload: {file}})`: a
    /// video message of `options.second` seconds. Over 100 MB: 2351. With
    /// `options.snapshot` (an image: 2252 otherwise, over 20 MB 2253), the
    /// send uploads both and the message carries both URLs; a path not read
    /// by the runtime: 2401.
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
        let snapshot = match &options.snapshot {
            Some(snapshot) => {
                self.check_media(API, snapshot, MAX_IMAGE_BYTES, ErrorCode::MSG_I_SIZE_LIMIT)?;
                let Some(info) = image_info(snapshot.head()) else {
                    return Err(self.api_error(
                        ErrorCode::MSG_I_TYPES_LIMIT,
                        "createVideoMessage: the snapshot is not a PNG, JPEG, GIF, BMP or WebP image",
                    ));
                };
                Some((snapshot, info))
            }
            None => None,
        };
        let user = self.require_ready(API)?.user_id.clone();
        let ext = extension_of(&options.file.name).unwrap_or("mp4").to_owned();
        let mut payload = VideoPayload {
            video_uuid: self.media_uuid(&user, &ext),
            video_size: options.file.len(),
            video_second: options.second,
            video_format: ext.clone(),
            ..VideoPayload::default()
        };
        if let Some((snapshot, info)) = &snapshot {
            payload.snapshot_uuid = self.media_uuid(&user, info.format.extension());
            payload.snapshot_width = info.width;
            payload.snapshot_height = info.height;
            payload.snapshot_size = snapshot.len();
        }
        let message = self.create_media(now, API, options, Payload::Video(payload))?;
        let mut parts = vec![self.part(&options.file, CosFileType::VIDEO, &ext)];
        if let Some((snapshot, info)) = snapshot {
            parts.push(self.part(snapshot, CosFileType::IMAGE, info.format.extension()));
        }
        self.stage(&message, parts);
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

    /// The first step of sending a media message: the cloud config once a
    /// session (for `simple_cos`), then the signature requests.
    pub(crate) fn start_upload(&mut self, now: Instant, sending: Message) -> RequestId<Message> {
        let id: RequestId<Message> = self.next_request_id();
        if !self.uploads.staged.contains_key(&sending.id) {
            self.fail_send(
                id,
                sending,
                ErrorCode::MSG_F_UPLOAD_FAIL,
                "nothing to upload",
            );
            return id;
        }
        if self.uploads.cos_config == CosConfig::Unknown {
            let body = FetchConfigRequest {
                uint32_sdkappid: self.ctx.sdk_app_id(),
                uint64_version: 0,
            };
            let timeout = self.ctx.tuning().request_timeout;
            let request = FetchCosConfig {
                id,
                message: Box::new(sending),
            };
            self.enqueue(now, servcmd::FETCH_CONFIG, &body, timeout, request);
        } else {
            self.sign_part(now, id, sending, Vec::new());
        }
        id
    }

    /// Ask for the signature of the next unsigned file of `sending`
    /// (`signed` holds the URLs of those before it); when all are signed,
    /// hand the driver the uploads.
    fn sign_part(
        &mut self,
        now: Instant,
        id: RequestId<Message>,
        sending: Message,
        signed: Vec<Signed>,
    ) {
        let Some(staged) = self.uploads.staged.get(&sending.id) else {
            return self.fail_send(
                id,
                sending,
                ErrorCode::MSG_F_UPLOAD_FAIL,
                "nothing to upload",
            );
        };
        let Some(part) = staged.parts.get(signed.len()) else {
            return self.signed(id, sending, signed);
        };
        let (file_type, name) = (part.file_type, part.upload_name.clone());
        let timeout = self.ctx.tuning().request_timeout;
        let simple = self.signs_simple();
        let request = SignUpload {
            id,
            message: Box::new(sending),
            simple,
            signed,
        };
        if simple {
            let scene = if request.message.conversation_type == ConversationType::Group {
                CosScene::GROUP
            } else {
                CosScene::C2C
            };
            let body = SimpleSigRequest {
                uint32_upload_method: 0,
                uint32_platform: 7,
                uint32_sdkappid: self.ctx.sdk_app_id(),
                str_user_id: request.message.from.clone(),
                uint32_scene: scene,
                rpt_upload_object: vec![UploadObject {
                    uint32_file_id: 1,
                    uint32_file_type: file_type,
                    str_file_name: name,
                }],
            };
            self.enqueue(now, servcmd::COS_SIMPLE_SIG, &body, timeout, request);
        } else {
            let body = PreSigRequest {
                file_type,
                file_name: name,
                upload_method: 0,
                duration: 900,
            };
            self.enqueue(now, servcmd::COS_PRE_SIG, &body, timeout, request);
        }
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

    /// Every file is signed: hand the driver the uploads.
    fn signed(&mut self, id: RequestId<Message>, message: Message, signed: Vec<Signed>) {
        let Some(staged) = self.uploads.staged.get(&message.id) else {
            return self.fail_send(
                id,
                message,
                ErrorCode::MSG_F_UPLOAD_FAIL,
                "nothing to upload",
            );
        };
        let bodies: Vec<UploadBody> = staged.parts.iter().map(|p| p.body.clone()).collect();
        let message_id = message.id.clone();
        let mut running = Vec::with_capacity(bodies.len());
        let mut puts = Vec::with_capacity(bodies.len());
        for (body, urls) in bodies.into_iter().zip(&signed) {
            let (url, _) = rewrite(&urls.upload, self.ctx.opts().file_upload_proxy.as_deref());
            self.uploads.next_id += 1;
            let upload_id = UploadId(self.uploads.next_id);
            running.push(Running {
                id: upload_id,
                size: body.len(),
                sent: 0,
                done: false,
            });
            self.uploads.by_upload.insert(upload_id, message_id.clone());
            puts.push(UploadAction::Put(UploadRequest {
                id: upload_id,
                url,
                body,
                message_id: message_id.clone(),
            }));
        }
        let server_snapshot = signed
            .first()
            .map(|s| s.snapshot.clone())
            .unwrap_or_default();
        self.uploads.active.insert(
            message_id,
            Active {
                request: id,
                message,
                downloads: signed.into_iter().map(|s| s.download).collect(),
                server_snapshot,
                running,
                progress: 0.0,
            },
        );
        self.uploads.actions.extend(puts);
    }

    /// The next upload action for the driver.
    pub fn poll_upload(&mut self) -> Option<UploadAction> {
        self.uploads.actions.pop_front()
    }

    /// The driver's progress on upload `id`: `sent` of `total` bytes. Returns
    /// the message's ID and the fraction of all its uploads done (0 to 1)
    /// for the caller's `onProgress`; `None` for an upload the client no
    /// longer waits for.
    pub fn handle_upload_progress(
        &mut self,
        _now: Instant,
        id: UploadId,
        sent: u64,
        total: u64,
    ) -> Option<(String, f64)> {
        let message_id = self.uploads.by_upload.get(&id)?.clone();
        let active = self.uploads.active.get_mut(&message_id)?;
        let part = active.running.iter_mut().find(|r| r.id == id)?;
        if total != 0 && part.size == 0 {
            part.size = total;
        }
        part.sent = part.sent.max(sent.min(part.size));
        active.progress = active.progress.max(fraction_of(&active.running));
        Some((message_id, active.progress))
    }

    /// Upload `id` ended: `Ok` when the server answered HTTP 200, else the
    /// reason. When every upload of its message succeeded, the message is
    /// sent with the download URLs; when one fails, the others are
    /// cancelled and the send fails with 2400 (MSG_F_UPLOAD_FAIL).
    pub fn handle_upload_done(&mut self, now: Instant, id: UploadId, outcome: Result<(), String>) {
        let Some(message_id) = self.uploads.by_upload.remove(&id) else {
            return;
        };
        if let Err(reason) = outcome {
            let reason: String = reason.chars().take(200).collect();
            return self.abort_message_uploads(
                &message_id,
                ErrorCode::MSG_F_UPLOAD_FAIL,
                &format!("upload failed: {reason}"),
            );
        }
        let Some(active) = self.uploads.active.get_mut(&message_id) else {
            return;
        };
        if let Some(part) = active.running.iter_mut().find(|r| r.id == id) {
            part.done = true;
            part.sent = part.size;
        }
        if !active.running.iter().all(|r| r.done) {
            active.progress = active.progress.max(fraction_of(&active.running));
            return;
        }
        let Some(Active {
            request,
            mut message,
            downloads,
            server_snapshot,
            ..
        }) = self.uploads.active.remove(&message_id)
        else {
            return;
        };
        let download = downloads.first().cloned().unwrap_or_default();
        match &mut message.payload {
            Payload::File(p) => p.remote_file_url = download,
            Payload::Audio(p) => p.remote_audio_url = download,
            Payload::Video(p) => {
                p.remote_video_url = download;
                p.remote_snapshot_url = downloads.get(1).cloned().unwrap_or(server_snapshot);
            }
            Payload::Image(p) => {
                for v in &mut p.image_info_array {
                    v.image_url = if v.variant_type == 2 {
                        format!("{download}?imageView2/3/w/{THUMBNAIL_SIDE}/h/{THUMBNAIL_SIDE}")
                    } else {
                        download.clone()
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

    /// Cancel every running upload of `message_id` and fail its send with
    /// `code`: nothing of it is sent.
    fn abort_message_uploads(&mut self, message_id: &str, code: ErrorCode, why: &str) {
        let Some(active) = self.uploads.active.remove(message_id) else {
            return;
        };
        for part in &active.running {
            if self.uploads.by_upload.remove(&part.id).is_some() {
                self.uploads
                    .actions
                    .push_back(UploadAction::Cancel(part.id));
            }
        }
        self.fail_send(active.request, active.message, code, why.to_owned());
    }

    /// Stop the uploads of `message_id` (a media message being sent; a
    /// video's and its snapshot's): the driver is told to cancel them and
    /// the send fails with 2400. False when no upload of that message is
    /// running.
    pub fn cancel_upload(&mut self, _now: Instant, message_id: &str) -> bool {
        if !self.uploads.active.contains_key(message_id) {
            return false;
        }
        self.abort_message_uploads(message_id, ErrorCode::MSG_F_UPLOAD_FAIL, "upload cancelled");
        true
    }

    /// The message upload `id` belongs to, while it runs.
    pub fn upload_message(&self, id: UploadId) -> Option<String> {
        self.uploads.by_upload.get(&id).cloned()
    }

    /// The bytes of created media messages (at destroy, with them).
    pub(crate) fn forget_staged_uploads(&mut self) {
        self.uploads.staged.clear();
    }

    /// The session ended: every running upload is cancelled and its send
    /// fails with `code`, as the requests that needed the session do.
    pub(crate) fn end_uploads(&mut self, code: ErrorCode, why: &str) {
        let ids: Vec<String> = self.uploads.active.keys().cloned().collect();
        for id in ids {
            self.abort_message_uploads(&id, code, why);
        }
    }

    /// The fraction of `message_id`'s uploads done (0 to 1), while they
    /// run.
    pub fn upload_progress(&self, message_id: &str) -> Option<f64> {
        self.uploads.active.get(message_id).map(|a| a.progress)
    }
}

/// Bytes done over bytes in all of a message's uploads.
fn fraction_of(running: &[Running]) -> f64 {
    let total: u64 = running.iter().map(|r| r.size).sum();
    if total == 0 {
        return if running.iter().all(|r| r.done) {
            1.0
        } else {
            0.0
        };
    }
    let sent: u64 = running.iter().map(|r| r.sent.min(r.size)).sum();
    sent as f64 / total as f64
}

/// The URLs the server handed out for one file.
#[derive(Debug)]
struct Signed {
    upload: String,
    download: String,
    /// A video cover the server offers (empty when none).
    snapshot: String,
}

/// `im_cos_msg.simple_sig` / `pre_sig` for one file of a send.
#[derive(Debug)]
struct SignUpload {
    id: RequestId<Message>,
    message: Box<Message>,
    simple: bool,
    /// The files before this one.
    signed: Vec<Signed>,
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
        now: Instant,
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
                Ok(Signed {
                    upload: item.str_upload_url,
                    download: item.str_download_url,
                    snapshot: item.str_snapshot_url,
                })
            } else {
                let reply = Client::reply_body::<PreSigReply>(frame)?;
                Ok(Signed {
                    upload: reply.upload_url,
                    download: reply.download_url,
                    snapshot: reply.snapshot_url,
                })
            }
        });
        match urls {
            Ok(urls) if !urls.upload.is_empty() && !urls.download.is_empty() => {
                let SignUpload {
                    id,
                    message,
                    mut signed,
                    ..
                } = *self;
                signed.push(urls);
                client.sign_part(now, id, *message, signed);
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

/// `im_sdk_config_mgr.fetch_config` before the first upload of a session:
/// the cloud config's `simple_cos` chooses the signature command. A
/// failed or unreadable reply leaves the choice to the private-network
/// rule; it never fails the send.
#[derive(Debug)]
struct FetchCosConfig {
    id: RequestId<Message>,
    message: Box<Message>,
}

impl FetchCosConfig {
    fn proceed(self, client: &mut Client, now: Instant, simple_cos: Option<bool>) {
        client.uploads.cos_config = CosConfig::Known(simple_cos);
        client.sign_part(now, self.id, *self.message, Vec::new());
    }
}

impl Request for FetchCosConfig {
    fn holds_through_outage(&self) -> bool {
        true
    }

    fn pending_send(&self) -> Option<(AnyRequestId, &Message)> {
        Some((self.id.erased(), &self.message))
    }

    fn on_reply(
        self: Box<Self>,
        client: &mut Client,
        now: Instant,
        status: Result<(), ChatError>,
        frame: &Frame,
    ) {
        let simple_cos = status
            .and_then(|()| Client::reply_body::<FetchConfigReply>(frame))
            .ok()
            .filter(|r| r.int32_error_code == 0)
            .and_then(|r| simple_cos_of(&r.str_json_config));
        self.proceed(client, now, simple_cos);
    }

    /// No reply in time: the private-network rule decides this time; the
    /// config is asked again before the next upload.
    fn on_timeout(
        self: Box<Self>,
        client: &mut Client,
        now: Instant,
        _err: ChatError,
        _sent: bool,
    ) {
        let FetchCosConfig { id, message } = *self;
        client.sign_part(now, id, *message, Vec::new());
    }

    /// The session ended (or the send was cancelled): the send fails as a
    /// failed signature does, with nothing sent.
    fn on_failed(self: Box<Self>, client: &mut Client, err: ChatError) {
        let text = format!("getting the upload signature failed: {err}");
        client.fail_send(self.id, *self.message, ErrorCode::COS_GET_SIG_FAIL, text);
    }
}
