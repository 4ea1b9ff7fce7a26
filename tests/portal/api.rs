//! The JSON API: every endpoint answers, every entry is reachable by following links from
//! `/api/v1/forum` and every page of every list by following `next`; every answer (errors
//! included) validates against the schema the served OpenAPI document gives for its path and
//! status; drafts and what belongs to them never appear; errors are problem details; CORS is
//! open for reading; `ETag`s revalidate with and without the page cache; links are absolute
//! with a public URL; and `/api` describes every endpoint and type.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::sync::Mutex;

use forum_portal::state::AppState;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

use crate::helpers::{Page, TestApp, content_type, seeded_database};

/// What the API answered.
struct Answer {
    path: String,
    status: StatusCode,
    headers: HeaderMap,
    body: Value,
}

impl Answer {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    /// The body's string at a JSON pointer.
    fn text(&self, pointer: &str) -> &str {
        self.body
            .pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("{}: no string at {pointer}", self.path))
    }
}

/// GET `path` (with `headers`) and read its JSON body (empty for a 304).
async fn fetch_with(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> Answer {
    let mut request = app.client.get(app.url(path));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("request failed");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.unwrap();
    let body = if status == StatusCode::NOT_MODIFIED {
        assert!(bytes.is_empty(), "{path}: a 304 has no body");
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap_or_else(|error| {
            panic!(
                "{path}: {status}: not JSON ({error}): {}",
                String::from_utf8_lossy(&bytes)
            )
        })
    };
    Answer {
        path: path.to_owned(),
        status,
        headers,
        body,
    }
}

async fn fetch(app: &TestApp, path: &str) -> Answer {
    fetch_with(app, path, &[]).await
}

/// The served OpenAPI document, and validators for the schemas it gives.
struct Document {
    value: Value,
    validators: Mutex<HashMap<String, jsonschema::Validator>>,
}

impl Document {
    async fn load(app: &TestApp) -> Self {
        let answer = fetch(app, "/api/openapi.json").await;
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(answer.body["openapi"], "3.1.0");
        // The document is itself valid against the OpenAPI 3.1 rules a client relies on:
        // every operation has an id and every `$ref` resolves.
        let document = answer.body;
        let text = document.to_string();
        for reference in text.split("\"$ref\":\"").skip(1) {
            let target = reference.split('"').next().unwrap();
            let pointer = target.trim_start_matches('#');
            assert!(
                document.pointer(pointer).is_some(),
                "the document refers to {target}, which it lacks"
            );
        }
        Self {
            value: document,
            validators: Mutex::new(HashMap::new()),
        }
    }

    /// The operation whose path template matches `path` (its query aside).
    fn operation(&self, path: &str) -> (&str, &Value) {
        let path = path.split('?').next().unwrap();
        let segments: Vec<&str> = path.split('/').collect();
        self.value["paths"]
            .as_object()
            .unwrap()
            .iter()
            .find(|(template, _)| {
                let parts: Vec<&str> = template.split('/').collect();
                parts.len() == segments.len()
                    && parts
                        .iter()
                        .zip(&segments)
                        .all(|(part, segment)| part.starts_with('{') || part == segment)
            })
            .map(|(template, item)| (template.as_str(), &item["get"]))
            .unwrap_or_else(|| panic!("{path}: no operation in the document"))
    }

    /// Check `answer` against what the document says its operation answers with its status.
    fn check(&self, answer: &Answer) {
        let (template, operation) = self.operation(&answer.path);
        let status = answer.status.as_u16().to_string();
        let mut response = &operation["responses"][&status];
        assert!(
            !response.is_null(),
            "{}: {template} does not document {status}",
            answer.path
        );
        if let Some(reference) = response["$ref"].as_str() {
            response = self
                .value
                .pointer(reference.trim_start_matches('#'))
                .unwrap();
        }
        let Some(content) = response["content"].as_object() else {
            assert!(
                answer.body.is_null(),
                "{}: {status} has a body",
                answer.path
            );
            return;
        };
        let (media, content) = content.iter().next().unwrap();
        let actual = answer.header("content-type");
        assert_eq!(
            actual.split(';').next().unwrap().trim(),
            media,
            "{}: content type",
            answer.path
        );
        self.validate(&content["schema"], &answer.body, &answer.path);
        if status == "200" {
            for header in response["headers"].as_object().unwrap() {
                assert!(
                    answer.headers.contains_key(header.0.as_str()),
                    "{}: the document promises {}",
                    answer.path,
                    header.0
                );
            }
        }
    }

    /// Validate `instance` against `schema` (which may refer to the document's components).
    fn validate(&self, schema: &Value, instance: &Value, path: &str) {
        let errors = self.errors(schema, instance, path);
        assert!(
            errors.is_empty(),
            "{path}: does not match its schema: {errors:#?}"
        );
    }

    /// Where `instance` does not match `schema`.
    fn errors(&self, schema: &Value, instance: &Value, path: &str) -> Vec<String> {
        let key = schema.to_string();
        let mut validators = self.validators.lock().unwrap();
        let validator = validators.entry(key).or_insert_with(|| {
            let mut root = schema.as_object().cloned().unwrap_or_default();
            root.insert("components".to_owned(), self.value["components"].clone());
            jsonschema::options()
                .with_draft(jsonschema::Draft::Draft202012)
                .should_validate_formats(true)
                .build(&Value::Object(root))
                .unwrap_or_else(|error| panic!("the schema for {path} does not build: {error}"))
        });
        validator
            .iter_errors(instance)
            .map(|error| format!("{} at {}", error, error.instance_path()))
            .collect()
    }
}

/// The addresses an answer links to: its entries' `url` and `html_url`, its pages' links
/// and the forum's lists.
fn links_of(value: &Value, parent: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                if let Value::String(link) = value
                    && (matches!(
                        key.as_str(),
                        "url" | "html_url" | "self" | "first" | "last" | "prev" | "next"
                    ) || parent == "lists")
                {
                    out.push(link.clone());
                }
                links_of(value, key, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                links_of(item, parent, out);
            }
        }
        _ => {}
    }
}

/// Everything reachable from `/api/v1/forum` by following links: the API's answers by path
/// (each checked against the document), and the portal's pages they link to.
async fn crawl(app: &TestApp, document: &Document) -> (BTreeMap<String, Answer>, BTreeSet<String>) {
    let mut queue = VecDeque::from(["/api/v1/forum".to_owned()]);
    let mut seen: BTreeSet<String> = queue.iter().cloned().collect();
    let mut answers = BTreeMap::new();
    let mut pages = BTreeSet::new();
    while let Some(path) = queue.pop_front() {
        let answer = fetch(app, &path).await;
        assert_eq!(answer.status, StatusCode::OK, "GET {path}: {}", answer.body);
        document.check(&answer);
        let mut links = Vec::new();
        if path != "/api/openapi.json" {
            links_of(&answer.body, "", &mut links);
        }
        for link in links {
            assert!(link.starts_with('/'), "{path}: a relative link {link}");
            if link.starts_with("/api/") {
                if seen.insert(link.clone()) {
                    queue.push_back(link);
                }
            } else {
                pages.insert(link);
            }
        }
        answers.insert(path, answer);
    }
    (answers, pages)
}

/// How many published entries of each list there are, from the database.
async fn published(app: &TestApp) -> BTreeMap<&'static str, i64> {
    let mut counts = BTreeMap::new();
    for (list, sql) in [
        ("speakers", "SELECT count(*) FROM people WHERE published"),
        (
            "organisations",
            "SELECT count(*) FROM organisations WHERE published",
        ),
        (
            "agreements",
            "SELECT count(*) FROM agreements WHERE published",
        ),
        (
            "exhibitors",
            "SELECT count(*) FROM booths b JOIN organisations o ON o.id = b.organisation_id
              WHERE b.published AND o.published",
        ),
        ("initiatives", "SELECT count(*) FROM initiatives"),
        (
            "quotes",
            "SELECT count(*) FROM quotes q JOIN people p ON p.id = q.person_id WHERE p.published",
        ),
    ] {
        let count: i64 = sqlx::query_scalar(sql).fetch_one(&app.db).await.unwrap();
        counts.insert(list, count);
    }
    counts
}

#[tokio::test]
async fn every_entry_is_reachable_by_links_and_every_answer_matches_the_document() {
    let app = TestApp::spawn().await;
    let document = Document::load(&app).await;
    let (answers, pages) = crawl(&app, &document).await;

    // Every operation of the document was reached.
    let templates: BTreeSet<&str> = answers.keys().map(|p| document.operation(p).0).collect();
    let documented: BTreeSet<&str> = document.value["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(templates, documented);

    // The schemas are strict: a property more or less, or a link that is no URI, fails.
    let speaker = &answers["/api/v1/speakers/moin-ul-haque"].body;
    let schema = json!({"$ref": "#/components/schemas/Speaker"});
    let mut extra = speaker.clone();
    extra["extra"] = json!(1);
    let mut missing = speaker.clone();
    missing.as_object_mut().unwrap().remove("source");
    let mut bad_link = speaker.clone();
    bad_link["url"] = json!("not a link");
    let mut bad_mark = speaker.clone();
    bad_mark["name"]["translated"] = json!(["fr"]);
    for wrong in [extra, missing, bad_link, bad_mark] {
        assert!(
            !document
                .errors(&schema, &wrong, "a wrong speaker")
                .is_empty(),
            "{wrong}"
        );
    }

    // Every published entry of every list, and nothing more.
    let counts = published(&app).await;
    let forum = &answers["/api/v1/forum"].body;
    for (list, count) in &counts {
        assert!(*count > 0, "the seed has {list}");
        assert_eq!(forum["counts"][*list], json!(count), "{list}");
        let prefix = format!("/api/v1/{list}/");
        let items = answers.keys().filter(|p| p.starts_with(&prefix)).count();
        assert_eq!(items as i64, *count, "{list}: entries reached by links");
    }

    // The portal's pages they link to exist, and so do their fragments.
    assert!(pages.contains("/speakers/moin-ul-haque"), "{pages:?}");
    for link in &pages {
        let (path, fragment) = link.split_once('#').unwrap_or((link, ""));
        let page = app.page(path, StatusCode::OK).await;
        if !fragment.is_empty() {
            assert_eq!(
                page.count(&format!("[id='{fragment}']")),
                1,
                "{link}: no such element"
            );
        }
    }
}

#[tokio::test]
async fn every_page_of_every_list_is_reached_through_next() {
    let app = TestApp::spawn().await;
    let document = Document::load(&app).await;
    for (list, total) in published(&app).await {
        for per_page in [1, 3, 50] {
            let first = format!("/api/v1/{list}?per_page={per_page}");
            let mut path = Some(first.clone());
            let mut seen = Vec::new();
            let mut previous: Option<String> = None;
            let mut number = 0;
            while let Some(current) = path {
                number += 1;
                let answer = fetch(&app, &current).await;
                assert_eq!(answer.status, StatusCode::OK, "{current}");
                document.check(&answer);
                let body = &answer.body;
                assert_eq!(body["page"], number, "{current}");
                assert_eq!(body["per_page"], per_page);
                assert_eq!(body["total"], total);
                assert_eq!(body["links"]["self"], current.as_str());
                assert_eq!(body["links"]["first"], first.as_str());
                assert_eq!(body["links"]["prev"], json!(previous), "{current}");
                let items = body["items"].as_array().unwrap();
                assert!(!items.is_empty() && items.len() <= per_page, "{current}");
                seen.extend(items.iter().map(|item| item["url"].clone()));
                // The Link header says what the body says.
                let link = answer.header("link");
                let next = body["links"]["next"].as_str().map(str::to_owned);
                for (rel, target) in [
                    ("first", Some(first.clone())),
                    ("prev", previous.clone()),
                    ("next", next.clone()),
                    ("last", body["links"]["last"].as_str().map(str::to_owned)),
                ] {
                    let entry = target.map(|t| format!("<{t}>; rel=\"{rel}\""));
                    match entry {
                        Some(entry) => assert!(link.contains(&entry), "{current}: {link}"),
                        None => assert!(!link.contains(&format!("rel=\"{rel}\"")), "{link}"),
                    }
                }
                previous = Some(current.clone());
                path = next;
            }
            assert_eq!(seen.len() as i64, total, "{list} by {per_page}");
            let distinct: BTreeSet<String> = seen.iter().map(Value::to_string).collect();
            assert_eq!(distinct.len(), seen.len(), "{list}: an entry on two pages");
            assert_eq!(
                number,
                (total + per_page as i64 - 1) / per_page as i64,
                "{list} by {per_page}: pages"
            );
        }
    }
}

#[tokio::test]
async fn drafts_and_what_belongs_to_them_never_appear() {
    let app = TestApp::spawn().await;
    let document = Document::load(&app).await;
    let quote_ids: Vec<i64> = sqlx::query_scalar(
        "SELECT q.id FROM quotes q JOIN people p ON p.id = q.person_id
          WHERE p.slug = 'khan-muhammad' ORDER BY q.id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert!(!quote_ids.is_empty());
    // Before: all of them are there.
    for path in [
        "/api/v1/speakers/khan-muhammad",
        "/api/v1/organisations/zbra",
        "/api/v1/exhibitors/pia",
        "/api/v1/exhibitors/netsol",
    ] {
        assert_eq!(fetch(&app, path).await.status, StatusCode::OK, "{path}");
    }
    // A speaker (with quotes and announced agreements), an organisation (a party to both
    // agreements, the employer of another speaker), a booth, and the organisation of another.
    for sql in [
        "UPDATE people SET published = false WHERE slug = 'khan-muhammad'",
        "UPDATE organisations SET published = false WHERE slug IN ('zbra', 'netsol')",
        "UPDATE booths SET published = false WHERE slug = 'pia'",
    ] {
        sqlx::query(sql).execute(&app.db).await.unwrap();
    }
    app.changes_heard().await;

    let (answers, pages) = crawl(&app, &document).await;
    let drafts = [
        "/speakers/khan-muhammad",
        "/organisations/zbra",
        "/organisations/netsol",
        "/exhibitors/pia",
        "/exhibitors/netsol",
    ];
    for (path, answer) in &answers {
        let mut links = Vec::new();
        links_of(&answer.body, "", &mut links);
        for link in links {
            assert!(
                !drafts.iter().any(|draft| link.ends_with(draft)),
                "{path} links to the draft {link}"
            );
        }
        let text = answer.body.to_string();
        assert!(
            !text.contains("\"slug\":\"khan-muhammad\""),
            "{path} names a draft"
        );
    }
    assert!(pages.iter().all(|page| !drafts.contains(&page.as_str())));
    // The drafts' own addresses, and the draft speaker's quotes, are 404 problems.
    let mut missing: Vec<String> = drafts.iter().map(|d| format!("/api/v1{d}")).collect();
    missing.extend(quote_ids.iter().map(|id| format!("/api/v1/quotes/{id}")));
    for path in missing {
        let answer = fetch(&app, &path).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}");
        document.check(&answer);
    }
    // Their agreements stay, without the draft announcer and party.
    let agreement = &answers["/api/v1/agreements/china-pakistan-sti-center"].body;
    assert_eq!(agreement["announced_by"], Value::Null);
    let parties: Vec<&str> = agreement["parties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["slug"].as_str().unwrap())
        .collect();
    assert_eq!(parties, ["china-construction-huaxia"]);
    assert_eq!(
        answers["/api/v1/speakers/xiaodong-zhang"].body["organisation"],
        Value::Null
    );
    let forum = &answers["/api/v1/forum"].body;
    for (list, count) in published(&app).await {
        assert_eq!(forum["counts"][list], count, "{list}");
    }
    assert_eq!(
        forum["counts"]["quotes"].as_i64().unwrap() + quote_ids.len() as i64,
        10
    );
}

#[tokio::test]
async fn every_text_carries_every_version_and_its_translation_marks() {
    let app = TestApp::spawn().await;
    let document = Document::load(&app).await;
    let answer = fetch(&app, "/api/v1/quotes").await;
    document.check(&answer);
    let quotes = answer.body["items"].as_array().unwrap();
    // The seed's quotes are English originals with marked Chinese and Urdu translations.
    for quote in quotes {
        let body = &quote["body"];
        assert_eq!(body["original"], "en", "{quote}");
        assert!(body["en"].as_str().is_some_and(|t| !t.is_empty()));
        for lang in ["zh", "ur"] {
            if body[lang].is_string() {
                assert!(
                    body["translated"]
                        .as_array()
                        .unwrap()
                        .contains(&json!(lang)),
                    "a {lang} version of a quote that is not marked a translation: {quote}"
                );
            }
        }
    }
    assert!(
        quotes.iter().any(|q| q["body"]["zh"].is_string()),
        "the seed translates quotes"
    );
    // An original in Chinese, with an English translation, says so.
    let id = quotes[0]["id"].as_i64().unwrap();
    sqlx::query(
        r#"UPDATE quotes SET body = '{"zh": "我们携手前行。", "en": "We go forward together.", "translated": ["en"]}'
           WHERE id = $1"#,
    )
    .bind(id)
    .execute(&app.db)
    .await
    .unwrap();
    app.changes_heard().await;
    let answer = fetch(&app, &format!("/api/v1/quotes/{id}")).await;
    document.check(&answer);
    assert_eq!(
        answer.body["body"],
        json!({"en": "We go forward together.", "zh": "我们携手前行。", "ur": null,
               "original": "zh", "translated": ["en"]})
    );
    let speaker = answer.text("/speaker/url").to_owned();
    let speaker = fetch(&app, &speaker).await;
    let listed = speaker.body["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == id)
        .expect("the speaker lists the quote");
    assert_eq!(listed["body"]["translated"], json!(["en"]));
}

#[tokio::test]
async fn errors_are_problem_details_with_the_right_status() {
    let app = TestApp::spawn().await;
    let document = Document::load(&app).await;
    for (path, status, detail) in [
        ("/api/v1/speakers/nobody", 404, "nobody"),
        ("/api/v1/speakers/Not%20A%20Slug", 404, "speaker"),
        ("/api/v1/quotes/999999", 404, "999999"),
        ("/api/v1/quotes/abc", 404, "abc"),
        ("/api/v1/speakers?page=999", 404, "page"),
        ("/api/v1/speakers?page=0", 400, "page"),
        ("/api/v1/speakers?page=abc", 400, "page"),
        ("/api/v1/speakers?page=1&page=2", 400, "more than once"),
        ("/api/v1/speakers?per_page=101", 400, "per_page"),
        ("/api/v1/speakers?perpage=10", 400, "perpage"),
        ("/api/v1/forum?page=1", 400, "no query parameters"),
        ("/api/v1/speakers/moin-ul-haque?lang=zh", 400, "lang"),
    ] {
        let answer = fetch(&app, path).await;
        assert_eq!(answer.status.as_u16(), status, "{path}: {}", answer.body);
        document.check(&answer);
        assert_eq!(answer.body["status"], status, "{path}");
        assert_eq!(answer.body["type"], "about:blank");
        let text = answer.text("/detail");
        assert!(text.contains(detail), "{path}: {text}");
    }
    // Addresses the API does not have, and methods it does not take: problems too, never
    // the HTML error page.
    for path in [
        "/api/v1/nothing",
        "/api/v2/speakers",
        "/api/v1/speakers/",
        "/api/",
    ] {
        let answer = fetch(&app, path).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            answer
                .header("content-type")
                .starts_with("application/problem+json"),
            "{path}"
        );
        document.validate(
            &json!({"$ref": "#/components/schemas/Problem"}),
            &answer.body,
            path,
        );
    }
    for method in [
        reqwest::Method::POST,
        reqwest::Method::PUT,
        reqwest::Method::DELETE,
        reqwest::Method::PATCH,
    ] {
        let response = app
            .client
            .request(method.clone(), app.url("/api/v1/speakers"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::METHOD_NOT_ALLOWED,
            "{method}"
        );
        let allow = response.headers()["allow"].to_str().unwrap().to_owned();
        assert!(
            allow.contains("GET") && allow.contains("OPTIONS"),
            "{allow}"
        );
        assert!(content_type(&response).starts_with("application/problem+json"));
        let body: Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
        assert_eq!(body["status"], 405);
    }
    // HEAD answers like GET, without a body.
    let head = app
        .client
        .head(app.url("/api/v1/speakers"))
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), StatusCode::OK);
    assert!(head.headers().contains_key("etag"));
    assert!(head.bytes().await.unwrap().is_empty());
}

#[tokio::test]
async fn scripts_of_any_origin_may_read_it() {
    let app = TestApp::spawn().await;
    let origin = [("origin", "https://elsewhere.example")];
    for path in [
        "/api/v1/speakers",
        "/api/v1/speakers/moin-ul-haque",
        "/api/openapi.json",
        "/api/v1/speakers/nobody",
    ] {
        let answer = fetch_with(&app, path, &origin).await;
        assert_eq!(answer.header("access-control-allow-origin"), "*", "{path}");
        let exposed = answer
            .header("access-control-expose-headers")
            .to_ascii_lowercase();
        assert!(
            exposed.contains("etag") && exposed.contains("link"),
            "{exposed}"
        );
        assert_eq!(
            answer.header("cross-origin-resource-policy"),
            "cross-origin"
        );
        assert!(answer.headers.get("set-cookie").is_none(), "{path}");
        // Every other security header stays.
        assert_eq!(answer.header("x-content-type-options"), "nosniff");
        assert_eq!(answer.header("x-frame-options"), "DENY");
        assert!(
            answer
                .header("content-security-policy")
                .starts_with("default-src 'none'")
        );
    }
    // A preflight for a conditional request.
    let preflight = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/api/v1/speakers?page=1"))
        .header("origin", "https://elsewhere.example")
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "if-none-match")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success(), "{}", preflight.status());
    let header = |name: &str| {
        preflight.headers()[name]
            .to_str()
            .unwrap()
            .to_ascii_lowercase()
    };
    assert_eq!(header("access-control-allow-origin"), "*");
    assert!(header("access-control-allow-methods").contains("get"));
    assert!(header("access-control-allow-headers").contains("if-none-match"));
    // The pages are not open that way.
    let page = app.get("/speakers").await;
    assert_eq!(
        page.headers()["cross-origin-resource-policy"],
        "same-origin"
    );
    assert!(page.headers().get("access-control-allow-origin").is_none());
}

/// Revalidating answers of `app`: a `304` for the `ETag` it gave, a `200` for another.
async fn revalidates(app: &TestApp) {
    for path in [
        "/api/v1/forum",
        "/api/v1/speakers?page=2&per_page=1",
        "/api/v1/agreements/china-pakistan-sti-center",
        "/api/openapi.json",
    ] {
        let first = fetch(app, path).await;
        assert_eq!(first.status, StatusCode::OK);
        let etag = first.header("etag").to_owned();
        assert!(etag.starts_with('"') && etag.len() > 10, "{path}: {etag:?}");
        let again = fetch_with(app, path, &[("if-none-match", &etag)]).await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{path}");
        assert_eq!(again.header("etag"), etag, "{path}");
        let other = fetch_with(app, path, &[("if-none-match", "\"0000\"")]).await;
        assert_eq!(other.status, StatusCode::OK, "{path}");
        assert_eq!(other.body, first.body);
    }
}

#[tokio::test]
async fn etags_revalidate_with_and_without_the_page_cache() {
    let app = TestApp::spawn().await;
    revalidates(&app).await;
    let (database, db) = seeded_database().await;
    let uncached =
        TestApp::spawn_with_state(database, AppState::new(db).without_page_cache()).await;
    revalidates(&uncached).await;
    // A change makes a new ETag.
    let before = fetch(&uncached, "/api/v1/speakers/moin-ul-haque").await;
    sqlx::query(
        "UPDATE people SET role = role || '{\"en\": \"Changed\"}' WHERE slug = 'moin-ul-haque'",
    )
    .execute(&uncached.db)
    .await
    .unwrap();
    let after = fetch_with(
        &uncached,
        "/api/v1/speakers/moin-ul-haque",
        &[("if-none-match", before.header("etag"))],
    )
    .await;
    assert_eq!(after.status, StatusCode::OK);
    assert_eq!(after.text("/role/en"), "Changed");
}

#[tokio::test]
async fn links_are_absolute_with_a_public_url() {
    let app = TestApp::spawn_with_public_url("https://forum.example.org").await;
    let host = [("host", "forum.example.org")];
    let document = fetch_with(&app, "/api/openapi.json", &host).await;
    assert_eq!(document.status, StatusCode::OK);
    assert_eq!(
        document.body["servers"][0]["url"],
        "https://forum.example.org"
    );
    let answer = fetch_with(&app, "/api/v1/speakers?per_page=1", &host).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        answer.text("/items/0/url"),
        "https://forum.example.org/api/v1/speakers/moin-ul-haque"
    );
    assert_eq!(
        answer.text("/items/0/html_url"),
        "https://forum.example.org/speakers/moin-ul-haque"
    );
    assert_eq!(
        answer.text("/links/next"),
        "https://forum.example.org/api/v1/speakers?page=2&per_page=1"
    );
    assert!(
        answer.header("link").contains(
            "<https://forum.example.org/api/v1/speakers?page=2&per_page=1>; rel=\"next\""
        )
    );
    // Another Host never flows into a link: it is refused, as a problem.
    let forged = fetch_with(&app, "/api/v1/forum", &[("host", "evil.example")]).await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST);
    assert!(
        forged
            .header("content-type")
            .starts_with("application/problem+json")
    );
}

#[tokio::test]
async fn the_api_page_describes_every_endpoint_and_type_in_three_languages() {
    let app = TestApp::spawn().await;
    let document = Document::load(&app).await;
    let paths: BTreeSet<String> = document.value["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(|path| format!("GET {path}"))
        .collect();
    let schemas: BTreeSet<String> = document.value["components"]["schemas"]
        .as_object()
        .unwrap()
        .keys()
        .map(|name| format!("schema-{name}"))
        .collect();
    for (prefix, lang) in [("", "en"), ("/zh", "zh-Hans"), ("/ur", "ur")] {
        let page = app.page(&format!("{prefix}/api"), StatusCode::OK).await;
        assert_eq!(page.attrs("html", "lang"), [lang]);
        let endpoints: BTreeSet<String> =
            page.texts("section.api-operation h3").into_iter().collect();
        assert_eq!(endpoints, paths, "{prefix}/api: endpoints");
        let types: BTreeSet<String> = page
            .attrs("section.api-type h3", "id")
            .into_iter()
            .collect();
        assert_eq!(types, schemas, "{prefix}/api: data types");
        assert_eq!(
            page.attrs("main > ul.link-list a[href$='openapi.json']", "href"),
            ["/api/openapi.json"]
        );
        // Every field of the speaker is listed with its type.
        let fields = page.texts("#schema-Speaker + p + table tbody th");
        assert!(fields.contains(&"quotes".to_owned()), "{fields:?}");
        // The document's English descriptions are marked as English on the other pages.
        let english = page.count("main td[lang=en]");
        if lang == "en" {
            assert_eq!(english, 0);
        } else {
            assert!(english > 50, "{prefix}/api: {english} cells marked English");
        }
    }
    // Every page links to it from its footer, in its own language.
    for (path, link) in [
        ("/", "/api"),
        ("/zh/speakers", "/zh/api"),
        ("/ur", "/ur/api"),
    ] {
        let page = app.page(path, StatusCode::OK).await;
        assert_eq!(page.attrs("footer.site-footer a", "href"), [link], "{path}");
    }
    let page = Page::parse(&app.get("/api").await.text().await.unwrap());
    assert_eq!(page.text("h1"), "Open data API");
}
