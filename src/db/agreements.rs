//! Agreements (MOUs) signed at the forum, and their parties.

use serde::Deserialize;
use sqlx::PgExecutor;
use sqlx::types::Json;
use time::Date;

use super::sources::Source;
use super::{OrganisationRef, PersonRef};
use super::{PageNumber, Paged};
use crate::domain::LocalizedText;

/// An agreement with everything its list entry and page show.
#[derive(Debug, Clone, Deserialize)]
pub struct Agreement {
    pub id: i64,
    pub slug: String,
    pub title: LocalizedText,
    pub kind: LocalizedText,
    #[serde(with = "super::json_date::iso::option")]
    pub signed_on: Option<Date>,
    pub description: Option<LocalizedText>,
    pub establishes: Option<LocalizedText>,
    /// Who announced it, when that person is published.
    pub announced_by: Option<PersonRef>,
    pub source_id: Option<i64>,
    /// Its published parties, in the order the report names them.
    pub parties: Vec<OrganisationRef>,
}

impl Agreement {
    /// Who announced it, when that person is published.
    pub fn announced_by(&self) -> Option<&PersonRef> {
        self.announced_by.as_ref()
    }
}

/// The statement of [`list_published`]: `$1` the page size, `$2` the offset.
pub const AGREEMENTS_LIST_SQL: &str = concat!(
    "SELECT json_build_object('total', (SELECT count(*) FROM agreements WHERE published),
                'items', ",
    published_agreements_json!("$1", "$2"),
    ")"
);

/// One page of the published agreements, in the order the report names them.
pub async fn list_published(
    db: impl PgExecutor<'_>,
    page: PageNumber,
) -> sqlx::Result<Paged<Agreement>> {
    super::fetch_paged(db, AGREEMENTS_LIST_SQL, page).await
}

/// Everything an agreement's page shows.
#[derive(Debug, Clone, Deserialize)]
pub struct AgreementData {
    pub agreement: Agreement,
    /// Its signed documents (migration 0014), by language.
    #[serde(default)]
    pub documents: Documents,
    pub source: Option<Source>,
}

/// The statement of [`agreement_page`]: `$1` the slug, `$2` whether drafts are included.
pub const AGREEMENT_PAGE_SQL: &str = concat!(
    "SELECT json_build_object('agreement', ",
    agreement_json!("a"),
    ", 'documents', json_build_object('en', ",
    document_json!("a", "document_en_id"),
    ", 'zh', ",
    document_json!("a", "document_zh_id"),
    ", 'ur', ",
    document_json!("a", "document_ur_id"),
    "), 'source', ",
    source_json!("agreements", "a.id", "a"),
    ") FROM agreements a WHERE a.slug = $1 AND (a.published OR $2)"
);

/// An agreement's page by slug (a draft only when `visibility` allows), in one statement.
pub async fn agreement_page(
    db: impl PgExecutor<'_>,
    slug: &str,
    visibility: super::Visibility,
) -> sqlx::Result<Option<AgreementData>> {
    let page: Option<Json<AgreementData>> = sqlx::query_scalar(AGREEMENT_PAGE_SQL)
        .bind(slug)
        .bind(visibility.includes_drafts())
        .fetch_optional(db)
        .await?;
    Ok(page.map(|Json(page)| page))
}

/// An agreement's signed documents, one per language (each may be missing).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Documents {
    pub en: Option<super::media::Document>,
    pub zh: Option<super::media::Document>,
    pub ur: Option<super::media::Document>,
}

impl Documents {
    /// The documents there are, with their language, in the order en, zh, ur.
    pub fn present(&self) -> Vec<(crate::i18n::Lang, &super::media::Document)> {
        use crate::i18n::Lang;
        [
            (Lang::En, &self.en),
            (Lang::Zh, &self.zh),
            (Lang::Ur, &self.ur),
        ]
        .into_iter()
        .filter_map(|(lang, doc)| doc.as_ref().map(|doc| (lang, doc)))
        .collect()
    }
}
