//! Lists as CSV files: the export of any list (filtered, sorted, every page) and the import of
//! people, organisations and booths, previewed and written only when every row is valid.

use reqwest::StatusCode;

use crate::helpers::{Page, TestApp};

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

/// POST the import form of `entity` as a browser sends it (multipart), with `file` as the
/// uploaded file when given.
async fn post_import(
    app: &TestApp,
    entity: &str,
    fields: &[(&str, &str)],
    file: Option<&[u8]>,
) -> reqwest::Response {
    const BOUNDARY: &str = "----portal-test-boundary-7d1f";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(value.as_bytes());
        body.extend_from_slice(b"\r\n");
    }
    if let Some(file) = file {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{entity}.csv\"\r\nContent-Type: text/csv\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(file);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    app.client
        .post(app.url(&format!("/admin/{entity}/import")))
        .header("origin", format!("http://{}", app.addr))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body)
        .send()
        .await
        .expect("request failed")
}

/// Upload `file` for a preview: the status and the page.
async fn preview(app: &TestApp, entity: &str, file: &[u8]) -> (StatusCode, Page) {
    let token = app.csrf_token(&format!("/admin/{entity}/import")).await;
    let response = post_import(app, entity, &[("csrf_token", &token)], Some(file)).await;
    let status = response.status();
    (status, Page::parse(&response.text().await.unwrap()))
}

fn to_csv(rows: &[Vec<String>]) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::from("\u{feff}".as_bytes()));
    for row in rows {
        writer.write_record(row).unwrap();
    }
    writer.into_inner().unwrap()
}

async fn history_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM history")
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_import_with_one_bad_row_writes_nothing_and_names_the_line() {
    let app = TestApp::spawn_logged_in().await;
    let before = history_count(&app).await;
    let file = "name,name.zh,slug,kind,country,website,published\n\
                Good One,好的,good-one,company,PK,https://example.org,yes\n\
                Bad One,,Bad Slug,bank,Pakistan,javascript:alert(1),maybe\n\
                Good Two,,good-two,association,CN,,no\n";
    let (status, page) = preview(&app, "organisations", file.as_bytes()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let errors = page.texts(".import-errors li");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].starts_with("Line 3 · published"), "{errors:?}");
    // With the yes/no fixed, the form's rules speak, each with its line.
    let file = file.replace("maybe", "no");
    let (status, page) = preview(&app, "organisations", file.as_bytes()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let errors = page.texts(".import-errors li");
    assert_eq!(errors.len(), 4, "{errors:?}");
    assert!(
        errors.iter().all(|e| e.starts_with("Line 3 · ")),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.contains("slug") && e.contains("Slug"))
    );
    assert!(errors.iter().any(|e| e.contains("website")));
    assert_eq!(page.count(".import-confirm"), 0, "nothing to confirm");
    assert_eq!(page.attrs("#csv", "name").len(), 1);
    assert!(page.text("#csv").contains("Bad Slug"), "the input is kept");
    assert_eq!(history_count(&app).await, before, "nothing written");
    let count: i64 =
        sqlx::query_scalar("SELECT count(*) FROM organisations WHERE slug LIKE 'good-%'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(count, 0);

    // A slug twice, an unknown column, a short line, a file that is not UTF-8, no file.
    for (file, expected) in [
        (
            "name,slug,kind\nA,same,company\nB,same,company\n".as_bytes(),
            "Line 3 · slug: The same slug is already on line 2.",
        ),
        (
            "name,slug,password\nA,a,x\n".as_bytes(),
            "Line 1 · password: There is no column “password” in this list",
        ),
        (
            "name,slug,kind\nA,a\n".as_bytes(),
            "Line 2: This line does not have",
        ),
        (
            "name,kind\nA,company\n".as_bytes(),
            "Line 1: The file needs a slug column",
        ),
        ("name,slug\n".as_bytes(), "Line 1: The file has no rows."),
    ] {
        let (status, page) = preview(&app, "organisations", file).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{expected}");
        let errors = page.texts(".import-errors li");
        assert!(errors[0].starts_with(expected), "{errors:?}");
    }
    let (status, page) = preview(&app, "organisations", b"name,slug\n\xff\xfe,x\n").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.text("main").contains("not UTF-8"));
    // Without the CSRF token: refused. Quotes cannot be imported.
    let response = post_import(&app, "organisations", &[], Some(file.as_bytes())).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.get("/admin/quotes/import").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(history_count(&app).await, before, "nothing written");
}

/// Preview an import of `rows` for `entity`: valid, `entries` unchanged, nothing to write.
async fn assert_import_changes_nothing(
    app: &TestApp,
    entity: &str,
    rows: &[Vec<String>],
    entries: usize,
) {
    let (status, page) = preview(app, entity, &to_csv(rows)).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{entity}: {:?}",
        page.texts(".import-errors li")
    );
    assert_eq!(
        page.text(".import-preview [role=status]"),
        format!("0 new, 0 changed, {entries} unchanged"),
        "{entity}"
    );
    assert_eq!(
        page.count(".import-confirm"),
        0,
        "{entity}: nothing to write"
    );
}

#[tokio::test]
async fn export_then_import_round_trips_with_no_changes() {
    let app = TestApp::spawn_logged_in().await;
    let before = history_count(&app).await;
    for (entity, entries) in [("organisations", 11), ("people", 4), ("booths", 7)] {
        let rows = export(&app, &format!("/admin/{entity}/export.csv")).await;
        assert_import_changes_nothing(&app, entity, &rows, entries).await;
    }
    assert_eq!(history_count(&app).await, before);
}

#[tokio::test]
async fn formulas_are_exported_as_text_and_read_back_as_written() {
    let app = TestApp::spawn_logged_in().await;
    // A translator's text that a spreadsheet would run, and one that already starts with a quote.
    let role =
        r#"{"en": "=HYPERLINK(\"http://evil.example\",\"click\")", "zh": "'=1+1", "ur": "-5"}"#;
    sqlx::query("UPDATE people SET role = $1::jsonb WHERE slug = 'moin-ul-haque'")
        .bind(role)
        .execute(&app.db)
        .await
        .unwrap();
    let before = history_count(&app).await;
    let rows = export(&app, "/admin/people/export.csv").await;
    let slug = column(&rows, "slug")
        .iter()
        .position(|s| *s == "moin-ul-haque")
        .unwrap();
    assert_eq!(
        column(&rows, "role")[slug],
        r#"'=HYPERLINK("http://evil.example","click")"#
    );
    assert_eq!(column(&rows, "role.zh")[slug], "''=1+1");
    assert_eq!(column(&rows, "role.ur")[slug], "'-5");
    // The same file imported changes nothing: the quotes are read back off.
    assert_import_changes_nothing(&app, "people", &rows, 4).await;
    assert_eq!(history_count(&app).await, before);
}

#[tokio::test]
async fn a_changed_row_shows_its_diff_and_confirming_writes_the_file_in_one_go() {
    let app = TestApp::spawn_logged_in().await;
    let mut rows = export(&app, "/admin/people/export.csv").await;
    let header = rows[0].clone();
    let at = |name: &str| header.iter().position(|c| c == name).unwrap();
    let qadir = rows
        .iter()
        .position(|row| row[at("slug")] == "ghulam-qadir")
        .unwrap();
    rows[qadir][at("role")] = "Commercial Counsellor".to_owned();
    let mut new_person = vec![String::new(); header.len()];
    new_person[at("name")] = "Ayesha Khan".to_owned();
    new_person[at("name.ur")] = "عائشہ خان".to_owned();
    new_person[at("slug")] = "ayesha-khan".to_owned();
    new_person[at("organisation_id")] = "nlc".to_owned();
    rows.push(new_person);
    let file = to_csv(&rows);
    let (status, page) = preview(&app, "people", &file).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{:?}",
        page.texts(".import-errors li")
    );
    assert_eq!(
        page.text(".import-preview [role=status]"),
        "1 new, 1 changed, 3 unchanged"
    );
    assert_eq!(page.count(".import-changed tbody tr"), 1);
    let cells = page.texts(".import-changed tbody tr > *");
    assert_eq!(
        cells[..3],
        [
            (qadir + 1).to_string(),
            "ghulam-qadir".into(),
            "Role".into()
        ]
    );
    assert!(cells[3].starts_with("Commercial Councilor of Pakistan embassy Beijing"));
    assert!(cells[4].starts_with("Commercial Counsellor ·"), "{cells:?}");
    assert_eq!(
        page.texts(".import-created tbody tr > *"),
        [
            rows.len().to_string(),
            "ayesha-khan".into(),
            "Ayesha Khan".into()
        ]
    );
    assert_eq!(
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM people WHERE slug = 'ayesha-khan'")
            .fetch_one(&app.db)
            .await
            .unwrap(),
        0,
        "a preview writes nothing"
    );

    // Confirm: the preview's form posts the file again.
    let confirm = |page: &Page| -> Vec<(String, String)> {
        ["csrf_token", "csv", "basis", "confirm"]
            .iter()
            .map(|name| {
                (
                    (*name).to_owned(),
                    page.attrs(&format!(".import-confirm input[name={name}]"), "value")[0].clone(),
                )
            })
            .collect()
    };
    let fields = confirm(&page);
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();

    // Someone changes a person the file names in between: shown again, nothing written.
    sqlx::query("UPDATE people SET photo_url = 'https://example.org/q.jpg', version = version + 1 WHERE slug = 'ghulam-qadir'")
        .execute(&app.db)
        .await
        .unwrap();
    let response = post_import(&app, "people", &borrowed, None).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let page = Page::parse(&response.text().await.unwrap());
    assert!(
        page.text("#import-notice")
            .contains("changed since the preview")
    );
    let fields = confirm(&page);
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let before = history_count(&app).await;
    let response = post_import(&app, "people", &borrowed, None).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(crate::helpers::location(&response), "/admin/people");
    let list = app.page("/admin/people", StatusCode::OK).await;
    assert_eq!(list.text(".flash"), "Imported: 1 new, 1 changed.");
    let (role, photo): (String, Option<String>) = sqlx::query_as(
        "SELECT role->>'en', photo_url::text FROM people WHERE slug = 'ghulam-qadir'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(role, "Commercial Counsellor");
    assert_eq!(
        photo, None,
        "the file's value, as the second preview showed"
    );
    let (name, published, organisation): (serde_json::Value, bool, String) = sqlx::query_as(
        "SELECT p.name, p.published, o.slug::text FROM people p JOIN organisations o ON o.id = p.organisation_id
         WHERE p.slug = 'ayesha-khan'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(
        name,
        serde_json::json!({"en": "Ayesha Khan", "ur": "عائشہ خان"})
    );
    assert!(
        !published,
        "a new entry is a draft unless the file says published"
    );
    assert_eq!(organisation, "nlc");
    let recorded: Vec<String> = sqlx::query_scalar(
        "SELECT h.action FROM history h JOIN admins a ON a.id = h.admin_id ORDER BY h.id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(recorded, ["create", "update"]);
    assert_eq!(history_count(&app).await, before + 2);
}
