//! Replays the committed fuzz corpora as ordinary tests, so CI checks every
//! input the fuzzers kept (including past findings) without running a
//! fuzzer. The target bodies are the fuzz crate's own source files.

#[path = "../../fuzz/src/frames.rs"]
mod frames;

#[path = "../../fuzz/src/client_core.rs"]
mod client_core;

#[path = "../../fuzz/src/corpus.rs"]
mod corpus_files;

fn corpus(target: &str) -> Vec<std::path::PathBuf> {
    corpus_files::files(env!("CARGO_MANIFEST_DIR"), target)
}

#[test]
fn decode_frame_corpus() {
    let files = corpus("decode_frame");
    let mut seeds = 0;
    let mut seeds_decoded = 0;
    for file in &files {
        let data = std::fs::read(file).expect("read corpus file");
        // Seeds (`ref-`, and their `gz-`/`zl-` COMP forms) are real frames
        // of the official SDK's recorded runs; the rest are fuzzer finds.
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if ["ref-", "gz-", "zl-"].iter().any(|p| name.starts_with(p)) {
            seeds += 1;
            if tcchat_core::wire::decode(&data).is_ok() {
                seeds_decoded += 1;
            }
        }
        frames::decode_frame(&data);
    }
    assert!(seeds > 100, "the seed corpus is missing");
    assert_eq!(seeds_decoded, seeds, "every recorded frame decodes");
}

#[test]
fn client_core_corpus() {
    for file in corpus("client_core") {
        let data = std::fs::read(&file).expect("read corpus file");
        client_core::run_bytes(&data);
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// Random input sequences between fuzzing runs: the same invariants.
    #[test]
    fn client_core_random_sequences(data in proptest::collection::vec(proptest::num::u8::ANY, 0..4096)) {
        client_core::run_bytes(&data);
    }
}
