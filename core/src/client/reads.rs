//! The C2C read report (`openim.msgreaded`, `setMessageRead`) and the
//! pushes about reads: `C2cReadedReceipt` (MESSAGE_READ_BY_PEER) and
//! `ReadC2cMsgNotify` (read on another instance of this user).

use std::time::Instant;

use super::request::Call;
use super::{Client, RequestId};
use crate::error::ChatError;
use crate::event::Event;
use crate::model::c2c_id;
use crate::proto::msgops::{
    C2cMsgReaded, C2cMsgReadedItem, MsgReadedRequest, ReadSyncNotify, ReadedReceiptNotify,
};
use crate::types::Flow;
use crate::wire::{servcmd, Frame};

impl Client {
    /// `setMessageRead({conversationID})`: report a C2C conversation read up
    /// to its newest message (`LastedMsgTime`: the newer of the newest
    /// message held and the conversation list's last message; the server
    /// time now only when neither is known), with `Receipt: 1` so the peer
    /// gets MESSAGE_READ_BY_PEER. On the reply the held incoming messages up
    /// to that time become `is_read`. Completes with `()`.
    ///
    /// For a `GROUP<id>` conversation: `msg_read_report` up to the newest
    /// group sequence known here; on the reply its unread count is 0 and
    /// the group's `selfInfo.readedSequence` follows (docs/GROUPS.md).
    pub fn set_message_read(
        &mut self,
        now: Instant,
        conversation_id: &str,
    ) -> Result<RequestId<()>, ChatError> {
        const API: &str = "setMessageRead";
        self.require_ready(API)?;
        if let Some(group_id) = super::conv_list::group_of(conversation_id) {
            self.check_capacity()?;
            return self.set_group_message_read(now, group_id);
        }
        let peer = self.check_conversation_id(API, conversation_id)?;
        self.check_capacity()?;
        let owner = self.current_user();
        // The newest message's server time: the newer of what is held and
        // the conversation list's last message (from `page_get`, which is
        // all a new login knows before it holds anything); the clock only
        // when neither knows one.
        // A guess from the clock could fall behind the server's read time
        // after a clock jump, and the server keeps read times from going
        // back, so the local count would say 0 while the server's does not
        // (found by the simulation, seed 13638 of profile `messages`).
        let held = self
            .messages
            .newest_in(&owner, conversation_id)
            .map(|m| m.time)
            .unwrap_or(0);
        let listed = self.convs.last_time_of(conversation_id);
        let up_to = match held.max(listed) {
            0 => self.clock.server_secs(now),
            t => t,
        };
        let body = MsgReadedRequest {
            c2c_msg_readed: C2cMsgReaded {
                cookie: String::new(),
                c2c_msg_readed_item: vec![C2cMsgReadedItem {
                    to_account: peer,
                    lasted_msg_time: up_to,
                    receipt: 1,
                }],
            },
        };
        Ok(self.enqueue_command(now, servcmd::MSG_READED, &body, |id| {
            let conversation_id = conversation_id.to_owned();
            Call::change(id, move |client: &mut Client, _, id, status, _: &Frame| {
                client.on_read_report_reply(id, &conversation_id, up_to, status);
            })
        }))
    }

    pub(crate) fn on_read_report_reply(
        &mut self,
        id: RequestId<()>,
        conversation_id: &str,
        up_to: u64,
        result: Result<(), ChatError>,
    ) {
        if let Err(err) = result {
            self.complete(id, Err(err));
            return;
        }
        self.mark_read(conversation_id, up_to);
        self.complete(id, Ok(()));
    }

    /// The user read a conversation up to `up_to` (here or on another
    /// instance): held incoming messages up to then become `is_read`.
    fn mark_read(&mut self, conversation_id: &str, up_to: u64) {
        let owner = self.current_user();
        let ids: Vec<String> = self
            .messages
            .messages_in(&owner, conversation_id)
            .filter(|m| m.flow == Flow::In && !m.is_read && m.time <= up_to)
            .map(|m| m.id.clone())
            .collect();
        for id in ids {
            self.change_message(&owner, &id, |m| m.is_read = true);
        }
        self.conv_read(conversation_id, up_to);
    }

    /// `ReadC2cMsgNotify`: another instance of this user read conversations.
    pub(crate) fn on_read_sync_notify(&mut self, notify: &ReadSyncNotify) {
        for pair in &notify.uin_pair_read_array {
            if pair.from_account.is_empty() {
                continue;
            }
            let conv = c2c_id(&pair.from_account);
            self.mark_read(&conv, pair.last_read_time);
        }
    }

    /// `C2cReadedReceipt`: the peer `To_Account` read this user's messages
    /// up to `LastReadTime`: MESSAGE_READ_BY_PEER with each held outgoing
    /// message up to then that was not peer-read yet.
    pub(crate) fn on_readed_receipt(&mut self, notify: &ReadedReceiptNotify) {
        let Some(up_to) = notify
            .uin_pair_read_array
            .iter()
            .map(|p| p.last_read_time)
            .max()
        else {
            return;
        };
        if notify.to_account.is_empty() {
            return;
        }
        let owner = self.current_user();
        let conv = c2c_id(&notify.to_account);
        let ids: Vec<String> = self
            .messages
            .messages_in(&owner, &conv)
            .filter(|m| m.flow == Flow::Out && !m.is_peer_read && m.time <= up_to)
            .map(|m| m.id.clone())
            .collect();
        let mut read = Vec::with_capacity(ids.len());
        for id in ids {
            read.extend(self.change_message(&owner, &id, |m| m.is_peer_read = true));
        }
        self.conv_peer_read(&conv, up_to);
        if !read.is_empty() {
            self.emit(Event::MessageReadByPeer(read));
        }
    }
}
