//! `get_pendency` and `handle_apply_join_group` (PROTOCOL.md 8.7).

use tcchat_core::proto::group::{
    GetPendencyReply, GetPendencyRequest, GroupType, HandleApplyJoinGroupRequest, PendencyItem,
    Role,
};
use tcchat_core::proto::group_msg::{
    notice_op, tip_op, DeleteNoticesRequest, TipBody, SYSTEM_ACCOUNT,
};
use tcchat_core::proto::BaseReply;
use tcchat_core::wire::Frame;

use super::super::request::{check_len, refuse, Fail};
use super::super::{ConnId, Engine};
use super::{ids, member_extra, GroupWrite};
use crate::bounds::MAX_ITEMS_PER_REQUEST;
use crate::codes;
use crate::store::{Change, MemberRecord, Store};

/// Page of `get_pendency` when the request gives none, and its most.
const PENDENCY_PAGE: u64 = 100;

impl<S: Store> Engine<S> {
    /// Pending applications to the groups the caller owns or administers:
    /// communities only (`communities`, the `million_group` service) or
    /// every other type, paged by `StartTime` / `NextStartTime`.
    pub(super) fn on_get_pendency(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
        communities: bool,
    ) {
        let Some((me, req)) = self.begin::<GetPendencyRequest>(unix_ms, conn, gzip, frame) else {
            return;
        };
        let result = (|| -> Result<GetPendencyReply, Fail> {
            let mut items = Vec::new();
            for id in self.store.joined_groups(me.app, &me.user)? {
                let Some(m) = self.store.group_member(me.app, &id, &me.user)? else {
                    continue;
                };
                let Some(g) = self.store.chat_group(me.app, &id)? else {
                    continue;
                };
                let community = g.group_type == GroupType::Community;
                if m.role == Role::Member || g.dismissed || community != communities {
                    continue;
                }
                for a in self.store.group_applications(me.app, &id)? {
                    if a.time >= req.start_time {
                        items.push(PendencyItem {
                            group_id: id.clone(),
                            group_name: g.name.clone(),
                            from_account: a.user.clone(),
                            to_account: me.user.clone(),
                            add_time: a.time,
                            apply_invite_msg: a.message,
                            pendency_type: 0,
                            application_type: 0,
                            handled: 0,
                            authentication: a.user,
                        });
                    }
                }
            }
            items.sort_by(|a, b| {
                (a.add_time, &a.group_id, &a.from_account).cmp(&(
                    b.add_time,
                    &b.group_id,
                    &b.from_account,
                ))
            });
            let total = items.len() as u64;
            let limit = match req.limit {
                0 => PENDENCY_PAGE,
                n => n.min(PENDENCY_PAGE),
            } as usize;
            // Pages end between two times, so that the next page (from
            // `NextStartTime`, inclusive) repeats nothing; a page whose
            // items all share one time is longer than `limit`.
            let mut next_start_time = 0;
            if items.len() > limit {
                let cut_time = items[limit].add_time;
                let keep = items.iter().take_while(|i| i.add_time < cut_time).count();
                let keep = if keep == 0 {
                    items.iter().take_while(|i| i.add_time == cut_time).count()
                } else {
                    keep
                };
                next_start_time = items.get(keep).map_or(0, |i| i.add_time);
                items.truncate(keep);
            }
            Ok(GetPendencyReply {
                base: BaseReply::ok(),
                pendency_list: items,
                next_start_time,
                total_pendency_num: total,
            })
        })();
        self.finish_query(conn, gzip, &frame.head, result);
    }

    pub(super) fn on_handle_apply(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) {
        let Some((me, req)) =
            self.begin_change::<HandleApplyJoinGroupRequest>(unix_ms, conn, gzip, frame)
        else {
            return;
        };
        let result = (|| {
            let agree = match req.handle_msg.as_str() {
                "Agree" => true,
                "Reject" => false,
                _ => {
                    return refuse(
                        codes::INVALID_PARAMETER,
                        "HandleMsg must be Agree or Reject",
                    )
                }
            };
            if req.approval_msg.len() > 300 {
                return refuse(codes::INVALID_PARAMETER, "ApprovalMsg is over 300 bytes");
            }
            let mut g = self.live_group(me.app, &req.group_id)?;
            let actor = self.membership(me.app, &g.id, &me.user)?;
            if actor.role == Role::Member {
                return refuse(
                    codes::PERMISSION_DENIED,
                    "only the owner and admins handle applications",
                );
            }
            let pending = self.store.group_applications(me.app, &g.id)?;
            let Some(application) = pending
                .into_iter()
                .find(|a| a.user == req.applicant_account)
            else {
                return refuse(
                    codes::INVALID_PARAMETER,
                    "no pending application from this user",
                );
            };
            let user = application.user;
            let mut w = GroupWrite::default();
            w.change(Change::DeleteGroupApplication {
                group: g.id.clone(),
                user: user.clone(),
            });
            let members = ids(&self.store.group_members(me.app, &g.id)?);
            if agree && !members.contains(&user) {
                if members.len() as u64 >= g.max_members {
                    return refuse(codes::GROUP_FULL, "the group is full");
                }
                w.change(Change::GroupMember {
                    group: g.id.clone(),
                    member: MemberRecord::new(&user, Role::Member, unix_ms / 1000, g.next_seq),
                });
                self.topics_read_at_join(&mut w, me.app, &g, &user)?;
                self.notice(
                    &mut w,
                    &g,
                    &me.user,
                    (notice_op::APPLY_ACCEPTED, &req.approval_msg),
                    unix_ms,
                    std::slice::from_ref(&user),
                );
                let mut all = members;
                all.push(user.clone());
                let body = TipBody {
                    op_type: tip_op::JOIN,
                    list_account: vec![user.clone()],
                    member_num: Some(all.len() as u64),
                    msg_member_extra_info: member_extra(std::slice::from_ref(&user)),
                    ..TipBody::default()
                };
                self.tip(&mut w, &mut g, &me, unix_ms, body, all);
                w.change(Change::ChatGroup(g));
            } else if !agree {
                self.notice(
                    &mut w,
                    &g,
                    &me.user,
                    (notice_op::APPLY_REFUSED, &req.approval_msg),
                    unix_ms,
                    std::slice::from_ref(&user),
                );
            }
            let (queued, fanout) = self.commit_group(&me, w)?;
            Ok((BaseReply::ok(), queued, fanout))
        })();
        self.finish_group(unix_ms, &me, conn, gzip, &frame.head, result);
    }

    /// `openim.deletemsg` for handled system notices: accepted. A notice is
    /// delivered once per instance (the inbox cursor moves past it), so
    /// there is nothing left to delete; only notices are accepted
    /// (`From_Account` `@TIM#SYSTEM`, else 10004), at most 100 (10005).
    pub(super) fn on_delete_notices(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) {
        let Some((_me, req)) = self.begin::<DeleteNoticesRequest>(unix_ms, conn, gzip, frame)
        else {
            return;
        };
        let result = (|| {
            check_len("DelMsgList", &req.del_msg_list, MAX_ITEMS_PER_REQUEST)?;
            if req
                .del_msg_list
                .iter()
                .any(|n| n.from_account != SYSTEM_ACCOUNT)
            {
                return refuse(
                    codes::INVALID_PARAMETER,
                    "openim.deletemsg deletes group system notices only (From_Account @TIM#SYSTEM)",
                );
            }
            Ok(BaseReply::ok())
        })();
        self.finish_query(conn, gzip, &frame.head, result);
    }
}
