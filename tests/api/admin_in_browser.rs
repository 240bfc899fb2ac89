//! An organiser's day in a real browser (headless Chromium over WebDriver; see
//! `helpers/browser.rs`): an admin signs in on a laptop-sized window, moves a workshop to a new
//! time on its edit page, its attendee gets the change email, the admin downloads the attendee
//! list as CSV with the columns they picked; then, on a phone (390×844), checks the attendee in
//! at the door, and a second phone that still shows the button learns it is a duplicate.
//! SQLite only: the same operations over HTTP run on both databases in `organiser.rs`,
//! `export.rs` and `checkin.rs`. Screenshots of the door and of the fair's results
//! go to the temp dir (`veletrh-checkin.png`, `veletrh-report.png`).

use std::{
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use chrono::{DateTime, Utc};
use entity::{activity, enums::OrganiserRole, enums::RegistrationStatus, registration};
use fantoccini::{Client, Locator, error::CmdError};
use sea_orm::EntityTrait;
use serde_json::json;
use veletrh::{
    i18n::Lang,
    organiser::accounts::{self, NewOrganiser},
    timezone,
};

use crate::helpers::{
    Backend, TestApp,
    browser::{
        browser, click_and_wait, fit_viewport, follow, run, screenshot, start_driver, text_of,
    },
    spawn_app,
};

/// A demo workshop of the fair's first slot.
const WORKSHOP: i32 = 1;
const NAME: &str = "Řehoř Šťastný";
const EMAIL: &str = "rehor.stastny@skola.cz";
const SCHOOL: &str = "ZŠ Žďár nad Sázavou";
const ADMIN: &str = "spravce@veletrh.cz";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_moves_a_workshop_exports_its_attendees_and_checks_them_in_at_the_door() {
    let Some(driver) = start_driver().await else {
        return;
    };
    let app = spawn_app(Backend::Sqlite).await;
    signed_up_and_confirmed(&app).await;
    let new =
        NewOrganiser::parse(ADMIN, "Správce Veletrhu", OrganiserRole::Admin, None, None).unwrap();
    let (_, password) = accounts::add(&app.state.db, new).await.unwrap();
    let downloads = driver.downloads();
    let client = browser(&driver).await;
    let steps = {
        let client = client.clone();
        async move { flow(&app, &client, &password, &downloads).await }
    };
    run(driver, client, steps).await;
}

/// The attendee signs up and confirms through the API.
async fn signed_up_and_confirmed(app: &TestApp) {
    let body = json!({
        "name": NAME,
        "email": EMAIL,
        "organisation": SCHOOL,
        "activity_ids": [WORKSHOP],
        "consent": true,
    });
    assert_eq!(
        app.post_json("/api/registrations", &body).await.status(),
        202
    );
    let token = app.emails_to(EMAIL).await[0].token(app, "/confirm/");
    let confirmed = app
        .post_json(&format!("/api/confirmations/{token}"), &json!({}))
        .await;
    assert_eq!(confirmed.status(), 200);
}

async fn workshop(app: &TestApp) -> activity::Model {
    activity::Entity::find_by_id(WORKSHOP)
        .one(app.state.db.conn())
        .await
        .unwrap()
        .unwrap()
}

async fn the_registration(app: &TestApp) -> registration::Model {
    let mut all = registration::Entity::find()
        .all(app.state.db.conn())
        .await
        .unwrap();
    assert_eq!(all.len(), 1, "one sign-up");
    all.remove(0)
}

/// `2030-03-01T10:30`: the wall-clock time a `datetime-local` field holds.
fn local_input(at: DateTime<Utc>) -> String {
    at.with_timezone(&timezone::DEFAULT)
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// The steps; errors come back so the browser is closed before the test fails.
async fn flow(app: &TestApp, c: &Client, password: &str, downloads: &Path) -> Result<(), CmdError> {
    // The office: a laptop-sized window.
    c.set_window_size(1280, 900).await?;
    c.goto(&format!("{}/admin/login", app.address)).await?;
    c.find(Locator::Id("email")).await?.send_keys(ADMIN).await?;
    c.find(Locator::Id("password"))
        .await?
        .send_keys(password)
        .await?;
    click_and_wait(c, "main form button[type=submit]").await?;
    // The printed password was initial: the first page asks for the admin's own.
    let url = c.current_url().await?;
    assert!(url.path().ends_with("/admin/password"), "{url}");
    let own = "vlastní heslo správce veletrhu";
    for (field, value) in [
        ("current_password", password),
        ("password", own),
        ("password_again", own),
    ] {
        c.find(Locator::Id(field)).await?.send_keys(value).await?;
    }
    // (The first form of the page is the menu's sign-out.)
    click_and_wait(c, "form[action*='/admin/password'] button[type=submit]").await?;
    c.goto(&format!("{}/admin/activities", app.address)).await?;
    let url = c.current_url().await?;
    assert!(url.path().ends_with("/admin/activities"), "{url}");

    let before = workshop(app).await;
    follow(c, Locator::LinkText(&before.title)).await?;
    assert_eq!(text_of(c, "h1").await, before.title);

    // An hour and a half later. The picker's keyboard entry depends on the browser's locale, so
    // the fields are set as the picker sets them.
    let (starts, ends) = (
        before.starts_at + chrono::Duration::minutes(90),
        before.ends_at + chrono::Duration::minutes(90),
    );
    for (id, at) in [("starts_at", starts), ("ends_at", ends)] {
        let field = c.find(Locator::Id(id)).await?;
        c.execute(
            "arguments[0].value = arguments[1]; \
             arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
            vec![serde_json::to_value(&field)?, json!(local_input(at))],
        )
        .await?;
    }
    click_and_wait(c, "form:has(#starts_at) button[type=submit]").await?;
    assert!(
        text_of(c, ".notice").await.contains("Změny jsou uložené."),
        "{}",
        text_of(c, "main").await
    );
    let shown = c
        .find(Locator::Id("starts_at"))
        .await?
        .prop("value")
        .await?;
    assert_eq!(shown, Some(local_input(starts)));
    let meta = text_of(c, "h1 ~ p.meta").await;
    assert!(
        meta.contains(&format!("Verze {}", before.revision + 1)),
        "{meta}"
    );
    let after = workshop(app).await;
    assert_eq!((after.starts_at, after.ends_at), (starts, ends));

    // The attendee is told, old and new time side by side.
    let mails = app.emails_to(EMAIL).await;
    assert_eq!(mails.len(), 3, "confirm request, confirmation, change");
    let change = &mails[2].text;
    for when in [
        Lang::Cs.when(before.starts_at, before.ends_at, timezone::DEFAULT),
        Lang::Cs.when(starts, ends, timezone::DEFAULT),
    ] {
        assert!(change.contains(&when), "{when} not in: {change}");
    }

    // The list, exported as CSV with four columns (no email: data minimisation).
    follow(c, Locator::LinkText("Účastníci")).await?;
    assert!(text_of(c, ".cards").await.contains(NAME));
    c.find(Locator::Id("format-csv")).await?.click().await?;
    let wanted = ["name", "organisation", "starts_at", "status"];
    for column in c.find_all(Locator::Css("input[name=columns]")).await? {
        let id = column.attr("value").await?.unwrap_or_default();
        if column.is_selected().await? != wanted.contains(&id.as_str()) {
            column.click().await?;
        }
    }
    c.find(Locator::Css("form:has(#format-csv) button[type=submit]"))
        .await?
        .click()
        .await?;
    let file = downloaded(downloads, ".csv").await;
    let bytes = std::fs::read(&file).unwrap();
    let text = bytes
        .strip_prefix("\u{feff}".as_bytes())
        .expect("UTF-8 with a BOM");
    let mut csv = csv::Reader::from_reader(text);
    let headers: Vec<String> = csv.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(headers, ["Jméno", "Organizace", "Začátek", "Stav"]);
    let rows: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    let row = rows
        .iter()
        .find(|r| &r[0] == NAME)
        .unwrap_or_else(|| panic!("{NAME} not in {rows:?}"));
    let new_start = starts
        .with_timezone(&timezone::DEFAULT)
        .format("%Y-%m-%d %H:%M")
        .to_string();
    assert_eq!(
        row.iter().collect::<Vec<_>>(),
        [NAME, SCHOOL, &new_start, "potvrzeno"]
    );

    // The door, on the day (it opens then: the workshop is moved to have just begun), on a
    // phone. Two organisers find the attendee; the first checks them in, the second's page
    // still offers the button and is told it is a duplicate.
    let row = activity::Entity::find_by_id(WORKSHOP)
        .one(app.state.db.conn())
        .await
        .unwrap()
        .unwrap();
    let begun = Utc::now() - chrono::Duration::minutes(1);
    let mut today: activity::ActiveModel = row.clone().into();
    today.starts_at = sea_orm::ActiveValue::Set(begun);
    today.ends_at = sea_orm::ActiveValue::Set(begun + (row.ends_at - row.starts_at));
    sea_orm::ActiveModelTrait::update(today, app.state.db.conn())
        .await
        .unwrap();
    fit_viewport(c).await?;
    c.goto(&format!(
        "{}/admin/activities/{WORKSHOP}/checkin",
        app.address
    ))
    .await?;
    // The admin sections are one row that scrolls sideways, not a block of wrapped links.
    let nav = c
        .execute(
            "const ul = document.querySelector('.admin-nav ul'); \
             const li = ul.querySelector('li').getBoundingClientRect().height; \
             return [ul.clientHeight < 2 * li, ul.scrollWidth > ul.clientWidth];",
            vec![],
        )
        .await?;
    assert_eq!(nav, json!([true, true]));
    c.find(Locator::Id("q")).await?.send_keys("šťastný").await?;
    click_and_wait(c, "form[role=search] button[type=submit]").await?;
    let people = c.find_all(Locator::Css(".checkin-person h2")).await?;
    assert_eq!(people.len(), 1);
    assert_eq!(people[0].text().await?, NAME);
    let first = c.window().await?;
    let search = c.current_url().await?;
    let second = c.new_window(true).await?.handle;
    c.switch_to_window(second.clone()).await?;
    c.goto(search.as_str()).await?;
    c.switch_to_window(first).await?;

    let button = ".checkin-person form button[type=submit]";
    click_and_wait(c, button).await?;
    assert_eq!(text_of(c, ".outcome-title").await, "Odbaveno");
    assert!(text_of(c, ".outcome-person").await.contains(NAME));
    assert!(text_of(c, ".checkin-person").await.contains("odbaveno v"));
    let checked_in = the_registration(app).await;
    assert_eq!(checked_in.status, RegistrationStatus::Attended);
    assert!(checked_in.checked_in_at.is_some());
    screenshot(c, "veletrh-checkin.png").await;

    c.switch_to_window(second).await?;
    click_and_wait(c, button).await?;
    assert_eq!(
        text_of(c, ".outcome-title").await,
        "Už odbaveno dříve – duplicitní sken"
    );
    assert!(text_of(c, ".outcome-person").await.contains(NAME));
    let again = the_registration(app).await;
    assert_eq!(
        (again.status, again.checked_in_at),
        (RegistrationStatus::Attended, checked_in.checked_in_at),
        "the second press changes nothing"
    );

    // The fair's results on the phone count the check-in.
    let fair = workshop(app)
        .await
        .fair_id
        .expect("a workshop of the demo fair");
    c.goto(&format!("{}/admin/fairs/{fair}/report", app.address))
        .await?;
    assert!(text_of(c, "h1").await.starts_with("Výsledky: "));
    assert!(text_of(c, "dl.facts").await.contains("Z nich přišli\n1"));
    screenshot(c, "veletrh-report.png").await;
    Ok(())
}

/// The file the browser finished downloading into `dir` (Chromium writes `*.crdownload` until
/// it is complete).
async fn downloaded(dir: &Path, extension: &str) -> PathBuf {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let done: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default();
        if let [file] = done.as_slice()
            && file.to_string_lossy().ends_with(extension)
        {
            return file.clone();
        }
        assert!(
            Instant::now() < deadline,
            "no {extension} download in {}: {done:?}",
            dir.display()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
