//! The language of a page: `?lang=` first, then `Accept-Language`, else Czech.

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
    let from_query = req.uri().query().and_then(|query| {
        url::form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == "lang")
            .and_then(|(_, v)| Lang::parse(&v))
    });
    from_query
        .or_else(|| {
            req.headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default()
}
