//! What a person clicks, in a real headless Chromium driven through chromedriver.
//!
//! Needs Debian's `chromium` and `chromium-driver`. Under CI (`CI` set) a missing browser
//! fails the test; elsewhere the test says it was skipped and passes.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;

use crate::helpers::{ADMIN_PASSWORD, TestApp};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A chromedriver process and one browser session on it; both end when this is dropped.
struct Browser {
    client: Option<Client>,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Browser {
    /// Start a browser, or `None` (test skipped) when none is installed outside CI.
    async fn start() -> Option<Self> {
        if !std::path::Path::new(CHROMEDRIVER).exists() || !std::path::Path::new(CHROMIUM).exists()
        {
            assert!(
                std::env::var_os("CI").is_none(),
                "browser tests must run under CI: install chromium and chromium-driver (apt-get install chromium chromium-driver)"
            );
            eprintln!(
                "skipped: no {CHROMIUM} or {CHROMEDRIVER} (apt-get install chromium chromium-driver)"
            );
            return None;
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let profile = tempfile::tempdir().unwrap();
        let mut browser = Self {
            client: None,
            driver,
            _profile: profile,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".to_owned(),
            serde_json::json!({
                "binary": CHROMIUM,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--window-size=1280,900",
                    format!("--user-data-dir={}", browser._profile.path().display()),
                ]
            }),
        );
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("open a browser session");
        browser.client = Some(client);
        Some(browser)
    }

    fn client(&self) -> &Client {
        self.client.as_ref().unwrap()
    }

    async fn log_in(&self, app: &TestApp, email: &str) {
        let client = self.client();
        client.goto(&app.url("/admin")).await.unwrap();
        // Sent to the login page, which brings us back after.
        assert!(
            client
                .current_url()
                .await
                .unwrap()
                .path()
                .ends_with("/admin/login")
        );
        client
            .find(Locator::Css("#email"))
            .await
            .unwrap()
            .send_keys(email)
            .await
            .unwrap();
        client
            .find(Locator::Css("#password"))
            .await
            .unwrap()
            .send_keys(ADMIN_PASSWORD)
            .await
            .unwrap();
        client
            .find(Locator::Css("form button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        client
            .wait()
            .for_element(Locator::Css("form.logout"))
            .await
            .unwrap();
        assert_eq!(client.current_url().await.unwrap().path(), "/admin");
    }

    async fn set_field(&self, selector: &str, value: &str) {
        let field = self.client().find(Locator::Css(selector)).await.unwrap();
        field.clear().await.unwrap();
        field.send_keys(value).await.unwrap();
    }

    async fn text(&self, selector: &str) -> String {
        self.client()
            .find(Locator::Css(selector))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    async fn save(&self) {
        self.client()
            .find(Locator::Css("form#form button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        // Wait for the answer page: only it has a flash message, a conflict or an error
        // summary (the form page's own h1 is still there right after the click).
        self.client()
            .wait()
            .for_element(Locator::Css(".flash, .conflict, .error-summary"))
            .await
            .unwrap();
    }

    async fn close(mut self) {
        if let Some(client) = self.client.take() {
            let _ = client.close().await;
        }
    }
}

#[tokio::test]
async fn an_admin_edits_a_speakers_role_and_the_public_page_shows_it() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::spawn().await;
    app.create_admin("admin@example.org").await;
    browser.log_in(&app, "admin@example.org").await;

    let id = app.id_of("people", "khan-muhammad").await;
    browser
        .client()
        .goto(&app.url(&format!("/admin/people/{id}")))
        .await
        .unwrap();
    browser
        .set_field(
            "#field-role",
            "Science Counsellor, Embassy of Pakistan in Beijing",
        )
        .await;
    browser.save().await;
    assert_eq!(browser.text(".flash").await, "Saved the person.");

    browser
        .client()
        .goto(&app.url("/speakers/khan-muhammad"))
        .await
        .unwrap();
    assert_eq!(
        browser.text("article header .lead").await,
        "Science Counsellor, Embassy of Pakistan in Beijing"
    );
    browser.close().await;
}

#[tokio::test]
async fn a_second_browser_session_hits_the_conflict_page() {
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
    first.client().goto(&path).await.unwrap();
    second.client().goto(&path).await.unwrap();

    first
        .set_field("#field-description", "Pakistan's national airline.")
        .await;
    first.save().await;
    assert_eq!(first.text(".flash").await, "Saved the organisation.");

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
        .find_all(Locator::Css(".conflict tbody td"))
        .await
        .unwrap();
    let mut texts = Vec::new();
    for cell in cells {
        texts.push(cell.text().await.unwrap());
    }
    assert_eq!(
        texts,
        ["Pakistan's national airline.", "Flag carrier of Pakistan."]
    );
    let kept = second
        .client()
        .find(Locator::Css("#field-description"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(
        kept.as_deref(),
        Some("Flag carrier of Pakistan."),
        "the second admin's input is kept"
    );
    first.close().await;
    second.close().await;
}

/// Where things are on a page: the computed direction, whether the first navigation link sits
/// to the right of the last, and whether the site name is in the right half.
async fn layout(browser: &Browser, url: &str) -> serde_json::Value {
    browser.client().goto(url).await.unwrap();
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
