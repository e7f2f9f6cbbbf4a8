//! Follow-up suggestions end to end on synthetic cables: computed on ingest whichever cable
//! comes first, shown on the commitment page with their reasons, accepted (a link, and the
//! status if the analyst asks) or dismissed (and never proposed again), and printed by
//! `ctrack suggest`.

mod common;

use axum::http::StatusCode;
use common::db::TestDb;
use common::web::{get, post, session};
use ctrack::db::users::{self, Role};

const PROMISE: &str = "Deputy Minister Saidov said the government will adopt the national anti-trafficking action plan by December 2008.";
const DONE: &str =
    "On December 12 the government adopted the national anti-trafficking action plan, as promised.";

/// The promise (July 2008) and the later cable that reports it done (July 2009, citing the
/// first as its reference), both synthetic.
fn cables(done: &str) -> [(String, String); 2] {
    let first =
        common::synth::cable(8, "DUSHANBE", 101, 3, "SYNTHETIC: ACTION PLAN PROMISED", &[PROMISE])
            .replace("TAGS: PREL PHUM XX", "TAGS: PREL PHUM KTIP TI");
    let later =
        common::synth::cable(9, "DUSHANBE", 202, 10, "SYNTHETIC: ACTION PLAN ADOPTED", &[done])
            .replace("TAGS: PREL PHUM XX", "TAGS: PREL PHUM KTIP TI")
            .replace("REF: STATE 1234", "REF: 08 DUSHANBE 101");
    [("08DUSHANBE101.txt".into(), first), ("09DUSHANBE202.txt".into(), later)]
}

async fn promise_id(db: &TestDb) -> i64 {
    sqlx::query_scalar("SELECT id FROM commitments WHERE sentence LIKE 'Deputy Minister Saidov%'")
        .fetch_one(&db.pool)
        .await
        .expect("the synthetic promise is extracted")
}

/// Ingests the two cables one at a time, in the given order.
async fn ingest_in_order(db: &TestDb, name: &str, later_first: bool) {
    let d = common::tempdir(name);
    let mut files = cables(DONE).to_vec();
    if later_first {
        files.reverse();
    }
    for (file, text) in files {
        let path = d.join(file);
        std::fs::write(&path, text).unwrap();
        common::ingest(&db.pool, &path).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_order_of_ingestion_does_not_matter() {
    for later_first in [false, true] {
        let db = TestDb::new().await;
        ingest_in_order(&db, &format!("order-{later_first}"), later_first).await;
        let id = promise_id(&db).await;
        let s = ctrack::db::follow::list(&db.pool, &[id]).await.unwrap();
        assert_eq!(s.len(), 1, "later first: {later_first}: {s:?}");
        assert_eq!(s[0].cable_id, "09DUSHANBE202");
        assert_eq!(s[0].kind, "fulfils");
        let reasons = &s[0].reasons.0;
        assert!(reasons.iter().any(|r| r == "cites 08DUSHANBE101 as its reference"), "{reasons:?}");
        assert!(reasons.iter().any(|r| r.starts_with("mentions ")), "{reasons:?}");
        assert!(
            reasons.iter().any(|r| r.starts_with("reports it done: “On December 12")),
            "{reasons:?}"
        );
        db.drop_db().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn analysts_accept_or_dismiss_suggestions_and_a_dismissal_sticks() {
    let db = TestDb::new().await;
    ingest_in_order(&db, "web", false).await;
    for (user, role) in [("vera", Role::Viewer), ("ana", Role::Analyst)] {
        users::add(&db.pool, user, "correct horse battery", role, false).await.unwrap();
    }
    let app = ctrack::web::app(ctrack::web::AppState::new(db.pool.clone()));
    let id = promise_id(&db).await;
    let page = format!("/commitments/{id}");
    let viewer = session(&db, "vera").await;
    let (status, _, body) = get(&app, &page, &viewer.cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Suggested follow-ups"));
    assert!(body.contains("09DUSHANBE202"));
    assert!(body.contains("cites 08DUSHANBE101 as its reference"));
    assert!(!body.contains("/suggestions/accept"), "viewers get no forms");
    // Open since 2008 with no evidence since: stale, on its page and in the list.
    assert!(body.contains("stale: no evidence in 12 months"));
    let (_, _, list) = get(&app, "/commitments?country=TI", &viewer.cookie).await;
    assert!(list.contains(">stale</span>"), "{list}");
    let form = [("csrf", viewer.csrf.as_str()), ("revision", "0"), ("cable", "09DUSHANBE202")];
    let (status, _, _) =
        post(&app, &format!("{page}/suggestions/accept"), &viewer.cookie, &form).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let analyst = session(&db, "ana").await;
    // A second follow-up cable: dismissed, it stays dismissed when the commitment's
    // suggestions are recomputed on re-ingest.
    let d = common::tempdir("web-third");
    let third = common::synth::cable(10, "DUSHANBE", 303, 1, "SYNTHETIC: ACTION PLAN REVIEW", &[
        "Officials said the national anti-trafficking action plan was adopted and is being carried out.",
    ])
    .replace("TAGS: PREL PHUM XX", "TAGS: PREL PHUM KTIP TI")
    .replace("REF: STATE 1234", "REF: 08 DUSHANBE 101");
    std::fs::write(d.join("10DUSHANBE303.txt"), &third).unwrap();
    common::ingest(&db.pool, &d).await;
    let (_, _, body) = get(&app, &page, &analyst.cookie).await;
    assert!(body.contains("10DUSHANBE303"), "the new cable is proposed");
    let dismiss = [("csrf", analyst.csrf.as_str()), ("cable", "10DUSHANBE303")];
    let (status, _, _) =
        post(&app, &format!("{page}/suggestions/dismiss"), &analyst.cookie, &dismiss).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    std::fs::write(d.join("10DUSHANBE303.txt"), third.replace("carried out", "carried out well"))
        .unwrap();
    let report = common::ingest(&db.pool, &d).await;
    assert_eq!(report.updated, 1, "{report}");
    let listed = ctrack::db::follow::list(&db.pool, &[id]).await.unwrap();
    assert!(!listed.iter().any(|s| s.cable_id == "10DUSHANBE303"), "{listed:?}");
    let state: String = sqlx::query_scalar(
        "SELECT state FROM suggestions WHERE commitment_id = $1 AND cable_id = '10DUSHANBE303'",
    )
    .bind(id)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(state, "dismissed");
    let (_, _, body) = get(&app, &page, &analyst.cookie).await;
    assert!(!body.contains("/cables/10DUSHANBE303\""), "not shown again");

    // The first one accepted: a link, and the status the analyst asked for.
    let (_, _, body) = get(&app, &page, &analyst.cookie).await;
    assert!(body.contains("and mark fulfilled"));
    let forged = [("csrf", "forged"), ("revision", "0"), ("cable", "09DUSHANBE202")];
    let (status, _, _) =
        post(&app, &format!("{page}/suggestions/accept"), &analyst.cookie, &forged).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let accept = [
        ("csrf", analyst.csrf.as_str()),
        ("revision", "0"),
        ("cable", "09DUSHANBE202"),
        ("set_status", "1"),
    ];
    let (status, _, body) =
        post(&app, &format!("{page}/suggestions/accept"), &analyst.cookie, &accept).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let (status, kind, origin): (String, String, String) = sqlx::query_as(
        "SELECT c.status, l.kind, l.origin FROM commitments c
         JOIN commitment_links l ON l.commitment_id = c.id WHERE c.id = $1",
    )
    .bind(id)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(
        (status.as_str(), kind.as_str(), origin.as_str()),
        ("fulfilled", "fulfils", "suggestion")
    );
    let evidence: Option<String> = sqlx::query_scalar(
        "SELECT evidence_cable_id FROM commitment_events WHERE commitment_id = $1 AND kind = 'status'",
    )
    .bind(id)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(evidence.as_deref(), Some("09DUSHANBE202"));
    let (_, _, body) = get(&app, &page, &analyst.cookie).await;
    assert!(!body.contains("stale: no evidence"), "fulfilled is not stale");
    // Accepting twice is refused, with the page and the reason.
    let (status, _, body) =
        post(&app, &format!("{page}/suggestions/accept"), &analyst.cookie, &accept).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("no open suggestion"), "{body}");

    db.drop_db().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn ctrack_suggest_prints_one_json_object_per_commitment() {
    let db = TestDb::new().await;
    ingest_in_order(&db, "cli", true).await;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ctrack"))
        .args(["suggest", "--cable", "08DUSHANBE101", "--json"])
        .env("DATABASE_URL", &db.url)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1);
    let line = &lines[0];
    assert_eq!(line["cable_id"], "08DUSHANBE101");
    assert_eq!(line["sentence"], PROMISE);
    assert!(line["commitment_id"].as_i64().unwrap() > 0);
    let best = &line["candidates"][0];
    assert_eq!(best["cable_id"], "09DUSHANBE202");
    assert_eq!(best["kind"], "fulfils");
    assert!(best["score"].as_f64().unwrap() > 0.0);
    assert!(best["reasons"].as_array().unwrap().len() >= 2);

    let missing = std::process::Command::new(env!("CARGO_BIN_EXE_ctrack"))
        .args(["suggest", "--cable", "99NOWHERE1", "--json"])
        .env("DATABASE_URL", &db.url)
        .output()
        .unwrap();
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no cable 99NOWHERE1 is stored"));
    db.drop_db().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn suggest_all_computes_what_a_load_without_suggestions_skipped() {
    let db = TestDb::new().await;
    let d = common::tempdir("backfill");
    for (file, text) in cables(DONE) {
        std::fs::write(d.join(file), text).unwrap();
    }
    let opts = ctrack::ingest::Options {
        paths: vec![d.clone()],
        progress: ctrack::ingest::Progress::Quiet,
        suggest: false,
        ..Default::default()
    };
    let report = ctrack::ingest::run(Some(&db.pool), &opts).await.unwrap();
    assert!(report.failed.is_empty() && report.suggested.is_none(), "{report}");
    let id = promise_id(&db).await;
    assert!(ctrack::db::follow::list(&db.pool, &[id]).await.unwrap().is_empty());

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ctrack"))
        .args(["suggest", "--all"])
        .env("DATABASE_URL", &db.url)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.starts_with("suggestions: 1 for "), "{stdout}");
    let s = ctrack::db::follow::list(&db.pool, &[id]).await.unwrap();
    assert_eq!(s.len(), 1, "{s:?}");
    assert_eq!((s[0].cable_id.as_str(), s[0].kind.as_str()), ("09DUSHANBE202", "fulfils"));

    // --cable and --all together make no sense.
    let both = std::process::Command::new(env!("CARGO_BIN_EXE_ctrack"))
        .args(["suggest", "--all", "--cable", "08DUSHANBE101"])
        .env("DATABASE_URL", &db.url)
        .output()
        .unwrap();
    assert!(!both.status.success());
    db.drop_db().await;
}
