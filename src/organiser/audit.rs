//! The audit log: who changed what, with the row before and after as JSON. Written through the
//! change's own transaction, so a change and its record commit (or vanish) together.
//!
//! Read by admins only (see `roles`): [`page`] lists entries newest first with filters,
//! [`changes`] turns a before/after pair into the fields that differ, and [`export`] writes the
//! filtered log as CSV or JSON page by page.

use chrono::{DateTime, NaiveDate, Utc};
use entity::{audit_event, organiser};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Select,
};
use serde::Serialize;
use serde_json::Value;
use tokio::io::{AsyncWrite, AsyncWriteExt};

use super::{Action, ManageError, Principal, Subject, can};
use crate::{domain::FieldError, export::cell::neutralise, timezone};

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

/// Entries per page on the audit page and the API.
pub const PAGE_SIZE: u64 = 50;

/// Which entries to show; every part optional.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub organiser_id: Option<i32>,
    pub action: Option<String>,
    pub subject_type: Option<String>,
    /// From the start of this day (Prague), inclusive.
    pub from: Option<DateTime<Utc>>,
    /// Before the end of this day (Prague), inclusive of the day.
    pub until: Option<DateTime<Utc>>,
}

impl AuditFilter {
    /// The filter from form or query text: `organiser` an id, `from`/`to` days as
    /// `YYYY-MM-DD`; blanks mean "any".
    pub fn parse(
        organiser: &str,
        action: &str,
        subject_type: &str,
        from: &str,
        to: &str,
    ) -> Result<AuditFilter, Vec<FieldError>> {
        let mut errors = Vec::new();
        let text = |v: &str| Some(v.trim()).filter(|v| !v.is_empty()).map(str::to_owned);
        let organiser_id = match organiser.trim() {
            "" => None,
            v => v.parse().ok().or_else(|| {
                errors.push(FieldError::new("organiser", "unknown_choice"));
                None
            }),
        };
        let mut day = |field: &'static str, v: &str, next: bool| match v.trim() {
            "" => None,
            v => match NaiveDate::parse_from_str(v, "%Y-%m-%d") {
                Ok(d) => {
                    let d = if next { d.succ_opt().unwrap_or(d) } else { d };
                    timezone::start_of_day(d, timezone::DEFAULT)
                }
                Err(_) => {
                    errors.push(FieldError::new(field, "invalid_date"));
                    None
                }
            },
        };
        let from = day("from", from, false);
        let until = day("to", to, true);
        if let (Some(f), Some(u)) = (from, until)
            && u <= f
        {
            errors.push(FieldError::new("to", "ends_before_start"));
        }
        if errors.is_empty() {
            Ok(AuditFilter {
                organiser_id,
                action: text(action),
                subject_type: text(subject_type),
                from,
                until,
            })
        } else {
            Err(errors)
        }
    }

    fn select(&self) -> Select<audit_event::Entity> {
        let mut select = audit_event::Entity::find();
        if let Some(id) = self.organiser_id {
            select = select.filter(audit_event::Column::OrganiserId.eq(id));
        }
        if let Some(action) = &self.action {
            select = select.filter(audit_event::Column::Action.eq(action.as_str()));
        }
        if let Some(kind) = &self.subject_type {
            select = select.filter(audit_event::Column::SubjectType.eq(kind.as_str()));
        }
        if let Some(from) = self.from {
            select = select.filter(audit_event::Column::At.gte(from));
        }
        if let Some(until) = self.until {
            select = select.filter(audit_event::Column::At.lt(until));
        }
        select
    }
}

/// An entry with its organiser's address (`None`: the system, or a deleted account).
#[derive(Clone, Debug)]
pub struct Entry {
    pub event: audit_event::Model,
    pub organiser: Option<String>,
}

impl Entry {
    pub fn before(&self) -> Option<Value> {
        parse(self.event.before.as_deref())
    }

    pub fn after(&self) -> Option<Value> {
        parse(self.event.after.as_deref())
    }
}

fn parse(text: Option<&str>) -> Option<Value> {
    text.map(|t| serde_json::from_str(t).unwrap_or_else(|_| Value::String(t.to_owned())))
}

/// Entries matching `filter`, newest first, older than entry `before_id` when given (the
/// next page starts after the last id of this one).
pub async fn page(
    conn: &impl ConnectionTrait,
    who: &Principal,
    filter: &AuditFilter,
    before_id: Option<i32>,
    limit: u64,
) -> Result<Vec<Entry>, ManageError> {
    if !can(who, Action::View, Subject::AuditLog) {
        return Err(ManageError::Forbidden);
    }
    Ok(read_page(conn, filter, before_id, limit).await?)
}

async fn read_page(
    conn: &impl ConnectionTrait,
    filter: &AuditFilter,
    before_id: Option<i32>,
    limit: u64,
) -> Result<Vec<Entry>, DbErr> {
    let mut select = filter.select();
    if let Some(id) = before_id {
        select = select.filter(audit_event::Column::Id.lt(id));
    }
    let rows = select
        .find_also_related(organiser::Entity)
        .order_by_desc(audit_event::Column::Id)
        .limit(limit)
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(event, who)| Entry {
            event,
            organiser: who.map(|o| o.email),
        })
        .collect())
}

/// The choices of the filter form: organisers (id, email), actions and subject types in use.
pub struct Choices {
    pub organisers: Vec<(i32, String)>,
    pub actions: Vec<String>,
    pub subject_types: Vec<String>,
}

pub async fn choices(conn: &impl ConnectionTrait) -> Result<Choices, DbErr> {
    let organisers = organiser::Entity::find()
        .select_only()
        .column(organiser::Column::Id)
        .column(organiser::Column::Email)
        .order_by_asc(organiser::Column::Email)
        .into_tuple()
        .all(conn)
        .await?;
    let distinct = |column: audit_event::Column| {
        audit_event::Entity::find()
            .select_only()
            .column(column)
            .distinct()
            .order_by_asc(column)
            .into_tuple::<String>()
            .all(conn)
    };
    Ok(Choices {
        organisers,
        actions: distinct(audit_event::Column::Action).await?,
        subject_types: distinct(audit_event::Column::SubjectType).await?,
    })
}

/// One field of a before/after pair; values as compact JSON text (`null` when absent).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    pub field: String,
    pub before: String,
    pub after: String,
    pub changed: bool,
}

/// The fields of `before` and `after` (objects), in key order, each marked changed or not (only
/// when there is both a before and an after: a record created or deleted is shown as it is); a
/// value that is not an object is shown as one field named `value`.
pub fn changes(before: Option<&Value>, after: Option<&Value>) -> Vec<Change> {
    let object = |v: Option<&Value>| match v {
        None | Some(Value::Null) => serde_json::Map::new(),
        Some(Value::Object(map)) => map.clone(),
        Some(other) => serde_json::Map::from_iter([("value".to_owned(), other.clone())]),
    };
    let (before, after) = (object(before), object(after));
    let compared = !before.is_empty() && !after.is_empty();
    let value = |map: &serde_json::Map<String, Value>, field: &str| {
        map.get(field).cloned().unwrap_or(Value::Null)
    };
    let mut fields: Vec<&String> = before.keys().chain(after.keys()).collect();
    fields.sort();
    fields.dedup();
    let show = |v: Option<&Value>| match v {
        None => "null".to_owned(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    fields
        .into_iter()
        .map(|field| Change {
            field: field.clone(),
            before: show(before.get(field)),
            after: show(after.get(field)),
            changed: compared && value(&before, field) != value(&after, field),
        })
        .collect()
}

/// The formats of [`export`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// RFC 4180, UTF-8 with a BOM; cells neutralised against formulas.
    Csv,
    /// An array of objects; before and after as JSON values.
    Json,
}

/// Columns of the CSV export.
pub const CSV_HEADER: [&str; 8] = [
    "id",
    "at",
    "organiser",
    "action",
    "subject_type",
    "subject_id",
    "before",
    "after",
];

/// Writes the log matching `filter` to `out`, newest first, [`EXPORT_PAGE`] entries at a time.
pub async fn export<W: AsyncWrite + Unpin + Send>(
    conn: &impl ConnectionTrait,
    who: &Principal,
    filter: &AuditFilter,
    format: ExportFormat,
    mut out: W,
) -> Result<u64, ManageError> {
    if !can(who, Action::Export, Subject::AuditLog) {
        return Err(ManageError::Forbidden);
    }
    let mut buf = Vec::new();
    match format {
        ExportFormat::Csv => {
            buf.extend_from_slice("\u{feff}".as_bytes());
            csv_rows(&mut buf, [CSV_HEADER.map(str::to_owned)])?;
        }
        ExportFormat::Json => buf.push(b'['),
    }
    let mut written = 0u64;
    let mut before_id = None;
    loop {
        let entries = read_page(conn, filter, before_id, EXPORT_PAGE).await?;
        for entry in &entries {
            match format {
                ExportFormat::Csv => csv_rows(&mut buf, [csv_row(entry)])?,
                ExportFormat::Json => {
                    if written > 0 {
                        buf.push(b',');
                    }
                    serde_json::to_writer(&mut buf, &json_row(entry))
                        .map_err(|e| DbErr::Json(e.to_string()))?;
                }
            }
            written += 1;
        }
        out.write_all(&buf).await.map_err(io)?;
        buf.clear();
        match entries.last() {
            Some(last) if entries.len() as u64 == EXPORT_PAGE => before_id = Some(last.event.id),
            _ => break,
        }
    }
    if format == ExportFormat::Json {
        out.write_all(b"]").await.map_err(io)?;
    }
    out.flush().await.map_err(io)?;
    Ok(written)
}

/// Entries read per query of an export.
pub const EXPORT_PAGE: u64 = 500;

fn io(err: std::io::Error) -> ManageError {
    ManageError::Db(DbErr::Custom(format!("writing the audit export: {err}")))
}

fn csv_rows<const N: usize>(
    buf: &mut Vec<u8>,
    rows: impl IntoIterator<Item = [String; N]>,
) -> Result<(), ManageError> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(buf);
    for row in rows {
        writer
            .write_record(row.iter().map(|cell| neutralise(cell).into_owned()))
            .map_err(|e| ManageError::Db(DbErr::Custom(e.to_string())))?;
    }
    writer
        .flush()
        .map_err(|e| ManageError::Db(DbErr::Custom(e.to_string())))
}

fn csv_row(entry: &Entry) -> [String; 8] {
    let e = &entry.event;
    [
        e.id.to_string(),
        // Local time to the second, with its offset: readable in a spreadsheet, unambiguous
        // across the autumn hour.
        e.at.with_timezone(&crate::timezone::DEFAULT)
            .format("%Y-%m-%d %H:%M:%S %:z")
            .to_string(),
        entry.organiser.clone().unwrap_or_default(),
        e.action.clone(),
        e.subject_type.clone(),
        e.subject_id.map(|id| id.to_string()).unwrap_or_default(),
        e.before.clone().unwrap_or_default(),
        e.after.clone().unwrap_or_default(),
    ]
}

/// An entry as the JSON export and the API give it.
#[derive(Serialize)]
pub struct JsonEntry {
    pub id: i32,
    pub at: DateTime<Utc>,
    pub organiser_id: Option<i32>,
    pub organiser: Option<String>,
    pub action: String,
    pub subject_type: String,
    pub subject_id: Option<i32>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

pub fn json_row(entry: &Entry) -> JsonEntry {
    let e = &entry.event;
    JsonEntry {
        id: e.id,
        at: e.at,
        organiser_id: e.organiser_id,
        organiser: entry.organiser.clone(),
        action: e.action.clone(),
        subject_type: e.subject_type.clone(),
        subject_id: e.subject_id,
        before: entry.before(),
        after: entry.after(),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;

    #[test]
    fn changes_list_every_field_once_and_mark_the_changed_ones() {
        let before = json!({"title": "Čtení", "capacity": 20, "room": null});
        let after = json!({"title": "Čtení", "capacity": 25, "topic": "jazyk"});
        let got = changes(Some(&before), Some(&after));
        let fields: Vec<(&str, &str, &str, bool)> = got
            .iter()
            .map(|c| (&*c.field, &*c.before, &*c.after, c.changed))
            .collect();
        assert_eq!(
            fields,
            [
                ("capacity", "20", "25", true),
                // A field left out reads as null: nothing changed.
                ("room", "null", "null", false),
                ("title", "Čtení", "Čtení", false),
                ("topic", "null", "jazyk", true),
            ]
        );
    }

    #[test]
    fn a_creation_has_only_an_after_and_a_bare_value_is_one_field() {
        let got = changes(None, Some(&json!({"id": 3})));
        assert_eq!(got[0].before, "null");
        assert!(
            !got[0].changed,
            "a new record is shown as it is, not as all changed"
        );
        assert_eq!(changes(Some(&json!(5)), None)[0].field, "value");
    }

    #[test]
    fn the_filter_reads_prague_days_and_refuses_bad_dates() {
        let f =
            AuditFilter::parse("3", " organiser.disable ", "", "2027-01-13", "2027-01-13").unwrap();
        assert_eq!(f.organiser_id, Some(3));
        assert_eq!(f.action.as_deref(), Some("organiser.disable"));
        assert_eq!(f.subject_type, None);
        // Midnight in Prague in winter is 23:00 UTC the day before; "to" covers the whole day.
        assert_eq!(f.from.unwrap().to_rfc3339(), "2027-01-12T23:00:00+00:00");
        assert_eq!(f.until.unwrap().to_rfc3339(), "2027-01-13T23:00:00+00:00");
        let err = AuditFilter::parse("x", "", "", "13. 1. 2027", "").unwrap_err();
        let fields: Vec<_> = err.iter().map(|e| (e.field, e.code)).collect();
        assert_eq!(
            fields,
            [("organiser", "unknown_choice"), ("from", "invalid_date")]
        );
        let err = AuditFilter::parse("", "", "", "2027-01-14", "2027-01-12").unwrap_err();
        assert_eq!(err[0].code, "ends_before_start");
    }

    proptest! {
        /// Any text: no panic, and an error names only a field that was filled in.
        #[test]
        fn any_filter_text_reads_safely(
            organiser in "\\PC{0,12}|[0-9]{1,12}",
            from in "\\PC{0,12}|[0-9-]{0,12}",
            to in "\\PC{0,12}|[0-9-]{0,12}",
        ) {
            if let Err(errors) = AuditFilter::parse(&organiser, "", "", &from, &to) {
                for e in errors {
                    let text = match e.field {
                        "organiser" => &organiser,
                        "from" => &from,
                        _ => &to,
                    };
                    prop_assert!(!text.trim().is_empty(), "{e:?}");
                }
            }
        }

        /// `from` and `to` days mean Prague midnights: from the start of the first day to the
        /// end of the last, across daylight-saving changes.
        #[test]
        fn days_are_whole_prague_days(start in 0u64..3650, days in 0u64..400) {
            let first = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + chrono::Days::new(start);
            let last = first + chrono::Days::new(days);
            let f = AuditFilter::parse("", "", "", &first.to_string(), &last.to_string()).unwrap();
            let from = f.from.unwrap().with_timezone(&timezone::DEFAULT);
            let until = f.until.unwrap().with_timezone(&timezone::DEFAULT);
            prop_assert_eq!(from.date_naive(), first);
            prop_assert_eq!(until.date_naive(), last.succ_opt().unwrap());
            prop_assert_eq!(from.time(), chrono::NaiveTime::MIN);
            prop_assert_eq!(until.time(), chrono::NaiveTime::MIN);
        }
    }
}
