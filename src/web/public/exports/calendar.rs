//! `/forum.ics` (and `/zh/forum.ics`, `/ur/forum.ics`): the forum and its host fair as
//! iCalendar events (RFC 5545), for a visitor's calendar.
//!
//! The forum is an all-day event on its day; the host fair (CIFTIS) a second one over the
//! dates the database holds, left out when either date is unknown (never guessed). All-day
//! events are `DATE` values, which carry no time zone (RFC 5545 forbids `TZID` on them): they
//! cover the same calendar days wherever the reader is, as an all-day event should. The
//! calendar still names Beijing's zone, `Asia/Shanghai` (UTC+8, no daylight saving), in a
//! `VTIMEZONE` and in `X-WR-TIMEZONE`, which several calendar programs use as the calendar's
//! own zone.
//!
//! Everything comes from the forum's row: `DTSTAMP` and `LAST-MODIFIED` are when it last
//! changed and `SEQUENCE` its saves, not the clock, so the file is the same until the data
//! changes (the page cache keeps it like a page). The events' `UID`s never change, in any
//! language, so importing the file again, or in another language, updates the events instead
//! of adding copies. Texts are in the address's language (`LANGUAGE` says which version each
//! is: English where a version is missing).
//!
//! Each published programme item (issue 14) is a timed event in Beijing time
//! (`DTSTART;TZID=Asia/Shanghai:20230905T093000`), with the same stable rules: its `UID` is
//! built from its id, `DTSTAMP` is when it last changed, and its speakers are listed in its
//! `DESCRIPTION`.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use time::{Date, Duration, OffsetDateTime, UtcOffset};

use super::ical::Lines;
use super::origin::Origin;
use crate::db::exports::ForumDates;
use crate::db::programme::ProgrammeItem;
use crate::domain::{LocalizedText, beijing_time};
use crate::error::{AppError, Result};
use crate::i18n::{Lang, Locale};
use crate::state::AppState;

/// The forum's event, the same in every file and language (RFC 7986 recommends a UUID).
const FORUM_UID: &str = "5c0d6a52-3f0e-4c8e-9a61-2b7f4e9d1a03";

/// The host fair's event.
const FAIR_UID: &str = "b8e4f1c7-6d2a-4f5b-8c39-7a1e0d6b4f92";

/// The time zone of Beijing.
const TIME_ZONE: &str = "Asia/Shanghai";

/// `/forum.ics` in the address's language.
pub async fn forum(State(state): State<AppState>) -> Result<Response> {
    let forum = crate::db::exports::forum_dates(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let programme = crate::db::programme::published(&state.db).await?;
    let lang = Locale::current().lang;
    let body = calendar(
        &forum,
        &programme,
        lang,
        Origin::configured(&state.web).as_ref(),
    );
    let filename = match lang {
        Lang::En => "forum.ics".to_owned(),
        _ => format!("forum-{}.ics", lang.code()),
    };
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response())
}

/// The calendar of `forum` and its published `programme` in `lang`; `origin` gives the events
/// their `URL`s.
pub fn calendar(
    forum: &ForumDates,
    programme: &[ProgrammeItem],
    lang: Lang,
    origin: Option<&Origin>,
) -> String {
    let mut lines = Lines::new();
    lines.raw("BEGIN", &[], "VCALENDAR");
    lines.raw("VERSION", &[], "2.0");
    lines.raw(
        "PRODID",
        &[],
        &format!(
            "-//forum-portal//China-Pakistan STI Forum 2023//{}",
            lang.code().to_uppercase()
        ),
    );
    lines.raw("CALSCALE", &[], "GREGORIAN");
    lines.raw("METHOD", &[], "PUBLISH");
    let name = lang.t("site.name");
    lines.text("NAME", &[("LANGUAGE", lang.tag())], name);
    lines.text("X-WR-CALNAME", &[], name);
    lines.raw("X-WR-TIMEZONE", &[], TIME_ZONE);
    time_zone(&mut lines);

    let stamp = utc_stamp(forum.updated_at);
    let sequence = (forum.version - 1).max(0).to_string();
    let fair = crate::db::display_name_in(&forum.fair_name, forum.fair_short_name.as_deref(), lang);
    let city = forum.city.plain(lang);

    let title = match &forum.subtitle {
        Some(subtitle) => format!(
            "{}{}{}",
            forum.title.plain(lang),
            lang.dash(),
            subtitle.plain(lang)
        ),
        None => forum.title.plain(lang).to_owned(),
    };
    let title_lang = version_tag(&forum.title, lang);
    let url = origin.map(|origin| origin.url(&lang.href("/")));
    let location = format!("{fair}{}{city}", lang.comma());
    let mut event = Event {
        uid: FORUM_UID,
        stamp: &stamp,
        sequence: &sequence,
        starts: forum.held_on,
        ends: forum.held_on,
        summary: (&title, title_lang),
        description: forum
            .summary
            .as_ref()
            .map(|summary| (summary.plain(lang).to_owned(), version_tag(summary, lang))),
        location: (&location, version_tag(&forum.city, lang)),
        url: url.as_deref(),
    };
    event.write(&mut lines);

    if let (Some(starts), Some(ends)) = (forum.fair_starts_on, forum.fair_ends_on) {
        let description = lang.tf(
            "calendar.fair_description",
            &[
                ("forum", forum.title.plain(lang)),
                ("date", &lang.long_date(forum.held_on)),
            ],
        );
        event = Event {
            uid: FAIR_UID,
            starts,
            ends,
            summary: (&fair, version_tag(&forum.fair_name, lang)),
            description: Some((description, lang.tag())),
            location: (city, version_tag(&forum.city, lang)),
            url: None,
            ..event
        };
        event.write(&mut lines);
    }
    for item in programme {
        programme_event(&mut lines, item, forum, lang, origin);
    }
    lines.raw("END", &[], "VCALENDAR");
    lines.finish()
}

/// One all-day event, from `starts` to `ends` inclusive.
struct Event<'a> {
    uid: &'static str,
    stamp: &'a str,
    sequence: &'a str,
    starts: Date,
    ends: Date,
    /// Each text with the language tag of the version it is.
    summary: (&'a str, &'static str),
    description: Option<(String, &'static str)>,
    location: (&'a str, &'static str),
    url: Option<&'a str>,
}

impl Event<'_> {
    fn write(&self, lines: &mut Lines) {
        lines.raw("BEGIN", &[], "VEVENT");
        lines.raw("UID", &[], self.uid);
        lines.raw("DTSTAMP", &[], self.stamp);
        lines.raw("LAST-MODIFIED", &[], self.stamp);
        lines.raw("SEQUENCE", &[], self.sequence);
        lines.raw("DTSTART", &[("VALUE", "DATE")], &basic_date(self.starts));
        // The end of an all-day event is the day after its last (exclusive).
        let after = self
            .ends
            .checked_add(Duration::days(1))
            .unwrap_or(self.ends);
        lines.raw("DTEND", &[("VALUE", "DATE")], &basic_date(after));
        lines.text("SUMMARY", &[("LANGUAGE", self.summary.1)], self.summary.0);
        if let Some((description, tag)) = &self.description {
            lines.text("DESCRIPTION", &[("LANGUAGE", tag)], description);
        }
        lines.text(
            "LOCATION",
            &[("LANGUAGE", self.location.1)],
            self.location.0,
        );
        if let Some(url) = self.url {
            lines.raw("URL", &[], url);
        }
        lines.raw("TRANSP", &[], "TRANSPARENT");
        lines.raw("END", &[], "VEVENT");
    }
}

/// One programme item as a timed event in Beijing time.
fn programme_event(
    lines: &mut Lines,
    item: &ProgrammeItem,
    forum: &ForumDates,
    lang: Lang,
    origin: Option<&Origin>,
) {
    let stamp = utc_stamp(item.updated_at);
    lines.raw("BEGIN", &[], "VEVENT");
    lines.raw("UID", &[], &format!("{FORUM_UID}-programme-{}", item.id));
    lines.raw("DTSTAMP", &[], &stamp);
    lines.raw("LAST-MODIFIED", &[], &stamp);
    lines.raw("SEQUENCE", &[], &(item.version - 1).max(0).to_string());
    lines.raw(
        "DTSTART",
        &[("TZID", TIME_ZONE)],
        &beijing_local(item.starts_at),
    );
    lines.raw(
        "DTEND",
        &[("TZID", TIME_ZONE)],
        &beijing_local(item.ends_at),
    );
    lines.text(
        "SUMMARY",
        &[("LANGUAGE", version_tag(&item.title, lang))],
        item.title.plain(lang),
    );
    let mut description: Vec<String> = item
        .description
        .iter()
        .map(|text| text.plain(lang).to_owned())
        .collect();
    let speakers: Vec<String> = item
        .speakers()
        .iter()
        .map(|speaker| speaker.name.plain(lang).to_owned())
        .collect();
    if !speakers.is_empty() {
        description.push(format!(
            "{}{}{}",
            lang.t("programme.speakers"),
            lang.colon(),
            lang.and_list(&speakers)
        ));
    }
    if !description.is_empty() {
        lines.text(
            "DESCRIPTION",
            &[("LANGUAGE", lang.tag())],
            &description.join("\n\n"),
        );
    }
    let fair = crate::db::display_name_in(&forum.fair_name, forum.fair_short_name.as_deref(), lang);
    let (location, tag) = match &item.place {
        Some(place) => (
            format!(
                "{}{}{fair}{}{}",
                place.plain(lang),
                lang.comma(),
                lang.comma(),
                forum.city.plain(lang)
            ),
            version_tag(place, lang),
        ),
        None => (
            format!("{fair}{}{}", lang.comma(), forum.city.plain(lang)),
            version_tag(&forum.city, lang),
        ),
    };
    lines.text("LOCATION", &[("LANGUAGE", tag)], &location);
    if let Some(origin) = origin {
        let url = origin.url(&format!("{}#programme-{}", lang.href("/"), item.id));
        lines.raw("URL", &[], &url);
    }
    lines.raw("END", &[], "VEVENT");
}

/// `at` as Beijing wall-clock time in iCalendar's local form: `20230905T093000`.
fn beijing_local(at: OffsetDateTime) -> String {
    let at = beijing_time::in_beijing(at);
    format!(
        "{}T{:02}{:02}{:02}",
        basic_date(at.date()),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// Beijing's time zone: China Standard Time all year since 1991.
fn time_zone(lines: &mut Lines) {
    lines.raw("BEGIN", &[], "VTIMEZONE");
    lines.raw("TZID", &[], TIME_ZONE);
    lines.raw("X-LIC-LOCATION", &[], TIME_ZONE);
    lines.raw("BEGIN", &[], "STANDARD");
    lines.raw("TZOFFSETFROM", &[], "+0800");
    lines.raw("TZOFFSETTO", &[], "+0800");
    lines.raw("TZNAME", &[], "CST");
    lines.raw("DTSTART", &[], "19700101T000000");
    lines.raw("END", &[], "STANDARD");
    lines.raw("END", &[], "VTIMEZONE");
}

/// The language tag of the version of `text` shown in `lang` (English where it has none).
fn version_tag(text: &LocalizedText, lang: Lang) -> &'static str {
    if text.is_fallback(lang) {
        Lang::En.tag()
    } else {
        lang.tag()
    }
}

/// `20230905`.
fn basic_date(date: Date) -> String {
    format!(
        "{:04}{:02}{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// `20230905T101112Z`.
fn utc_stamp(at: OffsetDateTime) -> String {
    let at = at.to_offset(UtcOffset::UTC);
    format!(
        "{}T{:02}{:02}{:02}Z",
        basic_date(at.date()),
        at.hour(),
        at.minute(),
        at.second()
    )
}

#[cfg(test)]
mod tests {
    use time::format_description::well_known::Iso8601;

    use super::*;

    #[test]
    fn dates_are_basic_format() {
        let at = OffsetDateTime::parse("2023-09-05T08:09:10+08:00", &Iso8601::DEFAULT).unwrap();
        assert_eq!(utc_stamp(at), "20230905T000910Z");
        assert_eq!(basic_date(at.date()), "20230905");
        assert_eq!(beijing_local(at), "20230905T080910");
    }
}
