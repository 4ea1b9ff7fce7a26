//! The admin: log in, then edit every entry through forms, with history and conflict checks.

mod account;
mod accounts;
mod audit;
mod auth;
mod bulk;
mod context;
mod dashboard;
mod delete;
mod edit;
mod entry;
mod extract;
mod form;
mod forum_pictures;
mod history;
mod import;
mod list;
pub mod media;
mod merge;
mod plan_form;
pub mod session;
pub mod spec;
mod table_csv;
mod translations;
mod translator;
mod two_factor;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_sessions::Session;

use crate::domain::Role;
use crate::error::{AppError, Result};
use crate::i18n::{Lang, Locale};
use crate::state::AppState;
use session::TrustForwardedFor;

/// Every `/admin` route, with sessions, the login requirement and the same-origin check.
pub fn router(state: &AppState) -> Router<AppState> {
    let protected = Router::new()
        .route("/admin", get(dashboard::show))
        .route("/admin/logout", post(auth::logout))
        .route("/admin/{entity}", get(list::index))
        .route("/admin/{entity}/new", get(edit::new).post(edit::create))
        .route("/admin/{entity}/deleted", get(delete::deleted))
        .route("/admin/{entity}/bulk", post(bulk::bulk))
        .route("/admin/{entity}/export.csv", get(table_csv::export))
        .route(
            "/admin/{entity}/import",
            get(import::form).post(import::upload),
        )
        .route("/admin/{entity}/{id}", get(edit::edit).post(edit::update))
        .route(
            "/admin/{entity}/{id}/delete",
            get(delete::confirm_delete).post(delete::delete),
        )
        .route("/admin/{entity}/{id}/history", get(history::history))
        .route(
            "/admin/{entity}/{id}/media",
            get(media::show)
                .post(media::upload)
                .layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route("/admin/media/{file}", get(crate::web::media::serve_preview))
        .route("/admin/{entity}/{id}/media/alt", post(media::change_alt))
        .route("/admin/{entity}/{id}/media/remove", post(media::remove))
        .route(
            "/admin/forum-pictures",
            get(forum_pictures::index)
                .post(forum_pictures::upload)
                .layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route("/admin/forum-pictures/{id}", post(forum_pictures::update))
        .route(
            "/admin/forum-pictures/{id}/remove",
            post(forum_pictures::remove),
        )
        .route("/admin/{entity}/{id}/preview", get(edit::preview))
        .route(
            "/admin/{entity}/{id}/revert/{history_id}",
            post(history::revert),
        )
        .route("/admin/{entity}/{id}/restore", post(history::restore))
        .route("/admin/account", get(account::show))
        .route("/admin/account/password", post(account::change_password))
        .route(
            "/admin/account/sessions/{id}/end",
            post(account::end_session),
        )
        .route("/admin/account/two-factor", get(two_factor::show))
        .route("/admin/account/two-factor/qr.svg", get(two_factor::qr_code))
        .route("/admin/account/two-factor/enable", post(two_factor::enable))
        .route(
            "/admin/account/two-factor/recovery-codes",
            get(two_factor::recovery_codes).post(two_factor::renew_recovery_codes),
        )
        .route(
            "/admin/account/two-factor/disable",
            post(two_factor::disable),
        )
        .route("/admin/accounts", get(accounts::index))
        .route("/admin/accounts/invite", post(accounts::invite))
        .route(
            "/admin/accounts/invites/{id}/revoke",
            post(accounts::revoke_invite),
        )
        .route(
            "/admin/accounts/two-factor",
            post(accounts::require_two_factor),
        )
        .route("/admin/accounts/{id}/role", post(accounts::change_role))
        .route("/admin/accounts/{id}/disable", post(accounts::disable))
        .route("/admin/accounts/{id}/enable", post(accounts::enable))
        .route(
            "/admin/accounts/{id}/two-factor/reset",
            post(accounts::reset_two_factor),
        )
        .route(
            "/admin/accounts/{id}/remove",
            get(accounts::confirm_remove).post(accounts::remove),
        )
        .route("/admin/audit", get(audit::index))
        .route_layer(middleware::from_fn_with_state(state.clone(), require_admin));
    let open = Router::new()
        .route("/admin/login", get(auth::login_form).post(auth::login))
        .route(
            "/admin/login/two-factor",
            get(auth::two_factor_form).post(auth::two_factor),
        )
        .route(
            "/admin/invite",
            get(auth::invite_form).post(auth::accept_invite),
        )
        .route("/admin/setup", get(auth::setup_form).post(auth::setup))
        .route("/admin/language", post(auth::choose_language));
    protected
        .merge(open)
        .layer(middleware::from_fn_with_state(
            state.web.clone(),
            same_origin_for_unsafe_methods,
        ))
        .layer(axum::Extension(TrustForwardedFor(
            state.web.sessions.trust_forwarded_for,
        )))
        .layer(session::layer(state.db.clone(), &state.web.sessions))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}

/// Largest body of an upload form: the largest file and the form's other fields.
pub const UPLOAD_BODY_LIMIT: usize = crate::media::MAX_UPLOAD_BYTES + 64 * 1024;

/// Whether `path` is one of the upload forms, which alone take bodies up to
/// [`UPLOAD_BODY_LIMIT`] (`web::limit_body`).
pub fn is_upload_path(path: &str) -> bool {
    path == "/admin/forum-pictures"
        || path
            .strip_prefix("/admin/")
            .and_then(|rest| rest.strip_suffix("/media"))
            .is_some_and(|middle| {
                middle.split_once('/').is_some_and(|(entity, id)| {
                    media::has_media(entity) && id.bytes().all(|b| b.is_ascii_digit())
                })
            })
}

/// The admin a request is made by, and their role as the account says now (put there by
/// [`require_admin`]).
#[derive(Debug, Clone)]
pub struct CurrentAdmin(pub session::SessionAdmin, pub Role);

/// The least role each route needs, by method and route (as declared in [`router`]). A route
/// not named here is for admins only, so a new route is closed until it is opened on purpose.
/// Every role may read the content pages; a translator's saves are checked field by field
/// (`edit::update`).
pub fn required_role(method: &Method, route: &str) -> Role {
    let read = matches!(*method, Method::GET | Method::HEAD);
    match route {
        "/admin"
        | "/admin/{entity}"
        | "/admin/{entity}/deleted"
        | "/admin/{entity}/{id}/history"
        | "/admin/{entity}/{id}/preview"
            if read =>
        {
            Role::Translator
        }
        "/admin/{entity}/{id}" | "/admin/logout" => Role::Translator,
        "/admin/{entity}/{id}/media" | "/admin/forum-pictures" if read => Role::Translator,
        "/admin/media/{file}" if read => Role::Translator,
        "/admin/{entity}/export.csv" if read => Role::Translator,
        "/admin/account" => Role::Translator,
        own if own.starts_with("/admin/account/") => Role::Translator,
        "/admin/{entity}/new"
        | "/admin/{entity}/{id}/delete"
        | "/admin/{entity}/{id}/revert/{history_id}"
        | "/admin/{entity}/{id}/restore"
        | "/admin/{entity}/bulk"
        | "/admin/{entity}/import"
        | "/admin/{entity}/{id}/media"
        | "/admin/{entity}/{id}/media/alt"
        | "/admin/{entity}/{id}/media/remove"
        | "/admin/forum-pictures"
        | "/admin/forum-pictures/{id}"
        | "/admin/forum-pictures/{id}/remove" => Role::Editor,
        _ => Role::Admin,
    }
}

/// Routes an account without a second factor may use while the portal requires one.
fn open_without_two_factor(route: &str) -> bool {
    route == "/admin/logout" || route.starts_with("/admin/account/two-factor")
}

/// Without a live session, send the visitor to the login page, which brings them back here.
/// With one, every request re-reads the account: a removed or disabled account, or a session
/// ended from elsewhere, is logged out at once; the route must be open to the account's role;
/// while the portal requires two-factor login, an account without it is sent to set it up.
/// The page speaks the admin's own language, once they have chosen one.
async fn require_admin(
    State(state): State<AppState>,
    session: Session,
    mut request: Request,
    next: Next,
) -> Response {
    match session::current_admin(&session, state.web.sessions.session_max_hours).await {
        Ok(Some(admin)) => {
            let standing =
                match crate::db::admins::standing(&state.db, admin.id, &admin.key_hash()).await {
                    Ok(standing) => standing,
                    Err(error) => return AppError::from(error).into_response(),
                };
            let ended = match &standing {
                None => Some(("removed", "admin.ended.removed")),
                Some(standing) if standing.disabled => Some(("disabled", "admin.ended.disabled")),
                Some(standing) if !standing.session_live => Some(("ended", "admin.ended.session")),
                Some(_) => None,
            };
            if let Some((why, message)) = ended {
                tracing::warn!(admin = ?admin.email, why, "session refused and ended");
                return end_session(&session, message).await;
            }
            let Some(standing) = standing else {
                return end_session(&session, "admin.ended.removed").await;
            };
            let role = Role::parse(&standing.role).unwrap_or(Role::Translator);
            let route = request
                .extensions()
                .get::<MatchedPath>()
                .map(|path| path.as_str().to_owned())
                .unwrap_or_default();
            let needed = required_role(request.method(), &route);
            if !role.allows(needed) {
                tracing::warn!(admin = ?admin.email, %role, route, "refused: role");
                return AppError::Forbidden(
                    Locale::current().lang.t("admin.forbidden_role").to_owned(),
                )
                .into_response();
            }
            if standing.require_two_factor
                && !standing.two_factor
                && !open_without_two_factor(&route)
            {
                if let Err(error) = session::set_flash(
                    &session,
                    Locale::current().lang.t("admin.two_factor.required_first"),
                )
                .await
                {
                    return error.into_response();
                }
                return Redirect::to("/admin/account/two-factor").into_response();
            }
            let chosen = standing.language.as_deref().and_then(Lang::from_code);
            request.extensions_mut().insert(CurrentAdmin(admin, role));
            match chosen {
                Some(lang) => {
                    let mut locale = Locale::current();
                    locale.lang = lang;
                    locale.scope(next.run(request)).await
                }
                None => next.run(request).await,
            }
        }
        Ok(None) => {
            let wanted = request
                .uri()
                .path_and_query()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_else(|| "/admin".to_owned());
            let target = if request.method() == Method::GET {
                wanted
            } else {
                "/admin".to_owned()
            };
            Redirect::to(&format!(
                "/admin/login?next={}",
                encode_query_value(&target)
            ))
            .into_response()
        }
        Err(error) => error.into_response(),
    }
}

/// End the session (deleted on the server) and send the browser to the login page, which says
/// why.
async fn end_session(session: &Session, message: &str) -> Response {
    if let Err(error) = session::log_out(session).await {
        return error.into_response();
    }
    if let Err(error) = session::set_flash(session, Locale::current().lang.t(message)).await {
        return error.into_response();
    }
    Redirect::to("/admin/login").into_response()
}

/// The message for `field` among a form's errors (what the account, setup and invitation
/// templates show beside each input).
pub(super) fn field_error<'a>(
    errors: &'a [(&'static str, String)],
    field: &str,
) -> Option<&'a str> {
    errors
        .iter()
        .find(|(name, _)| *name == field)
        .map(|(_, message)| message.as_str())
}

/// A state-changing request must come from a page of this site: `Sec-Fetch-Site: same-origin`,
/// or an `Origin` that is this site's origin, scheme included. Neither header: refused.
async fn same_origin_for_unsafe_methods(
    State(web): State<std::sync::Arc<crate::state::WebConfig>>,
    request: Request,
    next: Next,
) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    match check_same_origin(&request, &web) {
        Ok(()) => next.run(request).await,
        Err(error) => error.into_response(),
    }
}

fn check_same_origin(request: &Request, web: &crate::state::WebConfig) -> Result<()> {
    let headers = request.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return if site == "same-origin" {
            Ok(())
        } else {
            Err(cross_site())
        };
    }
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    match (origin, expected_origin(headers, web)) {
        (Some(origin), Some(expected)) if origin.eq_ignore_ascii_case(&expected) => Ok(()),
        _ => Err(cross_site()),
    }
}

/// This site's origin as a browser names it: the public URL when configured, else the
/// request's `Host` with the scheme the portal is served over (HTTPS with secure cookies, or
/// as the trusted proxy says in `X-Forwarded-Proto`).
fn expected_origin(
    headers: &axum::http::HeaderMap,
    web: &crate::state::WebConfig,
) -> Option<String> {
    if let Some(public_url) = &web.public_url {
        return Some(public_url.clone());
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok())?;
    let scheme = crate::web::guard::request_scheme(headers, web);
    Some(format!("{scheme}://{host}"))
}

fn cross_site() -> AppError {
    AppError::Forbidden(Locale::current().lang.t("admin.cross_site").to_owned())
}

/// Percent-encode a value for a query string.
fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// A `next` target is followed only when it is a path inside the admin (no open redirect).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(next)
            if (next == "/admin" || next.starts_with("/admin/") || next.starts_with("/admin?"))
                && !next.contains("//")
                && !next.contains('\\')
                && !next.chars().any(char::is_control) =>
        {
            next.to_owned()
        }
        _ => "/admin".to_owned(),
    }
}

/// When no admin exists yet, make a one-time setup link and log it, so whoever started the
/// portal can create the first admin in the browser.
pub async fn announce_setup_link(db: &sqlx::PgPool, base_url: &str) -> anyhow::Result<()> {
    if crate::db::admins::any_exist(db).await? {
        return Ok(());
    }
    let token = crate::auth::random_token();
    crate::db::setup_tokens::insert(db, &crate::auth::token_hash(&token)).await?;
    tracing::warn!(
        "no admin account exists yet: create the first one at {base_url}/admin/setup?token={token} (the link works once), or run `forum-portal create-admin --email you@example.org`"
    );
    Ok(())
}

/// How long admin sessions last, as configured.
pub fn session_lifetime(args: &crate::config::SessionArgs) -> crate::db::admin_sessions::Lifetime {
    crate::db::admin_sessions::Lifetime {
        idle_minutes: args.session_idle_minutes.max(1),
        max_hours: args.session_max_hours.max(1),
    }
}

/// Delete expired sessions (and the accounts' records of them), and login counters whose window
/// has ended, every ten minutes.
pub fn spawn_session_cleanup(
    db: sqlx::PgPool,
    args: &crate::config::SessionArgs,
) -> tokio::task::JoinHandle<()> {
    use tower_sessions::session_store::ExpiredDeletion;
    let lifetime = session_lifetime(args);
    tokio::spawn(async move {
        let store = tower_sessions_sqlx_store::PostgresStore::new(db.clone());
        let mut interval = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            interval.tick().await;
            if let Err(error) = store.delete_expired().await {
                tracing::warn!(%error, "cannot delete expired sessions");
            }
            if let Err(error) = crate::db::admin_sessions::delete_expired(&db, lifetime).await {
                tracing::warn!(%error, "cannot forget expired admin sessions");
            }
            if let Err(error) =
                crate::db::login_failures::forget_ended(&db, auth::LONGEST_WINDOW_SECONDS).await
            {
                tracing::warn!(%error, "cannot forget ended login counters");
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_targets_stay_inside_the_admin() {
        assert_eq!(safe_next(Some("/admin/people/3")), "/admin/people/3");
        assert_eq!(safe_next(Some("/admin?x=1")), "/admin?x=1");
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/admin//evil",
            "/\\evil",
            "/speakers",
            "/administrator",
        ] {
            assert_eq!(safe_next(Some(bad)), "/admin", "{bad}");
        }
        assert_eq!(safe_next(None), "/admin");
    }
}
