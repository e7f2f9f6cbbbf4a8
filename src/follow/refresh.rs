//! Computing and storing suggestions: key terms here, evidence from the database, the
//! decision in [`super::propose`]. Run by ingest for the commitments its new cables may
//! speak to, and by `ctrack suggest` for one cable's commitments.

use std::collections::HashMap;

use sqlx::PgPool;

use crate::db::follow::{self as q, NewSuggestion, Repeat, Target};

/// Commitments per database round trip.
const CHUNK: usize = 200;

/// Beyond this many new cables, earlier commitments are refreshed against every later
/// cable rather than against the new ones alone (which stops paying off).
const PARTIAL_UP_TO: usize = 500;

/// What a refresh did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Refreshed {
    pub commitments: usize,
    pub suggestions: u64,
}

/// Recomputes the suggestions of `targets`, on two connections at once: a `full` target
/// against every later cable, the others only against `new_cables` (their other
/// suggestions stand). With `recount` (after a large load), the word counts that pick
/// telling terms are refreshed first.
pub async fn refresh(
    pool: &PgPool,
    targets: Vec<Target>,
    new_cables: &[String],
    recount: bool,
) -> sqlx::Result<Refreshed> {
    if recount || q::term_stats_empty(pool).await? {
        let began = std::time::Instant::now();
        let mut tx = pool.begin().await?;
        q::refresh_term_stats(&mut tx).await?;
        tx.commit().await?;
        tracing::debug!("word counts refreshed in {:?}", began.elapsed());
    }
    let mut targets = targets;
    if new_cables.len() > PARTIAL_UP_TO {
        for t in &mut targets {
            t.full = true;
        }
    }
    let chunks: Vec<Vec<Target>> = targets.chunks(CHUNK).map(<[Target]>::to_vec).collect();
    let mut lanes: [Vec<Vec<Target>>; 2] = [Vec::new(), Vec::new()];
    for (i, chunk) in chunks.into_iter().enumerate() {
        lanes[i % 2].push(chunk);
    }
    let [a, b] = lanes;
    let (ra, rb) = tokio::join!(lane(pool, a, new_cables), lane(pool, b, new_cables));
    let (ra, rb) = (ra?, rb?);
    Ok(Refreshed {
        commitments: ra.commitments + rb.commitments,
        suggestions: ra.suggestions + rb.suggestions,
    })
}

async fn lane(
    pool: &PgPool,
    chunks: Vec<Vec<Target>>,
    new_cables: &[String],
) -> sqlx::Result<Refreshed> {
    let mut done = Refreshed::default();
    for chunk in chunks {
        let (full, partial): (Vec<Target>, Vec<Target>) =
            chunk.iter().cloned().partition(|t| t.full);
        let n = chunk_refresh(pool, &full, None).await?
            + chunk_refresh(pool, &partial, Some(new_cables)).await?;
        done.commitments += chunk.len();
        done.suggestions += n;
    }
    Ok(done)
}

async fn chunk_refresh(
    pool: &PgPool,
    chunk: &[Target],
    only: Option<&[String]>,
) -> sqlx::Result<u64> {
    if chunk.is_empty() {
        return Ok(0);
    }
    let mut ids = Vec::with_capacity(chunk.len());
    let mut finds = Vec::with_capacity(chunk.len());
    let mut terms = Vec::with_capacity(chunk.len());
    let candidates: Vec<Vec<String>> =
        chunk.iter().map(|t| super::key_terms(&t.sentence)).collect();
    let mut all_terms: Vec<String> = candidates.iter().flatten().cloned().collect();
    all_terms.sort();
    all_terms.dedup();
    let (df, total) = q::term_frequencies(pool, &all_terms).await?;
    for (t, candidates) in chunk.iter().zip(&candidates) {
        let key = super::select_terms(candidates, |term| df.get(term).copied().unwrap_or(0), total);
        let find = super::find_query(&t.country, &key);
        if find.is_empty() {
            continue;
        }
        ids.push(t.id);
        finds.push(find);
        terms.push(key.join("\u{1f}"));
    }
    let mut by_commitment: HashMap<i64, Vec<NewSuggestion>> = HashMap::new();
    let mut repeats: Vec<Repeat> = Vec::new();
    let sentences: HashMap<i64, &str> = chunk.iter().map(|t| (t.id, t.sentence.as_str())).collect();
    let began = std::time::Instant::now();
    let found = if ids.is_empty() {
        Vec::new()
    } else {
        q::evidence(pool, &ids, &finds, &terms, only).await?
    };
    tracing::debug!(
        "evidence for {} commitments: {} pairs in {:?}",
        ids.len(),
        found.len(),
        began.elapsed()
    );
    {
        for (commitment_id, cable_id, evidence) in found {
            if let Some(p) = super::propose(&evidence) {
                if let (Some(later), Some((_, again, _)), Some(said)) =
                    (p.repeat, &evidence.repeat, sentences.get(&commitment_id))
                    && super::same_promise(said, again)
                {
                    repeats.push(Repeat { first: commitment_id, cable: cable_id.clone(), later });
                }
                by_commitment.entry(commitment_id).or_default().push(NewSuggestion {
                    commitment_id,
                    cable_id,
                    score: p.score,
                    kind: p.kind,
                    reasons: p.reasons,
                });
            }
        }
    }
    let mut new: Vec<NewSuggestion> = Vec::new();
    for mut list in by_commitment.into_values() {
        list.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.cable_id.cmp(&b.cable_id)));
        list.truncate(super::KEEP);
        new.extend(list);
    }
    let all: Vec<i64> = chunk.iter().map(|t| t.id).collect();
    let mut tx = pool.begin().await?;
    let n = match only {
        None => q::replace(&mut tx, &all, &new).await?,
        Some(_) => q::merge(&mut tx, &new, super::KEEP as i64).await?,
    };
    q::group_repeats(&mut tx, &repeats).await?;
    tx.commit().await?;
    Ok(n)
}
