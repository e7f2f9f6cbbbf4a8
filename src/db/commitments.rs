//! Storing the extractor's output: commitments and signals, reconciled with what analysts
//! have done.
//!
//! A commitment is matched across extractions by its cable and the hash of its sentence.
//! Storing an extraction for a cable:
//! - a sentence found again gets the new machine fields (span, actor, due date, ...), and
//!   keeps its review, status, corrections, events and links;
//! - a sentence found for the first time is inserted as `proposed` and `open`;
//! - a sentence no longer found is deleted when nobody has touched it (`revision = 0`),
//!   and otherwise kept with `extracted = false`, so no analyst work is ever lost.

use std::collections::HashSet;

use sqlx::PgConnection;

use crate::extract::{Extraction, labels};

/// What storing a batch of extractions did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stored {
    pub inserted: u64,
    pub updated: u64,
    pub removed: u64,
    /// No longer extracted, kept for the analyst work on them.
    pub kept: u64,
}

/// Stores the extractions of the given cables (row keys) in one go, in the caller's
/// transaction, and records `version` as what each cable was extracted with.
pub async fn store(
    conn: &mut PgConnection,
    items: &[(&str, &Extraction)],
    version: &str,
) -> sqlx::Result<Stored> {
    let mut out = Stored::default();
    if items.is_empty() {
        return Ok(out);
    }
    let keys: Vec<&str> = items.iter().map(|(k, _)| *k).collect();

    let mut cable_id: Vec<&str> = Vec::new();
    let mut hash: Vec<String> = Vec::new();
    let mut paragraph: Vec<Option<&str>> = Vec::new();
    let mut sentence: Vec<&str> = Vec::new();
    let mut start: Vec<i32> = Vec::new();
    let mut end: Vec<i32> = Vec::new();
    let mut actor: Vec<&str> = Vec::new();
    let mut actor_kind: Vec<&str> = Vec::new();
    let mut country: Vec<Option<&str>> = Vec::new();
    let mut category: Vec<&str> = Vec::new();
    let mut deadline: Vec<Option<&str>> = Vec::new();
    let mut due_date: Vec<Option<time::Date>> = Vec::new();
    let mut due_precision: Vec<Option<&str>> = Vec::new();
    let mut quantity: Vec<Option<&str>> = Vec::new();
    let mut quantity_value: Vec<Option<f64>> = Vec::new();
    let mut conditional: Vec<bool> = Vec::new();
    let mut confidence: Vec<f32> = Vec::new();
    let mut seen: HashSet<(&str, String)> = HashSet::new();
    for (key, extraction) in items {
        for c in &extraction.commitments {
            let h = labels::sentence_hash(&c.sentence);
            // The same sentence twice in one cable is one commitment.
            if !seen.insert((key, h.clone())) {
                continue;
            }
            cable_id.push(key);
            hash.push(h);
            paragraph.push(c.paragraph.as_deref());
            sentence.push(&c.sentence);
            start.push(c.start as i32);
            end.push(c.end as i32);
            actor.push(&c.actor);
            actor_kind.push(c.actor_kind.as_str());
            country.push(c.country.as_deref());
            category.push(c.category.as_str());
            deadline.push(c.deadline.as_deref());
            due_date.push(c.due_date);
            due_precision.push(c.due_precision.map(|p| p.as_str()));
            quantity.push(c.quantity.as_deref());
            quantity_value.push(c.quantity_value);
            conditional.push(c.conditional);
            confidence.push(c.confidence as f32);
        }
    }

    if !cable_id.is_empty() {
        // `xmax = 0` tells a fresh insert from an update.
        let rows: Vec<(bool,)> = sqlx::query_as(
            "INSERT INTO commitments AS c (cable_id, sentence_hash, paragraph, sentence,
                 start_byte, end_byte, actor, actor_kind, country, category, deadline, due_date,
                 due_precision, quantity, quantity_value, conditional, confidence,
                 extractor_version)
             SELECT t.*, $18 FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[],
                 $5::int[], $6::int[], $7::text[], $8::text[], $9::text[], $10::text[],
                 $11::text[], $12::date[], $13::text[], $14::text[], $15::float8[],
                 $16::bool[], $17::real[]) AS t
             ON CONFLICT (cable_id, sentence_hash) DO UPDATE SET
                 paragraph = EXCLUDED.paragraph, sentence = EXCLUDED.sentence,
                 start_byte = EXCLUDED.start_byte, end_byte = EXCLUDED.end_byte,
                 actor = EXCLUDED.actor, actor_kind = EXCLUDED.actor_kind,
                 country = EXCLUDED.country, category = EXCLUDED.category,
                 deadline = EXCLUDED.deadline, due_date = EXCLUDED.due_date,
                 due_precision = EXCLUDED.due_precision, quantity = EXCLUDED.quantity,
                 quantity_value = EXCLUDED.quantity_value, conditional = EXCLUDED.conditional,
                 confidence = EXCLUDED.confidence, extractor_version = EXCLUDED.extractor_version,
                 extracted = true, updated_at = now()
             RETURNING (xmax = 0)",
        )
        .bind(&cable_id)
        .bind(&hash)
        .bind(&paragraph)
        .bind(&sentence)
        .bind(&start)
        .bind(&end)
        .bind(&actor)
        .bind(&actor_kind)
        .bind(&country)
        .bind(&category)
        .bind(&deadline)
        .bind(&due_date)
        .bind(&due_precision)
        .bind(&quantity)
        .bind(&quantity_value)
        .bind(&conditional)
        .bind(&confidence)
        .bind(version)
        .fetch_all(&mut *conn)
        .await?;
        out.inserted = rows.iter().filter(|r| r.0).count() as u64;
        out.updated = rows.len() as u64 - out.inserted;
    }

    // Sentences no longer found: untouched ones go, worked-on ones stay, marked.
    let stale = "c.cable_id = ANY($1) AND NOT EXISTS (
                     SELECT 1 FROM UNNEST($2::text[], $3::text[]) AS n(cable_id, h)
                     WHERE n.cable_id = c.cable_id AND n.h = c.sentence_hash)";
    out.removed = sqlx::query(&format!(
        "DELETE FROM commitments c WHERE {stale} AND c.revision = 0 AND c.review = 'proposed'"
    ))
    .bind(&keys)
    .bind(&cable_id)
    .bind(&hash)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    out.kept = sqlx::query(&format!(
        "UPDATE commitments c SET extracted = false, updated_at = now()
         WHERE {stale} AND c.extracted"
    ))
    .bind(&keys)
    .bind(&cable_id)
    .bind(&hash)
    .execute(&mut *conn)
    .await?
    .rows_affected();

    // The cable's date, for the list's ordering.
    sqlx::query(
        "UPDATE commitments c SET sent_at = k.sent_at FROM cables k
         WHERE c.cable_id = ANY($1) AND k.id = c.cable_id AND k.sent_at IS NOT NULL
           AND c.sent_at IS DISTINCT FROM k.sent_at",
    )
    .bind(&keys)
    .execute(&mut *conn)
    .await?;

    store_signals(conn, items).await?;
    sqlx::query("UPDATE cables SET extracted_with = $2 WHERE id = ANY($1)")
        .bind(&keys)
        .bind(version)
        .execute(&mut *conn)
        .await?;
    Ok(out)
}

async fn store_signals(conn: &mut PgConnection, items: &[(&str, &Extraction)]) -> sqlx::Result<()> {
    let keys: Vec<&str> = items.iter().map(|(k, _)| *k).collect();
    sqlx::query("DELETE FROM signals WHERE cable_id = ANY($1)")
        .bind(&keys)
        .execute(&mut *conn)
        .await?;
    let mut cable_id = Vec::new();
    let mut start = Vec::new();
    let mut end = Vec::new();
    let mut kind = Vec::new();
    let mut actor: Vec<Option<&str>> = Vec::new();
    let mut sentence = Vec::new();
    let mut seen: HashSet<(&str, usize)> = HashSet::new();
    for (key, extraction) in items {
        for s in &extraction.signals {
            if seen.insert((key, s.start)) {
                cable_id.push(*key);
                start.push(s.start as i32);
                end.push(s.end as i32);
                kind.push(s.kind.as_str());
                actor.push(s.actor.as_deref());
                sentence.push(s.sentence.as_str());
            }
        }
    }
    if cable_id.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO signals (cable_id, start_byte, end_byte, kind, actor, sentence)
         SELECT * FROM UNNEST($1::text[], $2::int[], $3::int[], $4::text[], $5::text[],
             $6::text[])",
    )
    .bind(&cable_id)
    .bind(&start)
    .bind(&end)
    .bind(&kind)
    .bind(&actor)
    .bind(&sentence)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The stored cables whose commitments come from an extractor other than `version` (all of
/// them with `all`), in key order after `after`, at most `limit`: what `reextract` reads.
pub async fn stale_cables(
    conn: &mut PgConnection,
    version: &str,
    all: bool,
    after: &str,
    limit: i64,
) -> sqlx::Result<Vec<StoredCable>> {
    sqlx::query_as(
        "SELECT id, subject, body, paragraphs, countries, sent_at FROM cables
         WHERE id > $1 AND ($2 OR extracted_with IS DISTINCT FROM $3)
         ORDER BY id LIMIT $4",
    )
    .bind(after)
    .bind(all)
    .bind(version)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// The columns of a stored cable that the extractor reads.
#[derive(Debug, sqlx::FromRow)]
pub struct StoredCable {
    pub id: String,
    pub subject: Option<String>,
    pub body: String,
    pub paragraphs: sqlx::types::Json<Vec<crate::cable::Paragraph>>,
    pub countries: Vec<String>,
    pub sent_at: Option<time::OffsetDateTime>,
}

impl StoredCable {
    /// The extractor's view of this cable.
    pub fn doc(&self) -> crate::extract::Doc<'_> {
        crate::extract::Doc {
            body: &self.body,
            paragraphs: &self.paragraphs.0,
            countries: self
                .countries
                .iter()
                .filter_map(|c| crate::cable::countries::lookup(c).map(|c| c.code))
                .collect(),
            sent_at: self.sent_at,
        }
    }
}

/// Commitment counts, for reports and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub commitments: i64,
    pub extracted: i64,
    pub signals: i64,
    pub events: i64,
    pub links: i64,
}

pub async fn counts(conn: &mut PgConnection) -> sqlx::Result<Counts> {
    let (commitments, extracted, signals, events, links): (i64, i64, i64, i64, i64) =
        sqlx::query_as(
            "SELECT (SELECT count(*) FROM commitments),
                    (SELECT count(*) FROM commitments WHERE extracted),
                    (SELECT count(*) FROM signals),
                    (SELECT count(*) FROM commitment_events),
                    (SELECT count(*) FROM commitment_links)",
        )
        .fetch_one(conn)
        .await?;
    Ok(Counts { commitments, extracted, signals, events, links })
}
