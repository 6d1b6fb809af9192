//! Frame decoding targets, shared by the fuzz targets and the corpus replay
//! test in `core/tests/fuzz_replay.rs`.

use tcchat_core::proto::{
    BaseReply, GetMsgReply, GetMsgRequest, LoginReply, LoginRequest, MsgPush, SendMsgReply,
    SendMsgRequest,
};
use tcchat_core::wire::{decode, encode};

/// Decode any bytes as a frame, then parse the body as every type we parse;
/// a frame that decodes must re-encode to one that decodes the same.
pub fn decode_frame(data: &[u8]) {
    let Ok(frame) = decode(data) else {
        return;
    };
    let _ = frame.verify_checksum();
    let _ = frame.body_as::<BaseReply>();
    let _ = frame.body_as::<LoginRequest>();
    let _ = frame.body_as::<LoginReply>();
    let _ = frame.body_as::<SendMsgRequest>();
    let _ = frame.body_as::<SendMsgReply>();
    let _ = frame.body_as::<GetMsgRequest>();
    let _ = frame.body_as::<GetMsgReply>();
    if let Ok(push) = frame.body_as::<MsgPush>() {
        for event in &push.event_array {
            for m in event.c2c_msg_array.iter().flatten() {
                for elem in &m.msg_body {
                    let _ = elem.msg_content.get().len();
                }
            }
        }
    }
    let again = encode(&frame.head, &frame.body);
    let back = decode(&again).expect("a re-encoded frame decodes");
    assert_eq!(back.head.servcmd, frame.head.servcmd);
    assert_eq!(back.body.get(), frame.body.get());
    back.verify_checksum()
        .expect("encode sets a correct checksum");
}
