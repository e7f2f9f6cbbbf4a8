//! Coverage-guided fuzzing of the cable parser: any bytes, as a cable file and as a
//! cables.csv, must parse or fail with an error, never panic, and a parsed cable's
//! offsets must lie inside its body.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(cable) = ctrack::cable::parse_bytes(data, Some("07DUSHANBE1057")) {
        ctrack::cable::check_invariants(&cable);
    }
    for row in ctrack::cable::csv::rows(data).take(64) {
        if let Ok(cable) = row.result {
            ctrack::cable::check_invariants(&cable);
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = ctrack::cable::parse_fragment(text, 2007, None);
    }
});
