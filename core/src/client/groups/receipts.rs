//! Group read receipts: `sendMessageReadReceipt` for group messages
//! (`group_msg_receipt {GroupId, MsgSeqList}`, verified with the official
//! SDK), `getMessageReadReceiptList` for group messages
//! (`get_group_msg_receipt`, the totals per message, verified with the
//! official SDK) and `getGroupMessageReadMemberList`
//! (`get_group_msg_receipt_detail`, one page of readers or non-readers).
//! The sender learns the new totals from the Event 5 `GroupMsgReceiptList`
//! push (`push.rs`).

use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::super::conv_api::parse_reply;
use super::super::request::{Call, RequestId};
use super::super::Client;
use crate::error::{ChatError, ErrorCode};
use crate::model::Message;
use crate::proto::group::cmd;
use crate::proto::group_msg::{
    GetGroupMsgReceiptReply, GroupMsgReceiptDetailReply, GroupMsgReceiptDetailRequest,
    GroupMsgReceiptRequest, MsgSeqItem,
};
use crate::types::{ConversationType, Flow};
use crate::wire::Frame;

/// What `get_group_message_read_member_list` resolves with: one page of
/// the members who read (or did not read) a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GroupMessageReadMembers {
    /// `messageID`.
    #[serde(rename = "messageID")]
    pub message_id: String,
    /// `readUserIDList` or `unreadUserIDList`, as asked.
    #[serde(rename = "userIDList")]
    pub user_id_list: Vec<String>,
    /// Pass it back for the next page.
    pub cursor: String,
    /// No page follows.
    pub is_completed: bool,
}

impl Client {
    /// `sendMessageReadReceipt` for messages of one group (the caller saw
    /// the first is a group message).
    pub(in crate::client) fn send_group_read_receipt(
        &mut self,
        now: Instant,
        messages: &[Message],
    ) -> Result<RequestId<()>, ChatError> {
        const API: &str = "sendMessageReadReceipt";
        self.require_ready(API)?;
        if messages.is_empty() || messages.len() > Self::MAX_RECEIPT_MESSAGES {
            return Err(self.api_error(
                ErrorCode::INVALID_OPERATION,
                format!("{API}: give 1 to {} messages", Self::MAX_RECEIPT_MESSAGES),
            ));
        }
        let owner = self.current_user();
        let mut held = Vec::with_capacity(messages.len());
        for m in messages {
            match self.messages.get(&owner, &m.id) {
                Some(h) if h.conversation_type == ConversationType::Group => held.push(h.clone()),
                Some(_) => {
                    return Err(self.api_error(
                        ErrorCode::INVALID_OPERATION,
                        format!("{API}: group and other messages mixed"),
                    ))
                }
                None => {
                    return Err(self.api_error(
                        ErrorCode::MSG_INSTANCE_REQUIRED,
                        format!("{API}: message {:?} is not one this SDK holds", m.id),
                    ))
                }
            }
        }
        let wanted: Vec<&Message> = held
            .iter()
            .filter(|m| m.flow == Flow::In && m.need_read_receipt && m.sequence > 0)
            .collect();
        let Some(first) = wanted.first() else {
            return Err(self.api_error(
                ErrorCode::READ_RECEIPT_MSG_LIST_EMPTY,
                format!("{API}: no incoming message here asked for a read receipt"),
            ));
        };
        let group_id = first.to.clone();
        if wanted.iter().any(|m| m.to != group_id) {
            return Err(self.api_error(
                ErrorCode::INVALID_OPERATION,
                format!("{API}: the messages belong to more than one group"),
            ));
        }
        self.check_capacity()?;
        let body = GroupMsgReceiptRequest {
            group_id,
            msg_seq_list: wanted
                .iter()
                .map(|m| MsgSeqItem {
                    msg_seq: m.sequence,
                })
                .collect(),
        };
        Ok(self.enqueue_command(now, cmd::MSG_RECEIPT, &body, |id| {
            Call::change(id, |client: &mut Client, _, id, status, _: &Frame| {
                client.complete(id, status);
            })
        }))
    }

    /// `getMessageReadReceiptList` for group messages (the caller saw one):
    /// every message must be a held message of the same group. This user's
    /// messages sent with `need_read_receipt` are asked for; the reply's
    /// totals (items with the asked `MsgSeq` and `Code: 0`) go into their
    /// `read_receipt_info` and into the held copies.
    pub(in crate::client) fn get_group_read_receipt_list(
        &mut self,
        now: Instant,
        messages: &[Message],
    ) -> Result<RequestId<Vec<Message>>, ChatError> {
        const API: &str = "getMessageReadReceiptList";
        self.require_ready(API)?;
        if messages.is_empty() || messages.len() > Self::MAX_RECEIPT_MESSAGES {
            return Err(self.api_error(
                ErrorCode::INVALID_OPERATION,
                format!("{API}: give 1 to {} messages", Self::MAX_RECEIPT_MESSAGES),
            ));
        }
        let owner = self.current_user();
        let mut held = Vec::with_capacity(messages.len());
        for m in messages {
            match self.messages.get(&owner, &m.id) {
                Some(h) if h.conversation_type == ConversationType::Group => held.push(h.clone()),
                Some(_) => {
                    return Err(self.api_error(
                        ErrorCode::INVALID_OPERATION,
                        format!("{API}: group and other messages mixed"),
                    ))
                }
                None => {
                    return Err(self.api_error(
                        ErrorCode::MSG_INSTANCE_REQUIRED,
                        format!("{API}: message {:?} is not one this SDK holds", m.id),
                    ))
                }
            }
        }
        let group_id = held[0].to.clone();
        if held.iter().any(|m| m.to != group_id) {
            return Err(self.api_error(
                ErrorCode::INVALID_OPERATION,
                format!("{API}: the messages belong to more than one group"),
            ));
        }
        let asked: Vec<u64> = held
            .iter()
            .filter(|m| m.flow == Flow::Out && m.need_read_receipt && m.sequence > 0)
            .map(|m| m.sequence)
            .collect();
        if asked.is_empty() {
            let id = self.next_request_id();
            self.complete(id, Ok(held));
            return Ok(id);
        }
        self.check_capacity()?;
        let body = GroupMsgReceiptRequest {
            group_id,
            msg_seq_list: asked
                .iter()
                .map(|&msg_seq| MsgSeqItem { msg_seq })
                .collect(),
        };
        Ok(
            self.enqueue_command(now, cmd::GET_MSG_RECEIPT, &body, |id| {
                Call::query(
                    id,
                    move |client: &mut Client, _, id, status, frame: &Frame| {
                        let outcome = parse_reply::<GetGroupMsgReceiptReply>(status, frame)
                            .map(|r| client.apply_receipt_counts(held, &asked, &r));
                        client.complete(id, outcome);
                    },
                )
            }),
        )
    }

    /// Put the totals of `reply` (items for an asked sequence with
    /// `Code: 0`) into `messages` and their held copies.
    fn apply_receipt_counts(
        &mut self,
        mut messages: Vec<Message>,
        asked: &[u64],
        reply: &GetGroupMsgReceiptReply,
    ) -> Vec<Message> {
        let owner = self.current_user();
        for m in &mut messages {
            let Some(item) = reply
                .group_msg_receipt_list
                .iter()
                .find(|i| i.code == 0 && i.msg_seq == m.sequence && asked.contains(&i.msg_seq))
            else {
                continue;
            };
            m.read_receipt_info.read_count = item.read_num;
            m.read_receipt_info.unread_count = item.unread_num;
            self.change_message(&owner, &m.id, |held| {
                held.read_receipt_info.read_count = item.read_num;
                held.read_receipt_info.unread_count = item.unread_num;
            });
        }
        messages
    }

    /// `getGroupMessageReadMemberList({message, filter, cursor, count})`:
    /// one page (`count` 1–100) of the members who read (`read` true) or
    /// did not read a group message this instance holds; start with an
    /// empty `cursor` and pass the result's back. Fails with 2106 for a
    /// message that is not a group's, 2105 for one not held.
    pub fn get_group_message_read_member_list(
        &mut self,
        now: Instant,
        message: &Message,
        read: bool,
        cursor: &str,
        count: u64,
    ) -> Result<RequestId<GroupMessageReadMembers>, ChatError> {
        const API: &str = "getGroupMessageReadMemberList";
        self.require_ready(API)?;
        let owner = self.current_user();
        let Some(held) = self.messages.get(&owner, &message.id).cloned() else {
            return Err(self.api_error(
                ErrorCode::MSG_INSTANCE_REQUIRED,
                format!("{API}: message {:?} is not one this SDK holds", message.id),
            ));
        };
        if held.conversation_type != ConversationType::Group || held.sequence == 0 {
            return Err(self.api_error(
                ErrorCode::MSG_INVALID_CONV_TYPE,
                format!("{API}: only sent group messages have group receipts"),
            ));
        }
        self.check_capacity()?;
        let body = GroupMsgReceiptDetailRequest {
            group_id: held.to.clone(),
            msg_seq: held.sequence,
            flag: u8::from(!read),
            cursor: cursor.to_owned(),
            num: count.clamp(1, 100),
        };
        let message_id = held.id;
        Ok(
            self.enqueue_command(now, cmd::GET_MSG_RECEIPT_DETAIL, &body, |id| {
                Call::query(
                    id,
                    move |client: &mut Client, _, id, status, frame: &Frame| {
                        let outcome =
                            parse_reply::<GroupMsgReceiptDetailReply>(status, frame).map(|r| {
                                let user_id_list = if read {
                                    r.read_list.into_iter().map(|a| a.read_account).collect()
                                } else {
                                    r.unread_list
                                        .into_iter()
                                        .map(|a| a.unread_account)
                                        .collect()
                                };
                                GroupMessageReadMembers {
                                    message_id,
                                    user_id_list,
                                    cursor: r.cursor,
                                    is_completed: r.is_finish == 1,
                                }
                            });
                        client.complete(id, outcome);
                    },
                )
            }),
        )
    }
}
