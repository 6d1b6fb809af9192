//! Pinned group messages (issue 17, docs/GROUPS.md "Pinned group
//! messages"): `pinGroupMessage` and `getPinnedGroupMessageList`, and
//! PINNED_GROUP_MESSAGE_UPDATED. The servcmds are the official SDK's
//! command names (`pin_message`, `unpin_message`, `get_pinned_messages`);
//! their shapes and the push (an Event 6 tip with `OpType` 16/17 and
//! `PinnedMsgSeq`) are tcchat's (PROTOCOL.md 8.14).
//!
//! After a pin or unpin, here or told by a push, this instance reads the
//! group's pinned list and fires the event with it.

use std::time::Instant;

use super::super::conv_api::parse_reply;
use super::super::request::{Call, Request, RequestId};
use super::super::Client;
use crate::error::{ChatError, ErrorCode};
use crate::event::Event;
use crate::model::Message;
use crate::proto::group_state::{cmd, GetPinnedReply, GetPinnedRequest, PinMsgRequest, TIP_OP_PIN};
use crate::types::ConversationType;
use crate::wire::Frame;

/// `operationType` of PINNED_GROUP_MESSAGE_UPDATED after a pin.
const PINNED: u32 = 1;
/// `operationType` after an unpin.
const UNPINNED: u32 = 2;

impl Client {
    /// `pinGroupMessage({groupID, message, isPinned})`: pin (or unpin) a
    /// sent group message for every member. Only the group's owner and
    /// admins may; a group holds at most 10 pinned messages. Resolves when
    /// the server accepted it; PINNED_GROUP_MESSAGE_UPDATED then fires
    /// here and on the other members' instances with the pinned list.
    ///
    /// Errors: 2106 not a sent group message; the server's 10007 (not the
    /// owner or an admin, or not a member), 10030 no such message, 10005
    /// ten pinned already, 10010 no such group.
    pub fn pin_group_message(
        &mut self,
        now: Instant,
        message: &Message,
        is_pinned: bool,
    ) -> Result<RequestId<()>, ChatError> {
        const API: &str = "pinGroupMessage";
        self.require_ready(API)?;
        if message.conversation_type != ConversationType::Group || message.sequence == 0 {
            return Err(self.api_error(
                ErrorCode::MSG_INVALID_CONV_TYPE,
                format!("{API}: only sent group messages can be pinned"),
            ));
        }
        self.check_group_id(API, &message.to)?;
        self.check_capacity()?;
        let body = PinMsgRequest {
            group_id: message.to.clone(),
            msg_seq: message.sequence,
        };
        let group = message.to.clone();
        let servcmd = if is_pinned {
            cmd::PIN_MSG
        } else {
            cmd::UNPIN_MSG
        };
        let op = if is_pinned { PINNED } else { UNPINNED };
        Ok(self.enqueue_command(now, servcmd, &body, |id| {
            Call::change(
                id,
                move |client: &mut Client, now, id, status, _: &Frame| {
                    if status.is_ok() {
                        client.refresh_pins(now, &group, op);
                    }
                    client.complete(id, status);
                },
            )
        }))
    }

    /// `getPinnedGroupMessageList(groupID)`: the group's pinned messages,
    /// oldest pin first (those this user can see).
    ///
    /// Errors: 2602 bad group ID; the server's 10007 not a member, 10010
    /// no such group.
    pub fn get_pinned_group_message_list(
        &mut self,
        now: Instant,
        group_id: &str,
    ) -> Result<RequestId<Vec<Message>>, ChatError> {
        const API: &str = "getPinnedGroupMessageList";
        self.require_ready(API)?;
        self.check_group_id(API, group_id)?;
        self.check_capacity()?;
        let body = GetPinnedRequest {
            group_id: group_id.to_owned(),
        };
        Ok(self.enqueue_command(now, cmd::GET_PINNED, &body, |id| {
            Call::query(id, |client: &mut Client, _, id, status, frame: &Frame| {
                let outcome =
                    parse_reply::<GetPinnedReply>(status, frame).map(|r| client.pinned_of(&r));
                client.complete(id, outcome);
            })
        }))
    }

    fn pinned_of(&self, reply: &GetPinnedReply) -> Vec<Message> {
        let me = self.current_user();
        reply
            .pinned_msg_list
            .iter()
            .map(|m| Message::from_group_wire(m, &me))
            .collect()
    }

    /// An Event 6 pin tip (`OpType` 16 or 17) for `group`.
    pub(in crate::client) fn on_pin_push(&mut self, now: Instant, group: &str, op_type: u32) {
        let op = if op_type == TIP_OP_PIN {
            PINNED
        } else {
            UNPINNED
        };
        self.refresh_pins(now, group, op);
    }

    /// Read `group`'s pinned list (the SDK's own request), then fire the
    /// event with it.
    fn refresh_pins(&mut self, now: Instant, group: &str, op: u32) {
        if self.check_group_id_quiet_pins(group) {
            return;
        }
        let body = GetPinnedRequest {
            group_id: group.to_owned(),
        };
        let timeout = self.ctx.tuning().request_timeout;
        self.enqueue(
            now,
            cmd::GET_PINNED,
            &body,
            timeout,
            RefreshPins {
                group: group.to_owned(),
                op,
            },
        );
    }

    fn check_group_id_quiet_pins(&self, group: &str) -> bool {
        group.is_empty() || group.len() > Self::MAX_USER_ID_BYTES
    }
}

/// `get_pinned_messages` sent by the SDK itself after a pin or unpin.
#[derive(Debug)]
struct RefreshPins {
    group: String,
    op: u32,
}

impl Request for RefreshPins {
    fn is_internal(&self) -> bool {
        true
    }

    fn on_reply(
        self: Box<Self>,
        client: &mut Client,
        _now: Instant,
        status: Result<(), ChatError>,
        frame: &Frame,
    ) {
        match parse_reply::<GetPinnedReply>(status, frame) {
            Ok(r) => {
                let message_list = client.pinned_of(&r);
                client.emit(Event::PinnedGroupMessageUpdated {
                    group_id: self.group,
                    message_list,
                    operation_type: self.op,
                });
            }
            Err(err) => {
                if client.log_enabled(2) {
                    tracing::warn!(code = err.code.0, message = %err.message, "pinned list refresh failed");
                }
            }
        }
    }

    fn on_failed(self: Box<Self>, _client: &mut Client, _err: ChatError) {}
}
