//! Password hashing with argon2id (default parameters of the `argon2` crate: m=19 MiB, t=2).

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;

pub fn hash(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

pub fn verify(stored: &str, password: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Spend the same time as a real check when the account does not exist, so timing does not
/// tell which user names exist.
pub fn verify_dummy(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let h = DUMMY.get_or_init(|| hash("dummy-password-for-timing").unwrap_or_default());
    let _ = verify(h, password);
}

/// [`hash`] on tokio's blocking pool: argon2 takes tens of milliseconds of CPU and must not
/// stall the async workers (two guesses in parallel would stall the whole server).
pub async fn hash_blocking(password: &str) -> Result<String, String> {
    let p = password.to_string();
    tokio::task::spawn_blocking(move || hash(&p))
        .await
        .map_err(|e| e.to_string())?
}

/// [`verify`] on tokio's blocking pool (see [`hash_blocking`]).
pub async fn verify_blocking(stored: &str, password: &str) -> bool {
    let (h, p) = (stored.to_string(), password.to_string());
    tokio::task::spawn_blocking(move || verify(&h, &p))
        .await
        .unwrap_or(false)
}

/// [`verify_dummy`] on tokio's blocking pool.
pub async fn verify_dummy_blocking(password: &str) {
    let p = password.to_string();
    let _ = tokio::task::spawn_blocking(move || verify_dummy(&p)).await;
}

/// A one-time password for accounts created or reset by an administrator: 16 characters from
/// an alphabet without look-alikes (about 90 bits).
pub fn one_time_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    // Rejection sampling keeps every character equally likely.
    let limit = (256 / ALPHABET.len() * ALPHABET.len()) as u8;
    let mut out = String::with_capacity(16);
    while out.len() < 16 {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).expect("OS random source");
        for b in bytes {
            if b < limit && out.len() < 16 {
                out.push(ALPHABET[(b as usize) % ALPHABET.len()] as char);
            }
        }
    }
    out
}
