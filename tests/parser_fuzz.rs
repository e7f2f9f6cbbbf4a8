//! Mutation fuzzing of the parser on stable Rust: real and synthetic cables are cut,
//! spliced, byte-flipped and salted with header tokens, and every result must parse or
//! fail cleanly with its invariants intact. Runs CTRACK_FUZZ_SECS seconds (default 3);
//! `CTRACK_FUZZ_SECS=600 cargo test --release --test parser_fuzz -- --nocapture` is the
//! long run. (`fuzz/` has the coverage-guided cargo-fuzz target.)

mod common;

use std::time::{Duration, Instant};

use ctrack::cable;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }
}

const TOKENS: &[&[u8]] = &[
    b"\n",
    b"\n\n",
    b" ",
    b"\xb6",
    "¶".as_bytes(),
    b"1. ",
    b"(SBU) ",
    b"REF: ",
    b"TAGS: ",
    b"SUBJECT: ",
    b"SECTION 01 OF 02 ",
    b"UNCLAS ",
    b"C O N F I D E N T I A L ",
    b"E F T O ",
    b" 001057",
    b"111320Z JUL 07",
    b"FM AMEMBASSY ",
    b"TO RUEHC/",
    b"INFO ",
    b"XMT ",
    b"DE RUEHDBU #1057 ",
    b"A. ",
    b"B) ",
    b"(C)",
    b"06 TBILISI 2601",
    b"/",
    b"-",
    b"\t",
    b"\\\n",
    b"\"",
    b",",
    b"\0",
    b"\xff\xfe",
    b"\xe2\x80",
    b"id: 1\ndate: 1/1/2009 1:00\nrefid: 09X1\norigin: o\nclassification: c\n",
    b"PAGE 02 ROME 01196 01 OF 02 082030Z",
    b"This record is a partial extract of the original cable.",
];

fn mutate(rng: &mut Rng, seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut data = seeds[rng.below(seeds.len())].clone();
    for _ in 0..1 + rng.below(8) {
        let at = rng.below(data.len() + 1);
        match rng.below(7) {
            0 => data.truncate(at),
            1 => {
                let end = (at + rng.below(200)).min(data.len());
                data.drain(at..end);
            }
            2 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                data.splice(at..at, t.iter().copied());
            }
            3 if !data.is_empty() => {
                let i = rng.below(data.len());
                data[i] ^= 1 << rng.below(8);
            }
            4 => {
                // Splice in a piece of another seed.
                let other = &seeds[rng.below(seeds.len())];
                let s = rng.below(other.len());
                let e = (s + rng.below(400)).min(other.len());
                data.splice(at..at, other[s..e].iter().copied());
            }
            5 if at < data.len() => {
                // Duplicate a chunk.
                let e = (at + rng.below(300)).min(data.len());
                let chunk = data[at..e].to_vec();
                data.splice(e..e, chunk);
            }
            _ => data.insert(at, (rng.next() & 0xff) as u8),
        }
    }
    data
}

fn check(data: &[u8]) {
    if let Ok(c) = cable::parse_bytes(data, Some("07DUSHANBE1057")) {
        cable::check_invariants(&c);
    }
    if let Ok(c) = cable::parse_bytes(data, None) {
        cable::check_invariants(&c);
    }
    for row in cable::csv::rows(data).take(16) {
        if let Ok(c) = row.result {
            cable::check_invariants(&c);
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = cable::parse_fragment(text, 2007, None);
    }
}

#[test]
fn mutated_cables_parse_or_fail_cleanly() {
    let mut seeds: Vec<Vec<u8>> = vec![std::fs::read("demo/cables/07DUSHANBE1057.txt").unwrap()];
    seeds.extend(common::synth::many(20).into_iter().map(|(_, t)| t.into_bytes()));
    if let Some(dir) = common::corpus::dir() {
        let mut names: Vec<_> =
            std::fs::read_dir(dir.join("cables")).unwrap().flatten().map(|e| e.path()).collect();
        names.sort();
        seeds.extend(names.iter().step_by(25).map(|p| std::fs::read(p).unwrap()));
    }
    let secs: u64 =
        std::env::var("CTRACK_FUZZ_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(3);
    let seed: u64 =
        std::env::var("CTRACK_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x5eed_cab1e);
    let mut rng = Rng(seed);
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut runs = 0u64;
    while Instant::now() < deadline {
        for _ in 0..64 {
            let input = mutate(&mut rng, &seeds);
            let result = std::panic::catch_unwind(|| check(&input));
            if result.is_err() {
                let path = std::env::temp_dir().join(format!("ctrack-fuzz-crash-{runs}.bin"));
                std::fs::write(&path, &input).unwrap();
                panic!(
                    "parser panicked on input {runs} (seed {seed}); saved to {}",
                    path.display()
                );
            }
            runs += 1;
        }
    }
    println!("{runs} mutated inputs in {secs} s, no panic ({} seeds, seed {seed})", seeds.len());
}
