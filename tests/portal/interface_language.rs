//! Every interface string in the page's language: error pages, the admin's dates, history notes
//! and conflict banner, counts with the right plural, and the admin's own language per account.

use std::time::Duration;

use forum_portal::state::AppState;
use reqwest::StatusCode;
use sqlx::postgres::PgPoolOptions;

use crate::helpers::{ADMIN_PASSWORD, Page, TestApp, connect_options, location, seeded_database};

const ENGLISH_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn has_english_month(text: &str) -> bool {
    ENGLISH_MONTHS.iter().any(|month| text.contains(month))
}

/// Choose the admin's language with the switch in its header (from `back`).
async fn choose_admin_language(app: &TestApp, lang: &str, back: &str) -> reqwest::Response {
    let token = app.csrf_token(back).await;
    app.client
        .post(app.url("/admin/language"))
        .header("origin", format!("http://{}", app.addr))
        .header("referer", app.url(back))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf_token={token}&lang={lang}"))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn not_found_pages_explain_themselves_in_the_language_of_the_address() {
    let app = TestApp::spawn().await;
    for (path, heading, message) in [
        (
            "/no-such-page",
            "Page not found",
            "There is no page at this address.",
        ),
        ("/zh/speakers/nobody", "未找到页面", "此地址没有页面。"),
        (
            "/ur/organisations/nobody",
            "صفحہ نہیں ملا",
            "اس پتے پر کوئی صفحہ موجود نہیں۔",
        ),
    ] {
        let page = app.page(path, StatusCode::NOT_FOUND).await;
        assert_eq!(page.text("h1"), heading, "{path}");
        assert!(
            page.text(".lead").starts_with(message),
            "{path}: {}",
            page.text(".lead")
        );
    }
}

/// A 503 (every database connection busy) speaks the page's language too.
#[tokio::test]
async fn a_busy_portal_says_so_in_the_language_of_the_address() {
    let (database, _) = seeded_database().await;
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_millis(300))
        .connect_with(connect_options(&database))
        .await
        .unwrap();
    let held = pool.acquire().await.unwrap();
    let app = TestApp::spawn_with_state(database, AppState::new(pool.clone())).await;
    for (path, heading, message) in [
        (
            "/speakers",
            "The portal is busy",
            "The portal is handling too many requests right now.",
        ),
        ("/zh/speakers", "网站繁忙", "网站当前请求过多，请稍后再试。"),
        (
            "/ur/speakers",
            "پورٹل مصروف ہے",
            "پورٹل اس وقت بہت زیادہ درخواستیں نمٹا رہا ہے۔",
        ),
    ] {
        let page = app.page(path, StatusCode::SERVICE_UNAVAILABLE).await;
        assert_eq!(page.text("h1"), heading, "{path}");
        assert!(
            page.text(".lead").starts_with(message),
            "{path}: {}",
            page.text(".lead")
        );
    }
    drop(held);
}

#[tokio::test]
async fn counts_agree_with_their_noun_in_every_language() {
    let app = TestApp::spawn().await;
    // One association: a singular in English and Urdu, no plural in Chinese.
    for (prefix, one) in [
        ("", "1 organisation"),
        ("/zh", "1家机构"),
        ("/ur", "1 ادارہ"),
    ] {
        let page = app
            .page(
                &format!("{prefix}/organisations?kind=association"),
                StatusCode::OK,
            )
            .await;
        assert_eq!(page.text("[role=status]"), one, "{prefix}");
    }
    for (prefix, many) in [
        ("", "11 organisations"),
        ("/zh", "11家机构"),
        ("/ur", "11 ادارے"),
    ] {
        let page = app
            .page(&format!("{prefix}/organisations"), StatusCode::OK)
            .await;
        assert_eq!(page.text("[role=status]"), many, "{prefix}");
    }

    // A speaker with one statement left.
    sqlx::query(
        "DELETE FROM quotes WHERE id = (SELECT q.id FROM quotes q JOIN people p ON p.id = q.person_id
          WHERE p.slug = 'ghulam-qadir' ORDER BY q.position LIMIT 1)",
    )
    .execute(&app.db)
    .await
    .unwrap();
    for (prefix, counts) in [
        (
            "",
            [
                "4 statements",
                "1 statement",
                "2 statements",
                "2 statements",
            ],
        ),
        ("/zh", ["4条发言", "1条发言", "2条发言", "2条发言"]),
        ("/ur", ["4 بیانات", "1 بیان", "2 بیانات", "2 بیانات"]),
    ] {
        let page = app
            .page(&format!("{prefix}/speakers"), StatusCode::OK)
            .await;
        assert_eq!(page.texts(".card p.muted:last-child"), counts, "{prefix}");
    }
}

#[tokio::test]
async fn admin_counts_agree_with_their_noun() {
    let app = TestApp::spawn_logged_in().await;
    let list = app.page("/admin/organisations", StatusCode::OK).await;
    assert_eq!(list.text("p[role=status]"), "11 entries");
    let one = app
        .page("/admin/organisations?q=NETSOL", StatusCode::OK)
        .await;
    assert_eq!(one.text("p[role=status]"), "1 entry");

    // One problem, then several.
    let token = app.csrf_token("/admin/initiatives/new").await;
    let response = app
        .post_form(
            "/admin/initiatives/new",
            &[("csrf_token", &token), ("slug", "fine-slug")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = Page::parse(&response.text().await.unwrap());
    assert_eq!(
        page.text(".error-summary h2"),
        "Please correct this problem:"
    );
    let response = app
        .post_form("/admin/initiatives/new", &[("csrf_token", &token)])
        .await;
    let page = Page::parse(&response.text().await.unwrap());
    assert_eq!(
        page.text(".error-summary h2"),
        "Please correct these 2 problems:"
    );

    // What still points to an organisation, counted.
    let zbra = app.id_of("organisations", "zbra").await;
    let page = app
        .page(
            &format!("/admin/organisations/{zbra}/delete"),
            StatusCode::OK,
        )
        .await;
    let text = page.texts("main p").join(" ");
    assert!(text.contains("3 other entries point to it"), "{text}");
}

#[tokio::test]
async fn the_admin_writes_dates_history_notes_and_conflicts_in_its_language() {
    let app = TestApp::spawn_logged_in().await;
    let other = app.other_client();
    other.create_admin("second@example.org").await;
    other.log_in("second@example.org", ADMIN_PASSWORD).await;
    let response = choose_admin_language(&app, "zh", "/admin").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    // A change, then a stale save: the conflict banner says who and when, in Chinese.
    let id = app.id_of("organisations", "netsol").await;
    let path = format!("/admin/organisations/{id}");
    let mine = app.form_values(&path).await;
    let theirs = other.form_values(&path).await;
    other
        .post_changed(&path, &theirs, &[("name", "NETSOL Technologies")])
        .await;
    let response = app
        .post_changed(&path, &mine, &[("name", "NETSOL Ltd")])
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let page = Page::parse(&response.text().await.unwrap());
    let banner = page.text(".conflict p:first-of-type");
    assert!(
        banner.contains("second@example.org于") && banner.contains("（UTC）保存了"),
        "{banner}"
    );
    assert!(
        !banner.contains(" at ") && !has_english_month(&banner),
        "{banner}"
    );

    // History: dates in Chinese, the seed's note in Chinese; a revert's note too.
    let history = app.page(&format!("{path}/history"), StatusCode::OK).await;
    let titles = history.texts(".history__title");
    assert!(
        titles[0].starts_with("second@example.org修改，"),
        "{titles:?}"
    );
    assert!(
        titles
            .iter()
            .all(|t| t.contains("年") && !has_english_month(t))
    );
    assert_eq!(
        history.text(".history__entry:last-child .muted"),
        "来自中国经济网的报道"
    );
    let revert = history.attrs(".history__entry:last-child form", "action");
    let token =
        history.attrs(".history__entry:last-child input[name=csrf_token]", "value")[0].clone();
    let version =
        history.attrs(".history__entry:last-child input[name=version]", "value")[0].clone();
    let response = app
        .post_form(&revert[0], &[("csrf_token", &token), ("version", &version)])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let history = app.page(&format!("{path}/history"), StatusCode::OK).await;
    let flash = history.text(".flash");
    assert!(
        flash.starts_with("已将机构恢复为") && !has_english_month(&flash),
        "{flash}"
    );
    let note = history.text(".history__entry:first-child .muted");
    assert!(
        note.starts_with("已恢复为") && note.ends_with("（UTC）的版本"),
        "{note}"
    );
    // The note is stored without a language, and reads in English for an English reader.
    let stored: String = sqlx::query_scalar(
        "SELECT note FROM history WHERE entity = 'organisations' AND entity_id = $1
         ORDER BY id DESC LIMIT 1",
    )
    .bind(id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(stored.starts_with("reverted:"), "{stored}");
    let english = other.page(&format!("{path}/history"), StatusCode::OK).await;
    let note = english.text(".history__entry:first-child .muted");
    assert!(
        note.starts_with("Reverted to the version of ") && note.ends_with(" UTC"),
        "{note}"
    );

    // Notes written in English by earlier versions read in Chinese too.
    sqlx::query(
        "UPDATE history SET note = 'Reverted to the version of 2023-09-05'
         WHERE id = (SELECT max(id) FROM history WHERE entity = 'organisations' AND entity_id = $1)",
    )
    .bind(id)
    .execute(&app.db)
    .await
    .unwrap();
    let history = app.page(&format!("{path}/history"), StatusCode::OK).await;
    assert_eq!(
        history.text(".history__entry:first-child .muted"),
        "已恢复为2023年9月5日的版本"
    );

    // The list's "last changed" column and the dashboard's latest changes.
    let list = app.page("/admin/organisations", StatusCode::OK).await;
    let changed = list.texts("tbody td.list__changed");
    assert!(
        changed
            .iter()
            .all(|at| at.contains("年") && at.ends_with("（UTC）")),
        "{changed:?}"
    );
    let dashboard = app.page("/admin", StatusCode::OK).await;
    let latest = dashboard.texts(".changes li");
    assert!(
        latest
            .iter()
            .all(|l| l.contains("年") && !has_english_month(l)),
        "{latest:?}"
    );
}

#[tokio::test]
async fn the_urdu_dashboard_isolates_addresses_and_dates_in_its_sentences() {
    let app = TestApp::spawn_logged_in().await;
    let id = app.id_of("organisations", "netsol").await;
    let path = format!("/admin/organisations/{id}");
    let form = app.form_values(&path).await;
    app.post_changed(
        &path,
        &form,
        &[
            ("name", "NETSOL Technologies"),
            ("name.ur", "NETSOL Technologies"),
        ],
    )
    .await;
    choose_admin_language(&app, "ur", "/admin").await;
    let dashboard = app.page("/admin", StatusCode::OK).await;
    let line = dashboard.texts(".changes li").remove(0);
    assert!(
        line.contains("\u{2068}NETSOL Technologies\u{2069}")
            && line.contains("\u{2068}admin@example.org\u{2069}"),
        "{line:?}"
    );
    assert!(!has_english_month(&line), "{line:?}");
    assert!(!line.contains(" by "), "{line:?}");
}

/// Issue 9: proofreading a Chinese page must not switch an English-speaking admin's
/// interface to Chinese. The admin's language is kept on the account.
#[tokio::test]
async fn an_admin_keeps_their_own_language_while_reading_the_site_in_others() {
    let app = TestApp::spawn_logged_in().await;

    // Before choosing one, the admin follows the language last chosen on the site (its
    // switcher), as before.
    app.get("/lang/zh/speakers").await;
    let dashboard = app.page("/admin", StatusCode::OK).await;
    assert_eq!(dashboard.attrs("html", "lang"), ["zh-Hans"]);

    // Choosing English in the admin keeps it on the account.
    let response = choose_admin_language(&app, "en", "/admin/people").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/admin/people");
    assert!(
        response
            .headers()
            .get_all("set-cookie")
            .iter()
            .all(|cookie| !cookie.to_str().unwrap().starts_with("lang=")),
        "the public site's language is left alone"
    );
    let language: Option<String> =
        sqlx::query_scalar("SELECT language FROM admins WHERE email = 'admin@example.org'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(language.as_deref(), Some("en"));

    // Proofreading Chinese and Urdu pages (chosen in the switcher, which sets the public
    // cookie); the admin stays English.
    for (switch, path) in [
        ("/lang/zh", "/zh"),
        ("/lang/zh/organisations/zbra", "/zh/organisations/zbra"),
        (
            "/lang/ur/speakers/moin-ul-haque",
            "/ur/speakers/moin-ul-haque",
        ),
    ] {
        app.get(switch).await;
        app.page(path, StatusCode::OK).await;
        for admin_page in ["/admin", "/admin/organisations"] {
            let page = app.page(admin_page, StatusCode::OK).await;
            assert_eq!(
                page.attrs("html", "lang"),
                ["en"],
                "{admin_page} after {path}"
            );
            assert_eq!(
                page.attrs("html", "dir"),
                ["ltr"],
                "{admin_page} after {path}"
            );
        }
    }
    let dashboard = app.page("/admin", StatusCode::OK).await;
    assert_eq!(dashboard.text("h1"), "Dashboard");

    // Choosing Chinese in the admin switches it, and reading English pages does not undo it.
    choose_admin_language(&app, "zh", "/admin").await;
    app.get("/lang/en/speakers").await;
    app.page("/speakers", StatusCode::OK).await;
    let dashboard = app.page("/admin", StatusCode::OK).await;
    assert_eq!(dashboard.attrs("html", "lang"), ["zh-Hans"]);
    assert_eq!(dashboard.text("h1"), "概览");

    // It belongs to the account: the same admin in another browser gets it at once.
    let elsewhere = app.other_client();
    elsewhere.log_in("admin@example.org", ADMIN_PASSWORD).await;
    let dashboard = elsewhere.page("/admin", StatusCode::OK).await;
    assert_eq!(dashboard.attrs("html", "lang"), ["zh-Hans"]);

    // Another admin who has not chosen keeps today's behaviour.
    let second = app.other_client();
    second.create_admin("second@example.org").await;
    second.get("/lang/ur").await;
    second.log_in("second@example.org", ADMIN_PASSWORD).await;
    let dashboard = second.page("/admin", StatusCode::OK).await;
    assert_eq!(dashboard.attrs("html", "lang"), ["ur"]);
}

/// Without a login (a session that has ended), the choice goes in the site's cookie, as before.
#[tokio::test]
async fn a_language_chosen_without_a_login_goes_in_the_site_cookie() {
    let app = TestApp::spawn().await;
    let response = choose_admin_language(&app, "ur", "/admin/login").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("lang=ur;"), "{cookie}");
    let login = app.page("/admin/login", StatusCode::OK).await;
    assert_eq!(login.attrs("html", "dir"), ["rtl"]);
}

/// What axum and tower-http would answer in a line of English (an address that cannot be
/// decoded, a form over the size limit) is the portal's error page, in the page's language.
#[tokio::test]
async fn framework_errors_get_the_error_page_in_the_page_language() {
    let app = TestApp::spawn().await;
    let response = app.get("/zh/speakers/%FF%FE").await;
    let status = response.status();
    assert!(status.is_client_error(), "{status}");
    assert!(
        crate::helpers::content_type(&response).starts_with("text/html"),
        "{status}"
    );
    let page = Page::parse(&response.text().await.unwrap());
    assert_eq!(page.attrs("html", "lang"), ["zh-Hans"]);
    assert!(
        !page.text("main").contains("Invalid"),
        "{}",
        page.text("main")
    );

    // A form over the body limit, on a Urdu admin page.
    app.get("/lang/ur").await;
    let token = app.csrf_token("/admin/login").await;
    let big = "x".repeat(70 * 1024);
    let response = app
        .post_form(
            "/admin/login",
            &[("csrf_token", &token), ("email", &big), ("password", "x")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let page = Page::parse(&response.text().await.unwrap());
    assert_eq!(page.attrs("html", "dir"), ["rtl"]);
    assert_eq!(page.text("h1"), "یہ درخواست بہت بڑی ہے");
    assert!(page.text(".lead").starts_with("بھیجا گیا فارم"));
}

/// Chinese pages use full-width punctuation around interface words and no spaces after it;
/// Urdu pages use Urdu commas.
#[tokio::test]
async fn punctuation_follows_the_language() {
    let app = TestApp::spawn().await;
    let zh = app.page("/zh", StatusCode::OK).await;
    assert_eq!(
        zh.texts(".facts dd")[2],
        "中国国际服务贸易交易会（CIFTIS），2023年9月2日至6日"
    );
    assert_eq!(
        zh.texts("#agreements ~ .cards .card p")[0],
        "签署方：ZBRA China和中建华夏（北京）产业运营公司"
    );
    assert_eq!(
        zh.text(".source-note:not(.source-note--translated)"),
        "来源：China Economic Net (CEN)，2023年9月5日"
    );
    assert!(zh.texts(".initiatives .muted")[0].starts_with("提及者：Moin"));
    let zbra = app.page("/zh/organisations/zbra", StatusCode::OK).await;
    assert!(
        zbra.texts("#agreements ~ ul .muted")
            .iter()
            .all(|line| line.starts_with("— 合作方：") && !line.contains("： ")),
        "{:?}",
        zbra.texts("#agreements ~ ul .muted")
    );
    let ur = app.page("/ur", StatusCode::OK).await;
    assert_eq!(
        ur.texts(".facts dd")[2],
        "چائنا انٹرنیشنل فیئر فار ٹریڈ ان سروسز (CIFTIS)، 2 تا 6 ستمبر 2023"
    );
    assert_eq!(
        ur.text(".source-note:not(.source-note--translated)"),
        "ماخذ: China Economic Net (CEN)، 5 ستمبر 2023"
    );
    let en = app.page("/organisations/zbra", StatusCode::OK).await;
    assert_eq!(
        en.texts("#agreements ~ ul .muted"),
        [
            "— with China Construction Huaxia (Beijing) Industrial Operation Company",
            "— with Beijing Time-Honored Brands Association"
        ]
    );
}
