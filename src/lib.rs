//! coop-tracker: tracks the assessment indicators (考核指标) of publicly funded science-and-technology
//! cooperation projects from the call guide to end-of-term acceptance.
//!
//! The crate is a library with a thin binary: `main.rs` only calls [`cli::run`]. The `domain` is pure;
//! `app` holds the use cases; `db`, `web`, `jobs`, `mail` and `report` are adapters around them (see
//! `docs/architecture.md`).

pub mod app;
pub mod auth;
pub mod backup;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod export;
pub mod files;
pub mod fonts;
pub mod i18n;
pub mod jobs;
pub mod mail;
pub mod report;
pub mod roster;
pub mod server;
pub mod web;
pub mod zip_guard;

/// How many cases each property test (the fuzzing of the parsers) tries: its own default, or
/// `COOP_FUZZ_CASES` for a longer run (`scripts/fuzz.sh`).
#[cfg(test)]
pub(crate) fn fuzz_cases(default: u32) -> u32 {
    std::env::var("COOP_FUZZ_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(default)
}
