//! Groups (issue 16) in the simulation: a workload of creating, joining,
//! quitting, adding and removing members and group messages, and the
//! invariants that go with it (profile `groups`).
//!
//! The world has [`GROUPS`] group IDs: `g0`, `g1` are Public groups anyone
//! joins at once (`FreeAccess`) and quits; `g2`, `g3` are work groups
//! (Private) whose members add and remove others. Whoever acts first on a
//! free ID creates the group; refusals (10021 ID taken, 10007 not allowed,
//! 10010 no such group, 10009 owner quitting, …) are part of the workload.
//!
//! Checked at every step:
//! * **group-exactly-once**: an instance never delivers one (group,
//!   sequence) twice to one user in MESSAGE_RECEIVED, across sessions;
//! * **group-outside-session**: group messages and GROUP_LIST_UPDATED only
//!   come while ready.
//!
//! Checked after the heal, for every session ready at the end:
//! * **group-delivery**: every message the server logged in a group the
//!   user is a member of now, inside the current membership and after the
//!   user's read sequence, reached the instance for that user in some
//!   session (or was sent by it);
//! * **group-membership-converges**: the groups of the last
//!   GROUP_LIST_UPDATED are the server's joined groups of the user, with
//!   the server's member counts;
//! * **group-unread-converges** (profile `groups-unread` only): each
//!   `GROUP<id>` conversation's unread count is the server's (messages and
//!   tips from others after the read sequence, inside the membership).

use std::collections::BTreeMap;

use tcchat_core::model::{CreateTextMessageOptions, Message};
use tcchat_core::types::{GroupJoinOption, GroupType};
use tcchat_core::{CreateGroupOptions, Event};
use tcchat_server::store::{LogKind, Store};

use super::world::{World, APP};

/// Group IDs in the world: `g0` … `g{GROUPS-1}`.
pub(crate) const GROUPS: u64 = 4;

/// The group part of a `GROUP<id>` conversation ID.
fn group_of(message: &Message) -> Option<&str> {
    message.conversation_id.strip_prefix("GROUP")
}

/// Whether `message` belongs to groups: a `GROUP<id>` message or tip, or
/// a group system notice (`@TIM#SYSTEM`).
pub(crate) fn is_group_message(message: &Message) -> bool {
    group_of(message).is_some() || message.conversation_id == "@TIM#SYSTEM"
}

impl World {
    /// The group events: GROUP_LIST_UPDATED. Returns true when `event` was
    /// one of them.
    pub(crate) fn on_group_event(&mut self, slot: usize, event: &Event) -> bool {
        let Event::GroupListUpdated(list) = event else {
            return false;
        };
        let Some(inst) = self.slots[slot].inst.as_mut() else {
            return true;
        };
        let Some(sess) = inst.session.as_mut().filter(|_| inst.ready) else {
            self.fail(
                "group-outside-session",
                &[slot],
                "GROUP_LIST_UPDATED while not ready".into(),
            );
            return true;
        };
        let held: BTreeMap<String, u64> = list
            .iter()
            .map(|g| (g.group_id.clone(), g.member_count))
            .collect();
        sess.groups = Some(held);
        true
    }

    /// Group messages, tips and notices of one MESSAGE_RECEIVED.
    pub(crate) fn on_group_received(&mut self, slot: usize, list: &[Message]) {
        let mut line = String::from("ev MESSAGE_RECEIVED (group)");
        let Some(inst) = self.slots[slot].inst.as_mut() else {
            return;
        };
        let Some(user) = inst.session.as_ref().filter(|_| inst.ready).map(|s| s.user) else {
            self.log(Some(slot), || line);
            return self.fail(
                "group-outside-session",
                &[slot],
                format!("{} group message(s) outside a session", list.len()),
            );
        };
        let mut twice = None;
        for m in list {
            self.stats.delivered += 1;
            let Some(group) = group_of(m) else {
                line += &format!(" notice:{}", m.id);
                continue;
            };
            line += &format!(" {group}#{}", m.sequence);
            if !inst.group_seen.insert((user, group.to_owned(), m.sequence)) {
                twice.get_or_insert(format!(
                    "{group} seq {} delivered twice to u{user} on instance {slot}.{}",
                    m.sequence, inst.gen
                ));
            }
        }
        self.log(Some(slot), || line);
        if let Some(detail) = twice {
            self.fail("group-exactly-once", &[slot], detail);
        }
    }

    /// A group send completed: the session does not receive its own
    /// message back.
    pub(crate) fn on_group_sent(&mut self, slot: usize, message: &Message) {
        let Some(group) = group_of(message) else {
            return;
        };
        let Some(inst) = self.slots[slot].inst.as_mut() else {
            return;
        };
        let Some(user) = inst.session.as_ref().map(|s| s.user) else {
            return;
        };
        inst.group_sent
            .insert((user, group.to_owned(), message.sequence));
    }

    // ----- workload -------------------------------------------------------

    /// One group action of `slot`'s ready instance, chosen by the seed.
    pub(crate) fn group_action(&mut self, slot: usize) {
        let g = self.wrng.below(GROUPS);
        let gid = format!("g{g}");
        let other = format!("u{}", self.wrng.below(self.cfg.users as u64));
        let r = self.wrng.unit();
        let now = self.instant();
        let t = self.now;
        // Group reads only in `groups-unread` (the `groups` workload and its
        // pinned seeds stay as they were): the read sync is what they test.
        let reads = self.cfg.group_unread;
        let Some(inst) = self.slots[slot].inst.as_mut() else {
            return;
        };
        let c = &mut inst.client;
        let public = g < GROUPS / 2;
        let (what, result) = if r < 0.12 {
            let options = if public {
                CreateGroupOptions::new(GroupType::Public, format!("group {gid}"))
                    .with_join_option(GroupJoinOption::FreeAccess)
            } else {
                CreateGroupOptions::new(GroupType::Private, format!("group {gid}"))
                    .with_members([other.clone()])
            };
            let options = options.with_group_id(gid.clone());
            ("create", c.create_group(now, options).map(|id| id.erased()))
        } else if r < 0.27 {
            ("join", c.join_group(now, &gid, "hi").map(|id| id.erased()))
        } else if r < 0.35 {
            ("quit", c.quit_group(now, &gid).map(|id| id.erased()))
        } else if r < 0.43 {
            let users = [other.clone()];
            let result = c.add_group_member(now, &gid, &users);
            ("add", result.map(|id| id.erased()))
        } else if r < 0.49 {
            let users = [other.clone()];
            let result = c.delete_group_member(now, &gid, &users, "sim");
            ("remove", result.map(|id| id.erased()))
        } else if reads && r < 0.60 {
            let result = c.set_message_read(now, &format!("GROUP{gid}"));
            ("gread", result.map(|id| id.erased()))
        } else {
            self.msg_counter += 1;
            let text = format!("gm{}", self.msg_counter);
            let opts = CreateTextMessageOptions::group(gid.clone(), text);
            let result = c
                .create_text_message(now, &opts)
                .and_then(|m| c.send_message(now, &m));
            ("gsend", result.map(|id| id.erased()))
        };
        let ok = match result {
            Ok(id) => {
                inst.outstanding.insert(id, (t, what));
                Ok(())
            }
            Err(e) => Err(e.code.0),
        };
        self.log(Some(slot), || {
            format!("cmd group {what} {gid} {other}: {ok:?}")
        });
        self.pump(slot, None);
    }

    // ----- final checks -----------------------------------------------------

    /// After the heal: every ready session's group deliveries, list and
    /// unread counts match the server's.
    pub(crate) fn final_group_checks(&mut self) {
        for slot in 0..self.slots.len() {
            if self.violation.is_some() {
                return;
            }
            self.final_group_check(slot);
        }
    }

    fn final_group_check(&mut self, slot: usize) {
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
        let Some(engine) = self.server.engine.as_mut() else {
            return;
        };
        let store = engine.store_mut();
        let Ok(joined) = store.joined_groups(APP, &user) else {
            return;
        };
        // What the server says, per joined group: member count, the
        // sequences this session must have, the unread count.
        let mut server_groups = BTreeMap::new();
        let mut must: Vec<(u32, String, u64)> = Vec::new();
        let mut unread = BTreeMap::new();
        for gid in &joined {
            let (Ok(members), Ok(Some(me))) = (
                store.group_members(APP, gid),
                store.group_member(APP, gid, &user),
            ) else {
                return;
            };
            server_groups.insert(gid.clone(), members.len() as u64);
            let from = me.join_seq.max(me.read_seq + 1);
            let Ok(log) = store.group_log(APP, gid, from, u64::MAX) else {
                return;
            };
            let mut n = 0;
            for e in &log {
                if e.sender != user {
                    n += 1;
                }
                if e.kind == LogKind::Message {
                    must.push((sess.user, gid.clone(), e.seq));
                }
            }
            if n > 0 {
                unread.insert(format!("GROUP{gid}"), n);
            }
        }
        let held = sess.groups.clone();
        if held.as_ref() != Some(&server_groups) {
            return self.fail(
                "group-membership-converges",
                &[slot],
                format!("{user} holds {held:?}, the server has {server_groups:?}"),
            );
        }
        for key in must {
            if !inst.group_seen.contains(&key) && !inst.group_sent.contains(&key) {
                return self.fail(
                    "group-delivery",
                    &[slot],
                    format!(
                        "{} seq {} never reached instance {slot} as {user} (session from {:.3}s)",
                        key.1,
                        key.2,
                        sess.started_at.as_secs_f64()
                    ),
                );
            }
        }
        if !self.cfg.group_unread {
            return;
        }
        let Some(inst) = self.slots[slot].inst.as_mut() else {
            return;
        };
        let Ok(list) = inst.client.get_conversation_list(None) else {
            return;
        };
        let local: BTreeMap<String, u64> = list
            .into_iter()
            .filter(|c| c.conversation_id.starts_with("GROUP") && c.unread_count > 0)
            .map(|c| (c.conversation_id, c.unread_count))
            .collect();
        if local != unread {
            self.fail(
                "group-unread-converges",
                &[slot],
                format!("group unread counts of {user}: here {local:?}, server {unread:?}"),
            );
        }
    }
}
