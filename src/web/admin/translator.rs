//! What a translator may change: only the Chinese and Urdu versions of texts and their
//! "this is a translation" marks. Every other input keeps the value of the version the form
//! was opened at; a request that tries to change one is refused as a whole.

use super::form::{self, RawValues, Submission};
use super::spec::EntitySpec;
use crate::error::{AppError, Result};
use crate::i18n::Lang;

/// Whether `input` is one a translator may change (`title.zh`, `title.ur.translated`, ...).
pub fn is_translation_input(input: &str) -> bool {
    form::TRANSLATIONS.iter().any(|(code, ..)| {
        input.ends_with(&format!(".{code}")) || input.ends_with(&format!(".{code}.translated"))
    })
}

/// A value as compared: line ends and surrounding space do not count as changes.
fn normalised(value: &str) -> String {
    value.replace("\r\n", "\n").trim().to_owned()
}

/// Keep a translator's submission to translations: every other input takes the value it had
/// in `opened` (the version the form was opened at; forms show those inputs disabled, so a
/// browser does not send them). A submitted value that differs from `opened`, a change of an
/// agreement's parties, or a conflict choice about another input is refused (403) and nothing
/// is saved.
pub fn confine(
    spec: &EntitySpec,
    submission: &Submission,
    raw: &mut RawValues,
    opened: &RawValues,
    lang: Lang,
) -> Result<()> {
    let refuse = |input: &str| {
        tracing::warn!(
            entity = spec.key,
            input,
            "translator's change of another input refused"
        );
        AppError::Forbidden(lang.tf1(
            "admin.translator_only",
            "field",
            form::label_of_input(spec, input, lang),
        ))
    };
    for input in form::input_names_of(spec) {
        if is_translation_input(&input) {
            continue;
        }
        let before = opened.get(&input).to_owned();
        if let Some(sent) = submission.get(&input)
            && normalised(sent) != normalised(&before)
        {
            return Err(refuse(&input));
        }
        raw.fields.insert(input, before);
    }
    if let Some(members) = spec.members {
        let sent: Vec<&str> = submission
            .all(members.name)
            .into_iter()
            .filter(|p| !p.trim().is_empty())
            .collect();
        let before: Vec<&str> = opened.members.iter().map(String::as_str).collect();
        if !sent.is_empty() && sent != before {
            return Err(refuse(members.name));
        }
        raw.members = opened.members.clone();
    }
    for (name, _) in &submission.0 {
        if let Some(input) = name.strip_prefix("resolve.")
            && !is_translation_input(input)
        {
            return Err(refuse(input));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::admin::spec;

    fn submission(pairs: &[(&str, &str)]) -> Submission {
        Submission(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn translation_inputs_are_the_chinese_and_urdu_versions_and_marks() {
        for input in [
            "name.zh",
            "name.ur",
            "name.zh.translated",
            "bio.ur.translated",
        ] {
            assert!(is_translation_input(input), "{input}");
        }
        for input in ["name", "slug", "published", "website", "parties", "kind"] {
            assert!(!is_translation_input(input), "{input}");
        }
    }

    #[test]
    fn a_translator_keeps_other_inputs_and_cannot_change_them() {
        let spec = spec::find("organisations").unwrap();
        let mut row = serde_json::Map::new();
        row.insert("name".into(), serde_json::json!({"en": "ZBRA", "zh": "旧"}));
        row.insert("slug".into(), "zbra".into());
        row.insert("published".into(), true.into());
        let opened = RawValues::from_row(spec, Some(&row));

        // Disabled inputs are not sent: they keep their values.
        let sent = submission(&[("name.zh", "新"), ("name.zh.translated", "on")]);
        let mut raw = RawValues::from_submission(spec, &sent);
        confine(spec, &sent, &mut raw, &opened, Lang::En).unwrap();
        assert_eq!(raw.get("name"), "ZBRA");
        assert_eq!(raw.get("slug"), "zbra");
        assert_eq!(raw.get("published"), "on");
        assert_eq!(raw.get("name.zh"), "新");

        // The same values sent back are fine; a changed one is refused.
        let same = submission(&[("name", "ZBRA"), ("slug", "zbra"), ("name.zh", "新")]);
        let mut raw = RawValues::from_submission(spec, &same);
        assert!(confine(spec, &same, &mut raw, &opened, Lang::En).is_ok());
        for crafted in [
            submission(&[("name", "Renamed"), ("name.zh", "新")]),
            submission(&[("slug", "other")]),
            submission(&[("resolve.name", "yours")]),
        ] {
            let mut raw = RawValues::from_submission(spec, &crafted);
            let refused = confine(spec, &crafted, &mut raw, &opened, Lang::En);
            assert!(matches!(refused, Err(AppError::Forbidden(_))));
        }
    }
}
