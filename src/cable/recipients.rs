//! The `TO` and `INFO` addressee lists of a routing header.
//!
//! ```text
//! TO RUEHC/SECSTATE WASHDC IMMEDIATE 3355
//! INFO RUEHX/EUROPEAN POLITICAL COLLECTIVE
//! XMT/AMEMBASSY SOFIA
//! ```
//! Each line is an addressee: an optional routing indicator before `/`, the name, an optional
//! precedence and an optional message channel number. `XMT` excludes addressees from the
//! collective before it.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recipient {
    /// Routing indicator, `RUEHC`.
    pub route: Option<String>,
    /// `SECSTATE WASHDC`.
    pub name: String,
    /// `IMMEDIATE`, `PRIORITY`, `ROUTINE`, `FLASH`, `NIACT IMMEDIATE`.
    pub precedence: Option<String>,
    /// Message channel number, `3355`.
    pub mcn: Option<String>,
    /// Addressees excluded from a collective with `XMT`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub excluded: Vec<String>,
}

const PRECEDENCES: &[&str] = &["NIACT IMMEDIATE", "IMMEDIATE", "PRIORITY", "ROUTINE", "FLASH"];

#[derive(Clone, Copy, PartialEq, Eq)]
enum List {
    None,
    To,
    Info,
}

/// Parses the lines after the `FM` line into (`TO` list, `INFO` list).
pub fn parse(block: &str) -> (Vec<Recipient>, Vec<Recipient>) {
    let mut to: Vec<Recipient> = Vec::new();
    let mut info: Vec<Recipient> = Vec::new();
    let mut list = List::None;
    let mut excluding = false;
    for raw in block.lines() {
        let mut line = raw.trim();
        if let Some(rest) = strip_word(line, "TO").or_else(|| {
            line.strip_prefix("TO")
                .filter(|r| r.starts_with(|c: char| c.is_ascii_uppercase()) && r.contains('/'))
        }) {
            // `TORUEHC/...` occurs in garbled headers.
            list = List::To;
            excluding = false;
            line = rest.trim();
        } else if let Some(rest) = strip_word(line, "INFO") {
            list = List::Info;
            excluding = false;
            line = rest.trim();
        }
        if list == List::None || line.is_empty() || is_page_furniture(line) {
            continue;
        }
        let target = if list == List::To { &mut to } else { &mut info };
        if let Some(rest) = strip_word(line, "XMT").or_else(|| line.strip_prefix("XMT/")) {
            excluding = true;
            push_excluded(target, rest);
            continue;
        }
        let has_route = route_split(line).0.is_some();
        if excluding && !has_route {
            push_excluded(target, line);
            continue;
        }
        excluding = false;
        if let Some(r) = recipient(line) {
            target.push(r);
        }
    }
    (to, info)
}

fn push_excluded(target: &mut [Recipient], text: &str) {
    let name = addressee(text.trim().trim_start_matches('/')).0;
    if let (Some(last), false) = (target.last_mut(), name.is_empty()) {
        last.excluded.push(name);
    }
}

fn strip_word<'a>(line: &'a str, word: &str) -> Option<&'a str> {
    line.strip_prefix(word).filter(|r| r.is_empty() || r.starts_with([' ', '\t']))
}

fn is_page_furniture(line: &str) -> bool {
    (line.starts_with("PAGE ") && line[5..].trim_start().starts_with(|c: char| c.is_ascii_digit()))
        || matches!(line, "UNCLAS" | "UNCLASSIFIED" | "CONFIDENTIAL" | "SECRET" | "BT")
}

fn route_split(line: &str) -> (Option<&str>, &str) {
    if let Some((route, rest)) = line.split_once('/') {
        let ok = (4..=8).contains(&route.len()) && route.bytes().all(|b| b.is_ascii_uppercase());
        if ok {
            return (Some(route), rest);
        }
    }
    (None, line)
}

fn recipient(line: &str) -> Option<Recipient> {
    let (route, rest) = route_split(line);
    let (name, precedence, mcn) = addressee(rest);
    if name.is_empty() {
        return None;
    }
    Some(Recipient {
        route: route.map(str::to_string),
        name,
        precedence,
        mcn,
        excluded: Vec::new(),
    })
}

/// Splits `AMEMBASSY ATHENS PRIORITY 0121` into name, precedence and channel number.
fn addressee(text: &str) -> (String, Option<String>, Option<String>) {
    let mut words: Vec<&str> = text.split_whitespace().collect();
    let mut mcn = None;
    if let Some(last) = words.last()
        && words.len() > 1
        && (3..=5).contains(&last.len())
        && last.bytes().all(|b| b.is_ascii_digit())
    {
        mcn = Some(last.to_string());
        words.pop();
    }
    let mut precedence = None;
    for p in PRECEDENCES {
        let n = p.split(' ').count();
        if words.len() > n && words[words.len() - n..].join(" ") == *p {
            precedence = Some((*p).to_string());
            words.truncate(words.len() - n);
            break;
        }
    }
    (words.join(" "), precedence, mcn)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(route: Option<&str>, name: &str, prec: Option<&str>, mcn: Option<&str>) -> Recipient {
        Recipient {
            route: route.map(str::to_string),
            name: name.into(),
            precedence: prec.map(str::to_string),
            mcn: mcn.map(str::to_string),
            excluded: vec![],
        }
    }

    #[test]
    fn routed_addressees_with_precedence_and_channel() {
        let (to, info) = parse(
            "TO RUEHC/SECSTATE WASHDC IMMEDIATE 3355\nINFO RUEHTH/AMEMBASSY ATHENS 0121\nRUEUITH/DET 1 39LG ANKARA TU\n",
        );
        assert_eq!(to, [r(Some("RUEHC"), "SECSTATE WASHDC", Some("IMMEDIATE"), Some("3355"))]);
        assert_eq!(
            info,
            [
                r(Some("RUEHTH"), "AMEMBASSY ATHENS", None, Some("0121")),
                r(Some("RUEUITH"), "DET 1 39LG ANKARA TU", None, None),
            ]
        );
    }

    #[test]
    fn xmt_excludes_from_the_collective() {
        let (to, _) = parse(
            "TO RUEHX/EUROPEAN POLITICAL COLLECTIVE\nXMT/AMEMBASSY SOFIA\nAMEMBASSY BUCHAREST\n",
        );
        assert_eq!(to.len(), 1);
        assert_eq!(to[0].excluded, ["AMEMBASSY SOFIA", "AMEMBASSY BUCHAREST"]);
    }

    #[test]
    fn page_headers_inside_the_list_are_skipped() {
        let (to, info) = parse(
            "TO PAGE 02        STATE   023763  071504Z\nAMEMBASSY NEW DELHI PRIORITY\nINFO MISSILE TECHNOLOGY CONTROL REGIME COLLECTIVE PRIORITY",
        );
        assert_eq!(to, [r(None, "AMEMBASSY NEW DELHI", Some("PRIORITY"), None)]);
        assert_eq!(info[0].name, "MISSILE TECHNOLOGY CONTROL REGIME COLLECTIVE");
    }

    #[test]
    fn niact_immediate_is_one_precedence() {
        let (to, _) = parse("TO SPECIAL EMBASSY PROGRAM NIACT IMMEDIATE\n");
        assert_eq!(to[0].precedence.as_deref(), Some("NIACT IMMEDIATE"));
        assert_eq!(to[0].name, "SPECIAL EMBASSY PROGRAM");
    }
}
