//! What the admin pages say about one entry, whatever its entity: its title, public address,
//! draft state and version, the choices its reference fields offer, and who changed it how.

use serde_json::{Map, Value};
use sqlx::PgConnection;

use super::form::{self, Choices};
use super::spec::{EntitySpec, FilterKind};
use crate::db::entities;
use crate::error::Result;
use crate::i18n::Locale;

/// The entries the entity's reference fields and filters can point at.
pub async fn load_choices(db: &mut PgConnection, spec: &EntitySpec) -> Result<Choices> {
    use super::spec::FieldKind;
    use crate::db::entities::ReferenceTable;
    let mut choices = Choices::default();
    let needs = |table: ReferenceTable| {
        spec.fields
            .iter()
            .any(|f| matches!(f.kind, FieldKind::Reference(t) if t == table))
            || spec
                .filters
                .iter()
                .any(|f| matches!(f.kind, FilterKind::Reference(t) if t == table))
    };
    let members = |table: ReferenceTable| spec.members.is_some_and(|m| m.table == table);
    if needs(ReferenceTable::Organisations) || members(ReferenceTable::Organisations) {
        choices.organisations = entities::choices(&mut *db, ReferenceTable::Organisations).await?;
    }
    if needs(ReferenceTable::People) || members(ReferenceTable::People) {
        choices.people = entities::choices(&mut *db, ReferenceTable::People).await?;
    }
    if needs(ReferenceTable::Sources) {
        choices.sources = entities::choices(&mut *db, ReferenceTable::Sources).await?;
    }
    if needs(ReferenceTable::Halls) {
        choices.halls = entities::choices(&mut *db, ReferenceTable::Halls).await?;
    }
    Ok(choices)
}

/// How an entry is named in lists and headings.
pub fn title_of(spec: &EntitySpec, row: &Map<String, Value>) -> String {
    let title = form::display_brief(
        spec,
        spec.title,
        row.get(spec.title),
        &Choices::default(),
        Locale::current().lang,
    );
    let mut chars = title.chars();
    let short: String = chars.by_ref().take(90).collect();
    if chars.next().is_some() {
        format!("{short}…")
    } else {
        short
    }
}

/// The entry's public page, when it has one and is published.
pub fn public_url(spec: &EntitySpec, row: &Map<String, Value>) -> Option<String> {
    let published = row
        .get("published")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let slug = row.get("slug").and_then(Value::as_str)?;
    spec.public_prefix
        .filter(|_| published)
        .map(|prefix| format!("{prefix}{slug}"))
}

/// Whether the entry is held back from visitors.
pub fn is_draft(row: &Map<String, Value>) -> bool {
    row.get("published").and_then(Value::as_bool) == Some(false)
}

/// The entry's version (optimistic locking).
pub fn version_of(row: &Map<String, Value>) -> i32 {
    row.get("version").and_then(Value::as_i64).unwrap_or(0) as i32
}

/// What a history entry did, in the admin's language.
pub fn action_label(action: &str) -> &'static str {
    Locale::current().lang.t(match action {
        "seed" => "admin.history.seed",
        "create" => "admin.history.create",
        "delete" => "admin.history.delete",
        _ => "admin.history.update",
    })
}

/// Who made a change: the admin's e-mail, or "the system" for seeds and edits made in SQL.
pub fn author_label(admin_email: Option<String>) -> String {
    admin_email.unwrap_or_else(|| Locale::current().lang.t("admin.system").to_owned())
}
