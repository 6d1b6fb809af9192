//! Wall-clock time without reading a clock: the driver anchors an `Instant`
//! to Unix milliseconds, and the login reply's `TimeStamp` gives the offset
//! to server time. `getServerTime` reads it.

use std::time::Instant;

use super::{Client, RequestId};
use crate::error::ChatError;

#[derive(Debug, Clone)]
pub(crate) struct WallClock {
    anchor: Instant,
    anchor_unix_ms: u64,
    server_offset_ms: i64,
}

impl WallClock {
    pub(crate) fn new(now: Instant, unix_ms: u64) -> WallClock {
        WallClock {
            anchor: now,
            anchor_unix_ms: unix_ms,
            server_offset_ms: 0,
        }
    }

    /// Re-anchor (the local wall clock may have jumped).
    pub(crate) fn set(&mut self, now: Instant, unix_ms: u64) {
        self.anchor = now;
        self.anchor_unix_ms = unix_ms;
    }

    /// Local Unix milliseconds at `now`.
    pub(crate) fn local_ms(&self, now: Instant) -> u64 {
        let elapsed = now.saturating_duration_since(self.anchor).as_millis();
        self.anchor_unix_ms
            .saturating_add(u64::try_from(elapsed).unwrap_or(u64::MAX))
    }

    /// Record the server's time (Unix seconds) as seen at `now`.
    pub(crate) fn sync_server(&mut self, now: Instant, server_secs: u64) {
        if server_secs == 0 {
            return;
        }
        let server_ms = i128::from(server_secs) * 1000;
        let local_ms = i128::from(self.local_ms(now));
        self.server_offset_ms = i64::try_from(server_ms - local_ms).unwrap_or(0);
    }

    /// Best estimate of server Unix seconds at `now`.
    pub(crate) fn server_secs(&self, now: Instant) -> u64 {
        let ms = i128::from(self.local_ms(now)) + i128::from(self.server_offset_ms);
        u64::try_from(ms.max(0) / 1000).unwrap_or(0)
    }
}

impl Client {
    /// `getServerTime()`: the server's time in Unix seconds, estimated from
    /// the local clock and the offset the last login reply's `TimeStamp`
    /// gave (the local time before any login). Answered locally, so it
    /// completes at once; fails with 3005 after `destroy`.
    pub fn get_server_time(&mut self, now: Instant) -> Result<RequestId<u64>, ChatError> {
        self.check_alive("getServerTime")?;
        let id = self.next_request_id();
        self.complete(id, Ok(self.clock.server_secs(now)));
        Ok(id)
    }
}
