//! Read side of the programme: what pages, the API and feeds show. No writes here.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use entity::{
    activity, activity_district, district,
    enums::{ActivityKind, ActivityStatus},
    fair, region, speaker,
};
use std::collections::{BTreeSet, HashMap};

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, LoaderTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Serialize;

/// Whether an activity takes sign-ups now: the one rule that sign-up enforces and the pages
/// show (as the checkbox or the form, or why not).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Availability {
    Open,
    NotYetOpen,
    Closed,
    Cancelled,
}

/// The activity's own registration window, else its fair's; a cancelled fair cancels it.
pub fn availability(
    a: &entity::activity::Model,
    fair: Option<&fair::Model>,
    now: DateTime<Utc>,
) -> Availability {
    let opens = a
        .registration_opens_at
        .or(fair.and_then(|f| f.registration_opens_at));
    let closes = a
        .registration_closes_at
        .or(fair.and_then(|f| f.registration_closes_at));
    if a.status == ActivityStatus::Cancelled
        || fair.is_some_and(|f| f.status == ActivityStatus::Cancelled)
    {
        Availability::Cancelled
    } else if a.starts_at <= now || closes.is_some_and(|c| c <= now) {
        Availability::Closed
    } else if opens.is_some_and(|o| o > now) {
        Availability::NotYetOpen
    } else {
        Availability::Open
    }
}

/// A workshop or meeting with its speakers in their listed order.
pub struct Activity {
    pub model: activity::Model,
    pub speakers: Vec<speaker::Model>,
    /// Its fair's venue, where a workshop takes place unless it names a place of its own.
    pub venue: Option<String>,
    /// The zone its times are told in: its fair's, Prague for a meeting.
    pub zone: Tz,
}

/// Where an activity takes place, as participants are told: its room, then its own place or
/// else the venue of its fair, e.g. "Učebna 3, Kampus Hybernská, Hybernská 4, Praha 1". Empty
/// when none is known.
pub fn location(a: &activity::Model, venue: Option<&str>) -> String {
    fn given(text: Option<&str>) -> Option<&str> {
        text.filter(|t| !t.trim().is_empty())
    }
    [
        given(a.room.as_deref()),
        given(a.place.as_deref()).or(given(venue)),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ")
}

impl Activity {
    /// Where it takes place: see [`location`].
    pub fn location(&self) -> String {
        location(&self.model, self.venue.as_deref())
    }

    pub fn seats_left(&self) -> i32 {
        (self.model.capacity - self.model.taken).max(0)
    }

    /// "H. Košťálová, M. Kafková (Pomáháme školám k úspěchu)": names grouped by organisation.
    pub fn speaker_line(&self) -> String {
        let mut groups: Vec<(Option<&str>, Vec<&str>)> = Vec::new();
        for s in &self.speakers {
            let org = s.organisation.as_deref();
            match groups.iter_mut().find(|(o, _)| *o == org) {
                Some((_, names)) => names.push(&s.name),
                None => groups.push((org, vec![&s.name])),
            }
        }
        groups
            .into_iter()
            .map(|(org, names)| match org {
                Some(org) => format!("{} ({org})", names.join(", ")),
                None => names.join(", "),
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

pub async fn fairs(conn: &impl ConnectionTrait) -> Result<Vec<fair::Model>, DbErr> {
    fair::Entity::find()
        .order_by_asc(fair::Column::StartsAt)
        .all(conn)
        .await
}

/// The fair's workshops by start time, then title.
pub async fn workshops(conn: &impl ConnectionTrait, fair_id: i32) -> Result<Vec<Activity>, DbErr> {
    let models = activity::Entity::find()
        .filter(activity::Column::FairId.eq(fair_id))
        .filter(activity::Column::Kind.eq(ActivityKind::Workshop))
        .order_by_asc(activity::Column::StartsAt)
        .order_by_asc(activity::Column::Title)
        .all(conn)
        .await?;
    with_speakers(conn, models).await
}

/// Meetings that have not ended yet, soonest first.
pub async fn upcoming_meetings(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<Vec<Activity>, DbErr> {
    let models = activity::Entity::find()
        .filter(activity::Column::Kind.eq(ActivityKind::Meeting))
        .filter(activity::Column::EndsAt.gt(now))
        .order_by_asc(activity::Column::StartsAt)
        .all(conn)
        .await?;
    with_speakers(conn, models).await
}

pub async fn fair_by_slug(
    conn: &impl ConnectionTrait,
    slug: &str,
) -> Result<Option<fair::Model>, DbErr> {
    fair::Entity::find()
        .filter(fair::Column::Slug.eq(slug))
        .one(conn)
        .await
}

/// Which meetings concern a place: with a region, those of the region or of one of its
/// districts; with a district, those of the district and the region-wide ones of its region
/// (a region's meeting that names no districts concerns every district in it). Only meetings
/// that have not ended by `now`. `Ok(None)`: an unknown region or district, or a district
/// outside the region.
pub async fn meetings_in(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    region_slug: Option<&str>,
    district_slug: Option<&str>,
) -> Result<Option<Vec<Activity>>, DbErr> {
    let region = match region_slug {
        Some(slug) => match region::Entity::find()
            .filter(region::Column::Slug.eq(slug))
            .one(conn)
            .await?
        {
            Some(r) => Some(r),
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
            Some(d) => Some(d),
            None => return Ok(None),
        },
        None => None,
    };
    if let (Some(r), Some(d)) = (&region, &district)
        && d.region_id != r.id
    {
        return Ok(None);
    }
    let meetings = upcoming_meetings(conn, now).await?;
    if region.is_none() && district.is_none() {
        return Ok(Some(meetings));
    }
    let links = activity_district::Entity::find().all(conn).await?;
    let districts_of = |id: i32| -> Vec<i32> {
        links
            .iter()
            .filter(|l| l.activity_id == id)
            .map(|l| l.district_id)
            .collect()
    };
    let region_id = region
        .as_ref()
        .map(|r| r.id)
        .or(district.as_ref().map(|d| d.region_id));
    let region_districts: Vec<i32> = match region_id {
        Some(id) => district::Entity::find()
            .filter(district::Column::RegionId.eq(id))
            .all(conn)
            .await?
            .into_iter()
            .map(|d| d.id)
            .collect(),
        None => Vec::new(),
    };
    Ok(Some(
        meetings
            .into_iter()
            .filter(|m| {
                let named = districts_of(m.model.id);
                match &district {
                    Some(d) => {
                        named.contains(&d.id)
                            || (named.is_empty() && m.model.region_id == Some(d.region_id))
                    }
                    None => {
                        m.model.region_id == region_id
                            || named.iter().any(|n| region_districts.contains(n))
                    }
                }
            })
            .collect(),
    ))
}

/// One workshop or meeting with its speakers.
pub async fn activity(conn: &impl ConnectionTrait, id: i32) -> Result<Option<Activity>, DbErr> {
    let Some(model) = activity::Entity::find_by_id(id).one(conn).await? else {
        return Ok(None);
    };
    Ok(with_speakers(conn, vec![model]).await?.pop())
}

/// The zones activities are told in ([`Activity::zone`]): each fair's, Prague's for a meeting.
pub struct Zones(HashMap<i32, Tz>);

impl Zones {
    pub fn of(&self, a: &activity::Model) -> Tz {
        a.fair_id
            .and_then(|id| self.0.get(&id).copied())
            .unwrap_or(crate::timezone::DEFAULT)
    }
}

/// The [`Zones`] of `activities`' fairs.
pub async fn zones<'a>(
    conn: &impl ConnectionTrait,
    activities: impl IntoIterator<Item = &'a activity::Model>,
) -> Result<Zones, DbErr> {
    let places = fair_places(conn, activities.into_iter().filter_map(|a| a.fair_id)).await?;
    Ok(Zones(
        places.into_iter().map(|(id, p)| (id, p.zone)).collect(),
    ))
}

/// The zone of an activity of `kind` at fair `fair_id` (a form's, before it is stored).
pub async fn zone_of(
    conn: &impl ConnectionTrait,
    kind: ActivityKind,
    fair_id: Option<i32>,
) -> Result<Tz, DbErr> {
    let fair = fair_id.filter(|_| kind == ActivityKind::Workshop);
    let places = fair_places(conn, fair).await?;
    Ok(places
        .values()
        .next()
        .map_or(crate::timezone::DEFAULT, |p| p.zone))
}

/// Where a fair is and which zone its times are in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FairPlace {
    pub venue: String,
    pub zone: Tz,
}

/// The venues and zones of `fairs`, by fair id.
pub async fn fair_places(
    conn: &impl ConnectionTrait,
    fairs: impl IntoIterator<Item = i32>,
) -> Result<HashMap<i32, FairPlace>, DbErr> {
    let fairs: BTreeSet<i32> = fairs.into_iter().collect();
    if fairs.is_empty() {
        return Ok(HashMap::new());
    }
    let places = fair::Entity::find()
        .select_only()
        .columns([
            fair::Column::Id,
            fair::Column::Venue,
            fair::Column::Timezone,
        ])
        .filter(fair::Column::Id.is_in(fairs))
        .into_tuple::<(i32, String, String)>()
        .all(conn)
        .await?;
    Ok(places
        .into_iter()
        .map(|(id, venue, zone)| {
            let zone = crate::timezone::zone_of(&zone);
            (id, FairPlace { venue, zone })
        })
        .collect())
}

/// `models` with their speakers in order and their fairs' venues and zones, loaded with one query each
/// for all.
pub async fn with_speakers(
    conn: &impl ConnectionTrait,
    models: Vec<activity::Model>,
) -> Result<Vec<Activity>, DbErr> {
    let speakers = models.load_many(speaker::Entity, conn).await?;
    let places = fair_places(conn, models.iter().filter_map(|m| m.fair_id)).await?;
    Ok(models
        .into_iter()
        .zip(speakers)
        .map(|(model, mut speakers)| {
            speakers.sort_by_key(|s| s.position);
            let place = model.fair_id.and_then(|id| places.get(&id));
            Activity {
                venue: place.map(|p| p.venue.clone()),
                zone: place.map_or(crate::timezone::DEFAULT, |p| p.zone),
                model,
                speakers,
            }
        })
        .collect())
}
