//! A participant's name as they write it (diacritics and all), within sane bounds.

use super::FieldError;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub const MAX_CHARS: usize = 120;

    pub fn parse(raw: &str) -> Result<PersonName, FieldError> {
        let value = raw.trim();
        if value.is_empty() {
            return Err(FieldError::new("name", "required"));
        }
        if value.chars().count() > Self::MAX_CHARS {
            return Err(FieldError::too_long("name", Self::MAX_CHARS));
        }
        if value
            .chars()
            .any(|c| super::field_error::is_unwanted(c, false))
        {
            return Err(FieldError::new("name", "control_characters"));
        }
        Ok(PersonName(value.to_owned()))
    }
}

impl AsRef<str> for PersonName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn czech_names_pass_and_empty_or_multiline_ones_do_not() {
        assert_eq!(
            PersonName::parse(" Žofie Čermáková ").unwrap().as_ref(),
            "Žofie Čermáková"
        );
        assert_eq!(PersonName::parse("  ").unwrap_err().code, "required");
        assert_eq!(
            PersonName::parse("Eve\r\nBcc: x").unwrap_err().code,
            "control_characters"
        );
        assert_eq!(
            PersonName::parse("Jana \u{FFFD}\u{FFFD}").unwrap_err().code,
            "control_characters",
            "what bytes that were not UTF-8 became"
        );
        assert_eq!(
            PersonName::parse(&"a".repeat(121)).unwrap_err().code,
            "too_long"
        );
    }

    proptest! {
        #[test]
        fn a_parsed_name_is_one_trimmed_line(raw in "\\PC*|[\\s\\S]{0,200}") {
            if let Ok(name) = PersonName::parse(&raw) {
                let name = name.as_ref();
                prop_assert!(!name.is_empty() && name.trim() == name);
                prop_assert!(!name.chars().any(char::is_control));
                prop_assert!(name.chars().count() <= PersonName::MAX_CHARS);
            }
        }
    }
}
