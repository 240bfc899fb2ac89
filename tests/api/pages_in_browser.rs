//! One sign-up in a real browser: headless Chromium in a phone-sized window (390×844), driven
//! over WebDriver (chromedriver; see `helpers/browser.rs`). It fills in the programme's form with
//! a bad email, sees the field error, corrects it, opens the link from the email, presses the
//! confirm button, and cancels on the manage page. Then someone joins a meeting held online by
//! the link from their email: the browser must follow the button on to the meeting's own site,
//! which the page's security policy allows. SQLite only: the pages are the same on both
//! databases, which `pages.rs` and `online.rs` cover.
//!
//! Needs the Debian packages `chromium` and `chromium-driver` (`.ci/test` installs them). Without
//! them the test fails and says so, unless `VELETRH_SKIP_BROWSER=1` is set. Screenshots of the
//! programme, the manage page and the join page go to the temp dir (`veletrh-programme.png`,
//! `veletrh-manage.png`, `veletrh-join.png`) for a human to look at.

use entity::{enums::RegistrationStatus, registration};
use fantoccini::{Client, Locator};
use sea_orm::EntityTrait;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{
    Backend, TestApp,
    browser::{
        attr, browser, click_and_wait, fit_viewport, follow, run, screenshot, screenshot_path,
        start_driver, text_of,
    },
    organisers::{admin, confirmed, created_activity, doors_open, online_meeting},
    spawn_app,
};

async fn status_of_registrations(app: &TestApp) -> Vec<RegistrationStatus> {
    registration::Entity::find()
        .all(app.state.db.conn())
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.status)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_signs_up_confirms_and_cancels_in_a_phone_browser() {
    let Some(driver) = start_driver().await else {
        return;
    };
    let app = spawn_app(Backend::Sqlite).await;
    let client = browser(&driver).await;
    let steps = {
        let client = client.clone();
        async move { flow(&app, &client).await }
    };
    run(driver, client, steps).await;
}

/// The steps; errors come back so the browser is closed before the test fails.
async fn flow(app: &TestApp, c: &Client) -> Result<(), fantoccini::error::CmdError> {
    c.goto(&format!("{}/fairs/uspech-pro-kazdeho-zaka", app.address))
        .await?;
    fit_viewport(c).await?;
    assert_eq!(
        attr(&c.find(Locator::Css("html")).await?, "lang").await,
        Some("cs".into()),
        "Czech by default"
    );
    screenshot(c, "veletrh-programme.png").await;

    // First with an email that is not one.
    c.find(Locator::Id("activity-3")).await?.click().await?;
    c.find(Locator::Id("name"))
        .await?
        .send_keys("Jana Dvořáková")
        .await?;
    c.find(Locator::Id("email"))
        .await?
        .send_keys("jana@")
        .await?;
    c.find(Locator::Id("consent")).await?.click().await?;
    click_and_wait(c, "form button[type=submit]").await?;

    let error = text_of(c, "#email-error").await;
    assert!(
        error.contains("Zadejte platnou e-mailovou adresu"),
        "{error}"
    );
    let summary = text_of(c, ".error-summary").await;
    assert!(summary.contains("Zadejte platnou e-mailovou adresu"));
    let email = c.find(Locator::Id("email")).await?;
    assert_eq!(attr(&email, "aria-invalid").await.as_deref(), Some("true"));
    assert_eq!(email.prop("value").await?.as_deref(), Some("jana@"));
    assert!(
        c.find(Locator::Id("activity-3"))
            .await?
            .is_selected()
            .await?
    );
    assert!(c.find(Locator::Id("consent")).await?.is_selected().await?);
    assert!(status_of_registrations(app).await.is_empty());
    screenshot(c, "veletrh-errors.png").await;

    // The summary's link leads to the field.
    c.find(Locator::Css(".error-summary a[href='#email']"))
        .await?
        .click()
        .await?;
    assert!(c.current_url().await?.as_str().ends_with("#email"));

    let email = c.find(Locator::Id("email")).await?;
    email.clear().await?;
    email.send_keys("jana@skola.cz").await?;
    click_and_wait(c, "form button[type=submit]").await?;
    let url = c.current_url().await?;
    assert!(
        url.as_str().ends_with("/check-email?lang=cs"),
        "{url}: {}",
        text_of(c, "main").await
    );
    assert_eq!(text_of(c, "h1").await, "Zkontrolujte svůj e-mail");
    assert_eq!(
        status_of_registrations(app).await,
        [RegistrationStatus::Pending]
    );

    // The link from the email shows a button; only pressing it confirms.
    let mails = app.emails_to("jana@skola.cz").await;
    let link = mails[0].link(app, "/confirm/");
    c.goto(&link).await?;
    assert_eq!(text_of(c, "h1").await, "Potvrzení přihlášky");
    assert_eq!(
        status_of_registrations(app).await,
        [RegistrationStatus::Pending]
    );
    // Pressing a button or a link leads to a new page: wait for it, or the old one is read.
    click_and_wait(c, "main form button").await?;
    assert_eq!(text_of(c, "h1").await, "Přihláška potvrzena");
    assert!(
        text_of(c, ".notice")
            .await
            .contains("Jak rozvíjet wellbeing žáků?")
    );
    assert_eq!(
        status_of_registrations(app).await,
        [RegistrationStatus::Confirmed]
    );

    follow(c, Locator::LinkText("Moje přihlášky")).await?;
    assert_eq!(text_of(c, "h1").await, "Moje přihlášky");
    assert!(text_of(c, ".cards").await.contains("potvrzeno"));
    screenshot(c, "veletrh-manage.png").await;

    // Cancelling asks first: the button appears once the question is opened.
    let confirm = c
        .find(Locator::Css("form[action*='/cancel'] button"))
        .await?;
    assert!(!confirm.is_displayed().await?, "not before it is asked");
    c.find(Locator::Css("details.confirm summary"))
        .await?
        .click()
        .await?;
    assert!(text_of(c, "details.confirm").await.contains("Opravdu?"));
    click_and_wait(c, "form[action*='/cancel'] button").await?;
    assert!(text_of(c, ".notice").await.contains("Přihláška je zrušená"));
    assert_eq!(
        status_of_registrations(app).await,
        [RegistrationStatus::Cancelled]
    );
    eprintln!(
        "screenshots: {} and {}",
        screenshot_path("veletrh-programme.png").display(),
        screenshot_path("veletrh-manage.png").display()
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_joins_a_meeting_held_online_from_their_phone() {
    let Some(driver) = start_driver().await else {
        return;
    };
    let app = spawn_app(Backend::Sqlite).await;
    let room = meeting_room().await;
    let boss = admin(&app).await;
    let meeting = online_meeting("Setkání online", 40, &room);
    let id = created_activity(&app, &boss, meeting).await;
    confirmed(&app, "Jana Dvořáková", "jana@skola.cz", &[id]).await;
    doors_open(&app, id).await;
    let client = browser(&driver).await;
    let steps = {
        let client = client.clone();
        async move {
            let mail = app.emails_to("jana@skola.cz").await.pop().unwrap();
            let link = mail.link(&app, "/join/");
            client.goto(&link).await?;
            fit_viewport(&client).await?;
            assert_eq!(text_of(&client, "h1").await, "Připojení online");
            screenshot(&client, "veletrh-join.png").await;
            assert_eq!(
                status_of_registrations(&app).await,
                [RegistrationStatus::Confirmed]
            );
            click_and_wait(&client, "main form button").await?;
            assert_eq!(client.current_url().await?.as_str(), room);
            assert_eq!(text_of(&client, "h1").await, "Online místnost");
            assert_eq!(
                status_of_registrations(&app).await,
                [RegistrationStatus::Attended]
            );
            Ok(())
        }
    };
    run(driver, client, steps).await;
}

/// The address of a meeting's own site on another origin (another port): a page titled
/// "Online místnost", whatever is asked.
async fn meeting_room() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = stream.read(&mut request).await;
                let page = "<!doctype html><title>Místnost</title><h1>Online místnost</h1>";
                let answer = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\
                     Content-Length: {}\r\nConnection: close\r\n\r\n{page}",
                    page.len()
                );
                let _ = stream.write_all(answer.as_bytes()).await;
            });
        }
    });
    format!("http://{address}/room")
}
