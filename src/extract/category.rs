//! The GUIDELINE's categories, from the words of the commitment.

use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Legislation,
    Institution,
    Funding,
    Enforcement,
    Policy,
    Agreement,
    Information,
    Deployment,
    Other,
}

impl Category {
    pub const ALL: [Category; 9] = [
        Category::Legislation,
        Category::Institution,
        Category::Funding,
        Category::Enforcement,
        Category::Policy,
        Category::Agreement,
        Category::Information,
        Category::Deployment,
        Category::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Legislation => "legislation",
            Category::Institution => "institution",
            Category::Funding => "funding",
            Category::Enforcement => "enforcement",
            Category::Policy => "policy",
            Category::Agreement => "agreement",
            Category::Information => "information",
            Category::Deployment => "deployment",
            Category::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s.trim())
    }
}

fn re(p: &str) -> Regex {
    Regex::new(p).expect("category pattern compiles")
}

/// Checked in order; the first family whose words appear after the commitment cue wins,
/// then the first anywhere in the sentence.
static RULES: LazyLock<Vec<(Category, Regex)>> = LazyLock::new(|| {
    vec![
        (
            Category::Legislation,
            re(
                r"(?i)(?-u:\b)(?:laws?|legislation|bills?|amendments?|amend|decrees?|draft (?:code|regulations?)|regulations?|constitution(?:al)?|statutes?|ordinance|pass(?:ed)? (?:it|the)|parliament(?:ary)? (?:approval|vote)|ratif(?:y|ication)|enact(?:ed|ment)?)(?-u:\b)",
            ),
        ),
        (
            Category::Deployment,
            re(
                r"(?i)(?-u:\b)(?:deploy(?:s|ed|ing|ment)?|troops|soldiers|battalions?|platoons?|contingent|forces? (?:to|in|will)|peacekeep(?:ers|ing)|staffed by|personnel|police officers|gendarmes|send (?:troops|forces|police))(?-u:\b)",
            ),
        ),
        (
            Category::Institution,
            re(
                r"(?i)(?-u:\b)(?:shelters?|commissions?|committees?|councils?|units?|task force|agency|office|center|centre|facilit(?:y|ies)|institutions?|bod(?:y|ies)|secretariat|ombudsman|tribunal|court|academy|school|hospital|embassy|consulate|set up|establish(?:es|ed|ing|ment)?|creat(?:e|es|ed|ion)|appoint)(?-u:\b)",
            ),
        ),
        (
            Category::Enforcement,
            re(
                r"(?i)(?-u:\b)(?:investigat(?:e|es|ed|ion|ions)|prosecut(?:e|es|ed|ion|ors?)|arrests?|arrest(?:ed|ing)|extradit(?:e|ion)|charges?|indict(?:ed|ment)?|convict(?:ed|ion)?|impunity|punish|crack ?down|seiz(?:e|ure)|raids?|capture|detain|try (?:the|him|them)|court cases?|sanction(?:s|ing)?|prohibit|ban (?:on|the))(?-u:\b)",
            ),
        ),
        (
            Category::Funding,
            re(
                r"(?i)(?-u:\b)(?:fund(?:s|ing|ed)?|financ(?:e|es|ed|ing)|budget(?:s|ed)?|pay(?:s|ment|ments)?|contribut(?:e|es|ion|ions)|grants?|donat(?:e|ion)|allocat(?:e|es|ion)|invest(?:s|ment)?|loans?|aid|reparations|\$|USD|million|billion|dollars|euros)(?-u:\b)",
            ),
        ),
        (
            Category::Agreement,
            re(
                r"(?i)(?-u:\b)(?:agreements?|treat(?:y|ies)|accords?|memorand(?:um|a)|MOUs?|conventions?|protocol|sign(?:s|ed|ing)?|negotiat(?:e|ion|ions)|cooperat(?:e|ion)|joint|bilateral|deal|counter-?proposal)(?-u:\b)",
            ),
        ),
        (
            Category::Information,
            re(
                r"(?i)(?-u:\b)(?:reports?|inform|information|data|shar(?:e|ing)|provide (?:the embassy|post|us|details|a copy|copies|a list|drafts?)|send|respon(?:d|se)|statement|publish|brief|list|details|documents?|letter|reply|report back|transmit|notify|drafts?)(?-u:\b)",
            ),
        ),
        (
            Category::Policy,
            re(
                r"(?i)(?-u:\b)(?:plans?|programm?e?s?|reforms?|strateg(?:y|ies)|polic(?:y|ies)|action plan|initiative|measures?|project|campaign|priority|tax|tariffs?|offering|decision|review|elections?|referendum)(?-u:\b)",
            ),
        ),
    ]
});

/// The category of a commitment sentence; `from` is where its cue starts (the words after
/// it say what is promised).
pub fn classify(sentence: &str, from: usize) -> Category {
    let mut from = from.min(sentence.len());
    while !sentence.is_char_boundary(from) {
        from -= 1;
    }
    let after = &sentence[from..];
    for (category, rule) in RULES.iter() {
        if rule.is_match(after) {
            return *category;
        }
    }
    for (category, rule) in RULES.iter() {
        if rule.is_match(sentence) {
            return *category;
        }
    }
    Category::Other
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_from_the_promised_object() {
        let c = |s: &str| classify(s, 0);
        assert_eq!(
            c("expects parliament will pass the draft amendments soon"),
            Category::Legislation
        );
        assert_eq!(
            c("mandate the government finance and set up an additional five shelters"),
            Category::Institution
        );
        assert_eq!(
            c("would make the utmost effort to capture and prosecute the murderers"),
            Category::Enforcement
        );
        assert_eq!(c("the GoJ will contribute 20 million dollars"), Category::Funding);
        assert_eq!(c("will deploy a mechanized battalion of 600 troops"), Category::Deployment);
        assert_eq!(c("agreed to form a new investigative commission"), Category::Institution);
        assert_eq!(
            c("prosecutors will open an additional corruption investigation"),
            Category::Enforcement
        );
        assert_eq!(c("a detailed budget matrix would be shared soon"), Category::Funding);
        assert_eq!(c("would present a counter-proposal within a week"), Category::Agreement);
        assert_eq!(c("would speed up its land reform projects"), Category::Policy);
        assert_eq!(c("will do something"), Category::Other);
    }
}
