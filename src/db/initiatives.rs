//! Initiatives the speakers named: Digital Pakistan, the corridors, the blueprint, ...

use serde::Deserialize;

use super::PersonRef;
use crate::domain::LocalizedText;

/// An initiative and who mentioned it.
#[derive(Debug, Clone, Deserialize)]
pub struct Initiative {
    pub slug: String,
    pub name: LocalizedText,
    pub description: Option<LocalizedText>,
    /// Who mentioned it, when that person is published.
    pub mentioned_by: Option<PersonRef>,
}

impl Initiative {
    /// The person who mentioned it, when published.
    pub fn mentioned_by(&self) -> Option<&PersonRef> {
        self.mentioned_by.as_ref()
    }
}
