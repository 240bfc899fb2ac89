//! Fairs in the JSON API, under `/api/admin/fairs`: the same use-cases as the admin pages
//! (`organiser::fairs`), with an organiser's API token. Errors are those of [`super::admin`].

use chrono::{DateTime, Utc};
use entity::fair;
use poem::{Request, web::Data};
use poem_openapi::{
    ApiResponse, Object, OpenApi, Tags, param::Path, payload::Json, types::MaybeUndefined,
};

use super::{
    admin::{CancelRequest, OrganiserToken},
    error::AdminError,
    request_lang,
};
use crate::{
    organiser::fairs::{self, FairInput},
    startup::AppState,
};

#[derive(Tags)]
pub(super) enum FairTags {
    /// Managing fairs and their exhibitors (organisers; needs an API token), and applying to
    /// exhibit (public).
    Fairs,
}

/// A fair as organisers see it.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AdminFair {
    pub id: i32,
    pub slug: String,
    pub name: String,
    pub venue: String,
    pub description: String,
    /// IANA zone name, e.g. `Europe/Prague`.
    pub timezone: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub registration_opens_at: Option<DateTime<Utc>>,
    pub registration_closes_at: Option<DateTime<Utc>>,
    /// `scheduled` or `cancelled`.
    pub status: String,
    /// Raised by every change (added to the calendar SEQUENCE of each of its workshops).
    pub revision: i32,
    pub updated_at: DateTime<Utc>,
}

impl From<fair::Model> for AdminFair {
    fn from(f: fair::Model) -> Self {
        AdminFair {
            id: f.id,
            slug: f.slug,
            name: f.name,
            venue: f.venue,
            description: f.description,
            timezone: f.timezone,
            starts_at: f.starts_at,
            ends_at: f.ends_at,
            registration_opens_at: f.registration_opens_at,
            registration_closes_at: f.registration_closes_at,
            status: f.status.as_str().into(),
            revision: f.revision,
            updated_at: f.updated_at,
        }
    }
}

/// A new fair, or (all fields optional) the changes to one. On create `name`, `slug`, `venue`,
/// `starts_at` and `ends_at` are required; `timezone` defaults to `Europe/Prague`. On edit an
/// omitted field keeps its value, `null` clears a sign-up window bound, and `slug` cannot
/// change (it is in every feed's address).
#[derive(Debug, Object, Default)]
#[oai(deny_unknown_fields)]
pub struct FairFields {
    pub name: Option<String>,
    /// Lower-case letters, digits and dashes, e.g. `uspech-pro-kazdeho-zaka`.
    pub slug: Option<String>,
    pub venue: Option<String>,
    pub description: Option<String>,
    /// IANA zone name (e.g. `Europe/Prague`).
    pub timezone: Option<String>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    /// When sign-ups to the fair's workshops open (a workshop's own window wins).
    pub registration_opens_at: MaybeUndefined<DateTime<Utc>>,
    pub registration_closes_at: MaybeUndefined<DateTime<Utc>>,
}

impl FairFields {
    fn into_input(self) -> FairInput {
        FairInput {
            name: self.name,
            slug: self.slug,
            venue: self.venue,
            description: self.description,
            timezone: self.timezone,
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            registration_opens_at: self.registration_opens_at.into(),
            registration_closes_at: self.registration_closes_at.into(),
            problems: Vec::new(),
        }
    }
}

#[derive(ApiResponse)]
pub enum FairListResponse {
    #[oai(status = 200)]
    Ok(Json<Vec<AdminFair>>),
}

#[derive(ApiResponse)]
pub enum FairResponse {
    #[oai(status = 200)]
    Ok(Json<AdminFair>),
}

#[derive(ApiResponse)]
pub enum FairCreatedResponse {
    #[oai(status = 201)]
    Created(Json<AdminFair>),
}

pub struct FairsApi;

#[OpenApi(prefix_path = "/admin/fairs", tag = "FairTags::Fairs")]
impl FairsApi {
    /// Every fair, by start.
    #[oai(path = "/", method = "get")]
    async fn list(
        &self,
        _auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
    ) -> Result<FairListResponse, AdminError> {
        let lang = request_lang(req);
        let rows = fairs::list(&state)
            .await
            .map_err(|e| AdminError::from_manage(e.into(), lang))?;
        Ok(FairListResponse::Ok(Json(
            rows.into_iter().map(AdminFair::from).collect(),
        )))
    }

    /// Create a fair (admins).
    #[oai(path = "/", method = "post")]
    async fn create(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        body: Json<FairFields>,
    ) -> Result<FairCreatedResponse, AdminError> {
        let lang = request_lang(req);
        let created = fairs::create(&state, &auth.0, body.0.into_input())
            .await
            .map_err(|e| AdminError::from_manage(e, lang))?;
        Ok(FairCreatedResponse::Created(Json(created.into())))
    }

    #[oai(path = "/:id", method = "get")]
    async fn get(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
    ) -> Result<FairResponse, AdminError> {
        let lang = request_lang(req);
        let found = fairs::get(&state, &auth.0, id.0)
            .await
            .map_err(|e| AdminError::from_manage(e, lang))?;
        Ok(FairResponse::Ok(Json(found.into())))
    }

    /// Change a fair (admins, the fair's organisers). A new venue emails everyone holding or
    /// offered a seat of its workshops; every change raises the SEQUENCE of its events.
    #[oai(path = "/:id", method = "patch")]
    async fn update(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
        body: Json<FairFields>,
    ) -> Result<FairResponse, AdminError> {
        let lang = request_lang(req);
        let updated = fairs::update(&state, &auth.0, id.0, body.0.into_input())
            .await
            .map_err(|e| AdminError::from_manage(e, lang))?;
        Ok(FairResponse::Ok(Json(updated.into())))
    }

    /// Cancel a fair (admins): each of its workshops is cancelled as by
    /// `POST /admin/activities/{id}/cancel` (everyone signed up is emailed the reason); fair
    /// and workshops stay in the feeds as cancelled. Repeating it changes nothing.
    #[oai(path = "/:id/cancel", method = "post")]
    async fn cancel(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
        body: Json<CancelRequest>,
    ) -> Result<FairResponse, AdminError> {
        let lang = request_lang(req);
        let cancelled = fairs::cancel(&state, &auth.0, id.0, body.0.reason.as_deref())
            .await
            .map_err(|e| AdminError::from_manage(e, lang))?;
        Ok(FairResponse::Ok(Json(cancelled.into())))
    }
}
