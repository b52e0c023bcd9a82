//! Multipart bodies whose headers are bounded. actix-multipart holds the preamble before the first
//! boundary and each part's headers in memory until it sees their end, without a limit, so one
//! request without a blank line could make the server hold gigabytes. [`MultipartBody`] watches the
//! stream on its way to the parser and ends it once a preamble or a part's headers pass
//! [`HEADER_LIMIT`]; readers turn that into 413 ([`form_error`]). It also turns a body that stops
//! inside a part into an error, which the parser alone can wait on forever. File content is not
//! limited here: the readers count it against their own limits as it streams through.

use std::future::{Ready, ready};
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use actix_multipart::{Multipart, MultipartError};
use actix_web::dev::Payload;
use actix_web::error::PayloadError;
use actix_web::web::Bytes;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use futures_util::Stream;
use memchr::memmem;

use crate::web::error::AppError;

/// The most a preamble or one part's headers may take. A browser sends a few hundred bytes; a file
/// name of 255 bytes, percent-encoded at three bytes for each, still fits.
pub const HEADER_LIMIT: usize = 16 * 1024;

/// The end of a part's headers.
const HEADERS_END: &[u8] = b"\r\n\r\n";

/// A `multipart/form-data` body, read through a [`HeaderGuard`].
pub struct MultipartBody(pub Multipart);

impl FromRequest for MultipartBody {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        // Without a boundary the parser refuses the body before reading it; no guard is needed.
        let boundary = req
            .mime_type()
            .ok()
            .flatten()
            .and_then(|mime| mime.get_param(actix_web::mime::BOUNDARY).map(|b| b.as_str().to_owned()));
        let stream = Guarded { inner: payload.take(), guard: boundary.map(|b| HeaderGuard::new(&b)), ended: false };
        ready(Ok(MultipartBody(Multipart::new(req.headers(), stream))))
    }
}

/// The request body on its way to the parser, ended early with an error when the guard trips, and
/// with an error instead of its end when it stops inside a part: actix-multipart 0.7 waits forever
/// for more of a part whose body ends in `\r\n` without a closing boundary.
struct Guarded {
    inner: Payload,
    guard: Option<HeaderGuard>,
    ended: bool,
}

impl Stream for Guarded {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.ended {
            return Poll::Ready(None);
        }
        let this = &mut *self;
        let item = match ready!(Pin::new(&mut this.inner).poll_next(cx)) {
            Some(Ok(chunk)) => match this.guard.as_mut().map(|guard| guard.pass(&chunk)) {
                Some(Err(HeadersTooLong)) => Err(PayloadError::Overflow),
                _ => Ok(chunk),
            },
            Some(Err(error)) => Err(error),
            None if this.guard.as_ref().is_some_and(HeaderGuard::inside_a_part) => Err(PayloadError::Incomplete(None)),
            None => {
                this.ended = true;
                return Poll::Ready(None);
            }
        };
        this.ended = item.is_err();
        Poll::Ready(Some(item))
    }
}

/// What a broken multipart body becomes: 413 when the guard ended it, 400 otherwise (a missing
/// boundary, a body cut off, headers that do not parse).
pub fn form_error(error: MultipartError) -> AppError {
    match error {
        MultipartError::Payload(PayloadError::Overflow) => AppError::TooLarge,
        _ => AppError::BadRequest("error.bad_form"),
    }
}

/// Follows a multipart stream chunk by chunk: between a delimiter and the blank line after it the
/// bytes are headers, and their length is checked. Positions are counted from the start of the
/// stream, so where the chunks are cut does not change the verdict.
#[derive(Debug)]
struct HeaderGuard {
    /// `\r\n--boundary`: what starts every part after the first.
    delimiter: Vec<u8>,
    /// Whether the stream is in a preamble or a part's headers (it starts in the preamble).
    in_headers: bool,
    /// Where the current headers (or body) began.
    section_start: usize,
    /// Bytes passed so far.
    seen: usize,
    /// The end of the previous chunk, so that a marker split across two chunks is still found.
    tail: Vec<u8>,
}

/// A preamble or part headers over [`HEADER_LIMIT`].
#[derive(Debug, PartialEq, Eq)]
struct HeadersTooLong;

impl HeaderGuard {
    fn new(boundary: &str) -> Self {
        HeaderGuard {
            delimiter: format!("\r\n--{boundary}").into_bytes(),
            in_headers: true,
            section_start: 0,
            seen: 0,
            tail: Vec::new(),
        }
    }

    /// Whether the stream so far stops inside a part's content: a body that ends here was cut off.
    fn inside_a_part(&self) -> bool {
        !self.in_headers
    }

    /// Takes the next chunk; `Err` once headers run too long.
    fn pass(&mut self, chunk: &[u8]) -> Result<(), HeadersTooLong> {
        let window_start = self.seen - self.tail.len();
        self.seen += chunk.len();
        let mut window = std::mem::take(&mut self.tail);
        window.extend_from_slice(chunk);
        let mut at = 0;
        loop {
            let marker = if self.in_headers { HEADERS_END } else { self.delimiter.as_slice() };
            let keep = marker.len() - 1;
            match memmem::find(&window[at..], marker) {
                Some(p) => {
                    if self.in_headers && window_start + at + p - self.section_start > HEADER_LIMIT {
                        return Err(HeadersTooLong);
                    }
                    at += p + marker.len();
                    self.in_headers = !self.in_headers;
                    self.section_start = window_start + at;
                }
                None => {
                    // The last `keep` bytes may begin the marker; everything before them is headers.
                    let certain = (window_start + window.len()).saturating_sub(keep);
                    if self.in_headers && certain.saturating_sub(self.section_start) > HEADER_LIMIT {
                        return Err(HeadersTooLong);
                    }
                    let rest = &window[at..];
                    self.tail = rest[rest.len().saturating_sub(keep)..].to_vec();
                    return Ok(());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const BOUNDARY: &str = "----b7";

    fn part(headers: &str, content: &[u8]) -> Vec<u8> {
        let mut part = format!("--{BOUNDARY}\r\n{headers}\r\n\r\n").into_bytes();
        part.extend_from_slice(content);
        part.extend_from_slice(b"\r\n");
        part
    }

    fn body(parts: &[Vec<u8>]) -> Vec<u8> {
        let mut body = parts.concat();
        body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        body
    }

    /// Feeds `body` in chunks of `size` bytes.
    fn feed(body: &[u8], size: usize) -> Result<(), HeadersTooLong> {
        let mut guard = HeaderGuard::new(BOUNDARY);
        body.chunks(size.max(1)).try_for_each(|chunk| guard.pass(chunk))
    }

    #[test]
    fn large_files_pass_and_long_headers_do_not() {
        let file = vec![b'x'; 1024 * 1024];
        let ordinary = body(&[
            part("Content-Disposition: form-data; name=\"value\"", b"96.5"),
            part("Content-Disposition: form-data; name=\"files\"; filename=\"r.pdf\"", &file),
        ]);
        assert_eq!(feed(&ordinary, 8192), Ok(()));
        let long = format!("Content-Disposition: form-data; name=\"x\"\r\nX-Pad: {}", "a".repeat(HEADER_LIMIT));
        let padded = body(&[part("Content-Disposition: form-data; name=\"value\"", b"1"), part(&long, b"1")]);
        assert_eq!(feed(&padded, 8192), Err(HeadersTooLong));
        let preamble = [vec![b'p'; HEADER_LIMIT + 1], ordinary].concat();
        assert_eq!(feed(&preamble, 8192), Err(HeadersTooLong));
    }

    #[test]
    fn a_body_that_stops_inside_a_part_is_told_from_a_closed_one() {
        let field = part("Content-Disposition: form-data; name=\"value\"", b"96.5");
        let mut guard = HeaderGuard::new(BOUNDARY);
        guard.pass(&field).unwrap();
        assert!(guard.inside_a_part(), "no closing boundary yet");
        guard.pass(format!("--{BOUNDARY}--\r\n").as_bytes()).unwrap();
        assert!(!guard.inside_a_part());
    }

    #[test]
    fn headers_are_counted_after_every_delimiter_not_in_total() {
        let headers =
            format!("Content-Disposition: form-data; name=\"n\"\r\nX-Pad: {}", "a".repeat(HEADER_LIMIT - 100));
        let parts: Vec<Vec<u8>> = (0..5).map(|_| part(&headers, b"v")).collect();
        assert_eq!(feed(&body(&parts), 4096), Ok(()));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(crate::fuzz_cases(64)))]

        /// Where the chunks are cut does not change the verdict.
        #[test]
        fn fuzz_the_verdict_does_not_depend_on_chunk_boundaries(
            pad in 0usize..(2 * HEADER_LIMIT),
            size in 1usize..5000,
            file in proptest::collection::vec(any::<u8>(), 0..4000),
        ) {
            let headers = format!("Content-Disposition: form-data; name=\"f\"; filename=\"a.bin\"\r\nX-Pad: {}", "a".repeat(pad));
            let whole = body(&[part("Content-Disposition: form-data; name=\"v\"", b"1"), part(&headers, &file)]);
            prop_assert_eq!(feed(&whole, size), feed(&whole, whole.len()));
        }
    }
}
