//! Organiser accounts in the JSON API (admins): `GET /api/admin/organisers`, `PATCH
//! /api/admin/organisers/{id}` (role, scope, disabled). The rules are `organiser::accounts`,
//! as on `/admin/organisers`; errors are those of [`super::admin`].

use chrono::{DateTime, Utc};
use poem::{Request, web::Data};
use poem_openapi::{ApiResponse, Object, OpenApi, Tags, param::Path, payload::Json};

use super::{
    admin::OrganiserToken,
    error::{AdminError, ApiError},
    request_lang,
};
use crate::{
    domain::FieldError,
    organiser::accounts::{self, AccountChange, AccountRow},
    startup::AppState,
};

#[derive(Tags)]
pub(super) enum AccountTags {
    /// Organiser accounts, the audit log and data protection (admins; needs an API token).
    Accounts,
}

/// An organiser account (never its password).
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Organiser {
    pub id: i32,
    pub email: String,
    pub name: String,
    /// `admin`, `organiser` or `viewer`.
    pub role: String,
    pub fair_id: Option<i32>,
    pub region_id: Option<i32>,
    pub last_sign_in_at: Option<DateTime<Utc>>,
    /// Set while the account is disabled: it cannot sign in, and its sessions and tokens do
    /// not work.
    pub disabled_at: Option<DateTime<Utc>>,
}

impl From<AccountRow> for Organiser {
    fn from(row: AccountRow) -> Self {
        let a = row.account;
        Organiser {
            id: a.id,
            email: a.email,
            name: a.name,
            role: a.role.as_str().into(),
            fair_id: a.fair_id,
            region_id: a.region_id,
            last_sign_in_at: row.last_sign_in,
            disabled_at: a.disabled_at,
        }
    }
}

/// Changes to an account; an omitted field stays. With `role`, `fair_id` and `region_id` are
/// the new scope (an organiser has exactly one of them, the other roles none). Admins cannot
/// disable or demote themselves.
#[derive(Debug, Object, Default)]
#[oai(deny_unknown_fields)]
pub struct OrganiserChange {
    /// `admin`, `organiser` or `viewer`.
    pub role: Option<String>,
    pub fair_id: Option<i32>,
    pub region_id: Option<i32>,
    /// `true` disables the account at once; `false` enables it again.
    pub disabled: Option<bool>,
}

#[derive(ApiResponse)]
pub enum ListResponse {
    #[oai(status = 200)]
    Ok(Json<Vec<Organiser>>),
}

#[derive(ApiResponse)]
pub enum OrganiserResponse {
    #[oai(status = 200)]
    Ok(Json<Organiser>),
}

pub struct OrganisersApi;

#[OpenApi(prefix_path = "/admin", tag = "AccountTags::Accounts")]
impl OrganisersApi {
    /// Every organiser account, by email, with its last sign-in (admins only).
    #[oai(path = "/organisers", method = "get")]
    async fn list(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
    ) -> Result<ListResponse, AdminError> {
        let rows = accounts::list(&state, &auth.0)
            .await
            .map_err(|e| AdminError::from_manage(e, request_lang(req)))?;
        Ok(ListResponse::Ok(Json(
            rows.into_iter().map(Organiser::from).collect(),
        )))
    }

    /// Change an account's role and scope, or disable or enable it (admins only).
    #[oai(path = "/organisers/:id", method = "patch")]
    async fn update(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
        body: Json<OrganiserChange>,
    ) -> Result<OrganiserResponse, AdminError> {
        let lang = request_lang(req);
        let body = body.0;
        let role = match body.role.as_deref() {
            None => None,
            Some(text) => Some(accounts::role_of(text).ok_or_else(|| {
                AdminError::invalid(&[FieldError::new("role", "unknown_choice")], lang)
            })?),
        };
        let change = AccountChange {
            role,
            fair_id: body.fair_id,
            region_id: body.region_id,
            disabled: body.disabled,
        };
        accounts::change(&state, &auth.0, id.0, change)
            .await
            .map_err(|e| AdminError::from_manage(e, lang))?;
        let row = accounts::list(&state, &auth.0)
            .await
            .map_err(|e| AdminError::from_manage(e, lang))?
            .into_iter()
            .find(|r| r.account.id == id.0)
            .ok_or_else(|| AdminError::from(ApiError::not_found(lang)))?;
        Ok(OrganiserResponse::Ok(Json(row.into())))
    }
}
