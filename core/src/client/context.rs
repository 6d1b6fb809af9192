//! What this instance was created with and keeps for its whole life: the
//! options, the log level `setLogLevel` sets, and the seeded randomness
//! every random choice draws from (seq start, message randoms, backoff
//! jitter, the connect URL's `random`), so one seed reproduces a run.

use rand_xoshiro::Xoshiro256PlusPlus;

use crate::error::{ChatError, ErrorCode};
use crate::options::{Options, Tuning};

#[derive(Debug)]
pub(crate) struct Context {
    opts: Options,
    /// 0 (debug) … 4 (silent).
    log_level: u8,
    rng: Xoshiro256PlusPlus,
}

impl Context {
    /// The most silent log level.
    const MAX_LOG_LEVEL: u8 = 4;

    pub(crate) fn new(opts: Options, rng: Xoshiro256PlusPlus) -> Context {
        Context {
            log_level: opts.log_level.number(),
            opts,
            rng,
        }
    }

    pub(crate) fn opts(&self) -> &Options {
        &self.opts
    }

    pub(crate) fn tuning(&self) -> &Tuning {
        &self.opts.tuning
    }

    pub(crate) fn sdk_app_id(&self) -> u64 {
        self.opts.sdk_app_id
    }

    /// The source of every random choice.
    pub(crate) fn rng(&mut self) -> &mut Xoshiro256PlusPlus {
        &mut self.rng
    }

    pub(crate) fn log_level(&self) -> u8 {
        self.log_level
    }

    /// Whether a message at `level` is logged.
    pub(crate) fn log_enabled(&self, level: u8) -> bool {
        self.log_level <= level
    }

    /// `setLogLevel`: refused unless 0 to 4.
    pub(crate) fn set_log_level(&mut self, level: u8) -> Result<(), ChatError> {
        if level > Self::MAX_LOG_LEVEL {
            return Err(ChatError::new(
                ErrorCode::INVALID_OPERATION,
                format!("log level {level} is not in 0..=4"),
            ));
        }
        self.log_level = level;
        Ok(())
    }
}
