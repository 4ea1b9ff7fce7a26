//! Turning a submitted form into validated column values (errors kept per field), and
//! turning values back into what forms, conflict pages and history diffs show.

use std::collections::HashMap;

use serde_json::{Map, Value};
use time::macros::format_description;

use super::spec::{EntitySpec, Field, FieldKind};
use crate::db::entities::ReferenceTable;
use crate::domain::{Country, slug};

/// The raw `(name, value)` pairs of a submitted form (repeated names kept, in order).
#[derive(Debug, Default)]
pub struct Submission(pub Vec<(String, String)>);

impl Submission {
    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `name`, in order.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// The entries reference fields can point at, loaded once per request.
#[derive(Debug, Default)]
pub struct Choices {
    pub organisations: Vec<(i64, String)>,
    pub people: Vec<(i64, String)>,
}

impl Choices {
    fn of(&self, table: ReferenceTable) -> &[(i64, String)] {
        match table {
            ReferenceTable::Organisations => &self.organisations,
            ReferenceTable::People => &self.people,
        }
    }

    fn label(&self, table: ReferenceTable, id: i64) -> String {
        self.of(table)
            .iter()
            .find(|(candidate, _)| *candidate == id)
            .map_or_else(|| format!("#{id} (deleted)"), |(_, label)| label.clone())
    }
}

/// A problem with one field (or with the form as a whole when `column` is empty).
#[derive(Debug, Clone)]
pub struct FieldError {
    pub column: &'static str,
    pub label: String,
    pub message: String,
}

impl FieldError {
    /// An error about the whole form.
    pub fn general(message: impl Into<String>) -> Self {
        Self {
            column: "",
            label: String::new(),
            message: message.into(),
        }
    }
}

/// Validated values, ready for the database.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// Column → JSON value, for every field of the entity.
    pub values: Map<String, Value>,
    /// An agreement's parties, in order.
    pub parties: Vec<i64>,
}

/// What the user typed, kept to show the form again.
#[derive(Debug, Clone, Default)]
pub struct RawValues {
    pub fields: HashMap<&'static str, String>,
    pub parties: Vec<String>,
}

impl RawValues {
    /// The values as submitted.
    pub fn from_submission(spec: &EntitySpec, submission: &Submission) -> Self {
        let fields = spec
            .fields
            .iter()
            .map(|field| {
                let value = match field.kind {
                    FieldKind::Published => {
                        if submission.get(field.column).is_some() {
                            "on".to_owned()
                        } else {
                            String::new()
                        }
                    }
                    _ => submission.get(field.column).unwrap_or_default().to_owned(),
                };
                (field.column, value)
            })
            .collect();
        let parties = submission
            .all("parties")
            .into_iter()
            .map(str::to_owned)
            .collect();
        Self { fields, parties }
    }

    /// The values of a stored row (or the defaults of a new entry when `None`).
    pub fn from_row(spec: &EntitySpec, row: Option<&Map<String, Value>>) -> Self {
        let fields = spec
            .fields
            .iter()
            .map(|field| {
                let value = row
                    .and_then(|row| row.get(field.column))
                    .unwrap_or(&Value::Null);
                let text = match (field.kind, value) {
                    (FieldKind::Localized | FieldKind::LocalizedLong, Value::Object(map)) => map
                        .get("en")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                    (FieldKind::Published, Value::Bool(true)) => "on".to_owned(),
                    (FieldKind::Published, _) => String::new(),
                    (FieldKind::Position, Value::Null) => "0".to_owned(),
                    (_, Value::String(text)) => text.clone(),
                    (_, Value::Number(number)) => number.to_string(),
                    _ => String::new(),
                };
                (field.column, text)
            })
            .collect();
        let parties = row
            .and_then(|row| row.get("parties"))
            .and_then(Value::as_array)
            .map(|ids| ids.iter().map(|id| id.to_string()).collect())
            .unwrap_or_default();
        Self { fields, parties }
    }

    /// The raw value of `column`.
    pub fn get(&self, column: &str) -> &str {
        self.fields
            .get(column)
            .map(String::as_str)
            .unwrap_or_default()
    }
}

/// Validate every field. `current` is the stored row being edited: its other language
/// versions of localized fields are kept.
pub fn parse(
    spec: &EntitySpec,
    raw: &RawValues,
    current: Option<&Map<String, Value>>,
    choices: &Choices,
) -> Result<Parsed, Vec<FieldError>> {
    let mut values = Map::new();
    let mut errors = Vec::new();
    for field in spec.fields {
        match parse_field(field, raw.get(field.column), current, choices) {
            Ok(value) => {
                values.insert(field.column.to_owned(), value);
            }
            Err(message) => errors.push(FieldError {
                column: field.column,
                label: field.label.to_owned(),
                message,
            }),
        }
    }
    check_date_order(spec, &values, &mut errors);
    let parties = if spec.has_parties {
        match parse_parties(&raw.parties, choices) {
            Ok(parties) => parties,
            Err(message) => {
                errors.push(FieldError {
                    column: "parties",
                    label: "Parties".to_owned(),
                    message,
                });
                Vec::new()
            }
        }
    } else {
        Vec::new()
    };
    if errors.is_empty() {
        Ok(Parsed { values, parties })
    } else {
        Err(errors)
    }
}

fn parse_field(
    field: &Field,
    raw: &str,
    current: Option<&Map<String, Value>>,
    choices: &Choices,
) -> Result<Value, String> {
    let multiline = matches!(field.kind, FieldKind::LocalizedLong);
    let text = clean(raw, multiline)?;
    let chars = text.chars().count();
    if field.max_chars > 0 && chars > field.max_chars {
        return Err(format!(
            "Use at most {} characters (this has {chars}).",
            field.max_chars
        ));
    }
    let empty = text.is_empty();
    if empty && field.required && !matches!(field.kind, FieldKind::Published | FieldKind::Position)
    {
        return Err(match field.kind {
            FieldKind::Reference(_) | FieldKind::Choice(_) => {
                format!("Choose a {}.", field.label.to_lowercase())
            }
            _ => format!("Enter a {}.", field.label.to_lowercase()),
        });
    }
    match field.kind {
        FieldKind::Localized | FieldKind::LocalizedLong => {
            if empty {
                return Ok(Value::Null);
            }
            let mut versions = current
                .and_then(|row| row.get(field.column))
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            versions.insert("en".to_owned(), Value::String(text));
            Ok(Value::Object(versions))
        }
        FieldKind::Text => Ok(if empty {
            Value::Null
        } else {
            Value::String(text)
        }),
        FieldKind::Slug => {
            if slug::is_valid(&text) {
                Ok(Value::String(text))
            } else {
                Err("Use lower-case letters (a–z), digits and single hyphens between them, e.g. moin-ul-haque.".to_owned())
            }
        }
        FieldKind::Url => {
            if empty {
                return Ok(Value::Null);
            }
            let lower = text.to_ascii_lowercase();
            let rest = lower
                .strip_prefix("https://")
                .or_else(|| lower.strip_prefix("http://"));
            match rest {
                Some(rest) if !rest.is_empty() && !text.contains(char::is_whitespace) => {
                    Ok(Value::String(text))
                }
                _ => Err("Enter a web address starting with http:// or https://.".to_owned()),
            }
        }
        FieldKind::Country => {
            if empty {
                return Ok(Value::Null);
            }
            Country::parse(&text)
                .map(|country| Value::String(country.code().to_owned()))
                .ok_or_else(|| "Enter a two-letter country code, such as PK or CN.".to_owned())
        }
        FieldKind::Choice(options) => options
            .iter()
            .find(|(value, _)| *value == text)
            .map(|(value, _)| Value::String((*value).to_owned()))
            .ok_or_else(|| format!("Choose one of the listed {}s.", field.label.to_lowercase())),
        FieldKind::Date => {
            if empty {
                return Ok(Value::Null);
            }
            time::Date::parse(&text, format_description!("[year]-[month]-[day]"))
                .map(|_| Value::String(text))
                .map_err(|_| "Enter a date as YYYY-MM-DD, e.g. 2023-09-05.".to_owned())
        }
        FieldKind::Published => Ok(Value::Bool(!empty)),
        FieldKind::Position => {
            if empty {
                return Ok(Value::from(0));
            }
            match text.parse::<i32>() {
                Ok(number) if (0..=1_000_000).contains(&number) => Ok(Value::from(number)),
                _ => Err("Enter a whole number from 0 to 1000000.".to_owned()),
            }
        }
        FieldKind::Reference(table) => {
            if empty {
                return Ok(Value::Null);
            }
            text.parse::<i64>()
                .ok()
                .filter(|id| {
                    choices
                        .of(table)
                        .iter()
                        .any(|(candidate, _)| candidate == id)
                })
                .map(Value::from)
                .ok_or_else(|| {
                    format!(
                        "Choose one of the listed entries for {}.",
                        field.label.to_lowercase()
                    )
                })
        }
    }
}

/// Trim, unify line ends, and refuse NUL and other control characters (line breaks and tabs
/// only where paragraphs are expected).
fn clean(raw: &str, multiline: bool) -> Result<String, String> {
    let text = raw.replace("\r\n", "\n").replace('\r', "\n");
    if text.contains('\0') {
        return Err("Remove the NUL character from this field.".to_owned());
    }
    if text
        .chars()
        .any(|c| c.is_control() && !(multiline && (c == '\n' || c == '\t')))
    {
        return Err(if multiline {
            "Remove the control characters from this field.".to_owned()
        } else {
            "Remove the line breaks and control characters from this field: it takes one line."
                .to_owned()
        });
    }
    Ok(text.trim().to_owned())
}

fn check_date_order(spec: &EntitySpec, values: &Map<String, Value>, errors: &mut Vec<FieldError>) {
    let (Some(Value::String(start)), Some(Value::String(end))) =
        (values.get("fair_starts_on"), values.get("fair_ends_on"))
    else {
        return;
    };
    // ISO dates compare correctly as text.
    if start > end {
        errors.push(FieldError {
            column: "fair_ends_on",
            label: spec.label_of("fair_ends_on"),
            message: "The fair cannot end before it starts.".to_owned(),
        });
    }
}

fn parse_parties(raw: &[String], choices: &Choices) -> Result<Vec<i64>, String> {
    let mut parties = Vec::new();
    for value in raw.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
        let id = value
            .parse::<i64>()
            .ok()
            .filter(|id| {
                choices
                    .organisations
                    .iter()
                    .any(|(candidate, _)| candidate == id)
            })
            .ok_or_else(|| "Choose parties from the list of organisations.".to_owned())?;
        if parties.contains(&id) {
            return Err("Each organisation can be a party only once.".to_owned());
        }
        parties.push(id);
    }
    Ok(parties)
}

/// How a stored value reads for a person (lists, conflicts, history).
pub fn display(
    spec: &EntitySpec,
    column: &str,
    value: Option<&Value>,
    choices: &Choices,
) -> String {
    let value = value.unwrap_or(&Value::Null);
    if column == "parties" {
        let names: Vec<String> = value
            .as_array()
            .map(|ids| {
                ids.iter()
                    .filter_map(Value::as_i64)
                    .map(|id| choices.label(ReferenceTable::Organisations, id))
                    .collect()
            })
            .unwrap_or_default();
        return if names.is_empty() {
            "(none)".to_owned()
        } else {
            names.join("; ")
        };
    }
    let kind = spec
        .fields
        .iter()
        .find(|f| f.column == column)
        .map(|f| f.kind);
    match (kind, value) {
        (_, Value::Null) => "(empty)".to_owned(),
        (Some(FieldKind::Reference(table)), Value::Number(number)) => number
            .as_i64()
            .map_or_else(|| number.to_string(), |id| choices.label(table, id)),
        (Some(FieldKind::Choice(options)), Value::String(text)) => options
            .iter()
            .find(|(v, _)| v == text)
            .map_or_else(|| text.clone(), |(_, label)| (*label).to_owned()),
        (Some(FieldKind::Published), Value::Bool(published)) => {
            if *published { "Published" } else { "Draft" }.to_owned()
        }
        (_, Value::Object(versions)) => {
            let mut parts: Vec<String> = Vec::new();
            if let Some(en) = versions.get("en").and_then(Value::as_str) {
                parts.push(en.to_owned());
            }
            for (language, text) in versions.iter().filter(|(l, _)| l.as_str() != "en") {
                parts.push(format!(
                    "[{language}] {}",
                    text.as_str().unwrap_or_default()
                ));
            }
            parts.join(" · ")
        }
        (_, Value::String(text)) => text.clone(),
        (_, other) => other.to_string(),
    }
}

/// One field that differs between two versions of an entry.
#[derive(Debug, Clone)]
pub struct Change {
    pub label: String,
    pub before: String,
    pub after: String,
}

/// The fields (and parties) whose values differ between `before` and `after`.
pub fn diff(
    spec: &EntitySpec,
    before: Option<&Map<String, Value>>,
    after: Option<&Map<String, Value>>,
    choices: &Choices,
) -> Vec<Change> {
    let mut columns: Vec<&str> = spec.fields.iter().map(|f| f.column).collect();
    if spec.has_parties {
        columns.push("parties");
    }
    columns
        .into_iter()
        .filter_map(|column| {
            let old = before.and_then(|row| row.get(column));
            let new = after.and_then(|row| row.get(column));
            let same = old.unwrap_or(&Value::Null) == new.unwrap_or(&Value::Null);
            (!same).then(|| Change {
                label: spec.label_of(column),
                before: if before.is_some() {
                    display(spec, column, old, choices)
                } else {
                    "—".to_owned()
                },
                after: if after.is_some() {
                    display(spec, column, new, choices)
                } else {
                    "—".to_owned()
                },
            })
        })
        .collect()
}

/// A `<select>` option.
#[derive(Debug, Clone)]
pub struct OptionView {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// A form field as the template draws it.
#[derive(Debug, Clone)]
pub struct FieldView {
    pub name: &'static str,
    pub label: &'static str,
    /// `text`, `textarea`, `select`, `checkbox`, `date`, `number` or `url`.
    pub widget: &'static str,
    pub value: String,
    pub options: Vec<OptionView>,
    pub required: bool,
    pub error: Option<String>,
    pub hint: &'static str,
    pub max_chars: usize,
}

impl FieldView {
    /// The ids the field's `aria-describedby` names (hint and error), if any.
    pub fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if !self.hint.is_empty() {
            ids.push(format!("field-{}-hint", self.name));
        }
        if self.error.is_some() {
            ids.push(format!("field-{}-error", self.name));
        }
        ids.join(" ")
    }
}

/// The fields of `spec` with `raw` values and `errors`, ready to draw.
pub fn field_views(
    spec: &EntitySpec,
    raw: &RawValues,
    errors: &[FieldError],
    choices: &Choices,
) -> Vec<FieldView> {
    spec.fields
        .iter()
        .map(|field| {
            let value = raw.get(field.column).to_owned();
            let (widget, options) = match field.kind {
                FieldKind::LocalizedLong => ("textarea", Vec::new()),
                FieldKind::Url => ("url", Vec::new()),
                FieldKind::Date => ("date", Vec::new()),
                FieldKind::Published => ("checkbox", Vec::new()),
                FieldKind::Position => ("number", Vec::new()),
                FieldKind::Choice(options) => (
                    "select",
                    options
                        .iter()
                        .map(|(v, label)| OptionView {
                            value: (*v).to_owned(),
                            label: (*label).to_owned(),
                            selected: *v == value,
                        })
                        .collect(),
                ),
                FieldKind::Reference(table) => {
                    ("select", reference_options(choices.of(table), &value))
                }
                FieldKind::Localized | FieldKind::Text | FieldKind::Slug | FieldKind::Country => {
                    ("text", Vec::new())
                }
            };
            FieldView {
                name: field.column,
                label: field.label,
                widget,
                value,
                options,
                required: field.required,
                error: errors
                    .iter()
                    .find(|e| e.column == field.column)
                    .map(|e| e.message.clone()),
                hint: field.hint,
                max_chars: field.max_chars,
            }
        })
        .collect()
}

/// Options for a reference select, with the chosen one marked.
pub fn reference_options(choices: &[(i64, String)], selected: &str) -> Vec<OptionView> {
    choices
        .iter()
        .map(|(id, label)| OptionView {
            value: id.to_string(),
            label: label.clone(),
            selected: id.to_string() == selected,
        })
        .collect()
}

/// The party rows of an agreement form: the chosen parties, then two empty rows to add more.
pub fn party_rows(raw: &RawValues, choices: &Choices) -> Vec<Vec<OptionView>> {
    raw.parties
        .iter()
        .filter(|p| !p.trim().is_empty())
        .map(String::as_str)
        .chain(["", ""])
        .map(|selected| reference_options(&choices.organisations, selected))
        .collect()
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
    fn organisation_form_errors_are_per_field() {
        let spec = spec::find("organisations").unwrap();
        let raw = RawValues::from_submission(
            spec,
            &submission(&[
                ("name", "  "),
                ("slug", "Bad Slug"),
                ("kind", "bank"),
                ("country", "Pakistan"),
                ("website", "javascript:alert(1)"),
                ("short_name", "a\0b"),
            ]),
        );
        let errors = parse(spec, &raw, None, &Choices::default()).unwrap_err();
        let columns: Vec<&str> = errors.iter().map(|e| e.column).collect();
        assert_eq!(
            columns,
            ["name", "short_name", "slug", "country", "kind", "website"]
        );
    }

    #[test]
    fn valid_input_is_trimmed_and_keeps_other_languages() {
        let spec = spec::find("organisations").unwrap();
        let raw = RawValues::from_submission(
            spec,
            &submission(&[
                ("name", "  New name "),
                ("slug", "new-name"),
                ("kind", "company"),
                ("country", "pk"),
                ("website", "https://example.org"),
                ("published", "on"),
            ]),
        );
        let current: Map<String, Value> =
            serde_json::from_str(r#"{"name": {"en": "Old", "zh": "旧"}}"#).unwrap();
        let parsed = parse(spec, &raw, Some(&current), &Choices::default()).unwrap();
        assert_eq!(
            parsed.values["name"],
            serde_json::json!({"en": "New name", "zh": "旧"})
        );
        assert_eq!(parsed.values["country"], "PK");
        assert_eq!(parsed.values["published"], true);
        assert_eq!(parsed.values["description"], Value::Null);
    }

    #[test]
    fn parties_must_be_listed_and_distinct() {
        let choices = Choices {
            organisations: vec![(1, "A".into()), (2, "B".into())],
            people: vec![],
        };
        assert_eq!(
            parse_parties(&["2".into(), "".into(), "1".into()], &choices).unwrap(),
            [2, 1]
        );
        assert!(parse_parties(&["1".into(), "1".into()], &choices).is_err());
        assert!(parse_parties(&["3".into()], &choices).is_err());
    }
}
