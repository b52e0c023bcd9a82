//! A deadline on every request body, so that a client that announces a body and then sends it
//! slowly (or never) cannot hold a connection, and the file descriptor under it, for ever.
//!
//! Two rules, checked as bytes arrive and by a timer while none do:
//!
//! - **idle**: no more than `body_idle` between one piece of the body and the next (and between the
//!   request's head and the first piece);
//! - **rate**: after a grace period as long as `body_idle`, the body as a whole must have arrived at
//!   `body_min_rate` bytes per second or faster: each byte received buys `1 / rate` seconds more. A
//!   small form sent in one piece never meets this rule; a trickle of a byte every few seconds does.
//!
//! A body that breaks either rule ends in an error for whatever reads it, and the request is
//! answered 408 in the user's language; the connection is then closed, because the rest of the
//! body was never read. The head of a request has its own deadline (`client_request_timeout`).

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::middleware::Next;
use actix_web::rt::time::{Instant, Sleep, sleep_until};
use actix_web::web::{Bytes, Data};
use futures_util::Stream;

use crate::config::BodyPace;
use crate::web::error::AppError;
use crate::web::state::AppState;

/// Middleware: puts every request's body under the deadline, and answers 408 for one that missed it.
pub async fn guard(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody, BoxBody>>, actix_web::Error> {
    let pace = req.app_data::<Data<AppState>>().map(|state| state.config.transport.body_pace);
    let (http, payload) = req.into_parts();
    let missed = Rc::new(Cell::new(false));
    let payload = match (pace, payload) {
        (_, Payload::None) => Payload::None,
        (None, payload) => payload,
        (Some(pace), payload) => Payload::from(Box::pin(Paced::new(payload, pace, missed.clone()))
            as Pin<Box<dyn Stream<Item = Result<Bytes, PayloadError>>>>),
    };
    let res = next.call(ServiceRequest::from_parts(http, payload)).await?;
    if !missed.get() {
        return Ok(res.map_into_left_body());
    }
    tracing::info!(path = res.request().path(), "request body too slow: answered 408 and closed");
    let (http, _) = res.into_parts();
    Ok(ServiceResponse::from_err(AppError::BodyTooSlow, http).map_into_right_body())
}

/// A body read under the two rules.
struct Paced {
    inner: Payload,
    pace: BodyPace,
    started: Instant,
    received: u64,
    timer: Pin<Box<Sleep>>,
    missed: Rc<Cell<bool>>,
}

impl Paced {
    fn new(inner: Payload, pace: BodyPace, missed: Rc<Cell<bool>>) -> Self {
        let started = Instant::now();
        Self { inner, pace, started, received: 0, timer: Box::pin(sleep_until(started + pace.idle)), missed }
    }

    /// The moment the next piece must have arrived by: the earlier of the idle and the rate rule.
    fn deadline(&self, now: Instant) -> Instant {
        let bought = Duration::from_secs_f64(self.received as f64 / self.pace.min_rate.max(1) as f64);
        (now + self.pace.idle).min(self.started + self.pace.idle + bought)
    }

    /// Marks the body as too slow, so the request is answered 408, and ends it for its reader.
    fn miss(&mut self) -> PayloadError {
        self.missed.set(true);
        PayloadError::Io(std::io::Error::new(std::io::ErrorKind::TimedOut, "request body too slow"))
    }
}

impl Stream for Paced {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.missed.get() {
            return Poll::Ready(None);
        }
        match Pin::new(&mut this.inner).poll_next(cx) {
            Poll::Ready(Some(Ok(bytes))) => {
                this.received += bytes.len() as u64;
                let now = Instant::now();
                let deadline = this.deadline(now);
                if deadline <= now {
                    return Poll::Ready(Some(Err(this.miss())));
                }
                this.timer.as_mut().reset(deadline);
                Poll::Ready(Some(Ok(bytes)))
            }
            Poll::Pending => match this.timer.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Some(Err(this.miss()))),
                Poll::Pending => Poll::Pending,
            },
            done => done,
        }
    }
}
