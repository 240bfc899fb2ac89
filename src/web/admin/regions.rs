//! Regions, districts and partnerships: the overview, a form per region and per district (with
//! the district's partnership), deleting. The rules are in `organiser::regions`; this reads
//! forms and shows pages.

use std::collections::BTreeMap;

use minijinja::context;
use poem::{
    Request, Response, handler,
    http::StatusCode,
    web::{Data, Path},
};

use super::{
    AdminForm, FormView, SignedIn, accounts::chrome, answer, done, manage_error, notice, parse_id,
    signed_in,
};
use crate::{
    domain::FieldError,
    i18n::Lang,
    organiser::{
        Action, Subject, can,
        regions::{self, DistrictView, PartnershipInput, PlaceInput},
    },
    startup::AppState,
    web::{PageLang, lang::here},
};

/// The `?done=` notices this page shows.
const NOTICES: &[&str] = &["saved", "created", "deleted"];

fn may_change_places(signed: &SignedIn) -> bool {
    can(&signed.who, Action::Edit, Subject::Regions)
}

#[handler]
pub async fn list(
    req: &Request,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    let signed = signed_in(state, req, lang).await?;
    let regions = regions::overview(state, &signed.who)
        .await
        .map_err(manage_error)?;
    state.pages.respond(
        StatusCode::OK,
        "admin_regions.html",
        lang,
        context! {
            here => here(req),
            admin => chrome(&signed),
            regions,
            may_change => may_change_places(&signed),
            notice => notice(req, NOTICES),
        },
    )
}

/// The posted region or district form as the use-case's input.
fn place_input(fields: &BTreeMap<String, String>) -> PlaceInput {
    let get = |k: &str| fields.get(k).cloned().unwrap_or_default();
    let mut input = PlaceInput {
        name: Some(get("name")),
        slug: Some(get("slug")),
        ..Default::default()
    };
    if fields.contains_key("region_id") {
        match get("region_id").trim().parse() {
            Ok(id) => input.region_id = Some(id),
            Err(_) => input
                .problems
                .push(FieldError::new("region_id", "unknown_choice")),
        }
    }
    input
}

async fn region_page(
    state: &AppState,
    req: &Request,
    lang: Lang,
    signed: &SignedIn,
    status: StatusCode,
    id: Option<i32>,
    view: FormView,
) -> poem::Result<Response> {
    state.pages.respond(
        status,
        "admin_region.html",
        lang,
        context! {
            here => here(req),
            admin => chrome(signed),
            form => view,
            id,
            may_change => may_change_places(signed),
            notice => notice(req, NOTICES),
        },
    )
}

#[handler]
pub async fn new_region_page(
    req: &Request,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    let signed = signed_in(state, req, lang).await?;
    if !can(&signed.who, Action::Create, Subject::Regions) {
        return Err(poem::Error::from_status(StatusCode::FORBIDDEN));
    }
    let view = FormView::new(BTreeMap::new(), &[], lang);
    region_page(state, req, lang, &signed, StatusCode::OK, None, view).await
}

#[handler]
pub async fn create_region(
    req: &Request,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    AdminForm { signed, fields, .. }: AdminForm,
) -> poem::Result<Response> {
    let result = regions::create_region(state, &signed.who, place_input(&fields)).await;
    let to = |created: entity::region::Model| format!("/admin/regions/{}?done=created", created.id);
    answer(result, lang, to, async |errors| {
        let view = FormView::new(fields, &errors, lang);
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        region_page(state, req, lang, &signed, status, None, view).await
    })
    .await
}

fn region_values(r: &entity::region::Model) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("name".to_owned(), r.name.clone()),
        ("slug".to_owned(), r.slug.clone()),
    ])
}

#[handler]
pub async fn region_edit_page(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    let signed = signed_in(state, req, lang).await?;
    let id = parse_id(&id)?;
    let found = regions::region(state, &signed.who, id)
        .await
        .map_err(manage_error)?;
    let view = FormView::new(region_values(&found), &[], lang);
    region_page(state, req, lang, &signed, StatusCode::OK, Some(id), view).await
}

#[handler]
pub async fn update_region(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    AdminForm { signed, fields, .. }: AdminForm,
) -> poem::Result<Response> {
    let id = parse_id(&id)?;
    let result = regions::update_region(state, &signed.who, id, place_input(&fields)).await;
    let to = |_| format!("/admin/regions/{id}?done=saved");
    answer(result, lang, to, async |errors| {
        let view = FormView::new(fields, &errors, lang);
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        region_page(state, req, lang, &signed, status, Some(id), view).await
    })
    .await
}

#[handler]
pub async fn delete_region(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    AdminForm { signed, .. }: AdminForm,
) -> poem::Result<Response> {
    let id = parse_id(&id)?;
    let result = regions::delete_region(state, &signed.who, id).await;
    let to = |_| "/admin/regions?done=deleted".to_owned();
    answer(result, lang, to, async |errors| {
        let found = regions::region(state, &signed.who, id)
            .await
            .map_err(manage_error)?;
        let view = FormView::new(region_values(&found), &errors, lang);
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        region_page(state, req, lang, &signed, status, Some(id), view).await
    })
    .await
}

/// The district page: the district's form and, for an existing district, its partnership's.
#[allow(clippy::too_many_arguments)]
async fn district_page(
    state: &AppState,
    req: &Request,
    lang: Lang,
    signed: &SignedIn,
    status: StatusCode,
    existing: Option<&DistrictView>,
    view: FormView,
    partnership: FormView,
) -> poem::Result<Response> {
    let regions = regions::overview(state, &signed.who)
        .await
        .map_err(manage_error)?
        .into_iter()
        .map(|r| r.region)
        .collect::<Vec<_>>();
    let may_partnership = existing.is_some_and(|d| {
        can(
            &signed.who,
            Action::Edit,
            Subject::Partnership {
                region_id: d.district.region_id,
            },
        )
    });
    state.pages.respond(
        status,
        "admin_district.html",
        lang,
        context! {
            here => here(req),
            admin => chrome(signed),
            form => view,
            partnership_form => partnership,
            id => existing.map(|d| d.district.id),
            has_partnership => existing.is_some_and(|d| d.partnership.is_some()),
            regions,
            may_change => may_change_places(signed),
            may_partnership,
            notice => notice(req, NOTICES),
        },
    )
}

fn district_values(d: &DistrictView) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("name".to_owned(), d.district.name.clone()),
        ("slug".to_owned(), d.district.slug.clone()),
        ("region_id".to_owned(), d.district.region_id.to_string()),
    ])
}

/// The partnership form's values; its name field is `partnership_name` (the district's form on
/// the same page has `name`).
fn partnership_values(d: &DistrictView) -> BTreeMap<String, String> {
    let mut values = BTreeMap::new();
    if let Some(p) = &d.partnership {
        values.insert("partnership_name".to_owned(), p.name.clone());
        values.insert("initiators".to_owned(), p.initiators.clone());
    }
    values
}

fn empty(lang: Lang) -> FormView {
    FormView::new(BTreeMap::new(), &[], lang)
}

#[handler]
pub async fn new_district_page(
    req: &Request,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    let signed = signed_in(state, req, lang).await?;
    if !can(&signed.who, Action::Create, Subject::Regions) {
        return Err(poem::Error::from_status(StatusCode::FORBIDDEN));
    }
    let status = StatusCode::OK;
    district_page(
        state,
        req,
        lang,
        &signed,
        status,
        None,
        empty(lang),
        empty(lang),
    )
    .await
}

#[handler]
pub async fn create_district(
    req: &Request,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    AdminForm { signed, fields, .. }: AdminForm,
) -> poem::Result<Response> {
    let result = regions::create_district(state, &signed.who, place_input(&fields)).await;
    let to =
        |created: entity::district::Model| format!("/admin/districts/{}?done=created", created.id);
    answer(result, lang, to, async |errors| {
        let view = FormView::new(fields, &errors, lang);
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        district_page(state, req, lang, &signed, status, None, view, empty(lang)).await
    })
    .await
}

#[handler]
pub async fn district_edit_page(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
) -> poem::Result<Response> {
    let signed = signed_in(state, req, lang).await?;
    let found = regions::district(state, &signed.who, parse_id(&id)?)
        .await
        .map_err(manage_error)?;
    let view = FormView::new(district_values(&found), &[], lang);
    let partnership = FormView::new(partnership_values(&found), &[], lang);
    let status = StatusCode::OK;
    district_page(
        state,
        req,
        lang,
        &signed,
        status,
        Some(&found),
        view,
        partnership,
    )
    .await
}

/// Re-shows the district page after a refused change: `district_errors` on the district's
/// form or `partnership_errors` (with the posted `fields`) on the partnership's.
async fn district_refused(
    state: &AppState,
    req: &Request,
    lang: Lang,
    signed: &SignedIn,
    id: i32,
    district: Option<(&BTreeMap<String, String>, &[FieldError])>,
    partnership: Option<(&BTreeMap<String, String>, &[FieldError])>,
) -> poem::Result<Response> {
    let found = regions::district(state, &signed.who, id)
        .await
        .map_err(manage_error)?;
    let view = match district {
        Some((fields, errors)) => FormView::new(fields.clone(), errors, lang),
        None => FormView::new(district_values(&found), &[], lang),
    };
    let partnership = match partnership {
        Some((fields, errors)) => {
            // The use-case names the partnership's name `name`; this form `partnership_name`.
            let errors: Vec<FieldError> = errors
                .iter()
                .map(|e| FieldError {
                    field: if e.field == "name" {
                        "partnership_name"
                    } else {
                        e.field
                    },
                    ..e.clone()
                })
                .collect();
            FormView::new(fields.clone(), &errors, lang)
        }
        None => FormView::new(partnership_values(&found), &[], lang),
    };
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    district_page(
        state,
        req,
        lang,
        signed,
        status,
        Some(&found),
        view,
        partnership,
    )
    .await
}

#[handler]
pub async fn update_district(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    AdminForm { signed, fields, .. }: AdminForm,
) -> poem::Result<Response> {
    let id = parse_id(&id)?;
    let result = regions::update_district(state, &signed.who, id, place_input(&fields)).await;
    let to = |_| format!("/admin/districts/{id}?done=saved");
    answer(result, lang, to, async |errors| {
        let district = Some((&fields, &errors[..]));
        district_refused(state, req, lang, &signed, id, district, None).await
    })
    .await
}

#[handler]
pub async fn delete_district(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    AdminForm { signed, .. }: AdminForm,
) -> poem::Result<Response> {
    let id = parse_id(&id)?;
    let result = regions::delete_district(state, &signed.who, id).await;
    let to = |_| "/admin/regions?done=deleted".to_owned();
    answer(result, lang, to, async |errors| {
        let found = regions::district(state, &signed.who, id)
            .await
            .map_err(manage_error)?;
        let values = district_values(&found);
        let district = Some((&values, &errors[..]));
        district_refused(state, req, lang, &signed, id, district, None).await
    })
    .await
}

#[handler]
pub async fn save_partnership(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    AdminForm { signed, fields, .. }: AdminForm,
) -> poem::Result<Response> {
    let id = parse_id(&id)?;
    let input = PartnershipInput {
        name: Some(fields.get("partnership_name").cloned().unwrap_or_default()),
        initiators: Some(fields.get("initiators").cloned().unwrap_or_default()),
    };
    let result = regions::save_partnership(state, &signed.who, id, input).await;
    let to = |_| format!("/admin/districts/{id}?done=saved");
    answer(result, lang, to, async |errors| {
        let partnership = Some((&fields, &errors[..]));
        district_refused(state, req, lang, &signed, id, None, partnership).await
    })
    .await
}

#[handler]
pub async fn delete_partnership(
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    AdminForm { signed, .. }: AdminForm,
) -> poem::Result<Response> {
    let id = parse_id(&id)?;
    regions::delete_partnership(state, &signed.who, id)
        .await
        .map_err(manage_error)?;
    Ok(done(&format!("/admin/districts/{id}"), "deleted", lang))
}
