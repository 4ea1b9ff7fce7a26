//! Cutting a card's text into what can be measured and wrapped: words (units a line may
//! break between), each made of runs drawn in one face.
//!
//! Lines break at spaces, and between any two Chinese characters (never before a closing
//! mark such as `，` `。` `）` nor after an opening one). A character none of the fonts has is
//! left out (and reported, see [`Segmented::missing`]) rather than drawn as a box.

use super::fonts::{CardFonts, Face};

/// A piece of text drawn in one face.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Run {
    pub text: String,
    pub face: Face,
}

/// What a line never breaks inside: a word, or one Chinese character with the marks that
/// cling to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// In logical (reading) order.
    pub runs: Vec<Run>,
    /// Whether a space separates it from the unit before.
    pub space_before: bool,
}

/// A text cut into units.
#[derive(Debug, Clone, Default)]
pub struct Segmented {
    pub units: Vec<Unit>,
    /// Characters no font has (left out).
    pub missing: Vec<char>,
}

/// Whether `c` is written without spaces between words (a line may break around it).
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF | 0x3005..=0x3007 | 0x3021..=0x3029 | 0x3040..=0x30FF | 0x3100..=0x312F
        | 0x3190..=0x31FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF
        | 0x20000..=0x3FFFF)
}

/// A mark that may not begin a line (it stays with the character before).
fn is_closing(c: char) -> bool {
    "，。、；：！？）】》」』〕〉”’…·%,.;:!?)]}".contains(c)
}

/// A mark that may not end a line (it stays with the character after).
fn is_opening(c: char) -> bool {
    "（【《「『〔〈“‘([{".contains(c)
}

/// What is never drawn: control and direction characters, variation selectors.
fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(c as u32,
            0x200B | 0x200E | 0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x2069
            | 0xFE00..=0xFE0F | 0xFEFF | 0xFFF9..=0xFFFB)
}

/// Cut `text` into units and runs (see the module's documentation).
pub fn segment(text: &str, fonts: &CardFonts) -> Segmented {
    let mut segmented = Segmented::default();
    // Pieces: (characters, whether a space came before).
    let mut pieces: Vec<(String, bool)> = Vec::new();
    let mut space = false;
    let mut glue_next = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = true;
            glue_next = false;
            continue;
        }
        if is_invisible(c) {
            continue;
        }
        let joins_previous = match pieces.last() {
            None => false,
            Some(_) if space => false,
            Some((previous, _)) => {
                let last = previous.chars().last().unwrap_or(' ');
                glue_next
                    || is_closing(c)
                    || (!is_cjk(c) && !is_cjk(last) && !is_opening(last))
                    || (!is_cjk(c) && is_opening(last))
            }
        };
        if joins_previous && let Some((previous, _)) = pieces.last_mut() {
            previous.push(c);
        } else {
            pieces.push((c.to_string(), space));
        }
        glue_next = is_opening(c);
        space = false;
    }
    for (piece, space_before) in pieces {
        let runs = runs(&piece, fonts, &mut segmented.missing);
        if !runs.is_empty() {
            segmented.units.push(Unit { runs, space_before });
        }
    }
    segmented
}

/// The runs of a piece without spaces: a letter goes to the face that has it; a mark or
/// digit stays in the run it follows when that face has it too.
fn runs(piece: &str, fonts: &CardFonts, missing: &mut Vec<char>) -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
    for c in piece.chars() {
        if let Some(run) = runs.last_mut()
            && !c.is_alphabetic()
            && fonts.has(run.face, c)
        {
            run.text.push(c);
            continue;
        }
        let Some(face) = fonts.face_for(c) else {
            missing.push(c);
            continue;
        };
        match runs.last_mut() {
            Some(run) if run.face == face => run.text.push(c),
            _ => runs.push(Run {
                text: c.to_string(),
                face,
            }),
        }
    }
    runs.into_iter().flat_map(split_edge_punctuation).collect()
}

/// Punctuation that takes its side from the text around it (see `layout::visual_order`).
pub fn is_edge_punctuation(c: char) -> bool {
    c.is_ascii_punctuation() || "،؛؟۔«»‹›“”‘’…".contains(c)
}

/// A Nastaliq run with its leading and trailing punctuation apart: resvg shapes each run in
/// a left-to-right paragraph, where a comma ending a right-to-left word would land on its
/// right; apart, the line's own ordering puts it on the correct side.
fn split_edge_punctuation(run: Run) -> Vec<Run> {
    if !run.face.is_nastaliq() {
        return vec![run];
    }
    let chars: Vec<char> = run.text.chars().collect();
    let start = chars
        .iter()
        .position(|c| !is_edge_punctuation(*c))
        .unwrap_or(chars.len());
    let end = chars
        .iter()
        .rposition(|c| !is_edge_punctuation(*c))
        .map_or(start, |i| i + 1)
        .max(start);
    [&chars[..start], &chars[start..end], &chars[end..]]
        .into_iter()
        .filter(|part| !part.is_empty())
        .map(|part| Run {
            text: part.iter().collect(),
            face: run.face,
        })
        .collect()
}

/// A unit's width, given each run's width at size 100 (`width_of`), at `size`.
pub fn unit_width(
    unit: &Unit,
    size: f32,
    width_of: &impl Fn(&Run, bool) -> f32,
    bold: bool,
) -> f32 {
    unit.runs.iter().map(|run| width_of(run, bold)).sum::<f32>() * size / 100.0
}

/// The width of a space, as a share of the font size.
pub const SPACE: f32 = 0.26;

/// Units broken into at most `max_lines` lines no wider than `max_width` at `size`, or `None`
/// when they do not fit (more lines, or a unit wider than a line).
pub fn wrap(
    units: &[Unit],
    size: f32,
    max_width: f32,
    max_lines: usize,
    width_of: &impl Fn(&Run, bool) -> f32,
    bold: bool,
) -> Option<Vec<Vec<Unit>>> {
    let lines = wrap_all(units, size, max_width, width_of, bold);
    let fits = lines.len() <= max_lines
        && lines
            .iter()
            .all(|line| line_width(line, size, width_of, bold) <= max_width);
    fits.then_some(lines)
}

/// Units broken greedily into lines no wider than `max_width` (a unit wider than a line gets
/// a line of its own).
pub fn wrap_all(
    units: &[Unit],
    size: f32,
    max_width: f32,
    width_of: &impl Fn(&Run, bool) -> f32,
    bold: bool,
) -> Vec<Vec<Unit>> {
    let mut lines: Vec<Vec<Unit>> = Vec::new();
    let mut width = 0.0;
    for unit in units {
        let own = unit_width(unit, size, width_of, bold);
        let gap = if unit.space_before { SPACE * size } else { 0.0 };
        match lines.last_mut() {
            Some(line) if !line.is_empty() && width + gap + own <= max_width => {
                line.push(unit.clone());
                width += gap + own;
            }
            _ => {
                let mut first = unit.clone();
                first.space_before = false;
                lines.push(vec![first]);
                width = own;
            }
        }
    }
    lines
}

/// The width of a line of units at `size`.
pub fn line_width(
    line: &[Unit],
    size: f32,
    width_of: &impl Fn(&Run, bool) -> f32,
    bold: bool,
) -> f32 {
    line.iter()
        .enumerate()
        .map(|(i, unit)| {
            let gap = if i > 0 && unit.space_before {
                SPACE * size
            } else {
                0.0
            };
            gap + unit_width(unit, size, width_of, bold)
        })
        .sum()
}
