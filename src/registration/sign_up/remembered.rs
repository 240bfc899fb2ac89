//! The activities people sign up for, as last read, so a sign-up is checked without reading
//! the programme.
//!
//! Every change an organiser makes to an activity (its speakers included) raises the
//! activity's revision, and every change to a fair the fair's. The writer reads both with the
//! seats it locks ([`super::write`]) and sends back a sign-up checked against older ones, to be
//! checked again against what the database holds now. So memory saves the reads but never
//! decides: no sign-up is written against a programme that has changed since, on this instance
//! or another.

use std::{
    collections::HashMap,
    sync::{Arc, RwLock},
};

use entity::{activity, fair};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

use crate::programme::{self, Activity};

/// Activities remembered at most; beyond that the memory is cleared (a season's programme is a
/// few hundred).
const MAX_REMEMBERED: usize = 10_000;

/// An activity with its fair, whose window and status it may inherit.
pub struct Bookable {
    pub activity: Activity,
    pub fair: Option<fair::Model>,
}

impl Bookable {
    /// The revisions this was read at: the activity's and its fair's.
    pub fn revisions(&self) -> (i32, Option<i32>) {
        (
            self.activity.model.revision,
            self.fair.as_ref().map(|f| f.revision),
        )
    }
}

/// This instance's memory of activities, by id.
#[derive(Default)]
pub struct Remembered(RwLock<HashMap<i32, Arc<Bookable>>>);

impl Remembered {
    /// Those of the activities `ids` (no two alike) that exist, by start time: from memory when
    /// every one is there and `fresh` is false, else from the database (and remembered).
    pub async fn get(
        &self,
        conn: &impl ConnectionTrait,
        ids: &[i32],
        fresh: bool,
    ) -> Result<Vec<Arc<Bookable>>, DbErr> {
        if !fresh && let Some(found) = self.recall(ids) {
            return Ok(found);
        }
        let (models, fairs): (Vec<_>, Vec<_>) = activity::Entity::find()
            .filter(activity::Column::Id.is_in(ids.iter().copied()))
            .find_also_related(fair::Entity)
            .order_by_asc(activity::Column::StartsAt)
            .all(conn)
            .await?
            .into_iter()
            .unzip();
        let found: Vec<Arc<Bookable>> = programme::with_speakers(conn, models)
            .await?
            .into_iter()
            .zip(fairs)
            .map(|(activity, fair)| Arc::new(Bookable { activity, fair }))
            .collect();
        let mut memory = self.0.write().expect("remembered activities lock");
        if memory.len() + found.len() > MAX_REMEMBERED {
            memory.clear();
        }
        for bookable in &found {
            memory.insert(bookable.activity.model.id, Arc::clone(bookable));
        }
        Ok(found)
    }

    fn recall(&self, ids: &[i32]) -> Option<Vec<Arc<Bookable>>> {
        let memory = self.0.read().expect("remembered activities lock");
        let mut found = ids
            .iter()
            .map(|id| memory.get(id).cloned())
            .collect::<Option<Vec<_>>>()?;
        found.sort_by_key(|b| b.activity.model.starts_at);
        Some(found)
    }
}
