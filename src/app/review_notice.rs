//! Telling the PI at once when evidence is rejected or more is asked for: queued in the same
//! transaction as the review, so a decision is never recorded without its message.

use chrono::NaiveDateTime;

use super::outbox::{self, Context, Envelope, Recipient};
use crate::db::DbConnection;
use crate::db::evidence::{self, Decided};
use crate::db::reminder::{Person, active_person, contacts};
use crate::domain::refusal::Failure;
use crate::i18n::dates::date_text;
use crate::mail::notice::{Notice, Section};

/// Queues the message for a review that rejected evidence or asked for more, to the PI and, when
/// someone else submitted it, to the submitter too. An acceptance sends nothing. Returns how many
/// messages were queued.
pub fn queue(
    conn: &mut DbConnection,
    review_id: i64,
    context: &Context<'_>,
    now: NaiveDateTime,
) -> Result<usize, Failure> {
    let Decided { decision, reason, evidence_id, indicator_id, measured_on, submitted_by, metric, project_id } =
        evidence::decided(conn, review_id)?;
    if !decision.is_sent_back() {
        return Ok(0);
    }
    let kind = decision.as_str();
    let Some(project) = contacts(conn, &[project_id])?.remove(&project_id) else { return Ok(0) };
    let mut people: Vec<Person> = project.pi.into_iter().collect();
    if people.iter().all(|p| p.user_id != submitted_by) {
        let submitter = active_person(conn, submitted_by)?;
        people.extend(submitter);
    }
    let mut queued = 0;
    for person in people {
        let recipient = Recipient::User(person);
        let t = recipient.locale().t();
        let args: [(&str, &dyn std::fmt::Display); 3] =
            [("code", &project.code), ("title", &project.title), ("metric", &metric)];
        let base = context.base_url;
        let notice = Notice {
            subject: t.fmt(&format!("email.notice.review_{kind}.subject"), &args),
            greeting: t.fmt("email.greeting", &[("name", &recipient.name())]),
            intro: t.fmt(&format!("email.notice.review_{kind}.intro"), &args),
            sections: vec![Section {
                heading: metric.clone(),
                rows: vec![
                    (t.get("email.notice.label.measured").to_owned(), date_text(t, &context.calendar, measured_on)),
                    (t.get("email.notice.label.reason").to_owned(), reason.clone().unwrap_or_default()),
                ],
                link: Some((t.get("email.notice.action.answer").to_owned(), format!("{base}/evidence/{evidence_id}"))),
            }],
            outro: Some(t.fmt("email.notice.review_outro", &[("link", &format!("{base}/indicators/{indicator_id}"))])),
            footer: t.get("email.notice.footer").to_owned(),
        };
        let rendered = notice.render(t.tag()).map_err(|e| Failure::Internal(e.into()))?;
        let key = format!("review_{kind}:r{review_id}:{}", recipient.key());
        let envelope = Envelope {
            key: &key,
            kind: "review_decision",
            user_id: recipient.user_id(),
            to: recipient.address(),
            locale: t.tag(),
            list_unsubscribe: None,
        };
        if outbox::queue(conn, &envelope, &rendered, now)? {
            queued += 1;
        }
    }
    Ok(queued)
}
