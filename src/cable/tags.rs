//! The TAGS line: subject codes (`PREL`, `KCRM`), country codes (`TI`), organisations
//! (`NATO`), people in parentheses after `OVIP` and free-text tags (`HUMAN RIGHTS`).
//!
//! Drafters separate tags with spaces, commas or both, and WikiLeaks' renderings sometimes
//! glue them together (`PHUMBA`, `KFRDKIRFCVIS...`); a glued token that splits exactly into
//! known codes is split.

use super::countries;

/// Four-letter subject codes seen on the corpus's TAGS lines at least twice, plus the
/// organisation tags drafters use. Used to recognise codes in glued and free-text tags.
const CODES: &[&str] = &[
    "ABLD", "ABUD", "ADCO", "AEMR", "AFIN", "AMED", "AMGT", "AORC", "APER", "ASEC", "ASIG", "ASUP",
    "BBSR", "BEXP", "BTIO", "CASC", "CJAN", "CMGT", "CONS", "CPAS", "CVIS", "EAGR", "EAID", "EAIR",
    "ECIN", "ECON", "ECPS", "EFIN", "EFIS", "EFTA", "EINT", "EINV", "ELAB", "ELTN", "EMIN", "ENGR",
    "ENIV", "ENRG", "ENVI", "ENVR", "EPET", "ETRD", "ETTC", "EWWT", "FARC", "FTAA", "GTIP", "HSTC",
    "HURI", "IAEA", "ICAO", "ICRC", "ICTY", "INRB", "KACT", "KAWC", "KAWK", "KBCT", "KBIO", "KBTR",
    "KBTS", "KCFE", "KCIP", "KCOR", "KCRM", "KDEM", "KDRG", "KFIN", "KFLO", "KFLU", "KFRD", "KGHG",
    "KGIC", "KGIT", "KHDP", "KHIV", "KHLS", "KICC", "KIDE", "KIPR", "KIRC", "KIRF", "KISL", "KJUS",
    "KLIG", "KMCA", "KMDR", "KMPI", "KNNP", "KNPP", "KOCI", "KOLY", "KOMC", "KPAL", "KPAO", "KPKO",
    "KPLS", "KPRP", "KPRV", "KSAF", "KSCA", "KSEP", "KSPR", "KSTC", "KSTH", "KSUM", "KTDB", "KTEX",
    "KTFN", "KTIA", "KTIP", "KUNR", "KVIR", "KVPR", "KWAC", "KWBG", "KWMN", "LTTE", "MAPP", "MARR",
    "MASC", "MASS", "MCAP", "MEPP", "MNUC", "MOPS", "MPOS", "NASA", "NATO", "NIPP", "NSSP", "OECD",
    "OEXC", "OFDP", "OIIP", "OPAD", "OPCW", "OPDC", "OPIC", "OPRC", "OREP", "OSCE", "OSCI", "OTRA",
    "OVIP", "PARM", "PBIO", "PBTS", "PFOR", "PGOV", "PHSA", "PHUM", "PINR", "PINS", "PINT", "PMAR",
    "PNAT", "PREF", "PREL", "PROP", "PSOE", "PTER", "SCUL", "SENV", "SEVN", "SMIG", "SNAR", "SOCI",
    "TBIO", "TNGD", "TPHY", "TRGY", "TRSY", "TSPA", "TSPL", "UNDP", "UNEP", "UNGA", "UNSC", "USEU",
    "USTR", "USUN", "WTRO", "WTRQ",
];

/// Organisation tags of other lengths.
const ORGS: &[&str] = &[
    "EUN", "EU", "UN", "UNO", "UNHRC", "UNESCO", "UNHCR", "UNICEF", "UNAMA", "UNIFIL", "ASEAN",
    "APEC", "OAS", "WTO", "IMF", "IBRD", "NPT", "MTCRE", "CWC", "BWC", "SIPDIS", "ZANU-PF", "MDC",
    "AU", "ECOWAS", "SADC", "OIC", "GCC", "NAM",
];

/// Free-text tags that drafters put side by side without commas, as seen alone on the
/// corpus's TAGS lines; used to split a run of such words (`ITALY NATIONAL ELECTIONS
/// ITALIAN POLITICS IRAQI FREEDOM`) into its tags.
const PHRASES: &[&str] = &[
    "COUNTER TERRORISM",
    "COUNTRY CLEARANCE",
    "GOI EXTERNAL",
    "GOI INTERNAL",
    "HUMAN RIGHTS",
    "IRAQI FREEDOM",
    "ISRAELI PALESTINIAN AFFAIRS",
    "ITALIAN POLITICS",
    "ITALY NATIONAL ELECTIONS",
    "MEDIA REACTION",
    "MEETINGS WITH AMBASSADOR",
    "POLITICAL PARTIES",
    "POLITICS FOREIGN POLICY",
];

/// Splits a run of free-text words at the known phrases in it.
fn split_run(words: &[&str]) -> Vec<String> {
    let upper: Vec<String> = words.iter().map(|w| w.to_uppercase()).collect();
    let mut out = Vec::new();
    let mut loose: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let phrase = PHRASES
            .iter()
            .map(|p| p.split(' ').collect::<Vec<_>>())
            .find(|p| p.len() <= upper.len() - i && p.iter().zip(&upper[i..]).all(|(a, b)| a == b));
        match phrase {
            Some(p) => {
                if !loose.is_empty() {
                    out.push(loose.join(" "));
                    loose.clear();
                }
                out.push(words[i..i + p.len()].join(" "));
                i += p.len();
            }
            None => {
                loose.push(words[i]);
                i += 1;
            }
        }
    }
    if !loose.is_empty() {
        out.push(loose.join(" "));
    }
    // Split only where every part is a known phrase or several words: `MEDIA REACTION
    // REPORT` is one tag, not `MEDIA REACTION` and a stray `REPORT`.
    let whole = || vec![words.join(" ")];
    if out.iter().all(|p| PHRASES.contains(&p.to_uppercase().as_str()) || p.contains(' ')) {
        out
    } else {
        whole()
    }
}

fn is_code(token: &str) -> bool {
    CODES.binary_search(&token).is_ok()
        || ORGS.contains(&token)
        || (token.len() == 2 && countries::lookup(token).is_some())
        || (token.len() == 2 && token.starts_with(['X', 'Z']))
}

/// Splits a glued token into codes when it splits exactly into four-letter subject codes,
/// with a country code before or after: `PHUMBA` -> `PHUM`, `BA`; `VEPREL` -> `VE`, `PREL`;
/// `KFRDKIRFCVIS` -> `KFRD`, `KIRF`, `CVIS`. (`POLITICS` stays: it is not made of codes.)
fn split_glued(token: &str) -> Option<Vec<String>> {
    if token.len() <= 4 || !token.bytes().all(|b| b.is_ascii_uppercase()) || is_code(token) {
        return None;
    }
    let country = |s: &str| countries::lookup(s).is_some();
    let subject = |s: &str| CODES.binary_search(&s).is_ok();
    let mut parts = Vec::new();
    let mut rest = token;
    if rest.len() % 4 == 2 && country(&rest[..2]) && subject(&rest[2..6]) {
        parts.push(rest[..2].to_string());
        rest = &rest[2..];
    }
    while rest.len() >= 4 && subject(&rest[..4]) {
        parts.push(rest[..4].to_string());
        rest = &rest[4..];
    }
    if rest.len() == 2 && country(rest) {
        parts.push(rest.to_string());
        rest = "";
    }
    (rest.is_empty() && parts.len() >= 2).then_some(parts)
}

/// A code mistyped with one extra letter (`MOPPS`) or an organisation with one slip
/// (`UNDESCO`): the code meant, when exactly one is that close.
fn correct_slip(token: &str) -> Option<String> {
    let upper = token.to_uppercase();
    if upper.len() < 5 || !upper.bytes().all(|b| b.is_ascii_uppercase()) || is_code(&upper) {
        return None;
    }
    let close = |code: &str| {
        code.len() + 1 == upper.len()
            && (0..upper.len()).any(|i| format!("{}{}", &upper[..i], &upper[i + 1..]) == code)
    };
    let mut found = CODES.iter().chain(ORGS.iter().filter(|o| o.len() >= 4)).filter(|c| close(c));
    match (found.next(), found.next()) {
        (Some(code), None) => Some((*code).to_string()),
        _ => None,
    }
}

/// Whether the word after `w` in `part` is a free-text word (not a code).
fn next_is_free_text(part: &str, w: &str) -> bool {
    let mut words = part.split_whitespace().skip_while(|x| !std::ptr::eq(*x, w));
    words.next();
    words.next().is_some_and(|n| {
        let u = n.to_uppercase();
        let bare = u.trim_matches(|c: char| !c.is_alphanumeric());
        !is_code(bare) && split_glued(bare).is_none() && bare.len() > 4
    })
}

/// Splits a TAGS value into tags: upper case, de-duplicated, `[PREL](#)` links unwrapped,
/// `OVIP (CLINTON, HILLARY)` as `OVIP` and `CLINTON, HILLARY`.
pub fn split(value: &str) -> Vec<String> {
    let value = value.replace("](#)", " ").replace('[', " ");
    let mut raw: Vec<String> = Vec::new();
    // Parenthesised groups are one tag each; the text around them is split by the rules
    // below.
    let mut rest = value.as_str();
    let mut outside = String::new();
    while let Some(open) = rest.find('(') {
        let Some(close) = rest[open..].find(')').map(|c| open + c) else { break };
        outside.push_str(&rest[..open]);
        outside.push_str(" \u{1}");
        raw.push(rest[open + 1..close].trim().to_string());
        rest = &rest[close + 1..];
    }
    outside.push_str(rest);
    let mut groups = raw.into_iter();
    let mut pieces: Vec<String> = Vec::new();
    // Codes stand alone; neighbouring words that are not codes form one free-text tag
    // (`HUMAN RIGHTS`), ended by a code, a comma or a parenthesised group.
    for part in outside.split([',', ';']) {
        let mut run: Vec<&str> = Vec::new();
        let flush_run = |run: &mut Vec<&str>, pieces: &mut Vec<String>| {
            if !run.is_empty() {
                pieces.extend(split_run(run));
                run.clear();
            }
        };
        // Words after `OVIP` that are not known codes name the visitor (`RICE CONDOLEEZZA`).
        let mut name_words = 0usize;
        for w in part.split_whitespace() {
            if w == "\u{1}" {
                flush_run(&mut run, &mut pieces);
                if let Some(g) = groups.next() {
                    pieces.push(g);
                }
                name_words = 0;
                continue;
            }
            let mut u = w.to_uppercase();
            if let Some(fixed) = correct_slip(u.trim_matches(|c: char| !c.is_alphanumeric())) {
                u = fixed;
            }
            let bare = u.trim_matches(|c: char| !c.is_alphanumeric());
            let known = is_code(bare) || split_glued(bare).is_some();
            if name_words > 0 && !known {
                run.push(w);
                name_words -= 1;
                continue;
            }
            name_words = 0;
            let code = known || (bare.len() == 4 && bare.bytes().all(|b| b.is_ascii_uppercase()));
            // `TIP IN TURKEY`: a short word between free-text words is part of them.
            if code && bare.len() == 2 && !run.is_empty() && next_is_free_text(part, w) {
                run.push(w);
                continue;
            }
            if code {
                flush_run(&mut run, &mut pieces);
                if bare == "OVIP" {
                    name_words = 3;
                }
                pieces.push(u);
            } else {
                run.push(w);
            }
        }
        flush_run(&mut run, &mut pieces);
    }
    let mut tags: Vec<String> = Vec::new();
    let add = |tag: String, tags: &mut Vec<String>| {
        if !tag.is_empty() && tag != "SIPDIS" && !tags.contains(&tag) {
            tags.push(tag);
        }
    };
    let mut after_ovip = false;
    for piece in pieces {
        let trimmed = piece.trim_matches(|c: char| !c.is_alphanumeric() && c != '.');
        // A final dot belongs to an initial (`BUSH, GEORGE W.`), not to a code.
        let trimmed = if trimmed.contains(' ') { trimmed } else { trimmed.trim_end_matches('.') };
        let mut tag = trimmed.to_uppercase();
        // `OVIP CLINTON HILLARY`: the visitor a VIP-visit tag names, as `SURNAME, GIVEN`.
        let words: Vec<&str> = tag.split(' ').collect();
        if after_ovip && (2..=3).contains(&words.len()) && !tag.contains(',') {
            let mut name = format!("{}, {}", words[0], words[1..].join(" "));
            if words.len() == 3 && words[2].len() == 1 {
                name.push('.');
            }
            tag = name;
        }
        after_ovip = tag == "OVIP";
        if tag == "COUNTER TERRORISM" {
            tag = "COUNTERTERRORISM".into();
        }
        match split_glued(&tag) {
            Some(parts) => parts.into_iter().for_each(|p| add(p, &mut tags)),
            None => add(tag, &mut tags),
        }
    }
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_sorted() {
        assert!(CODES.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn space_and_comma_lists() {
        assert_eq!(split("PREL PGOV PTER SP VZ"), ["PREL", "PGOV", "PTER", "SP", "VZ"]);
        assert_eq!(split("PGOV, PINS, ZI, MDC, ZANU-PF"), ["PGOV", "PINS", "ZI", "MDC", "ZANU-PF"]);
        assert_eq!(split("[PREL](#) [PHUM](#) [TI](#)"), ["PREL", "PHUM", "TI"]);
        assert_eq!(split("prel, pgov, pins, tu"), ["PREL", "PGOV", "PINS", "TU"]);
    }

    #[test]
    fn people_in_parentheses_and_free_text() {
        assert_eq!(
            split("OVIP (CLINTON, HILLARY) PREL KPAL FR"),
            ["OVIP", "CLINTON, HILLARY", "PREL", "KPAL", "FR"]
        );
        assert_eq!(split("PHUM, OPRC, IT, HUMAN RIGHTS"), ["PHUM", "OPRC", "IT", "HUMAN RIGHTS"]);
        assert_eq!(
            split("ECON ETRD IS ECONOMY AND FINANCE"),
            ["ECON", "ETRD", "IS", "ECONOMY AND FINANCE"]
        );
        assert_eq!(
            split("PREL IT ITALY NATIONAL ELECTIONS ITALIAN POLITICS"),
            ["PREL", "IT", "ITALY NATIONAL ELECTIONS", "ITALIAN POLITICS"]
        );
        assert_eq!(split("OVIP RICE CONDOLEEZZA PREL"), ["OVIP", "RICE, CONDOLEEZZA", "PREL"]);
        assert_eq!(split("PTER MARR, MOPPS UNDESCO"), ["PTER", "MARR", "MOPS", "UNESCO"]);
    }

    #[test]
    fn glued_codes_are_split_and_duplicates_dropped() {
        assert_eq!(split("KCRM KWMN ASEC PHUMBA"), ["KCRM", "KWMN", "ASEC", "PHUM", "BA"]);
        assert_eq!(split("PREL PGOV PHUM VT VEPREL"), ["PREL", "PGOV", "PHUM", "VT", "VE"]);
        assert_eq!(split("UNESCO"), ["UNESCO"]);
    }
}
