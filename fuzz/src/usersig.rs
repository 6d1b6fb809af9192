//! UserSig decoding and verification on arbitrary text: a typed error or
//! claims, never a panic; a verified sig must carry the claims asked for.

use tcchat_server::usersig::{decode_usersig_unverified, verify_usersig};

/// Check one candidate sig.
pub fn verify(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = decode_usersig_unverified(&text);
    if let Ok(claims) = verify_usersig(&text, 1_400_000_000, "fuzz-key", "u1", 1_795_628_000) {
        assert_eq!(claims.identifier, "u1");
        assert_eq!(claims.sdk_app_id, 1_400_000_000);
    }
}
