//! Passwords are hashed with argon2id and never stored or logged in the clear.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};

/// Shortest password accepted; long passphrases beat composition rules.
pub const MIN_LENGTH: usize = 10;
/// Longest password accepted, so that hashing cannot be used to exhaust the server.
pub const MAX_LENGTH: usize = 256;

/// Why a new password is refused; each maps to a message in the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordProblem {
    /// Fewer than [`MIN_LENGTH`] characters.
    TooShort,
    /// More than [`MAX_LENGTH`] characters.
    TooLong,
}

impl PasswordProblem {
    /// The catalogue key of the message for this problem.
    pub fn message_key(self) -> &'static str {
        match self {
            PasswordProblem::TooShort => "password.too_short",
            PasswordProblem::TooLong => "password.too_long",
        }
    }
}

/// Checks a new password against the policy.
pub fn check_policy(password: &str) -> Result<(), PasswordProblem> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        Err(PasswordProblem::TooShort)
    } else if length > MAX_LENGTH {
        Err(PasswordProblem::TooLong)
    } else {
        Ok(())
    }
}

/// Hashes a password into a PHC string with a fresh salt.
pub fn hash(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("cannot hash password: {e}"))
}

/// Whether the password matches the stored hash. A missing or unreadable hash never matches, and
/// the work is done anyway so that unknown accounts take as long as known ones.
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    let parsed = stored.and_then(|s| PasswordHash::new(s).ok());
    match parsed {
        Some(hash) => Argon2::default().verify_password(password.as_bytes(), &hash).is_ok(),
        None => {
            // Equalise timing with a real verification against a throwaway hash.
            let _ = hash(password);
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_verifies_only_the_same_password() {
        let stored = hash("correct horse battery").unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", Some(&stored)));
        assert!(!verify("correct horse batterY", Some(&stored)));
        assert!(!verify("anything", None));
        assert!(!verify("anything", Some("not a hash")));
    }

    #[test]
    fn policy_counts_characters_not_bytes() {
        assert_eq!(check_policy("短密码"), Err(PasswordProblem::TooShort));
        assert_eq!(check_policy("上海科委国内合作项目管理"), Ok(()));
        assert_eq!(check_policy(&"x".repeat(257)), Err(PasswordProblem::TooLong));
    }
}
