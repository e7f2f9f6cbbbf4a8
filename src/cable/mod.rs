//! Parsing cable text into a [`Cable`]: pure functions, no IO.
//!
//! One entry point, [`parse`], handles every layout the Cablegate and PlusD releases use:
//! full routing headers (`VZCZC…`, `DE RUEH… #nnnn`, the date-time group, `FM`/`TO`/`INFO`),
//! the sanitized `VZCZCXYZ0000` form, short headers, "partial extract" notes, PlusD text
//! (`Cable dated:`, tab-separated and one-field-per-line `cables.csv` records pasted into the
//! text), and rows of `cables.csv` itself ([`csv`]). Fields the text does not have are left
//! empty rather than guessed.

pub mod countries;
pub mod csv;
pub mod decode;
mod header;
pub mod ids;
mod paragraphs;
mod recipients;
pub mod refs;
mod tags;

use serde::Serialize;
use time::OffsetDateTime;

pub use paragraphs::Paragraph;
pub use recipients::Recipient;
pub use refs::{RefKind, Reference};

/// A parsed cable. Offsets in [`Paragraph`] are byte offsets into `body`.
#[derive(Debug, Clone, Serialize)]
pub struct Cable {
    /// Canonical reference ID (`07DUSHANBE1057`).
    pub canonical_id: String,
    /// The ID as published (as WikiLeaks formed it from the text, or the `cables.csv` ID
    /// field). Equal to `canonical_id` except for garbled publications such as
    /// `09EFTOLONDON2468`. This is the storage key: two transmissions of one cable that
    /// WikiLeaks published separately keep separate rows.
    pub reference_id: String,
    /// Where the ID came from.
    pub id_source: IdSource,
    pub format: Format,
    /// Sent time in UTC, from the date-time group (`111320Z JUL 07`) or the record's date.
    #[serde(with = "time::serde::rfc3339::option")]
    pub sent_at: Option<OffsetDateTime>,
    /// The `FM` line as written (`AMEMBASSY DUSHANBE`), or the record's origin field.
    pub origin: Option<String>,
    /// Canonical token of the originating post (`DUSHANBE`).
    pub post: Option<String>,
    pub classification: Option<String>,
    pub recipients: Vec<Recipient>,
    pub info_recipients: Vec<Recipient>,
    /// TAGS in order, de-duplicated, upper case (`PREL`, `PHUM`, `TI`).
    pub tags: Vec<String>,
    /// Country codes among the TAGS, resolved with the State Department's country-tag table.
    pub countries: Vec<countries::Country>,
    pub subject: Option<String>,
    pub references: Vec<Reference>,
    pub paragraphs: Vec<Paragraph>,
    /// Routing header and anything before the classification line.
    #[serde(skip)]
    pub header: String,
    /// Classification line to the end of the text.
    #[serde(skip)]
    pub body: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IdSource {
    /// Classification line (`UNCLAS DUSHANBE 001057`) with the year of the date-time group.
    Header,
    /// The ID field of a `cables.csv` / PlusD record.
    Field,
    /// Post from the `FM` line, serial from the `DE` line.
    Routing,
    /// The file name: the text has no ID, or no year to complete it.
    FileName,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// `VZCZC…`, `DE RUEH… #nnnn`, date-time group, `FM`/`TO`/`INFO`.
    RoutingFull,
    /// The same with the transmission ID sanitized to `VZCZCXYZ0000` / `RUEHWEB`.
    RoutingSanitized,
    /// Only the precedence/date-time-group, `FM`, `TO` and `INFO` lines.
    RoutingShort,
    /// "This record is a partial extract of the original cable."
    PartialExtract,
    /// PlusD text: `Cable dated:` or a `cables.csv` record inside the text.
    Plusd,
    /// A row of a `cables.csv` file.
    CsvRow,
    /// None of the above (text pasted from another message system).
    Other,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::RoutingFull => "routing_full",
            Format::RoutingSanitized => "routing_sanitized",
            Format::RoutingShort => "routing_short",
            Format::PartialExtract => "partial_extract",
            Format::Plusd => "plusd",
            Format::CsvRow => "csv_row",
            Format::Other => "other",
        }
    }
}

impl IdSource {
    pub fn as_str(self) -> &'static str {
        match self {
            IdSource::Header => "header",
            IdSource::Field => "field",
            IdSource::Routing => "routing",
            IdSource::FileName => "file_name",
        }
    }
}

/// Why a text is not a cable we can store.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error(transparent)]
    Decode(#[from] decode::DecodeError),
    #[error(
        "no cable ID: no classification line with post and serial (`UNCLAS DUSHANBE 001057`), \
         no ID field, and the file name is not a cable ID"
    )]
    NoId,
    #[error(
        "the header is cut off: found {found} but no classification line, TAGS, SUBJECT or \
         paragraphs"
    )]
    Truncated { found: &'static str },
}

/// Metadata from a `cables.csv` row or a record pasted into the text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordFields {
    pub id: Option<String>,
    pub date: Option<OffsetDateTime>,
    pub origin: Option<String>,
    pub classification: Option<String>,
}

/// Parses one cable's text. `file_stem` is the file's name without extension; it supplies
/// the ID only where the text has none (or has no year to complete it).
pub fn parse(text: &str, file_stem: Option<&str>) -> Result<Cable, ParseError> {
    parse_with_fields(text, file_stem, RecordFields::default(), false)
}

/// Parses raw file bytes (UTF-8 or Latin-1) as one cable.
pub fn parse_bytes(bytes: &[u8], file_stem: Option<&str>) -> Result<Cable, ParseError> {
    let text = decode::decode(bytes)?;
    parse(&text, file_stem)
}

pub(crate) fn parse_with_fields(
    text: &str,
    file_stem: Option<&str>,
    mut fields: RecordFields,
    csv_row: bool,
) -> Result<Cable, ParseError> {
    let head = header::head_zone(text);
    let mut base = 0;
    if fields.id.is_none()
        && let Some((found, at)) = header::embedded_record(head)
        && !header::record_contradicts_routing(head, &found)
    {
        fields = found;
        base = at;
    }
    let h = header::scan_from(text, base);

    let format = if csv_row {
        Format::CsvRow
    } else if fields.id.is_some() || h.cable_dated.is_some() {
        Format::Plusd
    } else if h.partial_extract {
        Format::PartialExtract
    } else if h.sanitized {
        Format::RoutingSanitized
    } else if h.de_serial.is_some() {
        Format::RoutingFull
    } else if h.dtg.is_some() && h.from.is_some() {
        Format::RoutingShort
    } else {
        Format::Other
    };

    let sent_at = h.dtg.or(fields.date).or(h.cable_dated);
    let year = sent_at.map(|t| t.year());

    let (reference_id, id_source) = choose_id(&h, &fields, year, file_stem)?;
    // Every ID this returns is ID-shaped (year, letters, a serial other than zero).
    let canonical_id = ids::canonical_id(&reference_id)
        .filter(|id| ids::split_id(id).is_some_and(|(_, _, serial)| serial != "0"))
        .ok_or(ParseError::NoId)?;
    // The year the ID carries resolves year-less references when the text had no date.
    let ref_year = year.or_else(|| {
        ids::split_id(&canonical_id).and_then(|(yy, _, _)| yy.parse::<i32>().ok().map(full_year))
    });

    if h.class_line.is_none() && h.tags.is_none() && h.subject.is_none() && fields.id.is_none() {
        let body = &text[h.body_start..];
        if paragraphs::find(body, 0).is_empty() && h.from.is_some() {
            return Err(ParseError::Truncated { found: "a routing header" });
        }
    }

    let post = h
        .class_line
        .as_ref()
        .and_then(|c| ids::canonical_post(&ids::post_token(&c.post_words)))
        .or_else(|| h.from.as_deref().and_then(header::post_of_from_line))
        .or_else(|| ids::split_id(&canonical_id).map(|(_, post, _)| post.to_string()));

    let classification = h
        .class_line
        .as_ref()
        .map(|c| c.classification.to_string())
        .or(fields.classification.clone());

    let tags = h.tags.as_deref().map(tags::split).unwrap_or_default();
    let countries = countries::from_tags(&tags);
    let references = h
        .refs
        .as_deref()
        .map(|r| refs::parse(r, ref_year.unwrap_or(2000), post.as_deref()))
        .unwrap_or_default()
        .into_iter()
        // A page marker in a REF block (`TRIPOLI 00000402`) reads as the cable itself.
        .filter(|r| r.kind != RefKind::Cable || r.value != canonical_id)
        .collect::<Vec<_>>();

    let body = text[h.body_start..].to_string();
    let paragraphs = paragraphs::find(&body, h.paragraphs_from.saturating_sub(h.body_start));
    let (recipients, info_recipients) =
        h.routing_lines.as_deref().map(recipients::parse).unwrap_or_default();

    Ok(Cable {
        canonical_id,
        reference_id,
        id_source,
        format,
        sent_at,
        origin: h.from.clone().or(fields.origin),
        post,
        classification,
        recipients,
        info_recipients,
        tags,
        countries,
        subject: h.subject,
        references,
        paragraphs,
        header: text[..h.body_start].to_string(),
        body,
    })
}

fn full_year(yy: i32) -> i32 {
    if yy >= 50 { 1900 + yy } else { 2000 + yy }
}

fn choose_id(
    h: &header::Scan,
    fields: &RecordFields,
    year: Option<i32>,
    file_stem: Option<&str>,
) -> Result<(String, IdSource), ParseError> {
    let routing_post = h.from.as_deref().and_then(header::post_of_from_line);
    if let Some(id) = fields.id.as_deref().filter(|id| ids::looks_like_id(id)) {
        return Ok((id.to_string(), IdSource::Field));
    }
    let file_id =
        file_stem.map(|s| s.trim().to_ascii_uppercase()).filter(|s| ids::looks_like_id(s));
    if let Some(year) = year {
        let yy = year.rem_euclid(100);
        let routing = routing_post.clone().zip(h.de_serial);
        if let Some(c) = &h.class_line {
            let from_class = format!("{yy:02}{}{}", c.middle_compact(), c.serial);
            // Some published texts carry one cable's routing header over another cable's
            // body (a repeat of a Moscow cable sent from Paris), or a garbled serial
            // ("00167" for 1673). Where the routing header's serial (`DE RUEHBU #1673`,
            // the last four digits) disagrees with the classification line's, the routing
            // header names this transmission. A post spelt differently (`USEU BRUSSELS`
            // sends as `BRUSSELS`) is no disagreement.
            let agrees = routing.as_ref().is_none_or(|(_, de)| {
                let serial: u64 = c.serial.parse().unwrap_or(0);
                serial % 10_000 == u64::from(*de)
            });
            if agrees {
                return Ok((from_class, IdSource::Header));
            }
        }
        if let Some((post, serial)) = routing {
            // The DE line carries only the last four digits of the serial; a file name
            // that agrees on post and those digits has the full serial.
            if let Some(file_id) = &file_id
                && let Some((_, fpost, fserial)) = ids::split_id(file_id)
                && ids::canonical_post(fpost).as_deref() == Some(post.as_str())
                && fserial.parse::<u64>().ok().map(|s| s % 10_000) == Some(u64::from(serial))
            {
                return Ok((file_id.clone(), IdSource::FileName));
            }
            return Ok((format!("{yy:02}{post}{serial}"), IdSource::Routing));
        }
    }
    if let Some(file_id) = file_id {
        return Ok((file_id, IdSource::FileName));
    }
    Err(ParseError::NoId)
}

#[cfg(test)]
mod tests;

/// Header fields found in a fragment of cable text (a test snippet, a pasted header), with
/// no ID required. `year` resolves references that leave theirs out.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Fragment {
    pub tags: Vec<String>,
    pub subject: Option<String>,
    pub references: Vec<Reference>,
    pub recipients: Vec<Recipient>,
    pub info_recipients: Vec<Recipient>,
}

/// `own_id`, where known, keeps the cable's own ID (a page marker inside a REF block) out
/// of its references.
pub fn parse_fragment(text: &str, year: i32, own_id: Option<&str>) -> Fragment {
    let head = header::head_zone(text);
    let h = header::scan(head);
    let routing = h.routing_lines.clone().unwrap_or_else(|| head.to_string());
    let (recipients, info_recipients) = recipients::parse(&routing);
    let class_id = h.class_line.as_ref().and_then(|c| {
        ids::canonical_id(&format!("{:02}{}{}", year.rem_euclid(100), c.middle_compact(), c.serial))
    });
    let own_id = own_id.map(str::to_string).or(class_id);
    let own_post = own_id
        .as_deref()
        .and_then(ids::split_id)
        .map(|(_, post, _)| post.to_string())
        .filter(|p| ids::is_known_post(p));
    Fragment {
        tags: h.tags.as_deref().map(tags::split).unwrap_or_default(),
        subject: h.subject,
        references: h
            .refs
            .as_deref()
            .map(|r| refs::parse(r, year, own_post.as_deref()))
            .unwrap_or_default()
            .into_iter()
            .filter(|r| own_id.as_deref().is_none_or(|id| r.value != id))
            .collect(),
        recipients,
        info_recipients,
    }
}

/// Panics unless a parsed cable is internally consistent: IDs present and ID-shaped,
/// paragraph offsets in order, inside the body and on character boundaries. For tests and
/// fuzzing.
pub fn check_invariants(c: &Cable) {
    assert!(ids::split_id(&c.canonical_id).is_some(), "canonical ID {:?}", c.canonical_id);
    assert!(!c.reference_id.is_empty(), "empty published ID");
    let mut last_end = 0;
    for p in &c.paragraphs {
        assert!(last_end <= p.start, "paragraphs overlap: {p:?}");
        assert!(
            p.start <= p.text_start && p.text_start <= p.end,
            "paragraph offsets out of order: {p:?}"
        );
        assert!(p.end <= c.body.len(), "paragraph past the body: {p:?}");
        for at in [p.start, p.text_start, p.end] {
            assert!(c.body.is_char_boundary(at), "offset {at} inside a character: {p:?}");
        }
        last_end = p.end;
    }
}
