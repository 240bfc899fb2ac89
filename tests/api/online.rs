//! Activities held online: those with a seat get their personal join link, not an entry QR code
//! for a door there is not; the link leads to the meeting and, while it is on, records their
//! attendance.

use chrono::{Duration, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use entity::enums::RegistrationStatus;

use crate::helpers::organisers::{
    WORKSHOP, admin, call_api, confirmed, created_activity, doors_open, field_errors, get_page,
    online_meeting, post_form,
};
use crate::helpers::{
    Backend, TestApp, on_both_backends, person, sign_up_body, spawn_app, spawn_app_with,
    statuses_of, unescape,
};

const JOIN: &str = "https://meet.jit.si/OnlineSetkaniOP";

async fn an_online_meeting_gives_its_join_link_instead_of_an_entry_qr_code(backend: Backend) {
    let app = spawn_app(backend).await;
    let boss = admin(&app).await;
    let mut meeting = online_meeting("Setkání online", 40, "javascript:alert(1)");

    // Not a web address: a field error in the caller's language, and nothing written.
    let refused = call_api(
        &app,
        Some(&boss),
        Method::POST,
        "/admin/activities?lang=en",
        Some(meeting.clone()),
    )
    .await;
    assert_eq!(refused.status(), 422);
    let problem: Value = refused.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "online_url");
    assert_eq!(
        problem["errors"][0]["message"],
        "Enter a web address, e.g. www.school.cz."
    );
    let before = call_api(&app, Some(&boss), Method::GET, "/admin/activities", None).await;
    let count = before
        .json::<Value>()
        .await
        .unwrap()
        .as_array()
        .unwrap()
        .len();

    // Typed without its scheme, it is kept with https.
    meeting["online_url"] = json!(JOIN.trim_start_matches("https://"));
    let created = call_api(
        &app,
        Some(&boss),
        Method::POST,
        "/admin/activities",
        Some(meeting),
    )
    .await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["online_url"], JOIN);
    let id = created["id"].as_i64().unwrap();
    let after = call_api(&app, Some(&boss), Method::GET, "/admin/activities", None).await;
    assert_eq!(
        after
            .json::<Value>()
            .await
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        count + 1
    );

    // One sign-up for it and a workshop held in person, confirmed by one link.
    let mut body = sign_up_body("jana@skola.cz", id);
    body["activity_ids"] = json!([id, WORKSHOP]);
    assert_eq!(
        app.post_json("/api/registrations", &body).await.status(),
        202
    );
    let request = app.emails_to("jana@skola.cz").await.pop().unwrap();
    let token = request.token(&app, "/confirm/");
    let confirmed = app
        .post_json(&format!("/api/confirmations/{token}"), &json!({}))
        .await;
    assert_eq!(confirmed.status(), 200);
    let manage = confirmed.json::<Value>().await.unwrap()["manage_token"]
        .as_str()
        .unwrap()
        .to_owned();

    // The confirmation: her own join link for the meeting (never the meeting's address), one
    // entry link and QR code for the workshop only, each QR code where the HTML shows it.
    let confirmation = app.emails_to("jana@skola.cz").await.pop().unwrap();
    assert!(confirmation.subject.starts_with("Přihláška potvrzena"));
    let jana = person(&app, "jana@skola.cz").await.unwrap().id;
    let join = app.state.links.join_url(jana, id as i32);
    assert!(join.starts_with(&format!("{}/join/{jana}.{id}.", app.address)));
    assert_eq!(confirmation.link(&app, "/join/"), join);
    assert!(
        !confirmation.text.contains("meet.jit.si"),
        "{}",
        confirmation.text
    );
    assert!(confirmation.text.contains("Připojení online"));
    let html = unescape(&confirmation.html);
    assert!(html.contains(&format!("href=\"{join}\"")), "{html}");
    assert!(!html.contains("meet.jit.si"));
    let entries = confirmation.text.matches("/checkin/").count();
    assert_eq!(entries, 1, "{}", confirmation.text);
    assert_eq!(confirmation.inline_images.len(), 1);
    let (cid, _) = &confirmation.inline_images[0];
    assert!(confirmation.html.contains(&format!("cid:{cid}")));
    assert_eq!(confirmation.html.matches("cid:checkin-qr-").count(), 1);
    // The meeting's .ics has her link too (the email goes only to a seat's holder), and so has
    // her personal feed; the public feed of the meeting has neither.
    let with_link: Vec<String> = confirmation
        .attachments
        .iter()
        .map(|(_, ics)| ics.replace("\r\n ", ""))
        .filter(|ics| ics.contains(&join))
        .collect();
    assert_eq!(with_link.len(), 1, "{:?}", confirmation.attachments);
    assert!(with_link[0].contains("SUMMARY:Setkání online"));
    let personal = confirmation.link(&app, "/calendar.ics");
    let personal = app
        .get(personal.trim_start_matches(&app.address))
        .await
        .text()
        .await
        .unwrap()
        .replace("\r\n ", "");
    assert!(personal.contains(&join), "{personal}");
    for ics in [&with_link[0], &personal] {
        assert!(!ics.contains("meet.jit.si"), "{ics}");
    }
    let feed = app.get(&format!("/meetings/{id}/calendar.ics")).await;
    assert_eq!(feed.status(), 200);
    let feed = feed.text().await.unwrap();
    assert!(!feed.contains("meet.jit.si") && !feed.contains("/join/"));

    // The manage page: the join link, and the QR code for the workshop only.
    let page = unescape(
        &get_page(&app, None, &format!("/me/{manage}"))
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(
        page.contains(&format!(
            "<a href=\"{join}\">Připojit se<span class=\"visually-hidden\">: Setkání online</span>"
        )),
        "{page}"
    );
    assert!(page.contains("Připojení online:"));
    assert_eq!(page.matches("<details class=\"checkin-qr\">").count(), 1);

    // The API says the same.
    let me = app.me(&manage).await;
    let of = |activity: i64| {
        me["registrations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["activity_id"] == activity)
            .unwrap()
            .clone()
    };
    assert_eq!(of(id)["join_url"], join.as_str());
    assert!(of(id)["checkin_url"].is_null());
    let workshop = of(WORKSHOP.into());
    assert!(workshop["join_url"].is_null());
    assert!(
        workshop["checkin_url"]
            .as_str()
            .unwrap()
            .contains("/checkin/")
    );

    // The door's list says attendance is recorded by hand; a workshop's door does not.
    for (activity, online) in [(id, true), (WORKSHOP.into(), false)] {
        let door = get_page(
            &app,
            Some(&boss),
            &format!("/admin/activities/{activity}/checkin"),
        )
        .await
        .text()
        .await
        .unwrap();
        assert_eq!(door.contains("Akce probíhá online"), online, "{door}");
    }

    // A new address is told to those holding a confirmed seat; their link stays, and leads there.
    let new_join = "https://meet.jit.si/NovyOdkazOP";
    let path = format!("/admin/activities/{id}");
    let changed = call_api(
        &app,
        Some(&boss),
        Method::PATCH,
        &path,
        Some(json!({ "online_url": new_join })),
    )
    .await;
    assert_eq!(changed.status(), 200);
    let told = app.emails_to("jana@skola.cz").await.pop().unwrap();
    assert!(
        told.text.contains("došlo ke změně adresy online setkání"),
        "{}",
        told.text
    );
    assert!(
        told.text.contains(&format!(
            "Připojení online (váš odkaz nyní vede na novou adresu): {join}"
        )),
        "{}",
        told.text
    );
    assert!(!told.text.contains("meet.jit.si"));
    let ics = told.attachments[0].1.replace("\r\n ", "");
    assert!(ics.contains(&join) && !ics.contains("meet.jit.si"), "{ics}");

    // Cleared, the meeting is held in person again.
    let cleared = call_api(
        &app,
        Some(&boss),
        Method::PATCH,
        &path,
        Some(json!({ "online_url": "" })),
    )
    .await;
    assert_eq!(cleared.status(), 200);
    assert!(cleared.json::<Value>().await.unwrap()["online_url"].is_null());
}

async fn a_series_held_online_gives_every_meeting_its_link(backend: Backend) {
    let app = spawn_app(backend).await;
    let boss = admin(&app).await;
    let series = |online_url: &str| {
        json!({
            "title": "Sdílení zkušeností online",
            "interval_days": 28,
            "first_starts_at": Utc::now() + Duration::days(10),
            "duration_minutes": 90,
            "count": 2,
            "capacity": 40,
            "online_url": online_url,
        })
    };
    let refused = call_api(
        &app,
        Some(&boss),
        Method::POST,
        "/admin/series",
        Some(series("ftp://meet.jit.si/x")),
    )
    .await;
    assert_eq!(field_errors(refused).await, ["online_url:invalid_url"]);
    let created = call_api(
        &app,
        Some(&boss),
        Method::POST,
        "/admin/series",
        Some(series(JOIN)),
    )
    .await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    let id = created["id"].as_i64().unwrap();
    // Two meetings now, and one more after the last, each with the link.
    let more = call_api(
        &app,
        Some(&boss),
        Method::POST,
        &format!("/admin/series/{id}/occurrences"),
        Some(json!({ "count": 1 })),
    )
    .await;
    assert!(more.status().is_success(), "{}", more.status());
    let all: Value = call_api(&app, Some(&boss), Method::GET, "/admin/activities", None)
        .await
        .json()
        .await
        .unwrap();
    let links: Vec<&Value> = all
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["title"] == "Sdílení zkušeností online")
        .map(|a| &a["online_url"])
        .collect();
    assert_eq!(links, [JOIN, JOIN, JOIN]);
}

async fn the_admin_form_takes_the_join_link_and_names_a_bad_one(backend: Backend) {
    let app = spawn_app(backend).await;
    let boss = admin(&app).await;
    let local = |days: i64, hour: u32| {
        (Utc::now() + Duration::days(days))
            .with_timezone(&veletrh::timezone::DEFAULT)
            .date_naive()
            .and_hms_opt(hour, 0, 0)
            .unwrap()
            .format("%Y-%m-%dT%H:%M")
            .to_string()
    };
    let (starts, ends) = (local(40, 14), local(40, 16));
    let form = |online_url: &'static str| {
        vec![
            ("kind", "meeting"),
            ("title", "Setkání z formuláře"),
            ("starts_at", starts.as_str()),
            ("ends_at", ends.as_str()),
            ("capacity", "30"),
            ("online_url", online_url),
        ]
    };
    let refused = post_form(
        &app,
        Some(&boss),
        "/admin/activities/new",
        &form("není odkaz"),
    )
    .await;
    assert_eq!(refused.status(), 422);
    let page = unescape(&refused.text().await.unwrap());
    assert!(
        page.contains(r##"<a href="#online_url">Zadejte webovou adresu"##),
        "{page}"
    );
    assert!(
        page.contains(r#"value="není odkaz""#),
        "the typed text stays"
    );

    let created = post_form(
        &app,
        Some(&boss),
        "/admin/activities/new",
        &form("meet.jit.si/Formular"),
    )
    .await;
    assert_eq!(created.status(), 303);
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    let page = unescape(
        &get_page(&app, Some(&boss), &location)
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(
        page.contains(r#"value="https://meet.jit.si/Formular""#),
        "{page}"
    );
}

/// `manage`'s registration status for `activity`.
async fn status_at(app: &TestApp, manage: &str, activity: i32) -> String {
    let registration = app.registration(manage, activity).await;
    registration["status"].as_str().unwrap().to_owned()
}

async fn the_personal_link_leads_to_the_meeting_and_records_attendance_while_it_is_on(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let boss = admin(&app).await;
    let now_on = created_activity(&app, &boss, online_meeting("Setkání právě teď", 40, JOIN)).await;
    let later_url = "https://meet.jit.si/schůzka";
    let later =
        created_activity(&app, &boss, online_meeting("Setkání příště", 41, later_url)).await;
    let answer = confirmed(&app, "Jana Dvořáková", "jana@skola.cz", &[now_on, later]).await;
    let manage = answer["manage_token"].as_str().unwrap().to_owned();
    let body = sign_up_body("petr@skola.cz", now_on);
    assert_eq!(
        app.post_json("/api/registrations", &body).await.status(),
        202
    );
    doors_open(&app, now_on).await;
    let jana = person(&app, "jana@skola.cz").await.unwrap().id;
    let path_of = |url: String| url.trim_start_matches(&app.address).to_owned();
    let link = path_of(app.state.links.join_url(jana, now_on));

    // Opening the link shows the meeting and a button, and records nothing: mail scanners open
    // links too. The page may send its form on to the meeting's address, and only there.
    let page = get_page(&app, None, &link).await;
    assert_eq!(page.status(), 200);
    let policy = page.headers()["content-security-policy"].to_str().unwrap();
    assert!(
        policy.contains("form-action 'self' https://meet.jit.si;"),
        "{policy}"
    );
    assert_eq!(page.headers()["cache-control"], "private, no-store");
    let page = unescape(&page.text().await.unwrap());
    assert!(page.contains("Setkání právě teď"), "{page}");
    assert!(page.contains(&format!(r#"<form method="post" action="{link}?lang=cs">"#)));
    assert!(page.contains("nejdříve 30 minut před začátkem"));
    assert!(!page.contains("meet.jit.si"), "the address is not shown");
    assert_eq!(status_at(&app, &manage, now_on).await, "confirmed");

    // The button: on to the meeting, checked in; again, on to the meeting, nothing more.
    for _ in 0..2 {
        let joined = post_form(&app, None, &link, &[]).await;
        assert_eq!(joined.status(), 303);
        assert_eq!(joined.headers()["location"], JOIN);
        assert_eq!(status_at(&app, &manage, now_on).await, "attended");
    }
    let page = get_page(&app, None, &link).await.text().await.unwrap();
    assert!(page.contains("Vaše účast je zaznamenána"), "{page}");
    let certificate = app.get(&format!("/api/me/{manage}/attendance")).await;
    let certificate: Value = certificate.json().await.unwrap();
    assert_eq!(certificate["attended"][0]["activity_id"], now_on);
    let door = format!("/admin/activities/{now_on}/checkin");
    let door = get_page(&app, Some(&boss), &door)
        .await
        .text()
        .await
        .unwrap();
    let door = unescape(&door);
    assert!(door.contains("svým osobním odkazem"), "{door}");

    // Trying the link of a meeting a month away leads there (its address written for an HTTP
    // header) and records nothing.
    let link_later = path_of(app.state.links.join_url(jana, later));
    let english = get_page(&app, None, &format!("{link_later}?lang=en")).await;
    let english = english.text().await.unwrap();
    assert!(
        english.contains("from 30 minutes before the start"),
        "{english}"
    );
    let joined = post_form(&app, None, &link_later, &[]).await;
    assert_eq!(joined.status(), 303);
    assert_eq!(
        joined.headers()["location"],
        "https://meet.jit.si/sch%C5%AFzka"
    );
    assert_eq!(status_at(&app, &manage, later).await, "confirmed");

    // Petr has not confirmed: his link (he was never sent one) leads nowhere, and says why.
    let petr = person(&app, "petr@skola.cz").await.unwrap().id;
    let link_petr = path_of(app.state.links.join_url(petr, now_on));
    for answer in [
        get_page(&app, None, &link_petr).await,
        post_form(&app, None, &link_petr, &[]).await,
    ] {
        assert_eq!(answer.status(), 200);
        assert_eq!(
            answer.headers()["content-security-policy"],
            veletrh::web::CONTENT_SECURITY_POLICY
        );
        let page = unescape(&answer.text().await.unwrap());
        assert!(page.contains("nemáte potvrzené místo"), "{page}");
    }
    assert_eq!(
        statuses_of(&app, "petr@skola.cz").await,
        [RegistrationStatus::Pending]
    );

    // A link we did not make opens nothing.
    let forged = format!("{}x", &link[..link.len() - 1]);
    assert_eq!(get_page(&app, None, &forged).await.status(), 404);
    assert_eq!(post_form(&app, None, &forged, &[]).await.status(), 404);

    // Cancelled, or no longer online: the link says so and leads nowhere.
    let cancel = format!("/admin/activities/{later}/cancel");
    let cancelled = call_api(&app, Some(&boss), Method::POST, &cancel, Some(json!({}))).await;
    assert!(cancelled.status().is_success(), "{}", cancelled.status());
    let path = format!("/admin/activities/{now_on}");
    let in_person = Some(json!({ "online_url": "", "place": "Okresní úřad" }));
    let moved = call_api(&app, Some(&boss), Method::PATCH, &path, in_person).await;
    assert_eq!(moved.status(), 200);
    for (link, says) in [
        (&link_later, "Tato akce byla zrušena."),
        (&link, "Tato akce se už nekoná online."),
    ] {
        let answer = post_form(&app, None, link, &[]).await;
        assert_eq!(answer.status(), 200);
        assert!(answer.text().await.unwrap().contains(says));
    }
}

/// A whole school may join from one address in the same minute: real join links do not count
/// against the per-address limit on personal links; forged ones do.
async fn joining_is_not_slowed_by_the_guessing_limit(backend: Backend) {
    let app = spawn_app_with(backend, |config| {
        config.limits.token_requests_per_ip_per_minute = 4;
    })
    .await;
    let boss = admin(&app).await;
    let meeting = online_meeting("Setkání online", 40, JOIN);
    let id = created_activity(&app, &boss, meeting).await;
    // The organiser's sign-in and Jana's confirmation take two of the four.
    confirmed(&app, "Jana Dvořáková", "jana@skola.cz", &[id]).await;
    let jana = person(&app, "jana@skola.cz").await.unwrap().id;
    let link = app.state.links.join_url(jana, id);
    let link = link.trim_start_matches(&app.address);
    for _ in 0..5 {
        assert_eq!(get_page(&app, None, link).await.status(), 200);
    }
    let forged = format!("{}x", &link[..link.len() - 1]);
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(get_page(&app, None, &forged).await.status().as_u16());
    }
    assert_eq!(statuses, [404, 404, 429]);
}

on_both_backends!(
    joining_is_not_slowed_by_the_guessing_limit,
    the_personal_link_leads_to_the_meeting_and_records_attendance_while_it_is_on,
    an_online_meeting_gives_its_join_link_instead_of_an_entry_qr_code,
    a_series_held_online_gives_every_meeting_its_link,
    the_admin_form_takes_the_join_link_and_names_a_bad_one,
);
