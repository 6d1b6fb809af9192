//! Helpers for the message-operation and conversation tests: a request's
//! reply together with the pushes it caused, and the requests themselves.

use std::collections::BTreeSet;

use serde_json::{json, Value};
use tcchat_server::engine::ConnId;
use tcchat_server::store::{MemoryStore, SqliteStore, Store};

use super::{config, frames, Client, Msg, Sim};

/// Runs each named scenario `fn name<S: Store>(sim: Sim<S>)` once on a
/// [`MemoryStore`] and once on an in-memory [`SqliteStore`]: both stores
/// must behave the same.
#[macro_export]
macro_rules! on_both_stores {
    ($($name:ident),* $(,)?) => {
        mod memory_store {
            $(#[test] fn $name() { super::$name($crate::common::ops::memory_sim()) })*
        }
        mod sqlite_store {
            $(#[test] fn $name() { super::$name($crate::common::ops::sqlite_sim()) })*
        }
    };
}

/// A simulation over a fresh [`MemoryStore`].
pub fn memory_sim() -> Sim<MemoryStore> {
    Sim::with(config(), MemoryStore::new())
}

/// A simulation over a fresh in-memory [`SqliteStore`].
pub fn sqlite_sim() -> Sim<SqliteStore> {
    Sim::with(config(), SqliteStore::in_memory().unwrap())
}

/// A request's reply and every other frame it caused.
#[derive(Debug)]
pub struct Outcome {
    pub reply: Msg,
    pub others: Vec<Msg>,
}

impl Outcome {
    /// The reply's `ErrorCode`.
    pub fn code(&self) -> u64 {
        self.reply.body["ErrorCode"].as_u64().unwrap()
    }

    /// The reply's body.
    pub fn body(&self) -> &Value {
        &self.reply.body
    }

    /// The connections that got a push.
    pub fn pushed_to(&self) -> BTreeSet<u64> {
        self.others.iter().map(|m| m.conn.0).collect()
    }

    /// The pushes to `conn`.
    pub fn pushes_to(&self, conn: u64) -> Vec<&Msg> {
        self.others
            .iter()
            .filter(|m| m.conn == ConnId(conn))
            .collect()
    }

    /// The `EventArray` items pushed to `conn`.
    pub fn events_to(&self, conn: u64) -> Vec<Value> {
        self.pushes_to(conn)
            .iter()
            .flat_map(|m| m.body["EventArray"].as_array().unwrap().clone())
            .collect()
    }

    /// Panics unless the reply is OK.
    pub fn ok(self) -> Outcome {
        assert_eq!(self.code(), 0, "{}", self.reply.body);
        self
    }
}

impl Client {
    /// Send `servcmd` with `body`; its reply and the other frames.
    pub fn op<S: Store>(&mut self, sim: &mut Sim<S>, servcmd: &str, body: Value) -> Outcome {
        let head = self.head(servcmd, sim.unix_s());
        let seq = head.seq;
        let out = frames(&sim.request(self.conn, &head, &body));
        let (mine, others): (Vec<Msg>, Vec<Msg>) = out.into_iter().partition(|m| {
            m.conn == ConnId(self.conn) && m.head.seq == seq && m.head.servcmd == servcmd
        });
        assert_eq!(mine.len(), 1, "one reply to {servcmd}: {mine:?}");
        Outcome {
            reply: mine.into_iter().next().unwrap(),
            others,
        }
    }

    /// Send a text message with the read-receipt and extension flags;
    /// returns the outcome (the reply has `MsgTime` and `MsgKey`).
    #[allow(clippy::too_many_arguments)]
    pub fn send_flagged<S: Store>(
        &mut self,
        sim: &mut Sim<S>,
        to: &str,
        seq: u64,
        random: u64,
        text: &str,
        receipt: bool,
        extension: bool,
    ) -> Outcome {
        let mut body = super::sendmsg_body(&self.user, to, seq, random, sim.unix_s(), text);
        body["IsNeedReadReceipt"] = json!(u8::from(receipt));
        body["SupportMessageExtension"] = json!(u8::from(extension));
        self.op(sim, "openim.sendmsg", body).ok()
    }

    /// A plain text message; returns its server time.
    pub fn text<S: Store>(&mut self, sim: &mut Sim<S>, to: &str, seq: u64, text: &str) -> u64 {
        let out = self.send_flagged(sim, to, seq, seq + 1000, text, false, false);
        out.body()["MsgTime"].as_u64().unwrap()
    }

    /// Acknowledge a push (as both SDKs do for `NeedAck: 1`).
    pub fn ack<S: Store>(&mut self, sim: &mut Sim<S>, push: &Msg) {
        let session = push.body["SessionData"].as_str().unwrap().to_owned();
        let head = self.head("openim.ws_msg_push_ack", sim.unix_s());
        let out = sim.request(self.conn, &head, &json!({ "SessionData": session }));
        assert!(out.is_empty(), "a push ack is never answered");
    }

    /// One `openim.getroammsg` page with `Peer_Account` `peer`.
    pub fn roam<S: Store>(
        &mut self,
        sim: &mut Sim<S>,
        peer: &str,
        max: u32,
        cursor: (&str, u64),
    ) -> Outcome {
        self.op(
            sim,
            "openim.getroammsg",
            json!({"Peer_Account": peer, "MaxCnt": max, "LastMsgTime": cursor.1,
                   "MsgKey": cursor.0, "WithRecalledMsg": 1, "GetDirection": 0}),
        )
    }

    /// Every message of the conversation with `peer`, oldest first, paging
    /// with the official SDK's page size.
    pub fn whole_history<S: Store>(&mut self, sim: &mut Sim<S>, peer: &str) -> Vec<Value> {
        let mut all: Vec<Value> = Vec::new();
        let (mut key, mut time) = (String::new(), 0);
        loop {
            let page = self.roam(sim, peer, 15, (&key, time)).ok();
            let mut list = page.body()["MsgList"].as_array().unwrap().clone();
            list.append(&mut all);
            all = list;
            if page.body()["Complete"] == 1 {
                return all;
            }
            key = page.body()["MsgKey"].as_str().unwrap().to_owned();
            time = page.body()["LastMsgTime"].as_u64().unwrap();
        }
    }

    /// `recentcontact.page_get` from the start; the reply body.
    pub fn conversations<S: Store>(&mut self, sim: &mut Sim<S>) -> Value {
        let user = self.user.clone();
        self.op(
            sim,
            "recentcontact.page_get",
            json!({"From_Account": user, "TimeStamp": 0, "StartIndex": 0, "TopTimeStamp": 0,
                   "TopStartIndex": 0, "AssistFlags": 31}),
        )
        .ok()
        .reply
        .body
    }

    /// The `C2CPairUnreadCount` of a full getmsg from the start, as
    /// `(peer, count)` pairs.
    pub fn unread_counts<S: Store>(&mut self, sim: &mut Sim<S>) -> Vec<(String, u64)> {
        let mut cookie = String::new();
        loop {
            let page = self.getmsg(sim, &cookie);
            if page.body["SyncFlag"] == 2 {
                return page.body["C2CPairUnreadCount"]
                    .as_array()
                    .map(|l| {
                        l.iter()
                            .map(|i| {
                                (
                                    i["From_Account"].as_str().unwrap().to_owned(),
                                    i["UnreadCount"].as_u64().unwrap(),
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default();
            }
            cookie = page.body["Cookie"].as_str().unwrap().to_owned();
        }
    }
}

/// `<sequence>_<random>_<time>`, as the official SDK names a message.
pub fn key(seq: u64, random: u64, time: u64) -> String {
    format!("{seq}_{random}_{time}")
}

/// The texts of a list of wire messages.
pub fn texts_of(list: &[Value]) -> Vec<String> {
    list.iter()
        .map(|m| {
            m["MsgBody"][0]["MsgContent"]["Text"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}
