//! What the conversation list holds: each conversation's last message,
//! unread count and read times, the groups and marks, the sync in
//! progress, and what the events last said. The logic that changes it is
//! in `conversations.rs`.
//!
//! Bounds: [`Conversations::MAX_CONVERSATIONS`] conversations (the least
//! recent unpinned one goes first), [`Entry::MAX_TRACKED_UNREAD`] unread
//! message IDs per conversation, [`Conversations::MAX_PAGES`] pages per
//! paged sync, [`Conversations::MAX_DRAFT_BYTES`] per draft.

use std::cmp::Reverse;
use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};

use super::conv_groups::{ConvGroups, GroupSync};
use super::Client;
use crate::model::{Conversation, LastMessage, Message, MessageRemindType, Payload, Profile};
use crate::proto::contact::SessionItem;
use crate::types::{ConversationType, MessageType};

/// The newest message of a conversation and how to recognise it.
#[derive(Debug, Clone)]
pub(super) struct Last {
    pub(super) summary: LastMessage,
    pub(super) random: u64,
    /// The message's ID, when it came from a message (not from `page_get`,
    /// which does not give one).
    pub(super) id: Option<String>,
}

impl Last {
    pub(super) fn from_message(m: &Message) -> Last {
        Last {
            summary: LastMessage {
                message_for_show: message_for_show(&m.payload, &m.msg_type),
                last_time: m.time,
                last_sequence: m.sequence,
                from_account: m.from.clone(),
                is_peer_read: m.is_peer_read,
                is_revoked: m.is_revoked,
                msg_type: m.msg_type.clone(),
                payload: m.payload.clone(),
                version: m.version,
                cloud_custom_data: m.cloud_custom_data.clone(),
            },
            random: m.random,
            id: Some(m.id.clone()),
        }
    }

    pub(super) fn from_session(item: &SessionItem) -> Option<Last> {
        if item.msg_time == 0 && item.last_msg.msg_body.is_empty() {
            return None;
        }
        let payload = item
            .last_msg
            .msg_body
            .first()
            .map(Payload::from_elem)
            .unwrap_or(Payload::Text {
                text: String::new(),
            });
        let msg_type = payload.msg_type().to_owned();
        Some(Last {
            summary: LastMessage {
                message_for_show: message_for_show(&payload, &msg_type),
                last_time: item.msg_time,
                last_sequence: item.msg_seq,
                from_account: item.last_c2c_msg_from_account.clone(),
                is_peer_read: false,
                is_revoked: item.last_msg_flags & SessionItem::REVOKED != 0,
                msg_type,
                payload,
                version: 0,
                cloud_custom_data: String::new(),
            },
            random: item.msg_random,
            id: None,
        })
    }

    /// Whether `m` is this message.
    pub(super) fn is(&self, m: &Message) -> bool {
        match &self.id {
            Some(id) if *id == m.id => true,
            _ => {
                self.summary.last_sequence == m.sequence
                    && self.random == m.random
                    && self.summary.from_account == m.from
            }
        }
    }
}

/// What the official SDK shows for a message in a conversation list.
pub(super) fn message_for_show(payload: &Payload, msg_type: &str) -> String {
    if let Payload::Text { text } = payload {
        return text.clone();
    }
    let shown = match MessageType::from_official(msg_type) {
        Some(MessageType::Text) => "",
        Some(MessageType::Image) => "[图片]",
        Some(MessageType::Sound) => "[语音]",
        Some(MessageType::File) => "[文件]",
        Some(MessageType::Face) => "[动画表情]",
        Some(MessageType::Video) => "[视频]",
        Some(MessageType::Location) => "[位置]",
        Some(MessageType::GroupTip) => "[群提示消息]",
        Some(MessageType::GroupSystemNotice) => "[群系统通知]",
        Some(MessageType::Custom) => "[自定义消息]",
        Some(MessageType::Merger) => "[聊天记录]",
        None => "[消息]",
    };
    shown.to_owned()
}

/// One conversation as held.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(super) peer: String,
    pub(super) unread: u64,
    pub(super) last: Option<Last>,
    pub(super) pinned: bool,
    pub(super) draft: String,
    pub(super) remind: MessageRemindType,
    /// This user read the conversation up to here (Unix seconds): incoming
    /// messages at or before it do not count as unread.
    pub(super) read_time: u64,
    /// The peer read this user's messages up to here.
    pub(super) peer_read_time: u64,
    /// The unread incoming messages this instance counted, oldest first:
    /// `(ID, time)`. A revoke or delete of one of them lowers the count.
    pub(super) unread_ids: VecDeque<(String, u64)>,
    /// When the last message last changed, in this instance's order of
    /// events: orders conversations whose last messages share a second
    /// (server times are whole seconds).
    pub(super) order: u64,
}

impl Entry {
    /// Unread message IDs tracked per conversation; past this, the oldest
    /// is forgotten (its revoke would then not lower the count until the
    /// next sync corrects it).
    pub(crate) const MAX_TRACKED_UNREAD: usize = 100;

    pub(super) fn new(peer: &str) -> Entry {
        Entry {
            peer: peer.to_owned(),
            unread: 0,
            last: None,
            pinned: false,
            draft: String::new(),
            remind: MessageRemindType::AcceptAndNotify,
            read_time: 0,
            peer_read_time: 0,
            unread_ids: VecDeque::new(),
            order: 0,
        }
    }

    pub(super) fn last_time(&self) -> u64 {
        self.last.as_ref().map_or(0, |l| l.summary.last_time)
    }

    /// Set the last message, marking it peer-read when the peer's read
    /// time covers it.
    pub(super) fn set_last(&mut self, mut last: Last, me: &str) {
        if last.summary.from_account == me
            && self.peer_read_time > 0
            && last.summary.last_time <= self.peer_read_time
        {
            last.summary.is_peer_read = true;
        }
        self.last = Some(last);
    }

    pub(super) fn count_unread(&mut self, id: &str, time: u64) {
        if self.unread_ids.iter().any(|(i, _)| i == id) {
            return;
        }
        self.unread += 1;
        self.unread_ids.push_back((id.to_owned(), time));
        while self.unread_ids.len() > Self::MAX_TRACKED_UNREAD {
            self.unread_ids.pop_front();
        }
    }

    /// Forget a counted unread message (revoked or deleted); returns
    /// whether it was counted.
    pub(super) fn uncount_unread(&mut self, id: &str) -> bool {
        let Some(i) = self.unread_ids.iter().position(|(x, _)| x == id) else {
            return false;
        };
        self.unread_ids.remove(i);
        self.unread = self.unread.saturating_sub(1);
        true
    }

    /// The server says `count` are unread: keep the newest IDs.
    pub(super) fn set_unread(&mut self, count: u64) {
        self.unread = count;
        let keep = usize::try_from(count).unwrap_or(usize::MAX);
        while self.unread_ids.len() > keep {
            self.unread_ids.pop_front();
        }
    }
}

/// A `page_get` sync in progress.
#[derive(Debug, Default)]
pub(super) struct ListSync {
    /// Conversations the server listed so far.
    pub(super) seen: HashSet<String>,
    /// Conversations changed here since the sync began (kept even when the
    /// server's snapshot, taken earlier, lacks them).
    pub(super) touched: HashSet<String>,
    /// Conversations deleted here since the sync began (not brought back
    /// by the snapshot).
    pub(super) deleted: HashSet<String>,
    pub(super) pages: usize,
    /// Items seen so far.
    pub(super) items: u64,
    /// The block of [`Entry::order`]s reserved for this sync's items.
    pub(super) orders: Option<u64>,
}

impl ListSync {
    /// Orders reserved per sync (more items than this share the oldest).
    pub(super) const ORDERS: u64 = 1 << 32;
}

/// What changed since the last events, and what those events said.
#[derive(Debug, Default)]
pub(super) struct Dirty {
    pub(super) list: bool,
    pub(super) groups: bool,
    /// Groups (by `GroupId`) whose conversations changed.
    pub(super) in_group: BTreeSet<u64>,
}

#[derive(Debug, Default)]
pub(super) struct Emitted {
    pub(super) list: Option<Vec<Conversation>>,
    pub(super) groups: Option<Vec<String>>,
    pub(super) total: u64,
}

/// The conversation list, unread counts, groups and marks of the logged-in
/// user, and the event bookkeeping. Reset when the session ends.
#[derive(Debug, Default)]
pub(crate) struct Conversations {
    pub(super) entries: HashMap<String, Entry>,
    pub(super) groups: ConvGroups,
    /// Standard marks by conversation ID (marks, like groups, exist apart
    /// from the list). Bounded by [`Self::MAX_CONVERSATIONS`].
    pub(super) marks: HashMap<String, u64>,
    pub(super) list_sync: Option<ListSync>,
    pub(super) group_sync: Option<GroupSync>,
    /// The last `C2CPairUnreadCount`'s counts of peers that had no entry
    /// then: a conversation created afterwards (by `page_get`, or by a
    /// message that arrives first) starts from its count, which it takes
    /// out of here. Bounded by [`Self::MAX_CONVERSATIONS`].
    pub(super) pair_unread: HashMap<String, u64>,
    /// The next final getmsg page carries the authoritative unread counts.
    pub(super) unread_override_pending: bool,
    /// The last [`Entry::order`] given.
    pub(super) last_order: u64,
    pub(super) dirty: Dirty,
    pub(super) emitted: Emitted,
}

impl Conversations {
    /// Conversations held (Tencent keeps 100 to 500 recent contacts per
    /// user); past this the least recent unpinned one goes.
    pub(crate) const MAX_CONVERSATIONS: usize = 1_000;
    /// Pages followed in one paged sync before giving up on `CompleteFlag`.
    pub(crate) const MAX_PAGES: usize = 100;
    /// Longest draft, in bytes.
    pub(crate) const MAX_DRAFT_BYTES: usize = 12 * 1024;

    pub(super) fn get(&self, conversation_id: &str) -> Option<&Entry> {
        self.entries.get(conversation_id)
    }

    pub(super) fn contains(&self, conversation_id: &str) -> bool {
        self.entries.contains_key(conversation_id)
    }

    /// The entry for `conversation_id` (peer `peer`), created if needed
    /// with the unread count the last `C2CPairUnreadCount` gave the peer
    /// (a message that arrives before `page_get` lists the conversation
    /// adds to it; found by the simulation, seed 4965 of profile
    /// `messages`); the least recent unpinned conversation makes room.
    pub(super) fn entry(&mut self, conversation_id: &str, peer: &str) -> &mut Entry {
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
        if let Some(n) = self.pair_unread.remove(peer) {
            e.set_unread(n);
        }
        self.entries.entry(conversation_id.to_owned()).or_insert(e)
    }

    /// `n` new orders; the largest is the newest.
    pub(super) fn take_orders(&mut self, n: u64) -> u64 {
        let base = self.last_order;
        self.last_order = self.last_order.saturating_add(n);
        base
    }

    pub(super) fn touch(&mut self, conversation_id: &str) {
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

    pub(super) fn mark_groups_dirty(&mut self) {
        self.dirty.groups = true;
        self.dirty.list = true;
    }

    /// Whether this session already announced its group list.
    pub(super) fn groups_announced(&self) -> bool {
        self.emitted.groups.is_some()
    }

    pub(super) fn mark_in_group_dirty(&mut self, group_id: u64) {
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

    pub(super) fn replace_marks(&mut self, marks: HashMap<String, u64>) {
        if marks != self.marks {
            self.marks = marks;
            self.dirty.list = true;
        }
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
    pub(super) fn view(&self, conversation_id: &str, e: &Entry) -> Conversation {
        let bits = self.marks.get(conversation_id).copied().unwrap_or(0);
        Conversation {
            conversation_id: conversation_id.to_owned(),
            conversation_type: ConversationType::C2c,
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
            user_profile: Profile {
                user_id: e.peer.clone(),
                nick: String::new(),
                avatar: String::new(),
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

    /// Give up the `page_get` sync in progress (it failed).
    pub(super) fn abort_list_sync(&mut self) {
        self.list_sync = None;
    }

    pub(super) fn any_dirty(&self) -> bool {
        self.dirty.list || self.dirty.groups || !self.dirty.in_group.is_empty()
    }
}

/// Whether `user` can be a peer: 1 to [`Client::MAX_USER_ID_BYTES`] bytes.
pub(crate) fn valid_peer(user: &str) -> bool {
    !user.is_empty() && user.len() <= Client::MAX_USER_ID_BYTES
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
}
