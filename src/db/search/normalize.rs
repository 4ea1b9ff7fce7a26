//! The Rust twin of `search_normalize` (migration 0013), character by character and keeping
//! where each normalised character came from, so a page can highlight the words the database
//! matched in the text it shows. Matching itself is the database's alone; a test
//! (`tests/portal/search.rs`) holds the two equal over the seed's texts and odd input.

use unicode_normalization::char::decompose_compatible;

/// One character of normalised text and the bytes of the original text it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Normal {
    /// The normalised character (a space stands for any punctuation or spacing).
    pub ch: char,
    /// Where the original character starts, in bytes.
    pub start: usize,
    /// Where it ends.
    pub end: usize,
}

/// `text` normalised as `search_normalize` does it, each character with its origin.
pub fn normalize_with_origins(text: &str) -> Vec<Normal> {
    let mut out = Vec::with_capacity(text.len());
    for (start, original) in text.char_indices() {
        let end = start + original.len_utf8();
        decompose_compatible(original, |decomposed| {
            if let Some(ch) = normal_char(decomposed) {
                out.push(Normal { ch, start, end });
            }
        });
    }
    out
}

/// `text` normalised as `search_normalize` does it.
pub fn normalize(text: &str) -> String {
    normalize_with_origins(text)
        .into_iter()
        .map(|normal| normal.ch)
        .collect()
}

/// One character after compatibility decomposition: lower-cased (ASCII only), dropped (marks,
/// invisible controls), folded (letter variants, digits) or turned into a space
/// (punctuation), in `search_normalize`'s order.
fn normal_char(c: char) -> Option<char> {
    let c = c.to_ascii_lowercase();
    if is_dropped(c) {
        return None;
    }
    let c = fold(c);
    Some(if is_kept(c) { c } else { ' ' })
}

/// Marks and invisible characters readers do not type (or type inconsistently).
fn is_dropped(c: char) -> bool {
    matches!(c,
        '\u{00AD}'
        | '\u{0300}'..='\u{036F}'
        | '\u{0610}'..='\u{061A}'
        | '\u{061C}'
        | '\u{0640}'
        | '\u{064B}'..='\u{065F}'
        | '\u{0670}'
        | '\u{06D6}'..='\u{06ED}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}'
        | '\u{FEFF}')
}

/// The letter variants Arabic and Persian keyboards type for Urdu letters, and
/// Arabic-Indic and Urdu digits.
fn fold(c: char) -> char {
    match c {
        'ي' | 'ى' => 'ی',
        'ك' | 'ڪ' => 'ک',
        'ه' | 'ە' | 'ة' | 'ۃ' => 'ہ',
        'ٱ' => 'ا',
        '٠'..='٩' => char::from(b'0' + (c as u32 - '٠' as u32) as u8),
        '۰'..='۹' => char::from(b'0' + (c as u32 - '۰' as u32) as u8),
        _ => c,
    }
}

/// What stays a character of a word: a space, a–z, 0–9 and the letters of other scripts,
/// less the punctuation among those.
fn is_kept(c: char) -> bool {
    let letter = matches!(c,
        ' ' | 'a'..='z' | '0'..='9'
        | '\u{00C0}'..='\u{1FFF}'
        | '\u{3005}'..='\u{3007}'
        | '\u{3040}'..='\u{FFFF}'
        | '\u{10000}'..);
    let punctuation = matches!(c,
        '\u{00D7}' | '\u{00F7}'
        | '\u{0600}'..='\u{060F}'
        | '\u{061B}'
        | '\u{061D}'..='\u{061F}'
        | '\u{066A}'..='\u{066D}'
        | '\u{06D4}'
        | '\u{FD3E}' | '\u{FD3F}'
        | '\u{FE10}'..='\u{FE6F}'
        | '\u{FF00}'..='\u{FF65}');
    letter && !punctuation
}

/// Whether `c` is a Chinese (Japanese, Korean) character: `search_cjk_pattern`'s class.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{2E80}'..='\u{2FDF}'
        | '\u{3005}'..='\u{3007}'
        | '\u{3021}'..='\u{3029}'
        | '\u{3040}'..='\u{30FF}'
        | '\u{3100}'..='\u{312F}'
        | '\u{31A0}'..='\u{31FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{AC00}'..='\u{D7AF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3FFFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_what_users_type_differently() {
        assert_eq!(normalize("Moin ul-HAQUE"), "moin ul haque");
        assert_eq!(normalize("Ｚｈāng"), "zhang");
        // Arabic yeh, kaf and heh; harakat; tatweel; a direction mark.
        assert_eq!(normalize("كتابي"), "کتابی");
        assert_eq!(normalize("كِتـــاب\u{200F}"), "کتاب");
        assert_eq!(normalize("ۂ"), "ہ");
        assert_eq!(normalize("آئی"), "ایی");
        assert_eq!(normalize("۲۰۲۳ ٢٠٢٣"), "2023 2023");
        assert_eq!(normalize("合作，伙伴。"), "合作 伙伴 ");
        // Kept apart: do-chashmi heh and bari yeh.
        assert_eq!(normalize("کھ کے"), "کھ کے");
    }

    #[test]
    fn every_normal_character_knows_its_origin() {
        let text = "Zhāng، كِتاب";
        for normal in normalize_with_origins(text) {
            assert!(text.is_char_boundary(normal.start) && text.is_char_boundary(normal.end));
        }
        let origins: Vec<&str> = normalize_with_origins(text)
            .iter()
            .map(|n| &text[n.start..n.end])
            .collect();
        assert_eq!(origins[2], "ā");
        assert_eq!(origins[5], "،");
        assert_eq!(origins[7], "ك");
        // The kasra is dropped: كِ gives one character.
        assert_eq!(origins[8], "ت");
    }
}
