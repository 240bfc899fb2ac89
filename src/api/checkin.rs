//! Check-in in the JSON API, under `/api/admin/…`: the same use-cases as the door's pages
//! (`crate::checkin`), with an organiser's API token (a door app or a scanner's bridge).
//!
//! A check-in answers 200 with an `outcome` for every decision the door makes
//! (`checked_in`, `already_checked_in`, `wrong_activity`, `not_admitted`, `too_early`): they are answers
//! about the person, not failures of the request. Errors are those of [`super::admin`].

use chrono::{DateTime, Utc};
use poem::{Request, web::Data};
use poem_openapi::{
    ApiResponse, Object, OpenApi, Tags,
    param::{Path, Query},
    payload::Json,
};

use super::{admin::OrganiserToken, error::AdminError, request_lang};
use crate::{
    checkin::{self, Attendee, Target},
    domain::FieldError,
    startup::AppState,
};

#[derive(Tags)]
enum CheckInTags {
    /// Checking people in at the door (organisers; needs an API token).
    CheckIn,
}

/// A registration as the door sees it.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct CheckInRecord {
    pub registration_id: i32,
    pub name: String,
    pub email: String,
    pub organisation: Option<String>,
    /// The registration's activity (which may not be the door's: see `wrong_activity`).
    pub activity_id: i32,
    pub activity_title: String,
    /// `confirmed`, `attended` (checked in), `no_show`, `cancelled`, …
    pub status: String,
    pub checked_in_at: Option<DateTime<Utc>>,
}

impl From<&Attendee> for CheckInRecord {
    fn from(a: &Attendee) -> Self {
        CheckInRecord {
            registration_id: a.registration.id,
            name: a.person.name.clone(),
            email: a.person.email.clone(),
            organisation: a.person.organisation.clone(),
            activity_id: a.activity.id,
            activity_title: a.activity.title.clone(),
            status: a.registration.status.as_str().into(),
            checked_in_at: a.registration.checked_in_at,
        }
    }
}

/// Whom to check in: the token of a scanned check-in link (the last part of
/// `/checkin/{token}`, or the whole link) or a registration id; with `activity_id`, the door's
/// activity, so a code for another activity is answered `wrong_activity`.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct CheckInRequest {
    pub token: Option<String>,
    pub registration_id: Option<i32>,
    pub activity_id: Option<i32>,
}

#[derive(Debug, Object)]
pub struct CheckInResult {
    /// `checked_in` (now), `already_checked_in` (a duplicate: see `checked_in_at`),
    /// `wrong_activity` (the registration is for `registration.activity_id`), `not_admitted`
    /// (see `registration.status`), `too_early` (the door opens on the activity's day, at
    /// midnight in its fair's zone). Only `checked_in` changed anything.
    pub outcome: String,
    pub registration: CheckInRecord,
}

#[derive(ApiResponse)]
pub enum CheckInResponse {
    #[oai(status = 200)]
    Ok(Json<CheckInResult>),
}

#[derive(ApiResponse)]
pub enum RecordResponse {
    #[oai(status = 200)]
    Ok(Json<CheckInRecord>),
}

#[derive(ApiResponse)]
pub enum RosterResponse {
    #[oai(status = 200)]
    Ok(Json<Vec<CheckInRecord>>),
}

pub struct CheckInApi;

#[OpenApi(prefix_path = "/admin", tag = "CheckInTags::CheckIn")]
impl CheckInApi {
    /// Check a person in (status `attended`). Repeating it is harmless: the second answer is
    /// `already_checked_in` with the first time.
    #[oai(path = "/checkins", method = "post")]
    async fn check_in(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        body: Json<CheckInRequest>,
    ) -> Result<CheckInResponse, AdminError> {
        let lang = request_lang(req);
        let body = body.0;
        let token = body
            .token
            .as_deref()
            .map(|t| checkin::token_from_scan(t).unwrap_or(t));
        let target = match (token, body.registration_id) {
            (Some(token), None) => Target::Token(token),
            (None, Some(id)) => Target::Registration(id),
            _ => {
                let error = FieldError::new("token", "token_or_registration");
                return Err(AdminError::invalid(&[error], lang));
            }
        };
        let (outcome, attendee) =
            checkin::check_in(&state, &auth.0, target, body.activity_id, Utc::now())
                .await
                .map_err(|e| AdminError::from_manage(e, lang))?;
        Ok(CheckInResponse::Ok(Json(CheckInResult {
            outcome: outcome.as_str().into(),
            registration: (&attendee).into(),
        })))
    }

    /// Take a check-in back (status `confirmed` again). 409 `not_checked_in` when the
    /// registration is not checked in.
    #[oai(path = "/checkins/:registration_id/undo", method = "post")]
    async fn undo(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        registration_id: Path<i32>,
    ) -> Result<RecordResponse, AdminError> {
        let lang = request_lang(req);
        let attendee = checkin::undo(&state, &auth.0, registration_id.0, Utc::now())
            .await
            .map_err(|e| AdminError::from_manage(e, lang))?;
        Ok(RecordResponse::Ok(Json((&attendee).into())))
    }

    /// Who is expected at the door: confirmed, checked-in and no-show registrations of the
    /// activity, alphabetically; `q` searches name, email and organisation (case and
    /// diacritics ignored).
    #[oai(path = "/activities/:id/checkins", method = "get")]
    async fn roster(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
        q: Query<Option<String>>,
    ) -> Result<RosterResponse, AdminError> {
        let lang = request_lang(req);
        let query = q.0.unwrap_or_default();
        let (_, _, people) = checkin::roster(&state, &auth.0, id.0, &checkin::AT_THE_DOOR, &query)
            .await
            .map_err(|e| AdminError::from_manage(e, lang))?;
        Ok(RosterResponse::Ok(Json(
            people.iter().map(CheckInRecord::from).collect(),
        )))
    }
}
