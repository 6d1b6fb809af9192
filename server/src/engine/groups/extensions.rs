//! Extensions of group messages (PROTOCOL.md 8.10):
//! `openim_msg_ext_http_svc.group_set_key_values` and
//! `group_get_key_values`.
//!
//! The rules are those of C2C extensions (`engine::extensions`): each
//! message sent with `SupportMessageExtension: 1` has a global extension
//! sequence, every change of a key takes the next value of it, a deleted
//! key is kept with an empty value, a clear forgets every key and sets
//! `ClearSeq`, a stale `Seq` is a conflict for that key only, and a key
//! already as asked succeeds with no change. A group message is named by
//! `GroupId` and `MsgSeq`; only a current member who can see the message
//! may use its extensions. A change is told to every current member
//! (`MsgExtensionNotify` with `ExtensionGroupMsgInfo`) through the
//! per-user notice path, so that members offline get it in their next
//! sync.

use std::collections::BTreeMap;

use tcchat_core::proto::ext::{
    ExtGroupMsgInfo, ExtKeyValue, ExtOp, ExtensionNotify, GetKeyValuesReply,
    GroupGetKeyValuesRequest, GroupSetKeyValuesRequest, KvInfo, SetKeyValuesReply,
};
use tcchat_core::proto::group_msg::GroupWireMessage;
use tcchat_core::proto::{BaseReply, PushEvent};
use tcchat_core::wire::Frame;

use super::super::conn::Ident;
use super::super::extensions::{apply_ext_keys, check_ext_request, wire_kv};
use super::super::notify::{Queued, EVENT_EXTENSION};
use super::super::request::{refuse, Fail};
use super::super::{ConnId, Engine};
use super::{Fanout, GroupWrite};
use crate::bounds;
use crate::codes;
use crate::store::{Change, Extension, GroupRecord, Store};

impl<S: Store> Engine<S> {
    /// The group and the message at `seq` of it that `me`, a current
    /// member who can see it, may use the extensions of.
    fn group_ext_target(
        &mut self,
        me: &Ident,
        group_id: &str,
        seq: u64,
    ) -> Result<(GroupRecord, GroupWireMessage), Fail> {
        let g = self.live_group(me.app, group_id)?;
        self.membership(me.app, &g.id, &me.user)?;
        let m = self.visible_message(me.app, &g, &me.user, seq)?;
        if m.support_message_extension == 0 {
            return refuse(
                codes::EXTENSIONS_NOT_SUPPORTED,
                "the message was not sent with SupportMessageExtension",
            );
        }
        Ok((g, m))
    }

    /// `openim_msg_ext_http_svc.group_set_key_values`.
    pub(super) fn on_group_ext_set(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) {
        let Some((me, req)) =
            self.begin_change::<GroupSetKeyValuesRequest>(unix_ms, conn, gzip, frame)
        else {
            return;
        };
        let result = self.group_ext_set(&me, &req);
        self.finish_group(unix_ms, &me, conn, gzip, &frame.head, result);
    }

    fn group_ext_set(
        &mut self,
        me: &Ident,
        req: &GroupSetKeyValuesRequest,
    ) -> Result<(SetKeyValuesReply, Queued, Vec<Fanout>), Fail> {
        let op = req.operate_type;
        let list = &req.extension_list;
        check_ext_request(op, list)?;
        let (g, m) = self.group_ext_target(me, &req.group_id, req.msg_seq)?;
        let now = self.store.group_extensions(me.app, &g.id, m.msg_seq)?;
        let mut ext_seq = now.latest_seq();
        let mut clear_seq = now.clear_seq;
        let mut stored: BTreeMap<String, Extension> =
            now.keys.into_iter().map(|e| (e.key.clone(), e)).collect();
        let mut w = GroupWrite::default();
        let mut results = Vec::new();
        let mut changed = Vec::new();
        if op == ExtOp::CLEAR {
            ext_seq += 1;
            clear_seq = ext_seq;
            w.change(Change::GroupClearExtensions {
                group: g.id.clone(),
                seq: m.msg_seq,
                clear_seq,
            });
        } else {
            let (items, written) = apply_ext_keys(op, list, &mut stored, &mut ext_seq);
            results = items;
            for ext in written {
                changed.push(wire_kv(&ext));
                w.change(Change::GroupExtension {
                    group: g.id.clone(),
                    seq: m.msg_seq,
                    ext,
                });
            }
        }
        let reply = SetKeyValuesReply {
            base: BaseReply::ok(),
            extension_list: results,
            seq: ext_seq,
        };
        if op != ExtOp::CLEAR && changed.is_empty() {
            return Ok((reply, Queued::default(), Vec::new()));
        }
        let kv = vec![KvInfo {
            msg_key_value: changed,
            clear_msg_seq: if op == ExtOp::CLEAR { clear_seq } else { 0 },
        }];
        let mut notify = ExtensionNotify {
            tiny_id: m.tiny_id.clone(),
            msg_last_seq: ext_seq,
            msg_opt_type: op,
            extension_group_msg_info: Some(ExtGroupMsgInfo {
                group_id: g.id.clone(),
                from_account: m.from_account.clone(),
                msg_seq: m.msg_seq,
                msg_random: m.msg_random,
                msg_time: m.msg_time_stamp,
                msg_client_time: m.msg_client_time,
            }),
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
        self.tell_members(me.app, &g, &mut w, &event)?;
        let (queued, fanout) = self.commit_group(me, w)?;
        Ok((reply, queued, fanout))
    }

    /// `openim_msg_ext_http_svc.group_get_key_values`: as `get_key_values`,
    /// the keys changed at or after `startSeq`, [`bounds::EXTENSIONS_PAGE`]
    /// at a time.
    pub(super) fn on_group_ext_get(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) {
        let Some((me, req)) = self.begin::<GroupGetKeyValuesRequest>(unix_ms, conn, gzip, frame)
        else {
            return;
        };
        let result = (|| {
            let (g, m) = self.group_ext_target(&me, &req.group_id, req.msg_seq)?;
            let all = self.store.group_extensions(me.app, &g.id, m.msg_seq)?;
            let after: Vec<&Extension> =
                all.keys.iter().filter(|e| e.seq >= req.start_seq).collect();
            let page: Vec<ExtKeyValue> = after
                .iter()
                .take(bounds::EXTENSIONS_PAGE)
                .map(|e| wire_kv(e))
                .collect();
            Ok::<_, Fail>(GetKeyValuesReply {
                base: BaseReply::ok(),
                complete_flag: u8::from(after.len() <= page.len()),
                extension_list: page,
                latest_seq: all.latest_seq(),
                clear_seq: all.clear_seq,
            })
        })();
        self.finish_query(conn, gzip, &frame.head, result);
    }
}
