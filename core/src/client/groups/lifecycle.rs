//! Lifecycle commands (filled in below).
