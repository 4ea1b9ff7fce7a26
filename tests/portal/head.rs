//! What a page's head links to, and how it is served: versioned stylesheets kept a year,
//! fonts only for the page's own script, absolute canonical and `hreflang` links, `noindex`
//! on error pages, and `robots.txt`.

use reqwest::StatusCode;
use reqwest::header::CACHE_CONTROL;

use crate::helpers::TestApp;

fn cache_control(response: &reqwest::Response) -> String {
    response
        .headers()
        .get(CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn stylesheets_carry_their_version_and_are_kept_a_year() {
    let app = TestApp::spawn().await;
    let page = app.page("/", StatusCode::OK).await;
    let stylesheets = page.attrs("link[rel=stylesheet]", "href");
    assert_eq!(stylesheets.len(), 1, "English pages load site.css only");
    let site_css = &stylesheets[0];
    let version = site_css
        .strip_prefix("/static/css/site.css?v=")
        .unwrap_or_default();
    assert!(
        version.len() == 12 && version.bytes().all(|b| b.is_ascii_hexdigit()),
        "{site_css}"
    );
    let response = app.get(site_css).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        cache_control(&response),
        "public, max-age=31536000, immutable"
    );
    // Revalidation renews the year too.
    let modified = response
        .headers()
        .get(reqwest::header::LAST_MODIFIED)
        .cloned()
        .expect("Last-Modified");
    let response = app
        .client
        .get(app.url(site_css))
        .header(reqwest::header::IF_MODIFIED_SINCE, modified)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(
        cache_control(&response),
        "public, max-age=31536000, immutable"
    );
    // Without its version a file may change under the same URL: an hour only.
    let response = app.get("/static/css/site.css").await;
    assert_eq!(cache_control(&response), "public, max-age=3600");
    // Fonts never change under their name.
    let response = app
        .get("/static/fonts/switcher/noto-nastaliq-urdu-switcher.woff2")
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        cache_control(&response),
        "public, max-age=31536000, immutable"
    );
    // A missing file is not cached for a year.
    let response = app.get("/static/css/nothing.css?v=1").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(cache_control(&response), "");
}

#[tokio::test]
async fn a_page_loads_the_web_font_of_its_own_script_only() {
    let app = TestApp::spawn().await;
    for (path, font) in [
        ("/zh/speakers", Some("fonts-zh.css")),
        ("/ur/speakers", Some("fonts-ur.css")),
        ("/speakers", None),
    ] {
        let page = app.page(path, StatusCode::OK).await;
        let fonts: Vec<String> = page
            .attrs("link[rel=stylesheet]", "href")
            .into_iter()
            .filter(|href| href.contains("/fonts-"))
            .collect();
        match font {
            Some(font) => assert!(
                fonts.len() == 1 && fonts[0].contains(font),
                "{path}: {fonts:?}"
            ),
            None => assert!(fonts.is_empty(), "{path}: {fonts:?}"),
        }
    }
}

/// The faces in `site.css` that every page has cover every character of the switcher's
/// language names, so no page shows them as boxes where the device lacks the fonts.
#[test]
fn the_switchers_own_glyphs_cover_every_language_name() {
    let css = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/static/css/site.css"))
        .unwrap();
    let mut covered = Vec::new();
    for rule in css.split("@font-face").skip(1) {
        let rule = &rule[..rule.find('}').unwrap()];
        let Some(ranges) = rule.split("unicode-range:").nth(1) else {
            continue;
        };
        for range in ranges.trim_end_matches([';', ' ']).split(',') {
            let code = range.trim().trim_start_matches("U+");
            covered.push(u32::from_str_radix(code, 16).unwrap());
        }
    }
    for lang in forum_portal::i18n::Lang::ALL {
        for c in lang.native_name().chars().filter(|c| !c.is_ascii()) {
            assert!(
                covered.contains(&(c as u32)),
                "{c} of {} has no face in site.css",
                lang.native_name()
            );
        }
    }
}

#[tokio::test]
async fn search_engines_get_alternates_and_no_error_pages() {
    let app = TestApp::spawn().await;
    let page = app.page("/ur/speakers/ghulam-qadir", StatusCode::OK).await;
    // No public URL is configured here: the links are relative, never built from `Host`
    // (which the client chooses). `a_configured_public_url_makes_the_absolute_links` covers
    // the absolute ones.
    assert_eq!(
        page.attrs("link[rel=canonical]", "href"),
        ["/ur/speakers/ghulam-qadir"]
    );
    assert_eq!(
        page.attrs("link[hreflang=x-default]", "href"),
        ["/speakers/ghulam-qadir"]
    );
    assert_eq!(page.count("meta[name=robots]"), 0);

    let missing = app.page("/speakers/nobody", StatusCode::NOT_FOUND).await;
    assert_eq!(missing.attrs("meta[name=robots]", "content"), ["noindex"]);
    assert_eq!(missing.count("link[rel=canonical], link[hreflang]"), 0);

    // Whatever the Host header says, it never reaches the page.
    for host in ["evil.example", "evil.example/x"] {
        let response = app
            .client
            .get(app.url("/speakers"))
            .header("host", host)
            .send()
            .await
            .unwrap();
        let body = response.text().await.unwrap();
        assert!(!body.contains("evil.example"), "{body}");
    }

    let robots = app.get("/robots.txt").await;
    assert_eq!(robots.status(), StatusCode::OK);
    assert_eq!(
        robots.text().await.unwrap(),
        "User-agent: *\nDisallow: /admin\n"
    );
}

#[tokio::test]
async fn a_configured_public_url_makes_the_absolute_links() {
    let app = TestApp::spawn_with_public_url("https://forum.example.org").await;
    // The public URL's host is the only one served (the proxy in front passes it on).
    let response = app
        .client
        .get(app.url("/zh/agreements"))
        .header("host", "forum.example.org")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let page = crate::helpers::Page::parse(&response.text().await.unwrap());
    assert_eq!(
        page.attrs("link[rel=canonical]", "href"),
        ["https://forum.example.org/zh/agreements"]
    );
    assert_eq!(
        page.attrs("link[hreflang=ur]", "href"),
        ["https://forum.example.org/ur/agreements"]
    );
}
