//! Share cards: every public page's `og:image` is a 1200×630 PNG drawn for that page in its
//! language, cached like a page and drawn again when its data changes; a page that does not
//! exist, or is a draft, has none.
//!
//! `furnish_cards` is left out on purpose: cards need no data of their own (every page of the
//! seed has one), so there is nothing to furnish.

use std::collections::HashMap;

use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, ETAG, IF_NONE_MATCH};

use crate::helpers::{Page, TestApp};

const ORIGIN: &str = "https://forum.example.org";
const HOST: &str = "forum.example.org";

/// One public page of each kind (language-neutral).
const PAGES: [&str; 10] = [
    "/",
    "/speakers",
    "/speakers/moin-ul-haque",
    "/organisations",
    "/organisations/isbei",
    "/agreements",
    "/agreements/zbra-beijing-time-honored-brands",
    "/exhibitors",
    "/exhibitors/fb-enterprises",
    "/api",
];

async fn get(app: &TestApp, path: &str) -> reqwest::Response {
    app.client
        .get(app.url(path))
        .header("host", HOST)
        .send()
        .await
        .expect("request failed")
}

/// `path` in `lang` (`""`, `"/zh"`, `"/ur"`).
fn in_lang(prefix: &str, path: &str) -> String {
    match (prefix, path) {
        ("", path) => path.to_owned(),
        (prefix, "/") => prefix.to_owned(),
        (prefix, path) => format!("{prefix}{path}"),
    }
}

/// The page's `og:image` as a path on this site, having checked the tags around it.
async fn card_of(app: &TestApp, path: &str) -> String {
    let response = get(app, path).await;
    assert_eq!(response.status(), StatusCode::OK, "GET {path}");
    let page = Page::parse(&response.text().await.unwrap());
    let property = |name: &str| page.attrs(&format!(r#"meta[property="{name}"]"#), "content");
    let image = property("og:image");
    assert_eq!(image.len(), 1, "{path}: og:image {image:?}");
    assert_eq!(property("og:image:type"), ["image/png"], "{path}");
    assert_eq!(property("og:image:width"), ["1200"], "{path}");
    assert_eq!(property("og:image:height"), ["630"], "{path}");
    let alt = property("og:image:alt");
    assert!(
        alt.len() == 1 && alt[0].chars().count() > 10,
        "{path}: {alt:?}"
    );
    assert_eq!(
        page.attrs(r#"meta[name="twitter:card"]"#, "content"),
        ["summary_large_image"],
        "{path}"
    );
    image[0]
        .strip_prefix(ORIGIN)
        .unwrap_or_else(|| panic!("{path}: og:image is not absolute: {}", image[0]))
        .to_owned()
}

/// GET a card: 200, `image/png`, with an `ETag`; its bytes.
async fn png(app: &TestApp, card: &str) -> (Vec<u8>, String) {
    let response = get(app, card).await;
    assert_eq!(response.status(), StatusCode::OK, "GET {card}");
    assert_eq!(
        response.headers().get(CONTENT_TYPE).unwrap(),
        "image/png",
        "{card}"
    );
    let etag = response
        .headers()
        .get(ETAG)
        .unwrap_or_else(|| panic!("{card}: no ETag"))
        .to_str()
        .unwrap()
        .to_owned();
    (response.bytes().await.unwrap().to_vec(), etag)
}

fn assert_card_size(card: &str, bytes: &[u8]) {
    let image = image::load_from_memory_with_format(bytes, image::ImageFormat::Png)
        .unwrap_or_else(|error| panic!("{card} is not a PNG: {error}"));
    assert_eq!((image.width(), image.height()), (1200, 630), "{card}");
}

#[tokio::test]
async fn every_public_page_has_its_own_card_in_its_language() {
    let app = TestApp::spawn_with_public_url(ORIGIN).await;
    let mut seen: HashMap<Vec<u8>, String> = HashMap::new();
    for prefix in ["", "/zh", "/ur"] {
        for page in PAGES {
            let path = in_lang(prefix, page);
            let card = card_of(&app, &path).await;
            assert!(
                card.starts_with(&format!("{prefix}/cards/")) && card.ends_with(".png"),
                "{path}: {card}"
            );
            let (bytes, _) = png(&app, &card).await;
            assert_card_size(&card, &bytes);
            if let Some(other) = seen.insert(bytes, path.clone()) {
                panic!("{path} and {other} have the same card");
            }
        }
    }
    // The forum's JSON-LD `Event` names its card as its image (people and organisations
    // get none: a generated card is not their photo or logo).
    for (prefix, home) in [("", "/"), ("/zh", "/zh"), ("/ur", "/ur")] {
        let response = get(&app, home).await;
        let page = Page::parse(&response.text().await.unwrap());
        let scripts = page.texts(r#"script[type="application/ld+json"]"#);
        let event: serde_json::Value = serde_json::from_str(&scripts[0]).unwrap();
        assert_eq!(
            event["image"],
            format!("{ORIGIN}{prefix}/cards/home.png"),
            "{home}"
        );
    }
    let response = get(&app, "/speakers/moin-ul-haque").await;
    let page = Page::parse(&response.text().await.unwrap());
    let scripts = page.texts(r#"script[type="application/ld+json"]"#);
    let person: serde_json::Value = serde_json::from_str(&scripts[0]).unwrap();
    assert!(person.get("image").is_none(), "{person}");
    // Search is not for search engines or previews: no card.
    let response = get(&app, "/search?q=pakistan").await;
    let page = Page::parse(&response.text().await.unwrap());
    assert!(
        page.attrs(r#"meta[property="og:image"]"#, "content")
            .is_empty()
    );
}

#[tokio::test]
async fn without_a_public_url_pages_offer_no_image_but_cards_are_served() {
    let app = TestApp::spawn().await;
    let page = app.page("/speakers/moin-ul-haque", StatusCode::OK).await;
    assert!(
        page.attrs(r#"meta[property="og:image"]"#, "content")
            .is_empty()
    );
    assert_eq!(
        page.attrs(r#"meta[name="twitter:card"]"#, "content"),
        ["summary"]
    );
    let response = app.get("/zh/cards/speakers/moin-ul-haque.png").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_card_size("zh card", &response.bytes().await.unwrap());
}

#[tokio::test]
async fn cards_are_cached_like_pages_and_drawn_again_when_the_name_changes() {
    let app = TestApp::spawn_with_public_url(ORIGIN).await;
    let card = "/cards/speakers/moin-ul-haque.png";
    let (first, etag) = png(&app, card).await;
    // Cached: the same bytes and ETag, and a 304 for a client that has them.
    let (again, etag_again) = png(&app, card).await;
    assert_eq!((first.clone(), etag.clone()), (again, etag_again));
    let response = app
        .client
        .get(app.url(card))
        .header("host", HOST)
        .header(IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
    // Not compressed again: a PNG is sent as it is, whatever the client accepts.
    let response = app
        .client
        .get(app.url(card))
        .header("host", HOST)
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .unwrap();
    assert!(response.headers().get("content-encoding").is_none());

    // A name with markup characters: drawn, not parsed.
    let name = r#"Moin <b>ul</b> & "Haque" 'x' ]]>"#;
    sqlx::query(
        "UPDATE people SET name = jsonb_set(name, '{en}', to_jsonb($1::text))
          WHERE slug = 'moin-ul-haque'",
    )
    .bind(name)
    .execute(&app.db)
    .await
    .unwrap();
    app.changes_heard().await;
    let (renamed, renamed_etag) = png(&app, card).await;
    assert_card_size(card, &renamed);
    assert_ne!(renamed, first, "the card was not drawn again");
    assert_ne!(renamed_etag, etag);
    for prefix in ["/zh", "/ur"] {
        let (bytes, _) = png(&app, &format!("{prefix}{card}")).await;
        assert_card_size(card, &bytes);
    }
    // The page names the card and describes it, escaped.
    let response = get(&app, "/speakers/moin-ul-haque").await;
    let page = Page::parse(&response.text().await.unwrap());
    let alt = page.attrs(r#"meta[property="og:image:alt"]"#, "content");
    assert!(alt.len() == 1 && alt[0].contains(name), "{alt:?}");
}

#[tokio::test]
async fn a_page_that_does_not_exist_or_is_a_draft_has_no_card() {
    let app = TestApp::spawn_with_public_url(ORIGIN).await;
    for missing in [
        "/cards/speakers/nobody.png",
        "/zh/cards/organisations/nobody.png",
        "/cards/speakers/moin-ul-haque",
        "/cards/speakers/moin-ul-haque.jpg",
        "/cards/people/moin-ul-haque.png",
        "/cards/search.png",
        "/cards/nothing.png",
        "/cards/speakers/Moin_ul_Haque.png",
        "/ur/cards/speakers/moin-ul-haque/x.png",
    ] {
        assert_eq!(
            get(&app, missing).await.status(),
            StatusCode::NOT_FOUND,
            "{missing}"
        );
    }
    let card = "/ur/cards/speakers/moin-ul-haque.png";
    png(&app, card).await;
    sqlx::query("UPDATE people SET published = false WHERE slug = 'moin-ul-haque'")
        .execute(&app.db)
        .await
        .unwrap();
    app.changes_heard().await;
    assert_eq!(get(&app, card).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        get(&app, "/ur/speakers/moin-ul-haque").await.status(),
        StatusCode::NOT_FOUND
    );
}
