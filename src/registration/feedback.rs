//! Feedback on an attended activity: a rating from 1 to 5 and an optional comment, given from
//! the certificate of attendance (page or API) and changed there as often as wished. Organisers
//! read it per activity, without names ([`summary`]): the projects that fund these fairs ask how
//! they were received.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{enums::RegistrationStatus, feedback, registration};

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, sea_query::OnConflict,
};

use super::manage::find_person;
use crate::{domain::FieldError, i18n::Lang, organiser::ManageError, startup::AppState};

/// The longest comment, in characters.
pub const COMMENT_MAX: usize = 2000;

/// What a participant sends: `rating` as typed (a form's radio buttons or the API's number).
#[derive(Debug, Default)]
pub struct FeedbackInput {
    pub rating: Option<i32>,
    pub comment: String,
}

/// The rating and the trimmed comment (`None` when empty), or the fields to fix.
pub fn check(input: &FeedbackInput) -> Result<(i32, Option<String>), Vec<FieldError>> {
    let mut errors = Vec::new();
    let rating = match input.rating {
        Some(r @ 1..=5) => Some(r),
        Some(_) => {
            errors.push(FieldError::new("rating", "rating_range"));
            None
        }
        None => {
            errors.push(FieldError::new("rating", "required"));
            None
        }
    };
    let comment = crate::organiser::text("comment", &input.comment, COMMENT_MAX, true)
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    match rating {
        Some(rating) if errors.is_empty() => Ok((rating, comment)),
        _ => Err(errors),
    }
}

/// The person's feedback on their attended registrations, by registration id.
pub async fn given(
    conn: &impl ConnectionTrait,
    registrations: impl IntoIterator<Item = i32>,
) -> Result<Vec<feedback::Model>, DbErr> {
    let ids: Vec<i32> = registrations.into_iter().collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    feedback::Entity::find()
        .filter(feedback::Column::RegistrationId.is_in(ids))
        .all(conn)
        .await
}

/// Stores the feedback of the person behind `plain` on their registration `registration_id`,
/// replacing what they gave before; what was stored (the comment trimmed). `NotFound` for a
/// link that opens nothing or a registration that is not theirs or not attended; `Invalid`
/// changes nothing.
pub async fn give_feedback(
    state: &AppState,
    plain: &str,
    registration_id: i32,
    input: &FeedbackInput,
    now: DateTime<Utc>,
) -> Result<(i32, Option<String>), ManageError> {
    let person = find_person(state, plain)
        .await?
        .ok_or(ManageError::NotFound)?;
    let attended = registration::Entity::find_by_id(registration_id)
        .filter(registration::Column::PersonId.eq(person.id))
        .filter(registration::Column::Status.eq(RegistrationStatus::Attended))
        .one(state.db.conn())
        .await?
        .ok_or(ManageError::NotFound)?;
    let (rating, comment) = check(input).map_err(ManageError::Invalid)?;
    let row = feedback::ActiveModel {
        registration_id: Set(attended.id),
        activity_id: Set(attended.activity_id),
        rating: Set(rating),
        comment: Set(comment.clone()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    // One statement: two submissions at once cannot both insert.
    let upsert = OnConflict::column(feedback::Column::RegistrationId)
        .update_columns([
            feedback::Column::Rating,
            feedback::Column::Comment,
            feedback::Column::UpdatedAt,
        ])
        .to_owned();
    let txn = state.db.begin_write().await?;
    feedback::Entity::insert(row)
        .on_conflict(upsert)
        .exec(&*txn)
        .await?;
    txn.commit().await?;
    Ok((rating, comment))
}

/// An activity's feedback as organisers read it: how many gave which rating, and the comments,
/// newest first, without names.
#[derive(Debug, Default, PartialEq)]
pub struct Summary {
    /// `counts[r - 1]`: how many rated `r`.
    pub counts: [u32; 5],
    pub comments: Vec<(i32, String)>,
}

impl Summary {
    /// Counts `n` more ratings of `rating` (one outside 1–5, which the database refuses, is
    /// not counted).
    fn add(&mut self, rating: i32, n: u32) {
        if let Some(slot) = usize::try_from(rating - 1)
            .ok()
            .and_then(|i| self.counts.get_mut(i))
        {
            *slot += n;
        }
    }

    pub fn total(&self) -> u32 {
        self.counts.iter().sum()
    }

    /// Counts `other`'s ratings in too (not its comments): several activities' ratings as one.
    pub fn absorb(&mut self, other: &Summary) {
        for (mine, theirs) in self.counts.iter_mut().zip(other.counts) {
            *mine += theirs;
        }
    }

    /// The mean rating, `None` without any.
    pub fn average(&self) -> Option<f64> {
        let total = self.total();
        let sum: u32 = (1..).zip(self.counts).map(|(r, n)| r * n).sum();
        (total > 0).then(|| f64::from(sum) / f64::from(total))
    }

    /// The mean as the reader writes it: "4,5" in Czech, "4.5" in English.
    pub fn average_in(&self, lang: Lang) -> Option<String> {
        self.average().map(|a| {
            let a = format!("{a:.1}");
            match lang {
                Lang::Cs => a.replace('.', ","),
                Lang::En => a,
            }
        })
    }
}

/// The rating counts of `activities` (no comments), by activity id; those without feedback
/// are left out.
pub async fn ratings(
    conn: &impl ConnectionTrait,
    activities: impl IntoIterator<Item = i32>,
) -> Result<HashMap<i32, Summary>, DbErr> {
    let ids: Vec<i32> = activities.into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i32, i32, i64)> = feedback::Entity::find()
        .select_only()
        .column(feedback::Column::ActivityId)
        .column(feedback::Column::Rating)
        .column_as(feedback::Column::Id.count(), "n")
        .filter(feedback::Column::ActivityId.is_in(ids))
        .group_by(feedback::Column::ActivityId)
        .group_by(feedback::Column::Rating)
        .into_tuple()
        .all(conn)
        .await?;
    let mut by_activity: HashMap<i32, Summary> = HashMap::new();
    for (activity, rating, n) in rows {
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        by_activity.entry(activity).or_default().add(rating, n);
    }
    Ok(by_activity)
}

pub async fn summary(conn: &impl ConnectionTrait, activity_id: i32) -> Result<Summary, DbErr> {
    let rows = feedback::Entity::find()
        .filter(feedback::Column::ActivityId.eq(activity_id))
        .order_by_desc(feedback::Column::UpdatedAt)
        .all(conn)
        .await?;
    let mut summary = Summary::default();
    for row in rows {
        summary.add(row.rating, 1);
        if let Some(comment) = row.comment {
            summary.comments.push((row.rating, comment));
        }
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn input(rating: Option<i32>, comment: &str) -> FeedbackInput {
        FeedbackInput {
            rating,
            comment: comment.into(),
        }
    }

    #[test]
    fn a_rating_is_required_and_from_one_to_five() {
        let codes = |r| check(&input(r, "")).unwrap_err()[0].code;
        assert_eq!(codes(None), "required");
        assert_eq!(codes(Some(0)), "rating_range");
        assert_eq!(codes(Some(6)), "rating_range");
        assert_eq!(check(&input(Some(5), "  ")), Ok((5, None)));
        assert_eq!(
            check(&input(Some(4), " Skvělé!\nDěkuji. ")),
            Ok((4, Some("Skvělé!\nDěkuji.".into())))
        );
    }

    #[test]
    fn a_long_comment_is_refused_with_the_rating_checked_too() {
        let long = "a".repeat(COMMENT_MAX + 1);
        let errors = check(&input(Some(9), &long)).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| (e.field, e.code)).collect();
        assert_eq!(
            fields,
            [("rating", "rating_range"), ("comment", "too_long")]
        );
    }

    #[test]
    fn the_summary_counts_and_averages() {
        let summary = Summary {
            counts: [0, 0, 1, 0, 3],
            comments: Vec::new(),
        };
        assert_eq!(summary.total(), 4);
        assert_eq!(summary.average(), Some(4.5));
        assert_eq!(summary.average_in(Lang::Cs).as_deref(), Some("4,5"));
        assert_eq!(summary.average_in(Lang::En).as_deref(), Some("4.5"));
        assert_eq!(Summary::default().average(), None);
    }

    proptest! {
        #[test]
        fn only_ratings_from_one_to_five_pass(rating in any::<i32>(), comment in ".{0,50}") {
            let checked = check(&input(Some(rating), &comment));
            if !(1..=5).contains(&rating) {
                prop_assert!(checked.is_err());
            }
            if let Ok((r, _)) = checked {
                prop_assert_eq!(r, rating);
            }
        }
    }
}
