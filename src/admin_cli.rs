//! `forum-portal create-admin`: make an admin account from the command line.

use std::io::BufRead;

use anyhow::{Context, Result, bail};
use sqlx::PgPool;

use crate::auth;
use crate::db::admins::{self, Admin};
use crate::domain::email;
use crate::i18n::Lang;

/// The password: prompted twice without echo, or the first line of stdin with `--password-stdin`.
pub fn read_password(from_stdin: bool) -> Result<String> {
    let password = if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
        line.trim_end_matches(['\n', '\r']).to_owned()
    } else {
        let first = rpassword::prompt_password("Password: ").context("cannot read the password")?;
        let second =
            rpassword::prompt_password("Password again: ").context("cannot read the password")?;
        if first != second {
            bail!("the two passwords differ");
        }
        first
    };
    auth::check_new_password(&password)
        .map_err(|message| anyhow::anyhow!("password not accepted: {}", message.text(Lang::En)))?;
    Ok(password)
}

/// Create the account; a taken e-mail is a clear error.
pub async fn create_admin(pool: &PgPool, email: &str, password: String) -> Result<Admin> {
    let email = email::parse(email)
        .map_err(|message| anyhow::anyhow!("e-mail not accepted: {}", message.text(Lang::En)))?;
    let hash = auth::hash_password(password).await?;
    match admins::create(pool, &email, &hash).await {
        Ok(admin) => Ok(admin),
        Err(sqlx::Error::Database(error)) if error.constraint() == Some("admins_email_key") => {
            bail!("an admin with the e-mail {email} already exists")
        }
        Err(error) => Err(error).context("cannot create the admin"),
    }
}
