//! The payloads of file, image, audio and video messages, and their wire
//! elements (messages-facts §5.6).
//!
//! A payload keeps two URLs for each file: the one on the wire
//! (`remote*`, the server's `download_url`) and the one to download from on
//! this instance (`file_url`, `url`), which is the remote one after the
//! `file_download_proxy` rewrite and with `authKey` (messages-facts §5.5).

use serde::{Deserialize, Serialize};

/// `payload` of a `TIMFileElem` message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FilePayload {
    /// `<SDKAppID>-<userID>-<32 random chars>.<ext>`.
    pub uuid: String,
    /// The file's name as the sender gave it.
    pub file_name: String,
    /// Size, bytes.
    pub file_size: u64,
    /// Where this instance downloads it (proxied, with `authKey`); empty
    /// until uploaded.
    pub file_url: String,
    /// The URL on the wire (the server's download URL).
    pub remote_file_url: String,
    /// `downloadFlag`: 2 (download by URL).
    pub download_flag: u32,
}

/// One entry of an image message's `imageInfoArray`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageVariant {
    /// 0: original, 1: large, 2: thumbnail (the wire `Type` minus one).
    #[serde(rename = "type")]
    pub variant_type: u32,
    /// Size, bytes (only the original's is known).
    pub size: u64,
    /// Width, pixels.
    pub width: u32,
    /// Height, pixels.
    pub height: u32,
    /// Where this instance downloads it (proxied, with `authKey`).
    pub url: String,
    /// The URL on the wire.
    pub image_url: String,
}

/// `payload` of a `TIMImageElem` message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImagePayload {
    /// `<SDKAppID>-<userID>-<32 random chars>.<ext>`.
    pub uuid: String,
    /// `ImageFormat`: 1 JPG, 2 GIF, 3 PNG, 4 BMP, 255 other.
    pub image_format: u32,
    /// Original, large and thumbnail (empty until uploaded).
    pub image_info_array: Vec<ImageVariant>,
}

/// `payload` of a `TIMSoundElem` message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AudioPayload {
    /// `<SDKAppID>-<userID>-<32 random chars>.<ext>`.
    pub uuid: String,
    /// Where this instance downloads it (proxied, with `authKey`).
    pub url: String,
    /// The URL on the wire.
    pub remote_audio_url: String,
    /// Size, bytes.
    pub size: u64,
    /// Duration, seconds.
    pub second: u32,
    /// `downloadFlag`: 2.
    pub download_flag: u32,
}

/// `payload` of a `TIMVideoFileElem` message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VideoPayload {
    /// UUID of the video.
    pub video_uuid: String,
    /// Where this instance downloads the video (proxied, with `authKey`).
    pub video_url: String,
    /// The video's URL on the wire.
    pub remote_video_url: String,
    /// Size, bytes.
    pub video_size: u64,
    /// Duration, seconds.
    pub video_second: u32,
    /// Container format (`mp4`, …).
    pub video_format: String,
    /// UUID of the snapshot.
    pub snapshot_uuid: String,
    /// Where this instance downloads the snapshot.
    pub snapshot_url: String,
    /// The snapshot's URL on the wire.
    pub remote_snapshot_url: String,
    /// Snapshot width, pixels.
    pub snapshot_width: u32,
    /// Snapshot height, pixels.
    pub snapshot_height: u32,
    /// Snapshot size, bytes.
    pub snapshot_size: u64,
}

/// `MsgContent` of `TIMFileElem` on the wire.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct FileContent {
    #[serde(rename = "Download_Flag", default)]
    pub download_flag: u32,
    #[serde(rename = "Url", default)]
    pub url: String,
    #[serde(rename = "UUID", default)]
    pub uuid: String,
    #[serde(rename = "FileName", default)]
    pub file_name: String,
    #[serde(rename = "FileSize", default)]
    pub file_size: u64,
}

/// One `ImageInfoArray` entry on the wire.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct ImageInfoContent {
    #[serde(rename = "InstanceId", default)]
    pub instance_id: u64,
    #[serde(rename = "Type", default)]
    pub image_type: u32,
    #[serde(rename = "MsgType", default)]
    pub msg_type: u32,
    #[serde(rename = "Size", default)]
    pub size: u64,
    #[serde(rename = "Width", default)]
    pub width: u32,
    #[serde(rename = "Height", default)]
    pub height: u32,
    #[serde(rename = "URL", default)]
    pub url: String,
}

/// `MsgContent` of `TIMImageElem` on the wire.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct ImageContent {
    #[serde(rename = "ImageFormat", default)]
    pub image_format: u32,
    #[serde(rename = "UUID", default)]
    pub uuid: String,
    #[serde(rename = "ImageInfoArray", default)]
    pub image_info_array: Vec<ImageInfoContent>,
}

/// `MsgContent` of `TIMSoundElem` on the wire (Tencent's documented
/// element; not observed with the official SDK).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct SoundContent {
    #[serde(rename = "UUID", default)]
    pub uuid: String,
    #[serde(rename = "Size", default)]
    pub size: u64,
    #[serde(rename = "Second", default)]
    pub second: u32,
    #[serde(rename = "Download_Flag", default)]
    pub download_flag: u32,
    #[serde(rename = "Url", default)]
    pub url: String,
}

/// `MsgContent` of `TIMVideoFileElem` on the wire (Tencent's documented
/// element; not observed with the official SDK).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct VideoContent {
    #[serde(rename = "VideoUUID", default)]
    pub video_uuid: String,
    #[serde(rename = "VideoSize", default)]
    pub video_size: u64,
    #[serde(rename = "VideoSecond", default)]
    pub video_second: u32,
    #[serde(rename = "VideoFormat", default)]
    pub video_format: String,
    #[serde(rename = "VideoDownloadFlag", default)]
    pub video_download_flag: u32,
    #[serde(rename = "VideoUrl", default)]
    pub video_url: String,
    #[serde(rename = "ThumbUUID", default)]
    pub thumb_uuid: String,
    #[serde(rename = "ThumbSize", default)]
    pub thumb_size: u64,
    #[serde(rename = "ThumbWidth", default)]
    pub thumb_width: u32,
    #[serde(rename = "ThumbHeight", default)]
    pub thumb_height: u32,
    #[serde(rename = "ThumbFormat", default)]
    pub thumb_format: String,
    #[serde(rename = "ThumbDownloadFlag", default)]
    pub thumb_download_flag: u32,
    #[serde(rename = "ThumbUrl", default)]
    pub thumb_url: String,
}

impl From<FileContent> for FilePayload {
    fn from(c: FileContent) -> Self {
        FilePayload {
            uuid: c.uuid,
            file_name: c.file_name,
            file_size: c.file_size,
            file_url: c.url.clone(),
            remote_file_url: c.url,
            download_flag: c.download_flag,
        }
    }
}

impl From<&FilePayload> for FileContent {
    fn from(p: &FilePayload) -> Self {
        FileContent {
            download_flag: 2,
            url: p.remote_file_url.clone(),
            uuid: p.uuid.clone(),
            file_name: p.file_name.clone(),
            file_size: p.file_size,
        }
    }
}

impl From<ImageContent> for ImagePayload {
    fn from(c: ImageContent) -> Self {
        ImagePayload {
            uuid: c.uuid,
            image_format: c.image_format,
            image_info_array: c
                .image_info_array
                .into_iter()
                .map(|i| ImageVariant {
                    variant_type: i.image_type.saturating_sub(1),
                    size: i.size,
                    width: i.width,
                    height: i.height,
                    url: i.url.clone(),
                    image_url: i.url,
                })
                .collect(),
        }
    }
}

impl From<&ImagePayload> for ImageContent {
    fn from(p: &ImagePayload) -> Self {
        ImageContent {
            image_format: p.image_format,
            uuid: p.uuid.clone(),
            image_info_array: p
                .image_info_array
                .iter()
                .map(|v| ImageInfoContent {
                    instance_id: 0,
                    image_type: v.variant_type + 1,
                    msg_type: v.variant_type,
                    size: v.size,
                    width: v.width,
                    height: v.height,
                    url: v.image_url.clone(),
                })
                .collect(),
        }
    }
}

impl From<SoundContent> for AudioPayload {
    fn from(c: SoundContent) -> Self {
        AudioPayload {
            uuid: c.uuid,
            url: c.url.clone(),
            remote_audio_url: c.url,
            size: c.size,
            second: c.second,
            download_flag: c.download_flag,
        }
    }
}

impl From<&AudioPayload> for SoundContent {
    fn from(p: &AudioPayload) -> Self {
        SoundContent {
            uuid: p.uuid.clone(),
            size: p.size,
            second: p.second,
            download_flag: 2,
            url: p.remote_audio_url.clone(),
        }
    }
}

impl From<VideoContent> for VideoPayload {
    fn from(c: VideoContent) -> Self {
        VideoPayload {
            video_uuid: c.video_uuid,
            video_url: c.video_url.clone(),
            remote_video_url: c.video_url,
            video_size: c.video_size,
            video_second: c.video_second,
            video_format: c.video_format,
            snapshot_uuid: c.thumb_uuid,
            snapshot_url: c.thumb_url.clone(),
            remote_snapshot_url: c.thumb_url,
            snapshot_width: c.thumb_width,
            snapshot_height: c.thumb_height,
            snapshot_size: c.thumb_size,
        }
    }
}

impl From<&VideoPayload> for VideoContent {
    fn from(p: &VideoPayload) -> Self {
        VideoContent {
            video_uuid: p.video_uuid.clone(),
            video_size: p.video_size,
            video_second: p.video_second,
            video_format: p.video_format.clone(),
            video_download_flag: 2,
            video_url: p.remote_video_url.clone(),
            thumb_uuid: p.snapshot_uuid.clone(),
            thumb_size: p.snapshot_size,
            thumb_width: p.snapshot_width,
            thumb_height: p.snapshot_height,
            thumb_format: String::new(),
            thumb_download_flag: 2,
            thumb_url: p.remote_snapshot_url.clone(),
        }
    }
}

/// `payload` of a `TIMFaceElem` message: an emoji or sticker the
/// application defines by number and data.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FacePayload {
    /// The face's number in the application's set.
    pub index: i64,
    /// Application data (a sticker's name, say).
    pub data: String,
}

/// A coordinate in degrees; equal when bit-identical (so payloads stay
/// `Eq`).
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Degrees(pub f64);

impl PartialEq for Degrees {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_bits() == other.0.to_bits()
    }
}

impl Eq for Degrees {}

/// `payload` of a `TIMLocationElem` message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LocationPayload {
    /// What the place is.
    pub description: String,
    /// Longitude, degrees.
    pub longitude: Degrees,
    /// Latitude, degrees.
    pub latitude: Degrees,
}

/// `MsgContent` of `TIMFaceElem` (Tencent's documented element).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct FaceContent {
    #[serde(rename = "Index", default)]
    pub index: i64,
    #[serde(rename = "Data", default)]
    pub data: String,
}

/// `MsgContent` of `TIMLocationElem` (Tencent's documented element).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct LocationContent {
    #[serde(rename = "Desc", default)]
    pub desc: String,
    #[serde(rename = "Longitude", default)]
    pub longitude: f64,
    #[serde(rename = "Latitude", default)]
    pub latitude: f64,
}

impl From<FaceContent> for FacePayload {
    fn from(c: FaceContent) -> Self {
        FacePayload {
            index: c.index,
            data: c.data,
        }
    }
}

impl From<&FacePayload> for FaceContent {
    fn from(p: &FacePayload) -> Self {
        FaceContent {
            index: p.index,
            data: p.data.clone(),
        }
    }
}

impl From<LocationContent> for LocationPayload {
    fn from(c: LocationContent) -> Self {
        LocationPayload {
            description: c.desc,
            longitude: Degrees(c.longitude),
            latitude: Degrees(c.latitude),
        }
    }
}

impl From<&LocationPayload> for LocationContent {
    fn from(p: &LocationPayload) -> Self {
        LocationContent {
            desc: p.description.clone(),
            longitude: p.longitude.0,
            latitude: p.latitude.0,
        }
    }
}
