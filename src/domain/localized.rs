//! Human-readable text that can exist in several languages.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A text field stored as `{"en": "...", "zh": "...", "ur": "..."}` (the `localized_text`
/// domain in the database, which guarantees a non-empty English version).
///
/// Queries read and write the whole object, so adding a language never changes a query;
/// pages pick the version they show.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LocalizedText(BTreeMap<String, String>);

impl LocalizedText {
    /// A text that exists only in English.
    pub fn english(text: impl Into<String>) -> Self {
        Self(BTreeMap::from([("en".to_owned(), text.into())]))
    }

    /// The English version (always present for values read from the database).
    pub fn en(&self) -> &str {
        self.0.get("en").map(String::as_str).unwrap_or_default()
    }

    /// The version in `language` (`"en"`, `"zh"`, `"ur"`), if an admin has entered one.
    pub fn get(&self, language: &str) -> Option<&str> {
        self.0
            .get(language)
            .map(String::as_str)
            .filter(|text| !text.trim().is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_database_shape() {
        let text: LocalizedText =
            serde_json::from_str(r#"{"en": "Beijing", "zh": "北京"}"#).unwrap();
        assert_eq!(text.en(), "Beijing");
        assert_eq!(text.get("zh"), Some("北京"));
        assert_eq!(text.get("ur"), None);
        assert_eq!(
            serde_json::to_string(&LocalizedText::english("x")).unwrap(),
            r#"{"en":"x"}"#
        );
    }
}

mod sql {
    //! Read and write a [`LocalizedText`] as the `jsonb` it is stored as.

    use sqlx::encode::IsNull;
    use sqlx::error::BoxDynError;
    use sqlx::postgres::{PgArgumentBuffer, PgTypeInfo, PgValueRef};
    use sqlx::types::Json;
    use sqlx::{Decode, Encode, Postgres, Type};

    use super::LocalizedText;

    impl Type<Postgres> for LocalizedText {
        fn type_info() -> PgTypeInfo {
            <Json<Self> as Type<Postgres>>::type_info()
        }

        fn compatible(ty: &PgTypeInfo) -> bool {
            <Json<Self> as Type<Postgres>>::compatible(ty)
        }
    }

    impl<'r> Decode<'r, Postgres> for LocalizedText {
        fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
            Ok(<Json<Self> as Decode<Postgres>>::decode(value)?.0)
        }
    }

    impl Encode<'_, Postgres> for LocalizedText {
        fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
            <Json<&Self> as Encode<Postgres>>::encode(Json(self), buf)
        }
    }
}
