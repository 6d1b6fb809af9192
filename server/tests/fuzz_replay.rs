//! Replays the committed fuzz corpora of the server targets as ordinary
//! tests (CI runs no fuzzer). The target bodies are the fuzz crate's own
//! source files.

use std::path::{Path, PathBuf};

#[path = "../../fuzz/src/server.rs"]
mod server;

#[path = "../../fuzz/src/usersig.rs"]
mod usersig;

fn corpus(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("corpus {}: {e}", dir.display()))
        .map(|entry| entry.expect("corpus entry").path())
        .filter(|p| p.is_file())
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    files.sort();
    files
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
