//! Where a text shows the words a search matched: the text split into parts, each marked or
//! not, for the template to write with its normal escaping (`<mark>` around marked parts).
//! Nothing here builds HTML.
//!
//! The words come from the database (`search_words`, already normalised) and the stems of the
//! query's English words; the text is normalised here the same way
//! (`db::search::normalize`) with each character's origin kept, so a match in the normalised
//! text marks the original characters it came from — diacritics, tatweel and all.

use crate::db::search::normalize::{Normal, is_cjk, normalize, normalize_with_origins};

/// A run of text, marked as matching or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub text: String,
    pub marked: bool,
}

/// Finds the words of a query in texts.
#[derive(Debug, Clone, Default)]
pub struct Highlighter {
    /// Words (and parts of words) without Chinese characters, and English stems: found at
    /// the start of a word, which is marked to its end.
    prefixes: Vec<Vec<char>>,
    /// Runs of Chinese characters: found anywhere, marked as they are.
    runs: Vec<Vec<char>>,
}

impl Highlighter {
    /// A highlighter for the normalised `words` of a query and its English `stems`.
    pub fn new(words: &[String], stems: &[String]) -> Self {
        let mut highlighter = Self::default();
        for word in words {
            let chars: Vec<char> = word.chars().collect();
            let mut start = 0;
            while start < chars.len() {
                let cjk = is_cjk(chars[start]);
                let end = chars[start..]
                    .iter()
                    .position(|c| is_cjk(*c) != cjk)
                    .map_or(chars.len(), |n| start + n);
                let piece = chars[start..end].to_vec();
                if cjk {
                    highlighter.runs.push(piece);
                } else {
                    highlighter.prefixes.push(piece);
                }
                start = end;
            }
        }
        // Stems are English lexemes; others (a Chinese word the English parser kept whole)
        // are already among the words.
        for stem in stems.iter().filter(|stem| stem.is_ascii()) {
            let stem: Vec<char> = normalize(stem).trim().chars().collect();
            if stem.len() > 1 && !stem.contains(&' ') {
                highlighter.prefixes.push(stem);
            }
        }
        highlighter
    }

    /// The byte ranges of `text` that match, in order, merged where they touch.
    pub fn ranges(&self, text: &str) -> Vec<(usize, usize)> {
        let normal = normalize_with_origins(text);
        let chars: Vec<char> = normal.iter().map(|n| n.ch).collect();
        let mut found: Vec<(usize, usize)> = Vec::new();
        for run in self.runs.iter().filter(|run| !run.is_empty()) {
            for start in 0..chars.len() {
                if chars[start..].starts_with(run) {
                    found.push((start, start + run.len()));
                }
            }
        }
        for prefix in self.prefixes.iter().filter(|prefix| !prefix.is_empty()) {
            for start in 0..chars.len() {
                let at_word_start = start == 0
                    || chars[start - 1] == ' '
                    || is_cjk(chars[start - 1]) != is_cjk(chars[start]);
                if at_word_start && chars[start..].starts_with(prefix) {
                    let end = chars[start..]
                        .iter()
                        .position(|c| *c == ' ' || is_cjk(*c))
                        .map_or(chars.len(), |n| start + n);
                    found.push((start, end.max(start + prefix.len())));
                }
            }
        }
        merge(origins(&normal, found))
    }
}

/// Ranges of normalised characters as byte ranges of the original text.
fn origins(normal: &[Normal], found: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    found
        .into_iter()
        .filter(|(start, end)| start < end)
        .map(|(start, end)| (normal[start].start, normal[end - 1].end))
        .collect()
}

/// Sorted, overlapping or touching ranges joined.
fn merge(mut ranges: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (start, end) in ranges {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

/// `text` cut into parts at the (sorted, disjoint) byte `ranges`, which are marked.
pub fn split(text: &str, ranges: &[(usize, usize)]) -> Vec<Part> {
    let mut parts = Vec::with_capacity(ranges.len() * 2 + 1);
    let mut at = 0;
    for &(start, end) in ranges {
        if start > at {
            parts.push(Part {
                text: text[at..start].to_owned(),
                marked: false,
            });
        }
        parts.push(Part {
            text: text[start..end].to_owned(),
            marked: true,
        });
        at = end;
    }
    if at < text.len() || parts.is_empty() {
        parts.push(Part {
            text: text[at..].to_owned(),
            marked: false,
        });
    }
    parts
}

/// At most `max` characters of `text` around its first range: the byte window, and whether
/// text was cut before and after it. The window starts at a word where it can.
pub fn window(text: &str, ranges: &[(usize, usize)], max: usize) -> (usize, usize, bool, bool) {
    if text.chars().count() <= max {
        return (0, text.len(), false, false);
    }
    let first = ranges.first().map_or(0, |range| range.0);
    // Start up to a third of the window before the first match, at a space if there is one.
    let lead = max / 3;
    let before: Vec<usize> = text[..first].char_indices().map(|(i, _)| i).collect();
    let mut start = before.len().checked_sub(lead).map_or(0, |n| before[n]);
    if start > 0
        && let Some((space, c)) = text[start..first]
            .char_indices()
            .find(|(_, c)| c.is_whitespace())
    {
        // After the space, whatever its width (U+00A0 is 2 bytes, U+3000 3).
        start += space + c.len_utf8();
    }
    let end = text[start..]
        .char_indices()
        .nth(max)
        .map_or(text.len(), |(i, _)| start + i);
    (start, end, start > 0, end < text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Highlighter {
        fn mark(&self, text: &str) -> Vec<Part> {
            split(text, &self.ranges(text))
        }
    }

    fn marked(parts: &[Part]) -> Vec<&str> {
        parts
            .iter()
            .filter(|p| p.marked)
            .map(|p| p.text.as_str())
            .collect()
    }

    #[test]
    fn marks_whole_words_from_their_start_and_chinese_anywhere() {
        let h = Highlighter::new(&["pak".into(), "合作".into()], &[]);
        let parts = h.mark("Pakistan and China: 中巴合作, Japakistan");
        assert_eq!(marked(&parts), ["Pakistan", "合作"]);
        let text: String = parts.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(text, "Pakistan and China: 中巴合作, Japakistan");
    }

    #[test]
    fn marks_the_original_letters_of_a_normalised_match() {
        // The query's Arabic kaf and yeh (normalised by the database to Urdu letters) find
        // the Urdu word, diacritics and tatweel included.
        let h = Highlighter::new(&["کتاب".into()], &[]);
        assert_eq!(marked(&h.mark("یہ کِتـاب ہے")), ["کِتـاب"]);
        let h = Highlighter::new(&["zhang".into()], &[]);
        assert_eq!(marked(&h.mark("Xiaodong Zhāng")), ["Zhāng"]);
    }

    #[test]
    fn stems_mark_the_words_they_stand_for() {
        let h = Highlighter::new(&["agreements".into()], &["agreement".into()]);
        assert_eq!(
            marked(&h.mark("Two agreements, one agreement.")),
            ["agreements", "agreement"]
        );
    }

    #[test]
    fn a_window_keeps_the_first_match_in_view() {
        let text = format!("{} needle {}", "word ".repeat(100), "tail ".repeat(100));
        let h = Highlighter::new(&["needle".into()], &[]);
        let ranges = h.ranges(&text);
        let (start, end, cut_before, cut_after) = window(&text, &ranges, 120);
        assert!(cut_before && cut_after);
        assert!(start <= ranges[0].0 && ranges[0].1 <= end);
        assert!(text[start..end].chars().count() <= 120);
        assert!(text[start..].starts_with("word"));
    }

    #[test]
    fn the_window_starts_after_a_wide_space() {
        for space in ["\u{3000}", "\u{a0}", "\u{2003}", " "] {
            let text = format!(
                "{}{space}{}target{}",
                "字".repeat(100),
                "文".repeat(30),
                "尾".repeat(300)
            );
            let first = text.find("target").unwrap();
            let (start, end, cut_before, cut_after) =
                window(&text, &[(first, first + "target".len())], 240);
            assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
            assert!(cut_before && cut_after);
            assert!(text[start..end].contains("target"), "{space:?}");
            assert!(
                text[start..].starts_with('文'),
                "starts after the space {space:?}"
            );
        }
    }
}
