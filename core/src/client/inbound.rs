//! Frames from the server: replies matched by servcmd + seq, and pushes.

use std::time::Instant;

use serde::Deserialize;

use super::request::{LoginKind, Pending};
use super::session::Session;
use super::{Client, ConnId};
use crate::error::{ChatError, ErrorCode};
use crate::event::Event;
use crate::model::Message;
use crate::proto::{BaseReply, MsgPush, PushAck, PushEvent};
use crate::types::KickedOutType;
use crate::wire::{decode_with, servcmd, Frame};

/// The kick fields of an error reply (`ErrorCode 1002` + `KickType`).
#[derive(Deserialize)]
struct KickReply {
    #[serde(rename = "KickType", default)]
    kick_type: u32,
}

impl Client {
    /// A binary WebSocket message arrived on `conn`.
    pub fn handle_frame(&mut self, now: Instant, conn: ConnId, bytes: &[u8]) {
        if self.open_conn() != Some(conn) {
            return;
        }
        self.saw_traffic(now);
        let frame = match decode_with(bytes, self.net.limits()) {
            Ok(frame) => frame,
            Err(err) => {
                self.net.note_malformed_frame();
                if self.log_enabled(2) {
                    tracing::warn!(code = err.code(), %err, "dropping a malformed frame");
                }
                return;
            }
        };
        if let Some(pending) = self.requests.take(&frame.head.servcmd, frame.head.seq) {
            self.on_reply(now, pending, &frame);
        } else if frame.head.servcmd == servcmd::ALIVE {
            // The ping reply (or a stray one): liveness is already noted.
            self.check_reply_for_kick(now, &frame);
        } else {
            self.on_push(now, &frame);
        }
        self.flush(now);
    }

    /// A reply's body as `T`, or why it is unusable: 2903 naming the
    /// command (as the official SDK fails on a reply it cannot read).
    pub(crate) fn reply_body<T: serde::de::DeserializeOwned>(
        frame: &Frame,
    ) -> Result<T, ChatError> {
        frame.body_as::<T>().map_err(|e| {
            ChatError::new(
                ErrorCode::UNCAUGHT_ERROR,
                format!("unreadable {} reply: {e}", frame.head.servcmd),
            )
        })
    }

    /// ErrorCode 70001/20002 in a reply while logged in, or 1002 with a
    /// `KickType`: the user is forced offline. Returns whether it was.
    fn check_reply_for_kick(&mut self, now: Instant, frame: &Frame) -> bool {
        let Ok(base) = Self::reply_body::<BaseReply>(frame) else {
            return false;
        };
        let code = ErrorCode(base.error_code);
        if code.is_sig_expired() && matches!(self.session, Session::Ready(_)) {
            self.kicked(now, KickedOutType::UserSigExpired);
            return true;
        }
        if code == ErrorCode::HELLO_ANSWER_KICKED_OUT {
            let kind = frame
                .body_as::<KickReply>()
                .ok()
                .and_then(|k| KickedOutType::from_kick_type(k.kick_type))
                .unwrap_or(KickedOutType::MultipleAccount);
            self.kicked(now, kind);
            return true;
        }
        false
    }

    fn on_reply(&mut self, now: Instant, pending: Pending, frame: &Frame) {
        // A first login's errors belong to the caller. Anything else —
        // including a re-login, whose session another login may have taken
        // over while this link was down — may carry a kick.
        let kick = match pending.purpose.login() {
            Some(LoginKind::First) => false,
            Some(LoginKind::Again { .. }) => {
                let kicked_code = Self::reply_body::<BaseReply>(frame)
                    .is_ok_and(|b| ErrorCode(b.error_code) == ErrorCode::HELLO_ANSWER_KICKED_OUT);
                kicked_code && self.check_reply_for_kick(now, frame)
            }
            None => self.check_reply_for_kick(now, frame),
        };
        if kick {
            let err = ChatError::new(ErrorCode::LOGGED_OUT, "kicked out");
            pending.purpose.on_failed(self, err);
            return;
        }
        let status = Self::reply_body::<BaseReply>(frame).and_then(|base| {
            if base.error_code == 0 {
                Ok(())
            } else {
                Err(ChatError::new(ErrorCode(base.error_code), base.error_info))
            }
        });
        pending.purpose.on_reply(self, now, status, frame);
    }

    pub(crate) fn wire_to_message(&self, wire: &crate::proto::WireMessage) -> Message {
        let mut message = Message::from_wire(wire, self.session.user().unwrap_or_default());
        self.localize_payload(&mut message.payload);
        message
    }

    /// Keep the messages not seen before, in order.
    fn accept_messages(&mut self, messages: Vec<Message>) -> Vec<Message> {
        let owner = self.current_user();
        let mut fresh = Vec::with_capacity(messages.len());
        for m in messages {
            if self.messages.insert_new(&owner, m.clone()) {
                fresh.push(m);
            } else {
                self.net.note_duplicate_message();
            }
        }
        fresh
    }

    fn on_push(&mut self, now: Instant, frame: &Frame) {
        let cmd = servcmd::cmd_of(&frame.head.servcmd);
        if cmd != "msg_push" && cmd != "stat_forceoffline" {
            if self.log_enabled(0) {
                tracing::debug!(servcmd = %frame.head.servcmd, "ignoring an unknown push");
            }
            return;
        }
        let push = match frame.body_as::<MsgPush>() {
            Ok(push) => push,
            Err(err) => {
                self.net.note_malformed_frame();
                if self.log_enabled(2) {
                    tracing::warn!(code = err.code(), %err, "dropping a malformed push");
                }
                return;
            }
        };
        if !self.session.is_live() {
            // Pushes only make sense for a live session. Not acking it
            // leaves the message on the server, which delivers it with the
            // next sync (found by the simulation: acking and then dropping
            // lost the message).
            return;
        }
        if push.need_ack == 1 {
            let ack = PushAck {
                session_data: push.session_data.clone(),
            };
            self.send_oneway(now, servcmd::PUSH_ACK, &ack);
        }
        self.apply_push_events(now, &push.event_array);
    }

    /// Handle the items of a push's `EventArray`, or of a getmsg reply's
    /// (the notifications queued while offline): one code path whatever
    /// carried them. Messages are delivered in one MESSAGE_RECEIVED per run
    /// of message items, before any notification that follows them (which
    /// may name them); a kick-out is applied last.
    pub(crate) fn apply_push_events(&mut self, now: Instant, items: &[PushEvent]) {
        let mut received = Vec::new();
        let mut kick = None;
        for item in items {
            if let Some(list) = &item.c2c_msg_array {
                received.extend(list.iter().map(|w| self.wire_to_message(w)));
            }
            if let Some(list) = &item.group_msg_array {
                let group = self.group_messages_of(now, list);
                received.extend(group);
            }
            if let Some(tips) = &item.group_tips {
                self.on_group_tips(now, item.event, tips, &mut received);
            }
            let notifies = item.c2c_notify_msg_array.is_some()
                || item.c2c_msg_mod_notifys.is_some()
                || item.group_msg_mod_notifys.is_some()
                || item.msg_extension_notify.is_some()
                || item.c2c_msg_info.is_some()
                || item.recent_contact_mod.is_some()
                || item.friend_list_mod.is_some()
                || item.user_status_list.is_some()
                || item.follow_list_mod.is_some();
            if notifies {
                self.deliver_received(std::mem::take(&mut received));
            }
            for notify in item.c2c_notify_msg_array.iter().flatten() {
                if let Some(k) = &notify.kickout_msg_notify {
                    kick = KickedOutType::from_kick_type(k.kick_type).or(kick);
                }
                if let Some(n) = &notify.withdraw_c2c_msg_notify {
                    self.on_withdraw_notify(now, n);
                }
                if let Some(n) = &notify.c2c_readed_receipt {
                    self.on_readed_receipt(n);
                }
                if let Some(n) = &notify.read_c2c_msg_notify {
                    self.on_read_sync_notify(n);
                }
                if let Some(n) = &notify.read_group_msg_notify {
                    self.on_group_read_sync_notify(n);
                }
            }
            if let Some(mods) = &item.c2c_msg_mod_notifys {
                self.on_modify_notifies(mods);
            }
            if let Some(mods) = &item.group_msg_mod_notifys {
                self.on_group_modify_notifies(mods);
            }
            if let Some(n) = &item.msg_extension_notify {
                self.on_extension_notify(n);
            }
            if let Some(mods) = &item.recent_contact_mod {
                self.conv_on_recent_contact_mod(mods);
            }
            if let Some(mods) = &item.friend_list_mod {
                self.presence_on_friend_list_mod(mods);
            }
            if let Some(list) = &item.user_status_list {
                self.presence_on_user_statuses(list);
            }
            if let Some(mods) = &item.follow_list_mod {
                self.follow_on_list_mod(mods);
            }
            if item.event == PushEvent::READ_RECEIPT {
                self.on_read_receipt_notify(item);
            }
            if let Some(mods) = &item.profile_data_mod {
                self.on_profile_data_mod(now, mods);
            }
            if let Some(mods) = &item.friend_list_mod {
                self.on_friend_list_mod(now, mods);
            }
        }
        self.deliver_received(received);
        if let Some(kind) = kick {
            self.kicked(now, kind);
        }
    }

    /// Keep the messages not seen before and emit them in one
    /// MESSAGE_RECEIVED.
    pub(super) fn deliver_received(&mut self, mut received: Vec<Message>) {
        if received.is_empty() {
            return;
        }
        self.fill_sender_profiles(&mut received);
        let fresh = self.accept_messages(received);
        if !fresh.is_empty() {
            self.groups_messages_added(&fresh);
            self.conv_messages_added(&fresh);
            self.emit(Event::MessageReceived(fresh));
        }
    }
}
