//! The interface says exactly what the report says: counts of what it names (not totals),
//! booth numbers it does not give, and organisations whose kind it does not give.

use reqwest::StatusCode;

use crate::helpers::{TestApp, location};

#[tokio::test]
async fn home_numbers_count_what_the_report_names_in_every_language() {
    let app = TestApp::spawn().await;
    for (prefix, numbers) in [
        (
            "",
            [
                "4 speakers named in the report",
                "11 organisations named in the report",
                "2 signed agreements named in the report",
                "7 exhibitors named in the report; others took part",
            ],
        ),
        (
            "/zh",
            [
                "报道提及4位演讲嘉宾",
                "报道提及11家机构",
                "报道提及2项已签署的协议",
                "报道提及7家参展商，另有其他参展商",
            ],
        ),
        (
            "/ur",
            [
                "رپورٹ میں مذکور 4 مقررین",
                "رپورٹ میں مذکور 11 ادارے",
                "رپورٹ میں مذکور 2 دستخط شدہ معاہدے",
                "رپورٹ میں مذکور 7 نمائش کنندگان؛ دیگر نے بھی شرکت کی",
            ],
        ),
    ] {
        let home = app
            .page(if prefix.is_empty() { "/" } else { prefix }, StatusCode::OK)
            .await;
        assert_eq!(home.texts(".numbers a"), numbers, "{prefix}");
        assert_eq!(
            home.texts(".numbers__value"),
            ["4", "11", "2", "7"],
            "{prefix}: the number is set apart"
        );
    }

    // One of each: singular nouns in English and Urdu.
    for statement in [
        "UPDATE people SET published = (slug = 'khan-muhammad')",
        "UPDATE organisations SET published = (slug IN ('zbra', 'nlc'))",
        "UPDATE agreements SET published = (slug = 'china-pakistan-sti-center')",
        "UPDATE booths SET published = (slug = 'nlc')",
    ] {
        sqlx::query(statement).execute(&app.db).await.unwrap();
    }
    // A fresh client: this one's language cookie now says Urdu, and `/` would follow it.
    let home = app.other_client().page("/", StatusCode::OK).await;
    assert_eq!(
        home.texts(".numbers a"),
        [
            "1 speaker named in the report",
            "2 organisations named in the report",
            "1 signed agreement named in the report",
            "1 exhibitor named in the report; others took part",
        ]
    );
    let home = app.page("/ur", StatusCode::OK).await;
    assert_eq!(
        home.texts(".numbers a"),
        [
            "رپورٹ میں مذکور 1 مقرر",
            "رپورٹ میں مذکور 2 ادارے",
            "رپورٹ میں مذکور 1 دستخط شدہ معاہدہ",
            "رپورٹ میں مذکور 1 نمائش کنندہ؛ دیگر نے بھی شرکت کی",
        ]
    );
}

#[tokio::test]
async fn booths_say_the_report_gives_no_number_or_hall_in_every_language() {
    let app = TestApp::spawn().await;
    let list = app.page("/exhibitors", StatusCode::OK).await;
    assert_eq!(
        list.texts("main > p")[1],
        "The report names these firms and adds that others opened booths too."
    );
    for (prefix, number, hall) in [
        (
            "",
            "The report gives no booth number",
            "The report gives no hall",
        ),
        ("/zh", "报道未提供展位号", "报道未提供展馆"),
        (
            "/ur",
            "رپورٹ میں اسٹال نمبر نہیں دیا گیا",
            "رپورٹ میں ہال نہیں بتایا گیا",
        ),
    ] {
        let list = app
            .page(&format!("{prefix}/exhibitors"), StatusCode::OK)
            .await;
        assert_eq!(
            list.texts("main > p").len(),
            2,
            "{prefix}: the lead, and that others took part"
        );
        let lines = list.texts(".card .muted");
        assert_eq!(lines.len(), 7, "{prefix}");
        assert!(
            lines.iter().all(|line| line == number),
            "{prefix}: {lines:?}"
        );
        let page = app
            .page(&format!("{prefix}/exhibitors/pia"), StatusCode::OK)
            .await;
        assert_eq!(page.texts(".details dd")[1..], [number, hall], "{prefix}");
        let text = page.text("main");
        for wrong in ["announced", "公布", "اعلان"] {
            assert!(!text.contains(wrong), "{prefix}: {wrong:?} in {text}");
        }
    }
    // A booth number an admin enters from another source is shown as it is.
    sqlx::query("UPDATE booths SET booth_label = 'B12' WHERE slug = 'pia'")
        .execute(&app.db)
        .await
        .unwrap();
    app.changes_heard().await;
    let page = app.page("/exhibitors/pia", StatusCode::OK).await;
    assert_eq!(
        page.texts(".details dd")[1..],
        ["B12", "The report gives no hall"]
    );
}

/// The report does not say what ZBRA is: no kind on its page or in lists, in any language,
/// while the kind filter still works.
#[tokio::test]
async fn an_organisation_of_unknown_kind_shows_no_kind_and_the_filter_still_works() {
    let app = TestApp::spawn().await;
    sqlx::query("UPDATE organisations SET kind = NULL WHERE slug = 'zbra'")
        .execute(&app.db)
        .await
        .unwrap();

    let page = app.page("/organisations/zbra", StatusCode::OK).await;
    assert_eq!(page.text("header .lead"), "China");
    for (prefix, country) in [("/zh", "中国"), ("/ur", "چین")] {
        let page = app
            .page(&format!("{prefix}/organisations/zbra"), StatusCode::OK)
            .await;
        assert_eq!(page.text("header .lead"), country, "{prefix}");
    }
    // Known kinds are still shown.
    let nlc = app.page("/zh/organisations/nlc", StatusCode::OK).await;
    assert_eq!(nlc.text("header .lead"), "企业、巴基斯坦");

    let list = app.page("/organisations", StatusCode::OK).await;
    assert_eq!(list.count(".card"), 11);
    let china = list.texts("main section:first-of-type h3");
    assert_eq!(
        china,
        ["Companies", "Associations", "Kind not stated in the report"]
    );
    let zbra_card = list
        .html
        .select(&scraper::Selector::parse(".card").unwrap())
        .find(|card| card.text().collect::<String>().contains("ZBRA"))
        .unwrap();
    let text = crate::helpers::normalise(&zbra_card.text().collect::<String>());
    assert_eq!(text, "ZBRA China", "no kind on the card");

    // The filter by kind: ZBRA is no company, and the others still are.
    let companies = app
        .page("/organisations?country=cn&kind=company", StatusCode::OK)
        .await;
    assert_eq!(
        companies.texts(".card__title"),
        ["China Construction Huaxia (Beijing) Industrial Operation Company"]
    );
    let other = app.page("/organisations?kind=other", StatusCode::OK).await;
    assert_eq!(other.count(".card"), 0);
}

#[tokio::test]
async fn the_admin_can_say_the_source_does_not_give_a_kind() {
    let app = TestApp::spawn_logged_in().await;
    // As if an admin had once called ZBRA a company (the seed leaves its kind unknown).
    sqlx::query("UPDATE organisations SET kind = 'company' WHERE slug = 'zbra'")
        .execute(&app.db)
        .await
        .unwrap();
    let id = app.id_of("organisations", "zbra").await;
    let path = format!("/admin/organisations/{id}");
    let page = app.page(&path, StatusCode::OK).await;
    assert_eq!(
        page.texts("#field-kind option")[0],
        "Unknown — the source does not say"
    );
    assert_eq!(page.count("label[for=field-kind] .required"), 0);

    let form = app.form_values(&path).await;
    let response = app.post_changed(&path, &form, &[("kind", "")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), path);
    let kind: Option<String> = sqlx::query_scalar("SELECT kind FROM organisations WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(kind, None, "stored as NULL");
    let page = app.page(&path, StatusCode::OK).await;
    assert_eq!(page.count("#field-kind option[selected]"), 0);
    let public = app.page("/organisations/zbra", StatusCode::OK).await;
    assert_eq!(public.text("header .lead"), "China");
    let history = app.page(&format!("{path}/history"), StatusCode::OK).await;
    assert_eq!(
        history.texts(".history__entry:first-child tbody td"),
        ["Company", "Unknown — the source does not say"]
    );

    // The kind can be given again, and a new organisation can start without one.
    let form = app.form_values(&path).await;
    app.post_changed(&path, &form, &[("kind", "company")]).await;
    let public = app.page("/organisations/zbra", StatusCode::OK).await;
    assert_eq!(public.text("header .lead"), "Company, China");
    let token = app.csrf_token("/admin/organisations/new").await;
    let response = app
        .post_form(
            "/admin/organisations/new",
            &[
                ("csrf_token", &token),
                ("name", "Unknown Body"),
                ("slug", "unknown-body"),
                ("kind", ""),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    // In Chinese and Urdu, too.
    for (lang, unknown) in [
        ("zh", "未知——来源未说明"),
        ("ur", "نامعلوم — ماخذ میں درج نہیں"),
    ] {
        let token = app.csrf_token("/admin").await;
        app.post_form("/admin/language", &[("csrf_token", &token), ("lang", lang)])
            .await;
        let page = app.page(&path, StatusCode::OK).await;
        assert_eq!(page.texts("#field-kind option")[0], unknown, "{lang}");
    }
}
