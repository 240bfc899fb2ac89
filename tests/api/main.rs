//! Integration tests: one binary (it links once), the real server on a free port, a fresh
//! database per test on SQLite and on PostgreSQL.

mod helpers;

mod calendar;
mod cli;
mod demo;
mod export;
mod faults;
mod health;
mod mail;
mod migrations;
mod operations;
mod organiser;
mod pages;
mod pages_in_browser;
mod registration;
