//! Why a change was made, as its history entry records it: stored in a language-neutral form
//! (`reverted:2026-11-28T07:11:05Z`, `restored`) and worded in the reader's language.
//!
//! Entries written before notes were stored this way hold English sentences; the ones the
//! portal itself wrote are recognised and worded in the reader's language too, and any other
//! note is shown as it was written.

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime};

use crate::i18n::Lang;

/// A note on a history entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HistoryNote {
    /// The entry was brought back to the version recorded at this moment (older notes give
    /// only the day).
    Reverted(VersionTime),
    /// A deleted entry was restored as it was just before deletion.
    Restored,
    /// The seed: the facts of the China Economic Net report.
    FromReport,
    /// The seed: the Chinese and Urdu versions of the forum's own texts.
    ForumTranslations,
    /// Anything else (a note written in SQL, say), shown as written.
    Text(String),
}

/// When the version an entry was reverted to was recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionTime {
    At(OffsetDateTime),
    Day(Date),
}

const REVERTED: &str = "reverted:";
const RESTORED: &str = "restored";
// What earlier versions of the portal and its seed migrations stored.
const OLD_REVERTED: &str = "Reverted to the version of ";
const OLD_RESTORED: &str = "Restored after deletion";
const OLD_FROM_REPORT: &str = "From the China Economic Net report";
const OLD_FORUM_TRANSLATIONS: &str = "Chinese and Urdu versions of the forum's texts";

impl HistoryNote {
    /// Read a stored note (new or old form).
    pub fn parse(stored: &str) -> Self {
        let stored = stored.trim();
        if let Some(at) = stored.strip_prefix(REVERTED)
            && let Ok(at) = OffsetDateTime::parse(at, &Rfc3339)
        {
            return Self::Reverted(VersionTime::At(at));
        }
        if let Some(day) = stored.strip_prefix(OLD_REVERTED)
            && let Ok(day) = Date::parse(day, format_description!("[year]-[month]-[day]"))
        {
            return Self::Reverted(VersionTime::Day(day));
        }
        match stored {
            RESTORED | OLD_RESTORED => Self::Restored,
            OLD_FROM_REPORT => Self::FromReport,
            OLD_FORUM_TRANSLATIONS => Self::ForumTranslations,
            other => Self::Text(other.to_owned()),
        }
    }

    /// The form to store: no language in it.
    pub fn stored(&self) -> String {
        match self {
            Self::Reverted(VersionTime::At(at)) => {
                let at = at.to_offset(time::UtcOffset::UTC);
                format!(
                    "{REVERTED}{}",
                    at.format(&Rfc3339).unwrap_or_else(|_| at.to_string())
                )
            }
            Self::Reverted(VersionTime::Day(day)) => format!("{OLD_REVERTED}{day}"),
            Self::Restored => RESTORED.to_owned(),
            Self::FromReport => OLD_FROM_REPORT.to_owned(),
            Self::ForumTranslations => OLD_FORUM_TRANSLATIONS.to_owned(),
            Self::Text(text) => text.clone(),
        }
    }

    /// The note in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            Self::Reverted(when) => {
                let when = match when {
                    VersionTime::At(at) => lang.date_time(*at),
                    VersionTime::Day(day) => lang.long_date(*day),
                };
                lang.tf("history.note.reverted", &[("at", &when)])
            }
            Self::Restored => lang.t("history.note.restored").to_owned(),
            Self::FromReport => lang.t("history.note.from_report").to_owned(),
            Self::ForumTranslations => lang.t("history.note.forum_translations").to_owned(),
            Self::Text(text) => text.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::{date, datetime};

    use super::*;

    #[test]
    fn new_notes_round_trip_without_a_language() {
        for note in [
            HistoryNote::Reverted(VersionTime::At(datetime!(2026-11-28 07:11:05 UTC))),
            HistoryNote::Restored,
        ] {
            let stored = note.stored();
            assert!(stored.is_ascii() && !stored.contains(' '), "{stored}");
            assert_eq!(HistoryNote::parse(&stored), note);
        }
        assert_eq!(
            HistoryNote::Reverted(VersionTime::At(datetime!(2026-11-28 12:11:05 +05:00))).stored(),
            "reverted:2026-11-28T07:11:05Z"
        );
    }

    #[test]
    fn old_english_notes_are_read_in_every_language() {
        let old = HistoryNote::parse("Reverted to the version of 2026-11-28");
        assert_eq!(
            old,
            HistoryNote::Reverted(VersionTime::Day(date!(2026 - 11 - 28)))
        );
        assert_eq!(
            old.text(Lang::En),
            "Reverted to the version of 28 November 2026"
        );
        assert_eq!(old.text(Lang::Zh), "已恢复为2026年11月28日的版本");
        assert!(old.text(Lang::Ur).contains("28 نومبر 2026"));
        let restored = HistoryNote::parse("Restored after deletion");
        assert_eq!(restored, HistoryNote::Restored);
        assert_eq!(restored.text(Lang::Zh), "删除后已恢复");
        assert_eq!(
            HistoryNote::parse("From the China Economic Net report").text(Lang::Ur),
            Lang::Ur.t("history.note.from_report")
        );
        assert_eq!(
            HistoryNote::parse("Chinese and Urdu versions of the forum's texts"),
            HistoryNote::ForumTranslations
        );
        assert_eq!(
            HistoryNote::parse("fixed a typo in SQL").text(Lang::Zh),
            "fixed a typo in SQL"
        );
    }

    #[test]
    fn a_revert_note_names_the_exact_version() {
        let note = HistoryNote::Reverted(VersionTime::At(datetime!(2026-11-28 07:11 UTC)));
        assert_eq!(
            note.text(Lang::En),
            "Reverted to the version of 28 November 2026, 07:11 UTC"
        );
        assert_eq!(
            note.text(Lang::Zh),
            "已恢复为2026年11月28日07:11（UTC）的版本"
        );
    }
}
