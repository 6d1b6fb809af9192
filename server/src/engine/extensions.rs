//! Message extensions: `openim_msg_ext_http_svc.set_key_values` and
//! `get_key_values` (messages-facts §3).
//!
//! Each message sent with `SupportMessageExtension: 1` has a global
//! extension sequence; every change of a key takes the next value of it
//! as the key's `Seq`. Deleting a key keeps it with an empty value (so that
//! a client fetching changes learns of the deletion); clearing forgets
//! every key and sets `ClearSeq` to the next sequence. A set or delete
//! names the `Seq` of the key the client last knew (0: unknown); another
//! stored `Seq` is a conflict for that key only, unless the key already is
//! as asked (that value, or deleted), which succeeds with no change (so a
//! request resent after a lost reply succeeds).

use std::collections::BTreeMap;

use tcchat_core::proto::ext::{
    ExtKeyValue, ExtMsgInfo, ExtOp, ExtResult, ExtensionNotify, GetKeyValuesReply,
    GetKeyValuesRequest, KvInfo, SetKeyValuesReply, SetKeyValuesRequest,
};
use tcchat_core::proto::{BaseReply, PushEvent};
use tcchat_core::wire::Frame;

use super::conn::Ident;
use super::msgops::{parse_msg_key, to_both_parties};
use super::notify::{Queued, EVENT_EXTENSION};
use super::request::{check_len, refuse, Fail};
use super::{ConnId, Engine};
use crate::bounds;
use crate::codes;
use crate::store::{Change, Extension, MessageRecord, Store};

pub(super) fn wire_kv(e: &Extension) -> ExtKeyValue {
    ExtKeyValue {
        key: e.key.clone(),
        value: e.value.clone(),
        seq: e.seq,
    }
}

/// The per-key rule of a set or delete (`op`), shared by C2C and group
/// messages: a key already as asked (that value, or deleted) succeeds with
/// no change; a `Seq` other than the stored one is a conflict for that key;
/// a new key past [`bounds::MAX_EXTENSION_KEYS`] is refused; any other key
/// takes the next extension sequence (`ext_seq` advances) and is written
/// into `stored`. Returns the reply items and the extensions written, in
/// request order.
pub(super) fn apply_ext_keys(
    op: u8,
    list: &[ExtKeyValue],
    stored: &mut BTreeMap<String, Extension>,
    ext_seq: &mut u64,
) -> (Vec<ExtResult>, Vec<Extension>) {
    let mut results = Vec::with_capacity(list.len());
    let mut written = Vec::new();
    let deleting = op == ExtOp::DELETE;
    for kv in list {
        let current = stored.get(&kv.key);
        let current_seq = current.map_or(0, |e| e.seq);
        // Already as asked (nothing to delete, or this very value set, say
        // by this request sent before its reply was lost): success, no
        // change.
        let settled = if deleting {
            current.is_none_or(|e| e.value.is_empty())
        } else {
            current.is_some_and(|e| e.value == kv.value)
        };
        if settled {
            results.push(ExtResult {
                error_code: 0,
                extension: ExtKeyValue {
                    key: kv.key.clone(),
                    value: current.map(|e| e.value.clone()).unwrap_or_default(),
                    seq: current_seq,
                },
            });
            continue;
        }
        let error = if kv.seq != current_seq {
            codes::EXTENSION_SEQ_CONFLICT
        } else if current.is_none() && stored.len() >= bounds::MAX_EXTENSION_KEYS {
            codes::EXTENSION_KEYS_FULL
        } else {
            0
        };
        if error != 0 {
            results.push(ExtResult {
                error_code: error,
                extension: current.map_or_else(
                    || ExtKeyValue {
                        key: kv.key.clone(),
                        ..ExtKeyValue::default()
                    },
                    wire_kv,
                ),
            });
            continue;
        }
        *ext_seq += 1;
        let ext = Extension {
            key: kv.key.clone(),
            value: if deleting {
                String::new()
            } else {
                kv.value.clone()
            },
            seq: *ext_seq,
        };
        results.push(ExtResult {
            error_code: 0,
            extension: wire_kv(&ext),
        });
        stored.insert(ext.key.clone(), ext.clone());
        written.push(ext);
    }
    (results, written)
}

/// Refuse a `set_key_values` (C2C or group) whose `OperateType` or
/// `ExtensionList` is malformed: 20 keys at most, keys 1 to
/// [`bounds::MAX_EXTENSION_KEY_BYTES`] bytes, values at most
/// [`bounds::MAX_EXTENSION_VALUE_BYTES`], no empty value to set.
pub(super) fn check_ext_request(op: u8, list: &[ExtKeyValue]) -> Result<(), Fail> {
    if op != ExtOp::SET && op != ExtOp::DELETE && op != ExtOp::CLEAR {
        return refuse(
            codes::INVALID_PARAMETER,
            format!("OperateType {op} is not 1 (set), 2 (delete) or 3 (clear)"),
        );
    }
    if op != ExtOp::CLEAR {
        if list.is_empty() {
            return refuse(codes::INVALID_PARAMETER, "ExtensionList is empty");
        }
        check_len("ExtensionList", list, bounds::MAX_EXTENSIONS_PER_CALL)?;
        for kv in list {
            if kv.key.is_empty() || kv.key.len() > bounds::MAX_EXTENSION_KEY_BYTES {
                return refuse(
                    codes::INVALID_PARAMETER,
                    format!(
                        "an extension key must be 1 to {} bytes",
                        bounds::MAX_EXTENSION_KEY_BYTES
                    ),
                );
            }
            if kv.value.len() > bounds::MAX_EXTENSION_VALUE_BYTES {
                return refuse(
                    codes::INVALID_PARAMETER,
                    format!(
                        "an extension value must be at most {} bytes",
                        bounds::MAX_EXTENSION_VALUE_BYTES
                    ),
                );
            }
            if op == ExtOp::SET && kv.value.is_empty() {
                return refuse(
                    codes::INVALID_PARAMETER,
                    "an extension value to set must not be empty (delete the key instead)",
                );
            }
        }
    }
    Ok(())
}

impl<S: Store> Engine<S> {
    /// The message an extension request names, which the caller is a party
    /// of and which supports extensions.
    fn extension_target(
        &mut self,
        me: &Ident,
        from: &str,
        to: &str,
        msg_key: &str,
    ) -> Result<MessageRecord, Fail> {
        let Some((seq, random, time)) = parse_msg_key(msg_key) else {
            return refuse(
                codes::INVALID_PARAMETER,
                format!("MsgKey {msg_key:?} is not <sequence>_<random>_<time>"),
            );
        };
        let m = self.find_message(me.app, from, to, seq, random, time)?;
        if m.msg.from != me.user && m.msg.to != me.user {
            return refuse(
                codes::PERMISSION_DENIED,
                "only the parties of a conversation may use its extensions",
            );
        }
        if !m.msg.support_extension {
            return refuse(
                codes::EXTENSIONS_NOT_SUPPORTED,
                "the message was not sent with SupportMessageExtension",
            );
        }
        Ok(m)
    }

    /// `openim_msg_ext_http_svc.set_key_values`.
    pub(super) fn on_ext_set(&mut self, unix_ms: u64, conn: ConnId, gzip: bool, frame: &Frame) {
        let Some((me, req)) = self.begin_change::<SetKeyValuesRequest>(unix_ms, conn, gzip, frame)
        else {
            return;
        };
        let result = self.ext_set(&me, &req);
        self.finish_change(unix_ms, &me, conn, gzip, &frame.head, result);
    }

    fn ext_set(
        &mut self,
        me: &Ident,
        req: &SetKeyValuesRequest,
    ) -> Result<(SetKeyValuesReply, Queued), Fail> {
        let mut m = self.extension_target(me, &req.from_account, &req.to_account, &req.msg_key)?;
        let op = req.operate_type;
        let list = &req.extension_list;
        check_ext_request(op, list)?;
        let mut stored: BTreeMap<String, Extension> = self
            .store
            .extensions(me.app, m.id)?
            .into_iter()
            .map(|e| (e.key.clone(), e))
            .collect();
        let mut changes = Vec::new();
        let mut results = Vec::new();
        let mut changed = Vec::new();
        if op == ExtOp::CLEAR {
            m.state.ext_seq += 1;
            m.state.ext_clear_seq = m.state.ext_seq;
            changes.push(Change::ClearExtensions { msg_id: m.id });
        } else {
            let (items, written) = apply_ext_keys(op, list, &mut stored, &mut m.state.ext_seq);
            results = items;
            for ext in written {
                changed.push(wire_kv(&ext));
                changes.push(Change::Extension { msg_id: m.id, ext });
            }
        }
        let reply = SetKeyValuesReply {
            base: BaseReply::ok(),
            extension_list: results,
            seq: m.state.ext_seq,
        };
        if op != ExtOp::CLEAR && changed.is_empty() {
            return Ok((reply, Queued::default()));
        }
        let kv = vec![KvInfo {
            msg_key_value: changed,
            clear_msg_seq: if op == ExtOp::CLEAR {
                m.state.ext_clear_seq
            } else {
                0
            },
        }];
        let mut notify = ExtensionNotify {
            tiny_id: m.msg.sender_tiny_id.to_string(),
            msg_last_seq: m.state.ext_seq,
            msg_opt_type: op,
            extension_c2c_msg_info: ExtMsgInfo {
                from_account: m.msg.from.clone(),
                to_account: m.msg.to.clone(),
                msg_seq: m.msg.msg_seq,
                msg_random: m.msg.msg_random,
                msg_time: m.msg.msg_time,
                msg_client_time: m.msg.client_time,
            },
            ..ExtensionNotify::default()
        };
        match op {
            ExtOp::SET => notify.set_kv_info = kv,
            ExtOp::DELETE => notify.delete_kv_info = kv,
            _ => notify.clear_kv_info = kv,
        }
        let event = PushEvent {
            event: EVENT_EXTENSION,
            msg_extension_notify: Some(notify),
            ..PushEvent::default()
        };
        let notices = to_both_parties(me, &m, event);
        changes.push(Change::Message(m));
        Ok((reply, self.commit(me, changes, notices)?))
    }

    /// `openim_msg_ext_http_svc.get_key_values`: the keys changed at or
    /// after `startSeq` (all keys when it is 0), deleted ones with an empty
    /// value, in sequence order, [`bounds::EXTENSIONS_PAGE`] at a time
    /// (`CompleteFlag` 0 while more follow: the client asks again from the
    /// last `Seq` + 1).
    pub(super) fn on_ext_get(&mut self, unix_ms: u64, conn: ConnId, gzip: bool, frame: &Frame) {
        let Some((me, req)) = self.begin::<GetKeyValuesRequest>(unix_ms, conn, gzip, frame) else {
            return;
        };
        let result = (|| {
            let m = self.extension_target(&me, &req.from_account, &req.to_account, &req.msg_key)?;
            let all = self.store.extensions(me.app, m.id)?;
            let after: Vec<&Extension> = all.iter().filter(|e| e.seq >= req.start_seq).collect();
            let page: Vec<ExtKeyValue> = after
                .iter()
                .take(bounds::EXTENSIONS_PAGE)
                .map(|e| wire_kv(e))
                .collect();
            Ok::<_, Fail>(GetKeyValuesReply {
                base: BaseReply::ok(),
                complete_flag: u8::from(after.len() <= page.len()),
                extension_list: page,
                latest_seq: m.state.ext_seq,
                clear_seq: m.state.ext_clear_seq,
            })
        })();
        self.finish_query(conn, gzip, &frame.head, result);
    }
}
