//! Commitment Tracker: reads diplomatic cables, finds the promises foreign governments make
//! in them, and tracks what became of each one.
//!
//! The pipeline runs one way: [`cable`] parses text, [`ingest`] stores it through [`db`],
//! and the command line ([`cli`]) and web pages read it back.

pub mod backup;
pub mod cable;
pub mod cli;
pub mod db;
pub mod demo;
pub mod export;
pub mod extract;
pub mod follow;
pub mod ingest;
pub mod text;
pub mod training;
pub mod web;

pub use db::MIGRATOR;
