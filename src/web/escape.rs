//! HTML escaping for every template (`askama.toml` names [`Html`] as the escaper for HTML
//! and SVG): the same five characters as askama's own escaper, written the same way, but
//! found eight bytes at a time. Escaping byte by byte was a tenth of the list page's time
//! in the web server, and a third of that with this (`perf` under `scripts/bench-web.sh`'s
//! load; what remains is mostly the cost of each call).

use std::fmt;

/// The escaper; tests check it writes exactly what askama's `Html` escaper writes.
#[derive(Debug, Clone, Copy)]
pub struct Html;

impl askama::filters::Escaper for Html {
    fn write_escaped_str<W: fmt::Write>(&self, mut dest: W, text: &str) -> fmt::Result {
        let bytes = text.as_bytes();
        let mut written = 0;
        let mut at = 0;
        while at < bytes.len() {
            let end = (at + 8).min(bytes.len());
            let chunk = &bytes[at..end];
            let suspect = match <[u8; 8]>::try_from(chunk) {
                Ok(word) => may_hold_special(u64::from_le_bytes(word)),
                Err(_) => {
                    // The last few bytes, padded with zero bytes, which are not special.
                    let mut word = [0u8; 8];
                    word[..chunk.len()].copy_from_slice(chunk);
                    may_hold_special(u64::from_le_bytes(word))
                }
            };
            if suspect {
                for (i, &b) in chunk.iter().enumerate() {
                    if let Some(entity) = entity(b) {
                        // Every special character is ASCII: both cuts are character boundaries.
                        dest.write_str(&text[written..at + i])?;
                        dest.write_str(entity)?;
                        written = at + i + 1;
                    }
                }
            }
            at = end;
        }
        dest.write_str(&text[written..])
    }
}

fn entity(b: u8) -> Option<&'static str> {
    match b {
        b'"' => Some("&#34;"),
        b'&' => Some("&#38;"),
        b'\'' => Some("&#39;"),
        b'<' => Some("&#60;"),
        b'>' => Some("&#62;"),
        _ => None,
    }
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Non-zero exactly when some byte of `v` is zero.
fn zero_byte(v: u64) -> u64 {
    v.wrapping_sub(ONES) & !v & HIGHS
}

/// Whether eight bytes may hold `"` (0x22), `&` or `'` (0x26, 0x27: `b | 1 == 0x27`),
/// `<` or `>` (0x3C, 0x3E: `b | 2 == 0x3E`); never false when one of them is there.
fn may_hold_special(w: u64) -> bool {
    zero_byte(w ^ (ONES * 0x22))
        | zero_byte((w | ONES) ^ (ONES * 0x27))
        | zero_byte((w | (ONES * 2)) ^ (ONES * 0x3E))
        != 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use askama::filters::Escaper;

    fn ours(s: &str) -> String {
        let mut out = String::new();
        Html.write_escaped_str(&mut out, s).unwrap();
        out
    }

    fn askamas(s: &str) -> String {
        let mut out = String::new();
        askama::filters::Html.write_escaped_str(&mut out, s).unwrap();
        out
    }

    #[test]
    fn writes_what_askama_writes() {
        for s in [
            "",
            "<",
            "plain text with no specials at all, longer than eight bytes",
            "<script>alert('x')</script>",
            "a\"b&c'd<e>f",
            "Brazil's \"new\" law <draft> & more — ünïcode ¶5 \u{1F600}<",
            "12345678<",
            "1234567<8",
            "&&&&&&&&&&&&&&&&",
            "\u{2022}<\u{2022}>",
        ] {
            assert_eq!(ours(s), askamas(s), "{s:?}");
        }
    }

    #[test]
    fn agrees_on_every_placement_of_every_ascii_byte() {
        // Each ASCII byte at every offset of strings up to 24 bytes long, among fillers of
        // one to four bytes: the eight-byte test must never miss a special character,
        // whatever the bytes around it (a borrow in the word arithmetic is where it could).
        let fillers = ["a", "\u{e9}", "\u{1F600}", "!", "\u{7f}", "\0", "(", "#", "="];
        for b in 0u8..=127 {
            let c = char::from(b).to_string();
            for filler in fillers {
                for len in 0..24 {
                    for pos in 0..=len {
                        let mut s = filler.repeat(pos);
                        s.push_str(&c);
                        s.push_str(&filler.repeat(len - pos));
                        assert_eq!(ours(&s), askamas(&s), "{s:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn templates_escape_through_it() {
        // askama.toml must keep naming this escaper: a template's output escapes as ours.
        #[derive(askama::Template)]
        #[template(source = "<p title=\"{{ s }}\">{{ s }}</p>", ext = "html")]
        struct Probe<'a> {
            s: &'a str,
        }
        let s = "<script>alert(\"x\" & 'y')</script>";
        let out = askama::Template::render(&Probe { s }).unwrap();
        assert_eq!(out, format!("<p title=\"{0}\">{0}</p>", ours(s)));
        assert!(!out.contains("<script>"));
    }
}
