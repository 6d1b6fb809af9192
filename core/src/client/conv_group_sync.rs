//! The conversation groups the server holds, brought in at login: the
//! `get_contact_group` sync (paged) and its requests. What its pages and
//! the pushes of the user's other instances (Event 11, PushTypes 5–7)
//! change is in `conv_list/groups.rs`.

use std::time::Instant;

use super::conv_api::parse_reply;
use super::conversations::Conversations;
use super::features::Feature;
use super::request::Request;
use super::Client;
use crate::error::ChatError;
use crate::proto::contact::{GetContactGroupReply, GetContactGroupRequest};
use crate::wire::{servcmd, Frame};

impl Client {
    /// The purchase bits arrived: with conversation groups or marks
    /// enabled, fetch them (`get_contact_group`, paged).
    pub(super) fn conv_features_known(&mut self, now: Instant) {
        if !self.has_feature(Feature::ConversationGroup)
            && !self.has_feature(Feature::ConversationMark)
        {
            return;
        }
        if self.requests.has::<GroupPage>() {
            return;
        }
        self.convs.begin_group_sync();
        self.request_group_page(now, 0);
    }

    fn request_group_page(&mut self, now: Instant, start_index: u64) {
        let body = GetContactGroupRequest {
            from_account: self.current_user(),
            start_index,
        };
        let timeout = self.ctx.tuning().request_timeout;
        self.enqueue(
            now,
            servcmd::CONV_GROUP_GET,
            &body,
            timeout,
            GroupPage(start_index),
        );
    }

    /// A `get_contact_group` reply; the last page replaces the groups and
    /// marks held.
    pub(super) fn on_group_page(
        &mut self,
        now: Instant,
        sent: u64,
        reply: Result<GetContactGroupReply, ChatError>,
    ) {
        let reply = match reply {
            Ok(r) => r,
            Err(err) => {
                if self.log_enabled(2) {
                    tracing::warn!(code = err.code.0, message = %err.message, "conversation group sync failed; retrying at the next login");
                }
                self.convs.abort_group_sync();
                return;
            }
        };
        let pages = self.convs.group_page(&reply);
        if reply.complete_flag != 1
            && reply.next_start_index != sent
            && pages < Conversations::MAX_PAGES
        {
            self.request_group_page(now, reply.next_start_index);
            return;
        }
        self.convs.finish_group_sync();
    }
}

/// A page of `recentcontact.get_contact_group` from this index: the SDK's
/// own sync at login.
#[derive(Debug)]
struct GroupPage(u64);

impl Request for GroupPage {
    fn is_internal(&self) -> bool {
        true
    }

    fn is_login_sync(&self) -> bool {
        true
    }

    fn on_reply(
        self: Box<Self>,
        client: &mut Client,
        now: Instant,
        status: Result<(), ChatError>,
        frame: &Frame,
    ) {
        client.on_group_page(now, self.0, parse_reply(status, frame));
    }

    /// A failed sync is retried at the next login.
    fn on_failed(self: Box<Self>, client: &mut Client, err: ChatError) {
        if client.log_enabled(2) {
            tracing::warn!(code = err.code.0, message = %err.message, "a conversation sync request failed");
        }
        client.convs.abort_group_sync();
    }
}
