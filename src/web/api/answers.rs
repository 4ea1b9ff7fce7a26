//! What every answer does. A list: check `page` and `per_page`, read the page (one
//! statement that also counts the list), refuse a page past the last (404), and answer with
//! the page, its links in the body and in a `Link` header. An entry: refuse any query
//! parameter, refuse a key that cannot be one (404, before any query), read it, 404 when it
//! is not published.

use axum::response::Response;

use super::links::{Kind, Pages};
use super::missing;
use super::model::Position;
use super::params::{self, ListParams};
use super::problem::Problem;
use super::respond::{self, IfNoneMatch};
use crate::db::Paged;
use crate::db::api::Window;

/// The answer to a request for a page of `kind`'s list with `query`: `read` reads the page's
/// rows, `make` turns them into the list's type.
pub async fn list<R, L, Fut>(
    kind: Kind,
    query: Option<&str>,
    condition: &IfNoneMatch,
    read: impl FnOnce(Window) -> Fut,
    make: impl FnOnce(Vec<R>, Position) -> L,
) -> Result<Response, Problem>
where
    Fut: Future<Output = sqlx::Result<Paged<R>>>,
    L: serde::Serialize,
{
    let params = ListParams::parse(query)?;
    let paged = read(params.window()).await?;
    let pages = params.pages(paged.total);
    if params.page() > pages {
        return Err(Problem::not_found(format!(
            "Page {} does not exist: the {} list has {pages} page{} of {} entries.",
            params.page(),
            kind.collection(),
            if pages == 1 { "" } else { "s" },
            params.per_page(),
        )));
    }
    let Pages { links, header } = Pages::new(kind, &params, pages);
    let position = Position {
        page: params.page(),
        per_page: params.per_page(),
        total: paged.total,
        pages,
        links,
    };
    respond::json(condition, &make(paged.items, position), Some(&header))
}

/// The answer to a request for the entry of `kind` at `key` with `query`: `parse` makes the
/// key (`None`: it cannot be one), `read` reads the entry, `make` turns it into its type.
pub async fn item<'k, K, R, T, Fut>(
    kind: Kind,
    key: &'k str,
    query: Option<&str>,
    condition: &IfNoneMatch,
    parse: impl FnOnce(&'k str) -> Option<K>,
    read: impl FnOnce(K) -> Fut,
    make: impl FnOnce(R) -> T,
) -> Result<Response, Problem>
where
    Fut: Future<Output = sqlx::Result<Option<R>>>,
    T: serde::Serialize,
{
    params::none(query)?;
    let parsed = parse(key).ok_or_else(|| missing(kind, key))?;
    let entry = read(parsed).await?.ok_or_else(|| missing(kind, key))?;
    respond::json(condition, &make(entry), None)
}

/// A slug, if `key` can be one.
pub fn slug(key: &str) -> Option<&str> {
    crate::domain::slug::is_valid(key).then_some(key)
}
