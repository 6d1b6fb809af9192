//! The client side of the world: creating instances, draining their
//! outputs after every input, and the seeded workload that drives them.

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use bytes::Bytes;
use tcchat_core::model::CreateTextMessageOptions;
use tcchat_core::types::NetState;
use tcchat_core::{Client, Options, Transmit};
use tcchat_server::gen_usersig;

use super::rng::derive;
use super::world::{Ev, Inst, LinkId, World, APP, KEY};

impl World {
    /// Create (or re-create) the client instance of `slot`.
    pub(crate) fn create(&mut self, slot: usize) {
        let gen = self.slots[slot].next_gen;
        self.slots[slot].next_gen += 1;
        let seed = derive(self.seed, 0x1_0000 + ((slot as u64) << 20) + gen);
        let mut opts = Options::new(APP).with_proxy_server("ws://sim");
        opts.tuning = self.cfg.tuning.clone();
        let (now, unix) = (self.instant(), self.client_unix_ms(slot));
        let client = Client::new(opts, seed, now, unix);
        self.slots[slot].inst = Some(Inst {
            gen,
            client,
            conns: Vec::new(),
            connecting: None,
            sched: None,
            ready: false,
            net: NetState::Connected,
            destroyed: false,
            end_expected: false,
            pending_login: None,
            session: None,
            ever: HashSet::new(),
            outstanding: BTreeMap::new(),
            failed: Vec::new(),
            sending: BTreeMap::new(),
            sessions: 0,
            known: Default::default(),
            versions: BTreeMap::new(),
            candidates: Vec::new(),
            conversations: Vec::new(),
            group_seen: HashSet::new(),
            group_sent: HashSet::new(),
        });
        self.stats.instances += 1;
        self.log(Some(slot), || format!("create instance gen={gen}"));
        self.pump(slot, None);
    }

    /// Drain everything the client of `slot` produced, feed the oracle,
    /// check the per-step invariants and re-arm its timer. `frame` is the
    /// frame just handled (to tell pushes from sync replies).
    pub(crate) fn pump(&mut self, slot: usize, frame: Option<(LinkId, &Bytes)>) {
        let mut transmits = Vec::new();
        let mut events = Vec::new();
        let mut completions = Vec::new();
        {
            let Some(inst) = self.slots[slot].inst.as_mut() else {
                return;
            };
            while let Some(t) = inst.client.poll_transmit() {
                transmits.push(t);
            }
            while let Some(e) = inst.client.poll_event() {
                events.push(e);
            }
            while let Some(c) = inst.client.poll_completion() {
                completions.push(c);
            }
        }
        for t in transmits {
            self.transmit(slot, t);
        }
        let mut source = None;
        for e in events {
            if matches!(e, tcchat_core::Event::MessageReceived(_)) && source.is_none() {
                source = Some(classify(frame));
            }
            self.on_event(slot, e, source.unwrap_or(Source::Unknown));
        }
        for c in completions {
            self.on_completion(slot, c);
        }
        self.check_client(slot);
        self.resched(slot);
    }

    fn transmit(&mut self, slot: usize, t: Transmit) {
        let gen = match self.slots[slot].inst.as_ref() {
            Some(inst) => inst.gen,
            None => return,
        };
        match t {
            Transmit::Connect { conn, url } => {
                self.log(Some(slot), || format!("connect #{}", conn.0));
                let link = self.connect(slot, gen, conn, url);
                let inst = self.slots[slot].inst.as_mut().expect("exists");
                if inst.conns.len() != conn.0 as usize {
                    let n = inst.conns.len();
                    self.fail(
                        "conn-ids",
                        &[slot],
                        format!("connect asked for ConnId {} after {n} connects", conn.0),
                    );
                    return;
                }
                inst.conns.push(link);
                inst.connecting = Some(link);
            }
            Transmit::Send { conn, frame } => {
                let Some(&link) = self.slots[slot]
                    .inst
                    .as_ref()
                    .and_then(|i| i.conns.get(conn.0 as usize))
                else {
                    return self.fail(
                        "conn-ids",
                        &[slot],
                        format!("send on unknown ConnId {}", conn.0),
                    );
                };
                if self.links[link].client_closed {
                    // Writing to a socket already closed: the driver drops it.
                    return;
                }
                self.up(link, Ev::SrvFrame(link, frame));
            }
            Transmit::Close { conn, code } => {
                let Some(&link) = self.slots[slot]
                    .inst
                    .as_ref()
                    .and_then(|i| i.conns.get(conn.0 as usize))
                else {
                    return;
                };
                self.log(Some(slot), || format!("close L{link} ({code})"));
                let inst = self.slots[slot].inst.as_mut().expect("exists");
                if inst.connecting == Some(link) {
                    inst.connecting = None;
                }
                if !self.links[link].client_closed {
                    self.links[link].client_closed = true;
                    self.links[link].closed_at = self.now;
                    self.up(link, Ev::SrvClose(link));
                }
            }
        }
    }

    fn resched(&mut self, slot: usize) {
        let base = self.base;
        let now = self.now;
        let Some(inst) = self.slots[slot].inst.as_mut() else {
            return;
        };
        let next = inst
            .client
            .poll_timeout()
            .map(|t| t.saturating_duration_since(base).max(now));
        if next != inst.sched {
            inst.sched = next;
            if let Some(at) = next {
                self.schedule(at, Ev::ClientTimer { slot, at });
            }
        }
    }

    // ----- workload -------------------------------------------------------

    fn sig_for(&mut self, user: u32) -> String {
        let now_s = self.server_unix_ms() / 1000;
        let expire = if self.wrng.chance(self.cfg.short_sig) {
            60 + self.wrng.below(600)
        } else {
            86_400
        };
        gen_usersig(APP, KEY, &format!("u{user}"), expire, now_s)
    }

    /// Client `slot` does one thing the seed chooses.
    pub(crate) fn act(&mut self, slot: usize) {
        if !self.workload_on {
            return;
        }
        let gap = self.wrng.exp(self.cfg.action_every);
        self.schedule(self.now + gap, Ev::Act(slot));
        let state = self.slots[slot]
            .inst
            .as_ref()
            .map(|i| (i.destroyed, i.pending_login.is_some(), i.client.is_ready()));
        match state {
            None => self.create(slot),
            Some((true, ..)) => {
                if self.wrng.chance(0.5) {
                    self.create(slot);
                }
            }
            Some((false, true, _)) => {}
            Some((false, false, false)) => {
                let logged = self.slots[slot]
                    .inst
                    .as_ref()
                    .is_some_and(|i| i.client.login_user().is_some());
                if !logged {
                    let user = if !self.cfg.switch_users || self.wrng.chance(0.6) {
                        self.slots[slot].home_user
                    } else {
                        self.wrng.below(self.cfg.users as u64) as u32
                    };
                    self.login(slot, user);
                }
            }
            Some((false, false, true)) => {
                if self.cfg.group_ops && self.wrng.chance(0.5) {
                    return self.group_action(slot);
                }
                if self.cfg.relation_ops && self.wrng.chance(0.5) {
                    return self.relation_action(slot);
                }
                let r = self.wrng.unit();
                if r < 0.62 {
                    self.send_random(slot);
                } else if r < 0.69 {
                    let n = 2 + self.wrng.below(7);
                    for _ in 0..n {
                        self.send_random(slot);
                    }
                } else if r < 0.75 {
                    self.retry_failed(slot);
                } else if r < 0.80 {
                    let user = self.slots[slot]
                        .inst
                        .as_ref()
                        .and_then(|i| i.session.as_ref().map(|s| s.user))
                        .unwrap_or(0);
                    self.login(slot, user); // a repeat login: completes at once
                } else if r < 0.88 {
                    self.logout(slot);
                } else if r < 0.92 {
                    self.destroy(slot);
                } else if self.cfg.message_ops {
                    // Issue 8's operations, in what used to be idle time.
                    if r < 0.945 {
                        self.revoke_random(slot);
                    } else if r < 0.97 {
                        self.modify_random(slot);
                    } else if r < 0.99 {
                        self.read_random(slot);
                    }
                }
            }
        }
    }

    fn login(&mut self, slot: usize, user: u32) {
        let sig = self.sig_for(user);
        let now = self.instant();
        let t = self.now;
        let Some(inst) = self.slots[slot].inst.as_mut() else {
            return;
        };
        let result = inst.client.login(now, &format!("u{user}"), &sig);
        if let Ok(id) = result {
            inst.outstanding.insert(id.erased(), (t, "login"));
            if inst.session.is_none() {
                inst.pending_login = Some((id, user));
            }
        }
        self.log(Some(slot), || {
            format!("cmd login u{user}: {:?}", result.map(|_| ()))
        });
        self.pump(slot, None);
    }

    fn send_random(&mut self, slot: usize) {
        let to = self.wrng.below(self.cfg.users as u64 + 2);
        self.msg_counter += 1;
        let text = format!("m{}", self.msg_counter);
        let now = self.instant();
        let t = self.now;
        let Some(inst) = self.slots[slot].inst.as_mut() else {
            return;
        };
        let opts = CreateTextMessageOptions::c2c(format!("u{to}"), text.clone());
        let result = inst
            .client
            .create_text_message(now, &opts)
            .and_then(|m| inst.client.send_message(now, &m).map(|id| (id, m)));
        let ok = match result {
            Ok((id, m)) => {
                inst.outstanding.insert(id.erased(), (t, "send"));
                inst.sending.insert(id.erased(), m);
                Ok(())
            }
            Err(e) => Err(e.code.0),
        };
        self.log(Some(slot), || format!("cmd send {text} -> u{to}: {ok:?}"));
        self.pump(slot, None);
    }

    fn retry_failed(&mut self, slot: usize) {
        let now = self.instant();
        let t = self.now;
        let Some(inst) = self.slots[slot].inst.as_mut() else {
            return;
        };
        let Some(m) = inst.failed.pop() else {
            return;
        };
        let result = inst.client.send_message(now, &m);
        if let Ok(id) = result {
            inst.outstanding.insert(id.erased(), (t, "send"));
            inst.sending.insert(id.erased(), m.clone());
        }
        let id = m.id.clone();
        self.log(Some(slot), || {
            format!(
                "cmd resend {id}: {:?}",
                result.map(|_| ()).map_err(|e| e.code.0)
            )
        });
        self.pump(slot, None);
    }

    fn logout(&mut self, slot: usize) {
        let now = self.instant();
        let t = self.now;
        let Some(inst) = self.slots[slot].inst.as_mut() else {
            return;
        };
        let was = inst.end_expected;
        inst.end_expected = true;
        let result = inst.client.logout(now);
        match result {
            Ok(id) => {
                inst.outstanding.insert(id.erased(), (t, "logout"));
            }
            Err(_) => inst.end_expected = was,
        }
        self.log(Some(slot), || {
            format!("cmd logout: {:?}", result.map(|_| ()))
        });
        self.pump(slot, None);
    }

    fn destroy(&mut self, slot: usize) {
        let now = self.instant();
        let t = self.now;
        let Some(inst) = self.slots[slot].inst.as_mut() else {
            return;
        };
        inst.end_expected = true;
        let id = inst.client.destroy(now);
        inst.outstanding.insert(id.erased(), (t, "destroy"));
        self.log(Some(slot), || "cmd destroy".into());
        self.pump(slot, None);
    }
}

/// Where the messages of a MESSAGE_RECEIVED came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    /// A `msg_push` on this link.
    Push(LinkId),
    /// A `getmsg` reply on this link.
    Sync(LinkId),
    /// Neither (a timer, a command): should not happen.
    Unknown,
}

fn classify(frame: Option<(LinkId, &Bytes)>) -> Source {
    let Some((link, bytes)) = frame else {
        return Source::Unknown;
    };
    match tcchat_core::wire::decode(bytes) {
        Ok(f) if f.head.servcmd == tcchat_core::wire::servcmd::GET_MSG => Source::Sync(link),
        Ok(_) => Source::Push(link),
        Err(_) => Source::Unknown,
    }
}

/// Virtual time as seconds, for messages.
pub(crate) fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}
