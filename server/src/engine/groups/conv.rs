//! A member's conversation of a group (`GROUP<id>` in the client's list):
//! its `page_get` item and its unread count, and the read sync that tells
//! the member's other instances about a read (PROTOCOL.md 8.6).
//!
//! A member has the conversation once the group logged something inside
//! the membership (a message or a tip). Its unread count is the number of
//! messages and tips from others after the member's read sequence, inside
//! the membership (the simulation's `group-unread-converges` counts the
//! same).

use tcchat_core::proto::contact::{SessionAtInfo, SessionItem, SessionLastMsg};
use tcchat_core::proto::group_msg::{GroupAtInfo, GroupWireMessage};
use tcchat_core::proto::msgops::{GroupReadItem, GroupReadSyncNotify};
use tcchat_core::proto::NotifyItem;

use super::super::conn::Ident;
use super::super::notify::{Notify, EVENT_NOTIFY};
use super::super::request::{refuse, Fail};
use super::Engine;
use crate::bounds::MAX_USER_ID_LEN as MAX_GROUP_ID_BYTES;
use crate::codes;
use crate::store::{
    Change, GroupConversationRecord, GroupLogEntry, GroupRecord, LogKind, MemberRecord, Store,
    StoreError,
};

/// At most 64 bytes of a peer-controlled group ID, for error texts.
pub(in crate::engine) fn bounded_id(id: &str) -> String {
    super::view::bounded(id)
}

/// A group ID naming a conversation: 1 to [`MAX_GROUP_ID_BYTES`] bytes.
pub(in crate::engine) fn check_conversation_group_id(id: &str) -> Result<(), Fail> {
    if id.is_empty() || id.len() > MAX_GROUP_ID_BYTES {
        return refuse(
            codes::GROUP_INVALID_ID,
            format!("ToGroupId must be 1 to {MAX_GROUP_ID_BYTES} bytes"),
        );
    }
    Ok(())
}

/// A listed group conversation: its item and the sort key of its last
/// entry (time, sequence).
pub(in crate::engine) struct GroupConversation {
    pub(in crate::engine) item: SessionItem,
    pub(in crate::engine) last_time: u64,
    pub(in crate::engine) last_seq: u64,
}

/// The unread messages of `entries` that @-mention `user` or everyone,
/// oldest first, the newest [`SessionAtInfo::MAX`] of them.
fn mentions_of(entries: &[GroupLogEntry], user: &str) -> Vec<SessionAtInfo> {
    /// The part of a stored `GroupWireMessage` read here.
    #[derive(serde::Deserialize)]
    struct Mentions {
        #[serde(rename = "GroupAtInfo", default)]
        group_at_info: Vec<GroupAtInfo>,
    }
    let mut out = Vec::new();
    for e in entries.iter().rev().filter(|e| e.kind == LogKind::Message) {
        if out.len() == SessionAtInfo::MAX {
            break;
        }
        let at = match serde_json::from_str::<Mentions>(&e.payload) {
            Ok(m) => m.group_at_info,
            Err(err) => {
                // The server wrote it: a payload it cannot read is a bug
                // or a damaged database, not something to guess around.
                tracing::warn!(seq = e.seq, %err, "stored group message unreadable");
                continue;
            }
        };
        let at_all = at.iter().any(|a| a.group_at_all_flag == 1);
        let at_me = at
            .iter()
            .any(|a| a.group_at_all_flag == 0 && a.group_at_account == user);
        let at_type = match (at_me, at_all) {
            (true, true) => 3,
            (true, false) => 1,
            (false, true) => 2,
            (false, false) => continue,
        };
        out.push(SessionAtInfo {
            msg_seq: e.seq,
            at_type,
            from_account: e.sender.clone(),
        });
    }
    out.reverse();
    out
}

impl<S: Store> Engine<S> {
    /// How many messages and tips from others `m` has not read in `g`
    /// (nothing up to where the conversation was deleted counts).
    pub(in crate::engine) fn group_unread(
        &mut self,
        app: u64,
        g: &GroupRecord,
        m: &MemberRecord,
    ) -> Result<u64, StoreError> {
        Ok(self.group_unread_entries(app, g, m)?.len() as u64)
    }

    /// The messages and tips from others `m` has not read in `g`, oldest
    /// first ([`Self::group_unread`] counts them).
    fn group_unread_entries(
        &mut self,
        app: u64,
        g: &GroupRecord,
        m: &MemberRecord,
    ) -> Result<Vec<GroupLogEntry>, StoreError> {
        let clear_seq = self
            .store
            .group_conversation_states(app, &m.user)?
            .into_iter()
            .find(|s| s.group == g.id)
            .map_or(0, |s| s.clear_seq);
        let from = m
            .join_seq
            .max(m.read_seq.saturating_add(1))
            .max(clear_seq.saturating_add(1));
        if from >= g.next_seq {
            return Ok(Vec::new());
        }
        let mut entries = self.store.group_log(app, &g.id, from, u64::MAX)?;
        entries.retain(|e| e.sender != m.user);
        Ok(entries)
    }

    /// `user`'s group conversations, as `page_get` lists them: groups that
    /// logged something inside the membership after the conversation was
    /// last deleted, and pinned ones.
    pub(in crate::engine) fn group_conversations(
        &mut self,
        app: u64,
        user: &str,
    ) -> Result<Vec<GroupConversation>, StoreError> {
        let states = self.store.group_conversation_states(app, user)?;
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
            let state = states
                .iter()
                .find(|s| s.group == gid)
                .cloned()
                .unwrap_or_else(|| GroupConversationRecord::new(&gid));
            let newest = g.next_seq.saturating_sub(1);
            let floor = m.join_seq.max(state.clear_seq.saturating_add(1));
            let last = if newest >= floor && newest > 0 {
                self.store.group_log(app, &gid, newest, newest)?.pop()
            } else {
                None
            };
            if last.is_none() && !state.pinned {
                continue;
            }
            let unread = self.group_unread_entries(app, &g, &m)?;
            let mut item = SessionItem {
                kind: SessionItem::GROUP,
                group_id: g.id.clone(),
                to_group_account: g.id.clone(),
                unread_msg_count: unread.len() as u64,
                group_at_info_list: mentions_of(&unread, user),
                msg_group_readed_seq: m.read_seq,
                group_next_msg_seq: g.next_seq,
                is_pinned: u8::from(state.pinned),
                ..SessionItem::default()
            };
            let (mut last_time, mut last_seq) = (0, 0);
            if let Some(last) = &last {
                set_last(&mut item, last);
                last_time = last.time;
                last_seq = last.seq;
            }
            out.push(GroupConversation {
                item,
                last_time,
                last_seq,
            });
        }
        Ok(out)
    }

    /// Delete `me`'s conversation of `group` (`batch_delete` with `Type`
    /// 2): hidden until the group's next message or tip, unpinned, and
    /// read up to now (so a re-login's catch-up does not bring it back).
    /// The changes are empty when there is nothing to change (or `pending`
    /// already changes it); the inner error is the item's `ResultCode` and
    /// `ResultInfo`.
    #[allow(clippy::type_complexity)]
    pub(in crate::engine) fn delete_group_conversation(
        &mut self,
        me: &Ident,
        group: &str,
        pending: &[Change],
    ) -> Result<Result<Vec<Change>, (u32, String)>, StoreError> {
        if let Err(Fail::Refuse(code, info)) = check_conversation_group_id(group) {
            return Ok(Err((code, info)));
        }
        let done = pending.iter().any(
            |c| matches!(c, Change::GroupConversation { record, .. } if record.group == group),
        );
        if done {
            return Ok(Ok(Vec::new()));
        }
        let Some(g) = self.store.chat_group(me.app, group)? else {
            return Ok(Err((
                codes::GROUP_NOT_FOUND,
                format!("group {} does not exist", bounded_id(group)),
            )));
        };
        let Some(mut member) = self.store.group_member(me.app, group, &me.user)? else {
            return Ok(Err((
                codes::PERMISSION_DENIED,
                format!("not a member of group {}", bounded_id(group)),
            )));
        };
        let mut state = self
            .store
            .group_conversation_states(me.app, &me.user)?
            .into_iter()
            .find(|s| s.group == group)
            .unwrap_or_else(|| GroupConversationRecord::new(group));
        let newest = g.next_seq.saturating_sub(1);
        if state.clear_seq >= newest && !state.pinned {
            return Ok(Ok(Vec::new()));
        }
        state.clear_seq = state.clear_seq.max(newest);
        state.pinned = false;
        let mut changes = vec![Change::GroupConversation {
            owner: me.user.clone(),
            record: state,
        }];
        if member.read_seq < newest {
            member.read_seq = newest;
            changes.push(Change::GroupMember {
                group: group.to_owned(),
                member,
            });
        }
        Ok(Ok(changes))
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

/// The last message of a group conversation's item: `last`.
fn set_last(item: &mut SessionItem, last: &GroupLogEntry) {
    let msg_body = match last.kind {
        LogKind::Message => serde_json::from_str::<GroupWireMessage>(&last.payload)
            .map(|w| w.msg_body)
            .unwrap_or_default(),
        LogKind::Tip => Vec::new(),
    };
    item.msg_time = last.time;
    item.msg_seq = last.seq;
    item.msg_random = last.random;
    item.last_c2c_msg_from_account.clone_from(&last.sender);
    item.last_msg = SessionLastMsg { msg_body };
}
