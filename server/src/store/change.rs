//! [`Change`]: one write of a [`Store::apply`](super::Store::apply) batch.

use super::{
    ContactGroup, ConversationRecord, Extension, FriendApplicationRecord, FriendRecord,
    GroupApplication, GroupConversationRecord, GroupLogEntry, GroupRecord, MemberRecord,
    MessageRecord, Notice, ProfileTag,
};

/// One write. A batch of them is applied atomically by
/// [`Store::apply`](super::Store::apply): either every change of the batch
/// is stored, or none is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Store the current content (`body`, `cloud_custom_data`) and the
    /// state of the message with `record.id`. The other fields of
    /// `record.msg` never change and are ignored; an unknown ID is a no-op.
    Message(MessageRecord),
    /// Insert or replace one extension key of the message `msg_id`.
    Extension {
        /// The message.
        msg_id: u64,
        /// The key, value and sequence.
        ext: Extension,
    },
    /// Forget every extension key of the message `msg_id`.
    ClearExtensions {
        /// The message.
        msg_id: u64,
    },
    /// Insert or replace `owner`'s state of the conversation with
    /// `record.peer`.
    Conversation {
        /// The user.
        owner: String,
        /// The state.
        record: ConversationRecord,
    },
    /// Insert or replace `owner`'s state of the group conversation
    /// `record.group`.
    GroupConversation {
        /// The user.
        owner: String,
        /// The state.
        record: GroupConversationRecord,
    },
    /// Append a notification to `owner`'s inbox (creating the account if
    /// needed). [`Store::apply`](super::Store::apply) returns its inbox
    /// position.
    Notice {
        /// The inbox owner.
        owner: String,
        /// The notification.
        notice: Notice,
    },
    /// Insert or rename `owner`'s conversation group `group.id`; the
    /// user's highest group ID becomes at least `group.id`.
    Group {
        /// The user.
        owner: String,
        /// The group.
        group: ContactGroup,
    },
    /// Delete `owner`'s conversation group `id` and its memberships.
    DeleteGroup {
        /// The user.
        owner: String,
        /// The group.
        id: u64,
    },
    /// Put the conversation with `peer` in `owner`'s group `group_id`
    /// (`present`), or take it out.
    Member {
        /// The user.
        owner: String,
        /// The group.
        group_id: u64,
        /// The conversation's ID (`C2C<peer>` or `GROUP<groupID>`).
        conversation: String,
        /// In the group after the change.
        present: bool,
    },
    /// Insert or replace the group `0.id` (chat groups of issue 16).
    ChatGroup(GroupRecord),
    /// Insert or replace `member.user`'s current membership of `group`.
    GroupMember {
        /// The group.
        group: String,
        /// The membership.
        member: MemberRecord,
    },
    /// End `user`'s current membership of `group`: its window closes before
    /// `leave_seq`. A no-op when the user is not a member.
    EndGroupMember {
        /// The group.
        group: String,
        /// The member.
        user: String,
        /// First sequence the user no longer sees.
        leave_seq: u64,
    },
    /// Add a message or tip to `group`'s log. The engine gives it the
    /// group's next sequence (and stores the group with `next_seq` past it
    /// in the same batch); a sequence already used fails the batch.
    GroupLog {
        /// The group.
        group: String,
        /// The entry.
        entry: GroupLogEntry,
    },
    /// Insert or replace `application.user`'s pending application to
    /// `group`.
    GroupApplication {
        /// The group.
        group: String,
        /// The application.
        application: GroupApplication,
    },
    /// Forget `user`'s pending application to `group` (a no-op if none).
    DeleteGroupApplication {
        /// The group.
        group: String,
        /// The applicant.
        user: String,
    },
    /// Replace the stored push item of the log entry at `seq` of `group`
    /// (a message revoked or modified); the entry must exist.
    GroupLogPayload {
        /// The group.
        group: String,
        /// The entry's sequence.
        seq: u64,
        /// The new push item as JSON.
        payload: String,
    },
    /// `user` deleted the message at `seq` of `group` from its own history
    /// (kept once; the other members keep it).
    GroupHide {
        /// The group.
        group: String,
        /// The message's sequence.
        seq: u64,
        /// The deleting member.
        user: String,
    },
    /// Insert or replace one extension key of the message at `seq` of
    /// `group` (the group must exist).
    GroupExtension {
        /// The group.
        group: String,
        /// The message's sequence.
        seq: u64,
        /// The key, value and extension sequence.
        ext: Extension,
    },
    /// Forget every extension key of the message at `seq` of `group`;
    /// `clear_seq` is the extension sequence the clear took.
    GroupClearExtensions {
        /// The group.
        group: String,
        /// The message's sequence.
        seq: u64,
        /// The extension sequence of the clear.
        clear_seq: u64,
    },
    /// Replace every attribute of `group` and its main sequence (the group
    /// must exist).
    GroupAttributes {
        /// The group.
        group: String,
        /// The attributes after the write.
        state: super::GroupAttributes,
    },
    /// Replace every counter of `group` and its sequence (the group must
    /// exist).
    GroupCounters {
        /// The group.
        group: String,
        /// The counters after the write.
        state: super::GroupCounters,
    },
    /// Replace the pinned message sequences of `group`, in pin order (the
    /// group must exist).
    GroupPins {
        /// The group.
        group: String,
        /// The pinned sequences, oldest pin first.
        seqs: Vec<u64>,
    },
    /// Insert or replace a community topic (issue 17; its community must
    /// exist).
    Topic(super::TopicRecord),
    /// Append an entry to `topic`'s log (the topic must exist; a sequence
    /// already taken fails the batch).
    TopicLog {
        /// The topic.
        topic: String,
        /// The entry.
        entry: GroupLogEntry,
    },
    /// Set `user`'s own state in `topic` (the topic must exist).
    TopicSelf {
        /// The topic.
        topic: String,
        /// The member.
        user: String,
        /// Read sequence and remind type.
        state: super::TopicSelf,
    },
    /// `reader` read the message at `seq` of `group` (counted once).
    GroupReceipt {
        /// The group.
        group: String,
        /// The message's sequence.
        seq: u64,
        /// The reader.
        reader: String,
    },
    /// Insert or replace these profile tags of `user` (the others stay).
    ProfileTags {
        /// The user.
        user: String,
        /// The tags and their new values.
        tags: Vec<ProfileTag>,
    },
    /// Insert or replace `record.peer` in `owner`'s friend list.
    Friend {
        /// The owner of the list.
        owner: String,
        /// The friend.
        record: FriendRecord,
    },
    /// Remove `peer` from `owner`'s friend list (a no-op if absent).
    DeleteFriend {
        /// The owner of the list.
        owner: String,
        /// The friend.
        peer: String,
    },
    /// Replace `owner`'s friend group names (in order; empty: none). Which
    /// friends are in a group is in their [`FriendRecord::groups`].
    FriendGroups {
        /// Whose groups.
        owner: String,
        /// The names, in the order they are listed.
        names: Vec<String>,
    },
    /// Put `peer` on `owner`'s blacklist at `time` (Unix seconds; a peer
    /// already there keeps its first time), or take it off (`present`
    /// false; a no-op when it is not there).
    Block {
        /// The user whose blacklist it is.
        owner: String,
        /// The blocked user.
        peer: String,
        /// When it was added, Unix seconds.
        time: u64,
        /// On the blacklist after the change.
        present: bool,
    },
    /// Set `user`'s custom status (plain text; empty clears it).
    CustomStatus {
        /// The user.
        user: String,
        /// The new custom status.
        status: String,
    },
    /// `follower` follows `target` at `time` (Unix seconds; an existing
    /// follow keeps its first time), or stops (`present` false).
    Follow {
        /// The following user.
        follower: String,
        /// The followed user.
        target: String,
        /// When, Unix seconds.
        time: u64,
        /// Following after the change.
        present: bool,
    },
    /// `subscriber` follows `target`'s status (`present`) or stops.
    StatusSubscription {
        /// The subscribing user.
        subscriber: String,
        /// The user whose status it follows.
        target: String,
        /// Subscribed after the change.
        present: bool,
    },
    /// Insert or replace `owner`'s application with `record.peer` in the
    /// direction `record.incoming`.
    FriendApplication {
        /// Whose list.
        owner: String,
        /// The application.
        record: FriendApplicationRecord,
    },
    /// Forget `owner`'s application with `peer` in that direction (a no-op
    /// if absent).
    DeleteFriendApplication {
        /// Whose list.
        owner: String,
        /// The other user.
        peer: String,
        /// Sent to the owner rather than by them.
        incoming: bool,
    },
    /// `owner` read their applications up to Unix second `time`.
    ApplicationsRead {
        /// Whose list.
        owner: String,
        /// The time.
        time: u64,
    },
}
