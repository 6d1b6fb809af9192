//! The engine's randomness: a seeded generator (instance IDs, the database
//! epoch) and the source of A2 session keys.

use std::fmt;

use rand_core::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// Where A2 session keys (bearer tokens) come from.
///
/// The engine never touches OS randomness itself: by default keys come
/// from its seeded generator, so a simulation replays exactly from its
/// seed. A server facing real clients gives it a cryptographically secure
/// source with [`Engine::with_key_source`](super::Engine::with_key_source)
/// (the tokio driver of this crate uses the operating system's CSPRNG).
pub trait KeySource: Send + fmt::Debug {
    /// Fill `out` with fresh unpredictable bytes.
    fn fill(&mut self, out: &mut [u8; 16]);
}

/// The seeded default: reproducible, not secret.
#[derive(Debug)]
struct Seeded(Xoshiro256PlusPlus);

impl KeySource for Seeded {
    fn fill(&mut self, out: &mut [u8; 16]) {
        self.0.fill_bytes(out);
    }
}

/// The engine's only source of randomness: seeded, so a run is replayable
/// (unless a [`KeySource`] was injected for A2 keys).
pub(crate) struct Tokens {
    rng: Xoshiro256PlusPlus,
    keys: Box<dyn KeySource>,
    next_inst_id: u64,
}

impl fmt::Debug for Tokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tokens")
            .field("keys", &self.keys)
            .field("next_inst_id", &self.next_inst_id)
            .finish_non_exhaustive()
    }
}

/// Instance IDs stay below 2^53 so that JavaScript reads them exactly.
const JS_SAFE: u64 = 1 << 53;

impl Tokens {
    pub(crate) fn new(seed: u64) -> Tokens {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        // Start instance IDs at a random point so that IDs of a restarted
        // server rarely repeat earlier ones.
        let next_inst_id = (rng.next_u64() % (1 << 40)) + 1;
        let keys = Box::new(Seeded(Xoshiro256PlusPlus::seed_from_u64(rng.next_u64())));
        Tokens {
            rng,
            keys,
            next_inst_id,
        }
    }

    /// Take A2 keys from `keys` from now on.
    pub(crate) fn set_key_source(&mut self, keys: Box<dyn KeySource>) {
        self.keys = keys;
    }

    /// A 128-bit session key as 32 lowercase hex digits.
    pub(crate) fn a2_key(&mut self) -> String {
        let mut bytes = [0u8; 16];
        self.keys.fill(&mut bytes);
        let mut out = String::with_capacity(32);
        for b in bytes {
            out.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
            out.push(char::from(b"0123456789abcdef"[usize::from(b & 15)]));
        }
        out
    }

    /// A fresh `InstId`, unique within this engine.
    pub(crate) fn inst_id(&mut self) -> u64 {
        let id = self.next_inst_id;
        self.next_inst_id = if id + 1 >= JS_SAFE { 1 } else { id + 1 };
        id
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.rng.next_u64()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Fixed(u8);
    impl KeySource for Fixed {
        fn fill(&mut self, out: &mut [u8; 16]) {
            out.fill(self.0);
        }
    }

    #[test]
    fn keys_are_reproducible_from_the_seed_or_come_from_the_injected_source() {
        let (mut a, mut b) = (Tokens::new(5), Tokens::new(5));
        assert_eq!(a.a2_key(), b.a2_key());
        assert_ne!(a.a2_key(), Tokens::new(6).a2_key());
        a.set_key_source(Box::new(Fixed(0xab)));
        assert_eq!(a.a2_key(), "ab".repeat(16));
    }
}
