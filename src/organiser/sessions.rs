//! Signing in: password check with lockout, browser sessions, CSRF tokens.
//!
//! - **Same answer** for an unknown address, a wrong password, a locked or disabled account:
//!   [`LoginOutcome::Refused`], after the same argon2 work (a dummy hash for unknown addresses).
//! - **Lockout**: from the [`FREE_ATTEMPTS`]th wrong password in a row the account is locked for
//!   a minute, doubling with each further failure up to [`MAX_LOCK`]; a right password while
//!   locked is refused too. A successful sign-in resets the count.
//! - **Sessions**: the cookie carries 256 random bits; the table holds only their SHA-256. A
//!   session ends after [`IDLE`] without use (each use moves the expiry forward, at most once a
//!   minute to spare writes) or at sign-out.
//! - **CSRF**: every state-changing admin form carries [`csrf_token`], derived from the session
//!   secret (a synchronizer token tied to the session that needs no storage). A page from
//!   another site cannot read it, so it cannot post the form.

use chrono::{DateTime, Duration, Utc};
use entity::{organiser, organiser_session};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait},
};
use sha2::{Digest, Sha256};

use super::{Principal, password};
use crate::{
    domain::token::{self, NewToken},
    startup::AppState,
};

/// The audit action of a successful sign-in (the organisers page shows the last one).
pub const SIGN_IN: &str = "organiser.sign_in";

/// How long a session lives without being used.
pub const IDLE: Duration = Duration::hours(12);
/// Wrong passwords in a row before the account locks.
pub const FREE_ATTEMPTS: i32 = 5;
/// The longest lock.
pub const MAX_LOCK: Duration = Duration::hours(1);

pub enum LoginOutcome {
    /// `session` goes into the cookie, once.
    SignedIn {
        session: String,
        who: Principal,
    },
    Refused,
}

/// The lock after `failures` wrong passwords in a row, if any.
pub fn lock_after(failures: i32) -> Option<Duration> {
    if failures < FREE_ATTEMPTS {
        return None;
    }
    let doublings = Ord::min(failures - FREE_ATTEMPTS, 10) as u32;
    Some((Duration::minutes(1) * 2i32.pow(doublings)).min(MAX_LOCK))
}

pub async fn login(
    state: &AppState,
    email: &str,
    password_typed: &str,
    now: DateTime<Utc>,
) -> Result<LoginOutcome, DbErr> {
    let email = email.trim().to_lowercase();
    let account = organiser::Entity::find()
        .filter(organiser::Column::Email.eq(&email))
        .one(state.db.conn())
        .await?;
    let usable = account
        .as_ref()
        .filter(|a| a.disabled_at.is_none() && a.locked_until.is_none_or(|until| until <= now))
        .map(|a| a.password_hash.clone());
    let is_usable = usable.is_some();
    let right = password::verify(password_typed.to_owned(), usable).await;
    let Some(account) = account else {
        return Ok(LoginOutcome::Refused);
    };
    if !is_usable {
        return Ok(LoginOutcome::Refused);
    }
    let txn = state.db.begin_write().await?;
    if !right {
        count_wrong_password(&*txn, account.id, now).await?;
        txn.commit().await?;
        return Ok(LoginOutcome::Refused);
    }
    organiser::Entity::update_many()
        .col_expr(organiser::Column::FailedLogins, Expr::val(0))
        .col_expr(
            organiser::Column::LockedUntil,
            Expr::val(Option::<DateTime<Utc>>::None),
        )
        .filter(organiser::Column::Id.eq(account.id))
        .exec(&*txn)
        .await?;
    let session = NewToken::generate();
    organiser_session::ActiveModel {
        organiser_id: Set(account.id),
        token_hash: Set(session.hash),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(now + IDLE),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    super::audit::record::<()>(
        &*txn,
        Some(account.id),
        SIGN_IN,
        "organiser",
        Some(account.id),
        None,
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(LoginOutcome::SignedIn {
        session: session.plain,
        who: Principal::from(&account),
    })
}

/// The organiser behind a session cookie, or `None` (unknown, expired, account disabled).
pub async fn authenticate(
    state: &AppState,
    cookie: &str,
    now: DateTime<Utc>,
) -> Result<Option<Principal>, DbErr> {
    if !token::is_well_formed(cookie) {
        return Ok(None);
    }
    let found = organiser_session::Entity::find()
        .filter(organiser_session::Column::TokenHash.eq(token::hash(cookie)))
        .filter(organiser_session::Column::ExpiresAt.gt(now))
        .find_also_related(organiser::Entity)
        .one(state.db.conn())
        .await?;
    let Some((session, Some(account))) = found else {
        return Ok(None);
    };
    if account.disabled_at.is_some() {
        return Ok(None);
    }
    if now - session.last_seen_at > Duration::minutes(1) {
        let txn = state.db.begin_write().await?;
        organiser_session::Entity::update_many()
            .col_expr(organiser_session::Column::LastSeenAt, Expr::val(now))
            .col_expr(organiser_session::Column::ExpiresAt, Expr::val(now + IDLE))
            .filter(organiser_session::Column::Id.eq(session.id))
            .exec(&*txn)
            .await?;
        txn.commit().await?;
    }
    Ok(Some(Principal::from(&account)))
}

/// Ends the session of `cookie` (nothing happens for an unknown one).
pub async fn logout(state: &AppState, cookie: &str) -> Result<(), DbErr> {
    if !token::is_well_formed(cookie) {
        return Ok(());
    }
    let txn = state.db.begin_write().await?;
    organiser_session::Entity::delete_many()
        .filter(organiser_session::Column::TokenHash.eq(token::hash(cookie)))
        .exec(&*txn)
        .await?;
    txn.commit().await
}

/// Counts a wrong password for account `id` (at sign-in, or when changing the password) and
/// locks the account per [`lock_after`].
pub async fn count_wrong_password(
    txn: &impl ConnectionTrait,
    id: i32,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    // Count in the statement, so concurrent guesses all count.
    organiser::Entity::update_many()
        .col_expr(
            organiser::Column::FailedLogins,
            Expr::col(organiser::Column::FailedLogins).add(1),
        )
        .filter(organiser::Column::Id.eq(id))
        .exec(txn)
        .await?;
    let failures = organiser::Entity::find_by_id(id)
        .one(txn)
        .await?
        .map_or(0, |a| a.failed_logins);
    if let Some(lock) = lock_after(failures) {
        organiser::Entity::update_many()
            .col_expr(organiser::Column::LockedUntil, Expr::val(now + lock))
            .filter(organiser::Column::Id.eq(id))
            .exec(txn)
            .await?;
        tracing::warn!(organiser = id, failures, "organiser account locked");
    }
    Ok(())
}

/// Ends every session of organiser `id` but the one of cookie `keep` (when given): after a
/// password change or when the account is disabled.
pub async fn end_all(txn: &impl ConnectionTrait, id: i32, keep: Option<&str>) -> Result<(), DbErr> {
    let mut delete = organiser_session::Entity::delete_many()
        .filter(organiser_session::Column::OrganiserId.eq(id));
    if let Some(keep) = keep {
        delete = delete.filter(organiser_session::Column::TokenHash.ne(token::hash(keep)));
    }
    delete.exec(txn).await?;
    Ok(())
}

/// The CSRF token of a session: a one-way function of its secret, so knowing the form token
/// does not give the cookie.
pub fn csrf_token(session: &str) -> String {
    let digest = Sha256::digest(format!("veletrh/csrf/{session}").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether a posted form token belongs to the session (compared in constant time).
pub fn csrf_matches(session: &str, posted: &str) -> bool {
    let expected = csrf_token(session);
    expected.len() == posted.len()
        && expected
            .bytes()
            .zip(posted.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_start_after_the_free_attempts_and_double_up_to_the_ceiling() {
        assert_eq!(lock_after(FREE_ATTEMPTS - 1), None);
        assert_eq!(lock_after(FREE_ATTEMPTS), Some(Duration::minutes(1)));
        assert_eq!(lock_after(FREE_ATTEMPTS + 1), Some(Duration::minutes(2)));
        assert_eq!(lock_after(FREE_ATTEMPTS + 50), Some(MAX_LOCK));
    }

    #[test]
    fn a_csrf_token_belongs_to_one_session() {
        let (a, b) = (NewToken::generate().plain, NewToken::generate().plain);
        assert!(csrf_matches(&a, &csrf_token(&a)));
        assert!(!csrf_matches(&a, &csrf_token(&b)));
        assert!(!csrf_matches(&a, ""));
        assert!(!csrf_token(&a).contains(&a));
    }
}
