//! Locating the shared cable corpus. Tests that need it skip with a notice where it is
//! absent; CI sets `CTRACK_REQUIRE_CORPUS=1` so that a missing corpus fails instead.

use std::path::PathBuf;

/// `../shared/corpus` beside the checkout, or `CTRACK_CORPUS`.
pub fn dir() -> Option<PathBuf> {
    let dir = std::env::var_os("CTRACK_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    if dir.join("cables").is_dir() {
        return Some(dir);
    }
    if std::env::var_os("CTRACK_REQUIRE_CORPUS").is_some_and(|v| v == "1") {
        panic!("CTRACK_REQUIRE_CORPUS=1 but no corpus at {}", dir.display());
    }
    eprintln!(
        "NOTICE: skipping: the shared corpus is not at {} (set CTRACK_CORPUS)",
        dir.display()
    );
    None
}
