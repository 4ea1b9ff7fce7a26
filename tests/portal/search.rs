//! `/search?q=`: the seeded entries found by English, Chinese and Urdu words on pages in
//! every language; Urdu letter variants and diacritics ignored; drafts never found; odd
//! queries answered with a page that keeps them in the box; matched words marked, content
//! escaped; the index used for each kind of query (EXPLAIN); the index kept current.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{Page, TestApp, empty_database};
use crate::query_plans::nodes;
use forum_portal::db::search::{CANDIDATES, SEARCH_SQL};

/// The results page for `query` (form-encoded) at `prefix` (`""`, `/zh`, `/ur`).
async fn search(app: &TestApp, prefix: &str, query: &str) -> Page {
    let encoded: String = form_urlencoded::byte_serialize(query.as_bytes()).collect();
    app.page(&format!("{prefix}/search?q={encoded}"), StatusCode::OK)
        .await
}

/// The links of the results of one kind.
fn links(page: &Page, kind: &str) -> Vec<String> {
    page.attrs(
        &format!("#results-{kind} ~ .results .result__title a"),
        "href",
    )
}

/// The marked words of the results.
fn marks(page: &Page) -> Vec<String> {
    page.texts(".results mark")
}

#[tokio::test]
async fn finds_the_seeded_entries_by_english_chinese_and_urdu_words_in_every_language() {
    let app = TestApp::spawn().await;

    // English, stemmed: "agreements" finds both agreements, and the quotes that say it.
    let page = search(&app, "", "agreements").await;
    assert_eq!(
        links(&page, "agreements"),
        [
            "/agreements/china-pakistan-sti-center",
            "/agreements/zbra-beijing-time-honored-brands"
        ]
    );
    assert!(
        marks(&page).iter().any(|m| m == "Agreement"),
        "{:?}",
        marks(&page)
    );

    // A two-character Chinese word, on an English and an Urdu page: the agreements and the
    // blueprint, shown in the Chinese version that has it, marked.
    for prefix in ["", "/ur"] {
        let page = search(&app, prefix, "合作").await;
        assert_eq!(links(&page, "agreements").len(), 2, "{prefix}");
        assert_eq!(
            links(&page, "initiatives"),
            [format!(
                "{}#initiative-cpec-it-and-st-cooperation-blueprint",
                if prefix.is_empty() { "/" } else { prefix }
            )]
        );
        assert!(
            marks(&page).iter().all(|m| m == "合作"),
            "{:?}",
            marks(&page)
        );
        assert_eq!(
            page.attrs(
                "#results-agreements ~ .results .result__detail > span",
                "lang"
            ),
            ["zh-Hans", "zh-Hans"]
        );
    }

    // A Chinese organisation name from the seed, on the Chinese page: in the title.
    let page = search(&app, "/zh", "老字号").await;
    assert_eq!(
        links(&page, "organisations"),
        ["/zh/organisations/beijing-time-honored-brands-association"]
    );
    assert_eq!(
        page.text("#results-organisations ~ .results .result__title"),
        "北京老字号协会"
    );

    // An Urdu word, on a Chinese page: the ambassador's role; his page.
    let page = search(&app, "/zh", "سفیر").await;
    assert_eq!(links(&page, "people"), ["/zh/speakers/moin-ul-haque"]);
    assert_eq!(
        page.attrs("#results-people ~ .results .result__detail > span", "lang"),
        ["ur"]
    );
    // Quotes link to the speaker's statements; booths to their own page.
    let page = search(&app, "/ur", "تعاون").await;
    assert!(
        links(&page, "quotes")
            .iter()
            .all(|href| href.starts_with("/ur/speakers/") && href.ends_with("#statements")),
        "{:?}",
        links(&page, "quotes")
    );
    let page = search(&app, "", "NETSOL").await;
    assert_eq!(links(&page, "organisations"), ["/organisations/netsol"]);
    assert_eq!(links(&page, "booths"), ["/exhibitors/netsol"]);

    // A name, by the start of a word, in any case.
    let page = search(&app, "", "haq").await;
    assert_eq!(links(&page, "people"), ["/speakers/moin-ul-haque"]);
    assert_eq!(page.texts("#results-people ~ .results mark"), ["Haque"]);
}

#[tokio::test]
async fn urdu_letter_variants_and_diacritics_still_match() {
    let app = TestApp::spawn().await;
    // The seed writes پاکستان and بیجنگ with Urdu kaf (ک) and Farsi yeh (ی).
    let embassy = "/organisations/pakistan-embassy-beijing";
    for query in [
        "بيجنگ",                 // Arabic yeh
        "بِیجِنگ",                 // kasras
        "بیـــجنگ",              // tatweel
        "\u{200F}بیجنگ\u{200F}", // right-to-left marks
        "ﺑﻴﺠﻨگ",                 // Arabic presentation forms
    ] {
        let page = search(&app, "", query).await;
        assert!(
            links(&page, "organisations").contains(&embassy.to_owned()),
            "{query:?}: {:?}",
            links(&page, "organisations")
        );
    }
    let page = search(&app, "/ur", "پاكستاني سفارت").await; // Arabic kaf and yeh
    assert_eq!(
        links(&page, "organisations"),
        ["/ur/organisations/pakistan-embassy-beijing"]
    );
    assert_eq!(
        page.texts("#results-organisations ~ .results mark"),
        ["پاکستانی", "سفارت"]
    );

    // And the other way round: text typed with Arabic letters and harakat is found by the
    // Urdu letters, and ۂ, ة and ہ meet.
    sqlx::query(
        "INSERT INTO organisations (slug, name, kind, published)
         VALUES ('variants', '{\"en\": \"Variants\", \"ur\": \"كِتابي ادارة تجارۂ\"}', 'other', true)",
    )
    .execute(&app.db)
    .await
    .unwrap();
    app.changes_heard().await;
    for query in ["کتابی", "ادارہ", "تجارہ", "ادارۃ"] {
        let page = search(&app, "/ur", query).await;
        assert_eq!(
            links(&page, "organisations"),
            ["/ur/organisations/variants"],
            "{query}"
        );
    }
    // Do-chashmi heh and bari yeh stay letters of their own.
    let page = search(&app, "/ur", "کتابے").await;
    assert!(links(&page, "organisations").is_empty());
}

#[tokio::test]
async fn drafts_and_what_belongs_to_them_are_never_found() {
    let app = TestApp::spawn().await;
    // A draft person with a quote, a draft organisation with a published booth, a draft
    // agreement, a published initiative naming the draft person: all with one odd word.
    sqlx::raw_sql(
        "INSERT INTO organisations (slug, name, kind, published)
             VALUES ('draft-org', '{\"en\": \"Quxwort Holdings\", \"zh\": \"曲沃特控股\"}', 'company', false);
         INSERT INTO booths (slug, organisation_id, note, published)
             SELECT 'draft-org', id, '{\"en\": \"Quxwort booth\"}', true FROM organisations WHERE slug = 'draft-org';
         INSERT INTO people (slug, name, role, published)
             VALUES ('draft-person', '{\"en\": \"Quxwort Person\"}', '{\"en\": \"曲沃特 adviser\"}', false);
         INSERT INTO quotes (person_id, body, kind)
             SELECT id, '{\"en\": \"Quxwort is the future.\"}', 'direct' FROM people WHERE slug = 'draft-person';
         INSERT INTO agreements (slug, title, kind, published)
             VALUES ('draft-agreement', '{\"en\": \"Quxwort Accord\"}', '{\"en\": \"MOU\"}', false);",
    )
    .execute(&app.db)
    .await
    .unwrap();
    app.changes_heard().await;
    for (prefix, query) in [("", "quxwort"), ("/zh", "曲沃特"), ("/ur", "Quxwort")] {
        let page = search(&app, prefix, query).await;
        assert_eq!(page.count(".result"), 0, "{prefix} {query}");
        assert!(page.text(".search-summary").contains(query), "{query}");
    }
    // An initiative is public (the home page lists every one): found, but never with a link
    // to the draft person who mentioned it.
    sqlx::query(
        "INSERT INTO initiatives (slug, name, mentioned_by_id)
         SELECT 'zorblatt-plan', '{\"en\": \"Zorblatt Plan\"}', id FROM people
          WHERE slug = 'draft-person'",
    )
    .execute(&app.db)
    .await
    .unwrap();
    app.changes_heard().await;
    let page = search(&app, "", "zorblatt").await;
    assert_eq!(links(&page, "initiatives").len(), 1);
    assert!(
        page.attrs("a", "href")
            .iter()
            .all(|href| !href.contains("draft-person")),
        "no link to the draft person"
    );

    // Published, the same entries are found: the search above could have found them.
    sqlx::raw_sql(
        "UPDATE organisations SET published = true WHERE slug = 'draft-org';
         UPDATE people SET published = true WHERE slug = 'draft-person';
         UPDATE agreements SET published = true WHERE slug = 'draft-agreement';",
    )
    .execute(&app.db)
    .await
    .unwrap();
    app.changes_heard().await;
    let page = search(&app, "", "quxwort").await;
    for kind in ["people", "organisations", "agreements", "booths", "quotes"] {
        assert_eq!(links(&page, kind).len(), 1, "{kind}");
    }
}

#[tokio::test]
async fn odd_queries_get_a_helpful_page_that_keeps_them_in_the_box() {
    let app = TestApp::spawn().await;
    let long = "a".repeat(10_000);
    // (query string as sent, status, what the box holds)
    let corpus: Vec<(String, StatusCode, String)> = [
        ("q=", "", StatusCode::OK),
        ("q=+++", "", StatusCode::OK),
        ("", "", StatusCode::OK),
        ("q=%21%21%21%3F", "!!!?", StatusCode::OK),
        ("q=%22", "\"", StatusCode::OK),
        ("q=%27", "'", StatusCode::OK),
        ("q=%5C", "\\", StatusCode::OK),
        ("q=%5C%27%22", "\\'\"", StatusCode::OK),
        ("q=%25", "%", StatusCode::OK),
        ("q=_", "_", StatusCode::OK),
        ("q=%25_%25", "%_%", StatusCode::OK),
        ("q=a%3A*+%26+%21%28b%7Cc%29", "a:* & !(b|c)", StatusCode::OK),
        ("q=-%22or%22+OR", "-\"or\" OR", StatusCode::OK),
        (
            "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
            "<script>alert(1)</script>",
            StatusCode::OK,
        ),
        ("q=a%00b", "a b", StatusCode::OK),
        (
            "q=%E2%80%8F%D8%AA%D8%B9%D8%A7%D9%88%D9%86%E2%80%8F",
            "\u{200F}تعاون\u{200F}",
            StatusCode::OK,
        ),
        (
            "q=%E2%80%AEabc%E2%80%AC",
            "\u{202E}abc\u{202C}",
            StatusCode::OK,
        ),
        ("q=%EF%BF%BF", "", StatusCode::OK),
        (
            "q=%ED%A0%80",
            "\u{FFFD}\u{FFFD}\u{FFFD}",
            StatusCode::BAD_REQUEST,
        ),
        ("q=caf%E9", "caf\u{FFFD}", StatusCode::BAD_REQUEST),
        ("q=ok&kind=nonsense&page=-3", "ok", StatusCode::OK),
    ]
    .into_iter()
    .map(|(query, box_value, status)| (query.to_owned(), status, box_value.to_owned()))
    .chain([(
        format!("q={long}"),
        StatusCode::OK,
        // Shortened to the first 200 characters (`web::public::search::MAX_QUERY_CHARS`).
        "a".repeat(200),
    )])
    .collect();
    for prefix in ["", "/zh", "/ur"] {
        for (query, status, box_value) in &corpus {
            let path = format!("{prefix}/search?{query}");
            let response = app.get(&path).await;
            assert_eq!(response.status(), *status, "{path}");
            assert!(response.headers().get("set-cookie").is_none(), "{path}");
            let page = Page::parse(&response.text().await.unwrap());
            assert_eq!(
                page.attrs("#search-q", "value"),
                std::slice::from_ref(box_value),
                "{path}"
            );
            assert_eq!(
                page.attrs("meta[name=robots]", "content"),
                ["noindex"],
                "{path}"
            );
            if *status == StatusCode::BAD_REQUEST {
                assert_eq!(page.count(".search-notice[role=alert]"), 1, "{path}");
                assert_eq!(page.count(".search-summary"), 0, "{path}");
            } else if box_value.is_empty() {
                // The box and its hint, nothing searched.
                assert_eq!(page.count("#search-hint"), 1, "{path}");
                assert_eq!(page.count(".search-summary"), 0, "{path}");
            } else {
                assert_eq!(page.count(".search-summary[role=status]"), 1, "{path}");
            }
        }
        // The long one says it was shortened.
        let page = app
            .page(&format!("{prefix}/search?q={long}"), StatusCode::OK)
            .await;
        assert!(page.text(".search-notice").contains("200"), "{prefix}");
    }
    // Punctuation alone has no word to look for, and says so.
    let page = app.page("/search?q=%25_%25", StatusCode::OK).await;
    assert!(page.text("main").contains("no word to look for"));
}

#[tokio::test]
async fn marked_words_and_content_are_escaped() {
    let app = TestApp::spawn().await;
    sqlx::query(
        "INSERT INTO organisations (slug, name, description, kind, published)
         VALUES ('markup', '{\"en\": \"Tom <b>Bold</b> & Co\"}',
                 '{\"en\": \"<script>alert(1)</script> bold claims\"}', 'company', true)",
    )
    .execute(&app.db)
    .await
    .unwrap();
    app.changes_heard().await;
    let page = search(&app, "", "<b>bold").await;
    assert_eq!(
        page.text("#results-organisations ~ .results .result__title"),
        "Tom <b>Bold</b> & Co"
    );
    assert_eq!(
        page.texts("#results-organisations ~ .results mark"),
        ["Bold", "bold"]
    );
    assert_eq!(page.count(".results b, .results script"), 0);
    assert_eq!(page.count("main script"), 0);
    // The query itself is shown as text too.
    assert!(page.text(".search-summary").contains("“<b>bold”"));
    assert_eq!(page.attrs("#search-q", "value"), ["<b>bold"]);
}

#[tokio::test]
async fn every_page_has_a_search_box_for_its_language() {
    let app = TestApp::spawn().await;
    for (path, action) in [
        ("/", "/search"),
        ("/zh/speakers/moin-ul-haque", "/zh/search"),
        ("/ur/exhibitors", "/ur/search"),
        ("/no-such-page", "/search"),
    ] {
        let response = app.get(path).await;
        let page = Page::parse(&response.text().await.unwrap());
        assert_eq!(
            page.attrs(".site-header form[role=search][method=get]", "action"),
            [action],
            "{path}"
        );
        let input = page.attrs(".site-search input[type=search][name=q]", "id");
        assert_eq!(input, ["site-search-q"], "{path}");
        assert_eq!(
            page.count(".site-search label[for=site-search-q]"),
            1,
            "{path}"
        );
        assert_eq!(page.count(".site-search button[type=submit]"), 1, "{path}");
    }
    // The results page says what it found, in its language.
    let page = search(&app, "/zh", "合作").await;
    assert_eq!(page.text(".search-summary"), "找到9条与“合作”相关的结果");
    let page = search(&app, "/ur", "merhaba").await;
    assert!(page.text(".search-summary").contains("کچھ نہیں ملا"));
}

#[tokio::test]
async fn the_index_follows_every_change() {
    let app = TestApp::spawn().await;
    // An update of a searched text: the new word is found, the old one no longer.
    sqlx::query(
        "UPDATE organisations SET name = jsonb_set(name, '{en}', '\"Netsol Quantum Works\"')
         WHERE slug = 'netsol'",
    )
    .execute(&app.db)
    .await
    .unwrap();
    app.changes_heard().await;
    let page = search(&app, "", "quantum").await;
    assert_eq!(links(&page, "organisations"), ["/organisations/netsol"]);
    // Its booth is found by the organisation's new name too.
    assert_eq!(links(&page, "booths"), ["/exhibitors/netsol"]);
    // A delete takes the entry's row with it.
    sqlx::query("DELETE FROM booths WHERE slug = 'netsol'")
        .execute(&app.db)
        .await
        .unwrap();
    app.changes_heard().await;
    let left: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM search_entries WHERE kind = 'booths'
            AND entity_id NOT IN (SELECT id FROM booths)",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(left, 0);
    let page = search(&app, "", "quantum").await;
    assert!(links(&page, "booths").is_empty());
    // Every entry has its row.
    let (entries, rows): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM people) + (SELECT count(*) FROM organisations)
              + (SELECT count(*) FROM agreements) + (SELECT count(*) FROM booths)
              + (SELECT count(*) FROM initiatives) + (SELECT count(*) FROM quotes),
                (SELECT count(*) FROM search_entries)",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(entries, rows);
}

/// The database's normalisation and its Rust twin (which places the highlights) agree on
/// every seeded text and on odd input.
#[tokio::test]
async fn the_rust_normalisation_agrees_with_the_database() {
    let app = TestApp::spawn().await;
    let mut texts: Vec<String> = sqlx::query_scalar(
        "SELECT v FROM (
             SELECT jsonb_each_text(name - 'translated') FROM organisations
             UNION ALL SELECT jsonb_each_text(description - 'translated') FROM organisations
             UNION ALL SELECT jsonb_each_text(role - 'translated') FROM people
             UNION ALL SELECT jsonb_each_text(body - 'translated') FROM quotes
             UNION ALL SELECT jsonb_each_text(title - 'translated') FROM agreements
             UNION ALL SELECT jsonb_each_text(description - 'translated') FROM agreements
             UNION ALL SELECT jsonb_each_text(name - 'translated') FROM initiatives
             UNION ALL SELECT jsonb_each_text(description - 'translated') FROM initiatives
             UNION ALL SELECT jsonb_each_text(note - 'translated') FROM booths
         ) AS t (pair), LATERAL (SELECT (pair).value) AS v (v)",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert!(texts.len() > 100, "{}", texts.len());
    texts.extend(
        [
            "Ｆｕｌｌ-width ＡＢＣ １２３ and Zhāng Wěi, Café",
            "كِتابي ادارة تجارۂ صلوٰۃ ٱلله ۲۰۲۳ ٢٠٢٣ ﻙﺘﺎﺏ آئی",
            "中巴合作，伙伴关系。「二〇二三」《报告》〔注〕・…",
            "tab\there\nnew line\u{A0}nbsp\u{3000}ideographic\u{2003}em",
            "\u{200F}rlm \u{202E}override\u{202C} zw\u{200B}sp zwj\u{200D}zwnj\u{200C} \u{FEFF}bom",
            "½ ² ℃ № ™ ﬁ ǆ Ⅻ ⑤ ㈱ ㍻ 𠀀𪚥",
            "'\"\\%_<>&;:*!()|-+=#@$^~`[]{}",
        ]
        .map(String::from),
    );
    for text in texts {
        let database: String = sqlx::query_scalar("SELECT search_normalize($1)")
            .bind(&text)
            .fetch_one(&app.db)
            .await
            .unwrap();
        assert_eq!(
            forum_portal::db::search::normalize::normalize(&text),
            database,
            "{text:?}"
        );
    }
}

#[tokio::test]
async fn english_chinese_and_urdu_searches_read_the_index() {
    // Thousands of synthetic entries in three languages (demo-data, as the benchmark uses).
    let (name, pool) = empty_database().await;
    forum_portal::demo_data::prepare_and_fill(&pool, 2000)
        .await
        .expect("fill");
    sqlx::query("VACUUM ANALYZE").execute(&pool).await.unwrap();
    // Sequential scans off, as in `query_plans`: a Seq Scan then means no index can serve.
    let planner = sqlx::PgPool::connect_with(
        crate::helpers::connect_options(&name).options([("enable_seqscan", "off")]),
    )
    .await
    .expect("connect for the plans");
    for query in [
        "organisation",
        "演示",
        "نمونہ",
        "合作",
        "ادارہ 0042",
        "no-such-word",
    ] {
        let plan: sqlx::types::Json<Value> =
            sqlx::query_scalar(&format!("EXPLAIN (FORMAT JSON) {SEARCH_SQL}"))
                .bind(query)
                .bind(None::<&str>)
                .bind(5_i64)
                .bind(0_i64)
                .bind(0_i64)
                .bind(CANDIDATES + 1)
                .fetch_one(&planner)
                .await
                .unwrap();
        let mut all = Vec::new();
        nodes(&plan.0[0]["Plan"], &mut all);
        let seq: Vec<&str> = all
            .iter()
            .filter(|node| node["Node Type"] == "Seq Scan")
            .filter_map(|node| node["Relation Name"].as_str())
            .collect();
        assert!(
            seq.is_empty(),
            "{query}: sequential scans of {seq:?}\n{:#}",
            plan.0
        );
        // Each kind reads its words index and its English index.
        let indexes: Vec<&str> = all
            .iter()
            .filter(|node| node["Node Type"] == "Bitmap Index Scan")
            .filter_map(|node| node["Index Name"].as_str())
            .collect();
        for kind in [
            "people",
            "organisations",
            "agreements",
            "booths",
            "initiatives",
            "quotes",
        ] {
            for index in ["words", "english"] {
                let name = format!("search_entries_{kind}_{index}_idx");
                assert!(
                    indexes.contains(&name.as_str()),
                    "{query}: no {name} in {indexes:?}"
                );
            }
        }
    }

    // And the results at that scale: a page of one kind at a time, counted up to the cap.
    let app = TestApp::spawn_with_pool(name, pool).await;
    let page = search(&app, "", "演示").await;
    assert_eq!(page.count("#results-people ~ .results .result"), 5);
    assert!(
        page.text("#results-people ~ p.muted")
            .contains(&format!("more than {CANDIDATES}")),
        "{}",
        page.text("#results-people ~ p.muted")
    );
    let more = page.attrs("#results-people ~ p a", "href");
    assert_eq!(more, ["/search?q=%E6%BC%94%E7%A4%BA&kind=people"]);
    let second = app
        .page(&format!("{}&page=2", more[0]), StatusCode::OK)
        .await;
    assert_eq!(second.count(".result"), 50);
    assert_eq!(
        second.attrs(".pagination a[rel=next]", "href"),
        ["/search?q=%E6%BC%94%E7%A4%BA&kind=people&page=3"]
    );
    assert_eq!(
        second.attrs(".search-kinds a[aria-current=page]", "href"),
        [more[0].clone()]
    );
    // An exact name ranks first.
    let page = search(&app, "", "Demo Person 0042").await;
    assert_eq!(
        links(&page, "people").first().map(String::as_str),
        Some("/speakers/demo-person-0042")
    );
}

#[tokio::test]
async fn the_language_switcher_keeps_the_search() {
    let app = TestApp::spawn().await;
    let page = search(&app, "/zh", "合作").await;
    let to_urdu = page.attrs(".lang-switch a[hreflang=ur]", "href");
    assert_eq!(to_urdu, ["/lang/ur/search?q=%E5%90%88%E4%BD%9C"]);
    let response = app.get(&to_urdu[0]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let target = crate::helpers::location(&response);
    assert_eq!(target, "/ur/search?q=%E5%90%88%E4%BD%9C");
    let page = app.page(&target, StatusCode::OK).await;
    assert_eq!(page.attrs("#search-q", "value"), ["合作"]);
    // A query is written again before it reaches the redirect: nothing but escaped pairs.
    let response = app
        .get("/lang/en/search?q=a%0D%0ASet-Cookie:x%3D1&&=")
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        crate::helpers::location(&response),
        "/search?q=a%0D%0ASet-Cookie%3Ax%3D1&="
    );
}
