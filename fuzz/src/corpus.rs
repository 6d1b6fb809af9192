//! The committed corpus of a fuzz target, for the replay tests of the main
//! workspace (included there by path; both live one level below the repo).

use std::path::{Path, PathBuf};

/// The files of `fuzz/corpus/<target>`, sorted, without dotfiles.
pub fn files(manifest_dir: &str, target: &str) -> Vec<PathBuf> {
    let dir = Path::new(manifest_dir).join("../fuzz/corpus").join(target);
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
