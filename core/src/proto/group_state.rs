//! Live group state: group attributes and group counters (issue 17;
//! PROTOCOL.md 8.13 and 8.14). The request and reply shapes, and the
//! Event 6 `GroupTips` that carry changes, are those of the official SDK
//! (verified with the official SDK against a scripted server, see
//! docs/GROUPS.md "Group attributes" and "Group counters").

use serde::{Deserialize, Serialize};

use super::BaseReply;

/// The servcmds.
pub mod cmd {
    /// `getGroupAttributes`: the attributes and their main sequence
    /// (verified with the official SDK).
    pub const GET_ATTR: &str = "group_open_attr_http_svc.get_group_attr";
    /// `initGroupAttributes`: replace every attribute (the official SDK's
    /// `SET_GRP_ATTR`; ours as far as the reply goes).
    pub const INIT_ATTR: &str = "group_open_http_svc.set_group_attr";
    /// `setGroupAttributes`: set some keys (verified with the official SDK).
    pub const MODIFY_ATTR: &str = "group_open_http_svc.modify_group_attr";
    /// `deleteGroupAttributes` with keys (ours as far as the reply goes).
    pub const DELETE_ATTR: &str = "group_open_http_svc.delete_group_attr";
    /// `deleteGroupAttributes` with no keys: every attribute (ours as far
    /// as the reply goes).
    pub const CLEAR_ATTR: &str = "group_open_http_svc.clear_group_attr";
    /// `setGroupCounters`, `increaseGroupCounter`, `decreaseGroupCounter`
    /// (verified with the official SDK).
    pub const UPDATE_COUNTER: &str = "group_open_http_svc.update_group_counter";
    /// `getGroupCounters` (verified with the official SDK).
    pub const GET_COUNTER: &str = "group_open_http_svc.get_group_counter";
    /// `pinGroupMessage` with `isPinned: true` (the bundle's command name;
    /// the service and shapes are ours).
    pub const PIN_MSG: &str = "group_open_http_svc.pin_message";
    /// `pinGroupMessage` with `isPinned: false` (ours, as [`PIN_MSG`]).
    pub const UNPIN_MSG: &str = "group_open_http_svc.unpin_message";
    /// `getPinnedGroupMessageList` (ours, as [`PIN_MSG`]).
    pub const GET_PINNED: &str = "group_open_http_svc.get_pinned_messages";
}

/// `OpType` of the Event 6 tip telling that a message was pinned (ours).
pub const TIP_OP_PIN: u32 = 16;
/// `OpType` of the Event 6 tip telling that a message was unpinned (ours).
pub const TIP_OP_UNPIN: u32 = 17;

/// Body of `pin_message` and `unpin_message` (ours).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinMsgRequest {
    /// The group.
    #[serde(rename = "GroupId", default)]
    pub group_id: String,
    /// The message's group sequence.
    #[serde(rename = "MsgSeq", default)]
    pub msg_seq: u64,
}

/// Body of `get_pinned_messages` (ours).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetPinnedRequest {
    /// The group.
    #[serde(rename = "GroupId", default)]
    pub group_id: String,
}

/// Reply to `get_pinned_messages` (ours): the pinned messages, oldest pin
/// first, as `GroupMsgArray` items.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GetPinnedReply {
    /// Status and error.
    #[serde(flatten)]
    pub base: BaseReply,
    /// The messages.
    #[serde(rename = "PinnedMsgList", default)]
    pub pinned_msg_list: Vec<super::group_msg::GroupWireMessage>,
}

/// `AttrControl` value asking the server to refuse a write made against a
/// main sequence that is not the group's current one.
pub const RACE_CONFLICT: &str = "RaceConflict";

/// `GroupType` of `get_group_attr`: 0 for every type but `AVChatRoom`.
pub const ATTR_GROUP_TYPE_OTHER: u8 = 0;
/// `GroupType` of `get_group_attr` for an `AVChatRoom`.
pub const ATTR_GROUP_TYPE_AV: u8 = 1;

/// The inner `OpType` of `GroupAttrOption` (what changed).
pub mod attr_op {
    /// Every attribute was replaced (`initGroupAttributes`).
    pub const INIT: u32 = 1;
    /// Some keys were set (`setGroupAttributes`).
    pub const MODIFY: u32 = 2;
    /// Every attribute was deleted.
    pub const CLEAR: u32 = 3;
    /// Some keys were deleted.
    pub const DELETE: u32 = 4;
}

/// `OpType` of the Event 6 `GroupTips` body carrying attribute or counter
/// changes.
pub const TIP_OP_STATE: u32 = 6;

/// One attribute: `{key, value}` (lowercase keys, as the official SDK
/// sends and reads them; `Key`/`Value` are accepted too).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttrItem {
    /// The key.
    #[serde(rename = "key", alias = "Key", default)]
    pub key: String,
    /// The value (absent in delete requests and in write replies).
    #[serde(
        rename = "value",
        alias = "Value",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub value: Option<String>,
    /// Per-key sequence the official SDK sends (always 0 there); ignored.
    #[serde(rename = "seq", default, skip_serializing_if = "Option::is_none")]
    pub seq: Option<u64>,
}

/// Body of `get_group_attr`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetAttrRequest {
    /// The group.
    #[serde(rename = "GroupId", default)]
    pub group_id: String,
    /// [`ATTR_GROUP_TYPE_AV`] for an `AVChatRoom`, else 0.
    #[serde(rename = "GroupType", default)]
    pub group_type: u8,
}

/// Reply to `get_group_attr`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetAttrReply {
    /// Status and error.
    #[serde(flatten)]
    pub base: BaseReply,
    /// Every attribute.
    #[serde(rename = "GroupAttrAry", default)]
    pub group_attr_ary: Vec<AttrItem>,
    /// The group's attribute main sequence.
    #[serde(rename = "AttrMainSeq", default)]
    pub attr_main_seq: u64,
}

/// Body of `set_group_attr`, `modify_group_attr`, `delete_group_attr` and
/// `clear_group_attr`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteAttrRequest {
    /// The group.
    #[serde(rename = "GroupId", default)]
    pub group_id: String,
    /// The keys (with values, except for a delete; empty for a clear).
    #[serde(rename = "GroupAttr", default)]
    pub group_attr: Vec<AttrItem>,
    /// The main sequence the writer last saw.
    #[serde(rename = "AttrMainSeq", default)]
    pub attr_main_seq: u64,
    /// `["RaceConflict"]`: refuse the write unless `AttrMainSeq` is the
    /// group's current main sequence.
    #[serde(rename = "AttrControl", default)]
    pub attr_control: Vec<String>,
}

/// Reply to the attribute writes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteAttrReply {
    /// Status and error.
    #[serde(flatten)]
    pub base: BaseReply,
    /// The keys written (`{key}` only; the official SDK iterates it).
    #[serde(rename = "GroupAttr", default)]
    pub group_attr: Vec<AttrItem>,
    /// The group's main sequence after the write.
    #[serde(rename = "AttrMainSeq", default)]
    pub attr_main_seq: u64,
}

/// `MsgGroupNewInfo.GroupAttrOption` of an Event 6 tip: one attribute
/// change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupAttrOption {
    /// The main sequence the change took.
    #[serde(rename = "GroupAttrSeq", default)]
    pub group_attr_seq: u64,
    /// 1: `GroupAttrInfo` holds what changed (a client may apply it in
    /// place); otherwise it must fetch.
    #[serde(rename = "PushChangedAttrValFlag", default)]
    pub push_changed_attr_val_flag: u8,
    /// [`attr_op`].
    #[serde(rename = "OpType", default)]
    pub op_type: u32,
    /// The keys set (with values) or deleted (keys only).
    #[serde(rename = "GroupAttrInfo", default)]
    pub group_attr_info: Vec<AttrItem>,
}

/// One counter: `{Key, Value}` (the official SDK sends capitalised keys;
/// its pushes were verified with lowercase ones, so both are read).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounterItem {
    /// The key.
    #[serde(rename = "Key", alias = "key", default)]
    pub key: String,
    /// The value (the amount, for an increase or decrease).
    #[serde(rename = "Value", alias = "value", default)]
    pub value: i64,
}

/// `Mode` of `update_group_counter`.
pub mod counter_mode {
    /// Set each counter to the value.
    pub const SET: &str = "Set";
    /// Add the value to each counter.
    pub const INCREASE: &str = "Increase";
    /// Subtract the value from each counter.
    pub const DECREASE: &str = "Decrease";
}

/// Body of `update_group_counter`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateCounterRequest {
    /// The group.
    #[serde(rename = "GroupId", default)]
    pub group_id: String,
    /// The counters and values.
    #[serde(rename = "GroupCounter", default)]
    pub group_counter: Vec<CounterItem>,
    /// [`counter_mode`].
    #[serde(rename = "Mode", default)]
    pub mode: String,
}

/// Reply to `update_group_counter` and `get_group_counter`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounterReply {
    /// Status and error.
    #[serde(flatten)]
    pub base: BaseReply,
    /// The counters asked for, with their values now.
    #[serde(rename = "GroupCounter", default)]
    pub group_counter: Vec<CounterItem>,
    /// The group's counter sequence.
    #[serde(rename = "GroupCounterSeq", default)]
    pub group_counter_seq: u64,
}

/// Body of `get_group_counter`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetCounterRequest {
    /// The group.
    #[serde(rename = "GroupId", default)]
    pub group_id: String,
    /// The keys wanted; empty for every counter.
    #[serde(rename = "GroupCounterKeys", default)]
    pub group_counter_keys: Vec<String>,
}

/// `Type` of a `GroupCounterInfo` item.
pub mod counter_change {
    /// Counters set.
    pub const SET: u32 = 0;
    /// Counters deleted (no event).
    pub const DELETE: u32 = 1;
    /// Counters updated.
    pub const UPDATE: u32 = 2;
}

/// One `GroupCounterInfo` item of an Event 6 tip.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupCounterInfo {
    /// [`counter_change`].
    #[serde(rename = "Type", default)]
    pub kind: u32,
    /// The group's counter sequence after the change.
    #[serde(rename = "GroupCounterSeq", default)]
    pub group_counter_seq: u64,
    /// The counters with their new values (pushed with lowercase
    /// `key`/`value`, as the official SDK was verified to read them).
    #[serde(rename = "GroupCounter", default)]
    pub group_counter: Vec<PushedCounter>,
}

/// A counter in a push: `{key, value}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushedCounter {
    /// The key.
    #[serde(rename = "key", alias = "Key", default)]
    pub key: String,
    /// The new value.
    #[serde(rename = "value", alias = "Value", default)]
    pub value: i64,
}
