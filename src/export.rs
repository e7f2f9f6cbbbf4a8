//! Per-country status summaries that analysts hand on, as CSV, JSON and Markdown; shared
//! by `ctrack export` and the country page's downloads.
//!
//! A summary is stated as of a day: counts per status and category, then the overdue and
//! stale commitments, then the rest, each with its current status, its last status change
//! (when, who, note), source cable and paragraph, due date, latest evidence cable and a
//! permalink. Rows are streamed from the database and written out in chunks, so memory
//! stays flat however many commitments a country has. Everything is read in one
//! repeatable-read snapshot, so the counts and the rows agree even while analysts work.
//!
//! The JSON follows `static/export-schema.json` (its `schema_version` is
//! [`SCHEMA_VERSION`]). CSV cells that a spreadsheet would read as a formula (starting
//! with `=`, `+`, `-`, `@`, a tab or a carriage return) get a leading `'`.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::future::Future;

use futures_util::TryStreamExt;
use serde::Serialize;
use sqlx::PgPool;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};

use crate::db::export::{self as q, Row};
use crate::db::tracking::{CATEGORIES, STATUSES};

pub use crate::db::export::Scope;

/// The version of the JSON layout; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;
/// The JSON Schema the JSON export follows.
pub const SCHEMA: &str = include_str!("../static/export-schema.json");

/// Bytes gathered before they are handed to the sink.
const CHUNK: usize = 64 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
    Markdown,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            "md" | "markdown" => Some(Format::Markdown),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Markdown => "md",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Json => "application/json",
            Format::Markdown => "text/markdown; charset=utf-8",
        }
    }
}

/// One country, or every country that has commitments in scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Countries {
    One(String),
    All,
}

impl Countries {
    /// `all`, or a TAGS country code in any case.
    pub fn parse(s: &str) -> Result<Countries, ExportError> {
        let code = s.trim().to_ascii_uppercase();
        if code == "ALL" {
            Ok(Countries::All)
        } else if crate::cable::countries::name(&code).is_some() {
            Ok(Countries::One(code))
        } else {
            Err(ExportError::UnknownCountry(s.to_string()))
        }
    }

    /// For file names: `TI`, `all`.
    pub fn label(&self) -> &str {
        match self {
            Countries::One(code) => code,
            Countries::All => "all",
        }
    }
}

/// What to export.
#[derive(Debug, Clone)]
pub struct Request {
    pub countries: Countries,
    pub scope: Scope,
    /// Where the web app is reached; permalinks are `{base_url}/commitments/{id}`.
    pub base_url: String,
}

impl Request {
    fn permalink(&self, id: i64) -> String {
        format!("{}/commitments/{id}", self.base_url.trim_end_matches('/'))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{0:?} is not a TAGS country code (TI is Tajikistan, BR Brazil) or `all`")]
    UnknownCountry(String),
    #[error("reading the database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("writing the export: {0}")]
    Io(#[from] std::io::Error),
}

/// Where the export's bytes go, a chunk at a time: a file, standard output, or the body of
/// an HTTP response.
pub trait Sink {
    fn put(&mut self, chunk: Vec<u8>) -> impl Future<Output = std::io::Result<()>> + Send;
}

/// A sink over a blocking writer (a file or standard output).
pub struct WriteSink<W>(pub W);

impl<W: std::io::Write + Send> Sink for WriteSink<W> {
    fn put(&mut self, chunk: Vec<u8>) -> impl Future<Output = std::io::Result<()>> + Send {
        let written = self.0.write_all(&chunk);
        async move { written }
    }
}

/// What an export wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    pub countries: usize,
    pub commitments: u64,
}

/// Counts of one country's summary.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub total: i64,
    pub overdue: i64,
    pub stale: i64,
    pub unreviewed: i64,
    /// Every status, in the pages' order, zeros included.
    pub by_status: Vec<(String, i64)>,
    /// Every category, zeros included; a value outside the list comes last.
    pub by_category: Vec<(String, i64)>,
}

impl Counts {
    fn from_rows(rows: &[q::CountRow]) -> Counts {
        let mut c = Counts {
            by_status: STATUSES.iter().map(|s| (s.to_string(), 0)).collect(),
            by_category: CATEGORIES.iter().map(|s| (s.to_string(), 0)).collect(),
            ..Counts::default()
        };
        for r in rows {
            c.total += r.n;
            c.overdue += r.overdue;
            c.stale += r.stale;
            c.unreviewed += r.unreviewed;
            add(&mut c.by_status, &r.status, r.n);
            add(&mut c.by_category, &r.category, r.n);
        }
        c
    }
}

fn add(counts: &mut Vec<(String, i64)>, key: &str, n: i64) {
    match counts.iter_mut().find(|(k, _)| k == key) {
        Some((_, total)) => *total += n,
        None => counts.push((key.to_string(), n)),
    }
}

/// Writes the summaries `req` asks for to `sink` in `format`.
pub async fn write<S: Sink + Send>(
    pool: &PgPool,
    format: Format,
    req: &Request,
    sink: &mut S,
) -> Result<Written, ExportError> {
    let mut tx = q::snapshot(pool).await?;
    let codes = match &req.countries {
        Countries::One(code) => vec![code.clone()],
        Countries::All => q::countries(&mut *tx, &req.scope).await?,
    };
    let mut layout: Box<dyn Layout + Send> = match format {
        Format::Csv => Box::new(Csv),
        Format::Json => Box::new(Json::default()),
        Format::Markdown => Box::new(Markdown::default()),
    };
    let mut out = Vec::with_capacity(2 * CHUNK);
    let mut written = Written { countries: codes.len(), commitments: 0 };
    layout.begin(&mut out, req);
    for code in &codes {
        let counts = Counts::from_rows(&q::counts(&mut *tx, code, &req.scope).await?);
        layout.country(&mut out, req, code, &counts);
        let mut rows = q::rows(&mut *tx, code, &req.scope);
        while let Some(row) = rows.try_next().await? {
            layout.row(&mut out, req, &row);
            written.commitments += 1;
            if out.len() >= CHUNK {
                sink.put(std::mem::replace(&mut out, Vec::with_capacity(2 * CHUNK))).await?;
            }
        }
        drop(rows);
        layout.country_end(&mut out, req);
    }
    layout.end(&mut out, req);
    sink.put(out).await?;
    tx.commit().await?;
    Ok(written)
}

/// One country's counts and commitments, for the printable page (which renders them all
/// at once, so it holds them all).
pub async fn summary(
    pool: &PgPool,
    country: &str,
    scope: &Scope,
) -> Result<(Counts, Vec<Row>), ExportError> {
    let mut tx = q::snapshot(pool).await?;
    let counts = Counts::from_rows(&q::counts(&mut *tx, country, scope).await?);
    let rows: Vec<Row> = q::rows(&mut *tx, country, scope).try_collect().await?;
    tx.commit().await?;
    Ok((counts, rows))
}

/// How one format lays out a document: the beginning, each country's head, each
/// commitment, each country's end, the end.
trait Layout {
    fn begin(&mut self, out: &mut Vec<u8>, req: &Request);
    fn country(&mut self, out: &mut Vec<u8>, req: &Request, code: &str, counts: &Counts);
    fn row(&mut self, out: &mut Vec<u8>, req: &Request, row: &Row);
    fn country_end(&mut self, out: &mut Vec<u8>, req: &Request);
    fn end(&mut self, out: &mut Vec<u8>, req: &Request);
}

pub fn country_name(code: &str) -> &'static str {
    crate::cable::countries::name(code).unwrap_or("")
}

/// `In progress` for `in_progress`.
pub fn label(value: &str) -> String {
    let mut s = value.replace('_', " ");
    if let Some(first) = s.get(..1) {
        let upper = first.to_ascii_uppercase();
        s.replace_range(..1, &upper);
    }
    s
}

/// `2026-11-20T09:30:00Z`.
fn rfc3339(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC).format(&Rfc3339).unwrap_or_default()
}

/// `2026-11-20 09:30 UTC`.
fn readable(t: OffsetDateTime) -> String {
    crate::web::format_time(t)
}

fn day(t: OffsetDateTime) -> Date {
    t.to_offset(time::UtcOffset::UTC).date()
}

fn confidence(c: f32) -> f64 {
    (f64::from(c) * 100.0).round() / 100.0
}

/// What the source cables cover, in words.
pub fn range(scope: &Scope) -> String {
    match scope.since {
        None => format!("sent on or before {}", scope.last_day()),
        Some(s) => format!("sent {s} to {}", scope.last_day()),
    }
}

// ---- CSV ---------------------------------------------------------------------------------

const CSV_HEADER: &[&str] = &[
    "country",
    "country_name",
    "as_of",
    "commitment_id",
    "permalink",
    "status",
    "overdue",
    "stale",
    "review",
    "status_changed_at",
    "status_changed_by",
    "status_note",
    "cable_id",
    "cable_date",
    "paragraph",
    "due_date",
    "due_precision",
    "deadline",
    "latest_evidence_cable",
    "latest_evidence_date",
    "actor",
    "category",
    "quantity",
    "conditional",
    "confidence",
    "sentence",
];

/// A cell a spreadsheet will show as text, never run as a formula.
pub fn csv_cell(s: &str) -> Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

fn csv_record<'a>(out: &mut Vec<u8>, cells: impl IntoIterator<Item = Cow<'a, str>>) {
    let mut w = csv::WriterBuilder::new().buffer_capacity(4096).from_writer(out);
    // Writing into memory cannot fail.
    let _ = w.write_record(cells.into_iter().map(|c| csv_cell(&c).into_owned()));
    let _ = w.flush();
}

struct Csv;

impl Layout for Csv {
    fn begin(&mut self, out: &mut Vec<u8>, _: &Request) {
        csv_record(out, CSV_HEADER.iter().map(|h| Cow::Borrowed(*h)));
    }

    fn country(&mut self, _: &mut Vec<u8>, _: &Request, _: &str, _: &Counts) {}

    fn row(&mut self, out: &mut Vec<u8>, req: &Request, r: &Row) {
        let opt = |v: &Option<String>| Cow::Owned(v.clone().unwrap_or_default());
        let cells: Vec<Cow<str>> = vec![
            Cow::Borrowed(&r.country),
            Cow::Borrowed(country_name(&r.country)),
            Cow::Owned(req.scope.as_of.to_string()),
            Cow::Owned(r.id.to_string()),
            Cow::Owned(req.permalink(r.id)),
            Cow::Borrowed(&r.status),
            Cow::Borrowed(if r.overdue { "yes" } else { "no" }),
            Cow::Borrowed(if r.stale { "yes" } else { "no" }),
            Cow::Borrowed(&r.review),
            Cow::Owned(r.changed_at.map(readable).unwrap_or_default()),
            opt(&r.changed_by),
            opt(&r.note),
            Cow::Borrowed(&r.cable_id),
            Cow::Owned(r.cable_date.map(|t| day(t).to_string()).unwrap_or_default()),
            opt(&r.paragraph),
            Cow::Owned(r.due_date.map(|d| d.to_string()).unwrap_or_default()),
            opt(&r.due_precision),
            opt(&r.deadline),
            opt(&r.evidence_cable),
            Cow::Owned(r.evidence_date.map(|t| day(t).to_string()).unwrap_or_default()),
            Cow::Borrowed(&r.actor),
            Cow::Borrowed(&r.category),
            opt(&r.quantity),
            Cow::Borrowed(if r.conditional { "yes" } else { "no" }),
            Cow::Owned(format!("{:.2}", confidence(r.confidence))),
            Cow::Borrowed(&r.sentence),
        ];
        csv_record(out, cells);
    }

    fn country_end(&mut self, _: &mut Vec<u8>, _: &Request) {}

    fn end(&mut self, _: &mut Vec<u8>, _: &Request) {}
}

// ---- JSON --------------------------------------------------------------------------------

#[derive(Serialize)]
struct JsonCountry<'a> {
    code: &'a str,
    name: &'a str,
}

#[derive(Serialize)]
struct JsonCounts {
    total: i64,
    overdue: i64,
    stale: i64,
    unreviewed: i64,
    by_status: serde_json::Map<String, serde_json::Value>,
    by_category: serde_json::Map<String, serde_json::Value>,
}

#[derive(Serialize)]
struct JsonRow<'a> {
    id: i64,
    permalink: String,
    status: &'a str,
    overdue: bool,
    stale: bool,
    review: &'a str,
    unreviewed: bool,
    status_changed_at: Option<String>,
    status_changed_by: Option<&'a str>,
    status_note: Option<&'a str>,
    cable_id: &'a str,
    cable_date: Option<String>,
    paragraph: Option<&'a str>,
    due_date: Option<String>,
    due_precision: Option<&'a str>,
    deadline: Option<&'a str>,
    latest_evidence_cable: Option<&'a str>,
    latest_evidence_date: Option<String>,
    actor: &'a str,
    category: &'a str,
    quantity: Option<&'a str>,
    conditional: bool,
    confidence: f64,
    sentence: &'a str,
}

#[derive(Default)]
struct Json {
    countries: usize,
    rows: usize,
}

fn json(out: &mut Vec<u8>, value: &impl Serialize) {
    // Serializing plain structs into memory cannot fail.
    let _ = serde_json::to_writer(&mut *out, value);
}

impl Layout for Json {
    fn begin(&mut self, out: &mut Vec<u8>, req: &Request) {
        let opt_day = |d: Option<Date>| d.map(|d| d.to_string());
        out.extend_from_slice(b"{\n");
        for (key, value) in [
            ("schema_version", serde_json::json!(SCHEMA_VERSION)),
            ("generator", serde_json::json!(format!("ctrack {}", env!("CARGO_PKG_VERSION")))),
            ("as_of", serde_json::json!(req.scope.as_of.to_string())),
            ("since", serde_json::json!(opt_day(req.scope.since))),
            ("until", serde_json::json!(req.scope.last_day().to_string())),
            ("base_url", serde_json::json!(req.base_url)),
        ] {
            let _ = write!(ByteWriter(out), "  \"{key}\": ");
            json(out, &value);
            out.extend_from_slice(b",\n");
        }
        out.extend_from_slice(b"  \"summaries\": [");
    }

    fn country(&mut self, out: &mut Vec<u8>, _: &Request, code: &str, counts: &Counts) {
        if self.countries > 0 {
            out.push(b',');
        }
        self.countries += 1;
        self.rows = 0;
        let map = |v: &[(String, i64)]| v.iter().map(|(k, n)| (k.clone(), (*n).into())).collect();
        out.extend_from_slice(b"\n    {\"country\": ");
        json(out, &JsonCountry { code, name: country_name(code) });
        out.extend_from_slice(b",\n     \"counts\": ");
        json(
            out,
            &JsonCounts {
                total: counts.total,
                overdue: counts.overdue,
                stale: counts.stale,
                unreviewed: counts.unreviewed,
                by_status: map(&counts.by_status),
                by_category: map(&counts.by_category),
            },
        );
        out.extend_from_slice(b",\n     \"commitments\": [");
    }

    fn row(&mut self, out: &mut Vec<u8>, req: &Request, r: &Row) {
        if self.rows > 0 {
            out.push(b',');
        }
        self.rows += 1;
        out.extend_from_slice(b"\n      ");
        let changed = r.changed_at.is_some();
        json(
            out,
            &JsonRow {
                id: r.id,
                permalink: req.permalink(r.id),
                status: &r.status,
                overdue: r.overdue,
                stale: r.stale,
                review: &r.review,
                unreviewed: r.review == "proposed",
                status_changed_at: r.changed_at.map(rfc3339),
                status_changed_by: r.changed_by.as_deref(),
                status_note: if changed { Some(r.note.as_deref().unwrap_or("")) } else { None },
                cable_id: &r.cable_id,
                cable_date: r.cable_date.map(|t| day(t).to_string()),
                paragraph: r.paragraph.as_deref(),
                due_date: r.due_date.map(|d| d.to_string()),
                due_precision: r.due_precision.as_deref(),
                deadline: r.deadline.as_deref(),
                latest_evidence_cable: r.evidence_cable.as_deref(),
                latest_evidence_date: r.evidence_date.map(|t| day(t).to_string()),
                actor: &r.actor,
                category: &r.category,
                quantity: r.quantity.as_deref(),
                conditional: r.conditional,
                confidence: confidence(r.confidence),
                sentence: &r.sentence,
            },
        );
    }

    fn country_end(&mut self, out: &mut Vec<u8>, _: &Request) {
        if self.rows > 0 {
            out.extend_from_slice(b"\n     ");
        }
        out.extend_from_slice(b"]}");
    }

    fn end(&mut self, out: &mut Vec<u8>, _: &Request) {
        if self.countries > 0 {
            out.extend_from_slice(b"\n  ");
        }
        out.extend_from_slice(b"]\n}\n");
    }
}

/// `write!` into a byte buffer.
struct ByteWriter<'a>(&'a mut Vec<u8>);

impl std::fmt::Write for ByteWriter<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

// ---- Markdown ----------------------------------------------------------------------------

/// Where the Markdown is in a country's commitments.
#[derive(Default, PartialEq, Eq, Clone, Copy)]
enum Section {
    #[default]
    None,
    Flagged,
    Others,
}

#[derive(Default)]
struct Markdown {
    section: Section,
    rows: usize,
    countries: usize,
}

/// Cable and analyst text as Markdown that shows it literally: markup characters escaped,
/// line breaks folded.
pub fn md_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '\r' | '\n' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

impl Markdown {
    /// `#` for a single country's sections' parent, one level deeper under `--country all`.
    fn heading(req: &Request, level: usize) -> String {
        let extra = usize::from(req.countries == Countries::All);
        "#".repeat(level + extra)
    }
}

impl Layout for Markdown {
    fn begin(&mut self, out: &mut Vec<u8>, req: &Request) {
        if req.countries == Countries::All {
            let _ = write!(
                ByteWriter(out),
                "# Commitment status summaries\n\nAs of {}; source cables: {}. Generated by \
                 ctrack {}.\n\n",
                req.scope.as_of,
                range(&req.scope),
                env!("CARGO_PKG_VERSION"),
            );
        }
    }

    fn country(&mut self, out: &mut Vec<u8>, req: &Request, code: &str, counts: &Counts) {
        self.section = Section::None;
        self.rows = 0;
        self.countries += 1;
        let h1 = Markdown::heading(req, 1);
        let h2 = Markdown::heading(req, 2);
        let w = &mut ByteWriter(out);
        let _ = write!(w, "{h1} {} ({code})\n\n", country_name(code));
        if req.countries != Countries::All {
            let _ = write!(
                w,
                "Commitment status summary as of {}; source cables: {}. Generated by ctrack \
                 {}.\n\n",
                req.scope.as_of,
                range(&req.scope),
                env!("CARGO_PKG_VERSION"),
            );
        }
        let _ = write!(
            w,
            "{} commitment{}: {} overdue, {} stale (no evidence in the 12 months before {}), \
             {} not yet reviewed. Dismissed extractions are left out.\n\n",
            counts.total,
            if counts.total == 1 { "" } else { "s" },
            counts.overdue,
            counts.stale,
            req.scope.as_of,
            counts.unreviewed,
        );
        if counts.total == 0 {
            return;
        }
        let _ = write!(w, "{h2} By status\n\n| Status | Commitments |\n| --- | ---: |\n");
        for (status, n) in &counts.by_status {
            let _ = writeln!(w, "| {} | {n} |", label(status));
        }
        let _ = write!(w, "\n{h2} By category\n\n| Category | Commitments |\n| --- | ---: |\n");
        for (category, n) in counts.by_category.iter().filter(|(_, n)| *n > 0) {
            let _ = writeln!(w, "| {} | {n} |", label(category));
        }
        out.push(b'\n');
    }

    fn row(&mut self, out: &mut Vec<u8>, req: &Request, r: &Row) {
        let section = if r.overdue || r.stale { Section::Flagged } else { Section::Others };
        let h2 = Markdown::heading(req, 2);
        let w = &mut ByteWriter(out);
        if section != self.section {
            let title = match section {
                Section::Flagged => "Overdue and stale",
                _ if self.section == Section::Flagged => "Other commitments",
                _ => "Commitments",
            };
            let _ = write!(w, "{h2} {title}\n\n");
            self.section = section;
        }
        self.rows += 1;
        let mut flags = String::new();
        for (on, word) in
            [(r.overdue, "overdue"), (r.stale, "stale"), (r.review == "proposed", "unreviewed")]
        {
            if on {
                flags.push_str(" · ");
                flags.push_str(word);
            }
        }
        let paragraph = r.paragraph.as_deref().map(|p| format!(" ¶{}", md_text(p)));
        let date = r.cable_date.map(|t| format!(" ({})", day(t))).unwrap_or_default();
        let _ = writeln!(
            w,
            "- **{}**{flags}: {}{}{date}, [commitment {}]({})\n",
            label(&r.status),
            r.cable_id,
            paragraph.unwrap_or_default(),
            r.id,
            req.permalink(r.id),
        );
        let _ = writeln!(w, "  > {}\n", md_text(&r.sentence));
        let mut facts = format!("Actor: {}; category: {}", md_text(&r.actor), label(&r.category));
        if let Some(q) = &r.quantity {
            let _ = write!(facts, "; quantity: {}", md_text(q));
        }
        if r.conditional {
            facts.push_str("; conditional");
        }
        let _ = writeln!(w, "  - {facts}");
        let due = match (&r.due_date, &r.deadline) {
            (Some(d), Some(text)) => format!(
                "{d} ({}, from “{}”)",
                r.due_precision.as_deref().unwrap_or("day"),
                md_text(text)
            ),
            (Some(d), None) => format!("{d} ({})", r.due_precision.as_deref().unwrap_or("day")),
            (None, Some(text)) => format!("not dated (“{}”)", md_text(text)),
            (None, None) => "none stated".to_string(),
        };
        let _ = writeln!(w, "  - Due: {due}");
        match (&r.changed_at, &r.changed_by) {
            (Some(at), by) => {
                let note = r.note.as_deref().filter(|n| !n.is_empty());
                let _ = writeln!(
                    w,
                    "  - Status set {} by {}{}",
                    readable(*at),
                    md_text(by.as_deref().unwrap_or("?")),
                    note.map(|n| format!(": “{}”", md_text(n))).unwrap_or_default()
                );
            }
            (None, _) => {
                let _ = writeln!(w, "  - Status never changed since extraction");
            }
        }
        match (&r.evidence_cable, &r.evidence_date) {
            (Some(cable), date) => {
                let date = date.map(|t| format!(" ({})", day(t))).unwrap_or_default();
                let _ = writeln!(w, "  - Latest evidence: {cable}{date}");
            }
            (None, _) => {
                let _ = writeln!(w, "  - Latest evidence: none linked");
            }
        }
        out.push(b'\n');
    }

    fn country_end(&mut self, _: &mut Vec<u8>, _: &Request) {}

    fn end(&mut self, out: &mut Vec<u8>, req: &Request) {
        if req.countries == Countries::All && self.countries == 0 {
            out.extend_from_slice(b"No commitments in scope.\n");
        }
        while out.ends_with(b"\n\n") {
            out.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_cells_are_neutralised_and_others_left_alone() {
        for hostile in ["=HYPERLINK(\"http://x\",\"y\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            let cell = csv_cell(hostile);
            assert!(cell.starts_with('\''), "{hostile:?} -> {cell:?}");
            assert_eq!(&cell[1..], hostile);
        }
        for plain in ["The ministry will", "2008-01-01", "0.75", "", "a=b"] {
            assert_eq!(csv_cell(plain), plain);
        }
    }

    #[test]
    fn markdown_text_shows_markup_literally() {
        assert_eq!(
            md_text("*bold* [x](y) <b>\nnext | #1"),
            "\\*bold\\* \\[x\\](y) \\<b\\> next \\| \\#1"
        );
    }

    #[test]
    fn labels_read_as_words() {
        assert_eq!(label("partially_fulfilled"), "Partially fulfilled");
        assert_eq!(label("open"), "Open");
        assert_eq!(label(""), "");
    }

    #[test]
    fn countries_are_tags_codes_or_all() {
        assert_eq!(Countries::parse("ti").unwrap(), Countries::One("TI".into()));
        assert_eq!(Countries::parse("ALL").unwrap(), Countries::All);
        assert!(matches!(Countries::parse("XQ"), Err(ExportError::UnknownCountry(_))));
    }
}
