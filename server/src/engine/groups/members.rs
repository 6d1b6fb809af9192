//! Members: `get_group_member_info`, `get_specified_group_member_info`,
//! `add_group_member`, `delete_group_member`, `modify_group_member_info`,
//! and the AVChatRoom's `modify_user_info` (marks) (PROTOCOL.md 8.7).

use tcchat_core::proto::group::{
    AddGroupMemberReply, AddGroupMemberRequest, AddMemberResult, DeleteGroupMemberRequest,
    GetGroupMemberInfoRequest, GetSpecifiedMemberInfoRequest, GroupMemberListReply, GroupType,
    InviteOption, MarkMemberReply, MarkMemberRequest, MemberMarks, ModifyGroupMemberInfoRequest,
    Role,
};
use tcchat_core::proto::group_msg::{notice_op, tip_op, MemberChange, TipBody};
use tcchat_core::proto::BaseReply;
use tcchat_core::wire::Frame;

use super::super::request::{check_len, refuse, Fail};
use super::super::{ConnId, Engine};
use super::{ids, member_extra, view, GroupWrite};
use crate::bounds::{MAX_ITEMS_PER_REQUEST, MAX_USER_ID_LEN};
use crate::codes;
use crate::store::{Change, MemberRecord, Store};

/// Page size of the member list when the request gives none, and its most.
const MEMBER_PAGE: u64 = 100;
/// Longest name card, bytes.
const MAX_NAME_CARD: usize = 50;
/// Longest mute, seconds (30 days).
const MAX_MUTE_SECS: u64 = 30 * 24 * 3600;
/// Member custom fields: keys, key and value lengths.
const MAX_MEMBER_CUSTOM_KEYS: usize = 20;
const MAX_MEMBER_CUSTOM_KEY: usize = 64;
const MAX_MEMBER_CUSTOM_VALUE: usize = 4_096;
/// Remind types (`MsgFlag`).
const MSG_FLAGS: &[&str] = &[
    "AcceptAndNotify",
    "AcceptNotNotify",
    "Discard",
    "AcceptNotNotifyExceptAt",
    "NotReceiveMsgExceptAt",
];

/// Whether `actor` may act on a member with role `target`: the owner on
/// anyone else, an admin on plain members.
pub(super) fn may_manage(actor: Role, target: Role) -> bool {
    match actor {
        Role::Owner => target != Role::Owner,
        Role::Admin => target == Role::Member,
        Role::Member => false,
    }
}

impl<S: Store> Engine<S> {
    pub(super) fn on_member_list(&mut self, unix_ms: u64, conn: ConnId, gzip: bool, frame: &Frame) {
        let Some((me, req)) = self.begin::<GetGroupMemberInfoRequest>(unix_ms, conn, gzip, frame)
        else {
            return;
        };
        let result = (|| {
            let g = self.live_group(me.app, &req.group_id)?;
            self.membership(me.app, &g.id, &me.user)?;
            let mut roles = Vec::new();
            for r in &req.member_role_filter {
                roles.push(Role::from_wire(r).ok_or_else(|| {
                    Fail::Refuse(
                        codes::INVALID_PARAMETER,
                        "unknown role in MemberRoleFilter".into(),
                    )
                })?);
            }
            let all: Vec<MemberRecord> = self
                .store
                .group_members(me.app, &g.id)?
                .into_iter()
                .filter(|m| roles.is_empty() || roles.contains(&m.role))
                .collect();
            let limit = match req.limit {
                0 => MEMBER_PAGE,
                n => n.min(MEMBER_PAGE),
            };
            let offset = usize::try_from(req.offset).unwrap_or(usize::MAX);
            let page: Vec<_> = all
                .iter()
                .skip(offset)
                .take(limit as usize)
                .map(view::member_info)
                .collect();
            let end = offset.saturating_add(page.len());
            Ok(GroupMemberListReply {
                base: BaseReply::ok(),
                member_num: all.len() as u64,
                member_list: page,
                next_offset: if end < all.len() { end as u64 } else { 0 },
            })
        })();
        self.finish_query(conn, gzip, &frame.head, result);
    }

    pub(super) fn on_specified_members(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) {
        let Some((me, req)) =
            self.begin::<GetSpecifiedMemberInfoRequest>(unix_ms, conn, gzip, frame)
        else {
            return;
        };
        let result = (|| {
            check_len(
                "Member_List_Account",
                &req.member_list_account,
                MAX_ITEMS_PER_REQUEST,
            )?;
            let g = self.live_group(me.app, &req.group_id)?;
            self.membership(me.app, &g.id, &me.user)?;
            let mut list = Vec::new();
            for user in &req.member_list_account {
                if let Some(m) = self.store.group_member(me.app, &g.id, user)? {
                    list.push(view::member_info(&m));
                }
            }
            Ok(GroupMemberListReply {
                base: BaseReply::ok(),
                member_num: list.len() as u64,
                member_list: list,
                next_offset: 0,
            })
        })();
        self.finish_query(conn, gzip, &frame.head, result);
    }

    pub(super) fn on_add_members(&mut self, unix_ms: u64, conn: ConnId, gzip: bool, frame: &Frame) {
        let Some((me, req)) =
            self.begin_change::<AddGroupMemberRequest>(unix_ms, conn, gzip, frame)
        else {
            return;
        };
        let result = (|| {
            check_len("MemberList", &req.member_list, MAX_ITEMS_PER_REQUEST)?;
            let mut g = self.live_group(me.app, &req.group_id)?;
            let actor = self.membership(me.app, &g.id, &me.user)?;
            let free = g.invite_option == InviteOption::FreeAccess;
            if g.group_type == GroupType::AvChatRoom || (actor.role == Role::Member && !free) {
                return refuse(
                    codes::PERMISSION_DENIED,
                    "the caller may not add members to this group",
                );
            }
            let mut members = ids(&self.store.group_members(me.app, &g.id)?);
            let time = unix_ms / 1000;
            let mut w = GroupWrite::default();
            let mut results = Vec::new();
            let mut added = Vec::new();
            for m in &req.member_list {
                let user = &m.member_account;
                if user.is_empty() || user.len() > MAX_USER_ID_LEN {
                    return refuse(
                        codes::INVALID_ACCOUNT,
                        format!("Member_Account must be 1 to {MAX_USER_ID_LEN} bytes"),
                    );
                }
                let result = if members.contains(user) {
                    2
                } else if members.len() as u64 >= g.max_members
                    || (!self.config.auto_create_accounts
                        && self.store.account(me.app, user)?.is_none())
                    || self.store.joined_groups(me.app, user)?.len()
                        >= self.config.groups.max_joined_per_user
                {
                    0
                } else {
                    w.change(Change::GroupMember {
                        group: g.id.clone(),
                        member: MemberRecord::new(user, Role::Member, time, g.next_seq),
                    });
                    self.topics_read_at_join(&mut w, me.app, &g, user)?;
                    members.push(user.clone());
                    added.push(user.clone());
                    1
                };
                results.push(AddMemberResult {
                    member_account: user.clone(),
                    result,
                });
            }
            if !added.is_empty() {
                self.notice(
                    &mut w,
                    &g,
                    &me.user,
                    (notice_op::INVITED, ""),
                    unix_ms,
                    &added,
                );
                let body = TipBody {
                    op_type: tip_op::JOIN,
                    list_account: added.clone(),
                    member_num: Some(members.len() as u64),
                    msg_member_extra_info: member_extra(&added),
                    ..TipBody::default()
                };
                self.tip(&mut w, &mut g, &me, unix_ms, body, members);
                w.change(Change::ChatGroup(g));
            }
            let (queued, fanout) = self.commit_group(&me, w)?;
            let reply = AddGroupMemberReply {
                base: BaseReply::ok(),
                member_list: results,
            };
            Ok((reply, queued, fanout))
        })();
        self.finish_group(unix_ms, &me, conn, gzip, &frame.head, result);
    }

    pub(super) fn on_delete_members(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) {
        let Some((me, req)) =
            self.begin_change::<DeleteGroupMemberRequest>(unix_ms, conn, gzip, frame)
        else {
            return;
        };
        let result = (|| {
            check_len(
                "MemberToDel_Account",
                &req.member_to_del_account,
                MAX_ITEMS_PER_REQUEST,
            )?;
            if req.reason.len() > 300 {
                return refuse(codes::INVALID_PARAMETER, "Reason is over 300 bytes");
            }
            let mut g = self.live_group(me.app, &req.group_id)?;
            let actor = self.membership(me.app, &g.id, &me.user)?;
            let members = self.store.group_members(me.app, &g.id)?;
            let mut removed: Vec<String> = Vec::new();
            for user in &req.member_to_del_account {
                let Some(target) = members.iter().find(|m| m.user == *user) else {
                    continue;
                };
                if !may_manage(actor.role, target.role) || target.user == me.user {
                    return refuse(
                        codes::PERMISSION_DENIED,
                        format!("the caller may not remove {}", view::bounded(user)),
                    );
                }
                if !removed.contains(user) {
                    removed.push(user.clone());
                }
            }
            let mut w = GroupWrite::default();
            if !removed.is_empty() {
                // The windows end before the tip: the removed do not see it.
                for user in &removed {
                    w.change(Change::EndGroupMember {
                        group: g.id.clone(),
                        user: user.clone(),
                        leave_seq: g.next_seq,
                    });
                }
                self.notice(
                    &mut w,
                    &g,
                    &me.user,
                    (notice_op::KICKED, &req.reason),
                    unix_ms,
                    &removed,
                );
                let rest: Vec<String> = ids(&members)
                    .into_iter()
                    .filter(|u| !removed.contains(u))
                    .collect();
                let body = TipBody {
                    op_type: tip_op::KICKED,
                    list_account: removed.clone(),
                    member_num: Some(rest.len() as u64),
                    msg_member_extra_info: member_extra(&removed),
                    ..TipBody::default()
                };
                self.tip(&mut w, &mut g, &me, unix_ms, body, rest);
                w.change(Change::ChatGroup(g));
            }
            let (queued, fanout) = self.commit_group(&me, w)?;
            Ok((BaseReply::ok(), queued, fanout))
        })();
        self.finish_group(unix_ms, &me, conn, gzip, &frame.head, result);
    }

    pub(super) fn on_modify_member(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) {
        let Some((me, req)) =
            self.begin_change::<ModifyGroupMemberInfoRequest>(unix_ms, conn, gzip, frame)
        else {
            return;
        };
        let result = (|| {
            let mut g = self.live_group(me.app, &req.group_id)?;
            let actor = self.membership(me.app, &g.id, &me.user)?;
            let mut target = self.membership(me.app, &g.id, &req.member_account)?;
            let myself = target.user == me.user;
            let manages = may_manage(actor.role, target.role);
            let time = unix_ms / 1000;
            let mut w = GroupWrite::default();
            let members = ids(&self.store.group_members(me.app, &g.id)?);
            let mut role_tip = None;
            let mut change = MemberChange {
                user_account: target.user.clone(),
                ..MemberChange::default()
            };
            if let Some(role) = &req.role {
                let role = match Role::from_wire(role) {
                    Some(r @ (Role::Admin | Role::Member)) => r,
                    _ => return refuse(codes::INVALID_PARAMETER, "Role must be Admin or Member"),
                };
                if actor.role != Role::Owner || myself {
                    return refuse(
                        codes::PERMISSION_DENIED,
                        "only the owner sets or cancels admins",
                    );
                }
                if role != target.role {
                    target.role = role;
                    role_tip = Some(if role == Role::Admin {
                        (tip_op::SET_ADMIN, notice_op::SET_ADMIN)
                    } else {
                        (tip_op::CANCEL_ADMIN, notice_op::CANCEL_ADMIN)
                    });
                }
            }
            if let Some(secs) = req.shut_up_time {
                if !manages || myself {
                    return refuse(
                        codes::PERMISSION_DENIED,
                        "the caller may not mute this member",
                    );
                }
                if secs > MAX_MUTE_SECS {
                    return refuse(codes::INVALID_PARAMETER, "ShutUpTime is over 30 days");
                }
                target.mute_until = if secs == 0 { 0 } else { time + secs };
                change.shutup_time = Some(secs);
            }
            if let Some(card) = &req.name_card {
                if !myself && !manages {
                    return refuse(
                        codes::PERMISSION_DENIED,
                        "the caller may not change this name card",
                    );
                }
                if card.len() > MAX_NAME_CARD {
                    return refuse(codes::INVALID_PARAMETER, "NameCard is over 50 bytes");
                }
                target.name_card.clone_from(card);
                change.name_card = Some(card.clone());
            }
            if let Some(flag) = &req.msg_flag {
                if !myself {
                    return refuse(codes::PERMISSION_DENIED, "MsgFlag is the member's own");
                }
                if !MSG_FLAGS.contains(&flag.as_str()) {
                    return refuse(codes::INVALID_PARAMETER, "unknown MsgFlag");
                }
                target.msg_flag.clone_from(flag);
            }
            if let Some(items) = &req.app_member_defined_data {
                if !myself && !manages {
                    return refuse(
                        codes::PERMISSION_DENIED,
                        "the caller may not change this member's fields",
                    );
                }
                for item in items {
                    if item.key.is_empty()
                        || item.key.len() > MAX_MEMBER_CUSTOM_KEY
                        || item.value.len() > MAX_MEMBER_CUSTOM_VALUE
                    {
                        return refuse(
                            codes::INVALID_PARAMETER,
                            "AppMemberDefinedData key or value too long",
                        );
                    }
                    target.custom.retain(|(k, _)| *k != item.key);
                    if !item.value.is_empty() {
                        target.custom.push((item.key.clone(), item.value.clone()));
                    }
                }
                target.custom.sort();
                super::check_custom_total("AppMemberDefinedData", &target.custom)?;
                if target.custom.len() > MAX_MEMBER_CUSTOM_KEYS {
                    return refuse(
                        codes::INVALID_PARAMETER,
                        "at most 20 AppMemberDefinedData keys",
                    );
                }
            }
            let user = target.user.clone();
            w.change(Change::GroupMember {
                group: g.id.clone(),
                member: target,
            });
            let mut tipped = false;
            if let Some((tip, notice)) = role_tip {
                self.notice(
                    &mut w,
                    &g,
                    &me.user,
                    (notice, ""),
                    unix_ms,
                    std::slice::from_ref(&user),
                );
                let body = TipBody {
                    op_type: tip,
                    list_account: vec![user.clone()],
                    msg_member_extra_info: member_extra(std::slice::from_ref(&user)),
                    ..TipBody::default()
                };
                self.tip(&mut w, &mut g, &me, unix_ms, body, members.clone());
                tipped = true;
            }
            if change.shutup_time.is_some() || change.name_card.is_some() {
                let body = TipBody {
                    op_type: tip_op::MEMBER_INFO_CHANGED,
                    list_account: vec![user],
                    msg_member_info: vec![change],
                    ..TipBody::default()
                };
                self.tip(&mut w, &mut g, &me, unix_ms, body, members);
                tipped = true;
            }
            if tipped {
                w.change(Change::ChatGroup(g));
            }
            let (queued, fanout) = self.commit_group(&me, w)?;
            Ok((BaseReply::ok(), queued, fanout))
        })();
        self.finish_group(unix_ms, &me, conn, gzip, &frame.head, result);
    }
}

/// Most marks one member may carry (ours).
pub(super) const MAX_MARKS_PER_MEMBER: usize = 10;

impl<S: Store> Engine<S> {
    /// `modify_user_info` (`markGroupMemberList`, ours, PROTOCOL.md 8.7):
    /// the owner of an AVChatRoom sets (`CommandType` 1) or removes (2)
    /// mark types on members. Members not in the group are left out of the
    /// reply; the others come back with their marks.
    pub(super) fn on_mark_member(&mut self, unix_ms: u64, conn: ConnId, gzip: bool, frame: &Frame) {
        let Some((me, req)) = self.begin_change::<MarkMemberRequest>(unix_ms, conn, gzip, frame)
        else {
            return;
        };
        let result = (|| {
            let g = self.live_group(me.app, &req.group_id)?;
            let actor = self.membership(me.app, &g.id, &me.user)?;
            if g.group_type != GroupType::AvChatRoom || actor.role != Role::Owner {
                return refuse(
                    codes::PERMISSION_DENIED,
                    "only the owner of an AVChatRoom marks members",
                );
            }
            let set = match req.command_type {
                MarkMemberRequest::SET => true,
                MarkMemberRequest::REMOVE => false,
                other => {
                    return refuse(
                        codes::INVALID_PARAMETER,
                        format!("CommandType {other} is not 1 (set) or 2 (remove)"),
                    )
                }
            };
            if req.member_list.is_empty() || req.member_list.len() > MAX_ITEMS_PER_REQUEST {
                return refuse(
                    codes::INVALID_PARAMETER,
                    format!("MemberList must name 1 to {MAX_ITEMS_PER_REQUEST} members"),
                );
            }
            let mut w = GroupWrite::default();
            let mut reply = MarkMemberReply {
                base: BaseReply::ok(),
                member_list: Vec::new(),
            };
            for item in &req.member_list {
                if item.marks.is_empty() || item.marks.len() > MAX_MARKS_PER_MEMBER {
                    return refuse(
                        codes::INVALID_PARAMETER,
                        format!("Marks must hold 1 to {MAX_MARKS_PER_MEMBER} mark types"),
                    );
                }
                let Some(mut m) = self
                    .store
                    .group_member(me.app, &g.id, &item.member_account)?
                else {
                    continue;
                };
                for mark in &item.marks {
                    if set {
                        if !m.marks.contains(mark) {
                            m.marks.push(*mark);
                        }
                    } else {
                        m.marks.retain(|x| x != mark);
                    }
                }
                if m.marks.len() > MAX_MARKS_PER_MEMBER {
                    return refuse(
                        codes::INVALID_PARAMETER,
                        format!("a member carries at most {MAX_MARKS_PER_MEMBER} marks"),
                    );
                }
                m.marks.sort_unstable();
                reply.member_list.push(MemberMarks {
                    member_account: m.user.clone(),
                    marks: m.marks.clone(),
                });
                w.change(Change::GroupMember {
                    group: g.id.clone(),
                    member: m,
                });
            }
            let (queued, fanout) = self.commit_group(&me, w)?;
            Ok((reply, queued, fanout))
        })();
        self.finish_group(unix_ms, &me, conn, gzip, &frame.head, result);
    }
}
