//! The list of an entity's entries: searchable in every language, filterable, sortable, a
//! page at a time.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::{Map, Value};

use super::context::AdminContext;
use super::entry::{is_draft, load_choices, public_url, title_of};
use super::extract::{EntityPath, Frame};
use super::form::{self, Choices, OptionView, Submission, TRANSLATIONS};
use super::spec::{self, EntitySpec, FilterKind};
use super::translations;
use crate::db::entities;
use crate::error::{AppError, Result};
use crate::i18n::{Lang, Locale};
use crate::state::AppState;

/// Rows on one page of a list.
const PAGE_SIZE: i64 = 50;

/// One row of a list.
pub struct RowView {
    id: i64,
    title: String,
    details: String,
    draft: bool,
    updated: String,
    public_url: Option<String>,
    /// The names of the languages some text of the entry has no version in.
    missing: Vec<&'static str>,
}

/// A filter's select on a list page.
pub struct FilterView {
    name: String,
    label: String,
    options: Vec<OptionView>,
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
    sorts: Vec<OptionView>,
    descending: bool,
    /// Rows matching, over every page.
    total: i64,
    pages: Pagination,
}

/// Links to the other pages of a list (the query string kept).
pub struct Pagination {
    current: i64,
    last: i64,
    previous: Option<String>,
    next: Option<String>,
}

impl Pagination {
    fn new(current: i64, total: i64, params: &Submission) -> Self {
        let last = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
        let link = |page: i64| {
            let mut query = form_urlencoded::Serializer::new(String::new());
            for (name, value) in params.0.iter().filter(|(name, _)| name != "page") {
                query.append_pair(name, value);
            }
            query.append_pair("page", &page.to_string());
            format!("?{}", query.finish())
        };
        Self {
            current,
            last,
            previous: (current > 1).then(|| link((current - 1).min(last))),
            next: (current < last).then(|| link(current + 1)),
        }
    }
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
    let mut conn = state.db.acquire().await?;
    let choices = load_choices(&mut conn, spec).await?;

    let mut filter = Map::new();
    let lang = Locale::current().lang;
    let mut filters = Vec::new();
    for spec_filter in spec.filters {
        let filter_label = match spec_filter.kind {
            FilterKind::Published => lang.t("admin.status").to_owned(),
            _ => spec.label_of(spec_filter.column, lang),
        };
        let name = format!("f_{}", spec_filter.column);
        let chosen = params.get(&name).unwrap_or_default().to_owned();
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
            FilterKind::Published => (
                vec![
                    (
                        "published".to_owned(),
                        Locale::current().lang.t("admin.published").to_owned(),
                    ),
                    (
                        "draft".to_owned(),
                        Locale::current().lang.t("admin.draft").to_owned(),
                    ),
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

    let missing = params.get("missing").unwrap_or_default();
    if !missing.is_empty() && translations::parse_missing(missing).is_none() {
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

    let sort = params
        .get("sort")
        .and_then(|s| spec.sorts.iter().find(|column| **column == s))
        .or(spec.sorts.first())
        .map_or("id", |column| *column);
    let descending = params.get("dir") == Some("desc");
    let page: i64 = match params.get("page") {
        None | Some("") => 1,
        Some(page) => page.parse().ok().filter(|p| *p >= 1).ok_or_else(|| {
            AppError::BadRequest(lang.tf("form.listed", &[("label", lang.t("admin.page"))]))
        })?,
    };
    let searched = spec.searched_columns();
    let query = entities::ListQuery {
        search: &search,
        searched: &searched,
        filter,
        sort,
        descending,
        missing,
        limit: PAGE_SIZE,
        offset: (page - 1).saturating_mul(PAGE_SIZE),
    };
    let listed = entities::list(&mut *conn, spec.sql(), &query).await?;
    let total = listed.total;
    let rows = listed.rows;
    let rows = rows
        .into_iter()
        .map(|(id, row)| RowView {
            id,
            title: title_of(spec, &row),
            details: list_details(spec, &row, &choices),
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
        })
        .collect();
    let sorts = spec
        .sorts
        .iter()
        .map(|column| OptionView {
            value: (*column).to_owned(),
            label: if *column == "updated_at" {
                lang.t("admin.last_changed").to_owned()
            } else {
                spec.label_of(column, lang)
            },
            selected: *column == sort,
        })
        .collect();
    let pages = Pagination::new(page, total, &params);
    Ok(ListPage {
        ctx: frame.context().await?,
        lang: Locale::current().lang,
        spec,
        rows,
        search,
        filters,
        sorts,
        descending,
        total,
        pages,
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

/// A short second line for a list row: the filterable columns' values.
fn list_details(spec: &EntitySpec, row: &Map<String, Value>, choices: &Choices) -> String {
    spec.fields
        .iter()
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
