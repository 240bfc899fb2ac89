//! Check-in (issue 7): the QR code in the email and on the manage page, the door's pages and
//! API with their outcomes and permissions, the no-show release and the sign-in sheet — on
//! both databases.

use chrono::Duration;
use entity::{
    activity, audit_event,
    enums::{OrganiserRole, RegistrationStatus},
    person, registration,
};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use veletrh::checkin::no_show::release_no_shows;

use crate::helpers::organisers::{
    Staff, WORKSHOP, activity_row, browser, demo_fair, doors_open, staff,
};
use crate::helpers::{Backend, TestApp, on_both_backends, spawn_app, spawn_second_instance};

const OTHER_WORKSHOP: i32 = 5;

/// Signs `email` up for `activity` through the API and, when `confirm`, opens the link in the
/// email; returns the registration.
async fn signed_up(
    app: &TestApp,
    name: &str,
    email: &str,
    organisation: &str,
    activity: i32,
    confirm: bool,
) -> registration::Model {
    let response = app
        .post_json(
            "/api/registrations",
            &json!({
                "name": name,
                "email": email,
                "organisation": organisation,
                "role": "teacher",
                "activity_ids": [activity],
                "consent": true,
            }),
        )
        .await;
    assert!(response.status().is_success(), "{}", response.status());
    if confirm {
        let mails = app.emails_to(email).await;
        let token = mails.last().unwrap().token(app, "/confirm/");
        let confirmed = app
            .post_json(&format!("/api/confirmations/{token}"), &json!({}))
            .await;
        assert_eq!(confirmed.status(), 200);
    }
    registration_of(app, email, activity).await
}

/// Jana Dvořáková of ZŠ Krnov, signed up for the workshop and confirmed.
async fn jana_confirmed(app: &TestApp) -> registration::Model {
    signed_up(
        app,
        "Jana Dvořáková",
        "jana@skola.cz",
        "ZŠ Krnov",
        WORKSHOP,
        true,
    )
    .await
}

async fn registration_of(app: &TestApp, email: &str, activity: i32) -> registration::Model {
    let person = person::Entity::find()
        .filter(person::Column::Email.eq(email))
        .one(app.state.db.conn())
        .await
        .unwrap()
        .unwrap();
    registration::Entity::find()
        .filter(registration::Column::PersonId.eq(person.id))
        .filter(registration::Column::ActivityId.eq(activity))
        .one(app.state.db.conn())
        .await
        .unwrap()
        .unwrap()
}

async fn reload(app: &TestApp, r: &registration::Model) -> registration::Model {
    registration::Entity::find_by_id(r.id)
        .one(app.state.db.conn())
        .await
        .unwrap()
        .unwrap()
}

async fn set_status(app: &TestApp, r: &registration::Model, status: RegistrationStatus) {
    registration::ActiveModel {
        id: Set(r.id),
        status: Set(status),
        ..Default::default()
    }
    .update(app.state.db.conn())
    .await
    .unwrap();
}

/// The check-in link's token, as the QR code carries it.
fn token_of(app: &TestApp, r: &registration::Model) -> String {
    app.state.links.checkin_token(r.id)
}

async fn api_check_in(app: &TestApp, who: &Staff, body: Value) -> reqwest::Response {
    app.client
        .post(format!("{}/api/admin/checkins", app.address))
        .bearer_auth(&who.token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn post_form(
    who: &reqwest::Client,
    app: &TestApp,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    who.post(format!("{}{path}", app.address))
        .form(fields)
        .send()
        .await
        .unwrap()
}

async fn page(who: &reqwest::Client, app: &TestApp, path: &str) -> (StatusCode, String) {
    let response = who
        .get(format!("{}{path}", app.address))
        .send()
        .await
        .unwrap();
    (response.status(), response.text().await.unwrap())
}

fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_owned()
}

on_both_backends!(
    the_qr_code_is_in_the_email_and_on_the_manage_page_and_its_link_checks_in,
    the_door_tells_a_duplicate_a_wrong_activity_and_a_cancelled_registration_apart,
    anonymous_visitors_see_a_neutral_page_and_change_nothing,
    viewers_may_look_but_not_check_in_and_other_fairs_organisers_are_refused,
    a_check_in_without_the_csrf_token_is_refused,
    the_list_at_the_door_searches_and_takes_a_scanned_link,
    no_shows_are_released_once_and_their_seats_freed,
    the_sign_in_sheet_lists_exactly_the_confirmed_people,
);

async fn the_qr_code_is_in_the_email_and_on_the_manage_page_and_its_link_checks_in(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let jana = jana_confirmed(&app).await;
    assert_eq!(jana.status, RegistrationStatus::Confirmed);

    // The email: the link in the text part, the QR code as an inline PNG the HTML shows.
    let mails = app.emails_to("jana@skola.cz").await;
    let confirmation = mails.last().unwrap();
    let link = confirmation.link(&app, "/checkin/");
    assert!(link.ends_with(&format!("/checkin/{}", token_of(&app, &jana))));
    let (cid, png) = confirmation
        .inline_images
        .first()
        .expect("the QR code is in the email");
    assert_eq!(cid, "checkin-qr-0");
    assert!(confirmation.html.contains("cid:checkin-qr-0"));
    let decoder = png::Decoder::new(png.as_slice());
    let info = decoder.read_info().expect("a PNG");
    assert!(info.info().width >= 150, "big enough to scan");
    assert_eq!(
        confirmation.attachments.len(),
        1,
        "the .ics is still the one attached file"
    );

    // The manage page: an inline SVG per confirmed registration, with the same link.
    let manage = app.state.links.manage_token(jana.person_id);
    let (status, body) = page(&app.client, &app, &format!("/me/{manage}")).await;
    assert_eq!(status, 200);
    assert!(
        body.contains("<svg") && body.contains("class=\"qr\""),
        "{body}"
    );
    assert!(
        body.contains(&token_of(&app, &jana)),
        "the link under the code"
    );
    assert!(!body.contains("style="), "the CSP forbids inline styles");

    // The organiser opens the scanned link on the day: one tap checks her in.
    doors_open(&app, WORKSHOP).await;
    let door = staff(
        &app,
        "door@veletrh.cz",
        OrganiserRole::Organiser,
        Some(demo_fair(&app).await),
        None,
    )
    .await;
    let scanned = door.web.get(&link).send().await.unwrap();
    assert_eq!(scanned.status(), 303);
    let admin_page = location(&scanned);
    assert!(admin_page.starts_with("/admin/checkin/"), "{admin_page}");
    let (status, body) = page(&door.web, &app, &admin_page).await;
    assert_eq!(status, 200);
    assert!(
        body.contains("Jana Dvořáková") && body.contains("outcome-admit"),
        "{body}"
    );
    assert_eq!(
        reload(&app, &jana).await.status,
        RegistrationStatus::Confirmed,
        "GET changes nothing"
    );

    let done = post_form(
        &door.web,
        &app,
        admin_page.split('?').next().unwrap(),
        &[("csrf", &door.csrf)],
    )
    .await;
    assert_eq!(done.status(), 303);
    let back = location(&done);
    assert!(
        back.starts_with(&format!(
            "/admin/activities/{WORKSHOP}/checkin?outcome=checked_in"
        )),
        "{back}"
    );
    let (_, list) = page(&door.web, &app, &back).await;
    assert!(
        list.contains("outcome-checked_in") && list.contains("Odbaveno"),
        "{list}"
    );
    let after = reload(&app, &jana).await;
    assert_eq!(after.status, RegistrationStatus::Attended);
    assert!(after.checked_in_at.is_some());
    let audited = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("registration.check_in"))
        .filter(audit_event::Column::SubjectId.eq(jana.id))
        .all(app.state.db.conn())
        .await
        .unwrap();
    assert_eq!(audited.len(), 1);
    assert!(
        audited[0]
            .before
            .as_deref()
            .unwrap()
            .contains("\"confirmed\"")
    );
    assert!(
        audited[0]
            .after
            .as_deref()
            .unwrap()
            .contains("\"attended\"")
    );
}

async fn the_door_tells_a_duplicate_a_wrong_activity_and_a_cancelled_registration_apart(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let door = staff(
        &app,
        "door@veletrh.cz",
        OrganiserRole::Organiser,
        Some(demo_fair(&app).await),
        None,
    )
    .await;
    let jana = jana_confirmed(&app).await;
    let petr = signed_up(
        &app,
        "Petr Novák",
        "petr@skola.cz",
        "ZŠ Opava",
        OTHER_WORKSHOP,
        true,
    )
    .await;
    let eva = signed_up(
        &app,
        "Eva Malá",
        "eva@skola.cz",
        "ZŠ Bruntál",
        WORKSHOP,
        true,
    )
    .await;
    set_status(&app, &eva, RegistrationStatus::Cancelled).await;

    // Weeks before the workshop: not yet, and nothing changes.
    let early = api_check_in(
        &app,
        &door,
        json!({ "token": token_of(&app, &jana), "activity_id": WORKSHOP }),
    )
    .await;
    assert_eq!(early.json::<Value>().await.unwrap()["outcome"], "too_early");
    assert_eq!(
        reload(&app, &jana).await.status,
        RegistrationStatus::Confirmed
    );
    let (_, page_html) = page(
        &door.web,
        &app,
        &format!(
            "/admin/checkin/{}?activity={WORKSHOP}",
            token_of(&app, &jana)
        ),
    )
    .await;
    assert!(
        page_html.contains("odbavuje se až v den akce"),
        "{page_html}"
    );

    doors_open(&app, WORKSHOP).await;
    doors_open(&app, OTHER_WORKSHOP).await;

    let first = api_check_in(
        &app,
        &door,
        json!({ "token": token_of(&app, &jana), "activity_id": WORKSHOP }),
    )
    .await;
    assert_eq!(first.status(), 200);
    let first: Value = first.json().await.unwrap();
    assert_eq!(first["outcome"], "checked_in");
    assert_eq!(first["registration"]["status"], "attended");
    let at = first["registration"]["checked_in_at"].clone();
    assert!(at.is_string());

    // The same code scanned again: a duplicate, with the first time; nothing changes.
    let link = app.state.links.checkin_url(jana.id);
    let again: Value = api_check_in(
        &app,
        &door,
        json!({ "token": link, "activity_id": WORKSHOP }),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(again["outcome"], "already_checked_in");
    assert_eq!(again["registration"]["checked_in_at"], at);

    // Petr's code at workshop 1's door: the wrong workshop, named; he stays confirmed.
    let wrong: Value = api_check_in(
        &app,
        &door,
        json!({ "token": token_of(&app, &petr), "activity_id": WORKSHOP }),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(wrong["outcome"], "wrong_activity");
    assert_eq!(wrong["registration"]["activity_id"], OTHER_WORKSHOP);
    assert_eq!(
        wrong["registration"]["activity_title"],
        activity_row(&app, OTHER_WORKSHOP).await.title.as_str()
    );
    assert_eq!(
        reload(&app, &petr).await.status,
        RegistrationStatus::Confirmed
    );
    // The page says so too, naming the other workshop.
    let (_, body) = page(
        &door.web,
        &app,
        &format!(
            "/admin/checkin/{}?activity={WORKSHOP}",
            token_of(&app, &petr)
        ),
    )
    .await;
    assert!(body.contains("outcome-wrong_activity"), "{body}");
    assert!(body.contains(&activity_row(&app, OTHER_WORKSHOP).await.title));

    // Scanned with the phone's camera app (no `?activity=`): the door is the list last opened.
    assert_eq!(
        page(
            &door.web,
            &app,
            &format!("/admin/activities/{WORKSHOP}/checkin")
        )
        .await
        .0,
        200
    );
    let camera = door
        .web
        .get(app.state.links.checkin_url(petr.id))
        .send()
        .await
        .unwrap();
    let (_, body) = page(&door.web, &app, &location(&camera)).await;
    assert!(body.contains("outcome-wrong_activity"), "{body}");

    // A cancelled registration is not admitted, by id as by code.
    let cancelled: Value = api_check_in(
        &app,
        &door,
        json!({ "registration_id": eva.id, "activity_id": WORKSHOP }),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(cancelled["outcome"], "not_admitted");
    assert_eq!(cancelled["registration"]["status"], "cancelled");
    assert_eq!(
        reload(&app, &eva).await.status,
        RegistrationStatus::Cancelled
    );

    // Undo puts Jana back; a second undo is a conflict.
    let undo = |id: i32| {
        app.client
            .post(format!("{}/api/admin/checkins/{id}/undo", app.address))
            .bearer_auth(&door.token)
            .send()
    };
    let undone = undo(jana.id).await.unwrap();
    assert_eq!(undone.status(), 200);
    let after = reload(&app, &jana).await;
    assert_eq!(after.status, RegistrationStatus::Confirmed);
    assert_eq!(after.checked_in_at, None);
    assert_eq!(undo(jana.id).await.unwrap().status(), 409);

    // Neither a token nor an id, or both: a field error.
    let neither = api_check_in(&app, &door, json!({ "activity_id": WORKSHOP })).await;
    assert_eq!(neither.status(), 422);
    // A made-up code opens nothing.
    let forged = format!("{}.{}", jana.id, "A".repeat(43));
    assert_eq!(
        api_check_in(&app, &door, json!({ "token": forged }))
            .await
            .status(),
        404
    );

    // The list for the door, alphabetical.
    let roster: Value = app
        .client
        .get(format!(
            "{}/api/admin/activities/{WORKSHOP}/checkins",
            app.address
        ))
        .bearer_auth(&door.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = roster
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Jana Dvořáková"], "cancelled Eva is not expected");
}

async fn anonymous_visitors_see_a_neutral_page_and_change_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let jana = jana_confirmed(&app).await;
    let title = activity_row(&app, WORKSHOP).await.title;
    let visitor = browser();
    let scanned = visitor
        .get(app.state.links.checkin_url(jana.id))
        .send()
        .await
        .unwrap();
    assert_eq!(scanned.status(), 303);
    let (status, body) = page(&visitor, &app, &location(&scanned)).await;
    assert_eq!(status, 200);
    assert!(body.contains("<svg"), "the code to show: {body}");
    for secret in [
        "Jana",
        "jana@skola.cz",
        "ZŠ Krnov",
        title.as_str(),
        "confirmed",
        "potvrzeno",
    ] {
        assert!(!body.contains(secret), "the neutral page shows {secret}");
    }
    // A made-up code: nothing to show.
    let (status, _) = page(
        &visitor,
        &app,
        &format!("/admin/checkin/{}.{}", jana.id, "A".repeat(43)),
    )
    .await;
    assert_eq!(status, 404);
    // Posting without signing in goes to the sign-in page and changes nothing.
    let posted = post_form(
        &visitor,
        &app,
        &format!("/admin/checkin/{}", token_of(&app, &jana)),
        &[("csrf", "x")],
    )
    .await;
    assert_eq!(posted.status(), 303);
    assert!(location(&posted).starts_with("/admin/login"));
    assert_eq!(
        reload(&app, &jana).await.status,
        RegistrationStatus::Confirmed
    );
    // The API without a token: 401.
    let api = app
        .post_json(
            "/api/admin/checkins",
            &json!({ "registration_id": jana.id }),
        )
        .await;
    assert_eq!(api.status(), 401);
    assert_eq!(
        reload(&app, &jana).await.status,
        RegistrationStatus::Confirmed
    );
}

async fn viewers_may_look_but_not_check_in_and_other_fairs_organisers_are_refused(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let jana = jana_confirmed(&app).await;
    let viewer = staff(&app, "viewer@veletrh.cz", OrganiserRole::Viewer, None, None).await;
    let other_fair = {
        let now = chrono::Utc::now();
        entity::fair::ActiveModel {
            slug: Set("jiny-veletrh".into()),
            name: Set("Jiný veletrh".into()),
            venue: Set("Brno".into()),
            description: Set(String::new()),
            timezone: Set("Europe/Prague".into()),
            starts_at: Set(now + Duration::days(60)),
            ends_at: Set(now + Duration::days(60) + Duration::hours(8)),
            status: Set(entity::enums::ActivityStatus::Scheduled),
            revision: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(app.state.db.conn())
        .await
        .unwrap()
        .id
    };
    let stranger = staff(
        &app,
        "brno@veletrh.cz",
        OrganiserRole::Organiser,
        Some(other_fair),
        None,
    )
    .await;
    let list = format!("/admin/activities/{WORKSHOP}/checkin");
    let button = format!("{list}/{}", jana.id);
    let scan = format!("/admin/checkin/{}", token_of(&app, &jana));

    // The viewer sees the list, the scanned code and the sheet, without the button…
    let (status, body) = page(&viewer.web, &app, &list).await;
    assert_eq!(status, 200);
    assert!(body.contains("Jana Dvořáková"));
    assert!(!body.contains("button big"), "no button for a viewer");
    assert_eq!(page(&viewer.web, &app, &scan).await.0, 200);
    assert_eq!(
        page(
            &viewer.web,
            &app,
            &format!("/admin/activities/{WORKSHOP}/sheet")
        )
        .await
        .0,
        200
    );
    // …and may not check in, on the pages or in the API.
    let csrf = viewer.csrf.clone();
    assert_eq!(
        post_form(&viewer.web, &app, &button, &[("csrf", &csrf)])
            .await
            .status(),
        403
    );
    assert_eq!(
        post_form(&viewer.web, &app, &scan, &[("csrf", &csrf)])
            .await
            .status(),
        403
    );
    assert_eq!(
        api_check_in(&app, &viewer, json!({ "registration_id": jana.id }))
            .await
            .status(),
        403
    );

    // Another fair's organiser sees nothing of it and changes nothing.
    let csrf = stranger.csrf.clone();
    assert_eq!(page(&stranger.web, &app, &list).await.0, 403);
    assert_eq!(page(&stranger.web, &app, &scan).await.0, 403);
    assert_eq!(
        page(
            &stranger.web,
            &app,
            &format!("/admin/activities/{WORKSHOP}/sheet")
        )
        .await
        .0,
        403
    );
    assert_eq!(
        post_form(&stranger.web, &app, &button, &[("csrf", &csrf)])
            .await
            .status(),
        403
    );
    assert_eq!(
        api_check_in(&app, &stranger, json!({ "token": token_of(&app, &jana) }))
            .await
            .status(),
        403
    );
    let roster = app
        .client
        .get(format!(
            "{}/api/admin/activities/{WORKSHOP}/checkins",
            app.address
        ))
        .bearer_auth(&stranger.token)
        .send()
        .await
        .unwrap();
    assert_eq!(roster.status(), 403);
    assert_eq!(
        reload(&app, &jana).await.status,
        RegistrationStatus::Confirmed
    );
}

async fn a_check_in_without_the_csrf_token_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let door = staff(&app, "door@veletrh.cz", OrganiserRole::Admin, None, None).await;
    let jana = jana_confirmed(&app).await;
    doors_open(&app, WORKSHOP).await;
    let button = format!("/admin/activities/{WORKSHOP}/checkin/{}", jana.id);
    let scan = format!("/admin/checkin/{}", token_of(&app, &jana));
    for path in [&button, &scan] {
        assert_eq!(
            post_form(&door.web, &app, path, &[]).await.status(),
            403,
            "{path}"
        );
        assert_eq!(
            post_form(&door.web, &app, path, &[("csrf", "wrong")])
                .await
                .status(),
            403,
            "{path}"
        );
    }
    assert_eq!(
        reload(&app, &jana).await.status,
        RegistrationStatus::Confirmed
    );
    // With it, the button works; undo needs it too.
    let done = post_form(&door.web, &app, &button, &[("csrf", &door.csrf)]).await;
    assert_eq!(done.status(), 303);
    assert_eq!(
        reload(&app, &jana).await.status,
        RegistrationStatus::Attended
    );
    let undo = format!("{button}/undo");
    assert_eq!(post_form(&door.web, &app, &undo, &[]).await.status(), 403);
    assert_eq!(
        reload(&app, &jana).await.status,
        RegistrationStatus::Attended
    );
    let undone = post_form(&door.web, &app, &undo, &[("csrf", &door.csrf)]).await;
    assert_eq!(undone.status(), 303);
    assert!(location(&undone).contains("outcome=undone"));
    assert_eq!(
        reload(&app, &jana).await.status,
        RegistrationStatus::Confirmed
    );
}

async fn the_list_at_the_door_searches_and_takes_a_scanned_link(backend: Backend) {
    let app = spawn_app(backend).await;
    let door = staff(&app, "door@veletrh.cz", OrganiserRole::Admin, None, None).await;
    let jana = jana_confirmed(&app).await;
    signed_up(
        &app,
        "Petr Novák",
        "petr@gymnazium.cz",
        "Gymnázium Opava",
        WORKSHOP,
        true,
    )
    .await;
    let list = format!("/admin/activities/{WORKSHOP}/checkin");
    for (query, expected, not) in [
        ("dvorakova", "Jana Dvořáková", "Petr Novák"),
        ("GYMNAZIUM", "Petr Novák", "Jana Dvořáková"),
        ("petr@", "Petr Novák", "Jana Dvořáková"),
    ] {
        let (status, body) = page(&door.web, &app, &format!("{list}?q={query}")).await;
        assert_eq!(status, 200);
        assert!(body.contains(expected) && !body.contains(not), "{query}");
    }
    // A scanner types the whole link into the box: on to that code at this door.
    let link = app.state.links.checkin_url(jana.id);
    let scanned = door
        .web
        .get(format!("{}{list}", app.address))
        .query(&[("q", link.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(scanned.status(), 303);
    assert_eq!(
        location(&scanned),
        format!(
            "/admin/checkin/{}?activity={WORKSHOP}&lang=cs",
            token_of(&app, &jana)
        )
    );
    let (_, body) = page(&door.web, &app, &list).await;
    assert!(body.contains("button big"), "the button for an admin");
    // English works too.
    let (_, body) = page(&door.web, &app, &format!("{list}?lang=en")).await;
    assert!(body.contains("Check-in at the door"));
}

async fn no_shows_are_released_once_and_their_seats_freed(backend: Backend) {
    let app = spawn_app(backend).await;
    let door = staff(&app, "door@veletrh.cz", OrganiserRole::Admin, None, None).await;
    let came = jana_confirmed(&app).await;
    let away = signed_up(
        &app,
        "Petr Novák",
        "petr@skola.cz",
        "ZŠ Opava",
        WORKSHOP,
        true,
    )
    .await;
    let late = signed_up(
        &app,
        "Eva Malá",
        "eva@skola.cz",
        "ZŠ Bruntál",
        WORKSHOP,
        true,
    )
    .await;
    let unconfirmed = signed_up(
        &app,
        "Adam Dlouhý",
        "adam@skola.cz",
        "ZŠ Vrbno",
        WORKSHOP,
        false,
    )
    .await;
    assert_eq!(unconfirmed.status, RegistrationStatus::Pending);
    doors_open(&app, WORKSHOP).await;
    let checked_in = api_check_in(&app, &door, json!({ "registration_id": came.id })).await;
    assert_eq!(checked_in.status(), 200);

    let start = activity_row(&app, WORKSHOP).await.starts_at;
    // Without a setting nothing is ever released.
    assert_eq!(
        release_no_shows(&app.state, start + Duration::days(1))
            .await
            .unwrap(),
        0
    );
    activity::ActiveModel {
        id: Set(WORKSHOP),
        no_show_release_minutes: Set(Some(15)),
        ..Default::default()
    }
    .update(app.state.db.conn())
    .await
    .unwrap();
    let taken = activity_row(&app, WORKSHOP).await.taken;
    assert_eq!(
        release_no_shows(&app.state, start + Duration::minutes(14))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        reload(&app, &away).await.status,
        RegistrationStatus::Confirmed
    );

    // Eva arrives just in time.
    api_check_in(&app, &door, json!({ "registration_id": late.id })).await;
    assert_eq!(
        release_no_shows(&app.state, start + Duration::minutes(15))
            .await
            .unwrap(),
        1
    );
    assert_eq!(reload(&app, &away).await.status, RegistrationStatus::NoShow);
    assert_eq!(
        reload(&app, &came).await.status,
        RegistrationStatus::Attended
    );
    assert_eq!(
        reload(&app, &late).await.status,
        RegistrationStatus::Attended
    );
    assert_eq!(
        reload(&app, &unconfirmed).await.status,
        RegistrationStatus::Pending,
        "only confirmed seats are released"
    );
    assert_eq!(
        activity_row(&app, WORKSHOP).await.taken,
        taken - 1,
        "one seat back"
    );
    // Again, and from a second instance at the same time: nothing more.
    let second = spawn_second_instance(&app).await;
    let later = start + Duration::minutes(30);
    let (a, b) = tokio::join!(
        release_no_shows(&app.state, later),
        release_no_shows(&second.state, later)
    );
    assert_eq!(a.unwrap() + b.unwrap(), 0);
    assert_eq!(activity_row(&app, WORKSHOP).await.taken, taken - 1);
    // A no-show who turns up after all is not admitted on that seat.
    let turned_up: Value = api_check_in(&app, &door, json!({ "registration_id": away.id }))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(turned_up["outcome"], "not_admitted");
    assert_eq!(turned_up["registration"]["status"], "no_show");
}

async fn the_sign_in_sheet_lists_exactly_the_confirmed_people(backend: Backend) {
    let app = spawn_app(backend).await;
    let door = staff(&app, "door@veletrh.cz", OrganiserRole::Viewer, None, None).await;
    signed_up(
        &app,
        "Zdeněk Veselý",
        "zdenek@skola.cz",
        "ZŠ Vrbno",
        WORKSHOP,
        true,
    )
    .await;
    let attended = signed_up(
        &app,
        "Anna Černá",
        "anna@skola.cz",
        "ZŠ Krnov",
        WORKSHOP,
        true,
    )
    .await;
    set_status(&app, &attended, RegistrationStatus::Attended).await;
    signed_up(
        &app,
        "Čeněk Malý",
        "cenek@skola.cz",
        "ZŠ Opava",
        WORKSHOP,
        true,
    )
    .await;
    signed_up(
        &app,
        "Petr Nepotvrdil",
        "petr@skola.cz",
        "ZŠ Opava",
        WORKSHOP,
        false,
    )
    .await;
    let gone = signed_up(
        &app,
        "Eva Zrušila",
        "eva@skola.cz",
        "ZŠ Bruntál",
        WORKSHOP,
        true,
    )
    .await;
    set_status(&app, &gone, RegistrationStatus::Cancelled).await;
    let waiting = signed_up(
        &app,
        "Olga Čeká",
        "olga@skola.cz",
        "ZŠ Bruntál",
        WORKSHOP,
        true,
    )
    .await;
    set_status(&app, &waiting, RegistrationStatus::Waitlisted).await;
    signed_up(
        &app,
        "Jiný Workshop",
        "jiny@skola.cz",
        "ZŠ Bruntál",
        OTHER_WORKSHOP,
        true,
    )
    .await;

    // The workshop's admin page leads to the door and to the sheet.
    let (_, edit) = page(&door.web, &app, &format!("/admin/activities/{WORKSHOP}")).await;
    let edit = edit.replace("&#x2f;", "/");
    for link in ["checkin", "sheet"] {
        let href = format!(r#"href="/admin/activities/{WORKSHOP}/{link}?lang=cs""#);
        assert!(edit.contains(&href), "no {href}");
    }

    let (status, body) = page(
        &door.web,
        &app,
        &format!("/admin/activities/{WORKSHOP}/sheet"),
    )
    .await;
    assert_eq!(status, 200);
    let rows: Vec<&str> = body
        .split("<tr class=\"sheet-person\">")
        .skip(1)
        .map(|row| row.split("</tr>").next().unwrap())
        .collect();
    let names: Vec<String> = rows
        .iter()
        .map(|row| {
            row.split("<td>")
                .nth(1)
                .and_then(|cell| cell.split("</td>").next())
                .unwrap()
                .to_owned()
        })
        .collect();
    // Alphabetical as Czech readers expect it closely enough: diacritics folded.
    assert_eq!(names, ["Anna Černá", "Čeněk Malý", "Zdeněk Veselý"]);
    assert!(rows[0].contains("ZŠ Krnov"));
    assert!(body.contains("sheet-walk-in"), "empty rows for walk-ins");
    assert!(body.contains("Podpis"));
}
