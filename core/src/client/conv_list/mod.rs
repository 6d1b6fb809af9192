//! What the conversation list holds: each conversation's last message,
//! unread count and read times, the groups and marks, the sync in
//! progress, and what the events last said; and the logic that changes
//! them, beside the data: messages and reads (`apply.rs`), the `page_get`
//! sync and the server's counts (`list_sync.rs`), the conversation groups
//! (`groups.rs`) and the coalesced events (`events.rs`). The client's
//! `conversations.rs` routes inputs here and sends the requests.
//!
//! Bounds: [`Conversations::MAX_CONVERSATIONS`] conversations (the least
//! recent unpinned one goes first), [`Entry::MAX_TRACKED_UNREAD`] unread
//! message IDs per conversation, [`Conversations::MAX_PAGES`] pages per
//! paged sync, [`Conversations::MAX_DRAFT_BYTES`] per draft.

mod apply;
mod entry;
mod events;
mod groups;
mod list_sync;

use std::cmp::Reverse;
use std::collections::{BTreeSet, HashMap, HashSet};

use super::conv_groups::{ConvGroups, GroupSync};
use super::Client;
use crate::model::{Conversation, Group, MessageRemindType, Profile};
use crate::proto::contact::SessionItem;
use crate::types::ConversationType;

pub(in crate::client) use entry::last_message_of;
use entry::Entry;

/// A `page_get` sync in progress.
#[derive(Debug, Default)]
struct ListSync {
    /// Conversations the server listed so far.
    seen: HashSet<String>,
    /// Conversations changed here since the sync began (kept even when the
    /// server's snapshot, taken earlier, lacks them).
    touched: HashSet<String>,
    /// Conversations deleted here since the sync began (not brought back
    /// by the snapshot).
    deleted: HashSet<String>,
    pages: usize,
    /// Items seen so far.
    items: u64,
    /// The block of [`Entry::order`]s reserved for this sync's items.
    orders: Option<u64>,
}

impl ListSync {
    /// Orders reserved per sync (more items than this share the oldest).
    const ORDERS: u64 = 1 << 32;
}

/// What changed since the last events, and what those events said.
#[derive(Debug, Default)]
struct Dirty {
    list: bool,
    groups: bool,
    /// Groups (by `GroupId`) whose conversations changed.
    in_group: BTreeSet<u64>,
}

#[derive(Debug, Default)]
struct Emitted {
    list: Option<Vec<Conversation>>,
    groups: Option<Vec<String>>,
    total: u64,
}

/// The conversation list, unread counts, groups and marks of the logged-in
/// user, and the event bookkeeping. Reset when the session ends.
#[derive(Debug, Default)]
pub(crate) struct Conversations {
    entries: HashMap<String, Entry>,
    groups: ConvGroups,
    /// Standard marks by conversation ID (marks, like groups, exist apart
    /// from the list). Bounded by [`Self::MAX_CONVERSATIONS`].
    marks: HashMap<String, u64>,
    list_sync: Option<ListSync>,
    group_sync: Option<GroupSync>,
    /// The last `C2CPairUnreadCount`'s counts of peers that had no entry
    /// then: a conversation created afterwards (by `page_get`, or by a
    /// message that arrives first) starts from its count, which it takes
    /// out of here. Bounded by [`Self::MAX_CONVERSATIONS`].
    pair_unread: HashMap<String, u64>,
    /// The next final getmsg page carries the authoritative unread counts.
    unread_override_pending: bool,
    /// The last [`Entry::order`] given.
    last_order: u64,
    /// The profiles of the groups this user belongs to, for the
    /// `groupProfile` of `GROUP<id>` conversations (kept in step with the
    /// group list by [`Conversations::set_group_profiles`]).
    group_profiles: HashMap<String, Group>,
    /// The profiles of C2C peers this client holds, for the `userProfile`
    /// of their conversations (set by [`Conversations::set_user_profiles`]).
    user_profiles: HashMap<String, Profile>,
    dirty: Dirty,
    emitted: Emitted,
}

impl Conversations {
    /// Conversations held (Tencent keeps 100 to 500 recent contacts per
    /// user); past this the least recent unpinned one goes.
    pub(crate) const MAX_CONVERSATIONS: usize = 1_000;
    /// Pages followed in one paged sync before giving up on `CompleteFlag`.
    pub(crate) const MAX_PAGES: usize = 100;
    /// Longest draft, in bytes.
    pub(crate) const MAX_DRAFT_BYTES: usize = 12 * 1024;

    /// The public view of `conversation_id`, if it is listed.
    pub(super) fn view_of(&self, conversation_id: &str) -> Option<Conversation> {
        let e = self.entries.get(conversation_id)?;
        Some(self.view(conversation_id, e))
    }

    /// The time of `conversation_id`'s last message (0 if none or not
    /// listed).
    pub(super) fn last_time_of(&self, conversation_id: &str) -> u64 {
        self.entries
            .get(conversation_id)
            .map_or(0, Entry::last_time)
    }

    pub(super) fn contains(&self, conversation_id: &str) -> bool {
        self.entries.contains_key(conversation_id)
    }

    /// The entry for `conversation_id` (peer `peer`), created if needed
    /// with the unread count the last `C2CPairUnreadCount` gave the peer
    /// (a message that arrives before `page_get` lists the conversation
    /// adds to it; found by the simulation, seed 4965 of profile
    /// `messages`); the least recent unpinned conversation makes room.
    fn entry(&mut self, conversation_id: &str, peer: &str) -> &mut Entry {
        if self.entries.contains_key(conversation_id) {
            return self
                .entries
                .entry(conversation_id.to_owned())
                .or_insert_with(|| Entry::new(peer));
        }
        if self.entries.len() >= Self::MAX_CONVERSATIONS {
            // Unpinned before pinned, then the least recent.
            let victim = self
                .entries
                .iter()
                .min_by_key(|(id, e)| (e.pinned, e.last_time(), e.order, id.as_str()))
                .map(|(id, _)| id.clone());
            if let Some(v) = victim {
                self.entries.remove(&v);
            }
        }
        let mut e = Entry::new(peer);
        if c2c_peer(conversation_id).is_some() {
            if let Some(n) = self.pair_unread.remove(peer) {
                e.set_unread(n);
            }
        }
        self.entries.entry(conversation_id.to_owned()).or_insert(e)
    }

    /// `n` new orders; the largest is the newest.
    fn take_orders(&mut self, n: u64) -> u64 {
        let base = self.last_order;
        self.last_order = self.last_order.saturating_add(n);
        base
    }

    fn touch(&mut self, conversation_id: &str) {
        self.dirty.list = true;
        if let Some(sync) = &mut self.list_sync {
            sync.touched.insert(conversation_id.to_owned());
        }
    }

    pub(super) fn remove(&mut self, conversation_id: &str) -> bool {
        let removed = self.entries.remove(conversation_id).is_some();
        if let Some(peer) = c2c_peer(conversation_id) {
            // Deleted: the server's count is 0 now.
            self.pair_unread.remove(peer);
        }
        self.dirty.list = true;
        if let Some(sync) = &mut self.list_sync {
            sync.deleted.insert(conversation_id.to_owned());
            sync.touched.remove(conversation_id);
        }
        removed
    }

    fn mark_groups_dirty(&mut self) {
        self.dirty.groups = true;
        self.dirty.list = true;
    }

    /// Whether this session already announced its group list.
    fn groups_announced(&self) -> bool {
        self.emitted.groups.is_some()
    }

    fn mark_in_group_dirty(&mut self, group_id: u64) {
        self.dirty.in_group.insert(group_id);
        self.dirty.list = true;
    }

    pub(super) fn set_marks(&mut self, conversation_id: &str, bits: u64) {
        if bits == 0 {
            self.marks.remove(conversation_id);
        } else if self.marks.len() < Self::MAX_CONVERSATIONS
            || self.marks.contains_key(conversation_id)
        {
            self.marks.insert(conversation_id.to_owned(), bits);
        }
        self.dirty.list = true;
    }

    /// Total unread of the conversations that notify.
    pub(super) fn total_unread(&self) -> u64 {
        self.entries
            .values()
            .filter(|e| e.remind == MessageRemindType::AcceptAndNotify)
            .map(|e| e.unread)
            .fold(0u64, u64::saturating_add)
    }

    /// The public view of one conversation.
    fn view(&self, conversation_id: &str, e: &Entry) -> Conversation {
        let bits = self.marks.get(conversation_id).copied().unwrap_or(0);
        let conversation_type = conversation_type_of(conversation_id);
        let group_profile = match conversation_type {
            ConversationType::Group => self.group_profiles.get(&e.peer).cloned(),
            _ => None,
        };
        Conversation {
            conversation_id: conversation_id.to_owned(),
            conversation_type,
            group_profile,
            group_at_info_list: e.at_infos.iter().cloned().collect(),
            unread_count: e.unread,
            last_message: e.last.as_ref().map(|l| l.summary.clone()),
            is_pinned: e.pinned,
            draft_text: e.draft.clone(),
            conversation_group_list: self.groups.groups_of(conversation_id),
            mark_list: (0..64)
                .map(|i| 1u64 << i)
                .filter(|b| bits & b != 0)
                .collect(),
            message_remind_type: e.remind,
            peer_read_time: e.peer_read_time,
            user_profile: match self.user_profiles.get(&e.peer) {
                Some(p) if conversation_type == ConversationType::C2c => Profile {
                    user_id: e.peer.clone(),
                    ..p.clone()
                },
                _ => Profile {
                    user_id: if conversation_type == ConversationType::C2c {
                        e.peer.clone()
                    } else {
                        String::new()
                    },
                    ..Profile::default()
                },
            },
        }
    }

    /// A conversation that is not in the list yet, as
    /// `get_conversation_profile` shows it.
    pub(super) fn view_new(&self, conversation_id: &str, peer: &str) -> Conversation {
        self.view(conversation_id, &Entry::new(peer))
    }

    /// The list: pinned first, then by last message time, newest first
    /// (ties by conversation ID, so the order is deterministic).
    pub(super) fn sorted(&self) -> Vec<Conversation> {
        let mut ids: Vec<(&String, &Entry)> = self.entries.iter().collect();
        ids.sort_by(|(a, x), (b, y)| {
            (
                !x.pinned,
                Reverse(x.last_time()),
                Reverse(x.order),
                a.as_str(),
            )
                .cmp(&(
                    !y.pinned,
                    Reverse(y.last_time()),
                    Reverse(y.order),
                    b.as_str(),
                ))
        });
        ids.into_iter().map(|(id, e)| self.view(id, e)).collect()
    }

    pub(super) fn set_pinned(&mut self, conversation_id: &str, pinned: bool) -> bool {
        let Some(e) = self.entries.get_mut(conversation_id) else {
            return false;
        };
        e.pinned = pinned;
        self.touch(conversation_id);
        true
    }

    pub(super) fn set_draft(&mut self, conversation_id: &str, text: &str) -> bool {
        let Some(e) = self.entries.get_mut(conversation_id) else {
            return false;
        };
        e.draft = text.to_owned();
        self.touch(conversation_id);
        true
    }

    fn any_dirty(&self) -> bool {
        self.dirty.list || self.dirty.groups || !self.dirty.in_group.is_empty()
    }
}

/// The type of a conversation ID: `C2C…`, `GROUP…` or `@TIM#SYSTEM`
/// (anything else is taken as C2C, the only other kind the list holds).
pub(crate) fn conversation_type_of(conversation_id: &str) -> ConversationType {
    if conversation_id == ConversationType::System.as_str() {
        ConversationType::System
    } else if conversation_id.starts_with(ConversationType::Group.as_str()) {
        ConversationType::Group
    } else {
        ConversationType::C2c
    }
}

/// The group of a group conversation ID (`GROUP<groupID>`), if it is one.
pub(crate) fn group_of(conversation_id: &str) -> Option<&str> {
    conversation_id
        .strip_prefix(ConversationType::Group.as_str())
        .filter(|g| valid_peer(g))
}

impl Conversations {
    /// The group list changed: the `groupProfile` of `GROUP<id>`
    /// conversations follows (a held conversation whose profile changed is
    /// announced again).
    pub(in crate::client) fn set_group_profiles(&mut self, groups: &[Group]) {
        let mut changed = false;
        let new: HashMap<String, Group> = groups
            .iter()
            .map(|g| (g.group_id.clone(), g.clone()))
            .collect();
        for (id, e) in &self.entries {
            if conversation_type_of(id) == ConversationType::Group
                && self.group_profiles.get(&e.peer) != new.get(&e.peer)
            {
                changed = true;
            }
        }
        self.group_profiles = new;
        self.dirty.list |= changed;
    }
}

impl Conversations {
    /// Whether the list changed since the last flush.
    pub(in crate::client) fn list_dirty(&self) -> bool {
        self.dirty.list
    }

    /// The peers of the held C2C conversations.
    pub(in crate::client) fn c2c_peers(&self) -> Vec<String> {
        self.entries
            .iter()
            .filter(|(id, _)| conversation_type_of(id) == ConversationType::C2c)
            .map(|(_, e)| e.peer.clone())
            .collect()
    }

    /// The held profiles of C2C peers changed: their conversations'
    /// `userProfile` follow (and are announced again if they differ).
    pub(in crate::client) fn set_user_profiles(&mut self, profiles: HashMap<String, Profile>) {
        if profiles != self.user_profiles {
            self.user_profiles = profiles;
            self.dirty.list = true;
        }
    }
}

/// Whether `user` can be a peer: 1 to [`Client::MAX_USER_ID_BYTES`] bytes.
pub(crate) fn valid_peer(user: &str) -> bool {
    !user.is_empty() && user.len() <= Client::MAX_USER_ID_BYTES
}

/// The conversation a wire reference names, checked: `C2C<peer>` for
/// `Type` 1, `GROUP<groupID>` for `Type` 2; `None` for another type or an
/// empty or oversized ID.
pub(crate) fn contact_conversation(kind: u8, account: &str, group: &str) -> Option<String> {
    match kind {
        SessionItem::C2C if valid_peer(account) => Some(crate::model::c2c_id(account)),
        SessionItem::GROUP if valid_peer(group) => Some(crate::model::group_conversation_id(group)),
        _ => None,
    }
}

/// [`contact_conversation`] of a [`ContactItem`](crate::proto::contact::ContactItem).
pub(crate) fn conversation_of(c: &crate::proto::contact::ContactItem) -> Option<String> {
    contact_conversation(c.kind, &c.to_account, &c.to_group_id)
}

/// The peer of a C2C conversation ID (`C2C<userID>`), if it is one.
pub(crate) fn c2c_peer(conversation_id: &str) -> Option<&str> {
    conversation_id
        .strip_prefix(ConversationType::C2c.as_str())
        .filter(|p| valid_peer(p))
}

impl SessionItem {
    /// `LastMsgFlags` bit of a revoked C2C last message.
    pub(crate) const REVOKED: u32 = 8;
    /// `LastMsgFlags` bit of a revoked group last message
    /// (protocol-facts.md §6).
    pub(crate) const GROUP_REVOKED: u32 = 2;

    /// The `LastMsgFlags` bit that marks this item's last message revoked.
    pub(crate) fn revoked_flag(&self) -> u32 {
        if self.kind == Self::GROUP {
            Self::GROUP_REVOKED
        } else {
            Self::REVOKED
        }
    }
}
