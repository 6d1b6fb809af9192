//! The conversation-group APIs (`createConversationGroup`,
//! `deleteConversationGroup`, `renameConversationGroup`,
//! `addConversationsToGroup`, `deleteConversationsFromGroup`,
//! `getConversationGroupList`), their replies, the `get_contact_group`
//! sync at login and the pushes of the user's other instances (Event 11,
//! PushTypes 5–7). Every API needs purchase bit 10 (3122 without a request
//! otherwise).

use std::time::Instant;

use super::conv_api::parse_reply;
use super::conv_groups::{group_id_of, ConvGroups, GroupSync};
use super::conversations::{valid_peer, Conversations};
use super::features::Feature;
use super::request::Request;
use super::{Client, RequestId};
use crate::error::{ChatError, ErrorCode};
use crate::model::c2c_id;
use crate::model::{ConversationFailure, ConversationGroupResult};
use crate::proto::contact::{
    ContactItem, ContactResultItem, ContactUpdateItem, CreateContactGroupReply,
    CreateContactGroupRequest, DelContactGroupReply, DelContactGroupRequest, GetContactGroupReply,
    GetContactGroupRequest, GroupContactItem, RecentContactMod, UpdateContactGroupReply,
    UpdateContactGroupRequest, UpdateGroup,
};
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
            from_account: self.login_user().unwrap_or_default().to_owned(),
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

    /// 2905 unless `name` is 1 to 32 bytes.
    fn check_group_name(&mut self, api: &str, name: &str) -> Result<(), ChatError> {
        if name.is_empty() || name.len() > ConvGroups::MAX_NAME_BYTES {
            return Err(self.api_error(
                ErrorCode::INVALID_OPERATION,
                format!(
                    "{api}: a group name must be 1 to {} bytes",
                    ConvGroups::MAX_NAME_BYTES
                ),
            ));
        }
        Ok(())
    }

    /// The `GroupId` of the group named `name`, or 2905.
    fn require_group(&mut self, api: &str, name: &str) -> Result<u64, ChatError> {
        self.check_group_name(api, name)?;
        match self.convs.groups.id_of(name) {
            Some(id) => Ok(id),
            None => Err(self.api_error(
                ErrorCode::INVALID_OPERATION,
                format!("{api}: there is no conversation group named {name:?}"),
            )),
        }
    }

    /// The conversations as wire items: 1 to 1,000 valid C2C IDs
    /// (duplicates dropped).
    fn check_group_conversations(
        &mut self,
        api: &str,
        conversation_ids: &[String],
    ) -> Result<Vec<ContactItem>, ChatError> {
        if conversation_ids.is_empty() || conversation_ids.len() > ConvGroups::MAX_MEMBERS {
            return Err(self.api_error(
                ErrorCode::INVALID_OPERATION,
                format!(
                    "{api}: give 1 to {} conversation IDs",
                    ConvGroups::MAX_MEMBERS
                ),
            ));
        }
        let mut items: Vec<ContactItem> = Vec::with_capacity(conversation_ids.len());
        for id in conversation_ids {
            let peer = self.check_conversation_id(api, id)?;
            if !items.iter().any(|c| c.to_account == peer) {
                items.push(ContactItem::c2c(peer));
            }
        }
        Ok(items)
    }

    /// `createConversationGroup({groupName, conversationIDList})`:
    /// `recentcontact.create_contact_group`. Completes with
    /// which conversations the server applied it to; CONVERSATION_GROUP_LIST_UPDATED and
    /// CONVERSATION_LIST_UPDATED follow. Refused with 2905 for a bad or
    /// existing name, 51008 past 20 groups, 3122 without purchase bit 10.
    pub fn create_conversation_group(
        &mut self,
        now: Instant,
        group_name: &str,
        conversation_ids: &[String],
    ) -> Result<RequestId<ConversationGroupResult>, ChatError> {
        const API: &str = "createConversationGroup";
        let me = self.require_ready(API)?.user_id.clone();
        self.require_feature(Feature::ConversationGroup, API)?;
        self.check_group_name(API, group_name)?;
        if self.convs.groups.id_of(group_name).is_some() {
            return Err(self.api_error(
                ErrorCode::INVALID_OPERATION,
                format!("{API}: a conversation group named {group_name:?} exists"),
            ));
        }
        if self.convs.groups.len() >= ConvGroups::USER_LIMIT {
            return Err(self.api_error(
                ErrorCode::CONV_GROUP_LIMIT,
                format!(
                    "{API}: a user has at most {} conversation groups",
                    ConvGroups::USER_LIMIT
                ),
            ));
        }
        let contacts = self.check_group_conversations(API, conversation_ids)?;
        let body = CreateContactGroupRequest {
            from_account: me,
            group_contact_item: vec![GroupContactItem {
                group_name: group_name.to_owned(),
                contact_item: contacts,
            }],
        };
        let name = group_name.to_owned();
        self.send_conv_request(now, servcmd::CONV_GROUP_CREATE, &body, |id| CreateGroup {
            id,
            name,
        })
    }

    /// `deleteConversationGroup(groupName)`: `recentcontact.del_contact_group`.
    /// Completes with `()`;
    /// CONVERSATION_GROUP_LIST_UPDATED and CONVERSATION_LIST_UPDATED follow.
    pub fn delete_conversation_group(
        &mut self,
        now: Instant,
        group_name: &str,
    ) -> Result<RequestId<()>, ChatError> {
        const API: &str = "deleteConversationGroup";
        let me = self.require_ready(API)?.user_id.clone();
        self.require_feature(Feature::ConversationGroup, API)?;
        self.require_group(API, group_name)?;
        let body = DelContactGroupRequest {
            from_account: me,
            group_name: vec![group_name.to_owned()],
        };
        let name = group_name.to_owned();
        self.send_conv_request(now, servcmd::CONV_GROUP_DELETE, &body, |id| DeleteGroup {
            id,
            name,
        })
    }

    /// `renameConversationGroup({oldName, newName})`:
    /// `recentcontact.update_contact_group` (`UpdateGroupType` 1). Completes
    /// with `()`;
    /// CONVERSATION_GROUP_LIST_UPDATED and CONVERSATION_LIST_UPDATED follow.
    pub fn rename_conversation_group(
        &mut self,
        now: Instant,
        old_name: &str,
        new_name: &str,
    ) -> Result<RequestId<()>, ChatError> {
        const API: &str = "renameConversationGroup";
        let me = self.require_ready(API)?.user_id.clone();
        self.require_feature(Feature::ConversationGroup, API)?;
        self.require_group(API, old_name)?;
        self.check_group_name(API, new_name)?;
        if self.convs.groups.id_of(new_name).is_some() {
            return Err(self.api_error(
                ErrorCode::INVALID_OPERATION,
                format!("{API}: a conversation group named {new_name:?} exists"),
            ));
        }
        let body = UpdateContactGroupRequest {
            from_account: me,
            update_type: 1,
            update_group: UpdateGroup {
                update_group_type: 1,
                old_group_name: old_name.to_owned(),
                new_group_name: new_name.to_owned(),
                contact_update_item: Vec::new(),
            },
        };
        let (old, new) = (old_name.to_owned(), new_name.to_owned());
        self.send_conv_request(now, servcmd::CONV_GROUP_UPDATE, &body, |id| RenameGroup {
            id,
            old,
            new,
        })
    }

    /// `addConversationsToGroup({groupName, conversationIDList})`:
    /// `recentcontact.update_contact_group` (`UpdateGroupType` 2,
    /// `ContactOptType` 1). Completes with which conversations the server applied it to;
    /// CONVERSATION_IN_GROUP_UPDATED and CONVERSATION_LIST_UPDATED follow.
    /// More than 1,000 conversations in the group are refused with 51008.
    pub fn add_conversations_to_group(
        &mut self,
        now: Instant,
        group_name: &str,
        conversation_ids: &[String],
    ) -> Result<RequestId<ConversationGroupResult>, ChatError> {
        self.update_group_members(
            now,
            "addConversationsToGroup",
            group_name,
            conversation_ids,
            true,
        )
    }

    /// `deleteConversationsFromGroup({groupName, conversationIDList})`: as
    /// [`add_conversations_to_group`](Client::add_conversations_to_group),
    /// with `ContactOptType` 2.
    pub fn delete_conversations_from_group(
        &mut self,
        now: Instant,
        group_name: &str,
        conversation_ids: &[String],
    ) -> Result<RequestId<ConversationGroupResult>, ChatError> {
        self.update_group_members(
            now,
            "deleteConversationsFromGroup",
            group_name,
            conversation_ids,
            false,
        )
    }

    fn update_group_members(
        &mut self,
        now: Instant,
        api: &str,
        group_name: &str,
        conversation_ids: &[String],
        add: bool,
    ) -> Result<RequestId<ConversationGroupResult>, ChatError> {
        let me = self.require_ready(api)?.user_id.clone();
        self.require_feature(Feature::ConversationGroup, api)?;
        let gid = self.require_group(api, group_name)?;
        let contacts = self.check_group_conversations(api, conversation_ids)?;
        if add {
            let held = self.convs.groups.members_of(gid).count();
            let new = contacts
                .iter()
                .filter(|c| {
                    let id = c2c_id(&c.to_account);
                    !self.convs.groups.members_of(gid).any(|m| m == id)
                })
                .count();
            if held + new > ConvGroups::MAX_MEMBERS {
                return Err(self.api_error(
                    ErrorCode::CONV_GROUP_LIMIT,
                    format!(
                        "{api}: a conversation group holds at most {} conversations",
                        ConvGroups::MAX_MEMBERS
                    ),
                ));
            }
        }
        let conversation_ids: Vec<String> =
            contacts.iter().map(|c| c2c_id(&c.to_account)).collect();
        let body = UpdateContactGroupRequest {
            from_account: me,
            update_type: 1,
            update_group: UpdateGroup {
                update_group_type: 2,
                old_group_name: group_name.to_owned(),
                new_group_name: String::new(),
                contact_update_item: contacts
                    .into_iter()
                    .map(|contact_item| ContactUpdateItem {
                        contact_opt_type: if add { 1 } else { 2 },
                        contact_item,
                    })
                    .collect(),
            },
        };
        let name = group_name.to_owned();
        self.send_conv_request(now, servcmd::CONV_GROUP_UPDATE, &body, |id| GroupMembers {
            id,
            name,
            add,
            conversation_ids,
        })
    }

    /// `getConversationGroupList()`: the group names (local, after the
    /// login sync).
    pub fn get_conversation_group_list(&mut self) -> Result<Vec<String>, ChatError> {
        const API: &str = "getConversationGroupList";
        self.require_ready(API)?;
        self.require_feature(Feature::ConversationGroup, API)?;
        Ok(self.convs.groups.names())
    }

    fn apply_group_created(
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
        self.convs.groups.upsert(gid, group_name);
        self.convs.mark_groups_dirty();
        let result = split_results(&created.result_item);
        for conv in &result.success_conversation_id_list {
            self.convs.groups.add_member(gid, conv);
        }
        Ok(result)
    }

    fn apply_group_deleted(&mut self, name: &str, reply: &DelContactGroupReply) {
        if reply.group_item.is_empty() {
            // The official SDK changes nothing here; tcchat trusts the
            // success and removes the group it asked for.
            if let Some(gid) = self.convs.groups.id_of(name) {
                self.convs.groups.remove(gid);
            }
        }
        for g in &reply.group_item {
            if let Some(gid) = group_id_of(&self.convs.groups, g.group_id, &g.group_name) {
                self.convs.groups.remove(gid);
            }
        }
        self.convs.mark_groups_dirty();
    }

    fn apply_group_renamed(
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
        let gid = self.convs.groups.id_of(old).unwrap_or(server_id);
        self.convs.groups.upsert(gid, new);
        self.convs.mark_groups_dirty();
        Ok(())
    }

    fn apply_members(
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
        if let Some(gid) = self.convs.groups.id_of(name) {
            let mut changed = false;
            for conv in &result.success_conversation_id_list {
                changed |= if add {
                    self.convs.groups.add_member(gid, conv)
                } else {
                    self.convs.groups.remove_member(gid, conv)
                };
            }
            if changed {
                self.convs.mark_in_group_dirty(gid);
            }
        }
        Ok(result)
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

/// Per-conversation results as success and failure lists.
fn split_results(items: &[ContactResultItem]) -> ConversationGroupResult {
    let mut result = ConversationGroupResult::default();
    for r in items {
        let id = c2c_id(&r.contact_item.to_account);
        if r.result_code == 0 {
            result.success_conversation_id_list.push(id);
        } else {
            result
                .failure_conversation_id_list
                .push(ConversationFailure {
                    conversation_id: id,
                    code: r.result_code,
                    message: r.result_info.clone(),
                });
        }
    }
    result
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

/// `create_contact_group` for `create_conversation_group`.
#[derive(Debug)]
struct CreateGroup {
    id: RequestId<ConversationGroupResult>,
    name: String,
}

impl Request for CreateGroup {
    fn is_change(&self) -> bool {
        true
    }

    fn on_reply(
        self: Box<Self>,
        client: &mut Client,
        _now: Instant,
        status: Result<(), ChatError>,
        frame: &Frame,
    ) {
        let outcome = parse_reply::<CreateContactGroupReply>(status, frame)
            .and_then(|r| client.apply_group_created(&self.name, &r));
        client.complete(self.id, outcome);
    }

    fn on_failed(self: Box<Self>, client: &mut Client, err: ChatError) {
        client.complete(self.id, Err(err));
    }
}

/// `del_contact_group` for `delete_conversation_group`.
#[derive(Debug)]
struct DeleteGroup {
    id: RequestId<()>,
    name: String,
}

impl Request for DeleteGroup {
    fn is_change(&self) -> bool {
        true
    }

    fn on_reply(
        self: Box<Self>,
        client: &mut Client,
        _now: Instant,
        status: Result<(), ChatError>,
        frame: &Frame,
    ) {
        let outcome = parse_reply::<DelContactGroupReply>(status, frame)
            .map(|r| client.apply_group_deleted(&self.name, &r));
        client.complete(self.id, outcome);
    }

    fn on_failed(self: Box<Self>, client: &mut Client, err: ChatError) {
        client.complete(self.id, Err(err));
    }
}

/// `update_contact_group` (rename) for `rename_conversation_group`.
#[derive(Debug)]
struct RenameGroup {
    id: RequestId<()>,
    old: String,
    new: String,
}

impl Request for RenameGroup {
    fn is_change(&self) -> bool {
        true
    }

    fn on_reply(
        self: Box<Self>,
        client: &mut Client,
        _now: Instant,
        status: Result<(), ChatError>,
        frame: &Frame,
    ) {
        let outcome = parse_reply::<UpdateContactGroupReply>(status, frame)
            .and_then(|r| client.apply_group_renamed(&self.old, &self.new, &r));
        client.complete(self.id, outcome);
    }

    fn on_failed(self: Box<Self>, client: &mut Client, err: ChatError) {
        client.complete(self.id, Err(err));
    }
}

/// `update_contact_group` (members) for `add_conversations_to_group`
/// (`add`) and `delete_conversations_from_group`.
#[derive(Debug)]
struct GroupMembers {
    id: RequestId<ConversationGroupResult>,
    name: String,
    add: bool,
    /// The conversations asked for, in order.
    conversation_ids: Vec<String>,
}

impl Request for GroupMembers {
    fn is_change(&self) -> bool {
        true
    }

    fn on_reply(
        self: Box<Self>,
        client: &mut Client,
        _now: Instant,
        status: Result<(), ChatError>,
        frame: &Frame,
    ) {
        let outcome = parse_reply::<UpdateContactGroupReply>(status, frame)
            .and_then(|r| client.apply_members(&self.name, self.add, &self.conversation_ids, &r));
        client.complete(self.id, outcome);
    }

    fn on_failed(self: Box<Self>, client: &mut Client, err: ChatError) {
        client.complete(self.id, Err(err));
    }
}
