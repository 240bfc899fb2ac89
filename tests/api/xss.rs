//! Hostile input (issue 8): a script payload in every free-text field that participants,
//! exhibitors and organisers can set, through the real forms and the API; then every public and
//! organiser page, every email's HTML part and the downloads are read back. Nothing may run:
//! no `<script>` element, no event-handler attribute, no evaluated template syntax — and each
//! field must show, escaped, where it belongs, so the test cannot pass by a page leaving it out.
//! `XSS_SHOW=1` prints which fields each page shows (and skips that last check).

use chrono::Duration;
use entity::{enums::OrganiserRole, exhibitor, fair, organiser, person, registration, speaker};
use reqwest::{Method, header};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::helpers::organisers::{Staff, browser, call_api, demo_fair, get_page, post_form, staff};
use crate::helpers::{Backend, TestApp, on_both_backends, spawn_app};

/// Breaks out of text, of both kinds of quoted attribute, and tries template evaluation.
const PAYLOAD: &str =
    r#"<script>alert(1)</script>"'><img src=x onerror=alert(2)>{{7*7}}" onfocus="alert(3)"#;

/// The payload behind a marker naming the field, so a failure says which field leaked.
fn hostile(marker: &str) -> String {
    format!("{marker}{PAYLOAD}")
}

/// Every marker, one per field (and `Xform~`, `Xquery~` for what forms and searches echo).
const MARKERS: &str = "\
    Xfname~ Xfvenue~ Xfdesc~ Xregion~ Xdistrict~ Xpname~ Xpinit~ Xtitle~ Xdesc~ Xtopic~ \
    Xroom~ Xplace~ Xspeaker~ Xsporg~ Xseries~ Xsdesc~ Xsplace~ Xname~ Xschool~ \
    Xapiname~ Xapischool~ Xexorg~ Xexcontact~ Xexdesc~ Xexweb~ Xexwish~ Xexapi~ \
    Xex2name~ Xex2desc~ Xex2web~ Xex2stand~ Xex2wish~ Xex2contact~ Xstand~ Xreject~ \
    Xaddname~ Xaddschool~ Xremoved~ Xctitle~ Xcancel~ Xscancel~ Xtoken~ Xinvite~ \
    Xquery~ Xform~ Xroom2~ Xwait~ Xfeedback~";

/// A start tag as a browser's tokenizer reads it: its name and attributes.
struct Tag {
    /// Where the tag ends in the document.
    end: usize,
    name: String,
    attributes: Vec<(String, String)>,
}

/// The start tags of `html` (enough of the HTML tokenizer to see injected elements and
/// attributes: comments, quoted and unquoted values, raw-text elements).
fn start_tags(html: &str) -> Vec<Tag> {
    let b = html.as_bytes();
    let mut tags = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        if html[i..].starts_with("<!--") {
            i = html[i..].find("-->").map_or(b.len(), |e| i + e + 3);
            continue;
        }
        match b.get(i + 1) {
            Some(b'!' | b'?' | b'/') => {
                i = html[i..].find('>').map_or(b.len(), |e| i + e + 1);
                continue;
            }
            Some(c) if c.is_ascii_alphabetic() => {}
            _ => {
                i += 1;
                continue;
            }
        }
        i += 1;
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' && b[i] != b'/' {
            i += 1;
        }
        let name = html[start..i].to_ascii_lowercase();
        let mut attributes = Vec::new();
        loop {
            while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' {
                i += 1;
                break;
            }
            let start = i;
            i += 1;
            while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'>' | b'/' | b'=')
            {
                i += 1;
            }
            let attribute = html[start..i].to_ascii_lowercase();
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            let mut value = String::new();
            if b.get(i) == Some(&b'=') {
                i += 1;
                while i < b.len() && b[i].is_ascii_whitespace() {
                    i += 1;
                }
                match b.get(i) {
                    Some(&q @ (b'"' | b'\'')) => {
                        let end = html[i + 1..].find(q as char).map_or(b.len(), |e| i + 1 + e);
                        value = html[i + 1..end.min(b.len())].to_owned();
                        i = end + 1;
                    }
                    _ => {
                        let start = i;
                        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                            i += 1;
                        }
                        value = html[start..i].to_owned();
                    }
                }
            }
            attributes.push((attribute, value));
        }
        let end = i.min(b.len());
        // The contents of these elements are text, never tags.
        if matches!(name.as_str(), "script" | "style" | "textarea" | "title") {
            let close = format!("</{name}");
            i = html[i.min(b.len())..]
                .to_ascii_lowercase()
                .find(&close)
                .map_or(b.len(), |e| i + e);
        }
        tags.push(Tag {
            end,
            name,
            attributes,
        });
    }
    tags
}

/// The text a browser shows for `html`'s character references (the ones escapers write).
fn decoded(html: &str) -> String {
    html.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&#x2f;", "/")
        .replace("&#47;", "/")
        .replace("&amp;", "&")
}

/// Checks one HTML document: no element or attribute came from the payload, `{{7*7}}` stayed
/// text, and each of the `expected` markers (space-separated) shows its field whole once the
/// escaping is read back.
fn assert_inert(what: &str, html: &str, expected: &str) {
    // The field that leaked: the marker written last before `at`, the end of the injection.
    let field = |at: usize| {
        MARKERS
            .split_whitespace()
            .filter_map(|m| html[..at].rfind(m).map(|p| (p, m)))
            .max()
            .map_or("no field", |(_, m)| m)
    };
    for tag in start_tags(html) {
        let injected = tag.name == "script"
            || tag
                .attributes
                .iter()
                .any(|(n, v)| n.starts_with("on") || (tag.name == "img" && n == "src" && v == "x"));
        assert!(
            !injected,
            "{what}: <{} {:?}> from {}",
            tag.name,
            tag.attributes,
            field(tag.end)
        );
    }
    for raw in ["<script>alert(1)", "<img src=x", "\" onfocus=\"alert(3)"] {
        if let Some(at) = html.find(raw) {
            panic!("{what}: raw {raw:?} from {}", field(at + raw.len()));
        }
    }
    let text = decoded(html);
    assert!(
        !text.contains("alert(2)>49"),
        "{what}: {{{{7*7}}}} was evaluated"
    );
    let show = std::env::var_os("XSS_SHOW").is_some();
    let found: Vec<&str> = MARKERS
        .split_whitespace()
        .filter(|m| html.contains(m))
        .collect();
    for marker in expected.split_whitespace().filter(|_| !show) {
        // The audit log shows a nested value (a series' meetings) as JSON.
        let as_json = json!(hostile(marker)).to_string();
        assert!(
            text.contains(&hostile(marker)) || text.contains(as_json.trim_matches('"')),
            "{what}: {marker} is not shown escaped and whole; shown: {found:?}"
        );
    }
    if show {
        eprintln!("{what}: {found:?}");
    }
}

/// The admin of this test: a signed-in browser and an API token.
struct Admin<'a> {
    app: &'a TestApp,
    staff: Staff,
}

impl Admin<'_> {
    /// A JSON API call that must succeed; its answer.
    async fn call(&self, method: Method, path: &str, body: Value) -> Value {
        let answer = call_api(
            self.app,
            Some(&self.staff),
            method.clone(),
            path,
            Some(body),
        )
        .await;
        let status = answer.status();
        let text = answer.text().await.unwrap();
        assert!(status.is_success(), "{method} /api{path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        self.call(Method::POST, path, body).await
    }

    /// An admin form POST (with the CSRF token); its status and page.
    async fn form(&self, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
        let answer = post_form(self.app, Some(&self.staff), path, fields).await;
        (answer.status().as_u16(), answer.text().await.unwrap())
    }
}

fn id(v: &Value) -> i32 {
    v["id"].as_i64().expect("an id") as i32
}

/// A page as `who` sees it (`None`: a visitor); it must be there and be HTML.
async fn page(app: &TestApp, who: Option<&Staff>, path: &str) -> String {
    let answer = get_page(app, who, path).await;
    assert_eq!(answer.status(), 200, "GET {path}");
    let kind = answer.headers()[header::CONTENT_TYPE].to_str().unwrap();
    assert!(kind.starts_with("text/html"), "GET {path}: {kind}");
    answer.text().await.unwrap()
}

/// A form POST by a visitor (no session); the answer's status and page.
async fn visitor_post(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let answer = app
        .client
        .post(format!("{}{path}", app.address))
        .form(fields)
        .send()
        .await
        .unwrap();
    (answer.status().as_u16(), answer.text().await.unwrap())
}

/// What [`fill_every_field`] made.
struct Hostile {
    slug: String,
    fair: i32,
    region: i32,
    district: i32,
    workshop: i32,
    series: i32,
    meeting: i32,
    exhibitors: [i32; 3],
    /// The sign-up form's person: their manage page and their registration.
    manage: String,
    seat: i32,
}

/// Writes the payload into every free-text field: the organisers' through the API and the
/// admin forms, the participants' and exhibitors' through the public forms and the API. Also
/// checks the pages seen only on the way (invitation, confirmation).
async fn fill_every_field(app: &TestApp, admin: &Admin<'_>) -> Hostile {
    let h = hostile;
    let db = app.state.db.conn();
    let fair_id = demo_fair(app).await;
    let texts = json!({"name": h("Xfname~"), "venue": h("Xfvenue~"), "description": h("Xfdesc~")});
    admin
        .call(Method::PATCH, &format!("/admin/fairs/{fair_id}"), texts)
        .await;
    let fair = fair::Entity::find_by_id(fair_id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let region = id(&admin
        .post("/admin/regions", json!({"name": h("Xregion~")}))
        .await);
    let district = json!({"name": h("Xdistrict~"), "region_id": region});
    let district = id(&admin.post("/admin/districts", district).await);
    let partnership = json!({"name": h("Xpname~"), "initiators": h("Xpinit~")});
    let path = format!("/admin/districts/{district}/partnership");
    admin.call(Method::PUT, &path, partnership).await;

    let starts = fair.starts_at + Duration::hours(1);
    let workshop = |title: &str| {
        json!({
            "kind": "workshop", "fair_id": fair_id, "title": h(title),
            "description": h("Xdesc~"), "topic": h("Xtopic~"), "room": h("Xroom~"),
            "place": h("Xplace~"), "starts_at": starts, "ends_at": starts + Duration::hours(1),
            "capacity": 10,
        })
    };
    let doomed = id(&admin.post("/admin/activities", workshop("Xctitle~")).await);
    let workshop = id(&admin.post("/admin/activities", workshop("Xtitle~")).await);
    // Speakers have no form or API (only the demo loads them): stored directly.
    speaker::ActiveModel {
        activity_id: Set(workshop),
        position: Set(0),
        name: Set(h("Xspeaker~")),
        organisation: Set(Some(h("Xsporg~"))),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    let series = json!({
        "title": h("Xseries~"), "region_id": region, "interval_days": 7,
        "first_starts_at": fair.starts_at + Duration::days(30), "duration_minutes": 120,
        "count": 2, "description": h("Xsdesc~"), "place": h("Xsplace~"), "capacity": 20,
        "district_ids": [district],
    });
    let series = admin.post("/admin/series", series).await;
    let meeting = id(&series["occurrences"][0]);

    // An API token and an invitation, through the admin pages; the invitation accepted.
    let (status, _) = admin
        .form("/admin/tokens", &[("name", &h("Xtoken~"))])
        .await;
    assert!(status < 400, "a new token: {status}");
    let invite = [
        ("email", "invitee@xss.test"),
        ("name", &h("Xinvite~")),
        ("role", "viewer"),
    ];
    assert_eq!(admin.form("/admin/invitations", &invite).await.0, 303);
    let invitation = app.emails_to("invitee@xss.test").await.pop().unwrap();
    let accept = invitation.link(app, "/admin/invitations/");
    let accept_page = page(app, None, accept.trim_start_matches(&app.address)).await;
    assert_inert("accepting the invitation", &accept_page, "");
    let password = "dlouhé heslo 12345";
    let answer = browser()
        .post(&accept)
        .form(&[("password", password), ("password_again", password)])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 303, "accepting the invitation");

    // Participants: the sign-up form (then confirmed on the page) and the API.
    let slug = fair.slug;
    let (workshop_s, district_s) = (workshop.to_string(), district.to_string());
    let signed_up = visitor_post(
        app,
        &format!("/fairs/{slug}/sign-up"),
        &[
            ("name", &h("Xname~")),
            ("email", "ucitel@xss.test"),
            ("organisation", &h("Xschool~")),
            ("role", "teacher"),
            ("district_id", &district_s),
            ("activity", &workshop_s),
            ("consent", "yes"),
        ],
    )
    .await;
    assert!(signed_up.0 < 400, "the sign-up form: {signed_up:?}");
    let request = app.emails_to("ucitel@xss.test").await.pop().unwrap();
    let confirm = request.link(app, "/confirm/").replace(&app.address, "");
    assert_inert("confirm page", &page(app, None, &confirm).await, "");
    let (status, confirmed) = visitor_post(app, &confirm, &[]).await;
    assert_eq!(status, 200, "confirming");
    assert_inert("confirmed page", &confirmed, "Xtitle~");
    let manage = format!("/me/{}", request.token(app, "/me/"));
    let answer = app
        .post_json(
            "/api/registrations?lang=en",
            &json!({
                "name": h("Xapiname~"), "email": "reditel@xss.test",
                "organisation": h("Xapischool~"), "role": "principal", "district_id": district,
                "activity_ids": [meeting], "consent": true,
            }),
        )
        .await;
    assert_eq!(answer.status(), 202, "API sign-up");
    let request = app.emails_to("reditel@xss.test").await.pop().unwrap();
    let path = format!("/api/confirmations/{}", request.token(app, "/confirm/"));
    assert_eq!(app.post_json(&path, &json!({})).await.status(), 200);

    // Exhibitors: applications through the form (approved) and the API (rejected), and one
    // an organiser adds.
    let applied = visitor_post(
        app,
        &format!("/fairs/{slug}/exhibitors/apply"),
        &[
            ("organisation", &h("Xexorg~")),
            ("contact_name", &h("Xexcontact~")),
            ("contact_email", "vystavovatel@xss.test"),
            ("description", &h("Xexdesc~")),
            ("website", &format!("https://xss.test/{}", h("Xexweb~"))),
            ("wished_stand", &h("Xexwish~")),
        ],
    )
    .await;
    assert!(applied.0 < 400, "the application form: {applied:?}");
    let path = format!("/api/fairs/{slug}/exhibitors/apply?lang=en");
    let application = json!({
        "organisation": h("Xexapi~"), "contact_name": "Petra Malá",
        "contact_email": "odmitnuty@xss.test", "description": "Čtenářství.",
    });
    assert_eq!(app.post_json(&path, &application).await.status(), 202);
    let applied = |email: &'static str| async move {
        exhibitor::Entity::find()
            .filter(exhibitor::Column::ContactEmail.eq(email))
            .one(db)
            .await
            .unwrap()
            .expect("the application is stored")
            .id
    };
    let (approved, rejected) = (
        applied("vystavovatel@xss.test").await,
        applied("odmitnuty@xss.test").await,
    );
    let path = format!("/admin/exhibitors/{approved}/approve");
    admin.post(&path, json!({"stand": h("Xstand~")})).await;
    let path = format!("/admin/exhibitors/{rejected}/reject");
    admin.post(&path, json!({"reason": h("Xreject~")})).await;
    let added = json!({
        "name": h("Xex2name~"), "description": h("Xex2desc~"),
        "website": format!("https://xss.test/{}", h("Xex2web~")), "stand": h("Xex2stand~"),
        "wished_stand": h("Xex2wish~"), "contact_name": h("Xex2contact~"),
        "contact_email": "druhy@xss.test",
    });
    let added = id(&admin
        .post(&format!("/admin/fairs/{fair_id}/exhibitors"), added)
        .await);

    // An organiser adds people, removes one with a reason, cancels a workshop with a reason.
    let person = json!({
        "name": h("Xaddname~"), "email": "pridany@xss.test", "organisation": h("Xaddschool~"),
    });
    admin
        .post(&format!("/admin/activities/{workshop}/attendees"), person)
        .await;
    let path = format!("/admin/activities/{doomed}/attendees");
    let person = json!({"name": "Odebraná Osoba", "email": "odebrany@xss.test"});
    let removed = id(&admin.post(&path, person).await);
    let reason = json!({"reason": h("Xremoved~")});
    admin
        .post(&format!("/admin/registrations/{removed}/cancel"), reason)
        .await;
    let person = json!({"name": "Zrušená Osoba", "email": "zruseny@xss.test"});
    admin.post(&path, person).await;
    let reason = json!({"reason": h("Xcancel~")});
    admin
        .post(&format!("/admin/activities/{doomed}/cancel"), reason)
        .await;

    let teacher = person::Entity::find()
        .filter(person::Column::Email.eq("ucitel@xss.test"))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let seat = registration::Entity::find()
        .filter(registration::Column::PersonId.eq(teacher.id))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    Hostile {
        slug,
        fair: fair_id,
        region,
        district,
        workshop,
        series: id(&series),
        meeting,
        exhibitors: [approved, rejected, added],
        manage,
        seat: seat.id,
    }
}

/// Forms answered with their mistakes, and searches, show what was typed — escaped.
async fn check_echoed_input(app: &TestApp, admin: &Admin<'_>, x: &Hostile) {
    let form = hostile("Xform~");
    let workshop = x.workshop.to_string();
    let slug = &x.slug;
    let sign_up = [
        ("name", &*form),
        ("email", "x@xss.test"),
        ("activity", &workshop),
    ];
    let (status, body) = visitor_post(app, &format!("/fairs/{slug}/sign-up"), &sign_up).await;
    assert_eq!(status, 422, "a sign-up without consent");
    assert_inert("sign-up form with mistakes", &body, "Xform~");
    let apply = [
        ("organisation", &*form),
        ("contact_email", "not an address"),
    ];
    let path = format!("/fairs/{slug}/exhibitors/apply");
    let (status, body) = visitor_post(app, &path, &apply).await;
    assert_eq!(status, 422, "an application with a wrong address");
    assert_inert("application form with mistakes", &body, "Xform~");
    let activity = [
        ("kind", "workshop"),
        ("title", &*form),
        ("capacity", "many"),
    ];
    let (status, body) = admin.form("/admin/activities/new", &activity).await;
    assert_eq!(status, 422, "an activity with a wrong capacity");
    assert_inert("activity form with mistakes", &body, "Xform~");
    let q: String = url::form_urlencoded::byte_serialize(hostile("Xquery~").as_bytes()).collect();
    for path in [
        format!("/admin/people?q={q}"),
        format!("/admin/activities/{workshop}/attendees?q={q}"),
        format!("/admin/fairs/{}/attendees?q={q}", x.fair),
        format!("/admin/activities/{workshop}/checkin?q={q}"),
    ] {
        assert_inert(
            &path,
            &page(app, Some(&admin.staff), &path).await,
            "Xquery~",
        );
    }
    // Addresses that do not exist, and queries no page reads, as a visitor and an organiser.
    for path in [
        format!("/fairs/{q}"),
        format!("/fairs/{slug}?x={q}"),
        format!("/meetings?region={q}&district={q}"),
        format!("/me/{q}"),
        format!("/confirm/{q}"),
        format!("/{q}"),
        format!("/admin/{q}"),
        format!("/admin/activities?x={q}"),
        format!("/admin/audit?action={q}&subject_type={q}&from={q}"),
    ] {
        for who in [None, Some(&admin.staff)] {
            let answer = get_page(app, who, &path).await;
            let status = answer.status();
            assert!(status.as_u16() < 500, "GET {path}: {status}");
            assert_inert(&path, &answer.text().await.unwrap(), "");
        }
    }
    // A script address is never taken for a website.
    let apply = [
        ("organisation", "Škola"),
        ("contact_name", "Petra"),
        ("contact_email", "petra@xss.test"),
        ("website", "javascript:alert(1)//xss.test"),
    ];
    let (status, body) = visitor_post(app, &path, &apply).await;
    assert_eq!(status, 422, "a javascript: website");
    assert!(
        body.contains("id=\"website-error\"") || body.contains("#website"),
        "{body}"
    );
}

/// Every page that shows these texts: to visitors in both languages, and to the organiser.
async fn check_pages(app: &TestApp, admin: &Admin<'_>, x: &Hostile) {
    let (slug, workshop, meeting, manage) = (&x.slug, x.workshop, x.meeting, &x.manage);
    // The teacher attended (as the door records it) and comments from the certificate; her
    // seat is confirmed again afterwards, for `check_emails` to cancel.
    registration::ActiveModel {
        id: Set(x.seat),
        status: Set(entity::enums::RegistrationStatus::Attended),
        ..Default::default()
    }
    .update(app.state.db.conn())
    .await
    .unwrap();
    let rated = visitor_post(
        app,
        &format!("{manage}/feedback/{}", x.seat),
        &[("rating", "4"), ("comment", &hostile("Xfeedback~"))],
    )
    .await;
    assert_eq!(rated.0, 303, "the feedback form: {rated:?}");
    let seat = registration::Entity::find_by_id(x.seat)
        .one(app.state.db.conn())
        .await
        .unwrap()
        .unwrap();
    let join = app.state.links.join_url(seat.person_id, seat.activity_id);
    let public = [
        (
            "/".to_owned(),
            "Xfname~ Xfvenue~ Xfdesc~ Xtitle~ Xspeaker~ Xsporg~ Xseries~ Xsplace~",
        ),
        (
            format!("/fairs/{slug}"),
            "Xfname~ Xfvenue~ Xfdesc~ Xregion~ Xdistrict~ Xtitle~ Xroom~ Xspeaker~ Xsporg~ \
             Xctitle~",
        ),
        (
            format!("/workshops/{workshop}"),
            "Xfname~ Xfvenue~ Xtitle~ Xdesc~ Xtopic~ Xroom~ Xspeaker~ Xsporg~",
        ),
        (
            format!("/fairs/{slug}/exhibitors"),
            "Xfname~ Xexorg~ Xexdesc~ Xexweb~ Xstand~ Xex2name~ Xex2desc~ Xex2web~ Xex2stand~",
        ),
        (format!("/fairs/{slug}/exhibitors/apply"), "Xfname~"),
        (
            "/meetings".to_owned(),
            "Xregion~ Xdistrict~ Xseries~ Xsplace~",
        ),
        (
            format!("/meetings/{meeting}"),
            "Xregion~ Xdistrict~ Xseries~ Xsdesc~ Xsplace~",
        ),
        (manage.clone(), "Xtitle~ Xroom~ Xname~ Xschool~"),
        (
            format!("{manage}/attendance"),
            "Xtitle~ Xfname~ Xroom~ Xplace~ Xspeaker~ Xsporg~ Xname~ Xschool~",
        ),
        (
            format!("{manage}/feedback/{}", x.seat),
            "Xtitle~ Xfeedback~",
        ),
        (format!("{manage}/delete"), ""),
        (join.trim_start_matches(&app.address).to_owned(), "Xtitle~"),
        ("/check-email".to_owned(), ""),
        ("/admin/login".to_owned(), ""),
    ];
    for (path, expected) in &public {
        for lang in ["cs", "en"] {
            let path = format!("{path}?lang={lang}");
            assert_inert(&path, &page(app, None, &path).await, expected);
        }
    }

    let db = app.state.db.conn();
    let invitee = organiser::Entity::find()
        .filter(organiser::Column::Email.eq("invitee@xss.test"))
        .one(db)
        .await
        .unwrap()
        .expect("the invitation was accepted");
    let teacher = registration::Entity::find_by_id(x.seat)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let teacher = teacher.person_id;
    let door = app.state.links.checkin_token(x.seat);
    let [approved, rejected, added] = x.exhibitors;
    let (fair, region, district, series) = (x.fair, x.region, x.district, x.series);
    let attendees = "Xname~ Xschool~ Xaddname~ Xaddschool~";
    let organisers = [
        (
            "/admin/activities".to_owned(),
            "Xfname~ Xtitle~ Xroom~ Xseries~ Xsplace~ Xctitle~".to_owned(),
        ),
        (
            format!("/admin/activities/{workshop}"),
            "Xfname~ Xtitle~ Xdesc~ Xtopic~ Xroom~ Xplace~".into(),
        ),
        (
            format!("/admin/activities/{meeting}"),
            "Xregion~ Xseries~ Xsdesc~ Xsplace~".into(),
        ),
        (
            format!("/admin/activities/{workshop}/attendees"),
            format!("Xdistrict~ Xtitle~ Xfeedback~ {attendees}"),
        ),
        (
            format!("/admin/activities/{meeting}/attendees"),
            "Xdistrict~ Xseries~ Xapiname~ Xapischool~".into(),
        ),
        (
            format!("/admin/fairs/{fair}/attendees"),
            format!("Xfname~ Xdistrict~ Xtitle~ Xctitle~ {attendees}"),
        ),
        (
            "/admin/counts".into(),
            "Xfname~ Xregion~ Xdistrict~ Xschool~ Xapischool~ Xaddschool~".into(),
        ),
        (
            format!("/admin/activities/{workshop}/checkin"),
            format!("Xtitle~ {attendees}"),
        ),
        (
            format!("/admin/activities/{workshop}/sheet"),
            format!("Xtitle~ Xroom~ {attendees}"),
        ),
        (
            format!("/admin/checkin/{door}?activity={workshop}"),
            "Xtitle~ Xname~ Xschool~".into(),
        ),
        ("/admin/fairs".into(), "Xfname~ Xfvenue~".into()),
        (
            format!("/admin/fairs/{fair}"),
            "Xfname~ Xfvenue~ Xfdesc~".into(),
        ),
        (
            format!("/admin/fairs/{fair}/exhibitors"),
            "Xfname~ Xexorg~ Xexcontact~ Xexdesc~ Xexwish~ Xstand~ Xexapi~ Xex2name~ Xex2desc~ \
             Xex2stand~ Xex2wish~ Xex2contact~"
                .into(),
        ),
        (
            format!("/admin/exhibitors/{approved}"),
            "Xexorg~ Xexcontact~ Xexdesc~ Xexweb~ Xexwish~ Xstand~".into(),
        ),
        (format!("/admin/exhibitors/{rejected}"), "Xexapi~".into()),
        (
            format!("/admin/exhibitors/{added}"),
            "Xex2name~ Xex2desc~ Xex2web~ Xex2stand~ Xex2wish~ Xex2contact~".into(),
        ),
        (
            "/admin/regions".into(),
            "Xregion~ Xdistrict~ Xpname~".into(),
        ),
        (format!("/admin/regions/{region}"), "Xregion~".into()),
        (
            format!("/admin/districts/{district}"),
            "Xregion~ Xdistrict~ Xpname~ Xpinit~".into(),
        ),
        ("/admin/series".into(), "Xseries~".into()),
        (
            format!("/admin/series/{series}"),
            "Xregion~ Xseries~ Xsplace~".into(),
        ),
        (
            "/admin/people?q=xss.test".into(),
            "Xname~ Xschool~ Xapiname~ Xapischool~ Xaddname~ Xaddschool~".into(),
        ),
        (
            format!("/admin/people/{teacher}"),
            "Xname~ Xschool~ Xtitle~".into(),
        ),
        (
            format!("/admin/people/{teacher}/anonymise"),
            "Xname~".into(),
        ),
        (
            // The log holds every field's before and after.
            "/admin/audit".into(),
            "Xfname~ Xfvenue~ Xfdesc~ Xregion~ Xdistrict~ Xpname~ Xpinit~ Xtitle~ Xdesc~ Xtopic~ \
             Xroom~ Xplace~ Xseries~ Xsdesc~ Xsplace~ Xexorg~ Xexcontact~ Xexdesc~ Xexweb~ \
             Xexwish~ Xexapi~ Xex2name~ Xex2desc~ Xex2web~ Xex2stand~ Xex2wish~ Xex2contact~ \
             Xstand~ Xreject~ Xctitle~ Xcancel~ Xtoken~ Xinvite~"
                .into(),
        ),
        ("/admin/organisers".into(), "Xinvite~".into()),
        (
            format!("/admin/organisers/{}", invitee.id),
            "Xinvite~".into(),
        ),
        ("/admin/mail".into(), String::new()),
        ("/admin/tokens".into(), "Xtoken~".into()),
        ("/admin/invitations".into(), "Xfname~ Xregion~".into()),
        ("/admin/activities/new".into(), "Xfname~ Xregion~".into()),
        ("/admin/fairs/new".into(), String::new()),
        (format!("/admin/fairs/{fair}/exhibitors/new"), String::new()),
        (
            format!("/admin/fairs/{fair}/exhibitors?status=approved"),
            "Xexorg~ Xex2name~".into(),
        ),
        ("/admin/regions/new".into(), String::new()),
        ("/admin/districts/new".into(), "Xregion~".into()),
        ("/admin/series/new".into(), "Xregion~ Xdistrict~".into()),
        ("/admin/password".into(), String::new()),
    ];
    for (path, expected) in &organisers {
        assert_inert(path, &page(app, Some(&admin.staff), path).await, expected);
    }
    let scanned = page(app, None, &format!("/admin/checkin/{door}")).await;
    assert_inert("a scanned check-in link, for a visitor", &scanned, "");
    registration::ActiveModel {
        id: Set(x.seat),
        status: Set(entity::enums::RegistrationStatus::Confirmed),
        ..Default::default()
    }
    .update(app.state.db.conn())
    .await
    .unwrap();
}

/// Downloads and the JSON API carry the texts as data that no browser renders as a page.
async fn check_downloads(app: &TestApp, admin: &Admin<'_>, x: &Hostile) {
    for (path, kind) in [
        (
            format!(
                "/admin/activities/{}/attendees/export?format=csv",
                x.workshop
            ),
            "text/csv",
        ),
        (
            format!("/admin/fairs/{}/attendees/export?format=json", x.fair),
            "application/json",
        ),
        ("/admin/audit/export?format=csv".into(), "text/csv"),
        ("/admin/audit/export?format=json".into(), "application/json"),
    ] {
        let answer = get_page(app, Some(&admin.staff), &path).await;
        assert_eq!(answer.status(), 200, "GET {path}");
        let headers = answer.headers().clone();
        let got = headers[header::CONTENT_TYPE].to_str().unwrap();
        assert!(got.starts_with(kind), "GET {path}: {got}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "GET {path}");
        let disposition = headers[header::CONTENT_DISPOSITION].to_str().unwrap();
        assert!(
            disposition.starts_with("attachment"),
            "GET {path}: {disposition}"
        );
        let body = answer.text().await.unwrap();
        assert!(
            body.contains("Xname~") || body.contains("Xtitle~"),
            "GET {path}: {body}"
        );
    }
    for path in [
        format!("/api/fairs/{}/programme", x.slug),
        format!("/api/activities/{}", x.workshop),
    ] {
        let answer = app.get(&path).await;
        assert_eq!(answer.status(), 200, "GET {path}");
        let got = answer.headers()[header::CONTENT_TYPE].to_str().unwrap();
        assert!(got.starts_with("application/json"), "GET {path}: {got}");
        let title = json!(hostile("Xtitle~")).to_string();
        assert!(answer.text().await.unwrap().contains(&title), "GET {path}");
    }
}

/// The HTML part of every email sent, after more kinds were set off: a move, a participant's
/// own cancellation, a changed room, a waiting list and its offered seat, a reminder, a
/// cancelled series.
async fn check_emails(app: &TestApp, admin: &Admin<'_>, x: &Hostile) {
    let workshop = x.workshop;
    let person = json!({"name": "Přesunutá Osoba", "email": "presunuty@xss.test"});
    let moved = id(&admin.post("/admin/activities/1/attendees", person).await);
    let target = json!({"activity_id": workshop});
    let path = format!("/admin/registrations/{moved}/move");
    let moved = id(&admin.post(&path, target).await);
    let path = format!("{}/registrations/{}/cancel", x.manage, x.seat);
    let (status, _) = visitor_post(app, &path, &[]).await;
    assert!(status < 400, "cancelling on the manage page: {status}");
    // Two seats, both taken: the next sign-up waits, and gets the seat freed after it.
    let change = json!({"capacity": 2, "room": hostile("Xroom2~")});
    admin
        .call(
            Method::PATCH,
            &format!("/admin/activities/{workshop}"),
            change,
        )
        .await;
    let waiting = json!({
        "name": hostile("Xwait~"), "email": "cekajici@xss.test", "activity_ids": [workshop],
        "consent": true,
    });
    assert_eq!(
        app.post_json("/api/registrations?lang=en", &waiting)
            .await
            .status(),
        202
    );
    admin
        .post(&format!("/admin/registrations/{moved}/cancel"), json!({}))
        .await;
    let activity = entity::activity::Entity::find_by_id(workshop)
        .one(app.state.db.conn())
        .await
        .unwrap()
        .unwrap();
    let evening_before = activity.starts_at - Duration::hours(12);
    veletrh::registration::queue_reminders(&app.state, evening_before)
        .await
        .unwrap();
    let reason = json!({"reason": hostile("Xscancel~")});
    admin
        .post(&format!("/admin/series/{}/cancel", x.series), reason)
        .await;

    let mut shown = std::collections::BTreeSet::<&str>::new();
    let emails = app.emails().await;
    let sent_to = |to: &str| emails.iter().filter(|e| e.to == to).count();
    // Waiting list and seat offered; confirmed, room changed and reminder.
    assert_eq!(sent_to("cekajici@xss.test"), 2);
    assert_eq!(sent_to("pridany@xss.test"), 3);
    // Czech emails greet without the name (see the templates), so names show on pages only.
    for email in &emails {
        let expected = match &*email.to {
            "invitee@xss.test" => "",
            "ucitel@xss.test" => "Xtitle~",
            "reditel@xss.test" => "Xseries~ Xsplace~",
            "vystavovatel@xss.test" => "Xfname~ Xexorg~",
            "odmitnuty@xss.test" => "Xfname~ Xexapi~",
            "pridany@xss.test" => "Xtitle~",
            "cekajici@xss.test" => "Xtitle~",
            "presunuty@xss.test" => "",
            "odebrany@xss.test" | "zruseny@xss.test" => "Xroom~ Xctitle~",
            other => panic!("an email to {other}"),
        };
        let what = format!("email {:?} to {}", email.subject, email.to);
        assert_inert(&what, &email.html, expected);
        shown.extend(
            MARKERS
                .split_whitespace()
                .filter(|m| email.html.contains(m)),
        );
    }
    for marker in [
        "Xspeaker~",
        "Xsporg~",
        "Xstand~",
        "Xreject~",
        "Xremoved~",
        "Xcancel~",
        "Xscancel~",
        "Xroom2~",
    ] {
        assert!(
            shown.contains(&marker),
            "no email shows {marker}: {shown:?}"
        );
    }
}

async fn script_in_every_text_field_is_shown_escaped_on_every_page_and_email(backend: Backend) {
    let app = spawn_app(backend).await;
    let staff = staff(&app, "admin@xss.test", OrganiserRole::Admin, None, None).await;
    let admin = Admin { app: &app, staff };
    let hostile = fill_every_field(&app, &admin).await;
    check_echoed_input(&app, &admin, &hostile).await;
    check_pages(&app, &admin, &hostile).await;
    check_downloads(&app, &admin, &hostile).await;
    check_emails(&app, &admin, &hostile).await;
}

on_both_backends!(script_in_every_text_field_is_shown_escaped_on_every_page_and_email);
