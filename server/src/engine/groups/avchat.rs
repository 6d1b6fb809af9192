//! `AVChatRoom` rules (docs/GROUPS.md, "AVChatRoom"; ours): a live room
//! keeps no persistent membership and no history.
//!
//! - A member other than the owner is a member only while the user has a
//!   logged-in socket: when the last one goes (logout, disconnect, idle
//!   timeout, kick), the membership ends with a quit tip (`OpType` 2) to
//!   the members still online, and a later login does not bring it back.
//!   The owner (the creator; ownership cannot move, 2620) stays a member
//!   while offline.
//! - Messages and tips take the group's next sequence but are not written
//!   to the group log: they reach the members online at that moment and
//!   nobody else, `group_msg_get` answers an empty, finished page, and
//!   nothing is caught up later.
//! - A room keeps no log in which a resend could be recognised, so the
//!   last [`ROOM_SENDS_KEPT`] sends of each member are remembered
//!   ([`RoomSends`]) while the user is online: a resend (same `ClientSeq`
//!   and `Random`, from another instance's reconnect) gets its first answer
//!   instead of a second sequence.
//! - At start-up nobody is online, so every non-owner membership left in
//!   the store (a SQLite database from an earlier run) is ended, silently.

use std::collections::{HashMap, VecDeque};

use tcchat_core::proto::group::{joined_status, GroupType};
use tcchat_core::proto::group_msg::{tip_op, TipBody};

use super::super::conn::Ident;
use super::super::request::Fail;
use super::super::{ConnId, Engine};
use super::{member_extra, GroupWrite};
use crate::store::{Change, GroupRecord, Store, StoreError};

/// Whether messages and tips of `g` are written to its log (read back by
/// `group_msg_get`): every type but `AVChatRoom`.
pub(super) fn keeps_history(g: &GroupRecord) -> bool {
    g.group_type != GroupType::AvChatRoom
}

/// `JoinedStatus` for a member joining again: `AlreadyInGroup`, but
/// `JoinedSuccess` in a live room, where joining is entering (the official
/// SDK 3.6.6 rejects its `joinGroup` with 2660 on `AlreadyInGroup` there,
/// and its creator must join to send: tests/tests/interop_avchat.rs).
pub(super) fn rejoin_status(g: &GroupRecord) -> &'static str {
    if keeps_history(g) {
        joined_status::ALREADY_IN_GROUP
    } else {
        joined_status::JOINED
    }
}

/// End every non-owner `AVChatRoom` membership in `store` (nobody is
/// online when the engine starts); returns how many were ended.
pub(in crate::engine) fn end_transient_members<S: Store>(
    store: &mut S,
) -> Result<usize, StoreError> {
    let members = store.transient_members()?;
    for (app, group, user) in &members {
        let Some(g) = store.chat_group(*app, group)? else {
            continue;
        };
        store.apply(
            *app,
            &[Change::EndGroupMember {
                group: group.clone(),
                user: user.clone(),
                leave_seq: g.next_seq,
            }],
        )?;
    }
    Ok(members.len())
}

/// How many recent sends of one member in one room [`RoomSends`] keeps.
/// A resend comes from a client's held queue after a reconnect; the
/// per-user message rate bounds how many sends can be in flight, and 64
/// covers well over the seconds a reconnect takes.
pub(in crate::engine) const ROOM_SENDS_KEPT: usize = 64;

/// One remembered send: its client identity and the answer it got.
#[derive(Debug, Clone, Copy)]
struct RoomSend {
    client_seq: u64,
    random: u64,
    seq: u64,
    time: u64,
}

/// The recent sends of online users in live rooms, by `(app, user)` then
/// room: memory is at most [`ROOM_SENDS_KEPT`] entries per (user, room)
/// pair that sent, and a user's entries go when their last socket does
/// (their room memberships end then too).
#[derive(Debug, Default)]
pub(in crate::engine) struct RoomSends {
    by_user: HashMap<(u64, String), HashMap<String, VecDeque<RoomSend>>>,
}

impl RoomSends {
    /// The `(MsgSeq, MsgTime)` a send with this `client_seq` and `random`
    /// by `user` in `room` was answered with, if it is remembered.
    pub(in crate::engine) fn find(
        &self,
        app: u64,
        user: &str,
        room: &str,
        client_seq: u64,
        random: u64,
    ) -> Option<(u64, u64)> {
        self.by_user
            .get(&(app, user.to_owned()))?
            .get(room)?
            .iter()
            .find(|s| s.client_seq == client_seq && s.random == random)
            .map(|s| (s.seq, s.time))
    }

    /// Remember that the send (`client_seq`, `random`) by `user` in `room`
    /// was answered `(seq, time)`, forgetting that pair's oldest beyond
    /// [`ROOM_SENDS_KEPT`].
    pub(in crate::engine) fn remember(
        &mut self,
        app: u64,
        user: &str,
        room: &str,
        (client_seq, random): (u64, u64),
        (seq, time): (u64, u64),
    ) {
        let sends = self
            .by_user
            .entry((app, user.to_owned()))
            .or_default()
            .entry(room.to_owned())
            .or_default();
        if sends.len() == ROOM_SENDS_KEPT {
            sends.pop_front();
        }
        sends.push_back(RoomSend {
            client_seq,
            random,
            seq,
            time,
        });
    }

    /// `user` has no socket left: forget their sends in every room.
    fn forget_user(&mut self, app: u64, user: &str) {
        self.by_user.remove(&(app, user.to_owned()));
    }
}

impl<S: Store> Engine<S> {
    /// `(app, user)` has no logged-in socket left (or may not: checked
    /// again when settling, since a session moving to a newer socket
    /// leaves the user offline for a moment).
    pub(in crate::engine) fn note_went_offline(&mut self, app: u64, user: &str) {
        self.went_offline.push((app, user.to_owned()));
    }

    /// End the `AVChatRoom` memberships of every user noted offline who is
    /// still offline now. Called at the end of each `handle_*` that can
    /// take a session off a socket.
    pub(in crate::engine) fn settle_av_leaves(&mut self, unix_ms: u64) {
        if self.went_offline.is_empty() {
            return;
        }
        let gone = std::mem::take(&mut self.went_offline);
        for (app, user) in gone {
            if self.online.contains_key(&(app, user.clone())) {
                continue;
            }
            self.room_sends.forget_user(app, &user);
            if let Err(err) = self.leave_av_rooms(unix_ms, app, &user) {
                tracing::warn!(
                    ?err,
                    "cannot end the AVChatRoom memberships of a user gone offline"
                );
            }
        }
    }

    /// `user` went offline: leave each `AVChatRoom` it is a non-owner
    /// member of, with a quit tip to the members left.
    fn leave_av_rooms(&mut self, unix_ms: u64, app: u64, user: &str) -> Result<(), Fail> {
        let mut rooms = Vec::new();
        for id in self.store.joined_groups(app, user)? {
            match self.store.chat_group(app, &id)? {
                Some(g) if !g.dismissed && !keeps_history(&g) => rooms.push(g),
                _ => {}
            }
        }
        if rooms.is_empty() {
            return Ok(());
        }
        let tiny_id = self
            .store
            .account(app, user)?
            .map(|a| a.tiny_id.to_string())
            .unwrap_or_default();
        let me = Ident {
            app,
            user: user.to_owned(),
            tiny_id,
            origin: String::new(),
            // No socket caused this; nothing is pushed to "the origin".
            conn: ConnId(u64::MAX),
        };
        for mut g in rooms {
            let Some(m) = self.store.group_member(app, &g.id, user)? else {
                continue;
            };
            if m.role == tcchat_core::proto::group::Role::Owner {
                continue;
            }
            let rest: Vec<String> = self
                .store
                .group_members(app, &g.id)?
                .into_iter()
                .map(|m| m.user)
                .filter(|u| u != user)
                .collect();
            let mut w = GroupWrite::default();
            w.change(Change::EndGroupMember {
                group: g.id.clone(),
                user: user.to_owned(),
                leave_seq: g.next_seq,
            });
            let body = TipBody {
                op_type: tip_op::QUIT,
                list_account: vec![user.to_owned()],
                member_num: Some(rest.len() as u64),
                msg_member_extra_info: member_extra(&[user.to_owned()]),
                ..TipBody::default()
            };
            self.tip(&mut w, &mut g, &me, unix_ms, body, rest);
            w.change(Change::ChatGroup(g));
            let (queued, fanout) = self.commit_group(&me, w)?;
            self.push_queued(unix_ms, queued);
            for f in fanout {
                self.fan_out(unix_ms, app, f);
            }
        }
        Ok(())
    }
}
