//! A member's conversation of a group (`GROUP<id>` in the client's list):
//! its `page_get` item and its unread count, and the read sync that tells
//! the member's other instances about a read (PROTOCOL.md 8.6).
//!
//! A member has the conversation once the group logged something inside
//! the membership (a message or a tip). Its unread count is the number of
//! messages and tips from others after the member's read sequence, inside
//! the membership (the simulation's `group-unread-converges` counts the
//! same).

use tcchat_core::proto::contact::{SessionItem, SessionLastMsg};
use tcchat_core::proto::group_msg::GroupWireMessage;
use tcchat_core::proto::msgops::{GroupReadItem, GroupReadSyncNotify};
use tcchat_core::proto::NotifyItem;

use super::super::notify::{Notify, EVENT_NOTIFY};
use super::Engine;
use crate::store::{GroupLogEntry, GroupRecord, LogKind, MemberRecord, Store, StoreError};

/// A listed group conversation: its item and the sort key of its last
/// entry (time, sequence).
pub(in crate::engine) struct GroupConversation {
    pub(in crate::engine) item: SessionItem,
    pub(in crate::engine) last_time: u64,
    pub(in crate::engine) last_seq: u64,
}

impl<S: Store> Engine<S> {
    /// How many messages and tips from others `m` has not read in `g`.
    pub(in crate::engine) fn group_unread(
        &mut self,
        app: u64,
        g: &GroupRecord,
        m: &MemberRecord,
    ) -> Result<u64, StoreError> {
        let from = m.join_seq.max(m.read_seq.saturating_add(1));
        if from >= g.next_seq {
            return Ok(0);
        }
        Ok(self
            .store
            .group_log(app, &g.id, from, u64::MAX)?
            .iter()
            .filter(|e| e.sender != m.user)
            .count() as u64)
    }

    /// `user`'s group conversations, as `page_get` lists them (groups that
    /// logged nothing inside the membership have none).
    pub(in crate::engine) fn group_conversations(
        &mut self,
        app: u64,
        user: &str,
    ) -> Result<Vec<GroupConversation>, StoreError> {
        let mut out = Vec::new();
        for gid in self.store.joined_groups(app, user)? {
            let (Some(g), Some(m)) = (
                self.store.chat_group(app, &gid)?,
                self.store.group_member(app, &gid, user)?,
            ) else {
                continue;
            };
            if g.dismissed {
                continue;
            }
            let newest = g.next_seq.saturating_sub(1);
            if newest < m.join_seq || newest == 0 {
                continue;
            }
            let last = self
                .store
                .group_log(app, &gid, m.join_seq.max(newest), u64::MAX)?
                .pop();
            let Some(last) = last else {
                continue;
            };
            let unread = self.group_unread(app, &g, &m)?;
            out.push(GroupConversation {
                item: group_session_item(&g, &m, &last, unread),
                last_time: last.time,
                last_seq: last.seq,
            });
        }
        Ok(out)
    }

    /// The notice that tells `m`'s other instances it read `g` up to its
    /// read sequence, with what is still unread.
    pub(in crate::engine) fn group_read_notice(
        &mut self,
        app: u64,
        g: &GroupRecord,
        m: &MemberRecord,
    ) -> Result<Notify, StoreError> {
        let unread = self.group_unread(app, g, m)?;
        let item = NotifyItem {
            read_group_msg_notify: Some(GroupReadSyncNotify {
                group_read_array: vec![GroupReadItem {
                    group_id: g.id.clone(),
                    msg_readed_seq: m.read_seq,
                    group_next_msg_seq: g.next_seq,
                    unread_msg_count: unread,
                }],
            }),
            ..NotifyItem::default()
        };
        Ok(Notify::new(
            &m.user,
            tcchat_core::proto::PushEvent {
                event: EVENT_NOTIFY,
                c2c_notify_msg_array: Some(vec![item]),
                ..tcchat_core::proto::PushEvent::default()
            },
        ))
    }
}

/// The `page_get` item of `m`'s conversation of `g` whose newest entry is
/// `last`.
fn group_session_item(
    g: &GroupRecord,
    m: &MemberRecord,
    last: &GroupLogEntry,
    unread: u64,
) -> SessionItem {
    let msg_body = match last.kind {
        LogKind::Message => serde_json::from_str::<GroupWireMessage>(&last.payload)
            .map(|w| w.msg_body)
            .unwrap_or_default(),
        LogKind::Tip => Vec::new(),
    };
    SessionItem {
        kind: SessionItem::GROUP,
        group_id: g.id.clone(),
        msg_time: last.time,
        msg_seq: last.seq,
        msg_random: last.random,
        last_c2c_msg_from_account: last.sender.clone(),
        last_msg: SessionLastMsg { msg_body },
        unread_msg_count: unread,
        msg_group_readed_seq: m.read_seq,
        group_next_msg_seq: g.next_seq,
        ..SessionItem::default()
    }
}
