//! Group read receipts: `group_msg_receipt`, `get_group_msg_receipt`,
//! `get_group_msg_receipt_detail`, and the notice 22 with the new totals
//! to the sender (PROTOCOL.md 8.6).

use tcchat_core::proto::group_msg::{
    event, notice_op, GetGroupMsgReceiptReply, GroupMsgReceiptDetailReply,
    GroupMsgReceiptDetailRequest, GroupMsgReceiptRequest, GroupTip, GroupWireMessage, MsgGroupInfo,
    ReadAccount, ReceiptCount, ReceiptCountItem, TipBody, UnreadAccount, SYSTEM_ACCOUNT,
};
use tcchat_core::proto::{BaseReply, PushEvent};
use tcchat_core::wire::Frame;

use super::super::notify::Notify;
use super::super::request::{check_len, refuse, Fail};
use super::super::{ConnId, Engine};
use super::GroupWrite;
use crate::bounds::MAX_ITEMS_PER_REQUEST;
use crate::codes;
use crate::store::{Change, GroupLogEntry, GroupRecord, LogKind, Store, StoreError};

/// Page of `get_group_msg_receipt_detail` when the request gives none, and
/// its most.
const DEFAULT_DETAIL_PAGE: u64 = 30;
const MAX_DETAIL_PAGE: u64 = 100;

/// Who read the message at `e` and who has not: the members whose
/// membership began at or before it, minus its sender.
struct Readers {
    read: Vec<String>,
    unread: Vec<String>,
}

impl<S: Store> Engine<S> {
    /// The message at `seq` of `g` that asked for receipts, if any.
    fn receipted(
        &mut self,
        app: u64,
        g: &GroupRecord,
        seq: u64,
    ) -> Result<Option<GroupLogEntry>, Fail> {
        if seq == 0 || seq >= g.next_seq {
            return Ok(None);
        }
        let entry = self
            .store
            .group_log(app, &g.id, seq, seq)?
            .into_iter()
            .next();
        Ok(entry.filter(|e| e.kind == LogKind::Message && e.need_receipt))
    }

    fn readers(&mut self, app: u64, g: &GroupRecord, e: &GroupLogEntry) -> Result<Readers, Fail> {
        let read = self.store.group_receipts(app, &g.id, e.seq)?;
        let unread = self
            .store
            .group_members(app, &g.id)?
            .into_iter()
            .filter(|m| m.join_seq <= e.seq && m.user != e.sender && !read.contains(&m.user))
            .map(|m| m.user)
            .collect();
        Ok(Readers { read, unread })
    }

    pub(super) fn on_group_receipt(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) {
        let Some((me, req)) =
            self.begin_change::<GroupMsgReceiptRequest>(unix_ms, conn, gzip, frame)
        else {
            return;
        };
        let result = (|| {
            check_len("MsgSeqList", &req.msg_seq_list, MAX_ITEMS_PER_REQUEST)?;
            let g = self.live_group(me.app, &req.group_id)?;
            let m = self.membership(me.app, &g.id, &me.user)?;
            let mut w = GroupWrite::default();
            // Per sender: the messages whose totals change.
            let mut counts: Vec<(String, ReceiptCount)> = Vec::new();
            for item in &req.msg_seq_list {
                let Some(e) = self.receipted(me.app, &g, item.msg_seq)? else {
                    continue;
                };
                if e.sender == me.user || e.seq < m.join_seq {
                    continue;
                }
                let r = self.readers(me.app, &g, &e)?;
                if r.read.contains(&me.user) {
                    continue;
                }
                w.change(Change::GroupReceipt {
                    group: g.id.clone(),
                    seq: e.seq,
                    reader: me.user.clone(),
                });
                let msg: GroupWireMessage = serde_json::from_str(&e.payload).map_err(|err| {
                    Fail::Store(StoreError::Corrupt(format!("group log entry: {err}")))
                })?;
                counts.push((
                    e.sender.clone(),
                    ReceiptCount {
                        tiny_id: msg.tiny_id,
                        msg_client_time: msg.msg_client_time,
                        msg_random: msg.msg_random,
                        msg_seq: e.seq,
                        read_num: r.read.len() as u64 + 1,
                        unread_num: r.unread.len().saturating_sub(1) as u64,
                    },
                ));
            }
            let time = unix_ms / 1000;
            let mut senders: Vec<String> = counts.iter().map(|(s, _)| s.clone()).collect();
            senders.sort();
            senders.dedup();
            for sender in senders {
                let list: Vec<ReceiptCount> = counts
                    .iter()
                    .filter(|(s, _)| *s == sender)
                    .map(|(_, c)| c.clone())
                    .collect();
                let tip = GroupTip {
                    from_account: SYSTEM_ACCOUNT.to_owned(),
                    to_group_id: g.id.clone(),
                    msg_seq: 0,
                    msg_random: 0,
                    msg_time_stamp: time,
                    msg_client_time: 0,
                    tiny_id: String::new(),
                    group_info: MsgGroupInfo {
                        group_id: g.id.clone(),
                        group_type: g.group_type.as_wire().to_owned(),
                        ..MsgGroupInfo::default()
                    },
                    msg_body: TipBody {
                        op_type: notice_op::RECEIPT,
                        group_msg_receipt_list: Some(list),
                        ..TipBody::default()
                    },
                };
                w.notices.push(Notify::new(
                    &sender,
                    PushEvent {
                        event: event::GROUP_SYSTEM,
                        group_tips: Some(vec![tip]),
                        ..PushEvent::default()
                    },
                ));
            }
            let (queued, fanout) = self.commit_group(&me, w)?;
            Ok((BaseReply::ok(), queued, fanout))
        })();
        self.finish_group(unix_ms, &me, conn, gzip, &frame.head, result);
    }

    pub(super) fn on_get_group_receipts(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) {
        let Some((me, req)) = self.begin::<GroupMsgReceiptRequest>(unix_ms, conn, gzip, frame)
        else {
            return;
        };
        let result = (|| {
            check_len("MsgSeqList", &req.msg_seq_list, MAX_ITEMS_PER_REQUEST)?;
            let g = self.live_group(me.app, &req.group_id)?;
            self.membership(me.app, &g.id, &me.user)?;
            let mut list = Vec::new();
            for item in &req.msg_seq_list {
                let counted = match self.receipted(me.app, &g, item.msg_seq)? {
                    Some(e) => {
                        let r = self.readers(me.app, &g, &e)?;
                        ReceiptCountItem {
                            msg_seq: item.msg_seq,
                            read_num: r.read.len() as u64,
                            unread_num: r.unread.len() as u64,
                            code: 0,
                        }
                    }
                    None => ReceiptCountItem {
                        msg_seq: item.msg_seq,
                        read_num: 0,
                        unread_num: 0,
                        code: codes::MESSAGE_NOT_FOUND,
                    },
                };
                list.push(counted);
            }
            Ok(GetGroupMsgReceiptReply {
                base: BaseReply::ok(),
                group_msg_receipt_list: list,
            })
        })();
        self.finish_query(conn, gzip, &frame.head, result);
    }

    pub(super) fn on_group_receipt_detail(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) {
        let Some((me, req)) =
            self.begin::<GroupMsgReceiptDetailRequest>(unix_ms, conn, gzip, frame)
        else {
            return;
        };
        let result = (|| {
            let g = self.live_group(me.app, &req.group_id)?;
            self.membership(me.app, &g.id, &me.user)?;
            let Some(e) = self.receipted(me.app, &g, req.msg_seq)? else {
                return refuse(
                    codes::MESSAGE_NOT_FOUND,
                    "no message with read receipts at this MsgSeq",
                );
            };
            let offset: usize = match req.cursor.as_str() {
                "" => 0,
                c => c
                    .parse()
                    .map_err(|_| Fail::Refuse(codes::INVALID_PARAMETER, "bad Cursor".into()))?,
            };
            let num = match req.num {
                0 => DEFAULT_DETAIL_PAGE,
                n => n.min(MAX_DETAIL_PAGE),
            } as usize;
            let r = self.readers(me.app, &g, &e)?;
            let all = match req.flag {
                0 => r.read,
                1 => r.unread,
                _ => {
                    return refuse(
                        codes::INVALID_PARAMETER,
                        "Flag must be 0 (read) or 1 (unread)",
                    )
                }
            };
            let page: Vec<String> = all.iter().skip(offset).take(num).cloned().collect();
            let end = offset.saturating_add(page.len());
            let finished = end >= all.len();
            let mut reply = GroupMsgReceiptDetailReply {
                base: BaseReply::ok(),
                cursor: if finished {
                    String::new()
                } else {
                    end.to_string()
                },
                is_finish: u8::from(finished),
                ..GroupMsgReceiptDetailReply::default()
            };
            if req.flag == 0 {
                reply.read_list = page
                    .into_iter()
                    .map(|read_account| ReadAccount { read_account })
                    .collect();
            } else {
                reply.unread_list = page
                    .into_iter()
                    .map(|unread_account| UnreadAccount { unread_account })
                    .collect();
            }
            Ok(reply)
        })();
        self.finish_query(conn, gzip, &frame.head, result);
    }
}
