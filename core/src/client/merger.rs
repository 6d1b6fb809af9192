//! Merger and forward messages: `createMergerMessage`,
//! `downloadMergerMessage`, `createForwardMessage`, and the upload of a
//! large merger body (`save_relay_json_msg`) that `sendMessage` makes
//! before the send.
//!
//! A merger whose element would exceed [`Client::RELAY_INLINE_BYTES`]
//! travels as a key: `send_message` first stores the messages with
//! `save_relay_json_msg`, then sends the element with `JsonMsgKey` and no
//! `MsgList`. The wire is the official SDK's, verified both ways
//! (PROTOCOL.md 7.13, `tests/tests/interop_merger.rs`); the 8 KiB threshold
//! is ours.

use std::time::Instant;

use super::conv_api::parse_reply;
use super::request::{AnyRequestId, Call, Request, RequestId};
use super::Client;
use crate::error::{ChatError, ErrorCode};
use crate::model::{
    merged_from_list, relay_list, CreateMergerMessageOptions, MergedMessage, MergerPayload,
    Message, Payload, MAX_MERGER_ABSTRACT_LINES, MAX_MERGER_MESSAGES, MAX_MERGER_TEXT_BYTES,
    MAX_RELAY_KEY_BYTES,
};
use crate::proto::relay::{GetRelayReply, GetRelayRequest, SaveRelayReply, SaveRelayRequest};
use crate::types::{ConversationType, MessageStatus};
use crate::wire::{servcmd, Frame};

impl Client {
    /// Largest merger element sent inline, bytes encoded (ours); a larger
    /// one is stored on the server when it is sent.
    pub const RELAY_INLINE_BYTES: usize = 8 * 1024;
    /// Largest merger body stored on the server, bytes (ours, as the
    /// reference server); larger ones are refused with 80002 when created.
    pub const MAX_RELAY_BODY_BYTES: usize = 512 * 1024;

    /// `createMergerMessage({to, conversationType, payload: {messageList,
    /// title, abstractList, compatibleText}})`: one message that carries
    /// several sent messages of one conversation. Refused with 2450 when the
    /// list is empty, longer than [`MAX_MERGER_MESSAGES`], holds a message
    /// that is not sent (status `success`), revoked, a group tip or notice,
    /// or mixes conversations; or when `compatible_text` is empty or a text
    /// is over its bound. A body over [`Client::MAX_RELAY_BODY_BYTES`] is
    /// refused with 80002. Send it with `send_message`.
    pub fn create_merger_message(
        &mut self,
        now: Instant,
        options: &CreateMergerMessageOptions,
    ) -> Result<Message, ChatError> {
        const API: &str = "createMergerMessage";
        self.require_ready(API)?;
        let list = &options.message_list;
        let invalid = |why: &str| (ErrorCode::MSG_MERGER_TYPE_INVALID, format!("{API}: {why}"));
        let check = (|| {
            if list.is_empty() || list.len() > MAX_MERGER_MESSAGES {
                return Err(invalid(&format!(
                    "messageList must hold 1 to {MAX_MERGER_MESSAGES} messages"
                )));
            }
            let conversation = &list[0].conversation_id;
            for m in list {
                if m.status != MessageStatus::Success || m.is_revoked {
                    return Err(invalid("every message must be sent and not revoked"));
                }
                if !forwardable(&m.payload) {
                    return Err(invalid(&format!(
                        "a {} message cannot be merged",
                        m.payload.msg_type()
                    )));
                }
                if &m.conversation_id != conversation {
                    return Err(invalid("the messages must be of one conversation"));
                }
            }
            if options.compatible_text.is_empty() {
                return Err(invalid("compatibleText is required"));
            }
            let too_long = |s: &String| s.len() > MAX_MERGER_TEXT_BYTES;
            if too_long(&options.title)
                || too_long(&options.compatible_text)
                || options.abstract_list.len() > MAX_MERGER_ABSTRACT_LINES
                || options.abstract_list.iter().any(too_long)
            {
                return Err(invalid(&format!(
                    "title, compatibleText and each of at most {MAX_MERGER_ABSTRACT_LINES} \
                     abstract lines are limited to {MAX_MERGER_TEXT_BYTES} bytes"
                )));
            }
            Ok(())
        })();
        if let Err((code, text)) = check {
            return Err(self.api_error(code, text));
        }
        let message_list: Vec<MergedMessage> = list.iter().map(merged).collect();
        let body_len = serde_json::to_string(&relay_list(&message_list)).map_or(0, |j| j.len());
        if body_len > Self::MAX_RELAY_BODY_BYTES {
            return Err(self.api_error(
                ErrorCode::MSG_TOO_LONG,
                format!(
                    "{API}: the merged messages are {body_len} bytes encoded; the limit is {}",
                    Self::MAX_RELAY_BODY_BYTES
                ),
            ));
        }
        let payload = Payload::Merger(MergerPayload {
            title: options.title.clone(),
            abstract_list: options.abstract_list.clone(),
            compatible_text: options.compatible_text.clone(),
            message_list,
            download_key: String::new(),
            layers_over_limit: false,
            version: 0,
        });
        self.create_message_with(now, API, &options.to, options.conversation_type, payload)
    }

    /// `createForwardMessage({to, conversationType, payload: message})`: a
    /// new message to `to` with the content of `message` (received or
    /// sent, C2C or group). Refused with 2453 when `message` is not sent
    /// (status `success`) or is revoked, and with 2454 when its element
    /// cannot be forwarded (a group tip or notice, an unknown element).
    /// Send it with `send_message`.
    pub fn create_forward_message(
        &mut self,
        now: Instant,
        to: &str,
        conversation_type: ConversationType,
        message: &Message,
    ) -> Result<Message, ChatError> {
        const API: &str = "createForwardMessage";
        self.require_ready(API)?;
        if message.status != MessageStatus::Success || message.is_revoked {
            return Err(self.api_error(
                ErrorCode::MSG_FORWARD_TYPE_INVALID,
                format!("{API}: only a sent message that is not revoked can be forwarded"),
            ));
        }
        if !forwardable(&message.payload) {
            return Err(self.api_error(
                ErrorCode::MSG_FORWARD_INVALID_ELEMENTS,
                format!(
                    "{API}: a {} element cannot be forwarded",
                    message.payload.msg_type()
                ),
            ));
        }
        let mut created =
            self.create_message_with(now, API, to, conversation_type, message.payload.clone())?;
        created.cloud_custom_data = message.cloud_custom_data.clone();
        self.messages.created_mut().update(created.clone());
        Ok(created)
    }

    /// `downloadMergerMessage(message)`: the messages of a merger message.
    /// Answered at once when they travelled inline; otherwise fetched with
    /// `get_relay_json_msg` (only the participants of a conversation the
    /// merger was sent to may fetch it). Refused with 2450 when `message`
    /// is not a merger message and 2451 when its key is unusable or it is
    /// nested too deep; completes with 2452 when the server refuses or its
    /// body is malformed.
    pub fn download_merger_message(
        &mut self,
        now: Instant,
        message: &Message,
    ) -> Result<RequestId<Vec<MergedMessage>>, ChatError> {
        const API: &str = "downloadMergerMessage";
        self.require_ready(API)?;
        let Payload::Merger(merger) = &message.payload else {
            return Err(self.api_error(
                ErrorCode::MSG_MERGER_TYPE_INVALID,
                format!("{API}: the message is not a merger message"),
            ));
        };
        if merger.layers_over_limit {
            return Err(self.api_error(
                ErrorCode::MSG_MERGER_KEY_INVALID,
                format!("{API}: the merger is nested too deep to be read"),
            ));
        }
        if merger.download_key.is_empty() || !merger.message_list.is_empty() {
            let id = self.next_request_id();
            self.complete(id, Ok(merger.message_list.clone()));
            return Ok(id);
        }
        if merger.download_key.len() > MAX_RELAY_KEY_BYTES {
            return Err(self.api_error(
                ErrorCode::MSG_MERGER_KEY_INVALID,
                format!("{API}: the download key is over {MAX_RELAY_KEY_BYTES} bytes"),
            ));
        }
        self.check_capacity()?;
        let body = GetRelayRequest {
            json_msg_key: merger.download_key.clone(),
        };
        Ok(self.enqueue_command(now, servcmd::RELAY_GET, &body, |id| {
            Call::query(
                id,
                move |client: &mut Client, _now, id, status, frame: &Frame| {
                    let outcome = parse_reply::<GetRelayReply>(status, frame)
                        .map_err(|e| {
                            ChatError::new(
                                ErrorCode::MSG_MERGER_DOWNLOAD_FAIL,
                                format!("{API}: the server refused ({}): {}", e.code.0, e.message),
                            )
                        })
                        .and_then(|r| {
                            merged_from_list(&r.msg_list, 1).map_err(|e| {
                                ChatError::new(ErrorCode::MSG_MERGER_DOWNLOAD_FAIL, e.0)
                            })
                        })
                        .map(|mut list| {
                            for m in &mut list {
                                for p in &mut m.message_body {
                                    client.localize_payload(p);
                                }
                            }
                            list
                        });
                    client.complete(id, outcome);
                },
            )
        }))
    }

    /// Whether `sending` is a merger too large to travel inline that has no
    /// key yet.
    pub(super) fn needs_relay(&self, sending: &Message) -> bool {
        match &sending.payload {
            Payload::Merger(m) => {
                m.download_key.is_empty() && {
                    let elem = sending.payload.to_elem();
                    elem.msg_type.len() + elem.msg_content.get().len() > Self::RELAY_INLINE_BYTES
                }
            }
            _ => false,
        }
    }

    /// The first step of sending a large merger: store its body.
    pub(super) fn start_relay(&mut self, now: Instant, sending: Message) -> RequestId<Message> {
        let id: RequestId<Message> = self.next_request_id();
        let msg_list = match &sending.payload {
            Payload::Merger(m) => relay_list(&m.message_list),
            _ => Vec::new(),
        };
        let timeout = self.ctx.tuning().request_timeout;
        let request = SaveRelay {
            id,
            message: Box::new(sending),
        };
        self.enqueue(
            now,
            servcmd::RELAY_SAVE,
            &SaveRelayRequest { msg_list },
            timeout,
            request,
        );
        id
    }

    /// The merger element as the size check measures it: a list too large
    /// to travel inline is measured as the key that will replace it.
    pub(super) fn sized_payload(payload: &Payload) -> Option<Payload> {
        let Payload::Merger(m) = payload else {
            return None;
        };
        if !m.download_key.is_empty() {
            return None;
        }
        let elem = payload.to_elem();
        if elem.msg_type.len() + elem.msg_content.get().len() <= Self::RELAY_INLINE_BYTES {
            return None;
        }
        let mut keyed = m.clone();
        keyed.download_key = "k".repeat(MAX_RELAY_KEY_BYTES);
        Some(Payload::Merger(keyed))
    }
}

/// Whether a message with `payload` can be merged or forwarded: tips and
/// notices are the server's, and an unknown element cannot be checked.
fn forwardable(payload: &Payload) -> bool {
    !matches!(
        payload,
        Payload::GroupTip(_) | Payload::GroupSystemNotice(_) | Payload::Other { .. }
    )
}

/// A sent message as one of a merger's messages.
fn merged(m: &Message) -> MergedMessage {
    MergedMessage {
        from: m.from.clone(),
        nick: m.nick.clone(),
        time: m.time,
        sequence: m.sequence,
        random: m.random,
        cloud_custom_data: m.cloud_custom_data.clone(),
        message_body: vec![m.payload.clone()],
    }
}

/// `save_relay_json_msg` for a send: on success the merger gets its key
/// and the send goes on.
#[derive(Debug)]
struct SaveRelay {
    id: RequestId<Message>,
    message: Box<Message>,
}

impl Request for SaveRelay {
    fn holds_through_outage(&self) -> bool {
        true
    }

    fn pending_send(&self) -> Option<(AnyRequestId, &Message)> {
        Some((self.id.erased(), &self.message))
    }

    fn on_reply(
        self: Box<Self>,
        client: &mut Client,
        now: Instant,
        status: Result<(), ChatError>,
        frame: &Frame,
    ) {
        let key = parse_reply::<SaveRelayReply>(status, frame).and_then(|r| {
            if r.json_msg_key.is_empty() || r.json_msg_key.len() > MAX_RELAY_KEY_BYTES {
                Err(ChatError::new(
                    ErrorCode::MSG_MERGER_KEY_INVALID,
                    "save_relay_json_msg answered an unusable key",
                ))
            } else {
                Ok(r.json_msg_key)
            }
        });
        match key {
            Ok(key) => {
                let mut message = *self.message;
                if let Payload::Merger(m) = &mut message.payload {
                    m.download_key = key;
                }
                client.messages.created_mut().update(message.clone());
                client.dispatch_send(now, self.id, message);
            }
            Err(err) => self.on_failed(client, err),
        }
    }

    fn on_failed(self: Box<Self>, client: &mut Client, err: ChatError) {
        let text = format!(
            "storing the merger body failed ({}): {}",
            err.code.0, err.message
        );
        client.fail_send(
            self.id,
            *self.message,
            ErrorCode::MSG_MERGER_DOWNLOAD_FAIL,
            text,
        );
    }
}
