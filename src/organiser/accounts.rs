//! Organiser accounts: made on the command line (`veletrh organiser add`), on the embedded
//! default's first start (an admin), or by accepting an emailed invitation.

use chrono::{DateTime, Duration, Utc};
use entity::{enums::OrganiserRole, fair, organiser, organiser_invitation, region};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder,
};
use serde_json::json;

use super::{Action, ManageError, Principal, Subject, audit, can, password};
use crate::{
    db::Db,
    domain::{
        Email, FieldError,
        field_error::optional_text,
        token::{self, NewToken},
    },
    i18n::Lang,
    mail::{MailKind, OutgoingMail},
    startup::AppState,
    timezone,
};

/// How long an invitation link works.
pub const INVITATION_VALID: Duration = Duration::days(7);

/// The address of the admin made on the embedded default's first start.
pub const FIRST_ADMIN: &str = "admin@localhost";

/// Who a new account is for, parsed.
#[derive(Clone, Debug)]
pub struct NewOrganiser {
    pub email: String,
    pub name: String,
    pub role: OrganiserRole,
    pub fair_id: Option<i32>,
    pub region_id: Option<i32>,
}

impl NewOrganiser {
    /// Checks the fields and the scope rule: an organiser has exactly one fair or region, the
    /// other roles none.
    pub fn parse(
        email: &str,
        name: &str,
        role: OrganiserRole,
        fair_id: Option<i32>,
        region_id: Option<i32>,
    ) -> Result<NewOrganiser, Vec<FieldError>> {
        let mut errors = Vec::new();
        let email = match Email::parse(email) {
            Ok(e) => e.as_ref().to_lowercase(),
            Err(e) => {
                errors.push(e);
                String::new()
            }
        };
        let name = match optional_text("name", Some(name), 200) {
            Ok(name) => name.unwrap_or_default(),
            Err(e) => {
                errors.push(e);
                String::new()
            }
        };
        match (role, fair_id, region_id) {
            (OrganiserRole::Organiser, Some(_), None)
            | (OrganiserRole::Organiser, None, Some(_)) => {}
            (OrganiserRole::Organiser, _, _) => {
                errors.push(FieldError::new("fair_id", "scope_one_of"));
            }
            (_, None, None) => {}
            _ => errors.push(FieldError::new("fair_id", "scope_none")),
        }
        if errors.is_empty() {
            Ok(NewOrganiser {
                email,
                name,
                role,
                fair_id,
                region_id,
            })
        } else {
            Err(errors)
        }
    }
}

/// A role as forms and the API name it (`admin`, `organiser`, `viewer`).
pub fn role_of(text: &str) -> Option<OrganiserRole> {
    [
        OrganiserRole::Admin,
        OrganiserRole::Organiser,
        OrganiserRole::Viewer,
    ]
    .into_iter()
    .find(|r| r.as_str() == text.trim())
}

/// Field errors for a fair or region that does not exist, or an address already in use.
async fn check_references(
    conn: &impl ConnectionTrait,
    new: &NewOrganiser,
) -> Result<Vec<FieldError>, DbErr> {
    let mut errors = Vec::new();
    if let Some(id) = new.fair_id
        && fair::Entity::find_by_id(id).one(conn).await?.is_none()
    {
        errors.push(FieldError::new("fair_id", "unknown_choice"));
    }
    if let Some(id) = new.region_id
        && region::Entity::find_by_id(id).one(conn).await?.is_none()
    {
        errors.push(FieldError::new("region_id", "unknown_choice"));
    }
    let taken = organiser::Entity::find()
        .filter(organiser::Column::Email.eq(&new.email))
        .count(conn)
        .await?;
    if taken > 0 {
        errors.push(FieldError::new("email", "organiser_exists"));
    }
    Ok(errors)
}

/// Creates an account with a generated password and returns it with the password, which is
/// shown once and never stored in plain.
pub async fn add(db: &Db, new: NewOrganiser) -> Result<(organiser::Model, String), ManageError> {
    let plain = password::generate();
    let hash = password::hash(plain.clone()).await;
    let txn = db.begin_write().await?;
    let errors = check_references(&*txn, &new).await?;
    if !errors.is_empty() {
        return Err(ManageError::Invalid(errors));
    }
    let account = insert(&*txn, &new, hash, true).await?;
    audit::record(
        &*txn,
        None,
        "organiser.create",
        "organiser",
        Some(account.id),
        None,
        Some(&public(&account)),
    )
    .await?;
    txn.commit().await?;
    Ok((account, plain))
}

/// A new account; `shown` when its password was generated and shown to someone, so its owner
/// must choose their own first.
async fn insert(
    conn: &impl ConnectionTrait,
    new: &NewOrganiser,
    password_hash: String,
    shown: bool,
) -> Result<organiser::Model, DbErr> {
    let now = Utc::now();
    organiser::ActiveModel {
        email: Set(new.email.clone()),
        name: Set(new.name.clone()),
        password_hash: Set(password_hash),
        role: Set(new.role),
        fair_id: Set(new.fair_id),
        region_id: Set(new.region_id),
        failed_logins: Set(0),
        must_change_password: Set(shown),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await
}

/// An account as the audit log keeps it: without the password hash.
fn public(account: &organiser::Model) -> serde_json::Value {
    json!({
        "id": account.id,
        "email": account.email,
        "name": account.name,
        "role": account.role,
        "fair_id": account.fair_id,
        "region_id": account.region_id,
        "disabled": account.disabled_at.is_some(),
    })
}

/// On the embedded default's first start (SQLite, no organiser yet) makes the admin
/// [`FIRST_ADMIN`] and returns its initial password for the start-up banner.
pub async fn bootstrap_admin(db: &Db, sqlite: bool) -> Result<Option<String>, DbErr> {
    if !sqlite || organiser::Entity::find().count(db.conn()).await? > 0 {
        return Ok(None);
    }
    let new = NewOrganiser {
        email: FIRST_ADMIN.into(),
        name: "Admin".into(),
        role: OrganiserRole::Admin,
        fair_id: None,
        region_id: None,
    };
    match add(db, new).await {
        Ok((_, password)) => Ok(Some(password)),
        // Another start made it meanwhile.
        Err(ManageError::Invalid(_)) => Ok(None),
        Err(ManageError::Db(err)) => Err(err),
        Err(other) => Err(DbErr::Custom(other.to_string())),
    }
}

/// Invites `new` by email (admins only). The link opens the page where the invitee chooses a
/// password; `lang` is the language of the email.
pub async fn invite(
    state: &AppState,
    who: &Principal,
    new: NewOrganiser,
    lang: Lang,
) -> Result<organiser_invitation::Model, ManageError> {
    if !can(who, Action::Create, Subject::Organisers) {
        return Err(ManageError::Forbidden);
    }
    let secret = NewToken::generate();
    let now = Utc::now();
    let expires_at = now + INVITATION_VALID;
    let txn = state.db.begin_write().await?;
    let errors = check_references(&*txn, &new).await?;
    if !errors.is_empty() {
        return Err(ManageError::Invalid(errors));
    }
    // What the invitee will organise, named in the email: their fair or region, if one.
    let scope = match (new.fair_id, new.region_id) {
        (Some(id), _) => fair::Entity::find_by_id(id)
            .one(&*txn)
            .await?
            .map(|f| f.name),
        (None, Some(id)) => region::Entity::find_by_id(id)
            .one(&*txn)
            .await?
            .map(|r| r.name),
        (None, None) => None,
    };
    // One live invitation per address: a new one replaces what is still open (another role,
    // a lost email), so no older link can still make a second account or the old role.
    let same_address = organiser_invitation::Column::Email.eq(&new.email);
    end_open(&*txn, same_address, now).await?;
    let invitation = organiser_invitation::ActiveModel {
        email: Set(new.email.clone()),
        name: Set(new.name.clone()),
        role: Set(new.role),
        fair_id: Set(new.fair_id),
        region_id: Set(new.region_id),
        invited_by: Set(Some(who.id)),
        token_hash: Set(secret.hash),
        expires_at: Set(expires_at),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    let mut logged = invitation.clone();
    logged.token_hash = String::new();
    audit::record(
        &*txn,
        Some(who.id),
        "organiser.invite",
        "organiser_invitation",
        Some(invitation.id),
        None,
        Some(&logged),
    )
    .await?;
    let mail = OutgoingMail {
        kind: MailKind::OrganiserInvitation,
        lang,
        to: new.email.clone(),
        data: json!({
            "person_name": new.name,
            "base_url": state.links.base,
            "inviter_name": if who.name.is_empty() { &who.email } else { &who.name },
            "accept_url": accept_url(state, &secret.plain, lang),
            "expires_at": lang.moment(expires_at, timezone::DEFAULT),
            "role": new.role.as_str(),
            "scope": scope,
        }),
        attachments: Vec::new(),
    };
    state.outbox.enqueue(&*txn, mail).await?;
    txn.commit().await?;
    state.mail_wake.notify_one();
    Ok(invitation)
}

/// The invitation's link, opening its page in the email's language.
fn accept_url(state: &AppState, token: &str, lang: Lang) -> String {
    let url = format!("{}/admin/invitations/{token}", state.links.base);
    crate::i18n::with_lang(&url, lang)
}

/// Invitations not accepted and not expired at `now`.
fn still_open(now: DateTime<Utc>) -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(organiser_invitation::Column::AcceptedAt.is_null())
        .add(organiser_invitation::Column::ExpiresAt.gt(now))
}

/// Ends the invitations matching `which` that are still open at `now`; how many it ended.
async fn end_open(
    conn: &impl ConnectionTrait,
    which: sea_orm::sea_query::SimpleExpr,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let ended = organiser_invitation::Entity::update_many()
        .col_expr(
            organiser_invitation::Column::ExpiresAt,
            sea_orm::sea_query::Expr::val(now),
        )
        .filter(which)
        .filter(still_open(now))
        .exec(conn)
        .await?;
    Ok(ended.rows_affected)
}

/// The invitations still open, newest first (admins only, as inviting is).
pub async fn open_invitations(
    state: &AppState,
    who: &Principal,
) -> Result<Vec<organiser_invitation::Model>, ManageError> {
    if !can(who, Action::Create, Subject::Organisers) {
        return Err(ManageError::Forbidden);
    }
    Ok(organiser_invitation::Entity::find()
        .filter(still_open(Utc::now()))
        .order_by_desc(organiser_invitation::Column::Id)
        .all(state.db.conn())
        .await?)
}

/// Withdraws an open invitation: its link opens nothing from now on. `false` when it was no
/// longer open (accepted, expired or withdrawn meanwhile), which changes nothing; `NotFound`
/// for an id never given.
pub async fn revoke_invitation(
    state: &AppState,
    who: &Principal,
    id: i32,
) -> Result<bool, ManageError> {
    if !can(who, Action::Create, Subject::Organisers) {
        return Err(ManageError::Forbidden);
    }
    let now = Utc::now();
    let txn = state.db.begin_write().await?;
    let mut invitation = organiser_invitation::Entity::find_by_id(id)
        .one(&*txn)
        .await?
        .ok_or(ManageError::NotFound)?;
    if end_open(&*txn, organiser_invitation::Column::Id.eq(id), now).await? == 0 {
        return Ok(false);
    }
    audit::record(
        &*txn,
        Some(who.id),
        "organiser.revoke_invitation",
        "organiser_invitation",
        Some(id),
        Some(&{
            invitation.token_hash = String::new();
            invitation
        }),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(true)
}

/// An open invitation behind a link: not accepted, not expired.
pub async fn open_invitation(
    state: &AppState,
    plain: &str,
    now: DateTime<Utc>,
) -> Result<Option<organiser_invitation::Model>, DbErr> {
    if !token::is_well_formed(plain) {
        return Ok(None);
    }
    organiser_invitation::Entity::find()
        .filter(organiser_invitation::Column::TokenHash.eq(token::hash(plain)))
        .filter(still_open(now))
        .one(state.db.conn())
        .await
}

/// Accepts an invitation: the account is made with the chosen password. `NotFound` for a link
/// that is unknown, used or expired.
pub async fn accept(
    state: &AppState,
    plain: &str,
    password_typed: &str,
    password_again: &str,
) -> Result<organiser::Model, ManageError> {
    let now = Utc::now();
    let invitation = open_invitation(state, plain, now)
        .await?
        .ok_or(ManageError::NotFound)?;
    password::check_new(password_typed, password_again)
        .map_err(|e| ManageError::Invalid(vec![e]))?;
    let hash = password::hash(password_typed.to_owned()).await;
    let new = NewOrganiser {
        email: invitation.email.clone(),
        name: invitation.name.clone(),
        role: invitation.role,
        fair_id: invitation.fair_id,
        region_id: invitation.region_id,
    };
    let txn = state.db.begin_write().await?;
    // Used by a concurrent request meanwhile?
    let claimed = organiser_invitation::Entity::update_many()
        .col_expr(
            organiser_invitation::Column::AcceptedAt,
            sea_orm::sea_query::Expr::val(now),
        )
        .filter(organiser_invitation::Column::Id.eq(invitation.id))
        .filter(organiser_invitation::Column::AcceptedAt.is_null())
        .exec(&*txn)
        .await?;
    if claimed.rows_affected == 0 {
        return Err(ManageError::NotFound);
    }
    let errors = check_references(&*txn, &new).await?;
    if !errors.is_empty() {
        return Err(ManageError::Conflict("organiser_exists"));
    }
    let account = insert(&*txn, &new, hash, false).await?;
    audit::record(
        &*txn,
        Some(account.id),
        "organiser.accept_invitation",
        "organiser",
        Some(account.id),
        None,
        Some(&public(&account)),
    )
    .await?;
    txn.commit().await?;
    Ok(account)
}

/// The fair and region choices of the invitation form and the command line.
pub async fn fair_by_slug(db: &Db, slug: &str) -> Result<Option<fair::Model>, DbErr> {
    fair::Entity::find()
        .filter(fair::Column::Slug.eq(slug))
        .one(db.conn())
        .await
}

pub async fn region_by_slug(db: &Db, slug: &str) -> Result<Option<region::Model>, DbErr> {
    region::Entity::find()
        .filter(region::Column::Slug.eq(slug))
        .one(db.conn())
        .await
}

/// An account as the organisers page lists it.
pub struct AccountRow {
    pub account: organiser::Model,
    /// From the audit log's `organiser.sign_in` entries.
    pub last_sign_in: Option<DateTime<Utc>>,
}

/// Every account by address, with its last sign-in (admins only).
pub async fn list(state: &AppState, who: &Principal) -> Result<Vec<AccountRow>, ManageError> {
    use sea_orm::{QueryOrder, QuerySelect};
    if !can(who, Action::View, Subject::Organisers) {
        return Err(ManageError::Forbidden);
    }
    let conn = state.db.conn();
    let accounts = organiser::Entity::find()
        .order_by_asc(organiser::Column::Email)
        .all(conn)
        .await?;
    let last: Vec<(Option<i32>, Option<DateTime<Utc>>)> = entity::audit_event::Entity::find()
        .select_only()
        .column(entity::audit_event::Column::OrganiserId)
        .column_as(entity::audit_event::Column::At.max(), "last")
        .filter(entity::audit_event::Column::Action.eq(super::sessions::SIGN_IN))
        .group_by(entity::audit_event::Column::OrganiserId)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(accounts
        .into_iter()
        .map(|account| AccountRow {
            last_sign_in: last
                .iter()
                .find(|(id, _)| *id == Some(account.id))
                .and_then(|(_, at)| *at),
            account,
        })
        .collect())
}

/// What an admin changes about an account; `None` keeps the value. The scope follows the
/// rule of [`NewOrganiser::parse`]: an organiser has one fair or region, the others none.
#[derive(Clone, Debug, Default)]
pub struct AccountChange {
    pub role: Option<OrganiserRole>,
    /// With `role`: the new scope (both `None` for an admin or viewer).
    pub fair_id: Option<i32>,
    pub region_id: Option<i32>,
    /// `Some(true)` disables the account (its sessions end, its API tokens stop working at
    /// once); `Some(false)` enables it again.
    pub disabled: Option<bool>,
}

/// Changes account `id` (admins only). An admin cannot disable or demote themselves, so an
/// installation never loses its last way in by a slip.
pub async fn change(
    state: &AppState,
    who: &Principal,
    id: i32,
    change: AccountChange,
) -> Result<organiser::Model, ManageError> {
    use sea_orm::sea_query::Expr;
    if !can(who, Action::Edit, Subject::Organisers) {
        return Err(ManageError::Forbidden);
    }
    let txn = state.db.begin_write().await?;
    let before = organiser::Entity::find_by_id(id)
        .one(&*txn)
        .await?
        .ok_or(ManageError::NotFound)?;
    let mut errors = Vec::new();
    if id == who.id && change.disabled == Some(true) {
        errors.push(FieldError::new("disabled", "not_yourself"));
    }
    if id == who.id && change.role.is_some_and(|r| r != before.role) {
        errors.push(FieldError::new("role", "not_yourself"));
    }
    let (role, fair_id, region_id) = match change.role {
        Some(role) => {
            match NewOrganiser::parse(
                &before.email,
                &before.name,
                role,
                change.fair_id,
                change.region_id,
            ) {
                Ok(parsed) => {
                    let mut scope_errors = check_references(&*txn, &parsed).await?;
                    // The address is this account's own.
                    scope_errors.retain(|e| e.field != "email");
                    errors.extend(scope_errors);
                }
                Err(e) => errors.extend(e),
            }
            (role, change.fair_id, change.region_id)
        }
        None => (before.role, before.fair_id, before.region_id),
    };
    if !errors.is_empty() {
        return Err(ManageError::Invalid(errors));
    }
    let now = Utc::now();
    let disabled_at = match change.disabled {
        Some(true) => before.disabled_at.or(Some(now)),
        Some(false) => None,
        None => before.disabled_at,
    };
    organiser::Entity::update_many()
        .col_expr(organiser::Column::Role, Expr::val(role.as_str()))
        .col_expr(organiser::Column::FairId, Expr::val(fair_id))
        .col_expr(organiser::Column::RegionId, Expr::val(region_id))
        .col_expr(organiser::Column::DisabledAt, Expr::val(disabled_at))
        .col_expr(organiser::Column::UpdatedAt, Expr::val(now))
        .filter(organiser::Column::Id.eq(id))
        .exec(&*txn)
        .await?;
    if disabled_at.is_some() {
        super::sessions::end_all(&*txn, id, None).await?;
    }
    let after = organiser::Entity::find_by_id(id)
        .one(&*txn)
        .await?
        .ok_or(ManageError::NotFound)?;
    let action = match (before.disabled_at.is_some(), after.disabled_at.is_some()) {
        (false, true) => "organiser.disable",
        (true, false) => "organiser.enable",
        _ => "organiser.update",
    };
    audit::record(
        &*txn,
        Some(who.id),
        action,
        "organiser",
        Some(id),
        Some(&public(&before)),
        Some(&public(&after)),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// The signed-in organiser changes their password: the current one first, the new one twice.
/// Every other session of theirs ends (`keep_session`, the plain cookie of the one in use,
/// stays signed in).
pub async fn change_password(
    state: &AppState,
    who: &Principal,
    current: &str,
    new: &str,
    again: &str,
    keep_session: Option<&str>,
) -> Result<(), ManageError> {
    if !can(who, Action::Edit, Subject::OwnAccount) {
        return Err(ManageError::Forbidden);
    }
    let account = organiser::Entity::find_by_id(who.id)
        .one(state.db.conn())
        .await?
        .ok_or(ManageError::NotFound)?;
    let now = Utc::now();
    let mut errors = Vec::new();
    // Guessing the current password here counts like wrong sign-ins, and a locked account's is
    // refused like at sign-in.
    let locked = account.locked_until.is_some_and(|until| until > now);
    let stored = (!locked).then(|| account.password_hash.clone());
    if !password::verify(current.to_owned(), stored).await {
        if !locked {
            let txn = state.db.begin_write().await?;
            super::sessions::count_wrong_password(&*txn, account.id, now).await?;
            txn.commit().await?;
        }
        errors.push(FieldError::new("current_password", "wrong_password"));
    }
    if let Err(e) = password::check_new(new, again) {
        errors.push(e);
    } else if new == current {
        errors.push(FieldError::new("password", "same_password"));
    }
    if !errors.is_empty() {
        return Err(ManageError::Invalid(errors));
    }
    let hash = password::hash(new.to_owned()).await;
    let txn = state.db.begin_write().await?;
    organiser::ActiveModel {
        id: Set(account.id),
        password_hash: Set(hash),
        must_change_password: Set(false),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(&*txn)
    .await?;
    super::sessions::end_all(&*txn, account.id, keep_session).await?;
    audit::record(
        &*txn,
        Some(who.id),
        "organiser.password_change",
        "organiser",
        Some(account.id),
        None,
        Some(&public(&account)),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
