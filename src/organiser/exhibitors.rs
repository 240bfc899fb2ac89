//! A fair's exhibitors: the organisers' list, create, edit, approve, reject and delete, and the
//! public application. One implementation for the admin pages, the public form and the JSON
//! API; who may do what is `roles::can` with `Subject::Exhibitors(fair_id)`.
//!
//! - An application (public form or API) is stored as `applied`, with the stand the applicant
//!   wished for in `wished_stand`, and acknowledged by email (`exhibitor_received`) to its
//!   contact in the applicant's language. Only a scheduled fair that has not begun takes them.
//! - Approving emails `exhibitor_approved` (with the stand, when one is assigned), rejecting
//!   emails `exhibitor_rejected` (with the optional reason). They go in the language the
//!   contact applied in (`contact_language`), else Czech. Repeating either
//!   changes nothing and sends nothing.
//! - An exhibitor an organiser adds is approved at once and emailed nothing.
//! - The public directory shows approved exhibitors only.
//! - A fair's exhibitor names are unique, ignoring case: a second one is a field error.
//!
//! Each change is one transaction that also writes its email and an `audit_event`.

use chrono::Utc;
use entity::{enums::ExhibitorStatus, exhibitor, fair};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};
use serde_json::{Value, json};

use super::{
    Action, ManageError, Principal, Subject, audit, can,
    fairs::{has, is_unique_violation, takes_applications},
    set_short_texts, text, web_address,
};
use crate::{
    domain::{
        Email, FieldError,
        text::{comparable, sort_key},
    },
    i18n::Lang,
    mail::{MailKind, OutgoingMail},
    startup::AppState,
};

/// What an organiser sends to create or edit an exhibitor. A missing field keeps its value, an
/// empty text clears an optional one; on create `name` is required.
#[derive(Clone, Debug, Default)]
pub struct ExhibitorInput {
    pub name: Option<String>,
    pub description: Option<String>,
    pub website: Option<String>,
    pub stand: Option<String>,
    pub wished_stand: Option<String>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
}

/// A public application to exhibit. Errors name the form's fields (`organisation`, …).
#[derive(Clone, Debug, Default)]
pub struct Application {
    pub organisation: String,
    pub contact_name: String,
    pub contact_email: String,
    pub description: String,
    pub website: String,
    pub wished_stand: String,
    /// The acknowledgement's language, and later the decision's.
    pub lang: Lang,
}

/// `input` applied to `base`, checked; `name_field` is what the form calls the name.
fn merge(
    base: &exhibitor::Model,
    input: &ExhibitorInput,
    creating: bool,
    name_field: &'static str,
) -> Result<exhibitor::Model, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut next = base.clone();
    match &input.name {
        Some(value) => match text(name_field, value, 200, false) {
            Ok(Some(name)) => next.name = name,
            Ok(None) => errors.push(FieldError::new(name_field, "required")),
            Err(e) => errors.push(e),
        },
        None if creating => errors.push(FieldError::new(name_field, "required")),
        None => {}
    }
    if let Some(value) = &input.description {
        match text("description", value, 5_000, true) {
            Ok(t) => next.description = t.unwrap_or_default(),
            Err(e) => errors.push(e),
        }
    }
    if let Some(value) = &input.website {
        match web_address("website", value, 300) {
            Ok(w) => next.website = w,
            Err(e) => errors.push(e),
        }
    }
    let short = [
        ("stand", &input.stand, &mut next.stand),
        ("wished_stand", &input.wished_stand, &mut next.wished_stand),
        ("contact_name", &input.contact_name, &mut next.contact_name),
    ];
    set_short_texts(short, &mut errors);
    if let Some(value) = &input.contact_email {
        if value.trim().is_empty() {
            next.contact_email = None;
        } else {
            match Email::parse(value) {
                Ok(email) => next.contact_email = Some(email.as_ref().to_owned()),
                Err(e) => errors.push(FieldError {
                    field: "contact_email",
                    ..e
                }),
            }
        }
    }
    if errors.is_empty() {
        Ok(next)
    } else {
        Err(errors)
    }
}

/// What another exhibitor of the fair (not `except`) already has, names and stands compared
/// with [`comparable`]: this name, on `name_field`; this stand, unless that exhibitor was rejected, on `stand`, naming who has it.
async fn clashes(
    conn: &impl ConnectionTrait,
    fair_id: i32,
    except: Option<i32>,
    (name_field, name): (&'static str, &str),
    stand: Option<&str>,
) -> Result<Vec<FieldError>, DbErr> {
    let (name, stand) = (comparable(name), stand.map(comparable));
    let others = exhibitor::Entity::find()
        .filter(exhibitor::Column::FairId.eq(fair_id))
        .all(conn)
        .await?
        .into_iter()
        .filter(|e| Some(e.id) != except);
    let mut errors = Vec::new();
    for other in others {
        if comparable(&other.name) == name {
            errors.push(FieldError::new(name_field, "exhibitor_exists"));
        }
        if other.status != ExhibitorStatus::Rejected
            && stand.is_some()
            && other.stand.as_deref().map(comparable) == stand
        {
            errors.push(FieldError::new("stand", "stand_taken").with_detail(other.name));
        }
    }
    Ok(errors)
}

fn exists(name_field: &'static str) -> ManageError {
    ManageError::Invalid(vec![FieldError::new(name_field, "exhibitor_exists")])
}

/// The fair's exhibitors, by name; with `status`, only those.
pub async fn list(
    state: &AppState,
    who: &Principal,
    fair_id: i32,
    status: Option<ExhibitorStatus>,
) -> Result<Vec<exhibitor::Model>, ManageError> {
    if !can(who, Action::View, Subject::Exhibitors(fair_id)) {
        return Err(ManageError::Forbidden);
    }
    let conn = state.db.conn();
    if fair::Entity::find_by_id(fair_id).one(conn).await?.is_none() {
        return Err(ManageError::NotFound);
    }
    let mut query = exhibitor::Entity::find().filter(exhibitor::Column::FairId.eq(fair_id));
    if let Some(status) = status {
        query = query.filter(exhibitor::Column::Status.eq(status));
    }
    let mut list = query.order_by_asc(exhibitor::Column::Id).all(conn).await?;
    // In the order the public directory shows them (case and diacritics folded).
    list.sort_by_cached_key(|e| sort_key(&e.name));
    Ok(list)
}

/// One exhibitor, if `who` may see its fair's exhibitors.
pub async fn get(
    state: &AppState,
    who: &Principal,
    id: i32,
) -> Result<exhibitor::Model, ManageError> {
    let found = exhibitor::Entity::find_by_id(id)
        .one(state.db.conn())
        .await?
        .ok_or(ManageError::NotFound)?;
    if !can(who, Action::View, Subject::Exhibitors(found.fair_id)) {
        return Err(ManageError::Forbidden);
    }
    Ok(found)
}

fn blank(fair_id: i32, status: ExhibitorStatus) -> exhibitor::Model {
    let now = Utc::now();
    exhibitor::Model {
        id: 0,
        fair_id,
        name: String::new(),
        description: String::new(),
        website: None,
        stand: None,
        wished_stand: None,
        contact_name: None,
        contact_email: None,
        contact_language: None,
        status,
        created_at: now,
        updated_at: now,
    }
}

/// Inserts `draft` unless its name is taken (checked, and kept by the unique index).
async fn insert(
    conn: &impl ConnectionTrait,
    draft: exhibitor::Model,
    name_field: &'static str,
) -> Result<exhibitor::Model, ManageError> {
    let errors = clashes(
        conn,
        draft.fair_id,
        None,
        (name_field, &draft.name),
        draft.stand.as_deref(),
    )
    .await?;
    if !errors.is_empty() {
        return Err(ManageError::Invalid(errors));
    }
    let mut row: exhibitor::ActiveModel = draft.into();
    row.id = NotSet;
    match row.insert(conn).await {
        Ok(created) => Ok(created),
        Err(err) if is_unique_violation(&err) => Err(exists(name_field)),
        Err(err) => Err(err.into()),
    }
}

/// Adds an exhibitor to a fair, approved.
pub async fn create(
    state: &AppState,
    who: &Principal,
    fair_id: i32,
    input: ExhibitorInput,
) -> Result<exhibitor::Model, ManageError> {
    if !can(who, Action::Create, Subject::Exhibitors(fair_id)) {
        return Err(ManageError::Forbidden);
    }
    let draft = merge(
        &blank(fair_id, ExhibitorStatus::Approved),
        &input,
        true,
        "name",
    )
    .map_err(ManageError::Invalid)?;
    let txn = state.db.begin_write().await?;
    if fair::Entity::find_by_id(fair_id)
        .one(&*txn)
        .await?
        .is_none()
    {
        return Err(ManageError::NotFound);
    }
    let created = insert(&*txn, draft, "name").await?;
    audit::record(
        &*txn,
        Some(who.id),
        "exhibitor.create",
        "exhibitor",
        Some(created.id),
        None,
        Some(&created),
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// The row for `id` in `txn`, if `who` may do `action` to its fair's exhibitors.
async fn find_for(
    txn: &impl ConnectionTrait,
    who: &Principal,
    action: Action,
    id: i32,
) -> Result<exhibitor::Model, ManageError> {
    let found = exhibitor::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or(ManageError::NotFound)?;
    if !can(who, action, Subject::Exhibitors(found.fair_id)) {
        return Err(ManageError::Forbidden);
    }
    Ok(found)
}

/// Edits an exhibitor's details (not its status: see [`approve`], [`reject`]). An edit that
/// changes nothing writes nothing.
pub async fn update(
    state: &AppState,
    who: &Principal,
    id: i32,
    input: ExhibitorInput,
) -> Result<exhibitor::Model, ManageError> {
    let txn = state.db.begin_write().await?;
    let before = find_for(&*txn, who, Action::Edit, id).await?;
    let mut draft = merge(&before, &input, false, "name").map_err(ManageError::Invalid)?;
    if draft == before {
        return Ok(before);
    }
    let name = ("name", draft.name.as_str());
    // A stand is checked when it changes, so two who shared one before can still be edited.
    let stand = draft
        .stand
        .as_deref()
        .filter(|_| draft.stand != before.stand);
    let errors = clashes(&*txn, before.fair_id, Some(id), name, stand).await?;
    if !errors.is_empty() {
        return Err(ManageError::Invalid(errors));
    }
    draft.updated_at = Utc::now();
    let after = match exhibitor::ActiveModel::from(draft)
        .reset_all()
        .update(&*txn)
        .await
    {
        Ok(after) => after,
        Err(err) if is_unique_violation(&err) => return Err(exists("name")),
        Err(err) => return Err(err.into()),
    };
    audit::record(
        &*txn,
        Some(who.id),
        "exhibitor.update",
        "exhibitor",
        Some(id),
        Some(&before),
        Some(&after),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Deletes an exhibitor (a mistaken entry, or an application nobody should see again).
pub async fn delete(state: &AppState, who: &Principal, id: i32) -> Result<(), ManageError> {
    let txn = state.db.begin_write().await?;
    let before = find_for(&*txn, who, Action::Cancel, id).await?;
    exhibitor::Entity::delete_by_id(id).exec(&*txn).await?;
    audit::record(
        &*txn,
        Some(who.id),
        "exhibitor.delete",
        "exhibitor",
        Some(id),
        Some(&before),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Approves an application (or a rejected one, on second thought), assigning `stand` when
/// given, and emails the contact.
pub async fn approve(
    state: &AppState,
    who: &Principal,
    id: i32,
    stand: Option<&str>,
) -> Result<exhibitor::Model, ManageError> {
    let stand = text("stand", stand.unwrap_or_default(), 200, false)
        .map_err(|e| ManageError::Invalid(vec![e]))?;
    decide(state, who, id, ExhibitorStatus::Approved, stand, None).await
}

/// Rejects an application (or withdraws an approval) and emails the contact the reason.
pub async fn reject(
    state: &AppState,
    who: &Principal,
    id: i32,
    reason: Option<&str>,
) -> Result<exhibitor::Model, ManageError> {
    let reason = text("reason", reason.unwrap_or_default(), 1000, true)
        .map_err(|e| ManageError::Invalid(vec![e]))?;
    decide(state, who, id, ExhibitorStatus::Rejected, None, reason).await
}

async fn decide(
    state: &AppState,
    who: &Principal,
    id: i32,
    status: ExhibitorStatus,
    stand: Option<String>,
    reason: Option<String>,
) -> Result<exhibitor::Model, ManageError> {
    let txn = state.db.begin_write().await?;
    let before = find_for(&*txn, who, Action::Edit, id).await?;
    // Deciding again changes nothing, unless it gives an approved exhibitor another stand.
    let new_stand = status == ExhibitorStatus::Approved && stand.is_some() && stand != before.stand;
    if before.status == status && !new_stand {
        return Ok(before);
    }
    // The stand the approved exhibitor will have: the one given now, else the one kept from
    // before (which may have gone to someone else while this one was rejected).
    let kept = stand.as_deref().or(before.stand.as_deref());
    if let Some(stand) = kept.filter(|_| status == ExhibitorStatus::Approved) {
        let name = ("name", before.name.as_str());
        let taken: Vec<FieldError> = clashes(&*txn, before.fair_id, Some(id), name, Some(stand))
            .await?
            .into_iter()
            .filter(|e| e.field == "stand")
            .collect();
        if !taken.is_empty() {
            return Err(ManageError::Invalid(taken));
        }
    }
    let mut row: exhibitor::ActiveModel = before.clone().into();
    row.status = Set(status);
    if stand.is_some() {
        row.stand = Set(stand);
    }
    row.updated_at = Set(Utc::now());
    let after = row.update(&*txn).await?;
    if after.contact_email.is_some() {
        let fair = fair::Entity::find_by_id(after.fair_id)
            .one(&*txn)
            .await?
            .ok_or(ManageError::NotFound)?;
        let lang = after
            .contact_language
            .as_deref()
            .and_then(Lang::parse)
            .unwrap_or_default();
        let (kind, extra) = match status {
            ExhibitorStatus::Approved => (
                MailKind::ExhibitorApproved,
                json!({ "stand": after.stand.clone().unwrap_or_default() }),
            ),
            _ => (
                MailKind::ExhibitorRejected,
                json!({ "reason": reason.clone().unwrap_or_default() }),
            ),
        };
        let mail = mail_to_contact(state, kind, &after, &fair, lang, extra);
        state.outbox.enqueue(&*txn, mail).await?;
    }
    let action = match status {
        ExhibitorStatus::Approved => "exhibitor.approve",
        _ => "exhibitor.reject",
    };
    let mut logged = serde_json::to_value(&after).map_err(|e| DbErr::Json(e.to_string()))?;
    if let Some(object) = logged.as_object_mut() {
        object.insert("reason".into(), reason.into());
    }
    let before_json = serde_json::to_value(&before).map_err(|e| DbErr::Json(e.to_string()))?;
    audit::record(
        &*txn,
        Some(who.id),
        action,
        "exhibitor",
        Some(id),
        Some(&before_json),
        Some(&logged),
    )
    .await?;
    txn.commit().await?;
    state.mail_wake.notify_one();
    Ok(after)
}

fn mail_to_contact(
    state: &AppState,
    kind: MailKind,
    e: &exhibitor::Model,
    fair: &fair::Model,
    lang: Lang,
    extra: Value,
) -> OutgoingMail {
    let mut data = json!({
        "person_name": e.contact_name.clone().unwrap_or_default(),
        "base_url": state.links.base,
        "exhibitor_name": e.name,
        "fair_name": fair.name,
    });
    if let (Some(data), Value::Object(extra)) = (data.as_object_mut(), extra) {
        data.extend(extra);
    }
    OutgoingMail {
        kind,
        lang,
        to: e.contact_email.clone().unwrap_or_default(),
        data,
        attachments: Vec::new(),
    }
}

/// The fields of an application, checked: what the edges answer before anything counts
/// against the rate limits (as the sign-up form does), and what [`apply`] checks again.
pub fn check_application(
    application: &Application,
    fair_id: i32,
) -> Result<exhibitor::Model, Vec<FieldError>> {
    let input = ExhibitorInput {
        name: Some(application.organisation.clone()),
        description: Some(application.description.clone()),
        website: Some(application.website.clone()),
        stand: None,
        wished_stand: Some(application.wished_stand.clone()),
        contact_name: Some(application.contact_name.clone()),
        contact_email: Some(application.contact_email.clone()),
    };
    let blank = blank(fair_id, ExhibitorStatus::Applied);
    let (draft, mut errors) = match merge(&blank, &input, true, "organisation") {
        Ok(draft) => (Some(draft), Vec::new()),
        Err(errors) => (None, errors),
    };
    // What organisers need to decide, and whom to answer.
    for (field, value) in [
        ("contact_name", &application.contact_name),
        ("contact_email", &application.contact_email),
        ("description", &application.description),
    ] {
        if value.trim().is_empty() && !has(&errors, field) {
            errors.push(FieldError::new(field, "required"));
        }
    }
    match draft {
        Some(draft) if errors.is_empty() => Ok(draft),
        _ => Err(in_form_order(errors)),
    }
}

/// Stores a public application to exhibit at `fair` and acknowledges it to the contact.
/// `Conflict("closed")`: the fair takes no applications (cancelled or begun).
pub async fn apply(
    state: &AppState,
    fair_id: i32,
    application: Application,
) -> Result<exhibitor::Model, ManageError> {
    let draft = check_application(&application, fair_id).map_err(ManageError::Invalid)?;
    let txn = state.db.begin_write().await?;
    let fair = fair::Entity::find_by_id(fair_id)
        .one(&*txn)
        .await?
        .ok_or(ManageError::NotFound)?;
    if !takes_applications(&fair, Utc::now()) {
        return Err(ManageError::Conflict("closed"));
    }
    let draft = exhibitor::Model {
        contact_language: Some(application.lang.code().to_owned()),
        ..draft
    };
    let created = insert(&*txn, draft, "organisation").await?;
    let mail = mail_to_contact(
        state,
        MailKind::ExhibitorReceived,
        &created,
        &fair,
        application.lang,
        json!({}),
    );
    state.outbox.enqueue(&*txn, mail).await?;
    audit::record(
        &*txn,
        None,
        "exhibitor.apply",
        "exhibitor",
        Some(created.id),
        None,
        Some(&created),
    )
    .await?;
    txn.commit().await?;
    state.mail_wake.notify_one();
    Ok(created)
}

/// The application form's fields, top to bottom, so its error summary reads in order.
pub const APPLICATION_FIELDS: &[&str] = &[
    "organisation",
    "contact_name",
    "contact_email",
    "description",
    "website",
    "wished_stand",
];

fn in_form_order(mut errors: Vec<FieldError>) -> Vec<FieldError> {
    errors.sort_by_key(|e| {
        APPLICATION_FIELDS
            .iter()
            .position(|f| *f == e.field)
            .unwrap_or(APPLICATION_FIELDS.len())
    });
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_application_names_its_fields_as_the_form_does() {
        let input = ExhibitorInput {
            name: Some(" ".into()),
            contact_email: Some("nope".into()),
            ..ExhibitorInput::default()
        };
        let errors = merge(
            &blank(1, ExhibitorStatus::Applied),
            &input,
            true,
            "organisation",
        )
        .unwrap_err();
        let found: Vec<_> = errors.iter().map(|e| (e.field, e.code)).collect();
        assert_eq!(
            found,
            [
                ("organisation", "required"),
                ("contact_email", "invalid_email")
            ]
        );
    }
}
