//! Data protection: find a person by email or name, see their registrations, anonymise them
//! after a confirmation page. The rules are in `organiser::privacy`.

use std::collections::BTreeMap;

use entity::activity;
use minijinja::context;
use poem::{
    Request, Response, handler,
    http::StatusCode,
    web::{Data, Path},
};
use serde::Serialize;

use super::{
    AdminForm, FormView, accounts::chrome, done, form, manage_error, notice, parse_id, signed_in,
};
use crate::{
    i18n::Lang,
    organiser::{Action, ManageError, Subject, can, privacy},
    programme,
    startup::AppState,
    web::{PageLang, error, lang::here},
};

/// The query string's fields (the last value of a repeated one wins).
pub fn query(req: &Request) -> BTreeMap<String, String> {
    form(req.uri().query().unwrap_or_default().as_bytes())
}

#[derive(Serialize)]
struct RegistrationView {
    activity: String,
    when: String,
    status: &'static str,
}

#[derive(Serialize)]
struct PersonView {
    id: i32,
    name: String,
    email: String,
    organisation: Option<String>,
    registered: String,
    registrations: Vec<RegistrationView>,
}

/// `found` as the pages show them, each activity's times in its zone.
async fn views(
    state: &AppState,
    found: Vec<privacy::PersonFound>,
    lang: Lang,
) -> poem::Result<Vec<PersonView>> {
    let activities: Vec<&activity::Model> = found
        .iter()
        .flat_map(|f| &f.registrations)
        .map(|(_, a)| a)
        .collect();
    let zones = programme::zones(state.db.conn(), activities)
        .await
        .map_err(error::db)?;
    Ok(found.into_iter().map(|f| view(f, &zones, lang)).collect())
}

async fn one_view(
    state: &AppState,
    found: privacy::PersonFound,
    lang: Lang,
) -> poem::Result<PersonView> {
    Ok(views(state, vec![found], lang)
        .await?
        .pop()
        .expect("one in, one out"))
}

fn view(found: privacy::PersonFound, zones: &programme::Zones, lang: Lang) -> PersonView {
    PersonView {
        id: found.person.id,
        name: found.person.name,
        email: found.person.email,
        organisation: found.person.organisation,
        registered: lang.moment(found.person.created_at, crate::timezone::DEFAULT),
        registrations: found
            .registrations
            .into_iter()
            .map(|(r, a)| RegistrationView {
                when: lang.when(a.starts_at, a.ends_at, zones.of(&a)),
                activity: a.title,
                status: r.status.as_str(),
            })
            .collect(),
    }
}

#[handler]
pub async fn search(
    req: &Request,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    let signed = signed_in(state, req, lang).await?;
    if !can(&signed.who, Action::View, Subject::People) {
        return Err(poem::Error::from_status(StatusCode::FORBIDDEN));
    }
    let fields = query(req);
    let q = fields.get("q").cloned().unwrap_or_default();
    let (status, people, form) = if q.trim().is_empty() {
        (StatusCode::OK, None, FormView::new(fields, &[], lang))
    } else {
        match privacy::search(state, &signed.who, &q).await {
            Ok(found) => (
                StatusCode::OK,
                Some(views(state, found, lang).await?),
                FormView::new(fields, &[], lang),
            ),
            Err(ManageError::Invalid(errors)) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                FormView::new(fields, &errors, lang),
            ),
            Err(other) => return Err(manage_error(other)),
        }
    };
    state.pages.respond(
        status,
        "admin_people.html",
        lang,
        context! {
            here => here(req),
            admin => chrome(&signed),
            form,
            people,
            max => privacy::MAX_FOUND,
            notice => notice(req, &["anonymised"]),
        },
    )
}

#[handler]
pub async fn show(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    let signed = signed_in(state, req, lang).await?;
    let found = privacy::person(state, &signed.who, parse_id(&id)?)
        .await
        .map_err(manage_error)?;
    state.pages.respond(
        StatusCode::OK,
        "admin_person.html",
        lang,
        context! {
            here => here(req),
            admin => chrome(&signed),
            person => one_view(state, found, lang).await?,
            may_anonymise => can(&signed.who, Action::Edit, Subject::People),
            confirming => false,
        },
    )
}

/// The confirmation step: what anonymising does, and the button that does it.
#[handler]
pub async fn confirm_page(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    let signed = signed_in(state, req, lang).await?;
    if !can(&signed.who, Action::Edit, Subject::People) {
        return Err(poem::Error::from_status(StatusCode::FORBIDDEN));
    }
    let found = privacy::person(state, &signed.who, parse_id(&id)?)
        .await
        .map_err(manage_error)?;
    state.pages.respond(
        StatusCode::OK,
        "admin_person.html",
        lang,
        context! {
            here => here(req),
            admin => chrome(&signed),
            person => one_view(state, found, lang).await?,
            may_anonymise => true,
            confirming => true,
        },
    )
}

#[handler]
pub async fn anonymise(
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    AdminForm { signed, .. }: AdminForm,
) -> poem::Result<Response> {
    privacy::anonymise(state, &signed.who, parse_id(&id)?)
        .await
        .map_err(manage_error)?;
    Ok(done("/admin/people", "anonymised", lang))
}
