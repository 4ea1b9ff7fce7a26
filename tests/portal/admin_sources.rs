//! Sources are entries like the others: added and edited in the admin, picked on every entry
//! that has facts, and an entry edited after seeding says so beside its source.

use reqwest::StatusCode;

use crate::helpers::{TestApp, location};

#[tokio::test]
async fn an_admin_adds_a_source_picks_it_and_edited_entries_say_so_in_every_language() {
    let app = TestApp::spawn_logged_in().await;
    // The seeded report is a source, with its history.
    let list = app.page("/admin/sources", StatusCode::OK).await;
    assert_eq!(list.texts("tbody th a"), ["China Economic Net (CEN)"]);

    // Seeded entries show their source and no edit.
    for path in [
        "/speakers/ghulam-qadir",
        "/zh/speakers/ghulam-qadir",
        "/ur/speakers/ghulam-qadir",
    ] {
        let page = app.page(path, StatusCode::OK).await;
        assert!(
            page.text(".source-note:not(.source-note--translated)")
                .contains("China Economic Net")
        );
        assert_eq!(page.count(".source-note__edited"), 0, "{path}");
    }

    // Publishing or holding back an entry, or saving it unchanged, is no edit.
    let id = app.id_of("people", "ghulam-qadir").await;
    let path = format!("/admin/people/{id}");
    let form = app.form_values(&path).await;
    assert_eq!(
        app.post_changed(&path, &form, &[]).await.status(),
        StatusCode::SEE_OTHER
    );
    for published in [false, true] {
        sqlx::query(
            "UPDATE people SET published = $1, version = version + 1 WHERE slug = 'ghulam-qadir'",
        )
        .bind(published)
        .execute(&app.db)
        .await
        .unwrap();
    }
    let page = app.page("/speakers/ghulam-qadir", StatusCode::OK).await;
    assert_eq!(page.count(".source-note__edited"), 0);

    // A new source, with its text in paragraphs.
    let token = app.csrf_token("/admin/sources/new").await;
    let response = app
        .post_form(
            "/admin/sources/new",
            &[
                ("csrf_token", &token),
                ("publisher", "Embassy of Pakistan, Beijing"),
                ("slug", "embassy-2023-09-06"),
                ("published_on", "2023-09-06"),
                ("url", "https://example.org/press"),
                ("body", "First paragraph.\n\nSecond paragraph."),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let source: i64 =
        sqlx::query_scalar("SELECT id FROM sources WHERE slug = 'embassy-2023-09-06'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    let history = app
        .page(&format!("{}/history", location(&response)), StatusCode::OK)
        .await;
    assert!(history.text("main").contains("admin@example.org"));

    // Every entity with facts offers the source picker.
    for entity in [
        "forum/1",
        "organisations/new",
        "people/new",
        "quotes/new",
        "agreements/new",
        "booths/new",
        "initiatives/new",
    ] {
        let form = app.page(&format!("/admin/{entity}"), StatusCode::OK).await;
        let options = form.texts("select#field-source_id option");
        assert!(
            options
                .iter()
                .any(|o| o == "Embassy of Pakistan, Beijing, 2023-09-06"),
            "{entity}: {options:?}"
        );
    }

    // Pick it for a person: the public page credits it and says the entry was edited.
    let form = app.form_values(&path).await;
    let response = app
        .post_changed(&path, &form, &[("source_id", &source.to_string())])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    for (path, edited) in [
        ("/speakers/ghulam-qadir", "edited on "),
        ("/zh/speakers/ghulam-qadir", "编辑"),
        ("/ur/speakers/ghulam-qadir", "کو ترمیم کی گئی"),
    ] {
        let page = app.page(path, StatusCode::OK).await;
        let note = page.text(".source-note:not(.source-note--translated)");
        assert!(
            note.contains("Embassy of Pakistan, Beijing"),
            "{path}: {note}"
        );
        assert!(
            page.text(".source-note__edited").contains(edited),
            "{path}: {note}"
        );
    }
    assert_eq!(
        app.page("/speakers/moin-ul-haque", StatusCode::OK)
            .await
            .count(".source-note__edited"),
        0,
        "other entries are as seeded"
    );

    // A source something credits cannot be deleted; the delete page says what credits it.
    let delete = format!("/admin/sources/{source}/delete");
    let page = app.page(&delete, StatusCode::OK).await;
    assert!(
        page.text("main").contains("Ghulam Qadir"),
        "{}",
        page.text("main")
    );
    let version: i32 = sqlx::query_scalar("SELECT version FROM sources WHERE id = $1")
        .bind(source)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let version = version.to_string();
    let token = app.csrf_token("/admin/sources").await;
    let response = app
        .post_form(&delete, &[("csrf_token", &token), ("version", &version)])
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);

    // A bad date or address is a form error, as everywhere.
    let token = app.csrf_token("/admin/sources/new").await;
    let response = app
        .post_form(
            "/admin/sources/new",
            &[
                ("csrf_token", &token),
                ("publisher", "X"),
                ("slug", "x"),
                ("published_on", "5 September"),
                ("url", "javascript:alert(1)"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
