//! The scripted server side that the client-core tests share: a [`Client`]
//! driven in virtual time, every frame it sends decoded and kept, helpers
//! to answer them, the login script, and the wire messages and event
//! counts the tests build and read.
//!
//! Each test file defines `Harness::new()`, the fresh client its tests
//! start from (its seed, whether links open by themselves), and adds its
//! own helpers in an `impl Harness` block of its own; [`Harness::logged_in`]
//! and [`Harness::logging_in`] start from that `new()`.

// Each test file uses a different part of it.
#![allow(dead_code)]

use std::collections::HashSet;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use tcchat_core::model::Message;
use tcchat_core::wire::{decode, encode, servcmd, Head};
use tcchat_core::{
    ChatError, Client, Completion, ConnId, Event, EventName, Options, Output, RequestId, Transmit,
    Tuning,
};

/// The servcmd of the group list the login sync fetches.
pub const GROUP_LIST: &str = "group_open_http_svc.get_joined_group_list";

/// The servcmd of `get_group_profile`.
pub const GROUP_PROFILE: &str = "group_open_http_svc.get_group_self_member_info";

/// The servcmd of `create_group`.
pub const GROUP_CREATE: &str = "group_open_http_svc.create_group";
/// The servcmd of `join_group`.
pub const GROUP_JOIN: &str = "group_open_http_svc.apply_join_group";
/// The servcmd of `quit_group`.
pub const GROUP_QUIT: &str = "group_open_http_svc.quit_group";
/// The servcmd of `dismiss_group`.
pub const GROUP_DISMISS: &str = "group_open_http_svc.destroy_group";

/// The servcmd of a group send.
pub const GROUP_SEND: &str = "group_open_http_svc.send_group_msg";

/// The servcmd of group history.
pub const GROUP_MSG_GET: &str = "group_open_http_svc.group_msg_get";

/// The servcmd of the profile query (my profile at login).
pub const PORTRAIT_GET: &str = "profile.portrait_get_all";
/// The servcmd of the friend applications fetched at login.
pub const PENDENCY_GET: &str = "sns.pendency_get";
/// The servcmd of the friend list sync at login.
pub const FRIEND_GET: &str = "sns.friend_get";
/// The friend group list, fetched at login.
pub const FRIEND_GROUP_GET: &str = "sns.group_get";

/// The SDKAppID of every test.
pub const APP: u64 = 1_400_000_000;
/// The wall clock the client starts with, Unix milliseconds.
pub const UNIX_MS: u64 = 1_795_628_000_000;
/// The tiny ID the scripted server gives the logged-in user, u1
/// ([`tiny_of`]`("u1")`).
pub const MY_TINY: &str = "144115000000000001";
/// Purchase bits 15, 13, 10, 9 and 7: group counters, extensions,
/// conversation groups, marks, user status.
pub const ALL_BITS: &str = "1010011010000000";

/// The tiny ID the scripted server gives `user`: 144115000000000000 + N
/// for `uN`, `tiny-<user>` for the other names (the crowds of the bounds
/// tests).
pub fn tiny_of(user: &str) -> String {
    match user.strip_prefix('u').and_then(|n| n.parse::<u64>().ok()) {
        Some(n) => (144_115_000_000_000_000 + n).to_string(),
        None => format!("tiny-{user}"),
    }
}

/// A C2C text message as the server sends it (`msg_push`, `getmsg`):
/// sent by `from` at server time `time`, stamped by its client a second
/// earlier, with the sender's [`tiny_of`] and the message key
/// `<seq>_<random>_<time>`.
pub fn wire_msg(from: &str, to: &str, seq: u64, random: u64, time: u64, text: &str) -> Value {
    json!({"From_Account": from, "To_Account": to, "MsgSeq": seq, "MsgRandom": random,
           "MsgTimeStamp": time, "MsgClientTime": time - 1, "TinyId": tiny_of(from),
           "MsgKey": format!("{seq}_{random}_{time}"),
           "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}]})
}

/// The event array of one C2C message event (Event 1) with `list`.
pub fn msgs(list: Vec<Value>) -> Value {
    json!([{"Event": 1, "C2cMsgArray": list}])
}

/// A `msg_push` body with the items of `event_array`, to be acked
/// (`NeedAck`, `SessionData` "sess").
pub fn push_of(event_array: Value) -> Value {
    json!({"EventArray": event_array, "NeedAck": 1, "SessionData": "sess"})
}

/// A `msg_push` body with the C2C messages `messages` (a JSON array).
pub fn push_body(messages: Value) -> Value {
    push_of(json!([{"Event": 1, "C2cMsgArray": messages}]))
}

/// The messages of the MESSAGE_RECEIVED events among `events`, in order.
pub fn received(events: &[Event]) -> Vec<Message> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::MessageReceived(list) => Some(list.clone()),
            _ => None,
        })
        .flatten()
        .collect()
}

/// How many of `events` are `name`.
pub fn count(events: &[Event], name: EventName) -> usize {
    events.iter().filter(|e| e.name() == name).count()
}

/// A frame the client sent, decoded.
#[derive(Debug, Clone)]
pub struct Sent {
    /// Its servcmd.
    pub cmd: String,
    /// Its head's `seq`.
    pub seq: u64,
    /// Its head, as JSON.
    pub head: Value,
    /// Its body.
    pub body: Value,
}

/// A client plus a scripted server side.
pub struct Harness {
    pub client: Client,
    pub now: Instant,
    /// The open link, if any.
    pub conn: Option<ConnId>,
    /// Frames the client sent since the last clear.
    pub sent: Vec<Sent>,
    /// Links the client closed, with their close codes.
    pub closes: Vec<(ConnId, u16)>,
    /// Links the client asked to open, with their URLs.
    pub connects: Vec<(ConnId, String)>,
    pub events: Vec<Event>,
    pub completions: Vec<Completion>,
    /// Requests answered by [`Harness::reply`]: (servcmd, seq).
    pub answered: HashSet<(String, u64)>,
    /// Open a requested link at once when none is open.
    pub auto_open: bool,
    /// Answer pings like a healthy server while time advances.
    pub auto_pong: bool,
    /// Pings in `sent` answered so far.
    pub ponged: usize,
    /// The `seq` of the last push.
    pub push_seq: u64,
}

impl Harness {
    /// A client made from `seed`, with its tuning changed by `tune`.
    pub fn build(seed: u64, tune: impl FnOnce(&mut Tuning)) -> Harness {
        Harness::build_with(seed, |opts| tune(&mut opts.tuning))
    }

    /// A client made from `seed`, with its options changed by `change`.
    pub fn build_with(seed: u64, change: impl FnOnce(&mut Options)) -> Harness {
        let now = Instant::now();
        let mut opts = Options::new(APP).with_proxy_server("ws://127.0.0.1:1");
        change(&mut opts);
        let mut h = Harness {
            client: Client::new(opts, seed, now, UNIX_MS),
            now,
            conn: None,
            sent: Vec::new(),
            closes: Vec::new(),
            connects: Vec::new(),
            events: Vec::new(),
            completions: Vec::new(),
            answered: HashSet::new(),
            auto_open: false,
            auto_pong: true,
            ponged: 0,
            push_seq: 900_000_000,
        };
        h.drain();
        h
    }

    /// Take everything the client has to say.
    pub fn drain(&mut self) {
        while let Some(t) = self.client.poll_transmit() {
            match t {
                Transmit::Connect { conn, url } => {
                    self.connects.push((conn, url));
                    if self.auto_open && self.conn.is_none() {
                        self.conn = Some(conn);
                        self.client.handle_connected(self.now, conn);
                    }
                }
                Transmit::Send { conn, frame } => {
                    assert_eq!(
                        Some(conn),
                        self.conn,
                        "frame sent on a link that is not open"
                    );
                    let f = decode(&frame).expect("client frames decode");
                    self.sent.push(Sent {
                        cmd: f.head.servcmd.clone(),
                        seq: f.head.seq,
                        head: serde_json::to_value(&f.head).unwrap(),
                        body: serde_json::from_str(f.body.get()).unwrap(),
                    });
                }
                Transmit::Close { conn, code } => {
                    self.closes.push((conn, code));
                    if Some(conn) == self.conn {
                        self.conn = None;
                    }
                }
            }
        }
        while let Some(e) = self.client.poll_event() {
            self.events.push(e);
        }
        while let Some(c) = self.client.poll_completion() {
            self.completions.push(c);
        }
    }

    /// Accept the most recent connect request.
    pub fn open(&mut self) -> ConnId {
        let (conn, _) = self
            .connects
            .last()
            .cloned()
            .expect("a connect was requested");
        self.conn = Some(conn);
        self.client.handle_connected(self.now, conn);
        self.drain();
        conn
    }

    /// Move the clock by `by`, firing every timer due on the way.
    pub fn advance(&mut self, by: Duration) {
        let end = self.now + by;
        while let Some(t) = self.client.poll_timeout() {
            if t > end {
                break;
            }
            self.now = self.now.max(t);
            self.client.handle_timeout(self.now);
            self.drain();
            self.pong();
        }
        self.now = end;
    }

    /// Answer the pings not answered yet, as a healthy server.
    pub fn pong(&mut self) {
        if !self.auto_pong || self.conn.is_none() {
            return;
        }
        let pings: Vec<u64> = self
            .sent
            .iter()
            .filter(|s| s.cmd == servcmd::ALIVE)
            .map(|s| s.seq)
            .collect();
        for seq in pings.into_iter().skip(self.ponged) {
            self.ponged += 1;
            self.deliver(
                servcmd::ALIVE,
                seq,
                json!({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": ""}),
            );
        }
    }

    /// The frames sent so far (after answering pings), clearing them.
    pub fn take_sent(&mut self) -> Vec<Sent> {
        self.pong();
        self.ponged = 0;
        std::mem::take(&mut self.sent)
    }

    /// Forget the frames sent so far.
    pub fn clear_sent(&mut self) {
        self.sent.clear();
        self.ponged = 0;
    }

    pub fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    pub fn take_completions(&mut self) -> Vec<Completion> {
        std::mem::take(&mut self.completions)
    }

    /// The bodies of the `cmd` frames sent.
    pub fn sent_of(&self, cmd: &str) -> Vec<Value> {
        self.sent
            .iter()
            .filter(|s| s.cmd == cmd)
            .map(|s| s.body.clone())
            .collect()
    }

    /// The newest `cmd` frame sent, which must exist.
    pub fn last_sent(&self, cmd: &str) -> Sent {
        self.sent
            .iter()
            .rev()
            .find(|s| s.cmd == cmd)
            .cloned()
            .unwrap_or_else(|| {
                panic!(
                    "no {cmd} sent; sent: {:?}",
                    self.sent.iter().map(|s| &s.cmd).collect::<Vec<_>>()
                )
            })
    }

    /// Hand the client a frame from the server on the open link.
    pub fn deliver(&mut self, cmd: &str, seq: u64, body: Value) {
        let frame = encode(&Head::push(cmd, seq), &body);
        let conn = self.conn.expect("open link");
        self.client.handle_frame(self.now, conn, &frame);
        self.drain();
    }

    /// Push `body` (a whole `msg_push` body) to the client.
    pub fn push(&mut self, body: Value) {
        self.push_seq += 1;
        let seq = self.push_seq;
        self.deliver(servcmd::MSG_PUSH, seq, body);
    }

    /// Push the items of `event_array` (with `NeedAck`).
    pub fn push_events(&mut self, event_array: Value) {
        self.push(push_of(event_array));
    }

    /// Answer the newest `cmd` request with a success plus `body`.
    pub fn reply(&mut self, cmd: &str, body: Value) {
        let seq = self.last_sent(cmd).seq;
        self.answered.insert((cmd.to_owned(), seq));
        let mut full = json!({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": ""});
        for (k, v) in body.as_object().unwrap() {
            full[k] = v.clone();
        }
        self.deliver(cmd, seq, full);
    }

    /// Answer the newest `cmd` request if there is one still unanswered.
    pub fn reply_pending(&mut self, cmd: &str, body: Value) -> bool {
        let pending = self
            .sent
            .iter()
            .rev()
            .find(|s| s.cmd == cmd)
            .is_some_and(|s| !self.answered.contains(&(s.cmd.clone(), s.seq)));
        if pending {
            self.reply(cmd, body);
        }
        pending
    }

    /// Answer the login with A2, tiny ID and the server time.
    pub fn reply_login(&mut self) {
        self.reply(
            servcmd::LOGIN,
            json!({"A2Key": "a2-1", "TinyId": MY_TINY, "HelloInterval": 120, "InstId": 5, "TimeStamp": UNIX_MS / 1000}),
        );
    }

    /// Open the link (unless `new()` already did) and log in as u1 with the
    /// login answered; the sync requests that follow are not answered.
    /// Drops the events and completions so far.
    pub fn logging_in() -> Harness {
        let mut h = Harness::new();
        if h.conn.is_none() {
            h.open();
        }
        h.client.login(h.now, "u1", "sig-u1").unwrap();
        h.drain();
        h.reply_login();
        h.take_events();
        h.take_completions();
        h
    }

    /// Logged in as u1 with the whole login sync answered: an empty
    /// getmsg, no conversations, every purchase bit, no conversation
    /// groups. Frames, events and completions so far are dropped.
    pub fn logged_in() -> Harness {
        Harness::logged_in_with(json!([]), ALL_BITS, json!({}))
    }

    /// Log in as u1 and answer the whole login sync: an empty getmsg (cookie
    /// `ck1`), the `sessions` of page_get, the purchase `bits`, and (with
    /// bit 9 or 10) the `groups` reply of get_contact_group. Frames (pings
    /// answered), events and completions so far are dropped.
    pub fn logged_in_with(sessions: Value, bits: &str, groups: Value) -> Harness {
        let mut h = Harness::logging_in();
        h.reply(
            servcmd::GET_MSG,
            json!({"Cookie": "ck1", "SyncFlag": 2, "MsgList": []}),
        );
        h.answer_list_sync(&sessions, bits, &groups);
        h.take_sent();
        h.take_events();
        h.completions.clear();
        h
    }

    /// Answer the login-time requests of the conversation list, the
    /// purchase bits and the conversation groups, whichever were sent:
    /// no conversations, `bits`, no groups.
    pub fn answer_login_sync(&mut self, bits: &str) {
        self.answer_list_sync(&json!([]), bits, &json!({}));
    }

    /// Answer the login-time requests still pending, whichever were sent
    /// (the groups request follows the purchase bits): page_get with
    /// `sessions`, the purchase `bits`, get_contact_group with `groups`.
    pub fn answer_list_sync(&mut self, sessions: &Value, bits: &str, groups: &Value) {
        let mut group_reply = json!({"CompleteFlag": 1, "NextStartIndex": 0});
        for (k, v) in groups.as_object().expect("groups is an object") {
            group_reply[k] = v.clone();
        }
        for _ in 0..4 {
            self.reply_pending(
                servcmd::CONV_PAGE_GET,
                json!({"CompleteFlag": 1, "TimeStamp": 0, "StartIndex": 0, "TopTimeStamp": 0, "TopStartIndex": 0, "SessionItem": sessions}),
            );
            self.reply_pending(
                servcmd::PURCHASE_BITS,
                json!({"int32_error_code": 0, "str_purchase_bits": bits, "uint32_expired_time": 3600}),
            );
            self.reply_pending(servcmd::CONV_GROUP_GET, group_reply.clone());
            self.reply_pending(GROUP_LIST, json!({"TotalCount": 0, "GroupIdList": []}));
            self.reply_pending(PORTRAIT_GET, json!({"UserProfileItem": []}));
            self.reply_pending(
                PENDENCY_GET,
                json!({"PendencyItem": [], "UnreadPendencyCount": 0}),
            );
            self.reply_pending(
                FRIEND_GET,
                json!({"FriendNum": 0, "CompleteFlag": 1, "NextStartIndex": 0, "UserDataItem": []}),
            );
            self.reply_pending(
                servcmd::BLACKLIST_GET,
                json!({"StartIndex": 0, "BlackListItem": []}),
            );
            self.reply_pending(
                FRIEND_GROUP_GET,
                json!({"ResultItem": [], "CurrentSequence": 0}),
            );
        }
    }

    /// The completion of `id`, which must have arrived.
    pub fn result<T: Output>(&mut self, id: RequestId<T>) -> Result<T, ChatError> {
        self.drain();
        let i = self
            .completions
            .iter()
            .position(|c| c.id() == id)
            .unwrap_or_else(|| panic!("no completion for {id:?}; have {:?}", self.completions));
        self.completions
            .remove(i)
            .take(id)
            .expect("the completion of this ID")
    }

    /// `id` has not completed yet.
    pub fn no_result<T>(&self, id: RequestId<T>) {
        assert!(
            self.completions.iter().all(|c| c.id() != id),
            "{id:?} completed early"
        );
    }
}
