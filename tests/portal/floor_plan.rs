//! The floor plan (issue 14): halls and booth places edited through the admin's forms, refused
//! input kept with its errors, the plan drawn on `/exhibitors` in every language (never
//! mirrored), nothing drawn on the seed, and in a real browser a booth on the plan reached by
//! mouse and by keyboard.

use fantoccini::key::Key;
use reqwest::StatusCode;

use crate::chrome::Browser;
use crate::helpers::{ADMIN_PASSWORD, Page, TestApp, location};

/// Create a hall through the admin's form; its id.
async fn create_hall(admin: &TestApp, pairs: &[(&str, &str)]) -> i64 {
    let response = post_new_hall(admin, pairs).await;
    if response.status() != StatusCode::SEE_OTHER {
        let status = response.status();
        let page = Page::parse(&response.text().await.unwrap());
        panic!("hall refused ({status}): {}", page.text("main"));
    }
    location(&response)
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

async fn post_new_hall(admin: &TestApp, pairs: &[(&str, &str)]) -> reqwest::Response {
    let form = admin.form_values("/admin/halls/new").await;
    admin.post_changed("/admin/halls/new", &form, pairs).await
}

/// Save the booth `slug` through its admin form with `changes`.
async fn edit_booth(admin: &TestApp, slug: &str, changes: &[(&str, &str)]) -> reqwest::Response {
    let id = admin.id_of("booths", slug).await;
    let path = format!("/admin/booths/{id}");
    let form = admin.form_values(&path).await;
    admin.post_changed(&path, &form, changes).await
}

/// Place booth `slug` at (x, y), `w` × `h`, in `hall`, labelled `label`; must be accepted.
async fn place(admin: &TestApp, slug: &str, hall: i64, label: &str, rect: [&str; 4]) {
    let hall = hall.to_string();
    let response = edit_booth(
        admin,
        slug,
        &[
            ("booth_label", label),
            ("hall_id", hall.as_str()),
            ("plan_x", rect[0]),
            ("plan_y", rect[1]),
            ("plan_width", rect[2]),
            ("plan_height", rect[3]),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "placing {slug}");
}

/// Hall 5, 40 × 20 plan units, in three languages.
async fn hall_five(admin: &TestApp) -> i64 {
    create_hall(
        admin,
        &[
            ("name", "Hall 5"),
            ("name.zh", "5号馆"),
            ("name.ur", "ہال 5"),
            ("slug", "hall-5"),
            ("plan_width", "40"),
            ("plan_height", "20"),
        ],
    )
    .await
}

/// Put a floor plan into a running test app through the admin: Hall 5 (40 × 20) with three
/// booths placed (STZA, NETSOL and NLC, with booth labels) and the other four seeded booths
/// left unplaced, so pages show the plan, the list beside it and booths not on it. Logs in on
/// a client of its own (a new admin), so the app's own client is left as it was.
pub async fn furnish_plan(app: &TestApp) {
    let admin = app.other_client();
    admin.create_admin("plan-furnisher@example.org").await;
    let response = admin
        .log_in("plan-furnisher@example.org", ADMIN_PASSWORD)
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "log in");
    let hall = hall_five(&admin).await;
    place(&admin, "stza", hall, "A1", ["1", "1", "8", "5"]).await;
    place(&admin, "netsol", hall, "A2", ["9", "1", "6", "5"]).await;
    place(&admin, "nlc", hall, "B12", ["30.5", "12", "2.5", "2.5"]).await;
    app.changes_heard().await;
}

#[tokio::test]
async fn the_seed_draws_no_plan_and_the_list_is_as_before() {
    let app = TestApp::spawn().await;
    for path in ["/exhibitors", "/zh/exhibitors", "/ur/exhibitors"] {
        let page = app.page(path, StatusCode::OK).await;
        assert_eq!(page.count(".plan, .plan-svg, .plan-where"), 0, "{path}");
        assert_eq!(page.count(".plan-layout--with-plan"), 0, "{path}");
        assert_eq!(page.count(".cards > .card"), 7, "{path}");
    }
}

#[tokio::test]
async fn an_admin_creates_a_hall_and_places_booths_that_the_plan_draws() {
    let app = TestApp::spawn().await;
    furnish_plan(&app).await;
    let stored: (String, f64, f64) = sqlx::query_as(
        "SELECT name->>'ur', plan_width::float8, plan_height::float8 FROM halls WHERE slug = 'hall-5'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(stored, ("ہال 5".to_owned(), 40.0, 20.0));

    let page = app.page("/exhibitors", StatusCode::OK).await;
    assert_eq!(page.count("figure.plan-hall"), 1);
    assert_eq!(
        page.text("figure.plan-hall figcaption"),
        "Floor plan: Hall 5"
    );
    assert_eq!(page.attrs(".plan-svg", "viewBox"), ["0 0 40 20"]);
    // Each placed booth is one link around one rectangle and its label, in reading order.
    assert_eq!(page.count(".plan-svg a.plan-booth"), 3);
    assert_eq!(page.count(".plan-svg a.plan-booth > rect"), 3);
    assert_eq!(
        page.attrs(".plan-svg a.plan-booth", "href"),
        ["/exhibitors/stza", "/exhibitors/netsol", "/exhibitors/nlc"]
    );
    // Each link is named by what it shows (a name contains the visible text, WCAG 2.5.3),
    // then by the booth's full name.
    let labels = page.attrs(".plan-svg a.plan-booth", "aria-label");
    assert_eq!(
        labels[..2],
        [
            "STZA A1, Booth A1: Special Technology Zone Authority (STZA)",
            "NETSOL A2, Booth A2: NETSOL",
        ]
    );
    for (label, slug) in labels.iter().zip(["stza", "netsol", "nlc"]) {
        let shown = page.texts(&format!("#plan-booth-{slug} tspan")).join(" ");
        assert!(
            label.starts_with(&shown),
            "{slug}: {label} names what it shows"
        );
    }
    assert!(labels[2].ends_with("Booth B12: National Logistic Corporation (NLC)"));
    assert_eq!(
        page.attrs("#plan-booth-nlc > rect", "x"),
        ["30.5"],
        "the rectangle as placed"
    );
    assert_eq!(page.attrs("#plan-booth-nlc > rect", "width"), ["2.5"]);
    // A label longer than its booth is shortened; the full name stays the link's name.
    let nlc_label = page.text("#plan-booth-nlc text");
    assert!(
        nlc_label.contains('…') || nlc_label == "NLC" || nlc_label.starts_with("NLC"),
        "{nlc_label}"
    );
    // The list beside: every booth, its hall and booth, and whether it is on the plan.
    assert_eq!(page.count(".plan-layout--with-plan .cards > .card"), 7);
    assert_eq!(page.count(".card .plan-placed"), 3);
    assert_eq!(page.count(".card .plan-unplaced"), 4);
    let cards = page.texts(".card");
    let stza = cards.iter().find(|c| c.contains("STZA")).unwrap();
    assert!(
        stza.contains("Booth A1") && stza.contains("hall Hall 5"),
        "{stza}"
    );
    let pia = cards.iter().find(|c| c.contains("PIA")).unwrap();
    assert!(pia.contains("Not on the floor plan"), "{pia}");

    // Every link on the plan leads to that exhibitor's page.
    for href in page.attrs(".plan-svg a.plan-booth", "href") {
        app.page(&href, StatusCode::OK).await;
    }
    // A draft booth is not drawn.
    sqlx::query("UPDATE booths SET published = false WHERE slug = 'netsol'")
        .execute(&app.db)
        .await
        .unwrap();
    app.changes_heard().await;
    let page = app.page("/exhibitors", StatusCode::OK).await;
    assert_eq!(page.count(".plan-svg a.plan-booth"), 2);
}

#[tokio::test]
async fn bad_numbers_and_bad_places_are_form_errors_with_the_input_kept() {
    let app = TestApp::spawn_logged_in().await;
    // A hall: a width that is no number, a height missing.
    let response = post_new_hall(
        &app,
        &[
            ("name", "Hall 7"),
            ("slug", "hall-7"),
            ("plan_width", "forty"),
            ("plan_height", ""),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = Page::parse(&response.text().await.unwrap());
    assert_eq!(page.attrs("#field-plan_width", "value"), ["forty"]);
    assert_eq!(page.attrs("#field-plan_width", "aria-invalid"), ["true"]);
    assert!(
        page.text("#field-plan_width-error")
            .contains("Enter a number above 0")
    );
    assert_eq!(page.attrs("#field-name", "value"), ["Hall 7"]);
    let response = post_new_hall(
        &app,
        &[
            ("name", "Hall 7"),
            ("slug", "hall-7"),
            ("plan_width", "12.345"),
            ("plan_height", "-3"),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = Page::parse(&response.text().await.unwrap());
    assert_eq!(
        page.attrs(".error-summary a", "href"),
        ["#field-plan_width", "#field-plan_height"]
    );
    let halls: i64 = sqlx::query_scalar("SELECT count(*) FROM halls")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(halls, 0, "nothing stored");

    let hall = hall_five(&app).await.to_string();
    let no_size = create_hall(&app, &[("name", "Hall 9"), ("slug", "hall-9")])
        .await
        .to_string();
    let refused = |response: reqwest::Response| async move {
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        Page::parse(&response.text().await.unwrap())
    };
    // A place without a hall.
    let page = refused(
        edit_booth(
            &app,
            "pia",
            &[
                ("plan_x", "1"),
                ("plan_y", "1"),
                ("plan_width", "2"),
                ("plan_height", "2"),
            ],
        )
        .await,
    )
    .await;
    assert!(
        page.text("#field-hall_id-error")
            .contains("a place on the plan needs a hall")
    );
    assert_eq!(page.attrs("#field-plan_x", "value"), ["1"]);
    // Half a place.
    let page = refused(
        edit_booth(
            &app,
            "pia",
            &[("hall_id", hall.as_str()), ("plan_x", "1"), ("plan_y", "1")],
        )
        .await,
    )
    .await;
    assert_eq!(
        page.attrs(".error-summary a", "href"),
        ["#field-plan_width", "#field-plan_height"]
    );
    // Outside the hall (40 × 20).
    let page = refused(
        edit_booth(
            &app,
            "pia",
            &[
                ("hall_id", hall.as_str()),
                ("plan_x", "38"),
                ("plan_y", "1"),
                ("plan_width", "3"),
                ("plan_height", "2"),
            ],
        )
        .await,
    )
    .await;
    assert!(
        page.text("#field-plan_x-error")
            .contains("outside its hall's plan")
    );
    assert_eq!(page.attrs("#field-plan_x", "value"), ["38"]);
    // In a hall that has no plan size.
    let page = refused(
        edit_booth(
            &app,
            "pia",
            &[
                ("hall_id", no_size.as_str()),
                ("plan_x", "1"),
                ("plan_y", "1"),
                ("plan_width", "3"),
                ("plan_height", "2"),
            ],
        )
        .await,
    )
    .await;
    assert!(page.text("#field-hall_id-error").contains("no plan size"));
    // Overlapping another booth (touching is fine).
    place(
        &app,
        "stza",
        hall.parse().unwrap(),
        "A1",
        ["1", "1", "8", "5"],
    )
    .await;
    place(
        &app,
        "netsol",
        hall.parse().unwrap(),
        "A2",
        ["9", "1", "6", "5"],
    )
    .await;
    let page = refused(
        edit_booth(
            &app,
            "pia",
            &[
                ("booth_label", "A3"),
                ("hall_id", hall.as_str()),
                ("plan_x", "14.5"),
                ("plan_y", "5.99"),
                ("plan_width", "3"),
                ("plan_height", "2"),
            ],
        )
        .await,
    )
    .await;
    assert!(
        page.text("#field-plan_x-error")
            .contains("overlaps booth A2"),
        "{}",
        page.text("#field-plan_x-error")
    );
    assert_eq!(page.attrs("#field-booth_label", "value"), ["A3"]);
    let pia_placed: bool =
        sqlx::query_scalar("SELECT plan_x IS NOT NULL FROM booths WHERE slug = 'pia'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(!pia_placed, "nothing stored");
    // A hall cannot shrink under its booths.
    let hall_path = format!("/admin/halls/{hall}");
    let form = app.form_values(&hall_path).await;
    let page = refused(
        app.post_changed(&hall_path, &form, &[("plan_width", "12")])
            .await,
    )
    .await;
    assert!(
        page.text("#field-plan_width-error")
            .contains("would lie outside")
    );
    assert_eq!(page.attrs("#field-plan_width", "value"), ["12"]);
}

#[tokio::test]
async fn urdu_mirrors_the_page_but_not_the_plan() {
    let app = TestApp::spawn().await;
    furnish_plan(&app).await;
    let en = app.page("/exhibitors", StatusCode::OK).await;
    let ur = app.page("/ur/exhibitors", StatusCode::OK).await;
    let zh = app.page("/zh/exhibitors", StatusCode::OK).await;
    assert_eq!(ur.attrs("html", "dir"), ["rtl"]);
    // (The hall's name is isolated in the sentence, U+2068 … U+2069.)
    let caption = |page: &Page| {
        page.text("figure.plan-hall figcaption")
            .replace(['\u{2068}', '\u{2069}'], "")
    };
    assert_eq!(caption(&ur), "فلور پلان: ہال 5");
    assert_eq!(caption(&zh), "平面图：5号馆");
    // The same geometry in every language: each booth's rectangle where it stands in the hall,
    // and nothing that would flip the drawing.
    for slug in ["stza", "netsol", "nlc"] {
        for attribute in ["x", "y", "width", "height"] {
            let selector = format!("#plan-booth-{slug} > rect");
            assert_eq!(
                ur.attrs(&selector, attribute),
                en.attrs(&selector, attribute),
                "{slug} {attribute}"
            );
        }
    }
    assert_eq!(
        ur.attrs(".plan-svg", "viewBox"),
        en.attrs(".plan-svg", "viewBox")
    );
    assert_eq!(ur.count(".plan-svg [transform], .plan-svg[transform]"), 0);
    let css = app.get("/static/css/site.css").await.text().await.unwrap();
    let plan_css = &css[css.find("/* --- floor plan (issue 14) --- */").unwrap()..];
    assert!(!plan_css.contains("scaleX") && !plan_css.contains("scale(-1"));
    assert!(ur.text(".plan-orientation").contains("الٹا نہیں"));
    assert_eq!(en.count(".plan-orientation"), 0);
    // Keyboard order follows the reading direction: along the top row right to left in Urdu.
    assert_eq!(
        ur.attrs(".plan-svg a.plan-booth", "href"),
        [
            "/ur/exhibitors/netsol",
            "/ur/exhibitors/stza",
            "/ur/exhibitors/nlc"
        ]
    );
    let name = ur.attrs("#plan-booth-stza", "aria-label").concat();
    assert!(
        name.replace(['\u{2068}', '\u{2069}'], "")
            .ends_with("اسٹال A1: اسپیشل ٹیکنالوجی زون اتھارٹی (STZA)"),
        "{name}"
    );
    // A Latin label on an Urdu page is marked as such and written left to right.
    assert_eq!(ur.attrs("#plan-booth-stza tspan", "direction")[0], "ltr");
    assert_eq!(ur.texts(".card .plan-unplaced").len(), 4);
}

#[tokio::test]
async fn in_a_browser_a_booth_on_the_plan_is_clicked_and_reached_by_keyboard() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::spawn().await;
    furnish_plan(&app).await;
    browser.goto(&app.url("/exhibitors")).await;
    browser.click("#plan-booth-netsol").await;
    browser.wait_for("article.entity h1").await;
    assert_eq!(browser.path().await, "/exhibitors/netsol");
    assert_eq!(browser.text("article.entity h1").await, "NETSOL");

    // Tab from the top until the focus is on a booth of the plan, then Enter.
    browser.goto(&app.url("/exhibitors")).await;
    let mut reached = None;
    for _ in 0..60 {
        browser.press(Key::Tab).await;
        let state = browser
            .run(
                "const el = document.activeElement;
                 const style = getComputedStyle(el);
                 return [el.id, el.matches('.plan-booth'),
                         style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2];",
            )
            .await;
        if state[1] == true {
            assert_eq!(state[2], true, "a visible focus ring on {}", state[0]);
            reached = state[0].as_str().map(str::to_owned);
            break;
        }
    }
    assert_eq!(
        reached.as_deref(),
        Some("plan-booth-stza"),
        "the first booth by Tab"
    );
    browser.press(Key::Enter).await;
    browser.wait_for("article.entity h1").await;
    assert_eq!(browser.path().await, "/exhibitors/stza");
    assert_eq!(
        browser.text("article.entity h1").await,
        "Special Technology Zone Authority (STZA)"
    );
    browser.close().await;
}
