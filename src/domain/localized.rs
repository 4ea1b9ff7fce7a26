//! Human-readable text that can exist in several languages.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

/// A text field stored as `{"en": "...", "zh": "...", "ur": "...", "translated": ["zh"]}`
/// (the `localized_text` domain in the database, which guarantees a non-empty English version
/// and a well-formed `translated` list).
///
/// `translated` names the versions that are translations rather than originals: pages say so,
/// and a translated quote is never shown as the speaker's own words.
///
/// Queries read and write the whole object, so adding a language never changes a query;
/// pages pick the version they show.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalizedText {
    #[serde(flatten)]
    versions: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    translated: BTreeSet<String>,
}

impl LocalizedText {
    /// A text that exists only in English.
    pub fn english(text: impl Into<String>) -> Self {
        Self {
            versions: BTreeMap::from([("en".to_owned(), text.into())]),
            translated: BTreeSet::new(),
        }
    }

    /// This text with a version in `lang`, marked as a translation when `translated`.
    pub fn with(mut self, lang: Lang, text: impl Into<String>, translated: bool) -> Self {
        self.versions.insert(lang.code().to_owned(), text.into());
        if translated {
            self.translated.insert(lang.code().to_owned());
        } else {
            self.translated.remove(lang.code());
        }
        self
    }

    /// The English version (always present for values read from the database).
    pub fn en(&self) -> &str {
        self.versions
            .get("en")
            .map(String::as_str)
            .unwrap_or_default()
    }

    /// The version in `language` (`"en"`, `"zh"`, `"ur"`), if an admin has entered one.
    pub fn get(&self, language: &str) -> Option<&str> {
        self.versions
            .get(language)
            .map(String::as_str)
            .filter(|text| !text.trim().is_empty())
    }

    /// Whether the version in `lang` exists and is a translation (not an original).
    pub fn is_translation(&self, lang: impl crate::i18n::AsLang) -> bool {
        let code = lang.as_lang().code();
        self.get(code).is_some() && self.translated.contains(code)
    }

    /// The language of the original: the first version (English first) that is not a
    /// translation.
    pub fn original_lang(&self) -> Lang {
        Lang::ALL
            .into_iter()
            .find(|lang| self.get(lang.code()).is_some() && !self.translated.contains(lang.code()))
            .unwrap_or(Lang::En)
    }

    /// The original version's text.
    pub fn original(&self) -> &str {
        self.get(self.original_lang().code())
            .unwrap_or_else(|| self.en())
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

    #[test]
    fn knows_which_versions_are_translations() {
        let text: LocalizedText = serde_json::from_str(
            r#"{"en": "Beijing", "zh": "北京", "ur": "بیجنگ", "translated": ["zh", "ur"]}"#,
        )
        .unwrap();
        assert!(text.is_translation(Lang::Zh) && text.is_translation(Lang::Ur));
        assert!(!text.is_translation(Lang::En));
        assert_eq!(
            (text.original_lang(), text.original()),
            (Lang::En, "Beijing")
        );
        assert_eq!(
            serde_json::to_value(&text).unwrap(),
            serde_json::json!({"en": "Beijing", "zh": "北京", "ur": "بیجنگ", "translated": ["ur", "zh"]})
        );
        let chinese_original = LocalizedText::english("Beijing")
            .with(Lang::Zh, "北京", false)
            .with(Lang::En, "Beijing", true);
        assert_eq!(chinese_original.original_lang(), Lang::Zh);
        assert!(chinese_original.is_translation(Lang::En));
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

mod display {
    //! Showing a [`LocalizedText`] in a page's language, with the English fallback marked.

    use std::borrow::Cow;
    use std::fmt;

    use super::LocalizedText;
    use crate::i18n::{AsLang, Lang};

    impl LocalizedText {
        /// The text to show in `lang`: its own version, else English.
        pub fn plain(&self, lang: impl AsLang) -> &str {
            self.get(lang.as_lang().code()).unwrap_or_else(|| self.en())
        }

        /// Whether `lang` has no version of its own, so English is shown instead.
        pub fn is_fallback(&self, lang: impl AsLang) -> bool {
            let lang = lang.as_lang();
            lang != Lang::En && self.get(lang.code()).is_none()
        }

        /// Descriptive text for a page in `lang`. A missing version shows the English one
        /// inside `lang="en"` with a visible "in English" marker.
        pub fn t(&self, lang: impl AsLang) -> Shown<'_> {
            let lang = lang.as_lang();
            Shown {
                text: Cow::Borrowed(self.plain(lang)),
                fallback: self.is_fallback(lang).then(|| lang.t("content.in_english")),
                isolate: false,
            }
        }

        /// A name for a page in `lang`: isolated with `<bdi>` so a Latin name never scrambles
        /// a right-to-left sentence; a missing version is marked `lang="en"` only (a name in
        /// Latin letters is not a translation that is missing).
        pub fn name(&self, lang: impl AsLang) -> Shown<'_> {
            let lang = lang.as_lang();
            let text = self.plain(lang);
            Shown::isolated(text, self.is_fallback(lang) || in_latin_letters(text, lang))
        }

        /// The paragraphs of the version shown in `lang` (blank lines separate them).
        pub fn paragraphs(&self, lang: impl AsLang) -> Vec<&str> {
            paragraphs(self.plain(lang))
        }

        /// The paragraphs of the original version.
        pub fn original_paragraphs(&self) -> Vec<&str> {
            paragraphs(self.original())
        }
    }

    fn paragraphs(text: &str) -> Vec<&str> {
        text.split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect()
    }

    /// Whether a name shown on a page in `lang` is written in Latin letters only (a brand, an
    /// acronym, a person's name as the report spells it): on a Chinese or Urdu page it is then
    /// marked as English, so it is read and drawn as Latin text (WCAG 3.1.2, language of parts).
    pub fn in_latin_letters(text: &str, lang: Lang) -> bool {
        lang != Lang::En
            && text.chars().any(char::is_alphabetic)
            && !text.chars().any(|c| c.is_alphabetic() && !c.is_ascii())
    }

    /// Text ready for a template: it writes its own, escaped, markup.
    #[derive(Debug, Clone)]
    pub struct Shown<'a> {
        text: Cow<'a, str>,
        /// `Some(marker)` when English stands in for a missing version.
        fallback: Option<&'static str>,
        isolate: bool,
    }

    impl<'a> Shown<'a> {
        /// A name isolated with `<bdi>`, marked `lang="en"` when `english` stands in for the
        /// page's language (so a screen reader reads it as English).
        pub fn isolated(text: impl Into<Cow<'a, str>>, english: bool) -> Self {
            Shown {
                text: text.into(),
                fallback: english.then_some(""),
                isolate: true,
            }
        }
    }

    impl fmt::Display for Shown<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            let element = if self.isolate { "bdi" } else { "span" };
            match self.fallback {
                None if self.isolate => {
                    f.write_str("<bdi>")?;
                    write_escaped(f, &self.text)?;
                    f.write_str("</bdi>")
                }
                None => write_escaped(f, &self.text),
                Some(marker) => {
                    write!(f, "<{element} lang=\"en\" dir=\"ltr\">")?;
                    write_escaped(f, &self.text)?;
                    write!(f, "</{element}>")?;
                    if !marker.is_empty() {
                        f.write_str(" <small class=\"in-english\">(")?;
                        write_escaped(f, marker)?;
                        f.write_str(")</small>")?;
                    }
                    Ok(())
                }
            }
        }
    }

    // `Shown` escapes everything it writes that came from content (see `write_escaped`),
    // so askama must not escape its markup a second time.
    impl askama::filters::HtmlSafe for Shown<'_> {}

    /// HTML-escape `text` (the five characters that matter in text and attribute values).
    fn write_escaped(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
        let mut rest = text;
        while let Some(position) = rest.find(['&', '<', '>', '"', '\'']) {
            f.write_str(&rest[..position])?;
            f.write_str(match rest.as_bytes()[position] {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                _ => "&#39;",
            })?;
            rest = &rest[position + 1..];
        }
        f.write_str(rest)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn fallback_is_marked_and_content_is_escaped() {
            let text = LocalizedText::english("<b>Tom & Jerry</b>");
            assert_eq!(
                text.t(Lang::En).to_string(),
                "&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;"
            );
            assert_eq!(
                text.t(Lang::Zh).to_string(),
                "<span lang=\"en\" dir=\"ltr\">&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;</span> <small class=\"in-english\">(英文)</small>"
            );
            assert_eq!(
                text.name(Lang::Ur).to_string(),
                "<bdi lang=\"en\" dir=\"ltr\">&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;</bdi>"
            );
            let translated: LocalizedText =
                serde_json::from_str(r#"{"en": "Beijing", "zh": "北京"}"#).unwrap();
            assert_eq!(translated.t(Lang::Zh).to_string(), "北京");
            assert_eq!(translated.name(Lang::Zh).to_string(), "<bdi>北京</bdi>");
        }
    }
}

pub use display::{Shown, in_latin_letters};
