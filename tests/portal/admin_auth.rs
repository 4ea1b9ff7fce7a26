//! Admin accounts and sessions: login, logout, rotation, expiry, throttling, CSRF, setup link.

use reqwest::StatusCode;

use crate::helpers::{ADMIN_PASSWORD, Page, TestApp, location};

#[tokio::test]
async fn admin_pages_require_a_session_and_come_back_after_login() {
    let app = TestApp::spawn().await;
    app.create_admin("admin@example.org").await;
    let response = app.get("/admin/people?q=moin").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&response),
        "/admin/login?next=/admin/people%3Fq%3Dmoin"
    );

    let token = app
        .csrf_token("/admin/login?next=/admin/people%3Fq%3Dmoin")
        .await;
    let response = app
        .post_form(
            "/admin/login",
            &[
                ("csrf_token", &token),
                ("email", "Admin@Example.org"),
                ("password", ADMIN_PASSWORD),
                ("next", "/admin/people?q=moin"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/admin/people?q=moin");
    let page = app.page("/admin/people?q=moin", StatusCode::OK).await;
    assert_eq!(page.texts("tbody th a"), ["Moin ul Haque"]);
}

#[tokio::test]
async fn login_never_redirects_off_site() {
    let app = TestApp::spawn().await;
    app.create_admin("admin@example.org").await;
    let token = app.csrf_token("/admin/login").await;
    let response = app
        .post_form(
            "/admin/login",
            &[
                ("csrf_token", &token),
                ("email", "admin@example.org"),
                ("password", ADMIN_PASSWORD),
                ("next", "//evil.example/admin"),
            ],
        )
        .await;
    assert_eq!(location(&response), "/admin");
}

#[tokio::test]
async fn wrong_password_and_unknown_email_get_the_same_answer() {
    let app = TestApp::spawn().await;
    app.create_admin("admin@example.org").await;
    let wrong = app.log_in("admin@example.org", "not the password").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let wrong = Page::parse(&wrong.text().await.unwrap());
    let unknown = app.log_in("nobody@example.org", "not the password").await;
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    let unknown = Page::parse(&unknown.text().await.unwrap());
    assert_eq!(
        wrong.text(".error-summary p"),
        unknown.text(".error-summary p")
    );
    assert_eq!(
        unknown.attrs("#email", "value"),
        ["nobody@example.org"],
        "the e-mail is kept"
    );
    assert_eq!(
        app.get("/admin").await.status(),
        StatusCode::SEE_OTHER,
        "still logged out"
    );
}

#[tokio::test]
async fn login_rotates_the_session_and_logout_deletes_it_on_the_server() {
    let app = TestApp::spawn().await;
    app.create_admin("admin@example.org").await;
    let before = app.get("/admin/login").await;
    assert_eq!(
        set_cookie(&before),
        None,
        "the login form starts no session (its CSRF secret is in a cookie of its own)"
    );

    let response = app.log_in("admin@example.org", ADMIN_PASSWORD).await;
    let logged_in_cookie = set_cookie(&response).expect("login sets a session cookie");
    assert!(logged_in_cookie.contains("HttpOnly"));
    assert!(logged_in_cookie.contains("SameSite=Lax"));
    assert_eq!(app.get("/admin").await.status(), StatusCode::OK);

    let sessions: i64 = sqlx::query_scalar("SELECT count(*) FROM tower_sessions.session")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(sessions >= 1);

    let token = app.csrf_token("/admin").await;
    let response = app
        .post_form("/admin/logout", &[("csrf_token", &token)])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get("/admin").await.status(), StatusCode::SEE_OTHER);

    // The old cookie, replayed by another client, no longer opens the admin.
    let replay = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.url("/admin"))
        .header("cookie", cookie_value(&logged_in_cookie))
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn an_idle_session_expires() {
    let app = TestApp::spawn_logged_in().await;
    assert_eq!(app.get("/admin").await.status(), StatusCode::OK);
    sqlx::query("UPDATE tower_sessions.session SET expiry_date = now() - interval '1 second'")
        .execute(&app.db)
        .await
        .unwrap();
    let response = app.get("/admin").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(location(&response).starts_with("/admin/login"));
}

#[tokio::test]
async fn repeated_failures_lock_the_account_with_retry_after() {
    let app = TestApp::spawn().await;
    app.create_admin("admin@example.org").await;
    for _ in 0..5 {
        assert_eq!(
            app.log_in("admin@example.org", "wrong password!")
                .await
                .status(),
            StatusCode::UNAUTHORIZED
        );
    }
    // Even the right password is refused while locked.
    let response = app.log_in("admin@example.org", ADMIN_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: i64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    let locked: i64 =
        sqlx::query_scalar("SELECT count(*) FROM login_failures WHERE locked_until > now()")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(
        locked, 1,
        "the lock lives in the database, shared by every instance"
    );
}

#[tokio::test]
async fn repeated_failures_from_one_address_lock_that_address() {
    let app = TestApp::spawn().await;
    app.create_admin("admin@example.org").await;
    for n in 0..20 {
        let email = format!("guess{n}@example.org");
        assert_eq!(
            app.log_in(&email, "wrong password!").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let response = app.log_in("admin@example.org", ADMIN_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
}

async fn forum_city(app: &TestApp) -> String {
    sqlx::query_scalar("SELECT city->>'en' FROM forum")
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn csrf_refusals_change_nothing() {
    let app = TestApp::spawn_logged_in().await;
    let form = app.form_values("/admin/forum/1").await;
    let with = |token: &str| {
        let mut pairs = form.clone();
        pairs.retain(|(n, _)| n != "csrf_token" && n != "city");
        if !token.is_empty() {
            pairs.push(("csrf_token".into(), token.into()));
        }
        pairs.push(("city".into(), "Hacked".into()));
        pairs
    };
    // No token, a wrong token, another session's token.
    let other = app.other_client();
    other.create_admin("other@example.org").await;
    other.log_in("other@example.org", ADMIN_PASSWORD).await;
    let others_token = other.csrf_token("/admin").await;
    for token in ["", "0123", others_token.as_str()] {
        let response = app.post_changed("/admin/forum/1", &with(token), &[]).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "token {token:?}");
    }
    // The right token, but from another site.
    let mine = app.csrf_token("/admin").await;
    let body = crate::helpers::encode_form(
        &with(&mine)
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect::<Vec<_>>(),
    );
    for (header, value) in [
        ("origin", "http://evil.example"),
        ("sec-fetch-site", "cross-site"),
    ] {
        let response = app
            .client
            .post(app.url("/admin/forum/1"))
            .header(header, value)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::FORBIDDEN,
            "{header}: {value}"
        );
    }
    // Neither header at all.
    let response = app
        .client
        .post(app.url("/admin/forum/1"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(forum_city(&app).await, "Beijing");

    // And the same form, done right, does save.
    let response = app.post_changed("/admin/forum/1", &with(&mine), &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(forum_city(&app).await, "Hacked");
}

#[tokio::test]
async fn a_get_never_changes_anything() {
    let app = TestApp::spawn_logged_in().await;
    let id = app.id_of("people", "ghulam-qadir").await;
    for path in [
        format!("/admin/people/{id}/delete"),
        format!("/admin/people/{id}/restore"),
        "/admin/logout".to_owned(),
    ] {
        let status = app.get(&path).await.status();
        assert!(
            status == StatusCode::OK || status == StatusCode::METHOD_NOT_ALLOWED,
            "{path}: {status}"
        );
    }
    let people: i64 = sqlx::query_scalar("SELECT count(*) FROM people")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(people, 4);
    assert_eq!(
        app.get("/admin").await.status(),
        StatusCode::OK,
        "still logged in"
    );
}

#[tokio::test]
async fn the_setup_link_creates_the_first_admin_once() {
    let app = TestApp::spawn().await;
    let token = app.setup_token().await;
    app.page("/admin/setup?token=wrong", StatusCode::NOT_FOUND)
        .await;
    let path = format!("/admin/setup?token={token}");
    let csrf = app.csrf_token(&path).await;

    let response = app
        .post_form(
            "/admin/setup",
            &[
                ("csrf_token", &csrf),
                ("token", &token),
                ("email", "first@example.org"),
                ("password", "short"),
                ("password_again", "short"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = Page::parse(&response.text().await.unwrap());
    assert!(
        page.text("#password-error")
            .contains("at least 12 characters")
    );
    assert_eq!(page.attrs("#email", "value"), ["first@example.org"]);

    let response = app
        .post_form(
            "/admin/setup",
            &[
                ("csrf_token", &csrf),
                ("token", &token),
                ("email", "first@example.org"),
                ("password", ADMIN_PASSWORD),
                ("password_again", ADMIN_PASSWORD),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.get("/admin").await.status(),
        StatusCode::OK,
        "logged in as the new admin"
    );
    app.page(&path, StatusCode::NOT_FOUND).await;
    let admins: i64 = sqlx::query_scalar("SELECT count(*) FROM admins")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(admins, 1);
}

#[tokio::test]
async fn the_setup_link_is_announced_only_while_no_admin_exists() {
    let app = TestApp::spawn().await;
    forum_portal::web::admin::announce_setup_link(&app.db, "http://x")
        .await
        .unwrap();
    app.create_admin("admin@example.org").await;
    forum_portal::web::admin::announce_setup_link(&app.db, "http://x")
        .await
        .unwrap();
    let tokens: i64 = sqlx::query_scalar("SELECT count(*) FROM setup_tokens")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(tokens, 1, "no new link once an admin exists");
}

fn set_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("portal_session="))
        .map(str::to_owned)
}

fn cookie_value(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn secure_cookies_are_secure_and_host_prefixed() {
    let app = TestApp::spawn_with_sessions(forum_portal::config::SessionArgs {
        secure_cookies: true,
        ..Default::default()
    })
    .await;
    let response = app.get("/admin/login").await;
    let csrf_cookie = named_set_cookie(&response, "__Host-portal_csrf=")
        .expect("a __Host- CSRF cookie with the login form");
    assert_eq!(
        named_set_cookie(&response, "__Host-portal_session="),
        None,
        "no session for the login form"
    );
    for attribute in ["Secure", "HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(
            csrf_cookie.contains(attribute),
            "{attribute} missing: {csrf_cookie}"
        );
    }
    assert!(!csrf_cookie.contains("Domain="), "{csrf_cookie}");

    app.create_admin("admin@example.org").await;
    // Secure cookies mean the portal is served over HTTPS: that is the browser's origin.
    let token = app.csrf_token("/admin/login").await;
    let response = app
        .client
        .post(app.url("/admin/login"))
        .header("origin", format!("https://{}", app.addr))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(crate::helpers::encode_form(&[
            ("csrf_token", &token),
            ("email", "admin@example.org"),
            ("password", ADMIN_PASSWORD),
            ("next", "/admin"),
        ]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let cookie = named_set_cookie(&response, "__Host-portal_session=")
        .expect("a __Host- session cookie once logged in");
    for attribute in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attribute), "{attribute} missing: {cookie}");
    }
    assert!(
        !cookie.contains("Domain="),
        "__Host- cookies carry no Domain: {cookie}"
    );
}

fn named_set_cookie(response: &reqwest::Response, prefix: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(prefix))
        .map(str::to_owned)
}

async fn session_rows(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM tower_sessions.session")
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn anonymous_visitors_write_no_session_rows() {
    let app = TestApp::spawn().await;
    app.create_admin("admin@example.org").await;
    for _ in 0..20 {
        // A new visitor each time (no cookies), and the same one again.
        let visitor = app.other_client();
        visitor.page("/admin/login", StatusCode::OK).await;
        app.page("/admin/login", StatusCode::OK).await;
    }
    let wrong = app.log_in("admin@example.org", "not the password").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let unknown = app.log_in("nobody@example.org", "not the password").await;
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        session_rows(&app).await,
        0,
        "nothing stored for a visitor who only saw the form or failed to log in"
    );
    // A real login does keep a session.
    let right = app.log_in("admin@example.org", ADMIN_PASSWORD).await;
    assert_eq!(right.status(), StatusCode::SEE_OTHER);
    assert_eq!(session_rows(&app).await, 1);
}

#[tokio::test]
async fn the_login_form_needs_its_cookie_and_a_token_masked_from_it() {
    let app = TestApp::spawn().await;
    app.create_admin("admin@example.org").await;
    let token = app.csrf_token("/admin/login").await;
    let form = |token: &str| {
        vec![
            ("csrf_token".to_owned(), token.to_owned()),
            ("email".to_owned(), "admin@example.org".to_owned()),
            ("password".to_owned(), ADMIN_PASSWORD.to_owned()),
        ]
    };
    // The same token from a browser without the cookie (another site's forged form).
    let stranger = app.other_client();
    let response = stranger
        .post_changed("/admin/login", &form(&token), &[])
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    // A token of another browser's cookie.
    let others = stranger.csrf_token("/admin/login").await;
    let response = app.post_changed("/admin/login", &form(&others), &[]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    // The cookie's secret itself, unmasked.
    let response = app
        .post_changed("/admin/login", &form(&"ab".repeat(32)), &[])
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.get("/admin").await.status(), StatusCode::SEE_OTHER);
    let response = app.post_changed("/admin/login", &form(&token), &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get("/admin").await.status(), StatusCode::OK);
}

/// A token with one hex digit changed.
fn tampered(token: &str) -> String {
    let mut bytes = token.as_bytes().to_vec();
    let last = bytes.len() - 1;
    bytes[last] = if bytes[last] == b'0' { b'1' } else { b'0' };
    String::from_utf8(bytes).unwrap()
}

#[tokio::test]
async fn every_page_masks_the_csrf_token_afresh_and_each_mask_works() {
    let app = TestApp::spawn_logged_in().await;
    let first = app.form_values("/admin/forum/1").await;
    let second = app.form_values("/admin/forum/1").await;
    let token = |pairs: &[(String, String)]| {
        pairs
            .iter()
            .find(|(name, _)| name == "csrf_token")
            .map(|(_, value)| value.clone())
            .expect("a CSRF token")
    };
    let (a, b) = (token(&first), token(&second));
    assert_ne!(a, b, "the same form shows a different token every time");

    let response = app
        .post_changed("/admin/forum/1", &second, &[("csrf_token", &tampered(&a))])
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "a tampered token");
    assert_eq!(forum_city(&app).await, "Beijing");

    let response = app
        .post_changed(
            "/admin/forum/1",
            &first,
            &[("csrf_token", &a), ("city", "Beijing (first)")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "the first token");
    assert_eq!(forum_city(&app).await, "Beijing (first)");
    let fresh = app.form_values("/admin/forum/1").await;
    let response = app
        .post_changed(
            "/admin/forum/1",
            &fresh,
            &[("csrf_token", &b), ("city", "Beijing (second)")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "the second token");
    assert_eq!(forum_city(&app).await, "Beijing (second)");
}

/// A portal that believes `X-Forwarded-For`, so one test client can be several addresses.
async fn spawn_behind_proxy() -> TestApp {
    TestApp::spawn_with_sessions(forum_portal::config::SessionArgs {
        trust_forwarded_for: true,
        ..Default::default()
    })
    .await
}

/// Log in from `address` (as the proxy says), with a browser of its own.
async fn log_in_from(app: &TestApp, address: &str, email: &str, password: &str) -> StatusCode {
    let browser = app.other_client();
    let token = browser.csrf_token("/admin/login").await;
    browser
        .client
        .post(browser.url("/admin/login"))
        .header("origin", format!("http://{}", app.addr))
        .header("x-forwarded-for", address)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(crate::helpers::encode_form(&[
            ("csrf_token", &token),
            ("email", email),
            ("password", password),
        ]))
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn a_stranger_cannot_lock_the_owner_out() {
    let app = spawn_behind_proxy().await;
    app.create_admin("admin@example.org").await;
    let stranger = "203.0.113.9";
    for _ in 0..5 {
        assert_eq!(
            log_in_from(&app, stranger, "admin@example.org", "wrong password!").await,
            StatusCode::UNAUTHORIZED
        );
    }
    // The account is locked for whoever made those attempts, even with the right password…
    assert_eq!(
        log_in_from(&app, stranger, "admin@example.org", ADMIN_PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // A second stranger gets one try of their own from a new address; the rest of their IPv6
    // /64 is the same client, which has now tried.
    assert_eq!(
        log_in_from(
            &app,
            "2001:db8:5:6::1",
            "admin@example.org",
            "wrong password!"
        )
        .await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        log_in_from(&app, "2001:db8:5:6::2", "admin@example.org", ADMIN_PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // The owner, from an address that has not failed against the account, still gets in.
    assert_eq!(
        log_in_from(&app, "198.51.100.4", "admin@example.org", ADMIN_PASSWORD).await,
        StatusCode::SEE_OTHER
    );
    // Which forgets the account's failures: the stranger's address may try again.
    assert_eq!(
        log_in_from(&app, stranger, "admin@example.org", "wrong password!").await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn logging_in_often_from_one_address_does_not_lock_it() {
    let app = spawn_behind_proxy().await;
    app.create_admin("admin@example.org").await;
    for n in 0..22 {
        assert_eq!(
            log_in_from(&app, "192.0.2.50", "admin@example.org", ADMIN_PASSWORD).await,
            StatusCode::SEE_OTHER,
            "login {n}"
        );
    }
    // The same address can still fail (and be counted) as usual.
    assert_eq!(
        log_in_from(&app, "192.0.2.50", "admin@example.org", "wrong password!").await,
        StatusCode::UNAUTHORIZED
    );
}
