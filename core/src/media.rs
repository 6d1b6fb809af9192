//! What tcchat reads from media bytes without decoding them: the format and
//! pixel size of an image from its header (PNG, JPEG, GIF, BMP, WebP), and
//! the sizes of the variants an image message lists.
//!
//! Shared by the client (an image message carries its width and height) and
//! the reference server (`im_cos_msg.get_imageinfo`). Every read is bounds
//! checked: bytes from a peer never panic, they give `None`.

/// An image format, with the `ImageFormat` number of `TIMImageElem`
/// (messages-facts §5.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    /// JPEG (1).
    Jpg,
    /// GIF (2).
    Gif,
    /// PNG (3).
    Png,
    /// BMP (4).
    Bmp,
    /// WebP and anything else (255).
    Other,
}

impl ImageFormat {
    /// The `ImageFormat` number of the wire element.
    pub fn code(self) -> u32 {
        match self {
            ImageFormat::Jpg => 1,
            ImageFormat::Gif => 2,
            ImageFormat::Png => 3,
            ImageFormat::Bmp => 4,
            ImageFormat::Other => 255,
        }
    }

    /// The lower-case name `get_imageinfo` reports (`str_image_format`).
    pub fn name(self) -> &'static str {
        match self {
            ImageFormat::Jpg => "jpg",
            ImageFormat::Gif => "gif",
            ImageFormat::Png => "png",
            ImageFormat::Bmp => "bmp",
            ImageFormat::Other => "webp",
        }
    }

    /// The file extension to name an upload with.
    pub fn extension(self) -> &'static str {
        match self {
            ImageFormat::Jpg => "jpg",
            ImageFormat::Gif => "gif",
            ImageFormat::Png => "png",
            ImageFormat::Bmp => "bmp",
            ImageFormat::Other => "webp",
        }
    }
}

/// The format and size of an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageInfo {
    /// The format.
    pub format: ImageFormat,
    /// Width, pixels.
    pub width: u32,
    /// Height, pixels.
    pub height: u32,
}

fn be16(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at + 2)?;
    Some(u32::from(s[0]) << 8 | u32::from(s[1]))
}

fn le16(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at + 2)?;
    Some(u32::from(s[1]) << 8 | u32::from(s[0]))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at + 4)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

fn le32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at + 4)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

fn le24(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at + 3)?;
    Some(u32::from(s[0]) | u32::from(s[1]) << 8 | u32::from(s[2]) << 16)
}

/// The format and size of the image in `bytes`, read from its header;
/// `None` when it is none of PNG, JPEG, GIF, BMP and WebP, or is cut short.
pub fn image_info(bytes: &[u8]) -> Option<ImageInfo> {
    let info = |format, width, height| ImageInfo {
        format,
        width,
        height,
    };
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.get(12..16) == Some(b"IHDR") {
        return Some(info(ImageFormat::Png, be32(bytes, 16)?, be32(bytes, 20)?));
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return Some(info(ImageFormat::Gif, le16(bytes, 6)?, le16(bytes, 8)?));
    }
    if bytes.starts_with(b"BM") {
        let height = le32(bytes, 22)? as i32;
        return Some(info(
            ImageFormat::Bmp,
            le32(bytes, 18)?,
            height.unsigned_abs(),
        ));
    }
    if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        return match bytes.get(12..16)? {
            b"VP8X" => Some(info(
                ImageFormat::Other,
                le24(bytes, 24)? + 1,
                le24(bytes, 27)? + 1,
            )),
            b"VP8 " => Some(info(
                ImageFormat::Other,
                le16(bytes, 26)? & 0x3fff,
                le16(bytes, 28)? & 0x3fff,
            )),
            b"VP8L" => {
                let bits = le32(bytes, 21)?;
                Some(info(
                    ImageFormat::Other,
                    (bits & 0x3fff) + 1,
                    ((bits >> 14) & 0x3fff) + 1,
                ))
            }
            _ => None,
        };
    }
    if bytes.starts_with(&[0xff, 0xd8]) {
        return jpeg_size(bytes).map(|(w, h)| info(ImageFormat::Jpg, w, h));
    }
    None
}

/// Walk the JPEG segments to the first start-of-frame marker.
fn jpeg_size(b: &[u8]) -> Option<(u32, u32)> {
    let mut at = 2;
    loop {
        // Markers may be padded with 0xff bytes.
        while *b.get(at)? == 0xff && *b.get(at + 1)? == 0xff {
            at += 1;
        }
        if *b.get(at)? != 0xff {
            return None;
        }
        let marker = *b.get(at + 1)?;
        let len = be16(b, at + 2)? as usize;
        let is_sof = matches!(marker, 0xc0..=0xcf) && !matches!(marker, 0xc4 | 0xc8 | 0xcc);
        if is_sof {
            return Some((be16(b, at + 7)?, be16(b, at + 5)?));
        }
        if len < 2 {
            return None;
        }
        at = at.checked_add(2 + len)?;
    }
}

/// The short side of the thumbnail (`Type` 3) of an image message, pixels:
/// the official SDK lists 264×198 for a 640×480 image, with the URL query
/// `imageView2/3/w/198/h/198` (messages-facts §5.3).
pub const THUMBNAIL_SIDE: u32 = 198;
/// The short side of the large variant (`Type` 2), pixels (ours: the
/// official SDK lists the original size for images up to this).
pub const LARGE_SIDE: u32 = 720;

/// The size of an image of `width`×`height` scaled so that its short side
/// is at most `side`, keeping its proportions (never enlarged).
pub fn scaled(width: u32, height: u32, side: u32) -> (u32, u32) {
    let short = width.min(height);
    if short <= side || short == 0 {
        return (width, height);
    }
    let scale = |v: u32| (u64::from(v) * u64::from(side) / u64::from(short)) as u32;
    (scale(width), scale(height))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_gif_bmp_jpeg_sizes() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend_from_slice(&640u32.to_be_bytes());
        png.extend_from_slice(&480u32.to_be_bytes());
        assert_eq!(
            image_info(&png),
            Some(ImageInfo {
                format: ImageFormat::Png,
                width: 640,
                height: 480
            })
        );
        let gif = b"GIF89a\x02\x01\x03\x00";
        assert_eq!(image_info(gif).map(|i| (i.width, i.height)), Some((258, 3)));
        let mut bmp = vec![0u8; 26];
        bmp[..2].copy_from_slice(b"BM");
        bmp[18..22].copy_from_slice(&7u32.to_le_bytes());
        bmp[22..26].copy_from_slice(&(-9i32).to_le_bytes());
        assert_eq!(image_info(&bmp).map(|i| (i.width, i.height)), Some((7, 9)));
        // SOI, an APP0 segment of 4 bytes, then SOF0 with 100 high, 200 wide.
        let jpeg = [
            0xff, 0xd8, 0xff, 0xe0, 0, 4, 1, 2, 0xff, 0xc0, 0, 17, 8, 0, 100, 0, 200,
        ];
        assert_eq!(
            image_info(&jpeg).map(|i| (i.width, i.height)),
            Some((200, 100))
        );
    }

    #[test]
    fn short_or_unknown_bytes_give_none() {
        assert_eq!(image_info(b""), None);
        assert_eq!(image_info(b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0"), None);
        assert_eq!(image_info(&[0xff, 0xd8, 0xff, 0xe0, 0, 1]), None);
        assert_eq!(image_info(b"hello, world"), None);
    }

    #[test]
    fn thumbnail_scaling_matches_the_official_example() {
        assert_eq!(scaled(640, 480, THUMBNAIL_SIDE), (264, 198));
        assert_eq!(scaled(640, 480, LARGE_SIDE), (640, 480));
        assert_eq!(scaled(100, 50, THUMBNAIL_SIDE), (100, 50));
    }
}
