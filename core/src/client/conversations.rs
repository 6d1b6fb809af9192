//! The conversation list and unread counts: what they hold, how messages,
//! the login sync and the server's pushes change them, and how the changes
//! become events.
//!
//! Sources, in the official SDK's terms (messages-facts §1, §4, §6;
//! protocol-facts §6):
//! - `recentcontact.page_get` at every login and re-login (paged by
//!   `CompleteFlag`): the list as the server holds it; conversations it no
//!   longer lists go (unless something happened to them meanwhile). Its C2C
//!   unread counts are ignored, as the official SDK does.
//! - getmsg's `C2CPairUnreadCount`, on the first final page after a login or
//!   re-login: the authoritative unread counts (a peer absent has 0),
//!   applied after that page's messages.
//! - The message code's hooks: messages received, synced or sent; revoked,
//!   modified, deleted; a conversation read here or on another instance;
//!   read by the peer.
//! - Event 11 `RecentContactMod` pushes (another instance of this user
//!   deleted, pinned, marked or grouped conversations).
//!
//! Events are coalesced: handling an input only marks what changed; the
//! next [`Client::poll_event`] emits at most one of each
//! CONVERSATION_GROUP_LIST_UPDATED, CONVERSATION_IN_GROUP_UPDATED per
//! group, TOTAL_UNREAD_MESSAGE_COUNT_UPDATED and CONVERSATION_LIST_UPDATED,
//! after the events of that input, and only when the data differs from
//! what was last emitted (docs/CONVERSATIONS.md says why).
//!
//! The data, its bounds and the logic that changes it are in `conv_list/`;
//! this module routes the client's inputs there and sends the requests.

use std::time::Instant;

use super::cache::HistoryState;
pub(crate) use super::conv_list::{c2c_peer, valid_peer, Conversations};
use super::request::Request;
use super::session::Session;
use super::Client;
use crate::model::{c2c_id, group_conversation_id, Message};
use crate::proto::config::parse_bit_string;
use crate::proto::contact::{
    PageGetReply, PageGetRequest, PairUnreadCount, RecentContactMod, UserContactItem,
};
use crate::wire::servcmd;

/// The cursors of a `page_get` request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct PageCursor {
    time_stamp: u64,
    start_index: u64,
    top_time_stamp: u64,
    top_start_index: u64,
}

impl Client {
    // ----- hooks of the message code ---------------------------------------

    /// Messages were added to what this instance holds for the current user
    /// (received by push or sync, or sent successfully), in order. Not for
    /// history pages (`get_message_list`): those are old, and would count
    /// as unread.
    pub(super) fn conv_messages_added(&mut self, messages: &[Message]) {
        if !matches!(self.session, Session::Ready(_)) {
            return;
        }
        let me = self.current_user();
        self.convs.messages_added(messages, &me);
    }

    /// A message already held changed (revoked, modified, deleted, read or
    /// peer-read).
    pub(super) fn conv_message_changed(&mut self, message: &Message) {
        if !matches!(self.session, Session::Ready(_)) {
            return;
        }
        let me = self.current_user();
        let held = self.messages.messages_in(&me, &message.conversation_id);
        self.convs.message_changed(message, &me, held);
    }

    /// The peer revoked a message of `conversation_id` that this instance
    /// may not have counted itself: one it does not hold (delivered before
    /// this login, or to another instance), or one it holds (counted if it
    /// arrived live, never if it came from history). A counted one it
    /// tracks is uncounted. Otherwise, when
    /// the count includes messages this instance never saw (the login's
    /// `C2CPairUnreadCount`), the revoked one may be among them or not
    /// (it may be older than the read time, which only the server knows):
    /// the server is asked again, by a getmsg whose final page carries the
    /// counts (found by the simulation, seed 1433 of profile `messages`).
    /// That reply comes after the revoke's push, so it counts without it.
    pub(super) fn conv_peer_revoked(&mut self, now: Instant, conversation_id: &str, id: &str) {
        if !matches!(self.session, Session::Ready(_)) {
            return;
        }
        if self.convs.peer_revoked(conversation_id, id) {
            self.start_sync(now);
        }
    }

    /// This user read `conversation_id` up to `read_time` (Unix seconds):
    /// on the reply to its own read report, or when another instance
    /// reports it (`ReadC2cMsgNotify`). Unread becomes the count of tracked
    /// unread messages newer than that (normally 0).
    pub(super) fn conv_read(&mut self, conversation_id: &str, read_time: u64) {
        self.convs.mark_read(conversation_id, read_time);
    }

    /// The peer read this user's messages in `conversation_id` up to
    /// `peer_read_time` (`C2cReadedReceipt`).
    pub(super) fn conv_peer_read(&mut self, conversation_id: &str, peer_read_time: u64) {
        let me = self.current_user();
        self.convs
            .mark_peer_read(conversation_id, peer_read_time, &me);
    }

    // ----- the login sync ----------------------------------------------------

    /// The session is live (login or re-login): sync the list, fetch the
    /// purchase bits (which then fetch the groups), and take the unread
    /// counts from the next final getmsg page.
    pub(super) fn conv_session_live(&mut self, now: Instant) {
        self.convs.expect_unread_counts();
        // A sync request still pending from before (its link died) is
        // resent now, as this login's sync: it gets a whole timeout again.
        // Otherwise the time spent reconnecting could expire it just before
        // its reply, and the list would stay unsynced until the next login
        // (found by the simulation, seed 6070 of profile `messages`).
        let deadline = now + self.ctx.tuning().request_timeout;
        for p in self.requests.iter_mut() {
            if p.purpose.is_login_sync() {
                p.deadline = p.deadline.max(deadline);
            }
        }
        if !self.requests.has::<ConvPage>() {
            self.convs.begin_list_sync();
            self.request_conv_page(now, PageCursor::default());
        }
        self.groups_session_live(now);
        self.relations_session_live(now);
        self.presence_session_live(now);
        self.fetch_features(now);
    }

    fn request_conv_page(&mut self, now: Instant, cursor: PageCursor) {
        let body = PageGetRequest {
            from_account: self.current_user(),
            time_stamp: cursor.time_stamp,
            start_index: cursor.start_index,
            top_time_stamp: cursor.top_time_stamp,
            top_start_index: cursor.top_start_index,
        };
        let timeout = self.ctx.tuning().request_timeout;
        self.enqueue(
            now,
            servcmd::CONV_PAGE_GET,
            &body,
            timeout,
            ConvPage(cursor),
        );
    }

    /// A `page_get` reply.
    pub(super) fn on_conv_page(
        &mut self,
        now: Instant,
        sent: PageCursor,
        reply: Result<PageGetReply, crate::ChatError>,
    ) {
        let reply = match reply {
            Ok(r) => r,
            Err(err) => {
                if self.log_enabled(2) {
                    tracing::warn!(code = err.code.0, message = %err.message, "conversation list sync failed; retrying at the next login");
                }
                self.convs.abort_list_sync();
                return;
            }
        };
        let me = self.current_user();
        let pages = self.convs.list_page(&reply.session_item, &me);
        let next = PageCursor {
            time_stamp: reply.time_stamp,
            start_index: reply.start_index,
            top_time_stamp: reply.top_time_stamp,
            top_start_index: reply.top_start_index,
        };
        // Like the official SDK, page on until CompleteFlag; unlike it, not
        // forever: a cursor that does not move, or too many pages, ends it.
        if reply.complete_flag != 1 && next != sent && pages < Conversations::MAX_PAGES {
            self.request_conv_page(now, next);
            return;
        }
        self.convs.finish_list_sync();
    }

    /// A getmsg page was handled (its messages included). On the first
    /// final page after a login or re-login, `C2CPairUnreadCount` sets every
    /// C2C unread count (a peer it does not list has none).
    pub(super) fn conv_sync_page(&mut self, unread: &[PairUnreadCount], done: bool) {
        self.convs.sync_page_counts(unread, done);
    }

    // ----- pushes --------------------------------------------------------------

    /// Event 11 `RecentContactMod`: another instance of this user changed
    /// conversations (PushType 1 delete, 2 pin, 3 unpin, 4 mark, 5–7
    /// conversation groups).
    pub(super) fn conv_on_recent_contact_mod(&mut self, items: &[RecentContactMod]) {
        if !matches!(self.session, Session::Ready(_)) {
            return;
        }
        for item in items {
            match item.push_type {
                1 => {
                    for c in item.delete_item.iter().flat_map(|d| &d.recent_contact_list) {
                        if let Some(id) = listed_contact(c) {
                            self.conv_deleted(&id);
                        }
                    }
                }
                2 | 3 => {
                    let pinned = item.push_type == 2;
                    for c in item.top_item.iter().flat_map(|d| &d.recent_contact_list) {
                        if let Some(id) = listed_contact(c) {
                            self.convs.set_pinned(&id, pinned);
                        }
                    }
                }
                4 => {
                    for m in item.mark_contact.iter().flat_map(|m| &m.items) {
                        let Some(id) = user_contact(m.contact.kind, &m.contact.to_account) else {
                            continue;
                        };
                        if m.opt_type & 1 == 0 {
                            continue; // A custom mark only.
                        }
                        if let Some(bits) = parse_bit_string(&m.standard_mark) {
                            self.convs.set_marks(&id, bits);
                        }
                    }
                }
                5..=7 => self.convs.apply_groups_push(item),
                _ => {
                    if self.log_enabled(0) {
                        tracing::debug!(
                            push_type = item.push_type,
                            "ignoring an unknown RecentContactMod"
                        );
                    }
                }
            }
        }
    }

    /// A conversation was deleted (here, or by another instance): it leaves
    /// the list, and its held messages go with it, as its history did on
    /// the server (`ClearRamble: 1`); `get_message_list` then asks the
    /// server again. Dedup records stay, so nothing is delivered twice.
    pub(super) fn conv_deleted(&mut self, conversation_id: &str) {
        self.convs.remove(conversation_id);
        if let Some(group_id) = super::conv_list::group_of(conversation_id) {
            // The server reads a deleted group conversation up to its
            // newest sequence.
            let newest = self
                .groups
                .get(group_id)
                .map_or(0, |g| g.next_message_seq.saturating_sub(1));
            self.groups.set_read_seq(group_id, newest);
        }
        let owner = self.current_user();
        let held: Vec<String> = self
            .messages
            .messages_in(&owner, conversation_id)
            .map(|m| m.id.clone())
            .collect();
        for id in held {
            self.messages.remove(&owner, &id);
        }
        self.messages
            .set_history(&owner, conversation_id, HistoryState::default());
    }

    // ----- events ----------------------------------------------------------

    /// Emit what changed since the last call: CONVERSATION_GROUP_LIST_UPDATED,
    /// CONVERSATION_IN_GROUP_UPDATED (per group), TOTAL_UNREAD_MESSAGE_COUNT_UPDATED
    /// and CONVERSATION_LIST_UPDATED, each only if its data differs from
    /// what was last emitted.
    pub(super) fn flush_conv_events(&mut self) {
        self.refresh_conversation_profiles();
        let ready = matches!(self.session, Session::Ready(_));
        let out = &mut self.out;
        self.convs.flush_events(ready, |event| out.emit(event));
    }

    /// The session ended: forget everything (the next login starts over).
    pub(super) fn conv_reset(&mut self) {
        self.convs = Conversations::default();
        self.groups_reset();
        self.relations_reset();
        self.presence_reset();
        self.reset_features();
    }
}

/// The conversation ID of a push's `{Type, UserId}` (C2C only).
fn user_contact(kind: u8, user: &str) -> Option<String> {
    (kind == 1 && valid_peer(user)).then(|| c2c_id(user))
}

/// The conversation ID of a delete or pin push's item: `{Type: 1, UserId}`
/// or `{Type: 2, GroupId}`.
fn listed_contact(c: &UserContactItem) -> Option<String> {
    match c.kind {
        2 => valid_peer(&c.group_id).then(|| group_conversation_id(&c.group_id)),
        kind => user_contact(kind, &c.user_id),
    }
}

/// A page of `recentcontact.page_get`, sent with this cursor: the SDK's own
/// list sync at login.
#[derive(Debug)]
struct ConvPage(PageCursor);

impl Request for ConvPage {
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
        status: Result<(), crate::ChatError>,
        frame: &crate::wire::Frame,
    ) {
        let reply = super::conv_api::parse_reply::<PageGetReply>(status, frame);
        client.on_conv_page(now, self.0, reply);
    }

    /// A failed sync is retried at the next login.
    fn on_failed(self: Box<Self>, client: &mut Client, err: crate::ChatError) {
        if client.log_enabled(2) {
            tracing::warn!(code = err.code.0, message = %err.message, "a conversation sync request failed");
        }
        client.convs.abort_list_sync();
    }
}
