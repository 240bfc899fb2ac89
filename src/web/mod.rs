//! Public HTML pages (server-rendered, no JavaScript needed) and the health endpoints.
//!
//! | page | route |
//! |---|---|
//! | home | `GET /` |
//! | a fair's programme by slot, as one sign-up form | `GET /fairs/{slug}`, `POST /fairs/{slug}/sign-up` |
//! | exhibitors and the workshops they run | `GET /fairs/{slug}/exhibitors` |
//! | applying to exhibit | `GET`, `POST /fairs/{slug}/exhibitors/apply` |
//! | a workshop | `GET /workshops/{id}` |
//! | regional meetings, by region and district | `GET /meetings?region=&district=` |
//! | a meeting and its sign-up form | `GET /meetings/{id}`, `POST /meetings/{id}/sign-up` |
//! | "check your email" | `GET /check-email` |
//! | the confirmation link: a button, then the outcome | `GET`, `POST /confirm/{token}` |
//! | my registrations | `GET /me/{token}`, `POST /me/{token}/registrations/{id}/cancel` |
//! | certificate of attendance | `GET /me/{token}/attendance` |
//! | feedback on an attended activity | `GET`, `POST /me/{token}/feedback/{registration}` |
//! | delete my data | `GET`, `POST /me/{token}/delete`, then `GET /deleted` |
//! | joining an activity held online: a button, then on to it | `GET`, `POST /join/{token}` |
//! | a check-in QR code: on to `/admin/checkin/{token}` | `GET /checkin/{token}` |
//! | organisers' pages (sign-in, activities, API tokens, invitations) | `/admin/…`, see [`admin`] |
//!
//! Every page takes `?lang=en` (Czech by default) and its links carry the language on. Errors
//! become pages in the visitor's language ([`error::pages`]); every page carries the security
//! headers of [`security::headers`].

pub mod admin;
mod confirm;
pub mod error;
mod exhibitor_apply;
mod exhibitors;
mod fair;
mod feedback;
mod health;
mod home;
mod join;
pub mod lang;
mod manage;
mod meetings;
mod places;
mod render;
mod security;
mod sign_up;
mod views;
mod workshop;

pub use lang::PageLang;
pub use render::Pages;
pub use security::CONTENT_SECURITY_POLICY;

use poem::{EndpointExt, Route, get, post};

/// The routes of the public site; the caller adds shared data (`AppState`). The pages are
/// nested at `/` behind their middleware, so routes the caller adds beside them (feeds, the API)
/// take precedence and keep their own answers, and any other unknown address gets the 404 page.
pub fn routes() -> Route {
    let pages = Route::new()
        .at("/", get(home::home))
        .at("/static/site.css", get(security::stylesheet))
        .at("/fairs/:slug", get(fair::show))
        .at(
            "/fairs/:slug/sign-up",
            post(fair::submit).get(fair::back_to_form),
        )
        .at("/fairs/:slug/exhibitors", get(exhibitors::directory))
        .at(
            "/fairs/:slug/exhibitors/apply",
            get(exhibitor_apply::form_page).post(exhibitor_apply::submit),
        )
        .at("/workshops/:id", get(workshop::detail))
        .at("/meetings", get(meetings::list))
        .at("/meetings/:id", get(meetings::detail))
        .at(
            "/meetings/:id/sign-up",
            post(meetings::submit).get(meetings::back_to_form),
        )
        .at("/check-email", get(sign_up::check_email))
        .at("/confirm/:token", get(confirm::ask).post(confirm::confirm))
        .at("/me/:token", get(manage::page))
        .at("/me/:token/registrations/:id/cancel", post(manage::cancel))
        .at("/me/:token/attendance", get(manage::attendance))
        .at(
            "/me/:token/feedback/:id",
            get(feedback::form_page).post(feedback::submit),
        )
        .at(
            "/me/:token/delete",
            get(manage::ask_delete).post(manage::delete),
        )
        .at("/deleted", get(manage::deleted))
        .at("/join/:token", get(join::page).post(join::join))
        .at("/checkin/:token", get(admin::checkin_link));
    Route::new()
        .at("/healthz", get(health::healthz))
        .at("/readyz", get(health::readyz))
        .nest(
            "/admin",
            admin::routes()
                .around(admin::redirects)
                .around(error::pages)
                .around(admin::no_store)
                .around(security::headers),
        )
        .nest("/", pages.around(error::pages).around(security::headers))
}
