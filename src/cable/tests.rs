//! One test per header style and failure mode. The texts are written for these tests in the
//! layouts of the real releases (the corpus itself is never copied in), except the seed
//! cable 07DUSHANBE1057, which the project ships as demo data.

use super::*;

const DUSHANBE: &str = include_str!("../../demo/cables/07DUSHANBE1057.txt");

#[test]
fn full_routing_header_seed_cable() {
    let c = parse(DUSHANBE, None).unwrap();
    assert_eq!(c.canonical_id, "07DUSHANBE1057");
    assert_eq!(c.id_source, IdSource::Header);
    assert_eq!(c.format, Format::RoutingFull);
    assert_eq!(c.sent_at.unwrap().to_string(), "2007-07-11 13:20:00.0 +00:00:00");
    assert_eq!(c.origin.as_deref(), Some("AMEMBASSY DUSHANBE"));
    assert_eq!(c.post.as_deref(), Some("DUSHANBE"));
    assert_eq!(c.classification.as_deref(), Some("UNCLASSIFIED"));
    assert_eq!(c.tags, ["PREL", "PHUM", "TI"]);
    assert_eq!(c.countries[0].name, "Tajikistan");
    assert_eq!(c.subject.as_deref(), Some("TAJIKISTAN PROMISES CONTINUED ANTI-TIP REFORMS"));
    assert_eq!(c.recipients.len(), 1);
    assert_eq!(c.recipients[0].route.as_deref(), Some("RUEHC"));
    assert_eq!(c.recipients[0].mcn.as_deref(), Some("0650"));
    assert_eq!(c.info_recipients.len(), 5);
    assert_eq!(c.info_recipients[1].name, "USMISSION USUN NEW YORK");
    let numbers: Vec<&str> = c.paragraphs.iter().map(|p| p.number.as_str()).collect();
    assert_eq!(numbers, ["1", "2", "3", "4"]);
    assert!(c.paragraphs.iter().all(|p| p.marking.is_some()));
    let p2 = &c.paragraphs[1];
    assert!(c.body[p2.text_start..p2.end].starts_with("Azimov thanked PolOff"));
    assert!(c.body[p2.text_start..p2.end].ends_with("trafficking in persons."));
    assert!(c.body.starts_with("UNCLAS DUSHANBE 001057"));
    assert!(c.header.starts_with("VZCZCXRO9435"));
}

const SANITIZED: &str = "VZCZCXYZ0000
RR RUEHWEB

DE RUEHRK #0123/01 0451210
ZNY CCCCC ZZH
R 141210Z FEB 08
FM AMEMBASSY REYKJAVIK
TO RUEHC/SECSTATE WASHDC 3900
INFO RUEHNO/USMISSION USNATO 0401

C O N F I D E N T I A L SECTION 01 OF 02 REYKJAVIK 000123

SIPDIS

E.O. 12958: DECL: 02/14/2018
TAGS: PREL, KTIP, IC
SUBJECT: ICELAND: MINISTRY PLEDGES TRAFFICKING ACTION PLAN
BY SPRING

REF: A. REYKJAVIK 36 B. 07 STATE 74879

Classified By: Ambassador for reasons 1.4 (b) and (d)

1. (C) The Ministry of Justice told PolOff it will publish the plan in March.

2. (SBU) Comment: Post will follow up. End comment.
";

#[test]
fn sanitized_routing_header() {
    let c = parse(SANITIZED, None).unwrap();
    assert_eq!(c.canonical_id, "08REYKJAVIK123");
    assert_eq!(c.format, Format::RoutingSanitized);
    assert_eq!(c.classification.as_deref(), Some("CONFIDENTIAL"));
    assert_eq!(c.tags, ["PREL", "KTIP", "IC"]);
    assert_eq!(c.countries[0].name, "Iceland");
    assert_eq!(
        c.subject.as_deref(),
        Some("ICELAND: MINISTRY PLEDGES TRAFFICKING ACTION PLAN BY SPRING")
    );
    assert_eq!(refs::cable_ids(&c.references), ["08REYKJAVIK36", "07STATE74879"]);
    assert_eq!(c.references[0].label.as_deref(), Some("A"));
    assert_eq!(c.paragraphs.len(), 2);
    assert_eq!(c.paragraphs[1].marking.as_deref(), Some("SBU"));
}

#[test]
fn short_routing_header() {
    let text = "P 151147Z JAN 09
FM AMCONSUL JEDDAH
TO SECSTATE WASHDC PRIORITY 1512
INFO AMEMBASSY RIYADH PRIORITY

S E C R E T JEDDAH 000021

NOFORN

E.O. 12958: DECL: 01/15/2019
TAGS: PTER PREL SA
SUBJECT: GOVERNOR PROMISES NEW CHECKPOINTS

REF: RIYADH 1178

1. (S/NF) Text.
";
    let c = parse(text, None).unwrap();
    assert_eq!(c.canonical_id, "09JEDDAH21");
    assert_eq!(c.format, Format::RoutingShort);
    assert_eq!(c.recipients[0].precedence.as_deref(), Some("PRIORITY"));
    assert_eq!(c.recipients[0].mcn.as_deref(), Some("1512"));
    assert_eq!(refs::cable_ids(&c.references), ["09RIYADH1178"]);
    assert_eq!(c.countries[0].name, "Saudi Arabia");
}

#[test]
fn partial_extract_takes_its_id_from_the_file_name_when_it_has_no_date() {
    let text = "This record is a partial extract of the original cable. The full text of the original cable is not available.

C O N F I D E N T I A L SECTION 01 OF 02 MADRID 004063

SIPDIS

E.O. 12958: DECL: 10/15/2014
TAGS: PREL PGOV SP
SUBJECT: DEPUTY MINISTER SEEKS TO PUT RELATIONS BACK ON TRACK

1. (C) The deputy minister promised there would be no further comments.
";
    let c = parse(text, Some("04MADRID4063")).unwrap();
    assert_eq!(c.canonical_id, "04MADRID4063");
    assert_eq!(c.id_source, IdSource::FileName);
    assert_eq!(c.format, Format::PartialExtract);
    assert_eq!(c.sent_at, None);
    assert_eq!(c.tags, ["PREL", "PGOV", "SP"]);
    // Without a name the year is unknown, and the cable is not guessed at.
    assert_eq!(parse(text, None).unwrap_err(), ParseError::NoId);
    assert_eq!(parse(text, Some("notes")).unwrap_err(), ParseError::NoId);
}

#[test]
fn partial_extract_with_a_date_time_group_and_case_mangled_text() {
    let text = "This record is a partial extract of the original cable. The full text of the original cable is not available.

P 252159Z SEP 07
FM SECSTATE WASHDC
TO AMEMBASSY BERLIN PRIORITY

S e c r e t state 135366

E.o. 12958: decl: 09/25/2017
Tags: parm, mtcre, prel, gm, sy

Subject: (s) following-up with germany on its efforts

Ref: a. State 131559 b. Berlin 1770

1. (s) text.
";
    let c = parse(text, None).unwrap();
    assert_eq!(c.canonical_id, "07STATE135366");
    assert_eq!(c.tags, ["PARM", "MTCRE", "PREL", "GM", "SY"]);
    assert_eq!(c.subject.as_deref(), Some("following-up with germany on its efforts"));
    assert_eq!(refs::cable_ids(&c.references), ["07STATE131559", "07BERLIN1770"]);
}

#[test]
fn plusd_text_with_a_tab_separated_record() {
    let text = "This record is a partial extract of the original cable.

2005-11-14 10:58:00\t05MANAMA1672\tEmbassy Manama\tCONFIDENTIAL\t\tThis record is a partial extract.\\
\\
\tC O N F I D E N T I A L SECTION 01 OF 02 MANAMA 001672 \\
 \\
E.O. 12958: DECL: 11/13/2015 \\
TAGS: PREL KDEM BA SW
SUBJECT: OFFICIALS MEET IN MANAMA \\
 \\
1.  (SBU)  Meeting held on November 11. \\
";
    let c = parse(text, None).unwrap();
    assert_eq!(c.canonical_id, "05MANAMA1672");
    assert_eq!(c.id_source, IdSource::Field);
    assert_eq!(c.format, Format::Plusd);
    assert_eq!(c.origin.as_deref(), Some("Embassy Manama"));
    assert_eq!(c.sent_at.unwrap().hour(), 10);
    assert_eq!(c.subject.as_deref(), Some("OFFICIALS MEET IN MANAMA"));
}

#[test]
fn garbled_publications_keep_their_published_id() {
    let text = SANITIZED.replace(
        "C O N F I D E N T I A L SECTION 01 OF 02 REYKJAVIK 000123",
        "UNCLAS E F T O REYKJAVIK 000123",
    );
    let c = parse(&text, None).unwrap();
    assert_eq!(c.reference_id, "08EFTOREYKJAVIK123");
    assert_eq!(c.canonical_id, "08REYKJAVIK123");
}

#[test]
fn a_routing_header_over_another_cables_body_names_the_transmission() {
    // The header says Paris #2725; the classification line is a Moscow cable's.
    let text = SANITIZED
        .replace("DE RUEHRK #0123/01", "DE RUEHFR #2725/01")
        .replace("FM AMEMBASSY REYKJAVIK", "FM AMEMBASSY PARIS")
        .replace("REYKJAVIK 000123", "MOSCOW 005154");
    let c = parse(&text, None).unwrap();
    assert_eq!(c.canonical_id, "08PARIS2725");
    assert_eq!(c.id_source, IdSource::Routing);
}

#[test]
fn latin1_bytes_decode() {
    let mut bytes = SANITIZED
        .replace("1. (C)", "\u{b6}1. (C)")
        .replace("Ministry", "Minist\u{e9}re")
        .into_bytes();
    // Re-encode the two non-ASCII characters as Latin-1 single bytes.
    let text = String::from_utf8(bytes.clone()).unwrap();
    bytes = text.chars().map(|c| u8::try_from(u32::from(c)).unwrap()).collect();
    let c = parse_bytes(&bytes, None).unwrap();
    assert!(c.body.contains("¶1. (C) The Ministére"));
    assert_eq!(c.paragraphs[0].number, "1");
}

#[test]
fn failure_modes_are_errors_not_panics() {
    assert_eq!(parse_bytes(b"", None).unwrap_err(), ParseError::Decode(decode::DecodeError::Empty));
    assert!(matches!(
        parse_bytes(b"\x7fELF\x02\x01\x01\0\0\0", None),
        Err(ParseError::Decode(decode::DecodeError::Binary { .. }))
    ));
    // A header cut off after the routing lines.
    let truncated = "VZCZCXRO9435\nRR RUEHLN\nDE RUEHDBU #1057 1921320\nZNR UUUUU ZZH\nR 111320Z JUL 07\nFM AMEMBASSY DUSHANBE\nTO RUEHC/SECSTATE WASHDC 0650\n";
    assert!(matches!(parse(truncated, None), Err(ParseError::Truncated { .. })));
    // Text that is no cable at all.
    assert_eq!(parse("Dear diary, nothing happened today.", None).unwrap_err(), ParseError::NoId);
}

#[test]
fn every_prefix_of_a_cable_parses_or_fails_cleanly() {
    // Cutting a cable anywhere must never panic (char boundaries, offsets past the end).
    for end in (0..DUSHANBE.len()).filter(|&i| DUSHANBE.is_char_boundary(i)).step_by(7) {
        let _ = parse(&DUSHANBE[..end], None);
    }
}

#[test]
fn multibyte_characters_near_slicing_limits_do_not_panic() {
    // Found by cargo-fuzz: a classification line followed by 200+ bytes of two-byte
    // characters, and an entity-like `&` before them.
    let mut text = String::from(
        "R 111320Z JUL 07\nFM AMEMBASSY DUSHANBE\n\nC O N F I D E N T I A L vECTION 01 OF 05",
    );
    text.push_str(&"ÿ".repeat(150));
    text.push_str("\nSUBJECT: A &");
    text.push_str(&"ÿ".repeat(20));
    let _ = parse(&text, None);
    // Every alignment of the two-byte run against the 200-byte limit.
    for extra in ["", "X", "XX", "XXX"] {
        let shifted = text.replacen("OF 05", &format!("OF 05{extra}"), 1);
        let _ = parse(&shifted, None);
    }
}

#[test]
fn a_zero_serial_is_no_cable_id() {
    // Found by cargo-fuzz: `MINSK 000000` gave the ID "06MINK".
    let text = "R 111320Z JUL 06\nFM AMEMBASSY MINSK\n\nUNCLAS MINSK 000000\n\nTAGS: PREL\nSUBJECT: X\n\n1. (U) Text.\n";
    assert_eq!(parse(text, None).unwrap_err(), ParseError::NoId);
    let with_name = parse(text, Some("06MINSK5")).unwrap();
    assert_eq!(with_name.canonical_id, "06MINSK5");
}
