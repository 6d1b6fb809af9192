//! Error codes the server puts in `ErrorCode`, and WebSocket close codes.
//!
//! Reply codes follow Tencent Cloud IM where a Tencent code with the same
//! meaning exists, so that the official SDK reacts as it does against the
//! real service (for example 70001 and 20002 make it emit `KICKED_OUT` with
//! `userSigExpired`). Frame errors use tcchat's own 9000-range codes from
//! [`tcchat_core::wire::FrameError::code`]. `server/README.md` has the same
//! table.

/// UserSig expired (from [`UserSigError::code`](crate::usersig::UserSigError::code)),
/// and also: a re-login with an `a2` the server does not know or that has
/// expired or was logged out. The official SDK then has to log in again with
/// a UserSig.
pub const A2_OR_USERSIG_EXPIRED: u32 = 70001;
/// `wslogin` carried neither `identifier`+`usersig` nor `a2`+`tinyid`.
pub const LOGIN_CREDENTIALS_MISSING: u32 = 70003;
/// `head.sdkappid` differs from the `sdkappid` of the connect URL.
pub const SDKAPPID_MISMATCH: u32 = 70014;
/// The SDKAppID is not configured on this server.
pub const SDKAPPID_NOT_FOUND: u32 = 70020;
/// A request that needs a session came on a socket that is not logged in,
/// and its head has no valid `a2`. (Tencent: "UserSig or A2 invalid".)
pub const NOT_LOGGED_IN: u32 = 20002;
/// `openim.sendmsg`: `From_Account` is not the logged-in user, or
/// `To_Account` is empty or too long. (Tencent: "sender or receiver UserID
/// invalid".)
pub const INVALID_ACCOUNT: u32 = 20003;
/// The storage backend failed; the request had no effect.
pub const INTERNAL_ERROR: u32 = 10002;
/// The servcmd is not implemented by this server. (Tencent: "the interface
/// name in the request is wrong".)
pub const UNSUPPORTED_SERVCMD: u32 = 10003;
/// A body field has an invalid value (for example an empty `MsgBody`).
pub const INVALID_PARAMETER: u32 = 10004;

/// WebSocket close code: the server is shutting down.
pub const CLOSE_GOING_AWAY: u16 = 1001;
/// WebSocket close code: a text message arrived on `/binfo`, which carries
/// binary messages only.
pub const CLOSE_UNSUPPORTED_DATA: u16 = 1003;
/// WebSocket close code: a message that is not a frame (not JSON, bad
/// `COMP` payload, no `head.servcmd`) so no error reply could be addressed.
pub const CLOSE_INVALID_FRAME: u16 = 1007;
/// WebSocket close code: the client does not read its replies and its
/// outbound queue is full.
pub const CLOSE_SLOW_CONSUMER: u16 = 1008;
/// WebSocket close code: a message over the size limits, before or after
/// decompression.
pub const CLOSE_TOO_BIG: u16 = 1009;
/// WebSocket close code: no successful `wslogin` within the login deadline.
pub const CLOSE_LOGIN_TIMEOUT: u16 = 4401;
/// WebSocket close code: no frame at all within the idle window.
pub const CLOSE_IDLE_TIMEOUT: u16 = 4408;
