//! The list of an entity's entries: searchable in every language, filterable, sortable, a
//! page at a time.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::{Map, Value};

use super::context::AdminContext;
use super::entry::{is_draft, load_choices, public_url, title_of, version_of};
use super::extract::{EntityPath, Frame};
use super::form::{self, Choices, OptionView, Submission, TRANSLATIONS};
use super::spec::{self, EntitySpec, FilterKind};
use super::translations;
use crate::db::entities::{self, ListQuery};
use crate::error::{AppError, Result};
use crate::i18n::{Lang, Locale};
use crate::state::AppState;

/// Rows on one page of a list.
const PAGE_SIZE: i64 = 50;

/// One row of a list.
pub struct RowView {
    id: i64,
    /// The version the row was shown at (bulk actions skip rows changed since).
    version: i32,
    title: String,
    details: String,
    /// The values of the sortable columns after the title, in header order.
    cells: Vec<String>,
    draft: bool,
    updated: String,
    public_url: Option<String>,
    /// The names of the languages some text of the entry has no version in.
    missing: Vec<&'static str>,
    /// Ticked (after "select all on this page").
    selected: bool,
}

/// A filter's select on a list page.
pub struct FilterView {
    name: String,
    label: String,
    options: Vec<OptionView>,
}

/// A column header: a link that sorts by it when it can.
pub struct HeaderView {
    label: String,
    /// The link sorting by this column (the other way round when it is the sorted one).
    href: Option<String>,
    /// `ascending` / `descending` on the sorted column.
    aria_sort: Option<&'static str>,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/list.html")]
pub struct ListPage {
    ctx: AdminContext,
    lang: Lang,
    spec: &'static EntitySpec,
    rows: Vec<RowView>,
    search: String,
    filters: Vec<FilterView>,
    /// The title column's header, then the other sortable columns', then "last changed".
    title_header: HeaderView,
    headers: Vec<HeaderView>,
    updated_header: HeaderView,
    sort: &'static str,
    descending: bool,
    /// Rows matching, over every page.
    total: i64,
    pages: Pagination,
    /// This page's query string (bulk actions come back to it).
    query: String,
    /// The links ticking every row of this page, and none.
    select_all: String,
    select_none: String,
    /// The same list as CSV.
    export: String,
    /// Whether the list can be imported from a CSV file.
    importable: bool,
}

/// Links to the other pages of a list (the query string kept).
pub struct Pagination {
    current: i64,
    last: i64,
    first: Option<String>,
    previous: Option<String>,
    next: Option<String>,
    last_link: Option<String>,
}

/// The query string of `params` with `changes` made (an empty value removes the name).
fn with_params(params: &Submission, changes: &[(&str, &str)]) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (name, value) in params
        .0
        .iter()
        .filter(|(name, _)| !changes.iter().any(|(changed, _)| changed == name))
    {
        query.append_pair(name, value);
    }
    for (name, value) in changes.iter().filter(|(_, value)| !value.is_empty()) {
        query.append_pair(name, value);
    }
    format!("?{}", query.finish())
}

impl Pagination {
    fn new(current: i64, last: i64, params: &Submission) -> Self {
        let link = |page: i64| with_params(params, &[("page", &page.to_string())]);
        Self {
            current,
            last,
            first: (current > 2).then(|| link(1)),
            previous: (current > 1).then(|| link(current - 1)),
            next: (current < last).then(|| link(current + 1)),
            last_link: (current + 1 < last).then(|| link(last)),
        }
    }
}

/// How many pages `total` rows make (at least one, empty).
fn page_count(total: i64) -> i64 {
    ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1)
}

/// What a list's query string asks for: search, filters, missing translations, sort, page.
pub struct ListRequest {
    pub params: Submission,
    pub search: String,
    pub filter: Map<String, Value>,
    pub filters: Vec<FilterView>,
    pub missing: String,
    pub sort: &'static str,
    pub descending: bool,
    pub page: i64,
}

impl ListRequest {
    /// Read and check the query string; a value the list does not know is a 400 naming it.
    pub fn parse(
        spec: &'static EntitySpec,
        params: Vec<(String, String)>,
        choices: &Choices,
        lang: Lang,
    ) -> Result<Self> {
        let params = Submission(params);
        let search: String = params
            .get("q")
            .unwrap_or_default()
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect::<String>()
            .trim()
            .to_owned();
        let mut filter = Map::new();
        let mut filters = Vec::new();
        for spec_filter in spec.filters {
            let filter_label = match spec_filter.kind {
                FilterKind::Published => lang.t("admin.status").to_owned(),
                _ => spec.label_of(spec_filter.column, lang),
            };
            let name = format!("f_{}", spec_filter.column);
            let chosen = params.get(&name).unwrap_or_default().to_owned();
            let organisations = || {
                choices
                    .organisations
                    .iter()
                    .map(|(id, l)| (id.to_string(), l.clone()))
                    .collect()
            };
            let (options, value): (Vec<(String, String)>, Option<Value>) = match spec_filter.kind {
                FilterKind::Choice(options) => (
                    options
                        .iter()
                        .map(|v| ((*v).to_owned(), spec::choice_label(v, lang).to_owned()))
                        .collect(),
                    options
                        .iter()
                        .find(|v| **v == chosen)
                        .map(|v| Value::String((*v).to_owned())),
                ),
                FilterKind::Reference(table) => {
                    let list = match table {
                        entities::ReferenceTable::Organisations => &choices.organisations,
                        entities::ReferenceTable::People => &choices.people,
                        entities::ReferenceTable::Sources => &choices.sources,
                        entities::ReferenceTable::Halls => &choices.halls,
                    };
                    (
                        list.iter()
                            .map(|(id, l)| (id.to_string(), l.clone()))
                            .collect(),
                        list.iter()
                            .find(|(id, _)| id.to_string() == chosen)
                            .map(|(id, _)| Value::from(*id)),
                    )
                }
                FilterKind::Parties => (
                    organisations(),
                    choices
                        .organisations
                        .iter()
                        .find(|(id, _)| id.to_string() == chosen)
                        .map(|(id, _)| Value::from(vec![*id])),
                ),
                FilterKind::Published => (
                    vec![
                        ("published".to_owned(), lang.t("admin.published").to_owned()),
                        ("draft".to_owned(), lang.t("admin.draft").to_owned()),
                    ],
                    match chosen.as_str() {
                        "published" => Some(Value::Bool(true)),
                        "draft" => Some(Value::Bool(false)),
                        _ => None,
                    },
                ),
            };
            if !chosen.is_empty() && value.is_none() {
                return Err(AppError::BadRequest(
                    lang.tf("form.listed", &[("label", &filter_label)]),
                ));
            }
            if let Some(value) = value {
                filter.insert(spec_filter.column.to_owned(), value);
            }
            filters.push(FilterView {
                name,
                label: filter_label,
                options: options
                    .into_iter()
                    .map(|(value, label)| OptionView {
                        selected: value == chosen,
                        value,
                        label,
                    })
                    .collect(),
            });
        }

        let missing = params.get("missing").unwrap_or_default().to_owned();
        if !missing.is_empty() && translations::parse_missing(&missing).is_none() {
            return Err(AppError::BadRequest(lang.tf(
                "form.listed",
                &[("label", lang.t("admin.translation_filter"))],
            )));
        }
        filters.push(FilterView {
            name: "missing".to_owned(),
            label: lang.t("admin.translation_filter").to_owned(),
            options: TRANSLATIONS
                .iter()
                .map(|(code, ..)| OptionView {
                    value: (*code).to_owned(),
                    label: lang.t(&format!("admin.needs.{code}")).to_owned(),
                    selected: *code == missing,
                })
                .collect(),
        });

        let sort = match params.get("sort") {
            None | Some("") => spec.sorts.first().copied().unwrap_or("id"),
            Some(wanted) => spec
                .sorts
                .iter()
                .copied()
                .find(|column| *column == wanted)
                .ok_or_else(|| {
                    AppError::BadRequest(lang.tf("admin.list.bad_sort", &[("value", wanted)]))
                })?,
        };
        let descending = match params.get("dir") {
            None | Some("" | "asc") => false,
            Some("desc") => true,
            Some(other) => {
                return Err(AppError::BadRequest(
                    lang.tf("admin.list.bad_order", &[("value", other)]),
                ));
            }
        };
        let page: i64 = match params.get("page") {
            None | Some("") => 1,
            Some(page) => page.parse().ok().filter(|p| *p >= 1).ok_or_else(|| {
                AppError::BadRequest(lang.tf("admin.list.bad_page", &[("value", page)]))
            })?,
        };
        Ok(Self {
            params,
            search,
            filter,
            filters,
            missing,
            sort,
            descending,
            page,
        })
    }

    /// The query of this request: `limit` rows from `offset`.
    pub fn query<'a>(&'a self, searched: &'a [&'a str], limit: i64, offset: i64) -> ListQuery<'a> {
        ListQuery {
            search: &self.search,
            searched,
            filter: self.filter.clone(),
            sort: self.sort,
            descending: self.descending,
            missing: &self.missing,
            limit,
            offset,
        }
    }

    /// The header of `column`: a link sorting by it (ascending, or the other way round when
    /// it is already the sorted column), page 1.
    fn header(&self, spec: &EntitySpec, column: &str, label: String) -> HeaderView {
        if !spec.sorts.contains(&column) {
            return HeaderView {
                label,
                href: None,
                aria_sort: None,
            };
        }
        let sorted = self.sort == column;
        let dir = if sorted && !self.descending {
            "desc"
        } else {
            "asc"
        };
        HeaderView {
            label,
            href: Some(with_params(
                &self.params,
                &[("sort", column), ("dir", dir), ("page", "")],
            )),
            aria_sort: sorted.then_some(if self.descending {
                "descending"
            } else {
                "ascending"
            }),
        }
    }
}

/// The sortable columns a list shows after its title (the title and "last changed" have
/// their own).
fn extra_columns(spec: &EntitySpec) -> impl Iterator<Item = &'static str> + '_ {
    spec.sorts
        .iter()
        .copied()
        .filter(move |column| *column != spec.title && *column != "updated_at")
}

/// The list, searchable, filterable and sortable through its query string.
pub async fn index(
    State(state): State<AppState>,
    frame: Frame,
    path: EntityPath,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response> {
    let spec = path.spec;
    if spec.singleton {
        return Ok(Redirect::to(&format!("/admin/{}/1", spec.key)).into_response());
    }
    let lang = Locale::current().lang;
    let mut conn = state.db.acquire().await?;
    let choices = load_choices(&mut conn, spec).await?;
    let request = ListRequest::parse(spec, params, &choices, lang)?;
    let searched = spec.searched_columns();
    let query = request.query(
        &searched,
        PAGE_SIZE,
        (request.page - 1).saturating_mul(PAGE_SIZE),
    );
    let mut listed = entities::list(&mut *conn, spec.sql(), &query).await?;
    if listed.rows.is_empty() && request.page > 1 {
        // Past the end: how many rows are there?
        listed.total = entities::list(&mut *conn, spec.sql(), &request.query(&searched, 1, 0))
            .await?
            .total;
        let pages = page_count(listed.total);
        return Err(AppError::BadRequest(lang.tf_plural(
            "admin.list.no_page",
            pages,
            &[("page", &lang.number(request.page))],
        )));
    }
    drop(conn);
    let total = listed.total;
    let select_all = request.params.get("select") == Some("all");
    let extra: Vec<&str> = extra_columns(spec).collect();
    let rows = listed
        .rows
        .into_iter()
        .map(|(id, row)| RowView {
            id,
            version: version_of(&row),
            title: title_of(spec, &row),
            details: list_details(spec, &row, &choices, &extra),
            cells: extra
                .iter()
                .map(|column| form::display_brief(spec, column, row.get(*column), &choices, lang))
                .collect(),
            draft: is_draft(&row),
            updated: row
                .get("updated_at")
                .and_then(Value::as_str)
                .map(|at| changed_at(at, lang))
                .unwrap_or_default(),
            public_url: public_url(spec, &row),
            missing: translations::missing_languages(spec, &row)
                .into_iter()
                .map(|code| lang.t(&format!("language.{code}")))
                .collect(),
            selected: select_all,
        })
        .collect();
    let title_header = request.header(spec, spec.title, spec.plural_in(lang).to_owned());
    let headers = extra
        .iter()
        .map(|column| request.header(spec, column, spec.label_of(column, lang)))
        .collect();
    let updated_header =
        request.header(spec, "updated_at", lang.t("admin.last_changed").to_owned());
    let pages = Pagination::new(request.page, page_count(total), &request.params);
    let query = with_params(&request.params, &[("select", "")]);
    Ok(ListPage {
        ctx: frame.context().await?,
        lang,
        spec,
        rows,
        search: request.search.clone(),
        filters: request.filters,
        title_header,
        headers,
        updated_header,
        sort: request.sort,
        descending: request.descending,
        total,
        pages,
        select_all: format!(
            "{}#bulk",
            with_params(&request.params, &[("select", "all")])
        ),
        select_none: format!("{}#bulk", with_params(&request.params, &[("select", "")])),
        importable: super::import::is_importable(spec),
        export: format!(
            "/admin/{}/export.csv{}",
            spec.key,
            with_params(&request.params, &[("select", ""), ("page", "")]).trim_end_matches('?')
        ),
        query,
    }
    .into_response())
}

/// When a row last changed (its `updated_at` as JSON gives it), in `lang`.
fn changed_at(at: &str, lang: Lang) -> String {
    use time::format_description::well_known::Rfc3339;
    time::OffsetDateTime::parse(at, &Rfc3339)
        .map(|at| lang.date_time(at))
        .unwrap_or_else(|_| at.to_owned())
}

/// A short second line for a list row: the filterable columns' values (those not in a
/// column of their own).
fn list_details(
    spec: &EntitySpec,
    row: &Map<String, Value>,
    choices: &Choices,
    shown: &[&str],
) -> String {
    spec.fields
        .iter()
        .filter(|f| !shown.contains(&f.column))
        .filter(|f| {
            matches!(
                f.kind,
                spec::FieldKind::Reference(_) | spec::FieldKind::Choice(_)
            ) || f.column == "country"
                || f.column == "role"
                || f.column == "short_name"
        })
        .filter_map(|f| {
            let value = row.get(f.column).filter(|v| !v.is_null())?;
            Some(form::display_brief(
                spec,
                f.column,
                Some(value),
                choices,
                Locale::current().lang,
            ))
        })
        .collect::<Vec<_>>()
        .join(" · ")
}
