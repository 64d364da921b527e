//! The panel's opinion (鉴定意见书): its drafts, the experts' signatures, the bureau's seal, and
//! the signing keys of the embedded signer (secrets encrypted at rest).

use super::{a, big_pk_auto, tstz};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One key per signing party ("expert:<id>", "bureau:<county code>"); the secret is
        // sealed with the server's signing master key and never leaves the signer.
        m.create_table(
            Table::create()
                .table(a("signing_key"))
                .col(big_pk_auto(a("id")))
                .col(string_len(a("party"), 64))
                .col(string_len(a("algorithm"), 32))
                .col(string_len(a("key_id"), 64))
                .col(string_len(a("public_key"), 128))
                .col(text(a("sealed_secret")))
                .col(tstz("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("signing_key_party")
                .table(a("signing_key"))
                .col(a("party"))
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("signing_key_key_id")
                .table(a("signing_key"))
                .col(a("key_id"))
                .unique()
                .to_owned(),
        )
        .await?;

        // Every revision of a case's opinion; the current one is the highest revision whose
        // status is not "void". Sealing stores the bundle (canonical JSON) and the PDF's hash.
        m.create_table(
            Table::create()
                .table(a("opinion"))
                .col(big_pk_auto(a("id")))
                .col(big_integer(a("case_id")))
                .col(integer(a("revision")))
                .col(text(a("content")))
                .col(string_len(a("digest"), 64))
                .col(string_len(a("status"), 16))
                .col(big_integer(a("drafted_by")))
                .col(tstz("drafted_at"))
                .col(string_len_null(a("verify_code"), 32))
                .col(text_null(a("bundle")))
                .col(string_len_null(a("pdf_sha256"), 64))
                .col(big_integer_null(a("sealed_by")))
                .col(timestamp_with_time_zone_null(a("sealed_at")))
                .foreign_key(
                    ForeignKey::create()
                        .from(a("opinion"), a("case_id"))
                        .to(a("jd_case"), a("id")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("opinion_case_revision")
                .table(a("opinion"))
                .col(a("case_id"))
                .col(a("revision"))
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("opinion_verify_code")
                .table(a("opinion"))
                .col(a("verify_code"))
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("opinion_signature"))
                .col(big_pk_auto(a("id")))
                .col(big_integer(a("opinion_id")))
                .col(big_integer(a("expert_id")))
                .col(big_integer(a("user_id")))
                .col(text_null(a("dissent")))
                .col(string_len(a("algorithm"), 32))
                .col(string_len(a("key_id"), 64))
                .col(text(a("signature")))
                .col(tstz("signed_at"))
                .col(boolean(a("void")))
                .foreign_key(
                    ForeignKey::create()
                        .from(a("opinion_signature"), a("opinion_id"))
                        .to(a("opinion"), a("id")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("opinion_signature_opinion")
                .table(a("opinion_signature"))
                .col(a("opinion_id"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["opinion_signature", "opinion", "signing_key"] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}
