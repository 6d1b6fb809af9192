//! Any bytes given to the frame decoder yield a frame or a typed error.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(frame) = tcchat_core::wire::decode(data) {
        let _ = frame.verify_checksum();
        let _ = frame.body_as::<tcchat_core::proto::MsgPush>();
    }
});
