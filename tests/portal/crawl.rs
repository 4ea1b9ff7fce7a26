//! A visitor never hits a dead end: every internal link from `/` leads to a page that
//! exists, every fragment to an element that exists, and every page has the basics
//! of an accessible document.

use std::collections::{BTreeSet, HashMap};

use reqwest::StatusCode;

use crate::helpers::{Page, TestApp};
use crate::site::{crawl, internal_target, links};

#[tokio::test]
async fn every_internal_link_from_home_resolves_and_every_page_is_well_formed() {
    let app = TestApp::spawn().await;
    let fetched = crawl(&app, &["/"], |_| true).await;
    let mut fragments: Vec<(String, String, String)> = Vec::new();
    let mut ids: HashMap<String, BTreeSet<String>> = HashMap::new();

    for page in &fetched {
        let path = &page.path;
        assert_eq!(page.status, StatusCode::OK, "GET {path}");
        let Some(html) = &page.html else {
            continue;
        };
        let page = Page::parse(html);
        assert_well_formed(path, &page);
        ids.insert(path.clone(), page.attrs("[id]", "id").into_iter().collect());

        for href in links(&page) {
            assert!(!href.is_empty(), "{path}: empty href");
            let target = match internal_target(&href) {
                Some(target) => target,
                None if href.starts_with('#') => path.clone(),
                None => {
                    assert!(
                        href.starts_with("https://") || href.starts_with("http://"),
                        "{path}: unexpected link {href}"
                    );
                    continue;
                }
            };
            if let Some((_, fragment)) = href.split_once('#') {
                fragments.push((path.clone(), target, fragment.to_owned()));
            }
        }
    }

    for (from, target, fragment) in fragments {
        let targets = ids
            .get(&target)
            .unwrap_or_else(|| panic!("{target} was not crawled"));
        assert!(
            targets.contains(&fragment),
            "{from} links to {target}#{fragment}, which has no such id"
        );
    }
    // Paths without their query: stylesheets are linked with their version (`?v=`).
    let seen: BTreeSet<&str> = fetched
        .iter()
        .map(|page| page.path.split('?').next().unwrap_or_default())
        .collect();
    // Every entity page was reached from the home page.
    for expected in [
        "/speakers/moin-ul-haque",
        "/speakers/ghulam-qadir",
        "/speakers/xiaodong-zhang",
        "/speakers/khan-muhammad",
        "/organisations/beijing-time-honored-brands-association",
        "/organisations/isbei",
        "/agreements/zbra-beijing-time-honored-brands",
        "/exhibitors/stza",
        "/static/css/site.css",
        "/zh",
        "/ur",
        "/zh/speakers/moin-ul-haque",
        "/ur/agreements/zbra-beijing-time-honored-brands",
        "/ur/exhibitors/fb-enterprises",
        "/static/css/fonts-ur.css",
    ] {
        assert!(
            seen.contains(expected),
            "{expected} is not reachable from /"
        );
    }
}

fn assert_well_formed(path: &str, page: &Page) {
    assert_eq!(page.count("h1"), 1, "{path}: one h1");
    let (lang, dir) = if path == "/zh" || path.starts_with("/zh/") {
        ("zh-Hans", "ltr")
    } else if path == "/ur" || path.starts_with("/ur/") {
        ("ur", "rtl")
    } else {
        ("en", "ltr")
    };
    assert_eq!(page.attrs("html", "lang"), [lang], "{path}: html lang");
    assert_eq!(page.attrs("html", "dir"), [dir], "{path}: html dir");
    let alternates = page.attrs("link[rel=alternate][hreflang]", "hreflang");
    assert_eq!(
        alternates,
        ["en", "zh-Hans", "ur", "x-default"],
        "{path}: hreflang links"
    );
    assert_eq!(page.count(".lang-switch a"), 3, "{path}: language switcher");
    assert!(!page.text("title").is_empty(), "{path}: title");
    let descriptions = page.attrs("meta[name=description]", "content");
    assert!(
        descriptions.len() == 1 && !descriptions[0].is_empty(),
        "{path}: meta description"
    );
    assert_eq!(
        page.attrs("a.skip-link", "href"),
        ["#main"],
        "{path}: skip link"
    );
    assert_eq!(page.count("main#main"), 1, "{path}: main landmark");
    assert_eq!(page.count("header.site-header"), 1, "{path}: banner");
    assert_eq!(page.count("footer.site-footer"), 1, "{path}: contentinfo");
    assert!(
        page.count("nav[aria-label]") >= 1,
        "{path}: labelled navigation"
    );
    assert_eq!(page.count("[style]"), 0, "{path}: no inline style (CSP)");
    // JSON-LD is data, never run (a strict CSP does not apply to it): every other inline
    // script would be.
    assert_eq!(
        page.count(r#"script:not([src]):not([type="application/ld+json"])"#),
        0,
        "{path}: no inline script (CSP)"
    );
    for image in page.attrs("img", "src") {
        assert!(
            page.count(&format!("img[src=\"{image}\"][alt]")) > 0,
            "{path}: alt text on {image}"
        );
    }
    let current = page.attrs(".site-nav [aria-current=page]", "href");
    assert!(current.len() <= 1, "{path}: at most one current section");
}
