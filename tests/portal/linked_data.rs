//! What a page tells search engines and link previews: schema.org JSON-LD on every public
//! page, in the page's own language (the forum an `Event` with what Google's rich results ask
//! of one), and OpenGraph tags.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{Page, TestApp};
use crate::site::crawl;

/// The one JSON-LD document of a page, parsed.
fn json_ld(page: &Page, path: &str) -> Value {
    let selector =
        scraper::Selector::parse(r#"script[type="application/ld+json"]"#).expect("selector");
    let scripts: Vec<String> = page
        .html
        .select(&selector)
        .map(|s| s.text().collect())
        .collect();
    assert_eq!(
        scripts.len(),
        1,
        "{path}: one JSON-LD script, found {scripts:?}"
    );
    let value: Value = serde_json::from_str(&scripts[0])
        .unwrap_or_else(|e| panic!("{path}: JSON-LD does not parse ({e}): {}", scripts[0]));
    assert_eq!(value["@context"], "https://schema.org", "{path}");
    value
}

/// The page's own title, without the site's name the layout appends.
fn page_title(page: &Page) -> String {
    let title = page.text("title");
    title
        .rsplit_once(" · ")
        .map_or(title.clone(), |(own, _)| own.to_owned())
}

/// The schema.org type each kind of public page describes itself as.
fn expected_types(path: &str) -> &'static [&'static str] {
    let neutral = path
        .strip_prefix("/zh")
        .or_else(|| path.strip_prefix("/ur"))
        .unwrap_or(path);
    let neutral = neutral.split('?').next().unwrap_or_default();
    let segments: Vec<&str> = neutral.split('/').filter(|s| !s.is_empty()).collect();
    match segments.as_slice() {
        [] => &["Event"],
        ["api"] => &["WebAPI"],
        [_list] => &["ItemList"],
        ["speakers", _] => &["Person"],
        ["agreements", _] => &["CreativeWork"],
        ["organisations", _] | ["exhibitors", _] => &[
            "Organization",
            "GovernmentOrganization",
            "Corporation",
            "ResearchOrganization",
        ],
        _ => &[],
    }
}

#[tokio::test]
async fn every_public_page_describes_itself_in_its_own_language() {
    let app = TestApp::spawn().await;
    let pages = crawl(&app, &["/", "/zh", "/ur"], |path| {
        !path.starts_with("/admin") && !path.starts_with("/static")
    })
    .await;
    let mut described = 0;
    for fetched in pages {
        let Some(html) = fetched.html.filter(|_| fetched.status == StatusCode::OK) else {
            continue;
        };
        let expected = expected_types(&fetched.path);
        if expected.is_empty() {
            continue;
        }
        let page = Page::parse(&html);
        let data = json_ld(&page, &fetched.path);
        let kind = data["@type"].as_str().unwrap_or_default();
        assert!(
            expected.contains(&kind),
            "{}: @type {kind}, expected one of {expected:?}",
            fetched.path
        );
        // The name is the one the page shows in its own language (an exhibitor's title adds
        // "booth at CIFTIS" to it).
        let name = data["name"].as_str().unwrap_or_default();
        assert!(
            !name.is_empty() && page_title(&page).starts_with(name),
            "{}: JSON-LD name {name:?}, page title {:?}",
            fetched.path,
            page_title(&page)
        );
        let lang = page.attrs("html", "lang").concat();
        if kind == "ItemList" {
            let items = data["itemListElement"].as_array().expect("items");
            assert!(!items.is_empty(), "{}: an empty list", fetched.path);
            for (index, item) in items.iter().enumerate() {
                assert_eq!(item["@type"], "ListItem");
                assert_eq!(item["position"], index as i64 + 1, "{}", fetched.path);
                let url = item["url"].as_str().unwrap_or_default();
                let expected_prefix = match lang.as_str() {
                    "en" => "/",
                    "zh-Hans" => "/zh/",
                    _ => "/ur/",
                };
                assert!(url.starts_with(expected_prefix), "{}: {url}", fetched.path);
            }
        }
        described += 1;
    }
    // Home, four lists and every seeded entry, in three languages.
    assert!(described > 60, "only {described} pages were described");
}

#[tokio::test]
async fn the_forum_is_an_event_with_what_rich_results_require() {
    let app = TestApp::spawn().await;
    let event = json_ld(&app.page("/", StatusCode::OK).await, "/");
    assert_eq!(event["@type"], "Event");
    // Google's required properties: name, startDate, location (a Place with an address).
    assert!(
        event["name"]
            .as_str()
            .is_some_and(|n| n.starts_with("China-Pakistan Science, Technology and Innovation"))
    );
    assert_eq!(event["startDate"], "2023-09-05");
    let location = &event["location"];
    assert_eq!(location["@type"], "Place");
    assert!(
        location["name"]
            .as_str()
            .is_some_and(|n| n.contains("China International Fair for Trade in Services"))
    );
    assert_eq!(location["address"]["@type"], "PostalAddress");
    assert_eq!(location["address"]["addressLocality"], "Beijing");
    assert_eq!(location["address"]["addressCountry"], "CN");
    // Recommended ones the report supports.
    assert_eq!(event["endDate"], "2023-09-05");
    assert_eq!(event["eventStatus"], "https://schema.org/EventScheduled");
    assert_eq!(
        event["eventAttendanceMode"],
        "https://schema.org/OfflineEventAttendanceMode"
    );
    assert!(event["description"].as_str().is_some_and(|d| !d.is_empty()));
    let performers = event["performer"].as_array().expect("performers");
    let ambassador = performers
        .iter()
        .find(|p| p["name"] == "Moin ul Haque")
        .expect("the ambassador performs");
    assert_eq!(ambassador["@type"], "Person");
    assert_eq!(ambassador["url"], "/speakers/moin-ul-haque");
    assert!(
        ambassador["jobTitle"]
            .as_str()
            .is_some_and(|t| !t.is_empty())
    );
    // The report names no organiser, sponsor or funder: none is claimed.
    for property in ["organizer", "sponsor", "funder"] {
        assert!(
            event.get(property).is_none(),
            "{property} is not in the report"
        );
    }
    // The host fair, with the dates the report gives (2 to 6 September).
    let fair = &event["superEvent"];
    assert_eq!(fair["@type"], "ExhibitionEvent");
    assert_eq!(fair["alternateName"], "CIFTIS");
    assert_eq!(fair["startDate"], "2023-09-02");
    assert_eq!(fair["endDate"], "2023-09-06");
    assert_eq!(fair["location"]["address"]["addressCountry"], "CN");

    // The Chinese page describes the same event in Chinese.
    let event = json_ld(&app.page("/zh", StatusCode::OK).await, "/zh");
    assert_eq!(event["location"]["address"]["addressLocality"], "北京");
    assert!(
        event.get("inLanguage").is_none(),
        "the report does not say in which language the forum was held"
    );
    assert_eq!(event["url"], "/zh");
    assert!(
        event["performer"]
            .as_array()
            .expect("performers")
            .iter()
            .all(|p| p["url"]
                .as_str()
                .is_some_and(|u| u.starts_with("/zh/speakers/")))
    );
}

#[tokio::test]
async fn a_draft_is_neither_performer_nor_employee() {
    let app = TestApp::spawn().await;
    sqlx::query("UPDATE people SET published = false WHERE slug = 'ghulam-qadir'")
        .execute(&app.db)
        .await
        .unwrap();
    app.changes_heard().await;
    let event = json_ld(&app.page("/", StatusCode::OK).await, "/");
    let performers = event["performer"].as_array().expect("performers");
    assert!(!performers.is_empty());
    assert!(
        performers.iter().all(|p| p["name"] != "Ghulam Qadir"),
        "{performers:?}"
    );
    let page = app
        .page("/ur/speakers/ghulam-qadir", StatusCode::NOT_FOUND)
        .await;
    assert_eq!(
        page.count(r#"script[type="application/ld+json"]"#),
        0,
        "an error page describes nothing"
    );
}

#[tokio::test]
async fn no_text_can_break_out_of_the_json_ld() {
    let app = TestApp::spawn().await;
    let name = r#"Moin </script><script>alert("x")</script> & <!-- ul Haque"#;
    sqlx::query(
        "UPDATE people SET name = jsonb_set(name, '{en}', to_jsonb($1::text))
          WHERE slug = 'moin-ul-haque'",
    )
    .bind(name)
    .execute(&app.db)
    .await
    .unwrap();
    app.changes_heard().await;
    let page = app.page("/speakers/moin-ul-haque", StatusCode::OK).await;
    assert_eq!(page.count("script"), 1, "no script element was injected");
    let person = json_ld(&page, "/speakers/moin-ul-haque");
    assert_eq!(person["@type"], "Person");
    assert_eq!(person["name"], name);
    assert_eq!(person["performerIn"]["@id"], "/#forum");
    assert_eq!(person["worksFor"]["@type"], "GovernmentOrganization");
    // The embassy belongs to Pakistan but is in Beijing: its country is not its address.
    assert!(person["worksFor"].get("address").is_none());
}

#[tokio::test]
async fn open_graph_tags_describe_the_page_in_its_language() {
    let app = TestApp::spawn().await;
    let page = app.page("/zh/agreements", StatusCode::OK).await;
    let property = |name: &str| page.attrs(&format!(r#"meta[property="{name}"]"#), "content");
    assert_eq!(property("og:title"), [page_title(&page)]);
    assert_eq!(
        property("og:description"),
        page.attrs(r#"meta[name="description"]"#, "content")
    );
    assert_eq!(property("og:locale"), ["zh_CN"]);
    assert_eq!(property("og:locale:alternate"), ["en_GB", "ur_PK"]);
    assert_eq!(property("og:type"), ["website"]);
    assert_eq!(property("og:site_name").len(), 1);
    // Without a public URL there is no absolute address to give: no og:url rather than a
    // relative one (which OpenGraph does not allow) or one taken from the Host header.
    assert!(property("og:url").is_empty());
    assert_eq!(
        page.attrs(r#"meta[name="twitter:card"]"#, "content"),
        ["summary"]
    );
}

#[tokio::test]
async fn with_a_public_url_links_in_previews_and_json_ld_are_absolute() {
    let app = TestApp::spawn_with_public_url("https://forum.example.org").await;
    let response = app
        .client
        .get(app.url("/ur/speakers/moin-ul-haque"))
        .header("host", "forum.example.org")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let page = Page::parse(&response.text().await.unwrap());
    assert_eq!(
        page.attrs(r#"meta[property="og:url"]"#, "content"),
        ["https://forum.example.org/ur/speakers/moin-ul-haque"]
    );
    assert_eq!(
        page.attrs(r#"meta[property="og:locale"]"#, "content"),
        ["ur_PK"]
    );
    let person = json_ld(&page, "/ur/speakers/moin-ul-haque");
    assert_eq!(
        person["url"],
        "https://forum.example.org/ur/speakers/moin-ul-haque"
    );
    assert_eq!(
        person["performerIn"]["@id"],
        "https://forum.example.org/#forum"
    );
    assert_eq!(
        person["worksFor"]["url"],
        "https://forum.example.org/ur/organisations/pakistan-embassy-beijing"
    );
}
