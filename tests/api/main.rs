//! Integration tests: one binary (it links once), the real server on a free port, a fresh
//! database per test on SQLite and on PostgreSQL.

mod helpers;

mod accounts;
mod admin_in_browser;
mod attendance;
mod attendees;
mod calendar;
mod checkin;
mod cli;
mod demo;
mod export;
mod fairs;
mod faults;
mod hardening;
mod health;
mod mail;
mod migrations;
mod online;
mod operations;
mod organiser;
mod pages;
mod pages_in_browser;
mod privacy;
mod regions;
mod registration;
mod report;
mod sign_up_burst;
mod sign_up_memory;
mod xss;
