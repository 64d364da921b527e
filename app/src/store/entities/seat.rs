//! 专家席位: one expert's invitation to a case's panel and its answer.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "seat")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub case_id: i64,
    /// The draw that seated the expert (a backup keeps its draw)
    pub draw_id: i64,
    /// Position in the draw's panel (0 = panel lead's seat)
    pub seat_index: i32,
    pub expert_id: i64,
    /// `SeatRole` code: "subject", "legal", "member"
    pub role: String,
    /// 组长
    pub lead: bool,
    /// `SeatStatus` code
    pub status: String,
    pub declaration_signed: bool,
    /// Reason of a decline or conflict, or of a replacement
    pub answer_reason: String,
    pub invited_at: DateTimeUtc,
    /// Last day to answer the invitation (China date)
    pub respond_by: Date,
    pub answered_at: Option<DateTimeUtc>,
    pub sheet_submitted: bool,
    pub opinion_signed: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// The seat's status (an unknown stored code is an error, see `store::decode`).
    pub fn seat_status(&self) -> Result<crate::domain::case::SeatStatus, DbErr> {
        crate::store::decode(&self.status)
    }

    /// The seat's role on the panel.
    pub fn seat_role(&self) -> Result<crate::domain::draw::SeatRole, DbErr> {
        crate::store::decode(&self.role)
    }

    /// The seat counts towards the panel (invited or accepted).
    pub fn is_active(&self) -> Result<bool, DbErr> {
        Ok(self.seat_status()?.is_active())
    }
}
