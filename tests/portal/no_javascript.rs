//! Everything works with JavaScript off: one pass through the public site and the admin in a
//! browser that runs no script at all.

use fantoccini::Locator;

use crate::chrome::Browser;
use crate::helpers::TestApp;

/// How many elements `selector` finds.
async fn count(browser: &Browser, selector: &str) -> usize {
    browser
        .client()
        .find_all(Locator::Css(selector))
        .await
        .unwrap()
        .len()
}

#[tokio::test]
async fn a_visitor_and_an_admin_get_everything_done_with_javascript_off() {
    let Some(browser) = Browser::start_without_javascript().await else {
        return;
    };
    // The browser really runs no script: the script below would rename the paragraph, and
    // the <noscript> content shows.
    browser
        .goto(
            "data:text/html,<p id=untouched>x</p>\
             <script>document.getElementById('untouched').id='touched'</script>\
             <noscript><p id=off>scripts are off</p></noscript>",
        )
        .await;
    assert_eq!(
        count(&browser, "#untouched").await,
        1,
        "the script did not run"
    );
    assert_eq!(count(&browser, "#off").await, 1, "noscript content shows");

    let app = TestApp::spawn().await;
    // A visitor: from the home page to a speaker, into Urdu, and through the filter form.
    browser.goto(&app.url("/")).await;
    browser.click("main a[href^='/speakers/']").await;
    browser.wait_for("article h1").await;
    assert!(browser.path().await.starts_with("/speakers/"));
    browser.click(".lang-switch a[hreflang=ur]").await;
    browser.wait_for("html[dir=rtl]").await;
    assert!(browser.path().await.starts_with("/ur/speakers/"));
    // And back to English with the switcher (the language chosen there is the one
    // remembered, for `/` and for an admin who has not chosen one).
    browser.click(".lang-switch a[hreflang=en]").await;
    browser.wait_for("html[dir=ltr]").await;
    assert!(browser.path().await.starts_with("/speakers/"));

    browser.goto(&app.url("/organisations")).await;
    let all = count(&browser, "main li a[href^='/organisations/']").await;
    browser
        .click("#filter-kind option[value=association]")
        .await;
    browser.click("form.filters button[type=submit]").await;
    browser
        .wait_for("#filter-kind option[value=association][selected]")
        .await;
    let associations = count(&browser, "main li a[href^='/organisations/']").await;
    assert!(
        associations > 0 && associations < all,
        "the filter narrows {all} organisations to {associations} associations"
    );

    // An admin: log in, edit, delete and restore, change language, log out — all plain forms.
    app.create_admin("admin@example.org").await;
    browser.log_in(&app, "admin@example.org").await;
    let person = app.id_of("people", "ghulam-qadir").await;
    browser
        .goto(&app.url(&format!("/admin/people/{person}")))
        .await;
    browser
        .set_field("#field-role", "Edited without scripts")
        .await;
    browser.save().await;
    assert_eq!(browser.text(".flash").await, "Saved the person.");

    let booth = app.id_of("booths", "stza").await;
    browser
        .goto(&app.url(&format!("/admin/booths/{booth}/delete")))
        .await;
    browser.click("form button.button--danger").await;
    browser.wait_for(".flash").await;
    assert_eq!(browser.path().await, "/admin/booths");
    browser
        .goto(&app.url(&format!("/admin/booths/{booth}/history")))
        .await;
    browser
        .click(&format!(
            "form[action='/admin/booths/{booth}/restore'] button"
        ))
        .await;
    browser.wait_for(".flash").await;
    let restored: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM booths WHERE id = $1)")
        .bind(booth)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(restored, "the booth is back");

    browser.click("form.lang-switch button[value=zh]").await;
    browser.wait_for("html[lang=zh-Hans]").await;
    browser.click("form.logout button").await;
    browser.wait_for("#password").await;
    assert_eq!(browser.path().await, "/admin/login");
    browser.close().await;
}
