//! Headless Chromium driven over WebDriver, for the browser tests: chromedriver started on a
//! free port and killed at the end, one session in a phone-sized window (390×844), and the waits
//! a page that is being replaced needs.
//!
//! Needs the Debian packages `chromium` and `chromium-driver` (`.ci/test` installs them). Without
//! them a browser test fails and says so, unless `VELETRH_SKIP_BROWSER=1` is set. A test reads:
//!
//! ```ignore
//! let Some(driver) = start_driver().await else { return };
//! let app = spawn_app(Backend::Sqlite).await;
//! let client = browser(&driver).await;
//! let steps = { let client = client.clone(); async move { flow(&app, &client).await } };
//! run(driver, client, steps).await;
//! ```

use std::{
    future::Future,
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use fantoccini::{Client, ClientBuilder, Locator, elements::Element, error::CmdError};
use serde_json::json;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
pub const PHONE: (u32, u32) = (390, 844);

/// chromedriver as a child process, killed when dropped (also when the test panics).
pub struct Driver {
    child: Child,
    url: String,
    profile: tempfile::TempDir,
}

impl Driver {
    /// Where the browser saves downloads, without asking.
    pub fn downloads(&self) -> PathBuf {
        self.profile.path().join("downloads")
    }
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
pub async fn start_driver() -> Option<Driver> {
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

/// A browser session: Czech, phone-sized, saving downloads to [`Driver::downloads`].
pub async fn browser(driver: &Driver) -> Client {
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
            "prefs": {
                "intl.accept_languages": "cs-CZ,cs",
                "download.default_directory": driver.downloads(),
                "download.prompt_for_download": false,
            },
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

/// Runs a test's `steps` in their own task, so that a failed assertion still ends the browser
/// session (killing chromedriver alone would leave Chromium running), then fails as they did.
pub async fn run(
    driver: Driver,
    client: Client,
    steps: impl Future<Output = Result<(), CmdError>> + Send + 'static,
) {
    let outcome = tokio::spawn(steps).await;
    let _ = client.close().await;
    drop(driver);
    match outcome {
        Ok(result) => result.expect("a WebDriver command"),
        Err(failed) => std::panic::resume_unwind(failed.into_panic()),
    }
}

/// The text of the first element matching `css`, waiting (up to 10 s) for the page to have one:
/// a page that is still being replaced answers "stale element" or "no such element".
pub async fn text_of(client: &Client, css: &str) -> String {
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

pub async fn attr(element: &Element, name: &str) -> Option<String> {
    element.attr(name).await.unwrap()
}

/// Sizes the window so that the page itself (the viewport) is the phone's 390×844.
pub async fn fit_viewport(c: &Client) -> Result<(), CmdError> {
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

/// Clicks `css` and waits until the browser shows the page it leads to; see [`follow`].
pub async fn click_and_wait(c: &Client, css: &str) -> Result<(), CmdError> {
    follow(c, Locator::Css(css)).await
}

/// Clicks what `locator` finds and waits until the browser shows the page it leads to, fully
/// loaded. (A click returns as soon as the browser took it.) The old page is marked, so only a
/// new document counts; a script error while the page is being replaced just means "not yet".
pub async fn follow(c: &Client, locator: Locator<'_>) -> Result<(), CmdError> {
    c.execute("window.veletrhOldPage = true", vec![]).await?;
    c.find(locator).await?.click().await?;
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
        assert!(Instant::now() < deadline, "{locator:?} led to no new page");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub fn screenshot_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(name)
}

pub async fn screenshot(client: &Client, name: &str) {
    let png = client.screenshot().await.expect("a screenshot");
    std::fs::write(screenshot_path(name), png).expect("the screenshot is written");
}
