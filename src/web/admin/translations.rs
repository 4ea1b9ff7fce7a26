//! Which language versions an entry's texts still lack: for the list's "needs a Chinese /
//! Urdu version" filter, each list row's missing languages, and the dashboard's figures.

use serde_json::{Map, Value};

use super::form::TRANSLATIONS;
use super::spec::{EntitySpec, Field, FieldKind};

/// The entry's texts that exist (have an English version), with their versions.
pub fn texts<'a>(
    spec: &'static EntitySpec,
    row: &'a Map<String, Value>,
) -> impl Iterator<Item = (&'static Field, &'a Map<String, Value>)> + 'a {
    spec.fields
        .iter()
        .filter(|f| matches!(f.kind, FieldKind::Localized | FieldKind::LocalizedLong))
        .filter_map(|field| {
            let versions = row.get(field.column).and_then(Value::as_object)?;
            Some((field, versions))
        })
}

/// Whether a text's `versions` include one in the language `code`.
pub fn has_version(versions: &Map<String, Value>, code: &str) -> bool {
    versions
        .get(code)
        .and_then(Value::as_str)
        .is_some_and(|text| !text.trim().is_empty())
}

/// The codes of the languages (after English) that some text of the entry lacks.
pub fn missing_languages(spec: &'static EntitySpec, row: &Map<String, Value>) -> Vec<&'static str> {
    TRANSLATIONS
        .iter()
        .map(|(code, ..)| *code)
        .filter(|code| texts(spec, row).any(|(_, versions)| !has_version(versions, code)))
        .collect()
}

/// The language code of a "needs a version in …" filter value, if it names a translation.
pub fn parse_missing(value: &str) -> Option<&'static str> {
    TRANSLATIONS
        .iter()
        .map(|(code, ..)| *code)
        .find(|code| *code == value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::admin::spec;

    #[test]
    fn a_row_lacks_the_languages_some_text_has_no_version_in() {
        let spec = spec::find("organisations").unwrap();
        let row = serde_json::json!({
            "name": {"en": "A", "zh": "甲", "ur": "الف"},
            "description": {"en": "B", "zh": "乙"},
            "website": null,
        });
        let row = row.as_object().unwrap();
        assert_eq!(missing_languages(spec, row), ["ur"]);
        let complete = serde_json::json!({"name": {"en": "A", "zh": "甲", "ur": "الف", "translated": ["zh", "ur"]}, "description": null});
        assert!(missing_languages(spec, complete.as_object().unwrap()).is_empty());
        assert_eq!(parse_missing("zh"), Some("zh"));
        assert_eq!(parse_missing("en"), None);
    }
}
