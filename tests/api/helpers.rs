//! `spawn_app` and friends. Every test gets its own database (a SQLite file in a temp dir, or a
//! new database in the throwaway PostgreSQL cluster of this test process), its own port and its
//! own mail folder; nothing is shared between tests but the cluster's server process.

pub mod browser;
pub mod organisers;
mod postgres;
pub mod smtp;

use sea_orm::{EntityTrait, QueryOrder};
use tempfile::TempDir;
use tokio::sync::oneshot;
use veletrh::{
    config::{Config, MailTransport},
    mail::MailWorker,
    startup::{AppState, Application},
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Writes `mod NAME { sqlite, postgres }`: the same test body run on both databases.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::helpers::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if $crate::helpers::postgres_available() {
                    super::$name($crate::helpers::Backend::Postgres).await
                }
            }
        }
    )*};
}
pub(crate) use on_both_backends;

pub use postgres::available as postgres_available;

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub state: AppState,
    /// A second handle on the app's mail worker, to drive deliveries from the test.
    pub worker: MailWorker,
    _shutdown: oneshot::Sender<()>,
    _dir: TempDir,
}

/// A fresh database URL for `backend`, with the temp dir that holds its file (SQLite).
pub fn fresh_database(backend: Backend) -> (String, TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = match backend {
        Backend::Sqlite => format!("sqlite://{}/veletrh.db?mode=rwc", dir.path().display()),
        Backend::Postgres => postgres::fresh_database(),
    };
    (url, dir)
}

/// The embedded default with a fresh database, port 0 and mail to a temp folder.
pub fn test_config(backend: Backend) -> (Config, TempDir) {
    let (database_url, dir) = fresh_database(backend);
    let config = Config {
        database_url,
        bind: ([127, 0, 0, 1], 0).into(),
        base_url: "http://127.0.0.1:0".into(),
        mail: MailTransport::Files(dir.path().join("mail-outbox")),
        secret_key_file: dir.path().join("veletrh.key"),
        ..Config::default()
    };
    (config, dir)
}

/// The server with the demo programme.
pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

pub async fn spawn_app_with(backend: Backend, adjust: impl FnOnce(&mut Config)) -> TestApp {
    let (mut config, dir) = test_config(backend);
    adjust(&mut config);
    start(config, dir).await
}

/// Another instance of `app`'s service: same database, secret key and mail folder, its own
/// port and worker — as behind a load balancer.
pub async fn spawn_second_instance(app: &TestApp) -> TestApp {
    let mut config = (*app.state.config).clone();
    config.bind = ([127, 0, 0, 1], 0).into();
    config.base_url = "http://127.0.0.1:0".into();
    config.load_demo = false;
    start(config, tempfile::tempdir().expect("temp dir")).await
}

async fn start(config: Config, dir: TempDir) -> TestApp {
    let app = Application::build(config).await.expect("the app builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let state = app.state().clone();
    let worker = app.mail_worker().clone();
    let (shutdown, stopped) = oneshot::channel::<()>();
    tokio::spawn(app.run_until_stopped(async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    TestApp {
        address,
        client,
        state,
        worker,
        _shutdown: shutdown,
        _dir: dir,
    }
}

/// A received email, parsed.
pub struct Email {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub attachments: Vec<(String, String)>,
    /// Images shown inside the HTML part (`cid:`), not attached files: (Content-ID, bytes).
    pub inline_images: Vec<(String, Vec<u8>)>,
    /// The HTML part.
    pub html: String,
}

impl Email {
    /// The first link in the text part that contains `marker`; it must point at this app.
    pub fn link(&self, app: &TestApp, marker: &str) -> String {
        let link = self
            .text
            .split_whitespace()
            .find(|w| w.contains(marker))
            .unwrap_or_else(|| panic!("no {marker} link in: {}", self.text))
            .to_owned();
        assert!(
            link.starts_with(&app.address),
            "{link} is not on {}",
            app.address
        );
        // Participant links end in the email's `?lang=`; callers build on the bare address.
        match link.split_once("?lang=") {
            Some((bare, _)) => bare.to_owned(),
            None => link,
        }
    }

    /// The last path segment of the link containing `marker`.
    pub fn token(&self, app: &TestApp, marker: &str) -> String {
        let link = self.link(app, marker);
        let path = link.trim_end_matches("/calendar.ics");
        path.rsplit('/').next().unwrap().to_owned()
    }
}

impl TestApp {
    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.address))
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    /// What `GET /api/me/{manage}` answers for a manage token.
    pub async fn me(&self, manage: &str) -> serde_json::Value {
        let answer = self.get(&format!("/api/me/{manage}")).await;
        assert_eq!(answer.status(), 200);
        answer.json().await.expect("JSON")
    }

    /// `manage`'s registration for `activity`, as `GET /api/me/{token}` gives it.
    pub async fn registration(&self, manage: &str, activity: i32) -> serde_json::Value {
        let me = self.me(manage).await;
        let mine = me["registrations"].as_array().expect("registrations");
        mine.iter()
            .find(|r| r["activity_id"] == activity)
            .unwrap_or_else(|| panic!("no registration for {activity} in {me}"))
            .clone()
    }

    /// Sends everything in the outbox and returns every email written so far, oldest first.
    pub async fn emails(&self) -> Vec<Email> {
        self.drain_outbox().await;
        let dir = match &self.state.config.mail {
            MailTransport::Files(dir) => dir.clone(),
            MailTransport::Smtp(_) => panic!("emails() reads the mail folder"),
        };
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.retain(|p: &std::path::PathBuf| p.extension().is_some_and(|x| x == "eml"));
        let mut emails: Vec<(String, Email)> = files
            .iter()
            .map(|path| {
                let raw = std::fs::read(path).unwrap();
                let msg = mail_parser::MessageParser::default().parse(&raw).unwrap();
                let id = msg.message_id().unwrap_or_default().to_owned();
                let inline_images = msg
                    .attachments()
                    .filter_map(|a| {
                        use mail_parser::MimeHeaders;
                        Some((a.content_id()?.to_owned(), a.contents().to_vec()))
                    })
                    .collect();
                let attachments = msg
                    .attachments()
                    .filter(|a| {
                        use mail_parser::MimeHeaders;
                        a.content_id().is_none()
                    })
                    .map(|a| {
                        use mail_parser::MimeHeaders;
                        (
                            a.attachment_name().unwrap_or_default().to_owned(),
                            a.text_contents().unwrap_or_default().to_owned(),
                        )
                    })
                    .collect();
                let email = Email {
                    to: msg
                        .to()
                        .and_then(|t| t.first())
                        .and_then(|a| a.address())
                        .unwrap_or_default()
                        .to_owned(),
                    subject: msg.subject().unwrap_or_default().to_owned(),
                    text: msg.body_text(0).unwrap_or_default().into_owned(),
                    html: msg.body_html(0).unwrap_or_default().into_owned(),
                    attachments,
                    inline_images,
                };
                (id, email)
            })
            .collect();
        // Outbox ids are increasing and the delivery order follows them; sort by outbox row.
        let rows = entity::outbox_message::Entity::find()
            .order_by_asc(entity::outbox_message::Column::Id)
            .all(self.state.db.conn())
            .await
            .unwrap();
        let order = |id: &str| {
            rows.iter()
                .position(|r| r.message_id == format!("<{id}>"))
                .unwrap_or(usize::MAX)
        };
        emails.sort_by_key(|(id, _)| order(id));
        emails.into_iter().map(|(_, e)| e).collect()
    }

    /// Returns once every committed email was handed to the transport (this test's worker and
    /// the app's own background worker both deliver).
    pub async fn drain_outbox(&self) {
        use entity::outbox_message::Column;
        use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter};
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            while self.worker.deliver_next().await.unwrap() != veletrh::mail::Delivery::Idle {}
            let unsent = entity::outbox_message::Entity::find()
                .filter(Column::SentAt.is_null())
                .filter(Column::FailedAt.is_null())
                .count(self.state.db.conn())
                .await
                .unwrap();
            if unsent == 0 {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{unsent} emails never went out"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    /// The emails to `address`, oldest first.
    pub async fn emails_to(&self, address: &str) -> Vec<Email> {
        self.emails()
            .await
            .into_iter()
            .filter(|e| e.to == address)
            .collect()
    }

    /// The status line of a POST that announces `length` bytes and sends none: the answer the
    /// server gives from the headers alone (a client sending a huge body may see the connection
    /// closed before it can read that answer).
    pub async fn status_for_announced_body(&self, path: &str, length: usize) -> String {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let host = self.address.trim_start_matches("http://");
        let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
             Content-Length: {length}\r\n\r\n"
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        let mut answer = vec![0u8; 512];
        let n = stream.read(&mut answer).await.unwrap();
        String::from_utf8_lossy(&answer[..n])
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned()
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("request sent")
    }
}

/// The person with `email`, if there is one.
pub async fn person(app: &TestApp, email: &str) -> Option<entity::person::Model> {
    use entity::person;
    use sea_orm::{ColumnTrait, QueryFilter};
    person::Entity::find()
        .filter(person::Column::Email.eq(email))
        .one(app.state.db.conn())
        .await
        .unwrap()
}

/// The statuses of the registrations of the person with `email` (none for an unknown address),
/// oldest first.
pub async fn statuses_of(app: &TestApp, email: &str) -> Vec<entity::enums::RegistrationStatus> {
    use entity::registration;
    use sea_orm::{ColumnTrait, QueryFilter};
    let conn = app.state.db.conn();
    let Some(person) = person(app, email).await else {
        return Vec::new();
    };
    registration::Entity::find()
        .filter(registration::Column::PersonId.eq(person.id))
        .order_by_asc(registration::Column::Id)
        .all(conn)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.status)
        .collect()
}

/// How many of `statuses` hold a seat awaiting confirmation, and how many wait in line.
pub fn held_and_waiting<'a>(
    statuses: impl IntoIterator<Item = &'a entity::enums::RegistrationStatus>,
) -> (usize, usize) {
    use entity::enums::RegistrationStatus::{Pending, Waitlisted};
    statuses
        .into_iter()
        .fold((0, 0), |(held, waiting), status| match status {
            Pending => (held + 1, waiting),
            Waitlisted => (held, waiting + 1),
            _ => (held, waiting),
        })
}

/// The JSON of the plainest sign-up: a name, `email`, one activity, consent.
pub fn sign_up_body(email: &str, activity: impl serde::Serialize) -> serde_json::Value {
    serde_json::json!({
        "name": "Jana Dvořáková",
        "email": email,
        "activity_ids": [activity],
        "consent": true,
    })
}

/// The value of property `name` (no parameters) in an iCalendar text's first event, its folded
/// lines joined, TEXT escapes left as they are.
pub fn ics_value(ics: &str, name: &str) -> String {
    let unfolded = ics.replace("\r\n ", "");
    let event = &unfolded[unfolded.find("BEGIN:VEVENT").expect("an event")..];
    event
        .lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(':'))
        .unwrap_or_else(|| panic!("no {name} in {ics}"))
        .to_owned()
}

/// The SEQUENCE of an iCalendar text's first event.
pub fn ics_sequence(ics: &str) -> i32 {
    ics_value(ics, "SEQUENCE").parse().expect("a number")
}

/// minijinja escapes `/` and quotes in HTML; read pages and emails as a browser does.
pub fn unescape(html: &str) -> String {
    html.replace("&#x2f;", "/")
        .replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
}
