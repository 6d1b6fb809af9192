//! Group chat (`group_open_http_svc.*`, PROTOCOL.md section 8): one
//! module per command family, and what they share here — loading a group
//! and the caller's membership, making tips (which take the next group
//! sequence) and system notices (which go through the per-user
//! notification path), and committing a change with its pushes.

mod applications;
mod avchat;
pub(super) use avchat::RoomSends;
mod config;
mod conv;
mod extensions;
mod lifecycle;
mod list;
mod members;
mod messages;
mod msgops;
mod pins;
mod profile;
mod receipts;
mod state;
mod topics;
mod view;

use std::time::Instant;

use tcchat_core::proto::group::cmd;
use tcchat_core::proto::group_msg::{
    event, GroupTip, MemberExtraInfo, OperatorExtraInfo, TipBody, SYSTEM_ACCOUNT,
};
use tcchat_core::proto::group_msgops::cmd as ops;
use tcchat_core::proto::group_state::cmd as st;
use tcchat_core::proto::group_topic::cmd as tp;
use tcchat_core::proto::{MsgPush, PushEvent};
use tcchat_core::wire::{servcmd, Frame, Head};

use super::conn::Ident;
use super::notify::{Notify, Queued};
use super::request::{refuse, Fail};
use super::{ConnId, Engine};
use crate::codes;
use crate::store::{Change, GroupLogEntry, GroupRecord, LogKind, MemberRecord, Store};

pub(super) use avchat::end_transient_members;
pub use config::GroupConfig;
pub(super) use conv::{bounded_id, check_conversation_group_id};

/// The service of community commands (issue 17).
const MILLION: &str = "million_group_open_http_svc.";

/// The command `servcmd` names: a community's `million_group_open_http_svc`
/// command without a meaning of its own there (the official SDK sends a
/// Community's `create_group` on that service) is answered as the
/// `group_open_http_svc` one of the same name.
fn canonical(servcmd: &str) -> std::borrow::Cow<'_, str> {
    match servcmd.strip_prefix(MILLION) {
        Some(name)
            if !matches!(
                servcmd,
                cmd::GET_JOINED_LIST_MILLION
                    | cmd::GET_PENDENCY_MILLION
                    | tp::GET_TOPIC
                    | tp::CREATE_TOPIC
                    | tp::MODIFY_TOPIC
                    | tp::DESTROY_TOPIC
            ) =>
        {
            std::borrow::Cow::Owned(format!("group_open_http_svc.{name}"))
        }
        _ => std::borrow::Cow::Borrowed(servcmd),
    }
}

/// Whether `servcmd` is a group command this module answers.
pub(super) fn handles(servcmd: &str) -> bool {
    matches!(
        &*canonical(servcmd),
        cmd::GET_JOINED_LIST
            | cmd::GET_JOINED_LIST_MILLION
            | cmd::GET_SELF_MEMBER_INFO
            | cmd::GET_PUBLIC_INFO
            | cmd::CREATE
            | cmd::DESTROY
            | cmd::QUIT
            | cmd::APPLY_JOIN
            | cmd::SEND_MSG
            | cmd::MSG_GET
            | cmd::MSG_READ_REPORT
            | cmd::GET_ONLINE_MEMBER_NUM
            | cmd::GET_MEMBER_INFO
            | cmd::GET_SPECIFIED_MEMBER_INFO
            | cmd::ADD_MEMBER
            | cmd::DELETE_MEMBER
            | cmd::MODIFY_MEMBER_INFO
            | cmd::MODIFY_BASE_INFO
            | cmd::CHANGE_OWNER
            | cmd::GET_PENDENCY
            | cmd::GET_PENDENCY_MILLION
            | cmd::HANDLE_APPLY_JOIN
            | cmd::MSG_RECEIPT
            | cmd::GET_MSG_RECEIPT
            | cmd::GET_MSG_RECEIPT_DETAIL
            | cmd::DELETE_NOTICES
            | ops::RECALL
            | ops::MODIFY
            | ops::DELETE
            | cmd::MARK_MEMBER
            | servcmd::GROUP_EXT_SET
            | servcmd::GROUP_EXT_GET
            | st::GET_ATTR
            | st::INIT_ATTR
            | st::MODIFY_ATTR
            | st::DELETE_ATTR
            | st::CLEAR_ATTR
            | st::UPDATE_COUNTER
            | st::GET_COUNTER
            | st::PIN_MSG
            | st::UNPIN_MSG
            | st::GET_PINNED
            | tp::GET_TOPIC
            | tp::CREATE_TOPIC
            | tp::MODIFY_TOPIC
            | tp::DESTROY_TOPIC
    )
}

/// A group message or tip to push to the online members named.
#[derive(Debug)]
pub(super) struct Fanout {
    /// The push item.
    event: PushEvent,
    /// Users whose sockets get it.
    to: Vec<String>,
    /// The socket that caused it, left out (its reply tells the result).
    skip: Option<ConnId>,
}

/// What a group command writes, in one transaction: store changes,
/// per-user notices, and the group pushes to send after the reply.
#[derive(Debug, Default)]
pub(super) struct GroupWrite {
    changes: Vec<Change>,
    notices: Vec<Notify>,
    fanout: Vec<Fanout>,
}

impl GroupWrite {
    fn change(&mut self, change: Change) {
        self.changes.push(change);
    }
}

/// Most bytes of one group's (or one member's) custom fields together,
/// keys and values: what keeps a list page of 200 groups bounded.
pub(super) const MAX_CUSTOM_TOTAL: usize = 8 * 1024;

/// `custom` (after a change) must hold at most [`MAX_CUSTOM_TOTAL`] bytes.
fn check_custom_total(field: &str, custom: &[(String, String)]) -> Result<(), Fail> {
    let total: usize = custom.iter().map(|(k, v)| k.len() + v.len()).sum();
    if total > MAX_CUSTOM_TOTAL {
        return refuse(
            codes::INVALID_PARAMETER,
            format!("{field} holds {total} bytes in all; the limit is {MAX_CUSTOM_TOTAL}"),
        );
    }
    Ok(())
}

/// The random of a system notice: never 1 or 2 (with an equal `MsgSeq`
/// the official SDK would give the notice a random ID).
fn notice_random(raw: u64) -> u64 {
    3 + raw % 0xFFFF_FFF0
}

impl<S: Store> Engine<S> {
    pub(super) fn on_group(
        &mut self,
        now: Instant,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) {
        match &*canonical(&frame.head.servcmd) {
            cmd::GET_JOINED_LIST => self.on_joined_list(unix_ms, conn, gzip, frame, false),
            cmd::GET_JOINED_LIST_MILLION => self.on_joined_list(unix_ms, conn, gzip, frame, true),
            cmd::GET_SELF_MEMBER_INFO => self.on_group_profile(unix_ms, conn, gzip, frame, true),
            cmd::GET_PUBLIC_INFO => self.on_group_profile(unix_ms, conn, gzip, frame, false),
            cmd::GET_ONLINE_MEMBER_NUM => self.on_online_member_num(unix_ms, conn, gzip, frame),
            cmd::CREATE => self.on_create_group(unix_ms, conn, gzip, frame),
            cmd::DESTROY => self.on_destroy_group(unix_ms, conn, gzip, frame),
            cmd::QUIT => self.on_quit_group(unix_ms, conn, gzip, frame),
            cmd::APPLY_JOIN => self.on_apply_join(unix_ms, conn, gzip, frame),
            cmd::SEND_MSG => self.on_send_group_msg(now, unix_ms, conn, gzip, frame),
            cmd::MSG_GET => self.on_group_msg_get(unix_ms, conn, gzip, frame),
            cmd::MSG_READ_REPORT => self.on_group_read_report(unix_ms, conn, gzip, frame),
            cmd::GET_MEMBER_INFO => self.on_member_list(unix_ms, conn, gzip, frame),
            cmd::GET_SPECIFIED_MEMBER_INFO => self.on_specified_members(unix_ms, conn, gzip, frame),
            cmd::ADD_MEMBER => self.on_add_members(unix_ms, conn, gzip, frame),
            cmd::DELETE_MEMBER => self.on_delete_members(unix_ms, conn, gzip, frame),
            cmd::MODIFY_MEMBER_INFO => self.on_modify_member(unix_ms, conn, gzip, frame),
            cmd::MARK_MEMBER => self.on_mark_member(unix_ms, conn, gzip, frame),
            cmd::MODIFY_BASE_INFO => self.on_modify_group(unix_ms, conn, gzip, frame),
            cmd::CHANGE_OWNER => self.on_change_owner(unix_ms, conn, gzip, frame),
            cmd::GET_PENDENCY => self.on_get_pendency(unix_ms, conn, gzip, frame, false),
            cmd::GET_PENDENCY_MILLION => self.on_get_pendency(unix_ms, conn, gzip, frame, true),
            cmd::HANDLE_APPLY_JOIN => self.on_handle_apply(unix_ms, conn, gzip, frame),
            cmd::MSG_RECEIPT => self.on_group_receipt(unix_ms, conn, gzip, frame),
            cmd::GET_MSG_RECEIPT => self.on_get_group_receipts(unix_ms, conn, gzip, frame),
            cmd::GET_MSG_RECEIPT_DETAIL => self.on_group_receipt_detail(unix_ms, conn, gzip, frame),
            cmd::DELETE_NOTICES => self.on_delete_notices(unix_ms, conn, gzip, frame),
            ops::RECALL => self.on_group_recall(unix_ms, conn, gzip, frame),
            ops::MODIFY => self.on_group_modify(unix_ms, conn, gzip, frame),
            ops::DELETE => self.on_group_delete_msgs(unix_ms, conn, gzip, frame),
            servcmd::GROUP_EXT_SET => self.on_group_ext_set(unix_ms, conn, gzip, frame),
            servcmd::GROUP_EXT_GET => self.on_group_ext_get(unix_ms, conn, gzip, frame),
            st::GET_ATTR => self.on_get_group_attr(unix_ms, conn, gzip, frame),
            st::INIT_ATTR | st::MODIFY_ATTR | st::DELETE_ATTR | st::CLEAR_ATTR => {
                self.on_write_group_attr(unix_ms, conn, gzip, frame);
            }
            st::UPDATE_COUNTER => self.on_update_group_counter(unix_ms, conn, gzip, frame),
            st::GET_COUNTER => self.on_get_group_counter(unix_ms, conn, gzip, frame),
            st::PIN_MSG | st::UNPIN_MSG => self.on_pin_group_msg(unix_ms, conn, gzip, frame),
            st::GET_PINNED => self.on_get_pinned_group_msgs(unix_ms, conn, gzip, frame),
            tp::GET_TOPIC => self.on_get_topics(unix_ms, conn, gzip, frame),
            tp::CREATE_TOPIC => self.on_create_topic(unix_ms, conn, gzip, frame),
            tp::MODIFY_TOPIC => self.on_modify_topic(unix_ms, conn, gzip, frame),
            tp::DESTROY_TOPIC => self.on_destroy_topic(unix_ms, conn, gzip, frame),
            other => unreachable!("groups::handles accepted {other} without a handler"),
        }
    }

    /// The live group `id`: 10010 when it does not exist or was dismissed.
    fn live_group(&mut self, app: u64, id: &str) -> Result<GroupRecord, Fail> {
        match self.store.chat_group(app, id)? {
            Some(g) if !g.dismissed => Ok(g),
            _ => refuse(
                codes::GROUP_NOT_FOUND,
                format!(
                    "group {} does not exist or was dismissed",
                    view::bounded(id)
                ),
            ),
        }
    }

    /// `user`'s membership of `group`: 10007 when not a member.
    fn membership(&mut self, app: u64, group: &str, user: &str) -> Result<MemberRecord, Fail> {
        match self.store.group_member(app, group, user)? {
            Some(m) => Ok(m),
            None => refuse(
                codes::PERMISSION_DENIED,
                format!("not a member of group {}", view::bounded(group)),
            ),
        }
    }

    /// A tip by `me` in `g` (taking `g`'s next sequence, stored with the
    /// group unless it is an `AVChatRoom`), pushed to `to`. The caller stores `g` afterwards.
    fn tip(
        &mut self,
        w: &mut GroupWrite,
        g: &mut GroupRecord,
        me: &Ident,
        unix_ms: u64,
        body: TipBody,
        to: Vec<String>,
    ) {
        let time = unix_ms / 1000;
        let seq = g.next_seq;
        g.next_seq += 1;
        g.last_msg_time = time;
        let random = self.tokens.next_u64() & 0xFFFF_FFFF;
        let tip = GroupTip {
            from_account: me.user.clone(),
            to_group_id: g.id.clone(),
            msg_seq: seq,
            msg_random: random,
            msg_time_stamp: time,
            msg_client_time: time,
            tiny_id: me.tiny_id.clone(),
            group_info: view::tip_group_info(g),
            msg_body: TipBody {
                operator_account: me.user.clone(),
                msg_operator_member_extra_info: Some(OperatorExtraInfo::default()),
                ..body
            },
        };
        let payload =
            serde_json::to_string(&tip).expect("a tip always serializes (strings and numbers)");
        if avchat::keeps_history(g) {
            w.change(Change::GroupLog {
                group: g.id.clone(),
                entry: GroupLogEntry {
                    seq,
                    time,
                    sender: me.user.clone(),
                    client_seq: 0,
                    random,
                    need_receipt: false,
                    kind: LogKind::Tip,
                    payload,
                },
            });
        }
        w.fanout.push(Fanout {
            event: PushEvent {
                event: event::GROUP_TIP,
                group_tips: Some(vec![tip]),
                ..PushEvent::default()
            },
            to,
            skip: None,
        });
    }

    /// A system notice about `g` (its `OpType` and `RemarkInfo`) for each of
    /// `to` (Event 5), through the per-user notification path.
    fn notice(
        &mut self,
        w: &mut GroupWrite,
        g: &GroupRecord,
        operator: &str,
        (op_type, remark): (u32, &str),
        unix_ms: u64,
        to: &[String],
    ) {
        let time = unix_ms / 1000;
        for user in to {
            let random = notice_random(self.tokens.next_u64());
            let tip = GroupTip {
                from_account: SYSTEM_ACCOUNT.to_owned(),
                to_group_id: g.id.clone(),
                msg_seq: g.next_seq,
                msg_random: random,
                msg_time_stamp: time,
                msg_client_time: time,
                tiny_id: String::new(),
                group_info: view::tip_group_info(g),
                msg_body: TipBody {
                    op_type,
                    operator_account: operator.to_owned(),
                    remark_info: Some(remark.to_owned()),
                    ..TipBody::default()
                },
            };
            w.notices.push(Notify::new(
                user,
                PushEvent {
                    event: event::GROUP_SYSTEM,
                    group_tips: Some(vec![tip]),
                    ..PushEvent::default()
                },
            ));
        }
    }

    /// Store `w` in one transaction; `None` when nothing was written.
    fn commit_group(&mut self, me: &Ident, w: GroupWrite) -> Result<(Queued, Vec<Fanout>), Fail> {
        let queued = self.commit(me, w.changes, w.notices)?;
        Ok((queued, w.fanout))
    }

    /// Finish a state-changing group command: the reply (kept for a
    /// resend), the per-user notices, then the group pushes.
    fn finish_group<B: serde::Serialize>(
        &mut self,
        unix_ms: u64,
        me: &Ident,
        conn: ConnId,
        gzip: bool,
        head: &Head,
        result: Result<(B, Queued, Vec<Fanout>), Fail>,
    ) {
        match result {
            Ok((reply, queued, fanout)) => {
                self.reply_change(me, conn, gzip, head, &reply);
                self.push_queued(unix_ms, queued);
                for f in fanout {
                    self.fan_out(unix_ms, me.app, f);
                }
            }
            Err(fail) => self.answer_fail(conn, gzip, head, fail),
        }
    }

    /// Push one group item to every online socket of its recipients: one
    /// frame, built once.
    fn fan_out(&mut self, unix_ms: u64, app: u64, f: Fanout) {
        let mut conns = Vec::new();
        for user in &f.to {
            for c in self.online_except(unix_ms, app, user, f.skip) {
                conns.push((c, self.gzip(c)));
            }
        }
        let push = MsgPush {
            event_array: vec![f.event],
            need_ack: 0,
            session_data: String::new(),
        };
        self.out.push_shared(&conns, app, servcmd::MSG_PUSH, &push);
    }
}

/// `MsgMemberExtraInfo` for `users` (no profiles on this server: IDs only).
fn member_extra(users: &[String]) -> Vec<MemberExtraInfo> {
    users
        .iter()
        .map(|u| MemberExtraInfo {
            user_account: u.clone(),
            nick_name: String::new(),
            image_url: String::new(),
        })
        .collect()
}

/// User IDs of `members`.
fn ids(members: &[MemberRecord]) -> Vec<String> {
    members.iter().map(|m| m.user.clone()).collect()
}
