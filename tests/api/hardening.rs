//! Hostile input that is not a form field: paths aimed at the file system, and guessed tokens.

use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, on_both_backends, spawn_app, spawn_app_with};

/// Static assets are compiled into the binary; no spelling of a path reaches the disk.
async fn static_paths_never_reach_the_file_system(backend: Backend) {
    let app = spawn_app(backend).await;
    let probes = [
        "/static/../Cargo.toml",
        "/static/%2e%2e/Cargo.toml",
        "/static/%2e%2e%2fCargo.toml",
        "/static/..%2f..%2f..%2fetc%2fpasswd",
        "/static/....//....//etc/passwd",
        "/static/%252e%252e%252fCargo.toml",
        "/static/..\\..\\Cargo.toml",
        "/static/site.css/../../Cargo.toml",
        "/static/site.css%00.toml",
        "/static/",
        "/static/src/web/static/site.css",
    ];
    for probe in probes {
        let response = app.get(probe).await;
        let status = response.status();
        let body = response.text().await.unwrap();
        assert!(
            status == 404 || status == 400,
            "{probe}: {status} is not a refusal"
        );
        for secret in ["[workspace]", "root:", "[package]"] {
            assert!(!body.contains(secret), "{probe} shows a file");
        }
    }
    let css = app.get("/static/site.css").await;
    assert_eq!(css.status(), 200, "the real asset is still served");
}

/// A person who signed up, confirmed, and then deleted their data: their tokens are dead.
async fn dead_tokens(app: &TestApp) -> (String, String) {
    let signed = app
        .post_json(
            "/api/registrations",
            &json!({"name": "Jana", "email": "jana@skola.cz", "activity_ids": [1], "consent": true}),
        )
        .await;
    assert_eq!(signed.status(), 202);
    let mail = app.emails_to("jana@skola.cz").await.remove(0);
    let confirm = mail.token(app, "/confirm/");
    let confirmed: Value = app
        .post_json(&format!("/api/confirmations/{confirm}"), &json!({}))
        .await
        .json()
        .await
        .unwrap();
    let manage = confirmed["manage_token"].as_str().unwrap().to_owned();
    let deleted = app
        .client
        .delete(format!("{}/api/me/{manage}", app.address))
        .send()
        .await
        .unwrap();
    assert!(deleted.status().is_success(), "{}", deleted.status());
    (confirm, manage)
}

/// For every route that takes a personal token, a well-formed random token and one that was
/// real get the same answer, byte for byte: a guess learns nothing, not even whether a token
/// once existed. Malformed ones are refused (their shape is no secret).
async fn guessed_tokens_learn_nothing(backend: Backend) {
    let app = spawn_app_with(backend, |config| {
        config.limits.token_requests_per_ip_per_minute = 10_000;
    })
    .await;
    let (confirm, manage) = dead_tokens(&app).await;
    let random = "Qm9ndXNfdG9rZW5fdGhhdF9uZXZlcl9leGlzdGVkXzA";
    assert_eq!(random.len(), manage.len(), "a well-formed guess");
    // (method, path, a token that was real, the status every token gets). `GET /confirm/…`
    // only asks for a click (mail scanners open links) and reads no token.
    let routes: [(&str, &str, &str, u16); 8] = [
        ("GET", "/confirm/{}", &confirm, 200),
        ("POST", "/confirm/{}", &confirm, 404),
        ("POST", "/api/confirmations/{}", &confirm, 404),
        ("GET", "/me/{}", &manage, 404),
        ("GET", "/api/me/{}", &manage, 404),
        ("DELETE", "/api/me/{}", &manage, 404),
        ("POST", "/api/me/{}/registrations/1/cancel", &manage, 404),
        ("GET", "/me/{}/calendar.ics", &manage, 404),
    ];
    for (method, pattern, former, expected) in routes {
        let mut answers = Vec::new();
        for token in [former, random, "x", "%00", "..%2f..%2fadmin"] {
            let well_formed = token.len() == random.len();
            let path = pattern.replace("{}", token);
            let request = match method {
                "GET" => app.client.get(format!("{}{path}", app.address)),
                "POST" => app
                    .client
                    .post(format!("{}{path}", app.address))
                    .json(&json!({})),
                _ => app.client.delete(format!("{}{path}", app.address)),
            };
            let response = request
                .header("accept-language", "en")
                .send()
                .await
                .unwrap();
            let status = response.status();
            let body = response.text().await.unwrap();
            if !well_formed {
                assert!(status.is_client_error(), "{method} {path}: {status}");
                continue;
            }
            assert_eq!(status, expected, "{method} {path}");
            // A page or problem may name its own address (a form's action, `instance`);
            // everything else is equal.
            answers.push(body.replace(token, "{token}"));
        }
        assert!(
            answers.windows(2).all(|w| w[0] == w[1]),
            "{method} {pattern}: answers differ: {answers:#?}"
        );
    }
}

/// Guessing is slowed per address, across every route that looks a token up.
async fn token_guessing_is_rate_limited_across_routes(backend: Backend) {
    let app = spawn_app_with(backend, |config| {
        config.limits.token_requests_per_ip_per_minute = 4;
    })
    .await;
    let guess = "Qm9ndXNfdG9rZW5fdGhhdF9uZXZlcl9leGlzdGVkXzA";
    let mut statuses = Vec::new();
    for path in [
        format!("/me/{guess}"),
        format!("/join/1.1.{guess}"),
        format!("/api/me/{guess}"),
        format!("/me/{guess}/calendar.ics"),
        format!("/confirm/{guess}"),
        format!("/api/confirmations/{guess}"),
        format!("/me/{guess}"),
    ] {
        let response = if path.contains("confirm") {
            app.client
                .post(format!("{}{path}", app.address))
                .json(&json!({}))
                .send()
                .await
                .unwrap()
        } else {
            app.get(&path).await
        };
        if response.status() == 429 {
            assert!(response.headers().contains_key("retry-after"), "{path}");
        }
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses, [404, 404, 404, 404, 429, 429, 429]);
    assert_eq!(
        app.get("/fairs/uspech-pro-kazdeho-zaka").await.status(),
        200,
        "public pages stay open to the same address"
    );
}

/// A page form with an oversized body is refused before it is read, says why, and closes the
/// connection (the unread body is still on it); the next request on a new one is served.
async fn an_oversized_form_is_refused_and_the_connection_closed(backend: Backend) {
    let app = spawn_app(backend).await;
    let refused = app
        .client
        .post(format!(
            "{}/fairs/uspech-pro-kazdeho-zaka/sign-up",
            app.address
        ))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("name={}", "a".repeat(70_000)))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 413);
    assert_eq!(refused.headers()["connection"], "close");
    let page = refused.text().await.unwrap();
    assert!(page.contains("Požadavek je příliš velký"), "{page}");
    assert_eq!(app.get("/").await.status(), 200);
}

on_both_backends!(
    static_paths_never_reach_the_file_system,
    guessed_tokens_learn_nothing,
    token_guessing_is_rate_limited_across_routes,
    an_oversized_form_is_refused_and_the_connection_closed,
);
