//! The public HTML pages over HTTP, as a browser without JavaScript uses them: GET a page, POST
//! its form (`application/x-www-form-urlencoded`), follow the 303. On both databases.

use entity::{activity, enums::ActivityKind, enums::RegistrationStatus, person, registration};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use crate::helpers::{Backend, TestApp, on_both_backends, spawn_app, spawn_app_with, unescape};

const FAIR: &str = "/fairs/uspech-pro-kazdeho-zaka";
/// Demo workshops: 1–3 run in parallel (first slot), 4–5 in the second, 6–7 in the third.
const WELLBEING: &str = "3";
const LEARNING: &str = "2";
const INFORMAL: &str = "4";

async fn page(app: &TestApp, path: &str) -> (u16, String) {
    let response = app.get(path).await;
    let status = response.status().as_u16();
    (status, unescape(&response.text().await.unwrap()))
}

async fn post_form(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    app.client
        .post(format!("{}{path}", app.address))
        .form(fields)
        .send()
        .await
        .expect("request sent")
}

fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_owned()
}

fn good_form<'a>(email: &'a str, activities: &[&'a str]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("name", "Jana Dvořáková"),
        ("email", email),
        ("organisation", "ZŠ Krnov"),
        ("role", "teacher"),
        ("district_id", ""),
        ("consent", "yes"),
        ("website", ""),
    ];
    fields.extend(activities.iter().map(|a| ("activity", *a)));
    fields
}

async fn registrations(app: &TestApp) -> Vec<registration::Model> {
    registration::Entity::find()
        .order_by_asc(registration::Column::Id)
        .all(app.state.db.conn())
        .await
        .unwrap()
}

async fn nothing_was_written(app: &TestApp) {
    let conn = app.state.db.conn();
    assert_eq!(person::Entity::find().count(conn).await.unwrap(), 0);
    assert_eq!(registration::Entity::find().count(conn).await.unwrap(), 0);
    assert_eq!(
        entity::outbox_message::Entity::find()
            .count(conn)
            .await
            .unwrap(),
        0,
        "no email"
    );
}

/// Signs up through the fair's form; returns the confirmation link from the email.
async fn signed_up(app: &TestApp, email: &str, activities: &[&str]) -> String {
    let response = post_form(
        app,
        &format!("{FAIR}/sign-up?lang=cs"),
        &good_form(email, activities),
    )
    .await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/check-email?lang=cs");
    let mails = app.emails_to(email).await;
    mails
        .iter()
        .rev()
        .find(|m| m.text.contains("/confirm/"))
        .expect("a confirmation request")
        .link(app, "/confirm/")
}

async fn the_programme_lists_slots_and_free_seats(backend: Backend) {
    let app = spawn_app(backend).await;
    let (status, html) = page(&app, FAIR).await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"<html lang="cs">"#));
    let slots: Vec<usize> = ["9:30–11:00", "11:30–13:00", "14:00–15:30"]
        .iter()
        .map(|slot| html.find(&format!("<h3>{slot}</h3>")).expect(slot))
        .collect();
    assert!(slots.is_sorted(), "slots in time order");
    assert!(
        html.contains("volná místa: 25 z 25"),
        "wellbeing has 25 seats"
    );
    // Each workshop is a checkbox of the one sign-up form, in its slot.
    let wellbeing = html.find(r#"id="activity-3""#).unwrap();
    assert!(slots[0] < wellbeing && wellbeing < slots[1]);
    assert!(html.contains(r#"name="activity" value="7""#));
    assert!(html.contains(r#"action="/fairs/uspech-pro-kazdeho-zaka/sign-up?lang=cs""#));
    for role in ["teacher", "principal", "map_orp"] {
        assert!(
            html.contains(&format!(r#"<option value="{role}">"#)),
            "{role}"
        );
    }
    assert!(html.contains(r#"<optgroup label="Olomoucký kraj">"#));
    assert!(
        html.contains("Znění souhlasu 2026-11"),
        "the consent version"
    );
    assert!(html.contains(r#"name="website""#), "the honeypot");

    // A held seat shows at once, and the page speaks English when asked.
    signed_up(&app, "jana@skola.cz", &[WELLBEING]).await;
    let (_, html) = page(&app, &format!("{FAIR}?lang=en")).await;
    assert!(html.contains(r#"<html lang="en">"#));
    assert!(html.contains("seats left: 24 of 25"));
    assert!(html.contains("Programme: choose your workshops"));
    assert!(
        html.contains(r#"href="/meetings?lang=en""#),
        "links keep the language"
    );
    assert!(
        html.contains(r#"href="/fairs/uspech-pro-kazdeho-zaka?lang=cs" lang="cs""#),
        "the switch leads to the same page in Czech"
    );
}

async fn signing_up_confirming_and_cancelling_through_the_pages(backend: Backend) {
    let app = spawn_app(backend).await;
    let confirm_link = signed_up(&app, "jana@skola.cz", &[WELLBEING, INFORMAL]).await;
    let (status, html) = page(&app, "/check-email?lang=cs").await;
    assert_eq!(status, 200);
    assert!(html.contains("Zkontrolujte svůj e-mail"));
    assert!(html.contains("24 hodin"));
    let rows = registrations(&app).await;
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r.status == RegistrationStatus::Pending));

    // Opening the link (what a mail scanner does too) changes nothing: it shows a button.
    let path = confirm_link.trim_start_matches(&app.address);
    let (status, html) = page(&app, path).await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!(r#"<form method="post" action="{path}?lang="#)));
    assert!(
        registrations(&app)
            .await
            .iter()
            .all(|r| r.status == RegistrationStatus::Pending)
    );

    let response = app
        .client
        .post(&confirm_link)
        .send()
        .await
        .expect("request sent");
    assert_eq!(response.status(), 200);
    let html = unescape(&response.text().await.unwrap());
    assert!(html.contains("Přihláška potvrzena"), "{html}");
    assert!(html.contains("Jak rozvíjet wellbeing žáků?"));
    assert!(html.contains("Jak propojovat formální a neformální vzdělávání?"));
    assert!(
        registrations(&app)
            .await
            .iter()
            .all(|r| r.status == RegistrationStatus::Confirmed)
    );
    let again = app.client.post(&confirm_link).send().await.unwrap();
    assert_eq!(again.status(), 200);
    assert!(again.text().await.unwrap().contains("už je potvrzená"));

    // The manage link of every email lists the registrations.
    let mails = app.emails_to("jana@skola.cz").await;
    let manage = mails[0].link(&app, "/me/");
    let me = manage.trim_start_matches(&app.address).to_owned();
    assert!(
        html.contains(&format!(r#"href="{me}?lang=cs""#)),
        "the outcome links to it"
    );
    let (status, html) = page(&app, &me).await;
    assert_eq!(status, 200);
    assert!(html.contains("Jana Dvořáková"));
    assert!(html.contains("Jak rozvíjet wellbeing žáků?"));
    assert_eq!(html.matches("potvrzeno").count(), 2);
    assert!(
        html.contains(", Kampus Hybernská, Hybernská 4"),
        "the room and the fair's venue"
    );
    assert!(html.contains("/workshops/3/calendar.ics"), "an .ics each");
    assert!(html.contains("webcal://127.0.0.1:"), "the personal feed");
    assert!(html.contains("/calendar.ics"));
    assert!(html.contains(&format!(r#"href="{me}/delete?lang=cs""#)));

    let id = registrations(&app).await[0].id;
    let cancel = format!("{me}/registrations/{id}/cancel?lang=cs");
    assert!(html.contains(&format!(r#"action="{cancel}""#)));
    let response = post_form(&app, &cancel, &[]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), format!("{me}?done=cancelled&lang=cs"));
    let (_, html) = page(&app, &location(&response)).await;
    assert!(html.contains("Přihláška je zrušená"));
    assert!(html.contains("Zrušené a propadlé"));
    assert_eq!(
        registrations(&app).await[0].status,
        RegistrationStatus::Cancelled
    );
    // A second click is harmless, and does not claim another email.
    let again = post_form(&app, &cancel, &[]).await;
    assert_eq!(again.status(), 303);
    assert_eq!(location(&again), format!("{me}?done=already&lang=cs"));
    let (_, html) = page(&app, &location(&again)).await;
    assert!(html.contains("už zrušená byla"), "{html}");
}

async fn the_manage_page_shows_the_place_in_line_and_asks_before_cancelling(backend: Backend) {
    let app = spawn_app(backend).await;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let full = activity::ActiveModel {
        id: Set(WELLBEING.parse().unwrap()),
        capacity: Set(0),
        waitlist_enabled: Set(true),
        ..Default::default()
    };
    full.update(app.state.db.conn()).await.unwrap();
    for email in ["a@skola.cz", "b@skola.cz"] {
        let form = good_form(email, &[WELLBEING]);
        let response = post_form(&app, &format!("{FAIR}/sign-up"), &form).await;
        assert_eq!(response.status(), 303);
    }
    let mails = app.emails_to("b@skola.cz").await;
    let me = mails[0].link(&app, "/me/");
    let (status, html) = page(&app, me.trim_start_matches(&app.address)).await;
    assert_eq!(status, 200);
    assert!(html.contains("2. v pořadí"), "{html}");
    assert!(html.contains("Odhlásit se z čekací listiny"), "{html}");
    assert!(
        html.contains("<details class=\"confirm\">") && html.contains("Opravdu?"),
        "the button is behind a question: {html}"
    );
}

async fn bad_fields_come_back_with_their_values_and_errors_in_czech_and_english(backend: Backend) {
    let app = spawn_app(backend).await;
    let fields = [
        ("name", "Jana"),
        ("email", "jana@"),
        ("activity", WELLBEING),
        ("role", "king"),
        ("district_id", "not-a-number"),
    ];
    let response = post_form(&app, &format!("{FAIR}/sign-up?lang=cs"), &fields).await;
    assert_eq!(response.status(), 422);
    let html = unescape(&response.text().await.unwrap());
    assert!(html.contains("<title>Chyba: "), "the title says so");
    assert!(html.contains(r#"<div class="error-summary" role="alert""#));
    assert!(html.contains(r##"<a href="#email">Zadejte platnou e-mailovou adresu"##));
    assert!(html.contains(r##"<a href="#consent">"##));
    assert!(html.contains(r##"<a href="#role">"##));
    assert!(html.contains(r##"<a href="#district_id">"##));
    assert!(html.contains(r#"value="jana@""#), "the typed email stays");
    assert!(html.contains(r#"value="Jana""#));
    assert!(html.contains(r#"id="email-error""#));
    assert!(html.contains(r#"aria-describedby="email-hint email-error" aria-invalid="true""#));
    assert!(html.contains(r#"aria-describedby="consent-error" aria-invalid="true""#));
    assert!(
        html.contains(r#"value="3" id="activity-3" checked"#),
        "the chosen workshop stays ticked"
    );
    nothing_was_written(&app).await;

    let response = post_form(&app, &format!("{FAIR}/sign-up?lang=en"), &fields).await;
    assert_eq!(response.status(), 422);
    let html = unescape(&response.text().await.unwrap());
    assert!(html.contains(r#"<html lang="en">"#));
    assert!(html.contains("<title>Error: "));
    assert!(html.contains("Enter a valid email address"));
    assert!(html.contains("We cannot sign you up without your consent"));
    assert!(html.contains("Please choose one of the options offered."));

    // No workshop, a workshop id that is not a number, overlapping workshops: field errors.
    let mut fields = good_form("jana@skola.cz", &[]);
    let response = post_form(&app, &format!("{FAIR}/sign-up"), &fields).await;
    assert_eq!(response.status(), 422);
    let html = unescape(&response.text().await.unwrap());
    assert!(html.contains("Vyberte alespoň jednu akci."));
    assert!(html.contains(r##"<a href="#activity-"##));
    fields.push(("activity", "abc"));
    let response = post_form(&app, &format!("{FAIR}/sign-up"), &fields).await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Vybraná akce neexistuje.")
    );
    let response = post_form(
        &app,
        &format!("{FAIR}/sign-up?lang=en"),
        &good_form("jana@skola.cz", &[WELLBEING, LEARNING]),
    )
    .await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("These activities overlap in time")
    );
    // A meeting's id through the fair's form is not one of its workshops.
    let meeting = first_upcoming_meeting(&app).await;
    let response = post_form(
        &app,
        &format!("{FAIR}/sign-up"),
        &good_form("jana@skola.cz", &[&meeting.to_string()]),
    )
    .await;
    assert_eq!(response.status(), 422);

    // Bytes that are not UTF-8, and consent that is not the ticked box's "yes".
    for (body, error) in [
        (
            "name=%ff%fe&email=jana%40skola.cz&activity=3&consent=yes",
            "characters that are not allowed",
        ),
        (
            "name=Jana&email=jana%40skola.cz&activity=3&consent=no",
            "without your consent",
        ),
    ] {
        let response = app
            .client
            .post(format!("{}{FAIR}/sign-up?lang=en", app.address))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422, "{body}");
        assert!(response.text().await.unwrap().contains(error), "{body}");
    }
    nothing_was_written(&app).await;
}

async fn a_filled_in_honeypot_is_answered_like_success_and_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut fields = good_form("robot@spam.example", &[WELLBEING]);
    fields.retain(|(k, _)| *k != "website");
    fields.push(("website", "http://spam.example"));
    let response = post_form(&app, &format!("{FAIR}/sign-up?lang=cs"), &fields).await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/check-email?lang=cs");
    nothing_was_written(&app).await;
}

async fn markup_in_a_name_is_shown_as_text_on_the_manage_page(backend: Backend) {
    let app = spawn_app(backend).await;
    let payload = r#"<script>alert("x")</script><img src=x onerror=alert(1)>"#;
    let mut fields = good_form("jana@skola.cz", &[WELLBEING]);
    fields[0] = ("name", payload);
    let response = post_form(&app, &format!("{FAIR}/sign-up"), &fields).await;
    assert_eq!(response.status(), 303);
    let mails = app.emails_to("jana@skola.cz").await;
    let manage = mails[0].link(&app, "/me/");
    let html = app.client.get(&manage).send().await.unwrap();
    let html = html.text().await.unwrap();
    assert!(!html.contains("<script>"), "{html}");
    assert!(!html.contains("<img"));
    assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;&#x2f;script&gt;"));
}

async fn unknown_links_and_ids_get_a_404_page(backend: Backend) {
    let app = spawn_app(backend).await;
    let unknown_token = "A".repeat(43);
    for path in [
        format!("/me/{unknown_token}"),
        format!("/me/{unknown_token}/delete"),
        "/me/short".to_owned(),
        "/confirm/garbage".to_owned(),
        "/workshops/abc".to_owned(),
        "/workshops/99999".to_owned(),
        "/workshops/99999999999999999999".to_owned(),
        "/meetings/abc".to_owned(),
        "/meetings/1".to_owned(),   // a workshop's id
        "/workshops/11".to_owned(), // a meeting's id
        "/fairs/no-such-fair".to_owned(),
        "/fairs/no-such-fair/exhibitors".to_owned(),
        "/no/such/page".to_owned(),
        // Percent-escapes that are not UTF-8.
        "/me/%ff%fe".to_owned(),
        "/workshops/%ff".to_owned(),
        "/confirm/%ff".to_owned(),
        "/me/%ff%fe/calendar.ics".to_owned(),
    ] {
        let (status, html) = page(&app, &path).await;
        assert_eq!(status, 404, "{path}");
        assert!(html.contains("Stránka nenalezena"), "{path}: {html}");
    }
    for path in [
        format!("/me/{unknown_token}/registrations/1/cancel"),
        format!("/me/{unknown_token}/registrations/abc/cancel"),
        format!("/me/{unknown_token}/delete"),
        "/meetings/abc/sign-up".to_owned(),
        "/fairs/no-such-fair/sign-up".to_owned(),
    ] {
        let response = post_form(&app, &format!("{path}?lang=en"), &[]).await;
        assert_eq!(response.status(), 404, "{path}");
        assert!(response.text().await.unwrap().contains("Page not found"));
    }
    // Someone else's registration through my link: not found either.
    signed_up(&app, "a@skola.cz", &[WELLBEING]).await;
    let b = signed_up(&app, "b@skola.cz", &[INFORMAL]).await;
    assert!(!b.is_empty());
    let mails = app.emails_to("a@skola.cz").await;
    let me_a = mails[0].link(&app, "/me/");
    let b_registration = registrations(&app).await[1].id;
    let response = app
        .client
        .post(format!("{me_a}/registrations/{b_registration}/cancel"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(
        registrations(&app).await[1].status,
        RegistrationStatus::Pending
    );
}

async fn a_replaced_or_clashing_confirm_link_says_what_happened(backend: Backend) {
    let app = spawn_app(backend).await;
    // Signing up again sends a new link: the first one no longer opens anything.
    let first = signed_up(&app, "jana@skola.cz", &[WELLBEING]).await;
    let second = signed_up(&app, "jana@skola.cz", &[WELLBEING]).await;
    assert_ne!(first, second);
    let replaced = app.client.post(&first).send().await.unwrap();
    assert_eq!(replaced.status(), 404);
    let html = replaced.text().await.unwrap();
    assert!(html.contains("Odkaz už neplatí"), "{html}");
    assert!(html.contains("nejnovějšího e-mailu"), "{html}");
    let confirmed = app.client.post(&second).send().await.unwrap();
    assert_eq!(confirmed.status(), 200);
    assert!(
        confirmed
            .text()
            .await
            .unwrap()
            .contains("Přihláška potvrzena")
    );

    // LEARNING runs at the same time as WELLBEING, now confirmed: its link confirms nothing,
    // and the page must not say it did.
    let clashing = signed_up(&app, "jana@skola.cz", &[LEARNING]).await;
    let answer = app
        .client
        .post(format!("{clashing}?lang=en"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let html = answer.text().await.unwrap();
    assert!(html.contains("Sign-up not confirmed"), "{html}");
    assert!(!html.contains("Sign-up confirmed"), "{html}");
    assert!(!html.contains("on its way by email"), "{html}");
}

async fn pages_carry_security_headers_and_no_inline_style(backend: Backend) {
    let app = spawn_app(backend).await;
    for path in ["/", FAIR, "/meetings", "/no/such/page"] {
        let response = app.get(path).await;
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("default-src 'none'"), "{path}");
        assert!(csp.contains("style-src 'self'"), "{path}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}");
        assert!(!csp.contains("unsafe-inline"), "{path}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
        let html = response.text().await.unwrap();
        assert!(!html.contains("<style"), "{path}");
        assert!(!html.contains("<script"), "{path}");
        assert!(!html.contains(" style="), "{path}");
    }
    let (_, html) = page(&app, "/").await;
    let css = html
        .split(r#"<link rel="stylesheet" href=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a stylesheet link")
        .to_owned();
    assert!(css.starts_with("/static/site.css?v="));
    let response = app.get(&css).await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    assert!(
        response.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age=31536000")
    );
    // Pages behind a personal link are never stored by a cache.
    let confirm = signed_up(&app, "jana@skola.cz", &[WELLBEING]).await;
    let response = app.client.get(&confirm).send().await.unwrap();
    assert_eq!(response.headers()["cache-control"], "private, no-store");
    assert_eq!(response.headers()["referrer-policy"], "no-referrer");
}

async fn first_upcoming_meeting(app: &TestApp) -> i32 {
    activity::Entity::find()
        .filter(activity::Column::Kind.eq(ActivityKind::Meeting))
        .filter(activity::Column::StartsAt.gt(chrono::Utc::now()))
        .order_by_asc(activity::Column::StartsAt)
        .one(app.state.db.conn())
        .await
        .unwrap()
        .expect("the demo has upcoming meetings")
        .id
}

async fn meetings_filter_by_place_and_take_sign_ups_on_their_own_page(backend: Backend) {
    let app = spawn_app(backend).await;
    let (status, html) = page(&app, "/meetings").await;
    assert_eq!(status, 200);
    assert!(html.contains("Sdílení zkušeností iniciátorů Okresních Partnerství"));
    assert!(html.contains(r#"<option value="olomoucky-kraj">Olomoucký kraj</option>"#));
    assert!(!html.contains("Krnov"), "past meetings are not listed");

    // The online series names no region: a region's list is empty, not an error.
    let (status, html) = page(&app, "/meetings?region=olomoucky-kraj&district=").await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"<option value="olomoucky-kraj" selected>"#));
    assert!(html.contains("Žádná nadcházející setkání."));
    let (status, html) = page(&app, "/meetings?region=atlantida&lang=en").await;
    assert_eq!(status, 422);
    assert!(html.contains(r#"id="region-error""#));
    assert!(html.contains(r#"aria-invalid="true" aria-describedby="region-error""#));
    let (status, html) = page(&app, "/meetings?region=olomoucky-kraj&district=opava").await;
    assert_eq!(status, 422);
    assert!(html.contains("Tento okres nepatří do vybraného kraje."));

    let id = first_upcoming_meeting(&app).await;
    let (status, html) = page(&app, &format!("/meetings/{id}")).await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!(r#"action="/meetings/{id}/sign-up?lang=cs""#)));
    assert!(html.contains("volná místa: 60 z 60"));
    assert!(html.contains(&format!("/meetings/{id}/calendar.ics")));

    let bad = post_form(
        &app,
        &format!("/meetings/{id}/sign-up"),
        &[("name", ""), ("email", "x")],
    )
    .await;
    assert_eq!(bad.status(), 422);
    let html = unescape(&bad.text().await.unwrap());
    assert!(html.contains("Toto pole je povinné."));
    assert!(html.contains(r##"<a href="#name">"##));
    nothing_was_written(&app).await;

    // The activity comes from the address; one posted alongside is ignored.
    let mut fields = good_form("petr@skola.cz", &[WELLBEING]);
    fields.push(("district_id", "1"));
    fields.retain(|(k, v)| !(*k == "district_id" && v.is_empty()));
    let response = post_form(&app, &format!("/meetings/{id}/sign-up?lang=en"), &fields).await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/check-email?lang=en");
    let rows = registrations(&app).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].activity_id, id);
    let mails = app.emails_to("petr@skola.cz").await;
    assert!(
        mails[0].subject.starts_with("Please confirm"),
        "{}",
        mails[0].subject
    );
    for part in [&mails[0].text, &mails[0].html] {
        assert!(
            !part.contains("Úspěch pro každého žáka"),
            "a meeting's email names no fair: {part}"
        );
    }
}

async fn exhibitors_show_the_workshops_their_people_run(backend: Backend) {
    let app = spawn_app(backend).await;
    let (status, html) = page(&app, &format!("{FAIR}/exhibitors")).await;
    assert_eq!(status, 200);
    let card = |name: &str| -> String {
        let start = html.find(&format!(">{name}</h2>")).expect(name);
        let end = html[start..]
            .find(r#"<li class="card">"#)
            .map_or(html.len(), |e| start + e);
        html[start..end].to_owned()
    };
    assert!(card("EDUin").contains("Ředitel zavalený papíry a byrokracií"));
    assert!(card("Učitel naživo").contains("pedagogický leadership"));
    assert!(
        card("Asociace ředitelů ZŠ").contains("Jak rozvíjet wellbeing žáků?"),
        "ZŠ stands for základních škol"
    );
    assert!(!card("AISIS").contains("/workshops/"));
}

async fn a_workshop_page_has_its_facts_and_calendar_links(backend: Backend) {
    let app = spawn_app(backend).await;
    let (status, html) = page(&app, "/workshops/7?lang=en").await;
    assert_eq!(status, 200);
    assert!(html.contains("M. Hřebecký (EDUin)"));
    assert!(html.contains("Sál B"));
    assert!(html.contains("seats left: 30 of 30"));
    assert!(html.contains("/workshops/7/calendar.ics?lang=en"));
    assert!(html.contains("webcal://"));
    assert!(html.contains("https://calendar.google.com/calendar/render?cid="));
    assert!(html.contains("https://outlook.live.com/calendar/0/addfromweb?url="));
    assert!(
        html.contains(r#"href="/fairs/uspech-pro-kazdeho-zaka?activity=7&lang=en#activity-7""#)
    );
    let (_, html) = page(&app, "/fairs/uspech-pro-kazdeho-zaka?activity=7").await;
    assert!(html.contains(r#"value="7" id="activity-7" checked"#));

    // Full: the button says it is the waiting list. Cancelled: nothing to add to a calendar.
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let conn = app.state.db.conn();
    let full = activity::ActiveModel {
        id: Set(7),
        capacity: Set(0),
        ..Default::default()
    };
    full.update(conn).await.unwrap();
    let (_, html) = page(&app, "/workshops/7?lang=en").await;
    assert!(html.contains("Join the waiting list"), "{html}");
    let cancelled = activity::ActiveModel {
        id: Set(7),
        status: Set(entity::enums::ActivityStatus::Cancelled),
        ..Default::default()
    };
    cancelled.update(conn).await.unwrap();
    let (_, html) = page(&app, "/workshops/7?lang=en").await;
    assert!(!html.contains("Add to your calendar"), "{html}");
    // Past: no seats to count. Meeting 8 took place in May 2022.
    let (_, html) = page(&app, "/meetings/8?lang=en").await;
    assert!(!html.contains("seats left"), "{html}");
}

async fn deleting_my_data_asks_first_then_forgets_me(backend: Backend) {
    let app = spawn_app(backend).await;
    signed_up(&app, "jana@skola.cz", &[WELLBEING]).await;
    let mails = app.emails_to("jana@skola.cz").await;
    let me = mails[0]
        .link(&app, "/me/")
        .trim_start_matches(&app.address)
        .to_owned();
    let (status, html) = page(&app, &format!("{me}/delete")).await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!(
        r#"<form method="post" action="{me}/delete?lang=cs">"#
    )));
    assert!(html.contains("Platných přihlášek, které zrušíme: 1."));
    assert_eq!(
        registrations(&app).await[0].status,
        RegistrationStatus::Pending
    );

    let response = post_form(&app, &format!("{me}/delete?lang=cs"), &[]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/deleted?lang=cs");
    let (status, html) = page(&app, "/deleted?lang=cs").await;
    assert_eq!(status, 200);
    assert!(html.contains("Údaje smazány"));
    assert_eq!(
        registrations(&app).await[0].status,
        RegistrationStatus::Cancelled
    );
    assert_eq!(page(&app, &me).await.0, 404, "the link opens nothing now");
}

async fn too_many_requests_get_a_429_page_in_the_visitors_language(backend: Backend) {
    let app = spawn_app_with(backend, |config| {
        config.limits.token_requests_per_ip_per_minute = 2;
    })
    .await;
    let path = format!("/me/{}?lang=en", "A".repeat(43));
    assert_eq!(page(&app, &path).await.0, 404);
    assert_eq!(page(&app, &path).await.0, 404);
    let response = app.get(&path).await;
    assert_eq!(response.status(), 429);
    let retry: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry));
    let html = response.text().await.unwrap();
    assert!(html.contains("Too many requests"));
}

async fn without_the_database_pages_answer_503_and_say_so(backend: Backend) {
    let app = spawn_app(backend).await;
    assert_eq!(page(&app, FAIR).await.0, 200);
    app.state.db.clone().close().await;
    for path in [FAIR.to_owned(), "/meetings?lang=en".to_owned()] {
        let response = app.get(&path).await;
        assert_eq!(response.status(), 503, "{path}");
        assert!(response.headers().contains_key("retry-after"));
        assert_eq!(response.headers()["referrer-policy"], "no-referrer");
        let html = response.text().await.unwrap();
        assert!(
            html.contains("Služba je dočasně nedostupná")
                || html.contains("Service temporarily unavailable"),
            "{path}: {html}"
        );
    }
    let response = post_form(
        &app,
        &format!("{FAIR}/sign-up"),
        &good_form("jana@skola.cz", &[WELLBEING]),
    )
    .await;
    assert_eq!(response.status(), 503);
}

async fn a_forms_address_opened_as_a_page_leads_to_the_form(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app.get(&format!("{FAIR}/sign-up?lang=en")).await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), format!("{FAIR}?lang=en"));
    let response = app.get("/meetings/12/sign-up").await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/meetings/12?lang=cs");
    assert_eq!(app.get("/meetings/x/sign-up").await.status(), 404);
}

on_both_backends!(
    without_the_database_pages_answer_503_and_say_so,
    a_forms_address_opened_as_a_page_leads_to_the_form,
    the_programme_lists_slots_and_free_seats,
    signing_up_confirming_and_cancelling_through_the_pages,
    bad_fields_come_back_with_their_values_and_errors_in_czech_and_english,
    a_filled_in_honeypot_is_answered_like_success_and_changes_nothing,
    markup_in_a_name_is_shown_as_text_on_the_manage_page,
    unknown_links_and_ids_get_a_404_page,
    the_manage_page_shows_the_place_in_line_and_asks_before_cancelling,
    a_replaced_or_clashing_confirm_link_says_what_happened,
    pages_carry_security_headers_and_no_inline_style,
    meetings_filter_by_place_and_take_sign_ups_on_their_own_page,
    exhibitors_show_the_workshops_their_people_run,
    a_workshop_page_has_its_facts_and_calendar_links,
    deleting_my_data_asks_first_then_forgets_me,
    too_many_requests_get_a_429_page_in_the_visitors_language,
);
