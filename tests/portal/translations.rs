//! The content in Chinese and Urdu: no English left on their pages but names, acronyms and
//! the marked originals; translated quotes marked as translations with their original; the
//! translations add no fact; and the admin's translation workflow.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use scraper::{ElementRef, Node};

use crate::helpers::{Page, TestApp, normalise};
use crate::site::crawl;

/// Whether an element is a place where English may stand on a Chinese or Urdu page: a name
/// (isolated and marked `lang="en"`), a quote's marked original, the language switcher
/// (each language's own name), or what is not shown as text (head, scripts, styles).
fn english_is_expected(element: &ElementRef) -> bool {
    let value = element.value();
    // Code (identifiers, addresses) is in no language; the API page's reference text (from
    // the OpenAPI document) is kept in English and marked so.
    matches!(value.name(), "head" | "script" | "style" | "code")
        || (value.attr("lang") == Some("en")
            && value.has_class("en-reference", scraper::CaseSensitivity::CaseSensitive))
        || (value.name() == "bdi" && value.attr("lang") == Some("en"))
        || value.has_class("quote__original", scraper::CaseSensitivity::CaseSensitive)
        || value.has_class("lang-switch", scraper::CaseSensitivity::CaseSensitive)
}

/// The texts of `page` a reader meets as prose: every text node and `aria-label` outside the
/// places where English is expected.
fn prose(page: &Page) -> Vec<String> {
    let mut texts = Vec::new();
    let root = page.html.root_element();
    collect_prose(root, &mut texts);
    texts
}

fn collect_prose(element: ElementRef, texts: &mut Vec<String>) {
    if english_is_expected(&element) {
        return;
    }
    if let Some(label) = element.value().attr("aria-label") {
        texts.push(label.to_owned());
    }
    for child in element.children() {
        match child.value() {
            Node::Text(text) => texts.push(text.to_string()),
            Node::Element(_) => collect_prose(ElementRef::wrap(child).unwrap(), texts),
            _ => {}
        }
    }
}

/// The words written in Latin letters in `text` ("ZBRA", "5G", "R&D").
fn latin_words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '&' || c == '\''))
        .filter(|word| word.chars().any(|c| c.is_ascii_alphabetic()))
        .map(str::to_owned)
        .collect()
}

/// An acronym or code: no lower-case letter ("CIFTIS", "IT", "5G", "R&D").
fn is_acronym(word: &str) -> bool {
    !word.chars().any(|c| c.is_ascii_lowercase())
}

#[tokio::test]
async fn chinese_and_urdu_pages_have_no_english_but_names_acronyms_and_marked_originals() {
    let app = TestApp::spawn().await;
    for prefix in ["/zh", "/ur"] {
        let pages = crawl(&app, &[prefix], |path| {
            path.starts_with(&format!("{prefix}/")) && !path.contains('?')
        })
        .await;
        assert!(pages.len() > 25, "{prefix}: crawled only {}", pages.len());
        // Names are what the pages isolate as names; they may also stand in running text.
        let mut names = BTreeSet::new();
        for page in pages.iter().filter_map(|p| p.html.as_deref()) {
            for name in Page::parse(page).texts("bdi[lang=en]") {
                names.extend(latin_words(&name));
            }
        }
        let mut english = Vec::new();
        for fetched in &pages {
            let Some(html) = &fetched.html else { continue };
            assert_eq!(fetched.status, StatusCode::OK, "{}", fetched.path);
            for text in prose(&Page::parse(html)) {
                let foreign: Vec<String> = latin_words(&text)
                    .into_iter()
                    .filter(|word| !is_acronym(word) && !names.contains(word))
                    .collect();
                if !foreign.is_empty() {
                    english.push(format!(
                        "{}: {foreign:?} in {:?}",
                        fetched.path,
                        normalise(&text)
                    ));
                }
            }
        }
        assert!(
            english.is_empty(),
            "English a {prefix} reader meets:\n{}",
            english.join("\n")
        );
    }
}

#[tokio::test]
async fn every_translated_quote_says_so_and_offers_its_original() {
    let app = TestApp::spawn().await;
    let speakers: Vec<String> = sqlx::query_scalar("SELECT slug FROM people ORDER BY position")
        .fetch_all(&app.db)
        .await
        .unwrap();
    let mut quotes = 0;
    for slug in speakers {
        let english = app.page(&format!("/speakers/{slug}"), StatusCode::OK).await;
        let originals = english.texts(".quote .quote__body");
        assert_eq!(
            english.count(".quote__original"),
            0,
            "{slug}: the English quotes are the originals"
        );
        for prefix in ["/zh", "/ur"] {
            let page = app
                .page(&format!("{prefix}/speakers/{slug}"), StatusCode::OK)
                .await;
            let count = page.count(".quote");
            assert_eq!(count, originals.len(), "{prefix} {slug}");
            assert_eq!(
                page.count(".quote .quote__kind--translated"),
                count,
                "{prefix} {slug}: every quote is marked as translated"
            );
            assert_eq!(
                page.texts(".quote details.quote__original .quote__body"),
                originals,
                "{prefix} {slug}: each translation offers its English original"
            );
            assert_eq!(
                page.attrs(".quote__original .quote__body", "lang"),
                vec!["en".to_owned(); count]
            );
            // A translation is never presented as a quotation of the speaker's own words.
            assert_eq!(
                page.count(".quote blockquote:not(details blockquote)"),
                0,
                "{prefix} {slug}"
            );
            // Inserted words are isolated (U+2066–U+2069) so they keep their place in Urdu.
            let marks: Vec<String> = page
                .texts(".quote__kind--translated")
                .iter()
                .map(|mark| mark.replace(['\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}'], ""))
                .collect();
            let expected = if prefix == "/zh" {
                "译自英文"
            } else {
                "انگریزی سے ترجمہ"
            };
            assert!(
                marks.iter().all(|mark| mark.contains(expected)),
                "{prefix} {slug}: {marks:?}"
            );
            quotes += count;
        }
    }
    assert_eq!(quotes, 20, "ten quotes, each in Chinese and Urdu");
}

/// Every text in Chinese and Urdu: ("table slug column", language, its version, English).
async fn seeded_translations(app: &TestApp) -> Vec<(String, String, Option<String>, String)> {
    sqlx::query_as(
        "WITH texts AS (
             SELECT 'forum' AS entity, to_jsonb(t) AS row FROM forum t
             UNION ALL SELECT 'organisations', to_jsonb(t) FROM organisations t
             UNION ALL SELECT 'people', to_jsonb(t) FROM people t
             UNION ALL SELECT 'quotes', to_jsonb(t) FROM quotes t
             UNION ALL SELECT 'agreements', to_jsonb(t) FROM agreements t
             UNION ALL SELECT 'booths', to_jsonb(t) FROM booths t
             UNION ALL SELECT 'initiatives', to_jsonb(t) FROM initiatives t)
         SELECT entity || ' ' || COALESCE(row ->> 'slug', row ->> 'id') || ' ' || c.key,
                lang, c.value ->> lang, c.value ->> 'en'
         FROM texts, jsonb_each(row) AS c, unnest(ARRAY['zh', 'ur']) AS lang
         WHERE jsonb_typeof(c.value) = 'object'
         ORDER BY 1, 2",
    )
    .fetch_all(&app.db)
    .await
    .unwrap()
}

/// The runs of digits in `text`, Urdu (۰–۹) and Arabic (٠–٩) digits read as ASCII ones.
fn numbers(text: &str) -> Vec<String> {
    let ascii: String = text
        .chars()
        .map(|c| match c {
            '۰'..='۹' => char::from(b'0' + (c as u32 - '۰' as u32) as u8),
            '٠'..='٩' => char::from(b'0' + (c as u32 - '٠' as u32) as u8),
            other => other,
        })
        .collect();
    ascii
        .split(|c: char| !c.is_ascii_digit())
        .filter(|run| !run.is_empty())
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn every_seeded_text_has_chinese_and_urdu_that_add_no_fact() {
    let app = TestApp::spawn().await;
    let texts = seeded_translations(&app).await;
    assert!(texts.len() > 100, "only {} texts", texts.len());
    let mut problems = Vec::new();
    for (what, lang, text, english) in &texts {
        let Some(text) = text.as_deref().filter(|t| !t.trim().is_empty()) else {
            problems.push(format!("{what}: no {lang} version"));
            continue;
        };
        let english_numbers = numbers(english);
        for number in numbers(text) {
            if !english_numbers.contains(&number) {
                problems.push(format!(
                    "{what} [{lang}]: the number {number} is not in the English"
                ));
            }
        }
        let english_words: BTreeSet<String> = latin_words(english)
            .into_iter()
            .map(|w| w.to_lowercase())
            .collect();
        for word in latin_words(text) {
            if !english_words.contains(&word.to_lowercase()) {
                problems.push(format!(
                    "{what} [{lang}]: the word {word:?} is not in the English"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    // Translations are marked; names that stay as the report spells them are not translations.
    let unmarked: Vec<String> = sqlx::query_scalar(
        "SELECT q.id::text FROM quotes q
         WHERE NOT (q.body -> 'translated' ? 'zh' AND q.body -> 'translated' ? 'ur')
         UNION ALL
         SELECT p.slug FROM people p
         WHERE p.name ->> 'zh' <> p.name ->> 'en' OR p.name ->> 'ur' <> p.name ->> 'en'
            OR p.name ? 'translated'",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert!(
        unmarked.is_empty(),
        "quotes not marked as translated, or people's names changed: {unmarked:?}"
    );
}

#[tokio::test]
async fn claims_are_attributed_and_unknown_kinds_stay_unknown() {
    let app = TestApp::spawn().await;
    let nlc = app.page("/organisations/nlc", StatusCode::OK).await;
    let description = nlc.texts("main p").join(" ");
    assert!(
        description.contains("largest logistics company") && description.contains("Ambassador"),
        "the NLC claim is the Ambassador's: {description}"
    );
    let kind: Option<String> =
        sqlx::query_scalar("SELECT kind FROM organisations WHERE slug = 'zbra'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(kind, None, "the report does not say what ZBRA is");
}

#[tokio::test]
async fn translators_see_the_original_mark_translations_and_find_what_is_missing() {
    let app = TestApp::spawn_logged_in().await;
    let id = app.id_of("organisations", "nlc").await;
    let path = format!("/admin/organisations/{id}");
    let form = app.page(&path, StatusCode::OK).await;
    // The English version stands beside each translation's input, and is named by it.
    let original = form.text("#field-description\\.zh-original p[lang=en]");
    assert!(original.contains("largest logistics company"), "{original}");
    assert_eq!(
        form.attrs("#field-description\\.zh", "aria-describedby"),
        ["field-description.zh-original"]
    );
    assert_eq!(
        form.count("#field-name\\.zh-translated[checked]"),
        1,
        "the seeded Chinese name is marked as a translation"
    );

    // Un-ticking the mark records the version as an original; nothing else changes.
    let values = app.form_values(&path).await;
    let values: Vec<(String, String)> = values
        .into_iter()
        .filter(|(name, _)| name != "name.zh.translated")
        .collect();
    let response = app.post_changed(&path, &values, &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let name: serde_json::Value =
        sqlx::query_scalar("SELECT name FROM organisations WHERE slug = 'nlc'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(name["translated"], serde_json::json!(["ur"]), "{name}");

    // Take away an Urdu version: the lists and the dashboard point at it.
    sqlx::query("UPDATE organisations SET description = description - 'ur' - 'translated' WHERE slug = 'nlc'")
        .execute(&app.db)
        .await
        .unwrap();
    let needing = app
        .page("/admin/organisations?missing=ur", StatusCode::OK)
        .await;
    assert_eq!(
        needing.attrs("tbody th a", "href"),
        std::slice::from_ref(&path)
    );
    assert!(needing.text("tbody td.list__translations").contains("Urdu"));
    let complete = app
        .page("/admin/organisations?missing=zh", StatusCode::OK)
        .await;
    assert_eq!(complete.count("tbody tr"), 0);
    let dashboard = app.page("/admin", StatusCode::OK).await;
    assert!(
        dashboard
            .attrs("#translations ~ table a, .needing a", "href")
            .contains(&"/admin/organisations?missing=ur".to_owned())
    );
    app.page("/admin/organisations?missing=fr", StatusCode::BAD_REQUEST)
        .await;
}
