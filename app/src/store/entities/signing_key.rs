//! 签名密钥: one key per signing party of the embedded signer; the secret is sealed
//! (ChaCha20-Poly1305) with the server's signing master key.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "signing_key")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// "expert:<id>" or "bureau:<county code>"
    pub party: String,
    pub algorithm: String,
    pub key_id: String,
    /// Hex public key
    pub public_key: String,
    /// base64(nonce ‖ ciphertext) of the secret key
    pub sealed_secret: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
