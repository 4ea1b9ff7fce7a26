//! Turning a submitted form into validated column values (errors kept per field), and
//! turning values back into what forms, conflict pages and history diffs show.

use std::collections::HashMap;

use serde_json::{Map, Value};
use time::macros::format_description;

use super::spec::{EntitySpec, Field, FieldKind, Members, choice_label};
use crate::db::entities::ReferenceTable;
use crate::domain::{Country, beijing_time, slug};
use crate::i18n::Lang;

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

    /// The entry version the form was loaded at (optimistic locking), if it carries a valid one.
    pub fn version(&self) -> Option<i32> {
        self.get("version").and_then(|v| v.parse().ok())
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
    pub sources: Vec<(i64, String)>,
    pub halls: Vec<(i64, String)>,
}

impl Choices {
    fn of(&self, table: ReferenceTable) -> &[(i64, String)] {
        match table {
            ReferenceTable::Organisations => &self.organisations,
            ReferenceTable::People => &self.people,
            ReferenceTable::Sources => &self.sources,
            ReferenceTable::Halls => &self.halls,
        }
    }

    fn label(&self, table: ReferenceTable, id: i64, lang: Lang) -> String {
        self.of(table)
            .iter()
            .find(|(candidate, _)| *candidate == id)
            .map_or_else(
                || lang.tf1("admin.deleted_reference", "id", id),
                |(_, label)| label.clone(),
            )
    }
}

/// A problem with one input (`title`, `title.zh`, ...), or with the whole form when `column`
/// is empty.
#[derive(Debug, Clone)]
pub struct FieldError {
    pub column: String,
    pub label: String,
    pub message: String,
}

impl FieldError {
    /// An error about the whole form.
    pub fn general(message: impl Into<String>) -> Self {
        Self {
            column: String::new(),
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
    /// The entry's members in order (an agreement's parties, an item's speakers; see
    /// [`Members`]); empty when it has none.
    pub members: Vec<i64>,
}

/// What the user typed, kept to show the form again: by input name (`title` is the English
/// version of a localized field, `title.zh` and `title.ur` the others).
#[derive(Debug, Clone, Default)]
pub struct RawValues {
    pub fields: HashMap<String, String>,
    /// The member ids as submitted ([`Members`]: an agreement's parties, an item's speakers).
    pub members: Vec<String>,
}

/// The other languages a localized field is edited in, after English: (code, label, tag, dir).
pub const TRANSLATIONS: [(&str, &str, &str, &str); 2] = [
    ("zh", "Chinese · 中文", "zh-Hans", "ltr"),
    ("ur", "Urdu · اردو", "ur", "rtl"),
];

/// The names of a localized field's "this version is a translation" boxes (`title.zh.translated`).
fn translation_mark_names(field: &Field) -> Vec<String> {
    if !matches!(field.kind, FieldKind::Localized | FieldKind::LocalizedLong) {
        return Vec::new();
    }
    TRANSLATIONS
        .iter()
        .map(|(code, ..)| format!("{}.{code}.translated", field.column))
        .collect()
}

/// Every input name of an entity's form (texts, their translations and translation marks),
/// in form order; an entry's members (an agreement's parties) are not among them.
pub fn input_names_of(spec: &EntitySpec) -> Vec<String> {
    spec.fields
        .iter()
        .flat_map(|field| {
            input_names(field)
                .into_iter()
                .chain(translation_mark_names(field))
        })
        .collect()
}

/// The input names of a field: its column, plus one per translation for localized fields.
fn input_names(field: &Field) -> Vec<String> {
    let mut names = vec![field.column.to_owned()];
    if matches!(field.kind, FieldKind::Localized | FieldKind::LocalizedLong) {
        names.extend(
            TRANSLATIONS
                .iter()
                .map(|(code, ..)| format!("{}.{code}", field.column)),
        );
    }
    names
}

impl RawValues {
    /// The values as submitted.
    pub fn from_submission(spec: &EntitySpec, submission: &Submission) -> Self {
        let mut fields = HashMap::new();
        for field in spec.fields {
            for name in input_names(field) {
                let value = match field.kind {
                    FieldKind::Published => {
                        if submission.get(&name).is_some() {
                            "on".to_owned()
                        } else {
                            String::new()
                        }
                    }
                    _ => submission.get(&name).unwrap_or_default().to_owned(),
                };
                fields.insert(name, value);
            }
            for name in translation_mark_names(field) {
                let ticked = submission.get(&name).is_some();
                fields.insert(name, if ticked { "on" } else { "" }.to_owned());
            }
        }
        let members = spec
            .members
            .map(|m| {
                submission
                    .all(m.name)
                    .into_iter()
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        Self { fields, members }
    }

    /// The values of a stored row (or the defaults of a new entry when `None`).
    pub fn from_row(spec: &EntitySpec, row: Option<&Map<String, Value>>) -> Self {
        let mut fields = HashMap::new();
        for field in spec.fields {
            let value = row
                .and_then(|row| row.get(field.column))
                .unwrap_or(&Value::Null);
            let text = match (field.kind, value) {
                (FieldKind::Localized | FieldKind::LocalizedLong, Value::Object(versions)) => {
                    let marked = versions.get("translated").and_then(Value::as_array);
                    for (code, ..) in TRANSLATIONS {
                        let version = versions
                            .get(code)
                            .and_then(Value::as_str)
                            .unwrap_or_default();
                        fields.insert(format!("{}.{code}", field.column), version.to_owned());
                        // A version not yet written will most likely be translated.
                        let translated = version.is_empty()
                            || marked.is_some_and(|codes| codes.iter().any(|c| c == code));
                        fields.insert(
                            format!("{}.{code}.translated", field.column),
                            if translated { "on" } else { "" }.to_owned(),
                        );
                    }
                    versions
                        .get("en")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned()
                }
                (FieldKind::Localized | FieldKind::LocalizedLong, _) => {
                    // No text yet: whatever is written in another language will most likely
                    // be translated.
                    for name in translation_mark_names(field) {
                        fields.insert(name, "on".to_owned());
                    }
                    String::new()
                }
                (FieldKind::Published, Value::Bool(true)) => "on".to_owned(),
                (FieldKind::Published, _) => String::new(),
                (FieldKind::Position, Value::Null) => "0".to_owned(),
                // Stored as an instant in whatever offset the database wrote; shown in Beijing.
                (FieldKind::BeijingTime, Value::String(text)) => beijing_time::parse_stored(text)
                    .map_or_else(|| text.clone(), beijing_time::input_value),
                (_, Value::String(text)) => text.clone(),
                (_, Value::Number(number)) => number.to_string(),
                _ => String::new(),
            };
            fields.insert(field.column.to_owned(), text);
        }
        let members = spec
            .members
            .and_then(|m| row.and_then(|row| row.get(m.name)))
            .and_then(Value::as_array)
            .map(|ids| ids.iter().map(|id| id.to_string()).collect())
            .unwrap_or_default();
        Self { fields, members }
    }

    /// The values of `parsed` as the form shows them: what an editor's input becomes once
    /// validated and cleaned, so it compares with stored versions.
    pub fn from_parsed(spec: &EntitySpec, parsed: &Parsed) -> Self {
        let mut row = parsed.values.clone();
        if let Some(members) = spec.members {
            row.insert(members.name.to_owned(), Value::from(parsed.members.clone()));
        }
        Self::from_row(spec, Some(&row))
    }

    /// The raw value of `column`.
    pub fn get(&self, column: &str) -> &str {
        self.fields
            .get(column)
            .map(String::as_str)
            .unwrap_or_default()
    }
}

/// Validate every field (every language version of localized ones); messages in `lang`.
pub fn parse(
    spec: &EntitySpec,
    raw: &RawValues,
    choices: &Choices,
    lang: Lang,
) -> Result<Parsed, Vec<FieldError>> {
    let mut values = Map::new();
    let mut errors = Vec::new();
    for field in spec.fields {
        let parsed = if matches!(field.kind, FieldKind::Localized | FieldKind::LocalizedLong) {
            parse_localized(field, raw, lang)
        } else {
            parse_field(field, raw.get(field.column), choices, lang)
                .map_err(|message| vec![(field.column.to_owned(), message)])
        };
        match parsed {
            Ok(value) => {
                values.insert(field.column.to_owned(), value);
            }
            Err(problems) => {
                errors.extend(problems.into_iter().map(|(column, message)| FieldError {
                    label: input_label(field, &column, lang),
                    column,
                    message,
                }))
            }
        }
    }
    check_date_order(spec, &values, &mut errors, lang);
    super::plan_form::check_booth_place(spec, &values, &mut errors, lang);
    check_time_order(spec, &values, &mut errors, lang);
    let members = match spec.members {
        Some(spec_members) => match parse_members(spec_members, &raw.members, choices, lang) {
            Ok(members) => members,
            Err(message) => {
                errors.push(FieldError {
                    column: spec_members.name.to_owned(),
                    label: lang.t(&format!("field.{}", spec_members.name)).to_owned(),
                    message,
                });
                Vec::new()
            }
        },
        None => Vec::new(),
    };
    if errors.is_empty() {
        Ok(Parsed { values, members })
    } else {
        Err(errors)
    }
}

/// A localized field: each language version cleaned and checked; English is required when
/// the field is, and whenever another version is given (it is what pages fall back to).
fn parse_localized(
    field: &Field,
    raw: &RawValues,
    lang: Lang,
) -> Result<Value, Vec<(String, String)>> {
    let multiline = matches!(field.kind, FieldKind::LocalizedLong);
    let mut versions = Map::new();
    let mut problems = Vec::new();
    for (name, code) in std::iter::once((field.column.to_owned(), "en")).chain(
        TRANSLATIONS
            .iter()
            .map(|(code, ..)| (format!("{}.{code}", field.column), *code)),
    ) {
        match clean_and_measure(raw.get(&name), multiline, field.max_chars, lang) {
            Ok(text) if text.is_empty() => {}
            Ok(text) => {
                versions.insert(code.to_owned(), Value::String(text));
            }
            Err(message) => problems.push((name, message)),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let translated: Vec<Value> = TRANSLATIONS
        .iter()
        .map(|(code, ..)| *code)
        .filter(|code| versions.contains_key(*code))
        .filter(|code| raw.get(&format!("{}.{code}.translated", field.column)) == "on")
        .map(Value::from)
        .collect();
    if !translated.is_empty() {
        versions.insert("translated".to_owned(), Value::Array(translated));
    }
    if !versions.contains_key("en") {
        if field.required {
            return Err(vec![(
                field.column.to_owned(),
                lang.tf("form.enter", &[("label", field.label_in(lang))]),
            )]);
        }
        if !versions.is_empty() {
            return Err(vec![(
                field.column.to_owned(),
                lang.t("form.english_too").to_owned(),
            )]);
        }
        return Ok(Value::Null);
    }
    Ok(Value::Object(versions))
}

/// How any input of `spec`'s form is named for people: "Title (Chinese · 中文)", the parties,
/// or a translation's mark.
pub fn label_of_input(spec: &EntitySpec, input: &str, lang: Lang) -> String {
    if spec.members.is_some_and(|m| m.name == input) {
        return lang.t(&format!("field.{input}")).to_owned();
    }
    let column = input.split('.').next().unwrap_or(input);
    let Some(field) = spec.fields.iter().find(|f| f.column == column) else {
        return spec.label_of(column, lang);
    };
    let named = |input: &str| {
        if field.is_localized() && input == field.column {
            lang.tf(
                "field.in_language",
                &[
                    ("label", field.label_in(lang)),
                    ("language", lang.t("language.en")),
                ],
            )
        } else {
            input_label(field, input, lang)
        }
    };
    match input.strip_suffix(".translated") {
        Some(version) => format!(
            "{}{}{}",
            named(version),
            lang.t("list.comma"),
            lang.t("admin.translation_mark")
        ),
        None => named(input),
    }
}

/// How an input is named in an error summary: "Title (Chinese · 中文)".
fn input_label(field: &Field, input: &str, lang: Lang) -> String {
    match input.split_once('.') {
        Some((_, code)) => lang.tf(
            "field.in_language",
            &[
                ("label", field.label_in(lang)),
                ("language", lang.t(&format!("language.{code}"))),
            ],
        ),
        None => field.label_in(lang).to_owned(),
    }
}

fn clean_and_measure(
    raw: &str,
    multiline: bool,
    max_chars: usize,
    lang: Lang,
) -> Result<String, String> {
    let text = clean(raw, multiline, lang)?;
    let chars = text.chars().count();
    if max_chars > 0 && chars > max_chars {
        return Err(lang.tf_plural("form.too_long", chars, &[("max", &lang.number(max_chars))]));
    }
    Ok(text)
}

fn parse_field(field: &Field, raw: &str, choices: &Choices, lang: Lang) -> Result<Value, String> {
    let multiline = matches!(field.kind, FieldKind::LongText);
    let text = clean_and_measure(raw, multiline, field.max_chars, lang)?;
    let label = field.label_in(lang);
    let empty = text.is_empty();
    if empty && field.required && !matches!(field.kind, FieldKind::Published | FieldKind::Position)
    {
        return Err(match field.kind {
            FieldKind::Reference(_) | FieldKind::Choice(_) => {
                lang.tf("form.choose", &[("label", label)])
            }
            _ => lang.tf("form.enter", &[("label", label)]),
        });
    }
    match field.kind {
        // Handled by `parse_localized`.
        FieldKind::Localized | FieldKind::LocalizedLong => Ok(Value::Null),
        FieldKind::Text | FieldKind::LongText => Ok(if empty {
            Value::Null
        } else {
            Value::String(text)
        }),
        FieldKind::Slug => {
            if slug::is_valid(&text) {
                Ok(Value::String(text))
            } else {
                Err(lang.t("form.slug").to_owned())
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
                _ => Err(lang.t("form.url").to_owned()),
            }
        }
        FieldKind::Country => {
            if empty {
                return Ok(Value::Null);
            }
            Country::parse(&text)
                .map(|country| Value::String(country.code().to_owned()))
                .ok_or_else(|| lang.t("form.country").to_owned())
        }
        // Not required: empty means unknown (an organisation's kind the source does not give).
        FieldKind::Choice(_) if empty => Ok(Value::Null),
        FieldKind::Choice(options) => options
            .iter()
            .find(|value| **value == text)
            .map(|value| Value::String((*value).to_owned()))
            .ok_or_else(|| lang.tf("form.listed", &[("label", label)])),
        FieldKind::Date => {
            if empty {
                return Ok(Value::Null);
            }
            time::Date::parse(&text, format_description!("[year]-[month]-[day]"))
                .map(|_| Value::String(text))
                .map_err(|_| lang.t("form.date").to_owned())
        }
        FieldKind::BeijingTime => {
            if empty {
                return Ok(Value::Null);
            }
            beijing_time::parse_wall_clock(&text)
                .map(|at| Value::String(beijing_time::rfc3339(at)))
                .ok_or_else(|| lang.t("form.beijing_time").to_owned())
        }
        FieldKind::Published => Ok(Value::Bool(!empty)),
        FieldKind::Position => {
            if empty {
                return Ok(Value::from(0));
            }
            match text.parse::<i32>() {
                Ok(number) if (0..=1_000_000).contains(&number) => Ok(Value::from(number)),
                _ => Err(lang.t("form.number").to_owned()),
            }
        }
        FieldKind::PlanLength { positive } => {
            if empty {
                return Ok(Value::Null);
            }
            super::plan_form::parse_length(&text, positive, lang)
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
                .ok_or_else(|| lang.tf("form.listed", &[("label", label)]))
        }
    }
}

/// Trim, unify line ends, and refuse NUL and other control characters (line breaks and tabs
/// only where paragraphs are expected).
fn clean(raw: &str, multiline: bool, lang: Lang) -> Result<String, String> {
    let text = raw.replace("\r\n", "\n").replace('\r', "\n");
    if text.contains('\0') {
        return Err(lang.t("form.nul").to_owned());
    }
    if text
        .chars()
        .any(|c| c.is_control() && !(multiline && (c == '\n' || c == '\t')))
    {
        return Err(lang
            .t(if multiline {
                "form.control"
            } else {
                "form.one_line"
            })
            .to_owned());
    }
    if let Some(hidden) = text.chars().find(|&c| is_hidden_format(c, multiline)) {
        return Err(lang.tf(
            "form.invisible",
            &[("code", &format!("U+{:04X}", hidden as u32))],
        ));
    }
    Ok(text.trim().to_owned())
}

/// Invisible characters that change how text reads without showing themselves: the bidi
/// embeddings, overrides and isolates (U+202A–202E, U+2066–2069, which can make a name read
/// backwards) everywhere; in one-line fields (names, titles) also the direction marks and
/// zero-width characters that make two names look alike. The zero-width joiner and non-joiner
/// stay allowed: Urdu and other scripts need them to join or separate letters.
fn is_hidden_format(c: char, multiline: bool) -> bool {
    let reorders = matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    let invisible = matches!(
        c,
        '\u{200B}' | '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{2060}'
            ..='\u{2064}' | '\u{FEFF}' | '\u{180E}'
    );
    reorders || (!multiline && invisible)
}

fn check_date_order(
    spec: &EntitySpec,
    values: &Map<String, Value>,
    errors: &mut Vec<FieldError>,
    lang: Lang,
) {
    let (Some(Value::String(start)), Some(Value::String(end))) =
        (values.get("fair_starts_on"), values.get("fair_ends_on"))
    else {
        return;
    };
    // ISO dates compare correctly as text.
    if start > end {
        errors.push(FieldError {
            column: "fair_ends_on".to_owned(),
            label: spec.label_of("fair_ends_on", lang),
            message: lang.t("form.fair_order").to_owned(),
        });
    }
}

/// A programme item ends after it starts, on the same day in Beijing (pages show it as
/// `09:30–10:15` under one date).
fn check_time_order(
    spec: &EntitySpec,
    values: &Map<String, Value>,
    errors: &mut Vec<FieldError>,
    lang: Lang,
) {
    let (Some(Value::String(start)), Some(Value::String(end))) =
        (values.get("starts_at"), values.get("ends_at"))
    else {
        return;
    };
    let (Some(start), Some(end)) = (
        beijing_time::parse_stored(start),
        beijing_time::parse_stored(end),
    ) else {
        return;
    };
    let same_day = beijing_time::in_beijing(start).date() == beijing_time::in_beijing(end).date();
    if end <= start || !same_day {
        errors.push(FieldError {
            column: "ends_at".to_owned(),
            label: spec.label_of("ends_at", lang),
            message: lang.t("form.programme_order").to_owned(),
        });
    }
}

/// An entry's members: each listed among the choices, each once, in the order given.
fn parse_members(
    members: Members,
    raw: &[String],
    choices: &Choices,
    lang: Lang,
) -> Result<Vec<i64>, String> {
    let mut ids = Vec::new();
    for value in raw.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
        let id = value
            .parse::<i64>()
            .ok()
            .filter(|id| {
                choices
                    .of(members.table)
                    .iter()
                    .any(|(candidate, _)| candidate == id)
            })
            .ok_or_else(|| lang.t(&format!("form.{}_listed", members.name)).to_owned())?;
        if ids.contains(&id) {
            return Err(lang.t(&format!("form.{}_once", members.name)).to_owned());
        }
        ids.push(id);
    }
    Ok(ids)
}

/// How a stored value reads for a person (lists, conflicts, history).
pub fn display(
    spec: &EntitySpec,
    column: &str,
    value: Option<&Value>,
    choices: &Choices,
    lang: Lang,
) -> String {
    let value = value.unwrap_or(&Value::Null);
    if let Some(members) = spec.members.filter(|m| m.name == column) {
        let names: Vec<String> = value
            .as_array()
            .map(|ids| {
                ids.iter()
                    .filter_map(Value::as_i64)
                    .map(|id| choices.label(members.table, id, lang))
                    .collect()
            })
            .unwrap_or_default();
        return if names.is_empty() {
            lang.t("admin.none").to_owned()
        } else {
            names.join("; ")
        };
    }
    let field = spec.fields.iter().find(|f| f.column == column);
    if let (Some(key), Value::Null) = (field.and_then(|f| f.empty_means), value) {
        return lang.t(key).to_owned();
    }
    let kind = field.map(|f| f.kind);
    match (kind, value) {
        (_, Value::Null) => "—".to_owned(),
        (Some(FieldKind::Reference(table)), Value::Number(number)) => number
            .as_i64()
            .map_or_else(|| number.to_string(), |id| choices.label(table, id, lang)),
        (Some(FieldKind::Choice(options)), Value::String(text)) => {
            options.iter().find(|v| **v == text).map_or_else(
                || text.clone(),
                |value| choice_label(value, lang).to_owned(),
            )
        }
        (Some(FieldKind::BeijingTime), Value::String(text)) => beijing_time::parse_stored(text)
            .map_or_else(
                || text.clone(),
                |at| {
                    lang.tf(
                        "programme.admin_time",
                        &[("time", &beijing_time::input_value(at).replace('T', " "))],
                    )
                },
            ),
        (Some(FieldKind::Published), Value::Bool(published)) => lang
            .t(if *published {
                "admin.published"
            } else {
                "admin.draft"
            })
            .to_owned(),
        (_, Value::Object(versions)) => {
            let mut parts: Vec<String> = Vec::new();
            if let Some(en) = versions.get("en").and_then(Value::as_str) {
                parts.push(en.to_owned());
            }
            let marked = versions.get("translated").and_then(Value::as_array);
            for (language, text) in versions
                .iter()
                .filter(|(l, _)| !matches!(l.as_str(), "en" | "translated"))
            {
                let translated = marked.is_some_and(|codes| codes.iter().any(|c| c == language));
                let mark = if translated {
                    format!(" · {}", lang.t("admin.translation_short"))
                } else {
                    String::new()
                };
                parts.push(format!(
                    "[{language}{mark}] {}",
                    text.as_str().unwrap_or_default()
                ));
            }
            parts.join(" · ")
        }
        (_, Value::String(text)) => text.clone(),
        (_, other) => other.to_string(),
    }
}

/// How a stored value reads in a list or a heading: like [`display`], but a text shows only its
/// version in `lang` (else English), not every version.
pub fn display_brief(
    spec: &EntitySpec,
    column: &str,
    value: Option<&Value>,
    choices: &Choices,
    lang: Lang,
) -> String {
    if let Some(Value::Object(versions)) = value {
        let version = |code: &str| {
            versions
                .get(code)
                .and_then(Value::as_str)
                .filter(|text| !text.trim().is_empty())
        };
        if let Some(text) = version(lang.code()).or_else(|| version("en")) {
            return text.to_owned();
        }
    }
    display(spec, column, value, choices, lang)
}

/// How a form input's raw value reads for a person (the conflict table): choices and
/// references by their names, the parties by theirs, a translation mark as such.
pub fn display_input(
    spec: &EntitySpec,
    input: &str,
    value: &str,
    choices: &Choices,
    lang: Lang,
) -> String {
    if let Some(members) = spec.members.filter(|m| m.name == input) {
        let names: Vec<String> = value
            .split(',')
            .filter_map(|id| id.parse::<i64>().ok())
            .map(|id| choices.label(members.table, id, lang))
            .collect();
        return if names.is_empty() {
            lang.t("admin.none").to_owned()
        } else {
            names.join("; ")
        };
    }
    if input.ends_with(".translated") {
        return lang
            .t(if value == "on" {
                "admin.translation_short"
            } else {
                "admin.original_short"
            })
            .to_owned();
    }
    let kind = spec
        .fields
        .iter()
        .find(|f| f.column == input)
        .map(|f| f.kind);
    match kind {
        Some(FieldKind::Published) => lang
            .t(if value == "on" {
                "admin.published"
            } else {
                "admin.draft"
            })
            .to_owned(),
        _ if value.is_empty() => "—".to_owned(),
        Some(FieldKind::Reference(table)) => value
            .parse::<i64>()
            .map_or_else(|_| value.to_owned(), |id| choices.label(table, id, lang)),
        Some(FieldKind::Choice(options)) => {
            options.iter().find(|option| **option == value).map_or_else(
                || value.to_owned(),
                |option| choice_label(option, lang).to_owned(),
            )
        }
        _ => value.to_owned(),
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
    lang: Lang,
) -> Vec<Change> {
    let mut columns: Vec<&str> = spec.fields.iter().map(|f| f.column).collect();
    if let Some(members) = spec.members {
        columns.push(members.name);
    }
    columns
        .into_iter()
        .filter_map(|column| {
            let old = before.and_then(|row| row.get(column));
            let new = after.and_then(|row| row.get(column));
            let same = old.unwrap_or(&Value::Null) == new.unwrap_or(&Value::Null);
            (!same).then(|| Change {
                label: spec.label_of(column, lang),
                before: if before.is_some() {
                    display(spec, column, old, choices, lang)
                } else {
                    "—".to_owned()
                },
                after: if after.is_some() {
                    display(spec, column, new, choices, lang)
                } else {
                    "—".to_owned()
                },
            })
        })
        .collect()
}

/// The uploads (photo, logo, documents; migration 0014) whose file changed between `before`
/// and `after`, said in words ("picture no. 12", "none") since they are not form fields.
pub fn media_changes(
    spec: &EntitySpec,
    before: Option<&Map<String, Value>>,
    after: Option<&Map<String, Value>>,
    lang: Lang,
) -> Vec<Change> {
    let describe = |row: Option<&Map<String, Value>>, column: &str| match row {
        None => "—".to_owned(),
        Some(row) => match row.get(column).and_then(Value::as_i64) {
            Some(id) => lang.tf1("media.history.file", "id", lang.number(id)),
            None => lang.t("media.history.none").to_owned(),
        },
    };
    crate::db::media::columns_of(spec.key)
        .iter()
        .filter(|column| {
            let old = before
                .and_then(|row| row.get(**column))
                .unwrap_or(&Value::Null);
            let new = after
                .and_then(|row| row.get(**column))
                .unwrap_or(&Value::Null);
            old != new && !(before.is_none() && new.is_null())
        })
        .map(|column| Change {
            label: lang.t(&format!("media.history.{column}")).to_owned(),
            before: describe(before, column),
            after: describe(after, column),
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
    pub name: String,
    pub label: String,
    /// `text`, `textarea`, `select`, `checkbox`, `date`, `number` or `url`.
    pub widget: &'static str,
    pub value: String,
    pub options: Vec<OptionView>,
    pub required: bool,
    pub error: Option<String>,
    pub hint: &'static str,
    pub max_chars: usize,
    /// A select's empty choice: "Choose…", "(none)", or what an empty value means.
    pub empty_choice: &'static str,
    /// For a translation's input: its language tag and direction.
    pub lang: Option<(&'static str, &'static str)>,
    /// For a translation's input: whether its "this is a translation" box is ticked.
    pub translated: Option<bool>,
    /// For a translation's input: the English version, shown beside it to translate from.
    pub original: Option<String>,
}

impl FieldView {
    /// The language tag of a translation's input.
    pub fn lang_tag(&self) -> Option<&'static str> {
        self.lang.map(|(tag, _)| tag)
    }

    /// The writing direction of a translation's input.
    pub fn lang_dir(&self) -> &'static str {
        self.lang.map_or("ltr", |(_, dir)| dir)
    }

    /// The ids the field's `aria-describedby` names (hint and error), if any.
    pub fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if !self.hint.is_empty() {
            ids.push(format!("field-{}-hint", self.name));
        }
        if self.original.is_some() {
            ids.push(format!("field-{}-original", self.name));
        }
        if self.error.is_some() {
            ids.push(format!("field-{}-error", self.name));
        }
        ids.join(" ")
    }
}

/// The inputs of `spec` (three per localized field) with `raw` values and `errors`, ready to draw.
pub fn field_views(
    spec: &EntitySpec,
    raw: &RawValues,
    errors: &[FieldError],
    choices: &Choices,
    lang: Lang,
) -> Vec<FieldView> {
    let mut views = Vec::new();
    for field in spec.fields {
        let (widget, options) = match field.kind {
            FieldKind::LocalizedLong | FieldKind::LongText => ("textarea", Vec::new()),
            FieldKind::Url => ("url", Vec::new()),
            FieldKind::Date => ("date", Vec::new()),
            FieldKind::BeijingTime => ("datetime-local", Vec::new()),
            FieldKind::Published => ("checkbox", Vec::new()),
            FieldKind::Position => ("number", Vec::new()),
            FieldKind::Choice(options) => (
                "select",
                options
                    .iter()
                    .map(|v| OptionView {
                        value: (*v).to_owned(),
                        label: choice_label(v, lang).to_owned(),
                        selected: *v == raw.get(field.column),
                    })
                    .collect(),
            ),
            FieldKind::Reference(table) => (
                "select",
                reference_options(choices.of(table), raw.get(field.column)),
            ),
            FieldKind::Localized
            | FieldKind::Text
            | FieldKind::Slug
            | FieldKind::Country
            | FieldKind::PlanLength { .. } => ("text", Vec::new()),
        };
        let localized = matches!(field.kind, FieldKind::Localized | FieldKind::LocalizedLong);
        for (index, name) in input_names(field).into_iter().enumerate() {
            let translation = index.checked_sub(1).map(|i| TRANSLATIONS[i]);
            let label = match translation {
                Some((code, ..)) => lang.tf(
                    "field.in_language",
                    &[
                        ("label", field.label_in(lang)),
                        ("language", lang.t(&format!("language.{code}"))),
                    ],
                ),
                None if localized => lang.tf(
                    "field.in_language",
                    &[
                        ("label", field.label_in(lang)),
                        ("language", lang.t("language.en")),
                    ],
                ),
                None => field.label_in(lang).to_owned(),
            };
            views.push(FieldView {
                label,
                widget,
                value: raw.get(&name).to_owned(),
                options: options.clone(),
                required: field.required && translation.is_none(),
                error: errors
                    .iter()
                    .find(|e| e.column == name)
                    .map(|e| e.message.clone()),
                hint: if translation.is_none() {
                    field.hint_in(lang)
                } else {
                    ""
                },
                translated: translation.map(|_| raw.get(&format!("{name}.translated")) == "on"),
                original: translation
                    .map(|_| raw.get(field.column).to_owned())
                    .filter(|english| !english.is_empty()),
                max_chars: field.max_chars,
                empty_choice: field.empty_choice_in(lang),
                // Latin-script inputs stay left to right on an Urdu page.
                lang: match (translation, field.kind) {
                    (Some((_, _, tag, dir)), _) => Some((tag, dir)),
                    (None, FieldKind::Localized | FieldKind::LocalizedLong) => Some(("en", "ltr")),
                    (
                        None,
                        FieldKind::Slug
                        | FieldKind::Url
                        | FieldKind::Country
                        | FieldKind::PlanLength { .. },
                    ) => Some(("en", "ltr")),
                    _ => None,
                },
                name,
            });
        }
    }
    views
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

/// The member rows of a form (an agreement's parties, an item's speakers): the chosen
/// members, then two empty rows to add more.
pub fn member_rows(members: Members, raw: &RawValues, choices: &Choices) -> Vec<Vec<OptionView>> {
    raw.members
        .iter()
        .filter(|p| !p.trim().is_empty())
        .map(String::as_str)
        .chain(["", ""])
        .map(|selected| reference_options(choices.of(members.table), selected))
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
        let errors = parse(spec, &raw, &Choices::default(), Lang::En).unwrap_err();
        let columns: Vec<&str> = errors.iter().map(|e| e.column.as_str()).collect();
        assert_eq!(
            columns,
            ["name", "short_name", "slug", "country", "kind", "website"]
        );
    }

    #[test]
    fn valid_input_is_trimmed_and_every_language_is_kept() {
        let spec = spec::find("organisations").unwrap();
        let raw = RawValues::from_submission(
            spec,
            &submission(&[
                ("name", "  New name "),
                ("name.zh", " 旧 "),
                ("slug", "new-name"),
                ("kind", "company"),
                ("country", "pk"),
                ("website", "https://example.org"),
                ("published", "on"),
            ]),
        );
        let parsed = parse(spec, &raw, &Choices::default(), Lang::En).unwrap();
        assert_eq!(
            parsed.values["name"],
            serde_json::json!({"en": "New name", "zh": "旧"})
        );
        assert_eq!(parsed.values["country"], "PK");
        assert_eq!(parsed.values["published"], true);
        assert_eq!(parsed.values["description"], Value::Null);
    }

    #[test]
    fn a_translation_needs_the_english_version() {
        let spec = spec::find("organisations").unwrap();
        let raw = RawValues::from_submission(
            spec,
            &submission(&[
                ("name", "Org"),
                ("slug", "org"),
                ("kind", "company"),
                ("description.ur", "تفصیل"),
            ]),
        );
        let errors = parse(spec, &raw, &Choices::default(), Lang::En).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].column, "description");
        assert!(errors[0].message.contains("English version too"));
        let raw =
            RawValues::from_submission(spec, &submission(&[("name", "Org"), ("name.zh", "a\0b")]));
        let errors = parse(spec, &raw, &Choices::default(), Lang::En).unwrap_err();
        assert!(
            errors
                .iter()
                .any(|e| e.column == "name.zh" && e.label == "Name (Chinese · 中文)")
        );
    }

    #[test]
    fn bidi_controls_and_zero_width_characters_are_refused_in_names() {
        let lang = Lang::En;
        for hidden in ["\u{202E}", "\u{2066}", "\u{200B}", "\u{FEFF}", "\u{200F}"] {
            let name = format!("Moin{hidden} ul Haque");
            let error = clean(&name, false, lang).unwrap_err();
            assert!(error.contains("U+"), "{error}");
        }
        // An override is refused in paragraphs too; a direction mark is not.
        assert!(clean("a\u{202E}b", true, lang).is_err());
        assert!(clean("a\u{200F}b", true, lang).is_ok());
        // Urdu needs the joiner and non-joiner.
        assert!(clean("\u{0645}\u{200C}\u{06CC}\u{200D}", false, lang).is_ok());
    }

    #[test]
    fn parties_must_be_listed_and_distinct() {
        let choices = Choices {
            organisations: vec![(1, "A".into()), (2, "B".into())],
            people: vec![],
            sources: vec![],
            halls: vec![],
        };
        let parties = spec::find("agreements").unwrap().members.unwrap();
        assert_eq!(
            parse_members(
                parties,
                &["2".into(), "".into(), "1".into()],
                &choices,
                Lang::En
            )
            .unwrap(),
            [2, 1]
        );
        assert!(parse_members(parties, &["1".into(), "1".into()], &choices, Lang::En).is_err());
        assert!(parse_members(parties, &["3".into()], &choices, Lang::En).is_err());
    }
}
