//! Organiser accounts (issue 7): disabling and enabling, role changes, one's own password, the
//! audit log and its exports, the mail status page — and who may open each of these routes.

use chrono::{Duration, Utc};
use entity::{audit_event, enums::OrganiserRole, organiser};
use reqwest::{Method, StatusCode};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};
use serde_json::{Value, json};

use crate::helpers::organisers::{
    Roles, Staff, another_fair, browser, call_api, demo_fair, each_role, get_page, post_form,
    sign_in, staff,
};
use crate::helpers::{Backend, TestApp, on_both_backends, spawn_app};

async fn account_row(app: &TestApp, id: i32) -> organiser::Model {
    organiser::Entity::find_by_id(id)
        .one(app.state.db.conn())
        .await
        .unwrap()
        .unwrap()
}

pub async fn audit_actions(app: &TestApp, action: &str) -> Vec<audit_event::Model> {
    audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq(action))
        .order_by_asc(audit_event::Column::Id)
        .all(app.state.db.conn())
        .await
        .unwrap()
}

async fn disabling_an_organiser_stops_their_session_and_token_at_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = staff(&app, "boss@veletrh.cz", OrganiserRole::Admin, None, None).await;
    let viewer = staff(&app, "viewer@veletrh.cz", OrganiserRole::Viewer, None, None).await;
    assert_eq!(
        get_page(&app, Some(&viewer), "/admin/tokens")
            .await
            .status(),
        200
    );
    assert_eq!(
        call_api(&app, Some(&viewer), Method::GET, "/admin/me", None)
            .await
            .status(),
        200
    );

    let path = format!("/admin/organisers/{}/disable", viewer.id);
    assert_eq!(
        post_form(&app, Some(&admin), &path, &[]).await.status(),
        303
    );

    let page = get_page(&app, Some(&viewer), "/admin/tokens").await;
    assert_eq!(page.status(), 303, "the session ends at once");
    assert_eq!(
        call_api(&app, Some(&viewer), Method::GET, "/admin/me", None)
            .await
            .status(),
        401,
        "the token stops at once"
    );
    assert_eq!(
        sign_in(&app, &browser(), &viewer.email, &viewer.password).await,
        401
    );
    let list = get_page(&app, Some(&admin), "/admin/organisers")
        .await
        .text()
        .await
        .unwrap();
    assert!(list.contains("viewer@veletrh.cz") && list.contains("zablokován"));
    let logged = audit_actions(&app, "organiser.disable").await;
    assert_eq!(logged.len(), 1);
    assert_eq!(logged[0].organiser_id, Some(admin.id));
    let before: Value = serde_json::from_str(logged[0].before.as_deref().unwrap()).unwrap();
    let after: Value = serde_json::from_str(logged[0].after.as_deref().unwrap()).unwrap();
    assert_eq!(
        (&before["disabled"], &after["disabled"]),
        (&json!(false), &json!(true))
    );

    // Enabled again through the API: the token works again; the ended session stays ended.
    let enabled = call_api(
        &app,
        Some(&admin),
        Method::PATCH,
        &format!("/admin/organisers/{}", viewer.id),
        Some(json!({"disabled": false})),
    )
    .await;
    assert_eq!(enabled.status(), 200);
    assert_eq!(
        enabled.json::<Value>().await.unwrap()["disabled_at"],
        Value::Null
    );
    assert_eq!(
        call_api(&app, Some(&viewer), Method::GET, "/admin/me", None)
            .await
            .status(),
        200
    );
    assert_eq!(
        get_page(&app, Some(&viewer), "/admin/tokens")
            .await
            .status(),
        303
    );
    assert_eq!(audit_actions(&app, "organiser.enable").await.len(), 1);
}

async fn an_admin_changes_a_role_and_scope_but_not_their_own(backend: Backend) {
    let app = spawn_app(backend).await;
    let fair = demo_fair(&app).await;
    let admin = staff(&app, "boss@veletrh.cz", OrganiserRole::Admin, None, None).await;
    let viewer = staff(&app, "viewer@veletrh.cz", OrganiserRole::Viewer, None, None).await;
    let path = format!("/admin/organisers/{}", viewer.id);

    // An organiser needs a fair or a region: refused with the field named, nothing changed.
    let refused = post_form(&app, Some(&admin), &path, &[("role", "organiser")]).await;
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("id=\"fair_id-error\"")
    );
    assert_eq!(
        account_row(&app, viewer.id).await.role,
        OrganiserRole::Viewer
    );

    let fair_s = fair.to_string();
    let saved = post_form(
        &app,
        Some(&admin),
        &path,
        &[
            ("role", "organiser"),
            ("fair_id", &fair_s),
            ("region_id", ""),
        ],
    )
    .await;
    assert_eq!(saved.status(), 303);
    let row = account_row(&app, viewer.id).await;
    assert_eq!(
        (row.role, row.fair_id),
        (OrganiserRole::Organiser, Some(fair))
    );

    // The new role counts at once, for the token too.
    let me = call_api(&app, Some(&viewer), Method::GET, "/admin/me", None)
        .await
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(me["role"], "organiser");

    // Not on oneself: an installation must not lose its last admin by a slip.
    let own = call_api(
        &app,
        Some(&admin),
        Method::PATCH,
        &format!("/admin/organisers/{}", admin.id),
        Some(json!({"role": "viewer"})),
    )
    .await;
    assert_eq!(own.status(), 422);
    let own = post_form(
        &app,
        Some(&admin),
        &format!("/admin/organisers/{}/disable", admin.id),
        &[],
    )
    .await;
    assert_eq!(own.status(), 422);
    assert!(account_row(&app, admin.id).await.disabled_at.is_none());
}

async fn an_organiser_changes_their_password_and_their_other_sessions_end(backend: Backend) {
    let app = spawn_app(backend).await;
    let me = staff(&app, "org@veletrh.cz", OrganiserRole::Viewer, None, None).await;
    let laptop = browser();
    assert_eq!(sign_in(&app, &laptop, &me.email, &me.password).await, 303);
    let new = "nové heslo na veletrh 2027";

    let wrong = post_form(
        &app,
        Some(&me),
        "/admin/password",
        &[
            ("current_password", "not it"),
            ("password", new),
            ("password_again", new),
        ],
    )
    .await;
    assert_eq!(wrong.status(), 422);
    let page = wrong.text().await.unwrap();
    assert!(page.contains("Současné heslo nesouhlasí."), "{page}");
    assert!(!page.contains(new), "passwords never go back into the page");
    let differ = post_form(
        &app,
        Some(&me),
        "/admin/password",
        &[
            ("current_password", &me.password),
            ("password", new),
            ("password_again", "something else entirely"),
        ],
    )
    .await;
    assert_eq!(differ.status(), 422);
    assert_eq!(
        laptop_status(&app, &laptop).await,
        200,
        "nothing changed yet"
    );

    let changed = post_form(
        &app,
        Some(&me),
        "/admin/password",
        &[
            ("current_password", &me.password),
            ("password", new),
            ("password_again", new),
        ],
    )
    .await;
    assert_eq!(changed.status(), 303);
    assert_eq!(
        get_page(&app, Some(&me), "/admin/password").await.status(),
        200,
        "this session stays"
    );
    assert_eq!(
        laptop_status(&app, &laptop).await,
        303,
        "the other one ended"
    );
    assert_eq!(
        sign_in(&app, &browser(), &me.email, &me.password).await,
        401
    );
    assert_eq!(sign_in(&app, &browser(), &me.email, new).await, 303);
    let logged = audit_actions(&app, "organiser.password_change").await;
    assert_eq!(logged.len(), 1);
    assert!(!logged[0].after.as_deref().unwrap().contains("argon2"));

    // Guessing the current password locks the account like wrong sign-ins do.
    for _ in 0..veletrh::organiser::sessions::FREE_ATTEMPTS {
        let guess = [
            ("current_password", "a guess"),
            ("password", new),
            ("password_again", new),
        ];
        assert_eq!(
            post_form(&app, Some(&me), "/admin/password", &guess)
                .await
                .status(),
            422
        );
    }
    assert_eq!(sign_in(&app, &browser(), &me.email, new).await, 401);
}

async fn laptop_status(app: &TestApp, web: &reqwest::Client) -> u16 {
    web.get(format!("{}/admin/tokens", app.address))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn the_audit_log_shows_and_exports_before_and_after(backend: Backend) {
    let app = spawn_app(backend).await;
    let fair = demo_fair(&app).await;
    let admin = staff(&app, "boss@veletrh.cz", OrganiserRole::Admin, None, None).await;
    let viewer = staff(&app, "viewer@veletrh.cz", OrganiserRole::Viewer, None, None).await;
    let changed = call_api(
        &app,
        Some(&admin),
        Method::PATCH,
        &format!("/admin/organisers/{}", viewer.id),
        Some(json!({"role": "organiser", "fair_id": fair})),
    )
    .await;
    assert_eq!(changed.status(), 200);

    let page = get_page(&app, Some(&admin), "/admin/audit?action=organiser.update")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Úprava účtu · Účet organizátora #"), "{page}");
    assert!(
        page.contains(
            "<del>viewer</del> → <span class=\"visually-hidden\">po: </span><ins>organiser</ins>"
        ),
        "{page}"
    );
    assert!(
        !page.contains("Přihlášení do administrace ·"),
        "filtered by action"
    );

    let csv_text = get_page(&app, Some(&admin), "/admin/audit/export?format=csv")
        .await
        .text()
        .await
        .unwrap();
    let csv_text = csv_text.strip_prefix('\u{feff}').expect("a BOM");
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "id",
            "at",
            "organiser",
            "action",
            "subject_type",
            "subject_id",
            "before",
            "after"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let update = rows
        .iter()
        .find(|r| &r[3] == "organiser.update")
        .expect("the update in the CSV");
    assert_eq!(&update[2], "boss@veletrh.cz");
    let at = chrono::DateTime::parse_from_str(&update[1], "%Y-%m-%d %H:%M:%S %:z")
        .unwrap_or_else(|e| panic!("{}: {e}", &update[1]));
    assert!((chrono::Utc::now() - at.to_utc()).num_minutes() < 5, "{at}");
    assert!(
        matches!(at.offset().local_minus_utc(), 3600 | 7200),
        "Prague: {at}"
    );
    let before: Value = serde_json::from_str(&update[6]).unwrap();
    let after: Value = serde_json::from_str(&update[7]).unwrap();
    assert_eq!(
        (&before["role"], &after["role"]),
        (&json!("viewer"), &json!("organiser"))
    );
    assert_eq!(after["fair_id"], json!(fair));
    // Newest first, each entry once.
    let ids: Vec<i64> = rows.iter().map(|r| r[0].parse().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "{ids:?}");
    let total = audit_event::Entity::find()
        .count(app.state.db.conn())
        .await
        .unwrap();
    assert_eq!(rows.len() as u64, total);

    let json_export: Value = get_page(
        &app,
        Some(&admin),
        "/admin/audit/export?format=json&action=organiser.update",
    )
    .await
    .json()
    .await
    .unwrap();
    let entries = json_export.as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["before"]["role"], "viewer");
    assert_eq!(entries[0]["after"]["role"], "organiser");

    let api: Value = call_api(
        &app,
        Some(&admin),
        Method::GET,
        &format!(
            "/admin/audit?action=organiser.update&organiser_id={}",
            admin.id
        ),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(api["entries"][0]["after"]["role"], "organiser");
    assert_eq!(api["next_before"], Value::Null);
    let bad = call_api(
        &app,
        Some(&admin),
        Method::GET,
        "/admin/audit?from=13.1.2027",
        None,
    )
    .await;
    assert_eq!(bad.status(), 422);
}

async fn an_admin_sees_failed_mail_and_sends_it_again(backend: Backend) {
    use entity::outbox_message;
    let app = spawn_app(backend).await;
    let admin = staff(&app, "boss@veletrh.cz", OrganiserRole::Admin, None, None).await;
    let now = Utc::now();
    let an_hour_ago = now - Duration::hours(1);
    let failed = outbox_message::ActiveModel {
        kind: Set("cancelled_by_attendee".into()),
        language: Set("cs".into()),
        recipient: Set("nedorucitelna@skola.cz".into()),
        payload: Set("{}".into()),
        message_id: Set("<failed-1@veletrh>".into()),
        attempts: Set(8),
        next_attempt_at: Set(now),
        failed_at: Set(Some(an_hour_ago)),
        last_error: Set(Some("550 mailbox unavailable".into())),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(app.state.db.conn())
    .await
    .unwrap();
    let page = get_page(&app, Some(&admin), "/admin/mail")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("nedorucitelna@skola.cz") && page.contains("550 mailbox unavailable"));

    let path = format!("/admin/mail/{}/retry", failed.id);
    assert_eq!(
        post_form(&app, Some(&admin), &path, &[]).await.status(),
        303
    );
    let row = outbox_message::Entity::find_by_id(failed.id)
        .one(app.state.db.conn())
        .await
        .unwrap()
        .unwrap();
    // Due again from the first attempt (the worker may already have tried it once more).
    assert!(
        row.attempts <= 1 && row.failed_at.is_none_or(|at| at > an_hour_ago),
        "{row:?}"
    );
    assert_eq!(audit_actions(&app, "mail.retry").await.len(), 1);
    // A message that went out is not sent again.
    let sent = outbox_message::ActiveModel {
        kind: Set("cancelled_by_attendee".into()),
        language: Set("cs".into()),
        recipient: Set("dorucena@skola.cz".into()),
        payload: Set("{}".into()),
        message_id: Set("<sent-1@veletrh>".into()),
        attempts: Set(1),
        next_attempt_at: Set(now),
        sent_at: Set(Some(now)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(app.state.db.conn())
    .await
    .unwrap();
    let path = format!("/admin/mail/{}/retry", sent.id);
    assert_eq!(
        post_form(&app, Some(&admin), &path, &[]).await.status(),
        404
    );
}

async fn every_route_of_accounts_audit_and_mail_answers_each_role_as_documented(backend: Backend) {
    let app = spawn_app(backend).await;
    let fair = demo_fair(&app).await;
    let other_fair = another_fair(&app).await;
    let Roles {
        viewer,
        other,
        organiser,
        admin,
    } = each_role(&app, fair, other_fair).await;
    let target = staff(&app, "target@veletrh.cz", OrganiserRole::Viewer, None, None).await;
    let roles: [Option<&Staff>; 5] = [
        None,
        Some(&viewer),
        Some(&other),
        Some(&organiser),
        Some(&admin),
    ];
    let one = format!("/admin/organisers/{}", target.id);
    let enable = format!("/admin/organisers/{}/enable", target.id);
    // (what, method, path, form, expected for anonymous, viewer, other fair's organiser,
    // organiser, admin)
    /// (what, method, path, form, expected for each role)
    type PageCase<'a> = (&'a str, Method, &'a str, &'a [(&'a str, &'a str)], [u16; 5]);
    let pages: Vec<PageCase> = vec![
        (
            "organisers",
            Method::GET,
            "/admin/organisers",
            &[],
            [303, 403, 403, 403, 200],
        ),
        (
            "one organiser",
            Method::GET,
            &one,
            &[],
            [303, 403, 403, 403, 200],
        ),
        (
            "change role",
            Method::POST,
            &one,
            &[("role", "viewer")],
            [303, 403, 403, 403, 303],
        ),
        (
            "enable",
            Method::POST,
            &enable,
            &[],
            [303, 403, 403, 403, 303],
        ),
        (
            "audit",
            Method::GET,
            "/admin/audit",
            &[],
            [303, 403, 403, 403, 200],
        ),
        (
            "audit export",
            Method::GET,
            "/admin/audit/export",
            &[],
            [303, 403, 403, 403, 200],
        ),
        (
            "mail",
            Method::GET,
            "/admin/mail",
            &[],
            [303, 403, 403, 403, 200],
        ),
        (
            "retry",
            Method::POST,
            "/admin/mail/999/retry",
            &[],
            [303, 403, 403, 403, 404],
        ),
        (
            "password form",
            Method::GET,
            "/admin/password",
            &[],
            [303, 200, 200, 200, 200],
        ),
        (
            "password",
            Method::POST,
            "/admin/password",
            &[("current_password", "x")],
            [303, 422, 422, 422, 422],
        ),
    ];
    for (what, method, path, form, expected) in pages {
        for (who, want) in roles.iter().zip(expected) {
            let got = if method == Method::GET {
                get_page(&app, *who, path).await.status()
            } else {
                post_form(&app, *who, path, form).await.status()
            };
            assert_eq!(got.as_u16(), want, "{what} as {:?}", who.map(|s| &s.email));
        }
    }
    let target_api = format!("/admin/organisers/{}", target.id);
    type ApiCase<'a> = (&'a str, Method, &'a str, Option<Value>, [u16; 5]);
    let apis: Vec<ApiCase> = vec![
        (
            "list",
            Method::GET,
            "/admin/organisers",
            None,
            [401, 403, 403, 403, 200],
        ),
        (
            "patch",
            Method::PATCH,
            &target_api,
            Some(json!({"disabled": false})),
            [401, 403, 403, 403, 200],
        ),
        (
            "audit",
            Method::GET,
            "/admin/audit",
            None,
            [401, 403, 403, 403, 200],
        ),
    ];
    for (what, method, path, body, expected) in apis {
        for (who, want) in roles.iter().zip(expected) {
            let got = call_api(&app, *who, method.clone(), path, body.clone())
                .await
                .status();
            assert_eq!(
                got.as_u16(),
                want,
                "API {what} as {:?}",
                who.map(|s| &s.email)
            );
        }
    }
}

async fn account_forms_without_the_csrf_token_change_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = staff(&app, "boss@veletrh.cz", OrganiserRole::Admin, None, None).await;
    let viewer = staff(&app, "viewer@veletrh.cz", OrganiserRole::Viewer, None, None).await;
    let new = "úplně nové heslo 2027";
    let disable = format!("/admin/organisers/{}/disable", viewer.id);
    let change = format!("/admin/organisers/{}", viewer.id);
    let attempts: [(&str, Vec<(&str, &str)>); 3] = [
        (&disable, vec![]),
        (&change, vec![("role", "admin")]),
        (
            "/admin/password",
            vec![
                ("current_password", &admin.password),
                ("password", new),
                ("password_again", new),
            ],
        ),
    ];
    for (path, fields) in attempts {
        for csrf in [None, Some("0".repeat(64))] {
            let mut form = fields.clone();
            if let Some(csrf) = &csrf {
                form.push(("csrf", csrf));
            }
            let got = admin
                .web
                .post(format!("{}{path}", app.address))
                .form(&form)
                .send()
                .await
                .unwrap()
                .status();
            assert_eq!(got, StatusCode::FORBIDDEN, "{path} with {csrf:?}");
        }
    }
    let row = account_row(&app, viewer.id).await;
    assert!(row.disabled_at.is_none());
    assert_eq!(row.role, OrganiserRole::Viewer);
    assert_eq!(
        sign_in(&app, &browser(), &admin.email, &admin.password).await,
        303
    );
    assert!(audit_actions(&app, "organiser.update").await.is_empty());
}

on_both_backends!(
    disabling_an_organiser_stops_their_session_and_token_at_once,
    an_admin_changes_a_role_and_scope_but_not_their_own,
    an_organiser_changes_their_password_and_their_other_sessions_end,
    the_audit_log_shows_and_exports_before_and_after,
    an_admin_sees_failed_mail_and_sends_it_again,
    every_route_of_accounts_audit_and_mail_answers_each_role_as_documented,
    account_forms_without_the_csrf_token_change_nothing,
);
