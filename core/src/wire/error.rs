use thiserror::Error;

/// Why a byte sequence is not a valid frame.
///
/// Every variant has a stable numeric [`code`](FrameError::code) in the 9000
/// range (tcchat's own codes, listed in `PROTOCOL.md`).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum FrameError {
    /// The message is larger than [`Limits::max_frame_bytes`](super::Limits).
    #[error("frame of {size} bytes exceeds the limit of {limit} bytes")]
    TooLarge {
        /// Size of the message as received.
        size: usize,
        /// The limit in force.
        limit: usize,
    },
    /// The `COMP` payload inflates past
    /// [`Limits::max_decompressed_bytes`](super::Limits).
    #[error("decompressed frame exceeds the limit of {limit} bytes")]
    DecompressedTooLarge {
        /// The limit in force.
        limit: usize,
    },
    /// The `COMP` payload is neither valid gzip nor valid zlib.
    #[error("COMP payload is not valid gzip or zlib: {0}")]
    BadCompression(String),
    /// The bytes are not a JSON document of the shape `{head, body}`.
    #[error("malformed frame JSON: {0}")]
    Json(String),
    /// The JSON nests deeper than the parser allows.
    #[error("frame JSON nests too deeply")]
    TooDeep,
    /// `head.cs` does not match the CRC-32 of the body bytes.
    #[error("checksum mismatch: head.cs {expected}, body CRC-32 {actual}")]
    Checksum {
        /// The value of `head.cs`.
        expected: u32,
        /// The CRC-32 computed over the body bytes.
        actual: u32,
    },
}

impl FrameError {
    /// The stable numeric code of this error.
    pub fn code(&self) -> u32 {
        match self {
            FrameError::TooLarge { .. } => 9001,
            FrameError::DecompressedTooLarge { .. } => 9002,
            FrameError::BadCompression(_) => 9003,
            FrameError::Json(_) => 9004,
            FrameError::TooDeep => 9005,
            FrameError::Checksum { .. } => 9006,
        }
    }
}
