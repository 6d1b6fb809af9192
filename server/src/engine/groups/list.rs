//! `get_joined_group_list` (both services), `get_group_self_member_info`,
//! `get_group_public_info` and `get_online_member_num` (PROTOCOL.md 8.2).

use tcchat_core::proto::group::{
    GetJoinedGroupListReply, GetJoinedGroupListRequest, GroupIdListRequest, GroupIdRequest,
    GroupInfoReply, GroupItem, GroupType, OnlineMemberNumReply,
};
use tcchat_core::proto::BaseReply;
use tcchat_core::wire::Frame;

use super::super::request::{check_len, Fail};
use super::super::{ConnId, Engine};
use super::view;
use crate::bounds::MAX_ITEMS_PER_REQUEST;
use crate::codes;
use crate::store::Store;

/// `Limit` of the joined list when the request gives none.
const DEFAULT_LIST_LIMIT: u64 = 200;
/// Largest `Limit` of the joined list (the official SDK's own page), which
/// with [`super::MAX_CUSTOM_TOTAL`] keeps a page under about 2 MiB.
const MAX_LIST_LIMIT: u64 = 200;

impl<S: Store> Engine<S> {
    /// The caller's groups, paged by `Offset`/`Limit`; communities only in
    /// the `million_group` list, every other type only in the other.
    pub(super) fn on_joined_list(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
        communities: bool,
    ) {
        let Some((me, req)) = self.begin::<GetJoinedGroupListRequest>(unix_ms, conn, gzip, frame)
        else {
            return;
        };
        let result = (|| -> Result<GetJoinedGroupListReply, Fail> {
            let mut items = Vec::new();
            for id in self.store.joined_groups(me.app, &me.user)? {
                let Some(g) = self.store.chat_group(me.app, &id)? else {
                    continue;
                };
                if g.dismissed || (g.group_type == GroupType::Community) != communities {
                    continue;
                }
                items.push(id);
            }
            let total = items.len() as u64;
            let limit = match req.limit {
                0 => DEFAULT_LIST_LIMIT,
                n => n.min(MAX_LIST_LIMIT),
            };
            let mut page = Vec::new();
            for id in items
                .iter()
                .skip(usize::try_from(req.offset).unwrap_or(usize::MAX))
                .take(limit as usize)
            {
                page.push(self.own_item(me.app, id, &me.user)?);
            }
            Ok(GetJoinedGroupListReply {
                base: BaseReply::ok(),
                total_count: total,
                group_id_list: page,
            })
        })();
        self.finish_query(conn, gzip, &frame.head, result);
    }

    /// The list item of `id` for its member `user` (with `SelfInfo`).
    fn own_item(&mut self, app: u64, id: &str, user: &str) -> Result<GroupItem, Fail> {
        let g = self.live_group(app, id)?;
        let members = self.store.group_members(app, id)?;
        let me = members
            .iter()
            .find(|m| m.user == user)
            .ok_or_else(|| Fail::Refuse(codes::PERMISSION_DENIED, "not a member".to_owned()))?;
        let mut item = view::item(&g, members.len() as u64);
        item.self_info = Some(view::self_info(me));
        Ok(item)
    }

    /// One item per asked ID, in order, each with its `ErrorCode`: 10010
    /// for a missing or dismissed group, 10007 (profile only) for a group
    /// the caller is not in.
    pub(super) fn on_group_profile(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
        own: bool,
    ) {
        let Some((me, req)) = self.begin::<GroupIdListRequest>(unix_ms, conn, gzip, frame) else {
            return;
        };
        let result = (|| -> Result<GroupInfoReply, Fail> {
            check_len("GroupIdList", &req.group_id_list, MAX_ITEMS_PER_REQUEST)?;
            let mut out = Vec::new();
            for id in &req.group_id_list {
                let item = if own {
                    self.own_item(me.app, id, &me.user).and_then(|mut item| {
                        let m = self.membership(me.app, id, &me.user)?;
                        item.member_list = Some(vec![view::member_info(&m)]);
                        Ok(item)
                    })
                } else {
                    self.live_group(me.app, id).and_then(|g| {
                        let n = self.store.group_members(me.app, id)?.len() as u64;
                        Ok(view::item(&g, n))
                    })
                };
                out.push(match item {
                    Ok(mut item) => {
                        item.error_code = Some(0);
                        item.error_info = Some(String::new());
                        item
                    }
                    Err(Fail::Refuse(code, info)) => GroupItem {
                        group_id: id.clone(),
                        error_code: Some(code),
                        error_info: Some(info),
                        ..GroupItem::default()
                    },
                    Err(store) => return Err(store),
                });
            }
            Ok(GroupInfoReply {
                base: BaseReply::ok(),
                group_info: out,
            })
        })();
        self.finish_query(conn, gzip, &frame.head, result);
    }

    /// Members with at least one logged-in socket (members only).
    pub(super) fn on_online_member_num(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) {
        let Some((me, req)) = self.begin::<GroupIdRequest>(unix_ms, conn, gzip, frame) else {
            return;
        };
        let result = (|| -> Result<OnlineMemberNumReply, Fail> {
            self.live_group(me.app, &req.group_id)?;
            self.membership(me.app, &req.group_id, &me.user)?;
            let online = self
                .store
                .group_members(me.app, &req.group_id)?
                .iter()
                .filter(|m| {
                    !self
                        .online_except(unix_ms, me.app, &m.user, None)
                        .is_empty()
                })
                .count() as u64;
            Ok(OnlineMemberNumReply {
                base: BaseReply::ok(),
                online_member_num: online,
            })
        })();
        self.finish_query(conn, gzip, &frame.head, result);
    }
}
