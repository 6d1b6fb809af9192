/// Size limits applied by [`decode_with`](super::decode_with).
///
/// The defaults are the limits of protocol version 1 in `PROTOCOL.md`; both
/// the client and the reference server use them unless configured otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest WebSocket message accepted, in bytes, before decompression.
    pub max_frame_bytes: usize,
    /// Largest payload accepted after `COMP` decompression, in bytes.
    pub max_decompressed_bytes: usize,
}

impl Limits {
    /// 1 MiB on the wire.
    pub const DEFAULT_MAX_FRAME_BYTES: usize = 1 << 20;
    /// 4 MiB after decompression.
    pub const DEFAULT_MAX_DECOMPRESSED_BYTES: usize = 4 << 20;
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_frame_bytes: Self::DEFAULT_MAX_FRAME_BYTES,
            max_decompressed_bytes: Self::DEFAULT_MAX_DECOMPRESSED_BYTES,
        }
    }
}
