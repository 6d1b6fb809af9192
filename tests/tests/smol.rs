//! The conformance suite on smol.

tcchat_tests::conformance_suite!(tcchat_smol::SmolRuntime, smol::block_on);
