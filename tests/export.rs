//! Status summaries and backups on a fixed fixture: synthetic cables from three countries,
//! commitments set by hand (so the extractor's changes do not move them), status events,
//! links, a correction, a dismissed extraction, and overdue and stale items as of
//! 2010-01-01.
//!
//! Golden files live in `tests/golden/`; after an intended change of the layout, rewrite
//! them with `CTRACK_UPDATE_GOLDEN=1 cargo test --test export` and review the diff.

mod common;

use std::path::{Path, PathBuf};

use axum::http::{StatusCode, header};
use common::db::TestDb;
use common::web::{get, session};
use ctrack::db::tracking::{self, Corrections};
use ctrack::db::users::{self, Role};
use ctrack::export::{self, Countries, Format, Scope, WriteSink};
use ctrack::extract::actors::ActorKind;
use ctrack::extract::category::Category;
use ctrack::extract::{Commitment, Extraction};
use time::macros::date;

const HOSTILE_CELL: &str = "=HYPERLINK(\"http://evil.example\",\"Click\") The ministry will fund one shelter by June 2009.";
const HOSTILE_ACTOR: &str = "=cmd|' /C calc'!A0";

/// A synthetic cable (marked as such in its subject) with the given TAGS country.
fn cable(year: u32, post: &str, serial: u32, day: u32, tags: &str, paragraphs: &[&str]) -> String {
    common::synth::cable(year, post, serial, day, "SYNTHETIC EXPORT FIXTURE", paragraphs)
        .replace("TAGS: PREL PHUM XX", &format!("TAGS: PREL PHUM {tags}"))
}

struct Hand {
    cable: &'static str,
    sentence: &'static str,
    actor: &'static str,
    country: &'static str,
    category: Category,
    deadline: Option<&'static str>,
    due: Option<time::Date>,
    quantity: Option<&'static str>,
}

/// The commitments of the fixture, as an extractor would give them.
fn hand_made() -> Vec<Hand> {
    vec![
        Hand {
            cable: "08DUSHANBE101",
            sentence: "Deputy Minister Saidov said the government will adopt a national action plan by the end of 2008.",
            actor: "Deputy Minister Saidov",
            country: "TI",
            category: Category::Policy,
            deadline: Some("by the end of 2008"),
            due: Some(date!(2008 - 12 - 31)),
            quantity: None,
        },
        Hand {
            cable: "08DUSHANBE101",
            sentence: "The Ministry of Labor will open an additional five shelters by July 2009.",
            actor: "The Ministry of Labor",
            country: "TI",
            category: Category::Institution,
            deadline: Some("by July 2009"),
            due: Some(date!(2009 - 07 - 31)),
            quantity: Some("an additional five shelters"),
        },
        Hand {
            cable: "08MANAMA303",
            sentence: "The Shura Council will pass the anti-trafficking law soon.",
            actor: "The Shura Council",
            country: "BA",
            category: Category::Legislation,
            deadline: Some("soon"),
            due: Some(date!(2008 - 09 - 30)),
            quantity: None,
        },
        Hand {
            cable: "08MANAMA303",
            sentence: HOSTILE_CELL,
            actor: "the ministry",
            country: "BA",
            category: Category::Funding,
            deadline: Some("by June 2009"),
            due: Some(date!(2009 - 06 - 30)),
            quantity: Some("one shelter"),
        },
        Hand {
            cable: "08REYKJAVIK505",
            sentence: "The government will publish a trafficking action plan in March 2009.",
            actor: "The government",
            country: "IC",
            category: Category::Policy,
            deadline: Some("in March 2009"),
            due: Some(date!(2009 - 03 - 31)),
            quantity: None,
        },
        Hand {
            cable: "08REYKJAVIK505",
            sentence: "The police will train 20 officers to identify victims.",
            actor: "The police",
            country: "IC",
            category: Category::Enforcement,
            deadline: None,
            due: None,
            quantity: Some("20 officers"),
        },
    ]
}

/// Writes the fixture's cables into a directory.
fn write_cables(dir: &Path) {
    let cables = [
        cable(
            8,
            "DUSHANBE",
            101,
            3,
            "TI",
            &[
                "Deputy Minister Saidov said the government will adopt a national action plan by the end of 2008.",
                "The Ministry of Labor will open an additional five shelters by July 2009.",
            ],
        ),
        cable(
            9,
            "DUSHANBE",
            202,
            10,
            "TI",
            &["The government adopted the national action plan in December 2008."],
        ),
        cable(
            8,
            "MANAMA",
            303,
            5,
            "BA",
            &["The Shura Council will pass the anti-trafficking law soon.", HOSTILE_CELL],
        ),
        cable(
            9,
            "MANAMA",
            404,
            1,
            "BA",
            &["The Shura Council postponed its vote on the anti-trafficking law."],
        ),
        cable(
            8,
            "REYKJAVIK",
            505,
            7,
            "IC",
            &[
                "The government will publish a trafficking action plan in March 2009.",
                "The police will train 20 officers to identify victims.",
            ],
        ),
    ];
    for text in cables {
        let id = text.lines().find(|l| l.starts_with("UNCLAS ")).unwrap().to_string();
        let (post, serial) = id["UNCLAS ".len()..].rsplit_once(' ').unwrap();
        let year = if text.contains("JUL 08") { 8 } else { 9 };
        let name = common::synth::id(year, post, serial.parse().unwrap());
        std::fs::write(dir.join(format!("{name}.txt")), text).unwrap();
    }
}

/// Replaces whatever the extractor found with the hand-made commitments, numbered from 1.
async fn store_hand_made(db: &TestDb) {
    let mut conn = db.pool.acquire().await.unwrap();
    sqlx::query("TRUNCATE commitments, signals RESTART IDENTITY CASCADE")
        .execute(&mut *conn)
        .await
        .unwrap();
    let mut by_cable: Vec<(String, Extraction)> = Vec::new();
    for h in hand_made() {
        let body: String = sqlx::query_scalar("SELECT body FROM cables WHERE id = $1")
            .bind(h.cable)
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        let start =
            body.find(h.sentence).unwrap_or_else(|| panic!("{} in {}", h.sentence, h.cable));
        let c = Commitment {
            paragraph: Some(
                if by_cable.last().is_some_and(|(k, _)| k == h.cable) { "2" } else { "1" }.into(),
            ),
            sentence: h.sentence.to_string(),
            start,
            end: start + h.sentence.len(),
            actor: h.actor.to_string(),
            actor_kind: ActorKind::Government,
            country: Some(h.country.to_string()),
            category: h.category,
            deadline: h.deadline.map(str::to_string),
            due_date: h.due,
            due_precision: h.due.map(|_| ctrack::extract::deadline::Precision::Month),
            quantity: h.quantity.map(str::to_string),
            quantity_value: None,
            conditional: false,
            confidence: 0.875,
        };
        match by_cable.last_mut() {
            Some((k, e)) if k == h.cable => e.commitments.push(c),
            _ => by_cable.push((
                h.cable.to_string(),
                Extraction { commitments: vec![c], signals: Vec::new() },
            )),
        }
    }
    let items: Vec<(&str, &Extraction)> = by_cable.iter().map(|(k, e)| (k.as_str(), e)).collect();
    ctrack::db::commitments::store(&mut conn, &items, "fixture").await.unwrap();
}

/// What analysts did, with times fixed afterwards so the output is the same every run.
async fn analyst_work(db: &TestDb) {
    for (user, role) in [("vera", Role::Viewer), ("ana", Role::Analyst), ("ada", Role::Admin)] {
        users::add(&db.pool, user, "correct horse battery", role, false).await.unwrap();
    }
    let mut conn = db.pool.acquire().await.unwrap();
    // 1: the action plan was adopted.
    tracking::set_review(&mut conn, 1, db.revision(1).await, "ana", "confirmed", "").await.unwrap();
    tracking::set_status(
        &mut conn,
        1,
        db.revision(1).await,
        "ana",
        "fulfilled",
        "Adopted in December 2008.",
        Some("09DUSHANBE202"),
    )
    .await
    .unwrap();
    // 2: left open; overdue and stale as of 2010-01-01.
    // 3: the Shura Council postponed its vote.
    tracking::set_status(
        &mut conn,
        3,
        db.revision(3).await,
        "ada",
        "stalled",
        "Vote postponed; see *REF A* | next session.",
        Some("09MANAMA404"),
    )
    .await
    .unwrap();
    tracking::add_link(
        &mut conn,
        3,
        db.revision(3).await,
        "ada",
        "09MANAMA404",
        "stalls",
        "",
        "analyst",
    )
    .await
    .unwrap();
    // 4: in progress with recent evidence (not stale) but past its due date (overdue); a
    // corrected actor and a note that look like spreadsheet formulas.
    tracking::set_status(&mut conn, 4, db.revision(4).await, "ana", "in_progress", "=2+2", None)
        .await
        .unwrap();
    tracking::add_link(
        &mut conn,
        4,
        db.revision(4).await,
        "ana",
        "09MANAMA404",
        "follow_up",
        "",
        "analyst",
    )
    .await
    .unwrap();
    let fix = Corrections { actor: Some(HOSTILE_ACTOR.to_string()), ..Default::default() };
    tracking::correct(&mut conn, 4, db.revision(4).await, "ana", &fix, "").await.unwrap();
    // 5: dismissed: left out of every summary.
    tracking::set_review(&mut conn, 5, db.revision(5).await, "ana", "dismissed", "US plan")
        .await
        .unwrap();
    // 6: confirmed, open, no due date; stale.
    tracking::set_review(&mut conn, 6, db.revision(6).await, "ana", "confirmed", "").await.unwrap();
    for sql in [
        "UPDATE commitment_events SET at = '2009-08-01 09:00:00+00'::timestamptz + id * interval '1 hour'",
        "UPDATE commitment_links SET created_at = '2009-08-01 09:30:00+00'::timestamptz + id * interval '1 hour'",
        "UPDATE commitments SET status_changed_at = '2009-08-01 09:00:00+00' WHERE status_changed_at IS NOT NULL",
    ] {
        sqlx::query(sql).execute(&mut *conn).await.unwrap();
    }
}

async fn fixture(name: &str) -> (TestDb, PathBuf) {
    let db = TestDb::new().await;
    let dir = common::tempdir(name);
    write_cables(&dir);
    common::ingest(&db.pool, &dir).await;
    store_hand_made(&db).await;
    analyst_work(&db).await;
    (db, dir)
}

fn request(countries: Countries) -> export::Request {
    export::Request {
        countries,
        scope: Scope { since: None, until: None, as_of: date!(2010 - 01 - 01) },
        base_url: "https://ctrack.example.org".to_string(),
    }
}

async fn export_string(db: &TestDb, format: Format, req: &export::Request) -> String {
    let mut sink = WriteSink(Vec::new());
    export::write(&db.pool, format, req, &mut sink).await.unwrap();
    String::from_utf8(sink.0).unwrap()
}

fn golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(name);
    if std::env::var_os("CTRACK_UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (CTRACK_UPDATE_GOLDEN=1 writes it)", path.display()));
    if expected != actual {
        let line = expected.lines().zip(actual.lines()).position(|(a, b)| a != b);
        panic!(
            "{name} differs from the golden file at line {}:\nexpected: {:?}\nactual:   {:?}\n\
             (CTRACK_UPDATE_GOLDEN=1 rewrites it after an intended change)",
            line.map_or(0, |l| l + 1),
            line.and_then(|l| expected.lines().nth(l)),
            line.and_then(|l| actual.lines().nth(l)),
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn summaries_match_the_golden_files_in_every_format() {
    let (db, _) = fixture("golden").await;
    let all = request(Countries::All);
    for (format, name) in
        [(Format::Csv, "all.csv"), (Format::Json, "all.json"), (Format::Markdown, "all.md")]
    {
        golden(name, &export_string(&db, format, &all).await);
    }
    let ti = request(Countries::One("TI".into()));
    golden("TI.md", &export_string(&db, Format::Markdown, &ti).await);
    db.drop_db().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn csv_reads_back_with_flags_first_and_no_formula_cells() {
    let (db, _) = fixture("csv").await;
    let text = export_string(&db, Format::Csv, &request(Countries::All)).await;
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    // Six commitments, one dismissed.
    assert_eq!(rows.len(), 5);
    assert!(rows.iter().all(|r| r.len() == header.len()));
    let ids: Vec<&str> = rows.iter().map(|r| &r[col("commitment_id")]).collect();
    assert!(!ids.contains(&"5"), "the dismissed extraction is left out: {ids:?}");
    // Countries in code order; in each, overdue first, then stale, then the rest.
    let order: Vec<(&str, &str)> =
        rows.iter().map(|r| (&r[col("country")], &r[col("commitment_id")])).collect();
    assert_eq!(order, [("BA", "4"), ("BA", "3"), ("IC", "6"), ("TI", "2"), ("TI", "1")]);
    let by_id = |id: &str| rows.iter().find(|r| &r[col("commitment_id")] == id).unwrap();
    let r4 = by_id("4");
    assert_eq!(&r4[col("overdue")], "yes");
    assert_eq!(&r4[col("stale")], "no", "evidence from 2009-07 is within 12 months");
    assert_eq!(&r4[col("sentence")], format!("'{HOSTILE_CELL}"));
    assert_eq!(&r4[col("actor")], format!("'{HOSTILE_ACTOR}"));
    assert_eq!(&r4[col("status_note")], "'=2+2");
    assert_eq!(&r4[col("latest_evidence_cable")], "09MANAMA404");
    let r1 = by_id("1");
    assert_eq!(&r1[col("status")], "fulfilled");
    assert_eq!(&r1[col("status_changed_by")], "ana");
    assert_eq!(&r1[col("status_note")], "Adopted in December 2008.");
    assert_eq!(&r1[col("permalink")], "https://ctrack.example.org/commitments/1");
    assert_eq!(&r1[col("cable_id")], "08DUSHANBE101");
    assert_eq!(&r1[col("latest_evidence_cable")], "09DUSHANBE202");
    let r2 = by_id("2");
    assert_eq!((&r2[col("overdue")], &r2[col("stale")]), ("yes", "yes"));
    assert_eq!(&r2[col("review")], "proposed");
    // No cell anywhere would run as a formula.
    for r in &rows {
        for cell in r.iter() {
            assert!(!cell.starts_with(['=', '+', '-', '@']), "{cell:?}");
        }
    }
    db.drop_db().await;
}

/// The stale flag compares a kept "newest evidence" date; a re-ingest that changes an
/// evidence cable's date must move it on every commitment that cable is evidence for (a
/// link, a status change citing it).
#[tokio::test(flavor = "multi_thread")]
async fn a_reingested_evidence_cable_moves_the_newest_evidence_date() {
    let (db, dir) = fixture("redate").await;
    let evidence_of = async |id: i64| -> Option<time::OffsetDateTime> {
        sqlx::query_scalar("SELECT last_evidence_at FROM commitments WHERE id = $1")
            .bind(id)
            .fetch_one(&db.pool)
            .await
            .unwrap()
    };
    let cable_date = async || -> time::OffsetDateTime {
        sqlx::query_scalar("SELECT sent_at FROM cables WHERE id = '09MANAMA404'")
            .fetch_one(&db.pool)
            .await
            .unwrap()
    };
    let before = cable_date().await;
    // 3 cites it in a status change and links it; 4 links it; 1's evidence is another cable.
    assert_eq!(evidence_of(3).await, Some(before));
    assert_eq!(evidence_of(4).await, Some(before));
    let other = evidence_of(1).await;

    let file = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("MANAMA404"))
        .unwrap();
    let redated = cable(
        9,
        "MANAMA",
        404,
        20,
        "BA",
        &["The Shura Council postponed its vote on the anti-trafficking law."],
    );
    std::fs::write(&file, redated).unwrap();
    common::ingest(&db.pool, &dir).await;

    let after = cable_date().await;
    assert_ne!(after, before, "the fixture's re-dated cable was stored");
    assert_eq!(evidence_of(3).await, Some(after));
    assert_eq!(evidence_of(4).await, Some(after));
    assert_eq!(evidence_of(1).await, other);
    db.drop_db().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn json_follows_its_schema_and_counts_agree_with_the_rows() {
    let (db, _) = fixture("json").await;
    let schema: serde_json::Value = serde_json::from_str(export::SCHEMA).unwrap();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.add_resource("https://ctrack.invalid/export-schema.json", schema).unwrap();
    let index =
        compiler.compile("https://ctrack.invalid/export-schema.json", &mut schemas).unwrap();
    for countries in [Countries::All, Countries::One("TI".into()), Countries::One("NO".into())] {
        let text = export_string(&db, Format::Json, &request(countries.clone())).await;
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        if let Err(e) = schemas.validate(&doc, index) {
            panic!("{countries:?} does not follow the schema: {e:#}");
        }
        for summary in doc["summaries"].as_array().unwrap() {
            let rows = summary["commitments"].as_array().unwrap();
            let counts = &summary["counts"];
            assert_eq!(counts["total"], rows.len());
            let n = |flag: &str| rows.iter().filter(|r| r[flag] == true).count();
            assert_eq!(counts["overdue"], n("overdue"));
            assert_eq!(counts["stale"], n("stale"));
            assert_eq!(counts["unreviewed"], n("unreviewed"));
            let by_status: i64 = counts["by_status"]
                .as_object()
                .unwrap()
                .values()
                .map(|v| v.as_i64().unwrap())
                .sum();
            assert_eq!(by_status, rows.len() as i64);
        }
    }
    // A broken document is caught: the schema is not a formality.
    let mut bad: serde_json::Value = serde_json::from_str(
        &export_string(&db, Format::Json, &request(Countries::One("TI".into()))).await,
    )
    .unwrap();
    bad["summaries"][0]["commitments"][0]["status"] = "done".into();
    assert!(schemas.validate(&bad, index).is_err());
    db.drop_db().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_country_without_commitments_gets_an_empty_summary() {
    let (db, _) = fixture("empty").await;
    let no = request(Countries::One("NO".into()));
    let json: serde_json::Value =
        serde_json::from_str(&export_string(&db, Format::Json, &no).await).unwrap();
    let summary = &json["summaries"][0];
    assert_eq!(summary["country"]["name"], "Norway");
    assert_eq!(summary["counts"]["total"], 0);
    assert_eq!(summary["commitments"].as_array().unwrap().len(), 0);
    let md = export_string(&db, Format::Markdown, &no).await;
    assert!(md.starts_with("# Norway (NO)\n"), "{md}");
    assert!(md.contains("0 commitments"), "{md}");
    let csv = export_string(&db, Format::Csv, &no).await;
    assert_eq!(csv.lines().count(), 1, "only the header: {csv}");
    // And the date range narrows what is counted.
    let mut later = request(Countries::One("TI".into()));
    later.scope.since = Some(date!(2009 - 01 - 01));
    let json: serde_json::Value =
        serde_json::from_str(&export_string(&db, Format::Json, &later).await).unwrap();
    assert_eq!(json["summaries"][0]["counts"]["total"], 0, "TI's commitments are from 2008");
    let mut none = request(Countries::All);
    none.scope.since = Some(date!(2009 - 01 - 01));
    let md = export_string(&db, Format::Markdown, &none).await;
    assert!(md.ends_with("No commitments in scope.\n"), "{md}");
    let json: serde_json::Value =
        serde_json::from_str(&export_string(&db, Format::Json, &none).await).unwrap();
    assert_eq!(json["summaries"].as_array().unwrap().len(), 0);
    db.drop_db().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn downloads_need_a_login_and_every_role_may_export() {
    let (db, _) = fixture("web").await;
    let mut state = ctrack::web::AppState::new(db.pool.clone());
    state.base_url = "https://ctrack.example.org".into();
    let app = ctrack::web::app(state);
    let paths = [
        "/countries/TI/export/csv?as_of=2010-01-01",
        "/countries/all/export/json?as_of=2010-01-01",
        "/countries/BA/export/md?as_of=2010-01-01",
        "/countries/TI/summary?as_of=2010-01-01",
    ];
    for path in paths {
        let (status, headers, _) = get(&app, path, "").await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{path}");
        assert!(headers[header::LOCATION].to_str().unwrap().starts_with("/login"), "{path}");
    }
    let viewer = session(&db, "vera").await.cookie;
    let (status, headers, body) = get(&app, paths[0], &viewer).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    assert_eq!(
        headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"ctrack-TI-2010-01-01.csv\""
    );
    let cli = export_string(&db, Format::Csv, &request(Countries::One("TI".into()))).await;
    assert_eq!(body, cli, "the download is what `ctrack export` writes");
    let (status, _, body) = get(&app, paths[1], &viewer).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, export_string(&db, Format::Json, &request(Countries::All)).await);
    let (status, headers, body) = get(&app, paths[2], &viewer).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "text/markdown; charset=utf-8");
    assert!(body.starts_with("# Bahrain (BA)"), "{body}");
    let (status, _, page) = get(&app, "/countries/TI", &viewer).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<title>Tajikistan · ctrack</title>"), "{page}");
    assert_eq!(page.matches("/countries/TI/export/csv").count(), 1, "{page}");
    let (status, _, page) = get(&app, paths[3], &viewer).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Overdue and stale (1)"), "{page}");
    assert!(page.contains("Adopted in December 2008."));
    assert!(page.contains("https://ctrack.example.org/commitments/2"));
    let (status, _, page) = get(&app, "/countries/BA/summary?as_of=2010-01-01", &viewer).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Vote postponed; see *REF A* | next session."));
    assert!(page.contains("=HYPERLINK("));
    assert!(!page.contains(HOSTILE_CELL), "quotes in cable text are escaped");
    for (path, expected) in [
        ("/countries/TI/export/xlsx", StatusCode::NOT_FOUND),
        ("/countries/XQ/export/csv", StatusCode::NOT_FOUND),
        ("/countries/TI/export/csv?since=yesterday", StatusCode::BAD_REQUEST),
        ("/countries/TI/summary?as_of=2010-13-01", StatusCode::BAD_REQUEST),
        ("/countries/all/summary", StatusCode::NOT_FOUND),
    ] {
        assert_eq!(get(&app, path, &viewer).await.0, expected, "{path}");
    }
    let (status, headers, schema) = get(&app, "/static/export-schema.json", &viewer).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/schema+json");
    assert_eq!(schema, export::SCHEMA);
    db.drop_db().await;
}

/// A summary with this database's IDs taken out, to compare two databases.
async fn comparable_summary(db: &TestDb) -> serde_json::Value {
    let mut doc: serde_json::Value =
        serde_json::from_str(&export_string(db, Format::Json, &request(Countries::All)).await)
            .unwrap();
    for summary in doc["summaries"].as_array_mut().unwrap() {
        let rows = summary["commitments"].as_array_mut().unwrap();
        for row in rows.iter_mut() {
            let row = row.as_object_mut().unwrap();
            row.remove("id");
            row.remove("permalink");
        }
        rows.sort_by_key(|r| r.to_string());
    }
    doc
}

/// A backup as JSON, without the moment it was made.
fn comparable_backup(backup: &ctrack::backup::Backup) -> serde_json::Value {
    let mut v = serde_json::to_value(backup).unwrap();
    v.as_object_mut().unwrap().remove("created_at");
    v
}

#[tokio::test(flavor = "multi_thread")]
async fn a_backup_restored_into_a_freshly_ingested_database_loses_nothing() {
    let (db, dir) = fixture("backup").await;
    let backup = ctrack::backup::collect(&db.pool, false).await.unwrap();
    assert_eq!(backup.commitments.len(), 5, "every commitment an analyst touched");
    assert!(backup.users.iter().all(|u| u.password_hash.is_none()), "no secrets by default");
    let file = common::tempdir("backup-file").join("backup.json");
    std::fs::write(&file, serde_json::to_vec_pretty(&backup).unwrap()).unwrap();

    // A new database from the same cable files, where the extractor no longer finds the
    // Icelandic police commitment (6).
    let fresh = TestDb::new().await;
    common::ingest(&fresh.pool, &dir).await;
    store_hand_made(&fresh).await;
    sqlx::query("DELETE FROM commitments WHERE sentence LIKE 'The police will train%'")
        .execute(&fresh.pool)
        .await
        .unwrap();
    let read = ctrack::backup::read(&file).unwrap();
    let restored = ctrack::backup::restore(&fresh.pool, &file, &read).await.unwrap();
    assert_eq!((restored.matched, restored.recreated), (4, 1), "{restored}");
    assert_eq!(restored.users, 3);
    assert_eq!(restored.without_password.len(), 3);

    let again = ctrack::backup::collect(&fresh.pool, false).await.unwrap();
    let mut expected = comparable_backup(&backup);
    // The one put back is marked as no longer extracted; all else is as it was.
    for c in expected["commitments"].as_array_mut().unwrap() {
        if c["sentence"].as_str().unwrap().starts_with("The police will train") {
            c["extracted"] = false.into();
        }
    }
    assert_eq!(comparable_backup(&again), expected);
    assert_eq!(comparable_summary(&fresh).await, comparable_summary(&db).await);

    // Restoring the same file again adds nothing.
    let twice = ctrack::backup::restore(&fresh.pool, &file, &read).await.unwrap();
    assert_eq!((twice.events, twice.links, twice.users, twice.recreated), (0, 0, 0, 0));
    assert_eq!(
        comparable_backup(&ctrack::backup::collect(&fresh.pool, false).await.unwrap()),
        expected
    );

    // Without secrets, a restored user cannot sign in until given a password.
    let (_, hash) = users::credentials(&fresh.pool, "ana").await.unwrap().unwrap();
    assert!(!users::verify_password("correct horse battery", Some(&hash)));
    fresh.drop_db().await;
    db.drop_db().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_restore_that_cannot_be_complete_changes_nothing() {
    let (db, dir) = fixture("partial").await;
    let with_secrets = ctrack::backup::collect(&db.pool, true).await.unwrap();
    let file = common::tempdir("partial-file").join("secrets.json");
    std::fs::write(&file, serde_json::to_vec(&with_secrets).unwrap()).unwrap();

    // Only the Tajik cables are stored: the backup names Bahraini and Icelandic ones.
    let partial = TestDb::new().await;
    let only_ti = common::tempdir("partial-ti");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().unwrap().to_str().unwrap().contains("DUSHANBE") {
            std::fs::copy(&path, only_ti.join(path.file_name().unwrap())).unwrap();
        }
    }
    common::ingest(&partial.pool, &only_ti).await;
    let read = ctrack::backup::read(&file).unwrap();
    let err = ctrack::backup::restore(&partial.pool, &file, &read).await.unwrap_err().to_string();
    assert!(err.contains("secrets.json"), "{err}");
    assert!(err.contains("08MANAMA303") && err.contains("09MANAMA404"), "{err}");
    assert!(err.contains("nothing was changed"), "{err}");
    let events: i64 = sqlx::query_scalar("SELECT count(*) FROM commitment_events")
        .fetch_one(&partial.pool)
        .await
        .unwrap();
    let users: i64 =
        sqlx::query_scalar("SELECT count(*) FROM users").fetch_one(&partial.pool).await.unwrap();
    assert_eq!((events, users), (0, 0));

    // With the cables in, a backup with secrets lets users sign in as before.
    common::ingest(&partial.pool, &dir).await;
    ctrack::backup::restore(&partial.pool, &file, &read).await.unwrap();
    let (_, hash) = users::credentials(&partial.pool, "ana").await.unwrap().unwrap();
    assert!(users::verify_password("correct horse battery", Some(&hash)));

    // A file that is not a backup is named with the reason.
    let bogus = file.with_file_name("bogus.json");
    std::fs::write(&bogus, "{\"format\": \"something else\"}").unwrap();
    let err = ctrack::backup::read(&bogus).unwrap_err().to_string();
    assert!(err.starts_with(&bogus.display().to_string()), "{err}");
    partial.drop_db().await;
    db.drop_db().await;
}
