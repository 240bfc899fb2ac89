//! veletrh: sign-up for education fairs, their workshops and the regional meetings of district
//! partnerships. `main.rs` is the command line; everything else lives here so tests can build it.

pub mod api;
pub mod calendar;
pub mod checkin;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod export;
pub mod i18n;
pub mod limits;
pub mod mail;
pub mod metrics;
pub mod organiser;
pub mod programme;
pub mod registration;
pub mod startup;
pub mod telemetry;
pub mod timezone;
pub mod web;
