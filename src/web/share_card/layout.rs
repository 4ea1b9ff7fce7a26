//! Where each piece of a card's text goes: every run is measured once by resvg's own text
//! layout (so Nastaliq's shaped width is the real one), then the title and its second line
//! are wrapped at the largest size that fits the card, lines run left to right or — on an
//! Urdu card — right to left, and a text too long even at the smallest size ends in "…".

use std::collections::HashMap;

use anyhow::Context;
use resvg::usvg;

use super::fonts::{CardFonts, Face};
use super::text::{self, Run, SPACE, Unit};
use super::{Card, HEIGHT, WIDTH};

/// Space kept free at either side.
pub const MARGIN: f32 = 80.0;
/// The widest a line may be.
pub const LINE_WIDTH: f32 = WIDTH as f32 - 2.0 * MARGIN;
/// Where the strip at the bottom begins.
pub const STRIP_TOP: f32 = 540.0;
/// The box the title and its second line are centred in.
const BOX_TOP: f32 = 172.0;
const BOX_BOTTOM: f32 = 512.0;
/// Space between the title and its second line.
const GAP: f32 = 18.0;

/// What a piece of text is on the card (its colour and weight follow).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Brand,
    Kind,
    Title,
    Subtitle,
    Footer,
}

impl Role {
    fn bold(self) -> bool {
        matches!(self, Self::Brand | Self::Title)
    }
}

/// A run of text at its place.
#[derive(Debug, Clone)]
pub struct Placed {
    pub text: String,
    pub face: Face,
    pub bold: bool,
    pub role: Role,
    /// The left end of the run.
    pub x: f32,
    /// The baseline.
    pub y: f32,
    pub size: f32,
}

/// A line of runs; `squeeze` narrows a line that is still too wide at the smallest size (a
/// single word longer than the card) around its start, so it never leaves the card.
#[derive(Debug, Clone, Default)]
pub struct PlacedLine {
    pub runs: Vec<Placed>,
    pub squeeze: Option<(f32, f32)>,
}

/// The whole card's text, placed.
#[derive(Debug, Clone, Default)]
pub struct LaidOut {
    pub lines: Vec<PlacedLine>,
    /// Characters none of the fonts has (left out).
    pub missing: Vec<char>,
}

/// How a block of text may be set: the sizes to try, largest first, and its most lines.
struct Fit {
    sizes: &'static [f32],
    max_lines: usize,
}

const TITLE: Fit = Fit {
    sizes: &[76.0, 72.0, 68.0, 64.0, 60.0, 56.0, 52.0, 48.0, 44.0, 40.0],
    max_lines: 3,
};
const SUBTITLE: Fit = Fit {
    sizes: &[34.0, 32.0, 30.0, 28.0, 26.0, 24.0],
    max_lines: 2,
};
const SMALL_LINE: Fit = Fit {
    sizes: &[30.0, 28.0, 26.0, 24.0, 22.0, 20.0],
    max_lines: 1,
};

/// Line height as a share of the size: Nastaliq climbs and falls far more than Latin or
/// Chinese letters.
fn line_height(units: &[Vec<Unit>], size: f32) -> f32 {
    let nastaliq = units
        .iter()
        .flatten()
        .flat_map(|unit| &unit.runs)
        .any(|run| run.face.is_nastaliq());
    let has_cjk = units
        .iter()
        .flatten()
        .flat_map(|unit| &unit.runs)
        .any(|run| matches!(run.face, Face::Chinese(_)));
    size * if nastaliq {
        1.85
    } else if has_cjk {
        1.32
    } else {
        1.2
    }
}

/// The baseline of a line whose box starts at `top`.
fn baseline(top: f32, height: f32, size: f32, nastaliq: bool) -> f32 {
    if nastaliq {
        top + height * 0.6
    } else {
        top + (height - size) / 2.0 + size * 0.86
    }
}

/// Run widths at size 100, measured by resvg.
struct Widths(HashMap<(Run, bool), f32>);

impl Widths {
    fn measure(runs: Vec<(Run, bool)>, fonts: &CardFonts) -> anyhow::Result<Self> {
        let mut svg =
            String::from(r#"<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">"#);
        for (i, (run, bold)) in runs.iter().enumerate() {
            svg.push_str(&format!(
                r#"<text id="m{i}" x="0" y="100" font-family="{}" font-weight="{}" font-size="100">{}</text>"#,
                run.face.family(),
                run.face.weight(*bold),
                super::svg::escape(&run.text)
            ));
        }
        svg.push_str("</svg>");
        let tree = usvg::Tree::from_str(&svg, &super::options(fonts)).context("measuring")?;
        let mut widths = HashMap::new();
        for (i, key) in runs.into_iter().enumerate() {
            let width = match tree.node_by_id(&format!("m{i}")) {
                Some(usvg::Node::Text(text)) => text.bounding_box().width(),
                // Nothing drawn (no glyph): no width.
                _ => 0.0,
            };
            widths.insert(key, width);
        }
        Ok(Self(widths))
    }

    fn of(&self, run: &Run, bold: bool) -> f32 {
        self.0.get(&(run.clone(), bold)).copied().unwrap_or(0.0)
    }
}

/// A block of text set: its lines and size.
struct Set {
    lines: Vec<Vec<Unit>>,
    size: f32,
    squeeze: Vec<Option<f32>>,
}

impl Set {
    fn height(&self) -> f32 {
        line_height(&self.lines, self.size) * self.lines.len() as f32
    }
}

/// "…", in the face every card has.
fn ellipsis() -> Unit {
    Unit {
        runs: vec![Run {
            text: "…".to_owned(),
            face: Face::Latin,
        }],
        space_before: false,
    }
}

/// Set `units` at the largest size of `fit` where they fit in its lines (and `extra` says the
/// whole is not too tall); at the smallest, cut to its lines with "…", and squeeze any line
/// still too wide.
fn set(
    units: &[Unit],
    fit: &Fit,
    role: Role,
    widths: &Widths,
    too_tall: impl Fn(&Set) -> bool,
) -> Set {
    let bold = role.bold();
    let width_of = |run: &Run, bold: bool| widths.of(run, bold);
    for &size in fit.sizes {
        if let Some(lines) = text::wrap(units, size, LINE_WIDTH, fit.max_lines, &width_of, bold) {
            let set = Set {
                squeeze: vec![None; lines.len()],
                lines,
                size,
            };
            if !too_tall(&set) {
                return set;
            }
        }
    }
    let size = fit.sizes.last().copied().unwrap_or(24.0);
    let mut lines = text::wrap_all(units, size, LINE_WIDTH, &width_of, bold);
    if lines.len() > fit.max_lines {
        lines.truncate(fit.max_lines);
        if let Some(last) = lines.last_mut() {
            let room = LINE_WIDTH - text::unit_width(&ellipsis(), size, &width_of, bold);
            while last.len() > 1 && text::line_width(last, size, &width_of, bold) > room {
                last.pop();
            }
            last.push(ellipsis());
        }
    }
    let squeeze = lines
        .iter()
        .map(|line| {
            let width = text::line_width(line, size, &width_of, bold);
            (width > LINE_WIDTH).then(|| LINE_WIDTH / width)
        })
        .collect();
    Set {
        lines,
        size,
        squeeze,
    }
}

/// Place the lines of `set` from `top` down, aligned to the start side of the card's
/// language; returns where the block ends.
fn place(
    out: &mut Vec<PlacedLine>,
    set: &Set,
    top: f32,
    role: Role,
    rtl: bool,
    widths: &Widths,
) -> f32 {
    let bold = role.bold();
    let height = line_height(&set.lines, set.size);
    let nastaliq = height > set.size * 1.5;
    let mut top = top;
    for (line, squeeze) in set.lines.iter().zip(&set.squeeze) {
        let y = baseline(top, height, set.size, nastaliq);
        let mut placed = PlacedLine {
            runs: Vec::new(),
            squeeze: squeeze.map(|factor| {
                let origin = if rtl { MARGIN + LINE_WIDTH } else { MARGIN };
                (origin, factor)
            }),
        };
        let mut items = Vec::new();
        for (i, unit) in line.iter().enumerate() {
            for (j, run) in unit.runs.iter().enumerate() {
                let space = i > 0 && j == 0 && unit.space_before;
                items.push((run.clone(), space));
            }
        }
        let mut cursor = if rtl { MARGIN + LINE_WIDTH } else { MARGIN };
        for (run, space) in visual_order(items, rtl) {
            if space {
                let gap = SPACE * set.size;
                cursor += if rtl { -gap } else { gap };
            }
            let width = widths.of(&run, bold) * set.size / 100.0;
            if rtl {
                cursor -= width;
            }
            placed.runs.push(Placed {
                text: run.text,
                face: run.face,
                bold,
                role,
                x: cursor,
                y,
                size: set.size,
            });
            if !rtl {
                cursor += width;
            }
        }
        out.push(placed);
        top += height;
    }
    top
}

/// The direction a run is read in, as the Unicode bidirectional algorithm sees it (its
/// letters' script; numbers and punctuation take theirs from the text around them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Ltr,
    Rtl,
    Number,
    Neutral,
}

fn direction(run: &Run) -> Direction {
    if run.text.chars().any(char::is_alphabetic) {
        if run.face.is_nastaliq() {
            Direction::Rtl
        } else {
            Direction::Ltr
        }
    } else if run
        .text
        .chars()
        .any(|c| c.is_ascii_digit() || ('۰'..='۹').contains(&c))
    {
        Direction::Number
    } else {
        Direction::Neutral
    }
}

/// A run's characters mirrored, as a right-to-left line shows brackets and quotes.
fn mirrored(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '(' => ')',
            ')' => '(',
            '[' => ']',
            ']' => '[',
            '{' => '}',
            '}' => '{',
            '<' => '>',
            '>' => '<',
            '«' => '»',
            '»' => '«',
            '‹' => '›',
            '›' => '‹',
            c => c,
        })
        .collect()
}

/// A line's runs (each with whether a space comes before it) in the order they are placed
/// from the line's start side: a simplified Unicode bidirectional algorithm — a number reads
/// as the letters before it (left to right after Latin), punctuation between two runs of one
/// direction takes it (else the line's), and each stretch against the line's direction (a
/// Latin name on an Urdu card, Urdu words on an English one) is reversed as a whole.
pub(crate) fn visual_order(items: Vec<(Run, bool)>, rtl: bool) -> Vec<(Run, bool)> {
    let base = if rtl { Direction::Rtl } else { Direction::Ltr };
    let mut resolved: Vec<Direction> = Vec::with_capacity(items.len());
    let mut last_strong = base;
    for (run, _) in &items {
        let mut dir = direction(run);
        if dir == Direction::Number {
            dir = last_strong;
        }
        if dir != Direction::Neutral {
            last_strong = dir;
        }
        resolved.push(dir);
    }
    for i in 0..resolved.len() {
        if resolved[i] != Direction::Neutral {
            continue;
        }
        let before = resolved[..i]
            .iter()
            .rev()
            .find(|d| **d != Direction::Neutral)
            .copied()
            .unwrap_or(base);
        let after = resolved[i + 1..]
            .iter()
            .find(|d| **d != Direction::Neutral)
            .copied()
            .unwrap_or(base);
        resolved[i] = if before == after { before } else { base };
    }
    let mut items: Vec<(Run, bool)> = items
        .into_iter()
        .zip(&resolved)
        .map(|((mut run, space), dir)| {
            if *dir == Direction::Rtl && !run.text.chars().any(char::is_alphabetic) {
                run.text = mirrored(&run.text);
            }
            (run, space)
        })
        .collect();
    // Reverse each stretch against the line's direction; the space before the stretch stays
    // before it, and the spaces inside move with the runs they separate.
    let mut i = 0;
    while i < items.len() {
        if resolved[i] == base {
            i += 1;
            continue;
        }
        let end = (i..items.len())
            .find(|&j| resolved[j] == base)
            .unwrap_or(items.len());
        let spaces: Vec<bool> = items[i..end].iter().map(|(_, space)| *space).collect();
        items[i..end].reverse();
        for (k, item) in items[i..end].iter_mut().enumerate() {
            // Placed k-th: the run at logical position end-1-k; before it comes the space
            // that logically follows it (or, for the first, the space before the stretch).
            item.1 = if k == 0 {
                spaces[0]
            } else {
                spaces[end - i - k]
            };
        }
        i = end;
    }
    items
}

/// Lay out `card`'s text (see the module's documentation).
pub fn lay_out(card: &Card, fonts: &CardFonts) -> anyhow::Result<LaidOut> {
    let rtl = card.lang.dir() == "rtl";
    let mut missing = Vec::new();
    let mut segment = |text: &str| {
        let segmented = text::segment(text, fonts);
        missing.extend(segmented.missing);
        segmented.units
    };
    let brand = segment(&card.brand);
    let kind = card.kind.as_deref().map(&mut segment).unwrap_or_default();
    let title = segment(&card.title);
    let subtitle = card
        .subtitle
        .as_deref()
        .map(&mut segment)
        .unwrap_or_default();
    let footer = segment(&card.footer);

    let mut runs: Vec<(Run, bool)> = Vec::new();
    for (units, role) in [
        (&brand, Role::Brand),
        (&kind, Role::Kind),
        (&title, Role::Title),
        (&subtitle, Role::Subtitle),
        (&footer, Role::Footer),
    ] {
        for run in units.iter().flat_map(|unit| &unit.runs) {
            let key = (run.clone(), role.bold());
            if !runs.contains(&key) {
                runs.push(key);
            }
        }
    }
    for bold in [false, true] {
        let key = (ellipsis().runs[0].clone(), bold);
        if !runs.contains(&key) {
            runs.push(key);
        }
    }
    let widths = Widths::measure(runs, fonts)?;

    let mut lines = Vec::new();
    // The forum's name, then the kind of page, at the top.
    let brand_set = set(&brand, &SMALL_LINE, Role::Brand, &widths, |_| false);
    let after_brand = place(&mut lines, &brand_set, 40.0, Role::Brand, rtl, &widths);
    if !kind.is_empty() {
        let kind_set = set(&kind, &SMALL_LINE, Role::Kind, &widths, |_| false);
        place(
            &mut lines,
            &kind_set,
            after_brand + 4.0,
            Role::Kind,
            rtl,
            &widths,
        );
    }
    // The title and its second line, centred in the box between.
    let available = BOX_BOTTOM - BOX_TOP;
    let subtitle_set = (!subtitle.is_empty())
        .then(|| set(&subtitle, &SUBTITLE, Role::Subtitle, &widths, |_| false));
    let below = subtitle_set.as_ref().map_or(0.0, |sub| GAP + sub.height());
    let title_set = set(&title, &TITLE, Role::Title, &widths, |set| {
        set.height() + below > available
    });
    let used = title_set.height() + below;
    let top = BOX_TOP + ((available - used) / 2.0).max(0.0);
    let after_title = place(&mut lines, &title_set, top, Role::Title, rtl, &widths);
    if let Some(sub) = &subtitle_set {
        place(
            &mut lines,
            sub,
            after_title + GAP,
            Role::Subtitle,
            rtl,
            &widths,
        );
    }
    // Where and when, in the strip at the bottom.
    let footer_set = set(&footer, &SMALL_LINE, Role::Footer, &widths, |_| false);
    let strip = HEIGHT as f32 - STRIP_TOP;
    let footer_top = STRIP_TOP + ((strip - footer_set.height()) / 2.0).max(0.0);
    place(
        &mut lines,
        &footer_set,
        footer_top,
        Role::Footer,
        rtl,
        &widths,
    );

    missing.sort_unstable();
    missing.dedup();
    Ok(LaidOut { lines, missing })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str, face: Face) -> (Run, bool) {
        (
            Run {
                text: text.to_owned(),
                face,
            },
            true,
        )
    }

    fn order(items: Vec<(Run, bool)>, rtl: bool) -> Vec<String> {
        visual_order(items, rtl)
            .into_iter()
            .map(|(run, _)| run.text)
            .collect()
    }

    #[test]
    fn a_latin_name_on_an_urdu_line_reads_left_to_right_and_punctuation_takes_its_side() {
        // Logical: ZBRA China اور بیجنگ ، (placed from the right).
        let items = vec![
            run("ZBRA", Face::Latin),
            run("China", Face::Latin),
            run("اور", Face::Urdu),
            run("بیجنگ", Face::Urdu),
            run("،", Face::Urdu),
            run("2023", Face::Latin),
        ];
        assert_eq!(
            order(items, true),
            ["China", "ZBRA", "اور", "بیجنگ", "،", "2023"]
        );
        // Numbers after Latin read with it; brackets around Urdu are mirrored.
        let items = vec![
            run("Forum", Face::Latin),
            run("2023", Face::Latin),
            run("(", Face::Latin),
            run("سفیر", Face::Urdu),
            run(")", Face::Latin),
        ];
        assert_eq!(order(items, true), ["2023", "Forum", ")", "سفیر", "("]);
        // Urdu words on a left-to-right line are reversed as a stretch.
        let items = vec![
            run("Mr", Face::Latin),
            run("معین", Face::Urdu),
            run("الحق", Face::Urdu),
        ];
        assert_eq!(order(items, false), ["Mr", "الحق", "معین"]);
    }
}
