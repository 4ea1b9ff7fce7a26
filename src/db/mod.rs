//! All SQL lives here: one module per entity, plain async functions taking an executor.
//!
//! Public-site queries return only published rows, and link only to published rows,
//! so a visitor never follows a link to a draft.

pub mod admin_sessions;
pub mod admins;
pub mod agreements;
pub mod audit;
pub mod booths;
pub mod demo_data;
pub mod entities;
pub mod forum;
pub mod history;
pub mod initiatives;
pub mod invites;
pub mod login_failures;
pub mod maintenance;
pub mod organisations;
pub mod people;
pub mod quotes;
pub mod settings;
pub mod setup_tokens;
pub mod sources;
pub mod two_factor;

use crate::domain::LocalizedText;

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
#[derive(Debug, Clone, sqlx::FromRow)]
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
#[derive(Debug, Clone, sqlx::FromRow)]
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
