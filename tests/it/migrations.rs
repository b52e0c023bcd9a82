//! The two migration sets must stay twins: same names, both directions present.

use std::collections::BTreeSet;
use std::path::Path;

fn names(backend: &str) -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(backend);
    std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            for file in ["up.sql", "down.sql"] {
                assert!(path.join(file).exists(), "{} lacks {file}", path.display());
            }
            path.file_name().unwrap().to_string_lossy().into_owned()
        })
        .collect()
}

#[test]
fn sqlite_and_postgres_migrations_have_the_same_names() {
    let sqlite = names("sqlite");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, names("postgres"));
}

#[test]
fn the_audit_log_refuses_updates_and_deletes() {
    use coop_tracker::db::audit::{self, AuditEntry};
    use diesel::RunQueryDsl;

    let app = crate::common::TestApp::new();
    let mut conn = app.conn();
    let entry = AuditEntry {
        actor: None,
        action: "test.write",
        entity: "test",
        entity_id: Some(1),
        project_id: None,
        detail: serde_json::json!({}),
        ip: None,
    };
    audit::record(&mut conn, &entry, crate::common::test_now()).unwrap();
    let update = diesel::sql_query("UPDATE audit_log SET action = 'forged'").execute(&mut *conn);
    let delete = diesel::sql_query("DELETE FROM audit_log").execute(&mut *conn);
    for result in [update, delete] {
        let error = result.expect_err("the audit log accepted a change").to_string();
        assert!(error.contains("append-only"), "{error}");
    }
    assert_eq!(audit::list_actions(&mut conn, "test", 1).unwrap(), ["test.write"]);
}
