//! Fuzz target bodies, kept in a library so the corpus replay tests of the
//! main workspace run exactly the same code.

pub mod client_core;
pub mod corpus;
pub mod frames;
pub mod server;
pub mod usersig;
