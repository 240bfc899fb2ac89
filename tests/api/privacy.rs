//! Data protection (issue 7): an organiser anonymises a person, the retention job (function and
//! command) anonymises people whose activities ended long ago; who may find and anonymise.

use chrono::{Duration, Utc};
use entity::{activity, enums::OrganiserRole, enums::RegistrationStatus, person, registration};
use reqwest::Method;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde_json::{Value, json};
use veletrh::registration::anonymise;

use crate::helpers::organisers::{
    Roles, another_fair, call_api, confirmed, demo_fair, each_role, get_page, post_form,
    set_capacity, staff,
};
use crate::{
    accounts::audit_actions,
    helpers::{Backend, TestApp, on_both_backends, spawn_app},
};

/// Demo workshops 1–3 run in parallel in the first slot, 4–5 in the second, 6–7 in the third.
const LEADERSHIP: i32 = 1;
const WELLBEING: i32 = 3;
const INFORMAL: i32 = 4;
const LAST_SLOT: i32 = 6;

async fn person_by_email(app: &TestApp, email: &str) -> person::Model {
    crate::helpers::person(app, email).await.unwrap()
}

async fn person_row(app: &TestApp, id: i32) -> person::Model {
    person::Entity::find_by_id(id)
        .one(app.state.db.conn())
        .await
        .unwrap()
        .unwrap()
}

async fn registrations_of(app: &TestApp, activity_id: i32) -> Vec<(i32, RegistrationStatus)> {
    registration::Entity::find()
        .filter(registration::Column::ActivityId.eq(activity_id))
        .order_by_asc(registration::Column::Id)
        .all(app.state.db.conn())
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.person_id, r.status))
        .collect()
}

async fn an_admin_anonymises_a_person_keeping_counts_and_freeing_the_seat(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = staff(&app, "boss@veletrh.cz", OrganiserRole::Admin, None, None).await;
    set_capacity(&app, LEADERSHIP, 1).await;
    let jana = confirmed(
        &app,
        "Jana Dvořáková",
        "jana@skola.cz",
        &[LEADERSHIP, INFORMAL],
    )
    .await;
    let manage = jana["manage_token"].as_str().unwrap().to_owned();
    let petr = app
        .post_json(
            "/api/registrations",
            &json!({"name": "Petr Novák", "email": "petr@skola.cz", "activity_ids": [LEADERSHIP],
                    "consent": true}),
        )
        .await;
    assert_eq!(petr.status(), 202);
    let jana_id = person_by_email(&app, "jana@skola.cz").await.id;
    let me = app.me(&manage).await;
    let feed = me["feed_url"].as_str().unwrap();
    let feed_path = feed
        .strip_prefix(&app.address)
        .expect("a link to this app")
        .to_owned();
    assert_eq!(app.get(&format!("/me/{manage}")).await.status(), 200);
    assert_eq!(app.get(&feed_path).await.status(), 200);

    // Found by a part of the name, ignoring case; the person's page lists both registrations.
    let found = get_page(&app, Some(&admin), "/admin/people?q=DVOŘÁK")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        found.contains("jana@skola.cz") && !found.contains("petr@skola.cz"),
        "{found}"
    );
    let confirm = get_page(
        &app,
        Some(&admin),
        &format!("/admin/people/{jana_id}/anonymise"),
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(confirm.contains("Ano, anonymizovat"), "a confirmation step");
    assert!(
        person_row(&app, jana_id).await.anonymised_at.is_none(),
        "nothing yet"
    );

    let done = post_form(
        &app,
        Some(&admin),
        &format!("/admin/people/{jana_id}/anonymise"),
        &[],
    )
    .await;
    assert_eq!(done.status(), 303);

    let row = person_row(&app, jana_id).await;
    assert!(row.anonymised_at.is_some());
    assert_eq!(
        (
            row.name.as_str(),
            row.email.as_str(),
            row.organisation.as_deref()
        ),
        ("", anonymise::anonymous_address(jana_id).as_str(), None)
    );
    // Counts stay: her rows are still there, cancelled; Petr got the freed seat offered.
    let leadership = registrations_of(&app, LEADERSHIP).await;
    assert_eq!(leadership.len(), 2);
    assert_eq!(leadership[0], (jana_id, RegistrationStatus::Cancelled));
    assert_eq!(leadership[1].1, RegistrationStatus::Offered);
    assert_eq!(registrations_of(&app, INFORMAL).await.len(), 1);
    let offer = app.emails_to("petr@skola.cz").await.pop().unwrap();
    assert!(
        offer.subject.starts_with("Uvolnilo se pro vás místo"),
        "{}",
        offer.subject
    );
    // Every personal link stops working.
    assert_eq!(app.get(&format!("/me/{manage}")).await.status(), 404);
    assert_eq!(app.get(&format!("/api/me/{manage}")).await.status(), 404);
    assert_eq!(app.get(&feed_path).await.status(), 404);
    // No further mail to her; the log names who did it, without her data.
    assert!(
        app.emails_to("jana@skola.cz")
            .await
            .iter()
            .all(|m| !m.subject.contains("Zrušen"))
    );
    let kept_mail = entity::outbox_message::Entity::find()
        .filter(entity::outbox_message::Column::Recipient.eq("jana@skola.cz"))
        .all(app.state.db.conn())
        .await
        .unwrap();
    assert!(kept_mail.is_empty(), "mail rows keep no address");
    let logged = audit_actions(&app, "person.anonymise").await;
    assert_eq!(logged.len(), 1);
    assert_eq!(logged[0].organiser_id, Some(admin.id));
    assert!(!logged[0].after.as_deref().unwrap().contains("jana"));
    let again = get_page(&app, Some(&admin), "/admin/people?q=jana")
        .await
        .text()
        .await
        .unwrap();
    assert!(!again.contains("jana@skola.cz"));
    // A second time (the API): nothing more to do.
    let second = call_api(
        &app,
        Some(&admin),
        Method::POST,
        &format!("/admin/people/{jana_id}/anonymise"),
        None,
    )
    .await;
    assert_eq!(second.status(), 200);
    assert_eq!(
        second.json::<Value>().await.unwrap(),
        json!({"anonymised": false})
    );
    // Capitals with diacritics fold too, on SQLite as well (its lower() knows only ASCII).
    let sarka = app
        .post_json(
            "/api/registrations",
            &json!({"name": "Šárka Černá", "email": "sarka@skola.cz", "activity_ids": [LEADERSHIP],
                    "consent": true}),
        )
        .await;
    assert_eq!(sarka.status(), 202);
    let found = get_page(
        &app,
        Some(&admin),
        "/admin/people?q=%C5%A1%C3%A1rka%20%C4%8Dern",
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(found.contains("sarka@skola.cz"), "{found}");
}

/// Puts `activity_id` `months_ago` months in the past (an hour long).
async fn move_into_past(app: &TestApp, activity_id: i32, days_ago: i64) {
    let start = Utc::now() - Duration::days(days_ago);
    activity::ActiveModel {
        id: Set(activity_id),
        starts_at: Set(start),
        ends_at: Set(start + Duration::hours(1)),
        ..Default::default()
    }
    .update(app.state.db.conn())
    .await
    .unwrap();
}

async fn signed_up_long_ago(app: &TestApp, email: &str) -> i32 {
    let id = person_by_email(app, email).await.id;
    person::ActiveModel {
        id: Set(id),
        created_at: Set(Utc::now() - Duration::days(800)),
        ..Default::default()
    }
    .update(app.state.db.conn())
    .await
    .unwrap();
    id
}

/// Three people: one whose only activity ended 14 months ago, one whose ended 2 months ago,
/// one with an old and an upcoming one.
async fn people_of_different_ages(app: &TestApp) -> (i32, i32, i32) {
    confirmed(app, "Stará Účastnice", "old@skola.cz", &[LEADERSHIP]).await;
    confirmed(app, "Nedávný Účastník", "recent@skola.cz", &[WELLBEING]).await;
    confirmed(
        app,
        "Stálá Účastnice",
        "both@skola.cz",
        &[INFORMAL, LAST_SLOT],
    )
    .await;
    move_into_past(app, LEADERSHIP, 430).await;
    move_into_past(app, WELLBEING, 60).await;
    move_into_past(app, INFORMAL, 430).await;
    (
        signed_up_long_ago(app, "old@skola.cz").await,
        signed_up_long_ago(app, "recent@skola.cz").await,
        signed_up_long_ago(app, "both@skola.cz").await,
    )
}

async fn retention_anonymises_only_people_whose_activities_all_ended_long_ago(backend: Backend) {
    let app = spawn_app(backend).await;
    let (old, recent, both) = people_of_different_ages(&app).await;
    let taken_before = activity::Entity::find_by_id(LEADERSHIP)
        .one(app.state.db.conn())
        .await
        .unwrap()
        .unwrap()
        .taken;
    let now = Utc::now();

    assert_eq!(
        anonymise::retention(&app.state, now, 12, true)
            .await
            .unwrap(),
        1
    );
    assert!(
        person_row(&app, old).await.anonymised_at.is_none(),
        "a dry run changes nothing"
    );
    assert_eq!(
        anonymise::retention(&app.state, now, 0, false)
            .await
            .unwrap(),
        0,
        "0 is off"
    );
    assert!(person_row(&app, old).await.anonymised_at.is_none());

    assert_eq!(
        anonymise::retention(&app.state, now, 12, false)
            .await
            .unwrap(),
        1
    );
    assert!(person_row(&app, old).await.anonymised_at.is_some());
    assert!(person_row(&app, recent).await.anonymised_at.is_none());
    assert!(person_row(&app, both).await.anonymised_at.is_none());
    // A past registration keeps its status and its seat in the counts.
    assert_eq!(
        registrations_of(&app, LEADERSHIP).await,
        [(old, RegistrationStatus::Confirmed)]
    );
    let taken_after = activity::Entity::find_by_id(LEADERSHIP)
        .one(app.state.db.conn())
        .await
        .unwrap()
        .unwrap()
        .taken;
    assert_eq!(taken_after, taken_before);
    // Idempotent.
    assert_eq!(
        anonymise::retention(&app.state, now, 12, false)
            .await
            .unwrap(),
        0
    );
    // Two months later with one month of retention, the recent one goes too.
    let later = now + Duration::days(62);
    assert_eq!(
        anonymise::retention(&app.state, later, 1, false)
            .await
            .unwrap(),
        1
    );
    assert!(person_row(&app, recent).await.anonymised_at.is_some());
    assert!(person_row(&app, both).await.anonymised_at.is_none());
    let logged = audit_actions(&app, "person.anonymise").await;
    assert_eq!(logged.len(), 2);
    assert!(logged.iter().all(|e| e.organiser_id.is_none()));
}

async fn the_retention_command_counts_then_anonymises(backend: Backend) {
    let app = spawn_app(backend).await;
    let (old, _, _) = people_of_different_ages(&app).await;
    let config = app.state.config.clone();
    let run = |args: &'static [&'static str]| {
        let config = config.clone();
        async move {
            tokio::task::spawn_blocking(move || {
                let dir = tempfile::tempdir().unwrap();
                std::process::Command::new(env!("CARGO_BIN_EXE_veletrh"))
                    .current_dir(dir.path())
                    .env("DATABASE_URL", &config.database_url)
                    .env("VELETRH_SECRET_KEY_FILE", &config.secret_key_file)
                    .env("VELETRH_BASE_URL", &config.base_url)
                    .env_remove("VELETRH_RETENTION_MONTHS")
                    .args(args)
                    .output()
                    .unwrap()
            })
            .await
            .unwrap()
        }
    };
    let dry = run(&["retention", "--dry-run"]).await;
    let stdout = String::from_utf8_lossy(&dry.stdout);
    assert!(
        dry.status.success(),
        "{}",
        String::from_utf8_lossy(&dry.stderr)
    );
    assert!(stdout.starts_with("1 person(s) due"), "{stdout}");
    assert!(person_row(&app, old).await.anonymised_at.is_none());

    let real = run(&["retention"]).await;
    let stdout = String::from_utf8_lossy(&real.stdout);
    assert!(stdout.starts_with("1 person(s) anonymised"), "{stdout}");
    assert!(person_row(&app, old).await.anonymised_at.is_some());
    let again = run(&["retention"]).await;
    assert!(String::from_utf8_lossy(&again.stdout).starts_with("0 person(s) anonymised"));
}

async fn who_may_find_and_anonymise_people(backend: Backend) {
    let app = spawn_app(backend).await;
    let fair = demo_fair(&app).await;
    let other_fair = another_fair(&app).await;
    confirmed(&app, "Jana Dvořáková", "jana@skola.cz", &[WELLBEING]).await;
    let jana = person_by_email(&app, "jana@skola.cz").await.id;
    let Roles {
        viewer,
        other,
        organiser,
        admin,
    } = each_role(&app, fair, other_fair).await;
    let roles = [
        None,
        Some(&viewer),
        Some(&other),
        Some(&organiser),
        Some(&admin),
    ];
    let one = format!("/admin/people/{jana}");
    let anonymise = format!("/admin/people/{jana}/anonymise");
    // (what, expected for anonymous, viewer, other fair's organiser, organiser, admin)
    let pages: [(&str, &str, [u16; 5]); 3] = [
        ("search", "/admin/people?q=jana", [303, 200, 200, 200, 200]),
        ("one", &one, [303, 200, 404, 200, 200]),
        ("confirmation", &anonymise, [303, 403, 403, 403, 200]),
    ];
    for (what, path, expected) in pages {
        for (who, want) in roles.iter().zip(expected) {
            let got = get_page(&app, *who, path).await.status().as_u16();
            assert_eq!(got, want, "{what} as {:?}", who.map(|s| &s.email));
        }
    }
    // The other fair's organiser searches and sees nobody.
    let theirs = get_page(&app, Some(&other), "/admin/people?q=jana")
        .await
        .text()
        .await
        .unwrap();
    assert!(!theirs.contains("jana@skola.cz"));
    let mine = get_page(&app, Some(&organiser), "/admin/people?q=jana")
        .await
        .text()
        .await
        .unwrap();
    assert!(mine.contains("jana@skola.cz"));
    let short = get_page(&app, Some(&admin), "/admin/people?q=j").await;
    assert_eq!(short.status(), 422);

    let api = [
        (
            "search",
            Method::GET,
            "/admin/people?q=jana".to_owned(),
            [401, 200, 200, 200, 200],
        ),
        (
            "one",
            Method::GET,
            format!("/admin/people/{jana}"),
            [401, 200, 404, 200, 200],
        ),
    ];
    for (what, method, path, expected) in api {
        for (who, want) in roles.iter().zip(expected) {
            let got = call_api(&app, *who, method.clone(), &path, None)
                .await
                .status()
                .as_u16();
            assert_eq!(got, want, "API {what} as {:?}", who.map(|s| &s.email));
        }
    }
    let other_sees: Value = call_api(
        &app,
        Some(&other),
        Method::GET,
        "/admin/people?q=jana",
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(other_sees, json!([]));

    // Anonymising: only admins; the last one (the admin) does it, through the API.
    let api_path = format!("/admin/people/{jana}/anonymise");
    for (who, want) in roles.iter().zip([303, 403, 403, 403]) {
        let got = post_form(&app, *who, &anonymise, &[])
            .await
            .status()
            .as_u16();
        assert_eq!(got, want, "form as {:?}", who.map(|s| &s.email));
    }
    for (who, want) in roles.iter().zip([401, 403, 403, 403]) {
        let got = call_api(&app, *who, Method::POST, &api_path, None)
            .await
            .status()
            .as_u16();
        assert_eq!(got, want, "API as {:?}", who.map(|s| &s.email));
    }
    assert!(
        person_row(&app, jana).await.anonymised_at.is_none(),
        "nobody could"
    );
    // Without the CSRF token, not even an admin.
    let forged = admin
        .web
        .post(format!("{}{anonymise}", app.address))
        .form(&[("csrf", "0".repeat(64))])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    assert!(person_row(&app, jana).await.anonymised_at.is_none());
    let done = call_api(&app, Some(&admin), Method::POST, &api_path, None).await;
    assert_eq!(done.status(), 200);
    assert_eq!(
        done.json::<Value>().await.unwrap(),
        json!({"anonymised": true})
    );
    assert!(person_row(&app, jana).await.anonymised_at.is_some());
    assert_eq!(
        call_api(
            &app,
            Some(&admin),
            Method::GET,
            &format!("/admin/people/{jana}"),
            None
        )
        .await
        .status(),
        404
    );
}

on_both_backends!(
    an_admin_anonymises_a_person_keeping_counts_and_freeing_the_seat,
    retention_anonymises_only_people_whose_activities_all_ended_long_ago,
    the_retention_command_counts_then_anonymises,
    who_may_find_and_anonymise_people,
);
