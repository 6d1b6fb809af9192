//! Message extensions (`openim_msg_ext_http_svc.set_key_values` /
//! `get_key_values`, and `group_set_key_values` / `group_get_key_values`
//! for group messages, named by group and sequence) and their push (Event 22, `MsgExtensionNotify`):
//! MESSAGE_EXTENSIONS_UPDATED and MESSAGE_EXTENSIONS_DELETED on the other
//! party and on the operator's other instances (the operator learns from its
//! reply, without an event, as the official SDK).
//!
//! Every call needs purchase bit 13 (3122 otherwise, nothing sent) and a
//! message sent with `is_support_extension`. At most
//! [`Client::MAX_EXTENSIONS_PER_CALL`] keys per call: more are refused with
//! 2905 rather than silently cut (the official SDK truncates to 20 and
//! warns).

use std::time::Instant;

use super::cache::ExtState;
use super::features::Feature;
use super::request::Call;
use super::{Client, RequestId};
use crate::error::{ChatError, ErrorCode};
use crate::event::Event;
use crate::model::{group_conversation_id, ExtensionResult, Message, MessageExtension};
use crate::proto::ext::{
    ExtKeyValue, ExtOp, ExtensionNotify, GetKeyValuesReply, GetKeyValuesRequest,
    GroupGetKeyValuesRequest, GroupSetKeyValuesRequest, SetKeyValuesReply, SetKeyValuesRequest,
};
use crate::types::ConversationType;
use crate::wire::{servcmd, Frame};

/// A `set_key_values` in flight.
#[derive(Debug, Clone)]
pub(crate) struct ExtSet {
    /// The message's ID.
    message_id: String,
    /// [`ExtOp`].
    op: u8,
}

/// A `get_message_extensions` in flight, over as many `get_key_values`
/// pages as the server needs.
#[derive(Debug, Clone)]
pub(crate) struct ExtFetch {
    message_id: String,
    request: GetKeyValuesRequest,
    /// For a group message: its group and sequence (the request then is
    /// `group_get_key_values`).
    group: Option<(String, u64)>,
    /// What is known so far (the held state, then each page applied).
    state: ExtState,
    pages: u32,
}

impl Client {
    /// Most extension keys one call takes (the official SDK's limit).
    pub const MAX_EXTENSIONS_PER_CALL: usize = 20;
    /// Longest extension key or value, in bytes.
    pub const MAX_EXTENSION_BYTES: usize = 1024;
    /// Most `get_key_values` pages one `get_message_extensions` follows.
    const MAX_EXT_PAGES: u32 = 100;

    /// The held message an extension call is about: the feature bit, then
    /// the message checks, then `is_support_extension`.
    fn ext_target(&mut self, api: &str, message: &Message) -> Result<Message, ChatError> {
        self.require_ready(api)?;
        self.require_feature(Feature::MessageExtension, api)?;
        let held = self.held_for_msg_op(api, message, ErrorCode::INVALID_OPERATION)?;
        if !held.is_support_extension {
            return Err(self.api_error(
                ErrorCode::INVALID_OPERATION,
                format!("{api}: the message was not sent with isSupportExtension"),
            ));
        }
        Ok(held)
    }

    /// `setMessageExtensions(message, extensions)`: set keys. Completes with
    /// one result per key (a non-zero `code` is
    /// that key's failure).
    pub fn set_message_extensions(
        &mut self,
        now: Instant,
        message: &Message,
        extensions: &[MessageExtension],
    ) -> Result<RequestId<Vec<ExtensionResult>>, ChatError> {
        const API: &str = "setMessageExtensions";
        let held = self.ext_target(API, message)?;
        self.check_ext_keys(API, extensions.iter().map(|e| (&e.key, &e.value)))?;
        let owner = self.current_user();
        let known = self
            .messages
            .ext(&owner, &held.id)
            .cloned()
            .unwrap_or_default();
        let list = extensions
            .iter()
            .map(|e| ExtKeyValue {
                key: e.key.clone(),
                value: e.value.clone(),
                seq: known.keys.get(&e.key).map_or(0, |(_, s)| *s),
            })
            .collect();
        self.send_ext_set(now, &held, ExtOp::SET, list)
    }

    /// `deleteMessageExtensions(message, keyList)`: delete the listed keys
    /// (`OperateType` 2), or every key when `keys` is `None` (3, clear).
    /// Completes with one result per key.
    pub fn delete_message_extensions(
        &mut self,
        now: Instant,
        message: &Message,
        keys: Option<&[String]>,
    ) -> Result<RequestId<Vec<ExtensionResult>>, ChatError> {
        const API: &str = "deleteMessageExtensions";
        let held = self.ext_target(API, message)?;
        let Some(keys) = keys else {
            return self.send_ext_set(now, &held, ExtOp::CLEAR, Vec::new());
        };
        let empty = String::new();
        self.check_ext_keys(API, keys.iter().map(|k| (k, &empty)))?;
        let owner = self.current_user();
        let known = self
            .messages
            .ext(&owner, &held.id)
            .cloned()
            .unwrap_or_default();
        let list = keys
            .iter()
            .map(|k| ExtKeyValue {
                key: k.clone(),
                value: String::new(),
                seq: known.keys.get(k).map_or(0, |(_, s)| *s),
            })
            .collect();
        self.send_ext_set(now, &held, ExtOp::DELETE, list)
    }

    fn check_ext_keys<'a>(
        &mut self,
        api: &str,
        items: impl ExactSizeIterator<Item = (&'a String, &'a String)>,
    ) -> Result<(), ChatError> {
        let n = items.len();
        if n == 0 || n > Self::MAX_EXTENSIONS_PER_CALL {
            return Err(self.api_error(
                ErrorCode::INVALID_OPERATION,
                format!(
                    "{api}: give 1 to {} extensions, not {n}",
                    Self::MAX_EXTENSIONS_PER_CALL
                ),
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for (k, v) in items {
            if k.is_empty()
                || k.len() > Self::MAX_EXTENSION_BYTES
                || v.len() > Self::MAX_EXTENSION_BYTES
            {
                return Err(self.api_error(
                    ErrorCode::INVALID_OPERATION,
                    format!(
                        "{api}: keys must be 1 to {max} bytes and values at most {max}",
                        max = Self::MAX_EXTENSION_BYTES
                    ),
                ));
            }
            if !seen.insert(k.as_str()) {
                return Err(self.api_error(
                    ErrorCode::INVALID_OPERATION,
                    format!("{api}: key {k:?} appears twice"),
                ));
            }
        }
        Ok(())
    }

    fn send_ext_set(
        &mut self,
        now: Instant,
        held: &Message,
        op: u8,
        extension_list: Vec<ExtKeyValue>,
    ) -> Result<RequestId<Vec<ExtensionResult>>, ChatError> {
        self.check_capacity()?;
        let call = ExtSet {
            message_id: held.id.clone(),
            op,
        };
        if held.conversation_type == ConversationType::Group {
            let body = GroupSetKeyValuesRequest {
                group_id: held.to.clone(),
                msg_seq: held.sequence,
                operate_type: op,
                extension_list,
            };
            return Ok(
                self.enqueue_command(now, servcmd::GROUP_EXT_SET, &body, |id| {
                    Call::change(
                        id,
                        move |client: &mut Client, _, id, status, frame: &Frame| {
                            client.on_ext_set_reply(id, call, frame, status);
                        },
                    )
                }),
            );
        }
        let body = SetKeyValuesRequest {
            from_account: held.from.clone(),
            to_account: held.to.clone(),
            msg_key: held.msg_key(),
            operate_type: op,
            extension_list,
        };
        Ok(self.enqueue_command(now, servcmd::EXT_SET, &body, |id| {
            Call::change(
                id,
                move |client: &mut Client, _, id, status, frame: &Frame| {
                    client.on_ext_set_reply(id, call, frame, status);
                },
            )
        }))
    }

    pub(crate) fn on_ext_set_reply(
        &mut self,
        id: RequestId<Vec<ExtensionResult>>,
        call: ExtSet,
        frame: &Frame,
        result: Result<(), ChatError>,
    ) {
        let reply = match result.and_then(|()| Self::reply_body::<SetKeyValuesReply>(frame)) {
            Ok(r) => r,
            Err(err) => {
                self.complete(id, Err(err));
                return;
            }
        };
        let owner = self.current_user();
        if let Some(ext) = self.messages.ext_mut(&owner, &call.message_id) {
            if call.op == ExtOp::CLEAR {
                ext.clear(reply.seq);
            }
            for r in reply.extension_list.iter().filter(|r| r.error_code == 0) {
                let e = &r.extension;
                ext.apply(&e.key, &e.value, e.seq);
            }
            ext.last_seq = ext.last_seq.max(reply.seq);
        }
        let results = reply
            .extension_list
            .into_iter()
            .map(|r| ExtensionResult {
                code: r.error_code,
                key: r.extension.key,
                value: r.extension.value,
            })
            .collect();
        self.complete(id, Ok(results));
    }

    /// `getMessageExtensions(message)`: the message's extensions from the
    /// server, following `CompleteFlag` (each further page from the last
    /// seq + 1) and `ClearSeq`. After a first fetch, later ones ask only
    /// for changes since the last known seq (`startSeq`). Completes with
    /// the keys that have a value.
    pub fn get_message_extensions(
        &mut self,
        now: Instant,
        message: &Message,
    ) -> Result<RequestId<Vec<MessageExtension>>, ChatError> {
        let held = self.ext_target("getMessageExtensions", message)?;
        self.check_capacity()?;
        let owner = self.current_user();
        let state = self
            .messages
            .ext(&owner, &held.id)
            .cloned()
            .unwrap_or_default();
        let request = GetKeyValuesRequest {
            from_account: held.from.clone(),
            to_account: held.to.clone(),
            msg_key: held.msg_key(),
            start_seq: if state.fetched { state.last_seq } else { 0 },
        };
        let id = self.next_request_id();
        let fetch = ExtFetch {
            message_id: held.id.clone(),
            request,
            group: (held.conversation_type == ConversationType::Group)
                .then(|| (held.to.clone(), held.sequence)),
            state,
            pages: 0,
        };
        self.send_ext_get(now, id, fetch);
        Ok(id)
    }

    fn send_ext_get(
        &mut self,
        now: Instant,
        id: RequestId<Vec<MessageExtension>>,
        fetch: ExtFetch,
    ) {
        let timeout = self.ctx.tuning().request_timeout;
        if let Some((group_id, msg_seq)) = &fetch.group {
            let body = GroupGetKeyValuesRequest {
                group_id: group_id.clone(),
                msg_seq: *msg_seq,
                start_seq: fetch.request.start_seq,
            };
            self.enqueue(
                now,
                servcmd::GROUP_EXT_GET,
                &body,
                timeout,
                Call::query(
                    id,
                    move |client: &mut Client, now, id, status, frame: &Frame| {
                        client.on_ext_get_reply(now, id, fetch, frame, status);
                    },
                ),
            );
            return;
        }
        let body = fetch.request.clone();
        self.enqueue(
            now,
            servcmd::EXT_GET,
            &body,
            timeout,
            Call::query(
                id,
                move |client: &mut Client, now, id, status, frame: &Frame| {
                    client.on_ext_get_reply(now, id, fetch, frame, status);
                },
            ),
        );
    }

    pub(crate) fn on_ext_get_reply(
        &mut self,
        now: Instant,
        id: RequestId<Vec<MessageExtension>>,
        mut fetch: ExtFetch,
        frame: &Frame,
        result: Result<(), ChatError>,
    ) {
        let reply = match result.and_then(|()| Self::reply_body::<GetKeyValuesReply>(frame)) {
            Ok(r) => r,
            Err(err) => {
                self.complete(id, Err(err));
                return;
            }
        };
        if reply.clear_seq > 0 {
            fetch.state.clear(reply.clear_seq);
        }
        for e in &reply.extension_list {
            fetch.state.apply(&e.key, &e.value, e.seq);
        }
        fetch.state.last_seq = fetch.state.last_seq.max(reply.latest_seq);
        fetch.pages += 1;
        if reply.complete_flag != 1 {
            let next = reply.extension_list.last().map(|e| e.seq.saturating_add(1));
            match next {
                Some(next)
                    if next > fetch.request.start_seq && fetch.pages < Self::MAX_EXT_PAGES =>
                {
                    fetch.request.start_seq = next;
                    self.send_ext_get(now, id, fetch);
                }
                _ => {
                    // The official SDK fails the same way (2903) on a reply
                    // that neither completes nor moves on.
                    self.complete(
                        id,
                        Err(ChatError::new(
                            ErrorCode::UNCAUGHT_ERROR,
                            "get_key_values reply neither complete nor advancing",
                        )),
                    );
                }
            }
            return;
        }
        fetch.state.fetched = true;
        let list = fetch
            .state
            .live()
            .into_iter()
            .map(|(key, value, _)| MessageExtension { key, value })
            .collect();
        let owner = self.current_user();
        if let Some(ext) = self.messages.ext_mut(&owner, &fetch.message_id) {
            *ext = fetch.state;
        }
        self.complete(id, Ok(list));
    }

    /// Event 22: the extensions of a held message changed on the server
    /// (set by the peer or by another instance of this user). Keys whose seq
    /// is not newer than the one known are skipped, so a repeated push emits
    /// nothing. A group message (`ExtensionGroupMsgInfo`) is found by its
    /// group, sequence and random, as a group revoke is.
    pub(crate) fn on_extension_notify(&mut self, n: &ExtensionNotify) {
        let owner = self.current_user();
        let id = if let Some(info) = &n.extension_group_msg_info {
            let conv = group_conversation_id(&info.group_id);
            let found = self
                .messages
                .messages_in(&owner, &conv)
                .find(|m| m.sequence == info.msg_seq && m.random == info.msg_random)
                .map(|m| m.id.clone());
            let Some(found) = found else {
                return;
            };
            found
        } else {
            let info = &n.extension_c2c_msg_info;
            Message::make_id(&n.tiny_id, info.msg_client_time, info.msg_random)
        };
        let Some(ext) = self.messages.ext_mut(&owner, &id) else {
            return;
        };
        let mut updated = Vec::new();
        let mut deleted = Vec::new();
        match n.msg_opt_type {
            ExtOp::SET => {
                for kv in n.set_kv_info.iter().flat_map(|i| &i.msg_key_value) {
                    if ext.apply(&kv.key, &kv.value, kv.seq) {
                        if kv.value.is_empty() {
                            deleted.push(kv.key.clone());
                        } else {
                            updated.push(MessageExtension {
                                key: kv.key.clone(),
                                value: kv.value.clone(),
                            });
                        }
                    }
                }
            }
            ExtOp::DELETE => {
                for kv in n.delete_kv_info.iter().flat_map(|i| &i.msg_key_value) {
                    if ext.apply(&kv.key, "", kv.seq) {
                        deleted.push(kv.key.clone());
                    }
                }
            }
            ExtOp::CLEAR => {
                let clear = n
                    .clear_kv_info
                    .iter()
                    .map(|i| i.clear_msg_seq)
                    .max()
                    .unwrap_or(n.msg_last_seq);
                if clear > ext.clear_seq {
                    deleted = ext.clear(clear);
                }
            }
            _ => {}
        }
        ext.last_seq = ext.last_seq.max(n.msg_last_seq);
        if !updated.is_empty() {
            self.emit(Event::MessageExtensionsUpdated {
                message_id: id.clone(),
                extensions: updated,
            });
        }
        if !deleted.is_empty() {
            self.emit(Event::MessageExtensionsDeleted {
                message_id: id,
                key_list: deleted,
            });
        }
    }
}
