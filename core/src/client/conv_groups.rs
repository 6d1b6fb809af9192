//! The user's conversation groups: the server's number, the name, and the
//! conversations in each, and a `get_contact_group` sync in progress. How
//! the sync, the APIs' replies and the pushes change them is in
//! `conv_list/groups.rs`; the APIs are in `conv_group_api.rs`.
//!
//! Membership is kept by conversation ID, independently of the conversation
//! list, so it can arrive before or after the conversations themselves
//! (`get_contact_group` and `page_get` run side by side at login), and a
//! conversation deleted from the list stays in its groups (as on the
//! server, where groups are independent of recent contacts).
//!
//! Bounds: at most [`ConvGroups::MAX_GROUPS`] groups and
//! [`ConvGroups::MAX_MEMBERS`] conversations per group are kept; a server
//! that sends more is not believed beyond that (Tencent's own limits are 20
//! groups per user and 1,000 conversations per group).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::conv_list::{contact_conversation, Conversations};
use crate::proto::config::parse_bit_string;
use crate::proto::contact::{GetContactGroupReply, GroupItem};

/// The conversation groups of the logged-in user.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct ConvGroups {
    /// `(GroupId, name)` in the order the groups became known.
    groups: Vec<(u64, String)>,
    /// Conversation IDs by `GroupId`.
    members: BTreeMap<u64, BTreeSet<String>>,
}

impl ConvGroups {
    /// Groups kept per user (Tencent allows 20).
    pub(crate) const MAX_GROUPS: usize = 100;
    /// Conversations kept per group (Tencent allows 1,000).
    pub(crate) const MAX_MEMBERS: usize = 1_000;
    /// Longest group name, in bytes (Tencent's limit).
    pub(crate) const MAX_NAME_BYTES: usize = 32;
    /// Groups a user may create (Tencent's limit; more is refused with
    /// 51008 by the server, and by tcchat before sending).
    pub(crate) const USER_LIMIT: usize = 20;

    /// The group names, in order.
    pub(crate) fn names(&self) -> Vec<String> {
        self.groups.iter().map(|(_, n)| n.clone()).collect()
    }

    /// How many groups there are.
    pub(crate) fn len(&self) -> usize {
        self.groups.len()
    }

    /// The `GroupId` of the group named `name`.
    pub(crate) fn id_of(&self, name: &str) -> Option<u64> {
        self.groups
            .iter()
            .find(|(_, n)| n == name)
            .map(|(id, _)| *id)
    }

    /// The name of group `id`.
    pub(crate) fn name_of(&self, id: u64) -> Option<&str> {
        self.groups
            .iter()
            .find(|(g, _)| *g == id)
            .map(|(_, n)| n.as_str())
    }

    /// Add (or rename) group `id`. Returns whether anything changed. A new
    /// group past [`Self::MAX_GROUPS`] is ignored.
    pub(crate) fn upsert(&mut self, id: u64, name: &str) -> bool {
        if let Some(entry) = self.groups.iter_mut().find(|(g, _)| *g == id) {
            if entry.1 == name {
                return false;
            }
            entry.1 = name.to_owned();
            return true;
        }
        if self.groups.len() >= Self::MAX_GROUPS {
            return false;
        }
        // Names are unique: a stale group under the same name goes.
        if let Some(old) = self.id_of(name) {
            self.remove(old);
        }
        self.groups.push((id, name.to_owned()));
        true
    }

    /// Remove group `id`; returns whether it existed.
    pub(crate) fn remove(&mut self, id: u64) -> bool {
        let before = self.groups.len();
        self.groups.retain(|(g, _)| *g != id);
        self.members.remove(&id);
        self.groups.len() != before
    }

    /// Put `conversation_id` in group `id` (which must exist); returns
    /// whether it was added.
    pub(crate) fn add_member(&mut self, id: u64, conversation_id: &str) -> bool {
        if self.name_of(id).is_none() {
            return false;
        }
        let set = self.members.entry(id).or_default();
        if set.len() >= Self::MAX_MEMBERS {
            return false;
        }
        set.insert(conversation_id.to_owned())
    }

    /// Take `conversation_id` out of group `id`; returns whether it was in.
    pub(crate) fn remove_member(&mut self, id: u64, conversation_id: &str) -> bool {
        self.members
            .get_mut(&id)
            .is_some_and(|set| set.remove(conversation_id))
    }

    /// The groups whose conversations differ between `self` and `other`.
    pub(super) fn membership_changes(&self, other: &ConvGroups) -> Vec<u64> {
        let empty = BTreeSet::new();
        other
            .groups
            .iter()
            .map(|(id, _)| *id)
            .filter(|id| {
                self.members.get(id).unwrap_or(&empty) != other.members.get(id).unwrap_or(&empty)
            })
            .collect()
    }

    /// The conversations of group `id`.
    pub(crate) fn members_of(&self, id: u64) -> impl Iterator<Item = &str> {
        self.members
            .get(&id)
            .into_iter()
            .flat_map(|set| set.iter().map(String::as_str))
    }

    /// The names of the groups `conversation_id` is in, in group order.
    pub(crate) fn groups_of(&self, conversation_id: &str) -> Vec<String> {
        self.groups
            .iter()
            .filter(|(id, _)| {
                self.members
                    .get(id)
                    .is_some_and(|set| set.contains(conversation_id))
            })
            .map(|(_, n)| n.clone())
            .collect()
    }
}

/// A `get_contact_group` sync in progress: what the pages said so far.
#[derive(Debug, Default)]
pub(crate) struct GroupSync {
    groups: Vec<GroupItem>,
    members: Vec<(u64, String)>,
    marks: HashMap<String, u64>,
    pub(super) pages: usize,
}

impl GroupSync {
    /// Memberships kept from one sync (every group full).
    const MAX_MEMBERSHIPS: usize = ConvGroups::MAX_GROUPS * ConvGroups::MAX_MEMBERS;

    pub(super) fn add_page(&mut self, reply: &GetContactGroupReply) {
        for g in &reply.group_item {
            if self.groups.len() < ConvGroups::MAX_GROUPS {
                self.groups.push(g.clone());
            }
        }
        for c in &reply.contact_item {
            let Some(id) = contact_conversation(c.kind, &c.to_account, &c.to_group_id) else {
                continue;
            };
            for gid in &c.contact_group_id {
                if self.members.len() < Self::MAX_MEMBERSHIPS {
                    self.members.push((*gid, id.clone()));
                }
            }
            if let Some(bits) = parse_bit_string(&c.standard_mark).filter(|b| *b != 0) {
                if self.marks.len() < Conversations::MAX_CONVERSATIONS {
                    self.marks.insert(id, bits);
                }
            }
        }
    }

    pub(super) fn build(self) -> (ConvGroups, HashMap<String, u64>) {
        let mut groups = ConvGroups::default();
        for g in &self.groups {
            groups.upsert(g.group_id, &g.group_name);
        }
        for (gid, conv) in &self.members {
            groups.add_member(*gid, conv);
        }
        (groups, self.marks)
    }
}

/// The `GroupId` a push or reply names: its number, or else its name.
pub(super) fn group_id_of(groups: &ConvGroups, id: u64, name: &str) -> Option<u64> {
    if id != 0 {
        return Some(id);
    }
    groups.id_of(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn membership_follows_groups() {
        let mut g = ConvGroups::default();
        assert!(g.upsert(9, "Work"));
        assert!(g.upsert(7, "PG"));
        assert!(!g.upsert(7, "PG"));
        assert!(g.add_member(9, "C2Cu2"));
        assert!(g.add_member(7, "C2Cu2"));
        assert!(!g.add_member(7, "C2Cu2"));
        assert!(!g.add_member(5, "C2Cu2"), "no such group");
        assert_eq!(g.groups_of("C2Cu2"), ["Work", "PG"]);
        assert!(g.upsert(7, "PG2"));
        assert_eq!(g.names(), ["Work", "PG2"]);
        assert_eq!(g.groups_of("C2Cu2"), ["Work", "PG2"]);
        assert!(g.remove_member(7, "C2Cu2"));
        assert_eq!(g.groups_of("C2Cu2"), ["Work"]);
        assert!(g.remove(9));
        assert!(g.groups_of("C2Cu2").is_empty());
        assert!(!g.remove(9));
    }

    #[test]
    fn names_are_unique_and_groups_bounded() {
        let mut g = ConvGroups::default();
        g.upsert(1, "A");
        g.add_member(1, "C2Cx");
        g.upsert(2, "A");
        assert_eq!(g.len(), 1);
        assert_eq!(g.id_of("A"), Some(2));
        assert_eq!(g.members_of(2).count(), 0);
        for i in 0..(ConvGroups::MAX_GROUPS as u64 + 10) {
            g.upsert(100 + i, &format!("g{i}"));
        }
        assert_eq!(g.len(), ConvGroups::MAX_GROUPS);
    }

    #[test]
    fn membership_changes_name_the_groups_that_differ() {
        let mut a = ConvGroups::default();
        a.upsert(1, "A");
        a.upsert(2, "B");
        a.add_member(1, "C2Cx");
        let mut b = a.clone();
        assert!(a.membership_changes(&b).is_empty());
        b.add_member(2, "C2Cy");
        b.upsert(3, "C");
        assert_eq!(a.membership_changes(&b), [2]);
    }
}
