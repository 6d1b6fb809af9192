//! The wire format: binary WebSocket messages holding UTF-8 JSON `{head, body}`.
//!
//! This module is shared by the client state machine and the reference
//! server. It never panics on input and never allocates more than the
//! [`Limits`] allow, whatever bytes it is given.

mod codec;
mod error;
mod head;
mod limits;
pub mod servcmd;

pub use codec::{decode, decode_with, encode, encode_compressed, Compression, Frame};
pub use error::FrameError;
pub use head::{Head, HeadIdentity};
pub use limits::Limits;
