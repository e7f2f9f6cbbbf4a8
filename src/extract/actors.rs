//! Who is speaking and who is acting: actor phrases, their kind (foreign government, US
//! government, third party), the people a cable introduces with a title, and the country
//! a government actor belongs to.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use super::cues;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    /// A foreign (non-US) government or part of one.
    Government,
    /// The Embassy, "we", US officials and agencies.
    Us,
    /// Parties, NGOs, international organisations, companies, commentators.
    ThirdParty,
    Unknown,
}

impl ActorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::Government => "government",
            ActorKind::Us => "us",
            ActorKind::ThirdParty => "third_party",
            ActorKind::Unknown => "unknown",
        }
    }
}

/// Country names and adjectives -> State Department tag code. Government acronyms that
/// several posts use for their own host are left out: "GOE" is Egypt's in Cairo's cables and
/// Ecuador's in Quito's, "GOL" Libya's and Lebanon's, "GOA" Argentina's and Algeria's, "SAG"
/// Saudi Arabia's and South Africa's; an actor named only by one of them belongs to the
/// cable's host.
const DEMONYMS: &[(&str, &str)] = &[
    ("Afghan|Afghanistan|GIRoA", "AF"),
    ("Albanian|Albania", "AL"),
    ("Algerian|Algeria", "AG"),
    ("Angolan|Angola", "AO"),
    ("Argentine|Argentinian|Argentina", "AR"),
    ("Armenian|Armenia", "AM"),
    ("Australian|Australia", "AS"),
    ("Austrian|Austria", "AU"),
    ("Azerbaijani|Azeri|Azerbaijan", "AJ"),
    ("Bahamian|Bahamas", "BF"),
    ("Bahraini|Bahrain", "BA"),
    ("Bangladeshi|Bangladesh", "BG"),
    ("Barbadian|Barbados", "BB"),
    ("Belarusian|Belarus", "BO"),
    ("Belgian|Belgium", "BE"),
    ("Belizean|Belize", "BH"),
    ("Bolivian|Bolivia", "BL"),
    ("Bosnian|Bosnia", "BK"),
    ("Brazilian|Brazil|Itamaraty", "BR"),
    ("Bulgarian|Bulgaria", "BU"),
    ("Burmese|Burma|Myanmar", "BM"),
    ("Burundian|Burundi", "BY"),
    ("Cambodian|Cambodia|RGC", "CB"),
    ("Cameroonian|Cameroon", "CM"),
    ("Canadian|Canada", "CA"),
    ("Central African Republic|Central African", "CT"),
    ("Chadian|Chad", "CD"),
    ("Chilean|Chile", "CI"),
    ("Chinese|China|PRC|Beijing", "CH"),
    ("Colombian|Colombia|COLMIL", "CO"),
    ("Congolese|Congo", "CG"),
    ("Costa Rican|Costa Rica|GOCR", "CS"),
    ("Croatian|Croatia", "HR"),
    ("Cuban|Cuba", "CU"),
    ("Cypriot|Cyprus", "CY"),
    ("Czech", "EZ"),
    ("Danish|Denmark|Danes", "DA"),
    ("Djiboutian|Djibouti", "DJ"),
    ("Dominican Republic|Dominican", "DR"),
    ("Dutch|Netherlands", "NL"),
    ("Ecuadorian|Ecuador", "EC"),
    ("Egyptian|Egypt", "EG"),
    ("Emirati|UAE|Emirates", "AE"),
    ("Eritrean|Eritrea", "ER"),
    ("Estonian|Estonia", "EN"),
    ("Ethiopian|Ethiopia", "ET"),
    ("Finnish|Finland|Finns", "FI"),
    ("French|France|Elysee|Quai", "FR"),
    ("Georgian|Georgia", "GG"),
    ("German|Germany|Bundestag|Berlin", "GM"),
    ("Ghanaian|Ghana", "GH"),
    ("Greek|Greece", "GR"),
    ("Guatemalan|Guatemala", "GT"),
    ("Guinean|Guinea", "GV"),
    ("Haitian|Haiti", "HA"),
    ("Honduran|Honduras", "HO"),
    ("Hungarian|Hungary", "HU"),
    ("Icelandic|Icelanders|Iceland", "IC"),
    ("Indian|India", "IN"),
    ("Indonesian|Indonesia", "ID"),
    ("Iranian|Iran|Tehran", "IR"),
    ("Iraqi|Iraq", "IZ"),
    ("Irish|Ireland", "EI"),
    ("Israeli|Israel|Knesset", "IS"),
    ("Italian|Italy", "IT"),
    ("Ivoirian|Cote d'Ivoire", "IV"),
    ("Jamaican|Jamaica", "JM"),
    ("Japanese|Japan|GoJ", "JA"),
    ("Jordanian|Jordan", "JO"),
    ("Kazakh|Kazakhstan", "KZ"),
    ("Kenyan|Kenya", "KE"),
    ("Kosovar|Kosovo", "KV"),
    ("Kuwaiti|Kuwait", "KU"),
    ("Kyrgyz|Kyrgyzstan", "KG"),
    ("Lao|Laos", "LA"),
    ("Latvian|Latvia", "LG"),
    ("Lebanese|Lebanon", "LE"),
    ("Liberian|Liberia", "LI"),
    ("Libyan|Libya|Qadhafi", "LY"),
    ("Lithuanian|Lithuania", "LH"),
    ("Macedonian|Macedonia", "MK"),
    ("Malawian|Malawi", "MI"),
    ("Malaysian|Malaysia", "MY"),
    ("Malian|Mali", "ML"),
    ("Maltese|Malta", "MT"),
    ("Mauritanian|Mauritania", "MR"),
    ("Mexican|Mexico", "MX"),
    ("Moldovan|Moldova", "MD"),
    ("Mongolian|Mongolia", "MG"),
    ("Montenegrin|Montenegro", "MJ"),
    ("Moroccan|Morocco", "MO"),
    ("Mozambican|Mozambique", "MZ"),
    ("Namibian|Namibia", "WA"),
    ("Nepali|Nepalese|Nepal", "NP"),
    ("New Zealand", "NZ"),
    ("Nicaraguan|Nicaragua", "NU"),
    ("Nigerian|Nigeria", "NI"),
    ("Nigerien|Niger", "NG"),
    ("North Korean|DPRK", "KN"),
    ("Norwegian|Norway", "NO"),
    ("Omani|Oman", "MU"),
    ("Pakistani|Pakistan", "PK"),
    ("Panamanian|Panama", "PM"),
    ("Paraguayan|Paraguay", "PA"),
    ("Peruvian|Peru", "PE"),
    ("Philippine|Filipino|Philippines", "RP"),
    ("Polish|Poland", "PL"),
    ("Portuguese|Portugal", "PO"),
    ("Qatari|Qatar", "QA"),
    ("Romanian|Romania", "RO"),
    ("Russian|Russia|Kremlin|Moscow", "RS"),
    ("Rwandan|Rwanda", "RW"),
    ("Saudi|Saudi Arabia", "SA"),
    ("Senegalese|Senegal", "SG"),
    ("Serbian|Serbia", "SR"),
    ("Singaporean|Singapore", "SN"),
    ("Slovak|Slovakia", "LO"),
    ("Slovenian|Slovene|Slovenia", "SI"),
    ("Somali|Somalia|TFG", "SO"),
    ("South African|South Africa", "SF"),
    ("South Korean|ROK", "KS"),
    ("Spanish|Spain", "SP"),
    ("Sri Lankan|Sri Lanka", "CE"),
    ("Sudanese|Sudan", "SU"),
    ("Surinamese|Suriname", "NS"),
    ("Swedish|Sweden|Swedes", "SW"),
    ("Swiss|Switzerland", "SZ"),
    ("Syrian|Syria|SARG", "SY"),
    ("Taiwanese|Taiwan", "TW"),
    ("Tajik|Tajikistan", "TI"),
    ("Tanzanian|Tanzania", "TZ"),
    ("Thai|Thailand|RTG", "TH"),
    ("Tunisian|Tunisia", "TS"),
    ("Turkish|Turkey|Turks", "TU"),
    ("Turkmen|Turkmenistan", "TX"),
    ("Ugandan|Uganda", "UG"),
    ("Ukrainian|Ukraine", "UP"),
    ("British|Britain|United Kingdom|UK|U.K|HMG|HMT|Whitehall", "UK"),
    ("Uruguayan|Uruguay", "UY"),
    ("Uzbek|Uzbekistan", "UZ"),
    ("Venezuelan|Venezuela|BRV", "VE"),
    ("Vietnamese|Vietnam", "VM"),
    ("Yemeni|Yemen|ROYG", "YM"),
    ("Zambian|Zambia", "ZA"),
    ("Zimbabwean|Zimbabwe", "ZI"),
    ("Salvadoran|El Salvador", "ES"),
    ("Vatican|Holy See", "VT"),
];

/// Every demonym, name and acronym in one alternation (longest first, so "South Africa"
/// wins over "Africa"), and the code of each: one scan per phrase instead of one per
/// country.
static DEMONYM_RE: LazyLock<(Regex, HashMap<&'static str, &'static str>)> = LazyLock::new(|| {
    let mut words: Vec<(&'static str, &'static str)> = DEMONYMS
        .iter()
        .flat_map(|(words, code)| words.split('|').map(move |w| (w, *code)))
        .collect();
    words.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(b.0)));
    let alternation: Vec<String> = words.iter().map(|(w, _)| regex::escape(w)).collect();
    let re = Regex::new(&format!(r"(?-u:\b)(?:{})(?-u:\b)", alternation.join("|")))
        .expect("demonyms compile");
    let mut codes = HashMap::new();
    for (w, code) in words {
        codes.entry(w).or_insert(code);
    }
    (re, codes)
});

/// The country codes named in a phrase (by name, adjective or government acronym), in
/// order of appearance.
pub fn countries_in(text: &str) -> Vec<&'static str> {
    let (re, codes) = &*DEMONYM_RE;
    let mut out: Vec<&'static str> = Vec::new();
    for m in re.find_iter(text) {
        if let Some(code) = codes.get(m.as_str())
            && !out.contains(code)
        {
            out.push(code);
        }
    }
    out
}

/// Titles before a name that make the named person a government official (foreign) or a
/// US official.
static GOV_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(?:President|Prime Minister|PM|Vice President|VP|(?:Deputy |Vice |State )?(?:Foreign |Defense |Defence |Interior |Justice |Finance |Economy |Trade |Energy |Health |Labor |Labour |Security |Transport |Agriculture |Education |Environment |Planning )?Minister(?: of [A-Z][a-z]+(?: [A-Z][a-z]+)?)?|FM|DefMin|FonMin|MFA [A-Z][a-z]+|Secretary[- ]General|Under ?[Ss]ecretary|Director(?: General)?|DG|Governor|Mayor|Senator|Deputy|MP|Congressman|Congresswoman|Speaker|Chancellor|King|Emir|Sultan|Prince|Sheikh|Judge|Justice|Prosecutor|Attorney General|General|Gen\.|Admiral|Colonel|Commissioner|Chairman|Chair|Spokesman|Spokesperson|Ambassador [A-Z][a-z]+ of)\s+((?:[A-Z][A-Za-z'’\-]+\s?){1,4})").unwrap()
});

/// A name followed by a government role: "Azimov, head of the Interagency Commission".
static APPOSITION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"((?:[A-Z][a-z'’\-]+ ){0,2}[A-Z][a-z'’\-]+), (?:the |an? |his |her |a senior )?(?:[A-Za-z/\-]+ ){0,4}?(?:head|chief|director|[Mm]inister|deputy|[Pp]resident|chairman|chair|spokes(?:man|woman|person)|secretary|governor|mayor|advis[eo]r|commissioner|prosecutor|judge|official|undersecretary|ambassador)(?-u:\b)").unwrap()
});

static US_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(?:Ambassador|Amb\.|Charge|CDA|DCM|A/S|DAS|Secretary|Deputy Secretary|Senator|Congressman|PolCouns|PolOff|Poloff|EconOff|Emboff|Consul General|Admiral|General|Under Secretary)\s+((?:[A-Z][A-Za-z'’\-]+\s?){1,3})").unwrap()
});

/// The people a cable introduces with a title, by surname: whether each is a foreign
/// government official or a US official. Built once per cable.
#[derive(Debug, Default, Clone)]
pub struct People {
    kinds: HashMap<String, ActorKind>,
}

impl People {
    pub fn from_text(text: &str, host_is_us_post: bool) -> People {
        let mut kinds = HashMap::new();
        let add = |names: &str, kind: ActorKind, kinds: &mut HashMap<String, ActorKind>| {
            for name in names.split_whitespace() {
                let name = name.trim_matches(|c: char| !c.is_alphanumeric());
                if name.len() >= 2
                    && name.chars().next().is_some_and(char::is_uppercase)
                    && !is_common_word(name)
                {
                    kinds.entry(name.to_string()).or_insert(kind);
                }
            }
        };
        // US titles first: "Ambassador Wood", "A/S Patterson" are ours.
        for c in US_TITLE.captures_iter(text) {
            let title = c.get(0).unwrap().as_str();
            // "Ambassador Guan" of China, "Senator Chadwick" of Chile: a US title only where
            // the cable gives no other country.
            let at = c.get(0).unwrap().start();
            let context = &text[crate::text::floor_boundary(text, at.saturating_sub(40))..at];
            let foreign = countries_in(context).iter().any(|c| *c != "US");
            if foreign || (title.starts_with("Senator") && !host_is_us_post) {
                continue;
            }
            add(&c[1], ActorKind::Us, &mut kinds);
        }
        for c in GOV_TITLE.captures_iter(text) {
            add(&c[1], ActorKind::Government, &mut kinds);
        }
        // "Abdurahmon Azimov, head of the Interagency Commission".
        for c in APPOSITION.captures_iter(text) {
            let apposition = c.get(0).map_or("", |m| m.as_str());
            if !cues::US_ACTOR.is_match(&apposition[c[1].len()..]) {
                add(&c[1], ActorKind::Government, &mut kinds);
            }
        }
        People { kinds }
    }

    /// The kind of a person named by surname (or full name) in an actor phrase.
    pub fn kind_of(&self, phrase: &str) -> Option<ActorKind> {
        phrase
            .split_whitespace()
            .rev()
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).trim_end_matches("'s"))
            .find_map(|w| self.kinds.get(w).copied())
    }
}

fn is_common_word(w: &str) -> bool {
    matches!(
        w,
        "The"
            | "And"
            | "For"
            | "Said"
            | "Told"
            | "That"
            | "This"
            | "His"
            | "Her"
            | "Their"
            | "Our"
            | "Affairs"
            | "Ministry"
            | "Minister"
            | "Office"
            | "Council"
            | "General"
            | "Deputy"
            | "Director"
            | "Foreign"
            | "Defense"
            | "Interior"
            | "Justice"
            | "National"
            | "Security"
            | "Government"
            | "Embassy"
            | "Committee"
            | "Commission"
            | "Party"
            | "Republic"
    )
}

/// The kind of an actor phrase.
pub fn kind_of(phrase: &str, people: &People) -> ActorKind {
    let p = phrase.trim();
    if p.is_empty() {
        return ActorKind::Unknown;
    }
    let first = p.split_whitespace().next().unwrap_or("").to_ascii_lowercase();
    if matches!(first.as_str(), "we" | "our" | "us") {
        return ActorKind::Us;
    }
    // Third parties first: "the opposition party", "IOM", "the Nuba Forum".
    let third = cues::THIRD_PARTY.find(p);
    let us = cues::US_ACTOR.find(p);
    let gov = cues::GOV_ACTOR.find(p);
    let country = !countries_in(p).is_empty();
    match (us, gov, third) {
        (Some(u), g, t)
            if g.is_none_or(|g| u.start() <= g.start())
                && t.is_none_or(|t| u.start() <= t.start()) =>
        {
            // "U.S. and Colombian officials": both; "Embassy Berlin" is ours.
            if g.is_some() && country && !p.contains("Embassy") {
                return ActorKind::Government;
            }
            return ActorKind::Us;
        }
        (_, Some(g), Some(t)) if t.start() < g.start() => return ActorKind::ThirdParty,
        (_, Some(_), _) => return ActorKind::Government,
        (_, None, Some(_)) => return ActorKind::ThirdParty,
        _ => {}
    }
    if let Some(kind) = people.kind_of(p) {
        return kind;
    }
    if country {
        return ActorKind::Government;
    }
    ActorKind::Unknown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_of_actor_phrases() {
        let people = People::from_text(
            "Vice Minister of Defense Juan Carlos Pinzon met Ambassador Wood and A/S Patterson.",
            false,
        );
        let k = |p: &str| kind_of(p, &people);
        assert_eq!(k("the interagency commission"), ActorKind::Government);
        assert_eq!(k("Post"), ActorKind::Us);
        assert_eq!(k("we"), ActorKind::Us);
        assert_eq!(k("IOM"), ActorKind::ThirdParty);
        assert_eq!(k("the opposition party"), ActorKind::ThirdParty);
        assert_eq!(k("Pinzon"), ActorKind::Government);
        assert_eq!(k("Wood"), ActorKind::Us);
        assert_eq!(k("the Icelanders"), ActorKind::Government);
        assert_eq!(k("Smith"), ActorKind::Unknown);
    }

    #[test]
    fn countries_by_name_and_adjective() {
        assert_eq!(countries_in("the Chinese Embassy Commercial Minister"), ["CH"]);
        assert_eq!(countries_in("Slovenian PermRep said Kosovo"), ["SI", "KV"]);
        assert_eq!(countries_in("HMT officials"), ["UK"]);
        assert_eq!(countries_in("The UK plans to"), ["UK"]);
        assert_eq!(countries_in("the U.K. and Bangladesh"), ["UK", "BG"]);
        assert!(countries_in("the ministry").is_empty());
        for shared in ["the GOE", "the GOL", "the GOA", "the SAG"] {
            assert!(countries_in(shared).is_empty(), "{shared}");
        }
    }
}
