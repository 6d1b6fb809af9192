//! How messages and reads change the list: a message received, synced or
//! sent; one revoked, modified or deleted; a conversation read here, on
//! another instance, or by the peer.

use crate::model::{GroupAtInfo, Message};
use crate::types::{ConversationType, Flow};

use super::entry::{Entry, Last};
use super::{c2c_peer, group_of, Conversations};

impl Conversations {
    /// Messages were added to what this instance holds for `me` (received
    /// by push or sync, or sent successfully), in order: each becomes its
    /// conversation's last message if it is the newest, and an incoming
    /// one not yet read counts as unread.
    pub(in crate::client) fn messages_added(&mut self, messages: &[Message], me: &str) {
        for m in messages {
            if m.is_deleted {
                continue;
            }
            let peer = match m.conversation_type {
                ConversationType::C2c => c2c_peer(&m.conversation_id),
                ConversationType::Group => group_of(&m.conversation_id),
                ConversationType::System => Some(m.conversation_id.as_str()),
                ConversationType::Topic => None,
            };
            let Some(peer) = peer else {
                continue;
            };
            if let Some(s) = &mut self.list_sync {
                // Deleted during the sync, maybe, and back with a new message.
                s.deleted.remove(&m.conversation_id);
            }
            let order = self.take_orders(1) + 1;
            let e = self.entry(&m.conversation_id, peer);
            if e.last.is_none() || m.time >= e.last_time() {
                e.set_last(Last::from_message(m), me);
                e.order = order;
            }
            // A note to self is never unread: the server counts only what
            // a peer sent (found by the simulation, seed 136 of profile
            // `messages`).
            let to_self = m.from == m.to;
            // A group message at or below the read sequence is read; one at
            // or below what the server last counted is in that count.
            let group_counted = m.conversation_type == ConversationType::Group
                && (m.sequence <= e.read_seq || m.sequence <= e.counted_to);
            if m.flow == Flow::In
                && !to_self
                && !group_counted
                && !m.is_read
                && !m.is_revoked
                && m.time > e.read_time
            {
                e.count_unread(&m.id, m.time, m.sequence);
                if let Some(at) = GroupAtInfo::of(m, me) {
                    e.at_infos.push_back(at);
                    while e.at_infos.len() > Entry::MAX_TRACKED_UNREAD {
                        e.at_infos.pop_front();
                    }
                }
            }
            self.touch(&m.conversation_id);
        }
    }

    /// A message already held changed (revoked, modified, deleted, read or
    /// peer-read). `held` is what `me` still holds of its conversation,
    /// oldest first: a deleted last message falls back to the newest of
    /// those.
    pub(in crate::client) fn message_changed<'a>(
        &mut self,
        message: &Message,
        me: &str,
        held: impl DoubleEndedIterator<Item = &'a Message>,
    ) {
        let conv_id = &message.conversation_id;
        let Some(e) = self.entries.get_mut(conv_id) else {
            return;
        };
        let mut changed = false;
        if message.is_revoked || message.is_deleted {
            changed |= e.uncount_unread(&message.id);
        }
        let is_last = e.last.as_ref().is_some_and(|l| l.is(message));
        if is_last && message.is_deleted {
            // The last message falls back to the newest one still held.
            let fallback = held
                .rev()
                .find(|m| m.id != message.id && !m.is_deleted)
                .map(Last::from_message);
            match fallback {
                Some(last) => e.set_last(last, me),
                None => e.last = None,
            }
            changed = true;
        } else if is_last {
            e.set_last(Last::from_message(message), me);
            changed = true;
        }
        if changed {
            self.touch(conv_id);
        }
    }

    /// The peer revoked message `id` of `conversation_id`. A counted one
    /// this instance tracks is uncounted (returns `false`). Returns whether
    /// the count may include it without this instance knowing (it includes
    /// messages this instance never saw): then the next final getmsg page's
    /// counts are taken, and the caller asks for one.
    pub(in crate::client) fn peer_revoked(&mut self, conversation_id: &str, id: &str) -> bool {
        let unsure = match self.entries.get_mut(conversation_id) {
            Some(e) => {
                if e.uncount_unread(id) {
                    self.touch(conversation_id);
                    return false;
                }
                e.unread > e.unread_ids.len() as u64
            }
            None => c2c_peer(conversation_id).is_some_and(|p| self.pair_unread.contains_key(p)),
        };
        if unsure {
            self.unread_override_pending = true;
        }
        unsure
    }

    /// This user read `conversation_id` up to `read_time` (Unix seconds).
    /// Unread becomes the count of tracked unread messages newer than that
    /// (normally 0).
    pub(in crate::client) fn mark_read(&mut self, conversation_id: &str, read_time: u64) {
        let Some(e) = self.entries.get_mut(conversation_id) else {
            // Not listed yet: it will start with nothing unread.
            if let Some(peer) = c2c_peer(conversation_id) {
                self.pair_unread.remove(peer);
            }
            return;
        };
        e.read_time = e.read_time.max(read_time);
        let rt = e.read_time;
        e.unread_ids.retain(|(_, t, _)| *t > rt);
        let left = e.unread_ids.len() as u64;
        e.unread = e.unread.min(left);
        self.touch(conversation_id);
    }

    /// The newest sequence of the group conversation `conversation_id`
    /// the list knows of: its last message, and what the server's last
    /// unread count covered (0 when not held).
    pub(in crate::client) fn group_known_seq(&self, conversation_id: &str) -> u64 {
        self.entries.get(conversation_id).map_or(0, |e| {
            e.counted_to
                .max(e.last.as_ref().map_or(0, |l| l.summary.last_sequence))
        })
    }

    /// The sequence up to which the server's last unread count of the
    /// group conversation `conversation_id` reached (0 when not held).
    pub(in crate::client) fn group_counted_to(&self, conversation_id: &str) -> u64 {
        self.entries
            .get(conversation_id)
            .map_or(0, |e| e.counted_to)
    }

    /// The group conversation `conversation_id` was read up to `seq`: by
    /// this instance (`server` is `None`: what arrived above `seq` since
    /// the report stays unread), or by another instance of this user
    /// (`server` is the server's `(unread count, counted up to sequence)`
    /// then). A report older than what is known changes nothing.
    pub(in crate::client) fn group_read(
        &mut self,
        conversation_id: &str,
        seq: u64,
        server: Option<(u64, u64)>,
    ) {
        let Some(e) = self.entries.get_mut(conversation_id) else {
            return;
        };
        if server.is_some() && seq <= e.read_seq {
            return;
        }
        e.group_read(seq, server);
        self.touch(conversation_id);
    }

    /// The peer read `me`'s messages in `conversation_id` up to
    /// `peer_read_time`.
    pub(in crate::client) fn mark_peer_read(
        &mut self,
        conversation_id: &str,
        peer_read_time: u64,
        me: &str,
    ) {
        let Some(e) = self.entries.get_mut(conversation_id) else {
            return;
        };
        e.peer_read_time = e.peer_read_time.max(peer_read_time);
        if let Some(last) = e.last.clone() {
            e.set_last(last, me);
        }
        self.touch(conversation_id);
    }
}
