//! `registerPlugin`: the slot for an upload plugin.
//!
//! The official SDK takes `{'tim-upload-plugin': TIMUploadPlugin}` and uses
//! it to upload image, audio, video and file messages. tcchat accepts a
//! plugin in the same slot so applications can register one today; no
//! message type uses it yet (file messages come with the messages work), and
//! tcchat ships no implementation.

use crate::runtime::BoxFuture;
use tcchat_core::ChatError;

/// The only plugin name the official SDK documents.
pub const UPLOAD_PLUGIN_NAME: &str = "tim-upload-plugin";

/// A file to upload: the pre-signed URL the server handed out and the bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadRequest {
    /// Where to `PUT` the bytes.
    pub upload_url: String,
    /// The file's bytes.
    pub data: Vec<u8>,
    /// MIME type.
    pub content_type: String,
}

/// Where the uploaded file can be downloaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadResponse {
    /// Download URL.
    pub download_url: String,
}

/// An uploader, like `tim-upload-plugin`.
pub trait UploadPlugin: Send + Sync {
    /// Upload one file.
    fn upload_file(&self, request: UploadRequest) -> BoxFuture<Result<UploadResponse, ChatError>>;
}
