//! Reads for the feeds: which feed a request names, a cheap stamp of everything in it, and the
//! data to build it.
//!
//! **The stamp** is one aggregate query over exactly the rows a feed is built from: how many
//! activities and the sum of their ids (which activities), the sum of their revisions and of
//! their fairs' revisions (every edit raises a revision, so the sum rises with any edit of a
//! member), and the newest `updated_at` (for Last-Modified, and as a second guard against a
//! change made without a revision bump). Each instance compares it with the stamp its cached
//! feed was built from, so an edit committed through any instance on the shared database is
//! seen by the next request to every instance, with no message between instances and nothing
//! to expire. Speakers and meeting districts have no revision of their own: whoever edits them
//! bumps the activity's revision, as for any other edit of the activity.
//!
//! The stamp is read before the data, so a cached feed is never older than its stamp; a change
//! in between only makes the next request rebuild once more.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use entity::{
    activity, activity_district, district,
    enums::{ActivityKind, ActivityStatus, RegistrationStatus},
    fair, region, speaker,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter, QuerySelect,
    Statement, Value,
};

use super::feed::Programme;
use crate::{
    domain::token,
    i18n::Lang,
    programme::Activity,
    timezone::{DEFAULT, zone_of},
};

/// What a request names, as it came in the URL.
#[derive(Clone, Copy, Debug)]
pub enum FeedRequest<'a> {
    Fair(&'a str),
    Activity(ActivityKind, i32),
    Meetings {
        region: Option<&'a str>,
        district: Option<&'a str>,
    },
    /// The plain personal feed token.
    Person(&'a str),
}

/// A feed, once its slugs, ids or token were resolved.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Feed {
    Fair(i32),
    Activity(i32),
    Meetings {
        region: Option<i32>,
        district: Option<i32>,
    },
    Person(i32),
}

impl Feed {
    /// A personal feed: not for shared caches.
    pub fn is_personal(&self) -> bool {
        matches!(self, Feed::Person(_))
    }
}

/// A cheap summary of everything a feed holds; equal stamps, equal feeds (see the module docs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stamp {
    /// Activities, sum of their ids, sum of their and their fairs' revisions, and the feed
    /// owner's revision (fair) where there is one.
    pub counts: [i64; 4],
    /// The newest `updated_at` among the rows the feed is built from.
    pub newest: Option<DateTime<Utc>>,
    /// Names read while resolving the request that the feed shows (region, district).
    pub names: String,
}

/// A resolved request: the feed, its stamp, and the language its owner chose (personal feeds).
#[derive(Clone, Debug)]
pub struct Probe {
    pub feed: Feed,
    pub stamp: Stamp,
    pub lang: Option<Lang>,
}

/// Resolves `request` and reads its stamp. `Ok(None)`: no such fair, activity, region, district
/// or live token, all alike.
pub async fn probe(
    conn: &impl ConnectionTrait,
    request: FeedRequest<'_>,
) -> Result<Option<Probe>, DbErr> {
    match request {
        FeedRequest::Fair(slug) => probe_fair(conn, slug).await,
        FeedRequest::Activity(kind, id) => probe_activity(conn, kind, id).await,
        FeedRequest::Meetings { region, district } => probe_meetings(conn, region, district).await,
        FeedRequest::Person(plain) => probe_person(conn, plain).await,
    }
}

/// Writes `sql` (with `$1`, `$2`, … each used once, in order) for the connection's backend.
fn statement(conn: &impl ConnectionTrait, sql: &str, values: Vec<Value>) -> Statement {
    let backend = conn.get_database_backend();
    Statement::from_sql_and_values(backend, placeholders(backend, sql), values)
}

/// PostgreSQL numbers its placeholders; SQLite takes them as `?` in order.
fn placeholders(backend: DbBackend, sql: &str) -> String {
    if backend == DbBackend::Postgres {
        return sql.to_owned();
    }
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
            while chars.next_if(char::is_ascii_digit).is_some() {}
            out.push('?');
        } else {
            out.push(c);
        }
    }
    out
}

fn newest(times: impl IntoIterator<Item = Option<DateTime<Utc>>>) -> Option<DateTime<Utc>> {
    times.into_iter().flatten().max()
}

async fn probe_fair(conn: &impl ConnectionTrait, slug: &str) -> Result<Option<Probe>, DbErr> {
    let sql = "SELECT f.id, CAST(f.revision AS BIGINT), f.updated_at, \
               CAST(count(a.id) AS BIGINT), CAST(coalesce(sum(a.id), 0) AS BIGINT), \
               CAST(coalesce(sum(a.revision), 0) AS BIGINT), max(a.updated_at) \
               FROM fair f LEFT JOIN activity a ON a.fair_id = f.id \
               WHERE f.slug = $1 GROUP BY f.id, f.revision, f.updated_at";
    let Some(row) = conn
        .query_one_raw(statement(conn, sql, vec![slug.into()]))
        .await?
    else {
        return Ok(None);
    };
    let id: i32 = row.try_get_by_index(0)?;
    let fair_revision: i64 = row.try_get_by_index(1)?;
    let fair_updated: DateTime<Utc> = row.try_get_by_index(2)?;
    Ok(Some(Probe {
        feed: Feed::Fair(id),
        stamp: Stamp {
            counts: [
                row.try_get_by_index(3)?,
                row.try_get_by_index(4)?,
                row.try_get_by_index(5)?,
                fair_revision,
            ],
            newest: newest([Some(fair_updated), row.try_get_by_index(6)?]),
            names: String::new(),
        },
        lang: None,
    }))
}

async fn probe_activity(
    conn: &impl ConnectionTrait,
    kind: ActivityKind,
    id: i32,
) -> Result<Option<Probe>, DbErr> {
    let sql = "SELECT CAST(a.revision AS BIGINT), a.updated_at, \
               CAST(coalesce(f.revision, 0) AS BIGINT), f.updated_at \
               FROM activity a LEFT JOIN fair f ON f.id = a.fair_id \
               WHERE a.id = $1 AND a.kind = $2";
    let values = vec![id.into(), kind.as_str().into()];
    let Some(row) = conn.query_one_raw(statement(conn, sql, values)).await? else {
        return Ok(None);
    };
    let revision: i64 = row.try_get_by_index(0)?;
    let fair_revision: i64 = row.try_get_by_index(2)?;
    Ok(Some(Probe {
        feed: Feed::Activity(id),
        stamp: Stamp {
            counts: [1, id.into(), revision + fair_revision, 0],
            newest: newest([row.try_get_by_index(1)?, row.try_get_by_index(3)?]),
            names: String::new(),
        },
        lang: None,
    }))
}

/// The stamp of the meeting feeds covers all meetings, whatever the filter: there are few, and
/// a meeting that moves to another region then changes the stamp (and Last-Modified) of the
/// feed it left as well as of the one it joined.
async fn probe_meetings(
    conn: &impl ConnectionTrait,
    region_slug: Option<&str>,
    district_slug: Option<&str>,
) -> Result<Option<Probe>, DbErr> {
    let mut names = String::new();
    let region = match region_slug {
        Some(slug) => match region::Entity::find()
            .filter(region::Column::Slug.eq(slug))
            .one(conn)
            .await?
        {
            Some(region) => Some(region),
            None => return Ok(None),
        },
        None => None,
    };
    let district = match district_slug {
        Some(slug) => match district::Entity::find()
            .filter(district::Column::Slug.eq(slug))
            .one(conn)
            .await?
        {
            Some(district) => Some(district),
            None => return Ok(None),
        },
        None => None,
    };
    if let (Some(region), Some(district)) = (&region, &district)
        && district.region_id != region.id
    {
        return Ok(None);
    }
    for name in [
        region.as_ref().map(|r| &r.name),
        district.as_ref().map(|d| &d.name),
    ]
    .into_iter()
    .flatten()
    {
        names.push_str(name);
        names.push('\n');
    }
    let sql = "SELECT CAST(count(a.id) AS BIGINT), CAST(coalesce(sum(a.id), 0) AS BIGINT), \
               CAST(coalesce(sum(a.revision), 0) + coalesce(sum(f.revision), 0) AS BIGINT), \
               max(a.updated_at), max(f.updated_at) \
               FROM activity a LEFT JOIN fair f ON f.id = a.fair_id WHERE a.kind = $1";
    let values = vec![ActivityKind::Meeting.as_str().into()];
    let row = conn
        .query_one_raw(statement(conn, sql, values))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("an aggregate returns a row".into()))?;
    Ok(Some(Probe {
        feed: Feed::Meetings {
            region: region.map(|r| r.id),
            district: district.map(|d| d.id),
        },
        stamp: Stamp {
            counts: [
                row.try_get_by_index(0)?,
                row.try_get_by_index(1)?,
                row.try_get_by_index(2)?,
                0,
            ],
            newest: newest([row.try_get_by_index(3)?, row.try_get_by_index(4)?]),
            names,
        },
        lang: None,
    }))
}

/// The registrations a personal feed shows: confirmed and attended ones, and also (see
/// [`cancelled_with_its_activity`]) confirmed ones the organisers cancelled with their activity.
const IN_PERSONAL_FEED: [RegistrationStatus; 2] =
    [RegistrationStatus::Confirmed, RegistrationStatus::Attended];

/// SQL on `registration r`, its parameters `$n` (a registration's cancelled status) and
/// `$n+1` (an activity's), bound in this order: a confirmed registration cancelled because its
/// activity was. Its event stays in the personal feed marked cancelled, as in every other
/// feed, instead of vanishing from the calendar.
fn cancelled_with_its_activity(n: usize) -> String {
    format!(
        "(r.status = ${n} AND r.confirmed_at IS NOT NULL \
         AND r.activity_id IN (SELECT c.id FROM activity c WHERE c.status = ${}))",
        n + 1
    )
}

/// The parameters of [`cancelled_with_its_activity`].
fn cancelled_values() -> [Value; 2] {
    [
        RegistrationStatus::Cancelled.as_str().into(),
        ActivityStatus::Cancelled.as_str().into(),
    ]
}

/// Last-Modified of a personal feed also covers registrations that left it (a cancellation
/// bumps the row's `updated_at` while taking it out of the feed), hence the subquery over all of
/// the person's registrations.
async fn probe_person(conn: &impl ConnectionTrait, plain: &str) -> Result<Option<Probe>, DbErr> {
    if !token::is_well_formed(plain) {
        return Ok(None);
    }
    let sql = format!(
        "SELECT p.id, p.language, p.updated_at, \
         CAST(count(a.id) AS BIGINT), CAST(coalesce(sum(a.id), 0) AS BIGINT), \
         CAST(coalesce(sum(a.revision), 0) + coalesce(sum(f.revision), 0) AS BIGINT), \
         max(a.updated_at), max(f.updated_at), \
         (SELECT max(r2.updated_at) FROM registration r2 WHERE r2.person_id = p.id) \
         FROM person p \
         LEFT JOIN registration r ON r.person_id = p.id \
           AND (r.status IN ($1, $2) OR {}) \
         LEFT JOIN activity a ON a.id = r.activity_id \
         LEFT JOIN fair f ON f.id = a.fair_id \
         WHERE p.feed_token_hash = $5 AND p.anonymised_at IS NULL \
         GROUP BY p.id, p.language, p.updated_at",
        cancelled_with_its_activity(3)
    );
    let [cancelled, activity_cancelled] = cancelled_values();
    let values = vec![
        IN_PERSONAL_FEED[0].as_str().into(),
        IN_PERSONAL_FEED[1].as_str().into(),
        cancelled,
        activity_cancelled,
        token::hash(plain).into(),
    ];
    let Some(row) = conn.query_one_raw(statement(conn, &sql, values)).await? else {
        return Ok(None);
    };
    let id: i32 = row.try_get_by_index(0)?;
    let language: String = row.try_get_by_index(1)?;
    Ok(Some(Probe {
        feed: Feed::Person(id),
        stamp: Stamp {
            counts: [
                row.try_get_by_index(3)?,
                row.try_get_by_index(4)?,
                row.try_get_by_index(5)?,
                0,
            ],
            newest: newest([
                row.try_get_by_index(2)?,
                row.try_get_by_index(6)?,
                row.try_get_by_index(7)?,
                row.try_get_by_index(8)?,
            ]),
            // The language is part of what the feed shows when no `?lang=` is given.
            names: language.clone(),
        },
        lang: Lang::parse(&language),
    }))
}

/// Loads everything `feed` shows. `Ok(None)`: it vanished since the probe.
pub async fn load(
    conn: &impl ConnectionTrait,
    feed: &Feed,
    lang: Lang,
) -> Result<Option<Programme>, DbErr> {
    match *feed {
        Feed::Fair(id) => {
            let Some(fair) = fair::Entity::find_by_id(id).one(conn).await? else {
                return Ok(None);
            };
            let filter = Filter {
                sql: "a.fair_id = $1".into(),
                values: vec![id.into()],
            };
            let activities = activities(conn, filter).await?;
            Ok(Some(Programme {
                name: fair.name.clone(),
                description: Some(fair.description.clone()),
                zone: zone_of(&fair.timezone),
                activities,
                fairs: HashMap::from([(fair.id, fair)]),
            }))
        }
        Feed::Activity(id) => {
            let filter = Filter {
                sql: "a.id = $1".into(),
                values: vec![id.into()],
            };
            let activities = activities(conn, filter).await?;
            let Some(first) = activities.first() else {
                return Ok(None);
            };
            let name = first.model.title.clone();
            let fairs = fairs_of(conn, &activities).await?;
            Ok(Some(Programme {
                name,
                description: None,
                zone: zone_for(&activities, &fairs),
                activities,
                fairs,
            }))
        }
        Feed::Meetings { region, district } => {
            load_meetings(conn, region, district, lang).await.map(Some)
        }
        Feed::Person(id) => {
            let filter = Filter {
                sql: format!(
                    "a.id IN (SELECT r.activity_id FROM registration r WHERE r.person_id = $1 \
                     AND (r.status IN ($2, $3) OR {}))",
                    cancelled_with_its_activity(4)
                ),
                values: [
                    id.into(),
                    IN_PERSONAL_FEED[0].as_str().into(),
                    IN_PERSONAL_FEED[1].as_str().into(),
                ]
                .into_iter()
                .chain(cancelled_values())
                .collect(),
            };
            let activities = activities(conn, filter).await?;
            let fairs = fairs_of(conn, &activities).await?;
            Ok(Some(Programme {
                name: format!("{} – {}", lang.text("cal.mine"), lang.text("app.name")),
                description: None,
                zone: zone_for(&activities, &fairs),
                activities,
                fairs,
            }))
        }
    }
}

/// Gives those of `activities` held online their join link, `join_url(activity id)`: of the
/// feeds only a person's own shows one, theirs (`registration::Links::join_url`), never the
/// activity's address (see [`JsonActivity::into_model`]). The link itself never changes, and an
/// activity that starts or stops being held online gets a new revision, so the feed's stamp
/// sees it.
pub(super) async fn with_join_links(
    conn: &impl ConnectionTrait,
    activities: &mut [Activity],
    join_url: impl Fn(i32) -> String,
) -> Result<(), DbErr> {
    let online: HashSet<i32> = activity::Entity::find()
        .select_only()
        .column(activity::Column::Id)
        .filter(activity::Column::Id.is_in(activities.iter().map(|a| a.model.id)))
        .filter(activity::Column::OnlineUrl.is_not_null())
        .into_tuple::<i32>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    for activity in activities {
        let id = activity.model.id;
        activity.model.online_url = online.contains(&id).then(|| join_url(id));
    }
    Ok(())
}

/// Which meetings a regional feed shows: with `region`, those of the region or of one of its
/// districts; with `district`, those of the district and the region-wide ones of its region
/// (a region's meeting with no districts named concerns every district in it).
async fn load_meetings(
    conn: &impl ConnectionTrait,
    region: Option<i32>,
    district: Option<i32>,
    lang: Lang,
) -> Result<Programme, DbErr> {
    let filter = Filter {
        sql: "a.kind = $1".into(),
        values: vec![ActivityKind::Meeting.as_str().into()],
    };
    let mut meetings = activities(conn, filter).await?;
    let mut name = lang.text("cal.meetings").to_owned();
    if region.is_some() || district.is_some() {
        let links = activity_district::Entity::find().all(conn).await?;
        let mut districts_of: HashMap<i32, HashSet<i32>> = HashMap::new();
        for link in links {
            districts_of
                .entry(link.activity_id)
                .or_default()
                .insert(link.district_id);
        }
        let district = match district {
            Some(id) => district::Entity::find_by_id(id).one(conn).await?,
            None => None,
        };
        let region = match region.or(district.as_ref().map(|d| d.region_id)) {
            Some(id) => region::Entity::find_by_id(id).one(conn).await?,
            None => None,
        };
        let in_region: HashSet<i32> = match &region {
            Some(r) => district::Entity::find()
                .filter(district::Column::RegionId.eq(r.id))
                .all(conn)
                .await?
                .into_iter()
                .map(|d| d.id)
                .collect(),
            None => HashSet::new(),
        };
        let none = HashSet::new();
        meetings.retain(|m| {
            let named = districts_of.get(&m.model.id).unwrap_or(&none);
            let of_region = region
                .as_ref()
                .is_some_and(|r| m.model.region_id == Some(r.id));
            match &district {
                Some(d) => named.contains(&d.id) || (of_region && named.is_empty()),
                None => of_region || !named.is_disjoint(&in_region),
            }
        });
        if let Some(label) = district.map(|d| d.name).or(region.map(|r| r.name)) {
            name = format!("{name} – {label}");
        }
    }
    let fairs = fairs_of(conn, &meetings).await?;
    Ok(Programme {
        name,
        description: None,
        zone: DEFAULT,
        activities: meetings,
        fairs,
    })
}

/// Which activities a feed loads: an SQL condition on `activity a` with `$1`, `$2`, … and its
/// values.
struct Filter {
    sql: String,
    values: Vec<Value>,
}

/// The activities matching `filter` with their speakers, by start time then id.
///
/// A few queries, run at once on several connections, each returning one row: a JSON array the
/// database builds, of a part of the activities or of their speakers. A 10,000-event feed is
/// 30,000 rows otherwise, and the SQLite driver hands rows over one by one from its worker
/// thread, which alone took longer than the whole feed may. Sorting happens here: an `ORDER BY`
/// inside the JSON aggregate cost SQLite more than building the JSON.
async fn activities(conn: &impl ConnectionTrait, filter: Filter) -> Result<Vec<Activity>, DbErr> {
    let postgres = conn.get_database_backend() == DbBackend::Postgres;
    let aggregate = |columns: &str, from: String| {
        if postgres {
            format!(
                "SELECT coalesce(json_agg(json_build_array({columns})), '[]'::json)::text {from}"
            )
            .replace("{waitlist}", "a.waitlist_enabled")
        } else {
            // SQLite has no booleans: the flag is 0 or 1.
            format!("SELECT json_group_array(json_array({columns})) {from}").replace(
                "{waitlist}",
                "json(iif(a.waitlist_enabled, 'true', 'false'))",
            )
        }
    };
    // The activities in four parts by id, so that reading one part's JSON overlaps with the
    // database writing the next.
    let part = |n: u8| {
        aggregate(
            ACTIVITY_COLUMNS,
            format!("FROM activity a WHERE ({}) AND a.id % 4 = {n}", filter.sql),
        )
    };
    let parts = [part(0), part(1), part(2), part(3)];
    let speakers_sql = aggregate(
        SPEAKER_COLUMNS,
        format!(
            "FROM speaker s WHERE s.activity_id IN (SELECT a.id FROM activity a WHERE {})",
            filter.sql
        ),
    );
    let values = &filter.values;
    let (a0, a1, a2, a3, speakers) = tokio::try_join!(
        json_row::<JsonActivity>(conn, &parts[0], values.clone()),
        json_row::<JsonActivity>(conn, &parts[1], values.clone()),
        json_row::<JsonActivity>(conn, &parts[2], values.clone()),
        json_row::<JsonActivity>(conn, &parts[3], values.clone()),
        json_row::<JsonSpeaker>(conn, &speakers_sql, values.clone()),
    )?;
    let mut speakers: Vec<speaker::Model> =
        speakers.into_iter().map(JsonSpeaker::into_model).collect();
    speakers.sort_by_key(|s| (s.activity_id, s.position, s.id));
    let mut by_activity: HashMap<i32, Vec<speaker::Model>> = HashMap::new();
    for s in speakers {
        by_activity.entry(s.activity_id).or_default().push(s);
    }
    let mut activities: Vec<Activity> = [a0, a1, a2, a3]
        .into_iter()
        .flatten()
        .map(|a| {
            let model = a.into_model();
            Activity {
                speakers: by_activity.remove(&model.id).unwrap_or_default(),
                model,
                // A feed holds the fairs themselves (`Programme::fairs`) and its own zone.
                venue: None,
                zone: crate::timezone::DEFAULT,
            }
        })
        .collect();
    activities.sort_by_key(|a| (a.model.starts_at, a.model.id));
    Ok(activities)
}

/// The one row of an aggregate query, read as a JSON array of `T`.
async fn json_row<T: serde::de::DeserializeOwned>(
    conn: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> Result<Vec<T>, DbErr> {
    let row = conn
        .query_one_raw(statement(conn, sql, values))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("an aggregate returns a row".into()))?;
    let json: String = row.try_get_by_index(0)?;
    serde_json::from_str(&json).map_err(|err| DbErr::Type(format!("reading rows as JSON: {err}")))
}

/// The columns of `activity`, in [`JsonActivity`]'s order (`{waitlist}` differs by backend).
const ACTIVITY_COLUMNS: &str = "a.id, a.kind, a.fair_id, a.series_id, a.region_id, a.title, \
    a.description, a.topic, a.room, a.place, a.starts_at, a.ends_at, a.capacity, a.taken, \
    {waitlist}, a.registration_opens_at, a.registration_closes_at, a.status, a.revision, \
    a.created_at, a.updated_at";
const SPEAKER_COLUMNS: &str = "s.id, s.activity_id, s.position, s.name, s.organisation";

/// One element of the activities' JSON array: the columns of [`ACTIVITY_COLUMNS`] in order.
#[derive(serde::Deserialize)]
struct JsonActivity(
    i32,
    ActivityKind,
    Option<i32>,
    Option<i32>,
    Option<i32>,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    DateTime<Utc>,
    DateTime<Utc>,
    i32,
    i32,
    bool,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    entity::enums::ActivityStatus,
    i32,
    DateTime<Utc>,
    DateTime<Utc>,
);

/// One element of the speakers' JSON array: the columns of [`SPEAKER_COLUMNS`] in order.
#[derive(serde::Deserialize)]
struct JsonSpeaker(i32, i32, i32, String, Option<String>);

impl JsonSpeaker {
    fn into_model(self) -> speaker::Model {
        let JsonSpeaker(id, activity_id, position, name, organisation) = self;
        speaker::Model {
            id,
            activity_id,
            position,
            name,
            organisation,
        }
    }
}

impl JsonActivity {
    fn into_model(self) -> activity::Model {
        let JsonActivity(
            id,
            kind,
            fair_id,
            series_id,
            region_id,
            title,
            description,
            topic,
            room,
            place,
            starts_at,
            ends_at,
            capacity,
            taken,
            waitlist_enabled,
            registration_opens_at,
            registration_closes_at,
            status,
            revision,
            created_at,
            updated_at,
        ) = self;
        activity::Model {
            id,
            kind,
            fair_id,
            series_id,
            region_id,
            title,
            description,
            topic,
            room,
            place,
            // Only a person's own feed shows the join link: see `with_join_links`.
            online_url: None,
            starts_at,
            ends_at,
            capacity,
            taken,
            waitlist_enabled,
            registration_opens_at,
            registration_closes_at,
            // Feeds show neither; the JSON rows leave them out.
            per_school_limit: None,
            no_show_release_minutes: None,
            status,
            revision,
            created_at,
            updated_at,
        }
    }
}

async fn fairs_of(
    conn: &impl ConnectionTrait,
    activities: &[Activity],
) -> Result<HashMap<i32, fair::Model>, DbErr> {
    let ids: HashSet<i32> = activities.iter().filter_map(|a| a.model.fair_id).collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(fair::Entity::find()
        .filter(fair::Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|f| (f.id, f))
        .collect())
}

/// The calendar's zone: the first event's (its fair's, or the default).
fn zone_for(activities: &[Activity], fairs: &HashMap<i32, fair::Model>) -> chrono_tz::Tz {
    activities
        .first()
        .and_then(|a| a.model.fair_id)
        .and_then(|id| fairs.get(&id))
        .map_or(DEFAULT, |f| zone_of(&f.timezone))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_placeholders_become_question_marks_on_sqlite() {
        let sql = "a = $1 AND b IN ($2, $3) AND c = '$'";
        assert_eq!(
            placeholders(DbBackend::Sqlite, sql),
            "a = ? AND b IN (?, ?) AND c = '$'"
        );
        assert_eq!(placeholders(DbBackend::Postgres, sql), sql);
    }
}
