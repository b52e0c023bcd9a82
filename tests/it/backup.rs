//! Backup and restore of a live installation (issue 9): the database (SQLite's own snapshot, or
//! `pg_dump`/`pg_restore` on PostgreSQL) and the evidence files round-trip into an empty
//! installation, every row and byte intact and the audit chain whole; damaged backups and occupied
//! databases are refused with nothing changed.

use actix_web::test;
use coop_tracker::backup;
use coop_tracker::db;
use coop_tracker::files::store::FileStore;
use coop_tracker::web::build_app;

use crate::common::{TestApp, row_counts, row_counts_in, test_now};
use crate::projects::setup;

/// An installation with a project, a piece of evidence with its file, a frozen report and the rest
/// of the access test's fixture (tokens, a queued message, a calendar feed, a reset link).
async fn installation() -> crate::projects::Setup {
    let s = setup();
    let service = test::init_service(build_app(s.app.state.clone())).await;
    crate::route_access::fixture(&s, &service).await;
    s
}

#[actix_web::test]
async fn a_backup_restores_every_row_and_file_into_an_empty_installation() {
    let source = installation().await;
    let folder = tempfile::tempdir().unwrap();
    let to = folder.path().join("coop-2026-11-22");
    let manifest = backup::create(&source.app.state.config, &to, test_now()).unwrap();
    assert_eq!(manifest.files.len(), 3, "the evidence file and the report's HTML and PDF");
    assert!(!folder.path().join("coop-2026-11-22.partial").exists());

    let target = TestApp::new();
    backup::restore(&target.state.config, &to, false).unwrap();
    // A new pool, as a restarted server would open: on SQLite the old one still holds the old file.
    let pool = db::connect(&target.state.config).unwrap();
    let mut conn = pool.get().unwrap();
    assert_eq!(row_counts_in(&mut conn), row_counts(&source.app), "every row is back");
    let verification = db::audit::verify(&mut conn).unwrap();
    assert!(verification.break_at.is_none() && verification.chained > 0, "{verification:?}");
    let (from, into) =
        (FileStore::new(&source.app.state.config.data_dir), FileStore::new(&target.state.config.data_dir));
    for file in &manifest.files {
        let sha256 = file.path.rsplit('/').next().unwrap();
        assert_eq!(std::fs::read(into.path_of(sha256)).unwrap(), std::fs::read(from.path_of(sha256)).unwrap());
    }
}

#[actix_web::test]
async fn damaged_backups_and_occupied_databases_are_refused_and_nothing_changes() {
    let source = installation().await;
    let folder = tempfile::tempdir().unwrap();
    let to = folder.path().join("backup");
    let manifest = backup::create(&source.app.state.config, &to, test_now()).unwrap();
    let again = backup::create(&source.app.state.config, &to, test_now()).unwrap_err().to_string();
    assert!(again.contains("already exists"), "{again}");

    // Restoring over the installation it came from: it holds data.
    let before = row_counts(&source.app);
    let occupied = backup::restore(&source.app.state.config, &to, false).unwrap_err().to_string();
    assert!(occupied.contains("already holds data") && occupied.contains("--replace"), "{occupied}");
    assert_eq!(row_counts(&source.app), before);

    // One byte of a stored file changed: the manifest's sum catches it before anything is written.
    let damaged = to.join(&manifest.files[0].path);
    let mut bytes = std::fs::read(&damaged).unwrap();
    bytes[0] ^= 1;
    std::fs::write(&damaged, bytes).unwrap();
    let target = TestApp::new();
    let refused = backup::restore(&target.state.config, &to, false).unwrap_err().to_string();
    assert!(refused.contains("does not match its sum"), "{refused}");
    assert_eq!(row_counts(&target), row_counts(&TestApp::new()), "the target is still empty");
    assert!(!target.state.config.data_dir.join("files/objects").exists(), "no file was restored");
}

#[actix_web::test]
async fn a_backup_fails_naming_a_stored_file_the_database_names_but_the_store_lacks() {
    let source = installation().await;
    let sha256: String = crate::common::with_conn(&source.app, |c| {
        use coop_tracker::db::schema::files;
        use diesel::prelude::*;
        files::table.select(files::sha256).first(c).unwrap()
    });
    let store = FileStore::new(&source.app.state.config.data_dir);
    std::fs::remove_file(store.path_of(&sha256)).unwrap();
    let folder = tempfile::tempdir().unwrap();
    let to = folder.path().join("backup");
    let error = backup::create(&source.app.state.config, &to, test_now()).unwrap_err().to_string();
    assert!(error.contains(&sha256) && error.contains("missing from the file store"), "{error}");
    assert!(error.contains("1 stored file(s)"), "{error}");
    assert!(
        !to.exists() && !folder.path().join("backup.partial").exists(),
        "nothing is left to be mistaken for a backup"
    );
}
