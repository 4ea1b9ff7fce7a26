//! Saves made on an older version merge three ways: nothing the editor did not touch is
//! overwritten, and only fields both sides changed differently are put to the editor.

use reqwest::StatusCode;

use crate::helpers::{ADMIN_PASSWORD, Page, TestApp, location};

/// Two admins with the same entry's form open: `app` (the first) and the returned second.
async fn two_editors(app: &TestApp) -> TestApp {
    let other = app.other_client();
    other.create_admin("second@example.org").await;
    let response = other.log_in("second@example.org", ADMIN_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    other
}

async fn json(app: &TestApp, sql: &str, id: i64) -> serde_json::Value {
    sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn translations_added_meanwhile_survive_a_save_from_an_older_form() {
    let app = TestApp::spawn_logged_in().await;
    let other = two_editors(&app).await;
    let id = app.id_of("organisations", "netsol").await;
    let path = format!("/admin/organisations/{id}");
    // B opens the form; A then adds Chinese and Urdu names; B changes only the description.
    let stale = other.form_values(&path).await;
    let fresh = app.form_values(&path).await;
    let response = app
        .post_changed(
            &path,
            &fresh,
            &[("name.zh", "NETSOL 科技"), ("name.ur", "نیٹسول")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = other
        .post_changed(&path, &stale, &[("description", "A software company.")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "no conflict");
    assert_eq!(location(&response), path);

    let name = json(&app, "SELECT name FROM organisations WHERE id = $1", id).await;
    assert_eq!(
        (name["zh"].as_str(), name["ur"].as_str()),
        (Some("NETSOL 科技"), Some("نیٹسول"))
    );
    let description = json(
        &app,
        "SELECT description FROM organisations WHERE id = $1",
        id,
    )
    .await;
    assert_eq!(description["en"], "A software company.");
    let page = other.page(&path, StatusCode::OK).await;
    let flash = page.text(".flash");
    assert!(
        flash.contains("Someone had changed it meanwhile") && flash.contains("Name (Chinese"),
        "{flash}"
    );
}

#[tokio::test]
async fn only_fields_both_changed_are_conflicts_and_the_choices_made_are_saved() {
    let app = TestApp::spawn_logged_in().await;
    let other = two_editors(&app).await;
    let id = app.id_of("people", "xiaodong-zhang").await;
    let path = format!("/admin/people/{id}");
    let stale = other.form_values(&path).await;
    let fresh = app.form_values(&path).await;
    app.post_changed(
        &path,
        &fresh,
        &[("role", "President of ZBRA China"), ("position", "9")],
    )
    .await;

    // B changed the role too (a true conflict) and the biography (theirs untouched).
    let response = other
        .post_changed(
            &path,
            &stale,
            &[("role", "Chair, ZBRA China"), ("bio", "Leads ZBRA China.")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let page = Page::parse(&response.text().await.unwrap());
    assert_eq!(
        page.texts(".conflict tbody th"),
        ["Role (English)"],
        "only the role clashes"
    );
    assert_eq!(
        page.texts(".conflict tbody tr td")[..3],
        [
            "President, ZBRA China",
            "President of ZBRA China",
            "Chair, ZBRA China"
        ],
        "the original, theirs and yours"
    );
    // The form already holds the merge: their order, my biography, my role for now.
    assert_eq!(page.attrs("#field-position", "value"), ["9"]);
    assert_eq!(page.texts("#field-bio"), ["Leads ZBRA China."]);
    assert_eq!(page.attrs("#field-role", "value"), ["Chair, ZBRA China"]);
    let nothing_saved = json(&app, "SELECT role FROM people WHERE id = $1", id).await;
    assert_eq!(nothing_saved["en"], "President of ZBRA China");

    // Save the conflict form choosing the original role.
    let mut resolved = vec![("resolve.role".to_owned(), "original".to_owned())];
    let inputs = scraper::Selector::parse(
        "form#form input, form#form textarea, form#form select, input[form=form]",
    )
    .unwrap();
    let form = page.html.select(&inputs);
    for element in form {
        let value = element.value();
        let Some(name) = value.attr("name") else {
            continue;
        };
        if name.starts_with("resolve.") {
            continue;
        }
        let text = match value.name() {
            "textarea" => element.text().collect(),
            "select" => element
                .select(&scraper::Selector::parse("option[selected]").unwrap())
                .next()
                .and_then(|o| o.value().attr("value"))
                .unwrap_or_default()
                .to_owned(),
            _ if value.attr("type") == Some("checkbox") => {
                if value.attr("checked").is_none() {
                    continue;
                }
                "on".to_owned()
            }
            _ => value.attr("value").unwrap_or_default().to_owned(),
        };
        resolved.push((name.to_owned(), text));
    }
    let pairs: Vec<(&str, &str)> = resolved
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let response = other.post_form(&path, &pairs).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (role, bio, position): (serde_json::Value, serde_json::Value, i32) =
        sqlx::query_as("SELECT role, bio, position FROM people WHERE id = $1")
            .bind(id)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(role["en"], "President, ZBRA China", "the original chosen");
    assert_eq!(
        role["zh"], "ZBRA China 总裁",
        "the untouched translation kept"
    );
    assert_eq!(bio["en"], "Leads ZBRA China.");
    assert_eq!(position, 9);
}

#[tokio::test]
async fn a_resolved_form_meeting_yet_another_save_merges_again() {
    let app = TestApp::spawn_logged_in().await;
    let other = two_editors(&app).await;
    let id = app.id_of("organisations", "pia").await;
    let path = format!("/admin/organisations/{id}");
    let stale = other.form_values(&path).await;
    let fresh = app.form_values(&path).await;
    app.post_changed(&path, &fresh, &[("website", "https://a.example")])
        .await;
    let response = other
        .post_changed(&path, &stale, &[("website", "https://b.example")])
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    // Before B decides, A changes the description.
    let fresh = app.form_values(&path).await;
    app.post_changed(&path, &fresh, &[("description", "Flag carrier.")])
        .await;
    // B keeps their own website from the conflict form (which carries A's first version).
    let page = Page::parse(&response.text().await.unwrap());
    let version = page.attrs("form#form input[name=version]", "value")[0].clone();
    let base = page.attrs("input[name=merge_base]", "value")[0].clone();
    let mut pairs = stale.clone();
    pairs.retain(|(n, _)| n != "version" && n != "website");
    pairs.push(("version".into(), version));
    pairs.push(("merge_base".into(), base));
    pairs.push(("website".into(), "https://b.example".into()));
    pairs.push(("resolve.website".into(), "yours".into()));
    let borrowed: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let response = other.post_form(&path, &borrowed).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (website, description): (Option<String>, serde_json::Value) =
        sqlx::query_as("SELECT website, description FROM organisations WHERE id = $1")
            .bind(id)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(website.as_deref(), Some("https://b.example"));
    assert_eq!(
        description["en"], "Flag carrier.",
        "A's later change is not lost"
    );
}
