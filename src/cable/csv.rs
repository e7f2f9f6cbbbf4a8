//! Rows of the `cables.csv` distribution: one cable per row, eight fields — row number,
//! date (`12/28/1966 18:48`), ID, origin, classification, referenced IDs, routing header,
//! body — quoted, with multi-line fields and backslash-escaped quotes.
//!
//! Rows are read one at a time, so a 1.7 GB file streams in constant memory; a row that
//! cannot be read is reported with its line number and the rest still come through.

use std::io::Read;

use super::{Cable, ParseError, RecordFields, decode, header, parse_with_fields};

/// Why one row did not give a cable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RowError {
    #[error(
        "row has {found} fields, a cables.csv row has 8 (id, date, ID, origin, classification, references, header, body)"
    )]
    FieldCount { found: usize },
    #[error("the ID field {0:?} is not a cable ID")]
    BadId(String),
    #[error("the CSV is malformed here: {0}")]
    Csv(String),
    #[error(transparent)]
    Parse(#[from] ParseError),
}

/// One row: where it starts (1-based line number), its ID field if it had one, and the
/// cable or the reason there is none.
#[derive(Debug)]
pub struct Row {
    pub line: u64,
    pub id: Option<String>,
    pub result: Result<Cable, RowError>,
}

/// Reads the rows of a `cables.csv` file.
pub fn rows<R: Read>(reader: R) -> impl Iterator<Item = Row> {
    let mut csv = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .escape(Some(b'\\'))
        .double_quote(true)
        .from_reader(reader);
    let mut record = ::csv::ByteRecord::new();
    let mut first = true;
    let mut failed = false;
    std::iter::from_fn(move || {
        loop {
            if failed {
                return None;
            }
            let line = csv.position().line().max(1);
            match csv.read_byte_record(&mut record) {
                Ok(false) => return None,
                Ok(true) => {
                    let line = record.position().map(|p| p.line()).unwrap_or(line);
                    let is_header = first && looks_like_header(&record);
                    first = false;
                    if is_header {
                        continue;
                    }
                    return Some(row(line, &record));
                }
                Err(e) => {
                    // An I/O error or invalid state ends the file; report it once.
                    failed = !matches!(e.kind(), ::csv::ErrorKind::UnequalLengths { .. });
                    return Some(Row { line, id: None, result: Err(RowError::Csv(e.to_string())) });
                }
            }
        }
    })
}

fn looks_like_header(record: &::csv::ByteRecord) -> bool {
    record.get(0).is_some_and(|f| !f.iter().all(u8::is_ascii_digit) || f.is_empty())
        && record.iter().all(|f| f.len() < 40)
}

fn field(record: &::csv::ByteRecord, i: usize) -> String {
    let bytes = record.get(i).unwrap_or_default();
    match decode::decode(bytes) {
        Ok(text) => text.into_owned(),
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}

fn row(line: u64, record: &::csv::ByteRecord) -> Row {
    let id = record.get(2).map(|_| field(record, 2).trim().to_string()).filter(|s| !s.is_empty());
    if record.len() != 8 {
        return Row { line, id, result: Err(RowError::FieldCount { found: record.len() }) };
    }
    let Some(published) = id.clone().filter(|id| super::ids::looks_like_id(id)) else {
        return Row { line, id: id.clone(), result: Err(RowError::BadId(id.unwrap_or_default())) };
    };
    let fields = RecordFields {
        id: Some(published),
        date: header::parse_record_date(&field(record, 1)),
        origin: Some(field(record, 3).trim().to_string()).filter(|s| !s.is_empty()),
        classification: Some(field(record, 4).trim().to_string()).filter(|s| !s.is_empty()),
    };
    let head = field(record, 6);
    let body = field(record, 7);
    let text =
        if head.trim().is_empty() { body } else { format!("{}\n\n{}", head.trim_end(), body) };
    let result = if text.trim().is_empty() {
        Err(RowError::Parse(ParseError::Decode(decode::DecodeError::Empty)))
    } else {
        parse_with_fields(&text, None, fields, true).map_err(RowError::from)
    };
    Row { line, id, result }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROWS: &str = concat!(
        "\"1\",\"12/28/1966 18:48\",\"66BUENOSAIRES2481\",\"Embassy Buenos Aires\",\"UNCLASSIFIED\",\"\",",
        "\"P R 281848Z DEC 66\nFM AMEMBASSY BUENOS AIRES\nTO SECSTATE WASHDC PRIORITY\n\",",
        "\"UNCLASSIFIED BUENOS AIRES 2481\n\nTAGS: EFIS PBTS AR\nSUBJECT:  EXTENDED NATIONAL JURISDICTIONS\n\n",
        "1.  PRESS REPORTS SAY \\\"SIX MILE\\\" SEA.\n\"\n",
        "\"2\",\"bad row\"\n",
        "\"3\",\"07/11/2007 13:20\",\"07DUSHANBE1057\",\"Embassy Dushanbe\",\"UNCLASSIFIED\",\"07STATE1\",\"\",",
        "\"UNCLAS DUSHANBE 001057\n\nTAGS: PREL PHUM TI\nSUBJECT: TAJIKISTAN PROMISES\n\n1. (SBU) Text.\n\"\n",
    );

    #[test]
    fn good_rows_parse_and_a_broken_row_is_reported_by_line() {
        let rows: Vec<Row> = rows(ROWS.as_bytes()).collect();
        assert_eq!(rows.len(), 3);
        let first = rows[0].result.as_ref().unwrap();
        assert_eq!(first.canonical_id, "66BUENOSAIRES2481");
        assert_eq!(first.tags, ["EFIS", "PBTS", "AR"]);
        assert!(first.body.contains("\"SIX MILE\""));
        assert_eq!(first.sent_at.unwrap().year(), 1966);
        assert_eq!(rows[1].line, 11);
        assert!(matches!(rows[1].result, Err(RowError::FieldCount { found: 2 })));
        let third = rows[2].result.as_ref().unwrap();
        assert_eq!(third.canonical_id, "07DUSHANBE1057");
        assert_eq!(third.countries[0].name, "Tajikistan");
        assert_eq!(third.paragraphs.len(), 1);
    }

    #[test]
    fn an_id_field_that_is_not_an_id_is_an_error() {
        let data =
            "\"1\",\"01/01/2007 00:00\",\"hello\",\"x\",\"UNCLASSIFIED\",\"\",\"\",\"body\"\n";
        let rows: Vec<Row> = rows(data.as_bytes()).collect();
        assert!(matches!(&rows[0].result, Err(RowError::BadId(id)) if id == "hello"));
    }
}
