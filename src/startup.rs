//! Builds the application: database, migrations, demo data, routes, listener.
//!
//! `Application::build` binds the listener before returning, so with port 0 the caller (a test)
//! learns the real port from [`Application::port`] and can send requests at once.

use std::{future::Future, sync::Arc, time::Duration};

use migration::{Migrator, MigratorTrait};
use poem::{
    Endpoint, EndpointExt, IntoResponse, Request, Response, Route, Server,
    listener::{Acceptor, Listener, TcpAcceptor, TcpListener},
};

use tokio::sync::{Notify, watch};

use crate::{
    config::Config,
    db::{self, Db},
    demo,
    limits::Limits,
    mail::{MailTemplates, MailWorker, Outbox, outbox::RetryPolicy, transport::Mailer},
    registration::{self, Links},
    web::{self, Pages},
};

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub pages: Arc<Pages>,
    pub outbox: Outbox,
    /// Wakes this instance's mail worker after a commit that enqueued mail.
    pub mail_wake: Arc<Notify>,
    /// Calendar feeds served from memory (see `calendar`).
    pub feeds: crate::calendar::Feeds,
    /// Builds the personal and public URLs of pages and emails.
    pub links: Links,
    pub limits: Arc<Limits>,
    /// The activities as last read and the sign-ups waiting to be written (see
    /// `registration::sign_up`).
    pub sign_ups: crate::registration::SignUps,
}

/// Why start-up failed, in one line for the terminal.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot open the database {database}: {reason}")]
    Database { database: String, reason: String },
    #[error("cannot migrate the database: {0}")]
    Migration(String),
    #[error("cannot load the demo programme: {0}")]
    Demo(String),
    #[error("cannot create the first admin: {0}")]
    FirstAdmin(String),
    #[error("a page template is broken: {0}")]
    Template(String),
    #[error("{0}")]
    Mail(String),
    #[error("cannot listen on {addr}: {reason}")]
    Bind { addr: String, reason: String },
}

pub struct Application {
    acceptor: TcpAcceptor,
    port: u16,
    state: AppState,
    worker: MailWorker,
    /// Whether the demo programme was written by this start (for the banner).
    pub demo_loaded: bool,
    /// The initial password of the admin made on the embedded default's first start.
    pub first_admin_password: Option<String>,
}

/// Connects and brings the schema up to date (several instances may do this at once: sea-orm's
/// migrator records each migration in one transaction on PostgreSQL).
pub async fn open_database(config: &Config) -> Result<Db, StartupError> {
    let db = Db::connect(&config.database_url)
        .await
        .map_err(|err| StartupError::Database {
            database: config.database_description(),
            reason: db::describe_connect_error(&err),
        })?;
    Migrator::up(db.conn(), None)
        .await
        .map_err(|err| StartupError::Migration(err.to_string()))?;
    Ok(db)
}

impl Application {
    pub async fn build(mut config: Config) -> Result<Self, StartupError> {
        let db = open_database(&config).await?;
        let demo_loaded = if config.load_demo {
            demo::load(&db, chrono::Local::now().date_naive())
                .await
                .map_err(|err| StartupError::Demo(err.to_string()))?
        } else {
            false
        };
        let first_admin_password =
            crate::organiser::accounts::bootstrap_admin(&db, config.is_sqlite())
                .await
                .map_err(|err| StartupError::FirstAdmin(err.to_string()))?;
        let pages = Pages::new().map_err(|err| StartupError::Template(err.to_string()))?;
        let templates = match &config.mail_templates {
            Some(dir) => MailTemplates::from_dir(dir),
            None => MailTemplates::embedded(),
        }
        .map_err(|err| StartupError::Mail(err.to_string()))?;
        let mailer = Mailer::new(&config.mail).map_err(StartupError::Mail)?;
        let worker = MailWorker {
            db: db.clone(),
            templates: Arc::new(templates),
            mailer: Arc::new(mailer),
            from: config.mail_from.clone(),
            reply_to: config.mail_reply_to.clone(),
            policy: RetryPolicy {
                max_attempts: config.mail_max_attempts,
                first_wait: config.mail_first_retry,
            },
            lease: config.mail_lease,
        };
        let outbox = Outbox::new(config.mail_from.email.domain());
        let key = crate::config::load_or_create_key(&config)
            .map_err(|err| StartupError::Mail(err.to_string()))?;
        let acceptor = TcpListener::bind(config.bind)
            .into_acceptor()
            .await
            .map_err(|err| StartupError::Bind {
                addr: config.bind.to_string(),
                reason: err.to_string(),
            })?;
        let port = acceptor
            .local_addr()
            .first()
            .and_then(|addr| addr.as_socket_addr().map(|a| a.port()))
            .unwrap_or(config.bind.port());
        // A base URL derived from the bind address follows the port actually bound (port 0).
        if config.base_url == format!("http://{}", config.bind) {
            config.base_url = format!("http://{}:{port}", config.bind.ip());
        }
        let links = Links {
            base: config.base_url.clone(),
            key,
        };
        let limits = Arc::new(Limits::new(config.limits));
        Ok(Application {
            acceptor,
            port,
            state: AppState {
                db,
                config: Arc::new(config),
                pages: Arc::new(pages),
                outbox,
                mail_wake: Arc::new(Notify::new()),
                links,
                limits,
                feeds: crate::calendar::Feeds::default(),
                sign_ups: Default::default(),
            },
            worker,
            demo_loaded,
            first_admin_password,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The mail worker, for tests that deliver the outbox step by step.
    pub fn mail_worker(&self) -> &MailWorker {
        &self.worker
    }

    /// The start-up block: where to open it, which database, where mail goes.
    pub fn banner(&self) -> String {
        let config = &self.state.config;
        let url = &config.base_url;
        let sign_in = match &self.first_admin_password {
            Some(password) => format!(
                "\n  sign in:  {url}/admin/login as {} with the initial password {password}\
                 \n            (then change it at {url}/admin/password)",
                crate::organiser::accounts::FIRST_ADMIN
            ),
            None => String::new(),
        };
        format!(
            "veletrh is running\n  open:     {url}/\n  database: {}{}\n  mail:     {}{sign_in}\n  stop:     Ctrl-C",
            config.database_description(),
            if self.demo_loaded {
                " (demo programme loaded)"
            } else {
                ""
            },
            config.mail_description(),
        )
    }

    /// Serves (and delivers mail) until `shutdown` completes, then lets requests in flight
    /// finish (up to 30 s) and the worker finish its current message.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()>,
    ) -> std::io::Result<()> {
        let Application {
            acceptor,
            state,
            worker,
            ..
        } = self;
        let (stop_worker, stopped) = watch::channel(false);
        let worker = tokio::spawn(worker.run(state.mail_wake.clone(), stopped.clone()));
        let chores = tokio::spawn(run_chores(state.clone(), stopped));
        let app = routes(&state.config.base_url)
            .around(undecodable_path)
            .around(limit_body)
            .around(crate::metrics::track)
            .data(state.clone());
        let result = Server::new_with_acceptor(acceptor)
            .run_with_graceful_shutdown(app, shutdown, Some(Duration::from_secs(30)))
            .await;
        let _ = stop_worker.send(true);
        let _ = tokio::time::timeout(Duration::from_secs(30), worker).await;
        let _ = tokio::time::timeout(Duration::from_secs(30), chores).await;
        state.db.close().await;
        result
    }
}

/// The production routes (public so that the feed benchmark can serve them beside its own).
/// Every route of the service: pages, feeds and the JSON API under `/api`.
pub fn routes(base_url: &str) -> Route {
    crate::calendar::routes(web::routes())
        .nest("/api", crate::api::routes(base_url))
        .at("/metrics", poem::get(crate::metrics::metrics))
}

/// No form or API request needs more; a larger body is refused with 413 before it is read.
const MAX_BODY_BYTES: u64 = 64 * 1024;

/// Sends an address whose percent-escapes are not UTF-8 (`/me/%ff`) to the not-found answer of
/// its part, page or API. It names nothing that exists; left alone, poem's router drops such a
/// segment and answers a bare 400, before any page or API error handling runs.
async fn undecodable_path<E: Endpoint>(ep: E, mut req: Request) -> poem::Result<Response> {
    let path = req.uri().path();
    if percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .is_err()
    {
        let part = if path.starts_with("/api/") {
            "/api"
        } else {
            ""
        };
        let query = req
            .uri()
            .query()
            .map(|q| format!("?{q}"))
            .unwrap_or_default();
        if let Ok(nowhere) = format!("{part}/.not-found{query}").parse() {
            *req.uri_mut() = nowhere;
        }
    }
    ep.call(req).await.map(IntoResponse::into_response)
}

/// Refuses a body over [`MAX_BODY_BYTES`] by its Content-Length, and a body of unknown length
/// (chunked), which no client of ours sends, with 411. Bodiless requests pass.
async fn limit_body<E: Endpoint>(ep: E, req: Request) -> poem::Result<Response> {
    use poem::http::{StatusCode, header};
    let length = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let refused = match length {
        Some(n) if n > MAX_BODY_BYTES => StatusCode::PAYLOAD_TOO_LARGE,
        None if req.headers().contains_key(header::TRANSFER_ENCODING) => {
            StatusCode::LENGTH_REQUIRED
        }
        _ => return ep.call(req).await.map(IntoResponse::into_response),
    };
    // The API answers in its documented problem form; everything else with the error page.
    let mut response = if req.uri().path().starts_with("/api/") {
        let lang = crate::web::lang::lang_of(&req);
        crate::api::error::ApiError::body_refused(refused.as_u16(), lang).into_response()
    } else {
        crate::web::error::ErrorPage::for_request(&req).render(poem::Error::from_status(refused))
    };
    // The unread body stays on the wire, so the connection cannot carry another request: say
    // so, or a client's pool reuses it and its next request fails half-sent.
    response.headers_mut().insert(
        header::CONNECTION,
        poem::http::HeaderValue::from_static("close"),
    );
    Ok(response)
}

/// Periodic work every instance runs: unconfirmed holds run out, tomorrow's reminders and the
/// evening's certificates of attendance are queued, no-shows' seats are released. Each step is
/// safe to run on several instances at once (conditional updates).
async fn run_chores(state: AppState, mut stop: watch::Receiver<bool>) {
    const EVERY: Duration = Duration::from_secs(15);
    let mut retention = registration::anonymise::RetentionSchedule::default();
    loop {
        retention.run_if_due(&state).await;
        if let Err(err) = registration::expire_holds(&state, chrono::Utc::now()).await {
            tracing::warn!(error = %err, "expiring holds failed");
        }
        if let Err(err) = registration::queue_reminders(&state, chrono::Utc::now()).await {
            tracing::warn!(error = %err, "queueing reminders failed");
        }
        if let Err(err) = registration::queue_attendance_mail(&state, chrono::Utc::now()).await {
            tracing::warn!(error = %err, "queueing attendance emails failed");
        }
        if let Err(err) =
            crate::checkin::no_show::release_no_shows(&state, chrono::Utc::now()).await
        {
            tracing::warn!(error = %err, "releasing no-shows failed");
        }
        tokio::select! {
            _ = tokio::time::sleep(EVERY) => {},
            _ = stop.changed() => return,
        }
    }
}

/// Completes on Ctrl-C or SIGTERM (what service managers and container runtimes send).
/// The handlers are installed when this is called, so call it before announcing readiness:
/// a signal that arrives earlier would otherwise kill the process outright.
pub fn shutdown_signal() -> std::io::Result<impl Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! {
            _ = term.recv() => {},
            _ = interrupt.recv() => {},
        }
        tracing::info!("shutting down");
    })
}
