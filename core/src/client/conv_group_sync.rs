//! The conversation groups the server holds, brought in and kept current:
//! the `get_contact_group` sync at login (paged) and the pushes of the
//! user's other instances (Event 11, PushTypes 5–7).

use std::time::Instant;

use super::conv_api::parse_reply;
use super::conv_groups::{group_id_of, GroupSync};
use super::conversations::{valid_peer, Conversations};
use super::features::Feature;
use super::request::Request;
use super::Client;
use crate::error::ChatError;
use crate::model::c2c_id;
use crate::proto::contact::{GetContactGroupReply, GetContactGroupRequest, RecentContactMod};
use crate::wire::{servcmd, Frame};

impl Client {
    /// The purchase bits arrived: with conversation groups or marks
    /// enabled, fetch them (`get_contact_group`, paged).
    pub(super) fn conv_features_known(&mut self, now: Instant) {
        if !self.has_feature(Feature::ConversationGroup)
            && !self.has_feature(Feature::ConversationMark)
        {
            return;
        }
        if self.requests.has::<GroupPage>() {
            return;
        }
        self.convs.group_sync = Some(GroupSync::default());
        self.request_group_page(now, 0);
    }

    fn request_group_page(&mut self, now: Instant, start_index: u64) {
        let body = GetContactGroupRequest {
            from_account: self.current_user(),
            start_index,
        };
        let timeout = self.opts.tuning.request_timeout;
        self.enqueue(
            now,
            servcmd::CONV_GROUP_GET,
            &body,
            timeout,
            GroupPage(start_index),
        );
    }

    /// A `get_contact_group` reply; the last page replaces the groups and
    /// marks held.
    pub(super) fn on_group_page(
        &mut self,
        now: Instant,
        sent: u64,
        reply: Result<GetContactGroupReply, ChatError>,
    ) {
        let reply = match reply {
            Ok(r) => r,
            Err(err) => {
                if self.log_enabled(2) {
                    tracing::warn!(code = err.code.0, message = %err.message, "conversation group sync failed; retrying at the next login");
                }
                self.convs.group_sync = None;
                return;
            }
        };
        let sync = self.convs.group_sync.get_or_insert_with(GroupSync::default);
        sync.add_page(&reply);
        sync.pages += 1;
        if reply.complete_flag != 1
            && reply.next_start_index != sent
            && sync.pages < Conversations::MAX_PAGES
        {
            self.request_group_page(now, reply.next_start_index);
            return;
        }
        let Some(sync) = self.convs.group_sync.take() else {
            return;
        };
        let (groups, marks) = sync.build();
        // At a re-login, groups whose conversations changed meanwhile are
        // announced; the first sync of a session announces only the list
        // (as the official SDK at login).
        if self.convs.groups_announced() {
            for gid in self.convs.groups.membership_changes(&groups) {
                self.convs.mark_in_group_dirty(gid);
            }
        }
        self.convs.groups = groups;
        self.convs.mark_groups_dirty();
        self.convs.replace_marks(marks);
    }

    /// Event 11, PushTypes 5 (groups created), 6 (groups deleted) and 7
    /// (a group renamed, a group's conversations or a conversation's
    /// groups changed).
    pub(super) fn conv_groups_push(&mut self, item: &RecentContactMod) {
        let groups = &mut self.convs.groups;
        let mut dirty_groups = false;
        let mut dirty_members = Vec::new();
        match item.push_type {
            5 => {
                for created in item.create_group.iter().flat_map(|c| &c.items) {
                    let gid = created.group.group_id;
                    groups.upsert(gid, &created.group.group_name);
                    for c in &created.contacts {
                        if c.kind == 1 && valid_peer(&c.to_account) {
                            groups.add_member(gid, &c2c_id(&c.to_account));
                        }
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
                                    if m.contact.kind != 1 || !valid_peer(&m.contact.to_account) {
                                        continue;
                                    }
                                    let conv = c2c_id(&m.contact.to_account);
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
                    if c.contact.kind == 1 && valid_peer(&c.contact.to_account) {
                        let conv = c2c_id(&c.contact.to_account);
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
            self.convs.mark_groups_dirty();
        }
        for gid in dirty_members {
            self.convs.mark_in_group_dirty(gid);
        }
    }
}

/// A page of `recentcontact.get_contact_group` from this index: the SDK's
/// own sync at login.
#[derive(Debug)]
struct GroupPage(u64);

impl Request for GroupPage {
    fn is_internal(&self) -> bool {
        true
    }

    fn is_login_sync(&self) -> bool {
        true
    }

    fn on_reply(
        self: Box<Self>,
        client: &mut Client,
        now: Instant,
        status: Result<(), ChatError>,
        frame: &Frame,
    ) {
        client.on_group_page(now, self.0, parse_reply(status, frame));
    }

    /// A failed sync is retried at the next login.
    fn on_failed(self: Box<Self>, client: &mut Client, err: ChatError) {
        if client.log_enabled(2) {
            tracing::warn!(code = err.code.0, message = %err.message, "a conversation sync request failed");
        }
        client.convs.group_sync = None;
    }
}
