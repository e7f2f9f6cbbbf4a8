//! Quantities: the number words of a commitment as written ("an additional five shelters",
//! "$1 billion", "600 troops") and their value.

use std::sync::LazyLock;

use regex::Regex;

#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    pub text: String,
    pub value: Option<f64>,
}

const WORDS: &str = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|dozen|a dozen|a hundred|a thousand";

static QUANTITY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?:(?:an? )?(?:additional|further|extra|new|more than|at least|up to|nearly|almost|about|approximately|some|another|over) )*(?:(?:US ?\$|USD ?|\$|EUR ?|€|£)\s?\d[\d,]*(?:\.\d+)?(?: ?(?:million|billion|thousand|mn|bn|m|b)(?-u:\b))?|(?:\d[\d,]*(?:\.\d+)?|{WORDS})(?: (?:million|billion|thousand|hundred))?(?: (?:percent|per cent|%))?)(?: (?:(?:new|additional|more|of the|mechanized|armed|special|federal|police|military|tactical|ministerial)\s)?[a-z][a-z\-]{{2,}}(?: [a-z][a-z\-]{{2,}})?)?(?: (?:dollars|euros|pounds))?"
    ))
    .expect("quantity pattern compiles")
});

/// Words that follow a number without making it a quantity of something (dates, times,
/// paragraph numbers, ages).
const NOT_QUANTITIES: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "percent",
    "years",
    "year",
    "days",
    "day",
    "months",
    "month",
    "weeks",
    "week",
    "hours",
    "minutes",
    "o'clock",
];

/// The first quantity in a sentence that is not a date or a duration.
pub fn find(sentence: &str) -> Option<Quantity> {
    for m in QUANTITY.find_iter(sentence) {
        // A quantity starts a word ("a5" or "x10" are not quantities).
        if sentence[..m.start()].chars().next_back().is_some_and(char::is_alphanumeric) {
            continue;
        }
        let text = m.as_str().trim();
        let lower = text.to_ascii_lowercase();
        let has_money = lower.contains('$')
            || lower.starts_with("usd")
            || lower.contains("dollars")
            || lower.contains("euro");
        let has_number = lower.chars().any(|c| c.is_ascii_digit())
            || WORDS.split('|').any(|w| lower.split(' ').any(|x| x == w));
        if !has_number {
            continue;
        }
        let last = lower.split(' ').next_back().unwrap_or("");
        let words: Vec<&str> = lower.split(' ').collect();
        // A year ("in 2010"), a date ("22 March"), a duration ("two years") is no quantity.
        let is_year = words.len() == 1
            && lower.len() == 4
            && (lower.starts_with("19") || lower.starts_with("20"));
        if is_year || (NOT_QUANTITIES.contains(&last) && !lower.contains("percent") && !has_money) {
            continue;
        }
        if words.len() == 1 && !has_money && !lower.contains(',') && lower.len() < 3 {
            // A bare small number ("1", "12") is usually a paragraph or list number.
            continue;
        }
        // "five shelters for": a trailing preposition is not part of it.
        let mut text = text;
        for stop in
            [" for", " of", " to", " in", " on", " at", " by", " with", " from", " and", " the"]
        {
            if text.to_ascii_lowercase().ends_with(stop) {
                text = &text[..text.len() - stop.len()];
            }
        }
        return Some(Quantity { text: text.to_string(), value: value(&lower) });
    }
    None
}

fn value(lower: &str) -> Option<f64> {
    let mut number: Option<f64> = None;
    let mut multiplier = 1.0;
    for word in lower.split(|c: char| c.is_whitespace()) {
        let w = word
            .trim_start_matches(['$', '€', '£'])
            .trim_start_matches("usd")
            .trim_start_matches("us$");
        if number.is_none() {
            let digits: String = w.chars().filter(|c| c.is_ascii_digit() || *c == '.').collect();
            if !digits.is_empty() && w.starts_with(|c: char| c.is_ascii_digit()) {
                number = digits.parse().ok();
                let suffix =
                    w.trim_start_matches(|c: char| c.is_ascii_digit() || c == ',' || c == '.');
                multiplier = match suffix {
                    "m" | "mn" => 1e6,
                    "b" | "bn" => 1e9,
                    _ => 1.0,
                };
                continue;
            }
            let n = match w {
                "one" | "a" => None,
                "two" => Some(2.0),
                "three" => Some(3.0),
                "four" => Some(4.0),
                "five" => Some(5.0),
                "six" => Some(6.0),
                "seven" => Some(7.0),
                "eight" => Some(8.0),
                "nine" => Some(9.0),
                "ten" => Some(10.0),
                "eleven" => Some(11.0),
                "twelve" => Some(12.0),
                "thirteen" => Some(13.0),
                "fourteen" => Some(14.0),
                "fifteen" => Some(15.0),
                "sixteen" => Some(16.0),
                "seventeen" => Some(17.0),
                "eighteen" => Some(18.0),
                "nineteen" => Some(19.0),
                "twenty" => Some(20.0),
                "thirty" => Some(30.0),
                "forty" => Some(40.0),
                "fifty" => Some(50.0),
                "hundred" => Some(100.0),
                "dozen" => Some(12.0),
                _ => None,
            };
            if n.is_some() {
                number = n;
            } else if w == "one" {
                number = Some(1.0);
            }
            continue;
        }
        match w {
            "thousand" => multiplier *= 1e3,
            "million" => multiplier *= 1e6,
            "billion" => multiplier *= 1e9,
            "hundred" => multiplier *= 1e2,
            _ => {}
        }
    }
    number.map(|n| n * multiplier)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Option<(String, Option<f64>)> {
        find(s).map(|q| (q.text, q.value))
    }

    #[test]
    fn quantities_with_their_values() {
        assert_eq!(
            q("set up an additional five shelters for trafficking victims"),
            Some(("an additional five shelters".into(), Some(5.0)))
        );
        assert_eq!(
            q("to double its investment to $1 billion by the end of 2012"),
            Some(("$1 billion".into(), Some(1e9)))
        );
        assert_eq!(
            q("deploying a mechanized battalion of 600 troops"),
            Some(("600 troops".into(), Some(600.0)))
        );
        assert_eq!(
            q("the GoJ will contribute 20 million dollars"),
            Some(("20 million dollars".into(), Some(2e7)))
        );
        assert_eq!(
            q("holders of at least 70 percent"),
            Some(("at least 70 percent".into(), Some(70.0)))
        );
    }

    #[test]
    fn dates_and_durations_are_not_quantities() {
        assert_eq!(q("The court will rule on March 22."), None);
        assert_eq!(q("It will pass in 2010."), None);
        assert_eq!(q("within two weeks"), None);
    }
}
