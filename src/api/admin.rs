//! Organiser operations of the JSON API, under `/api/admin/…`: the same use-cases as the admin
//! pages (`organiser::activities`). Every operation needs an API token (`Authorization: Bearer
//! vt_…`, made on `/admin/tokens`), which acts with its organiser's role and scope.
//!
//! Errors are problem details like the rest of the API ([`AdminError`]); besides the shared
//! slugs: `unauthorized` (401, no valid token), `forbidden` (403, the role does not allow it),
//! `conflict` (409, e.g. editing a cancelled activity; `detail` names the code).

use chrono::{DateTime, Utc};
use entity::{activity, enums::ActivityKind};
use poem::{IntoResponse, Request, http::StatusCode, web::Data};
use poem_openapi::{
    ApiResponse, Object, OpenApi, SecurityScheme, Tags, auth::Bearer, param::Path, payload::Json,
    types::MaybeUndefined,
};

use super::{error::AdminError, programme::SpeakerDto, request_lang};
use crate::{
    domain::FieldError,
    i18n::Lang,
    organiser::{
        Principal,
        activities::{self, ActivityInput},
        speakers::SpeakerInput,
        tokens,
    },
    programme::{self, Activity},
    startup::AppState,
};

#[derive(Tags)]
enum AdminTags {
    /// Managing workshops and meetings (organisers; needs an API token).
    Organisers,
}

/// An organiser's API token, made on `/admin/tokens`: `Authorization: Bearer vt_…`. It acts
/// with its organiser's role: admins everything, organisers their fair's workshops or their
/// region's meetings, viewers read only.
#[derive(SecurityScheme)]
#[oai(ty = "bearer", bearer_format = "vt_…", checker = "check_token")]
pub struct OrganiserToken(pub Principal);

async fn check_token(req: &Request, bearer: Bearer) -> poem::Result<Principal> {
    let state = req
        .data::<AppState>()
        .ok_or_else(|| poem::Error::from_status(StatusCode::INTERNAL_SERVER_ERROR))?;
    match tokens::authenticate(state, &bearer.token, Utc::now()).await {
        Ok(Some(who)) => Ok(who),
        Ok(None) => Err(poem::Error::from_status(StatusCode::UNAUTHORIZED)),
        Err(err) => Err(poem::Error::from_response(
            AdminError::from_manage(err.into(), request_lang(req)).into_response(),
        )),
    }
}

/// A workshop or meeting as organisers see it.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AdminActivity {
    pub id: i32,
    /// `workshop` or `meeting`.
    pub kind: String,
    pub fair_id: Option<i32>,
    pub region_id: Option<i32>,
    pub title: String,
    pub description: String,
    pub topic: Option<String>,
    pub room: Option<String>,
    pub place: Option<String>,
    /// The link an online activity is joined by; absent: held in person.
    pub online_url: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub capacity: i32,
    /// Seats held (pending, offered, confirmed, attended).
    pub taken: i32,
    pub waitlist_enabled: bool,
    /// At most this many live registrations from one school (the person's organisation,
    /// ignoring case and spacing); absent: no limit.
    pub per_school_limit: Option<i32>,
    /// Minutes after the start when seats of people not checked in are released; absent: never.
    pub no_show_release_minutes: Option<i32>,
    /// `scheduled` or `cancelled`.
    pub status: String,
    /// Who runs it, in order.
    pub speakers: Vec<SpeakerDto>,
    /// Raised by every change (the calendar SEQUENCE follows it).
    pub revision: i32,
    pub updated_at: DateTime<Utc>,
}

/// The API's view of `models`, each with its speakers (one query for all of them).
pub(super) async fn described(
    state: &AppState,
    models: Vec<activity::Model>,
    lang: Lang,
) -> Result<Vec<AdminActivity>, AdminError> {
    let activities = programme::with_speakers(state.db.conn(), models)
        .await
        .map_err(|e| AdminError::from_manage(e.into(), lang))?;
    Ok(activities.into_iter().map(AdminActivity::from).collect())
}

/// [`described`] for one activity.
async fn described_one(
    state: &AppState,
    model: activity::Model,
    lang: Lang,
) -> Result<AdminActivity, AdminError> {
    let mut one = described(state, vec![model], lang).await?;
    Ok(one.pop().expect("one activity in, one out"))
}

impl From<Activity> for AdminActivity {
    fn from(
        Activity {
            model: a, speakers, ..
        }: Activity,
    ) -> Self {
        AdminActivity {
            id: a.id,
            kind: a.kind.as_str().into(),
            fair_id: a.fair_id,
            region_id: a.region_id,
            title: a.title,
            description: a.description,
            topic: a.topic,
            room: a.room,
            place: a.place,
            online_url: a.online_url,
            starts_at: a.starts_at,
            ends_at: a.ends_at,
            capacity: a.capacity,
            taken: a.taken,
            waitlist_enabled: a.waitlist_enabled,
            per_school_limit: a.per_school_limit,
            no_show_release_minutes: a.no_show_release_minutes,
            status: a.status.as_str().into(),
            speakers: speakers.into_iter().map(SpeakerDto::from).collect(),
            revision: a.revision,
            updated_at: a.updated_at,
        }
    }
}

/// A new activity, or (all fields optional) the changes to one. On create `kind`, `title`,
/// `starts_at`, `ends_at` and `capacity` are required; a fair or regional organiser's own fair
/// or region is the default. On edit an omitted field keeps its value, an empty `topic`,
/// `room`, `place` or `online_url` clears it, and `kind` is ignored.
#[derive(Debug, Object, Default)]
#[oai(deny_unknown_fields)]
pub struct ActivityFields {
    /// `workshop` or `meeting`.
    pub kind: Option<String>,
    pub fair_id: Option<i32>,
    pub region_id: Option<i32>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub topic: Option<String>,
    pub room: Option<String>,
    pub place: Option<String>,
    /// The link an online activity is joined by (`www.…` gets `https://`); those with a
    /// confirmed seat get it instead of an entry QR code. Empty: held in person.
    pub online_url: Option<String>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    /// Seats; raising it offers the new seats to the waiting list, and it may not go below
    /// `taken`.
    pub capacity: Option<i32>,
    pub waitlist_enabled: Option<bool>,
    /// At most this many live registrations from one school (1 or more); `null` removes the
    /// limit, omitting it keeps it.
    pub per_school_limit: MaybeUndefined<i32>,
    /// Release the seats of people not checked in this many minutes after the start (0 to
    /// 1440); `null`: never, omitted: unchanged.
    pub no_show_release_minutes: MaybeUndefined<i32>,
    /// Who runs it, in order (at most 20); omitted: unchanged, `[]`: none. Pages and feeds
    /// show them (`GET /activities/{id}`).
    pub speakers: Option<Vec<SpeakerFields>>,
}

/// One speaker of an activity.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct SpeakerFields {
    pub name: String,
    pub organisation: Option<String>,
}

impl ActivityFields {
    fn into_input(self) -> ActivityInput {
        let mut problems = Vec::new();
        let kind = match self.kind.as_deref() {
            None => None,
            Some("workshop") => Some(ActivityKind::Workshop),
            Some("meeting") => Some(ActivityKind::Meeting),
            Some(_) => {
                problems.push(FieldError::new("kind", "unknown_choice"));
                None
            }
        };
        ActivityInput {
            kind,
            fair_id: self.fair_id,
            region_id: self.region_id,
            title: self.title,
            description: self.description,
            topic: self.topic,
            room: self.room,
            place: self.place,
            online_url: self.online_url,
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            capacity: self.capacity,
            waitlist_enabled: self.waitlist_enabled,
            per_school_limit: self.per_school_limit.into(),
            no_show_release_minutes: self.no_show_release_minutes.into(),
            speakers: self.speakers.map(|list| {
                list.into_iter()
                    .map(|s| SpeakerInput {
                        name: s.name,
                        organisation: s.organisation,
                    })
                    .collect()
            }),
            problems,
        }
    }
}

#[derive(ApiResponse)]
pub enum DeletedResponse {
    /// Deleted.
    #[oai(status = 204)]
    Deleted,
}

#[derive(Debug, Object, Default)]
#[oai(deny_unknown_fields)]
pub struct CancelRequest {
    /// Goes into the email to everyone signed up.
    pub reason: Option<String>,
}

/// Who the token acts for.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Me {
    pub id: i32,
    pub email: String,
    pub name: String,
    /// `admin`, `organiser` or `viewer`.
    pub role: String,
    pub fair_id: Option<i32>,
    pub region_id: Option<i32>,
}

#[derive(ApiResponse)]
pub enum MeResponse {
    #[oai(status = 200)]
    Ok(Json<Me>),
}

#[derive(ApiResponse)]
pub enum ListResponse {
    #[oai(status = 200)]
    Ok(Json<Vec<AdminActivity>>),
}

#[derive(ApiResponse)]
pub enum ActivityResponse {
    #[oai(status = 200)]
    Ok(Json<AdminActivity>),
}

#[derive(ApiResponse)]
pub enum CreatedResponse {
    #[oai(status = 201)]
    Created(Json<AdminActivity>),
}

pub struct AdminApi;

#[OpenApi(prefix_path = "/admin", tag = "AdminTags::Organisers")]
impl AdminApi {
    /// The organiser the token acts for.
    #[oai(path = "/me", method = "get")]
    async fn me(&self, auth: OrganiserToken) -> Result<MeResponse, AdminError> {
        let who = auth.0;
        Ok(MeResponse::Ok(Json(Me {
            id: who.id,
            email: who.email,
            name: who.name,
            role: who.role.as_str().into(),
            fair_id: who.fair_id,
            region_id: who.region_id,
        })))
    }

    /// The workshops and meetings the token's organiser may see, by start time.
    #[oai(path = "/activities", method = "get")]
    async fn list(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
    ) -> Result<ListResponse, AdminError> {
        let lang = request_lang(req);
        let rows = activities::list(&state, &auth.0)
            .await
            .map_err(|e| AdminError::from_manage(e.into(), lang))?;
        Ok(ListResponse::Ok(Json(described(&state, rows, lang).await?)))
    }

    /// Create a workshop or meeting.
    #[oai(path = "/activities", method = "post")]
    async fn create(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        body: Json<ActivityFields>,
    ) -> Result<CreatedResponse, AdminError> {
        let lang = request_lang(req);
        let created = activities::create(&state, &auth.0, body.0.into_input())
            .await
            .map_err(|e| AdminError::from_manage(e, lang))?;
        Ok(CreatedResponse::Created(Json(
            described_one(&state, created, lang).await?,
        )))
    }

    #[oai(path = "/activities/:id", method = "get")]
    async fn get(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
    ) -> Result<ActivityResponse, AdminError> {
        let lang = request_lang(req);
        let found = activities::get(&state, &auth.0, id.0)
            .await
            .map_err(|e| AdminError::from_manage(e, lang))?;
        Ok(ActivityResponse::Ok(Json(
            described_one(&state, found, lang).await?,
        )))
    }

    /// Change a workshop or meeting. A new time, room or place emails everyone holding or
    /// offered a seat; a raised capacity offers seats to the waiting list.
    #[oai(path = "/activities/:id", method = "patch")]
    async fn update(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
        body: Json<ActivityFields>,
    ) -> Result<ActivityResponse, AdminError> {
        let lang = request_lang(req);
        let mut input = body.0.into_input();
        input.kind = None;
        let updated = activities::update(&state, &auth.0, id.0, input)
            .await
            .map_err(|e| AdminError::from_manage(e, lang))?;
        Ok(ActivityResponse::Ok(Json(
            described_one(&state, updated, lang).await?,
        )))
    }

    /// Cancel a workshop or meeting: its registrations are cancelled and everyone signed up is
    /// emailed; it stays in the calendar feeds as cancelled. Repeating it changes nothing.
    #[oai(path = "/activities/:id/cancel", method = "post")]
    async fn cancel(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
        body: Json<CancelRequest>,
    ) -> Result<ActivityResponse, AdminError> {
        let lang = request_lang(req);
        let cancelled = activities::cancel(&state, &auth.0, id.0, body.0.reason.as_deref())
            .await
            .map_err(|e| AdminError::from_manage(e, lang))?;
        Ok(ActivityResponse::Ok(Json(
            described_one(&state, cancelled, lang).await?,
        )))
    }
}
