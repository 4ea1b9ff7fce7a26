//! Accounts and roles: every admin route for every role, a translator's crafted requests,
//! disabled and removed accounts, invitations, passwords and sessions, the audit log.

use reqwest::StatusCode;

use crate::helpers::{ADMIN_PASSWORD, Page, TestApp, location};

/// An account of `role` made straight in the database, and a client logged in as it.
pub async fn member(app: &TestApp, email: &str, role: &str) -> TestApp {
    let hash = forum_portal::auth::hash_password(ADMIN_PASSWORD.to_owned())
        .await
        .unwrap();
    let role = forum_portal::domain::Role::parse(role).unwrap();
    forum_portal::db::admins::create_with_role(&app.db, email, &hash, role)
        .await
        .unwrap();
    let client = app.other_client();
    let response = client.log_in(email, ADMIN_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "log in {email}");
    client
}

/// The text of the 403 page a role's refusal shows.
const ROLE_REFUSAL: &str = "Your role does not allow this";

#[derive(Clone, Copy, Debug)]
enum Least {
    Translator,
    Editor,
    Admin,
}

/// Every route the admin router declares (the first string of each `.route(` call).
fn declared_routes() -> Vec<String> {
    let source = include_str!("../../src/web/admin/mod.rs");
    source
        .split(".route(")
        .skip(1)
        .filter_map(|call| {
            let start = call.find('"')? + 1;
            let end = start + call[start..].find('"')?;
            Some(call[start..end].to_owned())
        })
        .filter(|route| route.starts_with("/admin"))
        .collect()
}

/// Routes open without a login (their own rules apply).
const OPEN_ROUTES: &[&str] = &[
    "/admin/login",
    "/admin/login/two-factor",
    "/admin/setup",
    "/admin/invite",
    "/admin/language",
];

#[tokio::test]
async fn every_admin_route_answers_each_role_as_the_matrix_says() {
    let app = TestApp::spawn_logged_in().await;
    let editor = member(&app, "editor@example.org", "editor").await;
    let translator = member(&app, "translator@example.org", "translator").await;
    let person = app.id_of("people", "moin-ul-haque").await;
    let history: i64 = sqlx::query_scalar(
        "SELECT id FROM history WHERE entity = 'people' AND entity_id = $1 ORDER BY id LIMIT 1",
    )
    .bind(person)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let p = format!("/admin/people/{person}");

    // (method, route as declared, path requested, form, least role).
    let get = |route: &str, path: String, least| ("GET", route.to_owned(), path, vec![], least);
    let post = |route: &str, path: String, form: Vec<(&'static str, &'static str)>, least| {
        ("POST", route.to_owned(), path, form, least)
    };
    let table = vec![
        get("/admin", "/admin".into(), Least::Translator),
        get("/admin/{entity}", "/admin/people".into(), Least::Translator),
        get(
            "/admin/{entity}/deleted",
            "/admin/people/deleted".into(),
            Least::Translator,
        ),
        get("/admin/{entity}/{id}", p.clone(), Least::Translator),
        get(
            "/admin/{entity}/{id}/history",
            format!("{p}/history"),
            Least::Translator,
        ),
        get(
            "/admin/{entity}/{id}/preview",
            format!("{p}/preview"),
            Least::Translator,
        ),
        get("/admin/account", "/admin/account".into(), Least::Translator),
        get(
            "/admin/account/two-factor",
            "/admin/account/two-factor".into(),
            Least::Translator,
        ),
        get(
            "/admin/account/two-factor/qr.svg",
            "/admin/account/two-factor/qr.svg".into(),
            Least::Translator,
        ),
        get(
            "/admin/account/two-factor/recovery-codes",
            "/admin/account/two-factor/recovery-codes".into(),
            Least::Translator,
        ),
        get(
            "/admin/{entity}/new",
            "/admin/people/new".into(),
            Least::Editor,
        ),
        get(
            "/admin/{entity}/{id}/delete",
            format!("{p}/delete"),
            Least::Editor,
        ),
        get(
            "/admin/{entity}/export.csv",
            "/admin/people/export.csv".into(),
            Least::Translator,
        ),
        get(
            "/admin/{entity}/import",
            "/admin/people/import".into(),
            Least::Editor,
        ),
        get("/admin/accounts", "/admin/accounts".into(), Least::Admin),
        get("/admin/audit", "/admin/audit".into(), Least::Admin),
        get(
            "/admin/accounts/{id}/remove",
            "/admin/accounts/999999/remove".into(),
            Least::Admin,
        ),
        // Saves: every role may post; a translator's is checked field by field (no version:
        // a 400 for everyone).
        post("/admin/{entity}/{id}", p.clone(), vec![], Least::Translator),
        post(
            "/admin/account/password",
            "/admin/account/password".into(),
            vec![("current_password", "wrong")],
            Least::Translator,
        ),
        post(
            "/admin/account/sessions/{id}/end",
            "/admin/account/sessions/999999/end".into(),
            vec![],
            Least::Translator,
        ),
        post(
            "/admin/account/two-factor/enable",
            "/admin/account/two-factor/enable".into(),
            vec![("code", "000000")],
            Least::Translator,
        ),
        post(
            "/admin/account/two-factor/recovery-codes",
            "/admin/account/two-factor/recovery-codes".into(),
            vec![],
            Least::Translator,
        ),
        post(
            "/admin/accounts/{id}/two-factor/reset",
            "/admin/accounts/999999/two-factor/reset".into(),
            vec![],
            Least::Admin,
        ),
        post(
            "/admin/account/two-factor/disable",
            "/admin/account/two-factor/disable".into(),
            vec![],
            Least::Translator,
        ),
        post(
            "/admin/{entity}/new",
            "/admin/people/new".into(),
            vec![],
            Least::Editor,
        ),
        post(
            "/admin/{entity}/{id}/delete",
            format!("{p}/delete"),
            vec![("version", "999")],
            Least::Editor,
        ),
        post(
            "/admin/{entity}/{id}/revert/{history_id}",
            format!("{p}/revert/{}", history + 1_000_000),
            vec![],
            Least::Editor,
        ),
        post(
            "/admin/{entity}/{id}/restore",
            format!("{p}/restore"),
            vec![],
            Least::Editor,
        ),
        post(
            "/admin/{entity}/bulk",
            "/admin/people/bulk".into(),
            vec![("action", "publish")],
            Least::Editor,
        ),
        post(
            "/admin/{entity}/import",
            "/admin/people/import".into(),
            vec![],
            Least::Editor,
        ),
        post(
            "/admin/accounts/invite",
            "/admin/accounts/invite".into(),
            vec![("role", "translator")],
            Least::Admin,
        ),
        post(
            "/admin/accounts/invites/{id}/revoke",
            "/admin/accounts/invites/999999/revoke".into(),
            vec![],
            Least::Admin,
        ),
        post(
            "/admin/accounts/two-factor",
            "/admin/accounts/two-factor".into(),
            vec![],
            Least::Admin,
        ),
        post(
            "/admin/accounts/{id}/role",
            "/admin/accounts/999999/role".into(),
            vec![("role", "editor")],
            Least::Admin,
        ),
        post(
            "/admin/accounts/{id}/disable",
            "/admin/accounts/999999/disable".into(),
            vec![],
            Least::Admin,
        ),
        post(
            "/admin/accounts/{id}/enable",
            "/admin/accounts/999999/enable".into(),
            vec![],
            Least::Admin,
        ),
        post(
            "/admin/accounts/{id}/remove",
            "/admin/accounts/999999/remove".into(),
            vec![],
            Least::Admin,
        ),
        // Uploads (issue 14): everyone sees, editors change.
        get(
            "/admin/{entity}/{id}/media",
            format!("{p}/media"),
            Least::Translator,
        ),
        post(
            "/admin/{entity}/{id}/media",
            format!("{p}/media"),
            vec![],
            Least::Editor,
        ),
        post(
            "/admin/{entity}/{id}/media/alt",
            format!("{p}/media/alt"),
            vec![("slot", "picture")],
            Least::Editor,
        ),
        post(
            "/admin/{entity}/{id}/media/remove",
            format!("{p}/media/remove"),
            vec![("slot", "picture")],
            Least::Editor,
        ),
        get(
            "/admin/forum-pictures",
            "/admin/forum-pictures".into(),
            Least::Translator,
        ),
        get(
            "/admin/media/{file}",
            "/admin/media/0000000000000000-128.jpg".into(),
            Least::Translator,
        ),
        post(
            "/admin/forum-pictures",
            "/admin/forum-pictures".into(),
            vec![],
            Least::Editor,
        ),
        post(
            "/admin/forum-pictures/{id}",
            "/admin/forum-pictures/999999".into(),
            vec![],
            Least::Editor,
        ),
        post(
            "/admin/forum-pictures/{id}/remove",
            "/admin/forum-pictures/999999/remove".into(),
            vec![],
            Least::Editor,
        ),
        // Logging out is everyone's; it is tried last, below.
    ];

    // The table covers every route the router declares.
    let covered: Vec<&str> = table
        .iter()
        .map(|(_, route, ..)| route.as_str())
        .chain(["/admin/logout"])
        .chain(OPEN_ROUTES.iter().copied())
        .collect();
    for route in declared_routes() {
        assert!(
            covered.contains(&route.as_str()),
            "{route} is not in the role matrix test"
        );
    }

    for (name, client, role) in [
        ("translator", &translator, Least::Translator),
        ("editor", &editor, Least::Editor),
        ("admin", &app, Least::Admin),
    ] {
        let token = client.csrf_token("/admin/account").await;
        for (method, route, path, form, least) in &table {
            let allowed = (role as u8) >= (*least as u8);
            let response = if *method == "GET" {
                client.get(path).await
            } else {
                let mut pairs = vec![("csrf_token", token.as_str())];
                pairs.extend(form.iter().copied());
                client.post_form(path, &pairs).await
            };
            let status = response.status();
            let to = location(&response);
            let body = response.text().await.unwrap_or_default();
            let what = format!("{name}: {method} {route} ({path}) answered {status}");
            if allowed {
                assert_ne!(status, StatusCode::FORBIDDEN, "{what}: {body}");
                assert!(!status.is_server_error(), "{what}");
                assert!(!to.starts_with("/admin/login"), "{what}: logged out");
            } else {
                assert_eq!(status, StatusCode::FORBIDDEN, "{what}");
                assert!(body.contains(ROLE_REFUSAL), "{what}: {body}");
            }
        }
        let response = client
            .post_form("/admin/logout", &[("csrf_token", &token)])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{name}: log out");
        assert_eq!(
            client.get("/admin").await.status(),
            StatusCode::SEE_OTHER,
            "{name}: logged out"
        );
    }
}

/// The form of `path` as a browser sends it: disabled inputs are not sent.
async fn browser_form(client: &TestApp, path: &str) -> Vec<(String, String)> {
    let page = Page::parse(&client.get(path).await.text().await.unwrap());
    let disabled: Vec<String> = page.attrs("form#form [disabled]", "name");
    client
        .form_values(path)
        .await
        .into_iter()
        .filter(|(name, _)| !disabled.contains(name))
        .collect()
}

async fn organisation(app: &TestApp, slug: &str) -> serde_json::Value {
    sqlx::query_scalar("SELECT to_jsonb(o) FROM organisations o WHERE slug = $1")
        .bind(slug)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_translator_changes_translations_and_nothing_else() {
    let app = TestApp::spawn_logged_in().await;
    let translator = member(&app, "translator@example.org", "translator").await;
    let id = app.id_of("organisations", "zbra").await;
    let path = format!("/admin/organisations/{id}");

    // The form shows every other input disabled, and no delete link.
    let page = translator.page(&path, StatusCode::OK).await;
    assert_eq!(page.attrs("#field-name[disabled]", "name"), ["name"]);
    assert_eq!(page.attrs("#field-slug[disabled]", "name"), ["slug"]);
    assert_eq!(page.count("#field-published[disabled]"), 1);
    assert_eq!(
        page.count("#field-name-zh[disabled], #field-name\\.zh[disabled]"),
        0
    );
    assert_eq!(page.count("a[href$='/delete']"), 0);
    assert_eq!(page.count(".locked-note"), 1);

    // What a browser sends: the Chinese name changes, nothing else.
    let before = organisation(&app, "zbra").await;
    let form = browser_form(&translator, &path).await;
    assert!(
        form.iter()
            .all(|(name, _)| name != "name" && name != "slug")
    );
    let response = translator
        .post_changed(&path, &form, &[("name.zh", "新名字")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let after = organisation(&app, "zbra").await;
    assert_eq!(after["name"]["zh"], "新名字");
    assert_eq!(after["name"]["en"], before["name"]["en"]);
    assert_eq!(after["slug"], before["slug"]);
    assert_eq!(after["published"], before["published"]);

    // Crafted requests: an English name, a slug, publishing or unpublishing, a conflict choice.
    let full = translator.form_values(&path).await;
    for changes in [
        vec![("name", "Renamed by a translator")],
        vec![("slug", "renamed")],
        vec![("name.zh", "又改"), ("website", "https://evil.example")],
        vec![("resolve.name", "yours")],
    ] {
        let response = translator.post_changed(&path, &full, &changes).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{changes:?}");
        assert_eq!(
            organisation(&app, "zbra").await,
            after,
            "{changes:?}: nothing saved"
        );
    }
    let mut unpublished = full.clone();
    unpublished.retain(|(name, _)| name != "published");
    let draft = app.id_of("people", "xiaodong-zhang").await;
    let person = format!("/admin/people/{draft}");
    // Publishing a draft by crafting the box.
    sqlx::query("UPDATE people SET published = false WHERE id = $1")
        .bind(draft)
        .execute(&app.db)
        .await
        .unwrap();
    let values = translator.form_values(&person).await;
    let response = translator
        .post_changed(&person, &values, &[("published", "on")])
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "publish");
    let published: bool = sqlx::query_scalar("SELECT published FROM people WHERE id = $1")
        .bind(draft)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(!published, "still a draft");

    // Deleting, reverting, restoring, creating: refused before anything happens.
    let token = translator.csrf_token("/admin/account").await;
    let version = after["version"].to_string();
    for path in [
        format!("{path}/delete"),
        format!("{path}/restore"),
        "/admin/organisations/new".to_owned(),
    ] {
        let response = translator
            .post_form(&path, &[("csrf_token", &token), ("version", &version)])
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(organisation(&app, "zbra").await, after);

    // The forum too: its Chinese title, and nothing else.
    let form = browser_form(&translator, "/admin/forum/1").await;
    let response = translator
        .post_changed("/admin/forum/1", &form, &[("title.zh", "译者改的标题")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (zh, city): (String, String) =
        sqlx::query_as("SELECT title->>'zh', city->>'en' FROM forum")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(zh, "译者改的标题");
    assert_eq!(city, "Beijing");
}

#[tokio::test]
async fn a_disabled_or_removed_account_is_refused_at_its_next_request() {
    let app = TestApp::spawn_logged_in().await;
    let editor = member(&app, "editor@example.org", "editor").await;
    let editor_id: i64 = sqlx::query_scalar("SELECT id FROM admins WHERE email = $1")
        .bind("editor@example.org")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(editor.get("/admin").await.status(), StatusCode::OK);

    let token = app.csrf_token("/admin/accounts").await;
    let response = app
        .post_form(
            &format!("/admin/accounts/{editor_id}/disable"),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    // The next request ends the session and says why.
    let response = editor.get("/admin/people").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/admin/login");
    let page = editor.page("/admin/login", StatusCode::OK).await;
    assert!(
        page.text(".flash").contains("disabled"),
        "{}",
        page.text(".flash")
    );
    assert_eq!(editor.get("/admin").await.status(), StatusCode::SEE_OTHER);
    // And it cannot log in (the right password is told why; a wrong one learns nothing).
    let response = editor.log_in("editor@example.org", ADMIN_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = editor.log_in("editor@example.org", "wrong password!").await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

    // Enabled again, it logs in; removed, its session ends at once.
    let response = app
        .post_form(
            &format!("/admin/accounts/{editor_id}/enable"),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = editor.log_in("editor@example.org", ADMIN_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(editor.get("/admin").await.status(), StatusCode::OK);
    let response = app
        .post_form(
            &format!("/admin/accounts/{editor_id}/remove"),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = editor.get("/admin").await;
    assert_eq!(location(&response), "/admin/login");

    // An admin cannot disable, demote or remove themselves.
    let me: i64 = sqlx::query_scalar("SELECT id FROM admins WHERE email = 'admin@example.org'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    for action in ["disable", "remove", "role"] {
        let response = app
            .post_form(
                &format!("/admin/accounts/{me}/{action}"),
                &[("csrf_token", &token), ("role", "translator")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{action}");
    }
    let (role, disabled): (String, bool) =
        sqlx::query_as("SELECT role, disabled_at IS NOT NULL FROM admins WHERE id = $1")
            .bind(me)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!((role.as_str(), disabled), ("admin", false));
    assert_eq!(app.get("/admin").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_role_change_applies_at_the_next_request() {
    let app = TestApp::spawn_logged_in().await;
    let editor = member(&app, "editor@example.org", "editor").await;
    assert_eq!(
        editor.get("/admin/people/new").await.status(),
        StatusCode::OK
    );
    let id: i64 = sqlx::query_scalar("SELECT id FROM admins WHERE email = 'editor@example.org'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let token = app.csrf_token("/admin/accounts").await;
    let response = app
        .post_form(
            &format!("/admin/accounts/{id}/role"),
            &[("csrf_token", &token), ("role", "translator")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        editor.get("/admin/people/new").await.status(),
        StatusCode::FORBIDDEN
    );
    let response = app
        .post_form(
            &format!("/admin/accounts/{id}/role"),
            &[("csrf_token", &token), ("role", "owner")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST, "not a role");
}

#[tokio::test]
async fn an_invitation_link_makes_one_account_with_its_role() {
    let app = TestApp::spawn_logged_in().await;
    let token = app.csrf_token("/admin/accounts").await;
    let response = app
        .post_form(
            "/admin/accounts/invite",
            &[("csrf_token", &token), ("role", "translator")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let page = app.page("/admin/accounts", StatusCode::OK).await;
    let link = page.text("#invite-link code");
    assert!(link.contains("/admin/invite?token="), "{link}");
    assert_eq!(page.count(".link-list li"), 1, "one pending invitation");
    // Shown once.
    let again = app.page("/admin/accounts", StatusCode::OK).await;
    assert_eq!(again.count("#invite-link"), 0);
    let stored: String = sqlx::query_scalar("SELECT token_hash FROM admin_invites")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let secret = link.split("token=").nth(1).unwrap();
    assert_ne!(stored, secret, "only the hash is kept");

    let path = link
        .split_once("/admin/invite")
        .map(|(_, rest)| format!("/admin/invite{rest}"))
        .unwrap();
    let invitee = app.other_client();
    let page = invitee.page(&path, StatusCode::OK).await;
    assert!(page.texts("main > p")[0].contains("Translator"));
    let form_token = page.attrs("input[name=csrf_token]", "value").remove(0);
    let send = |email: &'static str, password: &'static str| {
        let form_token = form_token.clone();
        let secret = secret.to_owned();
        let invitee = &invitee;
        async move {
            invitee
                .post_form(
                    "/admin/invite",
                    &[
                        ("csrf_token", &form_token),
                        ("token", &secret),
                        ("email", email),
                        ("password", password),
                        ("password_again", password),
                    ],
                )
                .await
        }
    };
    let response = send("new@example.org", "short").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = Page::parse(&response.text().await.unwrap());
    assert_eq!(page.attrs("#email", "value"), ["new@example.org"]);
    let response = send("admin@example.org", "a long enough password").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "taken");
    let response = send("new@example.org", "a long enough password").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(invitee.get("/admin").await.status(), StatusCode::OK);
    assert_eq!(
        invitee.get("/admin/people/new").await.status(),
        StatusCode::FORBIDDEN,
        "a translator"
    );
    // The link is used up.
    let response = app.other_client().get(&path).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);

    let actions: Vec<String> = sqlx::query_scalar("SELECT action FROM audit_log ORDER BY id")
        .fetch_all(&app.db)
        .await
        .unwrap();
    for action in ["invite", "invite_accepted"] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} in {actions:?}"
        );
    }
}

#[tokio::test]
async fn a_new_password_ends_every_other_session_and_sessions_can_be_ended() {
    let app = TestApp::spawn_logged_in().await;
    let laptop = app.other_client();
    laptop.log_in("admin@example.org", ADMIN_PASSWORD).await;
    let phone = app.other_client();
    phone.log_in("admin@example.org", ADMIN_PASSWORD).await;
    let page = app.page("/admin/account", StatusCode::OK).await;
    assert_eq!(page.count("tbody tr"), 3);
    assert_eq!(page.count("tbody tr .badge"), 1, "this session is marked");

    // Ending another session from this one.
    let row = scraper::Selector::parse("tbody tr").unwrap();
    let badge = scraper::Selector::parse(".badge").unwrap();
    let form = scraper::Selector::parse("form").unwrap();
    let other = page
        .html
        .select(&row)
        .find(|tr| tr.select(&badge).next().is_none())
        .and_then(|tr| tr.select(&form).next())
        .and_then(|f| f.value().attr("action"))
        .unwrap()
        .to_owned();
    let token = app.csrf_token("/admin/account").await;
    let response = app.post_form(&other, &[("csrf_token", &token)]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let mut still = 0;
    for client in [&laptop, &phone] {
        if client.get("/admin").await.status() == StatusCode::OK {
            still += 1;
        }
    }
    assert_eq!(still, 1, "one of the two other sessions was ended");
    assert_eq!(app.get("/admin").await.status(), StatusCode::OK);

    // A wrong current password changes nothing.
    let response = app
        .post_form(
            "/admin/account/password",
            &[
                ("csrf_token", &token),
                ("current_password", "not it at all"),
                ("password", "a brand new passphrase"),
                ("password_again", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = Page::parse(&response.text().await.unwrap());
    assert_eq!(page.count("#current_password[aria-invalid=true]"), 1);

    let response = app
        .post_form(
            "/admin/account/password",
            &[
                ("csrf_token", &token),
                ("current_password", ADMIN_PASSWORD),
                ("password", "a brand new passphrase"),
                ("password_again", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.get("/admin").await.status(),
        StatusCode::OK,
        "this one stays"
    );
    for client in [&laptop, &phone] {
        assert_eq!(client.get("/admin").await.status(), StatusCode::SEE_OTHER);
    }
    assert_eq!(
        laptop
            .log_in("admin@example.org", ADMIN_PASSWORD)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        laptop
            .log_in("admin@example.org", "a brand new passphrase")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn the_audit_log_records_who_did_what_from_where_and_cannot_be_forged() {
    let app = TestApp::spawn().await;
    app.create_admin("admin@example.org").await;
    let forged = "x@example.org\n2026-01-01 login admin@example.org <b>ok</b>";
    assert_eq!(
        app.log_in(forged, "wrong password!").await.status(),
        StatusCode::UNAUTHORIZED
    );
    app.log_in("admin@example.org", ADMIN_PASSWORD).await;
    let page = app.page("/admin/audit", StatusCode::OK).await;
    let rows = page.texts("tbody tr");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows[0].starts_with(&page.texts("tbody tr td")[0]));
    assert!(
        rows[0].contains("Logged in") && rows[0].contains("127.0.0.1"),
        "{}",
        rows[0]
    );
    assert!(rows[1].contains("Failed login"), "{}", rows[1]);
    assert_eq!(page.count("tbody b"), 0, "typed text is escaped");

    // Paginated, newest first.
    sqlx::query(
        "INSERT INTO audit_log (action, actor_email, address)
         SELECT 'logout', 'bulk' || n || '@example.org', '10.0.0.1' FROM generate_series(1, 120) n",
    )
    .execute(&app.db)
    .await
    .unwrap();
    let page = app.page("/admin/audit", StatusCode::OK).await;
    assert_eq!(page.count("tbody tr"), 50);
    assert!(page.texts("tbody tr")[0].contains("bulk120@example.org"));
    assert_eq!(page.attrs("a[rel=next]", "href"), ["/admin/audit?page=2"]);
    let last = app.page("/admin/audit?page=3", StatusCode::OK).await;
    assert_eq!(last.count("tbody tr"), 22);
    assert_eq!(last.count("a[rel=next]"), 0);
}
