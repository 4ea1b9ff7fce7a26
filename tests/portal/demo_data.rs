//! `forum-portal demo-data --scale N`: synthetic entries in three languages, in a database of
//! their own, that the public pages show — and never in a real portal's database.

use std::process::{Command, Stdio};

use forum_portal::db::demo_data::Counts;
use reqwest::StatusCode;

use crate::binary::BINARY;
use crate::helpers::{TestApp, cluster, empty_database, normalise, seeded_database};

fn counts(n: i64, initiatives: i64) -> Counts {
    Counts {
        people: n,
        organisations: n,
        agreements: n,
        agreement_parties: 2 * n,
        booths: n,
        quotes: n,
        initiatives,
    }
}

#[tokio::test]
async fn demo_data_fills_an_empty_database_in_three_languages_and_pages_show_it() {
    let (name, pool) = empty_database().await;
    let filled = forum_portal::demo_data::prepare_and_fill(&pool, 12)
        .await
        .expect("fill an empty database");
    assert_eq!(filled.counts, counts(12, 1));

    // Every synthetic name has its three versions, and says it is synthetic.
    let (names, zh, ur): (String, String, String) = sqlx::query_as(
        "SELECT name->>'en', name->>'zh', name->>'ur' FROM people WHERE slug = 'demo-person-0012'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        (names.as_str(), zh.as_str(), ur.as_str()),
        ("Demo Person 0012", "演示人物 0012", "نمونہ شخص 0012")
    );
    let incomplete: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM people p JOIN sources s ON s.id = p.source_id
                  WHERE s.slug = 'demo-data' AND NOT (p.name ? 'zh' AND p.name ? 'ur'))
              + (SELECT count(*) FROM organisations o JOIN sources s ON s.id = o.source_id
                  WHERE s.slug = 'demo-data' AND NOT (o.name ? 'zh' AND o.name ? 'ur'))
              + (SELECT count(*) FROM agreements a JOIN sources s ON s.id = a.source_id
                  WHERE s.slug = 'demo-data' AND NOT (a.title ? 'zh' AND a.title ? 'ur'))",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(incomplete, 0);
    let source: String =
        sqlx::query_scalar("SELECT publisher || ' ' || body FROM sources WHERE slug = 'demo-data'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(
        source.contains("synthetic") && source.contains("not real"),
        "{source}"
    );

    // A second fill replaces the first, history included.
    let filled = forum_portal::demo_data::prepare_and_fill(&pool, 5)
        .await
        .expect("fill again");
    assert_eq!(filled.counts, counts(5, 1));
    let left: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM history WHERE entity = 'people' AND after->>'slug' LIKE 'demo-person-%'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(left, 5, "history keeps only the current fill's entries");

    // The public pages show them, in each language, next to the seeded forum.
    let app = TestApp::spawn_with_pool(name, pool).await;
    for (path, expected) in [
        ("/speakers/demo-person-0003", "Demo Person 0003"),
        ("/zh/speakers/demo-person-0003", "演示人物 0003"),
        ("/ur/speakers/demo-person-0003", "نمونہ شخص 0003"),
        (
            "/organisations/demo-organisation-0002",
            "Demo Organisation 0002",
        ),
        ("/ur/organisations", "نمونہ ادارہ 0005"),
        ("/agreements/demo-agreement-0004", "Demo Agreement 0004"),
        ("/zh/agreements/demo-agreement-0004", "演示协议 0004"),
        ("/exhibitors/demo-booth-0001", "Demo Organisation 0001"),
        ("/speakers", "Demo Person 0005"),
        ("/", "Moin ul Haque"),
    ] {
        let page = app.page(path, StatusCode::OK).await;
        let text = normalise(&page.text("main"));
        assert!(
            text.contains(expected),
            "{path}: {expected:?} not in {text}"
        );
    }
    // An agreement names both its parties.
    let page = app
        .page("/agreements/demo-agreement-0005", StatusCode::OK)
        .await;
    let text = page.text("main");
    assert!(
        text.contains("Demo Organisation 0005") && text.contains("Demo Organisation 0001"),
        "{text}"
    );
}

#[tokio::test]
async fn demo_data_refuses_a_database_that_holds_the_forum_or_anything_else() {
    let (_, seeded) = seeded_database().await;
    let error = forum_portal::demo_data::prepare_and_fill(&seeded, 3)
        .await
        .expect_err("a seeded portal database is refused");
    assert!(error.to_string().contains("refusing"), "{error:#}");
    let synthetic: i64 = sqlx::query_scalar("SELECT count(*) FROM people WHERE slug LIKE 'demo-%'")
        .fetch_one(&seeded)
        .await
        .unwrap();
    assert_eq!(synthetic, 0);

    let (_, other) = empty_database().await;
    sqlx::raw_sql("CREATE TABLE invoices (id int)")
        .execute(&other)
        .await
        .unwrap();
    let error = forum_portal::demo_data::prepare_and_fill(&other, 3)
        .await
        .expect_err("a database with tables of its own is refused");
    assert!(error.to_string().contains("refusing"), "{error:#}");
}

/// `forum-portal demo-data` with DATABASE_URL: one sentence and a failure for a real portal's
/// database; a fill and the counts for an empty one.
#[tokio::test]
async fn the_demo_data_command_refuses_the_seeded_database() {
    let socket = cluster().cluster_dir().to_owned();
    let run = move |database: &str| {
        Command::new(BINARY)
            .args(["demo-data", "--scale", "4"])
            .env(
                "DATABASE_URL",
                forum_portal::demo_data::socket_url(&socket, database),
            )
            .env("RUST_LOG", "error")
            .stdin(Stdio::null())
            .output()
            .expect("run demo-data")
    };
    let (seeded, _) = seeded_database().await;
    let output = tokio::task::spawn_blocking({
        let run = run.clone();
        move || run(&seeded)
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(
        stderr.contains("refusing to fill this database"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");

    let (empty, _) = empty_database().await;
    let output = tokio::task::spawn_blocking(move || run(&empty))
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains(
            "4 people, 4 organisations, 4 agreements (8 parties), 4 booths, 4 quotes, 1 initiatives"
        ),
        "{stdout}"
    );
}
