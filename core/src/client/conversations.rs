//! The conversation list, unread counts and conversation groups.
//!
//! Interface used by the message code (received, synced, sent, revoked,
//! modified, deleted and read messages all pass through these hooks).

use crate::model::Message;

use super::Client;

impl Client {
    /// Messages were added to what this instance holds for the current user
    /// (received by push or sync, or sent successfully), in order.
    pub(super) fn conv_messages_added(&mut self, messages: &[Message]) {
        let _ = messages;
    }

    /// A message already held changed (revoked, modified, deleted, read or
    /// peer-read).
    pub(super) fn conv_message_changed(&mut self, message: &Message) {
        let _ = message;
    }
}
