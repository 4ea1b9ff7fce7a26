//! Wrong addresses and failures get a real page with the right status, and no internal detail.

use reqwest::StatusCode;
use sqlx::postgres::PgPoolOptions;

use crate::helpers::TestApp;

#[tokio::test]
async fn unknown_slugs_are_real_404_pages_with_a_way_back() {
    let app = TestApp::spawn().await;
    for path in [
        "/speakers/nobody",
        "/organisations/nobody",
        "/agreements/nothing",
        "/exhibitors/nobody",
        "/no-such-page",
        "/speakers/Moin-Ul-Haque",
        "/speakers/moin%00ul",
        "/organisations/%E2%80%AE",
    ] {
        let page = app.page(path, StatusCode::NOT_FOUND).await;
        assert_eq!(page.text("h1"), "Page not found", "{path}");
        assert!(
            page.attrs("main a", "href").contains(&"/".to_owned()),
            "{path}: link home"
        );
    }
}

#[tokio::test]
async fn a_bad_filter_is_a_400_that_says_what_is_wrong() {
    let app = TestApp::spawn().await;
    let page = app
        .page("/organisations?country=pakistan", StatusCode::BAD_REQUEST)
        .await;
    assert!(
        page.text(".lead")
            .contains("“pakistan” is not a country code")
    );
    let page = app
        .page("/organisations?kind=bank", StatusCode::BAD_REQUEST)
        .await;
    assert!(
        page.text(".lead")
            .contains("“bank” is not a kind of organisation")
    );
}

#[tokio::test]
async fn an_internal_error_is_a_500_page_without_internal_detail() {
    let app = TestApp::spawn().await;
    sqlx::query("ALTER TABLE quotes RENAME TO quotes_gone")
        .execute(&app.db)
        .await
        .unwrap();
    let response = app.get("/speakers/moin-ul-haque").await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body = response.text().await.unwrap();
    let page = crate::helpers::Page::parse(&body);
    assert_eq!(page.text("h1"), "Something went wrong");
    for leak in ["quotes", "relation", "sqlx", "SELECT", "does not exist"] {
        assert!(!body.contains(leak), "the 500 page shows {leak:?}");
    }
}

#[tokio::test]
async fn other_methods_get_405_and_responses_carry_security_headers() {
    let app = TestApp::spawn().await;
    let response = app.client.post(app.url("/speakers")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);

    let response = app.get("/").await;
    let headers = response.headers();
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.starts_with("default-src 'none';") && csp.contains("frame-ancestors 'none'"));
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
}

#[tokio::test]
async fn health_and_readiness() {
    let app = TestApp::spawn().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), StatusCode::OK);
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), StatusCode::OK);

    // A portal whose database cannot be reached is alive but not ready.
    let unreachable = PgPoolOptions::new()
        .acquire_timeout(std::time::Duration::from_secs(1))
        .connect_lazy_with(
            sqlx::postgres::PgConnectOptions::new()
                .socket(std::env::temp_dir().join("forum-portal-no-such-socket"))
                .username("postgres")
                .database("none"),
        );
    let broken = TestApp::spawn_with_pool("none".to_owned(), unreachable).await;
    assert_eq!(broken.get("/healthz").await.status(), StatusCode::OK);
    assert_eq!(
        broken.get("/readyz").await.status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
}

#[tokio::test]
async fn the_stylesheet_is_served_compressed_and_cacheable() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .get(app.url("/static/css/site.css"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-encoding"], "gzip");
    assert!(
        response.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age")
    );
    assert_eq!(
        app.get("/static/nope.css").await.status(),
        StatusCode::NOT_FOUND
    );
}
