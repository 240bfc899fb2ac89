//! The results of a fair and of a meeting series: each workshop's or meeting's confirmed
//! seats, who came, the attendance once it has ended, the waiting list, cancellations and the
//! rating, and the totals; on the organisers' page and in the API, for whoever may read the
//! attendee lists concerned.

use chrono::{Duration, Utc};
use entity::{
    activity,
    enums::{OrganiserRole, RegistrationStatus},
};
use reqwest::Method;
use sea_orm::{ActiveModelTrait, ActiveValue::Set};
use serde_json::{Value, json};

use crate::helpers::organisers::{
    admin, another_fair, api_json, call_api, check_in, confirmed, demo_fair, doors_open, get_page,
    set_capacity, staff,
};
use crate::helpers::{
    Backend, TestApp, on_both_backends, sign_up_body, spawn_app, statuses_of, unescape,
};

const WELLBEING: i32 = 3;
const INFORMAL: i32 = 4;

fn manage_token(answer: &Value) -> String {
    answer["manage_token"].as_str().unwrap().to_owned()
}

/// Moves `activity` to have ended a minute ago.
async fn ended(app: &TestApp, activity: i32) {
    let now = Utc::now();
    activity::ActiveModel {
        id: Set(activity),
        starts_at: Set(now - Duration::minutes(91)),
        ends_at: Set(now - Duration::minutes(1)),
        ..Default::default()
    }
    .update(app.state.db.conn())
    .await
    .unwrap();
}

async fn a_fairs_results_count_seats_attendance_waiting_and_ratings(backend: Backend) {
    let app = spawn_app(backend).await;
    let boss = admin(&app).await;
    let fair = demo_fair(&app).await;

    // Two seats at the wellbeing workshop: Jana and Petr take them, Eva waits. Jana and Karel
    // take seats at the informal one; Karel cancels his.
    set_capacity(&app, WELLBEING, 2).await;
    let jana =
        manage_token(&confirmed(&app, "Jana", "jana@skola.cz", &[WELLBEING, INFORMAL]).await);
    confirmed(&app, "Petr", "petr@skola.cz", &[WELLBEING]).await;
    let eva = sign_up_body("eva@skola.cz", WELLBEING);
    assert_eq!(
        app.post_json("/api/registrations", &eva).await.status(),
        202
    );
    assert_eq!(
        statuses_of(&app, "eva@skola.cz").await,
        [RegistrationStatus::Waitlisted]
    );
    let karel = manage_token(&confirmed(&app, "Karel", "karel@jina-skola.cz", &[INFORMAL]).await);
    let theirs = app.registration(&karel, INFORMAL).await["id"].clone();
    let cancel = format!("/api/me/{karel}/registrations/{theirs}/cancel");
    assert!(
        app.post_json(&cancel, &json!({}))
            .await
            .status()
            .is_success()
    );

    // The wellbeing workshop takes place: Jana comes (Petr does not) and rates it 5.
    doors_open(&app, WELLBEING).await;
    check_in(&app, &boss, &jana, WELLBEING).await;
    ended(&app, WELLBEING).await;
    let seat = app.registration(&jana, WELLBEING).await["id"].clone();
    let rated = app
        .client
        .put(format!(
            "{}/api/me/{jana}/registrations/{seat}/feedback",
            app.address
        ))
        .json(&json!({ "rating": 5 }))
        .send()
        .await
        .unwrap();
    assert_eq!(rated.status(), 200);

    let path = format!("/admin/fairs/{fair}/report");
    let results = api_json(&app, &boss, &path).await;
    let of = |id: i32| {
        results["activities"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["activity_id"] == id)
            .unwrap()
            .clone()
    };
    let wellbeing = of(WELLBEING);
    assert_eq!(
        (
            &wellbeing["capacity"],
            &wellbeing["seats"],
            &wellbeing["attended"]
        ),
        (&json!(2), &json!(2), &json!(1)),
        "{wellbeing}"
    );
    assert_eq!(wellbeing["attendance_percent"], 50);
    assert_eq!(
        (&wellbeing["waiting"], &wellbeing["cancelled"]),
        (&json!(1), &json!(0))
    );
    assert_eq!(wellbeing["ratings"], json!({ "count": 1, "average": 5.0 }));
    let informal = of(INFORMAL);
    assert_eq!(
        (&informal["seats"], &informal["cancelled"]),
        (&json!(1), &json!(1))
    );
    assert!(
        informal.get("attendance_percent").is_none(),
        "not ended: {informal}"
    );
    assert_eq!(informal["ratings"], json!({ "count": 0 }));
    assert_eq!(
        results["activities"].as_array().unwrap().len(),
        7,
        "the demo's workshops"
    );
    // Jana and Petr held seats (Eva waited, Karel cancelled), both from one school; Jana came.
    assert_eq!(
        [
            &results["people"],
            &results["came"],
            &results["schools"],
            &results["districts"]
        ],
        [&json!(2), &json!(1), &json!(1), &json!(0)],
        "{results}"
    );
    assert_eq!(results["ratings"]["average"], 5.0);

    // The page says the same, in either language, and the fair's lists link it.
    let page = unescape(
        &get_page(&app, Some(&boss), &path)
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(
        page.contains("<h1>Výsledky: <span>Úspěch pro každého žáka</span></h1>"),
        "{page}"
    );
    assert!(page.contains("<td>50 %</td>"), "{page}");
    assert!(page.contains("<td>5,0 (1×)</td>"), "{page}");
    assert!(
        page.contains("Hodnotilo 1 účastníků, průměr 5,0 z 5."),
        "{page}"
    );
    let english = get_page(&app, Some(&boss), &format!("{path}?lang=en")).await;
    let english = english.text().await.unwrap();
    assert!(english.contains("<td>5.0 (1×)</td>"), "{english}");
    for list in ["/admin/fairs", &format!("/admin/fairs/{fair}/attendees")] {
        let list = get_page(&app, Some(&boss), list).await.text().await;
        let list = unescape(&list.unwrap());
        assert!(list.contains(&format!("href=\"{path}?lang=cs\"")), "{list}");
    }

    // As a file: one row a workshop, its numbers as numbers; the page links each format.
    let csv = get_page(&app, Some(&boss), &format!("{path}/export")).await;
    assert_eq!(csv.status(), 200);
    assert_eq!(
        csv.headers()["content-disposition"],
        "attachment; filename=\"vysledky-uspech-pro-kazdeho-zaka.csv\""
    );
    let csv = csv.text().await.unwrap();
    assert!(
        csv.starts_with("\u{feff}Akce,Začátek,Konec,Stav,Kapacita"),
        "{csv}"
    );
    let row = csv
        .lines()
        .find(|l| l.starts_with("Jak rozvíjet wellbeing žáků?"))
        .expect("the workshop's row");
    assert!(row.ends_with(",,2,2,1,50,1,0,1,5"), "{row}");
    assert_eq!(
        csv.lines().count(),
        8,
        "a header and the demo's seven workshops"
    );
    let xlsx = format!("{path}/export?format=xlsx&lang=en");
    let xlsx = get_page(&app, Some(&boss), &xlsx).await;
    assert_eq!(
        xlsx.headers()["content-disposition"],
        "attachment; filename=\"results-uspech-pro-kazdeho-zaka.xlsx\""
    );
    assert!(xlsx.bytes().await.unwrap().starts_with(b"PK\x03\x04"));
    let odd = get_page(&app, Some(&boss), &format!("{path}/export?format=pdf")).await;
    assert_eq!(odd.status(), 400);
    assert!(page.contains(&format!("href=\"{path}/export?format=csv-excel&lang=cs\"")));

    // A viewer reads them; another fair's organiser may not, on the page or in the API.
    let viewer = staff(&app, "v@veletrh.cz", OrganiserRole::Viewer, None, None).await;
    assert_eq!(get_page(&app, Some(&viewer), &path).await.status(), 200);
    let other = another_fair(&app).await;
    let stranger = staff(
        &app,
        "o@veletrh.cz",
        OrganiserRole::Organiser,
        Some(other),
        None,
    )
    .await;
    assert_eq!(get_page(&app, Some(&stranger), &path).await.status(), 403);
    let export = format!("{path}/export");
    assert_eq!(get_page(&app, Some(&stranger), &export).await.status(), 403);
    let refused = call_api(&app, Some(&stranger), Method::GET, &path, None).await;
    assert_eq!(refused.status(), 403);
    let missing = call_api(
        &app,
        Some(&boss),
        Method::GET,
        "/admin/fairs/9999/report",
        None,
    );
    assert_eq!(missing.await.status(), 404);
}

async fn a_meeting_series_has_its_results_too(backend: Backend) {
    let app = spawn_app(backend).await;
    let boss = admin(&app).await;
    let series = json!({
        "title": "Sdílení zkušeností iniciátorů",
        "interval_days": 28,
        "first_starts_at": Utc::now() + Duration::days(10),
        "duration_minutes": 90,
        "count": 2,
        "capacity": 40,
        "online_url": "https://meet.jit.si/SdileniOP",
    });
    let created = call_api(
        &app,
        Some(&boss),
        Method::POST,
        "/admin/series",
        Some(series),
    )
    .await;
    assert_eq!(created.status(), 201);
    let id = created.json::<Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    let path = format!("/admin/series/{id}/report");
    let results = api_json(&app, &boss, &path).await;
    let meetings: Vec<i32> = results["activities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["activity_id"].as_i64().unwrap() as i32)
        .collect();
    assert_eq!(meetings.len(), 2, "{results}");
    confirmed(&app, "Jana", "jana@skola.cz", &meetings[..1]).await;
    let results = api_json(&app, &boss, &path).await;
    assert_eq!(results["name"], "Sdílení zkušeností iniciátorů");
    assert_eq!(results["people"], 1);
    let seats: Vec<&Value> = results["activities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["seats"])
        .collect();
    assert_eq!(seats, [1, 0]);

    let page = get_page(&app, Some(&boss), &path)
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("<h1>Výsledky: "), "{page}");
    let series_page = get_page(&app, Some(&boss), &format!("/admin/series/{id}")).await;
    let series_page = unescape(&series_page.text().await.unwrap());
    assert!(series_page.contains(&format!("href=\"{path}?lang=cs\"")));
    let missing = call_api(
        &app,
        Some(&boss),
        Method::GET,
        "/admin/series/9999/report",
        None,
    );
    assert_eq!(missing.await.status(), 404);
}

on_both_backends!(
    a_fairs_results_count_seats_attendance_waiting_and_ratings,
    a_meeting_series_has_its_results_too,
);
