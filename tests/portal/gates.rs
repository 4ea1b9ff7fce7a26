//! The gates every page passes, public and admin, in every language:
//!
//! - the served HTML, and every stylesheet, has no error or warning in the Nu HTML Checker
//!   (`vnu.jar`);
//! - in headless Chromium, axe-core finds no WCAG 2.0/2.1/2.2 A or AA violation (nor any of its
//!   best-practice rules), and the browser reports no console error, no failed request and no
//!   request to another host;
//! - a screenshot of each kind of page in each language at 360 and 1280 px wide is saved
//!   under `target/gates/screenshots` for people to look at.
//!
//! The checkers come from npm (`tests/gates/package.json`; `.ci/run` installs them with
//! `npm ci --prefix tests/gates`). Without them, or without Java or a browser, the gates say
//! "skipped" — except under CI, where that fails.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use reqwest::StatusCode;
use serde_json::Value;

use crate::chrome::{Browser, Problem};
use crate::helpers::{ADMIN_PASSWORD, Page, TestApp, content_type};
use crate::site::{Fetched, crawl};

/// A page as the server sent it.
struct Served {
    /// Where it was asked for (for a form's answer: where the form was posted).
    path: String,
    status: StatusCode,
    html: String,
    /// What kind of page it is (`page_kind`).
    kind: String,
}

/// Where the gate tools are and the folder for their output; `None` (skipped) outside CI
/// when they are not installed.
struct Tools {
    vnu_jar: PathBuf,
    axe_js: PathBuf,
    output: PathBuf,
}

impl Tools {
    fn find() -> Option<Self> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let modules = root.join("tests/gates/node_modules");
        let tools = Self {
            vnu_jar: modules.join("vnu-jar/build/dist/vnu.jar"),
            axe_js: modules.join("axe-core/axe.min.js"),
            output: std::env::var_os("CARGO_TARGET_DIR")
                .map_or_else(|| root.join("target"), PathBuf::from)
                .join("gates"),
        };
        let java = std::process::Command::new("java")
            .arg("-version")
            .output()
            .is_ok_and(|o| o.status.success());
        let missing = if !java {
            Some("java (apt-get install default-jre-headless)")
        } else if !tools.vnu_jar.exists() || !tools.axe_js.exists() {
            Some("the checkers (npm ci --prefix tests/gates)")
        } else {
            None
        };
        if let Some(missing) = missing {
            assert!(
                std::env::var_os("CI").is_none(),
                "the gates must run under CI: install {missing}"
            );
            eprintln!("skipped: no {missing}");
            return None;
        }
        Some(tools)
    }
}

/// The kind of page a response is, for naming screenshots and checking coverage: its
/// language, then its path with ids and slugs as placeholders, then its status if not 200 —
/// `/zh/speakers/ghulam-qadir` and `/zh/speakers/moin-ul-haque` are one kind, `zh-speakers-slug`.
fn page_kind(lang: &str, path: &str, status: StatusCode) -> String {
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let mut segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if matches!(segments.first(), Some(&"zh" | &"ur")) {
        segments.remove(0);
    }
    let mut kind = vec![lang.split('-').next().unwrap_or(lang).to_owned()];
    let public = segments.first() != Some(&"admin");
    for (i, segment) in segments.iter().enumerate() {
        if segment.bytes().all(|b| b.is_ascii_digit()) {
            kind.push("id".to_owned());
        } else if public && i == 1 {
            kind.push("slug".to_owned());
        } else {
            kind.push((*segment).to_owned());
        }
    }
    if segments.is_empty() {
        kind.push("home".to_owned());
    }
    if let Some((name, _)) = query.split_once('=') {
        kind.push(format!("by-{name}"));
    }
    if status != StatusCode::OK {
        kind.push(status.as_u16().to_string());
    }
    kind.join("-")
}

/// Public pages: everything linked from the home page in the three languages, the
/// organisation filter with each choice and with a bad one, and "not found" in each language.
async fn public_pages(app: &TestApp) -> Vec<Served> {
    let mut pages = crawled(
        crawl(app, &["/"], |path| {
            !path.starts_with("/admin") && !path.starts_with("/static")
        })
        .await,
    );
    let filter = Page::parse(&app.get("/organisations").await.text().await.unwrap());
    let mut paths = Vec::new();
    for name in ["kind", "country"] {
        for value in filter.attrs(&format!("select[name={name}] option"), "value") {
            if !value.is_empty() {
                paths.push(format!("/organisations?{name}={value}"));
            }
        }
    }
    paths.extend(
        [
            "/organisations?kind=no-such-kind",
            "/no-such-page",
            "/zh/speakers/nobody",
            "/ur/agreements/nothing",
            // Search pages, which no link reaches: empty, found, one kind, nothing, no word.
            "/search",
            "/search?q=agreements",
            "/search?q=agreement&kind=quotes",
            "/zh/search?q=%E5%90%88%E4%BD%9C",
            "/ur/search?q=%D8%AA%D8%B9%D8%A7%D9%88%D9%86",
            "/zh/search?q=zzyzxq",
            "/ur/search?q=%21%21%21",
        ]
        .map(String::from),
    );
    pages.extend(fetch_all(app, paths).await);
    pages
}

/// Admin pages, as a logged-in admin: everything linked from the dashboard in English, a
/// search with and without results, "not found", then one page of each kind again in
/// Chinese and in Urdu (the admin speaks the language of the last public page read).
async fn admin_pages(app: &TestApp) -> Vec<Served> {
    // The public crawl followed the switcher's links, which set the language the admin speaks
    // (an account that chose none follows the switcher): English first, through the switcher.
    app.get("/lang/en/speakers").await;
    // Something in the bin, and an entry with more than one version in its history.
    let booth = app.id_of("booths", "stza").await;
    let deleted = delete(app, &format!("/admin/booths/{booth}")).await;
    assert_eq!(deleted.status(), StatusCode::SEE_OTHER, "delete a booth");
    let person = format!(
        "/admin/people/{}",
        app.id_of("people", "khan-muhammad").await
    );
    let values = app.form_values(&person).await;
    let saved = app
        .post_changed(&person, &values, &[("role", "Science Counsellor")])
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER, "edit a person");
    // A draft, whose form links to its preview.
    let draft = format!(
        "/admin/people/{}",
        app.id_of("people", "xiaodong-zhang").await
    );
    let mut values = app.form_values(&draft).await;
    values.retain(|(name, _)| name != "published");
    let saved = app.post_changed(&draft, &values, &[]).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER, "unpublish a person");

    let mut pages = fetch_all(app, vec!["/speakers".to_owned()]).await; // English
    pages.extend(crawled(
        crawl(app, &["/admin"], |path| path.starts_with("/admin")).await,
    ));
    pages.extend(
        fetch_all(
            app,
            [
                "/admin/people?q=khan",
                "/admin/people?q=nobody-at-all",
                "/admin/people/999999",
            ]
            .map(String::from)
            .to_vec(),
        )
        .await,
    );
    let mut kinds = BTreeSet::new();
    let one_of_each: Vec<String> = pages
        .iter()
        .filter(|page| page.path.starts_with("/admin") && kinds.insert(page.kind.clone()))
        .map(|page| page.path.clone())
        .collect();
    for lang in ["zh", "ur"] {
        // Choosing a language in the site's switcher makes the admin speak it.
        app.get(&format!("/lang/{lang}/speakers")).await;
        pages.extend(fetch_all(app, vec![format!("/{lang}/speakers")]).await);
        pages.extend(fetch_all(app, one_of_each.clone()).await);
    }
    // Back to English through the switcher (reading a page never changes the language), so
    // the answer pages that follow are in English.
    app.get("/lang/en/speakers").await;
    pages.extend(fetch_all(app, vec!["/speakers".to_owned()]).await);
    pages
}

/// The pages only a form's answer shows: a failed login, a form with errors, a conflict,
/// a refused delete, and the first-admin setup form with and without errors.
async fn answer_pages(app: &TestApp) -> Vec<Served> {
    let mut pages = Vec::new();
    let visitor = app.other_client();
    let response = visitor
        .log_in("admin@example.org", "not the password")
        .await;
    pages.push(served("/admin/login", response).await);

    let token = app.csrf_token("/admin/people/new").await;
    let response = app
        .post_form("/admin/people/new", &[("csrf_token", &token)])
        .await;
    pages.push(served("/admin/people/new", response).await);

    let person = format!(
        "/admin/people/{}",
        app.id_of("people", "ghulam-qadir").await
    );
    let stale = app.form_values(&person).await;
    let first = app
        .post_changed(&person, &stale, &[("role", "First edit")])
        .await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let response = app
        .post_changed(&person, &stale, &[("role", "Second edit")])
        .await;
    pages.push(served(&person, response).await);

    // ZBRA is a party to agreements: its delete page offers no button, but a delete posted
    // anyway (say, from a page opened before the agreement was made) is refused.
    let organisation = app.id_of("organisations", "zbra").await;
    let entry = format!("/admin/organisations/{organisation}");
    let path = format!("{entry}/delete");
    let response = delete(app, &entry).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let refused = served(&path, response).await;
    assert!(
        refused
            .html
            .contains("cannot be deleted while other entries point to it"),
        "the refusal names the reason"
    );
    pages.push(refused);

    let fresh = TestApp::spawn().await;
    let setup_token = fresh.setup_token().await;
    let path = format!("/admin/setup?token={setup_token}");
    pages.push(served(&path, fresh.get(&path).await).await);
    let csrf = fresh.csrf_token(&path).await;
    let response = fresh
        .post_form(
            "/admin/setup",
            &[
                ("csrf_token", &csrf),
                ("token", &setup_token),
                ("email", "not an address"),
                ("password", "short"),
                ("password_again", "other"),
            ],
        )
        .await;
    pages.push(served("/admin/setup", response).await);
    pages.extend(account_pages(app).await);
    pages
}

/// The answers of the account pages: a wrong current password, a new invitation link, the
/// invitation form and its errors, the recovery codes, the code asked at login and a wrong one.
async fn account_pages(app: &TestApp) -> Vec<Served> {
    let mut pages = Vec::new();
    let token = app.csrf_token("/admin/account").await;
    let response = app
        .post_form(
            "/admin/account/password",
            &[
                ("csrf_token", &token),
                ("current_password", "not the password"),
                ("password", "short"),
                ("password_again", "other"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    pages.push(served("/admin/account", response).await);
    let response = app
        .post_form(
            "/admin/accounts/invite",
            &[("csrf_token", &token), ("role", "editor")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let accounts = served("/admin/accounts", app.get("/admin/accounts").await).await;
    let link = Page::parse(&accounts.html).text("#invite-link code");
    pages.push(accounts);
    let path = format!(
        "/admin/invite{}",
        link.split_once("/admin/invite").unwrap().1
    );
    let invitee = app.other_client();
    pages.push(served(&path, invitee.get(&path).await).await);
    let csrf = invitee.csrf_token(&path).await;
    let response = invitee
        .post_form(
            "/admin/invite",
            &[
                ("csrf_token", &csrf),
                ("token", link.split("token=").nth(1).unwrap()),
                ("email", "not an address"),
                ("password", "short"),
                ("password_again", "other"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    pages.push(served("/admin/invite", response).await);

    let member = crate::accounts::member(app, "gates@example.org", "translator").await;
    let id: i64 = sqlx::query_scalar("SELECT id FROM admins WHERE email = 'gates@example.org'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let path = format!("/admin/accounts/{id}/remove");
    pages.push(served(&path, app.get(&path).await).await);
    let (_, _, html) = crate::two_factor::turn_on_with_page(&member).await;
    pages.push(Served::new(
        "/admin/account/two-factor/recovery-codes",
        StatusCode::OK,
        html,
    ));
    let path = "/admin/account/two-factor";
    pages.push(served(path, member.get(path).await).await);
    pages.push(served("/admin/accounts", app.get("/admin/accounts").await).await);
    crate::two_factor::log_out(&member).await;
    member.log_in("gates@example.org", ADMIN_PASSWORD).await;
    let path = "/admin/login/two-factor";
    pages.push(served(path, member.get(path).await).await);
    let response = crate::two_factor::send_code(&member, "000000").await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    pages.push(served(path, response).await);
    pages
}

/// Delete the entry whose edit page is at `entry`, with its current version, as an admin
/// would from its delete page (which shows no button when other entries depend on it).
async fn delete(app: &TestApp, entry: &str) -> reqwest::Response {
    let values = app.form_values(entry).await;
    let field = |name: &str| {
        values
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let (token, version) = (field("csrf_token"), field("version"));
    app.post_form(
        &format!("{entry}/delete"),
        &[("csrf_token", &token), ("version", &version)],
    )
    .await
}

async fn fetch_all(app: &TestApp, paths: Vec<String>) -> Vec<Served> {
    let mut pages = Vec::new();
    for path in paths {
        let response = app.get(&path).await;
        pages.push(served(&path, response).await);
    }
    pages
}

async fn served(path: &str, response: reqwest::Response) -> Served {
    let status = response.status();
    let content_type = content_type(&response);
    assert!(
        content_type.starts_with("text/html"),
        "{path}: {status} {content_type}"
    );
    Served::new(path, status, response.text().await.unwrap())
}

/// The HTML pages of a crawl.
fn crawled(fetched: Vec<Fetched>) -> Vec<Served> {
    fetched
        .into_iter()
        .filter_map(|page| Some(Served::new(&page.path, page.status, page.html?)))
        .collect()
}

impl Served {
    fn new(path: &str, status: StatusCode, html: String) -> Self {
        assert!(
            !status.is_server_error(),
            "{path}: a server error ({status})"
        );
        let lang = Page::parse(&html).attrs("html", "lang").concat();
        Self {
            path: path.to_owned(),
            status,
            kind: page_kind(&lang, path, status),
            html,
        }
    }
}

/// Run the Nu HTML Checker once over all `pages` and `stylesheets`; its errors and warnings,
/// by page or file.
fn markup_problems(
    tools: &Tools,
    folder: &str,
    pages: &[Served],
    stylesheets: &[PathBuf],
) -> Vec<String> {
    let folder = tools.output.join(folder);
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).unwrap();
    let mut files = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        let file = folder.join(format!("{i:03}-{}.html", page.kind));
        std::fs::write(&file, &page.html).unwrap();
        files.push(file);
    }
    let output = std::process::Command::new("java")
        .arg("-jar")
        .arg(&tools.vnu_jar)
        .args(["--also-check-css", "--format", "json", "--stdout"])
        .args(&files)
        .args(stylesheets)
        .output()
        .expect("run vnu.jar");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "vnu.jar printed no report ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let mut problems = Vec::new();
    for message in report["messages"].as_array().unwrap() {
        // Errors and warnings count; plain information ("trailing slash…") does not.
        if message["type"] == "info" && message["subType"] != "warning" {
            continue;
        }
        let url = message["url"].as_str().unwrap_or_default();
        let page = files
            .iter()
            .position(|file| url.ends_with(&*file.to_string_lossy()))
            .map_or(url, |i| pages[i].path.as_str());
        problems.push(format!(
            "{page} line {}: {} {} — {}",
            message["lastLine"],
            message["subType"]
                .as_str()
                .unwrap_or(message["type"].as_str().unwrap_or_default()),
            message["message"].as_str().unwrap_or_default(),
            message["extract"].as_str().unwrap_or_default().trim()
        ));
    }
    if problems.is_empty() {
        assert!(
            output.status.success(),
            "vnu.jar failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    problems
}

/// Every stylesheet the portal serves.
fn stylesheets() -> Vec<PathBuf> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("static/css");
    let mut sheets: Vec<PathBuf> = std::fs::read_dir(folder)
        .unwrap()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "css"))
        .collect();
    sheets.sort();
    sheets
}

#[tokio::test]
async fn every_page_and_stylesheet_is_valid() {
    let Some(tools) = Tools::find() else {
        return;
    };
    let app = TestApp::spawn_logged_in().await;
    let mut pages = public_pages(&app).await;
    pages.extend(admin_pages(&app).await);
    pages.extend(answer_pages(&app).await);
    // Every kind of page is here, public and admin, in each language.
    let kinds: BTreeSet<&str> = pages.iter().map(|p| p.kind.as_str()).collect();
    for kind in [
        "en-home",
        "zh-speakers-slug",
        "ur-agreements-slug",
        "ur-exhibitors",
        "en-organisations-by-kind",
        "en-admin",
        "zh-admin-people-id",
        "ur-admin-booths-deleted",
        "en-admin-people-new",
        "en-admin-organisations-id-history",
        "en-admin-people-id-preview",
        "ur-admin-people-id-preview",
        "en-admin-setup-by-token",
    ] {
        assert!(kinds.contains(kind), "no {kind} page among {kinds:?}");
    }
    for status in [
        StatusCode::OK,
        StatusCode::BAD_REQUEST,
        StatusCode::UNAUTHORIZED,
        StatusCode::NOT_FOUND,
        StatusCode::CONFLICT,
        StatusCode::UNPROCESSABLE_ENTITY,
    ] {
        assert!(
            pages.iter().any(|p| p.status == status),
            "no page answered {status}"
        );
    }
    let sheets = stylesheets();
    assert!(
        sheets.len() >= 3,
        "site.css and the font sheets: {sheets:?}"
    );
    let problems = markup_problems(&tools, "html", &pages, &sheets);
    assert!(
        problems.is_empty(),
        "{} errors and warnings in {} pages and {} stylesheets:\n{}",
        problems.len(),
        pages.len(),
        sheets.len(),
        problems.join("\n")
    );
    eprintln!(
        "{} pages and {} stylesheets, no error or warning",
        pages.len(),
        sheets.len()
    );
}

/// The accessibility rules the gate applies: WCAG 2.0, 2.1 and 2.2 at levels A and AA, and
/// axe's best practices (landmarks, heading order, one main…), which every page meets too.
const AXE_TAGS: &str = "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']";

/// What axe-core finds wrong with the page shown now, one line per rule and element.
async fn accessibility_violations(browser: &Browser, axe_source: &str) -> Vec<String> {
    browser
        .client()
        .execute(axe_source, vec![])
        .await
        .expect("inject axe-core");
    let script = format!(
        "const done = arguments[arguments.length - 1];
         axe.run(document, {{ runOnly: {{ type: 'tag', values: {AXE_TAGS} }}, resultTypes: ['violations'] }})
           .then(r => done(r.violations.flatMap(v => v.nodes.map(n =>
               v.id + ' (' + v.impact + '): ' + v.help + ' at ' + n.target.join(' ')))))
           .catch(e => done(['axe failed: ' + e]));"
    );
    let found = browser
        .client()
        .execute_async(&script, vec![])
        .await
        .expect("run axe-core");
    found
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Checks the page the browser shows now: axe-core, the console and the network; saves
/// screenshots the first time a kind of page is seen. Findings go to `findings`.
struct BrowserGate<'a> {
    browser: &'a Browser,
    host: String,
    axe_source: String,
    screenshots: PathBuf,
    kinds_seen: BTreeSet<String>,
    findings: Vec<String>,
    checked: usize,
}

impl<'a> BrowserGate<'a> {
    /// A gate for pages served at `host` (`127.0.0.1:port`); screenshots go to `folder`.
    fn new(browser: &'a Browser, host: String, tools: &Tools, folder: &str) -> Self {
        let screenshots = tools.output.join("screenshots").join(folder);
        let _ = std::fs::remove_dir_all(&screenshots);
        std::fs::create_dir_all(&screenshots).unwrap();
        Self {
            browser,
            host,
            axe_source: std::fs::read_to_string(&tools.axe_js).unwrap(),
            screenshots,
            kinds_seen: BTreeSet::new(),
            findings: Vec::new(),
            checked: 0,
        }
    }

    /// Go to the page and check what is shown.
    async fn visit(&mut self, page: &Served) {
        self.visit_path(&page.path, &page.kind).await;
    }

    /// Go to `path`, a page of `kind`, and check what is shown.
    async fn visit_path(&mut self, path: &str, kind: &str) {
        self.browser
            .goto(&format!("http://{}{path}", self.host))
            .await;
        self.check(path, kind).await;
    }

    /// Check the page shown now, which was reached through `path` and is of `kind`.
    async fn check(&mut self, path: &str, kind: &str) {
        self.checked += 1;
        for violation in accessibility_violations(self.browser, &self.axe_source).await {
            self.findings.push(format!("{path}: {violation}"));
        }
        if self.kinds_seen.insert(kind.to_owned()) {
            for width in [360, 1280] {
                let png = self.browser.screenshot(width).await;
                std::fs::write(self.screenshots.join(format!("{kind}-{width}.png")), png).unwrap();
            }
        }
        // An error page says so in its status, which the console reports; that is expected.
        let own_status = format!("http://{}{path} - Failed to load resource", self.host);
        for problem in self.browser.problems(&self.host).await {
            let problem = match problem {
                Problem::Console(message) if message.starts_with(&own_status) => continue,
                Problem::Console(message) => format!("console error: {message}"),
                Problem::FailedRequest { url, error } => format!("request failed: {url} {error}"),
                Problem::ErrorResponse { url, status } => format!("{status} for {url}"),
                Problem::OtherHost(url) => format!("request to another host: {url}"),
            };
            self.findings.push(format!("{path}: {problem}"));
        }
    }

    fn assert_clean(self) {
        assert!(
            self.findings.is_empty(),
            "{} findings on {} pages:\n{}",
            self.findings.len(),
            self.checked,
            self.findings.join("\n")
        );
        eprintln!(
            "{} pages clean; screenshots in {}",
            self.checked,
            self.screenshots.display()
        );
    }
}

#[tokio::test]
async fn every_public_page_passes_axe_and_loads_cleanly_in_a_browser() {
    let Some(tools) = Tools::find() else {
        return;
    };
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::spawn().await;
    let pages = public_pages(&app).await;
    let mut gate = BrowserGate::new(&browser, app.addr.to_string(), &tools, "public");
    for page in &pages {
        gate.visit(page).await;
    }
    gate.assert_clean();
    browser.close().await;
}

/// The public pages that show what admins add (photos, logos, documents, forum pictures, the
/// floor plan, the programme), in each language.
fn furnished_paths() -> Vec<String> {
    let mut paths = Vec::new();
    for prefix in ["", "/zh", "/ur"] {
        for path in [
            "/",
            "/speakers",
            "/speakers/moin-ul-haque",
            "/organisations",
            "/exhibitors",
            "/agreements",
        ] {
            paths.push(match (prefix, path) {
                ("", path) => path.to_owned(),
                (prefix, "/") => prefix.to_owned(),
                (prefix, path) => format!("{prefix}{path}"),
            });
        }
    }
    paths
}

/// A running app with pictures, documents, a floor plan and a programme, as an admin would
/// leave it (the seed has none of them).
async fn furnished_app() -> TestApp {
    let app = TestApp::spawn().await;
    crate::media::furnish_media(&app).await;
    crate::floor_plan::furnish_plan(&app).await;
    crate::programme::furnish_programme(&app).await;
    app.changes_heard().await;
    app
}

#[tokio::test]
async fn pages_with_pictures_a_plan_and_a_programme_pass_the_gates() {
    let Some(tools) = Tools::find() else {
        return;
    };
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = furnished_app().await;
    let mut paths = furnished_paths();
    // Every page that links to a speaker, an organisation, an agreement or a booth now shows
    // its picture, logo or documents: take each entry page once.
    for page in ["/speakers", "/organisations", "/agreements", "/exhibitors"] {
        let list = Page::parse(&app.get(page).await.text().await.unwrap());
        paths.extend(list.attrs(".card__title a", "href"));
    }
    paths.sort();
    paths.dedup();
    let pages = fetch_all(&app, paths).await;
    assert!(
        pages.iter().any(|p| p.html.contains("<picture")),
        "the furnished pages show pictures"
    );
    assert!(
        pages.iter().any(|p| p.html.contains("plan-booth")),
        "the furnished pages show the floor plan"
    );
    assert!(
        pages.iter().any(|p| p.html.contains("programme-")),
        "the furnished pages show the programme"
    );
    for page in &pages {
        assert_eq!(page.status, StatusCode::OK, "{}", page.path);
    }
    let problems = markup_problems(&tools, "furnished", &pages, &[]);
    assert!(
        problems.is_empty(),
        "{} errors and warnings in {} furnished pages:\n{}",
        problems.len(),
        pages.len(),
        problems.join("\n")
    );
    let mut gate = BrowserGate::new(&browser, app.addr.to_string(), &tools, "furnished");
    for page in &pages {
        gate.visit(page).await;
    }
    gate.assert_clean();
    browser.close().await;
}

#[tokio::test]
async fn every_admin_page_passes_axe_and_loads_cleanly_in_a_browser() {
    let Some(tools) = Tools::find() else {
        return;
    };
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::spawn_logged_in().await;
    let mut gate = BrowserGate::new(&browser, app.addr.to_string(), &tools, "admin");

    // Logged out: the login page, then a failed login.
    gate.visit_path("/admin/login", "en-admin-login").await;
    browser.set_field("#email", "admin@example.org").await;
    browser.set_field("#password", "not the password").await;
    browser.click("form button[type=submit]").await;
    browser.wait_for(".error-summary").await;
    gate.check("/admin/login", "en-admin-login-401").await;

    browser.log_in(&app, "admin@example.org").await;
    for page in admin_pages(&app).await {
        gate.visit(&page).await;
    }

    // A form with errors: a new person with nothing filled in.
    gate.visit_path("/admin/people/new", "en-admin-people-new")
        .await;
    browser.save().await;
    browser.wait_for(".error-summary").await;
    gate.check("/admin/people/new", "en-admin-people-new-422")
        .await;

    // A conflict: someone else saves while the form is open.
    let person = format!(
        "/admin/people/{}",
        app.id_of("people", "ghulam-qadir").await
    );
    gate.visit_path(&person, "en-admin-people-id").await;
    let values = app.form_values(&person).await;
    let other = app
        .post_changed(&person, &values, &[("role", "Changed meanwhile")])
        .await;
    assert_eq!(other.status(), StatusCode::SEE_OTHER);
    browser.set_field("#field-role", "Changed here").await;
    browser.save().await;
    browser.wait_for(".conflict").await;
    gate.check(&person, "en-admin-people-id-409").await;

    // The first-admin setup form, and its answer to bad input.
    let fresh = TestApp::spawn().await;
    let token = fresh.setup_token().await;
    gate.host = fresh.addr.to_string();
    gate.visit_path(&format!("/admin/setup?token={token}"), "en-admin-setup")
        .await;
    browser.set_field("#email", "first@example.org").await;
    browser.set_field("#password", "short but ok?").await;
    browser.set_field("#password_again", "different!!!").await;
    browser.click("form button[type=submit]").await;
    browser.wait_for(".error-summary").await;
    gate.check("/admin/setup", "en-admin-setup-422").await;

    gate.assert_clean();
    browser.close().await;
}

/// A page with one of each fault the gates look for.
const BAD_PAGE: &str = "<!DOCTYPE html><html><head><meta charset=utf-8>\
    <link rel=stylesheet href=/missing.css></head><body>\
    <img src=/missing.png><img src=http://example.org/logo.png alt=Logo>\
    <script>notDefined()</script><p><div>block in a paragraph</div></body></html>";

/// The gates can fail: each of them finds the faults of a page made to have them.
#[tokio::test]
async fn the_gates_catch_a_bad_page() {
    let Some(tools) = Tools::find() else {
        return;
    };
    let bad_css = tools.output.join("bad.css");
    std::fs::create_dir_all(&tools.output).unwrap();
    std::fs::write(&bad_css, "body { colour: red; }\n").unwrap();
    let problems = markup_problems(
        &tools,
        "html-bad",
        &[Served::new("/bad", StatusCode::OK, BAD_PAGE.to_owned())],
        &[bad_css],
    );
    for expected in ["/bad line", "title", "bad.css line 1", "colour"] {
        assert!(
            problems.iter().any(|p| p.contains(expected)),
            "vnu.jar reports {expected:?}: {problems:#?}"
        );
    }

    let Some(browser) = Browser::start().await else {
        return;
    };
    let router = axum::Router::new().route(
        "/bad",
        axum::routing::get(|| async { axum::response::Html(BAD_PAGE) }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let host = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move { axum::serve(listener, router).await });
    let mut gate = BrowserGate::new(&browser, host.clone(), &tools, "bad");
    gate.visit_path("/bad", "bad").await;
    let found = gate.findings.join("\n");
    for expected in [
        "image-alt",
        "html-has-lang",
        "document-title",
        "console error",
        &format!("404 for http://{host}/missing.css"),
        "request to another host: http://example.org/logo.png",
        "request failed: http://example.org/logo.png",
    ] {
        assert!(found.contains(expected), "no {expected:?} in:\n{found}");
    }
    browser.close().await;
}
