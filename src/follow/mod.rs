//! Cross-cable follow-up: which later cables speak to a commitment, how strongly, why, and
//! what they suggest about its status.
//!
//! Pure: the database side (`db::follow`) finds candidate cables and gathers their
//! evidence; this module decides what counts. Explicit evidence weighs most — a `REF:` to
//! the source cable, directly or through a cable that cites it, the same subject line,
//! shared TAGS — then content: the commitment's key terms (the law, body, programme or
//! quantity it names) found in the later cable through PostgreSQL full-text search. The
//! later cable's sentences that name those terms and carry a status cue ("enacted",
//! "postponed", "has yet to") suggest the kind of link: `fulfils`, `stalls`, or
//! `reiterates` when the same promise is made again. A suggestion is a proposal with
//! human-readable reasons; only an analyst changes a commitment.

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

use crate::extract::sentences;

mod refresh;
pub use refresh::{Refreshed, refresh};

/// How many suggestions are kept per commitment.
pub const KEEP: usize = 5;

/// Words that say nothing about what was promised: English function words and the stock
/// vocabulary of cables and promises.
const STOP: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "him",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "me",
    "more",
    "most",
    "my",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "out",
    "over",
    "own",
    "same",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "shall",
    "may",
    "might",
    "must",
    "per",
    "said",
    "says",
    "say",
    "told",
    "tell",
    "noted",
    "added",
    "stated",
    "stressed",
    "explained",
    "indicated",
    "according",
    "government",
    "governments",
    "gov't",
    "minister",
    "ministry",
    "official",
    "officials",
    "deputy",
    "director",
    "general",
    "chairman",
    "president",
    "prime",
    "embassy",
    "post",
    "poloff",
    "econoff",
    "ambassador",
    "amb",
    "mfa",
    "plans",
    "plan",
    "planned",
    "planning",
    "intends",
    "intend",
    "expects",
    "expected",
    "expect",
    "promised",
    "promise",
    "pledged",
    "pledge",
    "committed",
    "commit",
    "agreed",
    "agree",
    "hopes",
    "hope",
    "aims",
    "seeks",
    "soon",
    "shortly",
    "next",
    "year",
    "years",
    "month",
    "months",
    "week",
    "weeks",
    "end",
    "early",
    "late",
    "later",
    "within",
    "including",
    "new",
    "additional",
    "further",
    "first",
    "make",
    "made",
    "take",
    "taken",
    "give",
    "given",
    "work",
    "working",
    "continue",
    "continued",
    "ensure",
    "provide",
    "provided",
    "well",
    "many",
    "much",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "mr",
    "mrs",
    "ms",
    "dr",
    "u.s",
    "usg",
    "comment",
    "sbu",
    "sipdis",
    "country",
    "countries",
    "national",
    "issue",
    "issues",
    "matter",
    "steps",
    "step",
    "way",
    "need",
    "needs",
    "part",
    "time",
    "number",
    "several",
    "ways",
    "like",
    "able",
    "going",
    "become",
    "use",
    "used",
    "set",
    "based",
    "already",
    "still",
    "yet",
    "however",
    "therefore",
    "main",
    "points",
    "point",
    "quick",
    "announce",
    "announced",
    "announcement",
    "intended",
    "passed",
    "pass",
    "passing",
    "enacted",
    "enact",
    "approved",
    "approve",
    "signed",
    "sign",
    "adopted",
    "adopt",
    "completed",
    "complete",
    "established",
    "establish",
    "launched",
    "opened",
    "open",
    "delivered",
    "deliver",
    "implemented",
    "implement",
    "issued",
    "issue",
    "appointed",
    "appoint",
    "ratified",
    "ratify",
    "postponed",
    "delayed",
    "begin",
    "began",
    "start",
    "started",
    "create",
    "created",
    "receive",
    "received",
    "report",
    "reported",
    "directly",
    "necessary",
    "order",
    "address",
    "person",
    "persons",
    "thereafter",
    "ever",
    "recent",
    "recently",
    "current",
    "currently",
    "possible",
    "important",
    "specific",
];

static STOPWORDS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| STOP.iter().copied().collect());

static WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[A-Za-z][A-Za-z0-9]*(?:[-'][A-Za-z0-9]+)*").unwrap());

/// Nouns that name the thing promised: the word before one of them makes a phrase
/// ("anti-trafficking law", "action plan", "regulatory body").
const THING: &[&str] = &[
    "law",
    "laws",
    "bill",
    "bills",
    "plan",
    "strategy",
    "committee",
    "council",
    "commission",
    "program",
    "programme",
    "shelter",
    "shelters",
    "unit",
    "agency",
    "authority",
    "body",
    "protocol",
    "convention",
    "agreement",
    "amendment",
    "amendments",
    "regulation",
    "regulations",
    "decree",
    "fund",
    "reactor",
    "plant",
    "plants",
    "court",
    "center",
    "centre",
    "office",
    "hotline",
    "report",
    "census",
    "election",
    "elections",
    "reform",
    "reforms",
    "code",
    "treaty",
    "investigation",
    "task",
    "force",
    "system",
    "project",
    "legislation",
];

/// Country names as single lower-case words ("brazil", "egypt"): a cable about a country
/// names it everywhere, so neither it nor its derivatives ("brazilian", "egypt's") tell
/// one promise from another.
static COUNTRY_WORDS: LazyLock<Vec<String>> = LazyLock::new(|| {
    crate::cable::countries::COUNTRIES
        .iter()
        .filter(|(_, name)| !name.contains(' ') && name.len() >= 4)
        .map(|(_, name)| name.to_ascii_lowercase())
        .collect()
});

fn is_stop(w: &str) -> bool {
    STOPWORDS.contains(w) || COUNTRY_WORDS.iter().any(|c| w.starts_with(c.as_str()))
}

/// Lower-case words of a text, in order.
fn words(text: &str) -> impl Iterator<Item = (String, &str)> {
    WORD.find_iter(text).map(|m| (m.as_str().to_ascii_lowercase(), m.as_str()))
}

/// The word that stands for a country in the index: candidates are found by one index
/// lookup for "this country and these terms".
pub fn country_token(code: &str) -> String {
    format!("ctrackcountry{}", code.to_ascii_lowercase())
}

/// What a cable's full-text index is built from: a token for each of its countries, then
/// its subject and body words, each once, in order of first use (PostgreSQL's parser then
/// reads a fraction of the text; its English configuration drops the stop words).
pub fn index_text<'a>(
    countries: impl IntoIterator<Item = &'a str>,
    subject: Option<&str>,
    body: &str,
) -> String {
    let mut seen: HashSet<String> = HashSet::new();
    let mut out = String::with_capacity(body.len() / 3);
    for code in countries {
        out.push_str(&country_token(code));
        out.push(' ');
    }
    for (lower, _) in words(subject.unwrap_or("")).chain(words(body)) {
        if lower.len() < 3 || !seen.insert(lower.clone()) {
            continue;
        }
        out.push_str(&lower);
        out.push(' ');
    }
    out
}

/// The key terms of a commitment's sentence: phrases that name what was promised ("Shura
/// Council", "anti-trafficking law") and its other content words; at most twelve, for
/// [`select_terms`] to keep the telling ones.
pub fn key_terms(sentence: &str) -> Vec<String> {
    let toks: Vec<(String, &str)> = words(sentence).collect();
    let mut phrases: Vec<String> = Vec::new();
    // Runs of capitalised words (allowing "of", "for", "and" inside), not at the start.
    let mut i = 0;
    while i < toks.len() {
        let capital = |t: &(String, &str)| t.1.starts_with(|c: char| c.is_ascii_uppercase());
        if i > 0 && capital(&toks[i]) && !is_stop(&toks[i].0) {
            let mut j = i + 1;
            while j < toks.len()
                && (capital(&toks[j])
                    || (matches!(toks[j].0.as_str(), "of" | "for" | "and")
                        && j + 1 < toks.len()
                        && capital(&toks[j + 1])))
            {
                j += 1;
            }
            let run: Vec<&str> = toks[i..j]
                .iter()
                .map(|t| t.0.as_str())
                .filter(|w| !matches!(*w, "of" | "for" | "and"))
                .collect();
            let content: Vec<&str> = run.iter().copied().filter(|w| !is_stop(w)).collect();
            if content.len() >= 2 {
                phrases.push(content.join(" "));
            }
            i = j;
        } else {
            i += 1;
        }
    }
    // "<word> law", "<word> plan", ...
    for w in toks.windows(2) {
        if THING.contains(&w[1].0.as_str()) && !is_stop(&w[0].0) && w[0].0.len() >= 3 {
            let phrase = format!("{} {}", w[0].0, w[1].0);
            if !phrases.iter().any(|p| p.contains(&phrase)) {
                phrases.push(phrase);
            }
        }
    }
    let in_phrase: HashSet<&str> = phrases.iter().flat_map(|p| p.split(' ')).collect();
    let mut terms = phrases.clone();
    // A hyphenated modifier names the subject on its own ("anti-trafficking" bill or law).
    for p in &phrases {
        for w in p.split(' ') {
            if w.contains('-') && !terms.iter().any(|t| t == w) {
                terms.push(w.to_string());
            }
        }
    }
    let mut seen: HashSet<String> = HashSet::new();
    for (lower, _) in &toks {
        if lower.len() >= 4
            && !is_stop(lower)
            && !in_phrase.contains(lower.as_str())
            && !lower.chars().all(|c| c.is_ascii_digit())
            && seen.insert(lower.clone())
        {
            terms.push(lower.clone());
        }
    }
    terms.truncate(12);
    terms
}

/// Keeps the terms that tell a commitment apart: those found in at most a fifth of the
/// stored cables (document frequency `df`, of `total`), at most six, rarest first. A term
/// no cable has is dropped too: it cannot find anything. With fewer than
/// [`FEW_CABLES`] stored, how many cables name a word says nothing about how telling it
/// is, and every term a cable has is kept.
pub fn select_terms(terms: &[String], df: impl Fn(&str) -> i64, total: i64) -> Vec<String> {
    let limit = if total < FEW_CABLES { total.max(1) } else { total / 5 };
    let mut kept: Vec<(i64, usize, &String)> = terms
        .iter()
        .enumerate()
        .map(|(i, t)| (df(t), i, t))
        .filter(|(n, _, _)| *n > 0 && *n <= limit)
        .collect();
    kept.sort();
    kept.truncate(6);
    kept.into_iter().map(|(_, _, t)| t.clone()).collect()
}

/// Below this many stored cables, document frequency does not pick terms.
pub const FEW_CABLES: i64 = 25;

/// A term as a `to_tsquery` conjunction of its words: `(anti & trafficking & law)`.
fn conjunction(term: &str) -> Option<String> {
    let parts: Vec<&str> =
        term.split(|c: char| !c.is_ascii_alphanumeric()).filter(|p| !p.is_empty()).collect();
    (!parts.is_empty()).then(|| format!("({})", parts.join(" & ")))
}

/// A `to_tsquery` expression matching a cable about `country` that has one of the two
/// rarest terms (`terms` come rarest first): what finds candidates cheaply, since
/// [`propose`] wants two terms named anyway.
pub fn find_query(country: &str, terms: &[String]) -> String {
    let parts: Vec<String> = terms.iter().take(2).filter_map(|t| conjunction(t)).collect();
    if parts.is_empty() {
        return String::new();
    }
    format!("{} & ({})", country_token(country), parts.join(" | "))
}

/// What a sentence says about the status of something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cue {
    /// Enacted, passed, signed, opened, delivered...
    Fulfils,
    /// Postponed, delayed, has yet to, will not meet...
    Stalls,
}

impl Cue {
    pub fn as_str(self) -> &'static str {
        match self {
            Cue::Fulfils => "fulfils",
            Cue::Stalls => "stalls",
        }
    }

    pub fn parse(s: &str) -> Option<Cue> {
        match s {
            "fulfils" => Some(Cue::Fulfils),
            "stalls" => Some(Cue::Stalls),
            _ => None,
        }
    }
}

static DONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(enacted|passed|signed|ratified|opened|established|delivered|adopted|approved|launched|inaugurated|completed|created|issued|implemented|promulgated|came into (?:force|effect)|entered into (?:force|effect)|took effect|went into effect|set up|appointed|allocated|disbursed|began operating|now operates?)\b",
    )
    .unwrap()
});

static STALLED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(postponed|delayed|delays?|stalled|(?:has|have) yet to|(?:will|would) not (?:meet|be able)|won't meet|missed|withdrawn|withdrew|blocked|shelved|suspended|deferred|failed to|no progress|on hold|held up|stuck|rejected|not yet|remains? pending|still pending|behind schedule)\b",
    )
    .unwrap()
});

/// Future or hypothetical wording before a completion verb ("will be signed", "is expected
/// to pass"): not a completion.
static NOT_YET_DONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(will|would|shall|expected to|expects|plans? to|intends? to|hopes? to|to be|if|once|when|should|could|may|might|aims? to|is to|are to|soon-to-be)\b",
    )
    .unwrap()
});

static NEGATION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(not|never|no longer|neither|nor|yet to)\b").unwrap());

/// The status cue of a sentence, if it has one: a stall wins over a completion, and a
/// completion verb under negation or future wording is not one.
pub fn status_cue(sentence: &str) -> Option<Cue> {
    if STALLED.is_match(sentence) {
        return Some(Cue::Stalls);
    }
    let done = DONE.find(sentence)?;
    let before = &sentence[..done.start()];
    if NEGATION.is_match(before) {
        return Some(Cue::Stalls);
    }
    if NOT_YET_DONE.is_match(before) {
        return None;
    }
    Some(Cue::Fulfils)
}

/// A sentence of a cable with a status cue, found at ingest.
#[derive(Debug, Clone, PartialEq)]
pub struct CueSentence {
    pub start: usize,
    pub end: usize,
    pub cue: Cue,
    pub sentence: String,
}

/// The sentences of a cable's body that carry a status cue, from its split sentences.
pub fn cue_sentences(split: &[sentences::Sentence]) -> Vec<CueSentence> {
    split
        .iter()
        .filter_map(|s| {
            status_cue(&s.text).map(|cue| CueSentence {
                start: s.start,
                end: s.end,
                cue,
                sentence: s.text.clone(),
            })
        })
        .collect()
}

/// Adds the refusals the extractor set aside ("the ministry declined to submit the bill",
/// "will not meet the deadline") to a cable's status sentences as held-up reports, where
/// the cue scan did not already find them: they speak to an earlier promise too.
pub fn add_refusals(cues: &mut Vec<CueSentence>, signals: &[crate::extract::Signal]) {
    let before = cues.len();
    for s in signals.iter().filter(|s| s.kind == crate::extract::SignalKind::Refusal) {
        if !cues[..before].iter().any(|c| c.start == s.start) {
            cues.push(CueSentence {
                start: s.start,
                end: s.end,
                cue: Cue::Stalls,
                sentence: s.sentence.clone(),
            });
        }
    }
    cues.sort_by_key(|c| c.start);
}

/// What the database found about one later cable and one commitment.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    /// The source cable's canonical ID.
    pub source: String,
    /// The later cable cites the source directly, with this label ("A", or "" unlabelled).
    pub direct_ref: Option<String>,
    /// The later cable cites this cable, which cites the source.
    pub via: Option<String>,
    pub source_subject: String,
    pub subject: String,
    /// TAGS both cables carry, other than country codes.
    pub shared_tags: Vec<String>,
    /// The commitment's key terms, and those the later cable has.
    pub terms: usize,
    pub matched: Vec<String>,
    /// The later cable's best status sentence naming the commitment's terms, with its cue
    /// and how many terms it names.
    pub cue: Option<(Cue, String, usize)>,
    /// The commitment of the later cable that names most of this one's terms (its ID and
    /// sentence), and how many it names.
    pub repeat: Option<(i64, String, usize)>,
}

/// A proposed link.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    pub score: f32,
    /// `follow_up`, `reiterates`, `fulfils` or `stalls`.
    pub kind: &'static str,
    pub reasons: Vec<String>,
    /// The later cable's commitment that is this promise made again, to be grouped with
    /// it (see [`is_repeat`]).
    pub repeat: Option<i64>,
}

/// Whether a later commitment naming `named` of a commitment's `terms` key terms is the
/// same promise made again, to be grouped with it: it names at least two of them and at
/// least two thirds. (A `reiterates` suggestion asks only half: an analyst reviews that.)
pub fn is_repeat(named: usize, terms: usize) -> bool {
    named >= 2 && named * 3 >= terms * 2
}

fn words_of(s: &str) -> HashSet<String> {
    words(s).map(|(w, _)| w).filter(|w| !is_stop(w) && w.len() > 2).collect()
}

/// Whether two commitment sentences say the same thing: at least half of their content
/// words in common (Jaccard), as a promise repeated in a later cable does ("He assured the
/// Ambassador that the agreement ... would be finalized by August 15" twice), and two
/// sentences that only share a few key terms ("Costa Rica enacted legislation ..." and
/// "Costa Rica's Legislative Assembly adjourned ...") do not.
pub fn same_promise(a: &str, b: &str) -> bool {
    word_similarity(a, b) >= 0.5
}

/// Share of two texts' content words they have in common (Jaccard): of two subject lines,
/// or of two commitment sentences.
pub fn word_similarity(a: &str, b: &str) -> f32 {
    let (a, b) = (words_of(a), words_of(b));
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    a.intersection(&b).count() as f32 / a.union(&b).count() as f32
}

fn quote(s: &str) -> String {
    let mut q: String = s.chars().take(140).collect();
    if q.len() < s.len() {
        q.push('…');
    }
    format!("“{q}”")
}

fn list(terms: &[String]) -> String {
    let quoted: Vec<String> = terms.iter().map(|t| format!("'{t}'")).collect();
    match quoted.len() {
        0 => String::new(),
        1 => quoted[0].clone(),
        n => format!("{} and {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}

/// Scores a later cable as a follow-up of a commitment, or `None` when the evidence is too
/// thin to show an analyst.
pub fn propose(e: &Evidence) -> Option<Proposal> {
    let mut score = 0.0f32;
    let mut reasons = Vec::new();
    match (&e.direct_ref, &e.via) {
        (Some(label), _) => {
            score += 3.0;
            reasons.push(if label.is_empty() {
                format!("cites {} as its reference", e.source)
            } else {
                format!("cites {} as REF {label}", e.source)
            });
        }
        (None, Some(via)) => {
            score += 1.5;
            reasons.push(format!("cites {via}, which cites {}", e.source));
        }
        (None, None) => {}
    }
    let similarity = word_similarity(&e.source_subject, &e.subject);
    if similarity >= 0.5 {
        score += 1.0 * similarity;
        reasons.push(if similarity >= 0.99 {
            "the same subject line".to_string()
        } else {
            format!("a similar subject line: {}", quote(&e.subject))
        });
    }
    if !e.shared_tags.is_empty() {
        score += 0.15 * e.shared_tags.len().min(4) as f32;
        reasons.push(format!("shares TAGS {}", e.shared_tags.join(", ")));
    }
    let needed = e.terms.min(2);
    let content = !e.matched.is_empty() && e.matched.len() >= needed;
    if !e.matched.is_empty() {
        score += 2.0 * e.matched.len() as f32 / e.terms.max(1) as f32;
        reasons.push(format!("mentions {}", list(&e.matched)));
    }
    let explicit = e.direct_ref.is_some() || e.via.is_some();
    if !explicit && !content {
        return None;
    }
    let mut kind = "follow_up";
    // A status sentence speaks to this commitment when it names two of its terms, or one
    // in a cable that cites the commitment's own directly.
    let cue_needs = if e.direct_ref.is_some() { 1 } else { needed.max(1) };
    if let Some((cue, sentence, named)) = &e.cue
        && *named >= cue_needs
    {
        score += 1.0;
        kind = cue.as_str();
        reasons.push(format!(
            "{} {}",
            match cue {
                Cue::Fulfils => "reports it done:",
                Cue::Stalls => "reports it held up:",
            },
            quote(sentence)
        ));
    } else if let Some((_, sentence, named)) = &e.repeat
        && *named * 2 >= e.terms.max(2)
    {
        score += 0.5;
        kind = "reiterates";
        reasons.push(format!("makes the promise again: {}", quote(sentence)));
    }
    // A later "commitment" that reports the thing done or held up ("adopted the plan, as
    // promised") is a status report the extractor took for a promise, not a repeat.
    let repeat = e
        .repeat
        .as_ref()
        .filter(|r| is_repeat(r.2, e.terms) && status_cue(&r.1).is_none())
        .map(|r| r.0);
    (score >= 1.0).then_some(Proposal { score, kind, reasons, repeat })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_terms_name_what_was_promised() {
        let t = key_terms(
            "He said the Shura Council will pass the anti-trafficking law before the end of the session.",
        );
        assert!(t.contains(&"shura council".to_string()), "{t:?}");
        assert!(t.contains(&"anti-trafficking law".to_string()), "{t:?}");
        assert!(!t.iter().any(|w| w == "will" || w == "said" || w == "the"), "{t:?}");
        let t = key_terms(
            "The Ministry of Labor will open an additional five shelters for trafficking victims.",
        );
        assert!(t.contains(&"labor".to_string()) || t.iter().any(|p| p.contains("labor")), "{t:?}");
        assert!(t.iter().any(|p| p.contains("shelters")), "{t:?}");
        assert!(t.len() <= 12);
        let t = key_terms("The Brazilian government will send Brazil's technicians to Haiti.");
        assert!(!t.iter().any(|w| w.contains("brazil") || w.contains("haiti")), "{t:?}");
    }

    #[test]
    fn selected_terms_are_the_rare_ones() {
        let terms: Vec<String> = ["shura council", "law", "soon-ish", "unknownword"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let df = |t: &str| match t {
            "shura council" => 12,
            "law" => 3000,
            "soon-ish" => 400,
            _ => 0,
        };
        assert_eq!(select_terms(&terms, df, 6742), ["shura council", "soon-ish"]);
        let df = |t: &str| if t == "law" { 5 } else { 12 };
        assert_eq!(select_terms(&terms, df, 6742)[0], "law", "rarest first");
        // Two cables stored, both naming every term but one: nothing is "common" yet.
        let df = |t: &str| if t == "unknownword" { 0 } else { 2 };
        assert_eq!(select_terms(&terms, df, 2).len(), 3);
        let everywhere = |t: &str| if t == "unknownword" { 0 } else { 200 };
        assert_eq!(select_terms(&terms, everywhere, 200), Vec::<String>::new());
    }

    #[test]
    fn the_find_query_is_the_country_and_one_of_the_two_rarest_terms() {
        let terms = ["shura council".into(), "anti-trafficking law".into(), "x".into()];
        let q = find_query("BA", &terms);
        assert_eq!(q, "ctrackcountryba & ((shura & council) | (anti & trafficking & law))");
        assert_eq!(find_query("BA", &terms[..1]), "ctrackcountryba & ((shura & council))");
        assert_eq!(find_query("BA", &[]), "");
    }

    #[test]
    fn completions_and_stalls_are_told_apart_from_promises() {
        for s in [
            "On January 1, the King signed the anti-trafficking law.",
            "The Althingi passed a resolution ratifying the protocol on May 28.",
            "The shelter opened in March.",
            "The law entered into force on 1 June.",
        ] {
            assert_eq!(status_cue(s), Some(Cue::Fulfils), "{s}");
        }
        for s in [
            "The vote on the law was postponed until the next session.",
            "The ministry has yet to appoint the committee.",
            "The ministry will not meet the December 31 deadline.",
            "The law has not been passed.",
            "Construction is behind schedule.",
        ] {
            assert_eq!(status_cue(s), Some(Cue::Stalls), "{s}");
        }
        for s in [
            "The law is expected to be enacted shortly after the New Year.",
            "The contract will be signed in 2011.",
            "The minister said the government would establish a committee.",
            "The embassy met the minister.",
        ] {
            assert_eq!(status_cue(s), None, "{s}");
        }
    }

    fn evidence() -> Evidence {
        Evidence {
            source: "07MANAMA1097".into(),
            source_subject: "ANTI-TRAFFICKING LAW ADVANCES IN PARLIAMENT".into(),
            subject: "BAHRAIN ENACTS ANTI-TRAFFICKING LAW".into(),
            terms: 3,
            ..Evidence::default()
        }
    }

    #[test]
    fn a_reference_and_a_completion_make_a_fulfils_proposal_with_reasons() {
        let mut e = evidence();
        e.direct_ref = Some("A".into());
        e.matched = vec!["anti-trafficking law".into(), "shura council".into()];
        e.cue = Some((Cue::Fulfils, "The King signed the anti-trafficking law.".into(), 2));
        let p = propose(&e).unwrap();
        assert_eq!(p.kind, "fulfils");
        assert!(p.reasons[0] == "cites 07MANAMA1097 as REF A", "{:?}", p.reasons);
        assert!(
            p.reasons.iter().any(|r| r == "mentions 'anti-trafficking law' and 'shura council'")
        );
        assert!(p.reasons.iter().any(|r| r.starts_with("reports it done: “The King signed")));
    }

    #[test]
    fn thin_evidence_is_not_proposed_and_more_evidence_ranks_higher() {
        let mut e = evidence();
        e.subject = "UNRELATED".into();
        e.matched = vec!["parliament".into()];
        e.terms = 6;
        assert_eq!(propose(&e), None, "one common word of six is not enough");
        let mut content = evidence();
        content.matched = vec!["anti-trafficking law".into(), "shura council".into()];
        let mut cited = content.clone();
        cited.via = Some("08MANAMA14".into());
        let (a, b) = (propose(&content).unwrap(), propose(&cited).unwrap());
        assert!(b.score > a.score);
        assert_eq!(a.kind, "follow_up");
        assert!(b.reasons[0] == "cites 08MANAMA14, which cites 07MANAMA1097");
    }

    #[test]
    fn the_same_promise_again_is_a_reiteration() {
        let mut e = evidence();
        e.matched = vec!["anti-trafficking law".into(), "shura council".into()];
        e.repeat =
            Some((42, "The Shura Council will pass the anti-trafficking law soon.".into(), 2));
        let p = propose(&e).unwrap();
        assert_eq!(p.kind, "reiterates");
        assert_eq!(p.repeat, Some(42), "two of three terms: the same promise, grouped");
        // Named by half the terms: suggested as a reiteration for an analyst, not grouped.
        e.terms = 4;
        let p = propose(&e).unwrap();
        assert_eq!((p.kind, p.repeat), ("reiterates", None));
        // A later cable reporting the promise kept and making it again is still grouped.
        e.terms = 3;
        e.cue = Some((Cue::Fulfils, "The Shura Council passed the law.".into(), 2));
        let p = propose(&e).unwrap();
        assert_eq!((p.kind, p.repeat), ("fulfils", Some(42)));
        assert!(!is_repeat(1, 1) && is_repeat(2, 3) && !is_repeat(3, 6) && is_repeat(4, 6));
        assert!(same_promise(
            "Deputy Minister Saidov said the government will adopt the national action plan by December.",
            "Saidov told PolOff that the government will adopt the national action plan by December."
        ));
        assert!(!same_promise(
            "In December 2007, Costa Rica enacted legislation intended to implement this commitment.",
            "Costa Rica's Legislative Assembly adjourned for the year on December 22 and plans to re-convene on January 18."
        ));
        // A report of the thing done, even one the extractor kept, is not a repeat.
        e.repeat = Some((43, "The Shura Council passed the anti-trafficking law.".into(), 2));
        assert_eq!(propose(&e).unwrap().repeat, None);
    }

    #[test]
    fn the_extractors_refusals_are_held_up_reports() {
        use crate::extract::{Signal, SignalKind};
        let declined = "The ministry declined to submit the draft law to parliament.";
        assert_eq!(status_cue(declined), None, "the cue scan alone misses it");
        let postponed = "The vote was postponed.";
        let mut cues = vec![CueSentence {
            start: 100,
            end: 123,
            cue: Cue::Stalls,
            sentence: postponed.into(),
        }];
        let signal = |start: usize, sentence: &str, kind| Signal {
            start,
            end: start + sentence.len(),
            sentence: sentence.into(),
            kind,
            actor: Some("the ministry".into()),
        };
        let signals = [
            signal(100, postponed, SignalKind::Refusal),
            signal(10, declined, SignalKind::Refusal),
            signal(200, "Post will host a roundtable.", SignalKind::UsPlan),
        ];
        add_refusals(&mut cues, &signals);
        let got: Vec<(usize, Cue)> = cues.iter().map(|c| (c.start, c.cue)).collect();
        assert_eq!(got, [(10, Cue::Stalls), (100, Cue::Stalls)], "once each, in body order");
    }

    #[test]
    fn the_index_text_keeps_each_content_word_once() {
        let t =
            index_text(["BA"], Some("LAW PASSED"), "The law was passed. The LAW is a good plan.");
        assert_eq!(t, "ctrackcountryba law passed the was good plan ");
    }
}
