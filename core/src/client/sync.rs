//! The message sync (`openim.getmsg`): pages of what arrived while this
//! instance was not listening, from the cookie the last page gave.

use std::time::Instant;

use super::request::Request;
use super::Client;
use crate::error::ChatError;
use crate::proto::{GetMsgReply, GetMsgRequest, SyncFlag};
use crate::wire::{servcmd, Frame};

/// Where the message sync stands: the last page's cookie and flag (reset
/// when the session ends).
#[derive(Debug, Default)]
pub(crate) struct SyncState {
    cookie: String,
    flag: u32,
}

impl SyncState {
    /// A page arrived with `cookie` and `flag`; returns whether the cookie
    /// moved (an empty cookie keeps the last one).
    fn advance(&mut self, cookie: String, flag: u32) -> bool {
        let progressed = !cookie.is_empty() && cookie != self.cookie;
        if !cookie.is_empty() {
            self.cookie = cookie;
        }
        self.flag = flag;
        progressed
    }

    fn has_cookie(&self) -> bool {
        !self.cookie.is_empty()
    }

    /// The session ended: the next one syncs from the start.
    pub(crate) fn reset(&mut self) {
        self.cookie.clear();
        self.flag = 0;
    }
}

impl Client {
    /// Request the next sync page unless one is in flight.
    pub(crate) fn start_sync(&mut self, now: Instant) {
        if self.requests.has::<GetMsg>() {
            return;
        }
        let body = GetMsgRequest::new(&self.sync.cookie, self.sync.flag);
        let timeout = self.ctx.tuning().request_timeout;
        self.enqueue(now, servcmd::GET_MSG, &body, timeout, GetMsg);
    }

    fn on_sync_page(&mut self, now: Instant, reply: GetMsgReply) {
        let received = reply
            .msg_list
            .iter()
            .map(|w| self.wire_to_message(w))
            .collect();
        self.deliver_received(received);
        let progressed = self.sync.advance(reply.cookie, reply.sync_flag);
        // Notifications queued while no instance took their push, after
        // the page's messages (which they may name).
        self.apply_push_events(now, &reply.event_array);
        // The unread counts the server computed (after the page's messages).
        self.conv_sync_page(
            &reply.c2c_pair_unread_count,
            reply.sync_flag == SyncFlag::DONE,
        );
        // More pages follow: ask with the cookie. The last page, when it
        // carried messages, is confirmed the same way: a request with its
        // cookie tells the server the page arrived (so it stops keeping
        // those messages for the next login), and its answer is normally
        // empty. Only a cookie that moved asks again, so a server that
        // repeats itself cannot make this loop.
        let confirm = reply.sync_flag == SyncFlag::DONE && !reply.msg_list.is_empty() && progressed;
        if (reply.sync_flag != SyncFlag::DONE || confirm) && self.sync.has_cookie() {
            self.start_sync(now);
        }
    }
}

/// A page of the message sync (`openim.getmsg`).
#[derive(Debug)]
struct GetMsg;

impl Request for GetMsg {
    fn is_internal(&self) -> bool {
        true
    }

    fn on_reply(
        self: Box<Self>,
        client: &mut Client,
        now: Instant,
        status: Result<(), ChatError>,
        frame: &Frame,
    ) {
        match status.and_then(|()| Client::reply_body::<GetMsgReply>(frame)) {
            Ok(reply) => client.on_sync_page(now, reply),
            Err(err) => {
                if client.log_enabled(2) {
                    tracing::warn!(code = err.code.0, message = %err.message, "message sync failed; retrying on the next link");
                }
            }
        }
    }

    fn on_failed(self: Box<Self>, _client: &mut Client, _err: ChatError) {}

    fn on_timeout(self: Box<Self>, client: &mut Client, now: Instant, _: ChatError, _: bool) {
        client.start_sync(now);
    }
}
