//! Small string helpers shared by the parser and the extractor.

/// The largest character boundary of `s` at or below `i` (clamped to `s.len()`), so that
/// byte arithmetic never slices inside a character.
pub fn floor_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    #[test]
    fn never_inside_a_character() {
        let s = "a¶b";
        assert_eq!(super::floor_boundary(s, 2), 1);
        assert_eq!(super::floor_boundary(s, 3), 3);
        assert_eq!(super::floor_boundary(s, 99), 4);
    }
}
