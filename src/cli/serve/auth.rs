//! The per-start token: drawn from the operating system's random source when the workbench
//! starts, printed in its first line, and required on every page, download and API call as the
//! `token` query parameter (links and forms of the pages carry it). A request without it, or with
//! another, is refused with 401 before any handler runs.

use std::sync::Arc;

use anyhow::{Context, Result};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::state::App;

/// A fresh token: 128 random bits as 32 hex digits.
pub fn new_token() -> Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("cannot draw a random token")?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The `token` parameter of a query string, if any.
pub fn token_of(query: &str) -> Option<&str> {
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("token="))
}

/// Equal in time independent of where the strings differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Middleware: passes the request on only if its query carries the session's token.
pub async fn require_token(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let given = request.uri().query().and_then(token_of);
    match given {
        Some(t) if same(t, &app.token) => next.run(request).await,
        _ => (
            StatusCode::UNAUTHORIZED,
            [("content-type", "text/plain; charset=utf-8")],
            "401: this workbench needs the token printed when it started (…/?token=…)\n\
             需要启动时显示的访问令牌 (…/?token=…)\n",
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_fresh_hex_and_found_in_a_query() {
        let (a, b) = (new_token().unwrap(), new_token().unwrap());
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
        assert_eq!(token_of("lang=en&token=abc"), Some("abc"));
        assert_eq!(token_of("lang=en"), None);
        assert!(same("abc", "abc") && !same("abc", "abd") && !same("abc", "ab"));
    }
}
