//! The conversation groups as the list holds them: the `get_contact_group`
//! sync at login, the replies of this instance's group APIs and the pushes
//! of the user's other instances change them and mark what the events must
//! say.

use std::collections::HashMap;

use crate::error::{ChatError, ErrorCode};
use crate::model::ConversationGroupResult;
use crate::proto::contact::{
    CreateContactGroupReply, DelContactGroupReply, GetContactGroupReply, RecentContactMod,
    UpdateContactGroupReply,
};

use super::super::conv_group_api::split_results;
use super::super::conv_groups::{group_id_of, ConvGroups, GroupSync};
use super::{conversation_of, Conversations};

impl Conversations {
    /// The user's conversation groups.
    pub(in crate::client) fn groups(&self) -> &ConvGroups {
        &self.groups
    }

    /// A `get_contact_group` sync begins.
    pub(in crate::client) fn begin_group_sync(&mut self) {
        self.group_sync = Some(GroupSync::default());
    }

    /// Give up the `get_contact_group` sync in progress (it failed).
    pub(in crate::client) fn abort_group_sync(&mut self) {
        self.group_sync = None;
    }

    /// A `get_contact_group` page; returns how many pages this sync has
    /// taken.
    pub(in crate::client) fn group_page(&mut self, reply: &GetContactGroupReply) -> usize {
        let sync = self.group_sync.get_or_insert_with(GroupSync::default);
        sync.add_page(reply);
        sync.pages += 1;
        sync.pages
    }

    /// The `get_contact_group` sync is complete: its groups and marks
    /// replace those held.
    pub(in crate::client) fn finish_group_sync(&mut self) {
        let Some(sync) = self.group_sync.take() else {
            return;
        };
        let (groups, marks) = sync.build();
        // At a re-login, groups whose conversations changed meanwhile are
        // announced; the first sync of a session announces only the list
        // (as the official SDK at login).
        if self.groups_announced() {
            for gid in self.groups.membership_changes(&groups) {
                self.mark_in_group_dirty(gid);
            }
        }
        self.groups = groups;
        self.mark_groups_dirty();
        self.replace_marks(marks);
    }

    /// Standard marks by conversation ID, replaced at once (a sync).
    fn replace_marks(&mut self, marks: HashMap<String, u64>) {
        if marks != self.marks {
            self.marks = marks;
            self.dirty.list = true;
        }
    }

    pub(in crate::client) fn apply_group_created(
        &mut self,
        name: &str,
        reply: &CreateContactGroupReply,
    ) -> Result<ConversationGroupResult, ChatError> {
        let Some(created) = reply.group_result_item.first() else {
            return Err(ChatError::new(
                ErrorCode::UNCAUGHT_ERROR,
                "the create_contact_group reply has no GroupResultItem",
            ));
        };
        let group_name = if created.group_item.group_name.is_empty() {
            name
        } else {
            created.group_item.group_name.as_str()
        };
        let gid = created.group_item.group_id;
        self.groups.upsert(gid, group_name);
        self.mark_groups_dirty();
        let result = split_results(&created.result_item);
        for conv in &result.success_conversation_id_list {
            self.groups.add_member(gid, conv);
        }
        Ok(result)
    }

    pub(in crate::client) fn apply_group_deleted(
        &mut self,
        name: &str,
        reply: &DelContactGroupReply,
    ) {
        if reply.group_item.is_empty() {
            // The official SDK changes nothing here; tcchat trusts the
            // success and removes the group it asked for.
            if let Some(gid) = self.groups.id_of(name) {
                self.groups.remove(gid);
            }
        }
        for g in &reply.group_item {
            if let Some(gid) = group_id_of(&self.groups, g.group_id, &g.group_name) {
                self.groups.remove(gid);
            }
        }
        self.mark_groups_dirty();
    }

    pub(in crate::client) fn apply_group_renamed(
        &mut self,
        old: &str,
        new: &str,
        reply: &UpdateContactGroupReply,
    ) -> Result<(), ChatError> {
        let server_id = reply.update_group_result.group_id;
        if server_id == 0 {
            return Err(ChatError::new(
                ErrorCode::UNCAUGHT_ERROR,
                "the update_contact_group reply has no UpdateGroupResult.GroupId",
            ));
        }
        let gid = self.groups.id_of(old).unwrap_or(server_id);
        self.groups.upsert(gid, new);
        self.mark_groups_dirty();
        Ok(())
    }

    pub(in crate::client) fn apply_members(
        &mut self,
        name: &str,
        add: bool,
        asked: &[String],
        reply: &UpdateContactGroupReply,
    ) -> Result<ConversationGroupResult, ChatError> {
        let items = &reply.update_group_result.contact_result_item;
        if items.is_empty() && !asked.is_empty() {
            return Err(ChatError::new(
                ErrorCode::UNCAUGHT_ERROR,
                "the update_contact_group reply has no UpdateGroupResult.ContactResultItem",
            ));
        }
        let result = split_results(items);
        if let Some(gid) = self.groups.id_of(name) {
            let mut changed = false;
            for conv in &result.success_conversation_id_list {
                changed |= if add {
                    self.groups.add_member(gid, conv)
                } else {
                    self.groups.remove_member(gid, conv)
                };
            }
            if changed {
                self.mark_in_group_dirty(gid);
            }
        }
        Ok(result)
    }

    /// Event 11, PushTypes 5 (groups created), 6 (groups deleted) and 7
    /// (a group renamed, a group's conversations or a conversation's
    /// groups changed).
    pub(in crate::client) fn apply_groups_push(&mut self, item: &RecentContactMod) {
        let groups = &mut self.groups;
        let mut dirty_groups = false;
        let mut dirty_members = Vec::new();
        match item.push_type {
            5 => {
                for created in item.create_group.iter().flat_map(|c| &c.items) {
                    let gid = created.group.group_id;
                    groups.upsert(gid, &created.group.group_name);
                    for conv in created.contacts.iter().filter_map(conversation_of) {
                        groups.add_member(gid, &conv);
                    }
                    // The conversations' group lists changed too.
                    dirty_groups = true;
                }
            }
            6 => {
                for g in item.del_group.iter().flat_map(|d| &d.groups) {
                    if let Some(gid) = group_id_of(groups, g.group_id, &g.group_name) {
                        dirty_groups |= groups.remove(gid);
                    }
                }
            }
            7 => {
                let Some(update) = &item.update_group else {
                    return;
                };
                if let Some(g) = update.group.as_ref().filter(|_| update.update_type == 1) {
                    match g.update_group_type {
                        1 => {
                            let gid = group_id_of(groups, g.group_id, &g.old_group_name);
                            if let Some(gid) = gid.filter(|_| !g.group_name.is_empty()) {
                                dirty_groups |= groups.upsert(gid, &g.group_name);
                            }
                        }
                        2 => {
                            if let Some(gid) = group_id_of(groups, g.group_id, &g.old_group_name) {
                                let mut changed = false;
                                for m in &g.members {
                                    let Some(conv) = conversation_of(&m.contact) else {
                                        continue;
                                    };
                                    changed |= match m.contact_opt_type {
                                        1 => groups.add_member(gid, &conv),
                                        2 => groups.remove_member(gid, &conv),
                                        _ => false,
                                    };
                                }
                                if changed {
                                    dirty_members.push(gid);
                                }
                            }
                        }
                        _ => {}
                    }
                }
                if let Some(c) = update.contact.as_ref().filter(|_| update.update_type == 2) {
                    if let Some(conv) = conversation_of(&c.contact) {
                        for m in &c.groups {
                            let known = group_id_of(groups, m.group.group_id, &m.group.group_name);
                            let gid = match known {
                                Some(gid) if groups.name_of(gid).is_some() => gid,
                                _ if m.group_opt_type == 1
                                    && m.group.group_id != 0
                                    && !m.group.group_name.is_empty() =>
                                {
                                    dirty_groups |=
                                        groups.upsert(m.group.group_id, &m.group.group_name);
                                    m.group.group_id
                                }
                                _ => continue,
                            };
                            let changed = match m.group_opt_type {
                                1 => groups.add_member(gid, &conv),
                                2 => groups.remove_member(gid, &conv),
                                _ => false,
                            };
                            if changed {
                                dirty_members.push(gid);
                            }
                        }
                    }
                }
            }
            _ => {}
        }
        if dirty_groups {
            self.mark_groups_dirty();
        }
        for gid in dirty_members {
            self.mark_in_group_dirty(gid);
        }
    }
}
