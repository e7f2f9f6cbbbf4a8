//! The linear model that decides whether a candidate sentence is a commitment: logistic
//! regression over named binary features, trained deterministically (full-batch gradient
//! descent with L2 regularisation, features in sorted order), stored as a small JSON file
//! of named weights.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Model {
    /// Identifies the trained weights; part of the extractor version.
    pub version: String,
    pub bias: f64,
    /// Sentences scoring at least this are commitments.
    pub threshold: f64,
    pub weights: BTreeMap<String, f64>,
    /// `weights` hashed, built on first use: scoring looks up some forty features per
    /// sentence, and a sorted map's string comparisons were 7% of extraction's time.
    /// Built from `weights` at the first score, so `weights` must not change after it
    /// ([`Model::new`] and deserialising start without it).
    #[serde(skip)]
    lookup: std::sync::OnceLock<HashMap<String, f64>>,
}

/// Training settings.
#[derive(Debug, Clone, Copy)]
pub struct TrainOptions {
    /// L2 penalty per example.
    pub l2: f64,
    pub epochs: usize,
    pub learning_rate: f64,
    /// Features seen in fewer training sentences are dropped.
    pub min_count: usize,
    /// Weight of a positive example relative to a negative one.
    pub positive_weight: f64,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            l2: 0.002,
            epochs: 600,
            learning_rate: 0.5,
            min_count: 2,
            positive_weight: 4.0,
        }
    }
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

impl Model {
    pub fn new(
        version: String,
        bias: f64,
        threshold: f64,
        weights: BTreeMap<String, f64>,
    ) -> Model {
        Model { version, bias, threshold, weights, lookup: Default::default() }
    }

    /// The probability that a sentence with these features is a commitment.
    pub fn score(&self, features: &[String]) -> f64 {
        let lookup = self.lookup.get_or_init(|| {
            self.weights.iter().map(|(f, w)| (f.clone(), *w)).collect::<HashMap<_, _>>()
        });
        let z = self.bias + features.iter().filter_map(|f| lookup.get(f)).sum::<f64>();
        sigmoid(z)
    }

    /// The rules' prior alone ([`super::rules`]), before any training.
    pub fn from_prior() -> Model {
        Model::new("prior".into(), super::rules::BIAS, 0.5, super::rules::prior())
    }

    /// Fits a model to labelled examples, starting from the rules' prior and penalising
    /// the distance from it. Deterministic: the same examples give the same weights.
    pub fn train(examples: &[(Vec<String>, bool)], opts: TrainOptions) -> Model {
        let prior = super::rules::prior();
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for (features, _) in examples {
            let mut seen: Vec<&str> = features.iter().map(String::as_str).collect();
            seen.sort_unstable();
            seen.dedup();
            for f in seen {
                *counts.entry(f).or_default() += 1;
            }
        }
        let mut vocab: Vec<&str> =
            counts.iter().filter(|(_, c)| **c >= opts.min_count).map(|(f, _)| *f).collect();
        vocab.extend(prior.keys().map(String::as_str).filter(|f| !counts.contains_key(f)));
        vocab.sort_unstable();
        vocab.dedup();
        let index: HashMap<&str, usize> = vocab.iter().enumerate().map(|(i, f)| (*f, i)).collect();
        let rows: Vec<(Vec<usize>, f64, f64)> = examples
            .iter()
            .map(|(features, label)| {
                let mut idx: Vec<usize> =
                    features.iter().filter_map(|f| index.get(f.as_str()).copied()).collect();
                idx.sort_unstable();
                idx.dedup();
                let y = if *label { 1.0 } else { 0.0 };
                let w = if *label { opts.positive_weight } else { 1.0 };
                (idx, y, w)
            })
            .collect();
        let total_weight: f64 = rows.iter().map(|r| r.2).sum::<f64>().max(1.0);
        let w0: Vec<f64> = vocab.iter().map(|f| prior.get(*f).copied().unwrap_or(0.0)).collect();
        let mut w = w0.clone();
        let mut b = super::rules::BIAS;
        // Adagrad accumulators keep steps sensible for rare and common features alike.
        let mut gw_acc = vec![1e-8f64; vocab.len()];
        let mut gb_acc = 1e-8f64;
        for _ in 0..opts.epochs {
            let mut gw = vec![0.0f64; vocab.len()];
            let mut gb = 0.0f64;
            for (idx, y, weight) in &rows {
                let z = b + idx.iter().map(|&i| w[i]).sum::<f64>();
                let err = (sigmoid(z) - y) * weight;
                gb += err;
                for &i in idx {
                    gw[i] += err;
                }
            }
            for i in 0..w.len() {
                let g = gw[i] / total_weight + opts.l2 * (w[i] - w0[i]);
                gw_acc[i] += g * g;
                w[i] -= opts.learning_rate * g / gw_acc[i].sqrt();
            }
            let g = gb / total_weight;
            gb_acc += g * g;
            b -= opts.learning_rate * g / gb_acc.sqrt();
        }
        let weights = vocab
            .iter()
            .zip(&w)
            .filter(|(_, w)| w.abs() >= 1e-3)
            .map(|(f, w)| ((*f).to_string(), (w * 1e4).round() / 1e4))
            .collect();
        Model::new(String::new(), (b * 1e4).round() / 1e4, 0.5, weights)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(features: &[&str], label: bool) -> (Vec<String>, bool) {
        (features.iter().map(|s| s.to_string()).collect(), label)
    }

    #[test]
    fn learns_a_separable_pattern_deterministically() {
        let data = vec![
            ex(&["gov", "will"], true),
            ex(&["gov", "will", "deadline"], true),
            ex(&["us", "will"], false),
            ex(&["us", "will", "deadline"], false),
            ex(&["gov", "past"], false),
            ex(&["gov", "will", "x"], true),
            ex(&["us", "past"], false),
        ];
        let opts = TrainOptions { min_count: 1, ..Default::default() };
        let m = Model::train(&data, opts);
        assert!(m.score(&["gov".into(), "will".into()]) > 0.5);
        assert!(m.score(&["us".into(), "will".into()]) < 0.5);
        let again = Model::train(&data, opts);
        assert_eq!(serde_json::to_string(&m).unwrap(), serde_json::to_string(&again).unwrap());
    }
}
