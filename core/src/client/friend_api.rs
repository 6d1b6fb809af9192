//! The friend APIs (`getFriendList`, `addFriend`, `deleteFriend`,
//! `checkFriend`, `updateFriend`, `getFriendProfile`; relationship-facts
//! §2). The list is held in `relations.rs`; as in the official SDK, add and
//! delete do not change it themselves: the server's `FriendListMod` push
//! does, on every instance.

use std::time::Instant;

use super::conv_api::parse_reply;
use super::relations::{apply_friend_tags, Relations};
use super::request::Call;
use super::{Client, RequestId};
use crate::error::{ChatError, ErrorCode};
use crate::event::Event;
use crate::model::{
    AddFriendResult, CustomField, Friend, FriendOperationResult, FriendProfileResult,
    FriendResultItem,
};
use crate::proto::sns::{
    tag, AddFriendItem, FriendAddRequest, FriendCheckReply, FriendCheckRequest,
    FriendDeleteRequest, FriendUpdateRequest, SnsResultReply, TagValue, UpdateItem, ADD_TYPE_BOTH,
    ADD_TYPE_SINGLE, CHECK_TYPE_BOTH, CHECK_TYPE_SINGLE, DELETE_TYPE_BOTH, DELETE_TYPE_SINGLE,
    FRIEND_ADD, FRIEND_CHECK, FRIEND_DELETE, FRIEND_UPDATE,
};
use crate::wire::Frame;

/// What `add_friend` sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddFriendOptions {
    /// The user to befriend.
    pub to: String,
    /// Where the request comes from: must start with `AddSource_Type_`
    /// (default `AddSource_Type_Web`).
    pub source: String,
    /// Words shown with the request, at most 256 bytes.
    pub wording: String,
    /// Remark for the new friend, at most 96 bytes.
    pub remark: String,
    /// Friend group to put the new friend in (empty: none).
    pub group_name: String,
    /// `true` (default): both become friends; `false`: only the caller
    /// adds the user (`Add_Type_Single`).
    pub both: bool,
}

impl AddFriendOptions {
    /// A request to befriend `to`, both ways, from the web.
    pub fn new(to: impl Into<String>) -> AddFriendOptions {
        AddFriendOptions {
            to: to.into(),
            source: "AddSource_Type_Web".to_owned(),
            wording: String::new(),
            remark: String::new(),
            group_name: String::new(),
            both: true,
        }
    }

    /// With these words.
    pub fn with_wording(mut self, wording: impl Into<String>) -> AddFriendOptions {
        self.wording = wording.into();
        self
    }

    /// With this remark.
    pub fn with_remark(mut self, remark: impl Into<String>) -> AddFriendOptions {
        self.remark = remark.into();
        self
    }

    /// One-way (`Add_Type_Single`).
    pub fn single(mut self) -> AddFriendOptions {
        self.both = false;
        self
    }
}

/// Most bytes of a remark.
const MAX_REMARK_BYTES: usize = 96;
/// Most bytes of request words or a custom friend field value.
const MAX_WORDING_BYTES: usize = 256;

/// A `ResultItem` list as a friend operation result.
fn operation_result(items: &[crate::proto::sns::SnsResultItem]) -> FriendOperationResult {
    let mut out = FriendOperationResult::default();
    for r in items {
        let item = FriendResultItem {
            user_id: r.to_account.clone(),
            code: r.result_code,
            message: r.result_info.clone(),
            relation: String::new(),
        };
        if r.result_code == 0 {
            out.success_user_id_list.push(item);
        } else {
            out.failure_user_id_list.push(item);
        }
    }
    out
}

fn not_a_friend(user_id: &str) -> FriendResultItem {
    FriendResultItem {
        user_id: user_id.to_owned(),
        code: ErrorCode::NOT_MY_FRIEND.0,
        message: "not a friend".to_owned(),
        relation: String::new(),
    }
}

impl Client {
    /// `getFriendList()`: the friend list this client holds (synced at
    /// login and after every reconnect, kept current by pushes), in user
    /// ID order. 2999 before login.
    pub fn get_friend_list(&mut self, _now: Instant) -> Result<RequestId<Vec<Friend>>, ChatError> {
        self.require_ready("getFriendList")?;
        let list = self.relations.friend_list();
        let id = self.next_request_id();
        self.complete(id, Ok(list));
        Ok(id)
    }

    /// `addFriend(options)`: `sns.friend_add`. Completes with code 0 (now
    /// friends) or 30539 (the user must confirm; a friend application is
    /// created); a user who refuses every request fails it with 30516, an
    /// existing friend with 30001. The friend list changes by the push that
    /// follows (FRIEND_LIST_UPDATED). 2905 for a bad argument.
    pub fn add_friend(
        &mut self,
        now: Instant,
        opts: &AddFriendOptions,
    ) -> Result<RequestId<AddFriendResult>, ChatError> {
        const API: &str = "addFriend";
        let me = self.require_ready(API)?.user_id.clone();
        self.check_user_ids(
            API,
            std::slice::from_ref(&opts.to),
            Relations::PROFILE_BATCH,
        )?;
        let problem = if opts.to == me {
            Some("cannot befriend yourself")
        } else if !opts.source.starts_with("AddSource_Type_") || opts.source.len() > 64 {
            Some("source must start with AddSource_Type_ (at most 64 bytes)")
        } else if opts.wording.len() > MAX_WORDING_BYTES {
            Some("wording is at most 256 bytes")
        } else if opts.remark.len() > MAX_REMARK_BYTES {
            Some("remark is at most 96 bytes")
        } else if opts.group_name.len() > 30 {
            Some("a friend group name is at most 30 bytes")
        } else {
            None
        };
        if let Some(why) = problem {
            return Err(self.api_error(ErrorCode::INVALID_OPERATION, format!("{API}: {why}")));
        }
        self.check_capacity()?;
        let body = FriendAddRequest {
            from_account: me,
            add_friend_item: vec![AddFriendItem {
                to_account: opts.to.clone(),
                add_source: opts.source.clone(),
                add_wording: opts.wording.clone(),
                remark: opts.remark.clone(),
                group_name: opts.group_name.clone(),
            }],
            add_type: if opts.both {
                ADD_TYPE_BOTH
            } else {
                ADD_TYPE_SINGLE
            }
            .to_owned(),
        };
        let to = opts.to.clone();
        Ok(self.enqueue_command(now, FRIEND_ADD, &body, |id| {
            Call::change(
                id,
                move |client: &mut Client, _, id, status, frame: &Frame| {
                    let outcome = parse_reply::<SnsResultReply>(status, frame).and_then(|r| {
                        let Some(item) = r.result_item.iter().find(|i| i.to_account == to) else {
                            return Err(ChatError::new(
                                ErrorCode::UNCAUGHT_ERROR,
                                "friend_add reply without a ResultItem for the user",
                            ));
                        };
                        let code = item.result_code;
                        if code == 0 || code == ErrorCode::FRIEND_NEED_CONFIRM.0 {
                            Ok(AddFriendResult {
                                user_id: to.clone(),
                                code,
                                message: item.result_info.clone(),
                            })
                        } else {
                            Err(ChatError::new(ErrorCode(code), item.result_info.clone()))
                        }
                    });
                    client.complete(id, outcome);
                },
            )
        }))
    }

    /// `deleteFriend({userIDList, type})`: `sns.friend_delete`, both ways
    /// (`both`) or from my list only. Users not in the friend list are
    /// reported with 2700 and not sent (if none is left, it completes at
    /// once). The list changes by the push that follows.
    pub fn delete_friend(
        &mut self,
        now: Instant,
        user_ids: &[String],
        both: bool,
    ) -> Result<RequestId<FriendOperationResult>, ChatError> {
        const API: &str = "deleteFriend";
        let me = self.require_ready(API)?.user_id.clone();
        self.check_user_ids(API, user_ids, Relations::PROFILE_BATCH)?;
        let (friends, others): (Vec<String>, Vec<String>) = user_ids
            .iter()
            .cloned()
            .partition(|u| self.relations.friends.contains_key(u));
        let failures: Vec<FriendResultItem> = others.iter().map(|u| not_a_friend(u)).collect();
        if friends.is_empty() {
            let id = self.next_request_id();
            self.complete(
                id,
                Ok(FriendOperationResult {
                    success_user_id_list: Vec::new(),
                    failure_user_id_list: failures,
                }),
            );
            return Ok(id);
        }
        self.check_capacity()?;
        let body = FriendDeleteRequest {
            from_account: me,
            to_account: friends,
            delete_type: if both {
                DELETE_TYPE_BOTH
            } else {
                DELETE_TYPE_SINGLE
            }
            .to_owned(),
        };
        Ok(self.enqueue_command(now, FRIEND_DELETE, &body, |id| {
            Call::change(
                id,
                move |client: &mut Client, _, id, status, frame: &Frame| {
                    let outcome = parse_reply::<SnsResultReply>(status, frame).map(|r| {
                        let mut out = operation_result(&r.result_item);
                        out.failure_user_id_list.extend(failures);
                        out
                    });
                    client.complete(id, outcome);
                },
            )
        }))
    }

    /// `checkFriend({userIDList, type})`: `sns.friend_check`. Each user
    /// gets a relation: `CheckResult_Type_NoRelation`, `_AWithB` (in my
    /// list), `_BWithA` (I am in theirs) or `_BothWay`; with `both` false
    /// only my list is looked at.
    pub fn check_friend(
        &mut self,
        now: Instant,
        user_ids: &[String],
        both: bool,
    ) -> Result<RequestId<FriendOperationResult>, ChatError> {
        const API: &str = "checkFriend";
        let me = self.require_ready(API)?.user_id.clone();
        self.check_user_ids(API, user_ids, Relations::PROFILE_BATCH)?;
        self.check_capacity()?;
        let body = FriendCheckRequest {
            from_account: me,
            to_account: user_ids.to_vec(),
            check_type: if both {
                CHECK_TYPE_BOTH
            } else {
                CHECK_TYPE_SINGLE
            }
            .to_owned(),
        };
        Ok(self.enqueue_command(now, FRIEND_CHECK, &body, |id| {
            Call::query(
                id,
                move |client: &mut Client, _, id, status, frame: &Frame| {
                    let outcome = parse_reply::<FriendCheckReply>(status, frame).map(|r| {
                        let mut out = FriendOperationResult::default();
                        for i in r.info_item {
                            let item = FriendResultItem {
                                user_id: i.to_account,
                                code: i.result_code,
                                message: i.result_info,
                                relation: i.relation,
                            };
                            if item.code == 0 {
                                out.success_user_id_list.push(item);
                            } else {
                                out.failure_user_id_list.push(item);
                            }
                        }
                        out
                    });
                    client.complete(id, outcome);
                },
            )
        }))
    }

    /// `updateFriend({userID, remark, friendCustomField})`:
    /// `sns.friend_update`. Refused with 2700 without a request if the
    /// user is not a friend, 2905 for nothing to change, a remark over 96
    /// bytes, or a custom key not starting with `Tag_SNS_Custom`. On
    /// success the entry changes, FRIEND_LIST_UPDATED fires and it
    /// completes with the friend; the server pushes the change to my other
    /// instances.
    pub fn update_friend(
        &mut self,
        now: Instant,
        user_id: &str,
        remark: Option<&str>,
        custom: &[CustomField],
    ) -> Result<RequestId<Friend>, ChatError> {
        const API: &str = "updateFriend";
        let me = self.require_ready(API)?.user_id.clone();
        if !self.relations.friends.contains_key(user_id) {
            return Err(self.api_error(
                ErrorCode::NOT_MY_FRIEND,
                format!("{API}: {user_id:?} is not a friend"),
            ));
        }
        let mut tags = Vec::new();
        let mut problem = None;
        if let Some(r) = remark {
            if r.len() > MAX_REMARK_BYTES {
                problem = Some("remark is at most 96 bytes");
            }
            tags.push(TagValue::text(tag::SNS_REMARK, r));
        }
        for f in custom {
            if !f.key.starts_with(tag::SNS_CUSTOM_PREFIX) || f.key.len() > 64 {
                problem = Some("a custom key must start with Tag_SNS_Custom (at most 64 bytes)");
            } else if f.value.len() > MAX_WORDING_BYTES {
                problem = Some("a custom value is at most 256 bytes");
            }
            tags.push(TagValue::text(&f.key, f.value.clone()));
        }
        if tags.is_empty() {
            problem = Some("nothing to update");
        }
        if let Some(why) = problem {
            return Err(self.api_error(ErrorCode::INVALID_OPERATION, format!("{API}: {why}")));
        }
        self.check_capacity()?;
        let body = FriendUpdateRequest {
            from_account: me,
            update_item: vec![UpdateItem {
                to_account: user_id.to_owned(),
                sns_item: tags.clone(),
            }],
        };
        let user = user_id.to_owned();
        Ok(self.enqueue_command(now, FRIEND_UPDATE, &body, |id| {
            Call::change(
                id,
                move |client: &mut Client, _, id, status, frame: &Frame| {
                    let outcome = parse_reply::<SnsResultReply>(status, frame).and_then(|r| {
                        let Some(item) = r.result_item.iter().find(|i| i.to_account == user) else {
                            return Err(ChatError::new(
                                ErrorCode::UNCAUGHT_ERROR,
                                "friend_update reply without a ResultItem for the user",
                            ));
                        };
                        if item.result_code != 0 {
                            return Err(ChatError::new(
                                ErrorCode(item.result_code),
                                item.result_info.clone(),
                            ));
                        }
                        let Some(f) = client.relations.friends.get_mut(&user) else {
                            return Err(ChatError::new(
                                ErrorCode::NOT_MY_FRIEND,
                                format!("{user:?} is no longer a friend"),
                            ));
                        };
                        let changed = apply_friend_tags(f, &tags);
                        let f = f.clone();
                        if changed {
                            let list = client.relations.friend_list();
                            client.emit(Event::FriendListUpdated(list));
                        }
                        Ok(f)
                    });
                    client.complete(id, outcome);
                },
            )
        }))
    }

    /// `getFriendProfile({userIDList})`: the friends' entries (with their
    /// profiles) from the list this client holds; users that are not
    /// friends are reported with 2700.
    pub fn get_friend_profile(
        &mut self,
        _now: Instant,
        user_ids: &[String],
    ) -> Result<RequestId<FriendProfileResult>, ChatError> {
        const API: &str = "getFriendProfile";
        self.require_ready(API)?;
        self.check_user_ids(API, user_ids, Relations::PROFILE_BATCH)?;
        let mut out = FriendProfileResult::default();
        for u in user_ids {
            match self.relations.friends.get(u) {
                Some(f) => out.friend_list.push(f.clone()),
                None => out.failure_user_id_list.push(not_a_friend(u)),
            }
        }
        let id = self.next_request_id();
        self.complete(id, Ok(out));
        Ok(id)
    }
}
