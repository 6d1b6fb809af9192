//! The profile and friend part of [`MemoryStore`](super::MemoryStore).

use std::collections::{BTreeMap, HashMap};

use super::{Change, FriendApplicationRecord, FriendRecord, ProfileTag};

type UserKey = (u64, String);

/// Profiles and friend lists of every application.
#[derive(Debug, Default)]
pub(super) struct Relations {
    /// `(app, user)` → tag → value.
    profiles: HashMap<UserKey, BTreeMap<String, String>>,
    /// `(app, owner)` → friend → record.
    friends: HashMap<UserKey, BTreeMap<String, FriendRecord>>,
    /// `(app, owner)` → (peer, not incoming) → application (so that
    /// incoming sorts first for a peer).
    applications: HashMap<UserKey, BTreeMap<(String, bool), FriendApplicationRecord>>,
    /// `(app, owner)` → friend group names, in order.
    groups: HashMap<UserKey, Vec<String>>,
    /// `(app, owner)` → read time.
    reads: HashMap<UserKey, u64>,
}

impl Relations {
    /// Apply `change` if it is a profile or friend change; `false`
    /// otherwise. Never fails.
    pub(super) fn apply(&mut self, app: u64, change: &Change) -> bool {
        match change {
            Change::ProfileTags { user, tags } => {
                let p = self.profiles.entry((app, user.clone())).or_default();
                for t in tags {
                    p.insert(t.tag.clone(), t.value.clone());
                }
            }
            Change::Friend { owner, record } => {
                self.friends
                    .entry((app, owner.clone()))
                    .or_default()
                    .insert(record.peer.clone(), record.clone());
            }
            Change::DeleteFriend { owner, peer } => {
                if let Some(list) = self.friends.get_mut(&(app, owner.clone())) {
                    list.remove(peer);
                }
            }
            Change::FriendApplication { owner, record } => {
                self.applications
                    .entry((app, owner.clone()))
                    .or_default()
                    .insert((record.peer.clone(), !record.incoming), record.clone());
            }
            Change::DeleteFriendApplication {
                owner,
                peer,
                incoming,
            } => {
                if let Some(list) = self.applications.get_mut(&(app, owner.clone())) {
                    list.remove(&(peer.clone(), !*incoming));
                }
            }
            Change::FriendGroups { owner, names } => {
                if names.is_empty() {
                    self.groups.remove(&(app, owner.clone()));
                } else {
                    self.groups.insert((app, owner.clone()), names.clone());
                }
            }
            Change::ApplicationsRead { owner, time } => {
                self.reads.insert((app, owner.clone()), *time);
            }
            _ => return false,
        }
        true
    }

    pub(super) fn applications(&self, app: u64, owner: &str) -> Vec<FriendApplicationRecord> {
        self.applications
            .get(&(app, owner.to_owned()))
            .map(|l| l.values().cloned().collect())
            .unwrap_or_default()
    }

    pub(super) fn friend_groups(&self, app: u64, owner: &str) -> Vec<String> {
        self.groups
            .get(&(app, owner.to_owned()))
            .cloned()
            .unwrap_or_default()
    }

    pub(super) fn read_time(&self, app: u64, owner: &str) -> u64 {
        self.reads
            .get(&(app, owner.to_owned()))
            .copied()
            .unwrap_or(0)
    }

    pub(super) fn profile(&self, app: u64, user: &str) -> Vec<ProfileTag> {
        self.profiles
            .get(&(app, user.to_owned()))
            .map(|p| {
                p.iter()
                    .map(|(tag, value)| ProfileTag {
                        tag: tag.clone(),
                        value: value.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    pub(super) fn friends(&self, app: u64, owner: &str) -> Vec<FriendRecord> {
        self.friends
            .get(&(app, owner.to_owned()))
            .map(|l| l.values().cloned().collect())
            .unwrap_or_default()
    }

    pub(super) fn friend(&self, app: u64, owner: &str, peer: &str) -> Option<FriendRecord> {
        self.friends
            .get(&(app, owner.to_owned()))
            .and_then(|l| l.get(peer).cloned())
    }
}
