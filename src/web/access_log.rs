//! The access log's line for a request: method and path, never the query string (a password-reset
//! link carries its token there) and never a calendar feed's secret address.

use actix_web::dev::ServiceRequest;
use actix_web::middleware::Logger;

/// The request logger `serve` uses: `GET /projects/SH-1 200 3.1ms`.
pub fn logger() -> Logger {
    Logger::new("%{request}xi %s %Dms").exclude("/healthz").custom_request_replace("request", line)
}

fn line(req: &ServiceRequest) -> String {
    format!("{} {}", req.method(), redacted(req.path()))
}

/// The path as it may be logged: a calendar feed's address is its only credential.
fn redacted(path: &str) -> &str {
    if path.starts_with("/calendar/") { "/calendar/…" } else { path }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn queries_and_feed_addresses_stay_out_of_the_log() {
        let reset = TestRequest::get().uri("/password/reset?token=secret-reset-token").to_srv_request();
        assert_eq!(line(&reset), "GET /password/reset");
        let feed = TestRequest::get().uri("/calendar/secret-feed-token.ics").to_srv_request();
        assert_eq!(line(&feed), "GET /calendar/…");
        let page = TestRequest::post().uri("/projects/SH-1/state").to_srv_request();
        assert_eq!(line(&page), "POST /projects/SH-1/state");
    }
}
