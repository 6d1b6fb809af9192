//! Operations on a stored group message (PROTOCOL.md 8.8): revoke
//! (`group_msg_recall`), modify (`openim.modify_group_msg`) and delete
//! from one's own history (`delete_group_ramble_msg_by_seq`).
//!
//! A revoke or a modification rewrites the message's log entry (so history
//! shows it revoked or at its new version) and tells every member through
//! the per-user notification path: online members at once, the others in
//! their next sync. A delete hides the sequences for the caller only; its
//! history shows them as placeholders from then on.

use tcchat_core::proto::group::Role;
use tcchat_core::proto::group_msg::{event, GroupTip, GroupWireMessage, TipBody, SYSTEM_ACCOUNT};
use tcchat_core::proto::group_msgops::{
    GroupDeleteRequest, GroupModNotify, GroupModifyRequest, GroupRecallReply, GroupRecallRequest,
    GroupWithdrawInfo, RecallResult, EVENT_GROUP_MODIFIED, OP_REVOKED,
};
use tcchat_core::proto::msgops::{ModifyReply, RevokerInfo};
use tcchat_core::proto::{BaseReply, PushEvent, WireMessage};
use tcchat_core::wire::Frame;

use super::super::conn::Ident;
use super::super::messaging::check_body;
use super::super::notify::Notify;
use super::super::request::{check_caller, check_len, refuse, Fail};
use super::super::{ConnId, Engine};
use super::{view, GroupWrite};
use crate::bounds;
use crate::codes;
use crate::store::{Change, GroupRecord, LogKind, MemberRecord, Store, StoreError};

/// Most sequences one `delete_group_ramble_msg_by_seq` takes (the official
/// SDK sends at most 30).
pub const MAX_DELETE_SEQS: usize = 30;

/// Most sequences one `group_msg_recall` takes.
pub const MAX_RECALL_SEQS: usize = 20;

fn corrupt(e: serde_json::Error) -> Fail {
    Fail::Store(StoreError::Corrupt(format!("group log entry: {e}")))
}

fn encode(m: &GroupWireMessage) -> Result<String, Fail> {
    serde_json::to_string(m).map_err(corrupt)
}

/// Whether `role` may revoke other members' messages.
fn is_manager(role: Role) -> bool {
    matches!(role, Role::Owner | Role::Admin)
}

impl<S: Store> Engine<S> {
    /// The message at `seq` of `g` as `user` may see it (inside one of its
    /// membership windows, not deleted by it): 10030 otherwise.
    pub(super) fn visible_message(
        &mut self,
        app: u64,
        g: &GroupRecord,
        user: &str,
        seq: u64,
    ) -> Result<GroupWireMessage, Fail> {
        let missing = || {
            refuse(
                codes::GROUP_MSG_NOT_FOUND,
                format!(
                    "group {} holds no message {seq} for this user",
                    view::bounded(&g.id)
                ),
            )
        };
        let Some(entry) = self
            .store
            .group_log(app, &g.id, seq, seq)?
            .into_iter()
            .next()
        else {
            return missing();
        };
        if entry.kind != LogKind::Message {
            return missing();
        }
        let windows = self.store.group_windows(app, &g.id, user)?;
        if !windows.iter().any(|w| w.contains(seq)) {
            return missing();
        }
        if !self
            .store
            .group_hidden(app, &g.id, user, seq, seq)?
            .is_empty()
        {
            return missing();
        }
        serde_json::from_str(&entry.payload).map_err(corrupt)
    }

    /// One notice for every current member of `g`.
    pub(super) fn tell_members(
        &mut self,
        app: u64,
        g: &GroupRecord,
        w: &mut GroupWrite,
        event: &PushEvent,
    ) -> Result<(), Fail> {
        for m in self.store.group_members(app, &g.id)? {
            w.notices.push(Notify::new(&m.user, event.clone()));
        }
        Ok(())
    }

    /// `group_msg_recall`.
    pub(super) fn on_group_recall(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) {
        let Some((me, req)) = self.begin_change::<GroupRecallRequest>(unix_ms, conn, gzip, frame)
        else {
            return;
        };
        let result = self.group_recall(unix_ms, &me, &req);
        self.finish_group(unix_ms, &me, conn, gzip, &frame.head, result);
    }

    /// The sender, the owner or an admin revokes messages within the
    /// revoke window; a message revoked already is answered OK with
    /// nothing new (so a resent revoke succeeds). Each sequence gets its
    /// own result; the reply fails with the first code only when none was
    /// revoked.
    fn group_recall(
        &mut self,
        unix_ms: u64,
        me: &Ident,
        req: &GroupRecallRequest,
    ) -> Result<
        (
            GroupRecallReply,
            super::super::notify::Queued,
            Vec<super::Fanout>,
        ),
        Fail,
    > {
        if req.msg_seq_list.is_empty() {
            return refuse(codes::INVALID_PARAMETER, "MsgSeqList is empty");
        }
        check_len("MsgSeqList", &req.msg_seq_list, MAX_RECALL_SEQS)?;
        let g = self.live_group(me.app, &req.group_id)?;
        let member = self.membership(me.app, &g.id, &me.user)?;
        let time = unix_ms / 1000;
        let mut w = GroupWrite::default();
        let mut results = Vec::with_capacity(req.msg_seq_list.len());
        let mut infos = Vec::new();
        let mut first_failure = None;
        for item in &req.msg_seq_list {
            let seq = item.msg_seq;
            match self.revoke_one(me, &g, &member, seq, time) {
                Ok(Some((payload, info))) => {
                    w.change(Change::GroupLogPayload {
                        group: g.id.clone(),
                        seq,
                        payload,
                    });
                    infos.push(info);
                    results.push(RecallResult {
                        msg_seq: seq,
                        ret_code: 0,
                    });
                }
                Ok(None) => results.push(RecallResult {
                    msg_seq: seq,
                    ret_code: 0,
                }),
                Err(Fail::Refuse(code, info)) => {
                    first_failure.get_or_insert((code, info));
                    results.push(RecallResult {
                        msg_seq: seq,
                        ret_code: code,
                    });
                }
                Err(other) => return Err(other),
            }
        }
        if results.iter().all(|r| r.ret_code != 0) {
            if let Some((code, info)) = first_failure {
                return refuse(code, info);
            }
        }
        if !infos.is_empty() {
            let tip = GroupTip {
                from_account: SYSTEM_ACCOUNT.to_owned(),
                to_group_id: g.id.clone(),
                msg_seq: infos[0].msg_seq,
                msg_random: super::notice_random(self.tokens.next_u64()),
                msg_time_stamp: time,
                msg_client_time: time,
                tiny_id: String::new(),
                group_info: view::tip_group_info(&g),
                msg_body: TipBody {
                    op_type: OP_REVOKED,
                    operator_account: me.user.clone(),
                    group_withdraw_info_array: Some(infos),
                    ..TipBody::default()
                },
            };
            let event = PushEvent {
                event: event::GROUP_SYSTEM,
                group_tips: Some(vec![tip]),
                ..PushEvent::default()
            };
            self.tell_members(me.app, &g, &mut w, &event)?;
        }
        let (queued, fanout) = self.commit_group(me, w)?;
        let reply = GroupRecallReply {
            base: BaseReply::ok(),
            recall_ret_list: results,
        };
        Ok((reply, queued, fanout))
    }

    /// Revoke the message at `seq`: its new log payload and the notice
    /// item, `None` when it was revoked already.
    fn revoke_one(
        &mut self,
        me: &Ident,
        g: &GroupRecord,
        member: &MemberRecord,
        seq: u64,
        time: u64,
    ) -> Result<Option<(String, GroupWithdrawInfo)>, Fail> {
        let mut m = self.visible_message(me.app, g, &me.user, seq)?;
        if m.msg_flag_bits & WireMessage::FLAG_REVOKED != 0 {
            return Ok(None);
        }
        if m.from_account != me.user && !is_manager(member.role) {
            return refuse(
                codes::PERMISSION_DENIED,
                "only the sender, the owner or an admin may revoke a group message",
            );
        }
        if let Some(limit) = self.config.revoke_time_limit {
            let age = time.saturating_sub(m.msg_time_stamp);
            if age > limit.as_secs() {
                return refuse(
                    codes::GROUP_REVOKE_TIME_LIMIT,
                    format!(
                        "the message is {age} s old; it can be revoked for {} s",
                        limit.as_secs()
                    ),
                );
            }
        }
        let revoker = RevokerInfo {
            revoker_account: me.user.clone(),
            reason: String::new(),
        };
        m.msg_flag_bits |= WireMessage::FLAG_REVOKED;
        m.revoker_info = Some(revoker.clone());
        let info = GroupWithdrawInfo {
            group_id: g.id.clone(),
            from_account: m.from_account.clone(),
            msg_seq: m.msg_seq,
            msg_random: m.msg_random,
            msg_time_stamp: m.msg_time_stamp,
            msg_client_time: m.msg_client_time,
            tiny_id: m.tiny_id.clone(),
            revoker_info: revoker,
        };
        Ok(Some((encode(&m)?, info)))
    }

    /// `openim.modify_group_msg`.
    pub(super) fn on_group_modify(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) {
        let Some((me, req)) = self.begin_change::<GroupModifyRequest>(unix_ms, conn, gzip, frame)
        else {
            return;
        };
        let result = self.group_modify(&me, req);
        self.finish_group(unix_ms, &me, conn, gzip, &frame.head, result);
    }

    /// A member who can see a message that is not revoked modifies it,
    /// naming the version it replaces; the C2C rules apply: another version
    /// is a conflict (20027, with the stored message in the reply), unless
    /// the stored version is exactly this modification (a resent request:
    /// answered OK again with nothing new).
    fn group_modify(
        &mut self,
        me: &Ident,
        req: GroupModifyRequest,
    ) -> Result<
        (
            ModifyReply,
            super::super::notify::Queued,
            Vec<super::Fanout>,
        ),
        Fail,
    > {
        let g = self.live_group(me.app, &req.group_id)?;
        self.membership(me.app, &g.id, &me.user)?;
        let mut m = self.visible_message(me.app, &g, &me.user, req.msg_seq)?;
        if m.msg_flag_bits & WireMessage::FLAG_REVOKED != 0 {
            return refuse(
                codes::MESSAGE_REVOKED,
                "the message was revoked and cannot be modified",
            );
        }
        if let Err((code, info)) = check_body(&req.msg_body, &req.cloud_custom_data) {
            return refuse(code, info);
        }
        let same_content =
            m.msg_body == req.msg_body && m.cloud_custom_data == req.cloud_custom_data;
        if m.msg_version == req.msg_version.saturating_add(1) && same_content {
            let reply = ModifyReply {
                base: BaseReply::ok(),
                msg_body: req.msg_body,
                msg_version: m.msg_version,
                cloud_custom_data: req.cloud_custom_data,
            };
            return Ok((reply, Default::default(), Vec::new()));
        }
        if req.msg_version != m.msg_version {
            let reply = ModifyReply {
                base: BaseReply::fail(
                    codes::MODIFY_CONFLICT,
                    format!(
                        "the message is at version {}, not {}",
                        m.msg_version, req.msg_version
                    ),
                ),
                msg_body: m.msg_body,
                msg_version: m.msg_version,
                cloud_custom_data: m.cloud_custom_data,
            };
            return Ok((reply, Default::default(), Vec::new()));
        }
        m.msg_body.clone_from(&req.msg_body);
        m.cloud_custom_data.clone_from(&req.cloud_custom_data);
        m.msg_version += 1;
        let mut w = GroupWrite::default();
        w.change(Change::GroupLogPayload {
            group: g.id.clone(),
            seq: m.msg_seq,
            payload: encode(&m)?,
        });
        let notify = GroupModNotify {
            group_id: g.id.clone(),
            from_account: m.from_account.clone(),
            msg_seq: m.msg_seq,
            msg_random: m.msg_random,
            msg_time_stamp: m.msg_time_stamp,
            msg_client_time: m.msg_client_time,
            tiny_id: m.tiny_id.clone(),
            msg_body: req.msg_body.clone(),
            cloud_custom_data: req.cloud_custom_data.clone(),
            msg_version: m.msg_version,
        };
        let event = PushEvent {
            event: EVENT_GROUP_MODIFIED,
            group_msg_mod_notifys: Some(vec![notify]),
            ..PushEvent::default()
        };
        self.tell_members(me.app, &g, &mut w, &event)?;
        let reply = ModifyReply {
            base: BaseReply::ok(),
            msg_body: req.msg_body,
            msg_version: m.msg_version,
            cloud_custom_data: req.cloud_custom_data,
        };
        let (queued, fanout) = self.commit_group(me, w)?;
        Ok((reply, queued, fanout))
    }

    /// `delete_group_ramble_msg_by_seq`.
    pub(super) fn on_group_delete_msgs(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) {
        let Some((me, req)) = self.begin_change::<GroupDeleteRequest>(unix_ms, conn, gzip, frame)
        else {
            return;
        };
        let result = self.group_delete_msgs(&me, &req);
        self.finish_group(unix_ms, &me, conn, gzip, &frame.head, result);
    }

    /// The listed sequences leave the caller's history (the other members
    /// keep them). A sequence the caller cannot see (or deleted already)
    /// is skipped, so a resent delete succeeds; one that is not a number
    /// is refused. Nobody is notified (the official SDK has no
    /// multi-device delete sync).
    fn group_delete_msgs(
        &mut self,
        me: &Ident,
        req: &GroupDeleteRequest,
    ) -> Result<(BaseReply, super::super::notify::Queued, Vec<super::Fanout>), Fail> {
        check_caller(me, &req.deleter_account)?;
        if req.seqs.is_empty() {
            return refuse(codes::INVALID_PARAMETER, "Seqs is empty");
        }
        check_len(
            "Seqs",
            &req.seqs,
            MAX_DELETE_SEQS.min(bounds::MAX_ITEMS_PER_REQUEST),
        )?;
        let g = self.live_group(me.app, &req.group_id)?;
        self.membership(me.app, &g.id, &me.user)?;
        let mut w = GroupWrite::default();
        let mut seen = Vec::new();
        for s in &req.seqs {
            let Some(seq) = s.0 else {
                return refuse(
                    codes::INVALID_PARAMETER,
                    "Seqs holds an item that is not a sequence",
                );
            };
            if seen.contains(&seq) {
                continue;
            }
            seen.push(seq);
            match self.visible_message(me.app, &g, &me.user, seq) {
                Ok(_) => w.change(Change::GroupHide {
                    group: g.id.clone(),
                    seq,
                    user: me.user.clone(),
                }),
                Err(Fail::Refuse(..)) => {}
                Err(other) => return Err(other),
            }
        }
        let (queued, fanout) = self.commit_group(me, w)?;
        Ok((BaseReply::ok(), queued, fanout))
    }
}
