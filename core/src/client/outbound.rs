//! Building request frames and writing queued requests to the link.

use std::time::{Duration, Instant};

use bytes::Bytes;
use serde::Serialize;

use super::request::{LoginKind, Output, Pending, Request, RequestId};
use super::session::Session;
use super::{Client, Transmit};
use crate::wire::{encode, Head, HeadIdentity};

impl Client {
    pub(crate) fn alloc_seq(&mut self) -> u64 {
        self.requests.alloc_seq(self.ctx.rng())
    }

    /// Encode one request frame (`body` may be already serialized JSON, a
    /// `serde_json::value::RawValue`).
    pub(crate) fn encode_request<B: Serialize + ?Sized>(
        &self,
        servcmd: &str,
        seq: u64,
        reqtime: u64,
        identity: &HeadIdentity,
        body: &B,
    ) -> Bytes {
        let head = Head::request(self.ctx.sdk_app_id(), identity, servcmd, seq, reqtime);
        encode(&head, body)
    }

    /// Queue the request of a user command under a new [`RequestId`],
    /// with the request timeout; returns the ID. The command checks
    /// capacity (`check_capacity`) itself, before any side effect.
    pub(crate) fn enqueue_command<T: Output, B: Serialize + ?Sized, R: Request>(
        &mut self,
        now: Instant,
        servcmd: &'static str,
        body: &B,
        request: impl FnOnce(RequestId<T>) -> R,
    ) -> RequestId<T> {
        let id = self.next_request_id();
        let timeout = self.ctx.tuning().request_timeout;
        self.enqueue(now, servcmd, body, timeout, request(id));
        id
    }

    /// Queue a request and write it out if the link allows.
    pub(crate) fn enqueue<B: Serialize + ?Sized>(
        &mut self,
        now: Instant,
        servcmd: &'static str,
        body: &B,
        timeout: Duration,
        request: impl Request,
    ) {
        // Request bodies are the SDK's own plain structs with string keys:
        // serializing one cannot fail, and if a new one could, that is a
        // bug to see at once rather than a request sent as `{}`.
        let body = serde_json::value::to_raw_value(body)
            .expect("a request body is a plain struct and always serializes");
        let seq = self.alloc_seq();
        let reqtime = self.clock.server_secs(now);
        let window = self.ctx.tuning().offline_window;
        self.requests.push(Pending::new(
            (seq, servcmd),
            body,
            reqtime,
            (now, timeout, window),
            Box::new(request),
        ));
        self.ensure_link(now);
        self.flush(now);
    }

    /// The identity a request goes out with.
    fn identity_for(&self, login: Option<LoginKind>) -> HeadIdentity {
        match (login, &self.session) {
            (
                Some(LoginKind::First),
                Session::LoggingIn {
                    user_id, user_sig, ..
                },
            ) => HeadIdentity::UserSig {
                identifier: user_id.clone(),
                usersig: user_sig.clone(),
            },
            (Some(LoginKind::Again { with_sig: true }), Session::Ready(r)) => {
                HeadIdentity::UserSig {
                    identifier: r.user_id.clone(),
                    usersig: r.user_sig.clone(),
                }
            }
            _ => self.session.identity(),
        }
    }

    /// Write every request the link may carry now and has not carried yet.
    /// Before the session is live only the login (or re-login) goes out, so
    /// nothing reaches the server under an identity it does not know yet.
    /// A request held through outages starts spending its request timeout
    /// again when it goes out at `now`.
    pub(crate) fn flush(&mut self, now: Instant) {
        let Some(conn) = self.open_conn() else {
            return;
        };
        let live = self.session.is_live();
        let mut out = Vec::new();
        for p in self.requests.iter_mut() {
            let login = p.purpose.login();
            if p.sent_on == Some(conn) || (login.is_none() && !live) {
                continue;
            }
            p.sent_on = Some(conn);
            p.went_live(now);
            out.push((p.servcmd, p.seq, p.reqtime, login, p.body.clone()));
        }
        for (servcmd, seq, reqtime, login, body) in out {
            let identity = self.identity_for(login);
            let frame = self.encode_request(servcmd, seq, reqtime, &identity, &*body);
            self.out.transmit(Transmit::Send { conn, frame });
        }
    }

    /// Send a frame that expects no reply (push ack, kick logout) on the
    /// open link, if there is one.
    pub(crate) fn send_oneway<B: Serialize + ?Sized>(
        &mut self,
        now: Instant,
        servcmd: &str,
        body: &B,
    ) {
        let Some(conn) = self.open_conn() else {
            return;
        };
        let seq = self.alloc_seq();
        let reqtime = self.clock.server_secs(now);
        let identity = self.session.identity();
        let frame = self.encode_request(servcmd, seq, reqtime, &identity, body);
        self.out.transmit(Transmit::Send { conn, frame });
    }
}
