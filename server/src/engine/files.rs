//! Files and rich media: the upload signature commands
//! (`im_cos_msg.simple_sig`, `im_cos_msg.pre_sig`,
//! `im_cos_msg.get_imageinfo`; messages-facts §5) and the HTTP endpoint the
//! signed URLs name, in virtual time.
//!
//! A signature names a file key `im/<type>/<random>/<client's name>` under
//! the server's own HTTP endpoint
//! ([`FileConfig::base_url`]): `PUT <base>/cos/<app>/<key>?expires=<unix
//! s>&sign=<hex>` uploads the raw bytes (as the official upload plugin
//! does, no headers needed), `GET <base>/cos/<app>/<key>` downloads them.
//! `sign` is an HMAC-SHA256, keyed by the application's secret key, of the
//! method, application, key and expiry, so a URL works only for that file
//! and only until it expires, and survives a restart of the server.
//! Uploads larger than [`FileConfig::max_file_bytes`] are refused (HTTP
//! 413, [`codes::FILE_TOO_LARGE`]); files are kept in memory up to
//! [`FileConfig::max_total_bytes`] in all, the oldest forgotten first, and
//! do not survive a restart. With [`FileConfig::require_auth_key`] the
//! login reply carries `RichMsgAuthKey` and a download needs it as
//! `authKey=`.
//!
//! A `simple_sig` is never answered without `rpt_pre_sig`: the official SDK
//! would re-request it at once, forever (messages-facts §7). Every refusal
//! carries a non-zero `ErrorCode` instead, which the SDK turns into 2041.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use bytes::Bytes;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use tcchat_core::media::{image_info, scaled, LARGE_SIDE, THUMBNAIL_SIDE};
use tcchat_core::proto::cos::{
    CosFileType, ImageInfoItem, ImageInfoReply, ImageInfoRequest, PreSigItem, PreSigReply,
    PreSigRequest, SimpleSigReply, SimpleSigRequest,
};
use tcchat_core::proto::BaseReply;
use tcchat_core::wire::Frame;

use super::conn::Ident;
use super::request::{check_caller, check_len, refuse, Fail};
use super::{ConnId, Engine};
use crate::codes;
use crate::store::Store;

type HmacSha256 = Hmac<Sha256>;

/// The path prefix of the file endpoint on the HTTP listener.
pub const FILE_PATH_PREFIX: &str = "/cos/";
/// Longest file name a client may ask to sign, bytes.
pub const MAX_FILE_NAME_BYTES: usize = 128;
/// Most files in one `simple_sig`.
pub const MAX_FILES_PER_SIG: usize = 10;
/// Longest `Content-Type` kept with an upload, bytes.
const MAX_CONTENT_TYPE_BYTES: usize = 100;

/// Files: where they are served and how much the server keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileConfig {
    /// `http://HOST:PORT` of the HTTP listener, the base of the URLs the
    /// signatures hand out. `None` (no HTTP listener): signature requests
    /// are refused with [`codes::FILES_NOT_SERVED`]. [`crate::start`] sets
    /// it to the listener's address unless the configuration names one (a
    /// proxy in front of the server, say).
    pub base_url: Option<String>,
    /// Largest upload, bytes (default 100 MiB, the official SDK's limit for
    /// files and videos). Larger: HTTP 413 with
    /// [`codes::FILE_TOO_LARGE`].
    pub max_file_bytes: usize,
    /// Bytes of all files kept together (default 256 MiB); past it the
    /// oldest files are forgotten.
    pub max_total_bytes: usize,
    /// How long a signed upload URL works (default 15 minutes, the
    /// `Duration` the official SDK asks in `pre_sig`).
    pub url_ttl: Duration,
    /// Whether downloads need the `authKey` the login reply hands out
    /// (`RichMsgAuthKey`). Default false.
    pub require_auth_key: bool,
    /// The cloud config's `simple_cos` (`fetch_config`): `Some(true)` tells
    /// clients to sign uploads with `simple_sig`, `Some(false)` with
    /// `pre_sig`; `None` (default) sends no config and leaves the choice to
    /// the clients' "private network" rule (messages-facts §5.1). The
    /// server answers both commands either way.
    pub simple_cos: Option<bool>,
}

impl FileConfig {
    /// Default [`max_file_bytes`](Self::max_file_bytes): 100 MiB.
    pub const DEFAULT_MAX_FILE_BYTES: usize = 100 * 1024 * 1024;
    /// Default [`max_total_bytes`](Self::max_total_bytes): 256 MiB.
    pub const DEFAULT_MAX_TOTAL_BYTES: usize = 256 * 1024 * 1024;
    /// Default [`url_ttl`](Self::url_ttl): 900 s.
    pub const DEFAULT_URL_TTL: Duration = Duration::from_secs(900);
}

impl Default for FileConfig {
    fn default() -> Self {
        FileConfig {
            base_url: None,
            max_file_bytes: Self::DEFAULT_MAX_FILE_BYTES,
            max_total_bytes: Self::DEFAULT_MAX_TOTAL_BYTES,
            url_ttl: Self::DEFAULT_URL_TTL,
            require_auth_key: false,
            simple_cos: None,
        }
    }
}

/// A request on the file endpoint, as the HTTP layer parsed it.
#[derive(Debug, Clone, Copy)]
pub struct FileRequest<'a> {
    /// `PUT` (upload), `GET` or `HEAD` (download).
    pub method: &'a str,
    /// The URL path, starting with [`FILE_PATH_PREFIX`].
    pub path: &'a str,
    /// The URL query, without `?`.
    pub query: &'a str,
    /// The upload's `Content-Type`, if any.
    pub content_type: Option<&'a str>,
    /// A download's `Range` header, if any: one `bytes=` range (HTTP 206);
    /// anything else is refused (HTTP 416, [`codes::FILE_RANGE_INVALID`]).
    pub range: Option<&'a str>,
    /// The uploaded bytes (empty for a download).
    pub body: &'a Bytes,
}

/// The answer of the file endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileResponse {
    /// HTTP status: 200 on success.
    pub status: u16,
    /// `Content-Type` of `body`.
    pub content_type: String,
    /// The file (a download), or `{"ErrorCode","ErrorInfo"}`.
    pub body: Bytes,
    /// `Content-Range` of a ranged download (HTTP 206), or of a refused
    /// range (`bytes */<size>`).
    pub content_range: Option<String>,
}

impl FileResponse {
    fn error(status: u16, code: u32, info: &str) -> FileResponse {
        let body =
            serde_json::json!({"ActionStatus": "FAIL", "ErrorCode": code, "ErrorInfo": info});
        FileResponse {
            status,
            content_type: "application/json; charset=utf-8".to_owned(),
            body: Bytes::from(body.to_string()),
            content_range: None,
        }
    }
}

#[derive(Debug)]
struct StoredFile {
    bytes: Bytes,
    content_type: String,
}

/// The files kept in memory, oldest first out.
#[derive(Debug, Default)]
pub(super) struct Vault {
    files: HashMap<String, StoredFile>,
    order: VecDeque<String>,
    total: usize,
}

impl Vault {
    fn put(&mut self, key: String, file: StoredFile, max_total: usize) {
        if let Some(old) = self.files.remove(&key) {
            self.total -= old.bytes.len();
            self.order.retain(|k| k != &key);
        }
        while self.total + file.bytes.len() > max_total {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            if let Some(old) = self.files.remove(&oldest) {
                self.total -= old.bytes.len();
                tracing::debug!(key = %super::logs::short(&oldest), "file forgotten to make room");
            }
        }
        self.total += file.bytes.len();
        self.order.push_back(key.clone());
        self.files.insert(key, file);
    }

    /// Bytes kept now.
    pub(super) fn total(&self) -> usize {
        self.total
    }
}

/// A file name a client may ask to sign: 1 to [`MAX_FILE_NAME_BYTES`]
/// bytes of letters, digits, `.`, `_` and `-`, not starting with a dot.
fn check_file_name(name: &str) -> Result<(), Fail> {
    let ok = !name.is_empty()
        && name.len() <= MAX_FILE_NAME_BYTES
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if ok {
        Ok(())
    } else {
        refuse(
            codes::INVALID_PARAMETER,
            format!("file name must be 1 to {MAX_FILE_NAME_BYTES} bytes of [A-Za-z0-9._-]"),
        )
    }
}

fn check_file_type(file_type: u32) -> Result<(), Fail> {
    match file_type {
        CosFileType::IMAGE | CosFileType::VIDEO | CosFileType::AUDIO | CosFileType::FILE => Ok(()),
        other => refuse(
            codes::INVALID_PARAMETER,
            format!("file type {other} is none of 1, 2, 3, 255"),
        ),
    }
}

/// A stored key: the path after `/cos/<app>/`.
fn check_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 256
        && !key.contains("..")
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'/'))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 || text.len() > 128 {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

fn mac(secret: &str, parts: &[&str]) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes())
        .expect("HMAC-SHA256 accepts keys of any length");
    for part in parts {
        mac.update(part.as_bytes());
        mac.update(b"\n");
    }
    mac
}

/// The first and last byte (inclusive) of `range`, one `bytes=` range of
/// a `size`-byte file: `bytes=a-b` (`b` capped at the end), `bytes=a-` or
/// `bytes=-n` (the last `n`). `None` for anything else: several ranges,
/// a start past the end, an empty file, or not that syntax at all.
fn byte_range(range: &str, size: usize) -> Option<(usize, usize)> {
    let spec = range.trim().strip_prefix("bytes=")?.trim();
    if spec.len() > 41 || spec.contains(',') || size == 0 {
        return None;
    }
    let (first, last) = spec.split_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let last_byte = size - 1;
    match (first, last) {
        ("", n) if digits(n) => {
            let n: usize = n.parse().ok()?;
            (n > 0).then(|| (size.saturating_sub(n), last_byte))
        }
        (a, "") if digits(a) => {
            let a: usize = a.parse().ok()?;
            (a <= last_byte).then_some((a, last_byte))
        }
        (a, b) if digits(a) && digits(b) => {
            let (a, b): (usize, usize) = (a.parse().ok()?, b.parse().ok()?);
            (a <= b && a <= last_byte).then_some((a, b.min(last_byte)))
        }
        _ => None,
    }
}

/// The value of `name` in a URL query (undecoded: every value tcchat reads
/// here is ASCII without escapes).
fn query_value<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

impl<S: Store> Engine<S> {
    fn upload_sign(&self, secret: &str, app: u64, key: &str, expires: u64) -> String {
        let app = app.to_string();
        let expires = expires.to_string();
        hex(&mac(secret, &["PUT", &app, key, &expires])
            .finalize()
            .into_bytes())
    }

    /// The `RichMsgAuthKey` of the login reply of `app` (empty unless
    /// [`FileConfig::require_auth_key`]).
    pub(super) fn rich_msg_auth_key(&self, app: u64) -> String {
        match self.config.secret_of(app) {
            Some(secret) if self.config.files.require_auth_key => {
                let tag = mac(secret, &["AUTHKEY", &app.to_string()])
                    .finalize()
                    .into_bytes();
                hex(&tag[..16])
            }
            _ => String::new(),
        }
    }

    /// Sign one file of `me`: its key, upload URL, download URL and expiry.
    fn sign_file(
        &mut self,
        me: &Ident,
        unix_ms: u64,
        file_type: u32,
        name: &str,
    ) -> Result<(String, String, String, u64), Fail> {
        check_file_type(file_type)?;
        check_file_name(name)?;
        let Some(base) = self.config.files.base_url.clone() else {
            return refuse(
                codes::FILES_NOT_SERVED,
                "this server has no HTTP listener for files",
            );
        };
        let Some(secret) = self.config.secret_of(me.app).map(str::to_owned) else {
            return refuse(codes::FILES_NOT_SERVED, "unknown application");
        };
        let key = format!("im/{file_type}/{:016x}/{name}", self.tokens.next_u64());
        let expires = unix_ms / 1000 + self.config.files.url_ttl.as_secs();
        let sign = self.upload_sign(&secret, me.app, &key, expires);
        let base = base.trim_end_matches('/');
        let download = format!("{base}{FILE_PATH_PREFIX}{}/{key}", me.app);
        let upload = format!("{download}?expires={expires}&sign={sign}");
        Ok((key, upload, download, expires))
    }

    /// `im_cos_msg.simple_sig`: one signed URL per listed file.
    pub(super) fn on_simple_sig(&mut self, unix_ms: u64, conn: ConnId, gzip: bool, frame: &Frame) {
        let Some((me, req)) = self.begin::<SimpleSigRequest>(unix_ms, conn, gzip, frame) else {
            return;
        };
        let result = self.simple_sig(&me, unix_ms, &req);
        self.finish_query(conn, gzip, &frame.head, result);
    }

    fn simple_sig(
        &mut self,
        me: &Ident,
        unix_ms: u64,
        req: &SimpleSigRequest,
    ) -> Result<SimpleSigReply, Fail> {
        check_caller(me, &req.str_user_id)?;
        if req.rpt_upload_object.is_empty() {
            // An empty list would get an empty `rpt_pre_sig`, which the
            // official SDK re-requests forever.
            return refuse(codes::INVALID_PARAMETER, "rpt_upload_object is empty");
        }
        check_len(
            "rpt_upload_object",
            &req.rpt_upload_object,
            MAX_FILES_PER_SIG,
        )?;
        let mut items = Vec::with_capacity(req.rpt_upload_object.len());
        for object in &req.rpt_upload_object {
            let (key, upload, download, _) =
                self.sign_file(me, unix_ms, object.uint32_file_type, &object.str_file_name)?;
            items.push(PreSigItem {
                uint32_file_id: object.uint32_file_id,
                uint32_exist_flag: 0,
                str_file_key: key,
                str_upload_url: upload,
                str_download_url: download,
                str_snapshot_url: String::new(),
            });
        }
        Ok(SimpleSigReply {
            base: BaseReply::ok(),
            str_final_ip: String::new(),
            rpt_pre_sig: items,
        })
    }

    /// `im_cos_msg.pre_sig`: a signed URL for one file.
    pub(super) fn on_pre_sig(&mut self, unix_ms: u64, conn: ConnId, gzip: bool, frame: &Frame) {
        let Some((me, req)) = self.begin::<PreSigRequest>(unix_ms, conn, gzip, frame) else {
            return;
        };
        let result = self
            .sign_file(&me, unix_ms, req.file_type, &req.file_name)
            .map(|(key, upload, download, expires)| PreSigReply {
                base: BaseReply::ok(),
                expired_time: expires,
                request_id: format!("{:016x}", self.tokens.next_u64()),
                upload_url: upload,
                download_url: download,
                head_url: String::new(),
                ci_url: String::new(),
                file_key: key,
                snapshot_url: String::new(),
            });
        self.finish_query(conn, gzip, &frame.head, result);
    }

    /// `im_cos_msg.get_imageinfo`: the size of an uploaded image and its
    /// variants (original, large, thumbnail), read from its header.
    pub(super) fn on_image_info(&mut self, unix_ms: u64, conn: ConnId, gzip: bool, frame: &Frame) {
        let Some((me, req)) = self.begin::<ImageInfoRequest>(unix_ms, conn, gzip, frame) else {
            return;
        };
        let result = self.image_info(&me, &req);
        self.finish_query(conn, gzip, &frame.head, result);
    }

    fn image_info(&self, me: &Ident, req: &ImageInfoRequest) -> Result<ImageInfoReply, Fail> {
        let url = req.str_image_url.as_str();
        let prefix = format!("{FILE_PATH_PREFIX}{}/", me.app);
        let key = url
            .split_once(&prefix)
            .map(|(_, rest)| rest.split(['?', '#']).next().unwrap_or(""))
            .unwrap_or("");
        let Some(file) = self.vault.files.get(&format!("{}/{key}", me.app)) else {
            return refuse(codes::FILE_NOT_FOUND, "no such uploaded image");
        };
        let Some(info) = image_info(&file.bytes) else {
            return refuse(
                codes::INVALID_PARAMETER,
                "the file is not an image tcchat reads",
            );
        };
        let base = url.split(['?', '#']).next().unwrap_or(url);
        let variant = |image_type, (w, h): (u32, u32), url: String| ImageInfoItem {
            uint32_image_type: image_type,
            str_url: url,
            uint32_width: w,
            uint32_height: h,
            str_image_format: info.format.name().to_owned(),
        };
        let size = (info.width, info.height);
        Ok(ImageInfoReply {
            base: BaseReply::ok(),
            rpt_msg_image_info: vec![
                variant(3, size, base.to_owned()),
                variant(2, scaled(size.0, size.1, LARGE_SIDE), base.to_owned()),
                variant(
                    1,
                    scaled(size.0, size.1, THUMBNAIL_SIDE),
                    format!("{base}?imageView2/3/w/{THUMBNAIL_SIDE}/h/{THUMBNAIL_SIDE}"),
                ),
            ],
        })
    }

    /// A request on the file endpoint ([`FILE_PATH_PREFIX`]): an upload to
    /// a signed URL, or a download.
    pub fn handle_file(&mut self, unix_ms: u64, req: &FileRequest<'_>) -> FileResponse {
        let Some(rest) = req.path.strip_prefix(FILE_PATH_PREFIX) else {
            return FileResponse::error(404, codes::FILE_NOT_FOUND, "not a file path");
        };
        let Some((app_text, key)) = rest.split_once('/') else {
            return FileResponse::error(404, codes::FILE_NOT_FOUND, "no such file");
        };
        let (Ok(app), true) = (app_text.parse::<u64>(), check_key(key)) else {
            return FileResponse::error(404, codes::FILE_NOT_FOUND, "no such file");
        };
        let Some(secret) = self.config.secret_of(app).map(str::to_owned) else {
            return FileResponse::error(404, codes::FILE_NOT_FOUND, "no such file");
        };
        let stored_key = format!("{app}/{key}");
        match req.method {
            "PUT" => self.upload(unix_ms, req, &secret, app, key, stored_key),
            "GET" | "HEAD" => {
                if self.config.files.require_auth_key {
                    let expected = self.rich_msg_auth_key(app);
                    if query_value(req.query, "authKey") != Some(expected.as_str()) {
                        return FileResponse::error(
                            403,
                            codes::FILE_SIGNATURE_INVALID,
                            "authKey missing or wrong",
                        );
                    }
                }
                let Some(file) = self.vault.files.get(&stored_key) else {
                    return FileResponse::error(404, codes::FILE_NOT_FOUND, "no such file");
                };
                let size = file.bytes.len();
                let (status, body, content_range) = match req.range {
                    None => (200, file.bytes.clone(), None),
                    Some(range) => match byte_range(range, size) {
                        Some((start, end)) => (
                            206,
                            file.bytes.slice(start..=end),
                            Some(format!("bytes {start}-{end}/{size}")),
                        ),
                        None => {
                            let mut refused = FileResponse::error(
                                416,
                                codes::FILE_RANGE_INVALID,
                                "Range must be one bytes= range inside the file",
                            );
                            refused.content_range = Some(format!("bytes */{size}"));
                            return refused;
                        }
                    },
                };
                FileResponse {
                    status,
                    content_type: file.content_type.clone(),
                    body: if req.method == "HEAD" {
                        Bytes::new()
                    } else {
                        body
                    },
                    content_range,
                }
            }
            _ => FileResponse::error(405, codes::INVALID_PARAMETER, "PUT, GET or HEAD only"),
        }
    }

    fn upload(
        &mut self,
        unix_ms: u64,
        req: &FileRequest<'_>,
        secret: &str,
        app: u64,
        key: &str,
        stored_key: String,
    ) -> FileResponse {
        let expires = query_value(req.query, "expires").and_then(|e| e.parse::<u64>().ok());
        let sign = query_value(req.query, "sign").and_then(unhex);
        let (Some(expires), Some(sign)) = (expires, sign) else {
            return FileResponse::error(
                403,
                codes::FILE_SIGNATURE_INVALID,
                "expires and sign are needed",
            );
        };
        let valid = mac(
            secret,
            &["PUT", &app.to_string(), key, &expires.to_string()],
        )
        .verify_slice(&sign)
        .is_ok();
        if !valid {
            return FileResponse::error(
                403,
                codes::FILE_SIGNATURE_INVALID,
                "signature does not match",
            );
        }
        if unix_ms / 1000 > expires {
            return FileResponse::error(403, codes::FILE_SIGNATURE_INVALID, "signed URL expired");
        }
        if self.vault.files.contains_key(&stored_key) {
            return FileResponse::error(
                409,
                codes::FILE_ALREADY_UPLOADED,
                "this URL has uploaded its file already",
            );
        }
        let max = self.config.files.max_file_bytes;
        if req.body.len() > max {
            return FileResponse::error(
                413,
                codes::FILE_TOO_LARGE,
                &format!("file over {max} bytes"),
            );
        }
        let content_type = req
            .content_type
            .filter(|t| t.len() <= MAX_CONTENT_TYPE_BYTES && t.is_ascii())
            .unwrap_or("application/octet-stream")
            .to_owned();
        tracing::debug!(key = %super::logs::short(&stored_key), len = req.body.len(), "file uploaded");
        let file = StoredFile {
            bytes: req.body.clone(),
            content_type,
        };
        self.vault
            .put(stored_key, file, self.config.files.max_total_bytes);
        FileResponse {
            status: 200,
            content_type: "text/plain; charset=utf-8".to_owned(),
            body: Bytes::new(),
            content_range: None,
        }
    }

    /// Bytes of uploaded files the server keeps now.
    pub fn file_bytes(&self) -> usize {
        self.vault.total()
    }
}
