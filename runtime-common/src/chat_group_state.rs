//! Live group state on [`Chat`](crate::Chat): group attributes, group
//! counters and pinned group messages (docs/GROUPS.md "Group attributes",
//! "Group counters" and "Pinned group messages" describe each: request,
//! result, error codes, events).

use std::collections::BTreeMap;

use tcchat_core::model::Message;

use crate::chat::{Chat, Reply};
use crate::runtime::Runtime;

impl<R: Runtime> Chat<R> {
    /// `initGroupAttributes({groupID, groupAttributes})`: replace every
    /// attribute of the group. Resolves with `attributes`;
    /// GROUP_ATTRIBUTES_UPDATED fires on this instance at once and on the
    /// other members'.
    ///
    /// Errors: 10056 another member wrote since this instance last read
    /// the attributes (they are read again at once; retry after the
    /// event); 10045 key over 32 bytes, 10046 value over 4,000 bytes,
    /// 10047 more than 16 keys, 10048 more than 16 KiB in all; 10007 not a
    /// member, 10010 no such group; 2602 bad group ID, 2905 bad arguments.
    pub fn init_group_attributes(
        &self,
        group_id: &str,
        attributes: &BTreeMap<String, String>,
    ) -> Reply<BTreeMap<String, String>> {
        self.submit(|c, now| c.init_group_attributes(now, group_id, attributes))
    }

    /// `setGroupAttributes({groupID, groupAttributes})`: set these keys,
    /// keeping the others. Resolves with `attributes`; errors and events as
    /// [`init_group_attributes`](Chat::init_group_attributes).
    pub fn set_group_attributes(
        &self,
        group_id: &str,
        attributes: &BTreeMap<String, String>,
    ) -> Reply<BTreeMap<String, String>> {
        self.submit(|c, now| c.set_group_attributes(now, group_id, attributes))
    }

    /// `deleteGroupAttributes({groupID, keyList})`: delete these keys, or
    /// every attribute when `keys` is empty. Resolves with `keys`; errors
    /// and events as [`init_group_attributes`](Chat::init_group_attributes).
    pub fn delete_group_attributes(&self, group_id: &str, keys: &[String]) -> Reply<Vec<String>> {
        self.submit(|c, now| c.delete_group_attributes(now, group_id, keys))
    }

    /// `getGroupAttributes({groupID, keyList})`: the attributes named by
    /// `keys` (all when empty), read from the server. Reading them also
    /// subscribes this instance to their changes: GROUP_ATTRIBUTES_UPDATED
    /// fires for a group only once its attributes were read or written
    /// here, as in the official SDK.
    ///
    /// Errors: 10007 not a member, 10010 no such group; 2602 bad group ID, 2905 bad arguments.
    pub fn get_group_attributes(
        &self,
        group_id: &str,
        keys: &[String],
    ) -> Reply<BTreeMap<String, String>> {
        self.submit(|c, now| c.get_group_attributes(now, group_id, keys))
    }

    /// `setGroupCounters({groupID, counters})`: set each counter to its
    /// value. Resolves with the counters as the server now holds them; the
    /// other members get GROUP_COUNTER_UPDATED per counter.
    ///
    /// Errors: 3122 without purchase bit 15 (nothing is sent); 10004 bad
    /// key or overflow, 10005 more than 20 counters, 10007 not a member,
    /// 10010 no such group; 2602 bad group ID, 2905 bad arguments.
    pub fn set_group_counters(
        &self,
        group_id: &str,
        counters: &BTreeMap<String, i64>,
    ) -> Reply<BTreeMap<String, i64>> {
        self.submit(|c, now| c.set_group_counters(now, group_id, counters))
    }

    /// `increaseGroupCounter({groupID, key, value})`: add `value`.
    /// Resolves with `{key: new value}`; errors and events as
    /// [`set_group_counters`](Chat::set_group_counters).
    pub fn increase_group_counter(
        &self,
        group_id: &str,
        key: &str,
        value: i64,
    ) -> Reply<BTreeMap<String, i64>> {
        self.submit(|c, now| c.increase_group_counter(now, group_id, key, value))
    }

    /// `decreaseGroupCounter({groupID, key, value})`: subtract `value`.
    /// Resolves with `{key: new value}`; errors and events as
    /// [`set_group_counters`](Chat::set_group_counters).
    pub fn decrease_group_counter(
        &self,
        group_id: &str,
        key: &str,
        value: i64,
    ) -> Reply<BTreeMap<String, i64>> {
        self.submit(|c, now| c.decrease_group_counter(now, group_id, key, value))
    }

    /// `getGroupCounters({groupID, keyList})`: the counters named by `keys`
    /// (all when empty), read from the server; errors as
    /// [`set_group_counters`](Chat::set_group_counters).
    pub fn get_group_counters(
        &self,
        group_id: &str,
        keys: &[String],
    ) -> Reply<BTreeMap<String, i64>> {
        self.submit(|c, now| c.get_group_counters(now, group_id, keys))
    }

    /// `pinGroupMessage({groupID, message, isPinned})`: pin (or unpin) a
    /// sent group message for every member; the owner and admins only, at
    /// most 10 per group. PINNED_GROUP_MESSAGE_UPDATED then fires here and
    /// on the other members with the pinned list.
    ///
    /// Errors: 2106 not a sent group message; 10007 not the owner or an
    /// admin, 10030 no such message, 10005 ten pinned already, 10010 no
    /// such group.
    pub fn pin_group_message(&self, message: &Message, is_pinned: bool) -> Reply<()> {
        self.submit(|c, now| c.pin_group_message(now, message, is_pinned))
    }

    /// `getPinnedGroupMessageList(groupID)`: the group's pinned messages,
    /// oldest pin first.
    ///
    /// Errors: 2602 bad group ID, 10007 not a member, 10010 no such group.
    pub fn get_pinned_group_message_list(&self, group_id: &str) -> Reply<Vec<Message>> {
        self.submit(|c, now| c.get_pinned_group_message_list(now, group_id))
    }
}
