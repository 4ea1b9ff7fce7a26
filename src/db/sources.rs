//! Where facts come from (the report the seed was built from, and later ones).

use serde::Deserialize;
use time::Date;

/// A source, credited next to the facts taken from it.
#[derive(Debug, Clone, Deserialize)]
pub struct Source {
    pub publisher: String,
    #[serde(with = "super::json_date::iso")]
    pub published_on: Date,
    pub url: Option<String>,
    /// When an admin last edited the entry that credits this source (UTC date), if ever: the
    /// entry may no longer say only what the source says. Publishing it or holding it back
    /// (or a save that changed nothing) is no edit. Read with the entry's page (`source_json!`).
    #[serde(with = "super::json_date::iso::option")]
    pub edited_on: Option<Date>,
}
