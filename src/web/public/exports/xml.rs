//! Text for the XML documents (the Atom feed, the sitemaps): escaped, and without the
//! characters XML 1.0 cannot carry at all (control characters other than tab and line breaks,
//! U+FFFE, U+FFFF), which a parser would refuse — a stray one in an entry must not make the
//! whole feed unreadable.

use std::borrow::Cow;

/// `text` as XML character data or an attribute value (quotes escaped too).
pub fn escape(text: &str) -> Cow<'_, str> {
    let clean = |c: char| {
        matches!(c, '\t' | '\n' | '\r') || (!c.is_control() && c != '\u{FFFE}' && c != '\u{FFFF}')
    };
    let special = |c: char| matches!(c, '&' | '<' | '>' | '"' | '\'');
    if text.chars().all(|c| clean(c) && !special(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars().filter(|&c| clean(c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup_and_drops_what_xml_cannot_hold() {
        assert_eq!(escape("plain, 中文, اردو"), "plain, 中文, اردو");
        assert_eq!(
            escape("<a href=\"x\">Tom & 'Jerry'</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &apos;Jerry&apos;&lt;/a&gt;"
        );
        assert_eq!(escape("a\u{0}b\u{1b}c\u{7f}d\u{FFFE}"), "abcd");
        assert_eq!(escape("line\r\nnext\ttab"), "line\r\nnext\ttab");
    }
}
