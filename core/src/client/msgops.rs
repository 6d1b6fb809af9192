//! Message operations: revoke (`openim.msgwithdraw`; groups:
//! `group_open_http_svc.group_msg_recall`), modify (`openim.modify_c2c_msg`;
//! groups: `openim.modify_group_msg`) and delete
//! (`openim.delete_c2c_msg_ramble`; groups:
//! `group_open_http_svc.delete_group_ramble_msg_by_seq`), with the pushes
//! that tell the peer, the other members and the user's other instances:
//! `WithdrawC2cMsgNotify` and the Event 5 `GroupWithdrawInfoArray`
//! (MESSAGE_REVOKED), `C2cMsgModNotifys` and `GroupMsgModNotifys`
//! (MESSAGE_MODIFIED). The read report is in `reads.rs`.
//!
//! Who learns what, as the official SDK: the operator from its reply (no
//! MESSAGE_REVOKED for one's own revoke; MESSAGE_MODIFIED for one's own
//! modification), everyone else from pushes. A notification about a message
//! this instance does not hold emits nothing (no event ever names a message
//! the SDK never had), and one that changes nothing (a repeated push, an
//! older version) emits nothing either.

use std::time::Instant;

use super::request::Call;
use super::{Client, RequestId};
use crate::error::{ChatError, ErrorCode, ErrorData};
use crate::event::Event;
use crate::model::{c2c_id, group_conversation_id, payload_of, Message};
use crate::proto::group_msg::MsgSeqItem;
use crate::proto::group_msgops::{
    cmd as group_cmd, GroupDeleteRequest, GroupModNotify, GroupModifyRequest, GroupRecallRequest,
    GroupWithdrawInfo, SeqText,
};
use crate::proto::msgops::{
    DeleteMsgRequest, ModifyReply, ModifyRequest, MsgRef, RevokerInfo, WithdrawNotify,
    WithdrawRequest,
};
use crate::proto::{ModNotify, MsgElem};
use crate::types::{ConversationType, MessageStatus};
use crate::wire::{servcmd, Frame};

impl Client {
    /// Most messages one `delete_message` call takes.
    pub const MAX_DELETE_MESSAGES: usize = 30;

    // ----- shared checks ---------------------------------------------------

    /// The held copy of `message`, for an operation on it: the user must be
    /// ready (2024/3000/3005), the message C2C (2106), held by this instance
    /// for this user (2105) and sent (`not_sent`).
    pub(crate) fn held_for_op(
        &mut self,
        api: &str,
        message: &Message,
        not_sent: ErrorCode,
    ) -> Result<Message, ChatError> {
        self.require_ready(api)?;
        if message.conversation_type != ConversationType::C2c {
            return Err(self.api_error(
                ErrorCode::MSG_INVALID_CONV_TYPE,
                format!("{api}: only C2C messages are supported yet"),
            ));
        }
        self.held_sent(api, message, not_sent)
    }

    /// [`held_for_op`](Client::held_for_op) for revoke, modify and delete,
    /// which take group messages too.
    pub(crate) fn held_for_msg_op(
        &mut self,
        api: &str,
        message: &Message,
        not_sent: ErrorCode,
    ) -> Result<Message, ChatError> {
        self.require_ready(api)?;
        if !matches!(
            message.conversation_type,
            ConversationType::C2c | ConversationType::Group
        ) {
            return Err(self.api_error(
                ErrorCode::MSG_INVALID_CONV_TYPE,
                format!("{api}: only C2C and group messages are supported"),
            ));
        }
        self.held_sent(api, message, not_sent)
    }

    /// The held, sent copy of `message` (2105, `not_sent`).
    fn held_sent(
        &mut self,
        api: &str,
        message: &Message,
        not_sent: ErrorCode,
    ) -> Result<Message, ChatError> {
        let owner = self.current_user();
        match self.messages.get(&owner, &message.id) {
            Some(held) if held.status == MessageStatus::Success => Ok(held.clone()),
            Some(_) => Err(self.api_error(not_sent, format!("{api}: the message was not sent"))),
            None if self.messages.created().contains(&message.id) => Err(self.api_error(
                not_sent,
                format!("{api}: the message has not been sent yet"),
            )),
            None => Err(self.api_error(
                ErrorCode::MSG_INSTANCE_REQUIRED,
                format!(
                    "{api}: message {:?} is not one this SDK holds for the user",
                    message.id
                ),
            )),
        }
    }

    /// Change a held message and tell the conversation list; returns the
    /// message as it is now.
    pub(crate) fn change_message(
        &mut self,
        owner: &str,
        id: &str,
        f: impl FnOnce(&mut Message),
    ) -> Option<Message> {
        let changed = self.messages.update(owner, id, f)?.clone();
        self.conv_message_changed(&changed);
        Some(changed)
    }

    // ----- revoke ----------------------------------------------------------

    /// `revokeMessage(message)`: revoke a sent C2C or group message.
    /// Completes with the message (`is_revoked` set); the peer (the other
    /// members) and the user's other instances get MESSAGE_REVOKED, this
    /// instance does not. In a group the sender, the owner and admins may
    /// revoke (10007 otherwise); the server may limit how old a message can
    /// be (20016 C2C, 10031 group).
    pub fn revoke_message(
        &mut self,
        now: Instant,
        message: &Message,
    ) -> Result<RequestId<Message>, ChatError> {
        let held = self.held_for_msg_op("revokeMessage", message, ErrorCode::MSG_REVOKE_FAIL)?;
        self.check_capacity()?;
        if held.conversation_type == ConversationType::Group {
            let body = GroupRecallRequest {
                group_id: held.to.clone(),
                msg_seq_list: vec![MsgSeqItem {
                    msg_seq: held.sequence,
                }],
                topic_id: String::new(),
            };
            return Ok(self.enqueue_command(now, group_cmd::RECALL, &body, |id| {
                Call::change(id, move |client: &mut Client, _, id, status, _: &Frame| {
                    client.on_revoke_reply(id, held, status);
                })
            }));
        }
        let body = WithdrawRequest {
            msg_info: MsgRef {
                from_account: held.from.clone(),
                to_account: held.to.clone(),
                msg_seq: held.sequence,
                msg_random: held.random,
                msg_time_stamp: held.time,
            },
        };
        Ok(
            self.enqueue_command(now, servcmd::MSG_WITHDRAW, &body, |id| {
                Call::change(id, move |client: &mut Client, _, id, status, _: &Frame| {
                    client.on_revoke_reply(id, held, status);
                })
            }),
        )
    }

    pub(crate) fn on_revoke_reply(
        &mut self,
        id: RequestId<Message>,
        message: Message,
        result: Result<(), ChatError>,
    ) {
        if let Err(err) = result {
            self.complete(id, Err(err));
            return;
        }
        let owner = self.current_user();
        let revoker = owner.clone();
        let revoke = |m: &mut Message| {
            m.is_revoked = true;
            if m.revoker.is_empty() {
                m.revoker = revoker.clone();
            }
        };
        let revoked = match self.change_message(&owner, &message.id, revoke) {
            Some(m) => m,
            None => {
                let mut m = message;
                m.is_revoked = true;
                m.revoker = owner;
                m
            }
        };
        self.complete(id, Ok(revoked));
    }

    /// `WithdrawC2cMsgNotify`: messages revoked by the peer or by another
    /// instance of this user. Matched by conversation, sequence and random
    /// (as the official SDK).
    pub(crate) fn on_withdraw_notify(&mut self, now: Instant, notify: &WithdrawNotify) {
        let owner = self.current_user();
        let mut revoked = Vec::new();
        for info in &notify.c2c_withdraw_info_array {
            let peer = if info.msg.from_account == owner {
                &info.msg.to_account
            } else {
                &info.msg.from_account
            };
            let conv = c2c_id(peer);
            let held = self
                .messages
                .messages_in(&owner, &conv)
                .find(|m| m.sequence == info.msg.msg_seq && m.random == info.msg.msg_random)
                .map(|m| (m.id.clone(), m.is_revoked));
            let from_peer = info.msg.from_account != owner;
            let target = match held {
                Some((id, false)) => {
                    if from_peer {
                        // Counted here if it arrived live, never if it came
                        // from history: the same rule as for one not held.
                        self.conv_peer_revoked(now, &conv, &id);
                    }
                    id
                }
                // Held and already revoked: a repeated notice, nothing to do.
                Some((_, true)) => continue,
                None => {
                    if from_peer {
                        let id = Message::make_id(
                            &info.tiny_id,
                            info.msg_client_time,
                            info.msg.msg_random,
                        );
                        self.conv_peer_revoked(now, &conv, &id);
                    }
                    continue;
                }
            };
            revoked.extend(self.mark_revoked(&owner, &target, &info.revoker_info));
        }
        if !revoked.is_empty() {
            self.emit(Event::MessageRevoked(revoked));
        }
    }

    /// Mark the held message `id` revoked by `who` (its sender when `who`
    /// names nobody); the message as it is now, if held.
    fn mark_revoked(&mut self, owner: &str, id: &str, who: &RevokerInfo) -> Option<Message> {
        self.change_message(owner, id, |m| {
            m.is_revoked = true;
            m.revoker = if who.revoker_account.is_empty() {
                m.from.clone()
            } else {
                who.revoker_account.clone()
            };
            m.revoke_reason = who.reason.clone();
        })
    }

    /// Event 5 `GroupWithdrawInfoArray`: group messages revoked by a member
    /// or by another instance of this user. Matched by group, sequence and
    /// random; a message not held, or held revoked already, emits nothing.
    pub(crate) fn on_group_withdraw(&mut self, infos: &[GroupWithdrawInfo]) {
        let owner = self.current_user();
        let mut revoked = Vec::new();
        for info in infos {
            let conv = group_conversation_id(&info.group_id);
            let target = self
                .messages
                .messages_in(&owner, &conv)
                .find(|m| m.sequence == info.msg_seq && m.random == info.msg_random)
                .filter(|m| !m.is_revoked)
                .map(|m| m.id.clone());
            let Some(target) = target else {
                continue;
            };
            revoked.extend(self.mark_revoked(&owner, &target, &info.revoker_info));
        }
        if !revoked.is_empty() {
            self.emit(Event::MessageRevoked(revoked));
        }
    }

    // ----- modify ----------------------------------------------------------

    /// `modifyMessage(message)`: replace a sent C2C or group message's
    /// payload and `cloud_custom_data` with those of `message` (in a group,
    /// any member who holds it may). The server checks the
    /// version this instance holds; on success this instance emits
    /// MESSAGE_MODIFIED and completes with the message as the server now holds it; on
    /// a conflict it applies the server's version (MESSAGE_MODIFIED) and
    /// fails with 2480 carrying that version.
    pub fn modify_message(
        &mut self,
        now: Instant,
        message: &Message,
    ) -> Result<RequestId<Message>, ChatError> {
        let held = self.held_for_msg_op("modifyMessage", message, ErrorCode::INVALID_OPERATION)?;
        self.check_payload_size(&message.payload)?;
        if message.cloud_custom_data.len() > Self::MAX_MESSAGE_BYTES {
            return Err(self.api_error(
                ErrorCode::MSG_TOO_LONG,
                format!(
                    "modifyMessage: cloudCustomData is over {} bytes",
                    Self::MAX_MESSAGE_BYTES
                ),
            ));
        }
        self.check_capacity()?;
        if held.conversation_type == ConversationType::Group {
            let body = GroupModifyRequest {
                group_id: held.to.clone(),
                topic_id: String::new(),
                msg_seq: held.sequence,
                msg_version: held.version,
                msg_body: vec![message.payload.to_elem()],
                cloud_custom_data: message.cloud_custom_data.clone(),
            };
            return Ok(self.enqueue_command(now, group_cmd::MODIFY, &body, |id| {
                Call::change(
                    id,
                    move |client: &mut Client, _, id, status, frame: &Frame| {
                        client.on_modify_reply(id, held, frame, status);
                    },
                )
            }));
        }
        let body = ModifyRequest {
            from_account: held.from.clone(),
            to_account: held.to.clone(),
            msg_seq: held.sequence,
            msg_random: held.random,
            msg_time: held.time,
            msg_version: held.version,
            msg_body: vec![message.payload.to_elem()],
            cloud_custom_data: message.cloud_custom_data.clone(),
        };
        Ok(self.enqueue_command(now, servcmd::MODIFY_C2C, &body, |id| {
            Call::change(
                id,
                move |client: &mut Client, _, id, status, frame: &Frame| {
                    client.on_modify_reply(id, held, frame, status);
                },
            )
        }))
    }

    /// Apply a version of a held message (from a modify reply or push) if
    /// it is newer than the one held; returns the message as it is now and
    /// whether it changed. A message no longer held is updated as a copy.
    fn apply_version(
        &mut self,
        fallback: &Message,
        body: &[MsgElem],
        cloud_custom_data: &str,
        version: u64,
    ) -> (Message, bool) {
        let owner = self.current_user();
        let apply = |m: &mut Message| {
            m.payload = payload_of(body);
            m.msg_type = m.payload.msg_type().to_owned();
            m.cloud_custom_data = cloud_custom_data.to_owned();
            m.version = version;
            m.is_modified = true;
        };
        match self.messages.get(&owner, &fallback.id) {
            Some(held) if held.version >= version => (held.clone(), false),
            Some(_) => {
                let changed = self.change_message(&owner, &fallback.id, apply);
                (changed.unwrap_or_else(|| fallback.clone()), true)
            }
            None => {
                let mut copy = fallback.clone();
                if copy.version < version {
                    apply(&mut copy);
                }
                (copy, false)
            }
        }
    }

    pub(crate) fn on_modify_reply(
        &mut self,
        id: RequestId<Message>,
        message: Message,
        frame: &Frame,
        result: Result<(), ChatError>,
    ) {
        let conflict =
            matches!(&result, Err(e) if e.code == ErrorCode::SERVER_MSG_VERSION_CONFLICT);
        if let (Err(err), false) = (&result, conflict) {
            self.complete(id, Err(err.clone()));
            return;
        }
        let reply = match Self::reply_body::<ModifyReply>(frame) {
            Ok(r) => r,
            Err(err) => {
                self.complete(id, Err(err));
                return;
            }
        };
        if reply.msg_body.is_empty() {
            // The official SDK rejects a reply without the message it now
            // holds with 2903 too.
            let err = if conflict {
                ChatError::new(
                    ErrorCode::MSG_MODIFY_CONFLICT,
                    "the server holds another version of the message (not sent back)",
                )
            } else {
                ChatError::new(
                    ErrorCode::UNCAUGHT_ERROR,
                    "modify_c2c_msg reply lacks MsgBody",
                )
            };
            self.complete(id, Err(err));
            return;
        }
        let (now_held, changed) = self.apply_version(
            &message,
            &reply.msg_body,
            &reply.cloud_custom_data,
            reply.msg_version,
        );
        if changed {
            self.emit(Event::MessageModified(vec![now_held.clone()]));
        }
        if conflict {
            let info = result.err().map(|e| e.message).unwrap_or_default();
            let err = ChatError::new(
                ErrorCode::MSG_MODIFY_CONFLICT,
                format!("the server holds version {}: {info}", reply.msg_version),
            )
            .with_data(ErrorData::Message(Box::new(now_held)));
            self.complete(id, Err(err));
        } else {
            self.complete(id, Ok(now_held));
        }
    }

    /// `C2cMsgModNotifys`: messages modified by the peer or by another
    /// instance of this user; applied when the version is newer than the
    /// one held.
    pub(crate) fn on_modify_notifies(&mut self, notifies: &[ModNotify]) {
        let owner = self.current_user();
        let mut modified = Vec::new();
        for n in notifies {
            let peer = if n.from_account == owner {
                &n.to_account
            } else {
                &n.from_account
            };
            let conv = c2c_id(peer);
            let target = self
                .messages
                .messages_in(&owner, &conv)
                .find(|m| {
                    m.has_dedup_parts(
                        &n.from_account,
                        &n.to_account,
                        n.msg_random,
                        n.msg_seq,
                        n.msg_time_stamp,
                    )
                })
                .cloned();
            let Some(target) = target else {
                continue;
            };
            let (now_held, changed) =
                self.apply_version(&target, &n.msg_body, &n.cloud_custom_data, n.msg_version);
            if changed {
                if self.log_enabled(1) {
                    tracing::info!(
                        local = target.version,
                        remote = n.msg_version,
                        "message modified"
                    );
                }
                modified.push(now_held);
            }
        }
        if !modified.is_empty() {
            self.emit(Event::MessageModified(modified));
        }
    }

    /// `GroupMsgModNotifys`: group messages modified by a member or by
    /// another instance of this user; applied when the version is newer
    /// than the one held.
    pub(crate) fn on_group_modify_notifies(&mut self, notifies: &[GroupModNotify]) {
        let owner = self.current_user();
        let mut modified = Vec::new();
        for n in notifies {
            let conv = group_conversation_id(&n.group_id);
            let target = self
                .messages
                .messages_in(&owner, &conv)
                .find(|m| {
                    m.has_dedup_parts(
                        &n.from_account,
                        &n.group_id,
                        n.msg_random,
                        n.msg_seq,
                        n.msg_time_stamp,
                    )
                })
                .cloned();
            let Some(target) = target else {
                continue;
            };
            let (now_held, changed) =
                self.apply_version(&target, &n.msg_body, &n.cloud_custom_data, n.msg_version);
            if changed {
                modified.push(now_held);
            }
        }
        if !modified.is_empty() {
            self.emit(Event::MessageModified(modified));
        }
    }

    // ----- delete ----------------------------------------------------------

    /// `deleteMessage(messageList)`: delete sent or received messages of one
    /// C2C or group conversation from this user's history (at most
    /// [`MAX_DELETE_MESSAGES`](Client::MAX_DELETE_MESSAGES)). Completes with
    /// the messages (`is_deleted` set); they leave the
    /// store. No other instance is told (as the official SDK).
    pub fn delete_message(
        &mut self,
        now: Instant,
        messages: &[Message],
    ) -> Result<RequestId<Vec<Message>>, ChatError> {
        const API: &str = "deleteMessage";
        self.require_ready(API)?;
        if messages.is_empty() || messages.len() > Self::MAX_DELETE_MESSAGES {
            return Err(self.api_error(
                ErrorCode::INVALID_OPERATION,
                format!(
                    "{API}: give 1 to {} messages, not {}",
                    Self::MAX_DELETE_MESSAGES,
                    messages.len()
                ),
            ));
        }
        let mut held = Vec::with_capacity(messages.len());
        for m in messages {
            let h = self.held_for_msg_op(API, m, ErrorCode::MSG_DELETE_FAIL)?;
            if held.iter().any(|x: &Message| x.id == h.id) {
                continue;
            }
            held.push(h);
        }
        let conv = held[0].conversation_id.clone();
        if held.iter().any(|m| m.conversation_id != conv) {
            return Err(self.api_error(
                ErrorCode::MSG_DELETE_FAIL,
                format!("{API}: the messages belong to more than one conversation"),
            ));
        }
        self.check_capacity()?;
        if held[0].conversation_type == ConversationType::Group {
            let body = GroupDeleteRequest {
                group_id: held[0].to.clone(),
                deleter_account: self.current_user(),
                seqs: held.iter().map(|m| SeqText(Some(m.sequence))).collect(),
                topic_id: String::new(),
            };
            return Ok(self.enqueue_command(now, group_cmd::DELETE, &body, |id| {
                Call::change(id, move |client: &mut Client, _, id, status, _: &Frame| {
                    client.on_delete_reply(id, held, status);
                })
            }));
        }
        let body = DeleteMsgRequest {
            from_account: self.current_user(),
            to_account: held[0].peer().to_owned(),
            msg_key_list: held.iter().map(Message::msg_key).collect(),
        };
        Ok(self.enqueue_command(now, servcmd::DELETE_C2C, &body, |id| {
            Call::change(id, move |client: &mut Client, _, id, status, _: &Frame| {
                client.on_delete_reply(id, held, status);
            })
        }))
    }

    pub(crate) fn on_delete_reply(
        &mut self,
        id: RequestId<Vec<Message>>,
        messages: Vec<Message>,
        result: Result<(), ChatError>,
    ) {
        if let Err(err) = result {
            self.complete(id, Err(err));
            return;
        }
        let owner = self.current_user();
        let mut deleted = Vec::with_capacity(messages.len());
        for m in messages {
            let mut gone = self.messages.remove(&owner, &m.id).unwrap_or(m);
            gone.is_deleted = true;
            self.conv_message_changed(&gone);
            deleted.push(gone);
        }
        self.complete(id, Ok(deleted));
    }
}
