//! `create_group`, `destroy_group`, `quit_group`, `apply_join_group`
//! (PROTOCOL.md 8.2).

use tcchat_core::proto::group::{
    joined_status, ApplyJoinGroupReply, ApplyJoinGroupRequest, CreateGroupReply,
    CreateGroupRequest, GroupIdRequest, GroupType, InviteOption, JoinOption, Role,
};
use tcchat_core::proto::group_msg::{notice_op, tip_op, TipBody};
use tcchat_core::proto::BaseReply;
use tcchat_core::wire::Frame;

use super::super::conn::Ident;
use super::super::request::{check_len, refuse, Fail};
use super::super::{ConnId, Engine};
use super::{ids, member_extra, view, GroupWrite};
use crate::bounds::MAX_USER_ID_LEN;
use crate::codes;
use crate::store::{Change, GroupApplication, GroupRecord, MemberRecord, Store};

/// Longest group ID.
const MAX_GROUP_ID_LEN: usize = 48;
/// Prefix of server-made IDs (reserved).
const GENERATED_PREFIX: &str = "@TGS#";
/// Prefix of community IDs.
const COMMUNITY_PREFIX: &str = "@TGS#_";
/// Most members `create_group` may list.
const MAX_CREATE_MEMBERS: usize = 500;
/// Text limits, bytes.
const MAX_NAME: usize = 100;
const MAX_INTRODUCTION: usize = 400;
const MAX_NOTIFICATION: usize = 400;
const MAX_FACE_URL: usize = 500;
const MAX_CUSTOM_KEYS: usize = 20;
const MAX_CUSTOM_KEY: usize = 64;
const MAX_CUSTOM_VALUE: usize = 4_096;
const MAX_APPLY_MSG: usize = 300;

fn check_text(field: &str, value: &str, min: usize, max: usize) -> Result<(), Fail> {
    if value.len() < min || value.len() > max {
        return refuse(
            codes::INVALID_PARAMETER,
            format!("{field} must be {min} to {max} bytes"),
        );
    }
    Ok(())
}

/// A caller-chosen ID: 1–48 printable ASCII bytes, no space, not starting
/// `@TGS#` except a Community's `@TGS#_…`.
fn check_chosen_id(id: &str, group_type: GroupType) -> Result<(), Fail> {
    let printable = id.bytes().all(|b| b.is_ascii_graphic());
    let reserved = id.starts_with(GENERATED_PREFIX)
        && !(group_type == GroupType::Community && id.starts_with(COMMUNITY_PREFIX));
    let community_ok = group_type != GroupType::Community || id.starts_with(COMMUNITY_PREFIX);
    if id.is_empty() || id.len() > MAX_GROUP_ID_LEN || !printable || reserved || !community_ok {
        return refuse(
            codes::GROUP_INVALID_ID,
            "GroupId must be 1 to 48 printable ASCII bytes without spaces, and must not start \
             with @TGS# (a Community's must start with @TGS#_)",
        );
    }
    Ok(())
}

/// Default join and invite options of a type (PROTOCOL.md 8.1).
fn defaults(t: GroupType) -> (JoinOption, InviteOption) {
    match t {
        GroupType::Private => (JoinOption::DisableApply, InviteOption::FreeAccess),
        GroupType::Public => (JoinOption::NeedPermission, InviteOption::DisableInvite),
        GroupType::ChatRoom | GroupType::Community => {
            (JoinOption::FreeAccess, InviteOption::FreeAccess)
        }
        GroupType::AvChatRoom => (JoinOption::FreeAccess, InviteOption::DisableInvite),
    }
}

const ID_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

impl<S: Store> Engine<S> {
    /// A fresh generated ID for a group of type `t` that no group has.
    fn generate_group_id(&mut self, app: u64, t: GroupType) -> Result<String, Fail> {
        let prefix = match t {
            GroupType::Public => "@TGS#1",
            GroupType::Private => "@TGS#2",
            GroupType::ChatRoom => "@TGS#3",
            GroupType::AvChatRoom => "@TGS#a",
            GroupType::Community => COMMUNITY_PREFIX,
        };
        loop {
            let mut id = prefix.to_owned();
            let mut r = self.tokens.next_u64();
            for _ in 0..10 {
                id.push(char::from(ID_ALPHABET[(r % 36) as usize]));
                r /= 36;
            }
            if self.store.chat_group(app, &id)?.is_none() {
                return Ok(id);
            }
        }
    }

    /// Whether `user` may join one more group.
    fn room_for_one_more(&mut self, app: u64, user: &str) -> Result<bool, Fail> {
        let n = self.store.joined_groups(app, user)?.len();
        Ok(n < self.config.groups.max_joined_per_user)
    }

    pub(super) fn on_create_group(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) {
        let Some((me, req)) = self.begin_change::<CreateGroupRequest>(unix_ms, conn, gzip, frame)
        else {
            return;
        };
        let result = self.create_group(&me, req, unix_ms).and_then(|(id, w)| {
            let (queued, fanout) = self.commit_group(&me, w)?;
            let reply = CreateGroupReply {
                base: BaseReply::ok(),
                group_id: id,
            };
            Ok((reply, queued, fanout))
        });
        self.finish_group(unix_ms, &me, conn, gzip, &frame.head, result);
    }

    fn create_group(
        &mut self,
        me: &Ident,
        req: CreateGroupRequest,
        unix_ms: u64,
    ) -> Result<(String, GroupWrite), Fail> {
        let Some(t) = GroupType::from_wire(&req.group_type) else {
            return refuse(
                codes::INVALID_PARAMETER,
                "Type must be Private, Public, ChatRoom, AVChatRoom or Community",
            );
        };
        if !req.owner_account.is_empty() && req.owner_account != me.user {
            return refuse(codes::PERMISSION_DENIED, "Owner_Account must be the caller");
        }
        check_text("Name", &req.name, 1, MAX_NAME)?;
        check_text("Introduction", &req.introduction, 0, MAX_INTRODUCTION)?;
        check_text("Notification", &req.notification, 0, MAX_NOTIFICATION)?;
        check_text("FaceUrl", &req.face_url, 0, MAX_FACE_URL)?;
        check_len("MemberList", &req.member_list, MAX_CREATE_MEMBERS)?;
        if req.app_defined_data.len() > MAX_CUSTOM_KEYS {
            return refuse(
                codes::INVALID_PARAMETER,
                format!("at most {MAX_CUSTOM_KEYS} AppDefinedData keys"),
            );
        }
        let mut custom = Vec::new();
        for item in &req.app_defined_data {
            check_text("AppDefinedData Key", &item.key, 1, MAX_CUSTOM_KEY)?;
            check_text("AppDefinedData Value", &item.value, 0, MAX_CUSTOM_VALUE)?;
            custom.retain(|(k, _): &(String, String)| *k != item.key);
            custom.push((item.key.clone(), item.value.clone()));
        }
        custom.sort();
        super::check_custom_total("AppDefinedData", &custom)?;
        let (default_join, default_invite) = defaults(t);
        let join_option = match req.apply_join_option.as_str() {
            "" => default_join,
            _ if t == GroupType::Private => JoinOption::DisableApply,
            s => JoinOption::from_wire(s).ok_or_else(|| {
                Fail::Refuse(codes::INVALID_PARAMETER, "unknown ApplyJoinOption".into())
            })?,
        };
        let invite_option = match req.invite_join_option.as_str() {
            "" => default_invite,
            s => InviteOption::from_wire(s).ok_or_else(|| {
                Fail::Refuse(codes::INVALID_PARAMETER, "unknown InviteJoinOption".into())
            })?,
        };
        let limit = self.config.groups.max_members(t);
        let max_members = match req.max_member_count {
            0 => limit,
            n => n.min(limit),
        };
        let mut members: Vec<String> = Vec::new();
        for m in &req.member_list {
            let id = &m.member_account;
            if id.is_empty() || id.len() > MAX_USER_ID_LEN {
                return refuse(
                    codes::INVALID_ACCOUNT,
                    format!("Member_Account must be 1 to {MAX_USER_ID_LEN} bytes"),
                );
            }
            if *id != me.user && !members.contains(id) {
                members.push(id.clone());
            }
        }
        if members.len() as u64 + 1 > max_members {
            return refuse(
                codes::GROUP_FULL,
                format!("the group may have at most {max_members} members"),
            );
        }
        if !self.room_for_one_more(me.app, &me.user)? {
            return refuse(codes::GROUP_FULL, "the caller is in too many groups");
        }
        let id = if req.group_id.is_empty() {
            self.generate_group_id(me.app, t)?
        } else {
            check_chosen_id(&req.group_id, t)?;
            if self.store.chat_group(me.app, &req.group_id)?.is_some() {
                return refuse(
                    codes::GROUP_ID_TAKEN,
                    format!("group ID {} is taken", view::bounded(&req.group_id)),
                );
            }
            req.group_id.clone()
        };
        let time = unix_ms / 1000;
        let g = GroupRecord {
            id: id.clone(),
            group_type: t,
            name: req.name,
            face_url: req.face_url,
            introduction: req.introduction,
            notification: req.notification,
            owner: me.user.clone(),
            create_time: time,
            info_seq: 1,
            last_info_time: time,
            last_msg_time: 0,
            next_seq: 1,
            max_members,
            join_option,
            invite_option,
            mute_all: false,
            custom,
            dismissed: false,
        };
        let mut w = GroupWrite::default();
        w.change(Change::ChatGroup(g.clone()));
        w.change(Change::GroupMember {
            group: id.clone(),
            member: MemberRecord::new(&me.user, Role::Owner, time, 1),
        });
        let mut added = Vec::new();
        for user in members {
            if !self.config.auto_create_accounts && self.store.account(me.app, &user)?.is_none() {
                continue;
            }
            if !self.room_for_one_more(me.app, &user)? {
                continue;
            }
            w.change(Change::GroupMember {
                group: id.clone(),
                member: MemberRecord::new(&user, Role::Member, time, 1),
            });
            added.push(user);
        }
        // The listed members (and the owner's other instances) learn of
        // the group by notice 6.
        let mut told = added.clone();
        told.push(me.user.clone());
        self.notice(
            &mut w,
            &g,
            &me.user,
            (notice_op::CREATED, ""),
            unix_ms,
            &told,
        );
        Ok((id, w))
    }

    pub(super) fn on_destroy_group(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) {
        let Some((me, req)) = self.begin_change::<GroupIdRequest>(unix_ms, conn, gzip, frame)
        else {
            return;
        };
        let result = (|| {
            let mut g = self.live_group(me.app, &req.group_id)?;
            let m = self.membership(me.app, &g.id, &me.user)?;
            if m.role != Role::Owner {
                return refuse(
                    codes::PERMISSION_DENIED,
                    "only the owner may dismiss the group",
                );
            }
            let members = self.store.group_members(me.app, &g.id)?;
            let mut w = GroupWrite::default();
            for m in &members {
                w.change(Change::EndGroupMember {
                    group: g.id.clone(),
                    user: m.user.clone(),
                    leave_seq: g.next_seq,
                });
            }
            self.notice(
                &mut w,
                &g,
                &me.user,
                (notice_op::DISMISSED, ""),
                unix_ms,
                &ids(&members),
            );
            g.dismissed = true;
            w.change(Change::ChatGroup(g));
            let (queued, fanout) = self.commit_group(&me, w)?;
            Ok((BaseReply::ok(), queued, fanout))
        })();
        self.finish_group(unix_ms, &me, conn, gzip, &frame.head, result);
    }

    pub(super) fn on_quit_group(&mut self, unix_ms: u64, conn: ConnId, gzip: bool, frame: &Frame) {
        let Some((me, req)) = self.begin_change::<GroupIdRequest>(unix_ms, conn, gzip, frame)
        else {
            return;
        };
        let result = (|| {
            let mut g = self.live_group(me.app, &req.group_id)?;
            let m = self.membership(me.app, &g.id, &me.user)?;
            if m.role == Role::Owner {
                return refuse(
                    codes::GROUP_OWNER_CANNOT_QUIT,
                    "the owner cannot quit: transfer ownership or dismiss the group",
                );
            }
            let rest: Vec<String> = ids(&self.store.group_members(me.app, &g.id)?)
                .into_iter()
                .filter(|u| *u != me.user)
                .collect();
            let mut w = GroupWrite::default();
            // The window ends before the quit tip: the quitter does not see it.
            w.change(Change::EndGroupMember {
                group: g.id.clone(),
                user: me.user.clone(),
                leave_seq: g.next_seq,
            });
            self.notice(
                &mut w,
                &g,
                &me.user,
                (notice_op::QUIT, ""),
                unix_ms,
                std::slice::from_ref(&me.user),
            );
            let body = TipBody {
                op_type: tip_op::QUIT,
                list_account: vec![me.user.clone()],
                member_num: Some(rest.len() as u64),
                msg_member_extra_info: member_extra(std::slice::from_ref(&me.user)),
                ..TipBody::default()
            };
            self.tip(&mut w, &mut g, &me, unix_ms, body, rest);
            w.change(Change::ChatGroup(g));
            let (queued, fanout) = self.commit_group(&me, w)?;
            Ok((BaseReply::ok(), queued, fanout))
        })();
        self.finish_group(unix_ms, &me, conn, gzip, &frame.head, result);
    }

    pub(super) fn on_apply_join(&mut self, unix_ms: u64, conn: ConnId, gzip: bool, frame: &Frame) {
        let Some((me, req)) =
            self.begin_change::<ApplyJoinGroupRequest>(unix_ms, conn, gzip, frame)
        else {
            return;
        };
        let result = (|| {
            check_text("ApplyMsg", &req.apply_msg, 0, MAX_APPLY_MSG)?;
            let mut g = self.live_group(me.app, &req.group_id)?;
            let members = self.store.group_members(me.app, &g.id)?;
            let reply = |status: &str| ApplyJoinGroupReply {
                base: BaseReply::ok(),
                joined_status: status.to_owned(),
            };
            let mut w = GroupWrite::default();
            if members.iter().any(|m| m.user == me.user) {
                let (queued, fanout) = self.commit_group(&me, w)?;
                return Ok((reply(super::avchat::rejoin_status(&g)), queued, fanout));
            }
            if members.len() as u64 >= g.max_members {
                return refuse(codes::GROUP_FULL, "the group is full");
            }
            match g.join_option {
                JoinOption::DisableApply => {
                    refuse(codes::PERMISSION_DENIED, "this group takes no applications")
                }
                JoinOption::NeedPermission => {
                    w.change(Change::GroupApplication {
                        group: g.id.clone(),
                        application: GroupApplication {
                            user: me.user.clone(),
                            time: unix_ms / 1000,
                            message: req.apply_msg.clone(),
                        },
                    });
                    let approvers: Vec<String> = members
                        .iter()
                        .filter(|m| m.role != Role::Member)
                        .map(|m| m.user.clone())
                        .collect();
                    self.notice(
                        &mut w,
                        &g,
                        &me.user,
                        (notice_op::APPLY, &req.apply_msg),
                        unix_ms,
                        &approvers,
                    );
                    let (queued, fanout) = self.commit_group(&me, w)?;
                    Ok((reply(joined_status::WAIT_APPROVAL), queued, fanout))
                }
                JoinOption::FreeAccess => {
                    if !self.room_for_one_more(me.app, &me.user)? {
                        return refuse(codes::GROUP_FULL, "the caller is in too many groups");
                    }
                    let mut all = ids(&members);
                    all.push(me.user.clone());
                    // The joiner's window starts at its join tip.
                    w.change(Change::GroupMember {
                        group: g.id.clone(),
                        member: MemberRecord::new(
                            &me.user,
                            Role::Member,
                            unix_ms / 1000,
                            g.next_seq,
                        ),
                    });
                    self.topics_read_at_join(&mut w, me.app, &g, &me.user)?;
                    let body = TipBody {
                        op_type: tip_op::JOIN,
                        list_account: vec![me.user.clone()],
                        member_num: Some(all.len() as u64),
                        msg_member_extra_info: member_extra(std::slice::from_ref(&me.user)),
                        ..TipBody::default()
                    };
                    self.tip(&mut w, &mut g, &me, unix_ms, body, all);
                    w.change(Change::ChatGroup(g));
                    let (queued, fanout) = self.commit_group(&me, w)?;
                    Ok((reply(joined_status::JOINED), queued, fanout))
                }
            }
        })();
        self.finish_group(unix_ms, &me, conn, gzip, &frame.head, result);
    }
}
