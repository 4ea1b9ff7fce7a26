//! The data to take away: CSV files of the lists, the forum in a calendar, the Atom feed of
//! changes and the sitemap — read back with real parsers (csv, icalendar, atom_syndication,
//! roxmltree) and compared with the database and with the pages a visitor can reach.

use std::collections::{BTreeMap, BTreeSet};

use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_DISPOSITION, ETAG, IF_NONE_MATCH, SET_COOKIE};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::helpers::{Page, TestApp, content_type};
use crate::site::crawl;

const BOM: &str = "\u{feff}";
const ATOM: &str = "http://www.w3.org/2005/Atom";
const SITEMAPS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const XHTML: &str = "http://www.w3.org/1999/xhtml";

/// Run `sql` (which may change several tables) and wait until the portal has heard of it.
async fn execute(app: &TestApp, sql: &str) {
    sqlx::raw_sql(sql).execute(&app.db).await.unwrap();
    app.changes_heard().await;
}

/// A CSV download: checks its headers and framing, then parses it into rows keyed by column.
async fn csv_rows(app: &TestApp, path: &str) -> Vec<BTreeMap<String, String>> {
    let response = app.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "GET {path}");
    assert_eq!(content_type(&response), "text/csv; charset=utf-8", "{path}");
    let name = path.trim_start_matches('/');
    assert_eq!(
        response.headers()[CONTENT_DISPOSITION],
        format!("attachment; filename=\"{name}\""),
        "{path}"
    );
    assert!(response.headers().get(SET_COOKIE).is_none(), "{path}");
    let bytes = response.bytes().await.unwrap();
    let text = std::str::from_utf8(&bytes).expect("CSV is UTF-8");
    let body = text.strip_prefix(BOM).expect("CSV starts with a BOM");
    assert!(body.ends_with("\r\n"), "{path}: CRLF line ends");
    let mut reader = csv::ReaderBuilder::new().from_reader(body.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        headers.iter().collect::<BTreeSet<_>>().len(),
        headers.len(),
        "{path}: column names are unique"
    );
    reader
        .records()
        .map(|record| {
            let record = record.expect("a CSV row");
            assert_eq!(record.len(), headers.len(), "{path}: a full row");
            headers
                .iter()
                .cloned()
                .zip(record.iter().map(str::to_owned))
                .collect()
        })
        .collect()
}

/// The database's version of a localized text in `lang`, and whether it is a translation.
fn version(text: &serde_json::Value, lang: &str) -> (String, String) {
    let value = text.get(lang).and_then(|v| v.as_str()).unwrap_or_default();
    let translated = text
        .get("translated")
        .and_then(|t| t.as_array())
        .is_some_and(|codes| codes.iter().any(|c| c == lang));
    let mark = match (value.is_empty(), translated) {
        (true, _) => "",
        (false, true) => "yes",
        (false, false) => "no",
    };
    (value.to_owned(), mark.to_owned())
}

/// Check that `row` holds every language version of `text` in the columns of `field`.
fn assert_localized(row: &BTreeMap<String, String>, field: &str, text: &serde_json::Value) {
    for lang in ["en", "zh", "ur"] {
        let (value, mark) = version(text, lang);
        assert_eq!(row[&format!("{field}_{lang}")], value, "{field}_{lang}");
        assert_eq!(
            row[&format!("{field}_{lang}_translated")],
            mark,
            "{field}_{lang}_translated"
        );
    }
}

/// The slugs a public list page links to, in order (`/speakers/x` → `x`).
async fn listed_slugs(app: &TestApp, list: &str, item: &str) -> Vec<String> {
    let page = app.page(list, StatusCode::OK).await;
    page.attrs(&format!("main a[href^='{item}/']"), "href")
        .into_iter()
        .filter_map(|href| href.strip_prefix(&format!("{item}/")).map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn csv_files_hold_every_published_row_in_every_language_and_no_draft() {
    let app = TestApp::spawn().await;
    // A draft speaker (with quotes), a draft party of an agreement, a draft booth.
    execute(
        &app,
        "UPDATE people SET published = false WHERE slug = 'ghulam-qadir';
         UPDATE organisations SET published = false WHERE slug = 'china-construction-huaxia';
         UPDATE booths SET published = false WHERE slug = 'pia';",
    )
    .await;

    // Speakers: the same people as the list page, in its order, every language version.
    let speakers = csv_rows(&app, "/speakers.csv").await;
    let slugs: Vec<&str> = speakers.iter().map(|r| r["slug"].as_str()).collect();
    let listed = listed_slugs(&app, "/speakers", "/speakers").await;
    assert_eq!(slugs, listed.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(!slugs.contains(&"ghulam-qadir"));
    let people: Vec<(String, serde_json::Value, serde_json::Value)> = sqlx::query_as(
        "SELECT slug, name::jsonb, role::jsonb FROM people WHERE published
         ORDER BY position, name->>'en', id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(people.len(), speakers.len());
    for ((slug, name, role), row) in people.iter().zip(&speakers) {
        assert_eq!(&row["slug"], slug);
        assert_eq!(row["url"], format!("/speakers/{slug}"));
        assert_localized(row, "name", name);
        assert_localized(row, "role", role);
    }
    let moin = &speakers[0];
    assert_eq!(moin["name_en"], "Moin ul Haque");
    assert_eq!(moin["role_zh_translated"], "yes");
    assert!(
        moin["role_ur"]
            .chars()
            .any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)),
        "Urdu intact: {}",
        moin["role_ur"]
    );
    assert_eq!(moin["organisation_slug"], "pakistan-embassy-beijing");
    assert_eq!(
        moin["organisation_url"],
        "/organisations/pakistan-embassy-beijing"
    );
    assert_eq!(moin["source"], "China Economic Net (CEN)");
    assert_eq!(moin["source_date"], "2023-09-05");

    // Quotes: only published speakers', each translation marked as one.
    let quotes = csv_rows(&app, "/quotes.csv").await;
    let expected: Vec<(String, serde_json::Value, String)> = sqlx::query_as(
        "SELECT p.slug, q.body::jsonb, q.kind FROM quotes q JOIN people p ON p.id = q.person_id
         WHERE p.published ORDER BY p.position, p.name->>'en', p.id, q.position, q.id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert!(!expected.is_empty());
    assert_eq!(quotes.len(), expected.len());
    for ((slug, body, kind), row) in expected.iter().zip(&quotes) {
        assert_eq!(&row["speaker_slug"], slug);
        assert_eq!(&row["kind"], kind);
        assert_localized(row, "text", body);
    }
    assert!(quotes.iter().all(|q| q["speaker_slug"] != "ghulam-qadir"));
    // The seed's quotes are English originals with translated Chinese and Urdu versions.
    assert!(quotes.iter().all(|q| q["text_en_translated"] == "no"));
    assert!(
        quotes
            .iter()
            .all(|q| q["text_zh_translated"] == "yes" && q["text_ur_translated"] == "yes")
    );
    let first_of_moin: Vec<&str> = quotes
        .iter()
        .filter(|q| q["speaker_slug"] == "moin-ul-haque")
        .map(|q| q["number"].as_str())
        .collect();
    assert_eq!(first_of_moin[0], "1");

    // Organisations: the list page's organisations, no draft.
    let organisations = csv_rows(&app, "/organisations.csv").await;
    let slugs: BTreeSet<&str> = organisations.iter().map(|r| r["slug"].as_str()).collect();
    let listed = listed_slugs(&app, "/organisations", "/organisations").await;
    assert_eq!(slugs, listed.iter().map(String::as_str).collect());
    assert!(!slugs.contains("china-construction-huaxia"));
    let nlc = organisations.iter().find(|r| r["slug"] == "nlc").unwrap();
    assert_eq!(nlc["short_name"], "NLC");
    assert_eq!(nlc["country"], "PK");
    assert_eq!(nlc["kind"], "company");
    assert_eq!(nlc["exhibitor_slug"], "nlc");
    assert_eq!(nlc["exhibitor_url"], "/exhibitors/nlc");
    let pia = organisations.iter().find(|r| r["slug"] == "pia").unwrap();
    assert_eq!(pia["exhibitor_slug"], "", "a draft booth is not named");

    // Agreements: parties by slug and address, the draft party left out.
    let agreements = csv_rows(&app, "/agreements.csv").await;
    let listed = listed_slugs(&app, "/agreements", "/agreements").await;
    assert_eq!(
        agreements
            .iter()
            .map(|r| r["slug"].clone())
            .collect::<Vec<_>>(),
        listed
    );
    let center = agreements
        .iter()
        .find(|r| r["slug"] == "china-pakistan-sti-center")
        .unwrap();
    assert_eq!(center["party_slugs"], "zbra");
    assert_eq!(center["party_urls"], "/organisations/zbra");
    assert_eq!(center["announced_by_slug"], "khan-muhammad");
    assert_eq!(center["signed_on"], "2023-09-05");
    let other = agreements
        .iter()
        .find(|r| r["slug"] == "zbra-beijing-time-honored-brands")
        .unwrap();
    assert_eq!(
        other["party_slugs"],
        "zbra beijing-time-honored-brands-association"
    );

    // Exhibitors: the list page's booths, not the draft one.
    let exhibitors = csv_rows(&app, "/exhibitors.csv").await;
    let listed = listed_slugs(&app, "/exhibitors", "/exhibitors").await;
    assert_eq!(
        exhibitors
            .iter()
            .map(|r| r["slug"].clone())
            .collect::<Vec<_>>(),
        listed
    );
    assert!(exhibitors.iter().all(|r| r["slug"] != "pia"));
    let nlc = exhibitors.iter().find(|r| r["slug"] == "nlc").unwrap();
    assert_eq!(nlc["organisation_name_en"], "National Logistic Corporation");
    assert_eq!(nlc["booth_number"], "", "the report gives no booth number");

    // Initiatives: every one, each linking to its place on the home page.
    let initiatives = csv_rows(&app, "/initiatives.csv").await;
    let home = app.page("/", StatusCode::OK).await;
    let ids: Vec<String> = home
        .attrs(".initiatives li[id]", "id")
        .into_iter()
        .collect();
    assert_eq!(
        initiatives
            .iter()
            .map(|r| r["url"].trim_start_matches("/#").to_owned())
            .collect::<Vec<_>>(),
        ids
    );
}

#[tokio::test]
async fn list_pages_link_their_files_in_every_language() {
    let app = TestApp::spawn().await;
    for (page, files) in [
        ("/speakers", vec!["/speakers.csv", "/quotes.csv"]),
        ("/organisations", vec!["/organisations.csv"]),
        ("/agreements", vec!["/agreements.csv"]),
        ("/exhibitors", vec!["/exhibitors.csv"]),
        ("/", vec!["/initiatives.csv"]),
    ] {
        for prefix in ["", "/zh", "/ur"] {
            let path = if page == "/" && !prefix.is_empty() {
                prefix.to_owned()
            } else {
                format!("{prefix}{page}")
            };
            let html = app.page(&path, StatusCode::OK).await;
            let links = html.attrs("a[type='text/csv'][download]", "href");
            assert_eq!(links, files, "{path}");
            let texts = html.texts("a[type='text/csv']");
            assert!(texts.iter().all(|t| t.contains("CSV")), "{path}: {texts:?}");
        }
    }
    let zh = app.page("/zh/agreements", StatusCode::OK).await;
    assert_eq!(zh.text("a[type='text/csv']"), "下载此列表（CSV 电子表格）");
    let ur = app.page("/ur/agreements", StatusCode::OK).await;
    assert_eq!(
        ur.text("a[type='text/csv']"),
        "یہ فہرست CSV (اسپریڈشیٹ) میں ڈاؤن لوڈ کریں"
    );
    // The calendar, in the page's language.
    for (path, href) in [
        ("/", "/forum.ics"),
        ("/zh", "/zh/forum.ics"),
        ("/ur", "/ur/forum.ics"),
    ] {
        let html = app.page(path, StatusCode::OK).await;
        assert_eq!(
            html.attrs("a[type='text/calendar']", "href"),
            [href],
            "{path}"
        );
    }
}

#[tokio::test]
async fn odd_texts_and_formulas_survive_the_csv() {
    let app = TestApp::spawn().await;
    let odd = "He said \"yes, no\"; then:\r\nline two\n\nمعاہدہ، \u{200f}RTL\u{200f} 中文，逗号";
    let formula = "=HYPERLINK(\"http://evil.example\",\"click\")";
    sqlx::query(
        "UPDATE organisations SET description = jsonb_build_object('en', $1::text),
                name = name || jsonb_build_object('zh', $2::text)
         WHERE slug = 'nlc'",
    )
    .bind(odd)
    .bind(formula)
    .execute(&app.db)
    .await
    .unwrap();
    sqlx::query("UPDATE organisations SET short_name = '+92 NLC' WHERE slug = 'nlc'")
        .execute(&app.db)
        .await
        .unwrap();
    app.changes_heard().await;
    let rows = csv_rows(&app, "/organisations.csv").await;
    let nlc = rows.iter().find(|r| r["slug"] == "nlc").unwrap();
    assert_eq!(nlc["description_en"], odd);
    // A cell a spreadsheet would run is shown instead.
    assert_eq!(nlc["name_zh"], format!("'{formula}"));
    assert_eq!(nlc["short_name"], "'+92 NLC");
    // And the pages show the text as it is.
    let page = app.page("/organisations/nlc", StatusCode::OK).await;
    assert!(page.text("h1").contains("+92 NLC"), "{}", page.text("h1"));
}

#[tokio::test]
async fn with_nothing_published_every_download_still_answers() {
    let app = TestApp::spawn().await;
    execute(
        &app,
        "UPDATE people SET published = false;
         UPDATE organisations SET published = false;
         UPDATE agreements SET published = false;
         UPDATE booths SET published = false;
         DELETE FROM initiatives;
         UPDATE forum SET fair_starts_on = NULL, summary = NULL;",
    )
    .await;
    for file in [
        "/speakers.csv",
        "/quotes.csv",
        "/organisations.csv",
        "/agreements.csv",
        "/exhibitors.csv",
        "/initiatives.csv",
    ] {
        assert!(csv_rows(&app, file).await.is_empty(), "{file}");
    }
    // The calendar leaves out the fair, whose start is unknown.
    let calendar = read_calendar(&app, "/forum.ics").await;
    assert_eq!(calendar.events.len(), 1);
    assert!(
        calendar.events[0]
            .summary
            .ends_with("Shared Journey to a Digital Era")
    );
    assert!(calendar.events[0].description.is_none());
    // The sitemap lists the home page, the (empty) lists and the API's page, and no entry file.
    let sitemap = read_sitemap(&app).await;
    assert_eq!(sitemap.files, [app.url("/sitemaps/pages.xml")]);
    assert_eq!(
        sitemap.paths(&app),
        [
            "/",
            "/agreements",
            "/exhibitors",
            "/organisations",
            "/speakers",
            "/api"
        ]
        .iter()
        .flat_map(|p| in_every_language(p))
        .collect::<BTreeSet<String>>()
    );
    assert_eq!(
        app.get("/sitemaps/entries-1.xml").await.status(),
        StatusCode::NOT_FOUND
    );
    // The feed lists no entry that is now a draft.
    let feed = read_feed(&app, "/feed.atom").await;
    assert!(
        feed.entries
            .iter()
            .all(|e| e.link == app.url("/") || e.link.starts_with(&app.url("/#"))),
        "{:?}",
        feed.entries
    );
}

// --- The calendar ---------------------------------------------------------------------------

struct CalendarEvent {
    uid: String,
    start: String,
    end: String,
    summary: String,
    description: Option<String>,
    location: String,
}

struct Calendar {
    raw: String,
    events: Vec<CalendarEvent>,
}

/// Fetch and parse a calendar with `icalendar`'s parser; check RFC 5545's framing: CRLF
/// everywhere, no line over 75 octets, folds between characters.
async fn read_calendar(app: &TestApp, path: &str) -> Calendar {
    use icalendar::{Component, EventLike};

    let response = app.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "GET {path}");
    assert_eq!(content_type(&response), "text/calendar; charset=utf-8");
    assert!(response.headers().get(SET_COOKIE).is_none());
    let bytes = response.bytes().await.unwrap();
    let raw = String::from_utf8(bytes.to_vec()).expect("UTF-8, no character split by a fold");
    assert!(raw.ends_with("\r\n"));
    for line in raw.trim_end_matches("\r\n").split("\r\n") {
        assert!(
            !line.contains('\n') && !line.contains('\r'),
            "bare line break in {line:?}"
        );
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
    }
    let unfolded = icalendar::parser::unfold(&raw);
    let parsed = icalendar::parser::read_calendar(&unfolded).expect("a valid iCalendar");
    let calendar = icalendar::Calendar::from(parsed);
    let events = calendar
        .components
        .iter()
        .filter_map(|component| match component {
            icalendar::CalendarComponent::Event(event) => Some(event),
            _ => None,
        })
        .map(|event| CalendarEvent {
            uid: event.get_uid().expect("UID").to_owned(),
            start: format!("{:?}", event.get_start().expect("DTSTART")),
            end: format!("{:?}", event.get_end().expect("DTEND")),
            summary: event.get_summary().expect("SUMMARY").to_owned(),
            description: event.get_description().map(str::to_owned),
            location: event.get_location().expect("LOCATION").to_owned(),
        })
        .collect();
    Calendar { raw, events }
}

/// The unfolded content lines of a calendar.
fn content_lines(raw: &str) -> Vec<String> {
    raw.replace("\r\n ", "")
        .trim_end_matches("\r\n")
        .split("\r\n")
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn the_calendar_has_the_forum_and_its_fair_as_all_day_events_in_beijing() {
    let app = TestApp::spawn().await;
    let calendar = read_calendar(&app, "/forum.ics").await;
    assert_eq!(calendar.events.len(), 2);
    let (forum, fair) = (&calendar.events[0], &calendar.events[1]);
    assert!(forum.start.contains("2023-09-05"), "{}", forum.start);
    assert!(
        forum.end.contains("2023-09-06"),
        "exclusive end: {}",
        forum.end
    );
    assert!(forum.start.contains("Date") && !forum.start.contains("Time"));
    assert_eq!(
        forum.summary,
        "China-Pakistan Science, Technology and Innovation Cooperation – Shared Journey to a Digital Era"
    );
    assert!(forum.location.contains("CIFTIS") && forum.location.ends_with("Beijing"));
    assert!(
        forum
            .description
            .as_deref()
            .unwrap()
            .starts_with("The China-Pakistan Technology and Innovation Conference")
    );
    // The fair over the dates the database holds (2 to 6 September), ending the day after.
    assert!(fair.start.contains("2023-09-02"), "{}", fair.start);
    assert!(fair.end.contains("2023-09-07"), "{}", fair.end);
    assert_eq!(
        fair.summary,
        "China International Fair for Trade in Services (CIFTIS)"
    );
    assert_ne!(forum.uid, fair.uid);

    let lines = content_lines(&calendar.raw);
    for expected in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "X-WR-TIMEZONE:Asia/Shanghai",
        "BEGIN:VTIMEZONE",
        "TZID:Asia/Shanghai",
        "TZOFFSETFROM:+0800",
        "TZOFFSETTO:+0800",
        "DTSTART;VALUE=DATE:20230905",
        "DTEND;VALUE=DATE:20230906",
        "END:VCALENDAR",
    ] {
        assert!(
            lines.iter().any(|l| l == expected),
            "{expected} in {lines:#?}"
        );
    }
    // DTSTAMP is when the forum's entry last changed, not the clock: the file is stable.
    let updated: OffsetDateTime = sqlx::query_scalar("SELECT updated_at FROM forum")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let updated = updated.to_offset(time::UtcOffset::UTC);
    let stamp = format!(
        "DTSTAMP:{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        updated.year(),
        u8::from(updated.month()),
        updated.day(),
        updated.hour(),
        updated.minute(),
        updated.second()
    );
    assert_eq!(
        lines.iter().filter(|l| **l == stamp).count(),
        2,
        "{lines:#?}"
    );
    assert_eq!(read_calendar(&app, "/forum.ics").await.raw, calendar.raw);

    // In Chinese and Urdu: the same events (same UIDs), in those languages, marked as such.
    let zh = read_calendar(&app, "/zh/forum.ics").await;
    assert_eq!(zh.events[0].uid, forum.uid);
    assert_eq!(zh.events[1].uid, fair.uid);
    assert!(
        content_lines(&zh.raw)
            .iter()
            .any(|l| l == "SUMMARY;LANGUAGE=zh-Hans:中国—巴基斯坦科技创新合作——携手迈向数字时代"),
        "{}",
        zh.raw
    );
    let ur = read_calendar(&app, "/ur/forum.ics").await;
    assert_eq!(ur.events[0].uid, forum.uid);
    assert!(
        ur.events[0].location.contains("بیجنگ"),
        "{}",
        ur.events[0].location
    );
}

#[tokio::test]
async fn calendar_texts_are_escaped_and_folded() {
    let app = TestApp::spawn().await;
    let summary =
        "Commas, semicolons; a backslash \\ and\nanother line — اردو متن اور 中文文本 ".repeat(3);
    sqlx::query("UPDATE forum SET summary = jsonb_build_object('en', $1::text)")
        .bind(summary.trim_end())
        .execute(&app.db)
        .await
        .unwrap();
    app.changes_heard().await;
    let calendar = read_calendar(&app, "/forum.ics").await;
    // The parser gives the text back as it was.
    let description = calendar.events[0].description.clone().unwrap();
    assert_eq!(description, summary.trim_end());
    // As written: each special character escaped, the long line folded.
    let line = content_lines(&calendar.raw)
        .into_iter()
        .find(|l| l.starts_with("DESCRIPTION"))
        .unwrap();
    assert!(line.starts_with(
        "DESCRIPTION;LANGUAGE=en:Commas\\, semicolons\\; a backslash \\\\ and\\nanother line"
    ));
    let folded = calendar
        .raw
        .split("\r\n")
        .skip_while(|l| !l.starts_with("DESCRIPTION"))
        .skip(1)
        .take_while(|l| l.starts_with(' '))
        .count();
    assert!(
        folded >= 3,
        "a long DESCRIPTION is folded: {}",
        calendar.raw
    );
}

// --- The Atom feed --------------------------------------------------------------------------

#[derive(Debug)]
struct FeedEntry {
    id: String,
    title: String,
    updated: OffsetDateTime,
    link: String,
    summary: String,
}

struct Feed {
    raw: String,
    entries: Vec<FeedEntry>,
}

/// The one child of `node` named `name` in the Atom namespace.
fn only<'a>(node: roxmltree::Node<'a, 'a>, name: &str) -> roxmltree::Node<'a, 'a> {
    let found: Vec<_> = node
        .children()
        .filter(|c| c.has_tag_name((ATOM, name)))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "one atom:{name} in {}",
        node.tag_name().name()
    );
    found[0]
}

/// Fetch a feed, parse it with `atom_syndication`, and check what RFC 4287 requires with
/// `roxmltree`: the feed's id, title, updated, author and self link; each entry's id, title,
/// updated and alternate link.
async fn read_feed(app: &TestApp, path: &str) -> Feed {
    let response = app.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "GET {path}");
    assert_eq!(
        content_type(&response),
        "application/atom+xml; charset=utf-8"
    );
    assert!(response.headers().get(SET_COOKIE).is_none());
    let raw = response.text().await.unwrap();
    let parsed =
        atom_syndication::Feed::read_from(raw.as_bytes()).expect("atom_syndication reads it");
    assert!(!parsed.title().value.is_empty());

    let document = roxmltree::Document::parse(&raw).expect("well-formed XML");
    let feed = document.root_element();
    assert!(feed.has_tag_name((ATOM, "feed")));
    assert!(!only(feed, "id").text().unwrap_or_default().is_empty());
    assert!(!only(feed, "title").text().unwrap_or_default().is_empty());
    OffsetDateTime::parse(only(feed, "updated").text().unwrap(), &Rfc3339).unwrap();
    assert!(
        !only(only(feed, "author"), "name")
            .text()
            .unwrap_or_default()
            .is_empty()
    );
    let self_links: Vec<_> = feed
        .children()
        .filter(|c| c.has_tag_name((ATOM, "link")) && c.attribute("rel") == Some("self"))
        .map(|c| c.attribute("href").unwrap().to_owned())
        .collect();
    assert_eq!(self_links, [app.url(path)]);
    let entries: Vec<FeedEntry> = feed
        .children()
        .filter(|c| c.has_tag_name((ATOM, "entry")))
        .map(|entry| {
            let links: Vec<_> = entry
                .children()
                .filter(|c| {
                    c.has_tag_name((ATOM, "link")) && c.attribute("rel") == Some("alternate")
                })
                .collect();
            assert_eq!(links.len(), 1);
            FeedEntry {
                id: only(entry, "id").text().unwrap().to_owned(),
                title: only(entry, "title").text().unwrap().to_owned(),
                updated: OffsetDateTime::parse(only(entry, "updated").text().unwrap(), &Rfc3339)
                    .unwrap(),
                link: links[0].attribute("href").unwrap().to_owned(),
                summary: only(entry, "summary").text().unwrap_or_default().to_owned(),
            }
        })
        .collect();
    assert_eq!(parsed.entries().len(), entries.len());
    assert!(entries.len() <= 50);
    let ids: BTreeSet<&str> = entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids.len(), entries.len(), "entry ids are unique");
    assert!(entries.iter().all(|e| e.id.starts_with("tag:127.0.0.1,")));
    assert!(
        entries.windows(2).all(|w| w[0].updated >= w[1].updated),
        "newest first"
    );
    Feed { raw, entries }
}

/// The answer of `get` once it comes from the page cache (whose listener connects a moment
/// after start-up): it then has an `ETag`. Bounded.
async fn until_cached<F, Fut>(get: F) -> reqwest::Response
where
    F: Fn() -> Fut,
    Fut: Future<Output = reqwest::Result<reqwest::Response>>,
{
    let started = std::time::Instant::now();
    loop {
        let response = get().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{}", response.url());
        if response.headers().contains_key(ETAG) {
            return response;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "{} never came from the page cache",
            response.url()
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

/// Change the database as `admin_id` (the history triggers record who).
async fn as_admin(app: &TestApp, admin_id: i64, sql: &str) {
    let mut tx = app.db.begin().await.unwrap();
    forum_portal::db::history::attribute(&mut tx, admin_id, None)
        .await
        .unwrap();
    sqlx::raw_sql(sql).execute(&mut *tx).await.unwrap();
    tx.commit().await.unwrap();
    app.changes_heard().await;
}

#[tokio::test]
async fn the_feed_lists_published_changes_newest_first_and_never_a_draft() {
    let app = TestApp::spawn().await;
    let admin = app.create_admin("editor-secret@example.org").await;
    // The seed is the starting point, not news.
    let feed = read_feed(&app, "/feed.atom").await;
    assert!(feed.entries.is_empty(), "{:?}", feed.entries);

    // An edit of a published speaker is the newest entry, linking to their page.
    as_admin(
        &app,
        admin,
        "UPDATE people SET bio = '{\"en\": \"Ambassador since 2020.\", \"zh\": \"大使\", \"translated\": [\"zh\"]}',
                           version = version + 1, updated_at = now()
         WHERE slug = 'moin-ul-haque'",
    )
    .await;
    let feed = read_feed(&app, "/feed.atom").await;
    let top = &feed.entries[0];
    assert_eq!(top.title, "Updated: Moin ul Haque");
    assert_eq!(top.link, app.url("/speakers/moin-ul-haque"));
    assert_eq!(
        top.summary,
        "Speaker: Biography (English, Chinese) changed."
    );
    assert_eq!(
        app.get("/speakers/moin-ul-haque").await.status(),
        StatusCode::OK
    );
    // Never who made it.
    assert!(!feed.raw.contains("editor-secret"), "{}", feed.raw);

    // Edits of a draft never appear, not even once it is published; publishing it does.
    as_admin(
        &app,
        admin,
        "UPDATE people SET published = false WHERE slug = 'khan-muhammad';
         UPDATE people SET role = role || '{\"en\": \"Draft-only role\"}' WHERE slug = 'khan-muhammad';
         INSERT INTO quotes (person_id, body, kind)
              SELECT id, '{\"en\": \"A draft statement\"}', 'direct' FROM people WHERE slug = 'khan-muhammad';",
    )
    .await;
    let feed = read_feed(&app, "/feed.atom").await;
    assert_eq!(feed.entries[0].title, "Updated: Moin ul Haque");
    assert!(!feed.raw.contains("khan-muhammad"), "{}", feed.raw);
    as_admin(
        &app,
        admin,
        "UPDATE people SET published = true WHERE slug = 'khan-muhammad'",
    )
    .await;
    let feed = read_feed(&app, "/feed.atom").await;
    assert_eq!(feed.entries[0].title, "Published: Khan Muhammad");
    assert_eq!(feed.entries[0].link, app.url("/speakers/khan-muhammad"));
    assert_eq!(
        feed.entries
            .iter()
            .filter(|e| e.link.ends_with("/khan-muhammad"))
            .count(),
        1,
        "{:?}",
        feed.entries
    );

    // A quote added to a published speaker; a party that is a draft changes nothing public.
    as_admin(
        &app,
        admin,
        "INSERT INTO quotes (person_id, body, kind, position)
              SELECT id, '{\"en\": \"New words\"}', 'reported', 9 FROM people WHERE slug = 'xiaodong-zhang';
         INSERT INTO organisations (slug, name, kind, published) VALUES ('draft-co', '{\"en\": \"Draft Co\"}', 'company', false);
         INSERT INTO agreement_parties (agreement_id, organisation_id, position)
              SELECT a.id, o.id, 3 FROM agreements a, organisations o
               WHERE a.slug = 'china-pakistan-sti-center' AND o.slug = 'draft-co';
         UPDATE agreements SET version = version + 1 WHERE slug = 'china-pakistan-sti-center';",
    )
    .await;
    let feed = read_feed(&app, "/feed.atom").await;
    assert_eq!(feed.entries[0].title, "Added: Statement by Xiaodong Zhang");
    assert_eq!(feed.entries[0].link, app.url("/speakers/xiaodong-zhang"));
    assert!(!feed.raw.contains("Draft Co") && !feed.raw.contains("draft-co"));
    assert!(
        feed.entries
            .iter()
            .all(|e| !e.link.contains("/agreements/")),
        "{:?}",
        feed.entries
    );

    // An entry that is now a draft (or deleted) disappears from the feed, with its past.
    as_admin(
        &app,
        admin,
        "UPDATE people SET published = false WHERE slug = 'moin-ul-haque'",
    )
    .await;
    let feed = read_feed(&app, "/feed.atom").await;
    assert!(
        feed.entries
            .iter()
            .all(|e| !e.link.ends_with("/moin-ul-haque")),
        "{:?}",
        feed.entries
    );
    // Every entry leads to a page that exists.
    for entry in &feed.entries {
        let path = entry.link.strip_prefix(&app.url("")).unwrap();
        let path = path.split('#').next().unwrap();
        assert_eq!(app.get(path).await.status(), StatusCode::OK, "{path}");
    }

    // In Chinese and Urdu: the same entries (same ids) in those languages.
    let zh = read_feed(&app, "/zh/feed.atom").await;
    assert_eq!(
        zh.entries.iter().map(|e| &e.id).collect::<Vec<_>>(),
        feed.entries.iter().map(|e| &e.id).collect::<Vec<_>>()
    );
    assert_eq!(zh.entries[0].link, app.url("/zh/speakers/xiaodong-zhang"));
    assert!(
        zh.entries[0].title.starts_with("新增："),
        "{}",
        zh.entries[0].title
    );
    let ur = read_feed(&app, "/ur/feed.atom").await;
    assert!(ur.raw.contains("xml:lang=\"ur\""));
}

#[tokio::test]
async fn every_page_names_the_feed_in_its_language() {
    let app = TestApp::spawn().await;
    for (path, feed) in [
        ("/", "/feed.atom"),
        ("/zh/speakers", "/zh/feed.atom"),
        ("/ur/organisations/nlc", "/ur/feed.atom"),
    ] {
        let page = app.page(path, StatusCode::OK).await;
        assert_eq!(
            page.attrs("link[rel=alternate][type='application/atom+xml']", "href"),
            [feed],
            "{path}"
        );
    }
}

// --- The sitemap ----------------------------------------------------------------------------

struct Sitemap {
    /// The sitemap files the index names.
    files: Vec<String>,
    /// Every `<loc>` of those files.
    locs: Vec<String>,
    /// How many of them have a `lastmod`.
    dated: usize,
}

impl Sitemap {
    /// The locations as paths on the test server.
    fn paths(&self, app: &TestApp) -> BTreeSet<String> {
        self.locs
            .iter()
            .map(|loc| {
                loc.strip_prefix(&app.url(""))
                    .unwrap_or_else(|| panic!("{loc} is not on this site"))
                    .to_owned()
            })
            .collect()
    }
}

/// `path` in each language.
fn in_every_language(path: &str) -> Vec<String> {
    let localized = |prefix: &str| {
        if path == "/" {
            prefix.to_owned()
        } else {
            format!("{prefix}{path}")
        }
    };
    vec![path.to_owned(), localized("/zh"), localized("/ur")]
}

/// Fetch the index and every file it names; check each is valid XML in the sitemap
/// namespace, and that every address has its four `hreflang` alternates and a `lastmod`.
async fn read_sitemap(app: &TestApp) -> Sitemap {
    let response = app.get("/sitemap.xml").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(content_type(&response), "application/xml; charset=utf-8");
    let index = response.text().await.unwrap();
    let document = roxmltree::Document::parse(&index).expect("well-formed XML");
    assert!(
        document
            .root_element()
            .has_tag_name((SITEMAPS, "sitemapindex"))
    );
    let files: Vec<String> = document
        .descendants()
        .filter(|n| n.has_tag_name((SITEMAPS, "loc")))
        .map(|n| n.text().unwrap().to_owned())
        .collect();
    let mut locs = Vec::new();
    let mut dated = 0;
    for file in &files {
        let path = file
            .strip_prefix(&app.url(""))
            .expect("a file on this site");
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        let xml = response.text().await.unwrap();
        let document = roxmltree::Document::parse(&xml).expect("well-formed XML");
        assert!(document.root_element().has_tag_name((SITEMAPS, "urlset")));
        for url in document
            .root_element()
            .children()
            .filter(|n| n.has_tag_name((SITEMAPS, "url")))
        {
            let loc = url
                .children()
                .find(|n| n.has_tag_name((SITEMAPS, "loc")))
                .and_then(|n| n.text())
                .unwrap()
                .to_owned();
            // Every page with a published entry has one (an empty list has none).
            let lastmod = url
                .children()
                .find(|n| n.has_tag_name((SITEMAPS, "lastmod")))
                .and_then(|n| n.text());
            if let Some(lastmod) = lastmod {
                OffsetDateTime::parse(lastmod, &Rfc3339).unwrap();
                dated += 1;
            }
            let alternates: Vec<(&str, &str)> = url
                .children()
                .filter(|n| n.has_tag_name((XHTML, "link")))
                .map(|n| {
                    (
                        n.attribute("hreflang").unwrap(),
                        n.attribute("href").unwrap(),
                    )
                })
                .collect();
            assert_eq!(
                alternates.iter().map(|a| a.0).collect::<Vec<_>>(),
                ["en", "zh-Hans", "ur", "x-default"],
                "{loc}"
            );
            assert!(alternates.iter().any(|(_, href)| *href == loc), "{loc}");
            assert_eq!(alternates[3].1, alternates[0].1, "x-default is English");
            locs.push(loc);
        }
    }
    Sitemap { files, locs, dated }
}

#[tokio::test]
async fn the_sitemap_lists_every_public_page_and_nothing_else() {
    let app = TestApp::spawn().await;
    execute(
        &app,
        "UPDATE people SET published = false WHERE slug = 'ghulam-qadir';
         UPDATE agreements SET published = false WHERE slug = 'china-pakistan-sti-center';",
    )
    .await;
    let sitemap = read_sitemap(&app).await;
    let listed = sitemap.paths(&app);
    assert_eq!(listed.len(), sitemap.locs.len(), "each address once");
    assert_eq!(
        sitemap.dated,
        sitemap.locs.len() - 3,
        "every page has a lastmod but the API's page (in three languages), which no data dates"
    );

    // What a visitor reaches by following links from the home page, in any language
    // (list pages' filters and further pages have a query and are left out of the sitemap).
    let fetched = crawl(&app, &["/"], |target| !target.contains('?')).await;
    let reached: BTreeSet<String> = fetched
        .iter()
        .filter(|page| page.html.is_some() && page.status == StatusCode::OK)
        .map(|page| page.path.clone())
        .collect();
    assert_eq!(listed, reached);
    assert!(listed.contains("/ur/speakers/moin-ul-haque"));
    assert!(!listed.iter().any(|p| p.ends_with("/ghulam-qadir")));
    assert!(
        !listed
            .iter()
            .any(|p| p.ends_with("/china-pakistan-sti-center"))
    );
    // The downloads answer too (the crawl followed their links).
    for download in ["/speakers.csv", "/forum.ics", "/zh/feed.atom"] {
        let found = fetched.iter().find(|f| f.path == download);
        assert_eq!(
            found.map(|f| f.status),
            Some(StatusCode::OK),
            "{download} linked and answering"
        );
    }

    // Without a public URL, the addresses come from the request's Host: never cached.
    let response = app.get("/sitemap.xml").await;
    assert_eq!(response.headers()[CACHE_CONTROL], "no-store");
    assert!(response.headers().get(ETAG).is_none());
    let response = app
        .client
        .get(app.url("/sitemap.xml"))
        .header("host", "evil.example/x")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    // And robots.txt names no sitemap (its host would be the client's choice).
    assert_eq!(
        app.get("/robots.txt").await.text().await.unwrap(),
        "User-agent: *\nDisallow: /admin\n"
    );
}

#[tokio::test]
async fn with_a_public_url_the_sitemap_and_feed_are_absolute_and_cached() {
    let app = TestApp::spawn_with_public_url("https://forum.example.org").await;
    let get = |path: &str| {
        app.client
            .get(app.url(path))
            .header("host", "forum.example.org")
            .send()
    };
    let robots = get("/robots.txt").await.unwrap().text().await.unwrap();
    assert_eq!(
        robots,
        "User-agent: *\nDisallow: /admin\nSitemap: https://forum.example.org/sitemap.xml\n"
    );
    let response = until_cached(|| get("/sitemap.xml")).await;
    assert_eq!(response.headers()[CACHE_CONTROL], "public, no-cache");
    let index = response.text().await.unwrap();
    let document = roxmltree::Document::parse(&index).unwrap();
    let files: Vec<&str> = document
        .descendants()
        .filter(|n| n.has_tag_name((SITEMAPS, "loc")))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(
        files,
        [
            "https://forum.example.org/sitemaps/pages.xml",
            "https://forum.example.org/sitemaps/entries-1.xml"
        ]
    );
    let entries = get("/sitemaps/entries-1.xml")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(entries.contains("<loc>https://forum.example.org/zh/speakers/moin-ul-haque</loc>"));
    assert!(entries.contains(
        "<xhtml:link rel=\"alternate\" hreflang=\"ur\" href=\"https://forum.example.org/ur/exhibitors/nlc\"/>"
    ));
    assert_eq!(
        get("/sitemaps/entries-2.xml").await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    let feed = get("/zh/feed.atom").await.unwrap().text().await.unwrap();
    assert!(feed.contains("<link rel=\"self\" type=\"application/atom+xml\" href=\"https://forum.example.org/zh/feed.atom\"/>"));
    // The calendar's forum event links to the home page in its language; CSV links are absolute.
    let calendar = get("/ur/forum.ics").await.unwrap().text().await.unwrap();
    assert!(content_lines(&calendar).contains(&"URL:https://forum.example.org/ur".to_owned()));
    let csv = get("/agreements.csv").await.unwrap().text().await.unwrap();
    assert!(csv.contains("https://forum.example.org/organisations/zbra"));
}

#[tokio::test]
async fn downloads_are_cached_like_pages_and_follow_changes() {
    let app = TestApp::spawn().await;
    for path in [
        "/speakers.csv",
        "/forum.ics",
        "/zh/forum.ics",
        "/quotes.csv",
    ] {
        let first = until_cached(|| app.client.get(app.url(path)).send()).await;
        assert_eq!(first.status(), StatusCode::OK, "{path}");
        assert_eq!(first.headers()[CACHE_CONTROL], "public, no-cache", "{path}");
        assert!(first.headers().get(SET_COOKIE).is_none(), "{path}");
        let etag = first.headers()[ETAG].clone();
        let again = app
            .client
            .get(app.url(path))
            .header(IF_NONE_MATCH, etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{path}");
    }
    // A change reaches the next download.
    execute(
        &app,
        "UPDATE people SET name = name || '{\"ur\": \"معین الحق (نیا)\"}' WHERE slug = 'moin-ul-haque'",
    )
    .await;
    let speakers = csv_rows(&app, "/speakers.csv").await;
    assert_eq!(speakers[0]["name_ur"], "معین الحق (نیا)");
    // The HTML pages' links: unknown sitemap files are 404s, not errors.
    for missing in [
        "/sitemaps/entries-0.xml",
        "/sitemaps/entries-01.xml",
        "/sitemaps/entries-x.xml",
        "/sitemaps/other.xml",
        "/sitemaps/entries-99999999999999999999.xml",
    ] {
        assert_eq!(
            app.get(missing).await.status(),
            StatusCode::NOT_FOUND,
            "{missing}"
        );
    }
    let page = Page::parse(&app.get("/speakers").await.text().await.unwrap());
    assert_eq!(page.count("a[href='/speakers.csv']"), 1);
}
