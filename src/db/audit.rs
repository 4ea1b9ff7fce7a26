//! The audit log: logins and account changes, who, when and from where. Each value is a column
//! of its own (never a line formatted from input), so a typed e-mail cannot forge an entry.

use sqlx::PgExecutor;
use time::OffsetDateTime;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Login,
    LoginFailed,
    LoginRefused,
    Logout,
    TwoFactorFailed,
    Invite,
    InviteRevoked,
    InviteAccepted,
    RoleChanged,
    Disabled,
    Enabled,
    Removed,
    PasswordChanged,
    SessionEnded,
    TwoFactorEnabled,
    TwoFactorDisabled,
    TwoFactorReset,
    RecoveryCodeUsed,
    RecoveryCodesRenewed,
    SettingChanged,
    Setup,
}

impl Action {
    /// Every action (the schema's CHECK lists the same names).
    pub const ALL: [Action; 21] = [
        Self::Login,
        Self::LoginFailed,
        Self::LoginRefused,
        Self::Logout,
        Self::TwoFactorFailed,
        Self::Invite,
        Self::InviteRevoked,
        Self::InviteAccepted,
        Self::RoleChanged,
        Self::Disabled,
        Self::Enabled,
        Self::Removed,
        Self::PasswordChanged,
        Self::SessionEnded,
        Self::TwoFactorEnabled,
        Self::TwoFactorDisabled,
        Self::TwoFactorReset,
        Self::RecoveryCodeUsed,
        Self::RecoveryCodesRenewed,
        Self::SettingChanged,
        Self::Setup,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Login => "login",
            Self::LoginFailed => "login_failed",
            Self::LoginRefused => "login_refused",
            Self::Logout => "logout",
            Self::TwoFactorFailed => "two_factor_failed",
            Self::Invite => "invite",
            Self::InviteRevoked => "invite_revoked",
            Self::InviteAccepted => "invite_accepted",
            Self::RoleChanged => "role_changed",
            Self::Disabled => "disabled",
            Self::Enabled => "enabled",
            Self::Removed => "removed",
            Self::PasswordChanged => "password_changed",
            Self::SessionEnded => "session_ended",
            Self::TwoFactorEnabled => "two_factor_enabled",
            Self::TwoFactorDisabled => "two_factor_disabled",
            Self::TwoFactorReset => "two_factor_reset",
            Self::RecoveryCodeUsed => "recovery_code_used",
            Self::RecoveryCodesRenewed => "recovery_codes_renewed",
            Self::SettingChanged => "setting_changed",
            Self::Setup => "setup",
        }
    }
}

/// One entry to write.
#[derive(Debug, Clone, Default)]
pub struct NewEntry<'a> {
    pub actor_id: Option<i64>,
    pub actor_email: Option<&'a str>,
    pub subject_id: Option<i64>,
    pub subject_email: Option<&'a str>,
    pub detail: Option<&'a str>,
    pub address: Option<&'a str>,
}

/// Write an entry.
pub async fn record(
    db: impl PgExecutor<'_>,
    action: Action,
    entry: &NewEntry<'_>,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (action, actor_id, actor_email, subject_id, subject_email, detail, address)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(action.as_str())
    .bind(entry.actor_id)
    .bind(entry.actor_email)
    .bind(entry.subject_id)
    .bind(entry.subject_email)
    .bind(entry.detail)
    .bind(entry.address)
    .execute(db)
    .await?;
    Ok(())
}

/// An entry as the audit page shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Entry {
    pub id: i64,
    pub at: OffsetDateTime,
    pub action: String,
    pub actor_email: Option<String>,
    pub subject_email: Option<String>,
    pub detail: Option<String>,
    pub address: Option<String>,
}

/// A page of entries, newest first: `limit` entries after skipping `offset`.
pub async fn page(db: impl PgExecutor<'_>, limit: i64, offset: i64) -> sqlx::Result<Vec<Entry>> {
    sqlx::query_as(
        "SELECT id, at, action, actor_email, subject_email, detail, address
         FROM audit_log ORDER BY id DESC LIMIT $1 OFFSET $2",
    )
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await
}

/// How many entries there are.
pub async fn count(db: impl PgExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM audit_log")
        .fetch_one(db)
        .await
}
