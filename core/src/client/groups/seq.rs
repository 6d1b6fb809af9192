//! Which sequences of one group were delivered: a floor below which all
//! were, plus the ones above it, so that a repeated push, a push that
//! overlaps a history page, or a resent frame is delivered once.

use std::collections::BTreeSet;

/// Delivered sequences of one group.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct SeqWindow {
    /// Every sequence at or below this was delivered (or predates this
    /// instance's first sight of the group).
    floor: u64,
    /// Delivered sequences above `floor + 1` (never `floor + 1` itself:
    /// that one moves the floor).
    above: BTreeSet<u64>,
    /// The floor a push guessed when it opened the window before the group
    /// list said where this instance starts (its read sequence); `None`
    /// once the list has settled it.
    guessed: Option<u64>,
}

impl SeqWindow {
    /// Sequences kept above the floor; past this the floor moves up to the
    /// lowest of them, as if the gap below had been delivered. A gap that
    /// large is filled from history, not from pushes.
    pub(crate) const MAX_ABOVE: usize = 1_024;

    /// A window for a group first seen at `seq`: nothing before it is
    /// delivered by a push (older messages come from history, which does
    /// not go through this window).
    pub(crate) fn starting_before(seq: u64) -> SeqWindow {
        SeqWindow {
            floor: seq.saturating_sub(1),
            above: BTreeSet::new(),
            guessed: Some(seq.saturating_sub(1)),
        }
    }

    /// A window that starts after `read` (the read sequence the group list
    /// gave): the unread part after it is to be delivered.
    pub(crate) fn after_read(read: u64) -> SeqWindow {
        SeqWindow {
            floor: read,
            above: BTreeSet::new(),
            guessed: None,
        }
    }

    /// The group list says this instance starts after `read`. A window a
    /// push opened before that guessed its floor at the push; when `read`
    /// is lower, the sequences in between were never delivered and become
    /// due again (the ones delivered since stay delivered).
    pub(crate) fn settle(&mut self, read: u64) {
        let Some(guessed) = self.guessed.take() else {
            return;
        };
        if read >= guessed {
            return;
        }
        self.above.extend(guessed + 1..=self.floor);
        self.floor = read;
        while self.above.remove(&(self.floor + 1)) {
            self.floor += 1;
        }
        while self.above.len() > Self::MAX_ABOVE {
            if let Some(lowest) = self.above.pop_first() {
                self.floor = lowest;
            }
            while self.above.remove(&(self.floor + 1)) {
                self.floor += 1;
            }
        }
    }

    /// The highest sequence below which every one was delivered.
    pub(crate) fn floor(&self) -> u64 {
        self.floor
    }

    /// Treat every sequence up to `floor` as delivered.
    pub(crate) fn skip_to(&mut self, floor: u64) {
        if floor <= self.floor {
            return;
        }
        self.floor = floor;
        self.above = self.above.split_off(&(floor + 1));
        while self.above.remove(&(self.floor + 1)) {
            self.floor += 1;
        }
    }

    /// Record `seq`; false when it was delivered already.
    pub(crate) fn insert(&mut self, seq: u64) -> bool {
        if seq <= self.floor || !self.above.insert(seq) {
            return false;
        }
        while self.above.remove(&(self.floor + 1)) {
            self.floor += 1;
        }
        while self.above.len() > Self::MAX_ABOVE {
            if let Some(lowest) = self.above.pop_first() {
                self.floor = lowest;
            }
            while self.above.remove(&(self.floor + 1)) {
                self.floor += 1;
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_push_before_the_list_does_not_hide_the_unread_part() {
        // The push of 3 opens the window; the list then says read up to 0.
        let mut w = SeqWindow::starting_before(3);
        assert!(w.insert(3));
        w.settle(0);
        assert_eq!(w.floor(), 0);
        assert!(w.insert(1));
        assert!(w.insert(2));
        assert!(!w.insert(3));
        assert_eq!(w.floor(), 3);
        // Settled once: a later list does not move it again.
        w.settle(0);
        assert_eq!(w.floor(), 3);
    }

    #[test]
    fn settling_at_or_above_the_guess_changes_nothing() {
        let mut w = SeqWindow::starting_before(5);
        assert!(w.insert(5));
        w.settle(4);
        assert_eq!(w.floor(), 5);
        assert!(!w.insert(4));
    }

    #[test]
    fn each_sequence_is_new_once_in_any_order() {
        let mut w = SeqWindow::starting_before(43);
        assert!(w.insert(43));
        assert!(!w.insert(43));
        assert!(w.insert(45));
        assert_eq!(w.floor(), 43);
        assert!(w.insert(44));
        assert_eq!(w.floor(), 45);
        assert!(!w.insert(44));
        assert!(!w.insert(45));
        assert!(!w.insert(10), "below the first sighting");
    }

    #[test]
    fn the_set_above_the_floor_is_bounded() {
        let mut w = SeqWindow::starting_before(1);
        for seq in (3..).step_by(2).take(SeqWindow::MAX_ABOVE + 10) {
            assert!(w.insert(seq));
        }
        assert!(w.above.len() <= SeqWindow::MAX_ABOVE);
        assert!(w.floor() > 1);
        assert!(!w.insert(3));
    }
}
