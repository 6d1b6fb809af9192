//! The groups this user belongs to: the list (from `get_joined_group_list`
//! at login, then kept up to date by the group commands, messages, tips and
//! system notices), which group sequences were delivered, and what
//! GROUP_LIST_UPDATED last said. The logic beside the data: pushes
//! (`push.rs`), the list and profile requests (`list.rs`), the lifecycle
//! commands (`lifecycle.rs`).
//!
//! Events are coalesced like the conversation events: an input only marks
//! the list changed; the next [`Client::poll_event`] emits one
//! GROUP_LIST_UPDATED, and only when the list differs from what was last
//! emitted.
//!
//! Bounds: [`Groups::MAX_GROUPS`] groups; per group, delivered sequences
//! are a contiguous floor plus at most [`SeqWindow::MAX_ABOVE`] sequences
//! above it.
//!
//! [`Client::poll_event`]: super::Client::poll_event

mod admin;
mod avchat;
mod catch_up;
mod history;
mod lifecycle;
mod list;
mod members;
mod pins;
mod push;
mod reads;
mod receipts;
mod send;
mod seq;
mod state;
mod topics;

use std::collections::HashMap;

use crate::event::Event;
use crate::model::{Group, LastMessage, Message};

pub use admin::UpdateGroupProfileOptions;
pub use lifecycle::{CreateGroupOptions, JoinGroupResult};
pub use receipts::GroupMessageReadMembers;
pub(crate) use seq::SeqWindow;
pub(crate) use topics::split_topic;
pub use topics::{CreateTopicOptions, UpdateTopicOptions};

/// The group list of the logged-in user. Reset when the session ends.
#[derive(Debug, Default)]
pub(crate) struct Groups {
    /// In the server's order, then in the order they were added.
    list: Vec<Group>,
    /// Delivered sequences per group ID (kept when a group leaves the list,
    /// so a late push of its messages is still a duplicate; bounded with
    /// the list).
    delivered: HashMap<String, SeqWindow>,
    /// Per group, the newest sequence a pending catch-up should reach (a
    /// push that arrived meanwhile raised it).
    wanted: HashMap<String, u64>,
    /// The list changed since the last flush.
    dirty: bool,
    /// The login sync has answered (before that nothing is announced).
    synced: bool,
    /// What the last GROUP_LIST_UPDATED said.
    emitted: Option<Vec<Group>>,
    /// Group attributes held (`state.rs`).
    states: state::GroupStates,
    /// Topics `get_topic_list` returned, by topic ID, with their community
    /// (`topics.rs`).
    topics: topics::HeldTopics,
}

impl Groups {
    /// Groups held: Tencent's joined-group limit is in the hundreds to a few
    /// thousand by edition; past this a new group replaces nothing and is
    /// not held (logged).
    pub(crate) const MAX_GROUPS: usize = 10_000;

    /// The list, as GROUP_LIST_UPDATED and `get_group_list` show it.
    pub(crate) fn list(&self) -> &[Group] {
        &self.list
    }

    /// The group `group_id`, if this user belongs to it.
    pub(crate) fn get(&self, group_id: &str) -> Option<&Group> {
        self.list.iter().find(|g| g.group_id == group_id)
    }

    fn get_mut(&mut self, group_id: &str) -> Option<&mut Group> {
        self.list.iter_mut().find(|g| g.group_id == group_id)
    }

    /// Add or replace `group`, keeping what this instance knows better: the
    /// last message and the next sequence it saw, the profile version from
    /// a profile reply. Returns false when the list is full.
    pub(crate) fn upsert(&mut self, mut group: Group) -> bool {
        if let Some(held) = self.get_mut(&group.group_id) {
            if group.last_message.is_none() {
                group.last_message = held.last_message.take();
            }
            group.next_message_seq = group.next_message_seq.max(held.next_message_seq);
            if group.info_sequence == 0 {
                group.info_sequence = held.info_sequence;
            }
            *held = group;
        } else {
            if self.list.len() >= Self::MAX_GROUPS {
                return false;
            }
            self.list.push(group);
        }
        self.dirty = true;
        true
    }

    /// `group_id` left the list (quit, dismissed, kicked). Returns whether
    /// it was held.
    pub(crate) fn remove(&mut self, group_id: &str) -> bool {
        let before = self.list.len();
        self.list.retain(|g| g.group_id != group_id);
        let removed = self.list.len() != before;
        self.dirty |= removed;
        removed
    }

    /// Replace the whole list with the server's (the login sync): groups
    /// it does not list go; those it lists keep what this instance knows
    /// better (see [`Groups::upsert`]).
    pub(crate) fn replace_all(&mut self, groups: Vec<Group>) {
        let mut old: HashMap<String, Group> = std::mem::take(&mut self.list)
            .into_iter()
            .map(|g| (g.group_id.clone(), g))
            .collect();
        for mut g in groups.into_iter().take(Self::MAX_GROUPS) {
            if let Some(held) = old.remove(&g.group_id) {
                if g.last_message.is_none() {
                    g.last_message = held.last_message;
                }
                g.next_message_seq = g.next_message_seq.max(held.next_message_seq);
                if g.info_sequence == 0 {
                    g.info_sequence = held.info_sequence;
                }
            }
            if self.get(&g.group_id).is_none() {
                self.list.push(g);
            }
        }
        self.synced = true;
        self.dirty = true;
        let held: std::collections::HashSet<&str> =
            self.list.iter().map(|g| g.group_id.as_str()).collect();
        self.delivered
            .retain(|id, _| held.contains(id.as_str()) || old.contains_key(id));
    }

    /// Whether the message or tip at `seq` of `group_id` is new; records it
    /// as delivered. Sequence 0 (a server that numbers nothing) is always
    /// new: the message store's own dedup still applies.
    pub(crate) fn first_delivery(&mut self, group_id: &str, seq: u64) -> bool {
        if seq == 0 {
            return true;
        }
        if !self.delivered.contains_key(group_id) && self.delivered.len() >= Self::MAX_GROUPS {
            // Forget a group not in the list first.
            let stale = self
                .delivered
                .keys()
                .find(|id| self.get(id).is_none())
                .cloned();
            if let Some(stale) = stale {
                self.delivered.remove(&stale);
            }
        }
        self.delivered
            .entry(group_id.to_owned())
            .or_insert_with(|| SeqWindow::starting_before(seq))
            .insert(seq)
    }

    /// Start `group_id`'s window after `seq` unless it has one (a fresh
    /// instance delivers from the read sequence on); a window a push opened
    /// before the list is lowered to `seq` (the unread part before that
    /// push is still due).
    pub(crate) fn start_window_at(&mut self, group_id: &str, seq: u64) {
        if self.delivered.len() >= Self::MAX_GROUPS && !self.delivered.contains_key(group_id) {
            return;
        }
        self.delivered
            .entry(group_id.to_owned())
            .and_modify(|w| w.settle(seq))
            .or_insert_with(|| SeqWindow::after_read(seq));
    }

    /// The sequence up to which `group_id` was delivered, if it has a
    /// window.
    pub(crate) fn floor_of(&self, group_id: &str) -> Option<u64> {
        self.delivered.get(group_id).map(SeqWindow::floor)
    }

    /// Give up on the sequences of `group_id` up to `floor` (left to the
    /// history).
    pub(crate) fn skip_to(&mut self, group_id: &str, floor: u64) {
        if let Some(w) = self.delivered.get_mut(group_id) {
            w.skip_to(floor);
        }
    }

    /// A pending catch-up of `group_id` should go on up to `upto`.
    pub(crate) fn want_upto(&mut self, group_id: &str, upto: u64) {
        if self.wanted.len() < Self::MAX_GROUPS || self.wanted.contains_key(group_id) {
            let w = self.wanted.entry(group_id.to_owned()).or_default();
            *w = (*w).max(upto);
        }
    }

    /// What a catch-up of `group_id` was asked to reach meanwhile (0 if
    /// nothing).
    pub(crate) fn take_want(&mut self, group_id: &str) -> u64 {
        self.wanted.remove(group_id).unwrap_or(0)
    }

    /// A message or tip of the group was delivered (or sent): it becomes
    /// the group's last message if newer, and the next sequence moves past
    /// it.
    pub(crate) fn note_message(&mut self, m: &Message, last: LastMessage) {
        let Some(g) = self.get_mut(&m.to) else {
            return;
        };
        if m.sequence > 0 {
            g.next_message_seq = g.next_message_seq.max(m.sequence + 1);
        }
        let newer = g
            .last_message
            .as_ref()
            .is_none_or(|l| (l.last_time, l.last_sequence) <= (last.last_time, last.last_sequence));
        if newer {
            g.last_message = Some(last);
        }
        self.dirty = true;
    }

    /// I read `group_id` up to `seq` (never backwards).
    pub(crate) fn set_read_seq(&mut self, group_id: &str, seq: u64) {
        if let Some(g) = self.get_mut(group_id) {
            if seq > g.self_info.readed_sequence {
                g.self_info.readed_sequence = seq;
                self.dirty = true;
            }
        }
    }

    /// A tip changed the member count.
    pub(crate) fn set_member_count(&mut self, group_id: &str, count: u64) {
        if let Some(g) = self.get_mut(group_id) {
            if g.member_count != count {
                g.member_count = count;
                self.dirty = true;
            }
        }
    }

    /// Emit GROUP_LIST_UPDATED through `emit` if the list changed since the
    /// last flush and differs from what was last emitted. Nothing before
    /// the login sync answered, or when the session is not ready.
    pub(crate) fn flush_events(&mut self, ready: bool, mut emit: impl FnMut(Event)) {
        if !self.dirty {
            return;
        }
        self.dirty = false;
        if !ready || !self.synced {
            return;
        }
        if self.emitted.as_deref() != Some(self.list.as_slice()) {
            self.emitted = Some(self.list.clone());
            emit(Event::GroupListUpdated(self.list.clone()));
        }
    }
}
