//! Single-use secrets for links sent to a person ("set your password", "reset your
//! password") and for session cookies: 32 random bytes in URL-safe base64, of which only the
//! SHA-256 is stored, so a copy of the database does not give working links or sessions.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest as _, Sha256};

use crate::{CryptoError, random};

/// A freshly drawn secret: give [`SecretToken::secret`] to the person once, store
/// [`SecretToken::hash`].
#[derive(Clone)]
pub struct SecretToken {
    secret: String,
    hash: TokenHash,
}

impl std::fmt::Debug for SecretToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretToken").field("hash", &self.hash).finish_non_exhaustive()
    }
}

impl SecretToken {
    /// Draws a new secret.
    pub fn generate() -> Result<SecretToken, CryptoError> {
        let secret = URL_SAFE_NO_PAD.encode(random::bytes::<32>()?);
        let hash = TokenHash::of(&secret);
        Ok(SecretToken { secret, hash })
    }

    /// The secret, for the link or the cookie (43 URL-safe characters).
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// What to store.
    pub fn hash(&self) -> &TokenHash {
        &self.hash
    }
}

/// The stored form of a secret: its SHA-256, in lowercase hexadecimal. Looking a secret up by
/// its hash needs no constant-time comparison: the hash of a guess reveals nothing of others.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TokenHash(String);

impl TokenHash {
    /// The hash of a secret presented by a person (from a link or a cookie).
    pub fn of(secret: &str) -> TokenHash {
        TokenHash(hex(&Sha256::digest(secret.as_bytes())))
    }

    /// A hash read back from storage.
    pub fn from_stored(hex: String) -> TokenHash {
        TokenHash(hex)
    }

    /// The hexadecimal text to store.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_random_url_safe_and_stored_hashed() {
        let a = SecretToken::generate().unwrap();
        let b = SecretToken::generate().unwrap();
        assert_ne!(a.secret(), b.secret());
        assert_eq!(a.secret().len(), 43);
        assert!(a.secret().chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_eq!(a.hash(), &TokenHash::of(a.secret()));
        assert_ne!(a.hash().as_str(), a.secret());
        assert!(!format!("{a:?}").contains(a.secret()));
    }

    #[test]
    fn sha256_vector() {
        assert_eq!(TokenHash::of("abc").as_str(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
