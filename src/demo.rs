//! `ctrack demo`: the demo cables (embedded in the binary, so the command works from any
//! directory), loaded and given a little history, and a demo login.
//!
//! `07DUSHANBE1057` is a real cable. The others are synthetic, written for this demo and
//! marked so in their subject and first paragraph: a follow-up showing the shelters
//! commitment fulfilled, one showing the corruption-law commitment stalled, and one with a
//! new commitment that is still open.

use std::path::PathBuf;

use sqlx::PgPool;

use crate::db::tracking;
use crate::db::users::{self, Role};
use crate::ingest;

/// (file name, text).
pub const CABLES: &[(&str, &str)] = &[
    ("07DUSHANBE1057.txt", include_str!("../demo/cables/07DUSHANBE1057.txt")),
    ("07DUSHANBE1402.txt", include_str!("../demo/cables/07DUSHANBE1402.txt")),
    ("08DUSHANBE310.txt", include_str!("../demo/cables/08DUSHANBE310.txt")),
    ("08DUSHANBE655.txt", include_str!("../demo/cables/08DUSHANBE655.txt")),
];

pub const DEMO_USER: &str = "demo";

/// Loads the demo cables (idempotent), records the demo history once, and (re)sets the demo
/// user's password. Returns the ingest report and the password.
pub async fn load(pool: &PgPool) -> anyhow::Result<(ingest::Report, String)> {
    let dir: PathBuf = std::env::temp_dir().join(format!("ctrack-demo-{}", crate::web::token()));
    std::fs::create_dir_all(&dir)?;
    for (name, text) in CABLES {
        std::fs::write(dir.join(name), text)?;
    }
    let opts = ingest::Options {
        paths: vec![dir.clone()],
        progress: ingest::Progress::Quiet,
        ..Default::default()
    };
    let report = ingest::run(Some(pool), &opts).await;
    let _ = std::fs::remove_dir_all(&dir);
    let report = report?;
    history(pool).await?;
    let password = crate::web::token()[..16].to_string();
    users::add(pool, DEMO_USER, &password, Role::Admin, true).await?;
    Ok((report, password))
}

/// What an analyst would have recorded by now: the shelters fulfilled, the corruption law
/// stalled, each with its evidence cable linked. Done once (skipped when the commitment
/// already has history).
async fn history(pool: &PgPool) -> anyhow::Result<()> {
    let steps: [(&str, &str, &str, &str, &str); 2] = [
        (
            "%additional five shelters%",
            "fulfilled",
            "07DUSHANBE1402",
            "fulfils",
            "Five shelters opened and in use (synthetic follow-up).",
        ),
        (
            "%specific points on corruption%",
            "stalled",
            "08DUSHANBE310",
            "stalls",
            "The corruption law has yet to reach parliament (synthetic follow-up).",
        ),
    ];
    for (pattern, status, evidence, kind, note) in steps {
        let found: Option<(i64, i32, bool)> = sqlx::query_as(
            "SELECT c.id, c.revision,
                    EXISTS (SELECT 1 FROM commitment_events e WHERE e.commitment_id = c.id)
             FROM commitments c WHERE c.cable_id = '07DUSHANBE1057' AND c.sentence LIKE $1",
        )
        .bind(pattern)
        .fetch_optional(pool)
        .await?;
        // The extractor may not find every sentence; the demo shows what it does find.
        let Some((id, revision, has_history)) = found else { continue };
        if has_history {
            continue;
        }
        let mut tx = pool.begin().await?;
        tracking::add_link(&mut tx, id, revision, DEMO_USER, evidence, kind, note, "analyst")
            .await?;
        tracking::set_status(&mut tx, id, revision + 1, DEMO_USER, status, note, Some(evidence))
            .await?;
        tracking::set_review(&mut tx, id, revision + 2, DEMO_USER, "confirmed", "").await?;
        tx.commit().await?;
    }
    Ok(())
}
