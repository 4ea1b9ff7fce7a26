//! Generic storage for the admin's editable entities.
//!
//! Every content table is read and written as a JSON object of its columns: the admin's form
//! layer validates a JSON object, and these statements move it into and out of the table with
//! `jsonb_populate_record`, so values are always bound parameters and the SQL of each table is
//! a compile-time constant built by [`table_sql!`] from its column list.

use serde_json::{Map, Value};
use sqlx::PgExecutor;

/// The statements of one table.
#[derive(Debug)]
pub struct TableSql {
    /// `$1` id → the row as JSON (with an agreement's parties), if it exists.
    pub load: &'static str,
    /// `$1` search text, `$2` JSON containment filter, `$3` sort column, `$4` descending,
    /// `$5` a language code whose version some text lacks (or `''`) → (id, row).
    pub list: &'static str,
    /// `$1` JSON of the editable columns → new id.
    pub insert: &'static str,
    /// `$1` JSON of the editable columns, `$2` id, `$3` expected version → new version, if it matched.
    pub update: &'static str,
    /// `$1` id, `$2` expected version → rows deleted.
    pub delete: &'static str,
    /// `$1` a whole row as history kept it → inserted with its old id.
    pub restore: &'static str,
    /// `$1` id → current version, if the row exists.
    pub version: &'static str,
}

/// Build a table's [`TableSql`] from its name, its key column and its editable columns.
macro_rules! table_sql {
    ($table:literal, $key:literal, [$first:literal $(, $column:literal)*]) => {
        $crate::db::entities::TableSql {
            load: concat!(
                "SELECT history_snapshot('", $table, "', to_jsonb(t)) FROM ", $table, " t WHERE t.", $key, " = $1"
            ),
            list: concat!(
                "SELECT t.", $key, "::bigint AS id, history_snapshot('", $table, "', to_jsonb(t)) AS row FROM ", $table, " t
                 WHERE ($1 = '' OR strpos(lower(to_jsonb(t)::text), lower($1)) > 0) AND to_jsonb(t) @> $2
                   AND ($5 = '' OR EXISTS (SELECT 1 FROM jsonb_each(to_jsonb(t)) AS c
                        WHERE jsonb_typeof(c.value) = 'object' AND btrim(COALESCE(c.value ->> $5, '')) = ''))
                 ORDER BY
                   CASE WHEN $4 THEN CASE jsonb_typeof(to_jsonb(t) -> $3)
                        WHEN 'number' THEN lpad(to_jsonb(t) ->> $3, 20, '0')
                        WHEN 'object' THEN lower(to_jsonb(t) -> $3 ->> 'en')
                        ELSE lower(to_jsonb(t) ->> $3) END END DESC NULLS LAST,
                   CASE WHEN NOT $4 THEN CASE jsonb_typeof(to_jsonb(t) -> $3)
                        WHEN 'number' THEN lpad(to_jsonb(t) ->> $3, 20, '0')
                        WHEN 'object' THEN lower(to_jsonb(t) -> $3 ->> 'en')
                        ELSE lower(to_jsonb(t) ->> $3) END END ASC NULLS LAST,
                   t.", $key, "
                 LIMIT 1000"
            ),
            insert: concat!(
                "INSERT INTO ", $table, " (", $first $(, ", ", $column)*, ")
                 SELECT r.", $first $(, ", r.", $column)*, " FROM jsonb_populate_record(NULL::", $table, ", $1) r
                 RETURNING ", $key, "::bigint"
            ),
            update: concat!(
                "UPDATE ", $table, " t SET (", $first $(, ", ", $column)*, ", version, updated_at) =
                 (SELECT r.", $first $(, ", r.", $column)*, ", t.version + 1, now() FROM jsonb_populate_record(NULL::", $table, ", $1) r)
                 WHERE t.", $key, " = $2 AND t.version = $3
                 RETURNING t.version"
            ),
            delete: concat!("DELETE FROM ", $table, " WHERE ", $key, " = $1 AND version = $2"),
            restore: concat!(
                "INSERT INTO ", $table, " OVERRIDING SYSTEM VALUE SELECT * FROM jsonb_populate_record(NULL::", $table, ", $1)"
            ),
            version: concat!("SELECT version FROM ", $table, " WHERE ", $key, " = $1"),
        }
    };
}

/// The forum (one row, keyed by its constant `history_id`).
pub static FORUM: TableSql = table_sql!(
    "forum",
    "history_id",
    [
        "title",
        "subtitle",
        "held_on",
        "city",
        "summary",
        "fair_name",
        "fair_short_name",
        "fair_starts_on",
        "fair_ends_on"
    ]
);
/// Organisations.
pub static ORGANISATIONS: TableSql = table_sql!(
    "organisations",
    "id",
    [
        "slug",
        "name",
        "short_name",
        "country",
        "kind",
        "description",
        "website",
        "published"
    ]
);
/// People.
pub static PEOPLE: TableSql = table_sql!(
    "people",
    "id",
    [
        "slug",
        "name",
        "role",
        "organisation_id",
        "bio",
        "photo_url",
        "position",
        "published"
    ]
);
/// Quotes.
pub static QUOTES: TableSql = table_sql!("quotes", "id", ["person_id", "body", "kind", "position"]);
/// Agreements (their parties are written by [`replace_parties`]).
pub static AGREEMENTS: TableSql = table_sql!(
    "agreements",
    "id",
    [
        "slug",
        "title",
        "kind",
        "signed_on",
        "description",
        "establishes",
        "announced_by_id",
        "position",
        "published"
    ]
);
/// Booths.
pub static BOOTHS: TableSql = table_sql!(
    "booths",
    "id",
    [
        "slug",
        "organisation_id",
        "booth_label",
        "hall",
        "note",
        "position",
        "published"
    ]
);
/// Initiatives.
pub static INITIATIVES: TableSql = table_sql!(
    "initiatives",
    "id",
    ["slug", "name", "description", "mentioned_by_id", "position"]
);

/// A row as JSON, if it exists.
pub async fn load(
    db: impl PgExecutor<'_>,
    sql: &TableSql,
    id: i64,
) -> sqlx::Result<Option<Map<String, Value>>> {
    let row: Option<Value> = sqlx::query_scalar(sql.load)
        .bind(id)
        .fetch_optional(db)
        .await?;
    Ok(row.and_then(into_object))
}

/// Which rows a list shows and in what order.
#[derive(Debug, Clone, Default)]
pub struct ListQuery<'a> {
    /// Text anywhere in the row (`""`: any).
    pub search: &'a str,
    /// Column values the row must have.
    pub filter: Map<String, Value>,
    /// The column to sort by.
    pub sort: &'a str,
    pub descending: bool,
    /// A language code: only rows with a text that has no version in it (`""`: any).
    pub missing: &'a str,
}

/// Rows matching a search and filter, sorted.
pub async fn list(
    db: impl PgExecutor<'_>,
    sql: &TableSql,
    query: &ListQuery<'_>,
) -> sqlx::Result<Vec<(i64, Map<String, Value>)>> {
    let rows: Vec<(i64, Value)> = sqlx::query_as(sql.list)
        .bind(query.search)
        .bind(Value::Object(query.filter.clone()))
        .bind(query.sort)
        .bind(query.descending)
        .bind(query.missing)
        .fetch_all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, row)| into_object(row).map(|row| (id, row)))
        .collect())
}

/// Insert; the new id.
pub async fn insert(
    db: impl PgExecutor<'_>,
    sql: &TableSql,
    values: &Map<String, Value>,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(sql.insert)
        .bind(Value::Object(values.clone()))
        .fetch_one(db)
        .await
}

/// Update when the row still has `version`; the new version, or `None` when someone else
/// saved first (or the row is gone).
pub async fn update(
    db: impl PgExecutor<'_>,
    sql: &TableSql,
    id: i64,
    version: i32,
    values: &Map<String, Value>,
) -> sqlx::Result<Option<i32>> {
    sqlx::query_scalar(sql.update)
        .bind(Value::Object(values.clone()))
        .bind(id)
        .bind(version)
        .fetch_optional(db)
        .await
}

/// Delete when the row still has `version`; whether it was deleted.
pub async fn delete(
    db: impl PgExecutor<'_>,
    sql: &TableSql,
    id: i64,
    version: i32,
) -> sqlx::Result<bool> {
    let result = sqlx::query(sql.delete)
        .bind(id)
        .bind(version)
        .execute(db)
        .await?;
    Ok(result.rows_affected() == 1)
}

/// Put a deleted row back exactly as history kept it (same id).
pub async fn restore(
    db: impl PgExecutor<'_>,
    sql: &TableSql,
    row: &Map<String, Value>,
) -> sqlx::Result<()> {
    sqlx::query(sql.restore)
        .bind(Value::Object(row.clone()))
        .execute(db)
        .await?;
    Ok(())
}

/// The row's current version, if it exists.
pub async fn version(
    db: impl PgExecutor<'_>,
    sql: &TableSql,
    id: i64,
) -> sqlx::Result<Option<i32>> {
    sqlx::query_scalar(sql.version)
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Replace an agreement's parties with `organisation_ids`, in that order.
pub async fn replace_parties(
    db: &mut sqlx::PgConnection,
    agreement_id: i64,
    organisation_ids: &[i64],
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM agreement_parties WHERE agreement_id = $1")
        .bind(agreement_id)
        .execute(&mut *db)
        .await?;
    sqlx::query(
        "INSERT INTO agreement_parties (agreement_id, organisation_id, position)
         SELECT $1, organisation_id, position::int FROM unnest($2::bigint[]) WITH ORDINALITY AS p (organisation_id, position)",
    )
    .bind(agreement_id)
    .bind(organisation_ids)
    .execute(&mut *db)
    .await?;
    Ok(())
}

/// `(id, label)` choices for a reference field.
pub async fn choices(
    db: impl PgExecutor<'_>,
    table: ReferenceTable,
) -> sqlx::Result<Vec<(i64, String)>> {
    let sql = match table {
        ReferenceTable::Organisations => {
            "SELECT id, name->>'en' || COALESCE(' (' || short_name || ')', '') FROM organisations ORDER BY lower(name->>'en')"
        }
        ReferenceTable::People => "SELECT id, name->>'en' FROM people ORDER BY lower(name->>'en')",
    };
    sqlx::query_as(sql).fetch_all(db).await
}

/// Tables a field can point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferenceTable {
    Organisations,
    People,
}

/// What still points at an entry, which must be moved or deleted before it can go:
/// `(entity key, id, label)` for each.
pub async fn dependents(
    db: &mut sqlx::PgConnection,
    entity: &str,
    id: i64,
) -> sqlx::Result<Vec<(String, i64, String)>> {
    let queries: &[&str] = match entity {
        "organisations" => &[
            "SELECT 'people', id, name->>'en' FROM people WHERE organisation_id = $1",
            "SELECT 'agreements', a.id, a.title->>'en' FROM agreements a
              JOIN agreement_parties ap ON ap.agreement_id = a.id WHERE ap.organisation_id = $1",
            "SELECT 'booths', id, slug FROM booths WHERE organisation_id = $1",
        ],
        "people" => &[
            "SELECT 'quotes', id, left(body->>'en', 60) FROM quotes WHERE person_id = $1",
            "SELECT 'agreements', id, title->>'en' FROM agreements WHERE announced_by_id = $1",
            "SELECT 'initiatives', id, name->>'en' FROM initiatives WHERE mentioned_by_id = $1",
        ],
        _ => &[],
    };
    let mut found = Vec::new();
    for query in queries {
        let rows: Vec<(String, i64, String)> =
            sqlx::query_as(query).bind(id).fetch_all(&mut *db).await?;
        found.extend(rows);
    }
    Ok(found)
}

fn into_object(value: Value) -> Option<Map<String, Value>> {
    match value {
        Value::Object(map) => Some(map),
        _ => None,
    }
}
