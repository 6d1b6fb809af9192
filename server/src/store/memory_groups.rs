//! The chat-group part of [`MemoryStore`](super::MemoryStore).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use tcchat_core::proto::group::{GroupType, Role};

use super::{
    Change, Extension, GroupApplication, GroupAttributes, GroupCounters, GroupExtensions,
    GroupLogEntry, GroupRecord, LogKind, MemberRecord, StoreError, Window,
};

/// One group and everything kept for it.
#[derive(Debug)]
struct GroupData {
    record: GroupRecord,
    members: BTreeMap<String, MemberRecord>,
    /// Ended windows, by user.
    ended: BTreeMap<String, Vec<Window>>,
    log: BTreeMap<u64, GroupLogEntry>,
    /// `(sender, ClientSeq, Random)` → sequence of a message.
    by_client: HashMap<(String, u64, u64), u64>,
    applications: BTreeMap<String, GroupApplication>,
    receipts: BTreeMap<u64, BTreeSet<String>>,
    /// `(user, sequence)` of messages a member deleted for itself.
    hidden: BTreeSet<(String, u64)>,
    /// Extensions by message sequence.
    extensions: BTreeMap<u64, GroupExtensions>,
    attributes: GroupAttributes,
    counters: GroupCounters,
    pins: Vec<u64>,
}

/// The chat groups of every application.
#[derive(Debug, Default)]
pub(super) struct Groups {
    groups: HashMap<(u64, String), GroupData>,
    /// `(app, user)` → groups the user is a member of now.
    joined: HashMap<(u64, String), BTreeSet<String>>,
}

impl Groups {
    fn get(&self, app: u64, id: &str) -> Option<&GroupData> {
        self.groups.get(&(app, id.to_owned()))
    }

    /// Whether applying `changes` would fail (a log sequence used twice, or
    /// an entry for a group that does not exist): checked before anything
    /// is applied, so that a batch stays all or nothing.
    pub(super) fn check(&self, app: u64, changes: &[Change]) -> Result<(), StoreError> {
        let mut created = BTreeSet::new();
        let mut seen = BTreeSet::new();
        for change in changes {
            match change {
                Change::ChatGroup(g) => {
                    created.insert(g.id.clone());
                }
                Change::GroupLog { group, entry } => {
                    let taken = self
                        .get(app, group)
                        .is_some_and(|g| g.log.contains_key(&entry.seq));
                    if taken || !seen.insert((group.clone(), entry.seq)) {
                        return Err(StoreError::Corrupt(format!(
                            "group log sequence {} used twice",
                            entry.seq
                        )));
                    }
                    if self.get(app, group).is_none() && !created.contains(group) {
                        return Err(StoreError::Corrupt("log entry for an unknown group".into()));
                    }
                }
                Change::GroupLogPayload { group, seq, .. } => {
                    let exists = self
                        .get(app, group)
                        .is_some_and(|g| g.log.contains_key(seq));
                    if !exists {
                        return Err(StoreError::Corrupt(format!(
                            "no group log entry {seq} to replace"
                        )));
                    }
                }
                Change::GroupMember { group, .. }
                | Change::GroupApplication { group, .. }
                | Change::GroupHide { group, .. }
                | Change::GroupReceipt { group, .. }
                | Change::GroupExtension { group, .. }
                | Change::GroupClearExtensions { group, .. }
                | Change::GroupAttributes { group, .. }
                | Change::GroupCounters { group, .. }
                | Change::GroupPins { group, .. }
                    if self.get(app, group).is_none() && !created.contains(group) =>
                {
                    return Err(StoreError::Corrupt("change for an unknown group".into()));
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Apply one change if it is a group change; returns whether it was.
    /// [`check`](Self::check) has passed for the batch.
    pub(super) fn apply(&mut self, app: u64, change: &Change) -> bool {
        match change {
            Change::ChatGroup(record) => {
                let key = (app, record.id.clone());
                match self.groups.get_mut(&key) {
                    Some(g) => g.record = record.clone(),
                    None => {
                        self.groups.insert(
                            key,
                            GroupData {
                                record: record.clone(),
                                members: BTreeMap::new(),
                                ended: BTreeMap::new(),
                                log: BTreeMap::new(),
                                by_client: HashMap::new(),
                                applications: BTreeMap::new(),
                                receipts: BTreeMap::new(),
                                hidden: BTreeSet::new(),
                                extensions: BTreeMap::new(),
                                attributes: GroupAttributes::default(),
                                counters: GroupCounters::default(),
                                pins: Vec::new(),
                            },
                        );
                    }
                }
            }
            Change::GroupMember { group, member } => {
                if let Some(g) = self.groups.get_mut(&(app, group.clone())) {
                    g.members.insert(member.user.clone(), member.clone());
                    self.joined
                        .entry((app, member.user.clone()))
                        .or_default()
                        .insert(group.clone());
                }
            }
            Change::EndGroupMember {
                group,
                user,
                leave_seq,
            } => {
                if let Some(g) = self.groups.get_mut(&(app, group.clone())) {
                    if let Some(m) = g.members.remove(user) {
                        g.ended.entry(user.clone()).or_default().push(Window {
                            join_seq: m.join_seq,
                            leave_seq: Some(*leave_seq),
                        });
                    }
                }
                let key = (app, user.clone());
                if let Some(set) = self.joined.get_mut(&key) {
                    set.remove(group);
                    if set.is_empty() {
                        self.joined.remove(&key);
                    }
                }
            }
            Change::GroupLog { group, entry } => {
                if let Some(g) = self.groups.get_mut(&(app, group.clone())) {
                    if entry.kind == LogKind::Message {
                        g.by_client.insert(
                            (entry.sender.clone(), entry.client_seq, entry.random),
                            entry.seq,
                        );
                    }
                    g.log.insert(entry.seq, entry.clone());
                }
            }
            Change::GroupApplication { group, application } => {
                if let Some(g) = self.groups.get_mut(&(app, group.clone())) {
                    g.applications
                        .insert(application.user.clone(), application.clone());
                }
            }
            Change::DeleteGroupApplication { group, user } => {
                if let Some(g) = self.groups.get_mut(&(app, group.clone())) {
                    g.applications.remove(user);
                }
            }
            Change::GroupExtension { group, seq, ext } => {
                if let Some(g) = self.groups.get_mut(&(app, group.clone())) {
                    let keys = &mut g.extensions.entry(*seq).or_default().keys;
                    keys.retain(|e| e.key != ext.key);
                    keys.push(ext.clone());
                    keys.sort_by(|a, b| a.seq.cmp(&b.seq).then_with(|| a.key.cmp(&b.key)));
                }
            }
            Change::GroupClearExtensions {
                group,
                seq,
                clear_seq,
            } => {
                if let Some(g) = self.groups.get_mut(&(app, group.clone())) {
                    *g.extensions.entry(*seq).or_default() = GroupExtensions {
                        keys: Vec::<Extension>::new(),
                        clear_seq: *clear_seq,
                    };
                }
            }
            Change::GroupAttributes { group, state } => {
                if let Some(g) = self.groups.get_mut(&(app, group.clone())) {
                    g.attributes = state.clone();
                }
            }
            Change::GroupCounters { group, state } => {
                if let Some(g) = self.groups.get_mut(&(app, group.clone())) {
                    g.counters = state.clone();
                }
            }
            Change::GroupPins { group, seqs } => {
                if let Some(g) = self.groups.get_mut(&(app, group.clone())) {
                    g.pins.clone_from(seqs);
                }
            }
            Change::GroupReceipt { group, seq, reader } => {
                if let Some(g) = self.groups.get_mut(&(app, group.clone())) {
                    g.receipts.entry(*seq).or_default().insert(reader.clone());
                }
            }
            Change::GroupLogPayload {
                group,
                seq,
                payload,
            } => {
                if let Some(e) = self
                    .groups
                    .get_mut(&(app, group.clone()))
                    .and_then(|g| g.log.get_mut(seq))
                {
                    e.payload.clone_from(payload);
                }
            }
            Change::GroupHide { group, seq, user } => {
                if let Some(g) = self.groups.get_mut(&(app, group.clone())) {
                    g.hidden.insert((user.clone(), *seq));
                }
            }
            _ => return false,
        }
        true
    }

    pub(super) fn group(&self, app: u64, id: &str) -> Option<GroupRecord> {
        self.get(app, id).map(|g| g.record.clone())
    }

    pub(super) fn members(&self, app: u64, id: &str) -> Vec<MemberRecord> {
        let mut v: Vec<MemberRecord> = self
            .get(app, id)
            .map(|g| g.members.values().cloned().collect())
            .unwrap_or_default();
        v.sort_by(|a, b| (a.join_time, &a.user).cmp(&(b.join_time, &b.user)));
        v
    }

    pub(super) fn member(&self, app: u64, id: &str, user: &str) -> Option<MemberRecord> {
        self.get(app, id)?.members.get(user).cloned()
    }

    pub(super) fn windows(&self, app: u64, id: &str, user: &str) -> Vec<Window> {
        let Some(g) = self.get(app, id) else {
            return Vec::new();
        };
        let mut v = g.ended.get(user).cloned().unwrap_or_default();
        if let Some(m) = g.members.get(user) {
            v.push(Window {
                join_seq: m.join_seq,
                leave_seq: None,
            });
        }
        v
    }

    pub(super) fn joined(&self, app: u64, user: &str) -> Vec<String> {
        let Some(set) = self.joined.get(&(app, user.to_owned())) else {
            return Vec::new();
        };
        let mut v: Vec<(u64, String)> = set
            .iter()
            .filter_map(|id| {
                let m = self.get(app, id)?.members.get(user)?;
                Some((m.join_time, id.clone()))
            })
            .collect();
        v.sort();
        v.into_iter().map(|(_, id)| id).collect()
    }

    pub(super) fn transient_members(&self) -> Vec<(u64, String, String)> {
        let mut v: Vec<(u64, String, String)> = self
            .groups
            .iter()
            .filter(|(_, g)| g.record.group_type == GroupType::AvChatRoom && !g.record.dismissed)
            .flat_map(|((app, id), g)| {
                g.members
                    .values()
                    .filter(|m| m.role != Role::Owner)
                    .map(move |m| (*app, id.clone(), m.user.clone()))
            })
            .collect();
        v.sort();
        v
    }

    pub(super) fn log(&self, app: u64, id: &str, from: u64, to: u64) -> Vec<GroupLogEntry> {
        match self.get(app, id) {
            Some(g) if from <= to => g.log.range(from..=to).map(|(_, e)| e.clone()).collect(),
            _ => Vec::new(),
        }
    }

    pub(super) fn by_client(
        &self,
        app: u64,
        id: &str,
        sender: &str,
        client_seq: u64,
        random: u64,
    ) -> Option<GroupLogEntry> {
        let g = self.get(app, id)?;
        let seq = g.by_client.get(&(sender.to_owned(), client_seq, random))?;
        g.log.get(seq).cloned()
    }

    pub(super) fn applications(&self, app: u64, id: &str) -> Vec<GroupApplication> {
        let mut v: Vec<GroupApplication> = self
            .get(app, id)
            .map(|g| g.applications.values().cloned().collect())
            .unwrap_or_default();
        v.sort_by(|a, b| (a.time, &a.user).cmp(&(b.time, &b.user)));
        v
    }

    pub(super) fn hidden(&self, app: u64, id: &str, user: &str, from: u64, to: u64) -> Vec<u64> {
        match self.get(app, id) {
            Some(g) if from <= to => g
                .hidden
                .range((user.to_owned(), from)..=(user.to_owned(), to))
                .map(|(_, seq)| *seq)
                .collect(),
            _ => Vec::new(),
        }
    }

    pub(super) fn receipts(&self, app: u64, id: &str, seq: u64) -> Vec<String> {
        self.get(app, id)
            .and_then(|g| g.receipts.get(&seq))
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default()
    }

    pub(super) fn extensions(&self, app: u64, id: &str, seq: u64) -> GroupExtensions {
        self.get(app, id)
            .and_then(|g| g.extensions.get(&seq))
            .cloned()
            .unwrap_or_default()
    }

    pub(super) fn attributes(&self, app: u64, id: &str) -> GroupAttributes {
        self.get(app, id)
            .map(|g| g.attributes.clone())
            .unwrap_or_default()
    }

    pub(super) fn counters(&self, app: u64, id: &str) -> GroupCounters {
        self.get(app, id)
            .map(|g| g.counters.clone())
            .unwrap_or_default()
    }

    pub(super) fn pins(&self, app: u64, id: &str) -> Vec<u64> {
        self.get(app, id)
            .map(|g| g.pins.clone())
            .unwrap_or_default()
    }
}
