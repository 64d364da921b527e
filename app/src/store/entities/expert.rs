//! 鉴定专家: a member of the expert pool (DOMAIN §3).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "expert")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub employer: String,
    /// 职称: "zhongji" (中级), "fugaoji" (副高级), "zhenggaoji" (正高级)
    pub title: String,
    /// "subject" (学科/教学专家) or "legal" (法律专家)
    pub kind: String,
    /// JSON array of `ItemDomain` codes (擅长领域)
    pub subjects: String,
    /// JSON array of stage codes
    pub stages: String,
    /// JSON array of `SchoolSubject` codes (任教学科)
    pub school_subjects: String,
    /// Region: the county the expert belongs to; None = prefecture pool.
    pub county_id: Option<i64>,
    pub phone: String,
    pub term_start: Date,
    pub term_end: Date,
    /// "active", "suspended", "removed"
    pub status: String,
    pub status_reason: String,
    /// JSON `PoolAffiliations`: posts at institutions (own and close relatives'), economic
    /// interests, for recusal
    pub affiliations: String,
    /// 本人未在校外培训机构任职、兼职 (the expert's own declaration)
    pub declares_no_post: bool,
    /// 近亲属未在校外培训机构任职、兼职
    pub declares_relatives_no_post: bool,
    /// 本人从未在校外培训机构兼职 (guide 五(五)).
    pub declares_no_part_time_history: bool,
    /// When the expert last confirmed the declarations.
    pub declared_at: Option<DateTimeUtc>,
    /// Not available for draws from … until … (inclusive).
    pub unavailable_from: Option<Date>,
    pub unavailable_until: Option<Date>,
    pub availability_note: String,
    /// The title certificate (职称证书) uploaded: its blob, file name and type, and when.
    pub title_cert_sha256: Option<String>,
    pub title_cert_name: String,
    pub title_cert_type: String,
    pub title_cert_at: Option<DateTimeUtc>,
    /// When and by whom (name) the pool manager checked the title against the certificate;
    /// `None` while unchecked.
    pub title_verified_at: Option<DateTimeUtc>,
    pub title_verified_by: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
