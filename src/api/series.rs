//! Meeting series in the JSON API, under `/api/admin/series`: the same use-cases as the admin
//! pages (`organiser::series`), with an organiser's API token. Each occurrence is an ordinary
//! meeting: move or cancel one alone through `/api/admin/activities/{id}`. Errors are those of
//! [`super::admin`].

use chrono::{DateTime, NaiveDate, Utc};
use entity::meeting_series;
use poem::{Request, web::Data};
use poem_openapi::{
    ApiResponse, Object, OpenApi, Tags, param::Path, payload::Json, types::MaybeUndefined,
};

use super::{
    admin::{AdminActivity, CancelRequest, OrganiserToken, described},
    error::AdminError,
    request_lang,
};
use crate::{
    i18n::Lang,
    organiser::series::{self, NewSeries, SeriesEdit, SeriesView},
    startup::AppState,
    timezone,
};

#[derive(Tags)]
enum SeriesTags {
    /// Regional meetings at a fixed interval (organisers; needs an API token).
    Series,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AdminSeries {
    pub id: i32,
    pub title: String,
    pub region_id: Option<i32>,
    pub interval_days: i32,
    /// By start time, past and cancelled ones included.
    pub occurrences: Vec<AdminActivity>,
}

/// The API's view of a series, its occurrences with their speakers.
async fn described_series(
    state: &AppState,
    v: SeriesView,
    lang: Lang,
) -> Result<AdminSeries, AdminError> {
    Ok(AdminSeries {
        occurrences: described(state, v.occurrences, lang).await?,
        ..AdminSeries::from(v.series)
    })
}

impl From<meeting_series::Model> for AdminSeries {
    fn from(s: meeting_series::Model) -> Self {
        AdminSeries {
            id: s.id,
            title: s.title,
            region_id: s.region_id,
            interval_days: s.interval_days,
            occurrences: Vec::new(),
        }
    }
}

/// A new series: its meetings are made at once, `first_starts_at`'s wall-clock time in
/// Europe/Prague on every `interval_days`-th day (a 16:00 meeting stays at 16:00 across the
/// daylight-saving change), `count` of them or up to `until` (with both, whichever ends first;
/// at most 100).
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct NewSeriesFields {
    pub title: Option<String>,
    /// A regional organiser's own region is the default.
    pub region_id: Option<i32>,
    pub interval_days: Option<i32>,
    pub first_starts_at: Option<DateTime<Utc>>,
    pub duration_minutes: Option<i32>,
    pub count: Option<i32>,
    /// The last day (in Prague) an occurrence may fall on.
    pub until: Option<NaiveDate>,
    pub description: Option<String>,
    pub place: Option<String>,
    /// The link the meetings are joined by, when they are held online (`www.…` gets
    /// `https://`); those with a confirmed seat get it instead of an entry QR code.
    pub online_url: Option<String>,
    pub capacity: Option<i32>,
    pub waitlist_enabled: Option<bool>,
    /// Districts the meetings are aimed at, within the region; none: the whole region.
    #[oai(default)]
    pub district_ids: Vec<i32>,
}

/// Changes to a series; an omitted field keeps its value. A new title or region carries over
/// to the occurrences still to come (one renamed on its own keeps its title) and raises their
/// revisions; `region_id: null` takes the series out of any region (admins).
#[derive(Debug, Object, Default)]
#[oai(deny_unknown_fields)]
pub struct SeriesFields {
    pub title: Option<String>,
    pub region_id: MaybeUndefined<i32>,
    /// For occurrences added later.
    pub interval_days: Option<i32>,
}

#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct AddOccurrences {
    /// How many to add after the last one (1 to 100), with its time of day, length, place,
    /// join link, seats and districts.
    pub count: Option<i32>,
}

#[derive(ApiResponse)]
pub enum SeriesListResponse {
    #[oai(status = 200)]
    Ok(Json<Vec<AdminSeries>>),
}

#[derive(ApiResponse)]
pub enum SeriesResponse {
    #[oai(status = 200)]
    Ok(Json<AdminSeries>),
    #[oai(status = 201)]
    Created(Json<AdminSeries>),
}

#[derive(ApiResponse)]
pub enum OccurrencesResponse {
    /// The meetings added or cancelled.
    #[oai(status = 200)]
    Ok(Json<Vec<AdminActivity>>),
}

pub struct SeriesApi;

#[OpenApi(prefix_path = "/admin/series", tag = "SeriesTags::Series")]
impl SeriesApi {
    /// The series the token's organiser may see, by title (without occurrences).
    #[oai(path = "/", method = "get")]
    async fn list(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
    ) -> Result<SeriesListResponse, AdminError> {
        let rows = series::list(&state, &auth.0)
            .await
            .map_err(|e| AdminError::from_manage(e.into(), request_lang(req)))?;
        Ok(SeriesListResponse::Ok(Json(
            rows.into_iter().map(AdminSeries::from).collect(),
        )))
    }

    /// Create a series with its meetings (admins, the organiser of its region).
    #[oai(path = "/", method = "post")]
    async fn create(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        body: Json<NewSeriesFields>,
    ) -> Result<SeriesResponse, AdminError> {
        let f = body.0;
        let input = NewSeries {
            title: f.title,
            region_id: f.region_id,
            interval_days: f.interval_days,
            first_starts_at: f
                .first_starts_at
                .map(|t| t.with_timezone(&timezone::DEFAULT).naive_local()),
            duration_minutes: f.duration_minutes,
            count: f.count,
            until: f.until,
            description: f.description,
            place: f.place,
            online_url: f.online_url,
            capacity: f.capacity,
            waitlist_enabled: f.waitlist_enabled,
            district_ids: f.district_ids,
            problems: Vec::new(),
        };
        let lang = request_lang(req);
        let created = series::create(&state, &auth.0, input)
            .await
            .map_err(|e| AdminError::from_manage(e, lang))?;
        Ok(SeriesResponse::Created(Json(
            described_series(&state, created, lang).await?,
        )))
    }

    /// A series with all its occurrences.
    #[oai(path = "/:id", method = "get")]
    async fn get(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
    ) -> Result<SeriesResponse, AdminError> {
        let lang = request_lang(req);
        let found = series::get(&state, &auth.0, id.0)
            .await
            .map_err(|e| AdminError::from_manage(e, lang))?;
        Ok(SeriesResponse::Ok(Json(
            described_series(&state, found, lang).await?,
        )))
    }

    /// Change a series' title, region or interval.
    #[oai(path = "/:id", method = "patch")]
    async fn update(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
        body: Json<SeriesFields>,
    ) -> Result<SeriesResponse, AdminError> {
        let f = body.0;
        let edit = SeriesEdit {
            title: f.title,
            region_id: f.region_id.into(),
            interval_days: f.interval_days,
            problems: Vec::new(),
        };
        let lang = request_lang(req);
        let updated = series::update(&state, &auth.0, id.0, edit)
            .await
            .map_err(|e| AdminError::from_manage(e, lang))?;
        Ok(SeriesResponse::Ok(Json(
            described_series(&state, updated, lang).await?,
        )))
    }

    /// Add occurrences after the last one; answers the new ones. `conflict` (`no_occurrences`)
    /// for a series with none to continue from.
    #[oai(path = "/:id/occurrences", method = "post")]
    async fn add(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
        body: Json<AddOccurrences>,
    ) -> Result<OccurrencesResponse, AdminError> {
        let lang = request_lang(req);
        let made = series::add_occurrences(&state, &auth.0, id.0, body.0.count)
            .await
            .map_err(|e| AdminError::from_manage(e, lang))?;
        Ok(OccurrencesResponse::Ok(Json(
            described(&state, made, lang).await?,
        )))
    }

    /// Cancel every occurrence still to come: their sign-ups are cancelled and emailed, and
    /// they stay in the feeds as cancelled. Answers the occurrences cancelled now; repeating it
    /// cancels nothing more.
    #[oai(path = "/:id/cancel", method = "post")]
    async fn cancel(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
        body: Json<CancelRequest>,
    ) -> Result<OccurrencesResponse, AdminError> {
        let lang = request_lang(req);
        let cancelled = series::cancel(&state, &auth.0, id.0, body.0.reason.as_deref())
            .await
            .map_err(|e| AdminError::from_manage(e, lang))?;
        Ok(OccurrencesResponse::Ok(Json(
            described(&state, cancelled, lang).await?,
        )))
    }
}
