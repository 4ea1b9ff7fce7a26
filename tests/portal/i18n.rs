//! The portal in English, Chinese and Urdu: routes, direction, the switcher, locale formats,
//! marked English fallback, language choice on `/`, and translations edited in the admin.

use reqwest::StatusCode;

use crate::helpers::{TestApp, location};

const PAGES: [&str; 9] = [
    "/",
    "/speakers",
    "/speakers/moin-ul-haque",
    "/organisations",
    "/organisations/nlc",
    "/agreements",
    "/agreements/china-pakistan-sti-center",
    "/exhibitors",
    "/exhibitors/pia",
];

/// The language switcher's link to `path` in `code`: it remembers the choice (the cookie
/// `/` follows) and redirects to the page, so that the pages themselves set no cookie.
fn switched(code: &str, path: &str) -> String {
    match path {
        "/" => format!("/lang/{code}"),
        _ => format!("/lang/{code}{path}"),
    }
}

fn localized(prefix: &str, path: &str) -> String {
    match (prefix, path) {
        ("", _) => path.to_owned(),
        (_, "/") => prefix.to_owned(),
        _ => format!("{prefix}{path}"),
    }
}

#[tokio::test]
async fn every_page_in_every_language_with_its_direction_and_a_switcher_to_the_same_page() {
    let app = TestApp::spawn().await;
    for path in PAGES {
        for (prefix, lang, dir) in [
            ("", "en", "ltr"),
            ("/zh", "zh-Hans", "ltr"),
            ("/ur", "ur", "rtl"),
        ] {
            let url = localized(prefix, path);
            let page = app.page(&url, StatusCode::OK).await;
            assert_eq!(page.attrs("html", "lang"), [lang], "{url}");
            assert_eq!(page.attrs("html", "dir"), [dir], "{url}");
            let switcher = page.attrs(".lang-switch a", "href");
            assert_eq!(
                switcher,
                [
                    switched("en", path),
                    switched("zh", path),
                    switched("ur", path)
                ],
                "{url}: the switcher leads to the same page"
            );
            for (code, prefix) in [("en", ""), ("zh", "/zh"), ("ur", "/ur")] {
                let response = app.get(&switched(code, path)).await;
                assert_eq!(response.status(), StatusCode::SEE_OTHER, "{url}");
                assert_eq!(location(&response), localized(prefix, path), "{url}");
            }
            let lang_code = lang.split('-').next().unwrap();
            assert_eq!(
                page.attrs(".lang-switch a[aria-current]", "href"),
                [switched(lang_code, path)],
                "{url}"
            );
            // Without a configured public URL the alternates are relative (never built
            // from the client's Host header); head.rs checks the absolute ones.
            assert_eq!(
                page.attrs("link[hreflang=zh-Hans]", "href"),
                [localized("/zh", path)],
                "{url}"
            );
            assert_eq!(
                page.attrs("link[rel=canonical]", "href"),
                std::slice::from_ref(&url),
                "{url}"
            );
        }
    }
}

#[tokio::test]
async fn interface_text_dates_and_lists_follow_the_language() {
    let app = TestApp::spawn().await;
    let zh = app.page("/zh", StatusCode::OK).await;
    assert_eq!(zh.text("h1"), "中国—巴基斯坦科技创新合作");
    assert_eq!(zh.texts(".facts dd")[0], "2023年9月5日");
    assert!(zh.texts(".facts dd")[2].contains("2023年9月2日至6日"));
    assert_eq!(zh.texts(".site-nav a")[1], "演讲嘉宾");
    let ur = app.page("/ur", StatusCode::OK).await;
    assert_eq!(ur.texts(".facts dd")[0], "5 ستمبر 2023");
    assert_eq!(ur.texts(".facts dd")[1], "بیجنگ");
    assert!(
        ur.texts("#agreements ~ .cards .card p")[0].contains(" اور "),
        "Urdu joins parties with اور"
    );
    let zh_agreements = app.page("/zh/agreements", StatusCode::OK).await;
    assert!(zh_agreements.texts(".card .muted")[0].contains("2023年9月5日"));
}

#[tokio::test]
async fn missing_translations_show_english_marked_as_english() {
    let app = TestApp::spawn().await;
    // The seed has every text in every language: take some versions away.
    for statement in [
        "UPDATE people SET role = role - 'zh' - 'translated' WHERE slug = 'moin-ul-haque'",
        "UPDATE quotes SET body = body - 'zh' - 'translated'
          WHERE person_id = (SELECT id FROM people WHERE slug = 'moin-ul-haque')",
        "UPDATE organisations SET description = description - 'ur' - 'translated' WHERE slug = 'nlc'",
    ] {
        sqlx::query(statement).execute(&app.db).await.unwrap();
    }
    let page = app.page("/zh/speakers/moin-ul-haque", StatusCode::OK).await;
    assert_eq!(
        page.attrs("h1 bdi", "lang"),
        ["en"],
        "the name is marked as English"
    );
    assert_eq!(page.attrs("header .lead span", "lang"), ["en"]);
    assert_eq!(page.text("header .lead .in-english"), "(英文)");
    assert_eq!(
        page.attrs("blockquote", "lang"),
        ["en", "en"],
        "quotes stay in the report's words"
    );
    let ur = app.page("/ur/organisations/nlc", StatusCode::OK).await;
    assert_eq!(
        ur.text("article .with-side__main > p .in-english"),
        "(انگریزی میں)"
    );
    // Translated text carries no marker.
    let zh_home = app.page("/zh", StatusCode::OK).await;
    assert_eq!(zh_home.count(".hero [lang=en]"), 0);
}

#[tokio::test]
async fn error_pages_speak_the_language_of_the_address() {
    let app = TestApp::spawn().await;
    let page = app.page("/zh/speakers/nobody", StatusCode::NOT_FOUND).await;
    assert_eq!(page.text("h1"), "未找到页面");
    assert_eq!(page.attrs("html", "lang"), ["zh-Hans"]);
    let page = app.page("/ur/no-such-page", StatusCode::NOT_FOUND).await;
    assert_eq!(page.text("h1"), "صفحہ نہیں ملا");
    assert_eq!(page.attrs("html", "dir"), ["rtl"]);
}

#[tokio::test]
async fn the_home_address_follows_the_remembered_or_preferred_language_and_can_be_left() {
    let app = TestApp::spawn().await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let get = |headers: &'static [(&'static str, &'static str)]| {
        let mut request = client.get(app.url("/"));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send()
    };
    // First visit: Accept-Language decides.
    let response = get(&[("accept-language", "zh-CN,zh;q=0.9,en;q=0.5")])
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/zh");
    let response = get(&[("accept-language", "en-GB,ur;q=0.5")]).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    // A remembered choice wins over Accept-Language.
    let response = get(&[("cookie", "lang=ur"), ("accept-language", "zh")])
        .await
        .unwrap();
    assert_eq!(location(&response), "/ur");
    let response = get(&[("cookie", "lang=en"), ("accept-language", "zh")])
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    // Choosing English in the switcher remembers it and leads to `/`, and a navigation
    // inside the site is never redirected.
    let response = client.get(app.url("/lang/en")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/");
    assert!(
        response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .starts_with("lang=en")
    );
    let response = get(&[("cookie", "lang=zh"), ("sec-fetch-site", "same-origin")])
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    // Choosing a language in the switcher remembers it; reading a page sets no cookie (a
    // page is the same for every visitor, so it can be cached); a URL still means one language.
    let response = client.get(app.url("/ur/speakers")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().get("set-cookie").is_none());
    let response = client
        .get(app.url("/lang/ur/speakers"))
        .send()
        .await
        .unwrap();
    assert_eq!(location(&response), "/ur/speakers");
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cookie.starts_with("lang=ur;") && cookie.contains("Path=/"),
        "{cookie}"
    );
    let response = client
        .get(app.url("/speakers"))
        .header("cookie", "lang=ur")
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "only / follows the cookie"
    );
}

#[tokio::test]
async fn a_chinese_version_entered_in_the_admin_shows_on_the_chinese_page_at_once() {
    let app = TestApp::spawn_logged_in().await;
    // The seed has every version: take the role's Chinese and Urdu away first.
    sqlx::query(
        "UPDATE people SET role = role - 'zh' - 'ur' - 'translated' WHERE slug = 'khan-muhammad'",
    )
    .execute(&app.db)
    .await
    .unwrap();
    let id = app.id_of("people", "khan-muhammad").await;
    let path = format!("/admin/people/{id}");
    let page = app.page(&path, StatusCode::OK).await;
    assert_eq!(page.attrs("#field-role\\.zh", "lang"), ["zh-Hans"]);
    assert_eq!(page.attrs("#field-role\\.ur", "dir"), ["rtl"]);
    let form = app.form_values(&path).await;
    let response = app
        .post_changed(&path, &form, &[("role.zh", "巴基斯坦驻华大使馆科技参赞")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    let zh = app.page("/zh/speakers/khan-muhammad", StatusCode::OK).await;
    assert_eq!(zh.text("header .lead"), "巴基斯坦驻华大使馆科技参赞");
    assert_eq!(
        zh.count("header .lead [lang=en]"),
        0,
        "no longer marked as English"
    );
    let en = app.page("/speakers/khan-muhammad", StatusCode::OK).await;
    assert_eq!(
        en.text("header .lead"),
        "Science Counselor at Pakistan Embassy in Beijing"
    );
    let ur = app.page("/ur/speakers/khan-muhammad", StatusCode::OK).await;
    assert_eq!(
        ur.attrs("header .lead span", "lang"),
        ["en"],
        "Urdu still falls back"
    );
}

#[tokio::test]
async fn the_dashboard_shows_how_complete_each_translation_is_and_what_is_missing() {
    let app = TestApp::spawn_logged_in().await;
    sqlx::query("UPDATE people SET role = role - 'zh' - 'translated' WHERE slug = 'moin-ul-haque'")
        .execute(&app.db)
        .await
        .unwrap();
    let page = app.page("/admin", StatusCode::OK).await;
    assert_eq!(
        page.texts("#translations ~ table tbody th"),
        ["Chinese · 中文", "Urdu · اردو"]
    );
    let rows = page.texts("#translations ~ table tbody td:nth-of-type(1)");
    let translated = |row: &str| -> usize {
        row.split_whitespace()
            .find_map(|word| word.parse().ok())
            .unwrap_or_else(|| panic!("no number in {row:?}"))
    };
    let before = translated(&rows[0]);
    assert!(
        page.texts(".missing li")
            .iter()
            .any(|m| m.contains("Moin ul Haque") && m.ends_with("Role"))
    );

    let id = app.id_of("people", "moin-ul-haque").await;
    let path = format!("/admin/people/{id}");
    let form = app.form_values(&path).await;
    app.post_changed(&path, &form, &[("role.zh", "巴基斯坦驻华大使")])
        .await;
    let page = app.page("/admin", StatusCode::OK).await;
    let after = translated(&page.texts("#translations ~ table tbody td:nth-of-type(1)")[0]);
    assert_eq!(after, before + 1);
}

#[tokio::test]
async fn the_admin_speaks_the_chosen_language_too() {
    let app = TestApp::spawn_logged_in().await;
    // Choose Chinese from the admin's own switcher.
    let token = app.csrf_token("/admin").await;
    let response = app
        .client
        .post(app.url("/admin/language"))
        .header("origin", format!("http://{}", app.addr))
        .header("referer", app.url("/admin/people"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf_token={token}&lang=zh"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/admin/people");
    let dashboard = app.page("/admin", StatusCode::OK).await;
    assert_eq!(dashboard.attrs("html", "lang"), ["zh-Hans"]);
    assert_eq!(dashboard.text("h1"), "概览");

    // Forms and their errors, too.
    let token = app.csrf_token("/admin/organisations/new").await;
    let response = app
        .post_form(
            "/admin/organisations/new",
            &[("csrf_token", &token), ("slug", "Bad Slug")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = crate::helpers::Page::parse(&response.text().await.unwrap());
    assert_eq!(
        page.text("label[for=field-name]"),
        "名称（英文 · English） （必填）"
    );
    assert!(page.text("#field-slug-error").starts_with("请使用小写字母"));
    assert_eq!(page.text("h1"), "新建机构");

    // Urdu runs right to left in the admin as well.
    let token = app.csrf_token("/admin").await;
    app.post_form("/admin/language", &[("csrf_token", &token), ("lang", "ur")])
        .await;
    let dashboard = app.page("/admin", StatusCode::OK).await;
    assert_eq!(dashboard.attrs("html", "dir"), ["rtl"]);
}

/// WCAG 3.1.2 (language of parts): an organisation's English name on an Urdu or Chinese page
/// is marked as English wherever it appears, so a screen reader reads it as English; a name
/// with its own version is not.
#[tokio::test]
async fn organisation_names_in_latin_letters_on_other_pages_are_marked_english() {
    let app = TestApp::spawn().await;
    let mut latin_names = 0;
    for path in [
        "/ur",
        "/ur/speakers",
        "/ur/speakers/moin-ul-haque",
        "/zh/agreements",
        "/zh/agreements/china-pakistan-sti-center",
        "/ur/organisations",
        "/ur/organisations/zbra",
        "/zh/exhibitors",
        "/ur/exhibitors/stza",
    ] {
        let page = app.page(path, StatusCode::OK).await;
        let names = page.count(
            "main a[href*='/organisations/'] bdi, main a[href*='/exhibitors/'] bdi, main h1 bdi",
        );
        let english = page.count(
            "main a[href*='/organisations/'] bdi[lang=en], main a[href*='/exhibitors/'] bdi[lang=en], \
             main h1 bdi[lang=en]",
        );
        let latin = page
            .texts(
                "main a[href*='/organisations/'] bdi, main a[href*='/exhibitors/'] bdi, main h1 bdi",
            )
            .iter()
            .filter(|name| !name.chars().any(|c| c.is_alphabetic() && !c.is_ascii()))
            .count();
        assert!(names > 0, "{path}: organisation names");
        assert_eq!(
            latin, english,
            "{path}: every name in Latin letters is marked English"
        );
        latin_names += latin;
    }
    assert!(
        latin_names > 0,
        "brands such as ZBRA China stay in Latin letters"
    );
    // With a Urdu version the name is Urdu, not marked.
    sqlx::query(
        "UPDATE organisations SET name = name || '{\"ur\": \"زیڈ بی آر اے\"}'::jsonb WHERE slug = 'zbra'",
    )
    .execute(&app.db)
    .await
    .unwrap();
    app.changes_heard().await;
    let page = app.page("/ur/organisations/zbra", StatusCode::OK).await;
    assert_eq!(page.count("main h1 bdi[lang=en]"), 0);
    assert!(page.text("main h1").starts_with("زیڈ بی آر اے"));
}
