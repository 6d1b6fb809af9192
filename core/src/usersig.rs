//! Tencent Cloud IM `UserSig` tickets (the public TLSSigAPIv2 scheme):
//! generation and verification (feature `usersig`).
//!
//! **Generate UserSigs on your backend only.** Making one needs the
//! application's secret key; a key shipped inside a client app can be
//! extracted, and then anyone can sign in as any of your users. Generating
//! UserSigs in a client is for tests and local development only, against a
//! server whose key is a throwaway (such as `tcchat-server`'s `dev-secret`).
//!
//! ```
//! use tcchat_core::usersig::{gen_usersig, verify_usersig};
//!
//! // On the backend: sign a 1-day ticket for alice, issued now.
//! let now = 1_795_628_000; // unix seconds, from the backend's clock
//! let sig = gen_usersig(1_400_000_000, "dev-secret", "alice", 86_400, now);
//! // The server checks it with the same key.
//! let claims = verify_usersig(&sig, 1_400_000_000, "dev-secret", "alice", now + 60)?;
//! assert_eq!(claims.identifier, "alice");
//! # Ok::<(), tcchat_core::usersig::UserSigError>(())
//! ```
//!
//! A UserSig is a short-lived credential that a trusted backend issues for one
//! user of one application (`SDKAppID`), signed with that application's secret
//! key. Its wire form is built in three layers:
//!
//! 1. A JSON object with the fields `TLS.ver` (`"2.0"`), `TLS.identifier`,
//!    `TLS.sdkappid`, `TLS.expire` (validity in seconds), `TLS.time` (issue
//!    time, unix seconds), optionally `TLS.userbuf` (standard base64 of opaque
//!    caller bytes) and `TLS.sig`.
//! 2. `TLS.sig` is the standard base64 of HMAC-SHA256, keyed with the secret
//!    key's UTF-8 bytes, over the text
//!    `"TLS.identifier:{id}\nTLS.sdkappid:{appid}\nTLS.time:{time}\nTLS.expire:{expire}\n"`,
//!    followed by `"TLS.userbuf:{base64 userbuf}\n"` when a userbuf is present.
//! 3. The JSON text is zlib-compressed and base64-encoded with the standard
//!    alphabet, after which `+`, `/` and `=` are replaced by `*`, `-` and `_`.
//!
//! Generation writes the JSON exactly as the published Python generator does
//! (`json.dumps` defaults: `", "`/`": "` separators, non-ASCII escaped as
//! `\uXXXX`), so the inner document is byte-for-byte the reference's. It
//! compresses at the default level (6), as the reference does; the compressed
//! bytes, and so the sig string, are identical too when flate2 is built on
//! zlib, while its default pure-Rust backend picks other (equally valid)
//! encodings.
//!
//! Verification is defensive: the sig length and the inflated size are both
//! capped ([`MAX_USERSIG_LEN`], [`MAX_DECOMPRESSED_LEN`]), the HMAC is compared
//! in constant time, and no input can make it panic. It is lenient where
//! leniency costs nothing: the outer base64 may omit its padding or use the
//! plain `+`, `/`, `=` characters, numeric fields may be JSON numbers or
//! strings of decimal digits (not every implementation writes numbers), any
//! JSON layout and extra fields are accepted, and `TLS.ver` is not checked.

use std::io::{self, Read, Write};

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use flate2::read::ZlibDecoder;
use flate2::write::ZlibEncoder;
use flate2::Compression;
use hmac::{Hmac, Mac};
use serde::Serialize;
use serde_json::{Map, Value};
use sha2::Sha256;

/// Longest UserSig string, in bytes, that [`verify_usersig`] and
/// [`decode_usersig_unverified`] will look at; longer input is rejected with
/// [`UserSigError::TooLong`] before any decoding.
///
/// Real tickets are a few hundred bytes; a [`gen_usersig`] call with an
/// identifier or userbuf of several KiB can produce a sig over this limit,
/// which then does not verify.
pub const MAX_USERSIG_LEN: usize = 8 * 1024;

/// Largest inflated JSON document, in bytes, that decoding accepts; a zlib
/// stream that expands past it is rejected with
/// [`UserSigError::DecompressedTooLarge`] after reading at most one byte more.
pub const MAX_DECOMPRESSED_LEN: usize = 8 * 1024;

/// Value written to `TLS.ver`.
const VERSION: &str = "2.0";

type HmacSha256 = Hmac<Sha256>;

/// Standard alphabet, padding optional when decoding (the padding is the
/// easiest part of a sig to lose in transit, and carries no information).
const B64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The claims carried by a UserSig.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserSigClaims {
    /// The user the sig was issued for (`TLS.identifier`).
    pub identifier: String,
    /// The application the sig was issued for (`TLS.sdkappid`).
    pub sdk_app_id: u64,
    /// Issue time in unix seconds (`TLS.time`).
    pub time: u64,
    /// Validity in seconds from [`time`](Self::time) (`TLS.expire`).
    pub expire: u64,
    /// Opaque caller bytes (`TLS.userbuf`), `None` when the sig has none.
    /// `Some(vec![])` (an empty userbuf) is distinct from `None`: it is
    /// covered by the HMAC.
    pub userbuf: Option<Vec<u8>>,
}

impl UserSigClaims {
    /// Last unix second at which the sig is still valid (`time + expire`,
    /// saturating): it is expired once `now_unix > expires_at()`.
    #[must_use]
    pub fn expires_at(&self) -> u64 {
        self.time.saturating_add(self.expire)
    }
}

/// Why a UserSig was rejected.
///
/// [`code`](Self::code) maps each variant to the account error code Tencent
/// Cloud IM returns for the same failure (from the public "REST API common
/// error codes" table of Tencent Cloud IM, and, for 70002, the account error
/// table of the TRTC Web SDK). Several variants share 70003 ("parse failed");
/// they are kept apart so logs say what exactly was wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UserSigError {
    /// The sig is authentic but `now_unix > time + expire`.
    /// Code 70001: "UserSig has expired".
    #[error("usersig expired: valid until unix time {expired_at}, now {now}")]
    Expired {
        /// Last valid unix second (`time + expire`).
        expired_at: u64,
        /// The `now_unix` the check was made at.
        now: u64,
    },
    /// The sig is the empty string.
    /// Code 70002: "the length of UserSig is 0".
    #[error("usersig is empty")]
    Empty,
    /// The sig is longer than [`MAX_USERSIG_LEN`] bytes; nothing was decoded.
    /// Code 70003: "parse failed".
    #[error("usersig is {len} bytes long, over the limit of {limit}", limit = MAX_USERSIG_LEN)]
    TooLong {
        /// Length of the rejected sig in bytes.
        len: usize,
    },
    /// The sig is not valid base64 (after mapping `*`, `-`, `_` back to
    /// `+`, `/`, `=`).
    /// Code 70003: "parse failed" (typically a truncated or mangled sig).
    #[error("usersig is not valid base64")]
    InvalidBase64,
    /// The decoded bytes are not a complete, valid zlib stream.
    /// Code 70003: "parse failed".
    #[error("usersig payload is not a valid zlib stream")]
    InvalidZlib,
    /// The zlib stream inflates past [`MAX_DECOMPRESSED_LEN`] bytes.
    /// Code 70003: "parse failed".
    #[error("usersig payload inflates past {limit} bytes", limit = MAX_DECOMPRESSED_LEN)]
    DecompressedTooLarge,
    /// The inflated payload is not a JSON object.
    /// Code 70003: "parse failed".
    #[error("usersig payload is not a JSON object")]
    InvalidJson,
    /// A required field is missing, or has the wrong type or an invalid value
    /// (for example a negative `TLS.time`, or `TLS.sig` that is not base64).
    /// Code 70003: "parse failed".
    #[error("usersig field {field} is missing or invalid")]
    InvalidField {
        /// The JSON key, e.g. `"TLS.sdkappid"`.
        field: &'static str,
    },
    /// The HMAC does not match: the sig was signed with another key (often
    /// another application's), or its content was altered.
    /// Code 70009: "UserSig verification failed".
    #[error("usersig signature does not match")]
    SignatureMismatch,
    /// The sig was issued for a different user than the one presented.
    /// Code 70013: "the UserID in the request differs from the one the
    /// UserSig was generated for".
    #[error("usersig was issued for a different identifier")]
    IdentifierMismatch,
    /// The sig was issued for a different application.
    /// Code 70014: "the SDKAppID in the request differs from the one the
    /// UserSig was generated for".
    #[error("usersig was issued for sdkappid {actual}, expected {expected}")]
    SdkAppIdMismatch {
        /// The SDKAppID the caller verifies against.
        expected: u64,
        /// The SDKAppID inside the sig.
        actual: u64,
    },
    /// Verification was asked for with an empty secret key, which would let
    /// anyone mint sigs; it is refused before the sig is looked at.
    /// Code 70016: "key does not exist, UserSig verification failed".
    #[error("no secret key configured to verify usersig")]
    MissingKey,
}

impl UserSigError {
    /// The Tencent Cloud IM account error code for this failure (70001,
    /// 70002, 70003, 70009, 70013, 70014 or 70016); see each variant.
    #[must_use]
    pub fn code(&self) -> u32 {
        match self {
            Self::Expired { .. } => 70001,
            Self::Empty => 70002,
            Self::TooLong { .. }
            | Self::InvalidBase64
            | Self::InvalidZlib
            | Self::DecompressedTooLarge
            | Self::InvalidJson
            | Self::InvalidField { .. } => 70003,
            Self::SignatureMismatch => 70009,
            Self::IdentifierMismatch => 70013,
            Self::SdkAppIdMismatch { .. } => 70014,
            Self::MissingKey => 70016,
        }
    }
}

/// Generates a UserSig for `identifier` in application `sdk_app_id`, issued
/// at `now_unix` and valid for `expire_secs` seconds, signed with `key` (the
/// application's secret key as shown in the console).
///
/// The result verifies with [`verify_usersig`] as long as it stays within
/// [`MAX_USERSIG_LEN`] and `key` is not empty.
#[must_use]
pub fn gen_usersig(
    sdk_app_id: u64,
    key: &str,
    identifier: &str,
    expire_secs: u64,
    now_unix: u64,
) -> String {
    generate(sdk_app_id, key, identifier, expire_secs, now_unix, None)
}

/// Like [`gen_usersig`], but also embeds and signs `userbuf` (opaque bytes,
/// e.g. a TRTC privilege map). An empty `userbuf` is still embedded, and
/// decodes as `Some(vec![])`.
#[must_use]
pub fn gen_usersig_with_userbuf(
    sdk_app_id: u64,
    key: &str,
    identifier: &str,
    expire_secs: u64,
    now_unix: u64,
    userbuf: &[u8],
) -> String {
    generate(
        sdk_app_id,
        key,
        identifier,
        expire_secs,
        now_unix,
        Some(userbuf),
    )
}

/// Verifies `sig` for user `identifier` of application `sdk_app_id` with
/// secret `key` at time `now_unix`, and returns its claims.
///
/// Checks, in this order: non-empty key (70016), sig size and format
/// (70002/70003), SDKAppID (70014), identifier (70013), HMAC in constant time
/// (70009), and finally expiry (70001), so only an authentic sig is ever
/// reported as expired. A sig is valid up to and including second
/// `time + expire`.
///
/// # Errors
///
/// The first failed check, as a [`UserSigError`] whose
/// [`code`](UserSigError::code) is the matching Tencent error code.
pub fn verify_usersig(
    sig: &str,
    sdk_app_id: u64,
    key: &str,
    identifier: &str,
    now_unix: u64,
) -> Result<UserSigClaims, UserSigError> {
    if key.is_empty() {
        return Err(UserSigError::MissingKey);
    }
    let parsed = parse(sig)?;
    let claims = &parsed.claims;
    if claims.sdk_app_id != sdk_app_id {
        return Err(UserSigError::SdkAppIdMismatch {
            expected: sdk_app_id,
            actual: claims.sdk_app_id,
        });
    }
    if claims.identifier != identifier {
        return Err(UserSigError::IdentifierMismatch);
    }
    signer(
        key,
        &claims.identifier,
        claims.sdk_app_id,
        claims.time,
        claims.expire,
        parsed.userbuf_b64.as_deref(),
    )
    .verify_slice(&parsed.mac)
    .map_err(|_| UserSigError::SignatureMismatch)?;
    let expired_at = claims.expires_at();
    if now_unix > expired_at {
        return Err(UserSigError::Expired {
            expired_at,
            now: now_unix,
        });
    }
    Ok(parsed.claims)
}

/// Decodes `sig` and returns its claims **without checking the HMAC, the
/// expiry or anything else**: the result is attacker-controlled data, fit for
/// logging or routing, never for authentication.
///
/// Applies the same size limits and format checks as [`verify_usersig`],
/// including that `TLS.sig` is present and valid base64.
///
/// # Errors
///
/// [`UserSigError::Empty`], [`UserSigError::TooLong`] or one of the other
/// 70003 "parse failed" variants when `sig` cannot be decoded.
pub fn decode_usersig_unverified(sig: &str) -> Result<UserSigClaims, UserSigError> {
    parse(sig).map(|parsed| parsed.claims)
}

/// A decoded but not yet verified sig.
struct ParsedSig {
    claims: UserSigClaims,
    /// `TLS.userbuf` exactly as written, which is what the HMAC covers.
    userbuf_b64: Option<String>,
    /// The decoded `TLS.sig`.
    mac: Vec<u8>,
}

/// The JSON document, in the field order the reference generator writes.
#[derive(Serialize)]
struct SigDoc<'a> {
    #[serde(rename = "TLS.ver")]
    ver: &'a str,
    #[serde(rename = "TLS.identifier")]
    identifier: &'a str,
    #[serde(rename = "TLS.sdkappid")]
    sdk_app_id: u64,
    #[serde(rename = "TLS.expire")]
    expire: u64,
    #[serde(rename = "TLS.time")]
    time: u64,
    #[serde(rename = "TLS.userbuf", skip_serializing_if = "Option::is_none")]
    userbuf: Option<&'a str>,
    #[serde(rename = "TLS.sig")]
    sig: &'a str,
}

/// HMAC-SHA256 keyed with `key`, fed with the signed content.
fn signer(
    key: &str,
    identifier: &str,
    sdk_app_id: u64,
    time: u64,
    expire: u64,
    userbuf_b64: Option<&str>,
) -> HmacSha256 {
    // HMAC takes keys of any length, so this cannot fail.
    let mut mac =
        HmacSha256::new_from_slice(key.as_bytes()).expect("HMAC-SHA256 accepts keys of any length");
    mac.update(
        format!(
            "TLS.identifier:{identifier}\nTLS.sdkappid:{sdk_app_id}\n\
             TLS.time:{time}\nTLS.expire:{expire}\n"
        )
        .as_bytes(),
    );
    if let Some(userbuf_b64) = userbuf_b64 {
        mac.update(format!("TLS.userbuf:{userbuf_b64}\n").as_bytes());
    }
    mac
}

fn generate(
    sdk_app_id: u64,
    key: &str,
    identifier: &str,
    expire: u64,
    time: u64,
    userbuf: Option<&[u8]>,
) -> String {
    let userbuf_b64 = userbuf.map(|buf| B64.encode(buf));
    let mac = signer(
        key,
        identifier,
        sdk_app_id,
        time,
        expire,
        userbuf_b64.as_deref(),
    )
    .finalize()
    .into_bytes();
    let mac_b64 = B64.encode(mac);
    let doc = SigDoc {
        ver: VERSION,
        identifier,
        sdk_app_id,
        expire,
        time,
        userbuf: userbuf_b64.as_deref(),
        sig: &mac_b64,
    };

    let mut json = Vec::new();
    doc.serialize(&mut serde_json::Serializer::with_formatter(
        &mut json,
        PythonJsonFormatter,
    ))
    .expect("serializing a struct of strings and integers into a Vec cannot fail");

    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
    let compressed = encoder
        .write_all(&json)
        .and_then(|()| encoder.finish())
        .expect("compressing into a Vec cannot fail");

    B64.encode(compressed)
        .chars()
        .map(|c| match c {
            '+' => '*',
            '/' => '-',
            '=' => '_',
            other => other,
        })
        .collect()
}

fn parse(sig: &str) -> Result<ParsedSig, UserSigError> {
    if sig.is_empty() {
        return Err(UserSigError::Empty);
    }
    if sig.len() > MAX_USERSIG_LEN {
        return Err(UserSigError::TooLong { len: sig.len() });
    }

    let standard: String = sig
        .chars()
        .map(|c| match c {
            '*' => '+',
            '-' => '/',
            '_' => '=',
            other => other,
        })
        .collect();
    let compressed = B64
        .decode(standard)
        .map_err(|_| UserSigError::InvalidBase64)?;

    let mut json = Vec::new();
    ZlibDecoder::new(compressed.as_slice())
        .take(MAX_DECOMPRESSED_LEN as u64 + 1)
        .read_to_end(&mut json)
        .map_err(|_| UserSigError::InvalidZlib)?;
    if json.len() > MAX_DECOMPRESSED_LEN {
        return Err(UserSigError::DecompressedTooLarge);
    }

    let doc: Value = serde_json::from_slice(&json).map_err(|_| UserSigError::InvalidJson)?;
    let obj = doc.as_object().ok_or(UserSigError::InvalidJson)?;

    let identifier = str_field(obj, "TLS.identifier")?.to_owned();
    let sdk_app_id = u64_field(obj, "TLS.sdkappid")?;
    let time = u64_field(obj, "TLS.time")?;
    let expire = u64_field(obj, "TLS.expire")?;
    let mac = B64
        .decode(str_field(obj, "TLS.sig")?)
        .map_err(|_| UserSigError::InvalidField { field: "TLS.sig" })?;
    let (userbuf, userbuf_b64) = if obj.contains_key("TLS.userbuf") {
        let b64 = str_field(obj, "TLS.userbuf")?;
        let buf = B64.decode(b64).map_err(|_| UserSigError::InvalidField {
            field: "TLS.userbuf",
        })?;
        (Some(buf), Some(b64.to_owned()))
    } else {
        (None, None)
    };

    Ok(ParsedSig {
        claims: UserSigClaims {
            identifier,
            sdk_app_id,
            time,
            expire,
            userbuf,
        },
        userbuf_b64,
        mac,
    })
}

fn str_field<'a>(
    obj: &'a Map<String, Value>,
    field: &'static str,
) -> Result<&'a str, UserSigError> {
    obj.get(field)
        .and_then(Value::as_str)
        .ok_or(UserSigError::InvalidField { field })
}

/// A non-negative integer field, written either as a JSON number or as a
/// string of ASCII digits.
fn u64_field(obj: &Map<String, Value>, field: &'static str) -> Result<u64, UserSigError> {
    match obj.get(field) {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
            s.parse().ok()
        }
        _ => None,
    }
    .ok_or(UserSigError::InvalidField { field })
}

/// Writes JSON the way Python's `json.dumps` does by default: `", "` and
/// `": "` separators, and every character outside printable ASCII escaped as
/// `\uXXXX` (UTF-16 code units, lowercase hex). serde_json already escapes
/// `"`, `\` and control characters the same way Python does.
struct PythonJsonFormatter;

impl serde_json::ser::Formatter for PythonJsonFormatter {
    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut units = [0u16; 2];
        for c in fragment.chars() {
            if c.is_ascii() && c != '\x7f' {
                writer.write_all(&[c as u8])?;
            } else {
                for unit in c.encode_utf16(&mut units) {
                    write!(writer, "\\u{unit:04x}")?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const APP: u64 = 1_400_000_000;
    const KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
    const NOW: u64 = 1_700_000_000;

    /// Compresses and encodes an arbitrary document the way a sig is.
    fn pack(json: &[u8]) -> String {
        let mut enc = ZlibEncoder::new(Vec::new(), Compression::default());
        enc.write_all(json).unwrap();
        url_b64(&enc.finish().unwrap())
    }

    fn url_b64(bytes: &[u8]) -> String {
        B64.encode(bytes)
            .replace('+', "*")
            .replace('/', "-")
            .replace('=', "_")
    }

    /// The inflated JSON of a sig.
    fn unpack(sig: &str) -> Value {
        let std = sig.replace('*', "+").replace('-', "/").replace('_', "=");
        let mut json = Vec::new();
        ZlibDecoder::new(B64.decode(std).unwrap().as_slice())
            .read_to_end(&mut json)
            .unwrap();
        serde_json::from_slice(&json).unwrap()
    }

    /// A sig document with a correct HMAC, as a mutable JSON object.
    fn signed_doc(userbuf: Option<&[u8]>) -> Map<String, Value> {
        let sig = match userbuf {
            Some(buf) => gen_usersig_with_userbuf(APP, KEY, "alice", 3600, NOW, buf),
            None => gen_usersig(APP, KEY, "alice", 3600, NOW),
        };
        match unpack(&sig) {
            Value::Object(map) => map,
            other => panic!("not an object: {other}"),
        }
    }

    fn pack_doc(doc: &Map<String, Value>) -> String {
        pack(&serde_json::to_vec(doc).unwrap())
    }

    fn verify(sig: &str) -> Result<UserSigClaims, UserSigError> {
        verify_usersig(sig, APP, KEY, "alice", NOW)
    }

    #[test]
    fn round_trip_without_userbuf() {
        let sig = gen_usersig(APP, KEY, "alice", 3600, NOW);
        let claims = verify(&sig).unwrap();
        assert_eq!(
            claims,
            UserSigClaims {
                identifier: "alice".into(),
                sdk_app_id: APP,
                time: NOW,
                expire: 3600,
                userbuf: None,
            }
        );
        assert_eq!(decode_usersig_unverified(&sig).unwrap(), claims);
        assert_eq!(claims.expires_at(), NOW + 3600);
    }

    #[test]
    fn round_trip_with_userbuf() {
        for buf in [&b""[..], b"abc", &[0, 0xff, 0x80, b'\n']] {
            let sig = gen_usersig_with_userbuf(APP, KEY, "alice", 60, NOW, buf);
            let claims = verify(&sig).unwrap();
            assert_eq!(claims.userbuf.as_deref(), Some(buf));
        }
    }

    #[test]
    fn round_trip_unicode_identifier() {
        let id = "用户🙂\"\\\n\u{7f}";
        let sig = gen_usersig(APP, KEY, id, 60, NOW);
        let claims = verify_usersig(&sig, APP, KEY, id, NOW).unwrap();
        assert_eq!(claims.identifier, id);
    }

    #[test]
    fn json_matches_python_json_dumps_layout() {
        let sig = gen_usersig_with_userbuf(7, "k", "bob🙂é\u{7f}\t", 60, 100, b"abc");
        let std = sig.replace('*', "+").replace('-', "/").replace('_', "=");
        let mut json = String::new();
        ZlibDecoder::new(B64.decode(std).unwrap().as_slice())
            .read_to_string(&mut json)
            .unwrap();
        let mac = B64.encode(
            signer("k", "bob🙂é\u{7f}\t", 7, 100, 60, Some("YWJj"))
                .finalize()
                .into_bytes(),
        );
        assert_eq!(
            json,
            format!(
                "{{\"TLS.ver\": \"2.0\", \"TLS.identifier\": \"bob\\ud83d\\ude42\\u00e9\\u007f\\t\", \
                 \"TLS.sdkappid\": 7, \"TLS.expire\": 60, \"TLS.time\": 100, \
                 \"TLS.userbuf\": \"YWJj\", \"TLS.sig\": \"{mac}\"}}"
            )
        );
    }

    #[test]
    fn expiry_is_inclusive_of_last_second() {
        let sig = gen_usersig(APP, KEY, "alice", 3600, NOW);
        assert!(verify_usersig(&sig, APP, KEY, "alice", NOW + 3600).is_ok());
        let err = verify_usersig(&sig, APP, KEY, "alice", NOW + 3601).unwrap_err();
        assert_eq!(
            err,
            UserSigError::Expired {
                expired_at: NOW + 3600,
                now: NOW + 3601
            }
        );
        assert_eq!(err.code(), 70001);
        // Issue time in the future is not an error (clock skew).
        assert!(verify_usersig(&sig, APP, KEY, "alice", 0).is_ok());
    }

    #[test]
    fn expiry_does_not_overflow() {
        let sig = gen_usersig(APP, KEY, "alice", u64::MAX, u64::MAX - 1);
        let claims = verify_usersig(&sig, APP, KEY, "alice", u64::MAX).unwrap();
        assert_eq!(claims.expires_at(), u64::MAX);
    }

    #[test]
    fn wrong_key_is_signature_mismatch() {
        let sig = gen_usersig(APP, "another key", "alice", 3600, NOW);
        let err = verify(&sig).unwrap_err();
        assert_eq!(err, UserSigError::SignatureMismatch);
        assert_eq!(err.code(), 70009);
    }

    #[test]
    fn tampered_claims_are_signature_mismatch() {
        let cases: [(&str, Value); 3] = [
            ("TLS.expire", Value::from(999_999)),
            ("TLS.time", Value::from(NOW + 1)),
            ("TLS.userbuf", Value::from("YWJj")),
        ];
        for (field, value) in cases {
            let mut doc = signed_doc(None);
            doc.insert(field.into(), value);
            assert_eq!(
                verify(&pack_doc(&doc)),
                Err(UserSigError::SignatureMismatch),
                "{field}"
            );
        }
        // Dropping or altering a signed userbuf.
        let mut doc = signed_doc(Some(b"abc"));
        doc.remove("TLS.userbuf");
        assert_eq!(
            verify(&pack_doc(&doc)),
            Err(UserSigError::SignatureMismatch)
        );
        let mut doc = signed_doc(Some(b"abc"));
        doc.insert("TLS.userbuf".into(), Value::from("YWJk"));
        assert_eq!(
            verify(&pack_doc(&doc)),
            Err(UserSigError::SignatureMismatch)
        );
    }

    #[test]
    fn tampered_hmac_is_signature_mismatch() {
        let doc = signed_doc(None);
        let mut mac = B64.decode(doc["TLS.sig"].as_str().unwrap()).unwrap();
        for i in [0, 31] {
            let mut flipped = mac.clone();
            flipped[i] ^= 1;
            let mut doc = doc.clone();
            doc.insert("TLS.sig".into(), Value::from(B64.encode(&flipped)));
            assert_eq!(
                verify(&pack_doc(&doc)),
                Err(UserSigError::SignatureMismatch)
            );
        }
        // Truncated or empty MACs are rejected too, not compared as prefixes.
        mac.truncate(16);
        for short in [B64.encode(&mac), String::new()] {
            let mut doc = doc.clone();
            doc.insert("TLS.sig".into(), Value::from(short));
            assert_eq!(
                verify(&pack_doc(&doc)),
                Err(UserSigError::SignatureMismatch)
            );
        }
    }

    #[test]
    fn wrong_sdk_app_id() {
        let sig = gen_usersig(APP + 1, KEY, "alice", 3600, NOW);
        let err = verify(&sig).unwrap_err();
        assert_eq!(
            err,
            UserSigError::SdkAppIdMismatch {
                expected: APP,
                actual: APP + 1
            }
        );
        assert_eq!(err.code(), 70014);
    }

    #[test]
    fn wrong_identifier() {
        let sig = gen_usersig(APP, KEY, "mallory", 3600, NOW);
        let err = verify(&sig).unwrap_err();
        assert_eq!(err, UserSigError::IdentifierMismatch);
        assert_eq!(err.code(), 70013);
        // Case and Unicode normalisation are not folded.
        let sig = gen_usersig(APP, KEY, "Alice", 3600, NOW);
        assert_eq!(verify(&sig), Err(UserSigError::IdentifierMismatch));
    }

    #[test]
    fn empty_key_is_refused() {
        let sig = gen_usersig(APP, "", "alice", 3600, NOW);
        let err = verify_usersig(&sig, APP, "", "alice", NOW).unwrap_err();
        assert_eq!(err, UserSigError::MissingKey);
        assert_eq!(err.code(), 70016);
        // The sig itself is well-formed.
        assert!(decode_usersig_unverified(&sig).is_ok());
    }

    #[test]
    fn empty_sig() {
        assert_eq!(verify(""), Err(UserSigError::Empty));
        assert_eq!(UserSigError::Empty.code(), 70002);
    }

    #[test]
    fn malformed_base64() {
        for sig in ["!!!!", "eJyr Vg", "a", "eJy=rVg", "ü"] {
            let err = verify(sig).unwrap_err();
            assert_eq!(err, UserSigError::InvalidBase64, "{sig:?}");
            assert_eq!(err.code(), 70003);
        }
    }

    #[test]
    fn padding_and_plain_alphabet_are_accepted() {
        let sig = gen_usersig(APP, KEY, "alice", 3600, NOW);
        assert!(sig.ends_with('_'), "pick inputs whose sig is padded: {sig}");
        assert!(verify(sig.trim_end_matches('_')).is_ok());
        let plain = sig.replace('*', "+").replace('-', "/").replace('_', "=");
        assert!(verify(&plain).is_ok());
    }

    #[test]
    fn malformed_zlib() {
        let err = verify(&url_b64(b"definitely not zlib")).unwrap_err();
        assert_eq!(err, UserSigError::InvalidZlib);
        assert_eq!(err.code(), 70003);

        // A valid stream cut short (including its checksum) is rejected.
        let sig = gen_usersig(APP, KEY, "alice", 3600, NOW);
        let std = sig.replace('*', "+").replace('-', "/").replace('_', "=");
        let bytes = B64.decode(std).unwrap();
        for cut in [1, 4, bytes.len() / 2] {
            let truncated = url_b64(&bytes[..bytes.len() - cut]);
            assert_eq!(verify(&truncated), Err(UserSigError::InvalidZlib), "{cut}");
        }
    }

    #[test]
    fn malformed_json() {
        for doc in [
            &b"not json"[..],
            b"[1, 2]",
            b"\"str\"",
            b"{\"a\": ",
            b"\xff\xfe",
            b"",
        ] {
            let err = verify(&pack(doc)).unwrap_err();
            assert_eq!(err, UserSigError::InvalidJson, "{doc:?}");
            assert_eq!(err.code(), 70003);
        }
    }

    #[test]
    fn missing_fields() {
        for field in [
            "TLS.identifier",
            "TLS.sdkappid",
            "TLS.time",
            "TLS.expire",
            "TLS.sig",
        ] {
            let mut doc = signed_doc(None);
            doc.remove(field);
            let sig = pack_doc(&doc);
            let err = verify(&sig).unwrap_err();
            assert_eq!(err, UserSigError::InvalidField { field }, "{field}");
            assert_eq!(err.code(), 70003);
            assert_eq!(decode_usersig_unverified(&sig), Err(err));
        }
        // TLS.ver is informational only.
        let mut doc = signed_doc(None);
        doc.remove("TLS.ver");
        assert!(verify(&pack_doc(&doc)).is_ok());
    }

    #[test]
    fn invalid_field_values() {
        let cases: Vec<(&'static str, Value)> = vec![
            ("TLS.identifier", Value::from(42)),
            ("TLS.identifier", Value::Null),
            ("TLS.sdkappid", Value::from(-1)),
            ("TLS.sdkappid", Value::from(1.5)),
            ("TLS.sdkappid", Value::from(true)),
            ("TLS.sdkappid", Value::from("")),
            ("TLS.sdkappid", Value::from("+14")),
            ("TLS.sdkappid", Value::from("18446744073709551616")),
            ("TLS.time", Value::from(-1_700_000_000_i64)),
            ("TLS.time", Value::from(" 1")),
            ("TLS.expire", Value::from(vec![1, 2])),
            ("TLS.sig", Value::from(7)),
            ("TLS.sig", Value::from("not base64!")),
            ("TLS.userbuf", Value::from(7)),
            ("TLS.userbuf", Value::Null),
            ("TLS.userbuf", Value::from("%%%")),
        ];
        for (field, value) in cases {
            let mut doc = signed_doc(None);
            doc.insert(field.into(), value.clone());
            assert_eq!(
                verify(&pack_doc(&doc)),
                Err(UserSigError::InvalidField { field }),
                "{field} = {value}"
            );
        }
    }

    #[test]
    fn numbers_as_strings_are_accepted() {
        let mut doc = signed_doc(None);
        for field in ["TLS.sdkappid", "TLS.time", "TLS.expire"] {
            let n = doc[field].as_u64().unwrap();
            doc.insert(field.into(), Value::from(n.to_string()));
        }
        let claims = verify(&pack_doc(&doc)).unwrap();
        assert_eq!(
            (claims.sdk_app_id, claims.time, claims.expire),
            (APP, NOW, 3600)
        );
    }

    #[test]
    fn other_json_layouts_are_accepted() {
        // Compact separators, escaped '/', and extra fields, as other
        // implementations write them.
        let mut doc = signed_doc(Some(b"\xfb\xff"));
        doc.insert("TLS.extra".into(), Value::from("ignored"));
        let json = serde_json::to_string(&doc).unwrap().replace('/', "\\/");
        let claims = verify(&pack(json.as_bytes())).unwrap();
        assert_eq!(claims.userbuf.as_deref(), Some(&b"\xfb\xff"[..]));
    }

    #[test]
    fn oversized_sig_is_rejected_before_decoding() {
        // Not base64 either: the length check must come first.
        let huge = "!".repeat(MAX_USERSIG_LEN + 1);
        let err = verify(&huge).unwrap_err();
        assert_eq!(
            err,
            UserSigError::TooLong {
                len: MAX_USERSIG_LEN + 1
            }
        );
        assert_eq!(err.code(), 70003);
        assert_eq!(
            decode_usersig_unverified(&"A".repeat(10 * 1024 * 1024)),
            Err(UserSigError::TooLong {
                len: 10 * 1024 * 1024
            })
        );
        // At the limit the length check passes and decoding proceeds.
        let at_limit = "!".repeat(MAX_USERSIG_LEN);
        assert_eq!(verify(&at_limit), Err(UserSigError::InvalidBase64));
    }

    #[test]
    fn zlib_bomb_is_bounded() {
        let small_bomb = pack(&vec![b' '; MAX_DECOMPRESSED_LEN + 1]);
        assert!(small_bomb.len() < MAX_USERSIG_LEN);
        assert_eq!(verify(&small_bomb), Err(UserSigError::DecompressedTooLarge));
        let bigger_bomb = pack(&vec![b' '; 4 * 1024 * 1024]);
        assert!(bigger_bomb.len() < MAX_USERSIG_LEN, "{}", bigger_bomb.len());
        assert_eq!(
            verify(&bigger_bomb),
            Err(UserSigError::DecompressedTooLarge)
        );
        // Exactly at the limit is fine as far as size goes.
        let mut doc = serde_json::to_vec(&signed_doc(None)).unwrap();
        doc.resize(MAX_DECOMPRESSED_LEN, b' ');
        assert!(verify(&pack(&doc)).is_ok());
    }

    #[test]
    fn every_error_has_a_code_and_message() {
        let all = [
            UserSigError::Expired {
                expired_at: 1,
                now: 2,
            },
            UserSigError::Empty,
            UserSigError::TooLong { len: 9000 },
            UserSigError::InvalidBase64,
            UserSigError::InvalidZlib,
            UserSigError::DecompressedTooLarge,
            UserSigError::InvalidJson,
            UserSigError::InvalidField { field: "TLS.time" },
            UserSigError::SignatureMismatch,
            UserSigError::IdentifierMismatch,
            UserSigError::SdkAppIdMismatch {
                expected: 1,
                actual: 2,
            },
            UserSigError::MissingKey,
        ];
        let codes: Vec<u32> = all.iter().map(UserSigError::code).collect();
        assert_eq!(
            codes,
            [70001, 70002, 70003, 70003, 70003, 70003, 70003, 70003, 70009, 70013, 70014, 70016]
        );
        for err in &all {
            assert!(!err.to_string().is_empty());
        }
    }

    proptest! {
        #[test]
        fn verify_never_panics_on_arbitrary_strings(s in any::<String>()) {
            let _ = verify(&s);
            let _ = decode_usersig_unverified(&s);
        }

        #[test]
        fn verify_never_panics_on_sig_like_strings(s in "[A-Za-z0-9*_-]{0,600}") {
            let _ = verify(&s);
        }

        #[test]
        fn verify_never_panics_on_arbitrary_zlib_payloads(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let _ = verify(&pack(&bytes));
            let _ = verify(&url_b64(&bytes));
        }

        #[test]
        fn mutated_sigs_never_panic_nor_change_claims(
            id in "\\PC{0,40}",
            pos in any::<proptest::sample::Index>(),
            byte in 1u8..,
        ) {
            let sig = gen_usersig(APP, KEY, &id, 60, NOW);
            let original = verify_usersig(&sig, APP, KEY, &id, NOW).unwrap();
            let std = sig.replace('*', "+").replace('-', "/").replace('_', "=");
            let mut bytes = B64.decode(std).unwrap();
            let i = pos.index(bytes.len());
            bytes[i] ^= byte;
            // Most corruption is caught (zlib checksum, JSON, HMAC); the rest
            // hits bits with no meaning (e.g. the zlib header's FLEVEL), and
            // then the claims must come out unchanged.
            if let Ok(claims) = verify_usersig(&url_b64(&bytes), APP, KEY, &id, NOW) {
                prop_assert_eq!(claims, original);
            }
        }

        #[test]
        fn round_trip_arbitrary_claims(
            id in any::<String>(),
            app in any::<u64>(),
            time in any::<u64>(),
            expire in any::<u64>(),
            userbuf in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..64)),
        ) {
            let sig = match &userbuf {
                Some(buf) => gen_usersig_with_userbuf(app, KEY, &id, expire, time, buf),
                None => gen_usersig(app, KEY, &id, expire, time),
            };
            let claims = verify_usersig(&sig, app, KEY, &id, time).unwrap();
            prop_assert_eq!(claims, UserSigClaims { identifier: id, sdk_app_id: app, time, expire, userbuf });
        }
    }
}
