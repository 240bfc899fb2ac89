//! Attendee lists in the JSON API, under `/api/admin/…` with an organiser's API token: list
//! (filter, search, pages), export (CSV, CSV for Czech Excel, XLSX, JSON; chosen columns), add a
//! person, cancel or move a registration, counts per region, district and school. The same
//! use-cases as the admin pages (`organiser::attendees`); errors as in [`super::admin`].

use chrono::{DateTime, Utc};
use entity::registration;
use poem::{Body, Request, http::header, web::Data};
use poem_openapi::{
    ApiResponse, Object, OpenApi, Tags,
    param::{Path, Query},
    payload::{Binary, Json, Response},
};

use super::{admin::OrganiserToken, error::AdminError, request_lang};
use crate::{
    domain::FieldError,
    export::{self, AttendeeRow},
    i18n::Lang,
    organiser::{
        Action,
        attendees::{self, CountRow, Counts},
        messages,
    },
    registration::SignUpForm,
    startup::AppState,
};

#[derive(Tags)]
pub(super) enum AttendeeTags {
    /// Attendee lists, exports and changes to them (organisers; needs an API token).
    Attendees,
}

/// The most rows one list request returns.
const MAX_LIMIT: u64 = 500;

/// One registration with its person and activity.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Attendee {
    pub registration_id: i32,
    pub name: String,
    pub email: String,
    pub organisation: Option<String>,
    /// A role code (`teacher`, `principal`, …).
    pub role: Option<String>,
    pub district: Option<String>,
    pub region: Option<String>,
    pub activity_id: i32,
    pub activity: String,
    pub starts_at: DateTime<Utc>,
    /// `pending`, `confirmed`, `waitlisted`, `offered`, `cancelled`, `expired`, `attended`,
    /// `no_show`.
    pub status: String,
    pub registered_at: DateTime<Utc>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub checked_in_at: Option<DateTime<Utc>>,
}

impl From<AttendeeRow> for Attendee {
    fn from(r: AttendeeRow) -> Self {
        Attendee {
            registration_id: r.registration_id,
            name: r.name,
            email: r.email,
            organisation: r.organisation,
            role: r.role,
            district: r.district,
            region: r.region,
            activity_id: r.activity_id,
            activity: r.activity,
            starts_at: r.starts_at,
            status: r.status.as_str().into(),
            registered_at: r.registered_at,
            confirmed_at: r.confirmed_at,
            checked_in_at: r.checked_in_at,
        }
    }
}

/// One page of a list, by registration id.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AttendeePage {
    /// How many registrations match the filter in all.
    pub total: u64,
    pub items: Vec<Attendee>,
    /// Pass as `after` for the next page; absent on the last page.
    pub next_after: Option<i32>,
}

/// A registration as it is after a change.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AdminRegistration {
    pub id: i32,
    pub person_id: i32,
    pub activity_id: i32,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
}

impl From<registration::Model> for AdminRegistration {
    fn from(r: registration::Model) -> Self {
        AdminRegistration {
            id: r.id,
            person_id: r.person_id,
            activity_id: r.activity_id,
            status: r.status.as_str().into(),
            created_at: r.created_at,
            confirmed_at: r.confirmed_at,
            cancelled_at: r.cancelled_at,
        }
    }
}

/// A person an organiser adds: confirmed at once, emailed with their manage link.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct AddAttendee {
    pub name: String,
    pub email: String,
    pub organisation: Option<String>,
    /// One of `teacher`, `principal`, `deputy`, `counsellor`, `map_orp`, `other`.
    pub role: Option<String>,
    pub district_id: Option<i32>,
    /// `cs` (default) or `en`: the language of their emails.
    pub language: Option<String>,
}

#[derive(Debug, Object, Default)]
#[oai(deny_unknown_fields)]
pub struct CancelAttendee {
    /// Goes into the email to the person.
    pub reason: Option<String>,
}

#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct MoveAttendee {
    /// The workshop or meeting to move to.
    pub activity_id: i32,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct CountGroup {
    pub region: Option<String>,
    pub district: Option<String>,
    pub school: Option<String>,
    /// Different people (each counted once).
    pub people: u64,
    pub registrations: u64,
}

impl From<CountRow> for CountGroup {
    fn from(r: CountRow) -> Self {
        CountGroup {
            region: r.region,
            district: r.district,
            school: r.school,
            people: r.people,
            registrations: r.registrations,
        }
    }
}

/// Live registrations per region, district and school of the people.
#[derive(Debug, Object)]
pub struct AttendeeCounts {
    pub people: u64,
    pub registrations: u64,
    pub regions: Vec<CountGroup>,
    pub districts: Vec<CountGroup>,
    pub schools: Vec<CountGroup>,
}

impl From<Counts> for AttendeeCounts {
    fn from(c: Counts) -> Self {
        let groups = |rows: Vec<CountRow>| rows.into_iter().map(CountGroup::from).collect();
        AttendeeCounts {
            people: c.people,
            registrations: c.registrations,
            regions: groups(c.regions),
            districts: groups(c.districts),
            schools: groups(c.schools),
        }
    }
}

#[derive(ApiResponse)]
pub enum PageResponse {
    #[oai(status = 200)]
    Ok(Json<AttendeePage>),
}

/// The file; its real `Content-Type` follows the format (`text/csv; charset=utf-8;
/// header=present`, `application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`,
/// `application/json`).
#[derive(ApiResponse)]
pub enum ExportResponse {
    #[oai(status = 200, content_type = "application/octet-stream")]
    Ok(Binary<Body>, #[oai(header = "Content-Disposition")] String),
}

#[derive(ApiResponse)]
pub enum RegistrationResponse {
    #[oai(status = 200)]
    Ok(Json<AdminRegistration>),
}

#[derive(ApiResponse)]
pub enum AddedResponse {
    #[oai(status = 201)]
    Created(Json<AdminRegistration>),
}

/// A message to an activity's people.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
pub struct MessageToAttendees {
    /// One line, at most 200 characters.
    pub subject: String,
    /// At most 10,000 characters; line breaks are kept.
    pub text: String,
    /// Send it to the waiting list (waiting or offered a seat) too; default false.
    pub waiting_too: Option<bool>,
}

#[derive(Debug, Object)]
pub struct MessageSent {
    /// How many people it went to (one email each).
    pub recipients: u64,
}

#[derive(ApiResponse)]
pub enum MessageResponse {
    /// Queued for sending.
    #[oai(status = 202)]
    Accepted(Json<MessageSent>),
}

#[derive(ApiResponse)]
pub enum CountsResponse {
    #[oai(status = 200)]
    Ok(Json<AttendeeCounts>),
}

async fn page_of(
    state: &AppState,
    auth: OrganiserToken,
    lang: Lang,
    scope: export::Scope,
    filter: Filter,
) -> Result<PageResponse, AdminError> {
    let query = attendees::query(
        scope,
        filter.status.as_deref().unwrap_or_default(),
        filter.q.as_deref().unwrap_or_default(),
    )
    .map_err(|e| AdminError::invalid(&[e], lang))?;
    let limit = filter.limit.unwrap_or(100);
    if !(1..=MAX_LIMIT).contains(&limit) {
        let error = FieldError::new("limit", "limit_range").with_detail(MAX_LIMIT.to_string());
        return Err(AdminError::invalid(&[error], lang));
    }
    let (_, rows, total) = attendees::page(state, &auth.0, &query, filter.after, limit)
        .await
        .map_err(|e| AdminError::from_manage(e, lang))?;
    let next_after = rows
        .last()
        .filter(|_| rows.len() as u64 == limit)
        .map(|r| r.registration_id);
    Ok(PageResponse::Ok(Json(AttendeePage {
        total,
        items: rows.into_iter().map(Attendee::from).collect(),
        next_after,
    })))
}

struct Filter {
    status: Option<String>,
    q: Option<String>,
    after: Option<i32>,
    limit: Option<u64>,
}

async fn export_of(
    state: &AppState,
    auth: OrganiserToken,
    lang: Lang,
    scope: export::Scope,
    choice: ExportChoice,
) -> Result<Response<ExportResponse>, AdminError> {
    let subject = attendees::subject(state, &auth.0, scope, Action::Export)
        .await
        .map_err(|e| AdminError::from_manage(e, lang))?;
    let filter = (
        choice.status.as_deref().unwrap_or_default(),
        choice.q.as_deref().unwrap_or_default(),
    );
    let picked = (choice.format.as_deref(), choice.columns.as_deref());
    let request = attendees::export_request(scope, filter, picked, lang)
        .map_err(|errors| AdminError::invalid(&errors, lang))?;
    let format = request.format;
    let name = export::file_name(&subject.slug, format, lang);
    let body = export::body(state.db.conn().clone(), request);
    Ok(Response::new(ExportResponse::Ok(
        Binary(body),
        format!("attachment; filename=\"{name}\""),
    ))
    .header(header::CONTENT_TYPE, format.content_type()))
}

struct ExportChoice {
    format: Option<String>,
    columns: Option<String>,
    status: Option<String>,
    q: Option<String>,
}

/// How participants rated an activity they attended, without names.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct FeedbackSummary {
    /// How many rated it.
    pub count: u32,
    /// The mean rating, 1–5; absent without any.
    pub average: Option<f64>,
    /// How many gave 1, 2, 3, 4 and 5.
    pub counts: Vec<u32>,
    /// Newest first.
    pub comments: Vec<FeedbackComment>,
}

#[derive(Debug, Object)]
pub struct FeedbackComment {
    pub rating: i32,
    pub comment: String,
}

#[derive(ApiResponse)]
pub enum FeedbackResponse {
    #[oai(status = 200)]
    Ok(Json<FeedbackSummary>),
}

pub struct AttendeeApi;

#[OpenApi(prefix_path = "/admin", tag = "AttendeeTags::Attendees")]
impl AttendeeApi {
    /// A workshop's or meeting's attendees, by registration id. `status`: comma-separated
    /// codes or `live` (pending, confirmed, waitlisted, offered, attended); `q`: part of a name,
    /// email or organisation; `after`: the `next_after` of the previous page.
    #[oai(path = "/activities/:id/attendees", method = "get")]
    #[allow(clippy::too_many_arguments)]
    async fn activity_list(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
        status: Query<Option<String>>,
        q: Query<Option<String>>,
        after: Query<Option<i32>>,
        /// Rows per page, 1 to 500 (default 100).
        limit: Query<Option<u64>>,
    ) -> Result<PageResponse, AdminError> {
        let filter = Filter {
            status: status.0,
            q: q.0,
            after: after.0,
            limit: limit.0,
        };
        let scope = export::Scope::Activity(id.0);
        page_of(&state, auth, request_lang(req), scope, filter).await
    }

    /// How an activity's participants rated it (1–5) and what they wrote, without names.
    #[oai(path = "/activities/:id/feedback", method = "get")]
    async fn feedback(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
    ) -> Result<FeedbackResponse, AdminError> {
        let summary = attendees::feedback(&state, &auth.0, id.0)
            .await
            .map_err(|e| AdminError::from_manage(e, request_lang(req)))?;
        Ok(FeedbackResponse::Ok(Json(FeedbackSummary {
            count: summary.total(),
            average: summary.average(),
            counts: summary.counts.to_vec(),
            comments: summary
                .comments
                .into_iter()
                .map(|(rating, comment)| FeedbackComment { rating, comment })
                .collect(),
        })))
    }

    /// Every attendee of a fair's workshops (filters as for one activity).
    #[oai(path = "/fairs/:id/attendees", method = "get")]
    #[allow(clippy::too_many_arguments)]
    async fn fair_list(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
        status: Query<Option<String>>,
        q: Query<Option<String>>,
        after: Query<Option<i32>>,
        /// Rows per page, 1 to 500 (default 100).
        limit: Query<Option<u64>>,
    ) -> Result<PageResponse, AdminError> {
        let filter = Filter {
            status: status.0,
            q: q.0,
            after: after.0,
            limit: limit.0,
        };
        let scope = export::Scope::Fair(id.0);
        page_of(&state, auth, request_lang(req), scope, filter).await
    }

    /// A workshop's or meeting's attendees as a file: `format` `csv` (UTF-8 with BOM),
    /// `csv-excel` (`;`-separated for Czech Excel), `xlsx` or `json`; `columns` a comma-separated
    /// list of `name,email,organisation,role,district,region,activity,starts_at,status,
    /// registered_at,confirmed_at,checked_in_at` (default: name, email, organisation,
    /// activity, starts_at, status); `status` and `q` as for the list. Streamed.
    #[oai(path = "/activities/:id/attendees/export", method = "get")]
    #[allow(clippy::too_many_arguments)]
    async fn activity_export(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
        format: Query<Option<String>>,
        columns: Query<Option<String>>,
        status: Query<Option<String>>,
        q: Query<Option<String>>,
    ) -> Result<Response<ExportResponse>, AdminError> {
        let choice = ExportChoice {
            format: format.0,
            columns: columns.0,
            status: status.0,
            q: q.0,
        };
        let scope = export::Scope::Activity(id.0);
        export_of(&state, auth, request_lang(req), scope, choice).await
    }

    /// A fair's attendees as a file (parameters as for one activity).
    #[oai(path = "/fairs/:id/attendees/export", method = "get")]
    #[allow(clippy::too_many_arguments)]
    async fn fair_export(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
        format: Query<Option<String>>,
        columns: Query<Option<String>>,
        status: Query<Option<String>>,
        q: Query<Option<String>>,
    ) -> Result<Response<ExportResponse>, AdminError> {
        let choice = ExportChoice {
            format: format.0,
            columns: columns.0,
            status: status.0,
            q: q.0,
        };
        let scope = export::Scope::Fair(id.0);
        export_of(&state, auth, request_lang(req), scope, choice).await
    }

    /// Add a person to a workshop or meeting, confirmed at once; they get the confirmation
    /// email with their manage link. Refused on `activity_id` (422) when it is full, overlaps
    /// a seat they hold, has its limit of people from their school, or they are on it already.
    #[oai(path = "/activities/:id/attendees", method = "post")]
    async fn add(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
        body: Json<AddAttendee>,
    ) -> Result<AddedResponse, AdminError> {
        let lang = request_lang(req);
        let body = body.0;
        let person_lang = match body.language.as_deref() {
            None => Lang::Cs,
            Some(code) => Lang::parse(code).ok_or_else(|| {
                AdminError::invalid(&[FieldError::new("language", "unknown_choice")], lang)
            })?,
        };
        let form = SignUpForm {
            name: body.name,
            email: body.email,
            organisation: body.organisation,
            role: body.role,
            district_id: body.district_id,
            activity_ids: Vec::new(),
            consent: true,
            lang: person_lang,
        };
        let row = attendees::add(&state, &auth.0, id.0, form)
            .await
            .map_err(|e| AdminError::from_manage(e, lang))?;
        Ok(AddedResponse::Created(Json(row.into())))
    }

    /// Cancel a registration: the seat goes to the waiting list and the person is emailed
    /// (with the optional reason). A registration no longer live is returned unchanged.
    #[oai(path = "/registrations/:id/cancel", method = "post")]
    async fn cancel(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
        body: Json<CancelAttendee>,
    ) -> Result<RegistrationResponse, AdminError> {
        let lang = request_lang(req);
        let row = attendees::cancel(&state, &auth.0, id.0, body.0.reason.as_deref())
            .await
            .map_err(|e| AdminError::from_manage(e, lang))?;
        Ok(RegistrationResponse::Ok(Json(row.into())))
    }

    /// Move a registration to another workshop or meeting, confirmed there; the old one is
    /// cancelled (its seat goes to that waiting list) and the person is emailed. Refused on
    /// `activity_id` (422) as for adding; nothing changes then. Answers the new registration.
    #[oai(path = "/registrations/:id/move", method = "post")]
    async fn move_to(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
        body: Json<MoveAttendee>,
    ) -> Result<RegistrationResponse, AdminError> {
        let lang = request_lang(req);
        let row = attendees::move_to(&state, &auth.0, id.0, body.0.activity_id)
            .await
            .map_err(|e| AdminError::from_manage(e, lang))?;
        Ok(RegistrationResponse::Ok(Json(row.into())))
    }

    /// Email the people of a workshop or meeting who hold a seat (confirmed or checked in),
    /// and with `waiting_too` its waiting list: the organiser's words in an email in each
    /// person's language, with the activity and their manage link. Needs the right to edit
    /// the activity; audited. Refused on `waiting_too` (422) when nobody would get it.
    #[oai(path = "/activities/:id/message", method = "post")]
    async fn message(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
        body: Json<MessageToAttendees>,
    ) -> Result<MessageResponse, AdminError> {
        let lang = request_lang(req);
        let body = body.0;
        let waiting_too = body.waiting_too.unwrap_or(false);
        let message = messages::Message::parse(&body.subject, &body.text, waiting_too)
            .map_err(|errors| AdminError::invalid(&errors, lang))?;
        let recipients = messages::send(&state, &auth.0, id.0, &message)
            .await
            .map_err(|e| AdminError::from_manage(e, lang))?;
        Ok(MessageResponse::Accepted(Json(MessageSent { recipients })))
    }

    /// People and live registrations per region, district and school, over the activities
    /// the token may export (`fair_id`: one fair's workshops).
    #[oai(path = "/counts", method = "get")]
    async fn counts(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        fair_id: Query<Option<i32>>,
    ) -> Result<CountsResponse, AdminError> {
        let lang = request_lang(req);
        let counts = attendees::counts(&state, &auth.0, fair_id.0)
            .await
            .map_err(|e| AdminError::from_manage(e.into(), lang))?;
        Ok(CountsResponse::Ok(Json(counts.into())))
    }
}
