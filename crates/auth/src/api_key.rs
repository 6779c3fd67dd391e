//! API keys: `obs_<prefix>_<secret>`, where the prefix (8 random bytes in hex) is public and
//! identifies the key in lists and in the audit log, and the secret is 32 random bytes in
//! URL-safe base64, shown once.
//!
//! The database keeps HMAC-SHA256(pepper, key): keys are high-entropy, so a slow hash is not
//! needed, and the pepper (kept outside the database, in the server's environment) makes a
//! stolen table useless. Verification compares in constant time.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit as _, Mac as _};
use sha2::Sha256;
use subtle::ConstantTimeEq as _;

use crate::token::hex;
use crate::{CryptoError, random};

const SCHEME: &str = "obs";

/// The server's secret mixed into every stored key hash (32 bytes or more).
#[derive(Clone)]
pub struct ApiKeyPepper(Vec<u8>);

impl std::fmt::Debug for ApiKeyPepper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKeyPepper(***)")
    }
}

impl ApiKeyPepper {
    /// A pepper from its text (e.g. an environment variable); `None` when shorter than 32
    /// bytes, too weak to be worth having.
    pub fn new(secret: &str) -> Option<ApiKeyPepper> {
        (secret.len() >= 32).then(|| ApiKeyPepper(secret.as_bytes().to_vec()))
    }

    /// The stored hash of a full key (lowercase hex).
    pub fn hash(&self, key: &str) -> String {
        hex(&self.mac(key))
    }

    fn mac(&self, key: &str) -> Vec<u8> {
        // HMAC accepts keys of any length: this cannot fail.
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(key.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    /// Whether `key` matches `stored_hash`, compared in constant time.
    pub fn verify(&self, key: &str, stored_hash: &str) -> bool {
        let computed = self.hash(key);
        computed.len() == stored_hash.len() && bool::from(computed.as_bytes().ct_eq(stored_hash.as_bytes()))
    }

    /// Draws a new key.
    pub fn issue(&self) -> Result<IssuedKey, CryptoError> {
        let prefix = hex(&random::bytes::<8>()?);
        let secret = URL_SAFE_NO_PAD.encode(random::bytes::<32>()?);
        let key = format!("{SCHEME}_{prefix}_{secret}");
        let hash = self.hash(&key);
        Ok(IssuedKey { prefix, key, hash })
    }
}

/// A newly issued key.
#[derive(Clone)]
pub struct IssuedKey {
    /// Public identifier (16 hex digits).
    pub prefix: String,
    /// The full key, to show once and never store.
    pub key: String,
    /// What to store.
    pub hash: String,
}

impl std::fmt::Debug for IssuedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedKey").field("prefix", &self.prefix).finish_non_exhaustive()
    }
}

/// The public prefix of a key as presented by a client, if it has the key's shape.
pub fn prefix_of(key: &str) -> Option<&str> {
    let rest = key.strip_prefix(SCHEME)?.strip_prefix('_')?;
    let (prefix, secret) = rest.split_once('_')?;
    (prefix.len() == 16 && prefix.bytes().all(|b| b.is_ascii_hexdigit()) && secret.len() == 43).then_some(prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pepper() -> ApiKeyPepper {
        ApiKeyPepper::new("un poivre de test assez long pour servir").unwrap()
    }

    #[test]
    fn issued_keys_verify_and_expose_their_prefix() {
        let k = pepper().issue().unwrap();
        assert_eq!(prefix_of(&k.key), Some(k.prefix.as_str()));
        assert!(pepper().verify(&k.key, &k.hash));
        assert!(!k.hash.contains(&k.key[21..]));
        let mut tampered = k.key.clone();
        tampered.pop();
        tampered.push(if k.key.ends_with('A') { 'B' } else { 'A' });
        assert!(!pepper().verify(&tampered, &k.hash));
        // Another pepper (another server, or the database alone) does not verify it.
        assert!(!ApiKeyPepper::new("un autre poivre, assez long lui aussi !!").unwrap().verify(&k.key, &k.hash));
        assert!(!format!("{k:?}").contains(&k.key));
    }

    #[test]
    fn malformed_keys_and_weak_peppers_are_refused() {
        assert!(ApiKeyPepper::new("court").is_none());
        for bad in ["", "obs_", "obs_zz_x", "abc_0123456789abcdef_", "obs_0123456789abcdef_short"] {
            assert_eq!(prefix_of(bad), None, "{bad}");
        }
    }

    #[test]
    fn hmac_sha256_vector() {
        // RFC 4231 test case 2.
        let p = ApiKeyPepper(b"Jefe".to_vec());
        assert_eq!(p.hash("what do ya want for nothing?"), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }
}
