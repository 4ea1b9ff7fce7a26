//! The operator's subcommands, run as the real binary: `backup` and `restore` (with
//! `DATABASE_URL` and with the embedded default beside a running portal) and `check-deploy`.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use reqwest::StatusCode;
use sqlx::Connection;

use crate::binary::{Running, portal, reachable_tempdir};
use crate::helpers::{Page, seeded_database};

/// A `DATABASE_URL` for a database of the shared test cluster (over its socket).
fn database_url(name: &str) -> String {
    let socket_dir = crate::helpers::cluster().cluster_dir().to_owned();
    format!(
        "postgres://postgres@localhost/{name}?host={}",
        socket_dir.display()
    )
}

/// Run a subcommand to its end (off the test's runtime); its output.
async fn run(mut command: Command) -> Output {
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    tokio::task::spawn_blocking(move || command.output().expect("run the portal"))
        .await
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn with_url(data_dir: &Path, url: &str, args: &[&str]) -> Command {
    let mut command = portal(data_dir);
    command.env("DATABASE_URL", url).args(args);
    command
}

async fn city(db: &sqlx::PgPool) -> String {
    sqlx::query_scalar("SELECT city->>'en' FROM forum")
        .fetch_one(db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_backup_restores_the_data_it_was_taken_with_and_never_mixes_by_accident() {
    let (name, db) = seeded_database().await;
    let url = database_url(&name);
    let data = reachable_tempdir();
    let file = data.path().join("portal.dump");
    let file_arg = file.to_str().unwrap();

    let backup = run(with_url(data.path(), &url, &["backup", file_arg])).await;
    assert!(backup.status.success(), "{}", text(&backup.stderr));
    assert!(text(&backup.stdout).contains("backup written to"));
    assert!(file.is_file());

    // Data changes after the backup.
    let before = city(&db).await;
    sqlx::query("UPDATE forum SET city = '{\"en\": \"Changed after the backup\"}'")
        .execute(&db)
        .await
        .unwrap();

    // Into a database that holds data: refused without --overwrite, nothing changed.
    let refused = run(with_url(data.path(), &url, &["restore", file_arg])).await;
    assert!(!refused.status.success());
    let stderr = text(&refused.stderr);
    assert!(stderr.contains("already holds data"), "{stderr}");
    assert!(stderr.contains("--overwrite"), "{stderr}");
    assert_eq!(city(&db).await, "Changed after the backup");

    // With it, the backup's data replaces what is there.
    let restored = run(with_url(
        data.path(),
        &url,
        &["restore", "--overwrite", file_arg],
    ))
    .await;
    assert!(restored.status.success(), "{}", text(&restored.stderr));
    assert_eq!(city(&db).await, before);
    let people: i64 = sqlx::query_scalar("SELECT count(*) FROM people")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(people, 4, "the restore doubled or lost rows");

    // Into an empty database it needs no flag.
    let (empty, empty_db) = crate::helpers::empty_database().await;
    let into_empty = run(with_url(
        data.path(),
        &database_url(&empty),
        &["restore", file_arg],
    ))
    .await;
    assert!(into_empty.status.success(), "{}", text(&into_empty.stderr));
    assert_eq!(city(&empty_db).await, before);
}

#[tokio::test]
async fn restore_says_what_is_wrong_with_its_file_in_one_sentence() {
    let (name, _db) = seeded_database().await;
    let url = database_url(&name);
    let data = reachable_tempdir();
    let missing = data.path().join("missing.dump");
    let output = run(with_url(
        data.path(),
        &url,
        &["restore", missing.to_str().unwrap()],
    ))
    .await;
    assert!(!output.status.success());
    assert!(
        text(&output.stderr).contains("there is no such file"),
        "{}",
        text(&output.stderr)
    );

    let foreign = data.path().join("notes.sql");
    std::fs::write(&foreign, "SELECT 1;").unwrap();
    let output = run(with_url(
        data.path(),
        &url,
        &["restore", "--overwrite", foreign.to_str().unwrap()],
    ))
    .await;
    assert!(!output.status.success());
    let stderr = text(&output.stderr);
    assert!(stderr.contains("is not a backup made by"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");

    let nowhere = data.path().join("no-such-folder").join("portal.dump");
    let output = run(with_url(
        data.path(),
        &url,
        &["backup", nowhere.to_str().unwrap()],
    ))
    .await;
    assert!(!output.status.success());
    assert!(
        text(&output.stderr).contains("does not exist"),
        "{}",
        text(&output.stderr)
    );
}

/// The embedded default: a backup taken beside a running portal, restored into a new data
/// folder, is what that folder's portal then serves.
#[tokio::test]
async fn the_embedded_default_backs_up_beside_a_running_portal_and_restores_elsewhere() {
    let first = reachable_tempdir();
    let running = tokio::task::spawn_blocking({
        let dir = first.path().to_owned();
        move || Running::start(portal(&dir))
    })
    .await
    .unwrap();
    let options = sqlx::postgres::PgConnectOptions::new()
        .socket(first.path().join("pg"))
        .username("postgres")
        .database("forum_portal");
    let mut db = sqlx::PgConnection::connect_with(&options).await.unwrap();
    sqlx::query("UPDATE forum SET city = '{\"en\": \"Beijing (from the backup)\"}'")
        .execute(&mut db)
        .await
        .unwrap();
    db.close().await.unwrap();

    let file = first.path().join("portal.dump");
    let backup = run({
        let mut command = portal(first.path());
        command.args(["backup", file.to_str().unwrap()]);
        command
    })
    .await;
    assert!(backup.status.success(), "{}", text(&backup.stderr));
    tokio::task::spawn_blocking(move || running.stop())
        .await
        .unwrap();

    let second = reachable_tempdir();
    let restore = run({
        let mut command = portal(second.path());
        command.args(["restore", file.to_str().unwrap()]);
        command
    })
    .await;
    assert!(restore.status.success(), "{}", text(&restore.stderr));
    let running = tokio::task::spawn_blocking({
        let dir = second.path().to_owned();
        move || Running::start(portal(&dir))
    })
    .await
    .unwrap();
    let home = reqwest::get(&running.url).await.unwrap();
    assert_eq!(home.status(), StatusCode::OK);
    let page = Page::parse(&home.text().await.unwrap());
    assert_eq!(page.texts(".facts dd")[1], "Beijing (from the backup)");
    tokio::task::spawn_blocking(move || running.stop())
        .await
        .unwrap();
}

#[tokio::test]
async fn check_deploy_lists_what_production_lacks_and_passes_when_nothing_does() {
    let (name, db) = seeded_database().await;
    let hash = forum_portal::auth::hash_password("correct horse battery staple".to_owned())
        .await
        .unwrap();
    forum_portal::db::admins::create(&db, "first@example.org", &hash)
        .await
        .unwrap();
    let url = database_url(&name);
    let data = reachable_tempdir();

    let mut lacking = with_url(data.path(), &url, &["check-deploy"]);
    lacking
        .env("PORTAL_ADDR", "0.0.0.0:3000")
        .env_remove("PORTAL_PUBLIC_URL")
        .env_remove("PORTAL_SECURE_COOKIES")
        .env_remove("PORTAL_TRUST_FORWARDED_FOR");
    let output = run(lacking).await;
    assert!(!output.status.success(), "{}", text(&output.stdout));
    let stdout = text(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{stdout}");
    for (line, expected) in lines.iter().zip([
        "PORTAL_PUBLIC_URL",
        "PORTAL_SECURE_COOKIES=true",
        "PORTAL_TRUST_FORWARDED_FOR=true",
        "first@example.org (admin)",
    ]) {
        assert!(line.contains(expected), "{expected:?} not in {line:?}");
    }
    assert!(
        text(&output.stderr).contains("4 things a production setup needs are missing"),
        "{}",
        text(&output.stderr)
    );

    // Plain http is named too.
    let mut plain = with_url(data.path(), &url, &["check-deploy"]);
    plain
        .env("PORTAL_PUBLIC_URL", "http://forum.example.org")
        .env("PORTAL_SECURE_COOKIES", "true");
    let output = run(plain).await;
    assert!(!output.status.success());
    assert!(text(&output.stdout).contains("is not https"));

    // Everything in place: the admin turns on two-factor login.
    sqlx::query(
        "UPDATE admins SET totp_secret = 'JBSWY3DPEHPK3PXP', totp_enabled_at = now()
         WHERE email = 'first@example.org'",
    )
    .execute(&db)
    .await
    .unwrap();
    let mut ready = with_url(data.path(), &url, &["check-deploy"]);
    ready
        .env("PORTAL_ADDR", "127.0.0.1:3000")
        .env("PORTAL_PUBLIC_URL", "https://forum.example.org")
        .env("PORTAL_SECURE_COOKIES", "true");
    let output = run(ready).await;
    assert!(
        output.status.success(),
        "{}{}",
        text(&output.stdout),
        text(&output.stderr)
    );
    assert!(text(&output.stdout).contains("nothing is missing"));
}
