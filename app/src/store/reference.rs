//! Reference data: the counties of the prefecture, and names for scope pickers.

use super::entities::{county, expert, institution, user_account};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

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

/// Institution names by id.
pub async fn institution_names<C: ConnectionTrait>(c: &C) -> Result<HashMap<i64, String>, DbErr> {
    Ok(institutions(c)
        .await?
        .into_iter()
        .map(|i| (i.id, i.name))
        .collect())
}

/// County names (Chinese) by id.
pub async fn county_names<C: ConnectionTrait>(c: &C) -> Result<HashMap<i64, String>, DbErr> {
    Ok(counties(c)
        .await?
        .into_iter()
        .map(|x| (x.id, x.name_zh))
        .collect())
}

/// Display names of some accounts, by id.
pub async fn display_names<C: ConnectionTrait>(
    c: &C,
    ids: Vec<i64>,
) -> Result<HashMap<i64, String>, DbErr> {
    Ok(user_account::Entity::find()
        .filter(user_account::Column::Id.is_in(ids))
        .all(c)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect())
}

/// Whether another institution already uses a 统一社会信用代码.
pub async fn uscc_taken<C: ConnectionTrait>(c: &C, uscc: &str, except: i64) -> Result<bool, DbErr> {
    Ok(institution::Entity::find()
        .filter(institution::Column::Uscc.eq(uscc))
        .filter(institution::Column::Id.ne(except))
        .one(c)
        .await?
        .is_some())
}
