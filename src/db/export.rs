//! What the per-country summaries read: the countries that have commitments, counts per
//! status and category, and the commitments themselves as a stream (so an export of
//! 100,000 rows never holds them all), each with its last status change and its latest
//! evidence cable.
//!
//! A summary covers the commitments an analyst would count: dismissed extractions are left
//! out, and so are sentences the extractor no longer finds unless an analyst worked on them.

use futures_util::stream::BoxStream;
use sqlx::PgExecutor;
use time::{Date, OffsetDateTime};

/// Which commitments a summary covers, and the date it is stated as of.
#[derive(Debug, Clone)]
pub struct Scope {
    /// Source cables sent on or after this day (UTC).
    pub since: Option<Date>,
    /// Source cables sent on or before this day (UTC).
    pub until: Option<Date>,
    /// Overdue and stale are judged as of this day, and cables sent after it are left out.
    pub as_of: Date,
}

impl Scope {
    /// The last day whose cables count: `until`, but never after `as_of`.
    pub fn last_day(&self) -> Date {
        self.until.map_or(self.as_of, |u| u.min(self.as_of))
    }
}

/// The commitments of country `$1` in scope (`$2` since, `$3` until); `$4` is the as-of
/// day. Shared by the countries, the counts and the rows so they always agree. A repeat
/// of an earlier commitment is not counted again: the first mention stands for it, with
/// the later cable as a `reiterates` link (its evidence).
const IN_SCOPE: &str = "
    c.eff_country = $1
    AND (c.extracted OR c.revision > 0)
    AND c.review <> 'dismissed'
    AND c.repeat_of IS NULL
    AND ($2::date IS NULL OR c.sent_at >= ($2::date)::timestamp AT TIME ZONE 'UTC')
    AND ($3::date IS NULL OR c.sent_at < ($3::date + 1)::timestamp AT TIME ZONE 'UTC')";

/// Overdue: due before the as-of day and still open or in progress. Stale: still open or in
/// progress, and neither the source cable nor any evidence cable (linked, or cited by a
/// status change) is from the 12 months before the as-of day.
const FLAGS: &str = "
    COALESCE(c.eff_due_date < $4 AND c.status IN ('open', 'in_progress'), false) AS overdue,
    COALESCE(c.status IN ('open', 'in_progress')
             AND GREATEST(NULLIF(c.sent_at, '0001-01-01 00:00:00+00'), ev.sent_at)
                 < (($4::date - interval '12 months')::timestamp AT TIME ZONE 'UTC'),
             false) AS stale";

/// The newest evidence cable of commitment `c`: linked, or named by a status change.
const LATEST_EVIDENCE: &str = "
    LEFT JOIN LATERAL (
        SELECT k.canonical_id AS cable_id, k.sent_at
        FROM (SELECT cable_id FROM commitment_links WHERE commitment_id = c.id
              UNION
              SELECT evidence_cable_id FROM commitment_events
              WHERE commitment_id = c.id AND evidence_cable_id IS NOT NULL) x
        JOIN cables k ON k.id = x.cable_id
        ORDER BY k.sent_at DESC NULLS LAST, k.id DESC
        LIMIT 1
    ) ev ON true";

/// A read-only transaction that sees one snapshot for all its statements, so that a
/// summary's counts and rows agree while analysts keep working.
pub async fn snapshot(
    pool: &sqlx::PgPool,
) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Postgres>> {
    let mut tx = pool.begin().await?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

/// Country codes with at least one commitment in scope, in order.
pub async fn countries(ex: impl PgExecutor<'_>, scope: &Scope) -> sqlx::Result<Vec<String>> {
    let sql = format!(
        "SELECT DISTINCT c.eff_country FROM commitments c
         WHERE c.eff_country IS NOT NULL AND {} ORDER BY 1",
        // Any country: the since and until parameters become $1 and $2.
        IN_SCOPE.replace("c.eff_country = $1", "true").replace("$2", "$1").replace("$3", "$2")
    );
    sqlx::query_scalar(&sql).bind(scope.since).bind(scope.last_day()).fetch_all(ex).await
}

/// Counts for one (status, category) pair of a country.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CountRow {
    pub status: String,
    pub category: String,
    pub n: i64,
    pub overdue: i64,
    pub stale: i64,
    pub unreviewed: i64,
}

pub async fn counts(
    ex: impl PgExecutor<'_>,
    country: &str,
    scope: &Scope,
) -> sqlx::Result<Vec<CountRow>> {
    let sql = format!(
        "SELECT status, category, count(*) AS n,
                count(*) FILTER (WHERE overdue) AS overdue,
                count(*) FILTER (WHERE stale) AS stale,
                count(*) FILTER (WHERE review = 'proposed') AS unreviewed
         FROM (SELECT c.status, c.eff_category AS category, c.review, {FLAGS}
               FROM commitments c {LATEST_EVIDENCE}
               WHERE {IN_SCOPE}) t
         GROUP BY status, category"
    );
    sqlx::query_as(&sql)
        .bind(country)
        .bind(scope.since)
        .bind(scope.last_day())
        .bind(scope.as_of)
        .fetch_all(ex)
        .await
}

/// One commitment of a summary.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Row {
    pub id: i64,
    /// The source cable's canonical ID.
    pub cable_id: String,
    pub paragraph: Option<String>,
    pub cable_date: Option<OffsetDateTime>,
    pub country: String,
    pub actor: String,
    pub category: String,
    pub sentence: String,
    pub deadline: Option<String>,
    pub due_date: Option<Date>,
    pub due_precision: Option<String>,
    pub quantity: Option<String>,
    pub conditional: bool,
    pub confidence: f32,
    pub review: String,
    pub status: String,
    /// The latest status change: when, by whom, its note.
    pub changed_at: Option<OffsetDateTime>,
    pub changed_by: Option<String>,
    pub note: Option<String>,
    pub evidence_cable: Option<String>,
    pub evidence_date: Option<OffsetDateTime>,
    pub overdue: bool,
    pub stale: bool,
}

/// The commitments of a country in scope: overdue first, then stale, then the rest, each
/// group by source cable date.
pub fn rows<'e>(
    ex: impl PgExecutor<'e> + 'e,
    country: &str,
    scope: &Scope,
) -> BoxStream<'e, sqlx::Result<Row>> {
    // The statement text must outlive the stream; it is built once per process.
    static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        format!(
            "SELECT c.id, k.canonical_id AS cable_id, c.paragraph,
                    NULLIF(c.sent_at, '0001-01-01 00:00:00+00') AS cable_date,
                    c.eff_country AS country, COALESCE(c.actor_fix, c.actor) AS actor,
                    c.eff_category AS category, c.sentence, c.deadline,
                    c.eff_due_date AS due_date,
                    CASE WHEN c.due_date_fix IS NOT NULL THEN 'day' ELSE c.due_precision END
                        AS due_precision,
                    c.quantity, c.conditional, c.confidence, c.review, c.status,
                    e.at AS changed_at, e.username AS changed_by, e.note,
                    ev.cable_id AS evidence_cable, ev.sent_at AS evidence_date,
                    {FLAGS}
             FROM commitments c
             JOIN cables k ON k.id = c.cable_id
             LEFT JOIN LATERAL (
                 SELECT at, username, note FROM commitment_events
                 WHERE commitment_id = c.id AND kind = 'status'
                 ORDER BY id DESC LIMIT 1
             ) e ON true
             {LATEST_EVIDENCE}
             WHERE {IN_SCOPE}
             ORDER BY overdue DESC, stale DESC, c.sent_at, c.id"
        )
    });
    sqlx::query_as(SQL.as_str())
        .bind(country.to_string())
        .bind(scope.since)
        .bind(scope.last_day())
        .bind(scope.as_of)
        .fetch(ex)
}
