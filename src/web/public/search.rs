//! `/search?q=` (and `/zh/search`, `/ur/search`): the whole site searched for a word in any of
//! the three languages, whatever the page's language; results grouped by kind, best first,
//! the matched words marked.
//!
//! Odd input gets a page that says what happened, never an error: an empty query shows the
//! box and a hint; control characters (NUL included) are dropped; a query longer than
//! [`MAX_QUERY_CHARS`] is shortened, and the page says so; an address whose query is not
//! UTF-8 (a lone surrogate, a stray byte) gets a 400 page that says so, with the box. The box
//! keeps what was typed. Search pages are `noindex` and set no cookie.

mod highlight;
mod items;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use self::highlight::Highlighter;
use self::items::ResultItem;
use super::Pager;
use crate::db::search::normalize::is_cjk;
use crate::db::search::{self, CANDIDATES, Kind, SearchResults, View};
use crate::db::{PAGE_SIZE, PageNumber};
use crate::error::Result;
use crate::i18n::{Lang, Locale};
use crate::state::AppState;
use crate::web::render::PageMeta;

/// The longest query searched for, in characters; a longer one is shortened.
pub const MAX_QUERY_CHARS: usize = 200;

/// Stands for the query in a sentence about it (a private-use character, which
/// [`clean`] never lets through from a query).
const QUERY_MARK: &str = "\u{E000}";
/// The isolates `Lang::tf` puts around a value on a right-to-left page.
const FSI: char = '\u{2068}';
const PDI: char = '\u{2069}';

/// How many results of each kind the first results page shows.
const PER_KIND: i64 = 5;

/// The search page.
#[derive(Template, WebTemplate)]
#[template(path = "public/search.html")]
pub struct SearchPage {
    meta: PageMeta,
    /// What the box holds: the query as searched.
    query: String,
    /// The query's language, when its script is another language's than the page's (its
    /// `lang` in the box and the summary, so it is read and drawn as that language).
    query_lang: Option<Lang>,
    /// Something about the query the visitor should know (shortened, or unreadable).
    notice: Option<String>,
    /// The results, when there was something to search for.
    outcome: Option<Outcome>,
}

impl SearchPage {
    /// The web font sheets of the other languages whose text the page shows (the query, or a
    /// result in another language's version): a device without a Chinese or Urdu font of its
    /// own then draws those letters too. The page's own language's sheet comes with the layout.
    fn font_stylesheets(&self) -> Vec<&'static str> {
        let page = self.meta.lang;
        let shown = |lang: Lang| {
            self.query.chars().any(|c| match lang {
                Lang::Zh => is_cjk(c),
                Lang::Ur => is_arabic_script(c),
                Lang::En => false,
            }) || self
                .outcome
                .as_ref()
                .is_some_and(|outcome| outcome.shows(lang))
        };
        [Lang::Zh, Lang::Ur]
            .into_iter()
            .filter(|lang| *lang != page && shown(*lang))
            .filter_map(Lang::font_stylesheet)
            .collect()
    }
}

/// Whether `c` is a letter of the Arabic script (Urdu's).
fn is_arabic_script(c: char) -> bool {
    matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
}

/// The language a query is written in, as far as its script tells, when that is not the
/// page's: Chinese characters, the Arabic script (Urdu), else Latin letters (English).
fn language_of(query: &str, page: Lang) -> Option<Lang> {
    let lang = if query.chars().any(is_cjk) {
        Lang::Zh
    } else if query.chars().any(is_arabic_script) {
        Lang::Ur
    } else if query.chars().any(|c| c.is_ascii_alphabetic()) {
        Lang::En
    } else {
        return None;
    };
    (lang != page).then_some(lang)
}

/// What a search found.
pub struct Outcome {
    /// "12 results for …" or "Nothing found for …": the text before the query and after it.
    summary: (String, String),
    /// The kinds found, each with its count and link; the one shown alone is current.
    kinds: Vec<KindLink>,
    /// The link back to every kind, when one kind is shown alone.
    all_href: Option<String>,
    /// The results, a group per kind that has any.
    groups: Vec<Group>,
    /// The pages of the one kind shown alone.
    pages: Option<Pager>,
    /// Whether the query had no word to search for (only punctuation, say).
    no_words: bool,
}

impl Outcome {
    /// Whether a result shows a text in `lang` (on a page in another language).
    fn shows(&self, lang: Lang) -> bool {
        self.groups
            .iter()
            .flat_map(|group| &group.items)
            .flat_map(|item| std::iter::once(&item.title).chain(&item.detail))
            .any(|excerpt| excerpt.lang == Some(lang))
    }
}

/// A kind in the results' navigation.
pub struct KindLink {
    label: String,
    href: String,
    current: bool,
}

/// The results of one kind.
pub struct Group {
    key: &'static str,
    heading: String,
    items: Vec<ResultItem>,
    /// "Showing 5 of 12.", when not all are shown.
    showing: Option<String>,
    /// The link to all of this kind's results, when not all are shown here.
    more: Option<(String, String)>,
}

/// `GET /search`: the query string is read by hand, so that one that is not UTF-8 is
/// refused in words rather than searched for with U+FFFD in place of what was sent.
pub async fn show(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Result<Response> {
    let lang = Locale::current().lang;
    let params = match Params::parse(raw.as_deref().unwrap_or_default()) {
        Ok(params) => params,
        Err(readable) => {
            let query = clean(&readable.q.unwrap_or_default()).text;
            let page = SearchPage {
                meta: meta(lang, &query),
                query_lang: language_of(&query, lang),
                query,
                notice: Some(lang.t("search.undecodable").to_owned()),
                outcome: None,
            };
            return Ok((StatusCode::BAD_REQUEST, page).into_response());
        }
    };
    let Cleaned { text, shortened } = clean(params.q.as_deref().unwrap_or_default());
    let notice = shortened.then(|| {
        lang.tf1(
            "search.shortened",
            "max",
            lang.number(MAX_QUERY_CHARS as i64),
        )
    });
    let outcome = if text.is_empty() {
        None
    } else {
        Some(find(&state, &text, &params, lang).await?)
    };
    Ok(SearchPage {
        meta: meta(lang, &text),
        query_lang: language_of(&text, lang),
        query: text,
        notice,
        outcome,
    }
    .into_response())
}

/// The page's title and description; never for search engines.
fn meta(lang: Lang, query: &str) -> PageMeta {
    let title = if query.is_empty() {
        lang.t("search.title").to_owned()
    } else {
        lang.tf1("search.title_for", "query", query)
    };
    let meta = PageMeta::new(title, lang.t("search.description"), None).not_indexed();
    if query.is_empty() {
        meta
    } else {
        // The language switcher leads to the same search in another language.
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("q", query)
            .finish();
        meta.with_query(format!("?{query}"))
    }
}

/// Search for `query` and arrange what was found.
async fn find(state: &AppState, query: &str, params: &Params, lang: Lang) -> Result<Outcome> {
    let kind = params.kind.as_deref().and_then(Kind::parse);
    let page = PageNumber::parse(params.page.as_deref()).unwrap_or(PageNumber::FIRST);
    let (page, results) = match kind {
        None => {
            let results =
                search::search(&state.db, query, View::Overview { per_kind: PER_KIND }).await?;
            (PageNumber::FIRST, results)
        }
        Some(kind) => {
            let read = |page: PageNumber| {
                let view = View::Kind {
                    kind,
                    limit: PAGE_SIZE,
                    offset: page.offset(),
                };
                search::search(&state.db, query, view)
            };
            // A page past the last shows the last (as the public lists do).
            let results = read(page).await?;
            let last = PageNumber::last_of(results.total(kind).min(CANDIDATES));
            if page > last {
                (last, read(last).await?)
            } else {
                (page, results)
            }
        }
    };
    Ok(arrange(query, kind, page, &results, lang))
}

/// The results page's parts.
fn arrange(
    query: &str,
    shown_alone: Option<Kind>,
    page: PageNumber,
    results: &SearchResults,
    lang: Lang,
) -> Outcome {
    let highlighter = Highlighter::new(&results.words, &results.stems);
    let kind_href = |kind: Option<Kind>| {
        let mut params = form_urlencoded::Serializer::new(String::new());
        params.append_pair("q", query);
        if let Some(kind) = kind {
            params.append_pair("kind", kind.as_str());
        }
        format!("{}?{}", lang.href("/search"), params.finish())
    };
    let mut groups = Vec::new();
    let mut kinds = Vec::new();
    for kind in Kind::ALL {
        let total = results.total(kind);
        let counted = total.min(CANDIDATES);
        let count = if total > CANDIDATES {
            lang.tf1("search.more_than", "count", lang.number(CANDIDATES))
        } else {
            lang.number(counted)
        };
        let heading = lang.t(kind_key(kind));
        if total == 0 && shown_alone != Some(kind) {
            continue;
        }
        kinds.push(KindLink {
            label: format!(
                "{heading}{}{count}{}",
                lang.open_paren(),
                lang.close_paren()
            ),
            href: kind_href(Some(kind)),
            current: shown_alone == Some(kind),
        });
        let items = items_of(kind, results, lang, &highlighter);
        if items.is_empty() {
            continue;
        }
        let shown = items.len() as i64;
        let all_shown = shown_alone == Some(kind) || shown >= total;
        let showing = (shown < total).then(|| {
            let (from, to) = match shown_alone {
                Some(_) => (page.offset() + 1, page.offset() + shown),
                None => (1, shown),
            };
            let key = if total > CANDIDATES {
                "search.showing_more"
            } else {
                "search.showing"
            };
            lang.tf(
                key,
                &[
                    ("from", &lang.number(from)),
                    ("to", &lang.number(to)),
                    ("total", &lang.number(counted)),
                ],
            )
        });
        let more = (!all_shown).then(|| {
            (
                kind_href(Some(kind)),
                lang.tf2("search.show_all", "count", &count, "kind", heading),
            )
        });
        groups.push(Group {
            key: kind.as_str(),
            heading: heading.to_owned(),
            items,
            showing,
            more,
        });
    }
    let total: i64 = Kind::ALL
        .iter()
        .map(|k| results.total(*k).min(CANDIDATES))
        .sum();
    let capped = Kind::ALL.iter().any(|k| results.total(*k) > CANDIDATES);
    // The query goes between the two parts (in the template, isolated and marked with its
    // language), so the sentence is filled with a stand-in and cut there.
    let sentence = if total == 0 {
        lang.tf1("search.nothing", "query", QUERY_MARK)
    } else if capped {
        lang.tf_plural("search.found_more", total, &[("query", QUERY_MARK)])
    } else {
        lang.tf_plural("search.found", total, &[("query", QUERY_MARK)])
    };
    let summary = match sentence.split_once(QUERY_MARK) {
        Some((before, after)) => (
            before.trim_end_matches(FSI).to_owned(),
            after.trim_start_matches(PDI).to_owned(),
        ),
        None => (sentence.clone(), String::new()),
    };
    let pages = shown_alone.map(|kind| {
        Pager::new(
            page,
            results.total(kind).min(CANDIDATES),
            "/search",
            &[("q", query), ("kind", kind.as_str())],
        )
    });
    Outcome {
        summary,
        kinds,
        all_href: shown_alone.map(|_| kind_href(None)),
        groups,
        pages,
        no_words: !results.had_words(),
    }
}

/// The catalogue key of a kind's heading.
fn kind_key(kind: Kind) -> &'static str {
    match kind {
        Kind::People => "search.kind.people",
        Kind::Organisations => "search.kind.organisations",
        Kind::Agreements => "search.kind.agreements",
        Kind::Booths => "search.kind.booths",
        Kind::Initiatives => "search.kind.initiatives",
        Kind::Quotes => "search.kind.quotes",
    }
}

/// The results of `kind` read, as the page shows them.
fn items_of(
    kind: Kind,
    results: &SearchResults,
    lang: Lang,
    highlighter: &Highlighter,
) -> Vec<ResultItem> {
    /// Each hit of one kind as an item.
    fn each<T>(
        hits: &[T],
        item: fn(&T, Lang, &Highlighter) -> ResultItem,
        lang: Lang,
        highlighter: &Highlighter,
    ) -> Vec<ResultItem> {
        hits.iter()
            .map(|hit| item(hit, lang, highlighter))
            .collect()
    }
    match kind {
        Kind::People => each(&results.people.items, items::person, lang, highlighter),
        Kind::Organisations => each(
            &results.organisations.items,
            items::organisation,
            lang,
            highlighter,
        ),
        Kind::Agreements => each(
            &results.agreements.items,
            items::agreement,
            lang,
            highlighter,
        ),
        Kind::Booths => each(&results.booths.items, items::booth, lang, highlighter),
        Kind::Initiatives => each(
            &results.initiatives.items,
            items::initiative,
            lang,
            highlighter,
        ),
        Kind::Quotes => each(&results.quotes.items, items::quote, lang, highlighter),
    }
}

/// `?q=…&kind=…&page=…`, decoded.
#[derive(Debug, Default, PartialEq, Eq)]
struct Params {
    q: Option<String>,
    kind: Option<String>,
    page: Option<String>,
}

impl Params {
    /// The parameters of a query string (other names are ignored; the first of a repeated
    /// one counts). `Err` holds them with what is not UTF-8 replaced by U+FFFD, for the box.
    fn parse(query: &str) -> std::result::Result<Self, Self> {
        let mut params = Self::default();
        let mut readable = true;
        for pair in query.split('&').filter(|pair| !pair.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let slot = match decode(name).as_deref() {
                Ok("q") => &mut params.q,
                Ok("kind") => &mut params.kind,
                Ok("page") => &mut params.page,
                _ => continue,
            };
            if slot.is_some() {
                continue;
            }
            *slot = Some(match decode(value) {
                Ok(value) => value,
                Err(lossy) => {
                    readable = false;
                    lossy
                }
            });
        }
        if readable { Ok(params) } else { Err(params) }
    }
}

/// A form-encoded name or value (`+` a space, `%XX` a byte), if its bytes are UTF-8; else
/// `Err` with the invalid bytes as U+FFFD.
fn decode(encoded: &str) -> std::result::Result<String, String> {
    let bytes: Vec<u8> = encoded
        .bytes()
        .map(|b| if b == b'+' { b' ' } else { b })
        .collect();
    let decoded: Vec<u8> = percent_encoding::percent_decode(&bytes).collect();
    String::from_utf8(decoded)
        .map_err(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
}

/// A query as searched for and kept in the box.
#[derive(Debug, PartialEq, Eq)]
struct Cleaned {
    text: String,
    /// Whether it was cut to [`MAX_QUERY_CHARS`].
    shortened: bool,
}

/// The query without control characters (NUL, line breaks: a space each), characters HTML
/// forbids (noncharacters) or private-use ones (they mean nothing to search for), trimmed,
/// and shortened to [`MAX_QUERY_CHARS`].
fn clean(raw: &str) -> Cleaned {
    let spaced: String = raw
        .chars()
        .map(|c| {
            let noncharacter =
                ('\u{FDD0}'..='\u{FDEF}').contains(&c) || (c as u32 & 0xFFFE) == 0xFFFE;
            if c.is_control() || noncharacter {
                ' '
            } else {
                c
            }
        })
        .collect();
    let trimmed = spaced.trim();
    let shortened = trimmed.chars().count() > MAX_QUERY_CHARS;
    let text = if shortened {
        trimmed
            .chars()
            .take(MAX_QUERY_CHARS)
            .collect::<String>()
            .trim_end()
            .to_owned()
    } else {
        trimmed.to_owned()
    };
    Cleaned { text, shortened }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_query_string_by_hand() {
        assert_eq!(
            Params::parse("q=%E5%90%88%E4%BD%9C+x&kind=people&page=2&q=ignored&other=%FF"),
            Ok(Params {
                q: Some("合作 x".into()),
                kind: Some("people".into()),
                page: Some("2".into()),
            })
        );
        // A lone surrogate, percent-encoded as CESU-8, and a stray byte are not UTF-8.
        let refused = Params::parse("q=a%ED%A0%80b").expect_err("not UTF-8");
        assert_eq!(refused.q.as_deref(), Some("a\u{FFFD}\u{FFFD}\u{FFFD}b"));
        assert!(Params::parse("q=%FF").is_err());
        assert_eq!(Params::parse(""), Ok(Params::default()));
    }

    #[test]
    fn cleans_and_shortens_the_query() {
        assert_eq!(
            clean(" a\0b\u{7}\n c\u{FFFF} "),
            Cleaned {
                text: "a b   c".into(),
                shortened: false
            }
        );
        let long = clean(&"合".repeat(10_000));
        assert!(long.shortened);
        assert_eq!(long.text.chars().count(), MAX_QUERY_CHARS);
        // Direction marks stay: they are what was typed, and the database ignores them.
        assert_eq!(clean("\u{200F}تعاون").text, "\u{200F}تعاون");
    }
}
