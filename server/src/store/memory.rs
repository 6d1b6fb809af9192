use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::memory_groups::Groups;
use super::memory_relations::Relations;
use super::memory_topics::Topics;
use super::record::TINY_ID_BASE;
use super::{
    Account, Appended, Change, ContactGroup, ContactGroups, ConversationRecord, Extension,
    FriendApplicationRecord, FriendRecord, GroupApplication, GroupAttributes,
    GroupConversationRecord, GroupCounters, GroupExtensions, GroupLogEntry, GroupRecord,
    InboxEntry, InboxItem, MemberRecord, MessageRecord, MessageState, NewMessage, Notice,
    ProfileTag, SessionRecord, Store, StoreError, TopicRecord, TopicSelf, Window,
};

type UserKey = (u64, String);

/// What an inbox position holds: a message by ID, or a notice.
#[derive(Debug, Clone)]
enum Slot {
    Message(u64),
    Notice(Notice),
}

#[derive(Debug, Default)]
struct UserData {
    tiny_id: u64,
    cursor: u64,
    inbox: BTreeMap<u64, Slot>,
    conversations: BTreeMap<String, ConversationRecord>,
    group_conversations: BTreeMap<String, GroupConversationRecord>,
    last_group_id: u64,
    groups: BTreeMap<u64, String>,
    members: BTreeSet<(u64, String)>,
    /// Blacklist: peer → time added.
    blacklist: BTreeMap<String, u64>,
    custom_status: String,
    /// Users whose status this user follows.
    subscriptions: BTreeSet<String>,
    /// Users following this user's status.
    subscribers: BTreeSet<String>,
    /// Users this user follows → since.
    following: BTreeMap<String, u64>,
    /// Users following this user → since.
    followers: BTreeMap<String, u64>,
}

/// The messages of one application.
#[derive(Debug, Default)]
struct AppMessages {
    by_id: BTreeMap<u64, MessageRecord>,
    /// `(sender, recipient, MsgSeq, MsgRandom)` → ID.
    by_sender: HashMap<SenderKey, u64>,
    /// `(conversation, MsgKey)` → ID (a `MsgKey` leaves out the recipient,
    /// so alone it may name a message of each of the sender's
    /// conversations).
    by_key: HashMap<((String, String), String), u64>,
    /// Conversation (the two parties, sorted) → IDs.
    by_conversation: HashMap<(String, String), BTreeSet<u64>>,
    /// Message ID → key → extension.
    extensions: HashMap<u64, BTreeMap<String, Extension>>,
}

/// What names a message: sender, recipient, `MsgSeq`, `MsgRandom`.
type SenderKey = (String, String, u64, u64);

/// A [`Store`] kept in plain maps, lost when dropped. It never fails, which
/// makes it the store of choice for deterministic tests and simulation.
#[derive(Debug, Default)]
pub struct MemoryStore {
    meta: HashMap<String, String>,
    users: HashMap<UserKey, UserData>,
    accounts_created: u64,
    apps: HashMap<u64, AppMessages>,
    last_msg_id: u64,
    sessions: HashMap<String, SessionRecord>,
    chat_groups: Groups,
    topics: Topics,
    relations: Relations,
}

/// The key of the conversation between `a` and `b`.
fn pair(a: &str, b: &str) -> (String, String) {
    if a <= b {
        (a.to_owned(), b.to_owned())
    } else {
        (b.to_owned(), a.to_owned())
    }
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

    fn find(&self, app: u64, id: u64) -> Option<&MessageRecord> {
        self.apps.get(&app)?.by_id.get(&id)
    }

    /// Make `owner`'s conversation with `peer` exist and be visible.
    fn show_conversation(&mut self, app: u64, owner: &str, peer: &str) {
        let (data, _) = self.user(app, owner);
        data.conversations
            .entry(peer.to_owned())
            .or_insert_with(|| ConversationRecord::new(peer))
            .hidden = false;
    }

    fn append_notice(&mut self, app: u64, owner: &str, notice: &Notice) -> u64 {
        let (data, _) = self.user(app, owner);
        let seq = data.inbox.keys().next_back().copied().unwrap_or(0) + 1;
        data.inbox.insert(seq, Slot::Notice(notice.clone()));
        seq
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
        let sender_key = (
            msg.from.clone(),
            msg.to.clone(),
            msg.msg_seq,
            msg.msg_random,
        );
        if let Some(earlier) = self
            .apps
            .get(&app)
            .and_then(|a| a.by_sender.get(&sender_key))
            .and_then(|id| self.find(app, *id))
        {
            return Ok(Appended::Duplicate(Box::new(earlier.clone())));
        }
        self.last_msg_id += 1;
        let id = self.last_msg_id;
        let msgs = self.apps.entry(app).or_default();
        msgs.by_id.insert(
            id,
            MessageRecord {
                id,
                msg: msg.clone(),
                state: MessageState::default(),
            },
        );
        msgs.by_sender.insert(sender_key, id);
        msgs.by_key
            .insert((pair(&msg.from, &msg.to), msg.msg_key.clone()), id);
        msgs.by_conversation
            .entry(pair(&msg.from, &msg.to))
            .or_default()
            .insert(id);
        let (data, _) = self.user(app, &msg.to);
        let inbox_seq = data.inbox.keys().next_back().copied().unwrap_or(0) + 1;
        data.inbox.insert(inbox_seq, Slot::Message(id));
        self.show_conversation(app, &msg.to, &msg.from);
        self.show_conversation(app, &msg.from, &msg.to);
        Ok(Appended::New {
            inbox_seq,
            msg_id: id,
        })
    }

    fn inbox_after(
        &mut self,
        app: u64,
        owner: &str,
        after: u64,
        limit: usize,
    ) -> Result<Vec<InboxEntry>, StoreError> {
        let Some(data) = self.users.get(&(app, owner.to_owned())) else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for (seq, slot) in data.inbox.range(after.saturating_add(1)..).take(limit) {
            let item = match slot {
                Slot::Message(id) => match self.find(app, *id) {
                    Some(m) => InboxItem::Message(Box::new(m.clone())),
                    None => {
                        return Err(StoreError::Corrupt(format!(
                            "inbox entry {seq} of {owner} names the unknown message {id}"
                        )))
                    }
                },
                Slot::Notice(n) => InboxItem::Notice(n.clone()),
            };
            out.push(InboxEntry {
                inbox_seq: *seq,
                item,
            });
        }
        Ok(out)
    }

    fn apply(&mut self, app: u64, changes: &[Change]) -> Result<Vec<u64>, StoreError> {
        // Nothing below can fail once the group changes are checked, so
        // the batch is atomic.
        self.chat_groups.check(app, changes)?;
        let groups = &self.chat_groups;
        self.topics.check(app, changes, |g| {
            groups.group(app, g).is_some()
                || changes
                    .iter()
                    .any(|c| matches!(c, Change::ChatGroup(r) if r.id == g))
        })?;
        let mut seqs = Vec::new();
        for change in changes {
            if self.chat_groups.apply(app, change)
                || self.topics.apply(app, change)
                || self.relations.apply(app, change)
            {
                continue;
            }
            match change {
                Change::Message(record) => {
                    if let Some(m) = self
                        .apps
                        .get_mut(&app)
                        .and_then(|a| a.by_id.get_mut(&record.id))
                    {
                        m.msg.body.clone_from(&record.msg.body);
                        m.msg
                            .cloud_custom_data
                            .clone_from(&record.msg.cloud_custom_data);
                        m.state = record.state.clone();
                    }
                }
                Change::Extension { msg_id, ext } => {
                    self.apps
                        .entry(app)
                        .or_default()
                        .extensions
                        .entry(*msg_id)
                        .or_default()
                        .insert(ext.key.clone(), ext.clone());
                }
                Change::ClearExtensions { msg_id } => {
                    if let Some(a) = self.apps.get_mut(&app) {
                        a.extensions.remove(msg_id);
                    }
                }
                Change::Conversation { owner, record } => {
                    let (data, _) = self.user(app, owner);
                    data.conversations
                        .insert(record.peer.clone(), record.clone());
                }
                Change::GroupConversation { owner, record } => {
                    let (data, _) = self.user(app, owner);
                    data.group_conversations
                        .insert(record.group.clone(), record.clone());
                }
                Change::Notice { owner, notice } => {
                    seqs.push(self.append_notice(app, owner, notice));
                }
                Change::Group { owner, group } => {
                    let (data, _) = self.user(app, owner);
                    data.groups.insert(group.id, group.name.clone());
                    data.last_group_id = data.last_group_id.max(group.id);
                }
                Change::DeleteGroup { owner, id } => {
                    let (data, _) = self.user(app, owner);
                    data.groups.remove(id);
                    data.members.retain(|(g, _)| g != id);
                }
                Change::Member {
                    owner,
                    group_id,
                    conversation,
                    present,
                } => {
                    let (data, _) = self.user(app, owner);
                    let key = (*group_id, conversation.clone());
                    if *present {
                        data.members.insert(key);
                    } else {
                        data.members.remove(&key);
                    }
                }
                Change::Block {
                    owner,
                    peer,
                    time,
                    present,
                } => {
                    let (data, _) = self.user(app, owner);
                    if *present {
                        data.blacklist.entry(peer.clone()).or_insert(*time);
                    } else {
                        data.blacklist.remove(peer);
                    }
                }
                Change::Follow {
                    follower,
                    target,
                    time,
                    present,
                } => {
                    let (data, _) = self.user(app, follower);
                    if *present {
                        data.following.entry(target.clone()).or_insert(*time);
                    } else {
                        data.following.remove(target);
                    }
                    let (data, _) = self.user(app, target);
                    if *present {
                        data.followers.entry(follower.clone()).or_insert(*time);
                    } else {
                        data.followers.remove(follower);
                    }
                }
                Change::CustomStatus { user, status } => {
                    let (data, _) = self.user(app, user);
                    data.custom_status = status.clone();
                }
                Change::StatusSubscription {
                    subscriber,
                    target,
                    present,
                } => {
                    let (data, _) = self.user(app, subscriber);
                    if *present {
                        data.subscriptions.insert(target.clone());
                    } else {
                        data.subscriptions.remove(target);
                    }
                    let (data, _) = self.user(app, target);
                    if *present {
                        data.subscribers.insert(subscriber.clone());
                    } else {
                        data.subscribers.remove(subscriber);
                    }
                }
                Change::ChatGroup(_)
                | Change::GroupMember { .. }
                | Change::EndGroupMember { .. }
                | Change::GroupLog { .. }
                | Change::GroupApplication { .. }
                | Change::DeleteGroupApplication { .. }
                | Change::GroupLogPayload { .. }
                | Change::GroupHide { .. }
                | Change::GroupReceipt { .. }
                | Change::GroupExtension { .. }
                | Change::GroupClearExtensions { .. }
                | Change::GroupAttributes { .. }
                | Change::GroupCounters { .. }
                | Change::GroupPins { .. }
                | Change::Topic(_)
                | Change::TopicLog { .. }
                | Change::TopicSelf { .. } => {
                    unreachable!("group changes are applied by Groups::apply")
                }
                Change::ProfileTags { .. }
                | Change::Friend { .. }
                | Change::DeleteFriend { .. }
                | Change::FriendApplication { .. }
                | Change::DeleteFriendApplication { .. }
                | Change::FriendGroups { .. }
                | Change::ApplicationsRead { .. } => {
                    unreachable!("relationship changes are applied by Relations::apply")
                }
            }
        }
        Ok(seqs)
    }

    fn profile(&mut self, app: u64, user: &str) -> Result<Vec<ProfileTag>, StoreError> {
        Ok(self.relations.profile(app, user))
    }

    fn friends(&mut self, app: u64, owner: &str) -> Result<Vec<FriendRecord>, StoreError> {
        Ok(self.relations.friends(app, owner))
    }

    fn friend_applications(
        &mut self,
        app: u64,
        owner: &str,
    ) -> Result<Vec<FriendApplicationRecord>, StoreError> {
        Ok(self.relations.applications(app, owner))
    }

    fn friend_groups(&mut self, app: u64, owner: &str) -> Result<Vec<String>, StoreError> {
        Ok(self.relations.friend_groups(app, owner))
    }

    fn applications_read_time(&mut self, app: u64, owner: &str) -> Result<u64, StoreError> {
        Ok(self.relations.read_time(app, owner))
    }

    fn friend(
        &mut self,
        app: u64,
        owner: &str,
        peer: &str,
    ) -> Result<Option<FriendRecord>, StoreError> {
        Ok(self.relations.friend(app, owner, peer))
    }

    fn chat_group(&mut self, app: u64, id: &str) -> Result<Option<GroupRecord>, StoreError> {
        Ok(self.chat_groups.group(app, id))
    }

    fn group_members(&mut self, app: u64, group: &str) -> Result<Vec<MemberRecord>, StoreError> {
        Ok(self.chat_groups.members(app, group))
    }

    fn group_member(
        &mut self,
        app: u64,
        group: &str,
        user: &str,
    ) -> Result<Option<MemberRecord>, StoreError> {
        Ok(self.chat_groups.member(app, group, user))
    }

    fn group_windows(
        &mut self,
        app: u64,
        group: &str,
        user: &str,
    ) -> Result<Vec<Window>, StoreError> {
        Ok(self.chat_groups.windows(app, group, user))
    }

    fn joined_groups(&mut self, app: u64, user: &str) -> Result<Vec<String>, StoreError> {
        Ok(self.chat_groups.joined(app, user))
    }

    fn transient_members(&mut self) -> Result<Vec<(u64, String, String)>, StoreError> {
        Ok(self.chat_groups.transient_members())
    }

    fn group_log(
        &mut self,
        app: u64,
        group: &str,
        from: u64,
        to: u64,
    ) -> Result<Vec<GroupLogEntry>, StoreError> {
        Ok(self.chat_groups.log(app, group, from, to))
    }

    fn topics(&mut self, app: u64, group: &str) -> Result<Vec<TopicRecord>, StoreError> {
        Ok(self.topics.of_group(app, group))
    }

    fn topic(&mut self, app: u64, id: &str) -> Result<Option<TopicRecord>, StoreError> {
        Ok(self.topics.topic(app, id))
    }

    fn topic_log(
        &mut self,
        app: u64,
        topic: &str,
        from: u64,
        to: u64,
    ) -> Result<Vec<GroupLogEntry>, StoreError> {
        Ok(self.topics.log(app, topic, from, to))
    }

    fn topic_message_by_client(
        &mut self,
        app: u64,
        topic: &str,
        sender: &str,
        client_seq: u64,
        random: u64,
    ) -> Result<Option<GroupLogEntry>, StoreError> {
        Ok(self
            .topics
            .by_client(app, topic, sender, client_seq, random))
    }

    fn topic_self(
        &mut self,
        app: u64,
        topic: &str,
        user: &str,
    ) -> Result<Option<TopicSelf>, StoreError> {
        Ok(self.topics.self_state(app, topic, user))
    }

    fn group_message_by_client(
        &mut self,
        app: u64,
        group: &str,
        sender: &str,
        client_seq: u64,
        random: u64,
    ) -> Result<Option<GroupLogEntry>, StoreError> {
        Ok(self
            .chat_groups
            .by_client(app, group, sender, client_seq, random))
    }

    fn group_hidden(
        &mut self,
        app: u64,
        group: &str,
        user: &str,
        from: u64,
        to: u64,
    ) -> Result<Vec<u64>, StoreError> {
        Ok(self.chat_groups.hidden(app, group, user, from, to))
    }

    fn group_applications(
        &mut self,
        app: u64,
        group: &str,
    ) -> Result<Vec<GroupApplication>, StoreError> {
        Ok(self.chat_groups.applications(app, group))
    }

    fn group_extensions(
        &mut self,
        app: u64,
        group: &str,
        seq: u64,
    ) -> Result<GroupExtensions, StoreError> {
        Ok(self.chat_groups.extensions(app, group, seq))
    }

    fn group_attributes(&mut self, app: u64, group: &str) -> Result<GroupAttributes, StoreError> {
        Ok(self.chat_groups.attributes(app, group))
    }

    fn group_counters(&mut self, app: u64, group: &str) -> Result<GroupCounters, StoreError> {
        Ok(self.chat_groups.counters(app, group))
    }

    fn group_pins(&mut self, app: u64, group: &str) -> Result<Vec<u64>, StoreError> {
        Ok(self.chat_groups.pins(app, group))
    }

    fn group_receipts(
        &mut self,
        app: u64,
        group: &str,
        seq: u64,
    ) -> Result<Vec<String>, StoreError> {
        Ok(self.chat_groups.receipts(app, group, seq))
    }

    fn message(
        &mut self,
        app: u64,
        from: &str,
        to: &str,
        msg_seq: u64,
        msg_random: u64,
    ) -> Result<Option<MessageRecord>, StoreError> {
        let key = (from.to_owned(), to.to_owned(), msg_seq, msg_random);
        Ok(self
            .apps
            .get(&app)
            .and_then(|a| a.by_sender.get(&key))
            .and_then(|id| self.find(app, *id))
            .cloned())
    }

    fn message_by_key(
        &mut self,
        app: u64,
        owner: &str,
        peer: &str,
        msg_key: &str,
    ) -> Result<Option<MessageRecord>, StoreError> {
        let key = (pair(owner, peer), msg_key.to_owned());
        Ok(self
            .apps
            .get(&app)
            .and_then(|a| a.by_key.get(&key))
            .and_then(|id| self.find(app, *id))
            .cloned())
    }

    fn history(
        &mut self,
        app: u64,
        owner: &str,
        peer: &str,
        after_id: u64,
        before_id: u64,
        limit: usize,
    ) -> Result<Vec<MessageRecord>, StoreError> {
        let Some(msgs) = self.apps.get(&app) else {
            return Ok(Vec::new());
        };
        let Some(ids) = msgs.by_conversation.get(&pair(owner, peer)) else {
            return Ok(Vec::new());
        };
        if before_id <= after_id.saturating_add(1) {
            return Ok(Vec::new());
        }
        Ok(ids
            .range(after_id.saturating_add(1)..before_id)
            .rev()
            .filter_map(|id| msgs.by_id.get(id))
            .filter(|m| !m.state.deleted_for(&m.msg, owner))
            .take(limit)
            .cloned()
            .collect())
    }

    fn history_forward(
        &mut self,
        app: u64,
        owner: &str,
        peer: &str,
        after_id: u64,
        min_time: u64,
        limit: usize,
    ) -> Result<Vec<MessageRecord>, StoreError> {
        let Some(msgs) = self.apps.get(&app) else {
            return Ok(Vec::new());
        };
        let Some(ids) = msgs.by_conversation.get(&pair(owner, peer)) else {
            return Ok(Vec::new());
        };
        Ok(ids
            .range(after_id.saturating_add(1)..)
            .filter_map(|id| msgs.by_id.get(id))
            .filter(|m| m.msg.msg_time >= min_time && !m.state.deleted_for(&m.msg, owner))
            .take(limit)
            .cloned()
            .collect())
    }

    fn unread_count(
        &mut self,
        app: u64,
        owner: &str,
        peer: &str,
        after_id: u64,
        after_time: u64,
    ) -> Result<u64, StoreError> {
        if owner == peer {
            return Ok(0);
        }
        let Some(msgs) = self.apps.get(&app) else {
            return Ok(0);
        };
        let Some(ids) = msgs.by_conversation.get(&pair(owner, peer)) else {
            return Ok(0);
        };
        Ok(ids
            .range(after_id.saturating_add(1)..)
            .filter_map(|id| msgs.by_id.get(id))
            .filter(|m| {
                m.msg.from == peer
                    && m.msg.msg_time > after_time
                    && m.state.revoked.is_none()
                    && !m.state.deleted_by_recipient
            })
            .count() as u64)
    }

    fn extensions(&mut self, app: u64, msg_id: u64) -> Result<Vec<Extension>, StoreError> {
        let mut all: Vec<Extension> = self
            .apps
            .get(&app)
            .and_then(|a| a.extensions.get(&msg_id))
            .map(|m| m.values().cloned().collect())
            .unwrap_or_default();
        all.sort_by(|a, b| a.seq.cmp(&b.seq).then_with(|| a.key.cmp(&b.key)));
        Ok(all)
    }

    fn conversation(
        &mut self,
        app: u64,
        owner: &str,
        peer: &str,
    ) -> Result<Option<ConversationRecord>, StoreError> {
        Ok(self
            .users
            .get(&(app, owner.to_owned()))
            .and_then(|u| u.conversations.get(peer))
            .cloned())
    }

    fn conversations(
        &mut self,
        app: u64,
        owner: &str,
    ) -> Result<Vec<ConversationRecord>, StoreError> {
        Ok(self
            .users
            .get(&(app, owner.to_owned()))
            .map(|u| u.conversations.values().cloned().collect())
            .unwrap_or_default())
    }

    fn group_conversation_states(
        &mut self,
        app: u64,
        owner: &str,
    ) -> Result<Vec<GroupConversationRecord>, StoreError> {
        Ok(self
            .users
            .get(&(app, owner.to_owned()))
            .map(|u| u.group_conversations.values().cloned().collect())
            .unwrap_or_default())
    }

    fn contact_groups(&mut self, app: u64, owner: &str) -> Result<ContactGroups, StoreError> {
        Ok(self
            .users
            .get(&(app, owner.to_owned()))
            .map(|u| ContactGroups {
                last_id: u.last_group_id,
                groups: u
                    .groups
                    .iter()
                    .map(|(id, name)| ContactGroup {
                        id: *id,
                        name: name.clone(),
                    })
                    .collect(),
                members: u.members.iter().cloned().collect(),
            })
            .unwrap_or_default())
    }

    fn blacklist(&mut self, app: u64, owner: &str) -> Result<Vec<(String, u64)>, StoreError> {
        Ok(self
            .users
            .get(&(app, owner.to_owned()))
            .map(|u| u.blacklist.iter().map(|(p, t)| (p.clone(), *t)).collect())
            .unwrap_or_default())
    }

    fn is_blocked(&mut self, app: u64, owner: &str, peer: &str) -> Result<bool, StoreError> {
        Ok(self
            .users
            .get(&(app, owner.to_owned()))
            .is_some_and(|u| u.blacklist.contains_key(peer)))
    }

    fn following(&mut self, app: u64, user: &str) -> Result<Vec<(String, u64)>, StoreError> {
        Ok(self
            .users
            .get(&(app, user.to_owned()))
            .map(|u| u.following.iter().map(|(p, t)| (p.clone(), *t)).collect())
            .unwrap_or_default())
    }

    fn followers(&mut self, app: u64, user: &str) -> Result<Vec<(String, u64)>, StoreError> {
        Ok(self
            .users
            .get(&(app, user.to_owned()))
            .map(|u| u.followers.iter().map(|(p, t)| (p.clone(), *t)).collect())
            .unwrap_or_default())
    }

    fn custom_status(&mut self, app: u64, user: &str) -> Result<String, StoreError> {
        Ok(self
            .users
            .get(&(app, user.to_owned()))
            .map(|u| u.custom_status.clone())
            .unwrap_or_default())
    }

    fn status_subscribers(&mut self, app: u64, target: &str) -> Result<Vec<String>, StoreError> {
        Ok(self
            .users
            .get(&(app, target.to_owned()))
            .map(|u| u.subscribers.iter().cloned().collect())
            .unwrap_or_default())
    }

    fn status_subscriptions(
        &mut self,
        app: u64,
        subscriber: &str,
    ) -> Result<Vec<String>, StoreError> {
        Ok(self
            .users
            .get(&(app, subscriber.to_owned()))
            .map(|u| u.subscriptions.iter().cloned().collect())
            .unwrap_or_default())
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
