//! Fairs and exhibitors (issue 7): creating, editing and cancelling fairs, exhibitor
//! applications (public page and API) with their emails, the directory, and who may do what —
//! on both databases.

use chrono::{Duration, Utc};
use entity::{
    activity, audit_event,
    enums::{ActivityStatus, ExhibitorStatus, OrganiserRole, RegistrationStatus},
    exhibitor, fair, registration,
};
use reqwest::Method;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use veletrh::demo::FAIR_SLUG;

use crate::helpers::organisers::{
    Roles, Staff, WORKSHOP, another_fair, call_api, each_role, fair_day, get_page, post_form,
    signed_up_and_confirmed, staff,
};
use crate::helpers::{Backend, TestApp, on_both_backends, spawn_app, spawn_app_with};

async fn demo_fair(app: &TestApp) -> fair::Model {
    fair::Entity::find()
        .filter(fair::Column::Slug.eq(FAIR_SLUG))
        .one(app.state.db.conn())
        .await
        .unwrap()
        .unwrap()
}

async fn fair_row(app: &TestApp, id: i32) -> fair::Model {
    fair::Entity::find_by_id(id)
        .one(app.state.db.conn())
        .await
        .unwrap()
        .unwrap()
}

/// An organiser of `fair`.
async fn organiser_of(app: &TestApp, fair: &fair::Model) -> Staff {
    staff(
        app,
        "o@veletrh.cz",
        OrganiserRole::Organiser,
        Some(fair.id),
        None,
    )
    .await
}

/// The fair feed's ETag and the SEQUENCE of the workshop's event in it, once the ETag
/// differs from `not` (feeds of other instances catch up within a second).
async fn fair_feed(app: &TestApp, not: Option<&str>) -> (String, String, String) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let answer = app.get(&format!("/fairs/{FAIR_SLUG}/calendar.ics")).await;
        assert_eq!(answer.status(), 200);
        let etag = answer.headers()["etag"].to_str().unwrap().to_owned();
        let body = answer.text().await.unwrap();
        if not != Some(etag.as_str()) {
            let event = body
                .split("BEGIN:VEVENT")
                .find(|e| e.contains(&format!("UID:activity-{WORKSHOP}-")))
                .expect("the workshop's event")
                .to_owned();
            let field = |name: &str| {
                event
                    .split("\r\n")
                    .find_map(|l| l.strip_prefix(&format!("{name}:")))
                    .unwrap_or_default()
                    .to_owned()
            };
            return (etag, field("SEQUENCE"), field("STATUS"));
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the feed never changed"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

async fn audit_actions(app: &TestApp, subject_type: &str, id: i32) -> Vec<String> {
    audit_event::Entity::find()
        .filter(audit_event::Column::SubjectType.eq(subject_type))
        .filter(audit_event::Column::SubjectId.eq(id))
        .all(app.state.db.conn())
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

fn problem_fields(body: &Value) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    fields.sort();
    fields
}

// ---------------------------------------------------------------------------------------------
// Fairs

async fn editing_a_fair_raises_its_revision_and_emails_attendees_only_of_a_new_venue(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let fair = demo_fair(&app).await;
    let organiser = organiser_of(&app, &fair).await;
    signed_up_and_confirmed(&app, "jana@skola.cz", WORKSHOP).await;
    let mails_before = app.emails_to("jana@skola.cz").await.len();
    let (etag0, sequence0, _) = fair_feed(&app, None).await;

    // New dates and a new name: every event's SEQUENCE rises, nobody's session moved.
    let answer = call_api(
        &app,
        Some(&organiser),
        Method::PATCH,
        &format!("/admin/fairs/{}", fair.id),
        Some(json!({
            "name": "Úspěch pro každého žáka 2",
            "starts_at": fair.starts_at - Duration::hours(1),
            "registration_closes_at": null,
        })),
    )
    .await;
    assert_eq!(answer.status(), 200);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(body["revision"], fair.revision + 1);
    assert_eq!(body["registration_closes_at"], Value::Null);
    let row = fair_row(&app, fair.id).await;
    assert!(row.updated_at > fair.updated_at);
    assert_eq!(row.registration_closes_at, None);
    let (etag1, sequence1, _) = fair_feed(&app, Some(&etag0)).await;
    assert!(
        sequence1.parse::<i32>().unwrap() > sequence0.parse::<i32>().unwrap(),
        "{sequence0} → {sequence1}"
    );
    assert_eq!(app.emails_to("jana@skola.cz").await.len(), mails_before);

    // A new venue is what attendees see change: each gets the old and the new place.
    let answer = call_api(
        &app,
        Some(&organiser),
        Method::PATCH,
        &format!("/admin/fairs/{}", fair.id),
        Some(json!({ "venue": "Aula Karolina, Ovocný trh 3" })),
    )
    .await;
    assert_eq!(answer.status(), 200);
    let mails = app.emails_to("jana@skola.cz").await;
    assert_eq!(mails.len(), mails_before + 1);
    let change = mails.last().unwrap();
    assert!(
        change.text.contains("Aula Karolina, Ovocný trh 3"),
        "{}",
        change.text
    );
    assert!(change.text.contains(&fair.venue), "{}", change.text);
    let (_, sequence2, _) = fair_feed(&app, Some(&etag1)).await;
    assert!(sequence2.parse::<i32>().unwrap() > sequence1.parse::<i32>().unwrap());

    // The same values again change nothing: no revision, no email, no audit entry.
    let answer = call_api(
        &app,
        Some(&organiser),
        Method::PATCH,
        &format!("/admin/fairs/{}", fair.id),
        Some(json!({ "venue": "Aula Karolina, Ovocný trh 3" })),
    )
    .await;
    assert_eq!(answer.status(), 200);
    assert_eq!(fair_row(&app, fair.id).await.revision, fair.revision + 2);
    assert_eq!(app.emails_to("jana@skola.cz").await.len(), mails_before + 1);
    assert_eq!(
        audit_actions(&app, "fair", fair.id).await,
        ["fair.update", "fair.update"]
    );
}

async fn cancelling_a_fair_cancels_its_workshops_and_emails_everyone(backend: Backend) {
    let app = spawn_app(backend).await;
    let fair = demo_fair(&app).await;
    let admin = staff(&app, "boss@veletrh.cz", OrganiserRole::Admin, None, None).await;
    signed_up_and_confirmed(&app, "jana@skola.cz", WORKSHOP).await;
    let (etag, _, _) = fair_feed(&app, None).await;

    let answer = post_form(
        &app,
        Some(&admin),
        &format!("/admin/fairs/{}/cancel", fair.id),
        &[("reason", "Budova je uzavřena.")],
    )
    .await;
    assert_eq!(answer.status(), 303);
    let row = fair_row(&app, fair.id).await;
    assert_eq!(row.status, ActivityStatus::Cancelled);
    assert_eq!(row.revision, fair.revision + 1);
    let workshops = activity::Entity::find()
        .filter(activity::Column::FairId.eq(fair.id))
        .all(app.state.db.conn())
        .await
        .unwrap();
    assert!(!workshops.is_empty());
    assert!(
        workshops
            .iter()
            .all(|w| w.status == ActivityStatus::Cancelled && w.taken == 0)
    );
    let held = registration::Entity::find()
        .filter(registration::Column::ActivityId.eq(WORKSHOP))
        .one(app.state.db.conn())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(held.status, RegistrationStatus::Cancelled);
    let last = app.emails_to("jana@skola.cz").await.pop().unwrap();
    assert!(last.text.contains("Budova je uzavřena."), "{}", last.text);

    // Feeds keep the workshops, as cancelled.
    let (_, _, status) = fair_feed(&app, Some(&etag)).await;
    assert_eq!(status, "CANCELLED");

    // Repeating it changes nothing and sends nothing; the fair can no longer be edited.
    let count = app.emails().await.len();
    let again = call_api(
        &app,
        Some(&admin),
        Method::POST,
        &format!("/admin/fairs/{}/cancel", fair.id),
        Some(json!({})),
    )
    .await;
    assert_eq!(again.status(), 200);
    assert_eq!(fair_row(&app, fair.id).await.revision, fair.revision + 1);
    assert_eq!(app.emails().await.len(), count);
    let edit = call_api(
        &app,
        Some(&admin),
        Method::PATCH,
        &format!("/admin/fairs/{}", fair.id),
        Some(json!({ "name": "Znovu" })),
    )
    .await;
    assert_eq!(edit.status(), 409);
    assert_eq!(audit_actions(&app, "fair", fair.id).await, ["fair.cancel"]);
    assert_eq!(
        audit_actions(&app, "activity", WORKSHOP).await,
        ["activity.cancel"]
    );
}

async fn a_fair_is_created_on_the_admin_page_and_bad_input_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = staff(&app, "boss@veletrh.cz", OrganiserRole::Admin, None, None).await;
    let count = || async {
        fair::Entity::find()
            .all(app.state.db.conn())
            .await
            .unwrap()
            .len()
    };
    let before = count().await;

    // Every problem at once, on its field, in the page's language.
    let answer = post_form(
        &app,
        Some(&admin),
        "/admin/fairs/new?lang=en",
        &[
            ("name", "Veletrh v Brně"),
            ("slug", "Veletrh v Brně"),
            ("venue", ""),
            ("timezone", "Europe/Brno"),
            ("starts_at", "2031-05-01T09:00"),
            ("ends_at", "2031-05-01T08:00"),
        ],
    )
    .await;
    assert_eq!(answer.status(), 422);
    let page = answer.text().await.unwrap();
    for (field, message) in [
        ("slug", "lower-case letters"),
        ("venue", "This field is required"),
        ("timezone", "Unknown time zone"),
        ("ends_at", "The end must be later"),
    ] {
        assert!(
            page.contains(&format!("id=\"{field}-error\"")),
            "{field} error missing"
        );
        assert!(page.contains(message), "{message} missing");
    }
    assert!(page.contains("aria-invalid=\"true\""));
    assert_eq!(count().await, before);

    // The same through the API; then a slug that is taken.
    let answer = call_api(
        &app,
        Some(&admin),
        Method::POST,
        "/admin/fairs",
        Some(json!({ "name": "X", "slug": FAIR_SLUG, "venue": "Brno",
                     "starts_at": "2031-05-01T07:00:00Z", "ends_at": "2031-05-01T15:00:00Z" })),
    )
    .await;
    assert_eq!(answer.status(), 422);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(
        problem_fields(&body),
        [("slug".to_owned(), "slug_taken".to_owned())]
    );
    assert_eq!(count().await, before);

    // A good form creates the fair, times read in its zone.
    let answer = post_form(
        &app,
        Some(&admin),
        "/admin/fairs/new",
        &[
            ("name", "Veletrh v Brně"),
            ("slug", "veletrh-brno"),
            ("venue", "Brno, Výstaviště"),
            ("description", "Druhý veletrh.\nVíce řádků."),
            ("timezone", "Europe/Prague"),
            ("starts_at", "2031-05-01T09:00"),
            ("ends_at", "2031-05-01T16:00"),
            ("registration_opens_at", ""),
            ("registration_closes_at", "2031-04-30T23:59"),
        ],
    )
    .await;
    assert_eq!(answer.status(), 303);
    let created = fair::Entity::find()
        .filter(fair::Column::Slug.eq("veletrh-brno"))
        .one(app.state.db.conn())
        .await
        .unwrap()
        .expect("created");
    assert_eq!(created.starts_at.to_rfc3339(), "2031-05-01T07:00:00+00:00");
    assert_eq!(created.registration_opens_at, None);
    assert_eq!(created.revision, 1);
    let listed = get_page(&app, Some(&admin), "/admin/fairs").await;
    assert!(listed.text().await.unwrap().contains("Veletrh v Brně"));

    // An edit with a bad zone changes nothing.
    let answer = call_api(
        &app,
        Some(&admin),
        Method::PATCH,
        &format!("/admin/fairs/{}", created.id),
        Some(json!({ "timezone": "Mars/Olympus", "slug": "jine" })),
    )
    .await;
    assert_eq!(answer.status(), 422);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(
        problem_fields(&body),
        [
            ("slug".to_owned(), "slug_fixed".to_owned()),
            ("timezone".to_owned(), "unknown_timezone".to_owned())
        ]
    );
    assert_eq!(fair_row(&app, created.id).await, created);
}

// ---------------------------------------------------------------------------------------------
// Exhibitors

fn application(organisation: &str, email: &str) -> Value {
    json!({
        "organisation": organisation,
        "contact_name": "Petra Malá",
        "contact_email": email,
        "description": "Představíme metodiku čtenářské gramotnosti.",
        "website": "www.ctenarstvi.cz",
        "wished_stand": "u vchodu",
    })
}

async fn exhibitor_named(app: &TestApp, name: &str) -> Option<exhibitor::Model> {
    exhibitor::Entity::find()
        .filter(exhibitor::Column::Name.eq(name))
        .one(app.state.db.conn())
        .await
        .unwrap()
}

/// The public directory's HTML, with the slashes minijinja escapes in attributes put back.
async fn directory(app: &TestApp) -> String {
    app.get(&format!("/fairs/{FAIR_SLUG}/exhibitors"))
        .await
        .text()
        .await
        .unwrap()
        .replace("&#x2f;", "/")
}

async fn an_application_on_the_page_is_acknowledged_then_approved_into_the_directory(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let fair = demo_fair(&app).await;
    let organiser = organiser_of(&app, &fair).await;
    let apply = format!("/fairs/{FAIR_SLUG}/exhibitors/apply");
    let listed = directory(&app).await;
    assert!(listed.contains(&apply), "no link to the form: {listed}");
    let form = app.get(&apply).await;
    assert_eq!(form.status(), 200);
    assert!(form.text().await.unwrap().contains("name=\"wished_stand\""));

    let answer = app
        .client
        .post(format!("{}{apply}?lang=en", app.address))
        .form(&[
            ("organisation", "Čtenářství, z. s."),
            ("contact_name", "Petra Malá"),
            ("contact_email", "Petra@Ctenarstvi.cz"),
            ("description", "Metodika čtenářské gramotnosti."),
            ("website", "https://ctenarstvi.cz"),
            ("wished_stand", "A3"),
            ("homepage", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 303);
    let thanks = answer.headers()["location"].to_str().unwrap().to_owned();
    assert!(thanks.contains("sent=1"), "{thanks}");
    let stored = exhibitor_named(&app, "Čtenářství, z. s.").await.unwrap();
    assert_eq!(stored.status, ExhibitorStatus::Applied);
    assert_eq!(stored.wished_stand.as_deref(), Some("A3"));
    assert_eq!(stored.contact_email.as_deref(), Some("petra@ctenarstvi.cz"));
    let ack = app.emails_to("petra@ctenarstvi.cz").await;
    assert_eq!(ack.len(), 1);
    assert!(
        ack[0]
            .subject
            .contains("received your exhibitor application"),
        "{}",
        ack[0].subject
    );
    assert!(
        !directory(&app).await.contains("Čtenářství"),
        "not approved yet"
    );
    // The language the contact applied in is the exhibitor's own, not read back from the
    // acknowledgement in the outbox: with that row saying Czech, the decision still comes in
    // English.
    entity::outbox_message::Entity::update_many()
        .col_expr(
            entity::outbox_message::Column::Language,
            sea_orm::sea_query::Expr::value("cs"),
        )
        .filter(entity::outbox_message::Column::Recipient.eq("petra@ctenarstvi.cz"))
        .exec(app.state.db.conn())
        .await
        .unwrap();

    let answer = call_api(
        &app,
        Some(&organiser),
        Method::POST,
        &format!("/admin/exhibitors/{}/approve", stored.id),
        Some(json!({ "stand": "B7" })),
    )
    .await;
    assert_eq!(answer.status(), 200);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(
        (body["status"].as_str(), body["stand"].as_str()),
        (Some("approved"), Some("B7"))
    );
    let mails = app.emails_to("petra@ctenarstvi.cz").await;
    assert_eq!(mails.len(), 2);
    // In the language the contact applied in.
    assert!(
        mails[1].subject.contains("approved"),
        "{}",
        mails[1].subject
    );
    assert!(mails[1].text.contains("B7"), "{}", mails[1].text);
    let listed = directory(&app).await;
    assert!(
        listed.contains("Čtenářství, z. s."),
        "approved ones are listed"
    );
    assert!(listed.contains("B7"));

    // Another exhibitor cannot be given that stand, however it is typed; nothing changes.
    let other = exhibitor::Entity::find()
        .filter(exhibitor::Column::Id.ne(stored.id))
        .one(app.state.db.conn())
        .await
        .unwrap()
        .expect("the demo has exhibitors");
    let refused = call_api(
        &app,
        Some(&organiser),
        Method::POST,
        &format!("/admin/exhibitors/{}/approve?lang=en", other.id),
        Some(json!({ "stand": " b7 " })),
    )
    .await;
    assert_eq!(refused.status(), 422);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(
        problem_fields(&body),
        [("stand".to_owned(), "stand_taken".to_owned())]
    );
    assert_eq!(
        body["errors"][0]["message"],
        "This stand is already given to another exhibitor: Čtenářství, z. s."
    );
    assert_eq!(exhibitor_named(&app, &other.name).await.unwrap(), other);

    // Approving again sends nothing.
    let again = call_api(
        &app,
        Some(&organiser),
        Method::POST,
        &format!("/admin/exhibitors/{}/approve", stored.id),
        Some(json!({})),
    )
    .await;
    assert_eq!(again.status(), 200);
    assert_eq!(app.emails_to("petra@ctenarstvi.cz").await.len(), 2);
    assert_eq!(
        audit_actions(&app, "exhibitor", stored.id).await,
        ["exhibitor.apply", "exhibitor.approve"]
    );

    // Approving again with another stand moves them there, and tells them.
    let moved = call_api(
        &app,
        Some(&organiser),
        Method::POST,
        &format!("/admin/exhibitors/{}/approve", stored.id),
        Some(json!({ "stand": "C9" })),
    )
    .await;
    assert_eq!(moved.status(), 200);
    let mails = app.emails_to("petra@ctenarstvi.cz").await;
    assert_eq!(mails.len(), 3);
    assert!(mails[2].text.contains("C9"), "{}", mails[2].text);
    assert_eq!(
        audit_actions(&app, "exhibitor", stored.id).await,
        ["exhibitor.apply", "exhibitor.approve", "exhibitor.approve"]
    );
    // On the page, approving again at the same stand says that nothing changed.
    let page = post_form(
        &app,
        Some(&organiser),
        &format!("/admin/exhibitors/{}/approve", stored.id),
        &[("stand", "C9")],
    )
    .await;
    assert_eq!(page.status(), 303);
    let to = page.headers()["location"].to_str().unwrap();
    assert!(to.contains("?done=unchanged"), "{to}");
    assert_eq!(app.emails_to("petra@ctenarstvi.cz").await.len(), 3);

    // Once rejected, its stand is free; approving it again without a stand would keep the one
    // now given to another, so that is refused too.
    let act = async |id: i32, action: &str, body: Value| {
        let path = format!("/admin/exhibitors/{id}/{action}?lang=en");
        call_api(&app, Some(&organiser), Method::POST, &path, Some(body)).await
    };
    assert_eq!(act(stored.id, "reject", json!({})).await.status(), 200);
    assert_eq!(
        act(other.id, "approve", json!({ "stand": "C9" }))
            .await
            .status(),
        200
    );
    let again = act(stored.id, "approve", json!({})).await;
    assert_eq!(again.status(), 422);
    let body: Value = again.json().await.unwrap();
    assert_eq!(
        body["errors"][0]["message"],
        format!(
            "This stand is already given to another exhibitor: {}",
            other.name
        )
    );
    assert_eq!(act(other.id, "reject", json!({})).await.status(), 200);
    assert_eq!(act(stored.id, "approve", json!({})).await.status(), 200);
}

async fn an_application_through_the_api_is_rejected_with_an_email_and_stays_unlisted(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let fair = demo_fair(&app).await;
    let organiser = organiser_of(&app, &fair).await;
    let answer = app
        .post_json(
            &format!("/api/fairs/{FAIR_SLUG}/exhibitors/apply"),
            &application("Nakladatelství Hvězda", "info@hvezda.cz"),
        )
        .await;
    assert_eq!(answer.status(), 202);
    let stored = exhibitor_named(&app, "Nakladatelství Hvězda")
        .await
        .unwrap();
    assert_eq!(stored.website.as_deref(), Some("https://www.ctenarstvi.cz"));
    assert_eq!(stored.wished_stand.as_deref(), Some("u vchodu"));
    let ack = app.emails_to("info@hvezda.cz").await;
    assert_eq!(ack.len(), 1);
    assert!(
        ack[0].subject.contains("Přijali jsme"),
        "{}",
        ack[0].subject
    );

    // The list filters by status.
    let listed = call_api(
        &app,
        Some(&organiser),
        Method::GET,
        &format!("/admin/fairs/{}/exhibitors?status=applied", fair.id),
        None,
    )
    .await;
    assert_eq!(listed.status(), 200);
    let names: Vec<String> = listed
        .json::<Vec<Value>>()
        .await
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["Nakladatelství Hvězda"]);
    // The whole list in the directory's order: "Člověk v tísni" among the C's, not after Ú.
    let all: Vec<String> = call_api(
        &app,
        Some(&organiser),
        Method::GET,
        &format!("/admin/fairs/{}/exhibitors", fair.id),
        None,
    )
    .await
    .json::<Vec<Value>>()
    .await
    .unwrap()
    .iter()
    .map(|e| e["name"].as_str().unwrap().to_owned())
    .collect();
    let mut ordered = all.clone();
    ordered.sort_by_cached_key(|n| veletrh::domain::text::sort_key(n));
    assert_eq!(all, ordered);
    let c = all
        .iter()
        .position(|n| n.starts_with("Člověk"))
        .expect("in the demo");
    let u = all
        .iter()
        .position(|n| n.starts_with("Ústav"))
        .expect("in the demo");
    assert!(c < u, "{all:?}");
    let page = get_page(
        &app,
        Some(&organiser),
        &format!("/admin/fairs/{}/exhibitors?status=applied", fair.id),
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(page.contains("Nakladatelství Hvězda"));

    let answer = post_form(
        &app,
        Some(&organiser),
        &format!("/admin/exhibitors/{}/reject", stored.id),
        &[("reason", "Stánky jsou již obsazené.")],
    )
    .await;
    assert_eq!(answer.status(), 303);
    let mails = app.emails_to("info@hvezda.cz").await;
    assert_eq!(mails.len(), 2);
    assert!(
        mails[1].text.contains("Stánky jsou již obsazené."),
        "{}",
        mails[1].text
    );
    assert_eq!(
        exhibitor_named(&app, "Nakladatelství Hvězda")
            .await
            .unwrap()
            .status,
        ExhibitorStatus::Rejected
    );
    assert!(!directory(&app).await.contains("Hvězda"));
}

async fn the_application_form_keeps_out_robots_duplicates_and_bad_fields(backend: Backend) {
    let app = spawn_app(backend).await;
    let apply = format!("/fairs/{FAIR_SLUG}/exhibitors/apply");
    let count = || async {
        exhibitor::Entity::find()
            .all(app.state.db.conn())
            .await
            .unwrap()
            .len()
    };
    let before = count().await;
    let outbox = app.emails().await.len();

    // A robot fills in the hidden field: the same answer, nothing stored or sent.
    let robot = app
        .client
        .post(format!("{}{apply}", app.address))
        .form(&[
            ("organisation", "Spam s.r.o."),
            ("contact_name", "Bot"),
            ("contact_email", "bot@spam.cz"),
            ("description", "Kupte si."),
            ("homepage", "http://spam.example"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(robot.status(), 303);
    assert!(
        robot.headers()["location"]
            .to_str()
            .unwrap()
            .contains("sent=1")
    );
    assert_eq!(count().await, before);
    assert_eq!(app.emails().await.len(), outbox);

    // Missing and bad fields, on their fields, in Czech.
    let answer = app
        .client
        .post(format!("{}{apply}", app.address))
        .form(&[
            ("organisation", ""),
            ("contact_name", "Petra"),
            ("contact_email", "petra"),
            ("description", ""),
            ("website", "javascript:alert(1)"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 422);
    let page = answer.text().await.unwrap();
    for field in ["organisation", "contact_email", "description", "website"] {
        assert!(page.contains(&format!("id=\"{field}-error\"")), "{field}");
    }
    assert!(page.contains("Toto pole je povinné."));
    assert!(page.contains("value=\"Petra\""), "typed values stay");

    // An organisation already at the fair (the demo's approved exhibitors), in any case.
    let existing = exhibitor::Entity::find()
        .one(app.state.db.conn())
        .await
        .unwrap()
        .expect("the demo has exhibitors");
    let answer = call_api(
        &app,
        None,
        Method::POST,
        &format!("/fairs/{FAIR_SLUG}/exhibitors/apply?lang=en"),
        Some(application(
            &existing.name.to_uppercase().replace(' ', "  "),
            "novy@skola.cz",
        )),
    )
    .await;
    assert_eq!(answer.status(), 422);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(
        problem_fields(&body),
        [("organisation".to_owned(), "exhibitor_exists".to_owned())]
    );
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("already registered")
    );
    assert_eq!(count().await, before);
    assert_eq!(app.emails().await.len(), outbox);

    // A fair that has begun (or is cancelled) takes no applications.
    let fair = demo_fair(&app).await;
    let mut began: fair::ActiveModel = fair.into();
    began.starts_at = Set(Utc::now() - Duration::hours(1));
    began.update(app.state.db.conn()).await.unwrap();
    let closed = app
        .post_json(
            &format!("/api/fairs/{FAIR_SLUG}/exhibitors/apply"),
            &application("Pozdní s.r.o.", "late@skola.cz"),
        )
        .await;
    assert_eq!(closed.status(), 409);
    let page = app.get(&apply).await.text().await.unwrap();
    assert!(
        !page.contains("name=\"organisation\""),
        "no form once closed"
    );
    assert!(!directory(&app).await.contains(&apply));
    assert_eq!(count().await, before);
}

async fn applications_share_the_sign_up_rate_limits_and_mistakes_do_not_count(backend: Backend) {
    let app = spawn_app_with(backend, |c| c.limits.sign_ups_per_email_per_hour = 2).await;
    let apply = format!("/fairs/{FAIR_SLUG}/exhibitors/apply");
    // Forms with mistakes are answered on their fields and use up nothing.
    for _ in 0..3 {
        let mut bad = application("", "petra@ctenarstvi.cz");
        bad["organisation"] = json!("");
        let answer = call_api(&app, None, Method::POST, &apply, Some(bad)).await;
        assert_eq!(answer.status(), 422);
    }
    for (i, want) in [(1, 202), (2, 202), (3, 429)] {
        let answer = call_api(
            &app,
            None,
            Method::POST,
            &apply,
            Some(application(
                &format!("Organizace {i}"),
                "petra@ctenarstvi.cz",
            )),
        )
        .await;
        assert_eq!(answer.status(), want, "application {i}");
    }
    let page = app
        .client
        .post(format!("{}{apply}", app.address))
        .form(&[
            ("organisation", "Organizace 4"),
            ("contact_name", "Petra Malá"),
            ("contact_email", "petra@ctenarstvi.cz"),
            ("description", "Metodika."),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 429);
    assert!(exhibitor_named(&app, "Organizace 3").await.is_none());
    assert!(exhibitor_named(&app, "Organizace 4").await.is_none());
}

// ---------------------------------------------------------------------------------------------
// Who may do what

async fn each_fair_and_exhibitor_route_answers_each_role(backend: Backend) {
    let app = spawn_app(backend).await;
    let fair = demo_fair(&app).await.id;
    let other_fair = another_fair(&app).await;
    let day = fair_day(&app, fair).await;
    let Roles {
        viewer,
        other,
        organiser,
        admin,
    } = each_role(&app, fair, other_fair).await;
    let roles: [(&str, Option<&Staff>); 5] = [
        ("anonymous", None),
        ("viewer", Some(&viewer)),
        ("organiser of another fair", Some(&other)),
        ("organiser", Some(&organiser)),
        ("admin", Some(&admin)),
    ];
    // Applications to act on: one per role that may succeed, so each acts on a fresh one.
    let mut applied = Vec::new();
    for i in 0..31 {
        let answer = app
            .post_json(
                &format!("/api/fairs/{FAIR_SLUG}/exhibitors/apply"),
                &application(&format!("Organizace {i}"), &format!("o{i}@skola.cz")),
            )
            .await;
        assert_eq!(answer.status(), 202);
        applied.push(
            exhibitor_named(&app, &format!("Organizace {i}"))
                .await
                .unwrap()
                .id,
        );
    }

    // (what, expected for anonymous, viewer, other fair's organiser, organiser, admin)
    type Case<'a> = (&'a str, [u16; 5]);
    type PageCase<'a> = (Case<'a>, Method, String, Vec<(&'a str, String)>);
    let f = format!("/admin/fairs/{fair}");
    let pages: Vec<PageCase> = vec![
        (
            ("fairs", [303, 200, 200, 200, 200]),
            Method::GET,
            "/admin/fairs".into(),
            vec![],
        ),
        (
            ("new fair form", [303, 403, 403, 403, 200]),
            Method::GET,
            "/admin/fairs/new".into(),
            vec![],
        ),
        (
            ("fair", [303, 200, 200, 200, 200]),
            Method::GET,
            f.clone(),
            vec![],
        ),
        (
            ("edit fair", [303, 403, 403, 303, 303]),
            Method::POST,
            f.clone(),
            vec![
                ("name", "Veletrh".into()),
                ("venue", "Kampus Hybernská, Hybernská 4, Praha 1".into()),
                ("timezone", "Europe/Prague".into()),
                ("starts_at", format!("{day}T08:30")),
                ("ends_at", format!("{day}T16:00")),
            ],
        ),
        (
            ("exhibitors", [303, 200, 403, 200, 200]),
            Method::GET,
            format!("{f}/exhibitors"),
            vec![],
        ),
        (
            ("new exhibitor form", [303, 403, 403, 200, 200]),
            Method::GET,
            format!("{f}/exhibitors/new"),
            vec![],
        ),
        (
            ("exhibitor", [303, 200, 403, 200, 200]),
            Method::GET,
            format!("/admin/exhibitors/{}", applied[0]),
            vec![],
        ),
    ];
    for ((what, expected), method, path, fields) in pages {
        for ((role, who), want) in roles.iter().zip(expected) {
            let answer = if method == Method::GET {
                get_page(&app, *who, &path).await
            } else {
                let fields: Vec<(&str, &str)> =
                    fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                post_form(&app, *who, &path, &fields).await
            };
            assert_eq!(answer.status(), want, "page {what} as {role}");
        }
    }
    // Changes, each on its own application: (what, path of application i, fields, expected).
    let mut next = applied[1..].iter();
    for (what, expected, action, fields) in [
        (
            "approve",
            [303, 403, 403, 303, 303],
            "approve",
            vec![("stand", "C1")],
        ),
        (
            "reject",
            [303, 403, 403, 303, 303],
            "reject",
            vec![("reason", "")],
        ),
        ("delete", [303, 403, 403, 303, 303], "delete", vec![]),
    ] {
        for ((role, who), want) in roles.iter().zip(expected) {
            let id = next.next().unwrap();
            // Each approval its own stand: one stand is never given twice.
            let stand = format!("C1 {role}");
            let fields = match action {
                "approve" => vec![("stand", stand.as_str())],
                _ => fields.clone(),
            };
            let answer = post_form(
                &app,
                *who,
                &format!("/admin/exhibitors/{id}/{action}"),
                &fields,
            )
            .await;
            assert_eq!(answer.status(), want, "page {what} as {role}");
        }
    }
    for ((role, who), want) in roles.iter().zip([303, 403, 403, 303, 303]) {
        let name = format!("Nový vystavovatel {role}");
        let answer = post_form(
            &app,
            *who,
            &format!("{f}/exhibitors/new"),
            &[("name", name.as_str())],
        )
        .await;
        assert_eq!(answer.status(), want, "page create exhibitor as {role}");
    }
    // The same changes through the API, again each on its own application.
    for (action, body) in [
        ("approve", Value::Null),
        ("reject", json!({ "reason": "Plno." })),
        ("delete", Value::Null),
    ] {
        let method = if action == "delete" {
            Method::DELETE
        } else {
            Method::POST
        };
        let ok = if action == "delete" { 204 } else { 200 };
        for ((role, who), want) in roles.iter().zip([401, 403, 403, ok, ok]) {
            let id = next.next().unwrap();
            let path = if action == "delete" {
                format!("/admin/exhibitors/{id}")
            } else {
                format!("/admin/exhibitors/{id}/{action}")
            };
            let body = match action {
                "approve" => Some(json!({ "stand": format!("C2 {role}") })),
                _ => (!body.is_null()).then(|| body.clone()),
            };
            let answer = call_api(&app, *who, method.clone(), &path, body).await;
            assert_eq!(answer.status(), want, "API {action} as {role}");
        }
    }
    for ((role, who), want) in roles.iter().zip([401, 403, 403, 201, 201]) {
        let answer = call_api(
            &app,
            *who,
            Method::POST,
            &format!("{f}/exhibitors"),
            Some(json!({ "name": format!("API vystavovatel {role}") })),
        )
        .await;
        assert_eq!(answer.status(), want, "API create exhibitor as {role}");
    }

    // The API: (what, method, path, body, expected).
    let id = applied[0];
    let api: Vec<(Case, Method, String, Option<Value>)> = vec![
        (
            ("list fairs", [401, 200, 200, 200, 200]),
            Method::GET,
            "/admin/fairs".into(),
            None,
        ),
        (
            ("get fair", [401, 200, 200, 200, 200]),
            Method::GET,
            f.clone(),
            None,
        ),
        (
            ("edit fair", [401, 403, 403, 200, 200]),
            Method::PATCH,
            f.clone(),
            Some(json!({ "description": "Nový popis." })),
        ),
        (
            ("list exhibitors", [401, 200, 403, 200, 200]),
            Method::GET,
            format!("{f}/exhibitors"),
            None,
        ),
        (
            ("get exhibitor", [401, 200, 403, 200, 200]),
            Method::GET,
            format!("/admin/exhibitors/{id}"),
            None,
        ),
        (
            ("edit exhibitor", [401, 403, 403, 200, 200]),
            Method::PATCH,
            format!("/admin/exhibitors/{id}"),
            Some(json!({ "stand": "D4" })),
        ),
        (
            ("create fair", [401, 403, 403, 403, 201]),
            Method::POST,
            "/admin/fairs".into(),
            Some(json!({ "name": "Nový", "slug": "novy", "venue": "Praha",
                         "starts_at": "2031-05-01T07:00:00Z", "ends_at": "2031-05-01T15:00:00Z" })),
        ),
        (
            ("cancel other fair", [401, 403, 403, 403, 200]),
            Method::POST,
            format!("/admin/fairs/{other_fair}/cancel"),
            Some(json!({})),
        ),
    ];
    for ((what, expected), method, path, body) in api {
        for ((role, who), want) in roles.iter().zip(expected) {
            let answer = call_api(&app, *who, method.clone(), &path, body.clone()).await;
            assert_eq!(answer.status(), want, "API {what} as {role}");
        }
    }
    // Only an admin cancels a fair, on the page too (the other fair: its organiser may not).
    for ((role, who), want) in roles.iter().zip([303, 403, 403, 403, 303]) {
        let answer = post_form(
            &app,
            *who,
            &format!("/admin/fairs/{other_fair}/cancel"),
            &[("reason", "")],
        )
        .await;
        assert_eq!(answer.status(), want, "page cancel fair as {role}");
    }
    // A fair's organiser cannot cancel even their own fair.
    let answer = call_api(
        &app,
        Some(&organiser),
        Method::POST,
        &format!("{f}/cancel"),
        Some(json!({})),
    )
    .await;
    assert_eq!(answer.status(), 403);
    assert_eq!(fair_row(&app, fair).await.status, ActivityStatus::Scheduled);
}

async fn a_form_without_the_csrf_token_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let fair = demo_fair(&app).await;
    let admin = staff(&app, "boss@veletrh.cz", OrganiserRole::Admin, None, None).await;
    let answer = app
        .post_json(
            &format!("/api/fairs/{FAIR_SLUG}/exhibitors/apply"),
            &application("Čtenářství", "petra@ctenarstvi.cz"),
        )
        .await;
    assert_eq!(answer.status(), 202);
    let applied = exhibitor_named(&app, "Čtenářství").await.unwrap();
    let mails = app.emails().await.len();
    for (path, fields) in [
        (
            format!("/admin/fairs/{}", fair.id),
            vec![("name", "Jiný název")],
        ),
        (
            format!("/admin/fairs/{}/cancel", fair.id),
            vec![("reason", "")],
        ),
        (
            format!("/admin/exhibitors/{}/approve", applied.id),
            vec![("stand", "A1")],
        ),
        (format!("/admin/exhibitors/{}/reject", applied.id), vec![]),
        (format!("/admin/exhibitors/{}/delete", applied.id), vec![]),
        (
            format!("/admin/fairs/{}/exhibitors/new", fair.id),
            vec![("name", "Nový")],
        ),
    ] {
        for csrf in [None, Some("forged")] {
            let mut fields = fields.clone();
            if let Some(token) = csrf {
                fields.push(("csrf", token));
            }
            let answer = admin
                .web
                .post(format!("{}{path}", app.address))
                .form(&fields)
                .send()
                .await
                .unwrap();
            assert_eq!(answer.status(), 403, "{path} with {csrf:?}");
        }
    }
    assert_eq!(fair_row(&app, fair.id).await, fair);
    assert_eq!(exhibitor_named(&app, "Čtenářství").await.unwrap(), applied);
    assert!(exhibitor_named(&app, "Nový").await.is_none());
    assert_eq!(app.emails().await.len(), mails);
}

on_both_backends!(
    editing_a_fair_raises_its_revision_and_emails_attendees_only_of_a_new_venue,
    cancelling_a_fair_cancels_its_workshops_and_emails_everyone,
    a_fair_is_created_on_the_admin_page_and_bad_input_changes_nothing,
    an_application_on_the_page_is_acknowledged_then_approved_into_the_directory,
    an_application_through_the_api_is_rejected_with_an_email_and_stays_unlisted,
    the_application_form_keeps_out_robots_duplicates_and_bad_fields,
    applications_share_the_sign_up_rate_limits_and_mistakes_do_not_count,
    each_fair_and_exhibitor_route_answers_each_role,
    a_form_without_the_csrf_token_changes_nothing,
);
