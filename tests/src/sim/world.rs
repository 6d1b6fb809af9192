//! The world: one thread, one virtual clock, one event queue. Client cores,
//! the server engine and the network between them only ever act when the
//! queue says so, so a seed fixes everything that happens.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap, HashSet};
use std::time::{Duration, Instant};

use bytes::Bytes;
use tcchat_core::model::Message;
use tcchat_core::types::NetState;
use tcchat_core::wire::{decode, encode, servcmd};
use tcchat_core::{AnyRequestId, Client, ConnId, DisconnectReason, LoginInfo, RequestId};
use tcchat_server::engine::{ConnId as SConn, Engine, EngineConfig, Output};
use tcchat_server::store::{MemoryStore, Store};
use tcchat_server::AppConfig;

use super::config::{FaultKind, PlantedBug, SimConfig};
use super::rng::{derive, SimRng};
use super::trace::{Trace, WholeTrace};

/// The SDKAppID every simulated client uses.
pub const APP: u64 = 1_400_000_000;
/// Its secret key.
pub const KEY: &str = "sim-secret-key";
/// Server wall clock at virtual time zero (Unix ms).
pub const UNIX_BASE_MS: u64 = 1_795_628_000_000;

/// Index of a link in the world's link table.
pub type LinkId = usize;

/// Something scheduled at a virtual time.
#[derive(Debug)]
pub(crate) enum Ev {
    /// Check client `slot`'s timers (stale unless `at` is still its
    /// scheduled deadline).
    ClientTimer { slot: usize, at: Duration },
    /// Check the server's timers.
    ServerTimer { at: Duration },
    /// Client → server: the connect reaches the server.
    SrvOpen(LinkId),
    /// Client → server: a frame.
    SrvFrame(LinkId, Bytes),
    /// Client → server: the client closed the socket.
    SrvClose(LinkId),
    /// Server → client: the socket is open.
    CliConnected(LinkId),
    /// Server → client (or the driver): connecting failed.
    CliConnectFailed(LinkId, &'static str),
    /// The driver's connect timeout for a link.
    ConnectTimeout(LinkId),
    /// Server → client: a frame.
    CliFrame(LinkId, Bytes),
    /// Server → client: the socket closed (`None`: reset, no close code).
    CliClosed(LinkId, Option<u16>),
    /// Workload: client `slot` acts.
    Act(usize),
    /// The next fault.
    Fault,
    /// The administrator kicks a random user through the REST API.
    RestKick,
    /// The crashed server comes back.
    Restart,
    /// The workload ends; the network heals.
    EndWorkload,
    /// A server stall may be over: handle what it held, in order.
    StallEnd,
}

struct Item {
    at: Duration,
    seq: u64,
    ev: Ev,
}

impl PartialEq for Item {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl Eq for Item {}
impl PartialOrd for Item {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Item {
    fn cmp(&self, other: &Self) -> Ordering {
        // Min-heap on (time, insertion order).
        (other.at, other.seq).cmp(&(self.at, self.seq))
    }
}

/// One WebSocket connection, both ends.
#[derive(Debug)]
pub(crate) struct Link {
    pub slot: usize,
    pub gen: u64,
    pub cconn: ConnId,
    pub sconn: Option<SConn>,
    /// The server incarnation that accepted it.
    pub incarnation: u64,
    pub url: String,
    /// The client end is gone (closed by the client or told it closed).
    pub client_closed: bool,
    /// When the client closed it (or gave up on it).
    pub closed_at: Duration,
    /// The client heard that it opened.
    pub opened: bool,
    /// The server end is open.
    pub server_open: bool,
    /// Frames client → server vanish (half-open).
    pub c2s_dead: bool,
    /// Frames server → client vanish (half-open).
    pub s2c_dead: bool,
    pub c2s_last: Duration,
    pub s2c_last: Duration,
}

/// A logged-in session as the oracle tracks it (SDK_READY to
/// SDK_NOT_READY).
#[derive(Debug)]
pub(crate) struct Session {
    pub user: u32,
    /// Server step at which the login of this session was processed.
    pub start_step: Option<u64>,
    pub started_at: Duration,
    /// Messages (indices into `World::accepted`) delivered in it.
    pub delivered: HashSet<u32>,
    /// Highest inbox seq delivered by a push.
    pub last_push: u64,
    /// Link of the current sync run and the highest inbox seq it delivered.
    pub sync_link: Option<LinkId>,
    pub last_sync: u64,
    /// Group IDs and member counts of the last GROUP_LIST_UPDATED.
    pub groups: Option<BTreeMap<String, u64>>,
    /// Friends, blacklist and friend groups of the last relationship
    /// events (profile `relations`).
    pub relations: Option<super::relations::HeldRelations>,
}

/// One client instance (a slot holds one at a time; destroy and
/// re-create gives a new one).
pub(crate) struct Inst {
    pub gen: u64,
    pub client: Client,
    /// Link of each of its `ConnId`s (they count up from 0).
    pub conns: Vec<LinkId>,
    /// A connect whose outcome the client has not heard yet.
    pub connecting: Option<LinkId>,
    pub sched: Option<Duration>,
    // --- oracle ---
    pub ready: bool,
    pub net: NetState,
    pub destroyed: bool,
    /// A logout, destroy or kick makes the next SDK_NOT_READY legitimate.
    pub end_expected: bool,
    pub pending_login: Option<(RequestId<LoginInfo>, u32)>,
    pub session: Option<Session>,
    /// Messages delivered to this instance in any session, per user.
    pub ever: HashSet<(u32, u32)>,
    /// Commands issued and not completed: issue time and kind.
    pub outstanding: BTreeMap<AnyRequestId, (Duration, &'static str)>,
    /// Messages whose send failed, for retries.
    pub failed: Vec<Message>,
    /// Messages being sent, by command.
    pub sending: BTreeMap<AnyRequestId, Message>,
    pub sessions: u64,
    /// `u<user>/<message ID>` of every message this instance had (created
    /// and sent, or received) for a session's user.
    pub known: BTreeSet<String>,
    /// The highest version MESSAGE_MODIFIED showed, per known key.
    pub versions: BTreeMap<String, u64>,
    /// IDs of messages it sent: what it may revoke or modify.
    pub candidates: Vec<String>,
    /// Conversations in which it received messages: what it may read.
    pub conversations: Vec<String>,
    /// (user, group, sequence) of every group message or tip delivered to
    /// this instance in any session.
    pub group_seen: HashSet<(u32, String, u64)>,
    /// (user, group, sequence) of every group message this instance sent.
    pub group_sent: HashSet<(u32, String, u64)>,
}

/// A client slot: the network position of one device.
pub(crate) struct Slot {
    pub inst: Option<Inst>,
    pub next_gen: u64,
    pub latency: Duration,
    pub skew_ms: i64,
    pub partitioned_until: Duration,
    pub refuse: u32,
    pub home_user: u32,
}

/// A message the server accepted (stored as new).
#[derive(Debug, Clone)]
pub(crate) struct Accepted {
    pub from: u32,
    pub to: u32,
    pub inbox_seq: u64,
    pub step: u64,
    pub at: Duration,
    /// Sending instance: slot and generation.
    pub sender: (usize, u64),
    /// Delivered to some instance of the recipient (or completed on the
    /// sender's instance, for a message to oneself).
    pub delivered: bool,
}

pub(crate) struct Server {
    pub engine: Option<Engine<MemoryStore>>,
    pub parked: Option<MemoryStore>,
    pub config: EngineConfig,
    pub incarnation: u64,
    pub sched: Option<Duration>,
    pub stall_until: Duration,
    /// What reached the server while it was stalled, in arrival order: a
    /// stalled process still reads each socket in order when it resumes.
    pub held: std::collections::VecDeque<Ev>,
    /// A `StallEnd` is scheduled.
    pub stall_end_pending: bool,
    pub by_conn: HashMap<SConn, LinkId>,
    pub next_conn: u64,
    pub open_conns: usize,
    /// Inputs handled so far (the server's logical clock).
    pub step: u64,
}

/// Counters of one run.
#[derive(Debug, Clone, Default)]
pub struct SimStats {
    /// Queue events processed.
    pub events: u64,
    /// Frames delivered client → server.
    pub frames_up: u64,
    /// Frames delivered server → client.
    pub frames_down: u64,
    /// Messages the server stored.
    pub accepted: u64,
    /// MESSAGE_RECEIVED deliveries (messages).
    pub delivered: u64,
    /// Successful fresh logins.
    pub logins: u64,
    /// Client instances created.
    pub instances: u64,
    /// Faults injected, by kind.
    pub faults: BTreeMap<String, u64>,
    /// Pushes duplicated.
    pub dup_pushes: u64,
    /// Largest `pending_requests()` seen.
    pub max_pending: usize,
    /// Largest `cached_messages()` seen.
    pub max_cached: usize,
    /// Largest server connection count.
    pub max_server_conns: usize,
    /// Virtual time simulated.
    pub virtual_time: Duration,
    /// Most logins (first and re-logins) the server granted in one virtual
    /// second.
    pub max_logins_per_s: u64,
    /// Logins the server refused for its login rate (70050).
    pub login_rate_refusals: u64,
}

/// An invariant that did not hold.
#[derive(Debug, Clone)]
pub struct Violation {
    /// Which invariant (a short stable name, see docs/SIMULATION.md).
    pub invariant: &'static str,
    /// What exactly.
    pub detail: String,
    /// Virtual time of detection.
    pub at: Duration,
    /// Client slots involved.
    pub slots: Vec<usize>,
    /// The newest trace lines about them.
    pub trace: Vec<String>,
}

/// The result of one run.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The seed.
    pub seed: u64,
    /// The configuration profile.
    pub profile: &'static str,
    /// Hash of the whole event log.
    pub hash: u64,
    /// Trace lines logged.
    pub lines: u64,
    /// Counters.
    pub stats: SimStats,
    /// The first invariant broken, if any.
    pub violation: Option<Violation>,
    /// Every line and note of the run, when [`SimConfig::whole_trace`]
    /// asked for it.
    pub trace: Option<WholeTrace>,
}

/// The simulated world.
pub struct World {
    pub(crate) cfg: SimConfig,
    pub(crate) seed: u64,
    pub(crate) base: Instant,
    pub(crate) now: Duration,
    queue: BinaryHeap<Item>,
    next_seq: u64,
    pub(crate) wrng: SimRng,
    pub(crate) nrng: SimRng,
    pub(crate) frng: SimRng,
    pub(crate) krng: SimRng,
    pub(crate) slots: Vec<Slot>,
    pub(crate) links: Vec<Link>,
    pub(crate) server: Server,
    pub(crate) accepted: Vec<Accepted>,
    pub(crate) by_key: HashMap<(u32, u32, u64, u64), u32>,
    pub(crate) to_user: Vec<Vec<u32>>,
    /// Messages pushed to an instance that was not in a session: it acks
    /// the push and drops the message (slot, link).
    pub(crate) dropped_pushes: HashMap<u32, (usize, LinkId)>,
    /// Messages that reached an instance in a session in a getmsg reply
    /// (whether or not it emitted them): slot.
    pub(crate) sync_reached: HashMap<u32, usize>,
    /// For each message, the last link a getmsg reply carried it on.
    pub(crate) synced_on: HashMap<u32, LinkId>,
    /// InstId of each successful login → server step.
    pub(crate) inst_ids: HashMap<u64, u64>,
    /// Logins granted in the current virtual second: (second, count).
    pub(crate) login_second: (u64, u64),
    /// Sends that failed with 2805 (their offline window was spent), by
    /// message key → when: the server must never accept one after that.
    pub(crate) expired_sends: HashMap<(u32, u32, u64, u64), Duration>,
    pub(crate) trace: Trace,
    pub(crate) stats: SimStats,
    pub(crate) workload_on: bool,
    pub(crate) planted_armed: bool,
    pub(crate) violation: Option<Violation>,
    pub(crate) msg_counter: u64,
}

impl World {
    /// A world for `seed` with configuration `cfg`.
    pub fn new(seed: u64, cfg: SimConfig) -> World {
        let config = EngineConfig {
            apps: vec![AppConfig {
                sdk_app_id: APP,
                secret_key: KEY.into(),
            }],
            ..EngineConfig::default()
        };
        let engine = Engine::new(config.clone(), MemoryStore::new(), derive(seed, 0x5E7));
        let mut nrng = SimRng::new(seed, 2);
        let slots = (0..cfg.clients)
            .map(|i| Slot {
                inst: None,
                next_gen: 0,
                latency: nrng.between(cfg.faults.latency.0, cfg.faults.latency.1),
                skew_ms: 0,
                partitioned_until: Duration::ZERO,
                refuse: 0,
                home_user: (i % cfg.users.max(1)) as u32,
            })
            .collect();
        let users = cfg.users + 2;
        World {
            trace: Trace::new(cfg.keep_lines, cfg.print_trace, cfg.whole_trace),
            planted_armed: cfg.planted.is_some(),
            seed,
            base: Instant::now(),
            now: Duration::ZERO,
            queue: BinaryHeap::new(),
            next_seq: 0,
            wrng: SimRng::new(seed, 1),
            nrng,
            frng: SimRng::new(seed, 3),
            krng: SimRng::new(seed, 4),
            slots,
            links: Vec::new(),
            server: Server {
                engine: Some(engine),
                parked: None,
                config,
                incarnation: 0,
                sched: None,
                stall_until: Duration::ZERO,
                held: Default::default(),
                stall_end_pending: false,
                by_conn: HashMap::new(),
                next_conn: 1,
                open_conns: 0,
                step: 0,
            },
            accepted: Vec::new(),
            by_key: HashMap::new(),
            expired_sends: HashMap::new(),
            login_second: (0, 0),
            to_user: vec![Vec::new(); users],
            inst_ids: HashMap::new(),
            synced_on: HashMap::new(),
            dropped_pushes: HashMap::new(),
            sync_reached: HashMap::new(),
            stats: SimStats::default(),
            workload_on: true,
            violation: None,
            msg_counter: 0,
            cfg,
        }
    }

    /// Run to the end (or the first violation).
    pub fn run(mut self) -> Outcome {
        let end = self.cfg.workload + self.cfg.quiesce;
        for slot in 0..self.slots.len() {
            let at = self.wrng.between(Duration::ZERO, Duration::from_secs(5));
            self.schedule(at, Ev::Act(slot));
        }
        if let Some(gap) = self.cfg.faults.mean_gap {
            let at = self.frng.exp(gap);
            self.schedule(at, Ev::Fault);
        }
        if let Some(gap) = self.cfg.rest_kick_every {
            let at = self.krng.exp(gap);
            self.schedule(at, Ev::RestKick);
        }
        self.schedule(self.cfg.workload, Ev::EndWorkload);
        while let Some(item) = self.queue.pop() {
            if item.at > end {
                break;
            }
            self.now = item.at;
            self.stats.events += 1;
            self.handle(item.ev);
            if self.violation.is_some() {
                break;
            }
        }
        if self.violation.is_none() {
            self.now = self.now.max(end);
            self.final_checks();
        }
        self.stats.virtual_time = self.now;
        Outcome {
            seed: self.seed,
            profile: self.cfg.profile,
            hash: self.trace.hash(),
            lines: self.trace.line_count(),
            stats: self.stats.clone(),
            violation: self.violation.take(),
            trace: self.trace.take_whole(),
        }
    }

    pub(crate) fn instant(&self) -> Instant {
        self.base + self.now
    }

    pub(crate) fn to_virtual(&self, at: Instant) -> Duration {
        at.saturating_duration_since(self.base)
    }

    pub(crate) fn server_unix_ms(&self) -> u64 {
        UNIX_BASE_MS + self.now.as_millis() as u64
    }

    pub(crate) fn client_unix_ms(&self, slot: usize) -> u64 {
        let ms = self.server_unix_ms() as i64 + self.slots[slot].skew_ms;
        ms.max(0) as u64
    }

    pub(crate) fn schedule(&mut self, at: Duration, ev: Ev) {
        self.next_seq += 1;
        self.queue.push(Item {
            at,
            seq: self.next_seq,
            ev,
        });
    }

    pub(crate) fn log(&mut self, slot: Option<usize>, text: impl FnOnce() -> String) {
        let text = text();
        self.trace.line(self.now, slot, &text);
    }

    /// Record a broken invariant (the first one wins).
    pub(crate) fn fail(&mut self, invariant: &'static str, slots: &[usize], detail: String) {
        if self.violation.is_some() {
            return;
        }
        self.log(None, || format!("VIOLATION {invariant}: {detail}"));
        self.violation = Some(Violation {
            invariant,
            detail,
            at: self.now,
            slots: slots.to_vec(),
            trace: self.trace.tail_for(slots, 80),
        });
    }

    fn handle(&mut self, ev: Ev) {
        match ev {
            Ev::ClientTimer { slot, at } => self.client_timer(slot, at),
            Ev::ServerTimer { at } => self.server_timer(at),
            Ev::SrvOpen(link) => self.srv_open(link),
            Ev::SrvFrame(link, bytes) => self.srv_frame(link, bytes),
            Ev::SrvClose(link) => self.srv_close(link),
            Ev::CliConnected(link) => self.cli_connected(link),
            Ev::CliConnectFailed(link, why) => self.cli_connect_failed(link, why),
            Ev::ConnectTimeout(link) => {
                if !self.links[link].opened && !self.links[link].client_closed {
                    // The driver gives up on the handshake and drops the socket.
                    self.cli_connect_failed(link, "connect timed out");
                    self.up(link, Ev::SrvClose(link));
                }
            }
            Ev::CliFrame(link, bytes) => self.cli_frame(link, bytes),
            Ev::CliClosed(link, code) => self.cli_closed(link, code),
            Ev::Act(slot) => self.act(slot),
            Ev::Fault => self.fault(),
            Ev::RestKick => self.rest_kick(),
            Ev::Restart => self.restart(),
            Ev::EndWorkload => self.end_workload(),
            Ev::StallEnd => self.stall_end(),
        }
    }

    // ----- network --------------------------------------------------------

    fn jitter(&mut self) -> Duration {
        let j = self.cfg.faults.jitter;
        self.nrng.between(Duration::ZERO, j)
    }

    /// When something sent now by `slot` arrives at the other end.
    fn arrival(&mut self, slot: usize) -> Duration {
        let s = &self.slots[slot];
        let (lat, until) = (s.latency, s.partitioned_until);
        let mut at = self.now + lat + self.jitter();
        if until > self.now {
            at = at.max(until + lat);
        }
        at
    }

    /// Send client → server on `link` (FIFO, dropped if that direction is
    /// dead).
    pub(crate) fn up(&mut self, link: LinkId, ev: Ev) {
        if self.links[link].c2s_dead {
            if let Ev::SrvFrame(_, bytes) = &ev {
                self.note_lost_up(link, bytes);
            }
            return;
        }
        let at = self
            .arrival(self.links[link].slot)
            .max(self.links[link].c2s_last);
        self.links[link].c2s_last = at;
        self.schedule(at, ev);
    }

    /// Send server → client on `link`.
    pub(crate) fn down(&mut self, link: LinkId, ev: Ev) {
        if self.links[link].s2c_dead {
            if let Ev::CliFrame(_, bytes) = &ev {
                self.note_lost(link, bytes);
            }
            return;
        }
        let at = self
            .arrival(self.links[link].slot)
            .max(self.links[link].s2c_last);
        self.links[link].s2c_last = at;
        self.schedule(at, ev);
    }

    /// The client asked for a connection.
    pub(crate) fn connect(&mut self, slot: usize, gen: u64, cconn: ConnId, url: String) -> LinkId {
        let link = self.links.len();
        self.links.push(Link {
            slot,
            gen,
            cconn,
            sconn: None,
            incarnation: 0,
            url,
            client_closed: false,
            closed_at: Duration::ZERO,
            opened: false,
            server_open: false,
            c2s_dead: false,
            s2c_dead: false,
            c2s_last: Duration::ZERO,
            s2c_last: Duration::ZERO,
        });
        let s = &mut self.slots[slot];
        let rtt = s.latency * 2;
        if s.refuse > 0 {
            s.refuse -= 1;
            self.schedule(self.now + rtt, Ev::CliConnectFailed(link, "refused"));
        } else {
            // During a partition the handshake waits for the heal (TCP
            // retransmits the SYN) or the driver's timeout, whichever is
            // first.
            self.up(link, Ev::SrvOpen(link));
        }
        let at = self.now + self.cfg.faults.connect_timeout;
        self.schedule(at, Ev::ConnectTimeout(link));
        link
    }

    /// Whether the server is stalled (or still has held input to handle
    /// first); if so, `ev` waits behind what it already holds.
    fn held_by_stall(&mut self, ev: Ev) -> Option<Ev> {
        if self.server.stall_until <= self.now && self.server.held.is_empty() {
            return Some(ev);
        }
        self.server.held.push_back(ev);
        if !self.server.stall_end_pending {
            self.server.stall_end_pending = true;
            let at = self.server.stall_until.max(self.now);
            self.schedule(at, Ev::StallEnd);
        }
        None
    }

    /// Handle what a stall held, in arrival order (the first version
    /// re-scheduled each held event by itself, so overlapping stalls could
    /// reorder a socket's frames: found by seed 6699 of profile
    /// `messages`, where a later login on a socket overtook the requests of
    /// the session before it, which then counted for the new user).
    fn stall_end(&mut self) {
        self.server.stall_end_pending = false;
        if self.server.stall_until > self.now {
            self.server.stall_end_pending = true;
            let at = self.server.stall_until;
            self.schedule(at, Ev::StallEnd);
            return;
        }
        let held = std::mem::take(&mut self.server.held);
        for ev in held {
            self.handle(ev);
        }
    }

    fn srv_open(&mut self, link: LinkId) {
        if self.server.engine.is_none() {
            self.down(link, Ev::CliConnectFailed(link, "connection refused"));
            return;
        }
        let Some(Ev::SrvOpen(link)) = self.held_by_stall(Ev::SrvOpen(link)) else {
            return;
        };
        if self.links[link].client_closed {
            return;
        }
        let sconn = SConn(self.server.next_conn);
        self.server.next_conn += 1;
        let l = &mut self.links[link];
        l.sconn = Some(sconn);
        l.server_open = true;
        l.incarnation = self.server.incarnation;
        let url = l.url.clone();
        self.server.by_conn.insert(sconn, link);
        self.server.open_conns += 1;
        let (now, unix) = (self.instant(), self.server_unix_ms());
        self.server.step += 1;
        if let Some(engine) = self.server.engine.as_mut() {
            engine.handle_connect(now, unix, sconn, &url);
        }
        self.after_server(None);
        self.down(link, Ev::CliConnected(link));
    }

    /// Whether the server end of `link` is open on the running server.
    fn server_end(&self, link: LinkId) -> Option<SConn> {
        let l = &self.links[link];
        (self.server.engine.is_some() && l.server_open && l.incarnation == self.server.incarnation)
            .then_some(l.sconn)
            .flatten()
    }

    fn srv_close(&mut self, link: LinkId) {
        let Some(sconn) = self.server_end(link) else {
            return;
        };
        let Some(Ev::SrvClose(link)) = self.held_by_stall(Ev::SrvClose(link)) else {
            return;
        };
        self.close_server_end(link);
        let (now, unix) = (self.instant(), self.server_unix_ms());
        self.server.step += 1;
        if let Some(engine) = self.server.engine.as_mut() {
            engine.handle_disconnect(now, unix, sconn);
        }
        self.after_server(None);
    }

    fn close_server_end(&mut self, link: LinkId) {
        let l = &mut self.links[link];
        if l.server_open {
            l.server_open = false;
            self.server.open_conns -= 1;
            if let Some(sconn) = l.sconn {
                self.server.by_conn.remove(&sconn);
            }
        }
    }

    // ----- server ---------------------------------------------------------

    /// Note a frame from the client that never reaches the server (its
    /// link is dead, or the server has no end of it any more).
    fn note_lost_up(&mut self, link: LinkId, bytes: &[u8]) {
        if self.trace.verbose() {
            let text = decode(bytes).map_or_else(
                |_| format!("undecodable frame ({} bytes)", bytes.len()),
                |f| format!("{} seq={}", f.head.servcmd, f.head.seq),
            );
            let slot = self.links[link].slot;
            self.trace
                .note(self.now, Some(slot), &format!("lost up L{link} {text}"));
        }
    }

    fn srv_frame(&mut self, link: LinkId, bytes: Bytes) {
        let Some(sconn) = self.server_end(link) else {
            return self.note_lost_up(link, &bytes);
        };
        let Some(Ev::SrvFrame(link, bytes)) = self.held_by_stall(Ev::SrvFrame(link, bytes)) else {
            return;
        };
        self.stats.frames_up += 1;
        self.trace.mix_bytes(&bytes);
        let slot = self.links[link].slot;
        let frame = decode(&bytes).ok();
        let cmd = frame
            .as_ref()
            .map(|f| f.head.servcmd.clone())
            .unwrap_or_default();
        let mut send = None;
        let mut resync = false;
        if let Some(f) = &frame {
            if self.trace.wants_text() && cmd != servcmd::ALIVE {
                let text = format!("srv<- L{link} {cmd} seq={}", f.head.seq);
                self.trace.keep(self.now, Some(slot), &text);
            }
            if cmd == servcmd::SEND_C2C {
                if let Ok(req) = f.body_as::<tcchat_core::proto::SendMsgRequest>() {
                    let head = self.inbox_head(&req.to_account);
                    send = Some((req, head));
                }
            } else if cmd == servcmd::GET_MSG {
                resync = f
                    .body_as::<tcchat_core::proto::GetMsgRequest>()
                    .is_ok_and(|r| !r.cookie.is_empty());
            }
        }
        let (now, unix) = (self.instant(), self.server_unix_ms());
        self.server.step += 1;
        if let Some(engine) = self.server.engine.as_mut() {
            engine.handle_frame(now, unix, sconn, &bytes);
        }
        if let Some((req, before)) = send {
            let after = self.inbox_head(&req.to_account);
            if after > before {
                self.record_accepted(link, &req, after);
            }
        }
        self.after_server(Some(Ctx {
            link,
            sconn,
            cmd,
            resync,
        }));
    }

    fn inbox_head(&mut self, user: &str) -> u64 {
        self.server
            .engine
            .as_mut()
            .and_then(|e| e.store_mut().inbox_head(APP, user).ok())
            .unwrap_or(0)
    }

    fn record_accepted(
        &mut self,
        link: LinkId,
        req: &tcchat_core::proto::SendMsgRequest,
        inbox_seq: u64,
    ) {
        let (Some(from), Some(to)) = (uidx(&req.from_account), uidx(&req.to_account)) else {
            return;
        };
        let key = (from, to, req.msg_seq, req.msg_random);
        if let Some(&expired) = self.expired_sends.get(&key) {
            let slot = self.links[link].slot;
            return self.fail(
                "never-after-window",
                &[slot],
                format!(
                    "u{from}->u{to} seq={} accepted at {:.3}s, after its send failed with 2805 at {:.3}s",
                    req.msg_seq,
                    super::actors::secs(self.now),
                    super::actors::secs(expired)
                ),
            );
        }
        let l = &self.links[link];
        let idx = self.accepted.len() as u32;
        self.accepted.push(Accepted {
            from,
            to,
            inbox_seq,
            step: self.server.step,
            at: self.now,
            sender: (l.slot, l.gen),
            delivered: false,
        });
        self.by_key
            .insert((from, to, req.msg_seq, req.msg_random), idx);
        self.to_user[to as usize].push(idx);
        self.stats.accepted += 1;
        let slot = l.slot;
        let (seq, random) = (req.msg_seq, req.msg_random);
        self.log(Some(slot), || {
            format!("ACCEPT #{idx} u{from}->u{to} inbox={inbox_seq} seq={seq} rnd={random}")
        });
    }

    fn server_timer(&mut self, at: Duration) {
        if self.server.sched != Some(at) || self.server.engine.is_none() {
            return;
        }
        if self.server.stall_until > self.now {
            let at = self.server.stall_until;
            self.server.sched = Some(at);
            self.schedule(at, Ev::ServerTimer { at });
            return;
        }
        self.server.sched = None;
        let (now, unix) = (self.instant(), self.server_unix_ms());
        self.server.step += 1;
        if let Some(engine) = self.server.engine.as_mut() {
            engine.handle_timeout(now, unix);
        }
        self.after_server(None);
    }

    /// Drain the engine's outputs onto the network and re-arm its timer.
    fn after_server(&mut self, ctx: Option<Ctx>) {
        loop {
            let Some(out) = self.server.engine.as_mut().and_then(|e| e.poll_output()) else {
                break;
            };
            match out {
                Output::Send { conn, frame } => {
                    let Some(&link) = self.server.by_conn.get(&conn) else {
                        continue;
                    };
                    let frame = self.inspect_reply(ctx.as_ref(), conn, frame);
                    let is_push = ctx
                        .as_ref()
                        .is_some_and(|c| c.cmd == servcmd::SEND_C2C && c.sconn != conn);
                    self.down(link, Ev::CliFrame(link, frame.clone()));
                    if is_push && self.nrng.chance(self.cfg.faults.dup_push) {
                        self.stats.dup_pushes += 1;
                        let slot = self.links[link].slot;
                        self.log(Some(slot), || format!("net: push on L{link} duplicated"));
                        self.down(link, Ev::CliFrame(link, frame));
                    }
                }
                Output::Close { conn, code, reason } => {
                    let Some(&link) = self.server.by_conn.get(&conn) else {
                        continue;
                    };
                    let slot = self.links[link].slot;
                    self.log(Some(slot), || {
                        format!("srv closes L{link}: {code} {reason}")
                    });
                    self.close_server_end(link);
                    self.down(link, Ev::CliClosed(link, Some(code)));
                }
            }
        }
        let conns = self
            .server
            .engine
            .as_ref()
            .map_or(0, |e| e.connection_count());
        self.stats.max_server_conns = self.stats.max_server_conns.max(conns);
        if self.server.engine.is_some() && conns != self.server.open_conns {
            let open = self.server.open_conns;
            self.fail(
                "server-connections",
                &[],
                format!("the engine holds {conns} connections, the network has {open} open at the server"),
            );
        }
        let next = self
            .server
            .engine
            .as_ref()
            .and_then(|e| e.poll_timeout())
            .map(|t| self.to_virtual(t).max(self.now));
        if next != self.server.sched {
            self.server.sched = next;
            if let Some(at) = next {
                self.schedule(at, Ev::ServerTimer { at });
            }
        }
    }

    /// Look at (and, for a planted bug, tamper with) a reply frame.
    fn inspect_reply(&mut self, ctx: Option<&Ctx>, conn: SConn, frame: Bytes) -> Bytes {
        let Some(ctx) = ctx else { return frame };
        if ctx.sconn != conn {
            return frame;
        }
        if ctx.cmd == servcmd::LOGIN {
            if let Ok(f) = decode(&frame) {
                if let Ok(reply) = f.body_as::<tcchat_core::proto::LoginReply>() {
                    if reply.base.error_code == 0 {
                        self.inst_ids.insert(reply.inst_id, self.server.step);
                        let second = self.now.as_secs();
                        if self.login_second.0 != second {
                            self.login_second = (second, 0);
                        }
                        self.login_second.1 += 1;
                        self.stats.max_logins_per_s =
                            self.stats.max_logins_per_s.max(self.login_second.1);
                    } else if reply.base.error_code == 70050 {
                        self.stats.login_rate_refusals += 1;
                    }
                }
            }
        }
        if ctx.cmd == servcmd::GET_MSG {
            if let Ok(reply) =
                decode(&frame).and_then(|f| f.body_as::<tcchat_core::proto::GetMsgReply>())
            {
                for w in &reply.msg_list {
                    let key = (uidx(&w.from_account), uidx(&w.to_account));
                    if let (Some(from), Some(to)) = key {
                        if let Some(&idx) = self.by_key.get(&(from, to, w.msg_seq, w.msg_random)) {
                            self.synced_on.insert(idx, ctx.link);
                        }
                    }
                }
            }
        }
        if ctx.cmd == servcmd::GET_MSG
            && ctx.resync
            && self.planted_armed
            && self.cfg.planted == Some(PlantedBug::ResyncSkipsAMessage)
        {
            if let Ok(f) = decode(&frame) {
                if let Ok(mut reply) = f.body_as::<tcchat_core::proto::GetMsgReply>() {
                    if !reply.msg_list.is_empty() {
                        let lost = reply.msg_list.remove(0);
                        self.planted_armed = false;
                        let slot = self.links[ctx.link].slot;
                        self.log(Some(slot), || {
                            format!(
                                "PLANTED BUG: resync reply loses {}->{} seq={}",
                                lost.from_account, lost.to_account, lost.msg_seq
                            )
                        });
                        return encode(&f.head, &reply);
                    }
                }
            }
        }
        frame
    }

    // ----- faults ---------------------------------------------------------

    fn fault(&mut self) {
        if !self.workload_on {
            return;
        }
        let Some(gap) = self.cfg.faults.mean_gap else {
            return;
        };
        let next = self.now + self.frng.exp(gap);
        self.schedule(next, Ev::Fault);
        let total: u32 = self.cfg.faults.weights.iter().sum();
        if total == 0 {
            return;
        }
        let mut pick = self.frng.below(u64::from(total)) as u32;
        let mut kind = FaultKind::Drop;
        for (k, w) in FaultKind::ALL.iter().zip(self.cfg.faults.weights) {
            if pick < w {
                kind = *k;
                break;
            }
            pick -= w;
        }
        let slot = self.frng.index(self.slots.len());
        *self.stats.faults.entry(format!("{kind:?}")).or_default() += 1;
        match kind {
            FaultKind::Drop => {
                if let Some(link) = self.current_link(slot) {
                    self.log(Some(slot), || format!("FAULT reset L{link}"));
                    self.down(link, Ev::CliClosed(link, None));
                    self.up(link, Ev::SrvClose(link));
                }
            }
            FaultKind::HalfOpen => {
                if let Some(link) = self.current_link(slot) {
                    let which = self.frng.below(3);
                    let l = &mut self.links[link];
                    match which {
                        0 => l.c2s_dead = true,
                        1 => l.s2c_dead = true,
                        _ => {
                            l.c2s_dead = true;
                            l.s2c_dead = true;
                        }
                    }
                    let what = ["client->server", "server->client", "both ways"][which as usize];
                    self.log(Some(slot), || {
                        format!("FAULT half-open L{link}: {what} dead")
                    });
                }
            }
            FaultKind::Refuse => {
                let n = 1 + self.frng.below(4) as u32;
                self.slots[slot].refuse = n;
                self.log(Some(slot), || format!("FAULT next {n} connects refused"));
            }
            FaultKind::Partition => {
                if self.slots[slot].partitioned_until <= self.now {
                    let d = self
                        .frng
                        .between(Duration::from_secs(1), Duration::from_secs(90));
                    self.slots[slot].partitioned_until = self.now + d;
                    self.log(Some(slot), || format!("FAULT partitioned for {d:?}"));
                }
            }
            FaultKind::Crash => {
                if self.server.engine.is_some() {
                    let d = self
                        .frng
                        .between(Duration::from_millis(200), Duration::from_secs(10));
                    self.crash(d);
                }
            }
            FaultKind::Slow => {
                let d = self
                    .frng
                    .between(Duration::from_millis(100), Duration::from_secs(20));
                let until = self.now + d;
                self.server.stall_until = self.server.stall_until.max(until);
                self.log(None, || format!("FAULT server stalls for {d:?}"));
            }
            FaultKind::ClockJump => {
                let mag = self.frng.below(7_200_000) as i64 + 1_000;
                let delta = if self.frng.chance(0.5) { mag } else { -mag };
                self.slots[slot].skew_ms += delta;
                self.log(Some(slot), || format!("FAULT wall clock jumps {delta} ms"));
                let (now, unix) = (self.instant(), self.client_unix_ms(slot));
                if let Some(inst) = self.slots[slot].inst.as_mut() {
                    inst.client.handle_wall_clock(now, unix);
                }
                self.pump(slot, None);
            }
        }
    }

    fn rest_kick(&mut self) {
        let Some(gap) = self.cfg.rest_kick_every.filter(|_| self.workload_on) else {
            return;
        };
        let next = self.now + self.krng.exp(gap);
        self.schedule(next, Ev::RestKick);
        let user = self.krng.below(self.cfg.users as u64);
        let unix = self.server_unix_ms();
        let Some(engine) = self.server.engine.as_mut() else {
            return;
        };
        let admin = EngineConfig::DEFAULT_ADMIN;
        let auth = tcchat_server::engine::AdminAuth {
            sdk_app_id: APP,
            identifier: admin.to_owned(),
            usersig: tcchat_server::gen_usersig(APP, KEY, admin, 86_400, unix / 1000),
        };
        self.server.step += 1;
        let result = engine.handle_admin_kick(unix, &auth, &format!("u{user}"));
        let text = match &result {
            Ok(n) => format!("REST kick u{user}: {n} session(s)"),
            Err(e) => format!("REST kick u{user}: {e:?}"),
        };
        self.log(None, || text);
        self.after_server(None);
    }

    /// The link the client of `slot` uses (or is opening), if any.
    pub(crate) fn current_link(&self, slot: usize) -> Option<LinkId> {
        let inst = self.slots[slot].inst.as_ref()?;
        inst.conns
            .iter()
            .rev()
            .copied()
            .find(|&l| !self.links[l].client_closed)
    }

    fn crash(&mut self, down_for: Duration) {
        let Some(engine) = self.server.engine.take() else {
            return;
        };
        self.log(None, || {
            format!("FAULT server crash, down for {down_for:?}")
        });
        self.server.parked = Some(engine.into_store());
        self.server.sched = None;
        self.server.stall_until = Duration::ZERO;
        // What a crashed process had not read yet is gone with it.
        self.server.held.clear();
        let open: Vec<LinkId> = (0..self.links.len())
            .filter(|&l| self.links[l].server_open)
            .collect();
        for link in open {
            self.close_server_end(link);
            if self.frng.chance(self.cfg.faults.crash_resets) {
                self.down(link, Ev::CliClosed(link, None));
            }
        }
        self.server.incarnation += 1;
        self.schedule(self.now + down_for, Ev::Restart);
    }

    fn restart(&mut self) {
        let Some(store) = self.server.parked.take() else {
            return;
        };
        let seed = derive(self.seed, 0x5E7 + self.server.incarnation);
        self.server.engine = Some(Engine::new(self.server.config.clone(), store, seed));
        self.log(None, || "server restarted on its store".to_string());
        self.after_server(None);
    }

    fn end_workload(&mut self) {
        self.workload_on = false;
        self.log(None, || {
            "END OF WORKLOAD: network heals, no more faults".into()
        });
        for s in &mut self.slots {
            s.partitioned_until = s.partitioned_until.min(self.now);
            s.refuse = 0;
        }
    }

    // ----- client side of the network ------------------------------------

    /// The live instance a link belongs to, if it still exists.
    fn link_inst(&self, link: LinkId) -> Option<usize> {
        let l = &self.links[link];
        let inst = self.slots[l.slot].inst.as_ref()?;
        (inst.gen == l.gen).then_some(l.slot)
    }

    fn cli_connected(&mut self, link: LinkId) {
        let Some(slot) = self.link_inst(link) else {
            return self.driver_close(link);
        };
        if self.links[link].client_closed {
            return;
        }
        let inst = self.slots[slot].inst.as_mut().expect("checked");
        if inst.connecting == Some(link) {
            inst.connecting = None;
        }
        if inst.destroyed {
            // A destroyed instance ignores it; its driver closes the socket.
            return self.driver_close(link);
        }
        self.links[link].opened = true;
        let cconn = self.links[link].cconn;
        self.log(Some(slot), || format!("net: L{link} open"));
        let now = self.instant();
        self.slots[slot]
            .inst
            .as_mut()
            .expect("checked")
            .client
            .handle_connected(now, cconn);
        self.pump(slot, None);
    }

    /// The driver closes a socket nobody owns any more.
    fn driver_close(&mut self, link: LinkId) {
        if !self.links[link].client_closed {
            self.links[link].client_closed = true;
            self.links[link].closed_at = self.now;
            self.up(link, Ev::SrvClose(link));
        }
    }

    fn cli_connect_failed(&mut self, link: LinkId, why: &'static str) {
        self.client_end_closes(
            link,
            || format!("net: L{link} connect failed: {why}"),
            DisconnectReason::ConnectFailed(why.into()),
        );
    }

    /// The client's end of `link` closes, if the link still belongs to its
    /// instance and was not closed yet: log `what` and tell the client
    /// `reason`.
    fn client_end_closes(
        &mut self,
        link: LinkId,
        what: impl FnOnce() -> String,
        reason: DisconnectReason,
    ) {
        let Some(slot) = self.link_inst(link) else {
            return;
        };
        if self.links[link].client_closed {
            return;
        }
        self.links[link].client_closed = true;
        self.links[link].closed_at = self.now;
        let inst = self.slots[slot].inst.as_mut().expect("checked");
        if inst.connecting == Some(link) {
            inst.connecting = None;
        }
        let cconn = self.links[link].cconn;
        self.log(Some(slot), what);
        let now = self.instant();
        self.slots[slot]
            .inst
            .as_mut()
            .expect("checked")
            .client
            .handle_disconnected(now, cconn, reason);
        self.pump(slot, None);
    }

    /// Note a frame to the client that never reaches it (its link is dead,
    /// closed by the client, or of a destroyed instance).
    fn note_lost(&mut self, link: LinkId, bytes: &[u8]) {
        if self.trace.verbose() {
            let text = describe_down(bytes);
            let slot = self.links[link].slot;
            self.trace
                .note(self.now, Some(slot), &format!("lost L{link} {text}"));
        }
    }

    fn cli_frame(&mut self, link: LinkId, bytes: Bytes) {
        let Some(slot) = self.link_inst(link) else {
            return self.note_lost(link, &bytes);
        };
        if self.links[link].client_closed {
            return self.note_lost(link, &bytes);
        }
        self.stats.frames_down += 1;
        self.trace.mix_bytes(&bytes);
        if self.trace.verbose() {
            let text = describe_down(&bytes);
            self.trace
                .note(self.now, Some(slot), &format!("cli<- L{link} {text}"));
        }
        let cconn = self.links[link].cconn;
        let now = self.instant();
        self.slots[slot]
            .inst
            .as_mut()
            .expect("checked")
            .client
            .handle_frame(now, cconn, &bytes);
        let was_ready = self.slots[slot].inst.as_ref().is_some_and(|i| i.ready);
        self.pump(slot, Some((link, &bytes)));
        if !was_ready {
            self.note_dropped_push(slot, link, &bytes);
        } else if bytes.starts_with(b"COMP") || contains(&bytes, b"openim.getmsg") {
            self.note_sync_reached(slot, &bytes);
        }
        // A refusal that names a kick (ErrorCode 1002 + KickType) must end
        // the session, as the official SDK reports KICKED_OUT for it.
        if was_ready && has_error_code(&bytes, b"1002") {
            let still = self.slots[slot].inst.as_ref().is_some_and(|i| i.ready);
            if still {
                self.fail(
                    "kick-honoured",
                    &[slot],
                    format!("a 1002 (kicked) reply on L{link} left the session ready"),
                );
            }
        }
    }

    fn cli_closed(&mut self, link: LinkId, code: Option<u16>) {
        let reason = match code {
            Some(c) => DisconnectReason::Closed(Some(c)),
            None => DisconnectReason::Error("connection reset".into()),
        };
        self.client_end_closes(link, || format!("net: L{link} closed ({code:?})"), reason);
    }

    /// A push that reached an instance outside any session: remember its
    /// messages (the client acks such a push, then drops it).
    fn note_dropped_push(&mut self, slot: usize, link: LinkId, bytes: &[u8]) {
        let Ok(f) = decode(bytes) else { return };
        if f.head.servcmd != servcmd::MSG_PUSH {
            return;
        }
        let Ok(push) = f.body_as::<tcchat_core::proto::MsgPush>() else {
            return;
        };
        for item in &push.event_array {
            for w in item.c2c_msg_array.iter().flatten() {
                let key = (uidx(&w.from_account), uidx(&w.to_account));
                if let (Some(from), Some(to)) = key {
                    if let Some(&idx) = self.by_key.get(&(from, to, w.msg_seq, w.msg_random)) {
                        self.log(Some(slot), || {
                            format!(
                                "push of #{idx} reached L{link} outside a session (NeedAck={})",
                                push.need_ack
                            )
                        });
                        self.dropped_pushes.insert(idx, (slot, link));
                    }
                }
            }
        }
    }

    fn note_sync_reached(&mut self, slot: usize, bytes: &[u8]) {
        let Ok(f) = decode(bytes) else { return };
        if f.head.servcmd != servcmd::GET_MSG {
            return;
        }
        let Ok(reply) = f.body_as::<tcchat_core::proto::GetMsgReply>() else {
            return;
        };
        for w in &reply.msg_list {
            if let (Some(from), Some(to)) = (uidx(&w.from_account), uidx(&w.to_account)) {
                if let Some(&idx) = self.by_key.get(&(from, to, w.msg_seq, w.msg_random)) {
                    self.sync_reached.insert(idx, slot);
                }
            }
        }
    }

    fn client_timer(&mut self, slot: usize, at: Duration) {
        let now = self.instant();
        let Some(inst) = self.slots[slot].inst.as_mut() else {
            return;
        };
        if inst.sched != Some(at) {
            return;
        }
        inst.sched = None;
        inst.client.handle_timeout(now);
        self.pump(slot, None);
    }
}

/// What the server was handling when it produced outputs.
pub(crate) struct Ctx {
    link: LinkId,
    sconn: SConn,
    cmd: String,
    resync: bool,
}

/// A one-line summary of a server → client frame (verbose traces only).
fn describe_down(bytes: &[u8]) -> String {
    let Ok(f) = decode(bytes) else {
        return format!("undecodable frame ({} bytes)", bytes.len());
    };
    let v: serde_json::Value = serde_json::from_str(f.body.get()).unwrap_or_default();
    let mut s = format!(
        "{} seq={} err={}",
        f.head.servcmd, f.head.seq, v["ErrorCode"]
    );
    if let Some(list) = v["MsgList"].as_array() {
        s += &format!(
            " msgs={} cookie={} flag={}",
            list.len(),
            v["Cookie"],
            v["SyncFlag"]
        );
    }
    if let Some(unread) = v["C2CPairUnreadCount"].as_array() {
        let counts: Vec<String> = unread
            .iter()
            .map(|p| format!("{}:{}", p["From_Account"], p["UnreadCount"]))
            .collect();
        s += &format!(" unread=[{}]", counts.join(","));
    }
    if let Some(ev) = v["EventArray"].as_array() {
        s += &format!(
            " events={}",
            serde_json::to_string(ev).unwrap_or_default().len()
        );
        s += &format!(" session={}", v["SessionData"]);
    }
    for k in ["KickType", "InstId"] {
        if !v[k].is_null() {
            s += &format!(" {k}={}", v[k]);
        }
    }
    s
}

/// Whether `bytes` carry `"ErrorCode":<code>` exactly (10021, a group ID
/// in use, is not 1002).
fn has_error_code(bytes: &[u8], code: &[u8]) -> bool {
    let key = b"\"ErrorCode\":";
    bytes.windows(key.len()).enumerate().any(|(i, w)| {
        let rest = &bytes[i + key.len()..];
        w == key && rest.starts_with(code) && !rest.get(code.len()).is_some_and(u8::is_ascii_digit)
    })
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// `u17` → 17.
pub(crate) fn uidx(user: &str) -> Option<u32> {
    user.strip_prefix('u')?.parse().ok()
}
