//! What the web pages read and what analysts change: the commitments list (filters, keyset
//! pages), a commitment with its history and links, a cable with its commitments and
//! references, the dashboard's figures; status changes, reviews, corrections and links,
//! each one an event, each guarded by the commitment's revision (a stale form is refused,
//! never applied over someone else's change).

use sqlx::postgres::PgRow;
use sqlx::{PgConnection, PgExecutor, Postgres, QueryBuilder, Row as _};
use time::{Date, OffsetDateTime};

/// Statuses, in the order the pages show them.
pub const STATUSES: &[&str] =
    &["open", "in_progress", "fulfilled", "partially_fulfilled", "stalled", "abandoned"];
pub const REVIEWS: &[&str] = &["proposed", "confirmed", "dismissed"];
pub const LINK_KINDS: &[&str] = &["follow_up", "reiterates", "fulfils", "stalls", "contradicts"];
pub const CATEGORIES: &[&str] = &[
    "legislation",
    "institution",
    "funding",
    "enforcement",
    "policy",
    "agreement",
    "information",
    "deployment",
    "other",
];

/// How the list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Newest cable first.
    #[default]
    Newest,
    Oldest,
    /// Earliest due date first; no due date last.
    Due,
    /// Most confident first.
    Confidence,
}

impl Sort {
    pub fn parse(s: &str) -> Option<Sort> {
        match s {
            "newest" => Some(Sort::Newest),
            "oldest" => Some(Sort::Oldest),
            "due" => Some(Sort::Due),
            "confidence" => Some(Sort::Confidence),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Newest => "newest",
            Sort::Oldest => "oldest",
            Sort::Due => "due",
            Sort::Confidence => "confidence",
        }
    }
}

/// Where a page starts: the sort key and ID of the last row of the previous page.
#[derive(Debug, Clone, PartialEq)]
pub enum Cursor {
    Time(OffsetDateTime, i64),
    Date(Date, i64),
    Real(f32, i64),
}

/// The list's filters, already validated.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub country: Option<String>,
    pub status: Option<String>,
    pub review: Option<String>,
    pub category: Option<String>,
    pub overdue: bool,
    /// Cable dates, inclusive.
    pub from: Option<Date>,
    pub to: Option<Date>,
    /// Full-text search over sentence and actor (`websearch_to_tsquery` syntax).
    pub text: Option<String>,
    /// Also list commitments the current extractor no longer finds.
    pub include_unextracted: bool,
    /// Leave out repeats of an earlier commitment (grouped under it).
    pub first_mentions: bool,
}

/// Stale: still open or in progress a year after its cable, and no evidence cable (linked,
/// or cited by a status change) from the last 12 months. For a `commitments c` row; the
/// newest evidence cable's date is kept in `last_evidence_at` by triggers (migration 0006).
pub const STALE: &str = "COALESCE(c.status IN ('open', 'in_progress')
    AND c.sent_at > '0001-01-02'
    AND GREATEST(c.sent_at, c.last_evidence_at) < now() - interval '12 months',
    false) AS stale";

/// One row of the list, its text borrowed from the database's answer ([`Listing`]).
#[derive(Debug, Clone)]
pub struct ListRow<'r> {
    pub id: i64,
    pub cable_id: &'r str,
    pub sent_at: OffsetDateTime,
    pub country: Option<&'r str>,
    pub actor: &'r str,
    pub sentence: &'r str,
    pub category: &'r str,
    pub status: &'r str,
    pub review: &'r str,
    pub due_date: Option<Date>,
    pub due_key: Date,
    pub confidence: f32,
    pub overdue: bool,
    pub stale: bool,
}

/// The list's columns, in the order [`ListRow::read`] reads them.
const LIST_COLUMNS: &str = "id, cable_id, sent_at, eff_country AS country,
    COALESCE(actor_fix, actor) AS actor, sentence, eff_category AS category, status, review,
    eff_due_date AS due_date, due_key, confidence,
    COALESCE(eff_due_date < current_date AND status IN ('open', 'in_progress'), false) AS overdue";

impl<'r> ListRow<'r> {
    /// By position and without sqlx's per-value type check (a value of the wrong type still
    /// fails to decode, with an error), borrowing the text: a page of the list is 700 values,
    /// and looking each up by name, checking its type and copying its text into a `String`
    /// was a quarter of the list page's time in the web server (`perf` under
    /// `scripts/bench-web.sh`'s load). Tests read every column through the list page.
    fn read(row: &'r PgRow) -> sqlx::Result<Self> {
        Ok(ListRow {
            id: row.try_get_unchecked(0)?,
            cable_id: row.try_get_unchecked(1)?,
            sent_at: row.try_get_unchecked(2)?,
            country: row.try_get_unchecked(3)?,
            actor: row.try_get_unchecked(4)?,
            sentence: row.try_get_unchecked(5)?,
            category: row.try_get_unchecked(6)?,
            status: row.try_get_unchecked(7)?,
            review: row.try_get_unchecked(8)?,
            due_date: row.try_get_unchecked(9)?,
            due_key: row.try_get_unchecked(10)?,
            confidence: row.try_get_unchecked(11)?,
            overdue: row.try_get_unchecked(12)?,
            stale: row.try_get_unchecked(13)?,
        })
    }

    fn cursor(&self, sort: Sort) -> Cursor {
        match sort {
            Sort::Newest | Sort::Oldest => Cursor::Time(self.sent_at, self.id),
            Sort::Due => Cursor::Date(self.due_key, self.id),
            Sort::Confidence => Cursor::Real(self.confidence, self.id),
        }
    }
}

/// A page of the list as the database answered it, and the cursor of the next page if
/// there is one.
#[derive(Debug)]
pub struct Listing {
    rows: Vec<PgRow>,
    pub next: Option<Cursor>,
}

impl Listing {
    /// The page's rows, in order.
    pub fn rows(&self) -> sqlx::Result<Vec<ListRow<'_>>> {
        self.rows.iter().map(ListRow::read).collect()
    }
}

/// A page of the list: at most `limit` rows.
pub async fn list(
    ex: impl PgExecutor<'_>,
    filter: &Filter,
    sort: Sort,
    after: Option<&Cursor>,
    limit: i64,
) -> sqlx::Result<Listing> {
    let mut q: QueryBuilder<Postgres> =
        QueryBuilder::new(format!("SELECT {LIST_COLUMNS}, {STALE} FROM commitments c WHERE true"));
    push_filter(&mut q, filter);
    match (sort, after) {
        (Sort::Newest, Some(Cursor::Time(t, id))) => {
            q.push(" AND (sent_at, id) < (").push_bind(*t).push(", ").push_bind(*id).push(")");
        }
        (Sort::Oldest, Some(Cursor::Time(t, id))) => {
            q.push(" AND (sent_at, id) > (").push_bind(*t).push(", ").push_bind(*id).push(")");
        }
        (Sort::Due, Some(Cursor::Date(d, id))) => {
            q.push(" AND (due_key, id) > (").push_bind(*d).push(", ").push_bind(*id).push(")");
        }
        (Sort::Confidence, Some(Cursor::Real(c, id))) => {
            q.push(" AND (confidence, id) < (").push_bind(*c).push(", ").push_bind(*id).push(")");
        }
        _ => {}
    }
    q.push(match sort {
        Sort::Newest => " ORDER BY sent_at DESC, id DESC",
        Sort::Oldest => " ORDER BY sent_at, id",
        Sort::Due => " ORDER BY due_key, id",
        Sort::Confidence => " ORDER BY confidence DESC, id DESC",
    });
    q.push(" LIMIT ").push_bind(limit + 1);
    let mut rows = q.build().fetch_all(ex).await?;
    let next = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(ListRow::read).transpose()?.map(|r| r.cursor(sort))
    } else {
        None
    };
    Ok(Listing { rows, next })
}

fn push_filter(q: &mut QueryBuilder<'_, Postgres>, f: &Filter) {
    if let Some(c) = &f.country {
        q.push(" AND eff_country = ").push_bind(c.clone());
    }
    if let Some(s) = &f.status {
        q.push(" AND status = ").push_bind(s.clone());
    }
    if let Some(r) = &f.review {
        q.push(" AND review = ").push_bind(r.clone());
    }
    if let Some(c) = &f.category {
        q.push(" AND eff_category = ").push_bind(c.clone());
    }
    if f.overdue {
        q.push(" AND eff_due_date < current_date AND status IN ('open', 'in_progress')");
    }
    if let Some(d) = f.from {
        q.push(" AND sent_at >= ").push_bind(d.midnight().assume_utc());
    }
    if let Some(d) = f.to {
        let next = d.next_day().unwrap_or(d);
        q.push(" AND sent_at < ").push_bind(next.midnight().assume_utc());
    }
    if let Some(t) = &f.text {
        q.push(" AND search @@ websearch_to_tsquery('english', ").push_bind(t.clone()).push(")");
    }
    if !f.include_unextracted {
        q.push(" AND (extracted OR revision > 0)");
    }
    if f.first_mentions {
        q.push(" AND repeat_of IS NULL");
    }
}

/// A commitment with everything its page shows.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Commitment {
    pub id: i64,
    pub cable_id: String,
    pub paragraph: Option<String>,
    pub sentence: String,
    pub start_byte: i32,
    pub end_byte: i32,
    pub actor: String,
    pub actor_kind: String,
    pub country: Option<String>,
    pub category: String,
    pub deadline: Option<String>,
    pub due_date: Option<Date>,
    pub due_precision: Option<String>,
    pub quantity: Option<String>,
    pub conditional: bool,
    pub confidence: f32,
    pub extractor_version: String,
    pub extracted: bool,
    pub review: String,
    pub status: String,
    pub actor_fix: Option<String>,
    pub country_fix: Option<String>,
    pub category_fix: Option<String>,
    pub due_date_fix: Option<Date>,
    pub revision: i32,
    /// The first mention of the promise, when this is a repeat of it.
    pub repeat_of: Option<i64>,
    pub overdue: bool,
    pub stale: bool,
}

pub async fn commitment(ex: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<Commitment>> {
    sqlx::query_as(&format!(
        "SELECT id, cable_id, paragraph, sentence, start_byte, end_byte, actor, actor_kind,
                country, category, deadline, due_date, due_precision, quantity, conditional,
                confidence, extractor_version, extracted, review, status, actor_fix,
                country_fix, category_fix, due_date_fix, revision, repeat_of,
                COALESCE(eff_due_date < current_date AND status IN ('open', 'in_progress'), false) AS overdue,
                {STALE}
         FROM commitments c WHERE id = $1",
    ))
    .bind(id)
    .fetch_optional(ex)
    .await
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Deserialize)]
pub struct Event {
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

pub async fn events(ex: impl PgExecutor<'_>, commitment_id: i64) -> sqlx::Result<Vec<Event>> {
    sqlx::query_as(
        "SELECT at, username, kind, field, from_value, to_value, note, evidence_cable_id
         FROM commitment_events WHERE commitment_id = $1 ORDER BY id",
    )
    .bind(commitment_id)
    .fetch_all(ex)
    .await
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Deserialize)]
pub struct Link {
    pub id: i64,
    pub cable_id: String,
    pub kind: String,
    pub note: String,
    pub username: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    pub subject: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub sent_at: Option<OffsetDateTime>,
}

pub async fn links(ex: impl PgExecutor<'_>, commitment_id: i64) -> sqlx::Result<Vec<Link>> {
    sqlx::query_as(
        "SELECT l.id, l.cable_id, l.kind, l.note, l.username, l.created_at, k.subject, k.sent_at
         FROM commitment_links l JOIN cables k ON k.id = l.cable_id
         WHERE l.commitment_id = $1 ORDER BY k.sent_at NULLS LAST, l.id",
    )
    .bind(commitment_id)
    .fetch_all(ex)
    .await
}

/// A stored cable, as its page shows it.
#[derive(Debug, Clone, sqlx::FromRow, serde::Deserialize)]
pub struct Cable {
    pub id: String,
    pub canonical_id: String,
    #[serde(with = "time::serde::rfc3339::option")]
    pub sent_at: Option<OffsetDateTime>,
    pub origin: Option<String>,
    pub classification: Option<String>,
    pub subject: Option<String>,
    pub tags: Vec<String>,
    pub countries: Vec<String>,
    pub header: String,
    pub body: String,
    pub source: String,
}

/// Everything a commitment's page shows besides the commitment itself, in one round trip
/// (the page made five, and under load its latency was mostly waiting for them): its
/// cable, status history, links, and suggestions not dismissed.
pub struct PageExtras {
    pub cable: Cable,
    pub events: Vec<Event>,
    pub links: Vec<Link>,
    pub suggestions: Vec<crate::db::follow::Suggestion>,
}

pub async fn page_extras(
    ex: impl PgExecutor<'_>,
    commitment_id: i64,
) -> sqlx::Result<Option<PageExtras>> {
    use sqlx::types::Json;
    type Row = (
        Option<Json<Cable>>,
        Json<Vec<Event>>,
        Json<Vec<Link>>,
        Json<Vec<crate::db::follow::Suggestion>>,
    );
    // The same columns and order as `cable`, `events`, `links` and `follow::list`.
    let row: Option<Row> = sqlx::query_as(
        "SELECT
           (SELECT row_to_json(k) FROM (
                SELECT id, canonical_id, sent_at, origin, classification, subject, tags,
                       countries, header, body, source
                FROM cables WHERE id = c.cable_id) k),
           (SELECT COALESCE(json_agg(e ORDER BY e.id), '[]') FROM (
                SELECT id, at, username, kind, field, from_value, to_value, note,
                       evidence_cable_id
                FROM commitment_events WHERE commitment_id = c.id) e),
           (SELECT COALESCE(json_agg(l ORDER BY l.sent_at NULLS LAST, l.id), '[]') FROM (
                SELECT l.id, l.cable_id, l.kind, l.note, l.username, l.created_at, k.subject,
                       k.sent_at
                FROM commitment_links l JOIN cables k ON k.id = l.cable_id
                WHERE l.commitment_id = c.id) l),
           (SELECT COALESCE(json_agg(s ORDER BY s.score DESC, s.sent_at, s.cable_key), '[]')
            FROM (
                SELECT s.commitment_id, s.cable_id AS cable_key, k.canonical_id AS cable_id,
                       k.subject, k.sent_at, s.score, s.kind, s.reasons, s.state, s.decided_by
                FROM suggestions s JOIN cables k ON k.id = s.cable_id
                WHERE s.commitment_id = c.id AND s.state <> 'dismissed') s)
         FROM commitments c WHERE c.id = $1",
    )
    .bind(commitment_id)
    .fetch_optional(ex)
    .await?;
    Ok(row.and_then(|(cable, events, links, suggestions)| {
        Some(PageExtras {
            cable: cable?.0,
            events: events.0,
            links: links.0,
            suggestions: suggestions.0,
        })
    }))
}

/// A cable by its key or, failing that, its canonical ID.
pub async fn cable(ex: impl PgExecutor<'_>, id: &str) -> sqlx::Result<Option<Cable>> {
    sqlx::query_as(
        "SELECT id, canonical_id, sent_at, origin, classification, subject, tags, countries,
                header, body, source
         FROM cables WHERE id = $1 OR canonical_id = $1
         ORDER BY (id = $1) DESC, id LIMIT 1",
    )
    .bind(id)
    .fetch_optional(ex)
    .await
}

/// The commitments found in a cable, in body order: (id, start, end, status).
pub async fn cable_commitments(
    ex: impl PgExecutor<'_>,
    cable_id: &str,
) -> sqlx::Result<Vec<(i64, i32, i32, String)>> {
    sqlx::query_as(
        "SELECT id, start_byte, end_byte, status FROM commitments
         WHERE cable_id = $1 AND (extracted OR revision > 0) AND review <> 'dismissed'
         ORDER BY start_byte",
    )
    .bind(cable_id)
    .fetch_all(ex)
    .await
}

/// A reference from or to a cable: the other cable's ID, whether it is stored, and its
/// subject.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Reference {
    pub label: Option<String>,
    pub kind: String,
    pub target: String,
    pub stored_id: Option<String>,
    pub subject: Option<String>,
}

pub async fn references_out(
    ex: impl PgExecutor<'_>,
    cable_id: &str,
) -> sqlx::Result<Vec<Reference>> {
    sqlx::query_as(
        "SELECT r.label, r.kind, r.target, k.id AS stored_id, k.subject
         FROM cable_refs r
         LEFT JOIN LATERAL (SELECT id, subject FROM cables WHERE canonical_id = r.target
                            ORDER BY id LIMIT 1) k ON r.kind = 'cable'
         WHERE r.cable_id = $1 ORDER BY r.position",
    )
    .bind(cable_id)
    .fetch_all(ex)
    .await
}

/// The cables whose `REF:` lines cite this canonical ID.
pub async fn cited_by(
    ex: impl PgExecutor<'_>,
    canonical_id: &str,
) -> sqlx::Result<Vec<(String, Option<String>, Option<OffsetDateTime>)>> {
    sqlx::query_as(
        "SELECT DISTINCT k.id, k.subject, k.sent_at FROM cable_refs r
         JOIN cables k ON k.id = r.cable_id
         WHERE r.kind = 'cable' AND r.target = $1 ORDER BY k.sent_at, k.id",
    )
    .bind(canonical_id)
    .fetch_all(ex)
    .await
}

/// Cables whose ID starts with `prefix` (case-insensitive), or whose subject matches it,
/// for the link form's search box.
pub async fn search_cables(
    ex: impl PgExecutor<'_>,
    query: &str,
    limit: i64,
) -> sqlx::Result<Vec<(String, Option<String>, Option<OffsetDateTime>)>> {
    let prefix = query.trim().to_ascii_uppercase().replace(' ', "");
    let like = format!("{}%", prefix.replace(['\\', '%'], "").replace('_', "\\_"));
    let words = format!("%{}%", query.trim().replace(['\\', '%'], "").replace('_', "\\_"));
    sqlx::query_as(
        "SELECT id, subject, sent_at FROM cables
         WHERE id LIKE $1 OR canonical_id LIKE $1 OR subject ILIKE $2
         ORDER BY (id LIKE $1) DESC, sent_at DESC NULLS LAST, id LIMIT $3",
    )
    .bind(like)
    .bind(words)
    .bind(limit)
    .fetch_all(ex)
    .await
}

/// Dashboard: commitments per country and status (countries with the most first).
pub async fn country_status_counts(
    ex: impl PgExecutor<'_>,
) -> sqlx::Result<Vec<(Option<String>, String, i64)>> {
    sqlx::query_as(
        "SELECT eff_country, status, count(*) FROM commitments
         WHERE (extracted OR revision > 0) AND review <> 'dismissed' AND repeat_of IS NULL
         GROUP BY 1, 2",
    )
    .fetch_all(ex)
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RecentChange {
    pub commitment_id: i64,
    pub at: OffsetDateTime,
    pub username: String,
    pub from_value: Option<String>,
    pub to_value: Option<String>,
    pub note: String,
    pub country: Option<String>,
    pub actor: String,
}

pub async fn recent_changes(
    ex: impl PgExecutor<'_>,
    limit: i64,
) -> sqlx::Result<Vec<RecentChange>> {
    sqlx::query_as(
        "SELECT e.commitment_id, e.at, e.username, e.from_value, e.to_value, e.note,
                c.eff_country AS country, COALESCE(c.actor_fix, c.actor) AS actor
         FROM commitment_events e JOIN commitments c ON c.id = e.commitment_id
         WHERE e.kind = 'status' ORDER BY e.at DESC, e.id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(ex)
    .await
}

/// Why an analyst's change was not applied.
#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    #[error("no such commitment")]
    NotFound,
    #[error(
        "this commitment was changed by {by} at {at} after you opened it; nothing was saved. \
         Review the current state below and submit again"
    )]
    Conflict { by: String, at: String },
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Locks the commitment and checks the form's revision; returns the current row.
async fn lock(conn: &mut PgConnection, id: i64, revision: i32) -> Result<Commitment, ChangeError> {
    let current: Option<Commitment> = sqlx::query_as(
        "SELECT id, cable_id, paragraph, sentence, start_byte, end_byte, actor, actor_kind,
                country, category, deadline, due_date, due_precision, quantity, conditional,
                confidence, extractor_version, extracted, review, status, actor_fix,
                country_fix, category_fix, due_date_fix, revision, repeat_of,
                COALESCE(eff_due_date < current_date AND status IN ('open', 'in_progress'), false) AS overdue,
                false AS stale
         FROM commitments WHERE id = $1 FOR UPDATE",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let current = current.ok_or(ChangeError::NotFound)?;
    if current.revision != revision {
        let last: Option<(String, OffsetDateTime)> = sqlx::query_as(
            "SELECT username, at FROM commitment_events WHERE commitment_id = $1
             ORDER BY id DESC LIMIT 1",
        )
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
        let (by, at) = last
            .map(|(u, at)| (u, crate::web::format_time(at)))
            .unwrap_or_else(|| ("someone".into(), "an unknown time".into()));
        return Err(ChangeError::Conflict { by, at });
    }
    Ok(current)
}

async fn bump(conn: &mut PgConnection, id: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE commitments SET revision = revision + 1, updated_at = now() WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn event(
    conn: &mut PgConnection,
    id: i64,
    user: &str,
    kind: &str,
    field: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
    note: &str,
    evidence: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO commitment_events (commitment_id, username, kind, field, from_value,
             to_value, note, evidence_cable_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id)
    .bind(user)
    .bind(kind)
    .bind(field)
    .bind(from)
    .bind(to)
    .bind(note)
    .bind(evidence)
    .execute(conn)
    .await?;
    Ok(())
}

/// The stored key of a cable given by key or canonical ID.
async fn cable_key(conn: &mut PgConnection, id: &str) -> Result<String, ChangeError> {
    let id = id.trim().to_ascii_uppercase();
    let key: Option<String> = sqlx::query_scalar(
        "SELECT id FROM cables WHERE id = $1 OR canonical_id = $1 ORDER BY (id = $1) DESC LIMIT 1",
    )
    .bind(&id)
    .fetch_optional(&mut *conn)
    .await?;
    key.ok_or_else(|| ChangeError::Invalid(format!("no cable {id} is stored")))
}

/// Sets the status, with a note and optionally the cable that shows it.
pub async fn set_status(
    conn: &mut PgConnection,
    id: i64,
    revision: i32,
    user: &str,
    status: &str,
    note: &str,
    evidence: Option<&str>,
) -> Result<(), ChangeError> {
    if !STATUSES.contains(&status) {
        return Err(ChangeError::Invalid(format!("{status:?} is not a status")));
    }
    let current = lock(conn, id, revision).await?;
    let evidence = match evidence.filter(|e| !e.trim().is_empty()) {
        Some(e) => Some(cable_key(conn, e).await?),
        None => None,
    };
    if current.status == status && note.trim().is_empty() && evidence.is_none() {
        return Err(ChangeError::Invalid(format!("the status is already {status}")));
    }
    sqlx::query("UPDATE commitments SET status = $2, status_changed_at = now() WHERE id = $1")
        .bind(id)
        .bind(status)
        .execute(&mut *conn)
        .await?;
    event(
        conn,
        id,
        user,
        "status",
        None,
        Some(&current.status),
        Some(status),
        note.trim(),
        evidence.as_deref(),
    )
    .await?;
    bump(conn, id).await?;
    Ok(())
}

/// Confirms or dismisses the machine's extraction (or puts it back to proposed).
pub async fn set_review(
    conn: &mut PgConnection,
    id: i64,
    revision: i32,
    user: &str,
    review: &str,
    note: &str,
) -> Result<(), ChangeError> {
    if !REVIEWS.contains(&review) {
        return Err(ChangeError::Invalid(format!("{review:?} is not a review decision")));
    }
    let current = lock(conn, id, revision).await?;
    if current.review == review {
        return Err(ChangeError::Invalid(format!("the review is already {review}")));
    }
    sqlx::query("UPDATE commitments SET review = $2 WHERE id = $1")
        .bind(id)
        .bind(review)
        .execute(&mut *conn)
        .await?;
    event(conn, id, user, "review", None, Some(&current.review), Some(review), note.trim(), None)
        .await?;
    bump(conn, id).await?;
    Ok(())
}

/// An analyst's corrections of the machine's fields; `None` leaves a field as it is, an
/// empty value clears the correction (back to the machine's value).
#[derive(Debug, Clone, Default)]
pub struct Corrections {
    pub actor: Option<String>,
    pub country: Option<String>,
    pub category: Option<String>,
    pub due_date: Option<Option<Date>>,
}

pub async fn correct(
    conn: &mut PgConnection,
    id: i64,
    revision: i32,
    user: &str,
    fix: &Corrections,
    note: &str,
) -> Result<usize, ChangeError> {
    let current = lock(conn, id, revision).await?;
    let mut changes: Vec<(&str, Option<String>, Option<String>)> = Vec::new();
    let text =
        |v: &Option<String>| v.as_ref().map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    if let Some(actor) = &fix.actor {
        let new = text(&Some(actor.clone())).filter(|a| *a != current.actor);
        if new != current.actor_fix {
            changes.push(("actor", current.actor_fix.clone(), new));
        }
    }
    if let Some(country) = &fix.country {
        let new = text(&Some(country.to_ascii_uppercase()))
            .filter(|c| Some(c) != current.country.as_ref());
        if let Some(c) = &new
            && crate::cable::countries::lookup(c).is_none()
        {
            return Err(ChangeError::Invalid(format!("{c:?} is not a country tag")));
        }
        if new != current.country_fix {
            changes.push(("country", current.country_fix.clone(), new));
        }
    }
    if let Some(category) = &fix.category {
        let new = text(&Some(category.clone())).filter(|c| *c != current.category);
        if let Some(c) = &new
            && !CATEGORIES.contains(&c.as_str())
        {
            return Err(ChangeError::Invalid(format!("{c:?} is not a category")));
        }
        if new != current.category_fix {
            changes.push(("category", current.category_fix.clone(), new));
        }
    }
    if let Some(due) = &fix.due_date {
        let new = due.filter(|d| Some(*d) != current.due_date);
        if new != current.due_date_fix {
            changes.push((
                "due_date",
                current.due_date_fix.map(|d| d.to_string()),
                new.map(|d| d.to_string()),
            ));
        }
    }
    if changes.is_empty() {
        return Err(ChangeError::Invalid("nothing to correct: the values are unchanged".into()));
    }
    for (field, from, to) in &changes {
        let column = match *field {
            "actor" => "actor_fix",
            "country" => "country_fix",
            "category" => "category_fix",
            _ => "due_date_fix",
        };
        let sql = if *field == "due_date" {
            format!("UPDATE commitments SET {column} = $2::date WHERE id = $1")
        } else {
            format!("UPDATE commitments SET {column} = $2 WHERE id = $1")
        };
        sqlx::query(&sql).bind(id).bind(to.as_deref()).execute(&mut *conn).await?;
        event(
            conn,
            id,
            user,
            "correction",
            Some(field),
            from.as_deref(),
            to.as_deref(),
            note.trim(),
            None,
        )
        .await?;
    }
    bump(conn, id).await?;
    Ok(changes.len())
}

/// Links a later cable to the commitment.
#[allow(clippy::too_many_arguments)]
pub async fn add_link(
    conn: &mut PgConnection,
    id: i64,
    revision: i32,
    user: &str,
    cable: &str,
    kind: &str,
    note: &str,
    origin: &str,
) -> Result<(), ChangeError> {
    if !LINK_KINDS.contains(&kind) {
        return Err(ChangeError::Invalid(format!("{kind:?} is not a link kind")));
    }
    let current = lock(conn, id, revision).await?;
    let key = cable_key(conn, cable).await?;
    if key == current.cable_id {
        return Err(ChangeError::Invalid("a commitment cannot follow up its own cable".into()));
    }
    let inserted = sqlx::query(
        "INSERT INTO commitment_links (commitment_id, cable_id, kind, note, origin, username)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (commitment_id, cable_id) DO NOTHING",
    )
    .bind(id)
    .bind(&key)
    .bind(kind)
    .bind(note.trim())
    .bind(origin)
    .bind(user)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Err(ChangeError::Invalid(format!("{key} is already linked")));
    }
    event(conn, id, user, "link", Some(kind), None, Some(&key), note.trim(), Some(&key)).await?;
    bump(conn, id).await?;
    Ok(())
}

/// Accepts a suggested follow-up: links the cable with the suggested kind (the reasons as
/// the note) and, with `set_status`, marks the commitment fulfilled or stalled as the
/// suggestion says, citing the cable as evidence. Each is an event, as if done by hand.
pub async fn accept_suggestion(
    conn: &mut PgConnection,
    id: i64,
    revision: i32,
    user: &str,
    cable: &str,
    and_status: bool,
) -> Result<(), ChangeError> {
    let Some((kind, reasons)) =
        crate::db::follow::decide(conn, id, cable, "accepted", user).await?
    else {
        return Err(ChangeError::Invalid(format!(
            "there is no open suggestion of {cable} for this commitment (already decided?)"
        )));
    };
    let note = format!("suggested: {}", reasons.join("; "));
    let note: String = note.chars().take(4000).collect();
    add_link(conn, id, revision, user, cable, &kind, &note, "suggestion").await?;
    let status = match kind.as_str() {
        "fulfils" => Some("fulfilled"),
        "stalls" => Some("stalled"),
        _ => None,
    };
    if and_status && let Some(status) = status {
        set_status(
            conn,
            id,
            revision + 1,
            user,
            status,
            "accepted a suggested follow-up",
            Some(cable),
        )
        .await?;
    }
    Ok(())
}

/// Dismisses a suggested follow-up; it is not proposed again.
pub async fn dismiss_suggestion(
    conn: &mut PgConnection,
    id: i64,
    user: &str,
    cable: &str,
) -> Result<(), ChangeError> {
    match crate::db::follow::decide(conn, id, cable, "dismissed", user).await? {
        Some(_) => Ok(()),
        None => Err(ChangeError::Invalid(format!(
            "there is no open suggestion of {cable} for this commitment (already decided?)"
        ))),
    }
}

pub async fn remove_link(
    conn: &mut PgConnection,
    id: i64,
    revision: i32,
    user: &str,
    link_id: i64,
) -> Result<(), ChangeError> {
    lock(conn, id, revision).await?;
    let removed: Option<(String, String, String)> = sqlx::query_as(
        "DELETE FROM commitment_links WHERE id = $1 AND commitment_id = $2
         RETURNING cable_id, kind, origin",
    )
    .bind(link_id)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let (cable, kind, origin) = removed.ok_or(ChangeError::NotFound)?;
    if origin == "repeat" {
        // The analyst says the later cable's commitment is not this promise again: ungroup
        // them, and keep the engine from grouping them (or suggesting the cable) again.
        crate::db::follow::ungroup(conn, id, &cable).await?;
        sqlx::query(
            "INSERT INTO suggestions (commitment_id, cable_id, score, kind, reasons, state,
                                      decided_by, decided_at)
             VALUES ($1, $2, 0, 'reiterates', '[]', 'dismissed', $3, now())
             ON CONFLICT (commitment_id, cable_id) DO UPDATE
             SET state = 'dismissed', decided_by = $3, decided_at = now()",
        )
        .bind(id)
        .bind(&cable)
        .bind(user)
        .execute(&mut *conn)
        .await?;
    }
    event(conn, id, user, "unlink", Some(&kind), Some(&cable), None, "", None).await?;
    bump(conn, id).await?;
    Ok(())
}

/// Commitment counts per status for a country (`None`: commitments without a country).
pub async fn country_summary(
    ex: impl PgExecutor<'_>,
    country: &str,
) -> sqlx::Result<Vec<(String, i64, i64)>> {
    sqlx::query_as(
        "SELECT status, count(*),
                count(*) FILTER (WHERE eff_due_date < current_date
                                 AND status IN ('open', 'in_progress'))
         FROM commitments
         WHERE eff_country = $1 AND (extracted OR revision > 0) AND review <> 'dismissed'
           AND repeat_of IS NULL
         GROUP BY status",
    )
    .bind(country)
    .fetch_all(ex)
    .await
}
