//! Regions (kraje) and their districts (okresy), for the district select of the sign-up form and
//! the filter of the meetings page. Read-only.

use entity::{district, region};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};
use serde::Serialize;

use crate::domain::text::sort_key;

#[derive(Debug, Serialize)]
pub struct RegionView {
    pub id: i32,
    pub slug: String,
    pub name: String,
    pub districts: Vec<DistrictView>,
}

#[derive(Debug, Serialize)]
pub struct DistrictView {
    pub id: i32,
    pub slug: String,
    pub name: String,
}

/// Every region with its districts, both in alphabetical order.
pub async fn regions(conn: &impl ConnectionTrait) -> Result<Vec<RegionView>, DbErr> {
    let regions = region::Entity::find().all(conn).await?;
    let districts = district::Entity::find().all(conn).await?;
    let mut out: Vec<RegionView> = regions
        .into_iter()
        .map(|r| {
            let mut ds: Vec<DistrictView> = districts
                .iter()
                .filter(|d| d.region_id == r.id)
                .map(|d| DistrictView {
                    id: d.id,
                    slug: d.slug.clone(),
                    name: d.name.clone(),
                })
                .collect();
            ds.sort_by_cached_key(|d| sort_key(&d.name));
            RegionView {
                id: r.id,
                slug: r.slug,
                name: r.name,
                districts: ds,
            }
        })
        .collect();
    out.sort_by_cached_key(|r| sort_key(&r.name));
    Ok(out)
}

/// The region and district names of `region_id` / `district_ids`, for showing a meeting.
pub fn names(
    regions: &[RegionView],
    region_id: Option<i32>,
    district_ids: &[i32],
) -> (Option<String>, Vec<String>) {
    let region = region_id.and_then(|id| regions.iter().find(|r| r.id == id));
    let districts = regions
        .iter()
        .flat_map(|r| &r.districts)
        .filter(|d| district_ids.contains(&d.id))
        .map(|d| d.name.clone())
        .collect();
    (region.map(|r| r.name.clone()), districts)
}
