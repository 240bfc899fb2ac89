//! Regions, districts, partnerships and meeting series (issue 7): the JSON API and the admin
//! pages against each role, validation that changes nothing, series across the clock change,
//! their feeds and their cancellation, on both databases.

use chrono::{NaiveDate, TimeZone, Timelike, Utc};
use entity::{activity, district, enums::OrganiserRole, meeting_series, partnership, region};
use reqwest::{Method, StatusCode};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};
use serde_json::{Value, json};
use veletrh::timezone;

use crate::helpers::organisers::{
    Staff, browser, call_api, field_errors, get_page, post_form, staff,
};
use crate::helpers::{Backend, TestApp, on_both_backends, sign_up_body, spawn_app};

async fn region_by_name(app: &TestApp, name: &str) -> region::Model {
    region::Entity::find()
        .filter(region::Column::Name.eq(name))
        .one(app.state.db.conn())
        .await
        .unwrap()
        .unwrap()
}

async fn district_by_name(app: &TestApp, name: &str) -> district::Model {
    district::Entity::find()
        .filter(district::Column::Name.eq(name))
        .one(app.state.db.conn())
        .await
        .unwrap()
        .unwrap()
}

async fn counts(app: &TestApp) -> (u64, u64, u64, u64) {
    let conn = app.state.db.conn();
    (
        region::Entity::find().count(conn).await.unwrap(),
        district::Entity::find().count(conn).await.unwrap(),
        partnership::Entity::find().count(conn).await.unwrap(),
        meeting_series::Entity::find().count(conn).await.unwrap(),
    )
}

async fn meeting(app: &TestApp, id: i32) -> activity::Model {
    activity::Entity::find_by_id(id)
        .one(app.state.db.conn())
        .await
        .unwrap()
        .unwrap()
}

/// The feed at `path` once it contains `wanted` (public feeds may be a second old).
async fn feed_with(app: &TestApp, path: &str, wanted: &str) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let answer = app.get(path).await;
        assert_eq!(answer.status(), 200, "{path}");
        let body = answer.text().await.unwrap().replace("\r\n ", "");
        if body.contains(wanted) {
            return body;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{path} never showed {wanted}:\n{body}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// A weekly series in the Olomouc region for Jeseník, 16:00–18:00 from Wednesday 17 March
/// 2027: the clocks go forward on 28 March.
fn weekly_series(region: i32, district: i32, count: i32) -> Value {
    let first = timezone::DEFAULT
        .with_ymd_and_hms(2027, 3, 17, 16, 0, 0)
        .unwrap()
        .with_timezone(&Utc);
    json!({
        "title": "Sdílení OP",
        "region_id": region,
        "interval_days": 7,
        "first_starts_at": first,
        "duration_minutes": 120,
        "count": count,
        "place": "Jeseník, MAS",
        "capacity": 20,
        "district_ids": [district],
    })
}

async fn regions_districts_and_partnerships_with_refusals_that_change_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = staff(&app, "a@veletrh.cz", OrganiserRole::Admin, None, None).await;
    let before = counts(&app).await;

    // Refused: nothing written.
    let refused = call_api(
        &app,
        Some(&admin),
        Method::POST,
        "/admin/regions",
        Some(json!({"name": "Kraj Vysočina"})),
    )
    .await;
    // The slug made from the name is that region's too: told once, on the name.
    assert_eq!(field_errors(refused).await, ["name:taken"]);
    let refused = call_api(
        &app,
        Some(&admin),
        Method::POST,
        "/admin/regions",
        Some(json!({"name": "Zlínský kraj", "slug": "Zlín"})),
    )
    .await;
    assert_eq!(field_errors(refused).await, ["slug:invalid_slug"]);
    let refused = call_api(
        &app,
        Some(&admin),
        Method::POST,
        "/admin/districts",
        Some(json!({"name": "Zlín", "region_id": 99_999})),
    )
    .await;
    assert_eq!(field_errors(refused).await, ["region_id:unknown_choice"]);
    assert_eq!(counts(&app).await, before);

    // Created, renamed, given a partnership.
    let created = call_api(
        &app,
        Some(&admin),
        Method::POST,
        "/admin/regions",
        Some(json!({"name": "Zlínský kraj"})),
    )
    .await;
    assert_eq!(created.status(), 201);
    let zlin_region: Value = created.json().await.unwrap();
    assert_eq!(zlin_region["slug"], "zlinsky-kraj");
    let region_id = zlin_region["id"].as_i64().unwrap() as i32;
    let created = call_api(
        &app,
        Some(&admin),
        Method::POST,
        "/admin/districts",
        Some(json!({"name": "Kroměříž", "region_id": region_id})),
    )
    .await;
    assert_eq!(created.status(), 201);
    let district: Value = created.json().await.unwrap();
    let district_id = district["id"].as_i64().unwrap();
    assert_eq!(district["slug"], "kromeriz");
    let duplicate = call_api(
        &app,
        Some(&admin),
        Method::POST,
        "/admin/districts",
        Some(json!({"name": "Kroměříž", "region_id": region_id})),
    )
    .await;
    assert_eq!(field_errors(duplicate).await, ["slug:taken"]);
    let no_name = call_api(
        &app,
        Some(&admin),
        Method::PUT,
        &format!("/admin/districts/{district_id}/partnership"),
        Some(json!({"initiators": "MAS"})),
    )
    .await;
    assert_eq!(field_errors(no_name).await, ["name:required"]);
    let saved = call_api(
        &app,
        Some(&admin),
        Method::PUT,
        &format!("/admin/districts/{district_id}/partnership"),
        Some(json!({"name": "OP Kroměříž", "initiators": "MAS Hanácké Království\nORP Kroměříž"})),
    )
    .await;
    assert_eq!(saved.status(), 200);
    let renamed = call_api(
        &app,
        Some(&admin),
        Method::PATCH,
        &format!("/admin/regions/{region_id}"),
        Some(json!({"name": "Zlínský kraj (nový)"})),
    )
    .await;
    assert_eq!(renamed.status(), 200);
    let renamed: Value = renamed.json().await.unwrap();
    assert_eq!(renamed["slug"], "zlinsky-kraj", "a rename keeps the slug");
    let listed: Value = call_api(&app, Some(&admin), Method::GET, "/admin/regions", None)
        .await
        .json()
        .await
        .unwrap();
    let listed = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == region_id)
        .unwrap();
    assert_eq!(listed["districts"][0]["partnership"]["name"], "OP Kroměříž");

    // Deleting: refused while something depends on it, then allowed.
    let refused = call_api(
        &app,
        Some(&admin),
        Method::DELETE,
        &format!("/admin/regions/{region_id}"),
        None,
    )
    .await;
    assert_eq!(field_errors(refused).await, ["delete:in_use_districts"]);
    let opava = district_by_name(&app, "Opava").await;
    let refused = call_api(
        &app,
        Some(&admin),
        Method::DELETE,
        &format!("/admin/districts/{}", opava.id),
        None,
    )
    .await;
    assert_eq!(field_errors(refused).await, ["delete:in_use_meetings"]);
    let msk = region_by_name(&app, "Moravskoslezský kraj").await;
    let refused = call_api(
        &app,
        Some(&admin),
        Method::DELETE,
        &format!("/admin/regions/{}", msk.id),
        None,
    )
    .await;
    assert_eq!(
        field_errors(refused).await,
        ["delete:in_use_districts", "delete:in_use_meetings"]
    );
    let mid = counts(&app).await;
    assert_eq!(mid, (before.0 + 1, before.1 + 1, before.2 + 1, before.3));
    for path in [
        format!("/admin/districts/{district_id}"),
        format!("/admin/regions/{region_id}"),
    ] {
        let deleted = call_api(&app, Some(&admin), Method::DELETE, &path, None).await;
        assert_eq!(deleted.status(), 204, "{path}");
    }
    assert_eq!(
        counts(&app).await,
        before,
        "the partnership went with its district"
    );
    let gone = call_api(
        &app,
        Some(&admin),
        Method::DELETE,
        &format!("/admin/regions/{region_id}"),
        None,
    )
    .await;
    assert_eq!(gone.status(), 404);
}

async fn renaming_a_region_or_moving_a_district_raises_its_meetings_revisions(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = staff(&app, "a@veletrh.cz", OrganiserRole::Admin, None, None).await;
    let msk = region_by_name(&app, "Moravskoslezský kraj").await;
    let in_msk = activity::Entity::find()
        .filter(activity::Column::RegionId.eq(msk.id))
        .order_by_asc(activity::Column::Id)
        .one(app.state.db.conn())
        .await
        .unwrap()
        .expect("a demo meeting in the region");
    let elsewhere = activity::Entity::find()
        .filter(activity::Column::RegionId.is_null())
        .filter(activity::Column::Kind.eq(entity::enums::ActivityKind::Meeting))
        .order_by_asc(activity::Column::Id)
        .one(app.state.db.conn())
        .await
        .unwrap()
        .unwrap();
    let path = format!("/meetings/calendar.ics?region={}", msk.slug);
    feed_with(&app, &path, "X-WR-CALNAME:").await;

    let renamed = call_api(
        &app,
        Some(&admin),
        Method::PATCH,
        &format!("/admin/regions/{}", msk.id),
        Some(json!({"name": "Kraj Moravskoslezský"})),
    )
    .await;
    assert_eq!(renamed.status(), 200);
    assert_eq!(meeting(&app, in_msk.id).await.revision, in_msk.revision + 1);
    assert_eq!(
        meeting(&app, elsewhere.id).await.revision,
        elsewhere.revision
    );
    feed_with(&app, &path, "Kraj Moravskoslezský").await;

    // Moving Opava (named by the demo meeting) to Olomoucký kraj moves the meeting into that
    // region's feed, and raises its revision.
    let opava = district_by_name(&app, "Opava").await;
    let olomouc = region_by_name(&app, "Olomoucký kraj").await;
    let moved = call_api(
        &app,
        Some(&admin),
        Method::PATCH,
        &format!("/admin/districts/{}", opava.id),
        Some(json!({"region_id": olomouc.id})),
    )
    .await;
    assert_eq!(moved.status(), 200);
    assert_eq!(meeting(&app, in_msk.id).await.revision, in_msk.revision + 2);
    let title = in_msk.title.chars().take(20).collect::<String>();
    feed_with(
        &app,
        &format!("/meetings/calendar.ics?region={}", olomouc.slug),
        &title,
    )
    .await;
}

async fn a_series_makes_its_meetings_at_the_same_local_time_across_the_clock_change(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let admin = staff(&app, "a@veletrh.cz", OrganiserRole::Admin, None, None).await;
    let olomouc = region_by_name(&app, "Olomoucký kraj").await;
    let jesenik = district_by_name(&app, "Jeseník").await;
    let sumperk = district_by_name(&app, "Šumperk").await;
    let before = counts(&app).await;

    let mut bad = weekly_series(olomouc.id, jesenik.id, 0);
    bad["interval_days"] = json!(0);
    bad["district_ids"] = json!([district_by_name(&app, "Opava").await.id]);
    let refused = call_api(&app, Some(&admin), Method::POST, "/admin/series", Some(bad)).await;
    assert_eq!(
        field_errors(refused).await,
        ["interval_days:interval_range", "count:count_range"]
    );
    let refused = call_api(
        &app,
        Some(&admin),
        Method::POST,
        "/admin/series",
        Some(json!({})),
    )
    .await;
    assert_eq!(
        field_errors(refused).await,
        [
            "title:required",
            "interval_days:required",
            "duration_minutes:required",
            "capacity:required",
            "first_starts_at:required",
            "count:count_or_until",
        ]
    );
    let mut far = weekly_series(olomouc.id, jesenik.id, 3);
    far["first_starts_at"] = json!("3000-01-01T15:00:00Z");
    let refused = call_api(&app, Some(&admin), Method::POST, "/admin/series", Some(far)).await;
    assert_eq!(
        field_errors(refused).await,
        ["first_starts_at:invalid_time"]
    );
    let mut past = weekly_series(olomouc.id, jesenik.id, 3);
    past["first_starts_at"] = json!("2020-01-07T15:00:00Z");
    let refused = call_api(
        &app,
        Some(&admin),
        Method::POST,
        "/admin/series",
        Some(past),
    )
    .await;
    assert_eq!(field_errors(refused).await, ["first_starts_at:in_the_past"]);
    let mut elsewhere = weekly_series(olomouc.id, jesenik.id, 3);
    elsewhere["district_ids"] = json!([district_by_name(&app, "Opava").await.id]);
    let refused = call_api(
        &app,
        Some(&admin),
        Method::POST,
        "/admin/series",
        Some(elsewhere),
    )
    .await;
    assert_eq!(
        field_errors(refused).await,
        ["district_ids:district_not_in_region"]
    );
    assert_eq!(counts(&app).await, before);

    let created = call_api(
        &app,
        Some(&admin),
        Method::POST,
        "/admin/series",
        Some(weekly_series(olomouc.id, jesenik.id, 3)),
    )
    .await;
    assert_eq!(created.status(), 201);
    let series: Value = created.json().await.unwrap();
    let occurrences = series["occurrences"].as_array().unwrap();
    assert_eq!(occurrences.len(), 3);
    let starts: Vec<chrono::DateTime<Utc>> = occurrences
        .iter()
        .map(|o| o["starts_at"].as_str().unwrap().parse().unwrap())
        .collect();
    // 17 and 24 March in winter time (UTC+1), 31 March in summer time (UTC+2): 16:00 each.
    assert_eq!(
        starts.iter().map(|s| s.hour()).collect::<Vec<_>>(),
        [15, 15, 14]
    );
    for s in &starts {
        assert_eq!(s.with_timezone(&timezone::DEFAULT).hour(), 16);
    }
    assert_eq!(
        starts[2].with_timezone(&timezone::DEFAULT).date_naive(),
        NaiveDate::from_ymd_opt(2027, 3, 31).unwrap()
    );

    // The regional feeds: the region's and Jeseník's show them, another region's and
    // Šumperk's do not.
    let feed = feed_with(
        &app,
        &format!("/meetings/calendar.ics?region={}", olomouc.slug),
        "DTSTART;TZID=Europe/Prague:20270331T160000",
    )
    .await;
    assert_eq!(feed.matches("SUMMARY:Sdílení OP").count(), 3);
    feed_with(
        &app,
        &format!("/meetings/calendar.ics?district={}", jesenik.slug),
        "DTSTART;TZID=Europe/Prague:20270317T160000",
    )
    .await;
    for other in [
        format!("/meetings/calendar.ics?district={}", sumperk.slug),
        "/meetings/calendar.ics?region=kraj-vysocina".to_owned(),
    ] {
        let body = app.get(&other).await.text().await.unwrap();
        assert!(!body.contains("Sdílení OP"), "{other}");
    }

    // Up to a date instead of a count: the same three (31 March is the last day allowed).
    let mut until = weekly_series(olomouc.id, jesenik.id, 0);
    until.as_object_mut().unwrap().remove("count");
    until["until"] = json!("2027-03-31");
    let by_date: Value = call_api(
        &app,
        Some(&admin),
        Method::POST,
        "/admin/series",
        Some(until),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(by_date["occurrences"].as_array().unwrap().len(), 3);

    // More occurrences continue weekly from the last, at 16:00.
    let id = series["id"].as_i64().unwrap();
    let added = call_api(
        &app,
        Some(&admin),
        Method::POST,
        &format!("/admin/series/{id}/occurrences"),
        Some(json!({"count": 2})),
    )
    .await;
    assert_eq!(added.status(), 200);
    let added: Value = added.json().await.unwrap();
    let added: Vec<chrono::DateTime<Utc>> = added
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["starts_at"].as_str().unwrap().parse().unwrap())
        .collect();
    assert_eq!(
        added,
        [
            starts[2] + chrono::Duration::days(7),
            starts[2] + chrono::Duration::days(14)
        ]
    );
    let refused = call_api(
        &app,
        Some(&admin),
        Method::POST,
        &format!("/admin/series/{id}/occurrences"),
        Some(json!({"count": 101})),
    )
    .await;
    assert_eq!(field_errors(refused).await, ["count:count_range"]);

    // A series that lapsed (its meetings moved back whole weeks, the last one about ten weeks
    // ago) goes on from now, on its weekday at 16:00, not in the past.
    let held = activity::Entity::find()
        .filter(activity::Column::SeriesId.eq(id as i32))
        .all(app.state.db.conn())
        .await
        .unwrap();
    let latest = held.iter().map(|m| m.starts_at).max().unwrap();
    let back = chrono::Duration::weeks((latest - Utc::now()).num_weeks() + 10);
    for m in &held {
        activity::ActiveModel {
            id: Set(m.id),
            starts_at: Set(m.starts_at - back),
            ends_at: Set(m.ends_at - back),
            ..Default::default()
        }
        .update(app.state.db.conn())
        .await
        .unwrap();
    }
    let last = held.iter().map(|m| m.starts_at - back).max().unwrap();
    let added = call_api(
        &app,
        Some(&admin),
        Method::POST,
        &format!("/admin/series/{id}/occurrences"),
        Some(json!({"count": 1})),
    )
    .await;
    assert_eq!(added.status(), 200);
    let added: Value = added.json().await.unwrap();
    let next: chrono::DateTime<Utc> = added[0]["starts_at"].as_str().unwrap().parse().unwrap();
    let now = Utc::now();
    assert!(
        now < next && next < now + chrono::Duration::days(7),
        "{next}"
    );
    let local = |at: chrono::DateTime<Utc>| at.with_timezone(&timezone::DEFAULT);
    assert_eq!((local(next).hour(), local(next).minute()), (16, 0));
    assert_eq!(
        (local(next).date_naive() - local(last).date_naive()).num_days() % 7,
        0,
        "on the series' weekday"
    );
}

async fn editing_and_cancelling_a_series_reaches_its_meetings_feeds_and_people(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = staff(&app, "a@veletrh.cz", OrganiserRole::Admin, None, None).await;
    let olomouc = region_by_name(&app, "Olomoucký kraj").await;
    let jesenik = district_by_name(&app, "Jeseník").await;
    let created: Value = call_api(
        &app,
        Some(&admin),
        Method::POST,
        "/admin/series",
        Some(weekly_series(olomouc.id, jesenik.id, 3)),
    )
    .await
    .json()
    .await
    .unwrap();
    let id = created["id"].as_i64().unwrap();
    let ids: Vec<i64> = created["occurrences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_i64().unwrap())
        .collect();

    // One occurrence moved and renamed alone, through the activity edit.
    let first = meeting(&app, ids[0] as i32).await;
    let moved = call_api(
        &app,
        Some(&admin),
        Method::PATCH,
        &format!("/admin/activities/{}", ids[0]),
        Some(json!({
            "title": "Sdílení OP (v Jeseníku)",
            "starts_at": first.starts_at + chrono::Duration::hours(1),
            "ends_at": first.ends_at + chrono::Duration::hours(1),
        })),
    )
    .await;
    assert_eq!(moved.status(), 200);
    let after = meeting(&app, ids[0] as i32).await;
    assert_eq!(after.series_id, Some(id as i32));
    assert_eq!(meeting(&app, ids[1] as i32).await.revision, 1);

    // A new series title goes to the occurrences that still carry the old one.
    let renamed = call_api(
        &app,
        Some(&admin),
        Method::PATCH,
        &format!("/admin/series/{id}"),
        Some(json!({"title": "Setkání iniciátorů"})),
    )
    .await;
    assert_eq!(renamed.status(), 200);
    assert_eq!(
        meeting(&app, ids[0] as i32).await.title,
        "Sdílení OP (v Jeseníku)"
    );
    let second = meeting(&app, ids[1] as i32).await;
    assert_eq!(
        (second.title.as_str(), second.revision),
        ("Setkání iniciátorů", 2)
    );
    let refused = call_api(
        &app,
        Some(&admin),
        Method::PATCH,
        &format!("/admin/series/{id}"),
        Some(json!({"region_id": region_by_name(&app, "Kraj Vysočina").await.id})),
    )
    .await;
    assert_eq!(
        field_errors(refused).await,
        ["region_id:series_districts_elsewhere"]
    );

    // Two people sign up; cancelling the series cancels and emails them, and the feed keeps
    // the meetings as cancelled.
    for (email, activity) in [("jana@skola.cz", ids[1]), ("petr@skola.cz", ids[2])] {
        let answer = app
            .post_json("/api/registrations", &sign_up_body(email, activity))
            .await;
        assert_eq!(answer.status(), 202);
    }
    let cancelled = call_api(
        &app,
        Some(&admin),
        Method::POST,
        &format!("/admin/series/{id}/cancel"),
        Some(json!({"reason": "Přesouváme na jaro"})),
    )
    .await;
    assert_eq!(cancelled.status(), 200);
    let cancelled: Value = cancelled.json().await.unwrap();
    assert_eq!(cancelled.as_array().unwrap().len(), 3);
    for email in ["jana@skola.cz", "petr@skola.cz"] {
        let mails = app.emails_to(email).await;
        let last = mails.last().expect("an email");
        assert!(last.text.contains("Přesouváme na jaro"), "{}", last.text);
    }
    let feed = feed_with(
        &app,
        &format!("/meetings/calendar.ics?region={}", olomouc.slug),
        "STATUS:CANCELLED",
    )
    .await;
    for occurrence in &ids {
        let event = feed
            .split("BEGIN:VEVENT")
            .find(|e| e.contains(&format!("/meetings/{occurrence}\r\n")))
            .expect("the occurrence stays in the feed");
        assert!(event.contains("STATUS:CANCELLED"), "{event}");
    }
    let again = call_api(
        &app,
        Some(&admin),
        Method::POST,
        &format!("/admin/series/{id}/cancel"),
        Some(json!({})),
    )
    .await;
    let again: Value = again.json().await.unwrap();
    assert_eq!(again.as_array().unwrap().len(), 0, "nothing more to cancel");
}

/// (who, method, path, body, expected status)
type Case<'a> = (Option<&'a Staff>, Method, String, Option<Value>, u16);

async fn who_may_manage_regions_partnerships_and_series(backend: Backend) {
    let app = spawn_app(backend).await;
    let olomouc = region_by_name(&app, "Olomoucký kraj").await;
    let vysocina = region_by_name(&app, "Kraj Vysočina").await;
    let jesenik = district_by_name(&app, "Jeseník").await;
    let jihlava = district_by_name(&app, "Jihlava").await;
    let fair = entity::fair::Entity::find()
        .one(app.state.db.conn())
        .await
        .unwrap()
        .unwrap()
        .id;
    let admin = staff(&app, "a@veletrh.cz", OrganiserRole::Admin, None, None).await;
    let viewer = staff(&app, "v@veletrh.cz", OrganiserRole::Viewer, None, None).await;
    let fair_org = staff(
        &app,
        "f@veletrh.cz",
        OrganiserRole::Organiser,
        Some(fair),
        None,
    )
    .await;
    let here = staff(
        &app,
        "r@veletrh.cz",
        OrganiserRole::Organiser,
        None,
        Some(olomouc.id),
    )
    .await;
    let there = staff(
        &app,
        "t@veletrh.cz",
        OrganiserRole::Organiser,
        None,
        Some(vysocina.id),
    )
    .await;

    let partnership = |d: i32| format!("/admin/districts/{d}/partnership");
    let series_body = |region: i32, district: i32| {
        let mut body = weekly_series(region, district, 1);
        body["title"] = json!(format!("Série {region}"));
        body
    };
    let cases: Vec<Case> = vec![
        (None, Method::GET, "/admin/regions".into(), None, 401),
        (None, Method::GET, "/admin/series".into(), None, 401),
        (
            Some(&viewer),
            Method::GET,
            "/admin/regions".into(),
            None,
            200,
        ),
        (
            Some(&fair_org),
            Method::GET,
            "/admin/regions".into(),
            None,
            200,
        ),
        (
            Some(&viewer),
            Method::POST,
            "/admin/regions".into(),
            Some(json!({"name": "X"})),
            403,
        ),
        (
            Some(&fair_org),
            Method::POST,
            "/admin/regions".into(),
            Some(json!({"name": "X"})),
            403,
        ),
        (
            Some(&here),
            Method::POST,
            "/admin/regions".into(),
            Some(json!({"name": "X"})),
            403,
        ),
        (
            Some(&here),
            Method::PATCH,
            format!("/admin/districts/{}", jesenik.id),
            Some(json!({"name": "Y"})),
            403,
        ),
        (
            Some(&viewer),
            Method::PUT,
            partnership(jesenik.id),
            Some(json!({"name": "P"})),
            403,
        ),
        (
            Some(&fair_org),
            Method::PUT,
            partnership(jesenik.id),
            Some(json!({"name": "P"})),
            403,
        ),
        (
            Some(&there),
            Method::PUT,
            partnership(jesenik.id),
            Some(json!({"name": "P"})),
            403,
        ),
        (
            Some(&here),
            Method::PUT,
            partnership(jesenik.id),
            Some(json!({"name": "P"})),
            200,
        ),
        (
            Some(&here),
            Method::PUT,
            partnership(jihlava.id),
            Some(json!({"name": "P"})),
            403,
        ),
        (
            Some(&there),
            Method::PUT,
            partnership(jihlava.id),
            Some(json!({"name": "P"})),
            200,
        ),
        (
            None,
            Method::POST,
            "/admin/series".into(),
            Some(series_body(olomouc.id, jesenik.id)),
            401,
        ),
        (
            Some(&viewer),
            Method::POST,
            "/admin/series".into(),
            Some(series_body(olomouc.id, jesenik.id)),
            403,
        ),
        (
            Some(&fair_org),
            Method::POST,
            "/admin/series".into(),
            Some(series_body(olomouc.id, jesenik.id)),
            403,
        ),
        (
            Some(&there),
            Method::POST,
            "/admin/series".into(),
            Some(series_body(olomouc.id, jesenik.id)),
            403,
        ),
        (
            Some(&here),
            Method::POST,
            "/admin/series".into(),
            Some(series_body(olomouc.id, jesenik.id)),
            201,
        ),
        (
            Some(&admin),
            Method::POST,
            "/admin/series".into(),
            Some(series_body(vysocina.id, jihlava.id)),
            201,
        ),
        (
            Some(&admin),
            Method::POST,
            "/admin/regions".into(),
            Some(json!({"name": "Zlínský kraj"})),
            201,
        ),
        (
            Some(&admin),
            Method::DELETE,
            partnership(jihlava.id),
            None,
            204,
        ),
    ];
    for (who, method, path, body, expected) in cases {
        let answer = call_api(&app, who, method.clone(), &path, body).await;
        assert_eq!(answer.status().as_u16(), expected, "{method} {path}");
    }
    // The series made above: each regional organiser manages only their region's.
    let all = meeting_series::Entity::find()
        .order_by_asc(meeting_series::Column::Id)
        .all(app.state.db.conn())
        .await
        .unwrap();
    let mine = all
        .iter()
        .find(|s| s.region_id == Some(olomouc.id))
        .unwrap();
    let theirs = all
        .iter()
        .find(|s| s.region_id == Some(vysocina.id))
        .unwrap();
    for (who, id, expected) in [
        (&here, mine.id, 200),
        (&here, theirs.id, 403),
        (&there, mine.id, 403),
        (&viewer, mine.id, 403),
        (&admin, theirs.id, 200),
    ] {
        let answer = call_api(
            &app,
            Some(who),
            Method::PATCH,
            &format!("/admin/series/{id}"),
            Some(json!({"interval_days": 14})),
        )
        .await;
        assert_eq!(answer.status().as_u16(), expected, "series {id}");
    }
    let viewer_sees: Value = call_api(&app, Some(&viewer), Method::GET, "/admin/series", None)
        .await
        .json()
        .await
        .unwrap();
    assert!(viewer_sees.as_array().unwrap().len() >= 2);
    let fair_sees: Value = call_api(&app, Some(&fair_org), Method::GET, "/admin/series", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(fair_sees.as_array().unwrap().len(), 0, "not their meetings");

    // The new-activity form offers each organiser only what they may create: the regional one
    // a meeting of their region, the fair's one a workshop of their fair, the admin everything.
    let options = |page: &str, select: &str| -> Vec<String> {
        let Some(start) = page.find(&format!(r#"<select id="{select}""#)) else {
            return Vec::new();
        };
        let end = start + page[start..].find("</select>").unwrap();
        page[start..end]
            .split("<option value=\"")
            .skip(1)
            .map(|o| o[..o.find('"').unwrap()].to_owned())
            .filter(|v| !v.is_empty())
            .collect()
    };
    let (olomouc_id, vysocina_id) = (olomouc.id.to_string(), vysocina.id.to_string());
    for (who, kinds, fairs, regions) in [
        (&here, vec!["meeting"], vec![], vec![olomouc_id.clone()]),
        (&fair_org, vec!["workshop"], vec![fair.to_string()], vec![]),
        (
            &admin,
            vec!["workshop", "meeting"],
            vec![fair.to_string()],
            vec![],
        ),
    ] {
        let page = get_page(&app, Some(who), "/admin/activities/new")
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(options(&page, "kind"), kinds, "{}", who.email);
        assert_eq!(options(&page, "fair_id"), fairs, "{}", who.email);
        let offered = options(&page, "region_id");
        if who.email == admin.email {
            assert!(offered.contains(&olomouc_id) && offered.contains(&vysocina_id));
        } else {
            assert_eq!(offered, regions, "{}", who.email);
        }
    }
}

async fn the_admin_pages_manage_places_and_series_and_refuse_forms_without_csrf(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = staff(&app, "a@veletrh.cz", OrganiserRole::Admin, None, None).await;
    let viewer = staff(&app, "v@veletrh.cz", OrganiserRole::Viewer, None, None).await;
    let olomouc = region_by_name(&app, "Olomoucký kraj").await;
    let jesenik = district_by_name(&app, "Jeseník").await;
    let before = counts(&app).await;

    let anonymous = browser()
        .get(format!("{}/admin/regions", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);
    let page = admin
        .web
        .get(format!("{}/admin/regions", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains("Olomoucký kraj") && page.contains("Jeseník"));

    for path in [
        "/admin/regions/new".to_owned(),
        "/admin/districts/new".to_owned(),
        format!("/admin/regions/{}", olomouc.id),
        format!("/admin/districts/{}", jesenik.id),
        "/admin/series".to_owned(),
        "/admin/series/new".to_owned(),
    ] {
        for who in [&admin, &viewer] {
            let page = who
                .web
                .get(format!("{}{path}?lang=en", app.address))
                .send()
                .await
                .unwrap();
            let expected = if path.ends_with("/new") && std::ptr::eq(who, &viewer) {
                403
            } else {
                200
            };
            assert_eq!(page.status(), expected, "{path}");
        }
    }

    // Without the CSRF token nothing happens, whoever posts.
    let region = [("name", "Zlínský kraj"), ("slug", "")];
    let series_form = [
        ("title", "Sdílení OP"),
        ("region_id", &olomouc.id.to_string()),
        ("interval_days", "7"),
        ("first_starts_at", "2027-03-17T16:00"),
        ("duration_minutes", "120"),
        ("count", "3"),
        ("until", ""),
        ("place", "Jeseník"),
        ("capacity", "20"),
        ("description", ""),
        ("district_ids", &jesenik.id.to_string()),
    ]
    .map(|(k, v)| (k, v.to_owned()));
    let series_form: Vec<(&str, &str)> =
        series_form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    for (path, fields) in [
        ("/admin/regions/new", region.to_vec()),
        ("/admin/series/new", series_form.clone()),
        (
            &*format!("/admin/districts/{}/partnership", jesenik.id),
            vec![("partnership_name", "P"), ("initiators", "")],
        ),
    ] {
        // The admin's own session, without the CSRF token.
        let refused = admin
            .web
            .post(format!("{}{path}", app.address))
            .form(&fields)
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 403, "{path}");
    }
    assert_eq!(counts(&app).await, before);

    // A viewer may read but not change.
    let refused = post_form(&app, Some(&viewer), "/admin/regions/new", &region).await;
    assert_eq!(refused.status(), 403);
    let new_page = viewer
        .web
        .get(format!("{}/admin/series/new", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(new_page.status(), 403);

    // Invalid: the form again with the error wired to its field.
    let invalid = post_form(
        &app,
        Some(&admin),
        "/admin/regions/new",
        &[("name", "Zlínský kraj"), ("slug", "Zlín")],
    )
    .await;
    assert_eq!(invalid.status(), 422);
    let body = invalid.text().await.unwrap();
    assert!(
        body.contains("aria-describedby=\"slug-hint slug-error\""),
        "{body}"
    );
    assert_eq!(counts(&app).await, before);

    let created = post_form(&app, Some(&admin), "/admin/regions/new", &region).await;
    assert_eq!(created.status(), 303);
    let created = post_form(&app, Some(&admin), "/admin/series/new", &series_form).await;
    assert_eq!(created.status(), 303);
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("/admin/series/"), "{location}");
    let after = counts(&app).await;
    assert_eq!((after.0, after.3), (before.0 + 1, before.3 + 1));
    let series_page = admin
        .web
        .get(format!("{}{location}", app.address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        series_page
            .matches("&#x2f;admin&#x2f;activities&#x2f;")
            .count(),
        3,
        "{series_page}"
    );

    // A rename through the page.
    let renamed = post_form(
        &app,
        Some(&admin),
        &format!("/admin/regions/{}", olomouc.id),
        &[("name", "Olomoucký kraj (Haná)"), ("slug", &olomouc.slug)],
    )
    .await;
    assert_eq!(renamed.status(), 303);
    assert_eq!(
        region_by_name(&app, "Olomoucký kraj (Haná)").await.slug,
        olomouc.slug
    );

    // The region's organiser edits its districts' partnerships, not another region's.
    let regional = staff(
        &app,
        "r@veletrh.cz",
        OrganiserRole::Organiser,
        None,
        Some(olomouc.id),
    )
    .await;
    let jihlava = district_by_name(&app, "Jihlava").await;
    let refused = post_form(
        &app,
        Some(&regional),
        &format!("/admin/districts/{}/partnership", jihlava.id),
        &[("partnership_name", "Cizí"), ("initiators", "")],
    )
    .await;
    assert_eq!(refused.status(), 403);
    let invalid = post_form(
        &app,
        Some(&regional),
        &format!("/admin/districts/{}/partnership", jesenik.id),
        &[("partnership_name", ""), ("initiators", "")],
    )
    .await;
    assert_eq!(invalid.status(), 422);
    assert!(
        invalid
            .text()
            .await
            .unwrap()
            .contains("id=\"partnership_name-error\"")
    );

    // A partnership through the page, and a delete refused with its reason on the page.
    let saved = post_form(
        &app,
        Some(&admin),
        &format!("/admin/districts/{}/partnership", jesenik.id),
        &[
            ("partnership_name", "OP Jeseník 2030+"),
            ("initiators", "MAS Horní Pomoraví"),
        ],
    )
    .await;
    assert_eq!(saved.status(), 303);
    let stored = partnership::Entity::find()
        .filter(partnership::Column::DistrictId.eq(jesenik.id))
        .one(app.state.db.conn())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.name, "OP Jeseník 2030+");
    let refused = post_form(
        &app,
        Some(&admin),
        &format!("/admin/districts/{}/delete", jesenik.id),
        &[],
    )
    .await;
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("id=\"delete-error\"")
    );
}

on_both_backends!(
    regions_districts_and_partnerships_with_refusals_that_change_nothing,
    renaming_a_region_or_moving_a_district_raises_its_meetings_revisions,
    a_series_makes_its_meetings_at_the_same_local_time_across_the_clock_change,
    editing_and_cancelling_a_series_reaches_its_meetings_feeds_and_people,
    who_may_manage_regions_partnerships_and_series,
    the_admin_pages_manage_places_and_series_and_refuse_forms_without_csrf,
);
