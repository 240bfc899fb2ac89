//! Regions, districts and partnerships in the JSON API, under `/api/admin/regions` and
//! `/api/admin/districts`: the same use-cases as the admin pages (`organiser::regions`), with an
//! organiser's API token. Errors are those of [`super::admin`]; a delete refused because
//! something depends on the region or district is `invalid-input` with `delete` errors
//! (`in_use_districts`, `in_use_meetings`, `in_use_series`, `in_use_organisers`,
//! `in_use_people`).

use entity::{district, partnership, region};
use poem::{Request, web::Data};
use poem_openapi::{ApiResponse, Object, OpenApi, Tags, param::Path, payload::Json};

use super::{
    admin::{DeletedResponse, OrganiserToken},
    error::AdminError,
    request_lang,
};
use crate::{
    organiser::regions::{self, DistrictView, PartnershipInput, PlaceInput, RegionView},
    startup::AppState,
};

#[derive(Tags)]
enum RegionTags {
    /// Regions, districts and their partnerships (organisers; needs an API token): everyone
    /// reads, admins change, a region's organiser changes its districts' partnerships.
    Regions,
}

#[derive(Debug, Object)]
pub struct AdminPartnership {
    pub id: i32,
    pub district_id: i32,
    pub name: String,
    pub initiators: String,
}

impl From<partnership::Model> for AdminPartnership {
    fn from(p: partnership::Model) -> Self {
        AdminPartnership {
            id: p.id,
            district_id: p.district_id,
            name: p.name,
            initiators: p.initiators,
        }
    }
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AdminDistrict {
    pub id: i32,
    pub region_id: i32,
    pub name: String,
    /// In the regional feed's URL: `/meetings/calendar.ics?district=…`.
    pub slug: String,
    pub partnership: Option<AdminPartnership>,
}

impl From<DistrictView> for AdminDistrict {
    fn from(v: DistrictView) -> Self {
        let mut district = AdminDistrict::from(v.district);
        district.partnership = v.partnership.map(AdminPartnership::from);
        district
    }
}

impl From<district::Model> for AdminDistrict {
    fn from(d: district::Model) -> Self {
        AdminDistrict {
            id: d.id,
            region_id: d.region_id,
            name: d.name,
            slug: d.slug,
            partnership: None,
        }
    }
}

#[derive(Debug, Object)]
pub struct AdminRegion {
    pub id: i32,
    pub name: String,
    /// In the regional feed's URL: `/meetings/calendar.ics?region=…`.
    pub slug: String,
    /// By name; empty in the answer to a change of the region itself.
    pub districts: Vec<AdminDistrict>,
}

impl From<region::Model> for AdminRegion {
    fn from(r: region::Model) -> Self {
        AdminRegion {
            id: r.id,
            name: r.name,
            slug: r.slug,
            districts: Vec::new(),
        }
    }
}

impl From<RegionView> for AdminRegion {
    fn from(v: RegionView) -> Self {
        let mut region = AdminRegion::from(v.region);
        region.districts = v.districts.into_iter().map(AdminDistrict::from).collect();
        region
    }
}

/// A new region or district, or (all optional) the changes to one. On create `name` is
/// required (and `region_id` for a district); an empty or omitted `slug` is made from the name
/// on create and kept on edit.
#[derive(Debug, Object, Default)]
#[oai(deny_unknown_fields)]
pub struct PlaceFields {
    pub name: Option<String>,
    /// Lower-case letters without accents, digits and dashes; unique.
    pub slug: Option<String>,
    /// Districts only: the region it belongs to; moving a district moves its meetings between
    /// the regional feeds.
    pub region_id: Option<i32>,
}

impl From<PlaceFields> for PlaceInput {
    fn from(f: PlaceFields) -> Self {
        PlaceInput {
            name: f.name,
            slug: f.slug.filter(|s| !s.trim().is_empty()),
            region_id: f.region_id,
            problems: Vec::new(),
        }
    }
}

/// A district's partnership; on create `name` is required, on edit an omitted field keeps
/// its value.
#[derive(Debug, Object, Default)]
#[oai(deny_unknown_fields)]
pub struct PartnershipFields {
    pub name: Option<String>,
    /// Who started it (free text, several lines).
    pub initiators: Option<String>,
}

#[derive(ApiResponse)]
pub enum RegionsResponse {
    #[oai(status = 200)]
    Ok(Json<Vec<AdminRegion>>),
}

#[derive(ApiResponse)]
pub enum RegionResponse {
    #[oai(status = 200)]
    Ok(Json<AdminRegion>),
    #[oai(status = 201)]
    Created(Json<AdminRegion>),
}

#[derive(ApiResponse)]
pub enum DistrictResponse {
    #[oai(status = 200)]
    Ok(Json<AdminDistrict>),
    #[oai(status = 201)]
    Created(Json<AdminDistrict>),
}

#[derive(ApiResponse)]
pub enum PartnershipResponse {
    #[oai(status = 200)]
    Ok(Json<AdminPartnership>),
}

pub struct RegionsApi;

#[OpenApi(prefix_path = "/admin", tag = "RegionTags::Regions")]
impl RegionsApi {
    /// Every region with its districts and their partnerships, by name.
    #[oai(path = "/regions", method = "get")]
    async fn list(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
    ) -> Result<RegionsResponse, AdminError> {
        let views = regions::overview(&state, &auth.0)
            .await
            .map_err(|e| AdminError::from_manage(e, request_lang(req)))?;
        Ok(RegionsResponse::Ok(Json(
            views.into_iter().map(AdminRegion::from).collect(),
        )))
    }

    /// Create a region (admins).
    #[oai(path = "/regions", method = "post")]
    async fn create_region(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        body: Json<PlaceFields>,
    ) -> Result<RegionResponse, AdminError> {
        let created = regions::create_region(&state, &auth.0, body.0.into())
            .await
            .map_err(|e| AdminError::from_manage(e, request_lang(req)))?;
        Ok(RegionResponse::Created(Json(created.into())))
    }

    /// Rename a region or change its slug (admins). A new name raises the revisions of its
    /// meetings (the regional feed's name shows it).
    #[oai(path = "/regions/:id", method = "patch")]
    async fn update_region(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
        body: Json<PlaceFields>,
    ) -> Result<RegionResponse, AdminError> {
        let mut input = PlaceInput::from(body.0);
        input.region_id = None;
        let updated = regions::update_region(&state, &auth.0, id.0, input)
            .await
            .map_err(|e| AdminError::from_manage(e, request_lang(req)))?;
        Ok(RegionResponse::Ok(Json(updated.into())))
    }

    /// Delete a region nothing depends on (admins).
    #[oai(path = "/regions/:id", method = "delete")]
    async fn delete_region(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
    ) -> Result<DeletedResponse, AdminError> {
        regions::delete_region(&state, &auth.0, id.0)
            .await
            .map_err(|e| AdminError::from_manage(e, request_lang(req)))?;
        Ok(DeletedResponse::Deleted)
    }

    /// Create a district (admins).
    #[oai(path = "/districts", method = "post")]
    async fn create_district(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        body: Json<PlaceFields>,
    ) -> Result<DistrictResponse, AdminError> {
        let created = regions::create_district(&state, &auth.0, body.0.into())
            .await
            .map_err(|e| AdminError::from_manage(e, request_lang(req)))?;
        Ok(DistrictResponse::Created(Json(created.into())))
    }

    /// A district with its partnership.
    #[oai(path = "/districts/:id", method = "get")]
    async fn get_district(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
    ) -> Result<DistrictResponse, AdminError> {
        let found = regions::district(&state, &auth.0, id.0)
            .await
            .map_err(|e| AdminError::from_manage(e, request_lang(req)))?;
        Ok(DistrictResponse::Ok(Json(found.into())))
    }

    /// Rename a district, change its slug or move it to another region (admins).
    #[oai(path = "/districts/:id", method = "patch")]
    async fn update_district(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
        body: Json<PlaceFields>,
    ) -> Result<DistrictResponse, AdminError> {
        let updated = regions::update_district(&state, &auth.0, id.0, body.0.into())
            .await
            .map_err(|e| AdminError::from_manage(e, request_lang(req)))?;
        Ok(DistrictResponse::Ok(Json(updated.into())))
    }

    /// Delete a district no person or meeting names, with its partnership (admins).
    #[oai(path = "/districts/:id", method = "delete")]
    async fn delete_district(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
    ) -> Result<DeletedResponse, AdminError> {
        regions::delete_district(&state, &auth.0, id.0)
            .await
            .map_err(|e| AdminError::from_manage(e, request_lang(req)))?;
        Ok(DeletedResponse::Deleted)
    }

    /// Create or change the district's partnership (admins, the organiser of its region).
    #[oai(path = "/districts/:id/partnership", method = "put")]
    async fn save_partnership(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
        body: Json<PartnershipFields>,
    ) -> Result<PartnershipResponse, AdminError> {
        let input = PartnershipInput {
            name: body.0.name,
            initiators: body.0.initiators,
        };
        let saved = regions::save_partnership(&state, &auth.0, id.0, input)
            .await
            .map_err(|e| AdminError::from_manage(e, request_lang(req)))?;
        Ok(PartnershipResponse::Ok(Json(saved.into())))
    }

    /// Remove the district's partnership (admins, the organiser of its region).
    #[oai(path = "/districts/:id/partnership", method = "delete")]
    async fn delete_partnership(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
    ) -> Result<DeletedResponse, AdminError> {
        regions::delete_partnership(&state, &auth.0, id.0)
            .await
            .map_err(|e| AdminError::from_manage(e, request_lang(req)))?;
        Ok(DeletedResponse::Deleted)
    }
}
