//! Regions, districts and partnerships: the overview, a form per region and per district (with
//! the district's partnership), deleting. The rules are in `organiser::regions`; this reads
//! forms and shows pages.

use std::collections::BTreeMap;

use minijinja::context;
use poem::{
    IntoResponse, Request, Response, handler,
    http::StatusCode,
    web::{Data, Path, Redirect},
};

use super::{FormView, SignedIn, accounts::chrome, form, manage_error, signed_in, signed_in_form};
use crate::{
    domain::FieldError,
    i18n::Lang,
    organiser::{
        Action, ManageError, Subject, can,
        regions::{self, DistrictView, PartnershipInput, PlaceInput},
    },
    startup::AppState,
    web::{PageLang, lang::here, render::with_lang},
};

fn parse_id(id: &str) -> poem::Result<i32> {
    id.parse()
        .map_err(|_| poem::Error::from_status(StatusCode::NOT_FOUND))
}

/// `?done=…` of a redirect after a change, if it is one of ours.
fn notice(req: &Request) -> Option<String> {
    req.uri().query().and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "done")
            .map(|(_, v)| v.into_owned())
            .filter(|v| matches!(v.as_str(), "saved" | "created" | "deleted"))
    })
}

fn done(path: &str, what: &str, lang: Lang) -> Response {
    Redirect::see_other(with_lang(&format!("{path}?done={what}"), lang)).into_response()
}

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
            notice => notice(req),
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
            notice => notice(req),
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
    body: bytes::Bytes,
) -> poem::Result<Response> {
    let fields = form(&body);
    let signed = signed_in_form(state, req, lang, &fields).await?;
    match regions::create_region(state, &signed.who, place_input(&fields)).await {
        Ok(created) => Ok(done(
            &format!("/admin/regions/{}", created.id),
            "created",
            lang,
        )),
        Err(ManageError::Invalid(errors)) => {
            let view = FormView::new(fields, &errors, lang);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            region_page(state, req, lang, &signed, status, None, view).await
        }
        Err(other) => Err(manage_error(other)),
    }
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
    body: bytes::Bytes,
) -> poem::Result<Response> {
    let fields = form(&body);
    let signed = signed_in_form(state, req, lang, &fields).await?;
    let id = parse_id(&id)?;
    match regions::update_region(state, &signed.who, id, place_input(&fields)).await {
        Ok(_) => Ok(done(&format!("/admin/regions/{id}"), "saved", lang)),
        Err(ManageError::Invalid(errors)) => {
            let view = FormView::new(fields, &errors, lang);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            region_page(state, req, lang, &signed, status, Some(id), view).await
        }
        Err(other) => Err(manage_error(other)),
    }
}

#[handler]
pub async fn delete_region(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    body: bytes::Bytes,
) -> poem::Result<Response> {
    let fields = form(&body);
    let signed = signed_in_form(state, req, lang, &fields).await?;
    let id = parse_id(&id)?;
    match regions::delete_region(state, &signed.who, id).await {
        Ok(_) => Ok(done("/admin/regions", "deleted", lang)),
        Err(ManageError::Invalid(errors)) => {
            let found = regions::region(state, &signed.who, id)
                .await
                .map_err(manage_error)?;
            let view = FormView::new(region_values(&found), &errors, lang);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            region_page(state, req, lang, &signed, status, Some(id), view).await
        }
        Err(other) => Err(manage_error(other)),
    }
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
            notice => notice(req),
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
    body: bytes::Bytes,
) -> poem::Result<Response> {
    let fields = form(&body);
    let signed = signed_in_form(state, req, lang, &fields).await?;
    match regions::create_district(state, &signed.who, place_input(&fields)).await {
        Ok(created) => Ok(done(
            &format!("/admin/districts/{}", created.id),
            "created",
            lang,
        )),
        Err(ManageError::Invalid(errors)) => {
            let view = FormView::new(fields, &errors, lang);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            district_page(state, req, lang, &signed, status, None, view, empty(lang)).await
        }
        Err(other) => Err(manage_error(other)),
    }
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
    body: bytes::Bytes,
) -> poem::Result<Response> {
    let fields = form(&body);
    let signed = signed_in_form(state, req, lang, &fields).await?;
    let id = parse_id(&id)?;
    match regions::update_district(state, &signed.who, id, place_input(&fields)).await {
        Ok(_) => Ok(done(&format!("/admin/districts/{id}"), "saved", lang)),
        Err(ManageError::Invalid(errors)) => {
            district_refused(
                state,
                req,
                lang,
                &signed,
                id,
                Some((&fields, &errors)),
                None,
            )
            .await
        }
        Err(other) => Err(manage_error(other)),
    }
}

#[handler]
pub async fn delete_district(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    body: bytes::Bytes,
) -> poem::Result<Response> {
    let fields = form(&body);
    let signed = signed_in_form(state, req, lang, &fields).await?;
    let id = parse_id(&id)?;
    match regions::delete_district(state, &signed.who, id).await {
        Ok(_) => Ok(done("/admin/regions", "deleted", lang)),
        Err(ManageError::Invalid(errors)) => {
            let found = regions::district(state, &signed.who, id)
                .await
                .map_err(manage_error)?;
            let values = district_values(&found);
            district_refused(
                state,
                req,
                lang,
                &signed,
                id,
                Some((&values, &errors)),
                None,
            )
            .await
        }
        Err(other) => Err(manage_error(other)),
    }
}

#[handler]
pub async fn save_partnership(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    body: bytes::Bytes,
) -> poem::Result<Response> {
    let fields = form(&body);
    let signed = signed_in_form(state, req, lang, &fields).await?;
    let id = parse_id(&id)?;
    let input = PartnershipInput {
        name: Some(fields.get("partnership_name").cloned().unwrap_or_default()),
        initiators: Some(fields.get("initiators").cloned().unwrap_or_default()),
    };
    match regions::save_partnership(state, &signed.who, id, input).await {
        Ok(_) => Ok(done(&format!("/admin/districts/{id}"), "saved", lang)),
        Err(ManageError::Invalid(errors)) => {
            district_refused(
                state,
                req,
                lang,
                &signed,
                id,
                None,
                Some((&fields, &errors)),
            )
            .await
        }
        Err(other) => Err(manage_error(other)),
    }
}

#[handler]
pub async fn delete_partnership(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
    PageLang(lang): PageLang,
    body: bytes::Bytes,
) -> poem::Result<Response> {
    let fields = form(&body);
    let signed = signed_in_form(state, req, lang, &fields).await?;
    let id = parse_id(&id)?;
    regions::delete_partnership(state, &signed.who, id)
        .await
        .map_err(manage_error)?;
    Ok(done(&format!("/admin/districts/{id}"), "deleted", lang))
}
