//! Integration tests: the real app in-process on a fresh database per test (a temporary SQLite file,
//! or a fresh PostgreSQL database when `TEST_DATABASE_URL` is set), real SMTP on loopback, and a
//! real headless browser. One test binary, because each file under `tests/` links the crate again.

#![expect(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod access;
mod admin;
mod api;
mod architecture;
mod as_of;
mod audit_cli;
mod auth;
mod backup;
mod browser;
mod calendar;
mod cli;
mod common;
mod dashboard;
mod demo;
mod evidence;
mod faults;
mod files_gc;
mod guide_score;
mod guides;
mod health;
mod home;
mod hostile;
mod log_secrets;
mod migrations;
mod password;
mod projects;
mod reminders;
mod reports;
mod route_access;
mod scale_out;
mod schema_agreement;
mod times;
