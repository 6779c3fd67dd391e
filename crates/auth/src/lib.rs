//! Pure security primitives for the back office's accounts: no database, no HTTP.
//!
//! - [`password`]: argon2id hashing ([`PasswordHasher`]) and the password policy
//!   ([`NewPassword`]: 12 characters or more, not a common password).
//! - [`token`]: single-use secrets for "set your password" and reset links ([`SecretToken`]),
//!   stored as their SHA-256 only.
//! - [`api_key`]: API keys shown once, identified by a public prefix and stored as
//!   HMAC-SHA256(pepper, key), compared in constant time ([`ApiKeyPepper`], [`IssuedKey`]).
//! - [`totp`]: RFC 6238 one-time codes (SHA-1, 6 digits, 30 s, ±1 step) with replay
//!   protection by the last accepted step, and `otpauth://` URIs ([`TotpSecret`]).
//!
//! ```
//! use obs_auth::{NewPassword, PasswordHasher};
//! let hasher = PasswordHasher::cheap_for_tests();
//! let password = NewPassword::parse("cheval correct agrafe").unwrap();
//! let stored = hasher.hash(&password).unwrap();
//! assert!(hasher.verify("cheval correct agrafe", &stored));
//! assert!(NewPassword::parse("motdepasse2026").is_err());
//! ```
//!
//! It deliberately stores nothing and knows no account: callers (the `accounts` use cases)
//! keep the hashes and decide what a failure means.

#![deny(missing_docs)]

pub mod api_key;
mod base32;
pub mod password;
mod random;
pub mod token;
pub mod totp;

pub use api_key::{ApiKeyPepper, IssuedKey};
pub use password::{NewPassword, PasswordError, PasswordHasher};
pub use token::{SecretToken, TokenHash};
pub use totp::TotpSecret;

/// The failure of a primitive that should not fail (the system's random source, a hash
/// parameter): not the user's fault.
#[derive(Debug, thiserror::Error)]
#[error("erreur interne de sécurité : {0}")]
pub struct CryptoError(String);
