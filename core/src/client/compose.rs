//! Creating messages: `createTextMessage` and `createCustomMessage`.

use std::time::Instant;

use rand_core::RngCore;

use super::Client;
use crate::error::{ChatError, ErrorCode};
use crate::model::{
    c2c_id, group_conversation_id, CreateCustomMessageOptions, CreateTextMessageOptions, Message,
    MessageReceipt, Payload,
};
use crate::types::{ConversationType, Flow, MessageStatus};

/// What every `create*Message` takes besides the payload.
struct Draft<'a> {
    api: &'a str,
    to: &'a str,
    conversation_type: ConversationType,
    need_read_receipt: bool,
    is_support_extension: bool,
    at_user_list: &'a [String],
}

impl Client {
    /// `createTextMessage({to, conversationType, payload: {text},
    /// needReadReceipt, isSupportExtension})`.
    pub fn create_text_message(
        &mut self,
        now: Instant,
        options: &CreateTextMessageOptions,
    ) -> Result<Message, ChatError> {
        let draft = Draft {
            api: "createTextMessage",
            to: &options.to,
            conversation_type: options.conversation_type,
            need_read_receipt: options.need_read_receipt,
            is_support_extension: options.is_support_extension,
            at_user_list: &[],
        };
        let payload = Payload::Text {
            text: options.text.clone(),
        };
        self.create_message(now, draft, payload)
    }

    /// `createTextAtMessage({to, conversationType: GROUP, payload: {text,
    /// atUserList}})`: a group text message that @-mentions the users of
    /// `at_user_list` ([`Message::AT_ALL`] for everyone). Refused with 2106
    /// outside a group.
    pub fn create_text_at_message(
        &mut self,
        now: Instant,
        options: &CreateTextMessageOptions,
        at_user_list: &[String],
    ) -> Result<Message, ChatError> {
        if options.conversation_type != ConversationType::Group {
            return Err(self.api_error(
                ErrorCode::MSG_INVALID_CONV_TYPE,
                "createTextAtMessage: only group messages can @ members",
            ));
        }
        if at_user_list
            .iter()
            .any(|u| u.is_empty() || u.len() > Self::MAX_USER_ID_BYTES)
        {
            return Err(self.api_error(
                ErrorCode::INVALID_OPERATION,
                "createTextAtMessage: every atUserList entry must be a user ID",
            ));
        }
        let draft = Draft {
            api: "createTextAtMessage",
            to: &options.to,
            conversation_type: options.conversation_type,
            need_read_receipt: options.need_read_receipt,
            is_support_extension: options.is_support_extension,
            at_user_list,
        };
        let payload = Payload::Text {
            text: options.text.clone(),
        };
        self.create_message(now, draft, payload)
    }

    /// `createCustomMessage({to, conversationType, payload: {data,
    /// description, extension}, needReadReceipt, isSupportExtension})`.
    pub fn create_custom_message(
        &mut self,
        now: Instant,
        options: &CreateCustomMessageOptions,
    ) -> Result<Message, ChatError> {
        let draft = Draft {
            api: "createCustomMessage",
            to: &options.to,
            conversation_type: options.conversation_type,
            need_read_receipt: options.need_read_receipt,
            is_support_extension: options.is_support_extension,
            at_user_list: &[],
        };
        let payload = Payload::Custom {
            data: options.data.clone(),
            description: options.description.clone(),
            extension: options.extension.clone(),
        };
        self.create_message(now, draft, payload)
    }

    /// `createFaceMessage({to, conversationType, payload: {index, data}})`:
    /// an application-defined emoji or sticker. No upload.
    pub fn create_face_message(
        &mut self,
        now: Instant,
        to: &str,
        conversation_type: ConversationType,
        face: crate::model::FacePayload,
    ) -> Result<Message, ChatError> {
        let payload = Payload::Face(face);
        self.create_message_with(now, "createFaceMessage", to, conversation_type, payload)
    }

    /// `createLocationMessage({to, conversationType, payload: {description,
    /// longitude, latitude}})`. Coordinates outside ±180 / ±90 degrees (or
    /// not finite) are refused with 2905. No upload.
    pub fn create_location_message(
        &mut self,
        now: Instant,
        to: &str,
        conversation_type: ConversationType,
        location: crate::model::LocationPayload,
    ) -> Result<Message, ChatError> {
        let (lon, lat) = (location.longitude.0, location.latitude.0);
        if !(lon.is_finite() && lat.is_finite() && lon.abs() <= 180.0 && lat.abs() <= 90.0) {
            return Err(self.api_error(
                ErrorCode::INVALID_OPERATION,
                "createLocationMessage: longitude must be within ±180 and latitude within ±90 degrees",
            ));
        }
        let payload = Payload::Location(location);
        self.create_message_with(now, "createLocationMessage", to, conversation_type, payload)
    }

    /// Refuse a payload over [`Client::MAX_MESSAGE_BYTES`] (80002), measured
    /// as the server measures it: the element as encoded.
    pub(crate) fn check_payload_size(&mut self, payload: &Payload) -> Result<(), ChatError> {
        let sized = Self::sized_payload(payload);
        let elem = sized.as_ref().unwrap_or(payload).to_elem();
        let size = elem.msg_type.len() + elem.msg_content.get().len();
        if size > Self::MAX_MESSAGE_BYTES {
            return Err(self.api_error(
                ErrorCode::MSG_TOO_LONG,
                format!(
                    "the message is {size} bytes encoded; the limit is {}",
                    Self::MAX_MESSAGE_BYTES
                ),
            ));
        }
        Ok(())
    }

    /// Create a message with `payload` (the media messages' common part).
    pub(crate) fn create_message_with(
        &mut self,
        now: Instant,
        api: &str,
        to: &str,
        conversation_type: ConversationType,
        payload: Payload,
    ) -> Result<Message, ChatError> {
        let draft = Draft {
            api,
            to,
            conversation_type,
            need_read_receipt: false,
            is_support_extension: false,
            at_user_list: &[],
        };
        self.create_message(now, draft, payload)
    }

    fn create_message(
        &mut self,
        now: Instant,
        draft: Draft<'_>,
        payload: Payload,
    ) -> Result<Message, ChatError> {
        let me = self.require_ready(draft.api)?;
        let (user_id, tiny_id) = (me.user_id.clone(), me.tiny_id.clone());
        let group = draft.conversation_type == ConversationType::Group;
        if draft.conversation_type != ConversationType::C2c && !group {
            return Err(self.api_error(
                ErrorCode::MSG_INVALID_CONV_TYPE,
                format!(
                    "conversation type {} is not supported yet",
                    draft.conversation_type
                ),
            ));
        }
        if draft.to.is_empty() || draft.to.len() > Self::MAX_USER_ID_BYTES {
            return Err(self.api_error(
                ErrorCode::INVALID_OPERATION,
                format!("`to` must be 1 to {} bytes", Self::MAX_USER_ID_BYTES),
            ));
        }
        self.check_payload_size(&payload)?;
        let client_time = self.clock.server_secs(now);
        let random = u64::from(self.ctx.rng().next_u32());
        let sequence = self.messages.created_mut().next_sequence();
        let message = Message {
            id: Message::make_id(&tiny_id, client_time, random),
            conversation_id: if group {
                group_conversation_id(draft.to)
            } else {
                c2c_id(draft.to)
            },
            conversation_type: draft.conversation_type,
            from: user_id,
            to: draft.to.to_owned(),
            flow: Flow::Out,
            msg_type: payload.msg_type().to_owned(),
            payload,
            time: 0,
            // A group message's sequence is the server's, from the reply.
            sequence: if group { 0 } else { sequence },
            client_sequence: sequence,
            random,
            client_time,
            sender_tiny_id: tiny_id,
            status: MessageStatus::Unsent,
            is_read: true,
            is_peer_read: false,
            is_revoked: false,
            is_modified: false,
            version: 0,
            nick: String::new(),
            name_card: String::new(),
            avatar: String::new(),
            is_system_message: false,
            at_user_list: draft.at_user_list.to_vec(),
            cloud_custom_data: String::new(),
            need_read_receipt: draft.need_read_receipt,
            read_receipt_info: MessageReceipt::default(),
            is_support_extension: draft.is_support_extension,
            is_deleted: false,
            revoker: String::new(),
            revoke_reason: String::new(),
        };
        self.messages.created_mut().remember(message.clone());
        Ok(message)
    }
}
