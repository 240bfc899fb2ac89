//! Activities held online: those with a seat get the join link, not an entry QR code for a
//! door there is not.

use chrono::{Duration, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::organisers::{WORKSHOP, admin, call_api, field_errors, get_page, post_form};
use crate::helpers::{Backend, on_both_backends, sign_up_body, spawn_app, unescape};

const JOIN: &str = "https://meet.jit.si/OnlineSetkaniOP";

async fn an_online_meeting_gives_its_join_link_instead_of_an_entry_qr_code(backend: Backend) {
    let app = spawn_app(backend).await;
    let boss = admin(&app).await;
    let starts = Utc::now() + Duration::days(40);
    let mut meeting = json!({
        "kind": "meeting",
        "title": "Setkání online",
        "place": "online",
        "starts_at": starts,
        "ends_at": starts + Duration::hours(2),
        "capacity": 20,
        "online_url": "javascript:alert(1)",
    });

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

    // The confirmation: the join link for the meeting, one entry link and QR code for the
    // workshop only, each QR code where the HTML shows it.
    let confirmation = app.emails_to("jana@skola.cz").await.pop().unwrap();
    assert!(confirmation.subject.starts_with("Přihláška potvrzena"));
    assert!(confirmation.text.contains(JOIN), "{}", confirmation.text);
    assert!(confirmation.text.contains("Připojení online"));
    let html = unescape(&confirmation.html);
    assert!(html.contains(&format!("href=\"{JOIN}\"")), "{html}");
    let entries = confirmation.text.matches("/checkin/").count();
    assert_eq!(entries, 1, "{}", confirmation.text);
    assert_eq!(confirmation.inline_images.len(), 1);
    let (cid, _) = &confirmation.inline_images[0];
    assert!(confirmation.html.contains(&format!("cid:{cid}")));
    assert_eq!(confirmation.html.matches("cid:checkin-qr-").count(), 1);
    // The meeting's .ics has the link too (the email goes only to a seat's holder); the public
    // feed of the meeting does not.
    let with_link: Vec<&str> = confirmation
        .attachments
        .iter()
        .map(|(_, ics)| ics.as_str())
        .filter(|ics| ics.replace("\r\n ", "").contains(JOIN))
        .collect();
    assert_eq!(with_link.len(), 1, "{:?}", confirmation.attachments);
    assert!(with_link[0].contains("SUMMARY:Setkání online"));
    let feed = app.get(&format!("/meetings/{id}/calendar.ics")).await;
    assert_eq!(feed.status(), 200);
    assert!(!feed.text().await.unwrap().contains("meet.jit.si"));

    // The manage page: the join link, and the QR code for the workshop only.
    let page = unescape(
        &get_page(&app, None, &format!("/me/{manage}"))
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(page.contains(&format!("href=\"{JOIN}\"")), "{page}");
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
    assert_eq!(of(id)["join_url"], JOIN);
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

    // A new link goes to those holding a confirmed seat.
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
        told.text.contains("došlo ke změně odkazu pro připojení"),
        "{}",
        told.text
    );
    assert!(
        told.text
            .contains(&format!("Připojení online – NOVÝ ODKAZ: {new_join}")),
        "{}",
        told.text
    );

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

on_both_backends!(
    an_online_meeting_gives_its_join_link_instead_of_an_entry_qr_code,
    a_series_held_online_gives_every_meeting_its_link,
    the_admin_form_takes_the_join_link_and_names_a_bad_one,
);
