//! Organisers as the tests drive them: an account, a signed-in browser with its CSRF token and
//! an API token (`Staff`), requests made as them, and the demo rows they act on.

use chrono::{Duration, Utc};
use entity::{activity, enums::ActivityStatus, enums::OrganiserRole, fair, organiser};
use reqwest::Method;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use serde_json::{Value, json};
use veletrh::organiser::{
    Principal,
    accounts::{self, NewOrganiser},
    tokens,
};

use super::TestApp;

/// A demo workshop of the demo fair (see tests/api/registration.rs): 1–3 run in parallel in
/// the first slot.
pub const WORKSHOP: i32 = 1;

/// A signed-in organiser: a browser with the session cookie, the page's CSRF token, an API
/// token.
pub struct Staff {
    pub id: i32,
    pub web: reqwest::Client,
    pub csrf: String,
    pub token: String,
    pub email: String,
    pub password: String,
}

/// A browser: keeps cookies, does not follow redirects.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A new organiser account and its password, as if its owner had already replaced the initial
/// one with it (changing it is tested on its own, in `organiser.rs`).
pub async fn account(
    app: &TestApp,
    email: &str,
    role: OrganiserRole,
    fair_id: Option<i32>,
    region_id: Option<i32>,
) -> (organiser::Model, String) {
    let new = NewOrganiser::parse(email, "Test Organiser", role, fair_id, region_id).unwrap();
    let (account, password) = accounts::add(&app.state.db, new).await.unwrap();
    let account = organiser::ActiveModel {
        id: Set(account.id),
        must_change_password: Set(false),
        ..Default::default()
    }
    .update(app.state.db.conn())
    .await
    .unwrap();
    (account, password)
}

/// The status of the sign-in form's answer (303 when signed in).
pub async fn sign_in(app: &TestApp, web: &reqwest::Client, email: &str, password: &str) -> u16 {
    web.post(format!("{}/admin/login", app.address))
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// The CSRF token from a signed-in page.
pub async fn csrf_of(app: &TestApp, web: &reqwest::Client) -> String {
    let page = web
        .get(format!("{}/admin/tokens", app.address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    csrf_in(&page)
}

/// The CSRF token of the first form on `page`.
pub fn csrf_in(page: &str) -> String {
    page.split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a csrf field")
        .to_owned()
}

/// A new organiser, signed in, with an API token.
pub async fn staff(
    app: &TestApp,
    email: &str,
    role: OrganiserRole,
    fair_id: Option<i32>,
    region_id: Option<i32>,
) -> Staff {
    let (account, password) = account(app, email, role, fair_id, region_id).await;
    let web = browser();
    assert_eq!(sign_in(app, &web, email, &password).await, 303);
    let csrf = csrf_of(app, &web).await;
    let (_, token) = tokens::create(&app.state, &Principal::from(&account), "tests")
        .await
        .unwrap();
    Staff {
        id: account.id,
        web,
        csrf,
        token,
        email: email.to_owned(),
        password,
    }
}

pub async fn admin(app: &TestApp) -> Staff {
    staff(app, "boss@veletrh.cz", OrganiserRole::Admin, None, None).await
}

/// A form POST from `who` with their CSRF token (`None`: a browser without a session).
pub async fn post_form(
    app: &TestApp,
    who: Option<&Staff>,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut fields = fields.to_vec();
    let web = match who {
        Some(staff) => {
            fields.push(("csrf", &staff.csrf));
            staff.web.clone()
        }
        None => browser(),
    };
    web.post(format!("{}{path}", app.address))
        .form(&fields)
        .send()
        .await
        .unwrap()
}

/// A page GET as `who` (`None`: a browser without a session).
pub async fn get_page(app: &TestApp, who: Option<&Staff>, path: &str) -> reqwest::Response {
    let web = who.map_or_else(browser, |s| s.web.clone());
    web.get(format!("{}{path}", app.address))
        .send()
        .await
        .unwrap()
}

/// A call to `/api{path}` with `who`'s token (`None`: without one).
pub async fn call_api(
    app: &TestApp,
    who: Option<&Staff>,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut request = app
        .client
        .request(method, format!("{}/api{path}", app.address));
    if let Some(staff) = who {
        request = request.bearer_auth(&staff.token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.unwrap()
}

/// The field errors of a problem+json answer as `field:code`.
pub async fn field_errors(answer: reqwest::Response) -> Vec<String> {
    assert_eq!(answer.status(), 422);
    assert_eq!(answer.headers()["content-type"], "application/problem+json");
    let body: Value = answer.json().await.unwrap();
    body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}:{}",
                e["field"].as_str().unwrap(),
                e["code"].as_str().unwrap()
            )
        })
        .collect()
}

/// The JSON of a GET that must succeed.
pub async fn api_json(app: &TestApp, who: &Staff, path: &str) -> Value {
    let answer = call_api(app, Some(who), Method::GET, path, None).await;
    assert_eq!(answer.status(), 200, "GET {path}");
    answer.json().await.unwrap()
}

pub async fn activity_row(app: &TestApp, id: i32) -> activity::Model {
    activity::Entity::find_by_id(id)
        .one(app.state.db.conn())
        .await
        .unwrap()
        .unwrap()
}

pub async fn set_capacity(app: &TestApp, id: i32, capacity: i32) {
    activity::ActiveModel {
        id: Set(id),
        capacity: Set(capacity),
        ..Default::default()
    }
    .update(app.state.db.conn())
    .await
    .unwrap();
}

/// The id of the demo fair.
pub async fn demo_fair(app: &TestApp) -> i32 {
    activity_row(app, WORKSHOP).await.fair_id.unwrap()
}

/// The local day `fair` begins, `2030-03-01`, for activities that must lie within its days.
pub async fn fair_day(app: &TestApp, fair: i32) -> String {
    let fair = fair::Entity::find_by_id(fair)
        .one(app.state.db.conn())
        .await
        .unwrap()
        .unwrap();
    fair.starts_at
        .with_timezone(&veletrh::timezone::DEFAULT)
        .format("%Y-%m-%d")
        .to_string()
}

/// A second fair, two months ahead.
pub async fn another_fair(app: &TestApp) -> i32 {
    let now = Utc::now();
    fair::ActiveModel {
        slug: Set("jiny-veletrh".into()),
        name: Set("Jiný veletrh".into()),
        venue: Set("Brno".into()),
        description: Set(String::new()),
        timezone: Set("Europe/Prague".into()),
        starts_at: Set(now + Duration::days(60)),
        ends_at: Set(now + Duration::days(60) + Duration::hours(8)),
        status: Set(ActivityStatus::Scheduled),
        revision: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(app.state.db.conn())
    .await
    .unwrap()
    .id
}

/// Signs `email` up for `activity` through the API and confirms through the link in the email.
pub async fn signed_up_and_confirmed(app: &TestApp, email: &str, activity: i32) {
    sign_up_and_confirm(app, &super::sign_up_body(email, activity)).await;
}

/// Signs up, confirms through the link in the email; returns the confirmation answer (with
/// `manage_token`).
pub async fn confirmed(app: &TestApp, name: &str, email: &str, activities: &[i32]) -> Value {
    let body = json!({
        "name": name,
        "email": email,
        "organisation": "ZŠ Krnov",
        "role": "teacher",
        "activity_ids": activities,
        "consent": true,
    });
    sign_up_and_confirm(app, &body).await
}

/// Posts the sign-up `body`, then confirms through the link in the email to its address; the
/// confirmation answer.
async fn sign_up_and_confirm(app: &TestApp, body: &Value) -> Value {
    assert_eq!(
        app.post_json("/api/registrations", body).await.status(),
        202
    );
    let token = app
        .emails_to(body["email"].as_str().unwrap())
        .await
        .iter()
        .rev()
        .find(|m| m.text.contains("/confirm/"))
        .expect("a confirmation request")
        .token(app, "/confirm/");
    let answer = app
        .post_json(&format!("/api/confirmations/{token}"), &json!({}))
        .await;
    assert_eq!(answer.status(), 200);
    answer.json().await.unwrap()
}

/// Moves `activity` to have started a minute ago, its length kept: the door opens on the
/// activity's day. Sign-ups close at the start, so this comes after them.
pub async fn doors_open(app: &TestApp, activity: i32) -> activity::Model {
    let row = activity_row(app, activity).await;
    let starts = chrono::Utc::now() - Duration::minutes(1);
    activity::ActiveModel {
        id: Set(activity),
        starts_at: Set(starts),
        ends_at: Set(starts + (row.ends_at - row.starts_at)),
        ..Default::default()
    }
    .update(app.state.db.conn())
    .await
    .unwrap()
}

/// One organiser of each kind, for checking every route against every role.
pub struct Roles {
    pub viewer: Staff,
    /// An organiser of another fair.
    pub other: Staff,
    /// An organiser of the fair in question.
    pub organiser: Staff,
    pub admin: Staff,
}

pub async fn each_role(app: &TestApp, fair: i32, other_fair: i32) -> Roles {
    let role = |email, role, fair_id| staff(app, email, role, fair_id, None);
    Roles {
        viewer: role("viewer@veletrh.cz", OrganiserRole::Viewer, None).await,
        other: role(
            "other@veletrh.cz",
            OrganiserRole::Organiser,
            Some(other_fair),
        )
        .await,
        organiser: role("organiser@veletrh.cz", OrganiserRole::Organiser, Some(fair)).await,
        admin: admin(app).await,
    }
}

/// A meeting held online at `online_url`, `days` from now, for two hours.
pub fn online_meeting(title: &str, days: i64, online_url: &str) -> Value {
    let starts = Utc::now() + Duration::days(days);
    json!({
        "kind": "meeting",
        "title": title,
        "place": "online",
        "starts_at": starts,
        "ends_at": starts + Duration::hours(2),
        "capacity": 20,
        "online_url": online_url,
    })
}

/// Creates `activity` through the API as `boss`; its id.
pub async fn created_activity(app: &TestApp, boss: &Staff, activity: Value) -> i32 {
    let path = "/admin/activities";
    let answer = call_api(app, Some(boss), Method::POST, path, Some(activity)).await;
    assert_eq!(answer.status(), 201);
    answer.json::<Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap() as i32
}

/// Checks `manage`'s registration for `activity` in through the door's API as `door`.
pub async fn check_in(app: &TestApp, door: &Staff, manage: &str, activity: i32) {
    let registration = app.registration(manage, activity).await["id"].clone();
    let body = json!({ "registration_id": registration });
    let path = "/admin/checkins";
    let checked = call_api(app, Some(door), Method::POST, path, Some(body)).await;
    assert_eq!(
        checked.json::<Value>().await.unwrap()["outcome"],
        "checked_in"
    );
}
