//! `/admin`: how many entries of each kind (and drafts), and the latest changes.

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::State;
use serde_json::{Map, Value};
use tower_sessions::Session;

use super::CurrentAdmin;
use super::context::AdminContext;
use super::form::TRANSLATIONS;
use super::form::{self, Choices};
use super::spec::{self, EntitySpec};
use super::translations;
use crate::db::{entities, history};
use crate::error::Result;
use crate::i18n::{Lang, Locale};
use crate::state::AppState;

/// One entity's line on the dashboard.
pub struct CountView {
    spec: &'static EntitySpec,
    total: usize,
    drafts: usize,
}

impl ChangeView {
    /// The change as a sentence in `lang`.
    fn line(&self, lang: &Lang) -> String {
        lang.tf(
            "admin.change_line",
            &[
                ("entity", self.singular),
                ("title", &self.title),
                ("action", &self.action),
                ("who", &self.by),
                ("at", &self.at),
            ],
        )
    }
}

/// One recent change.
pub struct ChangeView {
    entity: &'static str,
    singular: &'static str,
    entity_id: i64,
    title: String,
    action: String,
    by: String,
    at: String,
}

/// A text that has an English version but none in some language.
pub struct MissingView {
    entity: &'static str,
    singular: &'static str,
    id: i64,
    title: String,
    field: &'static str,
}

/// Entries of one kind that need a version in a language: a link to the filtered list.
pub struct NeedingView {
    spec: &'static EntitySpec,
    entries: usize,
}

/// How complete one language's translations are.
pub struct CompletenessView {
    code: &'static str,
    language: &'static str,
    /// Per entity with entries lacking this language, how many.
    needing: Vec<NeedingView>,
    translated: usize,
    total: usize,
    missing: Vec<MissingView>,
}

impl CompletenessView {
    /// "5 of 60 (8%)" in `lang`.
    fn summary(&self, lang: &Lang) -> String {
        lang.tf(
            "admin.of",
            &[
                ("count", &self.translated.to_string()),
                ("total", &self.total.to_string()),
                ("percent", &self.percent().to_string()),
            ],
        )
    }

    /// Whole per cent translated (100 when there is nothing to translate).
    fn percent(&self) -> usize {
        (self.translated * 100)
            .checked_div(self.total)
            .unwrap_or(100)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/dashboard.html")]
pub struct DashboardPage {
    ctx: AdminContext,
    lang: Lang,
    counts: Vec<CountView>,
    completeness: Vec<CompletenessView>,
    changes: Vec<ChangeView>,
}

/// The dashboard.
pub async fn show(
    State(state): State<AppState>,
    session: Session,
    Extension(admin): Extension<CurrentAdmin>,
) -> Result<DashboardPage> {
    let lang = Locale::current().lang;
    let mut conn = state.db.acquire().await?;
    let mut counts = Vec::new();
    let mut completeness: Vec<CompletenessView> = TRANSLATIONS
        .iter()
        .map(|(code, ..)| CompletenessView {
            code,
            language: lang.t(&format!("language.{code}")),
            needing: Vec::new(),
            translated: 0,
            total: 0,
            missing: Vec::new(),
        })
        .collect();
    for spec in spec::ENTITIES.iter().copied() {
        let rows = entities::list(&mut *conn, spec.sql(), &entities::ListQuery::default())
            .await?
            .rows;
        count_translations(spec, &rows, &mut completeness, lang);
        if spec.singleton {
            continue;
        }
        let drafts = rows
            .iter()
            .filter(|(_, row)| row.get("published") == Some(&Value::Bool(false)))
            .count();
        counts.push(CountView {
            spec,
            total: rows.len(),
            drafts,
        });
    }
    let changes = history::latest(&mut *conn, 15)
        .await?
        .into_iter()
        .filter_map(|entry| {
            let spec = spec::find(&entry.entity)?;
            let row = entry
                .after
                .as_ref()
                .or(entry.before.as_ref())
                .and_then(Value::as_object)?;
            Some(ChangeView {
                entity: spec.key,
                singular: spec.singular_in(lang),
                entity_id: entry.entity_id,
                title: super::entry::title_of(spec, row),
                action: super::entry::action_label(&entry.action).to_owned(),
                by: super::entry::author_label(entry.admin_email),
                at: lang.date_time(entry.at),
            })
        })
        .collect();
    Ok(DashboardPage {
        ctx: AdminContext::load(&session, &admin).await?,
        lang: Locale::current().lang,
        counts,
        completeness,
        changes,
    })
}

/// Add each localized value of `rows` that has an English version to every language's total,
/// and to its translated count or its list of what is missing.
fn count_translations(
    spec: &'static EntitySpec,
    rows: &[(i64, Map<String, Value>)],
    completeness: &mut [CompletenessView],
    lang: Lang,
) {
    for language in completeness.iter_mut() {
        let mut entries = 0;
        for (id, row) in rows {
            let mut lacking = false;
            for (field, versions) in translations::texts(spec, row) {
                language.total += 1;
                if translations::has_version(versions, language.code) {
                    language.translated += 1;
                    continue;
                }
                lacking = true;
                language.missing.push(MissingView {
                    entity: spec.key,
                    singular: spec.singular_in(lang),
                    id: *id,
                    title: form::display_brief(
                        spec,
                        spec.title,
                        row.get(spec.title),
                        &Choices::default(),
                        lang,
                    )
                    .chars()
                    .take(60)
                    .collect(),
                    field: field.label_in(lang),
                });
            }
            entries += usize::from(lacking);
        }
        if entries > 0 {
            language.needing.push(NeedingView { spec, entries });
        }
    }
}
