//! The event log of a run: every line is folded into a 64-bit FNV-1a hash
//! (two runs of one seed must end with the same hash) and the newest lines
//! are kept to explain a failure. A run can also keep its whole trace,
//! notes included ([`SimConfig::whole_trace`](super::SimConfig::whole_trace)),
//! to ask afterwards what happened in it ([`WholeTrace`]).

use std::collections::VecDeque;
use std::time::Duration;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// One kept line: when, the client slot it concerns (if any) and its text.
#[derive(Debug, Clone)]
pub struct Line {
    /// Virtual time.
    pub at: Duration,
    /// Client slot, `None` for world-wide lines (faults, server).
    pub slot: Option<usize>,
    /// The text, without time and slot.
    pub what: String,
    /// A note: a diagnostic line, not hashed, and not in failure reports.
    pub note: bool,
}

impl Line {
    /// The line concerns client slot `slot`.
    pub fn of(&self, slot: usize) -> bool {
        self.slot == Some(slot)
    }

    /// The text contains `part`.
    pub fn has(&self, part: &str) -> bool {
        self.what.contains(part)
    }

    /// The text starts with `prefix`.
    pub fn starts(&self, prefix: &str) -> bool {
        self.what.starts_with(prefix)
    }
}

impl std::fmt::Display for Line {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let who = self.slot.map_or("----".to_string(), |s| format!("c{s:<3}"));
        let dot = if self.note { ". " } else { "" };
        write!(
            f,
            "{:>10.3}s {who} {dot}{}",
            self.at.as_secs_f64(),
            self.what
        )
    }
}

/// Every line of a run, notes included, oldest first: what a test asks
/// to check that a seed still does what it was pinned for.
#[derive(Debug, Clone, Default)]
pub struct WholeTrace {
    lines: Vec<Line>,
}

impl WholeTrace {
    /// The lines, oldest first.
    pub fn lines(&self) -> &[Line] {
        &self.lines
    }

    /// The index of the first line at or after `from` that `pred` accepts.
    pub fn find(&self, from: usize, pred: impl Fn(&Line) -> bool) -> Option<usize> {
        (from..self.lines.len()).find(|&i| pred(&self.lines[i]))
    }

    /// Whether some line is accepted by `pred`.
    pub fn any(&self, pred: impl Fn(&Line) -> bool) -> bool {
        self.lines.iter().any(pred)
    }
}

/// The log.
#[derive(Debug)]
pub struct Trace {
    hash: u64,
    lines: u64,
    keep: usize,
    kept: VecDeque<Line>,
    print: bool,
    whole: Option<Vec<Line>>,
}

impl Trace {
    /// A log keeping the newest `keep` lines; `print` echoes every line to
    /// stderr (`SIM_TRACE=1`); `whole` also keeps every line and note for
    /// [`Trace::take_whole`].
    pub fn new(keep: usize, print: bool, whole: bool) -> Trace {
        Trace {
            hash: FNV_OFFSET,
            lines: 0,
            keep,
            kept: VecDeque::new(),
            print,
            whole: whole.then(Vec::new),
        }
    }

    /// Whether lines are wanted at all (a run that keeps none and prints
    /// none only hashes).
    pub fn wants_text(&self) -> bool {
        self.keep > 0 || self.print || self.whole.is_some()
    }

    /// A diagnostic line (verbose or whole-trace runs only); not part of
    /// the hash, so a replay with `SIM_TRACE=1` has the same hash as a
    /// quiet run.
    pub fn note(&mut self, t: Duration, slot: Option<usize>, text: &str) {
        let line = Line {
            at: t,
            slot,
            what: text.to_owned(),
            note: true,
        };
        if self.print {
            eprintln!("{line}");
        }
        if let Some(whole) = &mut self.whole {
            whole.push(line);
        }
    }

    /// Whether notes are wanted (printed or kept), so worth composing.
    pub fn verbose(&self) -> bool {
        self.print || self.whole.is_some()
    }

    /// The whole trace, if this log kept it.
    pub fn take_whole(&mut self) -> Option<WholeTrace> {
        self.whole.take().map(|lines| WholeTrace { lines })
    }

    fn store(&mut self, line: Line) {
        if self.print {
            eprintln!("{line}");
        }
        if let Some(whole) = &mut self.whole {
            whole.push(line.clone());
        }
        if self.keep > 0 {
            if self.kept.len() == self.keep {
                self.kept.pop_front();
            }
            self.kept.push_back(line);
        }
    }

    /// Fold raw bytes (a frame) into the hash without keeping text.
    pub fn mix_bytes(&mut self, bytes: &[u8]) {
        let mut h = self.hash;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            h = (h ^ u64::from_le_bytes(w)).wrapping_mul(FNV_PRIME);
        }
        for b in chunks.remainder() {
            h = (h ^ u64::from(*b)).wrapping_mul(FNV_PRIME);
        }
        self.hash = (h ^ bytes.len() as u64).wrapping_mul(FNV_PRIME);
    }

    /// Keep a line for a failure report without hashing it (for text about
    /// something already hashed, such as a frame).
    pub fn keep(&mut self, t: Duration, slot: Option<usize>, text: &str) {
        if !self.wants_text() {
            return;
        }
        self.store(Line {
            at: t,
            slot,
            what: text.to_owned(),
            note: false,
        });
    }

    /// Fold a number into the hash.
    pub fn mix(&mut self, x: u64) {
        self.hash = (self.hash ^ x).wrapping_mul(FNV_PRIME);
    }

    /// Record a line at virtual time `t`.
    pub fn line(&mut self, t: Duration, slot: Option<usize>, text: &str) {
        self.lines += 1;
        self.mix(t.as_micros() as u64);
        self.mix(slot.map_or(u64::MAX, |s| s as u64));
        self.mix_bytes(text.as_bytes());
        self.keep(t, slot, text);
    }

    /// The hash of everything logged so far.
    pub fn hash(&self) -> u64 {
        self.hash
    }

    /// Lines logged so far.
    pub fn line_count(&self) -> u64 {
        self.lines
    }

    /// The newest kept lines about `slots` (and world-wide lines), at most
    /// `max` of them, oldest first.
    pub fn tail_for(&self, slots: &[usize], max: usize) -> Vec<String> {
        let mut out: Vec<String> = self
            .kept
            .iter()
            .rev()
            .filter(|l| l.slot.is_none_or(|s| slots.contains(&s)))
            .take(max)
            .map(|l| l.to_string())
            .collect();
        out.reverse();
        out
    }
}
