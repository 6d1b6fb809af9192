//! The group list and profiles: `get_joined_group_list` at every login and
//! re-login and for `get_group_list`, paged as the official SDK pages it
//! (200 a page, again while `Offset + Limit < TotalCount`), and
//! `get_group_self_member_info` for `get_group_profile`.

use std::time::Instant;

use super::super::conv_api::parse_reply;
use super::super::request::{Call, Request, RequestId};
use super::super::Client;
use crate::error::{ChatError, ErrorCode};
use crate::model::Group;
use crate::proto::group::{
    cmd, GetJoinedGroupListReply, GetJoinedGroupListRequest, GroupIdListRequest, GroupInfoReply,
    ResponseFilter,
};
use crate::wire::Frame;

/// The group fields the official SDK asks for (`frames/group_list_login.json`
/// #12, #39).
pub(super) const BASE_FILTER: [&str; 16] = [
    "Type",
    "Name",
    "Introduction",
    "Notification",
    "FaceUrl",
    "Owner_Account",
    "CreateTime",
    "InfoSeq",
    "LastInfoTime",
    "LastMsgTime",
    "MemberNum",
    "MaxMemberNum",
    "ApplyJoinOption",
    "NextMsgSeq",
    "ShutUpAllMember",
    "InviteJoinOption",
];

/// Page size of `get_joined_group_list`, as the official SDK.
const PAGE: u64 = 200;
/// Pages followed before giving up on `TotalCount` (a server that never
/// stops cannot make the SDK loop): [`super::Groups::MAX_GROUPS`] / [`PAGE`].
const MAX_PAGES: usize = 50;

fn strings(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| (*s).to_owned()).collect()
}

impl Client {
    /// The session is live (login or re-login): fetch the joined groups,
    /// unless a fetch is already pending.
    pub(in crate::client) fn groups_session_live(&mut self, now: Instant) {
        self.refresh_held_attributes(now);
        if self.requests.has::<JoinedListPage>() {
            return;
        }
        self.request_joined_page(now, JoinedListPage::default());
    }

    /// `getGroupList()`: the groups this user belongs to, fetched from the
    /// server (every page) and held as the group list; GROUP_LIST_UPDATED
    /// follows if it changed. Fails with 2024/3000/3005 when not ready.
    pub fn get_group_list(&mut self, now: Instant) -> Result<RequestId<Vec<Group>>, ChatError> {
        self.require_ready("getGroupList")?;
        self.check_capacity()?;
        let id = self.next_request_id();
        self.request_joined_page(
            now,
            JoinedListPage {
                caller: Some(id),
                ..JoinedListPage::default()
            },
        );
        Ok(id)
    }

    fn request_joined_page(&mut self, now: Instant, page: JoinedListPage) {
        let body = GetJoinedGroupListRequest {
            member_account: self.current_user(),
            limit: PAGE,
            offset: page.offset,
            response_filter: ResponseFilter {
                group_base_info_filter: strings(&BASE_FILTER),
                self_info_filter: strings(&["Role", "JoinTime", "MsgFlag", "MsgSeq"]),
                member_info_filter: Vec::new(),
            },
            support_topic: 0,
            need_app_define_data: 1,
        };
        let timeout = self.ctx.tuning().request_timeout;
        self.enqueue(now, cmd::GET_JOINED_LIST, &body, timeout, page);
    }

    fn on_joined_page(
        &mut self,
        now: Instant,
        mut page: JoinedListPage,
        reply: GetJoinedGroupListReply,
    ) {
        let me = self.current_user();
        let items = reply.group_id_list.len() as u64;
        for item in &reply.group_id_list {
            match Group::from_item(item, &me) {
                Some(g) => page.got.push(g),
                None => {
                    if self.log_enabled(2) {
                        tracing::warn!("leaving out a group of an unknown type");
                    }
                }
            }
        }
        page.pages += 1;
        page.offset += items;
        if items > 0 && page.offset < reply.total_count && page.pages < MAX_PAGES {
            self.request_joined_page(now, page);
            return;
        }
        let JoinedListPage { got, caller, .. } = page;
        let gone: Vec<String> = self
            .groups
            .list()
            .iter()
            .filter(|held| got.iter().all(|g| g.group_id != held.group_id))
            .map(|g| g.group_id.clone())
            .collect();
        self.groups.replace_all(got);
        for group_id in gone {
            self.conv_group_left(&group_id);
        }
        self.groups_catch_up(now);
        if let Some(id) = caller {
            let list = self.groups.list().to_vec();
            self.complete(id, Ok(list));
        }
    }

    /// `getGroupProfile({groupID})`: the group's profile with this user's
    /// membership (role and name card from the member entry), fetched with
    /// `get_group_self_member_info`; it replaces the held group
    /// (GROUP_LIST_UPDATED follows if it changed). Fails with 2602 for an
    /// empty or over-long ID; with 10010 (no such group) or 10007 (not a
    /// member) from the server, which also drop the group from the list.
    pub fn get_group_profile(
        &mut self,
        now: Instant,
        group_id: &str,
    ) -> Result<RequestId<Group>, ChatError> {
        self.require_ready("getGroupProfile")?;
        self.check_group_id("getGroupProfile", group_id)?;
        self.check_capacity()?;
        let body = GroupIdListRequest {
            group_id_list: vec![group_id.to_owned()],
            response_filter: ResponseFilter {
                group_base_info_filter: strings(&BASE_FILTER),
                self_info_filter: Vec::new(),
                member_info_filter: strings(&["Role", "JoinTime", "MsgSeq", "MsgFlag", "NameCard"]),
            },
        };
        let group_id = group_id.to_owned();
        Ok(
            self.enqueue_command(now, cmd::GET_SELF_MEMBER_INFO, &body, |id| {
                Call::query(
                    id,
                    move |client: &mut Client, _, id, status, frame: &Frame| {
                        let outcome = parse_reply::<GroupInfoReply>(status, frame)
                            .and_then(|r| client.apply_group_profile(&group_id, &r));
                        client.complete(id, outcome);
                    },
                )
            }),
        )
    }

    /// Fetch `group_id`'s profile into the list (the SDK's own request,
    /// after a notice or tip that changed the group): one at a time per
    /// group.
    pub(in crate::client) fn refresh_group(&mut self, now: Instant, group_id: &str) {
        let pending = self.requests.any(|p| {
            p.purpose
                .downcast_ref::<RefreshGroup>()
                .is_some_and(|r| r.0 == group_id)
        });
        if pending || self.check_group_id_quiet(group_id).is_err() {
            return;
        }
        let body = GroupIdListRequest {
            group_id_list: vec![group_id.to_owned()],
            response_filter: ResponseFilter::default(),
        };
        let timeout = self.ctx.tuning().request_timeout;
        self.enqueue(
            now,
            cmd::GET_SELF_MEMBER_INFO,
            &body,
            timeout,
            RefreshGroup(group_id.to_owned()),
        );
    }

    fn check_group_id_quiet(&self, group_id: &str) -> Result<(), ()> {
        if group_id.is_empty() || group_id.len() > Self::MAX_USER_ID_BYTES {
            return Err(());
        }
        Ok(())
    }

    /// A profile reply's item for `group_id`, applied to the list.
    pub(in crate::client) fn apply_group_profile(
        &mut self,
        group_id: &str,
        reply: &GroupInfoReply,
    ) -> Result<Group, ChatError> {
        let Some(item) = reply.group_info.iter().find(|i| i.group_id == group_id) else {
            return Err(ChatError::new(
                ErrorCode::UNCAUGHT_ERROR,
                "the profile reply has no item for the group",
            ));
        };
        let code = item.error_code.unwrap_or(0);
        if code != 0 {
            let gone =
                code == ErrorCode::GROUP_NOT_FOUND.0 || code == ErrorCode::GROUP_NO_PERMISSION.0;
            if gone && self.groups.remove(group_id) {
                self.conv_group_left(group_id);
            }
            return Err(ChatError::new(
                ErrorCode(code),
                item.error_info.clone().unwrap_or_default(),
            ));
        }
        let me = self.current_user();
        let group = Group::from_item(item, &me).ok_or_else(|| {
            ChatError::new(
                ErrorCode::UNCAUGHT_ERROR,
                "the profile reply names a group type tcchat does not know",
            )
        })?;
        if !self.groups.upsert(group.clone()) {
            return Ok(group);
        }
        Ok(self.groups.get(group_id).cloned().unwrap_or(group))
    }

    /// `Ok` for a group ID of 1 to [`Client::MAX_USER_ID_BYTES`] bytes;
    /// otherwise 2602 (`ILLEGAL_GRP_ID`), also an ERROR event.
    pub(in crate::client) fn check_group_id(
        &mut self,
        api: &str,
        group_id: &str,
    ) -> Result<(), ChatError> {
        if group_id.is_empty() || group_id.len() > Self::MAX_USER_ID_BYTES {
            return Err(self.api_error(
                ErrorCode::ILLEGAL_GRP_ID,
                format!(
                    "{api}: groupID must be 1 to {} bytes",
                    Self::MAX_USER_ID_BYTES
                ),
            ));
        }
        Ok(())
    }
}

/// A page of `get_joined_group_list`: the login sync's (no caller) or
/// `get_group_list`'s, with the groups of the pages before it.
#[derive(Debug, Default)]
struct JoinedListPage {
    offset: u64,
    pages: usize,
    got: Vec<Group>,
    caller: Option<RequestId<Vec<Group>>>,
}

impl Request for JoinedListPage {
    fn is_internal(&self) -> bool {
        self.caller.is_none()
    }

    fn is_login_sync(&self) -> bool {
        self.caller.is_none()
    }

    fn on_reply(
        self: Box<Self>,
        client: &mut Client,
        now: Instant,
        status: Result<(), ChatError>,
        frame: &Frame,
    ) {
        match parse_reply::<GetJoinedGroupListReply>(status, frame) {
            Ok(reply) => client.on_joined_page(now, *self, reply),
            Err(err) => self.on_failed(client, err),
        }
    }

    /// The login sync's failure keeps the list held (the next login asks
    /// again); `get_group_list` fails with the error.
    fn on_failed(self: Box<Self>, client: &mut Client, err: ChatError) {
        match self.caller {
            Some(id) => client.complete(id, Err(err)),
            None => {
                if client.log_enabled(2) {
                    tracing::warn!(code = err.code.0, message = %err.message, "group list sync failed; retrying at the next login");
                }
            }
        }
    }
}

/// `get_group_self_member_info` for one group, sent by the SDK itself.
#[derive(Debug)]
struct RefreshGroup(String);

impl Request for RefreshGroup {
    fn is_internal(&self) -> bool {
        true
    }

    fn on_reply(
        self: Box<Self>,
        client: &mut Client,
        _now: Instant,
        status: Result<(), ChatError>,
        frame: &Frame,
    ) {
        let outcome = parse_reply::<GroupInfoReply>(status, frame)
            .and_then(|r| client.apply_group_profile(&self.0, &r));
        if let Err(err) = outcome {
            if client.log_enabled(2) {
                tracing::warn!(code = err.code.0, message = %err.message, "group refresh failed");
            }
        }
    }

    fn on_failed(self: Box<Self>, _client: &mut Client, _err: ChatError) {}
}
