//! The sign-up form, shared by the fair's programme and a meeting's page: reading the posted
//! fields, showing them again with their errors, and handing a good form to
//! `registration::sign_up`, the same use-case the JSON API calls.
//!
//! The body is read with `url::form_urlencoded`, not poem's `Form`, because the workshops are
//! repeated `activity` fields. Whatever arrives, the answer is a page: a value that is not a
//! number where one is expected becomes a field error, unknown fields are ignored.

use std::collections::BTreeMap;

use poem::{
    Request, Response, handler,
    http::StatusCode,
    web::{Data, Redirect},
};
use serde::Serialize;

use super::{PageLang, error, lang::here, places, render::with_lang};
use crate::{
    domain::FieldError,
    i18n::Lang,
    registration::{self, CONSENT_VERSION, NewRegistration, ROLES, SignUpError, SignUpForm},
    startup::AppState,
};

/// The fields as typed, to fill the form in again.
#[derive(Debug, Default, Clone, Serialize)]
pub struct FormValues {
    pub name: String,
    pub email: String,
    pub organisation: String,
    pub role: String,
    pub district_id: String,
    pub activities: Vec<String>,
    pub consent: bool,
}

/// A posted form: the values, what could be read of them, and what could not.
pub struct Posted {
    pub values: FormValues,
    form: SignUpForm,
    problems: Vec<FieldError>,
    /// The hidden `website` field was filled in: a robot.
    honeypot: bool,
}

/// Reads an `application/x-www-form-urlencoded` body.
pub fn parse(body: &[u8], lang: Lang) -> Posted {
    let mut values = FormValues::default();
    let mut form = SignUpForm {
        lang,
        ..SignUpForm::default()
    };
    let mut problems = Vec::new();
    let mut honeypot = false;
    for (key, value) in url::form_urlencoded::parse(body) {
        let value = value.into_owned();
        match &*key {
            "name" => values.name = value,
            "email" => values.email = value,
            "organisation" => values.organisation = value,
            "role" => values.role = value,
            "district_id" => values.district_id = value,
            "activity" => values.activities.push(value),
            // The ticked box sends "yes"; nothing else is consent.
            "consent" => values.consent = value == "yes",
            "website" => honeypot |= !value.trim().is_empty(),
            _ => {}
        }
    }
    form.name = values.name.clone();
    form.email = values.email.clone();
    form.organisation = Some(values.organisation.clone());
    form.role = Some(values.role.clone());
    form.consent = values.consent;
    let district = values.district_id.trim();
    if !district.is_empty() {
        match district.parse::<i32>() {
            Ok(id) => form.district_id = Some(id),
            Err(_) => problems.push(FieldError::new("district_id", "unknown_choice")),
        }
    }
    for activity in &values.activities {
        match activity.trim().parse::<i32>() {
            Ok(id) => form.activity_ids.push(id),
            Err(_) => {
                if !problems.iter().any(|p| p.field == "activities") {
                    problems.push(FieldError::new("activities", "unknown_activity"));
                }
            }
        }
    }
    Posted {
        values,
        form,
        problems,
        honeypot,
    }
}

/// What became of a posted form.
pub enum Outcome {
    /// Signed up (or a robot was answered as if): show "check your email".
    CheckEmail,
    /// Nothing was written; show the form again with these errors.
    Invalid(FormValues, Vec<FieldError>),
}

/// Signs the form up for the activities it chose, which must be among `offered`; `fixed`
/// replaces the choice (a meeting's page signs up for that meeting).
pub async fn submit(
    state: &AppState,
    req: &Request,
    mut posted: Posted,
    offered: &[i32],
    fixed: Option<i32>,
) -> poem::Result<Outcome> {
    // A robot gets the answer a person gets, so it learns nothing; nothing is written or sent.
    if posted.honeypot {
        tracing::info!("sign-up form with the honeypot filled in ignored");
        return Ok(Outcome::CheckEmail);
    }
    if let Some(id) = fixed {
        posted.form.activity_ids = vec![id];
        posted.problems.retain(|p| p.field != "activities");
    }
    let mut errors = std::mem::take(&mut posted.problems);
    if posted
        .form
        .activity_ids
        .iter()
        .any(|id| !offered.contains(id))
        && !errors.iter().any(|e| e.field == "activities")
    {
        errors.push(FieldError::new("activities", "unknown_activity"));
    }
    let email = posted.form.email.clone();
    let new = match NewRegistration::try_from(posted.form) {
        Ok(new) if errors.is_empty() => new,
        Ok(_) => return Ok(Outcome::Invalid(posted.values, in_field_order(errors))),
        Err(more) => {
            errors.extend(more);
            return Ok(Outcome::Invalid(posted.values, in_field_order(errors)));
        }
    };
    state
        .limits
        .sign_up(crate::limits::client_ip(req), &email)
        .map_err(error::TooMany::from)?;
    match registration::sign_up(state, new).await {
        Ok(()) => Ok(Outcome::CheckEmail),
        Err(SignUpError::Invalid(errors)) => {
            Ok(Outcome::Invalid(posted.values, in_field_order(errors)))
        }
        Err(SignUpError::Db(err)) => Err(error::db(err)),
    }
}

/// The order of the fields on the page, so the summary reads top to bottom.
const FIELD_ORDER: &[&str] = &[
    "activities",
    "name",
    "email",
    "organisation",
    "role",
    "district_id",
    "consent",
];

fn in_field_order(mut errors: Vec<FieldError>) -> Vec<FieldError> {
    errors.sort_by_key(|e| {
        FIELD_ORDER
            .iter()
            .position(|f| *f == e.field)
            .unwrap_or(FIELD_ORDER.len())
    });
    errors
}

/// One line of the error summary: a link to the field and what to do.
#[derive(Debug, Serialize)]
pub struct SummaryItem {
    pub href: String,
    pub message: String,
}

/// Everything the form template needs.
#[derive(Debug, Serialize)]
pub struct FormView {
    pub action: String,
    pub values: FormValues,
    /// Field → its messages, in the page's language.
    pub errors: BTreeMap<&'static str, String>,
    pub summary: Vec<SummaryItem>,
    pub roles: &'static [&'static str],
    pub regions: Vec<places::RegionView>,
    pub consent_version: &'static str,
}

impl FormView {
    /// `activities_anchor` is where the summary sends the reader for an activity error (the
    /// first checkbox, or the meeting's heading).
    pub fn new(
        action: String,
        values: FormValues,
        errors: &[FieldError],
        lang: Lang,
        activities_anchor: &str,
        regions: Vec<places::RegionView>,
    ) -> FormView {
        let mut by_field: BTreeMap<&'static str, String> = BTreeMap::new();
        let mut summary = Vec::new();
        for e in errors {
            let message = lang.field_error(e);
            let href = match e.field {
                "activities" => format!("#{activities_anchor}"),
                field => format!("#{field}"),
            };
            summary.push(SummaryItem {
                href,
                message: message.clone(),
            });
            by_field
                .entry(e.field)
                .and_modify(|m| {
                    m.push(' ');
                    m.push_str(&message)
                })
                .or_insert(message);
        }
        FormView {
            action,
            values,
            errors: by_field,
            summary,
            roles: ROLES,
            regions,
            consent_version: CONSENT_VERSION,
        }
    }
}

/// After a good form: Post/Redirect/Get to "check your email".
pub fn check_email_redirect(lang: Lang) -> Response {
    use poem::IntoResponse;
    Redirect::see_other(with_lang("/check-email", lang)).into_response()
}

/// The status of a page that shows the form again.
pub const INVALID: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;

#[handler]
pub async fn check_email(
    req: &Request,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    let hold_hours = state.config.hold.as_secs().div_ceil(3600);
    state.pages.respond(
        StatusCode::OK,
        "check_email.html",
        lang,
        minijinja::context! { here => here(req), hold_hours },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_activities_are_all_read_and_bad_numbers_become_field_errors() {
        let body = b"name=Jana&email=jana%40skola.cz&activity=3&activity=5&activity=x\
            &district_id=abc&consent=yes&website=&unknown=1";
        let posted = parse(body, Lang::En);
        assert_eq!(posted.form.activity_ids, [3, 5]);
        assert_eq!(posted.values.activities, ["3", "5", "x"]);
        assert!(posted.form.consent);
        assert!(!posted.honeypot);
        let fields: Vec<_> = posted.problems.iter().map(|p| p.field).collect();
        assert_eq!(fields, ["district_id", "activities"]);
    }

    #[test]
    fn a_filled_in_website_field_marks_a_robot() {
        assert!(parse(b"website=http%3A%2F%2Fspam", Lang::Cs).honeypot);
    }

    #[test]
    fn the_summary_links_each_error_to_its_field() {
        let errors = [
            FieldError::new("email", "invalid_email"),
            FieldError::new("activities", "choose_activity"),
        ];
        let view = FormView::new(
            "/x".into(),
            FormValues::default(),
            &errors,
            Lang::En,
            "activity-1",
            vec![],
        );
        assert_eq!(view.summary[0].href, "#email");
        assert_eq!(view.summary[1].href, "#activity-1");
        assert!(view.errors["email"].starts_with("Enter a valid email"));
    }
}
