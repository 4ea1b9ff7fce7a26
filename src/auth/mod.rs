//! Secrets: password hashing, random tokens, and comparing them without leaking timing.

pub mod totp;

use std::sync::{Arc, OnceLock};

use anyhow::Context;
use tokio::sync::Semaphore;

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

/// How long a password check or hash waits for a free hashing slot before it gives up.
pub const HASH_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// Why a password could not be hashed or checked.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// Every hashing slot stayed taken for [`HASH_WAIT`]: the caller should answer "busy, try
    /// again" (503 with `Retry-After`) rather than queue without bound.
    #[error("every password hashing slot stayed busy")]
    Busy,
    /// The hashing task itself failed.
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

/// The process-wide slots for argon2 work: one per core. Each argon2id run holds 19 MiB and a
/// core for a while, so running more at once only adds memory, never throughput; without a cap
/// a burst of logins grew the process by 1.7 GB.
fn hashing_slots() -> &'static Arc<Semaphore> {
    static SLOTS: OnceLock<Arc<Semaphore>> = OnceLock::new();
    SLOTS.get_or_init(|| {
        keep_large_blocks_out_of_the_heap();
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
        Arc::new(Semaphore::new(cores))
    })
}

/// Have the allocator map every block of 1 MiB or more on its own and unmap it when freed.
///
/// glibc raises its mmap threshold the first time such a block is freed, so from then on each
/// argon2 buffer (19 MiB) came from the heap, where fragmentation kept almost every one of them:
/// measured, ten password checks one after the other left the process 190 MB bigger, and a
/// burst of logins took it past 800 MB although only one check per core ran at once. Setting
/// the threshold fixes it (and turns off the adjustment): the same checks now leave nothing
/// behind. Costs a fresh mapping per check (about a millisecond of a 20 ms hash).
fn keep_large_blocks_out_of_the_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; any value is valid for this one.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

/// Run `work` (argon2) on the blocking pool once a hashing slot is free, waiting at most
/// [`HASH_WAIT`].
async fn with_hashing_slot<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, HashError> {
    run_in_slot(hashing_slots(), HASH_WAIT, work).await
}

/// Run `work` on the blocking pool holding one of `slots`, waiting at most `wait` for it. The
/// slot is held by the blocking task itself, so a client that goes away while its hash runs
/// does not free a slot early.
async fn run_in_slot<T: Send + 'static>(
    slots: &Arc<Semaphore>,
    wait: std::time::Duration,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, HashError> {
    let permit = tokio::time::timeout(wait, Arc::clone(slots).acquire_owned())
        .await
        .map_err(|_| HashError::Busy)?
        .map_err(|_| HashError::Busy)?;
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        work()
    })
    .await
    .context("the password hashing task failed")
    .map_err(HashError::Failed)
}

/// An argon2id hash (PHC string), computed off the async threads in a hashing slot.
pub async fn hash_password(password: String) -> Result<String, HashError> {
    with_hashing_slot(move || password_auth::generate_hash(password)).await
}

/// Whether `password` matches `hash`, checked in a hashing slot. With no hash (unknown
/// account) a dummy hash is checked, so the answer takes as long either way.
pub async fn verify_password(password: String, hash: Option<String>) -> Result<bool, HashError> {
    with_hashing_slot(move || match hash {
        Some(hash) => password_auth::verify_password(password, &hash).is_ok(),
        None => {
            let _ = password_auth::verify_password(password, dummy_hash());
            false
        }
    })
    .await
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
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

/// A secret (a CSRF token) masked for one page: `hex(mask || (mask XOR secret))` with a fresh
/// random mask on every call, so no two responses carry the same string and compression cannot
/// be used to guess it byte by byte from reflected text (BREACH). [`unmask_secret`] undoes it.
pub fn mask_secret(secret: &[u8]) -> String {
    let mut mask = vec![0u8; secret.len()];
    rand::rngs::OsRng.fill_bytes(&mut mask);
    let masked: Vec<u8> = mask.iter().zip(secret).map(|(m, s)| m ^ s).collect();
    mask.extend_from_slice(&masked);
    hex::encode(mask)
}

/// The secret behind a token from [`mask_secret`], or `None` when it is not one.
pub fn unmask_secret(token: &str) -> Option<Vec<u8>> {
    let bytes = hex::decode(token).ok()?;
    if bytes.is_empty() || bytes.len() % 2 != 0 {
        return None;
    }
    let (mask, masked) = bytes.split_at(bytes.len() / 2);
    Some(mask.iter().zip(masked).map(|(m, s)| m ^ s).collect())
}

/// Whether `token` is `secret` masked by [`mask_secret`], compared in constant time.
pub fn masked_secret_matches(secret: &[u8], token: &str) -> bool {
    unmask_secret(token).is_some_and(|found| {
        found.len() == secret.len() && bool::from(found.as_slice().ct_eq(secret))
    })
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

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn hashing_slots_bound_the_work_running_at_once() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let slots = Arc::new(Semaphore::new(2));
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..12)
            .map(|_| {
                let (slots, running, most) = (slots.clone(), running.clone(), most.clone());
                tokio::spawn(async move {
                    run_in_slot(&slots, std::time::Duration::from_secs(60), move || {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(std::time::Duration::from_millis(20));
                        running.fetch_sub(1, Ordering::SeqCst);
                    })
                    .await
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        assert_eq!(most.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_hash_that_cannot_get_a_slot_in_time_is_busy() {
        let slots = Arc::new(Semaphore::new(1));
        let _taken = slots.clone().acquire_owned().await.unwrap();
        let answer = run_in_slot(&slots, std::time::Duration::from_millis(50), || ()).await;
        assert!(matches!(answer, Err(HashError::Busy)), "{answer:?}");
    }

    #[test]
    fn masked_secrets_differ_every_time_and_unmask_to_the_secret() {
        let secret = [7u8; 32];
        let (a, b) = (mask_secret(&secret), mask_secret(&secret));
        assert_ne!(a, b, "a fresh mask each time");
        assert_eq!(a.len(), 128);
        assert!(masked_secret_matches(&secret, &a));
        assert!(masked_secret_matches(&secret, &b));
        assert!(!masked_secret_matches(&[8u8; 32], &a), "another secret");
        let mut tampered = a.clone().into_bytes();
        tampered[100] = if tampered[100] == b'0' { b'1' } else { b'0' };
        let tampered = String::from_utf8(tampered).unwrap();
        assert!(!masked_secret_matches(&secret, &tampered));
        for bad in ["", "0123", "zz", &hex::encode(secret)] {
            assert!(!masked_secret_matches(&secret, bad), "{bad:?}");
        }
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
