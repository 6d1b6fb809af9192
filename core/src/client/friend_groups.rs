//! Friend groups (relationship-facts §4): the list fetched at login and
//! after every reconnect (`sns.group_get`), the APIs
//! `getFriendGroupList`, `createFriendGroup`, `deleteFriendGroup`,
//! `renameFriendGroup`, `addToFriendGroup`, `removeFromFriendGroup`, and
//! FRIEND_GROUP_LIST_UPDATED.
//!
//! The client holds the group names in order; who is in a group is each
//! friend's `group_list`, so the two never disagree: a deleted friend
//! leaves its groups, and a friend added into a group (`GroupName`) brings
//! the group with it (listed after the known names, in name order, as the
//! server lists it). A change made here is applied from its reply, as in
//! the official SDK; one made on another instance arrives as tcchat's own
//! push (`FriendListMod` PushType 9, `FriendGroupChanged`), which makes
//! this client fetch the list again (the official SDK has no such push and
//! learns of it at its next login).

use std::time::Instant;

use super::conv_api::parse_reply;
use super::request::{Call, Request};
use super::{Client, RequestId};
use crate::error::{ChatError, ErrorCode};
use crate::event::Event;
use crate::model::{FriendGroup, FriendGroupResult, FriendResultItem};
use crate::proto::sns::{
    GroupAddRequest, GroupChangeReply, GroupDeleteRequest, GroupGetReply, GroupGetRequest,
    GroupUpdateRequest, UpdateGroupItem, GROUP_ADD, GROUP_DELETE, GROUP_GET, GROUP_UPDATE,
    NEED_FRIEND_YES, UPDATE_TYPE_ADD, UPDATE_TYPE_DELETE,
};
use crate::wire::Frame;

/// Most bytes of a friend group name.
const MAX_NAME_BYTES: usize = 30;
/// Most friend groups kept from a reply (the server allows 32).
const MAX_GROUPS: usize = 1000;
/// Most users in one group change.
const MAX_USERS: usize = 100;

impl Client {
    /// The friend groups: the known names, then any other group a friend
    /// is in (in name order); each with its friends in user ID order.
    pub(super) fn friend_group_list(&self) -> Vec<FriendGroup> {
        let rel = &self.relations;
        let mut names = rel.group_names.clone();
        let mut extra: Vec<&String> = rel
            .friends
            .values()
            .flat_map(|f| f.group_list.iter())
            .filter(|g| !names.contains(g))
            .collect();
        extra.sort();
        extra.dedup();
        names.extend(extra.into_iter().cloned());
        names
            .into_iter()
            .map(|name| {
                let user_id_list: Vec<String> = rel
                    .friends
                    .values()
                    .filter(|f| f.group_list.contains(&name))
                    .map(|f| f.user_id.clone())
                    .collect();
                FriendGroup {
                    count: user_id_list.len() as u64,
                    name,
                    user_id_list,
                }
            })
            .collect()
    }

    /// FRIEND_GROUP_LIST_UPDATED if the list is not `before` any more.
    pub(super) fn emit_friend_groups_if_changed(&mut self, before: &[FriendGroup]) {
        let after = self.friend_group_list();
        if after != before {
            self.emit(Event::FriendGroupListUpdated(after));
        }
    }

    /// Fetch the friend groups (`sns.group_get`), or ask for one more fetch
    /// after the one in flight.
    pub(super) fn fetch_friend_groups(&mut self, now: Instant) {
        if self.requests.has::<FriendGroupFetch>() {
            self.relations.refetch_groups = true;
            return;
        }
        let body = GroupGetRequest {
            from_account: self.current_user(),
            last_sequence: 0,
            need_friend: NEED_FRIEND_YES.to_owned(),
        };
        let timeout = self.ctx.tuning().request_timeout;
        self.enqueue(now, GROUP_GET, &body, timeout, FriendGroupFetch);
    }

    fn on_friend_groups(&mut self, now: Instant, reply: Result<GroupGetReply, ChatError>) {
        match reply {
            Ok(r) => {
                let before = self.friend_group_list();
                let mut names: Vec<String> = Vec::new();
                for g in r.result_item.iter().take(MAX_GROUPS) {
                    if !g.group_name.is_empty() && !names.contains(&g.group_name) {
                        names.push(g.group_name.clone());
                    }
                }
                for f in self.relations.friends.values_mut() {
                    f.group_list = r
                        .result_item
                        .iter()
                        .filter(|g| names.contains(&g.group_name))
                        .filter(|g| g.to_account.contains(&f.user_id))
                        .map(|g| g.group_name.clone())
                        .collect();
                }
                self.relations.group_names = names;
                let after = self.friend_group_list();
                // As the official SDK: the list fires at every fetch that
                // has groups (and here also when it became empty).
                if !after.is_empty() || after != before {
                    self.emit(Event::FriendGroupListUpdated(after));
                }
            }
            Err(err) => {
                if self.log_enabled(2) {
                    tracing::warn!(code = err.code.0, message = %err.message, "friend groups could not be fetched");
                }
            }
        }
        if std::mem::take(&mut self.relations.refetch_groups) {
            self.fetch_friend_groups(now);
        }
    }

    /// Make the listed names the held ones (the server stores them so at
    /// its next change too), before applying a change.
    fn settle_group_names(&mut self) {
        self.relations.group_names = self
            .friend_group_list()
            .into_iter()
            .map(|g| g.name)
            .collect();
    }

    /// The group named `name`, if held.
    fn friend_group(&self, name: &str) -> Option<FriendGroup> {
        self.friend_group_list()
            .into_iter()
            .find(|g| g.name == name)
    }

    /// 2905 unless `name` is 1 to 30 bytes.
    fn check_friend_group_name(&mut self, api: &str, name: &str) -> Result<(), ChatError> {
        if name.is_empty() || name.len() > MAX_NAME_BYTES {
            return Err(self.api_error(
                ErrorCode::INVALID_OPERATION,
                format!("{api}: a friend group name is 1 to {MAX_NAME_BYTES} bytes"),
            ));
        }
        Ok(())
    }

    /// 2711 unless the group `name` is held.
    fn require_friend_group(&mut self, api: &str, name: &str) -> Result<(), ChatError> {
        if self.friend_group(name).is_none() {
            return Err(self.api_error(
                ErrorCode::FRIEND_GRP_NOT_EXIST,
                format!("{api}: no friend group {name:?}"),
            ));
        }
        Ok(())
    }

    /// `getFriendGroupList()`: the friend groups held (fetched at login and
    /// after every reconnect, kept by this instance's changes and by the
    /// push of the others'). 2999 before login.
    pub fn get_friend_group_list(
        &mut self,
        _now: Instant,
    ) -> Result<RequestId<Vec<FriendGroup>>, ChatError> {
        self.require_ready("getFriendGroupList")?;
        let list = self.friend_group_list();
        let id = self.next_request_id();
        self.complete(id, Ok(list));
        Ok(id)
    }

    /// `createFriendGroup({name, userIDList})`: `sns.group_add`. Completes
    /// with the new group and the users who could not go in (the server's
    /// code, 30001 for one who is not a friend); FRIEND_GROUP_LIST_UPDATED
    /// fires here and on my other instances. Refused without a request:
    /// 2710 the name exists, 2905 a name not 1 to 30 bytes, more than 100
    /// users or a bad user ID.
    pub fn create_friend_group(
        &mut self,
        now: Instant,
        name: &str,
        user_ids: &[String],
    ) -> Result<RequestId<FriendGroupResult>, ChatError> {
        const API: &str = "createFriendGroup";
        let me = self.require_ready(API)?.user_id.clone();
        self.check_friend_group_name(API, name)?;
        if self.friend_group(name).is_some() {
            return Err(self.api_error(
                ErrorCode::FRIEND_GRP_EXISTED,
                format!("{API}: the friend group {name:?} exists"),
            ));
        }
        let users = if user_ids.is_empty() {
            Vec::new()
        } else {
            self.check_user_ids(API, user_ids, MAX_USERS)?
        };
        self.check_capacity()?;
        let body = GroupAddRequest {
            from_account: me,
            group_name: vec![name.to_owned()],
            to_account: users,
        };
        let name = name.to_owned();
        Ok(self.enqueue_command(now, GROUP_ADD, &body, |id| {
            Call::change(
                id,
                move |client: &mut Client, _now, id, status, frame: &Frame| {
                    let outcome = parse_reply::<GroupChangeReply>(status, frame).map(|r| {
                        let before = client.friend_group_list();
                        client.settle_group_names();
                        if !client.relations.group_names.contains(&name) {
                            client.relations.group_names.push(name.clone());
                        }
                        let failures = client.apply_members(&name, &r, true, None);
                        client.emit_friend_groups_if_changed(&before);
                        FriendGroupResult {
                            friend_group: client.friend_group(&name).unwrap_or_default(),
                            failure_user_id_list: failures,
                        }
                    });
                    client.complete(id, outcome);
                },
            )
        }))
    }

    /// Put the users of `reply`'s `ResultItem` with code 0 in (`add`) or out
    /// of the group `name` (with `update_type`, only items that echo it,
    /// as the official SDK); the others are returned as failures.
    fn apply_members(
        &mut self,
        name: &str,
        reply: &GroupChangeReply,
        add: bool,
        update_type: Option<&str>,
    ) -> Vec<FriendResultItem> {
        let mut failures = Vec::new();
        for item in &reply.result_item {
            if update_type.is_some_and(|t| t != item.update_type) {
                continue;
            }
            let friend = self.relations.friends.get_mut(&item.to_account);
            match friend {
                Some(f) if item.result_code == 0 => {
                    if add {
                        if !f.group_list.iter().any(|g| g == name) {
                            f.group_list.push(name.to_owned());
                        }
                    } else {
                        f.group_list.retain(|g| g != name);
                    }
                }
                _ => failures.push(FriendResultItem {
                    user_id: item.to_account.clone(),
                    code: if item.result_code == 0 {
                        ErrorCode::NOT_MY_FRIEND.0
                    } else {
                        item.result_code
                    },
                    message: item.result_info.clone(),
                    relation: String::new(),
                }),
            }
        }
        failures
    }

    /// `deleteFriendGroup({name})`: `sns.group_delete`. Completes with the
    /// group as it was; its friends stay friends; FRIEND_GROUP_LIST_UPDATED
    /// fires here and on my other instances. 2711 without a request if there
    /// is no such group.
    pub fn delete_friend_group(
        &mut self,
        now: Instant,
        name: &str,
    ) -> Result<RequestId<FriendGroup>, ChatError> {
        const API: &str = "deleteFriendGroup";
        let me = self.require_ready(API)?.user_id.clone();
        self.require_friend_group(API, name)?;
        self.check_capacity()?;
        let body = GroupDeleteRequest {
            from_account: me,
            group_name: vec![name.to_owned()],
        };
        let name = name.to_owned();
        Ok(self.enqueue_command(now, GROUP_DELETE, &body, |id| {
            Call::change(
                id,
                move |client: &mut Client, _now, id, status, frame: &Frame| {
                    let outcome = parse_reply::<GroupChangeReply>(status, frame).map(|_| {
                        let before = client.friend_group_list();
                        let gone = client.friend_group(&name).unwrap_or_else(|| FriendGroup {
                            name: name.clone(),
                            ..FriendGroup::default()
                        });
                        client.settle_group_names();
                        client.relations.group_names.retain(|n| *n != name);
                        for f in client.relations.friends.values_mut() {
                            f.group_list.retain(|g| *g != name);
                        }
                        client.emit_friend_groups_if_changed(&before);
                        gone
                    });
                    client.complete(id, outcome);
                },
            )
        }))
    }

    /// `renameFriendGroup({oldName, newName})`: `sns.group_update`.
    /// Completes with the renamed group (its place and friends kept);
    /// FRIEND_GROUP_LIST_UPDATED fires here and on my other instances.
    /// Refused without a request: 2711 no group `old_name`, 2710 a group
    /// `new_name` exists, 2905 a name not 1 to 30 bytes.
    pub fn rename_friend_group(
        &mut self,
        now: Instant,
        old_name: &str,
        new_name: &str,
    ) -> Result<RequestId<FriendGroup>, ChatError> {
        const API: &str = "renameFriendGroup";
        let me = self.require_ready(API)?.user_id.clone();
        self.check_friend_group_name(API, new_name)?;
        self.require_friend_group(API, old_name)?;
        if self.friend_group(new_name).is_some() {
            return Err(self.api_error(
                ErrorCode::FRIEND_GRP_EXISTED,
                format!("{API}: the friend group {new_name:?} exists"),
            ));
        }
        self.check_capacity()?;
        let body = GroupUpdateRequest {
            from_account: me,
            group_old_name: old_name.to_owned(),
            group_new_name: Some(new_name.to_owned()),
            update_group_item: Vec::new(),
        };
        let (old, new) = (old_name.to_owned(), new_name.to_owned());
        Ok(self.enqueue_command(now, GROUP_UPDATE, &body, |id| {
            Call::change(
                id,
                move |client: &mut Client, _now, id, status, frame: &Frame| {
                    let outcome = parse_reply::<GroupChangeReply>(status, frame).map(|_| {
                        let before = client.friend_group_list();
                        client.settle_group_names();
                        for n in client.relations.group_names.iter_mut() {
                            if *n == old {
                                n.clone_from(&new);
                            }
                        }
                        for f in client.relations.friends.values_mut() {
                            for g in f.group_list.iter_mut() {
                                if *g == old {
                                    g.clone_from(&new);
                                }
                            }
                        }
                        client.emit_friend_groups_if_changed(&before);
                        client.friend_group(&new).unwrap_or_default()
                    });
                    client.complete(id, outcome);
                },
            )
        }))
    }

    /// `addToFriendGroup({name, userIDList})`: `sns.group_update` with
    /// `Update_Type_Add`. Users not in the friend list are reported with
    /// 2700 and not sent (the official SDK drops them silently); if none is
    /// left it completes at once. Completes with the group and the
    /// failures; FRIEND_GROUP_LIST_UPDATED fires here and on my other
    /// instances when it changed. Refused without a request: 2711 no such
    /// group, 2905 no users, more than 100 or a bad ID.
    pub fn add_to_friend_group(
        &mut self,
        now: Instant,
        name: &str,
        user_ids: &[String],
    ) -> Result<RequestId<FriendGroupResult>, ChatError> {
        self.change_friend_group_members(now, "addToFriendGroup", name, user_ids, true)
    }

    /// `removeFromFriendGroup({name, userIDList})`: `sns.group_update` with
    /// `Update_Type_Delete`; otherwise as
    /// [`add_to_friend_group`](Self::add_to_friend_group).
    pub fn remove_from_friend_group(
        &mut self,
        now: Instant,
        name: &str,
        user_ids: &[String],
    ) -> Result<RequestId<FriendGroupResult>, ChatError> {
        self.change_friend_group_members(now, "removeFromFriendGroup", name, user_ids, false)
    }

    fn change_friend_group_members(
        &mut self,
        now: Instant,
        api: &'static str,
        name: &str,
        user_ids: &[String],
        add: bool,
    ) -> Result<RequestId<FriendGroupResult>, ChatError> {
        let me = self.require_ready(api)?.user_id.clone();
        self.require_friend_group(api, name)?;
        let users = self.check_user_ids(api, user_ids, MAX_USERS)?;
        let (friends, others): (Vec<String>, Vec<String>) = users
            .into_iter()
            .partition(|u| self.relations.friends.contains_key(u));
        let not_friends: Vec<FriendResultItem> = others
            .into_iter()
            .map(|u| FriendResultItem {
                user_id: u,
                code: ErrorCode::NOT_MY_FRIEND.0,
                message: "not a friend".to_owned(),
                relation: String::new(),
            })
            .collect();
        if friends.is_empty() {
            let id = self.next_request_id();
            let group = self.friend_group(name).unwrap_or_default();
            self.complete(
                id,
                Ok(FriendGroupResult {
                    friend_group: group,
                    failure_user_id_list: not_friends,
                }),
            );
            return Ok(id);
        }
        self.check_capacity()?;
        let update_type = if add {
            UPDATE_TYPE_ADD
        } else {
            UPDATE_TYPE_DELETE
        };
        let body = GroupUpdateRequest {
            from_account: me,
            group_old_name: name.to_owned(),
            group_new_name: None,
            update_group_item: friends
                .into_iter()
                .map(|u| UpdateGroupItem {
                    to_account: u,
                    update_type: update_type.to_owned(),
                })
                .collect(),
        };
        let name = name.to_owned();
        Ok(self.enqueue_command(now, GROUP_UPDATE, &body, |id| {
            Call::change(
                id,
                move |client: &mut Client, _now, id, status, frame: &Frame| {
                    let outcome = parse_reply::<GroupChangeReply>(status, frame).map(|r| {
                        let before = client.friend_group_list();
                        client.settle_group_names();
                        let mut failures = client.apply_members(&name, &r, add, Some(update_type));
                        failures.extend(not_friends);
                        client.emit_friend_groups_if_changed(&before);
                        FriendGroupResult {
                            friend_group: client.friend_group(&name).unwrap_or_else(|| {
                                FriendGroup {
                                    name: name.clone(),
                                    ..FriendGroup::default()
                                }
                            }),
                            failure_user_id_list: failures,
                        }
                    });
                    client.complete(id, outcome);
                },
            )
        }))
    }
}

/// `sns.group_get`: the SDK's own fetch at login, after a reconnect and
/// after the friend-group push.
#[derive(Debug)]
pub(super) struct FriendGroupFetch;

impl Request for FriendGroupFetch {
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
        client.on_friend_groups(now, parse_reply(status, frame));
    }

    fn on_failed(self: Box<Self>, client: &mut Client, err: ChatError) {
        if client.log_enabled(2) {
            tracing::warn!(code = err.code.0, message = %err.message, "friend groups could not be fetched");
        }
        client.relations.refetch_groups = false;
    }
}
