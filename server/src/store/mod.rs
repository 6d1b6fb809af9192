//! Storage behind the engine: a small synchronous [`Store`] trait with a
//! SQLite implementation ([`SqliteStore`], a file or `:memory:`) and a plain
//! in-memory one ([`MemoryStore`], for tests and deterministic simulation).
//!
//! Every key includes the SDKAppID: data never crosses applications.

mod change;
mod error;
mod group_record;
mod memory;
mod memory_groups;
mod memory_relations;
mod memory_topics;
mod record;
mod relation_record;
mod sqlite;
mod sqlite_groups;
mod sqlite_log;
mod sqlite_relations;
mod sqlite_schema;
mod sqlite_topics;

pub use change::Change;
pub use error::StoreError;
pub use group_record::{
    GroupApplication, GroupAttributes, GroupCounters, GroupExtensions, GroupLogEntry, GroupRecord,
    LogKind, MemberRecord, TopicRecord, TopicSelf, Window,
};
pub use memory::MemoryStore;
pub use record::{
    Account, Appended, ContactGroup, ContactGroups, ConversationRecord, Extension,
    GroupConversationRecord, InboxEntry, InboxItem, MessageRecord, MessageState, NewMessage,
    Notice, Revocation, SessionRecord,
};
pub use relation_record::{FriendApplicationRecord, FriendRecord, ProfileTag};
pub use sqlite::SqliteStore;

/// What the engine needs from storage.
///
/// Calls are synchronous and short; the engine calls them while handling an
/// input. Implementations must make [`append_message`](Store::append_message)
/// atomic: either the message, its inbox entry and its idempotency record
/// are all stored, or none is. A persistent implementation must also make
/// every write durable against a crash of the process by the time the call
/// returns: the engine replies to a `sendmsg` (and hands out an A2 key) right
/// after, and a reply is a promise that the data survives a restart.
pub trait Store {
    /// A value of the server's own metadata (for example the database
    /// epoch that cookies carry).
    fn meta(&mut self, key: &str) -> Result<Option<String>, StoreError>;

    /// Set a metadata value.
    fn set_meta(&mut self, key: &str, value: &str) -> Result<(), StoreError>;

    /// The account `user` of `app`, if it exists.
    fn account(&mut self, app: u64, user: &str) -> Result<Option<Account>, StoreError>;

    /// The account `user` of `app`, created (with the next tiny ID) if it
    /// does not exist yet.
    fn ensure_account(&mut self, app: u64, user: &str, now_ms: u64) -> Result<Account, StoreError>;

    /// Store a C2C message (with a fresh [`MessageState`]) and put it in
    /// the inbox of `msg.to`, unless a message from the same sender to the
    /// same recipient with the same `msg_seq` and `msg_random` was stored
    /// before, in which case nothing changes and the earlier message is
    /// returned. The same `msg_seq` and `msg_random` to another recipient
    /// name another message. Creates the
    /// recipient's account if needed. Both parties' conversation states
    /// exist afterwards and neither is hidden (a deleted conversation comes
    /// back with its next message).
    fn append_message(&mut self, app: u64, msg: &NewMessage) -> Result<Appended, StoreError>;

    /// Up to `limit` inbox entries of `owner` with a sequence above
    /// `after`, in sequence order. Messages come as they are now.
    fn inbox_after(
        &mut self,
        app: u64,
        owner: &str,
        after: u64,
        limit: usize,
    ) -> Result<Vec<InboxEntry>, StoreError>;

    /// Apply `changes` atomically (all or nothing) and durably. Returns the
    /// inbox position of each [`Change::Notice`], in order.
    fn apply(&mut self, app: u64, changes: &[Change]) -> Result<Vec<u64>, StoreError>;

    /// The message `from` sent to `to` with `msg_seq` and `msg_random`.
    fn message(
        &mut self,
        app: u64,
        from: &str,
        to: &str,
        msg_seq: u64,
        msg_random: u64,
    ) -> Result<Option<MessageRecord>, StoreError>;

    /// The message of the conversation between `owner` and `peer` (sent by
    /// either) with the server key `msg_key` ([`NewMessage::msg_key`]). The
    /// key alone does not name one message: it leaves out the recipient.
    fn message_by_key(
        &mut self,
        app: u64,
        owner: &str,
        peer: &str,
        msg_key: &str,
    ) -> Result<Option<MessageRecord>, StoreError>;

    /// Up to `limit` messages between `owner` and `peer` (both directions)
    /// with an ID strictly between `after_id` and `before_id`, newest first,
    /// leaving out the ones `owner` deleted.
    fn history(
        &mut self,
        app: u64,
        owner: &str,
        peer: &str,
        after_id: u64,
        before_id: u64,
        limit: usize,
    ) -> Result<Vec<MessageRecord>, StoreError>;

    /// Up to `limit` messages between `owner` and `peer` (both directions)
    /// with an ID above `after_id` and a time at or after `min_time`, oldest
    /// first, leaving out the ones `owner` deleted.
    fn history_forward(
        &mut self,
        app: u64,
        owner: &str,
        peer: &str,
        after_id: u64,
        min_time: u64,
        limit: usize,
    ) -> Result<Vec<MessageRecord>, StoreError>;

    /// How many messages `peer` sent to `owner` with an ID above `after_id`
    /// and a time above `after_time`, not revoked and not deleted by
    /// `owner`. Always 0 when `owner` is `peer`.
    fn unread_count(
        &mut self,
        app: u64,
        owner: &str,
        peer: &str,
        after_id: u64,
        after_time: u64,
    ) -> Result<u64, StoreError>;

    /// Every extension key of the message `msg_id` (deleted ones with an
    /// empty value), in sequence order.
    fn extensions(&mut self, app: u64, msg_id: u64) -> Result<Vec<Extension>, StoreError>;

    /// `owner`'s state of the conversation with `peer`, if it has one.
    fn conversation(
        &mut self,
        app: u64,
        owner: &str,
        peer: &str,
    ) -> Result<Option<ConversationRecord>, StoreError>;

    /// Every conversation state of `owner` (hidden ones included), by peer.
    fn conversations(
        &mut self,
        app: u64,
        owner: &str,
    ) -> Result<Vec<ConversationRecord>, StoreError>;

    /// `owner`'s states of group conversations (pinned, deleted), by group.
    fn group_conversation_states(
        &mut self,
        app: u64,
        owner: &str,
    ) -> Result<Vec<GroupConversationRecord>, StoreError>;

    /// `owner`'s conversation groups and their members.
    fn contact_groups(&mut self, app: u64, owner: &str) -> Result<ContactGroups, StoreError>;

    /// `owner`'s blacklist: `(peer, time added in Unix seconds)`, sorted by
    /// peer.
    fn blacklist(&mut self, app: u64, owner: &str) -> Result<Vec<(String, u64)>, StoreError>;

    /// Whether `peer` is on `owner`'s blacklist.
    fn is_blocked(&mut self, app: u64, owner: &str, peer: &str) -> Result<bool, StoreError>;

    /// The users `user` follows: `(user, time in Unix seconds)`, sorted by
    /// user.
    fn following(&mut self, app: u64, user: &str) -> Result<Vec<(String, u64)>, StoreError>;

    /// The users following `user`: `(user, time in Unix seconds)`, sorted
    /// by user.
    fn followers(&mut self, app: u64, user: &str) -> Result<Vec<(String, u64)>, StoreError>;

    /// `user`'s custom status (empty when none was set).
    fn custom_status(&mut self, app: u64, user: &str) -> Result<String, StoreError>;

    /// The users subscribed to `target`'s status, sorted.
    fn status_subscribers(&mut self, app: u64, target: &str) -> Result<Vec<String>, StoreError>;

    /// The users whose status `subscriber` follows, sorted.
    fn status_subscriptions(
        &mut self,
        app: u64,
        subscriber: &str,
    ) -> Result<Vec<String>, StoreError>;

    /// The highest inbox sequence of `owner` (0 when the inbox is empty).
    fn inbox_head(&mut self, app: u64, owner: &str) -> Result<u64, StoreError>;

    /// `owner`'s delivered cursor: the inbox sequence up to which every
    /// message has been acknowledged or synced (0 at first).
    fn cursor(&mut self, app: u64, owner: &str) -> Result<u64, StoreError>;

    /// Move the delivered cursor forward to `to` (never backwards); returns
    /// the cursor after the call.
    fn advance_cursor(&mut self, app: u64, owner: &str, to: u64) -> Result<u64, StoreError>;

    /// Every stored session, oldest login first (including kicked ones and
    /// ones that may have expired since; the caller filters).
    fn sessions(&mut self) -> Result<Vec<SessionRecord>, StoreError>;

    /// Insert or replace the session with `record.a2_hash`. Must be durable
    /// when it returns (the A2 key is handed out right after).
    fn put_session(&mut self, record: &SessionRecord) -> Result<(), StoreError>;

    /// Forget the session with this A2 hash (a no-op if there is none).
    fn delete_session(&mut self, a2_hash: &str) -> Result<(), StoreError>;

    /// Forget every session whose `expires_ms` is at or before `now_ms`;
    /// returns how many went.
    fn delete_expired_sessions(&mut self, now_ms: u64) -> Result<usize, StoreError>;

    /// The group `id` (dismissed ones too), if it was ever created.
    fn chat_group(&mut self, app: u64, id: &str) -> Result<Option<GroupRecord>, StoreError>;

    /// The current members of `group`, by join time then user ID.
    fn group_members(&mut self, app: u64, group: &str) -> Result<Vec<MemberRecord>, StoreError>;

    /// `user`'s current membership of `group`, if any.
    fn group_member(
        &mut self,
        app: u64,
        group: &str,
        user: &str,
    ) -> Result<Option<MemberRecord>, StoreError>;

    /// Every membership window `user` has had in `group` (ended ones, then
    /// the current one), oldest first.
    fn group_windows(
        &mut self,
        app: u64,
        group: &str,
        user: &str,
    ) -> Result<Vec<Window>, StoreError>;

    /// The groups `user` is a member of now, by join time then group ID.
    fn joined_groups(&mut self, app: u64, user: &str) -> Result<Vec<String>, StoreError>;

    /// Every current membership of a live `AVChatRoom` group held by
    /// someone other than its owner, as `(app, group, user)`, sorted. Such
    /// memberships last only while the member is online (docs/GROUPS.md,
    /// "AVChatRoom"): the engine ends these at start-up, when nobody is.
    fn transient_members(&mut self) -> Result<Vec<(u64, String, String)>, StoreError>;

    /// Every topic of the community `group`, deleted ones included, by
    /// topic ID (issue 17).
    fn topics(&mut self, app: u64, group: &str) -> Result<Vec<TopicRecord>, StoreError>;

    /// The topic `id`, deleted or not.
    fn topic(&mut self, app: u64, id: &str) -> Result<Option<TopicRecord>, StoreError>;

    /// The entries of `topic`'s log with a sequence in `from..=to`,
    /// ascending.
    fn topic_log(
        &mut self,
        app: u64,
        topic: &str,
        from: u64,
        to: u64,
    ) -> Result<Vec<GroupLogEntry>, StoreError>;

    /// The message `sender` sent to `topic` with `client_seq` and `random`.
    fn topic_message_by_client(
        &mut self,
        app: u64,
        topic: &str,
        sender: &str,
        client_seq: u64,
        random: u64,
    ) -> Result<Option<GroupLogEntry>, StoreError>;

    /// `user`'s own state in `topic`; `None` when never written.
    fn topic_self(
        &mut self,
        app: u64,
        topic: &str,
        user: &str,
    ) -> Result<Option<TopicSelf>, StoreError>;

    /// The entries of `group`'s log with a sequence in `from..=to`,
    /// ascending.
    fn group_log(
        &mut self,
        app: u64,
        group: &str,
        from: u64,
        to: u64,
    ) -> Result<Vec<GroupLogEntry>, StoreError>;

    /// The message `sender` sent to `group` with `client_seq` and `random`
    /// (a resend is recognised by these).
    fn group_message_by_client(
        &mut self,
        app: u64,
        group: &str,
        sender: &str,
        client_seq: u64,
        random: u64,
    ) -> Result<Option<GroupLogEntry>, StoreError>;

    /// The pending applications to `group`, oldest first.
    fn group_applications(
        &mut self,
        app: u64,
        group: &str,
    ) -> Result<Vec<GroupApplication>, StoreError>;

    /// The extensions of the message at `seq` of `group` (empty when it
    /// has none, or the group is unknown).
    fn group_extensions(
        &mut self,
        app: u64,
        group: &str,
        seq: u64,
    ) -> Result<GroupExtensions, StoreError>;

    /// The attributes of `group` (empty with main sequence 0 when it has
    /// none, or the group is unknown).
    fn group_attributes(&mut self, app: u64, group: &str) -> Result<GroupAttributes, StoreError>;

    /// The counters of `group` (empty with sequence 0 when it has none, or
    /// the group is unknown).
    fn group_counters(&mut self, app: u64, group: &str) -> Result<GroupCounters, StoreError>;

    /// The pinned message sequences of `group`, oldest pin first (empty
    /// when none, or the group is unknown).
    fn group_pins(&mut self, app: u64, group: &str) -> Result<Vec<u64>, StoreError>;

    /// Who sent a read receipt for the message at `seq` of `group`, sorted.
    fn group_receipts(
        &mut self,
        app: u64,
        group: &str,
        seq: u64,
    ) -> Result<Vec<String>, StoreError>;

    /// The sequences in `from..=to` of `group` that `user` deleted from its
    /// own history, ascending.
    fn group_hidden(
        &mut self,
        app: u64,
        group: &str,
        user: &str,
        from: u64,
        to: u64,
    ) -> Result<Vec<u64>, StoreError>;

    /// The profile tags `user` has set, sorted by tag.
    fn profile(&mut self, app: u64, user: &str) -> Result<Vec<ProfileTag>, StoreError>;

    /// `owner`'s friend list, sorted by friend.
    fn friends(&mut self, app: u64, owner: &str) -> Result<Vec<FriendRecord>, StoreError>;

    /// `owner`'s pending friend applications (both directions), sorted by
    /// peer, incoming first.
    fn friend_applications(
        &mut self,
        app: u64,
        owner: &str,
    ) -> Result<Vec<FriendApplicationRecord>, StoreError>;

    /// `owner`'s friend group names as last set by
    /// [`Change::FriendGroups`], in order (the members are in the friend
    /// records' `groups`).
    fn friend_groups(&mut self, app: u64, owner: &str) -> Result<Vec<String>, StoreError>;

    /// The Unix second up to which `owner` read their applications (0:
    /// never).
    fn applications_read_time(&mut self, app: u64, owner: &str) -> Result<u64, StoreError>;

    /// `peer` in `owner`'s friend list, if there.
    fn friend(
        &mut self,
        app: u64,
        owner: &str,
        peer: &str,
    ) -> Result<Option<FriendRecord>, StoreError>;

    /// Make everything written so far durable (called on shutdown).
    fn flush(&mut self) -> Result<(), StoreError>;
}
