//! `/api` (and `/zh/api`, `/ur/api`): the API described for people, rendered on the server
//! from the same OpenAPI document the API serves — every endpoint with its parameters and
//! answers, every data type with its fields. No script: the page is plain HTML like the rest.
//! The interface text is in the page's language; the document's own descriptions are
//! English (marked `lang="en"` on the other pages).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use serde_json::Value;

use super::openapi;
use crate::error::Result;
use crate::i18n::{Lang, Locale};
use crate::state::AppState;
use crate::web::render::PageMeta;

/// The page.
#[derive(Template, WebTemplate)]
#[template(path = "public/api.html")]
pub struct ApiPage {
    meta: PageMeta,
    /// Where the OpenAPI document is.
    document_url: String,
    /// The API's server (the public URL, or `/`).
    server: String,
    /// Whether the document's English text stands on a page in another language.
    foreign: bool,
    /// The API's conventions, in the page's language: heading and text.
    rules: Vec<(&'static str, Text)>,
    operations: Vec<Operation>,
    schemas: Vec<SchemaDoc>,
}

/// One endpoint.
struct Operation {
    /// Its `operationId`, the anchor of its section.
    id: String,
    method: String,
    path: String,
    summary: Text,
    description: Text,
    parameters: Vec<Parameter>,
    responses: Vec<Reply>,
    /// A link to try it, for an address without parameters in its path.
    example: Option<String>,
}

/// A parameter of an endpoint.
struct Parameter {
    name: String,
    location: String,
    kind: Kind,
    required: bool,
    description: Text,
}

/// A possible answer of an endpoint.
struct Reply {
    status: String,
    description: Text,
    /// Its body's media type and type, if it has one.
    body: Option<(String, Kind)>,
}

/// A data type of the document.
struct SchemaDoc {
    name: String,
    description: Text,
    fields: Vec<Field>,
    /// The values of an enumeration.
    values: Vec<String>,
}

/// A field of a data type.
struct Field {
    name: String,
    kind: Kind,
    description: Text,
}

/// A type as code: `Localized | null`, `[SpeakerSummary]`, `string (date)`; the names of
/// the document's data types link to their section.
#[derive(Default)]
struct Kind(Vec<KindPart>);

struct KindPart {
    text: String,
    /// The anchor of a data type's section.
    anchor: Option<String>,
}

/// A description, its `code spans` apart (the document marks them with backticks).
#[derive(Default)]
struct Text(Vec<Span>);

struct Span {
    code: bool,
    text: String,
}

impl Text {
    fn new(text: &str) -> Self {
        Self(
            text.split('`')
                .enumerate()
                .filter(|(_, part)| !part.is_empty())
                .map(|(i, part)| Span {
                    code: i % 2 == 1,
                    text: part.to_owned(),
                })
                .collect(),
        )
    }

    fn of(value: &Value) -> Self {
        Self::new(value.as_str().unwrap_or_default())
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Kind {
    fn push(&mut self, text: impl Into<String>, anchor: Option<String>) {
        self.0.push(KindPart {
            text: text.into(),
            anchor,
        });
    }

    /// The type a JSON schema describes.
    fn of(schema: &Value) -> Self {
        let mut kind = Self::default();
        kind.describe(schema);
        kind
    }

    fn describe(&mut self, schema: &Value) {
        if let Some(reference) = schema["$ref"].as_str() {
            let name = reference.rsplit('/').next().unwrap_or(reference);
            self.push(name, Some(format!("schema-{name}")));
        } else if let Some(choices) = schema["oneOf"].as_array() {
            for (i, choice) in choices.iter().enumerate() {
                if i > 0 {
                    self.push(" | ", None);
                }
                self.describe(choice);
            }
        } else {
            let types: Vec<&str> = match &schema["type"] {
                Value::String(one) => vec![one.as_str()],
                Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            if types.is_empty() {
                self.push("any", None);
            }
            for (i, name) in types.into_iter().enumerate() {
                if i > 0 {
                    self.push(" | ", None);
                }
                if name == "array" {
                    self.push("[", None);
                    self.describe(&schema["items"]);
                    self.push("]", None);
                } else if let (Some(format), false) = (schema["format"].as_str(), name == "null") {
                    self.push(format!("{name} ({format})"), None);
                } else {
                    self.push(name, None);
                }
            }
        }
    }
}

/// `/api`, `/zh/api`, `/ur/api`.
pub async fn show(State(state): State<AppState>) -> Result<ApiPage> {
    let lang = Locale::current().lang;
    let document = serde_json::to_value(openapi::with_server(state.web.public_url.as_deref()))
        .map_err(anyhow::Error::from)?;
    Ok(ApiPage {
        meta: PageMeta::new(lang.t("api.title"), lang.t("api.description"), None).with_linked_data(
            crate::web::linked_data::web_api(lang.t("api.title"), lang.t("api.description"), lang),
        ),
        document_url: crate::web::site::absolute("/api/openapi.json"),
        server: document["servers"][0]["url"]
            .as_str()
            .unwrap_or("/")
            .to_owned(),
        foreign: lang != Lang::En,
        rules: [
            ("api.rules.languages", lang.t("api.rules.languages.text")),
            ("api.rules.links", lang.t("api.rules.links.text")),
            ("api.rules.pages", lang.t("api.rules.pages.text")),
            ("api.rules.caching", lang.t("api.rules.caching.text")),
            ("api.rules.errors", lang.t("api.rules.errors.text")),
            ("api.rules.cors", lang.t("api.rules.cors.text")),
        ]
        .into_iter()
        .map(|(heading, text)| (lang.t(heading), Text::new(text)))
        .collect(),
        operations: operations(&document, lang),
        schemas: schemas(&document),
    })
}

/// Every endpoint, in the document's order.
fn operations(document: &Value, lang: Lang) -> Vec<Operation> {
    let empty = serde_json::Map::new();
    let paths = document["paths"].as_object().unwrap_or(&empty);
    let mut operations = Vec::new();
    for (path, item) in paths {
        let Some(methods) = item.as_object() else {
            continue;
        };
        for (method, operation) in methods {
            let parameters = operation["parameters"]
                .as_array()
                .map(|all| all.iter().map(|p| parameter(p, lang)).collect::<Vec<_>>())
                .unwrap_or_default();
            let responses = operation["responses"]
                .as_object()
                .map(|all| {
                    all.iter()
                        .map(|(status, reply)| response(document, status, reply))
                        .collect()
                })
                .unwrap_or_default();
            operations.push(Operation {
                id: operation["operationId"].as_str().unwrap_or(path).to_owned(),
                method: method.to_ascii_uppercase(),
                path: path.clone(),
                summary: Text::of(&operation["summary"]),
                description: Text::of(&operation["description"]),
                parameters,
                responses,
                example: (!path.contains('{')).then(|| crate::web::site::absolute(path)),
            });
        }
    }
    operations
}

fn parameter(parameter: &Value, lang: Lang) -> Parameter {
    let location = parameter["in"].as_str().unwrap_or_default();
    Parameter {
        name: parameter["name"].as_str().unwrap_or_default().to_owned(),
        location: match location {
            "path" => lang.t("api.in.path"),
            "query" => lang.t("api.in.query"),
            other => other,
        }
        .to_owned(),
        kind: Kind::of(&parameter["schema"]),
        required: parameter["required"].as_bool().unwrap_or(false),
        description: Text::of(&parameter["description"]),
    }
}

/// An answer, looked up in the document's shared answers when it refers to one.
fn response(document: &Value, status: &str, reply: &Value) -> Reply {
    let reply = match reply["$ref"].as_str() {
        Some(reference) => {
            let name = reference.rsplit('/').next().unwrap_or(reference);
            &document["components"]["responses"][name]
        }
        None => reply,
    };
    let body = reply["content"].as_object().and_then(|content| {
        content
            .iter()
            .next()
            .map(|(media, body)| (media.clone(), Kind::of(&body["schema"])))
    });
    Reply {
        status: status.to_owned(),
        description: Text::of(&reply["description"]),
        body,
    }
}

/// Where a property's description is: on the property, or (for one that may be null) on
/// the choice that is not null.
fn described(property: &Value) -> &Value {
    if property["description"].is_string() {
        return &property["description"];
    }
    property["oneOf"]
        .as_array()
        .and_then(|choices| choices.iter().find(|c| c["description"].is_string()))
        .map_or(&Value::Null, |choice| &choice["description"])
}

/// Every data type, by name.
fn schemas(document: &Value) -> Vec<SchemaDoc> {
    let empty = serde_json::Map::new();
    let schemas = document["components"]["schemas"]
        .as_object()
        .unwrap_or(&empty);
    schemas
        .iter()
        .map(|(name, schema)| {
            let fields = schema["properties"]
                .as_object()
                .map(|properties| {
                    properties
                        .iter()
                        .map(|(field, property)| Field {
                            name: field.clone(),
                            kind: Kind::of(property),
                            description: Text::of(described(property)),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let values = schema["enum"]
                .as_array()
                .map(|values| {
                    values
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default();
            SchemaDoc {
                name: name.clone(),
                description: Text::of(&schema["description"]),
                fields,
                values,
            }
        })
        .collect()
}
