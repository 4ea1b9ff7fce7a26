//! All SQL lives here: one module per entity, plain async functions taking an executor.
//!
//! Public-site queries return only published rows, and link only to published rows,
//! so a visitor never follows a link to a draft. Each public page reads all it shows with one
//! statement (one round trip): PostgreSQL builds the page's data as JSON (`json_build_object`,
//! `json_agg` over correlated subqueries, the fragments in `fragments.rs`), which serde reads
//! straight into the page's types. Every such statement is a constant string with bound
//! parameters, so sqlx prepares it once per connection and reuses it.

#[macro_use]
mod fragments;

pub mod admin_sessions;
pub mod admins;
pub mod agreements;
pub mod api;
pub mod audit;
pub mod booths;
pub mod changes;
pub mod content_changes;
pub mod demo_data;
pub mod entities;
pub mod exports;
pub mod floor_plan;
pub mod forum;
pub mod history;
pub mod initiatives;
pub mod invites;
pub mod login_failures;
pub mod maintenance;
pub mod media;
pub mod organisations;
pub mod people;
pub mod programme;
pub mod quotes;
pub mod search;
pub mod settings;
pub mod setup_tokens;
pub mod sitemap;
pub mod sources;
pub mod two_factor;

use serde::Deserialize;

use crate::domain::LocalizedText;

/// How many entries one page of a public list shows.
pub const PAGE_SIZE: i64 = 50;

/// Which page of a public list to read (numbered from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct PageNumber(i64);

impl PageNumber {
    /// The first page.
    pub const FIRST: Self = Self(1);

    /// `?page=N` as typed: absent means the first page; anything but a number from 1 is `None`.
    pub fn parse(value: Option<&str>) -> Option<Self> {
        match value.map(str::trim) {
            None => Some(Self::FIRST),
            Some(text) => text.parse().ok().filter(|n| *n >= 1).map(Self),
        }
    }

    /// The last page of a list of `total` entries (the first, when it is empty).
    pub fn last_of(total: i64) -> Self {
        Self(page_count(total))
    }

    /// The page's number.
    pub fn get(self) -> i64 {
        self.0
    }

    /// How many entries come before this page (bound as `OFFSET`).
    pub fn offset(self) -> i64 {
        (self.0 - 1).saturating_mul(PAGE_SIZE)
    }
}

/// How many pages `total` entries fill (at least one, which may be empty).
pub fn page_count(total: i64) -> i64 {
    ((total.max(0) + PAGE_SIZE - 1) / PAGE_SIZE).max(1)
}

/// One page of a list read by `sql`, a statement that returns the page as JSON (`$1` the page
/// size, `$2` the offset).
pub(crate) async fn fetch_paged<T: serde::de::DeserializeOwned + Send + Unpin + 'static>(
    db: impl sqlx::PgExecutor<'_>,
    sql: &'static str,
    page: PageNumber,
) -> sqlx::Result<Paged<T>> {
    let sqlx::types::Json(paged) = sqlx::query_scalar(sql)
        .bind(PAGE_SIZE)
        .bind(page.offset())
        .fetch_one(db)
        .await?;
    Ok(paged)
}

/// One page of a list, and how many entries the whole list has.
#[derive(Debug, Clone, Deserialize)]
pub struct Paged<T> {
    /// Entries over every page.
    pub total: i64,
    /// This page's entries, in order.
    pub items: Vec<T>,
}

impl<T> Paged<T> {
    /// How many pages the list has.
    pub fn pages(&self) -> i64 {
        page_count(self.total)
    }
}

/// Dates as PostgreSQL writes them in JSON (`"2023-09-05"`), for `#[serde(with = ...)]`.
pub(crate) mod json_date {
    time::serde::format_description!(pub iso, Date, "[year]-[month]-[day]");
}

/// Whether a lookup may return drafts: visitors see published entries only; an admin's
/// preview sees drafts too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    Published,
    IncludingDrafts,
}

impl Visibility {
    /// The value bound to the `(published OR $n)` condition of lookups.
    pub fn includes_drafts(self) -> bool {
        self == Self::IncludingDrafts
    }
}

/// Just enough of an organisation to name and link it.
#[derive(Debug, Clone, sqlx::FromRow, Deserialize)]
pub struct OrganisationRef {
    pub slug: String,
    pub name: LocalizedText,
    pub short_name: Option<String>,
}

impl OrganisationRef {
    /// "National Logistic Corporation (NLC)": the acronym follows unless the name has it already.
    pub fn display_name(&self) -> String {
        display_organisation_name(&self.name, self.short_name.as_deref())
    }

    /// The display name in `lang` (its own version of the name, else English).
    pub fn display_name_in(&self, lang: impl crate::i18n::AsLang) -> String {
        display_name_in(&self.name, self.short_name.as_deref(), lang.as_lang())
    }

    /// The display name for a page in `lang` (see [`display_name_html`]).
    pub fn display_name_html(
        &self,
        lang: impl crate::i18n::AsLang,
    ) -> crate::domain::localized::Shown<'static> {
        display_name_html(&self.name, self.short_name.as_deref(), lang.as_lang())
    }
}

/// An organisation's name in `lang` with its acronym, for a page: isolated with `<bdi>`, and
/// marked `lang="en"` where the name has no version in `lang` (WCAG 3.1.2, language of parts:
/// a screen reader then reads it as English).
pub fn display_name_html(
    name: &LocalizedText,
    short_name: Option<&str>,
    lang: crate::i18n::Lang,
) -> crate::domain::localized::Shown<'static> {
    let text = display_name_in(name, short_name, lang);
    let english = name.is_fallback(lang) || crate::domain::localized::in_latin_letters(&text, lang);
    crate::domain::localized::Shown::isolated(text, english)
}

/// Just enough of a person to name and link them.
#[derive(Debug, Clone, sqlx::FromRow, Deserialize)]
pub struct PersonRef {
    pub slug: String,
    pub name: LocalizedText,
}

/// An organisation's name in `lang` with its acronym.
pub fn display_name_in(
    name: &LocalizedText,
    short_name: Option<&str>,
    lang: crate::i18n::Lang,
) -> String {
    let name = name.plain(lang);
    match short_name {
        Some(short) if !name.contains(short) => format!("{name} ({short})"),
        _ => name.to_owned(),
    }
}

/// An organisation's name with its acronym, as the report writes it.
pub fn display_organisation_name(name: &LocalizedText, short_name: Option<&str>) -> String {
    let name = name.en();
    match short_name {
        Some(short) if !name.contains(short) => format!("{name} ({short})"),
        _ => name.to_owned(),
    }
}
