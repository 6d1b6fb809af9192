use rand_core::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// The engine's only source of randomness: seeded, so a run is replayable.
#[derive(Debug)]
pub(crate) struct Tokens {
    rng: Xoshiro256PlusPlus,
    next_inst_id: u64,
}

/// Instance IDs stay below 2^53 so that JavaScript reads them exactly.
const JS_SAFE: u64 = 1 << 53;

impl Tokens {
    pub(crate) fn new(seed: u64) -> Tokens {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        // Start instance IDs at a random point so that IDs of a restarted
        // server rarely repeat earlier ones.
        let next_inst_id = (rng.next_u64() % (1 << 40)) + 1;
        Tokens { rng, next_inst_id }
    }

    /// A 128-bit session key as 32 lowercase hex digits.
    pub(crate) fn a2_key(&mut self) -> String {
        format!("{:016x}{:016x}", self.rng.next_u64(), self.rng.next_u64())
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
