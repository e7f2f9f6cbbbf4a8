//! Commitment Tracker: reads diplomatic cables, finds the promises foreign governments make
//! in them, and tracks what became of each one.
//!
//! The pipeline runs one way: [`cable`] parses text, the database layer stores it, and the
//! command line and web pages read it back.

pub mod cable;
