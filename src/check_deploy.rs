//! `forum-portal check-deploy`: what a production setup is missing, one line each with how
//! to fix it (in the spirit of Django's `check --deploy`). It reads the same flags and
//! environment as `serve`, and the admin accounts from the database.

use sqlx::PgPool;

use crate::config::ServeArgs;
use crate::db;

/// The problems with the settings alone (no database needed), one sentence each.
pub fn check_settings(args: &ServeArgs) -> Vec<String> {
    let mut problems = Vec::new();
    match &args.public_url {
        None => problems.push(
            "no public URL: set PORTAL_PUBLIC_URL (or --public-url) to the https:// address visitors use, e.g. https://forum.example.org, so links and invitations point there instead of at each request's Host header".to_owned(),
        ),
        Some(url) if !url.starts_with("https://") => problems.push(format!(
            "the public URL {url} is not https: serve the portal over HTTPS (e.g. a reverse proxy that terminates TLS) and set PORTAL_PUBLIC_URL=https://…"
        )),
        Some(_) => {}
    }
    if !args.sessions.secure_cookies {
        problems.push(
            "secure cookies are off, so the admin session cookie also travels over plain HTTP and no HSTS header is sent (HSTS is sent only with secure cookies): set PORTAL_SECURE_COOKIES=true (or --secure-cookies) once the portal is served over HTTPS".to_owned(),
        );
    }
    if !args.addr.ip().is_loopback() && !args.sessions.trust_forwarded_for {
        problems.push(format!(
            "the portal listens on {}, which is not a loopback address, without a reverse proxy setting: put it behind a reverse proxy that terminates TLS, bind it to 127.0.0.1 (PORTAL_ADDR=127.0.0.1:{}) and set PORTAL_TRUST_FORWARDED_FOR=true so login throttling sees the real client addresses",
            args.addr,
            args.addr.port()
        ));
    }
    problems
}

/// The problems with the admin accounts: enabled accounts without two-factor login, unless
/// the portal requires it of everyone (then each must set it up at their next login).
pub async fn check_accounts(pool: &PgPool) -> Vec<String> {
    let checked = async {
        if db::settings::require_two_factor(pool).await? {
            return Ok(Vec::new());
        }
        db::admins::enabled_without_two_factor(pool).await
    }
    .await;
    match checked {
        Ok(accounts) if accounts.is_empty() => Vec::new(),
        Ok(accounts) => {
            let named = accounts
                .iter()
                .map(|(email, role)| format!("{email} ({role})"))
                .collect::<Vec<_>>()
                .join(", ");
            let counted = match accounts.len() {
                1 => "1 admin account logs in".to_owned(),
                n => format!("{n} admin accounts log in"),
            };
            vec![format!(
                "{counted} without two-factor login ({named}): each can turn it on under Your account › Two-factor login (/admin/account), or an admin can require it of everyone on the accounts page (/admin/accounts)"
            )]
        }
        Err(error) => vec![format!(
            "cannot read the admin accounts ({error}): run `forum-portal migrate` first, then check again"
        )],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SessionArgs;

    fn settings(addr: &str, public_url: Option<&str>, secure: bool, trust: bool) -> ServeArgs {
        ServeArgs {
            addr: addr.parse().unwrap(),
            static_dir: None,
            public_url: public_url.map(str::to_owned),
            max_connections: 1024,
            max_connections_per_client: 64,
            no_page_cache: false,
            sessions: SessionArgs {
                secure_cookies: secure,
                trust_forwarded_for: trust,
                ..SessionArgs::default()
            },
        }
    }

    #[test]
    fn a_production_setup_passes() {
        let args = settings(
            "127.0.0.1:3000",
            Some("https://forum.example.org"),
            true,
            true,
        );
        assert_eq!(check_settings(&args), Vec::<String>::new());
        let behind_proxy = settings(
            "0.0.0.0:3000",
            Some("https://forum.example.org"),
            true,
            true,
        );
        assert_eq!(check_settings(&behind_proxy), Vec::<String>::new());
    }

    #[test]
    fn each_missing_setting_is_one_line_naming_its_fix() {
        let problems = check_settings(&settings("0.0.0.0:8080", None, false, false));
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].contains("PORTAL_PUBLIC_URL"));
        assert!(problems[1].contains("PORTAL_SECURE_COOKIES=true"));
        assert!(problems[2].contains("0.0.0.0:8080"));
        assert!(problems[2].contains("PORTAL_TRUST_FORWARDED_FOR=true"));
        let plain = check_settings(&settings(
            "127.0.0.1:3000",
            Some("http://forum.example.org"),
            true,
            false,
        ));
        assert_eq!(plain.len(), 1, "{plain:?}");
        assert!(plain[0].contains("is not https"));
    }
}
