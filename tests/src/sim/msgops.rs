//! The message operations of issue 8 in the simulation: a workload of
//! revokes, modifications and read reports, and the invariants that go
//! with them.
//!
//! Checked at every step:
//! * **known-message**: MESSAGE_REVOKED, MESSAGE_MODIFIED,
//!   MESSAGE_READ_BY_PEER, MESSAGE_READ_RECEIPT_RECEIVED and
//!   MESSAGE_EXTENSIONS_* only name messages this instance had for the
//!   session's user (created, sent, received);
//! * **version-order**: MESSAGE_MODIFIED never goes back to (or repeats) a
//!   version this instance already showed for that message;
//! * **op-outside-session**: those events only come while ready.
//!
//! Checked after the heal, for every session that is ready at the end:
//! * **revoked-everywhere**: a held message the server has revoked is
//!   revoked here;
//! * **highest-version**: a held message is at the server's version;
//! * **unread-converges**: each conversation's unread count equals the
//!   server's (the total is not compared).

use std::collections::BTreeMap;

use tcchat_core::model::{Message, Payload};
use tcchat_core::types::Flow;
use tcchat_core::Event;
use tcchat_server::store::Store;

use super::world::{World, APP};

/// Most sent messages an instance remembers as revoke/modify candidates.
const MAX_CANDIDATES: usize = 32;

fn known_key(user: u32, id: &str) -> String {
    format!("u{user}/{id}")
}

impl World {
    /// The session user of `slot`'s instance, if it is ready.
    fn session_user(&self, slot: usize) -> Option<u32> {
        let inst = self.slots[slot].inst.as_ref()?;
        if !inst.ready {
            return None;
        }
        inst.session.as_ref().map(|s| s.user)
    }

    /// `slot`'s instance had `message` (created, sent or received it).
    pub(crate) fn note_known(&mut self, slot: usize, message: &Message) {
        let Some(user) = self.session_user(slot) else {
            return;
        };
        let Some(inst) = self.slots[slot].inst.as_mut() else {
            return;
        };
        inst.known.insert(known_key(user, &message.id));
        if message.flow == Flow::Out || message.to == message.from {
            if inst.candidates.len() >= MAX_CANDIDATES {
                inst.candidates.remove(0);
            }
            inst.candidates.push(message.id.clone());
        } else if !inst.conversations.contains(&message.conversation_id) {
            inst.conversations.push(message.conversation_id.clone());
        }
    }

    /// The per-step invariants of the message-operation events. Returns
    /// true when `event` was one of them.
    pub(crate) fn on_message_op_event(&mut self, slot: usize, event: &Event) -> bool {
        let ids: Vec<(String, Option<u64>)> = match event {
            Event::MessageRevoked(list) => list
                .iter()
                .map(|m| {
                    if !m.is_revoked {
                        return (format!("!{}", m.id), None);
                    }
                    (m.id.clone(), None)
                })
                .collect(),
            Event::MessageModified(list) => list
                .iter()
                .map(|m| (m.id.clone(), Some(m.version)))
                .collect(),
            Event::MessageReadByPeer(list) => list.iter().map(|m| (m.id.clone(), None)).collect(),
            Event::MessageReadReceiptReceived(list) => {
                list.iter().map(|r| (r.message_id.clone(), None)).collect()
            }
            Event::MessageExtensionsUpdated { message_id, .. }
            | Event::MessageExtensionsDeleted { message_id, .. } => {
                vec![(message_id.clone(), None)]
            }
            _ => return false,
        };
        let name = event.name().key();
        let Some(user) = self.session_user(slot) else {
            self.fail(
                "op-outside-session",
                &[slot],
                format!("{name} while not ready"),
            );
            return true;
        };
        for (id, version) in ids {
            if let Some(id) = id.strip_prefix('!') {
                self.fail(
                    "revoked-flag",
                    &[slot],
                    format!("MESSAGE_REVOKED names {id} without is_revoked"),
                );
                return true;
            }
            let key = known_key(user, &id);
            let Some(inst) = self.slots[slot].inst.as_mut() else {
                return true;
            };
            if !inst.known.contains(&key) {
                self.fail(
                    "known-message",
                    &[slot],
                    format!("{name} names {id}, which u{user} never had on this instance"),
                );
                return true;
            }
            if let Some(v) = version {
                let last = inst.versions.insert(key, v);
                if last.is_some_and(|l| l >= v) {
                    self.fail(
                        "version-order",
                        &[slot],
                        format!(
                            "MESSAGE_MODIFIED shows {id} at version {v} after version {}",
                            last.unwrap_or_default()
                        ),
                    );
                    return true;
                }
            }
        }
        true
    }

    // ----- workload -------------------------------------------------------

    /// Revoke one of the messages this instance sent.
    pub(crate) fn revoke_random(&mut self, slot: usize) {
        let Some(message) = self.pick_candidate(slot) else {
            return;
        };
        let now = self.instant();
        let t = self.now;
        let Some(inst) = self.slots[slot].inst.as_mut() else {
            return;
        };
        let result = inst.client.revoke_message(now, &message);
        if let Ok(id) = result {
            inst.outstanding.insert(id.erased(), (t, "revoke"));
        }
        let mid = message.id.clone();
        self.log(Some(slot), || {
            format!(
                "cmd revoke {mid}: {:?}",
                result.map(|_| ()).map_err(|e| e.code.0)
            )
        });
        self.pump(slot, None);
    }

    /// Modify a message this instance sent (the text gets a suffix).
    pub(crate) fn modify_random(&mut self, slot: usize) {
        let Some(mut message) = self.pick_candidate(slot) else {
            return;
        };
        self.msg_counter += 1;
        let suffix = self.msg_counter;
        if let Payload::Text { text } = &mut message.payload {
            text.push_str(&format!(" (edit {suffix})"));
        }
        let now = self.instant();
        let t = self.now;
        let Some(inst) = self.slots[slot].inst.as_mut() else {
            return;
        };
        let result = inst.client.modify_message(now, &message);
        if let Ok(id) = result {
            inst.outstanding.insert(id.erased(), (t, "modify"));
        }
        let mid = message.id.clone();
        self.log(Some(slot), || {
            format!(
                "cmd modify {mid} v{}: {:?}",
                message.version,
                result.map(|_| ()).map_err(|e| e.code.0)
            )
        });
        self.pump(slot, None);
    }

    /// Report one conversation that has received messages as read.
    pub(crate) fn read_random(&mut self, slot: usize) {
        let pick = {
            let Some(inst) = self.slots[slot].inst.as_ref() else {
                return;
            };
            if inst.conversations.is_empty() {
                return;
            }
            inst.conversations.len()
        };
        let i = self.wrng.below(pick as u64) as usize;
        let now = self.instant();
        let t = self.now;
        let Some(inst) = self.slots[slot].inst.as_mut() else {
            return;
        };
        let conv = inst.conversations[i].clone();
        let result = inst.client.set_message_read(now, &conv);
        if let Ok(id) = result {
            inst.outstanding.insert(id.erased(), (t, "read"));
        }
        self.log(Some(slot), || {
            format!(
                "cmd read {conv}: {:?}",
                result.map(|_| ()).map_err(|e| e.code.0)
            )
        });
        self.pump(slot, None);
    }

    /// A sent message of `slot` that its client still holds, as it holds
    /// it now (with its current version).
    fn pick_candidate(&mut self, slot: usize) -> Option<Message> {
        let n = self.slots[slot].inst.as_ref()?.candidates.len();
        if n == 0 {
            return None;
        }
        let i = self.wrng.below(n as u64) as usize;
        let inst = self.slots[slot].inst.as_ref()?;
        inst.client.find_message(&inst.candidates[i]).cloned()
    }

    // ----- final checks -----------------------------------------------------

    /// After the heal: every ready session's held messages and unread
    /// counts match the server's.
    pub(crate) fn final_message_checks(&mut self) {
        for slot in 0..self.slots.len() {
            let Some(user) = self.session_user(slot) else {
                continue;
            };
            let uname = format!("u{user}");
            let prefix = format!("u{user}/");
            // Held messages against the server's record.
            let mut held: Vec<Message> = Vec::new();
            if let Some(inst) = self.slots[slot].inst.as_ref() {
                for key in &inst.known {
                    if let Some(id) = key.strip_prefix(&prefix) {
                        if let Some(m) = inst.client.find_message(id) {
                            held.push(m.clone());
                        }
                    }
                }
            }
            for m in held {
                if m.time == 0 {
                    continue; // never accepted by the server
                }
                let record = match self.server.engine.as_mut() {
                    Some(engine) => engine
                        .store_mut()
                        .message(APP, &m.from, &m.to, m.sequence, m.random)
                        .ok()
                        .flatten(),
                    None => None,
                };
                let Some(record) = record else {
                    continue;
                };
                let revoked = record.state.revoked.is_some();
                if revoked && !m.is_revoked {
                    return self.fail(
                        "revoked-everywhere",
                        &[slot],
                        format!("{} is revoked on the server but not for {uname} here", m.id),
                    );
                }
                if m.version != record.state.version {
                    return self.fail(
                        "highest-version",
                        &[slot],
                        format!(
                            "{} is at version {} here, {} on the server",
                            m.id, m.version, record.state.version
                        ),
                    );
                }
            }
            // Unread counts against the server's.
            let server: BTreeMap<String, u64> = match self.server.engine.as_mut() {
                Some(engine) => match engine.unread_counts(APP, &uname) {
                    Ok(list) => list
                        .into_iter()
                        .map(|p| (format!("C2C{}", p.from_account), p.unread_count))
                        .collect(),
                    Err(_) => continue,
                },
                None => continue,
            };
            let Some(inst) = self.slots[slot].inst.as_mut() else {
                continue;
            };
            let Ok(list) = inst.client.get_conversation_list(None) else {
                continue;
            };
            let mut local: BTreeMap<String, u64> = BTreeMap::new();
            for c in list {
                if c.unread_count > 0 {
                    local.insert(c.conversation_id.clone(), c.unread_count);
                }
            }
            if local != server {
                return self.fail(
                    "unread-converges",
                    &[slot],
                    format!("unread counts of {uname}: here {local:?}, server {server:?}"),
                );
            }
        }
    }
}
