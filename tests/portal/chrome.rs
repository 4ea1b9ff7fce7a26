//! A real headless Chromium driven through chromedriver, for the tests of what a person sees
//! and clicks.
//!
//! Needs Debian's `chromium` and `chromium-driver`. Under CI (`CI` set) a missing browser
//! fails the test; elsewhere `Browser::start` returns `None` and the test says it was skipped.
//!
//! The browser keeps its console and network logs (chromedriver's `goog:loggingPrefs`), so a
//! test can ask what went wrong on a page: console errors, failed requests, requests to other
//! hosts. It cannot reach any host but the test server: every other name resolves to nothing.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::http::Method;
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

use crate::helpers::{ADMIN_PASSWORD, TestApp};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Whether a browser can run here; outside CI a missing one skips the test (with a message).
pub fn available() -> bool {
    let present =
        std::path::Path::new(CHROMEDRIVER).exists() && std::path::Path::new(CHROMIUM).exists();
    if !present {
        assert!(
            std::env::var_os("CI").is_none(),
            "browser tests must run under CI: install chromium and chromium-driver (apt-get install chromium chromium-driver)"
        );
        eprintln!(
            "skipped: no {CHROMIUM} or {CHROMEDRIVER} (apt-get install chromium chromium-driver)"
        );
    }
    present
}

/// A chromedriver process and one browser session on it; both end when this is dropped.
pub struct Browser {
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

/// One thing the browser reported about the pages it loaded.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// A console message at level SEVERE (script errors, CSP violations, failed loads).
    Console(String),
    /// A request that failed at the network level (refused, blocked, not resolved).
    FailedRequest { url: String, error: String },
    /// A response with a status of 400 or more for a subresource (a missing stylesheet, font…).
    ErrorResponse { url: String, status: u64 },
    /// A request to a host other than the test server.
    OtherHost(String),
}

impl Browser {
    /// Start a browser with JavaScript on, or `None` (test skipped) when none is installed
    /// outside CI.
    pub async fn start() -> Option<Self> {
        Self::start_with(true, "normal").await
    }

    /// Start a browser that runs no JavaScript at all, as for a visitor who turned it off.
    pub async fn start_without_javascript() -> Option<Self> {
        Self::start_with(false, "normal").await
    }

    /// Start a browser whose `goto` returns once the page is parsed (WebDriver's "eager" page
    /// load strategy) rather than once everything it asked for came: for a test that holds
    /// some of it back.
    pub async fn start_not_waiting_for_subresources() -> Option<Self> {
        Self::start_with(true, "eager").await
    }

    async fn start_with(javascript: bool, page_load_strategy: &str) -> Option<Self> {
        if !available() {
            return None;
        }
        // A start can fail when another test took the port between our probe and the
        // driver's bind, or the driver was not ready: start afresh then.
        for attempt in 1..=3 {
            match Self::launch(javascript, page_load_strategy).await {
                Ok(browser) => return Some(browser),
                Err(error) if attempt < 3 => eprintln!("browser start failed ({error}); again"),
                Err(error) => panic!("open a browser session: {error}"),
            }
        }
        unreachable!()
    }

    /// Start chromedriver on a free port and open a session on it.
    async fn launch(javascript: bool, page_load_strategy: &str) -> Result<Self, String> {
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
            if Instant::now() > deadline {
                return Err("chromedriver did not start".to_owned());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let mut options = json!({
            "binary": CHROMIUM,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-extensions", "--disable-default-apps", "--no-first-run",
                "--disable-features=Translate,OptimizationHints,MediaRouter",
                // Only the test server exists: a request elsewhere fails and is reported.
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                "--window-size=1280,900",
                format!("--user-data-dir={}", browser._profile.path().display()),
            ],
            "perfLoggingPrefs": { "enableNetwork": true, "enablePage": false },
        });
        if !javascript {
            options["prefs"] = json!({ "profile.managed_default_content_settings.javascript": 2 });
        }
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("goog:chromeOptions".to_owned(), options);
        capabilities.insert("pageLoadStrategy".to_owned(), json!(page_load_strategy));
        capabilities.insert(
            "goog:loggingPrefs".to_owned(),
            json!({ "browser": "ALL", "performance": "ALL" }),
        );
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .map_err(|e| e.to_string())?;
        browser.client = Some(client);
        Ok(browser)
    }

    /// The WebDriver client of this browser.
    pub fn client(&self) -> &Client {
        self.client.as_ref().unwrap()
    }

    /// Go to `url` and wait for it to load.
    pub async fn goto(&self, url: &str) {
        self.client()
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("load {url}: {e}"));
    }

    /// The path of the page shown now.
    pub async fn path(&self) -> String {
        self.client().current_url().await.unwrap().path().to_owned()
    }

    /// Log in as `email` through the login form, arriving at the dashboard.
    pub async fn log_in(&self, app: &TestApp, email: &str) {
        self.goto(&app.url("/admin")).await;
        // Sent to the login page, which brings us back after.
        assert!(self.path().await.ends_with("/admin/login"));
        self.set_field("#email", email).await;
        self.set_field("#password", ADMIN_PASSWORD).await;
        self.click("form button[type=submit]").await;
        self.wait_for("form.logout").await;
        assert_eq!(self.path().await, "/admin");
    }

    /// Replace the value of the field at `selector`.
    pub async fn set_field(&self, selector: &str, value: &str) {
        let field = self.client().find(Locator::Css(selector)).await.unwrap();
        field.clear().await.unwrap();
        field.send_keys(value).await.unwrap();
    }

    /// Click the element at `selector`.
    pub async fn click(&self, selector: &str) {
        self.client()
            .find(Locator::Css(selector))
            .await
            .unwrap_or_else(|e| panic!("find {selector}: {e}"))
            .click()
            .await
            .unwrap();
    }

    /// Wait until an element at `selector` is on the page.
    pub async fn wait_for(&self, selector: &str) {
        self.client()
            .wait()
            .for_element(Locator::Css(selector))
            .await
            .unwrap_or_else(|e| panic!("wait for {selector}: {e}"));
    }

    /// The text of the element at `selector`.
    pub async fn text(&self, selector: &str) -> String {
        self.client()
            .find(Locator::Css(selector))
            .await
            .unwrap_or_else(|e| panic!("find {selector}: {e}"))
            .text()
            .await
            .unwrap()
    }

    /// Click the admin form's save button and wait for the answer page: only it has a flash
    /// message, a conflict or an error summary (the form's own h1 is still there right after
    /// the click).
    pub async fn save(&self) {
        self.click("form#form button[type=submit]").await;
        self.wait_for(".flash, .conflict, .error-summary").await;
    }

    /// Press one key (Tab, Enter…) wherever the focus is.
    pub async fn press(&self, key: Key) {
        self.press_with(None, key).await;
    }

    /// Press `key` while holding `modifier` (Shift+Tab).
    pub async fn press_with(&self, modifier: Option<Key>, key: Key) {
        let mut actions = KeyActions::new("keyboard".to_owned());
        if let Some(modifier) = modifier {
            actions = actions.then(KeyAction::Down {
                value: char::from(modifier),
            });
        }
        actions = actions
            .then(KeyAction::Down {
                value: char::from(key),
            })
            .then(KeyAction::Up {
                value: char::from(key),
            });
        if let Some(modifier) = modifier {
            actions = actions.then(KeyAction::Up {
                value: char::from(modifier),
            });
        }
        self.client().perform_actions(actions).await.unwrap();
    }

    /// Run `script` in the page (JavaScript must be on) and return what it returns.
    pub async fn run(&self, script: &str) -> Value {
        self.client()
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}"))
    }

    /// A PNG of the whole page at `width` CSS pixels (the window grows to the page's height).
    pub async fn screenshot(&self, width: u32) -> Vec<u8> {
        let client = self.client();
        client.set_window_size(width, 900).await.unwrap();
        let height = client
            .execute(
                "return Math.ceil(document.documentElement.scrollHeight);",
                vec![],
            )
            .await
            .unwrap()
            .as_u64()
            .unwrap_or(900)
            .clamp(400, 8000) as u32;
        // The window's outer size includes no chrome in headless mode.
        client.set_window_size(width, height).await.unwrap();
        let png = client.screenshot().await.unwrap();
        client.set_window_size(1280, 900).await.unwrap();
        png
    }

    /// Everything the browser reported since the last call: SEVERE console messages, failed
    /// requests, error responses and requests to any host but `allowed_host` (`127.0.0.1:port`).
    pub async fn problems(&self, allowed_host: &str) -> Vec<Problem> {
        let mut problems = Vec::new();
        for entry in self.log("browser").await {
            if entry["level"] == "SEVERE" {
                problems.push(Problem::Console(
                    entry["message"].as_str().unwrap_or_default().to_owned(),
                ));
            }
        }
        let mut urls = std::collections::HashMap::new();
        for entry in self.log("performance").await {
            let Some(message) = entry["message"].as_str() else {
                continue;
            };
            let event: Value = serde_json::from_str(message).unwrap_or_default();
            let params = &event["message"]["params"];
            match event["message"]["method"].as_str().unwrap_or_default() {
                "Network.requestWillBeSent" => {
                    let url = params["request"]["url"].as_str().unwrap_or_default();
                    // Only what the pages ask for counts, not what the browser fetches for
                    // itself (its chrome:// pages, its start-up requests).
                    let from_page = params["documentURL"]
                        .as_str()
                        .and_then(|document| url::Url::parse(document).ok())
                        .is_some_and(|document| is_web(&document));
                    if !from_page {
                        continue;
                    }
                    urls.insert(
                        params["requestId"].as_str().unwrap_or_default().to_owned(),
                        url.to_owned(),
                    );
                    let to = url::Url::parse(url).ok();
                    let elsewhere = match &to {
                        Some(to) if is_web(to) => host_and_port(to) != allowed_host,
                        // data: and blob: URLs stay on the page.
                        Some(to) => !matches!(to.scheme(), "data" | "blob"),
                        None => true,
                    };
                    if elsewhere {
                        problems.push(Problem::OtherHost(url.to_owned()));
                    }
                }
                "Network.loadingFailed" => {
                    let id = params["requestId"].as_str().unwrap_or_default();
                    // A request cut short by going to the next page did not fail.
                    let canceled = params["canceled"] == true;
                    if let Some(url) = urls.get(id).filter(|_| !canceled) {
                        problems.push(Problem::FailedRequest {
                            url: url.clone(),
                            error: params["errorText"].as_str().unwrap_or_default().to_owned(),
                        });
                    }
                }
                "Network.responseReceived" => {
                    let status = params["response"]["status"].as_u64().unwrap_or_default();
                    let kind = params["type"].as_str().unwrap_or_default();
                    // A page itself may be an error page on purpose (404, 422, 409); its
                    // stylesheets, fonts and images may not.
                    let from_page =
                        urls.contains_key(params["requestId"].as_str().unwrap_or_default());
                    if from_page && status >= 400 && kind != "Document" {
                        problems.push(Problem::ErrorResponse {
                            url: params["response"]["url"]
                                .as_str()
                                .unwrap_or_default()
                                .to_owned(),
                            status,
                        });
                    }
                }
                _ => {}
            }
        }
        problems
    }

    /// Send a Chrome DevTools Protocol command (`"CSS.getPlatformFontsForNode"`) to the page's
    /// target and return its result.
    pub async fn cdp(&self, cmd: &str, params: Value) -> Value {
        self.client()
            .issue_cmd(Cdp(json!({ "cmd": cmd, "params": params })))
            .await
            .unwrap_or_else(|e| panic!("DevTools {cmd}: {e}"))
    }

    /// Drain one of chromedriver's logs (`browser` or `performance`).
    async fn log(&self, kind: &'static str) -> Vec<Value> {
        let value = self
            .client()
            .issue_cmd(GetLog(kind))
            .await
            .unwrap_or_else(|e| panic!("read the {kind} log: {e}"));
        value.as_array().cloned().unwrap_or_default()
    }

    /// End the browser session.
    pub async fn close(mut self) {
        if let Some(client) = self.client.take() {
            let _ = client.close().await;
        }
    }
}

fn is_web(url: &url::Url) -> bool {
    matches!(url.scheme(), "http" | "https")
}

fn host_and_port(url: &url::Url) -> String {
    format!(
        "{}:{}",
        url.host_str().unwrap_or_default(),
        url.port_or_known_default().unwrap_or_default()
    )
}

/// chromedriver's log endpoint (not part of W3C WebDriver, so fantoccini has no call for it).
#[derive(Debug)]
struct GetLog(&'static str);

impl WebDriverCompatibleCommand for GetLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (Method, Option<String>) {
        (Method::POST, Some(json!({ "type": self.0 }).to_string()))
    }
}

/// chromedriver's door to the DevTools protocol, `{"cmd": ..., "params": {...}}` (commands only:
/// events do not come back this way).
#[derive(Debug)]
struct Cdp(Value);

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (Method, Option<String>) {
        (Method::POST, Some(self.0.to_string()))
    }
}
