//! The published changes the Atom feed lists, read from `history` (written by the triggers of
//! migration 0003).
//!
//! A change is listed when visitors could see it and still can:
//! - it created or updated an entry (seed rows are the starting point, not news; deletions
//!   are not listed, and neither is a save that changed nothing but the version);
//! - the entry still exists and is public now (published; a booth's organisation, a quote's
//!   speaker too), so an entry that is now a draft or deleted never appears;
//! - the entry was public right after the change (its snapshot says published; for a quote,
//!   its speaker's last snapshot before the change; for a booth, its organisation's), so an
//!   edit made to a draft never appears, even once the draft is published.
//!
//! Who made a change (the admin) is never read.

use serde::Deserialize;
use serde_json::Value;
use sqlx::PgExecutor;
use sqlx::types::Json;
use time::OffsetDateTime;

use crate::domain::LocalizedText;

/// One listed change.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Change {
    /// The history row's id.
    pub id: i64,
    /// The history's name of the table (`people`, `quotes`, `forum`, ...).
    pub entity: String,
    pub entity_id: i64,
    /// `create` or `update`.
    pub action: String,
    pub at: OffsetDateTime,
    pub before: Option<Value>,
    pub after: Option<Value>,
    /// The public page it shows on, language-neutral with its fragment (`/speakers/x`,
    /// `/#initiative-y`, `/`).
    pub path: String,
    /// What the entry is called now (a quote: its speaker's name).
    pub name: LocalizedText,
}

/// The statement of [`latest`]: `$1` how many. The newest history rows first (the primary
/// key, read backwards), each kept or skipped by the one branch of the lateral join its
/// entity selects, until `$1` are kept.
pub const LATEST_SQL: &str = "
    SELECT h.id, h.entity, h.entity_id, h.action, h.at, h.before, h.after, t.path, t.name
    FROM history h
    CROSS JOIN LATERAL (
        SELECT '/speakers/' || p.slug AS path, p.name FROM people p
         WHERE h.entity = 'people' AND p.id = h.entity_id AND p.published
           AND h.after @> '{\"published\": true}'
        UNION ALL
        SELECT '/organisations/' || o.slug, o.name FROM organisations o
         WHERE h.entity = 'organisations' AND o.id = h.entity_id AND o.published
           AND h.after @> '{\"published\": true}'
        UNION ALL
        SELECT '/agreements/' || a.slug, a.title FROM agreements a
         WHERE h.entity = 'agreements' AND a.id = h.entity_id AND a.published
           AND h.after @> '{\"published\": true}'
        UNION ALL
        SELECT '/exhibitors/' || b.slug, o.name
          FROM booths b JOIN organisations o ON o.id = b.organisation_id
         WHERE h.entity = 'booths' AND b.id = h.entity_id AND b.published AND o.published
           AND h.after @> '{\"published\": true}'
           AND COALESCE((SELECT oh.after @> '{\"published\": true}' FROM history oh
                          WHERE oh.entity = 'organisations'
                            AND oh.entity_id = (h.after ->> 'organisation_id')::bigint
                            AND oh.id < h.id AND oh.after IS NOT NULL
                          ORDER BY oh.id DESC LIMIT 1), false)
        UNION ALL
        SELECT '/speakers/' || p.slug, p.name
          FROM quotes q JOIN people p ON p.id = q.person_id
         WHERE h.entity = 'quotes' AND q.id = h.entity_id AND p.published
           AND COALESCE((SELECT ph.after @> '{\"published\": true}' FROM history ph
                          WHERE ph.entity = 'people'
                            AND ph.entity_id = (h.after ->> 'person_id')::bigint
                            AND ph.id < h.id AND ph.after IS NOT NULL
                          ORDER BY ph.id DESC LIMIT 1), false)
        UNION ALL
        SELECT '/#initiative-' || i.slug, i.name FROM initiatives i
         WHERE h.entity = 'initiatives' AND i.id = h.entity_id
        UNION ALL
        SELECT '/', f.title FROM forum f WHERE h.entity = 'forum'
    ) t
    WHERE h.action IN ('create', 'update')
      AND (h.action = 'create'
           OR (h.before - '{version,updated_at}'::text[])
              IS DISTINCT FROM (h.after - '{version,updated_at}'::text[]))
    ORDER BY h.id DESC
    LIMIT $1";

/// The newest `limit` listed changes, newest first.
pub async fn latest(db: impl PgExecutor<'_>, limit: i64) -> sqlx::Result<Vec<Change>> {
    sqlx::query_as(LATEST_SQL).bind(limit).fetch_all(db).await
}

/// Which of some organisations and people are public now.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Published {
    pub organisations: Vec<i64>,
    pub people: Vec<i64>,
}

/// Of the organisations `organisations` and people `people`, those that are published: a
/// change of a reference to a draft is no change visitors can see.
pub async fn published_among(
    db: impl PgExecutor<'_>,
    organisations: &[i64],
    people: &[i64],
) -> sqlx::Result<Published> {
    let Json(published) = sqlx::query_scalar(
        "SELECT json_build_object(
            'organisations', COALESCE((SELECT json_agg(id) FROM organisations
                                        WHERE published AND id = ANY($1)), '[]'),
            'people', COALESCE((SELECT json_agg(id) FROM people
                                 WHERE published AND id = ANY($2)), '[]'))",
    )
    .bind(organisations)
    .bind(people)
    .fetch_one(db)
    .await?;
    Ok(published)
}

/// When the forum's entry last changed: the feed's date when it lists nothing.
pub async fn forum_updated_at(db: impl PgExecutor<'_>) -> sqlx::Result<Option<OffsetDateTime>> {
    sqlx::query_scalar("SELECT updated_at FROM forum")
        .fetch_optional(db)
        .await
}
