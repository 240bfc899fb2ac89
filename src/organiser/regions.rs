//! Managing regions (kraje), their districts (okresy) and each district's partnership (Okresní
//! partnerství): one implementation for the admin pages and the JSON API.
//!
//! - Regions and districts are changed by admins; a district's partnership also by the organiser
//!   of its region ([`super::can`], `Subject::Partnership`).
//! - Names are unique among regions, slugs among regions and among districts; a slug left empty
//!   is made from the name (`Rychnov n. Kněžnou` → `rychnov-n-kneznou`).
//! - Deleting is refused, with one `delete` field error per kind of dependant, while anything
//!   depends on the region or district (districts, meetings, series, organisers, people); a
//!   district's partnership goes with it.
//! - Feeds: no event shows a region's or district's name, but the regional feed's name does
//!   (`X-WR-CALNAME`) and which meetings a feed holds follows the districts' regions. A rename
//!   or a district moved to another region therefore raises `revision` and `updated_at` of every
//!   meeting in the regions concerned, so their feeds' Last-Modified moves with their bytes.
//!
//! Each change is one transaction with its `audit_event`.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use entity::{
    activity, activity_district, district, enums::ActivityKind, meeting_series, organiser,
    partnership, person, region,
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
    sea_query::{Expr, ExprTrait},
};
use serde::Serialize;

use super::{Action, ManageError, Principal, Subject, audit, can};
use crate::{
    domain::{FieldError, field_error::optional_text, slug::slugify},
    startup::AppState,
};

/// A region or district as an organiser sends it. On edit a missing field keeps its value; an
/// empty slug is made from the name.
#[derive(Clone, Debug, Default)]
pub struct PlaceInput {
    pub name: Option<String>,
    pub slug: Option<String>,
    /// Districts only: the region it belongs to.
    pub region_id: Option<i32>,
    /// Fields the edge could not read.
    pub problems: Vec<FieldError>,
}

/// A district's partnership as an organiser sends it.
#[derive(Clone, Debug, Default)]
pub struct PartnershipInput {
    pub name: Option<String>,
    /// Who started it, free text (one per line is usual).
    pub initiators: Option<String>,
}

/// A district with its partnership.
#[derive(Clone, Debug, Serialize)]
pub struct DistrictView {
    pub district: district::Model,
    pub partnership: Option<partnership::Model>,
}

/// A region with its districts, by name.
#[derive(Clone, Debug, Serialize)]
pub struct RegionView {
    pub region: region::Model,
    pub districts: Vec<DistrictView>,
}

fn allowed(who: &Principal, action: Action, subject: Subject) -> Result<(), ManageError> {
    if can(who, action, subject) {
        Ok(())
    } else {
        Err(ManageError::Forbidden)
    }
}

/// Every region with its districts and partnerships, by name (anyone signed in).
pub async fn overview(state: &AppState, who: &Principal) -> Result<Vec<RegionView>, ManageError> {
    allowed(who, Action::View, Subject::Regions)?;
    let conn = state.db.conn();
    let regions = region::Entity::find()
        .order_by_asc(region::Column::Name)
        .order_by_asc(region::Column::Id)
        .all(conn)
        .await?;
    let districts = district::Entity::find()
        .order_by_asc(district::Column::Name)
        .order_by_asc(district::Column::Id)
        .find_also_related(partnership::Entity)
        .all(conn)
        .await?;
    Ok(regions
        .into_iter()
        .map(|region| RegionView {
            districts: districts
                .iter()
                .filter(|(d, _)| d.region_id == region.id)
                .map(|(d, p)| DistrictView {
                    district: d.clone(),
                    partnership: p.clone(),
                })
                .collect(),
            region,
        })
        .collect())
}

pub async fn region(
    state: &AppState,
    who: &Principal,
    id: i32,
) -> Result<region::Model, ManageError> {
    allowed(who, Action::View, Subject::Regions)?;
    region::Entity::find_by_id(id)
        .one(state.db.conn())
        .await?
        .ok_or(ManageError::NotFound)
}

pub async fn district(
    state: &AppState,
    who: &Principal,
    id: i32,
) -> Result<DistrictView, ManageError> {
    allowed(who, Action::View, Subject::Regions)?;
    let (district, partnership) = district::Entity::find_by_id(id)
        .find_also_related(partnership::Entity)
        .one(state.db.conn())
        .await?
        .ok_or(ManageError::NotFound)?;
    Ok(DistrictView {
        district,
        partnership,
    })
}

/// A slug as typed, or (empty) made from the name: lower-case ASCII letters, digits, dashes.
fn slug_of(typed: Option<&str>, name: &str) -> Result<String, FieldError> {
    let typed = typed.map(str::trim).unwrap_or_default();
    let slug = if typed.is_empty() {
        slugify(name)
    } else {
        typed.to_owned()
    };
    if slug.is_empty() || slug.chars().count() > 100 || slugify(&slug) != slug {
        return Err(FieldError::new("slug", "invalid_slug"));
    }
    Ok(slug)
}

/// `input`'s name and slug over `name`/`slug` (the current ones; empty when creating).
fn name_and_slug(
    input: &PlaceInput,
    name: &str,
    slug: &str,
    errors: &mut Vec<FieldError>,
) -> (String, String) {
    let mut next_name = name.to_owned();
    match optional_text("name", input.name.as_deref().or(Some(name)), 100) {
        Ok(Some(n)) => next_name = n,
        Ok(None) => errors.push(FieldError::new("name", "required")),
        Err(e) => errors.push(e),
    }
    // A new name without a slug keeps the old slug on edit: links people saved keep working.
    let typed = input.slug.as_deref().or((!slug.is_empty()).then_some(slug));
    let next_slug = match slug_of(typed, &next_name) {
        Ok(s) => s,
        Err(e) => {
            if !errors.iter().any(|e| e.field == "name") {
                errors.push(e);
            }
            String::new()
        }
    };
    (next_name, next_slug)
}

fn invalid<T>(errors: Vec<FieldError>) -> Result<T, ManageError> {
    Err(ManageError::Invalid(errors))
}

/// Raises `revision` and `updated_at` of every meeting a feed of one of `regions` may hold: the
/// regions' own meetings and those aimed at one of their districts.
async fn bump_meetings_of(
    conn: &impl ConnectionTrait,
    regions: &BTreeSet<i32>,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    if regions.is_empty() {
        return Ok(0);
    }
    let districts: Vec<i32> = district::Entity::find()
        .select_only()
        .column(district::Column::Id)
        .filter(district::Column::RegionId.is_in(regions.iter().copied()))
        .into_tuple()
        .all(conn)
        .await?;
    let linked: Vec<i32> = activity_district::Entity::find()
        .select_only()
        .column(activity_district::Column::ActivityId)
        .filter(activity_district::Column::DistrictId.is_in(districts))
        .into_tuple()
        .all(conn)
        .await?;
    let result = activity::Entity::update_many()
        .col_expr(
            activity::Column::Revision,
            Expr::col(activity::Column::Revision).add(1),
        )
        .col_expr(activity::Column::UpdatedAt, Expr::val(now))
        .filter(activity::Column::Kind.eq(ActivityKind::Meeting))
        .filter(
            activity::Column::RegionId
                .is_in(regions.iter().copied())
                .or(activity::Column::Id.is_in(linked)),
        )
        .exec(conn)
        .await?;
    Ok(result.rows_affected)
}

async fn region_taken(
    conn: &impl ConnectionTrait,
    id: i32,
    name: &str,
    slug: &str,
) -> Result<Vec<FieldError>, DbErr> {
    let mut errors = Vec::new();
    let others = region::Entity::find()
        .filter(region::Column::Id.ne(id))
        .filter(
            region::Column::Name
                .eq(name)
                .or(region::Column::Slug.eq(slug)),
        )
        .order_by_asc(region::Column::Id)
        .all(conn)
        .await?;
    if others.iter().any(|r| r.name == name) {
        errors.push(FieldError::new("name", "taken"));
    }
    // A slug made from a taken name is that region's: one error, on the name, is enough.
    if others.iter().any(|r| r.slug == slug && r.name != name) {
        errors.push(FieldError::new("slug", "taken"));
    }
    Ok(errors)
}

pub async fn create_region(
    state: &AppState,
    who: &Principal,
    input: PlaceInput,
) -> Result<region::Model, ManageError> {
    allowed(who, Action::Create, Subject::Regions)?;
    let mut errors = input.problems.clone();
    let (name, slug) = name_and_slug(&input, "", "", &mut errors);
    if !errors.is_empty() {
        return invalid(errors);
    }
    let txn = state.db.begin_write().await?;
    let errors = region_taken(&*txn, 0, &name, &slug).await?;
    if !errors.is_empty() {
        return invalid(errors);
    }
    let created = region::ActiveModel {
        id: NotSet,
        name: Set(name),
        slug: Set(slug),
    }
    .insert(&*txn)
    .await?;
    audit::record(
        &*txn,
        Some(who.id),
        "region.create",
        "region",
        Some(created.id),
        None,
        Some(&created),
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Renames a region or changes its slug; a new name raises the revisions of its meetings (see
/// the module docs). Changing nothing changes nothing.
pub async fn update_region(
    state: &AppState,
    who: &Principal,
    id: i32,
    input: PlaceInput,
) -> Result<region::Model, ManageError> {
    allowed(who, Action::Edit, Subject::Regions)?;
    let txn = state.db.begin_write().await?;
    let before = region::Entity::find_by_id(id)
        .one(&*txn)
        .await?
        .ok_or(ManageError::NotFound)?;
    let mut errors = input.problems.clone();
    let (name, slug) = name_and_slug(&input, &before.name, &before.slug, &mut errors);
    if !errors.is_empty() {
        return invalid(errors);
    }
    let errors = region_taken(&*txn, id, &name, &slug).await?;
    if !errors.is_empty() {
        return invalid(errors);
    }
    if name == before.name && slug == before.slug {
        return Ok(before);
    }
    let after = region::ActiveModel {
        id: Set(id),
        name: Set(name),
        slug: Set(slug),
    }
    .update(&*txn)
    .await?;
    if after.name != before.name {
        bump_meetings_of(&*txn, &BTreeSet::from([id]), Utc::now()).await?;
    }
    audit::record(
        &*txn,
        Some(who.id),
        "region.update",
        "region",
        Some(id),
        Some(&before),
        Some(&after),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// `delete` errors for each kind of row that still depends on the region or district.
fn dependants(counts: &[(&'static str, u64)]) -> Vec<FieldError> {
    counts
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(code, n)| FieldError::new("delete", code).with_detail(n.to_string()))
        .collect()
}

/// Deletes a region nothing depends on (see the module docs).
pub async fn delete_region(
    state: &AppState,
    who: &Principal,
    id: i32,
) -> Result<region::Model, ManageError> {
    allowed(who, Action::Cancel, Subject::Regions)?;
    let txn = state.db.begin_write().await?;
    let before = region::Entity::find_by_id(id)
        .one(&*txn)
        .await?
        .ok_or(ManageError::NotFound)?;
    let errors = dependants(&[
        (
            "in_use_districts",
            district::Entity::find()
                .filter(district::Column::RegionId.eq(id))
                .count(&*txn)
                .await?,
        ),
        (
            "in_use_meetings",
            activity::Entity::find()
                .filter(activity::Column::RegionId.eq(id))
                .count(&*txn)
                .await?,
        ),
        (
            "in_use_series",
            meeting_series::Entity::find()
                .filter(meeting_series::Column::RegionId.eq(id))
                .count(&*txn)
                .await?,
        ),
        (
            "in_use_organisers",
            organiser::Entity::find()
                .filter(organiser::Column::RegionId.eq(id))
                .count(&*txn)
                .await?,
        ),
    ]);
    if !errors.is_empty() {
        return invalid(errors);
    }
    region::Entity::delete_by_id(id).exec(&*txn).await?;
    audit::record(
        &*txn,
        Some(who.id),
        "region.delete",
        "region",
        Some(id),
        Some(&before),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(before)
}

async fn check_district(
    conn: &impl ConnectionTrait,
    id: i32,
    region_id: i32,
    slug: &str,
) -> Result<Vec<FieldError>, DbErr> {
    let mut errors = Vec::new();
    if region::Entity::find_by_id(region_id)
        .one(conn)
        .await?
        .is_none()
    {
        errors.push(FieldError::new("region_id", "unknown_choice"));
    }
    let taken = district::Entity::find()
        .filter(district::Column::Id.ne(id))
        .filter(district::Column::Slug.eq(slug))
        .count(conn)
        .await?;
    if taken > 0 {
        errors.push(FieldError::new("slug", "taken"));
    }
    Ok(errors)
}

pub async fn create_district(
    state: &AppState,
    who: &Principal,
    input: PlaceInput,
) -> Result<district::Model, ManageError> {
    allowed(who, Action::Create, Subject::Regions)?;
    let mut errors = input.problems.clone();
    let (name, slug) = name_and_slug(&input, "", "", &mut errors);
    let region_id = input.region_id;
    if region_id.is_none() && !errors.iter().any(|e| e.field == "region_id") {
        errors.push(FieldError::new("region_id", "required"));
    }
    let Some(region_id) = region_id.filter(|_| errors.is_empty()) else {
        return invalid(errors);
    };
    let txn = state.db.begin_write().await?;
    let errors = check_district(&*txn, 0, region_id, &slug).await?;
    if !errors.is_empty() {
        return invalid(errors);
    }
    let created = district::ActiveModel {
        id: NotSet,
        region_id: Set(region_id),
        name: Set(name),
        slug: Set(slug),
    }
    .insert(&*txn)
    .await?;
    audit::record(
        &*txn,
        Some(who.id),
        "district.create",
        "district",
        Some(created.id),
        None,
        Some(&created),
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Renames a district, changes its slug or moves it to another region; a new name or region
/// raises the revisions of the meetings of the regions concerned (see the module docs).
pub async fn update_district(
    state: &AppState,
    who: &Principal,
    id: i32,
    input: PlaceInput,
) -> Result<district::Model, ManageError> {
    allowed(who, Action::Edit, Subject::Regions)?;
    let txn = state.db.begin_write().await?;
    let before = district::Entity::find_by_id(id)
        .one(&*txn)
        .await?
        .ok_or(ManageError::NotFound)?;
    let mut errors = input.problems.clone();
    let (name, slug) = name_and_slug(&input, &before.name, &before.slug, &mut errors);
    if !errors.is_empty() {
        return invalid(errors);
    }
    let region_id = input.region_id.unwrap_or(before.region_id);
    let errors = check_district(&*txn, id, region_id, &slug).await?;
    if !errors.is_empty() {
        return invalid(errors);
    }
    if name == before.name && slug == before.slug && region_id == before.region_id {
        return Ok(before);
    }
    let after = district::ActiveModel {
        id: Set(id),
        region_id: Set(region_id),
        name: Set(name),
        slug: Set(slug),
    }
    .update(&*txn)
    .await?;
    if after.name != before.name || after.region_id != before.region_id {
        let regions = BTreeSet::from([before.region_id, after.region_id]);
        bump_meetings_of(&*txn, &regions, Utc::now()).await?;
    }
    audit::record(
        &*txn,
        Some(who.id),
        "district.update",
        "district",
        Some(id),
        Some(&before),
        Some(&after),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Deletes a district no person or meeting names, with its partnership.
pub async fn delete_district(
    state: &AppState,
    who: &Principal,
    id: i32,
) -> Result<district::Model, ManageError> {
    allowed(who, Action::Cancel, Subject::Regions)?;
    let txn = state.db.begin_write().await?;
    let (before, partnership) = district::Entity::find_by_id(id)
        .find_also_related(partnership::Entity)
        .one(&*txn)
        .await?
        .ok_or(ManageError::NotFound)?;
    let errors = dependants(&[
        (
            "in_use_meetings",
            activity_district::Entity::find()
                .filter(activity_district::Column::DistrictId.eq(id))
                .count(&*txn)
                .await?,
        ),
        (
            "in_use_people",
            person::Entity::find()
                .filter(person::Column::DistrictId.eq(id))
                .count(&*txn)
                .await?,
        ),
    ]);
    if !errors.is_empty() {
        return invalid(errors);
    }
    partnership::Entity::delete_many()
        .filter(partnership::Column::DistrictId.eq(id))
        .exec(&*txn)
        .await?;
    district::Entity::delete_by_id(id).exec(&*txn).await?;
    let logged = serde_json::json!({ "district": before, "partnership": partnership });
    audit::record(
        &*txn,
        Some(who.id),
        "district.delete",
        "district",
        Some(id),
        Some(&logged),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(before)
}

/// Free text over several lines (initiators, a series' description): trimmed, at most `max`
/// characters, no control characters but line breaks and tabs.
pub(super) fn multiline(
    field: &'static str,
    value: &str,
    max: usize,
) -> Result<String, FieldError> {
    super::text(field, value, max, true).map(Option::unwrap_or_default)
}

/// Creates or changes the partnership of district `district_id` (one per district). On edit a
/// missing field keeps its value; the name is required.
pub async fn save_partnership(
    state: &AppState,
    who: &Principal,
    district_id: i32,
    input: PartnershipInput,
) -> Result<partnership::Model, ManageError> {
    let txn = state.db.begin_write().await?;
    let (district, before) = district::Entity::find_by_id(district_id)
        .find_also_related(partnership::Entity)
        .one(&*txn)
        .await?
        .ok_or(ManageError::NotFound)?;
    let subject = Subject::Partnership {
        region_id: district.region_id,
    };
    let action = if before.is_some() {
        Action::Edit
    } else {
        Action::Create
    };
    allowed(who, action, subject)?;
    let mut errors = Vec::new();
    let old_name = before.as_ref().map(|p| p.name.as_str()).unwrap_or_default();
    let name = match optional_text("name", input.name.as_deref().or(Some(old_name)), 200) {
        Ok(Some(n)) => n,
        Ok(None) => {
            errors.push(FieldError::new("name", "required"));
            String::new()
        }
        Err(e) => {
            errors.push(e);
            String::new()
        }
    };
    let old_initiators = before.as_ref().map(|p| p.initiators.as_str());
    let typed = input.initiators.as_deref().or(old_initiators);
    let initiators = match multiline("initiators", typed.unwrap_or_default(), 5000) {
        Ok(text) => text,
        Err(e) => {
            errors.push(e);
            String::new()
        }
    };
    if !errors.is_empty() {
        return invalid(errors);
    }
    let after = match &before {
        Some(old) if old.name == name && old.initiators == initiators => return Ok(old.clone()),
        Some(old) => {
            partnership::ActiveModel {
                id: Set(old.id),
                name: Set(name),
                initiators: Set(initiators),
                ..Default::default()
            }
            .update(&*txn)
            .await?
        }
        None => {
            partnership::ActiveModel {
                id: NotSet,
                district_id: Set(district_id),
                name: Set(name),
                initiators: Set(initiators),
                created_at: Set(Utc::now()),
            }
            .insert(&*txn)
            .await?
        }
    };
    audit::record(
        &*txn,
        Some(who.id),
        if before.is_some() {
            "partnership.update"
        } else {
            "partnership.create"
        },
        "partnership",
        Some(after.id),
        before.as_ref(),
        Some(&after),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Removes the partnership of district `district_id`; `NotFound` when it has none.
pub async fn delete_partnership(
    state: &AppState,
    who: &Principal,
    district_id: i32,
) -> Result<partnership::Model, ManageError> {
    let txn = state.db.begin_write().await?;
    let (district, before) = district::Entity::find_by_id(district_id)
        .find_also_related(partnership::Entity)
        .one(&*txn)
        .await?
        .ok_or(ManageError::NotFound)?;
    allowed(
        who,
        Action::Cancel,
        Subject::Partnership {
            region_id: district.region_id,
        },
    )?;
    let before = before.ok_or(ManageError::NotFound)?;
    partnership::Entity::delete_by_id(before.id)
        .exec(&*txn)
        .await?;
    audit::record(
        &*txn,
        Some(who.id),
        "partnership.delete",
        "partnership",
        Some(before.id),
        Some(&before),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(before)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_slug_is_made_from_the_name_and_a_typed_one_must_be_a_slug() {
        assert_eq!(
            slug_of(None, "Rychnov n. Kněžnou").unwrap(),
            "rychnov-n-kneznou"
        );
        assert_eq!(
            slug_of(Some("  "), "Kraj Vysočina").unwrap(),
            "kraj-vysocina"
        );
        assert_eq!(slug_of(Some("jihlava-2"), "Jihlava").unwrap(), "jihlava-2");
        for bad in ["Jihlava", "jih lava", "jihlava-", "kněž", "a--b"] {
            assert_eq!(
                slug_of(Some(bad), "x").unwrap_err().code,
                "invalid_slug",
                "{bad}"
            );
        }
        assert_eq!(slug_of(None, "???").unwrap_err().code, "invalid_slug");
    }

    #[test]
    fn an_edit_without_a_slug_keeps_the_old_one() {
        let mut errors = Vec::new();
        let input = PlaceInput {
            name: Some("Kraj Vysočina (nový)".into()),
            ..Default::default()
        };
        let (name, slug) = name_and_slug(&input, "Kraj Vysočina", "kraj-vysocina", &mut errors);
        assert!(errors.is_empty());
        assert_eq!(
            (name.as_str(), slug.as_str()),
            ("Kraj Vysočina (nový)", "kraj-vysocina")
        );
    }

    #[test]
    fn a_missing_name_on_create_is_one_error_not_two() {
        let mut errors = Vec::new();
        name_and_slug(&PlaceInput::default(), "", "", &mut errors);
        assert_eq!(errors, vec![FieldError::new("name", "required")]);
    }
}
