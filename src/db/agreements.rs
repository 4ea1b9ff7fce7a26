//! Agreements (MOUs) signed at the forum, and their parties.

use std::collections::HashMap;

use sqlx::{PgConnection, PgExecutor};
use time::Date;

use super::{OrganisationRef, PersonRef};
use crate::domain::LocalizedText;

/// An agreement with everything its list entry and page show.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Agreement {
    pub id: i64,
    pub slug: String,
    pub title: LocalizedText,
    pub kind: LocalizedText,
    pub signed_on: Option<Date>,
    pub description: Option<LocalizedText>,
    pub establishes: Option<LocalizedText>,
    pub announced_by_slug: Option<String>,
    pub announced_by_name: Option<LocalizedText>,
    pub source_id: Option<i64>,
    #[sqlx(skip)]
    pub parties: Vec<OrganisationRef>,
}

impl Agreement {
    /// Who announced it, when that person is published.
    pub fn announced_by(&self) -> Option<PersonRef> {
        Some(PersonRef {
            slug: self.announced_by_slug.clone()?,
            name: self.announced_by_name.clone()?,
        })
    }
}

/// The agreement query's head; callers append conditions with `concat!` and bind `$1`:
/// whether drafts are included.
macro_rules! agreement_select {
    () => {
        "SELECT a.id, a.slug, a.title, a.kind, a.signed_on, a.description, a.establishes, a.source_id,
                p.slug AS announced_by_slug, p.name AS announced_by_name
         FROM agreements a
         LEFT JOIN people p ON p.id = a.announced_by_id AND p.published
         WHERE (a.published OR $1)"
    };
}

/// Published agreements with their parties.
pub async fn list_published(db: &mut PgConnection) -> sqlx::Result<Vec<Agreement>> {
    let agreements = sqlx::query_as(concat!(agreement_select!(), " ORDER BY a.position, a.id"))
        .bind(false)
        .fetch_all(&mut *db)
        .await?;
    with_parties(db, agreements).await
}

/// Published agreements that `organisation_id` is a party to.
pub async fn list_for_organisation(
    db: &mut PgConnection,
    organisation_id: i64,
) -> sqlx::Result<Vec<Agreement>> {
    let agreements = sqlx::query_as(concat!(
        agreement_select!(),
        " AND EXISTS (SELECT 1 FROM agreement_parties ap WHERE ap.agreement_id = a.id AND ap.organisation_id = $2)
          ORDER BY a.position, a.id"
    ))
    .bind(false)
    .bind(organisation_id)
    .fetch_all(&mut *db)
    .await?;
    with_parties(db, agreements).await
}

/// Published agreements that `person_id` announced.
pub async fn list_announced_by(
    db: &mut PgConnection,
    person_id: i64,
) -> sqlx::Result<Vec<Agreement>> {
    let agreements = sqlx::query_as(concat!(
        agreement_select!(),
        " AND a.announced_by_id = $2 ORDER BY a.position, a.id"
    ))
    .bind(false)
    .bind(person_id)
    .fetch_all(&mut *db)
    .await?;
    with_parties(db, agreements).await
}

/// An agreement by slug (a draft only when `visibility` allows), with its parties.
pub async fn find(
    db: &mut PgConnection,
    slug: &str,
    visibility: super::Visibility,
) -> sqlx::Result<Option<Agreement>> {
    let agreement: Option<Agreement> =
        sqlx::query_as(concat!(agreement_select!(), " AND a.slug = $2"))
            .bind(visibility.includes_drafts())
            .bind(slug)
            .fetch_optional(&mut *db)
            .await?;
    match agreement {
        Some(agreement) => Ok(with_parties(db, vec![agreement]).await?.pop()),
        None => Ok(None),
    }
}

#[derive(sqlx::FromRow)]
struct PartyRow {
    agreement_id: i64,
    #[sqlx(flatten)]
    organisation: OrganisationRef,
}

/// Fill in each agreement's published parties, in order, with one query for all of them.
async fn with_parties(
    db: impl PgExecutor<'_>,
    mut agreements: Vec<Agreement>,
) -> sqlx::Result<Vec<Agreement>> {
    let ids: Vec<i64> = agreements.iter().map(|a| a.id).collect();
    let rows: Vec<PartyRow> = sqlx::query_as(
        "SELECT ap.agreement_id, o.slug, o.name, o.short_name
         FROM agreement_parties ap
         JOIN organisations o ON o.id = ap.organisation_id AND o.published
         WHERE ap.agreement_id = ANY($1)
         ORDER BY ap.agreement_id, ap.position",
    )
    .bind(&ids)
    .fetch_all(db)
    .await?;
    let mut by_agreement: HashMap<i64, Vec<OrganisationRef>> = HashMap::new();
    for row in rows {
        by_agreement
            .entry(row.agreement_id)
            .or_default()
            .push(row.organisation);
    }
    for agreement in &mut agreements {
        agreement.parties = by_agreement.remove(&agreement.id).unwrap_or_default();
    }
    Ok(agreements)
}
