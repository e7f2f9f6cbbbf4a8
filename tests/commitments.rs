//! Commitments in the database: ingest stores them with the extractor version, and
//! re-extraction (ingest after an extractor change, or `ctrack reextract`) updates machine
//! fields without losing analyst work.

mod common;

use common::db::TestDb;
use ctrack::db::commitments::counts;
use ctrack::{extract, ingest};
use sqlx::PgPool;

/// A synthetic cable (written for this test) from San Jose, tagged Costa Rica.
fn cable(serial: u32, paragraphs: &[&str]) -> String {
    common::synth::cable(9, "SAN JOSE", serial, 10, "SYNTHETIC COMMITMENT TEST", paragraphs)
        .replace("TAGS: PREL PHUM XX", "TAGS: PREL PHUM CS")
}

const PROMISE: &str = "Justice Minister Laura Chinchilla promised that the government will open \
     five new shelters for trafficking victims by the end of 2009.";
const US_PLAN: &str = "The Embassy will host a roundtable on trafficking next month.";
const PAST: &str = "The ministry opened two shelters in 2008.";

#[derive(Debug, PartialEq, sqlx::FromRow)]
struct Row {
    id: i64,
    actor: String,
    country: Option<String>,
    status: String,
    review: String,
    revision: i32,
    extracted: bool,
    extractor_version: String,
}

async fn row(pool: &PgPool, like: &str) -> Option<Row> {
    sqlx::query_as(
        "SELECT id, actor, country, status, review, revision, extracted, extractor_version
         FROM commitments WHERE sentence LIKE $1",
    )
    .bind(format!("%{like}%"))
    .fetch_optional(pool)
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn ingest_stores_a_governments_promise_and_not_its_look_alikes() {
    let db = TestDb::new().await;
    let dir = common::tempdir("store");
    std::fs::write(
        dir.join("09SANJOSE900.txt"),
        cable(900, &[PROMISE, &format!("{US_PLAN} {PAST}")]),
    )
    .unwrap();
    let report = common::ingest(&db.pool, &dir).await;
    assert_eq!(report.commitments.inserted, 1, "{report}");
    assert!(report.to_string().contains("commitments: 1 new"), "{report}");

    #[derive(sqlx::FromRow)]
    struct Stored {
        sentence: String,
        start_byte: i32,
        end_byte: i32,
        country: Option<String>,
        quantity: Option<String>,
        due_date: Option<time::Date>,
        due_precision: Option<String>,
        extractor_version: String,
    }
    let Stored {
        sentence,
        start_byte: start,
        end_byte: end,
        country,
        quantity,
        due_date: due,
        due_precision: precision,
        extractor_version: version,
    } = sqlx::query_as(
        "SELECT sentence, start_byte, end_byte, country, quantity, due_date, due_precision,
                extractor_version FROM commitments",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(sentence, PROMISE);
    assert_eq!(country.as_deref(), Some("CS"));
    assert_eq!(quantity.as_deref(), Some("five new shelters"));
    assert_eq!(due.map(|d| d.to_string()).as_deref(), Some("2009-12-31"));
    assert_eq!(precision.as_deref(), Some("day"));
    assert_eq!(version, extract::version());
    // The span is the sentence's place in the stored body.
    let body: String =
        sqlx::query_scalar("SELECT body FROM cables").fetch_one(&db.pool).await.unwrap();
    assert_eq!(&body[start as usize..end as usize], PROMISE);
    let with: Option<String> =
        sqlx::query_scalar("SELECT extracted_with FROM cables").fetch_one(&db.pool).await.unwrap();
    assert_eq!(with, Some(extract::version()));
    db.drop_db().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn reextraction_updates_machine_fields_and_keeps_analyst_work() {
    let db = TestDb::new().await;
    let dir = common::tempdir("reextract");
    std::fs::write(dir.join("09SANJOSE900.txt"), cable(900, &[PROMISE, US_PLAN])).unwrap();
    std::fs::write(dir.join("09SANJOSE950.txt"), cable(950, &["The shelters opened in October."]))
        .unwrap();
    common::ingest(&db.pool, &dir).await;
    let before = row(&db.pool, "five new shelters").await.expect("the promise is stored");

    // An analyst confirms it, marks it fulfilled with evidence, and links the follow-up.
    sqlx::query(
        "UPDATE commitments SET review = 'confirmed', status = 'fulfilled',
             revision = revision + 2 WHERE id = $1",
    )
    .bind(before.id)
    .execute(&db.pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO commitment_events (commitment_id, username, kind, from_value, to_value,
             note, evidence_cable_id)
         VALUES ($1, 'ana', 'status', 'open', 'fulfilled', 'opened', '09SANJOSE950')",
    )
    .bind(before.id)
    .execute(&db.pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO commitment_links (commitment_id, cable_id, kind, username)
         VALUES ($1, '09SANJOSE950', 'fulfils', 'ana')",
    )
    .bind(before.id)
    .execute(&db.pool)
    .await
    .unwrap();
    // Two sentences an older extractor found and this one does not: one worked on, one not.
    for (hash, revision) in [("0000000000000001", 1), ("0000000000000002", 0)] {
        sqlx::query(
            "INSERT INTO commitments (cable_id, sentence_hash, sentence, start_byte, end_byte,
                 actor, actor_kind, category, confidence, extractor_version, revision)
             VALUES ('09SANJOSE900', $1, 'An old sentence ' || $1, 0, 10, 'x', 'government',
                 'other', 0.5, 'old', $2)",
        )
        .bind(hash)
        .bind(revision)
        .execute(&db.pool)
        .await
        .unwrap();
    }
    // As if an older extractor had produced the stored machine fields.
    sqlx::query("UPDATE commitments SET actor = 'stale actor', extractor_version = 'old'")
        .execute(&db.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE cables SET extracted_with = 'old'").execute(&db.pool).await.unwrap();

    let report = ingest::reextract(&db.pool, false).await.unwrap();
    assert_eq!(report.cables, 2, "{report}");
    assert_eq!((report.commitments.removed, report.commitments.kept), (1, 1), "{report}");

    let after = row(&db.pool, "five new shelters").await.expect("still stored");
    assert_eq!(after.id, before.id, "the same row, so its history and links stay attached");
    assert_eq!(after.actor, before.actor, "machine fields come from the current extractor");
    assert_eq!(after.extractor_version, extract::version());
    assert_eq!(
        (after.status.as_str(), after.review.as_str(), after.revision),
        ("fulfilled", "confirmed", 2)
    );
    let c = counts(&mut db.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!((c.events, c.links), (1, 1));
    let kept = row(&db.pool, "0000000000000001").await.expect("worked-on row is kept");
    assert!(!kept.extracted);
    assert!(row(&db.pool, "0000000000000002").await.is_none(), "untouched stale row goes");

    // Nothing is stale any more; --all redoes everything and still loses nothing.
    assert_eq!(ingest::reextract(&db.pool, false).await.unwrap().cables, 0);
    let all = ingest::reextract(&db.pool, true).await.unwrap();
    assert_eq!(all.cables, 2);
    assert_eq!(row(&db.pool, "five new shelters").await.unwrap(), after);

    // Ingest of an edited cable keeps the commitment that is still there.
    std::fs::write(
        dir.join("09SANJOSE900.txt"),
        cable(900, &[PROMISE, "The Embassy will host two roundtables on trafficking."]),
    )
    .unwrap();
    let report = common::ingest(&db.pool, &dir).await;
    assert_eq!((report.updated, report.unchanged), (1, 1), "{report}");
    assert_eq!(row(&db.pool, "five new shelters").await.unwrap(), after);
    db.drop_db().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn ingest_re_extracts_unchanged_cables_after_an_extractor_change() {
    let db = TestDb::new().await;
    let dir = common::tempdir("version");
    std::fs::write(dir.join("09SANJOSE900.txt"), cable(900, &[PROMISE])).unwrap();
    common::ingest(&db.pool, &dir).await;
    sqlx::query("UPDATE cables SET extracted_with = 'old'").execute(&db.pool).await.unwrap();
    sqlx::query("UPDATE commitments SET extractor_version = 'old'")
        .execute(&db.pool)
        .await
        .unwrap();

    let report = common::ingest(&db.pool, &dir).await;
    assert_eq!((report.unchanged, report.reextracted), (1, 1), "{report}");
    assert_eq!(
        row(&db.pool, "five new shelters").await.unwrap().extractor_version,
        extract::version()
    );
    // And now nothing is left to do.
    let again = common::ingest(&db.pool, &dir).await;
    assert_eq!((again.unchanged, again.reextracted), (1, 0), "{again}");

    // The command line does the same.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ctrack"))
        .args(["reextract", "--all"])
        .env("DATABASE_URL", &db.url)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("re-extracted 1 cables"), "{stdout}");
    db.drop_db().await;
}
