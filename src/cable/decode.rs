//! Bytes to text. Cables arrive as UTF-8, as Latin-1 / Windows-1252 (the PlusD exports store
//! `¶` as the single byte 0xB6), or as a mix of both; anything that is neither is reported as
//! binary instead of being guessed at.

use std::borrow::Cow;

/// Why a file's bytes are not cable text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("the file is empty (no text at all)")]
    Empty,
    #[error("the file is binary, not text (byte 0x{byte:02X} at offset {offset})")]
    Binary { offset: usize, byte: u8 },
}

/// Windows-1252 code points for bytes 0x80..=0x9F. The five bytes that 1252 leaves undefined
/// keep their Latin-1 (C1 control) meaning, so no byte is ever lost.
const CP1252_HIGH: [char; 32] = [
    '\u{20AC}', '\u{0081}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}',
    '\u{02C6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{008D}', '\u{017D}', '\u{008F}',
    '\u{0090}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}',
    '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}', '\u{0153}', '\u{009D}', '\u{017E}', '\u{0178}',
];

fn cp1252(byte: u8) -> char {
    match byte {
        0x80..=0x9F => CP1252_HIGH[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
}

/// Decodes a cable file's bytes. Valid UTF-8 is borrowed as is; invalid sequences are read as
/// Windows-1252 one byte at a time, so a Latin-1 file and a UTF-8 file with a stray Latin-1
/// byte both come out right. Line ends are normalised to `\n`.
pub fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, DecodeError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    check_text(bytes)?;
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => Cow::Owned(decode_mixed(bytes)),
    };
    if text.trim().is_empty() {
        return Err(DecodeError::Empty);
    }
    if text.contains('\r') {
        return Ok(Cow::Owned(normalise_line_ends(&text)));
    }
    Ok(text)
}

/// Text has no NUL bytes and few control characters; binary files (images, archives, PDFs)
/// have plenty of both within their first few kilobytes.
fn check_text(bytes: &[u8]) -> Result<(), DecodeError> {
    if let Some(offset) = memchr_nul(bytes) {
        return Err(DecodeError::Binary { offset, byte: 0 });
    }
    let head = &bytes[..bytes.len().min(64 * 1024)];
    let mut controls = 0usize;
    let mut first = None;
    for (i, &b) in head.iter().enumerate() {
        if b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0C) {
            controls += 1;
            first.get_or_insert((i, b));
        }
    }
    // A few stray control bytes occur in real cables (form feeds, escape sequences from old
    // terminals); more than one in a hundred bytes does not.
    if controls > 0 && controls * 100 > head.len() {
        let (offset, byte) = first.unwrap_or((0, 0));
        return Err(DecodeError::Binary { offset, byte });
    }
    Ok(())
}

fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == 0)
}

fn decode_mixed(mut bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + bytes.len() / 8);
    loop {
        match std::str::from_utf8(bytes) {
            Ok(rest) => {
                out.push_str(rest);
                return out;
            }
            Err(e) => {
                let (valid, rest) = bytes.split_at(e.valid_up_to());
                // SAFETY-free: `valid_up_to` guarantees this prefix is UTF-8.
                out.push_str(std::str::from_utf8(valid).unwrap_or_default());
                let bad = e.error_len().unwrap_or(rest.len()).max(1);
                for &b in &rest[..bad] {
                    out.push(cp1252(b));
                }
                bytes = &rest[bad..];
            }
        }
    }
}

fn normalise_line_ends(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            if chars.peek() != Some(&'\n') {
                out.push('\n');
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_is_borrowed_unchanged() {
        let text = "¶1. (SBU) Azimov thanked PolOff.";
        assert!(matches!(decode(text.as_bytes()), Ok(Cow::Borrowed(t)) if t == text));
    }

    #[test]
    fn latin1_paragraph_mark_decodes_to_pilcrow() {
        let bytes = b"\xB61. (C) Minister\x92s promise, caf\xE9.";
        assert_eq!(decode(bytes).unwrap(), "¶1. (C) Minister’s promise, café.");
    }

    #[test]
    fn mixed_utf8_and_latin1_keeps_both() {
        let mut bytes = "¶2. ".as_bytes().to_vec();
        bytes.extend_from_slice(b"na\xEFve");
        assert_eq!(decode(&bytes).unwrap(), "¶2. naïve");
    }

    #[test]
    fn empty_and_blank_files_are_rejected() {
        assert_eq!(decode(b""), Err(DecodeError::Empty));
        assert_eq!(decode(b"  \n\t\n"), Err(DecodeError::Empty));
        assert_eq!(decode(b"\xEF\xBB\xBF"), Err(DecodeError::Empty));
    }

    #[test]
    fn binary_files_are_rejected_with_the_offset() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert_eq!(decode(png), Err(DecodeError::Binary { offset: 8, byte: 0 }));
        let noise: Vec<u8> = (0..200u8).map(|i| i % 16).collect();
        assert!(matches!(decode(&noise), Err(DecodeError::Binary { .. })));
    }

    #[test]
    fn crlf_and_cr_become_lf() {
        assert_eq!(decode(b"a\r\nb\rc\n").unwrap(), "a\nb\nc\n");
    }
}
