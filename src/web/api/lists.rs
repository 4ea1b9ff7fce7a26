//! What every list answer does: check `page` and `per_page`, read the page (one statement
//! that also counts the list), refuse a page past the last (404), and answer with the page,
//! its links in the body and in a `Link` header.

use axum::response::Response;

use super::links::{Kind, Pages};
use super::model::Position;
use super::params::ListParams;
use super::problem::Problem;
use super::respond::{self, IfNoneMatch};
use crate::db::Paged;
use crate::db::api::Window;

/// The answer to a request for a page of `kind`'s list with `query`: `read` reads the page's
/// rows, `make` turns them into the list's type.
pub async fn answer<R, L, Fut>(
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
