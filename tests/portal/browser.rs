//! What a person clicks, in a real headless Chromium (see `chrome`).

use fantoccini::Locator;

use crate::chrome::Browser;
use crate::helpers::TestApp;

#[tokio::test]
async fn an_admin_edits_a_speakers_role_and_the_public_page_shows_it() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::spawn().await;
    app.create_admin("admin@example.org").await;
    browser.log_in(&app, "admin@example.org").await;

    let id = app.id_of("people", "khan-muhammad").await;
    browser.goto(&app.url(&format!("/admin/people/{id}"))).await;
    browser
        .set_field(
            "#field-role",
            "Science Counsellor, Embassy of Pakistan in Beijing",
        )
        .await;
    browser.save().await;
    assert_eq!(browser.text(".flash").await, "Saved the person.");

    browser.goto(&app.url("/speakers/khan-muhammad")).await;
    assert_eq!(
        browser.text("article header .lead").await,
        "Science Counsellor, Embassy of Pakistan in Beijing"
    );
    browser.close().await;
}

#[tokio::test]
async fn an_editor_merges_a_conflict_and_keeps_a_translators_chinese_name() {
    let Some(first) = Browser::start().await else {
        return;
    };
    let Some(second) = Browser::start().await else {
        return;
    };
    let app = TestApp::spawn().await;
    app.create_admin("first@example.org").await;
    app.create_admin("second@example.org").await;
    first.log_in(&app, "first@example.org").await;
    second.log_in(&app, "second@example.org").await;

    let id = app.id_of("organisations", "pia").await;
    let path = app.url(&format!("/admin/organisations/{id}"));
    first.goto(&path).await;
    second.goto(&path).await;

    // The first changes the Chinese name and the description.
    first.set_field("#field-name\\.zh", "巴航").await;
    first
        .set_field("#field-description", "Pakistan's national airline.")
        .await;
    first.save().await;
    assert_eq!(first.text(".flash").await, "Saved the organisation.");

    // The second, from the older form, changes the description only.
    second
        .set_field("#field-description", "Flag carrier of Pakistan.")
        .await;
    second.save().await;
    assert!(
        second
            .text(".conflict h2")
            .await
            .contains("Someone else saved this organisation")
    );
    let cells = second
        .client()
        .find_all(Locator::Css(".conflict tbody tr > *"))
        .await
        .unwrap();
    let mut texts = Vec::new();
    for cell in cells.iter().take(4) {
        texts.push(cell.text().await.unwrap());
    }
    assert_eq!(
        texts,
        [
            "Description (English)",
            "—",
            "Pakistan's national airline.",
            "Flag carrier of Pakistan."
        ],
        "only the description clashes"
    );
    assert_eq!(cells.len(), 5, "one conflicting field");
    let name_zh = second
        .client()
        .find(Locator::Css("#field-name\\.zh"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(
        name_zh.as_deref(),
        Some("巴航"),
        "the other's change is in the form"
    );

    // Keep theirs for the description, and save.
    second
        .click("input[name='resolve.description'][value='theirs']")
        .await;
    second.save().await;
    assert_eq!(second.text(".flash").await, "Saved the organisation.");
    let (name, description): (serde_json::Value, serde_json::Value) =
        sqlx::query_as("SELECT name, description FROM organisations WHERE id = $1")
            .bind(id)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(name["zh"], "巴航");
    assert_eq!(description["en"], "Pakistan's national airline.");
    first.close().await;
    second.close().await;
}

/// Where things are on a page: the computed direction, whether the first navigation link sits
/// to the right of the last, and whether the site name is in the right half.
async fn layout(browser: &Browser, url: &str) -> serde_json::Value {
    browser.goto(url).await;
    browser
        .client()
        .execute(
            "const nav = document.querySelector('.site-nav');
             const first = nav.querySelector('li:first-child a').getBoundingClientRect();
             const last = nav.querySelector('li:last-child a').getBoundingClientRect();
             const brand = document.querySelector('.brand').getBoundingClientRect();
             return [getComputedStyle(document.documentElement).direction,
                     first.left > last.left,
                     brand.left > window.innerWidth / 2];",
            vec![],
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn an_urdu_page_runs_right_to_left_with_its_navigation_from_the_right() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::spawn().await;
    assert_eq!(
        layout(&browser, &app.url("/ur/speakers")).await,
        serde_json::json!(["rtl", true, true])
    );
    // The same stylesheet lays English out left to right.
    assert_eq!(
        layout(&browser, &app.url("/speakers")).await,
        serde_json::json!(["ltr", false, false])
    );
    browser.close().await;
}

#[tokio::test]
async fn a_translator_edits_a_chinese_name_and_nothing_else_can_change() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::spawn().await;
    let hash = forum_portal::auth::hash_password(crate::helpers::ADMIN_PASSWORD.to_owned())
        .await
        .unwrap();
    forum_portal::db::admins::create_with_role(
        &app.db,
        "translator@example.org",
        &hash,
        forum_portal::domain::Role::Translator,
    )
    .await
    .unwrap();
    browser.log_in(&app, "translator@example.org").await;

    let id = app.id_of("organisations", "pia").await;
    browser
        .goto(&app.url(&format!("/admin/organisations/{id}")))
        .await;
    // The English name is there to read, not to change.
    let english = browser
        .client()
        .find(Locator::Css("#field-name"))
        .await
        .unwrap();
    assert!(!english.is_enabled().await.unwrap());
    browser
        .set_field("#field-name\\.zh", "巴基斯坦国际航空")
        .await;
    browser.save().await;
    assert_eq!(browser.text(".flash").await, "Saved the organisation.");

    let (zh, en, published): (String, String, bool) = sqlx::query_as(
        "SELECT name->>'zh', name->>'en', published FROM organisations WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(zh, "巴基斯坦国际航空");
    assert_eq!(en, "Pakistan International Airlines");
    assert!(published, "the disabled box did not unpublish it");
    browser.close().await;
}

#[tokio::test]
async fn a_form_with_errors_puts_the_focus_on_its_error_summary() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::spawn().await;
    app.create_admin("admin@example.org").await;
    browser.log_in(&app, "admin@example.org").await;
    browser.goto(&app.url("/admin/people/new")).await;
    browser.save().await;
    // Focus moves when the page has rendered: wait for it (bounded), do not sleep blindly.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let focused = loop {
        let focused = browser
            .run("return document.activeElement && document.activeElement.id;")
            .await;
        if focused == "error-summary" || std::time::Instant::now() > deadline {
            break focused;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert_eq!(
        focused, "error-summary",
        "a keyboard or screen reader user lands on the errors"
    );
    browser.close().await;
}
