//! The certificate of attendance: what the door recorded, on a printable page and in the API,
//! and an email linking it on the evening after.

use chrono::{Duration, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::organisers::{activity_row, admin, call_api, confirmed, doors_open, get_page};
use crate::helpers::{Backend, TestApp, on_both_backends, spawn_app, unescape};

const WELLBEING: i32 = 3;
const INFORMAL: i32 = 4;

async fn attendance_mail(app: &TestApp, now: chrono::DateTime<Utc>) -> usize {
    veletrh::registration::queue_attendance_mail(&app.state, now)
        .await
        .unwrap()
}

async fn those_checked_in_get_a_certificate_and_an_email_linking_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let door = admin(&app).await;
    let jana = confirmed(
        &app,
        "Jana Dvořáková",
        "jana@skola.cz",
        &[WELLBEING, INFORMAL],
    )
    .await;
    let manage = jana["manage_token"].as_str().unwrap();
    confirmed(&app, "Petr Svoboda", "petr@skola.cz", &[WELLBEING]).await;

    // Before anyone is checked in, the certificate lists nothing and the manage page does not
    // offer it.
    let page = get_page(&app, None, &format!("/me/{manage}/attendance")).await;
    assert_eq!(page.status(), 200);
    let page = unescape(&page.text().await.unwrap());
    assert!(page.contains("Zatím tu není žádná akce"), "{page}");
    let home = get_page(&app, None, &format!("/me/{manage}")).await;
    assert!(!unescape(&home.text().await.unwrap()).contains("/attendance"));

    // Jana is let in at the wellbeing workshop's door; she never comes to the other one, and
    // Petr does not come at all.
    let wellbeing = doors_open(&app, WELLBEING).await;
    let me = app.me(manage).await;
    let registration = me["registrations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["activity_id"] == WELLBEING)
        .unwrap()["id"]
        .clone();
    let checked = call_api(
        &app,
        Some(&door),
        Method::POST,
        "/admin/checkins",
        Some(json!({ "registration_id": registration, "activity_id": WELLBEING })),
    )
    .await;
    assert_eq!(checked.status(), 200);
    assert_eq!(
        checked.json::<Value>().await.unwrap()["outcome"],
        "checked_in"
    );

    // No email while it goes on, none about activities that ended over a week ago, then one
    // on the evening after, once.
    assert_eq!(
        attendance_mail(&app, wellbeing.ends_at - Duration::minutes(1)).await,
        0
    );
    assert_eq!(
        attendance_mail(&app, wellbeing.ends_at + Duration::days(8)).await,
        0
    );
    let evening = wellbeing.ends_at + Duration::days(1);
    assert_eq!(attendance_mail(&app, evening).await, 1);
    assert_eq!(attendance_mail(&app, evening).await, 0, "once");
    let mail = app.emails_to("jana@skola.cz").await.pop().unwrap();
    assert_eq!(
        mail.subject,
        format!("Potvrzení o účasti: {}", wellbeing.title)
    );
    assert!(
        !mail
            .text
            .contains(&activity_row(&app, INFORMAL).await.title)
    );
    assert!(mail.text.contains("/attendance?lang=cs"), "{}", mail.text);
    let link = mail.link(&app, "/attendance");
    assert!(
        link.ends_with(&format!("/me/{manage}/attendance")),
        "{link}"
    );
    assert!(
        app.emails_to("petr@skola.cz")
            .await
            .iter()
            .all(|m| !m.subject.starts_with("Potvrzení o účasti")),
        "Petr did not come"
    );

    // The certificate: her name, the workshop with its fair and length, the total; not the
    // workshop she missed.
    let minutes = (wellbeing.ends_at - wellbeing.starts_at).num_minutes();
    let length = veletrh::registration::duration(minutes);
    let page = app.client.get(&link).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let page = unescape(&page.text().await.unwrap());
    assert!(page.contains("<h1>Potvrzení o účasti</h1>"), "{page}");
    assert!(page.contains("Jana Dvořáková"), "{page}");
    assert!(page.contains(&wellbeing.title));
    assert!(page.contains("Úspěch pro každého žáka"));
    assert!(!page.contains(&activity_row(&app, INFORMAL).await.title));
    assert_eq!(
        page.matches(&format!(">{length}<")).count(),
        2,
        "its row and the total"
    );
    let english = get_page(&app, None, &format!("/me/{manage}/attendance?lang=en")).await;
    let english = english.text().await.unwrap();
    assert!(english.contains("<h1>Certificate of attendance</h1>"));
    assert!(english.contains("Total"));
    let home = get_page(&app, None, &format!("/me/{manage}")).await;
    let home = unescape(&home.text().await.unwrap());
    assert!(home.contains(&format!("/me/{manage}/attendance")), "{home}");

    // The API gives the same, with the time of the check-in.
    let api = app.get(&format!("/api/me/{manage}/attendance")).await;
    assert_eq!(api.status(), 200);
    let api: Value = api.json().await.unwrap();
    assert_eq!(api["name"], "Jana Dvořáková");
    assert_eq!(api["total_minutes"], minutes);
    let attended = api["attended"].as_array().unwrap();
    assert_eq!(attended.len(), 1);
    assert_eq!(attended[0]["activity_id"], WELLBEING);
    assert_eq!(attended[0]["part_of"], "Úspěch pro každého žáka");
    assert_eq!(attended[0]["minutes"], minutes);
    assert!(attended[0]["checked_in_at"].is_string());
    assert!(
        api["certificate_url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/me/{manage}/attendance?lang=cs"))
    );

    // A link that opens nothing: 404 on both.
    let unknown = "A".repeat(43);
    let page = get_page(&app, None, &format!("/me/{unknown}/attendance")).await;
    assert_eq!(page.status(), 404);
    let api = app
        .get(&format!("/api/me/{unknown}/attendance?lang=en"))
        .await;
    assert_eq!(api.status(), 404);
}

on_both_backends!(those_checked_in_get_a_certificate_and_an_email_linking_it);
