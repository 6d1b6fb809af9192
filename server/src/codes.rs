//! Error codes the server puts in `ErrorCode`, and WebSocket close codes.
//!
//! Reply codes follow Tencent Cloud IM where a Tencent code with the same
//! meaning exists, so that the official SDK reacts as it does against the
//! real service (for example 70001 and 20002 make it emit `KICKED_OUT` with
//! `userSigExpired`). Frame errors use tcchat's own 9000-range codes from
//! [`tcchat_core::wire::FrameError::code`]. `server/README.md` has the same
//! tables, with the sources of the REST codes.
//!
//! Every refusal is also a typed error that yields its code:
//! [`Refusal`](crate::engine::Refusal) for WebSocket requests,
//! [`AdminError`](crate::engine::AdminError) for the REST admin API and
//! [`UserSigError`](crate::usersig::UserSigError) for UserSigs.

/// UserSig expired (from [`UserSigError::code`](crate::usersig::UserSigError::code)),
/// and also: a re-login with an `a2` the server does not know or that has
/// expired or was logged out, and the first request of a logged-in session
/// after its UserSig expired. The official SDK then has to log in again
/// with a UserSig.
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
/// A body field has an invalid value (for example an empty `MsgBody`, or
/// more than [`MAX_MSG_ELEMENTS`] elements).
pub const INVALID_PARAMETER: u32 = 10004;
/// `openim.sendmsg`: the message body is over [`MAX_MSG_BODY_BYTES`].
/// (Tencent: 80002, "message content too long", 12 KB.)
pub const MESSAGE_TOO_LONG: u32 = 80002;
/// `openim.sendmsg`: the sender is over its message rate
/// ([`EngineConfig::message_rate_per_user`](crate::engine::EngineConfig::message_rate_per_user)).
/// Tencent's documented code for "message send frequency over the limit"
/// (group message table); Tencent documents no C2C-specific one.
pub const SEND_RATE_LIMITED: u32 = 10023;
/// Most elements one message may carry.
pub const MAX_MSG_ELEMENTS: usize = 32;
/// Most bytes of `MsgBody` plus `CloudCustomData` (Tencent's 12 KB).
pub const MAX_MSG_BODY_BYTES: usize = 12 * 1024;

/// Groups: the owner tried to quit (transfer ownership or dismiss
/// instead). Tencent's group code for "operation not allowed for the owner".
pub const GROUP_OWNER_CANNOT_QUIT: u32 = 10009;
/// Groups: the group does not exist or was dismissed. The official SDK
/// drops such a group from its list.
pub const GROUP_NOT_FOUND: u32 = 10010;
/// Groups: the group is full, or the user is in too many groups.
pub const GROUP_FULL: u32 = 10014;
/// Groups: the group ID is invalid (PROTOCOL.md 8.1).
pub const GROUP_INVALID_ID: u32 = 10015;
/// Groups: the sender is muted (or all are and it is a plain member).
pub const GROUP_MUTED: u32 = 10017;
/// Groups: the chosen group ID is taken.
pub const GROUP_ID_TAKEN: u32 = 10021;

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
/// WebSocket close code: too many frames before login
/// ([`EngineConfig::frame_rate_before_login`](crate::engine::EngineConfig::frame_rate_before_login)).
/// tcchat's own code, in the 4000 range of application codes.
pub const CLOSE_TOO_MANY_FRAMES: u16 = 4429;
/// WebSocket close code: the same SDK instance logged in on another
/// connection, which now holds its session.
pub const CLOSE_SESSION_REPLACED: u16 = 4409;

/// `ErrorCode` 1002 with a `KickType` field: the request's session was
/// forced offline (kicked) while its client was away. The official SDK and
/// tcchat's client report `KICKED_OUT` with the type's name.
pub const KICKED_OUT: u32 = 1002;
/// Login attempts over the rate limit (per IP address, or UserSig logins
/// per user). Tencent: "UserSig verification failed and the request rate
/// exceeds the limit; verify again after a minute".
pub const LOGIN_RATE_LIMITED: u32 = 70050;

/// REST: HTTP request not understood (not POST, body too large). Tencent
/// REST common code: "HTTP parse error, check the URL format".
pub const REST_HTTP_INVALID: u32 = 60002;
/// REST: the body is not JSON. Tencent REST common code: "HTTP request
/// JSON parse error".
pub const REST_JSON_INVALID: u32 = 60003;
/// REST: `identifier` or `usersig` missing from the URL. Tencent REST common
/// code: "account or signature error in the URL or JSON body".
pub const REST_CREDENTIALS_INVALID: u32 = 60004;
/// REST: too many calls. Tencent REST common code: "REST API call rate over
/// the limit".
pub const REST_RATE_LIMITED: u32 = 60007;
/// REST: no such API. Tencent REST common code: "request resource error,
/// check the URL".
pub const REST_NOT_FOUND: u32 = 60009;
/// REST: no `sdkappid` in the URL. Tencent REST common code: "REST API
/// needs an SDKAppID".
pub const REST_SDKAPPID_MISSING: u32 = 60012;
/// REST kick: the user does not exist. (Tencent kick API table.)
pub const REST_USER_NOT_FOUND: u32 = 70107;
/// REST kick: a required field is missing or invalid. (Tencent kick API
/// table.)
pub const REST_INVALID_PARAMETER: u32 = 70402;
/// REST kick: the caller is not an App administrator. (Tencent kick API
/// table; the common table's 60010 means the same.)
pub const REST_NOT_ADMIN: u32 = 70403;
/// REST kick: server internal error. (Tencent kick API table.)
pub const REST_INTERNAL_ERROR: u32 = 70500;

/// WebSocket close code (RFC 6455 "try again later"): too many connections
/// from the client's IP address.
pub const CLOSE_TRY_AGAIN_LATER: u16 = 1013;

// ---- Message operations and conversations (issue 8) ----
//
// Tencent's codes where its documentation names one for the same
// situation; the few tcchat had to choose are marked as such.

/// `From_Account`/`To_Account` of a conversation operation is not the
/// caller, or a peer ID is empty or too long. (Same as [`INVALID_ACCOUNT`].)
pub const NOT_THE_CALLER: u32 = INVALID_ACCOUNT;
/// A request lists more items than allowed (see [`crate::bounds`]).
/// (Tencent: "the request carries too many accounts".)
pub const TOO_MANY_ITEMS: u32 = 10005;
/// The caller may not do this to the message: revoking a message someone
/// else sent, or touching a message of a conversation the caller is not
/// in. (Tencent: "insufficient permission".)
pub const PERMISSION_DENIED: u32 = 10007;
/// The message named (by sender, `MsgSeq`, `MsgRandom` and time, or by
/// `<seq>_<random>_<time>` key) does not exist. (Tencent, C2C revoke:
/// "the message to revoke does not exist".)
pub const MESSAGE_NOT_FOUND: u32 = 20022;
/// `group_msg_recall` (or a modify or delete) of a group sequence that
/// holds no message the caller may see. (Tencent, group revoke: "the
/// message to revoke does not exist".)
pub const GROUP_MSG_NOT_FOUND: u32 = 10030;
/// `group_msg_recall` of a group message older than the configured limit
/// ([`EngineConfig::revoke_time_limit`](crate::engine::EngineConfig::revoke_time_limit)).
/// (Tencent, group revoke: "revoke time limit exceeded".)
pub const GROUP_REVOKE_TIME_LIMIT: u32 = 10031;
/// Modifying a message that was revoked. (Tencent, C2C revoke: "the
/// message has been revoked".) A second revoke by its sender is answered
/// OK instead, so that a revoke resent after a lost reply succeeds.
pub const MESSAGE_REVOKED: u32 = 20023;
/// Revoking a message older than the configured limit
/// ([`EngineConfig::revoke_time_limit`](crate::engine::EngineConfig::revoke_time_limit);
/// none by default). (Tencent: "revoke time limit exceeded"; the official
/// SDK rejects with it, messages-facts §1.2.)
pub const REVOKE_TIME_LIMIT: u32 = 20016;
/// `openim.modify_c2c_msg` with a `MsgVersion` that is not the stored one;
/// the reply carries the stored `MsgBody`, `MsgVersion` and
/// `CloudCustomData`. (Tencent; the official SDK rejects with 2480 and the
/// server's version, messages-facts §1.3.)
pub const MODIFY_CONFLICT: u32 = 20027;
/// Extensions on a message that was not sent with
/// `SupportMessageExtension: 1`. (Tencent: "the message does not support
/// this operation".)
pub const EXTENSIONS_NOT_SUPPORTED: u32 = 10032;
/// Per-key `ErrorCode` of `set_key_values`: the request's `Seq` of the key
/// is not the stored one (someone changed it since); the result carries
/// the stored key. tcchat's choice (no Tencent code is documented).
pub const EXTENSION_SEQ_CONFLICT: u32 = 23001;
/// Per-key `ErrorCode` of `set_key_values`: the message already has
/// [`MAX_EXTENSION_KEYS`](crate::bounds::MAX_EXTENSION_KEYS) keys.
/// tcchat's choice (no Tencent code is documented).
pub const EXTENSION_KEYS_FULL: u32 = 23002;
/// Conversation groups: a request field is missing or invalid, or a group
/// with that name exists already. (Tencent conversation-group REST:
/// "request parameter error".)
pub const CONTACT_PARAMETER: u32 = 50002;
/// Conversation groups: more than
/// [`MAX_GROUPED_CONVERSATIONS`](crate::bounds::MAX_GROUPED_CONVERSATIONS)
/// conversation memberships in all of a user's groups. (Tencent.)
pub const CONTACT_GROUPED_FULL: u32 = 51008;
/// Conversation groups: no group with that name. (Tencent.)
pub const CONTACT_GROUP_NOT_FOUND: u32 = 51009;
/// Conversation groups: more than
/// [`MAX_CONTACT_GROUPS`](crate::bounds::MAX_CONTACT_GROUPS) groups.
/// (Tencent.)
pub const CONTACT_GROUPS_FULL: u32 = 51010;
/// Conversation groups: a name longer than
/// [`MAX_GROUP_NAME_BYTES`](crate::bounds::MAX_GROUP_NAME_BYTES). (Tencent.)
pub const CONTACT_GROUP_NAME_TOO_LONG: u32 = 51011;
/// More than [`MAX_PINNED`](crate::bounds::MAX_PINNED) pinned
/// conversations. (Tencent.)
pub const PINNED_FULL: u32 = 51012;
/// A friend command does not fit the relation: already a friend, not a
/// friend, yourself, or a bad field. (Tencent's relationship-chain
/// parameter error.)
pub const SNS_PARAMETER: u32 = 30001;
/// The caller's or the peer's friend list is full
/// ([`MAX_FRIENDS`](crate::bounds::MAX_FRIENDS)).
pub const FRIEND_LIST_FULL: u32 = 30010;
/// The peer refuses every friend request (`AllowType_Type_DenyAny`).
pub const FRIEND_DENY_ANY: u32 = 30516;
/// The friend request waits for the peer's confirmation
/// (`AllowType_Type_NeedConfirm`); the official SDK resolves `addFriend`
/// with it (relationship-facts §2).
pub const FRIEND_NEED_CONFIRM: u32 = 30539;
/// A profile change with an unknown tag, a wrong value type or an
/// over-long value. (Tencent's profile parameter error.)
pub const PROFILE_PARAMETER: u32 = 40001;

/// A C2C message to a user who blacklisted the sender: refused and not
/// stored. Tencent's code as issue 18 names it (the relationship facts
/// observed no send to a blocker).
pub const BLOCKED_BY_PEER: u32 = 20007;
/// Group attributes: a key longer than 32 bytes. (Tencent group-attribute
/// REST: "custom attribute key exceeds the limit".)
pub const GROUP_ATTR_KEY_TOO_LONG: u32 = 10045;
/// Group attributes: a value longer than 4,000 bytes. (Tencent.)
pub const GROUP_ATTR_VALUE_TOO_LONG: u32 = 10046;
/// Group attributes: more than 16 keys. (Tencent.)
pub const GROUP_ATTR_TOO_MANY_KEYS: u32 = 10047;
/// Group attributes: more than 16 KiB of keys and values in all. (Tencent.)
pub const GROUP_ATTR_TOTAL_TOO_BIG: u32 = 10048;
/// Group attributes: a write with `AttrControl: ["RaceConflict"]` whose
/// `AttrMainSeq` is not the group's current main sequence (someone wrote
/// since the writer last read them). tcchat's choice; the official SDK's
/// reaction to it was not observed.
pub const GROUP_ATTR_CONFLICT: u32 = 10056;
/// `im_cos_msg.*`: this server signs no uploads (it has no HTTP listener,
/// or the application is unknown). tcchat's choice (the value the
/// messages-facts §7 run answered with); the official SDK rejects the send
/// with 2041.
pub const FILES_NOT_SERVED: u32 = 70398;
/// File endpoint: an upload larger than
/// [`FileConfig::max_file_bytes`](crate::engine::FileConfig::max_file_bytes)
/// (HTTP 413). tcchat's choice.
pub const FILE_TOO_LARGE: u32 = 70399;
/// File endpoint: an upload URL whose signature is missing, wrong or
/// expired, or a download without the right `authKey` (HTTP 403). tcchat's
/// choice.
pub const FILE_SIGNATURE_INVALID: u32 = 70400;
/// File endpoint or `get_imageinfo`: no such file (HTTP 404). tcchat's
/// choice.
pub const FILE_NOT_FOUND: u32 = 70404;
/// File endpoint: a `PUT` to an upload URL whose file is already stored
/// (HTTP 409). A signed URL uploads once, so whoever else holds it cannot
/// replace a file already sent in a message. tcchat's choice.
pub const FILE_ALREADY_UPLOADED: u32 = 70409;
/// File endpoint: a `Range` that is not one `bytes=` range inside the
/// file (HTTP 416). tcchat's choice.
pub const FILE_RANGE_INVALID: u32 = 70416;
