//! Turning two-factor login on (scan a QR code, confirm with a code, keep the recovery codes)
//! and off (with a current code or the password).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::audit;
use super::context::AdminContext;
use super::extract::{CheckedForm, Frame};
use super::form::Submission;
use super::session::{self, ClientAddr};
use crate::auth::totp;
use crate::db;
use crate::db::audit::{Action, NewEntry};
use crate::error::{AppError, Result};
use crate::i18n::Lang;
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "admin/two_factor.html")]
pub struct TwoFactorPage {
    ctx: AdminContext,
    lang: Lang,
    enabled: bool,
    required: bool,
    /// While setting up: the secret, in groups of four for typing.
    secret: Option<String>,
    codes_left: i64,
    error: Option<String>,
}

async fn page(state: &AppState, frame: &Frame, error: Option<String>) -> Result<TwoFactorPage> {
    let enabled = db::admins::account(&state.db, frame.admin_id())
        .await?
        .is_some_and(|account| account.two_factor);
    let secret = if enabled {
        None
    } else {
        let secret = session::totp_setup_secret(&frame.session).await?;
        Some(
            secret
                .as_bytes()
                .chunks(4)
                .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
                .collect::<Vec<_>>()
                .join(" "),
        )
    };
    Ok(TwoFactorPage {
        ctx: frame.context().await?,
        lang: frame.lang,
        enabled,
        required: db::settings::require_two_factor(&state.db).await?,
        secret,
        codes_left: db::two_factor::recovery_codes_left(&state.db, frame.admin_id()).await?,
        error,
    })
}

/// The two-factor page: set it up (QR code, secret, confirm) or see it is on and turn it off.
pub async fn show(State(state): State<AppState>, frame: Frame) -> Result<TwoFactorPage> {
    page(&state, &frame, None).await
}

/// The QR code of the secret being set up, as SVG (drawn here: no other service sees it).
pub async fn qr_code(frame: Frame) -> Result<Response> {
    let secret = session::existing_totp_setup_secret(&frame.session)
        .await?
        .ok_or(AppError::NotFound)?;
    let url = totp::otpauth_url(&secret, frame.email())?;
    let svg = totp::qr_svg(&url)?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("image/svg+xml"),
        )],
        svg,
    )
        .into_response())
}

fn address(client: Option<std::net::IpAddr>) -> Option<String> {
    client.map(|ip| ip.to_string())
}

/// Turn two-factor login on once a code from the app matches; then show the recovery codes
/// once.
pub async fn enable(
    State(state): State<AppState>,
    frame: Frame,
    ClientAddr(client): ClientAddr,
    CheckedForm(form): CheckedForm,
) -> Result<Response> {
    let lang = frame.lang;
    let Some(secret) = session::existing_totp_setup_secret(&frame.session).await? else {
        return Ok(Redirect::to("/admin/account/two-factor").into_response());
    };
    let code = form.get("code").unwrap_or_default();
    let Some(step) = totp::check(&secret, code, totp::now())? else {
        let page = page(
            &state,
            &frame,
            Some(lang.t("admin.two_factor.wrong").to_owned()),
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let codes = totp::new_recovery_codes();
    let hashes: Vec<String> = codes
        .iter()
        .map(|code| totp::recovery_code_hash(frame.admin_id(), code))
        .collect();
    let mut tx = state.db.begin().await?;
    db::two_factor::enable(&mut tx, frame.admin_id(), &secret, step as i64, &hashes).await?;
    tx.commit().await?;
    session::clear_totp_setup(&frame.session).await?;
    session::set_recovery_codes(&frame.session, &codes).await?;
    let address = address(client);
    audit::note(
        &state.db,
        Action::TwoFactorEnabled,
        NewEntry {
            actor_id: Some(frame.admin_id()),
            actor_email: Some(frame.email()),
            subject_id: Some(frame.admin_id()),
            subject_email: Some(frame.email()),
            address: address.as_deref(),
            ..NewEntry::default()
        },
    )
    .await;
    tracing::info!(admin = ?frame.email(), "two-factor login turned on");
    frame.flash(lang.t("admin.two_factor.enabled")).await?;
    Ok(Redirect::to("/admin/account/two-factor/recovery-codes").into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/recovery_codes.html")]
pub struct RecoveryCodesPage {
    ctx: AdminContext,
    lang: Lang,
    codes: Vec<String>,
}

/// The new recovery codes, shown once.
pub async fn recovery_codes(frame: Frame) -> Result<Response> {
    let Some(codes) = session::take_recovery_codes(&frame.session).await? else {
        return Ok(Redirect::to("/admin/account/two-factor").into_response());
    };
    Ok(RecoveryCodesPage {
        ctx: frame.context().await?,
        lang: frame.lang,
        codes,
    }
    .into_response())
}

/// Whether the form confirms who is there: a current code from the app (used up) or the
/// account's password (throttled like a password change).
async fn confirmed(
    state: &AppState,
    account: &db::admins::LoginAccount,
    secret: &str,
    form: &Submission,
) -> Result<bool> {
    let code = form.get("code").unwrap_or_default();
    if let Some(step) = totp::check(secret, code, totp::now())?
        && db::two_factor::use_step(&state.db, account.id, step as i64).await?
    {
        return Ok(true);
    }
    let password = form.get("password").unwrap_or_default().to_owned();
    Ok(!password.is_empty()
        && super::account::current_password_is(
            state,
            crate::i18n::Locale::current().lang,
            account.id,
            password,
            account.password_hash.clone(),
        )
        .await?)
}

/// New recovery codes in place of the old ones (confirmed with a code or the password), shown
/// once.
pub async fn renew_recovery_codes(
    State(state): State<AppState>,
    frame: Frame,
    ClientAddr(client): ClientAddr,
    CheckedForm(form): CheckedForm,
) -> Result<Response> {
    let lang = frame.lang;
    let account = db::admins::find_for_check(&state.db, frame.admin_id())
        .await?
        .ok_or(AppError::NotFound)?;
    let Some(secret) = account.totp_secret.clone() else {
        return Ok(Redirect::to("/admin/account/two-factor").into_response());
    };
    if !confirmed(&state, &account, &secret, &form).await? {
        let page = page(
            &state,
            &frame,
            Some(lang.t("admin.two_factor.confirm_wrong").to_owned()),
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let codes = totp::new_recovery_codes();
    let hashes: Vec<String> = codes
        .iter()
        .map(|code| totp::recovery_code_hash(account.id, code))
        .collect();
    let mut tx = state.db.begin().await?;
    db::two_factor::replace_recovery_codes(&mut tx, account.id, &hashes).await?;
    tx.commit().await?;
    session::set_recovery_codes(&frame.session, &codes).await?;
    let address = address(client);
    audit::note(
        &state.db,
        Action::RecoveryCodesRenewed,
        NewEntry {
            actor_id: Some(account.id),
            actor_email: Some(&account.email),
            subject_id: Some(account.id),
            subject_email: Some(&account.email),
            address: address.as_deref(),
            ..NewEntry::default()
        },
    )
    .await;
    Ok(Redirect::to("/admin/account/two-factor/recovery-codes").into_response())
}

/// Turn two-factor login off, with a current code or the password (not while the portal
/// requires it).
pub async fn disable(
    State(state): State<AppState>,
    frame: Frame,
    ClientAddr(client): ClientAddr,
    CheckedForm(form): CheckedForm,
) -> Result<Response> {
    let lang = frame.lang;
    if db::settings::require_two_factor(&state.db).await? {
        return Err(AppError::Forbidden(
            lang.t("admin.two_factor.cannot_disable").to_owned(),
        ));
    }
    let account = db::admins::find_for_check(&state.db, frame.admin_id())
        .await?
        .ok_or(AppError::NotFound)?;
    let Some(secret) = account.totp_secret.clone() else {
        return Ok(Redirect::to("/admin/account/two-factor").into_response());
    };
    if !confirmed(&state, &account, &secret, &form).await? {
        let page = page(
            &state,
            &frame,
            Some(lang.t("admin.two_factor.confirm_wrong").to_owned()),
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let mut tx = state.db.begin().await?;
    db::two_factor::disable(&mut tx, account.id).await?;
    tx.commit().await?;
    let address = address(client);
    audit::note(
        &state.db,
        Action::TwoFactorDisabled,
        NewEntry {
            actor_id: Some(account.id),
            actor_email: Some(&account.email),
            subject_id: Some(account.id),
            subject_email: Some(&account.email),
            address: address.as_deref(),
            ..NewEntry::default()
        },
    )
    .await;
    tracing::info!(admin = ?account.email, "two-factor login turned off");
    frame.flash(lang.t("admin.two_factor.disabled")).await?;
    Ok(Redirect::to("/admin/account/two-factor").into_response())
}
