//! Shared test support: the corpus location, a fresh database, synthetic cables.
#![allow(dead_code)]

pub mod corpus;
pub mod db;
pub mod synth;
pub mod web;
