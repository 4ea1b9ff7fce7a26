//! Synthetic entries for load tests (`forum-portal demo-data --scale N`), written set-based
//! (`INSERT … SELECT generate_series`) into a database of their own.
//!
//! Every synthetic row points at one source, `demo-data`, which says the entries are not real,
//! and every history row their triggers write carries [`HISTORY_NOTE`], so a refill removes
//! exactly what an earlier fill wrote. A database demo-data may fill carries a marker table,
//! [`MARKER_TABLE`], created here (never by a migration): a database that holds the forum
//! without it is someone's real portal and is refused.

use sqlx::{PgConnection, PgExecutor};

/// The table that marks a database as made by demo-data (not part of the schema's migrations).
pub const MARKER_TABLE: &str = "demo_data_marker";

/// The slug of the source every synthetic entry names.
pub const SOURCE_SLUG: &str = "demo-data";

/// The note on every history row written while filling or clearing synthetic entries.
pub const HISTORY_NOTE: &str = "demo-data: synthetic entries for load tests";

/// How many synthetic entries of each kind a database holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// People (one quote each, one organisation each).
    pub people: i64,
    /// Organisations.
    pub organisations: i64,
    /// Agreements.
    pub agreements: i64,
    /// Parties of those agreements (two each once there are two organisations).
    pub agreement_parties: i64,
    /// Exhibitor booths (one per organisation).
    pub booths: i64,
    /// Quotes.
    pub quotes: i64,
    /// Initiatives (one per ten people).
    pub initiatives: i64,
}

/// What the current database is, as far as demo-data is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Made by demo-data (it has the marker): may be filled again.
    Demo,
    /// Holds the forum's tables without the marker: a real portal's database, never touched.
    Portal,
    /// Has tables or functions of its own, but not the forum's: not ours to fill.
    Other,
    /// Nothing in it yet.
    Empty,
}

/// Tell what the current database is (see [`Kind`]).
pub async fn kind(db: &mut PgConnection) -> sqlx::Result<Kind> {
    let (marked, forum): (bool, bool) = sqlx::query_as(
        "SELECT to_regclass('public.' || quote_ident($1)) IS NOT NULL,
                to_regclass('public.forum') IS NOT NULL",
    )
    .bind(MARKER_TABLE)
    .fetch_one(&mut *db)
    .await?;
    Ok(if marked {
        Kind::Demo
    } else if forum {
        Kind::Portal
    } else if super::maintenance::has_user_objects(&mut *db).await? {
        Kind::Other
    } else {
        Kind::Empty
    })
}

/// Mark the current database as made by demo-data (idempotent).
pub async fn mark(db: &mut PgConnection) -> sqlx::Result<()> {
    // A fixed name: nothing from outside reaches this statement.
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS demo_data_marker (
             only_row    boolean PRIMARY KEY DEFAULT true CHECK (only_row),
             note        text NOT NULL,
             created_at  timestamptz NOT NULL DEFAULT now(),
             filled_at   timestamptz,
             scale       integer
         )",
    )
    .execute(&mut *db)
    .await?;
    sqlx::query(
        "INSERT INTO demo_data_marker (note) VALUES ($1) ON CONFLICT (only_row) DO NOTHING",
    )
    .bind("Made by `forum-portal demo-data`: synthetic entries only; demo-data may refill it.")
    .execute(&mut *db)
    .await?;
    Ok(())
}

/// The content tables synthetic entries live in, children first (every reference is
/// ON DELETE RESTRICT; an agreement's parties cascade): how to switch their history triggers
/// off and on, and how to delete the entries of the source `$1`.
const TABLES: [(&str, &str, &str); 7] = [
    (
        "ALTER TABLE initiatives DISABLE TRIGGER USER",
        "DELETE FROM initiatives WHERE source_id = $1",
        "ALTER TABLE initiatives ENABLE TRIGGER USER",
    ),
    (
        "ALTER TABLE quotes DISABLE TRIGGER USER",
        "DELETE FROM quotes WHERE source_id = $1",
        "ALTER TABLE quotes ENABLE TRIGGER USER",
    ),
    (
        "ALTER TABLE agreements DISABLE TRIGGER USER",
        "DELETE FROM agreements WHERE source_id = $1",
        "ALTER TABLE agreements ENABLE TRIGGER USER",
    ),
    (
        "ALTER TABLE booths DISABLE TRIGGER USER",
        "DELETE FROM booths WHERE source_id = $1",
        "ALTER TABLE booths ENABLE TRIGGER USER",
    ),
    (
        "ALTER TABLE people DISABLE TRIGGER USER",
        "DELETE FROM people WHERE source_id = $1",
        "ALTER TABLE people ENABLE TRIGGER USER",
    ),
    (
        "ALTER TABLE organisations DISABLE TRIGGER USER",
        "DELETE FROM organisations WHERE source_id = $1",
        "ALTER TABLE organisations ENABLE TRIGGER USER",
    ),
    (
        "ALTER TABLE sources DISABLE TRIGGER USER",
        "DELETE FROM sources WHERE id = $1",
        "ALTER TABLE sources ENABLE TRIGGER USER",
    ),
];

/// Remove the synthetic entries of an earlier fill, and the history rows written for them.
/// Run inside the transaction of [`fill`]. The history triggers are off meanwhile (a deleted
/// row's trigger looks up its last history row, which takes milliseconds a row once there
/// are thousands): nothing of a synthetic entry is worth keeping.
pub async fn clear(tx: &mut PgConnection) -> sqlx::Result<()> {
    let source: Option<i64> = sqlx::query_scalar("SELECT id FROM sources WHERE slug = $1")
        .bind(SOURCE_SLUG)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(source) = source else {
        return Ok(());
    };
    // The triggers come back before the fill (ALTER TABLE is transactional, and holds its
    // lock until the commit). Foreign keys stay checked.
    for (disable, _, _) in TABLES {
        sqlx::raw_sql(disable).execute(&mut *tx).await?;
    }
    for (_, delete, _) in TABLES {
        sqlx::query(delete).bind(source).execute(&mut *tx).await?;
    }
    for (_, _, enable) in TABLES {
        sqlx::raw_sql(enable).execute(&mut *tx).await?;
    }
    sqlx::query("DELETE FROM history WHERE note = $1")
        .bind(HISTORY_NOTE)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

async fn set_history_note(tx: &mut PgConnection) -> sqlx::Result<()> {
    sqlx::query("SELECT set_config('portal.history_note', $1, true)")
        .bind(HISTORY_NOTE)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Write `scale` synthetic people, organisations, agreements (two parties each), booths and
/// quotes, and `scale / 10` initiatives (at least one), all published, named in English,
/// Chinese and Urdu ("Demo Person 0042", "演示人物 0042", "نمونہ شخص 0042"). Run inside a
/// transaction, after [`clear`].
pub async fn fill(tx: &mut PgConnection, scale: u32) -> sqlx::Result<Counts> {
    set_history_note(tx).await?;
    let scale = i32::try_from(scale.max(1)).unwrap_or(i32::MAX);
    // "0042": numbers as wide as the largest, at least four digits.
    let width = i32::try_from(scale.to_string().len().max(4)).unwrap_or(4);
    let source: i64 = sqlx::query_scalar(
        "INSERT INTO sources (slug, publisher, published_on, body)
         VALUES ($1, 'forum-portal demo-data (synthetic, not real)', current_date, $2)
         RETURNING id",
    )
    .bind(SOURCE_SLUG)
    .bind(format!(
        "Synthetic entries written by `forum-portal demo-data --scale {scale}` for load tests. \
         None of these people, organisations, agreements, booths, quotes or initiatives is real."
    ))
    .fetch_one(&mut *tx)
    .await?;

    sqlx::query(
        "INSERT INTO organisations (slug, name, country, kind, description, source_id, published)
         SELECT 'demo-organisation-' || n,
                jsonb_build_object('en', 'Demo Organisation ' || n, 'zh', '演示机构 ' || n,
                                   'ur', 'نمونہ ادارہ ' || n),
                CASE WHEN i % 2 = 0 THEN 'CN' ELSE 'PK' END,
                (ARRAY['company', 'association', 'research_centre', 'government_authority',
                       'embassy', 'other'])[1 + i % 6],
                jsonb_build_object(
                    'en', 'A synthetic organisation made for load tests; it does not exist.',
                    'zh', '为负载测试生成的虚构机构，并不存在。',
                    'ur', 'لوڈ ٹیسٹ کے لیے بنایا گیا فرضی ادارہ؛ یہ موجود نہیں۔'),
                $3, true
         FROM generate_series(1, $1) AS i, lpad(i::text, $2, '0') AS n
         ORDER BY i",
    )
    .bind(scale)
    .bind(width)
    .bind(source)
    .execute(&mut *tx)
    .await?;

    sqlx::query(
        "INSERT INTO people (slug, name, role, organisation_id, bio, position, source_id, published)
         SELECT 'demo-person-' || n,
                jsonb_build_object('en', 'Demo Person ' || n, 'zh', '演示人物 ' || n,
                                   'ur', 'نمونہ شخص ' || n),
                jsonb_build_object('en', 'Demo speaker', 'zh', '演示发言人', 'ur', 'نمونہ مقرر'),
                o.id,
                jsonb_build_object(
                    'en', 'A synthetic person made for load tests; not a real speaker.',
                    'zh', '为负载测试生成的虚构人物，并非真实发言人。',
                    'ur', 'لوڈ ٹیسٹ کے لیے بنایا گیا فرضی شخص؛ اصل مقرر نہیں۔'),
                1000 + i, $3, true
         FROM generate_series(1, $1) AS i
         CROSS JOIN LATERAL lpad(i::text, $2, '0') AS n
         JOIN organisations o ON o.slug = 'demo-organisation-' || n
         ORDER BY i",
    )
    .bind(scale)
    .bind(width)
    .bind(source)
    .execute(&mut *tx)
    .await?;

    sqlx::query(
        "INSERT INTO quotes (person_id, body, kind, position, source_id)
         SELECT p.id,
                jsonb_build_object(
                    'en', 'Demo quote ' || n || ': synthetic words for load tests, said by nobody.',
                    'zh', '演示引语 ' || n || '：为负载测试生成的虚构文字，无人说过。',
                    'ur', 'نمونہ اقتباس ' || n || ': لوڈ ٹیسٹ کے لیے فرضی الفاظ، کسی نے نہیں کہے۔'),
                'reported', 0, $3
         FROM generate_series(1, $1) AS i
         CROSS JOIN LATERAL lpad(i::text, $2, '0') AS n
         JOIN people p ON p.slug = 'demo-person-' || n
         ORDER BY i",
    )
    .bind(scale)
    .bind(width)
    .bind(source)
    .execute(&mut *tx)
    .await?;

    sqlx::query(
        "INSERT INTO agreements (slug, title, kind, signed_on, description, announced_by_id,
                                 position, source_id, published)
         SELECT 'demo-agreement-' || n,
                jsonb_build_object('en', 'Demo Agreement ' || n, 'zh', '演示协议 ' || n,
                                   'ur', 'نمونہ معاہدہ ' || n),
                jsonb_build_object('en', 'Demo memorandum', 'zh', '演示备忘录',
                                   'ur', 'نمونہ یادداشت'),
                DATE '2023-09-05',
                jsonb_build_object(
                    'en', 'A synthetic agreement made for load tests; never signed.',
                    'zh', '为负载测试生成的虚构协议，从未签署。',
                    'ur', 'لوڈ ٹیسٹ کے لیے بنایا گیا فرضی معاہدہ؛ کبھی دستخط نہیں ہوا۔'),
                p.id, 1000 + i, $3, true
         FROM generate_series(1, $1) AS i
         CROSS JOIN LATERAL lpad(i::text, $2, '0') AS n
         JOIN people p ON p.slug = 'demo-person-' || n
         ORDER BY i",
    )
    .bind(scale)
    .bind(width)
    .bind(source)
    .execute(&mut *tx)
    .await?;

    // Agreement i: organisation i first, then organisation i + 1 (the last wraps to the first).
    sqlx::query(
        "INSERT INTO agreement_parties (agreement_id, organisation_id, position)
         SELECT a.id, o.id, party.position
         FROM generate_series(1, $1) AS i
         CROSS JOIN LATERAL (VALUES (1, i), (2, i % $1 + 1)) AS party (position, number)
         JOIN agreements a ON a.slug = 'demo-agreement-' || lpad(i::text, $2, '0')
         JOIN organisations o ON o.slug = 'demo-organisation-' || lpad(party.number::text, $2, '0')
         WHERE party.position = 1 OR $1 > 1
         ORDER BY i, party.position",
    )
    .bind(scale)
    .bind(width)
    .execute(&mut *tx)
    .await?;

    sqlx::query(
        "INSERT INTO booths (slug, organisation_id, booth_label, hall, note, position, source_id,
                             published)
         SELECT 'demo-booth-' || n, o.id, 'D-' || n, 'Demo hall',
                jsonb_build_object(
                    'en', 'A synthetic booth made for load tests.',
                    'zh', '为负载测试生成的虚构展位。',
                    'ur', 'لوڈ ٹیسٹ کے لیے بنایا گیا فرضی اسٹال۔'),
                1000 + i, $3, true
         FROM generate_series(1, $1) AS i
         CROSS JOIN LATERAL lpad(i::text, $2, '0') AS n
         JOIN organisations o ON o.slug = 'demo-organisation-' || n
         ORDER BY i",
    )
    .bind(scale)
    .bind(width)
    .bind(source)
    .execute(&mut *tx)
    .await?;

    sqlx::query(
        "INSERT INTO initiatives (slug, name, description, mentioned_by_id, position, source_id)
         SELECT 'demo-initiative-' || n,
                jsonb_build_object('en', 'Demo Initiative ' || n, 'zh', '演示倡议 ' || n,
                                   'ur', 'نمونہ منصوبہ ' || n),
                jsonb_build_object(
                    'en', 'A synthetic initiative made for load tests.',
                    'zh', '为负载测试生成的虚构倡议。',
                    'ur', 'لوڈ ٹیسٹ کے لیے بنایا گیا فرضی منصوبہ۔'),
                p.id, 1000 + i, $3
         FROM generate_series(1, greatest($1 / 10, 1)) AS i
         CROSS JOIN LATERAL lpad(i::text, $2, '0') AS n
         JOIN people p ON p.slug = 'demo-person-' || n
         ORDER BY i",
    )
    .bind(scale)
    .bind(width)
    .bind(source)
    .execute(&mut *tx)
    .await?;

    sqlx::query("UPDATE demo_data_marker SET filled_at = now(), scale = $1")
        .bind(scale)
        .execute(&mut *tx)
        .await?;
    counts(&mut *tx).await
}

/// How many synthetic entries of each kind the current database holds.
pub async fn counts(db: impl PgExecutor<'_>) -> sqlx::Result<Counts> {
    let row: (i64, i64, i64, i64, i64, i64, i64) = sqlx::query_as(
        "WITH source AS (SELECT id FROM sources WHERE slug = $1)
         SELECT (SELECT count(*) FROM people WHERE source_id IN (SELECT id FROM source)),
                (SELECT count(*) FROM organisations WHERE source_id IN (SELECT id FROM source)),
                (SELECT count(*) FROM agreements WHERE source_id IN (SELECT id FROM source)),
                (SELECT count(*) FROM agreement_parties ap JOIN agreements a ON a.id = ap.agreement_id
                  WHERE a.source_id IN (SELECT id FROM source)),
                (SELECT count(*) FROM booths WHERE source_id IN (SELECT id FROM source)),
                (SELECT count(*) FROM quotes WHERE source_id IN (SELECT id FROM source)),
                (SELECT count(*) FROM initiatives WHERE source_id IN (SELECT id FROM source))",
    )
    .bind(SOURCE_SLUG)
    .fetch_one(db)
    .await?;
    Ok(Counts {
        people: row.0,
        organisations: row.1,
        agreements: row.2,
        agreement_parties: row.3,
        booths: row.4,
        quotes: row.5,
        initiatives: row.6,
    })
}
