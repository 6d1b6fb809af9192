//! The conversation list: `recentcontact.page_get`, pin
//! (`recentcontact.top`), delete (`recentcontact.batch_delete`), and the
//! unread counts getmsg carries.
//!
//! A user has a conversation with every peer it exchanged a message with
//! (made when the message is stored). Its unread count is the number of
//! messages the peer sent after the user's read time (and after the last
//! deletion of the conversation), not revoked and not deleted by the user.
//! A deleted conversation is hidden until its next message. Every change
//! is pushed as Event 11 `RecentContactMod` to the user's other instances.

use std::collections::BTreeMap;

use tcchat_core::proto::contact::{
    BatchDeleteReply, BatchDeleteRequest, DeleteResultItem, PageGetReply, PageGetRequest,
    PairUnreadCount, RecentContactList, RecentContactMod, SessionItem, SessionLastMsg, TopRequest,
    UserContactItem,
};
use tcchat_core::proto::{BaseReply, PushEvent, WireMessage};
use tcchat_core::wire::Frame;

use super::conn::Ident;
use super::notify::{Notify, Queued, EVENT_CONTACT};
use super::request::{check_caller, check_len, check_peer, refuse, Fail};
use super::{ConnId, Engine};
use crate::bounds;
use crate::codes;
use crate::store::{
    Change, ConversationRecord, GroupConversationRecord, MessageRecord, Store, StoreError,
};

/// `RecentContactMod.PushType` values.
pub(super) struct PushType;

impl PushType {
    pub(super) const DELETE: u8 = 1;
    pub(super) const PIN: u8 = 2;
    pub(super) const UNPIN: u8 = 3;
    pub(super) const GROUP_CREATED: u8 = 5;
    pub(super) const GROUP_DELETED: u8 = 6;
    pub(super) const GROUP_UPDATED: u8 = 7;
}

/// An Event 11 push with one `RecentContactMod` item.
pub(super) fn contact_event(item: RecentContactMod) -> PushEvent {
    PushEvent {
        event: EVENT_CONTACT,
        recent_contact_mod: Some(vec![item]),
        ..PushEvent::default()
    }
}

/// Conversation type 1: C2C (group conversations are type 2).
pub(super) const C2C: u8 = 1;

/// One conversation of `page_get`, before its page is built.
enum Row {
    /// A C2C conversation and its last message (its unread count and the
    /// peer's read time are read only for the page that lists it).
    C2c(ConversationRecord, Option<MessageRecord>),
    /// A group conversation's item, complete.
    Group(SessionItem),
}

fn user_contact(peer: &str) -> UserContactItem {
    UserContactItem {
        kind: C2C,
        user_id: peer.to_owned(),
        group_id: String::new(),
    }
}

/// Conversation type 2: a group.
pub(super) const GROUP: u8 = 2;

/// A group conversation as push types 1–3 name it.
pub(super) fn group_contact(group: &str) -> UserContactItem {
    UserContactItem {
        kind: GROUP,
        user_id: String::new(),
        group_id: group.to_owned(),
    }
}

impl<S: Store> Engine<S> {
    /// How many unread messages `owner` has in `conv`.
    fn unread_of(
        &mut self,
        app: u64,
        owner: &str,
        conv: &ConversationRecord,
    ) -> Result<u64, StoreError> {
        if conv.hidden {
            return Ok(0);
        }
        let floor = conv.clear_id.max(conv.unread_floor);
        self.store
            .unread_count(app, owner, &conv.peer, floor, conv.read_time)
    }

    /// `user`'s unread count per peer, as getmsg's `C2CPairUnreadCount`
    /// reports it (for tests and the simulation's convergence checks).
    pub fn unread_counts(
        &mut self,
        app: u64,
        user: &str,
    ) -> Result<Vec<PairUnreadCount>, StoreError> {
        self.pair_unread_counts(app, user)
    }

    /// getmsg's `C2CPairUnreadCount`: every listed conversation with unread
    /// messages (at most [`bounds::MAX_PAIR_UNREAD`], by peer).
    pub(super) fn pair_unread_counts(
        &mut self,
        app: u64,
        user: &str,
    ) -> Result<Vec<PairUnreadCount>, StoreError> {
        let mut out = Vec::new();
        for conv in self.store.conversations(app, user)? {
            let unread = self.unread_of(app, user, &conv)?;
            if unread > 0 {
                out.push(PairUnreadCount {
                    from_account: conv.peer,
                    unread_count: unread,
                });
                if out.len() >= bounds::MAX_PAIR_UNREAD {
                    break;
                }
            }
        }
        Ok(out)
    }

    /// The newest message of `conv` that `owner` still has.
    fn last_message(
        &mut self,
        app: u64,
        owner: &str,
        conv: &ConversationRecord,
    ) -> Result<Option<MessageRecord>, StoreError> {
        Ok(self
            .store
            .history(app, owner, &conv.peer, conv.clear_id, u64::MAX, 1)?
            .into_iter()
            .next())
    }

    /// `recentcontact.page_get`.
    pub(super) fn on_page_get(&mut self, unix_ms: u64, conn: ConnId, gzip: bool, frame: &Frame) {
        let Some((me, req)) = self.begin::<PageGetRequest>(unix_ms, conn, gzip, frame) else {
            return;
        };
        let result = self.page_get(&me, &req);
        self.finish_query(conn, gzip, &frame.head, result);
    }

    /// The listed (not hidden) conversations, C2C and group, pinned first,
    /// then by the time of their last message, newest first;
    /// [`bounds::CONVERSATIONS_PAGE`] per page from `StartIndex`, with
    /// `CompleteFlag` 1 on the last page.
    fn page_get(&mut self, me: &Ident, req: &PageGetRequest) -> Result<PageGetReply, Fail> {
        check_caller(me, &req.from_account)?;
        // (pinned, last time, tie-break, row); the tie-break orders rows
        // of one second by the server's message ID or group sequence.
        let mut listed: Vec<(bool, u64, u64, String, Row)> = Vec::new();
        for conv in self.store.conversations(me.app, &me.user)? {
            if conv.hidden {
                continue;
            }
            let last = self.last_message(me.app, &me.user, &conv)?;
            let (time, id) = last.as_ref().map_or((0, 0), |m| (m.msg.msg_time, m.id));
            let key = format!("C2C{}", conv.peer);
            listed.push((conv.pinned, time, id, key, Row::C2c(conv, last)));
        }
        for g in self.group_conversations(me.app, &me.user)? {
            let key = format!("GROUP{}", g.item.group_id);
            let pinned = g.item.is_pinned == 1;
            listed.push((pinned, g.last_time, g.last_seq, key, Row::Group(g.item)));
        }
        listed.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then_with(|| (b.1, b.2).cmp(&(a.1, a.2)))
                .then_with(|| a.3.cmp(&b.3))
        });
        let start = usize::try_from(req.start_index)
            .unwrap_or(usize::MAX)
            .min(listed.len());
        let end = start
            .saturating_add(bounds::CONVERSATIONS_PAGE)
            .min(listed.len());
        let mut session_item = Vec::with_capacity(end - start);
        for (_, _, _, _, row) in &listed[start..end] {
            let (conv, last) = match row {
                Row::Group(item) => {
                    session_item.push(item.clone());
                    continue;
                }
                Row::C2c(conv, last) => (conv, last),
            };
            let unread = self.unread_of(me.app, &me.user, conv)?;
            let peer_read_time = self
                .store
                .conversation(me.app, &conv.peer, &me.user)?
                .map_or(0, |c| c.read_time);
            let mut item = SessionItem {
                kind: C2C,
                to_account: conv.peer.clone(),
                c2c_peer_read_time: peer_read_time,
                unread_msg_count: unread,
                is_pinned: u8::from(conv.pinned),
                ..SessionItem::default()
            };
            if let Some(m) = last {
                item.msg_time = m.msg.msg_time;
                item.msg_seq = m.msg.msg_seq;
                item.msg_random = m.msg.msg_random;
                item.last_c2c_msg_from_account.clone_from(&m.msg.from);
                item.last_msg = SessionLastMsg {
                    msg_body: serde_json::from_str(&m.msg.body).unwrap_or_default(),
                };
                if m.state.revoked.is_some() {
                    item.last_msg_flags = WireMessage::FLAG_REVOKED;
                }
            }
            session_item.push(item);
        }
        Ok(PageGetReply {
            base: BaseReply::ok(),
            complete_flag: u8::from(end >= listed.len()),
            time_stamp: 0,
            start_index: end as u64,
            top_time_stamp: 0,
            top_start_index: 0,
            session_item,
        })
    }

    /// `recentcontact.top`.
    pub(super) fn on_top(&mut self, unix_ms: u64, conn: ConnId, gzip: bool, frame: &Frame) {
        let Some((me, req)) = self.begin_change::<TopRequest>(unix_ms, conn, gzip, frame) else {
            return;
        };
        let result = self.top(&me, &req).map(|queued| (BaseReply::ok(), queued));
        self.finish_change(unix_ms, &me, conn, gzip, &frame.head, result);
    }

    /// Pin (`OperationType` 1) or unpin (2) C2C conversations (at most
    /// [`bounds::MAX_PINNED`] pinned). Pinning a conversation without
    /// messages lists it.
    fn top(&mut self, me: &Ident, req: &TopRequest) -> Result<Queued, Fail> {
        check_caller(me, &req.from_account)?;
        let pin = match req.operation_type {
            1 => true,
            2 => false,
            other => {
                return refuse(
                    codes::INVALID_PARAMETER,
                    format!("OperationType {other} is not 1 (pin) or 2 (unpin)"),
                )
            }
        };
        check_len(
            "RecentContactItem",
            &req.recent_contact_item,
            bounds::MAX_ITEMS_PER_REQUEST,
        )?;
        let mut wanted = BTreeMap::new();
        let mut groups = BTreeMap::new();
        for item in &req.recent_contact_item {
            match item.kind {
                C2C => {
                    check_peer("To_Account", &item.to_account)?;
                    wanted.insert(item.to_account.clone(), ());
                }
                GROUP => {
                    super::groups::check_conversation_group_id(&item.to_group_id)?;
                    groups.insert(item.to_group_id.clone(), ());
                }
                other => {
                    return refuse(
                        codes::INVALID_PARAMETER,
                        format!("conversation Type {other} is not 1 (C2C) or 2 (group)"),
                    )
                }
            }
        }
        let all = self.store.conversations(me.app, &me.user)?;
        let group_states = self.store.group_conversation_states(me.app, &me.user)?;
        let mut pinned = all.iter().filter(|c| c.pinned).count()
            + group_states.iter().filter(|c| c.pinned).count();
        let mut changes = Vec::new();
        let mut contacts = Vec::new();
        for group in groups.into_keys() {
            // Only a member has the conversation.
            if self.store.group_member(me.app, &group, &me.user)?.is_none() {
                return refuse(
                    codes::PERMISSION_DENIED,
                    format!(
                        "not a member of group {}",
                        super::groups::bounded_id(&group)
                    ),
                );
            }
            let mut state = group_states
                .iter()
                .find(|s| s.group == group)
                .cloned()
                .unwrap_or_else(|| GroupConversationRecord::new(&group));
            if state.pinned == pin {
                continue;
            }
            if pin {
                if pinned >= bounds::MAX_PINNED {
                    return refuse(
                        codes::PINNED_FULL,
                        format!("at most {} conversations can be pinned", bounds::MAX_PINNED),
                    );
                }
                pinned += 1;
            }
            state.pinned = pin;
            contacts.push(group_contact(&group));
            changes.push(Change::GroupConversation {
                owner: me.user.clone(),
                record: state,
            });
        }
        for peer in wanted.into_keys() {
            let existing = all.iter().find(|c| c.peer == peer).cloned();
            let mut conv = match existing {
                Some(c) => c,
                None if pin => ConversationRecord::new(&peer),
                None => continue,
            };
            let unchanged = if pin {
                conv.pinned && !conv.hidden
            } else {
                !conv.pinned
            };
            if unchanged {
                continue;
            }
            if pin && !conv.pinned {
                if pinned >= bounds::MAX_PINNED {
                    return refuse(
                        codes::PINNED_FULL,
                        format!("at most {} conversations can be pinned", bounds::MAX_PINNED),
                    );
                }
                pinned += 1;
            }
            conv.pinned = pin;
            if pin {
                conv.hidden = false;
            }
            contacts.push(user_contact(&peer));
            changes.push(Change::Conversation {
                owner: me.user.clone(),
                record: conv,
            });
        }
        let mut notices = Vec::new();
        if !contacts.is_empty() {
            notices.push(Notify::new(
                &me.user,
                contact_event(RecentContactMod {
                    push_type: if pin { PushType::PIN } else { PushType::UNPIN },
                    top_item: Some(RecentContactList {
                        recent_contact_list: contacts,
                    }),
                    ..RecentContactMod::default()
                }),
            ));
        }
        Ok(self.commit(me, changes, notices)?)
    }

    /// `recentcontact.batch_delete`.
    pub(super) fn on_batch_delete(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) {
        let Some((me, req)) = self.begin_change::<BatchDeleteRequest>(unix_ms, conn, gzip, frame)
        else {
            return;
        };
        let result = self.batch_delete(&me, &req);
        self.finish_change(unix_ms, &me, conn, gzip, &frame.head, result);
    }

    /// Hide conversations until their next message: unpinned, no unread
    /// messages, and with `ClearRamble: 1` their history gone for the
    /// caller (the peer keeps it). One `ResultItem` per item; deleting a
    /// conversation that does not exist succeeds.
    fn batch_delete(
        &mut self,
        me: &Ident,
        req: &BatchDeleteRequest,
    ) -> Result<(BatchDeleteReply, Queued), Fail> {
        check_caller(me, &req.from_account)?;
        check_len(
            "ContactItem",
            &req.contact_item,
            bounds::MAX_ITEMS_PER_REQUEST,
        )?;
        let mut results = Vec::new();
        let mut changes: Vec<Change> = Vec::new();
        let mut contacts = Vec::new();
        for item in &req.contact_item {
            let mut result = DeleteResultItem {
                result_code: 0,
                result_info: String::new(),
                kind: item.kind,
                to_account: item.to_account.clone(),
                to_group_id: item.to_group_id.clone(),
            };
            if item.kind == GROUP {
                match self.delete_group_conversation(me, &item.to_group_id, &changes)? {
                    Ok(more) if more.is_empty() => {}
                    Ok(more) => {
                        contacts.push(group_contact(&item.to_group_id));
                        changes.extend(more);
                    }
                    Err((code, info)) => {
                        result.result_code = code;
                        result.result_info = info;
                    }
                }
            } else if item.kind != C2C {
                result.result_code = codes::INVALID_PARAMETER;
                result.result_info = "conversation Type is not 1 (C2C) or 2 (group)".into();
            } else if let Err(Fail::Refuse(code, info)) = check_peer("To_Account", &item.to_account)
            {
                result.result_code = code;
                result.result_info = info;
            } else {
                let peer = &item.to_account;
                let done = changes.iter().any(
                    |c| matches!(c, Change::Conversation { record, .. } if &record.peer == peer),
                );
                if !done {
                    if let Some(mut conv) = self.store.conversation(me.app, &me.user, peer)? {
                        let newest = self
                            .store
                            .history(me.app, &me.user, peer, 0, u64::MAX, 1)?
                            .first()
                            .map_or(0, |m| m.id);
                        conv.hidden = true;
                        conv.pinned = false;
                        conv.unread_floor = conv.unread_floor.max(newest);
                        if req.clear_ramble == 1 {
                            conv.clear_id = conv.clear_id.max(newest);
                        }
                        contacts.push(user_contact(peer));
                        changes.push(Change::Conversation {
                            owner: me.user.clone(),
                            record: conv,
                        });
                    }
                }
            }
            results.push(result);
        }
        let mut notices = Vec::new();
        if !contacts.is_empty() {
            notices.push(Notify::new(
                &me.user,
                contact_event(RecentContactMod {
                    push_type: PushType::DELETE,
                    delete_item: Some(RecentContactList {
                        recent_contact_list: contacts,
                    }),
                    ..RecentContactMod::default()
                }),
            ));
        }
        let queued = self.commit(me, changes, notices)?;
        Ok((
            BatchDeleteReply {
                base: BaseReply::ok(),
                result_item: results,
            },
            queued,
        ))
    }
}
