//! Lists for editorial work, on a database with a few hundred entries: pages, sortable column
//! headers, search in every language, filters, and bulk actions with their version checks.

use reqwest::StatusCode;

use crate::helpers::{Page, TestApp, location};

/// 280 draft organisations more than the seed's 11 (291 in all: 6 pages, the last of 41), named
/// in English, Chinese and Urdu.
async fn spawn_with_many_organisations() -> TestApp {
    let app = TestApp::spawn_logged_in().await;
    sqlx::query(
        "INSERT INTO organisations (slug, name, kind, published)
         SELECT 'bulk-org-' || g,
                jsonb_build_object('en', 'Bulk org ' || lpad(g::text, 3, '0'),
                                   'zh', '批量机构' || lpad(g::text, 3, '0'),
                                   'ur', 'بلک ادارہ ' || g),
                'company', false
         FROM generate_series(1, 280) AS g",
    )
    .execute(&app.db)
    .await
    .unwrap();
    app
}

fn titles(page: &Page) -> Vec<String> {
    page.texts("tbody th a")
}

#[tokio::test]
async fn pages_hold_fifty_rows_each_in_a_stable_order_with_links_that_keep_the_query() {
    let app = spawn_with_many_organisations().await;
    let first = app.page("/admin/organisations", StatusCode::OK).await;
    assert_eq!(first.text("#list-count"), "291 entries · Page 1 of 6");
    assert_eq!(titles(&first).len(), 50);
    let second = app
        .page("/admin/organisations?page=2", StatusCode::OK)
        .await;
    assert_eq!(titles(&second).len(), 50);
    assert!(titles(&second).iter().all(|t| !titles(&first).contains(t)));
    let last = app
        .page("/admin/organisations?page=6", StatusCode::OK)
        .await;
    assert_eq!(titles(&last).len(), 41);
    assert_eq!(last.attrs(".pagination a[rel=next]", "href").len(), 0);

    // Sorted by a column where every draft ties (kind), the pages still hold every row once.
    let mut seen = Vec::new();
    for page in 1..=6 {
        let page = app
            .page(
                &format!("/admin/organisations?f_published=draft&sort=kind&page={page}"),
                StatusCode::OK,
            )
            .await;
        seen.extend(page.attrs("tbody input[name=row]", "value"));
    }
    assert_eq!(seen.len(), 280);
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 280, "a row showed on two pages");

    // Page links keep the search, filter and sort.
    let page = app
        .page(
            "/admin/organisations?q=bulk&f_published=draft&sort=name&dir=desc",
            StatusCode::OK,
        )
        .await;
    let next = page.attrs(".pagination a[rel=next]", "href");
    assert_eq!(
        next,
        ["?q=bulk&f_published=draft&sort=name&dir=desc&page=2"]
    );
    assert_eq!(
        page.attrs(".pagination a:last-child", "href"),
        ["?q=bulk&f_published=draft&sort=name&dir=desc&page=6"]
    );
    let page = app
        .page(&format!("/admin/organisations{}", next[0]), StatusCode::OK)
        .await;
    assert_eq!(titles(&page)[0], "Bulk org 230");

    // Out of range or not a page: a 400 saying so.
    let page = app
        .page("/admin/organisations?page=7", StatusCode::BAD_REQUEST)
        .await;
    assert!(
        page.text("main")
            .contains("There is no page 7: this list has 6 pages."),
        "{}",
        page.text("main")
    );
    for bad in ["0", "-1", "two", "99999999999999999999"] {
        let page = app
            .page(
                &format!("/admin/organisations?page={bad}"),
                StatusCode::BAD_REQUEST,
            )
            .await;
        assert!(page.text("main").contains(&format!("“{bad}”")), "{bad}");
    }
}

#[tokio::test]
async fn column_headers_sort_both_ways_and_say_which_is_sorted() {
    let app = spawn_with_many_organisations().await;
    let page = app.page("/admin/organisations", StatusCode::OK).await;
    // Sorted by name, ascending, by default; its header sorts the other way.
    assert_eq!(page.attrs("th[aria-sort]", "aria-sort"), ["ascending"]);
    assert_eq!(
        page.attrs("th[aria-sort] a", "href"),
        ["?sort=name&dir=desc"]
    );
    assert_eq!(titles(&page)[0], "Beijing Time-Honored Brands Association");
    let headers = page.attrs("thead a.sort-link", "href");
    assert!(headers.contains(&"?sort=country&dir=asc".to_owned()));
    assert!(headers.contains(&"?sort=updated_at&dir=asc".to_owned()));

    let page = app
        .page("/admin/organisations?sort=name&dir=desc", StatusCode::OK)
        .await;
    assert_eq!(page.attrs("th[aria-sort]", "aria-sort"), ["descending"]);
    assert_eq!(titles(&page)[0], "ZBRA China");
    assert_eq!(
        page.attrs("th[aria-sort] a", "href"),
        ["?sort=name&dir=asc"]
    );

    // A header link keeps the search and filters, and goes back to page 1.
    let page = app
        .page(
            "/admin/organisations?q=org&f_kind=company&page=3",
            StatusCode::OK,
        )
        .await;
    let country = page
        .attrs("thead a.sort-link", "href")
        .into_iter()
        .find(|href| href.contains("sort=country"))
        .unwrap();
    assert_eq!(country, "?q=org&f_kind=company&sort=country&dir=asc");

    // The filter form keeps the sort.
    assert_eq!(
        page.attrs("form.filters input[type=hidden]", "value"),
        ["name", "asc"]
    );

    for bad in ["password_hash", "id; DROP TABLE people"] {
        let page = app
            .page(
                &format!("/admin/organisations?sort={}", bad.replace(' ', "%20")),
                StatusCode::BAD_REQUEST,
            )
            .await;
        assert!(page.text("main").contains(&format!("“{bad}”")), "{bad}");
    }
    app.page("/admin/organisations?dir=sideways", StatusCode::BAD_REQUEST)
        .await;
}

#[tokio::test]
async fn search_finds_chinese_and_urdu_versions_and_filters_narrow_by_organisation() {
    let app = spawn_with_many_organisations().await;
    let page = app
        .page("/admin/organisations?q=批量机构007", StatusCode::OK)
        .await;
    assert_eq!(titles(&page), ["Bulk org 007"]);
    let page = app
        .page("/admin/organisations?q=بلک ادارہ 12", StatusCode::OK)
        .await;
    assert_eq!(page.text("#list-count"), "11 entries");
    let page = app
        .page("/admin/organisations?q=short_name", StatusCode::OK)
        .await;
    assert_eq!(
        page.text("#list-count"),
        "0 entries",
        "JSON keys are not searched"
    );

    let nlc = app.id_of("organisations", "nlc").await;
    let page = app
        .page(
            &format!("/admin/booths?f_organisation_id={nlc}"),
            StatusCode::OK,
        )
        .await;
    assert_eq!(titles(&page), ["nlc"]);
    let zbra = app.id_of("organisations", "zbra").await;
    let expected: Vec<String> = sqlx::query_scalar(
        "SELECT a.title->>'en' FROM agreements a JOIN agreement_parties p ON p.agreement_id = a.id
         WHERE p.organisation_id = $1 ORDER BY a.position, a.id",
    )
    .bind(zbra)
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(expected.len(), 2);
    let page = app
        .page(
            &format!("/admin/agreements?f_parties={zbra}"),
            StatusCode::OK,
        )
        .await;
    assert_eq!(titles(&page), expected);
    app.page(
        "/admin/agreements?f_parties=999999",
        StatusCode::BAD_REQUEST,
    )
    .await;
}

/// The `id:version` value of the row titled `title` on the list at `path`.
async fn row_value(app: &TestApp, path: &str, title: &str) -> String {
    let page = app.page(path, StatusCode::OK).await;
    let titles = titles(&page);
    let index = titles
        .iter()
        .position(|t| t == title)
        .unwrap_or_else(|| panic!("{title} not in {titles:?}"));
    page.attrs("tbody input[name=row]", "value")[index].clone()
}

async fn bulk(app: &TestApp, entity: &str, action: &str, rows: &[&str], back: &str) -> String {
    let token = app.csrf_token(&format!("/admin/{entity}")).await;
    let mut pairs = vec![
        ("csrf_token", token.as_str()),
        ("action", action),
        ("return", back),
    ];
    pairs.extend(rows.iter().map(|row| ("row", *row)));
    if action == "delete" {
        pairs.push(("confirmed", "yes"));
    }
    let response = app
        .post_form(&format!("/admin/{entity}/bulk"), &pairs)
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let back = location(&response);
    let page = app.page(&back, StatusCode::OK).await;
    page.text(".flash")
}

#[tokio::test]
async fn bulk_actions_publish_unpublish_and_delete_with_version_and_dependency_checks() {
    let app = spawn_with_many_organisations().await;
    let list = "/admin/organisations?q=bulk+org+00";
    let page = app.page(list, StatusCode::OK).await;
    assert_eq!(page.count("tbody input[name=row][checked]"), 0);
    let all = app
        .page(&format!("{list}&select=all"), StatusCode::OK)
        .await;
    assert_eq!(all.count("tbody input[name=row][checked]"), 9);
    let rows = page.attrs("tbody input[name=row]", "value");
    assert_eq!(rows.len(), 9);

    // Publish three drafts: history records each as this admin's.
    let flash = bulk(
        &app,
        "organisations",
        "publish",
        &[&rows[0], &rows[1], &rows[2]],
        "?q=bulk+org+00&page=1",
    )
    .await;
    assert_eq!(flash, "3 published.");
    let published: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM organisations WHERE slug IN ('bulk-org-1', 'bulk-org-2', 'bulk-org-3') AND published",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(published, 3);
    let recorded: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM history h JOIN admins a ON a.id = h.admin_id
         WHERE h.entity = 'organisations' AND h.action = 'update'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(recorded, 3);

    // The same rows, as the list showed them before: every one changed since.
    let flash = bulk(&app, "organisations", "unpublish", &[&rows[0]], "").await;
    assert_eq!(flash, "1 skipped: it changed since the list was shown.");

    // Unpublish one published and one draft.
    let one = row_value(&app, list, "Bulk org 001").await;
    let flash = bulk(&app, "organisations", "unpublish", &[&one, &rows[5]], "").await;
    assert_eq!(flash, "1 made a draft; 1 unchanged: it already was.");

    // A delete asks first, naming the rows, and deletes nothing until confirmed.
    let some = row_value(&app, list, "Bulk org 009").await;
    let token = app.csrf_token(list).await;
    let response = app
        .post_form(
            "/admin/organisations/bulk",
            &[
                ("csrf_token", &token),
                ("action", "delete"),
                ("return", "?q=bulk+org+00"),
                ("row", &some),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = Page::parse(&response.text().await.unwrap());
    assert_eq!(page.text("h1"), "Delete 1 entry?");
    assert_eq!(page.texts(".bulk-delete li"), ["Bulk org 009"]);
    assert_eq!(
        page.attrs("form input[name=row]", "value"),
        std::slice::from_ref(&some)
    );
    assert_eq!(
        page.attrs("form input[name=return]", "value"),
        ["?q=bulk+org+00"]
    );
    assert_eq!(app.page(list, StatusCode::OK).await.count("tbody tr"), 9);

    // Delete: one that others point to is refused, one changed since is skipped, one goes.
    let zbra = row_value(&app, "/admin/organisations?q=zbra", "ZBRA China").await;
    let stale = row_value(&app, list, "Bulk org 007").await;
    sqlx::query("UPDATE organisations SET short_name = 'B7', version = version + 1 WHERE slug = 'bulk-org-7'")
        .execute(&app.db)
        .await
        .unwrap();
    let gone = row_value(&app, list, "Bulk org 008").await;
    let flash = bulk(
        &app,
        "organisations",
        "delete",
        &[&zbra, &stale, &gone],
        "?q=bulk+org+00",
    )
    .await;
    assert_eq!(
        flash,
        "1 deleted; 1 skipped: it changed since the list was shown; 1 not deleted: other entries point to it."
    );
    let left: Vec<String> = sqlx::query_scalar(
        "SELECT slug::text FROM organisations WHERE slug IN ('zbra', 'bulk-org-7', 'bulk-org-8') ORDER BY slug",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(left, ["bulk-org-7", "zbra"]);
    let deleted = app
        .page("/admin/organisations/deleted", StatusCode::OK)
        .await;
    assert!(deleted.text("main").contains("Bulk org 008"));

    // Nothing ticked, a forged row or action: said so, nothing done.
    let flash = bulk(&app, "organisations", "delete", &[], "").await;
    assert_eq!(flash, "Nothing was done: tick at least one entry first.");
    let token = app.csrf_token("/admin/organisations").await;
    for (action, row) in [("delete", "abc"), ("explode", "1:1")] {
        let response = app
            .post_form(
                "/admin/organisations/bulk",
                &[("csrf_token", &token), ("action", action), ("row", row)],
            )
            .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{action} {row}");
    }
    // Initiatives have no drafts: no publish button, and publishing is refused.
    let page = app.page("/admin/initiatives", StatusCode::OK).await;
    assert_eq!(page.count("button[value=publish]"), 0);
    let response = app
        .post_form(
            "/admin/initiatives/bulk",
            &[
                ("csrf_token", &token),
                ("action", "publish"),
                ("row", "1:1"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    // Without the CSRF token: refused.
    let response = app
        .post_form(
            "/admin/organisations/bulk",
            &[("action", "delete"), ("row", &gone)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}
