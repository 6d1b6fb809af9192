//! The invariants: fed with every event and completion as it happens,
//! checked after every client step, and once more at the end of the run.
//! docs/SIMULATION.md defines each one; the names here are the ones a
//! failure prints.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::time::Duration;

use tcchat_core::model::Message;
use tcchat_core::types::NetState;
use tcchat_core::{Completion, ErrorCode, Event, LoginInfo, Output};

use super::actors::{secs, Source};
use super::groups::is_group_message;
use super::world::{uidx, Session, World};

/// Whether NET_STATE_CHANGE may go from `from` to `to`.
fn legal_net_transition(from: NetState, to: NetState) -> bool {
    use NetState::*;
    matches!(
        (from, to),
        (Connected, Connecting)
            | (Connected, Disconnected)
            | (Connecting, Connected)
            | (Connecting, Disconnected)
            | (Disconnected, Connecting)
    )
}

fn key_of(m: &Message) -> Option<(u32, u32, u64, u64)> {
    Some((uidx(&m.from)?, uidx(&m.to)?, m.sequence, m.random))
}

impl World {
    pub(crate) fn on_event(&mut self, slot: usize, event: Event, source: Source) {
        if let Event::MessageReceived(list) = event {
            return self.on_received(slot, list, source);
        }
        self.log(Some(slot), || match &event {
            Event::NetStateChange { state, .. } => format!("ev NET_STATE_CHANGE {state}"),
            Event::KickedOut { kind } => format!("ev KICKED_OUT {kind}"),
            Event::Error { code, message } => format!("ev ERROR {code} {message}"),
            other => format!("ev {}", other.name().key()),
        });
        if self.on_message_op_event(slot, &event)
            || self.on_group_event(slot, &event)
            || self.on_relation_event(slot, &event)
        {
            return;
        }
        let Some(inst) = self.slots[slot].inst.as_mut() else {
            return;
        };
        if inst.destroyed {
            let name = event.name().key();
            return self.fail(
                "no-event-after-destroy",
                &[slot],
                format!("{name} after SDK_DESTROY"),
            );
        }
        match event {
            Event::SdkReady => {
                if inst.ready {
                    return self.fail("ready-alternation", &[slot], "SDK_READY twice".into());
                }
                let Some((_, user)) = inst.pending_login.take() else {
                    return self.fail(
                        "ready-alternation",
                        &[slot],
                        "SDK_READY without a login".into(),
                    );
                };
                inst.ready = true;
                inst.end_expected = false;
                inst.sessions += 1;
                inst.session = Some(Session {
                    user,
                    start_step: None,
                    started_at: self.now,
                    delivered: Default::default(),
                    last_push: 0,
                    sync_link: None,
                    last_sync: 0,
                    groups: None,
                    relations: None,
                });
                self.stats.logins += 1;
            }
            Event::SdkNotReady => {
                if !inst.ready {
                    return self.fail(
                        "ready-alternation",
                        &[slot],
                        "SDK_NOT_READY while not ready".into(),
                    );
                }
                if !inst.end_expected {
                    return self.fail(
                        "unprompted-not-ready",
                        &[slot],
                        "SDK_NOT_READY with no logout, destroy, kick or expiry".into(),
                    );
                }
                inst.ready = false;
                inst.end_expected = false;
                inst.session = None;
            }
            Event::NetStateChange { state, .. } => {
                let from = inst.net;
                inst.net = state;
                if from == state {
                    return self.fail(
                        "net-state",
                        &[slot],
                        format!("NET_STATE_CHANGE repeats {state}"),
                    );
                }
                if !legal_net_transition(from, state) {
                    self.fail(
                        "net-state",
                        &[slot],
                        format!("NET_STATE_CHANGE {from} -> {state}"),
                    );
                }
            }
            Event::KickedOut { .. } => inst.end_expected = true,
            Event::SdkDestroy { .. } => {
                inst.destroyed = true;
                if inst.ready {
                    self.fail(
                        "ready-alternation",
                        &[slot],
                        "SDK_DESTROY while ready (no SDK_NOT_READY first)".into(),
                    );
                }
            }
            Event::Error { .. } => {}
            // The conversation list follows the simulated messages (and the
            // login sync); it belongs to a session.
            Event::ConversationListUpdated(_)
            | Event::TotalUnreadMessageCountUpdated(_)
            | Event::ConversationGroupListUpdated(_)
            | Event::ConversationInGroupUpdated { .. } => {
                if !inst.ready {
                    let name = event.name().key();
                    self.fail(
                        "conversation-outside-session",
                        &[slot],
                        format!("{name} while not ready"),
                    );
                }
            }
            // Every login announces the group list; the simulated users
            // belong to no group, so it is empty, and it belongs to a
            // session like the conversation events.
            Event::GroupListUpdated(list) => {
                let ready = inst.ready;
                if !ready || !list.is_empty() {
                    self.fail(
                        "group-list",
                        &[slot],
                        format!(
                            "GROUP_LIST_UPDATED with {} groups, ready {ready}",
                            list.len()
                        ),
                    );
                }
            }
            // Every login announces the friend list and the friend
            // applications (issue 18); the simulated users have neither, so
            // both are empty, and they belong to a session.
            Event::FriendListUpdated(list) => {
                let ready = inst.ready;
                if !ready || !list.is_empty() {
                    self.fail(
                        "friend-list",
                        &[slot],
                        format!(
                            "FRIEND_LIST_UPDATED with {} friends, ready {ready}",
                            list.len()
                        ),
                    );
                }
            }
            Event::FriendApplicationListUpdated {
                friend_application_list,
                unread_count,
            } => {
                let ready = inst.ready;
                if !ready || !friend_application_list.is_empty() || unread_count != 0 {
                    self.fail(
                        "friend-applications",
                        &[slot],
                        format!(
                            "FRIEND_APPLICATION_LIST_UPDATED with {} applications, ready {ready}",
                            friend_application_list.len()
                        ),
                    );
                }
            }
            other => {
                let name = other.name().key();
                self.fail(
                    "unexpected-event",
                    &[slot],
                    format!("{name}: the simulated features never cause it"),
                );
            }
        }
    }

    fn on_received(&mut self, slot: usize, list: Vec<Message>, source: Source) {
        let (group, list): (Vec<Message>, Vec<Message>) =
            list.into_iter().partition(is_group_message);
        if !group.is_empty() {
            self.on_group_received(slot, &group);
            if list.is_empty() || self.violation.is_some() {
                return;
            }
        }
        for m in &list {
            self.note_known(slot, m);
        }
        let mut line = String::from("ev MESSAGE_RECEIVED");
        let mut problems: Vec<(&'static str, String)> = Vec::new();
        let Some(inst) = self.slots[slot].inst.as_mut() else {
            return;
        };
        let (gen, destroyed) = (inst.gen, inst.destroyed);
        let Some(sess) = inst.session.as_mut() else {
            self.log(Some(slot), || line);
            return self.fail(
                "received-while-not-ready",
                &[slot],
                format!("{} message(s) outside a session", list.len()),
            );
        };
        if destroyed {
            problems.push(("no-event-after-destroy", "MESSAGE_RECEIVED".into()));
        }
        let user = sess.user;
        let mut last_in_event = 0;
        for m in &list {
            let Some(&idx) = key_of(m).and_then(|k| self.by_key.get(&k)) else {
                problems.push((
                    "unknown-message",
                    format!(
                        "{} -> {} seq={} was never accepted",
                        m.from, m.to, m.sequence
                    ),
                ));
                continue;
            };
            let acc = &mut self.accepted[idx as usize];
            let _ = write!(line, " #{idx}");
            if acc.to != user && acc.from != user {
                problems.push(("wrong-recipient", format!("#{idx} delivered to u{user}")));
            }
            if !inst.ever.insert((user, idx)) {
                problems.push((
                    "exactly-once",
                    format!("#{idx} delivered twice to instance {slot}.{gen}"),
                ));
            }
            sess.delivered.insert(idx);
            self.stats.delivered += 1;
            if acc.to != user {
                let _ = write!(line, "(copy)");
                continue;
            }
            acc.delivered = true;
            let seq = acc.inbox_seq;
            let _ = write!(line, "(inbox {seq})");
            if seq <= last_in_event {
                problems.push((
                    "order",
                    format!("one MESSAGE_RECEIVED lists inbox {last_in_event} before {seq}"),
                ));
            }
            last_in_event = seq;
            match source {
                Source::Push(_) => {
                    if seq <= sess.last_push {
                        problems.push((
                            "order",
                            format!("push of inbox {seq} after a push of {}", sess.last_push),
                        ));
                    }
                    sess.last_push = seq;
                }
                Source::Sync(link) => {
                    if sess.sync_link != Some(link) {
                        sess.sync_link = Some(link);
                        sess.last_sync = 0;
                    }
                    if seq <= sess.last_sync {
                        problems.push((
                            "order",
                            format!("sync of inbox {seq} after {} on L{link}", sess.last_sync),
                        ));
                    }
                    sess.last_sync = seq;
                }
                Source::Unknown => problems.push((
                    "received-from-nowhere",
                    "MESSAGE_RECEIVED not caused by a push or a sync reply".into(),
                )),
            }
        }
        let _ = write!(line, " via {source:?}");
        self.log(Some(slot), || line);
        if let Some((invariant, detail)) = problems.into_iter().next() {
            self.fail(invariant, &[slot], detail);
        }
    }

    pub(crate) fn on_completion(&mut self, slot: usize, c: Completion) {
        // One queue carries every command's result; the oracle reads the
        // two kinds it checks (a login's and a send's) by what it issued.
        let kind_now = self.slots[slot]
            .inst
            .as_ref()
            .and_then(|inst| inst.outstanding.get(&c.id()))
            .map(|(_, k)| *k);
        let value = c.result().ok().map(Output::as_any);
        let login = value
            .filter(|_| kind_now == Some("login"))
            .and_then(|v| v.downcast_ref::<LoginInfo>());
        let sent = value
            .filter(|_| kind_now == Some("send"))
            .and_then(|v| v.downcast_ref::<Message>());
        if let Some(m) = value
            .filter(|_| c.error().is_none() && kind_now == Some("gsend"))
            .and_then(|v| v.downcast_ref::<Message>())
            .cloned()
        {
            self.on_group_sent(slot, &m);
        }
        let text = match (c.result(), login, sent, kind_now) {
            (Ok(_), Some(info), _, _) => format!(
                "done {:?} login repeat={} inst={}",
                c.id(),
                info.repeat_login,
                info.instance_id
            ),
            (Ok(_), _, Some(m), _) => format!("done {:?} sent {}", c.id(), m.id),
            // The names the results had when they were one enum, so traces
            // read as before.
            (Ok(_), _, _, Some("logout")) => format!("done {:?} Logout", c.id()),
            (Ok(_), _, _, Some("destroy")) => format!("done {:?} Destroyed", c.id()),
            (Ok(_), _, _, Some("read")) => format!("done {:?} MessageRead", c.id()),
            (Ok(v), _, _, Some("revoke")) => format!("done {:?} MessageRevoked({v:?})", c.id()),
            (Ok(v), _, _, Some("modify")) => format!("done {:?} MessageModified({v:?})", c.id()),
            (Ok(v), _, _, _) => format!("done {:?} {v:?}", c.id()),
            (Err(e), _, _, _) => format!("done {:?} error {} {}", c.id(), e.code, e.message),
        };
        let login = login.cloned();
        let sent = sent.cloned();
        self.log(Some(slot), || text);
        let Some(inst) = self.slots[slot].inst.as_mut() else {
            return;
        };
        let gen = inst.gen;
        let kind = inst.outstanding.remove(&c.id()).map(|(_, k)| k);
        let message = inst.sending.remove(&c.id());
        if kind.is_none() {
            return self.fail(
                "completions",
                &[slot],
                format!(
                    "completion for {:?}, which was never issued or already completed",
                    c.id()
                ),
            );
        }
        match (c.error().is_none(), login, sent) {
            (true, Some(info), _) => {
                if info.repeat_login {
                    return;
                }
                let Some(&step) = self.inst_ids.get(&info.instance_id) else {
                    return self.fail(
                        "login-identity",
                        &[slot],
                        format!(
                            "login completed with InstId {} the server never issued",
                            info.instance_id
                        ),
                    );
                };
                if let Some(sess) = inst.session.as_mut() {
                    sess.start_step = Some(step);
                } else {
                    self.fail(
                        "ready-alternation",
                        &[slot],
                        "login completed without SDK_READY".into(),
                    );
                }
            }
            (true, _, Some(m)) => {
                self.note_known(slot, &m);
                let Some(inst) = self.slots[slot].inst.as_mut() else {
                    return;
                };
                let Some(&idx) = key_of(&m).and_then(|k| self.by_key.get(&k)) else {
                    return self.fail(
                        "sent-not-accepted",
                        &[slot],
                        format!("send of {} completed but the server never stored it", m.id),
                    );
                };
                let acc = &mut self.accepted[idx as usize];
                if acc.from == acc.to && acc.sender == (slot, gen) {
                    acc.delivered = true;
                    if let Some(sess) = inst.session.as_mut() {
                        sess.delivered.insert(idx);
                    }
                }
            }
            (true, _, _) => {}
            (false, _, _) => match kind {
                Some("login") => inst.pending_login = None,
                Some("send") => {
                    // Sends survive outages (issue 15): a send made while
                    // logged in either reaches the server, or fails for a
                    // reason that is not the network's — the session ended,
                    // the server refused it, or its offline window was
                    // spent (2805, after which it must never arrive).
                    let code = c.error().map(|e| e.code);
                    if code == Some(ErrorCode::NO_NETWORK) {
                        if let Some(key) = message.as_ref().and_then(key_of) {
                            self.expired_sends.insert(key, self.now);
                        }
                    } else if matches!(
                        code,
                        Some(ErrorCode::NETWORK_TIMEOUT | ErrorCode::NETWORK_ERROR)
                    ) {
                        let detail = format!(
                            "{:?} failed with {}: an outage shorter than the offline window lost it",
                            c.id(),
                            c.error().map(|e| e.to_string()).unwrap_or_default()
                        );
                        return self.fail("sends-survive-outages", &[slot], detail);
                    }
                    let Some(inst) = self.slots[slot].inst.as_mut() else {
                        return;
                    };
                    if let Some(m) = message {
                        if inst.failed.len() < 16 {
                            inst.failed.push(m);
                        }
                    }
                }
                _ => {}
            },
        }
    }

    /// Invariants of one client, after each of its steps.
    pub(crate) fn check_client(&mut self, slot: usize) {
        let max_pending = self.cfg.tuning.max_pending_requests;
        let max_cached = self.cfg.tuning.max_cached_messages;
        // The SDK's own requests may go on top of the user's, at most one of
        // each: sync, hello, re-login, logout, and since issue 8 the
        // conversation list, purchase bits and conversation groups.
        // With groups (issue 16) also, at most one of each per group: the
        // group list, a catch-up page and a refresh of one group
        // (seed 237 of `groups-unread` had 14 pending with 5 allowed).
        // Issue 18 adds one each of my profile, a friend list page, the
        // added friends' fetch and the friend applications.
        let allowance = match (self.cfg.strict_pending_bound, self.cfg.group_ops) {
            (true, _) => 0,
            (false, false) => 11,
            (false, true) => 11 + 1 + 2 * super::groups::GROUPS as usize,
        };
        let Some(inst) = self.slots[slot].inst.as_ref() else {
            return;
        };
        let c = &inst.client;
        if inst.destroyed || c.is_destroyed() {
            if c.poll_timeout().is_some() {
                self.fail(
                    "destroyed-is-quiet",
                    &[slot],
                    "a destroyed client still wants a timer".into(),
                );
            }
            return;
        }
        let pending = c.pending_requests();
        let cached = c.cached_messages();
        self.stats.max_pending = self.stats.max_pending.max(pending);
        self.stats.max_cached = self.stats.max_cached.max(cached);
        if pending > max_pending + allowance {
            return self.fail(
                "pending-bound",
                &[slot],
                format!("pending_requests() = {pending} > max_pending_requests {max_pending} + {allowance}"),
            );
        }
        if cached > max_cached {
            return self.fail(
                "cache-bound",
                &[slot],
                format!("cached_messages() = {cached} > {max_cached}"),
            );
        }
        let has_work = c.login_user().is_some() || pending > 0;
        if has_work && c.poll_timeout().is_none() && inst.connecting.is_none() {
            let what = format!(
                "logged in as {:?}, {pending} pending, no timer and no connect in flight",
                c.login_user()
            );
            self.fail("deadline-pending", &[slot], what);
        }
    }

    /// The end-of-run invariants, once the network has healed and the
    /// world has been quiet for `quiesce`.
    pub(crate) fn final_checks(&mut self) {
        let now = self.now;
        self.log(None, || "FINAL CHECKS".into());
        // Every command completes.
        for slot in 0..self.slots.len() {
            let Some(inst) = self.slots[slot].inst.as_ref() else {
                continue;
            };
            if let Some((id, (at, kind))) = inst.outstanding.iter().next() {
                if now.saturating_sub(*at) > Duration::from_secs(150) {
                    let detail =
                        format!("{kind} {id:?} issued at {:.3}s never completed", secs(*at));
                    return self.fail("commands-complete", &[slot], detail);
                }
            }
        }
        // Sessions alive at the end are connected and got every message
        // meant for them.
        let mut users_online = BTreeSet::new();
        for slot in 0..self.slots.len() {
            let Some(inst) = self.slots[slot].inst.as_ref() else {
                continue;
            };
            let Some(sess) = inst.session.as_ref() else {
                continue;
            };
            if inst.destroyed || !inst.ready {
                continue;
            }
            users_online.insert(sess.user);
            if inst.net != NetState::Connected || !inst.client.is_ready() {
                let detail = format!(
                    "session of u{} ends the run in net state {}",
                    sess.user, inst.net
                );
                return self.fail("reconnects", &[slot], detail);
            }
            let Some(start) = sess.start_step else {
                return self.fail(
                    "login-identity",
                    &[slot],
                    "session without a login step".into(),
                );
            };
            for &idx in &self.to_user[sess.user as usize] {
                let acc = &self.accepted[idx as usize];
                if acc.step <= start || sess.delivered.contains(&idx) {
                    continue;
                }
                if acc.from == acc.to && acc.sender == (slot, inst.gen) {
                    continue; // its own note to self: only at-most-once
                }
                let detail = format!(
                    "#{idx} u{}->u{} (inbox {}, accepted at {:.3}s, step {}) never reached the session of u{} on instance {slot}.{} (logged in at {:.3}s, step {start})",
                    acc.from,
                    acc.to,
                    acc.inbox_seq,
                    secs(acc.at),
                    acc.step,
                    sess.user,
                    inst.gen,
                    secs(sess.started_at),
                );
                let mut detail = detail;
                if let Some(&link) = self.synced_on.get(&idx) {
                    let _ = write!(detail, "; last sent in a getmsg reply on L{link}");
                }
                let sender = acc.sender.0;
                return self.fail("delivery-per-session", &[slot, sender], detail);
            }
        }
        // Every message to a user who is online at the end reached at
        // least one of that user's instances.
        for &user in &users_online {
            for &idx in &self.to_user[user as usize] {
                let acc = &self.accepted[idx as usize];
                if acc.delivered || acc.from == acc.to {
                    continue;
                }
                let mut detail = format!(
                    "#{idx} u{}->u{user} (inbox {}, accepted at {:.3}s) reached no instance of u{user}",
                    acc.from,
                    acc.inbox_seq,
                    secs(acc.at)
                );
                if let Some(&(s, link)) = self.dropped_pushes.get(&idx) {
                    let _ = write!(
                        detail,
                        "; its push reached client {s} on L{link} outside a session: acked, then dropped"
                    );
                }
                if let Some(&s) = self.sync_reached.get(&idx) {
                    let _ = write!(
                        detail,
                        "; a getmsg reply carrying it reached client {s} in a session, which emitted nothing (dropped as a duplicate)"
                    );
                } else if let Some(&link) = self.synced_on.get(&idx) {
                    let _ = write!(
                        detail,
                        "; the server last sent it in a getmsg reply on L{link}, which never reached a live client (the cursor moved anyway)"
                    );
                }
                let mut slots: Vec<usize> = (0..self.slots.len())
                    .filter(|&s| {
                        self.slots[s]
                            .inst
                            .as_ref()
                            .and_then(|i| i.session.as_ref())
                            .is_some_and(|ss| ss.user == user)
                    })
                    .collect();
                slots.push(acc.sender.0);
                return self.fail("delivery-per-user", &slots, detail);
            }
        }
        // The server keeps no connection whose client is gone.
        for link in 0..self.links.len() {
            let l = &self.links[link];
            // The server hears a close after the latency, a dead link after
            // its idle timeout (60 s): only a link closed longer ago than
            // that is a leak (seed 36142 closed one 0.35 s before the end).
            let long_ago = self.now.saturating_sub(l.closed_at) > Duration::from_secs(90);
            if l.server_open && l.client_closed && long_ago {
                let slot = l.slot;
                return self.fail(
                    "server-leak",
                    &[slot],
                    format!("the server still holds L{link}, closed by its client long ago"),
                );
            }
        }
        if self.cfg.message_ops {
            self.final_message_checks();
        }
        if self.cfg.group_ops && self.violation.is_none() {
            self.final_group_checks();
        }
        if self.cfg.relation_ops && self.violation.is_none() {
            self.final_relation_checks();
        }
    }
}
