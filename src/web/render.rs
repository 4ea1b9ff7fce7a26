//! What every page shares: its metadata for the layout (formats are `i18n`'s).

use crate::i18n::{Count, DateLike, Lang, Locale};
use crate::web::linked_data::JsonLd;

/// The parts of the navigation a page can belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Home,
    Speakers,
    Organisations,
    Agreements,
    Exhibitors,
}

impl Section {
    fn key(self) -> &'static str {
        match self {
            Self::Home => "home",
            Self::Speakers => "speakers",
            Self::Organisations => "organisations",
            Self::Agreements => "agreements",
            Self::Exhibitors => "exhibitors",
        }
    }
}

/// The same page in one language, for the switcher and `hreflang` links.
#[derive(Debug, Clone)]
pub struct Alternate {
    pub lang: Lang,
    /// The page in `lang` (for `hreflang` and canonical links).
    pub href: String,
    /// The switcher's link: remembers `lang` for `/`, then leads to `href`.
    pub switch_href: String,
    /// Whether this is the page's own language.
    pub current: bool,
}

/// Title, description, language and place in the navigation, read by `base.html`.
#[derive(Debug, Clone)]
pub struct PageMeta {
    /// The page's own title; the layout appends the site name.
    pub title: String,
    /// The meta description (what search engines show).
    pub description: String,
    section: Option<Section>,
    /// An admin's preview, which may show drafts: the layout says so.
    pub preview: bool,
    /// The page's language.
    pub lang: Lang,
    /// The page's path without its language prefix.
    path: String,
    /// The query string that is part of the page's address (`?page=2`), or empty.
    query: String,
    /// Whether search engines should index the page (not error pages, not previews).
    indexable: bool,
    /// What the page shows, as schema.org JSON-LD (see [`crate::web::linked_data`]).
    pub linked_data: Option<JsonLd>,
}

impl PageMeta {
    /// Metadata of a page in `section` (or none). The language and path come from the
    /// request being handled.
    pub fn new(
        title: impl Into<String>,
        description: impl Into<String>,
        section: Option<Section>,
    ) -> Self {
        let locale = Locale::current();
        Self {
            title: title.into(),
            description: description.into(),
            section,
            preview: false,
            lang: locale.lang,
            path: locale.path,
            query: String::new(),
            indexable: true,
            linked_data: None,
        }
    }

    /// Interface text in the page's language.
    pub fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }

    /// A link to the language-neutral `path` in the page's language (`/speakers` → `/zh/speakers`).
    pub fn href(&self, path: &str) -> String {
        self.lang.href(path)
    }

    /// A date in the page's language.
    pub fn date(&self, date: impl DateLike) -> String {
        self.lang.long_date(date)
    }

    /// A count with its noun in the page's language (`key.one` / `key.other`).
    pub fn plural(&self, key: &str, count: impl Count) -> String {
        self.lang.plural(key, count)
    }

    /// This page in every language.
    pub fn alternates(&self) -> Vec<Alternate> {
        Lang::ALL
            .into_iter()
            .map(|lang| Alternate {
                lang,
                href: lang.href(&self.path) + &self.query,
                switch_href: crate::web::language::switch_href(lang, &self.path) + &self.query,
                current: lang == self.lang,
            })
            .collect()
    }

    /// Make `query` (`?page=2`, or empty) part of the page's address: its canonical link,
    /// its `hreflang` links and the language switcher keep it.
    pub fn with_query(mut self, query: String) -> Self {
        self.query = query;
        self
    }

    /// Describe what the page shows for search engines and link previews.
    pub fn with_linked_data(mut self, linked_data: JsonLd) -> Self {
        self.linked_data = Some(linked_data);
        self
    }

    /// The page's own address, absolute, for OpenGraph's `og:url`: only when the site's public
    /// URL is configured (a relative `og:url` is invalid, and the `Host` header is not ours to
    /// trust).
    pub fn absolute_url(&self) -> Option<String> {
        let url = crate::web::site::absolute(&(self.lang.href(&self.path) + &self.query));
        url.starts_with("http").then_some(url)
    }

    /// The page's share card (`og:image`, see `web::share_card`), absolute: only for an
    /// indexable public page that has one, and only when the site's public URL is configured —
    /// OpenGraph wants an absolute image URL, and the `Host` header is not ours to trust, so
    /// without one the page offers no image (and a `summary` Twitter card) rather than a
    /// relative URL previews would not load.
    pub fn card_image(&self) -> Option<String> {
        if !self.indexable {
            return None;
        }
        let card = crate::web::public::cards::card_path(&self.path)?;
        let url = crate::web::site::absolute(&self.lang.href(&card));
        url.starts_with("http").then_some(url)
    }

    /// The share card's text alternative (`og:image:alt`): what it shows.
    pub fn card_alt(&self) -> String {
        self.lang.tf(
            "card.alt",
            &[
                ("title", self.title.as_str()),
                ("site", self.t("site.name")),
            ],
        )
    }

    /// OpenGraph's name of the page's locale (`og:locale`).
    pub fn og_locale(&self) -> &'static str {
        og_locale(self.lang)
    }

    /// OpenGraph's names of the page's other languages (`og:locale:alternate`).
    pub fn og_locale_alternates(&self) -> Vec<&'static str> {
        Lang::ALL
            .into_iter()
            .filter(|lang| *lang != self.lang)
            .map(og_locale)
            .collect()
    }

    /// Mark the page as an admin's preview (or not); previews are not for search engines.
    pub fn preview(mut self, preview: bool) -> Self {
        self.preview = preview;
        self.indexable &= !preview;
        self
    }

    /// Mark the page as one search engines should leave out (an error page).
    pub fn not_indexed(mut self) -> Self {
        self.indexable = false;
        self
    }

    /// Whether the page gets canonical and `hreflang` links, or `noindex`.
    pub fn indexable(&self) -> bool {
        self.indexable
    }

    /// Whether the navigation link with this key (`"speakers"`, ...) is the current section.
    pub fn is_section(&self, key: &str) -> bool {
        self.section.is_some_and(|section| section.key() == key)
    }
}

/// OpenGraph's locale (`language_TERRITORY`) for a language: English as written in Pakistan
/// and Britain, simplified Chinese of mainland China, Urdu of Pakistan.
fn og_locale(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "en_GB",
        Lang::Zh => "zh_CN",
        Lang::Ur => "ur_PK",
    }
}
