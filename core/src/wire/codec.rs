use std::io::{Read, Write};

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::{servcmd, FrameError, Head, Limits};

/// The 4-byte prefix of a compressed downlink frame.
const COMP_MAGIC: &[u8; 4] = b"COMP";
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// One decoded frame: a typed head and the body as the raw JSON it arrived as.
///
/// The body is kept raw so that its checksum can be checked against the exact
/// bytes and so that each servcmd's handler parses it straight into its own
/// type.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Frame {
    /// The frame's head.
    pub head: Head,
    /// The body, exactly as it appeared in the frame.
    pub body: Box<RawValue>,
}

impl Frame {
    /// Parse the body into `T`.
    pub fn body_as<T: DeserializeOwned>(&self) -> Result<T, FrameError> {
        serde_json::from_str(self.body.get()).map_err(json_error)
    }

    /// CRC-32 (IEEE, as zlib computes it) of the body bytes.
    pub fn body_crc(&self) -> u32 {
        crc32fast::hash(self.body.get().as_bytes())
    }

    /// Check `head.cs` against the body, as the server does for uplink
    /// frames. A `cs` of 0 means "no checksum" and always passes.
    pub fn verify_checksum(&self) -> Result<(), FrameError> {
        let expected = self.head.cs;
        if expected == 0 {
            return Ok(());
        }
        let actual = self.body_crc();
        if actual == expected {
            Ok(())
        } else {
            Err(FrameError::Checksum { expected, actual })
        }
    }
}

/// How [`encode_compressed`] packs a downlink frame after `COMP`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// RFC 1952 gzip.
    Gzip,
    /// RFC 1950 zlib.
    Zlib,
}

/// Decode one WebSocket message with the default [`Limits`].
pub fn decode(bytes: &[u8]) -> Result<Frame, FrameError> {
    decode_with(bytes, &Limits::default())
}

/// Decode one WebSocket message: plain UTF-8 JSON, or `COMP` followed by a
/// gzip or zlib stream. Never panics; never allocates past `limits`.
pub fn decode_with(bytes: &[u8], limits: &Limits) -> Result<Frame, FrameError> {
    if bytes.len() > limits.max_frame_bytes {
        return Err(FrameError::TooLarge {
            size: bytes.len(),
            limit: limits.max_frame_bytes,
        });
    }
    match bytes.strip_prefix(COMP_MAGIC) {
        Some(payload) => {
            let json = inflate(payload, limits.max_decompressed_bytes)?;
            parse(&json)
        }
        None => parse(bytes),
    }
}

fn parse(json: &[u8]) -> Result<Frame, FrameError> {
    serde_json::from_slice(json).map_err(json_error)
}

fn json_error(err: serde_json::Error) -> FrameError {
    let text = err.to_string();
    if text.starts_with("recursion limit exceeded") {
        FrameError::TooDeep
    } else {
        FrameError::Json(text)
    }
}

fn inflate(payload: &[u8], limit: usize) -> Result<Vec<u8>, FrameError> {
    // Grow the buffer as data arrives; never trust a size the sender claims.
    let mut out = Vec::with_capacity(payload.len().saturating_mul(4).min(limit));
    // Read one byte past the limit so that "exactly at the limit" passes and
    // anything larger is detected without inflating the rest.
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    let result = if payload.starts_with(&GZIP_MAGIC) {
        flate2::read::GzDecoder::new(payload)
            .take(cap)
            .read_to_end(&mut out)
    } else if looks_like_zlib(payload) {
        flate2::read::ZlibDecoder::new(payload)
            .take(cap)
            .read_to_end(&mut out)
    } else {
        return Err(FrameError::BadCompression(
            "no gzip or zlib header".to_owned(),
        ));
    };
    result.map_err(|e| FrameError::BadCompression(e.to_string()))?;
    if out.len() > limit {
        return Err(FrameError::DecompressedTooLarge { limit });
    }
    Ok(out)
}

/// RFC 1950 header check: deflate method and a valid FCHECK.
fn looks_like_zlib(payload: &[u8]) -> bool {
    match payload {
        [cmf, flg, ..] => cmf & 0x0f == 8 && (u16::from(*cmf) << 8 | u16::from(*flg)) % 31 == 0,
        _ => false,
    }
}

/// Encode a frame as one binary WebSocket message: `{"head":…,"body":…}`.
///
/// `head.cs` is set to the CRC-32 of the serialized body, or to 0 for the
/// servcmds the official SDK sends without a checksum.
pub fn encode<B: Serialize + ?Sized>(head: &Head, body: &B) -> Bytes {
    Bytes::from(encode_vec(head, body))
}

fn encode_vec<B: Serialize + ?Sized>(head: &Head, body: &B) -> Vec<u8> {
    // Serializing plain data structs into a Vec cannot fail: every type we
    // encode has string keys and no fallible Serialize impl. A type that
    // could fail is a bug to catch in its first test, not a frame to send
    // with a made-up body.
    let body = serde_json::to_vec(body).expect("a frame body is plain data and always serializes");
    let cs = if servcmd::has_zero_checksum(&head.servcmd) {
        0
    } else {
        crc32fast::hash(&body)
    };
    let mut out = Vec::with_capacity(body.len() + 400);
    out.extend_from_slice(b"{\"head\":");
    let with_cs = HeadRef { head, cs };
    // Same reasoning as above: a Head always serializes.
    serde_json::to_writer(&mut out, &with_cs)
        .expect("a frame head is plain data and always serializes");
    out.extend_from_slice(b",\"body\":");
    out.extend_from_slice(&body);
    out.push(b'}');
    out
}

/// Encode a downlink frame as `COMP` followed by a gzip or zlib stream.
pub fn encode_compressed<B: Serialize + ?Sized>(
    head: &Head,
    body: &B,
    compression: Compression,
) -> Bytes {
    let plain = encode_vec(head, body);
    let mut out = COMP_MAGIC.to_vec();
    let level = flate2::Compression::fast();
    // Writing into a Vec cannot fail.
    let written = match compression {
        Compression::Gzip => {
            let mut enc = flate2::write::GzEncoder::new(&mut out, level);
            enc.write_all(&plain).and_then(|()| enc.finish().map(drop))
        }
        Compression::Zlib => {
            let mut enc = flate2::write::ZlibEncoder::new(&mut out, level);
            enc.write_all(&plain).and_then(|()| enc.finish().map(drop))
        }
    };
    debug_assert!(written.is_ok());
    Bytes::from(out)
}

/// Serializes a head with `cs` replaced, without cloning the head.
struct HeadRef<'a> {
    head: &'a Head,
    cs: u32,
}

impl Serialize for HeadRef<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let h = self.head;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("ver", &h.ver)?;
        m.serialize_entry("platform", &h.platform)?;
        m.serialize_entry("websdkappid", &h.websdkappid)?;
        m.serialize_entry("websdkversion", &h.websdkversion)?;
        if let Some(a2) = &h.a2 {
            m.serialize_entry("a2", a2)?;
        }
        if let Some(tinyid) = &h.tinyid {
            m.serialize_entry("tinyid", tinyid)?;
        }
        m.serialize_entry("status_instid", &h.status_instid)?;
        m.serialize_entry("sdkappid", &h.sdkappid)?;
        m.serialize_entry("contenttype", &h.contenttype)?;
        m.serialize_entry("reqtime", &h.reqtime)?;
        if let Some(identifier) = &h.identifier {
            m.serialize_entry("identifier", identifier)?;
        }
        if let Some(usersig) = &h.usersig {
            m.serialize_entry("usersig", usersig)?;
        }
        m.serialize_entry("sdkability", &h.sdkability)?;
        m.serialize_entry("sdkability_ext", &h.sdkability_ext)?;
        m.serialize_entry("cappid", &h.cappid)?;
        m.serialize_entry("cs", &self.cs)?;
        m.serialize_entry("servcmd", &h.servcmd)?;
        m.serialize_entry("seq", &h.seq)?;
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::HeadIdentity;

    /// The official SDK's first login frame, verbatim from the reference.
    const OFFICIAL_LOGIN: &str = r#"{"head":{"ver":"v4","platform":7,"websdkappid":537048168,"websdkversion":"1.7.3","status_instid":0,"sdkappid":1400000000,"contenttype":"json","reqtime":1795628011,"identifier":"u1","usersig":"x","sdkability":75689843,"sdkability_ext":"","cappid":0,"cs":0,"servcmd":"im_open_status.wslogin","seq":88705027},"body":{"State":"Online","is_web_uniapp":0,"InstType":0,"CustomInfo":""}}"#;

    /// The official SDK's `wshello`, whose `cs` the reference records.
    const OFFICIAL_HELLO: &str = r#"{"head":{"ver":"v4","platform":7,"websdkappid":537048168,"websdkversion":"1.7.3","a2":"fakeA2","tinyid":"144115000000000001","status_instid":12345,"sdkappid":1400000000,"contenttype":"json","reqtime":1795628104,"sdkability":75689843,"sdkability_ext":"","cappid":0,"cs":2608808264,"servcmd":"im_open_status.wshello","seq":68401609},"body":{"is_web_uniapp":0}}"#;

    #[derive(Serialize)]
    #[allow(non_snake_case)]
    struct LoginBody {
        State: &'static str,
        is_web_uniapp: u8,
        InstType: u8,
        CustomInfo: &'static str,
    }

    #[test]
    fn encodes_the_official_login_frame_byte_for_byte() {
        let identity = HeadIdentity::UserSig {
            identifier: "u1".into(),
            usersig: "x".into(),
        };
        let head = Head::request(
            1_400_000_000,
            &identity,
            servcmd::LOGIN,
            88_705_027,
            1_795_628_011,
        );
        let body = LoginBody {
            State: "Online",
            is_web_uniapp: 0,
            InstType: 0,
            CustomInfo: "",
        };
        assert_eq!(
            std::str::from_utf8(&encode(&head, &body)).unwrap(),
            OFFICIAL_LOGIN
        );
    }

    #[test]
    fn official_checksum_matches_and_reencodes_identically() {
        let frame = decode(OFFICIAL_HELLO.as_bytes()).unwrap();
        assert_eq!(frame.head.cs, 2_608_808_264);
        frame.verify_checksum().unwrap();
        let again = encode(&frame.head, &frame.body);
        assert_eq!(std::str::from_utf8(&again).unwrap(), OFFICIAL_HELLO);
    }

    #[test]
    fn tampered_body_fails_checksum() {
        let tampered = OFFICIAL_HELLO.replace("\"is_web_uniapp\":0}", "\"is_web_uniapp\":1}");
        let frame = decode(tampered.as_bytes()).unwrap();
        assert_eq!(frame.verify_checksum().unwrap_err().code(), 9006);
    }

    #[test]
    fn gzip_and_zlib_round_trip() {
        let frame = decode(OFFICIAL_HELLO.as_bytes()).unwrap();
        for c in [Compression::Gzip, Compression::Zlib] {
            let packed = encode_compressed(&frame.head, &frame.body, c);
            assert!(packed.starts_with(b"COMP"));
            let back = decode(&packed).unwrap();
            assert_eq!(back.head, frame.head);
            assert_eq!(back.body.get(), frame.body.get());
        }
    }

    #[test]
    fn raw_deflate_is_refused_like_the_official_sdk_does() {
        let mut out = b"COMP".to_vec();
        let mut enc = flate2::write::DeflateEncoder::new(&mut out, flate2::Compression::default());
        enc.write_all(OFFICIAL_HELLO.as_bytes()).unwrap();
        enc.finish().unwrap();
        assert_eq!(decode(&out).unwrap_err().code(), 9003);
    }

    #[test]
    fn oversized_frames_are_refused_before_parsing() {
        let limits = Limits {
            max_frame_bytes: 16,
            max_decompressed_bytes: 16,
        };
        let err = decode_with(OFFICIAL_HELLO.as_bytes(), &limits).unwrap_err();
        assert_eq!(
            err,
            FrameError::TooLarge {
                size: OFFICIAL_HELLO.len(),
                limit: 16
            }
        );
    }

    #[test]
    fn zip_bomb_is_stopped_at_the_limit() {
        // 64 MiB of zeros compresses to about 64 KiB.
        let mut out = b"COMP".to_vec();
        let mut enc = flate2::write::GzEncoder::new(&mut out, flate2::Compression::best());
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..64 {
            enc.write_all(&zeros).unwrap();
        }
        enc.finish().unwrap();
        assert!(out.len() < Limits::DEFAULT_MAX_FRAME_BYTES);
        assert_eq!(
            decode(&out).unwrap_err(),
            FrameError::DecompressedTooLarge {
                limit: Limits::DEFAULT_MAX_DECOMPRESSED_BYTES
            }
        );
    }

    #[test]
    fn deep_nesting_is_a_typed_error() {
        let deep = format!(
            "{{\"head\":{{\"servcmd\":\"a.b\"}},\"body\":{}{}}}",
            "[".repeat(10_000),
            "]".repeat(10_000)
        );
        // The body is kept raw at decode time; parsing it hits the limit.
        let frame = decode(deep.as_bytes()).map_err(|e| e.code()).unwrap();
        let parsed = frame.body_as::<serde_json::Value>().map(drop);
        assert_eq!(parsed, Err(FrameError::TooDeep));
        // Unknown head fields are skipped without recursion, so a deep one
        // is harmless and accepted.
        let deep_head = deep.replace("\"servcmd\":\"a.b\"", "\"servcmd\":\"a.b\",\"x\":[[[[]]]]");
        assert!(decode(deep_head.as_bytes()).is_ok());
    }

    #[test]
    fn text_without_servcmd_is_malformed() {
        assert_eq!(
            decode(br#"{"head":{},"body":{}}"#).unwrap_err().code(),
            9004
        );
        assert_eq!(decode(b"COMP").unwrap_err().code(), 9003);
        assert_eq!(decode(b"").unwrap_err().code(), 9004);
    }

    proptest::proptest! {
        #[test]
        fn decode_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
            let _ = decode(&bytes);
            let mut comp = b"COMP".to_vec();
            comp.extend_from_slice(&bytes);
            let _ = decode(&comp);
        }
    }
}
