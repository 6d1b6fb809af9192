//! The group lifecycle commands: `create_group`, `join_group`,
//! `quit_group` and `dismiss_group` (docs/design/GROUPS_WIRE.md §1.1,
//! PROTOCOL.md 8.2). Creating or joining ends with the group's profile
//! (`get_group_self_member_info`), as in the official SDK, so the caller
//! and the group list get the group as the server holds it.

use std::time::Instant;

use super::super::conv_api::parse_reply;
use super::super::request::{Call, RequestId};
use super::super::Client;
use crate::error::{ChatError, ErrorCode};
use crate::model::{Group, GroupCustomField};
use crate::proto::group::{
    cmd, joined_status, AppDefinedItem, ApplyJoinGroupReply, ApplyJoinGroupRequest,
    CreateGroupReply, CreateGroupRequest, GroupIdListRequest, GroupIdRequest, GroupInfoReply,
    MemberAccount,
};
use crate::proto::BaseReply;
use crate::types::{GroupInviteOption, GroupJoinOption, GroupRole, GroupType, JoinGroupStatus};
use crate::wire::Frame;

/// Arguments of `create_group`: `{name, type, groupID, memberList,
/// introduction, notification, avatar, maxMemberNum, joinOption,
/// inviteOption, groupCustomField}`. Options left unset are the server's
/// per-type defaults (nothing is sent for them, as the official SDK).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CreateGroupOptions {
    /// `name` (required, at most 100 bytes on Tencent's servers).
    pub name: String,
    /// `type` (`TYPES.GRP_*`).
    pub group_type: GroupType,
    /// `groupID`: an ID of the caller's choosing; empty lets the server
    /// make one.
    pub group_id: String,
    /// `memberList`: users to add besides the creator.
    pub member_list: Vec<String>,
    /// `introduction`.
    pub introduction: String,
    /// `notification`.
    pub notification: String,
    /// `avatar`.
    pub avatar: String,
    /// `maxMemberNum` (0: the type's default).
    pub max_member_num: u64,
    /// `joinOption` (`None`: the type's default).
    pub join_option: Option<GroupJoinOption>,
    /// `inviteOption` (`None`: the type's default).
    pub invite_option: Option<GroupInviteOption>,
    /// `groupCustomField`.
    pub group_custom_field: Vec<GroupCustomField>,
}

impl CreateGroupOptions {
    /// A group of `group_type` named `name`, every other option the
    /// server's default.
    pub fn new(group_type: GroupType, name: impl Into<String>) -> Self {
        CreateGroupOptions {
            name: name.into(),
            group_type,
            group_id: String::new(),
            member_list: Vec::new(),
            introduction: String::new(),
            notification: String::new(),
            avatar: String::new(),
            max_member_num: 0,
            join_option: None,
            invite_option: None,
            group_custom_field: Vec::new(),
        }
    }

    /// Choose the group's ID.
    pub fn with_group_id(mut self, group_id: impl Into<String>) -> Self {
        self.group_id = group_id.into();
        self
    }

    /// Add these users as members at creation.
    pub fn with_members<I, S>(mut self, members: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.member_list = members.into_iter().map(Into::into).collect();
        self
    }

    /// Set `introduction`.
    pub fn with_introduction(mut self, text: impl Into<String>) -> Self {
        self.introduction = text.into();
        self
    }

    /// Set `notification`.
    pub fn with_notification(mut self, text: impl Into<String>) -> Self {
        self.notification = text.into();
        self
    }

    /// Set `joinOption`.
    pub fn with_join_option(mut self, option: GroupJoinOption) -> Self {
        self.join_option = Some(option);
        self
    }

    /// Set `inviteOption`.
    pub fn with_invite_option(mut self, option: GroupInviteOption) -> Self {
        self.invite_option = Some(option);
        self
    }

    /// Set `maxMemberNum`.
    pub fn with_max_member_num(mut self, max: u64) -> Self {
        self.max_member_num = max;
        self
    }

    /// Add a custom field.
    pub fn with_custom_field(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.group_custom_field
            .push(GroupCustomField::new(key, value));
        self
    }
}

/// What `join_group` resolves with: `{status, group}`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct JoinGroupResult {
    /// `JoinedSuccess`, `WaitAdminApproval` or `AlreadyInGroup`.
    pub status: JoinGroupStatus,
    /// The group, once joined (also for `AlreadyInGroup`); `None` while the
    /// application waits.
    pub group: Option<Group>,
}

impl Client {
    /// `createGroup(options)`: `create_group`, then the new group's profile.
    /// Completes with the group, which joins the group list
    /// (GROUP_LIST_UPDATED follows). Refused before sending: 2024/3000/3005
    /// when not ready, 2602 for an over-long `group_id`, 2905 for an empty
    /// `name` or a member ID that is empty or over-long. The server's
    /// refusals come back with its code (for example 10021 for an ID in
    /// use).
    ///
    /// Unlike the official SDK, tcchat does not send a `group_create`
    /// custom message into the new group.
    pub fn create_group(
        &mut self,
        now: Instant,
        options: CreateGroupOptions,
    ) -> Result<RequestId<Group>, ChatError> {
        let me = self.require_ready("createGroup")?.user_id.clone();
        if !options.group_id.is_empty() {
            self.check_group_id("createGroup", &options.group_id)?;
        }
        if options.name.is_empty() {
            return Err(self.api_error(ErrorCode::INVALID_OPERATION, "createGroup: name is empty"));
        }
        if options
            .member_list
            .iter()
            .any(|m| m.is_empty() || m.len() > Self::MAX_USER_ID_BYTES)
        {
            return Err(self.api_error(
                ErrorCode::INVALID_OPERATION,
                "createGroup: every memberList entry must be a user ID",
            ));
        }
        self.check_capacity()?;
        let body = CreateGroupRequest {
            group_type: options.group_type.as_str().to_owned(),
            name: options.name,
            owner_account: me,
            member_list: options
                .member_list
                .into_iter()
                .map(|member_account| MemberAccount { member_account })
                .collect(),
            group_id: options.group_id,
            face_url: options.avatar,
            introduction: options.introduction,
            notification: options.notification,
            max_member_count: options.max_member_num,
            apply_join_option: options
                .join_option
                .map(|o| o.as_str().to_owned())
                .unwrap_or_default(),
            invite_join_option: options
                .invite_option
                .map(|o| o.as_str().to_owned())
                .unwrap_or_default(),
            app_defined_data: options
                .group_custom_field
                .into_iter()
                .map(|f| AppDefinedItem {
                    key: f.key,
                    value: f.value,
                })
                .collect(),
            support_topic: 0,
            web_push_flag: 1,
        };
        Ok(self.enqueue_command(now, cmd::CREATE, &body, |id| {
            Call::change(
                id,
                move |client: &mut Client, now, id, status, frame: &Frame| match parse_reply::<
                    CreateGroupReply,
                >(
                    status, frame
                ) {
                    Ok(r) if !r.group_id.is_empty() => {
                        client.fetch_profile_for(now, id, r.group_id)
                    }
                    Ok(_) => client.complete(
                        id,
                        Err(ChatError::new(
                            ErrorCode::UNCAUGHT_ERROR,
                            "the create_group reply has no GroupId",
                        )),
                    ),
                    Err(err) => client.complete(id, Err(err)),
                },
            )
        }))
    }

    /// Ask for `group_id`'s profile and complete `id` with the group
    /// (held in the list from then on).
    pub(super) fn fetch_profile_for(
        &mut self,
        now: Instant,
        id: RequestId<Group>,
        group_id: String,
    ) {
        let body = GroupIdListRequest {
            group_id_list: vec![group_id.clone()],
            response_filter: Default::default(),
        };
        let timeout = self.ctx.tuning().request_timeout;
        self.enqueue(
            now,
            cmd::GET_SELF_MEMBER_INFO,
            &body,
            timeout,
            Call::query(
                id,
                move |client: &mut Client, _, id, status, frame: &Frame| {
                    let outcome = parse_reply::<GroupInfoReply>(status, frame)
                        .and_then(|r| client.apply_group_profile(&group_id, &r));
                    client.complete(id, outcome);
                },
            ),
        );
    }

    /// `joinGroup({groupID, applyMessage})`: `apply_join_group`. Completes
    /// with `JoinedSuccess` and the group (fetched, and added to the group
    /// list), or `WaitAdminApproval` (the group joins the list when an
    /// owner or admin accepts). A group already in the list completes at
    /// once with `AlreadyInGroup`, sending nothing, as the official SDK.
    /// Fails with 2602 for a bad ID, 2660 when the reply has no
    /// `JoinedStatus`, and with the server's code otherwise.
    pub fn join_group(
        &mut self,
        now: Instant,
        group_id: &str,
        apply_message: &str,
    ) -> Result<RequestId<JoinGroupResult>, ChatError> {
        self.require_ready("joinGroup")?;
        self.check_group_id("joinGroup", group_id)?;
        if let Some(group) = self.groups.get(group_id).cloned() {
            let id = self.next_request_id();
            self.complete(
                id,
                Ok(JoinGroupResult {
                    status: JoinGroupStatus::AlreadyInGroup,
                    group: Some(group),
                }),
            );
            return Ok(id);
        }
        self.check_capacity()?;
        let body = ApplyJoinGroupRequest {
            group_id: group_id.to_owned(),
            apply_msg: apply_message.to_owned(),
            web_push_flag: 1,
        };
        let group_id = group_id.to_owned();
        Ok(self.enqueue_command(now, cmd::APPLY_JOIN, &body, |id| {
            Call::change(
                id,
                move |client: &mut Client, now, id, status, frame: &Frame| {
                    let status = parse_reply::<ApplyJoinGroupReply>(status, frame).and_then(|r| {
                        match r.joined_status.as_str() {
                            joined_status::JOINED => Ok(JoinGroupStatus::JoinedSuccess),
                            joined_status::WAIT_APPROVAL => Ok(JoinGroupStatus::WaitAdminApproval),
                            joined_status::ALREADY_IN_GROUP => Ok(JoinGroupStatus::AlreadyInGroup),
                            _ => Err(ChatError::new(
                                ErrorCode::JOIN_GRP_FAIL,
                                "the apply_join_group reply has no JoinedStatus",
                            )),
                        }
                    });
                    match status {
                        Ok(JoinGroupStatus::WaitAdminApproval) => client.complete(
                            id,
                            Ok(JoinGroupResult {
                                status: JoinGroupStatus::WaitAdminApproval,
                                group: None,
                            }),
                        ),
                        Ok(joined) => client.fetch_joined_group(now, id, group_id, joined),
                        Err(err) => client.complete(id, Err(err)),
                    }
                },
            )
        }))
    }

    fn fetch_joined_group(
        &mut self,
        now: Instant,
        id: RequestId<JoinGroupResult>,
        group_id: String,
        status: JoinGroupStatus,
    ) {
        let body = GroupIdListRequest {
            group_id_list: vec![group_id.clone()],
            response_filter: Default::default(),
        };
        let timeout = self.ctx.tuning().request_timeout;
        self.enqueue(
            now,
            cmd::GET_SELF_MEMBER_INFO,
            &body,
            timeout,
            Call::query(
                id,
                move |client: &mut Client, _, id, reply, frame: &Frame| {
                    let outcome = parse_reply::<GroupInfoReply>(reply, frame)
                        .and_then(|r| client.apply_group_profile(&group_id, &r))
                        .map(|group| JoinGroupResult {
                            status,
                            group: Some(group),
                        });
                    client.complete(id, outcome);
                },
            ),
        );
    }

    /// `quitGroup(groupID)`: `quit_group`. Completes with the group's ID;
    /// the group leaves the list and its conversation is deleted locally
    /// (GROUP_LIST_UPDATED and CONVERSATION_LIST_UPDATED follow). Fails
    /// with 2602 for a bad ID and with the server's code (for example the
    /// owner of a group that needs transferring first).
    pub fn quit_group(
        &mut self,
        now: Instant,
        group_id: &str,
    ) -> Result<RequestId<String>, ChatError> {
        self.require_ready("quitGroup")?;
        self.check_group_id("quitGroup", group_id)?;
        self.check_capacity()?;
        Ok(self.leave_group(now, cmd::QUIT, group_id))
    }

    /// `dismissGroup(groupID)`: `destroy_group`, by the owner. Completes
    /// with the group's ID; the group leaves the list and its conversation
    /// is deleted locally. Refused before sending with 2681 (`NOT_OWNER`)
    /// when the group list says this user is not the owner; 2602 for a bad
    /// ID; the server's code otherwise.
    pub fn dismiss_group(
        &mut self,
        now: Instant,
        group_id: &str,
    ) -> Result<RequestId<String>, ChatError> {
        self.require_ready("dismissGroup")?;
        self.check_group_id("dismissGroup", group_id)?;
        let not_owner = self
            .groups
            .get(group_id)
            .is_some_and(|g| g.self_info.role != GroupRole::Owner);
        if not_owner {
            return Err(self.api_error(
                ErrorCode::NOT_OWNER,
                "dismissGroup: only the group's owner may dismiss it",
            ));
        }
        self.check_capacity()?;
        Ok(self.leave_group(now, cmd::DESTROY, group_id))
    }

    fn leave_group(
        &mut self,
        now: Instant,
        servcmd: &'static str,
        group_id: &str,
    ) -> RequestId<String> {
        let body = GroupIdRequest {
            group_id: group_id.to_owned(),
        };
        let group_id = group_id.to_owned();
        self.enqueue_command(now, servcmd, &body, |id| {
            Call::change(
                id,
                move |client: &mut Client, _, id, status, frame: &Frame| {
                    let outcome = parse_reply::<BaseReply>(status, frame).map(|_| {
                        if client.groups.remove(&group_id) {
                            client.conv_group_left(&group_id);
                        }
                        group_id
                    });
                    client.complete(id, outcome);
                },
            )
        })
    }
}
