//! Cable identifiers: the known originating posts, and canonicalisation of published IDs.
//!
//! A cable ID is a two-digit year, the post's name without spaces, and the post's serial
//! number without leading zeros: `07DUSHANBE1057`. WikiLeaks published some IDs garbled
//! (`09EFTOLONDON2468`, `08SECTION01GF02BISHIEK21`, `7575LIBREVILLE1895`) and drafters
//! abbreviate or misspell posts in `REF:` lines (`SECSTATE`, `USUN`, `WELLINGOTN`); the
//! canonical form maps all of these to one spelling so that references resolve.

use std::collections::HashMap;
use std::sync::LazyLock;

/// Posts as drafters write them in classification lines and `REF:` blocks. The canonical
/// token is the name with spaces, hyphens and dots removed. Embassies, consulates, missions
/// and the Washington agencies that send cables, as of the 1966–2010 cables.
pub const POSTS: &[&str] = &[
    "ABIDJAN",
    "ABU DHABI",
    "ABUJA",
    "ACCRA",
    "ADANA",
    "ADDIS ABABA",
    "AIT TAIPEI",
    "ALGIERS",
    "ALMATY",
    "AMMAN",
    "AMSTERDAM",
    "ANKARA",
    "ANTANANARIVO",
    "APIA",
    "ASHGABAT",
    "ASMARA",
    "ASTANA",
    "ASUNCION",
    "ATHENS",
    "AUCKLAND",
    "BAGHDAD",
    "BAKU",
    "BAMAKO",
    "BANDAR SERI BEGAWAN",
    "BANGKOK",
    "BANGUI",
    "BANJUL",
    "BARCELONA",
    "BASRAH",
    "BEIJING",
    "BEIRUT",
    "BELFAST",
    "BELGRADE",
    "BELMOPAN",
    "BERLIN",
    "BERN",
    "BISHKEK",
    "BOGOTA",
    "BONN",
    "BRASILIA",
    "BRATISLAVA",
    "BRAZZAVILLE",
    "BRIDGETOWN",
    "BRUSSELS",
    "BUCHAREST",
    "BUDAPEST",
    "BUENOS AIRES",
    "BUJUMBURA",
    "CAIRO",
    "CALCUTTA",
    "CALGARY",
    "CANBERRA",
    "CAPE TOWN",
    "CARACAS",
    "CASABLANCA",
    "CDC ATLANTA GA",
    "CHENGDU",
    "CHENNAI",
    "CHIANG MAI",
    "CHISINAU",
    "CIUDAD JUAREZ",
    "COLOMBO",
    "CONAKRY",
    "COPENHAGEN",
    "COTONOU",
    "CURACAO",
    "DAKAR",
    "DAMASCUS",
    "DAR ES SALAAM",
    "DHAHRAN",
    "DHAKA",
    "DILI",
    "DJIBOUTI",
    "DOHA",
    "DUBAI",
    "DUBLIN",
    "DURBAN",
    "DUSHANBE",
    "DUSSELDORF",
    "EMBASSY",
    "FLORENCE",
    "FRANKFURT",
    "FREETOWN",
    "FUKUOKA",
    "GABORONE",
    "GENEVA",
    "GEORGETOWN",
    "GUADALAJARA",
    "GUANGZHOU",
    "GUATEMALA",
    "GUAYAQUIL",
    "HALIFAX",
    "HAMBURG",
    "HAMILTON",
    "HANOI",
    "HARARE",
    "HAVANA",
    "HELSINKI",
    "HERMOSILLO",
    "HILLAH",
    "HO CHI MINH CITY",
    "HONG KONG",
    "HYDERABAD",
    "IRAN RPO DUBAI",
    "ISLAMABAD",
    "ISTANBUL",
    "JAKARTA",
    "JEDDAH",
    "JERUSALEM",
    "JOHANNESBURG",
    "JUBA",
    "KABUL",
    "KADUNA",
    "KAMPALA",
    "KARACHI",
    "KATHMANDU",
    "KHARTOUM",
    "KIEV",
    "KIGALI",
    "KINGSTON",
    "KINSHASA",
    "KIRKUK",
    "KOLKATA",
    "KOLONIA",
    "KOROR",
    "KRAKOW",
    "KUALA LUMPUR",
    "KUWAIT",
    "KYIV",
    "LA PAZ",
    "LAGOS",
    "LAHORE",
    "LEIPZIG",
    "LIBREVILLE",
    "LILONGWE",
    "LIMA",
    "LISBON",
    "LJUBLJANA",
    "LOME",
    "LONDON",
    "LUANDA",
    "LUSAKA",
    "LUXEMBOURG",
    "MADRID",
    "MAJURO",
    "MALABO",
    "MANAGUA",
    "MANAMA",
    "MANILA",
    "MAPUTO",
    "MARSEILLE",
    "MASERU",
    "MATAMOROS",
    "MAZATLAN",
    "MBABANE",
    "MELBOURNE",
    "MERIDA",
    "MEXICO",
    "MILAN",
    "MINSK",
    "MONROVIA",
    "MONTERREY",
    "MONTEVIDEO",
    "MONTREAL",
    "MOSCOW",
    "MOSUL",
    "MUMBAI",
    "MUNICH",
    "MUSCAT",
    "NAHA",
    "NAIROBI",
    "NAPLES",
    "NASSAU",
    "NDJAMENA",
    "NEW DELHI",
    "NIAMEY",
    "NICOSIA",
    "NOGALES",
    "NOUAKCHOTT",
    "NUEVO LAREDO",
    "OSAKA KOBE",
    "OSLO",
    "OTTAWA",
    "OUAGADOUGOU",
    "PANAMA",
    "PARAMARIBO",
    "PARIS",
    "PARTO",
    "PERTH",
    "PESHAWAR",
    "PHNOM PENH",
    "PODGORICA",
    "PONTA DELGADA",
    "PORT AU PRINCE",
    "PORT LOUIS",
    "PORT MORESBY",
    "PORT OF SPAIN",
    "PRAGUE",
    "PRAIA",
    "PRETORIA",
    "PRISTINA",
    "QUEBEC",
    "QUITO",
    "RABAT",
    "RANGOON",
    "RECIFE",
    "REYKJAVIK",
    "RIGA",
    "RIO DE JANEIRO",
    "RIYADH",
    "ROME",
    "RPO DUBAI",
    "SAN JOSE",
    "SAN SALVADOR",
    "SANAA",
    "SANTIAGO",
    "SANTO DOMINGO",
    "SAO PAULO",
    "SAPPORO",
    "SARAJEVO",
    "SECDEF",
    "SECTO",
    "SEOUL",
    "SHANGHAI",
    "SHENYANG",
    "SINGAPORE",
    "SKOPJE",
    "SOFIA",
    "ST PETERSBURG",
    "STATE",
    "STOCKHOLM",
    "STRASBOURG",
    "SURABAYA",
    "SUVA",
    "SYDNEY",
    "TAIPEI",
    "TALLINN",
    "TASHKENT",
    "TBILISI",
    "TEGUCIGALPA",
    "TEHRAN",
    "TEL AVIV",
    "THE HAGUE",
    "TIJUANA",
    "TIRANA",
    "TOKYO",
    "TORONTO",
    "TRIPOLI",
    "TUNIS",
    "ULAANBAATAR",
    "UNESCO PARIS FR",
    "UNVIE VIENNA",
    "USCBP",
    "USDA FAS",
    "USDOC",
    "USEU BRUSSELS",
    "USNATO",
    "USOSCE",
    "USTR",
    "USUN NEW YORK",
    "USUN ROME",
    "VALLETTA",
    "VANCOUVER",
    "VATICAN",
    "VIENNA",
    "VIENTIANE",
    "VILNIUS",
    "VLADIVOSTOK",
    "WARSAW",
    "WELLINGTON",
    "WINDHOEK",
    "YAOUNDE",
    "YEKATERINBURG",
    "YEREVAN",
    "ZAGREB",
];

/// Spellings that are not a post's canonical token but stand for one, whole-token.
const ALIASES: &[(&str, &str)] = &[
    ("SECSTATE", "STATE"),
    ("SECTSTATE", "STATE"),
    ("SECTATE", "STATE"),
    ("SECSTATEWASHDC", "STATE"),
    ("STATEWASHDC", "STATE"),
    ("SECDEFWASH", "SECDEF"),
    ("SECDEFWASHDC", "SECDEF"),
    ("USUN", "USUNNEWYORK"),
    ("USUNNY", "USUNNEWYORK"),
    ("USMISSIONUSUNNEWYORK", "USUNNEWYORK"),
    ("USEU", "USEUBRUSSELS"),
    ("UNVIE", "UNVIEVIENNA"),
    ("USMISSIONUNVIEVIENNA", "UNVIEVIENNA"),
    ("PARISFR", "UNESCOPARISFR"),
    ("USUNESCOPARISFR", "UNESCOPARISFR"),
    ("USUNESCOPARIS", "UNESCOPARISFR"),
    ("UNESCOPARIS", "UNESCOPARISFR"),
    ("USMISSIONGENEVA", "GENEVA"),
    ("USMISSIONUSNATO", "USNATO"),
    ("USMISSIONUSOSCE", "USOSCE"),
    ("RIO", "RIODEJANEIRO"),
    ("HAGUE", "THEHAGUE"),
    ("VAT", "VATICAN"),
    ("HOLYSEE", "VATICAN"),
    ("PAP", "PORTAUPRINCE"),
    ("PAUP", "PORTAUPRINCE"),
    ("BA", "BUENOSAIRES"),
    ("BKK", "BANGKOK"),
    ("BRAZIL", "BRASILIA"),
    ("BRAZILIA", "BRASILIA"),
    ("MEXICOCITY", "MEXICO"),
    ("USDA", "USDAFAS"),
    ("CDCATLANTA", "CDCATLANTAGA"),
    ("USCUSTOMSA", "USCBP"),
    ("USDOCWASHDC", "USDOC"),
    ("MADRIDSP", "MADRID"),
    ("HCMC", "HOCHIMINHCITY"),
    ("HK", "HONGKONG"),
    ("HOCHIMINH", "HOCHIMINHCITY"),
    ("STPETERSBURG", "STPETERSBURG"),
];

/// The canonical post token (`NEWDELHI`) of a name as written (`NEW DELHI`, `PORT-AU-PRINCE`).
pub fn post_token(name: &str) -> String {
    name.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect()
}

struct PostTable {
    /// Every canonical post token.
    known: Vec<String>,
    /// Token as written (canonical or alias) -> canonical token.
    lookup: HashMap<String, String>,
    /// Names as written, split into words, longest first, for matching in running text.
    phrases: HashMap<String, Vec<(Vec<String>, String)>>,
}

static TABLE: LazyLock<PostTable> = LazyLock::new(|| {
    let mut lookup = HashMap::new();
    let mut known = Vec::new();
    let mut phrases: HashMap<String, Vec<(Vec<String>, String)>> = HashMap::new();
    let mut add_phrase = |words: Vec<String>, canonical: &str| {
        let first = words[0].clone();
        phrases.entry(first).or_default().push((words, canonical.to_string()));
    };
    for name in POSTS {
        let token = post_token(name);
        if token == "EMBASSY" {
            continue;
        }
        known.push(token.clone());
        lookup.insert(token.clone(), token.clone());
        add_phrase(name.split(' ').map(str::to_string).collect(), &token);
    }
    for (alias, canonical) in ALIASES {
        lookup.insert((*alias).to_string(), (*canonical).to_string());
        add_phrase(vec![(*alias).to_string()], canonical);
    }
    // Multi-word spellings seen in REF lines.
    for (words, canonical) in [
        ("USUNESCO PARIS FR", "UNESCOPARISFR"),
        ("USUNESCO PARIS", "UNESCOPARISFR"),
        ("USMISSION GENEVA", "GENEVA"),
        ("US MISSION GENEVA", "GENEVA"),
        ("USMISSION USUN NEW YORK", "USUNNEWYORK"),
        ("USMISSION UNVIE VIENNA", "UNVIEVIENNA"),
        ("USMISSION USNATO", "USNATO"),
        ("USMISSION USOSCE", "USOSCE"),
        ("SECSTATE WASHDC", "STATE"),
        ("SEC STATE", "STATE"),
        ("USUN NY", "USUNNEWYORK"),
        ("USDA FAS WASHDC", "USDAFAS"),
        ("HO CHI MINH", "HOCHIMINHCITY"),
        ("RIO DE JAN", "RIODEJANEIRO"),
        ("MEXICO CITY", "MEXICO"),
        ("PARIS FR", "UNESCOPARISFR"),
        ("RIO DE JANIERO", "RIODEJANEIRO"),
        ("SAN JOSE CR", "SANJOSE"),
        ("ST. PETERSBURG", "STPETERSBURG"),
        ("SAINT PETERSBURG", "STPETERSBURG"),
        ("PORT-AU-PRINCE", "PORTAUPRINCE"),
        ("PORT-OF-SPAIN", "PORTOFSPAIN"),
        ("DAR-ES-SALAAM", "DARESSALAAM"),
    ] {
        add_phrase(words.split(' ').map(str::to_string).collect(), canonical);
    }
    for list in phrases.values_mut() {
        list.sort_by_key(|(words, _)| std::cmp::Reverse(words.len()));
    }
    PostTable { known, lookup, phrases }
});

/// The canonical token of a post spelled as one token, allowing abbreviations (a unique
/// prefix of at least four letters) and one typing slip (an insertion, deletion,
/// substitution or swap) where exactly one known post is that close.
pub fn canonical_post(token: &str) -> Option<String> {
    let table = &*TABLE;
    if let Some(canonical) = table.lookup.get(token) {
        return Some(canonical.clone());
    }
    if let Some(rest) = token.strip_prefix("EMBASSY").filter(|r| !r.is_empty()) {
        return Some(canonical_post(rest).unwrap_or_else(|| rest.to_string()));
    }
    if token.len() >= 4 {
        let mut prefixed = table.known.iter().filter(|k| k.starts_with(token));
        if let (Some(only), None) = (prefixed.next(), prefixed.next()) {
            return Some(only.clone());
        }
    }
    if token.len() >= 5 {
        let mut close = table.known.iter().filter(|k| within_one_edit(token, k));
        if let (Some(only), None) = (close.next(), close.next()) {
            return Some(only.clone());
        }
    }
    None
}

/// Whether `token` is a known post's canonical token or alias.
pub fn is_known_post(token: &str) -> bool {
    TABLE.lookup.contains_key(token)
}

/// Matches a post name written as words at the start of `words` (uppercased, punctuation
/// already split off). Returns the canonical token and how many words it used.
pub fn match_post_words(words: &[&str]) -> Option<(String, usize)> {
    let first = words.first()?;
    let candidates = TABLE.phrases.get(*first)?;
    candidates
        .iter()
        .find(|(phrase, _)| {
            phrase.len() <= words.len() && phrase.iter().zip(words).all(|(p, w)| p == w)
        })
        .map(|(phrase, canonical)| (canonical.clone(), phrase.len()))
}

/// Optimal-string-alignment distance of at most one.
fn within_one_edit(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[prefix..], &b[prefix..]);
    if a.is_empty() || b.is_empty() {
        return a.len() + b.len() <= 1;
    }
    match a.len().cmp(&b.len()) {
        std::cmp::Ordering::Equal => {
            a[1..] == b[1..] || (a.len() >= 2 && a[0] == b[1] && a[1] == b[0] && a[2..] == b[2..])
        }
        std::cmp::Ordering::Less => a == &b[1..],
        std::cmp::Ordering::Greater => &a[1..] == b,
    }
}

/// Splits an ID-shaped string into year digits, the middle (post, possibly garbled) and the
/// serial: `07DUSHANBE1057` -> (`07`, `DUSHANBE`, `1057`).
pub fn split_id(id: &str) -> Option<(&str, &str, &str)> {
    let bytes = id.as_bytes();
    if bytes.len() < 4 || !bytes[0].is_ascii_digit() || !bytes[1].is_ascii_digit() {
        return None;
    }
    let serial_start = bytes.iter().rposition(|b| !b.is_ascii_digit())? + 1;
    if serial_start == bytes.len() || serial_start <= 2 {
        return None;
    }
    let middle = &id[2..serial_start];
    if !middle.bytes().any(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    Some((&id[..2], middle, &id[serial_start..]))
}

/// Whether a string looks like a published cable ID (year, letters, serial).
pub fn looks_like_id(s: &str) -> bool {
    s.len() <= 40
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && split_id(s).is_some_and(|(_, middle, _)| {
            middle.bytes().next().is_some_and(|b| b.is_ascii_alphabetic() || b.is_ascii_digit())
        })
}

/// Garbled section prefixes as WikiLeaks published them: `SECTION01OF02`, `ECTION01OF02`,
/// `SCTION02OF02`, `SECTION01GF02`.
fn strip_section_prefix(middle: &str) -> &str {
    let bytes = middle.as_bytes();
    let letters = bytes.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let word = &middle[..letters];
    let looks_like_section = (3..=7).contains(&letters)
        && ("SECTION".contains(word) || within_one_edit(word, "SECTION"));
    if !looks_like_section {
        return middle;
    }
    let rest = &bytes[letters..];
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || rest.len() < digits + 2 {
        return middle;
    }
    let after = &rest[digits..];
    if !(after[1] == b'F' && matches!(after[0], b'O' | b'G' | b'0')) {
        return middle;
    }
    let after = &after[2..];
    let digits2 = after.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits2 == 0 {
        return middle;
    }
    &middle[middle.len() - (after.len() - digits2)..]
}

/// The canonical form of a published cable ID, or `None` when it is not ID-shaped.
/// ```
/// use ctrack::cable::ids::canonical_id;
/// assert_eq!(canonical_id("09EFTOLONDON2468").as_deref(), Some("09LONDON2468"));
/// assert_eq!(canonical_id("06SECSTATE123").as_deref(), Some("06STATE123"));
/// ```
pub fn canonical_id(published: &str) -> Option<String> {
    let upper: String = published
        .trim()
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '.'))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let (year, middle, serial) = split_id(&upper)?;
    // `7575LIBREVILLE1895`: the year doubled.
    let middle = middle.strip_prefix(year).filter(|m| !m.is_empty()).unwrap_or(middle);
    let middle = strip_section_prefix(middle);
    let middle = middle.strip_prefix("EFTO").filter(|m| !m.is_empty()).unwrap_or(middle);
    if !middle.bytes().next().is_some_and(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let post = canonical_post(middle).unwrap_or_else(|| middle.to_string());
    let serial = serial.trim_start_matches('0');
    let serial = if serial.is_empty() { "0" } else { serial };
    Some(format!("{year}{post}{serial}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_ids_fix_garbled_publications() {
        for (published, canonical) in [
            ("07DUSHANBE1057", "07DUSHANBE1057"),
            ("09EFTOLONDON2468", "09LONDON2468"),
            ("08ECTION01OF02MANAMA492", "08MANAMA492"),
            ("08SCTION02OF02SAOPAULO335", "08SAOPAULO335"),
            ("09SECTION02OF03QRIPOLI583", "09TRIPOLI583"),
            ("09SECTION01OF03SANJOSE525", "09SANJOSE525"),
            ("7575LIBREVILLE1895", "75LIBREVILLE1895"),
            ("06PORT-OF-SPAIN123", "06PORTOFSPAIN123"),
            ("05RIO123", "05RIODEJANEIRO123"),
            ("01WELLINGOTN12", "01WELLINGTON12"),
            ("08RIODEJANIERO1234", "08RIODEJANEIRO1234"),
            ("08KUALALUMP1234", "08KUALALUMPUR1234"),
            ("05EMBASSYVIENNA1", "05VIENNA1"),
            ("06SECDEF123", "06SECDEF123"),
            ("06TBILISI0619", "06TBILISI619"),
        ] {
            assert_eq!(canonical_id(published).as_deref(), Some(canonical), "{published}");
        }
    }

    #[test]
    fn non_ids_are_not_canonicalised() {
        assert_eq!(canonical_id("LONDON"), None);
        assert_eq!(canonical_id("1234"), None);
        assert_eq!(canonical_id("07-1057"), None);
        assert!(!looks_like_id("hello.txt"));
        assert!(looks_like_id("07DUSHANBE1057"));
    }

    #[test]
    fn post_words_match_longest_name() {
        let words = ["USUN", "NEW", "YORK", "1473"];
        assert_eq!(match_post_words(&words), Some(("USUNNEWYORK".to_string(), 3)));
        let words = ["USUN", "1473"];
        assert_eq!(match_post_words(&words), Some(("USUNNEWYORK".to_string(), 1)));
        assert_eq!(match_post_words(&["E-MAIL", "12"]), None);
    }

    #[test]
    fn one_edit_distance() {
        assert!(within_one_edit("BISHTEK", "BISHKEK"));
        assert!(within_one_edit("WELLINGOTN", "WELLINGTON"));
        assert!(within_one_edit("KINSTON", "KINGSTON"));
        assert!(within_one_edit("TRIPOLII", "TRIPOLI"));
        assert!(!within_one_edit("MADRID", "MANAMA"));
    }
}
