//! The floor plan of `/exhibitors`: the halls with a plan size that have at least one published
//! booth placed on them, each with those booths and their rectangles, in one statement.

use serde::Deserialize;
use sqlx::PgExecutor;
use sqlx::types::Json;

use super::OrganisationRef;
use crate::domain::LocalizedText;

/// A hall as its plan draws it.
#[derive(Debug, Clone, Deserialize)]
pub struct PlanHall {
    pub slug: String,
    pub name: LocalizedText,
    /// The plan's size, in the hall's plan units.
    pub width: f64,
    pub height: f64,
    /// Its placed published booths (never empty).
    pub booths: Vec<PlacedBooth>,
}

/// A booth placed on its hall's plan.
#[derive(Debug, Clone, Deserialize)]
pub struct PlacedBooth {
    pub slug: String,
    pub booth_label: Option<String>,
    pub organisation: OrganisationRef,
    /// Its rectangle, from the plan's top-left corner, in plan units.
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// The statement of [`published_plans`].
pub const FLOOR_PLAN_SQL: &str = concat!(
    "SELECT COALESCE(json_agg(plan.hall ORDER BY plan.position, plan.id), '[]')
     FROM (SELECT h.id, h.position, json_build_object(
                'slug', h.slug, 'name', h.name, 'width', h.plan_width, 'height', h.plan_height,
                'booths', placed.booths) AS hall
           FROM halls h
           CROSS JOIN LATERAL (
                SELECT json_agg(json_build_object(
                           'slug', b.slug, 'booth_label', b.booth_label,
                           'organisation', ",
    organisation_ref_json!("o"),
    ", 'x', b.plan_x, 'y', b.plan_y, 'width', b.plan_width, 'height', b.plan_height)
                           ORDER BY b.plan_y, b.plan_x, b.id) AS booths
                FROM booths b JOIN organisations o ON o.id = b.organisation_id
                WHERE b.hall_id = h.id AND b.plan_x IS NOT NULL AND b.published AND o.published
           ) placed
           WHERE h.plan_width IS NOT NULL AND placed.booths IS NOT NULL) plan"
);

/// Every hall that has a published booth placed on it, in the admin's order, with those booths.
/// Empty when no booth is placed (the seed): then no plan is drawn at all.
pub async fn published_plans(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<PlanHall>> {
    let Json(halls) = sqlx::query_scalar(FLOOR_PLAN_SQL).fetch_one(db).await?;
    Ok(halls)
}
