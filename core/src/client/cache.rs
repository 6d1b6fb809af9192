//! Messages the SDK holds: for `find_message`, `get_message_list`, the
//! message operations, and to deliver each message exactly once however
//! often the push and the sync repeat it.
//!
//! Entries belong to the user who saw them: one instance may be used by
//! several users in turn, and the same message (say from u0 to u1) is a
//! different delivery for each of them. Keying by owner keeps a user's
//! deliveries deduplicated when they log in again, and never hides one
//! user's message behind another's (both found by the simulation).
//!
//! Bounds: at most `cap` (`Tuning::max_cached_messages`, 10,000 by default)
//! dedup records in all, oldest evicted first; a message is held only while
//! its record is; and at most [`MessageCache::PER_CONVERSATION`] messages
//! are held per conversation (its oldest by time leave first, their dedup
//! records stay). Deleted messages leave the store but keep their record,
//! so a repeated push or sync cannot bring them back.
//!
//! Order: by server time, then by arrival. Messages of one second keep the
//! order they arrived in (live), and a history page keeps the server's
//! order and sorts before what was held for the same second (each older
//! page before the previous one).

use super::created::Created;
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use crate::model::Message;

pub(crate) use super::ext_state::ExtState;

/// Where a message sorts in its conversation: its server time, then a
/// rank the store gives it (arrival order; history pages below zero).
pub(crate) type Order = (u64, i64);

fn owned_key(owner: &str, message: &Message) -> String {
    format!("{owner}\u{1f}{}", message.dedup_key())
}

/// Where `get_message_list` stands with the server's history of one
/// conversation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct HistoryState {
    /// The server said there is nothing older than `oldest`.
    pub(crate) complete: bool,
    /// The oldest message the server's pages have covered; everything held
    /// from here on is the full history.
    pub(crate) oldest: Option<Order>,
    /// The last reply's cursor (`MsgKey`, `LastMsgTime`) and the ID of the
    /// message it belongs to (the oldest of that page).
    pub(crate) cursor: Option<(String, u64, String)>,
}

#[derive(Debug)]
struct Entry {
    message: Message,
    order: Order,
    ext: ExtState,
}

#[derive(Debug, Default)]
struct Conv {
    /// Held message IDs by [`Order`].
    order: BTreeMap<Order, String>,
    history: Option<HistoryState>,
}

#[derive(Debug, Default)]
struct Held {
    by_id: HashMap<String, Entry>,
    convs: HashMap<String, Conv>,
}

/// A bounded store of messages per owner and conversation.
#[derive(Debug)]
pub(crate) struct MessageCache {
    cap: usize,
    /// The user whose messages `created` holds, and whose held messages
    /// `find_message` shows after a logout.
    owner: Option<String>,
    created: Created,
    /// Owner-qualified dedup keys.
    seen: HashSet<String>,
    /// Records in arrival order: (owner-qualified key, owner, message ID).
    order: VecDeque<(String, String, String)>,
    held: HashMap<String, Held>,
    /// The next rank of a live message (counts up).
    live_rank: i64,
    /// The rank below every history page so far (counts down).
    history_rank: i64,
}

impl MessageCache {
    /// Most messages held per conversation (or `cap`, if smaller).
    pub(crate) const PER_CONVERSATION: usize = 1_000;

    /// A store of `cap` messages; created messages are numbered from
    /// `first_seq`.
    pub(crate) fn new(cap: usize, first_seq: u64) -> MessageCache {
        MessageCache {
            cap: cap.max(1),
            owner: None,
            created: Created::new(cap, first_seq),
            seen: HashSet::new(),
            order: VecDeque::new(),
            held: HashMap::new(),
            live_rank: 0,
            history_rank: 0,
        }
    }

    /// The messages created and not sent yet.
    pub(crate) fn created(&self) -> &Created {
        &self.created
    }

    pub(crate) fn created_mut(&mut self) -> &mut Created {
        &mut self.created
    }

    /// `user` logs in. Messages created but not sent belong to one user:
    /// another user starts without them. (Held messages are kept per user
    /// anyway.)
    pub(crate) fn own(&mut self, user: &str) {
        if self.owner.as_deref() != Some(user) {
            self.created.clear();
            self.owner = Some(user.to_owned());
        }
    }

    /// The user of the last login, if any.
    pub(crate) fn owner(&self) -> Option<&str> {
        self.owner.as_deref()
    }

    fn per_conv(&self) -> usize {
        Self::PER_CONVERSATION.min(self.cap)
    }

    /// Store a message `owner` received; `false` if `owner` already had it
    /// (a duplicate, which is not stored again).
    pub(crate) fn insert_new(&mut self, owner: &str, message: Message) -> bool {
        let key = owned_key(owner, &message);
        if self.seen.contains(&key) {
            return false;
        }
        let rank = self.next_live_rank();
        self.put(key, owner, message, rank);
        true
    }

    fn next_live_rank(&mut self) -> i64 {
        self.live_rank += 1;
        self.live_rank
    }

    /// Store or replace a message of `owner` (after its send completed),
    /// keeping what a held copy knows better: a resend of a message whose
    /// first attempt the server took may complete after that copy came
    /// back and was modified or revoked (found by the simulation, seeds
    /// 33734 and 44693 of profile `messages`). Returns the message as held.
    pub(crate) fn upsert(&mut self, owner: &str, mut message: Message) -> Message {
        if let Some(held) = self.get(owner, &message.id) {
            message.adopt_newer_state(held);
        }
        let rank = self.next_live_rank();
        self.store(owner, message.clone(), rank);
        message
    }

    /// Store a page of history (oldest first) that `owner` loaded: messages
    /// not held yet are held in the page's order, below what is held for
    /// the same second; held ones are left as they are (the caller merges
    /// their flags).
    pub(crate) fn insert_history(&mut self, owner: &str, page: &[Message]) {
        let fresh: Vec<&Message> = page
            .iter()
            .filter(|m| self.get(owner, &m.id).is_none())
            .collect();
        let n = fresh.len() as i64;
        let base = self.history_rank - n;
        self.history_rank = base;
        for (i, m) in fresh.into_iter().enumerate() {
            self.store(owner, m.clone(), base + i as i64);
        }
    }

    /// Hold `message`, with a dedup record unless it has one; a held copy
    /// keeps its place.
    fn store(&mut self, owner: &str, message: Message, rank: i64) {
        let key = owned_key(owner, &message);
        if self.seen.contains(&key) {
            self.hold(owner, message, rank);
        } else {
            self.put(key, owner, message, rank);
        }
    }

    fn put(&mut self, key: String, owner: &str, message: Message, rank: i64) {
        self.seen.insert(key.clone());
        self.order
            .push_back((key, owner.to_owned(), message.id.clone()));
        self.hold(owner, message, rank);
        while self.order.len() > self.cap {
            if let Some((old_key, old_owner, old_id)) = self.order.pop_front() {
                self.seen.remove(&old_key);
                let same = self
                    .held
                    .get(&old_owner)
                    .and_then(|h| h.by_id.get(&old_id))
                    .is_some_and(|e| owned_key(&old_owner, &e.message) == old_key);
                if same {
                    self.unhold(&old_owner, &old_id);
                }
            }
        }
    }

    /// Hold `message` for `owner` (replacing a held copy, which keeps its
    /// place and extensions), within the per-conversation bound.
    fn hold(&mut self, owner: &str, message: Message, rank: i64) {
        let per_conv = self.per_conv();
        let held = self.held.entry(owner.to_owned()).or_default();
        let id = message.id.clone();
        let conv_id = message.conversation_id.clone();
        let (order, ext) = match held.by_id.remove(&id) {
            Some(old) => {
                if let Some(c) = held.convs.get_mut(&old.message.conversation_id) {
                    c.order.remove(&old.order);
                }
                ((message.time, old.order.1), old.ext)
            }
            None => ((message.time, rank), ExtState::default()),
        };
        held.by_id.insert(
            id.clone(),
            Entry {
                message,
                order,
                ext,
            },
        );
        let conv = held.convs.entry(conv_id).or_default();
        conv.order.insert(order, id);
        while conv.order.len() > per_conv {
            if let Some((_, old_id)) = conv.order.pop_first() {
                held.by_id.remove(&old_id);
            }
        }
        self.trim_convs(owner);
    }

    /// Keep the conversation indexes bounded: those that hold nothing and
    /// only remember paging go first.
    fn trim_convs(&mut self, owner: &str) {
        let cap = self.cap;
        if let Some(held) = self.held.get_mut(owner) {
            if held.convs.len() > cap {
                held.convs.retain(|_, c| !c.order.is_empty());
            }
        }
    }

    fn unhold(&mut self, owner: &str, id: &str) -> Option<Message> {
        let held = self.held.get_mut(owner)?;
        let entry = held.by_id.remove(id)?;
        let conv_id = &entry.message.conversation_id;
        if let Some(c) = held.convs.get_mut(conv_id) {
            c.order.remove(&entry.order);
            if c.order.is_empty() && c.history.is_none() {
                held.convs.remove(conv_id);
            }
        }
        if held.by_id.is_empty() && held.convs.is_empty() {
            self.held.remove(owner);
        }
        Some(entry.message)
    }

    /// Let go of every message held for `owner`, keeping their dedup
    /// records: a new login starts with nothing held, as the official SDK
    /// starts with an empty message store, because what changed while no
    /// session of this instance was open (revokes, modifications that
    /// another instance of the user took) is not replayed to a new
    /// session; holding those messages on would show stale state (found by
    /// the simulation, seed 59 of profile `messages`). Messages already
    /// delivered stay duplicates, so a new session still never repeats one.
    pub(crate) fn release(&mut self, owner: &str) {
        self.held.remove(owner);
    }

    /// Remove a held message (deleted); its dedup record stays.
    pub(crate) fn remove(&mut self, owner: &str, id: &str) -> Option<Message> {
        self.unhold(owner, id)
    }

    /// The message `id` as `owner` saw it.
    pub(crate) fn get(&self, owner: &str, id: &str) -> Option<&Message> {
        self.held
            .get(owner)
            .and_then(|h| h.by_id.get(id))
            .map(|e| &e.message)
    }

    /// Change a held message's flags or content. Its conversation, time,
    /// sequence and random (what it is found and ordered by) are kept.
    pub(crate) fn update(
        &mut self,
        owner: &str,
        id: &str,
        f: impl FnOnce(&mut Message),
    ) -> Option<&Message> {
        let entry = self.held.get_mut(owner)?.by_id.get_mut(id)?;
        let m = &mut entry.message;
        let fixed = (
            m.conversation_id.clone(),
            m.time,
            m.client_time,
            m.sequence,
            m.random,
            m.id.clone(),
        );
        f(m);
        (
            m.conversation_id,
            m.time,
            m.client_time,
            m.sequence,
            m.random,
            m.id,
        ) = fixed;
        Some(&entry.message)
    }

    /// The extensions of a held message.
    pub(crate) fn ext(&self, owner: &str, id: &str) -> Option<&ExtState> {
        self.held
            .get(owner)
            .and_then(|h| h.by_id.get(id))
            .map(|e| &e.ext)
    }

    /// The extensions of a held message, to change them.
    pub(crate) fn ext_mut(&mut self, owner: &str, id: &str) -> Option<&mut ExtState> {
        self.held
            .get_mut(owner)
            .and_then(|h| h.by_id.get_mut(id))
            .map(|e| &mut e.ext)
    }

    /// The messages held in a conversation, oldest first.
    pub(crate) fn messages_in<'a>(
        &'a self,
        owner: &str,
        conversation_id: &str,
    ) -> impl DoubleEndedIterator<Item = &'a Message> + 'a {
        self.entries_in(owner, conversation_id).map(|(_, m)| m)
    }

    /// The messages held in a conversation with their [`Order`], oldest
    /// first.
    pub(crate) fn entries_in<'a>(
        &'a self,
        owner: &str,
        conversation_id: &str,
    ) -> impl DoubleEndedIterator<Item = (Order, &'a Message)> + 'a {
        let held = self.held.get(owner);
        held.and_then(|h| h.convs.get(conversation_id))
            .into_iter()
            .flat_map(|c| c.order.iter())
            .filter_map(move |(o, id)| held.and_then(|h| h.by_id.get(id)).map(|e| (*o, &e.message)))
    }

    /// Where a held message sorts.
    pub(crate) fn order_of(&self, owner: &str, id: &str) -> Option<Order> {
        self.held
            .get(owner)
            .and_then(|h| h.by_id.get(id))
            .map(|e| e.order)
    }

    /// The newest message held in a conversation (deleted messages are not
    /// held): what its last message falls back to.
    pub(crate) fn newest_in(&self, owner: &str, conversation_id: &str) -> Option<&Message> {
        self.messages_in(owner, conversation_id).next_back()
    }

    /// Where `get_message_list` stands with a conversation's history.
    pub(crate) fn history(&self, owner: &str, conversation_id: &str) -> Option<&HistoryState> {
        self.held
            .get(owner)
            .and_then(|h| h.convs.get(conversation_id))
            .and_then(|c| c.history.as_ref())
    }

    /// Replace where `get_message_list` stands with a conversation.
    pub(crate) fn set_history(&mut self, owner: &str, conversation_id: &str, state: HistoryState) {
        self.held
            .entry(owner.to_owned())
            .or_default()
            .convs
            .entry(conversation_id.to_owned())
            .or_default()
            .history = Some(state);
        self.trim_convs(owner);
    }

    /// Dedup records kept (held messages are a subset).
    pub(crate) fn len(&self) -> usize {
        self.order.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::WireMessage;

    fn msg(from: &str, to: &str, seq: u64, time: u64) -> Message {
        let wire = WireMessage {
            from_account: from.into(),
            to_account: to.into(),
            msg_seq: seq,
            msg_random: seq * 7,
            msg_time_stamp: time,
            msg_client_time: time,
            tiny_id: format!("tiny-{from}"),
            ..Default::default()
        };
        Message::from_wire(&wire, "b")
    }

    #[test]
    fn duplicates_are_refused_per_owner() {
        let mut c = MessageCache::new(10, 0);
        let m = msg("a", "b", 1, 100);
        assert!(c.insert_new("b", m.clone()));
        assert!(!c.insert_new("b", m.clone()));
        assert!(c.insert_new("c", m.clone()), "another owner's delivery");
        assert_eq!(c.len(), 2);
    }

    #[test]
    fn conversations_are_ordered_by_time_and_bounded() {
        let mut c = MessageCache::new(10_000, 0);
        for i in (0..(MessageCache::PER_CONVERSATION as u64 + 5)).rev() {
            c.insert_new("b", msg("a", "b", i + 1, 1_000 + i));
        }
        let held: Vec<u64> = c.messages_in("b", "C2Ca").map(|m| m.time).collect();
        assert_eq!(held.len(), MessageCache::PER_CONVERSATION);
        assert!(held.windows(2).all(|w| w[0] < w[1]), "oldest first");
        assert_eq!(held[0], 1_005, "the oldest left first");
        // The evicted ones are still duplicates.
        assert!(!c.insert_new("b", msg("a", "b", 1, 1_000)));
        assert_eq!(
            c.newest_in("b", "C2Ca").map(|m| m.time),
            Some(1_000 + 1_004)
        );
    }

    #[test]
    fn a_removed_message_stays_a_duplicate_and_the_newest_falls_back() {
        let mut c = MessageCache::new(10, 0);
        let m1 = msg("a", "b", 1, 100);
        let m2 = msg("a", "b", 2, 200);
        c.insert_new("b", m1.clone());
        c.insert_new("b", m2.clone());
        assert_eq!(c.newest_in("b", "C2Ca").map(|m| &m.id), Some(&m2.id));
        assert!(c.remove("b", &m2.id).is_some());
        assert_eq!(c.newest_in("b", "C2Ca").map(|m| &m.id), Some(&m1.id));
        assert!(c.get("b", &m2.id).is_none());
        assert!(!c.insert_new("b", m2), "deleted messages do not come back");
    }

    #[test]
    fn the_global_bound_evicts_the_oldest_records() {
        let mut c = MessageCache::new(3, 0);
        for i in 1..=5 {
            c.insert_new("b", msg("a", "b", i, 100 + i));
        }
        assert_eq!(c.len(), 3);
        assert_eq!(c.messages_in("b", "C2Ca").count(), 3);
        assert!(c.insert_new("b", msg("a", "b", 1, 101)), "forgotten");
    }

    #[test]
    fn one_second_keeps_arrival_order_and_history_sorts_before_it() {
        let mut c = MessageCache::new(100, 0);
        let live = [msg("a", "b", 9, 100), msg("b", "a", 3, 100)];
        for m in &live {
            c.insert_new("b", m.clone());
        }
        // A page of the same second from the server, in its order; one of
        // them is already held and keeps its place.
        let page = [
            msg("b", "a", 1, 100),
            msg("a", "b", 5, 100),
            live[0].clone(),
        ];
        c.insert_history("b", &page);
        let older = [msg("a", "b", 2, 99), msg("b", "a", 7, 100)];
        c.insert_history("b", &older);
        let seqs: Vec<u64> = c.messages_in("b", "C2Ca").map(|m| m.sequence).collect();
        assert_eq!(seqs, [2, 7, 1, 5, 9, 3]);
        let o = |id: &str| c.order_of("b", id).unwrap();
        assert!(o(&page[0].id) < o(&live[0].id));
    }

    #[test]
    fn updates_keep_identity_fields() {
        let mut c = MessageCache::new(10, 0);
        let m = msg("a", "b", 1, 100);
        c.insert_new("b", m.clone());
        c.update("b", &m.id, |x| {
            x.is_revoked = true;
            x.time = 5;
        });
        let got = c.get("b", &m.id).unwrap();
        assert!(got.is_revoked);
        assert_eq!(got.time, 100);
        assert_eq!(c.messages_in("b", "C2Ca").count(), 1);
    }
}
