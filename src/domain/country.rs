//! Countries, stored as ISO 3166-1 alpha-2 codes.

/// A country as the database stores it (`PK`, `CN`, ...); its names are in the catalogues.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Country(String);

impl Country {
    /// Parse a code from user input (a URL filter): two ASCII letters, any case.
    pub fn parse(code: &str) -> Option<Self> {
        let code = code.trim();
        (code.len() == 2 && code.bytes().all(|b| b.is_ascii_alphabetic()))
            .then(|| Self(code.to_ascii_uppercase()))
    }

    /// The ISO code, upper case.
    pub fn code(&self) -> &str {
        &self.0
    }

    /// The code in lower case, for URLs (`?country=pk`).
    pub fn query_value(&self) -> String {
        self.0.to_ascii_lowercase()
    }
}

impl Country {
    /// The country's name in `lang` (the code where the catalogues have no name).
    pub fn name_in(&self, lang: impl crate::i18n::AsLang) -> String {
        lang.as_lang()
            .t_opt(&format!("country.{}", self.0))
            .map_or_else(|| self.0.clone(), str::to_owned)
    }
}

impl From<String> for Country {
    fn from(code: String) -> Self {
        Self(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_codes_case_insensitively() {
        assert_eq!(Country::parse("pk").unwrap().code(), "PK");
        assert_eq!(
            Country::parse("PK").unwrap().name_in(crate::i18n::Lang::Ur),
            "پاکستان"
        );
        assert_eq!(
            Country::parse("fr").unwrap().name_in(crate::i18n::Lang::En),
            "FR"
        );
        assert!(Country::parse("pak").is_none());
        assert!(Country::parse("p1").is_none());
    }
}
