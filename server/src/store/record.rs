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
    /// The sender asked for a read receipt (`IsNeedReadReceipt`).
    pub need_read_receipt: bool,
    /// The message accepts extensions (`SupportMessageExtension`).
    pub support_extension: bool,
}

/// Who revoked a message, and why.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Revocation {
    /// The revoking user.
    pub by: String,
    /// The reason given (may be empty).
    pub reason: String,
}

/// What happened to a message after it was sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageState {
    /// Modification version: 0 until the first modification, then +1 each.
    pub version: u64,
    /// Set once the message is revoked.
    pub revoked: Option<Revocation>,
    /// The recipient sent a read receipt for it.
    pub peer_read: bool,
    /// The sender deleted it from its own history.
    pub deleted_by_sender: bool,
    /// The recipient deleted it from its own history.
    pub deleted_by_recipient: bool,
    /// The message's global extension sequence (0: never extended).
    pub ext_seq: u64,
    /// Extensions with a sequence at or below this were cleared.
    pub ext_clear_seq: u64,
}

impl MessageState {
    /// Whether `user` (the sender, the recipient or, for a message to
    /// oneself, both) deleted the message from its history.
    pub fn deleted_for(&self, msg: &NewMessage, user: &str) -> bool {
        (msg.from == user && self.deleted_by_sender)
            || (msg.to == user && self.deleted_by_recipient)
    }
}

/// A stored message with its current content and state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRecord {
    /// The server's number of the message: unique in the store and
    /// ascending in the order messages were accepted.
    pub id: u64,
    /// The message as it is now (a modification replaces `body` and
    /// `cloud_custom_data`).
    pub msg: NewMessage,
    /// Its state.
    pub state: MessageState,
}

impl MessageRecord {
    /// The other party of the conversation, seen from `user`.
    pub fn peer_of(&self, user: &str) -> &str {
        if self.msg.from == user {
            &self.msg.to
        } else {
            &self.msg.from
        }
    }
}

/// A notification queued in an inbox: one `EventArray` item, as JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The push event (`PushEvent`) as JSON.
    pub event: String,
}

/// What an inbox position holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InboxItem {
    /// A message to the inbox's owner, as it is now.
    Message(Box<MessageRecord>),
    /// A notification for the inbox's owner.
    Notice(Notice),
}

/// One position of an inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxEntry {
    /// Position in the owner's inbox (1, 2, 3, … per owner).
    pub inbox_seq: u64,
    /// What is there.
    pub item: InboxItem,
}

impl InboxEntry {
    /// The message at this position, if it is one.
    pub fn message(&self) -> Option<&MessageRecord> {
        match &self.item {
            InboxItem::Message(m) => Some(m),
            InboxItem::Notice(_) => None,
        }
    }
}

/// One message extension key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension {
    /// The key.
    pub key: String,
    /// Its value; empty when the key was deleted (kept so that a client
    /// fetching changes learns of the deletion).
    pub value: String,
    /// The message's extension sequence when the key last changed.
    pub seq: u64,
}

/// A user's state of one C2C conversation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConversationRecord {
    /// The other party.
    pub peer: String,
    /// The user read the peer's messages up to this server time, Unix
    /// seconds.
    pub read_time: u64,
    /// Pinned to the top of the list.
    pub pinned: bool,
    /// Deleted from the list; shown again when a new message arrives.
    pub hidden: bool,
    /// Messages with an ID at or below this are gone from the user's
    /// history (a conversation deleted with `ClearRamble`).
    pub clear_id: u64,
    /// Messages with an ID at or below this no longer count as unread (a
    /// deleted conversation comes back with no unread messages).
    pub unread_floor: u64,
}

impl ConversationRecord {
    /// A fresh conversation with `peer`.
    pub fn new(peer: &str) -> ConversationRecord {
        ConversationRecord {
            peer: peer.to_owned(),
            ..ConversationRecord::default()
        }
    }
}

/// A user's state of a group conversation (`GROUP<id>`), kept apart from
/// the membership: whether it is pinned, and up to which group sequence it
/// was deleted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupConversationRecord {
    /// The group.
    pub group: String,
    /// Pinned to the top of the list.
    pub pinned: bool,
    /// Deleted (with its history) up to this group sequence: the
    /// conversation is listed again by a later message or tip, and nothing
    /// at or below it is unread or in the user's history.
    pub clear_seq: u64,
}

impl GroupConversationRecord {
    /// A fresh state for `group`.
    pub fn new(group: &str) -> GroupConversationRecord {
        GroupConversationRecord {
            group: group.to_owned(),
            ..GroupConversationRecord::default()
        }
    }
}

/// A conversation group of a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactGroup {
    /// The server's number for it (unique per user, never reused).
    pub id: u64,
    /// Its name (unique per user).
    pub name: String,
}

/// A user's conversation groups and their members.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactGroups {
    /// The highest group ID ever given to this user (0: none yet).
    pub last_id: u64,
    /// The groups, by ID.
    pub groups: Vec<ContactGroup>,
    /// `(group ID, conversation ID)` for each conversation in a group
    /// (`C2C<peer>` or `GROUP<groupID>`), sorted.
    pub members: Vec<(u64, String)>,
}

/// Result of [`Store::append_message`](super::Store::append_message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Appended {
    /// Stored now, at this inbox position of the recipient.
    New {
        /// The recipient's inbox sequence of the message.
        inbox_seq: u64,
        /// The server's number of the message ([`MessageRecord::id`]).
        msg_id: u64,
    },
    /// The same sender, `MsgSeq` and `MsgRandom` were stored before: the
    /// message as it is stored now (its first time and key, and any
    /// modification or revocation since).
    Duplicate(Box<MessageRecord>),
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
