//! The instance's lifecycle — running, destroying (the logout `destroy`
//! sent is in flight), destroyed — and `destroy` itself.
//!
//! The destroyed state is read in one place, [`Client::check_alive`], by
//! the calls that must refuse with 3005; everything else is inert after
//! `finish_destroy` by construction (no link, no session, no timers, no
//! requests, and the output queues closed).

use std::time::Instant;

use super::link::CLOSE_DESTROY;
use super::request::RequestId;
use super::session::Session;
use super::timer::Timer;
use super::Client;
use crate::error::{ChatError, ErrorCode};
use crate::event::Event;

/// Where the instance is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lifecycle {
    /// Usable.
    Running,
    /// `destroy` was called; completes this request when done.
    Destroying(RequestId<()>),
    /// `destroy` completed: calls fail with 3005.
    Destroyed,
}

impl Lifecycle {
    pub(crate) fn is_destroyed(self) -> bool {
        self == Lifecycle::Destroyed
    }

    pub(crate) fn is_destroying(self) -> bool {
        matches!(self, Lifecycle::Destroying(_))
    }
}

impl Client {
    /// 3005 for `api` once the instance is destroyed (also an ERROR event,
    /// as every refused call): the one check of the destroyed state.
    pub(crate) fn check_alive(&mut self, api: &str) -> Result<(), ChatError> {
        if self.lifecycle.is_destroyed() {
            return Err(self.api_error(
                ErrorCode::LOGGED_OUT,
                format!("{api}: the instance was destroyed"),
            ));
        }
        Ok(())
    }

    /// `destroy()`: log out, close the WebSocket (4000), release; emits
    /// SDK_DESTROY. Completes (with `()`) once SDK_DESTROY is out. Calls after it
    /// fail with 3005; a second `destroy` completes at once.
    pub fn destroy(&mut self, now: Instant) -> RequestId<()> {
        let id = self.next_request_id();
        if !matches!(self.lifecycle, Lifecycle::Running) {
            // Done, or already on its way: this call completes at once.
            self.complete(id, Ok(()));
            return id;
        }
        self.lifecycle = Lifecycle::Destroying(id);
        let logged_in = matches!(&self.session, Session::Ready(r) if !r.logging_out);
        if logged_in && self.session.is_live() && self.open_conn().is_some() {
            self.timers.set(
                Timer::Destroy,
                now + self.ctx.tuning().destroy_logout_timeout,
            );
            self.begin_logout(now, None);
        } else if matches!(&self.session, Session::Ready(r) if r.logging_out) {
            self.timers.set(
                Timer::Destroy,
                now + self.ctx.tuning().destroy_logout_timeout,
            );
        } else {
            self.finish_destroy();
        }
        id
    }

    /// Release everything, emit SDK_DESTROY (the last event) and complete
    /// the `destroy` call; nothing unless a destroy is in progress.
    pub(crate) fn finish_destroy(&mut self) {
        let Lifecycle::Destroying(id) = self.lifecycle else {
            return;
        };
        self.end_session(ErrorCode::LOGGED_OUT, "the instance was destroyed");
        self.release_link(CLOSE_DESTROY);
        self.timers.stop_all();
        self.messages.created_mut().clear();
        self.forget_staged_uploads();
        self.emit(Event::SdkDestroy {
            sdk_app_id: self.ctx.sdk_app_id(),
        });
        // SDK_DESTROY is the last event and the close the last transmit.
        self.out.close();
        self.lifecycle = Lifecycle::Destroyed;
        self.complete(id, Ok(()));
    }
}
