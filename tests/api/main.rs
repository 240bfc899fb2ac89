//! Integration tests: one binary (it links once), the real server on a free port, a fresh
//! database per test on SQLite and on PostgreSQL.

mod helpers;

mod cli;
mod demo;
mod health;
mod mail;
mod migrations;
