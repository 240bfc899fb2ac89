//! The reminder the day before: every confirmed registration whose activity starts within the
//! next 24 hours gets one, exactly once (a conditional update claims it, so several instances
//! can run this side by side). Someone who confirmed within the last hour needs no reminder yet.
//! It says "today" when the activity starts on the day it is sent (a late confirmation), and
//! carries the entry link and QR code, as it is the email people open at the door.

use chrono::{DateTime, Duration, Utc};
use entity::{activity, enums::RegistrationStatus, person, registration};
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter, QuerySelect, sea_query::Expr};
use serde_json::json;

use super::mail_data;
use crate::{i18n::Lang, mail::MailKind, programme, startup::AppState, timezone};

/// Queues up to 200 due reminders; returns how many.
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
    let mut queued = 0;
    for (row, _) in due {
        let txn = state.db.begin_write().await?;
        let claimed = registration::Entity::update_many()
            .col_expr(registration::Column::ReminderQueuedAt, Expr::val(now))
            .filter(registration::Column::Id.eq(row.id))
            .filter(registration::Column::ReminderQueuedAt.is_null())
            .exec(&*txn)
            .await?;
        let person = person::Entity::find_by_id(row.person_id).one(&*txn).await?;
        let activity = programme::activity(&*txn, row.activity_id).await?;
        if let (1, Some(person), Some(activity)) = (claimed.rows_affected, person, activity) {
            let lang = Lang::parse(&person.language).unwrap_or_default();
            let local_day = |at: DateTime<Utc>| at.with_timezone(&timezone::DEFAULT).date_naive();
            let data = json!({
                "activity": mail_data::activity(&activity, lang, &state.links),
                "today": local_day(activity.model.starts_at) == local_day(now),
                "checkin_url": state.links.checkin_url(row.id),
            });
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
