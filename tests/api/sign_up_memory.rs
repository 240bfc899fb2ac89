//! Sign-ups are checked against the activities as this instance last read them, kept in
//! memory. An organiser's change — made through another instance, so this one cannot have
//! heard of it — must still decide the next sign-up here: the writer finds the revisions
//! changed and the sign-up is checked again against the database.
//!
//! The writer, too, writes a new person's sign-up without reading first, as long as it last
//! found room: seats taken through another instance, or an address already known, must still
//! decide what is written.

use chrono::{Duration, Utc};
use entity::{
    enums::{OrganiserRole, RegistrationStatus},
    person,
};
use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use crate::helpers::{
    Backend, TestApp, on_both_backends,
    organisers::{WORKSHOP, activity_row, call_api, demo_fair, set_capacity, staff},
    sign_up_body, spawn_app, spawn_second_instance, statuses_of,
};

/// A demo workshop of the second slot, in the same fair as [`WORKSHOP`].
const LATER_WORKSHOP: i32 = 5;

async fn sign_up(app: &TestApp, email: &str, activity: i32) -> (u16, Value) {
    let answer = app
        .post_json("/api/registrations", &sign_up_body(email, activity))
        .await;
    let status = answer.status().as_u16();
    (status, answer.json().await.unwrap_or(Value::Null))
}

async fn people_with(app: &TestApp, email: &str) -> u64 {
    person::Entity::find()
        .filter(person::Column::Email.eq(email))
        .count(app.state.db.conn())
        .await
        .unwrap()
}

fn refusal_code(problem: &Value) -> &str {
    problem["errors"][0]["code"].as_str().unwrap_or_default()
}

async fn another_instances_changes_decide_the_next_sign_up_here(backend: Backend) {
    let here = spawn_app(backend).await;
    let there = spawn_second_instance(&here).await;
    let admin = staff(&here, "boss@veletrh.cz", OrganiserRole::Admin, None, None).await;
    // Both workshops and their fair are now in this instance's memory.
    assert_eq!(sign_up(&here, "a@skola.cz", WORKSHOP).await.0, 202);
    assert_eq!(sign_up(&here, "b@skola.cz", LATER_WORKSHOP).await.0, 202);

    // A new title: the next confirmation email here has it.
    let path = format!("/admin/activities/{WORKSHOP}");
    let body = json!({ "title": "Čtenářství napříč předměty" });
    let renamed = call_api(&there, Some(&admin), Method::PATCH, &path, Some(body)).await;
    assert_eq!(renamed.status(), 200);
    assert_eq!(sign_up(&here, "c@skola.cz", WORKSHOP).await.0, 202);
    let mail = here.emails_to("c@skola.cz").await;
    assert!(
        mail[0].text.contains("Čtenářství napříč předměty"),
        "{}",
        mail[0].text
    );

    // The fair's sign-up window closed (a change of the fair alone, no workshop's revision).
    let fair = demo_fair(&here).await;
    let path = format!("/admin/fairs/{fair}");
    let now = Utc::now();
    let body = json!({
        "registration_opens_at": now - Duration::days(2),
        "registration_closes_at": now - Duration::minutes(1),
    });
    let closed = call_api(&there, Some(&admin), Method::PATCH, &path, Some(body)).await;
    assert_eq!(closed.status(), 200);
    let (status, problem) = sign_up(&here, "d@skola.cz", LATER_WORKSHOP).await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(refusal_code(&problem), "registration_closed", "{problem}");
    assert_eq!(people_with(&here, "d@skola.cz").await, 0);

    // Open again, then the workshop cancelled.
    let body = json!({ "registration_closes_at": null });
    let opened = call_api(&there, Some(&admin), Method::PATCH, &path, Some(body)).await;
    assert_eq!(opened.status(), 200);
    let path = format!("/admin/activities/{WORKSHOP}/cancel");
    let body = json!({ "reason": "Lektorka onemocněla." });
    let cancelled = call_api(&there, Some(&admin), Method::POST, &path, Some(body)).await;
    assert_eq!(cancelled.status(), 200);
    let (status, problem) = sign_up(&here, "e@skola.cz", WORKSHOP).await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(refusal_code(&problem), "activity_cancelled", "{problem}");
    assert_eq!(people_with(&here, "e@skola.cz").await, 0);
    // The other workshop still takes sign-ups.
    let (status, problem) = sign_up(&here, "f@skola.cz", LATER_WORKSHOP).await;
    assert_eq!(status, 202, "{problem}");
}

on_both_backends!(another_instances_changes_decide_the_next_sign_up_here);

async fn seats_taken_elsewhere_and_known_addresses_decide_what_is_written(backend: Backend) {
    let here = spawn_app(backend).await;
    let there = spawn_second_instance(&here).await;
    // The demo workshops keep a waiting list.
    set_capacity(&here, WORKSHOP, 2).await;
    // Read here: one seat left, as this writer last saw it.
    assert_eq!(sign_up(&here, "a@skola.cz", WORKSHOP).await.0, 202);
    // The last seat goes through the other instance.
    assert_eq!(sign_up(&there, "b@skola.cz", WORKSHOP).await.0, 202);

    let (status, problem) = sign_up(&here, "c@skola.cz", WORKSHOP).await;
    assert_eq!(status, 202, "{problem}");
    assert_eq!(
        statuses_of(&here, "c@skola.cz").await,
        [RegistrationStatus::Waitlisted]
    );
    assert_eq!(
        activity_row(&here, WORKSHOP).await.taken,
        2,
        "no seat beyond capacity"
    );

    // A known address again: its seat is kept, not taken twice, and the email says so.
    let (status, problem) = sign_up(&here, "a@skola.cz", WORKSHOP).await;
    assert_eq!(status, 202, "{problem}");
    assert_eq!(
        statuses_of(&here, "a@skola.cz").await,
        [RegistrationStatus::Pending]
    );
    assert_eq!(people_with(&here, "a@skola.cz").await, 1);
    assert_eq!(here.emails_to("a@skola.cz").await.len(), 2);
    assert_eq!(activity_row(&here, WORKSHOP).await.taken, 2);
}

on_both_backends!(seats_taken_elsewhere_and_known_addresses_decide_what_is_written);
