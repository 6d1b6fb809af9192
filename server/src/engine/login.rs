//! `wslogin`, `wslogout` and `wshello`.

use std::time::Instant;

use super::limits::retry_secs;
use super::logs::{short, short_text, LogSite};

use tcchat_core::proto::{BaseReply, LoginReply};
use tcchat_core::wire::{Frame, Head, HeadIdentity};

use super::a2::hash_a2;
use super::conn::Session;
use super::policy::KickType;
use super::refusal::Refusal;
use super::{ConnId, Engine};
use crate::bounds::MAX_USER_ID_LEN;
use crate::store::{SessionRecord, Store};
use crate::usersig::verify_usersig;

/// What a successful credential check yields.
struct Granted {
    a2: String,
    a2_hash: String,
    user: String,
    tiny_id: String,
    expires_ms: u64,
}

impl<S: Store> Engine<S> {
    /// `im_open_status.wslogin`: first login with `identifier`+`usersig`,
    /// or re-login with `a2`+`tinyid` after a reconnect.
    pub(super) fn on_login(
        &mut self,
        now: Instant,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) {
        let head = &frame.head;
        match self.try_login(now, unix_ms, conn, head) {
            Ok(granted) => self.logged_in(now, unix_ms, conn, gzip, head, granted),
            Err(Ok(refusal)) => {
                let user = head.identifier.as_deref().unwrap_or("");
                self.log_limited(now, LogSite::LoginRefused, |suppressed| {
                    tracing::info!(conn = conn.0, app = head.sdkappid, user = %short(user), code = refusal.code(), reason = %short_text(&refusal.to_string()), suppressed, "login refused");
                });
                self.refuse(conn, gzip, head, &refusal);
            }
            Err(Err(err)) => self.internal_error(conn, gzip, head, &err),
        }
    }

    /// Check the credentials of a `wslogin` (and, for a UserSig login,
    /// create the session). The outer error is a refusal, the inner one a
    /// store failure.
    fn try_login(
        &mut self,
        now: Instant,
        unix_ms: u64,
        conn: ConnId,
        head: &Head,
    ) -> Result<Granted, Result<Refusal, crate::store::StoreError>> {
        let app = head.sdkappid;
        let (query_app, peer, class, instance) = match self.conns.get(&conn) {
            Some(c) => (
                c.query.sdkappid,
                c.peer,
                c.class(),
                c.query.instance_id.clone().unwrap_or_default(),
            ),
            None => return Err(Ok(Refusal::NotLoggedIn)),
        };
        let platform = self.conns.get(&conn).and_then(|c| c.query.platform);
        if let Some(url) = query_app.filter(|q| *q != app) {
            return Err(Ok(Refusal::SdkAppIdMismatch { head: app, url }));
        }
        let Some(secret) = self.config.secret_of(app).map(str::to_owned) else {
            return Err(Ok(Refusal::UnknownSdkAppId(app)));
        };
        if let Err(wait) = self.login_gate.admit(now) {
            return Err(Ok(Refusal::ServerBusy {
                retry_after_ms: u64::try_from(wait.as_millis()).unwrap_or(u64::MAX).max(1),
            }));
        }
        if let Some(ip) = peer {
            if let Err(wait) = self.ip_buckets.take(&ip, now) {
                return Err(Ok(Refusal::LoginRateLimitedIp {
                    retry_after_secs: retry_secs(wait),
                }));
            }
        }
        let now_s = unix_ms / 1000;
        match head.identity() {
            HeadIdentity::UserSig {
                identifier,
                usersig,
            } => {
                if identifier.is_empty() || identifier.len() > MAX_USER_ID_LEN {
                    return Err(Ok(Refusal::InvalidIdentifier {
                        len: identifier.len(),
                        max: MAX_USER_ID_LEN,
                    }));
                }
                let claims = verify_usersig(&usersig, app, &secret, &identifier, now_s)
                    .map_err(|e| Ok(Refusal::UserSig(e)))?;
                if let Err(wait) = self.user_buckets.take(&(app, identifier.clone()), now) {
                    return Err(Ok(Refusal::LoginRateLimitedUser {
                        retry_after_secs: retry_secs(wait),
                    }));
                }
                let account = self
                    .store
                    .ensure_account(app, &identifier, unix_ms)
                    .map_err(Err)?;
                if account.created {
                    tracing::info!(app, user = %short(&identifier), tiny_id = account.tiny_id, "account created on first login");
                }
                let until_s = claims
                    .expires_at()
                    .min(now_s.saturating_add(self.config.a2_max_ttl_secs));
                let a2 = self.tokens.a2_key();
                let record = SessionRecord {
                    a2_hash: hash_a2(&a2),
                    app,
                    user: identifier.clone(),
                    tiny_id: account.tiny_id,
                    instance: instance.clone(),
                    platform: platform.unwrap_or(0),
                    login_seq: self.a2s.next_login_seq(),
                    expires_ms: until_s.saturating_mul(1000),
                    kicked: 0,
                };
                // Durable before the key is handed out: a client that got
                // it can re-login with it after a server restart.
                self.store.put_session(&record).map_err(Err)?;
                // Logging in again on a socket that already holds a session
                // of the same user replaces that session.
                if let Some(old) = self.unbind(conn) {
                    if old.app == app && old.user == identifier {
                        self.end_session(&old.a2_hash);
                    }
                }
                self.make_room(unix_ms, app, &identifier, class, &instance);
                let granted = Granted {
                    a2,
                    a2_hash: record.a2_hash.clone(),
                    user: identifier,
                    tiny_id: account.tiny_id.to_string(),
                    expires_ms: record.expires_ms,
                };
                self.a2s.insert(record);
                self.schedule_sweep(now);
                Ok(granted)
            }
            HeadIdentity::A2 { a2, tinyid, .. } => {
                let a2_hash = hash_a2(&a2);
                let Some(rec) = self.a2s.get(&a2_hash) else {
                    return Err(Ok(Refusal::A2Invalid));
                };
                if rec.app != app || rec.tiny_id.to_string() != tinyid || rec.expires_ms <= unix_ms
                {
                    return Err(Ok(Refusal::A2Invalid));
                }
                if let Some(kick) = KickType::from_number(rec.kicked) {
                    return Err(Ok(Refusal::Kicked(kick)));
                }
                Ok(Granted {
                    a2,
                    user: rec.user.clone(),
                    tiny_id: tinyid,
                    expires_ms: rec.expires_ms,
                    a2_hash,
                })
            }
            HeadIdentity::Anonymous => Err(Ok(Refusal::CredentialsMissing)),
        }
    }

    fn logged_in(
        &mut self,
        now: Instant,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        head: &Head,
        granted: Granted,
    ) {
        let inst_id = self.tokens.inst_id();
        let app = head.sdkappid;
        let custom_status = match self.store.custom_status(app, &granted.user) {
            Ok(status) => tcchat_core::proto::presence::encode_custom_status(&status),
            Err(err) => {
                tracing::warn!(%err, "cannot read a custom status; the login reply goes without it");
                String::new()
            }
        };
        tracing::info!(conn = conn.0, app, user = %short(&granted.user), inst_id, "logged in");
        self.bind(
            conn,
            Session {
                app,
                user: granted.user,
                tiny_id: granted.tiny_id.clone(),
                a2_hash: granted.a2_hash,
                inst_id,
                expires_ms: granted.expires_ms,
            },
        );
        self.deadlines.set(conn, now + self.config.idle_timeout);
        let reply = LoginReply {
            base: BaseReply::ok(),
            a2_key: granted.a2,
            tiny_id: granted.tiny_id,
            hello_interval: self.config.hello_interval_secs,
            inst_id,
            time_stamp: unix_ms / 1000,
            custom_status,
            rich_msg_auth_key: self.rich_msg_auth_key(app),
        };
        self.out.reply(conn, gzip, head, &reply);
    }

    /// `im_open_status.wslogout`: the session ends and its A2 key is
    /// invalidated; the socket stays open. Always answered OK (also after a
    /// kick, when the official SDK sends `wslogout_type: 1` with the kicked
    /// A2).
    pub(super) fn on_logout(&mut self, _unix_ms: u64, conn: ConnId, gzip: bool, frame: &Frame) {
        let head = &frame.head;
        if let Some(session) = self.unbind(conn) {
            tracing::info!(conn = conn.0, app = session.app, user = %short(&session.user), "logged out");
            self.end_session(&session.a2_hash);
        } else if let (Some(a2), Some(tinyid)) = (&head.a2, &head.tinyid) {
            // Not bound to this socket: end the head's session (valid or
            // kicked) if the head names it correctly.
            let hash = hash_a2(a2);
            let matches = self
                .a2s
                .get(&hash)
                .is_some_and(|r| r.app == head.sdkappid && r.tiny_id.to_string() == *tinyid);
            if matches {
                if let Some(conn) = self.bound.get(&hash).copied() {
                    self.unbind(conn);
                }
                self.end_session(&hash);
            }
        }
        self.out.reply(conn, gzip, head, &BaseReply::ok());
    }

    /// `im_open_status.wshello`: OK (an expired session was already
    /// answered 70001 by the dispatcher).
    pub(super) fn on_hello(&mut self, _unix_ms: u64, conn: ConnId, gzip: bool, frame: &Frame) {
        self.out.reply(conn, gzip, &frame.head, &BaseReply::ok());
    }
}
