//! Errors with the official numeric codes.

use std::fmt;

use thiserror::Error;

/// A numeric error code, as the official SDK reports it in `{code, message}`.
///
/// The constants are the official client-side codes (from the Web SDK's
/// table) and the server codes the SDK treats specially. Codes returned by a
/// server pass through unchanged, so any `u32` is a valid `ErrorCode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ErrorCode(pub u32);

impl ErrorCode {
    /// **2000** · Options lack an SDKAppID.
    pub const NO_SDKAPPID: ErrorCode = ErrorCode(2000);
    /// **2002** · Login without a user ID.
    pub const NO_IDENTIFIER: ErrorCode = ErrorCode(2002);
    /// **2003** · Login without a UserSig.
    pub const NO_USERSIG: ErrorCode = ErrorCode(2003);
    /// **2024** · The call needs a logged-in user and none has logged in yet.
    pub const USER_NOT_LOGGED_IN: ErrorCode = ErrorCode(2024);
    /// **2025** · `login` for a different user while one is logged in.
    pub const REPEAT_LOGIN: ErrorCode = ErrorCode(2025);
    /// **2100** · Sending the message failed.
    pub const MSG_SEND_FAIL: ErrorCode = ErrorCode(2100);
    /// `COS_GET_SIG_FAIL`: the upload signature (`im_cos_msg.*`) failed.
    pub const COS_GET_SIG_FAIL: ErrorCode = ErrorCode(2041);
    /// `MSG_F_IS_EMPTY`: the file of a media message is empty.
    pub const MSG_F_IS_EMPTY: ErrorCode = ErrorCode(2108);
    /// `MSG_I_SELECT_F_FIRST`: the image file given by path is missing or
    /// cannot be read.
    pub const MSG_I_SELECT_F_FIRST: ErrorCode = ErrorCode(2251);
    /// `MSG_I_TYPES_LIMIT`: not an image format tcchat reads.
    pub const MSG_I_TYPES_LIMIT: ErrorCode = ErrorCode(2252);
    /// `MSG_I_SIZE_LIMIT`: an image over 20 MB.
    pub const MSG_I_SIZE_LIMIT: ErrorCode = ErrorCode(2253);
    /// `MSG_A_SIZE_LIMIT`: an audio file over 20 MB.
    pub const MSG_A_SIZE_LIMIT: ErrorCode = ErrorCode(2301);
    /// `MSG_V_SIZE_LIMIT`: a video over 100 MB.
    pub const MSG_V_SIZE_LIMIT: ErrorCode = ErrorCode(2351);
    /// `MSG_F_UPLOAD_FAIL`: the upload failed (not HTTP 200, or cancelled).
    pub const MSG_F_UPLOAD_FAIL: ErrorCode = ErrorCode(2400);
    /// `MSG_F_SELECT_F_FIRST`: the file, audio or video given by path is
    /// missing or cannot be read.
    pub const MSG_F_SELECT_F_FIRST: ErrorCode = ErrorCode(2401);
    /// **2450** · `MSG_MERGER_TYPE_INVALID`: `create_merger_message` got an
    /// unusable message list (empty, too long, unsent or revoked messages,
    /// tips, several conversations) or text, or `download_merger_message`
    /// got a message that is not a merger message.
    pub const MSG_MERGER_TYPE_INVALID: ErrorCode = ErrorCode(2450);
    /// **2451** · `MSG_MERGER_KEY_INVALID`: the merger message's download
    /// key is unusable (too long, or nested too deep to be parsed).
    pub const MSG_MERGER_KEY_INVALID: ErrorCode = ErrorCode(2451);
    /// **2452** · `MSG_MERGER_DOWNLOAD_FAIL`: the server refused the
    /// download (not a participant, unknown key), or the body it returned
    /// is malformed; the text names the cause. Also a failed upload of a
    /// large merger body when sending.
    pub const MSG_MERGER_DOWNLOAD_FAIL: ErrorCode = ErrorCode(2452);
    /// **2453** · `MSG_FORWARD_TYPE_INVALID`: `create_forward_message` got a
    /// message that was not sent (status other than `success`) or was
    /// revoked.
    pub const MSG_FORWARD_TYPE_INVALID: ErrorCode = ErrorCode(2453);
    /// **2454** · `MSG_FORWARD_INVALID_ELEMENTS`: the message's element
    /// cannot be forwarded (a group tip, a group system notice, an unknown
    /// element).
    pub const MSG_FORWARD_INVALID_ELEMENTS: ErrorCode = ErrorCode(2454);
    /// `MSG_F_SIZE_LIMIT`: a file over 100 MB.
    pub const MSG_F_SIZE_LIMIT: ErrorCode = ErrorCode(2402);
    /// **2105** · `send_message` got a message this instance did not create.
    pub const MSG_INSTANCE_REQUIRED: ErrorCode = ErrorCode(2105);
    /// **2106** · Unknown conversation type.
    pub const MSG_INVALID_CONV_TYPE: ErrorCode = ErrorCode(2106);
    /// **2109** · A message whose send is already in progress (or done) was sent again.
    pub const MSG_ONPROGRESS_ERR: ErrorCode = ErrorCode(2109);
    /// **2110** · `revoke_message`: the message cannot be revoked (not sent yet).
    pub const MSG_REVOKE_FAIL: ErrorCode = ErrorCode(2110);
    /// **2111** · `delete_message`: the messages cannot be deleted (not sent yet, or
    /// of different conversations).
    pub const MSG_DELETE_FAIL: ErrorCode = ErrorCode(2111);
    /// **2114** · `send_message_read_receipt`: none of the messages is an incoming
    /// message sent with `need_read_receipt`.
    pub const READ_RECEIPT_MSG_LIST_EMPTY: ErrorCode = ErrorCode(2114);
    /// **2480** · `modify_message`: the server holds a newer version of the message
    /// (the error's [`ChatError::data`] carries it).
    pub const MSG_MODIFY_CONFLICT: ErrorCode = ErrorCode(2480);
    /// **2500** · The conversation is not in the conversation list.
    pub const CONV_NOT_FOUND: ErrorCode = ErrorCode(2500);
    /// **2503** · The conversation ID is malformed (not `C2C<userID>`, or the user ID
    /// is empty or too long).
    pub const INVALID_CONV_ID: ErrorCode = ErrorCode(2503);
    /// **2800** · Generic network error.
    pub const NETWORK_ERROR: ErrorCode = ErrorCode(2800);
    /// **2801** · A request got no reply within its timeout.
    pub const NETWORK_TIMEOUT: ErrorCode = ErrorCode(2801);
    /// **2805** · No network: a change request waited for a link longer than
    /// `Tuning::offline_window` and will never be sent.
    pub const NO_NETWORK: ErrorCode = ErrorCode(2805);
    /// **2903** · An unexpected internal failure (for example a reply that cannot be
    /// parsed).
    pub const UNCAUGHT_ERROR: ErrorCode = ErrorCode(2903);
    /// **2905** · The operation is not valid (for example a bad argument).
    pub const INVALID_OPERATION: ErrorCode = ErrorCode(2905);
    /// **2996** · Too many requests are queued.
    pub const OVER_FREQUENCY_LIMIT: ErrorCode = ErrorCode(2996);
    /// **2700** · The user is not in the friend list (`NOT_MY_FRIEND`).
    pub const NOT_MY_FRIEND: ErrorCode = ErrorCode(2700);
    /// **2710** · A friend group with that name exists already
    /// (`FRIEND_GRP_EXISTED`); nothing was sent.
    pub const FRIEND_GRP_EXISTED: ErrorCode = ErrorCode(2710);
    /// **2711** · There is no friend group with that name
    /// (`FRIEND_GRP_NOT_EXIST`); nothing was sent.
    pub const FRIEND_GRP_NOT_EXIST: ErrorCode = ErrorCode(2711);
    /// **2716** · The friend application is not in the list
    /// (`FRIEND_APPLICATION_NOT_EXIST`).
    pub const FRIEND_APPLICATION_NOT_EXIST: ErrorCode = ErrorCode(2716);
    /// **2721** · `update_my_profile` got an invalid field
    /// (`UPDATE_PROFILE_INVALID_PARAM`): a nick over 500 bytes, a custom key
    /// not starting with `Tag_Profile_Custom`, a value too long.
    pub const UPDATE_PROFILE_INVALID_PARAM: ErrorCode = ErrorCode(2721);
    /// **2722** · `update_my_profile` got nothing to change
    /// (`UPDATE_PROFILE_NO_KEY`).
    pub const UPDATE_PROFILE_NO_KEY: ErrorCode = ErrorCode(2722);
    /// **30001** · Server: a friend command's parameters do not fit the
    /// relation (already a friend, not a friend, bad field).
    pub const SNS_INVALID: ErrorCode = ErrorCode(30001);
    /// **30516** · Server: the user refuses every friend request
    /// (`AllowType_Type_DenyAny`).
    pub const FRIEND_DENY_ANY: ErrorCode = ErrorCode(30516);
    /// **30539** · Server: the friend request waits for the user's
    /// confirmation (`AllowType_Type_NeedConfirm`); `add_friend` resolves
    /// with it.
    pub const FRIEND_NEED_CONFIRM: ErrorCode = ErrorCode(30539);
    /// **2999** · The SDK is not ready.
    pub const SDK_IS_NOT_READY: ErrorCode = ErrorCode(2999);
    /// **3000** · A login is in progress.
    pub const LOGGING_IN: ErrorCode = ErrorCode(3000);
    /// **3001** · Login failed.
    pub const LOGIN_FAILED: ErrorCode = ErrorCode(3001);
    /// **3002** · Kicked out by a login on another device.
    pub const KICKED_OUT_MULT_DEVICE: ErrorCode = ErrorCode(3002);
    /// **3003** · Kicked out by another login of the same platform.
    pub const KICKED_OUT_MULT_ACCOUNT: ErrorCode = ErrorCode(3003);
    /// **3004** · Kicked out because the UserSig expired.
    pub const KICKED_OUT_USERSIG_EXPIRED: ErrorCode = ErrorCode(3004);
    /// **3005** · The user logged out, or the instance was destroyed.
    pub const LOGGED_OUT: ErrorCode = ErrorCode(3005);
    /// **3006** · Kicked out through the REST API.
    pub const KICKED_OUT_REST_API: ErrorCode = ErrorCode(3006);
    /// **3122** · The feature is not enabled for the application (its purchase bit is
    /// not set, or not known yet); nothing was sent.
    pub const NO_USE: ErrorCode = ErrorCode(3122);
    /// **2742** · `CANNOT_ADD_SELF_TO_BLACKLIST`: `add_to_blacklist` named
    /// the logged-in user; nothing was sent.
    pub const CANNOT_ADD_SELF_TO_BLACKLIST: ErrorCode = ErrorCode(2742);
    /// **10056** · A group attribute write was refused: another member
    /// wrote since this instance last read the attributes (the reference
    /// server's code, docs/GROUPS.md). The attributes are read again at
    /// once; retry after GROUP_ATTRIBUTES_UPDATED or a
    /// `get_group_attributes`.
    pub const GROUP_ATTR_CONFLICT: ErrorCode = ErrorCode(10056);
    /// **2600** · `ILLEGAL_GRP_TYPE`: an unknown group type in `create_group`.
    pub const ILLEGAL_GRP_TYPE: ErrorCode = ErrorCode(2600);
    /// **2602** · `ILLEGAL_GRP_ID`: an empty or over-long group ID.
    pub const ILLEGAL_GRP_ID: ErrorCode = ErrorCode(2602);
    /// **3021** · `ILLEGAL_TOPIC_ID`: a topic ID that is not
    /// `<groupID>@TOPIC#_<suffix>` of the community named.
    pub const ILLEGAL_TOPIC_ID: ErrorCode = ErrorCode(3021);
    /// **2603** · `CANNOT_FIND_GRP`: the group is not in this user's group list.
    pub const CANNOT_FIND_GRP: ErrorCode = ErrorCode(2603);
    /// **2660** · `JOIN_GRP_FAIL`: joining failed (also a reply without `JoinedStatus`).
    pub const JOIN_GRP_FAIL: ErrorCode = ErrorCode(2660);
    /// **2681** · `NOT_OWNER`: only the group's owner may do this.
    pub const NOT_OWNER: ErrorCode = ErrorCode(2681);
    /// **10007** · Server: insufficient permission, or not a member of the group.
    pub const GROUP_NO_PERMISSION: ErrorCode = ErrorCode(10007);
    /// **10010** · Server: the group does not exist or was dismissed.
    pub const GROUP_NOT_FOUND: ErrorCode = ErrorCode(10010);
    /// **80002** · Server (and client pre-check): the message content is over 12 KB.
    pub const MSG_TOO_LONG: ErrorCode = ErrorCode(80002);
    /// **20027** · Server: `modify_c2c_msg` with a stale `MsgVersion`; the reply carries
    /// the server's version (the SDK turns it into
    /// [`MSG_MODIFY_CONFLICT`](Self::MSG_MODIFY_CONFLICT)).
    pub const SERVER_MSG_VERSION_CONFLICT: ErrorCode = ErrorCode(20027);
    /// **51008** · Server (and client pre-check): too many conversation groups (20 per
    /// user) or conversations in one group (1,000).
    pub const CONV_GROUP_LIMIT: ErrorCode = ErrorCode(51008);
    /// **20002** · Server: the A2 key (session) expired.
    pub const MSG_A2KEY_EXPIRED: ErrorCode = ErrorCode(20002);
    /// **70001** · Server: the UserSig expired.
    pub const ACCOUNT_A2KEY_EXPIRED: ErrorCode = ErrorCode(70001);
    /// **1002** · Server: a hello reply meaning "kicked" (with `KickType`).
    pub const HELLO_ANSWER_KICKED_OUT: ErrorCode = ErrorCode(1002);
    /// **70050** · Server: too many logins (of this user, or from this address) in a
    /// short time; try again later.
    pub const LOGIN_RATE_LIMITED: ErrorCode = ErrorCode(70050);

    /// Whether a server reply with this code means the UserSig or session
    /// expired (KICKED_OUT `userSigExpired`).
    pub fn is_sig_expired(self) -> bool {
        self == Self::ACCOUNT_A2KEY_EXPIRED || self == Self::MSG_A2KEY_EXPIRED
    }

    /// Whether a server refusal with this code may pass if the same request
    /// is made again later (a rate limit), rather than being final.
    pub fn is_transient(self) -> bool {
        self == Self::LOGIN_RATE_LIMITED
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl serde::Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u32(self.0)
    }
}

impl<'de> serde::Deserialize<'de> for ErrorCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        u32::deserialize(d).map(ErrorCode)
    }
}

/// An error as the SDK reports it: `{code, message}`, and for some codes
/// `data`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{code}: {message}")]
pub struct ChatError {
    /// The numeric code.
    pub code: ErrorCode,
    /// A human-readable description.
    pub message: String,
    /// `error.data` of the official SDK, for the codes that carry some.
    pub data: Option<ErrorData>,
}

/// What an error carries besides its code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorData {
    /// [`ErrorCode::MSG_MODIFY_CONFLICT`]: the message as the server holds
    /// it (`data.message`).
    Message(Box<crate::model::Message>),
}

impl ChatError {
    /// An error with a code and message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ChatError {
        ChatError {
            code,
            message: message.into(),
            data: None,
        }
    }

    /// The same error carrying `data`.
    pub fn with_data(mut self, data: ErrorData) -> ChatError {
        self.data = Some(data);
        self
    }

    /// The message `data` carries, if any (the server's version on a
    /// modify conflict).
    pub fn data_message(&self) -> Option<&crate::model::Message> {
        match &self.data {
            Some(ErrorData::Message(m)) => Some(m),
            None => None,
        }
    }
}
