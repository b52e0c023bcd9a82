//! Back-off for failed logins, so that guessing passwords gets nowhere without locking real users
//! out.
//!
//! Three kinds of counter, each locking after `login_max_failures` failures for 30 s, doubling with
//! each further failure up to an hour, and forgotten an hour after the last failure:
//!
//! - **per e-mail address typed**, from any client: caps guesses at one account. A made-up address
//!   counts only against itself, so it locks no real user out, and it answers exactly like a real
//!   one (the lock does not tell who has an account).
//! - **per client address**: caps one machine guessing many accounts (password spraying). The
//!   client is the TCP peer, or, when the peer is a configured `trusted_proxies` entry, the
//!   rightmost address in `X-Forwarded-For` that is not itself a trusted proxy; so behind a load
//!   balancer every user is counted on their own address, not all together on the balancer's.
//! - **per login device**: a browser that has logged in to an account before holds a device cookie
//!   for it (a keyed hash under the account's password hash, so it dies with a password change). An
//!   attempt at that account carrying it is counted on the device alone, so neither a stranger's
//!   failures at the same address (a campus behind one NAT address) nor someone hammering the
//!   account's e-mail address locks its owner out of a browser they have used before.
//!
//! A successful login forgets that e-mail address's failures, its share of the client address's and
//! the device's; it does not forget anyone else's, so an attacker cannot clear their own lock by
//! logging in to an account of their own between guesses. A locked attempt is refused before the
//! password is checked, so a locked attacker learns nothing from it.
//!
//! Kept in memory: each instance throttles on its own, which bounds guessing to a small multiple
//! of the limit without a database write on every attempt.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

use actix_web::HttpRequest;
use chrono::{Duration, NaiveDateTime};

use crate::auth::secret;
use crate::config::AddrRange;

/// The first lock lasts this long and doubles with each further failure.
const BASE_LOCK_SECONDS: i64 = 30;
/// No lock lasts longer than this.
const MAX_LOCK_SECONDS: i64 = 3600;
/// Failures older than this are forgotten.
const FORGET_AFTER_SECONDS: i64 = 3600;
/// Above this many tracked keys, forgotten entries are pruned.
const PRUNE_ABOVE: usize = 10_000;

/// The device cookie over plain http.
pub const DEVICE_COOKIE: &str = "coop_device";
/// The device cookie over https, which no other host can plant.
pub const SECURE_DEVICE_COOKIE: &str = "__Host-coop_device";
/// How long a browser stays a known device of an account.
pub const DEVICE_DAYS: i64 = 180;

#[derive(Debug, Clone)]
struct Failures {
    count: u32,
    last: NaiveDateTime,
    locked_until: Option<NaiveDateTime>,
    /// On a client address: how many of its failures each e-mail address made, so that a
    /// successful login takes back its own and no one else's.
    by_email: HashMap<String, u32>,
}

/// One login attempt as the limiter sees it.
#[derive(Debug, Clone)]
pub struct Attempt {
    /// The client address (see [`client_address`]).
    pub address: String,
    /// The e-mail address typed, normalised.
    pub email: String,
    /// The device the browser proved it is for this account, if any (see [`trusted_device`]).
    pub device: Option<String>,
}

impl Attempt {
    /// The counters this attempt answers to: its device alone, or its e-mail and client addresses.
    fn keys(&self) -> Vec<String> {
        match &self.device {
            Some(device) => vec![format!("device:{device}")],
            None => vec![format!("email:{}", self.email), format!("ip:{}", self.address)],
        }
    }
}

/// Counts failed logins and says when to refuse further attempts.
#[derive(Debug)]
pub struct LoginLimiter {
    max_failures: u32,
    entries: Mutex<HashMap<String, Failures>>,
}

impl LoginLimiter {
    /// A limiter that allows `max_failures` failures before locking.
    pub fn new(max_failures: u32) -> Self {
        Self { max_failures, entries: Mutex::new(HashMap::new()) }
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<String, Failures>> {
        // A panic while holding the lock leaves only counters behind, which are safe to reuse.
        self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// `Err(seconds)` while any counter the attempt answers to is locked.
    pub fn check(&self, attempt: &Attempt, now: NaiveDateTime) -> Result<(), u64> {
        let entries = self.entries();
        let wait = attempt
            .keys()
            .iter()
            .filter_map(|k| entries.get(k)?.locked_until)
            .map(|until| (until - now).num_seconds())
            .max()
            .unwrap_or(0);
        if wait > 0 { Err(u64::try_from(wait).unwrap_or(1)) } else { Ok(()) }
    }

    /// Records a failure against every counter the attempt answers to.
    pub fn fail(&self, attempt: &Attempt, now: NaiveDateTime) {
        let mut entries = self.entries();
        if entries.len() > PRUNE_ABOVE {
            entries.retain(|_, f| (now - f.last).num_seconds() < FORGET_AFTER_SECONDS);
        }
        for key in attempt.keys() {
            let entry = entries.entry(key).or_insert_with(|| Failures {
                count: 0,
                last: now,
                locked_until: None,
                by_email: HashMap::new(),
            });
            if (now - entry.last).num_seconds() >= FORGET_AFTER_SECONDS {
                entry.count = 0;
                entry.by_email.clear();
            }
            entry.count += 1;
            entry.last = now;
            *entry.by_email.entry(attempt.email.clone()).or_default() += 1;
            if entry.count >= self.max_failures {
                let doublings = (entry.count - self.max_failures).min(16);
                let seconds = (BASE_LOCK_SECONDS << doublings).min(MAX_LOCK_SECONDS);
                entry.locked_until = Some(now + Duration::seconds(seconds));
            }
        }
    }

    /// Forgets the failures of a successful login: its e-mail address's, its device's, and its
    /// e-mail address's share of its client address's (other people's failures there stay).
    pub fn succeed(&self, attempt: &Attempt) {
        let mut entries = self.entries();
        entries.remove(&format!("email:{}", attempt.email));
        if let Some(device) = &attempt.device {
            entries.remove(&format!("device:{device}"));
        }
        let address = format!("ip:{}", attempt.address);
        if let Some(entry) = entries.get_mut(&address) {
            let own = entry.by_email.remove(&attempt.email).unwrap_or(0);
            entry.count = entry.count.saturating_sub(own);
            if entry.count < self.max_failures {
                entry.locked_until = None;
            }
            if entry.count == 0 {
                entries.remove(&address);
            }
        }
    }
}

/// The client a request comes from: the TCP peer, unless the peer is a trusted proxy, in which case
/// the rightmost `X-Forwarded-For` entry that is not itself a trusted proxy. Entries to the left of
/// that one were written by the client and could say anything, so they are never read. A proxy
/// that writes an entry which is not an address is misconfigured; its own address is used then.
pub fn client_address(req: &HttpRequest, trusted: &[AddrRange]) -> String {
    let Some(peer) = req.peer_addr().map(|a| a.ip().to_canonical()) else {
        return "unknown".into();
    };
    let is_trusted = |ip: IpAddr| trusted.iter().any(|range| range.contains(ip));
    if !is_trusted(peer) {
        return peer.to_string();
    }
    let forwarded: Vec<String> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|hop| hop.trim().to_owned())
        .collect();
    let mut client = peer;
    for hop in forwarded.iter().rev() {
        let Some(ip) = parse_hop(hop) else { break };
        client = ip;
        if !is_trusted(ip) {
            break;
        }
    }
    client.to_string()
}

/// An `X-Forwarded-For` entry: an address, possibly with a port (`192.0.2.1:4711`, `[2001:db8::1]:80`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<std::net::SocketAddr>().ok().map(|a| a.ip()))
        .map(|ip| ip.to_canonical())
}

/// The name of the device cookie: browsers refuse a `__Host-` cookie that is not `Secure`.
pub fn device_cookie_name(secure: bool) -> &'static str {
    if secure { SECURE_DEVICE_COOKIE } else { DEVICE_COOKIE }
}

fn device_tag(user_id: i64, password_hash: &str, nonce: &str) -> String {
    secret::mac(password_hash.as_bytes(), &format!("coop-login-device\n{user_id}\n{nonce}"))
}

/// A new device cookie value for an account: `<user id>.<random>.<tag>`. The tag is keyed with
/// the account's password hash, which never leaves the server, so no one can make one without
/// having logged in, and a new password retires them all.
pub fn device_cookie_value(user_id: i64, password_hash: &str) -> String {
    let nonce = secret::random_token();
    format!("{user_id}.{nonce}.{}", device_tag(user_id, password_hash, &nonce))
}

/// The device a cookie value names, when it was made for this account under its current password.
pub fn trusted_device(value: &str, user_id: i64, password_hash: &str) -> Option<String> {
    let mut parts = value.splitn(3, '.');
    let (id, nonce, tag) = (parts.next()?, parts.next()?, parts.next()?);
    let matches = id.parse::<i64>().ok() == Some(user_id)
        && nonce.len() == 64
        && secret::constant_time_eq(tag, &device_tag(user_id, password_hash, nonce));
    matches.then(|| nonce.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_700_000_000 + seconds, 0).unwrap().naive_utc()
    }

    fn attempt(address: &str, email: &str) -> Attempt {
        Attempt { address: address.into(), email: email.into(), device: None }
    }

    #[test]
    fn locks_after_the_limit_and_doubles() {
        let limiter = LoginLimiter::new(3);
        let a = attempt("192.0.2.1", "a@b.c");
        for i in 0..2 {
            limiter.fail(&a, at(i));
            assert!(limiter.check(&a, at(i)).is_ok());
        }
        limiter.fail(&a, at(2));
        assert_eq!(limiter.check(&a, at(2)), Err(30));
        assert!(limiter.check(&a, at(33)).is_ok());
        limiter.fail(&a, at(33));
        assert_eq!(limiter.check(&a, at(33)), Err(60));
    }

    #[test]
    fn a_success_forgets_its_own_failures_only() {
        let limiter = LoginLimiter::new(3);
        let typo = attempt("192.0.2.1", "owner@b.c");
        let stranger = attempt("192.0.2.1", "made-up@b.c");
        limiter.fail(&typo, at(0));
        limiter.fail(&typo, at(1));
        limiter.fail(&stranger, at(2));
        assert!(limiter.check(&stranger, at(2)).is_err(), "three failures from one address lock it");
        limiter.succeed(&typo);
        assert!(limiter.check(&typo, at(3)).is_ok(), "the owner's own typos are forgiven at the address too");
        limiter.fail(&stranger, at(4));
        assert!(limiter.check(&stranger, at(4)).is_ok(), "the stranger's one failure stays, two are not three");
        limiter.fail(&stranger, at(5));
        assert!(limiter.check(&stranger, at(5)).is_err());
        // Logging in to an account of one's own clears that account's share, not the stranger's.
        limiter.succeed(&attempt("192.0.2.1", "attacker-own@b.c"));
        assert!(limiter.check(&stranger, at(6)).is_err());
    }

    #[test]
    fn a_known_device_answers_to_its_own_counter() {
        let limiter = LoginLimiter::new(2);
        let hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";
        let cookie = device_cookie_value(7, hash);
        let device = trusted_device(&cookie, 7, hash);
        assert!(device.is_some());
        assert_eq!(trusted_device(&cookie, 8, hash), None, "another account's cookie");
        assert_eq!(trusted_device(&cookie, 7, "$argon2id$new"), None, "the password changed since");
        assert_eq!(trusted_device("7.x.y", 7, hash), None);
        for i in 0..4 {
            limiter.fail(&attempt("192.0.2.1", "owner@b.c"), at(i));
        }
        let owner = Attempt { device, ..attempt("192.0.2.1", "owner@b.c") };
        assert!(limiter.check(&attempt("192.0.2.1", "owner@b.c"), at(4)).is_err());
        assert!(limiter.check(&owner, at(4)).is_ok(), "the account and the address are locked, the device is not");
        limiter.fail(&owner, at(5));
        limiter.fail(&owner, at(6));
        assert!(limiter.check(&owner, at(6)).is_err(), "the device has a limit of its own");
    }
}
