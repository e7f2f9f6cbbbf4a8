//! Label files, cables on disk, training and evaluation of the extractor: the IO around
//! the pure [`crate::extract`] module, behind `ctrack train` and `ctrack eval`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::cable::{self, Cable};
use crate::extract::labels::{self, Label};
use crate::extract::model::{Model, TrainOptions};
use crate::extract::{self, Commitment};

/// Reads a JSONL label file (either form).
pub fn read_labels(path: &Path) -> anyhow::Result<Vec<Label>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            let context = || format!("{}:{}: not a label record", path.display(), i + 1);
            let value: serde_json::Value = serde_json::from_str(l).with_context(context)?;
            // The GUIDELINE's look-alike files (`dev_rejected.jsonl`) give a reason and no
            // `commitment` field: those records are not commitments.
            let look_alike = value.get("commitment").is_none() && value.get("reason").is_some();
            let mut label: Label = serde_json::from_value(value).with_context(context)?;
            if look_alike {
                label.commitment = false;
            }
            Ok(label)
        })
        .collect()
}

/// The cables a label file covers: its `.cables` list (`dev.jsonl.cables`) when there is
/// one, else the cables its records name.
pub fn covered_cables(path: &Path, labels: &[Label]) -> anyhow::Result<Vec<String>> {
    let list = PathBuf::from(format!("{}.cables", path.display()));
    if list.is_file() {
        let text = std::fs::read_to_string(&list)?;
        let ids: Vec<String> = serde_json::from_str(&text)
            .with_context(|| format!("{}: not a JSON list of cable IDs", list.display()))?;
        return Ok(ids);
    }
    let ids: BTreeSet<String> = labels.iter().map(|l| l.cable_id.clone()).collect();
    Ok(ids.into_iter().collect())
}

/// Loads `<dir>/<ID>.txt`.
pub fn load_cable(dir: &Path, id: &str) -> anyhow::Result<Cable> {
    let path = dir.join(format!("{id}.txt"));
    let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
    cable::parse_bytes(&bytes, Some(id))
        .with_context(|| format!("{}: cannot parse", path.display()))
}

/// A labelled cable: the cable and its resolved labels.
pub struct LabelledCable {
    pub id: String,
    pub cable: Cable,
    /// (span in body, label)
    pub labels: Vec<((usize, usize), Label)>,
}

/// Loads every cable the label files cover, with their labels resolved to body spans.
/// Labels that do not resolve are reported and skipped.
pub fn load_labelled(
    label_files: &[PathBuf],
    cables_dir: &Path,
) -> anyhow::Result<Vec<LabelledCable>> {
    let mut by_cable: BTreeMap<String, Vec<Label>> = BTreeMap::new();
    for file in label_files {
        let labels = read_labels(file)?;
        for id in covered_cables(file, &labels)? {
            by_cable.entry(id).or_default();
        }
        for l in labels {
            by_cable.entry(l.cable_id.clone()).or_default().push(l);
        }
    }
    let mut out = Vec::new();
    for (id, labels) in by_cable {
        let cable = load_cable(cables_dir, &id)?;
        let mut resolved = Vec::new();
        for l in labels {
            match labels::resolve(&l, &cable) {
                Ok(span) => resolved.push((span, l)),
                Err(e) => eprintln!("ctrack: label in {id} skipped: {e}"),
            }
        }
        out.push(LabelledCable { id, cable, labels: resolved });
    }
    Ok(out)
}

/// Training examples: every candidate sentence with its features, positive when it
/// overlaps a commitment label. Also returns how many commitment labels no candidate
/// covers (the prefilter's misses).
pub fn examples(cables: &[LabelledCable]) -> (Vec<(String, Vec<String>, bool)>, usize) {
    let model = Model::new(String::new(), 0.0, 0.5, Default::default());
    let mut out = Vec::new();
    let mut uncovered = 0;
    for lc in cables {
        let candidates = extract::candidates(&extract::Doc::of(&lc.cable), &model);
        let positives: Vec<(usize, usize)> =
            lc.labels.iter().filter(|(_, l)| l.commitment).map(|(s, _)| *s).collect();
        for p in &positives {
            if !candidates
                .iter()
                .any(|c| labels::spans_match((c.sentence.start, c.sentence.end), *p))
            {
                uncovered += 1;
            }
        }
        for c in candidates {
            let span = (c.sentence.start, c.sentence.end);
            let label = positives.iter().any(|p| labels::spans_match(span, *p));
            out.push((lc.id.clone(), c.analysis.features, label));
        }
    }
    (out, uncovered)
}

/// Precision, recall and F1.
#[derive(Debug, Clone, Copy, Default)]
pub struct Scores {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl Scores {
    pub fn precision(&self) -> f64 {
        self.tp as f64 / (self.tp + self.fp).max(1) as f64
    }
    pub fn recall(&self) -> f64 {
        self.tp as f64 / (self.tp + self.fn_).max(1) as f64
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) }
    }
}

impl fmt::Display for Scores {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "precision {:.3}, recall {:.3}, F1 {:.3} (tp {}, fp {}, fn {})",
            self.precision(),
            self.recall(),
            self.f1(),
            self.tp,
            self.fp,
            self.fn_
        )
    }
}

/// k-fold cross-validation by cable: every example scored by a model that did not see
/// its cable. Returns (score, label) pairs.
pub fn cross_validate(
    examples: &[(String, Vec<String>, bool)],
    k: usize,
    opts: TrainOptions,
) -> Vec<(f64, bool)> {
    let cables: BTreeSet<&str> = examples.iter().map(|e| e.0.as_str()).collect();
    let fold_of: HashMap<&str, usize> =
        cables.iter().enumerate().map(|(i, c)| (*c, i % k)).collect();
    let mut out = Vec::new();
    for fold in 0..k {
        let train: Vec<(Vec<String>, bool)> = examples
            .iter()
            .filter(|e| fold_of[e.0.as_str()] != fold)
            .map(|e| (e.1.clone(), e.2))
            .collect();
        let model = Model::train(&train, opts);
        for e in examples.iter().filter(|e| fold_of[e.0.as_str()] == fold) {
            out.push((model.score(&e.1), e.2));
        }
    }
    out
}

/// Sentence-level scores at a threshold (each candidate is its own prediction).
pub fn scores_at(scored: &[(f64, bool)], threshold: f64, uncovered: usize) -> Scores {
    let mut s = Scores { fn_: uncovered, ..Default::default() };
    for (score, label) in scored {
        match (*score >= threshold, *label) {
            (true, true) => s.tp += 1,
            (true, false) => s.fp += 1,
            (false, true) => s.fn_ += 1,
            (false, false) => {}
        }
    }
    s
}

/// The threshold with the best F1 on cross-validated scores.
pub fn best_threshold(scored: &[(f64, bool)], uncovered: usize) -> (f64, Scores) {
    let mut best = (0.5, scores_at(scored, 0.5, uncovered));
    for i in 5..96 {
        let t = f64::from(i) / 100.0;
        let s = scores_at(scored, t, uncovered);
        if s.f1() > best.1.f1() + 1e-9 {
            best = (t, s);
        }
    }
    best
}

/// What an evaluation found.
pub struct Evaluation {
    pub scores: Scores,
    pub matched: usize,
    /// Matched labels that give a country (our span-form labels may not), and how many of
    /// those the prediction got right; the same for the category.
    pub country_labelled: usize,
    pub country_correct: usize,
    pub category_labelled: usize,
    pub category_correct: usize,
    pub false_positives: Vec<(String, Commitment)>,
    pub misses: Vec<(String, Label)>,
}

impl fmt::Display for Evaluation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.scores)?;
        let rate = |right: usize, of: usize| {
            if of == 0 {
                "not labelled".to_string()
            } else {
                format!("{:.3}", right as f64 / of as f64)
            }
        };
        writeln!(
            f,
            "on {} matched: country accuracy {}, category accuracy {}",
            self.matched,
            rate(self.country_correct, self.country_labelled),
            rate(self.category_correct, self.category_labelled)
        )?;
        for (id, c) in &self.false_positives {
            writeln!(
                f,
                "false positive {id} [{}] ({:.2}, {}): {}",
                c.paragraph.as_deref().unwrap_or("-"),
                c.confidence,
                c.actor,
                c.sentence
            )?;
        }
        for (id, l) in &self.misses {
            let text =
                l.sentence.clone().unwrap_or_else(|| format!("span {:?}..{:?}", l.start, l.end));
            writeln!(f, "miss {id} [{}]: {}", l.paragraph.as_deref().unwrap_or("-"), text)?;
        }
        Ok(())
    }
}

/// Evaluates `model` on labelled cables: predictions against commitment labels.
pub fn evaluate(cables: &[LabelledCable], model: &Model) -> Evaluation {
    let mut eval = Evaluation {
        scores: Scores::default(),
        matched: 0,
        country_labelled: 0,
        country_correct: 0,
        category_labelled: 0,
        category_correct: 0,
        false_positives: Vec::new(),
        misses: Vec::new(),
    };
    for lc in cables {
        let predictions = extract::extract_with(&extract::Doc::of(&lc.cable), model).commitments;
        let positives: Vec<&((usize, usize), Label)> =
            lc.labels.iter().filter(|(_, l)| l.commitment).collect();
        let mut used = vec![false; positives.len()];
        for p in predictions {
            let hit = positives
                .iter()
                .enumerate()
                .find(|(i, (span, _))| !used[*i] && labels::spans_match((p.start, p.end), *span));
            match hit {
                Some((i, (_, label))) => {
                    used[i] = true;
                    eval.scores.tp += 1;
                    eval.matched += 1;
                    if let Some(country) = label.country.as_deref() {
                        eval.country_labelled += 1;
                        eval.country_correct += usize::from(p.country.as_deref() == Some(country));
                    }
                    if let Some(category) = label.category.as_deref() {
                        eval.category_labelled += 1;
                        eval.category_correct += usize::from(p.category.as_str() == category);
                    }
                }
                None => {
                    eval.scores.fp += 1;
                    eval.false_positives.push((lc.id.clone(), p));
                }
            }
        }
        for (i, (_, label)) in positives.iter().enumerate() {
            if !used[i] {
                eval.scores.fn_ += 1;
                eval.misses.push((lc.id.clone(), label.clone()));
            }
        }
    }
    eval
}

/// `ctrack train`: cross-validates, picks the threshold, fits on everything, writes the
/// model. Returns a report.
pub fn train(
    label_files: &[PathBuf],
    cables_dir: &Path,
    out: &Path,
    folds: usize,
    opts: TrainOptions,
    drop: &[String],
) -> anyhow::Result<String> {
    let cables = load_labelled(label_files, cables_dir)?;
    if cables.is_empty() {
        bail!("no labelled cables");
    }
    let (mut examples, uncovered) = examples(&cables);
    for e in &mut examples {
        e.1.retain(|f| !drop.iter().any(|d| f.starts_with(d.as_str())));
    }
    let positives = examples.iter().filter(|e| e.2).count();
    let cv = cross_validate(&examples, folds, opts);
    let (threshold, cv_scores) = best_threshold(&cv, uncovered);
    // The rules' prior alone, for comparison: nothing fitted.
    let prior = Model::from_prior();
    let prior_scored: Vec<(f64, bool)> =
        examples.iter().map(|e| (prior.score(&e.1), e.2)).collect();
    let prior_scores = scores_at(&prior_scored, 0.5, uncovered);
    let seen: BTreeSet<&str> =
        examples.iter().flat_map(|e| e.1.iter().map(String::as_str)).collect();
    let unseen: Vec<&str> =
        extract::rules::PRIOR.iter().map(|(f, _)| *f).filter(|f| !seen.contains(f)).collect();
    let data: Vec<(Vec<String>, bool)> = examples.iter().map(|e| (e.1.clone(), e.2)).collect();
    let mut model = Model::train(&data, opts);
    model.threshold = threshold;
    let json = serde_json::to_string(&model.weights)?;
    let digest = labels::sentence_hash(&format!("{json}{}{threshold}", model.bias));
    model.version = digest[..8].to_string();
    let mut text = serde_json::to_string_pretty(&model)?;
    text.push('\n');
    std::fs::write(out, text).with_context(|| format!("cannot write {}", out.display()))?;
    Ok(format!(
        "{} cables, {} candidate sentences, {} commitments ({} not covered by the cue prefilter)\n\
         rules' prior alone, threshold 0.50: {prior_scores}\n\
         {folds}-fold cross-validation by cable, threshold {threshold:.2}: {cv_scores}\n\
         prior features never seen in training: {unseen:?}\n\
         model {} ({} weights) written to {}",
        cables.len(),
        examples.len(),
        positives + uncovered,
        uncovered,
        model.version,
        model.weights.len(),
        out.display()
    ))
}

/// For inspection: every candidate of the labelled cables with its cross-validated score,
/// label and features, best first.
pub fn inspect(
    label_files: &[PathBuf],
    cables_dir: &Path,
    folds: usize,
    opts: TrainOptions,
) -> anyhow::Result<String> {
    let cables = load_labelled(label_files, cables_dir)?;
    let model0 = Model::new(String::new(), 0.0, 0.5, Default::default());
    let mut rows: Vec<(String, String, Vec<String>, bool)> = Vec::new();
    for lc in &cables {
        let positives: Vec<(usize, usize)> =
            lc.labels.iter().filter(|(_, l)| l.commitment).map(|(s, _)| *s).collect();
        for c in extract::candidates(&extract::Doc::of(&lc.cable), &model0) {
            let label = positives
                .iter()
                .any(|p| labels::spans_match((c.sentence.start, c.sentence.end), *p));
            let who = format!("{:?}/{:?}", c.analysis.actor, c.analysis.speaker);
            rows.push((
                lc.id.clone(),
                format!("{} || {}", c.sentence.text, who),
                c.analysis.features,
                label,
            ));
        }
    }
    let examples: Vec<(String, Vec<String>, bool)> =
        rows.iter().map(|r| (r.0.clone(), r.2.clone(), r.3)).collect();
    let cv = cross_validate(&examples, folds, opts);
    // cross_validate returns examples fold by fold; recompute the same order.
    let cables_set: BTreeSet<&str> = examples.iter().map(|e| e.0.as_str()).collect();
    let fold_of: HashMap<&str, usize> =
        cables_set.iter().enumerate().map(|(i, c)| (*c, i % folds)).collect();
    let mut order: Vec<usize> = Vec::new();
    for fold in 0..folds {
        order.extend((0..examples.len()).filter(|&i| fold_of[examples[i].0.as_str()] == fold));
    }
    let mut scored: Vec<(f64, usize)> = order.iter().zip(&cv).map(|(&i, (s, _))| (*s, i)).collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut out = String::new();
    for (score, i) in scored {
        let r = &rows[i];
        out.push_str(&format!(
            "{:.3}\t{}\t{}\t{}\t{}\n",
            score,
            if r.3 { "POS" } else { "neg" },
            r.0,
            r.1,
            r.2.join(" ")
        ));
    }
    Ok(out)
}
