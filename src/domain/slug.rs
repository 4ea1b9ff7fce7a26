//! Readable URL keys (`moin-ul-haque`, `zbra`).

/// Longest slug the database accepts.
pub const MAX_LEN: usize = 80;

/// Whether `value` is a well-formed slug: lower-case ASCII letters and digits in runs joined
/// by single hyphens, at most [`MAX_LEN`] long. Checked before any query, so a malformed
/// path (even one with a NUL byte) is a plain 404, never a database error.
pub fn is_valid(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= MAX_LEN
        && value.split('-').all(|run| {
            !run.is_empty()
                && run
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_readable_slugs_only() {
        for good in ["zbra", "moin-ul-haque", "a1-b2"] {
            assert!(is_valid(good), "{good}");
        }
        for bad in [
            "",
            "-a",
            "a-",
            "a--b",
            "Zbra",
            "a b",
            "a\0b",
            "ä",
            &"a".repeat(81),
        ] {
            assert!(!is_valid(bad), "{bad:?}");
        }
    }
}
