//! Shared test support: the corpus location, a fresh database, synthetic cables.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub mod corpus;
pub mod db;
pub mod synth;
pub mod web;

/// An empty scratch directory for this test process, named after the test.
pub fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ctrack-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Ingests a file or directory quietly, failing the test if any cable fails.
pub async fn ingest(pool: &sqlx::PgPool, path: &Path) -> ctrack::ingest::Report {
    let opts = ctrack::ingest::Options {
        paths: vec![path.to_path_buf()],
        progress: ctrack::ingest::Progress::Quiet,
        ..Default::default()
    };
    let report = ctrack::ingest::run(Some(pool), &opts).await.unwrap();
    assert!(report.failed.is_empty(), "{report}");
    report
}
