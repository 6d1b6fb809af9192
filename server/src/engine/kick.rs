//! Forcing sessions offline: the multi-instance policy at login, and the
//! administrator's kick.
//!
//! A kicked session whose socket is connected gets the push the official
//! SDK accepts (protocol-facts §4):
//!
//! ```json
//! {"EventArray":[{"Event":9,"C2cNotifyMsgArray":[{"KickoutMsgNotify":{"KickType":1,"NewInstInfo":{}}}]}]}
//! ```
//!
//! as `im_open_status.stat_forceoffline`, and loses its session at once:
//! nothing more is pushed to that socket as that user, requests carrying
//! its A2 are answered 1002 + `KickType`, and a re-login with it too. The
//! socket itself stays open (the official SDK answers a kick of type 1 or
//! 2 with `wslogout`, `wslogout_type: 1`, on the same socket, which gets an
//! ordinary reply; for type 3 it closes the socket itself).

use serde::Serialize;
use tcchat_core::wire::servcmd;

use super::logs::short;
use super::policy::{KickType, PlatformClass};
use super::Engine;
use crate::store::Store;

/// `Event` number of a notify push.
const EVENT_NOTIFY: u32 = 9;

/// Kicked sessions remembered per user (the oldest is forgotten past this;
/// a re-login with it then gets 70001 instead of 1002).
const MAX_KICKED_PER_USER: usize = 16;

#[derive(Serialize)]
struct ForceOffline {
    #[serde(rename = "EventArray")]
    event_array: [KickEvent; 1],
}

#[derive(Serialize)]
struct KickEvent {
    #[serde(rename = "Event")]
    event: u32,
    #[serde(rename = "C2cNotifyMsgArray")]
    notify: [KickNotify; 1],
}

#[derive(Serialize)]
struct KickNotify {
    #[serde(rename = "KickoutMsgNotify")]
    kickout: Kickout,
}

#[derive(Serialize)]
struct Kickout {
    #[serde(rename = "KickType")]
    kick_type: u32,
    #[serde(rename = "NewInstInfo")]
    new_inst_info: Empty,
}

#[derive(Serialize)]
struct Empty {}

fn force_offline(kick: KickType) -> ForceOffline {
    ForceOffline {
        event_array: [KickEvent {
            event: EVENT_NOTIFY,
            notify: [KickNotify {
                kickout: Kickout {
                    kick_type: kick.number(),
                    new_inst_info: Empty {},
                },
            }],
        }],
    }
}

/// A reply refusing a kicked session: `ErrorCode` 1002 plus `KickType`,
/// the reply form of a kick that the official SDK reports as `KICKED_OUT`
/// (official-web-sdk §4.4).
#[derive(Serialize)]
pub(super) struct KickedReply {
    #[serde(rename = "ActionStatus")]
    action_status: &'static str,
    #[serde(rename = "ErrorCode")]
    error_code: u32,
    #[serde(rename = "ErrorInfo")]
    error_info: String,
    #[serde(rename = "KickType")]
    kick_type: u32,
}

impl KickedReply {
    pub(super) fn new(kick: KickType, info: String) -> KickedReply {
        KickedReply {
            action_status: "FAIL",
            error_code: crate::codes::KICKED_OUT,
            error_info: info,
            kick_type: kick.number(),
        }
    }
}

impl<S: Store> Engine<S> {
    /// Force every valid session of `user` offline with `kick`; returns how
    /// many there were (connected or not).
    pub fn kick_user(&mut self, unix_ms: u64, app: u64, user: &str, kick: KickType) -> usize {
        let hashes: Vec<String> = self
            .a2s
            .of_user(app, user)
            .into_iter()
            .filter(|r| r.kicked == 0 && r.expires_ms > unix_ms)
            .map(|r| r.a2_hash.clone())
            .collect();
        for hash in &hashes {
            self.kick_session(hash, kick);
        }
        self.prune_kicked(app, user);
        self.settle_av_leaves(unix_ms);
        hashes.len()
    }

    /// Mark one session kicked (memory and store) and, if a socket holds
    /// it, push the kick there and take the session off that socket.
    pub(super) fn kick_session(&mut self, a2_hash: &str, kick: KickType) {
        let Some(rec) = self.a2s.set_kicked(a2_hash, kick.number()).cloned() else {
            return;
        };
        if let Err(err) = self.store.put_session(&rec) {
            tracing::warn!(%err, "cannot store a kick; it lasts until a restart");
        }
        let conn = self.bound.get(a2_hash).copied();
        tracing::info!(app = rec.app, user = %short(&rec.user), kick = kick.sdk_name(), conn = conn.map(|c| c.0), "session kicked");
        if let Some(conn) = conn {
            self.unbind(conn);
            let gzip = self.gzip(conn);
            self.out.push(
                conn,
                gzip,
                rec.app,
                servcmd::FORCE_OFFLINE,
                &force_offline(kick),
            );
        }
    }

    /// Apply the multi-instance policy before a new UserSig login of
    /// `user` on a connection of `class` with URL `instance`: the same SDK
    /// instance's earlier session is replaced silently, then the oldest
    /// sessions over the limits are kicked.
    pub(super) fn make_room(
        &mut self,
        unix_ms: u64,
        app: u64,
        user: &str,
        class: PlatformClass,
        instance: &str,
    ) {
        let policy = self.config.instances;
        // (hash, class) of every valid session, oldest first.
        let mut live: Vec<(String, PlatformClass)> = Vec::new();
        let mut same_instance = Vec::new();
        for r in self.a2s.of_user(app, user) {
            if r.kicked != 0 || r.expires_ms <= unix_ms {
                continue;
            }
            if !instance.is_empty() && r.instance == instance {
                same_instance.push(r.a2_hash.clone());
            } else {
                live.push((r.a2_hash.clone(), PlatformClass::of(Some(r.platform))));
            }
        }
        for hash in same_instance {
            // The same SDK instance logging in again (for example its first
            // wslogin resent after a reconnect): not a kick. The socket
            // that held the old session is closed rather than left open
            // without one: usually the client has abandoned it already, but
            // a login delayed on an abandoned socket can arrive after the
            // client's newer login on its live socket, and a live socket
            // silently stripped of its session would get no more pushes
            // (found by the simulation, seed 5138). The close makes such a
            // client reconnect and log in again.
            if let Some(old) = self.bound.get(&hash).copied() {
                self.unbind(old);
                self.out.close(
                    old,
                    crate::codes::CLOSE_SESSION_REPLACED,
                    "the same instance logged in on another connection",
                );
                self.forget(old);
            }
            self.end_session(&hash);
        }
        let mut kicks: Vec<(String, KickType)> = Vec::new();
        if policy.kick_other_classes {
            live.retain(|(hash, c)| {
                if *c == class {
                    return true;
                }
                kicks.push((hash.clone(), KickType::MultipleDevice));
                false
            });
        }
        if policy.per_class > 0 {
            let mut same = live.iter().filter(|(_, c)| *c == class).count();
            live.retain(|(hash, c)| {
                if *c != class || same < policy.per_class {
                    return true;
                }
                same -= 1;
                kicks.push((hash.clone(), KickType::MultipleAccount));
                false
            });
        }
        let max = policy.max_per_user.max(1);
        while live.len() >= max {
            let (hash, c) = live.remove(0);
            let kick = if c == class {
                KickType::MultipleAccount
            } else {
                KickType::MultipleDevice
            };
            kicks.push((hash, kick));
        }
        for (hash, kick) in kicks {
            self.kick_session(&hash, kick);
        }
        self.prune_kicked(app, user);
    }

    /// Keep at most [`MAX_KICKED_PER_USER`] kicked sessions of a user.
    fn prune_kicked(&mut self, app: u64, user: &str) {
        let kicked: Vec<String> = self
            .a2s
            .of_user(app, user)
            .into_iter()
            .filter(|r| r.kicked != 0)
            .map(|r| r.a2_hash.clone())
            .collect();
        let excess = kicked.len().saturating_sub(MAX_KICKED_PER_USER);
        for hash in &kicked[..excess] {
            self.end_session(hash);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_push_body_is_exactly_the_verified_one() {
        let body = serde_json::to_string(&force_offline(KickType::MultipleDevice)).unwrap();
        assert_eq!(
            body,
            r#"{"EventArray":[{"Event":9,"C2cNotifyMsgArray":[{"KickoutMsgNotify":{"KickType":2,"NewInstInfo":{}}}]}]}"#
        );
    }
}
