//! The addresses the API links to: its own entries and lists, and the portal's pages. They
//! are absolute when the portal knows its public URL (`--public-url`), root-relative
//! otherwise (a request's `Host` never flows into a link).

use crate::web::site::absolute;

use super::model::{
    AgreementLink, ExhibitorLink, InitiativeLink, Localized, OrganisationLink, PageLinks,
    PersonLink,
};
use super::params::ListParams;

/// Where the API's version 1 lives.
pub const API_V1: &str = "/api/v1";

/// The kinds of entry the API lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Speakers,
    Organisations,
    Agreements,
    Exhibitors,
    Initiatives,
    Quotes,
}

impl Kind {
    /// The list's name in addresses (`/api/v1/speakers`).
    pub fn collection(self) -> &'static str {
        match self {
            Self::Speakers => "speakers",
            Self::Organisations => "organisations",
            Self::Agreements => "agreements",
            Self::Exhibitors => "exhibitors",
            Self::Initiatives => "initiatives",
            Self::Quotes => "quotes",
        }
    }

    /// One entry of the kind, in sentences (`speaker`).
    pub fn singular(self) -> &'static str {
        match self {
            Self::Speakers => "speaker",
            Self::Organisations => "organisation",
            Self::Agreements => "agreement",
            Self::Exhibitors => "exhibitor",
            Self::Initiatives => "initiative",
            Self::Quotes => "quote",
        }
    }

    /// The address of the list's first page.
    pub fn list_url(self) -> String {
        absolute(&format!("{API_V1}/{}", self.collection()))
    }

    /// The address of the entry with `key` (a slug, or a quote's id).
    pub fn item_url(self, key: impl std::fmt::Display) -> String {
        absolute(&format!("{API_V1}/{}/{key}", self.collection()))
    }

    /// The portal's English page of the entry with `slug` (initiatives are shown on the home
    /// page, quotes on their speaker's page: see [`quote_html_url`]).
    pub fn html_url(self, slug: &str) -> String {
        match self {
            Self::Initiatives => absolute(&format!("/#initiative-{slug}")),
            Self::Quotes => quote_html_url(slug),
            _ => absolute(&format!("/{}/{slug}", self.collection())),
        }
    }
}

/// The portal's page that shows a quote: its speaker's (`speaker` the speaker's slug).
pub fn quote_html_url(speaker: &str) -> String {
    absolute(&format!("/speakers/{speaker}#statements"))
}

/// The address of the OpenAPI document.
pub fn openapi_url() -> String {
    absolute("/api/openapi.json")
}

/// The address of the forum's entry.
pub fn forum_url() -> String {
    absolute(&format!("{API_V1}/forum"))
}

/// The portal's home page.
pub fn home_url() -> String {
    absolute("/")
}

/// A link to the speaker `slug`.
pub fn person(slug: String, name: impl Into<Localized>) -> PersonLink {
    PersonLink {
        url: Kind::Speakers.item_url(&slug),
        html_url: Kind::Speakers.html_url(&slug),
        name: name.into(),
        slug,
    }
}

/// A link to the agreement `slug`.
pub fn agreement(slug: String, title: impl Into<Localized>) -> AgreementLink {
    AgreementLink {
        url: Kind::Agreements.item_url(&slug),
        html_url: Kind::Agreements.html_url(&slug),
        title: title.into(),
        slug,
    }
}

/// A link to the initiative `slug`.
pub fn initiative(slug: String, name: impl Into<Localized>) -> InitiativeLink {
    InitiativeLink {
        url: Kind::Initiatives.item_url(&slug),
        html_url: Kind::Initiatives.html_url(&slug),
        name: name.into(),
        slug,
    }
}

/// A link to the organisation of `reference`.
pub fn organisation(reference: crate::db::OrganisationRef) -> OrganisationLink {
    OrganisationLink {
        url: Kind::Organisations.item_url(&reference.slug),
        html_url: Kind::Organisations.html_url(&reference.slug),
        name: reference.name.into(),
        short_name: reference.short_name,
        slug: reference.slug,
    }
}

/// A link to the booth `slug`.
pub fn exhibitor(slug: String) -> ExhibitorLink {
    ExhibitorLink {
        url: Kind::Exhibitors.item_url(&slug),
        html_url: Kind::Exhibitors.html_url(&slug),
        slug,
    }
}

/// Where a page of a list stands among its pages: the links in its body and its `Link`
/// header.
#[derive(Debug, Clone)]
pub struct Pages {
    pub links: PageLinks,
    /// The value of the `Link` header (RFC 8288): `first`, `prev`, `next`, `last`.
    pub header: String,
}

impl Pages {
    /// The pages of `kind`'s list of `total` entries, for page `page` of `params` (a given
    /// `per_page` is kept in every link).
    pub fn new(kind: Kind, params: &ListParams, pages: i64) -> Self {
        let base = kind.list_url();
        let link = |page: i64| {
            let mut query = form_urlencoded::Serializer::new(String::new());
            if page > 1 {
                query.append_pair("page", &page.to_string());
            }
            if let Some(per_page) = params.explicit_per_page() {
                query.append_pair("per_page", &per_page.to_string());
            }
            let query = query.finish();
            if query.is_empty() {
                base.clone()
            } else {
                format!("{base}?{query}")
            }
        };
        let page = params.page();
        let links = PageLinks {
            this: link(page),
            first: link(1),
            last: link(pages),
            prev: (page > 1).then(|| link(page - 1)),
            next: (page < pages).then(|| link(page + 1)),
        };
        let mut header = vec![format!("<{}>; rel=\"first\"", links.first)];
        header.extend(
            links
                .prev
                .iter()
                .map(|prev| format!("<{prev}>; rel=\"prev\"")),
        );
        header.extend(
            links
                .next
                .iter()
                .map(|next| format!("<{next}>; rel=\"next\"")),
        );
        header.push(format!("<{}>; rel=\"last\"", links.last));
        Self {
            links,
            header: header.join(", "),
        }
    }
}
