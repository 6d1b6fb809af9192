//! The conformance suite on async-std.

tcchat_tests::conformance_suite!(tcchat_async_std::AsyncStdRuntime, async_std::task::block_on);
