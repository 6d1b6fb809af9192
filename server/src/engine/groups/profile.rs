//! `modify_group_base_info` and `change_group_owner` (PROTOCOL.md 8.2):
//! each bumps `InfoSeq` and makes a tip 6 with the changed keys.

use tcchat_core::proto::group::{
    mute_all, ChangeGroupOwnerRequest, GroupType, InviteOption, JoinOption,
    ModifyGroupBaseInfoRequest, Role,
};
use tcchat_core::proto::group_msg::{tip_op, GroupNewInfo, TipBody};
use tcchat_core::proto::BaseReply;
use tcchat_core::wire::Frame;

use super::super::request::{refuse, Fail};
use super::super::{ConnId, Engine};
use super::{ids, GroupWrite};
use crate::codes;
use crate::store::{Change, Store};

const MAX_NAME: usize = 100;
const MAX_INTRODUCTION: usize = 400;
const MAX_NOTIFICATION: usize = 400;
const MAX_FACE_URL: usize = 500;
const MAX_CUSTOM_KEYS: usize = 20;
const MAX_CUSTOM_KEY: usize = 64;
const MAX_CUSTOM_VALUE: usize = 4_096;

fn text(field: &str, value: &Option<String>, min: usize, max: usize) -> Result<(), Fail> {
    match value {
        Some(v) if v.len() < min || v.len() > max => refuse(
            codes::INVALID_PARAMETER,
            format!("{field} must be {min} to {max} bytes"),
        ),
        _ => Ok(()),
    }
}

impl<S: Store> Engine<S> {
    pub(super) fn on_modify_group(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) {
        let Some((me, req)) =
            self.begin_change::<ModifyGroupBaseInfoRequest>(unix_ms, conn, gzip, frame)
        else {
            return;
        };
        let result = (|| {
            let mut g = self.live_group(me.app, &req.group_id)?;
            let actor = self.membership(me.app, &g.id, &me.user)?;
            if actor.role == Role::Member {
                return refuse(
                    codes::PERMISSION_DENIED,
                    "only the owner and admins change the profile",
                );
            }
            text("Name", &req.name, 1, MAX_NAME)?;
            text("Introduction", &req.introduction, 0, MAX_INTRODUCTION)?;
            text("Notification", &req.notification, 0, MAX_NOTIFICATION)?;
            text("FaceUrl", &req.face_url, 0, MAX_FACE_URL)?;
            let members = ids(&self.store.group_members(me.app, &g.id)?);
            let mut new = GroupNewInfo::default();
            if let Some(v) = &req.name {
                g.name.clone_from(v);
                new.group_name = Some(v.clone());
            }
            if let Some(v) = &req.face_url {
                g.face_url.clone_from(v);
                new.group_face_url = Some(v.clone());
            }
            if let Some(v) = &req.introduction {
                g.introduction.clone_from(v);
                new.group_introduction = Some(v.clone());
            }
            if let Some(v) = &req.notification {
                g.notification.clone_from(v);
                new.group_notification = Some(v.clone());
            }
            if let Some(n) = req.max_member_count {
                let limit = self.config.groups.max_members(g.group_type);
                if n == 0 || n > limit || n < members.len() as u64 {
                    return refuse(
                        codes::INVALID_PARAMETER,
                        format!("MaxMemberCount must be between the member count and {limit}"),
                    );
                }
                g.max_members = n;
            }
            if let Some(v) = &req.apply_join_option {
                let option = JoinOption::from_wire(v).ok_or_else(|| {
                    Fail::Refuse(codes::INVALID_PARAMETER, "unknown ApplyJoinOption".into())
                })?;
                if g.group_type == GroupType::Private && option != JoinOption::DisableApply {
                    return refuse(
                        codes::PERMISSION_DENIED,
                        "a Private (Work) group takes no applications",
                    );
                }
                g.join_option = option;
                new.apply_join_option = Some(v.clone());
            }
            if let Some(v) = &req.invite_join_option {
                g.invite_option = InviteOption::from_wire(v).ok_or_else(|| {
                    Fail::Refuse(codes::INVALID_PARAMETER, "unknown InviteJoinOption".into())
                })?;
            }
            if let Some(v) = &req.shut_up_all_member {
                g.mute_all = match v.as_str() {
                    mute_all::ON => true,
                    mute_all::OFF => false,
                    _ => {
                        return refuse(
                            codes::INVALID_PARAMETER,
                            "ShutUpAllMember must be On or Off",
                        )
                    }
                };
                new.mute_all_members = Some(u8::from(g.mute_all));
            }
            if let Some(items) = &req.app_defined_data {
                for item in items {
                    if item.key.is_empty()
                        || item.key.len() > MAX_CUSTOM_KEY
                        || item.value.len() > MAX_CUSTOM_VALUE
                    {
                        return refuse(
                            codes::INVALID_PARAMETER,
                            "AppDefinedData key or value too long",
                        );
                    }
                    g.custom.retain(|(k, _)| *k != item.key);
                    if !item.value.is_empty() {
                        g.custom.push((item.key.clone(), item.value.clone()));
                    }
                }
                g.custom.sort();
                super::check_custom_total("AppDefinedData", &g.custom)?;
                if g.custom.len() > MAX_CUSTOM_KEYS {
                    return refuse(codes::INVALID_PARAMETER, "at most 20 AppDefinedData keys");
                }
                new.app_defined_data = Some(items.clone());
            }
            g.info_seq += 1;
            g.last_info_time = unix_ms / 1000;
            let mut w = GroupWrite::default();
            let body = TipBody {
                op_type: tip_op::PROFILE_CHANGED,
                msg_group_new_info: Some(new),
                ..TipBody::default()
            };
            self.tip(&mut w, &mut g, &me, unix_ms, body, members);
            w.change(Change::ChatGroup(g));
            let (queued, fanout) = self.commit_group(&me, w)?;
            Ok((BaseReply::ok(), queued, fanout))
        })();
        self.finish_group(unix_ms, &me, conn, gzip, &frame.head, result);
    }

    pub(super) fn on_change_owner(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) {
        let Some((me, req)) =
            self.begin_change::<ChangeGroupOwnerRequest>(unix_ms, conn, gzip, frame)
        else {
            return;
        };
        let result = (|| {
            let mut g = self.live_group(me.app, &req.group_id)?;
            let mut actor = self.membership(me.app, &g.id, &me.user)?;
            if actor.role != Role::Owner || g.group_type == GroupType::AvChatRoom {
                return refuse(
                    codes::PERMISSION_DENIED,
                    "only the owner transfers ownership",
                );
            }
            if req.new_owner_account == me.user {
                return refuse(
                    codes::INVALID_PARAMETER,
                    "NewOwner_Account is already the owner",
                );
            }
            let mut heir = self.membership(me.app, &g.id, &req.new_owner_account)?;
            actor.role = Role::Member;
            heir.role = Role::Owner;
            g.owner.clone_from(&heir.user);
            g.info_seq += 1;
            g.last_info_time = unix_ms / 1000;
            let members = ids(&self.store.group_members(me.app, &g.id)?);
            let mut w = GroupWrite::default();
            w.change(Change::GroupMember {
                group: g.id.clone(),
                member: actor,
            });
            let body = TipBody {
                op_type: tip_op::PROFILE_CHANGED,
                msg_group_new_info: Some(GroupNewInfo {
                    owner_account: Some(heir.user.clone()),
                    ..GroupNewInfo::default()
                }),
                ..TipBody::default()
            };
            w.change(Change::GroupMember {
                group: g.id.clone(),
                member: heir,
            });
            self.tip(&mut w, &mut g, &me, unix_ms, body, members);
            w.change(Change::ChatGroup(g));
            let (queued, fanout) = self.commit_group(&me, w)?;
            Ok((BaseReply::ok(), queued, fanout))
        })();
        self.finish_group(unix_ms, &me, conn, gzip, &frame.head, result);
    }
}
