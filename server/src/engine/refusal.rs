//! Typed refusals: every way the engine says no, each with its code.

use thiserror::Error;

use super::policy::KickType;
use crate::codes;
use crate::usersig::UserSigError;

/// Why a WebSocket request (most often `wslogin`) was refused. The reply
/// carries [`code`](Self::code) in `ErrorCode` and the text in `ErrorInfo`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Refusal {
    /// The UserSig did not verify: 70001 expired, 70002 empty, 70003
    /// unparsable (bad base64, zlib or JSON, too long, missing fields),
    /// 70009 bad signature, 70013 other user, 70014 other SDKAppID, 70016
    /// no key. See [`UserSigError::code`].
    #[error(transparent)]
    UserSig(#[from] UserSigError),
    /// 70014: `head.sdkappid` is not the `sdkappid` of the connect URL.
    #[error("head.sdkappid {head} differs from the sdkappid {url} of the connect URL")]
    SdkAppIdMismatch {
        /// `head.sdkappid`.
        head: u64,
        /// The URL's `sdkappid`.
        url: u64,
    },
    /// 70020: the SDKAppID is not configured on this server.
    #[error("sdkappid {0} is not configured on this server")]
    UnknownSdkAppId(u64),
    /// 70003: `wslogin` with neither `identifier`+`usersig` nor
    /// `a2`+`tinyid`.
    #[error("wslogin needs head.identifier and head.usersig (or head.a2 and head.tinyid)")]
    CredentialsMissing,
    /// 70001: re-login (or a request) with an A2 key that is unknown,
    /// expired or logged out.
    #[error("A2 key unknown, expired or logged out: log in again with a UserSig")]
    A2Invalid,
    /// 70001: the logged-in session's UserSig expired (`TLS.time +
    /// TLS.expire` passed, or the A2 lifetime cap); answered to the first
    /// request after that moment.
    #[error("session expired: log in again with a new UserSig")]
    SessionExpired,
    /// 1002 with `KickType`: the session was kicked while its client was
    /// away, and the client now re-logs in (or sends a request) with it.
    #[error("this session was forced offline ({})", .0.sdk_name())]
    Kicked(KickType),
    /// 70050: the server takes no more logins right now (its
    /// `login_rate_total`); the reply's `RetryAfterMs` (ours) says when
    /// this client's slot is.
    #[error("the server is over its login rate: retry in {retry_after_ms} ms")]
    ServerBusy {
        /// Milliseconds until this client's slot.
        retry_after_ms: u64,
    },
    /// 70050: too many login attempts from this IP address.
    #[error("too many login attempts from this address: retry in {retry_after_secs} s")]
    LoginRateLimitedIp {
        /// Seconds until the next attempt is allowed.
        retry_after_secs: u64,
    },
    /// 70050: too many UserSig logins of this user.
    #[error("too many logins of this user: retry in {retry_after_secs} s")]
    LoginRateLimitedUser {
        /// Seconds until the next attempt is allowed.
        retry_after_secs: u64,
    },
    /// 20002: a request that needs a session, on a socket that is not
    /// logged in and without a valid `a2` in its head.
    #[error("not logged in: send im_open_status.wslogin first")]
    NotLoggedIn,
    /// 20003: `wslogin` with an identifier that is empty or longer than
    /// [`MAX_USER_ID_LEN`](crate::bounds::MAX_USER_ID_LEN) bytes, the
    /// limit every other entry point applies to user IDs (checked before
    /// the UserSig, so a valid signature does not help).
    #[error("the identifier must be 1 to {max} bytes; it is {len}")]
    InvalidIdentifier {
        /// Length of the identifier sent, bytes.
        len: usize,
        /// The limit, bytes.
        max: usize,
    },
    /// [`codes::SEND_RATE_LIMITED`]: the user sends messages faster than
    /// [`EngineConfig::message_rate_per_user`](super::EngineConfig::message_rate_per_user).
    #[error("too many messages from this user: retry in {retry_after_secs} s")]
    MessageRateLimited {
        /// Seconds until the next message is allowed.
        retry_after_secs: u64,
    },
}

impl Refusal {
    /// The `ErrorCode` of the reply.
    pub fn code(&self) -> u32 {
        match self {
            Refusal::UserSig(err) => err.code(),
            Refusal::SdkAppIdMismatch { .. } => codes::SDKAPPID_MISMATCH,
            Refusal::UnknownSdkAppId(_) => codes::SDKAPPID_NOT_FOUND,
            Refusal::CredentialsMissing => codes::LOGIN_CREDENTIALS_MISSING,
            Refusal::A2Invalid | Refusal::SessionExpired => codes::A2_OR_USERSIG_EXPIRED,
            Refusal::Kicked(_) => codes::KICKED_OUT,
            Refusal::ServerBusy { .. }
            | Refusal::LoginRateLimitedIp { .. }
            | Refusal::LoginRateLimitedUser { .. } => codes::LOGIN_RATE_LIMITED,
            Refusal::NotLoggedIn => codes::NOT_LOGGED_IN,
            Refusal::InvalidIdentifier { .. } => codes::INVALID_ACCOUNT,
            Refusal::MessageRateLimited { .. } => codes::SEND_RATE_LIMITED,
        }
    }

    /// The retry hint (`RetryAfterMs`, ours) of a rate-limited login, in
    /// milliseconds.
    pub fn retry_after_ms(&self) -> Option<u64> {
        match self {
            Refusal::ServerBusy { retry_after_ms } => Some(*retry_after_ms),
            Refusal::LoginRateLimitedIp { retry_after_secs }
            | Refusal::LoginRateLimitedUser { retry_after_secs } => {
                Some(retry_after_secs.saturating_mul(1000))
            }
            _ => None,
        }
    }

    /// The `KickType` that goes with code 1002, if this is a kick.
    pub fn kick_type(&self) -> Option<KickType> {
        match self {
            Refusal::Kicked(k) => Some(*k),
            _ => None,
        }
    }
}

/// Why a REST admin call was refused. The response body carries
/// [`code`](Self::code) in `ErrorCode`.
///
/// Codes are Tencent's REST codes: the common table ("REST API common
/// error codes": 60002–60012, the 700xx account codes) and the kick API's
/// own table (70107, 70402, 70403, 70500).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum AdminError {
    /// 60002: the method is not POST.
    #[error("REST APIs take POST, not {0}")]
    MethodNotAllowed(String),
    /// 60002: the body is larger than the server reads.
    #[error("the request body is over {limit} bytes")]
    BodyTooLarge {
        /// The limit, bytes.
        limit: usize,
    },
    /// 60003: the body is not JSON.
    #[error("the request body is not valid JSON")]
    InvalidJson,
    /// 60004: `identifier` or `usersig` is missing from the URL.
    #[error("the URL needs identifier and usersig (an administrator and its UserSig)")]
    CredentialsMissing,
    /// 60007: too many REST calls from this IP address.
    #[error("too many REST calls from this address: retry in {retry_after_secs} s")]
    RateLimited {
        /// Seconds until the next call is allowed.
        retry_after_secs: u64,
    },
    /// 60009: no such REST API.
    #[error("no REST API at {0}")]
    NotFound(String),
    /// 60012: the URL has no (numeric) `sdkappid`.
    #[error("the URL needs a numeric sdkappid")]
    SdkAppIdMissing,
    /// 70020: the SDKAppID is not configured on this server.
    #[error("sdkappid {0} is not configured on this server")]
    UnknownSdkAppId(u64),
    /// 700xx: the administrator's UserSig did not verify (70001 expired,
    /// 70003 unparsable, 70009 bad signature, 70013 other identifier,
    /// 70014 other SDKAppID, …).
    #[error("admin usersig refused: {0}")]
    UserSig(#[from] UserSigError),
    /// 70403: `identifier` is not an administrator of the application.
    #[error("{0:?} is not an administrator of this application")]
    NotAdmin(String),
    /// 70402: a required body field is missing or invalid.
    #[error("invalid parameter: {0}")]
    InvalidParameter(String),
    /// 70107: the user does not exist.
    #[error("user {0:?} does not exist")]
    UserNotFound(String),
    /// 70500: the database failed.
    #[error("internal error: the server could not access its database")]
    Internal,
}

impl AdminError {
    /// The `ErrorCode` of the response.
    pub fn code(&self) -> u32 {
        match self {
            AdminError::MethodNotAllowed(_) | AdminError::BodyTooLarge { .. } => {
                codes::REST_HTTP_INVALID
            }
            AdminError::InvalidJson => codes::REST_JSON_INVALID,
            AdminError::CredentialsMissing => codes::REST_CREDENTIALS_INVALID,
            AdminError::RateLimited { .. } => codes::REST_RATE_LIMITED,
            AdminError::NotFound(_) => codes::REST_NOT_FOUND,
            AdminError::SdkAppIdMissing => codes::REST_SDKAPPID_MISSING,
            AdminError::UnknownSdkAppId(_) => codes::SDKAPPID_NOT_FOUND,
            AdminError::UserSig(err) => err.code(),
            AdminError::NotAdmin(_) => codes::REST_NOT_ADMIN,
            AdminError::InvalidParameter(_) => codes::REST_INVALID_PARAMETER,
            AdminError::UserNotFound(_) => codes::REST_USER_NOT_FOUND,
            AdminError::Internal => codes::REST_INTERNAL_ERROR,
        }
    }

    /// The HTTP status of the response: 200 like Tencent's service for
    /// every API-level error, except 404 (no such API), 405 (not a POST)
    /// and 413 (body too large).
    pub fn http_status(&self) -> u16 {
        match self {
            AdminError::NotFound(_) => 404,
            AdminError::MethodNotAllowed(_) => 405,
            AdminError::BodyTooLarge { .. } => 413,
            _ => 200,
        }
    }
}
