//! Labelled sentences, in two forms: the GUIDELINE's (the sentence's text, as in
//! `dev.jsonl`) and ours (cable ID, byte span in the file's text and a hash of the
//! sentence, so that no cable text is copied into the project). Both resolve to spans in
//! a parsed cable's body, and a prediction matches a label when their spans overlap by at
//! least half of the shorter one.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::cable::Cable;

/// One labelled sentence as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Label {
    pub cable_id: String,
    /// The GUIDELINE's form: the sentence, whitespace folded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentence: Option<String>,
    /// Our form: byte span in the file's decoded text, and the first 16 hex digits of the
    /// SHA-256 of the folded sentence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha: Option<String>,
    /// Absent in the GUIDELINE's files, where every record is a commitment.
    #[serde(default = "yes")]
    pub commitment: bool,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub paragraph: Option<String>,
    #[serde(default)]
    pub actor: Option<String>,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub deadline: Option<String>,
    #[serde(default)]
    pub quantity: Option<String>,
    #[serde(default)]
    pub conditional: Option<bool>,
    #[serde(default)]
    pub commitments: Option<u32>,
}

fn yes() -> bool {
    true
}

/// Whitespace folded to single spaces, lone backslashes (line continuations) dropped.
pub fn fold(s: &str) -> String {
    s.split_whitespace().filter(|w| *w != "\\").collect::<Vec<_>>().join(" ")
}

pub fn sentence_hash(sentence: &str) -> String {
    let digest = Sha256::digest(fold(sentence).as_bytes());
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// Why a label does not resolve in its cable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    #[error("the sentence is not in the cable's body")]
    NotFound,
    #[error("the span's text does not match the label's hash (the cable file changed?)")]
    HashMismatch,
    #[error("the label has neither a sentence nor a span")]
    Empty,
}

/// The label's span in the cable's body.
pub fn resolve(label: &Label, cable: &Cable) -> Result<(usize, usize), ResolveError> {
    if let (Some(start), Some(end)) = (label.start, label.end) {
        let h = cable.header.len();
        let (s, e) = (
            start.checked_sub(h).ok_or(ResolveError::NotFound)?,
            end.checked_sub(h).ok_or(ResolveError::NotFound)?,
        );
        let text = cable.body.get(s..e).ok_or(ResolveError::NotFound)?;
        if let Some(sha) = &label.sha
            && sentence_hash(text) != *sha
        {
            return Err(ResolveError::HashMismatch);
        }
        return Ok((s, e));
    }
    let sentence = label.sentence.as_deref().ok_or(ResolveError::Empty)?;
    find_folded(&cable.body, &fold(sentence)).ok_or(ResolveError::NotFound)
}

/// Finds `needle` (folded) in `haystack` ignoring differences in whitespace, returning
/// the byte span in `haystack`.
pub fn find_folded(haystack: &str, needle: &str) -> Option<(usize, usize)> {
    if needle.is_empty() {
        return None;
    }
    // Folded haystack with a map from folded byte offsets back to original ones.
    let mut folded = String::with_capacity(haystack.len());
    let mut map: Vec<usize> = Vec::with_capacity(haystack.len() + 1);
    let mut pending_space = false;
    for (i, word) in word_spans(haystack) {
        if word == "\\" {
            continue;
        }
        if pending_space {
            folded.push(' ');
            map.push(i);
        }
        for (j, c) in word.char_indices() {
            folded.push(c);
            for k in 0..c.len_utf8() {
                map.push(i + j + k);
            }
        }
        pending_space = true;
    }
    map.push(haystack.len());
    let at = folded.find(needle)?;
    let start = map[at];
    // The needle's last character, mapped back (it may be several bytes long).
    let (last, c) = folded[..at + needle.len()].char_indices().next_back()?;
    let end = map[last] + c.len_utf8();
    Some((start, end))
}

fn word_spans(s: &str) -> impl Iterator<Item = (usize, &str)> {
    s.split_whitespace().map(move |w| (w.as_ptr() as usize - s.as_ptr() as usize, w))
}

/// Whether two spans overlap by at least half of the shorter one.
pub fn spans_match(a: (usize, usize), b: (usize, usize)) -> bool {
    let overlap = a.1.min(b.1).saturating_sub(a.0.max(b.0));
    let shorter = (a.1 - a.0).min(b.1 - b.0);
    shorter > 0 && overlap * 2 >= shorter
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folded_search_maps_back_to_exact_spans() {
        let body = "¶2. (SBU) He said the  law\nwill pass soon.  Next.";
        let (s, e) = find_folded(body, "the law will pass soon.").unwrap();
        assert_eq!(&body[s..e], "the  law\nwill pass soon.");
        assert_eq!(find_folded(body, "not there"), None);
        // Ending in a multi-byte character.
        let body = "He said \u{201c}we will\n act\u{201d} and left.";
        let (s, e) = find_folded(body, "\u{201c}we will act\u{201d}").unwrap();
        assert_eq!(&body[s..e], "\u{201c}we will\n act\u{201d}");
    }

    #[test]
    fn overlap_of_half_the_shorter_span() {
        assert!(spans_match((0, 100), (50, 100)));
        assert!(spans_match((0, 10), (0, 100)));
        assert!(!spans_match((0, 100), (80, 200)));
        assert!(!spans_match((0, 10), (10, 20)));
    }

    #[test]
    fn span_labels_resolve_and_check_their_hash() {
        let text = include_str!("../../demo/cables/07DUSHANBE1057.txt");
        let cable = crate::cable::parse(text, None).unwrap();
        let sentence = "Azimov said the law will include specific points on corruption related to trafficking in persons.";
        let at = text.find(sentence).unwrap();
        let mut label: Label = serde_json::from_str(&format!(
            r#"{{"cable_id": "07DUSHANBE1057", "start": {at}, "end": {}, "sha": "{}", "commitment": true}}"#,
            at + sentence.len(),
            sentence_hash(sentence)
        ))
        .unwrap();
        let (s, e) = resolve(&label, &cable).unwrap();
        assert_eq!(&cable.body[s..e], sentence);
        label.sha = Some("0000000000000000".into());
        assert_eq!(resolve(&label, &cable), Err(ResolveError::HashMismatch));
    }
}
