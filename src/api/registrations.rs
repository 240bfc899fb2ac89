//! Participant operations: sign up, confirm, see and cancel my registrations, forget me.

use chrono::{DateTime, Utc};
use poem::{Request, web::Data};
use poem_openapi::{ApiResponse, Object, OpenApi, param::Path, payload::Json};

use super::{ApiTags, error::ApiError, request_lang};
use crate::{
    organiser::ManageError,
    registration::{
        self, CancelOutcome, ConfirmOutcome, NewRegistration, SignUpError, SignUpForm, WayIn,
        feedback::{self, FeedbackInput},
    },
    startup::AppState,
};

/// A sign-up for one or more activities (several workshops of a fair, or a meeting).
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct SignUpRequest {
    pub name: String,
    pub email: String,
    pub organisation: Option<String>,
    /// One of `teacher`, `principal`, `deputy`, `counsellor`, `map_orp`, `other`.
    pub role: Option<String>,
    pub district_id: Option<i32>,
    pub activity_ids: Vec<i32>,
    /// Consent to the processing of personal data (must be `true`).
    pub consent: bool,
}

#[derive(Debug, Object)]
pub struct Accepted {
    /// Always `check_email`: the answer does not depend on whether the address was known.
    pub status: String,
}

#[derive(ApiResponse)]
pub enum SignUpResponse {
    /// Accepted: an email tells the person what happens next.
    #[oai(status = 202)]
    Accepted(Json<Accepted>),
}

#[derive(Debug, Object)]
pub struct Conflict {
    /// The activity whose seat was given back.
    pub activity: String,
    /// The confirmed activity it overlaps.
    pub overlaps: String,
}

#[derive(Debug, Object)]
pub struct Confirmation {
    /// Titles confirmed by this request (empty when they were confirmed before).
    pub confirmed: Vec<String>,
    pub conflicts: Vec<Conflict>,
    /// Opens `GET /api/me/{token}`.
    pub manage_token: String,
}

#[derive(ApiResponse)]
pub enum ConfirmResponse {
    #[oai(status = 200)]
    Ok(Json<Confirmation>),
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct MyRegistrationDto {
    pub id: i32,
    pub activity_id: i32,
    pub activity_title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// `pending`, `confirmed`, `waitlisted`, `offered`, `cancelled`, `expired`, `attended`.
    pub status: String,
    pub hold_expires_at: Option<DateTime<Utc>>,
    /// A confirmed seat of an activity held in person: the entry link to show at the door.
    pub checkin_url: Option<String>,
    /// A confirmed seat of an activity held online: the person's own link to join it by, a page
    /// whose button leads to the meeting and, while it is on, records their attendance.
    pub join_url: Option<String>,
}

#[derive(Debug, Object)]
pub struct MeDto {
    pub name: String,
    pub email: String,
    /// The personal calendar feed (iCalendar) of confirmed registrations.
    pub feed_url: String,
    pub registrations: Vec<MyRegistrationDto>,
}

#[derive(ApiResponse)]
pub enum MeResponse {
    #[oai(status = 200)]
    Ok(Json<MeDto>),
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AttendedDto {
    pub registration_id: i32,
    pub activity_id: i32,
    pub title: String,
    /// `workshop` or `meeting`.
    pub kind: String,
    /// What it was part of: its fair, else its meeting series, else its region.
    pub part_of: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub minutes: i64,
    pub place: String,
    pub speakers: String,
    pub checked_in_at: Option<DateTime<Utc>>,
    /// The person's rating (1–5), when they gave one: `PUT …/registrations/{id}/feedback`.
    pub rating: Option<i32>,
    pub comment: Option<String>,
}

/// The certificate of attendance: every activity the person was checked in at.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AttendanceDto {
    pub name: String,
    pub organisation: Option<String>,
    pub total_minutes: i64,
    /// In the order they took place.
    pub attended: Vec<AttendedDto>,
    /// The printable page of the same certificate.
    pub certificate_url: String,
}

#[derive(ApiResponse)]
pub enum AttendanceResponse {
    #[oai(status = 200)]
    Ok(Json<AttendanceDto>),
}

/// A rating of an attended activity; it replaces the one given before.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct FeedbackRequest {
    /// 1 (poor) to 5 (excellent).
    pub rating: i32,
    /// At most 2,000 characters; organisers read it without the person's name.
    pub comment: Option<String>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct FeedbackDto {
    pub rating: i32,
    pub comment: Option<String>,
}

#[derive(ApiResponse)]
pub enum FeedbackResponse {
    #[oai(status = 200)]
    Ok(Json<FeedbackDto>),
}

#[derive(ApiResponse)]
pub enum CancelResponse {
    /// Cancelled now, or already cancelled before (`status` says which).
    #[oai(status = 200)]
    Ok(Json<Accepted>),
}

#[derive(ApiResponse)]
pub enum ForgetResponse {
    /// The person's data is anonymised and every personal link stops working.
    #[oai(status = 204)]
    Done,
}

pub struct RegistrationApi;

#[OpenApi(tag = "ApiTags::Registrations")]
impl RegistrationApi {
    /// Sign up. The seats are held until the link in the email is opened (double opt-in);
    /// full activities put the person on their waiting list.
    #[oai(path = "/registrations", method = "post")]
    async fn sign_up(
        &self,
        state: Data<&AppState>,
        req: &Request,
        body: Json<SignUpRequest>,
    ) -> Result<SignUpResponse, ApiError> {
        let lang = request_lang(req);
        let body = body.0;
        let form = SignUpForm {
            name: body.name,
            email: body.email,
            organisation: body.organisation,
            role: body.role,
            district_id: body.district_id,
            activity_ids: body.activity_ids,
            consent: body.consent,
            lang,
        };
        super::limits::check_sign_up(&state, req, &form.email, lang)?;
        let new =
            NewRegistration::try_from(form).map_err(|errors| ApiError::invalid(&errors, lang))?;
        registration::sign_up(&state, new)
            .await
            .map_err(|err| match err {
                SignUpError::Invalid(errors) => ApiError::invalid(&errors, lang),
                SignUpError::Db(err) => ApiError::from_db(err, lang),
            })?;
        Ok(SignUpResponse::Accepted(Json(Accepted {
            status: "check_email".into(),
        })))
    }

    /// Confirm with the token from the email link (`/confirm/{token}`). Harmless to repeat.
    #[oai(path = "/confirmations/:token", method = "post")]
    async fn confirm(
        &self,
        state: Data<&AppState>,
        req: &Request,
        token: Path<String>,
    ) -> Result<ConfirmResponse, ApiError> {
        let lang = request_lang(req);
        super::limits::check_token_guess(&state, req, lang)?;
        let outcome = registration::confirm(&state, &token)
            .await
            .map_err(|e| ApiError::from_db(e, lang))?;
        let confirmation = match outcome {
            ConfirmOutcome::Confirmed {
                confirmed,
                conflicts,
                manage_token,
            } => Confirmation {
                confirmed,
                conflicts: conflicts
                    .into_iter()
                    .map(|(activity, overlaps)| Conflict { activity, overlaps })
                    .collect(),
                manage_token,
            },
            ConfirmOutcome::AlreadyConfirmed { manage_token } => Confirmation {
                confirmed: Vec::new(),
                conflicts: Vec::new(),
                manage_token,
            },
            ConfirmOutcome::Expired => return Err(ApiError::expired(lang)),
            ConfirmOutcome::Unknown => return Err(ApiError::not_found(lang)),
        };
        Ok(ConfirmResponse::Ok(Json(confirmation)))
    }

    /// The person's registrations, by the manage token from any of their emails.
    #[oai(path = "/me/:token", method = "get")]
    async fn me(
        &self,
        state: Data<&AppState>,
        req: &Request,
        token: Path<String>,
    ) -> Result<MeResponse, ApiError> {
        let lang = request_lang(req);
        super::limits::check_token_guess(&state, req, lang)?;
        let mine = registration::my_registrations(&state, &token)
            .await
            .map_err(|e| ApiError::from_db(e, lang))?
            .ok_or_else(|| ApiError::not_found(lang))?;
        let person = &mine.person;
        Ok(MeResponse::Ok(Json(MeDto {
            name: person.name.clone(),
            email: person.email.clone(),
            feed_url: state.links.feed_url(person.id, person.feed_generation),
            registrations: mine
                .registrations
                .into_iter()
                .map(|r| {
                    let (checkin_url, join_url) = match r.way_in {
                        Some(WayIn::Door(url)) => (Some(url), None),
                        Some(WayIn::Online(url)) => (None, Some(url)),
                        None => (None, None),
                    };
                    MyRegistrationDto {
                        id: r.registration.id,
                        activity_id: r.activity.id,
                        activity_title: r.activity.title,
                        starts_at: r.activity.starts_at,
                        ends_at: r.activity.ends_at,
                        status: r.registration.status.as_str().to_owned(),
                        hold_expires_at: r.registration.hold_expires_at,
                        checkin_url,
                        join_url,
                    }
                })
                .collect(),
        })))
    }

    /// The certificate of attendance, by the manage token.
    #[oai(path = "/me/:token/attendance", method = "get")]
    async fn attendance(
        &self,
        state: Data<&AppState>,
        req: &Request,
        token: Path<String>,
    ) -> Result<AttendanceResponse, ApiError> {
        let lang = request_lang(req);
        super::limits::check_token_guess(&state, req, lang)?;
        let attendance = registration::attendance(&state, &token)
            .await
            .map_err(|e| ApiError::from_db(e, lang))?
            .ok_or_else(|| ApiError::not_found(lang))?;
        let total_minutes = attendance.total_minutes();
        let person = attendance.person;
        Ok(AttendanceResponse::Ok(Json(AttendanceDto {
            certificate_url: state.links.attendance_url(person.id, lang),
            name: person.name,
            organisation: person.organisation,
            total_minutes,
            attended: attendance
                .attended
                .into_iter()
                .map(|a| AttendedDto {
                    rating: a.feedback.as_ref().map(|f| f.rating),
                    comment: a.feedback.as_ref().and_then(|f| f.comment.clone()),
                    minutes: a.minutes(),
                    place: a.activity.location(),
                    speakers: a.activity.speaker_line(),
                    registration_id: a.registration.id,
                    checked_in_at: a.registration.checked_in_at,
                    part_of: a.part_of,
                    activity_id: a.activity.model.id,
                    kind: a.activity.model.kind.as_str().to_owned(),
                    starts_at: a.activity.model.starts_at,
                    ends_at: a.activity.model.ends_at,
                    title: a.activity.model.title,
                })
                .collect(),
        })))
    }

    /// Rate an attended activity (one of the person's registrations with status `attended`).
    #[oai(path = "/me/:token/registrations/:id/feedback", method = "put")]
    async fn feedback(
        &self,
        state: Data<&AppState>,
        req: &Request,
        token: Path<String>,
        id: Path<i32>,
        body: Json<FeedbackRequest>,
    ) -> Result<FeedbackResponse, ApiError> {
        let lang = request_lang(req);
        super::limits::check_token_guess(&state, req, lang)?;
        let input = FeedbackInput {
            rating: Some(body.0.rating),
            comment: body.0.comment.unwrap_or_default(),
        };
        match feedback::give_feedback(&state, &token, *id, &input, Utc::now()).await {
            Ok((rating, comment)) => {
                Ok(FeedbackResponse::Ok(Json(FeedbackDto { rating, comment })))
            }
            Err(ManageError::Invalid(errors)) => Err(ApiError::invalid(&errors, lang)),
            Err(ManageError::Db(err)) => Err(ApiError::from_db(err, lang)),
            Err(_) => Err(ApiError::not_found(lang)),
        }
    }

    /// Cancel one registration; its seat goes to the waiting list.
    #[oai(path = "/me/:token/registrations/:id/cancel", method = "post")]
    async fn cancel(
        &self,
        state: Data<&AppState>,
        req: &Request,
        token: Path<String>,
        id: Path<i32>,
    ) -> Result<CancelResponse, ApiError> {
        let lang = request_lang(req);
        super::limits::check_token_guess(&state, req, lang)?;
        let status = match registration::cancel(&state, &token, *id)
            .await
            .map_err(|e| ApiError::from_db(e, lang))?
        {
            CancelOutcome::Cancelled => "cancelled",
            CancelOutcome::AlreadyCancelled => "already_cancelled",
            CancelOutcome::NotFound => return Err(ApiError::not_found(lang)),
        };
        Ok(CancelResponse::Ok(Json(Accepted {
            status: status.into(),
        })))
    }

    /// Delete my data: cancels every registration and anonymises the person.
    #[oai(path = "/me/:token", method = "delete")]
    async fn forget(
        &self,
        state: Data<&AppState>,
        req: &Request,
        token: Path<String>,
    ) -> Result<ForgetResponse, ApiError> {
        let lang = request_lang(req);
        super::limits::check_token_guess(&state, req, lang)?;
        if registration::forget_me(&state, &token)
            .await
            .map_err(|e| ApiError::from_db(e, lang))?
        {
            Ok(ForgetResponse::Done)
        } else {
            Err(ApiError::not_found(lang))
        }
    }
}
