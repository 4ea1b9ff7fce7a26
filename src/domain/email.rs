//! E-mail addresses of admins.

/// Normalise an address (trimmed, lower-case) and check its shape; the error says what is wrong.
pub fn parse(input: &str) -> Result<String, String> {
    let email = input.trim().to_lowercase();
    if email.is_empty() {
        return Err("Enter an e-mail address.".to_owned());
    }
    if email.chars().count() > 254 {
        return Err("Use an address of at most 254 characters.".to_owned());
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
        Err("Enter an e-mail address like name@example.org.".to_owned())
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
