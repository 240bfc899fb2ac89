//! Organisers (issue 7): signing in, sessions, CSRF, lockout, API tokens, invitations, and
//! managing workshops — each route and operation against each role, on both databases.

use chrono::{Duration, Utc};
use entity::{
    activity, audit_event,
    enums::{ActivityStatus, OrganiserRole, RegistrationStatus},
    fair, organiser, organiser_invitation, organiser_session,
};
use reqwest::Method;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};
use serde_json::{Value, json};
use veletrh::{
    i18n::Lang,
    organiser::{Principal, accounts, tokens},
    timezone,
};

use crate::helpers::organisers::{
    Roles, Staff, WORKSHOP, account, activity_row, admin, another_fair, browser, call_api, csrf_in,
    csrf_of, demo_fair, each_role, fair_day, field_errors, get_page, post_form, set_capacity,
    sign_in, signed_up_and_confirmed, staff,
};
use crate::helpers::{Backend, TestApp, on_both_backends, sign_up_body, spawn_app, statuses_of};

const OTHER_WORKSHOP: i32 = 5;

/// A new workshop of `fair` on `day` (its [`fair_day`]).
fn workshop_form(fair: &str, day: &str, title: &'static str) -> Vec<(&'static str, String)> {
    vec![
        ("kind", "workshop".into()),
        ("fair_id", fair.into()),
        ("title", title.into()),
        ("starts_at", format!("{day}T09:00")),
        ("ends_at", format!("{day}T10:30")),
        ("capacity", "20".into()),
    ]
}

/// Every admin page and API operation, for each role: the status each must get.
async fn each_route_answers_each_role_as_its_permissions_say(backend: Backend) {
    let app = spawn_app(backend).await;
    let fair = demo_fair(&app).await;
    let other_fair = another_fair(&app).await;
    let Roles {
        viewer,
        other,
        organiser,
        admin,
    } = each_role(&app, fair, other_fair).await;
    // A second token of the admin's, for revoking (the first one is used below).
    let boss = organiser::Entity::find()
        .filter(organiser::Column::Email.eq("boss@veletrh.cz"))
        .one(app.state.db.conn())
        .await
        .unwrap()
        .unwrap();
    let (spare, _) = tokens::create(&app.state, &Principal::from(&boss), "spare")
        .await
        .unwrap();
    let admin_token_id = spare.id;
    let roles: [(&str, Option<&Staff>); 5] = [
        ("anonymous", None),
        ("viewer", Some(&viewer)),
        ("organiser of another fair", Some(&other)),
        ("organiser", Some(&organiser)),
        ("admin", Some(&admin)),
    ];
    let fair_s = fair.to_string();
    let day = fair_day(&app, fair).await;
    let create = workshop_form(&fair_s, &day, "Nový workshop");
    let create: Vec<(&str, &str)> = create.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut edit = workshop_form(&fair_s, &day, "Přejmenovaný workshop");
    edit.retain(|(k, _)| *k != "kind");
    let original = activity_row(&app, WORKSHOP).await;
    for (k, v) in edit.iter_mut() {
        match *k {
            "starts_at" | "ends_at" => {
                let at = if *k == "starts_at" {
                    original.starts_at
                } else {
                    original.ends_at
                };
                *v = at
                    .with_timezone(&timezone::DEFAULT)
                    .format("%Y-%m-%dT%H:%M")
                    .to_string();
            }
            "capacity" => *v = original.capacity.to_string(),
            _ => {}
        }
    }
    let edit: Vec<(&str, &str)> = edit.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let invite = [
        ("email", "new@veletrh.cz"),
        ("name", "Nová Organizátorka"),
        ("role", "viewer"),
    ];
    let w = format!("/admin/activities/{WORKSHOP}");
    let cancel = format!("/admin/activities/{OTHER_WORKSHOP}/cancel");
    let revoke = format!("/admin/tokens/{admin_token_id}/revoke");
    // (what, expected for anonymous, viewer, other fair's organiser, organiser, admin)
    type Case<'a> = (&'a str, [u16; 5]);
    type PageCase<'a> = (Case<'a>, Method, &'a str, &'a [(&'a str, &'a str)]);
    let pages: Vec<PageCase> = vec![
        (
            ("list", [303, 200, 200, 200, 200]),
            Method::GET,
            "/admin/activities",
            &[],
        ),
        (
            ("home", [303, 303, 303, 303, 303]),
            Method::GET,
            "/admin",
            &[],
        ),
        (("one", [303, 200, 403, 200, 200]), Method::GET, &w, &[]),
        (
            ("new form", [303, 403, 200, 200, 200]),
            Method::GET,
            "/admin/activities/new",
            &[],
        ),
        (
            ("create", [303, 403, 403, 303, 303]),
            Method::POST,
            "/admin/activities/new",
            &create,
        ),
        (("edit", [303, 403, 403, 303, 303]), Method::POST, &w, &edit),
        (
            ("cancel", [303, 403, 403, 303, 303]),
            Method::POST,
            &cancel,
            &[("reason", "")],
        ),
        (
            ("tokens", [303, 200, 200, 200, 200]),
            Method::GET,
            "/admin/tokens",
            &[],
        ),
        (
            ("new token", [303, 201, 201, 201, 201]),
            Method::POST,
            "/admin/tokens",
            &[("name", "x")],
        ),
        (
            ("revoke", [303, 404, 404, 404, 303]),
            Method::POST,
            &revoke,
            &[],
        ),
        (
            ("invite form", [303, 403, 403, 403, 200]),
            Method::GET,
            "/admin/invitations",
            &[],
        ),
        (
            ("invite", [303, 403, 403, 403, 303]),
            Method::POST,
            "/admin/invitations",
            &invite,
        ),
        (
            ("bad invitation", [404, 404, 404, 404, 404]),
            Method::GET,
            "/admin/invitations/x",
            &[],
        ),
        (
            // Only an admin (the one invitation made above; once gone, "nothing changed").
            ("withdraw invitation", [303, 403, 403, 403, 303]),
            Method::POST,
            "/admin/invitations/1/withdraw",
            &[],
        ),
    ];
    for ((what, expected), method, path, fields) in &pages {
        for ((role, who), status) in roles.iter().zip(expected) {
            let answer = if *method == Method::GET {
                get_page(&app, *who, path).await
            } else {
                post_form(&app, *who, path, fields).await
            };
            assert_eq!(answer.status().as_u16(), *status, "page {what} as {role}");
            if *status == 303 && who.is_none() && *what != "home" {
                let location = answer.headers()["location"].to_str().unwrap();
                assert!(location.starts_with("/admin/login"), "{what}: {location}");
            }
            if *status == 403 {
                let page = answer.text().await.unwrap();
                assert!(
                    page.contains("Na to nemáte oprávnění"),
                    "page {what} as {role} says why: {page}"
                );
            }
        }
    }
    let new_workshop = json!({
        "kind": "workshop", "fair_id": fair, "title": "API workshop",
        "starts_at": format!("{day}T08:00:00Z"), "ends_at": format!("{day}T09:00:00Z"), "capacity": 10,
    });
    let api: Vec<(Case, Method, String, Option<Value>)> = vec![
        (
            ("me", [401, 200, 200, 200, 200]),
            Method::GET,
            "/admin/me".into(),
            None,
        ),
        (
            ("list", [401, 200, 200, 200, 200]),
            Method::GET,
            "/admin/activities".into(),
            None,
        ),
        (
            ("get", [401, 200, 403, 200, 200]),
            Method::GET,
            format!("/admin/activities/{WORKSHOP}"),
            None,
        ),
        (
            ("create", [401, 403, 403, 201, 201]),
            Method::POST,
            "/admin/activities".into(),
            Some(new_workshop),
        ),
        (
            ("patch", [401, 403, 403, 200, 200]),
            Method::PATCH,
            format!("/admin/activities/{WORKSHOP}"),
            Some(json!({"title": "Z API"})),
        ),
        (
            ("cancel", [401, 403, 403, 200, 200]),
            Method::POST,
            format!("/admin/activities/{OTHER_WORKSHOP}/cancel"),
            Some(json!({})),
        ),
    ];
    for ((what, expected), method, path, body) in &api {
        for ((role, who), status) in roles.iter().zip(expected) {
            let answer = call_api(&app, *who, method.clone(), path, body.clone()).await;
            let got = answer.status().as_u16();
            if got >= 400 {
                let content_type = answer.headers()["content-type"]
                    .to_str()
                    .unwrap()
                    .to_owned();
                assert_eq!(
                    content_type, "application/problem+json",
                    "api {what} as {role}"
                );
            }
            assert_eq!(got, *status, "api {what} as {role}");
        }
    }
    // A revoked or made-up token opens nothing.
    let bogus = app
        .client
        .get(format!("{}/api/admin/me", app.address))
        .bearer_auth("vt_not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(bogus.status(), 401);
    assert_eq!(bogus.headers()["www-authenticate"], "Bearer");
}

async fn a_form_without_the_sessions_csrf_token_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = staff(&app, "boss@veletrh.cz", OrganiserRole::Admin, None, None).await;
    let other = staff(&app, "boss2@veletrh.cz", OrganiserRole::Admin, None, None).await;
    let before = activity_row(&app, WORKSHOP).await;
    let path = format!("/admin/activities/{WORKSHOP}/cancel");
    let url = format!("{}{path}", app.address);
    let missing = admin
        .web
        .post(&url)
        .form(&[("reason", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 403, "no token");
    let foreign = admin
        .web
        .post(&url)
        .form(&[("reason", "x"), ("csrf", other.csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), 403, "another session's token");
    let logout = admin
        .web
        .post(format!("{}/admin/logout", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), 403, "sign-out is a form too");
    assert_eq!(
        activity_row(&app, WORKSHOP).await,
        before,
        "nothing changed"
    );
    // With the right token it works, and the session's pages stay open meanwhile.
    let ok = post_form(&app, Some(&admin), &path, &[("reason", "")]).await;
    assert_eq!(ok.status(), 303);
    assert_eq!(
        activity_row(&app, WORKSHOP).await.status,
        ActivityStatus::Cancelled
    );
}

/// The language switch of an admin page leads to the same admin page (the nested route's
/// prefix is kept), with its query.
async fn the_language_switch_stays_on_the_admin_page(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = staff(&app, "boss@veletrh.cz", OrganiserRole::Admin, None, None).await;
    let page = admin
        .web
        .get(format!(
            "{}/admin/activities/{WORKSHOP}?lang=cs",
            app.address
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let switch = format!(r#"href="/admin/activities/{WORKSHOP}?lang=en" lang="en""#);
    assert!(
        page.replace("&#x2f;", "/").contains(&switch),
        "no {switch} in the page"
    );
}

async fn a_session_ends_when_idle_and_at_sign_out(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = staff(&app, "boss@veletrh.cz", OrganiserRole::Admin, None, None).await;
    let cookie_row = organiser_session::Entity::find()
        .one(app.state.db.conn())
        .await
        .unwrap()
        .unwrap();
    assert!(cookie_row.expires_at > Utc::now() + Duration::hours(11));
    // The cookie's attributes.
    let web = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let answer = web
        .post(format!("{}/admin/login", app.address))
        .form(&[
            ("email", admin.email.as_str()),
            ("password", admin.password.as_str()),
        ])
        .send()
        .await
        .unwrap();
    let cookie = answer.headers()["set-cookie"].to_str().unwrap();
    for part in ["HttpOnly", "SameSite=Lax", "Path=/admin"] {
        assert!(cookie.contains(part), "{cookie}");
    }
    assert!(!cookie.contains("Secure"), "http base URL: {cookie}");
    assert_eq!(
        get_page(&app, Some(&admin), "/admin/activities")
            .await
            .status(),
        200
    );
    // Twelve idle hours later.
    organiser_session::ActiveModel {
        id: Set(cookie_row.id),
        expires_at: Set(Utc::now() - Duration::seconds(1)),
        ..Default::default()
    }
    .update(app.state.db.conn())
    .await
    .unwrap();
    let answer = get_page(&app, Some(&admin), "/admin/activities").await;
    assert_eq!(answer.status(), 303);
    assert!(
        answer.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/admin/login")
    );
    // Sign in again, sign out: the cookie no longer opens anything.
    assert_eq!(
        sign_in(&app, &admin.web, &admin.email, &admin.password).await,
        303
    );
    let csrf = csrf_of(&app, &admin.web).await;
    let out = admin
        .web
        .post(format!("{}/admin/logout", app.address))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 303);
    assert_eq!(
        get_page(&app, Some(&admin), "/admin/tokens").await.status(),
        303
    );
}

async fn repeated_wrong_passwords_lock_the_account_behind_the_same_answer(backend: Backend) {
    let app = spawn_app(backend).await;
    let (account, password) =
        account(&app, "boss@veletrh.cz", OrganiserRole::Admin, None, None).await;
    let web = browser();
    let answer_for = |email: &'static str, password: String| {
        let web = web.clone();
        let url = format!("{}/admin/login", app.address);
        async move {
            let r = web
                .post(url)
                .form(&[("email", email), ("password", password.as_str())])
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            (status, r.text().await.unwrap().replace(email, "EMAIL"))
        }
    };
    let unknown = answer_for("nobody@veletrh.cz", "whatever".into()).await;
    assert_eq!(unknown.0, 401);
    for attempt in 1..=5 {
        let wrong = answer_for("boss@veletrh.cz", format!("wrong {attempt}")).await;
        assert_eq!(
            wrong, unknown,
            "wrong password {attempt}: same answer as unknown"
        );
    }
    let locked = answer_for("boss@veletrh.cz", password.clone()).await;
    assert_eq!(
        locked, unknown,
        "locked: the right password is refused the same way"
    );
    let row = organiser::Entity::find_by_id(account.id)
        .one(app.state.db.conn())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.failed_logins, 5);
    assert!(row.locked_until.unwrap() > Utc::now());
    // The lock runs out.
    organiser::ActiveModel {
        id: Set(account.id),
        locked_until: Set(Some(Utc::now() - Duration::seconds(1))),
        ..Default::default()
    }
    .update(app.state.db.conn())
    .await
    .unwrap();
    assert_eq!(answer_for("boss@veletrh.cz", password).await.0, 303);
    let row = organiser::Entity::find_by_id(account.id)
        .one(app.state.db.conn())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((row.failed_logins, row.locked_until), (0, None));
}

// ---------------------------------------------------------------------------------------------
// Managing activities

/// The SEQUENCE and STATUS of the activity's own feed, once it differs from `not`.
async fn feed_event(app: &TestApp, id: i32, not: Option<&str>) -> (String, String) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let body = app
            .get(&format!("/workshops/{id}/calendar.ics"))
            .await
            .text()
            .await
            .unwrap();
        let field = |name: &str| {
            body.split("\r\n")
                .find_map(|l| l.strip_prefix(&format!("{name}:")))
                .unwrap_or_default()
                .to_owned()
        };
        let sequence = field("SEQUENCE");
        if not != Some(sequence.as_str()) {
            return (sequence, field("STATUS"));
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the feed never changed"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

async fn audit_actions(app: &TestApp, id: i32) -> Vec<String> {
    audit_event::Entity::find()
        .filter(audit_event::Column::SubjectType.eq("activity"))
        .filter(audit_event::Column::SubjectId.eq(id))
        .all(app.state.db.conn())
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

async fn moving_a_workshop_emails_its_attendees_and_raises_the_feed_sequence(backend: Backend) {
    let app = spawn_app(backend).await;
    let fair = demo_fair(&app).await;
    let organiser = staff(
        &app,
        "o@veletrh.cz",
        OrganiserRole::Organiser,
        Some(fair),
        None,
    )
    .await;
    signed_up_and_confirmed(&app, "jana@skola.cz", WORKSHOP).await;
    let before = activity_row(&app, WORKSHOP).await;
    let (sequence_before, _) = feed_event(&app, WORKSHOP, None).await;

    let starts = before.starts_at + Duration::hours(1);
    let ends = before.ends_at + Duration::hours(1);
    let answer = call_api(
        &app,
        Some(&organiser),
        Method::PATCH,
        &format!("/admin/activities/{WORKSHOP}"),
        Some(json!({ "starts_at": starts, "ends_at": ends, "room": "Aula" })),
    )
    .await;
    assert_eq!(answer.status(), 200);
    let after: Value = answer.json().await.unwrap();
    assert_eq!(after["revision"], before.revision + 1);
    let row = activity_row(&app, WORKSHOP).await;
    assert!(row.updated_at > before.updated_at);

    let mails = app.emails_to("jana@skola.cz").await;
    let change = mails.last().unwrap();
    let old_when = Lang::Cs.when(before.starts_at, before.ends_at, timezone::DEFAULT);
    let new_when = Lang::Cs.when(starts, ends, timezone::DEFAULT);
    assert!(change.text.contains(&old_when), "{}", change.text);
    assert!(change.text.contains(&new_when), "{}", change.text);
    let old_place = format!("{}, Kampus Hybernská", before.room.as_deref().unwrap());
    assert!(change.text.contains(&old_place), "{}", change.text);
    assert!(
        change.text.contains("Aula, Kampus Hybernská"),
        "{}",
        change.text
    );
    let [(_, ics)] = &change.attachments[..] else {
        panic!("the updated event: {:?}", change.attachments)
    };
    assert!(
        ics.replace("\r\n ", "")
            .contains("LOCATION:Aula\\, Kampus Hybernská"),
        "{ics}"
    );

    let (sequence_after, _) = feed_event(&app, WORKSHOP, Some(&sequence_before)).await;
    assert!(
        sequence_after.parse::<i32>().unwrap() > sequence_before.parse::<i32>().unwrap(),
        "{sequence_before} → {sequence_after}"
    );
    assert_eq!(audit_actions(&app, WORKSHOP).await, ["activity.update"]);

    // A change of the title alone tells nobody.
    let count = app.emails_to("jana@skola.cz").await.len();
    let answer = call_api(
        &app,
        Some(&organiser),
        Method::PATCH,
        &format!("/admin/activities/{WORKSHOP}"),
        Some(json!({ "title": "Nový název" })),
    )
    .await;
    assert_eq!(answer.status(), 200);
    assert_eq!(app.emails_to("jana@skola.cz").await.len(), count);
}

async fn raising_the_capacity_offers_the_seat_to_the_waiting_list(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = staff(&app, "boss@veletrh.cz", OrganiserRole::Admin, None, None).await;
    set_capacity(&app, WORKSHOP, 1).await;
    signed_up_and_confirmed(&app, "a@skola.cz", WORKSHOP).await;
    let answer = app
        .post_json("/api/registrations", &sign_up_body("b@skola.cz", WORKSHOP))
        .await;
    assert_eq!(answer.status(), 202);
    assert_eq!(
        statuses_of(&app, "b@skola.cz").await,
        [RegistrationStatus::Waitlisted]
    );

    let answer = call_api(
        &app,
        Some(&admin),
        Method::PATCH,
        &format!("/admin/activities/{WORKSHOP}"),
        Some(json!({ "capacity": 2 })),
    )
    .await;
    assert_eq!(answer.status(), 200);
    assert_eq!(
        statuses_of(&app, "b@skola.cz").await,
        [RegistrationStatus::Offered]
    );
    assert_eq!(activity_row(&app, WORKSHOP).await.taken, 2);
    let offer = app.emails_to("b@skola.cz").await;
    assert!(offer.last().unwrap().text.contains("/confirm/"));

    // A change then: the confirmed have nothing to do, the offered must still confirm.
    let answer = call_api(
        &app,
        Some(&admin),
        Method::PATCH,
        &format!("/admin/activities/{WORKSHOP}"),
        Some(json!({ "room": "Aula" })),
    )
    .await;
    assert_eq!(answer.status(), 200);
    let confirmed = app.emails_to("a@skola.cz").await.pop().unwrap();
    assert!(
        confirmed.text.contains("nemusíte nic dělat"),
        "{}",
        confirmed.text
    );
    let offered = app.emails_to("b@skola.cz").await.pop().unwrap();
    assert!(
        offered.text.contains("Místo vám dál držíme do"),
        "{}",
        offered.text
    );
    assert!(
        !offered.text.contains("nemusíte nic dělat"),
        "{}",
        offered.text
    );
}

async fn lowering_the_capacity_below_the_seats_taken_is_refused_on_the_field(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = staff(&app, "boss@veletrh.cz", OrganiserRole::Admin, None, None).await;
    signed_up_and_confirmed(&app, "a@skola.cz", WORKSHOP).await;
    let before = activity_row(&app, WORKSHOP).await;
    let answer = call_api(
        &app,
        Some(&admin),
        Method::PATCH,
        &format!("/admin/activities/{WORKSHOP}?lang=en"),
        Some(json!({ "capacity": 0 })),
    )
    .await;
    assert_eq!(answer.status(), 422);
    let problem: Value = answer.json().await.unwrap();
    assert_eq!(problem["type"], "invalid-input");
    assert_eq!(problem["errors"][0]["field"], "capacity");
    assert_eq!(problem["errors"][0]["code"], "capacity_below_taken");
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("seats already taken (1)"),
        "{problem}"
    );
    // The page says it in Czech at the field.
    let fair = before.fair_id.unwrap();
    let mut fields = workshop_form(&fair.to_string(), &fair_day(&app, fair).await, "x");
    fields.retain(|(k, _)| *k != "kind");
    let local = |at: chrono::DateTime<Utc>| {
        at.with_timezone(&timezone::DEFAULT)
            .format("%Y-%m-%dT%H:%M")
            .to_string()
    };
    for (k, v) in fields.iter_mut() {
        match *k {
            "title" => *v = before.title.clone(),
            "starts_at" => *v = local(before.starts_at),
            "ends_at" => *v = local(before.ends_at),
            "capacity" => *v = "0".into(),
            _ => {}
        }
    }
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let page = post_form(
        &app,
        Some(&admin),
        &format!("/admin/activities/{WORKSHOP}"),
        &fields,
    )
    .await;
    assert_eq!(page.status(), 422);
    let html = page.text().await.unwrap();
    assert!(html.contains("id=\"capacity-error\""), "{html}");
    assert!(html.contains("již obsazených míst (1)"), "{html}");
    assert_eq!(
        activity_row(&app, WORKSHOP).await,
        before,
        "nothing changed"
    );
}

/// The form tells and reads a workshop's times in its fair's zone, as the public pages and
/// emails do: a fair in London shows London time, and a form sent back unchanged moves nothing.
async fn the_activity_form_speaks_the_fairs_local_time(backend: Backend) {
    let app = spawn_app(backend).await;
    let boss = admin(&app).await;
    let fair = demo_fair(&app).await;
    fair::ActiveModel {
        id: Set(fair),
        timezone: Set("Europe/London".into()),
        ..Default::default()
    }
    .update(app.state.db.conn())
    .await
    .unwrap();
    let before = activity_row(&app, WORKSHOP).await;
    let london = |at: chrono::DateTime<Utc>| {
        at.with_timezone(&chrono_tz::Europe::London)
            .format("%Y-%m-%dT%H:%M")
            .to_string()
    };
    let path = format!("/admin/activities/{WORKSHOP}");
    let page = get_page(&app, Some(&boss), &path)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!("value=\"{}\"", london(before.starts_at))),
        "{page}"
    );
    let day = fair_day(&app, fair).await;
    let mut fields = workshop_form(&fair.to_string(), &day, "Mimo");
    fields.retain(|(k, _)| *k != "kind");
    for (k, v) in fields.iter_mut() {
        match *k {
            "title" => *v = before.title.clone(),
            "starts_at" => *v = london(before.starts_at),
            "ends_at" => *v = london(before.ends_at),
            "capacity" => *v = before.capacity.to_string(),
            _ => {}
        }
    }
    let unchanged: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let answer = post_form(&app, Some(&boss), &path, &unchanged).await;
    assert_eq!(answer.status(), 303);
    let after = activity_row(&app, WORKSHOP).await;
    assert_eq!(
        (after.starts_at, after.ends_at),
        (before.starts_at, before.ends_at),
        "sent back as shown, the times stay"
    );

    // 9:00–10:30 typed for the London fair is 9:00–10:30 in London (UTC in winter, +1 in summer).
    for (k, v) in fields.iter_mut() {
        match *k {
            "starts_at" => *v = format!("{day}T09:00"),
            "ends_at" => *v = format!("{day}T10:30"),
            _ => {}
        }
    }
    let moved: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let answer = post_form(&app, Some(&boss), &path, &moved).await;
    assert_eq!(answer.status(), 303);
    let after = activity_row(&app, WORKSHOP).await;
    assert_eq!(london(after.starts_at), format!("{day}T09:00"));
    assert_eq!(london(after.ends_at), format!("{day}T10:30"));
    let list = get_page(&app, Some(&boss), "/admin/activities")
        .await
        .text()
        .await
        .unwrap();
    assert!(list.contains("9:00–10:30"), "{list}");
    // So do the door's list, the sign-in sheet and a person's registrations.
    signed_up_and_confirmed(&app, "jana@skola.cz", WORKSHOP).await;
    let found = call_api(&app, Some(&boss), Method::GET, "/admin/people?q=jana", None).await;
    let jana = found.json::<Value>().await.unwrap()[0]["id"].clone();
    for path in [
        format!("/admin/activities/{WORKSHOP}/checkin"),
        format!("/admin/activities/{WORKSHOP}/sheet"),
        format!("/admin/people/{jana}"),
    ] {
        let page = get_page(&app, Some(&boss), &path).await;
        assert_eq!(page.status(), 200, "{path}");
        let page = page.text().await.unwrap();
        assert!(page.contains("9:00–10:30"), "{path}: {page}");
    }
}

async fn dates_outside_the_fair_or_in_the_past_are_refused_on_the_field(backend: Backend) {
    let app = spawn_app(backend).await;
    let boss = admin(&app).await;
    let fair = demo_fair(&app).await;
    let day = fair_day(&app, fair).await;
    let next_day = (chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d").unwrap()
        + Duration::days(1))
    .to_string();
    let activities = activity::Entity::find()
        .count(app.state.db.conn())
        .await
        .unwrap();
    let workshop = |starts: String, ends: String| {
        json!({ "kind": "workshop", "fair_id": fair, "title": "Mimo", "starts_at": starts,
                "ends_at": ends, "capacity": 10 })
    };
    // The day after the fair, from 9:00 Prague time (UTC+1 in the winter the demo fair is in,
    // or +2: either way on that local day).
    let after = workshop(
        format!("{next_day}T08:00:00Z"),
        format!("{next_day}T09:00:00Z"),
    );
    let refused = call_api(
        &app,
        Some(&boss),
        Method::POST,
        "/admin/activities",
        Some(after),
    )
    .await;
    assert_eq!(field_errors(refused).await, ["starts_at:outside_fair"]);
    // Ending after the fair's last day.
    let late = workshop(format!("{day}T20:00:00Z"), format!("{next_day}T01:00:00Z"));
    let refused = call_api(
        &app,
        Some(&boss),
        Method::POST,
        "/admin/activities",
        Some(late),
    )
    .await;
    assert_eq!(field_errors(refused).await, ["ends_at:outside_fair"]);
    // A meeting (no fair) set in the past.
    let past = json!({ "kind": "meeting", "title": "Loni", "starts_at": "2025-03-01T08:00:00Z",
                       "ends_at": "2025-03-01T09:00:00Z", "capacity": 10 });
    let refused = call_api(
        &app,
        Some(&boss),
        Method::POST,
        "/admin/activities",
        Some(past),
    )
    .await;
    assert_eq!(field_errors(refused).await, ["starts_at:in_the_past"]);
    assert_eq!(
        activity::Entity::find()
            .count(app.state.db.conn())
            .await
            .unwrap(),
        activities,
        "nothing created"
    );

    // Moving a workshop off the fair's day, on the page: the field says why, in Czech, with
    // the fair's day.
    let before = activity_row(&app, WORKSHOP).await;
    let mut fields = workshop_form(&fair.to_string(), &next_day, "Přesunutý");
    fields.retain(|(k, _)| *k != "kind");
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let page = post_form(
        &app,
        Some(&boss),
        &format!("/admin/activities/{WORKSHOP}"),
        &fields,
    )
    .await;
    assert_eq!(page.status(), 422);
    let page = page.text().await.unwrap();
    assert!(
        page.contains(&format!(
            "Workshop musí proběhnout ve dnech veletrhu ({day})."
        )),
        "{page}"
    );
    assert_eq!(
        activity_row(&app, WORKSHOP).await,
        before,
        "nothing changed"
    );

    // The fair moved a week on would leave every scheduled workshop before its new days.
    let fair_row = fair::Entity::find_by_id(fair)
        .one(app.state.db.conn())
        .await
        .unwrap()
        .unwrap();
    let scheduled = activity::Entity::find()
        .filter(activity::Column::FairId.eq(fair))
        .filter(activity::Column::Status.eq(ActivityStatus::Scheduled))
        .count(app.state.db.conn())
        .await
        .unwrap();
    assert!(scheduled > 0);
    let week = Duration::weeks(1);
    let answer = call_api(
        &app,
        Some(&boss),
        Method::PATCH,
        &format!("/admin/fairs/{fair}"),
        Some(json!({ "starts_at": fair_row.starts_at + week, "ends_at": fair_row.ends_at + week })),
    )
    .await;
    assert_eq!(answer.status(), 422);
    let problem: Value = answer.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "starts_at");
    assert_eq!(problem["errors"][0]["code"], "workshops_outside");
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains(&format!("(počet: {scheduled})")),
        "{problem}"
    );
    let unchanged = fair::Entity::find_by_id(fair)
        .one(app.state.db.conn())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(unchanged, fair_row);
}

async fn a_cancelled_workshop_stays_in_its_feed_as_cancelled(backend: Backend) {
    let app = spawn_app(backend).await;
    let fair = demo_fair(&app).await;
    let organiser = staff(
        &app,
        "o@veletrh.cz",
        OrganiserRole::Organiser,
        Some(fair),
        None,
    )
    .await;
    signed_up_and_confirmed(&app, "a@skola.cz", WORKSHOP).await;
    let (sequence_before, status_before) = feed_event(&app, WORKSHOP, None).await;
    assert_eq!(status_before, "CONFIRMED");

    let answer = post_form(
        &app,
        Some(&organiser),
        &format!("/admin/activities/{WORKSHOP}/cancel"),
        &[("reason", "Lektor onemocněl.")],
    )
    .await;
    assert_eq!(answer.status(), 303);
    let row = activity_row(&app, WORKSHOP).await;
    assert_eq!(row.status, ActivityStatus::Cancelled);
    assert_eq!(row.taken, 0, "the seats went back");
    assert_eq!(
        statuses_of(&app, "a@skola.cz").await,
        [RegistrationStatus::Cancelled]
    );
    let mail = app.emails_to("a@skola.cz").await.pop().unwrap();
    assert!(mail.text.contains("Lektor onemocněl."), "{}", mail.text);

    let (sequence_after, status_after) = feed_event(&app, WORKSHOP, Some(&sequence_before)).await;
    assert_eq!(status_after, "CANCELLED");
    // The confirmed attendee had the event from their confirmation: this one cancels it.
    let [(name, ics)] = &mail.attachments[..] else {
        panic!("one attachment: {:?}", mail.attachments)
    };
    assert!(name.ends_with(".ics"), "{name}");
    let ics = ics.replace("\r\n ", "");
    assert!(ics.contains("STATUS:CANCELLED"), "{ics}");
    assert!(ics.contains(&format!("SEQUENCE:{sequence_after}")), "{ics}");
    assert!(
        mail.text.contains("zrušenou událost (.ics)"),
        "{}",
        mail.text
    );
    assert!(sequence_after.parse::<i32>().unwrap() > sequence_before.parse::<i32>().unwrap());
    assert_eq!(audit_actions(&app, WORKSHOP).await, ["activity.cancel"]);

    // A cancelled activity is not edited any more.
    let answer = call_api(
        &app,
        Some(&organiser),
        Method::PATCH,
        &format!("/admin/activities/{WORKSHOP}"),
        Some(json!({ "title": "x" })),
    )
    .await;
    assert_eq!(answer.status(), 409);
    // Nor on the page, which says why.
    let mut fields = workshop_form(&fair.to_string(), &fair_day(&app, fair).await, "x");
    fields.retain(|(k, _)| *k != "kind");
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let page = post_form(
        &app,
        Some(&organiser),
        &format!("/admin/activities/{WORKSHOP}"),
        &fields,
    )
    .await;
    assert_eq!(page.status(), 409);
    assert!(page.text().await.unwrap().contains("Teď to nejde"));
}

async fn an_invited_organiser_sets_a_password_and_signs_in(backend: Backend) {
    let app = spawn_app(backend).await;
    let fair = demo_fair(&app).await;
    let admin = staff(&app, "boss@veletrh.cz", OrganiserRole::Admin, None, None).await;
    let fair_s = fair.to_string();
    let answer = post_form(
        &app,
        Some(&admin),
        "/admin/invitations",
        &[
            ("email", "Nova@Veletrh.cz"),
            ("name", "Nová Organizátorka"),
            ("role", "organiser"),
            ("fair_id", &fair_s),
        ],
    )
    .await;
    assert_eq!(answer.status(), 303);
    let mail = app
        .emails_to("nova@veletrh.cz")
        .await
        .pop()
        .expect("an invitation");
    assert!(mail.text.contains("Test Organiser"), "{}", mail.text);
    assert!(
        mail.text.contains("Pro: Úspěch pro každého žáka"),
        "the fair they will organise: {}",
        mail.text
    );
    let link = mail.link(&app, "/admin/invitations/");
    assert!(
        mail.text.contains(&format!("{link}?lang=cs")),
        "opens in the email's language: {}",
        mail.text
    );
    let path = link.trim_start_matches(&app.address).to_owned();
    assert_eq!(app.get(&path).await.status(), 200);
    let web = browser();
    let short = web
        .post(&link)
        .form(&[("password", "short"), ("password_again", "short")])
        .send()
        .await
        .unwrap();
    assert_eq!(short.status(), 422);
    let good = "dlouhé heslo pro veletrh";
    let accepted = web
        .post(&link)
        .form(&[("password", good), ("password_again", good)])
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), 303);
    assert_eq!(app.get(&path).await.status(), 404, "the link is used up");
    assert_eq!(sign_in(&app, &web, "nova@veletrh.cz", good).await, 303);
    let row = organiser::Entity::find()
        .filter(organiser::Column::Email.eq("nova@veletrh.cz"))
        .one(app.state.db.conn())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (row.role, row.fair_id),
        (OrganiserRole::Organiser, Some(fair))
    );
    assert!(row.password_hash.starts_with("$argon2id$"));
}

/// One live invitation per address, listed for the admins, who may withdraw it.
async fn a_second_invitation_replaces_the_first_and_an_open_one_can_be_withdrawn(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = staff(&app, "boss@veletrh.cz", OrganiserRole::Admin, None, None).await;
    let invite = async |role: &str| {
        let fields = [
            ("email", "pozvany@veletrh.cz"),
            ("name", "Pozvaný"),
            ("role", role),
        ];
        let answer = post_form(&app, Some(&admin), "/admin/invitations", &fields).await;
        assert_eq!(answer.status(), 303);
        let mail = app.emails_to("pozvany@veletrh.cz").await.pop().unwrap();
        let link = mail.link(&app, "/admin/invitations/");
        link.trim_start_matches(&app.address).to_owned()
    };
    let first = invite("admin").await;
    let second = invite("viewer").await;
    assert_eq!(app.get(&first).await.status(), 404, "replaced");
    assert_eq!(app.get(&second).await.status(), 200);
    let page = get_page(&app, Some(&admin), "/admin/invitations?lang=en")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        page.matches("&lt;pozvany@veletrh.cz&gt;").count(),
        1,
        "one live invitation: {page}"
    );
    assert!(
        page.contains("viewer (read-only)"),
        "the live one's role: {page}"
    );
    let live = organiser_invitation::Entity::find()
        .filter(organiser_invitation::Column::Email.eq("pozvany@veletrh.cz"))
        .order_by_desc(organiser_invitation::Column::Id)
        .one(app.state.db.conn())
        .await
        .unwrap()
        .unwrap();
    let id = live.id;
    assert!(
        page.contains(&format!("invitations&#x2f;{id}&#x2f;withdraw")),
        "the live one's button: {page}"
    );

    let withdraw = format!("/admin/invitations/{id}/withdraw");
    let answer = post_form(&app, Some(&admin), &withdraw, &[]).await;
    assert_eq!(answer.status(), 303);
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.contains("done=withdrawn"), "{location}");
    assert_eq!(app.get(&second).await.status(), 404, "withdrawn");
    assert_eq!(
        audit_event::Entity::find()
            .filter(audit_event::Column::Action.eq("organiser.revoke_invitation"))
            .count(app.state.db.conn())
            .await
            .unwrap(),
        1
    );
    // Again: nothing left to withdraw, and it says so.
    let again = post_form(&app, Some(&admin), &withdraw, &[]).await;
    let location = again.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.contains("done=unchanged"), "{location}");
    let page = get_page(&app, Some(&admin), "/admin/invitations?lang=en")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("No invitation is waiting to be accepted."),
        "{page}"
    );
    // An id never given: not found.
    let unknown = post_form(&app, Some(&admin), "/admin/invitations/999/withdraw", &[]).await;
    assert_eq!(unknown.status(), 404);
}

async fn an_api_token_made_on_the_page_works_until_revoked(backend: Backend) {
    let app = spawn_app(backend).await;
    let viewer = staff(&app, "v@veletrh.cz", OrganiserRole::Viewer, None, None).await;
    let page = post_form(
        &app,
        Some(&viewer),
        "/admin/tokens",
        &[("name", "export script")],
    )
    .await;
    assert_eq!(page.status(), 201);
    let html = page.text().await.unwrap();
    let token = html
        .split("<code class=\"url\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap()
        .to_owned();
    assert!(token.starts_with("vt_"));
    let me = |token: String| {
        let client = app.client.clone();
        let url = format!("{}/api/admin/me", app.address);
        async move { client.get(url).bearer_auth(token).send().await.unwrap() }
    };
    let answer = me(token.clone()).await;
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.json::<Value>().await.unwrap()["role"], "viewer");
    let stored = entity::api_token::Entity::find()
        .filter(entity::api_token::Column::Name.eq("export script"))
        .one(app.state.db.conn())
        .await
        .unwrap()
        .unwrap();
    assert!(
        !stored.token_hash.contains(&token[3..]),
        "only a hash is stored"
    );
    let revoked = post_form(
        &app,
        Some(&viewer),
        &format!("/admin/tokens/{}/revoke", stored.id),
        &[],
    )
    .await;
    assert_eq!(revoked.status(), 303);
    assert_eq!(me(token).await.status(), 401);
}

async fn the_first_start_on_sqlite_makes_an_admin_for_the_banner(backend: Backend) {
    let app = spawn_app(backend).await;
    let admins = organiser::Entity::find()
        .filter(organiser::Column::Email.eq(accounts::FIRST_ADMIN))
        .all(app.state.db.conn())
        .await
        .unwrap();
    assert_eq!(admins.len(), usize::from(backend == Backend::Sqlite));
}

/// A printed (initial) password opens only the password form until its owner chooses their
/// own; the new one must differ from it.
async fn an_initial_password_must_be_changed_before_anything_else(backend: Backend) {
    let app = spawn_app(backend).await;
    let new = accounts::NewOrganiser::parse(
        "novy@veletrh.cz",
        "Nový",
        OrganiserRole::Organiser,
        Some(demo_fair(&app).await),
        None,
    )
    .unwrap();
    let (_, initial) = accounts::add(&app.state.db, new).await.unwrap();
    let web = browser();
    assert_eq!(sign_in(&app, &web, "novy@veletrh.cz", &initial).await, 303);
    for path in ["/admin/activities", "/admin/tokens", "/admin/audit"] {
        let answer = web
            .get(format!("{}{path}?lang=en", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 303, "{path}");
        assert_eq!(
            answer.headers()["location"],
            "/admin/password?lang=en",
            "{path}"
        );
    }
    let page = web
        .get(format!("{}/admin/password?lang=en", app.address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("choose your own before you go on"), "{page}");
    let csrf = csrf_in(&page);
    let change = async |password: &str| {
        web.post(format!("{}/admin/password?lang=en", app.address))
            .form(&[
                ("csrf", csrf.as_str()),
                ("current_password", initial.as_str()),
                ("password", password),
                ("password_again", password),
            ])
            .send()
            .await
            .unwrap()
    };
    let same = change(&initial).await;
    assert_eq!(same.status(), 422);
    assert!(
        same.text()
            .await
            .unwrap()
            .contains("The new password must differ from the current one.")
    );
    let tokens = web
        .get(format!("{}/admin/tokens", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(tokens.status(), 303, "still the initial password");
    assert_eq!(change("moje vlastní dlouhé heslo").await.status(), 303);
    let tokens = web
        .get(format!("{}/admin/tokens", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(tokens.status(), 200, "free to go on");
}

on_both_backends!(
    an_initial_password_must_be_changed_before_anything_else,
    each_route_answers_each_role_as_its_permissions_say,
    a_form_without_the_sessions_csrf_token_changes_nothing,
    the_language_switch_stays_on_the_admin_page,
    speakers_are_set_on_the_form_and_in_the_api,
    a_session_ends_when_idle_and_at_sign_out,
    repeated_wrong_passwords_lock_the_account_behind_the_same_answer,
    moving_a_workshop_emails_its_attendees_and_raises_the_feed_sequence,
    raising_the_capacity_offers_the_seat_to_the_waiting_list,
    lowering_the_capacity_below_the_seats_taken_is_refused_on_the_field,
    a_cancelled_workshop_stays_in_its_feed_as_cancelled,
    dates_outside_the_fair_or_in_the_past_are_refused_on_the_field,
    the_activity_form_speaks_the_fairs_local_time,
    an_invited_organiser_sets_a_password_and_signs_in,
    a_second_invitation_replaces_the_first_and_an_open_one_can_be_withdrawn,
    an_api_token_made_on_the_page_works_until_revoked,
    the_first_start_on_sqlite_makes_an_admin_for_the_banner,
);

/// The speakers of the demo workshop, as stored.
async fn speakers_of(app: &TestApp, activity: i32) -> Vec<(String, Option<String>)> {
    entity::speaker::Entity::find()
        .filter(entity::speaker::Column::ActivityId.eq(activity))
        .order_by_asc(entity::speaker::Column::Position)
        .all(app.state.db.conn())
        .await
        .unwrap()
        .into_iter()
        .map(|s| (s.name, s.organisation))
        .collect()
}

/// Speakers are set with the activity: on the form one per line (`Name; Organisation`), in
/// the API as a list. The page and the feed show them, and a new list is a new revision; a
/// line without a name is refused on the field and changes nothing.
async fn speakers_are_set_on_the_form_and_in_the_api(backend: Backend) {
    let app = spawn_app(backend).await;
    let boss = admin(&app).await;
    let before = activity_row(&app, WORKSHOP).await;
    let (sequence_before, _) = feed_event(&app, WORKSHOP, None).await;
    let local = |at: chrono::DateTime<Utc>| {
        at.with_timezone(&timezone::DEFAULT)
            .format("%Y-%m-%dT%H:%M")
            .to_string()
    };
    let fair = before.fair_id.unwrap().to_string();
    let (starts, ends) = (local(before.starts_at), local(before.ends_at));
    let capacity = before.capacity.to_string();
    let form = |speakers: &'static str| {
        vec![
            ("fair_id", fair.clone()),
            ("title", before.title.clone()),
            ("description", before.description.clone()),
            ("topic", before.topic.clone().unwrap_or_default()),
            ("room", before.room.clone().unwrap_or_default()),
            ("starts_at", starts.clone()),
            ("ends_at", ends.clone()),
            ("capacity", capacity.clone()),
            ("waitlist_enabled", "on".into()),
            ("speakers", speakers.into()),
        ]
    };
    let path = format!("/admin/activities/{WORKSHOP}?lang=cs");
    let post = async |fields: Vec<(&'static str, String)>| {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        post_form(&app, Some(&boss), &path, &fields).await
    };
    let stored_before = speakers_of(&app, WORKSHOP).await;

    let refused = post(form("Petr Novák\n; ZŠ Vrbno")).await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    assert!(page.contains("U každého řečníka uveďte jméno"), "{page}");
    assert_eq!(speakers_of(&app, WORKSHOP).await, stored_before);
    assert_eq!(activity_row(&app, WORKSHOP).await.revision, before.revision);

    let saved = post(form("Mgr. Jana Nováková, Ph.D.; ZŠ Vrbno\n\nPetr Novák")).await;
    assert_eq!(saved.status(), 303);
    assert_eq!(
        speakers_of(&app, WORKSHOP).await,
        [
            (
                "Mgr. Jana Nováková, Ph.D.".to_owned(),
                Some("ZŠ Vrbno".to_owned())
            ),
            ("Petr Novák".to_owned(), None),
        ]
    );
    assert_eq!(
        activity_row(&app, WORKSHOP).await.revision,
        before.revision + 1
    );
    let edit = get_page(&app, Some(&boss), &path)
        .await
        .text()
        .await
        .unwrap();
    assert!(edit.contains("Mgr. Jana Nováková, Ph.D.; ZŠ Vrbno\nPetr Novák"));
    let public = app
        .get(&format!("/workshops/{WORKSHOP}?lang=cs"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        public.contains("Mgr. Jana Nováková, Ph.D. (ZŠ Vrbno)"),
        "{public}"
    );
    let (sequence_after, _) = feed_event(&app, WORKSHOP, Some(&sequence_before)).await;
    assert_ne!(sequence_after, sequence_before);
    let feed = app
        .get(&format!("/workshops/{WORKSHOP}/calendar.ics"))
        .await
        .text()
        .await
        .unwrap()
        .replace("\r\n ", "");
    assert!(feed.contains("Mgr. Jana Nováková\\, Ph.D."), "{feed}");

    // The same form again changes nothing.
    let again = post(form("Mgr. Jana Nováková, Ph.D.; ZŠ Vrbno\nPetr Novák")).await;
    assert_eq!(again.status(), 303);
    assert_eq!(
        activity_row(&app, WORKSHOP).await.revision,
        before.revision + 1
    );

    let api_path = format!("/admin/activities/{WORKSHOP}?lang=en");
    let api = |body: Value| call_api(&app, Some(&boss), Method::PATCH, &api_path, Some(body));
    let refused = api(json!({ "speakers": [{ "name": "  " }] })).await;
    assert_eq!(refused.status(), 422);
    let problem: Value = refused.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "speakers");
    assert_eq!(problem["errors"][0]["code"], "speaker_name_required");
    assert_eq!(speakers_of(&app, WORKSHOP).await.len(), 2);
    // The API answers with the activity as stored, speakers included, and so does a GET.
    let set = api(json!({ "speakers": [{ "name": "Eva Malá", "organisation": "NPI ČR" }] })).await;
    assert_eq!(set.status(), 200);
    let answered: Value = set.json().await.unwrap();
    let expected = json!([{ "name": "Eva Malá", "organisation": "NPI ČR" }]);
    assert_eq!(answered["speakers"], expected);
    let got: Value = call_api(&app, Some(&boss), Method::GET, &api_path, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(got["speakers"], expected);
    assert_eq!(api(json!({ "speakers": [] })).await.status(), 200);
    assert!(speakers_of(&app, WORKSHOP).await.is_empty());
}
