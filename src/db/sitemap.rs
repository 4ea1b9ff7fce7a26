//! What the sitemap lists: every published entry's page and when it last changed, in chunks
//! small enough for one sitemap file each (the protocol allows 50,000 addresses a file; each
//! entry has three, one per language).
//!
//! `lastmod` comes from the data: an entry's own `updated_at`, and that of the rows its page
//! shows as part of it (a speaker's quotes, a booth's organisation); a list's is the newest of
//! its published entries'; the home page's the newest of the forum's and everything it lists.
//! Times are written in UTC, `YYYY-MM-DDThh:mm:ssZ`.

use serde::Deserialize;
use sqlx::PgExecutor;
use sqlx::types::Json;

/// Entries a sitemap file lists (each with its three languages: 3,000 addresses, about
/// 1.5 MB).
pub const CHUNK: i64 = 1000;

/// One page in every language.
#[derive(Debug, Clone, Deserialize)]
pub struct Page {
    /// The language-neutral path (`/speakers/moin-ul-haque`).
    pub path: String,
    /// When it last changed (UTC, W3C datetime), if known.
    pub lastmod: Option<String>,
}

/// Every published entry with a page of its own, with its `lastmod`, numbered from 0 in a
/// stable order (kind, then id).
macro_rules! entry_pages {
    () => {
        "SELECT row_number() OVER (ORDER BY e.kind, e.id) - 1 AS n, e.path, e.lastmod
         FROM (
            SELECT 1 AS kind, p.id, '/speakers/' || p.slug AS path,
                   GREATEST(p.updated_at, (SELECT max(q.updated_at) FROM quotes q WHERE q.person_id = p.id))
                       AS lastmod
              FROM people p WHERE p.published
            UNION ALL
            SELECT 2, o.id, '/organisations/' || o.slug, o.updated_at
              FROM organisations o WHERE o.published
            UNION ALL
            SELECT 3, a.id, '/agreements/' || a.slug, a.updated_at
              FROM agreements a WHERE a.published
            UNION ALL
            SELECT 4, b.id, '/exhibitors/' || b.slug, GREATEST(b.updated_at, o.updated_at)
              FROM booths b JOIN organisations o ON o.id = b.organisation_id
             WHERE b.published AND o.published
         ) e"
    };
}

/// A W3C datetime in UTC of the `timestamptz` expression `$value`.
macro_rules! w3c_datetime {
    ($value:literal) => {
        concat!(
            "to_char(",
            $value,
            " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
        )
    };
}

/// The statement of [`chunks`].
pub const CHUNKS_SQL: &str = concat!(
    "SELECT COALESCE(json_agg(json_build_object('number', c.n, 'lastmod', ",
    w3c_datetime!("c.lastmod"),
    ") ORDER BY c.n), '[]')
     FROM (SELECT x.n / $1 + 1 AS n, max(x.lastmod) AS lastmod
             FROM (",
    entry_pages!(),
    ") x GROUP BY x.n / $1) c"
);

/// The sitemap's entry files, each with the newest `lastmod` of its entries (none when
/// nothing is published).
pub async fn chunks(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<Chunk>> {
    let Json(chunks) = sqlx::query_scalar(CHUNKS_SQL)
        .bind(CHUNK)
        .fetch_one(db)
        .await?;
    Ok(chunks)
}

/// One file of entries.
#[derive(Debug, Clone, Deserialize)]
pub struct Chunk {
    /// Its number, from 1.
    pub number: i64,
    pub lastmod: Option<String>,
}

/// The statement of [`entry_chunk`]: `$1` the chunk size, `$2` the chunk's number from 1.
pub const ENTRY_CHUNK_SQL: &str = concat!(
    "SELECT COALESCE(json_agg(json_build_object('path', x.path, 'lastmod', ",
    w3c_datetime!("x.lastmod"),
    ") ORDER BY x.n), '[]')
     FROM (",
    entry_pages!(),
    ") x WHERE x.n / $1 + 1 = $2"
);

/// How many entry files there are: a count of the published entries, far cheaper than
/// numbering them, so that an address past the last file costs no more than this.
pub async fn chunk_count(db: impl PgExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT ((SELECT count(*) FROM people WHERE published)
               + (SELECT count(*) FROM organisations WHERE published)
               + (SELECT count(*) FROM agreements WHERE published)
               + (SELECT count(*) FROM booths b JOIN organisations o ON o.id = b.organisation_id
                   WHERE b.published AND o.published)
               + $1 - 1) / $1",
    )
    .bind(CHUNK)
    .fetch_one(db)
    .await
}

/// The entries of file `number` (from 1); empty past the last.
pub async fn entry_chunk(db: impl PgExecutor<'_>, number: i64) -> sqlx::Result<Vec<Page>> {
    let Json(pages) = sqlx::query_scalar(ENTRY_CHUNK_SQL)
        .bind(CHUNK)
        .bind(number)
        .fetch_one(db)
        .await?;
    Ok(pages)
}

/// The statement of [`fixed_pages`].
pub const FIXED_PAGES_SQL: &str = concat!(
    "WITH l AS (SELECT
        (SELECT max(updated_at) FROM people WHERE published) AS speakers,
        (SELECT max(updated_at) FROM organisations WHERE published) AS organisations,
        (SELECT max(updated_at) FROM agreements WHERE published) AS agreements,
        (SELECT max(GREATEST(b.updated_at, o.updated_at))
           FROM booths b JOIN organisations o ON o.id = b.organisation_id
          WHERE b.published AND o.published) AS exhibitors,
        (SELECT max(updated_at) FROM initiatives) AS initiatives,
        (SELECT max(updated_at) FROM forum) AS forum)
     SELECT json_build_array(
        json_build_object('path', '/', 'lastmod', ",
    w3c_datetime!("GREATEST(l.forum, l.speakers, l.agreements, l.initiatives)"),
    "),
        json_build_object('path', '/speakers', 'lastmod', ",
    w3c_datetime!("l.speakers"),
    "),
        json_build_object('path', '/organisations', 'lastmod', ",
    w3c_datetime!("l.organisations"),
    "),
        json_build_object('path', '/agreements', 'lastmod', ",
    w3c_datetime!("l.agreements"),
    "),
        json_build_object('path', '/exhibitors', 'lastmod', ",
    w3c_datetime!("l.exhibitors"),
    "),
        json_build_object('path', '/api', 'lastmod', NULL))
     FROM l"
);

/// The home page, the lists (their first pages) and the API's page, with their `lastmod` (none
/// for the API's page, which no data dates).
pub async fn fixed_pages(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<Page>> {
    let Json(pages) = sqlx::query_scalar(FIXED_PAGES_SQL).fetch_one(db).await?;
    Ok(pages)
}
