//! The send queue seen from the user: the sends still waiting for the
//! server (`pending_sends`), cancelling one (`cancel_pending_send`), and
//! the offline window that ends a change request no link carried in time.
//!
//! The queue itself is the request table: a change request stays in it
//! through outages and is resent with its seq (and a send with its
//! MsgSeq/MsgRandom, which the server deduplicates) on the next live
//! session; `request.rs` (`Hold`) has how its time limits run.

use std::time::Instant;

use super::request::{AnyRequestId, Pending};
use super::Client;
use crate::error::{ChatError, ErrorCode};

/// A `send_message` the server has not confirmed yet.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PendingSend {
    /// The `send_message` call, as its [`RequestId`](super::RequestId)
    /// erased.
    pub request: AnyRequestId,
    /// The message's ID (what `cancel_pending_send` takes).
    pub message_id: String,
    /// The conversation it goes to (`C2C<userID>`).
    pub conversation_id: String,
    /// When `send_message` was called.
    pub queued_at: Instant,
    /// Whether it was written to a link at least once: the server may
    /// already hold it (it answers a resend from its replay cache).
    pub ever_sent: bool,
    /// Whether it is out on the live link now, waiting for the reply
    /// (such a send cannot be cancelled).
    pub in_flight: bool,
}

impl Client {
    /// The sends not yet confirmed by the server, oldest first: waiting for
    /// a link (offline, reconnecting, logging in again, resyncing) or out
    /// on the live link.
    pub fn pending_sends(&self) -> Vec<PendingSend> {
        let live = self.session.is_live();
        self.requests
            .iter()
            .filter_map(|p| {
                let (request, message) = p.purpose.pending_send()?;
                Some(PendingSend {
                    request,
                    message_id: message.id.clone(),
                    conversation_id: message.conversation_id.clone(),
                    queued_at: p.queued_at,
                    ever_sent: p.ever_sent,
                    in_flight: live && p.sent_on.is_some(),
                })
            })
            .collect()
    }

    /// Cancel the pending send of message `message_id`: its `send_message`
    /// fails with 2100 (`MSG_SEND_FAIL`, "cancelled"), its message is
    /// marked failed, and it is never sent afterwards.
    ///
    /// Fails with 2905 when no such send is pending, and with 2109
    /// (`MSG_ONPROGRESS_ERR`) while it is out on the live link: the server
    /// is answering it and cannot be stopped. A send written on a link that
    /// dropped before the reply may already have reached the server; its
    /// cancellation says so ([`PendingSend::ever_sent`] tells beforehand).
    pub fn cancel_pending_send(
        &mut self,
        _now: Instant,
        message_id: &str,
    ) -> Result<(), ChatError> {
        self.check_alive("cancelPendingSend")?;
        let is_it = |p: &Pending| {
            p.purpose
                .pending_send()
                .is_some_and(|(_, m)| m.id == message_id)
        };
        let live = self.session.is_live();
        if !self.requests.any(is_it) {
            return Err(self.api_error(
                ErrorCode::INVALID_OPERATION,
                format!("cancelPendingSend: no pending send of message {message_id}"),
            ));
        }
        if live && self.requests.any(|p| is_it(p) && p.sent_on.is_some()) {
            return Err(self.api_error(
                ErrorCode::MSG_ONPROGRESS_ERR,
                "cancelPendingSend: the send is out on the live link and cannot be stopped",
            ));
        }
        for p in self.requests.drain_where(is_it) {
            let why = if p.ever_sent {
                "cancelled by cancelPendingSend; it went out on a link that dropped before the reply, so the server may hold it"
            } else {
                "cancelled by cancelPendingSend before it was sent"
            };
            p.purpose
                .on_failed(self, ChatError::new(ErrorCode::MSG_SEND_FAIL, why));
        }
        Ok(())
    }

    /// A request held through outages waited for a link for the whole
    /// offline window: it fails with 2805 and, being out of the table, is
    /// never sent afterwards.
    pub(crate) fn offline_window_spent(&mut self, p: Pending) {
        let window = self.ctx.tuning().offline_window;
        let mut why = format!(
            "{} (seq {}) found no link within the offline window ({} s)",
            p.servcmd,
            p.seq,
            window.as_secs()
        );
        if p.ever_sent {
            why.push_str(
                "; it went out on a link that dropped before the reply, so the server may hold it",
            );
        }
        if self.log_enabled(2) {
            tracing::warn!(
                servcmd = p.servcmd,
                seq = p.seq,
                "offline window spent: failing the request"
            );
        }
        p.purpose
            .on_failed(self, ChatError::new(ErrorCode::NO_NETWORK, why));
    }
}
