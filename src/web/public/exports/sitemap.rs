//! The sitemap (sitemaps.org protocol 0.9): `/sitemap.xml` is an index of the sitemap files,
//! `/sitemaps/pages.xml` (the home page, the four lists and the API's page) and `/sitemaps/entries-N.xml`
//! (every published entry's page, 1,000 entries a file: the protocol allows 50,000 addresses
//! a file and a site with `--scale 10000` demo data has 120,000).
//!
//! Every page is listed in each of its languages, each address with its `xhtml:link`
//! alternates (`en`, `zh-Hans`, `ur`, and `x-default`, the English page), as Google asks for
//! multilingual sites. The lists' further pages (`?page=2`) and filtered views are left out:
//! they show nothing that does not have a page of its own in the sitemap, and their contents
//! shift whenever an entry is added. `lastmod` comes from the data (`db::sitemap`).
//!
//! Sitemaps need absolute addresses: see [`Origin`] for where they come from.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};

use super::origin::Origin;
use super::xml::escape;
use crate::db::sitemap::Page;
use crate::error::{AppError, Result};
use crate::i18n::Lang;
use crate::state::AppState;

const NAMESPACE: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

/// `/sitemap.xml`: the index of the sitemap files.
pub async fn index(State(state): State<AppState>, headers: HeaderMap) -> Result<Response> {
    let origin = Origin::of_request(&state.web, &headers)?;
    let fixed = crate::db::sitemap::fixed_pages(&state.db).await?;
    let chunks = crate::db::sitemap::chunks(&state.db).await?;
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.push_str(&format!("<sitemapindex xmlns=\"{NAMESPACE}\">\n"));
    let newest = fixed
        .iter()
        .filter_map(|page| page.lastmod.as_deref())
        .max();
    sitemap(&mut xml, &origin.url("/sitemaps/pages.xml"), newest);
    for chunk in &chunks {
        sitemap(
            &mut xml,
            &origin.url(&format!("/sitemaps/entries-{}.xml", chunk.number)),
            chunk.lastmod.as_deref(),
        );
    }
    xml.push_str("</sitemapindex>\n");
    Ok(answer(&origin, xml))
}

/// `/sitemaps/{file}`: `pages.xml` or `entries-N.xml`.
pub async fn file(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Result<Response> {
    let pages = if file == "pages.xml" {
        crate::db::sitemap::fixed_pages(&state.db).await?
    } else {
        let number = file
            .strip_prefix("entries-")
            .and_then(|rest| rest.strip_suffix(".xml"))
            .filter(|n| !n.starts_with('0') && n.len() <= 9)
            .and_then(|n| n.parse::<i64>().ok())
            .ok_or(AppError::NotFound)?;
        if number > crate::db::sitemap::chunk_count(&state.db).await? {
            return Err(AppError::NotFound);
        }
        let pages = crate::db::sitemap::entry_chunk(&state.db, number).await?;
        if pages.is_empty() {
            return Err(AppError::NotFound);
        }
        pages
    };
    let origin = Origin::of_request(&state.web, &headers)?;
    Ok(answer(&origin, urlset(&pages, &origin)))
}

/// A `<urlset>` of `pages`, each in every language.
fn urlset(pages: &[Page], origin: &Origin) -> String {
    let mut xml = String::with_capacity(256 + pages.len() * 1600);
    xml.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.push_str(&format!(
        "<urlset xmlns=\"{NAMESPACE}\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n"
    ));
    for page in pages {
        let alternates: Vec<(&str, String)> = Lang::ALL
            .into_iter()
            .map(|lang| (lang.tag(), origin.url(&lang.href(&page.path))))
            .chain([("x-default", origin.url(&Lang::En.href(&page.path)))])
            .collect();
        for lang in Lang::ALL {
            xml.push_str("  <url>\n");
            xml.push_str(&format!(
                "    <loc>{}</loc>\n",
                escape(&origin.url(&lang.href(&page.path)))
            ));
            if let Some(lastmod) = &page.lastmod {
                xml.push_str(&format!("    <lastmod>{}</lastmod>\n", escape(lastmod)));
            }
            for (hreflang, href) in &alternates {
                xml.push_str(&format!(
                    "    <xhtml:link rel=\"alternate\" hreflang=\"{hreflang}\" href=\"{}\"/>\n",
                    escape(href)
                ));
            }
            xml.push_str("  </url>\n");
        }
    }
    xml.push_str("</urlset>\n");
    xml
}

/// One `<sitemap>` of the index.
fn sitemap(xml: &mut String, loc: &str, lastmod: Option<&str>) {
    xml.push_str("  <sitemap>\n");
    xml.push_str(&format!("    <loc>{}</loc>\n", escape(loc)));
    if let Some(lastmod) = lastmod {
        xml.push_str(&format!("    <lastmod>{}</lastmod>\n", escape(lastmod)));
    }
    xml.push_str("  </sitemap>\n");
}

fn answer(origin: &Origin, xml: String) -> Response {
    origin.mark(
        (
            [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
            xml,
        )
            .into_response(),
    )
}

/// The `Sitemap:` line of `robots.txt`, when the public URL is known (a `robots.txt` is cached
/// for everyone, so it never names a host a request chose).
pub fn robots_line(web: &crate::state::WebConfig) -> Option<String> {
    Origin::configured(web).map(|origin| format!("Sitemap: {}\n", origin.url("/sitemap.xml")))
}
