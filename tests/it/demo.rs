//! `serve --demo` data: one account per role with the documented password, institutions and the
//! 2024 guide; seeding twice changes nothing.

use coop_tracker::auth::password;
use coop_tracker::db::{guide, user};
use coop_tracker::demo::{self, DEMO_PASSWORD, DEMO_USERS};

use crate::common::{TestApp, test_now, with_conn};

#[test]
fn demo_data_is_complete_usable_and_idempotent() {
    let app = TestApp::new();
    with_conn(&app, |conn| {
        demo::seed(conn, test_now()).unwrap();
        demo::seed(conn, test_now()).unwrap();
        assert_eq!(user::count(conn).unwrap(), DEMO_USERS.len() as i64);
        for (email, _, role) in DEMO_USERS {
            let account = user::find_by_email(conn, email).unwrap().unwrap();
            assert_eq!(account.role, role);
            assert!(password::verify(DEMO_PASSWORD, account.password_hash.as_deref()), "{email}");
        }
        let guides = guide::list(conn).unwrap();
        assert_eq!(guides.len(), 1);
        let stored = guide::find(conn, guides[0].id).unwrap().unwrap();
        let indicators: usize = stored.topics.iter().flat_map(|t| &t.directions).map(|d| d.indicators.len()).sum();
        assert!(indicators >= 31, "the demo guide's indicators are stored: {indicators}");
    });
}
