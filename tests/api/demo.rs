use entity::{activity, district, exhibitor, fair, partnership, region, speaker};
use sea_orm::{EntityTrait, PaginatorTrait};
use veletrh::demo;

use crate::helpers::{Backend, on_both_backends, spawn_app};

async fn counts(app: &crate::helpers::TestApp) -> [u64; 7] {
    let c = app.state.db.conn();
    [
        fair::Entity::find().count(c).await.unwrap(),
        activity::Entity::find().count(c).await.unwrap(),
        speaker::Entity::find().count(c).await.unwrap(),
        exhibitor::Entity::find().count(c).await.unwrap(),
        region::Entity::find().count(c).await.unwrap(),
        district::Entity::find().count(c).await.unwrap(),
        partnership::Entity::find().count(c).await.unwrap(),
    ]
}

async fn loading_the_demo_twice_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let before = counts(&app).await;
    // 1 fair; 7 workshops + 3 past meetings + 6 in the series; 8 speakers; 19 exhibitors;
    // 6 regions; 12 districts, each with its partnership.
    assert_eq!(before, [1, 16, 8, 19, 6, 12, 12]);
    let today = chrono::Local::now().date_naive();
    assert!(
        !demo::load(&app.state.db, today).await.unwrap(),
        "second load writes nothing"
    );
    assert_eq!(counts(&app).await, before);
}

async fn the_fair_and_the_series_lie_ahead_and_the_2022_meetings_behind(backend: Backend) {
    let app = spawn_app(backend).await;
    let now = chrono::Utc::now();
    let all = activity::Entity::find()
        .all(app.state.db.conn())
        .await
        .unwrap();
    let past: Vec<_> = all.iter().filter(|a| a.starts_at < now).collect();
    assert_eq!(past.len(), 3);
    assert!(
        past.iter()
            .all(|a| a.starts_at.format("%Y").to_string() == "2022")
    );
    let fair = fair::Entity::find()
        .one(app.state.db.conn())
        .await
        .unwrap()
        .unwrap();
    assert!(fair.starts_at > now);
    assert!(fair.registration_closes_at.unwrap() < fair.starts_at);
}

on_both_backends!(
    loading_the_demo_twice_changes_nothing,
    the_fair_and_the_series_lie_ahead_and_the_2022_meetings_behind,
);
