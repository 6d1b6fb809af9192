//! C2C read receipts: `sendMessageReadReceipt`
//! (`openim.c2c_msg_read_receipt`), `getMessageReadReceiptList` (local for
//! C2C; groups ask `get_group_msg_receipt`, `groups/receipts.rs`) and the
//! Event 16 push that gives the sender MESSAGE_READ_RECEIPT_RECEIVED.

use std::time::Instant;

use super::request::Call;
use super::{Client, RequestId};
use crate::error::{ChatError, ErrorCode};
use crate::event::Event;
use crate::model::{Message, ReadReceiptInfo};
use crate::proto::msgops::{ReadReceiptRequest, ReceiptMsgInfo};
use crate::proto::PushEvent;
use crate::types::Flow;
use crate::wire::{servcmd, Frame};

impl Client {
    /// Most messages one `send_message_read_receipt` or
    /// `get_message_read_receipt_list` call takes.
    pub const MAX_RECEIPT_MESSAGES: usize = 30;

    /// `sendMessageReadReceipt(messageList)`: tell the sender of these
    /// incoming C2C messages (one conversation) that they were read. Group
    /// messages (one group) go out as `group_msg_receipt` by sequence; the
    /// sender gets the new totals (docs/GROUPS.md). Only
    /// messages sent with `need_read_receipt` count; when none does, the
    /// call fails with 2114 and sends nothing. Completes with `()`; the
    /// sender gets
    /// MESSAGE_READ_RECEIPT_RECEIVED.
    pub fn send_message_read_receipt(
        &mut self,
        now: Instant,
        messages: &[Message],
    ) -> Result<RequestId<()>, ChatError> {
        const API: &str = "sendMessageReadReceipt";
        if messages
            .first()
            .is_some_and(|m| m.conversation_type == crate::types::ConversationType::Group)
        {
            return self.send_group_read_receipt(now, messages);
        }
        let held = self.held_list(API, messages)?;
        let wanted: Vec<&Message> = held
            .iter()
            .filter(|m| m.flow == Flow::In && m.need_read_receipt)
            .collect();
        let Some(first) = wanted.first() else {
            return Err(self.api_error(
                ErrorCode::READ_RECEIPT_MSG_LIST_EMPTY,
                format!("{API}: no incoming message here asked for a read receipt"),
            ));
        };
        let peer = first.from.clone();
        if wanted.iter().any(|m| m.from != peer) {
            return Err(self.api_error(
                ErrorCode::INVALID_OPERATION,
                format!("{API}: the messages belong to more than one conversation"),
            ));
        }
        self.check_capacity()?;
        let body = ReadReceiptRequest {
            peer_account: peer,
            c2c_msg_info: wanted
                .iter()
                .map(|m| ReceiptMsgInfo {
                    from_account: m.from.clone(),
                    to_account: m.to.clone(),
                    msg_seq: m.sequence,
                    msg_random: m.random,
                    msg_time: m.time,
                    msg_client_time: m.client_time,
                    tiny_id: String::new(),
                })
                .collect(),
        };
        Ok(
            self.enqueue_command(now, servcmd::C2C_READ_RECEIPT, &body, |id| {
                Call::change(id, |client: &mut Client, _, id, status, _: &Frame| {
                    client.complete(id, status);
                })
            }),
        )
    }

    /// The held copies of 1 to [`MAX_RECEIPT_MESSAGES`] messages (each
    /// checked as [`held_for_op`](Client::held_for_op)).
    ///
    /// [`MAX_RECEIPT_MESSAGES`]: Client::MAX_RECEIPT_MESSAGES
    fn held_list(&mut self, api: &str, messages: &[Message]) -> Result<Vec<Message>, ChatError> {
        self.require_ready(api)?;
        if messages.is_empty() || messages.len() > Self::MAX_RECEIPT_MESSAGES {
            return Err(self.api_error(
                ErrorCode::INVALID_OPERATION,
                format!(
                    "{api}: give 1 to {} messages, not {}",
                    Self::MAX_RECEIPT_MESSAGES,
                    messages.len()
                ),
            ));
        }
        messages
            .iter()
            .map(|m| self.held_for_op(api, m, ErrorCode::INVALID_OPERATION))
            .collect()
    }

    /// `getMessageReadReceiptList(messageList)`: the held copies of 1 to
    /// [`MAX_RECEIPT_MESSAGES`](Client::MAX_RECEIPT_MESSAGES) messages of
    /// one conversation, with their `read_receipt_info`.
    ///
    /// C2C: `is_peer_read` says whether the receiver sent a receipt;
    /// answered locally (the request completes on the next poll, nothing is
    /// sent). Group: the server is asked (`get_group_msg_receipt`) for the
    /// `read_count` and `unread_count` of this user's messages sent with
    /// `need_read_receipt`; the others come back as held. Errors: 2105 for a
    /// message not held, 2106 for another conversation type, 2905 (invalid
    /// operation) for messages of more than one group or a mix of group and
    /// C2C.
    pub fn get_message_read_receipt_list(
        &mut self,
        now: Instant,
        messages: &[Message],
    ) -> Result<RequestId<Vec<Message>>, ChatError> {
        const API: &str = "getMessageReadReceiptList";
        if messages
            .iter()
            .any(|m| m.conversation_type == crate::types::ConversationType::Group)
        {
            return self.get_group_read_receipt_list(now, messages);
        }
        let held = self.held_list(API, messages)?;
        let id = self.next_request_id();
        self.complete(id, Ok(held));
        Ok(id)
    }

    /// Event 16: the receiver `UserId` sent read receipts for messages of
    /// this user. Each held message (matched by ID
    /// `TinyId-MsgClientTime-MsgRandom`) not marked yet gets
    /// `read_receipt_info {is_peer_read: true, timestamp}`, and
    /// MESSAGE_READ_RECEIPT_RECEIVED lists them.
    pub(crate) fn on_read_receipt_notify(&mut self, item: &PushEvent) {
        let Some(list) = &item.c2c_msg_info else {
            return;
        };
        let owner = self.current_user();
        let mut receipts = Vec::new();
        for info in list {
            let id = Message::make_id(&info.tiny_id, info.msg_client_time, info.msg_random);
            let fresh = self
                .messages
                .get(&owner, &id)
                .is_some_and(|m| m.flow == Flow::Out && !m.read_receipt_info.is_peer_read);
            if !fresh {
                continue;
            }
            let at = item.peer_read_time;
            if self
                .change_message(&owner, &id, |m| {
                    m.read_receipt_info.is_peer_read = true;
                    m.read_receipt_info.timestamp = at;
                })
                .is_some()
            {
                receipts.push(ReadReceiptInfo {
                    group_id: String::new(),
                    user_id: item.user_id.clone(),
                    message_id: id,
                    read_count: 0,
                    unread_count: 0,
                    is_peer_read: true,
                    timestamp: at,
                });
            }
        }
        if !receipts.is_empty() {
            self.emit(Event::MessageReadReceiptReceived(receipts));
        }
    }
}
