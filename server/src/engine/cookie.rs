//! The opaque `Cookie` of `openim.getmsg` and the `SessionData` of a push.
//!
//! Both name a position in the user's inbox: `tc1.<epoch hex>.<sequence>`.
//! The epoch is a random number fixed when the database was created, so a
//! cookie from another database (a restarted in-memory server, another
//! server) is recognised as foreign and treated like an empty cookie rather
//! than as a position that may not exist here.

/// Encode inbox position `seq` of the database with `epoch`.
pub(crate) fn encode(epoch: u64, seq: u64) -> String {
    format!("tc1.{epoch:016x}.{seq}")
}

/// The inbox position in `cookie`, if it was made by this database.
pub(crate) fn decode(epoch: u64, cookie: &str) -> Option<u64> {
    let rest = cookie.strip_prefix("tc1.")?;
    let (e, seq) = rest.split_once('.')?;
    if e.len() != 16 || u64::from_str_radix(e, 16).ok()? != epoch {
        return None;
    }
    if seq.is_empty() || seq.len() > 20 || !seq.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    seq.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_foreign_cookies() {
        let c = encode(0xabc, 42);
        assert_eq!(decode(0xabc, &c), Some(42));
        assert_eq!(decode(0xabd, &c), None);
        for bad in [
            "",
            "ck1",
            "tc1.",
            "tc1.0000000000000abc.",
            "tc1.0000000000000abc.-1",
            "tc1.0000000000000abc.+1",
            "tc1.abc.1",
        ] {
            assert_eq!(decode(0xabc, bad), None, "{bad}");
        }
    }
}
