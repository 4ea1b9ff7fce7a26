//! Migrations build the store from nothing, and running them again changes nothing.

use crate::helpers::empty_database;

async fn counts(pool: &sqlx::PgPool) -> (i64, i64, i64, i64, i64) {
    sqlx::query_as(
        "SELECT (SELECT count(*) FROM _sqlx_migrations), (SELECT count(*) FROM people),
                (SELECT count(*) FROM organisations), (SELECT count(*) FROM agreement_parties),
                (SELECT count(*) FROM booths)",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn migrations_apply_to_an_empty_database_and_never_twice() {
    let (_name, pool) = empty_database().await;
    forum_portal::database::migrate(&pool).await.unwrap();
    let first = counts(&pool).await;
    assert_eq!(
        first.0 as usize,
        forum_portal::database::MIGRATOR.iter().count()
    );
    assert_eq!((first.1, first.2, first.3, first.4), (4, 11, 4, 7));

    forum_portal::database::migrate(&pool).await.unwrap();
    assert_eq!(counts(&pool).await, first, "a second run applied something");
}

#[tokio::test]
async fn the_schema_refuses_malformed_data() {
    let (_name, pool) = empty_database().await;
    forum_portal::database::migrate(&pool).await.unwrap();
    let rejected = [
        "INSERT INTO organisations (slug, name, kind) VALUES ('Bad Slug', '{\"en\":\"x\"}', 'company')",
        "INSERT INTO organisations (slug, name, kind) VALUES ('no-english', '{\"zh\":\"x\"}', 'company')",
        "INSERT INTO organisations (slug, name, kind) VALUES ('bad-kind', '{\"en\":\"x\"}', 'bank')",
        "INSERT INTO organisations (slug, name, kind) VALUES ('no-version', '{\"en\":\"x\",\"translated\":[\"zh\"]}', 'company')",
        "INSERT INTO organisations (slug, name, kind) VALUES ('no-original', '{\"en\":\"x\",\"translated\":[\"en\"]}', 'company')",
        "INSERT INTO organisations (slug, name, kind) VALUES ('bad-mark', '{\"en\":\"x\",\"zh\":\"y\",\"translated\":\"zh\"}', 'company')",
        "INSERT INTO organisations (slug, name, kind, website) VALUES ('js', '{\"en\":\"x\"}', 'company', 'javascript:alert(1)')",
        "INSERT INTO organisations (slug, name, kind) VALUES ('zbra', '{\"en\":\"duplicate\"}', 'company')",
        "DELETE FROM organisations WHERE slug = 'zbra'",
        "DELETE FROM people WHERE slug = 'khan-muhammad'",
    ];
    for statement in rejected {
        assert!(
            sqlx::query(statement).execute(&pool).await.is_err(),
            "accepted: {statement}"
        );
    }
}

/// The admin declares each entity once (`web::admin::spec`), and its SQL is derived from that
/// declaration: every declared column must exist, and every column of the table must be
/// declared, or be one the database keeps itself.
#[tokio::test]
async fn every_content_column_is_declared_once_in_the_admin_and_exists() {
    let (_name, pool) = empty_database().await;
    forum_portal::database::migrate(&pool).await.unwrap();
    const KEPT_BY_THE_DATABASE: [&str; 5] =
        ["id", "history_id", "version", "created_at", "updated_at"];
    for (table, declared) in forum_portal::web::admin::spec::declared_columns() {
        let columns: Vec<String> = sqlx::query_scalar(
            "SELECT column_name::text FROM information_schema.columns
             WHERE table_schema = 'public' AND table_name = $1",
        )
        .bind(table)
        .fetch_all(&pool)
        .await
        .unwrap();
        assert!(!columns.is_empty(), "no table {table}");
        for column in &declared {
            assert!(
                columns.iter().any(|c| c == column),
                "{table}.{column} is declared but not in the schema"
            );
        }
        for column in &columns {
            assert!(
                declared.contains(&column.as_str())
                    || KEPT_BY_THE_DATABASE.contains(&column.as_str())
                    // Written by a trigger from the booth's hall (migration 0015).
                    || (table == "booths" && column == "hall"),
                "{table}.{column} is in the schema but no admin field edits it"
            );
        }
    }
}
