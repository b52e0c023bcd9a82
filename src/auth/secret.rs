//! Random secrets (session cookies, API tokens, reset links, generated passwords) and the hashes
//! under which they are stored.

use rand::RngCore;
use rand::distributions::{Alphanumeric, DistString};
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};

/// The prefix of API tokens, so that leaked ones are easy to recognise in logs and scanners.
pub const API_TOKEN_PREFIX: &str = "coop_";

/// 256 random bits, hex-encoded.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// A new API token: the recognisable prefix and 256 random bits.
pub fn api_token() -> String {
    format!("{API_TOKEN_PREFIX}{}", random_token())
}

/// A password for a new account or an administrator's reset, to be changed at first login.
pub fn generated_password() -> String {
    Alphanumeric.sample_string(&mut OsRng, 16)
}

/// How a secret is stored: tokens carry enough entropy that a fast hash suffices.
pub fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A keyed hash (HMAC-SHA-256), hex-encoded: proves that whoever made `message`'s tag knew `key`.
pub fn mac(key: &[u8], message: &str) -> String {
    use hmac::{Hmac, Mac};
    // HMAC takes a key of any length, so this cannot fail.
    let mut tag = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    tag.update(message.as_bytes());
    hex::encode(tag.finalize().into_bytes())
}

/// Compares two secrets in time independent of where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_distinct_and_hash_stably() {
        let a = random_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, random_token());
        assert_eq!(hash(&a), hash(&a));
        assert_ne!(hash(&a), a);
        assert!(api_token().starts_with(API_TOKEN_PREFIX));
        assert_eq!(generated_password().len(), 16);
    }

    #[test]
    fn mac_depends_on_key_and_message() {
        // RFC 4231, test case 2.
        assert_eq!(
            mac(b"Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_ne!(mac(b"a", "m"), mac(b"b", "m"));
        assert_ne!(mac(b"a", "m"), mac(b"a", "n"));
    }

    #[test]
    fn constant_time_eq_matches_equality() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "ab"));
    }
}
