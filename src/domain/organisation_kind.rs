//! What sort of body an organisation is.

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
}

impl OrganisationKind {
    /// A heading for a group of this kind, in `lang` (the catalogues name every kind: a test
    /// checks).
    pub fn plural_in(self, lang: impl crate::i18n::AsLang) -> &'static str {
        lang.as_lang().t(&format!("kind.{}.plural", self.as_str()))
    }

    /// The kind of one organisation, in `lang`.
    pub fn singular_in(self, lang: impl crate::i18n::AsLang) -> &'static str {
        lang.as_lang().t(&format!("kind.{}", self.as_str()))
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

    #[test]
    fn every_kind_is_named_in_every_language() {
        for lang in crate::i18n::Lang::ALL {
            for kind in OrganisationKind::ALL {
                for key in [
                    format!("kind.{}", kind.as_str()),
                    format!("kind.{}.plural", kind.as_str()),
                ] {
                    assert!(lang.t_opt(&key).is_some(), "{lang}: no {key}");
                }
            }
        }
    }
}
