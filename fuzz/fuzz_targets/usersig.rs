//! UserSig decode and verify on arbitrary input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tcchat_fuzz::usersig::verify(data));
