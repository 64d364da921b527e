//! Signatures (电子签名) of experts and bureaus, behind the [`Signer`] interface.
//!
//! The embedded edition ([`EmbeddedSigner`]) keeps one Ed25519 key per signing party
//! ("expert:<id>", "bureau:<county code>") in the `signing_key` table. The secret key is sealed
//! with ChaCha20-Poly1305 under a master key from the server's configuration
//! (`JIANDING_SIGNING_KEY`, or a file `signing.key` in the data directory, made on first start),
//! so a copy of the database alone cannot sign. A CA certificate, a UKey or a government e-seal
//! service can replace it: it implements [`Signer`] and records its own algorithm name, and
//! [`verify`] learns that algorithm.
//!
//! A signature is recorded with its algorithm, key id and the signer's public key, so anyone can
//! check it; the check also confirms that the key is the one on record for that party.

use super::entities::signing_key;
use base64::Engine;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
};
use sha2::{Digest, Sha256};

pub const ED25519: &str = "ed25519";

/// Hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Signs for a party with a key it made. Implementations: [`EmbeddedSigner`]; later a CA, UKey
/// or e-seal service.
pub trait Signer: Send + Sync {
    /// The algorithm recorded with each signature (what [`verify`] dispatches on).
    fn algorithm(&self) -> &'static str;
    /// A new key: (hex public key, sealed secret as stored).
    fn generate(&self) -> Result<(String, String), String>;
    /// The hex signature of `msg` with the sealed secret of a key this signer made.
    fn sign(&self, sealed_secret: &str, msg: &[u8]) -> Result<String, String>;
}

/// Ed25519 keys whose secrets are sealed with a master key.
pub struct EmbeddedSigner {
    master: [u8; 32],
}

impl EmbeddedSigner {
    pub fn new(master: [u8; 32]) -> Self {
        EmbeddedSigner { master }
    }

    /// The master key from `JIANDING_SIGNING_KEY` (64 hex digits) or from `<data_dir>/signing.key`,
    /// which is created (random, mode 0600) when missing.
    pub fn from_config(data_dir: &std::path::Path) -> std::io::Result<Self> {
        let parse = |s: &str| -> Option<[u8; 32]> {
            let v = hex::decode(s.trim()).ok()?;
            v.try_into().ok()
        };
        if let Ok(v) = std::env::var("JIANDING_SIGNING_KEY") {
            return parse(&v).map(Self::new).ok_or_else(|| {
                std::io::Error::other("JIANDING_SIGNING_KEY must be 64 hex digits")
            });
        }
        let path = data_dir.join("signing.key");
        if let Ok(text) = std::fs::read_to_string(&path) {
            return parse(&text).map(Self::new).ok_or_else(|| {
                std::io::Error::other(format!("{} is not 64 hex digits", path.display()))
            });
        }
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).map_err(|e| std::io::Error::other(e.to_string()))?;
        std::fs::create_dir_all(data_dir)?;
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        use std::io::Write;
        opts.open(&path)?.write_all(hex::encode(key).as_bytes())?;
        Ok(Self::new(key))
    }

    fn cipher(&self) -> chacha20poly1305::ChaCha20Poly1305 {
        use chacha20poly1305::KeyInit;
        chacha20poly1305::ChaCha20Poly1305::new(&self.master.into())
    }
}

impl Signer for EmbeddedSigner {
    fn algorithm(&self) -> &'static str {
        ED25519
    }

    fn generate(&self) -> Result<(String, String), String> {
        use chacha20poly1305::aead::Aead;
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).map_err(|e| e.to_string())?;
        let key = ed25519_dalek::SigningKey::from_bytes(&secret);
        let mut nonce = [0u8; 12];
        getrandom::fill(&mut nonce).map_err(|e| e.to_string())?;
        let sealed = self
            .cipher()
            .encrypt(&nonce.into(), secret.as_slice())
            .map_err(|_| "seal failed".to_string())?;
        let mut stored = nonce.to_vec();
        stored.extend_from_slice(&sealed);
        Ok((
            hex::encode(key.verifying_key().to_bytes()),
            base64::engine::general_purpose::STANDARD.encode(stored),
        ))
    }

    fn sign(&self, sealed_secret: &str, msg: &[u8]) -> Result<String, String> {
        use chacha20poly1305::aead::Aead;
        use ed25519_dalek::Signer as _;
        let stored = base64::engine::general_purpose::STANDARD
            .decode(sealed_secret)
            .map_err(|_| "sealed secret unreadable".to_string())?;
        if stored.len() < 12 {
            return Err("sealed secret unreadable".into());
        }
        let (nonce, ct) = stored.split_at(12);
        let nonce: [u8; 12] = nonce.try_into().map_err(|_| "bad nonce".to_string())?;
        let secret = self
            .cipher()
            .decrypt(&nonce.into(), ct)
            .map_err(|_| "the signing master key does not open this key".to_string())?;
        let secret: [u8; 32] = secret
            .try_into()
            .map_err(|_| "sealed secret has the wrong length".to_string())?;
        let key = ed25519_dalek::SigningKey::from_bytes(&secret);
        Ok(hex::encode(key.sign(msg).to_bytes()))
    }
}

/// Checks a signature of any algorithm this system knows (strict Ed25519: no malleable forms).
pub fn verify(algorithm: &str, public_key: &str, msg: &[u8], signature: &str) -> bool {
    if algorithm != ED25519 {
        return false;
    }
    let (Ok(pk), Ok(sig)) = (hex::decode(public_key), hex::decode(signature)) else {
        return false;
    };
    // Hex accepts upper case too: only the canonical (lower-case) spelling counts.
    if hex::encode(&pk) != public_key || hex::encode(&sig) != signature {
        return false;
    }
    let (Ok(pk), Ok(sig)) = (<[u8; 32]>::try_from(pk), <[u8; 64]>::try_from(sig)) else {
        return false;
    };
    let Ok(vk) = ed25519_dalek::VerifyingKey::from_bytes(&pk) else {
        return false;
    };
    vk.verify_strict(msg, &ed25519_dalek::Signature::from_bytes(&sig))
        .is_ok()
}

/// The key id of a public key: algorithm and the first 16 hex digits of its SHA-256.
pub fn key_id(algorithm: &str, public_key: &str) -> String {
    format!("{algorithm}:{}", &sha256_hex(public_key.as_bytes())[..16])
}

pub fn expert_party(expert: i64) -> String {
    format!("expert:{expert}")
}

pub fn bureau_party(county: i64) -> String {
    format!("bureau:{county}")
}

/// The prefecture bureau's signing party (its seal on prefecture cases).
pub fn prefecture_party() -> String {
    "bureau:prefecture".into()
}

/// The name on the prefecture's seal.
pub const PREFECTURE_BUREAU: &str = "昌吉州教育局";

/// The party's key, made on first use.
pub async fn key_for<C: ConnectionTrait>(
    c: &C,
    signer: &dyn Signer,
    party: &str,
    now: DateTime<Utc>,
) -> Result<signing_key::Model, DbErr> {
    if let Some(k) = signing_key::Entity::find()
        .filter(signing_key::Column::Party.eq(party))
        .one(c)
        .await?
    {
        return Ok(k);
    }
    let (public_key, sealed) = signer.generate().map_err(DbErr::Custom)?;
    signing_key::ActiveModel {
        party: Set(party.to_string()),
        algorithm: Set(signer.algorithm().to_string()),
        key_id: Set(key_id(signer.algorithm(), &public_key)),
        public_key: Set(public_key),
        sealed_secret: Set(sealed),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(c)
    .await
}

/// Signs `msg` as `party`: the key used and the hex signature.
pub async fn sign_as<C: ConnectionTrait>(
    c: &C,
    signer: &dyn Signer,
    party: &str,
    msg: &[u8],
    now: DateTime<Utc>,
) -> Result<(signing_key::Model, String), DbErr> {
    let key = key_for(c, signer, party, now).await?;
    if key.algorithm != signer.algorithm() {
        return Err(DbErr::Custom(format!(
            "key of {party} is {}, the signer makes {}",
            key.algorithm,
            signer.algorithm()
        )));
    }
    let sig = signer
        .sign(&key.sealed_secret, msg)
        .map_err(DbErr::Custom)?;
    Ok((key, sig))
}

/// The key on record for a key id.
pub async fn key_by_id<C: ConnectionTrait>(
    c: &C,
    key_id: &str,
) -> Result<Option<signing_key::Model>, DbErr> {
    signing_key::Entity::find()
        .filter(signing_key::Column::KeyId.eq(key_id))
        .one(c)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_and_verifies_and_a_foreign_master_key_cannot_sign() {
        let s = EmbeddedSigner::new([7; 32]);
        let (pk, sealed) = s.generate().unwrap();
        let sig = s.sign(&sealed, b"hello").unwrap();
        assert!(verify(ED25519, &pk, b"hello", &sig));
        assert!(!verify(ED25519, &pk, b"hellO", &sig));
        assert!(!verify(ED25519, &pk.to_uppercase(), b"hello", &sig));
        assert!(!verify("rsa", &pk, b"hello", &sig));
        assert!(EmbeddedSigner::new([8; 32])
            .sign(&sealed, b"hello")
            .is_err());
        // The sealed secret is not the secret in the clear.
        assert!(!sealed.contains(&pk));
        assert_eq!(key_id(ED25519, &pk).len(), "ed25519:".len() + 16);
    }

    #[test]
    fn the_master_key_file_is_made_once_and_reused() {
        let dir = std::env::temp_dir().join(format!("jd-signing-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let a = EmbeddedSigner::from_config(&dir).unwrap();
        let b = EmbeddedSigner::from_config(&dir).unwrap();
        assert_eq!(a.master, b.master);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.join("signing.key"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
