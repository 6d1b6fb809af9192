//! Merger-message bodies (PROTOCOL.md 7.13): `im_long_msg.save_relay_json_msg`
//! stores the messages of a large merger message (`{MsgList}`, as the
//! official SDK sends it) and answers a key; `im_long_msg.get_relay_json_msg`
//! returns them (`{MsgList}`) to someone allowed to read them.
//!
//! A body is readable by its uploader and by the participants of every
//! conversation a message carrying its key was sent to (both users of a
//! C2C conversation, the current members of a group). Sending a message
//! whose `TIMRelayElem` names a key is what grants its conversation, and
//! only a sender who may read the key can do that: a message naming
//! another conversation's key is refused with
//! [`codes::PERMISSION_DENIED`], an unknown key with
//! [`codes::INVALID_PARAMETER`]. So a forwarded merger stays readable in
//! the conversation it was forwarded to.
//!
//! Bodies are kept in memory, not in the store: at most
//! [`MAX_RELAY_BODY_BYTES`] each (larger: [`codes::MESSAGE_TOO_LONG`]) and
//! [`MAX_RELAY_TOTAL_BYTES`] in all, the oldest forgotten first; they do
//! not survive a restart (a download then gets
//! [`codes::MESSAGE_NOT_FOUND`]). `MsgList` must be an array of 1 to
//! [`MAX_MERGER_MESSAGES`] messages, each with an acceptable `MsgBody`
//! (1 to 32 elements, at most 12 KiB), or it is refused with
//! [`codes::INVALID_PARAMETER`]. A save costs one message of the sender's
//! message rate.

use std::collections::{HashMap, VecDeque};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use tcchat_core::model::{RelayMsg, MAX_MERGER_MESSAGES, MAX_RELAY_KEY_BYTES};
use tcchat_core::proto::relay::{GetRelayRequest, SaveRelayReply};
use tcchat_core::proto::{BaseReply, MsgElem};
use tcchat_core::types::MessageType;
use tcchat_core::wire::Frame;

use super::conn::Ident;
use super::limits::retry_secs;
use super::messaging::check_body;
use super::refusal::Refusal;
use super::request::{refuse, Fail};
use super::{ConnId, Engine};
use crate::codes;
use crate::store::Store;

/// Largest body, bytes.
pub const MAX_RELAY_BODY_BYTES: usize = 512 * 1024;
/// Bytes of all bodies kept together; past it the oldest are forgotten.
pub const MAX_RELAY_TOTAL_BYTES: usize = 64 * 1024 * 1024;
/// Most conversations one body may be sent to.
pub const MAX_RELAY_READERS: usize = 64;

/// A conversation a body was sent to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum RelayConv {
    /// Both users of a C2C conversation.
    C2c(String, String),
    /// The current members of a group.
    Group(String),
}

#[derive(Debug)]
struct RelayEntry {
    owner: String,
    body: String,
    readers: Vec<RelayConv>,
}

/// The stored bodies, by application and key.
#[derive(Debug, Default)]
pub(super) struct RelayBodies {
    bodies: HashMap<(u64, String), RelayEntry>,
    order: VecDeque<(u64, String)>,
    total: usize,
}

impl RelayBodies {
    fn insert(&mut self, app: u64, key: String, entry: RelayEntry) {
        self.total += entry.body.len();
        self.order.push_back((app, key.clone()));
        self.bodies.insert((app, key), entry);
        while self.total > MAX_RELAY_TOTAL_BYTES {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            if let Some(gone) = self.bodies.remove(&oldest) {
                self.total -= gone.body.len();
            }
        }
    }
}

/// `save_relay_json_msg` as the server reads it: the list kept as sent.
#[derive(Deserialize)]
struct SaveRelayBody {
    #[serde(rename = "MsgList", default)]
    msg_list: Option<Box<RawValue>>,
}

/// `get_relay_json_msg`'s reply: the list as it was saved.
#[derive(Serialize)]
struct GetRelayBody {
    #[serde(flatten)]
    base: BaseReply,
    #[serde(rename = "MsgList")]
    msg_list: Box<RawValue>,
}

/// The part of a `TIMRelayElem` the server reads.
#[derive(Deserialize)]
struct RelayElemKey {
    #[serde(rename = "JsonMsgKey", default)]
    json_msg_key: String,
    #[serde(rename = "MsgList", default)]
    msg_list: Vec<RelayMsg>,
}

/// A body's messages must be 1 to [`MAX_MERGER_MESSAGES`], each with an
/// acceptable `MsgBody`.
fn check_messages(list: &[RelayMsg]) -> Result<(), Fail> {
    if list.is_empty() || list.len() > MAX_MERGER_MESSAGES {
        return refuse(
            codes::INVALID_PARAMETER,
            format!(
                "a merger holds 1 to {MAX_MERGER_MESSAGES} messages, not {}",
                list.len()
            ),
        );
    }
    for m in list {
        check_body(&m.msg_body, &m.cloud_custom_data).map_err(|(code, info)| {
            Fail::Refuse(
                if code == codes::MESSAGE_TOO_LONG {
                    codes::INVALID_PARAMETER
                } else {
                    code
                },
                format!("a merged message: {info}"),
            )
        })?;
    }
    Ok(())
}

impl<S: Store> Engine<S> {
    /// `im_long_msg.save_relay_json_msg`: store a merger body, answer its key.
    pub(super) fn on_relay_save(
        &mut self,
        now: Instant,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) {
        let Some((me, req)) = self.begin::<SaveRelayBody>(unix_ms, conn, gzip, frame) else {
            return;
        };
        if let Err(wait) = self.msg_buckets.take(&(me.app, me.user.clone()), now) {
            let refusal = Refusal::MessageRateLimited {
                retry_after_secs: retry_secs(wait),
            };
            return self.refuse(conn, gzip, &frame.head, &refusal);
        }
        let result = self.relay_save(&me, req);
        self.finish_query(conn, gzip, &frame.head, result);
    }

    fn relay_save(&mut self, me: &Ident, req: SaveRelayBody) -> Result<SaveRelayReply, Fail> {
        let Some(raw) = req.msg_list else {
            return refuse(codes::INVALID_PARAMETER, "MsgList is missing");
        };
        let body = raw.get();
        if body.len() > MAX_RELAY_BODY_BYTES {
            return refuse(
                codes::MESSAGE_TOO_LONG,
                format!(
                    "the merger body is {} bytes; the limit is {MAX_RELAY_BODY_BYTES}",
                    body.len()
                ),
            );
        }
        let list: Vec<RelayMsg> = serde_json::from_str(body).map_err(|e| {
            Fail::Refuse(
                codes::INVALID_PARAMETER,
                format!("MsgList is not a message list: {e}"),
            )
        })?;
        check_messages(&list)?;
        let key = format!(
            "relay-{:016x}{:016x}",
            self.tokens.next_u64(),
            self.tokens.next_u64()
        );
        self.relays.insert(
            me.app,
            key.clone(),
            RelayEntry {
                owner: me.user.clone(),
                body: body.to_owned(),
                readers: Vec::new(),
            },
        );
        Ok(SaveRelayReply {
            base: BaseReply::ok(),
            json_msg_key: key,
        })
    }

    /// `im_long_msg.get_relay_json_msg`: a body, to its uploader or a
    /// participant of a conversation it was sent to.
    pub(super) fn on_relay_get(&mut self, unix_ms: u64, conn: ConnId, gzip: bool, frame: &Frame) {
        let Some((me, req)) = self.begin::<GetRelayRequest>(unix_ms, conn, gzip, frame) else {
            return;
        };
        let result = self.relay_get(&me, &req);
        self.finish_query(conn, gzip, &frame.head, result);
    }

    fn relay_get(&mut self, me: &Ident, req: &GetRelayRequest) -> Result<GetRelayBody, Fail> {
        self.check_relay_readable(me, &req.json_msg_key)?;
        let body = self
            .relays
            .bodies
            .get(&(me.app, req.json_msg_key.clone()))
            .and_then(|e| RawValue::from_string(e.body.clone()).ok());
        let Some(msg_list) = body else {
            return refuse(codes::MESSAGE_NOT_FOUND, "no merger body under this key");
        };
        Ok(GetRelayBody {
            base: BaseReply::ok(),
            msg_list,
        })
    }

    /// The key must be known and readable by `me`.
    fn check_relay_readable(&mut self, me: &Ident, key: &str) -> Result<(), Fail> {
        if key.is_empty() || key.len() > MAX_RELAY_KEY_BYTES {
            return refuse(
                codes::INVALID_PARAMETER,
                format!("JsonMsgKey must be 1 to {MAX_RELAY_KEY_BYTES} bytes"),
            );
        }
        let Some(entry) = self.relays.bodies.get(&(me.app, key.to_owned())) else {
            return refuse(
                codes::MESSAGE_NOT_FOUND,
                "no merger body under this key (never stored, or forgotten)",
            );
        };
        if entry.owner == me.user {
            return Ok(());
        }
        let readers = entry.readers.clone();
        for conv in &readers {
            let allowed = match conv {
                RelayConv::C2c(a, b) => *a == me.user || *b == me.user,
                RelayConv::Group(g) => self.store.group_member(me.app, g, &me.user)?.is_some(),
            };
            if allowed {
                return Ok(());
            }
        }
        refuse(
            codes::PERMISSION_DENIED,
            "only the participants of a conversation the merger was sent to may read it",
        )
    }

    /// Before a message is stored: check its merger elements (a well-formed
    /// inline list, or a key `me` may read) and let `conv` read the keys.
    pub(super) fn grant_relays(
        &mut self,
        me: &Ident,
        conv: RelayConv,
        body: &[MsgElem],
    ) -> Result<(), Fail> {
        for elem in body {
            if elem.msg_type != MessageType::Merger.as_str() {
                continue;
            }
            let content: RelayElemKey =
                serde_json::from_str(elem.msg_content.get()).map_err(|e| {
                    Fail::Refuse(
                        codes::INVALID_PARAMETER,
                        format!("a TIMRelayElem is malformed: {e}"),
                    )
                })?;
            if content.json_msg_key.is_empty() {
                check_messages(&content.msg_list)?;
                continue;
            }
            self.check_relay_readable(me, &content.json_msg_key)?;
            let Some(entry) = self.relays.bodies.get_mut(&(me.app, content.json_msg_key)) else {
                continue;
            };
            if !entry.readers.contains(&conv) {
                if entry.readers.len() >= MAX_RELAY_READERS {
                    return refuse(
                        codes::TOO_MANY_ITEMS,
                        format!("the merger was sent to {MAX_RELAY_READERS} conversations already"),
                    );
                }
                entry.readers.push(conv.clone());
            }
        }
        Ok(())
    }
}
