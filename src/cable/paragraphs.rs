//! Numbered paragraphs: `¶1. (SBU) text`, `2.(C) text`, `¶A. (S/NF) text`.
//!
//! A `¶` mark always starts a paragraph. A bare number at the start of a line starts one
//! only where it continues the numbering (the next number, allowing a couple skipped by
//! excision), so that a wrapped line beginning "1.4 (b)" or "12. The ..." in a list does
//! not split a paragraph.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paragraph {
    /// `1`, `12`, `A`.
    pub number: String,
    /// Portion marking without parentheses, upper case: `SBU`, `C`, `S/NF`.
    pub marking: Option<String>,
    /// Byte offset of the paragraph mark in the body.
    pub start: usize,
    /// Byte offset of the paragraph's text, after mark and marking.
    pub text_start: usize,
    /// Byte offset just past the paragraph (the next paragraph's start, or the body's end).
    pub end: usize,
}

/// Finds the paragraphs of `body`, starting the search at byte offset `from`.
pub fn find(body: &str, from: usize) -> Vec<Paragraph> {
    let mut out: Vec<Paragraph> = Vec::new();
    let mut last_number: Option<u32> = None;
    let mut pos = from.min(body.len());
    while !body.is_char_boundary(pos) {
        pos -= 1;
    }
    // Start at a line boundary.
    if pos > 0 {
        pos = body[..pos].rfind('\n').map(|i| i + 1).unwrap_or(0);
    }
    while pos < body.len() {
        let line_end = body[pos..].find('\n').map(|i| pos + i).unwrap_or(body.len());
        let line = &body[pos..line_end];
        if let Some(m) = marker(line, last_number) {
            if let Some(prev) = out.last_mut() {
                prev.end = trim_end_offset(body, prev.text_start, pos);
            }
            if let Ok(n) = m.number.parse::<u32>() {
                last_number = Some(n);
            }
            out.push(Paragraph {
                number: m.number,
                marking: m.marking,
                start: pos + m.start,
                text_start: pos + m.text_start,
                end: line_end,
            });
        }
        pos = line_end + 1;
    }
    if let Some(prev) = out.last_mut() {
        prev.end = trim_end_offset(body, prev.text_start, body.len());
    }
    out
}

/// The end of a paragraph with trailing whitespace left off.
fn trim_end_offset(body: &str, start: usize, end: usize) -> usize {
    start + body[start..end].trim_end().len()
}

struct Marker {
    number: String,
    marking: Option<String>,
    start: usize,
    text_start: usize,
}

fn marker(line: &str, last: Option<u32>) -> Option<Marker> {
    let indent = line.len() - line.trim_start_matches([' ', '\t', '"']).len();
    let rest = &line[indent..];
    let (number, after_number, pilcrow) = if let Some(r) = rest.strip_prefix('¶') {
        let r = r.trim_start_matches(' ');
        let digits = r.bytes().take_while(u8::is_ascii_digit).count();
        if (1..=3).contains(&digits) {
            (&r[..digits], &r[digits..], true)
        } else if r.len() >= 2
            && r.as_bytes()[0].is_ascii_uppercase()
            && matches!(r.as_bytes()[1], b'.' | b')')
        {
            (&r[..1], &r[1..], true)
        } else {
            return None;
        }
    } else {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if !(1..=3).contains(&digits) {
            return None;
        }
        (&rest[..digits], &rest[digits..], false)
    };
    // The number is followed by `.` or `)` and then not by another digit ("1.4 (b)").
    let after = after_number.strip_prefix(['.', ')'])?;
    if after.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    if !pilcrow {
        if !(after.is_empty() || after.starts_with([' ', '\t', '('])) {
            return None;
        }
        let n: u32 = number.parse().ok()?;
        let continues = match last {
            None => n <= 3,
            Some(l) => n > l && n <= l + 3,
        };
        if !continues {
            return None;
        }
    }
    let trimmed = after.trim_start_matches([' ', '\t']);
    let mut text = trimmed;
    let mut marking = None;
    if let Some(inner) = trimmed.strip_prefix('(')
        && let Some(close) = inner.find(')')
        && is_marking(&inner[..close])
    {
        marking = Some(inner[..close].to_ascii_uppercase());
        text = inner[close + 1..].trim_start_matches([' ', '\t']);
    }
    let offset = |s: &str| line.len() - s.len();
    Some(Marker { number: number.to_string(), marking, start: indent, text_start: offset(text) })
}

/// `SBU`, `C`, `S/NF`, `S//NF`, `C/REL UK`: letters, slashes, a space or two.
fn is_marking(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 16
        && s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars().all(|c| c.is_ascii_alphabetic() || c == '/' || c == ' ')
        && matches!(
            s.split(['/', ' ']).next().map(str::to_ascii_uppercase).as_deref(),
            Some(
                "U" | "C" | "S" | "SBU" | "LOU" | "TS" | "FOUO" | "NF" | "CONFIDENTIAL" | "SECRET"
            )
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pilcrow_paragraphs_with_markings() {
        let body = "SUBJECT: X\n\n¶1. (SBU) First one.\nstill first.\n\n¶2. (S//NF) Second.\n";
        let p = find(body, 0);
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].number, "1");
        assert_eq!(p[0].marking.as_deref(), Some("SBU"));
        assert_eq!(&body[p[0].text_start..p[0].end], "First one.\nstill first.");
        assert_eq!(p[1].marking.as_deref(), Some("S//NF"));
        assert_eq!(&body[p[1].text_start..p[1].end], "Second.");
    }

    #[test]
    fn bare_numbers_must_continue_the_sequence() {
        let body =
            "1. (C) One.\nreasons\n1.4 (b) and (d)\n2.(SBU) Two.\n7. Not a paragraph.\n3. Three.";
        let p = find(body, 0);
        let numbers: Vec<&str> = p.iter().map(|p| p.number.as_str()).collect();
        assert_eq!(numbers, ["1", "2", "3"]);
        assert!(body[p[1].start..p[1].end].contains("7. Not a paragraph."));
    }

    #[test]
    fn lettered_paragraphs_need_the_pilcrow() {
        let body = "¶1. (S) Intro.\n¶A. (S/NF) Sub point.\nA. Not one.\n";
        let p = find(body, 0);
        assert_eq!(p.iter().map(|p| p.number.as_str()).collect::<Vec<_>>(), ["1", "A"]);
    }

    #[test]
    fn lowercase_marking_from_mangled_text() {
        let p = find("¶1. (c) summary: on November 1", 0);
        assert_eq!(p[0].marking.as_deref(), Some("C"));
    }
}
