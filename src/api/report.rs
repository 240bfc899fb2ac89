//! The results of a fair or a meeting series in the JSON API (`organiser::report`, as the
//! admin pages show them): `GET /api/admin/fairs/{id}/report`, `GET
//! /api/admin/series/{id}/report`, with the attendee lists' permission.

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

/// One workshop's or meeting's results.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ActivityResults {
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
    /// `attended` as a whole percentage of `seats`; absent until it has ended, or without
    /// seats.
    pub attendance_percent: Option<u64>,
    /// On the waiting list, or offered a seat and not yet confirmed.
    pub waiting: u64,
    pub cancelled: u64,
    pub ratings: Ratings,
}

/// A fair's results (its workshops') or a series' (its meetings'), and the totals.
#[derive(Debug, Object)]
pub struct Results {
    /// The fair's or the series' id.
    pub id: i32,
    /// The fair's name or the series' title.
    pub name: String,
    /// People who held a confirmed seat at any of them, each counted once.
    pub people: u64,
    /// Of those, the people who came to at least one.
    pub came: u64,
    /// The schools those people gave (other spellings of one school count once).
    pub schools: u64,
    /// The districts those people gave.
    pub districts: u64,
    /// All their ratings together.
    pub ratings: Ratings,
    /// By start.
    pub activities: Vec<ActivityResults>,
}

impl Results {
    fn of(id: i32, report: Report, now: DateTime<Utc>) -> Self {
        let activity = |line: Line| ActivityResults {
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
        Results {
            id,
            name: report.name,
            people: report.people,
            came: report.came,
            schools: report.schools,
            districts: report.districts,
            ratings: Ratings::from(&report.ratings),
            activities: report.lines.into_iter().map(activity).collect(),
        }
    }
}

#[derive(ApiResponse)]
pub enum ResultsResponse {
    #[oai(status = 200)]
    Ok(Json<Results>),
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
        Ok(Results::of(id.0, report, Utc::now()).into())
    }

    /// A meeting series' results, as a fair's for its meetings. Whoever may see the series
    /// may read them.
    #[oai(path = "/series/:id/report", method = "get")]
    async fn series(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
    ) -> Result<ResultsResponse, AdminError> {
        let report = report::series(&state, &auth.0, id.0)
            .await
            .map_err(|e| AdminError::from_manage(e, request_lang(req)))?;
        Ok(Results::of(id.0, report, Utc::now()).into())
    }
}

impl From<Results> for ResultsResponse {
    fn from(results: Results) -> Self {
        ResultsResponse::Ok(Json(results))
    }
}
