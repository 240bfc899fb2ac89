//! Erasing a person's personal data, the one way it is done: on their own request ("delete my
//! data" on the manage page), by an organiser (`organiser::privacy`) and by the retention job.
//!
//! The person row stays, emptied, so every count stays true: registrations keep their status
//! and activity. Registrations of activities that have not started are cancelled, and their
//! seats go back and on to the waiting list; those of started or past activities keep their
//! status (who attended stays counted). The manage, feed and confirmation links stop working,
//! and mail to the old address is dropped or stripped. Their feedback keeps its ratings and
//! loses its comments.
//!
//! Retention: people whose every activity ended more than `VELETRH_RETENTION_MONTHS` ago (and
//! who signed up that long ago) are anonymised in batches; [`retention`] is what `veletrh
//! retention` and the hourly chore ([`RetentionSchedule`]) run.

use chrono::{DateTime, Months, Utc};
use entity::{activity, feedback, outbox_message, person, registration};
use sea_orm::{
    ColumnTrait, DbErr, EntityTrait, JoinType, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, RelationTrait, Select,
    sea_query::{Expr, ExprTrait, Query},
};
use serde_json::json;

use super::{cancel::cancel_row_at, sign_up::live};
use crate::{
    db::WriteTxn, domain::token::NewToken, mail::MailKind, organiser::audit, startup::AppState,
};

/// Who asked for an anonymisation; goes into the audit log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    /// The person, from their manage link.
    Own,
    /// An organiser (the audit entry names them).
    Organiser(i32),
    /// The retention job.
    Retention,
}

impl Reason {
    fn code(self) -> &'static str {
        match self {
            Reason::Own => "own_request",
            Reason::Organiser(_) => "organiser",
            Reason::Retention => "retention",
        }
    }
}

/// Anonymises `person_id` inside `txn` (the caller commits, then wakes the mail worker: freed
/// seats may have been offered). Returns how many registrations were cancelled, or `None` when
/// there is no such person or they were anonymised already (so a second click, or two
/// instances' retention jobs, change nothing).
pub async fn anonymise(
    state: &AppState,
    txn: &WriteTxn,
    person_id: i32,
    reason: Reason,
    now: DateTime<Utc>,
) -> Result<Option<usize>, DbErr> {
    let Some(before) = person::Entity::find_by_id(person_id)
        .filter(person::Column::AnonymisedAt.is_null())
        .one(&**txn)
        .await?
    else {
        return Ok(None);
    };
    // Claimed by one conditional update: a concurrent anonymisation of the same person sees no
    // row changed and stops here.
    let claimed = person::Entity::update_many()
        .col_expr(
            person::Column::Email,
            Expr::val(anonymous_address(person_id)),
        )
        .col_expr(person::Column::Name, Expr::val(""))
        .col_expr(
            person::Column::Organisation,
            Expr::val(Option::<String>::None),
        )
        .col_expr(person::Column::Role, Expr::val(Option::<String>::None))
        .col_expr(
            person::Column::ManageTokenHash,
            Expr::val(NewToken::generate().hash),
        )
        .col_expr(
            person::Column::FeedTokenHash,
            Expr::val(Option::<String>::None),
        )
        .col_expr(
            person::Column::FeedGeneration,
            Expr::col(person::Column::FeedGeneration).add(1),
        )
        .col_expr(
            person::Column::BouncedAt,
            Expr::val(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            person::Column::BounceReason,
            Expr::val(Option::<String>::None),
        )
        .col_expr(person::Column::AnonymisedAt, Expr::val(now))
        .col_expr(person::Column::UpdatedAt, Expr::val(now))
        .filter(person::Column::Id.eq(person_id))
        .filter(person::Column::AnonymisedAt.is_null())
        .exec(&**txn)
        .await?;
    if claimed.rows_affected == 0 {
        return Ok(None);
    }
    let upcoming = registration::Entity::find()
        .join(JoinType::InnerJoin, registration::Relation::Activity.def())
        .filter(registration::Column::PersonId.eq(person_id))
        .filter(registration::Column::Status.is_in(live()))
        .filter(activity::Column::StartsAt.gt(now))
        .order_by_asc(registration::Column::Id)
        .all(&**txn)
        .await?;
    let mut cancelled = 0;
    for row in &upcoming {
        if cancel_row_at(state, txn, row, now).await? {
            cancelled += 1;
        }
    }
    // Confirmation links of registrations kept as they were stop working too.
    registration::Entity::update_many()
        .col_expr(
            registration::Column::ConfirmTokenHash,
            Expr::val(Option::<String>::None),
        )
        .filter(registration::Column::PersonId.eq(person_id))
        .filter(registration::Column::ConfirmTokenHash.is_not_null())
        .exec(&**txn)
        .await?;
    // A comment may name its writer; the rating stays in the activity's feedback.
    let theirs = Query::select()
        .column(registration::Column::Id)
        .from(registration::Entity)
        .and_where(registration::Column::PersonId.eq(person_id))
        .to_owned();
    feedback::Entity::update_many()
        .col_expr(feedback::Column::Comment, Expr::val(Option::<String>::None))
        .filter(Expr::col(feedback::Column::RegistrationId).in_subquery(theirs))
        .exec(&**txn)
        .await?;
    scrub_mail(txn, &before.email, person_id).await?;
    // No personal data in the log: it would outlive the erasure.
    audit::record(
        &**txn,
        match reason {
            Reason::Organiser(id) => Some(id),
            Reason::Own | Reason::Retention => None,
        },
        "person.anonymise",
        "person",
        Some(person_id),
        None,
        Some(&json!({ "reason": reason.code(), "cancelled_registrations": cancelled })),
    )
    .await?;
    Ok(Some(cancelled))
}

/// The address an anonymised person keeps (unique, and undeliverable by RFC 6761).
pub fn anonymous_address(person_id: i32) -> String {
    format!("anonymised-{person_id}@invalid")
}

/// Mail to the same address that is not about registrations (an organiser account, an
/// exhibitor's contact): not the participant's, so left alone.
const OTHER_ROLES: [MailKind; 4] = [
    MailKind::OrganiserInvitation,
    MailKind::ExhibitorReceived,
    MailKind::ExhibitorApproved,
    MailKind::ExhibitorRejected,
];

/// Mail not yet sent to the old address is dropped (the person asked not to be contacted);
/// sent and failed messages keep their row for the counts, without the address or content.
async fn scrub_mail(txn: &WriteTxn, email: &str, person_id: i32) -> Result<(), DbErr> {
    let theirs = || {
        outbox_message::Column::Recipient
            .eq(email)
            .and(outbox_message::Column::Kind.is_not_in(OTHER_ROLES.map(MailKind::as_str)))
    };
    outbox_message::Entity::delete_many()
        .filter(theirs())
        .filter(outbox_message::Column::SentAt.is_null())
        .filter(outbox_message::Column::FailedAt.is_null())
        .exec(&**txn)
        .await?;
    outbox_message::Entity::update_many()
        .col_expr(
            outbox_message::Column::Recipient,
            Expr::val(anonymous_address(person_id)),
        )
        .col_expr(outbox_message::Column::Payload, Expr::val("{}"))
        .col_expr(
            outbox_message::Column::LastError,
            Expr::val(Option::<String>::None),
        )
        .filter(theirs())
        .exec(&**txn)
        .await?;
    Ok(())
}

/// People anonymised per transaction by the retention job.
const BATCH: u64 = 100;

/// The instant before which everything of a person must have ended for retention to take
/// them; `None` when retention is off (`months == 0`).
pub fn retention_cutoff(now: DateTime<Utc>, months: u32) -> Option<DateTime<Utc>> {
    if months == 0 {
        return None;
    }
    now.checked_sub_months(Months::new(months))
}

/// People due for retention: not anonymised, signed up before `cutoff`, and no registration of
/// theirs belongs to an activity ending at or after it.
fn due(cutoff: DateTime<Utc>) -> Select<person::Entity> {
    let recent = Query::select()
        .column((registration::Entity, registration::Column::PersonId))
        .from(registration::Entity)
        .inner_join(
            activity::Entity,
            Expr::col((activity::Entity, activity::Column::Id))
                .equals((registration::Entity, registration::Column::ActivityId)),
        )
        .and_where(Expr::col((activity::Entity, activity::Column::EndsAt)).gte(cutoff))
        .to_owned();
    person::Entity::find()
        .filter(person::Column::AnonymisedAt.is_null())
        .filter(person::Column::CreatedAt.lt(cutoff))
        .filter(person::Column::Id.not_in_subquery(recent))
}

/// Anonymises (or with `dry_run` only counts) everyone due for retention at `now` with
/// `months` of retention; returns how many. Running it again finds nobody new.
pub async fn retention(
    state: &AppState,
    now: DateTime<Utc>,
    months: u32,
    dry_run: bool,
) -> Result<u64, DbErr> {
    let Some(cutoff) = retention_cutoff(now, months) else {
        return Ok(0);
    };
    if dry_run {
        return due(cutoff).count(state.db.conn()).await;
    }
    let mut done = 0u64;
    loop {
        let ids: Vec<i32> = due(cutoff)
            .select_only()
            .column(person::Column::Id)
            .order_by_asc(person::Column::Id)
            .limit(BATCH)
            .into_tuple()
            .all(state.db.conn())
            .await?;
        if ids.is_empty() {
            break;
        }
        let txn = state.db.begin_write().await?;
        let mut in_batch = 0;
        for &id in &ids {
            if anonymise(state, &txn, id, Reason::Retention, now)
                .await?
                .is_some()
            {
                in_batch += 1;
            }
        }
        txn.commit().await?;
        done += in_batch;
        if (ids.len() as u64) < BATCH {
            break;
        }
    }
    if done > 0 {
        state.mail_wake.notify_one();
        tracing::info!(
            anonymised = done,
            months,
            "retention: personal data anonymised"
        );
    }
    Ok(done)
}

/// Runs retention from the chores loop at most once an hour: the query is cheap, but there is
/// nothing to gain from running it every few seconds.
pub struct RetentionSchedule {
    next: std::time::Instant,
}

impl Default for RetentionSchedule {
    fn default() -> Self {
        RetentionSchedule {
            next: std::time::Instant::now(),
        }
    }
}

impl RetentionSchedule {
    const EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

    pub async fn run_if_due(&mut self, state: &AppState) {
        let now = std::time::Instant::now();
        if now < self.next {
            return;
        }
        self.next = now + Self::EVERY;
        if let Err(err) = retention(state, Utc::now(), state.config.retention_months, false).await {
            tracing::warn!(error = %err, "retention failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn retention_reaches_back_whole_calendar_months_and_zero_turns_it_off() {
        let now = Utc.with_ymd_and_hms(2027, 3, 31, 12, 0, 0).unwrap();
        assert_eq!(retention_cutoff(now, 0), None);
        assert_eq!(
            retention_cutoff(now, 12),
            Some(Utc.with_ymd_and_hms(2026, 3, 31, 12, 0, 0).unwrap())
        );
        // February has no 31st: the last day of the month.
        assert_eq!(
            retention_cutoff(now, 1),
            Some(Utc.with_ymd_and_hms(2027, 2, 28, 12, 0, 0).unwrap())
        );
    }

    #[test]
    fn an_anonymous_address_is_unique_and_undeliverable() {
        assert_eq!(anonymous_address(7), "anonymised-7@invalid");
        assert_ne!(anonymous_address(7), anonymous_address(8));
    }
}
