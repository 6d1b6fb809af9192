//! Relationships (issue 18) in the simulation: a workload of friends,
//! blacklists, friend groups and custom statuses, and the invariants that
//! go with it (profile `relations`).
//!
//! The workload: `add_friend` and `delete_friend` (both ways only, so that
//! friendship stays symmetric), `add_to_blacklist` /
//! `remove_from_blacklist`, the friend group calls on the names `f0` …
//! `f{FRIEND_GROUPS-1}`, `set_self_status` and `subscribe_user_status`.
//! Refusals (2710, 2711, 30001, …) are part of it.
//!
//! Checked at every step:
//! * **relations-outside-session**: FRIEND_LIST_UPDATED, BLACKLIST_UPDATED,
//!   FRIEND_GROUP_LIST_UPDATED, FRIEND_APPLICATION_LIST_UPDATED and
//!   USER_STATUS_UPDATED only come while ready.
//!
//! Checked after the heal:
//! * **friendship-symmetric**: on the server, `a` is in `b`'s friend list
//!   exactly when `b` is in `a`'s;
//! * **friends-converge**, **blacklist-converges**,
//!   **friend-groups-converge**: for every session ready at the end, the
//!   last FRIEND_LIST_UPDATED, BLACKLIST_UPDATED and
//!   FRIEND_GROUP_LIST_UPDATED (none: empty) equal the server's friend
//!   list, blacklist and friend groups of the user.

use std::collections::{BTreeMap, BTreeSet};

use tcchat_core::{AddFriendOptions, Event};
use tcchat_server::store::Store;

use super::world::{World, APP};

/// Friend group names the workload uses: `f0` … `f{FRIEND_GROUPS-1}`.
const FRIEND_GROUPS: u64 = 3;

/// What a session holds of its user's relationships, from the events.
#[derive(Debug, Default, Clone)]
pub(crate) struct HeldRelations {
    /// The last FRIEND_LIST_UPDATED's friends.
    pub friends: BTreeSet<String>,
    /// The last BLACKLIST_UPDATED.
    pub blacklist: BTreeSet<String>,
    /// The last FRIEND_GROUP_LIST_UPDATED: each group with its members.
    pub groups: Vec<(String, Vec<String>)>,
}

impl World {
    /// The relationship events, when the `relations` profile runs. Returns
    /// true when `event` was one of them.
    pub(crate) fn on_relation_event(&mut self, slot: usize, event: &Event) -> bool {
        if !self.cfg.relation_ops {
            return false;
        }
        let name = match event {
            Event::FriendListUpdated(_)
            | Event::BlacklistUpdated(_)
            | Event::FriendGroupListUpdated(_)
            | Event::FriendApplicationListUpdated { .. }
            | Event::UserStatusUpdated(_) => event.name().key(),
            _ => return false,
        };
        let Some(inst) = self.slots[slot].inst.as_mut() else {
            return true;
        };
        let Some(sess) = inst.session.as_mut().filter(|_| inst.ready) else {
            self.fail(
                "relations-outside-session",
                &[slot],
                format!("{name} while not ready"),
            );
            return true;
        };
        let held = sess.relations.get_or_insert_with(HeldRelations::default);
        match event {
            Event::FriendListUpdated(list) => {
                held.friends = list.iter().map(|f| f.user_id.clone()).collect();
            }
            Event::BlacklistUpdated(list) => {
                held.blacklist = list.iter().cloned().collect();
            }
            Event::FriendGroupListUpdated(list) => {
                held.groups = list
                    .iter()
                    .map(|g| (g.name.clone(), g.user_id_list.clone()))
                    .collect();
            }
            _ => {}
        }
        true
    }

    // ----- workload -------------------------------------------------------

    /// One relationship action of `slot`'s ready instance, chosen by the
    /// seed.
    pub(crate) fn relation_action(&mut self, slot: usize) {
        let other = format!("u{}", self.wrng.below(self.cfg.users as u64));
        let group = format!("f{}", self.wrng.below(FRIEND_GROUPS));
        let group2 = format!("f{}", self.wrng.below(FRIEND_GROUPS));
        let r = self.wrng.unit();
        let now = self.instant();
        let t = self.now;
        let Some(inst) = self.slots[slot].inst.as_mut() else {
            return;
        };
        let c = &mut inst.client;
        let users = [other.clone()];
        let (what, result) = if r < 0.2 {
            let result = c.add_friend(now, &AddFriendOptions::new(other.clone()));
            ("friend add", result.map(|id| id.erased()))
        } else if r < 0.3 {
            let result = c.delete_friend(now, &users, true);
            ("friend delete", result.map(|id| id.erased()))
        } else if r < 0.4 {
            let result = c.add_to_blacklist(now, &users);
            ("block", result.map(|id| id.erased()))
        } else if r < 0.48 {
            let result = c.remove_from_blacklist(now, &users);
            ("unblock", result.map(|id| id.erased()))
        } else if r < 0.6 {
            let result = c.create_friend_group(now, &group, &users);
            ("fgroup create", result.map(|id| id.erased()))
        } else if r < 0.7 {
            let result = c.add_to_friend_group(now, &group, &users);
            ("fgroup add", result.map(|id| id.erased()))
        } else if r < 0.77 {
            let result = c.remove_from_friend_group(now, &group, &users);
            ("fgroup remove", result.map(|id| id.erased()))
        } else if r < 0.83 {
            let result = c.rename_friend_group(now, &group, &group2);
            ("fgroup rename", result.map(|id| id.erased()))
        } else if r < 0.89 {
            let result = c.delete_friend_group(now, &group);
            ("fgroup delete", result.map(|id| id.erased()))
        } else if r < 0.95 {
            let status = format!("s{}", self.msg_counter);
            self.msg_counter += 1;
            let result = c.set_self_status(now, &status);
            ("status", result.map(|id| id.erased()))
        } else {
            let result = c.subscribe_user_status(now, &users);
            ("subscribe", result.map(|id| id.erased()))
        };
        let ok = match result {
            Ok(id) => {
                inst.outstanding.insert(id, (t, what));
                Ok(())
            }
            Err(e) => Err(e.code.0),
        };
        self.log(Some(slot), || {
            format!("cmd {what} {other} {group} {group2}: {ok:?}")
        });
        self.pump(slot, None);
    }

    // ----- final checks -----------------------------------------------------

    /// After the heal: friendship is symmetric on the server, and every
    /// ready session holds its user's friends, blacklist and friend groups
    /// as the server has them.
    pub(crate) fn final_relation_checks(&mut self) {
        let users: Vec<String> = (0..self.cfg.users).map(|u| format!("u{u}")).collect();
        let Some(engine) = self.server.engine.as_mut() else {
            return;
        };
        let store = engine.store_mut();
        let mut friends: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for u in &users {
            let Ok(list) = store.friends(APP, u) else {
                return;
            };
            friends.insert(u.clone(), list.into_iter().map(|f| f.peer).collect());
        }
        for (a, list) in &friends {
            for b in list {
                let back = friends.get(b).is_some_and(|l| l.contains(a));
                if !back {
                    return self.fail(
                        "friendship-symmetric",
                        &[],
                        format!("{b} is in {a}'s friend list, {a} is not in {b}'s"),
                    );
                }
            }
        }
        for slot in 0..self.slots.len() {
            if self.violation.is_some() {
                return;
            }
            self.final_relation_check(slot);
        }
    }

    fn final_relation_check(&mut self, slot: usize) {
        let Some(inst) = self.slots[slot].inst.as_ref() else {
            return;
        };
        if !inst.ready || inst.destroyed {
            return;
        }
        let Some(sess) = inst.session.as_ref() else {
            return;
        };
        let user = format!("u{}", sess.user);
        let held = sess.relations.clone().unwrap_or_default();
        let Some(engine) = self.server.engine.as_mut() else {
            return;
        };
        let store = engine.store_mut();
        let (Ok(records), Ok(blocked), Ok(mut names)) = (
            store.friends(APP, &user),
            store.blacklist(APP, &user),
            store.friend_groups(APP, &user),
        ) else {
            return;
        };
        let friends: BTreeSet<String> = records.iter().map(|f| f.peer.clone()).collect();
        if held.friends != friends {
            return self.fail(
                "friends-converge",
                &[slot],
                format!(
                    "{user} holds friends {:?}, the server has {friends:?}",
                    held.friends
                ),
            );
        }
        let blacklist: BTreeSet<String> = blocked.into_iter().map(|(p, _)| p).collect();
        if held.blacklist != blacklist {
            return self.fail(
                "blacklist-converges",
                &[slot],
                format!(
                    "{user} holds blacklist {:?}, the server has {blacklist:?}",
                    held.blacklist
                ),
            );
        }
        // The server's list: the stored names, then groups only friend
        // records name (in name order); members in user ID order.
        let mut extra: Vec<String> = records
            .iter()
            .flat_map(|f| f.groups.iter())
            .filter(|g| !names.contains(g))
            .cloned()
            .collect();
        extra.sort();
        extra.dedup();
        names.extend(extra);
        let groups: Vec<(String, Vec<String>)> = names
            .into_iter()
            .map(|name| {
                let members = records
                    .iter()
                    .filter(|f| f.groups.contains(&name))
                    .map(|f| f.peer.clone())
                    .collect();
                (name, members)
            })
            .collect();
        if held.groups != groups {
            self.fail(
                "friend-groups-converge",
                &[slot],
                format!(
                    "{user} holds friend groups {:?}, the server has {groups:?}",
                    held.groups
                ),
            );
        }
    }
}
