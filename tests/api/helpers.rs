//! `spawn_app` and friends. Every test gets its own database (a SQLite file in a temp dir, or a
//! new database in the throwaway PostgreSQL cluster of this test process), its own port and its
//! own mail folder; nothing is shared between tests but the cluster's server process.

mod postgres;
pub mod smtp;

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

impl TestApp {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("request sent")
    }
}
