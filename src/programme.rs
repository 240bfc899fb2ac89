//! Read side of the programme: what pages, the API and feeds show. No writes here.

use chrono::{DateTime, Utc};
use entity::{activity, enums::ActivityKind, fair, speaker};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, LoaderTrait, QueryFilter, QueryOrder,
};

/// A workshop or meeting with its speakers in their listed order.
pub struct Activity {
    pub model: activity::Model,
    pub speakers: Vec<speaker::Model>,
}

impl Activity {
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

async fn with_speakers(
    conn: &impl ConnectionTrait,
    models: Vec<activity::Model>,
) -> Result<Vec<Activity>, DbErr> {
    let speakers = models.load_many(speaker::Entity, conn).await?;
    Ok(models
        .into_iter()
        .zip(speakers)
        .map(|(model, mut speakers)| {
            speakers.sort_by_key(|s| s.position);
            Activity { model, speakers }
        })
        .collect())
}
