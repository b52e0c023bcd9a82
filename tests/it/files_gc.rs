//! `files gc` against deduplication (issue 20, finding 8): an object orphaned by a crash, whose
//! content is uploaded again while gc runs, stays in the store and downloads. gc lists first and
//! removes after; a row committed in between (the upload reusing the orphan) is seen when gc checks
//! again under the object's lock, and a transaction still holding that lock makes gc wait for it.

use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

use actix_web::http::StatusCode;
use actix_web::test;
use coop_tracker::cli::files as gc;
use coop_tracker::db::{self, DbConnection};
use coop_tracker::files::FileStore;
use coop_tracker::web::build_app;
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::common::{Browser, TestApp, test_now, with_conn};
use crate::evidence::api::{pdf, upload};
use crate::projects::setup;

/// The grace period `files gc` gives by default.
const GRACE: Duration = Duration::from_secs(3600);

/// Puts `content` in the store as a crash between moving it in and committing its row leaves it:
/// an object no row names, last written two days ago. Returns its hash.
fn orphan(app: &TestApp, content: &[u8]) -> String {
    let store = FileStore::new(&app.state.config.data_dir);
    let sha256 = hex::encode(Sha256::digest(content));
    let path = store.path_of(&sha256);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, content).unwrap();
    let two_days = Duration::from_secs(2 * 86_400);
    std::fs::File::open(&path).unwrap().set_modified(SystemTime::now() - two_days).unwrap();
    sha256
}

#[actix_web::test]
async fn an_upload_reusing_an_orphan_keeps_it_through_a_gc_run_that_listed_it_before() {
    let s = setup();
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let mut staff = Browser::with_token(&service, &s.staff_token);
    let (_, indicator) = crate::projects::registered_project(&mut staff, s.direction_id).await;
    let mut pi = Browser::with_token(&service, &s.app.token(s.pi, None).1);
    let content = pdf("orphaned by a crash", 64 * 1024);
    let sha256 = orphan(&s.app, &content);
    let store = FileStore::new(&s.app.state.config.data_dir);

    let (listed, _) = with_conn(&s.app, |c| gc::find(c, &store, SystemTime::now(), GRACE)).unwrap();
    assert_eq!(listed.orphans, std::slice::from_ref(&sha256), "no row names it and it is old");
    // The same content uploaded (and acknowledged) between gc's listing and its removal.
    let created = upload(
        &mut pi,
        indicator,
        &[("value", "96.5"), ("measured_on", "2026-11-01")],
        &[("files", "检测报告.pdf", &content)],
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let evidence = crate::projects::body(&created)["evidence_ids"][0].as_i64().unwrap();
    let removed = with_conn(&s.app, |c| gc::remove(c, &store, &listed, GRACE)).unwrap();
    assert!(removed.orphans.is_empty(), "gc removed {:?}", removed.orphans);

    let download = pi.get(&format!("/api/v1/evidence/{evidence}/files/1")).await;
    assert_eq!(download.status, StatusCode::OK, "{}", download.body);
    assert_eq!(&download.bytes[..], &content[..]);
    let (again, in_use) = with_conn(&s.app, |c| gc::find(c, &store, SystemTime::now() + 2 * GRACE, GRACE)).unwrap();
    assert!(again.orphans.is_empty() && in_use == 1, "named by a row now: {again:?}");
}

#[actix_web::test]
async fn gc_waits_for_a_transaction_holding_the_objects_lock_and_then_keeps_what_it_named() {
    let app = TestApp::new();
    let content = b"%PDF-1.7 orphan about to be named";
    let sha256 = orphan(&app, content);
    let store = FileStore::new(&app.state.config.data_dir);
    let (listed, _) = with_conn(&app, |c| gc::find(c, &store, SystemTime::now(), GRACE)).unwrap();
    assert_eq!(listed.orphans, std::slice::from_ref(&sha256));

    // An upload's transaction: it names the object and holds its lock, then takes a while to commit.
    let (held, wait) = mpsc::channel();
    let pool = app.state.pool.clone();
    let named = sha256.clone();
    let upload = std::thread::spawn(move || {
        let mut conn = pool.get().unwrap();
        db::write_transaction(&mut conn, |c: &mut DbConnection| {
            use coop_tracker::db::schema::files;
            diesel::insert_into(files::table)
                .values((
                    files::sha256.eq(&named),
                    files::size_bytes.eq(33),
                    files::content_type.eq("application/pdf"),
                    files::created_at.eq(test_now()),
                ))
                .execute(c)?;
            db::evidence::hold_object(c, &named)?;
            held.send(()).unwrap();
            std::thread::sleep(Duration::from_millis(1000));
            Ok::<_, diesel::result::Error>(())
        })
        .unwrap();
    });
    wait.recv().unwrap();
    let started = Instant::now();
    let removed = with_conn(&app, |c| gc::remove(c, &store, &listed, GRACE)).unwrap();
    let waited = started.elapsed();
    upload.join().unwrap();
    assert!(removed.orphans.is_empty(), "gc removed the object the transaction named");
    assert!(waited >= Duration::from_millis(700), "gc went ahead after {waited:?} instead of waiting for the lock");
    assert_eq!(std::fs::read(store.path_of(&sha256)).unwrap(), content);
}
