//! The operating system's random source.

use crate::CryptoError;

/// `N` bytes from the operating system's cryptographic random source.
pub(crate) fn bytes<const N: usize>() -> Result<[u8; N], CryptoError> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(|e| CryptoError(format!("source aléatoire indisponible : {e}")))?;
    Ok(buf)
}
