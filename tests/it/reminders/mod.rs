//! Reminders and digests: a day-by-day sweep through a whole execution period checked against the
//! calendar worked out independently, delivery over real SMTP on loopback, SMTP faults, concurrent
//! sweeps, review decisions and the weekly digest.

pub(crate) mod pages;

use std::collections::BTreeSet;

use actix_web::http::{Method, StatusCode};
use actix_web::test;
use chrono::{Days, NaiveDate, NaiveDateTime};
use coop_tracker::db::DbConnection;
use coop_tracker::db::schema::{institutions, outbox, projects, reminder_log, users};
use coop_tracker::domain::guide::model::Period;
use coop_tracker::domain::role::Role;
use coop_tracker::domain::status::{Status, evaluate};
use coop_tracker::domain::workdays::{Shift, WorkCalendar};
use coop_tracker::jobs::outbox::drain;
use coop_tracker::jobs::remind::{self, Mode, Queued, Rule};
use coop_tracker::web::build_app;
use diesel::prelude::*;

use crate::common::{Browser, SmtpSink, TestApp, with_conn};
use crate::projects::{Setup, registration, setup_with_env};

const OFFICE: &str = "keyanchu@ecust.example";

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// 09:00 in Shanghai on `day`.
fn morning(day: NaiveDate) -> NaiveDateTime {
    day.and_hms_opt(1, 0, 0).unwrap()
}

/// The registered test project (2024-12-01 to 2026-11-30) with an officer in charge and a research
/// office address; returns its id and the officer's.
async fn project(s: &Setup) -> (i64, i64) {
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let mut staff = Browser::with_token(&service, &s.staff_token);
    let created = staff.json(Method::POST, "/api/v1/projects", Some(registration(s.direction_id))).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let project_id = with_conn(&s.app, |c| {
        projects::table.filter(projects::code.eq("SH-KJ-2024-001")).select(projects::id).first::<i64>(c).unwrap()
    });
    let officer = with_conn(&s.app, |c| {
        let officer: i64 =
            users::table.filter(users::email.eq("staff@example.org")).select(users::id).first(c).unwrap();
        diesel::update(projects::table.find(project_id)).set(projects::officer_user_id.eq(officer)).execute(c).unwrap();
        diesel::update(institutions::table.filter(institutions::name.eq("华东理工大学")))
            .set((institutions::research_office_name.eq("科研处"), institutions::research_office_email.eq(OFFICE)))
            .execute(c)
            .unwrap();
        officer
    });
    (project_id, officer)
}

/// The first checkpoint due, and the day its 30-day overdue step goes out: PI, research office and
/// officer together.
fn escalation_day(app: &TestApp, project_id: i64) -> (NaiveDate, NaiveDate) {
    let due = with_conn(app, |c| coop_tracker::db::project::tracked_indicators(c, project_id).unwrap())
        .iter()
        .flat_map(|i| i.checkpoints.iter().map(|c| c.due_on))
        .min()
        .unwrap();
    (due, WorkCalendar::china().send_day(due + Days::new(30), Shift::Later))
}

/// Logs a value measured on a day for an indicator through the page form, as a PI or member does.
async fn submit<S, B>(browser: &mut Browser<'_, S>, indicator: i64, value: &str, measured_on: &str)
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let path = format!("/indicators/{indicator}/evidence");
    let done =
        browser.post_multipart(&path, &[("value", value), ("measured_on", measured_on), ("note", "")], &[]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
}

/// The test setup with mail going to a real SMTP server on loopback; `extra` adds settings.
fn setup_with_smtp(extra: &[(&str, &str)]) -> (SmtpSink, Setup) {
    let (sink, port) = SmtpSink::start();
    let mut vars = vec![("COOP_SMTP_HOST", "127.0.0.1"), ("COOP_SMTP_PORT", port.as_str()), ("COOP_SMTP_TLS", "none")];
    vars.extend_from_slice(extra);
    (sink, setup_with_env(&vars))
}

fn sweep(app: &TestApp, day: NaiveDate) -> Vec<Queued> {
    remind::run(&app.state.pool, &app.state.config, day, morning(day), Mode::Queue).unwrap().messages
}

/// One reminder item as the test compares them: the day it went out, the rule, the audience, the
/// subject entity (as in the item key) and the step.
type Sent = (NaiveDate, Rule, &'static str, String, u32);

fn audience_name(queued: &Queued) -> &'static str {
    match serde_json::to_value(queued.audience).unwrap().as_str().unwrap() {
        "pi" => "pi",
        "research_office" => "research_office",
        "officer" => "officer",
        _ => "staff",
    }
}

fn items_of(day: NaiveDate, messages: &[Queued]) -> Vec<Sent> {
    messages
        .iter()
        .flat_map(|m| {
            m.items.iter().map(move |key| {
                let parts: Vec<&str> = key.split(':').collect();
                (day, m.rule, audience_name(m), parts[1].to_owned(), parts[2].parse().unwrap())
            })
        })
        .collect()
}

/// What the rules say should go out, worked out from the checkpoints and the status engine directly
/// rather than from the stored timelines the sweep reads. `sweep_on` says on which day the sweep
/// that sends for a working day runs (the day itself when the sweep runs daily, a later one when
/// days were missed); an item is listed under that day.
fn expected(
    conn: &mut DbConnection,
    project_id: i64,
    until: NaiveDate,
    sweep_on: &dyn Fn(NaiveDate) -> NaiveDate,
) -> BTreeSet<Sent> {
    let calendar = WorkCalendar::china();
    let period = Period { start: date("2024-12-01"), end: date("2026-11-30") };
    let mut expected = BTreeSet::new();
    // Ahead of a date: the working day before a day off; after a date: the working day after.
    let ahead = |nominal: NaiveDate| sweep_on(calendar.send_day(nominal, Shift::Earlier));
    let late = |nominal: NaiveDate| sweep_on(calendar.send_day(nominal, Shift::Later));
    let tracked = coop_tracker::db::project::tracked_indicators(conn, project_id).unwrap();
    let mut mid_term = BTreeSet::new();
    for i in &tracked {
        let status_on = |day: NaiveDate| evaluate(&i.target, &i.checkpoints, &i.observations, period, day, 30);
        for c in &i.checkpoints {
            if c.kind == coop_tracker::domain::plan::CheckpointKind::MidTerm {
                mid_term.insert(c.due_on);
            }
            let entity = format!("i{}@{}", i.id, c.due_on);
            // Upcoming: unmet as things stand on its due date, and sent no later than the due date.
            let on_due = status_on(c.due_on);
            let unmet = on_due.status == Status::Overdue
                || (on_due.status == Status::AtRisk && on_due.due_soon == Some(c.due_on));
            if unmet {
                for offset in [30, 7, 1] {
                    let day = ahead(c.due_on - Days::new(offset));
                    if day <= until && day <= c.due_on {
                        expected.insert((day, Rule::Upcoming, "pi", entity.clone(), offset as u32));
                    }
                }
            }
            // Overdue: the ladder runs from the earliest due date that passed unmet, as long as it
            // still is on the day the reminder goes out; its last step repeats every 30 days.
            let repeats = (2..).map(|k| (30 * k, &["pi", "research_office", "officer"][..]));
            let ladder = [
                (1, &["pi"][..]),
                (7, &["pi"]),
                (14, &["research_office"]),
                (30, &["pi", "research_office", "officer"]),
            ];
            for (offset, audiences) in ladder.into_iter().chain(repeats) {
                let day = late(c.due_on + Days::new(offset));
                if day > until {
                    break;
                }
                assert!(day > c.due_on, "an overdue step on or before its due date");
                let e = status_on(day);
                if matches!(e.status, Status::Overdue | Status::Missed) && e.overdue_since == Some(c.due_on) {
                    for audience in audiences {
                        expected.insert((day, Rule::Overdue, *audience, entity.clone(), offset as u32));
                    }
                }
            }
        }
    }
    let terms = mid_term.into_iter().map(|d| (Rule::MidTerm, d)).chain([(Rule::Acceptance, period.end)]);
    for (rule, due) in terms {
        for offset in [60, 14] {
            let day = ahead(due - Days::new(offset));
            if day <= until && day <= due {
                for audience in ["pi", "staff"] {
                    expected.insert((day, rule, audience, format!("p{project_id}@{due}"), offset as u32));
                }
            }
        }
    }
    expected
}

/// Sweeps on each of `days` in turn and collects every item queued, failing on any queued twice.
fn sweep_days(app: &TestApp, days: impl Iterator<Item = NaiveDate>) -> BTreeSet<Sent> {
    let mut sent: BTreeSet<Sent> = BTreeSet::new();
    for day in days {
        for item in items_of(day, &sweep(app, day)) {
            assert!(sent.insert(item.clone()), "queued twice: {item:?}");
        }
    }
    sent
}

fn compare(sent: &BTreeSet<Sent>, want: &BTreeSet<Sent>) {
    let missing: Vec<_> = want.difference(sent).collect();
    let extra: Vec<_> = sent.difference(want).collect();
    assert!(missing.is_empty() && extra.is_empty(), "missing {missing:#?}\nunexpected {extra:#?}");
}

#[actix_web::test]
async fn a_day_by_day_sweep_through_the_whole_period_sends_exactly_what_the_rules_say() {
    let s = setup_with_env(&[]);
    let (project_id, _) = project(&s).await;
    // One indicator meets its mid-term checkpoint early, so its upcoming and overdue reminders for
    // that checkpoint must not go out.
    let met = with_conn(&s.app, |c| coop_tracker::db::project::tracked_indicators(c, project_id).unwrap())
        .into_iter()
        .find(|i| i.target.value == Some(95.0))
        .unwrap();
    crate::projects::verified(&s.app, met.id, s.pi, "2025-03-01", 96.0);

    let (start, end) = (date("2024-11-01"), date("2027-01-31"));
    let sent = sweep_days(&s.app, start.iter_days().take_while(|d| *d <= end));
    let want = with_conn(&s.app, |c| expected(c, project_id, end, &|day| day));
    compare(&sent, &want);

    for rule in [Rule::Upcoming, Rule::Overdue, Rule::MidTerm, Rule::Acceptance] {
        assert!(sent.iter().any(|s| s.1 == rule), "no {rule:?} reminder in two years");
    }
    for audience in ["pi", "research_office", "officer", "staff"] {
        assert!(sent.iter().any(|s| s.2 == audience), "nothing to {audience}");
    }
    eprintln!("{} reminder items over the period", sent.len());

    // The calendar and ladder properties the sweep must show, spelled out.
    let calendar = WorkCalendar::china();
    assert!(sent.iter().all(|(day, ..)| calendar.is_workday(*day)), "nothing goes out on a day off");
    let acceptance_60 = format!("p{project_id}@2026-11-30");
    assert!(
        sent.contains(&(date("2026-09-30"), Rule::Acceptance, "pi", acceptance_60.clone(), 60)),
        "60 days before 30 November is 1 October, National Day: sent on 30 September"
    );
    assert!(sent.contains(&(date("2026-09-30"), Rule::Acceptance, "staff", acceptance_60, 60)));
    let overdue: Vec<&Sent> = sent.iter().filter(|s| s.1 == Rule::Overdue).collect();
    assert!(!overdue.is_empty());
    for (_, _, audience, _, offset) in &overdue {
        let repeat = *offset > 30 && offset % 30 == 0;
        match *audience {
            "pi" => assert!([1, 7, 30].contains(offset) || repeat),
            "research_office" => assert!([14, 30].contains(offset) || repeat),
            "officer" => assert!(*offset == 30 || repeat),
            other => panic!("overdue reminder to {other}"),
        }
    }
    assert!(overdue.iter().any(|s| s.4 == 90), "an indicator overdue for 90 days is reminded again");
    // Dragon Boat 2025 (31 May – 2 June) and National Day 2025 (1–8 October): nothing goes out on
    // them, an overdue step falling in them goes out after, an upcoming one before.
    let holidays = [date("2025-05-31")..=date("2025-06-02"), date("2025-10-01")..=date("2025-10-08")];
    assert!(!sent.iter().any(|s| holidays.iter().any(|h| h.contains(&s.0))));
    let met_entity = format!("i{}@", met.id);
    let met_mid = met.checkpoints.iter().find(|c| c.planned.is_some_and(|p| p <= 96.0)).unwrap().due_on;
    assert!(
        !sent.iter().any(|s| s.3 == format!("{met_entity}{met_mid}")),
        "a checkpoint already met is neither reminded of nor overdue"
    );

    // Sweeping a day again queues nothing new, and every item is logged once.
    assert!(sweep(&s.app, date("2026-09-30")).is_empty());
    let logged: i64 = with_conn(&s.app, |c| reminder_log::table.count().get_result(c).unwrap());
    assert_eq!(logged as usize, sent.len());
}

#[actix_web::test]
async fn days_without_a_sweep_are_caught_up_by_the_next_one_and_nothing_is_sent_twice() {
    let s = setup_with_env(&[]);
    let (project_id, _) = project(&s).await;
    // The sweep misses two days in three, a fortnight over the 2025 Dragon Boat holiday, a week and
    // a half over National Day 2025, and the three weeks after the first checkpoint falls due; the
    // longest gap is within the 30-day catch-up limit.
    let (due, _) = escalation_day(&s.app, project_id);
    let (start, end) = (date("2024-11-01"), date("2027-01-31"));
    let gaps =
        [date("2025-05-20")..=date("2025-06-04"), date("2025-09-29")..=date("2025-10-09"), due..=due + Days::new(20)];
    let swept: Vec<NaiveDate> = start
        .iter_days()
        .take_while(|d| *d <= end)
        .enumerate()
        .filter(|(n, d)| n % 3 == 0 && !gaps.iter().any(|g| g.contains(d)))
        .map(|(_, d)| d)
        .collect();
    let sent = sweep_days(&s.app, swept.iter().copied());
    // Each working day's reminders go out with the first sweep on or after it.
    let sweep_on = |day: NaiveDate| swept.iter().copied().find(|s| *s >= day).unwrap_or(end + Days::new(1));
    let want = with_conn(&s.app, |c| expected(c, project_id, end, &sweep_on));
    compare(&sent, &want);
    // The sweep after the checkpoint's gap sent its day-1, day-7 and day-14 steps late, not never.
    let after = sweep_on(due + Days::new(21));
    let late: BTreeSet<u32> = sent.iter().filter(|s| s.0 == after && s.1 == Rule::Overdue).map(|s| s.4).collect();
    assert!([1, 7, 14].iter().all(|o| late.contains(o)), "{late:?} on {after}");
    let skipped: i64 = with_conn(&s.app, |c| {
        use coop_tracker::db::schema::reminder_sweeps;
        reminder_sweeps::table.filter(reminder_sweeps::skipped_from.is_not_null()).count().get_result(c).unwrap()
    });
    assert_eq!(skipped, 0);
}

#[actix_web::test]
async fn days_beyond_the_catch_up_limit_are_counted_and_shown_as_skipped() {
    let s = setup_with_env(&[]);
    let (project_id, _) = project(&s).await;
    let (due, _) = escalation_day(&s.app, project_id);
    sweep(&s.app, due);
    // 60 days later: the last 30 are caught up, the 29 before are counted as skipped (the overdue
    // steps of day 1, 7 and 14 among them).
    let day = due + Days::new(60);
    let report = remind::run(&s.app.state.pool, &s.app.state.config, day, morning(day), Mode::Queue).unwrap();
    assert_eq!(report.covered.first(), Some(&(due + Days::new(31))));
    assert_eq!(report.covered.len(), 30);
    let skipped = report.skipped.unwrap();
    assert_eq!((skipped.from, skipped.until), (due + Days::new(1), due + Days::new(30)));
    assert!(skipped.items >= 3, "{skipped:?}");
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let mut staff = Browser::new(&service);
    staff.login("staff@example.org").await;
    let page = staff.get("/admin/outbox").await;
    assert_eq!(page.status, StatusCode::OK);
    let line =
        format!("{} 至 {} 已超出补发范围，这些日子的 {} 条提醒未发送", skipped.from, skipped.until, skipped.items);
    assert!(page.body.contains(&line), "{}", page.body);
}

/// The raw messages the sink received, parsed.
fn parsed(raw: &[String]) -> Vec<mailparse::ParsedMail<'_>> {
    raw.iter().map(|m| mailparse::parse_mail(m.as_bytes()).unwrap()).collect()
}

fn header(mail: &mailparse::ParsedMail<'_>, name: &str) -> Option<String> {
    use mailparse::MailHeaderMap;
    mail.headers.get_first_value(name)
}

fn part(mail: &mailparse::ParsedMail<'_>, mime: &str) -> String {
    mail.subparts
        .iter()
        .find(|p| p.ctype.mimetype == mime)
        .unwrap_or_else(|| panic!("no {mime} part"))
        .get_body()
        .unwrap()
}

#[actix_web::test]
async fn reminders_reach_a_real_smtp_server_in_each_recipients_language() {
    let (sink, s) = setup_with_smtp(&[("COOP_BASE_URL", "https://tracker.example")]);
    let (project_id, _) = project(&s).await;
    // The officer reads English.
    with_conn(&s.app, |c| {
        diesel::update(users::table.filter(users::email.eq("staff@example.org"))).set(users::locale.eq("en")).execute(c)
    })
    .unwrap();
    let (due, day) = escalation_day(&s.app, project_id);
    let queued = sweep(&s.app, day);
    let overdue: Vec<&Queued> = queued.iter().filter(|m| m.rule == Rule::Overdue).collect();
    assert_eq!(overdue.len(), 3, "{queued:#?}");
    let report = drain(&s.app.state.pool, &s.app.state.mailer, &s.app.state.config, "test", morning(day)).unwrap();
    assert_eq!(report.sent, queued.len());
    let raw = sink.wait_for(queued.len());
    assert_eq!(raw.len(), queued.len());
    let mails = parsed(&raw);
    let find = |address: &str, marker: &str| {
        mails
            .iter()
            .find(|m| {
                header(m, "To").is_some_and(|t| t.contains(address))
                    && header(m, "Subject").is_some_and(|s| s.contains(marker))
            })
            .unwrap_or_else(|| panic!("no {marker} message to {address}"))
    };
    let pi = find("pi@example.org", "【逾期提醒】");
    let subject = header(pi, "Subject").unwrap();
    assert!(subject.starts_with("【逾期提醒】SH-KJ-2024-001："), "{subject}");
    assert_eq!(pi.ctype.mimetype, "multipart/alternative");
    let (text, html) = (part(pi, "text/plain"), part(pi, "text/html"));
    for body in [&text, &html] {
        assert!(body.contains("考核目标") && body.contains("计划值") && body.contains("已核实值"), "{body}");
        assert!(body.contains("逾期天数") && body.contains("30 天"), "{body}");
        assert!(body.contains("https://tracker.example/indicators/"), "{body}");
        assert!(body.contains(&due.to_string()), "{body}");
    }
    assert!(html.contains("<html lang=\"zh-CN\">"));
    let office = find(OFFICE, "【逾期督办】");
    assert!(header(office, "Subject").unwrap().starts_with("【逾期督办】"));
    assert!(part(office, "text/plain").contains("华东理工大学科研处"));
    let officer = find("staff@example.org", "Overdue");
    let subject = header(officer, "Subject").unwrap();
    assert!(subject.starts_with("Overdue, escalated: "), "{subject}");
    let text = part(officer, "text/plain");
    assert!(text.contains("Days overdue") && text.contains("SH-KJ-2024-001 · "), "{text}");
    assert!(part(officer, "text/html").contains("<html lang=\"en\">"));
    assert!(header(officer, "List-Unsubscribe").is_none(), "reminders cannot be unsubscribed from");

    // Nothing is sent twice.
    assert!(sweep(&s.app, day).is_empty());
    assert_eq!(
        drain(&s.app.state.pool, &s.app.state.mailer, &s.app.state.config, "test", morning(day)).unwrap().sent,
        0
    );
    assert_eq!(sink.wait_for(queued.len() + 1).len(), queued.len());
}

/// The outbox row of a queued message: its bodies and the reminder it carries.
fn stored(app: &TestApp, key: &str) -> (String, Option<String>, Option<String>) {
    with_conn(app, |c| {
        outbox::table
            .filter(outbox::idempotency_key.eq(key))
            .select((outbox::body_text, outbox::body_html, outbox::reminder))
            .first(c)
            .unwrap()
    })
}

#[actix_web::test]
async fn a_reminder_is_written_when_it_is_sent_from_the_records_as_they_are_then() {
    let (sink, s) = setup_with_smtp(&[]);
    let (project_id, _) = project(&s).await;
    let (due, day) = escalation_day(&s.app, project_id);
    let queued = sweep(&s.app, day);
    let message = queued.iter().find(|m| m.rule == Rule::Overdue && m.to == "pi@example.org").unwrap();
    let (text, html, reminder) = stored(&s.app, &message.idempotency_key);
    assert_eq!((text.as_str(), html), ("", None), "the sweep stores no bodies");
    assert!(reminder.is_some_and(|json| json.contains("\"items\"")));

    // Between the sweep and the send, a value for the first indicator is logged and accepted.
    let indicator_id: i64 =
        message.items[0].split(':').nth(1).unwrap()[1..].split('@').next().unwrap().parse().unwrap();
    let indicator = with_conn(&s.app, |c| coop_tracker::db::project::tracked_indicators(c, project_id).unwrap())
        .into_iter()
        .find(|i| i.id == indicator_id)
        .unwrap();
    let value = indicator.target.value.expect("a numeric indicator") / 2.0;
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let mut pi = Browser::new(&service);
    pi.login("pi@example.org").await;
    submit(&mut pi, indicator_id, &value.to_string(), &due.to_string()).await;
    let evidence_id: i64 = with_conn(&s.app, |c| {
        use coop_tracker::db::schema::evidence;
        evidence::table.filter(evidence::indicator_id.eq(indicator_id)).select(evidence::id).first(c).unwrap()
    });
    let mut staff = Browser::with_token(&service, &s.staff_token);
    let review = Some(serde_json::json!({"decision": "accept"}));
    let accepted = staff.json(Method::POST, &format!("/api/v1/evidence/{evidence_id}/review"), review).await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);

    drain(&s.app.state.pool, &s.app.state.mailer, &s.app.state.config, "test", morning(day)).unwrap();
    let raw = sink.wait_for(queued.len());
    let mails = parsed(&raw);
    let mail = mails.iter().find(|m| header(m, "Subject").as_deref() == Some(message.subject.as_str())).unwrap();
    let unit = indicator.target.unit.clone().unwrap_or_default();
    let verified = format!("已核实值：{} {unit}", coop_tracker::domain::target::number(value));
    let sent_text = part(mail, "text/plain");
    assert!(sent_text.contains(verified.trim_end()), "{verified} missing from {sent_text}");
    // What was sent is kept.
    let (text, html, _) = stored(&s.app, &message.idempotency_key);
    assert!(text.contains(verified.trim_end()), "{text}");
    assert!(html.is_some_and(|html| html.contains("<html lang=\"zh-CN\">")));
}

#[actix_web::test]
async fn a_reminder_writes_a_relative_targets_value_as_the_pages_do() {
    let (sink, s) = setup_with_smtp(&[]);
    let (project_id, _) = project(&s).await;
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let mut staff = Browser::with_token(&service, &s.staff_token);
    let output = with_conn(&s.app, |c| coop_tracker::db::project::tracked_indicators(c, project_id).unwrap())
        .into_iter()
        .find(|i| i.metric == "产量")
        .unwrap()
        .id;
    let baseline = serde_json::json!({"baseline": 100, "baseline_unit": "吨", "baseline_on": "2024-11-30",
        "baseline_source": "2024年生产统计报表"});
    let set = staff.json(Method::PATCH, &format!("/api/v1/indicators/{output}"), Some(baseline)).await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    // 105 吨 is +5 % against 100 吨: short of the +10 % due at the mid-term check.
    let mut pi = Browser::new(&service);
    pi.login("pi@example.org").await;
    submit(&mut pi, output, "105", "2025-06-01").await;
    let evidence_id: i64 = with_conn(&s.app, |c| {
        use coop_tracker::db::schema::evidence;
        evidence::table.filter(evidence::indicator_id.eq(output)).select(evidence::id).first(c).unwrap()
    });
    let review = Some(serde_json::json!({"decision": "accept"}));
    let accepted = staff.json(Method::POST, &format!("/api/v1/evidence/{evidence_id}/review"), review).await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);

    let (_, day) = escalation_day(&s.app, project_id);
    let queued = sweep(&s.app, day);
    let message = queued.iter().find(|m| m.rule == Rule::Overdue && m.to == "pi@example.org").unwrap();
    assert!(message.items.iter().any(|i| i.contains(&format!(":i{output}@"))), "{:?}", message.items);
    drain(&s.app.state.pool, &s.app.state.mailer, &s.app.state.config, "test", morning(day)).unwrap();
    let raw = sink.wait_for(queued.len());
    let mails = parsed(&raw);
    let mail = mails.iter().find(|m| header(m, "Subject").as_deref() == Some(message.subject.as_str())).unwrap();
    let text = part(mail, "text/plain");
    assert!(text.contains("已核实值：105 吨（较基线 +5.0 %）"), "the measured quantity and its change: {text}");
    assert!(part(mail, "text/html").contains("105 吨（较基线 +5.0 %）"));
}

#[actix_web::test]
async fn a_reminder_that_cannot_be_written_is_retried_and_the_others_still_go() {
    let (sink, s) = setup_with_smtp(&[]);
    let (project_id, _) = project(&s).await;
    let (_, day) = escalation_day(&s.app, project_id);
    let queued = sweep(&s.app, day);
    assert!(queued.len() >= 3, "{queued:#?}");
    let broken = &queued[0].idempotency_key;
    with_conn(&s.app, |c| {
        diesel::update(outbox::table.filter(outbox::idempotency_key.eq(broken)))
            .set(outbox::reminder.eq("{\"recipient\":"))
            .execute(c)
            .unwrap()
    });
    let report = drain(&s.app.state.pool, &s.app.state.mailer, &s.app.state.config, "test", morning(day)).unwrap();
    assert_eq!((report.sent, report.retrying, report.failed), (queued.len() - 1, 1, 0));
    assert_eq!(sink.wait_for(queued.len()).len(), queued.len() - 1);
    let (status, error): (String, Option<String>) = with_conn(&s.app, |c| {
        outbox::table
            .filter(outbox::idempotency_key.eq(broken))
            .select((outbox::status, outbox::last_error))
            .first(c)
            .unwrap()
    });
    assert_eq!(status, "pending");
    assert!(error.is_some_and(|e| e.contains("a queued reminder that does not read")));
}

fn statuses(app: &TestApp) -> Vec<(String, i32)> {
    with_conn(app, |c| {
        outbox::table.order(outbox::id.asc()).select((outbox::status, outbox::attempts)).load(c).unwrap()
    })
}

/// A mailer for the app's configuration with other SMTP settings, as after an operator's restart.
fn mailer_with(app: &TestApp, vars: &[(&str, &str)]) -> coop_tracker::mail::Mailer {
    let overrides = coop_tracker::config::Overrides {
        data_dir: Some(app.state.config.data_dir.clone()),
        database_url: Some("unused.sqlite3".into()),
        ..Default::default()
    };
    let vars: std::collections::HashMap<String, String> =
        vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let config = coop_tracker::config::Config::load(&overrides, &|k| vars.get(k).cloned()).unwrap();
    coop_tracker::mail::Mailer::from_config(&config).unwrap()
}

#[actix_web::test]
async fn with_smtp_refusing_then_silent_nothing_is_lost_and_everything_arrives_once_it_is_back() {
    let s = setup_with_env(&[]);
    let (project_id, _) = project(&s).await;
    let (_, day) = escalation_day(&s.app, project_id);
    let queued = sweep(&s.app, day);
    assert!(queued.len() >= 3, "{queued:#?}");

    // Refusing connections: a port nobody listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port().to_string();
    let refusing =
        mailer_with(&s.app, &[("COOP_SMTP_HOST", "127.0.0.1"), ("COOP_SMTP_PORT", &closed), ("COOP_SMTP_TLS", "none")]);
    let first = drain(&s.app.state.pool, &refusing, &s.app.state.config, "test", morning(day)).unwrap();
    assert_eq!((first.sent, first.retrying), (0, queued.len()));
    assert!(statuses(&s.app).iter().all(|(status, attempts)| status == "pending" && *attempts == 1));

    // Timing out: a server that accepts the connection and never says a word.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_port = silent.local_addr().unwrap().port().to_string();
    let timing_out = mailer_with(
        &s.app,
        &[
            ("COOP_SMTP_HOST", "127.0.0.1"),
            ("COOP_SMTP_PORT", &silent_port),
            ("COOP_SMTP_TLS", "none"),
            ("COOP_SMTP_TIMEOUT_SECONDS", "1"),
        ],
    );
    // Still waiting out the back-off: nothing is tried.
    assert_eq!(drain(&s.app.state.pool, &timing_out, &s.app.state.config, "test", morning(day)).unwrap().retrying, 0);
    let later = morning(day) + chrono::Duration::hours(1);
    let second = drain(&s.app.state.pool, &timing_out, &s.app.state.config, "test", later).unwrap();
    assert_eq!((second.sent, second.retrying), (0, queued.len()));
    let errors: Vec<Option<String>> = with_conn(&s.app, |c| {
        coop_tracker::db::schema::outbox_attempts::table
            .select(coop_tracker::db::schema::outbox_attempts::error)
            .load(c)
            .unwrap()
    });
    assert_eq!(errors.len(), 2 * queued.len(), "every attempt is recorded");
    assert!(errors.iter().all(Option::is_some));
    drop(silent);

    // Back: everything is delivered, once.
    let (sink, port) = SmtpSink::start();
    let back =
        mailer_with(&s.app, &[("COOP_SMTP_HOST", "127.0.0.1"), ("COOP_SMTP_PORT", &port), ("COOP_SMTP_TLS", "none")]);
    let tomorrow = morning(day) + chrono::Duration::days(1);
    assert_eq!(drain(&s.app.state.pool, &back, &s.app.state.config, "test", tomorrow).unwrap().sent, queued.len());
    assert_eq!(drain(&s.app.state.pool, &back, &s.app.state.config, "test", tomorrow).unwrap().sent, 0);
    assert!(sweep(&s.app, day).is_empty(), "a sweep after the outage queues nothing again");
    assert_eq!(sink.wait_for(queued.len() + 1).len(), queued.len());
    assert!(statuses(&s.app).iter().all(|(status, attempts)| status == "sent" && *attempts == 3));
}

#[actix_web::test]
async fn a_sender_that_stopped_mid_send_has_its_claim_released_and_the_message_still_goes() {
    let s = setup_with_env(&[]);
    project(&s).await;
    let day = date("2026-09-30");
    let queued = sweep(&s.app, day).len();
    // A sender claimed one message and died before marking it.
    with_conn(&s.app, |c| coop_tracker::db::outbox::claim(c, 1, "crashed", morning(day)).unwrap().unwrap());
    let (sink, port) = SmtpSink::start();
    let mailer =
        mailer_with(&s.app, &[("COOP_SMTP_HOST", "127.0.0.1"), ("COOP_SMTP_PORT", &port), ("COOP_SMTP_TLS", "none")]);
    assert_eq!(
        drain(&s.app.state.pool, &mailer, &s.app.state.config, "test", morning(day)).unwrap().sent,
        queued - 1,
        "a fresh claim is left alone"
    );
    let later = morning(day) + chrono::Duration::minutes(20);
    assert_eq!(drain(&s.app.state.pool, &mailer, &s.app.state.config, "test", later).unwrap().sent, 1);
    assert_eq!(sink.wait_for(queued).len(), queued);
}

#[actix_web::test]
async fn two_sweeps_at_once_queue_each_reminder_once() {
    let s = setup_with_env(&[]);
    let (project_id, _) = project(&s).await;
    let (_, day) = escalation_day(&s.app, project_id);
    let expected = remind::run(&s.app.state.pool, &s.app.state.config, day, morning(day), Mode::DryRun).unwrap();
    let items: usize = expected.messages.iter().map(|m| m.items.len()).sum();
    assert!(items >= 4);
    for _ in 0..3 {
        with_conn(&s.app, |c| {
            diesel::delete(outbox::table).execute(c).unwrap();
            diesel::delete(reminder_log::table).execute(c).unwrap();
        });
        let barrier = std::sync::Barrier::new(2);
        let queued: Vec<Vec<Queued>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..2)
                .map(|_| {
                    scope.spawn(|| {
                        barrier.wait();
                        sweep(&s.app, day)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let carried: usize = queued.iter().flatten().map(|m| m.items.len()).sum();
        assert_eq!(carried, items, "each item in exactly one message: {queued:#?}");
        let rows: i64 = with_conn(&s.app, |c| reminder_log::table.count().get_result(c).unwrap());
        assert_eq!(rows as usize, items);
    }
}

#[actix_web::test]
async fn evidence_waiting_a_week_for_review_is_brought_to_staff_on_the_working_day_after() {
    let s = setup_with_env(&[]);
    let (project_id, _) = project(&s).await;
    let indicator = with_conn(&s.app, |c| coop_tracker::db::project::tracked_indicators(c, project_id).unwrap())
        .into_iter()
        .find(|i| i.target.value == Some(95.0))
        .unwrap()
        .id;
    // Submitted on Sunday 22 November 2026 (test_now): seven days later is Sunday 29 November.
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let mut pi = Browser::new(&service);
    pi.login("pi@example.org").await;
    submit(&mut pi, indicator, "90", "2026-11-20").await;
    let waiting = |day: &str| -> Vec<Queued> {
        sweep(&s.app, date(day)).into_iter().filter(|m| m.rule == Rule::ReviewWaiting).collect()
    };
    assert!(waiting("2026-11-26").is_empty(), "six days");
    assert!(waiting("2026-11-27").is_empty(), "not on Friday: a week has not passed yet");
    let monday = waiting("2026-11-30");
    assert_eq!(monday.len(), 1, "sent on Monday for Sunday");
    assert_eq!(monday[0].to, "staff@example.org", "to the officer in charge");
    let step: Vec<&str> = monday[0].items[0].split(':').collect();
    assert_eq!((step[0], step[2]), ("review_waiting", "7"), "{:?}", monday[0].items);
    assert!(waiting("2026-12-04").is_empty());
    assert_eq!(waiting("2026-12-07").len(), 1, "again after another week (Sunday 6 December, sent Monday)");
}

#[actix_web::test]
async fn a_rejection_is_e_mailed_to_the_pi_at_once_with_the_reason() {
    let (sink, s) = setup_with_smtp(&[]);
    let (project_id, _) = project(&s).await;
    let indicator = with_conn(&s.app, |c| coop_tracker::db::project::tracked_indicators(c, project_id).unwrap())
        .into_iter()
        .find(|i| i.target.value == Some(95.0))
        .unwrap()
        .id;
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let mut member = Browser::new(&service);
    member.login("member@example.org").await;
    submit(&mut member, indicator, "90", "2026-11-20").await;
    let evidence_id: i64 = with_conn(&s.app, |c| {
        coop_tracker::db::schema::evidence::table.select(coop_tracker::db::schema::evidence::id).first(c).unwrap()
    });
    let mut staff = Browser::with_token(&service, &s.staff_token);
    let reviewed = staff
        .json(
            Method::POST,
            &format!("/api/v1/evidence/{evidence_id}/review"),
            Some(serde_json::json!({"decision": "reject", "comment": "检测报告缺少盖章页"})),
        )
        .await;
    assert_eq!(reviewed.status, StatusCode::OK, "{}", reviewed.body);
    let queued: i64 = with_conn(&s.app, |c| outbox::table.count().get_result(c).unwrap());
    assert_eq!(queued, 2, "queued with the review itself");
    // The handler also starts a delivery in the background, which cannot run while this test
    // thread waits on the sink; deliver here instead (the claim makes the two exclusive).
    drain(&s.app.state.pool, &s.app.state.mailer, &s.app.state.config, "test", crate::common::test_now()).unwrap();
    let raw = sink.wait_for(2);
    let mails = parsed(&raw);
    let recipients: BTreeSet<String> = mails.iter().map(|m| header(m, "To").unwrap()).collect();
    assert_eq!(recipients, BTreeSet::from(["member@example.org".to_owned(), "pi@example.org".to_owned()]));
    for mail in &mails {
        assert!(header(mail, "Subject").unwrap().starts_with("【佐证材料未通过】SH-KJ-2024-001"));
        for body in [part(mail, "text/plain"), part(mail, "text/html")] {
            assert!(body.contains("检测报告缺少盖章页"), "{body}");
            assert!(body.contains(&format!("/evidence/{evidence_id}")), "{body}");
        }
    }
}

#[actix_web::test]
async fn the_weekly_digest_lists_overdue_indicators_once_a_week_and_respects_opt_out() {
    let (sink, s) = setup_with_smtp(&[("COOP_BASE_URL", "https://tracker.example")]);
    project(&s).await;
    let quiet = s.app.user("quiet@example.org", Role::Staff);
    with_conn(&s.app, |c| diesel::update(users::table.find(quiet)).set(users::digest_opt_out.eq(true)).execute(c))
        .unwrap();
    let digest = |day: &str| {
        coop_tracker::jobs::digest::run_on_pool(
            &s.app.state.pool,
            &s.app.state.config,
            date(day),
            morning(date(day)),
            Mode::Queue,
        )
        .unwrap()
        .messages
    };
    assert!(digest("2024-12-02").is_empty(), "nothing overdue or at risk: no digest");
    let monday = digest("2026-01-05");
    assert_eq!(monday.len(), 1, "{monday:#?}");
    assert_eq!(monday[0].to, "staff@example.org");
    assert!(digest("2026-01-06").is_empty(), "one digest a week");
    drain(&s.app.state.pool, &s.app.state.mailer, &s.app.state.config, "test", morning(date("2026-01-06"))).unwrap();
    let raw = sink.wait_for(1);
    let mail = &parsed(&raw)[0];
    assert_eq!(header(mail, "List-Unsubscribe").as_deref(), Some("<https://tracker.example/account/notifications>"));
    let subject = header(mail, "Subject").unwrap();
    assert!(subject.starts_with("【每周汇总】"), "{subject}");
    let text = part(mail, "text/plain");
    assert!(text.contains("SH-KJ-2024-001") && text.contains("逾期"), "{text}");
    assert!(part(mail, "text/html").contains("https://tracker.example/projects/SH-KJ-2024-001"));
    assert_eq!(digest("2026-01-12").len(), 1, "the next week again");
}

#[actix_web::test]
async fn pages_say_which_due_dates_fall_on_a_weekend_or_a_holiday() {
    let s = setup_with_env(&[]);
    let (project_id, _) = project(&s).await;
    let tracked = with_conn(&s.app, |c| coop_tracker::db::project::tracked_indicators(c, project_id).unwrap());
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let mut staff = Browser::new(&service);
    staff.login("staff@example.org").await;
    let calendar = WorkCalendar::china();
    let mut days_off = 0;
    for indicator in &tracked {
        let page = staff.get(&format!("/indicators/{}", indicator.id)).await;
        assert_eq!(page.status, StatusCode::OK);
        for c in &indicator.checkpoints {
            let t = coop_tracker::i18n::Locale::ZhCn.t();
            let shown = coop_tracker::i18n::dates::date_text(t, &calendar, c.due_on);
            assert!(page.body.contains(&shown), "{shown} not on the page");
            days_off += usize::from(!calendar.is_workday(c.due_on));
        }
    }
    assert!(days_off > 0, "the plan has a due date on a day off, shown as such");
    let page = staff.get("/projects/SH-KJ-2024-001").await;
    assert!(page.body.contains("（星期"), "the next due dates carry their weekday");
}

#[actix_web::test]
async fn an_admin_enters_a_year_of_holidays_and_a_missing_year_is_said_everywhere() {
    use coop_tracker::db::work_calendar;
    use coop_tracker::domain::role::Role;
    let s = setup_with_env(&[]);
    let (project_id, _) = project(&s).await;
    // The project now runs to mid-2030: 2027 to 2030 have no published arrangement.
    with_conn(&s.app, |c| {
        diesel::update(projects::table.find(project_id))
            .set(projects::execution_end.eq(date("2030-06-30")))
            .execute(c)
            .unwrap()
    });
    s.app.user("admin@example.org", Role::Admin);
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let mut admin = Browser::new(&service);
    admin.login("admin@example.org").await;
    let warning = "节假日安排缺少以下年份，在这些年份中只把周末当作休息日：2027、2028、2029、2030。";
    for path in ["/admin/reminders", "/dashboard"] {
        let page = admin.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(page.body.contains(warning), "{path}: {}", page.body);
    }
    let day = date("2026-11-23");
    let report = remind::run(&s.app.state.pool, &s.app.state.config, day, morning(day), Mode::DryRun).unwrap();
    assert_eq!(report.calendar_missing_years, [2027, 2028, 2029, 2030]);
    let page = admin.get("/admin/calendar").await;
    assert!(page.body.contains("id=\"year-2026\"") && page.body.contains("系统内置"), "{}", page.body);

    // Refused: a make-up day on a weekday, and a holiday of weekend days only; nothing is stored.
    // (Made-up dates in a year far off: the mechanism, not a real arrangement.)
    let source = "国办发明电〔2029〕99号（测试）";
    let refused = [
        ("2030-01-01\n2030-02-04..2030-02-10", "2030-02-14", "2030-02-14 是工作日：调休上班日须是星期六或星期日。"),
        ("2030-01-05..2030-01-06", "", "“2030-01-05..2030-01-06”全部是周末，本来就休息：放假日期须含工作日。"),
        ("2030-02-30", "", "“2030-02-30”不是日期"),
    ];
    for (holidays, workdays, message) in refused {
        let fields = [("year", "2030"), ("holidays", holidays), ("workdays", workdays), ("source", source)];
        let page = admin.post("/admin/calendar", &fields).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{holidays}");
        assert!(page.body.contains(message), "{message}: {}", page.body);
    }
    assert!(with_conn(&s.app, |c| work_calendar::list_years(c).unwrap()).is_empty());
    let page = admin
        .post("/admin/calendar", &[("year", "2030"), ("holidays", "2030-01-01"), ("workdays", ""), ("source", "")])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("请写明所依据的通知"), "{}", page.body);

    let fields = [
        ("year", "2030"),
        ("holidays", "2030-01-01\n2030-02-04..2030-02-10"),
        ("workdays", "2030-02-16"),
        ("source", source),
    ];
    let saved = admin.post("/admin/calendar", &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let calendar = with_conn(&s.app, |c| work_calendar::in_force(c, &s.app.state.config.reminders.calendar).unwrap());
    assert!(!calendar.is_workday(date("2030-02-06")), "a Wednesday in the entered holiday");
    assert!(calendar.is_workday(date("2030-02-16")), "the entered make-up Saturday");
    let report = remind::run(&s.app.state.pool, &s.app.state.config, day, morning(day), Mode::DryRun).unwrap();
    assert_eq!(report.calendar_missing_years, [2027, 2028, 2029]);
    let page = admin.get("/admin/calendar").await;
    assert!(page.body.contains("管理员录入") && page.body.contains(source), "{}", page.body);

    let removed = admin.post("/admin/calendar/2030/delete", &[]).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert_eq!(admin.post("/admin/calendar/2030/delete", &[]).await.status, StatusCode::SEE_OTHER, "already removed");
    let actions: Vec<String> = with_conn(&s.app, |c| {
        use coop_tracker::db::schema::audit_log;
        audit_log::table
            .filter(audit_log::entity.eq("work_calendar"))
            .order(audit_log::id.asc())
            .select(audit_log::action)
            .load(c)
            .unwrap()
    });
    assert_eq!(actions, ["work_calendar.save", "work_calendar.delete"]);
    assert!(with_conn(&s.app, |c| coop_tracker::db::audit::verify(c).unwrap()).break_at.is_none());
}
