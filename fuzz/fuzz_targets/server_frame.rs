//! The server engine under arbitrary frames and connection events.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tcchat_fuzz::server::run_bytes(data));
