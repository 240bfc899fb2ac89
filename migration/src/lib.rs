//! Database migrations of veletrh (SQLite and PostgreSQL).
//!
//! The schema is documented in `migration/README.md`. Every migration declares its
//! own identifiers (`DeriveIden` enums) and never depends on the `entity`
//! crate, so old migrations keep compiling when entities change.

pub use sea_orm_migration::prelude::*;

mod m20261201_000001_create_programme;
mod m20261201_000002_create_registration;
mod m20261201_000003_create_outbox;
mod m20261201_000004_create_organiser;
mod m20261202_000001_create_organiser_session;
mod m20261203_000001_add_organiser_tools;
mod m20261204_000001_add_initial_password_flag;
mod m20261204_000002_add_exhibitor_contact_language;
mod m20261205_000001_add_activity_online_url;
mod m20261206_000001_add_attendance_mail;
mod m20261206_000002_create_feedback;

/// Runs all migrations in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261201_000001_create_programme::Migration),
            Box::new(m20261201_000002_create_registration::Migration),
            Box::new(m20261201_000003_create_outbox::Migration),
            Box::new(m20261201_000004_create_organiser::Migration),
            Box::new(m20261202_000001_create_organiser_session::Migration),
            Box::new(m20261203_000001_add_organiser_tools::Migration),
            Box::new(m20261204_000001_add_initial_password_flag::Migration),
            Box::new(m20261204_000002_add_exhibitor_contact_language::Migration),
            Box::new(m20261205_000001_add_activity_online_url::Migration),
            Box::new(m20261206_000001_add_attendance_mail::Migration),
            Box::new(m20261206_000002_create_feedback::Migration),
        ]
    }
}
