//! Friend groups (issue 18; relationship-facts §4): `sns.group_get`,
//! `group_add`, `group_update` (rename, add and remove members) and
//! `group_delete`.
//!
//! A user's groups are a list of names ([`Change::FriendGroups`]); who is
//! in a group is in the friend records' `groups`, so `friend_get`'s
//! `Tag_SNS_IM_Group` and `group_get` never disagree, and deleting a
//! friend takes it out of every group. A group named by a friend record
//! but not in the list (a friend added with `GroupName` / `TagName`) is
//! listed after the stored names, in name order; the next change stores it.
//!
//! Only friends can be members (others get 30001 in their `ResultItem`).
//! Every change is pushed to the user's other instances as
//! `FriendListMod` PushType 9 with `FriendGroupChanged` (ours: the
//! official SDK has no friend group push and learns of changes made
//! elsewhere only at its next login); a tcchat client answers it with a
//! `group_get`.

use tcchat_core::proto::sns::{
    FriendListMod, GroupAddRequest, GroupChangeReply, GroupDeleteRequest, GroupGetReply,
    GroupGetRequest, GroupItem, GroupResultItem, GroupUpdateRequest, GROUP_ADD, GROUP_DELETE,
    GROUP_GET, GROUP_UPDATE, UPDATE_TYPE_ADD, UPDATE_TYPE_DELETE,
};
use tcchat_core::proto::{BaseReply, PushEvent};

use super::conn::Ident;
use super::messaging::MAX_USER_ID_LEN;
use super::notify::{Notify, Queued};
use super::relations::{friend_event, valid_user};
use super::request::{check_caller, check_len, refuse, Fail};
use super::{ConnId, Engine};
use crate::bounds;
use crate::codes;
use crate::store::{Change, FriendRecord, Store};
use tcchat_core::wire::Frame;

/// The servcmds this module answers.
pub(super) fn handles(cmd: &str) -> bool {
    matches!(cmd, GROUP_GET | GROUP_ADD | GROUP_UPDATE | GROUP_DELETE)
}

/// The push telling the user's other instances to fetch the groups again.
fn changed_event() -> PushEvent {
    friend_event(FriendListMod {
        push_type: FriendListMod::FRIEND_GROUPS_CHANGED,
        friend_group_changed: Some(1),
        ..FriendListMod::default()
    })
}

/// A valid new group name, or why not.
fn check_name(name: &str) -> Result<(), Fail> {
    if name.is_empty() || name.len() > bounds::MAX_FRIEND_GROUP_NAME_BYTES {
        return refuse(
            codes::SNS_PARAMETER,
            format!(
                "a friend group name is 1 to {} bytes",
                bounds::MAX_FRIEND_GROUP_NAME_BYTES
            ),
        );
    }
    Ok(())
}

/// A name from a request, bounded for an error text.
fn shown(name: &str) -> String {
    name.chars()
        .take(bounds::MAX_FRIEND_GROUP_NAME_BYTES)
        .collect()
}

fn item(to: &str, code: u32, info: &str, update_type: &str) -> GroupResultItem {
    GroupResultItem {
        to_account: to.chars().take(MAX_USER_ID_LEN).collect(),
        result_code: code,
        result_info: info.to_owned(),
        update_type: update_type.to_owned(),
    }
}

/// A user's groups as the server lists them: the stored names, then
/// the groups only friend records name, in name order.
struct Groups {
    names: Vec<String>,
    friends: Vec<FriendRecord>,
}

impl Groups {
    fn members(&self, name: &str) -> Vec<String> {
        self.friends
            .iter()
            .filter(|f| f.groups.iter().any(|g| g == name))
            .map(|f| f.peer.clone())
            .collect()
    }

    fn has(&self, name: &str) -> bool {
        self.names.iter().any(|n| n == name)
    }

    fn friend_mut(&mut self, peer: &str) -> Option<&mut FriendRecord> {
        self.friends.iter_mut().find(|f| f.peer == peer)
    }
}

impl<S: Store> Engine<S> {
    /// A friend group servcmd ([`handles`]).
    pub(super) fn on_friend_group(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) {
        match frame.head.servcmd.as_str() {
            GROUP_GET => self.query(unix_ms, conn, gzip, frame, Self::friend_group_get),
            GROUP_ADD => self.change(unix_ms, conn, gzip, frame, Self::friend_group_add),
            GROUP_UPDATE => self.change(unix_ms, conn, gzip, frame, Self::friend_group_update),
            GROUP_DELETE => self.change(unix_ms, conn, gzip, frame, Self::friend_group_delete),
            _ => {}
        }
    }

    fn friend_groups_of(&mut self, app: u64, owner: &str) -> Result<Groups, Fail> {
        let mut names = self.store.friend_groups(app, owner)?;
        let friends = self.store.friends(app, owner)?;
        let mut extra: Vec<String> = friends
            .iter()
            .flat_map(|f| f.groups.iter())
            .filter(|g| !names.contains(g))
            .cloned()
            .collect();
        extra.sort();
        extra.dedup();
        names.extend(extra);
        Ok(Groups { names, friends })
    }

    /// Store `after` (names and the friend records that changed) and push
    /// the change to my other instances.
    fn commit_groups(
        &mut self,
        me: &Ident,
        before: &[FriendRecord],
        after: Groups,
    ) -> Result<Queued, Fail> {
        let mut changes = vec![Change::FriendGroups {
            owner: me.user.clone(),
            names: after.names,
        }];
        for (old, new) in before.iter().zip(after.friends) {
            if *old != new {
                changes.push(Change::Friend {
                    owner: me.user.clone(),
                    record: new,
                });
            }
        }
        let notices = vec![Notify::new(&me.user, changed_event())];
        Ok(self.commit(me, changes, notices)?)
    }

    /// `sns.group_get`: every group with its members.
    fn friend_group_get(
        &mut self,
        me: &Ident,
        req: &GroupGetRequest,
    ) -> Result<GroupGetReply, Fail> {
        check_caller(me, &req.from_account)?;
        let groups = self.friend_groups_of(me.app, &me.user)?;
        let result_item = groups
            .names
            .iter()
            .map(|name| {
                let to_account = groups.members(name);
                GroupItem {
                    group_name: name.clone(),
                    friend_number: to_account.len() as u64,
                    to_account,
                }
            })
            .collect();
        Ok(GroupGetReply {
            base: BaseReply::ok(),
            result_item,
            current_sequence: 0,
        })
    }

    /// `sns.group_add`: new groups, with the friends named in each. The
    /// whole request is refused (30001) for a bad or existing name or too
    /// many groups; users who are not friends get 30001 in `ResultItem`.
    fn friend_group_add(
        &mut self,
        me: &Ident,
        req: &GroupAddRequest,
        _unix_ms: u64,
    ) -> Result<(GroupChangeReply, Queued), Fail> {
        check_caller(me, &req.from_account)?;
        check_len("GroupName", &req.group_name, bounds::MAX_FRIEND_GROUPS)?;
        check_len("To_Account", &req.to_account, bounds::MAX_ITEMS_PER_REQUEST)?;
        if req.group_name.is_empty() {
            return refuse(codes::SNS_PARAMETER, "GroupName is empty");
        }
        let mut groups = self.friend_groups_of(me.app, &me.user)?;
        let before = groups.friends.clone();
        for name in &req.group_name {
            check_name(name)?;
            if groups.has(name) {
                return refuse(
                    codes::SNS_PARAMETER,
                    format!("the friend group {:?} exists", shown(name)),
                );
            }
            groups.names.push(name.clone());
        }
        if groups.names.len() > bounds::MAX_FRIEND_GROUPS {
            return refuse(
                codes::SNS_PARAMETER,
                format!(
                    "a user has at most {} friend groups",
                    bounds::MAX_FRIEND_GROUPS
                ),
            );
        }
        let mut results: Vec<GroupResultItem> = Vec::new();
        for peer in &req.to_account {
            if results.iter().any(|r| &r.to_account == peer) {
                continue;
            }
            let Some(f) = groups.friend_mut(peer).filter(|_| valid_user(peer)) else {
                results.push(item(peer, codes::SNS_PARAMETER, "not a friend", ""));
                continue;
            };
            for name in &req.group_name {
                if !f.groups.contains(name) {
                    f.groups.push(name.clone());
                }
            }
            results.push(item(peer, 0, "", ""));
        }
        let queued = self.commit_groups(me, &before, groups)?;
        Ok((
            GroupChangeReply {
                base: BaseReply::ok(),
                result_item: results,
                current_sequence: 0,
            },
            queued,
        ))
    }

    /// `sns.group_update`: rename `GroupOldName` (`GroupNewName`), and/or
    /// add and remove members (`UpdateGroupItem`, each echoed with its
    /// `UpdateType`; users who are not friends get 30001). An unknown
    /// group, or a new name that is taken, refuses the request (30001).
    fn friend_group_update(
        &mut self,
        me: &Ident,
        req: &GroupUpdateRequest,
        _unix_ms: u64,
    ) -> Result<(GroupChangeReply, Queued), Fail> {
        check_caller(me, &req.from_account)?;
        check_len(
            "UpdateGroupItem",
            &req.update_group_item,
            bounds::MAX_ITEMS_PER_REQUEST,
        )?;
        let mut groups = self.friend_groups_of(me.app, &me.user)?;
        let before = groups.friends.clone();
        let old = req.group_old_name.as_str();
        if !groups.has(old) {
            return refuse(
                codes::SNS_PARAMETER,
                format!("no friend group {:?}", shown(old)),
            );
        }
        let mut name = old.to_owned();
        if let Some(new) = req.group_new_name.as_deref().filter(|n| *n != old) {
            check_name(new)?;
            if groups.has(new) {
                return refuse(
                    codes::SNS_PARAMETER,
                    format!("the friend group {:?} exists", shown(new)),
                );
            }
            for n in groups.names.iter_mut().filter(|n| *n == old) {
                *n = new.to_owned();
            }
            for f in &mut groups.friends {
                for g in f.groups.iter_mut().filter(|g| *g == old) {
                    *g = new.to_owned();
                }
            }
            name = new.to_owned();
        }
        let mut results: Vec<GroupResultItem> = Vec::new();
        for u in &req.update_group_item {
            let add = match u.update_type.as_str() {
                UPDATE_TYPE_ADD => true,
                UPDATE_TYPE_DELETE => false,
                _ => {
                    results.push(item(
                        &u.to_account,
                        codes::SNS_PARAMETER,
                        "bad UpdateType",
                        "",
                    ));
                    continue;
                }
            };
            let Some(f) = groups
                .friend_mut(&u.to_account)
                .filter(|_| valid_user(&u.to_account))
            else {
                results.push(item(
                    &u.to_account,
                    codes::SNS_PARAMETER,
                    "not a friend",
                    &u.update_type,
                ));
                continue;
            };
            if add {
                if !f.groups.contains(&name) {
                    f.groups.push(name.clone());
                }
            } else {
                f.groups.retain(|g| *g != name);
            }
            results.push(item(&u.to_account, 0, "", &u.update_type));
        }
        let queued = self.commit_groups(me, &before, groups)?;
        Ok((
            GroupChangeReply {
                base: BaseReply::ok(),
                result_item: results,
                current_sequence: 0,
            },
            queued,
        ))
    }

    /// `sns.group_delete`: forget the groups (their friends stay friends);
    /// a name that is not a group is ignored.
    fn friend_group_delete(
        &mut self,
        me: &Ident,
        req: &GroupDeleteRequest,
        _unix_ms: u64,
    ) -> Result<(GroupChangeReply, Queued), Fail> {
        check_caller(me, &req.from_account)?;
        check_len("GroupName", &req.group_name, bounds::MAX_FRIEND_GROUPS)?;
        let mut groups = self.friend_groups_of(me.app, &me.user)?;
        let before = groups.friends.clone();
        groups.names.retain(|n| !req.group_name.contains(n));
        for f in &mut groups.friends {
            f.groups.retain(|g| !req.group_name.contains(g));
        }
        let queued = self.commit_groups(me, &before, groups)?;
        Ok((
            GroupChangeReply {
                base: BaseReply::ok(),
                result_item: Vec::new(),
                current_sequence: 0,
            },
            queued,
        ))
    }
}
