//! Time-based one-time passwords (RFC 6238) as authenticator apps compute them: HMAC-SHA-1,
//! 6 digits, 30-second steps. A code of the previous or next step is accepted too (clock
//! drift), and never a step at or before the last one accepted, so a code seen over a
//! shoulder cannot be replayed: callers store [`TotpSecret::verify`]'s step.

use hmac::{Hmac, KeyInit as _, Mac as _};
use sha1::Sha1;

use crate::{CryptoError, base32, random};

/// Seconds per step.
pub const STEP_SECONDS: i64 = 30;
/// Digits of a code.
pub const DIGITS: u32 = 6;

/// A shared TOTP secret (20 random bytes, the size of a SHA-1 output, per RFC 4226).
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(Vec<u8>);

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSecret(***)")
    }
}

impl TotpSecret {
    /// Draws a new secret.
    pub fn generate() -> Result<TotpSecret, CryptoError> {
        Ok(TotpSecret(random::bytes::<20>()?.to_vec()))
    }

    /// A secret from its base32 form (as stored, or typed from an app); `None` when invalid
    /// or shorter than 10 bytes.
    pub fn from_base32(text: &str) -> Option<TotpSecret> {
        base32::decode(text).filter(|b| b.len() >= 10).map(TotpSecret)
    }

    /// The base32 form (stored, and shown to type into an app).
    pub fn to_base32(&self) -> String {
        base32::encode(&self.0)
    }

    /// The `otpauth://` URI that authenticator apps read from a QR code.
    pub fn otpauth_uri(&self, issuer: &str, account: &str) -> String {
        let issuer_enc = percent_encode(issuer);
        format!(
            "otpauth://totp/{issuer_enc}:{}?secret={}&issuer={issuer_enc}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
            percent_encode(account),
            self.to_base32()
        )
    }

    /// The step of a Unix time.
    pub fn step_at(unix_seconds: i64) -> i64 {
        unix_seconds.div_euclid(STEP_SECONDS)
    }

    /// The code of a step.
    pub fn code_at_step(&self, step: i64) -> String {
        format!("{:0width$}", hotp(&self.0, step as u64, DIGITS), width = DIGITS as usize)
    }

    /// Checks `code` at `unix_seconds`, accepting the previous, current and next step, but
    /// only a step after `last_step`. Returns the accepted step, to store as the new
    /// `last_step`.
    pub fn verify(&self, code: &str, unix_seconds: i64, last_step: Option<i64>) -> Option<i64> {
        let code = code.trim();
        if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let now = Self::step_at(unix_seconds);
        let mut accepted = None;
        // Every candidate is computed, so the time taken does not tell which step matched.
        for step in [now - 1, now, now + 1] {
            let matches = subtle::ConstantTimeEq::ct_eq(self.code_at_step(step).as_bytes(), code.as_bytes());
            if bool::from(matches) && last_step.is_none_or(|last| step > last) && accepted.is_none() {
                accepted = Some(step);
            }
        }
        accepted
    }
}

/// HOTP (RFC 4226): HMAC-SHA-1 of the counter, dynamically truncated.
fn hotp(key: &[u8], counter: u64, digits: u32) -> u32 {
    let mut mac = Hmac::<Sha1>::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(&counter.to_be_bytes());
    let hash = mac.finalize().into_bytes();
    let offset = usize::from(hash[hash.len() - 1] & 0x0f);
    let binary = (u32::from(hash[offset]) & 0x7f) << 24
        | u32::from(hash[offset + 1]) << 16
        | u32::from(hash[offset + 2]) << 8
        | u32::from(hash[offset + 3]);
    binary % 10u32.pow(digits)
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'@' => char::from(b).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC_SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn rfc6238_sha1_vectors() {
        // RFC 6238 appendix B, SHA-1 column (8 digits).
        for (time, code) in [
            (59_i64, 94287082_u32),
            (1111111109, 7081804),
            (1111111111, 14050471),
            (1234567890, 89005924),
            (2000000000, 69279037),
            (20000000000, 65353130),
        ] {
            assert_eq!(hotp(RFC_SECRET, TotpSecret::step_at(time) as u64, 8), code, "t={time}");
        }
        // The 6-digit code apps show is the same truncation modulo 10^6.
        let s = TotpSecret(RFC_SECRET.to_vec());
        assert_eq!(s.code_at_step(TotpSecret::step_at(59)), "287082");
        assert_eq!(s.code_at_step(TotpSecret::step_at(1111111109)), "081804");
    }

    #[test]
    fn rfc4226_hotp_vectors() {
        let expected = [755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489];
        for (counter, code) in expected.iter().enumerate() {
            assert_eq!(hotp(RFC_SECRET, counter as u64, 6), *code);
        }
    }

    #[test]
    fn window_of_one_step_and_no_replay() {
        let s = TotpSecret(RFC_SECRET.to_vec());
        let t = 1_111_111_111;
        let now = TotpSecret::step_at(t);
        assert_eq!(s.verify(&s.code_at_step(now), t, None), Some(now));
        assert_eq!(s.verify(&s.code_at_step(now - 1), t, None), Some(now - 1));
        assert_eq!(s.verify(&s.code_at_step(now + 1), t, None), Some(now + 1));
        assert_eq!(s.verify(&s.code_at_step(now - 2), t, None), None);
        assert_eq!(s.verify(&s.code_at_step(now + 2), t, None), None);
        // Replay: the step just used, or an earlier one, is refused.
        assert_eq!(s.verify(&s.code_at_step(now), t, Some(now)), None);
        assert_eq!(s.verify(&s.code_at_step(now - 1), t, Some(now)), None);
        assert_eq!(s.verify(&s.code_at_step(now + 1), t, Some(now)), Some(now + 1));
        for bad in ["", "12345", "1234567", "12a456"] {
            assert_eq!(s.verify(bad, t, None), None);
        }
    }

    #[test]
    fn base32_round_trip_and_uri() {
        let s = TotpSecret::generate().unwrap();
        assert_eq!(TotpSecret::from_base32(&s.to_base32()), Some(s.clone()));
        assert_eq!(s.to_base32().len(), 32);
        assert!(TotpSecret::from_base32("ABC").is_none());
        let rfc = TotpSecret(RFC_SECRET.to_vec());
        assert_eq!(rfc.to_base32(), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(
            rfc.otpauth_uri("Observatoire", "anne@exemple.gouv.fr"),
            "otpauth://totp/Observatoire:anne@exemple.gouv.fr?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Observatoire&algorithm=SHA1&digits=6&period=30"
        );
        assert!(rfc.otpauth_uri("Observatoire des démarches", "a b").contains("Observatoire%20des%20d%C3%A9marches:a%20b"));
    }
}
