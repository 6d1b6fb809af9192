//! Bounded logging of what peers control.
//!
//! Every string a peer chose (a servcmd, an identifier, a user ID, a
//! cookie) goes into a log line through [`short`]: at most
//! [`SHORT_BYTES`] bytes of it, control characters and quotes escaped, and
//! the length of what was cut. Lines a peer can cause at will go through a
//! [`LogLimiter`]: at most [`LINES_PER_WINDOW`] per [`WINDOW`] for each
//! [`LogSite`], the rest counted and reported (`suppressed = N`) on the
//! next line of that site that is let through.

use std::fmt;
use std::time::{Duration, Instant};

/// Most bytes of a peer's string that reach a log line.
pub const SHORT_BYTES: usize = 32;
/// Most bytes of a text that may quote a peer (an error's message).
pub const TEXT_BYTES: usize = 160;
/// Lines of one site let through per window.
pub const LINES_PER_WINDOW: u32 = 10;
/// The rate-limiting window of each site.
pub const WINDOW: Duration = Duration::from_secs(10);

/// A peer's string as it may appear in a log line; see [`short`].
#[derive(Clone, Copy)]
pub struct Short<'a>(&'a str, usize);

/// `s` bounded for a log line: at most [`SHORT_BYTES`] bytes (cut at a
/// character boundary), escaped like a Rust string literal, followed by
/// `…(+N bytes)` when cut.
pub fn short(s: &str) -> Short<'_> {
    Short(s, SHORT_BYTES)
}

/// [`short`] for a text that may quote a peer (an error message): at most
/// [`TEXT_BYTES`] bytes.
pub fn short_text(s: &str) -> Short<'_> {
    Short(s, TEXT_BYTES)
}

impl fmt::Display for Short<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0;
        let mut end = s.len().min(self.1);
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        write!(f, "\"{}\"", s[..end].escape_debug())?;
        if end < s.len() {
            write!(f, "…(+{} bytes)", s.len() - end)?;
        }
        Ok(())
    }
}

impl fmt::Debug for Short<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// The log lines a peer can cause at will, each limited on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum LogSite {
    /// A servcmd the server does not implement.
    UnsupportedServcmd,
    /// A refused `wslogin`.
    LoginRefused,
    /// A connection over the per-address cap.
    TooManyConnections,
    /// A connection closed for sending too many frames before login.
    FrameRateBeforeLogin,
    /// A `sendmsg` over the sender's message rate.
    SendRateLimited,
    /// The transport refused a connection (per-address caps at accept).
    AcceptRefused,
    /// An HTTP connection of the REST API was dropped or evicted.
    HttpRefused,
    /// A client that does not read was cut off.
    SlowConsumer,
    /// A refused REST call.
    RestRefused,
}

const SITES: usize = 9;

impl LogSite {
    fn index(self) -> usize {
        match self {
            LogSite::UnsupportedServcmd => 0,
            LogSite::LoginRefused => 1,
            LogSite::TooManyConnections => 2,
            LogSite::FrameRateBeforeLogin => 3,
            LogSite::SendRateLimited => 4,
            LogSite::AcceptRefused => 5,
            LogSite::HttpRefused => 6,
            LogSite::SlowConsumer => 7,
            LogSite::RestRefused => 8,
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct Window {
    start: Option<Instant>,
    lines: u32,
    suppressed: u64,
}

/// Per-site line budgets in the caller's time (the engine's virtual time,
/// or the driver's clock).
#[derive(Debug, Default)]
pub struct LogLimiter {
    sites: [Window; SITES],
}

impl LogLimiter {
    /// A limiter with every site's budget full.
    pub fn new() -> LogLimiter {
        LogLimiter::default()
    }

    /// Run `line` (which logs one line, given how many lines of `site` were
    /// suppressed since the last one let through) if `site` has budget left
    /// at `now`; otherwise count it as suppressed. Returns whether it ran.
    pub fn line(&mut self, now: Instant, site: LogSite, line: impl FnOnce(u64)) -> bool {
        let w = &mut self.sites[site.index()];
        let expired = w
            .start
            .is_none_or(|start| now.saturating_duration_since(start) >= WINDOW);
        if expired {
            w.start = Some(now);
            w.lines = 0;
        }
        if w.lines >= LINES_PER_WINDOW {
            w.suppressed = w.suppressed.saturating_add(1);
            return false;
        }
        w.lines += 1;
        let suppressed = std::mem::take(&mut w.suppressed);
        line(suppressed);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_cuts_and_escapes() {
        assert_eq!(short("abc").to_string(), "\"abc\"");
        assert_eq!(short("a\"b\n").to_string(), "\"a\\\"b\\n\"");
        let long = "x".repeat(1000);
        let s = short(&long).to_string();
        assert!(s.len() < SHORT_BYTES + 32, "{s}");
        assert!(s.ends_with("…(+968 bytes)"), "{s}");
        // A multi-byte character across the cut is left out whole.
        let wide = format!("{}é", "x".repeat(SHORT_BYTES - 1));
        assert_eq!(
            short(&wide).to_string(),
            format!("\"{}\"…(+2 bytes)", "x".repeat(31))
        );
    }

    #[test]
    fn limiter_lets_a_burst_through_then_counts() {
        let t0 = Instant::now();
        let mut l = LogLimiter::new();
        let mut ran = 0;
        for _ in 0..100 {
            l.line(t0, LogSite::LoginRefused, |_| ran += 1);
        }
        assert_eq!(ran, LINES_PER_WINDOW);
        assert!(
            l.line(t0, LogSite::UnsupportedServcmd, |_| {}),
            "sites are separate"
        );
        let mut reported = None;
        assert!(l.line(t0 + WINDOW, LogSite::LoginRefused, |n| reported = Some(n)));
        assert_eq!(reported, Some(90));
        let mut again = None;
        l.line(t0 + WINDOW, LogSite::LoginRefused, |n| again = Some(n));
        assert_eq!(again, Some(0), "the count is reported once");
    }
}
