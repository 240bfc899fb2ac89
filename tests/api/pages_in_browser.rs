//! One sign-up in a real browser: headless Chromium in a phone-sized window (390×844), driven
//! over WebDriver (chromedriver, started here on a free port and killed at the end). It fills in
//! the programme's form with a bad email, sees the field error, corrects it, opens the link from
//! the email, presses the confirm button, and cancels on the manage page. SQLite only: the
//! pages are the same on both databases, which `pages.rs` covers.
//!
//! Needs the Debian packages `chromium` and `chromium-driver` (`.ci/test` installs them). Without
//! them the test fails and says so, unless `VELETRH_SKIP_BROWSER=1` is set. Screenshots of the
//! programme and of the manage page go to the temp dir (`veletrh-programme.png`,
//! `veletrh-manage.png`) for a human to look at.

use std::{
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use entity::{enums::RegistrationStatus, registration};
use fantoccini::{Client, ClientBuilder, Locator, elements::Element};
use sea_orm::EntityTrait;
use serde_json::json;

use crate::helpers::{Backend, TestApp, spawn_app};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const PHONE: (u32, u32) = (390, 844);

/// chromedriver as a child process, killed when dropped (also when the test panics).
struct Driver {
    child: Child,
    url: String,
    profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Starts chromedriver, or `None` when the browser is missing and skipping was asked for.
async fn start_driver() -> Option<Driver> {
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER]
        .into_iter()
        .filter(|p| !Path::new(p).exists())
        .collect();
    if !missing.is_empty() {
        if std::env::var("VELETRH_SKIP_BROWSER").is_ok_and(|v| v == "1") {
            eprintln!(
                "\n*** SKIP: the browser test did not run: {} missing (VELETRH_SKIP_BROWSER=1) ***\n",
                missing.join(", ")
            );
            return None;
        }
        panic!(
            "the browser test needs {} (Debian: apt-get install chromium chromium-driver); \
             set VELETRH_SKIP_BROWSER=1 to skip it knowingly",
            missing.join(" and ")
        );
    }
    let port = free_port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .arg("--allowed-ips=127.0.0.1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let driver = Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
        profile: tempfile::tempdir().expect("a profile dir"),
    };
    // Ready when its status endpoint answers.
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let status = client.get(format!("{}/status", driver.url)).send().await;
        if status.is_ok_and(|s| s.status().is_success()) {
            return Some(driver);
        }
        assert!(Instant::now() < deadline, "chromedriver did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn browser(driver: &Driver) -> Client {
    let profile = driver.profile.path().display().to_string();
    let capabilities = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": [
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                format!("--user-data-dir={profile}"),
                format!("--window-size={},{}", PHONE.0, PHONE.1),
                "--lang=cs-CZ",
            ],
            "prefs": { "intl.accept_languages": "cs-CZ,cs" },
        },
    });
    let capabilities = match capabilities {
        serde_json::Value::Object(map) => map,
        _ => unreachable!(),
    };
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .expect("a browser session")
}

/// The text of the first element matching `css`, waiting (up to 10 s) for the page to have one:
/// a page that is still being replaced answers "stale element" or "no such element".
async fn text_of(client: &Client, css: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let found = match client.find(Locator::Css(css)).await {
            Ok(element) => element.text().await,
            Err(err) => Err(err),
        };
        match found {
            Ok(text) => return text,
            Err(err) if Instant::now() >= deadline => panic!("{css}: {err}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

async fn attr(element: &Element, name: &str) -> Option<String> {
    element.attr(name).await.unwrap()
}

/// Sizes the window so that the page itself (the viewport) is the phone's 390×844.
async fn fit_viewport(c: &Client) -> Result<(), fantoccini::error::CmdError> {
    c.set_window_size(PHONE.0, PHONE.1).await?;
    let inner = c
        .execute("return [window.innerWidth, window.innerHeight]", vec![])
        .await?;
    let inner: Vec<u32> = serde_json::from_value(inner).expect("two numbers");
    let (width, height) = (
        2 * PHONE.0 - inner[0].min(PHONE.0),
        2 * PHONE.1 - inner[1].min(PHONE.1),
    );
    c.set_window_size(width, height).await
}

/// Clicks `css` and waits until the browser shows the page it leads to, fully loaded. (A click
/// returns as soon as the browser took it.) The old page is marked, so only a new document
/// counts; a script error while the page is being replaced just means "not yet".
async fn click_and_wait(c: &Client, css: &str) -> Result<(), fantoccini::error::CmdError> {
    c.execute("window.veletrhOldPage = true", vec![]).await?;
    c.find(Locator::Css(css)).await?.click().await?;
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let arrived = c
            .execute(
                "return !window.veletrhOldPage && document.readyState === 'complete'",
                vec![],
            )
            .await;
        if arrived.is_ok_and(|v| v == true) {
            return Ok(());
        }
        assert!(Instant::now() < deadline, "{css} led to no new page");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn screenshot_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(name)
}

async fn screenshot(client: &Client, name: &str) {
    let png = client.screenshot().await.expect("a screenshot");
    std::fs::write(screenshot_path(name), png).expect("the screenshot is written");
}

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
    // The steps run in their own task, so that a failed assertion still ends the browser
    // session (killing chromedriver alone would leave Chromium running).
    let steps = tokio::spawn({
        let client = client.clone();
        async move { flow(&app, &client).await }
    });
    let outcome = steps.await;
    let _ = client.close().await;
    drop(driver);
    match outcome {
        Ok(result) => result.expect("a WebDriver command"),
        Err(failed) => std::panic::resume_unwind(failed.into_panic()),
    }
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
    c.find(Locator::Css("main form button"))
        .await?
        .click()
        .await?;
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

    c.find(Locator::LinkText("Moje přihlášky"))
        .await?
        .click()
        .await?;
    assert_eq!(text_of(c, "h1").await, "Moje přihlášky");
    assert!(text_of(c, ".cards").await.contains("potvrzeno"));
    screenshot(c, "veletrh-manage.png").await;

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
