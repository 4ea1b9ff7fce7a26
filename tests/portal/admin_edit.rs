//! Editing through the admin's forms: validation, conflicts, history and revert, delete rules,
//! drafts, agreement parties, and the public site showing changes at once.

use reqwest::StatusCode;

use crate::helpers::{Page, TestApp, location};

async fn form_page(response: reqwest::Response, status: StatusCode) -> Page {
    assert_eq!(response.status(), status);
    Page::parse(&response.text().await.unwrap())
}

#[tokio::test]
async fn an_edit_shows_on_the_public_site_at_once() {
    let app = TestApp::spawn_logged_in().await;
    let id = app.id_of("people", "ghulam-qadir").await;
    let path = format!("/admin/people/{id}");
    let form = app.form_values(&path).await;
    let response = app
        .post_changed(
            &path,
            &form,
            &[("role", "Commercial Counsellor, Embassy of Pakistan")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), path);
    let page = app.page(&path, StatusCode::OK).await;
    assert_eq!(page.text(".flash"), "Saved the person.");
    let public = app.page("/speakers/ghulam-qadir", StatusCode::OK).await;
    assert_eq!(
        public.text("article header .lead"),
        "Commercial Counsellor, Embassy of Pakistan"
    );
}

#[tokio::test]
async fn invalid_input_is_a_422_with_errors_by_their_fields_and_the_input_kept() {
    let app = TestApp::spawn_logged_in().await;
    let id = app.id_of("organisations", "nlc").await;
    let path = format!("/admin/organisations/{id}");
    let form = app.form_values(&path).await;
    let response = app
        .post_changed(
            &path,
            &form,
            &[
                ("name", "   "),
                ("slug", "Not A Slug"),
                ("country", "Pakistan"),
                ("website", "javascript:alert(1)"),
                ("short_name", "NLC\u{0}"),
                ("description", &"x".repeat(4001)),
            ],
        )
        .await;
    let page = form_page(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(
        page.attrs(".error-summary a", "href"),
        [
            "#field-name",
            "#field-short_name",
            "#field-slug",
            "#field-country",
            "#field-description",
            "#field-website"
        ]
    );
    for field in [
        "name",
        "slug",
        "country",
        "website",
        "short_name",
        "description",
    ] {
        assert_eq!(
            page.attrs(&format!("#field-{field}"), "aria-invalid"),
            ["true"],
            "{field}"
        );
        let described = page
            .attrs(&format!("#field-{field}"), "aria-describedby")
            .join(" ");
        assert!(
            described.contains(&format!("field-{field}-error")),
            "{field}: {described}"
        );
        assert_eq!(page.count(&format!("#field-{field}-error")), 1, "{field}");
    }
    assert_eq!(
        page.attrs("#field-slug", "value"),
        ["Not A Slug"],
        "input kept"
    );
    assert_eq!(
        page.attrs("#field-website", "value"),
        ["javascript:alert(1)"],
        "input kept"
    );
    let name: String =
        sqlx::query_scalar("SELECT name->>'en' FROM organisations WHERE slug = 'nlc'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(name, "National Logistic Corporation", "nothing saved");
}

#[tokio::test]
async fn a_taken_slug_is_a_field_error_not_a_500() {
    let app = TestApp::spawn_logged_in().await;
    let token = app.csrf_token("/admin/organisations/new").await;
    let response = app
        .post_form(
            "/admin/organisations/new",
            &[
                ("csrf_token", &token),
                ("name", "Another ZBRA"),
                ("slug", "zbra"),
                ("kind", "company"),
            ],
        )
        .await;
    let page = form_page(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(
        page.text("#field-slug-error")
            .contains("already uses this slug")
    );
    assert_eq!(page.attrs("#field-name", "value"), ["Another ZBRA"]);
}

#[tokio::test]
async fn every_form_accepts_a_new_entry_and_rejects_an_empty_one() {
    let app = TestApp::spawn_logged_in().await;
    let person = app.id_of("people", "khan-muhammad").await.to_string();
    let organisation = app.id_of("organisations", "zbra").await.to_string();
    let cases: Vec<(&str, Vec<(&str, &str)>)> = vec![
        (
            "organisations",
            vec![
                ("name", "Test Org"),
                ("slug", "test-org"),
                ("kind", "company"),
            ],
        ),
        (
            "people",
            vec![("name", "Test Person"), ("slug", "test-person")],
        ),
        (
            "quotes",
            vec![
                ("person_id", &person),
                ("body", "Words."),
                ("kind", "direct"),
            ],
        ),
        (
            "agreements",
            vec![
                ("title", "Test MOU"),
                ("slug", "test-mou"),
                ("kind", "MOU"),
                ("parties", &organisation),
            ],
        ),
        (
            "booths",
            vec![("organisation_id", &organisation), ("slug", "zbra-booth")],
        ),
        (
            "initiatives",
            vec![("name", "Test initiative"), ("slug", "test-initiative")],
        ),
    ];
    for (entity, fields) in cases {
        let new = format!("/admin/{entity}/new");
        let token = app.csrf_token(&new).await;
        let empty = app.post_form(&new, &[("csrf_token", &token)]).await;
        assert_eq!(
            empty.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{entity}: empty form"
        );
        let mut pairs = vec![("csrf_token", token.as_str())];
        pairs.extend(fields);
        let created = app.post_form(&new, &pairs).await;
        assert_eq!(
            created.status(),
            StatusCode::SEE_OTHER,
            "{entity}: valid form"
        );
        let edit = location(&created);
        assert!(edit.starts_with(&format!("/admin/{entity}/")), "{edit}");
        app.page(&edit, StatusCode::OK).await;
        let history = app.page(&format!("{edit}/history"), StatusCode::OK).await;
        assert!(
            history.texts(".history__title")[0].starts_with("Created by admin@example.org"),
            "{entity}"
        );
    }
}

#[tokio::test]
async fn history_shows_each_change_and_revert_brings_a_version_back() {
    let app = TestApp::spawn_logged_in().await;
    let id = app.id_of("organisations", "netsol").await;
    let path = format!("/admin/organisations/{id}");
    let form = app.form_values(&path).await;
    app.post_changed(
        &path,
        &form,
        &[
            ("name", "NETSOL Technologies"),
            ("website", "https://example.org"),
        ],
    )
    .await;

    // The report's seed, the seed's Chinese and Urdu versions, and this edit.
    let history = app.page(&format!("{path}/history"), StatusCode::OK).await;
    assert_eq!(history.count(".history__entry"), 3);
    assert!(history.texts(".history__title")[0].starts_with("Changed by admin@example.org"));
    assert_eq!(
        history.texts(".history__entry:first-child tbody th, .history__entry:first-child tbody td"),
        [
            "Name",
            "NETSOL · [ur] NETSOL · [zh] NETSOL",
            "NETSOL Technologies · [ur] NETSOL · [zh] NETSOL",
            "Website",
            "—",
            "https://example.org"
        ]
    );
    let revert = history.attrs(".history__entry:nth-child(2) form", "action");
    assert_eq!(revert.len(), 1, "the seeded version can be brought back");
    let token = history.attrs(
        ".history__entry:nth-child(2) input[name=csrf_token]",
        "value",
    )[0]
    .clone();
    let version =
        history.attrs(".history__entry:nth-child(2) input[name=version]", "value")[0].clone();
    let response = app
        .post_form(&revert[0], &[("csrf_token", &token), ("version", &version)])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    let public = app.page("/organisations/netsol", StatusCode::OK).await;
    assert_eq!(public.text("h1"), "NETSOL");
    let history = app.page(&format!("{path}/history"), StatusCode::OK).await;
    assert_eq!(
        history.count(".history__entry"),
        4,
        "the revert is itself recorded"
    );
    assert!(
        history
            .text(".history__entry:first-child")
            .contains("Reverted to the version of")
    );
}

#[tokio::test]
async fn an_organisation_with_dependents_cannot_vanish_and_says_what_to_move() {
    let app = TestApp::spawn_logged_in().await;
    let id = app.id_of("organisations", "zbra").await;
    let page = app
        .page(&format!("/admin/organisations/{id}/delete"), StatusCode::OK)
        .await;
    let dependents = page.texts(".dependents li");
    assert_eq!(dependents.len(), 3, "{dependents:?}");
    assert!(
        dependents.iter().any(|d| d == "Xiaodong Zhang (person)"),
        "{dependents:?}"
    );
    assert_eq!(page.count("button.button--danger"), 0, "no delete button");

    // Posting anyway (with the current version: not a stale-version refusal) is refused,
    // and nothing is deleted.
    let token = app.csrf_token(&format!("/admin/organisations/{id}")).await;
    let version: i32 = sqlx::query_scalar("SELECT version FROM organisations WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let response = app
        .post_form(
            &format!("/admin/organisations/{id}/delete"),
            &[("csrf_token", &token), ("version", &version.to_string())],
        )
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    app.page("/organisations/zbra", StatusCode::OK).await;
}

#[tokio::test]
async fn a_deleted_entry_can_be_restored_from_its_history() {
    let app = TestApp::spawn_logged_in().await;
    let id = app.id_of("booths", "isbei").await;
    let page = app
        .page(&format!("/admin/booths/{id}/delete"), StatusCode::OK)
        .await;
    let token = page.attrs("input[name=csrf_token]", "value")[0].clone();
    let version = page.attrs("input[name=version]", "value")[0].clone();
    let response = app
        .post_form(
            &format!("/admin/booths/{id}/delete"),
            &[("csrf_token", &token), ("version", &version)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    app.page("/exhibitors/isbei", StatusCode::NOT_FOUND).await;

    let deleted = app.page("/admin/booths/deleted", StatusCode::OK).await;
    assert_eq!(
        deleted.attrs("main ul.link-list a", "href"),
        [format!("/admin/booths/{id}/history")]
    );
    let history = app
        .page(&format!("/admin/booths/{id}/history"), StatusCode::OK)
        .await;
    let restore = history.attrs("form[action$=restore]", "action");
    assert_eq!(restore, [format!("/admin/booths/{id}/restore")]);
    let response = app.post_form(&restore[0], &[("csrf_token", &token)]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let public = app.page("/exhibitors/isbei", StatusCode::OK).await;
    assert_eq!(public.text("h1"), "ISBEI");
}

#[tokio::test]
async fn drafts_are_hidden_publicly_but_marked_and_previewable_in_the_admin() {
    let app = TestApp::spawn_logged_in().await;
    let token = app.csrf_token("/admin/people/new").await;
    let response = app
        .post_form(
            "/admin/people/new",
            &[
                ("csrf_token", &token),
                ("name", "Draft Person"),
                ("slug", "draft-person"),
            ],
        )
        .await;
    let edit = location(&response);
    app.page("/speakers/draft-person", StatusCode::NOT_FOUND)
        .await;
    let page = app.page(&edit, StatusCode::OK).await;
    assert_eq!(page.text("h1 .badge--draft"), "Draft");
    let preview = page.attrs("a[href$=preview]", "href");
    assert_eq!(preview.len(), 1);
    let preview = app.page(&preview[0], StatusCode::OK).await;
    assert_eq!(preview.text("article h1"), "Draft Person");
    assert!(preview.text(".preview-banner").contains("Admin preview"));
    // The preview is the admin's: a visitor without a session is sent to log in.
    let visitor = app.other_client();
    assert_eq!(
        visitor.get(&format!("{edit}/preview")).await.status(),
        StatusCode::SEE_OTHER
    );
    let list = app
        .page("/admin/people?f_published=draft", StatusCode::OK)
        .await;
    assert_eq!(list.texts("tbody th a"), ["Draft Person"]);

    let form = app.form_values(&edit).await;
    let response = app.post_changed(&edit, &form, &[("published", "on")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    app.page("/speakers/draft-person", StatusCode::OK).await;
}

#[tokio::test]
async fn agreement_parties_are_added_removed_and_ordered() {
    let app = TestApp::spawn_logged_in().await;
    let id = app.id_of("agreements", "china-pakistan-sti-center").await;
    let zbra = app.id_of("organisations", "zbra").await.to_string();
    let huaxia = app
        .id_of("organisations", "china-construction-huaxia")
        .await
        .to_string();
    let nlc = app.id_of("organisations", "nlc").await.to_string();
    let path = format!("/admin/agreements/{id}");
    let page = app.page(&path, StatusCode::OK).await;
    assert_eq!(
        page.attrs("select[name=parties] option[selected]", "value"),
        [zbra.clone(), huaxia.clone()]
    );

    let form: Vec<(String, String)> = app
        .form_values(&path)
        .await
        .into_iter()
        .filter(|(n, _)| n != "parties")
        .collect();
    let with_parties = |parties: &[&str]| {
        let mut pairs = form.clone();
        pairs.extend(
            parties
                .iter()
                .map(|p| ("parties".to_owned(), (*p).to_owned())),
        );
        pairs
    };
    // Duplicate: refused.
    let response = app
        .post_changed(&path, &with_parties(&[&zbra, &zbra]), &[])
        .await;
    let page = form_page(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(page.text("#field-parties-error").contains("only once"));

    // Reorder, remove one, add one.
    let response = app
        .post_changed(&path, &with_parties(&[&nlc, "", &zbra]), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let public = app
        .page("/agreements/china-pakistan-sti-center", StatusCode::OK)
        .await;
    assert_eq!(
        public.attrs(".details ul a", "href"),
        ["/organisations/nlc", "/organisations/zbra"]
    );
    let history = app.page(&format!("{path}/history"), StatusCode::OK).await;
    assert!(
        history
            .text(".history__entry:first-child")
            .contains("Parties")
    );
}

#[tokio::test]
async fn lists_search_filter_and_sort() {
    let app = TestApp::spawn_logged_in().await;
    let page = app
        .page("/admin/organisations?q=bank", StatusCode::OK)
        .await;
    assert_eq!(page.texts("tbody th a"), ["National Bank of Pakistan"]);
    let page = app
        .page("/admin/organisations?f_kind=association", StatusCode::OK)
        .await;
    assert_eq!(
        page.texts("tbody th a"),
        ["Beijing Time-Honored Brands Association"]
    );
    let page = app
        .page(
            "/admin/organisations?f_country=CN&sort=name&dir=desc",
            StatusCode::OK,
        )
        .await;
    assert_eq!(
        page.texts("tbody th a"),
        [
            "ZBRA China",
            "China Construction Huaxia (Beijing) Industrial Operation Company",
            "Beijing Time-Honored Brands Association"
        ]
    );
    app.page("/admin/organisations?f_kind=bank", StatusCode::BAD_REQUEST)
        .await;
    app.page("/admin/nothing", StatusCode::NOT_FOUND).await;
    app.page("/admin/people/999999", StatusCode::NOT_FOUND)
        .await;
    app.page("/admin/people/abc", StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn the_dashboard_counts_entries_and_lists_the_latest_changes() {
    let app = TestApp::spawn_logged_in().await;
    let page = app.page("/admin", StatusCode::OK).await;
    assert!(
        page.texts("tbody tr")
            .contains(&"Organisations 11 0 New organisation".to_owned())
    );
    assert!(page.text("#latest ~ p").contains("No changes yet"));
    let form = app.form_values("/admin/forum/1").await;
    app.post_changed("/admin/forum/1", &form, &[("city", "Beijing, China")])
        .await;
    let page = app.page("/admin", StatusCode::OK).await;
    assert_eq!(page.count(".changes li"), 1);
    assert!(
        page.text(".changes li")
            .contains("Changed by admin@example.org")
    );
}

#[tokio::test]
async fn every_admin_page_linked_from_the_dashboard_renders() {
    let app = TestApp::spawn_logged_in().await;
    let dashboard = app.page("/admin", StatusCode::OK).await;
    let mut paths: Vec<String> = dashboard
        .attrs("a[href^='/admin']", "href")
        .into_iter()
        .collect();
    paths.sort();
    paths.dedup();
    assert!(paths.len() >= 14, "{paths:?}");
    for path in paths {
        let status = app.get(&path).await.status();
        assert!(
            status == StatusCode::OK || status == StatusCode::SEE_OTHER,
            "{path}: {status}"
        );
    }
}
