//! The community-topic part of [`MemoryStore`](super::MemoryStore)
//! (issue 17).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::{Change, GroupLogEntry, LogKind, StoreError, TopicRecord, TopicSelf};

/// One topic and everything kept for it.
#[derive(Debug)]
struct TopicData {
    record: TopicRecord,
    log: BTreeMap<u64, GroupLogEntry>,
    selves: BTreeMap<String, TopicSelf>,
}

/// The topics of every application.
#[derive(Debug, Default)]
pub(super) struct Topics {
    topics: HashMap<(u64, String), TopicData>,
    /// `(app, community)` → its topic IDs.
    by_group: HashMap<(u64, String), BTreeSet<String>>,
}

impl Topics {
    fn get(&self, app: u64, id: &str) -> Option<&TopicData> {
        self.topics.get(&(app, id.to_owned()))
    }

    /// Whether applying `changes` would fail (a topic log sequence used
    /// twice, or a change for a topic that does not exist); `group_exists`
    /// tells whether a community exists (or is created by the batch).
    pub(super) fn check(
        &self,
        app: u64,
        changes: &[Change],
        group_exists: impl Fn(&str) -> bool,
    ) -> Result<(), StoreError> {
        let mut created = BTreeSet::new();
        let mut seen = BTreeSet::new();
        for change in changes {
            match change {
                Change::Topic(t) => {
                    if !group_exists(&t.group) {
                        return Err(StoreError::Corrupt("topic of an unknown group".into()));
                    }
                    created.insert(t.id.clone());
                }
                Change::TopicLog { topic, entry } => {
                    let known = self.get(app, topic).is_some() || created.contains(topic);
                    if !known {
                        return Err(StoreError::Corrupt("log entry for an unknown topic".into()));
                    }
                    let taken = self
                        .get(app, topic)
                        .is_some_and(|t| t.log.contains_key(&entry.seq));
                    if taken || !seen.insert((topic.clone(), entry.seq)) {
                        return Err(StoreError::Corrupt(format!(
                            "topic log sequence {} used twice",
                            entry.seq
                        )));
                    }
                }
                Change::TopicSelf { topic, .. }
                    if self.get(app, topic).is_none() && !created.contains(topic) =>
                {
                    return Err(StoreError::Corrupt("change for an unknown topic".into()));
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Apply one change if it is a topic change; returns whether it was.
    pub(super) fn apply(&mut self, app: u64, change: &Change) -> bool {
        match change {
            Change::Topic(t) => {
                self.by_group
                    .entry((app, t.group.clone()))
                    .or_default()
                    .insert(t.id.clone());
                match self.topics.get_mut(&(app, t.id.clone())) {
                    Some(d) => d.record = t.clone(),
                    None => {
                        self.topics.insert(
                            (app, t.id.clone()),
                            TopicData {
                                record: t.clone(),
                                log: BTreeMap::new(),
                                selves: BTreeMap::new(),
                            },
                        );
                    }
                }
            }
            Change::TopicLog { topic, entry } => {
                if let Some(d) = self.topics.get_mut(&(app, topic.clone())) {
                    d.log.insert(entry.seq, entry.clone());
                }
            }
            Change::TopicSelf { topic, user, state } => {
                if let Some(d) = self.topics.get_mut(&(app, topic.clone())) {
                    d.selves.insert(user.clone(), state.clone());
                }
            }
            _ => return false,
        }
        true
    }

    pub(super) fn of_group(&self, app: u64, group: &str) -> Vec<TopicRecord> {
        self.by_group
            .get(&(app, group.to_owned()))
            .into_iter()
            .flatten()
            .filter_map(|id| self.get(app, id).map(|d| d.record.clone()))
            .collect()
    }

    pub(super) fn topic(&self, app: u64, id: &str) -> Option<TopicRecord> {
        self.get(app, id).map(|d| d.record.clone())
    }

    pub(super) fn log(&self, app: u64, id: &str, from: u64, to: u64) -> Vec<GroupLogEntry> {
        if from > to {
            return Vec::new();
        }
        self.get(app, id)
            .map(|d| d.log.range(from..=to).map(|(_, e)| e.clone()).collect())
            .unwrap_or_default()
    }

    pub(super) fn by_client(
        &self,
        app: u64,
        id: &str,
        sender: &str,
        client_seq: u64,
        random: u64,
    ) -> Option<GroupLogEntry> {
        self.get(app, id)?
            .log
            .values()
            .find(|e| {
                e.kind == LogKind::Message
                    && e.sender == sender
                    && e.client_seq == client_seq
                    && e.random == random
            })
            .cloned()
    }

    pub(super) fn self_state(&self, app: u64, id: &str, user: &str) -> Option<TopicSelf> {
        self.get(app, id)?.selves.get(user).cloned()
    }
}
