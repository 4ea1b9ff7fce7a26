//! The login under attack, on the real `forum-portal` binary (its own process, so its memory
//! can be measured): bursts of simultaneous logins run no more password checks than the limits
//! allow, answer 401, 429 or 503 (never 500), and keep the process small; and what a visitor
//! types into the login form cannot forge a line of the log.

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use sqlx::PgPool;

use crate::helpers::{ADMIN_PASSWORD, Page, seeded_database};

const BINARY: &str = env!("CARGO_BIN_EXE_forum-portal");

/// The limits the portal promises (`web::admin::auth`).
const ACCOUNT_LIMIT: i64 = 5;
const ADDRESS_LIMIT: i64 = 20;
/// The most memory the portal may use at its peak during the bursts.
const PEAK_LIMIT_KB: u64 = 256 * 1024;

/// The portal binary on a test database of its own, with everything it logs kept.
struct Portal {
    child: Child,
    url: String,
    log: Arc<Mutex<Vec<String>>>,
    db: PgPool,
    _data: tempfile::TempDir,
}

impl Portal {
    /// Start the binary over a fresh seeded database (`DATABASE_URL`), believing
    /// `X-Forwarded-For` so that one test can be many client addresses.
    async fn start() -> Self {
        let (name, db) = seeded_database().await;
        let socket_dir = crate::helpers::cluster().cluster_dir().to_owned();
        let url = format!(
            "postgres://postgres@localhost/{name}?host={}",
            socket_dir.display()
        );
        let data = tempfile::tempdir().unwrap();
        std::fs::set_permissions(data.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let mut command = Command::new(BINARY);
        command
            .env("DATABASE_URL", url)
            .env("PORTAL_DATA_DIR", data.path())
            .env("PORTAL_ADDR", "127.0.0.1:0")
            .env("PORTAL_TRUST_FORWARDED_FOR", "true")
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("start the portal");
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = mpsc::channel();
        let kept = log.clone();
        std::thread::spawn(move || {
            // Raw bytes, not lossy text: an escape byte must be seen as one.
            let mut reader = BufReader::new(stderr);
            let mut line = Vec::new();
            while reader.read_until(b'\n', &mut line).unwrap_or(0) > 0 {
                let text = String::from_utf8_lossy(&line).into_owned();
                if let Some(url) = text.split("listening on ").nth(1) {
                    let _ = tx.send(url.trim().to_owned());
                }
                kept.lock().unwrap().push(text);
                line.clear();
            }
        });
        let url = tokio::task::spawn_blocking(move || rx.recv_timeout(Duration::from_secs(120)))
            .await
            .unwrap()
            .unwrap_or_else(|_| panic!("the portal did not say where it listens"));
        Self {
            child,
            url,
            log,
            db,
            _data: data,
        }
    }

    /// The process's memory now and at its peak, in kB (`VmRSS`, `VmHWM`).
    fn memory_kb(&self) -> (u64, u64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("read the portal's /proc status");
        let field = |name: &str| {
            status
                .lines()
                .find_map(|line| line.strip_prefix(name))
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|kb| kb.parse().ok())
                .unwrap_or_else(|| panic!("no {name} in /proc status"))
        };
        (field("VmRSS:"), field("VmHWM:"))
    }

    /// Wait (up to a minute) until the log has a line for which `wanted` holds.
    async fn wait_for_log(&self, wanted: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while !self.log.lock().unwrap().iter().any(|line| wanted(line)) {
            assert!(
                Instant::now() < deadline,
                "the expected line never came: {:?}",
                self.log.lock().unwrap()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// An admin account, straight in the database.
    async fn create_admin(&self, email: &str) {
        let hash = forum_portal::auth::hash_password(ADMIN_PASSWORD.to_owned())
            .await
            .unwrap();
        forum_portal::db::admins::create(&self.db, email, &hash)
            .await
            .unwrap();
    }

    /// The password checks run so far that failed (each writes one audit row).
    async fn failed_checks(&self) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'login_failed'")
            .fetch_one(&self.db)
            .await
            .unwrap()
    }
}

impl Drop for Portal {
    fn drop(&mut self) {
        // SAFETY: signalling our own child.
        unsafe {
            libc::kill(self.child.id() as i32, libc::SIGTERM);
        }
        let _ = self.child.wait();
    }
}

/// A browser's login form: its CSRF cookie and a token for it (one pair serves every attempt).
struct LoginForm {
    cookie: String,
    token: String,
}

async fn login_form(client: &reqwest::Client, portal: &Portal) -> LoginForm {
    let response = client
        .get(format!("{}/admin/login", portal.url))
        .send()
        .await
        .unwrap();
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("portal_csrf="))
        .and_then(|v| v.split(';').next())
        .expect("the login form's CSRF cookie")
        .to_owned();
    let page = Page::parse(&response.text().await.unwrap());
    let token = page.attrs("input[name=csrf_token]", "value")[0].clone();
    LoginForm { cookie, token }
}

/// Send `attempts` (address, e-mail, password) all at once; the status of each (a 429 or 503
/// must say when to come back).
async fn burst(
    client: &reqwest::Client,
    portal: &Portal,
    form: &LoginForm,
    attempts: Vec<(String, String, String)>,
) -> Vec<StatusCode> {
    let start = Arc::new(tokio::sync::Barrier::new(attempts.len()));
    let tasks: Vec<_> = attempts
        .into_iter()
        .map(|(address, email, password)| {
            let request = client
                .post(format!("{}/admin/login", portal.url))
                .header("origin", portal.url.clone())
                .header("cookie", form.cookie.clone())
                .header("x-forwarded-for", address)
                .form(&[
                    ("csrf_token", form.token.as_str()),
                    ("email", email.as_str()),
                    ("password", password.as_str()),
                ]);
            let start = start.clone();
            tokio::spawn(async move {
                start.wait().await;
                request.send().await.map(|response| {
                    let status = response.status();
                    let waits = response.headers().contains_key("retry-after");
                    assert!(
                        waits
                            || ![
                                StatusCode::TOO_MANY_REQUESTS,
                                StatusCode::SERVICE_UNAVAILABLE
                            ]
                            .contains(&status),
                        "{status} without Retry-After"
                    );
                    status
                })
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap().expect("every attempt gets an answer"));
    }
    statuses
}

fn count(statuses: &[StatusCode], status: StatusCode) -> usize {
    statuses.iter().filter(|s| **s == status).count()
}

/// Only "wrong", "too many" and "busy", never a server error.
fn assert_only_expected_answers(statuses: &[StatusCode], what: &str) {
    for status in statuses {
        assert!(
            [
                StatusCode::UNAUTHORIZED,
                StatusCode::TOO_MANY_REQUESTS,
                StatusCode::SERVICE_UNAVAILABLE
            ]
            .contains(status),
            "{what}: answered {status}; all: 401 ×{}, 429 ×{}, 503 ×{}",
            count(statuses, StatusCode::UNAUTHORIZED),
            count(statuses, StatusCode::TOO_MANY_REQUESTS),
            count(statuses, StatusCode::SERVICE_UNAVAILABLE),
        );
    }
}

/// Raise the open-file limit (the portal inherits it) so that a thousand connections fit on
/// both ends; the size of the big burst this allows (1,000, or less where the hard limit is low).
fn raise_open_file_limit() -> usize {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: plain system calls on a local struct.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return 1000;
        }
        if limit.rlim_cur < 8192 {
            limit.rlim_cur = limit.rlim_max.min(8192);
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
            libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit);
        }
    }
    let spare = (limit.rlim_cur as usize).saturating_sub(300);
    spare.clamp(200, 1000)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_logins_runs_no_more_checks_than_the_limits_and_stays_small() {
    let big_burst = raise_open_file_limit();
    let portal = Portal::start().await;
    portal.create_admin("admin@example.org").await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap();
    let form = login_form(&client, &portal).await;
    let (baseline_kb, _) = portal.memory_kb();

    // 200 wrong passwords for one account, all at once, from one address.
    let attempts = (0..200)
        .map(|n| {
            (
                "192.0.2.1".to_owned(),
                "admin@example.org".to_owned(),
                format!("wrong password {n}"),
            )
        })
        .collect();
    let statuses = burst(&client, &portal, &form, attempts).await;
    assert_only_expected_answers(&statuses, "one account");
    let checks = portal.failed_checks().await;
    assert!(
        (1..=ACCOUNT_LIMIT).contains(&checks),
        "{checks} password checks on one account (limit {ACCOUNT_LIMIT})"
    );
    assert!(count(&statuses, StatusCode::UNAUTHORIZED) as i64 <= ACCOUNT_LIMIT);

    // 200 different e-mail addresses from one other address.
    let attempts = (0..200)
        .map(|n| {
            (
                "192.0.2.2".to_owned(),
                format!("guess{n}@example.org"),
                "wrong password".to_owned(),
            )
        })
        .collect();
    let statuses = burst(&client, &portal, &form, attempts).await;
    assert_only_expected_answers(&statuses, "one address");
    let address_checks = portal.failed_checks().await - checks;
    assert!(
        (1..=ADDRESS_LIMIT).contains(&address_checks),
        "{address_checks} password checks from one address (limit {ADDRESS_LIMIT})"
    );
    assert!(count(&statuses, StatusCode::UNAUTHORIZED) as i64 <= ADDRESS_LIMIT);

    // 1,000 logins at once that no limit stops (each its own address and account): only the
    // bound on simultaneous hashing keeps the memory down; the rest are told to come back.
    let attempts = (0..big_burst)
        .map(|n| {
            (
                format!("10.{}.{}.1", n / 250, n % 250),
                format!("someone{n}@example.org"),
                "wrong password".to_owned(),
            )
        })
        .collect();
    let statuses = burst(&client, &portal, &form, attempts).await;
    assert_only_expected_answers(&statuses, "many addresses");
    assert!(count(&statuses, StatusCode::UNAUTHORIZED) > 0);

    let (now_kb, peak_kb) = portal.memory_kb();
    eprintln!(
        "login flood: baseline {baseline_kb} kB, peak {peak_kb} kB, after {now_kb} kB; \
         checks {checks} (account limit {ACCOUNT_LIMIT}), {address_checks} (address limit \
         {ADDRESS_LIMIT}); {big_burst} at once: 401 ×{}, 429 ×{}, 503 ×{}",
        count(&statuses, StatusCode::UNAUTHORIZED),
        count(&statuses, StatusCode::TOO_MANY_REQUESTS),
        count(&statuses, StatusCode::SERVICE_UNAVAILABLE),
    );
    assert!(
        peak_kb < PEAK_LIMIT_KB,
        "the portal peaked at {peak_kb} kB (limit {PEAK_LIMIT_KB} kB)"
    );
    assert!(
        now_kb < PEAK_LIMIT_KB / 2,
        "the portal kept {now_kb} kB after the flood (started at {baseline_kb} kB)"
    );

    // And the admin still gets in, from their own address.
    let response = client
        .post(format!("{}/admin/login", portal.url))
        .header("origin", portal.url.clone())
        .header("cookie", form.cookie.clone())
        .header("x-forwarded-for", "198.51.100.7")
        .form(&[
            ("csrf_token", form.token.as_str()),
            ("email", "admin@example.org"),
            ("password", ADMIN_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_login_cannot_forge_a_log_line() {
    let portal = Portal::start().await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form = login_form(&client, &portal).await;
    let email = "x@example.org\nINFO forged line\u{1b}[31m";
    let response = client
        .post(format!("{}/admin/login", portal.url))
        .header("origin", portal.url.clone())
        .header("cookie", form.cookie.clone())
        .form(&[
            ("csrf_token", form.token.as_str()),
            ("email", email),
            ("password", "wrong password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    portal
        .wait_for_log(|line| line.contains("login failed"))
        .await;
    let log = portal.log.lock().unwrap().clone();
    let failed = log
        .iter()
        .find(|line| line.contains("login failed"))
        .unwrap();
    assert!(
        failed.contains(r"forged line\u{1b}[31m"),
        "the e-mail is in the line, escaped: {failed:?}"
    );
    for line in &log {
        let start = line.trim_start().to_lowercase();
        assert!(
            !start.starts_with("info forged") && !start.starts_with("forged"),
            "a forged line: {line:?}"
        );
        assert!(!line.contains('\u{1b}'), "a raw escape byte: {line:?}");
    }
}

/// What the portal's limits look like, for the reservation tests.
const LIMIT: forum_portal::db::login_failures::Limit = forum_portal::db::login_failures::Limit {
    max_failures: 5,
    window_seconds: 900,
};
const WIDE_LIMIT: forum_portal::db::login_failures::Limit =
    forum_portal::db::login_failures::Limit {
        max_failures: 20,
        window_seconds: 900,
    };

/// Make `n` reservations for (address, account) at once; how many were allowed.
async fn reserve_at_once(db: &PgPool, address: &str, account: &str, n: usize) -> usize {
    use forum_portal::db::login_failures::{Attempt, Reservation, reserve};
    let pair = format!("{account} {address}");
    let start = Arc::new(tokio::sync::Barrier::new(n));
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let (db, start) = (db.clone(), start.clone());
            let (address, account, pair) = (address.to_owned(), account.to_owned(), pair.clone());
            tokio::spawn(async move {
                start.wait().await;
                reserve(
                    &db,
                    Attempt {
                        address: &address,
                        address_limit: WIDE_LIMIT,
                        account: &account,
                        account_limit: LIMIT,
                        pair: &pair,
                    },
                )
                .await
                .unwrap()
            })
        })
        .collect();
    let mut allowed = 0;
    for task in tasks {
        if task.await.unwrap() == Reservation::Allowed {
            allowed += 1;
        }
    }
    allowed
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simultaneous_reservations_never_pass_the_limits() {
    let (_, db) = seeded_database().await;
    // One address, one account: exactly the account's limit, however they interleave.
    assert_eq!(reserve_at_once(&db, "address:a", "account:x", 60).await, 5);
    // The account is now locked; a new address gets exactly one attempt of its own…
    assert_eq!(reserve_at_once(&db, "address:b", "account:x", 60).await, 1);
    // …and the first address nothing more.
    assert_eq!(reserve_at_once(&db, "address:a", "account:x", 60).await, 0);
    // One address across many accounts: exactly the address's limit.
    let start = Arc::new(tokio::sync::Barrier::new(60));
    let tasks: Vec<_> = (0..60)
        .map(|n| {
            let (db, start) = (db.clone(), start.clone());
            tokio::spawn(async move {
                start.wait().await;
                reserve_at_once(&db, "address:c", &format!("account:{n}"), 1).await
            })
        })
        .collect();
    let mut allowed = 0;
    for task in tasks {
        allowed += task.await.unwrap();
    }
    assert_eq!(allowed, 20);
}
