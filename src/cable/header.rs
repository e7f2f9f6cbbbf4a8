//! Finding the header fields in a cable's text: the date-time group, the `FM`/`TO`/`INFO`
//! block, the classification line that carries post and serial, TAGS, SUBJECT and REF.
//!
//! Every pattern is compiled once and is linear-time (the `regex` crate guarantees it); word
//! boundaries are ASCII (`(?-u:\b)`) because Unicode boundaries force a slow engine.

use std::sync::LazyLock;

use regex::Regex;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

use super::{RecordFields, ids};

/// How much of the text to search for header fields. Real headers end within a few
/// kilobytes; collective-addressed cables have long `INFO` lists, so allow plenty.
const HEAD_ZONE: usize = 24 * 1024;

/// How far after the classification line TAGS, SUBJECT and REF may start.
const FIELDS_WINDOW: usize = 6 * 1024;

pub(super) fn head_zone(text: &str) -> &str {
    &text[..crate::text::floor_boundary(text, HEAD_ZONE)]
}

static DTG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?-u:\b)([0-3]\d)([0-2]\d)([0-5]\d) ?Z ?(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)[A-Z]* ?(\d{4}|\d{2})(?-u:\b)",
    )
    .unwrap()
});

static CABLE_DATED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"Cable dated: ?(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})").unwrap());

/// Classification words as they appear on the classification line, spaced or not, in any
/// case (partial extracts were published case-mangled: `S e c r e t state 135366`).
static CLASS_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(UNCLAS(?:SIFIED)?|C ?O ?N ?F ?I ?D ?E ?N ?T ?I ?A ?L|T ?O ?P S ?E ?C ?R ?E ?T|S ?E ?C ?R ?E ?T|LIMITED OFFICIAL USE|L ?I ?M ?I ?T ?E ?D O ?F ?F ?I ?C ?I ?A ?L U ?S ?E)[ \t]",
    )
    .unwrap()
});

static DE_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^DE [A-Z]{4,8} ?#(\d{1,5})(?:/\d+)?(?-u:\b)").unwrap());

static FM_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^[ \t]*FM[ \t]+(\S.*?)[ \t]*$").unwrap());

static TAGS_LINE: LazyLock<Regex> = LazyLock::new(|| {
    // `TAGS:`, `Tags:`, `TAGS PREL`, and the misspellings drafters left (`TAS:`, `TAGS;`).
    Regex::new(
        r#"(?m)(?:TAGS[ \t]?:|(?i:(?-u:\b)TAGS[ \t]?:)|(?-u:\b)(?:AGS|TAS|TGS|TABS|TAGES)[ \t]?:|^[ \t"]*(?i:TAGS?)(?:[ \t]*[:;,]|[ \t]+)|^[ \t"]*(?i:TAGES|TABS|TGS|TAS|AGS)[ \t]*[:;])[ \t]*(.*)$"#,
    )
    .unwrap()
});

static SUBJECT_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?m)(?:SUBJ(?:ECT)?[ \t]?:|(?i:(?-u:\b)SUBJ(?:ECT)?[ \t]?:)|^[ \t"]*(?i:SUBJ(?:ECT)?)(?:[ \t]*:|[ \t]+)|^[ \t"]*UBJECT:)[ \t]*(.*)$"#,
    )
    .unwrap()
});

static REF_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?m)(?:REF(?:S|ERENCES?|TELS?)?[ \t]?:|(?-u:\b)REF(?:S|TELS?)?\.[ \t]|(?i:(?-u:\b)REF(?:S|ERENCES?|TELS?|\(S\))?[ \t]?:)|^[ \t"]*(?i:REF(?:S|ERENCES?|TELS?)?)(?:[ \t]*[:.]|[ \t]+)|^[ \t]*(?:A\.[ \t]+)REF[ \t]+)[ \t]*(.*)$"#,
    )
    .unwrap()
});

/// Lines that end a SUBJECT block: the next field, the classified-by line, a paragraph.
static SUBJECT_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:REF(?:S|ERENCES?)?\s*:|REFS?\s+[A-Z(]|CLASSIFIED\s+BY|CLASSIFICATION\s*:|DERIVED\s+FROM|E\.\s?O\.|EO\s+12958|TAGS\b|¶|\(?\d{1,2}[.)]\s|SUMMARY|BEGIN SUMMARY|-{3,}|SIPDIS\s*$|C O N F|S E C R|UNCLAS\s|THIS IS AN?\s|THIS MESSAGE|SENSITIVE BUT)",
    )
    .unwrap()
});

/// Lines that end a REF block. Lettered lines (`B. TBILISI 1352`, `¶B.`) continue it.
static REF_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:CLASSIFIED\s+BY|CLASSIFICATION\s*:|DERIVED\s+FROM|E\.\s?O\.|EO\s+12958|TAGS\b|SUBJ(?:ECT)?\s*:|¶\s*\d|\(?\d{1,2}[.)]\s|SUMMARY|BEGIN SUMMARY|-{3,}|SIPDIS\s*$|C O N F|S E C R|C O R R|CORRECTED|UNCLAS\s|SENSITIVE BUT)",
    )
    .unwrap()
});

#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Tags,
    Subject,
    Refs,
}

/// Where a subject ends inside a line of flattened text: the REF field, the
/// classified-by line, a paragraph, a page marker, a handling caveat.
static SUBJECT_INLINE_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:REF(?:S|TELS?)?\s?:|Ref(?:s|tels?|\(s\))?\s?:|(?i:CLASSIFIED BY)|¶|(?-u:\b)[A-Z]+ 0{2,}\d+ +\d{3}(?:\.\d)? OF \d{3}|(?-u:\b)\d{1,2}\. ?\((?:U|C|S|SBU|S/NF|C/NF)\)|(?i:SENSITIVE BUT)|(?i:(?-u:\b)THIS MESSAGE))",
    )
    .unwrap()
});

/// Where a REF block ends inside a line: the classified-by line, a numbered paragraph, a
/// handling caveat. (`¶B.` continues the block.)
static REF_INLINE_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:(?i:CLASSIFIED BY)|¶\s?\d|(?-u:\b)\d{1,2}\. ?\((?:U|C|S|SBU|S/NF|C/NF)\)|(?i:SENSITIVE BUT)|(?i:(?-u:\b)THIS MESSAGE))",
    )
    .unwrap()
});

/// Page furniture inside a header block: `CONFIDENTIAL PAGE 02 ROME 01196 01 OF 02 082030Z`,
/// PlusD's `TRIPOLI 00000402 001.2 OF 003`.
static PAGE_MARK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:(?:UNCLASSIFIED|CONFIDENTIAL|SECRET)(?:\s+|\\n))?PAGE \d{2}\s+[A-Z ]+?\s+\d{4,6}\s+(?:\d{2} OF \d{2}\s+)?\d{6}Z|(?-u:\b)[A-Z]+ 0{2,}\d+ +\d{3}(?:\.\d)? OF \d{3}",
    )
    .unwrap()
});

/// A record from `cables.csv` pasted into the text, tab-separated (` \` at line ends).
static RECORD_TAB: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?m)^(?:\d+\t)?(\d{4}-\d{2}-\d{2} \d{2}:\d{2}(?::\d{2})?)\t(\S+)\t([^\t\n]*)\t([^\t\n]*)\t",
    )
    .unwrap()
});

/// The same laid out one field per line: row number, date, ID, origin, classification.
static RECORD_NL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?m)^\d+\n(\d{4}-\d{2}-\d{2} \d{2}:\d{2}(?::\d{2})?)\n(\d{2}[A-Z][A-Z0-9\-]*\d)\n([^\n]+)\n([^\n]+)\n",
    )
    .unwrap()
});

/// A shorter form: date (`8/13/2009 8:54`), ID, origin, classification, one per line.
static RECORD_SHORT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?m)^(\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2})\n(\d{2}[A-Z][A-Z0-9\-]*\d)\n([^\n]+)\n([^\n]+)\n",
    )
    .unwrap()
});

/// A key-value form: `id:`, `date:`, `refid:`, `origin:`, `classification:`, then the
/// routing header and `header ends`.
static RECORD_KV: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?m)^id: \d+\ndate: ([^\n]+)\nrefid: (\S+)\norigin: ([^\n]*)\nclassification: ([^\n]*)\n",
    )
    .unwrap()
});

/// The classification line: level, the words between it and the serial, the serial.
#[derive(Debug, Clone)]
pub(super) struct ClassLine {
    pub classification: &'static str,
    /// `SAN JOSE`, `E F T O LONDON`, `SECTION 02 OF 03QRIPOLI`.
    pub post_words: String,
    pub serial: String,
    pub start: usize,
}

impl ClassLine {
    /// The published ID's middle, as WikiLeaks formed it: words joined without spaces.
    pub fn middle_compact(&self) -> String {
        self.post_words.chars().filter(|c| c.is_ascii_alphanumeric()).collect()
    }
}

#[derive(Debug, Default)]
pub(super) struct Scan {
    pub dtg: Option<OffsetDateTime>,
    pub cable_dated: Option<OffsetDateTime>,
    pub partial_extract: bool,
    pub sanitized: bool,
    pub de_serial: Option<u32>,
    pub from: Option<String>,
    pub routing_lines: Option<String>,
    pub class_line: Option<ClassLine>,
    pub tags: Option<String>,
    pub subject: Option<String>,
    pub refs: Option<String>,
    /// Byte offset of the body (the classification line) in the text.
    pub body_start: usize,
    /// Byte offset after the header fields, where numbered paragraphs may begin.
    pub paragraphs_from: usize,
}

/// Scans the header fields of `text[base..]`; offsets in the result are into `text`.
pub(super) fn scan_from(text: &str, base: usize) -> Scan {
    let mut s = scan(head_zone(&text[base..]));
    s.body_start += base;
    s.paragraphs_from += base;
    // The first date-time group in the file dates it, even when a record follows.
    if base > 0
        && let Some(c) = DTG.captures(&text[..base])
    {
        s.dtg = dtg_time(&c[1], &c[2], &c[3], &c[4], &c[5]).or(s.dtg);
    }
    s
}

pub(super) fn scan(head: &str) -> Scan {
    let mut s = Scan {
        partial_extract: head.contains("partial extract of the original cable"),
        sanitized: head.starts_with("VZCZCXYZ")
            || head.contains("\nRR RUEHWEB")
            || head.contains("\nPP RUEHWEB")
            || head.contains("\nOO RUEHWEB"),
        ..Scan::default()
    };

    let dtg = DTG.captures(head);
    s.dtg = dtg.as_ref().and_then(|c| dtg_time(&c[1], &c[2], &c[3], &c[4], &c[5]));
    s.cable_dated = CABLE_DATED.captures(head).and_then(|c| {
        let num = |i: usize| c[i].parse::<u32>().ok();
        date_time(num(1)? as i32, num(2)? as u8, num(3)? as u8, num(4)? as u8, num(5)? as u8)
    });
    s.de_serial = DE_LINE.captures(head).and_then(|c| c[1].parse().ok());

    // Routing block: the FM line and the TO/INFO lines that follow it.
    let dtg_end = dtg.as_ref().map(|c| c.get(0).unwrap().end()).unwrap_or(0);
    if let Some(fm) = FM_LINE.captures_at(head, dtg_end).or_else(|| FM_LINE.captures(head)) {
        s.from = Some(collapse_spaces(&fm[1]));
        let after = fm.get(0).unwrap().end();
        let block_end = routing_block_end(head, after);
        s.routing_lines = Some(head[after..block_end].to_string());
    }

    s.class_line = find_class_line(head);
    s.body_start = s.class_line.as_ref().map(|c| c.start).unwrap_or_else(|| {
        s.routing_lines
            .as_ref()
            .and_then(|_| FM_LINE.find(head))
            .map(|fm| routing_block_end(head, fm.end()))
            .unwrap_or(0)
    });

    // Header fields follow the classification line; search a window after it so that a
    // line in the body is not taken for a field.
    let fields_from = s.class_line.as_ref().map(|c| c.start).unwrap_or(0);
    let window = &head[..crate::text::floor_boundary(head, fields_from + FIELDS_WINDOW)];
    let mut fields_end = fields_from;
    // Fields before the classification line (a duplicate header pasted ahead of it) are
    // used where none follow it.
    let find = |re: &Regex| re.captures_at(window, fields_from).or_else(|| re.captures(window));
    if let Some(c) = find(&TAGS_LINE) {
        let (value, end) = block_value(head, c.get(1).unwrap().start(), Field::Tags);
        fields_end = fields_end.max(end);
        s.tags = Some(value);
    }
    if s.tags.is_none()
        && let Some(line) = unlabelled_tags(window, fields_from)
    {
        s.tags = Some(line.to_string());
    }
    if let Some(c) = find(&SUBJECT_LINE) {
        let (value, end) = block_value(head, c.get(1).unwrap().start(), Field::Subject);
        fields_end = fields_end.max(end);
        s.subject = Some(clean_subject(&value)).filter(|v| !v.is_empty());
    }
    if let Some(c) = find(&REF_LINE) {
        let value_start = c.get(1).unwrap().start();
        let (mut value, end) = block_value(head, value_start, Field::Refs);
        // `A. REF AMMAN 222`: the item's letter came before the word REF.
        if c.get(0).unwrap().as_str().trim_start().starts_with("A.") {
            value.insert_str(0, "A. ");
        }
        fields_end = fields_end.max(end);
        s.refs = Some(value).filter(|v| !v.is_empty());
    }
    s.paragraphs_from = fields_end.max(s.body_start);
    s
}

/// The classification line that names post and serial: the first naming a known post,
/// else the first well-formed one. (A multi-section cable repeats it for each section; the
/// first starts the body.)
fn find_class_line(head: &str) -> Option<ClassLine> {
    let mut first = None;
    for c in CLASS_WORD.captures_iter(head) {
        let word = c.get(1).unwrap();
        let Some(line) = class_line_at(head, word.start(), word.end(), word.as_str()) else {
            continue;
        };
        if names_known_post(&line) {
            return Some(line);
        }
        first.get_or_insert(line);
    }
    first
}

fn names_known_post(c: &ClassLine) -> bool {
    ids::canonical_id(&format!("00{}1", c.middle_compact()))
        .and_then(|id| ids::split_id(&id).map(|(_, post, _)| ids::is_known_post(post)))
        .unwrap_or(false)
}

/// Reads post and serial after a classification word at `start..end` of `head`.
fn class_line_at(head: &str, start: usize, end: usize, word: &str) -> Option<ClassLine> {
    let line_end = head[end..].find('\n').map(|i| end + i).unwrap_or(head.len());
    let mut rest =
        head[end..crate::text::floor_boundary(head, line_end.min(end + 200))].to_string();
    let (post_words, serial) = match post_and_serial(&rest) {
        Some(found) => found,
        None => {
            // `C O N F I D E N T I A L SECTION 01 OF 02` with `TRIPOLI 000133` on a later line.
            let only_section = rest.split_whitespace().count() == 0
                || section_len(&upper_tokens(&rest)) == rest.split_whitespace().count();
            if !only_section {
                return None;
            }
            let next = head[line_end..].lines().map(str::trim).find(|l| !l.is_empty())?;
            rest.push(' ');
            rest.push_str(next);
            post_and_serial(&rest)?
        }
    };
    let classification = match word.replace(' ', "").to_ascii_uppercase().as_str() {
        "UNCLAS" | "UNCLASSIFIED" => "UNCLASSIFIED",
        "CONFIDENTIAL" => "CONFIDENTIAL",
        "SECRET" => "SECRET",
        "TOPSECRET" => "TOP SECRET",
        _ => "LIMITED OFFICIAL USE",
    };
    // The body begins at the start of the classification line, or at the word itself when
    // it follows other text on a flattened line.
    let line_start = head[..start].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let prefix = &head[line_start..start];
    let body_start =
        if prefix.trim_matches(|c: char| c.is_whitespace() || c == '"' || c == ',').is_empty() {
            line_start
        } else {
            start
        };
    Some(ClassLine { classification, post_words, serial, start: body_start })
}

fn upper_tokens(rest: &str) -> Vec<String> {
    rest.split_whitespace().take_while(|t| *t != "\\").map(str::to_ascii_uppercase).collect()
}

/// How many tokens a well-formed `SECTION 01 OF 02` at the start takes (0 if none).
fn section_len(tokens: &[String]) -> usize {
    let numeric = |t: &String| t.bytes().all(|b| b.is_ascii_digit());
    match tokens {
        [s, a, of, b, ..] if s == "SECTION" && numeric(a) && of == "OF" && numeric(b) => 4,
        _ => 0,
    }
}

/// Post words and serial from the rest of a classification line: `SECTION 01 OF 02 MEXICO
/// 001311`, `E F T O LONDON 002468`, or flattened `ANKARA 008305S/CT FOR ...`.
fn post_and_serial(rest: &str) -> Option<(String, String)> {
    let tokens = upper_tokens(rest);
    let tokens = &tokens[section_len(&tokens)..];
    let is_word = |t: &str| {
        !t.is_empty()
            && t.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'\'' | b'-'))
    };
    let redacted = |t: &str| t.len() >= 3 && t.bytes().all(|b| b == b'X');
    let serial_of = |s: &str| s.trim_start_matches('0').to_string();
    // Serial 0 (`000000`) is no serial.
    let has_serial = |s: &str| s.bytes().any(|b| b.is_ascii_digit() && b != b'0');
    // The serial ends the line.
    if let Some((last, middle)) = tokens.split_last()
        && !middle.is_empty()
        && middle.len() <= 8
        && last.bytes().all(|b| b.is_ascii_digit())
        && has_serial(last)
        && last.len() <= 8
        && middle.iter().all(|t| is_word(t) && !redacted(t))
        && middle.last().is_some_and(|t| t.ends_with(|c: char| c.is_ascii_alphabetic()))
    {
        return Some((middle.join(" "), serial_of(last)));
    }
    // Flattened text: letters-only words, then a zero-padded serial with text run on.
    let words = tokens.iter().take_while(|t| t.bytes().all(|b| b.is_ascii_uppercase())).count();
    if (1..=5).contains(&words) && !tokens[..words].iter().any(|t| redacted(t)) {
        let next = tokens.get(words)?;
        let digits = next.bytes().take_while(u8::is_ascii_digit).count();
        if (5..=8).contains(&digits) && has_serial(&next[..digits]) {
            return Some((tokens[..words].join(" "), serial_of(&next[..digits])));
        }
    }
    None
}

/// The end of the routing block that starts at `from` (just after the `FM` line): the first
/// blank line, or the first line that is plainly not an addressee.
fn routing_block_end(head: &str, from: usize) -> usize {
    let mut pos = from + usize::from(head[from..].starts_with('\n'));
    for line in head[pos..].split_inclusive('\n') {
        let t = line.trim();
        if t.is_empty()
            || t.starts_with("TAGS")
            || t.starts_with("SUBJ")
            || t.starts_with("E.O.")
            || t.starts_with("SIPDIS")
            || CLASS_WORD
                .find(t)
                .is_some_and(|m| m.start() == 0 && post_and_serial(&t[m.end()..]).is_some())
        {
            break;
        }
        pos += line.len();
    }
    pos
}

/// A header field's value: the rest of its line and continuation lines, up to a blank line
/// or the next field; returns it with whitespace collapsed, and the offset where it ends.
fn block_value(head: &str, start: usize, field: Field) -> (String, usize) {
    let line_end = head[start..].find('\n').map(|i| start + i).unwrap_or(head.len());
    let first = head[start..line_end].trim_end_matches([' ', '\\']).trim_end();
    let mut pos = line_end;
    let mut value = String::new();
    let mut lines = head[line_end..].split_inclusive('\n').skip(1);
    // `SUBJECT:` alone on its line with the subject below it.
    if field == Field::Subject && first.trim().is_empty() {
        for line in lines.by_ref().take(3) {
            pos += line.len();
            if !line.trim().is_empty() {
                value.push_str(line.trim());
                break;
            }
        }
        if value.is_empty() {
            return (String::new(), line_end);
        }
    } else {
        value.push_str(first);
    }
    let inline_end = |v: &str| -> Option<usize> {
        match field {
            Field::Tags => {
                let subj = v.find("SUBJ").or_else(|| v.to_ascii_lowercase().find("subject"));
                let para = SUBJECT_INLINE_END.find(v).map(|m| m.start());
                subj.into_iter().chain(para).min()
            }
            Field::Subject => SUBJECT_INLINE_END.find(v).map(|m| m.start()),
            Field::Refs => REF_INLINE_END.find(v).map(|m| m.start()),
        }
    };
    let clean = |v: &str| -> String {
        match field {
            Field::Refs | Field::Subject | Field::Tags => {
                PAGE_MARK.replace_all(v, " ").into_owned()
            }
        }
    };
    // Flattened text: the field runs on into the next one on the same line.
    let cleaned = clean(&value);
    if let Some(i) = inline_end(&cleaned) {
        return (collapse_spaces(&cleaned[..i]), line_end);
    }
    let mut value = cleaned;
    for line in lines.take(48) {
        let t = line.trim().trim_end_matches('\\').trim();
        let cleaned = clean(t);
        let cleaned = cleaned.trim();
        if (is_page_furniture(t) || PAGE_MARK.is_match(t))
            && (cleaned.is_empty() || is_page_furniture(cleaned))
        {
            pos += line.len();
            continue;
        }
        let ends = match field {
            // Tags continue after a trailing comma, or on a line of tag codes.
            Field::Tags => {
                let before_subject = t.find("SUBJ").map_or(t, |i| &t[..i]);
                !(value.trim_end().ends_with(',') || looks_like_tags(before_subject))
            }
            Field::Subject => SUBJECT_END.is_match(t),
            Field::Refs => REF_END.is_match(t),
        };
        if t.is_empty() {
            // A REF block may have a blank line between its items, or inside one
            // (`D. 03` / blank / `HANOI 2323`): a short next line with a serial in it.
            let next_is_item = field == Field::Refs
                && head[pos + line.len()..].lines().find(|l| !l.trim().is_empty()).is_some_and(
                    |l| {
                        let l = l.trim();
                        is_ref_item(l)
                            || (!REF_END.is_match(l)
                                && l.len() <= 80
                                && l.bytes().any(|b| b.is_ascii_digit()))
                    },
                );
            if next_is_item {
                pos += line.len();
                continue;
            }
            break;
        }
        if ends {
            break;
        }
        let piece = clean(t);
        let cut = inline_end(&piece);
        // `THE US- / LATIN AMERICAN`: a hyphen at the line end joins the words.
        if !(field == Field::Subject && value.ends_with('-')) {
            value.push(' ');
        }
        value.push_str(piece[..cut.unwrap_or(piece.len())].trim());
        pos += line.len();
        if cut.is_some() {
            break;
        }
    }
    (collapse_spaces(&value), pos.max(line_end))
}

/// A tags list with its label lost (`EFIN, ECON, EINV, PGOV, CH`) on the line after the
/// `E.O. 12958` line.
fn unlabelled_tags(window: &str, from: usize) -> Option<&str> {
    let eo = window[from..].find("E.O. 12958").or_else(|| window[from..].find("EO 12958"))? + from;
    let line_start = window[eo..].find('\n')? + eo + 1;
    let line = window[line_start..].lines().next()?.trim();
    let tokens = line.split([',', ' ']).filter(|t| !t.is_empty()).count();
    (tokens >= 2 && line.contains(',') && looks_like_tags(line)).then_some(line)
}

/// A line that starts a REF item: `B. TBILISI 1352`, `¶B.`, `(B)`, `- (B)`.
fn is_ref_item(line: &str) -> bool {
    let t = line.trim_start_matches(['-', ' ', '¶']);
    let b = t.as_bytes();
    matches!(b, [l, b'.' | b')', ..] if l.is_ascii_alphabetic())
        || matches!(b, [b'(', l, b')', ..] if l.is_ascii_alphabetic())
}

fn looks_like_tags(line: &str) -> bool {
    let tokens: Vec<&str> = line.split([' ', ',', ';']).filter(|t| !t.is_empty()).collect();
    !tokens.is_empty()
        && tokens.len() <= 12
        && tokens.iter().all(|t| {
            t.len() <= 12
                && t.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || "[]()#-".contains(c))
        })
}

fn is_page_furniture(line: &str) -> bool {
    line.starts_with("PAGE ") && line[5..].trim_start().starts_with(|c: char| c.is_ascii_digit())
}

/// `TRIPOLI 00000063 P CO 28-JAN-09 ...[8466936]`: a subject as another message system
/// quoted it, with its own number, precedence and date around it.
static PASTED_SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[A-Z ]+ 0{3,}\d+ [A-Z] [A-Z]{2} \d{2}-[A-Z]{3}-\d{2} (.*?)(?: \[\d+\])?$")
        .unwrap()
});

fn clean_subject(value: &str) -> String {
    let decoded = decode_entities(value);
    let decoded = match PASTED_SUBJECT.captures(decoded.trim()) {
        Some(c) => c[1].to_string(),
        None => decoded,
    };
    let mut s = decoded.trim();
    // `SUBJECT: (C) ...`: the portion marking is not part of the subject.
    if let Some(rest) = s.strip_prefix('(')
        && let Some(close) = rest.find(')')
        && close <= 6
        && rest[..close].chars().all(|c| c.is_ascii_alphabetic() || c == '/')
    {
        s = rest[close + 1..].trim_start();
    }
    collapse_spaces(s.trim_end_matches(['\\']).trim())
}

/// `&#8217;`, `&amp;` and friends, left in some renderings.
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[..crate::text::floor_boundary(rest, 10)].find(';');
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" | "#39" => Some('\''),
                _ => name
                    .strip_prefix("#x")
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

pub(super) fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The post's canonical token from the `FM` line (`AMEMBASSY DUSHANBE` -> `DUSHANBE`).
pub(super) fn post_of_from_line(from: &str) -> Option<String> {
    let words: Vec<&str> = from.split_whitespace().collect();
    let skip = match words.first().copied() {
        Some(
            "AMEMBASSY" | "AMCONSUL" | "USMISSION" | "USINT" | "USLO" | "USOFFICE" | "AMCONGEN",
        ) => 1,
        _ => 0,
    };
    let rest = &words[skip.min(words.len())..];
    if rest.is_empty() {
        return None;
    }
    if let Some((post, _)) = ids::match_post_words(rest) {
        return Some(post);
    }
    ids::canonical_post(&ids::post_token(&rest.join(" ")))
}

/// The `cables.csv` record fields pasted into a text, if any.
/// The `cables.csv` record fields pasted into a text, if any, and where the record starts:
/// the cable's own header follows it (anything before it is a truncated preview).
pub(super) fn embedded_record(head: &str) -> Option<(RecordFields, usize)> {
    let c = RECORD_TAB
        .captures(head)
        .or_else(|| RECORD_NL.captures(head))
        .or_else(|| RECORD_SHORT.captures(head))
        .or_else(|| RECORD_KV.captures(head))?;
    let id = c[2].trim().to_string();
    if !ids::looks_like_id(&id) {
        return None;
    }
    let fields = RecordFields {
        id: Some(id),
        date: parse_record_date(&c[1]),
        origin: Some(c[3].trim().to_string()).filter(|s| !s.is_empty()),
        classification: Some(c[4].trim().to_string()).filter(|s| !s.is_empty()),
    };
    Some((fields, c.get(0).unwrap().start()))
}

/// Whether a record pasted into a text is another cable's: its ID names a different serial
/// than the routing header (`DE RUEHAC #0595`) at the top of the text.
pub(super) fn record_contradicts_routing(head: &str, record: &RecordFields) -> bool {
    let Some(de) = DE_LINE.captures(head).and_then(|c| c[1].parse::<u64>().ok()) else {
        return false;
    };
    record
        .id
        .as_deref()
        .and_then(ids::canonical_id)
        .and_then(|c| ids::split_id(&c).and_then(|(_, _, s)| s.parse::<u64>().ok()))
        .is_some_and(|serial| serial % 10_000 != de)
}

/// `2005-11-14 10:58:00` or `12/28/1966 18:48` (the two date layouts of `cables.csv`).
pub(crate) fn parse_record_date(s: &str) -> Option<OffsetDateTime> {
    let s = s.trim();
    let (date, time) = s.split_once(' ').unwrap_or((s, "00:00"));
    let (y, m, d) = if date.contains('-') {
        let mut it = date.split('-');
        (it.next()?, it.next()?, it.next()?)
    } else {
        let mut it = date.split('/');
        let (m, d, y) = (it.next()?, it.next()?, it.next()?);
        (y, m, d)
    };
    let mut t = time.split(':');
    let (hh, mm) = (t.next()?, t.next().unwrap_or("0"));
    date_time(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?, hh.parse().ok()?, mm.parse().ok()?)
}

fn dtg_time(day: &str, hh: &str, mm: &str, mon: &str, year: &str) -> Option<OffsetDateTime> {
    let month = match mon {
        "JAN" => 1,
        "FEB" => 2,
        "MAR" => 3,
        "APR" => 4,
        "MAY" => 5,
        "JUN" => 6,
        "JUL" => 7,
        "AUG" => 8,
        "SEP" => 9,
        "OCT" => 10,
        "NOV" => 11,
        _ => 12,
    };
    let y: i32 = year.parse().ok()?;
    let y = if year.len() == 2 { super::full_year(y) } else { y };
    date_time(y, month, day.parse().ok()?, hh.parse().ok()?, mm.parse().ok()?)
}

fn date_time(y: i32, m: u8, d: u8, hh: u8, mm: u8) -> Option<OffsetDateTime> {
    let date = Date::from_calendar_date(y, Month::try_from(m).ok()?, d).ok()?;
    let time = Time::from_hms(hh, mm, 0).ok()?;
    Some(PrimitiveDateTime::new(date, time).assume_utc())
}
