//! What templates show, computed in Rust: cable text cut into plain and highlighted
//! segments (escaped by the template, never marked safe), the dashboard's bar chart as
//! shapes, the list's filters as a query string, dates as text.

use std::borrow::Cow;

use time::{Date, OffsetDateTime};

use crate::db::tracking::{Cursor, Filter, STATUSES, Sort};

/// A piece of cable text: plain, or a commitment's sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub text: String,
    /// The commitment this sentence is, and its status.
    pub commitment: Option<(i64, String)>,
    /// The sentence the page is about.
    pub current: bool,
}

/// Cuts `text` (starting at byte `offset` of the body) at the given spans (body offsets,
/// sorted, possibly overlapping or out of range: those are skipped).
pub fn segments(
    text: &str,
    offset: usize,
    spans: &[(i64, usize, usize, String)],
    current: Option<i64>,
) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut at = 0usize;
    for (id, start, end, status) in spans {
        let (Some(s), Some(e)) = (start.checked_sub(offset), end.checked_sub(offset)) else {
            continue;
        };
        if s < at
            || e > text.len()
            || s >= e
            || !text.is_char_boundary(s)
            || !text.is_char_boundary(e)
        {
            continue;
        }
        if s > at {
            out.push(Segment { text: text[at..s].to_string(), commitment: None, current: false });
        }
        out.push(Segment {
            text: text[s..e].to_string(),
            commitment: Some((*id, status.clone())),
            current: current == Some(*id),
        });
        at = e;
    }
    if at < text.len() {
        out.push(Segment { text: text[at..].to_string(), commitment: None, current: false });
    }
    out
}

/// The paragraph around a span: from the blank line before it to the blank line after.
pub fn paragraph_around(body: &str, start: usize, end: usize) -> (usize, usize) {
    let start = start.min(body.len());
    let end = end.clamp(start, body.len());
    let from = body[..start].rfind("\n\n").map_or(0, |i| i + 2);
    let to = body[end..].find("\n\n").map_or(body.len(), |i| end + i);
    let from = crate::text::floor_boundary(body, from);
    (from, to.max(end))
}

/// `2007-07-11`; year 1 is the list's "date unknown".
pub fn date_of(t: OffsetDateTime) -> String {
    if t.year() <= 1 { "date unknown".into() } else { iso_date(t.date()) }
}

pub fn date_or_dash(d: Option<Date>) -> String {
    d.map_or_else(|| "—".to_string(), iso_date)
}

/// `2008-03-05`: what `Date`'s `Display` writes for years 0-9999, without the formatting
/// machinery, which showed up in the list page's profile (100 dates a page).
pub fn iso_date(d: Date) -> String {
    let year = d.year();
    if !(0..=9999).contains(&year) {
        return d.to_string();
    }
    let digits = |n: u32, width: usize, out: &mut String| {
        for i in (0..width).rev() {
            out.push(char::from(b'0' + (n / 10u32.pow(i as u32) % 10) as u8));
        }
    };
    let mut out = String::with_capacity(10);
    digits(year as u32, 4, &mut out);
    out.push('-');
    digits(u8::from(d.month()).into(), 2, &mut out);
    out.push('-');
    digits(d.day().into(), 2, &mut out);
    out
}

/// A confidence in [0, 1] with two decimals, as `format!("{:.2}")` writes it.
pub fn two_decimals(x: f32) -> String {
    if !(0.0..=1.0).contains(&x) {
        return format!("{x:.2}");
    }
    let hundredths = (f64::from(x) * 100.0).round() as u32;
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

/// A status or kind as words: `partially_fulfilled` -> `partially fulfilled`.
pub fn words(s: &str) -> Cow<'_, str> {
    if s.contains('_') { Cow::Owned(s.replace('_', " ")) } else { Cow::Borrowed(s) }
}

/// One bar of the dashboard chart: a country, its total, and a rectangle per status.
#[derive(Debug, Clone)]
pub struct Bar {
    pub country: String,
    pub name: String,
    pub total: i64,
    pub y: i64,
    pub parts: Vec<BarPart>,
}

#[derive(Debug, Clone)]
pub struct BarPart {
    pub status: &'static str,
    pub count: i64,
    pub x: i64,
    pub width: i64,
}

pub const CHART_LABEL_WIDTH: i64 = 170;
pub const CHART_BAR_WIDTH: i64 = 520;
pub const CHART_ROW: i64 = 22;

/// Bars for the countries with the most commitments, stacked by status.
pub fn bars(counts: &[(Option<String>, String, i64)], top: usize) -> Vec<Bar> {
    let mut per: std::collections::BTreeMap<String, Vec<(String, i64)>> = Default::default();
    for (country, status, n) in counts {
        per.entry(country.clone().unwrap_or_else(|| "??".into()))
            .or_default()
            .push((status.clone(), *n));
    }
    let mut totals: Vec<(String, i64)> =
        per.iter().map(|(c, v)| (c.clone(), v.iter().map(|x| x.1).sum())).collect();
    totals.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    totals.truncate(top);
    let max = totals.first().map_or(1, |t| t.1.max(1));
    totals
        .iter()
        .enumerate()
        .map(|(i, (country, total))| {
            let mut x = CHART_LABEL_WIDTH;
            let parts = STATUSES
                .iter()
                .filter_map(|status| {
                    let count = per[country].iter().find(|(s, _)| s == status).map_or(0, |s| s.1);
                    if count == 0 {
                        return None;
                    }
                    let width = (count * CHART_BAR_WIDTH / max).max(2);
                    let part = BarPart { status, count, x, width };
                    x += width;
                    Some(part)
                })
                .collect();
            Bar {
                name: crate::cable::countries::name(country).unwrap_or("unknown").to_string(),
                country: country.clone(),
                total: *total,
                y: i as i64 * CHART_ROW,
                parts,
            }
        })
        .collect()
}

/// The list's query string, as given by the user (raw strings, checked by [`parse`]).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub review: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub overdue: String,
    /// Leave out repeats of earlier commitments.
    #[serde(default)]
    pub firsts: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub after: String,
}

fn parse_date(s: &str, what: &str) -> Result<Option<Date>, String> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s.trim(), &format)
        .map(Some)
        .map_err(|_| format!("the {what} date {s:?} is not a date like 2008-12-31"))
}

fn one_of(value: &str, allowed: &[&str], what: &str) -> Result<Option<String>, String> {
    match value.trim() {
        "" => Ok(None),
        v if allowed.contains(&v) => Ok(Some(v.to_string())),
        v => Err(format!("{v:?} is not a {what}")),
    }
}

impl ListQuery {
    /// The checked filter, sort and cursor.
    pub fn parse(&self) -> Result<(Filter, Sort, Option<Cursor>), String> {
        let country = match self.country.trim().to_ascii_uppercase() {
            c if c.is_empty() => None,
            c if crate::cable::countries::lookup(&c).is_some() => Some(c),
            c => return Err(format!("{c:?} is not a country tag")),
        };
        let filter = Filter {
            country,
            status: one_of(&self.status, STATUSES, "status")?,
            review: one_of(&self.review, crate::db::tracking::REVIEWS, "review state")?,
            category: one_of(&self.category, crate::db::tracking::CATEGORIES, "category")?,
            overdue: matches!(self.overdue.as_str(), "1" | "on" | "true"),
            from: parse_date(&self.from, "from")?,
            to: parse_date(&self.to, "to")?,
            text: Some(self.q.trim().to_string()).filter(|q| !q.is_empty() && q.len() <= 200),
            include_unextracted: false,
            first_mentions: matches!(self.firsts.as_str(), "1" | "on" | "true"),
        };
        let sort = match self.sort.trim() {
            "" => Sort::default(),
            s => Sort::parse(s).ok_or_else(|| format!("{s:?} is not a sort order"))?,
        };
        let after = match self.after.trim() {
            "" => None,
            a => Some(parse_cursor(a, sort).ok_or_else(|| "the page link is damaged".to_string())?),
        };
        Ok((filter, sort, after))
    }

    /// The query string of this view with another cursor (`None`: the first page).
    pub fn with_after(&self, after: Option<&Cursor>) -> String {
        let mut parts: Vec<(&str, String)> = Vec::new();
        for (k, v) in [
            ("country", &self.country),
            ("status", &self.status),
            ("review", &self.review),
            ("category", &self.category),
            ("overdue", &self.overdue),
            ("firsts", &self.firsts),
            ("from", &self.from),
            ("to", &self.to),
            ("q", &self.q),
            ("sort", &self.sort),
        ] {
            if !v.trim().is_empty() {
                parts.push((k, v.trim().to_string()));
            }
        }
        if let Some(c) = after {
            parts.push(("after", cursor_text(c)));
        }
        parts
            .iter()
            .map(|(k, v)| format!("{k}={}", super::auth::encode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

pub fn cursor_text(c: &Cursor) -> String {
    match c {
        Cursor::Time(t, id) => format!("{}_{id}", t.unix_timestamp_nanos()),
        Cursor::Date(d, id) => format!("{d}_{id}"),
        Cursor::Real(r, id) => format!("{r}_{id}"),
    }
}

fn parse_cursor(s: &str, sort: Sort) -> Option<Cursor> {
    let (key, id) = s.rsplit_once('_')?;
    let id: i64 = id.parse().ok()?;
    Some(match sort {
        Sort::Newest | Sort::Oldest => {
            Cursor::Time(OffsetDateTime::from_unix_timestamp_nanos(key.parse().ok()?).ok()?, id)
        }
        Sort::Due => Cursor::Date(parse_date(key, "cursor").ok()??, id),
        Sort::Confidence => Cursor::Real(key.parse().ok()?, id),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_formatters_write_what_display_writes() {
        let mut d = Date::from_calendar_date(1, time::Month::January, 1).unwrap();
        let last = Date::from_calendar_date(9999, time::Month::December, 31).unwrap();
        while d < last {
            assert_eq!(iso_date(d), d.to_string());
            d = d.saturating_add(time::Duration::days(997));
        }
        assert_eq!(iso_date(last), "9999-12-31");
        assert_eq!(date_or_dash(None), "—");
        // Confidences are stored to three decimals; away from exact ties the two agree.
        for thousandths in (0..=1000).filter(|t| t % 10 != 5) {
            let x = thousandths as f32 / 1000.0;
            assert_eq!(two_decimals(x), format!("{x:.2}"), "{x}");
        }
    }

    #[test]
    fn segments_mark_spans_and_keep_all_text() {
        let body = "First. Second sentence. Third.";
        let spans = vec![(7, 7, 23, "open".to_string())];
        let s = segments(body, 0, &spans, Some(7));
        let joined: String = s.iter().map(|x| x.text.as_str()).collect();
        assert_eq!(joined, body);
        assert_eq!(s[1].text, "Second sentence.");
        assert!(s[1].current && s[1].commitment.is_some());
        // Out-of-range and overlapping spans are skipped, never panic.
        let bad = vec![(1, 5, 3, "open".into()), (2, 100, 200, "open".into())];
        assert_eq!(segments(body, 0, &bad, None).len(), 1);
    }

    #[test]
    fn cursors_round_trip() {
        let q = ListQuery { sort: "due".into(), ..Default::default() };
        let c = Cursor::Date(time::macros::date!(2008 - 12 - 31), 42);
        let qs = q.with_after(Some(&c));
        let after = qs.split("after=").nth(1).unwrap();
        let q2 = ListQuery { sort: "due".into(), after: after.into(), ..Default::default() };
        assert_eq!(q2.parse().unwrap().2, Some(c));
        let q3 =
            ListQuery { sort: "confidence".into(), after: "0.743_9".into(), ..Default::default() };
        assert_eq!(q3.parse().unwrap().2, Some(Cursor::Real(0.743, 9)));
        let bad = ListQuery { country: "ZZZ".into(), ..Default::default() };
        assert!(bad.parse().is_err());
    }
}
