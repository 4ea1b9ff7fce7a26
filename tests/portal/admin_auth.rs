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
    let anonymous_cookie = set_cookie(&before).expect("the login form starts a session");

    let response = app.log_in("admin@example.org", ADMIN_PASSWORD).await;
    let logged_in_cookie = set_cookie(&response).expect("login sets a new session cookie");
    assert_ne!(
        cookie_value(&anonymous_cookie),
        cookie_value(&logged_in_cookie),
        "session id rotated"
    );
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
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("__Host-portal_session="))
        .expect("a __Host- session cookie")
        .to_owned();
    for attribute in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attribute), "{attribute} missing: {cookie}");
    }
    assert!(
        !cookie.contains("Domain="),
        "__Host- cookies carry no Domain: {cookie}"
    );
}
