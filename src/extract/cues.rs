//! Word lists and patterns the extractor reads sentences with: forward-looking cues,
//! reporting verbs, who is speaking or acting (US, foreign government, third party), and
//! the signs of look-alikes (past, forecast, hypothetical, refusal, schedule).
//!
//! Patterns use ASCII word boundaries (`(?-u:\b)`): Unicode boundaries force the regex
//! engine onto its slow path.

use std::sync::LazyLock;

use regex::Regex;

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("extractor pattern compiles")
}

/// Any forward-looking cue at all: the prefilter. A sentence without one is not a
/// commitment and costs no more than this scan.
pub static ANY_CUE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?-u:\b)(?:will|would|shall|wo(?-u:\b)n't|'ll|plan(?:s|ned|ning)?|intend(?:s|ed)?|intention|expect(?:s|ed)?|pledg(?:e|es|ed)|promis(?:e|es|ed)|commit(?:s|ted|ment)?|agree(?:s|d)?|vow(?:s|ed)?|undert(?:ake|akes|ook)|is to|are to|was to|were to|aim(?:s|ed)?|goal|seek(?:s|ing)?|hop(?:e|es|ed|ing)|draft(?:ed|ing|s)?|going to|prepared to|ready to|set to|scheduled|due to|to be (?:set up|established|created)|upcoming|forthcoming|next (?:week|month|year)|soon|by the end|assur(?:e|ed|ances?)|guarantee(?:d)?|decided to|beginning to|being deployed|mandat(?:e|es|ed))(?-u:\b)",
    )
});

/// Cue families, each a feature: (feature name, pattern). The features module matches
/// them together with the other anywhere-in-the-sentence patterns.
pub const CUES: &[(&str, &str)] = &[
    ("cue_will", r"(?i)(?-u:\b)(?:will|shall|'ll)(?-u:\b)"),
    ("cue_would", r"(?i)(?-u:\b)would(?-u:\b)"),
    (
        "cue_promise",
        r"(?i)(?-u:\b)(?:pledg(?:e|es|ed)|promis(?:e|es|ed)|vow(?:s|ed)?|undert(?:ake|akes|ook)|committed (?:to|that|itself)|commitment to|assur(?:ed|ances?)|guarantee(?:d|s)?)(?-u:\b)",
    ),
    ("cue_agree", r"(?i)(?-u:\b)agree(?:s|d)? (?:to|that)(?-u:\b)"),
    (
        "cue_plan",
        r"(?i)(?-u:\b)(?:plan(?:s|ned|ning)?|intend(?:s|ed)?|intention|aim(?:s|ed)?|goal|seek(?:s|ing)?|decided|preparing) to(?-u:\b)",
    ),
    ("cue_expect", r"(?i)(?-u:\b)expect(?:s|ed)?(?-u:\b)"),
    (
        "cue_is_to",
        r"(?i)(?-u:\b)(?:is|are|was|were) (?:to|due to|set to|scheduled to|expected to|going to|about to) (?:be )?[a-z]+",
    ),
    ("cue_hope", r"(?i)(?-u:\b)hop(?:e|es|ed|ing) to(?-u:\b)"),
    (
        "cue_draft",
        r"(?i)(?-u:\b)(?:draft(?:ed|ing|s)? (?:law|bill|legislation|amendments?|decree|regulations?|code)|bill|amendments?)(?-u:\b)",
    ),
    (
        "cue_ongoing",
        r"(?i)(?-u:\b)(?:is|are|was|were) (?:now )?(?:being [a-z]+ed|beginning to|working to|preparing|drafting|setting up|establishing|creating|building|developing|moving to)(?-u:\b)",
    ),
    (
        "cue_mandate",
        r"(?i)(?-u:\b)(?:mandat(?:e|es|ed)|provisions? (?:that|to|for)|will include|requir(?:e|es|ed) the government)(?-u:\b)",
    ),
    (
        "cue_time",
        r"(?i)(?-u:\b)(?:soon|shortly|next (?:week|month|year|session)|by the end of|in the coming|later this (?:week|month|year)|within (?:the next )?(?:a|one|two|three|\d+) (?:days?|weeks?|months?|years?)|by (?:january|february|march|april|may|june|july|august|september|october|november|december|mid|early|late|\d{4}))(?-u:\b)",
    ),
];

/// Reporting verbs: someone else's words, whose speaker may be the committed actor.
pub static REPORTING: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?-u:\b)(?:said|says|told|tell|tells|informed|stated|states|announced|announces|explained|noted|notes|confirmed|confirms|added|adds|indicated|indicates|assured|assures|stressed|emphasized|reported|reports|insisted|claimed|argued|asserted|according to|declared|replied|responded|underscored|affirmed|acknowledged|revealed|promised|pledged|vowed|committed)(?-u:\b)",
    )
});

/// The US as speaker or actor: the Embassy, Post, "we", US officials and agencies.
pub static US_ACTOR: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?-u:\b)(?:[Ww]e|[Oo]ur|[Uu]s|Post|Mission|Embassy|[Ee]mbassy(?: [A-Z][a-z]+)?|USG|U\.S\.(?: [Gg]overnment| officials?| side| team| delegation| Congress| Treasury)?|US [Gg]overnment|United States|Washington|the Department(?:'s)?(?: [a-z]|[,.;])|State Department|Department of State|Secretary (?:Clinton|Rice|Powell|Gates|Geithner|Paulson|Chertoff|Napolitano|of State|of Defense)|A/S|DAS|Ambassador|Amb|Charge|CDA|DCM|PolOff|Poloffs?|PolCouns|EconOff|Econoff|EmbOff|Emboffs?|PolEconOff|ConGen|Consul General|USAID|DHS|DOJ|FBI|DEA|DOD|DoD|Treasury Department|USTR|CODEL|Codel|Admiral Mullen|General Petraeus|U\.S\. Army|USEUCOM|AFRICOM|SOUTHCOM|CENTCOM|NSC|White House|President (?:Bush|Obama)|POTUS|Deputy Secretary (?:Steinberg|Negroponte|Lew))(?-u:\b)",
    )
});

/// A foreign government or part of one.
pub static GOV_ACTOR: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?-u:\b)(?:GO[A-Z]{1,3}|HMG|SAG|RGC|PRC|MFA|MOI|MOJ|MOD|MOF|MOH|MOE|FM|PM|DPM|FonMin|DefMin|MinDef|MinFin|MinInt|[Gg]overnment|[Gg]ov't|[Mm]inist(?:er|ry|ries|ers)|[Pp]resident|[Pp]rime [Mm]inister|[Pp]arliament(?:ary)?|[Cc]ongress|[Aa]ssembly|[Ss]enate|[Cc]abinet|[Cc]ommission|[Cc]ouncil|[Aa]uthorit(?:y|ies)|[Pp]olice|[Aa]rmy|[Mm]ilitary|[Aa]rmed [Ff]orces|[Ff]orces|[Cc]ourts?|[Jj]udge|[Pp]rosecutors?|[Aa]ttorney [Gg]eneral|[Gg]overnor|[Mm]ayor|[Mm]unicipal(?:ity)?|[Aa]gency|[Oo]fficials?|[Ss]tate [Ss]ecretary|[Dd]eputy|[Dd]irector(?: [Gg]eneral)?|[Kk]ing|[Cc]rown [Pp]rince|[Ee]mir|[Ss]ultan|[Ss]heikh|[Cc]hancellor|[Cc]hancellery|[Rr]egime|[Aa]dministration|[Kk]remlin|[Bb]undestag|[Kk]nesset|[Dd]uma|[Mm]ajlis|Shura|[Ss]peaker|[Ll]egislat(?:ure|ors?)|[Gg]endarmerie|[Cc]ustoms|[Cc]entral [Bb]ank|[Tt]reasury|[Ii]nteragency|[Nn]ational [A-Z][a-z]+|[Ss]tate [Cc]ommittee|[Dd]elegation|DG|[Hh]ead of|[Cc]hief of|PermReps?|Permanent Representative|[Ss]pokes(?:man|woman|person)|[Cc]ommander|Foreign Secretary|Home Secretary|Permanent Secretary|[Vv]ice [Mm]inister|[Uu]nder ?[Ss]ecretary|GoJ|GoI|GoB|GoE|GoA|GoC|GoM|GoP|GoT|GoS|HMT|FCO|Foreign Office|MOEA|MOFA|MFA|MOD)(?-u:\b)",
    )
});

/// Actors that are neither the US nor a government: parties, NGOs, international bodies,
/// companies.
pub static THIRD_PARTY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?-u:\b)(?:[Oo]pposition|[Pp]art(?:y|ies)|[Cc]andidates?|NGOs?|[Nn]on-?governmental|IOM|UNHCR|UNICEF|UNDP|UNODC|WHO|IAEA|IMF|World Bank|UN|U\.N\.|United Nations|EU|European (?:Union|Commission)|NATO|OSCE|Red Cross|ICRC|[Cc]ompan(?:y|ies)|[Ff]irms?|[Cc]orporation|[Bb]ank(?:s)?|[Ii]nvestors?|[Uu]nions?|[Aa]ssociation|[Cc]hurch|[Aa]ctivists?|[Rr]ebels?|[Ii]nsurgents?|FARC|ELN|Hizballah|Hezbollah|Hamas|Taliban|[Mm]ilitias?|[Jj]ournalists?|[Mm]edia|[Pp]ress|[Aa]nalysts?|[Cc]ommentators?|[Ee]xperts?|[Tt]hink[- ]tank|[Pp]oll(?:s|sters?)?|[Cc]ontacts?|[Ss]ources?|[Ff]oundation|[Ii]nstitute|[Uu]niversity|[Ss]tudents?|[Pp]rotesters?|[Dd]emonstrators?|MDC|ZANU|PRD|PAN|PRI|PT|PSDB|PSOE|PP|CSU|CDU|SPD|FDP|Labour|Tor(?:y|ies)|Conservatives?|Democrats?|Republicans?)(?-u:\b)",
    )
});

/// Signs of the reporting officer's own forecast or judgement.
pub static FORECAST: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?-u:\b)(?:likely|unlikely|probably|possibly|perhaps|in all likelihood|appears? to|seems? to|we (?:expect|anticipate|believe|assess|think|judge|suspect|doubt)|we do not expect|it is (?:likely|unlikely|possible|probable|doubtful)|could|might|may well|predict(?:s|ed)?|forecast(?:s|ed)?|odds|chances|speculat(?:e|es|ed|ion))(?-u:\b)",
    )
});

/// Unreal or conditional framing.
pub static HYPOTHETICAL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?-u:\b)(?:if|unless|whether|in case|in the event|should the|were (?:it|they|the)|otherwise|would be willing|would consider|would like|would prefer|could|might)(?-u:\b)",
    )
});

/// An asserted condition that keeps a commitment a commitment: "once parliament approves".
pub static CONDITION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?-u:\b)(?:once|as soon as|provided (?:that)?|subject to|on condition|pending|after (?:the )?[a-z]+ (?:is|are|has been|have been) (?:approved|passed|signed|ratified|completed)|when (?:the )?[a-z ]{0,30}(?:approves|passes|signs|ratifies|is approved|is passed)|if)(?-u:\b)",
    )
});

/// Refusal, inability or a missed deadline.
pub static REFUSAL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?-u:\b)(?:will not|would not|won't|wouldn't|shall not|cannot|can't|could not|refus(?:e|es|ed)|declin(?:e|es|ed) to|unable to|not (?:be )?able to|no (?:plans?|intention)|not (?:plan|intend|expect)|has yet to|have yet to|will miss|not meet|never)(?-u:\b)",
    )
});

/// Continuing an existing activity rather than a new undertaking.
pub static CONTINUATION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?-u:\b)(?:continu(?:e|es|ed|ing) to|continu(?:e|es|ed|ing) (?:its|their|his|her)|remain(?:s|ed)? committed|keep(?:s)? (?:up|working))(?-u:\b)",
    )
});

/// A trip, visit, meeting or speech: a schedule, not an undertaking.
pub static SCHEDULE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?-u:\b)(?:visit(?:s|ed|ing)?|trip|travel(?:s|ling|ing)?|arriv(?:e|es|al)|depart(?:s|ure)?|attend(?:s)?|meet(?:s|ing)? with|meeting|speech|address the|headed to|heading to|fly|flying|tour|summit|conference|hold talks)(?-u:\b)",
    )
});

/// Things one could later report done, delayed or dropped.
pub static CHECKABLE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?-u:\b)(?:laws?|bills?|legislation|amendments?|decrees?|regulations?|code|constitution|shelters?|committees?|commissions?|council|units?|office|center|centre|facility|facilities|agency|body|fund(?:s|ing)?|budget|financ(?:e|ing)|pay(?:ment)?|\$|million|billion|investigat(?:e|ion|ions)|prosecut(?:e|ion)|arrest(?:s)?|extradit(?:e|ion)|charges?|trials?|reports?|statement|response|drafts?|information|data|list|plans?|programm?e?s?|reforms?|strategy|agreements?|treaty|memorandum|MOU|accord|conventions?|protocol|elections?|referendum|vote|troops|forces|deploy(?:ed|ment)?|personnel|staff|contingent|soldiers|police officers|tax(?:es)?|tariffs?|ban|licen[cs]es?|visas?|permits?|release|pardon|compensation|investment|contracts?|tender|purchase|equipment|aircraft|vessels?)(?-u:\b)",
    )
});

/// Past, completed action markers.
pub static PAST: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?-u:\b)(?:has|have|had) (?:already |recently |now |just )?(?:been )?[a-z]+(?:ed|en|t)(?-u:\b)|(?-u:\b)(?:already|last (?:week|month|year)|yesterday|earlier this|ago|in (?:19|20)\d\d(?-u:\b))",
    )
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefilter_catches_cues_and_skips_plain_sentences() {
        assert!(ANY_CUE.is_match("He expects parliament will pass it soon."));
        assert!(ANY_CUE.is_match("The ministry pledged to open five shelters."));
        assert!(!ANY_CUE.is_match("The ministry opened five shelters in 2006."));
    }

    #[test]
    fn actor_patterns() {
        assert!(US_ACTOR.is_match("Post will also host a roundtable"));
        assert!(US_ACTOR.is_match("PolOff delivered the report"));
        assert!(GOV_ACTOR.is_match("the GOB will act"));
        assert!(GOV_ACTOR.is_match("the interagency commission"));
        assert!(THIRD_PARTY.is_match("IOM will also apply for a grant"));
    }

    #[test]
    fn cue_families_line_up_with_their_names() {
        let set = regex::RegexSet::new(CUES.iter().map(|(_, p)| *p)).unwrap();
        let hits: Vec<&str> = set
            .matches("Azimov said the law will include specific points.")
            .iter()
            .map(|i| CUES[i].0)
            .collect();
        assert!(hits.contains(&"cue_will") && hits.contains(&"cue_mandate"), "{hits:?}");
    }
}
