//! The e-mail outbox. A message is queued under an idempotency key (unique), claimed by one sender
//! before it is sent and marked afterwards, which works on both backends and across instances.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{outbox, outbox_attempts};

/// A message to queue.
#[derive(Debug, Insertable)]
#[diesel(table_name = outbox)]
pub struct NewOutboxMessage<'a> {
    /// Unique per logical message: queuing the same key twice queues it once.
    pub idempotency_key: &'a str,
    /// The message type, e.g. `password_reset`.
    pub kind: &'a str,
    /// The recipient account, if any.
    pub to_user_id: Option<i64>,
    /// The recipient address.
    pub to_address: &'a str,
    /// The language it was written in.
    pub locale: &'a str,
    /// Subject line.
    pub subject: &'a str,
    /// Plain-text body.
    pub body_text: &'a str,
    /// HTML body.
    pub body_html: Option<&'a str>,
    /// Earliest send time (UTC).
    pub next_attempt_at: NaiveDateTime,
    /// Queue time (UTC).
    pub created_at: NaiveDateTime,
    /// The List-Unsubscribe header, for digests.
    pub list_unsubscribe: Option<&'a str>,
    /// A reminder to write when it is sent (JSON); its bodies are then empty.
    pub reminder: Option<&'a str>,
    /// A password-reset link to make when it is sent; its bodies are then empty.
    pub password_reset_id: Option<i64>,
}

/// A queued message ready to send.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct OutboxMessage {
    /// Primary key.
    pub id: i64,
    /// Unique per logical message; also names the message in its Message-ID.
    pub idempotency_key: String,
    /// Recipient address.
    pub to_address: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body_text: String,
    /// HTML body.
    pub body_html: Option<String>,
    /// Attempts so far.
    pub attempts: i32,
    /// The List-Unsubscribe header, for digests.
    pub list_unsubscribe: Option<String>,
    /// A reminder to write now (JSON), in place of the empty bodies.
    pub reminder: Option<String>,
    /// A password-reset link to make now, in place of the empty bodies.
    pub password_reset_id: Option<i64>,
}

/// Queues a message unless one with the same key exists; returns whether it was queued.
///
/// `ON CONFLICT DO NOTHING` rather than catching the unique violation: on PostgreSQL a violation
/// would abort the surrounding transaction, and a second instance queuing the same key must simply
/// find it queued.
pub fn enqueue(conn: &mut DbConnection, message: &NewOutboxMessage<'_>) -> QueryResult<bool> {
    let inserted = match conn {
        DbConnection::Sqlite(c) => {
            diesel::insert_into(outbox::table).values(message).on_conflict_do_nothing().execute(c)?
        }
        DbConnection::Pg(c) => {
            diesel::insert_into(outbox::table).values(message).on_conflict_do_nothing().execute(c)?
        }
    };
    Ok(inserted == 1)
}

/// Queues many messages at once and returns the keys of those that were new (see [`enqueue`]).
pub fn enqueue_many(
    conn: &mut DbConnection,
    messages: &[NewOutboxMessage<'_>],
) -> QueryResult<std::collections::HashSet<String>> {
    let mut inserted = std::collections::HashSet::new();
    // Twelve parameters a message; SQLite allows 32,766 in one statement.
    for chunk in messages.chunks(1_000) {
        let keys: Vec<String> = match conn {
            DbConnection::Sqlite(c) => diesel::insert_into(outbox::table)
                .values(chunk)
                .on_conflict_do_nothing()
                .returning(outbox::idempotency_key)
                .get_results(c)?,
            DbConnection::Pg(c) => diesel::insert_into(outbox::table)
                .values(chunk)
                .on_conflict_do_nothing()
                .returning(outbox::idempotency_key)
                .get_results(c)?,
        };
        inserted.extend(keys);
    }
    Ok(inserted)
}

/// Whether a message with this key was ever queued.
pub fn exists(conn: &mut DbConnection, key: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(outbox::table.filter(outbox::idempotency_key.eq(key)))).get_result(conn)
}

/// Ids of pending messages whose time has come, oldest first.
pub fn list_due(conn: &mut DbConnection, now: NaiveDateTime, limit: i64) -> QueryResult<Vec<i64>> {
    outbox::table
        .filter(outbox::status.eq("pending"))
        .filter(outbox::next_attempt_at.le(now))
        .order(outbox::id.asc())
        .limit(limit)
        .select(outbox::id)
        .load(conn)
}

/// Claims a pending message for this sender; `None` when another sender got it first.
pub fn claim(conn: &mut DbConnection, id: i64, sender: &str, now: NaiveDateTime) -> QueryResult<Option<OutboxMessage>> {
    let claimed = diesel::update(outbox::table.filter(outbox::id.eq(id)).filter(outbox::status.eq("pending")))
        .set((outbox::status.eq("sending"), outbox::claimed_at.eq(now), outbox::claimed_by.eq(sender)))
        .execute(conn)?;
    if claimed == 0 {
        return Ok(None);
    }
    outbox::table.find(id).select(OutboxMessage::as_select()).first(conn).map(Some)
}

/// Records a successful send; `written` holds the plain-text and HTML bodies of a message written
/// at send time, kept so that the outbox says what was sent.
pub fn mark_sent(
    conn: &mut DbConnection,
    id: i64,
    sender: &str,
    written: Option<(&str, &str)>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    crate::db::write_transaction(conn, |conn| {
        record_attempt(conn, id, sender, None, now)?;
        let target = outbox::table.find(id);
        let sent = (outbox::status.eq("sent"), outbox::sent_at.eq(now), outbox::attempts.eq(outbox::attempts + 1));
        match written {
            Some((text, html)) => diesel::update(target)
                .set((sent, outbox::body_text.eq(text), outbox::body_html.eq(html)))
                .execute(conn)?,
            None => diesel::update(target).set(sent).execute(conn)?,
        };
        Ok(())
    })
}

/// Records a failed attempt: back to pending at `retry_at`, or failed for good (a dead letter) when
/// `retry_at` is `None`.
pub fn mark_failed(
    conn: &mut DbConnection,
    id: i64,
    sender: &str,
    error: &str,
    retry_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    crate::db::write_transaction(conn, |conn| {
        record_attempt(conn, id, sender, Some(error), now)?;
        let target = outbox::table.find(id);
        let attempts = outbox::attempts.eq(outbox::attempts + 1);
        match retry_at {
            Some(at) => diesel::update(target)
                .set((
                    outbox::status.eq("pending"),
                    outbox::next_attempt_at.eq(at),
                    outbox::last_error.eq(error),
                    attempts,
                ))
                .execute(conn)?,
            None => diesel::update(target)
                .set((outbox::status.eq("failed"), outbox::last_error.eq(error), attempts))
                .execute(conn)?,
        };
        Ok(())
    })
}

fn record_attempt(
    conn: &mut DbConnection,
    id: i64,
    sender: &str,
    error: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::insert_into(outbox_attempts::table)
        .values((
            outbox_attempts::outbox_id.eq(id),
            outbox_attempts::attempted_at.eq(now),
            outbox_attempts::sender.eq(sender),
            outbox_attempts::error.eq(error),
        ))
        .execute(conn)
}

/// Messages a sender claimed but never marked, because the process stopped between the claim and
/// the mark: after `stale_before` they go back to pending. The server may have accepted such a
/// message before the stop, so this is where at-least-once delivery can send one twice.
pub fn release_stale_claims(conn: &mut DbConnection, stale_before: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(outbox::table.filter(outbox::status.eq("sending")).filter(outbox::claimed_at.lt(stale_before)))
        .set(outbox::status.eq("pending"))
        .execute(conn)
}

/// Counts messages by status, for tests and the admin page.
pub fn count_with_status(conn: &mut DbConnection, status: &str) -> QueryResult<i64> {
    outbox::table.filter(outbox::status.eq(status)).count().get_result(conn)
}

/// A message as the outbox page shows it: everything but the bodies, which may carry secrets such
/// as password-reset links and are no business of whoever looks after delivery.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct OutboxEntry {
    /// Primary key.
    pub id: i64,
    /// The message type, e.g. `reminder`.
    pub kind: String,
    /// Recipient address.
    pub to_address: String,
    /// Subject line.
    pub subject: String,
    /// `pending`, `sending`, `sent` or `failed`.
    pub status: String,
    /// Attempts since it was queued (or last retried by hand).
    pub attempts: i32,
    /// The last send error.
    pub last_error: Option<String>,
    /// Earliest next send time (UTC).
    pub next_attempt_at: NaiveDateTime,
    /// Queue time (UTC).
    pub created_at: NaiveDateTime,
    /// When it was sent (UTC).
    pub sent_at: Option<NaiveDateTime>,
}

/// One delivery attempt of a message.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox_attempts)]
pub struct OutboxAttempt {
    /// Primary key.
    pub id: i64,
    /// The message.
    pub outbox_id: i64,
    /// When it was tried (UTC).
    pub attempted_at: NaiveDateTime,
    /// The instance that tried.
    pub sender: String,
    /// What went wrong; `None` when the server accepted the message.
    pub error: Option<String>,
}

/// How many messages have each status; statuses without messages are absent.
pub fn count_by_status(conn: &mut DbConnection) -> QueryResult<Vec<(String, i64)>> {
    outbox::table
        .group_by(outbox::status)
        .select((outbox::status, diesel::dsl::count(outbox::id)))
        .order(outbox::status.asc())
        .load(conn)
}

/// The newest dead letters (failed for good), at most `limit`.
pub fn list_failed(conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<OutboxEntry>> {
    outbox::table
        .filter(outbox::status.eq("failed"))
        .order(outbox::id.desc())
        .limit(limit)
        .select(OutboxEntry::as_select())
        .load(conn)
}

/// The newest messages waiting for another try after a failed one, at most `limit`.
pub fn list_retrying(conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<OutboxEntry>> {
    outbox::table
        .filter(outbox::status.eq("pending"))
        .filter(outbox::attempts.gt(0))
        .order(outbox::id.desc())
        .limit(limit)
        .select(OutboxEntry::as_select())
        .load(conn)
}

/// How many messages wait for another try after a failed one.
pub fn count_retrying(conn: &mut DbConnection) -> QueryResult<i64> {
    outbox::table.filter(outbox::status.eq("pending")).filter(outbox::attempts.gt(0)).count().get_result(conn)
}

/// One message, without its bodies.
pub fn find_entry(conn: &mut DbConnection, id: i64) -> QueryResult<Option<OutboxEntry>> {
    outbox::table.find(id).select(OutboxEntry::as_select()).first(conn).optional()
}

/// The newest delivery attempts of a message, at most `limit`.
pub fn list_attempts(conn: &mut DbConnection, outbox_id: i64, limit: i64) -> QueryResult<Vec<OutboxAttempt>> {
    outbox_attempts::table
        .filter(outbox_attempts::outbox_id.eq(outbox_id))
        .order(outbox_attempts::id.desc())
        .limit(limit)
        .select(OutboxAttempt::as_select())
        .load(conn)
}

/// Puts a dead letter back in the queue, due at `now` with a fresh count of attempts; false when
/// the message is not failed (sent meanwhile, already retried, or no such message), in which case
/// nothing changes. The condition is part of the update, so two people retrying at once queue it
/// once.
pub fn retry_failed(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> QueryResult<bool> {
    let updated = diesel::update(outbox::table.filter(outbox::id.eq(id)).filter(outbox::status.eq("failed")))
        .set((outbox::status.eq("pending"), outbox::next_attempt_at.eq(now), outbox::attempts.eq(0)))
        .execute(conn)?;
    Ok(updated == 1)
}
