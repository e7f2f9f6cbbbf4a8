//! The parser against the whole shared corpus: IDs from the text alone, sent dates against
//! the index, and no failures.

mod common;

use std::collections::BTreeMap;

use ctrack::cable::{self, IdSource};
use serde::Deserialize;

#[derive(Deserialize)]
struct IndexEntry {
    file: String,
    canonical_id: String,
    created: Option<String>,
    header_kind: String,
}

fn has_dtg(text: &str) -> bool {
    let re = regex::Regex::new(r"\d{6}Z ?(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC) ?\d{2}")
        .unwrap();
    re.is_match(text)
}

#[test]
fn ids_from_text_alone_match_file_names_and_dates_match_the_index() {
    let Some(dir) = common::corpus::dir() else { return };
    let index = std::fs::read_to_string(dir.join("index.jsonl")).unwrap();
    let entries: Vec<IndexEntry> =
        index.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(entries.len(), 6742);

    let (mut with_header, mut id_ok) = (0usize, 0usize);
    let (mut dated, mut date_ok) = (0usize, 0usize);
    let mut misses = Vec::new();
    let mut date_misses = Vec::new();
    let mut failures = Vec::new();
    let mut sources: BTreeMap<&str, usize> = BTreeMap::new();
    for e in &entries {
        let bytes = std::fs::read(dir.join(&e.file)).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        let stem = e.file.trim_start_matches("cables/").trim_end_matches(".txt");
        let parsed = match cable::parse(&text, None) {
            Ok(c) => c,
            Err(err) => {
                let with_name = cable::parse(&text, Some(stem));
                if with_name.is_err() {
                    failures.push(format!("{stem}: {err}"));
                }
                if e.header_kind != "partial_extract_note" || has_dtg(&text) {
                    with_header += 1;
                    misses.push(format!("{stem}: no ID ({err})"));
                }
                continue;
            }
        };
        *sources.entry(parsed.id_source.as_str()).or_default() += 1;
        if e.header_kind != "partial_extract_note" || has_dtg(&text) {
            with_header += 1;
            if parsed.canonical_id == stem || parsed.reference_id == stem {
                id_ok += 1;
            } else {
                misses.push(format!(
                    "{stem}: got {} (published {})",
                    parsed.canonical_id, parsed.reference_id
                ));
            }
        }
        assert_ne!(parsed.id_source, IdSource::FileName, "no file name was given");
        let _ = &e.canonical_id;
        if has_dtg(&text) && e.created.is_some() {
            dated += 1;
            // The index's minutes are unreliable (09JEDDAH343 was sent 111328Z SEP 09; the
            // index says 13:01), so the date and hour are compared.
            let got = parsed.sent_at.map(|t| {
                format!("{:04}-{:02}-{:02} {:02}", t.year(), u8::from(t.month()), t.day(), t.hour())
            });
            let want = e.created.as_deref().map(|c| &c[..13]);
            if got.is_some() && got.as_deref() == want {
                date_ok += 1;
            } else {
                date_misses.push(format!("{stem}: got {got:?}, index {:?}", e.created));
            }
        }
    }
    println!("ID sources: {sources:?}");
    println!(
        "IDs from text: {id_ok}/{with_header} cables with a header ({:.2}%)",
        100.0 * id_ok as f64 / with_header as f64
    );
    for m in &misses {
        println!("  ID miss: {m}");
    }
    println!(
        "Sent dates: {date_ok}/{dated} cables with a date-time group ({:.2}%)",
        100.0 * date_ok as f64 / dated as f64
    );
    for m in date_misses.iter().take(40) {
        println!("  date miss: {m}");
    }
    for f in &failures {
        println!("  FAILED even with its file name: {f}");
    }
    assert!(failures.is_empty(), "{} corpus cables fail to parse", failures.len());
    assert!(id_ok * 100 >= with_header * 99, "IDs from text: {id_ok}/{with_header}");
    assert!(date_ok * 100 >= dated * 99, "dates: {date_ok}/{dated}");
}
