//! `wslogin`, `wslogout` and `wshello`.

use std::time::Instant;

use tcchat_core::proto::{BaseReply, LoginReply};
use tcchat_core::wire::{Frame, HeadIdentity};

use super::a2::A2Grant;
use super::conn::Session;
use super::{ConnId, Engine};
use crate::codes;
use crate::store::Store;
use crate::usersig::verify_usersig;

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
        let app = head.sdkappid;
        let query_app = self.conns.get(&conn).and_then(|c| c.query.sdkappid);
        if let Some(query_app) = query_app.filter(|q| *q != app) {
            let info = format!(
                "head.sdkappid {app} differs from the sdkappid {query_app} of the connect URL"
            );
            return self
                .out
                .fail(conn, gzip, head, codes::SDKAPPID_MISMATCH, info);
        }
        let Some(secret) = self.config.secret_of(app) else {
            let info = format!("sdkappid {app} is not configured on this server");
            return self
                .out
                .fail(conn, gzip, head, codes::SDKAPPID_NOT_FOUND, info);
        };
        let now_s = unix_ms / 1000;
        let (a2, user, tiny_id, expires_ms) = match head.identity() {
            HeadIdentity::UserSig {
                identifier,
                usersig,
            } => {
                let claims = match verify_usersig(&usersig, app, secret, &identifier, now_s) {
                    Ok(claims) => claims,
                    Err(err) => {
                        tracing::info!(app, user = %identifier, %err, "login refused");
                        return self.out.fail(conn, gzip, head, err.code(), err.to_string());
                    }
                };
                let account = match self.store.ensure_account(app, &identifier, unix_ms) {
                    Ok(account) => account,
                    Err(err) => return self.internal_error(conn, gzip, head, &err),
                };
                if account.created {
                    tracing::info!(app, user = %identifier, tiny_id = account.tiny_id, "account created on first login");
                }
                let until_s = claims
                    .expires_at()
                    .min(now_s.saturating_add(self.config.a2_max_ttl_secs));
                let expires_ms = until_s.saturating_mul(1000);
                let a2 = self.tokens.a2_key();
                let tiny_id = account.tiny_id.to_string();
                self.a2s.insert(
                    a2.clone(),
                    A2Grant {
                        app,
                        user: identifier.clone(),
                        tiny_id: tiny_id.clone(),
                        expires_ms,
                    },
                );
                if self.next_sweep.is_none() {
                    self.next_sweep = Some(now + self.config.sweep_interval);
                }
                (a2, identifier, tiny_id, expires_ms)
            }
            HeadIdentity::A2 { a2, tinyid, .. } => match self.a2s.get(&a2, unix_ms) {
                Some(grant) if grant.app == app && grant.tiny_id == tinyid => {
                    let (user, expires_ms) = (grant.user.clone(), grant.expires_ms);
                    (a2, user, tinyid, expires_ms)
                }
                _ => {
                    return self.out.fail(
                        conn,
                        gzip,
                        head,
                        codes::A2_OR_USERSIG_EXPIRED,
                        "A2 key unknown, expired or logged out: log in again with a UserSig",
                    );
                }
            },
            HeadIdentity::Anonymous => {
                return self.out.fail(
                    conn,
                    gzip,
                    head,
                    codes::LOGIN_CREDENTIALS_MISSING,
                    "wslogin needs head.identifier and head.usersig (or head.a2 and head.tinyid)",
                );
            }
        };
        let inst_id = self.tokens.inst_id();
        tracing::info!(conn = conn.0, app, user = %user, inst_id, "logged in");
        self.bind(
            conn,
            Session {
                app,
                user,
                tiny_id: tiny_id.clone(),
                a2: a2.clone(),
                inst_id,
                expires_ms,
            },
        );
        self.deadlines.set(conn, now + self.config.idle_timeout);
        let reply = LoginReply {
            base: BaseReply::ok(),
            a2_key: a2,
            tiny_id,
            hello_interval: self.config.hello_interval_secs,
            inst_id,
            time_stamp: now_s,
        };
        self.out.reply(conn, gzip, head, &reply);
    }

    /// `im_open_status.wslogout`: the session ends and its A2 key is
    /// invalidated; the socket stays open.
    pub(super) fn on_logout(&mut self, unix_ms: u64, conn: ConnId, gzip: bool, frame: &Frame) {
        let head = &frame.head;
        if let Some(session) = self.unbind(conn) {
            tracing::info!(conn = conn.0, app = session.app, user = %session.user, "logged out");
            self.a2s.remove(&session.a2);
        } else if let (Some(a2), Some(_)) = (&head.a2, self.ident(conn, head, unix_ms)) {
            // Not bound to this socket, but the head's A2 is valid: end it.
            let a2 = a2.clone();
            self.a2s.remove(&a2);
        }
        self.out.reply(conn, gzip, head, &BaseReply::ok());
    }

    /// `im_open_status.wshello`: OK, or 70001 once the session's A2 key has
    /// expired (the official SDK then reports `userSigExpired`).
    pub(super) fn on_hello(&mut self, unix_ms: u64, conn: ConnId, gzip: bool, frame: &Frame) {
        let expired = self
            .conns
            .get(&conn)
            .and_then(|c| c.session.as_ref())
            .is_some_and(|s| unix_ms >= s.expires_ms);
        if expired {
            self.unbind(conn);
            self.out.fail(
                conn,
                gzip,
                &frame.head,
                codes::A2_OR_USERSIG_EXPIRED,
                "session expired: log in again with a new UserSig",
            );
        } else {
            self.out.reply(conn, gzip, &frame.head, &BaseReply::ok());
        }
    }
}
