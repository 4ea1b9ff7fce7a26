//! The card's SVG: the site's green, a band of the accent colour above a paper strip, two
//! rings on the end side (mirrored on Urdu cards), and the placed text. Every text and
//! attribute value goes through [`escape`]: names are admins' input.

use std::fmt::Write as _;

use super::layout::{LaidOut, MARGIN, Role, STRIP_TOP};
use super::{HEIGHT, WIDTH};
use crate::i18n::Lang;

/// The site's colours (`static/css/site.css`: `--brand`, `--brand-dark`, `--accent`).
const BRAND: &str = "#0b5d3b";
const BRAND_DARK: &str = "#08472d";
const ACCENT: &str = "#b3261e";
const PAPER: &str = "#ffffff";
/// The inner ring, between the brand green and its dark shade.
const RING: &str = "#0e6a44";

/// `text` safe inside an XML element or a quoted attribute value. Characters XML 1.0 does
/// not allow at all (most control characters) are left out.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\t' | '\n' | '\r' => escaped.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => escaped.push(c),
        }
    }
    escaped
}

fn fill(role: Role) -> &'static str {
    match role {
        Role::Brand | Role::Title => PAPER,
        Role::Kind => "#a8dcc0",
        Role::Subtitle => "#d9efe3",
        Role::Footer => BRAND,
    }
}

/// The card as SVG, its text placed by `laid_out`.
pub fn write(lang: Lang, laid_out: &LaidOut) -> String {
    let (w, h) = (WIDTH, HEIGHT);
    let rtl = lang.dir() == "rtl";
    // The rings sit at the end side's top corner.
    let ring_x = if rtl { 40.0 } else { w as f32 - 40.0 };
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}">"#
    );
    let _ = write!(
        svg,
        r#"<rect width="{w}" height="{h}" fill="{BRAND}"/><circle cx="{ring_x}" cy="20" r="330" fill="none" stroke="{BRAND_DARK}" stroke-width="56"/><circle cx="{ring_x}" cy="20" r="200" fill="none" stroke="{RING}" stroke-width="36"/>"#
    );
    let accent_top = STRIP_TOP - 8.0;
    let _ = write!(
        svg,
        r#"<rect x="0" y="{accent_top}" width="{w}" height="8" fill="{ACCENT}"/><rect x="0" y="{STRIP_TOP}" width="{w}" height="{}" fill="{PAPER}"/>"#,
        h as f32 - STRIP_TOP
    );
    // A short rule under the forum's name, on the start side.
    let rule_x = if rtl {
        w as f32 - MARGIN - 96.0
    } else {
        MARGIN
    };
    let _ = write!(
        svg,
        r#"<rect x="{rule_x}" y="24" width="96" height="6" fill="{ACCENT}"/>"#
    );
    for line in &laid_out.lines {
        if let Some((origin, factor)) = line.squeeze {
            let _ = write!(
                svg,
                r#"<g transform="translate({origin} 0) scale({factor} 1) translate({} 0)">"#,
                -origin
            );
        }
        for run in &line.runs {
            let _ = write!(
                svg,
                r#"<text x="{:.2}" y="{:.2}" font-family="{}" font-weight="{}" font-size="{}" fill="{}">{}</text>"#,
                run.x,
                run.y,
                escape(&run.face.family()),
                run.face.weight(run.bold),
                run.size,
                fill(run.role),
                escape(&run.text)
            );
        }
        if line.squeeze.is_some() {
            svg.push_str("</g>");
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_leaves_no_markup_and_no_forbidden_characters() {
        assert_eq!(
            escape(r#"<b>"R&D" 'x'</b>"#),
            "&lt;b&gt;&quot;R&amp;D&quot; &apos;x&apos;&lt;/b&gt;"
        );
        assert_eq!(escape("a\u{0}b\u{1b}c\nd"), "abc d");
        // What is escaped parses back to the same text.
        let text = "A & B <C> \"D\" 'E' ]]> 中文 اردو";
        let doc = format!("<t a=\"{}\">{}</t>", escape(text), escape(text));
        let parsed = resvg::usvg::roxmltree::Document::parse(&doc).unwrap();
        assert_eq!(parsed.root_element().attribute("a"), Some(text));
        assert_eq!(parsed.root_element().text(), Some(text));
    }
}
