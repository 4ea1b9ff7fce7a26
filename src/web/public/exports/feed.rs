//! `/feed.atom` (and `/zh/feed.atom`, `/ur/feed.atom`): an Atom feed (RFC 4287) of the
//! published changes, newest first — entries added, published or edited — in the address's
//! language (which changes are listed: `db::changes`).
//!
//! Each entry names what changed (its fields and language versions, never their values or
//! who changed them) and links to the public page it shows on. Its `id` is a `tag:` URI of the
//! site's host, the change's date and the history row's number (RFC 4151), so it never
//! changes; the feed's `updated` is its newest entry's (the forum's last change when it has
//! none), never the clock, so the feed is the same until the data changes.

use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

use super::changed_fields::{self, Field};
use super::origin::Origin;
use super::xml::escape;
use crate::db::changes::{Change, Published};
use crate::error::{AppError, Result};
use crate::i18n::{Lang, Locale, iso_date};
use crate::state::AppState;

/// Most changes the feed lists.
pub const MAX_ENTRIES: i64 = 50;

/// `/feed.atom` in the address's language.
pub async fn feed(State(state): State<AppState>, headers: HeaderMap) -> Result<Response> {
    let origin = Origin::of_request(&state.web, &headers)?;
    let changes = crate::db::changes::latest(&state.db, MAX_ENTRIES).await?;
    let (mut organisations, mut people) = (Vec::new(), Vec::new());
    for change in &changes {
        let (o, p) = changed_fields::references(change.before.as_ref(), change.after.as_ref());
        organisations.extend(o);
        people.extend(p);
    }
    let published = if organisations.is_empty() && people.is_empty() {
        Published::default()
    } else {
        crate::db::changes::published_among(&state.db, &organisations, &people).await?
    };
    let updated = match changes.first() {
        Some(change) => change.at,
        None => crate::db::changes::forum_updated_at(&state.db)
            .await?
            .unwrap_or(OffsetDateTime::UNIX_EPOCH),
    };
    let lang = Locale::current().lang;
    let body = document(&changes, &published, updated, lang, &origin)?;
    Ok(origin.mark(
        (
            [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
            body,
        )
            .into_response(),
    ))
}

/// What kind of news a change is.
enum News {
    /// A new entry, public at once.
    Added,
    /// A draft made public.
    Published,
    /// An edit of these fields.
    Updated(Vec<Field>),
}

impl News {
    /// The news `change` is, or `None` when visitors could see no difference.
    fn of(change: &Change, published: &Published) -> Option<Self> {
        if change.action == "create" {
            return Some(Self::Added);
        }
        let was_draft = change
            .before
            .as_ref()
            .and_then(|before| before.get("published"))
            .is_some_and(|published| published == false);
        if was_draft {
            return Some(Self::Published);
        }
        let fields =
            changed_fields::changed(change.before.as_ref(), change.after.as_ref(), published);
        (!fields.is_empty()).then_some(Self::Updated(fields))
    }
}

/// The feed's XML.
fn document(
    changes: &[Change],
    published: &Published,
    updated: OffsetDateTime,
    lang: Lang,
    origin: &Origin,
) -> Result<String> {
    let self_url = origin.url(&lang.href("/feed.atom"));
    let mut xml = String::with_capacity(1024 + changes.len() * 800);
    xml.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    xml.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        lang.tag()
    ));
    xml.push_str(&format!("  <id>{}</id>\n", escape(&self_url)));
    xml.push_str(&format!(
        "  <title type=\"text\">{}</title>\n",
        escape(lang.t("feed.title"))
    ));
    xml.push_str(&format!(
        "  <subtitle type=\"text\">{}</subtitle>\n",
        escape(lang.t("feed.subtitle"))
    ));
    xml.push_str(&format!("  <updated>{}</updated>\n", rfc3339(updated)?));
    xml.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        escape(lang.t("site.name"))
    ));
    xml.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        escape(&self_url)
    ));
    xml.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        escape(&origin.url(&lang.href("/")))
    ));
    for change in changes {
        let Some(news) = News::of(change, published) else {
            continue;
        };
        entry(&mut xml, change, &news, lang, origin)?;
    }
    xml.push_str("</feed>\n");
    Ok(xml)
}

/// One `<entry>`.
fn entry(
    xml: &mut String,
    change: &Change,
    news: &News,
    lang: Lang,
    origin: &Origin,
) -> Result<()> {
    let name = change.name.plain(lang);
    let name = if change.entity == "quotes" {
        lang.tf("feed.quote_by", &[("name", name)])
    } else {
        name.to_owned()
    };
    let kind = lang.t(&format!("feed.kind.{}", entity_key(&change.entity)));
    let (title, summary) = match news {
        News::Added => (
            lang.tf("feed.title.added", &[("name", &name)]),
            lang.tf("feed.summary.added", &[("kind", kind)]),
        ),
        News::Published => (
            lang.tf("feed.title.published", &[("name", &name)]),
            lang.tf("feed.summary.published", &[("kind", kind)]),
        ),
        News::Updated(fields) => {
            let labels: Vec<String> = fields.iter().map(|field| label(field, lang)).collect();
            (
                lang.tf("feed.title.updated", &[("name", &name)]),
                lang.tf(
                    "feed.summary.updated",
                    &[("kind", kind), ("fields", &lang.and_list(&labels))],
                ),
            )
        }
    };
    let (path, fragment) = match change.path.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (change.path.as_str(), None),
    };
    let mut href = origin.url(&lang.href(path));
    if let Some(fragment) = fragment {
        href.push('#');
        href.push_str(fragment);
    }
    let id = format!(
        "tag:{},{}:changes/{}",
        origin.host(),
        iso_date(change.at.to_offset(UtcOffset::UTC).date()),
        change.id
    );
    xml.push_str("  <entry>\n");
    xml.push_str(&format!("    <id>{}</id>\n", escape(&id)));
    xml.push_str(&format!(
        "    <title type=\"text\">{}</title>\n",
        escape(&title)
    ));
    xml.push_str(&format!("    <updated>{}</updated>\n", rfc3339(change.at)?));
    xml.push_str(&format!(
        "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        escape(&href)
    ));
    xml.push_str(&format!(
        "    <category term=\"{}\" label=\"{}\"/>\n",
        entity_key(&change.entity),
        escape(kind)
    ));
    xml.push_str(&format!(
        "    <summary type=\"text\">{}</summary>\n",
        escape(&summary)
    ));
    xml.push_str("  </entry>\n");
    Ok(())
}

/// The key of an entity in the catalogues (`feed.kind.{key}`).
fn entity_key(entity: &str) -> &'static str {
    match entity {
        "people" => "people",
        "organisations" => "organisations",
        "agreements" => "agreements",
        "booths" => "booths",
        "quotes" => "quotes",
        "initiatives" => "initiatives",
        _ => "forum",
    }
}

/// "Biography (Chinese, Urdu)": a field's label, with the language versions that changed.
fn label(field: &Field, lang: Lang) -> String {
    let key = format!("field.{}", field.column);
    let label = lang.t_opt(&key).unwrap_or(field.column.as_str());
    if field.languages.is_empty() {
        return label.to_owned();
    }
    let languages: Vec<String> = field
        .languages
        .iter()
        .map(|version| version.name_in(lang).to_owned())
        .collect();
    lang.tf(
        "field.in_language",
        &[("label", label), ("language", &lang.join(&languages))],
    )
}

/// An RFC 3339 timestamp in UTC.
fn rfc3339(at: OffsetDateTime) -> Result<String> {
    let utc = at.to_offset(UtcOffset::UTC);
    utc.replace_nanosecond(0)
        .unwrap_or(utc)
        .format(&Rfc3339)
        .map_err(|error| AppError::Internal(error.into()))
}
