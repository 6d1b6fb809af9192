//! One conversation as held ([`Entry`]) and its last message ([`Last`]).

use std::collections::VecDeque;

use crate::model::{GroupAtInfo, LastMessage, Message, MessageRemindType, Payload};
use crate::proto::contact::{SessionAtInfo, SessionItem};
use crate::types::MessageType;

/// The newest message of a conversation and how to recognise it.
#[derive(Debug, Clone)]
pub(super) struct Last {
    pub(super) summary: LastMessage,
    pub(super) random: u64,
    /// The message's ID, when it came from a message (not from `page_get`,
    /// which does not give one).
    pub(super) id: Option<String>,
}

/// The summary of `m` as a conversation's or group's last message.
pub(in crate::client) fn last_message_of(m: &Message) -> LastMessage {
    Last::from_message(m).summary
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
                is_revoked: item.last_msg_flags & item.revoked_flag() != 0,
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
pub(super) struct Entry {
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
    /// `(ID, time, sequence)`. A revoke or delete of one of them lowers the
    /// count.
    pub(super) unread_ids: VecDeque<(String, u64, u64)>,
    /// Group conversations: this user read the group up to this sequence
    /// (what the server last said, or this instance reported); messages at
    /// or below it are not unread.
    pub(super) read_seq: u64,
    /// Group conversations: the server's last count (`page_get`, a read on
    /// another instance) covered every sequence up to here, so a message at
    /// or below it that arrives later is not counted again.
    pub(super) counted_to: u64,
    /// Unread group messages that @-mention this user or everyone (at most
    /// [`Entry::MAX_TRACKED_UNREAD`], the oldest forgotten first).
    pub(super) at_infos: VecDeque<GroupAtInfo>,
    /// When the last message last changed, in this instance's order of
    /// events: orders conversations whose last messages share a second
    /// (server times are whole seconds).
    pub(super) order: u64,
}

impl Entry {
    /// Unread message IDs tracked per conversation; past this, the oldest
    /// is forgotten (its revoke would then not lower the count until the
    /// next sync corrects it).
    pub(super) const MAX_TRACKED_UNREAD: usize = 100;

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
            read_seq: 0,
            counted_to: 0,
            at_infos: VecDeque::new(),
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

    pub(super) fn count_unread(&mut self, id: &str, time: u64, seq: u64) {
        if self.unread_ids.iter().any(|(i, _, _)| i == id) {
            return;
        }
        self.unread += 1;
        self.unread_ids.push_back((id.to_owned(), time, seq));
        while self.unread_ids.len() > Self::MAX_TRACKED_UNREAD {
            self.unread_ids.pop_front();
        }
    }

    /// Forget a counted unread message (revoked or deleted); returns
    /// whether it was counted.
    pub(super) fn uncount_unread(&mut self, id: &str) -> bool {
        let Some(i) = self.unread_ids.iter().position(|(x, _, _)| x == id) else {
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

    /// A group conversation was read up to `seq`: the tracked messages at
    /// or below it stop counting, and so do the @ mentions. Unread becomes
    /// `server_count` (what the server counted up to `counted_to`) plus the
    /// tracked ones above `counted_to`, or, without a server count, the
    /// tracked ones above `seq`.
    /// The server's unread @-mentions of this group conversation
    /// (`page_get`, ours): those above the read sequence join the ones this
    /// instance tracks, in sequence order, once each, the newest
    /// [`Entry::MAX_TRACKED_UNREAD`] kept.
    pub(super) fn add_server_mentions(&mut self, group_id: &str, list: &[SessionAtInfo]) {
        let read = self.read_seq;
        for at in list.iter().rev().take(Self::MAX_TRACKED_UNREAD) {
            let known = self
                .at_infos
                .iter()
                .any(|a| a.message_sequence == at.msg_seq);
            let valid = matches!(
                at.at_type,
                GroupAtInfo::AT_ME | GroupAtInfo::AT_ALL | GroupAtInfo::AT_ALL_AT_ME
            );
            if at.msg_seq > read && valid && !known && super::valid_peer(&at.from_account) {
                self.at_infos.push_back(GroupAtInfo {
                    from: at.from_account.clone(),
                    group_id: group_id.to_owned(),
                    message_sequence: at.msg_seq,
                    at_type: at.at_type,
                });
            }
        }
        self.at_infos
            .make_contiguous()
            .sort_by_key(|a| a.message_sequence);
        while self.at_infos.len() > Self::MAX_TRACKED_UNREAD {
            self.at_infos.pop_front();
        }
    }

    pub(super) fn group_read(&mut self, seq: u64, server: Option<(u64, u64)>) {
        self.read_seq = self.read_seq.max(seq);
        let read = self.read_seq;
        self.unread_ids.retain(|(_, _, s)| *s > read);
        self.at_infos.retain(|a| a.message_sequence > read);
        self.unread = match server {
            Some((count, counted_to)) => {
                self.counted_to = self.counted_to.max(counted_to);
                let after = self.counted_to;
                count
                    + self
                        .unread_ids
                        .iter()
                        .filter(|(_, _, s)| *s > after)
                        .count() as u64
            }
            None => self.unread_ids.len() as u64,
        };
    }
}
