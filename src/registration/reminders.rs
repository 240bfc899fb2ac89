//! The reminder the day before: every confirmed registration whose activity starts within the
//! next 24 hours is reminded of, exactly once (a conditional update claims it, so several
//! instances can run this side by side), in one email per person for all of theirs that are
//! due together. Someone who confirmed within the last hour needs no reminder yet. Each
//! activity says "today" when it starts on the day the email is sent (a late confirmation),
//! and carries its entry link and QR code, as it is the email people open at the door.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use entity::{activity, enums::RegistrationStatus, person, registration};
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter, QuerySelect, sea_query::Expr};
use serde_json::json;

use super::mail_data;
use crate::{i18n::Lang, mail::MailKind, programme, startup::AppState};

/// Queues the reminders of up to 200 due registrations; returns how many emails.
pub async fn queue_reminders(state: &AppState, now: DateTime<Utc>) -> Result<usize, DbErr> {
    let due = registration::Entity::find()
        .filter(registration::Column::Status.eq(RegistrationStatus::Confirmed))
        .filter(registration::Column::ReminderQueuedAt.is_null())
        .filter(registration::Column::ConfirmedAt.lte(now - Duration::hours(1)))
        .find_also_related(activity::Entity)
        .filter(activity::Column::StartsAt.gt(now))
        .filter(activity::Column::StartsAt.lte(now + Duration::hours(24)))
        .limit(200)
        .all(state.db.conn())
        .await?;
    let mut by_person: BTreeMap<i32, Vec<registration::Model>> = BTreeMap::new();
    for (row, _) in due {
        by_person.entry(row.person_id).or_default().push(row);
    }
    let mut queued = 0;
    for (person_id, rows) in by_person {
        let txn = state.db.begin_write().await?;
        let Some(person) = person::Entity::find_by_id(person_id).one(&*txn).await? else {
            continue;
        };
        let lang = Lang::parse(&person.language).unwrap_or_default();
        let mut seats = Vec::new();
        for row in rows {
            let claimed = registration::Entity::update_many()
                .col_expr(registration::Column::ReminderQueuedAt, Expr::val(now))
                .filter(registration::Column::Id.eq(row.id))
                .filter(registration::Column::ReminderQueuedAt.is_null())
                .exec(&*txn)
                .await?;
            let activity = programme::activity(&*txn, row.activity_id).await?;
            if let (1, Some(activity)) = (claimed.rows_affected, activity) {
                seats.push((activity, row.id));
            }
        }
        seats.sort_by_key(|(a, _)| a.model.starts_at);
        if !seats.is_empty() {
            let activities: Vec<_> = seats
                .iter()
                .map(|(activity, registration_id)| {
                    let mut shown = mail_data::seat(
                        activity,
                        (person.id, *registration_id),
                        lang,
                        &state.links,
                    );
                    let local_day =
                        |at: DateTime<Utc>| at.with_timezone(&activity.zone).date_naive();
                    shown["today"] = (local_day(activity.model.starts_at) == local_day(now)).into();
                    shown
                })
                .collect();
            let data = json!({ "activities": activities });
            let mail = mail_data::to_person(MailKind::Reminder, &person, lang, &state.links, data);
            state.outbox.enqueue(&*txn, mail).await?;
            queued += 1;
        }
        txn.commit().await?;
    }
    if queued > 0 {
        state.mail_wake.notify_one();
    }
    Ok(queued)
}
