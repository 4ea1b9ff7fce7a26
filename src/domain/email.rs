//! E-mail addresses of admins.

use crate::i18n::Message;

/// Normalise an address (trimmed, lower-case) and check its shape; the error says what is wrong.
pub fn parse(input: &str) -> Result<String, Message> {
    let email = input.trim().to_lowercase();
    if email.is_empty() {
        return Err(Message::new("form.email_empty"));
    }
    if email.chars().count() > 254 {
        return Err(Message::new("form.email_long"));
    }
    let valid = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    };
    if valid {
        Ok(email)
    } else {
        Err(Message::new("form.email_shape"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_and_checks() {
        assert_eq!(parse(" Admin@Example.ORG ").unwrap(), "admin@example.org");
        for bad in ["", "no-at", "a@", "@b", "a b@c", "a@b@c", "a\0@b"] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }
}
