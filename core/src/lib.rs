//! Sans-IO protocol core of tcchat.
//!
//! Placeholder crate doc; completed below.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod proto;
pub mod wire;
