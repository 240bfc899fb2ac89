//! Operating the service: metrics, and what happens when the database goes away.

use sea_orm::{ConnectionTrait, Database};
use serde_json::json;

use crate::helpers::{Backend, on_both_backends, postgres_available, spawn_app};

/// SQLite's write-ahead log is copied into the database file in the background, not by
/// whichever commit finds the log long: 2 MiB written, and soon the file has them, though no
/// commit came near the size at which it would checkpoint itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_checkpoints_in_the_background() {
    let app = spawn_app(Backend::Sqlite).await;
    let url = &app.state.config.database_url;
    let path = url
        .trim_start_matches("sqlite://")
        .split('?')
        .next()
        .unwrap();
    let size = || std::fs::metadata(path).unwrap().len();
    let before = size();
    let txn = app.state.db.begin_write().await.unwrap();
    for sql in [
        "CREATE TABLE ballast (b BLOB)",
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500) \
         INSERT INTO ballast SELECT randomblob(4000) FROM n",
    ] {
        txn.execute_unprepared(sql).await.unwrap();
    }
    txn.commit().await.unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(3);
    while size() < before + 2_000_000 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(size() >= before + 2_000_000, "{before} -> {}", size());
}

async fn metrics_count_requests_sign_ups_and_the_outbox(backend: Backend) {
    let app = spawn_app(backend).await;
    app.get("/healthz").await;
    let body =
        json!({"name": "Jana", "email": "jana@skola.cz", "activity_ids": [1], "consent": true});
    assert_eq!(
        app.post_json("/api/registrations", &body).await.status(),
        202
    );
    let response = app.get("/metrics").await;
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    assert!(
        text.contains(r#"veletrh_http_requests_total{method="GET",route="/healthz",status="200"}"#),
        "{text}"
    );
    assert!(
        text.contains(r#"veletrh_http_request_duration_seconds_bucket{route="/api/registrations""#)
    );
    let accepted = text
        .lines()
        .find(|l| l.starts_with(r#"veletrh_sign_ups_total{outcome="accepted"}"#))
        .and_then(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
        .expect("sign-ups by outcome");
    assert!(accepted >= 1);
    assert!(
        text.contains(r#"veletrh_sign_up_batch_size_bucket{le="1"}"#),
        "sign-ups written per transaction: {text}"
    );
    assert!(text.contains(r#"veletrh_outbox_messages{state="waiting"}"#));
    // A feed fetched twice: built once, then served from memory.
    app.get("/fairs/uspech-pro-kazdeho-zaka/calendar.ics").await;
    app.get("/fairs/uspech-pro-kazdeho-zaka/calendar.ics").await;
    let text = app.get("/metrics").await.text().await.unwrap();
    assert!(
        text.contains(r#"veletrh_feed_cache_total{result="rebuild"}"#),
        "{text}"
    );
    assert!(
        text.contains(r#"veletrh_feed_cache_total{result="hit"}"#),
        "{text}"
    );
    // The token in a personal link never becomes a label.
    app.get("/me/abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ")
        .await;
    let text = app.get("/metrics").await.text().await.unwrap();
    assert!(!text.contains("abcdefghijklmnopqrstuvwxyz"));
}

on_both_backends!(metrics_count_requests_sign_ups_and_the_outbox);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_database_gives_503_and_the_service_recovers_on_its_own() {
    if !postgres_available() {
        return;
    }
    let app = spawn_app(Backend::Postgres).await;
    let url = app.state.config.database_url.clone();
    let (server, name) = url.rsplit_once('/').unwrap();
    let admin = Database::connect(format!("{server}/postgres"))
        .await
        .unwrap();
    let cut_off = format!(
        "ALTER DATABASE {name} ALLOW_CONNECTIONS false; \
         SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
    );
    admin.execute_unprepared(&cut_off).await.unwrap();

    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 503);
    let api = app.get("/api/fairs?lang=en").await;
    assert_eq!(api.status(), 503);
    assert!(api.headers().contains_key("retry-after"));
    let problem: serde_json::Value = api.json().await.unwrap();
    assert_eq!(problem["type"], "try-again-later");
    assert!(
        problem["title"]
            .as_str()
            .unwrap()
            .contains("temporarily unavailable")
    );
    let page = app.get("/").await;
    assert_eq!(page.status(), 503);

    admin
        .execute_unprepared(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true"))
        .await
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        if app.get("/readyz").await.status() == 200 && app.get("/api/fairs").await.status() == 200 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the service did not come back"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}
