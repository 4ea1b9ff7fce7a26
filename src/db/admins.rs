//! Admin accounts.

use sqlx::{PgConnection, PgExecutor};
use time::OffsetDateTime;

use crate::domain::Role;

/// An admin as the session knows them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Admin {
    pub id: i64,
    pub email: String,
}

/// Whether any admin exists (the setup link works only while none does).
pub async fn any_exist(db: impl PgExecutor<'_>) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM admins)")
        .fetch_one(db)
        .await
}

/// Create an admin (role `admin`); a taken e-mail is a unique-constraint error
/// (`admins_email_key`).
pub async fn create(
    db: impl PgExecutor<'_>,
    email: &str,
    password_hash: &str,
) -> sqlx::Result<Admin> {
    create_with_role(db, email, password_hash, Role::Admin).await
}

/// Create an account with `role`; a taken e-mail is a unique-constraint error
/// (`admins_email_key`).
pub async fn create_with_role(
    db: impl PgExecutor<'_>,
    email: &str,
    password_hash: &str,
    role: Role,
) -> sqlx::Result<Admin> {
    sqlx::query_as(
        "INSERT INTO admins (email, password_hash, role) VALUES ($1, $2, $3) RETURNING id, email",
    )
    .bind(email)
    .bind(password_hash)
    .bind(role.as_str())
    .fetch_one(db)
    .await
}

/// What a login checks about an account.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LoginAccount {
    pub id: i64,
    pub email: String,
    pub password_hash: String,
    pub disabled: bool,
    /// The TOTP secret (base32), when two-factor login is on.
    pub totp_secret: Option<String>,
}

impl LoginAccount {
    /// The account as the session knows it.
    pub fn admin(&self) -> Admin {
        Admin {
            id: self.id,
            email: self.email.clone(),
        }
    }
}

/// An account and its password hash, by e-mail.
pub async fn find_for_login(
    db: impl PgExecutor<'_>,
    email: &str,
) -> sqlx::Result<Option<LoginAccount>> {
    sqlx::query_as(
        "SELECT id, email, password_hash, disabled_at IS NOT NULL AS disabled, totp_secret
         FROM admins WHERE email = $1",
    )
    .bind(email)
    .fetch_optional(db)
    .await
}

/// An account and its password hash, by id.
pub async fn find_for_check(
    db: impl PgExecutor<'_>,
    id: i64,
) -> sqlx::Result<Option<LoginAccount>> {
    sqlx::query_as(
        "SELECT id, email, password_hash, disabled_at IS NOT NULL AS disabled, totp_secret
         FROM admins WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

/// An admin by id (sessions store the id).
pub async fn find(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<Admin>> {
    sqlx::query_as("SELECT id, email FROM admins WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}

/// What every admin request re-reads about the account behind its session.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Standing {
    /// The interface language the admin chose (a language code), if any.
    pub language: Option<String>,
    /// The account's role, as stored.
    pub role: String,
    /// Whether the account is disabled (its sessions end at once).
    pub disabled: bool,
    /// Whether the session is still one of the account's (not ended from elsewhere).
    pub session_live: bool,
    /// Whether the account logs in with a second factor.
    pub two_factor: bool,
    /// Whether the portal requires a second factor of everyone.
    pub require_two_factor: bool,
}

/// The account's standing seen from the session whose key hashes to `key_hash`, or `None` when
/// the account no longer exists. Marks the session as seen (at most once a minute).
pub async fn standing(
    db: impl PgExecutor<'_>,
    id: i64,
    key_hash: &str,
) -> sqlx::Result<Option<Standing>> {
    sqlx::query_as(
        "WITH touched AS (
            UPDATE admin_sessions SET last_seen_at = now()
             WHERE key_hash = $2 AND admin_id = $1 AND last_seen_at < now() - interval '1 minute'
         RETURNING 1)
         SELECT a.language, a.role, a.disabled_at IS NOT NULL AS disabled,
                EXISTS (SELECT 1 FROM admin_sessions s WHERE s.key_hash = $2 AND s.admin_id = a.id)
                    AS session_live,
                a.totp_enabled_at IS NOT NULL AS two_factor,
                COALESCE((SELECT require_two_factor FROM settings), false) AS require_two_factor
         FROM admins a WHERE a.id = $1",
    )
    .bind(id)
    .bind(key_hash)
    .fetch_optional(db)
    .await
}

/// Keep `language` (a language code the schema allows) as the admin's interface language.
pub async fn set_language(db: impl PgExecutor<'_>, id: i64, language: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE admins SET language = $2 WHERE id = $1")
        .bind(id)
        .bind(language)
        .execute(db)
        .await?;
    Ok(())
}

/// An account as the accounts page lists it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Account {
    pub id: i64,
    pub email: String,
    pub role: String,
    pub disabled_at: Option<OffsetDateTime>,
    pub two_factor: bool,
    pub last_login_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
}

/// Every account, by e-mail.
pub async fn list(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<Account>> {
    sqlx::query_as(
        "SELECT id, email, role, disabled_at, totp_enabled_at IS NOT NULL AS two_factor,
                last_login_at, created_at
         FROM admins ORDER BY email",
    )
    .fetch_all(db)
    .await
}

/// One account.
pub async fn account(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<Account>> {
    sqlx::query_as(
        "SELECT id, email, role, disabled_at, totp_enabled_at IS NOT NULL AS two_factor,
                last_login_at, created_at
         FROM admins WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

/// Lock every enabled admin account (inside the caller's transaction) and say whether one other
/// than `id` stays: the portal never loses its last enabled admin.
pub async fn another_enabled_admin(tx: &mut PgConnection, id: i64) -> sqlx::Result<bool> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM admins WHERE role = 'admin' AND disabled_at IS NULL ORDER BY id FOR UPDATE",
    )
    .fetch_all(&mut *tx)
    .await?;
    Ok(ids.iter().any(|other| *other != id))
}

/// Give an account another role.
pub async fn set_role(db: impl PgExecutor<'_>, id: i64, role: Role) -> sqlx::Result<bool> {
    Ok(sqlx::query("UPDATE admins SET role = $2 WHERE id = $1")
        .bind(id)
        .bind(role.as_str())
        .execute(db)
        .await?
        .rows_affected()
        == 1)
}

/// Disable (`true`) or enable an account.
pub async fn set_disabled(db: impl PgExecutor<'_>, id: i64, disabled: bool) -> sqlx::Result<bool> {
    Ok(sqlx::query(
        "UPDATE admins SET disabled_at = CASE WHEN $2 THEN COALESCE(disabled_at, now()) END
         WHERE id = $1",
    )
    .bind(id)
    .bind(disabled)
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

/// Remove an account (its sessions and recovery codes go with it; history keeps its changes,
/// without the name).
pub async fn remove(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<bool> {
    Ok(sqlx::query("DELETE FROM admins WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?
        .rows_affected()
        == 1)
}

/// Record a successful login.
pub async fn touch_login(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE admins SET last_login_at = now() WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Store a new password hash.
pub async fn set_password(db: impl PgExecutor<'_>, id: i64, hash: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE admins SET password_hash = $2 WHERE id = $1")
        .bind(id)
        .bind(hash)
        .execute(db)
        .await?;
    Ok(())
}

/// The e-mail and role of every enabled account that logs in without a second factor.
pub async fn enabled_without_two_factor(
    db: impl PgExecutor<'_>,
) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as(
        "SELECT email, role FROM admins
         WHERE totp_secret IS NULL AND disabled_at IS NULL
         ORDER BY email",
    )
    .fetch_all(db)
    .await
}
