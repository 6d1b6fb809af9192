//! Records of group chats (issue 16): the group, its members and their
//! membership windows, the per-group log of messages and tips, pending
//! applications and read receipts. PROTOCOL.md section 8 describes what
//! they mean on the wire.

use tcchat_core::proto::group::{GroupType, InviteOption, JoinOption, Role};

/// A group's profile and counters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRecord {
    /// Group ID (unique per application, never reused).
    pub id: String,
    /// Type.
    pub group_type: GroupType,
    /// Name.
    pub name: String,
    /// Avatar URL.
    pub face_url: String,
    /// Introduction.
    pub introduction: String,
    /// Notification.
    pub notification: String,
    /// Owner user ID.
    pub owner: String,
    /// Creation time, Unix seconds.
    pub create_time: u64,
    /// Profile version (+1 per profile change).
    pub info_seq: u64,
    /// Last profile change, Unix seconds.
    pub last_info_time: u64,
    /// Time of the last message or tip, Unix seconds (0: none).
    pub last_msg_time: u64,
    /// The sequence the next message or tip gets (1 for a new group).
    pub next_seq: u64,
    /// Member limit.
    pub max_members: u64,
    /// Who may join without an invitation.
    pub join_option: JoinOption,
    /// Who may add members.
    pub invite_option: InviteOption,
    /// Every plain member is muted.
    pub mute_all: bool,
    /// Custom fields, sorted by key.
    pub custom: Vec<(String, String)>,
    /// The group was dismissed: it serves nothing, its ID stays taken.
    pub dismissed: bool,
}

/// A current membership.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRecord {
    /// User ID.
    pub user: String,
    /// Role.
    pub role: Role,
    /// When the membership began, Unix seconds.
    pub join_time: u64,
    /// First group sequence the member may see in this membership.
    pub join_seq: u64,
    /// The member read up to this sequence.
    pub read_seq: u64,
    /// Remind type (`AcceptAndNotify`, …).
    pub msg_flag: String,
    /// Name card.
    pub name_card: String,
    /// Muted until, Unix seconds (0: not muted).
    pub mute_until: u64,
    /// Time of the member's last message, Unix seconds (0: none).
    pub last_send_time: u64,
    /// Member custom fields, sorted by key.
    pub custom: Vec<(String, String)>,
    /// Mark types set on the member (`markGroupMemberList`), ascending.
    pub marks: Vec<u64>,
}

impl MemberRecord {
    /// A new plain member with default settings.
    pub fn new(user: &str, role: Role, join_time: u64, join_seq: u64) -> MemberRecord {
        MemberRecord {
            user: user.to_owned(),
            role,
            join_time,
            join_seq,
            // Nothing before the join is unread.
            read_seq: join_seq.saturating_sub(1),
            msg_flag: "AcceptAndNotify".to_owned(),
            name_card: String::new(),
            mute_until: 0,
            last_send_time: 0,
            custom: Vec::new(),
            marks: Vec::new(),
        }
    }
}

/// A span of group sequences a user may see: from `join_seq` up to, not
/// including, `leave_seq` (open while the membership lasts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// First visible sequence.
    pub join_seq: u64,
    /// First sequence no longer visible; `None` for the current membership.
    pub leave_seq: Option<u64>,
}

impl Window {
    /// Whether `seq` falls inside the window.
    pub fn contains(&self, seq: u64) -> bool {
        seq >= self.join_seq && self.leave_seq.is_none_or(|end| seq < end)
    }
}

/// What a group log entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogKind {
    /// A message (`GroupMsgArray` item).
    Message,
    /// A tip (`GroupTips` Event 4 item).
    Tip,
}

/// One sequence of a group's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupLogEntry {
    /// The group sequence.
    pub seq: u64,
    /// Server time, Unix seconds.
    pub time: u64,
    /// Sender (message) or operator (tip).
    pub sender: String,
    /// The sender's `ClientSeq` (0 for tips).
    pub client_seq: u64,
    /// The sender's `Random` (the tip's random for tips).
    pub random: u64,
    /// The sender asked for read receipts.
    pub need_receipt: bool,
    /// Message or tip.
    pub kind: LogKind,
    /// The push item as JSON (`GroupWireMessage` or `GroupTip`).
    pub payload: String,
}

/// A pending application to join.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupApplication {
    /// The applicant.
    pub user: String,
    /// When it was made, Unix seconds.
    pub time: u64,
    /// The applicant's message.
    pub message: String,
}

/// A group's attributes (issue 17): what `get_group_attr` answers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupAttributes {
    /// The main sequence: every write takes the next one (0: never
    /// written).
    pub main_seq: u64,
    /// Every attribute, sorted by key.
    pub attrs: Vec<(String, String)>,
}

/// A group's counters (issue 17): what `get_group_counter` answers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupCounters {
    /// The counter sequence: every write takes the next one (0: never
    /// written).
    pub seq: u64,
    /// Every counter, sorted by key.
    pub counters: Vec<(String, i64)>,
}

/// The extensions of one group message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupExtensions {
    /// Every key not cleared since, deleted ones with an empty value, in
    /// extension-sequence order.
    pub keys: Vec<super::Extension>,
    /// The extension sequence of the last clear (0: never cleared).
    pub clear_seq: u64,
}

impl GroupExtensions {
    /// The message's global extension sequence: every change takes the
    /// next one, for a key or for a clear.
    #[must_use]
    pub fn latest_seq(&self) -> u64 {
        self.keys
            .iter()
            .map(|e| e.seq)
            .max()
            .unwrap_or(0)
            .max(self.clear_seq)
    }
}

/// A topic of a community group (issue 17): its profile and its own
/// message sequence. Members are the community's; a deleted topic keeps
/// its ID taken.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TopicRecord {
    /// Topic ID, `<groupID>@TOPIC#_<suffix>` (unique per application).
    pub id: String,
    /// The community group the topic belongs to.
    pub group: String,
    /// Name.
    pub name: String,
    /// Avatar URL.
    pub face_url: String,
    /// Introduction.
    pub introduction: String,
    /// Notification.
    pub notification: String,
    /// Custom data (`CustomString`).
    pub custom: String,
    /// Every plain member is muted in the topic.
    pub mute_all: bool,
    /// Creation time, Unix seconds.
    pub create_time: u64,
    /// Time of the last message or tip, Unix seconds (0: none).
    pub last_msg_time: u64,
    /// The sequence the next message or tip of the topic gets (from 1).
    pub next_seq: u64,
    /// The topic was deleted: it serves nothing, its ID stays taken.
    pub deleted: bool,
}

/// One member's own state in a topic (issue 17); a member without one
/// has read nothing and is reminded with `AcceptAndNotify`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicSelf {
    /// The member read up to this topic sequence.
    pub read_seq: u64,
    /// Remind type (`AcceptAndNotify`, `AcceptNotNotify`, `Discard`).
    pub msg_flag: String,
}

impl Default for TopicSelf {
    fn default() -> TopicSelf {
        TopicSelf {
            read_seq: 0,
            msg_flag: "AcceptAndNotify".to_owned(),
        }
    }
}
