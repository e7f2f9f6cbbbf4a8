//! What a backup of analyst work reads and what a restore writes: the commitments analysts
//! touched (with their machine fields, so one the extractor no longer finds can be put
//! back), their events and links, and the users.

use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgExecutor};

use crate::db::follow::ENGINE_USER;
use time::{Date, OffsetDateTime};

/// Days as `2008-12-31` (or null) in backup files.
mod day {
    pub mod option {
        use serde::{Deserialize, Deserializer, Serializer};
        use time::Date;

        const FORMAT: &[time::format_description::BorrowedFormatItem<'_>] =
            time::macros::format_description!("[year]-[month]-[day]");

        pub fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
            match d {
                Some(d) => s.serialize_some(&d.format(FORMAT).map_err(serde::ser::Error::custom)?),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
            Option::<String>::deserialize(d)?
                .map(|s| Date::parse(&s, FORMAT).map_err(serde::de::Error::custom))
                .transpose()
        }
    }
}

/// A commitment with analyst work on it.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, Deserialize)]
pub struct WorkedCommitment {
    /// This database's ID: not written, since another database numbers differently.
    #[serde(skip)]
    pub id: i64,
    pub cable_id: String,
    pub sentence_hash: String,
    pub paragraph: Option<String>,
    pub sentence: String,
    pub start_byte: i32,
    pub end_byte: i32,
    pub actor: String,
    pub actor_kind: String,
    pub country: Option<String>,
    pub category: String,
    pub deadline: Option<String>,
    #[serde(with = "day::option")]
    pub due_date: Option<Date>,
    pub due_precision: Option<String>,
    pub quantity: Option<String>,
    pub quantity_value: Option<f64>,
    pub conditional: bool,
    pub confidence: f32,
    pub extractor_version: String,
    pub extracted: bool,
    pub review: String,
    pub status: String,
    #[serde(with = "time::serde::rfc3339::option")]
    pub status_changed_at: Option<OffsetDateTime>,
    pub actor_fix: Option<String>,
    pub country_fix: Option<String>,
    pub category_fix: Option<String>,
    #[serde(with = "day::option")]
    pub due_date_fix: Option<Date>,
    pub revision: i32,
}

/// Every commitment that an analyst changed, reviewed, linked or commented on, by cable.
pub async fn worked_commitments(ex: impl PgExecutor<'_>) -> sqlx::Result<Vec<WorkedCommitment>> {
    sqlx::query_as(
        "SELECT id, cable_id, sentence_hash, paragraph, sentence, start_byte, end_byte, actor,
                actor_kind, country, category, deadline, due_date, due_precision, quantity,
                quantity_value, conditional, confidence, extractor_version, extracted, review,
                status, status_changed_at, actor_fix, country_fix, category_fix, due_date_fix,
                revision
         FROM commitments c
         WHERE revision > 0
            OR EXISTS (SELECT 1 FROM commitment_events e WHERE e.commitment_id = c.id)
            OR EXISTS (SELECT 1 FROM commitment_links l WHERE l.commitment_id = c.id)
            OR EXISTS (SELECT 1 FROM suggestions s
                       WHERE s.commitment_id = c.id AND s.state <> 'open'
                         AND s.decided_by IS DISTINCT FROM $1)
         ORDER BY cable_id, start_byte, id",
    )
    .bind(ENGINE_USER)
    .fetch_all(ex)
    .await
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, Deserialize)]
pub struct EventRow {
    #[serde(skip)]
    pub commitment_id: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub username: String,
    pub kind: String,
    pub field: Option<String>,
    pub from_value: Option<String>,
    pub to_value: Option<String>,
    pub note: String,
    pub evidence_cable_id: Option<String>,
}

/// Every event, oldest first within a commitment.
pub async fn events(ex: impl PgExecutor<'_>) -> sqlx::Result<Vec<EventRow>> {
    sqlx::query_as(
        "SELECT commitment_id, at, username, kind, field, from_value, to_value, note,
                evidence_cable_id
         FROM commitment_events ORDER BY commitment_id, id",
    )
    .fetch_all(ex)
    .await
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, Deserialize)]
pub struct LinkRow {
    #[serde(skip)]
    pub commitment_id: i64,
    pub cable_id: String,
    pub kind: String,
    pub note: String,
    pub origin: String,
    pub username: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

pub async fn links(ex: impl PgExecutor<'_>) -> sqlx::Result<Vec<LinkRow>> {
    sqlx::query_as(
        "SELECT commitment_id, cable_id, kind, note, origin, username, created_at
         FROM commitment_links ORDER BY commitment_id, id",
    )
    .fetch_all(ex)
    .await
}

/// An analyst's decision on a suggested follow-up: accepted, or dismissed (which also
/// keeps the engine from proposing the cable again, or grouping it as a repeat).
#[derive(Debug, Clone, sqlx::FromRow, Serialize, Deserialize)]
pub struct DecisionRow {
    #[serde(skip)]
    pub commitment_id: i64,
    pub cable_id: String,
    pub kind: String,
    pub score: f32,
    pub state: String,
    pub decided_by: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub decided_at: Option<OffsetDateTime>,
}

/// Every suggestion a person decided, by commitment (the engine's own decisions, such as
/// settling a suggestion by grouping a repeat, come back with a fresh ingest).
pub async fn decisions(ex: impl PgExecutor<'_>) -> sqlx::Result<Vec<DecisionRow>> {
    sqlx::query_as(
        "SELECT commitment_id, cable_id, kind, score, state, decided_by, decided_at
         FROM suggestions WHERE state <> 'open' AND decided_by IS DISTINCT FROM $1
         ORDER BY commitment_id, cable_id",
    )
    .bind(ENGINE_USER)
    .fetch_all(ex)
    .await
}

/// Puts back a decision on commitment `id`'s suggestion of a cable unless a person has
/// decided it already (an open suggestion, or one the engine settled, takes the analyst's
/// decision); true when it changed something. A dismissal also undoes the engine's
/// grouping of that cable's commitment under this one (which a fresh ingest may have made
/// again), as removing the grouping link did.
pub async fn restore_decision(
    conn: &mut PgConnection,
    id: i64,
    d: &DecisionRow,
) -> sqlx::Result<bool> {
    let changed = sqlx::query(
        "INSERT INTO suggestions (commitment_id, cable_id, score, kind, reasons, state,
                                  decided_by, decided_at)
         VALUES ($1, $2, $3, $4, '[]', $5, $6, $7)
         ON CONFLICT (commitment_id, cable_id) DO UPDATE
         SET state = EXCLUDED.state, decided_by = EXCLUDED.decided_by,
             decided_at = EXCLUDED.decided_at
         WHERE suggestions.state = 'open' OR suggestions.decided_by = $8",
    )
    .bind(id)
    .bind(&d.cable_id)
    .bind(d.score)
    .bind(&d.kind)
    .bind(&d.state)
    .bind(&d.decided_by)
    .bind(d.decided_at)
    .bind(ENGINE_USER)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    if d.state == "dismissed" {
        sqlx::query(
            "DELETE FROM commitment_links
             WHERE commitment_id = $1 AND cable_id = $2 AND origin = 'repeat'",
        )
        .bind(id)
        .bind(&d.cable_id)
        .execute(&mut *conn)
        .await?;
        crate::db::follow::ungroup(conn, id, &d.cable_id).await?;
    }
    Ok(changed)
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, Deserialize)]
pub struct UserRow {
    pub username: String,
    pub role: String,
    /// Left out (None) unless the backup is made with secrets.
    pub password_hash: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

pub async fn users(ex: impl PgExecutor<'_>) -> sqlx::Result<Vec<UserRow>> {
    sqlx::query_as("SELECT username, role, password_hash, created_at FROM users ORDER BY id")
        .fetch_all(ex)
        .await
}

/// Of these cable keys, those that are not stored.
pub async fn missing_cables(ex: impl PgExecutor<'_>, keys: &[String]) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT k FROM unnest($1::text[]) k
         WHERE NOT EXISTS (SELECT 1 FROM cables WHERE id = k) ORDER BY k",
    )
    .bind(keys)
    .fetch_all(ex)
    .await
}

/// Adds a user unless one of that name exists; true when added. A user without a password
/// hash gets one no password matches, until an admin sets one.
pub async fn restore_user(conn: &mut PgConnection, u: &UserRow) -> sqlx::Result<bool> {
    let added = sqlx::query(
        "INSERT INTO users (username, role, password_hash, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (username) DO NOTHING",
    )
    .bind(&u.username)
    .bind(&u.role)
    .bind(u.password_hash.as_deref().unwrap_or("!restored without a password"))
    .bind(u.created_at)
    .execute(conn)
    .await?;
    Ok(added.rows_affected() == 1)
}

/// The stored commitment that is this one: same cable, and the same sentence or the same
/// span.
pub async fn find_commitment(
    conn: &mut PgConnection,
    c: &WorkedCommitment,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "SELECT id FROM commitments
         WHERE cable_id = $1 AND (sentence_hash = $2 OR (start_byte = $3 AND end_byte = $4))
         ORDER BY (sentence_hash = $2) DESC, id LIMIT 1",
    )
    .bind(&c.cable_id)
    .bind(&c.sentence_hash)
    .bind(c.start_byte)
    .bind(c.end_byte)
    .fetch_optional(conn)
    .await
}

/// Puts back a commitment the extractor no longer finds, marked as not extracted.
pub async fn insert_commitment(conn: &mut PgConnection, c: &WorkedCommitment) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO commitments (cable_id, sentence_hash, paragraph, sentence, start_byte,
                end_byte, actor, actor_kind, country, category, deadline, due_date,
                due_precision, quantity, quantity_value, conditional, confidence,
                extractor_version, extracted, sent_at)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
                $18, false, COALESCE(k.sent_at, '0001-01-01 00:00:00+00')
         FROM cables k WHERE k.id = $1
         RETURNING id",
    )
    .bind(&c.cable_id)
    .bind(&c.sentence_hash)
    .bind(&c.paragraph)
    .bind(&c.sentence)
    .bind(c.start_byte)
    .bind(c.end_byte)
    .bind(&c.actor)
    .bind(&c.actor_kind)
    .bind(&c.country)
    .bind(&c.category)
    .bind(&c.deadline)
    .bind(c.due_date)
    .bind(&c.due_precision)
    .bind(&c.quantity)
    .bind(c.quantity_value)
    .bind(c.conditional)
    .bind(c.confidence)
    .bind(&c.extractor_version)
    .fetch_one(conn)
    .await
}

/// Sets the analyst fields of commitment `id` to the backup's.
pub async fn set_analyst_fields(
    conn: &mut PgConnection,
    id: i64,
    c: &WorkedCommitment,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE commitments SET review = $2, status = $3, status_changed_at = $4,
                actor_fix = $5, country_fix = $6, category_fix = $7, due_date_fix = $8,
                revision = GREATEST(revision, $9), updated_at = now()
         WHERE id = $1",
    )
    .bind(id)
    .bind(&c.review)
    .bind(&c.status)
    .bind(c.status_changed_at)
    .bind(&c.actor_fix)
    .bind(&c.country_fix)
    .bind(&c.category_fix)
    .bind(c.due_date_fix)
    .bind(c.revision)
    .execute(conn)
    .await?;
    Ok(())
}

/// Adds an event to commitment `id` unless the same event is there; true when added.
pub async fn restore_event(conn: &mut PgConnection, id: i64, e: &EventRow) -> sqlx::Result<bool> {
    let added = sqlx::query(
        "INSERT INTO commitment_events (commitment_id, at, username, kind, field, from_value,
                to_value, note, evidence_cable_id)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9
         WHERE NOT EXISTS (
             SELECT 1 FROM commitment_events
             WHERE commitment_id = $1 AND at = $2 AND username = $3 AND kind = $4
               AND field IS NOT DISTINCT FROM $5 AND to_value IS NOT DISTINCT FROM $7)",
    )
    .bind(id)
    .bind(e.at)
    .bind(&e.username)
    .bind(&e.kind)
    .bind(&e.field)
    .bind(&e.from_value)
    .bind(&e.to_value)
    .bind(&e.note)
    .bind(&e.evidence_cable_id)
    .execute(conn)
    .await?;
    Ok(added.rows_affected() == 1)
}

/// Adds a link to commitment `id` unless that cable is linked already; true when added.
pub async fn restore_link(conn: &mut PgConnection, id: i64, l: &LinkRow) -> sqlx::Result<bool> {
    let added = sqlx::query(
        "INSERT INTO commitment_links (commitment_id, cable_id, kind, note, origin, username,
                created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (commitment_id, cable_id) DO NOTHING",
    )
    .bind(id)
    .bind(&l.cable_id)
    .bind(&l.kind)
    .bind(&l.note)
    .bind(&l.origin)
    .bind(&l.username)
    .bind(l.created_at)
    .execute(conn)
    .await?;
    Ok(added.rows_affected() == 1)
}
