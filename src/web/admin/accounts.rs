//! Signing in and out, API tokens, invitations.

use minijinja::{Value, context};
use poem::{
    IntoResponse, Request, Response, handler,
    http::{StatusCode, header},
    web::{Data, Path, Redirect},
};
use serde::Serialize;

use super::{
    AdminForm, FormView, SignedIn, answer, done, form, manage_error, notice, optional_number,
    parse_id, session_cookie, signed_in,
};
use crate::{
    organiser::{
        Action, ManageError, Subject, accounts, can,
        sessions::{self, LoginOutcome},
        tokens,
    },
    programme,
    startup::AppState,
    web::{PageLang, error, lang::here, render::with_lang},
};

/// What every signed-in page's header needs: who, their role, the sign-out form's token.
#[derive(Serialize)]
pub struct Chrome {
    name: String,
    email: String,
    role: &'static str,
    csrf: String,
    may_invite: bool,
    /// Organiser accounts, the audit log, the mail status (admins).
    may_manage: bool,
    may_find_people: bool,
}

pub fn chrome(signed: &SignedIn) -> Chrome {
    let who = &signed.who;
    Chrome {
        name: who.name.clone(),
        email: who.email.clone(),
        role: who.role.as_str(),
        csrf: signed.csrf(),
        may_invite: can(who, Action::Create, Subject::Organisers),
        may_manage: can(who, Action::View, Subject::Organisers)
            && can(who, Action::View, Subject::AuditLog)
            && can(who, Action::View, Subject::Mail),
        may_find_people: can(who, Action::View, Subject::People),
    }
}

/// The `?done=` notices this page shows.
const NOTICES: &[&str] = &[
    "accepted",
    "sent",
    "signed_out",
    "revoked",
    "password_changed",
    "withdrawn",
    "unchanged",
];

#[handler]
pub async fn login_page(
    req: &Request,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    state.pages.respond(
        StatusCode::OK,
        "admin_login.html",
        lang,
        context! { here => here(req), notice => notice(req, NOTICES), email => "" },
    )
}

#[handler]
pub async fn login(
    req: &Request,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    body: bytes::Bytes,
) -> poem::Result<Response> {
    state
        .limits
        .token_request(crate::limits::client_ip(req))
        .map_err(error::TooMany::from)?;
    let fields = form(&body);
    let email = fields.get("email").cloned().unwrap_or_default();
    let password = fields.get("password").cloned().unwrap_or_default();
    match sessions::login(state, &email, &password, chrono::Utc::now())
        .await
        .map_err(error::db)?
    {
        LoginOutcome::SignedIn { session, .. } => {
            Ok(Redirect::see_other(with_lang("/admin/activities", lang))
                .with_header(header::SET_COOKIE, session_cookie(state, Some(&session)))
                .into_response())
        }
        // One answer for an unknown address, a wrong password and a locked account.
        LoginOutcome::Refused => state.pages.respond(
            StatusCode::UNAUTHORIZED,
            "admin_login.html",
            lang,
            context! { here => here(req), refused => true, email },
        ),
    }
}

#[handler]
pub async fn logout(
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    AdminForm { signed, .. }: AdminForm,
) -> poem::Result<Response> {
    sessions::logout(state, &signed.session)
        .await
        .map_err(error::db)?;
    Ok(
        Redirect::see_other(with_lang("/admin/login?done=signed_out", lang))
            .with_header(header::SET_COOKIE, session_cookie(state, None))
            .into_response(),
    )
}

#[derive(Serialize)]
struct TokenView {
    id: i32,
    name: String,
    created_at: String,
    last_used_at: Option<String>,
    revoked: bool,
}

async fn tokens_page(
    state: &AppState,
    req: &Request,
    lang: crate::i18n::Lang,
    signed: &SignedIn,
    status: StatusCode,
    extra: Value,
) -> poem::Result<Response> {
    let rows = tokens::list(state, &signed.who).await.map_err(error::db)?;
    let list: Vec<TokenView> = rows
        .into_iter()
        .map(|t| TokenView {
            id: t.id,
            name: t.name,
            created_at: lang.moment(t.created_at, crate::timezone::DEFAULT),
            last_used_at: t
                .last_used_at
                .map(|at| lang.moment(at, crate::timezone::DEFAULT)),
            revoked: t.revoked_at.is_some(),
        })
        .collect();
    state.pages.respond(
        status,
        "admin_tokens.html",
        lang,
        context! {
            here => here(req),
            admin => chrome(signed),
            tokens => list,
            notice => notice(req, NOTICES),
            ..extra
        },
    )
}

#[handler]
pub async fn tokens_list(
    req: &Request,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    let signed = signed_in(state, req, lang).await?;
    tokens_page(
        state,
        req,
        lang,
        &signed,
        StatusCode::OK,
        context! { form => FormView::default() },
    )
    .await
}

#[handler]
pub async fn create_token(
    req: &Request,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    AdminForm { signed, fields, .. }: AdminForm,
) -> poem::Result<Response> {
    let name = fields.get("name").cloned().unwrap_or_default();
    match tokens::create(state, &signed.who, &name).await {
        Ok((_, plain)) => {
            tokens_page(
                state,
                req,
                lang,
                &signed,
                StatusCode::CREATED,
                context! { new_token => plain, form => FormView::default() },
            )
            .await
        }
        Err(ManageError::Invalid(errors)) => {
            let view = FormView::new(fields, &errors, lang);
            tokens_page(
                state,
                req,
                lang,
                &signed,
                StatusCode::UNPROCESSABLE_ENTITY,
                context! { form => view },
            )
            .await
        }
        Err(other) => Err(manage_error(other)),
    }
}

#[handler]
pub async fn revoke_token(
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    AdminForm { signed, .. }: AdminForm,
) -> poem::Result<Response> {
    tokens::revoke(state, &signed.who, parse_id(&id)?)
        .await
        .map_err(manage_error)?;
    Ok(done("/admin/tokens", "revoked", lang))
}

#[derive(Serialize)]
struct Choice {
    id: i32,
    name: String,
}

/// An invitation still open, as the invitation page lists it.
#[derive(Serialize)]
struct OpenInvitation {
    id: i32,
    email: String,
    name: String,
    role: &'static str,
    /// The fair or region the invitee will organise.
    scope: Option<String>,
    expires: String,
}

async fn invite_form(
    state: &AppState,
    req: &Request,
    lang: crate::i18n::Lang,
    signed: &SignedIn,
    status: StatusCode,
    view: FormView,
) -> poem::Result<Response> {
    let conn = state.db.conn();
    let fairs: Vec<Choice> = programme::fairs(conn)
        .await
        .map_err(error::db)?
        .into_iter()
        .map(|f| Choice {
            id: f.id,
            name: f.name,
        })
        .collect();
    let regions: Vec<Choice> = super::activities::regions(state)
        .await?
        .into_iter()
        .map(|r| Choice {
            id: r.id,
            name: r.name,
        })
        .collect();
    let open: Vec<OpenInvitation> = accounts::open_invitations(state, &signed.who)
        .await
        .map_err(manage_error)?
        .into_iter()
        .map(|i| {
            let scope = |choices: &[Choice], id| {
                choices
                    .iter()
                    .find(|c| Some(c.id) == id)
                    .map(|c| c.name.clone())
            };
            OpenInvitation {
                id: i.id,
                scope: scope(&fairs, i.fair_id).or_else(|| scope(&regions, i.region_id)),
                email: i.email,
                name: i.name,
                role: i.role.as_str(),
                expires: lang.moment(i.expires_at, crate::timezone::DEFAULT),
            }
        })
        .collect();
    state.pages.respond(
        status,
        "admin_invite.html",
        lang,
        context! {
            here => here(req),
            admin => chrome(signed),
            form => view,
            open,
            fairs,
            regions,
            roles => ["admin", "organiser", "viewer"],
            notice => notice(req, NOTICES),
        },
    )
}

/// Withdraws an open invitation (its link stops working); says so, or that nothing changed.
#[handler]
pub async fn withdraw_invitation(
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    AdminForm { signed, .. }: AdminForm,
) -> poem::Result<Response> {
    let withdrawn = accounts::revoke_invitation(state, &signed.who, parse_id(&id)?)
        .await
        .map_err(manage_error)?;
    let what = if withdrawn { "withdrawn" } else { "unchanged" };
    Ok(done("/admin/invitations", what, lang))
}

pub(super) fn forbid_unless_admin(signed: &SignedIn) -> poem::Result<()> {
    if can(&signed.who, Action::Create, Subject::Organisers) {
        Ok(())
    } else {
        Err(poem::Error::from_status(StatusCode::FORBIDDEN))
    }
}

#[handler]
pub async fn invite_page(
    req: &Request,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    let signed = signed_in(state, req, lang).await?;
    forbid_unless_admin(&signed)?;
    invite_form(
        state,
        req,
        lang,
        &signed,
        StatusCode::OK,
        FormView::default(),
    )
    .await
}

#[handler]
pub async fn invite(
    req: &Request,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    AdminForm { signed, fields, .. }: AdminForm,
) -> poem::Result<Response> {
    forbid_unless_admin(&signed)?;
    let get = |k: &str| fields.get(k).map(|v| v.trim()).unwrap_or_default();
    let mut problems = Vec::new();
    let (role, fair_id, region_id) = role_and_scope(&fields, &mut problems);
    let parsed = accounts::NewOrganiser::parse(
        get("email"),
        get("name"),
        role.unwrap_or(entity::enums::OrganiserRole::Viewer),
        fair_id,
        region_id,
    );
    let result = match parsed {
        Ok(new) if problems.is_empty() => accounts::invite(state, &signed.who, new, lang).await,
        Ok(_) => Err(ManageError::Invalid(problems)),
        Err(mut errors) => {
            problems.append(&mut errors);
            Err(ManageError::Invalid(problems))
        }
    };
    let to = |_| "/admin/invitations?done=sent".to_owned();
    answer(result, lang, to, async |errors| {
        let view = FormView::new(fields, &errors, lang);
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        invite_form(state, req, lang, &signed, status, view).await
    })
    .await
}

/// The role and scope fields of the invitation and account forms. Only an organiser has a
/// scope; the forms show both selects to everyone.
pub fn role_and_scope(
    fields: &std::collections::BTreeMap<String, String>,
    problems: &mut Vec<crate::domain::FieldError>,
) -> (
    Option<entity::enums::OrganiserRole>,
    Option<i32>,
    Option<i32>,
) {
    let get = |k: &str| fields.get(k).map(|v| v.trim()).unwrap_or_default();
    let role = accounts::role_of(get("role"));
    if role.is_none() {
        problems.push(crate::domain::FieldError::new("role", "unknown_choice"));
    }
    let fair_id = optional_number(fields, "fair_id", "unknown_choice", problems);
    let region_id = optional_number(fields, "region_id", "unknown_choice", problems);
    match role {
        Some(entity::enums::OrganiserRole::Organiser) => (role, fair_id, region_id),
        _ => (role, None, None),
    }
}

#[handler]
pub async fn accept_page(
    req: &Request,
    Path(token): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    state
        .limits
        .token_request(crate::limits::client_ip(req))
        .map_err(error::TooMany::from)?;
    let invitation = accounts::open_invitation(state, &token, chrono::Utc::now())
        .await
        .map_err(error::db)?
        .ok_or_else(|| poem::Error::from_status(StatusCode::NOT_FOUND))?;
    state.pages.respond(
        StatusCode::OK,
        "admin_accept.html",
        lang,
        context! {
            here => here(req),
            email => invitation.email,
            role => invitation.role.as_str(),
            form => FormView::default(),
            min_length => crate::organiser::password::MIN_LENGTH,
        },
    )
}

#[handler]
pub async fn accept(
    req: &Request,
    Path(token): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    body: bytes::Bytes,
) -> poem::Result<Response> {
    state
        .limits
        .token_request(crate::limits::client_ip(req))
        .map_err(error::TooMany::from)?;
    let fields = form(&body);
    let password = fields.get("password").cloned().unwrap_or_default();
    let again = fields.get("password_again").cloned().unwrap_or_default();
    match accounts::accept(state, &token, &password, &again).await {
        Ok(_) => {
            Ok(Redirect::see_other(with_lang("/admin/login?done=accepted", lang)).into_response())
        }
        Err(ManageError::Invalid(errors)) => {
            let invitation = accounts::open_invitation(state, &token, chrono::Utc::now())
                .await
                .map_err(error::db)?
                .ok_or_else(|| poem::Error::from_status(StatusCode::NOT_FOUND))?;
            // Passwords are never sent back into the page.
            let view = FormView::new(Default::default(), &errors, lang);
            state.pages.respond(
                StatusCode::UNPROCESSABLE_ENTITY,
                "admin_accept.html",
                lang,
                context! {
                    here => here(req),
                    email => invitation.email,
                    role => invitation.role.as_str(),
                    form => view,
                    min_length => crate::organiser::password::MIN_LENGTH,
                },
            )
        }
        Err(other) => Err(manage_error(other)),
    }
}

async fn password_form(
    state: &AppState,
    req: &Request,
    lang: crate::i18n::Lang,
    signed: &SignedIn,
    status: StatusCode,
    view: FormView,
) -> poem::Result<Response> {
    state.pages.respond(
        status,
        "admin_password.html",
        lang,
        context! {
            here => here(req),
            admin => chrome(signed),
            form => view,
            min_length => crate::organiser::password::MIN_LENGTH,
            must_change => signed.who.must_change_password,
            notice => notice(req, NOTICES),
        },
    )
}

#[handler]
pub async fn password_page(
    req: &Request,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    let signed = signed_in(state, req, lang).await?;
    password_form(
        state,
        req,
        lang,
        &signed,
        StatusCode::OK,
        FormView::default(),
    )
    .await
}

/// Changes the signed-in organiser's password; their other sessions end, this one stays.
#[handler]
pub async fn change_password(
    req: &Request,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    AdminForm { signed, fields, .. }: AdminForm,
) -> poem::Result<Response> {
    let get = |k: &str| fields.get(k).map(String::as_str).unwrap_or_default();
    let result = accounts::change_password(
        state,
        &signed.who,
        get("current_password"),
        get("password"),
        get("password_again"),
        Some(&signed.session),
    )
    .await;
    let to = |()| "/admin/password?done=password_changed".to_owned();
    answer(result, lang, to, async |errors| {
        // Passwords are never sent back into the page.
        let view = FormView::new(Default::default(), &errors, lang);
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        password_form(state, req, lang, &signed, status, view).await
    })
    .await
}
