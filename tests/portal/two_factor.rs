//! Two-factor login (TOTP, RFC 6238): turning it on with a code, logging in with a code or a
//! recovery code (each works once), and requiring it of everyone.

use forum_portal::auth::totp;
use reqwest::StatusCode;

use crate::accounts::member;
use crate::helpers::{ADMIN_PASSWORD, Page, TestApp, content_type, location};

/// Turn two-factor login on for the client's account; the secret and the recovery codes.
pub async fn turn_on(client: &TestApp) -> (String, Vec<String>) {
    let (secret, codes, _) = turn_on_with_page(client).await;
    (secret, codes)
}

/// [`turn_on`], with the HTML of the page showing the recovery codes.
pub async fn turn_on_with_page(client: &TestApp) -> (String, Vec<String>, String) {
    let page = client
        .page("/admin/account/two-factor", StatusCode::OK)
        .await;
    let secret = page.text("main code").replace(' ', "");
    assert_eq!(
        page.attrs("img.qr-code", "src"),
        ["/admin/account/two-factor/qr.svg"]
    );
    let qr = client.get("/admin/account/two-factor/qr.svg").await;
    assert_eq!(qr.status(), StatusCode::OK);
    assert_eq!(content_type(&qr), "image/svg+xml; charset=utf-8");
    let svg = qr.text().await.unwrap();
    assert!(svg.contains("<svg") && !svg.contains("<script"));

    let token = page.attrs("input[name=csrf_token]", "value").remove(0);
    let response = client
        .post_form(
            "/admin/account/two-factor/enable",
            &[("csrf_token", &token), ("code", "000000")],
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "wrong code"
    );
    let code = totp::code_at(&secret, totp::now()).unwrap();
    let response = client
        .post_form(
            "/admin/account/two-factor/enable",
            &[("csrf_token", &token), ("code", &code)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&response),
        "/admin/account/two-factor/recovery-codes"
    );
    let response = client.get("/admin/account/two-factor/recovery-codes").await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    let page = Page::parse(&html);
    let codes = page.texts(".recovery-codes code");
    assert_eq!(codes.len(), 10);
    // Shown once.
    assert_eq!(
        client
            .get("/admin/account/two-factor/recovery-codes")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    (secret, codes, html)
}

pub async fn log_out(client: &TestApp) {
    let token = client.csrf_token("/admin/account").await;
    client
        .post_form("/admin/logout", &[("csrf_token", &token)])
        .await;
}

pub async fn send_code(client: &TestApp, code: &str) -> reqwest::Response {
    let token = client.csrf_token("/admin/login/two-factor").await;
    client
        .post_form(
            "/admin/login/two-factor",
            &[("csrf_token", &token), ("code", code)],
        )
        .await
}

#[tokio::test]
async fn a_login_with_two_factor_needs_a_code_and_each_code_works_once() {
    let app = TestApp::spawn_logged_in().await;
    let (secret, codes) = turn_on(&app).await;
    let stored: String = sqlx::query_scalar("SELECT code_hash FROM admin_recovery_codes LIMIT 1")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(!codes.contains(&stored), "recovery codes are kept hashed");
    log_out(&app).await;

    // The password alone opens nothing but the code page.
    let response = app.log_in("admin@example.org", ADMIN_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/admin/login/two-factor");
    let response = app.get("/admin").await;
    assert!(
        location(&response).starts_with("/admin/login"),
        "half logged in"
    );
    app.page("/admin/login/two-factor", StatusCode::OK).await;

    let response = send_code(&app, "123456").await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let page = Page::parse(&response.text().await.unwrap());
    assert!(page.text(".error-summary p").contains("not right"));
    // The step turning it on used up the current code: the app's next one works, once.
    let code = totp::code_at(&secret, totp::now() + 30).unwrap();
    let response = send_code(&app, &code).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/admin");
    assert_eq!(app.get("/admin").await.status(), StatusCode::OK);
    log_out(&app).await;
    app.log_in("admin@example.org", ADMIN_PASSWORD).await;
    assert_eq!(
        send_code(&app, &code).await.status(),
        StatusCode::UNAUTHORIZED,
        "a code works once"
    );

    // A recovery code works once.
    let response = send_code(&app, &codes[3].to_uppercase()).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    log_out(&app).await;
    app.log_in("admin@example.org", ADMIN_PASSWORD).await;
    assert_eq!(
        send_code(&app, &codes[3]).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        send_code(&app, &codes[4]).await.status(),
        StatusCode::SEE_OTHER
    );
    let page = app.page("/admin/account/two-factor", StatusCode::OK).await;
    assert!(
        page.texts("main p")[1].contains('8'),
        "{:?}",
        page.texts("main p")
    );

    // New recovery codes replace the old ones (confirmed with the password).
    let token = app.csrf_token("/admin/account").await;
    let response = app
        .post_form(
            "/admin/account/two-factor/recovery-codes",
            &[("csrf_token", &token), ("password", "not the password")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let response = app
        .post_form(
            "/admin/account/two-factor/recovery-codes",
            &[("csrf_token", &token), ("password", ADMIN_PASSWORD)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let page = app
        .page("/admin/account/two-factor/recovery-codes", StatusCode::OK)
        .await;
    let renewed = page.texts(".recovery-codes code");
    assert_eq!(renewed.len(), 10);
    log_out(&app).await;
    app.log_in("admin@example.org", ADMIN_PASSWORD).await;
    assert_eq!(
        send_code(&app, &codes[5]).await.status(),
        StatusCode::UNAUTHORIZED,
        "the old codes no longer work"
    );
    assert_eq!(
        send_code(&app, &renewed[0]).await.status(),
        StatusCode::SEE_OTHER
    );

    // Turning it off needs the password (or a code).
    let token = app.csrf_token("/admin/account").await;
    let response = app
        .post_form(
            "/admin/account/two-factor/disable",
            &[("csrf_token", &token), ("password", "not the password")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let response = app
        .post_form(
            "/admin/account/two-factor/disable",
            &[("csrf_token", &token), ("password", ADMIN_PASSWORD)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    log_out(&app).await;
    let response = app.log_in("admin@example.org", ADMIN_PASSWORD).await;
    assert_eq!(
        location(&response),
        "/admin",
        "the password is enough again"
    );

    let actions: Vec<String> = sqlx::query_scalar("SELECT action FROM audit_log ORDER BY id")
        .fetch_all(&app.db)
        .await
        .unwrap();
    for action in [
        "two_factor_enabled",
        "two_factor_failed",
        "recovery_code_used",
        "two_factor_disabled",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} in {actions:?}"
        );
    }
}

#[tokio::test]
async fn wrong_codes_are_throttled_like_passwords() {
    let app = TestApp::spawn_logged_in().await;
    turn_on(&app).await;
    log_out(&app).await;
    app.log_in("admin@example.org", ADMIN_PASSWORD).await;
    for _ in 0..5 {
        assert_eq!(
            send_code(&app, "000000").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        send_code(&app, "000000").await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn when_two_factor_is_required_accounts_without_it_set_it_up_first() {
    let app = TestApp::spawn_logged_in().await;
    let editor = member(&app, "editor@example.org", "editor").await;
    let token = app.csrf_token("/admin/accounts").await;
    let response = app
        .post_form(
            "/admin/accounts/two-factor",
            &[("csrf_token", &token), ("required", "on")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    for client in [&editor, &app] {
        let response = client.get("/admin/people").await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&response), "/admin/account/two-factor");
    }
    let page = editor
        .page("/admin/account/two-factor", StatusCode::OK)
        .await;
    assert!(page.text(".flash").contains("requires two-factor"));
    turn_on(&editor).await;
    assert_eq!(editor.get("/admin/people").await.status(), StatusCode::OK);
    // Required, it cannot be turned off.
    let token = editor.csrf_token("/admin/account").await;
    let response = editor
        .post_form(
            "/admin/account/two-factor/disable",
            &[("csrf_token", &token), ("password", ADMIN_PASSWORD)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    // An admin can turn it off for someone who lost their phone; they set it up again.
    turn_on(&app).await;
    let token = app.csrf_token("/admin/accounts").await;
    let id: i64 = sqlx::query_scalar("SELECT id FROM admins WHERE email = 'editor@example.org'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let response = app
        .post_form(
            &format!("/admin/accounts/{id}/two-factor/reset"),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&editor.get("/admin/people").await),
        "/admin/account/two-factor",
        "set it up again"
    );
}
