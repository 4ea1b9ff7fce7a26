//! Share cards: the 1200×630 PNG a link preview shows for a public page (OpenGraph's
//! `og:image`), drawn on the server in the page's language — the forum's name, what the page
//! is about and a line more (a role, a kind, the parties), in the site's green.
//!
//! A card is an SVG written here (every text XML-escaped: names are admins' input) and
//! rendered by `resvg` with the site's own fonts only ([`fonts`]): Noto Sans for Latin, Noto
//! Sans SC for Chinese and Noto Nastaliq Urdu for Urdu, shaped right to left. Long names wrap,
//! then shrink, then end in "…": nothing ever leaves the card ([`layout`]).
//!
//! Drawing is CPU work (tens of milliseconds): [`ShareCards::draw`] runs it on a blocking
//! thread, at most [`ShareCards::permits`] at a time, so a flood of card requests leaves cores
//! for pages. The routes are in `web::public::cards`; the page cache keeps the PNGs like pages.

pub mod fonts;
pub mod layout;
pub mod svg;
pub mod text;

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use resvg::{tiny_skia, usvg};
use tokio::sync::{OnceCell, Semaphore};

use crate::i18n::Lang;
use fonts::CardFonts;

/// A card's width in pixels (OpenGraph's recommended 1.91:1).
pub const WIDTH: u32 = 1200;
/// A card's height in pixels.
pub const HEIGHT: u32 = 630;

/// What a card says, in its language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    pub lang: Lang,
    /// The forum's name, at the top.
    pub brand: String,
    /// What kind of page it is ("Speaker"), above the title; none on the home page and lists.
    pub kind: Option<String>,
    /// The entity's name (or the list's, or the forum's), large.
    pub title: String,
    /// A line more: a role, a kind and country, the parties, a count.
    pub subtitle: Option<String>,
    /// Where and when, in the strip at the bottom.
    pub footer: String,
}

/// A drawn card.
#[derive(Debug, Clone)]
pub struct Drawn {
    pub png: Vec<u8>,
    /// Characters of the card's text none of the fonts has (left out of the picture).
    pub missing: Vec<char>,
}

/// The card renderer of a running site: its fonts (decoded on the first card) and the limit
/// on cards drawn at once.
#[derive(Debug)]
pub struct ShareCards {
    static_dir: PathBuf,
    fonts: OnceCell<Arc<CardFonts>>,
    permits: Semaphore,
}

impl ShareCards {
    /// A renderer using the fonts under `static_dir` (nothing is read until the first card).
    pub fn new(static_dir: PathBuf) -> Self {
        Self {
            static_dir,
            fonts: OnceCell::new(),
            permits: Semaphore::new(Self::permits()),
        }
    }

    /// How many cards may be drawn at once: half the cores (at least one).
    pub fn permits() -> usize {
        std::thread::available_parallelism()
            .map(|n| n.get() / 2)
            .unwrap_or(1)
            .max(1)
    }

    /// The fonts, decoded on a blocking thread the first time.
    async fn fonts(&self) -> anyhow::Result<Arc<CardFonts>> {
        self.fonts
            .get_or_try_init(|| async {
                let dir = self.static_dir.clone();
                tokio::task::spawn_blocking(move || CardFonts::shared(&dir))
                    .await
                    .context("the font loading thread failed")?
            })
            .await
            .cloned()
    }

    /// Draw `card` as a PNG, on a blocking thread, waiting for a free slot first.
    pub async fn draw(&self, card: Card) -> anyhow::Result<Drawn> {
        let fonts = self.fonts().await?;
        let _permit = self
            .permits
            .acquire()
            .await
            .context("the share card limit is closed")?;
        tokio::task::spawn_blocking(move || draw(&card, &fonts))
            .await
            .context("the share card thread failed")?
    }
}

/// Options for parsing a card's SVG: only the card fonts, and no fallback to other faces (each
/// run of text names a face that has all of its characters).
pub(crate) fn options(fonts: &CardFonts) -> usvg::Options<'static> {
    usvg::Options {
        fontdb: fonts.db.clone(),
        font_resolver: usvg::FontResolver {
            select_font: usvg::FontResolver::default_font_selector(),
            select_fallback: Box::new(
                |_: char, _: &[usvg::fontdb::ID], _: &mut Arc<usvg::fontdb::Database>| None,
            ),
        },
        ..usvg::Options::default()
    }
}

/// The card's SVG (see [`svg`]) and the characters left out of it.
pub fn card_svg(card: &Card, fonts: &CardFonts) -> anyhow::Result<(String, Vec<char>)> {
    let laid_out = layout::lay_out(card, fonts)?;
    Ok((svg::write(card.lang, &laid_out), laid_out.missing))
}

/// Draw `card` (blocking: tens of milliseconds).
pub fn draw(card: &Card, fonts: &CardFonts) -> anyhow::Result<Drawn> {
    let (svg, missing) = card_svg(card, fonts)?;
    let tree = usvg::Tree::from_str(&svg, &options(fonts)).context("the card's SVG")?;
    let mut pixmap = tiny_skia::Pixmap::new(WIDTH, HEIGHT).context("a card-sized pixmap")?;
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    let png = pixmap.encode_png().context("encode the card")?;
    Ok(Drawn { png, missing })
}

#[cfg(test)]
mod tests {
    use resvg::usvg;

    use super::layout::{LINE_WIDTH, MARGIN, Role};
    use super::*;

    fn fonts() -> Arc<CardFonts> {
        CardFonts::shared(&crate::state::WebConfig::source_tree_static_dir())
            .expect("the card fonts load")
    }

    fn card(lang: Lang, title: &str, subtitle: Option<&str>) -> Card {
        Card {
            lang,
            brand: lang.t("site.name").to_owned(),
            kind: Some(lang.t("card.kind.speaker").to_owned()),
            title: title.to_owned(),
            subtitle: subtitle.map(str::to_owned),
            footer: "Beijing · 5 September 2023 · CIFTIS".to_owned(),
        }
    }

    /// Every glyph of the card's text as resvg lays it out: (the text it draws, the family
    /// of the face it comes from, whether the face had it).
    fn glyphs(card: &Card, fonts: &CardFonts) -> Vec<(String, String, bool)> {
        let (svg, _) = card_svg(card, fonts).unwrap();
        let tree = usvg::Tree::from_str(&svg, &options(fonts)).unwrap();
        let mut found = Vec::new();
        for node in tree.root().children() {
            let usvg::Node::Text(text) = node else {
                continue;
            };
            for glyph in text.layouted().iter().flat_map(|s| &s.positioned_glyphs) {
                let family = tree
                    .fontdb()
                    .face(glyph.font)
                    .map(|face| face.families[0].0.clone())
                    .unwrap_or_default();
                found.push((glyph.text.clone(), family, glyph.id.0 != 0));
            }
        }
        found
    }

    #[test]
    fn chinese_and_urdu_are_drawn_in_their_own_faces_with_a_glyph_for_every_character() {
        let fonts = fonts();
        let cases = [
            (
                Lang::Zh,
                "北京老字号协会与ZBRA China战略合作协议",
                "巴基斯坦驻华大使馆，大使",
            ),
            (
                Lang::Ur,
                "پاکستان کا سفارت خانہ، بیجنگ",
                "Moin ul Haque، چین میں پاکستان کے سفیر",
            ),
        ];
        for (lang, title, subtitle) in cases {
            let card = card(lang, title, Some(subtitle));
            let (_, missing) = card_svg(&card, &fonts).unwrap();
            assert!(missing.is_empty(), "{lang:?}: {missing:?}");
            let glyphs = glyphs(&card, &fonts);
            assert!(glyphs.len() > 40, "{glyphs:?}");
            for (text, family, found) in &glyphs {
                assert!(found, "{lang:?}: no glyph for {text:?} in {family}");
                let Some(c) = text.chars().next() else {
                    continue;
                };
                let expected = match c as u32 {
                    0x4E00..=0x9FFF | 0xFF0C => "card-sc-",
                    0x0600..=0x06FF => "card-urdu",
                    _ if c.is_ascii_alphabetic() => "card-latin",
                    _ => "",
                };
                assert!(
                    family.starts_with(expected),
                    "{lang:?}: {text:?} drawn in {family}"
                );
            }
        }
    }

    #[test]
    fn long_titles_wrap_shrink_and_end_on_the_card() {
        let fonts = fonts();
        let long = "The Very Long Name of an Organisation ".repeat(12);
        let word = "Supercalifragilisticexpialidocious".repeat(3);
        for (lang, title) in [
            (Lang::En, long.as_str()),
            (Lang::En, word.as_str()),
            (Lang::Zh, &"中巴科技创新合作".repeat(20)),
            (Lang::Ur, &"پاکستان کا سفارت خانہ ".repeat(20)),
        ] {
            let card = card(lang, title, Some(title));
            let laid_out = layout::lay_out(&card, &fonts).unwrap();
            let title_lines: Vec<_> = laid_out
                .lines
                .iter()
                .filter(|line| line.runs.iter().any(|run| run.role == Role::Title))
                .collect();
            assert!(
                (1..=3).contains(&title_lines.len()),
                "{lang:?}: {} title lines",
                title_lines.len()
            );
            // Drawn, every text stays inside the card.
            let (svg, _) = card_svg(&card, &fonts).unwrap();
            let tree = usvg::Tree::from_str(&svg, &options(&fonts)).unwrap();
            let mut texts = 0;
            visit(tree.root(), &mut |node| {
                if let usvg::Node::Text(text) = node {
                    texts += 1;
                    let bbox = text.abs_bounding_box();
                    assert!(
                        bbox.left() >= MARGIN - 1.0
                            && bbox.right() <= MARGIN + LINE_WIDTH + 1.0
                            && bbox.top() >= 0.0
                            && bbox.bottom() <= HEIGHT as f32,
                        "{lang:?}: a text leaves the card: {bbox:?}"
                    );
                }
            });
            assert!(texts > 3);
        }
    }

    fn visit(group: &usvg::Group, f: &mut impl FnMut(&usvg::Node)) {
        for node in group.children() {
            f(node);
            if let usvg::Node::Group(child) = node {
                visit(child, f);
            }
        }
    }

    #[test]
    fn urdu_cards_are_right_aligned_and_the_others_left() {
        let fonts = fonts();
        for (lang, title) in [(Lang::En, "Moin ul Haque"), (Lang::Ur, "معین الحق")] {
            let laid_out = layout::lay_out(&card(lang, title, None), &fonts).unwrap();
            let title = laid_out
                .lines
                .iter()
                .find(|line| line.runs.iter().any(|run| run.role == Role::Title))
                .unwrap();
            let first = &title.runs[0];
            if lang == Lang::Ur {
                assert!(first.x > WIDTH as f32 / 2.0, "{first:?}");
            } else {
                assert!((first.x - MARGIN).abs() < 0.5, "{first:?}");
            }
        }
    }

    #[test]
    fn a_card_is_a_png_of_the_right_size_with_text_where_the_title_goes() {
        let fonts = fonts();
        let drawn = draw(&card(Lang::Ur, "سفیر", None), &fonts).unwrap();
        assert!(drawn.missing.is_empty());
        let image = image::load_from_memory_with_format(&drawn.png, image::ImageFormat::Png)
            .unwrap()
            .to_rgba8();
        assert_eq!(image.dimensions(), (WIDTH, HEIGHT));
        // White title pixels on the green, at the start (right) side of an Urdu card.
        let white = |x0: u32, x1: u32| {
            (x0..x1)
                .flat_map(|x| (180..500).map(move |y| (x, y)))
                .filter(|&(x, y)| image.get_pixel(x, y).0[..3].iter().all(|&c| c > 240))
                .count()
        };
        assert!(white(700, 1120) > 500, "no title drawn on the right");
        assert_eq!(white(80, 500), 0, "the short title reaches the left half");
    }
}

/// Preview cards to look at: `cargo test --lib share_card::previews -- --ignored` writes
/// them to `target/share-cards/`, with how long each took to draw.
#[cfg(test)]
mod previews {
    use super::*;

    #[test]
    #[ignore = "writes PNGs to target/share-cards/ for a person to look at"]
    fn write_previews() {
        let fonts = CardFonts::shared(&crate::state::WebConfig::source_tree_static_dir()).unwrap();
        let long = "The Very Long Name of an Organisation ".repeat(8);
        let cases = [
            (
                "en",
                Lang::En,
                Some("Speaker"),
                "Moin ul Haque",
                Some("Ambassador of Pakistan to China, Embassy of Pakistan in Beijing"),
            ),
            (
                "zh",
                Lang::Zh,
                Some("合作协议"),
                "ZBRA China与北京老字号协会战略合作协议",
                Some("ZBRA China和北京老字号协会"),
            ),
            (
                "ur",
                Lang::Ur,
                Some("مقرر"),
                "Moin ul Haque",
                Some("چین میں پاکستان کے سفیر، پاکستان کا سفارت خانہ (بیجنگ)"),
            ),
            (
                "ur-long",
                Lang::Ur,
                Some("معاہدہ"),
                "پاکستان اور چین کے درمیان سائنس و ٹیکنالوجی میں تعاون کا معاہدہ",
                Some("ZBRA China اور بیجنگ ٹائم آنرڈ برانڈز ایسوسی ایشن"),
            ),
            (
                "en-long",
                Lang::En,
                Some("Organisation"),
                long.as_str(),
                Some("Company, Pakistan"),
            ),
            ("markup", Lang::En, None, r#"A <b>&</b> "Q" 'x' ]]>"#, None),
        ];
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/share-cards");
        std::fs::create_dir_all(&dir).unwrap();
        for (name, lang, kind, title, subtitle) in cases {
            let footer = match lang {
                Lang::Ur => "بیجنگ · 5 ستمبر 2023 · CIFTIS",
                Lang::Zh => "北京 · 2023年9月5日 · CIFTIS",
                Lang::En => "Beijing · 5 September 2023 · CIFTIS",
            };
            let card = Card {
                lang,
                brand: lang.t("site.name").to_owned(),
                kind: kind.map(str::to_owned),
                title: title.to_owned(),
                subtitle: subtitle.map(str::to_owned),
                footer: footer.to_owned(),
            };
            let started = std::time::Instant::now();
            let drawn = draw(&card, &fonts).unwrap();
            eprintln!("{name}: {:?}, {} bytes", started.elapsed(), drawn.png.len());
            assert!(drawn.missing.is_empty(), "{name}: {:?}", drawn.missing);
            std::fs::write(dir.join(format!("{name}.png")), &drawn.png).unwrap();
        }
    }
}
