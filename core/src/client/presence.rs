//! The blacklist (`getBlacklist`, `addToBlacklist`, `removeFromBlacklist`,
//! BLACKLIST_UPDATED) and user statuses (`setSelfStatus`,
//! `getUserStatus`, `subscribeUserStatus`, `unsubscribeUserStatus`,
//! USER_STATUS_UPDATED): relationship-facts §5 and §6.
//!
//! The blacklist is fetched at every login and re-login
//! (`sns.black_list_get`, paged while `StartIndex` ≠ 0) and kept in step by
//! the `FriendListMod` pushes of the user's instances. Unlike the official
//! SDK 3.6.6, which ignores `black_list_add`'s reply, the reply of either
//! change is applied at once; BLACKLIST_UPDATED fires whenever the list
//! changes (once per change: the push that follows a reply changes
//! nothing).
//!
//! Other users' statuses need purchase bit 7 (3122 without a request
//! otherwise, as in the official SDK); the user's own status and
//! `setSelfStatus` do not. Custom statuses arrive base64-encoded and are
//! sent in plain text.

use std::collections::BTreeSet;
use std::time::Instant;

use super::conv_api::parse_reply;
use super::conv_list::valid_peer;
use super::features::Feature;
use super::request::{Call, Request};
use super::{Client, RequestId};
use crate::error::{ChatError, ErrorCode};
use crate::event::Event;
use crate::model::{UserStatus, UserStatusFailure, UserStatusResult};
use crate::proto::presence::{
    decode_custom_status, BlackListChangeReply, BlackListChangeRequest, BlackListGetReply,
    BlackListGetRequest, FriendListMod, GetUserStatusReply, SetCustomStatusRequest, StatusError,
    StatusSubscribeReply, UserStatusRequest, WireUserStatus,
};
use crate::proto::BaseReply;
use crate::types::UserStatusType;
use crate::wire::{servcmd, Frame};

/// A blacklist change: the user, and whether it was added.
type Delta = (String, bool);

/// The blacklist and this user's custom status.
#[derive(Debug, Default)]
pub(crate) struct Presence {
    /// The blocked users, in the order they became known.
    blacklist: Vec<String>,
    /// A login sync in progress: the users of the pages so far, and the
    /// pushes that arrived meanwhile (`true`: added), applied after it.
    sync: Option<(Vec<String>, Vec<Delta>)>,
    /// Pages of the sync in progress.
    pages: usize,
    /// This user's custom status, as last set or pushed.
    custom_status: String,
}

impl Presence {
    /// Users kept on the blacklist (a server sending more is not believed
    /// beyond that).
    pub(crate) const MAX_BLACKLIST: usize = 10_000;
    /// Users one `add_to_blacklist` or `remove_from_blacklist` names.
    pub(crate) const MAX_PER_CALL: usize = 1_000;
    /// Pages of one blacklist sync.
    pub(crate) const MAX_PAGES: usize = 100;
    /// Longest custom status, in bytes (tcchat's limit, as its server's).
    pub(crate) const MAX_CUSTOM_STATUS_BYTES: usize = 100;
    /// Users one `get_user_status` asks about (the official SDK's limit).
    pub(crate) const MAX_STATUS_QUERY: usize = 500;
    /// Users one (un)subscription names (the official SDK's limit).
    pub(crate) const MAX_STATUS_SUBSCRIBE: usize = 100;

    /// Apply one change; returns whether the list changed.
    fn apply(&mut self, user: &str, add: bool) -> bool {
        if let Some((_, delta)) = &mut self.sync {
            delta.push((user.to_owned(), add));
        }
        let at = self.blacklist.iter().position(|u| u == user);
        match (add, at) {
            (true, None) if self.blacklist.len() < Self::MAX_BLACKLIST && valid_peer(user) => {
                self.blacklist.push(user.to_owned());
                true
            }
            (false, Some(i)) => {
                self.blacklist.remove(i);
                true
            }
            _ => false,
        }
    }
}

/// A status as the server sent it, for the user.
fn user_status(w: &WireUserStatus) -> UserStatus {
    UserStatus {
        user_id: w.to_account.clone(),
        status_type: UserStatusType::try_from(w.status).unwrap_or(UserStatusType::Unknown),
        custom_status: decode_custom_status(&w.custom_status),
    }
}

fn failure(e: &StatusError) -> UserStatusFailure {
    UserStatusFailure {
        user_id: e.to_account.clone(),
        code: e.error_code,
        message: e.error_info.clone(),
    }
}

impl Client {
    // ----- blacklist ---------------------------------------------------------

    /// The session is live: fetch the blacklist (one sync at a time).
    pub(super) fn presence_session_live(&mut self, now: Instant) {
        if self.requests.has::<BlacklistPage>() {
            return;
        }
        self.presence.sync = Some((Vec::new(), Vec::new()));
        self.presence.pages = 0;
        self.request_blacklist_page(now, 0);
    }

    /// A login reply's `CustomStatus` (base64): this user's custom status,
    /// as the official SDK takes it.
    pub(super) fn presence_login_reply(&mut self, custom_status: &str) {
        self.presence.custom_status = decode_custom_status(custom_status);
    }

    /// The session ended: forget everything.
    pub(super) fn presence_reset(&mut self) {
        self.presence = Presence::default();
    }

    fn request_blacklist_page(&mut self, now: Instant, start_index: u64) {
        let body = BlackListGetRequest {
            from_account: self.current_user(),
            start_index,
            max_limited: 1000,
        };
        let timeout = self.ctx.tuning().request_timeout;
        self.enqueue(
            now,
            servcmd::BLACKLIST_GET,
            &body,
            timeout,
            BlacklistPage(start_index),
        );
    }

    fn on_blacklist_page(
        &mut self,
        now: Instant,
        sent: u64,
        reply: Result<BlackListGetReply, ChatError>,
    ) {
        let reply = match reply {
            Ok(r) => r,
            Err(err) => {
                if self.log_enabled(2) {
                    tracing::warn!(code = err.code.0, message = %err.message, "blacklist sync failed; retrying at the next login");
                }
                self.presence.sync = None;
                return;
            }
        };
        self.presence.pages += 1;
        if let Some((users, _)) = &mut self.presence.sync {
            for item in reply.black_list_item {
                if users.len() < Presence::MAX_BLACKLIST
                    && valid_peer(&item.to_account)
                    && !users.contains(&item.to_account)
                {
                    users.push(item.to_account);
                }
            }
        }
        // Page on while StartIndex ≠ 0, as the official SDK; but not
        // forever: a cursor that does not move, or too many pages, ends it.
        if reply.start_index != 0
            && reply.start_index != sent
            && self.presence.pages < Presence::MAX_PAGES
        {
            self.request_blacklist_page(now, reply.start_index);
            return;
        }
        let Some((users, delta)) = self.presence.sync.take() else {
            return;
        };
        let before = std::mem::replace(&mut self.presence.blacklist, users);
        for (user, add) in delta {
            self.presence.apply(&user, add);
        }
        if self.presence.blacklist != before {
            self.emit(Event::BlacklistUpdated(self.presence.blacklist.clone()));
        }
    }

    /// Apply blacklist changes (from a reply or a push); BLACKLIST_UPDATED
    /// when the list changed.
    fn blacklist_changed(&mut self, users: &[String], add: bool) {
        let mut changed = false;
        for user in users {
            changed |= self.presence.apply(user, add);
        }
        if changed {
            self.emit(Event::BlacklistUpdated(self.presence.blacklist.clone()));
        }
    }

    /// `FriendListMod` items: the blacklist's (`BlackListAdd_Account`,
    /// `BlackListDel_Account`, whatever their `PushType`).
    pub(super) fn presence_on_friend_list_mod(&mut self, mods: &[FriendListMod]) {
        for m in mods {
            if let Some(users) = &m.black_list_add_account {
                self.blacklist_changed(users, true);
            }
            if let Some(users) = &m.black_list_del_account {
                self.blacklist_changed(users, false);
            }
        }
    }

    /// `getBlacklist()`: the blocked users' IDs, from the list kept since
    /// login (as the official SDK). Fails only when not logged in.
    pub fn get_blacklist(&mut self) -> Result<Vec<String>, ChatError> {
        self.require_ready("getBlacklist")?;
        Ok(self.presence.blacklist.clone())
    }

    /// 2905 unless `user_ids` holds 1 to `max` valid user IDs; returns them
    /// without duplicates.
    pub(super) fn check_user_ids(
        &mut self,
        api: &str,
        user_ids: &[String],
        max: usize,
    ) -> Result<Vec<String>, ChatError> {
        if user_ids.is_empty() || user_ids.len() > max {
            return Err(self.api_error(
                ErrorCode::INVALID_OPERATION,
                format!("{api}: give 1 to {max} user IDs"),
            ));
        }
        let mut seen = BTreeSet::new();
        let mut out = Vec::with_capacity(user_ids.len());
        for id in user_ids {
            if !valid_peer(id) {
                return Err(self.api_error(
                    ErrorCode::INVALID_OPERATION,
                    format!(
                        "{api}: a user ID is 1 to {} bytes",
                        Client::MAX_USER_ID_BYTES
                    ),
                ));
            }
            if seen.insert(id.as_str()) {
                out.push(id.clone());
            }
        }
        Ok(out)
    }

    /// `addToBlacklist({userIDList})`: `sns.black_list_add`. Completes with
    /// the whole blacklist after the change (the official SDK 3.6.6
    /// resolves with the list before it); BLACKLIST_UPDATED fires when it
    /// changed, here and on the user's other instances. The blocked users'
    /// C2C messages to this user are refused by the server (20007). Refused
    /// with 2742 when the list names this user, 2905 for an empty list, more
    /// than 1,000 users or a bad ID.
    pub fn add_to_blacklist(
        &mut self,
        now: Instant,
        user_ids: &[String],
    ) -> Result<RequestId<Vec<String>>, ChatError> {
        self.change_blacklist(now, "addToBlacklist", user_ids, true)
    }

    /// `removeFromBlacklist({userIDList})`: `sns.black_list_delete`.
    /// Completes with the whole blacklist after the change;
    /// BLACKLIST_UPDATED fires when it changed, here and on the user's
    /// other instances. Refused with 2905 for an empty list, more than
    /// 1,000 users or a bad ID.
    pub fn remove_from_blacklist(
        &mut self,
        now: Instant,
        user_ids: &[String],
    ) -> Result<RequestId<Vec<String>>, ChatError> {
        self.change_blacklist(now, "removeFromBlacklist", user_ids, false)
    }

    fn change_blacklist(
        &mut self,
        now: Instant,
        api: &'static str,
        user_ids: &[String],
        add: bool,
    ) -> Result<RequestId<Vec<String>>, ChatError> {
        let me = self.require_ready(api)?.user_id.clone();
        let users = self.check_user_ids(api, user_ids, Presence::MAX_PER_CALL)?;
        if add && users.contains(&me) {
            return Err(self.api_error(
                ErrorCode::CANNOT_ADD_SELF_TO_BLACKLIST,
                format!("{api}: a user cannot block itself"),
            ));
        }
        self.check_capacity()?;
        let body = BlackListChangeRequest {
            from_account: me,
            to_account: users,
        };
        let cmd = if add {
            servcmd::BLACKLIST_ADD
        } else {
            servcmd::BLACKLIST_DELETE
        };
        Ok(self.enqueue_command(now, cmd, &body, |id| {
            Call::change(
                id,
                move |client: &mut Client, _now, id, status, frame: &Frame| {
                    let outcome = parse_reply::<BlackListChangeReply>(status, frame).map(|reply| {
                        let done: Vec<String> = reply
                            .result_item
                            .into_iter()
                            .filter(|r| r.result_code == 0)
                            .map(|r| r.to_account)
                            .collect();
                        client.blacklist_changed(&done, add);
                        client.presence.blacklist.clone()
                    });
                    client.complete(id, outcome);
                },
            )
        }))
    }

    // ----- user status -------------------------------------------------------

    /// `UserStatusList` pushed: USER_STATUS_UPDATED with the statuses; one
    /// for this user also sets its cached custom status (set on another
    /// instance).
    pub(super) fn presence_on_user_statuses(&mut self, list: &[WireUserStatus]) {
        let me = self.current_user();
        let statuses: Vec<UserStatus> = list
            .iter()
            .filter(|w| valid_peer(&w.to_account))
            .map(user_status)
            .collect();
        if let Some(mine) = statuses.iter().rev().find(|s| s.user_id == me) {
            self.presence.custom_status = mine.custom_status.clone();
        }
        if !statuses.is_empty() {
            self.emit(Event::UserStatusUpdated(statuses));
        }
    }

    /// This user's status as answered locally: online, with the custom
    /// status last set or pushed.
    fn my_status(&self, me: &str) -> UserStatus {
        UserStatus {
            user_id: me.to_owned(),
            status_type: UserStatusType::Online,
            custom_status: self.presence.custom_status.clone(),
        }
    }

    /// `setSelfStatus({customStatus})`: `ws_set_custom_status` (plain
    /// text). Completes with this user's status; the user's subscribers and
    /// other instances get USER_STATUS_UPDATED. Needs no purchase bit.
    /// Refused with 2905 past 100 bytes (tcchat's limit).
    pub fn set_self_status(
        &mut self,
        now: Instant,
        custom_status: &str,
    ) -> Result<RequestId<UserStatus>, ChatError> {
        const API: &str = "setSelfStatus";
        let me = self.require_ready(API)?.user_id.clone();
        if custom_status.len() > Presence::MAX_CUSTOM_STATUS_BYTES {
            return Err(self.api_error(
                ErrorCode::INVALID_OPERATION,
                format!(
                    "{API}: a custom status is at most {} bytes",
                    Presence::MAX_CUSTOM_STATUS_BYTES
                ),
            ));
        }
        self.check_capacity()?;
        let body = SetCustomStatusRequest {
            custom_status: custom_status.to_owned(),
        };
        let text = custom_status.to_owned();
        Ok(self.enqueue_command(now, servcmd::STATUS_SET, &body, |id| {
            Call::change(
                id,
                move |client: &mut Client, _now, id, status, frame: &Frame| {
                    let outcome = parse_reply::<BaseReply>(status, frame).map(|_| {
                        client.presence.custom_status = text;
                        client.my_status(&me)
                    });
                    client.complete(id, outcome);
                },
            )
        }))
    }

    /// `getUserStatus({userIDList})`: `ws_get_user_status` for the others;
    /// this user's own status is answered locally (and alone needs no
    /// request and no purchase bit). Refused with 3122 without purchase
    /// bit 7 when it names others, 2905 for an empty list, more than 500
    /// users or a bad ID.
    pub fn get_user_status(
        &mut self,
        now: Instant,
        user_ids: &[String],
    ) -> Result<RequestId<UserStatusResult>, ChatError> {
        const API: &str = "getUserStatus";
        let me = self.require_ready(API)?.user_id.clone();
        let users = self.check_user_ids(API, user_ids, Presence::MAX_STATUS_QUERY)?;
        let mine = users.contains(&me).then(|| self.my_status(&me));
        let others: Vec<String> = users.into_iter().filter(|u| *u != me).collect();
        if others.is_empty() {
            let id = self.next_request_id();
            let result = UserStatusResult {
                success_user_list: mine.into_iter().collect(),
                failure_user_list: Vec::new(),
            };
            self.complete(id, Ok(result));
            return Ok(id);
        }
        self.require_feature(Feature::UserStatus, API)?;
        self.check_capacity()?;
        let body = UserStatusRequest {
            to_account: others,
            unsubscribe_all: 0,
        };
        Ok(self.enqueue_command(now, servcmd::STATUS_GET, &body, |id| {
            Call::query(
                id,
                move |client: &mut Client, _now, id, status, frame: &Frame| {
                    let outcome = parse_reply::<GetUserStatusReply>(status, frame).map(|reply| {
                        UserStatusResult {
                            success_user_list: mine
                                .into_iter()
                                .chain(reply.user_status_list.iter().map(user_status))
                                .collect(),
                            failure_user_list: reply.error_list.iter().map(failure).collect(),
                        }
                    });
                    client.complete(id, outcome);
                },
            )
        }))
    }

    /// `subscribeUserStatus({userIDList})`: `ws_status_subscribe`. From
    /// then on USER_STATUS_UPDATED reports these users' logins, logouts,
    /// disconnections and custom statuses. Completes with the users it
    /// failed for. Refused with 3122 without purchase bit 7, 2905 for an
    /// empty list, more than 100 users or a bad ID.
    pub fn subscribe_user_status(
        &mut self,
        now: Instant,
        user_ids: &[String],
    ) -> Result<RequestId<Vec<UserStatusFailure>>, ChatError> {
        const API: &str = "subscribeUserStatus";
        self.require_ready(API)?;
        self.require_feature(Feature::UserStatus, API)?;
        let users = self.check_user_ids(API, user_ids, Presence::MAX_STATUS_SUBSCRIBE)?;
        self.send_subscription(now, servcmd::STATUS_SUBSCRIBE, users, 0)
    }

    /// `unsubscribeUserStatus({userIDList})`: `ws_status_unsubscribe`; an
    /// empty list stops every subscription (`UnsubscribeAll`). Completes
    /// with the users it failed for. Refused with 3122 without purchase
    /// bit 7, 2905 for more than 100 users or a bad ID.
    pub fn unsubscribe_user_status(
        &mut self,
        now: Instant,
        user_ids: &[String],
    ) -> Result<RequestId<Vec<UserStatusFailure>>, ChatError> {
        const API: &str = "unsubscribeUserStatus";
        self.require_ready(API)?;
        self.require_feature(Feature::UserStatus, API)?;
        if user_ids.is_empty() {
            return self.send_subscription(now, servcmd::STATUS_UNSUBSCRIBE, Vec::new(), 1);
        }
        let users = self.check_user_ids(API, user_ids, Presence::MAX_STATUS_SUBSCRIBE)?;
        self.send_subscription(now, servcmd::STATUS_UNSUBSCRIBE, users, 0)
    }

    fn send_subscription(
        &mut self,
        now: Instant,
        cmd: &'static str,
        users: Vec<String>,
        all: u8,
    ) -> Result<RequestId<Vec<UserStatusFailure>>, ChatError> {
        self.check_capacity()?;
        let body = UserStatusRequest {
            to_account: users,
            unsubscribe_all: all,
        };
        Ok(self.enqueue_command(now, cmd, &body, |id| {
            Call::change(
                id,
                move |client: &mut Client, _now, id, status, frame: &Frame| {
                    let outcome = parse_reply::<StatusSubscribeReply>(status, frame)
                        .map(|reply| reply.error_list.iter().map(failure).collect());
                    client.complete(id, outcome);
                },
            )
        }))
    }
}

/// A page of `sns.black_list_get` from this index: the SDK's own sync at
/// login.
#[derive(Debug)]
struct BlacklistPage(u64);

impl Request for BlacklistPage {
    fn is_internal(&self) -> bool {
        true
    }

    fn is_login_sync(&self) -> bool {
        true
    }

    fn on_reply(
        self: Box<Self>,
        client: &mut Client,
        now: Instant,
        status: Result<(), ChatError>,
        frame: &Frame,
    ) {
        client.on_blacklist_page(now, self.0, parse_reply(status, frame));
    }

    /// A failed sync is retried at the next login.
    fn on_failed(self: Box<Self>, client: &mut Client, err: ChatError) {
        if client.log_enabled(2) {
            tracing::warn!(code = err.code.0, message = %err.message, "a blacklist sync request failed");
        }
        client.presence.sync = None;
    }
}
