//! Follows (`follow.follow_add`, `follow_delete`, `follow_get`,
//! `follow_get_info`, `follow_check`). **Ours:** the shared reference
//! names these servcmds but shows no body, so the shapes are tcchat's
//! (PROTOCOL.md 10.3) and the official SDK was not observed using them.
//!
//! A user follows at most [`bounds::MAX_FOLLOWING`] users. Each change is
//! stored with notifications (`FollowListMod`, Event 35) for both users,
//! pushed to every instance of each, the caller's included (the client
//! raises the follow events from the pushes only): the follower's
//! following list and the target's followers list change, and when the
//! follow is (or was) mutual, both mutual lists too.

use std::collections::BTreeMap;

use tcchat_core::proto::follow::{
    FollowChangeReply, FollowChangeRequest, FollowCheckItem, FollowCheckReply, FollowGetReply,
    FollowGetRequest, FollowInfoItem, FollowInfoReply, FollowItem, FollowListMod,
    FollowUsersRequest, LIST_FOLLOWERS, LIST_FOLLOWING, LIST_MUTUAL,
};
use tcchat_core::proto::presence::SnsResultItem;
use tcchat_core::proto::{BaseReply, PushEvent};
use tcchat_core::wire::Frame;

use super::conn::Ident;
use super::notify::{Notify, Queued};
use super::request::{check_caller, check_len, check_peer, refuse, Fail};
use super::{ConnId, Engine};
use crate::bounds;
use crate::codes;
use crate::store::{Change, Store};

/// `Event` of `FollowListMod` pushes (ours).
pub(crate) const EVENT_FOLLOW: u32 = 35;

/// Page size of `follow_get` (ours).
const PAGE: usize = 100;

fn result(peer: &str, code: u32, info: &str) -> SnsResultItem {
    SnsResultItem {
        to_account: peer.to_owned(),
        result_code: code,
        result_info: info.to_owned(),
    }
}

/// The notifications of one follow list change for `owner`.
fn follow_event(list: u8, add: bool, users: Vec<String>) -> PushEvent {
    PushEvent {
        event: EVENT_FOLLOW,
        follow_list_mod: Some(vec![FollowListMod {
            list,
            is_add: u8::from(add),
            user_list: users,
        }]),
        ..PushEvent::default()
    }
}

impl<S: Store> Engine<S> {
    /// `follow.follow_add` (`add`) or `follow.follow_delete`.
    pub(super) fn on_follow_change(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
        add: bool,
    ) {
        let Some((me, req)) = self.begin_change::<FollowChangeRequest>(unix_ms, conn, gzip, frame)
        else {
            return;
        };
        let result = self
            .follow_change(&me, &req, add, unix_ms / 1000)
            .map(|(reply, queued)| (reply, queued.with_origin()));
        self.finish_change(unix_ms, &me, conn, gzip, &frame.head, result);
    }

    fn follow_change(
        &mut self,
        me: &Ident,
        req: &FollowChangeRequest,
        add: bool,
        unix_s: u64,
    ) -> Result<(FollowChangeReply, Queued), Fail> {
        check_caller(me, &req.from_account)?;
        if req.to_account.is_empty() {
            return refuse(codes::INVALID_PARAMETER, "To_Account is empty");
        }
        check_len(
            "To_Account",
            &req.to_account,
            bounds::MAX_FOLLOW_PER_REQUEST,
        )?;
        let mut following: BTreeMap<String, u64> = self
            .store
            .following(me.app, &me.user)?
            .into_iter()
            .collect();
        let followers: BTreeMap<String, u64> = self
            .store
            .followers(me.app, &me.user)?
            .into_iter()
            .collect();
        let mut results = Vec::with_capacity(req.to_account.len());
        let mut changes = Vec::new();
        let mut changed: Vec<String> = Vec::new();
        let mut mutual: Vec<String> = Vec::new();
        let mut notices = Vec::new();
        for peer in &req.to_account {
            if let Err(Fail::Refuse(code, info)) = check_peer("To_Account", peer) {
                results.push(result("", code, &info));
                continue;
            }
            if *peer == me.user {
                results.push(result(
                    peer,
                    codes::INVALID_PARAMETER,
                    "a user cannot follow itself",
                ));
                continue;
            }
            if add == following.contains_key(peer) {
                results.push(result(peer, 0, ""));
                continue;
            }
            if add && following.len() >= bounds::MAX_FOLLOWING {
                results.push(result(
                    peer,
                    codes::TOO_MANY_ITEMS,
                    &format!("a user follows at most {} users", bounds::MAX_FOLLOWING),
                ));
                continue;
            }
            if add {
                following.insert(peer.clone(), unix_s);
            } else {
                following.remove(peer);
            }
            changes.push(Change::Follow {
                follower: me.user.clone(),
                target: peer.clone(),
                time: unix_s,
                present: add,
            });
            notices.push(Notify::new(
                peer,
                follow_event(LIST_FOLLOWERS, add, vec![me.user.clone()]),
            ));
            if followers.contains_key(peer) {
                notices.push(Notify::new(
                    peer,
                    follow_event(LIST_MUTUAL, add, vec![me.user.clone()]),
                ));
                mutual.push(peer.clone());
            }
            changed.push(peer.clone());
            results.push(result(peer, 0, ""));
        }
        if !changed.is_empty() {
            notices.push(Notify::new(
                &me.user,
                follow_event(LIST_FOLLOWING, add, changed),
            ));
        }
        if !mutual.is_empty() {
            notices.push(Notify::new(
                &me.user,
                follow_event(LIST_MUTUAL, add, mutual),
            ));
        }
        let queued = self.commit(me, changes, notices)?;
        Ok((
            FollowChangeReply {
                base: BaseReply::ok(),
                result_item: results,
            },
            queued,
        ))
    }

    /// `user`'s list `kind` (following, followers or mutual), sorted.
    fn follow_list(&mut self, app: u64, user: &str, kind: u8) -> Result<Vec<(String, u64)>, Fail> {
        Ok(match kind {
            LIST_FOLLOWING => self.store.following(app, user)?,
            LIST_FOLLOWERS => self.store.followers(app, user)?,
            LIST_MUTUAL => {
                let followers: BTreeMap<String, u64> =
                    self.store.followers(app, user)?.into_iter().collect();
                self.store
                    .following(app, user)?
                    .into_iter()
                    .filter(|(u, _)| followers.contains_key(u))
                    .collect()
            }
            other => {
                return refuse(
                    codes::INVALID_PARAMETER,
                    format!("FollowType {other} is not 1, 2 or 3"),
                )
            }
        })
    }

    /// `follow.follow_get`: a page of [`PAGE`] users from `StartIndex`.
    pub(super) fn on_follow_get(&mut self, unix_ms: u64, conn: ConnId, gzip: bool, frame: &Frame) {
        let Some((me, req)) = self.begin::<FollowGetRequest>(unix_ms, conn, gzip, frame) else {
            return;
        };
        let result = check_caller(&me, &req.from_account)
            .and_then(|()| self.follow_list(me.app, &me.user, req.follow_type))
            .map(|list| {
                let start = usize::try_from(req.start_index)
                    .unwrap_or(usize::MAX)
                    .min(list.len());
                let end = start.saturating_add(PAGE).min(list.len());
                FollowGetReply {
                    base: BaseReply::ok(),
                    follow_item: list[start..end]
                        .iter()
                        .map(|(u, t)| FollowItem {
                            to_account: u.clone(),
                            follow_time: *t,
                        })
                        .collect(),
                    next_start_index: if end < list.len() { end as u64 } else { 0 },
                }
            });
        self.finish_query(conn, gzip, &frame.head, result);
    }

    /// `follow.follow_get_info`: each user's three counts.
    pub(super) fn on_follow_info(&mut self, unix_ms: u64, conn: ConnId, gzip: bool, frame: &Frame) {
        let Some((me, req)) = self.begin::<FollowUsersRequest>(unix_ms, conn, gzip, frame) else {
            return;
        };
        let result = self.follow_info(&me, &req);
        self.finish_query(conn, gzip, &frame.head, result);
    }

    fn follow_info(
        &mut self,
        me: &Ident,
        req: &FollowUsersRequest,
    ) -> Result<FollowInfoReply, Fail> {
        check_caller(me, &req.from_account)?;
        check_len(
            "To_Account",
            &req.to_account,
            bounds::MAX_FOLLOW_PER_REQUEST,
        )?;
        let mut items = Vec::with_capacity(req.to_account.len());
        for peer in &req.to_account {
            if let Err(Fail::Refuse(code, info)) = check_peer("To_Account", peer) {
                items.push(FollowInfoItem {
                    result_code: code,
                    result_info: info,
                    ..FollowInfoItem::default()
                });
                continue;
            }
            let following = self.follow_list(me.app, peer, LIST_FOLLOWING)?.len() as u64;
            let followers = self.follow_list(me.app, peer, LIST_FOLLOWERS)?.len() as u64;
            let mutual = self.follow_list(me.app, peer, LIST_MUTUAL)?.len() as u64;
            items.push(FollowInfoItem {
                to_account: peer.clone(),
                result_code: 0,
                result_info: String::new(),
                followers_count: followers,
                following_count: following,
                mutual_followers_count: mutual,
            });
        }
        Ok(FollowInfoReply {
            base: BaseReply::ok(),
            follow_info_item: items,
        })
    }

    /// `follow.follow_check`: the caller's relation with each user.
    pub(super) fn on_follow_check(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) {
        let Some((me, req)) = self.begin::<FollowUsersRequest>(unix_ms, conn, gzip, frame) else {
            return;
        };
        let result = self.follow_check(&me, &req);
        self.finish_query(conn, gzip, &frame.head, result);
    }

    fn follow_check(
        &mut self,
        me: &Ident,
        req: &FollowUsersRequest,
    ) -> Result<FollowCheckReply, Fail> {
        check_caller(me, &req.from_account)?;
        check_len(
            "To_Account",
            &req.to_account,
            bounds::MAX_FOLLOW_PER_REQUEST,
        )?;
        let following: BTreeMap<String, u64> = self
            .store
            .following(me.app, &me.user)?
            .into_iter()
            .collect();
        let followers: BTreeMap<String, u64> = self
            .store
            .followers(me.app, &me.user)?
            .into_iter()
            .collect();
        let items = req
            .to_account
            .iter()
            .map(|peer| match check_peer("To_Account", peer) {
                Err(Fail::Refuse(code, info)) => FollowCheckItem {
                    result_code: code,
                    result_info: info,
                    ..FollowCheckItem::default()
                },
                _ => FollowCheckItem {
                    to_account: peer.clone(),
                    result_code: 0,
                    result_info: String::new(),
                    follow_type: u8::from(followers.contains_key(peer))
                        + 2 * u8::from(following.contains_key(peer)),
                },
            })
            .collect();
        Ok(FollowCheckReply {
            base: BaseReply::ok(),
            follow_check_item: items,
        })
    }
}
