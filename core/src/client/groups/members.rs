//! The member commands: `get_group_member_list`, `get_group_member_profile`,
//! `add_group_member`, `delete_group_member`, the four
//! `set_group_member_*` (role, mute time, name card, custom fields) and
//! `mark_group_member_list`, on the
//! servcmds of PROTOCOL.md 8.7 (ours: Tencent's REST names). Member
//! changes reach every member as tips (3, 4, 5, 7); the member count of the
//! group list follows them.

use std::time::Instant;

use super::super::conv_api::parse_reply;
use super::super::request::{Call, RequestId};
use super::super::Client;
use crate::error::{ChatError, ErrorCode};
use crate::model::{
    AddGroupMemberResult, GroupCustomField, GroupMember, GroupMemberListResult,
    MarkGroupMemberListResult,
};
use crate::proto::group::{
    cmd, AddGroupMemberReply, AddGroupMemberRequest, AppDefinedItem, DeleteGroupMemberRequest,
    GetGroupMemberInfoRequest, GetSpecifiedMemberInfoRequest, GroupMemberListReply,
    MarkMemberReply, MarkMemberRequest, MemberAccount, MemberMarks, ModifyGroupMemberInfoRequest,
};
use crate::proto::BaseReply;
use crate::types::GroupRole;
use crate::wire::Frame;

/// Users one member command may name (the server's limit, PROTOCOL.md
/// 8.9).
pub const MAX_MEMBERS_PER_CALL: usize = 100;

/// Error codes the official SDK uses for member commands refused locally.
mod codes {
    use crate::error::ErrorCode;
    /// `INVALID_MEMBER_ROLE`.
    pub(super) const INVALID_MEMBER_ROLE: ErrorCode = ErrorCode(2683);
    /// `CANNOT_SET_SELF_MEMBER_ROLE`.
    pub(super) const CANNOT_SET_SELF_MEMBER_ROLE: ErrorCode = ErrorCode(2684);
    /// `CANNOT_MUTE_SELF`.
    pub(super) const CANNOT_MUTE_SELF: ErrorCode = ErrorCode(2685);
}

impl Client {
    /// `getGroupMemberList({groupID, count, offset, role})`: one page of the
    /// members, by join order (`count` 1–100; `role` keeps only that
    /// role). Resolves with the page and the `offset` of the next (0 after
    /// the last).
    pub fn get_group_member_list(
        &mut self,
        now: Instant,
        group_id: &str,
        count: u64,
        offset: u64,
        role: Option<GroupRole>,
    ) -> Result<RequestId<GroupMemberListResult>, ChatError> {
        self.require_ready("getGroupMemberList")?;
        self.check_group_id("getGroupMemberList", group_id)?;
        self.check_capacity()?;
        let body = GetGroupMemberInfoRequest {
            group_id: group_id.to_owned(),
            limit: count.clamp(1, MAX_MEMBERS_PER_CALL as u64),
            offset,
            member_role_filter: role
                .map(|r| vec![r.as_str().to_owned()])
                .unwrap_or_default(),
            member_info_filter: Vec::new(),
        };
        Ok(
            self.enqueue_command(now, cmd::GET_MEMBER_INFO, &body, |id| {
                Call::query(id, |client: &mut Client, _, id, status, frame: &Frame| {
                    let outcome = parse_reply::<GroupMemberListReply>(status, frame).map(|r| {
                        GroupMemberListResult {
                            member_list: r.member_list.iter().map(GroupMember::from_info).collect(),
                            offset: r.next_offset,
                        }
                    });
                    client.complete(id, outcome);
                })
            }),
        )
    }

    /// `getGroupMemberProfile({groupID, userIDList})`: the named members
    /// (non-members are left out). 1–100 user IDs.
    pub fn get_group_member_profile(
        &mut self,
        now: Instant,
        group_id: &str,
        user_ids: &[String],
    ) -> Result<RequestId<Vec<GroupMember>>, ChatError> {
        self.require_ready("getGroupMemberProfile")?;
        self.check_group_id("getGroupMemberProfile", group_id)?;
        self.check_user_list("getGroupMemberProfile", user_ids)?;
        self.check_capacity()?;
        let body = GetSpecifiedMemberInfoRequest {
            group_id: group_id.to_owned(),
            member_list_account: user_ids.to_vec(),
        };
        Ok(
            self.enqueue_command(now, cmd::GET_SPECIFIED_MEMBER_INFO, &body, |id| {
                Call::query(id, |client: &mut Client, _, id, status, frame: &Frame| {
                    let outcome = parse_reply::<GroupMemberListReply>(status, frame)
                        .map(|r| r.member_list.iter().map(GroupMember::from_info).collect());
                    client.complete(id, outcome);
                })
            }),
        )
    }

    /// `addGroupMember({groupID, userIDList})`: add 1–100 users. Resolves
    /// with who was added, who failed and who was already a member; the
    /// added get a system notice (invited) and every member a join tip.
    pub fn add_group_member(
        &mut self,
        now: Instant,
        group_id: &str,
        user_ids: &[String],
    ) -> Result<RequestId<AddGroupMemberResult>, ChatError> {
        self.require_ready("addGroupMember")?;
        self.check_group_id("addGroupMember", group_id)?;
        self.check_user_list("addGroupMember", user_ids)?;
        self.check_capacity()?;
        let body = AddGroupMemberRequest {
            group_id: group_id.to_owned(),
            member_list: user_ids
                .iter()
                .map(|u| MemberAccount {
                    member_account: u.clone(),
                })
                .collect(),
        };
        Ok(self.enqueue_command(now, cmd::ADD_MEMBER, &body, |id| {
            Call::change(id, |client: &mut Client, _, id, status, frame: &Frame| {
                let outcome = parse_reply::<AddGroupMemberReply>(status, frame).map(|r| {
                    let mut result = AddGroupMemberResult::default();
                    for m in r.member_list {
                        let list = match m.result {
                            1 => &mut result.success_user_id_list,
                            2 => &mut result.existed_user_id_list,
                            _ => &mut result.failure_user_id_list,
                        };
                        list.push(m.member_account);
                    }
                    result
                });
                client.complete(id, outcome);
            })
        }))
    }

    /// `deleteGroupMember({groupID, userIDList, reason})`: remove 1–100
    /// members (owner or admin). Resolves with the removed user IDs; they
    /// get a system notice (kicked, `handleMessage` = `reason`) and every
    /// member a kick tip.
    pub fn delete_group_member(
        &mut self,
        now: Instant,
        group_id: &str,
        user_ids: &[String],
        reason: &str,
    ) -> Result<RequestId<Vec<String>>, ChatError> {
        self.require_ready("deleteGroupMember")?;
        self.check_group_id("deleteGroupMember", group_id)?;
        self.check_user_list("deleteGroupMember", user_ids)?;
        self.check_capacity()?;
        let body = DeleteGroupMemberRequest {
            group_id: group_id.to_owned(),
            member_to_del_account: user_ids.to_vec(),
            reason: reason.to_owned(),
        };
        let removed = user_ids.to_vec();
        Ok(self.enqueue_command(now, cmd::DELETE_MEMBER, &body, |id| {
            Call::change(
                id,
                move |client: &mut Client, _, id, status, frame: &Frame| {
                    let outcome = parse_reply::<BaseReply>(status, frame).map(|_| removed);
                    client.complete(id, outcome);
                },
            )
        }))
    }

    /// `setGroupMemberRole({groupID, userID, role})`: make a member an
    /// admin or a plain member again (owner only). Resolves with the group
    /// ID. Refused locally: 2683 for a role other than `Admin`/`Member`,
    /// 2684 for oneself.
    pub fn set_group_member_role(
        &mut self,
        now: Instant,
        group_id: &str,
        user_id: &str,
        role: GroupRole,
    ) -> Result<RequestId<String>, ChatError> {
        let me = self.require_ready("setGroupMemberRole")?.user_id.clone();
        if !matches!(role, GroupRole::Admin | GroupRole::Member) {
            return Err(self.api_error(
                codes::INVALID_MEMBER_ROLE,
                "setGroupMemberRole: the role must be Admin or Member",
            ));
        }
        if user_id == me {
            return Err(self.api_error(
                codes::CANNOT_SET_SELF_MEMBER_ROLE,
                "setGroupMemberRole: cannot set one's own role",
            ));
        }
        self.modify_member(now, "setGroupMemberRole", group_id, user_id, |body| {
            body.role = Some(role.as_str().to_owned())
        })
    }

    /// `setGroupMemberMuteTime({groupID, userID, muteTime})`: mute a member
    /// for `mute_time` seconds from now (0 unmutes); owner or admin.
    /// Resolves with the group ID. Refused locally with 2685 for oneself.
    pub fn set_group_member_mute_time(
        &mut self,
        now: Instant,
        group_id: &str,
        user_id: &str,
        mute_time: u64,
    ) -> Result<RequestId<String>, ChatError> {
        let me = self
            .require_ready("setGroupMemberMuteTime")?
            .user_id
            .clone();
        if user_id == me {
            return Err(self.api_error(
                codes::CANNOT_MUTE_SELF,
                "setGroupMemberMuteTime: cannot mute oneself",
            ));
        }
        self.modify_member(now, "setGroupMemberMuteTime", group_id, user_id, |body| {
            body.shut_up_time = Some(mute_time);
        })
    }

    /// `setGroupMemberNameCard({groupID, userID, nameCard})`: a member's
    /// name in the group (one's own, or anyone's as owner or admin).
    /// Resolves with the group ID.
    pub fn set_group_member_name_card(
        &mut self,
        now: Instant,
        group_id: &str,
        user_id: &str,
        name_card: &str,
    ) -> Result<RequestId<String>, ChatError> {
        self.require_ready("setGroupMemberNameCard")?;
        let name_card = name_card.to_owned();
        self.modify_member(now, "setGroupMemberNameCard", group_id, user_id, |body| {
            body.name_card = Some(name_card);
        })
    }

    /// `setGroupMemberCustomField({groupID, userID, memberCustomField})`:
    /// set a member's custom fields. Resolves with the group ID.
    pub fn set_group_member_custom_field(
        &mut self,
        now: Instant,
        group_id: &str,
        user_id: &str,
        fields: &[GroupCustomField],
    ) -> Result<RequestId<String>, ChatError> {
        self.require_ready("setGroupMemberCustomField")?;
        let items = fields
            .iter()
            .map(|f| AppDefinedItem {
                key: f.key.clone(),
                value: f.value.clone(),
            })
            .collect();
        self.modify_member(
            now,
            "setGroupMemberCustomField",
            group_id,
            user_id,
            |body| {
                body.app_member_defined_data = Some(items);
            },
        )
    }

    fn modify_member(
        &mut self,
        now: Instant,
        api: &str,
        group_id: &str,
        user_id: &str,
        set: impl FnOnce(&mut ModifyGroupMemberInfoRequest),
    ) -> Result<RequestId<String>, ChatError> {
        self.check_group_id(api, group_id)?;
        self.check_user_list(api, std::slice::from_ref(&user_id.to_owned()))?;
        self.check_capacity()?;
        let mut body = ModifyGroupMemberInfoRequest {
            group_id: group_id.to_owned(),
            member_account: user_id.to_owned(),
            ..Default::default()
        };
        set(&mut body);
        let group_id = group_id.to_owned();
        Ok(
            self.enqueue_command(now, cmd::MODIFY_MEMBER_INFO, &body, |id| {
                Call::change(
                    id,
                    move |client: &mut Client, _, id, status, frame: &Frame| {
                        let outcome = parse_reply::<BaseReply>(status, frame).map(|_| group_id);
                        client.complete(id, outcome);
                    },
                )
            }),
        )
    }

    /// `markGroupMemberList({groupID, userIDList, markType, enableMark})`:
    /// set (`enable_mark`) or remove the mark `mark_type` on 1–100 members
    /// of an AVChatRoom (the server lets only its owner do it: 10007).
    /// Resolves with who was marked and who was not (not a member); the
    /// marks show in the members' `markList`. No event. The servcmd and its
    /// body are tcchat's own (PROTOCOL.md 8.7).
    pub fn mark_group_member_list(
        &mut self,
        now: Instant,
        group_id: &str,
        user_ids: &[String],
        mark_type: u64,
        enable_mark: bool,
    ) -> Result<RequestId<MarkGroupMemberListResult>, ChatError> {
        const API: &str = "markGroupMemberList";
        self.require_ready(API)?;
        self.check_group_id(API, group_id)?;
        self.check_user_list(API, user_ids)?;
        self.check_capacity()?;
        let body = MarkMemberRequest {
            group_id: group_id.to_owned(),
            command_type: if enable_mark {
                MarkMemberRequest::SET
            } else {
                MarkMemberRequest::REMOVE
            },
            member_list: user_ids
                .iter()
                .map(|u| MemberMarks {
                    member_account: u.clone(),
                    marks: vec![mark_type],
                })
                .collect(),
        };
        let asked = user_ids.to_vec();
        let group_id = group_id.to_owned();
        Ok(self.enqueue_command(now, cmd::MARK_MEMBER, &body, |id| {
            Call::change(
                id,
                move |client: &mut Client, _, id, status, frame: &Frame| {
                    let outcome = parse_reply::<MarkMemberReply>(status, frame).map(|r| {
                        let (success, failure) = asked
                            .into_iter()
                            .partition(|u| r.member_list.iter().any(|m| &m.member_account == u));
                        MarkGroupMemberListResult {
                            group_id,
                            success_user_id_list: success,
                            failure_user_id_list: failure,
                        }
                    });
                    client.complete(id, outcome);
                },
            )
        }))
    }

    /// `Ok` for 1 to [`MAX_MEMBERS_PER_CALL`] user IDs of 1 to
    /// [`Client::MAX_USER_ID_BYTES`] bytes; otherwise 2905, also an ERROR
    /// event.
    fn check_user_list(&mut self, api: &str, user_ids: &[String]) -> Result<(), ChatError> {
        let bad_id = user_ids
            .iter()
            .any(|u| u.is_empty() || u.len() > Self::MAX_USER_ID_BYTES);
        if user_ids.is_empty() || user_ids.len() > MAX_MEMBERS_PER_CALL || bad_id {
            return Err(self.api_error(
                ErrorCode::INVALID_OPERATION,
                format!(
                    "{api}: give 1 to {MAX_MEMBERS_PER_CALL} user IDs of 1 to {} bytes",
                    Self::MAX_USER_ID_BYTES
                ),
            ));
        }
        Ok(())
    }
}
