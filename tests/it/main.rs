//! Integration tests: the real app in-process on a fresh database per test (a temporary SQLite file,
//! or a fresh PostgreSQL database when `TEST_DATABASE_URL` is set), real SMTP on loopback, and a
//! real headless browser. One test binary, because each file under `tests/` links the crate again.

#![expect(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod access;
mod admin;
mod api;
mod as_of;
mod audit_cli;
mod auth;
mod backup;
mod browser;
mod browser_evidence;
mod browser_relative;
mod browser_reminders;
mod browser_reports;
mod calendar;
mod cli;
mod common;
mod dashboard;
mod demo;
mod evidence;
mod evidence_api;
mod evidence_crash;
mod evidence_pages;
mod faults;
mod files_gc;
mod guide_score;
mod guides;
mod health;
mod hostile;
mod hostile_auth;
mod hostile_files;
mod hostile_multipart;
mod hostile_transport;
mod hostile_zip;
mod indicators;
mod log_secrets;
mod migrations;
mod officer;
mod password;
mod project_form;
mod project_state;
mod projects;
mod relative_targets;
mod reminder_pages;
mod reminders;
mod reports;
mod roster;
mod route_access;
mod scale_out;
mod schema_agreement;
mod times;
