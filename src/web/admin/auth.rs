//! Logging in and out, and creating the first admin from the setup link.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use serde::Deserialize;
use tower_sessions::Session;

use super::session::{self, ClientAddr};
use super::{CurrentAdmin, safe_next};
use crate::auth;
use crate::db::{self, login_failures::Limit};
use crate::domain::email;
use crate::error::{AppError, Result};
use crate::i18n::{Lang, Locale};
use crate::state::AppState;

/// Failed logins that lock one account for a while.
const ACCOUNT_LIMIT: Limit = Limit {
    max_failures: 5,
    window_seconds: 15 * 60,
};
/// Failed logins that lock one client address for a while (several accounts, or guessing).
const ADDRESS_LIMIT: Limit = Limit {
    max_failures: 20,
    window_seconds: 15 * 60,
};

#[derive(Template, WebTemplate)]
#[template(path = "admin/login.html")]
pub struct LoginPage {
    lang: Lang,
    csrf_token: String,
    email: String,
    next: String,
    error: Option<String>,
    flash: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct NextParam {
    next: Option<String>,
}

/// The login form (or the dashboard, for someone already logged in).
pub async fn login_form(
    State(state): State<AppState>,
    session: Session,
    Query(params): Query<NextParam>,
) -> Result<Response> {
    let next = safe_next(params.next.as_deref());
    if session::current_admin(&session, state.web.sessions.session_max_hours)
        .await?
        .is_some()
    {
        return Ok(Redirect::to(&next).into_response());
    }
    Ok(LoginPage {
        lang: Locale::current().lang,
        csrf_token: session::csrf_token(&session).await?,
        email: String::new(),
        next,
        error: None,
        flash: session::take_flash(&session).await?,
    }
    .into_response())
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    csrf_token: Option<String>,
    next: Option<String>,
}

/// Check the credentials; unknown e-mail and wrong password get the same answer in about the
/// same time, and repeated failures lock the account and the client address for a while.
pub async fn login(
    State(state): State<AppState>,
    session: Session,
    ClientAddr(client): ClientAddr,
    Form(form): Form<LoginForm>,
) -> Result<Response> {
    session::check_csrf(&session, form.csrf_token.as_deref()).await?;
    let next = safe_next(form.next.as_deref());
    let normalised = email::parse(&form.email).unwrap_or_else(|_| form.email.trim().to_lowercase());
    let account_key = format!("account:{normalised}");
    let address_key = format!(
        "address:{}",
        client.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
    );

    for key in [&account_key, &address_key] {
        if let Some(seconds) = db::login_failures::locked_for(&state.db, key).await? {
            tracing::warn!(email = %normalised, client = ?client, "login refused: too many failures");
            return Ok(too_many_attempts(seconds));
        }
    }

    let found = db::admins::find_for_login(&state.db, &normalised).await?;
    let (admin, hash) = match found {
        Some((admin, hash)) => (Some(admin), Some(hash)),
        None => (None, None),
    };
    let password = form.password.clone();
    let valid = auth::verify_password(password, hash).await? && admin.is_some();
    match admin.filter(|_| valid) {
        Some(admin) => {
            db::login_failures::clear(&state.db, &account_key).await?;
            session::log_in(&session, admin.id, &admin.email).await?;
            tracing::info!(email = %admin.email, client = ?client, "login succeeded");
            Ok(Redirect::to(&next).into_response())
        }
        None => {
            db::login_failures::record_failure(&state.db, &account_key, ACCOUNT_LIMIT).await?;
            db::login_failures::record_failure(&state.db, &address_key, ADDRESS_LIMIT).await?;
            tracing::warn!(email = %normalised, client = ?client, "login failed");
            let page = LoginPage {
                lang: Locale::current().lang,
                csrf_token: session::csrf_token(&session).await?,
                email: form.email.trim().to_owned(),
                next,
                error: Some(Locale::current().lang.t("admin.login.wrong").to_owned()),
                flash: None,
            };
            Ok((StatusCode::UNAUTHORIZED, page).into_response())
        }
    }
}

fn too_many_attempts(seconds: i64) -> Response {
    let minutes = (seconds + 59) / 60;
    let mut response = crate::web::error_page::ErrorPage::new(
        StatusCode::TOO_MANY_REQUESTS,
        Locale::current().lang.plural("admin.too_many", minutes),
    )
    .into_response_with(StatusCode::TOO_MANY_REQUESTS);
    if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

#[derive(Debug, Deserialize)]
pub struct LogoutForm {
    csrf_token: Option<String>,
}

/// Log out: the session is deleted on the server.
pub async fn logout(
    session: Session,
    Extension(admin): Extension<CurrentAdmin>,
    Form(form): Form<LogoutForm>,
) -> Result<Response> {
    session::check_csrf(&session, form.csrf_token.as_deref()).await?;
    session::log_out(&session).await?;
    tracing::info!(email = %admin.0.email, "logged out");
    Ok(Redirect::to("/admin/login").into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/setup.html")]
pub struct SetupPage {
    lang: Lang,
    csrf_token: String,
    token: String,
    email: String,
    errors: Vec<(&'static str, String)>,
}

impl SetupPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }
}

#[derive(Debug, Deserialize)]
pub struct SetupParams {
    token: Option<String>,
}

fn setup_link_invalid() -> AppError {
    AppError::NotFound
}

/// The first-admin form, while the link is valid.
pub async fn setup_form(
    State(state): State<AppState>,
    session: Session,
    Query(params): Query<SetupParams>,
) -> Result<SetupPage> {
    let token = params.token.unwrap_or_default();
    if !db::setup_tokens::is_valid(&state.db, &auth::token_hash(&token)).await? {
        return Err(setup_link_invalid());
    }
    Ok(SetupPage {
        lang: Locale::current().lang,
        csrf_token: session::csrf_token(&session).await?,
        token,
        email: String::new(),
        errors: Vec::new(),
    })
}

#[derive(Debug, Deserialize)]
pub struct SetupForm {
    csrf_token: Option<String>,
    #[serde(default)]
    token: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_again: String,
}

/// Create the first admin, use the link up, and log them in.
pub async fn setup(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<SetupForm>,
) -> Result<Response> {
    session::check_csrf(&session, form.csrf_token.as_deref()).await?;
    let token_hash = auth::token_hash(&form.token);
    if !db::setup_tokens::is_valid(&state.db, &token_hash).await? {
        return Err(setup_link_invalid());
    }
    let mut errors = Vec::new();
    let lang = Locale::current().lang;
    let email = email::parse(&form.email)
        .map_err(|m| errors.push(("email", m.text(lang))))
        .ok();
    if let Err(message) = auth::check_new_password(&form.password) {
        errors.push(("password", message.text(lang)));
    } else if form.password != form.password_again {
        errors.push((
            "password_again",
            Locale::current()
                .lang
                .t("admin.passwords_differ")
                .to_owned(),
        ));
    }
    let Some(email) = email.filter(|_| errors.is_empty()) else {
        let page = SetupPage {
            lang: Locale::current().lang,
            csrf_token: session::csrf_token(&session).await?,
            token: form.token,
            email: form.email,
            errors,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let hash = auth::hash_password(form.password).await?;
    let mut tx = state.db.begin().await?;
    if !db::setup_tokens::consume(&mut tx, &token_hash).await? {
        return Err(setup_link_invalid());
    }
    let admin = db::admins::create(&mut *tx, &email, &hash).await?;
    tx.commit().await?;
    tracing::info!(email = %admin.email, "first admin created from the setup link");
    session::log_in(&session, admin.id, &admin.email).await?;
    session::set_flash(
        &session,
        Locale::current()
            .lang
            .tf("admin.flash.welcome", &[("email", &admin.email)]),
    )
    .await?;
    Ok(Redirect::to("/admin").into_response())
}

#[derive(Debug, Deserialize)]
pub struct LanguageForm {
    csrf_token: Option<String>,
    #[serde(default)]
    lang: String,
}

/// Choose the admin's language, then go back to the admin page the choice was made on. A
/// logged-in admin keeps it on their account (reading the public site in another language no
/// longer changes it); on the login page it goes in the `lang` cookie the public site uses.
pub async fn choose_language(
    State(state): State<AppState>,
    session: Session,
    headers: axum::http::HeaderMap,
    Form(form): Form<LanguageForm>,
) -> Result<Response> {
    session::check_csrf(&session, form.csrf_token.as_deref()).await?;
    let lang = Lang::from_code(&form.lang).ok_or_else(|| {
        AppError::BadRequest(
            Locale::current()
                .lang
                .tf1("admin.bad_language", "value", &form.lang),
        )
    })?;
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|referer| referer.split_once("://"))
        .and_then(|(_, rest)| rest.find('/').map(|slash| rest[slash..].to_owned()));
    let mut response = Redirect::to(&safe_next(back.as_deref())).into_response();
    if let Some(admin) =
        session::current_admin(&session, state.web.sessions.session_max_hours).await?
    {
        db::admins::set_language(&state.db, admin.id, lang.code()).await?;
        tracing::info!(email = %admin.email, lang = lang.code(), "admin language chosen");
        return Ok(response);
    }
    let cookie = format!(
        "{}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        crate::web::LANGUAGE_COOKIE,
        lang.code()
    );
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}
