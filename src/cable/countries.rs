//! Country tags: the two-letter codes in a cable's TAGS line.
//!
//! The State Department tags countries with its own codes, derived from FIPS 10-4, not ISO
//! 3166: `TI` is Tajikistan, `CS` Costa Rica, `IC` Iceland, `UK` the United Kingdom, `GM`
//! Germany, `BA` Bahrain. A few codes that drafters used although the table does not assign
//! them (`RU`, `VZ`, `YE`) are read as the country they unambiguously meant; regional tags
//! (`XF`, `XM`, ...) are not countries.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Country {
    pub code: &'static str,
    pub name: &'static str,
}

/// The country tag table: (code, name), sorted by code.
pub const COUNTRIES: &[(&str, &str)] = &[
    ("AA", "Aruba"),
    ("AC", "Antigua and Barbuda"),
    ("AE", "United Arab Emirates"),
    ("AF", "Afghanistan"),
    ("AG", "Algeria"),
    ("AJ", "Azerbaijan"),
    ("AL", "Albania"),
    ("AM", "Armenia"),
    ("AN", "Andorra"),
    ("AO", "Angola"),
    ("AQ", "American Samoa"),
    ("AR", "Argentina"),
    ("AS", "Australia"),
    ("AU", "Austria"),
    ("AV", "Anguilla"),
    ("AY", "Antarctica"),
    ("BA", "Bahrain"),
    ("BB", "Barbados"),
    ("BC", "Botswana"),
    ("BD", "Bermuda"),
    ("BE", "Belgium"),
    ("BF", "Bahamas"),
    ("BG", "Bangladesh"),
    ("BH", "Belize"),
    ("BK", "Bosnia and Herzegovina"),
    ("BL", "Bolivia"),
    ("BM", "Burma"),
    ("BN", "Benin"),
    ("BO", "Belarus"),
    ("BP", "Solomon Islands"),
    ("BR", "Brazil"),
    ("BT", "Bhutan"),
    ("BU", "Bulgaria"),
    ("BX", "Brunei"),
    ("BY", "Burundi"),
    ("CA", "Canada"),
    ("CB", "Cambodia"),
    ("CD", "Chad"),
    ("CE", "Sri Lanka"),
    ("CF", "Republic of the Congo"),
    ("CG", "Democratic Republic of the Congo"),
    ("CH", "China"),
    ("CI", "Chile"),
    ("CJ", "Cayman Islands"),
    ("CK", "Cocos (Keeling) Islands"),
    ("CM", "Cameroon"),
    ("CN", "Comoros"),
    ("CO", "Colombia"),
    ("CQ", "Northern Mariana Islands"),
    ("CS", "Costa Rica"),
    ("CT", "Central African Republic"),
    ("CU", "Cuba"),
    ("CV", "Cape Verde"),
    ("CW", "Cook Islands"),
    ("CY", "Cyprus"),
    ("DA", "Denmark"),
    ("DJ", "Djibouti"),
    ("DK", "Denmark"),
    ("DO", "Dominica"),
    ("DR", "Dominican Republic"),
    ("EC", "Ecuador"),
    ("EG", "Egypt"),
    ("EI", "Ireland"),
    ("EK", "Equatorial Guinea"),
    ("EN", "Estonia"),
    ("ER", "Eritrea"),
    ("ES", "El Salvador"),
    ("ET", "Ethiopia"),
    ("EZ", "Czech Republic"),
    ("FG", "French Guiana"),
    ("FI", "Finland"),
    ("FJ", "Fiji"),
    ("FK", "Falkland Islands"),
    ("FM", "Micronesia"),
    ("FO", "Faroe Islands"),
    ("FP", "French Polynesia"),
    ("FR", "France"),
    ("GA", "The Gambia"),
    ("GB", "Gabon"),
    ("GG", "Georgia"),
    ("GH", "Ghana"),
    ("GI", "Gibraltar"),
    ("GJ", "Grenada"),
    ("GL", "Greenland"),
    ("GM", "Germany"),
    ("GP", "Guadeloupe"),
    ("GQ", "Guam"),
    ("GR", "Greece"),
    ("GT", "Guatemala"),
    ("GV", "Guinea"),
    ("GY", "Guyana"),
    ("GZ", "Gaza Strip"),
    ("HA", "Haiti"),
    ("HK", "Hong Kong"),
    ("HO", "Honduras"),
    ("HR", "Croatia"),
    ("HU", "Hungary"),
    ("IC", "Iceland"),
    ("ID", "Indonesia"),
    ("IN", "India"),
    ("IO", "British Indian Ocean Territory"),
    ("IR", "Iran"),
    ("IS", "Israel"),
    ("IT", "Italy"),
    ("IV", "Cote d'Ivoire"),
    ("IZ", "Iraq"),
    ("JA", "Japan"),
    ("JM", "Jamaica"),
    ("JO", "Jordan"),
    ("KE", "Kenya"),
    ("KG", "Kyrgyzstan"),
    ("KN", "North Korea"),
    ("KR", "Kiribati"),
    ("KS", "South Korea"),
    ("KU", "Kuwait"),
    ("KV", "Kosovo"),
    ("KZ", "Kazakhstan"),
    ("LA", "Laos"),
    ("LE", "Lebanon"),
    ("LG", "Latvia"),
    ("LH", "Lithuania"),
    ("LI", "Liberia"),
    ("LO", "Slovakia"),
    ("LS", "Liechtenstein"),
    ("LT", "Lesotho"),
    ("LU", "Luxembourg"),
    ("LY", "Libya"),
    ("MA", "Madagascar"),
    ("MC", "Macau"),
    ("MD", "Moldova"),
    ("MG", "Mongolia"),
    ("MH", "Montserrat"),
    ("MI", "Malawi"),
    ("MJ", "Montenegro"),
    ("MK", "Macedonia"),
    ("ML", "Mali"),
    ("MN", "Monaco"),
    ("MO", "Morocco"),
    ("MP", "Mauritius"),
    ("MR", "Mauritania"),
    ("MT", "Malta"),
    ("MU", "Oman"),
    ("MV", "Maldives"),
    ("MW", "Montenegro"),
    ("MX", "Mexico"),
    ("MY", "Malaysia"),
    ("MZ", "Mozambique"),
    ("NC", "New Caledonia"),
    ("NG", "Niger"),
    ("NH", "Vanuatu"),
    ("NI", "Nigeria"),
    ("NL", "Netherlands"),
    ("NO", "Norway"),
    ("NP", "Nepal"),
    ("NR", "Nauru"),
    ("NS", "Suriname"),
    ("NT", "Netherlands Antilles"),
    ("NU", "Nicaragua"),
    ("NZ", "New Zealand"),
    ("PA", "Paraguay"),
    ("PE", "Peru"),
    ("PK", "Pakistan"),
    ("PL", "Poland"),
    ("PM", "Panama"),
    ("PO", "Portugal"),
    ("PP", "Papua New Guinea"),
    ("PS", "Palau"),
    ("PU", "Guinea-Bissau"),
    ("QA", "Qatar"),
    ("RE", "Reunion"),
    ("RI", "Serbia"),
    ("RM", "Marshall Islands"),
    ("RO", "Romania"),
    ("RP", "Philippines"),
    ("RQ", "Puerto Rico"),
    ("RS", "Russia"),
    ("RU", "Russia"),
    ("RW", "Rwanda"),
    ("SA", "Saudi Arabia"),
    ("SC", "Saint Kitts and Nevis"),
    ("SE", "Seychelles"),
    ("SF", "South Africa"),
    ("SG", "Senegal"),
    ("SI", "Slovenia"),
    ("SL", "Sierra Leone"),
    ("SM", "San Marino"),
    ("SN", "Singapore"),
    ("SO", "Somalia"),
    ("SP", "Spain"),
    ("SR", "Serbia"),
    ("ST", "Saint Lucia"),
    ("SU", "Sudan"),
    ("SW", "Sweden"),
    ("SY", "Syria"),
    ("SZ", "Switzerland"),
    ("TD", "Trinidad and Tobago"),
    ("TH", "Thailand"),
    ("TI", "Tajikistan"),
    ("TK", "Turks and Caicos Islands"),
    ("TN", "Tonga"),
    ("TO", "Togo"),
    ("TP", "Sao Tome and Principe"),
    ("TS", "Tunisia"),
    ("TT", "Timor-Leste"),
    ("TU", "Turkey"),
    ("TV", "Tuvalu"),
    ("TW", "Taiwan"),
    ("TX", "Turkmenistan"),
    ("TZ", "Tanzania"),
    ("UG", "Uganda"),
    ("UK", "United Kingdom"),
    ("UP", "Ukraine"),
    ("US", "United States"),
    ("UV", "Burkina Faso"),
    ("UY", "Uruguay"),
    ("UZ", "Uzbekistan"),
    ("VC", "Saint Vincent and the Grenadines"),
    ("VE", "Venezuela"),
    ("VI", "British Virgin Islands"),
    ("VM", "Vietnam"),
    ("VQ", "U.S. Virgin Islands"),
    ("VT", "Holy See"),
    ("VZ", "Venezuela"),
    ("WA", "Namibia"),
    ("WE", "West Bank"),
    ("WI", "Western Sahara"),
    ("WS", "Samoa"),
    ("WZ", "Swaziland"),
    ("YE", "Yemen"),
    ("YI", "Serbia and Montenegro"),
    ("YM", "Yemen"),
    ("ZA", "Zambia"),
    ("ZI", "Zimbabwe"),
];

/// The country a tag code names, if it is a country code.
pub fn lookup(code: &str) -> Option<Country> {
    COUNTRIES
        .binary_search_by(|(c, _)| (*c).cmp(code))
        .ok()
        .map(|i| Country { code: COUNTRIES[i].0, name: COUNTRIES[i].1 })
}

/// The name of a country code, for display.
pub fn name(code: &str) -> Option<&'static str> {
    lookup(code).map(|c| c.name)
}

/// Countries among a cable's tags, in tag order, without repeats.
pub fn from_tags(tags: &[String]) -> Vec<Country> {
    let mut out: Vec<Country> = Vec::new();
    for tag in tags {
        if let Some(country) = lookup(tag)
            && !out.iter().any(|c| c.code == country.code)
        {
            out.push(country);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_for_binary_search() {
        assert!(COUNTRIES.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn state_department_codes_not_iso() {
        assert_eq!(name("TI"), Some("Tajikistan"));
        assert_eq!(name("CS"), Some("Costa Rica"));
        assert_eq!(name("IC"), Some("Iceland"));
        assert_eq!(name("UK"), Some("United Kingdom"));
        assert_eq!(name("BA"), Some("Bahrain"));
        assert_eq!(name("GM"), Some("Germany"));
        assert_eq!(name("PREL"), None);
        assert_eq!(name("XF"), None);
    }

    #[test]
    fn countries_come_from_tags_in_order() {
        let tags: Vec<String> = ["PREL", "PHUM", "TI", "KCRM", "UK", "TI"].map(String::from).into();
        let codes: Vec<&str> = from_tags(&tags).iter().map(|c| c.code).collect();
        assert_eq!(codes, ["TI", "UK"]);
    }
}
