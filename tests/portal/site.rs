//! Walking the site the way a visitor does: from a page, along every internal link.

use std::collections::{BTreeSet, VecDeque};

use reqwest::StatusCode;

use crate::helpers::{Page, TestApp, content_type};

/// One response met on a crawl.
pub struct Fetched {
    /// The path asked for (with its query, if the link had one).
    pub path: String,
    pub status: StatusCode,
    /// The body, when the response is an HTML page.
    pub html: Option<String>,
}

/// Every response reachable from `roots` along links whose target `keep` accepts, breadth
/// first, each target once; links to other sites and fragments of the same page are not
/// followed. The client's cookies (a logged-in admin) go with every request.
pub async fn crawl(app: &TestApp, roots: &[&str], keep: impl Fn(&str) -> bool) -> Vec<Fetched> {
    let mut queue: VecDeque<String> = roots.iter().map(|r| (*r).to_owned()).collect();
    let mut seen: BTreeSet<String> = queue.iter().cloned().collect();
    let mut fetched = Vec::new();
    while let Some(path) = queue.pop_front() {
        if path.starts_with("/lang/") {
            // The language switcher's links remember the choice and redirect to the page in
            // that language: follow them (the page itself is what is checked).
            let response = app.get(&path).await;
            assert_eq!(response.status(), StatusCode::SEE_OTHER, "GET {path}");
            let target = crate::helpers::location(&response);
            let target = internal_target(&target)
                .unwrap_or_else(|| panic!("{path} leads away from this site: {target}"));
            if keep(&target) && seen.insert(target.clone()) {
                queue.push_back(target);
            }
            continue;
        }
        let response = app.get(&path).await;
        let status = response.status();
        let html = if content_type(&response).starts_with("text/html") {
            Some(response.text().await.unwrap())
        } else {
            None
        };
        if let Some(html) = &html {
            for href in links(&Page::parse(html)) {
                let Some(target) = internal_target(&href) else {
                    continue;
                };
                if keep(&target) && seen.insert(target.clone()) {
                    queue.push_back(target);
                }
            }
        }
        fetched.push(Fetched { path, status, html });
    }
    fetched
}

/// The `href` of every link on a page: anchors and `<link>` elements.
pub fn links(page: &Page) -> Vec<String> {
    page.attrs("a[href]", "href")
        .into_iter()
        .chain(page.attrs("link[href]", "href"))
        .collect()
}

/// The path (and query) an internal link leads to, without its fragment; `None` for links
/// to other sites and to a fragment of the same page.
pub fn internal_target(href: &str) -> Option<String> {
    if !href.starts_with('/') || href.starts_with("//") {
        return None;
    }
    let target = href.split_once('#').map_or(href, |(target, _)| target);
    Some(target.to_owned())
}
