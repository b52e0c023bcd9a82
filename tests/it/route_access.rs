//! Every route the application serves, taken from its own route table, visited by every kind of
//! visitor and checked against the written policy below. A route added without a policy line fails
//! here, and so does a policy line for a route that no longer exists.
//!
//! Each visitor walks on a database of their own, so that what one visitor's requests change (an
//! administrator resetting the PI's password, say) cannot decide what another is allowed. Within a
//! walk the reads go first, then the writes, and logging out last.

use std::collections::BTreeSet;

use actix_web::http::{Method, StatusCode};
use actix_web::test;
use coop_tracker::domain::role::Role;
use coop_tracker::web::route_table::Listed;
use coop_tracker::web::{build_app, route_list};
use serde_json::json;

use crate::common::{Browser, test_now, with_conn};
use crate::projects::{body, setup};

/// Who is visiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Visitor {
    Anonymous,
    Admin,
    Staff,
    /// The PI of the project the routes are about.
    Pi,
    /// A PI of no project here.
    OtherPi,
    /// A member of the project.
    Member,
    /// An acceptance expert not assigned to the project.
    Expert,
}

const VISITORS: [Visitor; 7] = [
    Visitor::Anonymous,
    Visitor::Admin,
    Visitor::Staff,
    Visitor::Pi,
    Visitor::OtherPi,
    Visitor::Member,
    Visitor::Expert,
];

use Visitor::{Admin, Anonymous, Expert, Member, OtherPi, Pi, Staff};

const EVERYONE: &[Visitor] = &VISITORS;
const SIGNED_IN: &[Visitor] = &[Admin, Staff, Pi, OtherPi, Member, Expert];
const ADMIN: &[Visitor] = &[Admin];
/// Commission staff: administrators and programme officers.
const STAFF: &[Visitor] = &[Admin, Staff];
/// Those who may read the project: staff, its PI and its members.
const READERS: &[Visitor] = &[Admin, Staff, Pi, Member];
/// Those who report the project's progress: its PI and members.
const CONTRIBUTORS: &[Visitor] = &[Pi, Member];
/// The route names a token or a feed of the PI's: only the PI may use it (the feed's address is
/// its own secret, so anyone holding it may read it).
const PI_ONLY: &[Visitor] = &[Pi];
/// Refused to every caller: API tokens are made only from a session, at `/account/tokens`.
const NOBODY: &[Visitor] = &[];

/// The policy: method, route pattern, who may use it. Everyone else is refused: sent to log in,
/// 401, 403, or 404 where saying "forbidden" would tell that the thing exists.
const POLICY: &[(&str, &str, &[Visitor])] = &[
    ("GET", "/healthz", EVERYONE),
    ("GET", "/static/{name}", EVERYONE),
    ("GET", "/login", EVERYONE),
    ("POST", "/login", EVERYONE),
    // Logging out without a session just lands on the login page.
    ("POST", "/logout", EVERYONE),
    ("GET", "/lang/{tag}", EVERYONE),
    ("GET", "/password/forgot", EVERYONE),
    ("POST", "/password/forgot", EVERYONE),
    ("GET", "/password/reset", EVERYONE),
    ("POST", "/password/reset", EVERYONE),
    ("GET", "/calendar/{file}", EVERYONE),
    ("GET", "/", SIGNED_IN),
    ("GET", "/account/password", SIGNED_IN),
    ("POST", "/account/password", SIGNED_IN),
    ("GET", "/account/tokens", SIGNED_IN),
    ("POST", "/account/tokens", SIGNED_IN),
    ("POST", "/account/tokens/{id}/revoke", PI_ONLY),
    ("GET", "/account/notifications", SIGNED_IN),
    ("POST", "/account/notifications", SIGNED_IN),
    ("GET", "/account/calendar", SIGNED_IN),
    ("POST", "/account/calendar", SIGNED_IN),
    ("GET", "/dashboard", STAFF),
    ("GET", "/dashboard/export.{format}", STAFF),
    ("GET", "/dashboard/charts/{name}.png", STAFF),
    ("GET", "/dashboard/suggest/{field}", STAFF),
    ("GET", "/institutions", STAFF),
    ("POST", "/institutions", STAFF),
    ("GET", "/institutions/new", STAFF),
    ("GET", "/institutions/{id}", STAFF),
    ("POST", "/institutions/{id}", STAFF),
    ("GET", "/guides", STAFF),
    ("POST", "/guides", STAFF),
    ("GET", "/guides/new", STAFF),
    ("POST", "/guides/preview", STAFF),
    ("GET", "/guides/{id}", STAFF),
    ("GET", "/projects", SIGNED_IN),
    ("POST", "/projects", STAFF),
    ("GET", "/projects/new", STAFF),
    ("GET", "/projects/import", STAFF),
    ("POST", "/projects/import", STAFF),
    ("POST", "/projects/import/check", STAFF),
    ("GET", "/projects/{code}", READERS),
    ("POST", "/projects/{code}/state", STAFF),
    ("GET", "/indicators/{id}", READERS),
    ("POST", "/indicators/{id}", STAFF),
    ("POST", "/indicators/{id}/plan", STAFF),
    ("GET", "/projects/{code}/indicators/new", STAFF),
    ("POST", "/projects/{code}/indicators", STAFF),
    ("POST", "/projects/{code}/baseline", STAFF),
    ("POST", "/projects/{code}/officer", STAFF),
    ("POST", "/projects/{code}/extension", STAFF),
    ("POST", "/indicators/{id}/evidence", CONTRIBUTORS),
    ("GET", "/evidence/{id}", READERS),
    ("GET", "/evidence/{id}/files/{n}", READERS),
    ("GET", "/review", STAFF),
    ("POST", "/evidence/{id}/review", STAFF),
    ("GET", "/projects/{code}/history", READERS),
    ("GET", "/projects/{code}/annual-report", CONTRIBUTORS),
    ("POST", "/projects/{code}/annual-report", CONTRIBUTORS),
    ("GET", "/projects/{code}/reports", READERS),
    ("POST", "/projects/{code}/reports", STAFF),
    ("GET", "/projects/{code}/reports/generate", READERS),
    ("GET", "/reports", STAFF),
    ("POST", "/reports", STAFF),
    ("GET", "/reports/generate", STAFF),
    ("GET", "/reports/{id}/{format}", READERS),
    ("GET", "/admin/users", ADMIN),
    ("POST", "/admin/users", ADMIN),
    ("GET", "/admin/users/new", ADMIN),
    ("GET", "/admin/users/{id}", ADMIN),
    ("POST", "/admin/users/{id}", ADMIN),
    ("POST", "/admin/users/{id}/password", ADMIN),
    ("GET", "/admin/reminders", ADMIN),
    ("POST", "/admin/reminders", ADMIN),
    ("POST", "/admin/reminders/reset", ADMIN),
    ("GET", "/admin/calendar", ADMIN),
    ("POST", "/admin/calendar", ADMIN),
    ("POST", "/admin/calendar/{year}/delete", ADMIN),
    ("GET", "/admin/outbox", STAFF),
    ("GET", "/admin/outbox/{id}", STAFF),
    ("POST", "/admin/outbox/{id}/retry", STAFF),
    ("GET", "/api/v1/openapi.json", EVERYONE),
    ("GET", "/api/v1/me", SIGNED_IN),
    ("GET", "/api/v1/tokens", SIGNED_IN),
    ("POST", "/api/v1/tokens", NOBODY),
    ("DELETE", "/api/v1/tokens/{id}", PI_ONLY),
    ("GET", "/api/v1/guides", STAFF),
    ("POST", "/api/v1/guides", STAFF),
    ("GET", "/api/v1/guides/{id}", STAFF),
    ("GET", "/api/v1/projects", SIGNED_IN),
    ("POST", "/api/v1/projects", STAFF),
    ("POST", "/api/v1/projects/import", STAFF),
    ("GET", "/api/v1/projects/{code}", READERS),
    ("GET", "/api/v1/projects/{code}/indicators", READERS),
    ("POST", "/api/v1/projects/{code}/state", STAFF),
    ("POST", "/api/v1/projects/{code}/indicators", STAFF),
    ("POST", "/api/v1/projects/{code}/baseline", STAFF),
    ("PUT", "/api/v1/projects/{code}/officer", STAFF),
    ("POST", "/api/v1/projects/{code}/extension", STAFF),
    ("GET", "/api/v1/indicators/{id}", READERS),
    ("PATCH", "/api/v1/indicators/{id}", STAFF),
    ("PUT", "/api/v1/indicators/{id}/plan", STAFF),
    ("PUT", "/api/v1/indicators/{id}/proof", STAFF),
    ("GET", "/api/v1/overdue", STAFF),
    ("POST", "/api/v1/indicators/{id}/evidence", CONTRIBUTORS),
    ("GET", "/api/v1/projects/{code}/evidence", READERS),
    ("GET", "/api/v1/projects/{code}/audit", READERS),
    ("GET", "/api/v1/evidence/{id}", READERS),
    ("POST", "/api/v1/evidence/{id}/review", STAFF),
    ("GET", "/api/v1/evidence/{id}/files/{n}", READERS),
    ("GET", "/api/v1/review-queue", STAFF),
    ("GET", "/api/v1/projects/{code}/reports", READERS),
    ("POST", "/api/v1/projects/{code}/reports", READERS),
    ("GET", "/api/v1/reports/{id}/{format}", READERS),
];

const CODE: &str = "SH-KJ-2024-001";

/// What the routes' path parameters stand for in one visitor's database.
pub(crate) struct Fixture {
    indicator: i64,
    evidence: i64,
    guide: i64,
    report: i64,
    outbox: i64,
    pi: i64,
    /// Two of the PI's tokens: one for the page that revokes, one for the API.
    spare_tokens: (i64, i64),
    calendar: String,
    /// A live password-reset token of the PI's.
    reset: String,
}

impl Fixture {
    /// The project's indicator, which holds the evidence.
    pub(crate) fn indicator(&self) -> i64 {
        self.indicator
    }

    /// What a form is posted with: nothing, but for the token a reset form carries.
    fn fields(&self, pattern: &str) -> Vec<(&'static str, String)> {
        if pattern == "/password/reset" { vec![("token", self.reset.clone())] } else { Vec::new() }
    }

    /// The concrete path for a route pattern.
    pub(crate) fn path(&self, pattern: &str) -> String {
        let id = if pattern.contains("/indicators/{id}") {
            self.indicator
        } else if pattern.contains("/evidence/{id}") {
            self.evidence
        } else if pattern.contains("/guides/{id}") {
            self.guide
        } else if pattern.contains("/reports/{id}") {
            self.report
        } else if pattern.contains("/admin/outbox/{id}") {
            self.outbox
        } else if pattern.contains("/admin/users/{id}") {
            self.pi
        } else if pattern.starts_with("/account/tokens/{id}") {
            self.spare_tokens.0
        } else if pattern.contains("/tokens/{id}") {
            self.spare_tokens.1
        } else {
            1
        };
        if pattern == "/password/reset" {
            return format!("/password/reset?token={}", self.reset);
        }
        pattern
            .replace("{code}", CODE)
            .replace("{id}", &id.to_string())
            .replace("{n}", "1")
            .replace("{format}", if pattern.starts_with("/dashboard") { "csv" } else { "html" })
            .replace("{name}.png", "region.png")
            .replace("{name}", "app.css")
            .replace("{tag}", "en")
            .replace("{field}", "pi")
            .replace("{year}", "2030")
            .replace("{file}", &format!("{}.ics", self.calendar))
    }
}

/// Whether the response refused the visitor: 401, 403, 404, or the way to the login form. A failed
/// login is the login form's own answer (401), not a refusal of the route.
fn refused(route: &Listed, page: &crate::common::Page) -> bool {
    let login_form = route.path == "/login";
    match page.status {
        StatusCode::UNAUTHORIZED => !login_form,
        StatusCode::FORBIDDEN | StatusCode::NOT_FOUND => true,
        StatusCode::SEE_OTHER => page.location() == "/login" || page.location().starts_with("/login?next="),
        _ => false,
    }
}

/// Reads first, then writes, an administrator replacing the PI's password after the other writes
/// (it ends the PI's reset links, sessions and tokens, which some of them use), logging out last.
fn walk_order(route: &Listed) -> (u8, String) {
    let rank = if route.path == "/logout" {
        3
    } else if route.path == "/admin/users/{id}/password" {
        2
    } else if route.method == Method::GET {
        0
    } else {
        1
    };
    (rank, route.path.clone())
}

#[actix_web::test]
async fn every_route_has_a_policy_and_every_policy_a_route() {
    let served: BTreeSet<(String, String)> = route_list().into_iter().map(|r| (r.method.to_string(), r.path)).collect();
    let written: BTreeSet<(String, String)> =
        POLICY.iter().map(|(m, p, _)| ((*m).to_owned(), (*p).to_owned())).collect();
    assert_eq!(POLICY.len(), written.len(), "a route is in the policy twice");
    let unwritten: Vec<_> = served.difference(&written).collect();
    let stale: Vec<_> = written.difference(&served).collect();
    assert!(unwritten.is_empty(), "routes without a policy: {unwritten:?}");
    assert!(stale.is_empty(), "policy lines for routes that are gone: {stale:?}");
}

#[actix_web::test]
async fn every_route_allows_exactly_whom_the_policy_names() {
    let mut routes = route_list();
    routes.sort_by_key(walk_order);
    let mut wrong = Vec::new();
    for visitor in VISITORS {
        wrong.extend(walk(visitor, &routes).await);
    }
    assert!(
        wrong.is_empty(),
        "{} of {} checks disagree with the policy:\n{}",
        wrong.len(),
        routes.len() * VISITORS.len(),
        wrong.join("\n")
    );
}

/// One visitor's walk over every route on a fresh database; returns each disagreement.
async fn walk(visitor: Visitor, routes: &[Listed]) -> Vec<String> {
    let s = setup();
    s.app.user("admin@example.org", Role::Admin);
    s.app.user("expert@example.org", Role::Expert);
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let fixture = fixture(&s, &service).await;
    let email = match visitor {
        Anonymous => None,
        Admin => Some("admin@example.org"),
        Staff => Some("staff@example.org"),
        Pi => Some("pi@example.org"),
        OtherPi => Some("other-pi@example.org"),
        Member => Some("member@example.org"),
        Expert => Some("expert@example.org"),
    };
    let mut browser = Browser::new(&service);
    let mut api = Browser::new(&service);
    if let Some(email) = email {
        browser.login(email).await;
        let user = with_conn(&s.app, |c| coop_tracker::db::user::find_by_email(c, email).unwrap().unwrap()).id;
        let (_, token) = s.app.token(user, None);
        api = Browser::with_token(&service, &token);
    }
    let mut wrong = Vec::new();
    for route in routes {
        let allowed = POLICY
            .iter()
            .find(|(m, p, _)| *m == route.method.as_str() && *p == route.path)
            .map_or(&[][..], |(_, _, who)| *who)
            .contains(&visitor);
        let path = fixture.path(&route.path);
        let page = if route.path.starts_with("/api/") {
            let body = (route.method != Method::GET && route.method != Method::DELETE).then(|| json!({}));
            api.json(route.method.clone(), &path, body).await
        } else if route.method == Method::GET {
            browser.get(&path).await
        } else {
            let fields = fixture.fields(&route.path);
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            browser.post(&path, &fields).await
        };
        if page.status.is_server_error() {
            wrong.push(format!("{visitor:?} {} {path}: {} {}", route.method, page.status, page.body));
        } else if refused(route, &page) == allowed {
            let expected = if allowed { "allowed" } else { "refused" };
            wrong.push(format!(
                "{visitor:?} {} {path}: should be {expected}, got {} {}",
                route.method,
                page.status,
                page.location()
            ));
        }
    }
    wrong
}

/// The project with an indicator, a piece of evidence with a file, a submitted report, a queued
/// message, two spare tokens and a calendar feed of the PI's.
pub(crate) async fn fixture<S, B>(s: &crate::projects::Setup, service: &S) -> Fixture
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let mut staff = Browser::with_token(service, &s.staff_token);
    let (_, indicator) = crate::projects::registered_project(&mut staff, s.direction_id).await;
    let mut pi = Browser::new(service);
    pi.login("pi@example.org").await;
    let submitted = pi
        .post_multipart(
            &format!("/indicators/{indicator}/evidence"),
            &[("value", "1"), ("measured_on", "2026-10-20"), ("note", "")],
            &[("files", "记录.pdf", b"%PDF-1.4\n%%EOF\n")],
        )
        .await;
    assert_eq!(submitted.status, StatusCode::SEE_OTHER, "{}", submitted.body);
    let evidence = with_conn(&s.app, |c| {
        use coop_tracker::db::schema::evidence;
        use diesel::prelude::*;
        evidence::table.select(evidence::id).order(evidence::id.desc()).first::<i64>(c).unwrap()
    });
    let report = staff
        .json(
            Method::POST,
            &format!("/api/v1/projects/{CODE}/reports"),
            Some(json!({"kind": "progress", "submit": true})),
        )
        .await;
    assert_eq!(report.status, StatusCode::CREATED, "{}", report.body);
    let report = body(&report)["submitted"]["id"].as_i64().unwrap();
    let guide = with_conn(&s.app, |c| {
        use coop_tracker::db::schema::guides;
        use diesel::prelude::*;
        guides::table.select(guides::id).first::<i64>(c).unwrap()
    });
    let outbox = with_conn(&s.app, |c| {
        use coop_tracker::db::outbox::{self, NewOutboxMessage};
        let message = NewOutboxMessage {
            idempotency_key: "route-access",
            kind: "test",
            to_user_id: Some(s.pi),
            to_address: "pi@example.org",
            locale: "zh-CN",
            subject: "提醒",
            body_text: "正文",
            body_html: None,
            next_attempt_at: test_now(),
            created_at: test_now(),
            list_unsubscribe: None,
            reminder: None,
            password_reset_id: None,
        };
        outbox::enqueue(c, &message).unwrap();
        outbox::list_due(c, test_now(), 1).unwrap()[0]
    });
    let spare_tokens = (s.app.token(s.pi, None).0, s.app.token(s.pi, None).0);
    let calendar = with_conn(&s.app, |c| coop_tracker::app::calendar::renew_feed(c, s.pi, test_now()).unwrap());
    let reset = s.app.reset_link(s.pi, test_now());
    Fixture { indicator, evidence, guide, report, outbox, pi: s.pi, spare_tokens, calendar, reset }
}

#[actix_web::test]
async fn every_form_refuses_a_post_without_its_csrf_token_and_changes_nothing() {
    let s = setup();
    s.app.user("admin@example.org", Role::Admin);
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let fixture = fixture(&s, &service).await;
    let mut anonymous = Browser::new(&service);
    let mut admin = Browser::new(&service);
    admin.login("admin@example.org").await;
    let mut pi = Browser::new(&service);
    pi.login("pi@example.org").await;
    let audit = || {
        with_conn(&s.app, |c| {
            use diesel::prelude::*;
            coop_tracker::db::schema::audit_log::table.count().get_result::<i64>(c).unwrap()
        })
    };
    let before = audit();
    let mut wrong = Vec::new();
    let forms: Vec<Listed> =
        route_list().into_iter().filter(|r| r.method != Method::GET && !r.path.starts_with("/api/")).collect();
    for route in &forms {
        let who = POLICY.iter().find(|(m, p, _)| *m == route.method.as_str() && *p == route.path).map(|(_, _, w)| *w);
        // Someone the route lets through, so that the token is what stops the request.
        let browser = match who {
            Some(who) if who.contains(&Admin) => &mut admin,
            Some(who) if who.contains(&Pi) => &mut pi,
            _ => &mut anonymous,
        };
        let path = fixture.path(&route.path);
        let mut page = browser.post_raw(&path, &[]).await;
        if page.status == StatusCode::BAD_REQUEST {
            // A multipart form (an upload) cannot read a URL-encoded body at all: send it a
            // well-formed multipart body, still without the token.
            let boundary = "----coop-no-token";
            let req = test::TestRequest::post()
                .uri(&path)
                .insert_header(("content-type", format!("multipart/form-data; boundary={boundary}")))
                .set_payload(format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nx\r\n--{boundary}--\r\n"
                ));
            page = browser.request(req).await;
        }
        if page.status != StatusCode::FORBIDDEN || !page.body.contains("表单已过期或来源不明") {
            wrong.push(format!("{} {}: {} {}", route.method, route.path, page.status, page.location()));
        }
    }
    assert!(
        wrong.is_empty(),
        "forms accepted or refused for another reason without a CSRF token:\n{}",
        wrong.join("\n")
    );
    assert_eq!(audit(), before, "a form without its token changed something");
    assert!(forms.len() >= 30, "only {} forms found", forms.len());
}
