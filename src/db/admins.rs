//! Admin accounts.

use sqlx::PgExecutor;

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

/// Create an admin; a taken e-mail is a unique-constraint error (`admins_email_key`).
pub async fn create(
    db: impl PgExecutor<'_>,
    email: &str,
    password_hash: &str,
) -> sqlx::Result<Admin> {
    sqlx::query_as("INSERT INTO admins (email, password_hash) VALUES ($1, $2) RETURNING id, email")
        .bind(email)
        .bind(password_hash)
        .fetch_one(db)
        .await
}

/// An admin and their password hash, by e-mail.
pub async fn find_for_login(
    db: impl PgExecutor<'_>,
    email: &str,
) -> sqlx::Result<Option<(Admin, String)>> {
    let row: Option<(i64, String, String)> =
        sqlx::query_as("SELECT id, email, password_hash FROM admins WHERE email = $1")
            .bind(email)
            .fetch_optional(db)
            .await?;
    Ok(row.map(|(id, email, hash)| (Admin { id, email }, hash)))
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
}

/// The account's standing, or `None` when it no longer exists (its sessions end at once).
pub async fn standing(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<Standing>> {
    sqlx::query_as("SELECT language FROM admins WHERE id = $1")
        .bind(id)
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
