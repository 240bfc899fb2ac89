//! `GET /admin/fairs/{id}/report`, `GET /admin/series/{id}/report`: the results of a fair or a
//! meeting series (`organiser::report`) as a table, one workshop or meeting a row, with the
//! totals above it.

use chrono::Utc;
use minijinja::context;
use poem::{
    Request, Response, handler,
    http::StatusCode,
    web::{Data, Path},
};
use serde::Serialize;

use super::{SignedIn, accounts::chrome, manage_error, parse_id, signed_in};
use crate::{
    i18n::Lang,
    organiser::report::{self, Line, Report},
    registration::feedback::Summary,
    startup::AppState,
    web::{PageLang, lang::here},
};

#[derive(Serialize)]
struct Row {
    id: i32,
    title: String,
    when: String,
    cancelled: bool,
    capacity: i32,
    seats: u64,
    attended: u64,
    /// "85 %", once it has ended.
    attendance: Option<String>,
    waiting: u64,
    cancellations: u64,
    /// "4,5 (12×)".
    rating: Option<String>,
}

/// "4,5 (12×)", `None` without ratings.
fn rating(summary: &Summary, lang: Lang) -> Option<String> {
    let average = summary.average_in(lang)?;
    Some(format!("{average} ({}×)", summary.total()))
}

/// A link above the table: where it leads, and the key of its text.
#[derive(Serialize)]
struct Link {
    href: String,
    text: &'static str,
}

#[handler]
pub async fn fair(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    let signed = signed_in(state, req, lang).await?;
    let id = parse_id(&id)?;
    let report = report::fair(state, &signed.who, id)
        .await
        .map_err(manage_error)?;
    let links = vec![
        Link {
            href: format!("/admin/fairs/{id}/attendees"),
            text: "admin.attendees.to_fair",
        },
        Link {
            href: format!("/admin/counts?fair={id}"),
            text: "admin.nav.counts",
        },
    ];
    show(state, req, lang, &signed, report, links)
}

#[handler]
pub async fn series(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    let signed = signed_in(state, req, lang).await?;
    let id = parse_id(&id)?;
    let report = report::series(state, &signed.who, id)
        .await
        .map_err(manage_error)?;
    let links = vec![Link {
        href: format!("/admin/series/{id}"),
        text: "admin.report.to_series",
    }];
    show(state, req, lang, &signed, report, links)
}

fn show(
    state: &AppState,
    req: &Request,
    lang: Lang,
    signed: &SignedIn,
    report: Report,
    links: Vec<Link>,
) -> poem::Result<Response> {
    let now = Utc::now();
    let rows: Vec<Row> = report
        .lines
        .iter()
        .map(|line: &Line| {
            let a = &line.activity;
            Row {
                id: a.id,
                title: a.title.clone(),
                when: lang.when(a.starts_at, a.ends_at, report.zone),
                cancelled: a.status == entity::enums::ActivityStatus::Cancelled,
                capacity: a.capacity,
                seats: line.seats,
                attended: line.attended,
                attendance: line.attendance(now).map(|p| format!("{p} %")),
                waiting: line.waiting,
                cancellations: line.cancelled,
                rating: rating(&line.ratings, lang),
            }
        })
        .collect();
    let ratings = report.ratings.average_in(lang).map(|average| {
        lang.text("admin.feedback.summary")
            .replace("{count}", &report.ratings.total().to_string())
            .replace("{average}", &average)
    });
    state.pages.respond(
        StatusCode::OK,
        "admin_report.html",
        lang,
        context! {
            here => here(req),
            admin => chrome(signed),
            links,
            name => report.name,
            rows,
            people => report.people,
            came => report.came,
            schools => report.schools,
            districts => report.districts,
            ratings,
        },
    )
}
