//! Sign-ups that arrive together are written together (group commit): each must get what it
//! would have got alone, one after the other. The writer is held up by a transaction that
//! locks the workshop (on SQLite: the write gate itself) while a burst queues behind it, so
//! the burst is written in a few batches, not one by one — the shared `created_at` of
//! registrations written in one transaction shows it.

use std::{collections::BTreeSet, sync::Arc, time::Duration};

use entity::{activity, enums::RegistrationStatus, outbox_message, person, registration};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QuerySelect,
};
use serde_json::{Value, json};

use crate::helpers::{
    Backend, TestApp, held_and_waiting, on_both_backends, organisers::activity_row, sign_up_body,
    spawn_app_with, spawn_second_instance,
};

/// A demo workshop of the first slot.
const WORKSHOP: i32 = 1;

async fn burst_app(backend: Backend, capacity: i32, waitlist: bool) -> Arc<TestApp> {
    let app = spawn_app_with(backend, |c| {
        c.limits.sign_ups_per_ip_per_minute = 10_000;
        c.limits.sign_ups_per_email_per_hour = 10_000;
    })
    .await;
    activity::ActiveModel {
        id: Set(WORKSHOP),
        capacity: Set(capacity),
        waitlist_enabled: Set(waitlist),
        ..Default::default()
    }
    .update(app.state.db.conn())
    .await
    .unwrap();
    Arc::new(app)
}

/// Posts a sign-up for each address at once while the writer is held up, then lets it go;
/// returns the answers' statuses and bodies in the order of `emails`.
async fn burst(app: &Arc<TestApp>, emails: &[String]) -> Vec<(u16, Value)> {
    burst_through(std::slice::from_ref(app), emails).await
}

/// [`burst`] through several instances of one service, taking turns.
async fn burst_through(apps: &[Arc<TestApp>], emails: &[String]) -> Vec<(u16, Value)> {
    let hold = apps[0].state.db.begin_write().await.unwrap();
    activity::Entity::find_by_id(WORKSHOP)
        .lock_exclusive()
        .one(&*hold)
        .await
        .unwrap();
    let tasks: Vec<_> = emails
        .iter()
        .zip(apps.iter().cycle())
        .map(|(email, app)| {
            let (app, email) = (app.clone(), email.clone());
            tokio::spawn(async move {
                let body = sign_up_body(&email, WORKSHOP);
                let response = app.post_json("/api/registrations?lang=en", &body).await;
                let status = response.status().as_u16();
                (
                    status,
                    response.json::<Value>().await.unwrap_or(Value::Null),
                )
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(1000)).await;
    drop(hold);
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.unwrap());
    }
    answers
}

fn addresses(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}{i}@skola.cz")).collect()
}

async fn registrations(app: &TestApp) -> Vec<registration::Model> {
    registration::Entity::find()
        .filter(registration::Column::ActivityId.eq(WORKSHOP))
        .all(app.state.db.conn())
        .await
        .unwrap()
}

/// How many transactions wrote these registrations (one `now` per batch).
fn batches(rows: &[registration::Model]) -> usize {
    rows.iter()
        .map(|r| r.created_at)
        .collect::<BTreeSet<_>>()
        .len()
}

async fn a_burst_for_a_full_workshop_takes_its_seats_and_refuses_the_rest_leaving_nothing(
    backend: Backend,
) {
    let app = burst_app(backend, 10, false).await;
    let emails = addresses("burst", 40);
    let answers = burst(&app, &emails).await;
    let accepted = answers.iter().filter(|(s, _)| *s == 202).count();
    assert_eq!(accepted, 10, "{answers:?}");
    for (status, body) in answers.iter().filter(|(s, _)| *s != 202) {
        assert_eq!(*status, 422, "{body}");
        assert_eq!(body["errors"][0]["code"], "full", "{body}");
    }
    let rows = registrations(&app).await;
    assert_eq!(rows.len(), 10);
    assert!(
        rows.iter().all(|r| r.status == RegistrationStatus::Pending),
        "{rows:?}"
    );
    assert_eq!(activity_row(&app, WORKSHOP).await.taken, 10);
    assert!(
        batches(&rows) < 10,
        "the burst was written in batches: {} transactions for 10 rows",
        batches(&rows)
    );
    // A refused sign-up leaves no trace: no person, no email.
    let people = person::Entity::find()
        .filter(person::Column::Email.is_in(emails.iter().cloned()))
        .count(app.state.db.conn())
        .await
        .unwrap();
    assert_eq!(people, 10);
    let mails = outbox_message::Entity::find()
        .filter(outbox_message::Column::Recipient.is_in(emails.iter().cloned()))
        .count(app.state.db.conn())
        .await
        .unwrap();
    assert_eq!(mails, 10);
}

async fn a_burst_onto_the_waiting_list_numbers_each_place_once(backend: Backend) {
    let app = burst_app(backend, 5, true).await;
    let emails = addresses("line", 30);
    let answers = burst(&app, &emails).await;
    assert!(answers.iter().all(|(s, _)| *s == 202), "{answers:?}");
    let rows = registrations(&app).await;
    assert_eq!(held_and_waiting(rows.iter().map(|r| &r.status)), (5, 25));
    assert_eq!(activity_row(&app, WORKSHOP).await.taken, 5);
    assert!(batches(&rows) < 30, "{} transactions", batches(&rows));
    // Each waiting person is told their own place in line: 1 to 25, in the order of the
    // registrations' ids.
    let people: Vec<(i32, String)> = person::Entity::find()
        .select_only()
        .columns([person::Column::Id, person::Column::Email])
        .into_tuple()
        .all(app.state.db.conn())
        .await
        .unwrap();
    let mut line: Vec<&registration::Model> = rows
        .iter()
        .filter(|r| r.status == RegistrationStatus::Waitlisted)
        .collect();
    line.sort_by_key(|r| r.id);
    let expected: Vec<(String, u64)> = line
        .iter()
        .zip(1..)
        .map(|(r, place)| {
            let email = people.iter().find(|(id, _)| *id == r.person_id).unwrap();
            (email.1.clone(), place)
        })
        .collect();
    let mut told: Vec<(String, u64)> = outbox_message::Entity::find()
        .select_only()
        .columns([
            outbox_message::Column::Recipient,
            outbox_message::Column::Payload,
        ])
        .filter(outbox_message::Column::Kind.eq("waitlisted"))
        .into_tuple::<(String, String)>()
        .all(app.state.db.conn())
        .await
        .unwrap()
        .into_iter()
        .map(|(to, payload)| {
            let payload: Value = serde_json::from_str(&payload).unwrap();
            (to, payload["data"]["position"].as_u64().unwrap())
        })
        .collect();
    told.sort_by_key(|(_, place)| *place);
    assert_eq!(told, expected);
}

async fn one_address_many_times_in_a_burst_is_one_registration(backend: Backend) {
    let app = burst_app(backend, 100, true).await;
    // Known before the burst: signed up for another workshop.
    let known = json!({
        "name": "Eva Malá",
        "email": "known@skola.cz",
        "activity_ids": [4],
        "consent": true,
    });
    assert_eq!(
        app.post_json("/api/registrations", &known).await.status(),
        202
    );
    let mut emails = vec!["twice@skola.cz".to_owned(); 6];
    emails.extend(vec!["known@skola.cz".to_owned(); 3]);
    emails.extend(addresses("other", 6));
    let answers = burst(&app, &emails).await;
    assert!(answers.iter().all(|(s, _)| *s == 202), "{answers:?}");
    let rows = registrations(&app).await;
    assert_eq!(
        rows.len(),
        8,
        "one each for twice, known and the six others"
    );
    assert_eq!(activity_row(&app, WORKSHOP).await.taken, 8);
    for email in ["twice@skola.cz", "known@skola.cz"] {
        let people = person::Entity::find()
            .filter(person::Column::Email.eq(email))
            .count(app.state.db.conn())
            .await
            .unwrap();
        assert_eq!(people, 1, "{email}");
    }
}

/// Each instance has its own writer, and neither sees what the other is about to write: the
/// same new addresses signed up through both at once are still one person and one
/// registration each (on PostgreSQL the second writer to insert a person is refused by the
/// unique address and writes that sign-up again, now for a known person).
async fn new_addresses_through_two_instances_at_once_are_one_person_each(backend: Backend) {
    let app = burst_app(backend, 100, true).await;
    let other = Arc::new(spawn_second_instance(&app).await);
    // Three addresses taking turns over two instances: each goes through both.
    let emails: Vec<String> = addresses("both", 3).into_iter().cycle().take(12).collect();
    let answers = burst_through(&[app.clone(), other], &emails).await;
    assert!(answers.iter().all(|(s, _)| *s == 202), "{answers:?}");
    assert_eq!(registrations(&app).await.len(), 3);
    assert_eq!(activity_row(&app, WORKSHOP).await.taken, 3);
    let people = person::Entity::find()
        .filter(person::Column::Email.starts_with("both"))
        .count(app.state.db.conn())
        .await
        .unwrap();
    assert_eq!(people, 3);
}

on_both_backends!(
    new_addresses_through_two_instances_at_once_are_one_person_each,
    a_burst_for_a_full_workshop_takes_its_seats_and_refuses_the_rest_leaving_nothing,
    a_burst_onto_the_waiting_list_numbers_each_place_once,
    one_address_many_times_in_a_burst_is_one_registration,
);
