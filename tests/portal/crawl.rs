//! A visitor never hits a dead end: every internal link from `/` leads to a page that
//! exists, every fragment to an element that exists, and every page has the basics
//! of an accessible document.

use std::collections::{BTreeSet, HashMap, VecDeque};

use reqwest::StatusCode;

use crate::helpers::{Page, TestApp};

#[tokio::test]
async fn every_internal_link_from_home_resolves_and_every_page_is_well_formed() {
    let app = TestApp::spawn().await;
    let mut queue = VecDeque::from(["/".to_owned()]);
    let mut seen = BTreeSet::from(["/".to_owned()]);
    let mut fragments: Vec<(String, String, String)> = Vec::new();
    let mut ids: HashMap<String, BTreeSet<String>> = HashMap::new();

    while let Some(path) = queue.pop_front() {
        let response = app.get(&path).await;
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        let is_html = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
        if !is_html {
            continue;
        }
        let page = Page::parse(&response.text().await.unwrap());
        assert_well_formed(&path, &page);
        ids.insert(path.clone(), page.attrs("[id]", "id").into_iter().collect());

        let links = page
            .attrs("a[href]", "href")
            .into_iter()
            .chain(page.attrs("link[href]", "href"));
        for href in links {
            assert!(!href.is_empty(), "{path}: empty href");
            if !href.starts_with('/') || href.starts_with("//") {
                assert!(
                    href.starts_with('#')
                        || href.starts_with("https://")
                        || href.starts_with("http://"),
                    "{path}: unexpected link {href}"
                );
                if let Some(fragment) = href.strip_prefix('#') {
                    fragments.push((path.clone(), path.clone(), fragment.to_owned()));
                }
                continue;
            }
            let (target, fragment) = match href.split_once('#') {
                Some((target, fragment)) => (target.to_owned(), Some(fragment.to_owned())),
                None => (href.clone(), None),
            };
            if let Some(fragment) = fragment {
                fragments.push((path.clone(), target.clone(), fragment));
            }
            if seen.insert(target.clone()) {
                queue.push_back(target);
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
    assert_eq!(
        page.count("script:not([src])"),
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
