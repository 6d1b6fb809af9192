//! Conversation groups: `recentcontact.create_contact_group`,
//! `update_contact_group` (rename, or add/remove conversations),
//! `del_contact_group` and `get_contact_group` (messages-facts §4).
//!
//! A user has at most [`bounds::MAX_CONTACT_GROUPS`] groups with unique
//! names of 1 to [`bounds::MAX_GROUP_NAME_BYTES`] bytes and IDs that are
//! never reused, and at most [`bounds::MAX_GROUPED_CONVERSATIONS`]
//! memberships in all. Every change is pushed as Event 11
//! (`PushType` 5, 6 or 7) to the user's other instances.

use std::collections::BTreeMap;

use tcchat_core::proto::contact::{
    ContactGroupMembership, ContactItem, ContactResultItem, CreateContactGroupReply,
    CreateContactGroupRequest, CreateGroupPush, CreatedGroup, DelContactGroupReply,
    DelContactGroupRequest, DelGroupPush, GetContactGroupReply, GetContactGroupRequest, GroupItem,
    GroupResultItem, GroupUpdate, MemberUpdate, RecentContactMod, UpdateContactGroupReply,
    UpdateContactGroupRequest, UpdateGroupPush, UpdateGroupResult,
};
use tcchat_core::proto::BaseReply;
use tcchat_core::wire::Frame;

use super::conn::Ident;
use super::conversations::{contact_event, PushType, C2C, GROUP};
use super::groups::check_conversation_group_id;
use super::notify::{Notify, Queued};
use super::request::{check_caller, check_len, check_peer, refuse, Fail};
use super::{ConnId, Engine};
use crate::bounds;
use crate::codes;
use crate::store::{Change, ContactGroup, ContactGroups, Store};

/// `ContactOptType`: add a conversation to a group.
const OPT_ADD: u8 = 1;
/// `ContactOptType`: remove a conversation from a group.
const OPT_REMOVE: u8 = 2;

/// A group name must be 1 to [`bounds::MAX_GROUP_NAME_BYTES`] bytes.
fn check_name(name: &str) -> Result<(), Fail> {
    if name.is_empty() {
        return refuse(codes::CONTACT_PARAMETER, "the group name is empty");
    }
    if name.len() > bounds::MAX_GROUP_NAME_BYTES {
        return refuse(
            codes::CONTACT_GROUP_NAME_TOO_LONG,
            format!(
                "a group name is at most {} bytes",
                bounds::MAX_GROUP_NAME_BYTES
            ),
        );
    }
    Ok(())
}

fn group_item(g: &ContactGroup) -> GroupItem {
    GroupItem {
        group_id: g.id,
        group_name: g.name.clone(),
    }
}

/// The result of one conversation of a group operation.
fn result(contact: &ContactItem, code: u32, info: &str) -> ContactResultItem {
    ContactResultItem {
        contact_item: contact.clone(),
        result_code: code,
        result_info: info.to_owned(),
    }
}

/// The conversation `contact` names (`C2C<peer>` for `Type` 1,
/// `GROUP<groupID>` for `Type` 2), or why it cannot be in a group. A group
/// conversation need not be one the user is in, as a C2C one need not have
/// messages: a conversation group only lists conversation IDs.
fn conversation_of(contact: &ContactItem) -> Result<String, (u32, String)> {
    let checked = match contact.kind {
        C2C => check_peer("To_Account", &contact.to_account),
        GROUP => check_conversation_group_id(&contact.to_group_id),
        other => {
            return Err((
                codes::INVALID_PARAMETER,
                format!("Type {other} is not 1 (C2C) or 2 (group)"),
            ))
        }
    };
    match checked {
        Err(Fail::Refuse(code, info)) => Err((code, info)),
        _ => contact.conversation_id().ok_or_else(|| {
            (
                codes::INVALID_PARAMETER,
                "Type is not 1 (C2C) or 2 (group)".to_owned(),
            )
        }),
    }
}

/// The wire reference of a stored conversation ID (`C2C<peer>` or
/// `GROUP<groupID>`, as [`conversation_of`] makes them).
fn contact_of(conversation: &str) -> Option<ContactItem> {
    if let Some(group) = conversation.strip_prefix("GROUP") {
        Some(ContactItem::group(group))
    } else {
        conversation.strip_prefix("C2C").map(ContactItem::c2c)
    }
}

impl<S: Store> Engine<S> {
    /// `recentcontact.create_contact_group`.
    pub(super) fn on_group_create(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) {
        let Some((me, req)) =
            self.begin_change::<CreateContactGroupRequest>(unix_ms, conn, gzip, frame)
        else {
            return;
        };
        let result = self.group_create(&me, &req);
        self.finish_change(unix_ms, &me, conn, gzip, &frame.head, result);
    }

    /// One group at a time (as Tencent), with its first conversations.
    fn group_create(
        &mut self,
        me: &Ident,
        req: &CreateContactGroupRequest,
    ) -> Result<(CreateContactGroupReply, Queued), Fail> {
        check_caller(me, &req.from_account)?;
        let [item] = req.group_contact_item.as_slice() else {
            return refuse(
                codes::CONTACT_PARAMETER,
                "GroupContactItem must hold exactly one group",
            );
        };
        check_name(&item.group_name)?;
        check_len(
            "ContactItem",
            &item.contact_item,
            bounds::MAX_GROUP_ITEMS_PER_REQUEST,
        )?;
        let state = self.store.contact_groups(me.app, &me.user)?;
        if state.groups.iter().any(|g| g.name == item.group_name) {
            return refuse(
                codes::CONTACT_PARAMETER,
                format!("a conversation group named {:?} exists", item.group_name),
            );
        }
        if state.groups.len() >= bounds::MAX_CONTACT_GROUPS {
            return refuse(
                codes::CONTACT_GROUPS_FULL,
                format!("at most {} conversation groups", bounds::MAX_CONTACT_GROUPS),
            );
        }
        let group = ContactGroup {
            id: state.last_id + 1,
            name: item.group_name.clone(),
        };
        let mut changes = vec![Change::Group {
            owner: me.user.clone(),
            group: group.clone(),
        }];
        let mut total = state.members.len();
        let mut results = Vec::new();
        let mut added: Vec<ContactItem> = Vec::new();
        for contact in &item.contact_item {
            let conversation = match conversation_of(contact) {
                Ok(c) => c,
                Err((code, info)) => {
                    results.push(result(contact, code, &info));
                    continue;
                }
            };
            if added
                .iter()
                .any(|c| c.conversation_id().as_ref() == Some(&conversation))
            {
                results.push(result(contact, 0, ""));
            } else if total >= bounds::MAX_GROUPED_CONVERSATIONS {
                results.push(result(
                    contact,
                    codes::CONTACT_GROUPED_FULL,
                    "too many conversations in groups",
                ));
            } else {
                total += 1;
                changes.push(Change::Member {
                    owner: me.user.clone(),
                    group_id: group.id,
                    conversation: conversation.clone(),
                    present: true,
                });
                added.extend(contact_of(&conversation));
                results.push(result(contact, 0, ""));
            }
        }
        let push = RecentContactMod {
            push_type: PushType::GROUP_CREATED,
            create_group: Some(CreateGroupPush {
                items: vec![CreatedGroup {
                    group: group_item(&group),
                    contacts: added,
                }],
            }),
            ..RecentContactMod::default()
        };
        let queued = self.commit(
            me,
            changes,
            vec![Notify::new(&me.user, contact_event(push))],
        )?;
        Ok((
            CreateContactGroupReply {
                base: BaseReply::ok(),
                group_result_item: vec![GroupResultItem {
                    group_item: group_item(&group),
                    result_item: results,
                }],
            },
            queued,
        ))
    }

    /// `recentcontact.update_contact_group`.
    pub(super) fn on_group_update(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) {
        let Some((me, req)) =
            self.begin_change::<UpdateContactGroupRequest>(unix_ms, conn, gzip, frame)
        else {
            return;
        };
        let result = self.group_update(&me, &req);
        self.finish_change(unix_ms, &me, conn, gzip, &frame.head, result);
    }

    /// `UpdateType` 1 with `UpdateGroupType` 1 (rename `OldGroupName` to
    /// `NewGroupName`) or 2 (add or remove the conversations of
    /// `ContactUpdateItem` in `OldGroupName`).
    fn group_update(
        &mut self,
        me: &Ident,
        req: &UpdateContactGroupRequest,
    ) -> Result<(UpdateContactGroupReply, Queued), Fail> {
        check_caller(me, &req.from_account)?;
        if req.update_type != 1 {
            return refuse(codes::CONTACT_PARAMETER, "UpdateType must be 1");
        }
        let update = &req.update_group;
        let state = self.store.contact_groups(me.app, &me.user)?;
        let Some(group) = state
            .groups
            .iter()
            .find(|g| g.name == update.old_group_name)
            .cloned()
        else {
            return refuse(
                codes::CONTACT_GROUP_NOT_FOUND,
                format!("no conversation group named {:?}", update.old_group_name),
            );
        };
        match update.update_group_type {
            1 => self.group_rename(me, &state, group, &update.new_group_name),
            2 => self.group_members(me, &state, group, &update.contact_update_item),
            other => refuse(
                codes::CONTACT_PARAMETER,
                format!("UpdateGroupType {other} is not 1 (rename) or 2 (conversations)"),
            ),
        }
    }

    fn group_rename(
        &mut self,
        me: &Ident,
        state: &ContactGroups,
        group: ContactGroup,
        new_name: &str,
    ) -> Result<(UpdateContactGroupReply, Queued), Fail> {
        check_name(new_name)?;
        let reply = UpdateContactGroupReply {
            base: BaseReply::ok(),
            update_group_result: UpdateGroupResult {
                group_id: group.id,
                contact_result_item: Vec::new(),
            },
        };
        if new_name == group.name {
            return Ok((reply, Queued::default()));
        }
        if state.groups.iter().any(|g| g.name == new_name) {
            return refuse(
                codes::CONTACT_PARAMETER,
                format!("a conversation group named {new_name:?} exists"),
            );
        }
        let push = RecentContactMod {
            push_type: PushType::GROUP_UPDATED,
            update_group: Some(UpdateGroupPush {
                update_type: 1,
                group: Some(GroupUpdate {
                    update_group_type: 1,
                    group_id: group.id,
                    group_name: new_name.to_owned(),
                    old_group_name: group.name.clone(),
                    ..GroupUpdate::default()
                }),
                ..UpdateGroupPush::default()
            }),
            ..RecentContactMod::default()
        };
        let change = Change::Group {
            owner: me.user.clone(),
            group: ContactGroup {
                id: group.id,
                name: new_name.to_owned(),
            },
        };
        let queued = self.commit(
            me,
            vec![change],
            vec![Notify::new(&me.user, contact_event(push))],
        )?;
        Ok((reply, queued))
    }

    fn group_members(
        &mut self,
        me: &Ident,
        state: &ContactGroups,
        group: ContactGroup,
        items: &[tcchat_core::proto::contact::ContactUpdateItem],
    ) -> Result<(UpdateContactGroupReply, Queued), Fail> {
        check_len(
            "ContactUpdateItem",
            items,
            bounds::MAX_GROUP_ITEMS_PER_REQUEST,
        )?;
        let mut members: BTreeMap<(u64, String), ()> =
            state.members.iter().map(|m| (m.clone(), ())).collect();
        let mut changes = Vec::new();
        let mut results = Vec::new();
        let mut pushed = Vec::new();
        for item in items {
            let contact = &item.contact_item;
            let conversation = match conversation_of(contact) {
                Ok(c) => c,
                Err((code, info)) => {
                    results.push(result(contact, code, &info));
                    continue;
                }
            };
            let key = (group.id, conversation.clone());
            let present = match item.contact_opt_type {
                OPT_ADD => true,
                OPT_REMOVE => false,
                other => {
                    let info = format!("ContactOptType {other} is not 1 (add) or 2 (remove)");
                    results.push(result(contact, codes::INVALID_PARAMETER, &info));
                    continue;
                }
            };
            if members.contains_key(&key) == present {
                results.push(result(contact, 0, ""));
                continue;
            }
            if present && members.len() >= bounds::MAX_GROUPED_CONVERSATIONS {
                results.push(result(
                    contact,
                    codes::CONTACT_GROUPED_FULL,
                    "too many conversations in groups",
                ));
                continue;
            }
            if present {
                members.insert(key, ());
            } else {
                members.remove(&key);
            }
            changes.push(Change::Member {
                owner: me.user.clone(),
                group_id: group.id,
                present,
                conversation: conversation.clone(),
            });
            pushed.extend(contact_of(&conversation).map(|contact| MemberUpdate {
                contact_opt_type: item.contact_opt_type,
                contact,
            }));
            results.push(result(contact, 0, ""));
        }
        let mut notices = Vec::new();
        if !pushed.is_empty() {
            let push = RecentContactMod {
                push_type: PushType::GROUP_UPDATED,
                update_group: Some(UpdateGroupPush {
                    update_type: 1,
                    group: Some(GroupUpdate {
                        update_group_type: 2,
                        old_group_name: group.name.clone(),
                        members: pushed,
                        ..GroupUpdate::default()
                    }),
                    ..UpdateGroupPush::default()
                }),
                ..RecentContactMod::default()
            };
            notices.push(Notify::new(&me.user, contact_event(push)));
        }
        let queued = self.commit(me, changes, notices)?;
        Ok((
            UpdateContactGroupReply {
                base: BaseReply::ok(),
                update_group_result: UpdateGroupResult {
                    group_id: group.id,
                    contact_result_item: results,
                },
            },
            queued,
        ))
    }

    /// `recentcontact.del_contact_group`.
    pub(super) fn on_group_delete(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) {
        let Some((me, req)) =
            self.begin_change::<DelContactGroupRequest>(unix_ms, conn, gzip, frame)
        else {
            return;
        };
        let result = self.group_delete(&me, &req);
        self.finish_change(unix_ms, &me, conn, gzip, &frame.head, result);
    }

    /// Delete the named groups that exist (51009 when none does), and
    /// reply them in `GroupItem`.
    fn group_delete(
        &mut self,
        me: &Ident,
        req: &DelContactGroupRequest,
    ) -> Result<(DelContactGroupReply, Queued), Fail> {
        check_caller(me, &req.from_account)?;
        if req.group_name.is_empty() {
            return refuse(codes::CONTACT_PARAMETER, "GroupName is empty");
        }
        check_len("GroupName", &req.group_name, bounds::MAX_CONTACT_GROUPS)?;
        let state = self.store.contact_groups(me.app, &me.user)?;
        let mut deleted: Vec<GroupItem> = Vec::new();
        let mut changes = Vec::new();
        for g in &state.groups {
            if req.group_name.contains(&g.name) {
                deleted.push(group_item(g));
                changes.push(Change::DeleteGroup {
                    owner: me.user.clone(),
                    id: g.id,
                });
            }
        }
        if deleted.is_empty() {
            return refuse(
                codes::CONTACT_GROUP_NOT_FOUND,
                "none of the named conversation groups exists",
            );
        }
        let push = RecentContactMod {
            push_type: PushType::GROUP_DELETED,
            del_group: Some(DelGroupPush {
                groups: deleted.clone(),
            }),
            ..RecentContactMod::default()
        };
        let queued = self.commit(
            me,
            changes,
            vec![Notify::new(&me.user, contact_event(push))],
        )?;
        Ok((
            DelContactGroupReply {
                base: BaseReply::ok(),
                group_item: deleted,
            },
            queued,
        ))
    }

    /// `recentcontact.get_contact_group`: every group and every grouped
    /// conversation in one page (the limits keep it small: at most 20
    /// groups and 1,000 memberships); a later `StartIndex` gets an empty
    /// last page.
    pub(super) fn on_group_get(&mut self, unix_ms: u64, conn: ConnId, gzip: bool, frame: &Frame) {
        let Some((me, req)) = self.begin::<GetContactGroupRequest>(unix_ms, conn, gzip, frame)
        else {
            return;
        };
        let result = (|| {
            check_caller(&me, &req.from_account)?;
            let mut reply = GetContactGroupReply {
                base: BaseReply::ok(),
                complete_flag: 1,
                ..GetContactGroupReply::default()
            };
            if req.start_index > 0 {
                return Ok::<_, Fail>(reply);
            }
            let state = self.store.contact_groups(me.app, &me.user)?;
            reply.group_item = state.groups.iter().map(group_item).collect();
            let mut by_conversation: BTreeMap<String, Vec<u64>> = BTreeMap::new();
            for (id, conversation) in state.members {
                by_conversation.entry(conversation).or_default().push(id);
            }
            reply.contact_item = by_conversation
                .into_iter()
                .filter_map(|(conversation, ids)| {
                    let contact = contact_of(&conversation)?;
                    Some(ContactGroupMembership {
                        kind: contact.kind,
                        to_account: contact.to_account,
                        to_group_id: contact.to_group_id,
                        standard_mark: "0".into(),
                        custom_mark: String::new(),
                        contact_group_id: ids,
                    })
                })
                .collect();
            Ok(reply)
        })();
        self.finish_query(conn, gzip, &frame.head, result);
    }
}
