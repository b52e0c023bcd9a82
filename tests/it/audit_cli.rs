//! The audit log's hash chain, checked by the real `coop-tracker audit verify`: intact after ordinary
//! activity, broken (exit code 1, naming the row) by a row changed or removed behind the
//! database's back, which itself refuses plain updates and deletes; and intact after many
//! concurrent appends.

use std::process::{Command, Output};

use coop_tracker::config::Backend;
use coop_tracker::db::DbConnection;
use coop_tracker::db::audit::{self, AuditEntry};
use coop_tracker::db::schema::audit_log;
use diesel::prelude::*;
use secrecy::ExposeSecret;
use serde_json::json;

use crate::common::{TestApp, backend_name, test_now, with_conn};

/// Runs `audit verify` on the app's database.
fn verify(app: &TestApp) -> Output {
    let config = &app.state.config;
    Command::new(env!("CARGO_BIN_EXE_coop-tracker"))
        .arg("--data-dir")
        .arg(&config.data_dir)
        .args(["--database-url", config.database.target.expose_secret(), "audit", "verify"])
        .env_remove("DATABASE_URL")
        .env_remove("COOP_DATABASE_URL")
        .env("COOP_LOG", "warn")
        .output()
        .unwrap()
}

fn record(conn: &mut DbConnection, n: usize) {
    let entry = AuditEntry {
        actor: None,
        action: "test.note",
        entity: "test",
        entity_id: Some(n as i64),
        project_id: None,
        detail: json!({ "after": { "n": n } }),
        ip: None,
    };
    audit::record(conn, &entry, test_now()).unwrap();
}

/// An app with `n` audited entries; their ids in order.
fn with_entries(n: usize) -> (TestApp, Vec<i64>) {
    let app = TestApp::new();
    with_conn(&app, |c| (0..n).for_each(|i| record(c, i)));
    let ids = with_conn(&app, |c| audit_log::table.order(audit_log::id.asc()).select(audit_log::id).load(c).unwrap());
    (app, ids)
}

/// Lets the test change the log as an intruder with database access would.
fn lift_protection(conn: &mut DbConnection) {
    let sql = match backend() {
        Backend::Sqlite => "DROP TRIGGER audit_log_no_update",
        Backend::Postgres => "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete",
    };
    diesel::sql_query(sql).execute(conn).unwrap();
    if backend() == Backend::Sqlite {
        diesel::sql_query("DROP TRIGGER audit_log_no_delete").execute(conn).unwrap();
    }
}

fn backend() -> Backend {
    if backend_name() == "postgres" { Backend::Postgres } else { Backend::Sqlite }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn an_intact_log_verifies_and_prints_its_count() {
    let (app, ids) = with_entries(5);
    let out = verify(&app);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(&format!("{} rows chained", ids.len())), "{}", text(&out.stdout));
}

#[test]
fn a_changed_row_breaks_the_chain_and_is_named() {
    let (app, ids) = with_entries(5);
    let target = ids[2];
    with_conn(&app, |c| {
        lift_protection(c);
        diesel::sql_query(format!("UPDATE audit_log SET detail = '{{}}' WHERE id = {target}")).execute(c).unwrap();
    });
    let out = verify(&app);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(&format!("row {target}")), "{stderr}");
    assert!(stderr.contains("content does not match"), "{stderr}");
}

#[test]
fn a_deleted_middle_row_breaks_the_chain() {
    let (app, ids) = with_entries(5);
    with_conn(&app, |c| {
        lift_protection(c);
        diesel::sql_query(format!("DELETE FROM audit_log WHERE id = {}", ids[2])).execute(c).unwrap();
    });
    let out = verify(&app);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(&format!("row {}", ids[3])), "the row after the gap: {stderr}");
    assert!(stderr.contains("previous-hash link"), "{stderr}");
}

#[test]
fn the_database_refuses_plain_updates_and_deletes_of_the_log() {
    let (app, ids) = with_entries(2);
    with_conn(&app, |c| {
        let update =
            diesel::sql_query(format!("UPDATE audit_log SET detail = '{{}}' WHERE id = {}", ids[0])).execute(c);
        assert!(update.is_err(), "update refused on {}", backend_name());
        let delete = diesel::sql_query(format!("DELETE FROM audit_log WHERE id = {}", ids[1])).execute(c);
        assert!(delete.is_err(), "delete refused on {}", backend_name());
        let left: i64 = audit_log::table.count().get_result(c).unwrap();
        assert_eq!(left, 2);
    });
    assert_eq!(verify(&app).status.code(), Some(0));
}

#[test]
fn concurrent_appends_on_their_own_connections_form_one_chain() {
    let app = TestApp::new();
    let before: i64 = with_conn(&app, |c| audit_log::table.count().get_result(c).unwrap());
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let pool = app.state.pool.clone();
            std::thread::spawn(move || {
                for i in 0..25 {
                    let mut conn = pool.get().unwrap();
                    record(&mut conn, t * 100 + i);
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    let result = with_conn(&app, |c| audit::verify(c).unwrap());
    assert_eq!(result.break_at, None, "{result:?}");
    assert_eq!(result.chained as i64, before + 200, "{result:?}");
    let out = verify(&app);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}
