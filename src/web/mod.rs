//! Public HTML pages (server-rendered, no JavaScript needed) and the health endpoints.

mod error;
mod health;
mod home;
mod lang;
mod render;

pub use lang::PageLang;
pub use render::Pages;

use poem::{Route, get};

/// The routes of the public site; the caller adds shared data and middleware.
pub fn routes() -> Route {
    Route::new()
        .at("/", get(home::home))
        .at("/healthz", get(health::healthz))
        .at("/readyz", get(health::readyz))
}
