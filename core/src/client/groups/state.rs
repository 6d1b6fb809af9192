//! Live group state (issue 17, docs/GROUPS.md "Group attributes" and
//! "Group counters"): `initGroupAttributes`, `setGroupAttributes`,
//! `deleteGroupAttributes`, `getGroupAttributes`, `setGroupCounters`,
//! `increaseGroupCounter`, `decreaseGroupCounter`, `getGroupCounters`, and
//! the Event 6 `GroupTips` that carry other members' changes.
//!
//! Attributes: this instance keeps, per group it has read or written, the
//! attributes and their main sequence. A write goes out with that main
//! sequence and `AttrControl: ["RaceConflict"]` (as the official SDK
//! sends it), so the server refuses it when someone wrote since; with no
//! attributes held yet the write first reads them. A successful write
//! updates what is held and fires GROUP_ATTRIBUTES_UPDATED at once; a
//! refused one for a conflict re-reads them (the event then tells the
//! winner's values). A pushed change is applied in place when it carries
//! its values and its sequence is the next one; a push that skips
//! sequences (one was missed) or carries no values makes this instance
//! read them again and report the difference; a push for a group whose
//! attributes are not held is dropped, as the official SDK drops it. A
//! re-login after a reconnect reads the held groups' attributes again
//! (pushes sent meanwhile were lost).
//!
//! Counters: every call asks the server (no cache); each counter of a
//! pushed change fires GROUP_COUNTER_UPDATED. The counter APIs need
//! purchase bit 15 and fail with 3122 without it.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use super::super::conv_api::parse_reply;
use super::super::features::Feature;
use super::super::request::{Call, Output, Request, RequestId};
use super::super::Client;
use crate::error::{ChatError, ErrorCode};
use crate::event::Event;
use crate::proto::group_msg::GroupTip;
use crate::proto::group_state::{
    attr_op, cmd, counter_change, counter_mode, AttrItem, CounterItem, CounterReply, GetAttrReply,
    GetAttrRequest, GetCounterRequest, GroupAttrOption, GroupCounterInfo, UpdateCounterRequest,
    WriteAttrReply, WriteAttrRequest, ATTR_GROUP_TYPE_AV, ATTR_GROUP_TYPE_OTHER, RACE_CONFLICT,
    TIP_OP_PIN, TIP_OP_UNPIN,
};
use crate::types::GroupType;
use crate::wire::Frame;

/// The attributes of one group as this instance last knew them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct HeldAttributes {
    main_seq: u64,
    attrs: BTreeMap<String, String>,
}

/// What this instance holds of live group state. Reset with the group
/// list when the session ends.
#[derive(Debug, Default)]
pub(crate) struct GroupStates {
    attributes: HashMap<String, HeldAttributes>,
}

impl GroupStates {
    /// Groups whose attributes are held at most (bounded like the list).
    const MAX_HELD: usize = super::Groups::MAX_GROUPS;

    fn hold(&mut self, group_id: &str, held: HeldAttributes) {
        if self.attributes.len() >= Self::MAX_HELD && !self.attributes.contains_key(group_id) {
            return;
        }
        self.attributes.insert(group_id.to_owned(), held);
    }
}

/// Which attribute write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AttrWrite {
    Init,
    Set,
    Delete,
    Clear,
}

impl AttrWrite {
    fn servcmd(self) -> &'static str {
        match self {
            AttrWrite::Init => cmd::INIT_ATTR,
            AttrWrite::Set => cmd::MODIFY_ATTR,
            AttrWrite::Delete => cmd::DELETE_ATTR,
            AttrWrite::Clear => cmd::CLEAR_ATTR,
        }
    }

    fn op_type(self) -> u32 {
        match self {
            AttrWrite::Init => attr_op::INIT,
            AttrWrite::Set => attr_op::MODIFY,
            AttrWrite::Delete => attr_op::DELETE,
            AttrWrite::Clear => attr_op::CLEAR,
        }
    }
}

/// Apply a change (`op_type`, `items`) to `attrs`; the keys updated and
/// the keys deleted.
fn apply_change(
    attrs: &mut BTreeMap<String, String>,
    op_type: u32,
    items: &[AttrItem],
) -> (Vec<String>, Vec<String>) {
    let mut updated = Vec::new();
    let mut deleted = Vec::new();
    match op_type {
        attr_op::INIT => {
            let new: BTreeMap<String, String> = items
                .iter()
                .map(|i| (i.key.clone(), i.value.clone().unwrap_or_default()))
                .collect();
            deleted = attrs
                .keys()
                .filter(|k| !new.contains_key(*k))
                .cloned()
                .collect();
            updated = new.keys().cloned().collect();
            *attrs = new;
        }
        attr_op::MODIFY => {
            for i in items {
                attrs.insert(i.key.clone(), i.value.clone().unwrap_or_default());
                updated.push(i.key.clone());
            }
        }
        attr_op::DELETE => {
            for i in items {
                if attrs.remove(&i.key).is_some() {
                    deleted.push(i.key.clone());
                }
            }
        }
        attr_op::CLEAR => {
            deleted = attrs.keys().cloned().collect();
            attrs.clear();
        }
        _ => {}
    }
    (updated, deleted)
}

/// What changed from `old` to `new`: keys set or changed, keys gone.
fn diff(
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
) -> (Vec<String>, Vec<String>) {
    let updated = new
        .iter()
        .filter(|(k, v)| old.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .collect();
    let deleted = old
        .keys()
        .filter(|k| !new.contains_key(*k))
        .cloned()
        .collect();
    (updated, deleted)
}

fn held_of(reply: GetAttrReply) -> HeldAttributes {
    HeldAttributes {
        main_seq: reply.attr_main_seq,
        attrs: reply
            .group_attr_ary
            .into_iter()
            .map(|i| (i.key, i.value.unwrap_or_default()))
            .collect(),
    }
}

impl Client {
    /// Most keys one call names (the server holds at most 16 per group).
    pub const MAX_GROUP_ATTRIBUTE_KEYS: usize = 16;
    /// Most counters one call names (the reference server holds at most 20
    /// per group).
    pub const MAX_GROUP_COUNTER_KEYS: usize = 20;

    fn check_state_group(&mut self, api: &str, group_id: &str) -> Result<(), ChatError> {
        self.require_ready(api)?;
        self.check_group_id(api, group_id)
    }

    fn check_key_count(&mut self, api: &str, n: usize, max: usize) -> Result<(), ChatError> {
        if n > max {
            return Err(self.api_error(
                ErrorCode::INVALID_OPERATION,
                format!("{api}: {n} keys given; at most {max}"),
            ));
        }
        Ok(())
    }

    /// `GroupType` of `get_group_attr` for `group_id`.
    fn attr_group_type(&self, group_id: &str) -> u8 {
        match self.groups.get(group_id) {
            Some(g) if g.group_type == GroupType::AvChatRoom => ATTR_GROUP_TYPE_AV,
            _ => ATTR_GROUP_TYPE_OTHER,
        }
    }

    /// `initGroupAttributes({groupID, groupAttributes})`: replace every
    /// attribute of the group with `attributes`. Resolves with
    /// `attributes`; GROUP_ATTRIBUTES_UPDATED fires here at once and on the
    /// other members' instances.
    ///
    /// Errors: 10056 when another member wrote since this instance last
    /// read them (read again with [`get_group_attributes`](Client::get_group_attributes)
    /// or wait for the event, then retry); 10045 key over 32 bytes, 10046
    /// value over 4,000 bytes, 10047 more than 16 keys, 10048 more than
    /// 16 KiB in all; 10007 not a member, 10010 no such group; 2602 bad
    /// group ID, 2905 bad arguments.
    pub fn init_group_attributes(
        &mut self,
        now: Instant,
        group_id: &str,
        attributes: &BTreeMap<String, String>,
    ) -> Result<RequestId<BTreeMap<String, String>>, ChatError> {
        const API: &str = "initGroupAttributes";
        self.check_state_group(API, group_id)?;
        self.check_key_count(API, attributes.len(), Self::MAX_GROUP_ATTRIBUTE_KEYS)?;
        self.check_capacity()?;
        let items = value_items(attributes);
        Ok(self.write_attributes(now, group_id, AttrWrite::Init, items, attributes.clone()))
    }

    /// `setGroupAttributes({groupID, groupAttributes})`: set these keys,
    /// keeping the others. Resolves with `attributes`;
    /// GROUP_ATTRIBUTES_UPDATED fires here at once and on the other
    /// members' instances. Errors as
    /// [`init_group_attributes`](Client::init_group_attributes); an empty
    /// map is 2905.
    pub fn set_group_attributes(
        &mut self,
        now: Instant,
        group_id: &str,
        attributes: &BTreeMap<String, String>,
    ) -> Result<RequestId<BTreeMap<String, String>>, ChatError> {
        const API: &str = "setGroupAttributes";
        self.check_state_group(API, group_id)?;
        if attributes.is_empty() {
            return Err(self.api_error(
                ErrorCode::INVALID_OPERATION,
                format!("{API}: groupAttributes is empty"),
            ));
        }
        self.check_key_count(API, attributes.len(), Self::MAX_GROUP_ATTRIBUTE_KEYS)?;
        self.check_capacity()?;
        let items = value_items(attributes);
        Ok(self.write_attributes(now, group_id, AttrWrite::Set, items, attributes.clone()))
    }

    /// `deleteGroupAttributes({groupID, keyList})`: delete these keys, or
    /// every attribute when `keys` is empty. Resolves with `keys`;
    /// GROUP_ATTRIBUTES_UPDATED fires here at once and on the other
    /// members' instances. Errors as
    /// [`init_group_attributes`](Client::init_group_attributes).
    pub fn delete_group_attributes(
        &mut self,
        now: Instant,
        group_id: &str,
        keys: &[String],
    ) -> Result<RequestId<Vec<String>>, ChatError> {
        const API: &str = "deleteGroupAttributes";
        self.check_state_group(API, group_id)?;
        self.check_key_count(API, keys.len(), Self::MAX_GROUP_ATTRIBUTE_KEYS)?;
        self.check_capacity()?;
        let (write, items) = if keys.is_empty() {
            (AttrWrite::Clear, Vec::new())
        } else {
            let items = keys
                .iter()
                .map(|k| AttrItem {
                    key: k.clone(),
                    value: None,
                    seq: None,
                })
                .collect();
            (AttrWrite::Delete, items)
        };
        Ok(self.write_attributes(now, group_id, write, items, keys.to_vec()))
    }

    /// `getGroupAttributes({groupID, keyList})`: the attributes named by
    /// `keys` (all of them when empty), read from the server; they become
    /// what this instance holds (the main sequence its next write goes out
    /// with, and what pushed changes are applied to).
    ///
    /// Errors: 10007 not a member, 10010 no such group; 2602 bad group
    /// ID, 2905 bad arguments.
    pub fn get_group_attributes(
        &mut self,
        now: Instant,
        group_id: &str,
        keys: &[String],
    ) -> Result<RequestId<BTreeMap<String, String>>, ChatError> {
        const API: &str = "getGroupAttributes";
        self.check_state_group(API, group_id)?;
        self.check_key_count(API, keys.len(), Self::MAX_GROUP_ATTRIBUTE_KEYS)?;
        self.check_capacity()?;
        let body = GetAttrRequest {
            group_id: group_id.to_owned(),
            group_type: self.attr_group_type(group_id),
        };
        let group = group_id.to_owned();
        let keys = keys.to_vec();
        Ok(self.enqueue_command(now, cmd::GET_ATTR, &body, |id| {
            Call::query(
                id,
                move |client: &mut Client, _, id, status, frame: &Frame| {
                    let outcome = parse_reply::<GetAttrReply>(status, frame).map(|r| {
                        let held = held_of(r);
                        let wanted = held
                            .attrs
                            .iter()
                            .filter(|(k, _)| keys.is_empty() || keys.contains(k))
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect();
                        client.groups.states.hold(&group, held);
                        wanted
                    });
                    client.complete(id, outcome);
                },
            )
        }))
    }

    /// Send an attribute write for `group_id` (first reading the
    /// attributes when none are held), completing with `out`.
    fn write_attributes<T: Output>(
        &mut self,
        now: Instant,
        group_id: &str,
        write: AttrWrite,
        items: Vec<AttrItem>,
        out: T,
    ) -> RequestId<T> {
        let id = self.next_request_id();
        if let Some(held) = self.groups.states.attributes.get(group_id) {
            let main_seq = held.main_seq;
            self.send_attr_write(now, id, group_id.to_owned(), write, items, main_seq, out);
            return id;
        }
        let body = GetAttrRequest {
            group_id: group_id.to_owned(),
            group_type: self.attr_group_type(group_id),
        };
        let group = group_id.to_owned();
        let timeout = self.ctx.tuning().request_timeout;
        self.enqueue(
            now,
            cmd::GET_ATTR,
            &body,
            timeout,
            Call::query(
                id,
                move |client: &mut Client, now, id, status, frame: &Frame| match parse_reply::<
                    GetAttrReply,
                >(
                    status, frame
                ) {
                    Ok(r) => {
                        let held = held_of(r);
                        let main_seq = held.main_seq;
                        client.groups.states.hold(&group, held);
                        client.send_attr_write(now, id, group, write, items, main_seq, out);
                    }
                    Err(err) => client.complete(id, Err(err)),
                },
            ),
        );
        id
    }

    #[allow(clippy::too_many_arguments)]
    fn send_attr_write<T: Output>(
        &mut self,
        now: Instant,
        id: RequestId<T>,
        group: String,
        write: AttrWrite,
        items: Vec<AttrItem>,
        main_seq: u64,
        out: T,
    ) {
        let body = WriteAttrRequest {
            group_id: group.clone(),
            group_attr: items
                .iter()
                .map(|i| AttrItem {
                    seq: i.value.as_ref().map(|_| 0),
                    ..i.clone()
                })
                .collect(),
            attr_main_seq: main_seq,
            attr_control: vec![RACE_CONFLICT.to_owned()],
        };
        let timeout = self.ctx.tuning().request_timeout;
        self.enqueue(
            now,
            write.servcmd(),
            &body,
            timeout,
            Call::change(
                id,
                move |client: &mut Client, now, id, status, frame: &Frame| match parse_reply::<
                    WriteAttrReply,
                >(
                    status, frame
                ) {
                    Ok(r) => {
                        client.attributes_written(&group, write, &items, r.attr_main_seq);
                        client.complete(id, Ok(out));
                    }
                    Err(err) => {
                        if err.code == ErrorCode::GROUP_ATTR_CONFLICT {
                            client.refresh_attributes(now, &group);
                        }
                        client.complete(id, Err(err));
                    }
                },
            ),
        );
    }

    /// This instance's write went through: what it holds follows, and the
    /// event fires.
    fn attributes_written(&mut self, group: &str, write: AttrWrite, items: &[AttrItem], seq: u64) {
        let mut held = self
            .groups
            .states
            .attributes
            .get(group)
            .cloned()
            .unwrap_or_default();
        let (updated, deleted) = apply_change(&mut held.attrs, write.op_type(), items);
        held.main_seq = held.main_seq.max(seq);
        let all = held.attrs.clone();
        self.groups.states.hold(group, held);
        self.emit(Event::GroupAttributesUpdated {
            group_id: group.to_owned(),
            group_attributes: all,
            updated_key_list: updated,
            deleted_key_list: deleted,
        });
    }

    /// A session went live again (a re-login after a reconnect): pushes
    /// sent meanwhile were lost, so the attributes of every group held are
    /// read again and what changed is reported.
    pub(in crate::client) fn refresh_held_attributes(&mut self, now: Instant) {
        let mut held: Vec<String> = self.groups.states.attributes.keys().cloned().collect();
        held.sort();
        for group in held {
            self.refresh_attributes(now, &group);
        }
    }

    /// Read the attributes of `group` again (the SDK's own request), then
    /// report what changed.
    fn refresh_attributes(&mut self, now: Instant, group: &str) {
        let pending = self.requests.any(|p| {
            p.purpose
                .downcast_ref::<RefreshAttributes>()
                .is_some_and(|r| r.0 == group)
        });
        if pending {
            return;
        }
        let body = GetAttrRequest {
            group_id: group.to_owned(),
            group_type: self.attr_group_type(group),
        };
        let timeout = self.ctx.tuning().request_timeout;
        self.enqueue(
            now,
            cmd::GET_ATTR,
            &body,
            timeout,
            RefreshAttributes(group.to_owned()),
        );
    }

    /// Event 6 `GroupTips`: attribute and counter changes and pins of
    /// other members (never shown as messages).
    pub(in crate::client) fn on_group_state_tips(&mut self, now: Instant, items: &[GroupTip]) {
        for item in items {
            let group = &item.group_info.group_id;
            let group = if group.is_empty() {
                &item.to_group_id
            } else {
                group
            };
            if group.is_empty() {
                self.net.note_malformed_frame();
                continue;
            }
            let body = &item.msg_body;
            if let Some(opt) = body
                .msg_group_new_info
                .as_ref()
                .and_then(|n| n.group_attr_option.as_ref())
            {
                self.on_attribute_push(now, group, opt);
            }
            if let Some(infos) = &body.group_counter_info {
                self.on_counter_push(group, infos);
            }
            if body.pinned_msg_seq.is_some() && matches!(body.op_type, TIP_OP_PIN | TIP_OP_UNPIN) {
                let group = group.clone();
                self.on_pin_push(now, &group, body.op_type);
            }
        }
    }

    fn on_attribute_push(&mut self, now: Instant, group: &str, opt: &GroupAttrOption) {
        let Some(held) = self.groups.states.attributes.get(group) else {
            // Not held: nothing to apply it to (the official SDK drops it
            // too); the next read brings the current state.
            return;
        };
        if opt.group_attr_seq <= held.main_seq {
            // Old or repeated: already part of what is held.
            return;
        }
        if opt.push_changed_attr_val_flag == 1 && opt.group_attr_seq == held.main_seq + 1 {
            let mut held = held.clone();
            let (updated, deleted) =
                apply_change(&mut held.attrs, opt.op_type, &opt.group_attr_info);
            held.main_seq = opt.group_attr_seq;
            let all = held.attrs.clone();
            self.groups.states.hold(group, held);
            self.emit(Event::GroupAttributesUpdated {
                group_id: group.to_owned(),
                group_attributes: all,
                updated_key_list: updated,
                deleted_key_list: deleted,
            });
        } else {
            self.refresh_attributes(now, group);
        }
    }

    fn on_counter_push(&mut self, group: &str, infos: &[GroupCounterInfo]) {
        for info in infos {
            if info.kind == counter_change::DELETE {
                continue;
            }
            for c in &info.group_counter {
                if c.key.is_empty() {
                    self.net.note_malformed_frame();
                    continue;
                }
                self.emit(Event::GroupCounterUpdated {
                    group_id: group.to_owned(),
                    key: c.key.clone(),
                    value: c.value,
                });
            }
        }
    }

    /// `setGroupCounters({groupID, counters})`: set each counter to its
    /// value (a counter not there yet is created). Resolves with the
    /// counters as the server now holds them; the other members'
    /// instances get GROUP_COUNTER_UPDATED per counter.
    ///
    /// Errors: 3122 without purchase bit 15; 10004 a bad key or an
    /// overflow, 10005 more than 20 counters, 10007 not a member, 10010 no
    /// such group; 2602 bad group ID, 2905 bad arguments.
    pub fn set_group_counters(
        &mut self,
        now: Instant,
        group_id: &str,
        counters: &BTreeMap<String, i64>,
    ) -> Result<RequestId<BTreeMap<String, i64>>, ChatError> {
        const API: &str = "setGroupCounters";
        self.check_state_group(API, group_id)?;
        self.require_feature(Feature::GroupCounter, API)?;
        if counters.is_empty() {
            return Err(self.api_error(
                ErrorCode::INVALID_OPERATION,
                format!("{API}: counters is empty"),
            ));
        }
        self.check_key_count(API, counters.len(), Self::MAX_GROUP_COUNTER_KEYS)?;
        let items = counters
            .iter()
            .map(|(k, v)| CounterItem {
                key: k.clone(),
                value: *v,
            })
            .collect();
        self.update_counters(now, group_id, counter_mode::SET, items)
    }

    /// `increaseGroupCounter({groupID, key, value})`: add `value` to the
    /// counter (one not there yet counts from 0). Resolves with
    /// `{key: new value}`. Errors as
    /// [`set_group_counters`](Client::set_group_counters).
    pub fn increase_group_counter(
        &mut self,
        now: Instant,
        group_id: &str,
        key: &str,
        value: i64,
    ) -> Result<RequestId<BTreeMap<String, i64>>, ChatError> {
        self.change_counter(
            now,
            "increaseGroupCounter",
            group_id,
            key,
            value,
            counter_mode::INCREASE,
        )
    }

    /// `decreaseGroupCounter({groupID, key, value})`: subtract `value`
    /// from the counter (one not there yet counts from 0). Resolves with
    /// `{key: new value}`. Errors as
    /// [`set_group_counters`](Client::set_group_counters).
    pub fn decrease_group_counter(
        &mut self,
        now: Instant,
        group_id: &str,
        key: &str,
        value: i64,
    ) -> Result<RequestId<BTreeMap<String, i64>>, ChatError> {
        self.change_counter(
            now,
            "decreaseGroupCounter",
            group_id,
            key,
            value,
            counter_mode::DECREASE,
        )
    }

    fn change_counter(
        &mut self,
        now: Instant,
        api: &str,
        group_id: &str,
        key: &str,
        value: i64,
        mode: &'static str,
    ) -> Result<RequestId<BTreeMap<String, i64>>, ChatError> {
        self.check_state_group(api, group_id)?;
        self.require_feature(Feature::GroupCounter, api)?;
        if key.is_empty() {
            return Err(
                self.api_error(ErrorCode::INVALID_OPERATION, format!("{api}: key is empty"))
            );
        }
        let items = vec![CounterItem {
            key: key.to_owned(),
            value,
        }];
        self.update_counters(now, group_id, mode, items)
    }

    fn update_counters(
        &mut self,
        now: Instant,
        group_id: &str,
        mode: &'static str,
        items: Vec<CounterItem>,
    ) -> Result<RequestId<BTreeMap<String, i64>>, ChatError> {
        self.check_capacity()?;
        let body = UpdateCounterRequest {
            group_id: group_id.to_owned(),
            group_counter: items,
            mode: mode.to_owned(),
        };
        Ok(self.enqueue_command(now, cmd::UPDATE_COUNTER, &body, |id| {
            Call::change(id, |client: &mut Client, _, id, status, frame: &Frame| {
                let outcome = parse_reply::<CounterReply>(status, frame).map(counters_of);
                client.complete(id, outcome);
            })
        }))
    }

    /// `getGroupCounters({groupID, keyList})`: the counters named by
    /// `keys` (all of them when empty), read from the server. Errors as
    /// [`set_group_counters`](Client::set_group_counters).
    pub fn get_group_counters(
        &mut self,
        now: Instant,
        group_id: &str,
        keys: &[String],
    ) -> Result<RequestId<BTreeMap<String, i64>>, ChatError> {
        const API: &str = "getGroupCounters";
        self.check_state_group(API, group_id)?;
        self.require_feature(Feature::GroupCounter, API)?;
        self.check_key_count(API, keys.len(), Self::MAX_GROUP_COUNTER_KEYS)?;
        self.check_capacity()?;
        let body = GetCounterRequest {
            group_id: group_id.to_owned(),
            group_counter_keys: keys.to_vec(),
        };
        Ok(self.enqueue_command(now, cmd::GET_COUNTER, &body, |id| {
            Call::query(id, |client: &mut Client, _, id, status, frame: &Frame| {
                let outcome = parse_reply::<CounterReply>(status, frame).map(counters_of);
                client.complete(id, outcome);
            })
        }))
    }
}

fn value_items(attributes: &BTreeMap<String, String>) -> Vec<AttrItem> {
    attributes
        .iter()
        .map(|(k, v)| AttrItem {
            key: k.clone(),
            value: Some(v.clone()),
            seq: None,
        })
        .collect()
}

/// The counters of a reply; items without a key are left out.
fn counters_of(reply: CounterReply) -> BTreeMap<String, i64> {
    reply
        .group_counter
        .into_iter()
        .filter(|c| !c.key.is_empty())
        .map(|c| (c.key, c.value))
        .collect()
}

/// `get_group_attr` sent by the SDK itself after a push it could not apply
/// or a conflict: what changed is reported.
#[derive(Debug)]
struct RefreshAttributes(String);

impl Request for RefreshAttributes {
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
        match parse_reply::<GetAttrReply>(status, frame) {
            Ok(r) => {
                let new = held_of(r);
                let old = client
                    .groups
                    .states
                    .attributes
                    .get(&self.0)
                    .cloned()
                    .unwrap_or_default();
                if new.main_seq < old.main_seq {
                    return;
                }
                let (updated, deleted) = diff(&old.attrs, &new.attrs);
                let all = new.attrs.clone();
                client.groups.states.hold(&self.0, new);
                if !updated.is_empty() || !deleted.is_empty() {
                    client.emit(Event::GroupAttributesUpdated {
                        group_id: self.0,
                        group_attributes: all,
                        updated_key_list: updated,
                        deleted_key_list: deleted,
                    });
                }
            }
            Err(err) => {
                if client.log_enabled(2) {
                    tracing::warn!(code = err.code.0, message = %err.message, "group attribute refresh failed");
                }
                // No longer a member (a live room left by going offline) or
                // no such group: nothing to follow any more.
                if matches!(err.code.0, 10007 | 10010) {
                    client.groups.states.attributes.remove(&self.0);
                }
            }
        }
    }

    fn on_failed(self: Box<Self>, _client: &mut Client, _err: ChatError) {}
}
