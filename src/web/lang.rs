//! The language of a page: `?lang=` first, then `Accept-Language`, else Czech.
//!
//! Links between pages carry `?lang=` (see `href` in [`super::render`]), so a choice made with
//! the switch in the header stays for the whole visit without a cookie.

use poem::{FromRequest, Request, RequestBody, Result, http::header};

use crate::i18n::Lang;

#[derive(Clone, Copy, Debug)]
pub struct PageLang(pub Lang);

impl<'a> FromRequest<'a> for PageLang {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> Result<Self> {
        Ok(PageLang(lang_of(req)))
    }
}

pub fn lang_of(req: &Request) -> Lang {
    query_lang(req)
        .or_else(|| {
            req.headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default()
}

/// The language the link asks for with `?lang=`, if any.
pub fn query_lang(req: &Request) -> Option<Lang> {
    req.uri().query().and_then(|query| {
        url::form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == "lang")
            .and_then(|(_, v)| Lang::parse(&v))
    })
}

/// This page's path and query without `lang=`, for the language switch. The original URI:
/// inside a nested route (`/admin`) `uri()` has lost the prefix.
pub fn here(req: &Request) -> String {
    let uri = req.original_uri();
    let path = uri.path();
    let query: Vec<(String, String)> = uri
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .filter(|(k, _)| k != "lang")
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default();
    if query.is_empty() {
        path.to_owned()
    } else {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(query)
            .finish();
        format!("{path}?{query}")
    }
}
