//! Personal secret links: 256 bits, URL-safe, and only their SHA-256 hash is stored, so a
//! database leak does not leak working links.
//!
//! One-time links (confirm a sign-up, accept an offered seat) are random: [`NewToken`].
//! Standing links (manage my registrations, my calendar feed, my check-in code, my way into an
//! activity held online) must appear in every later email, so they are derived: HMAC-SHA-256
//! under the instance's secret key (kept outside the database) of what they open. The database
//! holds their hashes for lookup; a revoked feed link changes its generation and thereby its
//! token.

use std::fmt;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// What a derived link opens; part of the HMAC input, so one link never works for another use.
#[derive(Clone, Copy, Debug)]
pub enum LinkPurpose {
    Manage,
    Feed,
    CheckIn,
    Join,
}

/// The secret key standing links are derived with. Never printed.
#[derive(Clone)]
pub struct LinkKey([u8; 32]);

impl fmt::Debug for LinkKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LinkKey(***)")
    }
}

impl LinkKey {
    pub fn generate() -> LinkKey {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        LinkKey(bytes)
    }

    /// From its base64 form (standard or URL-safe alphabet, padding optional); 32 bytes.
    pub fn from_base64(text: &str) -> Option<LinkKey> {
        let text = text.trim().trim_end_matches('=');
        let bytes = URL_SAFE_NO_PAD
            .decode(text.replace('+', "-").replace('/', "_"))
            .ok()?;
        Some(LinkKey(bytes.try_into().ok()?))
    }

    pub fn to_base64(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.0)
    }

    /// The link token of `purpose` for record `id` at `generation` (for `Join`: the person,
    /// and the activity they join).
    pub fn derive(&self, purpose: LinkPurpose, id: i32, generation: i32) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("any key length works");
        mac.update(format!("veletrh/{purpose:?}/{id}/{generation}").as_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }
}

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
    fn derived_links_differ_by_purpose_record_generation_and_key() {
        let key = LinkKey::generate();
        let manage = key.derive(LinkPurpose::Manage, 7, 0);
        assert!(is_well_formed(&manage));
        assert_eq!(manage, key.derive(LinkPurpose::Manage, 7, 0), "stable");
        assert_ne!(manage, key.derive(LinkPurpose::Feed, 7, 0));
        assert_ne!(manage, key.derive(LinkPurpose::Manage, 8, 0));
        assert_ne!(manage, key.derive(LinkPurpose::Manage, 7, 1));
        assert_ne!(
            manage,
            LinkKey::generate().derive(LinkPurpose::Manage, 7, 0)
        );
        let again = LinkKey::from_base64(&key.to_base64()).unwrap();
        assert_eq!(manage, again.derive(LinkPurpose::Manage, 7, 0));
        assert!(LinkKey::from_base64("too short").is_none());
    }

    #[test]
    fn garbage_is_not_well_formed() {
        assert!(!is_well_formed(""));
        assert!(!is_well_formed("../../etc/passwd"));
        assert!(!is_well_formed(&"a".repeat(44)));
        assert!(!is_well_formed(&"é".repeat(21)));
    }

    proptest::proptest! {
        /// Exactly 43 URL-safe characters pass; anything else, of any length or alphabet, is
        /// turned away before a lookup (and a passing one is still only hashed, never trusted).
        #[test]
        fn only_the_token_shape_is_well_formed(raw in "\\PC{0,60}", url_safe in "[A-Za-z0-9_-]{43}") {
            let shaped = raw.len() == 43
                && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            proptest::prop_assert_eq!(is_well_formed(&raw), shaped);
            proptest::prop_assert!(is_well_formed(&url_safe));
            proptest::prop_assert_eq!(hash(&raw).len(), 64);
        }
    }
}
