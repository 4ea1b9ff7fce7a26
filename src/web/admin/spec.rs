//! What the admin knows about each editable entity: its table, its fields and how to list it.
//! The generic handlers in `entities.rs` and the form logic in `form.rs` work from these.

use crate::db::entities::{self, ReferenceTable, TableSql};
use crate::i18n::{AsLang, Lang};

/// One editable entity.
#[derive(Debug)]
pub struct EntitySpec {
    /// URL segment and history name (the table's name): `organisations`.
    pub key: &'static str,
    /// "organisation".
    pub singular: &'static str,
    /// "Organisations".
    pub plural: &'static str,
    pub sql: &'static TableSql,
    pub fields: &'static [Field],
    /// The column that names an entry in lists and headings.
    pub title: &'static str,
    /// Public page prefix (`/speakers/`), followed by the slug; `None` when it has no page.
    pub public_prefix: Option<&'static str>,
    /// Columns a list can be narrowed by.
    pub filters: &'static [Filter],
    /// Columns a list can be sorted by: (column, label); the first is the default.
    pub sorts: &'static [(&'static str, &'static str)],
    /// Agreements: an ordered list of party organisations is edited with the entry.
    pub has_parties: bool,
    /// The forum: one entry, never created or deleted.
    pub singleton: bool,
}

impl EntitySpec {
    /// The entity's name in `lang`, for headings and the menu ("Organisations").
    pub fn plural_in(&self, lang: impl AsLang) -> &'static str {
        let lang = lang.as_lang();
        lang.t_opt(&format!("entity.{}", self.key))
            .unwrap_or(self.plural)
    }

    /// One entry's kind in `lang`, for sentences ("organisation").
    pub fn singular_in(&self, lang: impl AsLang) -> &'static str {
        let lang = lang.as_lang();
        lang.t_opt(&format!("entity.{}.one", self.key))
            .or_else(|| lang.t_opt(&format!("entity.{}", self.key)))
            .unwrap_or(self.singular)
    }

    /// Whether entries can be held back as drafts.
    pub fn has_published(&self) -> bool {
        self.fields
            .iter()
            .any(|f| matches!(f.kind, FieldKind::Published))
    }

    /// The label of a column in `lang`, for diffs and conflicts.
    pub fn label_of(&self, column: &str, lang: Lang) -> String {
        match self.fields.iter().find(|f| f.column == column) {
            Some(field) => field.label_in(lang).to_owned(),
            None => lang
                .t_opt(&format!("field.{column}"))
                .map_or_else(|| column.replace('_', " "), str::to_owned),
        }
    }
}

/// One form field, bound to one column.
#[derive(Debug)]
pub struct Field {
    pub column: &'static str,
    pub label: &'static str,
    pub kind: FieldKind,
    pub required: bool,
    /// Longest accepted value, in characters.
    pub max_chars: usize,
    pub hint: &'static str,
    /// The catalogue key of what an empty value means, when it means more than "none"
    /// (an organisation's kind: unknown, the source does not say).
    pub empty_means: Option<&'static str>,
}

impl Field {
    /// The field's label in `lang`.
    pub fn label_in(&self, lang: Lang) -> &'static str {
        lang.t_opt(&format!("field.{}", self.column))
            .unwrap_or(self.label)
    }

    /// The label of a select's empty choice in `lang`.
    pub fn empty_choice_in(&self, lang: Lang) -> &'static str {
        match (self.empty_means, self.required) {
            (Some(key), _) => lang.t(key),
            (None, true) => lang.t("admin.choose"),
            (None, false) => lang.t("admin.none"),
        }
    }

    /// The field's hint in `lang` (empty when it has none).
    pub fn hint_in(&self, lang: Lang) -> &'static str {
        match self.hint_key() {
            Some(key) => lang.t_opt(&key).unwrap_or(self.hint),
            None => "",
        }
    }

    /// The catalogue key of the field's hint, if it has one.
    fn hint_key(&self) -> Option<String> {
        if self.hint.is_empty() {
            return None;
        }
        Some(match (self.column, self.kind) {
            ("kind", FieldKind::Localized) => "hint.agreement_kind".to_owned(),
            (column, _) => format!("hint.{column}"),
        })
    }
}

/// The label of a fixed choice (`company`, `direct`, `PK`, ...) in `lang`.
pub fn choice_label(value: &str, english: &'static str, lang: Lang) -> &'static str {
    ["quote_kind", "kind", "country"]
        .iter()
        .find_map(|prefix| lang.t_opt(&format!("{prefix}.{value}")))
        .unwrap_or(english)
}

/// How a field is entered and stored.
#[derive(Debug, Clone, Copy)]
pub enum FieldKind {
    /// A `localized_text` column edited as one line (English version).
    Localized,
    /// A `localized_text` column edited as paragraphs.
    LocalizedLong,
    /// Plain text.
    Text,
    /// A readable URL key.
    Slug,
    /// An http(s) link.
    Url,
    /// An ISO 3166 two-letter code.
    Country,
    /// One of fixed values: (stored value, label).
    Choice(&'static [(&'static str, &'static str)]),
    /// A calendar date.
    Date,
    /// Whether visitors see the entry.
    Published,
    /// Sort order among its kind.
    Position,
    /// An id of another entity.
    Reference(ReferenceTable),
}

/// A list filter on a column.
#[derive(Debug)]
pub struct Filter {
    pub column: &'static str,
    pub kind: FilterKind,
}

/// Where a filter's choices come from.
#[derive(Debug, Clone, Copy)]
pub enum FilterKind {
    Choice(&'static [(&'static str, &'static str)]),
    Reference(ReferenceTable),
    Published,
}

const fn field(
    column: &'static str,
    label: &'static str,
    kind: FieldKind,
    required: bool,
    max_chars: usize,
) -> Field {
    Field {
        column,
        label,
        kind,
        required,
        max_chars,
        hint: "",
        empty_means: None,
    }
}

/// An optional field whose empty value means what the catalogue's `key` says.
const fn empty_means(mut field: Field, key: &'static str) -> Field {
    field.empty_means = Some(key);
    field
}

const fn hinted(mut field: Field, hint: &'static str) -> Field {
    field.hint = hint;
    field
}

const SLUG_HINT: &str =
    "Part of the page address: lower-case letters, digits and single hyphens, e.g. moin-ul-haque.";
const PUBLISHED_HINT: &str = "Unticked, the entry is a draft: visitors do not see it.";

/// The kinds of organisation the database allows.
pub const ORGANISATION_KINDS: &[(&str, &str)] = &[
    ("embassy", "Embassy"),
    ("government_authority", "Government authority"),
    ("company", "Company"),
    ("association", "Association"),
    ("research_centre", "Research centre"),
    ("other", "Other"),
];

const QUOTE_KINDS: &[(&str, &str)] = &[
    ("direct", "Direct quote (the speaker's own words)"),
    (
        "reported",
        "Reported (the source's account of what was said)",
    ),
];

/// Every editable entity, in the admin's menu order.
pub static ENTITIES: &[&EntitySpec] = &[
    &FORUM,
    &ORGANISATIONS,
    &PEOPLE,
    &QUOTES,
    &AGREEMENTS,
    &BOOTHS,
    &INITIATIVES,
];

/// The entity with this URL key.
pub fn find(key: &str) -> Option<&'static EntitySpec> {
    ENTITIES.iter().copied().find(|spec| spec.key == key)
}

static FORUM: EntitySpec = EntitySpec {
    key: "forum",
    singular: "forum",
    plural: "Forum",
    sql: &entities::FORUM,
    fields: &[
        field("title", "Title", FieldKind::Localized, true, 300),
        field("subtitle", "Subtitle", FieldKind::Localized, false, 300),
        field("held_on", "Held on", FieldKind::Date, true, 10),
        field("city", "City", FieldKind::Localized, true, 100),
        field("summary", "Summary", FieldKind::LocalizedLong, false, 4000),
        field("fair_name", "Host fair", FieldKind::Localized, true, 300),
        field(
            "fair_short_name",
            "Host fair short name",
            FieldKind::Text,
            false,
            40,
        ),
        field(
            "fair_starts_on",
            "Host fair starts on",
            FieldKind::Date,
            false,
            10,
        ),
        field(
            "fair_ends_on",
            "Host fair ends on",
            FieldKind::Date,
            false,
            10,
        ),
    ],
    title: "title",
    public_prefix: None,
    filters: &[],
    sorts: &[("title", "Title")],
    has_parties: false,
    singleton: true,
};

static ORGANISATIONS: EntitySpec = EntitySpec {
    key: "organisations",
    singular: "organisation",
    plural: "Organisations",
    sql: &entities::ORGANISATIONS,
    fields: &[
        field("name", "Name", FieldKind::Localized, true, 300),
        hinted(
            field(
                "short_name",
                "Short name or acronym",
                FieldKind::Text,
                false,
                40,
            ),
            "Shown after the name, e.g. NLC.",
        ),
        hinted(field("slug", "Slug", FieldKind::Slug, true, 80), SLUG_HINT),
        hinted(
            field("country", "Country", FieldKind::Country, false, 2),
            "Two-letter ISO code: PK for Pakistan, CN for China.",
        ),
        empty_means(
            field(
                "kind",
                "Kind",
                FieldKind::Choice(ORGANISATION_KINDS),
                false,
                40,
            ),
            "admin.kind_unknown",
        ),
        field(
            "description",
            "Description",
            FieldKind::LocalizedLong,
            false,
            4000,
        ),
        field("website", "Website", FieldKind::Url, false, 2000),
        hinted(
            field("published", "Published", FieldKind::Published, false, 0),
            PUBLISHED_HINT,
        ),
    ],
    title: "name",
    public_prefix: Some("/organisations/"),
    filters: &[
        Filter {
            column: "kind",
            kind: FilterKind::Choice(ORGANISATION_KINDS),
        },
        Filter {
            column: "country",
            kind: FilterKind::Choice(&[("PK", "Pakistan"), ("CN", "China")]),
        },
        Filter {
            column: "published",
            kind: FilterKind::Published,
        },
    ],
    sorts: &[
        ("name", "Name"),
        ("country", "Country"),
        ("kind", "Kind"),
        ("updated_at", "Last changed"),
    ],
    has_parties: false,
    singleton: false,
};

static PEOPLE: EntitySpec = EntitySpec {
    key: "people",
    singular: "person",
    plural: "People",
    sql: &entities::PEOPLE,
    fields: &[
        field("name", "Name", FieldKind::Localized, true, 200),
        hinted(field("slug", "Slug", FieldKind::Slug, true, 80), SLUG_HINT),
        field("role", "Role", FieldKind::Localized, false, 300),
        field(
            "organisation_id",
            "Organisation",
            FieldKind::Reference(ReferenceTable::Organisations),
            false,
            20,
        ),
        field("bio", "Biography", FieldKind::LocalizedLong, false, 4000),
        field("photo_url", "Photo address", FieldKind::Url, false, 2000),
        hinted(
            field("position", "Order", FieldKind::Position, false, 6),
            "Lists show lower numbers first.",
        ),
        hinted(
            field("published", "Published", FieldKind::Published, false, 0),
            PUBLISHED_HINT,
        ),
    ],
    title: "name",
    public_prefix: Some("/speakers/"),
    filters: &[
        Filter {
            column: "organisation_id",
            kind: FilterKind::Reference(ReferenceTable::Organisations),
        },
        Filter {
            column: "published",
            kind: FilterKind::Published,
        },
    ],
    sorts: &[
        ("position", "Order"),
        ("name", "Name"),
        ("updated_at", "Last changed"),
    ],
    has_parties: false,
    singleton: false,
};

static QUOTES: EntitySpec = EntitySpec {
    key: "quotes",
    singular: "quote",
    plural: "Quotes",
    sql: &entities::QUOTES,
    fields: &[
        field(
            "person_id",
            "Speaker",
            FieldKind::Reference(ReferenceTable::People),
            true,
            20,
        ),
        hinted(
            field("body", "Text", FieldKind::LocalizedLong, true, 8000),
            "Word for word as the source gives it. Separate paragraphs with a blank line.",
        ),
        field("kind", "Kind", FieldKind::Choice(QUOTE_KINDS), true, 20),
        hinted(
            field("position", "Order", FieldKind::Position, false, 6),
            "The speaker's page shows lower numbers first.",
        ),
    ],
    title: "body",
    public_prefix: None,
    filters: &[Filter {
        column: "person_id",
        kind: FilterKind::Reference(ReferenceTable::People),
    }],
    sorts: &[
        ("person_id", "Speaker"),
        ("position", "Order"),
        ("updated_at", "Last changed"),
    ],
    has_parties: false,
    singleton: false,
};

static AGREEMENTS: EntitySpec = EntitySpec {
    key: "agreements",
    singular: "agreement",
    plural: "Agreements",
    sql: &entities::AGREEMENTS,
    fields: &[
        field("title", "Title", FieldKind::Localized, true, 400),
        hinted(field("slug", "Slug", FieldKind::Slug, true, 80), SLUG_HINT),
        hinted(
            field("kind", "Kind", FieldKind::Localized, true, 200),
            "E.g. Strategic Cooperation Agreement, Memorandum of Understanding.",
        ),
        field("signed_on", "Signed on", FieldKind::Date, false, 10),
        field(
            "description",
            "Description",
            FieldKind::LocalizedLong,
            false,
            4000,
        ),
        field(
            "establishes",
            "Establishes",
            FieldKind::Localized,
            false,
            400,
        ),
        field(
            "announced_by_id",
            "Announced by",
            FieldKind::Reference(ReferenceTable::People),
            false,
            20,
        ),
        field("position", "Order", FieldKind::Position, false, 6),
        hinted(
            field("published", "Published", FieldKind::Published, false, 0),
            PUBLISHED_HINT,
        ),
    ],
    title: "title",
    public_prefix: Some("/agreements/"),
    filters: &[Filter {
        column: "published",
        kind: FilterKind::Published,
    }],
    sorts: &[
        ("position", "Order"),
        ("title", "Title"),
        ("signed_on", "Signed on"),
        ("updated_at", "Last changed"),
    ],
    has_parties: true,
    singleton: false,
};

static BOOTHS: EntitySpec = EntitySpec {
    key: "booths",
    singular: "booth",
    plural: "Booths",
    sql: &entities::BOOTHS,
    fields: &[
        field(
            "organisation_id",
            "Organisation",
            FieldKind::Reference(ReferenceTable::Organisations),
            true,
            20,
        ),
        hinted(field("slug", "Slug", FieldKind::Slug, true, 80), SLUG_HINT),
        hinted(
            field("booth_label", "Booth number", FieldKind::Text, false, 40),
            "Leave empty until the fair announces it.",
        ),
        field("hall", "Hall", FieldKind::Text, false, 40),
        field("note", "Note", FieldKind::LocalizedLong, false, 2000),
        field("position", "Order", FieldKind::Position, false, 6),
        hinted(
            field("published", "Published", FieldKind::Published, false, 0),
            PUBLISHED_HINT,
        ),
    ],
    title: "slug",
    public_prefix: Some("/exhibitors/"),
    filters: &[Filter {
        column: "published",
        kind: FilterKind::Published,
    }],
    sorts: &[
        ("position", "Order"),
        ("slug", "Slug"),
        ("updated_at", "Last changed"),
    ],
    has_parties: false,
    singleton: false,
};

static INITIATIVES: EntitySpec = EntitySpec {
    key: "initiatives",
    singular: "initiative",
    plural: "Initiatives",
    sql: &entities::INITIATIVES,
    fields: &[
        field("name", "Name", FieldKind::Localized, true, 300),
        hinted(field("slug", "Slug", FieldKind::Slug, true, 80), SLUG_HINT),
        field(
            "description",
            "Description",
            FieldKind::LocalizedLong,
            false,
            4000,
        ),
        field(
            "mentioned_by_id",
            "Mentioned by",
            FieldKind::Reference(ReferenceTable::People),
            false,
            20,
        ),
        field("position", "Order", FieldKind::Position, false, 6),
    ],
    title: "name",
    public_prefix: None,
    filters: &[],
    sorts: &[
        ("position", "Order"),
        ("name", "Name"),
        ("updated_at", "Last changed"),
    ],
    has_parties: false,
    singleton: false,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_hint_and_choice_is_in_the_catalogues() {
        for lang in Lang::ALL {
            for spec in ENTITIES {
                assert!(
                    lang.t_opt(&format!("entity.{}", spec.key)).is_some(),
                    "{}",
                    spec.key
                );
                for field in spec.fields {
                    assert!(
                        lang.t_opt(&format!("field.{}", field.column)).is_some(),
                        "{}",
                        field.column
                    );
                    if let Some(key) = field.hint_key() {
                        assert!(lang.t_opt(&key).is_some(), "{lang}: no {key}");
                    }
                    if let Some(key) = field.empty_means {
                        assert!(lang.t_opt(key).is_some(), "{lang}: no {key}");
                    }
                    if let FieldKind::Choice(options) = field.kind {
                        for (value, english) in options {
                            let label = choice_label(value, english, lang);
                            assert!(
                                lang == Lang::En || label != *english,
                                "{lang}: no label for {value}"
                            );
                        }
                    }
                }
            }
        }
    }
}
