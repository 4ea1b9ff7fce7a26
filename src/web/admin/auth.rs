//! Logging in and out, and creating the first admin from the setup link.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use serde::Deserialize;
use tower_sessions::Session;

use std::net::IpAddr;

use super::audit;
use super::session::{self, ClientAddr, CookieCsrf};
use super::{CurrentAdmin, safe_next};
use crate::auth;
use crate::db::admins::Admin;
use crate::db::audit::{Action, NewEntry};
use crate::db::{
    self,
    login_failures::{Limit, Reservation},
};
use crate::domain::{Role, email};
use crate::error::{AppError, Result};
use crate::i18n::{Lang, Locale};
use crate::state::AppState;

/// Password (or code) checks one account allows in the window; then it is locked for the
/// addresses that made them (see [`db::login_failures::reserve`]).
const ACCOUNT_LIMIT: Limit = Limit {
    max_failures: 5,
    window_seconds: 15 * 60,
};
/// Password (or code) checks one client address (an IPv6 /64) allows in the window, on any
/// accounts (guessing across several accounts, or guessing e-mail addresses).
const ADDRESS_LIMIT: Limit = Limit {
    max_failures: 20,
    window_seconds: 15 * 60,
};

/// The longest window of any login limit (the re-entered password's, `account::PASSWORD_LIMIT`,
/// is as long): counters older than this are forgotten by the cleanup task.
pub(super) const LONGEST_WINDOW_SECONDS: i64 =
    if ACCOUNT_LIMIT.window_seconds > ADDRESS_LIMIT.window_seconds {
        ACCOUNT_LIMIT.window_seconds
    } else {
        ADDRESS_LIMIT.window_seconds
    };

/// The throttling key of a client address. An IPv6 client is counted per /64 (one customer's
/// network, the smallest block a provider hands out; every address in it is the same client),
/// an IPv4 client (or an IPv4-mapped IPv6 one) per address.
fn address_key(client: Option<IpAddr>) -> String {
    match client.map(crate::server::client_key) {
        None => "address:unknown".to_owned(),
        Some(IpAddr::V4(v4)) => format!("address:{v4}"),
        Some(IpAddr::V6(v6)) => format!("address:{v6}/64"),
    }
}

/// The keys one login attempt counts against: the account (by normalised e-mail), the
/// client's address, and the two together.
struct ThrottleKeys {
    account: String,
    address: String,
    pair: String,
}

impl ThrottleKeys {
    fn new(email: &str, client: Option<IpAddr>) -> Self {
        let account = format!("account:{email}");
        let address = address_key(client);
        let pair = format!("{account} {address}");
        Self {
            account,
            address,
            pair,
        }
    }

    /// Reserve this attempt before any password or code is checked.
    async fn reserve(&self, db: &sqlx::PgPool) -> Result<Reservation> {
        Ok(db::login_failures::reserve(
            db,
            db::login_failures::Attempt {
                address: &self.address,
                address_limit: ADDRESS_LIMIT,
                account: &self.account,
                account_limit: ACCOUNT_LIMIT,
                pair: &self.pair,
            },
        )
        .await?)
    }

    /// Give the reservation back: the password was right (or never checked).
    async fn refund(&self, db: &sqlx::PgPool) -> Result<()> {
        db::login_failures::refund(db, &self.address, ADDRESS_LIMIT).await?;
        db::login_failures::refund(db, &self.pair, ACCOUNT_LIMIT).await?;
        db::login_failures::refund(db, &self.account, ACCOUNT_LIMIT).await?;
        Ok(())
    }

    /// The login succeeded: the account's failures are forgotten and the address gets its
    /// attempt back.
    async fn succeeded(&self, db: &sqlx::PgPool) -> Result<()> {
        db::login_failures::clear(db, &self.account).await?;
        db::login_failures::clear(db, &self.pair).await?;
        db::login_failures::refund(db, &self.address, ADDRESS_LIMIT).await?;
        Ok(())
    }
}

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
///
/// An anonymous visitor's view writes nothing on the server: the form's CSRF secret is in a
/// cookie ([`CookieCsrf`]), and the session is only read.
pub async fn login_form(
    State(state): State<AppState>,
    session: Session,
    csrf: CookieCsrf,
    Query(params): Query<NextParam>,
) -> Result<Response> {
    let next = safe_next(params.next.as_deref());
    if session::current_admin(&session, state.web.sessions.session_max_hours)
        .await?
        .is_some()
    {
        return Ok(Redirect::to(&next).into_response());
    }
    let page = LoginPage {
        lang: Locale::current().lang,
        csrf_token: csrf.token(),
        email: String::new(),
        next,
        error: None,
        flash: session::take_flash(&session).await?,
    };
    Ok((csrf, page).into_response())
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
/// same time. Each attempt is reserved against the account's and the address's limits before
/// its password is checked (refused: 429 with `Retry-After`); the password check waits for a
/// free hashing slot (none soon: 503 with `Retry-After`, and the attempt is given back).
pub async fn login(
    State(state): State<AppState>,
    session: Session,
    csrf: CookieCsrf,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response> {
    csrf.check(form.csrf_token.as_deref())?;
    let next = safe_next(form.next.as_deref());
    let normalised = email::parse(&form.email).unwrap_or_else(|_| form.email.trim().to_lowercase());
    let keys = ThrottleKeys::new(&normalised, client);
    if let Reservation::Refused { retry_after } = keys.reserve(&state.db).await? {
        tracing::warn!(email = ?normalised, client = ?client, "login refused: too many attempts");
        return Ok(too_many_attempts(retry_after));
    }

    let found = db::admins::find_for_login(&state.db, &normalised).await?;
    let hash = found.as_ref().map(|account| account.password_hash.clone());
    let password = form.password.clone();
    let valid = match auth::verify_password(password, hash).await {
        Ok(valid) => valid && found.is_some(),
        Err(error) => {
            // Nothing was checked: the attempt is given back.
            keys.refund(&state.db).await?;
            tracing::warn!(email = ?normalised, client = ?client, %error, "login not checked");
            return Err(error.into());
        }
    };
    let address = client.map(|ip| ip.to_string());
    match found.filter(|_| valid) {
        Some(account) if account.disabled => {
            // The password was right: say why, without counting it as a guess.
            keys.refund(&state.db).await?;
            tracing::warn!(email = ?account.email, client = ?client, "login refused: account disabled");
            audit::note(
                &state.db,
                Action::LoginRefused,
                NewEntry {
                    actor_id: Some(account.id),
                    actor_email: Some(&account.email),
                    detail: Some("disabled_account"),
                    address: address.as_deref(),
                    ..NewEntry::default()
                },
            )
            .await;
            let lang = Locale::current().lang;
            let page = LoginPage {
                lang,
                csrf_token: csrf.token(),
                email: form.email.trim().to_owned(),
                next,
                error: Some(lang.t("admin.login.disabled").to_owned()),
                flash: None,
            };
            Ok((StatusCode::FORBIDDEN, page).into_response())
        }
        Some(account) if account.totp_secret.is_some() => {
            // Half logged in: only the code page is open until the second factor is given.
            // The password was right, so it is not counted; the code is (see `two_factor`).
            keys.refund(&state.db).await?;
            session::set_pending(&session, account.id, &account.email, &next).await?;
            tracing::info!(email = ?account.email, client = ?client, "password accepted: code asked");
            Ok(Redirect::to("/admin/login/two-factor").into_response())
        }
        Some(account) => {
            keys.succeeded(&state.db).await?;
            start_session(&state, &session, &account.admin(), client, &headers).await?;
            Ok(Redirect::to(&next).into_response())
        }
        None => {
            tracing::warn!(email = ?normalised, client = ?client, "login failed");
            let tried: String = normalised.chars().take(254).collect();
            audit::note(
                &state.db,
                Action::LoginFailed,
                NewEntry {
                    actor_id: None,
                    actor_email: Some(&tried),
                    address: address.as_deref(),
                    ..NewEntry::default()
                },
            )
            .await;
            let page = LoginPage {
                lang: Locale::current().lang,
                csrf_token: csrf.token(),
                email: form.email.trim().to_owned(),
                next,
                error: Some(Locale::current().lang.t("admin.login.wrong").to_owned()),
                flash: None,
            };
            Ok((StatusCode::UNAUTHORIZED, page).into_response())
        }
    }
}

/// The `User-Agent` of a request, shortened for keeping.
fn user_agent(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|agent| agent.chars().take(300).collect())
}

/// Log `admin` in on this session: remember the session (so it can be listed and ended), the
/// time of the login, and write it to the audit log. Only remembering the session can fail the
/// login; the rest is logged and passed over.
pub(super) async fn start_session(
    state: &AppState,
    session: &Session,
    admin: &Admin,
    client: Option<IpAddr>,
    headers: &HeaderMap,
) -> Result<()> {
    let login = session::log_in(session, admin.id, &admin.email).await?;
    let address = client.map(|ip| ip.to_string());
    let agent = user_agent(headers);
    db::admin_sessions::insert(
        &state.db,
        admin.id,
        &login.key_hash(),
        address.as_deref(),
        agent.as_deref(),
    )
    .await?;
    if let Err(error) = db::admins::touch_login(&state.db, admin.id).await {
        tracing::error!(%error, "cannot record the time of a login");
    }
    audit::note(
        &state.db,
        Action::Login,
        NewEntry {
            actor_id: Some(admin.id),
            actor_email: Some(&admin.email),
            address: address.as_deref(),
            ..NewEntry::default()
        },
    )
    .await;
    tracing::info!(email = ?admin.email, client = ?client, "login succeeded");
    Ok(())
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/login_two_factor.html")]
pub struct TwoFactorLoginPage {
    lang: Lang,
    csrf_token: String,
    error: Option<String>,
}

/// The page asking for the second factor, while a password was just accepted.
pub async fn two_factor_form(session: Session) -> Result<Response> {
    if session::pending(&session).await?.is_none() {
        return Ok(Redirect::to("/admin/login").into_response());
    }
    Ok(TwoFactorLoginPage {
        lang: Locale::current().lang,
        csrf_token: session::csrf_token(&session).await?,
        error: None,
    }
    .into_response())
}

#[derive(Debug, Deserialize)]
pub struct CodeForm {
    csrf_token: Option<String>,
    #[serde(default)]
    code: String,
}

/// Check the second factor: a code from the app (each works once) or a recovery code (each
/// works once). Each code is reserved against the same limits as a password, before it is
/// checked.
pub async fn two_factor(
    State(state): State<AppState>,
    session: Session,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> Result<Response> {
    session::check_csrf(&session, form.csrf_token.as_deref()).await?;
    let Some(pending) = session::pending(&session).await? else {
        session::set_flash(
            &session,
            Locale::current().lang.t("admin.two_factor.expired"),
        )
        .await?;
        return Ok(Redirect::to("/admin/login").into_response());
    };
    let keys = ThrottleKeys::new(&pending.email, client);
    if let Reservation::Refused { retry_after } = keys.reserve(&state.db).await? {
        tracing::warn!(email = ?pending.email, client = ?client, "code refused: too many attempts");
        return Ok(too_many_attempts(retry_after));
    }
    let address = client.map(|ip| ip.to_string());
    let account = db::admins::find_for_check(&state.db, pending.id).await?;
    let mut used_recovery_code = false;
    let accepted = match &account {
        Some(account) if !account.disabled => match &account.totp_secret {
            Some(secret) => match auth::totp::check(secret, &form.code, auth::totp::now())? {
                Some(step) => db::two_factor::use_step(&state.db, account.id, step as i64).await?,
                None => {
                    let hash = auth::totp::recovery_code_hash(account.id, &form.code);
                    used_recovery_code =
                        db::two_factor::use_recovery_code(&state.db, account.id, &hash).await?;
                    used_recovery_code
                }
            },
            // Two-factor login was turned off meanwhile: the password was enough.
            None => true,
        },
        _ => false,
    };
    match account.filter(|_| accepted) {
        Some(account) => {
            keys.succeeded(&state.db).await?;
            if used_recovery_code {
                audit::note(
                    &state.db,
                    Action::RecoveryCodeUsed,
                    NewEntry {
                        actor_id: Some(account.id),
                        actor_email: Some(&account.email),
                        address: address.as_deref(),
                        ..NewEntry::default()
                    },
                )
                .await;
            }
            start_session(&state, &session, &account.admin(), client, &headers).await?;
            Ok(Redirect::to(&pending.next).into_response())
        }
        None => {
            tracing::warn!(email = ?pending.email, client = ?client, "second factor failed");
            audit::note(
                &state.db,
                Action::TwoFactorFailed,
                NewEntry {
                    actor_id: Some(pending.id),
                    actor_email: Some(&pending.email),
                    address: address.as_deref(),
                    ..NewEntry::default()
                },
            )
            .await;
            let lang = Locale::current().lang;
            let page = TwoFactorLoginPage {
                lang,
                csrf_token: session::csrf_token(&session).await?,
                error: Some(lang.t("admin.two_factor.wrong").to_owned()),
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
    State(state): State<AppState>,
    session: Session,
    ClientAddr(client): ClientAddr,
    Extension(admin): Extension<CurrentAdmin>,
    Form(form): Form<LogoutForm>,
) -> Result<Response> {
    session::check_csrf(&session, form.csrf_token.as_deref()).await?;
    db::admin_sessions::end_by_key(&state.db, &admin.0.key_hash()).await?;
    session::log_out(&session).await?;
    let address = client.map(|ip| ip.to_string());
    audit::note(
        &state.db,
        Action::Logout,
        NewEntry {
            actor_id: Some(admin.0.id),
            actor_email: Some(&admin.0.email),
            address: address.as_deref(),
            ..NewEntry::default()
        },
    )
    .await;
    tracing::info!(email = ?admin.0.email, "logged out");
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
        super::field_error(&self.errors, field)
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
    csrf: CookieCsrf,
    Query(params): Query<SetupParams>,
) -> Result<Response> {
    let token = params.token.unwrap_or_default();
    if !db::setup_tokens::is_valid(&state.db, &auth::token_hash(&token)).await? {
        return Err(setup_link_invalid());
    }
    let page = SetupPage {
        lang: Locale::current().lang,
        csrf_token: csrf.token(),
        token,
        email: String::new(),
        errors: Vec::new(),
    };
    Ok((csrf, page).into_response())
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
    csrf: CookieCsrf,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Form(form): Form<SetupForm>,
) -> Result<Response> {
    csrf.check(form.csrf_token.as_deref())?;
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
            csrf_token: csrf.token(),
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
    tracing::info!(email = ?admin.email, "first admin created from the setup link");
    let address = client.map(|ip| ip.to_string());
    audit::note(
        &state.db,
        Action::Setup,
        NewEntry {
            actor_id: Some(admin.id),
            actor_email: Some(&admin.email),
            address: address.as_deref(),
            ..NewEntry::default()
        },
    )
    .await;
    start_session(&state, &session, &admin, client, &headers).await?;
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
    csrf: CookieCsrf,
    headers: axum::http::HeaderMap,
    Form(form): Form<LanguageForm>,
) -> Result<Response> {
    // From an admin page (the session's token) or from a page without a session (the cookie's).
    if !csrf.matches(form.csrf_token.as_deref()) {
        session::check_csrf(&session, form.csrf_token.as_deref()).await?;
    }
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
        tracing::info!(email = ?admin.email, lang = lang.code(), "admin language chosen");
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

#[derive(Template, WebTemplate)]
#[template(path = "admin/invite.html")]
pub struct InvitePage {
    lang: Lang,
    csrf_token: String,
    token: String,
    role: &'static str,
    email: String,
    errors: Vec<(&'static str, String)>,
}

impl InvitePage {
    fn error_for(&self, field: &str) -> Option<&str> {
        super::field_error(&self.errors, field)
    }
}

/// The role an invitation link offers, or "not found" when it does not work (unknown, used
/// or expired: the answer does not say which).
async fn invited_role(state: &AppState, token: &str) -> Result<Role> {
    db::invites::valid_role(&state.db, &auth::token_hash(token))
        .await?
        .as_deref()
        .and_then(Role::parse)
        .ok_or(AppError::NotFound)
}

/// The form an invited person makes their account with.
pub async fn invite_form(
    State(state): State<AppState>,
    csrf: CookieCsrf,
    Query(params): Query<SetupParams>,
) -> Result<Response> {
    let token = params.token.unwrap_or_default();
    let role = invited_role(&state, &token).await?;
    let lang = Locale::current().lang;
    let page = InvitePage {
        lang,
        csrf_token: csrf.token(),
        token,
        role: lang.t(role.label_key()),
        email: String::new(),
        errors: Vec::new(),
    };
    Ok((csrf, page).into_response())
}

/// Make the invited account (same rules as the first admin's), use the link up, log in.
pub async fn accept_invite(
    State(state): State<AppState>,
    session: Session,
    csrf: CookieCsrf,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Form(form): Form<SetupForm>,
) -> Result<Response> {
    csrf.check(form.csrf_token.as_deref())?;
    let role = invited_role(&state, &form.token).await?;
    let lang = Locale::current().lang;
    let mut errors = Vec::new();
    let email = email::parse(&form.email)
        .map_err(|m| errors.push(("email", m.text(lang))))
        .ok();
    if let Err(message) = auth::check_new_password(&form.password) {
        errors.push(("password", message.text(lang)));
    } else if form.password != form.password_again {
        errors.push((
            "password_again",
            lang.t("admin.passwords_differ").to_owned(),
        ));
    }
    let invalid = |errors| async {
        let page = InvitePage {
            lang,
            csrf_token: csrf.token(),
            token: form.token.clone(),
            role: lang.t(role.label_key()),
            email: form.email.clone(),
            errors,
        };
        Ok::<_, AppError>((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
    };
    let Some(email) = email.filter(|_| errors.is_empty()) else {
        return invalid(errors).await;
    };
    let hash = auth::hash_password(form.password.clone()).await?;
    let mut tx = state.db.begin().await?;
    let Some((invite_id, stored_role)) =
        db::invites::consume(&mut tx, &auth::token_hash(&form.token)).await?
    else {
        return Err(AppError::NotFound);
    };
    let role = Role::parse(&stored_role).unwrap_or(Role::Translator);
    let admin = match db::admins::create_with_role(&mut *tx, &email, &hash, role).await {
        Ok(admin) => admin,
        Err(sqlx::Error::Database(error)) if error.constraint() == Some("admins_email_key") => {
            drop(tx);
            return invalid(vec![("email", lang.t("admin.email_taken").to_owned())]).await;
        }
        Err(error) => return Err(error.into()),
    };
    db::invites::set_used_by(&mut *tx, invite_id, admin.id).await?;
    tx.commit().await?;
    tracing::info!(email = ?admin.email, %role, "account created from an invitation");
    let address = client.map(|ip| ip.to_string());
    audit::note(
        &state.db,
        Action::InviteAccepted,
        NewEntry {
            actor_id: Some(admin.id),
            actor_email: Some(&admin.email),
            subject_id: Some(admin.id),
            subject_email: Some(&admin.email),
            detail: Some(role.as_str()),
            address: address.as_deref(),
        },
    )
    .await;
    start_session(&state, &session, &admin, client, &headers).await?;
    session::set_flash(
        &session,
        lang.tf("admin.flash.welcome", &[("email", &admin.email)]),
    )
    .await?;
    Ok(Redirect::to("/admin").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_are_counted_per_64_and_ipv4_per_address() {
        let key = |ip: &str| address_key(Some(ip.parse().unwrap()));
        assert_eq!(key("192.0.2.7"), "address:192.0.2.7");
        assert_ne!(key("192.0.2.7"), key("192.0.2.8"));
        assert_eq!(key("2001:db8:1:2::1"), "address:2001:db8:1:2::/64");
        assert_eq!(
            key("2001:db8:1:2:ffff:ffff:ffff:ffff"),
            key("2001:db8:1:2::1"),
            "one /64 is one client"
        );
        assert_ne!(key("2001:db8:1:3::1"), key("2001:db8:1:2::1"));
        assert_eq!(
            key("::ffff:192.0.2.7"),
            key("192.0.2.7"),
            "IPv4-mapped is IPv4"
        );
        assert_eq!(address_key(None), "address:unknown");
    }
}
