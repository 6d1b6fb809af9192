//! `sendMessage`: the request, its reply and its failure.

use std::time::Instant;

use super::request::{AnyRequestId, Request, RequestId};
use super::Client;
use crate::error::{ChatError, ErrorCode};
use crate::model::Message;
use crate::proto::SendMsgReply;
use crate::types::MessageStatus;
use crate::wire::Frame;

impl Client {
    /// `sendMessage(message)`: send a message this instance created. The
    /// result arrives as a [`Completion`](super::Completion): the message as sent (status
    /// `success`, `time` from the server).
    pub fn send_message(
        &mut self,
        now: Instant,
        message: &Message,
    ) -> Result<RequestId<Message>, ChatError> {
        self.require_ready("sendMessage")?;
        let Some(created) = self.messages.created().get(&message.id).cloned() else {
            let owner = self.login_user().unwrap_or_default();
            let code = if self.messages.get(owner, &message.id).is_some() {
                ErrorCode::MSG_ONPROGRESS_ERR
            } else {
                ErrorCode::MSG_INSTANCE_REQUIRED
            };
            return Err(self.api_error(
                code,
                "the message was not created by this instance, or was already sent",
            ));
        };
        if created.status != MessageStatus::Unsent && created.status != MessageStatus::Fail {
            return Err(self.api_error(
                ErrorCode::MSG_ONPROGRESS_ERR,
                "the message is already being sent",
            ));
        }
        self.check_capacity()?;
        let mut sending = created;
        sending.status = MessageStatus::Sending;
        self.messages.created_mut().update(sending.clone());
        if self.needs_upload(&sending) {
            return Ok(self.start_upload(now, sending));
        }
        if self.needs_relay(&sending) {
            return Ok(self.start_relay(now, sending));
        }
        let id = self.next_request_id();
        self.dispatch_send(now, id, sending);
        Ok(id)
    }

    /// Queue the send request of `sending` (C2C or group) under `id`.
    pub(super) fn dispatch_send(&mut self, now: Instant, id: RequestId<Message>, sending: Message) {
        if sending.conversation_type == crate::types::ConversationType::Group {
            return self.send_group_message(now, id, sending);
        }
        let body = crate::proto::SendMsgRequest {
            from_account: sending.from.clone(),
            to_account: sending.to.clone(),
            msg_seq: sending.sequence,
            msg_random: sending.random,
            msg_body: vec![sending.payload.to_elem()],
            msg_client_time: sending.client_time,
            cloud_custom_data: sending.cloud_custom_data.clone(),
            is_need_read_receipt: u8::from(sending.need_read_receipt),
            support_message_extension: u8::from(sending.is_support_extension),
            // 1 for a merger, as the official SDK sends it (interop_merger).
            is_relay_msg: u8::from(matches!(sending.payload, crate::model::Payload::Merger(_))),
            ..Default::default()
        };
        let timeout = self.ctx.tuning().request_timeout;
        let request = SendMessage {
            id,
            message: Box::new(sending),
        };
        self.enqueue(now, crate::wire::servcmd::SEND_C2C, &body, timeout, request);
    }
}

/// `openim.sendmsg` for the user's `send_message`: the message as sent.
#[derive(Debug)]
pub(super) struct SendMessage {
    pub(super) id: RequestId<Message>,
    pub(super) message: Box<Message>,
}

impl Request for SendMessage {
    /// A send waits out an outage, like every change. It is not a
    /// `is_change` request: a send that timed out on a live link fails
    /// (its message is marked failed) without the resync a change starts.
    fn holds_through_outage(&self) -> bool {
        true
    }

    fn pending_send(&self) -> Option<(AnyRequestId, &Message)> {
        Some((self.id.erased(), &self.message))
    }

    fn on_reply(
        self: Box<Self>,
        client: &mut Client,
        _now: Instant,
        status: Result<(), ChatError>,
        frame: &Frame,
    ) {
        let reply = status.and_then(|()| Client::reply_body::<SendMsgReply>(frame));
        let reply = match reply {
            Ok(reply) => reply,
            Err(err) => return self.on_failed(client, err),
        };
        let mut sent = *self.message;
        sent.status = MessageStatus::Success;
        sent.time = reply.msg_time;
        client.messages.created_mut().forget(&sent.id);
        let owner = sent.from.clone();
        // A resend of a message the server already held comes back with its
        // stored state, which may be newer than the copy it was created as.
        if let Some(stored) = &reply.stored_msg {
            let stored = client.wire_to_message(stored);
            if stored.id == sent.id {
                sent.adopt_newer_state(&stored);
            }
        }
        let sent = client.messages.upsert(&owner, sent);
        client.conv_messages_added(std::slice::from_ref(&sent));
        client.complete(self.id, Ok(sent));
    }

    fn on_failed(self: Box<Self>, client: &mut Client, err: ChatError) {
        let mut message = *self.message;
        message.status = MessageStatus::Fail;
        client.messages.created_mut().update(message);
        client.complete(self.id, Err(err));
    }
}
