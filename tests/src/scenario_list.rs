//! The check that keeps [`conformance_suite!`](crate::conformance_suite)'s
//! list complete: every `pub async fn` of a `src/conformance*.rs` module is a
//! scenario, and a scenario missing from the list would silently never run.

use std::collections::BTreeSet;
use std::path::Path;

/// The scenarios defined in the conformance modules, as `module::name`: every
/// `pub async fn` in `src/conformance*.rs` (line comments skipped).
pub fn defined_scenarios() -> BTreeSet<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = BTreeSet::new();
    let entries = std::fs::read_dir(&src).expect("tests/src is readable");
    for entry in entries {
        let path = entry.expect("a directory entry of tests/src").path();
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if !stem.starts_with("conformance") {
            continue;
        }
        assert!(
            path.extension().is_some_and(|e| e == "rs"),
            "{}: conformance modules are single .rs files; teach scenario_list about this one",
            path.display()
        );
        let text = std::fs::read_to_string(&path).expect("a conformance module is readable");
        for name in pub_async_fns(&text) {
            found.insert(format!("{stem}::{name}"));
        }
    }
    found
}

/// The names of the `pub async fn`s in Rust source `text`, whatever the
/// whitespace between the keywords.
fn pub_async_fns(text: &str) -> Vec<String> {
    let code: String = text
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let words: Vec<&str> = code.split_whitespace().collect();
    words
        .windows(4)
        .filter(|w| w[0] == "pub" && w[1] == "async" && w[2] == "fn")
        .map(|w| {
            w[3].split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .next()
                .unwrap_or("")
                .to_owned()
        })
        .collect()
}

/// Panic unless `listed` (`module::name` each) names exactly the scenarios
/// the conformance modules define.
pub fn assert_every_scenario_listed(listed: &[&str]) {
    let listed: BTreeSet<String> = listed.iter().map(|s| s.to_string()).collect();
    let defined = defined_scenarios();
    assert!(
        defined.len() > 1,
        "no scenarios found under tests/src: the scan is broken"
    );
    let missing: Vec<&String> = defined.difference(&listed).collect();
    let unknown: Vec<&String> = listed.difference(&defined).collect();
    assert!(
        missing.is_empty() && unknown.is_empty(),
        "conformance_suite! in tests/src/lib.rs is out of step with the scenarios: \
         defined but not listed (never run): {missing:?}; listed but not found: {unknown:?}"
    );
}

#[cfg(test)]
mod tests {
    use super::pub_async_fns;

    #[test]
    fn finds_pub_async_fns_and_skips_the_rest() {
        let src = "async fn helper() {}\npub async fn a<R: X>() {}\n// pub async fn commented() {}\npub fn sync_one() {}\npub  async\n fn b() {}\n";
        assert_eq!(pub_async_fns(src), ["a", "b"]);
    }
}
