//! Deadlines: the time words of a commitment as written ("soon", "by the end of April
//! 2008", "within 100 days"), and a due date normalised against the cable's date.
//!
//! The rule for vague and relative words (documented in the README):
//!
//! | words | due | precision |
//! | --- | --- | --- |
//! | `soon`, `shortly`, `in the near future`, `in the coming weeks` | cable date + 3 months | month |
//! | `in the coming months` | cable date + 6 months | month |
//! | `later this month`, `this month` | end of the cable's month | day |
//! | `this week`, `next week` | end of that week (Sunday) | day |
//! | `next month` | end of the next month | day |
//! | `this year`, `later this year`, `by the end of the year` | 31 December of the cable's year | day |
//! | `next year` | 31 December of the next year | year |
//! | `within N days/weeks/months/years` | cable date + N units | day |
//! | `in/by <Month> [<year>]` | last day of that month (next occurrence when no year) | month |
//! | `by the end of <Month/quarter/year>` | its last day | day |
//! | `<Month> <day>[, <year>]` | that day (next occurrence when no year) | day |
//! | `in/by <year>`, `in <year>` | 31 December of that year | year |
//! | `in the first/second/third/fourth quarter [of <year>]` | the quarter's last day | quarter |
//! | `early/mid/late <Month>` | the 10th / 20th / last day of the month | month |

use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;
use time::{Date, Duration, Month, OffsetDateTime};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    Day,
    Month,
    Quarter,
    Year,
}

impl Precision {
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Day => "day",
            Precision::Month => "month",
            Precision::Quarter => "quarter",
            Precision::Year => "year",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    /// The words as written.
    pub text: String,
    /// Byte span in the sentence.
    pub start: usize,
    pub end: usize,
    pub due: Option<Date>,
    pub precision: Option<Precision>,
}

const MONTHS: &str = "january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec";

static DEADLINE: LazyLock<Regex> = LazyLock::new(|| {
    let m = MONTHS;
    Regex::new(&format!(
        r"(?i)(?-u:\b)(?:(?:very |as )?soon(?: as possible)?|shortly|in the (?:near|immediate) future|in the coming (?:days|weeks|months|year)|in (?:a|one|two|three|four|a few|several) (?:days?|weeks?|months?|years?)(?:'|’)? time|(?:later |early |by the end of )?this (?:week|month|year)|(?:by |before )?(?:the )?end of (?:the |this |next )?(?:week|month|year|session)|next (?:week|month|year|session)|(?:by |before |after )?(?:the )?end of (?:(?:early|mid|late) )?(?:{m})(?: \d{{4}})?|(?:by |before )?(?:the )?end of (?:19|20)\d\d|within (?:the next )?(?:a|one|two|three|four|five|six|seven|eight|nine|ten|twelve|a few|several|\d+) (?:days?|weeks?|months?|years?)|(?:in|by|before|until|from|starting in|beginning in|no later than) (?:(?:early|mid|late|the end of) )?(?:{m})\.?(?: \d{{1,2}})?(?:,? \d{{4}})?|(?:on |by |before |until )?(?:{m})\.? \d{{1,2}}(?:,? \d{{4}})?|(?:in|by|before|until|during) (?:the )?(?:first|second|third|fourth|1st|2nd|3rd|4th) (?:quarter|half)(?: of (?:\d{{4}}|the year|this year|next year))?|(?:in|by|before|until|during) (?:fiscal year |FY ?)?(?:19|20)\d\d|(?:by|before) the (?:next |upcoming )?(?:elections?|summit|session))(?-u:\b)"
    ))
    .expect("deadline pattern compiles")
});

/// Finds the first deadline in a sentence and resolves it against the cable's date.
pub fn find(sentence: &str, cable_date: Option<OffsetDateTime>) -> Option<Deadline> {
    let m = DEADLINE.find(sentence)?;
    let text = m.as_str().trim().to_string();
    let (due, precision) = match cable_date.and_then(|d| resolve(&text, d.date())) {
        Some((due, p)) => (Some(due), Some(p)),
        None => (None, None),
    };
    Some(Deadline { text, start: m.start(), end: m.end(), due, precision })
}

fn month_number(word: &str) -> Option<u8> {
    let w = word.trim_end_matches('.').to_ascii_lowercase();
    let n = match w.get(..3)? {
        "jan" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "may" => 5,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" => 9,
        "oct" => 10,
        "nov" => 11,
        "dec" => 12,
        _ => return None,
    };
    Some(n)
}

fn last_day(year: i32, month: u8) -> Option<Date> {
    let m = Month::try_from(month).ok()?;
    Date::from_calendar_date(year, m, m.length(year)).ok()
}

fn number_word(w: &str) -> Option<i64> {
    Some(match w {
        "a" | "one" => 1,
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        "twelve" => 12,
        "a few" => 3,
        "several" => 4,
        _ => return w.parse().ok(),
    })
}

/// The due date and precision of deadline words, relative to `date` (the cable's).
pub fn resolve(text: &str, date: Date) -> Option<(Date, Precision)> {
    let t = text.to_ascii_lowercase();
    let year = date.year();
    let months = |n: i64| -> Option<Date> {
        let total = i64::from(year) * 12 + i64::from(u8::from(date.month())) - 1 + n;
        let (y, m) = (i32::try_from(total.div_euclid(12)).ok()?, (total.rem_euclid(12) + 1) as u8);
        let day = date.day().min(Month::try_from(m).ok()?.length(y));
        Date::from_calendar_date(y, Month::try_from(m).ok()?, day).ok()
    };
    let end_of_week = |weeks: i64| {
        let to_sunday = i64::from(6 - date.weekday().number_days_from_monday());
        date.checked_add(Duration::days(to_sunday + 7 * weeks))
    };
    if t.contains("soon")
        || t.contains("shortly")
        || t.contains("near future")
        || t.contains("immediate future")
        || t.contains("coming days")
        || t.contains("coming weeks")
    {
        return Some((months(3)?, Precision::Month));
    }
    if t.contains("coming months") {
        return Some((months(6)?, Precision::Month));
    }
    if t.contains("coming year") {
        return Some((months(12)?, Precision::Year));
    }
    static WITHIN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:within|in) (?:the next )?(a few|several|a|one|two|three|four|five|six|seven|eight|nine|ten|twelve|\d+) (day|week|month|year)s?").unwrap()
    });
    if let Some(c) = WITHIN.captures(&t) {
        let n = number_word(&c[1])?;
        let due = match &c[2] {
            "day" => date.checked_add(Duration::days(n))?,
            "week" => date.checked_add(Duration::weeks(n))?,
            "month" => months(n)?,
            _ => months(12 * n)?,
        };
        return Some((due, Precision::Day));
    }
    if t.contains("week") {
        let next = t.contains("next");
        return Some((end_of_week(i64::from(next))?, Precision::Day));
    }
    static QUARTER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(first|second|third|fourth|1st|2nd|3rd|4th) (quarter|half)(?: of (\d{4}|next year))?",
        )
        .unwrap()
    });
    if let Some(c) = QUARTER.captures(&t) {
        let q: u8 = match &c[1] {
            "first" | "1st" => 1,
            "second" | "2nd" => 2,
            "third" | "3rd" => 3,
            _ => 4,
        };
        let y = match c.get(3).map(|m| m.as_str()) {
            Some("next year") => year + 1,
            Some(y) => y.parse().ok()?,
            None => year,
        };
        let (month, precision) = if &c[2] == "half" {
            (q.min(2) * 6, Precision::Month)
        } else {
            (q * 3, Precision::Quarter)
        };
        return Some((last_day(y, month)?, precision));
    }
    // A month, with day and year where given.
    static MONTH_DATE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(&format!(
            r"(early|mid|late)?\s*({MONTHS})\.?(?: (\d{{1,2}})(?-u:\b))?(?:,? (\d{{4}}))?"
        ))
        .unwrap()
    });
    if let Some(c) = MONTH_DATE.captures(&t) {
        let month = month_number(&c[2])?;
        let explicit_year: Option<i32> = c.get(4).and_then(|y| y.as_str().parse().ok());
        let y = explicit_year.unwrap_or_else(|| {
            // The next occurrence of that month (this year's, unless it has passed).
            if month < u8::from(date.month()) { year + 1 } else { year }
        });
        if let Some(day) = c.get(3).and_then(|d| d.as_str().parse::<u8>().ok()) {
            let d = Date::from_calendar_date(y, Month::try_from(month).ok()?, day).ok()?;
            return Some((d, Precision::Day));
        }
        let due = match c.get(1).map(|m| m.as_str()) {
            Some("early") => Date::from_calendar_date(y, Month::try_from(month).ok()?, 10).ok()?,
            Some("mid") => Date::from_calendar_date(y, Month::try_from(month).ok()?, 20).ok()?,
            _ => last_day(y, month)?,
        };
        let precision = if t.contains("end of") { Precision::Day } else { Precision::Month };
        return Some((due, precision));
    }
    if t.contains("month") {
        let n = i64::from(t.contains("next"));
        let target = months(n)?;
        return Some((last_day(target.year(), u8::from(target.month()))?, Precision::Day));
    }
    static YEAR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"((?:19|20)\d\d)").unwrap());
    if let Some(c) = YEAR.captures(&t) {
        let y: i32 = c[1].parse().ok()?;
        let precision = if t.contains("end of") { Precision::Day } else { Precision::Year };
        return Some((last_day(y, 12)?, precision));
    }
    if t.contains("year") {
        if t.contains("next") {
            return Some((last_day(year + 1, 12)?, Precision::Year));
        }
        return Some((last_day(year, 12)?, Precision::Day));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn due(sentence: &str) -> Option<(String, String, &'static str)> {
        let d = find(sentence, Some(datetime!(2007-07-11 13:20 UTC)))?;
        Some((d.text, d.due?.to_string(), d.precision?.as_str()))
    }

    #[test]
    fn relative_words_resolve_against_the_cable_date() {
        assert_eq!(
            due("parliament will pass it soon"),
            Some(("soon".into(), "2007-10-11".into(), "month"))
        );
        assert_eq!(
            due("will open five shelters by the end of 2009."),
            Some(("by the end of 2009".into(), "2009-12-31".into(), "day"))
        );
        assert_eq!(
            due("a film later this month"),
            Some(("later this month".into(), "2007-07-31".into(), "day"))
        );
        assert_eq!(
            due("a counter-proposal within a week"),
            Some(("within a week".into(), "2007-07-18".into(), "day"))
        );
        assert_eq!(
            due("an agreement within 100 days"),
            Some(("within 100 days".into(), "2007-10-19".into(), "day"))
        );
        assert_eq!(
            due("the bill this week"),
            Some(("this week".into(), "2007-07-15".into(), "day"))
        );
        assert_eq!(
            due("the plan next year"),
            Some(("next year".into(), "2008-12-31".into(), "year"))
        );
    }

    #[test]
    fn months_dates_quarters_and_years() {
        assert_eq!(
            due("by the end of April 2008"),
            Some(("by the end of April 2008".into(), "2008-04-30".into(), "day"))
        );
        assert_eq!(
            due("will rule on the case on March 22"),
            Some(("on March 22".into(), "2008-03-22".into(), "day"))
        );
        assert_eq!(
            due("the decision in September"),
            Some(("in September".into(), "2007-09-30".into(), "month"))
        );
        assert_eq!(
            due("in the first quarter of 2008"),
            Some(("in the first quarter of 2008".into(), "2008-03-31".into(), "quarter"))
        );
        assert_eq!(
            due("a decision to parliament in 2010"),
            Some(("in 2010".into(), "2010-12-31".into(), "year"))
        );
        assert_eq!(
            due("before the end of the year"),
            Some(("before the end of the year".into(), "2007-12-31".into(), "day"))
        );
    }

    #[test]
    fn no_time_words_no_deadline() {
        assert_eq!(find("The ministry will build five shelters.", None), None);
        let d = find("It will pass soon.", None).unwrap();
        assert_eq!((d.due, d.precision), (None, None));
        assert_eq!(resolve("soon", date!(2009 - 11 - 30)).unwrap().0, date!(2010 - 02 - 28));
    }
}
