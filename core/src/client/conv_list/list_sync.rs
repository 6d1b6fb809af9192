//! The login's view of the server's list: the `page_get` sync (its items,
//! and the conversations it no longer lists) and getmsg's
//! `C2CPairUnreadCount`.

use std::collections::HashMap;

use crate::model::{c2c_id, group_conversation_id, MessageRemindType};
use crate::proto::contact::{PairUnreadCount, SessionItem};

use super::entry::Last;
use super::{c2c_peer, valid_peer, Conversations, ListSync};

impl Conversations {
    /// A session is live: the next final getmsg page carries the
    /// authoritative unread counts.
    pub(in crate::client) fn expect_unread_counts(&mut self) {
        self.unread_override_pending = true;
    }

    /// A `page_get` sync begins.
    pub(in crate::client) fn begin_list_sync(&mut self) {
        self.list_sync = Some(ListSync::default());
    }

    /// Give up the `page_get` sync in progress (it failed).
    pub(in crate::client) fn abort_list_sync(&mut self) {
        self.list_sync = None;
    }

    /// A `page_get` page's items, as `me` sees them; returns how many pages
    /// this sync has taken.
    pub(in crate::client) fn list_page(&mut self, items: &[SessionItem], me: &str) -> usize {
        let sync = self.list_sync.get_or_insert_with(ListSync::default);
        let base = match sync.orders {
            Some(base) => base,
            None => {
                let base = self.take_orders(ListSync::ORDERS);
                if let Some(s) = &mut self.list_sync {
                    s.orders = Some(base);
                }
                base
            }
        };
        // The server lists newest first, across pages: each item gets an
        // older order than the one before it.
        for item in items {
            let index = self.list_sync.as_mut().map_or(0, |s| {
                s.items += 1;
                s.items
            });
            let order = base + ListSync::ORDERS.saturating_sub(index);
            self.apply_session_item(item, me, order);
        }
        self.list_sync.as_mut().map_or(0, |s| {
            s.pages += 1;
            s.pages
        })
    }

    fn apply_session_item(&mut self, item: &SessionItem, me: &str, order: u64) {
        let (peer, id) = match item.kind {
            SessionItem::C2C if valid_peer(&item.to_account) => {
                (item.to_account.clone(), c2c_id(&item.to_account))
            }
            SessionItem::GROUP => {
                let group = if item.group_id.is_empty() {
                    &item.to_group_account
                } else {
                    &item.group_id
                };
                if !valid_peer(group) {
                    return;
                }
                (group.clone(), group_conversation_id(group))
            }
            _ => return,
        };
        if let Some(sync) = &mut self.list_sync {
            if sync.deleted.contains(&id) {
                return;
            }
            sync.seen.insert(id.clone());
        }
        // A new entry takes its unread count from C2CPairUnreadCount
        // (`Conversations::entry`): page_get's C2C unread counts are not
        // used (as the official SDK).
        let e = self.entry(&id, &peer);
        e.pinned = item.is_pinned == 1;
        e.remind = MessageRemindType::from_recv_option(item.msg_recv_option);
        e.peer_read_time = e.peer_read_time.max(item.c2c_peer_read_time);
        if item.kind == SessionItem::GROUP && item.msg_group_readed_seq >= e.read_seq {
            // The server's count of a group's unread messages and tips
            // (tcchat's server sends it; C2C counts come from getmsg):
            // it covers every sequence before `GroupNextMsgSeq`.
            e.read_seq = item.msg_group_readed_seq;
            e.counted_to = 0;
            e.group_read(
                item.msg_group_readed_seq,
                Some((
                    item.unread_msg_count,
                    item.group_next_msg_seq.saturating_sub(1),
                )),
            );
            e.add_server_mentions(&item.group_id, &item.group_at_info_list);
        }
        if let Some(mut server) = Last::from_session(item) {
            match &e.last {
                Some(local) if local.summary.last_time > server.summary.last_time => {}
                Some(local)
                    if local.summary.last_sequence == server.summary.last_sequence
                        && local.random == server.random =>
                {
                    // The same message: the server's flags (revoked, the
                    // modified body), what only this instance knows kept.
                    server.id = local.id.clone();
                    server.summary.version = local.summary.version;
                    server.summary.cloud_custom_data = local.summary.cloud_custom_data.clone();
                    server.summary.is_peer_read |= local.summary.is_peer_read;
                    e.set_last(server, me);
                }
                _ => {
                    e.set_last(server, me);
                    e.order = order;
                }
            }
        } else if let Some(last) = e.last.clone() {
            e.set_last(last, me);
        }
        self.dirty.list = true;
    }

    /// The server's list is complete: conversations it did not list go,
    /// unless they changed here meanwhile.
    pub(in crate::client) fn finish_list_sync(&mut self) {
        let Some(sync) = self.list_sync.take() else {
            return;
        };
        self.entries
            .retain(|id, _| sync.seen.contains(id) || sync.touched.contains(id));
        self.dirty.list = true;
    }

    /// A getmsg page was handled (its messages included). On the first
    /// final page after a login or re-login, `C2CPairUnreadCount` sets every
    /// C2C unread count (a peer it does not list has none).
    pub(in crate::client) fn sync_page_counts(&mut self, unread: &[PairUnreadCount], done: bool) {
        if !done || !self.unread_override_pending {
            return;
        }
        self.unread_override_pending = false;
        let mut counts: HashMap<String, u64> = unread
            .iter()
            .take(Self::MAX_CONVERSATIONS)
            .map(|p| (p.from_account.clone(), p.unread_count))
            .collect();
        for (id, e) in &mut self.entries {
            if c2c_peer(id).is_none() {
                continue; // Group counts come from page_get and read pushes.
            }
            let n = counts.remove(&e.peer).unwrap_or(0);
            if e.unread != n {
                e.set_unread(n);
            }
        }
        // The rest waits for the conversations to be created.
        self.pair_unread = counts;
        self.dirty.list = true;
    }
}
