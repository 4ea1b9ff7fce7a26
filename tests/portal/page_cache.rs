//! The rendered-page cache: a page comes from memory (with an `ETag`, compressed once) and
//! stays exact — a change through the admin shows on the next request, a change through
//! another instance or plain SQL as soon as its notification arrives, a lost listener
//! connection stops caching and flushes on its return — and during an outage the pages held
//! are still served. API answers are cached too, those with a query string (`?page=2`) on a
//! shelf of their own that a flood of unique queries can fill but never push a page out of.

use std::io::Read;
use std::time::{Duration, Instant};

use forum_portal::db::content_changes::LISTENER_APPLICATION_NAME;
use forum_portal::state::AppState;
use reqwest::StatusCode;
use sqlx::{Connection, PgPool};

use crate::db_faults::{
    portal_on_own_cluster, reachable_tempdir, start_cluster, stop_cluster, wait_for_status,
};
use crate::helpers::{Page, TestApp, connect_options, location};

/// Generous: the machine may be busy with other tests.
const PATIENCE: Duration = Duration::from_secs(30);

/// Every header a cached page may carry: none names or follows the visitor.
const CACHED_PAGE_HEADERS: [&str; 16] = [
    "content-type",
    "content-length",
    "content-encoding",
    "etag",
    "cache-control",
    "vary",
    "date",
    "content-security-policy",
    "x-content-type-options",
    "referrer-policy",
    "x-frame-options",
    "permissions-policy",
    "cross-origin-opener-policy",
    "cross-origin-resource-policy",
    "strict-transport-security",
    "content-language",
];

fn etag(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get("etag")
        .map(|v| v.to_str().unwrap().to_owned())
}

/// GET `path` until it comes from the cache (the listener connects after start-up); its
/// `ETag`, checked to be the same on the next request.
async fn warm(app: &TestApp, path: &str) -> String {
    let started = Instant::now();
    loop {
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        if let Some(first) = etag(&response) {
            let again = app.get(path).await;
            assert_eq!(etag(&again).as_ref(), Some(&first), "GET {path} again");
            return first;
        }
        assert!(
            started.elapsed() < PATIENCE,
            "GET {path} never came from the page cache (is its listener connected?)"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// GET `path` until `check` holds for the page (a notification is on its way): bounded.
async fn eventually(app: &TestApp, path: &str, what: &str, check: impl Fn(&Page) -> bool) {
    let started = Instant::now();
    loop {
        let page = app.page(path, StatusCode::OK).await;
        if check(&page) {
            eprintln!("{path}: {what} after {:?}", started.elapsed());
            return;
        }
        assert!(started.elapsed() < PATIENCE, "{path}: never {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Save a new English role for the speaker `slug` through the admin of `admin`.
async fn edit_role(admin: &TestApp, slug: &str, role: &str) {
    let id = admin.id_of("people", slug).await;
    let path = format!("/admin/people/{id}");
    let form = admin.form_values(&path).await;
    let response = admin.post_changed(&path, &form, &[("role", role)]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "save {slug}");
}

/// The process id of the page cache's listening connection to the test's database.
async fn listener_pid(db: &PgPool) -> Option<i32> {
    sqlx::query_scalar(
        "SELECT pid FROM pg_stat_activity
          WHERE application_name = $1 AND datname = current_database()",
    )
    .bind(LISTENER_APPLICATION_NAME)
    .fetch_optional(db)
    .await
    .unwrap()
}

#[tokio::test]
async fn an_admin_edit_shows_on_the_next_request_and_pages_come_from_memory() {
    let app = TestApp::spawn_logged_in().await;
    let path = "/speakers/ghulam-qadir";
    let before = warm(&app, path).await;
    let anonymous = app.other_client();
    let response = anonymous.get(path).await;
    assert_eq!(etag(&response).as_ref(), Some(&before));
    assert_eq!(
        response.headers()["cache-control"],
        "public, no-cache",
        "a CDN may keep it, and asks again before each use"
    );

    edit_role(
        &app,
        "ghulam-qadir",
        "Commercial Counsellor, Embassy of Pakistan",
    )
    .await;
    // No waiting: the instance that saved has heard of its own change before answering.
    let response = anonymous.get(path).await;
    assert_ne!(etag(&response).as_ref(), Some(&before));
    let page = Page::parse(&response.text().await.unwrap());
    assert_eq!(
        page.text("article header .lead"),
        "Commercial Counsellor, Embassy of Pakistan"
    );
    // The list and the Chinese page too (everything was dropped).
    let list = anonymous.page("/speakers", StatusCode::OK).await;
    assert!(
        list.texts(".card")
            .iter()
            .any(|card| card.contains("Commercial Counsellor, Embassy of Pakistan"))
    );
}

#[tokio::test]
async fn a_change_through_another_instance_shows_once_its_notification_arrives() {
    let first = TestApp::spawn_logged_in().await;
    let pool = PgPool::connect_with(connect_options(&first.database))
        .await
        .unwrap();
    let second = TestApp::spawn_with_pool(first.database.clone(), pool).await;
    let path = "/speakers/ghulam-qadir";
    warm(&second, path).await;
    edit_role(&first, "ghulam-qadir", "Edited on the other instance").await;
    eventually(&second, path, "shows the other instance's edit", |page| {
        page.text("article header .lead") == "Edited on the other instance"
    })
    .await;
}

#[tokio::test]
async fn a_change_in_plain_sql_shows_once_its_notification_arrives() {
    let app = TestApp::spawn().await;
    for path in ["/speakers/moin-ul-haque", "/zh", "/robots.txt"] {
        warm(&app, path).await;
    }
    sqlx::query(
        "UPDATE people SET role = role || '{\"en\": \"Edited in SQL\"}' WHERE slug = 'moin-ul-haque'",
    )
    .execute(&app.db)
    .await
    .unwrap();
    eventually(
        &app,
        "/speakers/moin-ul-haque",
        "shows the SQL edit",
        |page| page.text("article header .lead") == "Edited in SQL",
    )
    .await;
    // A table the page reads only through a join: an agreement's parties.
    let path = "/agreements/china-pakistan-sti-center";
    let parties = app
        .page(path, StatusCode::OK)
        .await
        .count("main a[href*='/organisations/']");
    warm(&app, path).await;
    sqlx::query(
        "DELETE FROM agreement_parties WHERE agreement_id =
           (SELECT id FROM agreements WHERE slug = 'china-pakistan-sti-center')
           AND position = (SELECT max(position) FROM agreement_parties WHERE agreement_id =
               (SELECT id FROM agreements WHERE slug = 'china-pakistan-sti-center'))",
    )
    .execute(&app.db)
    .await
    .unwrap();
    eventually(&app, path, "lists one party fewer", |page| {
        page.count("main a[href*='/organisations/']") < parties
    })
    .await;
}

#[tokio::test]
async fn cached_pages_revalidate_with_their_etag_and_come_compressed_once() {
    let app = TestApp::spawn().await;
    let path = "/speakers";
    let tag = warm(&app, path).await;
    let plain = app.get(path).await;
    assert!(plain.headers().get("content-encoding").is_none());
    let vary = plain.headers()["vary"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(vary.contains("accept-encoding"), "{vary}");
    for name in [
        "content-security-policy",
        "x-content-type-options",
        "x-frame-options",
    ] {
        assert!(
            plain.headers().contains_key(name),
            "a cached page keeps {name}"
        );
    }
    let html = plain.bytes().await.unwrap();

    // A matching If-None-Match: 304, no body.
    let response = app
        .client
        .get(app.url(path))
        .header("if-none-match", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(etag(&response).as_ref(), Some(&tag));
    assert!(response.bytes().await.unwrap().is_empty());
    let response = app
        .client
        .get(app.url(path))
        .header("if-none-match", "\"something-else\"")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    // Each encoding is its own representation (its own ETag) of the same bytes.
    for (coding, suffix) in [("br", "-br"), ("gzip", "-gzip")] {
        let response = app
            .client
            .get(app.url(path))
            .header("accept-encoding", coding)
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["content-encoding"], coding);
        let tagged = etag(&response).unwrap();
        assert_eq!(tagged, format!("{}{suffix}\"", tag.trim_end_matches('"')));
        let length: usize = response.headers()["content-length"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        let body = response.bytes().await.unwrap();
        assert_eq!(body.len(), length);
        assert!(body.len() < html.len() / 2, "{coding}: compressed");
        let mut decoded = Vec::new();
        if coding == "br" {
            brotli::Decompressor::new(&body[..], 4096)
                .read_to_end(&mut decoded)
                .unwrap();
        } else {
            flate2::read::GzDecoder::new(&body[..])
                .read_to_end(&mut decoded)
                .unwrap();
        }
        assert_eq!(decoded, html, "{coding}: the same page, compressed once");
        // Revalidating the compressed variant.
        let response = app
            .client
            .get(app.url(path))
            .header("accept-encoding", coding)
            .header("if-none-match", &tagged)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NOT_MODIFIED, "{coding}");
    }

    // robots.txt is cached too; unknown addresses and queries are not.
    let robots = warm(&app, "/robots.txt").await;
    assert!(!robots.is_empty());
    let missing = app.get("/speakers/nobody").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(etag(&missing).is_none(), "a 404 never enters the cache");
    let filtered = app.get("/organisations?country=pk").await;
    assert_eq!(filtered.status(), StatusCode::OK);
    assert!(etag(&filtered).is_none());
}

#[tokio::test]
async fn cached_pages_carry_no_cookie_and_nothing_of_the_visitor() {
    let app = TestApp::spawn_logged_in().await;
    let anonymous = app.other_client();
    for path in ["/zh/speakers", "/ur/organisations/zbra", "/speakers", "/"] {
        let tag = warm(&anonymous, path).await;
        // A visitor who chose another language, and a logged-in admin: the same bytes.
        let response = anonymous
            .client
            .get(anonymous.url(path))
            .header("cookie", "lang=en")
            .header("sec-fetch-site", "same-origin")
            .send()
            .await
            .unwrap();
        let admin = app.get(path).await;
        for response in [&response, &admin] {
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            assert_eq!(etag(response).as_ref(), Some(&tag), "{path}");
            assert!(
                response.headers().get("set-cookie").is_none(),
                "{path}: a cached page sets no cookie"
            );
            for name in response.headers().keys() {
                assert!(
                    CACHED_PAGE_HEADERS.contains(&name.as_str()),
                    "{path}: unexpected header {name}"
                );
            }
        }
    }

    // The language is remembered by the switcher's own small answer, never by a page.
    let page = anonymous.page("/zh/speakers", StatusCode::OK).await;
    let switch = page.attrs(".lang-switch a[hreflang=ur]", "href");
    assert_eq!(switch, ["/lang/ur/speakers"]);
    let response = anonymous.get(&switch[0]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/ur/speakers");
    assert_eq!(response.headers()["cache-control"], "no-store");
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("lang=ur;"), "{cookie}");
    // `/` follows it (a visitor arriving from elsewhere), though its English page is cached.
    let response = anonymous.get("/").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/ur");
    let first_visit = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.url("/"))
        .header("accept-language", "zh-CN,zh;q=0.9")
        .send()
        .await
        .unwrap();
    assert_eq!(first_visit.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&first_visit), "/zh");
}

#[tokio::test]
async fn a_draft_never_enters_the_cache() {
    let app = TestApp::spawn_logged_in().await;
    let visitor = app.other_client();
    let path = "/speakers/xiaodong-zhang";
    warm(&visitor, path).await;
    let id = app.id_of("people", "xiaodong-zhang").await;
    let admin_path = format!("/admin/people/{id}");
    let mut values = app.form_values(&admin_path).await;
    values.retain(|(name, _)| name != "published");
    let saved = app.post_changed(&admin_path, &values, &[]).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER, "unpublish");

    // At once: the draft is gone for visitors, from the page and from the lists.
    assert_eq!(visitor.get(path).await.status(), StatusCode::NOT_FOUND);
    let list = visitor.page("/speakers", StatusCode::OK).await;
    assert!(
        !list
            .texts(".card")
            .iter()
            .any(|c| c.contains("Xiaodong Zhang"))
    );
    // The admin's preview shows it, is never cached, and leaves nothing for visitors.
    let preview = app.get(&format!("{admin_path}/preview")).await;
    assert_eq!(preview.status(), StatusCode::OK);
    assert!(etag(&preview).is_none());
    for _ in 0..3 {
        assert_eq!(visitor.get(path).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(app.get(path).await.status(), StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn a_lost_listener_stops_the_cache_and_its_return_flushes_it() {
    let app = TestApp::spawn().await;
    let path = "/speakers/moin-ul-haque";
    let before = warm(&app, path).await;
    let first = listener_pid(&app.db).await.expect("a listening connection");
    let database = forum_portal::embedded_pg::quote_identifier(&app.database);
    // (A database's own connections cannot close it to new ones: from another database.)
    let other = PgPool::connect_with(connect_options("postgres"))
        .await
        .unwrap();
    // Connections this test and the portal will need while no new one can be opened.
    let mut own = sqlx::PgConnection::connect_with(&connect_options(&app.database))
        .await
        .unwrap();
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(app.db.acquire().await.unwrap());
    }
    drop(held);

    // The listener cannot come back until the database accepts connections again.
    sqlx::raw_sql(&format!(
        "ALTER DATABASE {database} WITH ALLOW_CONNECTIONS false"
    ))
    .execute(&other)
    .await
    .unwrap();
    sqlx::query("SELECT pg_terminate_backend($1)")
        .bind(first)
        .execute(&mut own)
        .await
        .unwrap();
    // A change nobody hears of: its notification is lost.
    sqlx::query(
        "UPDATE people SET role = role || '{\"en\": \"Edited while nobody listened\"}'
          WHERE slug = 'moin-ul-haque'",
    )
    .execute(&mut own)
    .await
    .unwrap();
    // Without a listener, pages are rendered for every request (never the one held).
    eventually(&app, path, "is rendered without the cache", |page| {
        page.text("article header .lead") == "Edited while nobody listened"
    })
    .await;
    let response = app.get(path).await;
    assert!(etag(&response).is_none(), "nothing comes from the cache");

    sqlx::raw_sql(&format!(
        "ALTER DATABASE {database} WITH ALLOW_CONNECTIONS true"
    ))
    .execute(&other)
    .await
    .unwrap();
    let started = Instant::now();
    while listener_pid(&app.db).await.is_none_or(|pid| pid == first) {
        assert!(started.elapsed() < PATIENCE, "the listener never came back");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Back: cached again, and what was held before the loss was dropped.
    let after = warm(&app, path).await;
    assert_ne!(after, before);
    let page = app.page(path, StatusCode::OK).await;
    assert_eq!(
        page.text("article header .lead"),
        "Edited while nobody listened"
    );
}

#[tokio::test]
async fn held_pages_are_served_while_the_database_is_down() {
    let root = reachable_tempdir();
    let (cluster, app) = portal_on_own_cluster(root.path()).await;
    let held = ["/speakers/moin-ul-haque", "/zh/organisations/zbra", "/ur"];
    let mut tags = Vec::new();
    for path in held {
        tags.push(warm(&app, path).await);
    }
    let name = app
        .page("/speakers/moin-ul-haque", StatusCode::OK)
        .await
        .text("h1");

    stop_cluster(cluster).await;
    wait_for_status(&app, "/readyz", StatusCode::SERVICE_UNAVAILABLE).await;
    for (path, tag) in held.iter().zip(&tags) {
        let response = app.get(path).await;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "GET {path} during the outage"
        );
        assert_eq!(etag(&response).as_ref(), Some(tag), "{path}");
        assert!(response.headers().get("set-cookie").is_none());
        let response = app
            .client
            .get(app.url(path))
            .header("if-none-match", tag)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NOT_MODIFIED, "{path}");
    }
    let page = app.page("/speakers/moin-ul-haque", StatusCode::OK).await;
    assert_eq!(page.text("h1"), name);
    // What needs no database is rendered as ever; a page not held gets the 503 page.
    assert_eq!(app.get("/robots.txt").await.status(), StatusCode::OK);
    assert_eq!(
        app.get("/agreements").await.status(),
        StatusCode::SERVICE_UNAVAILABLE
    );

    let cluster = start_cluster(root.path()).await;
    wait_for_status(&app, "/readyz", StatusCode::OK).await;
    wait_for_status(&app, "/agreements", StatusCode::OK).await;
    warm(&app, "/speakers/moin-ul-haque").await;
    stop_cluster(cluster).await;
}

#[tokio::test]
async fn without_the_page_cache_every_request_is_rendered() {
    let (database, db) = crate::helpers::seeded_database().await;
    let app = TestApp::spawn_with_state(database, AppState::new(db).without_page_cache()).await;
    for _ in 0..3 {
        let response = app.get("/speakers").await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(etag(&response).is_none());
    }
    sqlx::query(
        "UPDATE people SET role = role || '{\"en\": \"Seen at once\"}' WHERE slug = 'moin-ul-haque'",
    )
    .execute(&app.db)
    .await
    .unwrap();
    let page = app.page("/speakers/moin-ul-haque", StatusCode::OK).await;
    assert_eq!(page.text("article header .lead"), "Seen at once");
}

/// Whether an answer came from the page cache: it says `Vary: Accept-Encoding` (the API's
/// own answers, rendered for the request, never do).
fn from_cache(response: &reqwest::Response) -> bool {
    response.headers().get_all("vary").iter().any(|v| {
        v.to_str()
            .is_ok_and(|v| v.to_ascii_lowercase().contains("accept-encoding"))
    })
}

/// GET the API answer at `path` until it comes from the cache; its `ETag`.
async fn warm_api(app: &TestApp, path: &str) -> String {
    let started = Instant::now();
    loop {
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        if from_cache(&response) {
            return etag(&response).expect("an ETag");
        }
        assert!(
            started.elapsed() < PATIENCE,
            "GET {path} never came from the page cache"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The JSON body of an API answer.
async fn json(response: reqwest::Response) -> serde_json::Value {
    serde_json::from_slice(&response.bytes().await.unwrap()).unwrap()
}

#[tokio::test]
async fn api_answers_with_a_query_are_cached_and_revalidate() {
    let app = TestApp::spawn().await;
    let path = "/api/v1/speakers?page=2&per_page=1";
    let tag = warm_api(&app, path).await;
    assert!(app.pages.query_len() >= 1, "kept on the queries' shelf");
    let response = app
        .client
        .get(app.url(path))
        .header("if-none-match", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(etag(&response).as_ref(), Some(&tag));
    assert!(response.bytes().await.unwrap().is_empty());
    // Compressed once, like a page; the same answer as the one the API renders itself.
    let response = app
        .client
        .get(app.url(path))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-encoding"], "br");
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    assert!(
        response.headers()["link"]
            .to_str()
            .unwrap()
            .contains("rel=\"first\"")
    );
    let page = json(app.get(path).await).await;
    assert_eq!(page["page"], 2);
    // The whole query is the key: other parameters are other answers.
    let other = json(app.get("/api/v1/speakers?page=3&per_page=1").await).await;
    assert_eq!(other["page"], 3);
    assert_ne!(other["items"], page["items"]);
    // Problems never enter; pages with an unrelated query still do not either.
    let held = app.pages.query_len();
    for (bad, status) in [
        ("/api/v1/speakers?page=0", StatusCode::BAD_REQUEST),
        ("/api/v1/speakers?page=99", StatusCode::NOT_FOUND),
        ("/api/v1/speakers/nobody?x=1", StatusCode::BAD_REQUEST),
    ] {
        for _ in 0..2 {
            let response = app.get(bad).await;
            assert_eq!(response.status(), status, "{bad}");
            assert!(etag(&response).is_none(), "{bad}: a problem has no ETag");
        }
    }
    let filtered = app.get("/organisations?country=pk").await;
    assert!(etag(&filtered).is_none());
    assert!(
        app.pages.query_len() <= held + 1,
        "only the page=3 answer was added"
    );
}

#[tokio::test]
async fn an_admin_edit_drops_cached_api_answers_at_once() {
    let app = TestApp::spawn_logged_in().await;
    let item = "/api/v1/speakers/ghulam-qadir";
    let list = "/api/v1/speakers?per_page=2";
    let item_tag = warm_api(&app, item).await;
    let list_tag = warm_api(&app, list).await;
    edit_role(&app, "ghulam-qadir", "Edited for the API").await;
    // No waiting: the instance that saved has heard of its own change before answering.
    let response = app.get(item).await;
    assert_ne!(etag(&response), Some(item_tag));
    assert_eq!(json(response).await["role"]["en"], "Edited for the API");
    let response = app.get(list).await;
    assert_ne!(etag(&response), Some(list_tag));
    let speakers = json(response).await;
    assert!(
        speakers["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["role"]["en"] == "Edited for the API"),
        "{speakers}"
    );
}

#[tokio::test]
async fn a_flood_of_unique_queries_never_evicts_the_pages() {
    use forum_portal::web::page_cache::MAX_QUERY_ENTRIES;
    let app = TestApp::spawn().await;
    let pages = ["/speakers", "/zh/organisations", "/ur", "/robots.txt"];
    let mut tags = Vec::new();
    for path in pages {
        tags.push(warm(&app, path).await);
    }
    warm_api(&app, "/api/v1/forum").await;
    let held_pages = app.pages.len() - app.pages.query_len();
    assert!(
        held_pages > pages.len(),
        "the pages and the forum answer are held"
    );
    // Every one a new address (`page=1`, `page=01`, `page=001`, ...), every one a 200.
    let flood = MAX_QUERY_ENTRIES + 100;
    for zeros in 0..flood {
        let path = format!("/api/v1/quotes?per_page=1&page={}1", "0".repeat(zeros));
        let response = app.get(&path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
    }
    assert_eq!(
        app.pages.query_len(),
        MAX_QUERY_ENTRIES,
        "the queries' shelf is full, and no fuller"
    );
    assert_eq!(
        app.pages.len() - app.pages.query_len(),
        held_pages,
        "no page was dropped for the queries"
    );
    for (path, tag) in pages.iter().zip(&tags) {
        let response = app.get(path).await;
        assert!(from_cache(&response), "{path} is still held");
        assert_eq!(etag(&response).as_ref(), Some(tag), "{path}");
    }
    // The newest queries are held (the oldest made room for them).
    let newest = format!("/api/v1/quotes?per_page=1&page={}1", "0".repeat(flood - 1));
    let before = app.pages.query_len();
    assert!(from_cache(&app.get(&newest).await));
    assert_eq!(app.pages.query_len(), before);
    // A query longer than any link or the search box sends is answered, and never held (its
    // key alone could be 64 KiB).
    let long = format!("/api/v1/quotes?per_page=1&page={}1", "0".repeat(3000));
    assert_eq!(app.get(&long).await.status(), StatusCode::OK);
    let again = app.get(&long).await;
    assert_eq!(again.status(), StatusCode::OK);
    assert!(!from_cache(&again), "a 3 KB query is not held");
    assert_eq!(app.pages.query_len(), before);
}
