//! Group administration: `update_group_profile`, `change_group_owner`,
//! `search_group_by_id`, `get_group_online_member_count`,
//! `get_group_application_list` and `handle_group_application`
//! (PROTOCOL.md 8.2 and 8.7; shapes ours where the reference only names the
//! command).

use std::time::Instant;

use super::super::conv_api::parse_reply;
use super::super::request::{Call, RequestId};
use super::super::Client;
use crate::error::{ChatError, ErrorCode};
use crate::model::{Group, GroupApplication, GroupCustomField};
use crate::proto::group::{
    cmd, AppDefinedItem, ChangeGroupOwnerRequest, GetPendencyReply, GetPendencyRequest,
    GroupIdListRequest, GroupIdRequest, GroupInfoReply, HandleApplyJoinGroupRequest,
    ModifyGroupBaseInfoRequest, OnlineMemberNumReply,
};
use crate::proto::BaseReply;
use crate::types::{GroupInviteOption, GroupJoinOption, GroupType};
use crate::wire::Frame;

/// `CANNOT_CHANGE_OWNER_TO_SELF`.
const CANNOT_CHANGE_OWNER_TO_SELF: ErrorCode = ErrorCode(2621);

/// What `update_group_profile` changes: each field left `None` stays as
/// it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct UpdateGroupProfileOptions {
    /// `name`.
    pub name: Option<String>,
    /// `avatar`.
    pub avatar: Option<String>,
    /// `introduction`.
    pub introduction: Option<String>,
    /// `notification`.
    pub notification: Option<String>,
    /// `muteAllMembers`: only the owner and admins may speak.
    pub mute_all_members: Option<bool>,
    /// `joinOption`.
    pub join_option: Option<GroupJoinOption>,
    /// `inviteOption`.
    pub invite_option: Option<GroupInviteOption>,
    /// `maxMemberNum`.
    pub max_member_num: Option<u64>,
    /// `groupCustomField`: keys to set (an empty value deletes the key).
    pub group_custom_field: Option<Vec<GroupCustomField>>,
}

impl UpdateGroupProfileOptions {
    /// Nothing changed yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Change `name`.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Change `notification`.
    pub fn with_notification(mut self, text: impl Into<String>) -> Self {
        self.notification = Some(text.into());
        self
    }

    /// Change `introduction`.
    pub fn with_introduction(mut self, text: impl Into<String>) -> Self {
        self.introduction = Some(text.into());
        self
    }

    /// Mute (or unmute) everyone but the owner and admins.
    pub fn with_mute_all_members(mut self, mute: bool) -> Self {
        self.mute_all_members = Some(mute);
        self
    }

    /// Change `joinOption`.
    pub fn with_join_option(mut self, option: GroupJoinOption) -> Self {
        self.join_option = Some(option);
        self
    }
}

impl Client {
    /// `updateGroupProfile({groupID, …})`: change the group's profile
    /// (owner or admin), then fetch it; resolves with the group as it is
    /// now. Every member gets a profile tip (6). Fails with 2602 for a bad
    /// ID, 2905 when nothing would change, and with the server's code (for
    /// example 10007 for a plain member).
    pub fn update_group_profile(
        &mut self,
        now: Instant,
        group_id: &str,
        options: UpdateGroupProfileOptions,
    ) -> Result<RequestId<Group>, ChatError> {
        self.require_ready("updateGroupProfile")?;
        self.check_group_id("updateGroupProfile", group_id)?;
        if options == UpdateGroupProfileOptions::default() {
            return Err(self.api_error(
                ErrorCode::INVALID_OPERATION,
                "updateGroupProfile: nothing to change",
            ));
        }
        self.check_capacity()?;
        let body = ModifyGroupBaseInfoRequest {
            group_id: group_id.to_owned(),
            name: options.name,
            face_url: options.avatar,
            introduction: options.introduction,
            notification: options.notification,
            max_member_count: options.max_member_num,
            apply_join_option: options.join_option.map(|o| o.as_str().to_owned()),
            invite_join_option: options.invite_option.map(|o| o.as_str().to_owned()),
            shut_up_all_member: options
                .mute_all_members
                .map(|m| if m { "On" } else { "Off" }.to_owned()),
            app_defined_data: options.group_custom_field.map(|fields| {
                fields
                    .into_iter()
                    .map(|f| AppDefinedItem {
                        key: f.key,
                        value: f.value,
                    })
                    .collect()
            }),
        };
        let group_id = group_id.to_owned();
        Ok(
            self.enqueue_command(now, cmd::MODIFY_BASE_INFO, &body, |id| {
                Call::change(
                    id,
                    move |client: &mut Client, now, id, status, frame: &Frame| match parse_reply::<
                        BaseReply,
                    >(
                        status, frame
                    ) {
                        Ok(_) => client.fetch_profile_for(now, id, group_id),
                        Err(err) => client.complete(id, Err(err)),
                    },
                )
            }),
        )
    }

    /// `changeGroupOwner({groupID, newOwnerID})`: hand the group to another
    /// member (owner only; this user becomes a plain member), then fetch
    /// it; resolves with the group. Refused locally with 2621 for oneself;
    /// the server refuses a non-member (10013 family) or a non-owner
    /// (10007).
    pub fn change_group_owner(
        &mut self,
        now: Instant,
        group_id: &str,
        new_owner_id: &str,
    ) -> Result<RequestId<Group>, ChatError> {
        let me = self.require_ready("changeGroupOwner")?.user_id.clone();
        self.check_group_id("changeGroupOwner", group_id)?;
        if new_owner_id == me {
            return Err(self.api_error(
                CANNOT_CHANGE_OWNER_TO_SELF,
                "changeGroupOwner: the new owner is already this user",
            ));
        }
        let in_av = self
            .groups
            .get(group_id)
            .is_some_and(|g| g.group_type == GroupType::AvChatRoom);
        if in_av {
            return Err(self.api_error(
                ErrorCode(2620),
                "changeGroupOwner: an AVChatRoom has no transferable owner",
            ));
        }
        self.check_capacity()?;
        let body = ChangeGroupOwnerRequest {
            group_id: group_id.to_owned(),
            new_owner_account: new_owner_id.to_owned(),
        };
        let group_id = group_id.to_owned();
        Ok(self.enqueue_command(now, cmd::CHANGE_OWNER, &body, |id| {
            Call::change(
                id,
                move |client: &mut Client, now, id, status, frame: &Frame| match parse_reply::<
                    BaseReply,
                >(
                    status, frame
                ) {
                    Ok(_) => client.fetch_profile_for(now, id, group_id),
                    Err(err) => client.complete(id, Err(err)),
                },
            )
        }))
    }

    /// `searchGroupByID(groupID)`: the public profile of any existing group
    /// (`get_group_public_info`), whether or not this user belongs to it;
    /// the group list is not changed. Fails with 10010 when there is no
    /// such group.
    pub fn search_group_by_id(
        &mut self,
        now: Instant,
        group_id: &str,
    ) -> Result<RequestId<Group>, ChatError> {
        self.require_ready("searchGroupByID")?;
        self.check_group_id("searchGroupByID", group_id)?;
        self.check_capacity()?;
        let body = GroupIdListRequest {
            group_id_list: vec![group_id.to_owned()],
            response_filter: Default::default(),
        };
        let group_id = group_id.to_owned();
        Ok(
            self.enqueue_command(now, cmd::GET_PUBLIC_INFO, &body, |id| {
                Call::query(
                    id,
                    move |client: &mut Client, _, id, status, frame: &Frame| {
                        let me = client.current_user();
                        let outcome = parse_reply::<GroupInfoReply>(status, frame).and_then(|r| {
                            let item = r
                                .group_info
                                .iter()
                                .find(|i| i.group_id == group_id)
                                .ok_or_else(|| {
                                    ChatError::new(
                                        ErrorCode::UNCAUGHT_ERROR,
                                        "the reply has no item for the group",
                                    )
                                })?;
                            match item.error_code.unwrap_or(0) {
                                0 => Group::from_item(item, &me).ok_or_else(|| {
                                    ChatError::new(
                                        ErrorCode::UNCAUGHT_ERROR,
                                        "a group type tcchat does not know",
                                    )
                                }),
                                code => Err(ChatError::new(
                                    ErrorCode(code),
                                    item.error_info.clone().unwrap_or_default(),
                                )),
                            }
                        });
                        client.complete(id, outcome);
                    },
                )
            }),
        )
    }

    /// `getGroupOnlineMemberCount(groupID)`: members with at least one
    /// logged-in instance (in an `AVChatRoom`, where only online users are
    /// members, the owner counts only while online).
    pub fn get_group_online_member_count(
        &mut self,
        now: Instant,
        group_id: &str,
    ) -> Result<RequestId<u64>, ChatError> {
        self.require_ready("getGroupOnlineMemberCount")?;
        self.check_group_id("getGroupOnlineMemberCount", group_id)?;
        self.check_capacity()?;
        let body = GroupIdRequest {
            group_id: group_id.to_owned(),
        };
        Ok(
            self.enqueue_command(now, cmd::GET_ONLINE_MEMBER_NUM, &body, |id| {
                Call::query(id, |client: &mut Client, _, id, status, frame: &Frame| {
                    let outcome = parse_reply::<OnlineMemberNumReply>(status, frame)
                        .map(|r| r.online_member_num);
                    client.complete(id, outcome);
                })
            }),
        )
    }

    /// `getGroupApplicationList()`: the pending applications to join the
    /// groups this user owns or administers, oldest first. Pages as the
    /// official SDK pages `get_pendency` (again from `NextStartTime` until
    /// it is 0; at most 50 pages) and keeps the unhandled items
    /// (`Handled: 0`).
    pub fn get_group_application_list(
        &mut self,
        now: Instant,
    ) -> Result<RequestId<Vec<GroupApplication>>, ChatError> {
        self.require_ready("getGroupApplicationList")?;
        self.check_capacity()?;
        let id = self.next_request_id();
        self.request_pendency_page(now, id, 0, Vec::new(), 0);
        Ok(id)
    }

    fn request_pendency_page(
        &mut self,
        now: Instant,
        id: RequestId<Vec<GroupApplication>>,
        start_time: u64,
        mut got: Vec<GroupApplication>,
        pages: usize,
    ) {
        const MAX_PAGES: usize = 50;
        let body = GetPendencyRequest {
            start_time,
            limit: 100,
            handle_account: self.current_user(),
        };
        let timeout = self.ctx.tuning().request_timeout;
        let call = Call::query(
            id,
            move |client: &mut Client, now, id, status, frame: &Frame| {
                let reply = match parse_reply::<GetPendencyReply>(status, frame) {
                    Ok(r) => r,
                    Err(err) => return client.complete(id, Err(err)),
                };
                got.extend(
                    reply
                        .pendency_list
                        .into_iter()
                        .filter(|p| p.handled == 0)
                        .map(|p| GroupApplication {
                            group_id: p.group_id,
                            applicant: p.from_account,
                            application_type: p.application_type,
                            note: p.apply_invite_msg,
                            time: p.add_time,
                            authentication: p.authentication,
                        }),
                );
                let next = reply.next_start_time;
                if next != 0 && next != start_time && pages + 1 < MAX_PAGES {
                    client.request_pendency_page(now, id, next, got, pages + 1);
                } else {
                    client.complete(id, Ok(got));
                }
            },
        );
        self.enqueue(now, cmd::GET_PENDENCY, &body, timeout, call);
    }

    /// `handleGroupApplication({handleAction, handleMessage, application})`:
    /// accept (`agree`) or refuse an application (owner or admin). Resolves
    /// with the group ID. The applicant gets a system notice (accepted or
    /// refused, `handleMessage` = `message`); an accepted one joins (tip 1).
    /// The server answers 10004 when there is no such pending application.
    pub fn handle_group_application(
        &mut self,
        now: Instant,
        application: &GroupApplication,
        agree: bool,
        message: &str,
    ) -> Result<RequestId<String>, ChatError> {
        self.require_ready("handleGroupApplication")?;
        self.check_group_id("handleGroupApplication", &application.group_id)?;
        self.check_capacity()?;
        let body = HandleApplyJoinGroupRequest {
            group_id: application.group_id.clone(),
            applicant_account: application.applicant.clone(),
            handle_msg: if agree { "Agree" } else { "Reject" }.to_owned(),
            approval_msg: message.to_owned(),
            authentication: application.authentication.clone(),
        };
        let group_id = application.group_id.clone();
        Ok(
            self.enqueue_command(now, cmd::HANDLE_APPLY_JOIN, &body, |id| {
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
}
