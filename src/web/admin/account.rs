//! An admin's own account: their password, their sessions (each can be ended) and the way to
//! two-factor login.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::audit;
use super::context::AdminContext;
use super::extract::{CheckedForm, Frame};
use super::session::{self, ClientAddr};
use crate::auth;
use crate::db::audit::{Action, NewEntry};
use crate::db::{self, login_failures::Limit};
use crate::error::{AppError, Result};
use crate::i18n::Lang;
use crate::state::AppState;

/// Wrong current passwords that pause password changes for a while (a session left open is
/// not a way to guess the password).
const PASSWORD_LIMIT: Limit = Limit {
    max_failures: 5,
    window_seconds: 15 * 60,
};

/// Check the current password of admin `id` (asked again inside a session before a sensitive
/// change), reserved first against [`PASSWORD_LIMIT`] so that concurrent guesses cannot run
/// past it: a refusal is a 403 page; a right password forgets the failures; a check that could
/// not run (every hashing slot busy) gives its attempt back and answers 503.
pub(super) async fn current_password_is(
    state: &AppState,
    lang: Lang,
    id: i64,
    password: String,
    hash: String,
) -> Result<bool> {
    let key = format!("password:{id}");
    if let db::login_failures::Reservation::Refused { .. } =
        db::login_failures::reserve_key(&state.db, &key, PASSWORD_LIMIT).await?
    {
        return Err(AppError::Forbidden(lang.t("account.too_many").to_owned()));
    }
    match auth::verify_password(password, Some(hash)).await {
        Ok(true) => {
            db::login_failures::clear(&state.db, &key).await?;
            Ok(true)
        }
        Ok(false) => Ok(false),
        Err(error) => {
            db::login_failures::refund(&state.db, &key, PASSWORD_LIMIT).await?;
            Err(error.into())
        }
    }
}

/// One session as the page lists it.
pub struct SessionView {
    id: i64,
    current: bool,
    created: String,
    last_seen: String,
    address: Option<String>,
    user_agent: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/account.html")]
pub struct AccountPage {
    ctx: AdminContext,
    lang: Lang,
    role: &'static str,
    sessions: Vec<SessionView>,
    two_factor: bool,
    errors: Vec<(&'static str, String)>,
}

impl AccountPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        super::field_error(&self.errors, field)
    }
}

async fn page(
    state: &AppState,
    frame: &Frame,
    errors: Vec<(&'static str, String)>,
) -> Result<AccountPage> {
    let lang = frame.lang;
    let current = frame.admin.0.key_hash();
    let lifetime = super::session_lifetime(&state.web.sessions);
    let sessions = db::admin_sessions::for_admin(&state.db, frame.admin_id(), lifetime)
        .await?
        .into_iter()
        .map(|row| SessionView {
            id: row.id,
            current: row.key_hash == current,
            created: lang.date_time(row.created_at),
            last_seen: lang.date_time(row.last_seen_at),
            address: row.address,
            user_agent: row.user_agent,
        })
        .collect();
    let two_factor = db::admins::account(&state.db, frame.admin_id())
        .await?
        .is_some_and(|account| account.two_factor);
    Ok(AccountPage {
        ctx: frame.context().await?,
        lang,
        role: lang.t(frame.role().label_key()),
        sessions,
        two_factor,
        errors,
    })
}

/// The account page.
pub async fn show(
    axum::extract::State(state): State<AppState>,
    frame: Frame,
) -> Result<AccountPage> {
    page(&state, &frame, Vec::new()).await
}

/// Change the password: the current one first; every other session of the account ends.
pub async fn change_password(
    State(state): State<AppState>,
    frame: Frame,
    ClientAddr(client): ClientAddr,
    CheckedForm(form): CheckedForm,
) -> Result<Response> {
    let lang = frame.lang;
    let id = frame.admin_id();
    let current = form.get("current_password").unwrap_or_default().to_owned();
    let new = form.get("password").unwrap_or_default().to_owned();
    let again = form.get("password_again").unwrap_or_default();
    let account = db::admins::find_for_check(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = Vec::new();
    if !current_password_is(&state, lang, id, current, account.password_hash).await? {
        errors.push((
            "current_password",
            lang.t("account.wrong_password").to_owned(),
        ));
    }
    if let Err(message) = auth::check_new_password(&new) {
        errors.push(("password", message.text(lang)));
    } else if new != again {
        errors.push((
            "password_again",
            lang.t("admin.passwords_differ").to_owned(),
        ));
    }
    if !errors.is_empty() {
        let page = page(&state, &frame, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let hash = auth::hash_password(new).await?;
    let mut tx = state.db.begin().await?;
    db::admins::set_password(&mut *tx, id, &hash).await?;
    let ended =
        db::admin_sessions::end_all_but(&mut *tx, id, Some(&frame.admin.0.key_hash())).await?;
    tx.commit().await?;
    let address = client.map(|ip| ip.to_string());
    audit::note(
        &state.db,
        Action::PasswordChanged,
        NewEntry {
            actor_id: Some(id),
            actor_email: Some(frame.email()),
            subject_id: Some(id),
            subject_email: Some(frame.email()),
            address: address.as_deref(),
            ..NewEntry::default()
        },
    )
    .await;
    tracing::info!(admin = ?frame.email(), ended, "password changed; other sessions ended");
    frame
        .flash(lang.plural("account.password_changed", ended as i64))
        .await?;
    Ok(Redirect::to("/admin/account").into_response())
}

/// End one of the account's sessions (this one too: then it is a logout).
pub async fn end_session(
    State(state): State<AppState>,
    frame: Frame,
    ClientAddr(client): ClientAddr,
    Path(session_id): Path<String>,
    CheckedForm(_): CheckedForm,
) -> Result<Response> {
    let session_id: i64 = session_id.parse().map_err(|_| AppError::NotFound)?;
    let lifetime = super::session_lifetime(&state.web.sessions);
    let sessions = db::admin_sessions::for_admin(&state.db, frame.admin_id(), lifetime).await?;
    let Some(target) = sessions.iter().find(|s| s.id == session_id) else {
        return Err(AppError::NotFound);
    };
    let current = target.key_hash == frame.admin.0.key_hash();
    db::admin_sessions::end(&state.db, frame.admin_id(), session_id).await?;
    let address = client.map(|ip| ip.to_string());
    audit::note(
        &state.db,
        Action::SessionEnded,
        NewEntry {
            actor_id: Some(frame.admin_id()),
            actor_email: Some(frame.email()),
            subject_id: Some(frame.admin_id()),
            subject_email: Some(frame.email()),
            detail: target.address.as_deref(),
            address: address.as_deref(),
        },
    )
    .await;
    if current {
        session::log_out(&frame.session).await?;
        return Ok(Redirect::to("/admin/login").into_response());
    }
    frame.flash(frame.lang.t("account.session_ended")).await?;
    Ok(Redirect::to("/admin/account").into_response())
}
