//! Secrets: password hashing, random tokens, and comparing them without leaking timing.

pub mod totp;

use anyhow::Context;

use crate::i18n::Message;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest password accepted (long enough for any passphrase or manager, short enough that
/// hashing one cannot be used to tie up the server).
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// Check a new password's length; the message says what to change.
pub fn check_new_password(password: &str) -> Result<(), Message> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        Err(Message::plural("form.password_short", chars).with("min", MIN_PASSWORD_CHARS))
    } else if chars > MAX_PASSWORD_CHARS {
        Err(Message::new("form.password_long").with("max", MAX_PASSWORD_CHARS))
    } else if password.contains('\0') {
        Err(Message::new("form.password_nul"))
    } else {
        Ok(())
    }
}

/// An argon2id hash (PHC string), computed off the async threads.
pub async fn hash_password(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || password_auth::generate_hash(password))
        .await
        .context("the password hashing task failed")
}

/// Whether `password` matches `hash`. With no hash (unknown account) a dummy hash is checked,
/// so the answer takes as long either way.
pub async fn verify_password(password: String, hash: Option<String>) -> anyhow::Result<bool> {
    tokio::task::spawn_blocking(move || match hash {
        Some(hash) => password_auth::verify_password(password, &hash).is_ok(),
        None => {
            let _ = password_auth::verify_password(password, dummy_hash());
            false
        }
    })
    .await
    .context("the password check task failed")
}

fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| password_auth::generate_hash("not a real password, only for timing"))
}

/// 32 random bytes from the OS generator, hex-encoded.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// SHA-256 of a token, hex-encoded: what the database keeps instead of the token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Compare two secrets in time independent of where they differ.
pub fn secrets_equal(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_rules() {
        assert!(check_new_password("short").is_err());
        assert!(check_new_password("twelve chars").is_ok());
        assert!(check_new_password(&"x".repeat(128)).is_ok());
        assert!(check_new_password(&"x".repeat(1025)).is_err());
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, b) = (random_token(), random_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(token_hash(&a), token_hash(&a));
        assert!(secrets_equal(&a, &a.clone()));
        assert!(!secrets_equal(&a, &b));
    }
}
