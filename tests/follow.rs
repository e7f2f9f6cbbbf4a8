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

/// Runs the ctrack binary against the test's database.
fn run_ctrack(db: &TestDb, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_ctrack"))
        .args(args)
        .env("DATABASE_URL", &db.url)
        .output()
        .unwrap()
}

async fn promise_id(db: &TestDb) -> i64 {
    sqlx::query_scalar(
        "SELECT id FROM commitments WHERE sentence LIKE 'Deputy Minister Saidov said%'",
    )
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
    assert!(body.contains("cites 08DUSHANBE101 as its reference"), "{body}");
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

    // The page reads all of this in one query; it must say what the separate ones say.
    let extras = ctrack::db::tracking::page_extras(&db.pool, id).await.unwrap().unwrap();
    let t = &ctrack::db::tracking::cable(&db.pool, "08DUSHANBE101").await.unwrap().unwrap();
    let events = ctrack::db::tracking::events(&db.pool, id).await.unwrap();
    let links = ctrack::db::tracking::links(&db.pool, id).await.unwrap();
    let listed = ctrack::db::follow::list(&db.pool, &[id]).await.unwrap();
    assert!(events.len() >= 2 && links.len() == 1 && !listed.is_empty());
    assert_eq!(format!("{:?}", extras.cable), format!("{t:?}"));
    assert_eq!(format!("{:?}", extras.events), format!("{events:?}"));
    assert_eq!(format!("{:?}", extras.links), format!("{links:?}"));
    assert_eq!(format!("{:?}", extras.suggestions), format!("{listed:?}"));
    assert!(ctrack::db::tracking::page_extras(&db.pool, id + 1000).await.unwrap().is_none());

    // Open again, it is stale again; a linked cable from the last 12 months clears that,
    // and removing the link brings it back (the newest evidence date is kept by triggers).
    let stale = |id: i64| {
        let pool = db.pool.clone();
        async move { ctrack::db::tracking::commitment(&pool, id).await.unwrap().unwrap().stale }
    };
    sqlx::query("UPDATE commitments SET status = 'open' WHERE id = $1")
        .bind(id)
        .execute(&db.pool)
        .await
        .unwrap();
    assert!(stale(id).await);
    let recent_year = (time::OffsetDateTime::now_utc().year() % 100) as u32;
    let month_ago = time::OffsetDateTime::now_utc() - time::Duration::days(40);
    let recent = common::synth::cable(
        recent_year,
        "DUSHANBE",
        909,
        month_ago.day().into(),
        "SYNTHETIC: RECENT",
        &["The embassy met officials."],
    )
    .replace(" JUL ", &format!(" {} ", month_ago.month().to_string()[..3].to_ascii_uppercase()));
    let d = common::tempdir("recent");
    let recent_id = format!("{recent_year:02}DUSHANBE909");
    std::fs::write(d.join(format!("{recent_id}.txt")), recent).unwrap();
    common::ingest(&db.pool, &d).await;
    let revision = db.revision(id).await;
    let mut conn = db.pool.acquire().await.unwrap();
    ctrack::db::tracking::add_link(
        &mut conn,
        id,
        revision,
        "ana",
        &recent_id,
        "follow_up",
        "",
        "analyst",
    )
    .await
    .unwrap();
    drop(conn);
    assert!(!stale(id).await, "evidence from {month_ago} is recent");
    // The cable removed, its link goes and the history's reference to it is cleared: no
    // recent evidence is left.
    sqlx::query("DELETE FROM cables WHERE id = $1")
        .bind(&recent_id)
        .execute(&db.pool)
        .await
        .unwrap();
    assert!(stale(id).await, "no recent evidence left");

    db.drop_db().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn ctrack_suggest_prints_one_json_object_per_commitment() {
    let db = TestDb::new().await;
    ingest_in_order(&db, "cli", true).await;
    let out = run_ctrack(&db, &["suggest", "--cable", "08DUSHANBE101", "--json"]);
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

    let missing = run_ctrack(&db, &["suggest", "--cable", "99NOWHERE1", "--json"]);
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

    let out = run_ctrack(&db, &["suggest", "--all"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.starts_with("suggestions: 1 for "), "{stdout}");
    let s = ctrack::db::follow::list(&db.pool, &[id]).await.unwrap();
    assert_eq!(s.len(), 1, "{s:?}");
    assert_eq!((s[0].cable_id.as_str(), s[0].kind.as_str()), ("09DUSHANBE202", "fulfils"));

    // --cable and --all together make no sense.
    let both = run_ctrack(&db, &["suggest", "--all", "--cable", "08DUSHANBE101"]);
    assert!(!both.status.success());
    db.drop_db().await;
}

const AGAIN: &str = "Deputy Minister Saidov told PolOff that the government will adopt the national anti-trafficking action plan by December 2008.";

/// A later cable (October 2008, no reference to the first) that makes the promise again.
fn repeat_cable() -> (String, String) {
    let text =
        common::synth::cable(8, "DUSHANBE", 303, 20, "SYNTHETIC: ACTION PLAN AGAIN", &[AGAIN])
            .replace("TAGS: PREL PHUM XX", "TAGS: PREL PHUM KTIP TI")
            .replace(" JUL 08", " OCT 08");
    ("08DUSHANBE303.txt".into(), text)
}

async fn count_ti(db: &TestDb) -> i64 {
    let per_status = ctrack::db::tracking::country_summary(&db.pool, "TI").await.unwrap();
    per_status.iter().map(|(_, n, _)| n).sum()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_promise_made_again_is_grouped_under_its_first_mention_and_counted_once() {
    for later_first in [false, true] {
        let db = TestDb::new().await;
        let d = common::tempdir(&format!("repeat-{later_first}"));
        let mut files = vec![cables(DONE)[0].clone(), repeat_cable()];
        if later_first {
            files.reverse();
        }
        for (file, text) in files {
            std::fs::write(d.join(&file), text).unwrap();
            common::ingest(&db.pool, &d.join(&file)).await;
        }
        let first = promise_id(&db).await;
        let (later, repeat_of): (i64, Option<i64>) = sqlx::query_as(
            "SELECT id, repeat_of FROM commitments WHERE cable_id = '08DUSHANBE303'",
        )
        .fetch_one(&db.pool)
        .await
        .expect("the repeated promise is extracted");
        assert_eq!(repeat_of, Some(first), "later first: {later_first}");
        // The first mention links the later cable as `reiterates`, as the engine's work.
        let links = ctrack::db::tracking::links(&db.pool, first).await.unwrap();
        assert_eq!(links.len(), 1, "{links:?}");
        assert_eq!(
            (links[0].cable_id.as_str(), links[0].kind.as_str()),
            ("08DUSHANBE303", "reiterates")
        );
        assert_eq!(links[0].username, "ctrack");
        let events = ctrack::db::tracking::events(&db.pool, first).await.unwrap();
        assert!(events.iter().any(|e| e.kind == "link" && e.username == "ctrack"), "{events:?}");
        // Counted once: on the country page, in the export, on the dashboard.
        assert_eq!(count_ti(&db).await, 1);
        let scope = ctrack::db::export::Scope {
            since: None,
            until: None,
            as_of: time::macros::date!(2026 - 01 - 01),
        };
        let counts = ctrack::db::export::counts(&db.pool, "TI", &scope).await.unwrap();
        assert_eq!(counts.iter().map(|c| c.n).sum::<i64>(), 1);
        let chart = ctrack::db::tracking::country_status_counts(&db.pool).await.unwrap();
        assert_eq!(chart.iter().map(|c| c.2).sum::<i64>(), 1);
        // The later one says where it is tracked.
        let c = ctrack::db::tracking::commitment(&db.pool, later).await.unwrap().unwrap();
        assert_eq!(c.repeat_of, Some(first));
        users::add(&db.pool, "vera", "correct horse battery", Role::Viewer, false).await.unwrap();
        let app = ctrack::web::app(ctrack::web::AppState::new(db.pool.clone()));
        let viewer = session(&db, "vera").await;
        let (status, _, body) = get(&app, &format!("/commitments/{later}"), &viewer.cookie).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains(&format!("<a href=\"/commitments/{first}\">commitment {first}</a>")));
        // The list shows both, or with "hide repeats" only the first mention.
        let (_, _, all) = get(&app, "/commitments?country=TI", &viewer.cookie).await;
        let (_, _, firsts) = get(&app, "/commitments?country=TI&firsts=1", &viewer.cookie).await;
        let row = |id: i64| format!("<a href=\"/commitments/{id}\">");
        assert!(all.contains(&row(first)) && all.contains(&row(later)));
        assert!(firsts.contains(&row(first)) && !firsts.contains(&row(later)), "{firsts}");
        assert!(firsts.contains("name=\"firsts\" value=\"1\" checked"));

        if !later_first {
            // An analyst who removes the link ungroups them for good.
            let revision = db.revision(first).await;
            let mut conn = db.pool.acquire().await.unwrap();
            ctrack::db::tracking::remove_link(&mut conn, first, revision, "ana", links[0].id)
                .await
                .unwrap();
            drop(conn);
            assert_eq!(count_ti(&db).await, 2);
            let out = run_ctrack(&db, &["suggest", "--all"]);
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            let again: Option<i64> =
                sqlx::query_scalar("SELECT repeat_of FROM commitments WHERE id = $1")
                    .bind(later)
                    .fetch_one(&db.pool)
                    .await
                    .unwrap();
            assert_eq!(again, None, "recomputing does not group them again");
            assert!(ctrack::db::tracking::links(&db.pool, first).await.unwrap().is_empty());
        }
        db.drop_db().await;
    }
}

/// The commitment the repeat cable's commitment is grouped under, if any.
async fn grouped_under(db: &TestDb) -> Option<i64> {
    sqlx::query_scalar("SELECT repeat_of FROM commitments WHERE cable_id = '08DUSHANBE303'")
        .fetch_one(&db.pool)
        .await
        .unwrap()
}

/// The promise's suggestions someone decided: cable, state, who.
async fn decided(db: &TestDb) -> Vec<(String, String, Option<String>)> {
    sqlx::query_as(
        "SELECT cable_id, state, decided_by FROM suggestions
         WHERE commitment_id = (SELECT id FROM commitments
                                WHERE sentence LIKE 'Deputy Minister Saidov said%')
           AND state <> 'open' ORDER BY cable_id",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap()
}

/// The analyst's ungrouping holds: the repeat is not grouped, and no grouping link is left.
async fn check_ungrouped(db: &TestDb) {
    assert_eq!(grouped_under(db).await, None, "the analyst's ungrouping is restored");
    let first = promise_id(db).await;
    let links = ctrack::db::tracking::links(&db.pool, first).await.unwrap();
    assert!(links.iter().all(|l| l.cable_id != "08DUSHANBE303"), "{links:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn decisions_on_suggestions_survive_a_backup_and_restore() {
    // The promise, the same promise made again, and the cable that reports it done.
    let db = TestDb::new().await;
    let d = common::tempdir("decisions-backup");
    let files = vec![cables(DONE)[0].clone(), repeat_cable(), cables(DONE)[1].clone()];
    for (file, text) in &files {
        std::fs::write(d.join(file), text).unwrap();
    }
    common::ingest(&db.pool, &d).await;
    let first = promise_id(&db).await;
    assert_eq!(grouped_under(&db).await, Some(first), "the engine groups the repeat");

    // An analyst ungroups the repeat and dismisses the suggested follow-up.
    let links = ctrack::db::tracking::links(&db.pool, first).await.unwrap();
    let repeat = links.iter().find(|l| l.cable_id == "08DUSHANBE303").expect("the grouping link");
    let revision = db.revision(first).await;
    let mut conn = db.pool.acquire().await.unwrap();
    ctrack::db::tracking::remove_link(&mut conn, first, revision, "ana", repeat.id).await.unwrap();
    ctrack::db::tracking::dismiss_suggestion(&mut conn, first, "ana", "09DUSHANBE202")
        .await
        .unwrap();
    drop(conn);
    let before = decided(&db).await;
    assert_eq!(
        before.iter().map(|(c, s, _)| (c.as_str(), s.as_str())).collect::<Vec<_>>(),
        [("08DUSHANBE303", "dismissed"), ("09DUSHANBE202", "dismissed")]
    );
    let backup = ctrack::backup::collect(&db.pool, false).await.unwrap();
    let file = common::tempdir("decisions-backup-file").join("backup.json");
    std::fs::write(&file, serde_json::to_vec(&backup).unwrap()).unwrap();

    // A database rebuilt from the same cables groups and suggests them all over again; the
    // restore puts the analyst's decisions back.
    let fresh = TestDb::new().await;
    common::ingest(&fresh.pool, &d).await;
    assert!(grouped_under(&fresh).await.is_some(), "a fresh ingest groups the repeat again");
    let read = ctrack::backup::read(&file).unwrap();
    let restored = ctrack::backup::restore(&fresh.pool, &file, &read).await.unwrap();
    assert_eq!(restored.decisions, 2, "{restored}");
    assert!(restored.to_string().contains("2 decisions on suggestions"), "{restored}");
    assert_eq!(decided(&fresh).await, before);
    check_ungrouped(&fresh).await;
    assert_eq!(count_ti(&fresh).await, count_ti(&db).await, "counted as before the backup");
    // Recomputing suggestions neither groups them again nor revives the dismissal.
    let out = run_ctrack(&fresh, &["suggest", "--all"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    check_ungrouped(&fresh).await;
    assert_eq!(decided(&fresh).await, before);
    // Restoring the same file again changes nothing.
    let twice = ctrack::backup::restore(&fresh.pool, &file, &read).await.unwrap();
    assert_eq!((twice.decisions, twice.links, twice.events), (0, 0, 0), "{twice}");
    fresh.drop_db().await;
    db.drop_db().await;
}
