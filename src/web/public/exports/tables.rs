//! The public lists as CSV files: `/speakers.csv`, `/quotes.csv`, `/organisations.csv`,
//! `/agreements.csv`, `/exhibitors.csv`, `/initiatives.csv`.
//!
//! Each file holds every published entry (all pages of the list), in the list's order. UTF-8
//! with a byte order mark (so spreadsheet programs read Chinese and Urdu as UTF-8), CRLF line
//! ends, a header row. A localized field takes two columns per language: its version
//! (`name_en`, `name_zh`, `name_ur`) and whether that version is a translation
//! (`name_zh_translated`: `yes`, `no`, or empty when there is no version) — so a translated
//! statement never passes for the speaker's own words, in a spreadsheet either. Related
//! entries are given by slug and address (`organisation_slug`, `organisation_url`; several:
//! separated by spaces); drafts and references to drafts are left out, as on the pages.
//! Addresses are absolute with a configured public URL, else paths on this site (a request's
//! `Host` never reaches a file that is cached for everyone).
//!
//! **Formulas**: a cell that a spreadsheet would run as a formula is written with a `'` in
//! front ([`crate::web::spreadsheet`]). The admin's export does the same, reversibly, since its
//! files come back through the admin's import.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::origin::Origin;
use crate::db::exports::{
    AgreementRow, ExhibitorRow, InitiativeRow, OrganisationRow, QuoteRow, SourceRef, SpeakerRow,
};
use crate::domain::LocalizedText;
use crate::error::{AppError, Result};
use crate::i18n::{Lang, iso_date};
use crate::state::AppState;

/// Where the rows' links point: absolute with a configured public URL, else paths.
pub struct Links(Option<Origin>);

impl Links {
    /// The address of the page at `path`.
    pub fn url(&self, path: &str) -> String {
        match &self.0 {
            Some(origin) => origin.url(path),
            None => path.to_owned(),
        }
    }
}

/// A column of a file, declared once: the header and every row's cells come from it.
pub enum Column<T> {
    /// One cell.
    Plain(&'static str, fn(&T, &Links) -> String),
    /// A localized field: `{name}_{lang}` and `{name}_{lang}_translated` for each language.
    Localized(&'static str, fn(&T) -> Option<&LocalizedText>),
}

impl<T> Column<T> {
    fn headers(&self) -> Vec<String> {
        match self {
            Self::Plain(name, _) => vec![(*name).to_owned()],
            Self::Localized(name, _) => Lang::ALL
                .into_iter()
                .flat_map(|lang| {
                    [
                        format!("{name}_{}", lang.code()),
                        format!("{name}_{}_translated", lang.code()),
                    ]
                })
                .collect(),
        }
    }

    fn cells(&self, row: &T, links: &Links) -> Vec<String> {
        match self {
            Self::Plain(_, cell) => vec![cell(row, links)],
            Self::Localized(_, field) => {
                let text = field(row);
                Lang::ALL
                    .into_iter()
                    .flat_map(|lang| {
                        let version = text.and_then(|t| t.get(lang.code()));
                        let translated = match version {
                            None => "",
                            Some(_) if text.is_some_and(|t| t.is_translation(lang)) => "yes",
                            Some(_) => "no",
                        };
                        [
                            version.unwrap_or_default().to_owned(),
                            translated.to_owned(),
                        ]
                    })
                    .collect()
            }
        }
    }
}

/// The file of `rows` with `columns`.
pub fn write<T>(columns: &[Column<T>], rows: &[T], links: &Links) -> Result<Vec<u8>> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::from("\u{feff}".as_bytes()));
    let internal = |error: csv::Error| AppError::Internal(error.into());
    let headers: Vec<String> = columns.iter().flat_map(Column::headers).collect();
    writer.write_record(&headers).map_err(internal)?;
    for row in rows {
        let cells = columns
            .iter()
            .flat_map(|column| column.cells(row, links))
            .map(crate::web::spreadsheet::neutralise);
        writer.write_record(cells).map_err(internal)?;
    }
    writer
        .into_inner()
        .map_err(|error| AppError::Internal(anyhow::anyhow!("{error}")))
}

/// The answer carrying a CSV file named `name.csv`.
fn download(name: &str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.csv\""),
            ),
        ],
        body,
    )
        .into_response()
}

fn links(state: &AppState) -> Links {
    Links(Origin::configured(&state.web))
}

fn text(value: Option<&str>) -> String {
    value.unwrap_or_default().to_owned()
}

/// The three columns naming a row's source.
macro_rules! source_columns {
    ($row:ty) => {
        [
            Column::<$row>::Plain("source", |r, _| {
                r.source
                    .as_ref()
                    .map(|s: &SourceRef| s.publisher.clone())
                    .unwrap_or_default()
            }),
            Column::Plain("source_date", |r, _| {
                r.source
                    .as_ref()
                    .map(|s| iso_date(s.published_on))
                    .unwrap_or_default()
            }),
            Column::Plain("source_url", |r, _| {
                text(r.source.as_ref().and_then(|s| s.url.as_deref()))
            }),
        ]
    };
}

/// The columns of `/speakers.csv`.
pub fn speaker_columns() -> Vec<Column<SpeakerRow>> {
    let mut columns = vec![
        Column::Plain("slug", |r: &SpeakerRow, _| r.slug.clone()),
        Column::Plain("url", |r, l| l.url(&format!("/speakers/{}", r.slug))),
        Column::Localized("name", |r| Some(&r.name)),
        Column::Localized("role", |r| r.role.as_ref()),
        Column::Plain("organisation_slug", |r, _| {
            text(r.organisation.as_ref().map(|o| o.slug.as_str()))
        }),
        Column::Plain("organisation_url", |r, l| {
            r.organisation
                .as_ref()
                .map(|o| l.url(&format!("/organisations/{}", o.slug)))
                .unwrap_or_default()
        }),
        Column::Plain("statements", |r, _| r.quote_count.to_string()),
        Column::Localized("bio", |r| r.bio.as_ref()),
        Column::Plain("photo_url", |r, _| text(r.photo_url.as_deref())),
    ];
    columns.extend(source_columns!(SpeakerRow));
    columns
}

/// The columns of `/quotes.csv`.
pub fn quote_columns() -> Vec<Column<QuoteRow>> {
    let mut columns = vec![
        Column::Plain("speaker_slug", |r: &QuoteRow, _| r.speaker.slug.clone()),
        Column::Plain("speaker_url", |r, l| {
            l.url(&format!("/speakers/{}", r.speaker.slug))
        }),
        Column::Localized("speaker_name", |r| Some(&r.speaker.name)),
        Column::Plain("number", |r, _| r.number.to_string()),
        Column::Plain("kind", |r, _| r.kind.clone()),
        Column::Localized("text", |r| Some(&r.body)),
    ];
    columns.extend(source_columns!(QuoteRow));
    columns
}

/// The columns of `/organisations.csv`.
pub fn organisation_columns() -> Vec<Column<OrganisationRow>> {
    let mut columns = vec![
        Column::Plain("slug", |r: &OrganisationRow, _| r.organisation.slug.clone()),
        Column::Plain("url", |r, l| {
            l.url(&format!("/organisations/{}", r.organisation.slug))
        }),
        Column::Localized("name", |r| Some(&r.organisation.name)),
        Column::Plain("short_name", |r, _| {
            text(r.organisation.short_name.as_deref())
        }),
        Column::Plain("country", |r, _| text(r.organisation.country.as_deref())),
        Column::Plain("kind", |r, _| text(r.organisation.kind.as_deref())),
        Column::Localized("description", |r| r.organisation.description.as_ref()),
        Column::Plain("website", |r, _| text(r.organisation.website.as_deref())),
        Column::Plain("exhibitor_slug", |r, _| text(r.booth.as_deref())),
        Column::Plain("exhibitor_url", |r, l| {
            r.booth
                .as_ref()
                .map(|slug| l.url(&format!("/exhibitors/{slug}")))
                .unwrap_or_default()
        }),
    ];
    columns.extend(source_columns!(OrganisationRow));
    columns
}

/// The columns of `/agreements.csv`.
pub fn agreement_columns() -> Vec<Column<AgreementRow>> {
    let mut columns = vec![
        Column::Plain("slug", |r: &AgreementRow, _| r.agreement.slug.clone()),
        Column::Plain("url", |r, l| {
            l.url(&format!("/agreements/{}", r.agreement.slug))
        }),
        Column::Localized("title", |r| Some(&r.agreement.title)),
        Column::Localized("kind", |r| Some(&r.agreement.kind)),
        Column::Plain("signed_on", |r, _| {
            r.agreement.signed_on.map(iso_date).unwrap_or_default()
        }),
        Column::Plain("party_slugs", |r, _| {
            let slugs: Vec<&str> = r
                .agreement
                .parties
                .iter()
                .map(|p| p.slug.as_str())
                .collect();
            slugs.join(" ")
        }),
        Column::Plain("party_urls", |r, l| {
            let urls: Vec<String> = r
                .agreement
                .parties
                .iter()
                .map(|p| l.url(&format!("/organisations/{}", p.slug)))
                .collect();
            urls.join(" ")
        }),
        Column::Plain("announced_by_slug", |r, _| {
            text(r.agreement.announced_by.as_ref().map(|p| p.slug.as_str()))
        }),
        Column::Plain("announced_by_url", |r, l| {
            r.agreement
                .announced_by
                .as_ref()
                .map(|p| l.url(&format!("/speakers/{}", p.slug)))
                .unwrap_or_default()
        }),
        Column::Localized("description", |r| r.agreement.description.as_ref()),
        Column::Localized("establishes", |r| r.agreement.establishes.as_ref()),
    ];
    columns.extend(source_columns!(AgreementRow));
    columns
}

/// The columns of `/exhibitors.csv`.
pub fn exhibitor_columns() -> Vec<Column<ExhibitorRow>> {
    let mut columns = vec![
        Column::Plain("slug", |r: &ExhibitorRow, _| r.booth.slug.clone()),
        Column::Plain("url", |r, l| {
            l.url(&format!("/exhibitors/{}", r.booth.slug))
        }),
        Column::Plain("organisation_slug", |r, _| {
            r.booth.organisation.slug.clone()
        }),
        Column::Plain("organisation_url", |r, l| {
            l.url(&format!("/organisations/{}", r.booth.organisation.slug))
        }),
        Column::Localized("organisation_name", |r| Some(&r.booth.organisation.name)),
        Column::Plain("organisation_short_name", |r, _| {
            text(r.booth.organisation.short_name.as_deref())
        }),
        Column::Plain("country", |r, _| {
            text(r.booth.organisation_country.as_deref())
        }),
        Column::Plain("booth_number", |r, _| text(r.booth.booth_label.as_deref())),
        Column::Plain("hall", |r, _| text(r.booth.hall.as_deref())),
        Column::Localized("note", |r| r.booth.note.as_ref()),
    ];
    columns.extend(source_columns!(ExhibitorRow));
    columns
}

/// The columns of `/initiatives.csv`.
pub fn initiative_columns() -> Vec<Column<InitiativeRow>> {
    let mut columns = vec![
        Column::Plain("slug", |r: &InitiativeRow, _| r.initiative.slug.clone()),
        Column::Plain("url", |r, l| {
            l.url(&format!("/#initiative-{}", r.initiative.slug))
        }),
        Column::Localized("name", |r| Some(&r.initiative.name)),
        Column::Localized("description", |r| r.initiative.description.as_ref()),
        Column::Plain("mentioned_by_slug", |r, _| {
            text(r.initiative.mentioned_by.as_ref().map(|p| p.slug.as_str()))
        }),
        Column::Plain("mentioned_by_url", |r, l| {
            r.initiative
                .mentioned_by
                .as_ref()
                .map(|p| l.url(&format!("/speakers/{}", p.slug)))
                .unwrap_or_default()
        }),
    ];
    columns.extend(source_columns!(InitiativeRow));
    columns
}

/// The handler of `/{name}.csv`: the rows `$read` returns, in the columns `$columns` declares.
macro_rules! csv_file {
    ($handler:ident, $name:literal, $read:path, $columns:path) => {
        #[doc = concat!("`/", $name, ".csv`.")]
        pub async fn $handler(State(state): State<AppState>) -> Result<Response> {
            let rows = $read(&state.db).await?;
            let body = write(&$columns(), &rows, &links(&state))?;
            Ok(download($name, body))
        }
    };
}

csv_file!(
    speakers,
    "speakers",
    crate::db::exports::speakers,
    speaker_columns
);
csv_file!(quotes, "quotes", crate::db::exports::quotes, quote_columns);
csv_file!(
    organisations,
    "organisations",
    crate::db::exports::organisations,
    organisation_columns
);
csv_file!(
    agreements,
    "agreements",
    crate::db::exports::agreements,
    agreement_columns
);
csv_file!(
    exhibitors,
    "exhibitors",
    crate::db::exports::exhibitors,
    exhibitor_columns
);
csv_file!(
    initiatives,
    "initiatives",
    crate::db::exports::initiatives,
    initiative_columns
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_localized_field_has_a_version_and_a_mark_per_language() {
        struct Row(LocalizedText);
        let columns = [Column::Localized("name", |r: &Row| Some(&r.0))];
        let row = Row(LocalizedText::english("Beijing").with(Lang::Zh, "北京", true));
        let out = write(&columns, &[row], &Links(None)).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "\u{feff}name_en,name_en_translated,name_zh,name_zh_translated,name_ur,name_ur_translated\r\n\
             Beijing,no,北京,yes,,\r\n"
        );
    }
}
