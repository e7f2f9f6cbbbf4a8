//! The commitment extractor: `Cable` -> commitments, pure (no IO).
//!
//! Rules do what rules do well — zoning and sentence segmentation ([`sentences`]), cue and
//! look-alike detection ([`cues`]), attribution ([`actors`], [`features`]), deadlines,
//! quantities and categories — and a trained linear model ([`model`]) decides whether a
//! sentence is a foreign government's commitment and how sure it is. Sentences without a
//! forward-looking cue cost one prefilter scan and are never commitments.
//!
//! Only foreign-government commitments are returned as commitments; the US's and third
//! parties' plans, refusals and missed deadlines are kept as [`Signal`]s for the follow-up
//! engine.

pub mod actors;
pub mod category;
pub mod cues;
pub mod deadline;
pub mod features;
pub mod labels;
pub mod model;
pub mod quantity;
pub mod rules;
pub mod sentences;

use std::sync::LazyLock;

use serde::Serialize;
use time::{Date, OffsetDateTime};

use crate::cable::{Cable, Paragraph};
use actors::{ActorKind, People};
use category::Category;
use deadline::Precision;
use model::Model;
use sentences::Sentence;

/// The version of the rules; the model's own version is appended.
pub const RULES_VERSION: &str = "1";

/// The trained weights shipped with this build (`ctrack train` writes them).
pub static MODEL: LazyLock<Model> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../model/extractor.json"))
        .expect("model/extractor.json is a valid model")
});

/// The extractor version recorded with every commitment: rules and model.
pub fn version() -> String {
    format!("rules-{RULES_VERSION}+model-{}", MODEL.version)
}

#[derive(Debug, Clone, Serialize)]
pub struct Commitment {
    /// The paragraph number as written, if in a numbered paragraph.
    pub paragraph: Option<String>,
    /// The sentence, whitespace folded.
    pub sentence: String,
    /// Byte span of the sentence in the cable's body (an exact substring).
    pub start: usize,
    pub end: usize,
    /// Who is committed, as the cable names them.
    pub actor: String,
    pub actor_kind: ActorKind,
    /// The committed government's TAGS country code.
    pub country: Option<String>,
    pub category: Category,
    /// The time words as written.
    pub deadline: Option<String>,
    pub due_date: Option<Date>,
    pub due_precision: Option<Precision>,
    /// The number words as written, and their value.
    pub quantity: Option<String>,
    pub quantity_value: Option<f64>,
    pub conditional: bool,
    /// The model's probability, in [0, 1].
    pub confidence: f64,
}

/// A commitment-like sentence that is not a foreign government's commitment: evidence for
/// the follow-up engine (a refusal, a missed deadline, someone else's plan).
#[derive(Debug, Clone, Serialize)]
pub struct Signal {
    pub start: usize,
    pub end: usize,
    pub sentence: String,
    pub kind: SignalKind,
    pub actor: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignalKind {
    /// "will not meet the deadline", "has yet to", "refused".
    Refusal,
    /// A US plan or pledge.
    UsPlan,
    /// An opposition party's, NGO's, company's or international body's plan.
    ThirdPartyPlan,
}

impl SignalKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SignalKind::Refusal => "refusal",
            SignalKind::UsPlan => "us_plan",
            SignalKind::ThirdPartyPlan => "third_party_plan",
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Extraction {
    pub commitments: Vec<Commitment>,
    pub signals: Vec<Signal>,
}

/// A candidate sentence with its analysis and score.
#[derive(Debug, Clone)]
pub struct Scored {
    pub sentence: Sentence,
    pub analysis: features::Analysis,
    pub score: f64,
}

/// What the extractor reads of a cable: its body, paragraphs, country tags and date. Made
/// from a parsed [`Cable`], or from a cable's stored columns when re-extracting.
#[derive(Debug, Clone)]
pub struct Doc<'a> {
    pub body: &'a str,
    pub paragraphs: &'a [Paragraph],
    /// Country tag codes, in tag order.
    pub countries: Vec<&'static str>,
    pub sent_at: Option<OffsetDateTime>,
}

impl<'a> Doc<'a> {
    pub fn of(cable: &'a Cable) -> Doc<'a> {
        Doc {
            body: &cable.body,
            paragraphs: &cable.paragraphs,
            countries: cable.countries.iter().map(|c| c.code).collect(),
            sent_at: cable.sent_at,
        }
    }
}

/// The host country: the first country among the cable's tags other than the US that the
/// body names (by name, adjective or government acronym), else the first such tag.
///
/// Drafters do not always put the host first: 09CAIRO858 is tagged `... CT UN EG` and never
/// names the Central African Republic, while its "GOE" makes promises on every page.
pub fn host_country(doc: &Doc<'_>) -> Option<&'static str> {
    let tagged = || doc.countries.iter().copied().filter(|c| *c != "US");
    let first = tagged().next()?;
    if tagged().nth(1).is_none() {
        return Some(first); // Most cables: one country, nothing to choose.
    }
    let named = actors::countries_in(doc.body);
    tagged().find(|c| named.contains(c)).or(Some(first))
}

/// Every candidate sentence of a cable, analysed and scored with `model`.
pub fn candidates(doc: &Doc<'_>, model: &Model) -> Vec<Scored> {
    candidates_of(doc, model, sentences::split_doc(doc.body, doc.paragraphs))
}

/// The same, for the cable's sentences already split (see [`sentences::split_doc`]).
pub fn candidates_of(doc: &Doc<'_>, model: &Model, split: Vec<Sentence>) -> Vec<Scored> {
    candidates_with_host(doc, model, split, host_country(doc))
}

fn candidates_with_host(
    doc: &Doc<'_>,
    model: &Model,
    split: Vec<Sentence>,
    host: Option<&'static str>,
) -> Vec<Scored> {
    let people = People::from_text(doc.body, false);
    let mut out = Vec::new();
    // The government actor carried over from earlier sentences of the paragraph: the one
    // the last candidate resolved, unless a later sentence without a cue names another.
    // Those sentences' subjects are only classified when a candidate needs them.
    let mut paragraph: Option<Option<String>> = None;
    let mut resolved: Option<String> = None;
    let mut pending: Vec<String> = Vec::new();
    for s in split {
        if paragraph.as_ref() != Some(&s.paragraph) {
            paragraph = Some(s.paragraph.clone());
            resolved = None;
            pending.clear();
        }
        if !cues::ANY_CUE.is_match(&s.text) {
            // A sentence without a cue still names actors for the next one.
            pending.push(s.text.split_whitespace().take(8).collect::<Vec<_>>().join(" "));
            continue;
        }
        let prev_gov = pending
            .drain(..)
            .rev()
            .find(|subject| actors::kind_of(subject, &people) == ActorKind::Government)
            .map(|subject| subject.split([',', ';']).next().unwrap_or(&subject).to_string())
            .or(resolved.take());
        let ctx = features::Context {
            people: &people,
            previous_government_actor: prev_gov.as_deref(),
            host,
        };
        let analysis = features::analyze(&s, &ctx);
        let score = model.score(&analysis.features);
        resolved = analysis.government_actor.clone().or(prev_gov);
        out.push(Scored { sentence: s, analysis, score });
    }
    out
}

/// The actor as an analyst reads it, from the phrase the analysis found (which the model's
/// features and the country were computed from, and which is left as it is): without a
/// list dash before it, and, where it ends in a conjunction because the commitment is the
/// second half of a coordinated predicate ("the GOC had in fact abstained on earlier votes
/// and [will ...]"), only the subject before the first auxiliary ("the GOC").
fn display_actor(phrase: &str) -> String {
    let dash = |w: &&str| w.chars().all(|c| matches!(c, '-' | '\u{2014}' | '\u{2022}' | '*'));
    let mut words: Vec<&str> = phrase.split_whitespace().skip_while(dash).collect();
    if let Some(first) = words.first_mut() {
        *first = first.trim_start_matches(['-', '\u{2014}']);
    }
    if words.last().is_some_and(|w| matches!(*w, "and" | "or" | "but")) {
        words.pop();
        const AUXILIARIES: &[&str] = &[
            "has", "have", "had", "is", "are", "was", "were", "will", "would", "did", "does", "do",
            "can", "could", "should", "may", "might",
        ];
        if let Some(aux) = words.iter().skip(1).position(|w| AUXILIARIES.contains(w)) {
            words.truncate(aux + 1);
        }
    }
    let tidy = words.join(" ");
    if tidy.trim().is_empty() { phrase.to_string() } else { tidy }
}

/// The commitments (and signals) of a cable, with the shipped model.
pub fn extract(cable: &Cable) -> Extraction {
    extract_with(&Doc::of(cable), &MODEL)
}

/// The commitments of a cable.
pub fn commitments(cable: &Cable) -> Vec<Commitment> {
    extract(cable).commitments
}

pub fn extract_with(doc: &Doc<'_>, model: &Model) -> Extraction {
    extract_sentences(doc, model, sentences::split_doc(doc.body, doc.paragraphs))
}

/// The commitments (and signals) of a cable whose sentences are already split, for callers
/// that read the sentences for something else too (ingest's status sentences).
pub fn extract_sentences(doc: &Doc<'_>, model: &Model, split: Vec<Sentence>) -> Extraction {
    let host = host_country(doc);
    let mut out = Extraction::default();
    for c in candidates_with_host(doc, model, split, host) {
        let a = &c.analysis;
        let text = &c.sentence.text;
        let kind = a.actor_kind.unwrap_or(ActorKind::Unknown);
        if c.score >= model.threshold && kind != ActorKind::Us && kind != ActorKind::ThirdParty {
            let deadline = deadline::find(text, doc.sent_at);
            let quantity = quantity::find(text);
            let actor = a
                .actor
                .clone()
                .or_else(|| a.speaker.clone())
                .unwrap_or_else(|| "the government".into());
            let country = actors::countries_in(&actor)
                .first()
                .copied()
                .or_else(|| {
                    a.speaker.as_deref().and_then(|s| actors::countries_in(s).first().copied())
                })
                .or(host)
                .or_else(|| actors::countries_in(text).first().copied())
                .map(str::to_string);
            out.commitments.push(Commitment {
                paragraph: c.sentence.paragraph.clone(),
                sentence: text.clone(),
                start: c.sentence.start,
                end: c.sentence.end,
                actor: display_actor(&actor),
                actor_kind: ActorKind::Government,
                country,
                category: category::classify(text, a.cue),
                deadline: deadline.as_ref().map(|d| d.text.clone()),
                due_date: deadline.as_ref().and_then(|d| d.due),
                due_precision: deadline.as_ref().and_then(|d| d.precision),
                quantity: quantity.as_ref().map(|q| q.text.clone()),
                quantity_value: quantity.as_ref().and_then(|q| q.value),
                conditional: cues::CONDITION.is_match(&text[a.cue.min(text.len())..])
                    || text.to_ascii_lowercase().starts_with("if "),
                confidence: (c.score * 1000.0).round() / 1000.0,
            });
            continue;
        }
        let signal = if a.features.iter().any(|f| f == "refusal") && kind == ActorKind::Government {
            Some(SignalKind::Refusal)
        } else if c.score >= model.threshold * 0.5 && kind == ActorKind::Us {
            Some(SignalKind::UsPlan)
        } else if c.score >= model.threshold * 0.5 && kind == ActorKind::ThirdParty {
            Some(SignalKind::ThirdPartyPlan)
        } else {
            None
        };
        if let Some(kind) = signal {
            out.signals.push(Signal {
                start: c.sentence.start,
                end: c.sentence.end,
                sentence: text.clone(),
                kind,
                actor: a.actor.clone(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc<'a>(body: &'a str, countries: Vec<&'static str>) -> Doc<'a> {
        Doc { body, paragraphs: &[], countries, sent_at: None }
    }

    #[test]
    fn the_host_is_the_first_tagged_country_the_cable_names() {
        // 09CAIRO858 is tagged ... CT UN EG and speaks of Egypt only.
        let body = "1. (C) The Egyptian government will allow the visit of another rapporteur.";
        assert_eq!(host_country(&doc(body, vec!["CT", "EG"])), Some("EG"));
        // Named or not, a first tag the body names stays the host.
        let both = "The Egyptian and Central African governments will meet.";
        assert_eq!(host_country(&doc(both, vec!["CT", "EG"])), Some("CT"));
        // No tagged country named: the first tag other than the US.
        assert_eq!(host_country(&doc("Nothing here.", vec!["US", "CT", "EG"])), Some("CT"));
        assert_eq!(host_country(&doc(body, vec!["US"])), None);
    }

    #[test]
    fn actors_read_without_list_dashes_or_a_first_conjunct() {
        // Actor phrases the analysis found in the corpus (04BRASILIA1938, 04BOGOTA3619,
        // 04BOGOTA12829, 04OTTAWA3115).
        assert_eq!(display_actor("-- The GOB"), "The GOB");
        assert_eq!(display_actor("--The GOB alone"), "The GOB alone");
        assert_eq!(display_actor("He has identified three prosecutors for the unit and"), "He");
        assert_eq!(display_actor("GOC had in fact abstained on earlier votes and"), "GOC");
        assert_eq!(
            display_actor("North Dakota has almost completed its canal system and"),
            "North Dakota"
        );
        // No auxiliary to cut at: only the conjunction goes.
        assert_eq!(
            display_actor("Lula brought a senior Petrobras official and"),
            "Lula brought a senior Petrobras official"
        );
        // Everything else is left as found.
        assert_eq!(display_actor("the Ministry of Justice"), "the Ministry of Justice");
        assert_eq!(
            display_actor("Minister of Social Development"),
            "Minister of Social Development"
        );
        assert_eq!(display_actor("and"), "and");
        assert_eq!(display_actor("--"), "--");
    }

    #[test]
    fn a_shared_government_acronym_belongs_to_the_host() {
        // "GOE" is Cairo's name for Egypt's government and Quito's for Ecuador's.
        let body = "1. (C) The GOE pledged to open five new shelters for victims by June.";
        for host in ["EG", "EC"] {
            let found = extract_with(&doc(body, vec![host]), &MODEL).commitments;
            assert_eq!(found.len(), 1, "{host}: {found:?}");
            assert_eq!(found[0].country.as_deref(), Some(host));
        }
    }
}
