//! The organisers' use-cases: accounts and invitations ([`accounts`]), signing in and browser
//! sessions ([`sessions`]), API tokens ([`tokens`]), who may do what ([`roles::can`]) and
//! managing workshops and meetings ([`activities`]), fairs ([`fairs`]) and exhibitors
//! ([`exhibitors`]), regions, districts
//! and partnerships ([`regions`]) and meeting series ([`series`]). The admin pages (`web::admin`) and the
//! JSON API (`api::admin`) are two faces of these functions; every change writes an
//! `audit_event` in its own transaction ([`audit`]).

pub mod accounts;
pub mod activities;
pub mod attendees;
pub mod audit;
pub mod cli;
pub mod exhibitors;
pub mod fairs;
pub mod messages;
pub mod password;
pub mod privacy;
pub mod regions;
pub mod report;
pub mod roles;
pub mod series;
pub mod sessions;
pub mod speakers;
pub mod tokens;

pub use roles::{Action, Principal, Scope, Subject, can};

use sea_orm::DbErr;

use crate::domain::{FieldError, field_error::optional_text};

/// Why an organiser's request was not carried out. Knows nothing of HTTP: the pages and the
/// API each map it once.
#[derive(Debug, thiserror::Error)]
pub enum ManageError {
    /// The role does not allow this action on this subject.
    #[error("not allowed")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// Fields to fix; nothing was changed.
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// The subject is in a state that does not allow it (e.g. editing a cancelled activity), or
    /// it changed meanwhile; the code is stable (`cancelled`, `changed_meanwhile`).
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Text an organiser typed: trimmed, at most `max` characters, no control characters except
/// line breaks and tabs in `multiline` fields. `Ok(None)` when empty.
pub(crate) fn text(
    field: &'static str,
    value: &str,
    max: usize,
    multiline: bool,
) -> Result<Option<String>, FieldError> {
    if !multiline {
        return optional_text(field, Some(value), max);
    }
    let value = value.trim();
    if value.chars().count() > max {
        return Err(FieldError::too_long(field, max));
    }
    if value
        .chars()
        .any(|c| crate::domain::field_error::is_unwanted(c, true))
    {
        return Err(FieldError::new(field, "control_characters"));
    }
    Ok((!value.is_empty()).then(|| value.to_owned()))
}

/// Optional one-line texts (at most 200 characters) into their slots: each `(field, sent,
/// slot)` whose value was sent (`Some`) replaces the slot, an empty one clears it.
pub(crate) fn set_short_texts<'a>(
    fields: impl IntoIterator<Item = (&'static str, &'a Option<String>, &'a mut Option<String>)>,
    errors: &mut Vec<FieldError>,
) {
    for (field, value, slot) in fields {
        if let Some(value) = value {
            match text(field, value, 200, false) {
                Ok(t) => *slot = t,
                Err(e) => errors.push(e),
            }
        }
    }
}

/// A web address as people type it (`www.skola.cz` included), with its scheme: at most `max`
/// characters, http or https, a host with a dot. `Ok(None)` when empty.
pub(crate) fn web_address(
    field: &'static str,
    value: &str,
    max: usize,
) -> Result<Option<String>, FieldError> {
    let Some(value) = text(field, value, max, false)? else {
        return Ok(None);
    };
    let full = if value.contains("://") {
        value
    } else {
        format!("https://{value}")
    };
    match url::Url::parse(&full) {
        Ok(url)
            if matches!(url.scheme(), "http" | "https")
                && url.host_str().is_some_and(|h| h.contains('.')) =>
        {
            Ok(Some(full))
        }
        _ => Err(FieldError::new(field, "invalid_url")),
    }
}

/// The reason given for cancelling something (optional, one line, at most 1000 characters).
pub(crate) fn cancel_reason(reason: Option<&str>) -> Result<Option<String>, ManageError> {
    optional_text("reason", reason, 1000).map_err(|e| ManageError::Invalid(vec![e]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_addresses_get_a_scheme_and_need_http_and_a_dotted_host() {
        assert_eq!(
            web_address("website", "www.skola.cz", 300)
                .unwrap()
                .as_deref(),
            Some("https://www.skola.cz")
        );
        assert_eq!(
            web_address("website", "http://skola.cz/o-nas", 300)
                .unwrap()
                .as_deref(),
            Some("http://skola.cz/o-nas")
        );
        assert_eq!(web_address("website", "  ", 300).unwrap(), None);
        for bad in ["javascript:alert(1)", "ftp://skola.cz", "skola", "https://"] {
            assert_eq!(
                web_address("website", bad, 300).unwrap_err().code,
                "invalid_url",
                "{bad} is not a website"
            );
        }
    }
}
