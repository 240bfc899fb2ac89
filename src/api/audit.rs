//! The audit log in the JSON API (admins): `GET /api/admin/audit`, newest first, 50 a page,
//! filtered like `/admin/audit`. The rules are `organiser::audit`.

use chrono::{DateTime, Utc};
use poem::{Request, web::Data};
use poem_openapi::{ApiResponse, Object, OpenApi, param::Query, payload::Json};

use super::{admin::OrganiserToken, error::AdminError, request_lang};
use crate::{
    organiser::audit::{self, AuditFilter},
    startup::AppState,
};

/// One organiser action with the subject before and after.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AuditEntry {
    pub id: i32,
    pub at: DateTime<Utc>,
    /// Absent: the system (command line, retention, a person's own request).
    pub organiser_id: Option<i32>,
    pub organiser: Option<String>,
    /// e.g. `activity.update`, `organiser.disable`, `person.anonymise`.
    pub action: String,
    pub subject_type: String,
    pub subject_id: Option<i32>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// Pass as `before` for the next (older) page; absent on the last page.
    pub next_before: Option<i32>,
}

#[derive(ApiResponse)]
pub enum AuditResponse {
    #[oai(status = 200)]
    Ok(Json<AuditPage>),
}

pub struct AuditApi;

#[OpenApi(
    prefix_path = "/admin",
    tag = "super::organisers::AccountTags::Accounts"
)]
impl AuditApi {
    /// The audit log, newest first (admins only). Filters: `organiser_id`, `action`,
    /// `subject_type`, and days `from` and `to` (`YYYY-MM-DD`, Prague time, both included).
    #[allow(clippy::too_many_arguments)]
    #[oai(path = "/audit", method = "get")]
    async fn list(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        organiser_id: Query<Option<i32>>,
        action: Query<Option<String>>,
        subject_type: Query<Option<String>>,
        from: Query<Option<String>>,
        to: Query<Option<String>>,
        before: Query<Option<i32>>,
    ) -> Result<AuditResponse, AdminError> {
        let lang = request_lang(req);
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let filter = AuditFilter::parse(
            &organiser_id.0.map(|id| id.to_string()).unwrap_or_default(),
            &text(&action.0),
            &text(&subject_type.0),
            &text(&from.0),
            &text(&to.0),
        )
        .map_err(|errors| AdminError::invalid(&errors, lang))?;
        let entries = audit::page(
            state.db.conn(),
            &auth.0,
            &filter,
            before.0,
            audit::PAGE_SIZE,
        )
        .await
        .map_err(|e| AdminError::from_manage(e, lang))?;
        let next_before = (entries.len() as u64 == audit::PAGE_SIZE)
            .then(|| entries.last().map(|e| e.event.id))
            .flatten();
        let entries = entries
            .iter()
            .map(|e| {
                let row = audit::json_row(e);
                AuditEntry {
                    id: row.id,
                    at: row.at,
                    organiser_id: row.organiser_id,
                    organiser: row.organiser,
                    action: row.action,
                    subject_type: row.subject_type,
                    subject_id: row.subject_id,
                    before: row.before,
                    after: row.after,
                }
            })
            .collect();
        Ok(AuditResponse::Ok(Json(AuditPage {
            entries,
            next_before,
        })))
    }
}
