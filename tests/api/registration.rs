//! Sign-up flows over HTTP against the real server, on both databases.

use chrono::Timelike;
use entity::{activity, enums::RegistrationStatus, person, registration};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
};
use serde_json::{Value, json};

use crate::helpers::organisers::{activity_row, set_capacity};
use crate::helpers::{
    Backend, TestApp, held_and_waiting, ics_sequence, ics_value, on_both_backends, spawn_app,
    spawn_app_with,
};

/// Demo workshops: 1–3 run in parallel (first slot), 4–5 in the second, 6–7 in the third.
const LEADERSHIP: i32 = 1;
const LEARNING: i32 = 2;
const WELLBEING: i32 = 3;
const INFORMAL: i32 = 4;

fn body(email: &str, activities: &[i32]) -> Value {
    json!({
        "name": "Jana Dvořáková",
        "email": email,
        "organisation": "ZŠ Krnov",
        "role": "teacher",
        "activity_ids": activities,
        "consent": true,
    })
}

async fn sign_up(app: &TestApp, email: &str, activities: &[i32]) -> reqwest::Response {
    app.post_json("/api/registrations", &body(email, activities))
        .await
}

async fn statuses(app: &TestApp, activity_id: i32) -> Vec<RegistrationStatus> {
    registration::Entity::find()
        .filter(registration::Column::ActivityId.eq(activity_id))
        .all(app.state.db.conn())
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.status)
        .collect()
}

async fn taken(app: &TestApp, id: i32) -> i32 {
    activity_row(app, id).await.taken
}

/// Cancels, through the manage link's API, the person's first registration.
async fn cancel_first(app: &TestApp, manage: &str) -> reqwest::Response {
    let me = app.me(manage).await;
    let id = me["registrations"][0]["id"].as_i64().unwrap();
    app.post_json(
        &format!("/api/me/{manage}/registrations/{id}/cancel"),
        &json!({}),
    )
    .await
}

/// Signs up and opens the link from the email; returns the manage token.
async fn signed_up_and_confirmed(app: &TestApp, email: &str, activities: &[i32]) -> String {
    assert_eq!(sign_up(app, email, activities).await.status(), 202);
    let mails = app.emails_to(email).await;
    let request = mails
        .iter()
        .rev()
        .find(|m| m.text.contains("/confirm/"))
        .expect("confirm request");
    let token = request.token(app, "/confirm/");
    let answer = app
        .post_json(&format!("/api/confirmations/{token}"), &json!({}))
        .await;
    assert_eq!(answer.status(), 200);
    answer.json::<Value>().await.unwrap()["manage_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn sign_up_email_confirm_manage_cancel(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = sign_up(&app, "jana@skola.cz", &[WELLBEING, INFORMAL]).await;
    assert_eq!(response.status(), 202);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"status": "check_email"})
    );
    assert_eq!(
        statuses(&app, WELLBEING).await,
        [RegistrationStatus::Pending]
    );
    assert_eq!(
        taken(&app, WELLBEING).await,
        1,
        "a pending sign-up holds its seat"
    );

    let mails = app.emails_to("jana@skola.cz").await;
    assert_eq!(mails.len(), 1);
    assert!(
        mails[0].subject.starts_with("Potvrďte prosím přihlášku"),
        "{}",
        mails[0].subject
    );
    assert!(mails[0].text.contains("Jak rozvíjet wellbeing žáků?"));
    assert!(
        mails[0]
            .text
            .contains("Jak propojovat formální a neformální vzdělávání?")
    );
    assert!(
        mails[0].text.contains(", Kampus Hybernská, Hybernská 4"),
        "the place is the room and the fair's venue: {}",
        mails[0].text
    );
    let manage_link = mails[0].link(&app, "/me/");
    let confirm_link = mails[0].link(&app, "/confirm/");
    let token = mails[0].token(&app, "/confirm/");

    let confirmed = app
        .post_json(&format!("/api/confirmations/{token}"), &json!({}))
        .await;
    assert_eq!(confirmed.status(), 200);
    let confirmed: Value = confirmed.json().await.unwrap();
    assert_eq!(confirmed["confirmed"].as_array().unwrap().len(), 2);
    let manage = confirmed["manage_token"].as_str().unwrap().to_owned();
    assert!(
        manage_link.ends_with(&manage),
        "the emailed manage link opens the same"
    );
    assert!(!confirm_link.is_empty());

    // Confirming twice is harmless.
    let again = app
        .post_json(&format!("/api/confirmations/{token}"), &json!({}))
        .await;
    assert_eq!(again.status(), 200);
    assert_eq!(again.json::<Value>().await.unwrap()["confirmed"], json!([]));

    // One confirmation for the link's two workshops: each with its entry QR code and its own
    // .ics attached.
    let mails = app.emails_to("jana@skola.cz").await;
    let confirmations: Vec<_> = mails.iter().filter(|m| !m.attachments.is_empty()).collect();
    assert_eq!(confirmations.len(), 1, "one confirmation for the link");
    let confirmation = confirmations[0];
    assert!(
        confirmation.subject.ends_with(" a další"),
        "{}",
        confirmation.subject
    );
    assert_eq!(confirmation.attachments.len(), 2, "an .ics per workshop");
    let ics: Vec<&str> = confirmation
        .attachments
        .iter()
        .map(|a| a.1.as_str())
        .collect();
    assert!(ics.iter().all(|c| c.contains("BEGIN:VCALENDAR")));
    assert!(
        ics.iter()
            .any(|c| c.contains("Jak rozvíjet wellbeing žáků?"))
    );
    assert!(
        ics.iter()
            .any(|c| c.contains("Jak propojovat formální a neformální"))
    );
    let cids: Vec<&str> = confirmation
        .inline_images
        .iter()
        .map(|(cid, _)| cid.as_str())
        .collect();
    assert_eq!(cids, ["checkin-qr-0", "checkin-qr-1"]);
    assert!(confirmation.html.contains("cid:checkin-qr-1"));
    let entries: Vec<&str> = confirmation
        .text
        .split_whitespace()
        .filter(|w| w.contains("/checkin/"))
        .collect();
    assert_eq!(entries.len(), 2, "an entry link per workshop");
    assert_ne!(entries[0], entries[1]);
    assert!(confirmation.text.contains(&manage));

    let me = app.me(&manage).await;
    let regs = me["registrations"].as_array().unwrap();
    assert_eq!(regs.len(), 2);
    assert!(regs.iter().all(|r| r["status"] == "confirmed"));
    let id = regs[0]["id"].as_i64().unwrap();

    let cancel = app
        .post_json(
            &format!("/api/me/{manage}/registrations/{id}/cancel"),
            &json!({}),
        )
        .await;
    assert_eq!(cancel.status(), 200);
    assert_eq!(cancel.json::<Value>().await.unwrap()["status"], "cancelled");
    let cancel = app
        .post_json(
            &format!("/api/me/{manage}/registrations/{id}/cancel"),
            &json!({}),
        )
        .await;
    assert_eq!(
        cancel.json::<Value>().await.unwrap()["status"],
        "already_cancelled"
    );
    assert_eq!(taken(&app, WELLBEING).await, 0);
    let subjects: Vec<String> = app
        .emails_to("jana@skola.cz")
        .await
        .into_iter()
        .map(|m| m.subject)
        .collect();
    assert!(
        subjects.last().unwrap().starts_with("Přihláška zrušena"),
        "{subjects:?}"
    );
    // The cancellation carries the event withdrawn: the same UID as the confirmation's, a
    // higher SEQUENCE, cancelled, so the calendar that imported it marks it so.
    let cancellation = app.emails_to("jana@skola.cz").await.pop().unwrap();
    let [(name, withdrawn)] = &cancellation.attachments[..] else {
        panic!("one .ics: {:?}", cancellation.attachments);
    };
    assert!(name.starts_with("prihlaska-zrusena-"), "{name}");
    let uid = ics_value(withdrawn, "UID");
    let given = ics
        .iter()
        .find(|c| ics_value(c, "UID") == uid)
        .expect("the event the confirmation gave");
    assert_eq!(ics_value(withdrawn, "STATUS"), "CANCELLED");
    assert_eq!(ics_value(given, "STATUS"), "CONFIRMED");
    assert!(ics_sequence(withdrawn) > ics_sequence(given));
    assert!(
        cancellation.text.contains("Přikládáme událost (.ics)"),
        "{}",
        cancellation.text
    );
}

async fn a_freed_seat_goes_to_the_first_in_line_who_confirms_it(backend: Backend) {
    let app = spawn_app(backend).await;
    set_capacity(&app, LEADERSHIP, 1).await;
    let manage_a = signed_up_and_confirmed(&app, "a@skola.cz", &[LEADERSHIP]).await;
    assert_eq!(
        sign_up(&app, "b@skola.cz", &[LEADERSHIP]).await.status(),
        202
    );
    assert_eq!(
        sign_up(&app, "c@skola.cz", &[LEADERSHIP]).await.status(),
        202
    );
    let waiting = app.emails_to("b@skola.cz").await;
    assert_eq!(waiting.len(), 1);
    assert!(waiting[0].text.contains('1'), "position in line");

    cancel_first(&app, &manage_a).await;

    let offer = app.emails_to("b@skola.cz").await.pop().unwrap();
    let token = offer.token(&app, "/confirm/");
    assert!(
        app.emails_to("c@skola.cz")
            .await
            .iter()
            .all(|m| !m.text.contains("/confirm/")),
        "c waits"
    );
    let confirmed = app
        .post_json(&format!("/api/confirmations/{token}"), &json!({}))
        .await;
    assert_eq!(confirmed.status(), 200);
    let mut s = statuses(&app, LEADERSHIP).await;
    s.sort_by_key(|s| s.as_str());
    assert_eq!(
        s,
        [
            RegistrationStatus::Cancelled,
            RegistrationStatus::Confirmed,
            RegistrationStatus::Waitlisted
        ]
    );
    assert_eq!(taken(&app, LEADERSHIP).await, 1);

    // Leaving the waiting list: no event had been given, so none is withdrawn.
    let manage_c = app.emails_to("c@skola.cz").await[0].token(&app, "/me/");
    assert_eq!(cancel_first(&app, &manage_c).await.status(), 200);
    let left = app.emails_to("c@skola.cz").await.pop().unwrap();
    assert!(
        left.subject.starts_with("Přihláška zrušena"),
        "{}",
        left.subject
    );
    assert!(left.attachments.is_empty(), "{:?}", left.attachments);
    assert!(!left.text.contains(".ics"), "{}", left.text);
}

async fn each_bad_field_gets_a_message_in_the_requested_language(backend: Backend) {
    let app = spawn_app(backend).await;
    let bad = json!({
        "name": " ",
        "email": "jana-at-skola",
        "role": "king",
        "activity_ids": [],
        "consent": false,
    });
    for (lang, expect) in [
        ("cs", "Zadejte platnou e-mailovou adresu"),
        ("en", "Enter a valid email address"),
    ] {
        let response = app
            .post_json(&format!("/api/registrations?lang={lang}"), &bad)
            .await;
        assert_eq!(response.status(), 422);
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/problem+json")
        );
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["type"], "invalid-input");
        let fields: Vec<&str> = problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["name", "email", "role", "activity_ids", "consent"]);
        let email = problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["field"] == "email")
            .unwrap();
        assert!(
            email["message"].as_str().unwrap().starts_with(expect),
            "{email}"
        );
    }
    let people = person::Entity::find()
        .count(app.state.db.conn())
        .await
        .unwrap();
    assert_eq!(people, 0, "a refused sign-up writes nothing");
}

async fn malformed_requests_get_problem_details_not_500(backend: Backend) {
    let app = spawn_app(backend).await;
    let cases = [
        ("{not json", 400),
        (r#"{"name": "A", "email": 5}"#, 400),
        (
            r#"{"name":"A","email":"a@b.cz","activity_ids":[1],"consent":true,"admin":true}"#,
            400,
        ),
    ];
    for ((raw, status), (lang, title)) in cases.into_iter().zip([
        ("cs", "Požadavek nemá očekávaný tvar"),
        ("en", "The request does not have the expected shape"),
        ("cs", "Požadavek nemá očekávaný tvar"),
    ]) {
        let response = app
            .client
            .post(format!("{}/api/registrations?lang={lang}", app.address))
            .header("content-type", "application/json")
            .body(raw)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), status, "{raw}");
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["type"], "invalid-request", "{raw}");
        assert_eq!(problem["title"], title, "in the request's language: {raw}");
    }
    let status = app
        .status_for_announced_body("/api/registrations", 100_000)
        .await;
    assert_eq!(status, "HTTP/1.1 413 Payload Too Large");
    // Told as a problem, in the documented form, before the body is read.
    let too_large = app
        .client
        .post(format!("{}/api/registrations?lang=en", app.address))
        .header("content-type", "application/json")
        .body(vec![b' '; 70_000])
        .send()
        .await
        .unwrap();
    assert_eq!(too_large.status(), 413);
    assert_eq!(
        too_large.headers()["content-type"],
        "application/problem+json"
    );
    // The unread body makes the connection unusable; the client must not pool it.
    assert_eq!(too_large.headers()["connection"], "close");
    let problem: Value = too_large.json().await.unwrap();
    assert_eq!(
        problem["title"],
        "The request is too large (64 KiB at most)"
    );
    for token in ["nonexistent", "../../etc/passwd", &"A".repeat(43), "%ff%fe"] {
        let response = app.get(&format!("/api/me/{token}")).await;
        assert_eq!(response.status(), 404, "{token}");
    }
}

async fn two_hundred_concurrent_sign_ups_for_twenty_seats(backend: Backend) {
    let app = spawn_app_with(backend, |c| {
        c.limits.sign_ups_per_ip_per_minute = 10_000;
    })
    .await;
    set_capacity(&app, LEADERSHIP, 20).await;
    let app = std::sync::Arc::new(app);
    let tasks: Vec<_> = (0..200)
        .map(|n| {
            let app = app.clone();
            tokio::spawn(async move {
                sign_up(&app, &format!("u{n}@skola.cz"), &[LEADERSHIP])
                    .await
                    .status()
            })
        })
        .collect();
    for task in tasks {
        assert_eq!(
            task.await.unwrap(),
            202,
            "no sign-up may fail under contention"
        );
    }
    let s = statuses(&app, LEADERSHIP).await;
    assert_eq!(held_and_waiting(&s), (20, 180));
    assert_eq!(taken(&app, LEADERSHIP).await, 20);
}

async fn overlapping_choices_are_refused_naming_both(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app
        .post_json(
            "/api/registrations?lang=en",
            &body("jana@skola.cz", &[LEADERSHIP, WELLBEING]),
        )
        .await;
    assert_eq!(response.status(), 422);
    let problem: Value = response.json().await.unwrap();
    let error = &problem["errors"][0];
    assert_eq!(error["code"], "overlap");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("Proč a jak rozvíjet pedagogický leadership")
            && message.contains("wellbeing"),
        "{message}"
    );
}

async fn an_overlap_with_what_one_holds_is_named_at_confirmation(backend: Backend) {
    let app = spawn_app(backend).await;
    signed_up_and_confirmed(&app, "jana@skola.cz", &[LEADERSHIP]).await;
    // The same answer as for anyone: the sign-up reveals nothing about the address.
    assert_eq!(
        sign_up(&app, "jana@skola.cz", &[LEARNING]).await.status(),
        202
    );
    let token = app
        .emails_to("jana@skola.cz")
        .await
        .iter()
        .rev()
        .find(|m| m.text.contains("/confirm/"))
        .unwrap()
        .token(&app, "/confirm/");
    let answer: Value = app
        .post_json(&format!("/api/confirmations/{token}"), &json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(answer["confirmed"], json!([]));
    assert_eq!(
        answer["conflicts"][0]["overlaps"],
        "Proč a jak rozvíjet pedagogický leadership vedení škol?"
    );
    assert_eq!(
        taken(&app, LEARNING).await,
        0,
        "the clashing seat was given back"
    );
}

async fn signing_up_twice_creates_no_duplicate(backend: Backend) {
    let app = spawn_app(backend).await;
    assert_eq!(
        sign_up(&app, "jana@skola.cz", &[LEADERSHIP]).await.status(),
        202
    );
    assert_eq!(
        sign_up(&app, "Jana@Skola.cz", &[LEADERSHIP]).await.status(),
        202
    );
    assert_eq!(statuses(&app, LEADERSHIP).await.len(), 1);
    assert_eq!(taken(&app, LEADERSHIP).await, 1);
    // The newest email's link works (the pending one was re-sent with a fresh link).
    let token = app
        .emails_to("jana@skola.cz")
        .await
        .pop()
        .unwrap()
        .token(&app, "/confirm/");
    assert_eq!(
        app.post_json(&format!("/api/confirmations/{token}"), &json!({}))
            .await
            .status(),
        200
    );

    // Once confirmed, signing up again changes nothing, and the email the answer promised says
    // so (in the language of the request).
    let sent = app.emails_to("jana@skola.cz").await.len();
    let again = app
        .post_json(
            "/api/registrations?lang=en",
            &body("jana@skola.cz", &[LEADERSHIP]),
        )
        .await;
    assert_eq!(again.status(), 202);
    assert_eq!(
        statuses(&app, LEADERSHIP).await,
        [RegistrationStatus::Confirmed]
    );
    let mails = app.emails_to("jana@skola.cz").await;
    assert_eq!(mails.len(), sent + 1);
    let told = mails.last().unwrap();
    assert!(
        told.subject.starts_with("You are already signed up"),
        "{}",
        told.subject
    );
    assert!(told.text.contains("Status: confirmed"), "{}", told.text);
    assert!(told.text.contains("/me/"), "with the manage link");
}

async fn an_unconfirmed_hold_expires_and_frees_its_seat(backend: Backend) {
    let app = spawn_app(backend).await;
    set_capacity(&app, LEADERSHIP, 1).await;
    sign_up(&app, "a@skola.cz", &[LEADERSHIP]).await;
    sign_up(&app, "b@skola.cz", &[LEADERSHIP]).await;
    let token = app.emails_to("a@skola.cz").await[0].token(&app, "/confirm/");
    let past = chrono::Utc::now() - chrono::Duration::minutes(1);
    registration::Entity::update_many()
        .col_expr(
            registration::Column::HoldExpiresAt,
            sea_orm::sea_query::Expr::val(past),
        )
        .filter(registration::Column::Status.eq(RegistrationStatus::Pending))
        .exec(app.state.db.conn())
        .await
        .unwrap();
    assert_eq!(
        veletrh::registration::expire_holds(&app.state, chrono::Utc::now())
            .await
            .unwrap(),
        1
    );
    let response = app
        .post_json(&format!("/api/confirmations/{token}?lang=en"), &json!({}))
        .await;
    assert_eq!(response.status(), 410);
    assert_eq!(response.json::<Value>().await.unwrap()["type"], "expired");
    let offer = app.emails_to("b@skola.cz").await.pop().unwrap();
    assert!(
        offer.text.contains("/confirm/"),
        "the next in line is offered the seat"
    );
    assert_eq!(taken(&app, LEADERSHIP).await, 1);
}

async fn a_seat_is_held_or_offered_no_longer_than_until_the_start(backend: Backend) {
    let app = spawn_app(backend).await;
    let starts = chrono::Utc::now() + chrono::Duration::hours(2);
    activity::ActiveModel {
        id: Set(LEADERSHIP),
        starts_at: Set(starts),
        ends_at: Set(starts + chrono::Duration::hours(1)),
        capacity: Set(1),
        ..Default::default()
    }
    .update(app.state.db.conn())
    .await
    .unwrap();
    let starts = activity_row(&app, LEADERSHIP).await.starts_at;
    let deadlines = || async {
        registration::Entity::find()
            .filter(registration::Column::ActivityId.eq(LEADERSHIP))
            .all(app.state.db.conn())
            .await
            .unwrap()
            .into_iter()
            .filter(|r| {
                [RegistrationStatus::Pending, RegistrationStatus::Offered].contains(&r.status)
            })
            .filter_map(|r| r.hold_expires_at)
            .collect::<Vec<_>>()
    };
    // The hold window is a day, the workshop starts in two hours.
    assert_eq!(
        sign_up(&app, "a@skola.cz", &[LEADERSHIP]).await.status(),
        202
    );
    assert_eq!(deadlines().await, [starts]);
    let prague = starts.with_timezone(&chrono_tz::Europe::Prague);
    let request = app.emails_to("a@skola.cz").await.pop().unwrap();
    assert!(
        request.text.contains(&prague.format("%-H:%M").to_string()),
        "the email names the start as the deadline: {}",
        request.text
    );

    // A seat freed later is offered until the start too.
    assert_eq!(
        sign_up(&app, "b@skola.cz", &[LEADERSHIP]).await.status(),
        202
    );
    let token = request.token(&app, "/confirm/");
    let confirmed = app
        .post_json(&format!("/api/confirmations/{token}"), &json!({}))
        .await;
    let manage = confirmed.json::<Value>().await.unwrap()["manage_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let cancelled = cancel_first(&app, &manage).await;
    assert_eq!(cancelled.status(), 200);
    assert_eq!(statuses(&app, LEADERSHIP).await.len(), 2);
    assert_eq!(deadlines().await, [starts], "b's offer ends at the start");
}

/// An email's links open their pages in the email's language, whatever the browser asks for.
async fn email_links_open_pages_in_the_emails_language(backend: Backend) {
    let app = spawn_app(backend).await;
    for (lang, browser, other) in [("en", "cs", "cs"), ("cs", "en", "en")] {
        let email = format!("{lang}@skola.cz");
        let response = app
            .post_json(
                &format!("/api/registrations?lang={lang}"),
                &body(&email, &[LEADERSHIP]),
            )
            .await;
        assert_eq!(response.status(), 202);
        let mail = app.emails_to(&email).await.remove(0);
        for marker in ["/confirm/", "/me/", "/workshops/"] {
            let link = mail
                .text
                .split_whitespace()
                .find(|w| w.contains(marker))
                .unwrap_or_else(|| panic!("no {marker} link in: {}", mail.text));
            assert!(link.ends_with(&format!("?lang={lang}")), "{link}");
            let page = app
                .client
                .get(link)
                .header("Accept-Language", browser)
                .send()
                .await
                .unwrap();
            assert_eq!(page.status(), 200, "{link}");
            let html = page.text().await.unwrap();
            assert!(
                html.contains(&format!(r#"<html lang="{lang}""#)),
                "{link}: {html}"
            );
            assert!(!html.contains(&format!(r#"<html lang="{other}""#)));
        }
    }
}

/// Emails tell an activity's times in its fair's zone, not always in Prague's.
async fn emails_tell_times_in_the_fairs_zone(backend: Backend) {
    let app = spawn_app(backend).await;
    let workshop = activity_row(&app, LEADERSHIP).await;
    entity::fair::ActiveModel {
        id: Set(workshop.fair_id.unwrap()),
        timezone: Set("Europe/London".into()),
        ..Default::default()
    }
    .update(app.state.db.conn())
    .await
    .unwrap();
    let response = sign_up(&app, "jana@skola.cz", &[LEADERSHIP]).await;
    assert_eq!(response.status(), 202);
    let mail = app.emails_to("jana@skola.cz").await.remove(0);
    let local = |zone: chrono_tz::Tz| {
        let (s, e) = (
            workshop.starts_at.with_timezone(&zone),
            workshop.ends_at.with_timezone(&zone),
        );
        format!(
            "{}:{:02}–{}:{:02}",
            s.hour(),
            s.minute(),
            e.hour(),
            e.minute()
        )
    };
    let london = local(chrono_tz::Europe::London);
    assert!(mail.text.contains(&london), "{london} in {}", mail.text);
    assert!(
        !mail.text.contains(&local(chrono_tz::Europe::Prague)),
        "{}",
        mail.text
    );
}

async fn past_and_closed_activities_take_no_sign_ups(backend: Backend) {
    let app = spawn_app(backend).await;
    // Meeting 8 is the Prague meeting of May 2022.
    let response = app
        .post_json("/api/registrations?lang=en", &body("jana@skola.cz", &[8]))
        .await;
    assert_eq!(response.status(), 422);
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["errors"][0]["code"], "registration_closed");
    let response = app
        .post_json("/api/registrations", &body("jana@skola.cz", &[9999]))
        .await;
    assert_eq!(
        response.json::<Value>().await.unwrap()["errors"][0]["code"],
        "unknown_activity"
    );
}

async fn the_programme_and_openapi_document_are_served(backend: Backend) {
    let app = spawn_app(backend).await;
    let programme: Value = app
        .get("/api/fairs/uspech-pro-kazdeho-zaka/programme")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(programme["workshops"].as_array().unwrap().len(), 7);
    let leadership = programme["workshops"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["id"] == LEADERSHIP)
        .unwrap();
    assert_eq!(leadership["seats_left"], 40);
    let spec: Value = app.get("/api/openapi.json").await.json().await.unwrap();
    assert!(spec["paths"]["/registrations"]["post"].is_object());
    assert_eq!(app.get("/api/docs").await.status(), 200);
    let meetings: Value = app
        .get("/api/meetings?region=moravskoslezsky-kraj")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        meetings.as_array().unwrap().len(),
        0,
        "Krnov 2022 is past; the series is national"
    );
    assert_eq!(app.get("/api/meetings?region=atlantis").await.status(), 404);
}

/// A person written without a sign-up (as an import would), and their id.
async fn import_person(app: &TestApp, email: &str) -> i32 {
    let now = chrono::Utc::now();
    person::ActiveModel {
        email: Set(email.into()),
        name: Set("Import".into()),
        language: Set("cs".into()),
        manage_token_hash: Set(email.into()),
        feed_generation: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(app.state.db.conn())
    .await
    .unwrap()
    .id
}

/// A new person's links derive from the id the sign-up takes before writing the row: taken from
/// the table's sequence, an id is never one a person got some other way, nor one given before
/// (a refused sign-up's person is not written, its id stays used).
async fn new_people_take_ids_never_given_before(backend: Backend) {
    let app = spawn_app(backend).await;
    activity::ActiveModel {
        id: Set(LEARNING),
        capacity: Set(0),
        waitlist_enabled: Set(false),
        ..Default::default()
    }
    .update(app.state.db.conn())
    .await
    .unwrap();
    assert_eq!(
        sign_up(&app, "plna@skola.cz", &[LEARNING]).await.status(),
        422
    );
    assert_eq!(
        sign_up(&app, "a@skola.cz", &[LEADERSHIP]).await.status(),
        202
    );
    let imported = import_person(&app, "import@skola.cz").await;
    assert_eq!(
        sign_up(&app, "b@skola.cz", &[LEADERSHIP]).await.status(),
        202
    );

    let ids: Vec<i32> = person::Entity::find()
        .all(app.state.db.conn())
        .await
        .unwrap()
        .iter()
        .map(|p| p.id)
        .collect();
    let [a, b] = ids[..]
        .iter()
        .copied()
        .filter(|id| *id != imported)
        .collect::<Vec<_>>()[..]
    else {
        panic!("two signed up and the imported one: {ids:?}")
    };
    // Their links work: the one mailed, and the calendar feed their page offers.
    for (email, id) in [("a@skola.cz", a), ("b@skola.cz", b)] {
        let mail = &app.emails_to(email).await[0];
        let page = app
            .client
            .get(mail.link(&app, "/me/"))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200, "{email}");
        let feed_url = app.state.links.feed_url(id, 0);
        let feed = app.client.get(feed_url).send().await.unwrap();
        assert_eq!(feed.status(), 200, "{email}");
    }
}

/// Ids are taken from the sequence a block at a time, and the rest kept for later: only once
/// the transaction that took them has committed. On SQLite a rollback puts the sequence back,
/// so the block's ids would be given again, by the sequence, to a row written some other way.
async fn spare_ids_come_only_from_committed_transactions(backend: Backend) {
    let app = spawn_app(backend).await;
    let db = &app.state.db;
    let rolled_back = db.begin_write().await.unwrap();
    rolled_back.new_ids("person", 1).await.unwrap();
    drop(rolled_back);
    let first_import = import_person(&app, "first@skola.cz").await;
    // As many as a block would have left: a kept rest of the rolled-back block would serve them.
    let txn = db.begin_write().await.unwrap();
    let taken = txn.new_ids("person", 255).await.unwrap();
    txn.commit().await.unwrap();
    assert!(
        !taken.contains(&first_import),
        "{first_import} in {taken:?}"
    );
    let second_import = import_person(&app, "second@skola.cz").await;
    let txn = db.begin_write().await.unwrap();
    let spare = txn.new_ids("person", 1).await.unwrap();
    txn.commit().await.unwrap();
    let mut all = [taken, spare, vec![first_import, second_import]].concat();
    let count = all.len();
    all.sort_unstable();
    all.dedup();
    assert_eq!(all.len(), count, "an id given twice");
}

on_both_backends!(
    spare_ids_come_only_from_committed_transactions,
    new_people_take_ids_never_given_before,
    sign_up_email_confirm_manage_cancel,
    a_freed_seat_goes_to_the_first_in_line_who_confirms_it,
    each_bad_field_gets_a_message_in_the_requested_language,
    malformed_requests_get_problem_details_not_500,
    two_hundred_concurrent_sign_ups_for_twenty_seats,
    overlapping_choices_are_refused_naming_both,
    an_overlap_with_what_one_holds_is_named_at_confirmation,
    signing_up_twice_creates_no_duplicate,
    an_unconfirmed_hold_expires_and_frees_its_seat,
    a_seat_is_held_or_offered_no_longer_than_until_the_start,
    email_links_open_pages_in_the_emails_language,
    emails_tell_times_in_the_fairs_zone,
    past_and_closed_activities_take_no_sign_ups,
    the_programme_and_openapi_document_are_served,
);

async fn the_reminder_goes_out_once_the_day_before(backend: Backend) {
    let app = spawn_app(backend).await;
    signed_up_and_confirmed(&app, "jana@skola.cz", &[LEADERSHIP]).await;
    let starts = activity_row(&app, LEADERSHIP).await.starts_at;
    // Not yet: more than a day ahead.
    let two_days_before = starts - chrono::Duration::hours(48);
    assert_eq!(
        veletrh::registration::queue_reminders(&app.state, two_days_before)
            .await
            .unwrap(),
        0
    );
    let evening_before = starts - chrono::Duration::hours(15);
    assert_eq!(
        veletrh::registration::queue_reminders(&app.state, evening_before)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        veletrh::registration::queue_reminders(&app.state, evening_before)
            .await
            .unwrap(),
        0,
        "once"
    );
    let reminder = app.emails_to("jana@skola.cz").await.pop().unwrap();
    assert!(
        reminder
            .text
            .contains("Proč a jak rozvíjet pedagogický leadership"),
        "{}",
        reminder.text
    );
    assert!(
        reminder.text.contains("/me/"),
        "every participant email carries the manage link"
    );
    assert!(reminder.subject.contains("zítra"), "{}", reminder.subject);
    assert!(
        reminder.text.contains("/checkin/"),
        "the email opened at the door carries the entry link"
    );
    assert_eq!(reminder.inline_images.len(), 1, "and its QR code");

    // Confirmed late, for something that starts the same day: "today", not "tomorrow".
    signed_up_and_confirmed(&app, "petr@skola.cz", &[INFORMAL]).await;
    let starts = activity_row(&app, INFORMAL).await.starts_at;
    let two_hours_before = starts - chrono::Duration::hours(2);
    assert_eq!(
        veletrh::registration::queue_reminders(&app.state, two_hours_before)
            .await
            .unwrap(),
        1
    );
    let reminder = app.emails_to("petr@skola.cz").await.pop().unwrap();
    assert!(reminder.subject.contains("dnes"), "{}", reminder.subject);
    assert!(reminder.text.contains("se dnes koná"), "{}", reminder.text);

    // Two workshops the same day: one reminder for both, each with its entry link and QR code.
    signed_up_and_confirmed(&app, "eva@skola.cz", &[WELLBEING, INFORMAL]).await;
    let first = activity_row(&app, WELLBEING).await.starts_at;
    let evening_before = first - chrono::Duration::hours(15);
    assert_eq!(
        veletrh::registration::queue_reminders(&app.state, evening_before)
            .await
            .unwrap(),
        1,
        "one email for both"
    );
    let mails = app.emails_to("eva@skola.cz").await;
    let reminder = mails.last().unwrap();
    assert!(
        reminder.subject.ends_with(" a další"),
        "{}",
        reminder.subject
    );
    assert!(
        reminder
            .text
            .contains("Zítra: Jak rozvíjet wellbeing žáků?"),
        "{}",
        reminder.text
    );
    assert!(
        reminder
            .text
            .contains("Zítra: Jak propojovat formální a neformální"),
        "{}",
        reminder.text
    );
    assert_eq!(reminder.text.matches("/checkin/").count(), 2);
    assert_eq!(reminder.inline_images.len(), 2, "a QR code each");
}

on_both_backends!(the_reminder_goes_out_once_the_day_before);

async fn a_waiting_person_is_not_offered_a_seat_that_clashes_with_one_they_hold(backend: Backend) {
    let app = spawn_app(backend).await;
    set_capacity(&app, LEADERSHIP, 1).await;
    let manage_a = signed_up_and_confirmed(&app, "a@skola.cz", &[LEADERSHIP]).await;
    // b waits for LEADERSHIP, then takes WELLBEING, which runs at the same time.
    assert_eq!(
        sign_up(&app, "b@skola.cz", &[LEADERSHIP]).await.status(),
        202
    );
    signed_up_and_confirmed(&app, "b@skola.cz", &[WELLBEING]).await;
    assert_eq!(
        sign_up(&app, "c@skola.cz", &[LEADERSHIP]).await.status(),
        202
    );

    cancel_first(&app, &manage_a).await;

    // The seat skips b (who would clash) and goes to c; b keeps waiting.
    let offered_to_c = app
        .emails_to("c@skola.cz")
        .await
        .iter()
        .any(|m| m.text.contains("/confirm/"));
    assert!(offered_to_c);
    let b_offers = app
        .emails_to("b@skola.cz")
        .await
        .iter()
        .filter(|m| m.text.contains("/confirm/"))
        .count();
    assert_eq!(
        b_offers, 1,
        "only b's own sign-up confirmation for WELLBEING"
    );
    let rows = registration::Entity::find()
        .filter(registration::Column::ActivityId.eq(LEADERSHIP))
        .all(app.state.db.conn())
        .await
        .unwrap();
    let b = person::Entity::find()
        .filter(person::Column::Email.eq("b@skola.cz"))
        .one(app.state.db.conn())
        .await
        .unwrap()
        .unwrap();
    let b_row = rows.iter().find(|r| r.person_id == b.id).unwrap();
    assert_eq!(b_row.status, RegistrationStatus::Waitlisted);
}

on_both_backends!(a_waiting_person_is_not_offered_a_seat_that_clashes_with_one_they_hold);
