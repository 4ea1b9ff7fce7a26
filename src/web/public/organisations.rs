//! `/organisations` and `/organisations/{slug}`: who took part.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use serde::Deserialize;

use super::Pager;
use crate::db::agreements::Agreement;
use crate::db::booths::Booth;
use crate::db::organisations::{
    Organisation, OrganisationData, OrganisationFilter, OrganisationSummary,
};
use crate::db::people::PersonSummary;
use crate::db::sources::Source;
use crate::db::{self, Visibility};
use crate::db::{OrganisationRef, PageNumber};
use crate::domain::{Country, OrganisationKind};
use crate::error::{AppError, Result};
use crate::i18n::Locale;
use crate::state::AppState;
use crate::web::linked_data::{self, ListEntry};
use crate::web::render::{PageMeta, Section};

/// `?country=pk&kind=company`, as typed or chosen in the filter form (empty means any), and
/// `&page=N`.
#[derive(Debug, Default, Deserialize)]
pub struct FilterParams {
    country: Option<String>,
    kind: Option<String>,
    page: Option<String>,
}

impl FilterParams {
    fn parse(&self) -> Result<OrganisationFilter> {
        let country = match self.country.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(code) => Some(Country::parse(code).ok_or_else(|| {
                AppError::BadRequest(Locale::current().lang.tf1(
                    "organisations.bad_country",
                    "value",
                    code,
                ))
            })?),
        };
        let kind = match self.kind.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(value) => Some(OrganisationKind::parse(value).ok_or_else(|| {
                AppError::BadRequest(
                    Locale::current().lang.tf2(
                        "organisations.bad_kind",
                        "value",
                        value,
                        "kinds",
                        OrganisationKind::ALL
                            .map(OrganisationKind::as_str)
                            .join(", "),
                    ),
                )
            })?),
        };
        Ok(OrganisationFilter { country, kind })
    }
}

/// Organisations of one country (or of no stated country), grouped by kind.
pub struct CountryGroup {
    country: Option<Country>,
    kinds: Vec<KindGroup>,
}

/// Organisations of one kind (`None`: the source does not say which).
pub struct KindGroup {
    kind: Option<OrganisationKind>,
    organisations: Vec<OrganisationSummary>,
}

#[derive(Template, WebTemplate)]
#[template(path = "public/organisations.html")]
pub struct OrganisationsPage {
    meta: PageMeta,
    groups: Vec<CountryGroup>,
    total: i64,
    countries: Vec<Country>,
    kinds: [OrganisationKind; 6],
    filter: OrganisationFilter,
    pages: Pager,
}

impl OrganisationsPage {
    fn country_selected(&self, country: &Country) -> bool {
        self.filter.country.as_ref() == Some(country)
    }

    fn kind_selected(&self, kind: &OrganisationKind) -> bool {
        self.filter.kind == Some(*kind)
    }

    fn is_filtered(&self) -> bool {
        self.filter.country.is_some() || self.filter.kind.is_some()
    }
}

/// The list, grouped by country and kind, optionally filtered, a page at a time.
pub async fn index(
    State(state): State<AppState>,
    Query(params): Query<FilterParams>,
) -> Result<OrganisationsPage> {
    let filter = params.parse()?;
    let page = PageNumber::parse(params.page.as_deref()).ok_or(AppError::NotFound)?;
    let (page, list) = super::read_page(
        page,
        |page| db::organisations::list_published(&state.db, &filter, page),
        |list| list.total,
    )
    .await?;
    let country = filter.country.as_ref().map(Country::query_value);
    let kind = filter.kind.map(OrganisationKind::as_str);
    let pages = Pager::new(
        page,
        list.total,
        "/organisations",
        &[
            ("country", country.as_deref().unwrap_or_default()),
            ("kind", kind.unwrap_or_default()),
        ],
    );
    let lang = Locale::current().lang;
    let entries = list.items.iter().map(|organisation| ListEntry {
        name: organisation.display_name_in(lang),
        path: format!("/organisations/{}", organisation.slug),
    });
    let title = lang.t("organisations.title");
    let linked_data = pages.linked_data(title, "/organisations", list.total, entries);
    Ok(OrganisationsPage {
        meta: PageMeta::new(
            title,
            lang.t("organisations.description"),
            Some(Section::Organisations),
        )
        .with_query(pages.query())
        .with_linked_data(linked_data),
        groups: group(list.items),
        total: list.total,
        countries: list.countries.into_iter().map(Country::from).collect(),
        kinds: OrganisationKind::ALL,
        filter,
        pages,
    })
}

/// Group a list sorted by country, then kind.
fn group(organisations: Vec<OrganisationSummary>) -> Vec<CountryGroup> {
    let mut groups: Vec<CountryGroup> = Vec::new();
    for organisation in organisations {
        let country = organisation.country();
        if groups.last().is_none_or(|g| g.country != country) {
            groups.push(CountryGroup {
                country,
                kinds: Vec::new(),
            });
        }
        let Some(group) = groups.last_mut() else {
            continue;
        };
        let kind = organisation.kind();
        match group.kinds.iter_mut().find(|k| k.kind == kind) {
            Some(existing) => existing.organisations.push(organisation),
            None => group.kinds.push(KindGroup {
                kind,
                organisations: vec![organisation],
            }),
        }
    }
    // Kinds in their display order within each country, unknown last.
    for group in &mut groups {
        group.kinds.sort_by_key(|k| {
            k.kind
                .and_then(|kind| OrganisationKind::ALL.iter().position(|all| *all == kind))
                .unwrap_or(usize::MAX)
        });
    }
    groups
}

#[derive(Template, WebTemplate)]
#[template(path = "public/organisation.html")]
pub struct OrganisationPage {
    meta: PageMeta,
    organisation: Organisation,
    people: Vec<PersonSummary>,
    agreements: Vec<Agreement>,
    booth: Option<Booth>,
    source: Option<Source>,
}

impl OrganisationPage {
    /// The other parties of one of its agreements.
    fn partners<'a>(&self, agreement: &'a Agreement) -> Vec<&'a OrganisationRef> {
        agreement
            .parties
            .iter()
            .filter(|party| party.slug != self.organisation.slug)
            .collect()
    }

    /// "Company, Pakistan": what the source says of its kind and country (either may be unknown).
    fn kind_and_country(&self) -> Option<String> {
        let lang = self.meta.lang;
        let parts: Vec<String> = self
            .organisation
            .kind()
            .map(|kind| kind.singular_in(lang).to_owned())
            .into_iter()
            .chain(self.organisation.country().map(|c| c.name_in(lang)))
            .collect();
        (!parts.is_empty()).then(|| lang.join(&parts))
    }
}

/// One organisation's page.
pub async fn show(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<OrganisationPage> {
    page(&state, super::checked_slug(&slug)?, Visibility::Published).await
}

/// The page of the organisation with `slug`; a draft only for an admin's preview (marked as such).
pub async fn page(
    state: &AppState,
    slug: &str,
    visibility: Visibility,
) -> Result<OrganisationPage> {
    let OrganisationData {
        organisation,
        people,
        agreements,
        booth,
        source,
    } = db::organisations::organisation_page(&state.db, slug, visibility)
        .await?
        .ok_or(AppError::NotFound)?;
    let lang = Locale::current().lang;
    let name = organisation.display_name_in(lang);
    let mut parts = vec![name.clone()];
    parts.extend(organisation.country().map(|country| country.name_in(lang)));
    let description = format!(
        "{}{}{}",
        lang.join(&parts),
        lang.colon(),
        lang.t("organisation.description")
    );
    Ok(OrganisationPage {
        meta: PageMeta::new(name, description, Some(Section::Organisations))
            .preview(visibility.includes_drafts())
            .with_linked_data(linked_data::organisation(
                &organisation,
                &people,
                booth.is_some(),
                lang,
            )),
        organisation,
        people,
        agreements,
        booth,
        source,
    })
}
