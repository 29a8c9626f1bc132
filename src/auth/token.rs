//! Bearer tokens: random, shown once, stored as a SHA-256 hash.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// Every token starts with this prefix, so a leaked one is easy to recognise in logs and scans.
pub const TOKEN_PREFIX: &str = "dcs_";

/// A new random token: the prefix and 32 random bytes in hex (256 bits of entropy).
///
/// ```
/// let t = diachiso::auth::generate_token();
/// assert!(t.starts_with("dcs_") && t.len() == 4 + 64);
/// ```
pub fn generate_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{TOKEN_PREFIX}{}", hex::encode(bytes))
}

/// The hash under which a token is stored and looked up (hex SHA-256). Tokens have 256 bits of
/// entropy, so an unsalted fast hash is enough: there is nothing to brute-force.
///
/// ```
/// let h = diachiso::auth::hash_token("dcs_00");
/// assert_eq!(h.len(), 64);
/// assert_ne!(h, diachiso::auth::hash_token("dcs_01"));
/// ```
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}
