//! The rules' prior: log-odds that the GUIDELINE gives each named feature before any
//! training. The linear model starts from these weights and training pulls it away from
//! them only as far as the labelled data insists (its L2 penalty is on the distance from
//! the prior, not from zero). With a few dozen labelled commitments, a model started from
//! zero cannot learn that "X promised to" beats "X will"; the guideline already says so.
//!
//! Every weight here is written from `GUIDELINE.md` — its four conditions and its table of
//! look-alikes — not fitted to any labelled sentence.

use std::collections::BTreeMap;

/// Prior log-odds of the bias: a cue sentence with nothing else known is not a commitment.
pub const BIAS: f64 = -2.0;

/// (feature, prior weight).
pub const PRIOR: &[(&str, f64)] = &[
    // 2. A foreign government is the one committed; not the US, not a third party.
    ("actor=government", 1.5),
    ("actor=unknown", -1.0),
    ("actor=us", -4.0),
    ("actor=third_party", -3.0),
    ("actor_foreign_to_host", -1.2),
    ("speaker=us", -0.8),
    ("speaker=third_party", -0.8),
    ("pair=us_government", -1.0),
    // 1. Forward-looking: an explicit undertaking is stronger than a bare future.
    ("primary=promise", 2.0),
    ("primary=agree", 1.5),
    ("primary=plan", 1.2),
    ("primary=is_to", 1.0),
    ("primary=will", 0.8),
    ("primary=mandate", 0.8),
    ("primary=ongoing", 0.8),
    ("primary=decided", 0.5),
    ("primary=ongoing_passive", 0.3),
    ("primary=going", 0.3),
    ("primary=hope", -0.3),
    ("primary=draft", -0.5),
    ("primary=none", -3.0),
    ("reported_would", 0.8),
    // 3. Concrete enough to check later.
    ("checkable", 1.0),
    ("deadline", 0.3),
    ("quantity", 0.2),
    // 4. Asserted, not hypothetical; and the look-alikes.
    ("refusal", -3.0),
    ("question", -3.0),
    ("hypothetical", -0.8),
    ("condition", 0.4),
    ("forecast", -1.2),
    ("continuation", -1.2),
    ("schedule", -1.0),
    ("past", -0.4),
    ("request", -0.5),
    ("zone=comment", -1.0),
    ("all_caps", -2.0),
];

/// The prior as a map.
pub fn prior() -> BTreeMap<String, f64> {
    PRIOR.iter().map(|(f, w)| ((*f).to_string(), *w)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::model::Model;

    fn score(features: &[&str]) -> f64 {
        let m = Model::from_prior();
        m.score(&features.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn prior_orders_the_guideline_cases() {
        let promise = score(&["actor=government", "primary=promise", "checkable"]);
        let gov_will = score(&["actor=government", "primary=will", "checkable"]);
        let us_will = score(&["actor=us", "primary=will", "checkable"]);
        let refusal = score(&["actor=government", "primary=will", "checkable", "refusal"]);
        let forecast = score(&["actor=government", "primary=will", "forecast"]);
        assert!(promise > gov_will && gov_will > 0.5, "{promise} {gov_will}");
        assert!(us_will < 0.1 && refusal < 0.2 && forecast < 0.5, "{us_will} {refusal} {forecast}");
    }

    #[test]
    fn prior_has_no_duplicates() {
        let mut names: Vec<&str> = PRIOR.iter().map(|(f, _)| *f).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), PRIOR.len(), "duplicate prior feature");
    }
}
