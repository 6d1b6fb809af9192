//! Profiles and friends held by the client (relationship-facts §1–§2): my
//! profile, the friend list (with the friends' profiles), and a bounded
//! cache of other users' profiles; the sync at login and after every
//! reconnect (`portrait_get_all` for me, `friend_get` paged), and the
//! pushes `ProfileDataMod` and `FriendListMod`. The APIs are in
//! `profile_api.rs` and `friend_api.rs`.
//!
//! PROFILE_UPDATED fires for me and for friends only, never for another
//! user (as the official SDK); FRIEND_LIST_UPDATED carries the whole list.

use std::collections::BTreeMap;
use std::time::Instant;

use super::conv_api::parse_reply;
use super::request::Request;
use super::Client;
use crate::error::ChatError;
use crate::event::Event;
use crate::model::{CustomField, Friend, FriendApplication, Profile};
use crate::proto::sns::{
    tag, FriendGetReply, FriendGetRequest, FriendGetSpecifiedReply, FriendGetSpecifiedRequest,
    FriendListMod, PendencyGetReply, PendencyGetRequest, PortraitGetReply, PortraitGetRequest,
    PortraitUserItem, ProfileDataMod, TagValue, FRIEND_GET, FRIEND_GET_SPECIFIED, PENDENCY_COME_IN,
    PENDENCY_GET, PORTRAIT_GET,
};
use crate::types::SnsApplicationType;
use crate::wire::Frame;

/// Relationship state of the logged-in user.
#[derive(Debug, Default)]
pub(super) struct Relations {
    /// My profile, once fetched.
    pub(super) me: Option<Profile>,
    /// The friend list by user ID (complete once `friends_synced`).
    pub(super) friends: BTreeMap<String, Friend>,
    /// Whether a `friend_get` sync completed in this session.
    pub(super) friends_synced: bool,
    /// Other users' profiles fetched by `get_user_profile`.
    pub(super) strangers: BTreeMap<String, Profile>,
    /// Friends gathered by a `friend_get` sync in progress, and its pages
    /// so far.
    sync_pages: Option<(Vec<Friend>, usize)>,
    /// Friends a push added, waiting for their `friend_get_specified` (one
    /// such request at a time).
    added_queue: Vec<String>,
    /// Friend applications, both directions (replaced by every fetch).
    pub(super) applications: Vec<FriendApplication>,
    /// Applications sent to me and not marked read.
    pub(super) unread_applications: u64,
    /// A push asked for a refetch while one was in flight.
    refetch_applications: bool,
    /// The friend group names, in order (members are in the friends'
    /// `group_list`; see `friend_groups.rs`).
    pub(super) group_names: Vec<String>,
    /// The friend-group push asked for a refetch while one was in flight.
    pub(super) refetch_groups: bool,
    /// A profile this client holds may have changed since the
    /// conversations' `userProfile` were last taken from them.
    pub(super) profiles_dirty: bool,
}

impl Relations {
    /// Most profiles of non-friends kept (the oldest fetched go first).
    pub(super) const MAX_STRANGERS: usize = 1000;
    /// Most `friend_get` pages of one sync (a server that never completes
    /// cannot keep the client paging).
    const MAX_PAGES: usize = 1000;
    /// Most users of one `portrait_get_all` (the official SDK's batch).
    pub(super) const PROFILE_BATCH: usize = 100;
    /// Most added friends waiting to be fetched (more are left to the next
    /// login's sync).
    const MAX_ADDED_QUEUE: usize = 3000;

    /// The profile of `user` this client holds (me, a friend, or a cached
    /// stranger).
    pub(super) fn cached_profile(&self, me: &str, user: &str) -> Option<Profile> {
        if user == me {
            return self.me.clone();
        }
        if let Some(f) = self.friends.get(user) {
            return Some(f.profile.clone());
        }
        self.strangers.get(user).cloned()
    }

    /// Keep a stranger's profile (bounded: the smallest IDs are dropped
    /// first, which is deterministic and good enough for a cache).
    pub(super) fn keep_stranger(&mut self, profile: Profile) {
        self.profiles_dirty = true;
        self.strangers.insert(profile.user_id.clone(), profile);
        while self.strangers.len() > Self::MAX_STRANGERS {
            self.strangers.pop_first();
        }
    }

    /// Most applications kept (the server's list is replaced at every
    /// fetch; pushes add at most up to this).
    const MAX_APPLICATIONS: usize = 1000;

    /// The friend list, in user ID order.
    pub(super) fn friend_list(&self) -> Vec<Friend> {
        self.friends.values().cloned().collect()
    }
}

/// Apply profile tags to `p`; whether anything changed. Unknown tags are
/// ignored (the official SDK logs and skips them).
pub(super) fn apply_profile_tags(p: &mut Profile, tags: &[TagValue]) -> bool {
    let before = p.clone();
    for t in tags {
        match t.tag.as_str() {
            tag::NICK => p.nick = t.as_text(),
            tag::GENDER => p.gender = t.as_text(),
            tag::BIRTHDAY => p.birthday = t.as_u64(),
            tag::LOCATION => p.location = t.as_text(),
            tag::SELF_SIGNATURE => p.self_signature = t.as_text(),
            tag::ALLOW_TYPE => p.allow_type = t.as_text(),
            tag::LANGUAGE => p.language = t.as_u64(),
            tag::IMAGE => p.avatar = t.as_text(),
            tag::MSG_SETTINGS => p.message_settings = t.as_u64(),
            tag::ADMIN_FORBID_TYPE => p.admin_forbid_type = t.as_text(),
            tag::LEVEL => p.level = t.as_u64(),
            tag::ROLE => p.role = t.as_u64(),
            custom if custom.starts_with(tag::CUSTOM_PREFIX) => {
                set_custom(&mut p.profile_custom_field, custom, t.as_text());
            }
            _ => {}
        }
    }
    *p != before
}

/// Set `key` to `value` in a custom field list (in key order).
fn set_custom(fields: &mut Vec<CustomField>, key: &str, value: String) {
    match fields.iter_mut().find(|f| f.key == key) {
        Some(f) => f.value = value,
        None => {
            fields.push(CustomField {
                key: key.to_owned(),
                value,
            });
            fields.sort_by(|a, b| a.key.cmp(&b.key));
        }
    }
}

/// Apply friend fields (`Tag_SNS_*`) and profile tags (`Tag_Profile_*`) to
/// `f`; whether anything changed.
pub(super) fn apply_friend_tags(f: &mut Friend, tags: &[TagValue]) -> bool {
    let before = f.clone();
    let mut profile_tags = Vec::new();
    for t in tags {
        match t.tag.as_str() {
            tag::SNS_REMARK => f.remark = t.as_text(),
            tag::SNS_GROUP => {
                f.group_list = match &t.value {
                    serde_json::Value::Array(names) => names
                        .iter()
                        .filter_map(|n| n.as_str().map(str::to_owned))
                        .collect(),
                    _ => Vec::new(),
                };
            }
            tag::SNS_ADD_SOURCE => f.source = t.as_text(),
            tag::SNS_ADD_TIME => f.add_time = t.as_u64(),
            custom if custom.starts_with(tag::SNS_CUSTOM_PREFIX) => {
                set_custom(&mut f.friend_custom_field, custom, t.as_text());
            }
            profile if profile.starts_with(tag::PROFILE_PREFIX) => profile_tags.push(t.clone()),
            _ => {}
        }
    }
    apply_profile_tags(&mut f.profile, &profile_tags);
    *f != before
}

/// A friend entry from its tags.
pub(super) fn friend_from_tags(user_id: &str, tags: &[TagValue], now_ms: u64) -> Friend {
    let mut f = Friend {
        user_id: user_id.to_owned(),
        profile: Profile {
            user_id: user_id.to_owned(),
            last_updated_time: now_ms,
            ..Profile::default()
        },
        ..Friend::default()
    };
    apply_friend_tags(&mut f, tags);
    f
}

impl Client {
    /// The session went live (login or reconnect): fetch my profile and the
    /// friend list again, as the official SDK does.
    pub(super) fn relations_session_live(&mut self, now: Instant) {
        if !self.requests.has::<MyProfileFetch>() {
            let me = self.current_user();
            let body = PortraitGetRequest {
                from_account: me.clone(),
                user_item: vec![PortraitUserItem {
                    to_account: me,
                    ..PortraitUserItem::default()
                }],
            };
            let timeout = self.ctx.tuning().request_timeout;
            self.enqueue(now, PORTRAIT_GET, &body, timeout, MyProfileFetch);
        }
        if !self.requests.has::<FriendPage>() {
            self.relations.sync_pages = Some((Vec::new(), 0));
            self.request_friend_page(now, 0, 0, 0);
        }
        if !self
            .requests
            .has::<super::friend_groups::FriendGroupFetch>()
        {
            self.fetch_friend_groups(now);
        }
        self.fetch_applications(now);
    }

    /// Fetch the friend applications (`sns.pendency_get`), or ask for one
    /// more fetch after the one in flight.
    pub(super) fn fetch_applications(&mut self, now: Instant) {
        if self.requests.has::<PendencyFetch>() {
            self.relations.refetch_applications = true;
            return;
        }
        let body = PendencyGetRequest {
            from_account: self.current_user(),
            pendency_type: "Pendency_Type_Both".to_owned(),
            start_time: 0,
            max_limited: 100,
            last_sequence: 0,
        };
        let timeout = self.ctx.tuning().request_timeout;
        self.enqueue(now, PENDENCY_GET, &body, timeout, PendencyFetch);
    }

    fn on_applications(&mut self, now: Instant, reply: Result<PendencyGetReply, ChatError>) {
        match reply {
            Ok(r) => {
                self.relations.applications = r
                    .pendency_item
                    .into_iter()
                    .filter(|p| !p.to_account.is_empty())
                    .take(Relations::MAX_APPLICATIONS)
                    .map(|p| FriendApplication {
                        user_id: p.to_account,
                        nick: p.nick,
                        avatar: p.image,
                        kind: if p.pendency_type == PENDENCY_COME_IN {
                            SnsApplicationType::SentToMe
                        } else {
                            SnsApplicationType::SentByMe
                        },
                        source: p.add_source,
                        wording: p.add_wording,
                        time: p.add_time,
                    })
                    .collect();
                self.relations.unread_applications = r.unread_pendency_count;
                self.emit_applications();
            }
            Err(err) => {
                if self.log_enabled(2) {
                    tracing::warn!(code = err.code.0, message = %err.message, "friend applications could not be fetched");
                }
            }
        }
        if std::mem::take(&mut self.relations.refetch_applications) {
            self.fetch_applications(now);
        }
    }

    /// FRIEND_APPLICATION_LIST_UPDATED with the list and the unread count.
    pub(super) fn emit_applications(&mut self) {
        self.emit(Event::FriendApplicationListUpdated {
            friend_application_list: self.relations.applications.clone(),
            unread_count: self.relations.unread_applications,
        });
    }

    /// The conversations' `userProfile`: each C2C peer's profile this
    /// client holds (me, a friend, a user fetched before), taken again
    /// when a profile or the list changed.
    pub(super) fn refresh_conversation_profiles(&mut self) {
        if !self.relations.profiles_dirty && !self.convs.list_dirty() {
            return;
        }
        self.relations.profiles_dirty = false;
        let me = self.current_user();
        let profiles = self
            .convs
            .c2c_peers()
            .into_iter()
            .filter_map(|peer| {
                let p = self.relations.cached_profile(&me, &peer)?;
                Some((peer, p))
            })
            .collect();
        self.convs.set_user_profiles(profiles);
    }

    /// Give messages that came without a sender nick or avatar the ones of
    /// the sender's profile this client holds (me, a friend, a user
    /// fetched before); nothing is fetched for it.
    pub(super) fn fill_sender_profiles(&self, messages: &mut [crate::model::Message]) {
        let me = self.current_user();
        for m in messages {
            if !m.nick.is_empty() && !m.avatar.is_empty() {
                continue;
            }
            if let Some(p) = self.relations.cached_profile(&me, &m.from) {
                if m.nick.is_empty() {
                    m.nick = p.nick;
                }
                if m.avatar.is_empty() {
                    m.avatar = p.avatar;
                }
            }
        }
    }

    /// The session ended: forget everything.
    pub(super) fn relations_reset(&mut self) {
        self.relations = Relations::default();
    }

    fn request_friend_page(&mut self, now: Instant, start: u64, standard: u64, custom: u64) {
        let body = FriendGetRequest {
            from_account: self.current_user(),
            start_index: start,
            standard_sequence: standard,
            custom_sequence: custom,
        };
        let timeout = self.ctx.tuning().request_timeout;
        self.enqueue(now, FRIEND_GET, &body, timeout, FriendPage(start));
    }

    fn on_friend_page(
        &mut self,
        now: Instant,
        sent: u64,
        reply: Result<FriendGetReply, ChatError>,
    ) {
        let reply = match reply {
            Ok(r) => r,
            Err(err) => {
                if self.log_enabled(2) {
                    tracing::warn!(code = err.code.0, message = %err.message, "friend list sync failed; retrying at the next login");
                }
                self.relations.sync_pages = None;
                return;
            }
        };
        let now_ms = self.clock.local_ms(now);
        let (pages, page_count) = self
            .relations
            .sync_pages
            .get_or_insert_with(|| (Vec::new(), 0));
        *page_count += 1;
        let page_count = *page_count;
        pages.extend(
            reply
                .user_data_item
                .iter()
                .filter(|u| !u.to_account.is_empty())
                .map(|u| friend_from_tags(&u.to_account, &u.value_item, now_ms)),
        );
        if reply.complete_flag == 0
            && reply.next_start_index != sent
            && reply.next_start_index != 0
            && page_count < Relations::MAX_PAGES
        {
            self.request_friend_page(
                now,
                reply.next_start_index,
                reply.standard_sequence,
                reply.custom_sequence,
            );
            return;
        }
        let (list, _) = self.relations.sync_pages.take().unwrap_or_default();
        self.relations.friends = list.into_iter().map(|f| (f.user_id.clone(), f)).collect();
        for id in self.relations.friends.keys() {
            self.relations.strangers.remove(id);
        }
        self.relations.friends_synced = true;
        let list = self.relations.friend_list();
        self.emit(Event::FriendListUpdated(list));
    }

    fn on_my_profile(&mut self, now: Instant, reply: Result<PortraitGetReply, ChatError>) {
        let reply = match reply {
            Ok(r) => r,
            Err(err) => {
                if self.log_enabled(2) {
                    tracing::warn!(code = err.code.0, message = %err.message, "my profile could not be fetched");
                }
                return;
            }
        };
        let me = self.current_user();
        if let Some(item) = reply.user_profile_item.iter().find(|u| u.to_account == me) {
            let mut p = Profile {
                user_id: me,
                last_updated_time: self.clock.local_ms(now),
                ..Profile::default()
            };
            apply_profile_tags(&mut p, &item.profile_item);
            self.relations.me = Some(p);
            self.relations.profiles_dirty = true;
        }
    }

    /// `ProfileDataMod`: merge each change; PROFILE_UPDATED with the merged
    /// profiles of me and friends that changed, then FRIEND_LIST_UPDATED
    /// if a friend changed. Strangers' cached copies are updated silently.
    pub(super) fn on_profile_data_mod(&mut self, now: Instant, mods: &[ProfileDataMod]) {
        let me = self.current_user();
        let now_ms = self.clock.local_ms(now);
        let mut changed = Vec::new();
        let mut friend_changed = false;
        for m in mods {
            let user = m.profile_account.as_str();
            if user.is_empty() {
                continue;
            }
            if user == me {
                let p = self.relations.me.get_or_insert_with(|| Profile {
                    user_id: me.clone(),
                    ..Profile::default()
                });
                if apply_profile_tags(p, &m.profile_list) {
                    p.last_updated_time = now_ms;
                    changed.push(p.clone());
                }
            } else if let Some(f) = self.relations.friends.get_mut(user) {
                if apply_profile_tags(&mut f.profile, &m.profile_list) {
                    f.profile.last_updated_time = now_ms;
                    changed.push(f.profile.clone());
                    friend_changed = true;
                }
            } else if let Some(p) = self.relations.strangers.get_mut(user) {
                self.relations.profiles_dirty |= apply_profile_tags(p, &m.profile_list);
            }
        }
        if !changed.is_empty() {
            self.emit(Event::ProfileUpdated(changed));
        }
        if friend_changed {
            let list = self.relations.friend_list();
            self.emit(Event::FriendListUpdated(list));
        }
    }

    /// `FriendListMod`: friends added (fetched with
    /// `friend_get_specified`), deleted, or their fields changed.
    pub(super) fn on_friend_list_mod(&mut self, now: Instant, mods: &[FriendListMod]) {
        let mut changed = false;
        let mut added = Vec::new();
        let mut refetch = false;
        let mut applications_changed = false;
        let mut refetch_groups = false;
        let groups_before = self.friend_group_list();
        let me = self.current_user();
        for m in mods {
            refetch_groups |= m.push_type == FriendListMod::FRIEND_GROUPS_CHANGED
                && m.friend_group_changed.is_some();
            refetch |= m.friend_add_account.as_ref().is_some_and(|l| !l.is_empty())
                || m.pendency_del_account
                    .as_ref()
                    .is_some_and(|l| !l.is_empty());
            for p in m.pendency_add.iter().flatten() {
                if p.pendency_add_account.is_empty()
                    || p.pendency_add_account.len() > Client::MAX_USER_ID_BYTES
                {
                    continue;
                }
                let kind = if m.from_account == me {
                    SnsApplicationType::SentByMe
                } else {
                    SnsApplicationType::SentToMe
                };
                let list = &mut self.relations.applications;
                let known = list
                    .iter()
                    .position(|a| a.user_id == p.pendency_add_account && a.kind == kind);
                let item = FriendApplication {
                    user_id: p.pendency_add_account.clone(),
                    nick: p.profile_im_nick.clone(),
                    avatar: p.profile_im_image.clone(),
                    kind,
                    source: p.add_source.clone(),
                    wording: p.add_wording.clone(),
                    time: p.add_time,
                };
                match known {
                    Some(i) => list[i] = item,
                    None if list.len() < Relations::MAX_APPLICATIONS => {
                        list.push(item);
                        if kind == SnsApplicationType::SentToMe {
                            self.relations.unread_applications += 1;
                        }
                    }
                    None => {}
                }
                applications_changed = true;
            }
            if m.push_type == FriendListMod::APPLICATIONS_READ && m.report_time.is_some() {
                self.relations.unread_applications = 0;
                applications_changed = true;
            }
            for id in m.friend_add_account.iter().flatten() {
                if !id.is_empty() && id.len() <= Client::MAX_USER_ID_BYTES && !added.contains(id) {
                    added.push(id.clone());
                }
            }
            for id in m.friend_del_account.iter().flatten() {
                if let Some(f) = self.relations.friends.remove(id) {
                    // Its profile stays known (the conversation's
                    // `userProfile` keeps the nick), silently.
                    self.relations.keep_stranger(f.profile);
                    changed = true;
                }
            }
            for up in m.friend_up_info.iter().flatten() {
                if let Some(f) = self.relations.friends.get_mut(&up.friend_account) {
                    changed |= apply_friend_tags(f, &up.sns);
                }
            }
        }
        if changed {
            let list = self.relations.friend_list();
            self.emit(Event::FriendListUpdated(list));
            self.emit_friend_groups_if_changed(&groups_before);
        }
        if refetch_groups {
            self.fetch_friend_groups(now);
        }
        for id in added {
            let queue = &mut self.relations.added_queue;
            if queue.len() < Relations::MAX_ADDED_QUEUE && !queue.contains(&id) {
                queue.push(id);
            }
        }
        self.fetch_added_friends(now);
        if applications_changed {
            self.emit_applications();
        }
        if refetch {
            self.fetch_applications(now);
        }
    }

    /// Send `friend_get_specified` for the next batch of added friends,
    /// unless one is in flight.
    fn fetch_added_friends(&mut self, now: Instant) {
        if self.relations.added_queue.is_empty() || self.requests.has::<AddedFriends>() {
            return;
        }
        let n = self
            .relations
            .added_queue
            .len()
            .min(Relations::PROFILE_BATCH);
        let batch: Vec<String> = self.relations.added_queue.drain(..n).collect();
        let body = FriendGetSpecifiedRequest {
            from_account: self.current_user(),
            to_account: batch,
        };
        let timeout = self.ctx.tuning().request_timeout;
        self.enqueue(now, FRIEND_GET_SPECIFIED, &body, timeout, AddedFriends);
    }

    fn on_added_friends(
        &mut self,
        now: Instant,
        reply: Result<FriendGetSpecifiedReply, ChatError>,
    ) {
        let reply = match reply {
            Ok(r) => r,
            Err(err) => {
                if self.log_enabled(2) {
                    tracing::warn!(code = err.code.0, message = %err.message, "new friends could not be fetched");
                }
                self.fetch_added_friends(now);
                return;
            }
        };
        let now_ms = self.clock.local_ms(now);
        let mut changed = false;
        let groups_before = self.friend_group_list();
        for item in &reply.info_item {
            if item.result_code != 0 || item.to_account.is_empty() {
                continue;
            }
            let f = friend_from_tags(&item.to_account, &item.sns_profile_item, now_ms);
            self.relations.strangers.remove(&f.user_id);
            if self.relations.friends.get(&f.user_id) != Some(&f) {
                self.relations.friends.insert(f.user_id.clone(), f);
                changed = true;
            }
        }
        if changed {
            let list = self.relations.friend_list();
            self.emit(Event::FriendListUpdated(list));
            self.emit_friend_groups_if_changed(&groups_before);
        }
        self.fetch_added_friends(now);
    }
}

/// My profile at login (`portrait_get_all` for me): the SDK's own request.
#[derive(Debug)]
struct MyProfileFetch;

impl Request for MyProfileFetch {
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
        client.on_my_profile(now, parse_reply(status, frame));
    }

    fn on_failed(self: Box<Self>, client: &mut Client, err: ChatError) {
        if client.log_enabled(2) {
            tracing::warn!(code = err.code.0, message = %err.message, "my profile could not be fetched");
        }
    }
}

/// A page of `sns.friend_get` from this index: the SDK's own sync.
#[derive(Debug)]
struct FriendPage(u64);

impl Request for FriendPage {
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
        client.on_friend_page(now, self.0, parse_reply(status, frame));
    }

    fn on_failed(self: Box<Self>, client: &mut Client, err: ChatError) {
        if client.log_enabled(2) {
            tracing::warn!(code = err.code.0, message = %err.message, "a friend list sync request failed");
        }
        client.relations.sync_pages = None;
    }
}

/// `friend_get_specified` for friends a push added: the SDK's own request.
#[derive(Debug)]
struct AddedFriends;

impl Request for AddedFriends {
    fn is_internal(&self) -> bool {
        true
    }

    fn on_reply(
        self: Box<Self>,
        client: &mut Client,
        now: Instant,
        status: Result<(), ChatError>,
        frame: &Frame,
    ) {
        client.on_added_friends(now, parse_reply(status, frame));
    }

    fn on_failed(self: Box<Self>, client: &mut Client, err: ChatError) {
        if client.log_enabled(2) {
            tracing::warn!(code = err.code.0, message = %err.message, "new friends could not be fetched");
        }
        // The next login's friend list sync brings them.
        client.relations.added_queue.clear();
    }
}

/// `sns.pendency_get`: the SDK's own fetch at login and after pushes.
#[derive(Debug)]
struct PendencyFetch;

impl Request for PendencyFetch {
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
        client.on_applications(now, parse_reply(status, frame));
    }

    fn on_failed(self: Box<Self>, client: &mut Client, err: ChatError) {
        if client.log_enabled(2) {
            tracing::warn!(code = err.code.0, message = %err.message, "friend applications could not be fetched");
        }
        client.relations.refetch_applications = false;
    }
}
