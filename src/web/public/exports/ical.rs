//! iCalendar content lines (RFC 5545 §3.1): `NAME;PARAM=VALUE:value`, each ended by CRLF and
//! folded so that no line is longer than 75 octets — between characters, never inside a
//! UTF-8 sequence — and TEXT values escaped (§3.3.11).

/// A calendar being written, line by line.
#[derive(Debug, Default)]
pub struct Lines {
    out: String,
}

/// Longest line, in octets, without its CRLF.
const MAX_OCTETS: usize = 75;

impl Lines {
    /// An empty calendar.
    pub fn new() -> Self {
        Self::default()
    }

    /// A property whose value is written as it is (dates, numbers, `BEGIN`/`END`, URIs).
    pub fn raw(&mut self, name: &str, params: &[(&str, &str)], value: &str) {
        let mut line = String::from(name);
        for (param, param_value) in params {
            line.push(';');
            line.push_str(param);
            line.push('=');
            line.push_str(param_value);
        }
        line.push(':');
        line.push_str(value);
        fold_into(&mut self.out, &line);
    }

    /// A TEXT property: `text` escaped.
    pub fn text(&mut self, name: &str, params: &[(&str, &str)], text: &str) {
        self.raw(name, params, &escape_text(text));
    }

    /// The calendar's bytes.
    pub fn finish(self) -> String {
        self.out
    }
}

/// A TEXT value: backslash, semicolon and comma escaped, line breaks as `\n`, and the control
/// characters TEXT may not hold (all but tab) left out.
pub fn escape_text(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Append `line` to `out`, folded (continuation lines start with one space, which counts
/// towards their 75 octets) and ended by CRLF.
fn fold_into(out: &mut String, line: &str) {
    let mut used = 0;
    for c in line.chars() {
        let width = c.len_utf8();
        if used + width > MAX_OCTETS {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += width;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            escape_text("a, b; c\\d\r\ne\nf\u{7}g\th"),
            "a\\, b\\; c\\\\d\\ne\\nfg\th"
        );
    }

    #[test]
    fn long_lines_fold_at_75_octets_between_characters() {
        let mut lines = Lines::new();
        let text = "中文اردو".repeat(20);
        lines.text("SUMMARY", &[("LANGUAGE", "zh-Hans")], &text);
        let out = lines.finish();
        assert!(out.ends_with("\r\n"));
        let physical: Vec<&str> = out.trim_end_matches("\r\n").split("\r\n").collect();
        assert!(physical.len() > 1);
        for (i, line) in physical.iter().enumerate() {
            assert!(line.len() <= 75, "line {i} has {} octets", line.len());
            assert_eq!(i > 0, line.starts_with(' '));
        }
        let unfolded = out.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, format!("SUMMARY;LANGUAGE=zh-Hans:{text}"));
    }
}
