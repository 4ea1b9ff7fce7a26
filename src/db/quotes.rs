//! What people said: their own words, or the report's account of them.

use sqlx::PgExecutor;

use crate::domain::LocalizedText;

/// One statement, word for word as the source gives it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Quote {
    pub body: LocalizedText,
    pub kind: String,
}

impl Quote {
    /// In the speaker's own words (in quotation marks in the source), rather than reported.
    pub fn is_direct(&self) -> bool {
        self.kind == "direct"
    }

    /// The paragraphs of the quote in `lang` (else English); the source separates them
    /// with blank lines.
    pub fn paragraphs(&self, lang: impl crate::i18n::AsLang) -> Vec<&str> {
        self.body.paragraphs(lang)
    }
}

/// A person's statements in the order they were made.
pub async fn for_person(db: impl PgExecutor<'_>, person_id: i64) -> sqlx::Result<Vec<Quote>> {
    sqlx::query_as("SELECT body, kind FROM quotes WHERE person_id = $1 ORDER BY position, id")
        .bind(person_id)
        .fetch_all(db)
        .await
}
