//! How a session ends: the user's `logout`, the one `destroy` sends, and
//! the kick-outs; every request that needed the session fails then.

use std::time::Instant;

use super::link::{CLOSE_ABANDON, CLOSE_DESTROY};
use super::request::{Request, RequestId};
use super::session::{LoggedOutReason, Session};
use super::timer::Timer;
use super::Client;
use crate::error::{ChatError, ErrorCode};
use crate::event::Event;
use crate::proto::LogoutRequest;
use crate::types::KickedOutType;
use crate::wire::{servcmd, Frame};

impl Client {
    /// `logout()`. Completes (with `()`) after the server's reply, or at
    /// once when offline; SDK_NOT_READY is emitted then.
    pub fn logout(&mut self, now: Instant) -> Result<RequestId<()>, ChatError> {
        self.check_alive("logout")?;
        match &self.session {
            Session::LoggingIn { .. } => {
                return Err(self.api_error(ErrorCode::LOGGING_IN, "logout: a login is in progress"))
            }
            Session::LoggedOut(_) => {
                return Err(self.api_error(ErrorCode::USER_NOT_LOGGED_IN, "logout: not logged in"))
            }
            Session::Ready(r) if r.logging_out => {
                return Err(self.api_error(ErrorCode::LOGGED_OUT, "logout: already logging out"))
            }
            Session::Ready(_) => {}
        }
        let id = self.next_request_id();
        self.begin_logout(now, Some(id));
        Ok(id)
    }

    /// Send `wslogout` (type 0) if the session is live; otherwise end the
    /// session locally at once.
    pub(super) fn begin_logout(&mut self, now: Instant, id: Option<RequestId<()>>) {
        let live = self.session.is_live() && self.open_conn().is_some();
        if let Session::Ready(r) = &mut self.session {
            r.logging_out = true;
        }
        if live {
            let body = LogoutRequest::default();
            let timeout = self.ctx.tuning().request_timeout;
            self.enqueue(now, servcmd::LOGOUT, &body, timeout, Logout { id });
        } else {
            self.end_session(ErrorCode::LOGGED_OUT, "logged out");
            if let Some(id) = id {
                self.complete(id, Ok(()));
            }
            self.after_logout(now);
        }
    }

    pub(crate) fn on_logout_done(&mut self, now: Instant, id: Option<RequestId<()>>) {
        self.end_session(ErrorCode::LOGGED_OUT, "logged out");
        if let Some(id) = id {
            self.complete(id, Ok(()));
        }
        self.after_logout(now);
    }

    /// The logout pending is done without its reply (the server no longer
    /// holds the session): it completes now.
    pub(super) fn finish_pending_logout(&mut self, now: Instant) {
        let ids: Vec<RequestId<()>> = self
            .requests
            .drain_where(|p| p.purpose.is::<Logout>())
            .into_iter()
            .filter_map(|p| p.purpose.downcast_ref::<Logout>().and_then(|l| l.id))
            .collect();
        let mut ids = ids.into_iter();
        self.on_logout_done(now, ids.next());
        // Every logout waiting completes (there is one unless a session
        // restored meanwhile accepted another).
        for id in ids {
            self.complete(id, Ok(()));
        }
    }

    fn after_logout(&mut self, _now: Instant) {
        self.finish_destroy();
    }

    /// End the session: SDK_NOT_READY (once), and every request that needed
    /// it fails with `code`.
    pub(crate) fn end_session(&mut self, code: ErrorCode, why: &str) {
        let was_ready = matches!(self.session, Session::Ready(_));
        self.session = Session::LoggedOut(LoggedOutReason::Ended);
        self.timers.stop(Timer::Hello);
        self.sync.reset();
        let failed = self.requests.drain_where(|_| true);
        for p in failed {
            p.purpose.on_failed(self, ChatError::new(code, why));
        }
        self.end_uploads(code, why);
        self.conv_reset();
        // SDK_READY was reported for exactly the sessions that became
        // ready: only their end is SDK_NOT_READY.
        if was_ready {
            self.emit(Event::SdkNotReady);
        }
    }

    /// The user was forced offline.
    pub(crate) fn kicked(&mut self, now: Instant, kind: KickedOutType) {
        if !matches!(self.session, Session::Ready(_)) {
            return;
        }
        if self.log_enabled(2) {
            tracing::warn!(kind = kind.as_str(), "kicked out");
        }
        self.emit(Event::KickedOut { kind });
        let code = match kind {
            KickedOutType::MultipleAccount => ErrorCode::KICKED_OUT_MULT_ACCOUNT,
            KickedOutType::MultipleDevice => ErrorCode::KICKED_OUT_MULT_DEVICE,
            KickedOutType::UserSigExpired => ErrorCode::KICKED_OUT_USERSIG_EXPIRED,
            KickedOutType::RestApi => ErrorCode::KICKED_OUT_REST_API,
        };
        match kind {
            KickedOutType::MultipleAccount | KickedOutType::MultipleDevice => {
                // As the official SDK: log this instance out (type 1); the
                // socket stays open.
                let body = LogoutRequest {
                    wslogout_type: 1,
                    is_web_uniapp: 0,
                };
                self.send_oneway(now, servcmd::LOGOUT, &body);
                self.end_session(code, kind.as_str());
            }
            KickedOutType::RestApi => {
                self.end_session(code, kind.as_str());
                self.drop_link(now, CLOSE_DESTROY);
            }
            KickedOutType::UserSigExpired => {
                self.end_session(code, kind.as_str());
                self.drop_link(now, CLOSE_ABANDON);
            }
        }
        self.finish_destroy();
    }
}

/// `wslogout` for the user's `logout` (`id`), or the one `destroy` sends.
#[derive(Debug)]
struct Logout {
    id: Option<RequestId<()>>,
}

impl Request for Logout {
    fn is_internal(&self) -> bool {
        self.id.is_none()
    }

    fn on_reply(
        self: Box<Self>,
        client: &mut Client,
        now: Instant,
        _status: Result<(), ChatError>,
        _frame: &Frame,
    ) {
        client.on_logout_done(now, self.id);
    }

    fn on_failed(self: Box<Self>, client: &mut Client, err: ChatError) {
        if let Some(id) = self.id {
            client.complete(id, Err(err));
        }
    }

    /// Logged out locally all the same.
    fn on_timeout(self: Box<Self>, client: &mut Client, now: Instant, _: ChatError, _: bool) {
        client.on_logout_done(now, self.id);
    }
}
