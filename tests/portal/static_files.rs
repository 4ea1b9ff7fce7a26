//! Static text files are compressed once, not per request: brotli or gzip as the client asks,
//! the same bytes once decoded, with their caching headers and 304s on revalidation.

use reqwest::StatusCode;
use reqwest::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, ETAG, IF_MODIFIED_SINCE,
    IF_NONE_MATCH, LAST_MODIFIED, VARY,
};

use crate::helpers::TestApp;

fn header(response: &reqwest::Response, name: reqwest::header::HeaderName) -> String {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

async fn get(
    app: &TestApp,
    path: &str,
    headers: &[(reqwest::header::HeaderName, &str)],
) -> reqwest::Response {
    let mut request = app.client.get(app.url(path));
    for (name, value) in headers {
        request = request.header(name, *value);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn a_stylesheet_comes_compressed_as_asked_with_the_same_bytes_and_304s() {
    let app = TestApp::spawn().await;
    let page = app.page("/", StatusCode::OK).await;
    let site_css = page.attrs("link[rel=stylesheet]", "href").remove(0);
    let original =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/static/css/site.css")).unwrap();

    let plain = get(&app, &site_css, &[(ACCEPT_ENCODING, "identity")]).await;
    assert_eq!(plain.status(), StatusCode::OK);
    assert_eq!(header(&plain, CONTENT_ENCODING), "");
    assert_eq!(header(&plain, CONTENT_TYPE), "text/css; charset=utf-8");
    assert_eq!(
        header(&plain, CACHE_CONTROL),
        "public, max-age=31536000, immutable"
    );
    assert!(
        header(&plain, VARY)
            .to_ascii_lowercase()
            .contains("accept-encoding")
    );
    assert_eq!(plain.bytes().await.unwrap(), original);

    let br = get(&app, &site_css, &[(ACCEPT_ENCODING, "gzip, deflate, br")]).await;
    assert_eq!(br.status(), StatusCode::OK);
    assert_eq!(header(&br, CONTENT_ENCODING), "br");
    assert_eq!(header(&br, CONTENT_TYPE), "text/css; charset=utf-8");
    assert_eq!(
        header(&br, CACHE_CONTROL),
        "public, max-age=31536000, immutable"
    );
    let etag = header(&br, ETAG);
    let modified = header(&br, LAST_MODIFIED);
    assert!(
        etag.starts_with('"') && !modified.is_empty(),
        "{etag} {modified}"
    );
    let body = br.bytes().await.unwrap();
    assert!(body.len() < original.len() / 3, "{} bytes", body.len());
    let mut decoded = Vec::new();
    brotli::BrotliDecompress(&mut &body[..], &mut decoded).unwrap();
    assert_eq!(decoded, original, "brotli decodes to the file");

    let gz = get(&app, &site_css, &[(ACCEPT_ENCODING, "gzip")]).await;
    assert_eq!(header(&gz, CONTENT_ENCODING), "gzip");
    assert_ne!(header(&gz, ETAG), etag, "each version has its own ETag");
    let body = gz.bytes().await.unwrap();
    let mut decoded = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&body[..]), &mut decoded).unwrap();
    assert_eq!(decoded, original, "gzip decodes to the file");

    // Revalidation: by ETag, and by date; both renew the year.
    for condition in [
        (IF_NONE_MATCH, etag.as_str()),
        (IF_MODIFIED_SINCE, modified.as_str()),
    ] {
        let again = get(
            &app,
            &site_css,
            &[(ACCEPT_ENCODING, "br"), condition.clone()],
        )
        .await;
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{condition:?}");
        assert_eq!(
            header(&again, CACHE_CONTROL),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(header(&again, ETAG), etag);
    }
    // Another version's ETag is not a match.
    let other = get(
        &app,
        &site_css,
        &[(ACCEPT_ENCODING, "gzip"), (IF_NONE_MATCH, etag.as_str())],
    )
    .await;
    assert_eq!(other.status(), StatusCode::OK);

    // The icon too; fonts (compressed already) are sent as they are.
    let icon = get(&app, "/static/favicon.svg", &[(ACCEPT_ENCODING, "br")]).await;
    assert_eq!(icon.status(), StatusCode::OK);
    assert_eq!(header(&icon, CONTENT_TYPE), "image/svg+xml; charset=utf-8");
    let font = get(
        &app,
        "/static/fonts/switcher/noto-nastaliq-urdu-switcher.woff2",
        &[(ACCEPT_ENCODING, "gzip, br")],
    )
    .await;
    assert_eq!(font.status(), StatusCode::OK);
    assert_eq!(
        header(&font, CONTENT_ENCODING),
        "",
        "a font is not compressed again"
    );
    assert_eq!(
        header(&font, CACHE_CONTROL),
        "public, max-age=31536000, immutable"
    );
    assert!(!header(&font, LAST_MODIFIED).is_empty());

    // Pages are still compressed per request.
    let page = get(&app, "/speakers", &[(ACCEPT_ENCODING, "gzip")]).await;
    assert_eq!(header(&page, CONTENT_ENCODING), "gzip");
}
