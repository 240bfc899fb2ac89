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

use super::{SignedIn, accounts::chrome, attachment, manage_error, parse_id, signed_in};
use crate::{
    export::{Format, table},
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

/// A link: where it leads, and the key of its text.
#[derive(Serialize)]
struct Link {
    href: String,
    text: String,
}

/// Whose results a URL names.
#[derive(Clone, Copy)]
enum Of {
    Fair(i32),
    Series(i32),
}

impl Of {
    async fn report(self, state: &AppState, signed: &SignedIn) -> poem::Result<Report> {
        let report = match self {
            Of::Fair(id) => report::fair(state, &signed.who, id).await,
            Of::Series(id) => report::series(state, &signed.who, id).await,
        };
        report.map_err(manage_error)
    }

    /// The page's address, and the links above its table.
    fn paths(self) -> (String, Vec<Link>) {
        match self {
            Of::Fair(id) => (
                format!("/admin/fairs/{id}/report"),
                vec![
                    Link {
                        href: format!("/admin/fairs/{id}/attendees"),
                        text: "admin.attendees.to_fair".into(),
                    },
                    Link {
                        href: format!("/admin/counts?fair={id}"),
                        text: "admin.nav.counts".into(),
                    },
                ],
            ),
            Of::Series(id) => (
                format!("/admin/series/{id}/report"),
                vec![Link {
                    href: format!("/admin/series/{id}"),
                    text: "admin.report.to_series".into(),
                }],
            ),
        }
    }
}

#[handler]
pub async fn fair(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    show(state, req, lang, Of::Fair(parse_id(&id)?)).await
}

#[handler]
pub async fn series(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    show(state, req, lang, Of::Series(parse_id(&id)?)).await
}

#[handler]
pub async fn fair_export(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    download(state, req, lang, Of::Fair(parse_id(&id)?)).await
}

#[handler]
pub async fn series_export(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    download(state, req, lang, Of::Series(parse_id(&id)?)).await
}

/// The table as a file in `?format=` (`csv` by default, as for attendee lists).
async fn download(state: &AppState, req: &Request, lang: Lang, of: Of) -> poem::Result<Response> {
    let signed = signed_in(state, req, lang).await?;
    let format = match query_value(req, "format") {
        None => Format::Csv,
        Some(asked) => asked
            .parse::<Format>()
            .map_err(|_| poem::Error::from_status(StatusCode::BAD_REQUEST))?,
    };
    let report = of.report(state, &signed).await?;
    let (header, rows) = report.table(lang, Utc::now());
    let sheet = lang.text("admin.report.title");
    let bytes = table::write(format, sheet, &header, &rows).map_err(|err| {
        tracing::error!(error = %err, "writing a report failed");
        poem::Error::from_status(StatusCode::INTERNAL_SERVER_ERROR)
    })?;
    let name = report.file_name(format, lang);
    Ok(attachment(format.content_type(), &name, bytes))
}

/// The first value of `key` in the request's query.
fn query_value(req: &Request, key: &str) -> Option<String> {
    url::form_urlencoded::parse(req.uri().query()?.as_bytes())
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

async fn show(state: &AppState, req: &Request, lang: Lang, of: Of) -> poem::Result<Response> {
    let signed = signed_in(state, req, lang).await?;
    let report = of.report(state, &signed).await?;
    let (here_path, links) = of.paths();
    let downloads: Vec<Link> = [Format::Csv, Format::CsvExcel, Format::Xlsx]
        .map(|format| Link {
            href: format!("{here_path}/export?format={}", format.id()),
            // The formats' names as the attendee lists give them.
            text: format!("admin.attendees.format.{}", format.id()),
        })
        .into();
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
    state.pages.respond(
        StatusCode::OK,
        "admin_report.html",
        lang,
        context! {
            here => here(req),
            admin => chrome(&signed),
            links,
            downloads,
            name => report.name,
            rows,
            people => report.people,
            came => report.came,
            schools => report.schools,
            districts => report.districts,
            rated => report.ratings.total(),
            average => report.ratings.average_in(lang),
        },
    )
}
