//! `getMessageList`: a C2C conversation's history, page by page
//! (`openim.getroammsg`), merged with what this instance holds, each
//! server page followed by `openim.get_peer_read_time`.
//!
//! Paging follows the official SDK: the first page asks with `MsgKey: ""`
//! and `LastMsgTime: 0`; the next one (`next_req_message_id` = the oldest
//! message of the previous result) sends back the previous reply's cursor
//! unchanged. Pages are oldest first. Once the server has covered a stretch
//! of history, pages within it are served from memory without a request
//! (as the official SDK serves a repeated first page). History messages do
//! not emit MESSAGE_RECEIVED and do not count as unread.

use std::collections::HashSet;
use std::time::Instant;

use super::cache::{HistoryState, Order};
use super::request::Call;
use super::{Client, RequestId};
use crate::error::{ChatError, ErrorCode};
use crate::model::{Message, MessageListResult};
use crate::proto::msgops::{PeerReadTimeReply, PeerReadTimeRequest, RoamReply, RoamRequest};
use crate::types::Flow;
use crate::wire::{servcmd, Frame};

/// A `getroammsg` page in flight.
#[derive(Debug, Clone)]
pub(crate) struct RoamCall {
    conversation_id: String,
    peer: String,
    /// Only messages older than this one (the `next_req_message_id`
    /// message: its place, ID and time); `None` for the first page.
    before: Option<(Order, String, u64)>,
}

/// A page waiting for the peer's read time.
#[derive(Debug, Clone)]
pub(crate) struct PeerReadCall {
    conversation_id: String,
    result: MessageListResult,
}

impl Client {
    /// Messages per `get_message_list` page (`MaxCnt`, as the official SDK).
    pub const MESSAGE_PAGE: usize = 15;

    /// `getMessageList({conversationID, nextReqMessageID})`: the newest page
    /// of a C2C conversation (`next_req_message_id` `None`), or the page
    /// before the message a previous result named. Completes with
    /// the page. For a `GROUP<id>` conversation the pages come from the
    /// group's history by sequence (`group_msg_get`; docs/GROUPS.md);
    /// an `AVChatRoom` has no history, so its pages are the messages this
    /// instance holds, with no request (docs/GROUPS.md, "AVChatRoom").
    pub fn get_message_list(
        &mut self,
        now: Instant,
        conversation_id: &str,
        next_req_message_id: Option<&str>,
    ) -> Result<RequestId<MessageListResult>, ChatError> {
        const API: &str = "getMessageList";
        self.require_ready(API)?;
        if let Some(group_id) = super::conv_list::group_of(conversation_id) {
            return self.get_group_message_list(now, group_id, next_req_message_id);
        }
        let peer = self.check_conversation_id(API, conversation_id)?;
        let owner = self.current_user();
        let before = match next_req_message_id.filter(|s| !s.is_empty()) {
            None => None,
            Some(next) => match self.messages.get(&owner, next) {
                Some(m) if m.conversation_id == conversation_id => Some(m.clone()),
                _ => {
                    return Err(self.api_error(
                        ErrorCode::INVALID_OPERATION,
                        format!(
                            "{API}: nextReqMessageID {next:?} is not a message of {conversation_id} this SDK holds"
                        ),
                    ))
                }
            },
        };
        let bound = before.as_ref().and_then(|m| {
            self.messages
                .order_of(&owner, &m.id)
                .map(|o| (o, m.id.clone(), m.time))
        });
        let history = self.messages.history(&owner, conversation_id).cloned();
        if let Some(result) = history.as_ref().and_then(|h| {
            self.page_from_memory(&owner, conversation_id, h, bound.as_ref().map(|b| &b.0))
        }) {
            let id = self.next_request_id();
            self.complete(id, Ok(result));
            return Ok(id);
        }
        self.check_capacity()?;
        let (msg_key, last_msg_time) = match &before {
            None => (String::new(), 0),
            Some(m) => match history.and_then(|h| h.cursor) {
                Some((key, time, of)) if of == m.id => (key, time),
                _ => (m.msg_key(), m.time),
            },
        };
        let body = RoamRequest {
            peer_account: peer.clone(),
            max_cnt: Self::MESSAGE_PAGE as u32,
            last_msg_time,
            msg_key,
            with_recalled_msg: 1,
            get_direction: 0,
        };
        let call = RoamCall {
            conversation_id: conversation_id.to_owned(),
            peer,
            before: bound,
        };
        Ok(self.enqueue_command(now, servcmd::GET_ROAM, &body, |id| {
            Call::query(
                id,
                move |client: &mut Client, now, id, status, frame: &Frame| {
                    client.on_roam_reply(now, id, call, frame, status);
                },
            )
        }))
    }

    /// A page from held messages, when they are known to be the full history
    /// there: a full page inside the stretch the server covered, or what is
    /// left of a complete history.
    fn page_from_memory(
        &self,
        owner: &str,
        conversation_id: &str,
        history: &HistoryState,
        before: Option<&Order>,
    ) -> Option<MessageListResult> {
        let covered: Vec<&Message> = self
            .messages
            .entries_in(owner, conversation_id)
            .filter(|(o, _)| before.is_none_or(|b| o < b))
            .filter(|(o, _)| history.complete || history.oldest.is_some_and(|old| *o >= old))
            .map(|(_, m)| m)
            .collect();
        let more_held_below = covered.len() > Self::MESSAGE_PAGE;
        let enough = covered.len() >= Self::MESSAGE_PAGE;
        if !(enough || history.complete) {
            return None;
        }
        let page: Vec<Message> = covered
            .iter()
            .skip(covered.len().saturating_sub(Self::MESSAGE_PAGE))
            .map(|m| (*m).clone())
            .collect();
        let is_completed = history.complete && !more_held_below;
        Some(MessageListResult {
            next_req_message_id: if is_completed {
                String::new()
            } else {
                page.first().map(|m| m.id.clone()).unwrap_or_default()
            },
            message_list: page,
            is_completed,
        })
    }

    pub(crate) fn on_roam_reply(
        &mut self,
        now: Instant,
        id: RequestId<MessageListResult>,
        call: RoamCall,
        frame: &Frame,
        result: Result<(), ChatError>,
    ) {
        let reply = match result.and_then(|()| Self::reply_body::<RoamReply>(frame)) {
            Ok(r) => r,
            Err(err) => {
                self.complete(id, Err(err));
                return;
            }
        };
        let complete = reply.complete == 1;
        if reply.msg_list.is_empty() && !complete {
            // The official SDK fails a reply without `MsgList` with 2903 too;
            // an empty page that is not the end could only loop.
            self.complete(
                id,
                Err(ChatError::new(
                    ErrorCode::UNCAUGHT_ERROR,
                    "getroammsg reply has no messages and is not complete",
                )),
            );
            return;
        }
        let owner = self.current_user();
        // The server's page, oldest first (its order within a second is
        // kept), without what is not of this conversation or not older than
        // the message paged from.
        let mut page: Vec<Message> = Vec::with_capacity(reply.msg_list.len());
        let mut in_page: HashSet<String> = HashSet::with_capacity(reply.msg_list.len());
        for w in &reply.msg_list {
            let m = self.wire_to_message(w);
            let older = call
                .before
                .as_ref()
                .is_none_or(|(_, id, time)| m.id != *id && m.time <= *time);
            if m.conversation_id == call.conversation_id && older && in_page.insert(m.id.clone()) {
                page.push(m);
            }
        }
        page.sort_by_key(|m| m.time);
        for m in &mut page {
            *m = self.merge_history_message(&owner, m);
        }
        self.messages.insert_history(&owner, &page);
        // Each page message with its place (one the bound evicted at once
        // sorts by its position in the page).
        let placed: Vec<(Order, Message)> = page
            .into_iter()
            .enumerate()
            .map(|(i, m)| {
                let o = self
                    .messages
                    .order_of(&owner, &m.id)
                    .unwrap_or((m.time, i64::MIN + i as i64));
                (o, m)
            })
            .collect();
        let page_oldest = placed.iter().map(|(o, _)| *o).min();
        let old = self
            .messages
            .history(&owner, &call.conversation_id)
            .cloned()
            .unwrap_or_default();
        let oldest = match (old.oldest, page_oldest) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let cursor = placed
            .first()
            .map(|(_, m)| (reply.msg_key.clone(), reply.last_msg_time, m.id.clone()));
        self.messages.set_history(
            &owner,
            &call.conversation_id,
            HistoryState {
                complete: complete || old.complete,
                oldest,
                cursor: cursor.or(old.cursor),
            },
        );
        // The page, plus what is held in the stretch it covers.
        let mut list = placed;
        let lower = if complete { None } else { page_oldest };
        for (o, m) in self.messages.entries_in(&owner, &call.conversation_id) {
            let inside =
                call.before.as_ref().is_none_or(|(b, ..)| o < *b) && lower.is_none_or(|l| o >= l);
            if inside && !in_page.contains(&m.id) {
                list.push((o, m.clone()));
            }
        }
        list.sort_by_key(|(o, _)| *o);
        let list: Vec<Message> = list.into_iter().map(|(_, m)| m).collect();
        let result = MessageListResult {
            next_req_message_id: if complete {
                String::new()
            } else {
                list.first().map(|m| m.id.clone()).unwrap_or_default()
            },
            message_list: list,
            is_completed: complete,
        };
        let body = PeerReadTimeRequest {
            to_account: vec![call.peer],
        };
        let timeout = self.ctx.tuning().request_timeout;
        let next = PeerReadCall {
            conversation_id: call.conversation_id,
            result,
        };
        self.enqueue(
            now,
            servcmd::GET_PEER_READ_TIME,
            &body,
            timeout,
            Call::query(
                id,
                move |client: &mut Client, _, id, status, frame: &Frame| {
                    client.on_peer_read_time_reply(id, next, frame, status);
                },
            ),
        );
    }

    /// A history message: the held copy, updated with what the server
    /// knows better (revoked, a newer version, a read receipt), or the
    /// server's copy when none is held.
    fn merge_history_message(&mut self, owner: &str, m: &Message) -> Message {
        match self.messages.get(owner, &m.id).cloned() {
            None => m.clone(),
            Some(held) => {
                let receipt =
                    m.read_receipt_info.is_peer_read && !held.read_receipt_info.is_peer_read;
                let newer_state = held.is_behind(m);
                if !(newer_state || receipt) {
                    return held;
                }
                let server = m.clone();
                self.change_message(owner, &m.id, move |h| {
                    h.adopt_newer_state(&server);
                    if receipt {
                        h.read_receipt_info.is_peer_read = true;
                    }
                })
                .unwrap_or(held)
            }
        }
    }

    pub(crate) fn on_peer_read_time_reply(
        &mut self,
        id: RequestId<MessageListResult>,
        call: PeerReadCall,
        frame: &Frame,
        result: Result<(), ChatError>,
    ) {
        let PeerReadCall {
            conversation_id,
            result: mut page,
        } = call;
        match result.and_then(|()| Self::reply_body::<PeerReadTimeReply>(frame)) {
            Ok(reply) => {
                let read_time = reply.read_time.first().copied().unwrap_or(0);
                if read_time > 0 {
                    self.mark_peer_read_up_to(&conversation_id, read_time);
                    for m in &mut page.message_list {
                        if m.flow == Flow::Out && m.time <= read_time {
                            m.is_peer_read = true;
                        }
                    }
                }
            }
            Err(err) => {
                // The page stands without it.
                if self.log_enabled(2) {
                    tracing::warn!(code = err.code.0, message = %err.message, "get_peer_read_time failed");
                }
            }
        }
        self.complete(id, Ok(page));
    }

    /// The peer read this user's messages up to `read_time` (learned from
    /// `get_peer_read_time`): held outgoing messages become `is_peer_read`,
    /// without an event (MESSAGE_READ_BY_PEER comes from the push).
    fn mark_peer_read_up_to(&mut self, conversation_id: &str, read_time: u64) {
        let owner = self.current_user();
        let ids: Vec<String> = self
            .messages
            .messages_in(&owner, conversation_id)
            .filter(|m| m.flow == Flow::Out && !m.is_peer_read && m.time <= read_time)
            .map(|m| m.id.clone())
            .collect();
        for id in ids {
            self.change_message(&owner, &id, |m| m.is_peer_read = true);
        }
    }
}
