//! Zoning and sentence segmentation of a cable's body.
//!
//! Sentences are found inside numbered paragraphs (or, in a cable without any, in the text
//! after its header fields), so TAGS, SUBJECT, REF and classification lines never become
//! sentences. A sentence ends at `.`, `!` or `?` followed by space and a capital, digit,
//! quote or bracket — not after an abbreviation (`U.S.`, `Gov't.`, `No.`, `Amb.`), an
//! initial (`J.`) or inside a number (`1.5`) — and at a blank line, so that headings and
//! list items stand alone. Hard-wrapped lines inside a sentence are joined.
//!
//! Each sentence knows its zone: the Embassy's own comment (`Comment: ... End comment.`),
//! the summary, or a note — the extractor weighs commitments there differently.

use crate::cable::Cable;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// Byte span in the cable's body; `body[start..end]` is the sentence as written.
    pub start: usize,
    pub end: usize,
    /// The paragraph number as written (`"2"`), if the sentence is in a numbered paragraph.
    pub paragraph: Option<String>,
    /// Index of the sentence within its paragraph (0 = first).
    pub index_in_paragraph: usize,
    pub zone: Zone,
    /// The sentence with line breaks and runs of spaces folded to one space.
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    Body,
    /// `Summary: ... End summary.`
    Summary,
    /// `Comment: ... End comment.`: the reporting officer's own view.
    Comment,
    /// `(Note: ... End note.)`
    Note,
}

/// Abbreviations after which a period does not end a sentence (compared lower case,
/// without the period).
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "amb", "gov't", "govt", "no", "nos", "st", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n", "e.g", "i.e",
    "etc", "vs", "gen", "lt", "col", "maj", "sgt", "capt", "adm", "sen", "rep", "gov", "pres",
    "min", "dept", "corp", "inc", "ltd", "co", "jr", "sr", "approx", "para", "paras", "ref",
    "refs", "mt", "ft", "fig", "art", "arts", "sec", "vol", "cf", "al", "p.m", "a.m", "d.c",
    "u.a.e", "e.u", "st", "messrs", "mme", "hon", "rev", "prof", "assoc", "asst", "dep", "a.s",
    "d.a.s", "s.a",
];

/// Finds the sentences of a cable's body.
pub fn split(cable: &Cable) -> Vec<Sentence> {
    split_doc(&cable.body, &cable.paragraphs)
}

/// Finds the sentences of a body with its paragraphs.
pub fn split_doc(body: &str, paragraphs: &[crate::cable::Paragraph]) -> Vec<Sentence> {
    let mut out = Vec::new();
    if paragraphs.is_empty() {
        let start = text_start_without_paragraphs(body);
        split_region(body, start, body.len(), None, &mut out);
    } else {
        for p in paragraphs {
            split_region(body, p.text_start, p.end, Some(&p.number), &mut out);
        }
    }
    assign_zones(body, &mut out);
    out
}

/// Where the text starts in a cable without numbered paragraphs: after the last header
/// field line (TAGS, SUBJECT, REF, Classified By, E.O.) near the top.
fn text_start_without_paragraphs(body: &str) -> usize {
    let mut start = 0;
    let mut pos = 0;
    for line in body.split_inclusive('\n').take(60) {
        let t = line.trim_start().to_ascii_uppercase();
        let is_field = t.starts_with("TAGS")
            || t.starts_with("SUBJ")
            || t.starts_with("REF")
            || t.starts_with("CLASSIFIED BY")
            || t.starts_with("E.O.")
            || t.starts_with("EO 12958")
            || t.starts_with("SIPDIS")
            || t.starts_with("UNCLAS")
            || t.starts_with("C O N F")
            || t.starts_with("S E C R E T")
            || t.starts_with("CONFIDENTIAL")
            || t.starts_with("SECRET");
        pos += line.len();
        if is_field {
            start = pos;
        }
    }
    start
}

fn split_region(
    body: &str,
    from: usize,
    to: usize,
    paragraph: Option<&str>,
    out: &mut Vec<Sentence>,
) {
    let region = &body[from..to];
    let bytes = region.as_bytes();
    // Some renderings are double-spaced (a blank line after every line); there a single
    // blank line is a line break, and only two in a row end a sentence.
    let lines = region.lines().count();
    let blank = region.lines().filter(|l| l.trim().is_empty()).count();
    let double_spaced = lines >= 8 && blank * 5 >= lines * 2;
    let mut sentence_start = 0usize;
    let mut index = 0usize;
    let mut i = 0usize;
    let push = |s: usize, e: usize, out: &mut Vec<Sentence>, index: &mut usize| {
        let raw = &region[s..e];
        let lead = raw.len() - raw.trim_start().len();
        let trimmed = raw.trim();
        if trimmed.chars().filter(|c| c.is_alphanumeric()).nth(1).is_none() {
            return;
        }
        let start = from + s + lead;
        out.push(Sentence {
            start,
            end: start + trimmed.len(),
            paragraph: paragraph.map(str::to_string),
            index_in_paragraph: *index,
            zone: Zone::Body,
            text: fold(trimmed),
        });
        *index += 1;
    };
    while i < bytes.len() {
        let b = bytes[i];
        // A blank line ends a sentence (headings, list items, page breaks).
        if b == b'\n' {
            let rest = &region[i + 1..];
            let mut following = rest.split('\n');
            let is_blank = |l: Option<&str>| l.is_some_and(|l| l.trim().is_empty());
            let first_blank = is_blank(following.next()) && rest.contains('\n');
            let blank =
                if double_spaced { first_blank && is_blank(following.next()) } else { first_blank };
            if blank {
                push(sentence_start, i, out, &mut index);
                sentence_start = i + 1;
            }
            i += 1;
            continue;
        }
        if matches!(b, b'.' | b'!' | b'?') && ends_sentence(region, i) {
            // Include closing quotes and brackets that follow the stop.
            let mut end = i + 1;
            while end < bytes.len() && matches!(bytes[end], b'"' | b'\'' | b')' | b']') {
                end += 1;
            }
            // A closing curly quote (3 bytes in UTF-8).
            while region[end..].starts_with(['\u{201d}', '\u{2019}']) {
                end += region[end..].chars().next().map_or(1, char::len_utf8);
            }
            push(sentence_start, end, out, &mut index);
            sentence_start = end;
            i = end;
            continue;
        }
        i += 1;
    }
    push(sentence_start, bytes.len(), out, &mut index);
}

/// Whether the stop at `region[i]` ends a sentence.
fn ends_sentence(region: &str, i: usize) -> bool {
    let bytes = region.as_bytes();
    // What follows: optional closing quotes/brackets, then whitespace, then a sentence start.
    let mut j = i + 1;
    while j < bytes.len() && matches!(bytes[j], b'"' | b'\'' | b')' | b']') {
        j += 1;
    }
    while region[j..].starts_with(['\u{201d}', '\u{2019}']) {
        j += 3;
    }
    let after = &region[j.min(region.len())..];
    if after.is_empty() {
        return true;
    }
    if !after.starts_with(|c: char| c.is_whitespace()) {
        return false;
    }
    let next = after.trim_start();
    let Some(first) = next.chars().next() else { return true };
    let starts_sentence = first.is_uppercase()
        || first.is_ascii_digit()
        || matches!(first, '"' | '(' | '[' | '\u{201c}' | '\'' | '-' | '¶');
    if !starts_sentence {
        return false;
    }
    if bytes[i] != b'.' {
        return true;
    }
    // The word before the period.
    let before = &region[..i];
    let word_start = before
        .rfind(|c: char| c.is_whitespace() || matches!(c, '(' | '"' | '\u{201c}'))
        .map_or(0, |k| k + before[k..].chars().next().map_or(1, char::len_utf8));
    let word = &before[word_start..];
    if word.is_empty() {
        return true;
    }
    let lower = word.to_lowercase();
    if ABBREVIATIONS.contains(&lower.trim_end_matches('.')) {
        // `U.S.` at a sentence's end is followed by a new sentence often enough to matter:
        // split there only before a word that usually starts one.
        return lower.starts_with("u.s") && starts_new_clause(next);
    }
    // An initial (`J.`) or an enumeration letter (`(a.`).
    if word.chars().count() == 1 && word.chars().all(char::is_uppercase) {
        return false;
    }
    // `No. 5`, `1.5`: digits on both sides.
    if word.chars().last().is_some_and(|c| c.is_ascii_digit()) && first.is_ascii_digit() {
        return false;
    }
    true
}

/// Words that start sentences and rarely follow `U.S.` inside one.
fn starts_new_clause(next: &str) -> bool {
    let word: String = next.chars().take_while(|c| c.is_alphabetic()).collect();
    matches!(
        word.as_str(),
        "The"
            | "He"
            | "She"
            | "They"
            | "We"
            | "It"
            | "In"
            | "On"
            | "At"
            | "This"
            | "That"
            | "These"
            | "Post"
            | "Embassy"
            | "According"
            | "However"
            | "Comment"
            | "End"
    )
}

/// Whitespace folded to single spaces; the ` \` line continuations of tab-separated
/// dumps dropped.
fn fold(s: &str) -> String {
    if s.is_ascii() { fold_ascii(s) } else { fold_unicode(s) }
}

fn fold_unicode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace().filter(|w| *w != "\\") {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// [`fold`] for ASCII text, a byte at a time: the same words (runs between the characters
/// `char::is_whitespace` accepts, which in ASCII are these six), a lone backslash dropped.
fn fold_ascii(s: &str) -> String {
    let space = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r');
    let mut out: Vec<u8> = Vec::with_capacity(s.len());
    for word in s.as_bytes().split(|b| space(*b)).filter(|w| !w.is_empty() && *w != b"\\") {
        if !out.is_empty() {
            out.push(b' ');
        }
        out.extend_from_slice(word);
    }
    // Only ASCII went in.
    String::from_utf8(out).unwrap_or_default()
}

/// Marks sentences inside `Comment: ... End comment.`, `Summary: ... End summary.` and
/// `(Note: ... End note.)` zones. A zone runs to its closing words when they follow within a
/// few paragraphs, else to the end of the paragraph it opened in.
fn assign_zones(body: &str, sentences: &mut [Sentence]) {
    // ASCII lower case keeps byte offsets.
    let lower_body = body.to_ascii_lowercase();
    // (zone, offset where it ends, paragraph it opened in)
    let mut open: Option<(Zone, Option<usize>, Option<String>)> = None;
    for s in sentences.iter_mut() {
        if let Some((_, until, para)) = &open {
            let expired = match until {
                Some(end) => s.start >= *end,
                None => *para != s.paragraph,
            };
            if expired {
                open = None;
            }
        }
        let lower = &lower_body.get(s.start..s.end).unwrap_or_default();
        if let Some(zone) = opening_zone(lower) {
            let closer = match zone {
                Zone::Comment => "end comment",
                Zone::Summary => "end summary",
                Zone::Note => "end note",
                Zone::Body => "",
            };
            let mut window_end = (s.start + 6000).min(lower_body.len());
            while !lower_body.is_char_boundary(window_end) {
                window_end -= 1;
            }
            let mut until = lower_body
                .get(s.start..window_end)
                .and_then(|window| window.find(closer))
                .map(|i| s.start + i + closer.len());
            // `(Note: ...)` ends at its closing parenthesis, with or without "End note".
            if zone == Zone::Note && body[s.start..].starts_with('(') {
                let mut depth = 0i32;
                for (i, c) in body[s.start..window_end].char_indices() {
                    match c {
                        '(' => depth += 1,
                        ')' => depth -= 1,
                        _ => {}
                    }
                    if depth == 0 {
                        let close = s.start + i + 1;
                        until = Some(until.map_or(close, |u| u.min(close)));
                        break;
                    }
                }
            }
            open = Some((zone, until, s.paragraph.clone()));
        }
        if let Some((zone, _, _)) = &open {
            s.zone = *zone;
        }
        if closing_zone(lower).is_some() {
            open = None;
        }
    }
}

fn opening_zone(lower: &str) -> Option<Zone> {
    let t = lower.trim_start_matches(|c: char| c == '(' || c == '-' || c.is_whitespace());
    if t.starts_with("comment:") || t.starts_with("comment.") || t.starts_with("begin comment") {
        Some(Zone::Comment)
    } else if t.starts_with("summary") || t.starts_with("begin summary") {
        Some(Zone::Summary)
    } else if t.starts_with("note:") {
        Some(Zone::Note)
    } else {
        None
    }
}

fn closing_zone(lower: &str) -> Option<Zone> {
    if lower.contains("end comment") {
        Some(Zone::Comment)
    } else if lower.contains("end summary") {
        Some(Zone::Summary)
    } else if lower.contains("end note") {
        Some(Zone::Note)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_ascii_a_byte_at_a_time_matches_folding_by_unicode_whitespace() {
        let pieces =
            ["a", "b.", " ", "  ", "\t", "\n", "\r\n", "\u{b}", "\u{c}", "\\", "\\x", "\u{1f}"];
        let n = pieces.len();
        for a in 0..n {
            for b in 0..n {
                for c in 0..n {
                    for d in 0..n {
                        let t = [pieces[a], pieces[b], pieces[c], pieces[d]].concat();
                        assert_eq!(fold_ascii(&t), fold_unicode(&t), "{t:?}");
                    }
                }
            }
        }
        assert_eq!(fold("The  GOB\n  will \\ act.\u{a0}Now"), "The GOB will act. Now");
    }
    use crate::cable;

    fn sentences(text: &str) -> Vec<String> {
        let c = cable::parse(text, Some("07DUSHANBE1057")).unwrap();
        split(&c).into_iter().map(|s| s.text).collect()
    }

    #[test]
    fn seed_cable_sentences() {
        let c = cable::parse(include_str!("../../demo/cables/07DUSHANBE1057.txt"), None).unwrap();
        let s = split(&c);
        let texts: Vec<&str> = s.iter().map(|s| s.text.as_str()).collect();
        assert!(texts.contains(
            &"He informed PolOff that the interagency commission has submitted draft amendments to Tajikistan's trafficking in persons law and expects parliament will pass it soon."
        ));
        assert!(texts.contains(
            &"Post will also host a roundtable discussion and show a film later this month."
        ));
        assert!(texts.iter().all(|t| !t.contains("TAGS") && !t.contains("SUBJECT")));
        // Spans are exact: the body slice folds to the text.
        for s in &s {
            assert_eq!(fold(&c.body[s.start..s.end]), s.text);
        }
        let note = s.iter().position(|s| s.text.starts_with("(Note:")).unwrap();
        assert_eq!(s[note].zone, Zone::Note);
        assert_eq!(s[note + 1].zone, Zone::Note, "{}", s[note + 1].text);
        assert_eq!(s[note + 2].zone, Zone::Body, "the note closed: {}", s[note + 2].text);
    }

    #[test]
    fn abbreviations_initials_and_numbers_do_not_split() {
        let text = "UNCLAS DUSHANBE 001057\n\n1. (U) The U.S. Ambassador met Gov't officials in No. 5 building.  Minister J. Smith said\nthe 1.5 percent rise will stop.  He left.\n";
        assert_eq!(
            sentences(text),
            [
                "The U.S. Ambassador met Gov't officials in No. 5 building.",
                "Minister J. Smith said the 1.5 percent rise will stop.",
                "He left."
            ]
        );
    }

    #[test]
    fn comment_zones_are_marked() {
        let text = "UNCLAS DUSHANBE 001057\n\n1. (C) The minister will sign it.\n\n2. (C) Comment: We expect the law will pass. It will help. End comment.\n\n3. (C) The ministry will act.\n";
        let c = cable::parse(text, Some("07DUSHANBE1057")).unwrap();
        let zones: Vec<Zone> = split(&c).iter().map(|s| s.zone).collect();
        assert_eq!(zones, [Zone::Body, Zone::Comment, Zone::Comment, Zone::Comment, Zone::Body]);
    }

    #[test]
    fn double_spaced_text_keeps_its_sentences_whole() {
        let lines = [
            "The minister said the bank",
            "",
            "will pay the bonds and the",
            "",
            "ministry will act.",
            "",
            "He also said that",
            "",
            "the law will pass.",
            "",
        ];
        let text = format!("UNCLAS DUSHANBE 001057\n\n1. (C) {}\n", lines.join("\n"));
        assert_eq!(
            sentences(&text),
            [
                "The minister said the bank will pay the bonds and the ministry will act.",
                "He also said that the law will pass."
            ]
        );
    }

    #[test]
    fn blank_lines_end_sentences() {
        let text = "UNCLAS DUSHANBE 001057\n\n1. (C) First part without a stop\n\nHEADING LINE\n\n2. (C) Second.\n";
        assert_eq!(sentences(text), ["First part without a stop", "HEADING LINE", "Second."]);
    }
}
