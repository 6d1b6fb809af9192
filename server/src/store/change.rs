//! [`Change`]: one write of a [`Store::apply`](super::Store::apply) batch.

use super::{ContactGroup, ConversationRecord, Extension, MessageRecord, Notice};

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
        /// The conversation's peer.
        peer: String,
        /// In the group after the change.
        present: bool,
    },
}
