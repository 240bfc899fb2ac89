//! `cargo bench --bench signups`: sign-ups through the JSON API against the same database's raw
//! capacity for the equivalent transaction, measured in one run.
//!
//! For SQLite (always) and PostgreSQL (when the server binaries are installed; a throwaway
//! cluster as in the tests), at concurrency 1, 8 and 32:
//! - **api**: `POST /api/registrations` on the real server over loopback, each request a new
//!   person for one workshop with room for everyone; throughput and p50/p99 latency;
//! - **raw**: the minimal transaction the sign-up must do at least — insert a registration and
//!   an outbox row — in a loop from the same number of tasks, through the same `begin_write`
//!   (on SQLite, the same gate and writer connection);
//! - **ratio**: api / raw (target ≥ 50 %; absolute target on 2 cores: ≥ 2,000 sign-ups/s on
//!   SQLite at concurrency 32 with p99 < 50 ms);
//! - **http**: `GET /healthz` on the same server from the same number of clients, per second:
//!   what the HTTP round trip alone allows, the ceiling of any API call.
//!
//! The mail worker runs as in production and delivers every message, to a folder in memory
//! (see [`mail_folder`]).
//!
//! `BENCH_SECONDS` (default 3) is the time per measurement. The table is printed and written to
//! `target/bench-signups.txt`.

#[path = "../tests/api/helpers/postgres.rs"]
#[allow(dead_code)]
mod postgres;

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use chrono::Utc;
use entity::{activity, enums::*, person};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, Statement};
use tokio::sync::Mutex;
use veletrh::{
    config::{Config, MailTransport},
    startup::{AppState, Application},
};

const CONCURRENCY: [usize; 3] = [1, 8, 32];

struct Row {
    backend: &'static str,
    concurrency: usize,
    api_per_s: f64,
    p50_ms: f64,
    p99_ms: f64,
    raw_per_s: f64,
    http_per_s: f64,
}

fn seconds() -> Duration {
    Duration::from_secs(
        std::env::var("BENCH_SECONDS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(3),
    )
}

#[tokio::main]
async fn main() {
    let mut rows = Vec::new();
    let dir = tempfile::tempdir().expect("a temp dir");
    let mail = mail_folder();
    let sqlite = format!("sqlite://{}/bench.db?mode=rwc", dir.path().display());
    rows.extend(run("sqlite", sqlite, dir.path(), mail.path()).await);
    if std::path::Path::new("/usr/lib/postgresql").exists()
        || std::env::var("VELETRH_PG_BIN").is_ok()
    {
        rows.extend(
            run(
                "postgres",
                postgres::fresh_database(),
                dir.path(),
                mail.path(),
            )
            .await,
        );
    } else {
        println!("(no PostgreSQL server binaries: PostgreSQL rows skipped)");
    }
    let mut table = String::from(
        "backend   conc  api sign-ups/s   p50 ms   p99 ms   raw tx/s   api/raw   http req/s\n",
    );
    for r in &rows {
        table.push_str(&format!(
            "{:<9} {:>4}  {:>14.0}  {:>7.2}  {:>7.2}  {:>9.0}  {:>7.0} %  {:>11.0}\n",
            r.backend,
            r.concurrency,
            r.api_per_s,
            r.p50_ms,
            r.p99_ms,
            r.raw_per_s,
            100.0 * r.api_per_s / r.raw_per_s,
            r.http_per_s,
        ));
    }
    println!("\n{table}");
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-signups.txt");
    std::fs::write(&out, &table).expect("write the results");
    println!("written to {}", out.display());
}

/// Where the mail worker delivers: a folder in memory (`/dev/shm`) where there is one, standing
/// in for production's SMTP relay. On disk, creating tens of thousands of files costs ext4 time
/// that depends on how many were deleted in the minutes before (e.g. by the previous run), which
/// made runs here differ by a third. `BENCH_MAIL_DIR` chooses another parent folder.
fn mail_folder() -> tempfile::TempDir {
    let parent = match std::env::var_os("BENCH_MAIL_DIR") {
        Some(dir) => dir.into(),
        None if std::path::Path::new("/dev/shm").is_dir() => "/dev/shm".into(),
        None => std::env::temp_dir(),
    };
    tempfile::tempdir_in(parent).expect("a folder for the mail")
}

async fn run(
    backend: &'static str,
    database_url: String,
    dir: &std::path::Path,
    mail: &std::path::Path,
) -> Vec<Row> {
    let mut config = Config {
        database_url,
        bind: ([127, 0, 0, 1], 0).into(),
        base_url: "http://127.0.0.1:0".into(),
        mail: MailTransport::Files(mail.join(backend)),
        secret_key_file: dir.join("veletrh.key"),
        load_demo: false,
        ..Config::default()
    };
    config.limits.sign_ups_per_ip_per_minute = 1_000_000;
    config.limits.sign_ups_per_email_per_hour = 1_000_000;
    let app = Application::build(config).await.expect("the app builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let state = app.state().clone();
    let workshop = roomy_meeting(&state).await;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until_stopped(async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let counter = Arc::new(AtomicU64::new(0));
    let mut rows = Vec::new();
    let url = format!("{address}/api/registrations");
    let sign_up = move |client: &reqwest::Client, n: u64| {
        let body = serde_json::json!({
            "name": "Jana Dvořáková",
            "email": format!("ucitel{n}@skola.cz"),
            "activity_ids": [workshop],
            "consent": true,
        });
        (client.post(&url).json(&body), 202)
    };
    let health = format!("{address}/healthz");
    let trivial = move |client: &reqwest::Client, _| (client.get(&health), 200);
    for concurrency in CONCURRENCY {
        // Warm up connections and caches.
        let warm_up = Duration::from_millis(300);
        drive(&client, sign_up.clone(), 2, warm_up, &counter).await;
        let (done, mut latencies, elapsed) =
            drive(&client, sign_up.clone(), concurrency, seconds(), &counter).await;
        latencies.sort_unstable();
        let pct =
            |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
        let raw = raw_capacity(&state, workshop, concurrency, seconds(), &counter).await;
        let (requests, _, http_elapsed) =
            drive(&client, trivial.clone(), concurrency, seconds(), &counter).await;
        rows.push(Row {
            backend,
            concurrency,
            api_per_s: done as f64 / elapsed.as_secs_f64(),
            p50_ms: pct(0.50).as_secs_f64() * 1000.0,
            p99_ms: pct(0.99).as_secs_f64() * 1000.0,
            raw_per_s: raw,
            http_per_s: requests as f64 / http_elapsed.as_secs_f64(),
        });
    }
    let _ = stop.send(());
    let _ = server.await;
    rows
}

/// A meeting far in the future with room for every sign-up of the run.
async fn roomy_meeting(state: &AppState) -> i32 {
    let now = Utc::now();
    activity::ActiveModel {
        kind: Set(ActivityKind::Meeting),
        title: Set("Setkání pro měření".into()),
        description: Set(String::new()),
        place: Set(Some("online".into())),
        starts_at: Set(now + chrono::Duration::days(60)),
        ends_at: Set(now + chrono::Duration::days(60) + chrono::Duration::hours(2)),
        capacity: Set(10_000_000),
        taken: Set(0),
        waitlist_enabled: Set(true),
        status: Set(ActivityStatus::Scheduled),
        revision: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(state.db.conn())
    .await
    .expect("insert the meeting")
    .id
}

/// The load's own threads: the server's runtime schedules only the server's work, as it would
/// with clients on other machines (they still share the two cores).
static CLIENTS: std::sync::LazyLock<tokio::runtime::Runtime> = std::sync::LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("bench-client")
        .enable_all()
        .build()
        .expect("the clients' runtime")
});

/// `concurrency` tasks sending `request(client, n)` (n counts up over the whole run) for
/// `duration`, each answer checked against the status given with it; returns count, latencies,
/// time.
async fn drive<R>(
    client: &reqwest::Client,
    request: R,
    concurrency: usize,
    duration: Duration,
    counter: &Arc<AtomicU64>,
) -> (usize, Vec<Duration>, Duration)
where
    R: Fn(&reqwest::Client, u64) -> (reqwest::RequestBuilder, u16) + Clone + Send + 'static,
{
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let started = Instant::now();
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let (client, request, counter, latencies) = (
                client.clone(),
                request.clone(),
                counter.clone(),
                latencies.clone(),
            );
            CLIENTS.spawn(async move {
                let mut mine = Vec::new();
                while started.elapsed() < duration {
                    let n = counter.fetch_add(1, Ordering::Relaxed);
                    let (request, expected) = request(&client, n);
                    let t = Instant::now();
                    let response = request.send().await.expect("sent");
                    assert_eq!(
                        response.status(),
                        expected,
                        "{}",
                        response.text().await.unwrap_or_default()
                    );
                    mine.push(t.elapsed());
                }
                latencies.lock().await.extend(mine);
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let elapsed = started.elapsed();
    let latencies = std::mem::take(&mut *latencies.lock().await);
    (latencies.len(), latencies, elapsed)
}

/// Transactions per second of the least a sign-up writes: a registration and an outbox row.
async fn raw_capacity(
    state: &AppState,
    activity_id: i32,
    concurrency: usize,
    duration: Duration,
    counter: &Arc<AtomicU64>,
) -> f64 {
    // One person to hang the registrations on; the live-registration index allows one live
    // row per person, so these rows are written as cancelled.
    let now = Utc::now();
    let n = counter.fetch_add(1, Ordering::Relaxed);
    let person = person::ActiveModel {
        email: Set(format!("raw{n}@skola.cz")),
        name: Set("Raw".into()),
        language: Set("cs".into()),
        manage_token_hash: Set(format!("raw-{n}")),
        feed_generation: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(state.db.conn())
    .await
    .expect("insert a person")
    .id;
    let done = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let (db, done, counter) = (state.db.clone(), done.clone(), counter.clone());
            tokio::spawn(async move {
                let backend = db.backend();
                while started.elapsed() < duration {
                    let n = counter.fetch_add(1, Ordering::Relaxed);
                    let now = Utc::now();
                    let txn = db.begin_write().await.unwrap();
                    txn.execute_raw(Statement::from_sql_and_values(
                        backend,
                        placeholders(backend, "INSERT INTO registration (person_id, activity_id, status, consent_version, created_at, updated_at) VALUES (?, ?, 'cancelled', 'v', ?, ?)"),
                        [person.into(), activity_id.into(), now.into(), now.into()],
                    ))
                    .await
                    .unwrap();
                    txn.execute_raw(Statement::from_sql_and_values(
                        backend,
                        placeholders(backend, "INSERT INTO outbox_message (kind, language, recipient, payload, message_id, attempts, next_attempt_at, sent_at, created_at) VALUES ('reminder', 'cs', 'raw@skola.cz', '{}', ?, 0, ?, ?, ?)"),
                        [format!("<raw{n}@bench>").into(), now.into(), now.into(), now.into()],
                    ))
                    .await
                    .unwrap();
                    txn.commit().await.unwrap();
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64()
}

/// `?` placeholders as the backend wants them.
fn placeholders(backend: sea_orm::DbBackend, sql: &str) -> String {
    if backend != sea_orm::DbBackend::Postgres {
        return sql.to_owned();
    }
    let mut out = String::new();
    let mut n = 0;
    for c in sql.chars() {
        if c == '?' {
            n += 1;
            out.push_str(&format!("${n}"));
        } else {
            out.push(c);
        }
    }
    out
}
