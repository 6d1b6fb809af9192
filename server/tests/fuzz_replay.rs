//! Replays the committed fuzz corpora of the server targets as ordinary
//! tests (CI runs no fuzzer). The target bodies are the fuzz crate's own
//! source files.

#[path = "../../fuzz/src/server.rs"]
mod server;

#[path = "../../fuzz/src/usersig.rs"]
mod usersig;

#[path = "../../fuzz/src/corpus.rs"]
mod corpus_files;

fn corpus(target: &str) -> Vec<std::path::PathBuf> {
    corpus_files::files(env!("CARGO_MANIFEST_DIR"), target)
}

#[test]
fn server_frame_corpus() {
    for file in corpus("server_frame") {
        server::run_bytes(&std::fs::read(&file).expect("read corpus file"));
    }
}

#[test]
fn usersig_corpus() {
    let files = corpus("usersig");
    assert!(!files.is_empty(), "the seed corpus is missing");
    for file in files {
        usersig::verify(&std::fs::read(&file).expect("read corpus file"));
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]

    /// Random step sequences between fuzzing runs: nothing panics.
    #[test]
    fn server_random_sequences(data in proptest::collection::vec(proptest::num::u8::ANY, 0..4096)) {
        server::run_bytes(&data);
    }
}
