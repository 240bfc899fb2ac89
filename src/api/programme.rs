//! Read-only programme operations.

use chrono::{DateTime, Utc};
use poem::{Request, web::Data};
use poem_openapi::{
    ApiResponse, Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};

use super::{ApiTags, error::ApiError, request_lang};
use crate::{programme, startup::AppState};

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct FairDto {
    pub slug: String,
    pub name: String,
    pub venue: String,
    pub timezone: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub registration_opens_at: Option<DateTime<Utc>>,
    pub registration_closes_at: Option<DateTime<Utc>>,
    /// `scheduled` or `cancelled`.
    pub status: String,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct SpeakerDto {
    pub name: String,
    pub organisation: Option<String>,
}

impl From<entity::speaker::Model> for SpeakerDto {
    fn from(s: entity::speaker::Model) -> Self {
        SpeakerDto {
            name: s.name,
            organisation: s.organisation,
        }
    }
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ActivityDto {
    pub id: i32,
    /// `workshop` or `meeting`.
    pub kind: String,
    pub title: String,
    pub description: String,
    pub topic: Option<String>,
    pub room: Option<String>,
    pub place: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub speakers: Vec<SpeakerDto>,
    pub capacity: i32,
    pub seats_left: i32,
    /// Whether a full activity takes people on its waiting list.
    pub waitlist: bool,
    /// `scheduled` or `cancelled`.
    pub status: String,
    /// Its page on the site.
    pub url: String,
}

#[derive(Debug, Object)]
pub struct ProgrammeDto {
    pub fair: FairDto,
    /// By start time; workshops in the same slot run in parallel.
    pub workshops: Vec<ActivityDto>,
}

#[derive(ApiResponse)]
pub enum ProgrammeResponse {
    #[oai(status = 200)]
    Ok(Json<ProgrammeDto>),
}

#[derive(ApiResponse)]
pub enum ActivityResponse {
    #[oai(status = 200)]
    Ok(Json<ActivityDto>),
}

pub fn fair_dto(f: entity::fair::Model) -> FairDto {
    FairDto {
        slug: f.slug,
        name: f.name,
        venue: f.venue,
        timezone: f.timezone,
        starts_at: f.starts_at,
        ends_at: f.ends_at,
        registration_opens_at: f.registration_opens_at,
        registration_closes_at: f.registration_closes_at,
        status: f.status.as_str().to_owned(),
    }
}

pub fn activity_dto(a: programme::Activity, state: &AppState) -> ActivityDto {
    let seats_left = a.seats_left();
    let m = a.model;
    ActivityDto {
        url: state.links.activity_url(m.kind, m.id),
        id: m.id,
        kind: m.kind.as_str().to_owned(),
        title: m.title,
        description: m.description,
        topic: m.topic,
        room: m.room,
        place: m.place,
        starts_at: m.starts_at,
        ends_at: m.ends_at,
        speakers: a.speakers.into_iter().map(SpeakerDto::from).collect(),
        capacity: m.capacity,
        seats_left,
        waitlist: m.waitlist_enabled,
        status: m.status.as_str().to_owned(),
    }
}

pub struct ProgrammeApi;

#[OpenApi(tag = "ApiTags::Programme")]
impl ProgrammeApi {
    /// All fairs, soonest first.
    #[oai(path = "/fairs", method = "get")]
    async fn fairs(
        &self,
        state: Data<&AppState>,
        req: &Request,
    ) -> Result<Json<Vec<FairDto>>, ApiError> {
        let fairs = programme::fairs(state.db.conn())
            .await
            .map_err(|e| ApiError::from_db(e, request_lang(req)))?;
        Ok(Json(fairs.into_iter().map(fair_dto).collect()))
    }

    /// A fair and its workshops with free seats.
    #[oai(path = "/fairs/:slug/programme", method = "get")]
    async fn programme(
        &self,
        state: Data<&AppState>,
        req: &Request,
        slug: Path<String>,
    ) -> Result<ProgrammeResponse, ApiError> {
        let lang = request_lang(req);
        let conn = state.db.conn();
        let fair = programme::fair_by_slug(conn, &slug)
            .await
            .map_err(|e| ApiError::from_db(e, lang))?
            .ok_or_else(|| ApiError::not_found(lang))?;
        let workshops = programme::workshops(conn, fair.id)
            .await
            .map_err(|e| ApiError::from_db(e, lang))?;
        Ok(ProgrammeResponse::Ok(Json(ProgrammeDto {
            fair: fair_dto(fair),
            workshops: workshops
                .into_iter()
                .map(|a| activity_dto(a, &state))
                .collect(),
        })))
    }

    /// Upcoming regional meetings, optionally of one region or district (by slug).
    #[oai(path = "/meetings", method = "get")]
    async fn meetings(
        &self,
        state: Data<&AppState>,
        req: &Request,
        region: Query<Option<String>>,
        district: Query<Option<String>>,
    ) -> Result<Json<Vec<ActivityDto>>, ApiError> {
        let lang = request_lang(req);
        let meetings = programme::meetings_in(
            state.db.conn(),
            Utc::now(),
            region.as_deref(),
            district.as_deref(),
        )
        .await
        .map_err(|e| ApiError::from_db(e, lang))?
        .ok_or_else(|| ApiError::not_found(lang))?;
        Ok(Json(
            meetings
                .into_iter()
                .map(|a| activity_dto(a, &state))
                .collect(),
        ))
    }

    /// One workshop or meeting with its free seats.
    #[oai(path = "/activities/:id", method = "get")]
    async fn activity(
        &self,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
    ) -> Result<ActivityResponse, ApiError> {
        let lang = request_lang(req);
        let activity = programme::activity(state.db.conn(), *id)
            .await
            .map_err(|e| ApiError::from_db(e, lang))?
            .ok_or_else(|| ApiError::not_found(lang))?;
        Ok(ActivityResponse::Ok(Json(activity_dto(activity, &state))))
    }
}
