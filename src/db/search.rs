//! Search across people, organisations, agreements, booths, initiatives and quotes, in any of
//! the three languages, in one statement.
//!
//! The work is PostgreSQL's (migration 0013): the table `search_entries`, kept by triggers,
//! holds each entry's normalised text in every language, its lexemes and its English
//! full-text vector, with an index per kind on each. An entry matches the English full-text
//! search of the query (stemmed), or has every word of the query — a Chinese word anywhere, any
//! other word as the start of one of its words. Whether an entry may be shown is read from the
//! entry itself, as the public pages read it: drafts never match, nor quotes of a draft speaker.
//!
//! Each kind reads at most [`CANDIDATES`] matches, in the order the index gives them, and
//! ranks those: a query that matches more entries of one kind costs the same as one that
//! matches that many, and the page says "more than" that many.

pub mod normalize;

use serde::Deserialize;
use sqlx::PgExecutor;
use sqlx::types::Json;

use super::{OrganisationRef, PersonRef};
use crate::domain::LocalizedText;

/// The most matches of one kind read and ranked for a query.
pub const CANDIDATES: i64 = 500;

/// The kinds of entry search finds, in the order the results page lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    People,
    Organisations,
    Agreements,
    Booths,
    Initiatives,
    Quotes,
}

impl Kind {
    /// Every kind, in the results page's order.
    pub const ALL: [Self; 6] = [
        Self::People,
        Self::Organisations,
        Self::Agreements,
        Self::Booths,
        Self::Initiatives,
        Self::Quotes,
    ];

    /// The name in the database (`search_entries.kind`, the table's) and in `?kind=`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::People => "people",
            Self::Organisations => "organisations",
            Self::Agreements => "agreements",
            Self::Booths => "booths",
            Self::Initiatives => "initiatives",
            Self::Quotes => "quotes",
        }
    }

    /// `?kind=` as typed, if it names a kind.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == value)
    }
}

/// Which results to read: the first few of every kind, or a page of one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// The best `per_kind` of each kind.
    Overview { per_kind: i64 },
    /// `limit` results of `kind` from `offset` on (the other kinds are only counted).
    Kind { kind: Kind, limit: i64, offset: i64 },
}

/// Matches of one kind: how many (at most [`CANDIDATES`] + 1, meaning "more than
/// [`CANDIDATES`]"), and the ones asked for, best first.
#[derive(Debug, Clone, Deserialize)]
pub struct Found<T> {
    pub total: i64,
    pub items: Vec<T>,
}

impl<T> Found<T> {
    /// Whether more matched than were counted.
    pub fn is_capped(&self) -> bool {
        self.total > CANDIDATES
    }

    /// How many matched, as far as counted.
    pub fn counted(&self) -> i64 {
        self.total.min(CANDIDATES)
    }
}

/// A person found.
#[derive(Debug, Clone, Deserialize)]
pub struct PersonHit {
    pub slug: String,
    pub name: LocalizedText,
    pub role: Option<LocalizedText>,
    pub bio: Option<LocalizedText>,
}

/// An organisation found.
#[derive(Debug, Clone, Deserialize)]
pub struct OrganisationHit {
    pub slug: String,
    pub name: LocalizedText,
    pub short_name: Option<String>,
    pub description: Option<LocalizedText>,
}

/// An agreement found.
#[derive(Debug, Clone, Deserialize)]
pub struct AgreementHit {
    pub slug: String,
    pub title: LocalizedText,
    pub kind: LocalizedText,
    pub description: Option<LocalizedText>,
    pub establishes: Option<LocalizedText>,
}

/// A booth found (shown under its organisation's name, as its page is).
#[derive(Debug, Clone, Deserialize)]
pub struct BoothHit {
    pub slug: String,
    pub organisation: OrganisationRef,
    pub booth_label: Option<String>,
    pub hall: Option<String>,
    pub note: Option<LocalizedText>,
}

/// An initiative found (the home page lists every initiative).
#[derive(Debug, Clone, Deserialize)]
pub struct InitiativeHit {
    pub slug: String,
    pub name: LocalizedText,
    pub description: Option<LocalizedText>,
    /// Who mentioned it, when that person is published.
    pub mentioned_by: Option<PersonRef>,
}

/// A quote found, and its (published) speaker, whose page shows it.
#[derive(Debug, Clone, Deserialize)]
pub struct QuoteHit {
    pub body: LocalizedText,
    /// `direct` or `reported` (see `db::quotes::Quote`).
    pub kind: String,
    pub person: PersonRef,
}

impl QuoteHit {
    /// In the speaker's own words rather than reported.
    pub fn is_direct(&self) -> bool {
        self.kind == "direct"
    }
}

/// Everything a search found.
#[derive(Debug, Clone, Deserialize)]
pub struct SearchResults {
    /// The query's words as the database matched them (normalised, each once): what the
    /// page highlights.
    pub words: Vec<String>,
    /// The stems of the query's English words (the full-text search's lexemes).
    pub stems: Vec<String>,
    pub people: Found<PersonHit>,
    pub organisations: Found<OrganisationHit>,
    pub agreements: Found<AgreementHit>,
    pub booths: Found<BoothHit>,
    pub initiatives: Found<InitiativeHit>,
    pub quotes: Found<QuoteHit>,
}

impl SearchResults {
    /// How many matched of `kind` (at most [`CANDIDATES`] + 1).
    pub fn total(&self, kind: Kind) -> i64 {
        match kind {
            Kind::People => self.people.total,
            Kind::Organisations => self.organisations.total,
            Kind::Agreements => self.agreements.total,
            Kind::Booths => self.booths.total,
            Kind::Initiatives => self.initiatives.total,
            Kind::Quotes => self.quotes.total,
        }
    }

    /// Whether the query had anything to search for: a word, or an English lexeme.
    pub fn had_words(&self) -> bool {
        !self.words.is_empty() || !self.stems.is_empty()
    }
}

/// The matches of kind `$kind` (the name of its table, aliased `e` with `$from`), numbered
/// best first (`n`): at most `$6` of them, those `$visible` as the public pages show them;
/// ranked by the English full-text rank, plus one when the entry's name has every word of
/// the query, then by `$o1`, `$o2` (the kind's own order).
macro_rules! search_hits_cte {
    ($kind:literal, $from:literal, $visible:literal, $o1:literal, $o2:literal) => {
        concat!(
            $kind,
            "_hits AS (
                SELECT c.id, row_number() OVER (ORDER BY c.score DESC, c.o1, c.o2, c.id) AS n
                  FROM (SELECT s.entity_id AS id,
                               ts_rank(s.english, (SELECT english FROM q))
                               + CASE WHEN search_contains_all(' ' || s.title, (SELECT needles FROM q))
                                      THEN 1 ELSE 0 END AS score,
                               ",
            $o1,
            " AS o1, ",
            $o2,
            " AS o2
                          FROM search_entries s ",
            $from,
            "
                         WHERE s.kind = '",
            $kind,
            "' AND ",
            $visible,
            "
                           AND (s.english @@ (SELECT english FROM q)
                                OR (s.words @@ (SELECT words FROM q)
                                    AND search_contains_all(s.doc, (SELECT runs FROM q))))
                         LIMIT $6) AS c)"
        )
    };
}

/// `'$kind', {total, items}` of the results: `$item` (a JSON object of the entry aliased `e`,
/// joined by `$join`) for the matches of the page asked for (`$2` the kind or null, `$3` how
/// many of each kind without one, `$4` and `$5` the limit and offset with one).
macro_rules! search_found_json {
    ($kind:literal, $join:literal, $item:expr) => {
        concat!(
            "'",
            $kind,
            "', json_build_object('total', (SELECT count(*) FROM ",
            $kind,
            "_hits),
                'items', COALESCE((SELECT json_agg(",
            $item,
            " ORDER BY h.n)
                    FROM (SELECT id, n FROM ",
            $kind,
            "_hits ORDER BY n
                           LIMIT CASE WHEN $2::text IS NULL THEN $3 WHEN $2 = '",
            $kind,
            "' THEN $4 ELSE 0 END
                          OFFSET CASE WHEN $2 = '",
            $kind,
            "' THEN $5 ELSE 0 END) AS h ",
            $join,
            "), '[]'))"
        )
    };
}

/// The statement of [`search`]: `$1` the query, `$2` the kind asked for or null, `$3` how
/// many of each kind without one, `$4`, `$5` the limit and offset with one, `$6` how many
/// matches of a kind to read at most.
pub const SEARCH_SQL: &str = concat!(
    "WITH q AS MATERIALIZED (
         SELECT websearch_to_tsquery('english', $1) AS english, search_query($1) AS words,
                search_cjk_runs($1) AS runs, search_needles($1) AS needles),
     ",
    search_hits_cte!(
        "people",
        "JOIN people e ON e.id = s.entity_id",
        "e.published",
        "e.position",
        "e.name ->> 'en'"
    ),
    ",
     ",
    search_hits_cte!(
        "organisations",
        "JOIN organisations e ON e.id = s.entity_id",
        "e.published",
        "0",
        "e.name ->> 'en'"
    ),
    ",
     ",
    search_hits_cte!(
        "agreements",
        "JOIN agreements e ON e.id = s.entity_id",
        "e.published",
        "e.position",
        "e.title ->> 'en'"
    ),
    ",
     ",
    search_hits_cte!(
        "booths",
        "JOIN booths e ON e.id = s.entity_id JOIN organisations o ON o.id = e.organisation_id",
        "e.published AND o.published",
        "e.position",
        "o.name ->> 'en'"
    ),
    ",
     ",
    search_hits_cte!(
        "initiatives",
        "JOIN initiatives e ON e.id = s.entity_id",
        "true",
        "e.position",
        "e.name ->> 'en'"
    ),
    ",
     ",
    search_hits_cte!(
        "quotes",
        "JOIN quotes e ON e.id = s.entity_id JOIN people p ON p.id = e.person_id",
        "p.published",
        "p.position",
        "e.position"
    ),
    "
     SELECT json_build_object(
         'words', search_words($1),
         'stems', tsvector_to_array(to_tsvector('english', $1)),
         ",
    search_found_json!(
        "people",
        "JOIN people e ON e.id = h.id",
        "json_build_object('slug', e.slug, 'name', e.name, 'role', e.role, 'bio', e.bio)"
    ),
    ",
         ",
    search_found_json!(
        "organisations",
        "JOIN organisations e ON e.id = h.id",
        "json_build_object('slug', e.slug, 'name', e.name, 'short_name', e.short_name,
                           'description', e.description)"
    ),
    ",
         ",
    search_found_json!(
        "agreements",
        "JOIN agreements e ON e.id = h.id",
        "json_build_object('slug', e.slug, 'title', e.title, 'kind', e.kind,
                           'description', e.description, 'establishes', e.establishes)"
    ),
    ",
         ",
    search_found_json!(
        "booths",
        "JOIN booths e ON e.id = h.id JOIN organisations o ON o.id = e.organisation_id",
        concat!(
            "json_build_object('slug', e.slug, 'organisation', ",
            organisation_ref_json!("o"),
            ", 'booth_label', e.booth_label, 'hall', e.hall, 'note', e.note)"
        )
    ),
    ",
         ",
    search_found_json!(
        "initiatives",
        "JOIN initiatives e ON e.id = h.id",
        concat!(
            "json_build_object('slug', e.slug, 'name', e.name, 'description', e.description,
                               'mentioned_by', ",
            published_person_ref_json!("e", "mentioned_by_id"),
            ")"
        )
    ),
    ",
         ",
    search_found_json!(
        "quotes",
        "JOIN quotes e ON e.id = h.id JOIN people p ON p.id = e.person_id",
        "json_build_object('body', e.body, 'kind', e.kind,
                           'person', json_build_object('slug', p.slug, 'name', p.name))"
    ),
    ")"
);

/// Search for `query` (already cleaned and shortened by the caller: no NUL, at most a few
/// hundred characters), reading the results `view` asks for. One statement.
pub async fn search(
    db: impl PgExecutor<'_>,
    query: &str,
    view: View,
) -> sqlx::Result<SearchResults> {
    let (kind, per_kind, limit, offset) = match view {
        View::Overview { per_kind } => (None, per_kind, 0, 0),
        View::Kind {
            kind,
            limit,
            offset,
        } => (Some(kind.as_str()), 0, limit, offset),
    };
    let Json(results) = sqlx::query_scalar(SEARCH_SQL)
        .bind(query)
        .bind(kind)
        .bind(per_kind)
        .bind(limit)
        .bind(offset)
        .bind(CANDIDATES + 1)
        .fetch_one(db)
        .await?;
    Ok(results)
}
