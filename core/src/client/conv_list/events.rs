//! The coalesced conversation events: handling an input only marks what
//! changed; a flush emits at most one of each
//! CONVERSATION_GROUP_LIST_UPDATED, CONVERSATION_IN_GROUP_UPDATED per
//! group, TOTAL_UNREAD_MESSAGE_COUNT_UPDATED and CONVERSATION_LIST_UPDATED,
//! and only when the data differs from what was last emitted.

use std::collections::HashSet;

use crate::event::Event;

use super::{Conversations, Dirty};

impl Conversations {
    /// Emit what changed since the last flush, through `emit`, each event
    /// only if its data differs from what was last emitted. Before the
    /// session is ready (`ready` false) the changes are dropped unsaid.
    pub(in crate::client) fn flush_events(&mut self, ready: bool, mut emit: impl FnMut(Event)) {
        if !self.any_dirty() {
            return;
        }
        if !ready {
            self.dirty = Dirty::default();
            return;
        }
        let dirty = std::mem::take(&mut self.dirty);
        if dirty.groups {
            let names = self.groups.names();
            if self.emitted.groups.as_ref() != Some(&names) {
                self.emitted.groups = Some(names.clone());
                emit(Event::ConversationGroupListUpdated(names));
            }
        }
        let mut list = None;
        for gid in dirty.in_group {
            let Some(name) = self.groups.name_of(gid).map(str::to_owned) else {
                continue;
            };
            let members: HashSet<&str> = self.groups.members_of(gid).collect();
            let all = list.get_or_insert_with(|| self.sorted());
            let conversation_list = all
                .iter()
                .filter(|c| members.contains(c.conversation_id.as_str()))
                .cloned()
                .collect();
            emit(Event::ConversationInGroupUpdated {
                group_name: name,
                conversation_list,
            });
        }
        let total = self.total_unread();
        if total != self.emitted.total {
            self.emitted.total = total;
            emit(Event::TotalUnreadMessageCountUpdated(total));
        }
        if dirty.list {
            let list = list.unwrap_or_else(|| self.sorted());
            if self.emitted.list.as_ref() != Some(&list) {
                self.emitted.list = Some(list.clone());
                emit(Event::ConversationListUpdated(list));
            }
        }
    }
}
