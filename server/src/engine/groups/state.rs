//! Live group state (issue 17, PROTOCOL.md 8.13 and 8.14): group
//! attributes (`get_group_attr`, `set_group_attr`, `modify_group_attr`,
//! `delete_group_attr`, `clear_group_attr`) and group counters
//! (`update_group_counter`, `get_group_counter`).
//!
//! Any current member may read and write them (an `AVChatRoom`'s members
//! are its online users). Every write takes the next value of the group's
//! attribute main sequence (or counter sequence) and is told to every
//! member's online sockets but the writer's own (its reply tells it) as an
//! Event 6 `GroupTips` item, the shape the official SDK was verified to
//! apply: `MsgGroupNewInfo.GroupAttrOption` with `GroupAttrSeq`,
//! `PushChangedAttrValFlag: 1` and what changed, or `GroupCounterInfo`
//! with the new values. These tips are online only: they take no group
//! sequence and are not kept; a member who missed one learns the state
//! from its next read (the official SDK re-fetches when a pushed main
//! sequence is not the next one).
//!
//! An attribute write with `AttrControl: ["RaceConflict"]` is refused with
//! [`codes::GROUP_ATTR_CONFLICT`] unless its `AttrMainSeq` is the group's
//! current main sequence: of two writers that read the same sequence,
//! exactly one wins.

use tcchat_core::proto::group_msg::{event, GroupNewInfo, GroupTip, TipBody};
use tcchat_core::proto::group_state::{
    attr_op, cmd, counter_change, counter_mode, AttrItem, CounterItem, CounterReply, GetAttrReply,
    GetAttrRequest, GetCounterRequest, GroupAttrOption, GroupCounterInfo, PushedCounter,
    UpdateCounterRequest, WriteAttrReply, WriteAttrRequest, RACE_CONFLICT, TIP_OP_STATE,
};
use tcchat_core::proto::{BaseReply, PushEvent};
use tcchat_core::wire::Frame;

use super::super::conn::Ident;
use super::super::notify::Queued;
use super::super::request::{refuse, Fail};
use super::super::{ConnId, Engine};
use super::{view, Fanout, GroupWrite};
use crate::codes;
use crate::store::{Change, GroupAttributes, GroupCounters, GroupRecord, Store};

/// Most attributes a group holds (Tencent's documented limit).
pub(crate) const MAX_ATTR_KEYS: usize = 16;
/// Most bytes of an attribute key.
pub(crate) const MAX_ATTR_KEY_BYTES: usize = 32;
/// Most bytes of an attribute value.
pub(crate) const MAX_ATTR_VALUE_BYTES: usize = 4000;
/// Most bytes of a group's attributes together, keys and values.
pub(crate) const MAX_ATTR_TOTAL_BYTES: usize = 16 * 1024;
/// Most counters a group holds (ours).
pub(crate) const MAX_COUNTERS: usize = 20;
/// Most bytes of a counter key (ours).
pub(crate) const MAX_COUNTER_KEY_BYTES: usize = 128;

/// Which attribute write a request is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AttrWrite {
    Init,
    Modify,
    Delete,
    Clear,
}

impl AttrWrite {
    fn of(servcmd: &str) -> Option<AttrWrite> {
        Some(match servcmd {
            cmd::INIT_ATTR => AttrWrite::Init,
            cmd::MODIFY_ATTR => AttrWrite::Modify,
            cmd::DELETE_ATTR => AttrWrite::Delete,
            cmd::CLEAR_ATTR => AttrWrite::Clear,
            _ => return None,
        })
    }

    fn op_type(self) -> u32 {
        match self {
            AttrWrite::Init => attr_op::INIT,
            AttrWrite::Modify => attr_op::MODIFY,
            AttrWrite::Delete => attr_op::DELETE,
            AttrWrite::Clear => attr_op::CLEAR,
        }
    }
}

/// Check one key: not empty, at most [`MAX_ATTR_KEY_BYTES`].
fn check_attr_key(key: &str) -> Result<(), Fail> {
    if key.is_empty() {
        return refuse(codes::INVALID_PARAMETER, "an attribute key is empty");
    }
    if key.len() > MAX_ATTR_KEY_BYTES {
        return refuse(
            codes::GROUP_ATTR_KEY_TOO_LONG,
            format!(
                "attribute key {} has {} bytes; the limit is {MAX_ATTR_KEY_BYTES}",
                view::bounded(key),
                key.len()
            ),
        );
    }
    Ok(())
}

/// Apply `write` of `items` to `attrs` (sorted by key), checking every
/// limit; the keys the reply and the push name.
fn apply_attr_write(
    write: AttrWrite,
    items: &[AttrItem],
    attrs: &mut Vec<(String, String)>,
) -> Result<(), Fail> {
    if items.len() > MAX_ATTR_KEYS {
        return refuse(
            codes::GROUP_ATTR_TOO_MANY_KEYS,
            format!(
                "{} keys given; a group holds at most {MAX_ATTR_KEYS}",
                items.len()
            ),
        );
    }
    if matches!(write, AttrWrite::Modify | AttrWrite::Delete) && items.is_empty() {
        return refuse(codes::INVALID_PARAMETER, "GroupAttr is empty");
    }
    for item in items {
        check_attr_key(&item.key)?;
        if write != AttrWrite::Delete {
            let value = item.value.as_deref().unwrap_or("");
            if value.len() > MAX_ATTR_VALUE_BYTES {
                return refuse(
                    codes::GROUP_ATTR_VALUE_TOO_LONG,
                    format!(
                        "the value of {} has {} bytes; the limit is {MAX_ATTR_VALUE_BYTES}",
                        view::bounded(&item.key),
                        value.len()
                    ),
                );
            }
        }
    }
    match write {
        AttrWrite::Clear => attrs.clear(),
        AttrWrite::Init => {
            attrs.clear();
            for item in items {
                upsert(attrs, &item.key, item.value.clone().unwrap_or_default());
            }
        }
        AttrWrite::Modify => {
            for item in items {
                upsert(attrs, &item.key, item.value.clone().unwrap_or_default());
            }
        }
        AttrWrite::Delete => attrs.retain(|(k, _)| !items.iter().any(|i| &i.key == k)),
    }
    if attrs.len() > MAX_ATTR_KEYS {
        return refuse(
            codes::GROUP_ATTR_TOO_MANY_KEYS,
            format!(
                "the group would hold {} attributes; the limit is {MAX_ATTR_KEYS}",
                attrs.len()
            ),
        );
    }
    let total: usize = attrs.iter().map(|(k, v)| k.len() + v.len()).sum();
    if total > MAX_ATTR_TOTAL_BYTES {
        return refuse(
            codes::GROUP_ATTR_TOTAL_TOO_BIG,
            format!("the attributes would hold {total} bytes; the limit is {MAX_ATTR_TOTAL_BYTES}"),
        );
    }
    Ok(())
}

fn upsert(attrs: &mut Vec<(String, String)>, key: &str, value: String) {
    match attrs.binary_search_by(|(k, _)| k.as_str().cmp(key)) {
        Ok(i) => attrs[i].1 = value,
        Err(i) => attrs.insert(i, (key.to_owned(), value)),
    }
}

impl<S: Store> Engine<S> {
    /// The live group `group_id` of which `me` is a current member.
    fn state_target(&mut self, me: &Ident, group_id: &str) -> Result<GroupRecord, Fail> {
        let g = self.live_group(me.app, group_id)?;
        self.membership(me.app, &g.id, &me.user)?;
        Ok(g)
    }

    /// An Event 6 tip by `me` about `g`, for every member's online sockets
    /// but `conn`.
    pub(super) fn state_tip(
        &mut self,
        me: &Ident,
        g: &GroupRecord,
        unix_ms: u64,
        body: TipBody,
        conn: ConnId,
    ) -> Result<Fanout, Fail> {
        let time = unix_ms / 1000;
        let tip = GroupTip {
            from_account: me.user.clone(),
            to_group_id: g.id.clone(),
            msg_seq: 0,
            msg_random: self.tokens.next_u64() & 0xFFFF_FFFF,
            msg_time_stamp: time,
            msg_client_time: time,
            tiny_id: me.tiny_id.clone(),
            group_info: view::tip_group_info(g),
            msg_body: TipBody {
                op_type: TIP_OP_STATE,
                operator_account: me.user.clone(),
                ..body
            },
        };
        let to = self
            .store
            .group_members(me.app, &g.id)?
            .into_iter()
            .map(|m| m.user)
            .collect();
        Ok(Fanout {
            event: PushEvent {
                event: event::GROUP_ONLINE_TIP,
                group_tips: Some(vec![tip]),
                ..PushEvent::default()
            },
            to,
            skip: Some(conn),
        })
    }

    /// `group_open_attr_http_svc.get_group_attr`.
    pub(super) fn on_get_group_attr(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) {
        let Some((me, req)) = self.begin::<GetAttrRequest>(unix_ms, conn, gzip, frame) else {
            return;
        };
        let result = (|| {
            let g = self.state_target(&me, &req.group_id)?;
            let state = self.store.group_attributes(me.app, &g.id)?;
            Ok::<_, Fail>(GetAttrReply {
                base: BaseReply::ok(),
                group_attr_ary: state
                    .attrs
                    .into_iter()
                    .map(|(key, value)| AttrItem {
                        key,
                        value: Some(value),
                        seq: None,
                    })
                    .collect(),
                attr_main_seq: state.main_seq,
            })
        })();
        self.finish_query(conn, gzip, &frame.head, result);
    }

    /// `set_group_attr`, `modify_group_attr`, `delete_group_attr`,
    /// `clear_group_attr`.
    pub(super) fn on_write_group_attr(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) {
        let Some(write) = AttrWrite::of(&frame.head.servcmd) else {
            return;
        };
        let Some((me, req)) = self.begin_change::<WriteAttrRequest>(unix_ms, conn, gzip, frame)
        else {
            return;
        };
        let result = self.write_group_attr(&me, unix_ms, conn, write, &req);
        self.finish_group(unix_ms, &me, conn, gzip, &frame.head, result);
    }

    fn write_group_attr(
        &mut self,
        me: &Ident,
        unix_ms: u64,
        conn: ConnId,
        write: AttrWrite,
        req: &WriteAttrRequest,
    ) -> Result<(WriteAttrReply, Queued, Vec<Fanout>), Fail> {
        let g = self.state_target(me, &req.group_id)?;
        let now = self.store.group_attributes(me.app, &g.id)?;
        if req.attr_control.iter().any(|c| c == RACE_CONFLICT) && req.attr_main_seq != now.main_seq
        {
            return refuse(
                codes::GROUP_ATTR_CONFLICT,
                format!(
                    "the attributes changed: main sequence {} asked, {} now; get them again",
                    req.attr_main_seq, now.main_seq
                ),
            );
        }
        let items: &[AttrItem] = if write == AttrWrite::Clear {
            &[]
        } else {
            &req.group_attr
        };
        let mut attrs = now.attrs;
        apply_attr_write(write, items, &mut attrs)?;
        let main_seq = now.main_seq + 1;
        let mut w = GroupWrite::default();
        w.change(Change::GroupAttributes {
            group: g.id.clone(),
            state: GroupAttributes { main_seq, attrs },
        });
        let changed: Vec<AttrItem> = items
            .iter()
            .map(|i| AttrItem {
                key: i.key.clone(),
                value: (write != AttrWrite::Delete).then(|| i.value.clone().unwrap_or_default()),
                seq: None,
            })
            .collect();
        let body = TipBody {
            msg_group_new_info: Some(GroupNewInfo {
                group_attr_option: Some(GroupAttrOption {
                    group_attr_seq: main_seq,
                    push_changed_attr_val_flag: 1,
                    op_type: write.op_type(),
                    group_attr_info: changed,
                }),
                ..GroupNewInfo::default()
            }),
            ..TipBody::default()
        };
        let fanout = self.state_tip(me, &g, unix_ms, body, conn)?;
        let (queued, mut out) = self.commit_group(me, w)?;
        out.push(fanout);
        let reply = WriteAttrReply {
            base: BaseReply::ok(),
            group_attr: items
                .iter()
                .map(|i| AttrItem {
                    key: i.key.clone(),
                    value: None,
                    seq: None,
                })
                .collect(),
            attr_main_seq: main_seq,
        };
        Ok((reply, queued, out))
    }

    /// `group_open_http_svc.get_group_counter`.
    pub(super) fn on_get_group_counter(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) {
        let Some((me, req)) = self.begin::<GetCounterRequest>(unix_ms, conn, gzip, frame) else {
            return;
        };
        let result = (|| {
            let g = self.state_target(&me, &req.group_id)?;
            if req.group_counter_keys.len() > MAX_COUNTERS {
                return refuse(
                    codes::TOO_MANY_ITEMS,
                    format!("at most {MAX_COUNTERS} keys at a time"),
                );
            }
            let state = self.store.group_counters(me.app, &g.id)?;
            let group_counter = state
                .counters
                .into_iter()
                .filter(|(k, _)| {
                    req.group_counter_keys.is_empty() || req.group_counter_keys.contains(k)
                })
                .map(|(key, value)| CounterItem { key, value })
                .collect();
            Ok::<_, Fail>(CounterReply {
                base: BaseReply::ok(),
                group_counter,
                group_counter_seq: state.seq,
            })
        })();
        self.finish_query(conn, gzip, &frame.head, result);
    }

    /// `group_open_http_svc.update_group_counter`.
    pub(super) fn on_update_group_counter(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) {
        let Some((me, req)) = self.begin_change::<UpdateCounterRequest>(unix_ms, conn, gzip, frame)
        else {
            return;
        };
        let result = self.update_group_counter(&me, unix_ms, conn, &req);
        self.finish_group(unix_ms, &me, conn, gzip, &frame.head, result);
    }

    fn update_group_counter(
        &mut self,
        me: &Ident,
        unix_ms: u64,
        conn: ConnId,
        req: &UpdateCounterRequest,
    ) -> Result<(CounterReply, Queued, Vec<Fanout>), Fail> {
        let g = self.state_target(me, &req.group_id)?;
        if req.group_counter.is_empty() {
            return refuse(codes::INVALID_PARAMETER, "GroupCounter is empty");
        }
        if req.group_counter.len() > MAX_COUNTERS {
            return refuse(
                codes::TOO_MANY_ITEMS,
                format!("at most {MAX_COUNTERS} counters at a time"),
            );
        }
        let mode = req.mode.as_str();
        if ![
            counter_mode::SET,
            counter_mode::INCREASE,
            counter_mode::DECREASE,
        ]
        .contains(&mode)
        {
            return refuse(
                codes::INVALID_PARAMETER,
                format!(
                    "Mode {} is not Set, Increase or Decrease",
                    view::bounded(mode)
                ),
            );
        }
        let now = self.store.group_counters(me.app, &g.id)?;
        let mut counters = now.counters;
        let mut written: Vec<CounterItem> = Vec::with_capacity(req.group_counter.len());
        for item in &req.group_counter {
            if item.key.is_empty() || item.key.len() > MAX_COUNTER_KEY_BYTES {
                return refuse(
                    codes::INVALID_PARAMETER,
                    format!("a counter key must have 1 to {MAX_COUNTER_KEY_BYTES} bytes"),
                );
            }
            let at = counters.binary_search_by(|(k, _)| k.as_str().cmp(&item.key));
            let old = at.map_or(0, |i| counters[i].1);
            let new = match mode {
                counter_mode::SET => Some(item.value),
                counter_mode::INCREASE => old.checked_add(item.value),
                _ => old.checked_sub(item.value),
            };
            let Some(new) = new else {
                return refuse(
                    codes::INVALID_PARAMETER,
                    format!("counter {} would overflow", view::bounded(&item.key)),
                );
            };
            match at {
                Ok(i) => counters[i].1 = new,
                Err(i) => counters.insert(i, (item.key.clone(), new)),
            }
            written.retain(|c| c.key != item.key);
            written.push(CounterItem {
                key: item.key.clone(),
                value: new,
            });
        }
        if counters.len() > MAX_COUNTERS {
            return refuse(
                codes::TOO_MANY_ITEMS,
                format!(
                    "the group would hold {} counters; the limit is {MAX_COUNTERS}",
                    counters.len()
                ),
            );
        }
        let seq = now.seq + 1;
        let mut w = GroupWrite::default();
        w.change(Change::GroupCounters {
            group: g.id.clone(),
            state: GroupCounters { seq, counters },
        });
        let body = TipBody {
            group_counter_info: Some(vec![GroupCounterInfo {
                kind: if mode == counter_mode::SET {
                    counter_change::SET
                } else {
                    counter_change::UPDATE
                },
                group_counter_seq: seq,
                group_counter: written
                    .iter()
                    .map(|c| PushedCounter {
                        key: c.key.clone(),
                        value: c.value,
                    })
                    .collect(),
            }]),
            ..TipBody::default()
        };
        let fanout = self.state_tip(me, &g, unix_ms, body, conn)?;
        let (queued, mut out) = self.commit_group(me, w)?;
        out.push(fanout);
        Ok((
            CounterReply {
                base: BaseReply::ok(),
                group_counter: written,
                group_counter_seq: seq,
            },
            queued,
            out,
        ))
    }
}
