//! Organiser accounts (admins): the list with role, scope, last sign-in and state; one
//! account's page to change role and scope, disable or enable it. The rules are in
//! `organiser::accounts`.

use minijinja::context;
use poem::{
    Request, Response, handler,
    http::StatusCode,
    web::{Data, Path},
};
use serde::Serialize;

use super::{
    AdminForm, FormView, SignedIn,
    accounts::{chrome, forbid_unless_admin, role_and_scope},
    answer, manage_error, notice, parse_id, signed_in,
};
use crate::{
    i18n::Lang,
    organiser::{
        ManageError,
        accounts::{self, AccountChange},
    },
    programme,
    startup::AppState,
    web::{PageLang, error, lang::here},
};

#[derive(Serialize)]
struct Choice {
    id: i32,
    name: String,
}

#[derive(Serialize)]
struct AccountView {
    id: i32,
    email: String,
    name: String,
    role: &'static str,
    scope: Option<String>,
    fair_id: Option<i32>,
    region_id: Option<i32>,
    last_sign_in: Option<String>,
    disabled: bool,
    yourself: bool,
}

async fn scopes(state: &AppState) -> poem::Result<(Vec<Choice>, Vec<Choice>)> {
    let fairs = programme::fairs(state.db.conn())
        .await
        .map_err(error::db)?
        .into_iter()
        .map(|f| Choice {
            id: f.id,
            name: f.name,
        })
        .collect();
    let regions = super::activities::regions(state)
        .await?
        .into_iter()
        .map(|r| Choice {
            id: r.id,
            name: r.name,
        })
        .collect();
    Ok((fairs, regions))
}

async fn accounts_view(
    state: &AppState,
    signed: &SignedIn,
    lang: Lang,
) -> poem::Result<(Vec<AccountView>, Vec<Choice>, Vec<Choice>)> {
    let rows = accounts::list(state, &signed.who)
        .await
        .map_err(manage_error)?;
    let (fairs, regions) = scopes(state).await?;
    let name_of = |choices: &[Choice], id: Option<i32>| {
        id.and_then(|id| choices.iter().find(|c| c.id == id))
            .map(|c| c.name.clone())
    };
    let views = rows
        .into_iter()
        .map(|row| {
            let a = row.account;
            AccountView {
                scope: name_of(&fairs, a.fair_id).or_else(|| name_of(&regions, a.region_id)),
                id: a.id,
                yourself: a.id == signed.who.id,
                email: a.email,
                name: a.name,
                role: a.role.as_str(),
                fair_id: a.fair_id,
                region_id: a.region_id,
                last_sign_in: row
                    .last_sign_in
                    .map(|at| lang.moment(at, crate::timezone::DEFAULT)),
                disabled: a.disabled_at.is_some(),
            }
        })
        .collect();
    Ok((views, fairs, regions))
}

#[handler]
pub async fn list(
    req: &Request,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    let signed = signed_in(state, req, lang).await?;
    forbid_unless_admin(&signed)?;
    let (views, _, _) = accounts_view(state, &signed, lang).await?;
    state.pages.respond(
        StatusCode::OK,
        "admin_organisers.html",
        lang,
        context! {
            here => here(req),
            admin => chrome(&signed),
            accounts => views,
            notice => notice(req, &["saved", "disabled", "enabled"]),
        },
    )
}

async fn edit_form(
    state: &AppState,
    req: &Request,
    lang: Lang,
    signed: &SignedIn,
    id: i32,
    status: StatusCode,
    view: Option<FormView>,
) -> poem::Result<Response> {
    let (views, fairs, regions) = accounts_view(state, signed, lang).await?;
    let account = views
        .into_iter()
        .find(|a| a.id == id)
        .ok_or_else(|| poem::Error::from_status(StatusCode::NOT_FOUND))?;
    let view = view.unwrap_or_else(|| {
        let values = [
            ("role", account.role.to_owned()),
            (
                "fair_id",
                account.fair_id.map(|i| i.to_string()).unwrap_or_default(),
            ),
            (
                "region_id",
                account.region_id.map(|i| i.to_string()).unwrap_or_default(),
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        FormView::new(values, &[], lang)
    });
    state.pages.respond(
        status,
        "admin_organiser.html",
        lang,
        context! {
            here => here(req),
            admin => chrome(signed),
            account,
            form => view,
            fairs,
            regions,
            roles => ["admin", "organiser", "viewer"],
        },
    )
}

#[handler]
pub async fn edit_page(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    let signed = signed_in(state, req, lang).await?;
    forbid_unless_admin(&signed)?;
    edit_form(
        state,
        req,
        lang,
        &signed,
        parse_id(&id)?,
        StatusCode::OK,
        None,
    )
    .await
}

/// Role and scope.
#[handler]
pub async fn update(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    AdminForm { signed, fields, .. }: AdminForm,
) -> poem::Result<Response> {
    let id = parse_id(&id)?;
    let mut problems = Vec::new();
    let (role, fair_id, region_id) = role_and_scope(&fields, &mut problems);
    let result = if problems.is_empty() {
        accounts::change(
            state,
            &signed.who,
            id,
            AccountChange {
                role,
                fair_id,
                region_id,
                disabled: None,
            },
        )
        .await
    } else {
        Err(ManageError::Invalid(problems))
    };
    let to = |_| "/admin/organisers?done=saved".to_owned();
    answer(result, lang, to, async |errors| {
        let view = FormView::new(fields, &errors, lang);
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        edit_form(state, req, lang, &signed, id, status, Some(view)).await
    })
    .await
}

async fn set_disabled(
    req: &Request,
    id: &str,
    state: &AppState,
    lang: Lang,
    AdminForm { signed, fields, .. }: AdminForm,
    disabled: bool,
) -> poem::Result<Response> {
    let id = parse_id(id)?;
    let change = AccountChange {
        disabled: Some(disabled),
        ..AccountChange::default()
    };
    let result = accounts::change(state, &signed.who, id, change).await;
    let done = if disabled { "disabled" } else { "enabled" };
    let to = |_| format!("/admin/organisers?done={done}");
    answer(result, lang, to, async |errors| {
        let view = FormView::new(fields, &errors, lang);
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        edit_form(state, req, lang, &signed, id, status, Some(view)).await
    })
    .await
}

#[handler]
pub async fn disable(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    posted: AdminForm,
) -> poem::Result<Response> {
    set_disabled(req, &id, state, lang, posted, true).await
}

#[handler]
pub async fn enable(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    posted: AdminForm,
) -> poem::Result<Response> {
    set_disabled(req, &id, state, lang, posted, false).await
}
