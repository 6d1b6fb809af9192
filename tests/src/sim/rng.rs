//! The simulation's only source of randomness: xoshiro256++ streams derived
//! from the world seed with splitmix64, one stream per concern, so that a
//! change in (say) the workload does not reshuffle every network delay.

use std::time::Duration;

use rand_core::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// splitmix64: derives independent seeds from one seed and a stream tag.
pub fn derive(seed: u64, stream: u64) -> u64 {
    let mut z = seed
        .wrapping_add(stream.wrapping_mul(0x9E37_79B9_7F4A_7C15))
        .wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A seeded random stream with the helpers the simulation needs.
#[derive(Debug, Clone)]
pub struct SimRng(Xoshiro256PlusPlus);

impl SimRng {
    /// The stream `stream` of world seed `seed`.
    pub fn new(seed: u64, stream: u64) -> SimRng {
        SimRng(Xoshiro256PlusPlus::seed_from_u64(derive(seed, stream)))
    }

    /// A uniformly random `u64`.
    pub fn u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            // Lemire's multiply-shift: no modulo bias worth caring about.
            ((u128::from(self.u64()) * u128::from(n)) >> 64) as u64
        }
    }

    /// Uniform index into a collection of `n` items.
    pub fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        p > 0.0 && self.unit() < p
    }

    /// Uniform duration in `[lo, hi]`.
    pub fn between(&mut self, lo: Duration, hi: Duration) -> Duration {
        let (lo_us, hi_us) = (lo.as_micros() as u64, hi.as_micros() as u64);
        if hi_us <= lo_us {
            return lo;
        }
        Duration::from_micros(lo_us + self.below(hi_us - lo_us + 1))
    }

    /// Exponentially distributed with `mean` (memoryless arrivals), capped at
    /// 20 means so that one unlucky draw cannot stall a run.
    pub fn exp(&mut self, mean: Duration) -> Duration {
        let u = 1.0 - self.unit(); // (0, 1]
        let x = (-u.ln()).min(20.0);
        Duration::from_micros((mean.as_micros() as f64 * x) as u64)
    }
}
