//! The floor plan on `/exhibitors`, drawn on the server as inline SVG: one plan per hall, each
//! placed booth a labelled link (`<a href>` around a `<rect>` and its `<text>`).
//!
//! A plan is a map of a real hall, so its geometry is never mirrored: on an Urdu page the
//! booths stand where they stand in the hall (the page around the plan mirrors, the labels are
//! written in their own direction, and keyboard order follows the reading direction: right to
//! left along each row). Labels that do not fit their booth are set smaller, down to a floor,
//! then shortened with "…"; the full name is the link's accessible name and its `<title>`.

use crate::db::floor_plan::{PlacedBooth, PlanHall};
use crate::domain::localized::in_latin_letters;
use crate::i18n::Lang;

/// One hall's plan, ready for the template.
#[derive(Debug, Clone)]
pub struct HallPlan {
    /// The figure's id (`plan-{slug}`), also the anchor list entries link to.
    pub id: String,
    /// "Floor plan: Hall 5", in the page's language.
    pub caption: String,
    /// The hall's name is English standing in for the page's language.
    pub caption_english: bool,
    /// `0 0 {width} {height}`.
    pub view_box: String,
    pub width: String,
    pub height: String,
    /// The outline width in the hall's units: about 1.5 px on a plan drawn ~600 px wide
    /// (strokes scale with the drawing; CSS's `vector-effect` is not valid CSS to the checker).
    pub stroke: String,
    /// Its booths, in reading order.
    pub booths: Vec<BoothShape>,
}

/// One booth on a plan.
#[derive(Debug, Clone)]
pub struct BoothShape {
    pub slug: String,
    pub href: String,
    /// The link's accessible name: what the booth shows, then its full name ("ZBRA A12, Booth
    /// A12: ZBRA China (ZBRA)"). A name must contain the visible text (WCAG 2.5.3, axe's
    /// label-content-name-mismatch), and a shortened label alone would say too little.
    pub label: String,
    pub x: String,
    pub y: String,
    pub width: String,
    pub height: String,
    /// The label's font size, in plan units.
    pub font_size: String,
    pub lines: Vec<LabelLine>,
}

/// One line of a booth's label.
#[derive(Debug, Clone)]
pub struct LabelLine {
    pub text: String,
    pub x: String,
    pub y: String,
    /// `en` when Latin letters stand on a Chinese or Urdu page.
    pub lang: Option<&'static str>,
    /// `rtl` for Arabic-script text, else `ltr`.
    pub direction: &'static str,
}

/// The plans of `halls` for a page in `lang`.
pub fn plans(halls: &[PlanHall], lang: Lang) -> Vec<HallPlan> {
    halls.iter().map(|hall| plan(hall, lang)).collect()
}

fn plan(hall: &PlanHall, lang: Lang) -> HallPlan {
    let mut booths: Vec<&PlacedBooth> = hall.booths.iter().collect();
    // Keyboard and reading order: row by row, along each row in the page's direction.
    let rtl = lang.dir() == "rtl";
    booths.sort_by(|a, b| {
        let along = |booth: &PlacedBooth| {
            if rtl {
                -(booth.x + booth.width)
            } else {
                booth.x
            }
        };
        a.y.total_cmp(&b.y).then(along(a).total_cmp(&along(b)))
    });
    HallPlan {
        id: format!("plan-{}", hall.slug),
        caption: lang.tf("plan.caption", &[("hall", hall.name.plain(lang))]),
        caption_english: hall.name.is_fallback(lang)
            || in_latin_letters(hall.name.plain(lang), lang),
        view_box: format!("0 0 {} {}", number(hall.width), number(hall.height)),
        width: number(hall.width),
        height: number(hall.height),
        stroke: format!("{:.4}", hall.width.max(hall.height) / 400.0),
        booths: booths
            .into_iter()
            .map(|booth| shape(hall, booth, lang))
            .collect(),
    }
}

fn shape(hall: &PlanHall, booth: &PlacedBooth, lang: Lang) -> BoothShape {
    let display = booth.organisation.display_name_in(lang);
    let name = match &booth.booth_label {
        Some(label) => lang.tf("plan.booth_name", &[("label", label), ("name", &display)]),
        None => display,
    };
    let organisation = booth
        .organisation
        .short_name
        .clone()
        .unwrap_or_else(|| booth.organisation.name.plain(lang).to_owned());
    // Text size: at most a fortieth of the plan's larger side (about 17 px on a 700 px plan),
    // at least a ninetieth; never taller than the booth allows.
    let side = hall.width.max(hall.height);
    let (largest, smallest) = (side / 40.0, side / 90.0);
    let room = booth.width * 0.88;
    let mut texts = vec![organisation];
    let two_lines = booth.booth_label.is_some() && booth.height * 0.30 >= smallest;
    if two_lines {
        texts.extend(booth.booth_label.clone());
    }
    let spacing = |text: &str| if is_arabic_script(text) { 1.9 } else { 1.3 };
    let tallest: f64 = texts.iter().map(|t| spacing(t)).sum::<f64>().max(1.0);
    let mut size = largest.min(booth.height * 0.9 / tallest);
    for text in &texts {
        let needed = em_width(text) * size;
        if needed > room {
            size = (size * room / needed).max(smallest.min(size));
        }
    }
    let texts: Vec<String> = texts.iter().map(|t| shorten(t, room, size)).collect();
    let centre_x = booth.x + booth.width / 2.0;
    let total: f64 = texts.iter().map(|t| spacing(t) * size).sum();
    let mut top = booth.y + booth.height / 2.0 - total / 2.0;
    let lines = texts
        .into_iter()
        .map(|text| {
            let step = spacing(&text) * size;
            let line = LabelLine {
                x: number(centre_x),
                y: number(top + step / 2.0),
                lang: in_latin_letters(&text, lang).then_some("en"),
                direction: if is_arabic_script(&text) {
                    "rtl"
                } else {
                    "ltr"
                },
                text,
            };
            top += step;
            line
        })
        .collect::<Vec<LabelLine>>();
    let label = lines
        .iter()
        .map(|line| line.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let label = if name.contains(&label) {
        name.clone()
    } else {
        format!("{label}{}{name}", lang.comma())
    };
    BoothShape {
        href: lang.href(&format!("/exhibitors/{}", booth.slug)),
        slug: booth.slug.clone(),
        label,
        x: number(booth.x),
        y: number(booth.y),
        width: number(booth.width),
        height: number(booth.height),
        font_size: number(size),
        lines,
    }
}

/// `text` cut with "…" to fit `room` at `size` (whole, when it fits).
fn shorten(text: &str, room: f64, size: f64) -> String {
    if em_width(text) * size <= room {
        return text.to_owned();
    }
    let mut kept = String::new();
    let mut width = em_width("…") * size;
    for c in text.chars() {
        let next = char_em(c) * size;
        if width + next > room {
            break;
        }
        width += next;
        kept.push(c);
    }
    format!("{}…", kept.trim_end())
}

/// A rough width of `text` in em: enough to keep labels inside their booths.
fn em_width(text: &str) -> f64 {
    text.chars().map(char_em).sum()
}

fn char_em(c: char) -> f64 {
    match c {
        '\u{2E80}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{FF00}'..='\u{FFEF}' => 1.0,
        '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{FB50}'..='\u{FEFF}' => 0.6,
        ' ' => 0.3,
        'i' | 'l' | 'j' | 't' | 'f' | 'I' | '.' | ',' | '(' | ')' => 0.32,
        'A'..='Z' | 'm' | 'w' => 0.72,
        _ => 0.58,
    }
}

fn is_arabic_script(text: &str) -> bool {
    text.chars()
        .any(|c| matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{FB50}'..='\u{FEFF}'))
}

/// A length for an SVG attribute: at most two decimals, no trailing zeros.
fn number(value: f64) -> String {
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text.is_empty() || text == "-" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::OrganisationRef;
    use crate::domain::LocalizedText;

    fn hall(booths: Vec<PlacedBooth>) -> PlanHall {
        PlanHall {
            slug: "hall-5".into(),
            name: LocalizedText::english("Hall 5"),
            width: 40.0,
            height: 20.0,
            booths,
        }
    }

    fn booth(slug: &str, x: f64, name: &str, short: Option<&str>) -> PlacedBooth {
        PlacedBooth {
            slug: slug.into(),
            booth_label: Some("A12".into()),
            organisation: OrganisationRef {
                slug: slug.into(),
                name: LocalizedText::english(name),
                short_name: short.map(Into::into),
            },
            x,
            y: 2.0,
            width: 4.0,
            height: 3.0,
        }
    }

    #[test]
    fn long_labels_are_shortened_and_the_full_name_kept() {
        let name = "National Logistic Corporation of Very Long Names";
        let plan = plan(&hall(vec![booth("nlc", 1.0, name, None)]), Lang::En);
        let shape = &plan.booths[0];
        assert!(shape.lines[0].text.ends_with('…'), "{:?}", shape.lines);
        let size: f64 = shape.font_size.parse().unwrap();
        assert!(em_width(&shape.lines[0].text) * size <= 4.0 * 0.88 + 1e-9);
        // The link's name: what it shows, then the whole name.
        assert!(
            shape.label.starts_with(&shape.lines[0].text),
            "{}",
            shape.label
        );
        assert!(
            shape.label.ends_with(&format!("Booth A12: {name}")),
            "{}",
            shape.label
        );
        assert_eq!(plan.view_box, "0 0 40 20");
    }

    #[test]
    fn urdu_keeps_the_geometry_and_reads_right_to_left() {
        let booths = vec![
            booth("a", 1.0, "Alpha", Some("A")),
            booth("b", 20.0, "Beta", Some("B")),
        ];
        let en = plan(&hall(booths.clone()), Lang::En);
        let ur = plan(&hall(booths), Lang::Ur);
        let order = |p: &HallPlan| p.booths.iter().map(|b| b.slug.clone()).collect::<Vec<_>>();
        assert_eq!(order(&en), ["a", "b"]);
        assert_eq!(order(&ur), ["b", "a"]);
        let x_of =
            |p: &HallPlan, slug: &str| p.booths.iter().find(|b| b.slug == slug).unwrap().x.clone();
        assert_eq!(x_of(&en, "a"), x_of(&ur, "a"));
        assert_eq!(ur.booths[0].lines[0].lang, Some("en"));
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(number(12.0), "12");
        assert_eq!(number(12.5), "12.5");
        assert_eq!(number(0.25), "0.25");
        assert_eq!(number(0.0), "0");
    }
}
