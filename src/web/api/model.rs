//! What the API answers with: the JSON shapes of the forum's entries, declared once as Rust
//! types from which both the answers (serde) and the OpenAPI document's schemas (utoipa) are
//! made. Every property is always present (`null` when there is nothing to say: the
//! document marks them all required, see `openapi`).

use serde::Serialize;
use time::Date;
use utoipa::ToSchema;

use crate::domain::LocalizedText;
use crate::i18n::Lang;

/// Dates as the API writes them: `"2023-09-05"`.
mod iso {
    time::serde::format_description!(pub date, Date, "[year]-[month]-[day]");
}

/// A language the portal's content is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// English.
    En,
    /// Chinese (Simplified).
    Zh,
    /// Urdu.
    Ur,
}

impl From<Lang> for Language {
    fn from(lang: Lang) -> Self {
        match lang {
            Lang::En => Self::En,
            Lang::Zh => Self::Zh,
            Lang::Ur => Self::Ur,
        }
    }
}

/// A text in every language it exists in, and which of those are translations: `original`
/// names the language it was written in, `translated` the versions translated from it. A
/// quote whose version in a language is in `translated` is a translation of what was said,
/// not the speaker's own words.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"en": "Beijing", "zh": "北京", "ur": null, "original": "en", "translated": ["zh"]}))]
pub struct Localized {
    /// The English version (every text has one).
    pub en: String,
    /// The Chinese (Simplified) version, or null when there is none yet.
    pub zh: Option<String>,
    /// The Urdu version, or null when there is none yet.
    pub ur: Option<String>,
    /// The language of the original text.
    pub original: Language,
    /// The languages whose version is a translation of the original.
    pub translated: Vec<Language>,
}

impl From<&LocalizedText> for Localized {
    fn from(text: &LocalizedText) -> Self {
        let version = |lang: Lang| text.get(lang.code()).map(str::to_owned);
        Self {
            en: text.en().to_owned(),
            zh: version(Lang::Zh),
            ur: version(Lang::Ur),
            original: text.original_lang().into(),
            translated: Lang::ALL
                .into_iter()
                .filter(|lang| text.is_translation(*lang))
                .map(Language::from)
                .collect(),
        }
    }
}

impl From<LocalizedText> for Localized {
    fn from(text: LocalizedText) -> Self {
        Self::from(&text)
    }
}

/// `Option<LocalizedText>` → `Option<Localized>`.
pub fn localized(text: Option<&LocalizedText>) -> Option<Localized> {
    text.map(Localized::from)
}

/// Where a fact comes from.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Source {
    /// Who published it ("China Economic Net").
    pub publisher: String,
    /// When it was published.
    #[serde(with = "iso::date")]
    pub published_on: Date,
    /// Where it can be read, if online.
    #[schema(format = Uri)]
    pub url: Option<String>,
    /// When an editor last changed the entry that credits this source (UTC date), or null if
    /// never: since then the entry may say more than the source.
    #[serde(with = "iso::date::option")]
    pub edited_on: Option<Date>,
}

impl From<crate::db::sources::Source> for Source {
    fn from(source: crate::db::sources::Source) -> Self {
        Self {
            publisher: source.publisher,
            published_on: source.published_on,
            url: source.url,
            edited_on: source.edited_on,
        }
    }
}

/// Declare the link types: a slug (or id), the entry's name, its API address and its
/// public page.
macro_rules! link_type {
    ($(#[$doc:meta])* $name:ident { $(#[$field_doc:meta])* $label:ident }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Serialize, ToSchema)]
        pub struct $name {
            /// Its key in addresses (stable once published).
            pub slug: String,
            $(#[$field_doc])*
            pub $label: Localized,
            /// Its entry in this API.
            #[schema(format = UriReference)]
            pub url: String,
            /// Its page on the portal, in English (`/zh` or `/ur` before the path gives the
            /// page in Chinese or Urdu).
            #[schema(format = UriReference)]
            pub html_url: String,
        }
    };
}

link_type!(
    /// A link to a speaker.
    PersonLink {
        /// Their name.
        name
    }
);
link_type!(
    /// A link to an agreement.
    AgreementLink {
        /// Its title.
        title
    }
);
link_type!(
    /// A link to an initiative.
    InitiativeLink {
        /// Its name.
        name
    }
);

/// A link to an organisation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrganisationLink {
    /// Its key in addresses (stable once published).
    pub slug: String,
    /// Its name.
    pub name: Localized,
    /// Its acronym ("NLC"), if it has one.
    pub short_name: Option<String>,
    /// Its entry in this API.
    #[schema(format = UriReference)]
    pub url: String,
    /// Its page on the portal, in English.
    #[schema(format = UriReference)]
    pub html_url: String,
}

/// A link to an exhibitor's booth.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExhibitorLink {
    /// Its key in addresses (stable once published).
    pub slug: String,
    /// Its entry in this API.
    #[schema(format = UriReference)]
    pub url: String,
    /// Its page on the portal, in English.
    #[schema(format = UriReference)]
    pub html_url: String,
}

/// Whether a quote is the speaker's own words or the report's account of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum QuoteKind {
    /// The speaker's own words (in quotation marks in the report).
    Direct,
    /// The report's account of what they said.
    Reported,
}

impl QuoteKind {
    /// The kind stored in the database (`direct`, `reported`).
    pub fn parse(kind: &str) -> Self {
        if kind == "direct" {
            Self::Direct
        } else {
            Self::Reported
        }
    }
}

/// The links between the pages of a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PageLinks {
    /// This page.
    #[serde(rename = "self")]
    #[schema(format = UriReference)]
    pub this: String,
    /// The first page.
    #[schema(format = UriReference)]
    pub first: String,
    /// The last page.
    #[schema(format = UriReference)]
    pub last: String,
    /// The page before this one, or null on the first.
    #[schema(format = UriReference)]
    pub prev: Option<String>,
    /// The page after this one, or null on the last.
    #[schema(format = UriReference)]
    pub next: Option<String>,
}

/// Where a page stands in its list: what every list type carries beside its entries (see
/// `list_type!` for each field's meaning).
#[derive(Debug, Clone)]
pub struct Position {
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
    pub pages: i64,
    pub links: PageLinks,
}

/// Declare a list type: one page of `$item`s with where it stands among the pages.
macro_rules! list_type {
    ($(#[$doc:meta])* $name:ident of $item:ty) => {
        impl $name {
            /// The page of `items` at `position`.
            pub fn new(items: Vec<$item>, position: Position) -> Self {
                Self {
                    items,
                    page: position.page,
                    per_page: position.per_page,
                    total: position.total,
                    pages: position.pages,
                    links: position.links,
                }
            }
        }

        $(#[$doc])*
        #[derive(Debug, Clone, Serialize, ToSchema)]
        pub struct $name {
            /// This page's entries, in the list's order.
            pub items: Vec<$item>,
            /// This page's number (from 1).
            #[schema(minimum = 1)]
            pub page: i64,
            /// How many entries a page holds.
            #[schema(minimum = 1, maximum = 100)]
            pub per_page: i64,
            /// How many entries the list has over every page.
            #[schema(minimum = 0)]
            pub total: i64,
            /// How many pages the list has (at least one, which may be empty).
            #[schema(minimum = 1)]
            pub pages: i64,
            /// The first, last, previous and next pages.
            pub links: PageLinks,
        }
    };
}

/// The forum and its host fair.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Forum {
    /// This entry in the API.
    #[schema(format = UriReference)]
    pub url: String,
    /// The forum's home page on the portal, in English.
    #[schema(format = UriReference)]
    pub html_url: String,
    /// The forum's title.
    pub title: Localized,
    /// Its subtitle, if any.
    pub subtitle: Option<Localized>,
    /// The day it was held.
    #[serde(with = "iso::date")]
    pub held_on: Date,
    /// The city it was held in.
    pub city: Localized,
    /// What happened, in brief.
    pub summary: Option<Localized>,
    /// The fair it was held beside.
    pub fair: Fair,
    /// How many published entries of each kind there are.
    pub counts: Counts,
    /// The lists of this API.
    pub lists: Lists,
    /// Where these facts come from.
    pub source: Option<Source>,
}

/// The fair the forum was held beside (CIFTIS).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Fair {
    /// Its name.
    pub name: Localized,
    /// Its acronym.
    pub short_name: Option<String>,
    /// Its first day, if known.
    #[serde(with = "iso::date::option")]
    pub starts_on: Option<Date>,
    /// Its last day, if known.
    #[serde(with = "iso::date::option")]
    pub ends_on: Option<Date>,
}

/// How many published entries of each kind there are.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct Counts {
    /// Published speakers.
    #[schema(minimum = 0)]
    pub speakers: i64,
    /// Published organisations.
    #[schema(minimum = 0)]
    pub organisations: i64,
    /// Published agreements.
    #[schema(minimum = 0)]
    pub agreements: i64,
    /// Published booths of published organisations.
    #[schema(minimum = 0)]
    pub exhibitors: i64,
    /// Initiatives.
    #[schema(minimum = 0)]
    pub initiatives: i64,
    /// Statements of published speakers.
    #[schema(minimum = 0)]
    pub quotes: i64,
}

/// The first page of each list of this API, and this API's OpenAPI document.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Lists {
    /// The speakers.
    #[schema(format = UriReference)]
    pub speakers: String,
    /// The organisations.
    #[schema(format = UriReference)]
    pub organisations: String,
    /// The agreements.
    #[schema(format = UriReference)]
    pub agreements: String,
    /// The exhibitors' booths.
    #[schema(format = UriReference)]
    pub exhibitors: String,
    /// The initiatives.
    #[schema(format = UriReference)]
    pub initiatives: String,
    /// The statements.
    #[schema(format = UriReference)]
    pub quotes: String,
    /// The OpenAPI 3.1 document describing this API.
    #[schema(format = UriReference)]
    pub openapi: String,
}

/// A speaker as lists show them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SpeakerSummary {
    /// Their key in addresses (stable once published).
    pub slug: String,
    /// Their entry in this API.
    #[schema(format = UriReference)]
    pub url: String,
    /// Their page on the portal, in English.
    #[schema(format = UriReference)]
    pub html_url: String,
    /// Their name.
    pub name: Localized,
    /// Their role, as the report gives it.
    pub role: Option<Localized>,
    /// The organisation they belong to, if published.
    pub organisation: Option<OrganisationLink>,
    /// How many of their statements the report records.
    #[schema(minimum = 0)]
    pub quote_count: i64,
}

list_type!(
    /// A page of speakers, in the order they spoke.
    SpeakerList of SpeakerSummary
);

/// A speaker, with what they said and what they announced.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Speaker {
    /// Their key in addresses (stable once published).
    pub slug: String,
    /// This entry in the API.
    #[schema(format = UriReference)]
    pub url: String,
    /// Their page on the portal, in English.
    #[schema(format = UriReference)]
    pub html_url: String,
    /// Their name.
    pub name: Localized,
    /// Their role, as the report gives it.
    pub role: Option<Localized>,
    /// About them, when an editor has written it.
    pub bio: Option<Localized>,
    /// A picture of them, when there is one.
    #[schema(format = Uri)]
    pub photo_url: Option<String>,
    /// The organisation they belong to, if published.
    pub organisation: Option<OrganisationLink>,
    /// What they said, in the report's order.
    pub quotes: Vec<SpeakerQuote>,
    /// The agreements they announced.
    pub agreements: Vec<AgreementLink>,
    /// The initiatives they mentioned.
    pub initiatives: Vec<InitiativeLink>,
    /// Where these facts come from.
    pub source: Option<Source>,
}

/// A statement as its speaker's entry lists it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SpeakerQuote {
    /// Its key in addresses.
    #[schema(minimum = 1)]
    pub id: i64,
    /// Its entry in this API.
    #[schema(format = UriReference)]
    pub url: String,
    /// The speaker's own words, or the report's account of them.
    pub kind: QuoteKind,
    /// The statement, word for word in its original language, and its translations (marked).
    pub body: Localized,
}

/// A statement a speaker made.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Quote {
    /// Its key in addresses.
    #[schema(minimum = 1)]
    pub id: i64,
    /// This entry in the API.
    #[schema(format = UriReference)]
    pub url: String,
    /// The page on the portal that shows it (its speaker's), in English.
    #[schema(format = UriReference)]
    pub html_url: String,
    /// The speaker's own words, or the report's account of them.
    pub kind: QuoteKind,
    /// The statement, word for word in its original language, and its translations (marked).
    pub body: Localized,
    /// Who said it.
    pub speaker: PersonLink,
    /// Where it comes from.
    pub source: Option<Source>,
}

list_type!(
    /// A page of statements, in the order they were recorded.
    QuoteList of Quote
);

/// An organisation as lists show them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrganisationSummary {
    /// Its key in addresses (stable once published).
    pub slug: String,
    /// Its entry in this API.
    #[schema(format = UriReference)]
    pub url: String,
    /// Its page on the portal, in English.
    #[schema(format = UriReference)]
    pub html_url: String,
    /// Its name.
    pub name: Localized,
    /// Its acronym ("NLC"), if it has one.
    pub short_name: Option<String>,
    /// Its country (ISO 3166-1 alpha-2), if the report says.
    #[schema(pattern = "^[A-Z]{2}$")]
    pub country: Option<String>,
    /// What kind of body it is, if the report says.
    pub kind: Option<OrganisationKind>,
    /// Its booth at the fair, if it exhibits.
    pub exhibitor: Option<ExhibitorLink>,
}

list_type!(
    /// A page of organisations, by country, kind and name.
    OrganisationList of OrganisationSummary
);

/// What kind of body an organisation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrganisationKind {
    /// An embassy.
    Embassy,
    /// A company.
    Company,
    /// An association of companies or people.
    Association,
    /// A government authority.
    GovernmentAuthority,
    /// A research centre.
    ResearchCentre,
    /// Another kind of body.
    Other,
}

impl OrganisationKind {
    /// The kind stored in the database, if it is one the API knows.
    pub fn parse(kind: &str) -> Option<Self> {
        Some(match kind {
            "embassy" => Self::Embassy,
            "company" => Self::Company,
            "association" => Self::Association,
            "government_authority" => Self::GovernmentAuthority,
            "research_centre" => Self::ResearchCentre,
            "other" => Self::Other,
            _ => return None,
        })
    }
}

/// An organisation, with its people, agreements and booth.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Organisation {
    /// Its key in addresses (stable once published).
    pub slug: String,
    /// This entry in the API.
    #[schema(format = UriReference)]
    pub url: String,
    /// Its page on the portal, in English.
    #[schema(format = UriReference)]
    pub html_url: String,
    /// Its name.
    pub name: Localized,
    /// Its acronym ("NLC"), if it has one.
    pub short_name: Option<String>,
    /// Its country (ISO 3166-1 alpha-2), if the report says.
    #[schema(pattern = "^[A-Z]{2}$")]
    pub country: Option<String>,
    /// What kind of body it is, if the report says.
    pub kind: Option<OrganisationKind>,
    /// About it, when an editor has written it.
    pub description: Option<Localized>,
    /// Its website, when known.
    #[schema(format = Uri)]
    pub website: Option<String>,
    /// Its speakers.
    pub people: Vec<PersonLink>,
    /// The agreements it is a party to.
    pub agreements: Vec<AgreementLink>,
    /// Its booth at the fair, if it exhibits.
    pub exhibitor: Option<ExhibitorLink>,
    /// Where these facts come from.
    pub source: Option<Source>,
}

/// An agreement (MOU) signed at the forum.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Agreement {
    /// Its key in addresses (stable once published).
    pub slug: String,
    /// This entry in the API.
    #[schema(format = UriReference)]
    pub url: String,
    /// Its page on the portal, in English.
    #[schema(format = UriReference)]
    pub html_url: String,
    /// Its title.
    pub title: Localized,
    /// What kind of agreement it is ("memorandum of understanding").
    pub kind: Localized,
    /// When it was signed, if the report says.
    #[serde(with = "iso::date::option")]
    pub signed_on: Option<Date>,
    /// What it is about.
    pub description: Option<Localized>,
    /// What it sets up, if anything.
    pub establishes: Option<Localized>,
    /// Who announced it, if published.
    pub announced_by: Option<PersonLink>,
    /// Its parties, in the order the report names them.
    pub parties: Vec<OrganisationLink>,
    /// Where these facts come from.
    pub source: Option<Source>,
}

list_type!(
    /// A page of agreements, in the order the report names them.
    AgreementList of Agreement
);

/// An exhibitor's booth at the fair.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Exhibitor {
    /// Its key in addresses (stable once published).
    pub slug: String,
    /// This entry in the API.
    #[schema(format = UriReference)]
    pub url: String,
    /// Its page on the portal, in English.
    #[schema(format = UriReference)]
    pub html_url: String,
    /// The booth's label, when known.
    pub booth_label: Option<String>,
    /// The hall it is in, when known.
    pub hall: Option<String>,
    /// About the booth, when an editor has written it.
    pub note: Option<Localized>,
    /// The exhibiting organisation.
    pub organisation: OrganisationLink,
    /// The exhibiting organisation's country (ISO 3166-1 alpha-2), if known.
    #[schema(pattern = "^[A-Z]{2}$")]
    pub country: Option<String>,
    /// Where these facts come from.
    pub source: Option<Source>,
}

list_type!(
    /// A page of exhibitors, in the order the report lists them.
    ExhibitorList of Exhibitor
);

/// A programme or vision a speaker named (Digital Pakistan, the corridors, ...).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Initiative {
    /// Its key in addresses (stable once published).
    pub slug: String,
    /// This entry in the API.
    #[schema(format = UriReference)]
    pub url: String,
    /// Where the portal shows it (on the forum's home page), in English.
    #[schema(format = UriReference)]
    pub html_url: String,
    /// Its name.
    pub name: Localized,
    /// What it is.
    pub description: Option<Localized>,
    /// Who mentioned it, if published.
    pub mentioned_by: Option<PersonLink>,
    /// Where these facts come from.
    pub source: Option<Source>,
}

list_type!(
    /// A page of initiatives, in the order the report names them.
    InitiativeList of Initiative
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_translation_is_marked_as_one() {
        let text = LocalizedText::english("We will cooperate.")
            .with(Lang::Zh, "我们将合作。", true)
            .with(Lang::Ur, "ہم تعاون کریں گے۔", true);
        let api = serde_json::to_value(Localized::from(&text)).unwrap();
        assert_eq!(
            api,
            serde_json::json!({
                "en": "We will cooperate.", "zh": "我们将合作。", "ur": "ہم تعاون کریں گے۔",
                "original": "en", "translated": ["zh", "ur"]
            })
        );
        let chinese_original = LocalizedText::english("Beijing")
            .with(Lang::Zh, "北京", false)
            .with(Lang::En, "Beijing", true);
        let api = serde_json::to_value(Localized::from(&chinese_original)).unwrap();
        assert_eq!(api["original"], "zh");
        assert_eq!(api["translated"], serde_json::json!(["en"]));
        assert_eq!(api["ur"], serde_json::Value::Null);
    }
}
