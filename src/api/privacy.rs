//! Data protection in the JSON API: find a person, see their registrations, anonymise them
//! (`/api/admin/people…`). The rules are `organiser::privacy`, as on `/admin/people`: admins
//! find anyone and anonymise; viewers and organisers find people and see only the
//! registrations they may export.

use chrono::{DateTime, Utc};
use poem::{Request, web::Data};
use poem_openapi::{
    ApiResponse, Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};

use super::{admin::OrganiserToken, error::AdminError, request_lang};
use crate::{organiser::privacy, startup::AppState};

#[derive(Debug, Object)]
pub struct PersonRegistration {
    pub id: i32,
    pub activity_id: i32,
    pub activity_title: String,
    pub starts_at: DateTime<Utc>,
    /// `pending`, `confirmed`, `waitlisted`, `offered`, `cancelled`, `expired`, `attended`,
    /// `no_show`.
    pub status: String,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Person {
    pub id: i32,
    pub name: String,
    pub email: String,
    pub organisation: Option<String>,
    pub created_at: DateTime<Utc>,
    pub registrations: Vec<PersonRegistration>,
}

impl From<privacy::PersonFound> for Person {
    fn from(found: privacy::PersonFound) -> Self {
        Person {
            id: found.person.id,
            name: found.person.name,
            email: found.person.email,
            organisation: found.person.organisation,
            created_at: found.person.created_at,
            registrations: found
                .registrations
                .into_iter()
                .map(|(r, a)| PersonRegistration {
                    id: r.id,
                    activity_id: a.id,
                    activity_title: a.title,
                    starts_at: a.starts_at,
                    status: r.status.as_str().into(),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Object)]
pub struct Anonymised {
    /// `false` when the person had been anonymised before (nothing changed).
    pub anonymised: bool,
}

#[derive(ApiResponse)]
pub enum PeopleResponse {
    #[oai(status = 200)]
    Ok(Json<Vec<Person>>),
}

#[derive(ApiResponse)]
pub enum PersonResponse {
    #[oai(status = 200)]
    Ok(Json<Person>),
}

#[derive(ApiResponse)]
pub enum AnonymisedResponse {
    #[oai(status = 200)]
    Ok(Json<Anonymised>),
}

pub struct PrivacyApi;

#[OpenApi(
    prefix_path = "/admin",
    tag = "super::organisers::AccountTags::Accounts"
)]
impl PrivacyApi {
    /// People whose email or name contains `q` (at least two characters), at most 50.
    #[oai(path = "/people", method = "get")]
    async fn search(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        q: Query<String>,
    ) -> Result<PeopleResponse, AdminError> {
        let found = privacy::search(&state, &auth.0, &q.0)
            .await
            .map_err(|e| AdminError::from_manage(e, request_lang(req)))?;
        Ok(PeopleResponse::Ok(Json(
            found.into_iter().map(Person::from).collect(),
        )))
    }

    #[oai(path = "/people/:id", method = "get")]
    async fn get(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
    ) -> Result<PersonResponse, AdminError> {
        let found = privacy::person(&state, &auth.0, id.0)
            .await
            .map_err(|e| AdminError::from_manage(e, request_lang(req)))?;
        Ok(PersonResponse::Ok(Json(found.into())))
    }

    /// Anonymise a person (admins only): name, email, school and role are erased; upcoming
    /// registrations are cancelled (freed seats go to the waiting list); the counts stay;
    /// personal links stop working. Repeating it changes nothing.
    #[oai(path = "/people/:id/anonymise", method = "post")]
    async fn anonymise(
        &self,
        auth: OrganiserToken,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
    ) -> Result<AnonymisedResponse, AdminError> {
        let anonymised = privacy::anonymise(&state, &auth.0, id.0)
            .await
            .map_err(|e| AdminError::from_manage(e, request_lang(req)))?;
        Ok(AnonymisedResponse::Ok(Json(Anonymised { anonymised })))
    }
}
