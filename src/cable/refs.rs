//! `REF:` blocks: the cables, e-mails, telephone calls, reports and manuals a cable cites.
//!
//! ```text
//! REF: A. STATE 74879 B. 06 TBILISI 2601 C. LEE-GOLDSTEIN EMAIL 05/11/07
//! ```
//! A cable reference is an optional year, a post and a serial; without a year it is the
//! citing cable's year. Drafters vary the form: `QUITO 4525-91` and `PANAMA 00789/08` put
//! the year after the serial, `STATE (01) 201265` between, `Kabul 936/935` and `PARIS 7472
//! AND 7677` list several serials of one post, and `A) 6307` leaves the post out (the
//! citing post's own). Items are lettered `A.`, `A)`, `(A)`, `[A]` or `¶A.`; text between
//! cable references is kept verbatim and typed by its words.

use serde::Serialize;

use super::ids;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RefKind {
    Cable,
    Mail,
    Tel,
    Report,
    /// Manuals and regulations: `9 FAM`, `FAH`, `CFR`.
    Book,
    Other,
}

impl RefKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RefKind::Cable => "cable",
            RefKind::Mail => "mail",
            RefKind::Tel => "tel",
            RefKind::Report => "report",
            RefKind::Book => "book",
            RefKind::Other => "other",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reference {
    pub kind: RefKind,
    /// Canonical cable ID for cables (`06TBILISI2601`), the text as written otherwise.
    pub value: String,
    /// The item's letter (`A`), where the block letters its items.
    pub label: Option<String>,
}

#[derive(Debug)]
struct Token<'a> {
    text: &'a str,
    start: usize,
    end: usize,
    /// Upper case with surrounding punctuation removed (inner `-` and `/` kept).
    word: String,
}

/// Splits on whitespace, commas and semicolons, and splits an enumerator glued to what
/// follows (`A)STATE`, `(A)BRASILIA`, `B)HK05511`) into two tokens.
fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut push = |start: usize, end: usize| {
        let t = &text[start..end];
        let word = t.trim_matches(|c: char| !c.is_ascii_alphanumeric()).to_ascii_uppercase();
        out.push(Token { text: t, start, end, word });
    };
    let mut start = None;
    for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        let sep = c.is_whitespace() || c == ',' || c == ';' || c == '&';
        match (start, sep) {
            (None, false) => start = Some(i),
            (Some(s), true) => {
                let t = &text[s..i];
                let split = glued_enumerator_len(t);
                if split > 0 && split < t.len() {
                    push(s, s + split);
                    push(s + split, i);
                } else {
                    push(s, i);
                }
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// Length of an enumerator at the start of a token that has more after it.
fn glued_enumerator_len(t: &str) -> usize {
    let b = t.as_bytes();
    match b {
        // `(A)BRASILIA`, and `(A)05 CHENNAI` (a year), but not `(C)02293` (a marked serial).
        [b'(' | b'[', l, b')' | b']', next, rest @ ..]
            if l.is_ascii_alphabetic()
                && (next.is_ascii_alphabetic()
                    || (next.is_ascii_digit()
                        && rest.iter().take_while(|b| b.is_ascii_digit()).count() <= 1)) =>
        {
            3
        }
        [l, b')', next, ..] if l.is_ascii_alphabetic() && next.is_ascii_alphabetic() => 2,
        // `D.01 BRASILIA 3714`: letter, dot, year.
        [l, b'.', d1, d2]
            if l.is_ascii_alphabetic() && d1.is_ascii_digit() && d2.is_ascii_digit() =>
        {
            2
        }
        _ => 0,
    }
}

/// `A.`, `A)`, `(A)`, `[A]`, `¶A.`, `A:` -> `A`.
fn enumerator(token: &str) -> Option<String> {
    let t = token.trim_start_matches('¶');
    let t = t.strip_prefix(['(', '[']).unwrap_or(t);
    let mut chars = t.chars();
    let letter = chars.next()?;
    let rest = chars.as_str();
    if letter.is_ascii_alphabetic() && matches!(rest, "." | ")" | ":" | ")." | "]" | "]." | "):") {
        return Some(letter.to_ascii_uppercase().to_string());
    }
    None
}

/// A serial, possibly with its year after it: `2601`, `O1512` (letter O for zero),
/// `4525-91`, `00789/08`. Returns (serial without leading zeros, year if given).
fn serial(word: &str) -> Option<(String, Option<i32>)> {
    let word = word.strip_prefix('#').unwrap_or(word);
    // `(C)02293`: a portion marking stuck to the serial.
    let word = match word.find(')') {
        Some(i) if i <= 4 => &word[i + 1..],
        _ => word,
    };
    let (digits, year) = match word.split_once(['-', '/']) {
        Some((d, y)) if y.len() == 2 && y.bytes().all(|b| b.is_ascii_digit()) => {
            (d, y.parse::<i32>().ok())
        }
        Some(_) => return None,
        None => (word, None),
    };
    let fixed: String = digits.chars().map(|c| if c == 'O' { '0' } else { c }).collect();
    // `TRIPOLI 00000402`: PlusD's page marker, not a reference.
    if fixed.len() >= 8 && fixed.starts_with("0000") {
        return None;
    }
    let real_digits = digits.bytes().filter(u8::is_ascii_digit).count();
    if !(1..=8).contains(&fixed.len())
        || !fixed.bytes().all(|b| b.is_ascii_digit())
        || (fixed.len() != real_digits && real_digits < 3)
    {
        return None;
    }
    let s = fixed.trim_start_matches('0');
    Some((if s.is_empty() { "0".into() } else { s.into() }, year))
}

/// `06`, `2006`, `094` (a stray zero), `O4` (letter O for zero).
fn is_year(word: &str) -> bool {
    let digits = word.bytes().filter(u8::is_ascii_digit).count();
    match word.len() {
        2 => digits == 2 || (digits == 1 && word.contains('O')),
        3 => digits == 3 && word.starts_with('0'),
        4 => digits == 4,
        _ => false,
    }
}

fn year_value(word: &str) -> Option<i32> {
    let fixed: String = word.chars().map(|c| if c == 'O' { '0' } else { c }).collect();
    fixed.parse::<i32>().ok().map(|y| y % 100)
}

/// `(01)` between post and serial, `(08)` or `(2002)` after the serial.
fn paren_year(text: &str) -> Option<i32> {
    let inner = text.strip_prefix('(')?.trim_end_matches([',', ';', '.']).strip_suffix(')')?;
    ((inner.len() == 2 || inner.len() == 4) && inner.bytes().all(|b| b.is_ascii_digit()))
        .then(|| inner.parse::<i32>().ok().map(|y| y % 100))?
}

/// Where a post name starts at `tokens[i]`: canonical token and tokens used.
fn post_at(tokens: &[Token<'_>], i: usize) -> Option<(String, usize)> {
    let words: Vec<&str> =
        tokens[i..tokens.len().min(i + 5)].iter().map(|t| t.word.as_str()).collect();
    let phrase = ids::match_post_words(&words);
    // `USUN NE YORK 609`: `USUN` alone is a post, but no serial follows it; the misspelt
    // longer name below is the better reading.
    if let Some((_, used)) = &phrase
        && words.get(*used).is_none_or(|w| serial(w).is_some() || w.starts_with('('))
    {
        return phrase;
    }
    // A misspelt post (`WELLINGOTN 12`, `COTON0U 348`, `PHNOM PEN 333`, `USUN NE YORK 609`)
    // directly before a serial: the words joined, within one slip of one known post.
    for n in (1..=3.min(words.len().saturating_sub(1))).rev() {
        let serial_follows = serial(words[n]).is_some();
        // `PORT A 76`: words after the first may be single letters (but not enumerators).
        let wordlike = tokens[i..i + n].iter().enumerate().all(|(k, t)| {
            enumerator(t.text).is_none() && (t.word.len() >= 2 || (k > 0 && t.text.len() == 1))
        }) && words[..n].iter().all(|w| {
            let letters = w.bytes().filter(u8::is_ascii_alphabetic).count();
            !w.is_empty()
                && letters + 1 >= w.len()
                && w.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'\'')
        });
        let joined = ids::post_token(&words[..n].join(""));
        if serial_follows
            && wordlike
            && joined.len() >= 5
            && let Some(post) = ids::canonical_post(&joined)
        {
            return Some((post, n));
        }
    }
    phrase
}

struct Found {
    ids: Vec<String>,
    used: usize,
}

/// Cable references starting at `tokens[i]`.
fn cables_at(tokens: &[Token<'_>], i: usize, year: i32) -> Option<Found> {
    let word = tokens[i].word.as_str();
    let yy_default = year.rem_euclid(100);
    // `06TBILISI2601` written as one token; `HK05511` (post glued to serial).
    if let Some(id) = one_token_id(word, yy_default) {
        return Some(Found { ids: vec![id], used: 1 });
    }
    // `870 Ulaanbaatar`: serial first.
    if word.len() >= 3
        && let Some((s, None)) = serial(word)
        && let Some(next) = tokens.get(i + 1)
        && let Some((post, used)) = post_at(tokens, i + 1)
        && tokens.get(i + 1 + used).is_none_or(|t| serial(&t.word).is_none())
        && next.word.bytes().all(|b| b.is_ascii_alphabetic())
    {
        return Some(Found { ids: vec![format!("{yy_default:02}{post}{s}")], used: 1 + used });
    }
    // `09DHAHRAN 201`: year glued to the post.
    if word.len() > 4
        && word.as_bytes()[..2].iter().all(u8::is_ascii_digit)
        && word[2..].bytes().all(|b| b.is_ascii_uppercase())
        && let Some(post) = ids::canonical_post(&word[2..]).filter(|p| ids::is_known_post(p))
        && let Some((s, _)) = tokens.get(i + 1).and_then(|t| serial(&t.word))
    {
        return Some(Found { ids: vec![format!("{}{post}{s}", &word[..2])], used: 2 });
    }
    let (mut yy, at) = if is_year(word) && i + 1 < tokens.len() && post_at(tokens, i + 1).is_some()
    {
        (year_value(word)?, i + 1)
    } else {
        (yy_default, i)
    };
    let (post, used) = post_at(tokens, at)?;
    let mut j = at + used;
    // `COLOMBO CABLES 0266`.
    if tokens.get(j).is_some_and(|t| {
        matches!(t.word.as_str(), "CABLE" | "CABLES" | "TEL" | "TELS" | "TELEGRAM" | "TELEGRAMS")
    }) && tokens.get(j + 1).is_some_and(|t| serial(&t.word).is_some())
    {
        j += 1;
    }
    if let Some(y) = tokens.get(j).and_then(|t| paren_year(t.text)) {
        yy = y;
        j += 1;
    }
    // `ASUNCION 701 (08)`: the year after the serial.
    if let Some(y) = tokens.get(j + 1).and_then(|t| paren_year(t.text)) {
        yy = y;
    }
    let mut ids = Vec::new();
    // The first serial, and more of the same post: `936/935`, `AND 7677`, `, 12155`.
    let first = tokens.get(j)?;
    // `00789/08`: one serial with its year; `936/935`: two serials.
    let whole = serial(&first.word).filter(|(_, y)| y.is_some());
    let split_parts = whole.is_none();
    if let Some((s, y)) = whole {
        ids.push(format!("{:02}{post}{s}", y.unwrap_or(yy)));
    }
    for (n, part) in first.word.split('/').enumerate().filter(|_| split_parts) {
        let Some((s, y)) = serial(part).or_else(|| (n == 0).then(|| serial(&first.word)).flatten())
        else {
            break;
        };
        ids.push(format!("{:02}{post}{s}", y.unwrap_or(yy)));
        if y.is_some() {
            break;
        }
    }
    if ids.is_empty() {
        return None;
    }
    j += 1;
    if tokens.get(j).and_then(|t| paren_year(t.text)).is_some() {
        j += 1;
    } else if let Some(t) = tokens.get(j)
        && t.word.len() == 2
        && t.word.bytes().all(|b| b.is_ascii_digit())
        && first.text.len() == first.word.len()
        && (tokens.get(j + 1).is_none()
            || t.text.ends_with([',', ';'])
            || !text_between_is_space(tokens, j))
    {
        // `AMMAN 07718 99, AMMAN 05986 00`: the year after the serial, then a separator.
        if let (Some(last), Ok(y)) = (ids.last_mut(), t.word.parse::<i32>()) {
            let (_, rest) = last.split_at(2);
            *last = format!("{y:02}{rest}");
        }
        j += 1;
    }
    loop {
        let mut k = j;
        if tokens.get(k).is_some_and(|t| t.word == "AND") {
            k += 1;
        }
        let Some(t) = tokens.get(k) else { break };
        if t.word.len() < 3 || enumerator(t.text).is_some() || post_at(tokens, k).is_some() {
            break;
        }
        // A bare number after a post's serial is another serial of it, unless a post
        // follows it (`... 2006 TBILISI 12` starts a new reference).
        if tokens.get(k + 1).is_some_and(|_| post_at(tokens, k + 1).is_some()) {
            break;
        }
        let parts: Vec<_> = t.word.split('/').map(serial).collect();
        if parts.is_empty() || parts.iter().any(Option::is_none) {
            break;
        }
        // `AND 02259 (2002)`: a year after this serial is its own.
        let own_year = tokens.get(k + 1).and_then(|t| paren_year(t.text));
        for (s, y) in parts.into_iter().flatten() {
            ids.push(format!("{:02}{post}{s}", own_year.or(y).unwrap_or(yy)));
        }
        j = k + 1 + usize::from(own_year.is_some());
    }
    Some(Found { ids, used: j - i })
}

/// Whether a separator follows `tokens[j]` (the tokenizer dropped it; its `text` ends
/// before it).
fn text_between_is_space(tokens: &[Token<'_>], j: usize) -> bool {
    tokens.get(j + 1).is_some_and(|n| n.start == tokens[j].end + 1)
}

fn one_token_id(word: &str, yy: i32) -> Option<String> {
    // `10-OTTAWA-57`, `2005PANAMA2342`.
    let compact: String = word.chars().filter(|c| *c != '-').collect();
    let word = match compact.as_bytes() {
        [a, b, c, d, e, ..]
            if [a, b, c, d].iter().all(|x| x.is_ascii_digit()) && e.is_ascii_alphabetic() =>
        {
            &compact[2..]
        }
        _ => compact.as_str(),
    };
    if ids::looks_like_id(word) {
        let id = ids::canonical_id(word)?;
        let (_, post, _) = ids::split_id(&id)?;
        if ids::is_known_post(post) {
            return Some(id);
        }
    }
    // `HK05511`: post and serial without year.
    let letters = word.bytes().take_while(u8::is_ascii_uppercase).count();
    if letters >= 2 && letters < word.len() && word[letters..].bytes().all(|b| b.is_ascii_digit()) {
        let post = ids::canonical_post(&word[..letters]).filter(|p| ids::is_known_post(p))?;
        let (s, _) = serial(&word[letters..])?;
        if word.len() - letters >= 3 {
            return Some(format!("{yy:02}{post}{s}"));
        }
    }
    None
}

fn kind_of(text: &str) -> RefKind {
    let upper = text.to_ascii_uppercase();
    let has = |w: &str| upper.contains(w);
    let word = |w: &str| upper.split(|c: char| !c.is_ascii_alphanumeric()).any(|t| t == w);
    if has("MAIL") {
        RefKind::Mail
    } else if has("TELCON") || has("TELECON") || has("PHONE") || word("CALL") || word("TELCONS") {
        RefKind::Tel
    } else if word("FAM") || word("FAH") || word("CFR") || word("USC") {
        RefKind::Book
    } else if has("REPORT") || has("MEMO") || word("TD") || has("TD-") || has("ASSESSMENT") {
        RefKind::Report
    } else {
        RefKind::Other
    }
}

/// Words that do not make an item on their own: `AND PREVIOUS`, `NOTAL`, `UNCLASS`.
fn is_filler_word(word: &str) -> bool {
    matches!(
        word,
        "AND"
            | "PREVIOUS"
            | "PREVIOUSLY"
            | "NOTAL"
            | "CIRCULAR"
            | "ALSO"
            | "OTHERS"
            | "ETC"
            | "ET"
            | "AL"
            | "UNCLASS"
            | "UNCLAS"
            | "UNCLASSIFIED"
            | "CONFIDENTIAL"
            | "SECRET"
            | "EXDIS"
            | "NODIS"
            | "LIMDIS"
            | "SIPDIS"
            | "NOFORN"
            | "ALL"
            | "PARA"
            | "PARAS"
            | "REFTEL"
            | "REFTELS"
            | "REF"
            | "REFS"
            | "REFERENCE"
            | "REFERENCES"
    )
}

/// Words inside a REF block that are not items: `REF`, `REFTEL`, `REFERENCE:`.
fn is_filler(word: &str) -> bool {
    matches!(word, "REF" | "REFS" | "REFTEL" | "REFTELS" | "REFERENCE" | "REFERENCES")
}

/// Parses a REF block's text. `year` is the citing cable's year, used for references that
/// leave theirs out; `own_post` its post, for references that leave the post out.
pub fn parse(text: &str, year: i32, own_post: Option<&str>) -> Vec<Reference> {
    let tokens = tokenize(text);
    let mut out: Vec<Reference> = Vec::new();
    let mut label: Option<String> = None;
    let mut pending: Option<(usize, usize)> = None;
    let flush = |pending: &mut Option<(usize, usize)>,
                 label: &Option<String>,
                 out: &mut Vec<Reference>| {
        if let Some((s, e)) = pending.take() {
            let value = text[s..e]
                .trim_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '-'));
            let only_filler = value
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .all(|w| is_filler_word(&w.to_ascii_uppercase()));
            if !only_filler {
                out.push(Reference {
                    kind: kind_of(value),
                    value: value.to_string(),
                    label: label.clone(),
                });
            }
        }
    };
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        let letter = enumerator(t.text).filter(|l| {
            // A letter inside an item's text (`E-mails J. Speaks`) is not an enumerator: one
            // starts an item, or comes next in the lettering.
            pending.is_none()
                || next_letter(label.as_deref()) == Some(l.as_str())
                || label.as_deref() == Some(l.as_str())
                || l == "A"
        });
        let letter = letter.or_else(|| {
            // `A - Kabul 28`: a bare letter and a dash.
            (t.text.len() == 1
                && t.text.as_bytes()[0].is_ascii_uppercase()
                && tokens.get(i + 1).is_some_and(|n| n.text == "-"))
            .then(|| t.text.to_string())
        });
        if let Some(letter) = letter {
            flush(&mut pending, &label, &mut out);
            label = Some(letter);
            i += 1;
            continue;
        }
        if is_filler(&t.word) {
            flush(&mut pending, &label, &mut out);
            // `REF A STATE 122214`: the letter after REF repeats the item's letter.
            i += 1;
            if tokens
                .get(i)
                .is_some_and(|n| n.text.len() == 1 && n.text.as_bytes()[0].is_ascii_alphabetic())
            {
                i += 1;
            }
            continue;
        }
        // `INCSR BRAZIL 2008`: a post name inside running text is not a reference.
        let in_text = pending.is_some()
            && i > 0
            && !text[tokens[i - 1].end..t.start].contains([',', ';', '&', '\n'])
            && !tokens[i - 1].text.ends_with([')', '.'])
            && tokens[i - 1].word.len() >= 3
            && tokens[i - 1].word.bytes().all(|b| b.is_ascii_uppercase())
            && !is_filler_word(&tokens[i - 1].word);
        if let Some(found) = cables_at(&tokens, i, year).filter(|_| !in_text) {
            flush(&mut pending, &label, &mut out);
            for id in found.ids {
                if !out
                    .iter()
                    .any(|r| r.kind == RefKind::Cable && r.value == id && r.label == label)
                {
                    out.push(Reference { kind: RefKind::Cable, value: id, label: label.clone() });
                }
            }
            i += found.used;
            continue;
        }
        // `A) 6307`: a lone serial right after a letter cites the citing post.
        if let (Some(post), true) = (own_post, pending.is_none() && label.is_some())
            && t.word.len() >= 3
            && let Some((s, y)) = serial(&t.word)
            && tokens
                .get(i + 1)
                .is_none_or(|n| enumerator(n.text).is_some() || is_filler_word(&n.word))
        {
            let yy = y.unwrap_or(year.rem_euclid(100));
            out.push(Reference {
                kind: RefKind::Cable,
                value: format!("{yy:02}{post}{s}"),
                label: label.clone(),
            });
            i += 1;
            continue;
        }
        pending = Some(match pending {
            Some((s, _)) => (s, t.end),
            None => (t.start, t.end),
        });
        i += 1;
    }
    flush(&mut pending, &label, &mut out);
    out
}

fn next_letter(label: Option<&str>) -> Option<&'static str> {
    const LETTERS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    match label {
        None => Some("A"),
        Some(l) => LETTERS.find(l).and_then(|i| LETTERS.get(i + 1..i + 2)),
    }
}

/// Only the cable references, as canonical IDs, each once.
pub fn cable_ids(refs: &[Reference]) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for r in refs.iter().filter(|r| r.kind == RefKind::Cable) {
        if !out.contains(&r.value.as_str()) {
            out.push(&r.value);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(text: &str, year: i32) -> Vec<String> {
        cable_ids(&parse(text, year, Some("ANKARA"))).into_iter().map(String::from).collect()
    }

    #[test]
    fn lettered_cables_with_and_without_year() {
        let refs = parse("A. STATE 74879 B. 06 TBILISI 2601", 2007, None);
        assert_eq!(cable_ids(&refs), ["07STATE74879", "06TBILISI2601"]);
        assert_eq!(refs[1].label.as_deref(), Some("B"));
    }

    #[test]
    fn mixed_items_keep_their_kind_letter_and_text() {
        let refs =
            parse("A) TALLINN 366 B) LEE-GOLDSTEIN EMAIL 05/11/07 \nB) TALLINN 347", 2007, None);
        assert_eq!(
            refs,
            [
                Reference {
                    kind: RefKind::Cable,
                    value: "07TALLINN366".into(),
                    label: Some("A".into())
                },
                Reference {
                    kind: RefKind::Mail,
                    value: "LEE-GOLDSTEIN EMAIL 05/11/07".into(),
                    label: Some("B".into())
                },
                Reference {
                    kind: RefKind::Cable,
                    value: "07TALLINN347".into(),
                    label: Some("B".into())
                },
            ]
        );
        let refs = parse("9 FAM Appendix K, 406 (6)", 2009, None);
        assert_eq!(refs[0].kind, RefKind::Book);
        assert_eq!(refs[0].value, "9 FAM Appendix K, 406 (6)");
    }

    #[test]
    fn multi_word_posts_and_padded_serials() {
        assert_eq!(
            ids("(A) USUNESCO PARIS FR 000087, (B) USUNESCO PARIS FR 00187", 2010),
            ["10UNESCOPARISFR87", "10UNESCOPARISFR187"]
        );
        assert_eq!(
            ids("A. A) SECSTATE 54183 B. B) 07 BRASILIA 1868 C. C) STATE 57700", 2008),
            ["08STATE54183", "07BRASILIA1868", "08STATE57700"]
        );
        assert_eq!(ids("A)STATE 70789; B. B)HK05511", 2000), ["00STATE70789", "00HONGKONG5511"]);
    }

    #[test]
    fn several_serials_of_one_post() {
        assert_eq!(
            ids("A. BRASILIA 2799 AND 2764 ¶B. PORT AU PRINCE 2325", 2004),
            ["04BRASILIA2799", "04BRASILIA2764", "04PORTAUPRINCE2325"]
        );
        assert_eq!(
            ids("A) Kabul 936/935; C) 06 Kabul \n5353/5194", 2007),
            ["07KABUL936", "07KABUL935", "06KABUL5353", "06KABUL5194"]
        );
        assert_eq!(
            ids("[A] State 188314, 259032, [B] Ottawa 2285", 2005),
            ["05STATE188314", "05STATE259032", "05OTTAWA2285"]
        );
    }

    #[test]
    fn years_written_after_or_inside() {
        assert_eq!(ids("A. QUITO 4525-91 B. QUITO 1735", 2006), ["91QUITO4525", "06QUITO1735"]);
        assert_eq!(
            ids("A) STATE (01) 201265, C) STATE 02034", 2002),
            ["01STATE201265", "02STATE2034"]
        );
    }

    #[test]
    fn odd_spellings() {
        assert_eq!(ids("(A) LAGOS O1512, (B) LAGOS 01545", 2002), ["02LAGOS1512", "02LAGOS1545"]);
        assert_eq!(ids("COTON0U 348", 2008), ["08COTONOU348"]);
        assert_eq!(ids("870 Ulaanbaatar", 2006), ["06ULAANBAATAR870"]);
        assert_eq!(
            ids("A. REF A STATE 122214 B. REF B LONDON 2649", 2009),
            ["09STATE122214", "09LONDON2649"]
        );
        assert_eq!(ids("KUWAIT (C)02293", 2003), ["03KUWAIT2293"]);
        assert_eq!(ids("A) 6307 B) STATE 285773", 2003), ["03ANKARA6307", "03STATE285773"]);
        assert_eq!(ids("BAGHDAD #3565", 2007), ["07BAGHDAD3565"]);
    }

    #[test]
    fn semicolon_lists_and_non_cable_items() {
        let refs = parse("08 STATE 1234; E-Mail Tralala; 05 STATE 1234; 06 STATE 1234", 2008, None);
        assert_eq!(cable_ids(&refs), ["08STATE1234", "05STATE1234", "06STATE1234"]);
        assert_eq!(refs[1].kind, RefKind::Mail);
        assert_eq!(refs[1].value, "E-Mail Tralala");
    }
}
