//! Attendee lists for organisers: read a workshop's, meeting's or fair's list (filter, search,
//! pages), export it, add a person, cancel a registration, move one to another activity, and
//! count people per region, district and school for the partnerships. One implementation for
//! the admin pages and the JSON API.
//!
//! Who may do what ([`can`]): reading and exporting is `View`/`Export` of the activity (viewers
//! everything, organisers their fair's workshops or their region's meetings; a fair's list as
//! its workshops); adding and moving is `Edit`, cancelling `Cancel` — of the activity left and
//! of the one joined. The seat, overlap and per-school rules are `registration::placement`'s;
//! each change is one transaction with its emails and an `audit_event`.

use std::collections::{BTreeMap, BTreeSet};

use entity::{
    activity, district,
    enums::{ActivityKind, RegistrationStatus},
    fair, person, region, registration,
};
use sea_orm::{
    ColumnTrait, DbErr, EntityTrait, FromQueryResult, JoinType, QueryFilter, QueryOrder,
    QuerySelect, RelationTrait,
};
use serde::Serialize;

use super::{Action, ManageError, Principal, Scope, Subject, audit, can};
use crate::{
    domain::FieldError,
    export::{self, AttendeeQuery, AttendeeRow, ExportRequest},
    i18n::Lang,
    registration::{
        NewRegistration, SignUpForm,
        placement::{self, PlacementError},
    },
    startup::AppState,
};

/// What a list is of, for headings and file names.
#[derive(Clone, Debug, Serialize)]
pub struct ListSubject {
    pub title: String,
    /// ASCII, for the download's file name: the fair's slug, or the activity's title as a slug
    /// with its id (`jak-rozvijet-wellbeing-zaku-3`): no word of either language around it.
    pub slug: String,
    /// The activity of a one-activity list.
    pub activity: Option<activity::Model>,
    pub fair_id: Option<i32>,
}

/// The feedback on activity `id` (`registration::feedback::summary`), for whoever may see its
/// attendee list.
pub async fn feedback(
    state: &AppState,
    who: &Principal,
    id: i32,
) -> Result<crate::registration::feedback::Summary, ManageError> {
    subject(state, who, export::Scope::Activity(id), Action::View).await?;
    Ok(crate::registration::feedback::summary(state.db.conn(), id).await?)
}

/// The subject of `scope` if `who` may do `action` to it.
pub async fn subject(
    state: &AppState,
    who: &Principal,
    scope: export::Scope,
    action: Action,
) -> Result<ListSubject, ManageError> {
    let conn = state.db.conn();
    match scope {
        export::Scope::Activity(id) => {
            let found = activity::Entity::find_by_id(id)
                .one(conn)
                .await?
                .ok_or(ManageError::NotFound)?;
            if !can(who, action, Subject::Activity(Scope::from(&found))) {
                return Err(ManageError::Forbidden);
            }
            Ok(ListSubject {
                title: found.title.clone(),
                slug: slug_with_id(&found.title, id),
                fair_id: found.fair_id,
                activity: Some(found),
            })
        }
        export::Scope::Fair(id) => {
            let found = fair::Entity::find_by_id(id)
                .one(conn)
                .await?
                .ok_or(ManageError::NotFound)?;
            if !can(who, action, Subject::Activity(fair_workshops(id))) {
                return Err(ManageError::Forbidden);
            }
            Ok(ListSubject {
                title: found.name,
                slug: found.slug,
                activity: None,
                fair_id: Some(id),
            })
        }
    }
}

/// `title` as a file name's ASCII part, with `id` to tell apart two of one title:
/// `jak-rozvijet-wellbeing-zaku-3`.
pub fn slug_with_id(title: &str, id: i32) -> String {
    // ASCII, so any cut is on a character; a long title need not be whole.
    let mut title = crate::domain::slug::slugify(title);
    title.truncate(60);
    format!("{}-{id}", title.trim_end_matches('-'))
}

/// A fair's list (and its results, `organiser::report`) is its workshops' lists: whoever may
/// read those may read it.
pub fn fair_workshops(fair_id: i32) -> Scope {
    Scope {
        kind: ActivityKind::Workshop,
        fair_id: Some(fair_id),
        region_id: None,
    }
}

/// One page of a list (after the registration id `after`), with the whole list's length.
pub async fn page(
    state: &AppState,
    who: &Principal,
    query: &AttendeeQuery,
    after: Option<i32>,
    limit: u64,
) -> Result<(ListSubject, Vec<AttendeeRow>, u64), ManageError> {
    let subject = subject(state, who, query.scope, Action::View).await?;
    let conn = state.db.conn();
    let rows = export::attendees::page(conn, query, after, limit).await?;
    let total = export::attendees::count(conn, query).await?;
    Ok((subject, rows, total))
}

/// Adds a person to an activity, confirmed (see `registration::placement::add`). `form` holds
/// the person's details; its activities are ignored.
pub async fn add(
    state: &AppState,
    who: &Principal,
    activity_id: i32,
    mut form: SignUpForm,
) -> Result<registration::Model, ManageError> {
    let txn = state.db.begin_write().await?;
    let found = activity::Entity::find_by_id(activity_id)
        .one(&*txn)
        .await?
        .ok_or(ManageError::NotFound)?;
    if !can(who, Action::Edit, Subject::Activity(Scope::from(&found))) {
        return Err(ManageError::Forbidden);
    }
    form.activity_ids = vec![activity_id];
    form.consent = true; // the organiser registers them; their details came with consent
    let new = NewRegistration::try_from(form).map_err(ManageError::Invalid)?;
    let target = placement::open_activity(&txn, activity_id, "activity_id")
        .await
        .map_err(refusal)?;
    let row = placement::add(state, &txn, &new, &target)
        .await
        .map_err(refusal)?;
    audit::record(
        &*txn,
        Some(who.id),
        "attendee.add",
        "registration",
        Some(row.id),
        None,
        Some(&row),
    )
    .await?;
    txn.commit().await?;
    state.mail_wake.notify_one();
    Ok(row)
}

/// Cancels a registration (its seat goes to the waiting list) and emails the person with the
/// optional `reason`. A registration that is no longer live is left as it is.
pub async fn cancel(
    state: &AppState,
    who: &Principal,
    registration_id: i32,
    reason: Option<&str>,
) -> Result<registration::Model, ManageError> {
    let reason = super::cancel_reason(reason)?;
    let txn = state.db.begin_write().await?;
    let (before, _) = registration_in_reach(&txn, who, registration_id, Action::Cancel).await?;
    if !placement::remove(state, &txn, &before, reason.as_deref()).await? {
        return Ok(before);
    }
    let after = registration::Entity::find_by_id(registration_id)
        .one(&*txn)
        .await?
        .ok_or(ManageError::NotFound)?;
    audit::record(
        &*txn,
        Some(who.id),
        "attendee.cancel",
        "registration",
        Some(registration_id),
        Some(&before),
        Some(&after),
    )
    .await?;
    txn.commit().await?;
    state.mail_wake.notify_one();
    Ok(after)
}

/// Moves a registration to another activity (see `registration::placement::move_to`); returns
/// the new registration. Refusals are field errors on `activity_id`.
pub async fn move_to(
    state: &AppState,
    who: &Principal,
    registration_id: i32,
    target_id: i32,
) -> Result<registration::Model, ManageError> {
    let txn = state.db.begin_write().await?;
    let (before, _) = registration_in_reach(&txn, who, registration_id, Action::Edit).await?;
    let target = placement::open_activity(&txn, target_id, "activity_id")
        .await
        .map_err(refusal)?;
    if !can(
        who,
        Action::Edit,
        Subject::Activity(Scope::from(&target.model)),
    ) {
        return Err(ManageError::Forbidden);
    }
    let moved = placement::move_to(state, &txn, &before, &target)
        .await
        .map_err(refusal)?;
    let after = registration::Entity::find_by_id(registration_id)
        .one(&*txn)
        .await?
        .ok_or(ManageError::NotFound)?;
    audit::record(
        &*txn,
        Some(who.id),
        "attendee.move",
        "registration",
        Some(registration_id),
        Some(&serde_json::json!(before)),
        Some(&serde_json::json!({ "left": after, "joined": moved })),
    )
    .await?;
    txn.commit().await?;
    state.mail_wake.notify_one();
    Ok(moved)
}

/// A registration and its activity, if `who` may do `action` to that activity.
async fn registration_in_reach(
    txn: &crate::db::WriteTxn,
    who: &Principal,
    id: i32,
    action: Action,
) -> Result<(registration::Model, activity::Model), ManageError> {
    let (row, found) = registration::Entity::find_by_id(id)
        .find_also_related(activity::Entity)
        .one(&**txn)
        .await?
        .ok_or(ManageError::NotFound)?;
    let found = found.ok_or(ManageError::NotFound)?;
    if !can(who, action, Subject::Activity(Scope::from(&found))) {
        return Err(ManageError::Forbidden);
    }
    Ok((row, found))
}

fn refusal(err: PlacementError) -> ManageError {
    match err {
        PlacementError::Refused(errors) => ManageError::Invalid(errors),
        PlacementError::Db(err) => ManageError::Db(err),
    }
}

/// People and registrations in one group of [`Counts`]. `people` counts each person once
/// however many activities they signed up for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CountRow {
    pub region: Option<String>,
    pub district: Option<String>,
    /// The school as first written (the per-school rule's key groups other spellings in).
    pub school: Option<String>,
    pub people: u64,
    pub registrations: u64,
}

/// Live registrations (pending, confirmed, waiting, offered, attended) counted per region,
/// per district and per school of the people (their district as given at sign-up), for the
/// activities `who` may export. Sorted by name; "none given" last.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub regions: Vec<CountRow>,
    pub districts: Vec<CountRow>,
    pub schools: Vec<CountRow>,
    pub people: u64,
    pub registrations: u64,
}

#[derive(FromQueryResult)]
struct LiveRow {
    person_id: i32,
    organisation: Option<String>,
    district: Option<String>,
    region: Option<String>,
    kind: ActivityKind,
    fair_id: Option<i32>,
    activity_region_id: Option<i32>,
}

/// [`Counts`] over every activity `who` may export, or one fair's workshops.
pub async fn counts(
    state: &AppState,
    who: &Principal,
    fair_id: Option<i32>,
) -> Result<Counts, DbErr> {
    let mut select = registration::Entity::find()
        .select_only()
        .column_as(registration::Column::PersonId, "person_id")
        .column_as(person::Column::Organisation, "organisation")
        .column_as(district::Column::Name, "district")
        .column_as(region::Column::Name, "region")
        .column_as(activity::Column::Kind, "kind")
        .column_as(activity::Column::FairId, "fair_id")
        .column_as(activity::Column::RegionId, "activity_region_id")
        .join(JoinType::InnerJoin, registration::Relation::Person.def())
        .join(JoinType::InnerJoin, registration::Relation::Activity.def())
        .join(JoinType::LeftJoin, person::Relation::District.def())
        .join(JoinType::LeftJoin, district::Relation::Region.def())
        .filter(person::Column::AnonymisedAt.is_null())
        .filter(registration::Column::Status.is_in(crate::registration::live()))
        .order_by_asc(registration::Column::Id);
    if let Some(fair_id) = fair_id {
        select = select.filter(activity::Column::FairId.eq(fair_id));
    }
    let rows = select.into_model::<LiveRow>().all(state.db.conn()).await?;
    let rows = rows.into_iter().filter(|r| {
        let scope = Scope {
            kind: r.kind,
            fair_id: r.fair_id,
            region_id: r.activity_region_id,
        };
        can(who, Action::Export, Subject::Activity(scope))
    });
    Ok(tally(rows.map(|r| {
        (
            r.person_id,
            r.region,
            r.district,
            r.organisation.filter(|o| !o.trim().is_empty()),
        )
    })))
}

type Key = (Option<String>, Option<String>, Option<String>);

/// Groups (person, region, district, school) rows into [`Counts`].
fn tally(
    rows: impl Iterator<Item = (i32, Option<String>, Option<String>, Option<String>)>,
) -> Counts {
    #[derive(Default)]
    struct Group {
        shown: Key,
        people: BTreeSet<i32>,
        registrations: u64,
    }
    let mut levels: [BTreeMap<Key, Group>; 3] = Default::default();
    let mut everyone = BTreeSet::new();
    let mut total = 0;
    for (person, region, district, school) in rows {
        let school_key = crate::registration::school_key(school.as_deref());
        let keys = [
            (region.clone(), None, None),
            (region.clone(), district.clone(), None),
            (region.clone(), district.clone(), school_key),
        ];
        let shown = [
            (region.clone(), None, None),
            (region.clone(), district.clone(), None),
            (region, district, school),
        ];
        for ((level, key), shown) in levels.iter_mut().zip(keys).zip(shown) {
            let group = level.entry(key).or_insert_with(|| Group {
                shown,
                ..Group::default()
            });
            group.people.insert(person);
            group.registrations += 1;
        }
        everyone.insert(person);
        total += 1;
    }
    // `None` sorts first in a BTreeMap; "none given" reads better last.
    let rows_of = |level: BTreeMap<Key, Group>| {
        let mut rows: Vec<(Key, CountRow)> = level
            .into_iter()
            .map(|(key, g)| {
                let (region, district, school) = g.shown;
                let row = CountRow {
                    region,
                    district,
                    school,
                    people: g.people.len() as u64,
                    registrations: g.registrations,
                };
                (key, row)
            })
            .collect();
        rows.sort_by(|(a, _), (b, _)| {
            let last = |k: &Key| {
                (
                    k.0.is_none(),
                    k.0.clone(),
                    k.1.is_none(),
                    k.1.clone(),
                    k.2.is_none(),
                    k.2.clone(),
                )
            };
            last(a).cmp(&last(b))
        });
        rows.into_iter().map(|(_, row)| row).collect::<Vec<_>>()
    };
    let [regions, districts, schools] = levels;
    Counts {
        regions: rows_of(regions),
        districts: rows_of(districts),
        schools: rows_of(schools),
        people: everyone.len() as u64,
        registrations: total,
    }
}

/// The statuses an organiser can filter a list by, in the order the pages offer them.
pub const FILTER_STATUSES: [RegistrationStatus; 8] = [
    RegistrationStatus::Confirmed,
    RegistrationStatus::Pending,
    RegistrationStatus::Offered,
    RegistrationStatus::Waitlisted,
    RegistrationStatus::Attended,
    RegistrationStatus::NoShow,
    RegistrationStatus::Cancelled,
    RegistrationStatus::Expired,
];

/// The longest search used; the rest of a longer one is ignored.
const MAX_SEARCH_CHARS: usize = 200;

/// A download as the page and the API ask for it: the list's filter ([`query`]) and the format
/// and columns ([`export::choose`]), every bad choice an error on its own field.
pub fn export_request(
    scope: export::Scope,
    (status, q): (&str, &str),
    (format, columns): (Option<&str>, Option<&str>),
    lang: Lang,
) -> Result<ExportRequest, Vec<FieldError>> {
    match (query(scope, status, q), export::choose(format, columns)) {
        (Ok(query), Ok((format, columns))) => Ok(ExportRequest {
            query,
            columns,
            format,
            lang,
        }),
        (query, chosen) => Err(query
            .err()
            .into_iter()
            .chain(chosen.err().into_iter().flatten())
            .collect()),
    }
}

/// A list's filter as the pages and the API take it: `status` comma-separated codes of
/// [`FILTER_STATUSES`] or `live` (blank: every status), `q` a part of the name, email or
/// organisation (blank: no search). An unknown status is an error on `status`.
pub fn query(scope: export::Scope, status: &str, q: &str) -> Result<AttendeeQuery, FieldError> {
    let mut statuses = Vec::new();
    for code in status.split(',').map(str::trim).filter(|c| !c.is_empty()) {
        if code == "live" {
            statuses.extend(crate::registration::live());
            continue;
        }
        let status = FILTER_STATUSES
            .into_iter()
            .find(|s| s.as_str() == code)
            .ok_or_else(|| FieldError::new("status", "unknown_choice").with_detail(code))?;
        statuses.push(status);
    }
    statuses.sort_by_key(|s| s.as_str());
    statuses.dedup();
    let q = q.trim();
    Ok(AttendeeQuery {
        scope,
        statuses,
        search: (!q.is_empty()).then(|| q.chars().take(MAX_SEARCH_CHARS).collect()),
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_filter_reads_codes_live_or_all_and_a_trimmed_search() {
        let scope = export::Scope::Activity(3);
        let q = query(scope, "live", "  Nov ").unwrap();
        assert_eq!(q.statuses.len(), 5);
        assert_eq!(q.search.as_deref(), Some("Nov"));
        let q = query(scope, " cancelled, expired,cancelled ", "").unwrap();
        assert_eq!(
            q.statuses,
            [RegistrationStatus::Cancelled, RegistrationStatus::Expired]
        );
        assert_eq!(query(scope, "", " ").unwrap(), AttendeeQuery::all_in(scope));
        let error = query(scope, "confirmed,bogus", "").unwrap_err();
        assert_eq!((error.field, error.code), ("status", "unknown_choice"));
    }

    proptest! {
        /// Whatever the text: no panic; a known code is listed once; blanks filter nothing; the
        /// search is trimmed, never blank, and bounded.
        #[test]
        fn any_filter_text_reads_safely(
            codes in proptest::collection::vec(
                prop_oneof![
                    proptest::sample::select(FILTER_STATUSES.map(|s| s.as_str().to_owned()).to_vec()),
                    Just("live".to_owned()),
                    "[ ,a-z]{0,12}",
                ],
                0..6,
            ),
            q in "\\PC{0,300}",
        ) {
            let scope = export::Scope::Fair(1);
            match query(scope, &codes.join(","), &q) {
                Ok(read) => {
                    let mut sorted = read.statuses.clone();
                    sorted.sort_by_key(|s| s.as_str());
                    sorted.dedup();
                    prop_assert_eq!(&read.statuses, &sorted);
                    for code in codes.iter().flat_map(|c| c.split(',')).map(str::trim) {
                        prop_assert!(
                            code.is_empty()
                                || code == "live"
                                || read.statuses.iter().any(|s| s.as_str() == code)
                        );
                    }
                    match read.search {
                        Some(s) => {
                            prop_assert!(!s.is_empty() && s.chars().count() <= MAX_SEARCH_CHARS);
                            prop_assert!(q.trim().starts_with(&s));
                        }
                        None => prop_assert!(q.trim().is_empty()),
                    }
                }
                Err(e) => {
                    prop_assert_eq!(e.field, "status");
                    let known = |c: &str| c.is_empty() || c == "live"
                        || FILTER_STATUSES.iter().any(|s| s.as_str() == c);
                    prop_assert!(codes.iter().flat_map(|c| c.split(',')).any(|c| !known(c.trim())));
                }
            }
        }
    }

    fn s(v: &str) -> Option<String> {
        Some(v.to_owned())
    }

    #[test]
    fn people_count_once_per_group_and_schools_group_their_spellings() {
        let rows = vec![
            (1, s("Moravskoslezský"), s("Bruntál"), s("ZŠ Krnov")),
            (1, s("Moravskoslezský"), s("Bruntál"), s("ZŠ Krnov")),
            (2, s("Moravskoslezský"), s("Bruntál"), s(" zš  KRNOV ")),
            (3, s("Moravskoslezský"), s("Opava"), None),
            (4, None, None, s("MŠ Úvoz")),
        ];
        let counts = tally(rows.into_iter());
        assert_eq!((counts.people, counts.registrations), (4, 5));
        let regions: Vec<_> = counts
            .regions
            .iter()
            .map(|r| (r.region.clone(), r.people, r.registrations))
            .collect();
        assert_eq!(regions, [(s("Moravskoslezský"), 3, 4), (None, 1, 1)]);
        let schools: Vec<_> = counts
            .schools
            .iter()
            .map(|r| (r.district.clone(), r.school.clone(), r.people))
            .collect();
        assert_eq!(
            schools,
            [
                (s("Bruntál"), s("ZŠ Krnov"), 2),
                (s("Opava"), None, 1),
                (None, s("MŠ Úvoz"), 1),
            ]
        );
        assert_eq!(counts.districts.len(), 3);
    }
}
