//! `send_group_msg` and its fan-out, `group_msg_get` (history by
//! sequence, cut to the caller's membership windows; none for an
//! `AVChatRoom`, see [`super::avchat`]) and
//! `msg_read_report` (PROTOCOL.md 8.3, 8.5, 8.6).

use std::time::Instant;

use tcchat_core::proto::group::Role;
use tcchat_core::proto::group_msg::{
    event, GroupMsgGetReply, GroupMsgGetRequest, GroupTip, GroupWireMessage, MsgGroupInfo,
    MsgReadReportRequest, SendGroupMsgReply, SendGroupMsgRequest, SenderExtraInfo,
};
use tcchat_core::proto::{BaseReply, PushEvent};
use tcchat_core::wire::Frame;

use super::super::limits::retry_secs;
use super::super::messaging::check_body;
use super::super::refusal::Refusal;
use super::super::request::{refuse, Fail};
use super::super::{ConnId, Engine};
use super::avchat::keeps_history;
use super::{Fanout, GroupWrite};
use crate::codes;
use crate::store::{Change, GroupLogEntry, LogKind, Store, StoreError, Window};

/// `ReqMsgNumber` when the request gives none.
pub(super) const DEFAULT_HISTORY: u64 = 20;
/// Largest `ReqMsgNumber`.
pub(super) const MAX_HISTORY: u64 = 100;
/// A history page stops growing past this many bytes of JSON.
const HISTORY_PAGE_BYTES: usize = crate::bounds::ROAM_PAGE_BYTES;

pub(super) fn corrupt(e: serde_json::Error) -> Fail {
    Fail::Store(StoreError::Corrupt(format!("group log entry: {e}")))
}

impl<S: Store> Engine<S> {
    pub(super) fn on_send_group_msg(
        &mut self,
        now: Instant,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) {
        let Some((me, req)) = self.begin::<SendGroupMsgRequest>(unix_ms, conn, gzip, frame) else {
            return;
        };
        if !req.topic_id.is_empty() {
            return self.on_send_topic_msg((now, unix_ms), conn, gzip, frame, &me, &req);
        }
        let head = &frame.head;
        let result = (|| {
            if !req.from_account.is_empty() && req.from_account != me.user {
                return refuse(
                    codes::INVALID_ACCOUNT,
                    "From_Account is not the logged-in user",
                );
            }
            check_body(&req.msg_body, &req.cloud_custom_data)
                .map_err(|(code, info)| Fail::Refuse(code, info))?;
            let mut g = self.live_group(me.app, &req.group_id)?;
            let mut member = self.membership(me.app, &g.id, &me.user)?;
            let conv = super::super::relay::RelayConv::Group(g.id.clone());
            self.grant_relays(&me, conv, &req.msg_body)?;
            // A resend of a stored message: its first answer, no push.
            if let Some(e) = self.store.group_message_by_client(
                me.app,
                &g.id,
                &me.user,
                req.client_seq,
                req.random,
            )? {
                let reply = SendGroupMsgReply {
                    base: BaseReply::ok(),
                    msg_seq: e.seq,
                    msg_time: e.time,
                };
                return Ok((reply, None));
            }
            // The same in a live room, which keeps no log.
            if let Some((msg_seq, msg_time)) =
                self.room_sends
                    .find(me.app, &me.user, &g.id, req.client_seq, req.random)
            {
                let reply = SendGroupMsgReply {
                    base: BaseReply::ok(),
                    msg_seq,
                    msg_time,
                };
                return Ok((reply, None));
            }
            if let Err(wait) = self.msg_buckets.take(&(me.app, me.user.clone()), now) {
                let r = Refusal::MessageRateLimited {
                    retry_after_secs: retry_secs(wait),
                };
                return refuse(r.code(), r.to_string());
            }
            let time = unix_ms / 1000;
            if member.mute_until > time {
                return refuse(codes::GROUP_MUTED, "the sender is muted in this group");
            }
            if g.mute_all && member.role == Role::Member {
                return refuse(codes::GROUP_MUTED, "all members are muted in this group");
            }
            let online_only = req.online_only_flag != 0;
            let seq = if online_only { 0 } else { g.next_seq };
            let client_time = if req.msg_client_time == 0 {
                time
            } else {
                req.msg_client_time
            };
            let msg = GroupWireMessage {
                from_account: me.user.clone(),
                to_group_id: g.id.clone(),
                msg_seq: seq,
                msg_random: req.random,
                msg_time_stamp: time,
                msg_client_time: client_time,
                client_seq: req.client_seq,
                tiny_id: me.tiny_id.clone(),
                msg_priority: if req.msg_priority.is_empty() {
                    "Normal".to_owned()
                } else {
                    req.msg_priority.chars().take(16).collect()
                },
                msg_key: format!("{seq}_{}_{time}", req.random),
                group_info: MsgGroupInfo {
                    group_id: g.id.clone(),
                    group_type: g.group_type.as_wire().to_owned(),
                    group_name: g.name.clone(),
                    from_account_nick: req.from_account_nick.chars().take(64).collect(),
                    from_account_headurl: String::new(),
                    msg_from_account_extra_info: Some(SenderExtraInfo {
                        name_card: member.name_card.clone(),
                    }),
                    ..MsgGroupInfo::default()
                },
                msg_body: req.msg_body.clone(),
                cloud_custom_data: req.cloud_custom_data.clone(),
                group_at_info: req.group_at_info.clone(),
                is_need_read_receipt: u8::from(req.need_read_receipt != 0),
                support_message_extension: u8::from(req.support_message_extension != 0),
                is_place_msg: 0,
                ..GroupWireMessage::default()
            };
            let members: Vec<String> = self
                .store
                .group_members(me.app, &g.id)?
                .into_iter()
                .map(|m| m.user)
                .collect();
            let fanout = Fanout {
                event: PushEvent {
                    event: event::GROUP_MSG,
                    group_msg_array: Some(vec![msg.clone()]),
                    ..PushEvent::default()
                },
                to: members,
                skip: Some(conn),
            };
            if !online_only {
                let payload = serde_json::to_string(&msg).map_err(corrupt)?;
                g.next_seq += 1;
                g.last_msg_time = time;
                member.last_send_time = time;
                let mut w = GroupWrite::default();
                // An AVChatRoom keeps no history: the sequence is taken,
                // the message only pushed.
                if keeps_history(&g) {
                    w.change(Change::GroupLog {
                        group: g.id.clone(),
                        entry: GroupLogEntry {
                            seq,
                            time,
                            sender: me.user.clone(),
                            client_seq: req.client_seq,
                            random: req.random,
                            need_receipt: req.need_read_receipt != 0,
                            kind: LogKind::Message,
                            payload,
                        },
                    });
                }
                w.change(Change::ChatGroup(g.clone()));
                w.change(Change::GroupMember {
                    group: g.id.clone(),
                    member,
                });
                self.store.apply(me.app, &w.changes)?;
                if !keeps_history(&g) {
                    self.room_sends.remember(
                        me.app,
                        &me.user,
                        &g.id,
                        (req.client_seq, req.random),
                        (seq, time),
                    );
                }
            }
            let reply = SendGroupMsgReply {
                base: BaseReply::ok(),
                msg_seq: seq,
                msg_time: time,
            };
            Ok((reply, Some(fanout)))
        })();
        match result {
            Ok((reply, fanout)) => {
                self.out.reply(conn, gzip, head, &reply);
                if let Some(f) = fanout {
                    self.fan_out(unix_ms, me.app, f);
                }
            }
            Err(fail) => self.answer_fail(conn, gzip, head, fail),
        }
    }

    pub(super) fn on_group_msg_get(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) {
        let Some((me, req)) = self.begin::<GroupMsgGetRequest>(unix_ms, conn, gzip, frame) else {
            return;
        };
        if !req.topic_id.is_empty() {
            return self.on_topic_msg_get(conn, gzip, frame, &me, &req);
        }
        let result = (|| {
            let g = self.live_group(me.app, &req.group_id)?;
            let windows = self.store.group_windows(me.app, &g.id, &me.user)?;
            if windows.is_empty() {
                return refuse(codes::PERMISSION_DENIED, "not a member of this group");
            }
            if !keeps_history(&g) {
                // An AVChatRoom has no history: an empty, finished page.
                return Ok(GroupMsgGetReply {
                    base: BaseReply::ok(),
                    group_id: g.id.clone(),
                    is_finished: 1,
                    rsp_msg_list: Vec::new(),
                    rsp_tip_list: Vec::new(),
                });
            }
            let last = g.next_seq.saturating_sub(1);
            let hi = match req.req_msg_seq {
                0 => last,
                n => n.min(last),
            };
            let n = match req.req_msg_number {
                0 => DEFAULT_HISTORY,
                n => n.min(MAX_HISTORY),
            };
            let lo = hi.saturating_sub(n) + 1;
            let entries = self.store.group_log(me.app, &g.id, lo, hi)?;
            let mut reply = GroupMsgGetReply {
                base: BaseReply::ok(),
                group_id: g.id.clone(),
                is_finished: u8::from(lo <= 1),
                rsp_msg_list: Vec::new(),
                rsp_tip_list: Vec::new(),
            };
            // Sequences the caller deleted for itself come back as
            // placeholders, as those outside its membership.
            let hidden = self.store.group_hidden(me.app, &g.id, &me.user, lo, hi)?;
            let visible = |seq: u64| {
                windows.iter().any(|w: &Window| w.contains(seq))
                    && hidden.binary_search(&seq).is_err()
            };
            let mut bytes = 0;
            for e in entries.iter().rev() {
                // Newest first: a page over its bytes covers only the newest
                // part of the range; the caller asks again below it.
                if bytes > HISTORY_PAGE_BYTES {
                    reply.is_finished = 0;
                    break;
                }
                bytes += e.payload.len();
                if !visible(e.seq) {
                    reply.rsp_msg_list.push(GroupWireMessage {
                        to_group_id: g.id.clone(),
                        msg_seq: e.seq,
                        is_place_msg: 1,
                        ..GroupWireMessage::default()
                    });
                    continue;
                }
                match e.kind {
                    LogKind::Message => reply.rsp_msg_list.push(
                        serde_json::from_str::<GroupWireMessage>(&e.payload).map_err(corrupt)?,
                    ),
                    LogKind::Tip => reply
                        .rsp_tip_list
                        .push(serde_json::from_str::<GroupTip>(&e.payload).map_err(corrupt)?),
                }
            }
            Ok(reply)
        })();
        self.finish_query(conn, gzip, &frame.head, result);
    }

    pub(super) fn on_group_read_report(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) {
        let Some((me, req)) = self.begin_change::<MsgReadReportRequest>(unix_ms, conn, gzip, frame)
        else {
            return;
        };
        if !req.topic_id.is_empty() {
            return self.on_topic_read_report(unix_ms, conn, gzip, frame, &me, &req);
        }
        let result = (|| {
            let g = self.live_group(me.app, &req.group_id)?;
            let mut m = self.membership(me.app, &g.id, &me.user)?;
            let to = req.msg_readed_seq.min(g.next_seq.saturating_sub(1));
            let mut w = GroupWrite::default();
            if to > m.read_seq {
                m.read_seq = to;
                // The reader's other instances learn the read and what
                // is still unread (tcchat's own notify, PROTOCOL.md 8.6).
                w.notices.push(self.group_read_notice(me.app, &g, &m)?);
                w.change(Change::GroupMember {
                    group: g.id.clone(),
                    member: m,
                });
            }
            let (queued, fanout) = self.commit_group(&me, w)?;
            Ok((BaseReply::ok(), queued, fanout))
        })();
        self.finish_group(unix_ms, &me, conn, gzip, &frame.head, result);
    }
}
