//! Types that carry meaning beyond their representation: parsed once, trusted afterwards.

pub mod beijing_time;
pub mod country;
pub mod email;
pub mod history_note;
pub mod localized;
pub mod organisation_kind;
pub mod role;
pub mod slug;

pub use country::Country;
pub use history_note::HistoryNote;
pub use localized::LocalizedText;
pub use organisation_kind::OrganisationKind;
pub use role::Role;
