//! Profiles and friends (issue 18; relationship-facts §1–§2):
//! `profile.portrait_get_all` / `portrait_set` and `sns.friend_get`,
//! `friend_get_specified`, `friend_add`, `friend_delete`, `friend_check`,
//! `friend_update`.
//!
//! A profile is a set of tags (the standard `Tag_Profile_IM_*` ones with
//! their value types, and up to [`bounds::MAX_PROFILE_CUSTOM_TAGS`]
//! `Tag_Profile_Custom_*` strings). A change is pushed (`ProfileDataMod`)
//! to the user's other instances and to every user who has them as a
//! friend in a two-way friendship; never to other users.
//!
//! A friendship is a record in each list it is in: `Add_Type_Both` writes
//! both, `Add_Type_Single` the caller's only. The peer's
//! `Tag_Profile_IM_AllowType` decides: `AllowType_Type_AllowAny` (or
//! unset) adds at once, `AllowType_Type_DenyAny` refuses with 30516,
//! `AllowType_Type_NeedConfirm` answers 30539 (the request waits for the
//! peer; see the friend applications). Added and deleted friends are pushed
//! (`FriendListMod` PushType 1 and 2) to every instance of both users,
//! the calling one included: the official SDK changes its list only from
//! that push.

use std::time::Instant;

use serde::de::DeserializeOwned;
use tcchat_core::proto::sns::{
    tag, CheckInfoItem, FriendAddRequest, FriendCheckReply, FriendCheckRequest,
    FriendDeleteRequest, FriendGetReply, FriendGetRequest, FriendGetSpecifiedReply,
    FriendGetSpecifiedRequest, FriendListMod, FriendResponseRequest, FriendUpInfo,
    FriendUpdateRequest, PendencyAdd, PendencyDeleteRequest, PendencyGetReply, PendencyGetRequest,
    PendencyItem, PendencyReportRequest, PortraitGetReply, PortraitGetRequest, PortraitSetRequest,
    ProfileDataMod, SnsResultItem, SnsResultReply, SpecifiedItem, TagValue, UserDataItem,
    UserProfileItem, ADD_TYPE_SINGLE, CHECK_TYPE_SINGLE, DELETE_TYPE_SINGLE, FRIEND_ADD,
    FRIEND_CHECK, FRIEND_DELETE, FRIEND_GET, FRIEND_GET_SPECIFIED, FRIEND_RESPONSE, FRIEND_UPDATE,
    PENDENCY_COME_IN, PENDENCY_DELETE, PENDENCY_GET, PENDENCY_REPORT, PENDENCY_SEND_OUT,
    PORTRAIT_GET, PORTRAIT_SET, RESPONSE_AGREE, RESPONSE_AGREE_AND_ADD, RESPONSE_REJECT,
};
use tcchat_core::proto::{BaseReply, PushEvent};
use tcchat_core::wire::Frame;

use super::conn::Ident;
use super::messaging::MAX_USER_ID_LEN;
use super::notify::{Notify, Queued};
use super::request::{check_caller, check_len, refuse, Fail};
use super::{ConnId, Engine};
use crate::bounds;
use crate::codes;
use crate::store::{Change, FriendApplicationRecord, FriendRecord, ProfileTag, Store};

/// `Event` of `ProfileDataMod` pushes (the official SDK dispatches on the
/// key; 7 was accepted in the verification).
const EVENT_PROFILE: u32 = 7;
/// `Event` of `FriendListMod` pushes (3 was accepted in the
/// verification).
const EVENT_FRIEND_LIST: u32 = 3;

/// A state-changing handler: the reply and the notifications to push.
pub(super) type ChangeFn<S, T, B> =
    fn(&mut Engine<S>, &Ident, &T, u64) -> Result<(B, Queued), Fail>;

/// The servcmds this module answers.
pub(super) fn handles(cmd: &str) -> bool {
    matches!(
        cmd,
        PORTRAIT_GET
            | PORTRAIT_SET
            | FRIEND_GET
            | FRIEND_GET_SPECIFIED
            | FRIEND_ADD
            | FRIEND_DELETE
            | FRIEND_CHECK
            | FRIEND_UPDATE
            | PENDENCY_GET
            | FRIEND_RESPONSE
            | PENDENCY_DELETE
            | PENDENCY_REPORT
    )
}

fn profile_event(user: &str, tags: Vec<TagValue>) -> PushEvent {
    PushEvent {
        event: EVENT_PROFILE,
        profile_data_mod: Some(vec![ProfileDataMod {
            profile_account: user.to_owned(),
            profile_list: tags,
        }]),
        ..PushEvent::default()
    }
}

pub(super) fn friend_event(item: FriendListMod) -> PushEvent {
    PushEvent {
        event: EVENT_FRIEND_LIST,
        friend_list_mod: Some(vec![item]),
        ..PushEvent::default()
    }
}

fn added(peers: Vec<String>) -> PushEvent {
    friend_event(FriendListMod {
        push_type: FriendListMod::FRIENDS_ADDED,
        friend_add_account: Some(peers),
        ..FriendListMod::default()
    })
}

fn deleted(peers: Vec<String>) -> PushEvent {
    friend_event(FriendListMod {
        push_type: FriendListMod::FRIENDS_DELETED,
        friend_del_account: Some(peers),
        ..FriendListMod::default()
    })
}

/// A PushType 4 push: the applications with `peers` are gone (`from`:
/// who caused it).
fn deleted_applications(from: &str, peers: Vec<String>) -> PushEvent {
    friend_event(FriendListMod {
        push_type: FriendListMod::APPLICATIONS_DELETED,
        from_account: from.to_owned(),
        pendency_del_account: Some(peers),
        ..FriendListMod::default()
    })
}

/// `owner` befriends `peer` at `time` (Unix seconds): the change that
/// adds the record, with the remark, friend group (empty: none), add
/// source and wording of the request that made it.
fn befriend(
    owner: &str,
    peer: &str,
    (remark, group): (&str, &str),
    (source, wording): (&str, &str),
    time: u64,
) -> Change {
    Change::Friend {
        owner: owner.to_owned(),
        record: FriendRecord {
            peer: peer.to_owned(),
            remark: remark.to_owned(),
            groups: if group.is_empty() {
                Vec::new()
            } else {
                vec![group.to_owned()]
            },
            add_source: source.to_owned(),
            add_wording: wording.to_owned(),
            add_time: time,
            custom: Vec::new(),
        },
    }
}

/// Forget every application between `a` and `b`, both directions, in both
/// lists.
fn forget_applications(a: &str, b: &str) -> Vec<Change> {
    let mut out = Vec::new();
    for (owner, peer) in [(a, b), (b, a)] {
        for incoming in [true, false] {
            out.push(Change::DeleteFriendApplication {
                owner: owner.to_owned(),
                peer: peer.to_owned(),
                incoming,
            });
        }
    }
    out
}

fn result(to: &str, code: u32, info: &str) -> SnsResultItem {
    SnsResultItem {
        to_account: to.to_owned(),
        result_code: code,
        result_info: info.to_owned(),
    }
}

pub(super) fn valid_user(id: &str) -> bool {
    !id.is_empty() && id.len() <= MAX_USER_ID_LEN
}

/// A stored tag as it goes on the wire.
fn stored_tag(t: &ProfileTag) -> TagValue {
    TagValue {
        tag: t.tag.clone(),
        value: serde_json::from_str(&t.value).unwrap_or(serde_json::Value::Null),
    }
}

/// The value `tags` may hold, or why not.
fn check_profile_tag(t: &TagValue) -> Result<(), String> {
    let name = t.tag.as_str();
    if name.len() > bounds::MAX_TAG_BYTES {
        return Err(format!("a tag is at most {} bytes", bounds::MAX_TAG_BYTES));
    }
    let allowed: &[&str] = match name {
        tag::GENDER => &[
            "Gender_Type_Unknown",
            "Gender_Type_Female",
            "Gender_Type_Male",
        ],
        tag::ALLOW_TYPE => &[
            "AllowType_Type_AllowAny",
            "AllowType_Type_NeedConfirm",
            "AllowType_Type_DenyAny",
        ],
        tag::ADMIN_FORBID_TYPE => &["AdminForbid_Type_None", "AdminForbid_Type_SendOut"],
        _ => &[],
    };
    let text = tag::TEXT.contains(&name)
        || (name.starts_with(tag::CUSTOM_PREFIX) && name.len() > tag::CUSTOM_PREFIX.len());
    if text {
        let Some(v) = t.value.as_str() else {
            return Err(format!("{name} takes a string"));
        };
        if v.len() > bounds::MAX_PROFILE_TEXT_BYTES {
            return Err(format!(
                "a profile value is at most {} bytes",
                bounds::MAX_PROFILE_TEXT_BYTES
            ));
        }
        if !allowed.is_empty() && !allowed.contains(&v) {
            return Err(format!("{name} is one of {allowed:?}"));
        }
        return Ok(());
    }
    if tag::NUMERIC.contains(&name) {
        if t.value.as_u64().is_none() {
            return Err(format!("{name} takes a non-negative integer"));
        }
        return Ok(());
    }
    Err("unknown profile tag".to_owned())
}

/// The `ValueItem` of a friend: its fields, then its profile tags.
fn friend_tags(record: &FriendRecord, profile: &[ProfileTag]) -> Vec<TagValue> {
    let mut tags = vec![
        TagValue::text(tag::SNS_REMARK, record.remark.clone()),
        TagValue {
            tag: tag::SNS_GROUP.to_owned(),
            value: serde_json::Value::from(record.groups.clone()),
        },
        TagValue::text(tag::SNS_ADD_SOURCE, record.add_source.clone()),
        TagValue::number(tag::SNS_ADD_TIME, record.add_time),
    ];
    tags.extend(
        record
            .custom
            .iter()
            .map(|(k, v)| TagValue::text(k, v.clone())),
    );
    tags.extend(profile.iter().map(stored_tag));
    tags
}

impl<S: Store> Engine<S> {
    /// A profile or friend servcmd ([`handles`]).
    pub(super) fn on_relation(
        &mut self,
        _now: Instant,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) {
        match frame.head.servcmd.as_str() {
            PORTRAIT_GET => self.query(unix_ms, conn, gzip, frame, Self::portrait_get),
            FRIEND_GET => self.query(unix_ms, conn, gzip, frame, Self::friend_get),
            FRIEND_GET_SPECIFIED => self.query(unix_ms, conn, gzip, frame, Self::friend_specified),
            FRIEND_CHECK => self.query(unix_ms, conn, gzip, frame, Self::friend_check),
            PORTRAIT_SET => self.change(unix_ms, conn, gzip, frame, Self::portrait_set),
            FRIEND_ADD => self.change(unix_ms, conn, gzip, frame, Self::friend_add),
            FRIEND_DELETE => self.change(unix_ms, conn, gzip, frame, Self::friend_delete),
            FRIEND_UPDATE => self.change(unix_ms, conn, gzip, frame, Self::friend_update),
            PENDENCY_GET => self.query(unix_ms, conn, gzip, frame, Self::pendency_get),
            FRIEND_RESPONSE => self.change(unix_ms, conn, gzip, frame, Self::friend_response),
            PENDENCY_DELETE => self.change(unix_ms, conn, gzip, frame, Self::pendency_delete),
            PENDENCY_REPORT => self.change(unix_ms, conn, gzip, frame, Self::pendency_report),
            _ => {}
        }
    }

    pub(super) fn query<T: DeserializeOwned, B: serde::Serialize>(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
        run: fn(&mut Self, &Ident, &T) -> Result<B, Fail>,
    ) {
        let Some((me, req)) = self.begin::<T>(unix_ms, conn, gzip, frame) else {
            return;
        };
        let result = run(self, &me, &req);
        self.finish_query(conn, gzip, &frame.head, result);
    }

    pub(super) fn change<T: DeserializeOwned, B: serde::Serialize>(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
        run: ChangeFn<S, T, B>,
    ) {
        let Some((me, req)) = self.begin_change::<T>(unix_ms, conn, gzip, frame) else {
            return;
        };
        let result = run(self, &me, &req, unix_ms);
        self.finish_change(unix_ms, &me, conn, gzip, &frame.head, result);
    }

    /// `profile.portrait_get_all`: the stored tags of each user asked.
    fn portrait_get(
        &mut self,
        me: &Ident,
        req: &PortraitGetRequest,
    ) -> Result<PortraitGetReply, Fail> {
        check_caller(me, &req.from_account)?;
        check_len("UserItem", &req.user_item, bounds::MAX_PROFILES_PER_QUERY)?;
        let mut items = Vec::new();
        for u in &req.user_item {
            if !valid_user(&u.to_account)
                || items
                    .iter()
                    .any(|i: &UserProfileItem| i.to_account == u.to_account)
            {
                continue;
            }
            let tags = self.store.profile(me.app, &u.to_account)?;
            items.push(UserProfileItem {
                to_account: u.to_account.clone(),
                profile_item: tags.iter().map(stored_tag).collect(),
            });
        }
        Ok(PortraitGetReply {
            base: BaseReply::ok(),
            user_profile_item: items,
        })
    }

    /// Users who have `user` as a friend in a two-way friendship: who sees
    /// `user`'s profile changes.
    fn two_way_friends(&mut self, app: u64, user: &str) -> Result<Vec<String>, Fail> {
        let mut out = Vec::new();
        for f in self.store.friends(app, user)? {
            if self.store.friend(app, &f.peer, user)?.is_some() {
                out.push(f.peer);
            }
        }
        Ok(out)
    }

    /// `profile.portrait_set`: store the tags, push them to my other
    /// instances and my friends.
    fn portrait_set(
        &mut self,
        me: &Ident,
        req: &PortraitSetRequest,
        _unix_ms: u64,
    ) -> Result<(BaseReply, Queued), Fail> {
        check_caller(me, &req.from_account)?;
        check_len(
            "ProfileItem",
            &req.profile_item,
            bounds::MAX_ITEMS_PER_REQUEST,
        )?;
        if req.profile_item.is_empty() {
            return refuse(codes::PROFILE_PARAMETER, "ProfileItem is empty");
        }
        let mut tags: Vec<TagValue> = Vec::new();
        for t in &req.profile_item {
            if let Err(why) = check_profile_tag(t) {
                let shown: String = t.tag.chars().take(bounds::MAX_TAG_BYTES).collect();
                return refuse(codes::PROFILE_PARAMETER, format!("{shown}: {why}"));
            }
            tags.retain(|x| x.tag != t.tag);
            tags.push(t.clone());
        }
        let stored = self.store.profile(me.app, &me.user)?;
        let custom_after = stored
            .iter()
            .map(|t| t.tag.as_str())
            .chain(tags.iter().map(|t| t.tag.as_str()))
            .filter(|t| t.starts_with(tag::CUSTOM_PREFIX))
            .collect::<std::collections::BTreeSet<_>>()
            .len();
        if custom_after > bounds::MAX_PROFILE_CUSTOM_TAGS {
            return refuse(
                codes::PROFILE_PARAMETER,
                format!(
                    "a user has at most {} custom profile tags",
                    bounds::MAX_PROFILE_CUSTOM_TAGS
                ),
            );
        }
        let changes = vec![Change::ProfileTags {
            user: me.user.clone(),
            tags: tags
                .iter()
                .map(|t| ProfileTag {
                    tag: t.tag.clone(),
                    value: t.value.to_string(),
                })
                .collect(),
        }];
        let mut notices = vec![Notify::new(&me.user, profile_event(&me.user, tags.clone()))];
        for friend in self.two_way_friends(me.app, &me.user)? {
            notices.push(Notify::new(&friend, profile_event(&me.user, tags.clone())));
        }
        let queued = self.commit(me, changes, notices)?;
        Ok((BaseReply::ok(), queued))
    }

    /// The `ValueItem` of `record` (with the friend's profile).
    fn value_item(&mut self, app: u64, record: &FriendRecord) -> Result<Vec<TagValue>, Fail> {
        let profile = self.store.profile(app, &record.peer)?;
        Ok(friend_tags(record, &profile))
    }

    /// `sns.friend_get`: a page of the friend list, by friend ID.
    fn friend_get(&mut self, me: &Ident, req: &FriendGetRequest) -> Result<FriendGetReply, Fail> {
        check_caller(me, &req.from_account)?;
        let all = self.store.friends(me.app, &me.user)?;
        let start = usize::try_from(req.start_index)
            .unwrap_or(usize::MAX)
            .min(all.len());
        let end = (start + bounds::FRIENDS_PAGE).min(all.len());
        let mut items = Vec::with_capacity(end - start);
        for record in &all[start..end] {
            items.push(UserDataItem {
                to_account: record.peer.clone(),
                value_item: self.value_item(me.app, record)?,
            });
        }
        let complete = end >= all.len();
        Ok(FriendGetReply {
            base: BaseReply::ok(),
            friend_num: all.len() as u64,
            complete_flag: u8::from(complete),
            next_start_index: if complete { 0 } else { end as u64 },
            standard_sequence: 0,
            custom_sequence: 0,
            user_data_item: items,
        })
    }

    /// `sns.friend_get_specified`: always answered OK (an error reply
    /// makes the official SDK fail an unhandled promise), with 30001 for
    /// users who are not friends.
    fn friend_specified(
        &mut self,
        me: &Ident,
        req: &FriendGetSpecifiedRequest,
    ) -> Result<FriendGetSpecifiedReply, Fail> {
        check_caller(me, &req.from_account)?;
        check_len(
            "To_Account",
            &req.to_account,
            bounds::MAX_PROFILES_PER_QUERY,
        )?;
        let mut items = Vec::new();
        for peer in &req.to_account {
            let record = if valid_user(peer) {
                self.store.friend(me.app, &me.user, peer)?
            } else {
                None
            };
            let shown: String = peer.chars().take(MAX_USER_ID_LEN).collect();
            items.push(match record {
                Some(r) => SpecifiedItem {
                    to_account: shown,
                    result_code: 0,
                    result_info: String::new(),
                    sns_profile_item: self.value_item(me.app, &r)?,
                },
                None => SpecifiedItem {
                    to_account: shown,
                    result_code: codes::SNS_PARAMETER,
                    result_info: "not a friend".to_owned(),
                    sns_profile_item: Vec::new(),
                },
            });
        }
        Ok(FriendGetSpecifiedReply {
            base: BaseReply::ok(),
            info_item: items,
        })
    }

    /// `sns.friend_add`: one result per user; see the module doc for the
    /// AllowType rules.
    fn friend_add(
        &mut self,
        me: &Ident,
        req: &FriendAddRequest,
        unix_ms: u64,
    ) -> Result<(SnsResultReply, Queued), Fail> {
        check_caller(me, &req.from_account)?;
        check_len(
            "AddFriendItem",
            &req.add_friend_item,
            bounds::MAX_ITEMS_PER_REQUEST,
        )?;
        let both = req.add_type != ADD_TYPE_SINGLE;
        let mut mine = self.store.friends(me.app, &me.user)?.len();
        let mut results = Vec::new();
        let mut changes = Vec::new();
        let mut my_added = Vec::new();
        let mut notices = Vec::new();
        for item in &req.add_friend_item {
            let peer = item.to_account.as_str();
            let fail = |code: u32, info: &str| {
                let shown: String = peer.chars().take(MAX_USER_ID_LEN).collect();
                result(&shown, code, info)
            };
            if !valid_user(peer) || peer == me.user {
                results.push(fail(codes::SNS_PARAMETER, "not a user you can befriend"));
                continue;
            }
            if item.add_source.len() > bounds::MAX_WORDING_BYTES
                || item.add_wording.len() > bounds::MAX_WORDING_BYTES
                || item.remark.len() > bounds::MAX_REMARK_BYTES
            {
                results.push(fail(codes::SNS_PARAMETER, "a field is too long"));
                continue;
            }
            if my_added.iter().any(|p| p == peer)
                || self.store.friend(me.app, &me.user, peer)?.is_some()
            {
                results.push(fail(codes::SNS_PARAMETER, "already a friend"));
                continue;
            }
            let allow = self
                .store
                .profile(me.app, peer)?
                .into_iter()
                .find(|t| t.tag == tag::ALLOW_TYPE)
                .and_then(|t| serde_json::from_str::<String>(&t.value).ok())
                .unwrap_or_default();
            if allow == "AllowType_Type_DenyAny" {
                results.push(fail(
                    codes::FRIEND_DENY_ANY,
                    "the user accepts no friend requests",
                ));
                continue;
            }
            if allow == "AllowType_Type_NeedConfirm" {
                let application = FriendApplicationRecord {
                    peer: peer.to_owned(),
                    incoming: false,
                    add_source: item.add_source.clone(),
                    add_wording: item.add_wording.clone(),
                    remark: item.remark.clone(),
                    add_time: unix_ms / 1000,
                };
                let (mine_item, theirs_item) = self.application_pushes(me, peer, &application)?;
                changes.push(Change::FriendApplication {
                    owner: peer.to_owned(),
                    record: FriendApplicationRecord {
                        peer: me.user.clone(),
                        incoming: true,
                        ..application.clone()
                    },
                });
                changes.push(Change::FriendApplication {
                    owner: me.user.clone(),
                    record: application,
                });
                notices.push(Notify::new(&me.user, friend_event(mine_item)));
                notices.push(Notify::new(peer, friend_event(theirs_item)));
                results.push(fail(
                    codes::FRIEND_NEED_CONFIRM,
                    "the user must confirm the request",
                ));
                continue;
            }
            let theirs_has_me = self.store.friend(me.app, peer, &me.user)?.is_some();
            let theirs = self.store.friends(me.app, peer)?.len();
            if mine >= bounds::MAX_FRIENDS
                || (both && !theirs_has_me && theirs >= bounds::MAX_FRIENDS)
            {
                results.push(fail(codes::FRIEND_LIST_FULL, "a friend list is full"));
                continue;
            }
            let now_secs = unix_ms / 1000;
            changes.push(befriend(
                &me.user,
                peer,
                (&item.remark, &item.group_name),
                (&item.add_source, &item.add_wording),
                now_secs,
            ));
            changes.extend(forget_applications(&me.user, peer));
            mine += 1;
            my_added.push(peer.to_owned());
            if both && !theirs_has_me {
                changes.push(befriend(
                    peer,
                    &me.user,
                    ("", ""),
                    (&item.add_source, &item.add_wording),
                    now_secs,
                ));
                notices.push(Notify::new(peer, added(vec![me.user.clone()])));
            }
            results.push(result(peer, 0, ""));
        }
        if !my_added.is_empty() {
            notices.insert(0, Notify::new(&me.user, added(my_added)));
        }
        let queued = self.commit(me, changes, notices)?.with_origin();
        Ok((
            SnsResultReply {
                base: BaseReply::ok(),
                result_item: results,
            },
            queued,
        ))
    }

    /// `sns.friend_delete`: one result per user (30001 for one who is not
    /// a friend).
    fn friend_delete(
        &mut self,
        me: &Ident,
        req: &FriendDeleteRequest,
        _unix_ms: u64,
    ) -> Result<(SnsResultReply, Queued), Fail> {
        check_caller(me, &req.from_account)?;
        check_len("To_Account", &req.to_account, bounds::MAX_ITEMS_PER_REQUEST)?;
        let both = req.delete_type != DELETE_TYPE_SINGLE;
        let mut results = Vec::new();
        let mut changes = Vec::new();
        let mut removed = Vec::new();
        let mut notices = Vec::new();
        for peer in &req.to_account {
            let known = valid_user(peer)
                && !removed.contains(peer)
                && self.store.friend(me.app, &me.user, peer)?.is_some();
            if !known {
                let shown: String = peer.chars().take(MAX_USER_ID_LEN).collect();
                results.push(result(&shown, codes::SNS_PARAMETER, "not a friend"));
                continue;
            }
            changes.push(Change::DeleteFriend {
                owner: me.user.clone(),
                peer: peer.clone(),
            });
            if both && self.store.friend(me.app, peer, &me.user)?.is_some() {
                changes.push(Change::DeleteFriend {
                    owner: peer.clone(),
                    peer: me.user.clone(),
                });
                notices.push(Notify::new(peer, deleted(vec![me.user.clone()])));
            }
            removed.push(peer.clone());
            results.push(result(peer, 0, ""));
        }
        if !removed.is_empty() {
            notices.insert(0, Notify::new(&me.user, deleted(removed)));
        }
        let queued = self.commit(me, changes, notices)?.with_origin();
        Ok((
            SnsResultReply {
                base: BaseReply::ok(),
                result_item: results,
            },
            queued,
        ))
    }

    /// `sns.friend_check`: the relation with each user.
    fn friend_check(
        &mut self,
        me: &Ident,
        req: &FriendCheckRequest,
    ) -> Result<FriendCheckReply, Fail> {
        check_caller(me, &req.from_account)?;
        check_len(
            "To_Account",
            &req.to_account,
            bounds::MAX_PROFILES_PER_QUERY,
        )?;
        let single = req.check_type == CHECK_TYPE_SINGLE;
        let mut items = Vec::new();
        for peer in &req.to_account {
            let shown: String = peer.chars().take(MAX_USER_ID_LEN).collect();
            if !valid_user(peer) {
                items.push(CheckInfoItem {
                    to_account: shown,
                    relation: String::new(),
                    result_code: codes::SNS_PARAMETER,
                    result_info: "not a user ID".to_owned(),
                });
                continue;
            }
            let a_with_b = self.store.friend(me.app, &me.user, peer)?.is_some();
            let b_with_a = !single && self.store.friend(me.app, peer, &me.user)?.is_some();
            let relation = match (a_with_b, b_with_a) {
                (true, true) => "CheckResult_Type_BothWay",
                (true, false) => "CheckResult_Type_AWithB",
                (false, true) => "CheckResult_Type_BWithA",
                (false, false) => "CheckResult_Type_NoRelation",
            };
            items.push(CheckInfoItem {
                to_account: shown,
                relation: relation.to_owned(),
                result_code: 0,
                result_info: String::new(),
            });
        }
        Ok(FriendCheckReply {
            base: BaseReply::ok(),
            info_item: items,
        })
    }

    /// `sns.friend_update`: remark and custom fields; pushed (PushType 8)
    /// to my other instances.
    fn friend_update(
        &mut self,
        me: &Ident,
        req: &FriendUpdateRequest,
        _unix_ms: u64,
    ) -> Result<(SnsResultReply, Queued), Fail> {
        check_caller(me, &req.from_account)?;
        check_len(
            "UpdateItem",
            &req.update_item,
            bounds::MAX_ITEMS_PER_REQUEST,
        )?;
        let mut results = Vec::new();
        let mut changes = Vec::new();
        let mut infos = Vec::new();
        for item in &req.update_item {
            let peer = item.to_account.as_str();
            let shown: String = peer.chars().take(MAX_USER_ID_LEN).collect();
            let record = if valid_user(peer) {
                self.store.friend(me.app, &me.user, peer)?
            } else {
                None
            };
            let Some(mut record) = record else {
                results.push(result(&shown, codes::SNS_PARAMETER, "not a friend"));
                continue;
            };
            match apply_sns(&mut record, &item.sns_item) {
                Ok(()) => {
                    changes.push(Change::Friend {
                        owner: me.user.clone(),
                        record,
                    });
                    infos.push(FriendUpInfo {
                        friend_account: peer.to_owned(),
                        sns: item.sns_item.clone(),
                    });
                    results.push(result(peer, 0, ""));
                }
                Err(why) => results.push(result(&shown, codes::SNS_PARAMETER, &why)),
            }
        }
        let notices = if infos.is_empty() {
            Vec::new()
        } else {
            vec![Notify::new(
                &me.user,
                friend_event(FriendListMod {
                    push_type: FriendListMod::FRIENDS_UPDATED,
                    friend_up_info: Some(infos),
                    ..FriendListMod::default()
                }),
            )]
        };
        let queued = self.commit(me, changes, notices)?;
        Ok((
            SnsResultReply {
                base: BaseReply::ok(),
                result_item: results,
            },
            queued,
        ))
    }

    /// The `PendencyAdd` pushes of a new application from `me` to `peer`:
    /// the one for my instances (`From_Account` me: sent out) and the one
    /// for the peer's (incoming), with the other user's nick and avatar.
    fn application_pushes(
        &mut self,
        me: &Ident,
        peer: &str,
        application: &FriendApplicationRecord,
    ) -> Result<(FriendListMod, FriendListMod), Fail> {
        let (peer_nick, peer_image) = self.nick_and_image(me.app, peer)?;
        let (my_nick, my_image) = self.nick_and_image(me.app, &me.user)?;
        let item = |account: &str, nick: String, image: String| FriendListMod {
            push_type: FriendListMod::APPLICATION_ADDED,
            from_account: me.user.clone(),
            pendency_add: Some(vec![PendencyAdd {
                pendency_add_account: account.to_owned(),
                profile_im_nick: nick,
                profile_im_image: image,
                add_source: application.add_source.clone(),
                add_wording: application.add_wording.clone(),
                add_time: application.add_time,
            }]),
            ..FriendListMod::default()
        };
        Ok((
            item(peer, peer_nick, peer_image),
            item(&me.user, my_nick, my_image),
        ))
    }

    /// `user`'s nick and avatar (empty when not set).
    fn nick_and_image(&mut self, app: u64, user: &str) -> Result<(String, String), Fail> {
        let mut nick = String::new();
        let mut image = String::new();
        for t in self.store.profile(app, user)? {
            let text = serde_json::from_str::<String>(&t.value).unwrap_or_default();
            if t.tag == tag::NICK {
                nick = text;
            } else if t.tag == tag::IMAGE {
                image = text;
            }
        }
        Ok((nick, image))
    }

    /// `sns.pendency_get`: every pending application of the caller, with
    /// the other user's nick and avatar and the unread count.
    fn pendency_get(
        &mut self,
        me: &Ident,
        req: &PendencyGetRequest,
    ) -> Result<PendencyGetReply, Fail> {
        check_caller(me, &req.from_account)?;
        let read = self.store.applications_read_time(me.app, &me.user)?;
        let mut items = Vec::new();
        let mut unread = 0;
        for a in self.store.friend_applications(me.app, &me.user)? {
            if a.incoming && a.add_time > read {
                unread += 1;
            }
            let (nick, image) = self.nick_and_image(me.app, &a.peer)?;
            items.push(PendencyItem {
                to_account: a.peer,
                pendency_type: if a.incoming {
                    PENDENCY_COME_IN
                } else {
                    PENDENCY_SEND_OUT
                }
                .to_owned(),
                add_source: a.add_source,
                add_wording: a.add_wording,
                add_time: a.add_time,
                nick,
                image,
            });
        }
        Ok(PendencyGetReply {
            base: BaseReply::ok(),
            pendency_item: items,
            unread_pendency_count: unread,
            start_time: 0,
            current_sequence: 0,
        })
    }

    /// `sns.friend_response`: accept (both ways, or one way) or refuse
    /// applications sent to the caller. 30001 for a user who sent none.
    fn friend_response(
        &mut self,
        me: &Ident,
        req: &FriendResponseRequest,
        unix_ms: u64,
    ) -> Result<(SnsResultReply, Queued), Fail> {
        check_caller(me, &req.from_account)?;
        check_len(
            "ResponseFriendItem",
            &req.response_friend_item,
            bounds::MAX_ITEMS_PER_REQUEST,
        )?;
        let mut results = Vec::new();
        let mut changes = Vec::new();
        let mut notices = Vec::new();
        let mut my_added = Vec::new();
        let mut my_gone = Vec::new();
        let incoming = self.store.friend_applications(me.app, &me.user)?;
        for item in &req.response_friend_item {
            let peer = item.to_account.as_str();
            let shown: String = peer.chars().take(MAX_USER_ID_LEN).collect();
            let Some(application) = incoming
                .iter()
                .find(|a| a.incoming && a.peer == peer && !my_gone.iter().any(|g| g == peer))
                .cloned()
            else {
                results.push(result(
                    &shown,
                    codes::SNS_PARAMETER,
                    "no application from this user",
                ));
                continue;
            };
            let action = item.response_action.as_str();
            let (both, reject) = match action {
                "" | RESPONSE_AGREE_AND_ADD => (true, false),
                RESPONSE_AGREE => (false, false),
                RESPONSE_REJECT => (false, true),
                _ => {
                    results.push(result(
                        &shown,
                        codes::SNS_PARAMETER,
                        "unknown ResponseAction",
                    ));
                    continue;
                }
            };
            if item.remark.len() > bounds::MAX_REMARK_BYTES {
                results.push(result(
                    &shown,
                    codes::SNS_PARAMETER,
                    "the remark is too long",
                ));
                continue;
            }
            changes.extend(forget_applications(&me.user, peer));
            my_gone.push(peer.to_owned());
            if reject {
                notices.push(Notify::new(
                    peer,
                    deleted_applications(&me.user, vec![me.user.clone()]),
                ));
                results.push(result(peer, 0, ""));
                continue;
            }
            let now_secs = unix_ms / 1000;
            let mut peer_added_me = false;
            if self.store.friend(me.app, peer, &me.user)?.is_none() {
                changes.push(befriend(
                    peer,
                    &me.user,
                    (&application.remark, ""),
                    (&application.add_source, &application.add_wording),
                    now_secs,
                ));
                peer_added_me = true;
            }
            if both && self.store.friend(me.app, &me.user, peer)?.is_none() {
                changes.push(befriend(
                    &me.user,
                    peer,
                    (&item.remark, &item.tag_name),
                    (&application.add_source, &application.add_wording),
                    now_secs,
                ));
                my_added.push(peer.to_owned());
            }
            if peer_added_me {
                notices.push(Notify::new(peer, added(vec![me.user.clone()])));
            } else {
                notices.push(Notify::new(
                    peer,
                    deleted_applications(&me.user, vec![me.user.clone()]),
                ));
            }
            results.push(result(peer, 0, ""));
        }
        // Mine: the friends added (the official SDK then refetches its
        // applications), or the applications gone.
        if !my_added.is_empty() {
            notices.insert(0, Notify::new(&me.user, added(my_added.clone())));
        }
        let only_gone: Vec<String> = my_gone
            .into_iter()
            .filter(|p| !my_added.contains(p))
            .collect();
        if !only_gone.is_empty() {
            notices.insert(
                0,
                Notify::new(&me.user, deleted_applications(&me.user, only_gone)),
            );
        }
        let queued = self.commit(me, changes, notices)?.with_origin();
        Ok((
            SnsResultReply {
                base: BaseReply::ok(),
                result_item: results,
            },
            queued,
        ))
    }

    /// `sns.pendency_delete`: forget applications of one direction (both
    /// users' records). 30001 for one that does not exist.
    fn pendency_delete(
        &mut self,
        me: &Ident,
        req: &PendencyDeleteRequest,
        _unix_ms: u64,
    ) -> Result<(SnsResultReply, Queued), Fail> {
        check_caller(me, &req.from_account)?;
        check_len("To_Account", &req.to_account, bounds::MAX_ITEMS_PER_REQUEST)?;
        let incoming = req.pendency_type != PENDENCY_SEND_OUT;
        let mine = self.store.friend_applications(me.app, &me.user)?;
        let mut results = Vec::new();
        let mut changes = Vec::new();
        let mut notices = Vec::new();
        let mut gone = Vec::new();
        for peer in &req.to_account {
            let shown: String = peer.chars().take(MAX_USER_ID_LEN).collect();
            let exists = mine
                .iter()
                .any(|a| a.peer == *peer && a.incoming == incoming)
                && !gone.contains(peer);
            if !exists {
                results.push(result(&shown, codes::SNS_PARAMETER, "no such application"));
                continue;
            }
            changes.push(Change::DeleteFriendApplication {
                owner: me.user.clone(),
                peer: peer.clone(),
                incoming,
            });
            changes.push(Change::DeleteFriendApplication {
                owner: peer.clone(),
                peer: me.user.clone(),
                incoming: !incoming,
            });
            notices.push(Notify::new(
                peer,
                deleted_applications(&me.user, vec![me.user.clone()]),
            ));
            gone.push(peer.clone());
            results.push(result(peer, 0, ""));
        }
        if !gone.is_empty() {
            notices.insert(
                0,
                Notify::new(&me.user, deleted_applications(&me.user, gone)),
            );
        }
        let queued = self.commit(me, changes, notices)?.with_origin();
        Ok((
            SnsResultReply {
                base: BaseReply::ok(),
                result_item: results,
            },
            queued,
        ))
    }

    /// `sns.pendency_report`: the applications up to that time are read;
    /// pushed (PushType 7) to the caller's other instances.
    fn pendency_report(
        &mut self,
        me: &Ident,
        req: &PendencyReportRequest,
        unix_ms: u64,
    ) -> Result<(BaseReply, Queued), Fail> {
        check_caller(me, &req.from_account)?;
        // Not later than now: a client clock ahead cannot mark future
        // applications read.
        let time = req.latest_pendency_time_stamp.min(unix_ms / 1000);
        let changes = vec![Change::ApplicationsRead {
            owner: me.user.clone(),
            time,
        }];
        let notices = vec![Notify::new(
            &me.user,
            friend_event(FriendListMod {
                push_type: FriendListMod::APPLICATIONS_READ,
                report_time: Some(time),
                ..FriendListMod::default()
            }),
        )];
        let queued = self.commit(me, changes, notices)?;
        Ok((BaseReply::ok(), queued))
    }
}

/// Apply `Tag_SNS_IM_Remark` and `Tag_SNS_Custom_*` fields to `record`, or
/// say why they are refused (nothing is applied then).
fn apply_sns(record: &mut FriendRecord, tags: &[TagValue]) -> Result<(), String> {
    if tags.is_empty() {
        return Err("SnsItem is empty".to_owned());
    }
    let mut next = record.clone();
    for t in tags {
        let Some(value) = t.value.as_str() else {
            return Err("a friend field takes a string".to_owned());
        };
        if t.tag == tag::SNS_REMARK {
            if value.len() > bounds::MAX_REMARK_BYTES {
                return Err(format!(
                    "a remark is at most {} bytes",
                    bounds::MAX_REMARK_BYTES
                ));
            }
            next.remark = value.to_owned();
        } else if t.tag.starts_with(tag::SNS_CUSTOM_PREFIX)
            && t.tag.len() > tag::SNS_CUSTOM_PREFIX.len()
            && t.tag.len() <= bounds::MAX_TAG_BYTES
        {
            if value.len() > bounds::MAX_WORDING_BYTES {
                return Err(format!(
                    "a custom friend field is at most {} bytes",
                    bounds::MAX_WORDING_BYTES
                ));
            }
            match next.custom.iter_mut().find(|(k, _)| *k == t.tag) {
                Some((_, v)) => *v = value.to_owned(),
                None => {
                    next.custom.push((t.tag.clone(), value.to_owned()));
                    next.custom.sort();
                }
            }
            if next.custom.len() > bounds::MAX_FRIEND_CUSTOM_FIELDS {
                return Err(format!(
                    "at most {} custom friend fields",
                    bounds::MAX_FRIEND_CUSTOM_FIELDS
                ));
            }
        } else {
            return Err("only Tag_SNS_IM_Remark and Tag_SNS_Custom_* can be updated".to_owned());
        }
    }
    *record = next;
    Ok(())
}
