use crate::helpers::{Backend, on_both_backends, spawn_app};

async fn health_endpoints_answer(backend: Backend) {
    let app = spawn_app(backend).await;
    let live = app.get("/healthz").await;
    assert_eq!(live.status(), 200);
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.text().await.unwrap(), "ready");
}

async fn the_home_page_lists_the_fair_and_its_workshops_in_czech(backend: Backend) {
    let app = spawn_app(backend).await;
    let page = app.get("/").await;
    assert_eq!(page.status(), 200);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = page.text().await.unwrap();
    assert!(html.contains(r#"<html lang="cs">"#));
    assert!(html.contains("Úspěch pro každého žáka"));
    assert!(html.contains("Proč a jak rozvíjet pedagogický leadership vedení škol?"));
    assert!(html.contains("H. Košťálová, M. Kafková (Pomáháme školám k úspěchu)"));
    assert!(html.contains("volná místa: 40"));
    assert!(html.contains("Sdílení zkušeností iniciátorů Okresních Partnerství"));
    // Past meetings stay past: they are not offered on the home page.
    assert!(!html.contains("Krnov"));
}

async fn the_home_page_speaks_english_when_asked(backend: Backend) {
    let app = spawn_app(backend).await;
    let html = app.get("/?lang=en").await.text().await.unwrap();
    assert!(html.contains(r#"<html lang="en">"#));
    assert!(html.contains("seats left: 40"));
    let html = app
        .client
        .get(format!("{}/", app.address))
        .header("Accept-Language", "en-GB,en;q=0.9")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Sign-up for fairs and meetings"));
}

on_both_backends!(
    health_endpoints_answer,
    the_home_page_lists_the_fair_and_its_workshops_in_czech,
    the_home_page_speaks_english_when_asked,
);
