//! Cables and their references: what ingest writes and the pages read.

use std::collections::HashMap;

use sqlx::PgExecutor;
use time::OffsetDateTime;

use crate::cable::Cable;

/// A cable as stored: the parsed cable plus its key, where it came from and its content
/// hash.
#[derive(Debug)]
pub struct NewCable {
    /// The row's key: the name the document was distributed under (see [`document_key`]).
    pub key: String,
    pub cable: Cable,
    pub source: String,
    pub content_hash: Vec<u8>,
    /// The extractor's output for it.
    pub extraction: crate::extract::Extraction,
    /// What the follow-up engine reads of it: its words, and its status sentences.
    pub follow_text: String,
    pub cues: Vec<crate::follow::CueSentence>,
}

impl NewCable {
    /// Parses nothing: takes a parsed cable and computes what is stored beside it.
    pub fn new(key: String, cable: Cable, source: String, content_hash: Vec<u8>) -> NewCable {
        // One split serves both the extractor and the status sentences.
        let split = crate::extract::sentences::split(&cable);
        let mut cues = crate::follow::cue_sentences(&split);
        let doc = crate::extract::Doc::of(&cable);
        let extraction = crate::extract::extract_sentences(&doc, &crate::extract::MODEL, split);
        crate::follow::add_refusals(&mut cues, &extraction.signals);
        NewCable {
            key,
            source,
            content_hash,
            extraction,
            follow_text: crate::follow::index_text(
                cable.countries.iter().map(|c| c.code),
                cable.subject.as_deref(),
                &cable.body,
            ),
            cues,
            cable,
        }
    }
}

/// A document's key: its file's name when that is a cable ID (the corpus and the
/// WikiLeaks releases name files by the published ID), else the ID its text gives.
pub fn document_key(file_stem: Option<&str>, cable: &Cable) -> String {
    file_stem
        .map(|s| s.trim().to_ascii_uppercase())
        .filter(|s| crate::cable::ids::looks_like_id(s))
        .unwrap_or_else(|| cable.reference_id.clone())
}

/// The stored content hash of each of `ids` that exists.
pub async fn existing_hashes(
    ex: impl PgExecutor<'_>,
    ids: &[String],
) -> sqlx::Result<HashMap<String, Vec<u8>>> {
    let rows: Vec<(String, Vec<u8>)> =
        sqlx::query_as("SELECT id, content_hash FROM cables WHERE id = ANY($1)")
            .bind(ids)
            .fetch_all(ex)
            .await?;
    Ok(rows.into_iter().collect())
}

/// Separator for array-valued columns passed through `UNNEST` (PostgreSQL cannot unnest an
/// array of arrays): the ASCII unit separator, which no tag contains.
const SEP: &str = "\u{1f}";

/// Inserts new cables and replaces changed ones, in one statement (one array per column).
pub async fn upsert(ex: impl PgExecutor<'_>, cables: &[NewCable]) -> sqlx::Result<u64> {
    if cables.is_empty() {
        return Ok(0);
    }
    let n = cables.len();
    let mut id = Vec::with_capacity(n);
    let mut canonical_id = Vec::with_capacity(n);
    let mut reference_id = Vec::with_capacity(n);
    let mut hash = Vec::with_capacity(n);
    let mut source = Vec::with_capacity(n);
    let mut format = Vec::with_capacity(n);
    let mut id_source = Vec::with_capacity(n);
    let mut sent_at: Vec<Option<OffsetDateTime>> = Vec::with_capacity(n);
    let mut origin = Vec::with_capacity(n);
    let mut post = Vec::with_capacity(n);
    let mut classification = Vec::with_capacity(n);
    let mut subject = Vec::with_capacity(n);
    let mut tags = Vec::with_capacity(n);
    let mut countries = Vec::with_capacity(n);
    let mut recipients = Vec::with_capacity(n);
    let mut info_recipients = Vec::with_capacity(n);
    let mut paragraphs = Vec::with_capacity(n);
    let mut header = Vec::with_capacity(n);
    let mut body = Vec::with_capacity(n);
    let mut follow_text = Vec::with_capacity(n);
    for c in cables {
        let k = &c.cable;
        follow_text.push(c.follow_text.as_str());
        id.push(c.key.as_str());
        canonical_id.push(k.canonical_id.as_str());
        reference_id.push(k.reference_id.as_str());
        hash.push(c.content_hash.as_slice());
        source.push(c.source.as_str());
        format.push(k.format.as_str());
        id_source.push(k.id_source.as_str());
        sent_at.push(k.sent_at);
        origin.push(k.origin.as_deref());
        post.push(k.post.as_deref());
        classification.push(k.classification.as_deref());
        subject.push(k.subject.as_deref());
        tags.push(k.tags.join(SEP));
        countries.push(k.countries.iter().map(|c| c.code).collect::<Vec<_>>().join(SEP));
        recipients.push(serde_json::to_value(&k.recipients).unwrap_or_default());
        info_recipients.push(serde_json::to_value(&k.info_recipients).unwrap_or_default());
        paragraphs.push(serde_json::to_value(&k.paragraphs).unwrap_or_default());
        header.push(k.header.as_str());
        body.push(k.body.as_str());
    }
    let result = sqlx::query(
        "INSERT INTO cables (id, canonical_id, reference_id, content_hash, source, format,
             id_source, sent_at, origin, post, classification, subject, tags, countries,
             recipients, info_recipients, paragraphs, header, body, search)
         SELECT id, canonical_id, reference_id, content_hash, source, format, id_source,
             sent_at, origin,
             post, classification, subject,
             COALESCE(string_to_array(NULLIF(tags, ''), E'\\x1f'), '{}'),
             COALESCE(string_to_array(NULLIF(countries, ''), E'\\x1f'), '{}'),
             recipients, info_recipients, paragraphs, header, body,
             to_tsvector('english', follow_text)
         FROM UNNEST($1::text[], $2::text[], $3::bytea[], $4::text[], $5::text[], $6::text[],
             $7::timestamptz[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[],
             $13::text[], $14::jsonb[], $15::jsonb[], $16::jsonb[], $17::text[], $18::text[],
             $19::text[], $20::text[])
             AS t(id, canonical_id, content_hash, source, format, id_source, sent_at, origin,
                  post, classification, subject, tags, countries, recipients, info_recipients,
                  paragraphs, header, body, reference_id, follow_text)
         ON CONFLICT (id) DO UPDATE SET
             canonical_id = EXCLUDED.canonical_id, reference_id = EXCLUDED.reference_id,
             content_hash = EXCLUDED.content_hash,
             source = EXCLUDED.source, format = EXCLUDED.format, id_source = EXCLUDED.id_source,
             sent_at = EXCLUDED.sent_at, origin = EXCLUDED.origin, post = EXCLUDED.post,
             classification = EXCLUDED.classification, subject = EXCLUDED.subject,
             tags = EXCLUDED.tags, countries = EXCLUDED.countries,
             recipients = EXCLUDED.recipients, info_recipients = EXCLUDED.info_recipients,
             paragraphs = EXCLUDED.paragraphs, header = EXCLUDED.header, body = EXCLUDED.body,
             search = EXCLUDED.search, updated_at = now()",
    )
    .bind(&id)
    .bind(&canonical_id)
    .bind(&hash)
    .bind(&source)
    .bind(&format)
    .bind(&id_source)
    .bind(&sent_at)
    .bind(&origin)
    .bind(&post)
    .bind(&classification)
    .bind(&subject)
    .bind(&tags)
    .bind(&countries)
    .bind(&recipients)
    .bind(&info_recipients)
    .bind(&paragraphs)
    .bind(&header)
    .bind(&body)
    .bind(&reference_id)
    .bind(&follow_text)
    .execute(ex)
    .await?;
    Ok(result.rows_affected())
}

/// Replaces the stored references of the given cables.
pub async fn replace_refs(conn: &mut sqlx::PgConnection, cables: &[NewCable]) -> sqlx::Result<()> {
    let ids: Vec<&str> = cables.iter().map(|c| c.key.as_str()).collect();
    sqlx::query("DELETE FROM cable_refs WHERE cable_id = ANY($1)")
        .bind(&ids)
        .execute(&mut *conn)
        .await?;
    let mut cable_id = Vec::new();
    let mut position = Vec::new();
    let mut kind = Vec::new();
    let mut target = Vec::new();
    let mut label: Vec<Option<&str>> = Vec::new();
    for c in cables {
        for (i, r) in c.cable.references.iter().enumerate() {
            cable_id.push(c.key.as_str());
            position.push(i as i32);
            kind.push(r.kind.as_str());
            target.push(r.value.as_str());
            label.push(r.label.as_deref());
        }
    }
    if cable_id.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO cable_refs (cable_id, position, kind, target, label)
         SELECT * FROM UNNEST($1::text[], $2::int[], $3::text[], $4::text[], $5::text[])",
    )
    .bind(&cable_id)
    .bind(&position)
    .bind(&kind)
    .bind(&target)
    .bind(&label)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Row counts, for reports and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub cables: i64,
    pub refs: i64,
}

pub async fn counts(ex: impl PgExecutor<'_>) -> sqlx::Result<Counts> {
    let (cables, refs): (i64, i64) =
        sqlx::query_as("SELECT (SELECT count(*) FROM cables), (SELECT count(*) FROM cable_refs)")
            .fetch_one(ex)
            .await?;
    Ok(Counts { cables, refs })
}
