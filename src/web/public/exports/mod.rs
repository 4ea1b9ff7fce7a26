//! The portal's data to take away, and the documents that let other programs find it: CSV
//! files of the lists, the forum in a calendar, an Atom feed of changes and the sitemap.
//! Each is public, the same for every visitor (except where `origin` says), sets no cookie,
//! and is cached like a page (its type is in the page cache's `CACHEABLE_TYPES`).

mod calendar;
mod changed_fields;
mod feed;
mod ical;
mod origin;
mod sitemap;
mod tables;
mod xml;

use axum::Router;
use axum::routing::get;

pub use sitemap::robots_line;

use crate::i18n::Lang;
use crate::state::AppState;

/// The routes of the downloads: the CSV files and the sitemap in one version each (every row
/// carries every language), the calendar and the feed in each language.
pub fn router() -> Router<AppState> {
    let mut router = Router::new()
        .route("/speakers.csv", get(tables::speakers))
        .route("/quotes.csv", get(tables::quotes))
        .route("/organisations.csv", get(tables::organisations))
        .route("/agreements.csv", get(tables::agreements))
        .route("/exhibitors.csv", get(tables::exhibitors))
        .route("/initiatives.csv", get(tables::initiatives))
        .route("/sitemap.xml", get(sitemap::index))
        .route("/sitemaps/{file}", get(sitemap::file));
    for lang in Lang::ALL {
        let prefix = lang.prefix();
        router = router
            .route(&format!("{prefix}/forum.ics"), get(calendar::forum))
            .route(&format!("{prefix}/feed.atom"), get(feed::feed));
    }
    router
}
