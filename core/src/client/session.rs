//! Login state: the session, login and re-login after a reconnect, and the
//! keep-alive. How a session ends (logout, kick-outs) is in `logout.rs`.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use super::link::CLOSE_ABANDON;
use super::request::{LiveLimits, LoginKind, Pending, Request, RequestId};
use super::timer::Timer;
use super::{Client, LoginInfo};
use crate::connect::ConnectFailure;
use crate::error::{ChatError, ErrorCode};
use crate::event::Event;
use crate::proto::{HelloRequest, LoginReply, LoginRequest};
use crate::types::KickedOutType;
use crate::wire::{servcmd, Frame, HeadIdentity};

/// Why no user is logged in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LoggedOutReason {
    /// Nobody has logged in on this instance yet (calls fail with 2024).
    Never,
    /// The user logged out or was kicked (calls fail with 3005).
    Ended,
}

/// A logged-in session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ready {
    pub(crate) user_id: String,
    pub(crate) user_sig: String,
    pub(crate) a2: String,
    pub(crate) tiny_id: String,
    pub(crate) inst_id: u64,
    pub(crate) hello: Duration,
    /// The server knows this session on the current link. False from link
    /// loss until the re-login reply.
    pub(crate) live: bool,
    /// A logout is in flight.
    pub(crate) logging_out: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Session {
    LoggedOut(LoggedOutReason),
    LoggingIn {
        user_id: String,
        user_sig: String,
        id: RequestId<LoginInfo>,
        /// What the state was before this login, restored if it fails.
        before: LoggedOutReason,
    },
    Ready(Ready),
}

impl Session {
    /// The current user: the one logged in or logging in. The one notion
    /// of "me" the client uses (message ownership and flow, the store's
    /// owner, the `From_Account` of requests).
    pub(crate) fn user(&self) -> Option<&str> {
        match self {
            Session::Ready(r) => Some(&r.user_id),
            Session::LoggingIn { user_id, .. } => Some(user_id),
            Session::LoggedOut(_) => None,
        }
    }

    pub(crate) fn wants_link(&self) -> bool {
        !matches!(self, Session::LoggedOut(_))
    }

    pub(crate) fn is_live(&self) -> bool {
        matches!(self, Session::Ready(r) if r.live)
    }

    pub(crate) fn link_lost(&mut self) {
        if let Session::Ready(r) = self {
            r.live = false;
        }
    }

    /// The head identity of ordinary requests.
    pub(crate) fn identity(&self) -> HeadIdentity {
        match self {
            Session::Ready(r) => HeadIdentity::A2 {
                a2: r.a2.clone(),
                tinyid: r.tiny_id.clone(),
                instid: r.inst_id,
            },
            _ => HeadIdentity::Anonymous,
        }
    }
}

impl Client {
    /// The current user's ID (see [`Session::user`]); empty when nobody is
    /// logged in.
    pub(crate) fn current_user(&self) -> String {
        self.session.user().unwrap_or_default().to_owned()
    }

    /// The ready session, or the official error for this state.
    pub(crate) fn require_ready(&mut self, api: &str) -> Result<&Ready, ChatError> {
        self.check_alive(api)?;
        let code = match &self.session {
            Session::Ready(r) if !r.logging_out => None,
            Session::Ready(_) | Session::LoggedOut(LoggedOutReason::Ended) => {
                Some(ErrorCode::LOGGED_OUT)
            }
            Session::LoggingIn { .. } => Some(ErrorCode::LOGGING_IN),
            Session::LoggedOut(LoggedOutReason::Never) => Some(ErrorCode::USER_NOT_LOGGED_IN),
        };
        if let Some(code) = code {
            let text = match code {
                ErrorCode::LOGGING_IN => "a login is in progress",
                ErrorCode::USER_NOT_LOGGED_IN => "not logged in",
                _ => "logged out",
            };
            return Err(self.api_error(code, format!("{api}: {text}")));
        }
        let Session::Ready(r) = &self.session else {
            unreachable!("a session that is not ready was refused just above");
        };
        Ok(r)
    }

    /// `login({userID, userSig})`. The result, a [`LoginInfo`], arrives as
    /// a [`Completion`](super::Completion); SDK_READY is emitted just
    /// before it.
    pub fn login(
        &mut self,
        now: Instant,
        user_id: &str,
        user_sig: &str,
    ) -> Result<RequestId<LoginInfo>, ChatError> {
        self.check_alive("login")?;
        if self.lifecycle.is_destroying() {
            return Err(self.api_error(
                ErrorCode::LOGGED_OUT,
                "login: the instance is being destroyed",
            ));
        }
        if user_id.is_empty() {
            return Err(self.api_error(ErrorCode::NO_IDENTIFIER, "login: userID is empty"));
        }
        if user_sig.is_empty() {
            return Err(self.api_error(ErrorCode::NO_USERSIG, "login: userSig is empty"));
        }
        match &self.session {
            Session::LoggingIn { .. } => {
                return Err(self.api_error(ErrorCode::LOGGING_IN, "login: a login is in progress"))
            }
            Session::Ready(r) if r.user_id == user_id && !r.logging_out => {
                let info = LoginInfo {
                    repeat_login: true,
                    tiny_id: r.tiny_id.clone(),
                    instance_id: r.inst_id,
                };
                let id = self.next_request_id();
                self.complete(id, Ok(info));
                return Ok(id);
            }
            Session::Ready(_) => {
                return Err(self.api_error(
                    ErrorCode::REPEAT_LOGIN,
                    "login: another user is logged in; log out first",
                ))
            }
            Session::LoggedOut(_) => {}
        }
        self.check_capacity()?;
        let before = match self.session {
            Session::LoggedOut(reason) => reason,
            _ => LoggedOutReason::Never,
        };
        let id = self.next_request_id();
        self.net.restart_failure_count();
        self.session = Session::LoggingIn {
            user_id: user_id.to_owned(),
            user_sig: user_sig.to_owned(),
            id,
            before,
        };
        let timeout = self.ctx.tuning().login_timeout;
        self.enqueue(
            now,
            servcmd::LOGIN,
            &LoginRequest::default(),
            timeout,
            Login { id },
        );
        Ok(id)
    }

    /// The connection attempts of a first `login` failed
    /// `Tuning::login_connect_attempts` times in a row: the login fails with
    /// 2800 naming the last cause (also an ERROR event), instead of waiting
    /// out the 90 s login timeout. A login already written to a link (a
    /// server that accepted the connection) is left to that timeout.
    pub(crate) fn fail_first_login_unreachable(&mut self, failure: &ConnectFailure) {
        if !matches!(self.session, Session::LoggingIn { .. }) {
            return;
        }
        let attempts = self.net.failed_connects();
        let logins = self
            .requests
            .drain_where(|p| p.purpose.login() == Some(LoginKind::First) && !p.ever_sent);
        for p in logins {
            let err = self.api_error(
                ErrorCode::NETWORK_ERROR,
                format!("login: could not reach the server ({attempts} attempts in a row failed): {failure}"),
            );
            p.purpose.on_failed(self, err);
        }
    }

    /// The link opened: log in again if a session exists.
    pub(crate) fn on_link_open(&mut self, now: Instant) {
        let relogin = matches!(&self.session, Session::Ready(r) if !r.live);
        if relogin && !self.requests.has::<Relogin>() {
            self.send_relogin(now, false);
        } else {
            self.flush(now);
        }
    }

    /// Log in again on a new link: with the session's A2, or with the
    /// UserSig when the server no longer knows the A2.
    fn send_relogin(&mut self, now: Instant, with_sig: bool) {
        let timeout = self.ctx.tuning().request_timeout;
        let body = LoginRequest::default();
        self.enqueue(now, servcmd::LOGIN, &body, timeout, Relogin { with_sig });
    }

    /// The user's login succeeded: the session is ready.
    fn on_login_ok(&mut self, now: Instant, id: RequestId<LoginInfo>, reply: &LoginReply) {
        let Session::LoggingIn {
            user_id, user_sig, ..
        } = &self.session
        else {
            return;
        };
        let ready = self.make_ready(now, user_id.clone(), user_sig.clone(), reply);
        self.messages.own(&ready.user_id);
        self.messages.release(&ready.user_id);
        let info = LoginInfo {
            repeat_login: false,
            tiny_id: ready.tiny_id.clone(),
            instance_id: ready.inst_id,
        };
        self.session = Session::Ready(ready);
        self.emit(Event::SdkReady);
        self.complete(id, Ok(info));
        self.session_live(now);
    }

    /// A re-login reply; `hint` is the refusal's `RetryAfterMs` (ours,
    /// PROTOCOL.md "Retry hint"), if any.
    fn on_relogin_reply(
        &mut self,
        now: Instant,
        with_sig: bool,
        reply: Result<LoginReply, ChatError>,
        hint: Option<Duration>,
    ) {
        match (with_sig, reply) {
            (_, Ok(reply)) => {
                let Session::Ready(r) = &self.session else {
                    return;
                };
                let logging_out = r.logging_out;
                let mut ready = self.make_ready(now, r.user_id.clone(), r.user_sig.clone(), &reply);
                // A logout still waiting to go out stays under way: it goes
                // out on this link (found by the simulation, seed 1832 of
                // `solo`: a second `logout` was accepted meanwhile and only
                // one of the two completed).
                ready.logging_out = logging_out;
                self.session = Session::Ready(ready);
                self.session_live(now);
            }
            (_, Err(_)) if matches!(&self.session, Session::Ready(r) if r.logging_out) => {
                // This re-login only restored the session to send its
                // logout; the server no longer holds the session (the
                // logout reached it before the link died, or the session
                // ended there), so the logout is done. Logging in again
                // with the UserSig just to log out would be a new session
                // (found by the simulation, seed 26095).
                self.finish_pending_logout(now);
            }
            (_, Err(err)) if err.code.is_transient() => {
                // The server is over its login rate: the session goes on;
                // reconnect when the server said to (it spreads a herd
                // over time that way), or after the backoff.
                if self.log_enabled(2) {
                    tracing::warn!(code = err.code.0, ?hint, message = %err.message, "re-login refused for now; retrying later");
                }
                if let Some(wait) = hint {
                    self.net.hint_retry(wait);
                }
                self.drop_link(now, CLOSE_ABANDON);
            }
            (false, Err(err)) => {
                // The server no longer knows the A2 (it restarted, or the
                // session timed out): log in again with the UserSig,
                // transparently.
                if self.log_enabled(1) {
                    tracing::info!(
                        code = err.code.0,
                        "re-login refused; logging in with the UserSig"
                    );
                }
                self.send_relogin(now, true);
            }
            (true, Err(err)) => {
                if err.code.is_sig_expired() {
                    self.kicked(now, KickedOutType::UserSigExpired);
                } else if err.code.is_transient() {
                    // A rate limit: the session goes on; reconnect with the
                    // backoff and log in again then (found by the
                    // simulation, seed 139).
                    if self.log_enabled(2) {
                        tracing::warn!(code = err.code.0, message = %err.message, "re-login refused for now; retrying after a backoff");
                    }
                    self.drop_link(now, CLOSE_ABANDON);
                } else {
                    // The server refuses this user: the session cannot go on.
                    if self.log_enabled(3) {
                        tracing::error!(code = err.code.0, message = %err.message, "login refused after reconnect");
                    }
                    self.end_session(err.code, &err.message);
                }
            }
        }
    }

    fn make_ready(
        &mut self,
        now: Instant,
        user_id: String,
        user_sig: String,
        reply: &LoginReply,
    ) -> Ready {
        self.clock.sync_server(now, reply.time_stamp);
        self.presence_login_reply(&reply.custom_status);
        self.uploads.new_session(reply.rich_msg_auth_key.clone());
        let hello = if reply.hello_interval == 0 {
            self.ctx.tuning().default_hello_interval
        } else {
            Duration::from_secs(reply.hello_interval)
        };
        Ready {
            user_id,
            user_sig,
            a2: reply.a2_key.clone(),
            tiny_id: reply.tiny_id.clone(),
            inst_id: reply.inst_id,
            hello,
            live: true,
            logging_out: false,
        }
    }

    /// The session is known to the server on this link: start keep-alive,
    /// sync what arrived meanwhile, and send what was queued.
    fn session_live(&mut self, now: Instant) {
        if let Session::Ready(r) = &self.session {
            let hello = r.hello;
            self.timers.set(Timer::Hello, now + hello);
        }
        // The message sync first: its reply then comes before the
        // conversation list's, and pushes of newer messages cannot overtake
        // it for longer than before (the official SDK sends page_get first).
        self.start_sync(now);
        self.conv_session_live(now);
        self.flush(now);
    }

    pub(crate) fn on_timer(&mut self, now: Instant, timer: Timer) {
        match timer {
            Timer::Hello => {
                if let Session::Ready(r) = &self.session {
                    let hello = r.hello;
                    let in_flight = self.requests.has::<Hello>();
                    if r.live && !in_flight {
                        let timeout = self.ctx.tuning().request_timeout;
                        self.enqueue(
                            now,
                            servcmd::HELLO,
                            &HelloRequest::default(),
                            timeout,
                            Hello,
                        );
                    }
                    self.timers.set(Timer::Hello, now + hello);
                }
            }
            Timer::Destroy => self.finish_destroy(),
            other => self.on_link_timer(now, other),
        }
    }

    pub(crate) fn on_request_timeout(&mut self, now: Instant, p: Pending) {
        if p.window_due() {
            return self.offline_window_spent(p);
        }
        let mut why = format!("{} (seq {}) timed out", p.servcmd, p.seq);
        if p.unanswered_links > 0 {
            let _ = write!(why, " on {} links in a row", p.unanswered_links + 1);
        }
        if let (None, Some(failure)) = (self.open_conn(), self.net.last_failure()) {
            let _ = write!(why, "; the last connection attempt failed: {failure}");
        }
        let err = ChatError::new(ErrorCode::NETWORK_TIMEOUT, why);
        p.purpose.on_timeout(self, now, err, p.sent_on.is_some());
    }

    /// How long live links may carry a held change unanswered.
    pub(crate) fn live_limits(&self) -> LiveLimits {
        let tuning = self.ctx.tuning();
        LiveLimits {
            timeout: tuning.request_timeout,
            links: tuning.unanswered_links,
        }
    }

    /// A held change (a send, …) got no reply on the live link within its
    /// timeout: the link is suspect (a half-open socket, a stalled server
    /// whose silence the ping has not caught yet), so the client abandons
    /// it and resends the change on the next one, up to
    /// `Tuning::unanswered_links` links; then it fails with 2801.
    pub(crate) fn requeue_unanswered_changes(&mut self, now: Instant) {
        let n = self.requests.requeue_unanswered(now, self.live_limits());
        if n > 0 && self.open_conn().is_some() {
            if self.log_enabled(2) {
                tracing::warn!(
                    requests = n,
                    "a change got no reply on the live link: abandoning the link"
                );
            }
            self.drop_link(now, CLOSE_ABANDON);
        }
    }

    /// A change the server may still apply timed out. A stalled server can
    /// apply a change whose reply comes too late: the caller gets 2801, and
    /// this instance learns the outcome from its own notification, which
    /// the next sync page carries. A getmsg on the same link is answered
    /// after the late request (found by the simulation: a modify applied
    /// after its timeout left its operator at the old version; a pin or a
    /// conversation-group change is the same).
    pub(crate) fn resync_after_late_change(&mut self, now: Instant) {
        if self.session.is_live() {
            self.start_sync(now);
        }
    }
}

/// `wslogin` for the user's `login`, signed with the UserSig.
#[derive(Debug)]
struct Login {
    id: RequestId<LoginInfo>,
}

impl Request for Login {
    fn login(&self) -> Option<LoginKind> {
        Some(LoginKind::First)
    }

    fn on_reply(
        self: Box<Self>,
        client: &mut Client,
        now: Instant,
        status: Result<(), ChatError>,
        frame: &Frame,
    ) {
        match status.and_then(|()| Client::reply_body::<LoginReply>(frame)) {
            Ok(reply) => client.on_login_ok(now, self.id, &reply),
            Err(err) => {
                if let Session::LoggingIn { before, .. } = client.session {
                    client.session = Session::LoggedOut(before);
                }
                client.complete(self.id, Err(err));
            }
        }
    }

    fn on_failed(self: Box<Self>, client: &mut Client, err: ChatError) {
        if let Session::LoggingIn {
            id: sid, before, ..
        } = client.session
        {
            if sid == self.id {
                client.session = Session::LoggedOut(before);
            }
        }
        client.complete(self.id, Err(err));
    }
}

/// The retry hint of a refused login (ours): how long the server asks the
/// client to wait before it tries again.
#[derive(serde::Deserialize)]
struct RetryHint {
    #[serde(rename = "RetryAfterMs", default)]
    retry_after_ms: Option<u64>,
}

/// `wslogin` after a reconnect: with the session's A2, or with the UserSig
/// (`with_sig`) when the server no longer knew the A2.
#[derive(Debug)]
struct Relogin {
    with_sig: bool,
}

impl Request for Relogin {
    fn is_internal(&self) -> bool {
        true
    }

    fn login(&self) -> Option<LoginKind> {
        Some(LoginKind::Again {
            with_sig: self.with_sig,
        })
    }

    fn on_reply(
        self: Box<Self>,
        client: &mut Client,
        now: Instant,
        status: Result<(), ChatError>,
        frame: &Frame,
    ) {
        let hint = frame
            .body_as::<RetryHint>()
            .ok()
            .and_then(|h| h.retry_after_ms)
            .map(Duration::from_millis);
        let reply = status.and_then(|()| Client::reply_body::<LoginReply>(frame));
        client.on_relogin_reply(now, self.with_sig, reply, hint);
    }

    fn on_failed(self: Box<Self>, _client: &mut Client, _err: ChatError) {}

    /// The link carries nothing without a session: treat it as dead.
    fn on_timeout(self: Box<Self>, client: &mut Client, now: Instant, _: ChatError, _: bool) {
        client.drop_link(now, CLOSE_ABANDON);
    }
}

/// The `wshello` keep-alive.
#[derive(Debug)]
struct Hello;

impl Request for Hello {
    fn is_internal(&self) -> bool {
        true
    }

    fn on_reply(
        self: Box<Self>,
        _client: &mut Client,
        _now: Instant,
        _status: Result<(), ChatError>,
        _frame: &Frame,
    ) {
    }

    fn on_failed(self: Box<Self>, _client: &mut Client, _err: ChatError) {}
}
