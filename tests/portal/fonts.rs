//! Fonts: every Urdu letter is drawn from a font that has it, on a first visit too.
//!
//! On a machine without an Urdu font of its own — this one: `fc-list :lang=ur` lists nothing,
//! and DejaVu, the fallback, lacks ہ and ے — only the served Noto Nastaliq Urdu has the letters.
//! Chromium itself says which fonts it drew a node's text with (`CSS.getPlatformFontsForNode`,
//! through chromedriver's DevTools door), so the tests check:
//!
//! - while the face is on its way (the test server holds it back), no Arabic-script text is
//!   drawn at all: a face that swapped in a fallback would draw it with letters missing;
//! - on a slow first visit (1.6 Mbit/s, 150 ms, no cache), once the fonts are in, every run of
//!   Arabic-script text is drawn from a font that has Urdu's letters: the served face or one
//!   that `fc-list :lang=ur` names;
//! - Urdu pages preload the face their stylesheet uses (fetched once), other pages nothing;
//! - Chinese and Urdu text gets no faux bold.
//!
//! And the checks can fail: a copy of the site whose Urdu faces `swap`, or are `optional`
//! (the font-display of the first round), is caught.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use forum_portal::config::SessionArgs;
use forum_portal::state::{AppState, WebConfig};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::sync::watch;

use crate::chrome::Browser;
use crate::helpers::{Page, TestApp, seeded_database};

/// The Urdu face every Urdu page preloads: Urdu's letters, cut from Noto Nastaliq Urdu.
const URDU_FACE: &str = "/static/fonts/noto-nastaliq-urdu/noto-nastaliq-urdu-400-urdu.woff2";

/// The family name the served faces give themselves.
const SERVED_FAMILY: &str = "Noto Nastaliq Urdu";

/// Urdu pages of each kind: the home page, a person, a list with a filter form, "not found".
const URDU_PAGES: [&str; 4] = [
    "/ur",
    "/ur/speakers/moin-ul-haque",
    "/ur/organisations",
    "/ur/agreements/nothing",
];

/// Wraps each run of Arabic-script text on the page (words and the spaces between them) in a
/// `<span data-font-probe>`, and marks each `<select>` whose shown option is such text (the
/// browser draws it inside the select); drops marks from what is not drawn at all (options
/// in a closed list). Returns the marked texts in document order. Wrapping changes no style,
/// so no font choice: it only gives the DevTools a node for each run.
const MARK_ARABIC_TEXT: &str = r#"
const run = /[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]+(?:[\s\u200C-\u200F]+[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]+)*/g;
if (!document.body.dataset.fontProbes) {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const texts = [];
  while (walker.nextNode()) texts.push(walker.currentNode);
  for (const text of texts) {
    if (text.parentElement.closest('option, script, style, textarea, template')) continue;
    const value = text.nodeValue;
    const pieces = [];
    let last = 0;
    for (const match of value.matchAll(run)) {
      pieces.push(value.slice(last, match.index));
      const probe = document.createElement('span');
      probe.dataset.fontProbe = '';
      probe.textContent = match[0];
      pieces.push(probe);
      last = match.index + match[0].length;
    }
    if (pieces.length === 0) continue;
    pieces.push(value.slice(last));
    text.replaceWith(...pieces);
  }
  for (const select of document.querySelectorAll('select')) {
    const shown = select.selectedOptions[0];
    if (shown && shown.textContent.match(run)) select.dataset.fontProbe = '';
  }
  for (const probe of document.querySelectorAll('[data-font-probe]')) {
    if (probe.getClientRects().length === 0) delete probe.dataset.fontProbe;
  }
  document.body.dataset.fontProbes = 'marked';
}
return [...document.querySelectorAll('[data-font-probe]')].map(probe =>
  probe.localName === 'select' ? probe.selectedOptions[0].textContent.trim() : probe.textContent);
"#;

/// Makes all text transparent but the marked Arabic-script runs, which are black, or
/// transparent too when `arguments[0]` is true; `null` removes the sheet again.
const PAINT_ONLY_ARABIC_TEXT: &str = r#"
const hide = arguments[0];
if (hide === null) { document.adoptedStyleSheets = []; return; }
const sheet = new CSSStyleSheet();
sheet.replaceSync(`
  body * { color: transparent !important; text-decoration-color: transparent !important;
           text-shadow: none !important; caret-color: transparent !important; }
  body [data-font-probe] { color: ${hide ? 'transparent' : '#000'} !important; }`);
document.adoptedStyleSheets = [sheet];
"#;

/// Where the served Nastaliq stands now: `[ms since the page was asked for, loading]`.
const URDU_FACE_STATE: &str = r#"
return [performance.now(),
        [...document.fonts].some(f => f.family.replace(/"/g, '') === 'Noto Nastaliq Urdu'
                                      && f.status === 'loading')];
"#;

/// The families that have Urdu's letters here: the served one and the machine's own.
fn families_with_urdu_letters() -> BTreeSet<String> {
    let mut families = BTreeSet::from([SERVED_FAMILY.to_owned()]);
    // fc-list prints each font's family names, comma-separated; none at all where it lacks.
    if let Ok(output) = std::process::Command::new("fc-list")
        .args([":lang=ur", "family"])
        .output()
    {
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            families.extend(
                line.split(',')
                    .map(|family| family.replace('\\', "").trim().to_owned())
                    .filter(|family| !family.is_empty()),
            );
        }
    }
    families
}

/// A portal whose font files can be held back: a request for a `.woff2` waits until released.
struct Site {
    addr: std::net::SocketAddr,
    fonts_flow: watch::Sender<bool>,
    /// A changed copy of `static/`, when serving one.
    _static_copy: Option<tempfile::TempDir>,
}

impl Site {
    /// The portal over a fresh seeded database, serving `static_copy` or the real `static/`.
    async fn start(static_copy: Option<tempfile::TempDir>) -> Self {
        let static_dir = static_copy
            .as_ref()
            .map_or_else(WebConfig::source_tree_static_dir, |copy| {
                copy.path().to_path_buf()
            });
        let (_, db) = seeded_database().await;
        let state = AppState {
            db,
            web: Arc::new(WebConfig::new(static_dir, SessionArgs::default(), None)),
        };
        let (fonts_flow, flowing) = watch::channel(true);
        let app = forum_portal::app(state)
            .layer(middleware::from_fn_with_state(flowing, hold_fonts_back));
        let listener = forum_portal::server::bind("127.0.0.1:0".parse().unwrap())
            .await
            .expect("bind a test port");
        let addr = listener.local_addr().unwrap();
        tokio::spawn(forum_portal::server::serve(
            listener,
            app,
            std::future::pending(),
        ));
        Self {
            addr,
            fonts_flow,
            _static_copy: static_copy,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn hold_fonts(&self) {
        self.fonts_flow.send_replace(false);
    }

    fn release_fonts(&self) {
        self.fonts_flow.send_replace(true);
    }
}

/// Middleware: font files wait while the site holds them back.
async fn hold_fonts_back(
    State(mut flowing): State<watch::Receiver<bool>>,
    request: Request,
    next: Next,
) -> Response {
    if request.uri().path().ends_with(".woff2") {
        let _ = flowing.wait_for(|flowing| *flowing).await;
    }
    next.run(request).await
}

/// `static/` with `fonts-ur.css` changed by `edit`, in a temporary folder (everything else
/// linked to the real files).
fn static_with_urdu_faces(edit: impl Fn(&str) -> String) -> tempfile::TempDir {
    let real = WebConfig::source_tree_static_dir();
    let copy = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(&real).unwrap().flatten() {
        let target = copy.path().join(entry.file_name());
        if entry.file_name() != "css" {
            std::os::unix::fs::symlink(entry.path(), target).unwrap();
            continue;
        }
        std::fs::create_dir(&target).unwrap();
        for sheet in std::fs::read_dir(entry.path()).unwrap().flatten() {
            let text = std::fs::read_to_string(sheet.path()).unwrap();
            let text = if sheet.file_name() == "fonts-ur.css" {
                let changed = edit(&text);
                assert_ne!(changed, text, "the edit changes fonts-ur.css");
                changed
            } else {
                text
            };
            std::fs::write(target.join(sheet.file_name()), text).unwrap();
        }
    }
    copy
}

/// Wait until the page shown now has loaded, and every font it asked for came (or failed).
async fn wait_for_fonts(browser: &Browser) {
    let status = browser
        .client()
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const fonts = () => document.fonts.ready.then(() => done(document.fonts.status));
             if (document.readyState === 'complete') fonts(); else addEventListener('load', fonts);",
            vec![],
        )
        .await
        .expect("wait for the fonts");
    assert_eq!(status, "loaded");
}

/// What Chromium drew the page's Arabic-script text with: how many runs it looked at, and a
/// line for each run drawn (wholly or partly) in a font not among `families`.
async fn arabic_text_in_other_fonts(
    browser: &Browser,
    families: &BTreeSet<String>,
) -> (usize, Vec<String>) {
    let texts = browser.run(MARK_ARABIC_TEXT).await;
    let texts: Vec<&str> = texts
        .as_array()
        .expect("the marked texts")
        .iter()
        .map(|text| text.as_str().unwrap_or_default())
        .collect();
    browser.cdp("DOM.enable", json!({})).await;
    browser.cdp("CSS.enable", json!({})).await;
    let document = browser.cdp("DOM.getDocument", json!({ "depth": 0 })).await;
    let nodes = browser
        .cdp(
            "DOM.querySelectorAll",
            json!({ "nodeId": document["root"]["nodeId"], "selector": "[data-font-probe]" }),
        )
        .await;
    let nodes = nodes["nodeIds"].as_array().cloned().unwrap_or_default();
    assert_eq!(nodes.len(), texts.len(), "one node for each marked text");
    let mut findings = Vec::new();
    for (node, text) in nodes.iter().zip(texts.iter()) {
        let used = browser
            .cdp("CSS.getPlatformFontsForNode", json!({ "nodeId": node }))
            .await;
        let used: Vec<String> = used["fonts"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|font| {
                format!(
                    "{} ({})",
                    font["familyName"].as_str().unwrap_or_default(),
                    font["postScriptName"].as_str().unwrap_or_default()
                )
            })
            .collect();
        if used.is_empty() {
            findings.push(format!("«{text}» is drawn from no font at all"));
        }
        let others: Vec<&String> = used
            .iter()
            .filter(|font| !families.iter().any(|f| font.starts_with(&format!("{f} ("))))
            .collect();
        if !others.is_empty() {
            findings.push(format!(
                "«{text}» is drawn with {others:?}, which lacks Urdu letters (fonts used: {used:?})"
            ));
        }
    }
    (texts.len(), findings)
}

/// Whether any of the page's Arabic-script text is drawn now: a screenshot with only that
/// text in black, all other text transparent, against one with that text transparent too.
async fn arabic_text_is_drawn(browser: &Browser) -> bool {
    let paint = |hide: Value| async move {
        browser
            .client()
            .execute(PAINT_ONLY_ARABIC_TEXT, vec![hide])
            .await
            .expect("restyle the page");
    };
    paint(json!(false)).await;
    let shown = browser.client().screenshot().await.unwrap();
    paint(json!(true)).await;
    let hidden = browser.client().screenshot().await.unwrap();
    paint(Value::Null).await;
    shown != hidden
}

/// Go to `path` while the site holds its fonts back and look at the Arabic-script text while
/// the Nastaliq is still on its way and its wait (3 s, `font-display: block`) not over: whether
/// any of it is drawn. On a machine too busy to look within the wait, the page is loaded anew.
/// The browser must not wait for a page's subresources (some never come).
async fn drawn_while_the_face_is_on_its_way(browser: &Browser, site: &Site, path: &str) -> bool {
    site.hold_fonts();
    for _attempt in 0..3 {
        browser.goto(&site.url(path)).await;
        // The stylesheets are in and the page asked for the face.
        let deadline = Instant::now() + Duration::from_secs(30);
        while browser.run(URDU_FACE_STATE).await[1] != true {
            assert!(
                Instant::now() < deadline,
                "{path} did not ask for the Urdu face"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let marked = browser.run(MARK_ARABIC_TEXT).await;
        assert!(
            !marked.as_array().unwrap().is_empty(),
            "{path} has Arabic-script text"
        );
        let drawn = arabic_text_is_drawn(browser).await;
        // Looked at after the screenshots: the face was on its way while they were taken, and
        // its wait, begun after the page was asked for, not over.
        let state = browser.run(URDU_FACE_STATE).await;
        assert_eq!(state[1], true, "the Urdu face is on its way: {state}");
        if state[0].as_f64().unwrap_or(f64::MAX) < 2900.0 {
            site.release_fonts();
            return drawn;
        }
        eprintln!("{path}: looked after {state} ms, past the font's wait; again");
    }
    panic!("{path}: could not look at the page within 3 s of asking for it, three times");
}

/// `target/fonts`, emptied: for screenshots of slow first visits.
fn screenshot_folder() -> PathBuf {
    let folder = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(
            || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"),
            PathBuf::from,
        )
        .join("fonts");
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).unwrap();
    folder
}

/// Slow the browser's network to a poor mobile link, with nothing cached: every page is a
/// first visit.
async fn throttle(browser: &Browser) {
    browser.cdp("Network.enable", json!({})).await;
    browser
        .cdp("Network.setCacheDisabled", json!({ "cacheDisabled": true }))
        .await;
    browser
        .cdp(
            "Network.emulateNetworkConditions",
            json!({
                "offline": false,
                "latency": 150,
                "downloadThroughput": 200_000, // bytes per second: 1.6 Mbit/s
                "uploadThroughput": 93_750,    // 750 kbit/s
            }),
        )
        .await;
}

#[tokio::test]
async fn urdu_pages_and_only_they_preload_the_face_their_stylesheet_uses() {
    let app = TestApp::spawn().await;
    let face = app.get(URDU_FACE).await;
    assert_eq!(face.status(), StatusCode::OK, "{URDU_FACE}");
    for (path, status) in [
        ("/ur", StatusCode::OK),
        ("/ur/speakers/moin-ul-haque", StatusCode::OK),
        ("/ur/agreements/nothing", StatusCode::NOT_FOUND),
        ("/speakers", StatusCode::OK),
        ("/zh", StatusCode::OK),
        ("/zh/speakers/nobody", StatusCode::NOT_FOUND),
    ] {
        let page = app.page(path, status).await;
        check_preload(&app, path, &page).await;
    }
    // The admin speaks the language last read, and preloads the same.
    for lang in ["ur", "en"] {
        app.get(if lang == "en" {
            "/speakers"
        } else {
            "/ur/speakers"
        })
        .await;
        let page = app.page("/admin/login", StatusCode::OK).await;
        assert_eq!(page.attrs("html", "lang"), [lang]);
        check_preload(&app, &format!("/admin/login in {lang}"), &page).await;
    }
}

/// An Urdu page preloads the Urdu face, as a font (CORS, the way the stylesheet asks for it),
/// at the very URL its font stylesheet gives; any other page preloads nothing.
async fn check_preload(app: &TestApp, path: &str, page: &Page) {
    let preloads = page.attrs("link[rel=preload]", "href");
    if page.attrs("html", "lang") != ["ur"] {
        assert!(preloads.is_empty(), "{path} preloads {preloads:?}");
        return;
    }
    assert_eq!(preloads, [URDU_FACE], "{path}");
    assert_eq!(
        page.count("link[rel=preload][as=font][type='font/woff2'][crossorigin]"),
        1,
        "{path}: the preload is a font, fetched as one"
    );
    let sheets: Vec<String> = page
        .attrs("link[rel=stylesheet]", "href")
        .into_iter()
        .filter(|href| href.contains("fonts-ur.css"))
        .collect();
    assert_eq!(sheets.len(), 1, "{path} links fonts-ur.css");
    let css = app.get(&sheets[0]).await.text().await.unwrap();
    assert!(
        css.contains(&format!("url({URDU_FACE})")),
        "{path}: fonts-ur.css uses the preloaded URL"
    );
}

#[tokio::test]
async fn urdu_text_waits_unseen_for_its_face_then_is_drawn_from_it() {
    let Some(browser) = Browser::start_not_waiting_for_subresources().await else {
        return;
    };
    let site = Site::start(None).await;
    let families = families_with_urdu_letters();
    assert!(
        !drawn_while_the_face_is_on_its_way(&browser, &site, "/ur").await,
        "Urdu text is drawn before its face arrived, in a font that may lack its letters"
    );
    wait_for_fonts(&browser).await;
    let (runs, findings) = arabic_text_in_other_fonts(&browser, &families).await;
    assert!(runs > 20, "only {runs} runs of Urdu text on /ur");
    assert!(findings.is_empty(), "/ur:\n{}", findings.join("\n"));
    // The way of looking sees text where there is some.
    assert!(
        arabic_text_is_drawn(&browser).await,
        "the Urdu text is drawn once its face is in"
    );

    // Letters Urdu does not use (Sindhi ڄ ٻ ڻ, Pashto ځ), as an admin may type them: the page
    // did not fetch the second cut, and fetches it for them.
    let fetches = "performance.getEntriesByType('resource')
        .filter(e => e.name.endsWith('/noto-nastaliq-urdu-400-other.woff2')).length";
    assert_eq!(browser.run(&format!("return {fetches};")).await, 0);
    let script = format!(
        r#"const done = arguments[arguments.length - 1];
           const letters = document.createElement('p');
           letters.textContent = 'ڄ ٻ ځ ڻ';
           letters.dataset.fontProbe = '';
           document.querySelector('main').prepend(letters);
           document.fonts.load('1em "Noto Nastaliq Urdu"', letters.textContent)
             .then(() => done({fetches}));"#
    );
    let fetched = browser
        .client()
        .execute_async(&script, vec![])
        .await
        .expect("load the letters' face");
    assert_eq!(fetched, 1, "the second cut is fetched for its letters");
    let (_, findings) = arabic_text_in_other_fonts(&browser, &families).await;
    assert!(findings.is_empty(), "/ur:\n{}", findings.join("\n"));
    browser.close().await;
}

#[tokio::test]
async fn on_a_slow_first_visit_urdu_text_is_drawn_from_fonts_that_have_its_letters() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let site = Site::start(None).await;
    let families = families_with_urdu_letters();
    let screenshots = screenshot_folder();
    throttle(&browser).await;
    let mut findings = Vec::new();
    for path in URDU_PAGES {
        browser.goto(&site.url(path)).await;
        wait_for_fonts(&browser).await;
        let (runs, found) = arabic_text_in_other_fonts(&browser, &families).await;
        assert!(runs > 0, "{path} has Urdu text");
        findings.extend(found.into_iter().map(|f| format!("{path}: {f}")));
        // The face came once: the preload is what the stylesheet used.
        let fetched = browser
            .run(&format!(
                "return performance.getEntriesByType('resource')
                   .filter(e => new URL(e.name).pathname === '{URDU_FACE}')
                   .map(e => e.initiatorType);"
            ))
            .await;
        if fetched != json!(["link"]) {
            findings.push(format!(
                "{path}: the Urdu face is fetched by {fetched}, not once by the preload link"
            ));
        }
        // For people to look at.
        let name = path.trim_start_matches('/').replace('/', "-");
        for width in [360, 1280] {
            let png = browser.screenshot(width).await;
            std::fs::write(screenshots.join(format!("{name}-{width}.png")), png).unwrap();
        }
    }
    assert!(findings.is_empty(), "{}", findings.join("\n"));

    // No faux bold: Chinese and Urdu headings are bold only in a real bold face.
    for (path, synthesis) in [("/ur", "none"), ("/zh", "none"), ("/speakers", "auto")] {
        browser.goto(&site.url(path)).await;
        let computed = browser
            .run("return getComputedStyle(document.querySelector('h1')).fontSynthesisWeight;")
            .await;
        assert_eq!(computed, synthesis, "{path}: font-synthesis-weight of h1");
    }
    browser.close().await;
}

/// The checks above can fail: Urdu faces that `swap` draw the text before they arrive, in a
/// fallback without Urdu's letters; `optional` faces (the first round's) that miss their
/// moment leave the text in that fallback for good.
#[tokio::test]
async fn the_font_checks_catch_faces_that_swap_or_are_optional() {
    let Some(browser) = Browser::start_not_waiting_for_subresources().await else {
        return;
    };
    let families = families_with_urdu_letters();
    let swapping = Site::start(Some(static_with_urdu_faces(|css| {
        css.replace("font-display: block", "font-display: swap")
    })))
    .await;
    assert!(
        drawn_while_the_face_is_on_its_way(&browser, &swapping, "/ur").await,
        "a swapping face lets the text be drawn before it arrives"
    );

    let optional = Site::start(Some(static_with_urdu_faces(|css| {
        css.replace("font-display: block", "font-display: optional")
    })))
    .await;
    throttle(&browser).await;
    browser.goto(&optional.url("/ur")).await;
    wait_for_fonts(&browser).await;
    let (_, findings) = arabic_text_in_other_fonts(&browser, &families).await;
    assert!(
        !findings.is_empty(),
        "optional faces on a slow first visit leave Urdu text in a font without its letters"
    );
    eprintln!(
        "optional faces: {} runs in other fonts, e.g. {}",
        findings.len(),
        findings[0]
    );
    browser.close().await;
}
