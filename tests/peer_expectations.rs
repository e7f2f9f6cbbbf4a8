//! Another cable parser's test expectations (heuer/cablemap), run against ours.
//!
//! Every applicable record of `../shared/corpus/peer/cablemap_expectations.jsonl` is run: the
//! fields we parse (references, subject, tags, reference and canonical IDs, recipients),
//! where the record gives an input snippet, names a cable whose text is in the corpus, or
//! (for canonical IDs) tests the canonicalisation of an ID string. A historical record
//! (from an older version of that test suite) that a current record contradicts is left
//! out. Disagreements are printed so that each can be judged.

mod common;

use std::collections::{HashMap, HashSet};

use ctrack::cable::{self, RefKind, ids};
use serde_json::{Value, json};

const FIELDS: &[&str] = &[
    "references(cable refs only)",
    "references",
    "subject",
    "tags",
    "reference_id",
    "canonical_id",
    "recipients",
    "info_recipients",
];

/// What a record checks: a field of an input snippet (whitespace aside), or of a cable.
fn record_key(r: &Value) -> String {
    match r["input"].as_str() {
        Some(input) => {
            format!("{}|{}", r["field"], input.split_whitespace().collect::<Vec<_>>().join(" "))
        }
        None => format!("{}|{}", r["field"], r["cable_id"]),
    }
}

fn kind_name(kind: RefKind) -> &'static str {
    kind.as_str()
}

fn recipients_json(list: &[cable::Recipient]) -> Value {
    Value::Array(
        list.iter()
            .map(|r| {
                json!({"route": r.route, "name": r.name, "precedence": r.precedence, "mcn": r.mcn,
                       "excluded": r.excluded})
            })
            .collect(),
    )
}

/// Compares expected recipients (keys absent where the other parser has none) to ours.
fn recipients_agree(expected: &Value, ours: &Value) -> bool {
    let (Some(e), Some(o)) = (expected.as_array(), ours.as_array()) else { return false };
    e.len() == o.len()
        && e.iter().zip(o).all(|(e, o)| {
            ["route", "name", "precedence", "mcn"]
                .iter()
                .all(|k| e.get(*k).unwrap_or(&Value::Null) == &o[*k])
                && e.get("excluded").unwrap_or(&json!([])) == &o["excluded"]
        })
}

#[test]
fn agrees_with_at_least_95_percent_of_the_peer_parsers_expectations() {
    let Some(dir) = common::corpus::dir() else { return };
    let text = std::fs::read_to_string(dir.join("peer/cablemap_expectations.jsonl")).unwrap();
    let records: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();

    // Cable texts by published and canonical ID.
    let index = std::fs::read_to_string(dir.join("index.jsonl")).unwrap();
    let mut files: HashMap<String, String> = HashMap::new();
    let entries: Vec<Value> = index.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    // A published ID names its own file before any file whose canonical ID it is.
    for key in ["reference_id", "canonical_id"] {
        for e in &entries {
            let file = e["file"].as_str().unwrap().to_string();
            files.entry(e[key].as_str().unwrap().to_string()).or_insert(file);
        }
    }
    let current: HashSet<String> =
        records.iter().filter(|r| r["historical"] == false).map(record_key).collect();

    let (mut run, mut agree, mut superseded) = (0usize, 0usize, 0usize);
    let mut by_field: HashMap<String, (usize, usize)> = HashMap::new();
    let mut disagreements = Vec::new();
    for r in &records {
        let field = r["field"].as_str().unwrap();
        if !FIELDS.contains(&field) {
            continue;
        }
        let input = r.get("input").and_then(Value::as_str);
        let cable_id = r["cable_id"].as_str();
        let in_corpus = r["cable_text_in_corpus"] == true;
        let id_only = field == "canonical_id" && r["cable_id_from"] == "test_arg" && !in_corpus;
        if input.is_none() && !in_corpus && !id_only {
            continue;
        }
        // We keep one form of the subject, without its portion marking (the other parser's
        // `clean=True`); records of its raw form do not apply.
        if field == "subject" && r["args"]["clean"] == false {
            continue;
        }
        // A historical record is superseded where the current suite makes the same check
        // (the same field of the same input), whatever answer it now expects.
        if r["historical"] == true && current.contains(&record_key(r)) {
            superseded += 1;
            continue;
        }
        // Records of the other parser's non-canonicalising mode do not apply: we always
        // canonicalise.
        if r["source_test"].as_str().is_some_and(|t| t.contains("c14n_disabled")) {
            continue;
        }
        let year = r["args"]["year"].as_i64().map(|y| y as i32).unwrap_or_else(|| {
            cable_id
                .and_then(|id| id.get(..2))
                .and_then(|yy| yy.parse::<i32>().ok())
                .map(|yy| if yy >= 50 { 1900 + yy } else { 2000 + yy })
                .unwrap_or(2009)
        });
        let ours: Value = if id_only {
            json!(ids::canonical_id(cable_id.unwrap()))
        } else if let Some(input) = input {
            let own = r["args"]["reference_id"].as_str().or(cable_id);
            let f = cable::parse_fragment(input, year, own);
            match field {
                "references(cable refs only)" => json!(cable::refs::cable_ids(&f.references)),
                // The other parser has no kind for items that are not cables, mail, calls,
                // reports or manuals, and leaves them out; so do we, for the comparison.
                "references" => Value::Array(
                    f.references
                        .iter()
                        .filter(|r| r.kind != RefKind::Other)
                        .map(|r| json!({"_type": kind_name(r.kind), "value": r.value, "enum": r.label}))
                        .collect(),
                ),
                "subject" => json!(f.subject.unwrap_or_default()),
                "tags" => json!(f.tags),
                "recipients" => recipients_json(&f.recipients),
                "info_recipients" => recipients_json(&f.info_recipients),
                _ => continue,
            }
        } else {
            let Some(file) = cable_id.and_then(|id| files.get(id)) else { continue };
            let bytes = std::fs::read(dir.join(file)).unwrap();
            let stem = file.trim_start_matches("cables/").trim_end_matches(".txt");
            let c = cable::parse_bytes(&bytes, Some(stem)).expect("corpus cable parses");
            match field {
                "references(cable refs only)" => json!(cable::refs::cable_ids(&c.references)),
                "references" => json!(cable::refs::cable_ids(&c.references)),
                "subject" => json!(c.subject.unwrap_or_default()),
                "tags" => json!(c.tags),
                "reference_id" => json!(c.reference_id),
                "canonical_id" => json!(c.canonical_id),
                "recipients" => recipients_json(&c.recipients),
                "info_recipients" => recipients_json(&c.info_recipients),
                _ => continue,
            }
        };
        let expected = &r["expected"];
        let ok = match field {
            "recipients" | "info_recipients" => recipients_agree(expected, &ours),
            "references" if input.is_some() => {
                let e = expected.as_array().unwrap();
                let o = ours.as_array().unwrap();
                e.len() == o.len()
                    && e.iter().zip(o).all(|(e, o)| {
                        e["_type"] == o["_type"]
                            && e["value"] == o["value"]
                            && e.get("enum").is_none_or(|l| l == &o["enum"])
                    })
            }
            "subject" => {
                let norm = |v: &Value| {
                    v.as_str().unwrap_or("").split_whitespace().collect::<Vec<_>>().join(" ")
                };
                norm(expected) == norm(&ours)
            }
            _ => expected == &ours,
        };
        run += 1;
        let entry = by_field.entry(field.to_string()).or_default();
        entry.0 += 1;
        if ok {
            agree += 1;
            entry.1 += 1;
        } else {
            disagreements.push(format!(
                "{field} {} ({}): expected {expected} got {ours}",
                cable_id.unwrap_or("-"),
                r["source_test"].as_str().unwrap_or("")
            ));
        }
    }
    let mut fields: Vec<_> = by_field.into_iter().collect();
    fields.sort();
    for (field, (n, ok)) in &fields {
        println!("{field}: {ok}/{n}");
    }
    for d in &disagreements {
        println!("DISAGREE {d}");
    }
    println!(
        "peer expectations: {agree}/{run} agree ({:.1}%), {superseded} historical records superseded",
        100.0 * agree as f64 / run as f64
    );
    assert!(run > 400, "only {run} records were applicable");
    assert!(agree * 100 >= run * 95, "{agree}/{run} agree");
}
