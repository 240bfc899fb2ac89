//! Exhibitors in the JSON API: the public application (`POST /api/fairs/{slug}/exhibitors/apply`,
//! rate-limited like sign-ups) and, with an organiser's API token, the list of a fair's
//! exhibitors, create, edit, delete, approve and reject (`organiser::exhibitors`).

use chrono::{DateTime, Utc};
use entity::{enums::ExhibitorStatus, exhibitor};
use poem::{Request, web::Data};
use poem_openapi::{
    ApiResponse, Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};

use super::{
    admin::{DeletedResponse, OrganiserToken},
    error::{AdminError, ApiError, Problem, problem, unexpected},
    fairs::FairTags,
    limits, request_lang,
};
use crate::{
    domain::FieldError,
    organiser::{
        ManageError,
        exhibitors::{self, Application, ExhibitorInput},
    },
    programme,
    startup::AppState,
};

/// An exhibitor or application as organisers see it.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AdminExhibitor {
    pub id: i32,
    pub fair_id: i32,
    pub name: String,
    pub description: String,
    pub website: Option<String>,
    /// The stand assigned by the organisers.
    pub stand: Option<String>,
    /// The stand asked for in the application.
    pub wished_stand: Option<String>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    /// `applied`, `approved` or `rejected`.
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<exhibitor::Model> for AdminExhibitor {
    fn from(e: exhibitor::Model) -> Self {
        AdminExhibitor {
            id: e.id,
            fair_id: e.fair_id,
            name: e.name,
            description: e.description,
            website: e.website,
            stand: e.stand,
            wished_stand: e.wished_stand,
            contact_name: e.contact_name,
            contact_email: e.contact_email,
            status: e.status.as_str().into(),
            created_at: e.created_at,
            updated_at: e.updated_at,
        }
    }
}

/// A new exhibitor (approved at once; `name` required) or the changes to one: an omitted field
/// keeps its value, an empty text clears an optional one. The status changes only through
/// approve and reject.
#[derive(Debug, Object, Default)]
#[oai(deny_unknown_fields)]
pub struct ExhibitorFields {
    pub name: Option<String>,
    pub description: Option<String>,
    /// A web address (`https://` is added when missing).
    pub website: Option<String>,
    pub stand: Option<String>,
    pub wished_stand: Option<String>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
}

impl From<ExhibitorFields> for ExhibitorInput {
    fn from(f: ExhibitorFields) -> Self {
        ExhibitorInput {
            name: f.name,
            description: f.description,
            website: f.website,
            stand: f.stand,
            wished_stand: f.wished_stand,
            contact_name: f.contact_name,
            contact_email: f.contact_email,
        }
    }
}

#[derive(Debug, Object, Default)]
#[oai(deny_unknown_fields)]
pub struct ApproveRequest {
    /// The stand assigned; named in the approval email.
    pub stand: Option<String>,
}

#[derive(Debug, Object, Default)]
#[oai(deny_unknown_fields)]
pub struct RejectRequest {
    /// Goes into the email to the contact.
    pub reason: Option<String>,
}

/// An application to exhibit at a fair.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct ApplicationRequest {
    /// The organisation's name as the directory would show it; unique per fair.
    pub organisation: String,
    pub contact_name: String,
    /// Gets the acknowledgement now and the decision later.
    pub contact_email: String,
    /// What the organisation would present.
    pub description: String,
    pub website: Option<String>,
    /// The stand asked for, if any.
    pub wished_stand: Option<String>,
}

#[derive(Debug, Object)]
pub struct ApplicationAccepted {
    /// Always `applied`: the organisers decide and email the contact.
    pub status: String,
}

#[derive(ApiResponse)]
pub enum ApplicationResponse {
    /// Stored; the contact gets an acknowledgement email.
    #[oai(status = 202)]
    Accepted(Json<ApplicationAccepted>),
}

#[derive(Debug, ApiResponse)]
pub enum ApplicationError {
    /// The request is not well-formed JSON of the documented shape.
    #[oai(status = 400, content_type = "application/problem+json")]
    BadRequest(Json<Problem>),
    /// The request body is not JSON (`Content-Type: application/json`).
    #[oai(status = 415, content_type = "application/problem+json")]
    UnsupportedMediaType(Json<Problem>),
    /// No such fair.
    #[oai(status = 404, content_type = "application/problem+json")]
    NotFound(Json<Problem>),
    /// The fair takes no applications (`detail`: `closed`; cancelled or begun).
    #[oai(status = 409, content_type = "application/problem+json")]
    Closed(Json<Problem>),
    /// Fields to fix (`organisation`: `exhibitor_exists` when the name is taken); nothing
    /// was stored.
    #[oai(status = 422, content_type = "application/problem+json")]
    Invalid(Json<Problem>),
    #[oai(status = 429, content_type = "application/problem+json")]
    TooMany(Json<Problem>, #[oai(header = "Retry-After")] u64),
    #[oai(status = 411, content_type = "application/problem+json")]
    LengthRequired(Json<Problem>),
    #[oai(status = 413, content_type = "application/problem+json")]
    TooLarge(Json<Problem>),
    #[oai(status = 503, content_type = "application/problem+json")]
    Unavailable(Json<Problem>, #[oai(header = "Retry-After")] u64),
    #[oai(status = 500, content_type = "application/problem+json")]
    Internal(Json<Problem>),
}

impl From<ApiError> for ApplicationError {
    fn from(err: ApiError) -> Self {
        match err {
            ApiError::BadRequest(p) => ApplicationError::BadRequest(p),
            ApiError::UnsupportedMediaType(p) => ApplicationError::UnsupportedMediaType(p),
            ApiError::NotFound(p) => ApplicationError::NotFound(p),
            ApiError::Invalid(p) => ApplicationError::Invalid(p),
            ApiError::TooMany(p, retry) => ApplicationError::TooMany(p, retry),
            ApiError::Unavailable(p, retry) => ApplicationError::Unavailable(p, retry),
            ApiError::Internal(p) => ApplicationError::Internal(p),
            ApiError::LengthRequired(p) => ApplicationError::LengthRequired(p),
            ApiError::TooLarge(p) => ApplicationError::TooLarge(p),
            other @ ApiError::Gone(_) => {
                ApplicationError::Internal(unexpected(other, "an application"))
            }
        }
    }
}

#[derive(ApiResponse)]
pub enum ExhibitorListResponse {
    #[oai(status = 200)]
    Ok(Json<Vec<AdminExhibitor>>),
}

#[derive(ApiResponse)]
pub enum ExhibitorResponse {
    #[oai(status = 200)]
    Ok(Json<AdminExhibitor>),
}

#[derive(ApiResponse)]
pub enum ExhibitorCreatedResponse {
    #[oai(status = 201)]
    Created(Json<AdminExhibitor>),
}

fn status_filter(value: Option<&str>) -> Result<Option<ExhibitorStatus>, ManageError> {
    match value.map(str::trim) {
        None | Some("") | Some("all") => Ok(None),
        Some("applied") => Ok(Some(ExhibitorStatus::Applied)),
        Some("approved") => Ok(Some(ExhibitorStatus::Approved)),
        Some("rejected") => Ok(Some(ExhibitorStatus::Rejected)),
        Some(_) => Err(ManageError::Invalid(vec![FieldError::new(
            "status",
            "unknown_choice",
        )])),
    }
}

pub struct ExhibitorsApi;

#[OpenApi(tag = "FairTags::Fairs")]
impl ExhibitorsApi {
    /// Apply to exhibit at a fair (public; rate-limited like sign-ups). The contact gets an
    /// acknowledgement email; the fair's organisers approve or reject the application.
    #[oai(path = "/fairs/:slug/exhibitors/apply", method = "post")]
    async fn apply(
        &self,
        state: Data<&AppState>,
        req: &Request,
        slug: Path<String>,
        body: Json<ApplicationRequest>,
    ) -> Result<ApplicationResponse, ApplicationError> {
        let lang = request_lang(req);
        let fair = programme::fair_by_slug(state.db.conn(), &slug.0)
            .await
            .map_err(|e| ApiError::from_db(e, lang))?
            .ok_or_else(|| ApiError::not_found(lang))?;
        let body = body.0;
        let application = Application {
            organisation: body.organisation,
            contact_name: body.contact_name,
            contact_email: body.contact_email,
            description: body.description,
            website: body.website.unwrap_or_default(),
            wished_stand: body.wished_stand.unwrap_or_default(),
            lang,
        };
        // Only an application that could be stored counts against the limits.
        if let Err(errors) = exhibitors::check_application(&application, fair.id) {
            return Err(ApiError::invalid(&errors, lang).into());
        }
        limits::check_sign_up(&state, req, &application.contact_email, lang)?;
        match exhibitors::apply(&state, fair.id, application).await {
            Ok(_) => Ok(ApplicationResponse::Accepted(Json(ApplicationAccepted {
                status: "applied".into(),
            }))),
            Err(ManageError::Invalid(errors)) => Err(ApiError::invalid(&errors, lang).into()),
            Err(ManageError::Conflict(code)) => Err(ApplicationError::Closed(problem(
                "conflict",
                409,
                lang.text("apply.closed"),
                Some(code.into()),
            ))),
            Err(ManageError::NotFound | ManageError::Forbidden) => {
                Err(ApiError::not_found(lang).into())
            }
            Err(ManageError::Db(err)) => Err(ApiError::from_db(err, lang).into()),
        }
    }

    /// A fair's exhibitors and applications by name; `status`: `applied`, `approved`,
    /// `rejected` or `all` (the default).
    #[oai(path = "/admin/fairs/:id/exhibitors", method = "get")]
    async fn list(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
        status: Query<Option<String>>,
    ) -> Result<ExhibitorListResponse, AdminError> {
        let lang = request_lang(req);
        let status =
            status_filter(status.0.as_deref()).map_err(|e| AdminError::from_manage(e, lang))?;
        let rows = exhibitors::list(&state, &auth.0, id.0, status)
            .await
            .map_err(|e| AdminError::from_manage(e, lang))?;
        Ok(ExhibitorListResponse::Ok(Json(
            rows.into_iter().map(AdminExhibitor::from).collect(),
        )))
    }

    /// Add an exhibitor to a fair (approved at once, no email).
    #[oai(path = "/admin/fairs/:id/exhibitors", method = "post")]
    async fn create(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
        body: Json<ExhibitorFields>,
    ) -> Result<ExhibitorCreatedResponse, AdminError> {
        let lang = request_lang(req);
        let created = exhibitors::create(&state, &auth.0, id.0, body.0.into())
            .await
            .map_err(|e| AdminError::from_manage(e, lang))?;
        Ok(ExhibitorCreatedResponse::Created(Json(created.into())))
    }

    #[oai(path = "/admin/exhibitors/:id", method = "get")]
    async fn get(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
    ) -> Result<ExhibitorResponse, AdminError> {
        let lang = request_lang(req);
        let found = exhibitors::get(&state, &auth.0, id.0)
            .await
            .map_err(|e| AdminError::from_manage(e, lang))?;
        Ok(ExhibitorResponse::Ok(Json(found.into())))
    }

    /// Change an exhibitor's details (emails nobody).
    #[oai(path = "/admin/exhibitors/:id", method = "patch")]
    async fn update(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
        body: Json<ExhibitorFields>,
    ) -> Result<ExhibitorResponse, AdminError> {
        let lang = request_lang(req);
        let updated = exhibitors::update(&state, &auth.0, id.0, body.0.into())
            .await
            .map_err(|e| AdminError::from_manage(e, lang))?;
        Ok(ExhibitorResponse::Ok(Json(updated.into())))
    }

    /// Delete an exhibitor or application (emails nobody).
    #[oai(path = "/admin/exhibitors/:id", method = "delete")]
    async fn delete(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
    ) -> Result<DeletedResponse, AdminError> {
        let lang = request_lang(req);
        exhibitors::delete(&state, &auth.0, id.0)
            .await
            .map_err(|e| AdminError::from_manage(e, lang))?;
        Ok(DeletedResponse::Deleted)
    }

    /// Approve an application (optionally assigning a stand): it appears in the public
    /// directory and the contact is emailed. Repeating it changes nothing.
    #[oai(path = "/admin/exhibitors/:id/approve", method = "post")]
    async fn approve(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
        body: Json<ApproveRequest>,
    ) -> Result<ExhibitorResponse, AdminError> {
        let lang = request_lang(req);
        let approved = exhibitors::approve(&state, &auth.0, id.0, body.0.stand.as_deref())
            .await
            .map_err(|e| AdminError::from_manage(e, lang))?;
        Ok(ExhibitorResponse::Ok(Json(approved.into())))
    }

    /// Reject an application (or withdraw an approval): the contact is emailed the reason.
    /// Repeating it changes nothing.
    #[oai(path = "/admin/exhibitors/:id/reject", method = "post")]
    async fn reject(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
        body: Json<RejectRequest>,
    ) -> Result<ExhibitorResponse, AdminError> {
        let lang = request_lang(req);
        let rejected = exhibitors::reject(&state, &auth.0, id.0, body.0.reason.as_deref())
            .await
            .map_err(|e| AdminError::from_manage(e, lang))?;
        Ok(ExhibitorResponse::Ok(Json(rejected.into())))
    }
}
