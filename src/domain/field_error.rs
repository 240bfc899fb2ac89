//! A problem with one field of a form or request: which field and a stable code. The message
//! in the reader's language comes from `i18n` (`error.<code>`), so the rule stays language-free.

use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: &'static str,
    pub code: &'static str,
    /// Extra words for the message, e.g. the title of the conflicting workshop.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl FieldError {
    pub fn new(field: &'static str, code: &'static str) -> FieldError {
        FieldError {
            field,
            code,
            detail: None,
        }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> FieldError {
        self.detail = Some(detail.into());
        self
    }

    /// Longer than `max` characters: the message names the limit.
    pub fn too_long(field: &'static str, max: usize) -> FieldError {
        FieldError::new(field, "too_long").with_detail(max.to_string())
    }
}

/// A character no text from a person may hold: a control character (but line breaks and tabs
/// where the text is `multiline`), or U+FFFD, which stands for bytes that were not UTF-8 (a
/// form body is decoded lossily).
pub fn is_unwanted(c: char, multiline: bool) -> bool {
    c == char::REPLACEMENT_CHARACTER
        || (c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t')))
}

/// Free text from a person: trimmed, at most `max` characters, no control characters.
/// `Ok(None)` when empty.
pub fn optional_text(
    field: &'static str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>, FieldError> {
    let value = value.map(str::trim).unwrap_or_default();
    if value.is_empty() {
        return Ok(None);
    }
    if value.chars().count() > max {
        return Err(FieldError::too_long(field, max));
    }
    if value.chars().any(|c| is_unwanted(c, false)) {
        return Err(FieldError::new(field, "control_characters"));
    }
    Ok(Some(value.to_owned()))
}
