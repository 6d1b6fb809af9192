//! `openim.sendmsg`, the `msg_push` it causes, and `ws_msg_push_ack`.

use tcchat_core::proto::msgops::RevokerInfo;
use tcchat_core::proto::{
    BaseReply, MsgElem, MsgPush, PushAck, PushEvent, SendMsgReply, SendMsgRequest, WireMessage,
};
use tcchat_core::wire::{servcmd, Frame};

use std::time::Instant;

use super::limits::retry_secs;
use super::logs::{short, LogSite};
use super::notify::EVENT_C2C_MSG;
use super::refusal::Refusal;
use super::relay::RelayConv;
use super::request::check_peer;
use super::{cookie, ConnId, Engine};
use crate::codes;
use crate::store::{Appended, MessageRecord, MessageState, NewMessage, Store};

pub(crate) use crate::bounds::MAX_USER_ID_LEN;

impl<S: Store> Engine<S> {
    /// `openim.sendmsg`: store in the recipient's inbox (once per sender +
    /// recipient + `MsgSeq` + `MsgRandom`; the same key with another body is
    /// refused with 10004), reply `MsgTime` and `MsgKey`, push to the
    /// recipient's online instances and a sync copy to the sender's others.
    pub(super) fn on_sendmsg(
        &mut self,
        now: Instant,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) {
        let Some((me, req)) = self.begin::<SendMsgRequest>(unix_ms, conn, gzip, frame) else {
            return;
        };
        let head = &frame.head;
        if !req.from_account.is_empty() && req.from_account != me.user {
            let info = format!(
                "From_Account {:?} is not the logged-in user {:?}",
                req.from_account, me.user
            );
            return self
                .out
                .fail(conn, gzip, head, codes::INVALID_ACCOUNT, info);
        }
        if let Err(fail) = check_peer("To_Account", &req.to_account) {
            return self.answer_fail(conn, gzip, head, fail);
        }
        if let Err((code, info)) = check_body(&req.msg_body, &req.cloud_custom_data) {
            return self.out.fail(conn, gzip, head, code, info);
        }
        if let Err(wait) = self.msg_buckets.take(&(me.app, me.user.clone()), now) {
            // A resend of a message already stored costs nothing: it is
            // answered below with the stored message, so a client that
            // resends after a reconnect learns that it arrived. Looked up
            // only here, once the user is over the rate.
            let resend = match self.store.message(
                me.app,
                &me.user,
                &req.to_account,
                req.msg_seq,
                req.msg_random,
            ) {
                Ok(found) => found.is_some(),
                Err(err) => return self.internal_error(conn, gzip, head, &err),
            };
            if !resend {
                let refusal = Refusal::MessageRateLimited {
                    retry_after_secs: retry_secs(wait),
                };
                self.log_limited(now, LogSite::SendRateLimited, |suppressed| {
                    tracing::info!(conn = conn.0, app = me.app, user = %short(&me.user), suppressed, "message rate limit reached");
                });
                return self.refuse(conn, gzip, head, &refusal);
            }
        }
        if !self.config.auto_create_accounts {
            match self.store.account(me.app, &req.to_account) {
                Ok(Some(_)) => {}
                Ok(None) => {
                    return self.out.fail(
                        conn,
                        gzip,
                        head,
                        codes::INVALID_ACCOUNT,
                        "To_Account does not exist (accounts are imported on this server)",
                    )
                }
                Err(err) => return self.internal_error(conn, gzip, head, &err),
            }
        }
        match self.store.is_blocked(me.app, &req.to_account, &me.user) {
            Ok(false) => {}
            Ok(true) => {
                return self.out.fail(
                    conn,
                    gzip,
                    head,
                    codes::BLOCKED_BY_PEER,
                    "the recipient has blacklisted the sender",
                )
            }
            Err(err) => return self.internal_error(conn, gzip, head, &err),
        }
        let conv = RelayConv::C2c(me.user.clone(), req.to_account.clone());
        if let Err(fail) = self.grant_relays(&me, conv, &req.msg_body) {
            return self.answer_fail(conn, gzip, head, fail);
        }
        let msg_time = unix_ms / 1000;
        let sender_tiny_id: u64 = me.tiny_id.parse().unwrap_or(0);
        let msg = NewMessage {
            from: me.user.clone(),
            to: req.to_account,
            msg_seq: req.msg_seq,
            msg_random: req.msg_random,
            msg_time,
            // Without a client time the official SDK builds a broken
            // message ID; fall back to the server time.
            client_time: if req.msg_client_time == 0 {
                msg_time
            } else {
                req.msg_client_time
            },
            sender_tiny_id,
            msg_key: format!(
                "{sender_tiny_id}_{}_{}_{msg_time}",
                req.msg_seq, req.msg_random
            ),
            body: serde_json::to_string(&req.msg_body).unwrap_or_else(|_| "[]".to_owned()),
            nick: req.from_account_nick,
            cloud_custom_data: req.cloud_custom_data,
            need_read_receipt: req.is_need_read_receipt != 0,
            support_extension: req.support_message_extension != 0,
        };
        match self.store.append_message(me.app, &msg) {
            Err(err) => self.internal_error(conn, gzip, head, &err),
            Ok(Appended::Duplicate(earlier)) if !same_message(&earlier, &msg) => {
                tracing::debug!(app = me.app, from = %short(&msg.from), msg_seq = msg.msg_seq, "sendmsg key reused for another message");
                self.out.fail(
                    conn,
                    gzip,
                    head,
                    codes::INVALID_PARAMETER,
                    "MsgSeq and MsgRandom already name another message of this sender \
                     to this recipient (other content): pick a new MsgRandom",
                );
            }
            Ok(Appended::Duplicate(earlier)) => {
                tracing::debug!(app = me.app, from = %short(&msg.from), msg_seq = msg.msg_seq, "duplicate sendmsg");
                // Its first time and key, and the message as it is now: a
                // resend must not bring back the content it was created
                // with (found by the simulation, seed 44693 of `messages`).
                let reply = SendMsgReply {
                    base: BaseReply::ok(),
                    msg_time: earlier.msg.msg_time,
                    msg_key: earlier.msg.msg_key.clone(),
                    stored_msg: Some(Box::new(wire_message(&earlier))),
                };
                self.out.reply(conn, gzip, head, &reply);
            }
            Ok(Appended::New { inbox_seq, msg_id }) => {
                tracing::debug!(app = me.app, from = %short(&msg.from), to = %short(&msg.to), inbox_seq, "message stored");
                let reply = SendMsgReply {
                    base: BaseReply::ok(),
                    msg_time: msg.msg_time,
                    msg_key: msg.msg_key.clone(),
                    stored_msg: None,
                };
                self.out.reply(conn, gzip, head, &reply);
                let record = MessageRecord {
                    id: msg_id,
                    msg,
                    state: MessageState::default(),
                };
                self.deliver(unix_ms, me.app, conn, inbox_seq, &record);
            }
        }
    }

    /// Push a newly stored message to its recipient's online instances
    /// (with `NeedAck`), and a copy marked `IsSyncMsg` to the sender's other
    /// online instances.
    fn deliver(
        &mut self,
        unix_ms: u64,
        app: u64,
        from_conn: ConnId,
        inbox_seq: u64,
        record: &MessageRecord,
    ) {
        let msg = &record.msg;
        let wire = wire_message(record);
        let push = MsgPush {
            event_array: vec![c2c_event(wire.clone())],
            need_ack: 1,
            session_data: cookie::encode(self.epoch, app, &msg.to, inbox_seq),
        };
        for conn in self.online_except(unix_ms, app, &msg.to, Some(from_conn)) {
            let gzip = self.gzip(conn);
            self.out.push(conn, gzip, app, servcmd::MSG_PUSH, &push);
        }
        if msg.from != msg.to {
            let push = MsgPush {
                event_array: vec![c2c_event(WireMessage {
                    is_sync_msg: 1,
                    ..wire
                })],
                need_ack: 0,
                session_data: String::new(),
            };
            for conn in self.online_except(unix_ms, app, &msg.from, Some(from_conn)) {
                let gzip = self.gzip(conn);
                self.out.push(conn, gzip, app, servcmd::MSG_PUSH, &push);
            }
        }
    }

    /// `openim.ws_msg_push_ack`: never answered; advances the delivered
    /// cursor of the acknowledging user.
    pub(super) fn on_push_ack(&mut self, unix_ms: u64, conn: ConnId, frame: &Frame) {
        let Some(me) = self.ident(conn, &frame.head, unix_ms) else {
            return;
        };
        let Ok(ack) = frame.body_as::<PushAck>() else {
            return;
        };
        if let cookie::Position::Mine(pos) =
            cookie::decode(self.epoch, me.app, &me.user, &ack.session_data)
        {
            self.on_acked(conn, me.app, &me.user, pos);
        }
    }

    pub(super) fn gzip(&self, conn: ConnId) -> bool {
        self.conns.get(&conn).is_some_and(|c| c.query.gzip)
    }
}

/// Whether a `sendmsg` whose sender, recipient, `MsgSeq` and `MsgRandom`
/// match the stored `earlier` is a resend of it: (while the stored message
/// is unmodified, so its content is the one it was sent with) the same
/// elements and `CloudCustomData`.
fn same_message(earlier: &MessageRecord, msg: &NewMessage) -> bool {
    let stored = &earlier.msg;
    debug_assert_eq!(stored.to, msg.to, "the store keys messages by recipient");
    earlier.state.version != 0
        || (stored.body == msg.body && stored.cloud_custom_data == msg.cloud_custom_data)
}

fn c2c_event(msg: WireMessage) -> PushEvent {
    PushEvent {
        event: EVENT_C2C_MSG,
        c2c_msg_array: Some(vec![msg]),
        c2c_notify_msg_array: None,
        ..PushEvent::default()
    }
}

/// Whether `body` and `cloud_custom_data` make an acceptable message:
/// 1 to [`codes::MAX_MSG_ELEMENTS`] elements and at most
/// [`codes::MAX_MSG_BODY_BYTES`] bytes. Otherwise the code and text of the
/// refusal.
pub(super) fn check_body(body: &[MsgElem], cloud_custom_data: &str) -> Result<(), (u32, String)> {
    if body.is_empty() {
        return Err((codes::INVALID_PARAMETER, "MsgBody is empty".into()));
    }
    if body.len() > codes::MAX_MSG_ELEMENTS {
        return Err((
            codes::INVALID_PARAMETER,
            format!("MsgBody has more than {} elements", codes::MAX_MSG_ELEMENTS),
        ));
    }
    let bytes: usize = body
        .iter()
        .map(|e| e.msg_type.len() + e.msg_content.get().len())
        .sum::<usize>()
        + cloud_custom_data.len();
    if bytes > codes::MAX_MSG_BODY_BYTES {
        return Err((
            codes::MESSAGE_TOO_LONG,
            format!(
                "the message is {bytes} bytes; the limit is {}",
                codes::MAX_MSG_BODY_BYTES
            ),
        ));
    }
    Ok(())
}

/// A stored message as pushed (`C2cMsgArray`), synced (`MsgList` of
/// getmsg) and listed (`MsgList` of getroammsg): its current content and
/// flags (`MsgFlagBits` 8 with `RevokerInfo` once revoked, `MsgVersion`
/// once modified, `IsNeedReadReceipt`, `IsPeerRead` once receipted,
/// `SupportMessageExtension`).
pub(super) fn wire_message(record: &MessageRecord) -> WireMessage {
    let msg = &record.msg;
    let state = &record.state;
    WireMessage {
        from_account: msg.from.clone(),
        to_account: msg.to.clone(),
        msg_seq: msg.msg_seq,
        msg_random: msg.msg_random,
        msg_time_stamp: msg.msg_time,
        msg_client_time: msg.client_time,
        tiny_id: msg.sender_tiny_id.to_string(),
        msg_key: msg.msg_key.clone(),
        msg_body: serde_json::from_str(&msg.body).unwrap_or_default(),
        from_account_nick: msg.nick.clone(),
        cloud_custom_data: msg.cloud_custom_data.clone(),
        is_sync_msg: 0,
        msg_flag_bits: if state.revoked.is_some() {
            WireMessage::FLAG_REVOKED
        } else {
            0
        },
        revoker_info: state.revoked.as_ref().map(|r| RevokerInfo {
            revoker_account: r.by.clone(),
            reason: r.reason.clone(),
        }),
        msg_version: state.version,
        is_need_read_receipt: u8::from(msg.need_read_receipt),
        is_peer_read: u8::from(state.peer_read),
        support_message_extension: u8::from(msg.support_extension),
    }
}
