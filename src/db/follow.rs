//! The follow-up engine's SQL: each cable's full-text index and status sentences (written
//! at ingest), the evidence that later cables speak to commitments, and the stored
//! suggestions with analysts' decisions on them.

use sqlx::{PgConnection, PgExecutor};
use time::OffsetDateTime;

use crate::follow::{CueSentence, Evidence};

/// Writes the full-text index and status sentences of the given cables (row keys, index
/// text, status sentences), replacing what was there. A cable given no text keeps its
/// index: one just written with its row has it already (a second write would leave a dead
/// copy of the row and its words behind).
pub async fn store_index(
    conn: &mut PgConnection,
    items: &[(&str, Option<&str>, &[CueSentence])],
) -> sqlx::Result<()> {
    if items.is_empty() {
        return Ok(());
    }
    let keys: Vec<&str> = items.iter().map(|i| i.0).collect();
    let (index_keys, texts): (Vec<&str>, Vec<&str>) =
        items.iter().filter_map(|i| Some((i.0, i.1?))).unzip();
    if !index_keys.is_empty() {
        sqlx::query(
            "UPDATE cables k SET search = t.search
             FROM (SELECT id, to_tsvector('english', text) AS search
                   FROM unnest($1::text[], $2::text[]) AS u(id, text)) t
             WHERE k.id = t.id AND k.search IS DISTINCT FROM t.search",
        )
        .bind(&index_keys)
        .bind(&texts)
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query("DELETE FROM status_cues WHERE cable_id = ANY($1)")
        .bind(&keys)
        .execute(&mut *conn)
        .await?;
    let (mut cable, mut start, mut end, mut cue, mut sentence) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (key, _, cues) in items {
        for c in cues.iter() {
            cable.push(*key);
            start.push(c.start as i32);
            end.push(c.end as i32);
            cue.push(c.cue.as_str());
            sentence.push(c.sentence.as_str());
        }
    }
    sqlx::query(
        "INSERT INTO status_cues (cable_id, start_byte, end_byte, cue, sentence)
         SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::text[], $5::text[])
         ON CONFLICT DO NOTHING",
    )
    .bind(&cable)
    .bind(&start)
    .bind(&end)
    .bind(&cue)
    .bind(&sentence)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Recounts how many cables each word is in.
pub async fn refresh_term_stats(conn: &mut PgConnection) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM term_stats").execute(&mut *conn).await?;
    sqlx::query(
        "INSERT INTO term_stats (word, ndoc)
         SELECT word, ndoc FROM ts_stat('SELECT search FROM cables WHERE search IS NOT NULL')",
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Whether the word counts are missing (never computed, or computed on no cables).
pub async fn term_stats_empty(ex: impl PgExecutor<'_>) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT NOT EXISTS (SELECT 1 FROM term_stats)").fetch_one(ex).await
}

/// For each term, how many cables have it (for a phrase, its rarest word's count), and how
/// many cables are stored.
pub async fn term_frequencies(
    ex: impl PgExecutor<'_>,
    terms: &[String],
) -> sqlx::Result<(std::collections::HashMap<String, i64>, i64)> {
    let rows: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT t.term, COALESCE(min(s.ndoc), 0)::bigint,
                (SELECT count(*) FROM cables)
         FROM unnest($1::text[]) AS t(term)
         LEFT JOIN LATERAL unnest(tsvector_to_array(to_tsvector('english', t.term))) AS w(lex)
              ON true
         LEFT JOIN term_stats s ON s.word = w.lex
         GROUP BY t.term",
    )
    .bind(terms)
    .fetch_all(ex)
    .await?;
    let total = rows.first().map_or(0, |r| r.2);
    Ok((rows.into_iter().map(|(t, n, _)| (t, n)).collect(), total))
}

/// A commitment whose suggestions are (re)computed: its ID, country and sentence, and
/// whether against every later cable (`full`) or only against newly stored ones.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Target {
    pub id: i64,
    pub country: String,
    pub sentence: String,
    pub full: bool,
}

/// The commitments new cables may speak to: those of the cables themselves, and the open
/// or in-progress ones of the same countries from before them.
pub async fn affected(ex: impl PgExecutor<'_>, cable_keys: &[String]) -> sqlx::Result<Vec<Target>> {
    // The keys as a set the planner can hash: `= ANY(array)` would compare each commitment
    // with every key (quadratic in a large load).
    sqlx::query_as(
        "WITH keys AS (SELECT DISTINCT unnest($1::text[]) AS id),
         w AS (
             SELECT unnest(k.countries) AS country, max(k.sent_at) AS latest
             FROM cables k JOIN keys USING (id) GROUP BY 1
         ),
         own AS (SELECT c.id FROM commitments c JOIN keys ON keys.id = c.cable_id)
         SELECT c.id, c.eff_country AS country, c.sentence, own.id IS NOT NULL AS full
         FROM commitments c
         LEFT JOIN own ON own.id = c.id
         WHERE c.review <> 'dismissed' AND c.eff_country IS NOT NULL
           AND (c.extracted OR c.revision > 0)
           AND (own.id IS NOT NULL
                OR (c.status IN ('open', 'in_progress')
                    AND EXISTS (SELECT 1 FROM w WHERE w.country = c.eff_country
                                AND c.sent_at < w.latest)))
         ORDER BY c.id",
    )
    .bind(cable_keys)
    .fetch_all(ex)
    .await
}

/// Every commitment the engine follows, each against every later cable.
pub async fn all_targets(ex: impl PgExecutor<'_>) -> sqlx::Result<Vec<Target>> {
    sqlx::query_as(
        "SELECT c.id, c.eff_country AS country, c.sentence, true AS full
         FROM commitments c
         WHERE c.review <> 'dismissed' AND c.eff_country IS NOT NULL
           AND (c.extracted OR c.revision > 0)
         ORDER BY c.id",
    )
    .fetch_all(ex)
    .await
}

/// The commitments of one cable (given by key or canonical ID).
pub async fn of_cable(ex: impl PgExecutor<'_>, cable: &str) -> sqlx::Result<Vec<Target>> {
    sqlx::query_as(
        "SELECT c.id, c.eff_country AS country, c.sentence, true AS full
         FROM commitments c JOIN cables k ON k.id = c.cable_id
         WHERE (k.id = $1 OR k.canonical_id = $1) AND c.eff_country IS NOT NULL
         ORDER BY c.start_byte, c.id",
    )
    .bind(cable.trim().to_ascii_uppercase())
    .fetch_all(ex)
    .await
}

#[derive(Debug, sqlx::FromRow)]
struct EvidenceRow {
    commitment_id: i64,
    cable_id: String,
    source: String,
    source_subject: String,
    subject: String,
    direct_ref: Option<String>,
    via: Option<String>,
    shared_tags: Vec<String>,
    n_terms: i32,
    matched: Vec<String>,
    cue: Option<String>,
    cue_sentence: Option<String>,
    cue_named: Option<i64>,
    repeat_id: Option<i64>,
    repeat_sentence: Option<String>,
    repeat_named: Option<i64>,
}

/// Later cables about the same country that cite the commitment's cable (directly or
/// through one cable between) or name its key terms, with what each has to show. Input:
/// commitment IDs, and for each the `to_tsquery` expression that finds its candidates
/// (nearest in time first) and its terms joined by U+001F; with `only`, just those later
/// cables (row keys) are considered.
pub async fn evidence(
    ex: impl PgExecutor<'_>,
    ids: &[i64],
    finds: &[String],
    terms: &[String],
    only: Option<&[String]>,
) -> sqlx::Result<Vec<(i64, String, Evidence)>> {
    let rows: Vec<EvidenceRow> = sqlx::query_as(
        "WITH c AS (
             SELECT c.id, c.eff_country AS country, c.sent_at, c.cable_id AS source_key,
                    k.canonical_id AS source, COALESCE(k.subject, '') AS source_subject,
                    k.tags AS source_tags, to_tsquery('english', t.find) AS find,
                    string_to_array(t.terms, E'\\x1f') AS terms,
                    -- Each term as a query (all of its words), in the order of `terms`.
                    ARRAY(SELECT plainto_tsquery('english', w)
                          FROM unnest(string_to_array(t.terms, E'\\x1f')) w) AS term_queries
             FROM unnest($1::bigint[], $2::text[], $3::text[]) AS t(id, find, terms)
             JOIN commitments c ON c.id = t.id
             JOIN cables k ON k.id = c.cable_id
             WHERE c.eff_country IS NOT NULL
         ),
         cited AS (
             SELECT c.id, r.cable_id AS later, min(COALESCE(r.label, '')) AS label
             FROM c JOIN cable_refs r ON r.kind = 'cable' AND r.target = c.source
             GROUP BY 1, 2
         ),
         chained AS (
             SELECT c.id, r2.cable_id AS later, min(m.canonical_id) AS via
             FROM c
             JOIN cable_refs r1 ON r1.kind = 'cable' AND r1.target = c.source
             JOIN cables m ON m.id = r1.cable_id
             JOIN cable_refs r2 ON r2.kind = 'cable' AND r2.target = m.canonical_id
             GROUP BY 1, 2
         ),
         content AS (
             SELECT c.id, x.later FROM c CROSS JOIN LATERAL (
                 SELECT k.id AS later FROM cables k
                 -- `+ interval '0 s'` keeps the sent_at index out of it: ANDing the
                 -- word index's few matches with every later cable's row costs ten
                 -- times the word index alone, and after some ANALYZE runs the planner
                 -- chose it.
                 WHERE k.countries @> ARRAY[c.country] AND k.search @@ c.find
                   AND k.sent_at + interval '0 s' > c.sent_at
                   AND ($4::text[] IS NULL OR k.id = ANY($4))
                 ORDER BY k.sent_at
                 LIMIT 8
             ) x
         ),
         pairs AS (
             SELECT id, later FROM cited
             UNION SELECT id, later FROM chained
             UNION SELECT id, later FROM content
         )
         SELECT p.id AS commitment_id, k.id AS cable_id, c.source, c.source_subject,
                COALESCE(k.subject, '') AS subject, ci.label AS direct_ref, ch.via,
                ARRAY(SELECT t FROM unnest(k.tags) t
                      WHERE length(t) > 2 AND t = ANY(c.source_tags)) AS shared_tags,
                cardinality(c.terms) AS n_terms,
                ARRAY(SELECT t FROM unnest(c.terms, c.term_queries) AS x(t, q)
                      WHERE numnode(q) > 0 AND lex.words @@ q) AS matched,
                cue.cue, cue.sentence AS cue_sentence, cue.named AS cue_named,
                rep.id AS repeat_id, rep.sentence AS repeat_sentence, rep.named AS repeat_named
         FROM pairs p
         JOIN c ON c.id = p.id
         JOIN cables k ON k.id = p.later
         LEFT JOIN cited ci ON ci.id = p.id AND ci.later = p.later
         LEFT JOIN chained ch ON ch.id = p.id AND ch.later = p.later
         -- The later cable's words, decompressed once per pair (each use of the stored
         -- vector would decompress it again): the concatenation makes a plain in-memory
         -- copy, and OFFSET 0 keeps the planner from folding it into every use.
         CROSS JOIN LATERAL (SELECT k.search || ''::tsvector AS words OFFSET 0) lex
         LEFT JOIN LATERAL (
             SELECT s.cue, s.sentence, named FROM status_cues s
             CROSS JOIN LATERAL (
                 SELECT count(*) AS named FROM unnest(c.term_queries) q
                 WHERE numnode(q) > 0 AND s.search @@ q) n
             WHERE s.cable_id = k.id AND named > 0
             ORDER BY named DESC, s.start_byte LIMIT 1
         ) cue ON true
         LEFT JOIN LATERAL (
             SELECT o.id, o.sentence, named FROM commitments o
             CROSS JOIN LATERAL (
                 SELECT count(*) AS named FROM unnest(c.term_queries) q
                 WHERE numnode(q) > 0 AND o.search @@ q) n
             WHERE o.cable_id = k.id AND o.eff_country = c.country AND named > 0
               AND o.review <> 'dismissed'
             ORDER BY named DESC, o.start_byte LIMIT 1
         ) rep ON true
         WHERE k.sent_at > c.sent_at AND k.canonical_id <> c.source
           AND k.countries @> ARRAY[c.country]
           AND ($4::text[] IS NULL OR k.id = ANY($4))",
    )
    .bind(ids)
    .bind(finds)
    .bind(terms)
    .bind(only)
    .fetch_all(ex)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let evidence = Evidence {
                source: r.source,
                direct_ref: r.direct_ref,
                via: r.via,
                source_subject: r.source_subject,
                subject: r.subject,
                shared_tags: r.shared_tags,
                terms: r.n_terms.max(0) as usize,
                matched: r.matched,
                cue: match (r.cue.as_deref().and_then(crate::follow::Cue::parse), r.cue_sentence) {
                    (Some(cue), Some(s)) => Some((cue, s, r.cue_named.unwrap_or(0) as usize)),
                    _ => None,
                },
                repeat: match (r.repeat_id, r.repeat_sentence) {
                    (Some(id), Some(s)) => Some((id, s, r.repeat_named.unwrap_or(0) as usize)),
                    _ => None,
                },
            };
            (r.commitment_id, r.cable_id, evidence)
        })
        .collect())
}

/// A later commitment that makes an earlier one's promise again (in cable `cable`).
#[derive(Debug, Clone)]
pub struct Repeat {
    pub first: i64,
    pub cable: String,
    pub later: i64,
}

/// The engine's name in events and links it makes.
pub const ENGINE_USER: &str = "ctrack";

/// Undoes the grouping of `cable`'s commitment under commitment `first` (an analyst said
/// it is not the same promise).
pub async fn ungroup(conn: &mut PgConnection, first: i64, cable: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE commitments SET repeat_of = NULL WHERE repeat_of = $1 AND cable_id = $2")
        .bind(first)
        .bind(cable)
        .execute(conn)
        .await?;
    Ok(())
}

/// Groups repeated commitments: each later one points at the first mention of the promise
/// (the first's own first, if it is a repeat itself; the earliest where several claim it),
/// and the first gets a `reiterates` link to the later cable, with an event, as the
/// engine's. Left alone: a later commitment already grouped or dismissed, and a pair an
/// analyst ungrouped (the suggestion for that cable dismissed). Does not bump revisions:
/// nothing an analyst has open is changed.
pub async fn group_repeats(conn: &mut PgConnection, repeats: &[Repeat]) -> sqlx::Result<u64> {
    if repeats.is_empty() {
        return Ok(0);
    }
    let first: Vec<i64> = repeats.iter().map(|r| r.first).collect();
    let cable: Vec<&str> = repeats.iter().map(|r| r.cable.as_str()).collect();
    let later: Vec<i64> = repeats.iter().map(|r| r.later).collect();
    let grouped: Vec<(i64, String, i64)> = sqlx::query_as(
        "WITH g AS (
             SELECT DISTINCT ON (t.later) COALESCE(f.repeat_of, f.id) AS root, t.cable, t.later
             FROM unnest($1::bigint[], $2::text[], $3::bigint[]) AS t(first, cable, later)
             JOIN commitments f ON f.id = t.first
             JOIN commitments o ON o.id = t.later
             JOIN commitments r ON r.id = COALESCE(f.repeat_of, f.id)
             WHERE o.repeat_of IS NULL AND o.review <> 'dismissed'
               AND o.cable_id = t.cable AND o.cable_id <> r.cable_id
               AND o.id <> r.id AND o.sent_at > r.sent_at
               AND NOT EXISTS (SELECT 1 FROM suggestions s
                               WHERE s.cable_id = t.cable AND s.state = 'dismissed'
                                 AND s.commitment_id IN (t.first, r.id))
             ORDER BY t.later, r.sent_at, r.id
         )
         UPDATE commitments o SET repeat_of = g.root FROM g WHERE o.id = g.later
         RETURNING g.root, g.cable, g.later",
    )
    .bind(&first)
    .bind(&cable)
    .bind(&later)
    .fetch_all(&mut *conn)
    .await?;
    if grouped.is_empty() {
        return Ok(0);
    }
    let roots: Vec<i64> = grouped.iter().map(|g| g.0).collect();
    let cables: Vec<&str> = grouped.iter().map(|g| g.1.as_str()).collect();
    let laters: Vec<i64> = grouped.iter().map(|g| g.2).collect();
    // What the later ones grouped before now belongs to the first mention too.
    sqlx::query(
        "UPDATE commitments x SET repeat_of = t.root
         FROM unnest($1::bigint[], $2::bigint[]) AS t(root, later) WHERE x.repeat_of = t.later",
    )
    .bind(&roots)
    .bind(&laters)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "WITH linked AS (
             INSERT INTO commitment_links (commitment_id, cable_id, kind, note, origin, username)
             SELECT t.root, t.cable, 'reiterates',
                    'the same promise, made again (commitment ' || min(t.later) || ')',
                    'repeat', $4
             FROM unnest($1::bigint[], $2::text[], $3::bigint[]) AS t(root, cable, later)
             GROUP BY t.root, t.cable
             ON CONFLICT (commitment_id, cable_id) DO NOTHING
             RETURNING commitment_id, cable_id, note
         )
         INSERT INTO commitment_events
             (commitment_id, username, kind, field, to_value, note, evidence_cable_id)
         SELECT commitment_id, $4, 'link', 'reiterates', cable_id, note, cable_id FROM linked",
    )
    .bind(&roots)
    .bind(&cables)
    .bind(&laters)
    .bind(ENGINE_USER)
    .execute(&mut *conn)
    .await?;
    // The open suggestion for the pair is settled by the link.
    sqlx::query(
        "UPDATE suggestions s SET state = 'accepted', decided_by = $3, decided_at = now()
         FROM unnest($1::bigint[], $2::text[]) AS t(root, cable)
         WHERE s.commitment_id = t.root AND s.cable_id = t.cable AND s.state = 'open'",
    )
    .bind(&roots)
    .bind(&cables)
    .bind(ENGINE_USER)
    .execute(&mut *conn)
    .await?;
    Ok(grouped.len() as u64)
}

/// A suggestion to store.
#[derive(Debug, Clone)]
pub struct NewSuggestion {
    pub commitment_id: i64,
    pub cable_id: String,
    pub score: f32,
    pub kind: &'static str,
    pub reasons: Vec<String>,
}

/// Replaces the open suggestions of these commitments with `new`; accepted and dismissed
/// ones stay as they are and are not proposed again.
pub async fn replace(
    conn: &mut PgConnection,
    commitments: &[i64],
    new: &[NewSuggestion],
) -> sqlx::Result<u64> {
    sqlx::query("DELETE FROM suggestions WHERE commitment_id = ANY($1) AND state = 'open'")
        .bind(commitments)
        .execute(&mut *conn)
        .await?;
    // Only decided suggestions are left to conflict with: they stay as they are.
    insert(conn, new, "DO NOTHING").await
}

/// Adds suggestions for commitments whose other suggestions stand (a new cable was
/// evaluated against them): new ones go in, open ones for the same cable are updated,
/// decided ones are left alone, and each commitment keeps its best `keep` open ones.
pub async fn merge(conn: &mut PgConnection, new: &[NewSuggestion], keep: i64) -> sqlx::Result<u64> {
    if new.is_empty() {
        return Ok(0);
    }
    let done = insert(
        conn,
        new,
        "DO UPDATE SET score = EXCLUDED.score, kind = EXCLUDED.kind,
             reasons = EXCLUDED.reasons, computed_at = now()
         WHERE suggestions.state = 'open'",
    )
    .await?;
    let ids: Vec<i64> = new.iter().map(|s| s.commitment_id).collect();
    sqlx::query(
        "DELETE FROM suggestions s USING (
             SELECT id, row_number() OVER (PARTITION BY commitment_id
                                           ORDER BY score DESC, cable_id) AS n
             FROM suggestions WHERE commitment_id = ANY($1) AND state = 'open'
         ) r
         WHERE s.id = r.id AND r.n > $2",
    )
    .bind(&ids)
    .bind(keep)
    .execute(&mut *conn)
    .await?;
    Ok(done)
}

/// Inserts suggestions in one statement; `on_conflict` (a fixed clause, never user input)
/// says what happens where the commitment and cable already have one.
async fn insert(
    conn: &mut PgConnection,
    new: &[NewSuggestion],
    on_conflict: &'static str,
) -> sqlx::Result<u64> {
    let ids: Vec<i64> = new.iter().map(|s| s.commitment_id).collect();
    let cables: Vec<&str> = new.iter().map(|s| s.cable_id.as_str()).collect();
    let scores: Vec<f32> = new.iter().map(|s| s.score).collect();
    let kinds: Vec<&str> = new.iter().map(|s| s.kind).collect();
    let reasons: Vec<serde_json::Value> =
        new.iter().map(|s| serde_json::json!(s.reasons)).collect();
    let done = sqlx::query(&format!(
        "INSERT INTO suggestions (commitment_id, cable_id, score, kind, reasons)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::real[], $4::text[], $5::jsonb[])
         ON CONFLICT (commitment_id, cable_id) {on_conflict}"
    ))
    .bind(&ids)
    .bind(&cables)
    .bind(&scores)
    .bind(&kinds)
    .bind(&reasons)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// A stored suggestion, as pages and `ctrack suggest` show it.
#[derive(Debug, Clone, sqlx::FromRow, serde::Deserialize)]
pub struct Suggestion {
    pub commitment_id: i64,
    /// The later cable's row key and canonical ID.
    pub cable_key: String,
    pub cable_id: String,
    pub subject: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub sent_at: Option<OffsetDateTime>,
    pub score: f32,
    pub kind: String,
    pub reasons: sqlx::types::Json<Vec<String>>,
    pub state: String,
    pub decided_by: Option<String>,
}

/// The suggestions of these commitments that are not dismissed, best first.
pub async fn list(ex: impl PgExecutor<'_>, commitments: &[i64]) -> sqlx::Result<Vec<Suggestion>> {
    sqlx::query_as(
        "SELECT s.commitment_id, s.cable_id AS cable_key, k.canonical_id AS cable_id, k.subject,
                k.sent_at, s.score, s.kind, s.reasons, s.state, s.decided_by
         FROM suggestions s JOIN cables k ON k.id = s.cable_id
         WHERE s.commitment_id = ANY($1) AND s.state <> 'dismissed'
         ORDER BY s.commitment_id, s.score DESC, k.sent_at, s.cable_id",
    )
    .bind(commitments)
    .fetch_all(ex)
    .await
}

/// Marks an open suggestion accepted or dismissed (the cable by key); its kind and reasons
/// when there was one to decide.
pub async fn decide(
    conn: &mut PgConnection,
    commitment_id: i64,
    cable_key: &str,
    state: &str,
    user: &str,
) -> sqlx::Result<Option<(String, Vec<String>)>> {
    let row: Option<(String, sqlx::types::Json<Vec<String>>)> = sqlx::query_as(
        "UPDATE suggestions SET state = $3, decided_by = $4, decided_at = now()
         WHERE commitment_id = $1 AND cable_id = $2 AND state = 'open'
         RETURNING kind, reasons",
    )
    .bind(commitment_id)
    .bind(cable_key)
    .bind(state)
    .bind(user)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(kind, reasons)| (kind, reasons.0)))
}
