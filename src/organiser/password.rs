//! Organiser passwords: argon2id (the crate's defaults, OWASP's minimum: 19 MiB, 2 passes) in
//! PHC strings, so parameters can be raised later without invalidating stored hashes. Hashing
//! takes tens of milliseconds of CPU, so callers run it on the blocking pool ([`hash`],
//! [`verify`] are async for that reason).

use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier, password_hash::SaltString};
use rand::{Rng, RngCore};

use crate::domain::FieldError;

/// Shortest password an organiser may choose.
pub const MIN_LENGTH: usize = 12;
const MAX_LENGTH: usize = 256;

fn hash_now(password: &str) -> String {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).expect("16 bytes make a valid salt");
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 with default parameters cannot fail")
        .to_string()
}

fn verify_now(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

pub async fn hash(password: String) -> String {
    tokio::task::spawn_blocking(move || hash_now(&password))
        .await
        .expect("hashing does not panic")
}

/// Whether `password` matches `stored`. With `stored = None` (no such account) it spends the
/// same time on a dummy hash and says no, so the answer's timing does not tell which it was.
pub async fn verify(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || match stored {
        Some(stored) => verify_now(&password, &stored),
        None => {
            verify_now(&password, &DUMMY);
            false
        }
    })
    .await
    .expect("verifying does not panic")
}

static DUMMY: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| hash_now("not a password anyone has"));

/// A password to print once (CLI, first start): 20 characters from an alphabet without
/// look-alikes (about 112 bits).
pub fn generate() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..20)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// A new password as chosen on the invitation page: long enough, not absurdly long, and typed
/// the same twice.
pub fn check_new(password: &str, again: &str) -> Result<(), FieldError> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Err(
            FieldError::new("password", "password_too_short").with_detail(MIN_LENGTH.to_string())
        );
    }
    if length > MAX_LENGTH {
        return Err(FieldError::too_long("password", MAX_LENGTH));
    }
    if password != again {
        return Err(FieldError::new("password_again", "passwords_differ"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_and_no_other() {
        let stored = hash("correct horse battery".into()).await;
        assert!(stored.starts_with("$argon2id$"), "{stored}");
        assert!(verify("correct horse battery".into(), Some(stored.clone())).await);
        assert!(!verify("correct horse batterY".into(), Some(stored)).await);
        assert!(!verify("x".into(), None).await);
        assert!(!verify("x".into(), Some("not a phc string".into())).await);
    }

    #[test]
    fn generated_passwords_differ_and_pass_the_rules() {
        let (a, b) = (generate(), generate());
        assert_ne!(a, b);
        assert!(check_new(&a, &a).is_ok());
        assert_eq!(
            check_new("short", "short").unwrap_err().code,
            "password_too_short"
        );
        assert_eq!(
            check_new("long enough pass", "long enough pasS")
                .unwrap_err()
                .field,
            "password_again"
        );
    }
}
