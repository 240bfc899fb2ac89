//! The audit log (admins): filters, pages of 50 newest first, before/after side by side, and
//! the export as CSV or JSON. The queries are in `organiser::audit`.

use minijinja::context;
use poem::{Body, Request, Response, handler, http::StatusCode, web::Data};
use serde::Serialize;

use super::{FormView, accounts::chrome, attachment, manage_error, people::query, signed_in};
use crate::{
    i18n::Lang,
    organiser::{
        Action, ManageError, Principal, Subject,
        audit::{self, AuditFilter, Change, ExportFormat},
        can,
    },
    startup::AppState,
    web::{PageLang, error, lang::here},
};

#[derive(Serialize)]
struct EntryView {
    id: i32,
    at: String,
    organiser: Option<String>,
    action: String,
    subject: String,
    changes: Vec<Change>,
}

#[derive(Serialize)]
struct Choice {
    value: String,
    label: String,
}

/// The filter of a request; field errors for the form.
fn filter_of(
    fields: &std::collections::BTreeMap<String, String>,
) -> Result<AuditFilter, Vec<crate::domain::FieldError>> {
    let get = |k: &str| fields.get(k).map(String::as_str).unwrap_or_default();
    AuditFilter::parse(
        get("organiser"),
        get("action"),
        get("subject_type"),
        get("from"),
        get("to"),
    )
}

fn forbid_unless_allowed(who: &Principal, action: Action) -> poem::Result<()> {
    if can(who, action, Subject::AuditLog) {
        Ok(())
    } else {
        Err(poem::Error::from_status(StatusCode::FORBIDDEN))
    }
}

#[handler]
pub async fn list(
    req: &Request,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    let signed = signed_in(state, req, lang).await?;
    forbid_unless_allowed(&signed.who, Action::View)?;
    let mut fields = query(req);
    fields.remove("lang");
    let before_id = fields.remove("before").and_then(|v| v.parse().ok());
    let (status, entries, errors) = match filter_of(&fields) {
        Ok(filter) => {
            let entries = audit::page(
                state.db.conn(),
                &signed.who,
                &filter,
                before_id,
                audit::PAGE_SIZE,
            )
            .await
            .map_err(manage_error)?;
            (StatusCode::OK, entries, Vec::new())
        }
        Err(errors) => (StatusCode::UNPROCESSABLE_ENTITY, Vec::new(), errors),
    };
    let older = (entries.len() as u64 == audit::PAGE_SIZE)
        .then(|| entries.last().map(|e| e.event.id))
        .flatten();
    let views: Vec<EntryView> = entries.iter().map(|e| entry_view(e, lang)).collect();
    let choices = audit::choices(state.db.conn()).await.map_err(error::db)?;
    let filter_query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields.iter().filter(|(_, v)| !v.is_empty()))
        .finish();
    let labelled = |prefix: &str, values: Vec<String>| -> Vec<Choice> {
        values
            .into_iter()
            .map(|v| Choice {
                label: label(lang, prefix, &v),
                value: v,
            })
            .collect()
    };
    state.pages.respond(
        status,
        "admin_audit.html",
        lang,
        context! {
            here => here(req),
            admin => chrome(&signed),
            form => FormView::new(fields, &errors, lang),
            entries => views,
            older,
            filter_query,
            organisers => choices.organisers.into_iter().map(|(id, email)| Choice {
                value: id.to_string(),
                label: email,
            }).collect::<Vec<_>>(),
            actions => labelled("audit.action", choices.actions),
            subject_types => labelled("audit.subject", choices.subject_types),
        },
    )
}

/// An action's or subject type's name in `lang` (`{prefix}.{code}`), or the code itself for one
/// without a name (written by a newer version, say).
fn label(lang: Lang, prefix: &str, code: &str) -> String {
    match lang.text(&format!("{prefix}.{code}")) {
        "??" => code.to_owned(),
        text => text.to_owned(),
    }
}

fn entry_view(entry: &audit::Entry, lang: Lang) -> EntryView {
    let e = &entry.event;
    EntryView {
        id: e.id,
        at: lang.moment(e.at, crate::timezone::DEFAULT),
        organiser: entry.organiser.clone(),
        action: label(lang, "audit.action", &e.action),
        subject: {
            let subject = label(lang, "audit.subject", &e.subject_type);
            match e.subject_id {
                Some(id) => format!("{subject} #{id}"),
                None => subject,
            }
        },
        changes: audit::changes(entry.before().as_ref(), entry.after().as_ref()),
    }
}

/// `GET /admin/audit/export?format=csv|json&…filters`: the whole filtered log, streamed.
#[handler]
pub async fn export(
    req: &Request,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    let signed = signed_in(state, req, lang).await?;
    forbid_unless_allowed(&signed.who, Action::Export)?;
    let fields = query(req);
    let format = match fields.get("format").map(String::as_str) {
        Some("json") => ExportFormat::Json,
        Some("csv") | None => ExportFormat::Csv,
        Some(_) => return Err(poem::Error::from_status(StatusCode::BAD_REQUEST)),
    };
    let filter = filter_of(&fields)
        .map_err(|_| poem::Error::from_status(StatusCode::UNPROCESSABLE_ENTITY))?;
    let (content_type, name) = match format {
        ExportFormat::Csv => ("text/csv; charset=utf-8", "audit.csv"),
        ExportFormat::Json => ("application/json", "audit.json"),
    };
    let body = stream(state, signed.who, filter, format);
    Ok(attachment(content_type, name, body))
}

/// The export written by a task into a pipe the response reads, so a large log is never held
/// whole in memory. A failure half-way is logged and cuts the body short.
pub fn stream(state: &AppState, who: Principal, filter: AuditFilter, format: ExportFormat) -> Body {
    let (writer, reader) = tokio::io::duplex(64 * 1024);
    let conn = state.db.conn().clone();
    tokio::spawn(async move {
        if let Err(err) = audit::export(&conn, &who, &filter, format, writer).await {
            match err {
                ManageError::Db(err) => tracing::warn!(error = %err, "audit export failed"),
                other => tracing::warn!(error = %other, "audit export refused"),
            }
        }
    });
    Body::from_async_read(reader)
}
