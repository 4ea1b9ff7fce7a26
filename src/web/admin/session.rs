//! What the admin session holds (who is logged in, since when, the CSRF token, a flash
//! message), and the layer that stores sessions in PostgreSQL.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponseParts, ResponseParts};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use tower_sessions::cookie::{Cookie, SameSite};
use tower_sessions::{Expiry, Session, SessionManagerLayer};
use tower_sessions_sqlx_store::PostgresStore;

use crate::auth;
use crate::config::SessionArgs;
use crate::error::{AppError, Result};
use crate::state::AppState;

const ADMIN_KEY: &str = "admin";
const CSRF_KEY: &str = "csrf";
const FLASH_KEY: &str = "flash";
const PENDING_KEY: &str = "pending_login";
const TOTP_SETUP_KEY: &str = "totp_setup";
const INVITE_LINK_KEY: &str = "invite_link";
const RECOVERY_CODES_KEY: &str = "recovery_codes";

/// The session layer for `/admin`: stored in PostgreSQL (shared by instances, kept across
/// restarts), HttpOnly, SameSite=Lax, `Secure` and `__Host-` when configured, idle expiry.
pub fn layer(pool: sqlx::PgPool, args: &SessionArgs) -> SessionManagerLayer<PostgresStore> {
    let name = if args.secure_cookies {
        "__Host-portal_session"
    } else {
        "portal_session"
    };
    SessionManagerLayer::new(PostgresStore::new(pool))
        .with_name(name)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(args.secure_cookies)
        .with_path("/")
        .with_always_save(true)
        .with_expiry(Expiry::OnInactivity(time::Duration::minutes(i64::from(
            args.session_idle_minutes.max(1),
        ))))
}

/// The logged-in admin as the session records them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionAdmin {
    pub id: i64,
    pub email: String,
    /// Unix time of the login, for the absolute lifetime.
    pub logged_in_at: i64,
    /// The random key of this login; its hash names the session in `admin_sessions`, and a
    /// session whose row is gone has ended (sessions from before keys existed have none).
    #[serde(default)]
    pub key: String,
}

impl SessionAdmin {
    /// The hash `admin_sessions` knows this login by.
    pub fn key_hash(&self) -> String {
        auth::token_hash(&self.key)
    }
}

/// Read the logged-in admin, or `None` when nobody is or the absolute lifetime has passed.
pub async fn current_admin(session: &Session, max_hours: u32) -> Result<Option<SessionAdmin>> {
    let admin: Option<SessionAdmin> = session.get(ADMIN_KEY).await.map_err(session_error)?;
    let now = OffsetDateTime::now_utc().unix_timestamp();
    Ok(admin.filter(|a| now - a.logged_in_at < i64::from(max_hours.max(1)) * 3600))
}

/// Log `admin` in: a new session id (no fixation), a new CSRF token, no half-finished login.
/// Returns the login's key (see [`SessionAdmin::key`]).
pub async fn log_in(session: &Session, id: i64, email: &str) -> Result<SessionAdmin> {
    session.cycle_id().await.map_err(session_error)?;
    let _: Option<PendingLogin> = session.remove(PENDING_KEY).await.map_err(session_error)?;
    let admin = SessionAdmin {
        id,
        email: email.to_owned(),
        logged_in_at: OffsetDateTime::now_utc().unix_timestamp(),
        key: auth::random_token(),
    };
    session
        .insert(ADMIN_KEY, &admin)
        .await
        .map_err(session_error)?;
    session
        .insert(CSRF_KEY, auth::random_token())
        .await
        .map_err(session_error)?;
    Ok(admin)
}

/// A login whose password was right and whose second factor is still to come: it opens
/// nothing but the page that asks for the code.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PendingLogin {
    pub id: i64,
    pub email: String,
    pub next: String,
    /// Unix time the password was checked: the code must follow within five minutes.
    pub since: i64,
}

/// How long the code page waits after the password.
const PENDING_SECONDS: i64 = 5 * 60;

/// Remember a half-finished login (a new session id: the password was right).
pub async fn set_pending(session: &Session, id: i64, email: &str, next: &str) -> Result<()> {
    session.cycle_id().await.map_err(session_error)?;
    // Whoever was logged in on this browser before is not any more.
    let _: Option<SessionAdmin> = session.remove(ADMIN_KEY).await.map_err(session_error)?;
    let pending = PendingLogin {
        id,
        email: email.to_owned(),
        next: next.to_owned(),
        since: OffsetDateTime::now_utc().unix_timestamp(),
    };
    session
        .insert(PENDING_KEY, pending)
        .await
        .map_err(session_error)
}

/// The half-finished login, while it is fresh.
pub async fn pending(session: &Session) -> Result<Option<PendingLogin>> {
    let pending: Option<PendingLogin> = session.get(PENDING_KEY).await.map_err(session_error)?;
    let now = OffsetDateTime::now_utc().unix_timestamp();
    Ok(pending.filter(|p| now - p.since < PENDING_SECONDS))
}

/// Forget a half-finished login.
pub async fn clear_pending(session: &Session) -> Result<()> {
    let _: Option<PendingLogin> = session.remove(PENDING_KEY).await.map_err(session_error)?;
    Ok(())
}

/// The secret being set up for two-factor login (not yet confirmed), made on first use.
pub async fn totp_setup_secret(session: &Session) -> Result<String> {
    if let Some(secret) = session
        .get::<String>(TOTP_SETUP_KEY)
        .await
        .map_err(session_error)?
    {
        return Ok(secret);
    }
    let secret = auth::totp::new_secret();
    session
        .insert(TOTP_SETUP_KEY, &secret)
        .await
        .map_err(session_error)?;
    Ok(secret)
}

/// The secret being set up, if any.
pub async fn existing_totp_setup_secret(session: &Session) -> Result<Option<String>> {
    session.get(TOTP_SETUP_KEY).await.map_err(session_error)
}

/// Forget the secret being set up.
pub async fn clear_totp_setup(session: &Session) -> Result<()> {
    let _: Option<String> = session
        .remove(TOTP_SETUP_KEY)
        .await
        .map_err(session_error)?;
    Ok(())
}

/// Keep a new invitation link for the next page (it is shown once).
pub async fn set_invite_link(session: &Session, link: &str) -> Result<()> {
    session
        .insert(INVITE_LINK_KEY, link)
        .await
        .map_err(session_error)
}

/// Take the invitation link left for this page.
pub async fn take_invite_link(session: &Session) -> Result<Option<String>> {
    session.remove(INVITE_LINK_KEY).await.map_err(session_error)
}

/// Keep new recovery codes for the next page (they are shown once).
pub async fn set_recovery_codes(session: &Session, codes: &[String]) -> Result<()> {
    session
        .insert(RECOVERY_CODES_KEY, codes)
        .await
        .map_err(session_error)
}

/// Take the recovery codes left for this page.
pub async fn take_recovery_codes(session: &Session) -> Result<Option<Vec<String>>> {
    session
        .remove(RECOVERY_CODES_KEY)
        .await
        .map_err(session_error)
}

/// Log out: the session is deleted on the server, not just forgotten by the browser.
pub async fn log_out(session: &Session) -> Result<()> {
    session.flush().await.map_err(session_error)
}

/// The raw bytes of a stored CSRF secret (hex, as [`auth::random_token`] makes them).
fn secret_bytes(secret: &str) -> Vec<u8> {
    hex::decode(secret).unwrap_or_else(|_| secret.as_bytes().to_vec())
}

/// The token for this session's forms, freshly masked on every call (see
/// [`auth::mask_secret`]); the session's secret is made on first use. Every form of a logged-in
/// admin (and the half-finished two-factor login) gets it from here, and [`check_csrf`]
/// checks it.
pub async fn csrf_token(session: &Session) -> Result<String> {
    if let Some(secret) = session
        .get::<String>(CSRF_KEY)
        .await
        .map_err(session_error)?
    {
        return Ok(auth::mask_secret(&secret_bytes(&secret)));
    }
    let secret = auth::random_token();
    session
        .insert(CSRF_KEY, &secret)
        .await
        .map_err(session_error)?;
    Ok(auth::mask_secret(&secret_bytes(&secret)))
}

/// Check a submitted (masked) CSRF token against the session's secret, in constant time;
/// refusal is a 403 page.
pub async fn check_csrf(session: &Session, submitted: Option<&str>) -> Result<()> {
    let expected: Option<String> = session.get(CSRF_KEY).await.map_err(session_error)?;
    match (expected, submitted) {
        (Some(expected), Some(submitted))
            if auth::masked_secret_matches(&secret_bytes(&expected), submitted) =>
        {
            Ok(())
        }
        _ => Err(csrf_refused()),
    }
}

fn csrf_refused() -> AppError {
    AppError::Forbidden(
        crate::i18n::Locale::current()
            .lang
            .t("admin.csrf")
            .to_owned(),
    )
}

/// The CSRF secret of a visitor who has no session (the login, first-admin and invitation
/// forms), kept in a cookie of its own instead of a session, so that showing a form writes
/// nothing on the server ("double submit"): a random value in an HttpOnly, SameSite=Strict
/// cookie (`__Host-` prefixed and `Secure` with `--secure-cookies`), which the form carries
/// masked. Another site can neither read the cookie nor set one for this host, so it cannot
/// build a matching form. A visitor without the cookie gets a new one with the page
/// (`CookieCsrf` is a response part); a POST without it is refused.
#[derive(Debug, Clone)]
pub struct CookieCsrf {
    secret: String,
    set_cookie: Option<HeaderValue>,
}

/// The name of the login form's CSRF cookie.
pub fn csrf_cookie_name(secure_cookies: bool) -> &'static str {
    if secure_cookies {
        "__Host-portal_csrf"
    } else {
        "portal_csrf"
    }
}

impl CookieCsrf {
    /// Read the secret from the request's cookies, or make a new one (to be set with the
    /// response).
    pub fn from_headers(headers: &HeaderMap, secure_cookies: bool) -> Self {
        let name = csrf_cookie_name(secure_cookies);
        let existing = headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(Cookie::split_parse)
            .filter_map(std::result::Result::ok)
            .find(|cookie| cookie.name() == name)
            .map(|cookie| cookie.value().to_owned())
            .filter(|value| value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()));
        match existing {
            Some(secret) => Self {
                secret,
                set_cookie: None,
            },
            None => {
                let secret = auth::random_token();
                let cookie = Cookie::build((name, secret.clone()))
                    .path("/")
                    .http_only(true)
                    .same_site(SameSite::Strict)
                    .secure(secure_cookies)
                    .build();
                Self {
                    secret,
                    set_cookie: HeaderValue::from_str(&cookie.to_string()).ok(),
                }
            }
        }
    }

    /// The token for this page's forms, freshly masked.
    pub fn token(&self) -> String {
        auth::mask_secret(&secret_bytes(&self.secret))
    }

    /// Whether `submitted` carries this cookie's secret (a request that brought no cookie
    /// never matches).
    pub fn matches(&self, submitted: Option<&str>) -> bool {
        self.set_cookie.is_none()
            && submitted.is_some_and(|token| {
                auth::masked_secret_matches(&secret_bytes(&self.secret), token)
            })
    }

    /// Check a submitted token; refusal is a 403 page.
    pub fn check(&self, submitted: Option<&str>) -> Result<()> {
        if self.matches(submitted) {
            Ok(())
        } else {
            Err(csrf_refused())
        }
    }
}

impl FromRequestParts<AppState> for CookieCsrf {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self::from_headers(
            &parts.headers,
            state.web.sessions.secure_cookies,
        ))
    }
}

impl IntoResponseParts for CookieCsrf {
    type Error = std::convert::Infallible;

    fn into_response_parts(self, mut res: ResponseParts) -> Result<ResponseParts, Self::Error> {
        if let Some(value) = self.set_cookie {
            res.headers_mut().append(header::SET_COOKIE, value);
        }
        Ok(res)
    }
}

/// Leave a message for the next page.
pub async fn set_flash(session: &Session, message: impl Into<String>) -> Result<()> {
    session
        .insert(FLASH_KEY, message.into())
        .await
        .map_err(session_error)
}

/// Take the message left for this page, if any.
pub async fn take_flash(session: &Session) -> Result<Option<String>> {
    session.remove(FLASH_KEY).await.map_err(session_error)
}

fn session_error(error: tower_sessions::session::Error) -> AppError {
    AppError::Internal(anyhow::anyhow!("session store: {error}"))
}

/// The client's address, for throttling: the peer, or with `--trust-forwarded-for` the last
/// `X-Forwarded-For` entry (the one the proxy added).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0.ip());
        let trust = parts
            .extensions
            .get::<TrustForwardedFor>()
            .is_some_and(|t| t.0);
        if trust
            && let Some(forwarded) = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .filter_map(|v| v.trim().parse::<IpAddr>().ok())
                .next_back()
        {
            return Ok(Self(Some(forwarded)));
        }
        Ok(Self(peer))
    }
}

/// Request extension: whether `X-Forwarded-For` is to be believed.
#[derive(Debug, Clone, Copy)]
pub struct TrustForwardedFor(pub bool);

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use tower_sessions::MemoryStore;

    use super::*;

    #[tokio::test]
    async fn a_login_older_than_the_absolute_lifetime_is_not_a_login() {
        let session = Session::new(None, Arc::new(MemoryStore::default()), None);
        let hours_ago = |hours: i64| OffsetDateTime::now_utc().unix_timestamp() - hours * 3600;
        let admin = |logged_in_at| SessionAdmin {
            id: 1,
            email: "a@example.org".into(),
            logged_in_at,
            key: String::new(),
        };
        session
            .insert(ADMIN_KEY, admin(hours_ago(11)))
            .await
            .unwrap();
        assert!(current_admin(&session, 12).await.unwrap().is_some());
        session
            .insert(ADMIN_KEY, admin(hours_ago(13)))
            .await
            .unwrap();
        assert!(current_admin(&session, 12).await.unwrap().is_none());
    }
}
