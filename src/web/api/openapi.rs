//! The API's OpenAPI 3.1 document, generated from its Rust types and handlers (utoipa), and
//! served at `/api/openapi.json` with the portal's public URL as its server.
//!
//! What every operation shares is added in one place ([`Conventions`]) rather than repeated
//! on each handler: the `ETag`, `Cache-Control`, CORS and (for lists) `Link` headers of a
//! `200`, the `304` to a matching `If-None-Match`, and the problem answers (`400`, `404`,
//! `500`, `503`). It also makes every property of every schema required (the API writes
//! `null` rather than leaving a property out) and closes every object
//! (`additionalProperties: false`), so a client can rely on exactly the shape described.

use std::sync::OnceLock;

use axum::extract::{RawQuery, State};
use axum::response::Response;
use utoipa::openapi::schema::{AdditionalProperties, Schema, Type};
use utoipa::openapi::server::Server;
use utoipa::openapi::{
    Content, Header, Object, OpenApi as Document, Ref, RefOr, Response as ApiResponse,
};
use utoipa::{Modify, OpenApi};

use super::problem::{PROBLEM_JSON, Problem};
use super::respond::{self, IfNoneMatch};
use super::{agreements, exhibitors, forum, initiatives, organisations, params, quotes, speakers};
use crate::state::AppState;

/// What the document says about the API as a whole.
const DESCRIPTION: &str = "Open data of the China–Pakistan Science, Technology and Innovation \
Cooperation forum (\"Shared Journey to a Digital Era\", Beijing, 5 September 2023, beside \
CIFTIS): its speakers and what they said, the organisations taking part, the agreements signed, \
the exhibitors' booths and the initiatives named. Read-only; only published entries appear.\n\n\
**Languages.** Every human-readable text is a `Localized` object with its English, Chinese \
and Urdu versions (`null` where there is none yet), the language of the original, and which \
versions are translations: a translated statement is not the speaker's own words.\n\n\
**Links.** Entries link to each other by URL (`url`: the entry in this API; `html_url`: its \
page on the portal, in English — put `/zh` or `/ur` before the path for Chinese or Urdu).\n\n\
**Pages.** Lists take `page` (from 1) and `per_page` (1–100, default 50); the body's `links` \
and the `Link` header name the first, previous, next and last pages. A page past the last is 404.\n\n\
**Caching.** Every `200` has a strong `ETag`; send it back in `If-None-Match` to get `304 Not \
Modified` while nothing has changed.\n\n\
**Errors** are RFC 9457 problem details (`application/problem+json`). Unknown or repeated \
query parameters are refused (400), so a typo is never silently ignored.\n\n\
**CORS.** Any origin may read the API (`Access-Control-Allow-Origin: *`, no credentials).";

/// The API's OpenAPI document, from the handlers' and types' own declarations.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "China–Pakistan STI Cooperation Forum 2023: open data API",
        version = "1.0.0",
        description = DESCRIPTION,
    ),
    paths(
        forum::show,
        speakers::list,
        speakers::show,
        organisations::list,
        organisations::show,
        agreements::list,
        agreements::show,
        exhibitors::list,
        exhibitors::show,
        initiatives::list,
        initiatives::show,
        quotes::list,
        quotes::show,
        serve,
    ),
    components(schemas(Problem)),
    tags(
        (name = "forum", description = "The forum itself and its host fair."),
        (name = "speakers", description = "People the report names, and what they said."),
        (name = "organisations", description = "Embassies, companies, associations, authorities and research centres taking part."),
        (name = "agreements", description = "Agreements (MOUs) signed at the forum, and their parties."),
        (name = "exhibitors", description = "Exhibitors' booths at CIFTIS."),
        (name = "initiatives", description = "Programmes and visions the speakers named."),
        (name = "quotes", description = "What the speakers said, word for word."),
        (name = "openapi", description = "This document."),
    ),
    modifiers(&Conventions),
)]
pub struct ApiDoc;

/// This API's OpenAPI document (made once per process; without servers: see [`serve`]).
pub fn document() -> &'static Document {
    static DOCUMENT: OnceLock<Document> = OnceLock::new();
    DOCUMENT.get_or_init(ApiDoc::openapi)
}

/// The document with its server: the public URL when configured, else this host (`/`).
pub fn with_server(public_url: Option<&str>) -> Document {
    let mut document = document().clone();
    let (url, description) = match public_url {
        Some(url) => (url.trim_end_matches('/'), "This portal"),
        None => ("/", "This portal (the host this document was read from)"),
    };
    let mut server = Server::new(if url.is_empty() { "/" } else { url });
    server.description = Some(description.to_owned());
    document.servers = Some(vec![server]);
    document
}

/// This API's OpenAPI 3.1 document.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "openapi",
    operation_id = "getOpenApiDocument",
    responses((status = 200, description = "The OpenAPI 3.1 document of this API.",
        body = serde_json::Value, content_type = "application/json"))
)]
pub async fn serve(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    condition: IfNoneMatch,
) -> Result<Response, Problem> {
    params::none(query.as_deref())?;
    respond::json(
        &condition,
        &with_server(state.web.public_url.as_deref()),
        None,
    )
}

/// Adds what every operation shares (see the module's documentation).
struct Conventions;

impl Modify for Conventions {
    fn modify(&self, openapi: &mut Document) {
        let components = openapi.components.get_or_insert_with(Default::default);
        for (name, response) in shared_responses() {
            components
                .responses
                .insert(name.to_owned(), response.into());
        }
        for schema in components.schemas.values_mut() {
            if let RefOr::T(schema) = schema {
                close(schema);
            }
        }
        for item in openapi.paths.paths.values_mut() {
            let Some(operation) = item.get.as_mut() else {
                continue;
            };
            let paged = operation
                .parameters
                .iter()
                .flatten()
                .any(|parameter| parameter.name == "page");
            if let Some(RefOr::T(ok)) = operation.responses.responses.get_mut("200") {
                for (name, header) in ok_headers(paged) {
                    ok.headers.insert(name.to_owned(), header);
                }
            }
            for (status, name) in [
                ("304", "NotModified"),
                ("400", "BadRequest"),
                ("404", "NotFound"),
                ("500", "InternalServerError"),
                ("503", "ServiceUnavailable"),
            ] {
                operation
                    .responses
                    .responses
                    .entry(status.to_owned())
                    .or_insert_with(|| Ref::from_response_name(name).into());
            }
        }
    }
}

/// Every property required, no other property allowed, in `schema` and the schemas inside it.
fn close(schema: &mut Schema) {
    match schema {
        Schema::Object(object) => {
            if !object.properties.is_empty() {
                object.required = object.properties.keys().cloned().collect();
                object.additional_properties =
                    Some(Box::new(AdditionalProperties::FreeForm(false)));
            }
            for property in object.properties.values_mut() {
                if let RefOr::T(property) = property {
                    close(property);
                }
            }
        }
        Schema::OneOf(one_of) => {
            for item in &mut one_of.items {
                if let RefOr::T(item) = item {
                    close(item);
                }
            }
        }
        _ => {}
    }
}

/// A header whose value is a string, described.
fn header(description: &str) -> Header {
    let mut header = Header::new(Object::with_type(Type::String));
    header.description = Some(description.to_owned());
    header
}

/// The headers of every `200` (and `Link` on a list's).
fn ok_headers(paged: bool) -> Vec<(&'static str, Header)> {
    let mut headers = vec![
        (
            "ETag",
            header(
                "A strong validator of this answer: send it in `If-None-Match` to get `304` while it is unchanged.",
            ),
        ),
        (
            "Cache-Control",
            header(
                "`public, no-cache`: any cache may keep the answer, but must revalidate it (with the `ETag`) before each use.",
            ),
        ),
        (
            "Access-Control-Allow-Origin",
            header("`*`: scripts of any origin may read the answer."),
        ),
    ];
    if paged {
        headers.push((
            "Link",
            header("The first, previous, next and last pages (RFC 8288: `rel=\"first\"`, `\"prev\"`, `\"next\"`, `\"last\"`)."),
        ));
    }
    headers
}

/// The answers every operation may give besides its `200`, by name.
fn shared_responses() -> Vec<(&'static str, ApiResponse)> {
    let problem = |description: &str| {
        let mut response = ApiResponse::new(description);
        response.content.insert(
            PROBLEM_JSON.to_owned(),
            Content::new(Some(Ref::from_schema_name("Problem"))),
        );
        response
    };
    let mut not_modified = ApiResponse::new(
        "Not modified: the `If-None-Match` of the request names this answer's current `ETag`.",
    );
    not_modified
        .headers
        .insert("ETag".to_owned(), header("The answer's `ETag`, unchanged."));
    let mut unavailable =
        problem("The database cannot be reached for now: try again after `Retry-After` seconds.");
    unavailable.headers.insert(
        "Retry-After".to_owned(),
        header("Seconds to wait before trying again."),
    );
    vec![
        ("NotModified", not_modified),
        (
            "BadRequest",
            problem(
                "The request is wrong: an unknown or repeated query parameter, or a value out of range (`detail` says which).",
            ),
        ),
        (
            "NotFound",
            problem("No published entry has this key, or the page is past the list's last."),
        ),
        (
            "InternalServerError",
            problem("Something went wrong on the portal's side."),
        ),
        ("ServiceUnavailable", unavailable),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_is_openapi_3_1_and_describes_every_answer() {
        let document = serde_json::to_value(with_server(None)).unwrap();
        assert_eq!(document["openapi"], "3.1.0");
        assert_eq!(document["servers"][0]["url"], "/");
        let paths = document["paths"].as_object().unwrap();
        assert_eq!(paths.len(), 14, "{:?}", paths.keys().collect::<Vec<_>>());
        for (path, item) in paths {
            let responses = item["get"]["responses"].as_object().unwrap();
            for status in ["200", "304", "400", "404", "500", "503"] {
                assert!(responses.contains_key(status), "{path}: {status}");
            }
        }
        let list = &document["components"]["schemas"]["SpeakerList"];
        assert_eq!(list["additionalProperties"], false);
        assert_eq!(
            list["required"],
            serde_json::json!(["items", "page", "per_page", "total", "pages", "links"])
        );
        assert_eq!(
            with_server(Some("https://forum.example.org/"))
                .servers
                .unwrap()[0]
                .url,
            "https://forum.example.org"
        );
    }
}
