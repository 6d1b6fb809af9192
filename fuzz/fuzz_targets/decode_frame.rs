//! Any bytes given to the frame decoder yield a frame or a typed error.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tcchat_fuzz::frames::decode_frame(data));
