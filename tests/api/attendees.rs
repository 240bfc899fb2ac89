//! Attendee lists for organisers (issue 7): list, filter and search; exports over HTTP read back
//! with real parsers; adding, cancelling and moving people with their emails and with the
//! capacity, overlap and per-school rules; the per-school limit on public sign-up; counts; who
//! may do what. On both databases.

use std::io::Cursor;

use calamine::{Data, Reader};
use entity::{
    activity, audit_event,
    enums::{OrganiserRole, RegistrationStatus},
    fair, outbox_message, registration,
};
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use crate::helpers::organisers::{
    Roles, Staff, activity_row, admin, another_fair, api_json, call_api, demo_fair, each_role,
    get_page, post_form, set_capacity, staff,
};
use crate::helpers::{
    Backend, TestApp, ics_sequence, ics_value, on_both_backends, spawn_app, unescape,
};

/// Demo workshops: 1–3 run in parallel (first slot), 4–5 in the second, 6–7 in the third.
const LEADERSHIP: i32 = 1;
const LEARNING: i32 = 2;
const WELLBEING: i32 = 3;
const INFORMAL: i32 = 4;
const SECOND_SLOT: i32 = 5;

/// A public sign-up through the API.
async fn sign_up(
    app: &TestApp,
    name: &str,
    email: &str,
    school: &str,
    activities: &[i32],
) -> reqwest::Response {
    app.post_json(
        "/api/registrations",
        &json!({
            "name": name, "email": email, "organisation": school, "role": "teacher",
            "activity_ids": activities, "consent": true,
        }),
    )
    .await
}

/// An organiser's add through the API; returns the answer.
async fn add(app: &TestApp, who: &Staff, activity: i32, person: Value) -> reqwest::Response {
    call_api(
        app,
        Some(who),
        Method::POST,
        &format!("/admin/activities/{activity}/attendees"),
        Some(person),
    )
    .await
}

fn person(name: &str, email: &str, school: &str) -> Value {
    json!({ "name": name, "email": email, "organisation": school })
}

/// Adds a person and returns the new registration's id.
async fn added(app: &TestApp, who: &Staff, activity: i32, person: Value) -> i32 {
    let answer = add(app, who, activity, person).await;
    assert_eq!(answer.status(), 201);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(body["status"], "confirmed");
    body["id"].as_i64().unwrap() as i32
}

async fn registration_of(app: &TestApp, id: i32) -> registration::Model {
    registration::Entity::find_by_id(id)
        .one(app.state.db.conn())
        .await
        .unwrap()
        .unwrap()
}

/// What a refused change must leave alone: every registration, the seat counts, the outbox.
async fn snapshot(app: &TestApp) -> (Vec<registration::Model>, Vec<(i32, i32)>, u64) {
    let conn = app.state.db.conn();
    let registrations = registration::Entity::find()
        .order_by_asc(registration::Column::Id)
        .all(conn)
        .await
        .unwrap();
    let taken = activity::Entity::find()
        .order_by_asc(activity::Column::Id)
        .all(conn)
        .await
        .unwrap()
        .into_iter()
        .map(|a| (a.id, a.taken))
        .collect();
    let mails = outbox_message::Entity::find().count(conn).await.unwrap();
    (registrations, taken, mails)
}

async fn problem_fields(answer: reqwest::Response) -> Vec<(String, String, String)> {
    assert_eq!(answer.status(), 422);
    assert_eq!(answer.headers()["content-type"], "application/problem+json");
    let body: Value = answer.json().await.unwrap();
    body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
                e["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn lists_filter_search_and_page_in_the_api_and_on_the_pages(backend: Backend) {
    let app = spawn_app(backend).await;
    let boss = admin(&app).await;
    let fair = demo_fair(&app).await;
    assert_eq!(
        sign_up(
            &app,
            "Jana Šťastná",
            "jana@zs-krnov.cz",
            "ZŠ Krnov",
            &[LEADERSHIP]
        )
        .await
        .status(),
        202
    );
    assert_eq!(
        sign_up(
            &app,
            "Petr Novák",
            "petr@gym-opava.cz",
            "Gymnázium Opava",
            &[LEADERSHIP]
        )
        .await
        .status(),
        202
    );
    let olga = added(
        &app,
        &boss,
        LEADERSHIP,
        person("Olga Říhová", "olga@ms.cz", "MŠ Úvoz"),
    )
    .await;
    added(
        &app,
        &boss,
        INFORMAL,
        person("Karel Dvořák", "karel@ss.cz", "SŠ Bruntál"),
    )
    .await;
    let cancel = call_api(
        &app,
        Some(&boss),
        Method::POST,
        &format!("/admin/registrations/{olga}/cancel"),
        Some(json!({})),
    )
    .await;
    assert_eq!(cancel.status(), 200);

    let all = api_json(
        &app,
        &boss,
        &format!("/admin/activities/{LEADERSHIP}/attendees"),
    )
    .await;
    assert_eq!(all["total"], 3);
    let live = api_json(
        &app,
        &boss,
        &format!("/admin/activities/{LEADERSHIP}/attendees?status=live"),
    )
    .await;
    let names: Vec<&str> = live["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Jana Šťastná", "Petr Novák"]);
    let cancelled = api_json(
        &app,
        &boss,
        &format!("/admin/activities/{LEADERSHIP}/attendees?status=cancelled"),
    )
    .await;
    assert_eq!(cancelled["items"][0]["name"], "Olga Říhová");
    // A search ignores case, also of Czech capitals, in names, emails and organisations.
    for (q, expected) in [
        ("ŠŤASTNÁ", "Jana Šťastná"),
        ("opava", "Petr Novák"),
        ("ms.cz", "Olga Říhová"),
    ] {
        let found = api_json(
            &app,
            &boss,
            &format!(
                "/admin/activities/{LEADERSHIP}/attendees?q={}",
                url::form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>()
            ),
        )
        .await;
        assert_eq!(found["total"], 1, "{q}");
        assert_eq!(found["items"][0]["name"], expected, "{q}");
    }
    // Pages: one row each, following `next_after`.
    let first = api_json(
        &app,
        &boss,
        &format!("/admin/fairs/{fair}/attendees?limit=2"),
    )
    .await;
    assert_eq!(first["total"], 4);
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let after = first["next_after"].as_i64().unwrap();
    let second = api_json(
        &app,
        &boss,
        &format!("/admin/fairs/{fair}/attendees?limit=2&after={after}"),
    )
    .await;
    assert_eq!(second["items"].as_array().unwrap().len(), 2);
    assert_eq!(second["items"][1]["name"], "Karel Dvořák");
    let bad = call_api(
        &app,
        Some(&boss),
        Method::GET,
        &format!("/admin/fairs/{fair}/attendees?status=gone&limit=0"),
        None,
    )
    .await;
    let fields: Vec<String> = problem_fields(bad).await.into_iter().map(|f| f.0).collect();
    assert_eq!(fields, ["status"]);

    // The same on the pages.
    let page = get_page(
        &app,
        Some(&boss),
        &format!("/admin/activities/{LEADERSHIP}/attendees?status=live&lang=cs"),
    )
    .await;
    assert_eq!(page.status(), 200);
    let html = unescape(&page.text().await.unwrap());
    assert!(html.contains("Jana Šťastná") && html.contains("Petr Novák"));
    assert!(
        !html.contains("Olga Říhová"),
        "cancelled ones are filtered out"
    );
    let page = get_page(
        &app,
        Some(&boss),
        &format!("/admin/fairs/{fair}/attendees?q=%C5%99%C3%ADhov%C3%A1"),
    )
    .await;
    let html = unescape(&page.text().await.unwrap());
    assert!(html.contains("Olga Říhová") && !html.contains("Jana Šťastná"));
    // The activity list links to the lists.
    let list = get_page(&app, Some(&boss), "/admin/activities").await;
    let html = unescape(&list.text().await.unwrap());
    assert!(html.contains(&format!("/admin/activities/{LEADERSHIP}/attendees")));
    assert!(html.contains(&format!("/admin/fairs/{fair}/attendees")));
}

async fn exports_over_http_open_in_real_parsers_with_czech_diacritics(backend: Backend) {
    let app = spawn_app(backend).await;
    let boss = admin(&app).await;
    let fair = demo_fair(&app).await;
    added(
        &app,
        &boss,
        LEADERSHIP,
        person("Řehoř Žluťoučký", "rehor@zs.cz", "ZŠ Šumperk, Žerotínova"),
    )
    .await;
    added(
        &app,
        &boss,
        INFORMAL,
        person("=SUM(A1)", "evil@zs.cz", "+1"),
    )
    .await;

    // CSV from the page, with the picked columns only.
    let answer = get_page(
        &app,
        Some(&boss),
        &format!("/admin/fairs/{fair}/attendees/export?format=csv&columns=name&columns=organisation&lang=cs"),
    )
    .await;
    assert_eq!(answer.status(), 200);
    assert!(
        answer.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let disposition = answer.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        disposition,
        "attachment; filename=\"ucastnici-uspech-pro-kazdeho-zaka.csv\""
    );
    let bytes = answer.bytes().await.unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "UTF-8 with BOM");
    let mut csv = csv::Reader::from_reader(&bytes[3..]);
    assert_eq!(csv.headers().unwrap(), vec!["Jméno", "Organizace"]);
    let rows: Vec<Vec<String>> = csv
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    assert_eq!(rows[0], ["Řehoř Žluťoučký", "ZŠ Šumperk, Žerotínova"]);
    assert_eq!(rows[1], ["'=SUM(A1)", "'+1"], "formulas neutralised");

    // CSV for Czech Excel through the API, English labels.
    let answer = call_api(
        &app,
        Some(&boss),
        Method::GET,
        &format!("/admin/activities/{LEADERSHIP}/attendees/export?format=csv-excel&columns=name,email&lang=en"),
        None,
    )
    .await;
    assert_eq!(answer.status(), 200);
    assert!(
        answer.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attendees-proc-a-jak-rozvijet-pedagogicky-leadership-vedeni-skol-1.csv"),
        "{:?}",
        answer.headers()["content-disposition"]
    );
    let bytes = answer.bytes().await.unwrap();
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(&bytes[3..]);
    assert_eq!(csv.headers().unwrap(), vec!["Name", "Email"]);
    let first = csv.records().next().unwrap().unwrap();
    assert_eq!(&first[0], "Řehoř Žluťoučký");

    // XLSX through the API, read by calamine.
    let answer = call_api(
        &app,
        Some(&boss),
        Method::GET,
        &format!("/admin/fairs/{fair}/attendees/export?format=xlsx&columns=name,organisation"),
        None,
    )
    .await;
    assert_eq!(answer.status(), 200);
    assert_eq!(
        answer.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let bytes = answer.bytes().await.unwrap().to_vec();
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let cells: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect();
    assert_eq!(cells[0], ["Jméno", "Organizace"]);
    assert_eq!(cells[1], ["Řehoř Žluťoučký", "ZŠ Šumperk, Žerotínova"]);
    assert_eq!(cells[2][0], "'=SUM(A1)");

    // JSON from the page.
    let answer = get_page(
        &app,
        Some(&boss),
        &format!("/admin/activities/{LEADERSHIP}/attendees/export?format=json&columns=name&columns=status"),
    )
    .await;
    assert_eq!(answer.headers()["content-type"], "application/json");
    let body: Value = answer.json().await.unwrap();
    assert_eq!(
        body,
        json!([{ "name": "Řehoř Žluťoučký", "status": "confirmed" }])
    );

    // A format or column that does not exist.
    let bad = call_api(
        &app,
        Some(&boss),
        Method::GET,
        &format!("/admin/fairs/{fair}/attendees/export?format=ods&columns=name,phone"),
        None,
    )
    .await;
    let fields: Vec<String> = problem_fields(bad).await.into_iter().map(|f| f.0).collect();
    assert_eq!(fields, ["format", "columns"]);

    // The page's download, hand-edited the same way: the list again, each bad choice told on
    // its fieldset in the page's language, the good ones kept.
    let bad = get_page(
        &app,
        Some(&boss),
        &format!(
            "/admin/fairs/{fair}/attendees/export?format=pdf&columns=name&columns=phone&lang=en"
        ),
    )
    .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let page = bad.text().await.unwrap();
    assert!(
        page.contains(r#"<fieldset id="format" class="field-error">"#),
        "{page}"
    );
    assert!(
        page.contains(r#"<fieldset id="columns" class="field-error">"#),
        "{page}"
    );
    assert!(
        page.contains("Please choose one of the options offered."),
        "{page}"
    );
    assert!(page.contains(r#"value="name" checked"#), "{page}");
    assert!(!page.contains(r#"value="email" checked"#), "{page}");
    // A hand-edited status too, as the API refuses it.
    let bad = get_page(
        &app,
        Some(&boss),
        &format!("/admin/fairs/{fair}/attendees/export?format=csv&status=bogus&lang=en"),
    )
    .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let page = bad.text().await.unwrap();
    assert!(page.contains(r##"<a href="#status">"##), "{page}");
}

async fn adding_cancelling_and_moving_email_the_person_and_move_the_seats(backend: Backend) {
    let app = spawn_app(backend).await;
    let boss = admin(&app).await;
    let before = activity_row(&app, LEARNING).await.taken;
    let id = added(
        &app,
        &boss,
        LEARNING,
        person("Jana Dvořáková", "jana@skola.cz", "ZŠ Krnov"),
    )
    .await;
    assert_eq!(activity_row(&app, LEARNING).await.taken, before + 1);
    let mails = app.emails_to("jana@skola.cz").await;
    assert_eq!(mails.len(), 1);
    assert!(
        mails[0].subject.starts_with("Přihláška potvrzena: "),
        "{}",
        mails[0].subject
    );
    mails[0].link(&app, "/me/");
    assert!(
        mails[0]
            .attachments
            .iter()
            .any(|(name, _)| name.ends_with(".ics"))
    );

    // Moved to a parallel workshop: the seat moves with them, and the email says so.
    let answer = call_api(
        &app,
        Some(&boss),
        Method::POST,
        &format!("/admin/registrations/{id}/move"),
        Some(json!({ "activity_id": WELLBEING })),
    )
    .await;
    assert_eq!(answer.status(), 200);
    let moved: Value = answer.json().await.unwrap();
    assert_eq!(
        (moved["activity_id"].as_i64(), moved["status"].as_str()),
        (Some(WELLBEING as i64), Some("confirmed"))
    );
    assert_eq!(
        registration_of(&app, id).await.status,
        RegistrationStatus::Cancelled
    );
    assert_eq!(activity_row(&app, LEARNING).await.taken, before);
    let mails = app.emails_to("jana@skola.cz").await;
    assert_eq!(mails.len(), 2);
    assert!(
        mails[1]
            .subject
            .starts_with("Přesunuli jsme vás na jinou akci: Jak rozvíjet wellbeing"),
        "{}",
        mails[1].subject
    );
    assert!(
        mails[1].text.contains("Jak se společně s učiteli"),
        "names the workshop left"
    );
    // The new event to add, and the one left withdrawn: the same UID as the first email's, a
    // higher SEQUENCE, cancelled.
    let given = &mails[0].attachments[0].1;
    let [(_, new), (left_name, left)] = &mails[1].attachments[..] else {
        panic!("two .ics: {:?}", mails[1].attachments);
    };
    assert_ne!(ics_value(new, "UID"), ics_value(given, "UID"));
    assert_eq!(ics_value(new, "STATUS"), "CONFIRMED");
    assert_eq!(ics_value(left, "UID"), ics_value(given, "UID"));
    assert_eq!(ics_value(left, "STATUS"), "CANCELLED");
    assert!(ics_sequence(left) > ics_sequence(given));
    assert!(
        left_name.starts_with("prihlaska-zrusena-jak-se-spolecne"),
        "{left_name}"
    );
    assert!(
        mails[1].text.contains("soubor .ics původní akce"),
        "{}",
        mails[1].text
    );

    // Cancelled by the organiser: the freed seat goes to the first in line.
    let new_id = moved["id"].as_i64().unwrap() as i32;
    set_capacity(&app, WELLBEING, activity_row(&app, WELLBEING).await.taken).await;
    assert_eq!(
        sign_up(&app, "Eva Malá", "eva@skola.cz", "ZŠ Opava", &[WELLBEING])
            .await
            .status(),
        202
    );
    let web = post_form(
        &app,
        Some(&boss),
        &format!("/admin/registrations/{new_id}/cancel"),
        &[
            ("reason", "Workshop je jen pro ředitele."),
            ("back", &format!("activity:{WELLBEING}")),
        ],
    )
    .await;
    assert_eq!(web.status(), 303);
    assert!(
        web.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with(&format!(
                "/admin/activities/{WELLBEING}/attendees?done=cancelled"
            ))
    );
    assert_eq!(
        registration_of(&app, new_id).await.status,
        RegistrationStatus::Cancelled
    );
    let mails = app.emails_to("jana@skola.cz").await;
    assert!(
        mails[2]
            .subject
            .starts_with("Přihláška zrušena organizátorem")
    );
    assert!(mails[2].text.contains("Workshop je jen pro ředitele."));
    let [(_, removed)] = &mails[2].attachments[..] else {
        panic!("one .ics: {:?}", mails[2].attachments);
    };
    assert_eq!(
        ics_value(removed, "UID"),
        ics_value(&mails[1].attachments[0].1, "UID")
    );
    assert_eq!(ics_value(removed, "STATUS"), "CANCELLED");
    let eva = app.emails_to("eva@skola.cz").await;
    assert!(
        eva.iter()
            .any(|m| m.subject.starts_with("Uvolnilo se pro vás místo"))
    );
    // A second cancel changes nothing and sends nothing.
    let again = call_api(
        &app,
        Some(&boss),
        Method::POST,
        &format!("/admin/registrations/{new_id}/cancel"),
        Some(json!({})),
    )
    .await;
    assert_eq!(again.status(), 200);
    assert_eq!(app.emails_to("jana@skola.cz").await.len(), 3);

    // Every change is in the audit log.
    let actions: Vec<String> = audit_event::Entity::find()
        .filter(audit_event::Column::Action.starts_with("attendee."))
        .order_by_asc(audit_event::Column::Id)
        .all(app.state.db.conn())
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions,
        ["attendee.add", "attendee.move", "attendee.cancel"]
    );

    // Adding from the page, in English.
    let added = post_form(
        &app,
        Some(&boss),
        &format!("/admin/activities/{INFORMAL}/attendees"),
        &[
            ("name", "John Smith"),
            ("email", "john@school.uk"),
            ("organisation", ""),
            ("role", "principal"),
            ("language", "en"),
        ],
    )
    .await;
    assert_eq!(added.status(), 303);
    let john = app.emails_to("john@school.uk").await;
    assert!(
        john[0].subject.starts_with("Sign-up confirmed: "),
        "{}",
        john[0].subject
    );
}

async fn refused_changes_say_why_on_the_field_and_change_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let boss = admin(&app).await;
    // Jana holds workshops 1 and 4 (first and second slot).
    let jana_1 = added(
        &app,
        &boss,
        LEADERSHIP,
        person("Jana", "jana@skola.cz", "ZŠ Krnov"),
    )
    .await;
    added(
        &app,
        &boss,
        INFORMAL,
        person("Jana", "jana@skola.cz", "ZŠ Krnov"),
    )
    .await;
    // At most one from a school on workshop 2, set through the API.
    let patched = call_api(
        &app,
        Some(&boss),
        Method::PATCH,
        &format!("/admin/activities/{LEARNING}"),
        Some(json!({ "per_school_limit": 1 })),
    )
    .await;
    assert_eq!(patched.status(), 200);
    assert_eq!(
        patched.json::<Value>().await.unwrap()["per_school_limit"],
        1
    );
    added(
        &app,
        &boss,
        LEARNING,
        person("Eva", "eva@skola.cz", "  zš KRNOV "),
    )
    .await;
    set_capacity(&app, WELLBEING, activity_row(&app, WELLBEING).await.taken).await;
    let before = snapshot(&app).await;

    let cases: Vec<(&str, Method, String, Value, &str)> = vec![
        (
            "add: overlaps workshop 4",
            Method::POST,
            format!("/admin/activities/{SECOND_SLOT}/attendees"),
            person("Jana", "jana@skola.cz", "ZŠ Krnov"),
            "overlap",
        ),
        (
            "add: already there",
            Method::POST,
            format!("/admin/activities/{LEADERSHIP}/attendees"),
            person("Jana", "jana@skola.cz", "ZŠ Krnov"),
            "already_registered",
        ),
        (
            "add: school at its limit",
            Method::POST,
            format!("/admin/activities/{LEARNING}/attendees"),
            person("Ota", "ota@skola.cz", "ZŠ KRNOV"),
            "school_limit",
        ),
        (
            "add: full",
            Method::POST,
            format!("/admin/activities/{WELLBEING}/attendees"),
            person("Ota", "ota@skola.cz", "ZŠ Opava"),
            "full",
        ),
        (
            "move: overlaps workshop 4",
            Method::POST,
            format!("/admin/registrations/{jana_1}/move"),
            json!({ "activity_id": SECOND_SLOT }),
            "overlap",
        ),
        (
            "move: school at its limit",
            Method::POST,
            format!("/admin/registrations/{jana_1}/move"),
            json!({ "activity_id": LEARNING }),
            "school_limit",
        ),
        (
            "move: full",
            Method::POST,
            format!("/admin/registrations/{jana_1}/move"),
            json!({ "activity_id": WELLBEING }),
            "full",
        ),
        // Demo meeting 8 took place in May 2022.
        (
            "add: ended",
            Method::POST,
            "/admin/activities/8/attendees".to_owned(),
            person("Ota", "ota@skola.cz", "ZŠ Opava"),
            "activity_ended",
        ),
        (
            "move: ended",
            Method::POST,
            format!("/admin/registrations/{jana_1}/move"),
            json!({ "activity_id": 8 }),
            "activity_ended",
        ),
    ];
    for (what, method, path, body, code) in cases {
        let answer = call_api(&app, Some(&boss), method, &path, Some(body)).await;
        let fields = problem_fields(answer).await;
        assert_eq!(fields.len(), 1, "{what}: {fields:?}");
        assert_eq!(
            (fields[0].0.as_str(), fields[0].1.as_str()),
            ("activity_id", code),
            "{what}"
        );
        assert!(
            !fields[0].2.contains("??"),
            "{what}: a message in Czech: {}",
            fields[0].2
        );
        assert_eq!(snapshot(&app).await, before, "{what} changed nothing");
    }
    // The same refusal on the page: the list again, with the message.
    let page = post_form(
        &app,
        Some(&boss),
        &format!("/admin/registrations/{jana_1}/move?lang=en"),
        &[
            ("activity_id", &WELLBEING.to_string()),
            ("back", &format!("activity:{LEADERSHIP}")),
        ],
    )
    .await;
    assert_eq!(page.status(), 422);
    let html = unescape(&page.text().await.unwrap());
    assert!(
        html.contains("This activity is full: Jak rozvíjet wellbeing žáků?"),
        "{html}"
    );
    assert_eq!(snapshot(&app).await, before);
}

async fn the_per_school_limit_holds_on_public_sign_up_and_waiting_list_offers(backend: Backend) {
    let app = spawn_app(backend).await;
    let boss = admin(&app).await;
    // Set through the admin form, with the other fields as they are.
    let w = activity_row(&app, WELLBEING).await;
    let local = |at: chrono::DateTime<chrono::Utc>| {
        at.with_timezone(&veletrh::timezone::DEFAULT)
            .format("%Y-%m-%dT%H:%M")
            .to_string()
    };
    let (starts, ends, capacity) = (local(w.starts_at), local(w.ends_at), w.capacity.to_string());
    let form = |limit: &'static str, release: &'static str| {
        vec![
            ("fair_id", w.fair_id.unwrap().to_string()),
            ("title", w.title.clone()),
            ("starts_at", starts.clone()),
            ("ends_at", ends.clone()),
            ("capacity", capacity.clone()),
            ("waitlist_enabled", "on".to_owned()),
            ("per_school_limit", limit.to_owned()),
            ("no_show_release_minutes", release.to_owned()),
        ]
    };
    let path = format!("/admin/activities/{WELLBEING}");
    let as_refs = |f: &Vec<(&'static str, String)>| {
        f.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>()
    };
    let bad = as_refs(&form("0", "-5"));
    let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let answer = post_form(&app, Some(&boss), &path, &bad).await;
    assert_eq!(answer.status(), 422);
    let html = unescape(&answer.text().await.unwrap());
    assert!(
        html.contains("Zadejte počet lidí od 1 do"),
        "per_school_limit"
    );
    assert!(
        html.contains("Zadejte počet minut od 0 do"),
        "no_show_release_minutes"
    );
    let good = as_refs(&form("1", "15"));
    let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        post_form(&app, Some(&boss), &path, &good).await.status(),
        303
    );
    let row = activity_row(&app, WELLBEING).await;
    assert_eq!(
        (row.per_school_limit, row.no_show_release_minutes),
        (Some(1), Some(15))
    );
    let html = unescape(
        &get_page(&app, Some(&boss), &path)
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(
        html.contains(r#"name="per_school_limit" type="number" value="1""#),
        "shown again"
    );

    // Public sign-up: one from a school; the second one is refused by name of the workshop.
    assert_eq!(
        sign_up(&app, "Jana", "jana@zs-krnov.cz", "ZŠ Krnov", &[WELLBEING])
            .await
            .status(),
        202
    );
    let before = snapshot(&app).await;
    let refused = sign_up(
        &app,
        "Petr",
        "petr@zs-krnov.cz",
        " zš  krnov",
        &[WELLBEING, INFORMAL],
    )
    .await;
    let fields = problem_fields(refused).await;
    assert_eq!(fields.len(), 1);
    assert_eq!(
        (fields[0].0.as_str(), fields[0].1.as_str()),
        ("activity_ids", "school_limit")
    );
    assert!(
        fields[0].2.contains("Jak rozvíjet wellbeing žáků?"),
        "{}",
        fields[0].2
    );
    assert_eq!(
        snapshot(&app).await,
        before,
        "nothing written, not even workshop 4"
    );
    let page = app
        .client
        .post(format!(
            "{}/fairs/uspech-pro-kazdeho-zaka/sign-up?lang=en",
            app.address
        ))
        .form(&[
            ("name", "Petr"),
            ("email", "petr@zs-krnov.cz"),
            ("organisation", "ZŠ KRNOV"),
            ("role", "teacher"),
            ("district_id", ""),
            ("consent", "yes"),
            ("website", ""),
            ("activity", "3"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 422);
    let html = unescape(&page.text().await.unwrap());
    assert!(
        html.contains("are already signed up for: Jak rozvíjet wellbeing žáků?"),
        "{html}"
    );
    assert_eq!(snapshot(&app).await, before);
    assert_eq!(
        sign_up(&app, "Ota", "ota@zs-opava.cz", "ZŠ Opava", &[WELLBEING])
            .await
            .status(),
        202
    );

    // A limit lowered later holds back waiting people of a school at it: the freed seat goes
    // to the next in line from another school.
    let patched = call_api(
        &app,
        Some(&boss),
        Method::PATCH,
        &format!("/admin/activities/{LEARNING}"),
        Some(json!({ "capacity": 2, "per_school_limit": null })),
    )
    .await;
    assert_eq!(patched.status(), 200);
    let a = added(&app, &boss, LEARNING, person("A", "a@krnov.cz", "ZŠ Krnov")).await;
    added(&app, &boss, LEARNING, person("B", "b@krnov.cz", "ZŠ Krnov")).await;
    assert_eq!(
        sign_up(&app, "C", "c@krnov.cz", "ZŠ Krnov", &[LEARNING])
            .await
            .status(),
        202
    );
    assert_eq!(
        sign_up(&app, "D", "d@opava.cz", "ZŠ Opava", &[LEARNING])
            .await
            .status(),
        202
    );
    let patched = call_api(
        &app,
        Some(&boss),
        Method::PATCH,
        &format!("/admin/activities/{LEARNING}"),
        Some(json!({ "per_school_limit": 1 })),
    )
    .await;
    assert_eq!(patched.status(), 200);
    let cancel = call_api(
        &app,
        Some(&boss),
        Method::POST,
        &format!("/admin/registrations/{a}/cancel"),
        Some(json!({})),
    )
    .await;
    assert_eq!(cancel.status(), 200);
    let status_of = |email: &'static str| {
        let app = &app;
        async move {
            let p = entity::person::Entity::find()
                .filter(entity::person::Column::Email.eq(email))
                .one(app.state.db.conn())
                .await
                .unwrap()
                .unwrap();
            registration::Entity::find()
                .filter(registration::Column::PersonId.eq(p.id))
                .filter(registration::Column::ActivityId.eq(LEARNING))
                .one(app.state.db.conn())
                .await
                .unwrap()
                .unwrap()
                .status
        }
    };
    assert_eq!(
        status_of("c@krnov.cz").await,
        RegistrationStatus::Waitlisted,
        "passed over"
    );
    assert_eq!(status_of("d@opava.cz").await, RegistrationStatus::Offered);
}

async fn counts_group_people_by_region_district_and_school(backend: Backend) {
    let app = spawn_app(backend).await;
    let boss = admin(&app).await;
    let district = entity::district::Entity::find()
        .order_by_asc(entity::district::Column::Id)
        .one(app.state.db.conn())
        .await
        .unwrap()
        .unwrap();
    let with_district = |name: &str, email: &str, school: &str| json!({ "name": name, "email": email, "organisation": school, "district_id": district.id });
    added(
        &app,
        &boss,
        LEADERSHIP,
        with_district("A", "a@krnov.cz", "ZŠ Krnov"),
    )
    .await;
    added(
        &app,
        &boss,
        INFORMAL,
        with_district("A", "a@krnov.cz", "ZŠ Krnov"),
    )
    .await;
    added(
        &app,
        &boss,
        LEARNING,
        with_district("B", "b@krnov.cz", "zš krnov"),
    )
    .await;
    added(&app, &boss, WELLBEING, person("C", "c@nowhere.cz", "")).await;
    let counts = api_json(&app, &boss, "/admin/counts").await;
    assert_eq!(
        (counts["people"].as_u64(), counts["registrations"].as_u64()),
        (Some(3), Some(4))
    );
    assert_eq!(counts["districts"][0]["district"], district.name.as_str());
    assert_eq!(
        (
            counts["districts"][0]["people"].as_u64(),
            counts["districts"][0]["registrations"].as_u64()
        ),
        (Some(2), Some(3))
    );
    assert_eq!(counts["schools"][0]["school"], "ZŠ Krnov");
    assert_eq!(counts["schools"][0]["people"], 2);
    assert_eq!(counts["schools"][1]["school"], Value::Null);
    let html = unescape(
        &get_page(&app, Some(&boss), "/admin/counts?lang=cs")
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(html.contains("Celkem 3 lidí, 4 přihlášek."), "{html}");
    // An organiser of another fair counts nothing of this one.
    let other_fair = fair::Entity::find()
        .filter(fair::Column::Id.ne(demo_fair(&app).await))
        .one(app.state.db.conn())
        .await
        .unwrap();
    if let Some(other_fair) = other_fair {
        let other = staff(
            &app,
            "other@veletrh.cz",
            OrganiserRole::Organiser,
            Some(other_fair.id),
            None,
        )
        .await;
        assert_eq!(
            api_json(&app, &other, "/admin/counts").await["registrations"],
            0
        );
    }
}

async fn each_attendee_route_answers_each_role_as_its_permissions_say(backend: Backend) {
    let app = spawn_app(backend).await;
    let fair = demo_fair(&app).await;
    let other_fair = another_fair(&app).await;
    let Roles {
        viewer,
        other,
        organiser,
        admin: boss,
    } = each_role(&app, fair, other_fair).await;
    let roles: [(&str, Option<&Staff>); 5] = [
        ("anonymous", None),
        ("viewer", Some(&viewer)),
        ("organiser of another fair", Some(&other)),
        ("organiser", Some(&organiser)),
        ("admin", Some(&boss)),
    ];
    // Registrations to cancel and move: each role that may gets its own (the organiser's
    // first, then the admin's), for the pages and for the API.
    let mut ids: Vec<Vec<i32>> = Vec::new();
    for what in ["web-cancel", "web-move", "api-cancel", "api-move"] {
        let mut two = Vec::new();
        for i in 0..2 {
            let email = format!("{what}-{i}@skola.cz");
            two.push(added(&app, &boss, LEADERSHIP, person("X", &email, "ZŠ")).await);
        }
        ids.push(two);
    }
    type Case<'a> = (&'a str, [u16; 5]);
    let list = format!("/admin/activities/{LEADERSHIP}/attendees");
    let fair_list = format!("/admin/fairs/{fair}/attendees");
    let activity_export = format!("{list}/export?format=csv");
    let fair_export = format!("{fair_list}/export?format=xlsx");
    let pages: Vec<(Case, &str)> = vec![
        (("activity list", [303, 200, 403, 200, 200]), list.as_str()),
        (("fair list", [303, 200, 403, 200, 200]), fair_list.as_str()),
        (
            ("activity export", [303, 200, 403, 200, 200]),
            &activity_export,
        ),
        (("fair export", [303, 200, 403, 200, 200]), &fair_export),
        (("counts", [303, 200, 200, 200, 200]), "/admin/counts"),
        (
            ("unknown activity", [303, 404, 404, 404, 404]),
            "/admin/activities/9999/attendees",
        ),
    ];
    for ((what, expected), path) in &pages {
        for ((role, who), status) in roles.iter().zip(expected) {
            let answer = get_page(&app, *who, path).await;
            assert_eq!(answer.status().as_u16(), *status, "page {what} as {role}");
        }
    }
    // `{r}`: the next registration of this case; `{n}`: the role's number.
    type Change<'a> = (Case<'a>, String, Vec<(&'a str, String)>, usize);
    let changes: Vec<Change> = vec![
        (
            ("add", [303, 403, 403, 303, 303]),
            list.clone(),
            vec![("name", "Z".into()), ("email", "{n}@add.cz".into())],
            0,
        ),
        (
            ("cancel", [303, 403, 403, 303, 303]),
            "/admin/registrations/{r}/cancel".into(),
            vec![],
            0,
        ),
        (
            ("move", [303, 403, 403, 303, 303]),
            "/admin/registrations/{r}/move".into(),
            vec![("activity_id", LEARNING.to_string())],
            1,
        ),
    ];
    for ((what, expected), path, fields, set) in &changes {
        let mut done = 0;
        for (n, ((role, who), status)) in roles.iter().zip(expected).enumerate() {
            let path = path.replace("{r}", &ids[*set][done.min(1)].to_string());
            let fields: Vec<(&str, String)> = fields
                .iter()
                .map(|(k, v)| (*k, v.replace("{n}", &n.to_string())))
                .collect();
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let answer = post_form(&app, *who, &path, &fields).await;
            assert_eq!(answer.status().as_u16(), *status, "form {what} as {role}");
            if *status == 303 && who.is_some() {
                done += 1;
            }
        }
    }
    let api: Vec<(Case, Method, String, Option<Value>, usize)> = vec![
        (
            ("list", [401, 200, 403, 200, 200]),
            Method::GET,
            list.clone(),
            None,
            0,
        ),
        (
            ("fair list", [401, 200, 403, 200, 200]),
            Method::GET,
            fair_list.clone(),
            None,
            0,
        ),
        (
            ("export", [401, 200, 403, 200, 200]),
            Method::GET,
            format!("{list}/export?format=json"),
            None,
            0,
        ),
        (
            ("counts", [401, 200, 200, 200, 200]),
            Method::GET,
            "/admin/counts".into(),
            None,
            0,
        ),
        (
            ("add", [401, 403, 403, 201, 201]),
            Method::POST,
            list.clone(),
            Some(json!({ "name": "Z", "email": "api-{n}@add.cz" })),
            0,
        ),
        (
            ("cancel", [401, 403, 403, 200, 200]),
            Method::POST,
            "/admin/registrations/{r}/cancel".into(),
            Some(json!({})),
            2,
        ),
        (
            ("move", [401, 403, 403, 200, 200]),
            Method::POST,
            "/admin/registrations/{r}/move".into(),
            Some(json!({ "activity_id": LEARNING })),
            3,
        ),
        (
            ("unknown registration", [401, 404, 404, 404, 404]),
            Method::POST,
            "/admin/registrations/9999/move".into(),
            Some(json!({ "activity_id": LEARNING })),
            0,
        ),
    ];
    for ((what, expected), method, path, body, set) in &api {
        let mut done = 0;
        for (n, ((role, who), status)) in roles.iter().zip(expected).enumerate() {
            let path = path.replace("{r}", &ids[*set][done.min(1)].to_string());
            let body = body.as_ref().map(|b| {
                serde_json::from_str(&b.to_string().replace("{n}", &n.to_string())).unwrap()
            });
            let answer = call_api(&app, *who, method.clone(), &path, body).await;
            let got = answer.status().as_u16();
            if got >= 400 {
                assert_eq!(
                    answer.headers()["content-type"],
                    "application/problem+json",
                    "api {what} as {role}"
                );
            }
            assert_eq!(got, *status, "api {what} as {role}");
            if (200..300).contains(status) && *method == Method::POST {
                done += 1;
            }
        }
    }
}

async fn attendee_forms_without_the_sessions_csrf_token_change_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let boss = admin(&app).await;
    let id = added(
        &app,
        &boss,
        LEADERSHIP,
        person("Jana", "jana@skola.cz", "ZŠ Krnov"),
    )
    .await;
    let before = snapshot(&app).await;
    for path in [
        format!("/admin/activities/{LEADERSHIP}/attendees"),
        format!("/admin/registrations/{id}/cancel"),
        format!("/admin/registrations/{id}/move"),
    ] {
        let answer = boss
            .web
            .post(format!("{}{path}", app.address))
            .form(&[
                ("name", "Ota"),
                ("email", "ota@skola.cz"),
                ("activity_id", "2"),
                ("csrf", "forged"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(snapshot(&app).await, before);
}

/// An organiser writes to an activity's people: each holder of a seat gets one email (the
/// waiting list only on request), bad input and other scopes change nothing.
async fn an_organiser_emails_the_people_of_an_activity(backend: Backend) {
    let app = spawn_app(backend).await;
    let fair = demo_fair(&app).await;
    let other_fair = another_fair(&app).await;
    let Roles {
        viewer,
        other,
        organiser,
        ..
    } = each_role(&app, fair, other_fair).await;
    set_capacity(&app, LEARNING, 2).await;
    for email in ["a@skola.cz", "b@skola.cz"] {
        crate::helpers::organisers::signed_up_and_confirmed(&app, email, LEARNING).await;
    }
    let waiting = sign_up(&app, "Cecílie", "c@skola.cz", "ZŠ C", &[LEARNING]).await;
    assert_eq!(waiting.status(), 202);
    let sent_before = app.emails().await.len();
    let path = format!("/admin/activities/{LEARNING}/message");

    // Bad input, and people who may not: nothing sent.
    let bad = call_api(
        &app,
        Some(&organiser),
        Method::POST,
        &format!("{path}?lang=en"),
        Some(json!({ "subject": " ", "text": "" })),
    )
    .await;
    let fields: Vec<String> = problem_fields(bad).await.into_iter().map(|f| f.0).collect();
    assert_eq!(fields, ["subject", "text"]);
    let message =
        json!({ "subject": "Vezměte si notebook", "text": "Dobrý den,\n\nnotebook s sebou." });
    for who in [&viewer, &other] {
        let refused = call_api(&app, Some(who), Method::POST, &path, Some(message.clone())).await;
        assert_eq!(refused.status(), 403);
    }
    assert_eq!(app.emails().await.len(), sent_before);

    // The two holding a seat get it; the waiting one does not.
    let sent = call_api(&app, Some(&organiser), Method::POST, &path, Some(message)).await;
    assert_eq!(sent.status(), 202);
    assert_eq!(
        sent.json::<Value>().await.unwrap(),
        json!({ "recipients": 2 })
    );
    let title = activity_row(&app, LEARNING).await.title;
    for email in ["a@skola.cz", "b@skola.cz"] {
        let mail = app.emails_to(email).await.pop().unwrap();
        assert_eq!(mail.subject, format!("Vezměte si notebook ({title})"));
        let text = mail.text.replace("\r\n", "\n");
        assert!(
            text.contains("Píše Test Organiser:\n\nDobrý den,\n\nnotebook s sebou."),
            "{text}"
        );
        let html = mail.html.replace("\r\n", "\n");
        assert!(
            html.contains("Dobrý den,<br>\n<br>\nnotebook s sebou."),
            "{html}"
        );
        assert!(mail.text.contains("/me/"), "the manage link");
    }
    assert!(
        !app.emails_to("c@skola.cz")
            .await
            .iter()
            .any(|m| m.subject.starts_with("Vezměte si notebook"))
    );

    // On the page, with the waiting list: three emails, and the list says so.
    let fields = [
        ("subject", "Změna místnosti"),
        ("text", "Sejdeme se v sále B."),
        ("waiting_too", "on"),
    ];
    let answer = post_form(&app, Some(&organiser), &path, &fields).await;
    assert_eq!(answer.status(), 303);
    let to = answer.headers()["location"].to_str().unwrap().to_owned();
    assert!(to.contains("done=messaged&sent=3"), "{to}");
    let page = get_page(&app, Some(&organiser), &to.replace("lang=cs", "lang=en"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("The message is on its way (recipients: 3)."),
        "{page}"
    );
    assert!(
        app.emails_to("c@skola.cz")
            .await
            .iter()
            .any(|m| m.subject.starts_with("Změna místnosti"))
    );
    // An empty form on the page: the fields say why, in Czech.
    let empty = post_form(
        &app,
        Some(&organiser),
        &path,
        &[("subject", ""), ("text", "")],
    )
    .await;
    assert_eq!(empty.status(), 422);
    let page = empty.text().await.unwrap();
    assert!(
        page.contains(r#"<p class="error-message" id="text-error"><span class="visually-hidden">Chyba:</span> Toto pole je povinné.</p>"#),
        "{page}"
    );
    assert!(page.contains(r#"id="subject-error""#), "{page}");

    // Nobody on an activity: refused on the field.
    let nobody = call_api(
        &app,
        Some(&organiser),
        Method::POST,
        &format!("/admin/activities/{SECOND_SLOT}/message"),
        Some(json!({ "subject": "x", "text": "y", "waiting_too": true })),
    )
    .await;
    let codes: Vec<String> = problem_fields(nobody)
        .await
        .into_iter()
        .map(|f| f.1)
        .collect();
    assert_eq!(codes, ["no_recipients"]);
    assert_eq!(
        entity::audit_event::Entity::find()
            .filter(entity::audit_event::Column::Action.eq("activity.message"))
            .count(app.state.db.conn())
            .await
            .unwrap(),
        2
    );
}

on_both_backends!(
    an_organiser_emails_the_people_of_an_activity,
    lists_filter_search_and_page_in_the_api_and_on_the_pages,
    exports_over_http_open_in_real_parsers_with_czech_diacritics,
    adding_cancelling_and_moving_email_the_person_and_move_the_seats,
    refused_changes_say_why_on_the_field_and_change_nothing,
    the_per_school_limit_holds_on_public_sign_up_and_waiting_list_offers,
    counts_group_people_by_region_district_and_school,
    each_attendee_route_answers_each_role_as_its_permissions_say,
    attendee_forms_without_the_sessions_csrf_token_change_nothing,
);
