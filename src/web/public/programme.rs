//! The programme as pages show it (issue 14): published items grouped by their day in
//! Beijing, each with its times as Beijing wall-clock times (`09:30–10:15`, the zone named once
//! per list) and the instants for `<time datetime>` with their `+08:00` offset.

use time::Date;

use crate::db::PersonRef;
use crate::db::programme::ProgrammeItem;
use crate::domain::LocalizedText;
use crate::domain::beijing_time;
use crate::i18n::iso_date;

/// One day of the programme.
#[derive(Debug, Clone)]
pub struct ProgrammeDay {
    /// The day in Beijing.
    pub date: Date,
    pub items: Vec<ProgrammeEntry>,
}

impl ProgrammeDay {
    /// `2023-09-05`, for `<time datetime>`.
    pub fn date_iso(&self) -> String {
        iso_date(self.date)
    }
}

/// One item as a page lists it.
#[derive(Debug, Clone)]
pub struct ProgrammeEntry {
    /// Its anchor on the home page: `programme-3`.
    pub anchor: String,
    pub title: LocalizedText,
    pub place: Option<LocalizedText>,
    pub description: Option<LocalizedText>,
    pub speakers: Vec<PersonRef>,
    /// `2023-09-05T09:30:00+08:00`.
    pub start_iso: String,
    pub end_iso: String,
    /// `09:30`, Beijing time.
    pub start_clock: String,
    pub end_clock: String,
}

/// `items` (in time order) grouped by their day in Beijing.
pub fn days(items: Vec<ProgrammeItem>) -> Vec<ProgrammeDay> {
    let mut days: Vec<ProgrammeDay> = Vec::new();
    for item in items {
        let date = beijing_time::in_beijing(item.starts_at).date();
        let entry = ProgrammeEntry {
            anchor: format!("programme-{}", item.id),
            start_iso: beijing_time::rfc3339(item.starts_at),
            end_iso: beijing_time::rfc3339(item.ends_at),
            start_clock: beijing_time::clock(item.starts_at),
            end_clock: beijing_time::clock(item.ends_at),
            title: item.title,
            place: item.place,
            description: item.description,
            speakers: item.speakers.0,
        };
        match days.last_mut() {
            Some(day) if day.date == date => day.items.push(entry),
            _ => days.push(ProgrammeDay {
                date,
                items: vec![entry],
            }),
        }
    }
    days
}
