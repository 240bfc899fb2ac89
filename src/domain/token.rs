//! Personal secret links (confirm, manage, personal feed, check-in): 256 random bits, URL-safe,
//! and only their SHA-256 hash is stored, so a database leak does not leak working links.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A freshly made token: `plain` goes into the link once, `hash` into the database.
pub struct NewToken {
    pub plain: String,
    pub hash: String,
}

impl NewToken {
    pub fn generate() -> NewToken {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        let plain = URL_SAFE_NO_PAD.encode(bytes);
        NewToken {
            hash: hash(&plain),
            plain,
        }
    }
}

/// The stored form of a token as it arrives in a URL. Anything that is not a well-formed token
/// hashes to something no token has, so a malformed link reads as "unknown", never as an error.
pub fn hash(plain: &str) -> String {
    let digest = Sha256::digest(plain.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `plain` looks like one of our tokens (43 URL-safe characters); cheap rejection of
/// garbage before any database lookup.
pub fn is_well_formed(plain: &str) -> bool {
    plain.len() == 43
        && plain
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_carry_256_bits_and_are_stored_only_as_hashes() {
        let a = NewToken::generate();
        let b = NewToken::generate();
        assert_ne!(a.plain, b.plain);
        assert!(is_well_formed(&a.plain));
        assert_eq!(a.hash, hash(&a.plain));
        assert_eq!(a.hash.len(), 64);
        assert!(!a.hash.contains(&a.plain));
    }

    #[test]
    fn garbage_is_not_well_formed() {
        assert!(!is_well_formed(""));
        assert!(!is_well_formed("../../etc/passwd"));
        assert!(!is_well_formed(&"a".repeat(44)));
        assert!(!is_well_formed(&"é".repeat(21)));
    }
}
