//! A fair's results in the JSON API (`organiser::report`, as `/admin/fairs/{id}/report` shows
//! them): `GET /api/admin/fairs/{id}/report`, with the attendee list's permission.

use chrono::{DateTime, Utc};
use poem::{Request, web::Data};
use poem_openapi::{ApiResponse, Object, OpenApi, param::Path, payload::Json};

use super::{admin::OrganiserToken, error::AdminError, request_lang};
use crate::{
    organiser::report::{self, Line, Report},
    registration::feedback::Summary,
    startup::AppState,
};

/// How participants rated something, 1–5.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Ratings {
    /// How many rated.
    pub count: u32,
    /// The mean; absent without any rating.
    pub average: Option<f64>,
}

impl From<&Summary> for Ratings {
    fn from(s: &Summary) -> Self {
        Ratings {
            count: s.total(),
            average: s.average(),
        }
    }
}

/// One workshop's results.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct WorkshopResults {
    pub activity_id: i32,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// `scheduled` or `cancelled`.
    pub status: String,
    pub capacity: i32,
    /// Held a confirmed seat (confirmed, attended, or released as a no-show).
    pub seats: u64,
    /// Came: checked in at the door or joined online by their link.
    pub attended: u64,
    /// `attended` as a whole percentage of `seats`; absent until the workshop has ended, or
    /// without seats.
    pub attendance_percent: Option<u64>,
    /// On the waiting list, or offered a seat and not yet confirmed.
    pub waiting: u64,
    pub cancelled: u64,
    pub ratings: Ratings,
}

/// A fair's results: each workshop's, and the totals.
#[derive(Debug, Object)]
pub struct FairResults {
    pub fair_id: i32,
    pub name: String,
    /// People who held a confirmed seat at any workshop, each counted once.
    pub people: u64,
    /// Of those, the people who came to at least one.
    pub came: u64,
    /// The schools those people gave (other spellings of one school count once).
    pub schools: u64,
    /// The districts those people gave.
    pub districts: u64,
    /// Every workshop's ratings together.
    pub ratings: Ratings,
    /// By start.
    pub workshops: Vec<WorkshopResults>,
}

impl FairResults {
    fn of(fair_id: i32, report: Report, now: DateTime<Utc>) -> Self {
        let workshop = |line: Line| WorkshopResults {
            attendance_percent: line.attendance(now),
            ratings: Ratings::from(&line.ratings),
            activity_id: line.activity.id,
            starts_at: line.activity.starts_at,
            ends_at: line.activity.ends_at,
            status: line.activity.status.as_str().to_owned(),
            capacity: line.activity.capacity,
            title: line.activity.title,
            seats: line.seats,
            attended: line.attended,
            waiting: line.waiting,
            cancelled: line.cancelled,
        };
        FairResults {
            fair_id,
            name: report.fair.title,
            people: report.people,
            came: report.came,
            schools: report.schools,
            districts: report.districts,
            ratings: Ratings::from(&report.ratings),
            workshops: report.lines.into_iter().map(workshop).collect(),
        }
    }
}

#[derive(ApiResponse)]
pub enum ResultsResponse {
    #[oai(status = 200)]
    Ok(Json<FairResults>),
}

pub struct ReportApi;

#[OpenApi(
    prefix_path = "/admin",
    tag = "super::attendees::AttendeeTags::Attendees"
)]
impl ReportApi {
    /// A fair's results: for each workshop the confirmed seats, who came, the attendance, the
    /// waiting list, cancellations and ratings; and how many people, schools and districts took
    /// part. Whoever may read the fair's attendee list may read them.
    #[oai(path = "/fairs/:id/report", method = "get")]
    async fn fair(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
    ) -> Result<ResultsResponse, AdminError> {
        let report = report::fair(&state, &auth.0, id.0)
            .await
            .map_err(|e| AdminError::from_manage(e, request_lang(req)))?;
        let results = FairResults::of(id.0, report, Utc::now());
        Ok(ResultsResponse::Ok(Json(results)))
    }
}
