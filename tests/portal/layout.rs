//! The page's design, measured in a real browser: the phone header's height and its navigation
//! row, the desktop's side column, whole cards as targets, and the printed page.

use serde_json::{Value, json};

use crate::chrome::Browser;
use crate::helpers::TestApp;

/// The tallest a phone header may be: 12% of a 360×800 screen.
const PHONE_HEADER_MAX: f64 = 96.0;

/// Pages of every kind, in every language, as a visitor reaches them.
fn pages() -> Vec<String> {
    let mut pages = Vec::new();
    for prefix in ["", "/zh", "/ur"] {
        for path in [
            "/",
            "/speakers",
            "/speakers/moin-ul-haque",
            "/organisations",
            "/agreements",
            "/exhibitors",
            "/search?q=digital",
            "/api",
        ] {
            pages.push(if prefix.is_empty() {
                path.to_owned()
            } else if path == "/" {
                prefix.to_owned()
            } else {
                format!("{prefix}{path}")
            });
        }
    }
    pages
}

/// The header's height, the top of every navigation item, and the size of every target in
/// the header that can be seen (width, height).
async fn header(browser: &Browser) -> Value {
    browser
        .run(
            "const header = document.querySelector('.site-header');
             const items = [...header.querySelectorAll('.site-nav li')]
                 .map(li => Math.round(li.getBoundingClientRect().top));
             const targets = [...header.querySelectorAll('a, button')]
                 .filter(e => e.getClientRects().length > 0)
                 .map(e => { const r = e.getBoundingClientRect();
                             return [e.textContent.trim() || e.getAttribute('aria-label') || e.tagName,
                                     Math.round(r.width), Math.round(r.height)]; });
             return { height: header.getBoundingClientRect().height, items, targets,
                      overflow: document.documentElement.scrollWidth
                                - document.documentElement.clientWidth };",
        )
        .await
}

/// The top of each navigation item, from [`header`]'s measure.
fn item_tops(measured: &Value) -> Vec<i64> {
    measured["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn on_a_phone_the_header_is_compact_and_its_navigation_never_wraps() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::spawn().await;
    browser.client().set_window_size(360, 800).await.unwrap();
    for path in pages() {
        browser.goto(&app.url(&path)).await;
        let measured = header(&browser).await;
        let height = measured["height"].as_f64().unwrap();
        assert!(
            height <= PHONE_HEADER_MAX,
            "{path}: the header is {height} px tall at 360×800 (at most {PHONE_HEADER_MAX})"
        );
        let tops = item_tops(&measured);
        assert_eq!(tops.len(), 5, "{path}: five sections in the navigation");
        assert!(
            tops.iter().all(|top| *top == tops[0]),
            "{path}: the navigation wraps (item tops {tops:?})"
        );
        for target in measured["targets"].as_array().unwrap() {
            let (width, height) = (target[1].as_i64().unwrap(), target[2].as_i64().unwrap());
            assert!(
                height >= 44 && width >= 24,
                "{path}: header target {} is {width}×{height} px (44 px tall at least)",
                target[0]
            );
        }
        // Nothing sticks out sideways: the page itself never scrolls horizontally.
        assert_eq!(
            measured["overflow"].as_i64(),
            Some(0),
            "{path}: the page is wider than the phone"
        );
    }
    browser.close().await;
}

#[tokio::test]
async fn on_a_desktop_the_header_is_one_row_and_facts_sit_in_a_side_column() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::spawn().await;
    browser.client().set_window_size(1280, 900).await.unwrap();
    for (path, rtl) in [
        ("/speakers/moin-ul-haque", false),
        ("/zh", false),
        ("/ur/speakers/moin-ul-haque", true),
    ] {
        browser.goto(&app.url(path)).await;
        let measured = header(&browser).await;
        let tops = item_tops(&measured);
        assert!(
            tops.iter().all(|top| *top == tops[0]),
            "{path}: the navigation wraps at 1280 ({tops:?})"
        );
        let height = measured["height"].as_f64().unwrap();
        assert!(height <= 72.0, "{path}: the header is {height} px at 1280");
        let columns = browser
            .run(
                "const main = document.querySelector('.with-side__main').getBoundingClientRect();
                 const side = document.querySelector('.side').getBoundingClientRect();
                 return { mainLeft: main.left, mainRight: main.right, sideLeft: side.left,
                          sideRight: side.right, sideTop: side.top, mainTop: main.top,
                          used: (side.right - main.left) / window.innerWidth };",
            )
            .await;
        let number = |key: &str| columns[key].as_f64().unwrap();
        if rtl {
            assert!(
                number("sideRight") <= number("mainLeft"),
                "{path}: the side column is on the left in Urdu: {columns}"
            );
        } else {
            assert!(
                number("sideLeft") >= number("mainRight"),
                "{path}: the side column is on the right: {columns}"
            );
        }
        assert!(
            (number("sideTop") - number("mainTop")).abs() < 40.0,
            "{path}: the side column starts beside the main text: {columns}"
        );
        let used = if rtl {
            (number("mainRight") - number("sideLeft")) / 1280.0
        } else {
            number("used")
        };
        assert!(used > 0.85, "{path}: the page uses {used:.2} of the width");
    }
    browser.close().await;
}

#[tokio::test]
async fn a_whole_card_is_one_target_and_the_links_inside_it_still_work() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::spawn().await;
    for width in [360, 1280] {
        browser.client().set_window_size(width, 800).await.unwrap();
        browser.goto(&app.url("/speakers")).await;
        // A point near a card's far bottom corner, away from its text, belongs to the card's link;
        // the organisation's link inside the card stays its own target.
        let hits = browser
            .run(
                "return [...document.querySelectorAll('.card')].map(card => {
                   card.scrollIntoView({ block: 'center' });
                   const r = card.getBoundingClientRect();
                   const title = card.querySelector('.card__title a');
                   const corner = document.elementFromPoint(r.right - 6, r.bottom - 6);
                   const inner = card.querySelector('p a');
                   let innerHit = null;
                   if (inner) {
                     // The first line's box: a link that wraps has a gap in its bounding box.
                     const q = inner.getClientRects()[0];
                     innerHit = document.elementFromPoint(q.left + q.width / 2, q.top + q.height / 2)
                       .closest('a') === inner;
                   }
                   return [corner && corner.closest('a') === title, innerHit, r.height >= 44];
                 });",
            )
            .await;
        let hits = hits.as_array().unwrap();
        assert!(!hits.is_empty(), "speaker cards at {width}");
        for hit in hits {
            assert_eq!(hit[0], json!(true), "{width}: a card's corner is its link");
            assert_ne!(
                hit[1],
                json!(false),
                "{width}: a link inside a card is hidden"
            );
            assert_eq!(
                hit[2],
                json!(true),
                "{width}: a card is at least 44 px tall"
            );
        }
    }
    // Clicking the card's corner opens the speaker's page.
    browser.client().set_window_size(1280, 800).await.unwrap();
    browser.goto(&app.url("/speakers")).await;
    let expected = browser
        .run("return document.querySelector('.card__title a').getAttribute('href');")
        .await;
    browser
        .run(
            "const r = document.querySelector('.card').getBoundingClientRect();
             document.elementFromPoint(r.right - 6, r.bottom - 6).click(); return null;",
        )
        .await;
    browser.wait_for("article.entity h1").await;
    assert_eq!(json!(browser.path().await), expected);
    browser.close().await;
}

#[tokio::test]
async fn a_printed_page_has_no_navigation_and_prints_link_addresses() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::spawn().await;
    browser.goto(&app.url("/agreements")).await;
    browser
        .cdp("Emulation.setEmulatedMedia", json!({ "media": "print" }))
        .await;
    let printed = browser
        .run(
            "const shown = s => [...document.querySelectorAll(s)]
                 .some(e => getComputedStyle(e).display !== 'none');
             const link = document.querySelector('.card__title a');
             return { header: shown('.site-header'), skip: shown('.skip-link'),
                      downloads: shown('.downloads'),
                      after: getComputedStyle(link, '::after').content,
                      href: link.getAttribute('href'),
                      cardBreak: getComputedStyle(document.querySelector('.card')).breakInside };",
        )
        .await;
    assert_eq!(printed["header"], json!(false), "{printed}");
    assert_eq!(printed["skip"], json!(false), "{printed}");
    assert_eq!(printed["downloads"], json!(false), "{printed}");
    let href = printed["href"].as_str().unwrap();
    assert!(
        printed["after"].as_str().unwrap().contains(href),
        "a printed link shows its address: {printed}"
    );
    assert_eq!(printed["cardBreak"], json!("avoid"), "{printed}");
    // On an entry's page, no statement is split across two sheets.
    browser.goto(&app.url("/speakers/moin-ul-haque")).await;
    browser
        .cdp("Emulation.setEmulatedMedia", json!({ "media": "print" }))
        .await;
    let quote = browser
        .run("return getComputedStyle(document.querySelector('.quote')).breakInside;")
        .await;
    assert_eq!(quote, json!("avoid"));
    browser.close().await;
}
