//! What the admin knows about each editable entity, declared once per entity: its table, its
//! fields (column, kind, limits, hint, choices), how to list, filter and sort it, and its
//! quirks. The SQL of the table (`db::entities::TableSql`), the form, the list, the history
//! diffs and the navigation are all derived from this declaration; labels, hints and choice
//! names come from the catalogues (`field.{column}`, `hint.*`, `entity.{key}`, `kind.*`, ...).
//!
//! Adding a field to an entity: a migration for the column, one `field(...)` line here, and
//! its label (`field.{column}`) in the three catalogues.

use std::sync::OnceLock;

use crate::db::entities::{ReferenceTable, TableSql};
use crate::i18n::{AsLang, Lang};

/// One editable entity.
#[derive(Debug)]
pub struct EntitySpec {
    /// URL segment, table name, history name and catalogue stem: `organisations`.
    pub key: &'static str,
    /// The column that identifies a row (`id`; the forum's constant `history_id`).
    pub key_column: &'static str,
    /// Every editable column, as a form field.
    pub fields: &'static [Field],
    /// The column that names an entry in lists and headings.
    pub title: &'static str,
    /// Public page prefix (`/speakers/`), followed by the slug; `None` when it has no page.
    pub public_prefix: Option<&'static str>,
    /// Columns a list can be narrowed by.
    pub filters: &'static [Filter],
    /// Columns a list can be sorted by; the first is the default.
    pub sorts: &'static [&'static str],
    /// An ordered list of other entries edited with the entry: an agreement's parties, a
    /// programme item's speakers.
    pub members: Option<Members>,
    /// The forum: one entry, never created or deleted.
    pub singleton: bool,
    /// The table's statements, built from the fields at first use.
    sql: OnceLock<TableSql>,
}

impl EntitySpec {
    /// The table's statements (built once from the declared fields).
    pub fn sql(&self) -> &TableSql {
        self.sql.get_or_init(|| {
            let columns: Vec<&str> = self.fields.iter().map(|f| f.column).collect();
            TableSql::new(self.key, self.key_column, &columns)
        })
    }

    /// The columns a list's search looks in: the texts, names and addresses people type.
    pub fn searched_columns(&self) -> Vec<&'static str> {
        self.fields
            .iter()
            .filter(|f| {
                matches!(
                    f.kind,
                    FieldKind::Localized
                        | FieldKind::LocalizedLong
                        | FieldKind::Text
                        | FieldKind::LongText
                        | FieldKind::Slug
                        | FieldKind::Url
                )
            })
            .map(|f| f.column)
            .collect()
    }

    /// The entity's name in `lang`, for headings and the menu ("Organisations").
    pub fn plural_in(&self, lang: impl AsLang) -> &'static str {
        lang.as_lang().t(&format!("entity.{}", self.key))
    }

    /// One entry's kind in `lang`, for sentences ("organisation").
    pub fn singular_in(&self, lang: impl AsLang) -> &'static str {
        let lang = lang.as_lang();
        lang.t_opt(&format!("entity.{}.one", self.key))
            .unwrap_or_else(|| self.plural_in(lang))
    }

    /// Whether entries can be held back as drafts.
    pub fn has_published(&self) -> bool {
        self.fields
            .iter()
            .any(|f| matches!(f.kind, FieldKind::Published))
    }

    /// The label of a column in `lang`, for diffs and conflicts.
    pub fn label_of(&self, column: &str, lang: Lang) -> String {
        lang.t_opt(&format!("field.{column}"))
            .map_or_else(|| column.replace('_', " "), str::to_owned)
    }
}

/// One form field, bound to one column.
#[derive(Debug)]
pub struct Field {
    pub column: &'static str,
    pub kind: FieldKind,
    pub required: bool,
    /// Longest accepted value, in characters.
    pub max_chars: usize,
    /// The catalogue key of the hint shown under the label, if any.
    pub hint: Option<&'static str>,
    /// The catalogue key of what an empty value means, when it means more than "none"
    /// (an organisation's kind: unknown, the source does not say).
    pub empty_means: Option<&'static str>,
}

impl Field {
    /// The field's label in `lang`.
    pub fn label_in(&self, lang: Lang) -> &'static str {
        lang.t(&format!("field.{}", self.column))
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
        self.hint.map_or("", |key| lang.t(key))
    }

    /// Whether the field holds a text in every language (`localized_text`).
    pub fn is_localized(&self) -> bool {
        matches!(self.kind, FieldKind::Localized | FieldKind::LocalizedLong)
    }
}

/// The label of a fixed choice (`company`, `direct`, `PK`, ...) in `lang`.
pub fn choice_label(value: &'static str, lang: Lang) -> &'static str {
    ["quote_kind", "kind", "country"]
        .iter()
        .find_map(|prefix| lang.t_opt(&format!("{prefix}.{value}")))
        .unwrap_or(value)
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
    /// Plain text in paragraphs (a source's own text).
    LongText,
    /// A readable URL key.
    Slug,
    /// An http(s) link.
    Url,
    /// An ISO 3166 two-letter code.
    Country,
    /// One of fixed stored values (named by [`choice_label`]).
    Choice(&'static [&'static str]),
    /// A calendar date.
    Date,
    /// Whether visitors see the entry.
    Published,
    /// Sort order among its kind.
    Position,
    /// An id of another entity.
    Reference(ReferenceTable),
    /// A length or coordinate on a hall's floor plan, in the hall's plan units: a decimal
    /// number from 0 to [`PLAN_LENGTH_MAX`] with at most two decimals (`positive`: above 0).
    PlanLength { positive: bool },
    /// A moment (`timestamptz`), entered and shown as Beijing wall-clock time
    /// (`<input type="datetime-local">`, see `domain::beijing_time`).
    BeijingTime,
}

/// An ordered list of entries of another table that belongs to an entry and is edited with it
/// (an agreement's parties, a programme item's speakers): kept in a table of its own, shown in
/// history snapshots under `name` (see `history_snapshot` in the migrations), merged and diffed
/// as one value.
#[derive(Debug, Clone, Copy)]
pub struct Members {
    /// The form input and history key (`parties`, `speakers`), and the catalogue stem of its
    /// texts: `field.{name}`, `admin.{name}` (the legend), `admin.{name}.hint`,
    /// `form.{name}_listed` and `form.{name}_once` (the errors).
    pub name: &'static str,
    /// The catalogue key of one row's label ("Party {number}").
    pub row_label: &'static str,
    /// What the members are.
    pub table: ReferenceTable,
}

impl Members {
    /// The form's legend for the list in `lang` ("Parties, in order").
    pub fn legend_in(&self, lang: impl AsLang) -> &'static str {
        lang.as_lang().t(&format!("admin.{}", self.name))
    }

    /// The hint under the legend in `lang`.
    pub fn hint_in(&self, lang: impl AsLang) -> &'static str {
        lang.as_lang().t(&format!("admin.{}.hint", self.name))
    }
}

/// The largest length on a floor plan, in plan units (`numeric(7, 2)` in the database).
pub const PLAN_LENGTH_MAX: f64 = 10_000.0;

/// A list filter on a column.
#[derive(Debug)]
pub struct Filter {
    pub column: &'static str,
    pub kind: FilterKind,
}

/// Where a filter's choices come from.
#[derive(Debug, Clone, Copy)]
pub enum FilterKind {
    Choice(&'static [&'static str]),
    Reference(ReferenceTable),
    /// An organisation among an agreement's parties (the column is `parties`).
    Parties,
    Published,
}

const fn field(column: &'static str, kind: FieldKind, required: bool, max_chars: usize) -> Field {
    Field {
        column,
        kind,
        required,
        max_chars,
        hint: None,
        empty_means: None,
    }
}

/// An optional field whose empty value means what the catalogue's `key` says.
const fn empty_means(mut field: Field, key: &'static str) -> Field {
    field.empty_means = Some(key);
    field
}

/// A field with the hint the catalogue's `key` holds.
const fn hinted(mut field: Field, key: &'static str) -> Field {
    field.hint = Some(key);
    field
}

const fn slug() -> Field {
    hinted(field("slug", FieldKind::Slug, true, 80), "hint.slug")
}

const fn published() -> Field {
    hinted(
        field("published", FieldKind::Published, false, 0),
        "hint.published",
    )
}

/// The source an entry's facts come from.
const fn source() -> Field {
    hinted(
        field(
            "source_id",
            FieldKind::Reference(ReferenceTable::Sources),
            false,
            20,
        ),
        "hint.source",
    )
}

const fn position() -> Field {
    hinted(
        field("position", FieldKind::Position, false, 6),
        "hint.position",
    )
}

const fn entity(
    key: &'static str,
    fields: &'static [Field],
    title: &'static str,
    sorts: &'static [&'static str],
) -> EntitySpec {
    EntitySpec {
        key,
        key_column: "id",
        fields,
        title,
        public_prefix: None,
        filters: &[],
        sorts,
        members: None,
        singleton: false,
        sql: OnceLock::new(),
    }
}

impl EntitySpec {
    /// Its entries have public pages at `prefix` + slug.
    const fn public_at(mut self, prefix: &'static str) -> Self {
        self.public_prefix = Some(prefix);
        self
    }

    /// Its lists can be narrowed by `filters`.
    const fn filtered_by(mut self, filters: &'static [Filter]) -> Self {
        self.filters = filters;
        self
    }

    /// Its entries carry an ordered list of `members` (an agreement's parties), edited with them.
    const fn with_members(mut self, members: Members) -> Self {
        self.members = Some(members);
        self
    }

    /// The forum: one entry, keyed by `key_column`, never created or deleted.
    const fn single(mut self, key_column: &'static str) -> Self {
        self.key_column = key_column;
        self.singleton = true;
        self
    }
}

/// The kinds of organisation the database allows.
pub const ORGANISATION_KINDS: &[&str] = &[
    "embassy",
    "government_authority",
    "company",
    "association",
    "research_centre",
    "other",
];

const QUOTE_KINDS: &[&str] = &["direct", "reported"];

/// Each entity's table and its editable columns, as declared (for a test against the schema):
/// the form's fields, and the uploads its media page edits (`db::media::columns_of`).
pub fn declared_columns() -> Vec<(&'static str, Vec<&'static str>)> {
    ENTITIES
        .iter()
        .map(|spec| {
            let mut columns: Vec<&'static str> = spec.fields.iter().map(|f| f.column).collect();
            columns.extend_from_slice(crate::db::media::columns_of(spec.key));
            (spec.key, columns)
        })
        .collect()
}

/// Every editable entity, in the admin's menu order.
pub static ENTITIES: &[&EntitySpec] = &[
    &FORUM,
    &ORGANISATIONS,
    &PEOPLE,
    &QUOTES,
    &AGREEMENTS,
    &BOOTHS,
    &HALLS,
    &INITIATIVES,
    &PROGRAMME_ITEMS,
    &SOURCES,
];

/// The entity with this URL key.
pub fn find(key: &str) -> Option<&'static EntitySpec> {
    ENTITIES.iter().copied().find(|spec| spec.key == key)
}

static FORUM: EntitySpec = entity(
    "forum",
    &[
        field("title", FieldKind::Localized, true, 300),
        field("subtitle", FieldKind::Localized, false, 300),
        field("held_on", FieldKind::Date, true, 10),
        field("city", FieldKind::Localized, true, 100),
        field("summary", FieldKind::LocalizedLong, false, 4000),
        field("fair_name", FieldKind::Localized, true, 300),
        field("fair_short_name", FieldKind::Text, false, 40),
        field("fair_starts_on", FieldKind::Date, false, 10),
        field("fair_ends_on", FieldKind::Date, false, 10),
        source(),
    ],
    "title",
    &["title"],
)
.single("history_id");

static ORGANISATIONS: EntitySpec = entity(
    "organisations",
    &[
        field("name", FieldKind::Localized, true, 300),
        hinted(
            field("short_name", FieldKind::Text, false, 40),
            "hint.short_name",
        ),
        slug(),
        hinted(
            field("country", FieldKind::Country, false, 2),
            "hint.country",
        ),
        empty_means(
            field("kind", FieldKind::Choice(ORGANISATION_KINDS), false, 40),
            "admin.kind_unknown",
        ),
        field("description", FieldKind::LocalizedLong, false, 4000),
        field("website", FieldKind::Url, false, 2000),
        source(),
        published(),
    ],
    "name",
    &["name", "country", "kind", "updated_at"],
)
.public_at("/organisations/")
.filtered_by(&[
    Filter {
        column: "kind",
        kind: FilterKind::Choice(ORGANISATION_KINDS),
    },
    Filter {
        column: "country",
        kind: FilterKind::Choice(&["PK", "CN"]),
    },
    Filter {
        column: "published",
        kind: FilterKind::Published,
    },
]);

static PEOPLE: EntitySpec = entity(
    "people",
    &[
        field("name", FieldKind::Localized, true, 200),
        slug(),
        field("role", FieldKind::Localized, false, 300),
        field(
            "organisation_id",
            FieldKind::Reference(ReferenceTable::Organisations),
            false,
            20,
        ),
        field("bio", FieldKind::LocalizedLong, false, 4000),
        field("photo_url", FieldKind::Url, false, 2000),
        position(),
        source(),
        published(),
    ],
    "name",
    &["position", "name", "updated_at"],
)
.public_at("/speakers/")
.filtered_by(&[
    Filter {
        column: "organisation_id",
        kind: FilterKind::Reference(ReferenceTable::Organisations),
    },
    Filter {
        column: "published",
        kind: FilterKind::Published,
    },
]);

static QUOTES: EntitySpec = entity(
    "quotes",
    &[
        field(
            "person_id",
            FieldKind::Reference(ReferenceTable::People),
            true,
            20,
        ),
        hinted(
            field("body", FieldKind::LocalizedLong, true, 8000),
            "hint.body",
        ),
        field("kind", FieldKind::Choice(QUOTE_KINDS), true, 20),
        position(),
        source(),
    ],
    "body",
    &["person_id", "position", "updated_at"],
)
.filtered_by(&[Filter {
    column: "person_id",
    kind: FilterKind::Reference(ReferenceTable::People),
}]);

static AGREEMENTS: EntitySpec = entity(
    "agreements",
    &[
        field("title", FieldKind::Localized, true, 400),
        slug(),
        hinted(
            field("kind", FieldKind::Localized, true, 200),
            "hint.agreement_kind",
        ),
        field("signed_on", FieldKind::Date, false, 10),
        field("description", FieldKind::LocalizedLong, false, 4000),
        field("establishes", FieldKind::Localized, false, 400),
        field(
            "announced_by_id",
            FieldKind::Reference(ReferenceTable::People),
            false,
            20,
        ),
        position(),
        source(),
        published(),
    ],
    "title",
    &["position", "title", "signed_on", "updated_at"],
)
.public_at("/agreements/")
.filtered_by(&[
    Filter {
        column: "parties",
        kind: FilterKind::Parties,
    },
    Filter {
        column: "published",
        kind: FilterKind::Published,
    },
])
.with_members(Members {
    name: "parties",
    row_label: "admin.party",
    table: ReferenceTable::Organisations,
});

static BOOTHS: EntitySpec = entity(
    "booths",
    &[
        field(
            "organisation_id",
            FieldKind::Reference(ReferenceTable::Organisations),
            true,
            20,
        ),
        slug(),
        hinted(
            field("booth_label", FieldKind::Text, false, 40),
            "hint.booth_label",
        ),
        hinted(
            field(
                "hall_id",
                FieldKind::Reference(ReferenceTable::Halls),
                false,
                20,
            ),
            "hint.plan_hall",
        ),
        hinted(plan_length("plan_x", false), "hint.plan_place"),
        plan_length("plan_y", false),
        plan_length("plan_width", true),
        plan_length("plan_height", true),
        field("note", FieldKind::LocalizedLong, false, 2000),
        position(),
        source(),
        published(),
    ],
    "slug",
    &["position", "slug", "updated_at"],
)
.public_at("/exhibitors/")
.filtered_by(&[
    Filter {
        column: "organisation_id",
        kind: FilterKind::Reference(ReferenceTable::Organisations),
    },
    Filter {
        column: "published",
        kind: FilterKind::Published,
    },
]);

/// A coordinate or length on a floor plan (optional: a booth need not be placed).
const fn plan_length(column: &'static str, positive: bool) -> Field {
    field(column, FieldKind::PlanLength { positive }, false, 12)
}

/// Halls of the fair, each with the size of its floor plan: the booths placed on it are drawn
/// on `/exhibitors`.
static HALLS: EntitySpec = entity(
    "halls",
    &[
        field("name", FieldKind::Localized, true, 100),
        slug(),
        hinted(plan_length("plan_width", true), "hint.plan_size"),
        plan_length("plan_height", true),
        position(),
    ],
    "name",
    &["position", "name", "updated_at"],
);

static INITIATIVES: EntitySpec = entity(
    "initiatives",
    &[
        field("name", FieldKind::Localized, true, 300),
        slug(),
        field("description", FieldKind::LocalizedLong, false, 4000),
        field(
            "mentioned_by_id",
            FieldKind::Reference(ReferenceTable::People),
            false,
            20,
        ),
        position(),
        source(),
    ],
    "name",
    &["position", "name", "updated_at"],
);

/// The forum's programme (issue 14): items with Beijing times, a place and their speakers.
static PROGRAMME_ITEMS: EntitySpec = entity(
    "programme_items",
    &[
        field("title", FieldKind::Localized, true, 300),
        hinted(
            field("starts_at", FieldKind::BeijingTime, true, 0),
            "hint.beijing_time",
        ),
        hinted(
            field("ends_at", FieldKind::BeijingTime, true, 0),
            "hint.beijing_time",
        ),
        hinted(
            field("place", FieldKind::Localized, false, 200),
            "hint.programme_place",
        ),
        field("description", FieldKind::LocalizedLong, false, 4000),
        source(),
        published(),
    ],
    "title",
    &["starts_at", "title", "updated_at"],
)
.filtered_by(&[Filter {
    column: "published",
    kind: FilterKind::Published,
}])
.with_members(Members {
    name: "speakers",
    row_label: "admin.speaker",
    table: ReferenceTable::People,
});

static SOURCES: EntitySpec = entity(
    "sources",
    &[
        hinted(
            field("publisher", FieldKind::Text, true, 300),
            "hint.publisher",
        ),
        slug(),
        field("published_on", FieldKind::Date, true, 10),
        field("url", FieldKind::Url, false, 2000),
        hinted(
            field("body", FieldKind::LongText, false, 100_000),
            "hint.source_body",
        ),
    ],
    "publisher",
    &["published_on", "publisher", "updated_at"],
);

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
                        "{lang}: no label for {}",
                        field.column
                    );
                    for key in field.hint.iter().chain(&field.empty_means) {
                        assert!(lang.t_opt(key).is_some(), "{lang}: no {key}");
                    }
                    if let FieldKind::Choice(options) = field.kind {
                        for value in options {
                            assert_ne!(
                                choice_label(value, lang),
                                *value,
                                "{lang}: no label for {value}"
                            );
                        }
                    }
                }
                if let Some(members) = spec.members {
                    let name = members.name;
                    for key in [
                        format!("field.{name}"),
                        format!("admin.{name}"),
                        format!("admin.{name}.hint"),
                        format!("form.{name}_listed"),
                        format!("form.{name}_once"),
                        members.row_label.to_owned(),
                    ] {
                        assert!(lang.t_opt(&key).is_some(), "{lang}: no {key}");
                    }
                }
                for column in spec
                    .sorts
                    .iter()
                    .chain(spec.filters.iter().map(|f| &f.column))
                {
                    assert!(
                        *column == "updated_at"
                            || spec.members.is_some_and(|m| m.name == *column)
                            || spec.fields.iter().any(|f| f.column == *column),
                        "{}: {column} is sorted or filtered by but is no field",
                        spec.key
                    );
                }
            }
        }
    }
}
