//! Attendee lists: a workshop's, meeting's or fair's list with a status filter, a search and
//! pages; the forms to add a person, cancel a registration and move one; downloads in every
//! export format with the columns the organiser picks; the counts per region, district and
//! school. The rules are in `organiser::attendees`; this reads forms and shows pages.

use std::collections::BTreeMap;

use entity::enums::ActivityStatus;
use minijinja::context;
use poem::{
    Request, Response, handler,
    http::StatusCode,
    web::{Data, Path},
};
use serde::Serialize;

use super::{
    AdminForm, FormView, SignedIn, accounts::chrome, answer, attachment, manage_error, parse_id,
    signed_in,
};
use crate::{
    domain::FieldError,
    export::{self, AttendeeQuery, Column, DEFAULT_COLUMNS, Format},
    i18n::Lang,
    organiser::{
        Action, ManageError, Scope, Subject, activities,
        attendees::{self, FILTER_STATUSES},
        can, messages,
    },
    programme,
    registration::{ROLES, SignUpForm},
    startup::AppState,
    web::{PageLang, error, lang::here},
};

/// Rows per page of a list.
const PAGE_ROWS: u64 = 50;

/// The query string's pairs (repeated keys kept).
fn query_pairs(req: &Request) -> Vec<(String, String)> {
    req.uri()
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

fn first<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// The list's filter from the page's query; a status from a hand-edited address that is not
/// one of ours lists every status.
fn attendee_query(scope: export::Scope, pairs: &[(String, String)]) -> AttendeeQuery {
    let q = first(pairs, "q").unwrap_or_default();
    attendees::query(scope, first(pairs, "status").unwrap_or_default(), q)
        .or_else(|_| attendees::query(scope, "", q))
        .expect("no status, no error")
}

/// The list's own path: `/admin/activities/12/attendees` or `/admin/fairs/1/attendees`.
fn list_path(scope: export::Scope) -> String {
    match scope {
        export::Scope::Activity(id) => format!("/admin/activities/{id}/attendees"),
        export::Scope::Fair(id) => format!("/admin/fairs/{id}/attendees"),
    }
}

/// The `back` field of a form on a list page (`activity:12`, `fair:1`), so the answer returns
/// to that list; anything else returns nowhere but the registration's activity.
fn back_scope(fields: &BTreeMap<String, String>) -> Option<export::Scope> {
    let (kind, id) = fields.get("back")?.split_once(':')?;
    let id = id.parse().ok()?;
    match kind {
        "activity" => Some(export::Scope::Activity(id)),
        "fair" => Some(export::Scope::Fair(id)),
        _ => None,
    }
}

#[derive(Serialize)]
struct Row {
    id: i32,
    name: String,
    email: String,
    organisation: Option<String>,
    district: Option<String>,
    activity_id: i32,
    activity: String,
    when: String,
    status: &'static str,
    live: bool,
    changeable: bool,
}

#[derive(Serialize)]
struct Target {
    id: i32,
    title: String,
    when: String,
    seats_left: i32,
}

#[derive(Serialize)]
struct Choice {
    id: &'static str,
    selected: bool,
}

/// The list page for `scope`, with `problems` from a form that was refused.
async fn list_page(
    state: &AppState,
    req: &Request,
    lang: Lang,
    signed: &SignedIn,
    scope: export::Scope,
    status: StatusCode,
    problems: Option<FormView>,
) -> poem::Result<Response> {
    let pairs = query_pairs(req);
    let query = attendee_query(scope, &pairs);
    let after = first(&pairs, "after").and_then(|a| a.parse().ok());
    let who = &signed.who;
    let (subject, rows, total) = attendees::page(state, who, &query, after, PAGE_ROWS)
        .await
        .map_err(manage_error)?;
    let live = crate::registration::live();
    // Every activity of the list's fair (or the activity's region) this organiser may change,
    // while it is not over.
    let now = chrono::Utc::now();
    let listed = activities::list(state, who).await.map_err(error::db)?;
    let zones = programme::zones(state.db.conn(), &listed)
        .await
        .map_err(error::db)?;
    let mut targets: Vec<Target> = listed
        .into_iter()
        .filter(|a| {
            a.status == ActivityStatus::Scheduled
                && a.ends_at > now
                && can(who, Action::Edit, Subject::Activity(Scope::from(a)))
                && match &subject.activity {
                    Some(this) => a.kind == this.kind && a.fair_id == this.fair_id,
                    None => a.fair_id == subject.fair_id,
                }
        })
        .map(|a| Target {
            id: a.id,
            when: lang.when(a.starts_at, a.ends_at, zones.of(&a)),
            seats_left: (a.capacity - a.taken).max(0),
            title: a.title,
        })
        .collect();
    targets.sort_by_key(|t| t.id);
    let mut editable_ids = Vec::new();
    for row in &rows {
        if !editable_ids.contains(&row.activity_id)
            && let Ok(found) = activities::get(state, who, row.activity_id).await
            && can(who, Action::Edit, Subject::Activity(Scope::from(&found)))
        {
            editable_ids.push(row.activity_id);
        }
    }
    let next = rows
        .last()
        .filter(|_| rows.len() as u64 == PAGE_ROWS)
        .map(|last| last.registration_id);
    let rows: Vec<Row> = rows
        .into_iter()
        .map(|r| Row {
            id: r.registration_id,
            when: format!(
                "{} {}",
                lang.date(r.starts_at, r.zone()),
                r.starts_at.with_timezone(&r.zone()).format("%-H:%M")
            ),
            status: r.status.as_str(),
            live: live.contains(&r.status),
            changeable: editable_ids.contains(&r.activity_id),
            name: r.name,
            email: r.email,
            organisation: r.organisation,
            district: r.district,
            activity_id: r.activity_id,
            activity: r.activity,
        })
        .collect();
    let chosen = first(&pairs, "status").unwrap_or_default();
    let statuses: Vec<Choice> = std::iter::once("live")
        .chain(FILTER_STATUSES.iter().map(|s| s.as_str()))
        .map(|id| Choice {
            id,
            selected: id == chosen,
        })
        .collect();
    let may_add = subject.activity.as_ref().is_some_and(|a| {
        a.status == ActivityStatus::Scheduled
            && can(who, Action::Edit, Subject::Activity(Scope::from(a)))
    });
    let may_export = attendees::subject(state, who, scope, Action::Export)
        .await
        .is_ok();
    let path = list_path(scope);
    let back = match scope {
        export::Scope::Activity(id) => format!("activity:{id}"),
        export::Scope::Fair(id) => format!("fair:{id}"),
    };
    // The filter as a query string, for the next page and the downloads.
    let filter: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(
            pairs
                .iter()
                .filter(|(k, _)| k == "status" || k == "q")
                .map(|(k, v)| (k.as_str(), v.as_str())),
        )
        .finish();
    // The export form keeps what a refused download picked.
    let picked = picked_columns(&pairs);
    let columns: Vec<Choice> = Column::ALL
        .into_iter()
        .map(|c| Choice {
            id: c.id(),
            selected: match &picked {
                Some(list) => list.split(',').any(|id| Column::parse(id) == Some(c)),
                None => DEFAULT_COLUMNS.contains(&c),
            },
        })
        .collect();
    let format = first(&pairs, "format");
    let formats: Vec<Choice> = Format::ALL
        .into_iter()
        .enumerate()
        .map(|(i, f)| Choice {
            id: f.id(),
            selected: format.map_or(i == 0, |picked| picked == f.id()),
        })
        .collect();
    let problems = problems.unwrap_or_default();
    let feedback = match scope {
        export::Scope::Activity(id) => Some(FeedbackView::new(
            attendees::feedback(state, who, id)
                .await
                .map_err(manage_error)?,
            lang,
        )),
        export::Scope::Fair(_) => None,
    };
    state.pages.respond(
        status,
        "admin_attendees.html",
        lang,
        context! {
            here => here(req),
            admin => chrome(signed),
            title => subject.title,
            activity_id => subject.activity.as_ref().map(|a| a.id),
            fair_id => subject.fair_id,
            path,
            back,
            rows,
            total,
            next,
            after,
            filter,
            search => query.search,
            statuses,
            targets,
            may_add,
            may_export,
            columns,
            formats,
            roles => ROLES,
            feedback,
            form => problems,
            notice => first(&pairs, "done")
                .filter(|d| matches!(*d, "added" | "cancelled" | "moved" | "messaged"))
                .map(str::to_owned),
            // How many people a message went to, for its notice.
            sent => first(&pairs, "sent").and_then(|n| n.parse::<u64>().ok()),
        },
    )
}

/// An activity's feedback as the list page shows it: the count, the mean in the reader's
/// notation, how many gave each rating (5 first) and the comments.
#[derive(Serialize)]
struct FeedbackView {
    total: u32,
    average: Option<String>,
    counts: Vec<(usize, u32)>,
    comments: Vec<(i32, String)>,
}

impl FeedbackView {
    fn new(summary: crate::registration::feedback::Summary, lang: Lang) -> FeedbackView {
        FeedbackView {
            total: summary.total(),
            average: summary.average_in(lang),
            counts: (1..6).zip(summary.counts).rev().collect(),
            comments: summary.comments,
        }
    }
}

#[handler]
pub async fn activity_list(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    let signed = signed_in(state, req, lang).await?;
    let scope = export::Scope::Activity(parse_id(&id)?);
    list_page(state, req, lang, &signed, scope, StatusCode::OK, None).await
}

#[handler]
pub async fn fair_list(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    let signed = signed_in(state, req, lang).await?;
    let scope = export::Scope::Fair(parse_id(&id)?);
    list_page(state, req, lang, &signed, scope, StatusCode::OK, None).await
}

/// The download's repeated `columns` as one comma-separated list; none means the defaults.
fn picked_columns(pairs: &[(String, String)]) -> Option<String> {
    let picked: Vec<&str> = pairs
        .iter()
        .filter(|(k, _)| k == "columns")
        .map(|(_, v)| v.as_str())
        .collect();
    (!picked.is_empty()).then(|| picked.join(","))
}

/// A download of the list: `format`, `columns` (repeated; none picked means the defaults) and
/// the list's filter, streamed with a file name.
async fn export_of(
    state: &AppState,
    req: &Request,
    lang: Lang,
    scope: export::Scope,
) -> poem::Result<Response> {
    let signed = signed_in(state, req, lang).await?;
    let pairs = query_pairs(req);
    let subject = attendees::subject(state, &signed.who, scope, Action::Export)
        .await
        .map_err(manage_error)?;
    // A download refuses a hand-edited status, as the API does (the list shows every status).
    let filter = (
        first(&pairs, "status").unwrap_or_default(),
        first(&pairs, "q").unwrap_or_default(),
    );
    let picked = picked_columns(&pairs);
    let choice = (first(&pairs, "format"), picked.as_deref());
    let request = match attendees::export_request(scope, filter, choice, lang) {
        Ok(request) => request,
        Err(errors) => {
            let problems = FormView::new(BTreeMap::new(), &errors, lang);
            let status = StatusCode::BAD_REQUEST;
            return list_page(state, req, lang, &signed, scope, status, Some(problems)).await;
        }
    };
    let format = request.format;
    let name = export::file_name(&subject.slug, format, lang);
    let body = export::body(state.db.conn().clone(), request);
    Ok(attachment(format.content_type(), &name, body))
}

#[handler]
pub async fn activity_export(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    export_of(state, req, lang, export::Scope::Activity(parse_id(&id)?)).await
}

#[handler]
pub async fn fair_export(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    export_of(state, req, lang, export::Scope::Fair(parse_id(&id)?)).await
}

/// Where a changed list goes back to, with a notice.
/// The answer to a change from a list: back to the list, or the list again with the errors.
async fn answered<T>(
    state: &AppState,
    req: &Request,
    lang: Lang,
    AdminForm { signed, fields, .. }: AdminForm,
    scope: export::Scope,
    result: Result<T, ManageError>,
    done: &str,
) -> poem::Result<Response> {
    let to = |_| format!("{}?done={done}", list_path(scope));
    answer(result, lang, to, async |errors| {
        let view = FormView::new(fields, &errors, lang);
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        list_page(state, req, lang, &signed, scope, status, Some(view)).await
    })
    .await
}

#[handler]
pub async fn add(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    posted: AdminForm,
) -> poem::Result<Response> {
    let id = parse_id(&id)?;
    let fields = &posted.fields;
    let get = |k: &str| fields.get(k).cloned().unwrap_or_default();
    let person_lang = Lang::parse(&get("language")).unwrap_or(lang);
    let sign_up = SignUpForm {
        name: get("name"),
        email: get("email"),
        organisation: Some(get("organisation")),
        role: Some(get("role")),
        district_id: None,
        activity_ids: Vec::new(),
        consent: true,
        lang: person_lang,
    };
    let scope = export::Scope::Activity(id);
    let result = attendees::add(state, &posted.signed.who, id, sign_up).await;
    answered(state, req, lang, posted, scope, result, "added").await
}

/// Emails the activity's people (`subject`, `text`, `waiting_too`); back to its list with how
/// many it went to, or the form again with what is wrong.
#[handler]
pub async fn message(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    AdminForm { signed, fields, .. }: AdminForm,
) -> poem::Result<Response> {
    let id = parse_id(&id)?;
    let get = |k: &str| fields.get(k).map(String::as_str).unwrap_or_default();
    let waiting_too = get("waiting_too") == "on";
    let result = match messages::Message::parse(get("subject"), get("text"), waiting_too) {
        Ok(message) => messages::send(state, &signed.who, id, &message).await,
        Err(errors) => Err(ManageError::Invalid(errors)),
    };
    let scope = export::Scope::Activity(id);
    let to = |sent| format!("{}?done=messaged&sent={sent}", list_path(scope));
    answer(result, lang, to, async |errors| {
        let view = FormView::new(fields, &errors, lang);
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        list_page(state, req, lang, &signed, scope, status, Some(view)).await
    })
    .await
}

/// The list a form on a registration returns to: the one it was posted from, else its
/// activity's.
async fn scope_of(
    state: &AppState,
    fields: &BTreeMap<String, String>,
    registration_id: i32,
) -> poem::Result<export::Scope> {
    if let Some(scope) = back_scope(fields) {
        return Ok(scope);
    }
    use sea_orm::EntityTrait;
    let row = entity::registration::Entity::find_by_id(registration_id)
        .one(state.db.conn())
        .await
        .map_err(error::db)?
        .ok_or_else(|| poem::Error::from_status(StatusCode::NOT_FOUND))?;
    Ok(export::Scope::Activity(row.activity_id))
}

#[handler]
pub async fn cancel(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    posted: AdminForm,
) -> poem::Result<Response> {
    let id = parse_id(&id)?;
    let fields = &posted.fields;
    let scope = scope_of(state, fields, id).await?;
    let reason = fields.get("reason").map(String::as_str);
    let result = attendees::cancel(state, &posted.signed.who, id, reason).await;
    answered(state, req, lang, posted, scope, result, "cancelled").await
}

#[handler]
pub async fn move_to(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    posted: AdminForm,
) -> poem::Result<Response> {
    let id = parse_id(&id)?;
    let fields = &posted.fields;
    let scope = scope_of(state, fields, id).await?;
    let result = match fields.get("activity_id").map(|v| v.trim().parse::<i32>()) {
        Some(Ok(target)) => attendees::move_to(state, &posted.signed.who, id, target).await,
        _ => Err(ManageError::Invalid(vec![FieldError::new(
            "activity_id",
            "unknown_choice",
        )])),
    };
    answered(state, req, lang, posted, scope, result, "moved").await
}

#[derive(Serialize)]
struct FairChoice {
    id: i32,
    name: String,
    selected: bool,
}

/// People and registrations per region, district and school (`?fair=ID` for one fair).
#[handler]
pub async fn counts(
    req: &Request,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    let signed = signed_in(state, req, lang).await?;
    let pairs = query_pairs(req);
    let fair_id = first(&pairs, "fair").and_then(|f| f.parse().ok());
    let counts = attendees::counts(state, &signed.who, fair_id)
        .await
        .map_err(error::db)?;
    let fairs: Vec<FairChoice> = programme::fairs(state.db.conn())
        .await
        .map_err(error::db)?
        .into_iter()
        .map(|f| FairChoice {
            selected: Some(f.id) == fair_id,
            id: f.id,
            name: f.name,
        })
        .collect();
    let may_list_fairs: Vec<i32> = fairs
        .iter()
        .filter(|f| {
            let workshops = attendees::fair_workshops(f.id);
            can(&signed.who, Action::View, Subject::Activity(workshops))
        })
        .map(|f| f.id)
        .collect();
    state.pages.respond(
        StatusCode::OK,
        "admin_counts.html",
        lang,
        context! {
            here => here(req),
            admin => chrome(&signed),
            counts,
            fairs,
            may_list_fairs,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use entity::enums::RegistrationStatus;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_filter_reads_one_status_live_or_all_and_a_trimmed_search() {
        let scope = export::Scope::Activity(3);
        let q = attendee_query(scope, &pairs(&[("status", "live"), ("q", "  Nov ")]));
        assert_eq!(q.statuses.len(), 5);
        assert_eq!(q.search.as_deref(), Some("Nov"));
        let q = attendee_query(scope, &pairs(&[("status", "cancelled")]));
        assert_eq!(q.statuses, [RegistrationStatus::Cancelled]);
        let q = attendee_query(scope, &pairs(&[("status", "bogus"), ("q", " ")]));
        assert!(q.statuses.is_empty() && q.search.is_none());
    }

    #[test]
    fn a_form_returns_only_to_a_list_it_names() {
        let fields = |v: &str| BTreeMap::from([("back".to_owned(), v.to_owned())]);
        assert_eq!(back_scope(&fields("fair:2")), Some(export::Scope::Fair(2)));
        assert_eq!(back_scope(&fields("https://evil.example")), None);
        assert_eq!(back_scope(&fields("activity:x")), None);
    }
}
