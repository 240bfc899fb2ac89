//! The audit log: who changed what, with the row before and after as JSON. Written through the
//! change's own transaction, so a change and its record commit (or vanish) together.

use chrono::Utc;
use entity::audit_event;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DbErr};
use serde::Serialize;

/// One audit entry; `who` is `None` for the system (command line, first start).
pub async fn record<T: Serialize>(
    txn: &impl ConnectionTrait,
    who: Option<i32>,
    action: &str,
    subject_type: &str,
    subject_id: Option<i32>,
    before: Option<&T>,
    after: Option<&T>,
) -> Result<(), DbErr> {
    let json = |v: Option<&T>| {
        v.map(serde_json::to_string)
            .transpose()
            .map_err(|e| DbErr::Json(e.to_string()))
    };
    audit_event::ActiveModel {
        organiser_id: Set(who),
        action: Set(action.to_owned()),
        subject_type: Set(subject_type.to_owned()),
        subject_id: Set(subject_id),
        before: Set(json(before)?),
        after: Set(json(after)?),
        at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}
