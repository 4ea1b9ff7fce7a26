//! The pages visitors read.

pub(crate) mod agreements;
pub(crate) mod cards;
pub(crate) mod exhibitors;
mod exports;
mod floor_plan;
mod home;
pub(crate) mod organisations;
pub(crate) mod programme;
pub(crate) mod search;
pub(crate) mod speakers;

use axum::Router;
use axum::extract::State;
use axum::response::Redirect;
use axum::routing::get;
use serde::Deserialize;

use crate::db::{PageNumber, page_count};
use crate::domain::slug;
use crate::error::{AppError, Result};
use crate::i18n::{Lang, Locale};
use crate::state::AppState;
use crate::web::linked_data::{self, JsonLd, ListEntry};

/// Every public route, in every language: English at `/...`, the others under their prefix.
pub fn router() -> Router<AppState> {
    let mut router = Router::new()
        .route("/", get(home::root))
        .route("/zh", get(home::show))
        .route("/ur", get(home::show))
        .route("/zh/", get(|| async { Redirect::permanent("/zh") }))
        .route("/ur/", get(|| async { Redirect::permanent("/ur") }))
        .route("/robots.txt", get(robots))
        .merge(exports::router());
    for lang in Lang::ALL {
        let prefix = lang.prefix();
        router = router
            .route(&format!("{prefix}/speakers"), get(speakers::index))
            .route(&format!("{prefix}/speakers/{{slug}}"), get(speakers::show))
            .route(
                &format!("{prefix}/organisations"),
                get(organisations::index),
            )
            .route(
                &format!("{prefix}/organisations/{{slug}}"),
                get(organisations::show),
            )
            .route(&format!("{prefix}/agreements"), get(agreements::index))
            .route(
                &format!("{prefix}/agreements/{{slug}}"),
                get(agreements::show),
            )
            .route(&format!("{prefix}/exhibitors"), get(exhibitors::index))
            .route(
                &format!("{prefix}/exhibitors/{{slug}}"),
                get(exhibitors::show),
            )
            .route(&format!("{prefix}/search"), get(search::show))
            .route(&format!("{prefix}/cards/{{file}}"), get(cards::page_card))
            .route(
                &format!("{prefix}/cards/{{list}}/{{file}}"),
                get(cards::entry_card),
            );
    }
    router
}

/// A slug from the path, or 404 before any query when it cannot be one.
fn checked_slug(slug: &str) -> Result<&str> {
    if slug::is_valid(slug) {
        Ok(slug)
    } else {
        Err(AppError::NotFound)
    }
}

/// `?page=N` on a public list.
#[derive(Debug, Default, Deserialize)]
pub struct PageParam {
    page: Option<String>,
}

impl PageParam {
    /// The page asked for (the first when none is); one that cannot be a page number is a
    /// page that does not exist: 404.
    fn number(&self) -> Result<PageNumber> {
        PageNumber::parse(self.page.as_deref()).ok_or(AppError::NotFound)
    }
}

/// The links between the pages of a public list (shown only when it has more than one).
pub struct Pager {
    /// This page's number.
    pub current: i64,
    /// How many pages the list has.
    pub last: i64,
    /// The previous page's address, if any.
    pub previous: Option<String>,
    /// The next page's address, if any.
    pub next: Option<String>,
    /// This page's query string (`?page=2`, with the list's other parameters), empty on the
    /// first page, whose address has none.
    query: String,
}

impl Pager {
    /// The pages of a list of `total` entries at `path` (language-neutral, `/speakers`),
    /// showing `page` (see [`read_page`]); `params` are the list's other query parameters
    /// (empty ones are left out), kept in every link.
    fn new(page: PageNumber, total: i64, path: &str, params: &[(&str, &str)]) -> Self {
        let last = page_count(total);
        let current = page.get().min(last);
        let query = |number: i64| {
            let mut query = form_urlencoded::Serializer::new(String::new());
            for (name, value) in params.iter().filter(|(_, value)| !value.is_empty()) {
                query.append_pair(name, value);
            }
            if number > 1 {
                query.append_pair("page", &number.to_string());
            }
            let query = query.finish();
            if query.is_empty() {
                query
            } else {
                format!("?{query}")
            }
        };
        let href = Locale::current().lang.href(path);
        let link = |number: i64| format!("{href}{}", query(number));
        Self {
            current,
            last,
            previous: (current > 1).then(|| link(current - 1)),
            next: (current < last).then(|| link(current + 1)),
            query: if current > 1 {
                query(current)
            } else {
                String::new()
            },
        }
    }

    /// The page's own query string, for its canonical and `hreflang` links.
    fn query(&self) -> String {
        self.query.clone()
    }

    /// This page of the list at `path` (language-neutral), titled `title`, as a schema.org
    /// `ItemList` of `entries`, numbered across the whole list of `total` entries.
    fn linked_data(
        &self,
        title: &str,
        path: &str,
        total: i64,
        entries: impl IntoIterator<Item = ListEntry>,
    ) -> JsonLd {
        linked_data::item_list(
            title,
            &format!("{path}{}", self.query),
            total,
            (self.current - 1) * crate::db::PAGE_SIZE + 1,
            entries,
            Locale::current().lang,
        )
    }
}

/// Page `page` of a list, read with `read` (one statement that also counts the list's
/// entries, `total`): a page past the last shows the last instead (read again, only for such
/// an address; links and canonical address then name the page shown). Returns the page shown.
async fn read_page<T, F, Fut>(
    page: PageNumber,
    read: F,
    total: fn(&T) -> i64,
) -> Result<(PageNumber, T)>
where
    F: Fn(PageNumber) -> Fut,
    Fut: Future<Output = sqlx::Result<T>>,
{
    let list = read(page).await?;
    let last = PageNumber::last_of(total(&list));
    if page > last {
        Ok((last, read(last).await?))
    } else {
        Ok((page, list))
    }
}

/// What crawlers may read: everything but the admin; and where the sitemap is, when the
/// public URL is known.
async fn robots(State(state): State<AppState>) -> String {
    let mut robots = String::from("User-agent: *\nDisallow: /admin\n");
    robots.extend(exports::robots_line(&state.web));
    robots
}
