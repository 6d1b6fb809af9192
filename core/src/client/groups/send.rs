//! `sendMessage` to a group: `send_group_msg`, whose reply gives the
//! message its group sequence (`MsgSeq`) and server time (`MsgTime`), as
//! the official SDK uses them (docs/design/GROUPS_WIRE.md §1.1).

use std::time::Instant;

use super::super::request::{AnyRequestId, Request, RequestId};
use super::super::Client;
use crate::error::ChatError;
use crate::model::Message;
use crate::proto::group::cmd;
use crate::proto::group_msg::{GroupAtInfo, SendGroupMsgReply, SendGroupMsgRequest};
use crate::types::MessageStatus;
use crate::wire::Frame;

impl Client {
    /// Send `sending`, a group message this instance created and marked
    /// sending (the checks are `send_message`'s).
    pub(in crate::client) fn send_group_message(
        &mut self,
        now: Instant,
        id: RequestId<Message>,
        sending: Message,
    ) {
        let group_at_info = sending
            .at_user_list
            .iter()
            .map(|u| {
                if u == Message::AT_ALL {
                    GroupAtInfo {
                        group_at_all_flag: 1,
                        group_at_account: String::new(),
                    }
                } else {
                    GroupAtInfo {
                        group_at_all_flag: 0,
                        group_at_account: u.clone(),
                    }
                }
            })
            .collect();
        let body = SendGroupMsgRequest {
            from_account: sending.from.clone(),
            group_id: super::split_topic(&sending.to).0,
            random: sending.random,
            client_seq: sending.client_sequence,
            msg_priority: "Normal".to_owned(),
            msg_body: vec![sending.payload.to_elem()],
            cloud_custom_data: sending.cloud_custom_data.clone(),
            online_only_flag: 0,
            group_at_info,
            msg_client_time: sending.client_time,
            need_read_receipt: u8::from(sending.need_read_receipt),
            support_message_extension: u8::from(sending.is_support_extension),
            is_relay_msg: u8::from(matches!(sending.payload, crate::model::Payload::Merger(_))),
            from_account_nick: String::new(),
            topic_id: super::split_topic(&sending.to).1,
        };
        let timeout = self.ctx.tuning().request_timeout;
        let request = SendGroupMessage {
            id,
            message: Box::new(sending),
        };
        self.enqueue(now, cmd::SEND_MSG, &body, timeout, request);
    }
}

/// `send_group_msg` for the user's `send_message`.
#[derive(Debug)]
struct SendGroupMessage {
    id: RequestId<Message>,
    message: Box<Message>,
}

/// Like a C2C send: it waits out an outage (held, resent with the same
/// `ClientSeq` and `Random` on the next link, which the server answers
/// with the first sequence) and is listed by `pending_sends`. Not a
/// "change" for the timeout's sync: a send that times out fails without
/// the resync a change starts.
impl Request for SendGroupMessage {
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
        let reply = match status.and_then(|()| Client::reply_body::<SendGroupMsgReply>(frame)) {
            Ok(reply) => reply,
            Err(err) => return self.on_failed(client, err),
        };
        let mut sent = *self.message;
        sent.status = MessageStatus::Success;
        sent.sequence = reply.msg_seq;
        sent.time = reply.msg_time;
        client.messages.created_mut().forget(&sent.id);
        // A push of my own message (to this or another socket) at that
        // sequence is the same message.
        client.groups.first_delivery(&sent.to, sent.sequence);
        let owner = sent.from.clone();
        let sent = client.messages.upsert(&owner, sent);
        client.groups_messages_added(std::slice::from_ref(&sent));
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
