//! Generic storage for the admin's editable entities.
//!
//! Every content table is read and written as a JSON object of its columns: the admin's form
//! layer validates a JSON object, and these statements move it into and out of the table with
//! `jsonb_populate_record`, so values are always bound parameters. The statements of a table
//! are built once, at first use, from the entity's own declaration (its table, key column and
//! the columns of its fields, in `web::admin::spec`): a column cannot be in a form but missing
//! from the statements, or the other way round. Only those declared identifiers ever go into
//! the SQL text; every value is a parameter.

use serde_json::{Map, Value};
use sqlx::PgExecutor;

/// The statements of one table.
#[derive(Debug)]
pub struct TableSql {
    /// `$1` id → the row as JSON (with an agreement's parties), if it exists.
    pub load: String,
    /// `$1` search text, `$2` JSON containment filter, `$3` sort column, `$4` descending,
    /// `$5` a language code whose version some text lacks (or `''`), `$6` the columns searched,
    /// `$7` limit, `$8` offset → (id, row, total rows matching).
    pub list: String,
    /// `$1` JSON of the editable columns → new id.
    pub insert: String,
    /// `$1` JSON of the editable columns, `$2` id, `$3` expected version → new version, if it matched.
    pub update: String,
    /// `$1` id, `$2` expected version → rows deleted.
    pub delete: String,
    /// `$1` a whole row as history kept it → inserted with its old id.
    pub restore: String,
    /// `$1` id → current version, if the row exists.
    pub version: String,
    /// `$1` id → current version, the row locked until the transaction ends (before its
    /// members are replaced).
    pub lock_version: String,
    /// `$1` id, `$2` expected version, `$3` published → new version, when the row had that
    /// version and was not already in that state (only for tables with `published`).
    pub set_published: String,
}

/// Whether `name` is a plain SQL identifier (the only thing spliced into statement text).
fn is_identifier(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

impl TableSql {
    /// The statements of `table`, keyed by `key`, whose editable columns are `columns`.
    ///
    /// # Panics
    /// When a name is not a plain identifier: they come from the code's own declarations,
    /// never from a request, so this is a programming error caught by the first test.
    pub fn new(table: &str, key: &str, columns: &[&str]) -> Self {
        assert!(
            [table, key].iter().chain(columns).all(|n| is_identifier(n)) && !columns.is_empty(),
            "entity declaration {table}: column names must be plain identifiers"
        );
        let list = columns.join(", ");
        let from_record = columns
            .iter()
            .map(|c| format!("r.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sort_key = "CASE jsonb_typeof(to_jsonb(t) -> $3)
                        WHEN 'number' THEN lpad(to_jsonb(t) ->> $3, 20, '0')
                        WHEN 'object' THEN lower(to_jsonb(t) -> $3 ->> 'en')
                        ELSE lower(to_jsonb(t) ->> $3) END";
        Self {
            load: format!(
                "SELECT history_snapshot('{table}', to_jsonb(t)) FROM {table} t WHERE t.{key} = $1"
            ),
            list: format!(
                "SELECT t.{key}::bigint AS id, history_snapshot('{table}', to_jsonb(t)) AS row,
                        count(*) OVER () AS total
                 FROM {table} t
                 WHERE ($1 = '' OR EXISTS (
                        SELECT 1 FROM jsonb_each(to_jsonb(t)) AS c
                        WHERE c.key = ANY($6) AND strpos(lower(
                            CASE jsonb_typeof(c.value)
                                WHEN 'object' THEN (SELECT string_agg(v.value, ' ') FROM jsonb_each_text(c.value - 'translated') AS v)
                                ELSE c.value #>> '{{}}' END), lower($1)) > 0))
                   AND history_snapshot('{table}', to_jsonb(t)) @> $2
                   AND ($5 = '' OR EXISTS (SELECT 1 FROM jsonb_each(to_jsonb(t)) AS c
                        WHERE jsonb_typeof(c.value) = 'object' AND btrim(COALESCE(c.value ->> $5, '')) = ''))
                 ORDER BY
                   CASE WHEN $4 THEN {sort_key} END DESC NULLS LAST,
                   CASE WHEN NOT $4 THEN {sort_key} END ASC NULLS LAST,
                   t.{key}
                 LIMIT $7 OFFSET $8"
            ),
            insert: format!(
                "INSERT INTO {table} ({list})
                 SELECT {from_record} FROM jsonb_populate_record(NULL::{table}, $1) r
                 RETURNING {key}::bigint"
            ),
            update: format!(
                "UPDATE {table} t SET ({list}, version, updated_at) =
                 (SELECT {from_record}, t.version + 1, now() FROM jsonb_populate_record(NULL::{table}, $1) r)
                 WHERE t.{key} = $2 AND t.version = $3
                 RETURNING t.version"
            ),
            delete: format!("DELETE FROM {table} WHERE {key} = $1 AND version = $2"),
            restore: format!(
                "INSERT INTO {table} OVERRIDING SYSTEM VALUE SELECT * FROM jsonb_populate_record(NULL::{table}, $1)"
            ),
            version: format!("SELECT version FROM {table} WHERE {key} = $1"),
            lock_version: format!("SELECT version FROM {table} WHERE {key} = $1 FOR UPDATE"),
            set_published: format!(
                "UPDATE {table} SET published = $3, version = version + 1, updated_at = now()
                 WHERE {key} = $1 AND version = $2 AND published IS DISTINCT FROM $3
                 RETURNING version"
            ),
        }
    }
}

/// A row as JSON, if it exists.
pub async fn load(
    db: impl PgExecutor<'_>,
    sql: &TableSql,
    id: i64,
) -> sqlx::Result<Option<Map<String, Value>>> {
    let row: Option<Value> = sqlx::query_scalar(&sql.load)
        .bind(id)
        .fetch_optional(db)
        .await?;
    Ok(row.and_then(into_object))
}

/// Which rows a list shows and in what order.
#[derive(Debug, Clone)]
pub struct ListQuery<'a> {
    /// Text in any language version of a searched column (`""`: any).
    pub search: &'a str,
    /// The columns the search looks in.
    pub searched: &'a [&'a str],
    /// Column values the row must have (JSON containment on the row as history keeps it, so
    /// `{"parties": [3]}` finds agreements with organisation 3 among their parties).
    pub filter: Map<String, Value>,
    /// The column to sort by.
    pub sort: &'a str,
    pub descending: bool,
    /// A language code: only rows with a text that has no version in it (`""`: any).
    pub missing: &'a str,
    /// How many rows at most, after skipping `offset`.
    pub limit: i64,
    pub offset: i64,
}

impl Default for ListQuery<'_> {
    fn default() -> Self {
        Self {
            search: "",
            searched: &[],
            filter: Map::new(),
            sort: "id",
            descending: false,
            missing: "",
            limit: i64::MAX,
            offset: 0,
        }
    }
}

/// One page of a list: its rows and how many rows match in all.
#[derive(Debug, Default)]
pub struct ListPage {
    pub rows: Vec<(i64, Map<String, Value>)>,
    pub total: i64,
}

/// Rows matching a search and filter, sorted, one page of them.
pub async fn list(
    db: impl PgExecutor<'_>,
    sql: &TableSql,
    query: &ListQuery<'_>,
) -> sqlx::Result<ListPage> {
    let searched: Vec<&str> = query.searched.to_vec();
    let rows: Vec<(i64, Value, i64)> = sqlx::query_as(&sql.list)
        .bind(query.search)
        .bind(Value::Object(query.filter.clone()))
        .bind(query.sort)
        .bind(query.descending)
        .bind(query.missing)
        .bind(searched)
        .bind(query.limit)
        .bind(query.offset)
        .fetch_all(db)
        .await?;
    let total = rows.first().map_or(0, |(_, _, total)| *total);
    Ok(ListPage {
        rows: rows
            .into_iter()
            .filter_map(|(id, row, _)| into_object(row).map(|row| (id, row)))
            .collect(),
        total,
    })
}

/// Insert; the new id.
pub async fn insert(
    db: impl PgExecutor<'_>,
    sql: &TableSql,
    values: &Map<String, Value>,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(&sql.insert)
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
    sqlx::query_scalar(&sql.update)
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
    let result = sqlx::query(&sql.delete)
        .bind(id)
        .bind(version)
        .execute(db)
        .await?;
    Ok(result.rows_affected() == 1)
}

/// Publish (or hold back as a draft) when the row still has `version`; the new version, or
/// `None` when it changed meanwhile, is gone, or already was in that state.
pub async fn set_published(
    db: impl PgExecutor<'_>,
    sql: &TableSql,
    id: i64,
    version: i32,
    published: bool,
) -> sqlx::Result<Option<i32>> {
    sqlx::query_scalar(&sql.set_published)
        .bind(id)
        .bind(version)
        .bind(published)
        .fetch_optional(db)
        .await
}

/// Put a deleted row back exactly as history kept it (same id).
pub async fn restore(
    db: impl PgExecutor<'_>,
    sql: &TableSql,
    row: &Map<String, Value>,
) -> sqlx::Result<()> {
    sqlx::query(&sql.restore)
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
    sqlx::query_scalar(&sql.version)
        .bind(id)
        .fetch_optional(db)
        .await
}

/// The row's current version, locked until the transaction ends, if it exists.
pub async fn lock_version(
    db: impl PgExecutor<'_>,
    sql: &TableSql,
    id: i64,
) -> sqlx::Result<Option<i32>> {
    sqlx::query_scalar(&sql.lock_version)
        .bind(id)
        .fetch_optional(db)
        .await
}

/// The statements that empty and fill the member list of an entry of `entity` (`$1` its id,
/// `$2` the member ids in order), if it has one.
fn member_statements(entity: &str) -> Option<(&'static str, &'static str)> {
    match entity {
        "agreements" => Some((
            "DELETE FROM agreement_parties WHERE agreement_id = $1",
            "INSERT INTO agreement_parties (agreement_id, organisation_id, position)
             SELECT $1, organisation_id, position::int FROM unnest($2::bigint[]) WITH ORDINALITY AS p (organisation_id, position)",
        )),
        "programme_items" => Some((
            "DELETE FROM programme_speakers WHERE item_id = $1",
            "INSERT INTO programme_speakers (item_id, person_id, position)
             SELECT $1, person_id, position::int FROM unnest($2::bigint[]) WITH ORDINALITY AS p (person_id, position)",
        )),
        _ => None,
    }
}

/// Replace the members of an entry of `entity` (an agreement's parties, a programme item's
/// speakers) with `ids`, in that order; nothing for an entity without members.
pub async fn replace_members(
    db: &mut sqlx::PgConnection,
    entity: &str,
    id: i64,
    ids: &[i64],
) -> sqlx::Result<()> {
    let Some((delete, insert)) = member_statements(entity) else {
        return Ok(());
    };
    sqlx::query(delete).bind(id).execute(&mut *db).await?;
    sqlx::query(insert)
        .bind(id)
        .bind(ids)
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
        ReferenceTable::Sources => {
            "SELECT id, publisher || ', ' || published_on::text FROM sources ORDER BY published_on DESC, id"
        }
        ReferenceTable::Halls => {
            "SELECT id, name->>'en' FROM halls ORDER BY position, lower(name->>'en'), id"
        }
    };
    sqlx::query_as(sql).fetch_all(db).await
}

/// `(id, slug)` of every entry of a table references point at.
pub async fn slugs(
    db: impl PgExecutor<'_>,
    table: ReferenceTable,
) -> sqlx::Result<Vec<(i64, String)>> {
    let sql = match table {
        ReferenceTable::Organisations => "SELECT id, slug::text FROM organisations ORDER BY id",
        ReferenceTable::People => "SELECT id, slug::text FROM people ORDER BY id",
        ReferenceTable::Sources => "SELECT id, slug::text FROM sources ORDER BY id",
        ReferenceTable::Halls => "SELECT id, slug::text FROM halls ORDER BY id",
    };
    sqlx::query_as(sql).fetch_all(db).await
}

/// Tables a field can point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferenceTable {
    Organisations,
    People,
    Sources,
    /// The halls of the fair (a booth's place on the floor plan).
    Halls,
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
            "SELECT 'programme_items', i.id, i.title->>'en' FROM programme_items i
              JOIN programme_speakers ps ON ps.item_id = i.id WHERE ps.person_id = $1",
        ],
        "halls" => &["SELECT 'booths', id, slug FROM booths WHERE hall_id = $1"],
        "sources" => &[
            "SELECT 'forum', 1::bigint, title->>'en' FROM forum WHERE source_id = $1",
            "SELECT 'organisations', id, name->>'en' FROM organisations WHERE source_id = $1",
            "SELECT 'people', id, name->>'en' FROM people WHERE source_id = $1",
            "SELECT 'quotes', id, left(body->>'en', 60) FROM quotes WHERE source_id = $1",
            "SELECT 'agreements', id, title->>'en' FROM agreements WHERE source_id = $1",
            "SELECT 'booths', id, slug FROM booths WHERE source_id = $1",
            "SELECT 'initiatives', id, name->>'en' FROM initiatives WHERE source_id = $1",
            "SELECT 'programme_items', id, title->>'en' FROM programme_items WHERE source_id = $1",
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
