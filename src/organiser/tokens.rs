//! API tokens: an organiser makes named tokens for scripts and revokes them. A token acts with
//! its organiser's role and scope (so a viewer's token can only read). The plain token is shown
//! once; the table holds its SHA-256.

use chrono::{DateTime, Duration, Utc};
use entity::{api_token, organiser};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    sea_query::Expr,
};

use super::{Action, ManageError, Principal, Subject, audit, can};
use crate::{
    domain::{
        FieldError,
        field_error::optional_text,
        token::{self, NewToken},
    },
    startup::AppState,
};

/// Tokens start with this, so a leaked one is recognisable (secret scanners, logs).
pub const PREFIX: &str = "vt_";

/// The caller's tokens, newest first, revoked ones included.
pub async fn list(state: &AppState, who: &Principal) -> Result<Vec<api_token::Model>, DbErr> {
    api_token::Entity::find()
        .filter(api_token::Column::OrganiserId.eq(who.id))
        .order_by_desc(api_token::Column::Id)
        .all(state.db.conn())
        .await
}

/// A new token named `name`; returns the row and the plain token (to show once).
pub async fn create(
    state: &AppState,
    who: &Principal,
    name: &str,
) -> Result<(api_token::Model, String), ManageError> {
    if !can(who, Action::Create, Subject::OwnTokens) {
        return Err(ManageError::Forbidden);
    }
    let name = optional_text("name", Some(name), 100)
        .map_err(|e| ManageError::Invalid(vec![e]))?
        .ok_or_else(|| ManageError::Invalid(vec![FieldError::new("name", "required")]))?;
    let secret = NewToken::generate();
    let plain = format!("{PREFIX}{}", secret.plain);
    let txn = state.db.begin_write().await?;
    let row = api_token::ActiveModel {
        organiser_id: Set(who.id),
        name: Set(name),
        token_hash: Set(token::hash(&plain)),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    let mut logged = row.clone();
    logged.token_hash = String::new();
    audit::record(
        &*txn,
        Some(who.id),
        "api_token.create",
        "api_token",
        Some(row.id),
        None,
        Some(&logged),
    )
    .await?;
    txn.commit().await?;
    Ok((row, plain))
}

/// Revokes one of the caller's tokens (an admin may revoke anyone's). Revoking twice is fine.
pub async fn revoke(state: &AppState, who: &Principal, id: i32) -> Result<(), ManageError> {
    let txn = state.db.begin_write().await?;
    let row = api_token::Entity::find_by_id(id)
        .one(&*txn)
        .await?
        .ok_or(ManageError::NotFound)?;
    let allowed = row.organiser_id == who.id || can(who, Action::Edit, Subject::Organisers);
    if !allowed {
        return Err(ManageError::NotFound);
    }
    if row.revoked_at.is_some() {
        return Ok(());
    }
    let now = Utc::now();
    api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Expr::val(now))
        .filter(api_token::Column::Id.eq(id))
        .exec(&*txn)
        .await?;
    audit::record::<api_token::Model>(
        &*txn,
        Some(who.id),
        "api_token.revoke",
        "api_token",
        Some(id),
        None,
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The organiser a bearer token acts for, or `None` (unknown, revoked, account disabled).
pub async fn authenticate(
    state: &AppState,
    plain: &str,
    now: DateTime<Utc>,
) -> Result<Option<Principal>, DbErr> {
    let Some(secret) = plain.strip_prefix(PREFIX) else {
        return Ok(None);
    };
    if !token::is_well_formed(secret) {
        return Ok(None);
    }
    let found = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(token::hash(plain)))
        .filter(api_token::Column::RevokedAt.is_null())
        .find_also_related(organiser::Entity)
        .one(state.db.conn())
        .await?;
    let Some((row, Some(account))) = found else {
        return Ok(None);
    };
    if account.disabled_at.is_some() {
        return Ok(None);
    }
    // "Last used" to the minute is enough, and spares a write per request.
    if row
        .last_used_at
        .is_none_or(|at| now - at > Duration::minutes(1))
    {
        let txn = state.db.begin_write().await?;
        api_token::Entity::update_many()
            .col_expr(api_token::Column::LastUsedAt, Expr::val(now))
            .filter(api_token::Column::Id.eq(row.id))
            .exec(&*txn)
            .await?;
        txn.commit().await?;
    }
    Ok(Some(Principal::from(&account)))
}
