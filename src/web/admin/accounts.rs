//! The accounts page (admins only): every account with its role, state, two-factor login and
//! last login; invitations by one-time link; changing roles, disabling, enabling, removing;
//! and requiring two-factor login of everyone.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::audit;
use super::context::AdminContext;
use super::extract::{CheckedForm, Frame};
use super::session::{self, ClientAddr};
use crate::auth;
use crate::db::audit::{Action, NewEntry};
use crate::db::{self, admins::Account};
use crate::domain::Role;
use crate::error::{AppError, Result};
use crate::i18n::Lang;
use crate::state::AppState;

/// An account as the page lists it.
pub struct AccountView {
    id: i64,
    email: String,
    role: Role,
    disabled: bool,
    two_factor: bool,
    last_login: Option<String>,
    yourself: bool,
}

/// An invitation not yet used.
pub struct InviteView {
    id: i64,
    role: &'static str,
    by: String,
    expires: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/accounts.html")]
pub struct AccountsPage {
    ctx: AdminContext,
    lang: Lang,
    accounts: Vec<AccountView>,
    invites: Vec<InviteView>,
    new_link: Option<String>,
    require_two_factor: bool,
    roles: [Role; 3],
}

/// The accounts page.
pub async fn index(State(state): State<AppState>, frame: Frame) -> Result<AccountsPage> {
    frame.require(Role::Admin)?;
    let lang = frame.lang;
    let accounts = db::admins::list(&state.db)
        .await?
        .into_iter()
        .map(|account: Account| AccountView {
            yourself: account.id == frame.admin_id(),
            id: account.id,
            email: account.email,
            role: Role::parse(&account.role).unwrap_or(Role::Translator),
            disabled: account.disabled_at.is_some(),
            two_factor: account.two_factor,
            last_login: account.last_login_at.map(|at| lang.date_time(at)),
        })
        .collect();
    let invites = db::invites::pending(&state.db)
        .await?
        .into_iter()
        .map(|invite| InviteView {
            id: invite.id,
            role: Role::parse(&invite.role).map_or("?", |role| lang.t(role.label_key())),
            by: invite
                .created_by_email
                .unwrap_or_else(|| lang.t("admin.system").to_owned()),
            expires: lang.date_time(invite.expires_at),
        })
        .collect();
    Ok(AccountsPage {
        ctx: frame.context().await?,
        lang,
        accounts,
        invites,
        new_link: session::take_invite_link(&frame.session).await?,
        require_two_factor: db::settings::require_two_factor(&state.db).await?,
        roles: Role::ALL,
    })
}

fn bad_role(lang: Lang, value: &str) -> AppError {
    AppError::BadRequest(lang.tf1("accounts.bad_role", "value", value))
}

/// The address invitation links start with: the configured public address, else this request's
/// host.
fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &state.web.public_url {
        return url.trim_end_matches('/').to_owned();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    let scheme = if state.web.sessions.secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}

/// Invite someone: a one-time link, valid for seven days, shown once here and logged.
pub async fn invite(
    State(state): State<AppState>,
    frame: Frame,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    CheckedForm(form): CheckedForm,
) -> Result<Response> {
    frame.require(Role::Admin)?;
    let lang = frame.lang;
    let value = form.get("role").unwrap_or_default();
    let role = Role::parse(value).ok_or_else(|| bad_role(lang, value))?;
    let token = auth::random_token();
    db::invites::insert(&state.db, &auth::token_hash(&token), role, frame.admin_id()).await?;
    let link = format!("{}/admin/invite?token={token}", base_url(&state, &headers));
    tracing::warn!(admin = ?frame.email(), %role, "invitation made: {link} (works once, for {} days)", db::invites::VALID_DAYS);
    session::set_invite_link(&frame.session, &link).await?;
    let address = client.map(|ip| ip.to_string());
    audit::note(
        &state.db,
        Action::Invite,
        NewEntry {
            actor_id: Some(frame.admin_id()),
            actor_email: Some(frame.email()),
            detail: Some(role.as_str()),
            address: address.as_deref(),
            ..NewEntry::default()
        },
    )
    .await;
    Ok(Redirect::to("/admin/accounts#invite-link").into_response())
}

/// Withdraw an invitation not yet used.
pub async fn revoke_invite(
    State(state): State<AppState>,
    frame: Frame,
    ClientAddr(client): ClientAddr,
    Path(id): Path<String>,
    CheckedForm(_): CheckedForm,
) -> Result<Response> {
    frame.require(Role::Admin)?;
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let role = db::invites::revoke(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let address = client.map(|ip| ip.to_string());
    audit::note(
        &state.db,
        Action::InviteRevoked,
        NewEntry {
            actor_id: Some(frame.admin_id()),
            actor_email: Some(frame.email()),
            detail: Some(&role),
            address: address.as_deref(),
            ..NewEntry::default()
        },
    )
    .await;
    frame.flash(frame.lang.t("accounts.invite_revoked")).await?;
    Ok(Redirect::to("/admin/accounts").into_response())
}

/// What an account change does.
#[derive(Clone, Copy)]
enum Change {
    Role(Role),
    Disable,
    Enable,
    Remove,
    ResetTwoFactor,
}

/// Apply a change to another account, never leaving the portal without an enabled admin.
async fn change(
    state: &AppState,
    frame: &Frame,
    client: Option<std::net::IpAddr>,
    id: &str,
    change: Change,
) -> Result<Response> {
    frame.require(Role::Admin)?;
    let lang = frame.lang;
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    if id == frame.admin_id() {
        frame.flash(lang.t("accounts.not_yourself")).await?;
        return Ok(Redirect::to("/admin/accounts").into_response());
    }
    let mut tx = state.db.begin().await?;
    let removes_an_admin = matches!(
        change,
        Change::Role(Role::Editor | Role::Translator) | Change::Disable | Change::Remove
    );
    // Lock the enabled admins first, so two admins demoting each other cannot both succeed.
    let another_admin = if removes_an_admin {
        db::admins::another_enabled_admin(&mut tx, id).await?
    } else {
        true
    };
    let account = db::admins::account(&mut *tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !another_admin && account.role == Role::Admin.as_str() && account.disabled_at.is_none() {
        drop(tx);
        frame.flash(lang.t("accounts.last_admin")).await?;
        return Ok(Redirect::to("/admin/accounts").into_response());
    }
    let (action, detail, message) = match change {
        Change::Role(role) => {
            db::admins::set_role(&mut *tx, id, role).await?;
            (
                Action::RoleChanged,
                Some(role.as_str()),
                "accounts.role_changed",
            )
        }
        Change::Disable => {
            db::admins::set_disabled(&mut *tx, id, true).await?;
            db::admin_sessions::end_all_but(&mut *tx, id, None).await?;
            (Action::Disabled, None, "accounts.disabled")
        }
        Change::Enable => {
            db::admins::set_disabled(&mut *tx, id, false).await?;
            (Action::Enabled, None, "accounts.enabled")
        }
        Change::Remove => {
            db::admins::remove(&mut *tx, id).await?;
            (Action::Removed, None, "accounts.removed")
        }
        Change::ResetTwoFactor => {
            db::two_factor::disable(&mut tx, id).await?;
            (Action::TwoFactorReset, None, "accounts.two_factor_reset")
        }
    };
    tx.commit().await?;
    let address = client.map(|ip| ip.to_string());
    audit::note(
        &state.db,
        action,
        NewEntry {
            actor_id: Some(frame.admin_id()),
            actor_email: Some(frame.email()),
            subject_id: (!matches!(change, Change::Remove)).then_some(id),
            subject_email: Some(&account.email),
            detail,
            address: address.as_deref(),
        },
    )
    .await;
    tracing::info!(admin = ?frame.email(), account = ?account.email, action = action.as_str(), "account changed");
    frame
        .flash(lang.tf1(message, "email", &account.email))
        .await?;
    Ok(Redirect::to("/admin/accounts").into_response())
}

/// Give another account a new role.
pub async fn change_role(
    State(state): State<AppState>,
    frame: Frame,
    ClientAddr(client): ClientAddr,
    Path(id): Path<String>,
    CheckedForm(form): CheckedForm,
) -> Result<Response> {
    let value = form.get("role").unwrap_or_default();
    let role = Role::parse(value).ok_or_else(|| bad_role(frame.lang, value))?;
    change(&state, &frame, client, &id, Change::Role(role)).await
}

/// Disable another account: its sessions end at once and it cannot log in.
pub async fn disable(
    State(state): State<AppState>,
    frame: Frame,
    ClientAddr(client): ClientAddr,
    Path(id): Path<String>,
    CheckedForm(_): CheckedForm,
) -> Result<Response> {
    change(&state, &frame, client, &id, Change::Disable).await
}

/// Enable a disabled account again.
pub async fn enable(
    State(state): State<AppState>,
    frame: Frame,
    ClientAddr(client): ClientAddr,
    Path(id): Path<String>,
    CheckedForm(_): CheckedForm,
) -> Result<Response> {
    change(&state, &frame, client, &id, Change::Enable).await
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/account_remove.html")]
pub struct RemovePage {
    ctx: AdminContext,
    lang: Lang,
    id: i64,
    email: String,
}

/// Ask before removing an account.
pub async fn confirm_remove(
    State(state): State<AppState>,
    frame: Frame,
    Path(id): Path<String>,
) -> Result<RemovePage> {
    frame.require(Role::Admin)?;
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let account = db::admins::account(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(RemovePage {
        ctx: frame.context().await?,
        lang: frame.lang,
        id,
        email: account.email,
    })
}

/// Remove another account (history keeps what it changed).
pub async fn remove(
    State(state): State<AppState>,
    frame: Frame,
    ClientAddr(client): ClientAddr,
    Path(id): Path<String>,
    CheckedForm(_): CheckedForm,
) -> Result<Response> {
    change(&state, &frame, client, &id, Change::Remove).await
}

/// Turn off another account's two-factor login (a lost phone and no recovery codes left): it
/// logs in with its password, and sets it up again.
pub async fn reset_two_factor(
    State(state): State<AppState>,
    frame: Frame,
    ClientAddr(client): ClientAddr,
    Path(id): Path<String>,
    CheckedForm(_): CheckedForm,
) -> Result<Response> {
    change(&state, &frame, client, &id, Change::ResetTwoFactor).await
}

/// Require (or stop requiring) two-factor login of every account.
pub async fn require_two_factor(
    State(state): State<AppState>,
    frame: Frame,
    ClientAddr(client): ClientAddr,
    CheckedForm(form): CheckedForm,
) -> Result<Response> {
    frame.require(Role::Admin)?;
    let required = form.get("required") == Some("on");
    db::settings::set_require_two_factor(&state.db, required).await?;
    let address = client.map(|ip| ip.to_string());
    audit::note(
        &state.db,
        Action::SettingChanged,
        NewEntry {
            actor_id: Some(frame.admin_id()),
            actor_email: Some(frame.email()),
            detail: Some(if required {
                "two_factor_required"
            } else {
                "two_factor_not_required"
            }),
            address: address.as_deref(),
            ..NewEntry::default()
        },
    )
    .await;
    frame
        .flash(frame.lang.t(if required {
            "accounts.two_factor_required"
        } else {
            "accounts.two_factor_not_required"
        }))
        .await?;
    Ok(Redirect::to("/admin/accounts").into_response())
}
