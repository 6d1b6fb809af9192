//! Community topics (issue 17, `million_group_open_http_svc.get_topic`,
//! `create_topic`, `modify_topic`, `destroy_topic`, and `send_group_msg`,
//! `group_msg_get` and `msg_read_report` with a `TopicId`; PROTOCOL.md
//! 8.15). A topic belongs to a `Community` group; its members are the
//! community's, its messages and tips take the topic's own sequence, and
//! each member keeps its own read sequence and remind type in it.

use std::time::Instant;

use tcchat_core::proto::group::{GroupType, Role};
use tcchat_core::proto::group_msg::{
    event, GroupMsgGetReply, GroupMsgGetRequest, GroupTip, GroupWireMessage, MsgGroupInfo,
    MsgReadReportRequest, SendGroupMsgReply, SendGroupMsgRequest, SenderExtraInfo, TipBody,
    SYSTEM_ACCOUNT,
};
use tcchat_core::proto::group_topic::{
    op, CreateTopicReply, DestroyResultItem, DestroyTopicReply, DestroyTopicRequest, GetTopicReply,
    GetTopicRequest, TopicAndSelfInfo, TopicInfo, TopicNewInfo, TopicSelfInfo, TopicWriteRequest,
    TOPIC_FLAG, TOPIC_MARK,
};
use tcchat_core::proto::{BaseReply, PushEvent};
use tcchat_core::wire::Frame;

use super::super::conn::Ident;
use super::super::limits::retry_secs;
use super::super::messaging::check_body;
use super::super::notify::Notify;
use super::super::refusal::Refusal;
use super::super::request::{check_len, refuse, Fail};
use super::super::{ConnId, Engine};
use super::messages::{corrupt, DEFAULT_HISTORY, MAX_HISTORY};
use super::{view, Fanout, GroupWrite};
use crate::bounds::MAX_ITEMS_PER_REQUEST;
use crate::codes;
use crate::store::{
    Change, GroupLogEntry, GroupRecord, LogKind, MemberRecord, Store, TopicRecord, TopicSelf,
};

/// Most topics one community may have (live ones).
pub(super) const MAX_TOPICS: usize = 100;
/// Longest topic name, bytes.
const MAX_NAME: usize = 150;
/// Longest introduction and notification, bytes.
const MAX_TEXT: usize = 400;
/// Longest avatar URL, bytes.
const MAX_FACE_URL: usize = 500;
/// Longest custom data, bytes.
const MAX_CUSTOM: usize = 4_096;
/// Longest caller-chosen topic suffix (after `@TOPIC#_`), bytes.
const MAX_SUFFIX: usize = 32;

fn check_text(field: &str, value: Option<&String>, min: usize, max: usize) -> Result<(), Fail> {
    match value {
        Some(v) if v.len() < min || v.len() > max => refuse(
            codes::INVALID_PARAMETER,
            format!("{field} must be {min} to {max} bytes"),
        ),
        _ => Ok(()),
    }
}

fn check_write(req: &TopicWriteRequest, create: bool) -> Result<(), Fail> {
    if create && req.topic_name.is_none() {
        return refuse(codes::INVALID_PARAMETER, "TopicName is required");
    }
    check_text("TopicName", req.topic_name.as_ref(), 1, MAX_NAME)?;
    check_text("Introduction", req.introduction.as_ref(), 0, MAX_TEXT)?;
    check_text("Notification", req.notification.as_ref(), 0, MAX_TEXT)?;
    check_text("FaceUrl", req.face_url.as_ref(), 0, MAX_FACE_URL)?;
    check_text("CustomString", req.custom_string.as_ref(), 0, MAX_CUSTOM)?;
    match req.shut_up_all_member.as_deref() {
        None | Some("On" | "Off") => Ok(()),
        Some(_) => refuse(
            codes::INVALID_PARAMETER,
            "ShutUpAllMember must be On or Off",
        ),
    }
}

/// `GroupInfo` of a topic push item: the community, flagged, with the
/// topic (`None` for items about the community's topics as a whole).
fn topic_group_info(g: &GroupRecord, topic: Option<&str>) -> MsgGroupInfo {
    MsgGroupInfo {
        million_group_flag: Some(TOPIC_FLAG),
        topic_id: topic.unwrap_or_default().to_owned(),
        ..view::tip_group_info(g)
    }
}

fn topic_info(t: &TopicRecord) -> TopicInfo {
    TopicInfo {
        group_id: t.group.clone(),
        topic_id: t.id.clone(),
        topic_name: t.name.clone(),
        face_url: t.face_url.clone(),
        introduction: t.introduction.clone(),
        notification: t.notification.clone(),
        custom_string: t.custom.clone(),
        shut_up_all_flag: u8::from(t.mute_all),
        last_msg_time: t.last_msg_time,
        next_msg_seq: t.next_seq,
    }
}

impl<S: Store> Engine<S> {
    /// The live community `id` and the caller's membership of it: 10010
    /// when missing, dismissed or not a `Community`; 10007 when not a
    /// member.
    fn community(&mut self, me: &Ident, id: &str) -> Result<(GroupRecord, MemberRecord), Fail> {
        let g = self.live_group(me.app, id)?;
        if g.group_type != GroupType::Community {
            return refuse(
                codes::GROUP_NOT_FOUND,
                format!("group {} is not a community", view::bounded(id)),
            );
        }
        let m = self.membership(me.app, id, &me.user)?;
        Ok((g, m))
    }

    /// The live topic `id` of `g`: 10010 when missing, deleted or of
    /// another community.
    fn live_topic(&mut self, app: u64, g: &GroupRecord, id: &str) -> Result<TopicRecord, Fail> {
        match self.store.topic(app, id)? {
            Some(t) if !t.deleted && t.group == g.id => Ok(t),
            _ => refuse(
                codes::GROUP_NOT_FOUND,
                format!("topic {} does not exist", view::bounded(id)),
            ),
        }
    }

    /// `user` joins the community `g` (nothing when `g` is not one): the
    /// topics' earlier messages count as read for it, as a group's
    /// messages before a join do.
    pub(super) fn topics_read_at_join(
        &mut self,
        w: &mut GroupWrite,
        app: u64,
        g: &GroupRecord,
        user: &str,
    ) -> Result<(), Fail> {
        if g.group_type != GroupType::Community {
            return Ok(());
        }
        for t in self.store.topics(app, &g.id)? {
            if t.deleted {
                continue;
            }
            w.change(Change::TopicSelf {
                topic: t.id.clone(),
                user: user.to_owned(),
                state: TopicSelf {
                    read_seq: t.next_seq.saturating_sub(1),
                    ..TopicSelf::default()
                },
            });
        }
        Ok(())
    }

    /// Only the owner and admins manage topics: 10007 otherwise.
    fn require_topic_admin(m: &MemberRecord) -> Result<(), Fail> {
        if m.role == Role::Member {
            return refuse(
                codes::PERMISSION_DENIED,
                "only the owner and admins manage topics",
            );
        }
        Ok(())
    }

    pub(super) fn on_get_topics(&mut self, unix_ms: u64, conn: ConnId, gzip: bool, frame: &Frame) {
        let Some((me, req)) = self.begin::<GetTopicRequest>(unix_ms, conn, gzip, frame) else {
            return;
        };
        let result = (|| -> Result<GetTopicReply, Fail> {
            check_len("TopicIdList", &req.topic_id_list, MAX_ITEMS_PER_REQUEST)?;
            let (g, _) = self.community(&me, &req.group_id)?;
            let mut items = Vec::new();
            if req.topic_id_list.is_empty() {
                for t in self.store.topics(me.app, &g.id)? {
                    if !t.deleted {
                        items.push(Ok(t));
                    }
                }
            } else {
                for id in &req.topic_id_list {
                    items.push(self.live_topic(me.app, &g, id).map_err(|f| (id.clone(), f)));
                }
            }
            let mut out = Vec::new();
            for item in items {
                out.push(match item {
                    Ok(t) => {
                        let own = self.store.topic_self(me.app, &t.id, &me.user)?;
                        let own = own.unwrap_or_default();
                        TopicAndSelfInfo {
                            topic_info: topic_info(&t),
                            self_info: TopicSelfInfo {
                                msg_flag: own.msg_flag,
                                msg_seq: own.read_seq,
                            },
                            error_code: 0,
                            error_info: String::new(),
                        }
                    }
                    Err((id, Fail::Refuse(code, info))) => TopicAndSelfInfo {
                        topic_info: TopicInfo {
                            group_id: g.id.clone(),
                            topic_id: id,
                            ..TopicInfo::default()
                        },
                        self_info: TopicSelfInfo::default(),
                        error_code: i64::from(code),
                        error_info: info,
                    },
                    Err((_, store)) => return Err(store),
                });
            }
            Ok(GetTopicReply {
                base: BaseReply::ok(),
                topic_and_self_info: out,
            })
        })();
        self.finish_query(conn, gzip, &frame.head, result);
    }

    /// A fresh topic ID of `g` (`<groupID>@TOPIC#_<10 characters>`).
    fn generate_topic_id(&mut self, app: u64, g: &GroupRecord) -> Result<String, Fail> {
        const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
        loop {
            let mut id = format!("{}{TOPIC_MARK}", g.id);
            let mut r = self.tokens.next_u64();
            for _ in 0..10 {
                id.push(char::from(ALPHABET[(r % 36) as usize]));
                r /= 36;
            }
            if self.store.topic(app, &id)?.is_none() {
                return Ok(id);
            }
        }
    }

    /// Event 5 topic notices (created, deleted) for every member of `g`.
    fn topic_notice(
        &mut self,
        w: &mut GroupWrite,
        g: &GroupRecord,
        me: &Ident,
        unix_ms: u64,
        (body, topic): (TipBody, Option<&str>),
        to: &[String],
    ) {
        let time = unix_ms / 1000;
        for user in to {
            let random = super::notice_random(self.tokens.next_u64());
            let tip = GroupTip {
                from_account: SYSTEM_ACCOUNT.to_owned(),
                to_group_id: g.id.clone(),
                msg_seq: g.next_seq,
                msg_random: random,
                msg_time_stamp: time,
                msg_client_time: time,
                tiny_id: String::new(),
                group_info: topic_group_info(g, topic),
                msg_body: TipBody {
                    operator_account: me.user.clone(),
                    ..body.clone()
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

    pub(super) fn on_create_topic(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) {
        let Some((me, req)) = self.begin_change::<TopicWriteRequest>(unix_ms, conn, gzip, frame)
        else {
            return;
        };
        let result = (|| {
            check_write(&req, true)?;
            let (g, m) = self.community(&me, &req.group_id)?;
            Self::require_topic_admin(&m)?;
            let live = self
                .store
                .topics(me.app, &g.id)?
                .iter()
                .filter(|t| !t.deleted)
                .count();
            if live >= MAX_TOPICS {
                return refuse(
                    codes::INVALID_PARAMETER,
                    format!("a community has at most {MAX_TOPICS} topics"),
                );
            }
            let id = match &req.topic_id {
                Some(id) => {
                    let prefix = format!("{}{TOPIC_MARK}", g.id);
                    let suffix = id.strip_prefix(&prefix).unwrap_or_default();
                    if suffix.is_empty()
                        || suffix.len() > MAX_SUFFIX
                        || !suffix.bytes().all(|b| b.is_ascii_graphic())
                    {
                        return refuse(
                            codes::GROUP_INVALID_ID,
                            format!(
                                "TopicId must be {prefix} followed by 1 to {MAX_SUFFIX} \
                                 printable ASCII bytes"
                            ),
                        );
                    }
                    if self.store.topic(me.app, id)?.is_some() {
                        return refuse(codes::GROUP_ID_TAKEN, "TopicId is taken");
                    }
                    id.clone()
                }
                None => self.generate_topic_id(me.app, &g)?,
            };
            let t = TopicRecord {
                id: id.clone(),
                group: g.id.clone(),
                name: req.topic_name.clone().unwrap_or_default(),
                face_url: req.face_url.clone().unwrap_or_default(),
                introduction: req.introduction.clone().unwrap_or_default(),
                notification: req.notification.clone().unwrap_or_default(),
                custom: req.custom_string.clone().unwrap_or_default(),
                mute_all: false,
                create_time: unix_ms / 1000,
                last_msg_time: 0,
                next_seq: 1,
                deleted: false,
            };
            let mut w = GroupWrite::default();
            w.change(Change::Topic(t));
            let members = super::ids(&self.store.group_members(me.app, &g.id)?);
            let body = TipBody {
                op_type: op::TOPIC_CREATED,
                ..TipBody::default()
            };
            self.topic_notice(&mut w, &g, &me, unix_ms, (body, Some(&id)), &members);
            let (queued, fanout) = self.commit_group(&me, w)?;
            let reply = CreateTopicReply {
                base: BaseReply::ok(),
                topic_id: id,
            };
            Ok((reply, queued, fanout))
        })();
        self.finish_group(unix_ms, &me, conn, gzip, &frame.head, result);
    }

    pub(super) fn on_destroy_topic(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) {
        let Some((me, req)) = self.begin_change::<DestroyTopicRequest>(unix_ms, conn, gzip, frame)
        else {
            return;
        };
        let result = (|| {
            check_len("TopicIdList", &req.topic_id_list, MAX_ITEMS_PER_REQUEST)?;
            if req.topic_id_list.is_empty() {
                return refuse(codes::INVALID_PARAMETER, "TopicIdList is empty");
            }
            let (g, m) = self.community(&me, &req.group_id)?;
            Self::require_topic_admin(&m)?;
            let mut w = GroupWrite::default();
            let mut items = Vec::new();
            let mut deleted = Vec::new();
            for id in &req.topic_id_list {
                let item = match self.live_topic(me.app, &g, id) {
                    Ok(mut t) if !deleted.contains(&t.id) => {
                        t.deleted = true;
                        deleted.push(t.id.clone());
                        w.change(Change::Topic(t));
                        (0, String::new())
                    }
                    Ok(_) => (
                        i64::from(codes::GROUP_NOT_FOUND),
                        "topic listed twice".to_owned(),
                    ),
                    Err(Fail::Refuse(code, info)) => (i64::from(code), info),
                    Err(store) => return Err(store),
                };
                items.push(DestroyResultItem {
                    topic_id: id.clone(),
                    error_code: item.0,
                    error_info: item.1,
                });
            }
            if !deleted.is_empty() {
                let members = super::ids(&self.store.group_members(me.app, &g.id)?);
                let body = TipBody {
                    op_type: op::TOPIC_DELETED,
                    topic_id_array: Some(deleted),
                    ..TipBody::default()
                };
                self.topic_notice(&mut w, &g, &me, unix_ms, (body, None), &members);
            }
            let (queued, fanout) = self.commit_group(&me, w)?;
            let reply = DestroyTopicReply {
                base: BaseReply::ok(),
                destroy_result_item: items,
            };
            Ok((reply, queued, fanout))
        })();
        self.finish_group(unix_ms, &me, conn, gzip, &frame.head, result);
    }

    pub(super) fn on_modify_topic(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) {
        let Some((me, req)) = self.begin_change::<TopicWriteRequest>(unix_ms, conn, gzip, frame)
        else {
            return;
        };
        let result = (|| {
            check_write(&req, false)?;
            let (g, m) = self.community(&me, &req.group_id)?;
            Self::require_topic_admin(&m)?;
            let id = req.topic_id.clone().unwrap_or_default();
            let mut t = self.live_topic(me.app, &g, &id)?;
            let mut new = TopicNewInfo::default();
            if let Some(v) = req.topic_name.clone().filter(|v| *v != t.name) {
                t.name.clone_from(&v);
                new.topic_name = Some(v);
            }
            if let Some(v) = req.introduction.clone().filter(|v| *v != t.introduction) {
                t.introduction.clone_from(&v);
                new.topic_introduction = Some(v);
            }
            if let Some(v) = req.notification.clone().filter(|v| *v != t.notification) {
                t.notification.clone_from(&v);
                new.topic_notification = Some(v);
            }
            if let Some(v) = req.face_url.clone().filter(|v| *v != t.face_url) {
                t.face_url.clone_from(&v);
                new.topic_face_url = Some(v);
            }
            if let Some(v) = req.custom_string.clone().filter(|v| *v != t.custom) {
                t.custom.clone_from(&v);
                new.custom_string = Some(v);
            }
            if let Some(on) = req.shut_up_all_member.as_deref().map(|v| v == "On") {
                if on != t.mute_all {
                    t.mute_all = on;
                    new.shutup_all = Some(u8::from(on));
                }
            }
            let mut w = GroupWrite::default();
            if new != TopicNewInfo::default() {
                let members = super::ids(&self.store.group_members(me.app, &g.id)?);
                let body = TipBody {
                    op_type: op::TOPIC_PROFILE,
                    msg_topic_new_info: Some(new),
                    ..TipBody::default()
                };
                self.topic_tip(&mut w, &g, &mut t, &me, unix_ms, body, members)?;
                w.change(Change::Topic(t));
            }
            let (queued, fanout) = self.commit_group(&me, w)?;
            Ok((BaseReply::ok(), queued, fanout))
        })();
        self.finish_group(unix_ms, &me, conn, gzip, &frame.head, result);
    }

    /// A tip by `me` in topic `t` of `g` (taking the topic's next
    /// sequence, logged with it), pushed to `to`. The caller stores `t`.
    #[allow(clippy::too_many_arguments)]
    fn topic_tip(
        &mut self,
        w: &mut GroupWrite,
        g: &GroupRecord,
        t: &mut TopicRecord,
        me: &Ident,
        unix_ms: u64,
        body: TipBody,
        to: Vec<String>,
    ) -> Result<(), Fail> {
        let time = unix_ms / 1000;
        let seq = t.next_seq;
        t.next_seq += 1;
        t.last_msg_time = time;
        let random = self.tokens.next_u64() & 0xFFFF_FFFF;
        let tip = GroupTip {
            from_account: me.user.clone(),
            to_group_id: g.id.clone(),
            msg_seq: seq,
            msg_random: random,
            msg_time_stamp: time,
            msg_client_time: time,
            tiny_id: me.tiny_id.clone(),
            group_info: topic_group_info(g, Some(&t.id)),
            msg_body: TipBody {
                operator_account: me.user.clone(),
                list_account: vec![me.user.clone()],
                ..body
            },
        };
        let payload = serde_json::to_string(&tip).map_err(corrupt)?;
        w.change(Change::TopicLog {
            topic: t.id.clone(),
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
        w.fanout.push(Fanout {
            event: PushEvent {
                event: event::GROUP_TIP,
                group_tips: Some(vec![tip]),
                ..PushEvent::default()
            },
            to,
            skip: None,
        });
        Ok(())
    }

    /// `send_group_msg` with a `TopicId`: the message takes the topic's
    /// next sequence and goes to every member of the community.
    pub(super) fn on_send_topic_msg(
        &mut self,
        (now, unix_ms): (Instant, u64),
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
        me: &Ident,
        req: &SendGroupMsgRequest,
    ) {
        let result = (|| {
            if !req.from_account.is_empty() && req.from_account != me.user {
                return refuse(
                    codes::INVALID_ACCOUNT,
                    "From_Account is not the logged-in user",
                );
            }
            check_body(&req.msg_body, &req.cloud_custom_data)
                .map_err(|(code, info)| Fail::Refuse(code, info))?;
            let (g, member) = self.community(me, &req.group_id)?;
            let mut t = self.live_topic(me.app, &g, &req.topic_id)?;
            if let Some(e) = self.store.topic_message_by_client(
                me.app,
                &t.id,
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
            if let Err(wait) = self.msg_buckets.take(&(me.app, me.user.clone()), now) {
                let r = Refusal::MessageRateLimited {
                    retry_after_secs: retry_secs(wait),
                };
                return refuse(r.code(), r.to_string());
            }
            let time = unix_ms / 1000;
            if member.mute_until > time {
                return refuse(codes::GROUP_MUTED, "the sender is muted in this community");
            }
            if t.mute_all && member.role == Role::Member {
                return refuse(codes::GROUP_MUTED, "all members are muted in this topic");
            }
            let seq = t.next_seq;
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
                    from_account_nick: req.from_account_nick.chars().take(64).collect(),
                    msg_from_account_extra_info: Some(SenderExtraInfo {
                        name_card: member.name_card.clone(),
                    }),
                    ..topic_group_info(&g, Some(&t.id))
                },
                msg_body: req.msg_body.clone(),
                cloud_custom_data: req.cloud_custom_data.clone(),
                group_at_info: req.group_at_info.clone(),
                is_need_read_receipt: 0,
                support_message_extension: 0,
                is_place_msg: 0,
                ..GroupWireMessage::default()
            };
            let payload = serde_json::to_string(&msg).map_err(corrupt)?;
            t.next_seq += 1;
            t.last_msg_time = time;
            // The sender has read its own message.
            let mut own = self
                .store
                .topic_self(me.app, &t.id, &me.user)?
                .unwrap_or_default();
            own.read_seq = seq;
            let changes = [
                Change::TopicLog {
                    topic: t.id.clone(),
                    entry: GroupLogEntry {
                        seq,
                        time,
                        sender: me.user.clone(),
                        client_seq: req.client_seq,
                        random: req.random,
                        need_receipt: false,
                        kind: LogKind::Message,
                        payload,
                    },
                },
                Change::TopicSelf {
                    topic: t.id.clone(),
                    user: me.user.clone(),
                    state: own,
                },
                Change::Topic(t),
            ];
            self.store.apply(me.app, &changes)?;
            let members = super::ids(&self.store.group_members(me.app, &g.id)?);
            let fanout = Fanout {
                event: PushEvent {
                    event: event::GROUP_MSG,
                    group_msg_array: Some(vec![msg]),
                    ..PushEvent::default()
                },
                to: members,
                skip: Some(conn),
            };
            let reply = SendGroupMsgReply {
                base: BaseReply::ok(),
                msg_seq: seq,
                msg_time: time,
            };
            Ok((reply, Some(fanout)))
        })();
        match result {
            Ok((reply, fanout)) => {
                self.out.reply(conn, gzip, &frame.head, &reply);
                if let Some(f) = fanout {
                    self.fan_out(unix_ms, me.app, f);
                }
            }
            Err(fail) => self.answer_fail(conn, gzip, &frame.head, fail),
        }
    }

    /// `group_msg_get` with a `TopicId`: the topic's log, visible to every
    /// current member of the community.
    pub(super) fn on_topic_msg_get(
        &mut self,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
        me: &Ident,
        req: &GroupMsgGetRequest,
    ) {
        let result = (|| {
            let (g, _) = self.community(me, &req.group_id)?;
            let t = self.live_topic(me.app, &g, &req.topic_id)?;
            let last = t.next_seq.saturating_sub(1);
            let hi = match req.req_msg_seq {
                0 => last,
                n => n.min(last),
            };
            let n = match req.req_msg_number {
                0 => DEFAULT_HISTORY,
                n => n.min(MAX_HISTORY),
            };
            let lo = hi.saturating_sub(n) + 1;
            let mut reply = GroupMsgGetReply {
                base: BaseReply::ok(),
                group_id: g.id.clone(),
                is_finished: u8::from(lo <= 1),
                rsp_msg_list: Vec::new(),
                rsp_tip_list: Vec::new(),
            };
            for e in self.store.topic_log(me.app, &t.id, lo, hi)?.iter().rev() {
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

    /// `msg_read_report` with a `TopicId`: the caller's read sequence in
    /// the topic (never backwards, never past the topic's last sequence).
    pub(super) fn on_topic_read_report(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
        me: &Ident,
        req: &MsgReadReportRequest,
    ) {
        let result = (|| {
            let (g, _) = self.community(me, &req.group_id)?;
            let t = self.live_topic(me.app, &g, &req.topic_id)?;
            let mut own = self
                .store
                .topic_self(me.app, &t.id, &me.user)?
                .unwrap_or_default();
            let to = req.msg_readed_seq.min(t.next_seq.saturating_sub(1));
            let mut w = GroupWrite::default();
            if to > own.read_seq {
                own.read_seq = to;
                w.change(Change::TopicSelf {
                    topic: t.id.clone(),
                    user: me.user.clone(),
                    state: own,
                });
            }
            let (queued, fanout) = self.commit_group(me, w)?;
            Ok((BaseReply::ok(), queued, fanout))
        })();
        self.finish_group(unix_ms, me, conn, gzip, &frame.head, result);
    }
}
