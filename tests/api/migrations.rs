use migration::{Migrator, MigratorTrait};
use veletrh::db::Db;

use crate::helpers::{Backend, fresh_database, on_both_backends};

async fn migrations_go_down_and_up_again(backend: Backend) {
    let (url, _dir) = fresh_database(backend);
    let db = Db::connect(&url).await.unwrap();
    Migrator::up(db.conn(), None).await.unwrap();
    let applied = Migrator::get_applied_migrations(db.conn())
        .await
        .unwrap()
        .len();
    assert_eq!(applied, Migrator::migrations().len());
    Migrator::down(db.conn(), None).await.unwrap();
    assert!(
        Migrator::get_applied_migrations(db.conn())
            .await
            .unwrap()
            .is_empty()
    );
    Migrator::up(db.conn(), None).await.unwrap();
    // Running up on an up-to-date schema (a second instance starting) is a no-op.
    Migrator::up(db.conn(), None).await.unwrap();
}

async fn one_live_registration_per_person_and_activity(backend: Backend) {
    use sea_orm::ConnectionTrait;
    let (url, _dir) = fresh_database(backend);
    let db = Db::connect(&url).await.unwrap();
    Migrator::up(db.conn(), None).await.unwrap();
    veletrh::demo::load(&db, chrono::Local::now().date_naive())
        .await
        .unwrap();
    let c = db.conn();
    let now = "'2026-01-01 00:00:00+00:00'";
    c.execute_unprepared(&format!(
        "INSERT INTO person (email, name, language, manage_token_hash, created_at, updated_at) \
         VALUES ('a@skola.cz', 'A', 'cs', 'h1', {now}, {now})"
    ))
    .await
    .unwrap();
    let insert = |status: &str| {
        format!(
            "INSERT INTO registration (person_id, activity_id, status, consent_version, \
             created_at, updated_at) VALUES (1, 1, '{status}', 'v1', {now}, {now})"
        )
    };
    c.execute_unprepared(&insert("cancelled")).await.unwrap();
    c.execute_unprepared(&insert("confirmed")).await.unwrap();
    let second_live = c.execute_unprepared(&insert("pending")).await;
    assert!(
        second_live.is_err(),
        "a second live registration must be refused"
    );
    c.execute_unprepared(&insert("expired")).await.unwrap();
}

on_both_backends!(
    migrations_go_down_and_up_again,
    one_live_registration_per_person_and_activity,
);
