//! Cross-checks `tcchat_server::usersig` against sigs produced by Tencent's
//! published Python generator (PyPI `tls-sig-api-v2`); see
//! `data/make_usersig_vectors.py` for how `data/usersig_vectors.json` was made.

use std::io::Read;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use flate2::read::ZlibDecoder;
use serde_json::Value;
use tcchat_server::usersig::{
    decode_usersig_unverified, gen_usersig, gen_usersig_with_userbuf, verify_usersig,
    UserSigClaims, UserSigError,
};

const VECTORS: &str = include_str!("data/usersig_vectors.json");

struct Vector {
    name: String,
    sdk_app_id: u64,
    key: String,
    identifier: String,
    expire: u64,
    time: u64,
    userbuf: Option<Vec<u8>>,
    sig: String,
}

impl Vector {
    fn claims(&self) -> UserSigClaims {
        UserSigClaims {
            identifier: self.identifier.clone(),
            sdk_app_id: self.sdk_app_id,
            time: self.time,
            expire: self.expire,
            userbuf: self.userbuf.clone(),
        }
    }

    fn generate(&self) -> String {
        match &self.userbuf {
            Some(buf) => gen_usersig_with_userbuf(
                self.sdk_app_id,
                &self.key,
                &self.identifier,
                self.expire,
                self.time,
                buf,
            ),
            None => gen_usersig(
                self.sdk_app_id,
                &self.key,
                &self.identifier,
                self.expire,
                self.time,
            ),
        }
    }
}

fn vectors() -> Vec<Vector> {
    let doc: Value = serde_json::from_str(VECTORS).expect("vectors file is JSON");
    let list = doc["vectors"].as_array().expect("`vectors` array");
    let vectors: Vec<Vector> = list
        .iter()
        .map(|v| {
            let str_of = |k: &str| v[k].as_str().unwrap_or_else(|| panic!("{k}: {v}"));
            let u64_of = |k: &str| v[k].as_u64().unwrap_or_else(|| panic!("{k}: {v}"));
            Vector {
                name: str_of("name").to_owned(),
                sdk_app_id: u64_of("sdkappid"),
                key: str_of("key").to_owned(),
                identifier: str_of("identifier").to_owned(),
                expire: u64_of("expire"),
                time: u64_of("time"),
                userbuf: match &v["userbuf"] {
                    Value::Null => None,
                    Value::String(b64) => Some(STANDARD.decode(b64).expect("userbuf base64")),
                    other => panic!("userbuf: {other}"),
                },
                sig: str_of("sig").to_owned(),
            }
        })
        .collect();
    assert!(vectors.len() >= 8, "expected at least 8 vectors");
    vectors
}

/// The inflated JSON text inside a sig.
fn inner_json(sig: &str) -> Vec<u8> {
    let std = sig.replace('*', "+").replace('-', "/").replace('_', "=");
    let compressed = STANDARD.decode(std).expect("sig base64");
    let mut json = Vec::new();
    ZlibDecoder::new(compressed.as_slice())
        .read_to_end(&mut json)
        .expect("sig zlib");
    json
}

#[test]
fn vectors_cover_userbuf_and_unicode() {
    let vectors = vectors();
    assert!(vectors.iter().any(|v| v.userbuf.is_none()));
    assert!(vectors
        .iter()
        .any(|v| v.userbuf.as_deref() == Some(&[][..])));
    assert!(vectors
        .iter()
        .any(|v| v.userbuf.as_ref().is_some_and(|b| !b.is_empty())));
    assert!(vectors.iter().any(|v| !v.identifier.is_ascii()));
}

#[test]
fn reference_sigs_verify() {
    for v in vectors() {
        let claims = verify_usersig(&v.sig, v.sdk_app_id, &v.key, &v.identifier, v.time)
            .unwrap_or_else(|e| panic!("{}: {e}", v.name));
        assert_eq!(claims, v.claims(), "{}", v.name);
        assert_eq!(
            decode_usersig_unverified(&v.sig).as_ref(),
            Ok(&claims),
            "{}",
            v.name
        );

        // Valid through the last second, expired after it.
        let last = v.time + v.expire;
        assert!(
            verify_usersig(&v.sig, v.sdk_app_id, &v.key, &v.identifier, last).is_ok(),
            "{}",
            v.name
        );
        let err = verify_usersig(&v.sig, v.sdk_app_id, &v.key, &v.identifier, last + 1)
            .expect_err(&v.name);
        assert_eq!(err.code(), 70001, "{}", v.name);
    }
}

#[test]
fn reference_sigs_reject_wrong_inputs() {
    for v in vectors() {
        let wrong_key = format!("{}x", v.key);
        let err = verify_usersig(&v.sig, v.sdk_app_id, &wrong_key, &v.identifier, v.time)
            .expect_err(&v.name);
        assert_eq!(err, UserSigError::SignatureMismatch, "{}", v.name);

        let err = verify_usersig(&v.sig, v.sdk_app_id + 1, &v.key, &v.identifier, v.time)
            .expect_err(&v.name);
        assert_eq!(err.code(), 70014, "{}", v.name);

        let other_id = format!("{}-other", v.identifier);
        let err =
            verify_usersig(&v.sig, v.sdk_app_id, &v.key, &other_id, v.time).expect_err(&v.name);
        assert_eq!(err.code(), 70013, "{}", v.name);
    }
}

#[test]
fn generated_sigs_match_reference() {
    for v in vectors() {
        let ours = v.generate();
        assert_eq!(
            decode_usersig_unverified(&ours).as_ref(),
            Ok(&v.claims()),
            "{}",
            v.name
        );
        assert_eq!(
            verify_usersig(&ours, v.sdk_app_id, &v.key, &v.identifier, v.time).as_ref(),
            Ok(&v.claims()),
            "{}",
            v.name
        );
        // The JSON document inside is byte-identical to the reference's
        // (same field order, separators, escaping and HMAC).
        assert_eq!(
            String::from_utf8_lossy(&inner_json(&ours)),
            String::from_utf8_lossy(&inner_json(&v.sig)),
            "{}",
            v.name
        );
    }
}

/// With the same deflate implementation as the reference (flate2 built on
/// zlib), the whole sig is byte-identical at the default level; with
/// flate2's default pure-Rust backend only the inner JSON is (checked above).
/// So: if any vector matches byte for byte, every vector must.
#[test]
fn generated_sigs_are_byte_identical_when_backend_is_zlib() {
    let vectors = vectors();
    let matches: Vec<bool> = vectors.iter().map(|v| v.generate() == v.sig).collect();
    if matches.iter().any(|&m| m) {
        for (v, m) in vectors.iter().zip(matches) {
            assert!(
                m,
                "{}: byte-identical for other vectors but not this one",
                v.name
            );
        }
    }
}
