//! Operations on a stored C2C message: revoke (`openim.msgwithdraw`),
//! modify (`openim.modify_c2c_msg`) and delete from one's own history
//! (`openim.delete_c2c_msg_ramble`), and how requests name messages.

use tcchat_core::proto::msgops::{
    DeleteMsgRequest, ModifyReply, ModifyRequest, MsgRef, RevokerInfo, WithdrawInfo,
    WithdrawNotify, WithdrawRequest,
};
use tcchat_core::proto::{BaseReply, ModNotify, NotifyItem, PushEvent};
use tcchat_core::wire::Frame;

use super::conn::Ident;
use super::messaging::check_body;
use super::notify::{Notify, Queued, EVENT_MODIFIED, EVENT_NOTIFY};
use super::request::{check_caller, check_len, check_peer, refuse, Fail};
use super::{ConnId, Engine};
use crate::bounds;
use crate::codes;
use crate::store::{Change, MessageRecord, Revocation, Store};

/// `<sequence>_<random>_<time>`: how the official SDK names a message in
/// deletes and extensions (time = the server's `MsgTime`).
pub(super) fn parse_msg_key(key: &str) -> Option<(u64, u64, u64)> {
    let mut parts = key.split('_');
    let seq = parts.next()?.parse().ok()?;
    let random = parts.next()?.parse().ok()?;
    let time = parts.next()?.parse().ok()?;
    parts.next().is_none().then_some((seq, random, time))
}

/// The notify that tells about a revoke.
fn withdraw_event(m: &MessageRecord, revoker: &Revocation) -> PushEvent {
    let info = WithdrawInfo {
        msg: MsgRef {
            from_account: m.msg.from.clone(),
            to_account: m.msg.to.clone(),
            msg_seq: m.msg.msg_seq,
            msg_random: m.msg.msg_random,
            msg_time_stamp: m.msg.msg_time,
        },
        msg_client_time: m.msg.client_time,
        tiny_id: m.msg.sender_tiny_id.to_string(),
        revoker_info: RevokerInfo {
            revoker_account: revoker.by.clone(),
            reason: revoker.reason.clone(),
        },
    };
    PushEvent {
        event: EVENT_NOTIFY,
        c2c_notify_msg_array: Some(vec![NotifyItem {
            withdraw_c2c_msg_notify: Some(WithdrawNotify {
                c2c_withdraw_info_array: vec![info],
            }),
            ..NotifyItem::default()
        }]),
        ..PushEvent::default()
    }
}

/// Notices of a change to message `m` made by `me`: to the other party
/// and to `me`'s other instances (once for a message to oneself).
pub(super) fn to_both_parties(me: &Ident, m: &MessageRecord, event: PushEvent) -> Vec<Notify> {
    let peer = m.peer_of(&me.user).to_owned();
    let mut notices = vec![Notify::new(&me.user, event.clone())];
    if peer != me.user {
        notices.push(Notify::new(&peer, event));
    }
    notices
}

impl<S: Store> Engine<S> {
    /// The message `from` sent to `to` with `msg_seq` and `msg_random`, at
    /// `time` (0: any time).
    pub(super) fn find_message(
        &mut self,
        app: u64,
        from: &str,
        to: &str,
        msg_seq: u64,
        msg_random: u64,
        time: u64,
    ) -> Result<MessageRecord, Fail> {
        match self.store.message(app, from, to, msg_seq, msg_random)? {
            Some(m) if time == 0 || m.msg.msg_time == time => Ok(m),
            _ => refuse(
                codes::MESSAGE_NOT_FOUND,
                format!("no message from {from:?} to {to:?} with MsgSeq {msg_seq}, MsgRandom {msg_random} and time {time}"),
            ),
        }
    }

    /// The message of the conversation between `me` and `peer` (sent by
    /// either) named by a `<sequence>_<random>_<time>` key.
    fn find_by_key(
        &mut self,
        app: u64,
        me: &str,
        peer: &str,
        key: (u64, u64, u64),
    ) -> Result<Option<MessageRecord>, Fail> {
        let (seq, random, time) = key;
        for (from, to) in [(me, peer), (peer, me)] {
            if let Some(m) = self.store.message(app, from, to, seq, random)? {
                if m.msg.msg_time == time {
                    return Ok(Some(m));
                }
            }
        }
        Ok(None)
    }

    /// `openim.msgwithdraw`.
    pub(super) fn on_revoke(&mut self, unix_ms: u64, conn: ConnId, gzip: bool, frame: &Frame) {
        let Some((me, req)) = self.begin_change::<WithdrawRequest>(unix_ms, conn, gzip, frame)
        else {
            return;
        };
        let result = self
            .revoke(unix_ms, &me, &req.msg_info)
            .map(|queued| (BaseReply::ok(), queued));
        self.finish_change(unix_ms, &me, conn, gzip, &frame.head, result);
    }

    /// Only the sender revokes, once; a second revoke is answered OK with
    /// nothing new.
    fn revoke(&mut self, unix_ms: u64, me: &Ident, r: &MsgRef) -> Result<Queued, Fail> {
        let mut m = self.find_message(
            me.app,
            &r.from_account,
            &r.to_account,
            r.msg_seq,
            r.msg_random,
            r.msg_time_stamp,
        )?;
        if m.msg.from != me.user {
            return refuse(
                codes::PERMISSION_DENIED,
                "only the sender of a message may revoke it",
            );
        }
        if m.state.revoked.is_some() {
            return Ok(Queued::default());
        }
        if let Some(limit) = self.config.revoke_time_limit {
            let age = (unix_ms / 1000).saturating_sub(m.msg.msg_time);
            if age > limit.as_secs() {
                return refuse(
                    codes::REVOKE_TIME_LIMIT,
                    format!(
                        "the message is {age} s old; it can be revoked for {} s",
                        limit.as_secs()
                    ),
                );
            }
        }
        let revocation = Revocation {
            by: me.user.clone(),
            reason: String::new(),
        };
        let event = withdraw_event(&m, &revocation);
        m.state.revoked = Some(revocation);
        let notices = to_both_parties(me, &m, event);
        Ok(self.commit(me, vec![Change::Message(m)], notices)?)
    }

    /// `openim.modify_c2c_msg`.
    pub(super) fn on_modify(&mut self, unix_ms: u64, conn: ConnId, gzip: bool, frame: &Frame) {
        let Some((me, req)) = self.begin_change::<ModifyRequest>(unix_ms, conn, gzip, frame) else {
            return;
        };
        let result = self.modify(&me, req);
        self.finish_change(unix_ms, &me, conn, gzip, &frame.head, result);
    }

    /// Either party modifies a message that is not revoked, naming the
    /// version it replaces; another version is a conflict (20027, with the
    /// stored message in the reply), unless the stored version is exactly
    /// this modification (a resent request: answered OK again).
    fn modify(&mut self, me: &Ident, req: ModifyRequest) -> Result<(ModifyReply, Queued), Fail> {
        let mut m = self.find_message(
            me.app,
            &req.from_account,
            &req.to_account,
            req.msg_seq,
            req.msg_random,
            req.msg_time,
        )?;
        if m.msg.from != me.user && m.msg.to != me.user {
            return refuse(
                codes::PERMISSION_DENIED,
                "only the parties of a conversation may modify its messages",
            );
        }
        if m.state.revoked.is_some() {
            return refuse(
                codes::MESSAGE_REVOKED,
                "the message was revoked and cannot be modified",
            );
        }
        if let Err((code, info)) = check_body(&req.msg_body, &req.cloud_custom_data) {
            return refuse(code, info);
        }
        let body = serde_json::to_string(&req.msg_body).unwrap_or_else(|_| "[]".to_owned());
        // The same modification again (a request resent after its reply was
        // lost): answered as the first time, with nothing new to announce.
        let repeated = m.state.version == req.msg_version.saturating_add(1)
            && m.msg.body == body
            && m.msg.cloud_custom_data == req.cloud_custom_data;
        if repeated {
            let reply = ModifyReply {
                base: BaseReply::ok(),
                msg_body: req.msg_body,
                msg_version: m.state.version,
                cloud_custom_data: req.cloud_custom_data,
            };
            return Ok((reply, Queued::default()));
        }
        if req.msg_version != m.state.version {
            let reply = ModifyReply {
                base: BaseReply::fail(
                    codes::MODIFY_CONFLICT,
                    format!(
                        "the message is at version {}, not {}",
                        m.state.version, req.msg_version
                    ),
                ),
                msg_body: serde_json::from_str(&m.msg.body).unwrap_or_default(),
                msg_version: m.state.version,
                cloud_custom_data: m.msg.cloud_custom_data,
            };
            return Ok((reply, Queued::default()));
        }
        m.msg.body = body;
        m.msg.cloud_custom_data.clone_from(&req.cloud_custom_data);
        m.state.version += 1;
        let notify = ModNotify {
            from_account: m.msg.from.clone(),
            to_account: m.msg.to.clone(),
            msg_seq: m.msg.msg_seq,
            msg_random: m.msg.msg_random,
            msg_time_stamp: m.msg.msg_time,
            msg_client_time: m.msg.client_time,
            tiny_id: m.msg.sender_tiny_id.to_string(),
            msg_key: m.msg.msg_key.clone(),
            msg_body: req.msg_body.clone(),
            cloud_custom_data: req.cloud_custom_data.clone(),
            msg_version: m.state.version,
        };
        let event = PushEvent {
            event: EVENT_MODIFIED,
            c2c_msg_mod_notifys: Some(vec![notify]),
            ..PushEvent::default()
        };
        let reply = ModifyReply {
            base: BaseReply::ok(),
            msg_body: req.msg_body,
            msg_version: m.state.version,
            cloud_custom_data: req.cloud_custom_data,
        };
        let notices = to_both_parties(me, &m, event);
        Ok((reply, self.commit(me, vec![Change::Message(m)], notices)?))
    }

    /// `openim.delete_c2c_msg_ramble`.
    pub(super) fn on_delete_messages(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) {
        let Some((me, req)) = self.begin_change::<DeleteMsgRequest>(unix_ms, conn, gzip, frame)
        else {
            return;
        };
        let result = self
            .delete_messages(&me, &req)
            .map(|queued| (BaseReply::ok(), queued));
        self.finish_change(unix_ms, &me, conn, gzip, &frame.head, result);
    }

    /// The listed messages leave the caller's history (the peer keeps
    /// them). Keys naming no message (or one deleted already) are ignored,
    /// so a resent delete succeeds; a key that is not
    /// `<sequence>_<random>_<time>` is refused. Nobody is notified (the
    /// official SDK has no multi-device delete sync).
    fn delete_messages(&mut self, me: &Ident, req: &DeleteMsgRequest) -> Result<Queued, Fail> {
        check_caller(me, &req.from_account)?;
        check_peer("To_Account", &req.to_account)?;
        check_len(
            "MsgKeyList",
            &req.msg_key_list,
            bounds::MAX_ITEMS_PER_REQUEST,
        )?;
        let mut changes = Vec::new();
        for key in &req.msg_key_list {
            let Some(parsed) = parse_msg_key(key) else {
                return refuse(
                    codes::INVALID_PARAMETER,
                    format!("MsgKey {key:?} is not <sequence>_<random>_<time>"),
                );
            };
            let Some(mut m) = self.find_by_key(me.app, &me.user, &req.to_account, parsed)? else {
                continue;
            };
            if changes
                .iter()
                .any(|c| matches!(c, Change::Message(x) if x.id == m.id))
            {
                continue;
            }
            if m.msg.from == me.user {
                m.state.deleted_by_sender = true;
            }
            if m.msg.to == me.user {
                m.state.deleted_by_recipient = true;
            }
            changes.push(Change::Message(m));
        }
        Ok(self.commit(me, changes, Vec::new())?)
    }
}

#[cfg(test)]
mod tests {
    use super::parse_msg_key;

    #[test]
    fn message_keys_parse_strictly() {
        assert_eq!(
            parse_msg_key("1805450003_38767517_1795629945"),
            Some((1805450003, 38767517, 1795629945))
        );
        for bad in ["", "1_2", "1_2_3_4", "a_2_3", "1__3", "-1_2_3"] {
            assert_eq!(parse_msg_key(bad), None, "{bad}");
        }
    }
}
