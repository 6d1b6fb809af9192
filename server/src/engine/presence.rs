//! Blacklists (`sns.black_list_get`, `black_list_add`,
//! `black_list_delete`) and user statuses (`im_open_status.ws_*`):
//! relationship-facts §5 and §6.
//!
//! **Blacklist.** A user has at most [`bounds::MAX_BLACKLIST`] blocked
//! users. Every change is stored with a notification for the user
//! (`FriendListMod` with `BlackListAdd_Account` or `BlackListDel_Account`,
//! Event 3) that is pushed to *every* instance of the user, the caller's
//! included: the official SDK 3.6.6 ignores the reply of `black_list_add`
//! and raises BLACKLIST_UPDATED only from that push. A C2C message from a
//! blocked sender to the user who blocked it is refused with
//! [`codes::BLOCKED_BY_PEER`] and never stored (see `messaging.rs`).
//!
//! **Status.** A user is online (1) while one of its sessions is on a
//! socket, offline (2) while it has a valid session on no socket (it may
//! come back without logging in again), and not logged in (3) otherwise.
//! Each change, and each custom status set, is pushed (`UserStatusList`,
//! Event 32, not stored: a status is state, re-read with
//! `ws_get_user_status`) to the users subscribed to it, and a custom
//! status also to the user's own other instances. Custom statuses are
//! stored in plain text and sent base64-encoded.

use std::collections::BTreeSet;

use tcchat_core::proto::presence::{
    encode_custom_status, BlackListChangeReply, BlackListChangeRequest, BlackListGetReply,
    BlackListGetRequest, BlackListItem, FriendListMod, GetUserStatusReply, SetCustomStatusRequest,
    SnsResultItem, StatusError, StatusSubscribeReply, UserStatusRequest, WireUserStatus,
    PUSH_BLACKLIST_ADD, PUSH_BLACKLIST_DEL,
};
use tcchat_core::proto::{BaseReply, MsgPush, PushEvent};
use tcchat_core::wire::{servcmd, Frame};

use super::conn::Ident;
use super::notify::{Notify, Queued};
use super::request::{check_caller, check_len, check_peer, refuse, Fail};
use super::{ConnId, Engine};
use crate::bounds;
use crate::codes;
use crate::store::{Change, Store};

/// `Event` of `FriendListMod` pushes (the official SDK picks the handler by
/// key; the real server's number is unknown).
pub(crate) const EVENT_FRIEND_LIST: u32 = 3;
/// `Event` of `UserStatusList` pushes (as in relationship-facts §6).
pub(crate) const EVENT_USER_STATUS: u32 = 32;

/// `Status`: online.
pub(crate) const STATUS_ONLINE: u8 = 1;
/// `Status`: logged in, on no socket.
pub(crate) const STATUS_OFFLINE: u8 = 2;
/// `Status`: not logged in.
pub(crate) const STATUS_UNLOGINED: u8 = 3;

fn result(peer: &str, code: u32, info: &str) -> SnsResultItem {
    SnsResultItem {
        to_account: peer.to_owned(),
        result_code: code,
        result_info: info.to_owned(),
    }
}

fn blacklist_event(item: FriendListMod) -> PushEvent {
    PushEvent {
        event: EVENT_FRIEND_LIST,
        friend_list_mod: Some(vec![item]),
        ..PushEvent::default()
    }
}

fn status_error(peer: &str, fail: Fail) -> StatusError {
    let (code, info) = match fail {
        Fail::Refuse(code, info) => (code, info),
        Fail::Store(_) => (codes::INTERNAL_ERROR, "internal error".to_owned()),
    };
    StatusError {
        to_account: peer.to_owned(),
        error_code: code,
        error_info: info,
    }
}

impl<S: Store> Engine<S> {
    // ----- blacklist ---------------------------------------------------------

    /// `sns.black_list_get`: one page of `MaxLimited` (1 to
    /// [`bounds::MAX_BLACKLIST`]; 0 means the most) from `StartIndex`, sorted
    /// by user ID; `StartIndex` 0 in the reply ends the paging.
    pub(super) fn on_blacklist_get(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) {
        let Some((me, req)) = self.begin::<BlackListGetRequest>(unix_ms, conn, gzip, frame) else {
            return;
        };
        let result = self.blacklist_page(&me, &req);
        self.finish_query(conn, gzip, &frame.head, result);
    }

    fn blacklist_page(
        &mut self,
        me: &Ident,
        req: &BlackListGetRequest,
    ) -> Result<BlackListGetReply, Fail> {
        check_caller(me, &req.from_account)?;
        let list = self.store.blacklist(me.app, &me.user)?;
        let size = match usize::try_from(req.max_limited).unwrap_or(usize::MAX) {
            0 => bounds::MAX_BLACKLIST,
            n => n.min(bounds::MAX_BLACKLIST),
        };
        let start = usize::try_from(req.start_index)
            .unwrap_or(usize::MAX)
            .min(list.len());
        let end = start.saturating_add(size).min(list.len());
        let next = if end < list.len() { end as u64 } else { 0 };
        Ok(BlackListGetReply {
            base: BaseReply::ok(),
            start_index: next,
            black_list_item: list[start..end]
                .iter()
                .map(|(peer, time)| BlackListItem {
                    to_account: peer.clone(),
                    add_black_time_stamp: *time,
                })
                .collect(),
            current_sequence: 0,
        })
    }

    /// `sns.black_list_add` (`add`) or `sns.black_list_delete`.
    pub(super) fn on_blacklist_change(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
        add: bool,
    ) {
        let Some((me, req)) =
            self.begin_change::<BlackListChangeRequest>(unix_ms, conn, gzip, frame)
        else {
            return;
        };
        let result = self
            .blacklist_change(&me, &req, add, unix_ms / 1000)
            .map(|(reply, queued)| (reply, queued.with_origin()));
        self.finish_change(unix_ms, &me, conn, gzip, &frame.head, result);
    }

    /// One `ResultItem` per user asked (a user already in the wanted state
    /// succeeds); the users actually added or removed are pushed.
    fn blacklist_change(
        &mut self,
        me: &Ident,
        req: &BlackListChangeRequest,
        add: bool,
        unix_s: u64,
    ) -> Result<(BlackListChangeReply, Queued), Fail> {
        check_caller(me, &req.from_account)?;
        if req.to_account.is_empty() {
            return refuse(codes::INVALID_PARAMETER, "To_Account is empty");
        }
        check_len("To_Account", &req.to_account, bounds::MAX_BLACKLIST)?;
        let mut current: BTreeSet<String> = self
            .store
            .blacklist(me.app, &me.user)?
            .into_iter()
            .map(|(peer, _)| peer)
            .collect();
        let mut results = Vec::with_capacity(req.to_account.len());
        let mut changed: Vec<String> = Vec::new();
        let mut changes = Vec::new();
        for peer in &req.to_account {
            if let Err(Fail::Refuse(code, info)) = check_peer("To_Account", peer) {
                results.push(result("", code, &info));
                continue;
            }
            if add && *peer == me.user {
                results.push(result(
                    peer,
                    codes::INVALID_PARAMETER,
                    "a user cannot block itself",
                ));
                continue;
            }
            if add == current.contains(peer) {
                results.push(result(peer, 0, ""));
                continue;
            }
            if add && current.len() >= bounds::MAX_BLACKLIST {
                results.push(result(
                    peer,
                    codes::TOO_MANY_ITEMS,
                    &format!("a blacklist holds at most {} users", bounds::MAX_BLACKLIST),
                ));
                continue;
            }
            if add {
                current.insert(peer.clone());
            } else {
                current.remove(peer);
            }
            changes.push(Change::Block {
                owner: me.user.clone(),
                peer: peer.clone(),
                time: unix_s,
                present: add,
            });
            changed.push(peer.clone());
            results.push(result(peer, 0, ""));
        }
        let mut notices = Vec::new();
        if !changed.is_empty() {
            let item = if add {
                FriendListMod {
                    push_type: PUSH_BLACKLIST_ADD,
                    black_list_add_account: Some(changed),
                    ..FriendListMod::default()
                }
            } else {
                FriendListMod {
                    push_type: PUSH_BLACKLIST_DEL,
                    black_list_del_account: Some(changed),
                    ..FriendListMod::default()
                }
            };
            notices.push(Notify::new(&me.user, blacklist_event(item)));
        }
        let queued = self.commit(me, changes, notices)?;
        Ok((
            BlackListChangeReply {
                base: BaseReply::ok(),
                result_item: results,
            },
            queued,
        ))
    }

    // ----- user status -------------------------------------------------------

    /// `user`'s status now: online, offline or not logged in.
    pub(crate) fn status_of(&self, unix_ms: u64, app: u64, user: &str) -> u8 {
        if !self.online_except(unix_ms, app, user, None).is_empty() {
            return STATUS_ONLINE;
        }
        let logged_in = self
            .a2s
            .of_user(app, user)
            .iter()
            .any(|r| r.kicked == 0 && r.expires_ms > unix_ms);
        if logged_in {
            STATUS_OFFLINE
        } else {
            STATUS_UNLOGINED
        }
    }

    /// `user`'s status may have changed (a session bound, unbound or
    /// ended): checked and pushed by [`settle_statuses`](Self::settle_statuses).
    pub(super) fn note_status_touched(&mut self, app: u64, user: &str) {
        self.status_touched.push((app, user.to_owned()));
    }

    /// Push the status of every user noted touched whose status differs
    /// from the last one pushed. Called at the end of each `handle_*`.
    pub(super) fn settle_statuses(&mut self, unix_ms: u64) {
        if self.status_touched.is_empty() {
            return;
        }
        let touched = std::mem::take(&mut self.status_touched);
        for (app, user) in touched {
            let now = self.status_of(unix_ms, app, &user);
            let key = (app, user);
            let before = self
                .last_status
                .get(&key)
                .copied()
                .unwrap_or(STATUS_UNLOGINED);
            if now == before {
                continue;
            }
            if now == STATUS_UNLOGINED {
                self.last_status.remove(&key);
                crate::shrink::after_removal(&mut self.last_status);
            } else {
                self.last_status.insert(key.clone(), now);
            }
            self.push_status(unix_ms, key.0, &key.1, now, None, false);
        }
    }

    /// Push `user`'s status to its watchers' sockets (and to the user's
    /// own sockets except `origin` when `to_self`).
    fn push_status(
        &mut self,
        unix_ms: u64,
        app: u64,
        user: &str,
        status: u8,
        origin: Option<ConnId>,
        to_self: bool,
    ) {
        let custom = match self.store.custom_status(app, user) {
            Ok(c) => c,
            Err(err) => {
                tracing::warn!(%err, "cannot read a custom status; its push is skipped");
                return;
            }
        };
        let mut watchers = match self.store.status_subscribers(app, user) {
            Ok(w) => w,
            Err(err) => {
                tracing::warn!(%err, "cannot read status subscribers; the push is skipped");
                return;
            }
        };
        watchers.extend(self.friend_status_watchers(app, user));
        let push = MsgPush {
            event_array: vec![PushEvent {
                event: EVENT_USER_STATUS,
                user_status_list: Some(vec![WireUserStatus {
                    to_account: user.to_owned(),
                    status,
                    custom_status: encode_custom_status(&custom),
                }]),
                ..PushEvent::default()
            }],
            need_ack: 0,
            session_data: String::new(),
        };
        let mut conns: BTreeSet<ConnId> = BTreeSet::new();
        for watcher in watchers.iter().filter(|w| w.as_str() != user) {
            conns.extend(self.online_except(unix_ms, app, watcher, None));
        }
        if to_self {
            conns.extend(self.online_except(unix_ms, app, user, origin));
        }
        for conn in conns {
            let gzip = self.gzip(conn);
            self.out.push(conn, gzip, app, servcmd::MSG_PUSH, &push);
        }
    }

    /// The users besides status subscribers who get `user`'s status
    /// changes: its two-way friends (ours: the official SDK raises
    /// USER_STATUS_UPDATED for any `UserStatusList` push, ungated by the
    /// purchase bit, relationship-facts §6, so the server decides who
    /// hears). A store failure loses only the friends' share of the push.
    pub(super) fn friend_status_watchers(&mut self, app: u64, user: &str) -> Vec<String> {
        let friends = match self.store.friends(app, user) {
            Ok(f) => f,
            Err(err) => {
                tracing::warn!(%err, "cannot read a friend list; friends miss a status push");
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for f in friends {
            match self.store.friend(app, &f.peer, user) {
                Ok(Some(_)) => out.push(f.peer),
                Ok(None) => {}
                Err(err) => {
                    tracing::warn!(%err, "cannot read a friend record; a friend misses a status push");
                }
            }
        }
        out
    }

    /// `im_open_status.ws_set_custom_status`: at most
    /// [`bounds::MAX_CUSTOM_STATUS_BYTES`] bytes.
    pub(super) fn on_status_set(&mut self, unix_ms: u64, conn: ConnId, gzip: bool, frame: &Frame) {
        let Some((me, req)) =
            self.begin_change::<SetCustomStatusRequest>(unix_ms, conn, gzip, frame)
        else {
            return;
        };
        let result = self.status_set(&me, &req);
        let ok = result.is_ok();
        self.finish_change(unix_ms, &me, conn, gzip, &frame.head, result);
        if ok {
            let status = self.status_of(unix_ms, me.app, &me.user);
            self.push_status(unix_ms, me.app, &me.user, status, Some(conn), true);
        }
    }

    fn status_set(
        &mut self,
        me: &Ident,
        req: &SetCustomStatusRequest,
    ) -> Result<(BaseReply, Queued), Fail> {
        if req.custom_status.len() > bounds::MAX_CUSTOM_STATUS_BYTES {
            return refuse(
                codes::INVALID_PARAMETER,
                format!(
                    "a custom status is at most {} bytes",
                    bounds::MAX_CUSTOM_STATUS_BYTES
                ),
            );
        }
        let queued = self.commit(
            me,
            vec![Change::CustomStatus {
                user: me.user.clone(),
                status: req.custom_status.clone(),
            }],
            Vec::new(),
        )?;
        Ok((BaseReply::ok(), queued))
    }

    /// `im_open_status.ws_get_user_status`: at most
    /// [`bounds::MAX_STATUS_QUERY`] users.
    pub(super) fn on_status_get(&mut self, unix_ms: u64, conn: ConnId, gzip: bool, frame: &Frame) {
        let Some((me, req)) = self.begin::<UserStatusRequest>(unix_ms, conn, gzip, frame) else {
            return;
        };
        let result = self.status_get(unix_ms, &me, &req);
        self.finish_query(conn, gzip, &frame.head, result);
    }

    fn status_get(
        &mut self,
        unix_ms: u64,
        me: &Ident,
        req: &UserStatusRequest,
    ) -> Result<GetUserStatusReply, Fail> {
        check_len("To_Account", &req.to_account, bounds::MAX_STATUS_QUERY)?;
        let mut reply = GetUserStatusReply {
            base: BaseReply::ok(),
            ..GetUserStatusReply::default()
        };
        for peer in &req.to_account {
            if let Err(fail) = check_peer("To_Account", peer) {
                reply.error_list.push(status_error("", fail));
                continue;
            }
            let custom = self.store.custom_status(me.app, peer)?;
            reply.user_status_list.push(WireUserStatus {
                to_account: peer.clone(),
                status: self.status_of(unix_ms, me.app, peer),
                custom_status: encode_custom_status(&custom),
            });
        }
        Ok(reply)
    }

    /// `im_open_status.ws_status_subscribe` (`subscribe`) or
    /// `ws_status_unsubscribe`: at most [`bounds::MAX_STATUS_SUBSCRIBE`]
    /// users a request, [`bounds::MAX_STATUS_SUBSCRIPTIONS`] in all.
    pub(super) fn on_status_subscription(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
        subscribe: bool,
    ) {
        let Some((me, req)) = self.begin_change::<UserStatusRequest>(unix_ms, conn, gzip, frame)
        else {
            return;
        };
        let result = self.status_subscription(&me, &req, subscribe);
        self.finish_change(unix_ms, &me, conn, gzip, &frame.head, result);
    }

    fn status_subscription(
        &mut self,
        me: &Ident,
        req: &UserStatusRequest,
        subscribe: bool,
    ) -> Result<(StatusSubscribeReply, Queued), Fail> {
        check_len("To_Account", &req.to_account, bounds::MAX_STATUS_SUBSCRIBE)?;
        let mut current: BTreeSet<String> = self
            .store
            .status_subscriptions(me.app, &me.user)?
            .into_iter()
            .collect();
        let targets: Vec<String> = if !subscribe && req.unsubscribe_all == 1 {
            current.iter().cloned().collect()
        } else {
            if req.to_account.is_empty() {
                return refuse(codes::INVALID_PARAMETER, "To_Account is empty");
            }
            req.to_account.clone()
        };
        let mut reply = StatusSubscribeReply {
            base: BaseReply::ok(),
            error_list: Vec::new(),
        };
        let mut changes = Vec::new();
        for target in &targets {
            if let Err(fail) = check_peer("To_Account", target) {
                reply.error_list.push(status_error("", fail));
                continue;
            }
            if subscribe && *target == me.user {
                reply.error_list.push(status_error(
                    target,
                    Fail::Refuse(
                        codes::INVALID_PARAMETER,
                        "a user cannot subscribe to itself".into(),
                    ),
                ));
                continue;
            }
            if subscribe == current.contains(target) {
                continue;
            }
            if subscribe && current.len() >= bounds::MAX_STATUS_SUBSCRIPTIONS {
                reply.error_list.push(status_error(
                    target,
                    Fail::Refuse(
                        codes::TOO_MANY_ITEMS,
                        format!(
                            "a user follows at most {} statuses",
                            bounds::MAX_STATUS_SUBSCRIPTIONS
                        ),
                    ),
                ));
                continue;
            }
            if subscribe {
                current.insert(target.clone());
            } else {
                current.remove(target);
            }
            changes.push(Change::StatusSubscription {
                subscriber: me.user.clone(),
                target: target.clone(),
                present: subscribe,
            });
        }
        let queued = self.commit(me, changes, Vec::new())?;
        Ok((reply, queued))
    }
}
