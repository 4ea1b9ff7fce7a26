//! What people said: their own words, or the report's account of them.

use serde::Deserialize;

use crate::domain::LocalizedText;

/// One statement, word for word as the source gives it.
#[derive(Debug, Clone, Deserialize)]
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
