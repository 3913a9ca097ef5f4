//! The interface language and the links that keep it: Chinese first, English with `lang=en`.
//! Every link and form of a page is made by [`Ctx::url`], which carries the token and the
//! language on.

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use super::auth::token_of;

/// The language of the pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// 中文 (the default).
    Zh,
    /// English.
    En,
}

/// What every page needs to make its links: the token and the language.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The session token (already checked by the middleware).
    pub token: String,
    /// The language.
    pub lang: Lang,
    /// The request's path, for the language switch.
    pub path: String,
    /// Its query without token and language.
    pub rest: Vec<String>,
}

impl Ctx {
    /// `zh` or `en`, by the language.
    pub fn t<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        match self.lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// A link to `path` (which may have a query) with the token and the language.
    pub fn url(&self, path: &str) -> String {
        let sep = if path.contains('?') { '&' } else { '?' };
        let lang = match self.lang {
            Lang::Zh => "",
            Lang::En => "&lang=en",
        };
        format!("{path}{sep}token={}{lang}", self.token)
    }

    /// This page in the other language.
    pub fn switch_url(&self) -> String {
        let mut query: Vec<String> = self.rest.clone();
        query.push(format!("token={}", self.token));
        if self.lang == Lang::Zh {
            query.push("lang=en".into());
        }
        format!("{}?{}", self.path, query.join("&"))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Ctx, Infallible> {
        let query = parts.uri.query().unwrap_or("");
        let lang = if query.split('&').any(|p| p == "lang=en") {
            Lang::En
        } else {
            Lang::Zh
        };
        Ok(Ctx {
            token: token_of(query).unwrap_or("").to_string(),
            lang,
            path: parts.uri.path().to_string(),
            rest: query
                .split('&')
                .filter(|p| !p.is_empty() && !p.starts_with("token=") && !p.starts_with("lang="))
                .map(str::to_string)
                .collect(),
        })
    }
}
