//! The conversation-group APIs (`createConversationGroup`,
//! `deleteConversationGroup`, `renameConversationGroup`,
//! `addConversationsToGroup`, `deleteConversationsFromGroup`,
//! `getConversationGroupList`) and their requests (what a reply changes is
//! in `conv_list/groups.rs`); the `get_contact_group` sync at login is in
//! `conv_group_sync.rs`. Every API needs purchase bit 10 (3122 without a
//! request otherwise).

use std::time::Instant;

use super::conv_api::parse_reply;
use super::conv_groups::ConvGroups;
use super::conv_list::conversation_of;
use super::features::Feature;
use super::request::Call;
use super::{Client, RequestId};
use crate::error::{ChatError, ErrorCode};
use crate::model::{ConversationFailure, ConversationGroupResult};
use crate::proto::contact::{
    ContactItem, ContactResultItem, ContactUpdateItem, CreateContactGroupReply,
    CreateContactGroupRequest, DelContactGroupReply, DelContactGroupRequest, GroupContactItem,
    UpdateContactGroupReply, UpdateContactGroupRequest, UpdateGroup,
};
use crate::wire::{servcmd, Frame};

impl Client {
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
        match self.convs.groups().id_of(name) {
            Some(id) => Ok(id),
            None => Err(self.api_error(
                ErrorCode::INVALID_OPERATION,
                format!("{api}: there is no conversation group named {name:?}"),
            )),
        }
    }

    /// The conversations as wire items: 1 to 1,000 valid `C2C<userID>`
    /// or `GROUP<groupID>` IDs (duplicates dropped).
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
            let item = self.check_listed_conversation_id(api, id)?;
            if !items.contains(&item) {
                items.push(item);
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
        if self.convs.groups().id_of(group_name).is_some() {
            return Err(self.api_error(
                ErrorCode::INVALID_OPERATION,
                format!("{API}: a conversation group named {group_name:?} exists"),
            ));
        }
        if self.convs.groups().len() >= ConvGroups::USER_LIMIT {
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
        self.send_conv_request(now, servcmd::CONV_GROUP_CREATE, &body, |id| {
            Call::change(
                id,
                move |client: &mut Client, _, id, status, frame: &Frame| {
                    let outcome = parse_reply::<CreateContactGroupReply>(status, frame)
                        .and_then(|r| client.convs.apply_group_created(&name, &r));
                    client.complete(id, outcome);
                },
            )
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
        self.send_conv_request(now, servcmd::CONV_GROUP_DELETE, &body, |id| {
            Call::change(
                id,
                move |client: &mut Client, _, id, status, frame: &Frame| {
                    let outcome = parse_reply::<DelContactGroupReply>(status, frame)
                        .map(|r| client.convs.apply_group_deleted(&name, &r));
                    client.complete(id, outcome);
                },
            )
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
        if self.convs.groups().id_of(new_name).is_some() {
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
        self.send_conv_request(now, servcmd::CONV_GROUP_UPDATE, &body, |id| {
            Call::change(
                id,
                move |client: &mut Client, _, id, status, frame: &Frame| {
                    let outcome = parse_reply::<UpdateContactGroupReply>(status, frame)
                        .and_then(|r| client.convs.apply_group_renamed(&old, &new, &r));
                    client.complete(id, outcome);
                },
            )
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
            let held = self.convs.groups().members_of(gid).count();
            let new = contacts
                .iter()
                .filter_map(conversation_of)
                .filter(|id| !self.convs.groups().members_of(gid).any(|m| m == id))
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
        let conversation_ids: Vec<String> = contacts.iter().filter_map(conversation_of).collect();
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
        self.send_conv_request(now, servcmd::CONV_GROUP_UPDATE, &body, |id| {
            Call::change(
                id,
                move |client: &mut Client, _, id, status, frame: &Frame| {
                    let outcome =
                        parse_reply::<UpdateContactGroupReply>(status, frame).and_then(|r| {
                            client
                                .convs
                                .apply_members(&name, add, &conversation_ids, &r)
                        });
                    client.complete(id, outcome);
                },
            )
        })
    }

    /// `getConversationGroupList()`: the group names (local, after the
    /// login sync).
    pub fn get_conversation_group_list(&mut self) -> Result<Vec<String>, ChatError> {
        const API: &str = "getConversationGroupList";
        self.require_ready(API)?;
        self.require_feature(Feature::ConversationGroup, API)?;
        Ok(self.convs.groups().names())
    }
}

/// Per-conversation results as success and failure lists.
pub(super) fn split_results(items: &[ContactResultItem]) -> ConversationGroupResult {
    let mut result = ConversationGroupResult::default();
    for r in items {
        let Some(id) = conversation_of(&r.contact_item) else {
            continue;
        };
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
