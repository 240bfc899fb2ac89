//! An email address as veletrh keeps it: trimmed, lower-case, syntactically valid.

use validator::ValidateEmail;

use super::FieldError;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, FieldError> {
        let value = raw.trim().to_lowercase();
        if value.is_empty() {
            return Err(FieldError::new("email", "required"));
        }
        // RFC 5321 limits a path to 254 octets; lettre must also accept what we store.
        if value.len() > 254
            || !value.validate_email()
            || value.parse::<lettre::Address>().is_err()
            || value.chars().any(|c| c.is_control() || c.is_whitespace())
        {
            return Err(FieldError::new("email", "invalid_email"));
        }
        Ok(Email(value))
    }
}

impl AsRef<str> for Email {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn addresses_are_trimmed_and_lower_cased() {
        assert_eq!(
            Email::parse("  Jana.Novakova@Skola.CZ ").unwrap().as_ref(),
            "jana.novakova@skola.cz"
        );
    }

    #[test]
    fn bad_addresses_are_refused_with_a_code() {
        for bad in [
            "",
            "   ",
            "jana",
            "jana@",
            "@skola.cz",
            "ja na@skola.cz",
            "a@b.cz\r\nBcc: x@y.cz",
        ] {
            let err = Email::parse(bad).unwrap_err();
            assert_eq!(err.field, "email", "{bad:?}");
        }
        assert_eq!(
            Email::parse(&format!("{}@skola.cz", "a".repeat(250)))
                .unwrap_err()
                .code,
            "invalid_email"
        );
    }

    proptest! {
        #[test]
        fn whatever_parses_is_a_sendable_address(raw in "\\PC{0,40}(@\\PC{0,20})?") {
            if let Ok(email) = Email::parse(&raw) {
                prop_assert!(email.as_ref().parse::<lettre::Address>().is_ok());
                prop_assert_eq!(email.as_ref(), email.as_ref().trim().to_lowercase());
            }
        }
    }
}
