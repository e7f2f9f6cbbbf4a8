//! The whole shared corpus through `ingest`, twice (skipped with a notice where absent).

mod common;

use common::db::TestDb;
use ctrack::db::cables::counts;
use ctrack::ingest;

#[tokio::test(flavor = "multi_thread")]
async fn the_whole_corpus_goes_in_and_a_second_run_finds_it_unchanged() {
    let Some(dir) = common::corpus::dir() else { return };
    let db = TestDb::new().await;
    let opts = ingest::Options {
        paths: vec![dir.join("cables")],
        progress: ingest::Progress::Quiet,
        ..Default::default()
    };
    let first = ingest::run(Some(&db.pool), &opts).await.unwrap();
    assert!(first.failed.is_empty(), "{first}");
    assert_eq!((first.ingested, first.updated, first.unchanged), (6742, 0, 0), "{first}");
    let stored = counts(&db.pool).await.unwrap();
    assert_eq!(stored.cables, 6742);

    let second = ingest::run(Some(&db.pool), &opts).await.unwrap();
    assert_eq!((second.ingested, second.updated, second.unchanged), (0, 0, 6742), "{second}");
    assert_eq!(counts(&db.pool).await.unwrap(), stored);
    println!(
        "first run {:.2} s, second run {:.2} s",
        first.elapsed.as_secs_f64(),
        second.elapsed.as_secs_f64()
    );
    db.drop_db().await;
}
