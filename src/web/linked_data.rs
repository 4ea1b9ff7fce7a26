//! schema.org data for search engines and link previews: each public page describes what it
//! shows as JSON-LD (an `Event` for the forum, a `Person` for a speaker, an `Organization`,
//! a `CreativeWork` for an agreement, an `ItemList` for a list, a `WebAPI` for the API's page),
//! in the page's own language.
//!
//! Built with serde from typed structs, never pasted together as text: every value is escaped
//! by the serializer, and [`JsonLd`] then escapes `<`, `>` and `&` so that no text can end the
//! `<script type="application/ld+json">` block it is written into.
//!
//! Only what the report (or an admin) says is stated: the forum has no `organizer`, `sponsor`
//! or `funder` here, because the report names none; agreements list their parties as
//! `contributor`s and nothing more; no `inLanguage` (the report does not say in which language
//! the forum was held or the agreements written, and a page's language is its `lang`); an organisation's country (the country it belongs to: the
//! Pakistani embassy is in Beijing) is not given as its address.

use std::fmt;

use serde::Serialize;

use crate::db::agreements::Agreement;
use crate::db::booths::Booth;
use crate::db::forum::Forum;
use crate::db::organisations::Organisation;
use crate::db::people::{Person, PersonSummary};
use crate::db::programme::ProgrammeItem;
use crate::db::{OrganisationRef, PersonRef};
use crate::domain::{LocalizedText, beijing_time};
use crate::i18n::{Lang, iso_date};
use crate::web::site;

/// JSON-LD ready to be written between `<script type="application/ld+json">` tags as is.
#[derive(Debug, Clone)]
pub struct JsonLd(String);

impl JsonLd {
    /// `value` as a schema.org document: `@context` added, and the characters that could
    /// close the script element (or start a comment in it) written as JSON escapes, which
    /// JSON parsers read back as the same characters.
    fn new<T: Serialize>(value: T) -> Self {
        let document = Document {
            context: "https://schema.org",
            value,
        };
        // A derived Serialize of plain structs, strings and numbers cannot fail.
        let json = serde_json::to_string(&document).unwrap_or_default();
        let mut escaped = String::with_capacity(json.len());
        for c in json.chars() {
            match c {
                '<' => escaped.push_str("\\u003c"),
                '>' => escaped.push_str("\\u003e"),
                '&' => escaped.push_str("\\u0026"),
                _ => escaped.push(c),
            }
        }
        Self(escaped)
    }
}

impl fmt::Display for JsonLd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Already escaped for its script element (see [`JsonLd::new`]): HTML escaping would turn
/// its quotes into entities, which a script element does not decode.
impl askama::filters::HtmlSafe for JsonLd {}

#[derive(Serialize)]
struct Document<T> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(flatten)]
    value: T,
}

/// The identifier of the forum's `Event`, which other pages refer to.
fn forum_id() -> String {
    site::absolute("/#forum")
}

/// The identifier of the host fair's `ExhibitionEvent`.
fn fair_id() -> String {
    site::absolute("/#fair")
}

/// The address of the public page `path` (language-neutral) in `lang`.
fn page_url(lang: Lang, path: &str) -> String {
    site::absolute(&lang.href(path))
}

/// The address of a picture's largest JPEG (absolute with `--public-url`, like every URL here).
fn image_url(picture: &crate::db::media::Picture) -> String {
    site::absolute(&picture.largest())
}

fn text(value: &LocalizedText, lang: Lang) -> String {
    value.plain(lang).to_owned()
}

fn optional_text(value: Option<&LocalizedText>, lang: Lang) -> Option<String> {
    value
        .map(|value| text(value, lang))
        .filter(|text| !text.is_empty())
}

/// A reference to a node described elsewhere (`{"@id": ...}`).
#[derive(Serialize)]
struct Reference {
    #[serde(rename = "@id")]
    id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Event {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "@id")]
    id: String,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    alternate_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    start_date: String,
    end_date: String,
    event_status: &'static str,
    event_attendance_mode: &'static str,
    location: Place,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    /// The forum's share card (absolute, so only with a public URL): an image of the event's
    /// name, date and place, which Google's event results ask for. Not given to people or
    /// organisations: a generated card is not their photo or logo.
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    performer: Vec<PersonNode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    super_event: Option<Box<Event>>,
    /// The forum's programme items (issue 14).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    sub_event: Vec<Event>,
}

#[derive(Serialize)]
struct Place {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: String,
    address: PostalAddress,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PostalAddress {
    #[serde(rename = "@type")]
    kind: &'static str,
    address_locality: String,
    address_country: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PersonNode {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: String,
    url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    job_title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    works_for: Option<OrganisationNode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    performer_in: Option<Reference>,
    /// Their uploaded photo (issue 14).
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OrganisationNode {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: String,
    url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    alternate_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    same_as: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    employee: Vec<PersonNode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    event: Option<Reference>,
    /// Its uploaded logo (issue 14).
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreativeWork {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: String,
    url: String,
    genre: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_created: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    contributor: Vec<OrganisationNode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mentions: Option<PersonNode>,
    location_created: Reference,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ItemList {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: String,
    url: String,
    number_of_items: i64,
    item_list_element: Vec<ListItem>,
}

#[derive(Serialize)]
struct ListItem {
    #[serde(rename = "@type")]
    kind: &'static str,
    position: i64,
    name: String,
    url: String,
}

/// The schema.org type of an organisation of `kind` (a column value of `organisations.kind`).
fn organisation_type(kind: Option<&str>) -> &'static str {
    match kind {
        Some("embassy" | "government_authority") => "GovernmentOrganization",
        Some("company") => "Corporation",
        Some("research_centre") => "ResearchOrganization",
        _ => "Organization",
    }
}

fn organisation_ref_node(organisation: &OrganisationRef, lang: Lang) -> OrganisationNode {
    OrganisationNode {
        kind: "Organization",
        name: organisation.display_name_in(lang),
        url: page_url(lang, &format!("/organisations/{}", organisation.slug)),
        alternate_name: None,
        description: None,
        same_as: None,
        employee: Vec::new(),
        event: None,
        image: None,
    }
}

fn person_ref_node(person: &PersonRef, lang: Lang) -> PersonNode {
    PersonNode {
        kind: "Person",
        name: text(&person.name, lang),
        url: page_url(lang, &format!("/speakers/{}", person.slug)),
        job_title: None,
        description: None,
        works_for: None,
        performer_in: None,
        image: None,
    }
}

fn person_summary_node(person: &PersonSummary, lang: Lang) -> PersonNode {
    PersonNode {
        job_title: optional_text(person.role.as_ref(), lang),
        works_for: person
            .organisation
            .as_ref()
            .map(|organisation| organisation_ref_node(organisation, lang)),
        ..person_ref_node(
            &PersonRef {
                slug: person.slug.clone(),
                name: person.name.clone(),
            },
            lang,
        )
    }
}

/// The host fair: an exhibition in Beijing, when the data gives its dates.
fn fair(forum: &Forum, lang: Lang, location: impl Fn() -> Place) -> Option<Event> {
    Some(Event {
        kind: "ExhibitionEvent",
        id: fair_id(),
        name: text(&forum.fair_name, lang),
        alternate_name: forum.fair_short_name.clone(),
        description: None,
        start_date: iso_date(forum.fair_starts_on?),
        end_date: iso_date(forum.fair_ends_on?),
        event_status: "https://schema.org/EventScheduled",
        event_attendance_mode: "https://schema.org/OfflineEventAttendanceMode",
        location: location(),
        url: None,
        image: None,
        performer: Vec::new(),
        super_event: None,
        sub_event: Vec::new(),
    })
}

/// A programme item as an `Event` within the forum: its Beijing times with their offset, its
/// place (the forum's, named by the item's room when it has one) and its published speakers.
fn programme_item(item: &ProgrammeItem, lang: Lang, location: impl Fn() -> Place) -> Event {
    let mut place = location();
    if let Some(room) = &item.place {
        place.name = text(room, lang);
    }
    Event {
        kind: "Event",
        id: site::absolute(&format!("/#programme-{}", item.id)),
        name: text(&item.title, lang),
        alternate_name: None,
        description: optional_text(item.description.as_ref(), lang),
        start_date: beijing_time::rfc3339(item.starts_at),
        end_date: beijing_time::rfc3339(item.ends_at),
        event_status: "https://schema.org/EventScheduled",
        event_attendance_mode: "https://schema.org/OfflineEventAttendanceMode",
        location: place,
        url: Some(format!("{}#programme-{}", page_url(lang, "/"), item.id)),
        image: None,
        performer: item
            .speakers()
            .iter()
            .map(|speaker| person_ref_node(speaker, lang))
            .collect(),
        super_event: None,
        sub_event: Vec::new(),
    }
}

/// The home page: the forum as an `Event` at the fair in Beijing, its speakers as performers,
/// the fair as its `superEvent`, its published programme items as `subEvent`s.
pub fn forum(
    forum: &Forum,
    speakers: &[PersonSummary],
    programme: &[ProgrammeItem],
    lang: Lang,
) -> JsonLd {
    let place = || Place {
        kind: "Place",
        name: text(&forum.fair_name, lang),
        address: PostalAddress {
            kind: "PostalAddress",
            address_locality: text(&forum.city, lang),
            // Beijing, where the report places the forum and the fair.
            address_country: "CN".to_owned(),
        },
    };
    let name = match &forum.subtitle {
        Some(subtitle) => format!(
            "{}{}{}",
            forum.title.plain(lang),
            lang.dash(),
            subtitle.plain(lang)
        ),
        None => text(&forum.title, lang),
    };
    JsonLd::new(Event {
        kind: "Event",
        id: forum_id(),
        name,
        alternate_name: None,
        description: optional_text(forum.summary.as_ref(), lang),
        start_date: iso_date(forum.held_on),
        end_date: iso_date(forum.held_on),
        event_status: "https://schema.org/EventScheduled",
        event_attendance_mode: "https://schema.org/OfflineEventAttendanceMode",
        location: place(),
        url: Some(page_url(lang, "/")),
        image: crate::web::public::cards::card_path("/")
            .map(|card| page_url(lang, &card))
            .filter(|url| url.starts_with("http")),
        performer: speakers
            .iter()
            .map(|speaker| person_summary_node(speaker, lang))
            .collect(),
        super_event: fair(forum, lang, place).map(Box::new),
        sub_event: programme
            .iter()
            .map(|item| programme_item(item, lang, place))
            .collect(),
    })
}

/// A speaker's page: the `Person`, where they work, and the forum they spoke at.
pub fn person(person: &Person, organisation: Option<&Organisation>, lang: Lang) -> JsonLd {
    JsonLd::new(PersonNode {
        kind: "Person",
        name: text(&person.name, lang),
        url: page_url(lang, &format!("/speakers/{}", person.slug)),
        job_title: optional_text(person.role.as_ref(), lang),
        description: optional_text(person.bio.as_ref(), lang),
        works_for: organisation.map(|organisation| organisation_node(organisation, lang)),
        performer_in: Some(Reference { id: forum_id() }),
        image: person.photo.as_ref().map(image_url),
    })
}

fn organisation_node(organisation: &Organisation, lang: Lang) -> OrganisationNode {
    OrganisationNode {
        kind: organisation_type(organisation.kind.as_deref()),
        name: organisation.display_name_in(lang),
        url: page_url(lang, &format!("/organisations/{}", organisation.slug)),
        alternate_name: organisation.short_name.clone(),
        description: optional_text(organisation.description.as_ref(), lang),
        same_as: organisation.website.clone(),
        employee: Vec::new(),
        event: None,
        image: organisation.logo.as_ref().map(image_url),
    }
}

/// An organisation's page: the `Organization` (a government body, a company or a research
/// organisation where the data says so), its people, and the fair when it has a booth there.
pub fn organisation(
    organisation: &Organisation,
    people: &[PersonSummary],
    has_booth: bool,
    lang: Lang,
) -> JsonLd {
    JsonLd::new(OrganisationNode {
        employee: people
            .iter()
            .map(|person| PersonNode {
                works_for: None,
                ..person_summary_node(person, lang)
            })
            .collect(),
        event: has_booth.then(|| Reference { id: fair_id() }),
        ..organisation_node(organisation, lang)
    })
}

/// An agreement's page: a `CreativeWork` of its kind ("Strategic Cooperation Agreement"),
/// signed at the forum, its parties as contributors and who announced it as a mention.
pub fn agreement(agreement: &Agreement, lang: Lang) -> JsonLd {
    JsonLd::new(CreativeWork {
        kind: "CreativeWork",
        name: text(&agreement.title, lang),
        url: page_url(lang, &format!("/agreements/{}", agreement.slug)),
        genre: text(&agreement.kind, lang),
        description: optional_text(agreement.description.as_ref(), lang),
        date_created: agreement.signed_on.map(iso_date),
        contributor: agreement
            .parties
            .iter()
            .map(|party| organisation_ref_node(party, lang))
            .collect(),
        mentions: agreement
            .announced_by
            .as_ref()
            .map(|person| person_ref_node(person, lang)),
        location_created: Reference { id: forum_id() },
    })
}

/// A booth's page: the exhibiting `Organization`, at the fair.
pub fn exhibitor(booth: &Booth, lang: Lang) -> JsonLd {
    JsonLd::new(OrganisationNode {
        event: Some(Reference { id: fair_id() }),
        image: booth.logo.as_ref().map(image_url),
        ..organisation_ref_node(&booth.organisation, lang)
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WebApi {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: String,
    description: String,
    url: String,
    documentation: String,
}

/// The API's page: a `WebAPI`, documented by its OpenAPI document.
pub fn web_api(title: &str, description: &str, lang: Lang) -> JsonLd {
    JsonLd::new(WebApi {
        kind: "WebAPI",
        name: title.to_owned(),
        description: description.to_owned(),
        url: page_url(lang, "/api"),
        documentation: site::absolute("/api/openapi.json"),
    })
}

/// One entry of a public list: its name and the path of its page (language-neutral).
pub struct ListEntry {
    pub name: String,
    pub path: String,
}

/// A page of a public list (`/speakers?page=2`): an `ItemList` of the entries it shows,
/// numbered from `first_position` across the whole list.
pub fn item_list(
    title: &str,
    path_with_query: &str,
    total: i64,
    first_position: i64,
    entries: impl IntoIterator<Item = ListEntry>,
    lang: Lang,
) -> JsonLd {
    JsonLd::new(ItemList {
        kind: "ItemList",
        name: title.to_owned(),
        url: page_url(lang, path_with_query),
        number_of_items: total,
        item_list_element: (first_position..)
            .zip(entries)
            .map(|(position, entry)| ListItem {
                kind: "ListItem",
                position,
                name: entry.name,
                url: page_url(lang, &entry.path),
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_text_can_close_the_script_element() {
        let json = JsonLd::new(ListItem {
            kind: "ListItem",
            position: 1,
            name: "</script><script>alert(1)</script> & <!--".to_owned(),
            url: "/x".to_owned(),
        })
        .to_string();
        assert!(!json.contains('<') && !json.contains('>') && !json.contains('&'));
        let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(
            parsed["name"], "</script><script>alert(1)</script> & <!--",
            "the escapes read back as the same text"
        );
        assert_eq!(parsed["@context"], "https://schema.org");
    }

    #[test]
    fn organisation_kinds_map_to_schema_org_types() {
        assert_eq!(organisation_type(Some("embassy")), "GovernmentOrganization");
        assert_eq!(organisation_type(Some("company")), "Corporation");
        assert_eq!(
            organisation_type(Some("research_centre")),
            "ResearchOrganization"
        );
        assert_eq!(organisation_type(None), "Organization");
        assert_eq!(organisation_type(Some("association")), "Organization");
    }
}
