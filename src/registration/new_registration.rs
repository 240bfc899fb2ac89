//! What a sign-up form or API request says, parsed into domain types in one place.

use crate::{
    domain::{Email, FieldError, PersonName, field_error::optional_text},
    i18n::Lang,
};

/// The version of the consent text shown next to the checkbox; stored with each registration.
pub const CONSENT_VERSION: &str = "2026-11";

/// The roles a participant can pick (the labels are in `i18n`, `role.<value>`).
pub const ROLES: &[&str] = &[
    "teacher",
    "principal",
    "deputy",
    "counsellor",
    "map_orp",
    "other",
];

/// The raw fields, as they come from the HTML form or the JSON body.
#[derive(Debug, Default, Clone)]
pub struct SignUpForm {
    pub name: String,
    pub email: String,
    pub organisation: Option<String>,
    pub role: Option<String>,
    pub district_id: Option<i32>,
    pub activity_ids: Vec<i32>,
    pub consent: bool,
    pub lang: Lang,
}

/// A sign-up whose every field parsed.
#[derive(Debug, Clone)]
pub struct NewRegistration {
    pub name: PersonName,
    pub email: Email,
    pub organisation: Option<String>,
    pub role: Option<String>,
    pub district_id: Option<i32>,
    pub activity_ids: Vec<i32>,
    pub lang: Lang,
}

/// At most this many activities in one sign-up (a fair has a handful of slots).
const MAX_ACTIVITIES: usize = 20;

impl TryFrom<SignUpForm> for NewRegistration {
    type Error = Vec<FieldError>;

    /// Every field is checked, so the person sees all problems at once.
    fn try_from(form: SignUpForm) -> Result<Self, Self::Error> {
        let mut errors = Vec::new();
        let name = PersonName::parse(&form.name)
            .map_err(|e| errors.push(e))
            .ok();
        let email = Email::parse(&form.email).map_err(|e| errors.push(e)).ok();
        let organisation = optional_text("organisation", form.organisation.as_deref(), 200)
            .map_err(|e| errors.push(e))
            .ok()
            .flatten();
        let role = match form
            .role
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
        {
            None => None,
            Some(role) if ROLES.contains(&role) => Some(role.to_owned()),
            Some(_) => {
                errors.push(FieldError::new("role", "unknown_choice"));
                None
            }
        };
        let mut activity_ids = form.activity_ids;
        activity_ids.sort_unstable();
        activity_ids.dedup();
        if activity_ids.is_empty() {
            errors.push(FieldError::new("activities", "choose_activity"));
        } else if activity_ids.len() > MAX_ACTIVITIES {
            errors.push(FieldError::new("activities", "too_many"));
        }
        if !form.consent {
            errors.push(FieldError::new("consent", "consent_required"));
        }
        match (name, email, errors.is_empty()) {
            (Some(name), Some(email), true) => Ok(NewRegistration {
                name,
                email,
                organisation,
                role,
                district_id: form.district_id,
                activity_ids,
                lang: form.lang,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> SignUpForm {
        SignUpForm {
            name: "Jana Dvořáková".into(),
            email: "jana@skola.cz".into(),
            organisation: Some("ZŠ Krnov".into()),
            role: Some("teacher".into()),
            district_id: None,
            activity_ids: vec![3, 1, 3],
            consent: true,
            lang: Lang::Cs,
        }
    }

    #[test]
    fn a_good_form_parses_with_activities_deduplicated() {
        let new = NewRegistration::try_from(form()).unwrap();
        assert_eq!(new.activity_ids, [1, 3]);
        assert_eq!(new.email.as_ref(), "jana@skola.cz");
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let bad = SignUpForm {
            name: " ".into(),
            email: "jana".into(),
            organisation: Some("x\u{0}y".into()),
            role: Some("king".into()),
            activity_ids: vec![],
            consent: false,
            ..form()
        };
        let fields: Vec<_> = NewRegistration::try_from(bad)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "name",
                "email",
                "organisation",
                "role",
                "activities",
                "consent"
            ]
        );
    }
}
