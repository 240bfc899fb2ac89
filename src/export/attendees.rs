//! Attendee lists: who signed up for a fair's workshops or for one workshop or meeting, read in
//! pages. The exports and the organiser pages both read through here; nothing here writes.
//!
//! Pages are keyset pages on `registration.id` (`WHERE id > last ORDER BY id LIMIT n`), so every
//! page costs the same however deep the list goes, and a list read page by page never holds more
//! than one page. The pages are separate queries, not one snapshot: a registration that changes
//! during a long export is shown as it was when its page was read.

use chrono::{DateTime, Utc};
use entity::{activity, district, enums::RegistrationStatus, fair, person, region, registration};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, JoinType, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, RelationTrait, Select,
    sea_query::{Expr, ExprTrait, Func, LikeExpr},
};

/// Rows per page in exports: large enough that the round trips do not dominate, small enough
/// that a page is a few hundred kilobytes.
pub const PAGE_SIZE: u64 = 1_000;

/// Whose registrations a list covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every workshop of the fair (by `fair.id`).
    Fair(i32),
    /// One workshop or meeting (by `activity.id`).
    Activity(i32),
}

/// What to list. `statuses` empty means every status; `search` matches a part of the name, the
/// email or the organisation, ignoring case (ASCII and the capitals of [`FOLDED_CAPITALS`];
/// accents count: `novak` does not find `Novák`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttendeeQuery {
    pub scope: Scope,
    pub statuses: Vec<RegistrationStatus>,
    pub search: Option<String>,
}

impl AttendeeQuery {
    /// Every registration in `scope`, whatever its status.
    pub fn all_in(scope: Scope) -> Self {
        AttendeeQuery {
            scope,
            statuses: Vec::new(),
            search: None,
        }
    }
}

/// One registration with the person and activity it joins. Anonymised people (who asked to be
/// forgotten) are never listed.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct AttendeeRow {
    pub registration_id: i32,
    pub name: String,
    pub email: String,
    pub organisation: Option<String>,
    /// A code of [`ROLES`](crate::registration::ROLES) (or an older free text).
    pub role: Option<String>,
    pub district: Option<String>,
    pub region: Option<String>,
    pub activity_id: i32,
    pub activity: String,
    pub starts_at: DateTime<Utc>,
    /// The fair's IANA zone; `None` for a meeting (they use [`crate::timezone::DEFAULT`]).
    pub timezone: Option<String>,
    pub status: RegistrationStatus,
    pub registered_at: DateTime<Utc>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub checked_in_at: Option<DateTime<Utc>>,
}

impl AttendeeRow {
    /// The zone the row's times are shown in.
    pub fn zone(&self) -> chrono_tz::Tz {
        self.timezone
            .as_deref()
            .map_or(crate::timezone::DEFAULT, crate::timezone::zone_of)
    }
}

/// Up to `limit` rows with `registration_id > after` (all rows from the start when `after` is
/// `None`), ordered by `registration_id`. Fewer than `limit` rows means the list has ended; pass
/// the last row's `registration_id` as `after` for the next page.
pub async fn page(
    conn: &impl ConnectionTrait,
    query: &AttendeeQuery,
    after: Option<i32>,
    limit: u64,
) -> Result<Vec<AttendeeRow>, DbErr> {
    let mut select = filtered(query)
        .select_only()
        .column_as(registration::Column::Id, "registration_id")
        .column_as(person::Column::Name, "name")
        .column_as(person::Column::Email, "email")
        .column_as(person::Column::Organisation, "organisation")
        .column_as(person::Column::Role, "role")
        .column_as(district::Column::Name, "district")
        .column_as(region::Column::Name, "region")
        .column_as(activity::Column::Id, "activity_id")
        .column_as(activity::Column::Title, "activity")
        .column_as(activity::Column::StartsAt, "starts_at")
        .column_as(fair::Column::Timezone, "timezone")
        .column_as(registration::Column::Status, "status")
        .column_as(registration::Column::CreatedAt, "registered_at")
        .column_as(registration::Column::ConfirmedAt, "confirmed_at")
        .column_as(registration::Column::CheckedInAt, "checked_in_at")
        .join(JoinType::LeftJoin, person::Relation::District.def())
        .join(JoinType::LeftJoin, district::Relation::Region.def())
        .join(JoinType::LeftJoin, activity::Relation::Fair.def());
    if let Some(after) = after {
        select = select.filter(registration::Column::Id.gt(after));
    }
    select
        .order_by_asc(registration::Column::Id)
        .limit(limit)
        .into_model::<AttendeeRow>()
        .all(conn)
        .await
}

/// How many rows the whole list has (for progress and page counts).
pub async fn count(conn: &impl ConnectionTrait, query: &AttendeeQuery) -> Result<u64, DbErr> {
    filtered(query).count(conn).await
}

/// Registrations joined to their person and activity, with every filter of `query` applied.
fn filtered(query: &AttendeeQuery) -> Select<registration::Entity> {
    let mut select = registration::Entity::find()
        .join(JoinType::InnerJoin, registration::Relation::Person.def())
        .join(JoinType::InnerJoin, registration::Relation::Activity.def())
        .filter(person::Column::AnonymisedAt.is_null());
    // A fair's list is walked along `registration`'s primary key, so each page reads about a
    // page of rows. Left to itself, SQLite (no statistics) drives the join from the indexes on
    // `activity.fair_id` or `registration.status` instead, reads the whole list and sorts it for
    // every page: 100,000 rows took 20 s. A term on an expression of a column (`fair_id + 0`,
    // `lower(status)`) cannot use that column's index, and means the same on PostgreSQL.
    // One activity's list stays on its index: it is small, and sorting it per page is cheap.
    select = match query.scope {
        Scope::Fair(id) => select.filter(
            Expr::col((activity::Entity, activity::Column::FairId))
                .add(0)
                .eq(id),
        ),
        Scope::Activity(id) => select.filter(registration::Column::ActivityId.eq(id)),
    };
    if !query.statuses.is_empty() {
        let status = Expr::col((registration::Entity, registration::Column::Status));
        select = select.filter(
            Expr::expr(Func::lower(status)).is_in(query.statuses.iter().map(|s| s.as_str())),
        );
    }
    if let Some(pattern) = query.search.as_deref().and_then(like_pattern) {
        let like = || LikeExpr::new(pattern.clone()).escape('\\');
        let lower = |column: person::Column| folded(column).like(like());
        select = select.filter(
            lower(person::Column::Name)
                .or(lower(person::Column::Email))
                .or(lower(person::Column::Organisation)),
        );
    }
    select
}

/// Capitals with diacritics in Czech, Slovak and German names. SQLite's `lower()` folds only
/// ASCII (and PostgreSQL's depends on the cluster's locale), so these are folded by `REPLACE`
/// first: the same SQL, and the same matches, on both backends.
pub const FOLDED_CAPITALS: &[(&str, &str)] = &[
    ("Á", "á"),
    ("Ä", "ä"),
    ("Č", "č"),
    ("Ď", "ď"),
    ("É", "é"),
    ("Ě", "ě"),
    ("Í", "í"),
    ("Ĺ", "ĺ"),
    ("Ľ", "ľ"),
    ("Ň", "ň"),
    ("Ó", "ó"),
    ("Ô", "ô"),
    ("Ö", "ö"),
    ("Ŕ", "ŕ"),
    ("Ř", "ř"),
    ("Š", "š"),
    ("Ť", "ť"),
    ("Ú", "ú"),
    ("Ů", "ů"),
    ("Ü", "ü"),
    ("Ý", "ý"),
    ("Ž", "ž"),
];

/// `lower(REPLACE(REPLACE(column, 'Á', 'á'), …))`: compare it with a [`like_pattern`].
pub(crate) fn folded(column: person::Column) -> Expr {
    let mut expr = Expr::col((person::Entity, column));
    for &(capital, small) in FOLDED_CAPITALS {
        expr = Func::cust("REPLACE")
            .arg(expr)
            .arg(capital)
            .arg(small)
            .into();
    }
    Func::lower(expr).into()
}

/// `%text%` for a LIKE, lower-cased, with the wildcards of the text itself escaped; `None` for
/// a blank search, which filters nothing.
pub(crate) fn like_pattern(search: &str) -> Option<String> {
    let search = search.trim();
    if search.is_empty() {
        return None;
    }
    let mut pattern = String::with_capacity(search.len() + 2);
    pattern.push('%');
    for c in search.to_lowercase().chars() {
        if matches!(c, '\\' | '%' | '_') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    Some(pattern)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_is_a_lower_case_substring_pattern_with_its_wildcards_escaped() {
        assert_eq!(like_pattern("  Nováková "), Some("%nováková%".into()));
        assert_eq!(like_pattern("50%_a\\b"), Some("%50\\%\\_a\\\\b%".into()));
        assert_eq!(like_pattern("   "), None);
    }
}
