//! Writing accepted sign-ups, several in one transaction with one statement per kind of row.
//!
//! Every decision is made in Rust from rows read inside the transaction, before anything of a
//! refused sign-up is written, in the order the sign-ups arrived: the outcome of each is the one
//! it would have had written alone, one after the other. A sign-up checked against an activity
//! or fair that has changed since is not written but sent back ([`Written::Stale`]).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use entity::{enums::RegistrationStatus, person, registration};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, FromQueryResult, QueryFilter,
    QuerySelect, QueryTrait, Statement,
    sea_query::{Asterisk, Expr, Query, UnionType},
};
use serde_json::json;

use super::{
    Accepted, SignUpError, check_school_limits, insert_people, live_registrations, people_with,
    with_new_people,
};
use crate::{
    db::WriteTxn,
    domain::{FieldError, token::NewToken},
    mail::MailKind,
    registration::{CONSENT_VERSION, NewRegistration, mail_data, seats},
    startup::AppState,
};

/// What a sign-up gets on one of its activities.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    /// A held seat, pending until the link in the email is opened.
    Hold,
    /// A place on the waiting list.
    Wait,
    /// Already held and still pending (registration id, its deadline): the email carries a
    /// fresh link; the deadline stays.
    Renew(i32, Option<DateTime<Utc>>),
    /// Already there (confirmed, waiting, …, the status): nothing changes.
    Keep(RegistrationStatus),
}

/// The writer's answer to one sign-up.
pub(super) enum Written {
    /// Written ("check your email") or refused: the answer for the person.
    Done(Result<(), SignUpError>),
    /// Nothing written: an activity or its fair has changed since the sign-up was checked.
    Stale,
}

/// What one sign-up of a batch gets.
enum Verdict {
    /// A place on each of its activities, in their order.
    Places(Vec<Place>),
    Refused(Vec<FieldError>),
    Stale,
}

impl Verdict {
    /// The places to write: none unless the sign-up goes through.
    fn places(&self) -> &[Place] {
        match self {
            Verdict::Places(places) => places,
            Verdict::Refused(_) | Verdict::Stale => &[],
        }
    }
}

/// Seats the writer last found free, by activity: whether a batch is worth writing without
/// reading first ([`write_unread`]). Set from every locked read, lowered by every batch written;
/// an activity not in it (never read yet, or found changed) is read first.
#[derive(Default)]
pub(super) struct FreeSeats(std::sync::Mutex<HashMap<i32, i32>>);

impl FreeSeats {
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<i32, i32>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Writes `batch` in one transaction and answers each. An `Err` means nothing of the batch was
/// written.
///
/// Usually a batch is new people, each getting a seat on every activity asked: then it is
/// written without reading first ([`write_unread`]), in one hand-over on SQLite (BEGIN, the
/// writes, COMMIT: see `db::sqlite_writer`) and one round trip on PostgreSQL (the writes as one
/// statement, a transaction by itself: see `WriteTxn::commit_with`). Otherwise, or if that
/// finds an address known or an activity changed, it is read and decided: two hand-overs on
/// SQLite ([`lock_and_find`] after BEGIN, the writes before COMMIT), four round trips on
/// PostgreSQL (begin, `lock_and_find`, the writes, commit).
pub(super) async fn batch(
    state: &AppState,
    batch: &[&Accepted],
    free: &FreeSeats,
) -> Result<Vec<Written>, DbErr> {
    let now = Utc::now();
    if let Some(expected) = expected_seats(batch, free) {
        if write_unread(state, batch, &expected, now).await? {
            let mut free = free.map();
            for (id, e) in &expected {
                free.entry(*id).and_modify(|n| *n -= e.seats);
            }
            return Ok(batch.iter().map(|_| Written::Done(Ok(()))).collect());
        }
        let mut free = free.map();
        for id in expected.keys() {
            free.remove(id);
        }
    }
    let txn = state.db.begin_write().await?;
    let backend = txn.get_database_backend();
    let news: Vec<_> = batch.iter().map(|a| &a.new).collect();
    let asked: BTreeSet<i32> = news
        .iter()
        .flat_map(|new| new.activity_ids.iter().copied())
        .collect();
    let (locked, known) = lock_and_find(&txn, &asked, &news).await?;
    let known = people_with(&*txn, known).await?;
    let people = with_new_people(state, &txn, &news, known, now).await?;
    let verdicts = decide(&txn, batch, &people, &asked, &locked).await?;
    let waiting = waiting_counts(&txn, batch, &verdicts).await?;
    // Everything written after the reads, run together at the end, the new people first (the
    // registrations refer to them). None of these statements changes a row another one does
    // (see `WriteTxn::commit_with`).
    let mut writes: Vec<Statement> = insert_people(backend, created(&people, &verdicts))
        .into_iter()
        .collect();
    let held = held(batch, &verdicts);
    writes.extend(seats::take(backend, &held));
    writes.extend(compose(
        state, backend, batch, &people, &verdicts, waiting, now,
    )?);
    txn.commit_with(writes).await?;
    free.map().extend(
        locked
            .iter()
            .map(|(id, row)| (*id, row.free - held.get(id).copied().unwrap_or(0))),
    );
    Ok(verdicts
        .into_iter()
        .map(|verdict| match verdict {
            Verdict::Places(_) => Written::Done(Ok(())),
            Verdict::Refused(errors) => Written::Done(Err(SignUpError::Invalid(errors))),
            Verdict::Stale => Written::Stale,
        })
        .collect())
}

/// What `batch` takes of each activity, if it is the usual batch: no school limit, every sign-up
/// of an activity checked against the same revisions, and room for all of them as the writer last
/// found it ([`FreeSeats`]). `None` otherwise.
fn expected_seats(batch: &[&Accepted], free: &FreeSeats) -> Option<BTreeMap<i32, seats::Expected>> {
    let mut expected = BTreeMap::new();
    for b in batch.iter().flat_map(|accepted| &accepted.activities) {
        if b.activity.model.per_school_limit.is_some() {
            return None;
        }
        let e = expected
            .entry(b.activity.model.id)
            .or_insert(seats::Expected {
                seats: 0,
                revisions: b.revisions(),
            });
        if e.revisions != b.revisions() {
            return None;
        }
        e.seats += 1;
    }
    let free = free.map();
    let room = |(id, e): (&i32, &seats::Expected)| free.get(id).is_some_and(|n| *n >= e.seats);
    expected.iter().all(room).then_some(expected)
}

/// Writes `batch` as if every address were new and every activity as `expected`, without
/// reading first: the seats, taken only if each activity is still as checked and has them
/// ([`seats::take_if_unchanged`]), the people, the registrations and the emails. If the database
/// refuses (an address is someone's already: the unique index on `person.email`; or an
/// activity has changed or filled since), nothing is written and the answer is `false`: the
/// caller reads and decides. When it is written, each sign-up gets what [`decide`] would have
/// given it: a held seat on each of its activities.
async fn write_unread(
    state: &AppState,
    batch: &[&Accepted],
    expected: &BTreeMap<i32, seats::Expected>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let txn = state.db.begin_write().await?;
    let backend = txn.get_database_backend();
    let news: Vec<_> = batch.iter().map(|a| &a.new).collect();
    let people = with_new_people(state, &txn, &news, Vec::new(), now).await?;
    let verdicts: Vec<Verdict> = batch
        .iter()
        .map(|a| Verdict::Places(vec![Place::Hold; a.activities.len()]))
        .collect();
    // The guard first: on SQLite the statements run in turn, and a refusal stops the rest.
    let mut writes: Vec<Statement> = seats::take_if_unchanged(backend, expected)
        .into_iter()
        .collect();
    writes.extend(insert_people(backend, people.iter().map(|(p, _)| p)));
    writes.extend(compose(
        state,
        backend,
        batch,
        &people,
        &verdicts,
        HashMap::new(),
        now,
    )?);
    Ok(txn.commit_with(writes).await.is_ok())
}

/// Columns of [`lock_and_find`]'s rows: an activity's (`email` empty) or a known address's.
#[derive(FromQueryResult)]
struct Found {
    id: Option<i32>,
    capacity: Option<i32>,
    taken: Option<i32>,
    revision: Option<i32>,
    fair_revision: Option<i32>,
    email: Option<String>,
}

/// The activities `asked`, locked ([`seats::lock`]), and which of the batch's addresses are
/// someone's already: one query of both, as the writer waits for each round trip.
async fn lock_and_find(
    txn: &WriteTxn,
    asked: &BTreeSet<i32>,
    news: &[&NewRegistration],
) -> Result<(HashMap<i32, seats::Locked>, Vec<String>), DbErr> {
    let none = || Expr::value(Option::<i32>::None);
    let mut query = Query::select()
        .column(Asterisk)
        .expr_as(Expr::value(Option::<String>::None), "email")
        .from_subquery(seats::lock(asked), "locked")
        .to_owned();
    let emails = news.iter().map(|new| new.email.as_ref().to_owned());
    query.union(
        UnionType::All,
        Query::select()
            .exprs([none(), none(), none(), none(), none()])
            .column(person::Column::Email)
            .from(person::Entity)
            .and_where(person::Column::Email.is_in(emails))
            .to_owned(),
    );
    let statement = txn.get_database_backend().build(&query);
    let (mut locked, mut known) = (HashMap::new(), Vec::new());
    for row in Found::find_by_statement(statement).all(&**txn).await? {
        match row {
            Found {
                email: Some(email), ..
            } => known.push(email),
            Found {
                id: Some(id),
                capacity: Some(capacity),
                taken: Some(taken),
                revision: Some(revision),
                fair_revision,
                email: None,
            } => {
                let row = seats::Locked::new(capacity, taken, revision, fair_revision);
                locked.insert(id, row);
            }
            Found { .. } => return Err(DbErr::Custom("an incomplete activity row".into())),
        }
    }
    Ok((locked, known))
}

/// What each sign-up of `batch` gets, from the activities as locked in `txn` (their
/// revisions and free seats), the people's live registrations and the school limits.
async fn decide(
    txn: &WriteTxn,
    batch: &[&Accepted],
    people: &[(person::Model, bool)],
    asked: &BTreeSet<i32>,
    locked: &HashMap<i32, seats::Locked>,
) -> Result<Vec<Verdict>, DbErr> {
    let checked_against_current = |accepted: &Accepted| {
        accepted.activities.iter().all(|b| {
            let row = locked.get(&b.activity.model.id);
            row.is_some_and(|row| row.revisions == b.revisions())
        })
    };
    let known: Vec<i32> = people
        .iter()
        .filter(|(_, known)| *known)
        .map(|(p, _)| p.id)
        .collect();
    let existing = if known.is_empty() {
        Vec::new()
    } else {
        let asked: Vec<i32> = asked.iter().copied().collect();
        live_registrations(&**txn, &known, &asked).await?
    };
    let mut free: HashMap<i32, i32> = locked.iter().map(|(id, row)| (*id, row.free)).collect();
    let mut verdicts = Vec::with_capacity(batch.len());
    for (accepted, (person, _)) in batch.iter().zip(people) {
        if !checked_against_current(accepted) {
            verdicts.push(Verdict::Stale);
            continue;
        }
        let mine: Vec<&registration::Model> = existing
            .iter()
            .filter(|r| r.person_id == person.id)
            .collect();
        let refused = check_school_limits(&**txn, person, &mine, &accepted.activities).await?;
        verdicts.push(if !refused.is_empty() {
            Verdict::Refused(refused)
        } else {
            match plan(accepted, &mine, &mut free) {
                Ok(places) => Verdict::Places(places),
                Err(full) => Verdict::Refused(full),
            }
        });
    }
    Ok(verdicts)
}

/// The new people of the sign-ups written: one not written (refused, or stale) leaves nothing
/// behind, its person's id unused.
fn created<'a>(
    people: &'a [(person::Model, bool)],
    verdicts: &'a [Verdict],
) -> impl Iterator<Item = &'a person::Model> {
    people
        .iter()
        .zip(verdicts)
        .filter(|((_, known), verdict)| !known && matches!(verdict, Verdict::Places(_)))
        .map(|((person, _), _)| person)
}

/// How many seats the batch holds on each activity.
fn held(batch: &[&Accepted], verdicts: &[Verdict]) -> BTreeMap<i32, i32> {
    let mut held = BTreeMap::new();
    for (accepted, verdict) in batch.iter().zip(verdicts) {
        for (b, place) in accepted.activities.iter().zip(verdict.places()) {
            if *place == Place::Hold {
                *held.entry(b.activity.model.id).or_insert(0) += 1;
            }
        }
    }
    held
}

/// The registrations and emails of the batch's places (`waiting`: the waiting lists' lengths
/// before it), as statements.
fn compose(
    state: &AppState,
    backend: DbBackend,
    batch: &[&Accepted],
    people: &[(person::Model, bool)],
    verdicts: &[Verdict],
    mut waiting: HashMap<i32, i64>,
    now: DateTime<Utc>,
) -> Result<Vec<Statement>, DbErr> {
    let links = &state.links;
    let (mut writes, mut rows, mut mails) = (Vec::new(), Vec::new(), Vec::new());
    for ((accepted, (person, _)), verdict) in batch.iter().zip(people).zip(verdicts) {
        let lang = accepted.new.lang;
        let confirm = NewToken::generate();
        let (mut to_confirm, mut kept, mut waits) = (Vec::new(), Vec::new(), false);
        // The email names the first deadline of its seats.
        let mut deadline: Option<DateTime<Utc>> = None;
        let mut until = |at: Option<DateTime<Utc>>| deadline = deadline.into_iter().chain(at).min();
        // Told in the zone of the (first) fair the seats are at.
        let mut zone = None;
        for (b, place) in accepted.activities.iter().zip(verdict.places()) {
            let (activity, a) = (&b.activity, &b.activity.model);
            match *place {
                Place::Keep(status) => {
                    let mut data = mail_data::activity(activity, lang, links);
                    data["status"] = status.as_str().into();
                    kept.push(data);
                }
                Place::Renew(id, held_until) => {
                    let renew = registration::Entity::update_many()
                        .col_expr(
                            registration::Column::ConfirmTokenHash,
                            Expr::value(confirm.hash.clone()),
                        )
                        .col_expr(registration::Column::UpdatedAt, Expr::value(now))
                        .filter(registration::Column::Id.eq(id));
                    writes.push(renew.build(backend));
                    until(held_until);
                    to_confirm.push(mail_data::activity(activity, lang, links));
                    zone.get_or_insert(activity.zone);
                }
                Place::Hold => {
                    let held_until = seats::hold_deadline(state, now, a.starts_at);
                    rows.push(new_row(person.id, a.id, Some(held_until), &confirm, now));
                    until(Some(held_until));
                    to_confirm.push(mail_data::activity(activity, lang, links));
                    zone.get_or_insert(activity.zone);
                }
                Place::Wait => {
                    waits = true;
                    rows.push(new_row(person.id, a.id, None, &confirm, now));
                    let position = waiting.entry(a.id).or_insert(0);
                    *position += 1;
                    let data = json!({
                        "activity": mail_data::activity(activity, lang, links),
                        "position": *position,
                    });
                    let mail =
                        mail_data::to_person(MailKind::Waitlisted, person, lang, links, data);
                    mails.push(mail);
                }
            }
        }
        if !to_confirm.is_empty() {
            let data = json!({
                "activities": to_confirm,
                "confirm_url": links.confirm_url(&confirm.plain, lang),
                "expires_at": deadline
                    .map(|at| lang.moment(at, zone.unwrap_or(crate::timezone::DEFAULT))),
            });
            let mail = mail_data::to_person(MailKind::ConfirmRequest, person, lang, links, data);
            mails.push(mail);
        } else if !waits && !kept.is_empty() {
            // Nothing new: the answer was still "check your email", so an email says so.
            let data = json!({ "activities": kept });
            let mail = mail_data::to_person(MailKind::AlreadySignedUp, person, lang, links, data);
            mails.push(mail);
        }
    }
    if !rows.is_empty() {
        writes.push(registration::Entity::insert_many(rows).build(backend));
    }
    writes.extend(state.outbox.insert_all(backend, mails)?);
    Ok(writes)
}

/// The place on each of `accepted`'s activities (in their order), taking seats from `free`;
/// or, if an activity without a waiting list has no seat left, the refusal, taking nothing.
fn plan(
    accepted: &Accepted,
    mine: &[&registration::Model],
    free: &mut HashMap<i32, i32>,
) -> Result<Vec<Place>, Vec<FieldError>> {
    let mut left = free.clone();
    let mut full = Vec::new();
    let places = accepted
        .activities
        .iter()
        .map(|b| {
            let a = &b.activity.model;
            if let Some(existing) = mine.iter().find(|r| r.activity_id == a.id) {
                return match existing.status {
                    RegistrationStatus::Pending => {
                        Place::Renew(existing.id, existing.hold_expires_at)
                    }
                    status => Place::Keep(status),
                };
            }
            match left.get_mut(&a.id) {
                Some(seats) if *seats > 0 => {
                    *seats -= 1;
                    Place::Hold
                }
                _ => {
                    if !a.waitlist_enabled {
                        full.push(FieldError::new("activities", "full").with_detail(&a.title));
                    }
                    Place::Wait
                }
            }
        })
        .collect();
    if !full.is_empty() {
        return Err(full);
    }
    *free = left;
    Ok(places)
}

/// How many are on the waiting list now of each activity someone in the batch is about to join.
async fn waiting_counts(
    txn: &WriteTxn,
    batch: &[&Accepted],
    verdicts: &[Verdict],
) -> Result<HashMap<i32, i64>, DbErr> {
    let joined: BTreeSet<i32> = batch
        .iter()
        .zip(verdicts)
        .flat_map(|(accepted, verdict)| {
            accepted
                .activities
                .iter()
                .zip(verdict.places())
                .filter(|(_, place)| **place == Place::Wait)
                .map(|(b, _)| b.activity.model.id)
        })
        .collect();
    if joined.is_empty() {
        return Ok(HashMap::new());
    }
    let counts: Vec<(i32, i64)> = registration::Entity::find()
        .select_only()
        .column(registration::Column::ActivityId)
        .column_as(registration::Column::Id.count(), "waiting")
        .filter(registration::Column::ActivityId.is_in(joined))
        .filter(registration::Column::Status.eq(RegistrationStatus::Waitlisted))
        .group_by(registration::Column::ActivityId)
        .into_tuple()
        .all(&**txn)
        .await?;
    Ok(counts.into_iter().collect())
}

/// A new registration: a seat held until `held_until`, or a place on the waiting list (`None`).
fn new_row(
    person_id: i32,
    activity_id: i32,
    held_until: Option<DateTime<Utc>>,
    confirm: &NewToken,
    now: DateTime<Utc>,
) -> registration::ActiveModel {
    let seat = held_until.is_some();
    use sea_orm::ActiveValue::Set;
    registration::ActiveModel {
        person_id: Set(person_id),
        activity_id: Set(activity_id),
        status: Set(if seat {
            RegistrationStatus::Pending
        } else {
            RegistrationStatus::Waitlisted
        }),
        confirm_token_hash: Set(seat.then(|| confirm.hash.clone())),
        hold_expires_at: Set(held_until),
        consent_version: Set(CONSENT_VERSION.to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}
