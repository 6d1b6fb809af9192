//! List and profile.

use std::time::Instant;

use super::super::Client;

impl Client {
    /// The session is live (login or re-login): fetch the joined groups.
    pub(in crate::client) fn groups_session_live(&mut self, _now: Instant) {}
}
