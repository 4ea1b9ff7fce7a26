//! Keyboard use, in a real browser: a skip link first, visible focus on every control, a tab
//! order that follows the page, and no trap — on the home page (in a left-to-right and a
//! right-to-left language) and on an admin form.

use fantoccini::key::Key;
use serde_json::Value;

use crate::chrome::Browser;
use crate::helpers::TestApp;

/// Which of the page's tabbable elements (in document order) has the focus, or -1 when the
/// focus is on none of them; whether that element shows a focus indicator (an outline of at
/// least 2px or a box shadow) and lies inside the window; and its description for messages.
const FOCUS_STATE: &str = "
    const tabbable = [...document.querySelectorAll(
        'a[href], button, input:not([type=hidden]), select, textarea, [tabindex]')]
      .filter(e => !e.disabled && e.tabIndex >= 0 && e.getClientRects().length > 0);
    const el = document.activeElement;
    const index = tabbable.indexOf(el);
    const style = getComputedStyle(el);
    const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2)
      || style.boxShadow !== 'none';
    const r = el.getBoundingClientRect();
    const inView = r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0
      && r.top < innerHeight && r.left < innerWidth;
    const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + (el.getAttribute('href') ? '[href=' + el.getAttribute('href') + ']' : '')
      + (el.name ? '[name=' + el.name + ']' : '');
    return [index, tabbable.length, ring, inView, name,
            document.querySelectorAll('[tabindex]:not([tabindex=\"0\"]):not([tabindex=\"-1\"])').length];";

struct Focus {
    index: i64,
    tabbable: i64,
    ring: bool,
    in_view: bool,
    name: String,
    positive_tabindex: i64,
}

async fn focus(browser: &Browser) -> Focus {
    let state: Value = browser.run(FOCUS_STATE).await;
    Focus {
        index: state[0].as_i64().unwrap(),
        tabbable: state[1].as_i64().unwrap(),
        ring: state[2].as_bool().unwrap(),
        in_view: state[3].as_bool().unwrap(),
        name: state[4].as_str().unwrap().to_owned(),
        positive_tabindex: state[5].as_i64().unwrap(),
    }
}

/// Tab from the top of the page shown through every control and past the last one: the first
/// stop is the skip link, each control is reached once, in document order, with a visible
/// focus indicator in view, and the focus then leaves the page (no trap).
async fn tab_through(browser: &Browser, page: &str) {
    let start = focus(browser).await;
    assert_eq!(start.positive_tabindex, 0, "{page}: no positive tabindex");
    assert!(start.tabbable > 1, "{page}: something to tab to");
    let mut order = Vec::new();
    for step in 0..start.tabbable {
        browser.press(Key::Tab).await;
        let now = focus(browser).await;
        if step == 0 {
            assert!(
                now.name.starts_with("a[href=#main]"),
                "{page}: the first Tab reaches the skip link, not {}",
                now.name
            );
        }
        assert!(
            now.ring,
            "{page}: no visible focus indicator on {}",
            now.name
        );
        assert!(now.in_view, "{page}: focused {} is out of view", now.name);
        order.push(now.index);
    }
    let expected: Vec<i64> = (0..start.tabbable).collect();
    assert_eq!(order, expected, "{page}: tab order follows the page");
    // One more Tab leaves the page; Shift+Tab comes back to the last control.
    browser.press(Key::Tab).await;
    assert_eq!(
        focus(browser).await.index,
        -1,
        "{page}: focus leaves the page"
    );
    browser.press_with(Some(Key::Shift), Key::Tab).await;
    assert_eq!(
        focus(browser).await.index,
        start.tabbable - 1,
        "{page}: Shift+Tab comes back"
    );
}

/// Tab once to the skip link, press Enter: the main content has the focus, so the next Tab
/// reaches the first control inside it.
async fn skip_to_main(browser: &Browser, page: &str) {
    browser.press(Key::Tab).await;
    browser.press(Key::Enter).await;
    let state = browser
        .run(
            "return [document.activeElement.id, location.hash,
                     document.querySelector('main').contains(document.activeElement)];",
        )
        .await;
    assert_eq!(
        state,
        serde_json::json!(["main", "#main", true]),
        "{page}: the skip link moves the focus to the main content"
    );
    browser.press(Key::Tab).await;
    let inside = browser
        .run("return document.querySelector('main').contains(document.activeElement);")
        .await;
    assert_eq!(inside, Value::Bool(true), "{page}: next Tab stays in main");
}

#[tokio::test]
async fn the_home_page_works_from_the_keyboard() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::spawn().await;
    for path in ["/", "/ur"] {
        browser.goto(&app.url(path)).await;
        tab_through(&browser, path).await;
        browser.goto(&app.url(path)).await;
        skip_to_main(&browser, path).await;
    }
    browser.close().await;
}

#[tokio::test]
async fn an_admin_form_works_from_the_keyboard() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::spawn().await;
    app.create_admin("admin@example.org").await;
    browser.log_in(&app, "admin@example.org").await;
    let path = format!(
        "/admin/people/{}",
        app.id_of("people", "ghulam-qadir").await
    );
    browser.goto(&app.url(&path)).await;
    tab_through(&browser, &path).await;
    browser.goto(&app.url(&path)).await;
    skip_to_main(&browser, &path).await;

    // The form is sent from the keyboard too: focus the role field, change it, press Enter.
    let role = browser
        .client()
        .find(fantoccini::Locator::Css("#field-role"))
        .await
        .unwrap();
    role.clear().await.unwrap();
    role.send_keys("Typed from the keyboard\u{e007}")
        .await
        .unwrap();
    browser.wait_for(".flash").await;
    assert_eq!(browser.text(".flash").await, "Saved the person.");
    browser.close().await;
}
