//! The event log of a run: every line is folded into a 64-bit FNV-1a hash
//! (two runs of one seed must end with the same hash) and the newest lines
//! are kept to explain a failure.

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::time::Duration;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// One kept line: the client slot it concerns (if any) and its text.
#[derive(Debug, Clone)]
pub struct Line {
    /// Client slot, `None` for world-wide lines (faults, server).
    pub slot: Option<usize>,
    /// The text, starting with the virtual time.
    pub text: String,
}

/// The log.
#[derive(Debug)]
pub struct Trace {
    hash: u64,
    lines: u64,
    keep: usize,
    kept: VecDeque<Line>,
    print: bool,
}

impl Trace {
    /// A log keeping the newest `keep` lines; `print` echoes every line to
    /// stderr (`SIM_TRACE=1`).
    pub fn new(keep: usize, print: bool) -> Trace {
        Trace {
            hash: FNV_OFFSET,
            lines: 0,
            keep,
            kept: VecDeque::new(),
            print,
        }
    }

    /// Whether lines are wanted at all (a run that keeps none and prints
    /// none only hashes).
    pub fn wants_text(&self) -> bool {
        self.keep > 0 || self.print
    }

    /// Print a diagnostic line (verbose runs only); not part of the hash,
    /// so a replay with `SIM_TRACE=1` has the same hash as a quiet run.
    pub fn note(&mut self, t: Duration, slot: Option<usize>, text: &str) {
        if self.print {
            let who = slot.map_or("----".to_string(), |s| format!("c{s:<3}"));
            eprintln!("{:>10.3}s {who} . {text}", t.as_secs_f64());
        }
    }

    /// Whether verbose notes are printed.
    pub fn verbose(&self) -> bool {
        self.print
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
        let who = slot.map_or("----".to_string(), |s| format!("c{s:<3}"));
        let full = format!("{:>10.3}s {who} {text}", t.as_secs_f64());
        if self.print {
            eprintln!("{full}");
        }
        if self.keep > 0 {
            if self.kept.len() == self.keep {
                self.kept.pop_front();
            }
            self.kept.push_back(Line { slot, text: full });
        }
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
        if !self.wants_text() {
            return;
        }
        let mut full = String::with_capacity(text.len() + 24);
        let _ = write!(full, "{:>10.3}s ", t.as_secs_f64());
        if let Some(s) = slot {
            let _ = write!(full, "c{s:<3} ");
        } else {
            full.push_str("---- ");
        }
        full.push_str(text);
        if self.print {
            eprintln!("{full}");
        }
        if self.keep > 0 {
            if self.kept.len() == self.keep {
                self.kept.pop_front();
            }
            self.kept.push_back(Line { slot, text: full });
        }
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
            .map(|l| l.text.clone())
            .collect();
        out.reverse();
        out
    }
}
