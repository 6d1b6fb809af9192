//! The opaque `Cookie` of `openim.getmsg` and the `SessionData` of a push.
//!
//! Both name a position in one user's inbox:
//! `tc2.<epoch hex>.<owner tag hex>.<sequence>`. The epoch is a random
//! number fixed when the database was created, so a cookie from another
//! database (a restarted in-memory server, another server) is recognised as
//! foreign and treated like an empty cookie rather than as a position that
//! may not exist here. The owner tag binds the position to the user (and
//! application) whose inbox it names: a cookie of this database presented
//! by another user is refused instead of being read as a position in the
//! caller's inbox. The official SDK treats the cookie as an opaque string
//! and only sends back what it was given (protocol-facts §getmsg), so the
//! format is free to carry the binding.
//!
//! Cookies of the first format (`tc1.<epoch>.<sequence>`, no owner) are
//! read as foreign: such a client starts again at its delivered cursor.

use sha2::{Digest, Sha256};

/// What a cookie says about the caller's inbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Position {
    /// A position in the caller's inbox, made by this database.
    Mine(u64),
    /// A cookie of this database that names another user's inbox.
    OtherUser,
    /// Empty, unreadable, or from another database: start at the cursor.
    Foreign,
}

/// The tag binding a position to `user` of `app` in the database `epoch`.
fn owner_tag(epoch: u64, app: u64, user: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"tcchat-cookie\0");
    h.update(epoch.to_be_bytes());
    h.update(app.to_be_bytes());
    h.update(user.as_bytes());
    let digest = h.finalize();
    let mut out = String::with_capacity(16);
    for b in &digest[..8] {
        out.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
        out.push(char::from(b"0123456789abcdef"[usize::from(b & 15)]));
    }
    out
}

/// Encode inbox position `seq` of `user` of `app` in the database `epoch`.
pub(crate) fn encode(epoch: u64, app: u64, user: &str, seq: u64) -> String {
    format!("tc2.{epoch:016x}.{}.{seq}", owner_tag(epoch, app, user))
}

/// What `cookie` names, for `user` of `app` asking the database `epoch`.
pub(crate) fn decode(epoch: u64, app: u64, user: &str, cookie: &str) -> Position {
    let Some(rest) = cookie.strip_prefix("tc2.") else {
        return Position::Foreign;
    };
    let mut parts = rest.split('.');
    let (Some(e), Some(tag), Some(seq), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Position::Foreign;
    };
    if e.len() != 16 || u64::from_str_radix(e, 16).ok() != Some(epoch) {
        return Position::Foreign;
    }
    if seq.is_empty() || seq.len() > 20 || !seq.bytes().all(|b| b.is_ascii_digit()) {
        return Position::Foreign;
    }
    let Ok(seq) = seq.parse() else {
        return Position::Foreign;
    };
    if tag != owner_tag(epoch, app, user) {
        return Position::OtherUser;
    }
    Position::Mine(seq)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_foreign_cookies() {
        let c = encode(0xabc, 1, "u1", 42);
        assert_eq!(decode(0xabc, 1, "u1", &c), Position::Mine(42));
        assert_eq!(decode(0xabd, 1, "u1", &c), Position::Foreign);
        assert_eq!(decode(0xabc, 1, "u2", &c), Position::OtherUser);
        assert_eq!(decode(0xabc, 2, "u1", &c), Position::OtherUser);
        let tag = owner_tag(0xabc, 1, "u1");
        for bad in [
            String::new(),
            "ck1".into(),
            "tc1.0000000000000abc.1".into(),
            "tc2.".into(),
            format!("tc2.0000000000000abc.{tag}."),
            format!("tc2.0000000000000abc.{tag}.-1"),
            format!("tc2.0000000000000abc.{tag}.+1"),
            format!("tc2.0000000000000abc.{tag}.1.2"),
            format!("tc2.abc.{tag}.1"),
            format!("tc2.0000000000000abc.{tag}.99999999999999999999999"),
        ] {
            assert_eq!(decode(0xabc, 1, "u1", &bad), Position::Foreign, "{bad}");
        }
    }
}
