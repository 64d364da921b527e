//! Reference data: the counties of the prefecture, and names for scope pickers.

use super::entities::{county, expert, institution};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, QueryOrder};

/// 昌吉回族自治州 and its county-level units, by administrative division code.
pub const COUNTIES: &[(i64, &str, &str)] = &[
    (652301, "昌吉市", "Changji City"),
    (652302, "阜康市", "Fukang City"),
    (652323, "呼图壁县", "Hutubi County"),
    (652324, "玛纳斯县", "Manas County"),
    (652325, "奇台县", "Qitai County"),
    (652327, "吉木萨尔县", "Jimsar County"),
    (652328, "木垒哈萨克自治县", "Mori Kazakh Autonomous County"),
];

pub async fn counties<C: ConnectionTrait>(c: &C) -> Result<Vec<county::Model>, DbErr> {
    county::Entity::find()
        .order_by_asc(county::Column::Id)
        .all(c)
        .await
}

pub async fn institutions<C: ConnectionTrait>(c: &C) -> Result<Vec<institution::Model>, DbErr> {
    institution::Entity::find()
        .order_by_asc(institution::Column::Id)
        .all(c)
        .await
}

pub async fn experts<C: ConnectionTrait>(c: &C) -> Result<Vec<expert::Model>, DbErr> {
    expert::Entity::find()
        .order_by_asc(expert::Column::Id)
        .all(c)
        .await
}

pub async fn institution<C: ConnectionTrait>(
    c: &C,
    id: i64,
) -> Result<Option<institution::Model>, DbErr> {
    institution::Entity::find_by_id(id).one(c).await
}

pub async fn expert<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<expert::Model>, DbErr> {
    expert::Entity::find_by_id(id).one(c).await
}

pub async fn county<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<county::Model>, DbErr> {
    county::Entity::find_by_id(id).one(c).await
}
