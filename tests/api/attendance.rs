//! The certificate of attendance: what the door recorded, on a printable page and in the API,
//! and an email linking it on the evening after; feedback on what one attended.

use chrono::{Duration, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use entity::enums::OrganiserRole;

use crate::helpers::organisers::{
    Staff, activity_row, admin, another_fair, call_api, check_in, confirmed, doors_open, get_page,
    post_form, staff,
};
use crate::helpers::{Backend, TestApp, on_both_backends, spawn_app, unescape};

const WELLBEING: i32 = 3;
const INFORMAL: i32 = 4;

async fn attendance_mail(app: &TestApp, now: chrono::DateTime<Utc>) -> usize {
    veletrh::registration::queue_attendance_mail(&app.state, now)
        .await
        .unwrap()
}

/// Jana holds seats at both workshops, Petr at the wellbeing one; their manage tokens.
async fn jana_and_petr(app: &TestApp) -> (String, String) {
    let token = |answer: Value| answer["manage_token"].as_str().unwrap().to_owned();
    let both = [WELLBEING, INFORMAL];
    let jana = token(confirmed(app, "Jana Dvořáková", "jana@skola.cz", &both).await);
    let petr = token(confirmed(app, "Petr Svoboda", "petr@skola.cz", &[WELLBEING]).await);
    (jana, petr)
}

async fn those_checked_in_get_a_certificate_and_an_email_linking_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let door = admin(&app).await;
    let (manage, _) = jana_and_petr(&app).await;
    let manage = manage.as_str();

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
    check_in(&app, &door, manage, WELLBEING).await;

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

async fn feedback_of(app: &TestApp, who: &Staff, activity: i32) -> Value {
    let path = format!("/admin/activities/{activity}/feedback");
    let answer = call_api(app, Some(who), Method::GET, &path, None).await;
    assert_eq!(answer.status(), 200);
    answer.json().await.unwrap()
}

async fn attendees_rate_what_they_attended_and_organisers_read_it_without_names(backend: Backend) {
    let app = spawn_app(backend).await;
    let boss = admin(&app).await;
    let (jana, petr) = jana_and_petr(&app).await;
    doors_open(&app, WELLBEING).await;
    let id = async |manage: &str, activity| {
        app.registration(manage, activity).await["id"]
            .as_i64()
            .unwrap()
    };
    let (jana_there, jana_away) = (id(&jana, WELLBEING).await, id(&jana, INFORMAL).await);
    let petr_there = id(&petr, WELLBEING).await;
    check_in(&app, &boss, &jana, WELLBEING).await;
    check_in(&app, &boss, &petr, WELLBEING).await;

    // The certificate offers the rating.
    let certificate = get_page(&app, None, &format!("/me/{jana}/attendance")).await;
    let certificate = unescape(&certificate.text().await.unwrap());
    let form = format!("/me/{jana}/feedback/{jana_there}");
    assert!(certificate.contains(&form), "{certificate}");

    // On the page: without a rating, a field error in Czech and nothing stored.
    let refused = post_form(&app, None, &form, &[("comment", "Bez hvězdiček")]).await;
    assert_eq!(refused.status(), 422);
    let page = unescape(&refused.text().await.unwrap());
    assert!(page.contains("id=\"rating-error\""), "{page}");
    assert!(page.contains("Bez hvězdiček"), "what was typed stays");
    let api = app.get(&format!("/api/me/{jana}/attendance")).await;
    assert!(api.json::<Value>().await.unwrap()["attended"][0]["rating"].is_null());
    let saved = post_form(
        &app,
        None,
        &form,
        &[("rating", "5"), ("comment", "Skvělé, děkuji!")],
    )
    .await;
    assert_eq!(saved.status(), 303);
    let back = saved.headers()["location"].to_str().unwrap().to_owned();
    assert!(back.contains("/attendance?done=feedback"), "{back}");
    let certificate = get_page(&app, None, &back).await.text().await.unwrap();
    assert!(
        certificate.contains("Vaše hodnocení: 5 z 5."),
        "{certificate}"
    );

    // Only what one attended, and only one's own.
    let away = get_page(&app, None, &format!("/me/{jana}/feedback/{jana_away}")).await;
    assert_eq!(away.status(), 404);
    let others = get_page(&app, None, &format!("/me/{petr}/feedback/{jana_there}")).await;
    assert_eq!(others.status(), 404);
    let put = |token: &str, registration: i64, body: Value| {
        let url = format!(
            "{}/api/me/{token}/registrations/{registration}/feedback?lang=en",
            app.address
        );
        app.client.put(url).json(&body).send()
    };
    let away = put(&jana, jana_away, json!({ "rating": 4 })).await.unwrap();
    assert_eq!(away.status(), 404);

    // Through the API: out of range refused in English, then given and changed.
    let refused = put(&petr, petr_there, json!({ "rating": 7 }))
        .await
        .unwrap();
    assert_eq!(refused.status(), 422);
    let problem: Value = refused.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "rating");
    assert_eq!(
        problem["errors"][0]["message"],
        "Choose a rating from 1 to 5."
    );
    let given = put(
        &petr,
        petr_there,
        json!({ "rating": 3, "comment": "Málo času" }),
    )
    .await
    .unwrap();
    assert_eq!(given.status(), 200);
    let changed = put(&petr, petr_there, json!({ "rating": 4 }))
        .await
        .unwrap();
    assert_eq!(
        changed.json::<Value>().await.unwrap(),
        json!({ "rating": 4 })
    );

    // Organisers read counts, the mean and the comments, without names.
    let summary = feedback_of(&app, &boss, WELLBEING).await;
    assert_eq!(summary["count"], 2);
    assert_eq!(summary["average"], 4.5);
    assert_eq!(summary["counts"], json!([0, 0, 0, 1, 1]));
    assert_eq!(
        summary["comments"],
        json!([{ "rating": 5, "comment": "Skvělé, děkuji!" }])
    );
    let list = get_page(
        &app,
        Some(&boss),
        &format!("/admin/activities/{WELLBEING}/attendees"),
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(list.contains("průměr 4,5 z 5"), "{list}");
    let activities = get_page(&app, Some(&boss), "/admin/activities?lang=en")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        activities.matches("rated ").count(),
        1,
        "only the rated workshop: {activities}"
    );
    assert!(
        activities.contains("rated 4.5 out of 5 (2×)"),
        "{activities}"
    );
    let other_fair = another_fair(&app).await;
    let stranger = staff(
        &app,
        "o@veletrh.cz",
        OrganiserRole::Organiser,
        Some(other_fair),
        None,
    )
    .await;
    let path = format!("/admin/activities/{WELLBEING}/feedback");
    let refused = call_api(&app, Some(&stranger), Method::GET, &path, None).await;
    assert_eq!(refused.status(), 403);

    // Jana deletes her data: her comment goes, her rating stays counted.
    let deleted = app
        .client
        .delete(format!("{}/api/me/{jana}", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    let summary = feedback_of(&app, &boss, WELLBEING).await;
    assert_eq!(summary["count"], 2);
    assert_eq!(summary["comments"], json!([]));
}

on_both_backends!(attendees_rate_what_they_attended_and_organisers_read_it_without_names);
