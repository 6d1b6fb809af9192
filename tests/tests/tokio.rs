//! The conformance suite on tokio.

tcchat_tests::conformance_suite!(tcchat_tokio::TokioRuntime, |f| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
        .block_on(f)
});
