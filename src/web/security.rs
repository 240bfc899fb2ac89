//! Headers every page carries, and the stylesheet they link to.
//!
//! The Content-Security-Policy allows no script at all and styles only from our own origin, so
//! the pages keep no inline `<style>`: the stylesheet is served at `/static/site.css?v=<hash>`,
//! cacheable for a year because a changed file gets a new `v`. `Referrer-Policy: no-referrer`
//! keeps the personal links (`/confirm/…`, `/me/…`) out of other sites' logs when someone follows
//! a link from those pages.

use std::sync::LazyLock;

use poem::{
    Endpoint, IntoResponse, Request, Response, Result, handler,
    http::{HeaderValue, header},
};
use sha2::{Digest, Sha256};

const STYLESHEET: &str = include_str!("static/site.css");

/// `/static/site.css?v=…`, the version being a hash of the file, so a new release is fetched.
pub static STYLESHEET_URL: LazyLock<String> = LazyLock::new(|| {
    let digest = Sha256::digest(STYLESHEET.as_bytes());
    let version: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
    format!("/static/site.css?v={version}")
});

pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; \
    img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// [`CONTENT_SECURITY_POLICY`] for a page whose form is answered by a redirect to `url`'s
/// origin (the join page's button leads to the meeting), which `form-action` must allow too;
/// `None` for an address that is no http(s) origin.
pub fn policy_with_form_target(url: &str) -> Option<HeaderValue> {
    let url = url::Url::parse(url).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let origin = url.origin().ascii_serialization();
    let policy = CONTENT_SECURITY_POLICY.replace(
        "form-action 'self'",
        &format!("form-action 'self' {origin}"),
    );
    HeaderValue::from_str(&policy).ok()
}

#[handler]
pub fn stylesheet() -> Response {
    Response::builder()
        .content_type("text/css; charset=utf-8")
        .header(header::CACHE_CONTROL, "public, max-age=31536000, immutable")
        .body(STYLESHEET)
}

/// Middleware for the pages: security headers on every answer (a page that needs a wider
/// policy sets its own, [`policy_with_form_target`]), and no caching of pages that carry a
/// personal token.
pub async fn headers<E: Endpoint>(ep: E, req: Request) -> Result<Response> {
    let path = req.uri().path();
    let personal = ["/me/", "/confirm/", "/join/"]
        .iter()
        .any(|prefix| path.starts_with(prefix));
    let mut response = ep.call(req).await?.into_response();
    let headers = response.headers_mut();
    let set = |headers: &mut poem::http::HeaderMap, name, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        set(
            headers,
            header::CONTENT_SECURITY_POLICY,
            CONTENT_SECURITY_POLICY,
        );
    }
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::REFERRER_POLICY, "no-referrer");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    if personal {
        set(headers, header::CACHE_CONTROL, "private, no-store");
    } else if !headers.contains_key(header::CACHE_CONTROL) {
        set(headers, header::CACHE_CONTROL, "no-cache");
    }
    Ok(response)
}
