//! Shared test support: the corpus location and (for database tests) a fresh database.
#![allow(dead_code)]

pub mod corpus;
