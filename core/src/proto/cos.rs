//! Bodies of the upload signature commands (`im_cos_msg.*`,
//! messages-facts §5.2 and §5.3): the client asks for a signed upload URL,
//! `PUT`s the raw bytes there, and sends the download URL in its message.
//!
//! A `simple_sig` reply must always carry `rpt_pre_sig` (or a non-zero
//! `ErrorCode`): the official SDK re-requests a reply without it in an
//! endless loop (messages-facts §7).

use serde::{Deserialize, Serialize};

use super::BaseReply;

/// `uint32_file_type` / `file_type`: what kind of file is uploaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CosFileType;

impl CosFileType {
    /// An image.
    pub const IMAGE: u32 = 1;
    /// A video (or its snapshot).
    pub const VIDEO: u32 = 2;
    /// An audio clip.
    pub const AUDIO: u32 = 3;
    /// Any other file.
    pub const FILE: u32 = 255;
}

/// `uint32_scene` of `simple_sig`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CosScene;

impl CosScene {
    /// A one-to-one conversation.
    pub const C2C: u32 = 1;
    /// A group conversation.
    pub const GROUP: u32 = 2;
}

/// One file of a `simple_sig` request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadObject {
    /// The client's number for the file, echoed in the reply.
    #[serde(default)]
    pub uint32_file_id: u32,
    /// [`CosFileType`].
    #[serde(default)]
    pub uint32_file_type: u32,
    /// `<32 hex>-<random><.ext>`, chosen by the client.
    #[serde(default)]
    pub str_file_name: String,
}

/// Body of `im_cos_msg.simple_sig`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimpleSigRequest {
    /// 0 (a `PUT` of the raw bytes).
    #[serde(default)]
    pub uint32_upload_method: u32,
    /// 7 (web).
    #[serde(default)]
    pub uint32_platform: u32,
    /// The application.
    #[serde(default)]
    pub uint32_sdkappid: u64,
    /// The uploader.
    #[serde(default)]
    pub str_user_id: String,
    /// [`CosScene`].
    #[serde(default)]
    pub uint32_scene: u32,
    /// The files to sign.
    #[serde(default)]
    pub rpt_upload_object: Vec<UploadObject>,
}

/// One signed file of a `simple_sig` reply.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreSigItem {
    /// The request's `uint32_file_id`.
    #[serde(default)]
    pub uint32_file_id: u32,
    /// 1: the file is there already; skip the upload and use
    /// `str_download_url`.
    #[serde(default)]
    pub uint32_exist_flag: u32,
    /// The server's key of the file.
    #[serde(default)]
    pub str_file_key: String,
    /// Where to `PUT` the bytes (signed, expiring).
    #[serde(default)]
    pub str_upload_url: String,
    /// Where the file can be downloaded once uploaded.
    #[serde(default)]
    pub str_download_url: String,
    /// Video cover URL (empty otherwise).
    #[serde(default)]
    pub str_snapshot_url: String,
}

/// Reply of `im_cos_msg.simple_sig`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimpleSigReply {
    /// Status and error.
    #[serde(flatten)]
    pub base: BaseReply,
    /// An address to retry a failed upload against (empty: none).
    #[serde(default)]
    pub str_final_ip: String,
    /// One item per requested file.
    #[serde(default)]
    pub rpt_pre_sig: Vec<PreSigItem>,
}

/// Body of `im_cos_msg.pre_sig`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreSigRequest {
    /// [`CosFileType`].
    #[serde(default)]
    pub file_type: u32,
    /// `<32 hex>-<random><.ext>`.
    #[serde(default)]
    pub file_name: String,
    /// 0 (a `PUT` of the raw bytes).
    #[serde(default)]
    pub upload_method: u32,
    /// Asked validity of the URL, seconds (the capital `D` is the SDK's).
    #[serde(rename = "Duration", default)]
    pub duration: u64,
}

/// Reply of `im_cos_msg.pre_sig`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreSigReply {
    /// Status and error.
    #[serde(flatten)]
    pub base: BaseReply,
    /// When `upload_url` stops working, Unix seconds.
    #[serde(default)]
    pub expired_time: u64,
    /// The server's name for this request.
    #[serde(default)]
    pub request_id: String,
    /// Where to `PUT` the bytes.
    #[serde(default)]
    pub upload_url: String,
    /// Where the file can be downloaded once uploaded.
    #[serde(default)]
    pub download_url: String,
    /// Unused by tcchat (empty).
    #[serde(default)]
    pub head_url: String,
    /// Unused by tcchat (empty).
    #[serde(default)]
    pub ci_url: String,
    /// The server's key of the file.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub file_key: String,
    /// A video's cover the server made (optional; messages-facts §5.3).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub snapshot_url: String,
}

/// Body of `im_cos_msg.get_imageinfo`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageInfoRequest {
    /// The image's download URL.
    #[serde(default)]
    pub str_image_url: String,
}

/// One variant in a `get_imageinfo` reply.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageInfoItem {
    /// 3: original (message `Type` 1), 2: large (`Type` 2), 1: thumbnail
    /// (`Type` 3).
    #[serde(default)]
    pub uint32_image_type: u32,
    /// URL of the variant.
    #[serde(default)]
    pub str_url: String,
    /// Width, pixels.
    #[serde(default)]
    pub uint32_width: u32,
    /// Height, pixels.
    #[serde(default)]
    pub uint32_height: u32,
    /// `png`, `jpg`, `gif`, `bmp` or `webp`.
    #[serde(default)]
    pub str_image_format: String,
}

/// Reply of `im_cos_msg.get_imageinfo`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageInfoReply {
    /// Status and error.
    #[serde(flatten)]
    pub base: BaseReply,
    /// The variants.
    #[serde(default)]
    pub rpt_msg_image_info: Vec<ImageInfoItem>,
}
