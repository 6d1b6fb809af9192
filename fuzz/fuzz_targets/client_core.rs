//! The client core under arbitrary input sequences: no panic, invariants hold.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tcchat_fuzz::client_core::run_bytes(data));
