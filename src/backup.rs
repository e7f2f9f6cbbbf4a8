//! A backup of analyst work, and putting it back: `ctrack backup` writes every status
//! event, link, review decision, correction and decision on a suggested follow-up, and
//! every user (password hashes only with
//! `--with-secrets`), as one JSON file; `ctrack restore` brings it into a database whose
//! cables have been ingested, matching each commitment by cable and sentence (or span).
//!
//! Cables and the extractor's output are not in a backup: they come back by ingesting the
//! same cable files. A commitment the current extractor no longer finds is put back from
//! the machine fields the backup carries, marked as no longer extracted, so nothing an
//! analyst did is lost. A restore is one transaction, and restoring the same file twice
//! adds nothing the second time.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use time::OffsetDateTime;

use crate::db::backup::{self as q, DecisionRow, EventRow, LinkRow, UserRow, WorkedCommitment};

/// What the file says it is.
pub const FORMAT: &str = "ctrack-backup";
pub const VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
pub struct Backup {
    pub format: String,
    pub version: u32,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// The extractor that found the commitments, for the record.
    pub extractor_version: String,
    pub with_secrets: bool,
    pub users: Vec<UserRow>,
    pub commitments: Vec<Worked>,
}

/// A commitment with the analyst work on it.
#[derive(Debug, Serialize, Deserialize)]
pub struct Worked {
    #[serde(flatten)]
    pub commitment: WorkedCommitment,
    pub events: Vec<EventRow>,
    pub links: Vec<LinkRow>,
    /// Accepted and dismissed suggestions (absent in backups made before they were kept).
    #[serde(default)]
    pub decisions: Vec<DecisionRow>,
}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{path}: {reason}")]
    File { path: String, reason: String },
    #[error(
        "{path}: {n} cable(s) the backup refers to are not stored: {list}. Ingest the same \
         cable files first, then restore; nothing was changed"
    )]
    MissingCables { path: String, n: usize, list: String },
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
}

/// Reads the analyst work out of the database.
pub async fn collect(pool: &PgPool, with_secrets: bool) -> Result<Backup, BackupError> {
    let mut tx = crate::db::export::snapshot(pool).await?;
    let commitments = q::worked_commitments(&mut *tx).await?;
    let mut events: HashMap<i64, Vec<EventRow>> = HashMap::new();
    for e in q::events(&mut *tx).await? {
        events.entry(e.commitment_id).or_default().push(e);
    }
    let mut links: HashMap<i64, Vec<LinkRow>> = HashMap::new();
    for l in q::links(&mut *tx).await? {
        links.entry(l.commitment_id).or_default().push(l);
    }
    let mut decisions: HashMap<i64, Vec<DecisionRow>> = HashMap::new();
    for d in q::decisions(&mut *tx).await? {
        decisions.entry(d.commitment_id).or_default().push(d);
    }
    let mut users = q::users(&mut *tx).await?;
    tx.commit().await?;
    if !with_secrets {
        for u in &mut users {
            u.password_hash = None;
        }
    }
    Ok(Backup {
        format: FORMAT.to_string(),
        version: VERSION,
        created_at: OffsetDateTime::now_utc(),
        extractor_version: crate::extract::version(),
        with_secrets,
        users,
        commitments: commitments
            .into_iter()
            .map(|c| Worked {
                events: events.remove(&c.id).unwrap_or_default(),
                links: links.remove(&c.id).unwrap_or_default(),
                decisions: decisions.remove(&c.id).unwrap_or_default(),
                commitment: c,
            })
            .collect(),
    })
}

/// Reads and checks a backup file.
pub fn read(path: &Path) -> Result<Backup, BackupError> {
    let file_error =
        |reason: String| BackupError::File { path: path.display().to_string(), reason };
    let text = std::fs::read_to_string(path).map_err(|e| file_error(e.to_string()))?;
    let backup: Backup =
        serde_json::from_str(&text).map_err(|e| file_error(format!("not a ctrack backup: {e}")))?;
    if backup.format != FORMAT {
        return Err(file_error(format!("format is {:?}, not {FORMAT:?}", backup.format)));
    }
    if backup.version != VERSION {
        return Err(file_error(format!(
            "backup version {} is not one this ctrack reads ({VERSION})",
            backup.version
        )));
    }
    Ok(backup)
}

/// What a restore did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Restored {
    pub matched: usize,
    /// Put back from the backup's machine fields: the extractor no longer finds them.
    pub recreated: usize,
    pub events: usize,
    pub links: usize,
    pub decisions: usize,
    pub users: usize,
    pub users_present: usize,
    /// Restored users who need a password set (the backup had no secrets).
    pub without_password: Vec<(String, String)>,
}

impl fmt::Display for Restored {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "restored {} commitments ({} matched, {} put back as no longer extracted), \
             {} events, {} links, {} decisions on suggestions",
            self.matched + self.recreated,
            self.matched,
            self.recreated,
            self.events,
            self.links,
            self.decisions
        )?;
        write!(f, "users: {} added, {} already present", self.users, self.users_present)?;
        for (name, role) in &self.without_password {
            write!(
                f,
                "\n  {name} has no password yet: ctrack user add {name} --role {role} --update"
            )?;
        }
        Ok(())
    }
}

/// Restores `backup` (read from `path`) in one transaction.
pub async fn restore(pool: &PgPool, path: &Path, backup: &Backup) -> Result<Restored, BackupError> {
    let mut tx = pool.begin().await?;
    let mut cables: Vec<String> = Vec::new();
    for w in &backup.commitments {
        cables.push(w.commitment.cable_id.clone());
        cables.extend(w.links.iter().map(|l| l.cable_id.clone()));
        cables.extend(w.events.iter().filter_map(|e| e.evidence_cable_id.clone()));
        cables.extend(w.decisions.iter().map(|d| d.cable_id.clone()));
    }
    cables.sort();
    cables.dedup();
    let missing = q::missing_cables(&mut *tx, &cables).await?;
    if !missing.is_empty() {
        let mut list = missing.iter().take(10).cloned().collect::<Vec<_>>().join(", ");
        if missing.len() > 10 {
            list.push_str(", ...");
        }
        return Err(BackupError::MissingCables {
            path: path.display().to_string(),
            n: missing.len(),
            list,
        });
    }
    let mut out = Restored::default();
    for u in &backup.users {
        if q::restore_user(&mut tx, u).await? {
            out.users += 1;
            if u.password_hash.is_none() {
                out.without_password.push((u.username.clone(), u.role.clone()));
            }
        } else {
            out.users_present += 1;
        }
    }
    for w in &backup.commitments {
        let id = match q::find_commitment(&mut tx, &w.commitment).await? {
            Some(id) => {
                out.matched += 1;
                id
            }
            None => {
                out.recreated += 1;
                q::insert_commitment(&mut tx, &w.commitment).await?
            }
        };
        q::set_analyst_fields(&mut tx, id, &w.commitment).await?;
        for e in &w.events {
            out.events += usize::from(q::restore_event(&mut tx, id, e).await?);
        }
        for l in &w.links {
            out.links += usize::from(q::restore_link(&mut tx, id, l).await?);
        }
        for d in &w.decisions {
            out.decisions += usize::from(q::restore_decision(&mut tx, id, d).await?);
        }
    }
    tx.commit().await?;
    Ok(out)
}
