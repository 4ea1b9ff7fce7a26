//! Two-factor login: time-based one-time codes (TOTP, RFC 6238: SHA-1, 6 digits, 30-second
//! steps, one step of clock skew either way), the QR code an app scans, and recovery codes.

use rand::RngCore;
use totp_rs::{Builder, Secret, Totp};

/// The name authenticator apps show for the account.
pub const ISSUER: &str = "Forum portal";

/// How many recovery codes an account gets.
pub const RECOVERY_CODES: usize = 10;

/// A new random secret (160 bits), base32 as apps and the database keep it.
pub fn new_secret() -> String {
    Secret::generate().to_base32()
}

fn totp(secret: &str, account: &str) -> anyhow::Result<Totp> {
    let secret = Secret::try_from_base32(secret)
        .map_err(|error| anyhow::anyhow!("a stored TOTP secret is not base32: {error:?}"))?;
    // A ':' separates issuer and account in the otpauth label: keep it out of the account.
    let account = account.replace(':', "");
    Builder::new()
        .with_secret(secret)
        .with_account_name(account)
        .with_issuer(Some(ISSUER))
        .build()
        .map_err(|error| anyhow::anyhow!("cannot build a TOTP: {error}"))
}

/// The time step a code is right for at `unix_time` (now, or one step before or after), if any.
/// Spaces in the code are ignored.
pub fn check(secret: &str, code: &str, unix_time: u64) -> anyhow::Result<Option<u64>> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(None);
    }
    Ok(totp(secret, "")?.check(&code, unix_time))
}

/// The code for `unix_time` (what an authenticator app shows then).
pub fn code_at(secret: &str, unix_time: u64) -> anyhow::Result<String> {
    Ok(totp(secret, "")?.generate(unix_time).to_string())
}

/// Seconds since the Unix epoch, now.
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The `otpauth://` address an app scans to add the account.
pub fn otpauth_url(secret: &str, account: &str) -> anyhow::Result<String> {
    totp(secret, account)?
        .to_url()
        .map_err(|error| anyhow::anyhow!("cannot make the otpauth address: {error}"))
}

/// The QR code of `text` as an SVG document (no script, no style: plain shapes).
pub fn qr_svg(text: &str) -> anyhow::Result<String> {
    let code = qrcode::QrCode::new(text.as_bytes())?;
    Ok(code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(240, 240)
        .build())
}

/// Fresh recovery codes, like `4f2a9-c81d7` (40 random bits each).
pub fn new_recovery_codes() -> Vec<String> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0u8; 5];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            let hex = hex::encode(bytes);
            format!("{}-{}", &hex[..5], &hex[5..])
        })
        .collect()
}

/// What the database keeps of a recovery code: the hash of its normalised form (case, spaces
/// and dashes ignored), tied to the account.
pub fn recovery_code_hash(admin_id: i64, code: &str) -> String {
    let normalised: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    super::token_hash(&format!("{admin_id}:{normalised}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238's SHA-1 test secret ("12345678901234567890"), in base32.
    const RFC_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    #[test]
    fn codes_follow_rfc_6238_with_a_fixed_clock() {
        // RFC 6238 appendix B, SHA-1, last six digits of 94287082 at T = 59.
        assert_eq!(code_at(RFC_SECRET, 59).unwrap(), "287082");
        assert_eq!(code_at(RFC_SECRET, 1_111_111_109).unwrap(), "081804");
        let time = 1_111_111_109;
        let code = code_at(RFC_SECRET, time).unwrap();
        assert_eq!(check(RFC_SECRET, &code, time).unwrap(), Some(time / 30));
        // One step of skew either way, no more.
        assert!(check(RFC_SECRET, &code, time + 30).unwrap().is_some());
        assert!(check(RFC_SECRET, &code, time - 30).unwrap().is_some());
        assert_eq!(check(RFC_SECRET, &code, time + 90).unwrap(), None);
        // Spaces are fine; wrong codes and junk are not.
        assert!(check(RFC_SECRET, "081 804", time).unwrap().is_some());
        assert_eq!(check(RFC_SECRET, "000000", time).unwrap(), None);
        assert_eq!(check(RFC_SECRET, "08180", time).unwrap(), None);
        assert_eq!(check(RFC_SECRET, "abcdef", time).unwrap(), None);
    }

    #[test]
    fn secrets_make_scannable_addresses_and_plain_svg() {
        let secret = new_secret();
        assert_eq!(
            Secret::try_from_base32(&secret).unwrap().as_bytes().len(),
            20
        );
        let url = otpauth_url(&secret, "a:dmin@example.org").unwrap();
        assert!(url.starts_with("otpauth://totp/"), "{url}");
        assert!(url.contains(&secret));
        let svg = qr_svg(&url).unwrap();
        assert!(svg.contains("<svg"));
        assert!(!svg.contains("<script") && !svg.contains("style"));
    }

    #[test]
    fn recovery_codes_are_distinct_and_hashed_per_account() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let unique: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(unique.len(), RECOVERY_CODES);
        let code = &codes[0];
        assert_eq!(
            recovery_code_hash(1, code),
            recovery_code_hash(1, &format!(" {} ", code.to_uppercase().replace('-', " ")))
        );
        assert_ne!(recovery_code_hash(1, code), recovery_code_hash(2, code));
    }
}
