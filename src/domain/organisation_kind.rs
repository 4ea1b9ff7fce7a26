//! What sort of body an organisation is.

use std::fmt;

/// The kinds the database allows (`organisations.kind` CHECK constraint).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OrganisationKind {
    Embassy,
    Company,
    Association,
    GovernmentAuthority,
    ResearchCentre,
    Other,
}

impl OrganisationKind {
    /// Every kind, in the order lists and filters show them.
    pub const ALL: [Self; 6] = [
        Self::Embassy,
        Self::GovernmentAuthority,
        Self::Company,
        Self::Association,
        Self::ResearchCentre,
        Self::Other,
    ];

    /// The value stored in the database and used in URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Embassy => "embassy",
            Self::Company => "company",
            Self::Association => "association",
            Self::GovernmentAuthority => "government_authority",
            Self::ResearchCentre => "research_centre",
            Self::Other => "other",
        }
    }

    /// Parse the stored or URL form.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == value.trim())
    }

    /// A heading for a group of organisations of this kind.
    pub fn label(self) -> &'static str {
        match self {
            Self::Embassy => "Embassies",
            Self::Company => "Companies",
            Self::Association => "Associations",
            Self::GovernmentAuthority => "Government authorities",
            Self::ResearchCentre => "Research centres",
            Self::Other => "Other organisations",
        }
    }

    /// The kind in a sentence ("a company").
    pub fn singular(self) -> &'static str {
        match self {
            Self::Embassy => "Embassy",
            Self::Company => "Company",
            Self::Association => "Association",
            Self::GovernmentAuthority => "Government authority",
            Self::ResearchCentre => "Research centre",
            Self::Other => "Organisation",
        }
    }
}

impl OrganisationKind {
    /// A heading for a group of this kind, in `lang`.
    pub fn plural_in(self, lang: impl crate::i18n::AsLang) -> &'static str {
        lang.as_lang()
            .t_opt(&format!("kind.{}.plural", self.as_str()))
            .unwrap_or_else(|| self.label())
    }

    /// The kind of one organisation, in `lang`.
    pub fn singular_in(self, lang: impl crate::i18n::AsLang) -> &'static str {
        lang.as_lang()
            .t_opt(&format!("kind.{}", self.as_str()))
            .unwrap_or_else(|| self.singular())
    }
}

impl fmt::Display for OrganisationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.singular())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_kind() {
        for kind in OrganisationKind::ALL {
            assert_eq!(OrganisationKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(OrganisationKind::parse("bank"), None);
    }
}
