//! The `head.servcmd` names tcchat sends or understands.
//!
//! Names are the official Web SDK's (`<service>.<cmd>`); `PROTOCOL.md` says
//! which of them were verified against the official SDK.

/// Log in (first login with UserSig, re-login with A2).
pub const LOGIN: &str = "im_open_status.wslogin";
/// Log out; `wslogout_type` 0 for a user logout, 1 after a kick.
pub const LOGOUT: &str = "im_open_status.wslogout";
/// Keep-alive sent every `HelloInterval` seconds while logged in.
pub const HELLO: &str = "im_open_status.wshello";
/// Server push: forced offline (kick-out).
pub const FORCE_OFFLINE: &str = "im_open_status.stat_forceoffline";
/// Heartbeat ping, also sent on every socket open.
pub const ALIVE: &str = "heartbeat.alive";
/// Send a one-to-one message.
pub const SEND_C2C: &str = "openim.sendmsg";
/// Sync messages that arrived while offline, paged by `Cookie`.
pub const GET_MSG: &str = "openim.getmsg";
/// Acknowledge a push that carried `NeedAck: 1`.
pub const PUSH_ACK: &str = "openim.ws_msg_push_ack";
/// Server push of messages and notifications.
pub const MSG_PUSH: &str = "im_open_push.msg_push";

/// The part of a servcmd after the dot: the official SDK picks its key maps
/// (and we our handlers) by it.
pub fn cmd_of(servcmd: &str) -> &str {
    servcmd.rsplit_once('.').map_or(servcmd, |(_, cmd)| cmd)
}

/// Whether frames of this servcmd carry `cs = 0` instead of a checksum, as
/// the official SDK does for login, logout and heartbeat.
pub fn has_zero_checksum(servcmd: &str) -> bool {
    matches!(servcmd, LOGIN | LOGOUT | ALIVE)
}
