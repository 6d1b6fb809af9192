use std::collections::{BTreeMap, HashMap};

use super::record::TINY_ID_BASE;
use super::{Account, Appended, NewMessage, SessionRecord, Store, StoreError, StoredMessage};

type UserKey = (u64, String);

#[derive(Debug, Default)]
struct UserData {
    tiny_id: u64,
    cursor: u64,
    inbox: BTreeMap<u64, NewMessage>,
}

/// A [`Store`] kept in plain maps, lost when dropped. It never fails, which
/// makes it the store of choice for deterministic tests and simulation.
#[derive(Debug, Default)]
pub struct MemoryStore {
    meta: HashMap<String, String>,
    users: HashMap<UserKey, UserData>,
    accounts_created: u64,
    sent: HashMap<(u64, String, u64, u64), (u64, String)>,
    sessions: HashMap<String, SessionRecord>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    fn user(&mut self, app: u64, user: &str) -> (&mut UserData, bool) {
        let key = (app, user.to_owned());
        let created = !self.users.contains_key(&key);
        if created {
            self.accounts_created += 1;
        }
        let tiny_id = TINY_ID_BASE + self.accounts_created;
        let data = self.users.entry(key).or_insert_with(|| UserData {
            tiny_id,
            ..UserData::default()
        });
        (data, created)
    }
}

impl Store for MemoryStore {
    fn meta(&mut self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self.meta.get(key).cloned())
    }

    fn set_meta(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.meta.insert(key.to_owned(), value.to_owned());
        Ok(())
    }

    fn account(&mut self, app: u64, user: &str) -> Result<Option<Account>, StoreError> {
        Ok(self.users.get(&(app, user.to_owned())).map(|u| Account {
            tiny_id: u.tiny_id,
            created: false,
        }))
    }

    fn ensure_account(
        &mut self,
        app: u64,
        user: &str,
        _now_ms: u64,
    ) -> Result<Account, StoreError> {
        let (data, created) = self.user(app, user);
        Ok(Account {
            tiny_id: data.tiny_id,
            created,
        })
    }

    fn append_message(&mut self, app: u64, msg: &NewMessage) -> Result<Appended, StoreError> {
        let key = (app, msg.from.clone(), msg.msg_seq, msg.msg_random);
        if let Some((msg_time, msg_key)) = self.sent.get(&key) {
            return Ok(Appended::Duplicate {
                msg_time: *msg_time,
                msg_key: msg_key.clone(),
            });
        }
        let (data, _) = self.user(app, &msg.to);
        let inbox_seq = data.inbox.keys().next_back().copied().unwrap_or(0) + 1;
        data.inbox.insert(inbox_seq, msg.clone());
        self.sent.insert(key, (msg.msg_time, msg.msg_key.clone()));
        Ok(Appended::New { inbox_seq })
    }

    fn inbox_after(
        &mut self,
        app: u64,
        owner: &str,
        after: u64,
        limit: usize,
    ) -> Result<Vec<StoredMessage>, StoreError> {
        let Some(data) = self.users.get(&(app, owner.to_owned())) else {
            return Ok(Vec::new());
        };
        Ok(data
            .inbox
            .range(after.saturating_add(1)..)
            .take(limit)
            .map(|(seq, msg)| StoredMessage {
                inbox_seq: *seq,
                msg: msg.clone(),
            })
            .collect())
    }

    fn inbox_head(&mut self, app: u64, owner: &str) -> Result<u64, StoreError> {
        Ok(self
            .users
            .get(&(app, owner.to_owned()))
            .and_then(|d| d.inbox.keys().next_back().copied())
            .unwrap_or(0))
    }

    fn cursor(&mut self, app: u64, owner: &str) -> Result<u64, StoreError> {
        Ok(self
            .users
            .get(&(app, owner.to_owned()))
            .map_or(0, |d| d.cursor))
    }

    fn advance_cursor(&mut self, app: u64, owner: &str, to: u64) -> Result<u64, StoreError> {
        let Some(data) = self.users.get_mut(&(app, owner.to_owned())) else {
            return Ok(0);
        };
        data.cursor = data.cursor.max(to);
        Ok(data.cursor)
    }

    fn sessions(&mut self) -> Result<Vec<SessionRecord>, StoreError> {
        let mut all: Vec<SessionRecord> = self.sessions.values().cloned().collect();
        all.sort_by_key(|s| s.login_seq);
        Ok(all)
    }

    fn put_session(&mut self, record: &SessionRecord) -> Result<(), StoreError> {
        self.sessions.insert(record.a2_hash.clone(), record.clone());
        Ok(())
    }

    fn delete_session(&mut self, a2_hash: &str) -> Result<(), StoreError> {
        self.sessions.remove(a2_hash);
        Ok(())
    }

    fn delete_expired_sessions(&mut self, now_ms: u64) -> Result<usize, StoreError> {
        let before = self.sessions.len();
        self.sessions.retain(|_, s| s.expires_ms > now_ms);
        Ok(before - self.sessions.len())
    }

    fn flush(&mut self) -> Result<(), StoreError> {
        Ok(())
    }
}
