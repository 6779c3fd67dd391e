//! Passwords: the policy a new password must meet ([`NewPassword`]) and argon2id hashing
//! ([`PasswordHasher`]).
//!
//! The policy follows the ANSSI and NIST advice for passwords that are the only factor of a
//! rate-limited login: length (12 characters or more) rather than composition rules, and a
//! refusal of passwords found in lists of common or leaked passwords — also once the digits and
//! punctuation people add around a word are removed (`Soleil2026!`), and when a common word is
//! merely repeated (`azertyazerty`).

use std::collections::HashSet;
use std::sync::OnceLock;

use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher as _, PasswordVerifier as _, Version};

use crate::{CryptoError, random};

/// Fewest characters of a password.
pub const MIN_CHARS: usize = 12;
/// Most characters of a password (bounds the work a login request can cause).
pub const MAX_CHARS: usize = 256;

/// Why a new password is refused. The messages are French and shown beside the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    /// Fewer than [`MIN_CHARS`] characters.
    #[error("le mot de passe doit compter au moins {MIN_CHARS} caractères")]
    TooShort,
    /// More than [`MAX_CHARS`] characters.
    #[error("le mot de passe ne doit pas dépasser {MAX_CHARS} caractères")]
    TooLong,
    /// A common password, or a common word with digits or symbols around it.
    #[error("ce mot de passe figure parmi les mots de passe les plus courants : choisissez-en un autre, par exemple une phrase de plusieurs mots")]
    Common,
}

/// A password that meets the policy: the only thing [`PasswordHasher::hash`] accepts, so a
/// weak password cannot be stored by mistake.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

impl NewPassword {
    /// Checks `password` against the policy.
    pub fn parse(password: &str) -> Result<NewPassword, PasswordError> {
        let chars = password.chars().count();
        if chars < MIN_CHARS {
            return Err(PasswordError::TooShort);
        }
        if chars > MAX_CHARS {
            return Err(PasswordError::TooLong);
        }
        if is_common(password) {
            return Err(PasswordError::Common);
        }
        Ok(NewPassword(password.to_string()))
    }

    /// The password itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// The embedded list (see the header of `data/common-passwords.txt` for its sources).
fn common_list() -> &'static HashSet<&'static str> {
    static LIST: OnceLock<HashSet<&'static str>> = OnceLock::new();
    LIST.get_or_init(|| {
        include_str!("../data/common-passwords.txt")
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    })
}

/// Number of entries in the embedded list of common passwords.
pub fn common_list_len() -> usize {
    common_list().len()
}

/// Whether `password` is common: itself, its core without surrounding digits and symbols,
/// or a repetition of a common or very short unit.
fn is_common(password: &str) -> bool {
    let lower = password.to_lowercase();
    let list = common_list();
    let core = lower.trim_matches(|c: char| !c.is_alphabetic());
    let candidates = [lower.as_str(), core];
    candidates.iter().any(|c| list.contains(c) || repeated_unit(c).is_some_and(|u| u.chars().count() <= 3 || list.contains(u)))
}

/// The shortest unit that `s` repeats at least twice ("abcabc" → "abc"), if any.
fn repeated_unit(s: &str) -> Option<&str> {
    let len = s.len();
    (1..=len / 2)
        .filter(|&n| len.is_multiple_of(n) && s.is_char_boundary(n))
        .find(|&n| s.as_bytes().chunks(n).all(|chunk| chunk == &s.as_bytes()[..n]))
        .map(|n| &s[..n])
}

/// Hashes and verifies passwords with argon2id. Verification reads the parameters stored in
/// the hash, so raising the cost later does not lock anyone out.
#[derive(Clone)]
pub struct PasswordHasher {
    params: Params,
    dummy: OnceLock<String>,
}

impl std::fmt::Debug for PasswordHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordHasher").field("params", &self.params).finish()
    }
}

impl PasswordHasher {
    /// The production cost: argon2id, 19 MiB, 2 passes, 1 lane (OWASP's recommendation).
    pub fn production() -> PasswordHasher {
        PasswordHasher::with_params(Params::DEFAULT)
    }

    /// A cheap cost for tests (the same algorithm, 8 KiB and 1 pass): never in production.
    pub fn cheap_for_tests() -> PasswordHasher {
        let params = Params::new(Params::MIN_M_COST, 1, 1, None).unwrap_or(Params::DEFAULT);
        PasswordHasher::with_params(params)
    }

    fn with_params(params: Params) -> PasswordHasher {
        PasswordHasher { params, dummy: OnceLock::new() }
    }

    fn argon2(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }

    /// The PHC string of `password` (algorithm, parameters, salt and hash), to store.
    pub fn hash(&self, password: &NewPassword) -> Result<String, CryptoError> {
        self.hash_raw(password.expose())
    }

    fn hash_raw(&self, password: &str) -> Result<String, CryptoError> {
        let salt: [u8; 16] = random::bytes()?;
        let hash = self
            .argon2()
            .hash_password_with_salt(password.as_bytes(), &salt)
            .map_err(|e| CryptoError(format!("hachage argon2 : {e}")))?;
        Ok(hash.to_string())
    }

    /// Whether `password` matches the stored PHC string (false on an unreadable one).
    pub fn verify(&self, password: &str, stored: &str) -> bool {
        if password.chars().count() > MAX_CHARS {
            return false;
        }
        match PasswordHash::new(stored) {
            Ok(hash) => Argon2::default().verify_password(password.as_bytes(), &hash).is_ok(),
            Err(_) => false,
        }
    }

    /// Does the work of a verification against a hash that matches nothing, so that an
    /// unknown e-mail costs the same time as a wrong password (no account enumeration).
    /// Always false.
    pub fn verify_dummy(&self, password: &str) -> bool {
        let dummy = self.dummy.get_or_init(|| self.hash_raw("compte inexistant, hachage factice").unwrap_or_default());
        let _ = self.verify(password, dummy);
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_is_counted_in_characters() {
        assert_eq!(NewPassword::parse("éléphant-rê"), Err(PasswordError::TooShort)); // 11 characters, more bytes
        assert!(NewPassword::parse("éléphant-rêv").is_ok());
        assert_eq!(NewPassword::parse(&"x1".repeat(200)), Err(PasswordError::TooLong));
    }

    #[test]
    fn common_passwords_are_refused_also_with_decorations() {
        assert!(common_list_len() > 10_000, "the list holds {} entries", common_list_len());
        for p in ["1qaz2wsx3edc", "qwerty123456", "motdepasse2026", "Soleil2026!!!", "!!Marseille13!!", "azertyazerty", "aaaaaaaaaaaaaaa", "abcabcabcabc", "123456789012"] {
            assert_eq!(NewPassword::parse(p), Err(PasswordError::Common), "{p}");
        }
        for p in ["cheval correct agrafe", "Le chat dort 3 fois", "tX9#qL2!vR7@"] {
            assert!(NewPassword::parse(p).is_ok(), "{p}");
        }
    }

    #[test]
    fn messages_are_french() {
        assert_eq!(PasswordError::TooShort.to_string(), "le mot de passe doit compter au moins 12 caractères");
    }

    #[test]
    fn hash_and_verify_argon2id() {
        let h = PasswordHasher::cheap_for_tests();
        let stored = h.hash(&NewPassword::parse("cheval correct agrafe").unwrap()).unwrap();
        assert!(stored.starts_with("$argon2id$v=19$"), "{stored}");
        assert!(h.verify("cheval correct agrafe", &stored));
        assert!(!h.verify("cheval correct agrafE", &stored));
        assert!(!h.verify("cheval correct agrafe", "pas un hachage"));
        // Two hashes of one password differ (random salt).
        assert_ne!(stored, h.hash(&NewPassword::parse("cheval correct agrafe").unwrap()).unwrap());
        assert!(!h.verify_dummy("cheval correct agrafe"));
    }

    #[test]
    fn production_parameters_are_the_recommended_ones() {
        let p = PasswordHasher::production().params;
        assert_eq!((p.m_cost(), p.t_cost(), p.p_cost()), (19 * 1024, 2, 1));
        // A hash made with other parameters still verifies (parameters come from the hash).
        let cheap = PasswordHasher::cheap_for_tests().hash(&NewPassword::parse("cheval correct agrafe").unwrap()).unwrap();
        assert!(PasswordHasher::production().verify("cheval correct agrafe", &cheap));
    }
}
