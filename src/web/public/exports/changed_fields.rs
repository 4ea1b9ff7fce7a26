//! What a change changed, as visitors can see it: the fields whose value differs between the
//! history's snapshots before and after, with the language versions that differ for a
//! localized field. Bookkeeping columns are ignored, and a reference to a draft reads as no
//! reference at all (a draft joining an agreement's parties changed nothing public). Values
//! themselves are never given: the feed names fields only.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::db::changes::Published;
use crate::i18n::Lang;

/// Columns that are not content.
const IGNORED: [&str; 6] = [
    "id",
    "version",
    "created_at",
    "updated_at",
    "history_id",
    "published",
];

/// Columns naming an organisation (one id, or a list of them for `parties`).
const ORGANISATION_REFERENCES: [&str; 2] = ["organisation_id", "parties"];

/// Columns naming a person.
const PERSON_REFERENCES: [&str; 3] = ["person_id", "announced_by_id", "mentioned_by_id"];

/// A field that changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The column (`bio`, `parties`).
    pub column: String,
    /// For a localized field, the language versions that changed (in [`Lang::ALL`] order);
    /// empty for any other field.
    pub languages: Vec<Lang>,
}

/// The ids of organisations and people a snapshot pair refers to (to ask which are public).
pub fn references(before: Option<&Value>, after: Option<&Value>) -> (Vec<i64>, Vec<i64>) {
    let mut organisations = BTreeSet::new();
    let mut people = BTreeSet::new();
    for snapshot in [before, after].into_iter().flatten() {
        let Some(object) = snapshot.as_object() else {
            continue;
        };
        for column in ORGANISATION_REFERENCES {
            organisations.extend(ids(object.get(column)));
        }
        for column in PERSON_REFERENCES {
            people.extend(ids(object.get(column)));
        }
    }
    (
        organisations.into_iter().collect(),
        people.into_iter().collect(),
    )
}

fn ids(value: Option<&Value>) -> Vec<i64> {
    match value {
        Some(Value::Number(n)) => n.as_i64().into_iter().collect(),
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_i64).collect(),
        _ => Vec::new(),
    }
}

/// The fields that differ between `before` and `after`, in column order, as visitors see
/// them (references to entries not in `published` removed).
pub fn changed(before: Option<&Value>, after: Option<&Value>, published: &Published) -> Vec<Field> {
    let empty = Map::new();
    let before = before.and_then(Value::as_object).unwrap_or(&empty);
    let after = after.and_then(Value::as_object).unwrap_or(&empty);
    let columns: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    columns
        .into_iter()
        .filter(|column| !IGNORED.contains(&column.as_str()))
        .filter_map(|column| {
            let old = visible(column, before.get(column.as_str()), published);
            let new = visible(column, after.get(column.as_str()), published);
            if old == new {
                return None;
            }
            let mut languages = Vec::new();
            if is_localized(&old) || is_localized(&new) {
                languages.extend(
                    Lang::ALL
                        .into_iter()
                        .filter(|lang| version(&old, *lang) != version(&new, *lang)),
                );
                if languages.is_empty() {
                    // Only the order of the translation marks differs.
                    return None;
                }
            }
            Some(Field {
                column: column.clone(),
                languages,
            })
        })
        .collect()
}

/// A column's value as visitors can see it: references to drafts removed.
fn visible(column: &str, value: Option<&Value>, published: &Published) -> Value {
    let value = value.cloned().unwrap_or(Value::Null);
    let allowed: &[i64] = if ORGANISATION_REFERENCES.contains(&column) {
        &published.organisations
    } else if PERSON_REFERENCES.contains(&column) {
        &published.people
    } else {
        return value;
    };
    match value {
        Value::Number(n) if n.as_i64().is_some_and(|id| allowed.contains(&id)) => Value::Number(n),
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .filter(|item| item.as_i64().is_some_and(|id| allowed.contains(&id)))
                .collect(),
        ),
        _ => Value::Null,
    }
}

fn is_localized(value: &Value) -> bool {
    value
        .as_object()
        .is_some_and(|object| object.contains_key("en"))
}

/// A localized value's version in `lang` and whether it is marked as a translation.
fn version(value: &Value, lang: Lang) -> (Option<&str>, bool) {
    let text = value
        .get(lang.code())
        .and_then(Value::as_str)
        .filter(|text| !text.trim().is_empty());
    let translated = value
        .get("translated")
        .and_then(Value::as_array)
        .is_some_and(|codes| codes.iter().any(|code| code.as_str() == Some(lang.code())));
    (text, text.is_some() && translated)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn names_changed_fields_and_language_versions() {
        let before = json!({"id": 1, "version": 1, "updated_at": "x", "slug": "a",
            "bio": {"en": "Bio", "zh": "传"}, "role": null, "photo_url": null});
        let after = json!({"id": 1, "version": 2, "updated_at": "y", "slug": "a",
            "bio": {"en": "Bio", "zh": "传记", "ur": "سوانح", "translated": ["ur"]},
            "role": {"en": "Envoy"}, "photo_url": null});
        let fields = changed(Some(&before), Some(&after), &Published::default());
        assert_eq!(
            fields,
            [
                Field {
                    column: "bio".into(),
                    languages: vec![Lang::Zh, Lang::Ur]
                },
                Field {
                    column: "role".into(),
                    languages: vec![Lang::En]
                },
            ]
        );
    }

    #[test]
    fn a_reference_to_a_draft_is_no_visible_change() {
        let published = Published {
            organisations: vec![1, 2],
            people: vec![],
        };
        let before = json!({"parties": [1, 2], "announced_by_id": null});
        let after = json!({"parties": [1, 2, 9], "announced_by_id": 7});
        assert_eq!(changed(Some(&before), Some(&after), &published), []);
        let reordered = json!({"parties": [2, 1], "announced_by_id": null});
        assert_eq!(
            changed(Some(&before), Some(&reordered), &published),
            [Field {
                column: "parties".into(),
                languages: vec![]
            }]
        );
        assert_eq!(
            references(Some(&before), Some(&after)),
            (vec![1, 2, 9], vec![7])
        );
    }
}
