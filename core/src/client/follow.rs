//! Follows (`followUser`, `unfollowUser`, `getMyFollowingList`,
//! `getMyFollowersList`, `getMutualFollowersList`, `getUserFollowInfo`,
//! `checkFollowType`) and the three follow events. **The servcmds' bodies
//! are ours** (PROTOCOL.md 10.3): the shared reference names the commands
//! but the official SDK was not observed using them.
//!
//! Nothing is held: the lists are read from the server, page by page. The
//! events come from the server's `FollowListMod` pushes only, which reach
//! every instance of both users, the caller's included; so each instance
//! raises each event once, whichever instance made the change.

use std::time::Instant;

use super::conv_api::parse_reply;
use super::request::Call;
use super::{Client, RequestId};
use crate::error::{ChatError, ErrorCode};
use crate::event::Event;
use crate::model::{
    FollowListResult, FollowResult, FollowTypeCheckResult, Profile, UserFollowInfo,
};
use crate::proto::follow::{
    FollowChangeReply, FollowChangeRequest, FollowCheckReply, FollowGetReply, FollowGetRequest,
    FollowInfoReply, FollowListMod, FollowUsersRequest, LIST_FOLLOWERS, LIST_FOLLOWING,
    LIST_MUTUAL,
};
use crate::wire::{servcmd, Frame};

/// Users one follow call names (tcchat's limit, as its server's).
const MAX_PER_CALL: usize = 100;

/// A profile with only the user ID (the follow commands carry no more).
fn bare_profile(user_id: &str) -> Profile {
    Profile {
        user_id: user_id.to_owned(),
        ..Profile::default()
    }
}

impl Client {
    /// `FollowListMod` pushed: the matching follow event per item.
    pub(super) fn follow_on_list_mod(&mut self, mods: &[FollowListMod]) {
        for m in mods {
            let user_list: Vec<Profile> = m
                .user_list
                .iter()
                .filter(|u| super::conv_list::valid_peer(u))
                .map(|u| bare_profile(u))
                .collect();
            if user_list.is_empty() {
                continue;
            }
            let is_add = m.is_add == 1;
            let event = match m.list {
                LIST_FOLLOWING => Event::MyFollowingListUpdated { user_list, is_add },
                LIST_FOLLOWERS => Event::MyFollowersListUpdated { user_list, is_add },
                LIST_MUTUAL => Event::MutualFollowersListUpdated { user_list, is_add },
                _ => continue,
            };
            self.emit(event);
        }
    }

    /// `followUser(userIDList)`: `follow.follow_add` (ours). Completes with
    /// one result per user; MY_FOLLOWING_LIST_UPDATED follows on every
    /// instance (and the followed users get MY_FOLLOWERS_LIST_UPDATED,
    /// both sides MUTUAL_FOLLOWERS_LIST_UPDATED when it became mutual).
    /// Refused with 2905 for 0 or more than 100 IDs or a bad ID.
    pub fn follow_user(
        &mut self,
        now: Instant,
        user_ids: &[String],
    ) -> Result<RequestId<Vec<FollowResult>>, ChatError> {
        self.change_follow(now, "followUser", servcmd::FOLLOW_ADD, user_ids)
    }

    /// `unfollowUser(userIDList)`: `follow.follow_delete` (ours). As
    /// [`follow_user`](Self::follow_user), with the events' `is_add` false.
    pub fn unfollow_user(
        &mut self,
        now: Instant,
        user_ids: &[String],
    ) -> Result<RequestId<Vec<FollowResult>>, ChatError> {
        self.change_follow(now, "unfollowUser", servcmd::FOLLOW_DELETE, user_ids)
    }

    fn change_follow(
        &mut self,
        now: Instant,
        api: &'static str,
        cmd: &'static str,
        user_ids: &[String],
    ) -> Result<RequestId<Vec<FollowResult>>, ChatError> {
        let me = self.require_ready(api)?.user_id.clone();
        let users = self.check_user_ids(api, user_ids, MAX_PER_CALL)?;
        self.check_capacity()?;
        let body = FollowChangeRequest {
            from_account: me,
            to_account: users,
        };
        Ok(self.enqueue_command(now, cmd, &body, |id| {
            Call::change(
                id,
                move |client: &mut Client, _now, id, status, frame: &Frame| {
                    let outcome = parse_reply::<FollowChangeReply>(status, frame).map(|r| {
                        r.result_item
                            .into_iter()
                            .map(|i| FollowResult {
                                user_id: i.to_account,
                                result_code: i.result_code,
                                result_info: i.result_info,
                            })
                            .collect()
                    });
                    client.complete(id, outcome);
                },
            )
        }))
    }

    /// `getMyFollowingList(nextCursor)`: a page of the users I follow
    /// (`follow.follow_get`, ours); pass `""` first, then the result's
    /// `next_cursor` until it is empty. 2905 for a cursor that is not one.
    pub fn get_my_following_list(
        &mut self,
        now: Instant,
        next_cursor: &str,
    ) -> Result<RequestId<FollowListResult>, ChatError> {
        self.get_follow_list(now, "getMyFollowingList", LIST_FOLLOWING, next_cursor)
    }

    /// `getMyFollowersList(nextCursor)`: a page of the users following me.
    pub fn get_my_followers_list(
        &mut self,
        now: Instant,
        next_cursor: &str,
    ) -> Result<RequestId<FollowListResult>, ChatError> {
        self.get_follow_list(now, "getMyFollowersList", LIST_FOLLOWERS, next_cursor)
    }

    /// `getMutualFollowersList(nextCursor)`: a page of the users I follow
    /// who follow me.
    pub fn get_mutual_followers_list(
        &mut self,
        now: Instant,
        next_cursor: &str,
    ) -> Result<RequestId<FollowListResult>, ChatError> {
        self.get_follow_list(now, "getMutualFollowersList", LIST_MUTUAL, next_cursor)
    }

    fn get_follow_list(
        &mut self,
        now: Instant,
        api: &'static str,
        list: u8,
        next_cursor: &str,
    ) -> Result<RequestId<FollowListResult>, ChatError> {
        let me = self.require_ready(api)?.user_id.clone();
        let start_index = if next_cursor.is_empty() {
            0
        } else {
            match next_cursor.parse::<u64>() {
                Ok(n) => n,
                Err(_) => {
                    return Err(self.api_error(
                        ErrorCode::INVALID_OPERATION,
                        format!("{api}: {next_cursor:?} is not a cursor this client returned"),
                    ))
                }
            }
        };
        self.check_capacity()?;
        let body = FollowGetRequest {
            from_account: me,
            follow_type: list,
            start_index,
        };
        Ok(self.enqueue_command(now, servcmd::FOLLOW_GET, &body, |id| {
            Call::query(
                id,
                move |client: &mut Client, _now, id, status, frame: &Frame| {
                    let outcome =
                        parse_reply::<FollowGetReply>(status, frame).map(|r| FollowListResult {
                            result_list: r
                                .follow_item
                                .iter()
                                .map(|i| bare_profile(&i.to_account))
                                .collect(),
                            next_cursor: if r.next_start_index == 0 {
                                String::new()
                            } else {
                                r.next_start_index.to_string()
                            },
                        });
                    client.complete(id, outcome);
                },
            )
        }))
    }

    /// `getUserFollowInfo(userIDList)`: each user's follower, following
    /// and mutual counts (`follow.follow_get_info`, ours); users the
    /// server could not read are left out. 2905 for 0 or more than 100 IDs
    /// or a bad ID.
    pub fn get_user_follow_info(
        &mut self,
        now: Instant,
        user_ids: &[String],
    ) -> Result<RequestId<Vec<UserFollowInfo>>, ChatError> {
        const API: &str = "getUserFollowInfo";
        let me = self.require_ready(API)?.user_id.clone();
        let users = self.check_user_ids(API, user_ids, MAX_PER_CALL)?;
        self.check_capacity()?;
        let body = FollowUsersRequest {
            from_account: me,
            to_account: users,
        };
        Ok(
            self.enqueue_command(now, servcmd::FOLLOW_GET_INFO, &body, |id| {
                Call::query(
                    id,
                    move |client: &mut Client, _now, id, status, frame: &Frame| {
                        let outcome = parse_reply::<FollowInfoReply>(status, frame).map(|r| {
                            r.follow_info_item
                                .into_iter()
                                .filter(|i| i.result_code == 0)
                                .map(|i| UserFollowInfo {
                                    user_id: i.to_account,
                                    followers_count: i.followers_count,
                                    following_count: i.following_count,
                                    mutual_followers_count: i.mutual_followers_count,
                                })
                                .collect()
                        });
                        client.complete(id, outcome);
                    },
                )
            }),
        )
    }

    /// `checkFollowType(userIDList)`: my relation with each user
    /// (`follow.follow_check`, ours): 0 none, 1 it follows me, 2 I follow
    /// it, 3 both. 2905 for 0 or more than 100 IDs or a bad ID.
    pub fn check_follow_type(
        &mut self,
        now: Instant,
        user_ids: &[String],
    ) -> Result<RequestId<Vec<FollowTypeCheckResult>>, ChatError> {
        const API: &str = "checkFollowType";
        let me = self.require_ready(API)?.user_id.clone();
        let users = self.check_user_ids(API, user_ids, MAX_PER_CALL)?;
        self.check_capacity()?;
        let body = FollowUsersRequest {
            from_account: me,
            to_account: users,
        };
        Ok(
            self.enqueue_command(now, servcmd::FOLLOW_CHECK, &body, |id| {
                Call::query(
                    id,
                    move |client: &mut Client, _now, id, status, frame: &Frame| {
                        let outcome = parse_reply::<FollowCheckReply>(status, frame).map(|r| {
                            r.follow_check_item
                                .into_iter()
                                .map(|i| FollowTypeCheckResult {
                                    user_id: i.to_account,
                                    follow_type: i.follow_type.min(3),
                                    result_code: i.result_code,
                                    result_info: i.result_info,
                                })
                                .collect()
                        });
                        client.complete(id, outcome);
                    },
                )
            }),
        )
    }
}
