//! Lists as CSV files: the export of any list (filtered, sorted, every page) and the import of
//! people, organisations and booths, previewed and written only when every row is valid.

use reqwest::StatusCode;

use crate::helpers::TestApp;

/// The rows of a CSV export (header first), after checking it is a UTF-8 attachment with a BOM.
async fn export(app: &TestApp, path: &str) -> Vec<Vec<String>> {
    let response = app.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "GET {path}");
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename="),
    );
    let body = response.bytes().await.unwrap();
    assert!(body.starts_with("\u{feff}".as_bytes()), "no BOM");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&body[3..]);
    reader
        .records()
        .map(|record| record.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

fn column<'a>(rows: &'a [Vec<String>], name: &str) -> Vec<&'a str> {
    let index = rows[0]
        .iter()
        .position(|c| c == name)
        .unwrap_or_else(|| panic!("no column {name} in {:?}", rows[0]));
    rows[1..].iter().map(|row| row[index].as_str()).collect()
}

#[tokio::test]
async fn an_export_has_every_language_and_mark_follows_the_list_and_names_references_by_slug() {
    let app = TestApp::spawn_logged_in().await;
    sqlx::query(
        "INSERT INTO organisations (slug, name, kind, published)
         SELECT 'bulk-org-' || g, jsonb_build_object('en', 'Bulk org ' || lpad(g::text, 3, '0')),
                'company', false
         FROM generate_series(1, 120) AS g",
    )
    .execute(&app.db)
    .await
    .unwrap();
    let rows = export(&app, "/admin/organisations/export.csv").await;
    assert_eq!(rows.len(), 1 + 131, "every page");
    assert_eq!(
        rows[0][..8],
        [
            "id",
            "name",
            "name.zh",
            "name.ur",
            "name.zh.translated",
            "name.ur.translated",
            "short_name",
            "slug"
        ]
    );
    let zbra = rows
        .iter()
        .find(|row| row.contains(&"zbra".to_owned()))
        .unwrap();
    assert_eq!(zbra[1], "ZBRA China");
    assert_eq!(
        zbra[2], "ZBRA China",
        "a brand name is kept in every language"
    );
    let nlc = rows
        .iter()
        .find(|row| row.contains(&"nlc".to_owned()))
        .unwrap();
    assert!(!nlc[2].is_empty() && nlc[4] == "yes", "{nlc:?}");
    assert_eq!(
        column(&rows, "published")
            .iter()
            .filter(|p| **p == "no")
            .count(),
        120
    );

    // The list's search, filter and sort.
    let rows = export(
        &app,
        "/admin/organisations/export.csv?q=bulk+org+00&f_published=draft&sort=name&dir=desc&page=2",
    )
    .await;
    assert_eq!(
        column(&rows, "name"),
        [
            "Bulk org 009",
            "Bulk org 008",
            "Bulk org 007",
            "Bulk org 006",
            "Bulk org 005",
            "Bulk org 004",
            "Bulk org 003",
            "Bulk org 002",
            "Bulk org 001"
        ]
    );

    // References by slug; an agreement's parties by theirs.
    let rows = export(&app, "/admin/booths/export.csv?q=nlc").await;
    assert_eq!(column(&rows, "organisation_id"), ["nlc"]);
    let rows = export(
        &app,
        "/admin/agreements/export.csv?q=china-pakistan-sti-center",
    )
    .await;
    assert_eq!(column(&rows, "parties"), ["zbra china-construction-huaxia"]);
    let rows = export(&app, "/admin/quotes/export.csv").await;
    assert!(column(&rows, "person_id").contains(&"moin-ul-haque"));

    // Bad list input is refused as on the list.
    let response = app
        .get("/admin/organisations/export.csv?sort=password")
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    // Only admins.
    let stranger = app.other_client();
    let response = stranger.get("/admin/organisations/export.csv").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}
