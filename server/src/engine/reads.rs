//! Reading: read reports (`openim.msgreaded`), C2C read receipts
//! (`openim.c2c_msg_read_receipt`) and peers' read times
//! (`openim.get_peer_read_time`).

use std::collections::BTreeMap;

use tcchat_core::proto::msgops::{
    MsgReadedRequest, PeerReadTimeReply, PeerReadTimeRequest, ReadReceiptRequest, ReadSyncNotify,
    ReadedReceiptNotify, ReceiptMsgInfo, UinPairRead,
};
use tcchat_core::proto::{BaseReply, NotifyItem, PushEvent};
use tcchat_core::wire::Frame;

use super::conn::Ident;
use super::notify::{Notify, Queued, EVENT_NOTIFY};
use super::request::{check_len, check_peer, refuse, Fail};
use super::{ConnId, Engine};
use crate::bounds;
use crate::codes;
use crate::store::{Change, Store};

/// A `C2cNotifyMsgArray` event with one item.
fn notify_event(item: NotifyItem) -> PushEvent {
    PushEvent {
        event: EVENT_NOTIFY,
        c2c_notify_msg_array: Some(vec![item]),
        ..PushEvent::default()
    }
}

impl<S: Store> Engine<S> {
    /// `openim.msgreaded`.
    pub(super) fn on_msg_readed(&mut self, unix_ms: u64, conn: ConnId, gzip: bool, frame: &Frame) {
        let Some((me, req)) = self.begin_change::<MsgReadedRequest>(unix_ms, conn, gzip, frame)
        else {
            return;
        };
        let result = self
            .msg_readed(unix_ms, &me, &req)
            .map(|queued| (BaseReply::ok(), queued));
        self.finish_change(unix_ms, &me, conn, gzip, &frame.head, result);
    }

    /// Each conversation's read time moves forward to `LastedMsgTime`
    /// (never back, never past the server's clock; a peer with no message
    /// either way is skipped). When it moves, the
    /// reader's other instances get `ReadC2cMsgNotify`, and with `Receipt:
    /// 1` the peer gets `C2cReadedReceipt` (MESSAGE_READ_BY_PEER).
    fn msg_readed(
        &mut self,
        unix_ms: u64,
        me: &Ident,
        req: &MsgReadedRequest,
    ) -> Result<Queued, Fail> {
        let items = &req.c2c_msg_readed.c2c_msg_readed_item;
        check_len("C2CMsgReadedItem", items, bounds::MAX_ITEMS_PER_REQUEST)?;
        let now_s = unix_ms / 1000;
        // The latest time (and whether a receipt is wanted) per peer.
        let mut reads: BTreeMap<&str, (u64, bool)> = BTreeMap::new();
        for item in items {
            check_peer("To_Account", &item.to_account)?;
            let e = reads.entry(item.to_account.as_str()).or_default();
            e.0 = e.0.max(item.lasted_msg_time.min(now_s));
            e.1 |= item.receipt == 1;
        }
        let mut changes = Vec::new();
        let mut notices = Vec::new();
        for (peer, (time, receipt)) in reads {
            // Without a message between the two there is nothing to read:
            // nothing is stored and nobody is told, whatever name the
            // caller gave. (A pin alone creates a conversation record.)
            let Some(mut conv) = self.store.conversation(me.app, &me.user, peer)? else {
                continue;
            };
            if self
                .store
                .history(me.app, &me.user, peer, 0, u64::MAX, 1)?
                .is_empty()
            {
                continue;
            }
            if time <= conv.read_time {
                continue;
            }
            conv.read_time = time;
            changes.push(Change::Conversation {
                owner: me.user.clone(),
                record: conv,
            });
            notices.push(Notify::new(
                &me.user,
                notify_event(NotifyItem {
                    read_c2c_msg_notify: Some(ReadSyncNotify {
                        uin_pair_read_array: vec![UinPairRead {
                            from_account: peer.to_owned(),
                            last_read_time: time,
                        }],
                    }),
                    ..NotifyItem::default()
                }),
            ));
            if receipt && peer != me.user {
                notices.push(Notify::new(
                    peer,
                    notify_event(NotifyItem {
                        c2c_readed_receipt: Some(ReadedReceiptNotify {
                            to_account: me.user.clone(),
                            uin_pair_read_array: vec![UinPairRead {
                                from_account: String::new(),
                                last_read_time: time,
                            }],
                        }),
                        ..NotifyItem::default()
                    }),
                ));
            }
        }
        Ok(self.commit(me, changes, notices)?)
    }

    /// `openim.c2c_msg_read_receipt`.
    pub(super) fn on_read_receipt(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) {
        let Some((me, req)) = self.begin_change::<ReadReceiptRequest>(unix_ms, conn, gzip, frame)
        else {
            return;
        };
        let result = self
            .read_receipt(unix_ms, &me, &req)
            .map(|queued| (BaseReply::ok(), queued));
        self.finish_change(unix_ms, &me, conn, gzip, &frame.head, result);
    }

    /// The recipient marks messages of `Peer_Account` read. Every listed
    /// message must be from `Peer_Account` (else 10004) and exist as one it
    /// sent to the caller (else 20022), or nothing is marked; the ones sent
    /// with `IsNeedReadReceipt` and not marked before become peer-read, and
    /// the sender gets one Event 16 push naming them
    /// (MESSAGE_READ_RECEIPT_RECEIVED).
    fn read_receipt(
        &mut self,
        unix_ms: u64,
        me: &Ident,
        req: &ReadReceiptRequest,
    ) -> Result<Queued, Fail> {
        check_peer("Peer_Account", &req.peer_account)?;
        check_len(
            "C2CMsgInfo",
            &req.c2c_msg_info,
            bounds::MAX_ITEMS_PER_REQUEST,
        )?;
        let mut changes = Vec::new();
        let mut read = Vec::new();
        for info in &req.c2c_msg_info {
            if info.from_account != req.peer_account {
                return refuse(
                    codes::INVALID_PARAMETER,
                    "every C2CMsgInfo item must be a message from Peer_Account",
                );
            }
            let mut m = self.find_message(
                me.app,
                &info.from_account,
                &me.user,
                info.msg_seq,
                info.msg_random,
                info.msg_time,
            )?;
            let seen = changes
                .iter()
                .any(|c| matches!(c, Change::Message(x) if x.id == m.id));
            if !m.msg.need_read_receipt || m.state.peer_read || seen {
                continue;
            }
            m.state.peer_read = true;
            read.push(ReceiptMsgInfo {
                from_account: m.msg.from.clone(),
                to_account: m.msg.to.clone(),
                msg_seq: m.msg.msg_seq,
                msg_random: m.msg.msg_random,
                msg_time: m.msg.msg_time,
                msg_client_time: m.msg.client_time,
                tiny_id: m.msg.sender_tiny_id.to_string(),
            });
            changes.push(Change::Message(m));
        }
        let mut notices = Vec::new();
        if !read.is_empty() {
            notices.push(Notify::new(
                &req.peer_account,
                PushEvent {
                    event: PushEvent::READ_RECEIPT,
                    user_id: me.user.clone(),
                    peer_read_time: unix_ms / 1000,
                    c2c_msg_info: Some(read),
                    ..PushEvent::default()
                },
            ));
        }
        Ok(self.commit(me, changes, notices)?)
    }

    /// `openim.get_peer_read_time`: for each peer, up to when it read the
    /// caller's messages (0: never).
    pub(super) fn on_peer_read_time(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) {
        let Some((me, req)) = self.begin::<PeerReadTimeRequest>(unix_ms, conn, gzip, frame) else {
            return;
        };
        let result = (|| {
            check_len("To_Account", &req.to_account, bounds::MAX_PEERS_PER_QUERY)?;
            let mut read_time = Vec::with_capacity(req.to_account.len());
            for peer in &req.to_account {
                let conv = self.store.conversation(me.app, peer, &me.user)?;
                read_time.push(conv.map_or(0, |c| c.read_time));
            }
            Ok::<_, Fail>(PeerReadTimeReply {
                base: BaseReply::ok(),
                read_time,
            })
        })();
        self.finish_query(conn, gzip, &frame.head, result);
    }
}
