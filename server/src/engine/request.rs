//! The common start and end of a request handler: who is asking, the typed
//! body, and how a refusal is answered.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::value::RawValue;
use tcchat_core::wire::{Frame, Head};

use super::conn::Ident;
use super::logs::short;
use super::messaging::MAX_USER_ID_LEN;
use super::notify::Queued;
use super::{ConnId, Engine};
use crate::codes;
use crate::store::{Store, StoreError};

/// Why a request is refused: an `ErrorCode` with its `ErrorInfo`, or a
/// store failure (answered [`codes::INTERNAL_ERROR`]).
#[derive(Debug)]
pub(crate) enum Fail {
    Refuse(u32, String),
    Store(StoreError),
}

impl From<StoreError> for Fail {
    fn from(err: StoreError) -> Fail {
        Fail::Store(err)
    }
}

/// A refusal with `code` and `info`.
pub(crate) fn refuse<T>(code: u32, info: impl Into<String>) -> Result<T, Fail> {
    Err(Fail::Refuse(code, info.into()))
}

/// `field` (a user ID naming a peer) must be 1 to [`MAX_USER_ID_LEN`]
/// bytes.
pub(crate) fn check_peer(field: &str, value: &str) -> Result<(), Fail> {
    if value.is_empty() || value.len() > MAX_USER_ID_LEN {
        return refuse(
            codes::INVALID_ACCOUNT,
            format!("{field} must be 1 to {MAX_USER_ID_LEN} bytes"),
        );
    }
    Ok(())
}

/// `From_Account` of a request about the caller's own data must be the
/// caller (or empty).
pub(crate) fn check_caller(me: &Ident, from_account: &str) -> Result<(), Fail> {
    if !from_account.is_empty() && from_account != me.user {
        return refuse(
            codes::NOT_THE_CALLER,
            format!(
                "From_Account {from_account:?} is not the logged-in user {:?}",
                me.user
            ),
        );
    }
    Ok(())
}

/// A list from a request must have at most `max` items.
pub(crate) fn check_len<T>(field: &str, list: &[T], max: usize) -> Result<(), Fail> {
    if list.len() > max {
        return refuse(
            codes::TOO_MANY_ITEMS,
            format!("{field} has {} items; the limit is {max}", list.len()),
        );
    }
    Ok(())
}

impl<S: Store> Engine<S> {
    /// Who `frame` speaks for and its body as `T`; `None` after answering
    /// the refusal (not logged in, or a body that is not a `T`).
    pub(super) fn begin<T: DeserializeOwned>(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) -> Option<(Ident, T)> {
        let me = self.identify(unix_ms, conn, gzip, frame)?;
        self.parse(conn, gzip, frame).map(|req| (me, req))
    }

    /// [`begin`](Self::begin) for a request that changes state: a resend of
    /// one already answered (same session, servcmd and seq) gets that answer
    /// again and `None` (see [`super::replay`]). Answer with
    /// [`reply_change`](Self::reply_change).
    pub(super) fn begin_change<T: DeserializeOwned>(
        &mut self,
        unix_ms: u64,
        conn: ConnId,
        gzip: bool,
        frame: &Frame,
    ) -> Option<(Ident, T)> {
        let me = self.identify(unix_ms, conn, gzip, frame)?;
        let head = &frame.head;
        let earlier = self
            .replays
            .get(me.app, &me.user, &me.origin, &head.servcmd, head.seq)
            .and_then(|body| RawValue::from_string(body.to_owned()).ok());
        if let Some(body) = earlier {
            tracing::debug!(conn = conn.0, servcmd = %short(&head.servcmd), seq = head.seq, "resent request answered again");
            self.out.reply(conn, gzip, head, &body);
            return None;
        }
        self.parse(conn, gzip, frame).map(|req| (me, req))
    }

    /// Reply `body` to a state-changing request of `me` and keep it for a
    /// resend.
    pub(super) fn reply_change<B: Serialize>(
        &mut self,
        me: &Ident,
        conn: ConnId,
        gzip: bool,
        head: &Head,
        body: &B,
    ) {
        if let Ok(json) = serde_json::to_string(body) {
            self.replays
                .put(me.app, &me.user, &me.origin, &head.servcmd, head.seq, json);
        }
        self.out.reply(conn, gzip, head, body);
    }

    fn identify(&mut self, unix_ms: u64, conn: ConnId, gzip: bool, frame: &Frame) -> Option<Ident> {
        let me = self.ident(conn, &frame.head, unix_ms);
        match self.conns.get_mut(&conn) {
            // A request carrying a valid session proves the socket's
            // client holds credentials: the budgets before login no longer
            // apply to it.
            Some(c) if me.is_some() => c.trusted = true,
            _ => {}
        }
        if me.is_none() {
            self.refuse_unidentified(conn, gzip, &frame.head);
        }
        me
    }

    fn parse<T: DeserializeOwned>(&mut self, conn: ConnId, gzip: bool, frame: &Frame) -> Option<T> {
        match frame.body_as() {
            Ok(req) => Some(req),
            Err(err) => {
                self.out
                    .fail(conn, gzip, &frame.head, err.code(), err.to_string());
                None
            }
        }
    }

    /// Finish a state-changing request of `me`: its reply (kept for a
    /// resend), then the pushes of the notifications it stored; or its
    /// refusal.
    pub(super) fn finish_change<B: Serialize>(
        &mut self,
        unix_ms: u64,
        me: &Ident,
        conn: ConnId,
        gzip: bool,
        head: &Head,
        result: Result<(B, Queued), Fail>,
    ) {
        match result {
            Ok((reply, queued)) => {
                self.reply_change(me, conn, gzip, head, &reply);
                self.push_queued(unix_ms, queued);
            }
            Err(fail) => self.answer_fail(conn, gzip, head, fail),
        }
    }

    /// Finish a request that changes nothing: its reply or its refusal.
    pub(super) fn finish_query<B: Serialize>(
        &mut self,
        conn: ConnId,
        gzip: bool,
        head: &Head,
        result: Result<B, Fail>,
    ) {
        match result {
            Ok(reply) => self.out.reply(conn, gzip, head, &reply),
            Err(fail) => self.answer_fail(conn, gzip, head, fail),
        }
    }

    /// Answer the request with `head` with `fail`.
    pub(super) fn answer_fail(&mut self, conn: ConnId, gzip: bool, head: &Head, fail: Fail) {
        match fail {
            Fail::Refuse(code, info) => self.out.fail(conn, gzip, head, code, info),
            Fail::Store(err) => self.internal_error(conn, gzip, head, &err),
        }
    }
}
