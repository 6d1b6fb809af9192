/// A user account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Account {
    /// The account's tiny ID (sent as a decimal string on the wire).
    pub tiny_id: u64,
    /// True when this call created the account.
    pub created: bool,
}

/// First tiny ID minus one: the n-th account created gets `TINY_ID_BASE + n`.
pub(crate) const TINY_ID_BASE: u64 = 144_115_000_000_000_000;

/// A C2C message to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    /// Sender user ID.
    pub from: String,
    /// Recipient user ID: the owner of the inbox the message goes to.
    pub to: String,
    /// Sender-chosen `MsgSeq`.
    pub msg_seq: u64,
    /// Sender-chosen `MsgRandom`.
    pub msg_random: u64,
    /// Server time, Unix seconds (`MsgTime` / `MsgTimeStamp`).
    pub msg_time: u64,
    /// Sender's `MsgClientTime`, Unix seconds.
    pub client_time: u64,
    /// Sender's tiny ID.
    pub sender_tiny_id: u64,
    /// Server key of the message (`MsgKey`).
    pub msg_key: String,
    /// `MsgBody` as a JSON array.
    pub body: String,
    /// `From_AccountNick` (may be empty).
    pub nick: String,
    /// `CloudCustomData` (may be empty).
    pub cloud_custom_data: String,
}

/// A message in an inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMessage {
    /// Position in the owner's inbox (1, 2, 3, … per owner).
    pub inbox_seq: u64,
    /// The message.
    pub msg: NewMessage,
}

/// Result of [`Store::append_message`](super::Store::append_message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Appended {
    /// Stored now, at this inbox position of the recipient.
    New {
        /// The recipient's inbox sequence of the message.
        inbox_seq: u64,
    },
    /// The same sender, `MsgSeq` and `MsgRandom` were stored before.
    Duplicate {
        /// Server time given to the message the first time.
        msg_time: u64,
        /// `MsgKey` given to the message the first time.
        msg_key: String,
    },
}

/// A login session (an "instance" of a user), as persisted so that a
/// reconnecting client's `a2` + `tinyid` re-login survives a server
/// restart.
///
/// The A2 key itself is never stored: only its SHA-256, in lowercase hex.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// SHA-256 of the A2 key, 64 lowercase hex digits. Unique.
    pub a2_hash: String,
    /// SDKAppID.
    pub app: u64,
    /// User ID.
    pub user: String,
    /// The user's tiny ID.
    pub tiny_id: u64,
    /// The connect URL's `instanceid` at the first login (may be empty).
    pub instance: String,
    /// The connect URL's `platform` at the first login (0 when absent).
    pub platform: u32,
    /// Login order: larger is newer. Unique per store.
    pub login_seq: u64,
    /// When the session ends (its UserSig expires, capped), Unix ms.
    pub expires_ms: u64,
    /// 0 while the session is valid; otherwise the `KickType` it was ended
    /// with (1 multipleAccount, 2 multipleDevice, 3 REST_API_Kick). Kicked
    /// sessions are kept until they expire so that a late re-login learns
    /// why it was refused.
    pub kicked: u32,
}
