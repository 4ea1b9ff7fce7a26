//! Fonts: every Urdu letter, and every Chinese character, is drawn from a font that has it,
//! on a first visit too.
//!
//! On a machine without Urdu or CJK fonts of its own — this one: `fc-list :lang=ur` and
//! `fc-list :lang=zh-cn` list nothing, and DejaVu, the fallback, lacks ہ, ے and every Han
//! character — only the served Noto Nastaliq Urdu and Noto Sans SC have them. Chromium itself
//! says which fonts it drew a node's text with (`CSS.getPlatformFontsForNode`, through
//! chromedriver's DevTools door), so the tests check, for Urdu and for Chinese pages:
//!
//! - while the fonts are on their way (the test server holds them back), none of the script's
//!   text is drawn in a font without its characters (it waits unseen: `font-display: block`);
//!   a face that swapped in a fallback would draw letters missing, or boxes — seen in two
//!   screenshots, that text black and transparent, all other text transparent;
//! - on a slow first visit (1.6 Mbit/s, 150 ms, no cache), the same while the fonts arrive,
//!   and once they are in, every run of the script's text is drawn from a font that has its
//!   characters: the served one, or one that `fc-list :lang=…` names;
//! - letters Urdu does not use fetch the Nastaliq's second cut, and are drawn from it;
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

/// A script whose text must be drawn from fonts that have its characters.
struct Script {
    name: &'static str,
    /// Its characters, as the inside of a JavaScript regular expression's `[…]`.
    characters: &'static str,
    /// The family of the served web font in the stylesheets.
    served_family: &'static str,
    /// The family names its files give themselves.
    served_names: &'static [&'static str],
    /// Its language for fontconfig (`fc-list :lang=…`).
    fontconfig_lang: &'static str,
    /// The font files let through while the others are held back, to see the text wait for
    /// those: none for the Nastaliq, the commonest part for Noto Sans SC (another part's
    /// late arrival is what a visitor meets: boxes from the parts in, if it did not wait).
    arrives_first: Option<&'static str>,
}

const ARABIC: Script = Script {
    name: "Arabic-script",
    characters: r"\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF",
    served_family: "Noto Nastaliq Urdu",
    served_names: &["Noto Nastaliq Urdu"],
    fontconfig_lang: "ur",
    arrives_first: None,
};

/// Han characters with CJK punctuation and full-width forms.
const HAN: Script = Script {
    name: "Han",
    characters: r"\u3000-\u303F\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF",
    served_family: "Noto Sans SC",
    // The @fontsource files are its regular instance under the variable font's first name.
    served_names: &["Noto Sans SC", "Noto Sans SC Thin"],
    fontconfig_lang: "zh-cn",
    arrives_first: Some("/noto-sans-sc-119-400-normal.woff2"),
};

/// Urdu pages of each kind: the home page, a person, a list with a filter form, "not found".
const URDU_PAGES: [&str; 4] = [
    "/ur",
    "/ur/speakers/moin-ul-haque",
    "/ur/organisations",
    "/ur/agreements/nothing",
];

/// Chinese pages: the home page and a list with a filter form.
const CHINESE_PAGES: [&str; 2] = ["/zh", "/zh/organisations"];

impl Script {
    /// JavaScript that wraps each run of the script's text on the page (words and the spaces
    /// between them) in a `<span data-font-probe>`, and marks each `<select>` whose shown
    /// option has such text (the browser draws it inside the select); drops the marks from
    /// what is not drawn at all (options of a closed list). Returns the marked texts in
    /// document order. Wrapping changes no style, so no font choice: it only gives the
    /// DevTools a node for each run.
    fn mark_text(&self) -> String {
        let run = format!(
            "/[{c}]+(?:[\\s\\u200C-\\u200F]+[{c}]+)*/g",
            c = self.characters
        );
        r#"
const run = RUN;
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
"#
        .replace("RUN", &run)
    }

    /// JavaScript: where the served font stands now, `[ms since the page was asked for,
    /// whether a face of it is on its way]`.
    fn served_font_state(&self) -> String {
        format!(
            "return [performance.now(),
                     [...document.fonts].some(f => f.family.replace(/\"/g, '') === '{}'
                                                   && f.status === 'loading')];",
            self.served_family
        )
    }

    /// The families that have the script's characters here: the served one and the
    /// machine's own.
    fn families(&self) -> BTreeSet<String> {
        let mut families: BTreeSet<String> = self
            .served_names
            .iter()
            .map(|name| name.to_string())
            .collect();
        // fc-list prints each font's family names, comma-separated; nothing where none has it.
        if let Ok(output) = std::process::Command::new("fc-list")
            .args([&format!(":lang={}", self.fontconfig_lang), "family"])
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
}

/// Makes all text transparent, without underlines (drawn even while text waits for its font)
/// or the arrows of selects (drawn in the text's colour), and hides what is not text (borders,
/// outlines, shadows, backgrounds, images): the two screenshots may differ only by glyphs.
/// (A current link's bottom border, re-laid out when another font arrived between the two
/// screenshots, once passed for wrongly drawn text.) All text but that at the selector
/// `arguments[1]`, which is black, or transparent too when
/// `arguments[0]` is true; `null` removes the sheet again. Returns once the change is on
/// screen (two animation frames later).
const PAINT_ONLY_MARKED_TEXT: &str = r#"
const [hide, selector, done] = arguments;
const sheet = new CSSStyleSheet();
sheet.replaceSync(`
  body * { color: transparent !important; text-decoration: none !important;
           text-shadow: none !important; caret-color: transparent !important;
           border-color: transparent !important; outline-color: transparent !important;
           box-shadow: none !important; background: transparent !important; }
  body img, body svg { visibility: hidden !important; }
  body select { appearance: none !important; }
  body ${selector} { color: ${hide ? 'transparent' : '#000'} !important; }`);
document.adoptedStyleSheets = hide === null ? [] : [sheet];
requestAnimationFrame(() => requestAnimationFrame(() => done()));
"#;

/// A portal whose font files can be held back: a request for a `.woff2` waits until released.
struct Site {
    /// What it serves, for naming screenshots: "as-served", or the change made.
    label: &'static str,
    addr: std::net::SocketAddr,
    /// Which font files may be sent: all, or those whose path contains the string.
    fonts_flow: watch::Sender<Option<&'static str>>,
    /// A changed copy of `static/`, when serving one.
    _static_copy: Option<tempfile::TempDir>,
}

impl Site {
    /// The portal over a fresh seeded database, serving `static_copy` or the real `static/`.
    async fn start(label: &'static str, static_copy: Option<tempfile::TempDir>) -> Self {
        let static_dir = static_copy
            .as_ref()
            .map_or_else(WebConfig::source_tree_static_dir, |copy| {
                copy.path().to_path_buf()
            });
        let (_, db) = seeded_database().await;
        let pages = forum_portal::web::page_cache::PageCache::start(&db);
        let state = AppState {
            db,
            web: Arc::new(WebConfig::new(static_dir, SessionArgs::default(), None)),
            health: forum_portal::db_health::DbHealth::unwatched(),
            pages,
        };
        let refusal = forum_portal::web::refusal_router(state.web.clone());
        let (fonts_flow, flowing) = watch::channel(Some(""));
        let app = forum_portal::app(state)
            .layer(middleware::from_fn_with_state(flowing, hold_fonts_back));
        let listener = forum_portal::server::bind("127.0.0.1:0".parse().unwrap())
            .await
            .expect("bind a test port");
        let addr = listener.local_addr().unwrap();
        tokio::spawn(forum_portal::server::serve(
            listener,
            app,
            refusal,
            Default::default(),
            std::future::pending(),
        ));
        Self {
            label,
            addr,
            fonts_flow,
            _static_copy: static_copy,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Hold back every font file but those whose path contains `except`.
    fn hold_fonts(&self, except: Option<&'static str>) {
        self.fonts_flow.send_replace(except);
    }

    fn release_fonts(&self) {
        self.fonts_flow.send_replace(Some(""));
    }
}

/// Middleware: font files wait while the site holds them back.
async fn hold_fonts_back(
    State(mut flowing): State<watch::Receiver<Option<&'static str>>>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    if path.ends_with(".woff2") {
        let _ = flowing
            .wait_for(|flowing| flowing.is_some_and(|part| path.contains(part)))
            .await;
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

/// A run of text in a script, and the fonts Chromium draws it with: `(family, PostScript
/// name)`. Text that waits for its font is laid out, unseen, in the fallback meanwhile, and
/// reported so.
struct Run {
    text: String,
    fonts: Vec<(String, String)>,
}

impl Run {
    /// What is wrong with the fonts this run is drawn with, given the `families` that have
    /// the `script`'s characters.
    fn fault(&self, script: &Script, families: &BTreeSet<String>) -> Option<String> {
        if self.fonts.is_empty() {
            return Some(format!("«{}» is drawn from no font at all", self.text));
        }
        let others: Vec<&str> = self
            .fonts
            .iter()
            .filter(|(family, _)| !families.contains(family))
            .map(|(_, postscript)| postscript.as_str())
            .collect();
        (!others.is_empty()).then(|| {
            format!(
                "«{}» is drawn (partly) with {others:?}, which lacks {} characters \
                 (fonts used: {:?})",
                self.text, script.name, self.fonts
            )
        })
    }
}

/// The runs of text in `script` on the page shown now, in document order (marked first).
async fn runs(browser: &Browser, script: &Script) -> Vec<Run> {
    let texts = browser.run(&script.mark_text()).await;
    let texts: Vec<String> = texts
        .as_array()
        .expect("the marked texts")
        .iter()
        .map(|text| text.as_str().unwrap_or_default().to_owned())
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
    let mut runs = Vec::new();
    for (node, text) in nodes.iter().zip(texts) {
        let used = browser
            .cdp("CSS.getPlatformFontsForNode", json!({ "nodeId": node }))
            .await;
        let fonts = used["fonts"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|font| {
                let name = |key: &str| font[key].as_str().unwrap_or_default().to_owned();
                (name("familyName"), name("postScriptName"))
            })
            .collect();
        runs.push(Run { text, fonts });
    }
    runs
}

/// What Chromium drew the page's text in `script` with: how many runs it looked at, and a
/// line for each run drawn (wholly or partly) in a font that lacks the script's characters.
async fn text_in_other_fonts(browser: &Browser, script: &Script) -> (usize, Vec<String>) {
    let families = script.families();
    let runs = runs(browser, script).await;
    let findings = runs
        .iter()
        .filter_map(|run| run.fault(script, &families))
        .collect();
    (runs.len(), findings)
}

/// Whether any of the text at `selector` is drawn now: a screenshot with only that text in
/// black, all other text transparent, against one with that text transparent too. When it is,
/// the two screenshots.
async fn text_drawn(browser: &Browser, selector: &str) -> Option<[Vec<u8>; 2]> {
    let paint = |hide: Value| async move {
        browser
            .client()
            .execute_async(PAINT_ONLY_MARKED_TEXT, vec![hide, json!(selector)])
            .await
            .expect("restyle the page");
    };
    paint(json!(false)).await;
    let shown = browser.client().screenshot().await.unwrap();
    paint(json!(true)).await;
    let hidden = browser.client().screenshot().await.unwrap();
    paint(Value::Null).await;
    (shown != hidden).then_some([shown, hidden])
}

/// Whether any run of text in `script` that the page would draw in a font without the
/// script's characters is drawn now (rather than waiting, unseen, for its font); when it is,
/// the two screenshots that show it.
async fn wrong_text_drawn(browser: &Browser, script: &Script) -> Option<[Vec<u8>; 2]> {
    let families = script.families();
    let faulty = |runs: &[Run]| -> BTreeSet<usize> {
        (0..runs.len())
            .filter(|&i| runs[i].fault(script, &families).is_some())
            .collect()
    };
    let runs_now = runs(browser, script).await;
    assert!(!runs_now.is_empty(), "the page has {} text", script.name);
    let mut suspects = faulty(&runs_now);
    while !suspects.is_empty() {
        browser
            .client()
            .execute(
                "const probes = [...document.querySelectorAll('[data-font-probe]')];
                 probes.forEach(probe => delete probe.dataset.fontSuspect);
                 for (const i of arguments[0]) probes[i].dataset.fontSuspect = '';",
                vec![json!(suspects)],
            )
            .await
            .expect("mark the suspects");
        let drawn = text_drawn(browser, "[data-font-suspect]").await?;
        // A font that came meanwhile may have drawn its text rightly; fonts do not go away,
        // so a run still in the wrong font now was in it when the screenshots were taken.
        let still: BTreeSet<usize> = faulty(&runs(browser, script).await)
            .intersection(&suspects)
            .copied()
            .collect();
        if still == suspects {
            return Some(drawn);
        }
        suspects = still;
    }
    None
}

/// Keep the screenshots of text drawn in the wrong font, for people to look at.
fn keep_screenshots(site: &Site, path: &str, screenshots: &[Vec<u8>; 2]) {
    let folder = screenshot_folder("drawn-while-loading");
    let name = path.trim_start_matches('/').replace('/', "-");
    for (screenshot, which) in screenshots.iter().zip(["shown", "hidden"]) {
        let file = format!("{}-{name}-{which}.png", site.label);
        std::fs::write(folder.join(file), screenshot).unwrap();
    }
}

/// On the page just asked for, while the served font of `script` is on its way and its wait
/// (3 s, `font-display: block`) not over, look as often as there is time whether text is drawn
/// in a font without its characters: a line saying so if it is. The browser must not wait for
/// a page's subresources.
async fn wrongly_drawn_while_arriving(
    browser: &Browser,
    site: &Site,
    path: &str,
    script: &Script,
) -> Option<String> {
    // The stylesheets are in and the page asked for the font, or everything came already.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let state = browser.run(&script.served_font_state()).await;
        let done = browser
            .run("return document.readyState === 'complete' && document.fonts.status === 'loaded';")
            .await;
        if state[1] == true || done == true {
            break;
        }
        assert!(Instant::now() < deadline, "{path} did not ask for its font");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut looks = 0;
    loop {
        let state = browser.run(&script.served_font_state()).await;
        if state[1] != true || state[0].as_f64().unwrap_or(f64::MAX) >= 2900.0 {
            eprintln!("{path}: looked {looks} times while the font was on its way");
            return None;
        }
        let drawn = wrong_text_drawn(browser, script).await;
        looks += 1;
        // Looked at after the screenshots: the font's wait, begun after the page was asked
        // for, was not over while they were taken.
        let after = browser.run(&script.served_font_state()).await;
        if let Some(screenshots) = drawn
            && after[1] == true
            && after[0].as_f64().unwrap_or(f64::MAX) < 2900.0
        {
            keep_screenshots(site, path, &screenshots);
            return Some(format!(
                "{path}: {} text is drawn in a font without its characters while its font \
                 is on its way, {} ms after the page was asked for",
                script.name, after[0]
            ));
        }
    }
}

/// Go to `path` while the site holds its fonts back (but `script.arrives_first`), and look at
/// the text in `script` while its served font is still on its way and the font's wait (3 s,
/// `font-display: block`) not over: whether any of it that would be drawn in a font without
/// its characters is drawn. (Text whose font is in may be drawn.) On a machine too busy to
/// look within the wait, the page is loaded anew. The browser must not wait for a page's
/// subresources (some never come).
async fn wrongly_drawn_while_the_font_is_on_its_way(
    browser: &Browser,
    site: &Site,
    path: &str,
    script: &Script,
) -> bool {
    // Each try fetches the fonts anew.
    browser.cdp("Network.enable", json!({})).await;
    browser
        .cdp("Network.setCacheDisabled", json!({ "cacheDisabled": true }))
        .await;
    for attempt in 0..3 {
        if attempt > 0 {
            // The try before was too slow to count. Its held font requests fill the browser's
            // six connections to the site, which the next page would wait for: let them
            // through, and leave the page once they are in.
            site.release_fonts();
            wait_for_fonts(browser).await;
            browser.goto("about:blank").await;
        }
        site.hold_fonts(script.arrives_first);
        browser.goto(&site.url(path)).await;
        // The stylesheets are in and the page asked for the font.
        let deadline = Instant::now() + Duration::from_secs(30);
        let asked = loop {
            let state = browser.run(&script.served_font_state()).await;
            if state[1] == true {
                break state[0].as_f64().unwrap_or_default();
            }
            assert!(
                Instant::now() < deadline,
                "{path} did not ask for {}",
                script.served_family
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        // A font that does not block (swap, fallback, optional) still hides text for its
        // first 100 ms or so: look once that is past for certain, by the page's own clock.
        while browser.run("return performance.now();").await.as_f64() < Some(asked + 300.0) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let drawn = wrong_text_drawn(browser, script).await;
        // Looked at after the screenshots: the font was on its way while they were taken, and
        // its wait, begun after the page was asked for, not over.
        let state = browser.run(&script.served_font_state()).await;
        assert_eq!(state[1], true, "{path}: the font is on its way: {state}");
        if state[0].as_f64().unwrap_or(f64::MAX) < 2900.0 {
            site.release_fonts();
            if let Some(screenshots) = &drawn {
                keep_screenshots(site, path, screenshots);
            }
            return drawn.is_some();
        }
        eprintln!("{path}: looked after {state} ms, past the font's wait; again");
    }
    panic!("{path}: could not look at the page within 3 s of asking for it, three times");
}

/// `target/fonts/{name}`, for screenshots.
fn screenshot_folder(name: &str) -> PathBuf {
    let folder = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(
            || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"),
            PathBuf::from,
        )
        .join("fonts")
        .join(name);
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
    // The admin speaks the language last chosen in the site's switcher, and preloads the same.
    for lang in ["ur", "en"] {
        app.get(&format!("/lang/{lang}/speakers")).await;
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
async fn text_waits_unseen_for_its_font_then_is_drawn_from_it() {
    let Some(browser) = Browser::start_not_waiting_for_subresources().await else {
        return;
    };
    let site = Site::start("as-served", None).await;
    for (path, script) in [("/ur", &ARABIC), ("/zh", &HAN)] {
        assert!(
            !wrongly_drawn_while_the_font_is_on_its_way(&browser, &site, path, script).await,
            "{path}: {} text is drawn before its font arrived, in one that may lack it",
            script.name
        );
        wait_for_fonts(&browser).await;
        let (runs, findings) = text_in_other_fonts(&browser, script).await;
        assert!(
            runs > 20,
            "only {runs} runs of {} text on {path}",
            script.name
        );
        assert!(findings.is_empty(), "{path}:\n{}", findings.join("\n"));
        // The way of looking sees text where there is some.
        assert!(
            text_drawn(&browser, "[data-font-probe]").await.is_some(),
            "{path}: the text is drawn once its font is in"
        );
    }

    // Letters Urdu does not use (Sindhi ڄ ٻ ڻ, Pashto ځ), as an admin may type them: the
    // page did not fetch the second cut of the Nastaliq, and fetches it for them.
    browser.goto(&site.url("/ur")).await;
    wait_for_fonts(&browser).await;
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
    let (_, findings) = text_in_other_fonts(&browser, &ARABIC).await;
    assert!(findings.is_empty(), "/ur:\n{}", findings.join("\n"));
    browser.close().await;
}

#[tokio::test]
async fn on_a_slow_first_visit_text_is_drawn_from_fonts_that_have_its_characters() {
    let Some(browser) = Browser::start_not_waiting_for_subresources().await else {
        return;
    };
    let site = Site::start("as-served", None).await;
    let screenshots = screenshot_folder("first-visit");
    throttle(&browser).await;
    let pages = URDU_PAGES
        .iter()
        .map(|path| (path, &ARABIC))
        .chain(CHINESE_PAGES.iter().map(|path| (path, &HAN)));
    let mut findings = Vec::new();
    for (path, script) in pages {
        browser.goto(&site.url(path)).await;
        findings.extend(wrongly_drawn_while_arriving(&browser, &site, path, script).await);
        wait_for_fonts(&browser).await;
        let (runs, found) = text_in_other_fonts(&browser, script).await;
        assert!(runs > 0, "{path} has {} text", script.name);
        findings.extend(found.into_iter().map(|f| format!("{path}: {f}")));
        if script.served_family == ARABIC.served_family {
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
        wait_for_fonts(&browser).await;
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
    let swapping = Site::start(
        "swap",
        Some(static_with_urdu_faces(|css| {
            css.replace("font-display: block", "font-display: swap")
        })),
    )
    .await;
    assert!(
        wrongly_drawn_while_the_font_is_on_its_way(&browser, &swapping, "/ur", &ARABIC).await,
        "a swapping face lets the text be drawn before it arrives"
    );

    let optional = Site::start(
        "optional",
        Some(static_with_urdu_faces(|css| {
            css.replace("font-display: block", "font-display: optional")
        })),
    )
    .await;
    throttle(&browser).await;
    browser.goto(&optional.url("/ur")).await;
    wait_for_fonts(&browser).await;
    let (_, findings) = text_in_other_fonts(&browser, &ARABIC).await;
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
