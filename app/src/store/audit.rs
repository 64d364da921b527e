//! 审计链: the append-only audit trail. Each event carries the hash of the previous one:
//! `hash = SHA-256(prev_hash ‖ canonical(event))`, where the canonical encoding writes every
//! field as `<byte length>:<value>;` in a fixed order, so no two events encode alike.

use super::entities::{audit_event, audit_head};
use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait, QueryOrder, QuerySelect};
use sha2::{Digest, Sha256};

/// What happened, by whom, to what.
#[derive(Debug, Clone)]
pub struct Entry {
    pub actor_id: Option<i64>,
    /// Role code of the actor, or "anonymous" / "system".
    pub actor_role: String,
    pub address: String,
    /// e.g. "auth.login", "auth.login_failed", "account.create"
    pub action: String,
    /// e.g. "user_account:12"
    pub object: String,
    pub details: serde_json::Value,
}

impl Entry {
    pub fn new(action: &str, object: impl Into<String>) -> Self {
        Entry {
            actor_id: None,
            actor_role: "system".into(),
            address: String::new(),
            action: action.into(),
            object: object.into(),
            details: serde_json::Value::Object(Default::default()),
        }
    }
    pub fn by(mut self, actor_id: Option<i64>, role: &str, address: &str) -> Self {
        self.actor_id = actor_id;
        self.actor_role = role.into();
        self.address = address.into();
        self
    }
    pub fn details(mut self, details: serde_json::Value) -> Self {
        self.details = details;
        self
    }
}

/// Who makes a change and from where: what a store operation needs to audit the change it
/// makes in the same transaction.
#[derive(Debug, Clone)]
pub struct By<'a> {
    pub actor: &'a crate::domain::role::Actor,
    pub address: String,
}

impl By<'_> {
    /// An event by this actor from this address.
    pub fn entry(&self, action: &str, object: impl Into<String>) -> Entry {
        Entry::new(action, object).by(
            Some(self.actor.user_id.0),
            self.actor.role.code(),
            &self.address,
        )
    }
}

fn field(out: &mut String, v: &str) {
    out.push_str(&v.len().to_string());
    out.push(':');
    out.push_str(v);
    out.push(';');
}

/// The canonical text of an event, the input of its hash.
pub fn canonical(e: &audit_event::Model) -> String {
    let mut s = String::new();
    field(&mut s, &e.seq.to_string());
    field(&mut s, &e.at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string());
    field(
        &mut s,
        &e.actor_id.map(|i| i.to_string()).unwrap_or_default(),
    );
    field(&mut s, &e.actor_role);
    field(&mut s, &e.address);
    field(&mut s, &e.action);
    field(&mut s, &e.object);
    field(&mut s, &e.details);
    s
}

pub fn event_hash(prev_hash: &str, e: &audit_event::Model) -> String {
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    h.update(canonical(e).as_bytes());
    hex::encode(h.finalize())
}

/// Appends one event. Call inside a transaction opened with `tx::begin_write`.
pub async fn append<C: ConnectionTrait>(
    c: &C,
    entry: Entry,
    now: DateTime<Utc>,
) -> Result<audit_event::Model, DbErr> {
    let head = audit_head::Entity::find_by_id(1)
        .one(c)
        .await?
        .ok_or_else(|| DbErr::Custom("audit head row missing".into()))?;
    let mut ev = audit_event::Model {
        seq: head.seq + 1,
        at: now.trunc_subsecs(6),
        actor_id: entry.actor_id,
        actor_role: entry.actor_role,
        address: entry.address,
        action: entry.action,
        object: entry.object,
        details: entry.details.to_string(),
        prev_hash: head.hash.clone(),
        hash: String::new(),
    };
    ev.hash = event_hash(&head.hash, &ev);
    let am = audit_event::ActiveModel {
        seq: Set(ev.seq),
        at: Set(ev.at),
        actor_id: Set(ev.actor_id),
        actor_role: Set(ev.actor_role.clone()),
        address: Set(ev.address.clone()),
        action: Set(ev.action.clone()),
        object: Set(ev.object.clone()),
        details: Set(ev.details.clone()),
        prev_hash: Set(ev.prev_hash.clone()),
        hash: Set(ev.hash.clone()),
    };
    audit_event::Entity::insert(am)
        .exec_without_returning(c)
        .await?;
    let head_am = audit_head::ActiveModel {
        id: Set(1),
        seq: Set(ev.seq),
        hash: Set(ev.hash.clone()),
        touched_at: Set(now),
    };
    audit_head::Entity::update(head_am).exec(c).await?;
    Ok(ev)
}

/// Outcome of `verify`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The whole chain checks out.
    Ok { count: u64 },
    /// The first place where it does not.
    Broken { seq: i64, reason: String },
}

/// Walks the whole chain in order and recomputes every hash.
pub async fn verify<C: ConnectionTrait>(c: &C) -> Result<Verdict, DbErr> {
    const PAGE: u64 = 2000;
    let mut expected_seq = 1i64;
    let mut prev = "0".repeat(64);
    let mut count = 0u64;
    loop {
        let page = audit_event::Entity::find()
            .order_by_asc(audit_event::Column::Seq)
            .offset(count)
            .limit(PAGE)
            .all(c)
            .await?;
        let n = page.len() as u64;
        for e in page {
            if e.seq != expected_seq {
                return Ok(Verdict::Broken {
                    seq: expected_seq,
                    reason: format!("event {expected_seq} is missing (next present: {})", e.seq),
                });
            }
            if e.prev_hash != prev {
                return Ok(Verdict::Broken {
                    seq: e.seq,
                    reason: "previous-hash link does not match".into(),
                });
            }
            let h = event_hash(&prev, &e);
            if h != e.hash {
                return Ok(Verdict::Broken {
                    seq: e.seq,
                    reason: "content does not match its hash".into(),
                });
            }
            prev = h;
            expected_seq += 1;
            count += 1;
        }
        if n < PAGE {
            break;
        }
    }
    let head = audit_head::Entity::find_by_id(1)
        .one(c)
        .await?
        .ok_or_else(|| DbErr::Custom("audit head row missing".into()))?;
    if head.seq != expected_seq - 1 || head.hash != prev {
        return Ok(Verdict::Broken {
            seq: expected_seq,
            reason: format!(
                "chain ends at {} but the head records {}: events were removed at the end",
                expected_seq - 1,
                head.seq
            ),
        });
    }
    Ok(Verdict::Ok { count })
}

// ---------------------------------------------------------------------------------------------
// Reading the log
// ---------------------------------------------------------------------------------------------

/// Whether an action records a refusal (a failed or throttled sign-in or password re-entry).
pub fn is_failure(action: &str) -> bool {
    action.ends_with("_failed") || action.ends_with("_throttled")
}

/// What the audit page asks for; every part optional.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Events at or after / before these instants.
    pub from: Option<DateTime<Utc>>,
    pub before: Option<DateTime<Utc>>,
    pub actor_id: Option<i64>,
    /// Events about this object (e.g. "case:12").
    pub object: Option<String>,
    /// Actions starting with this (e.g. "auth." or "case.accept").
    pub action: String,
    /// `Some(true)`: refusals only; `Some(false)`: everything else.
    pub failed: Option<bool>,
    /// A county's part: events about its cases, institutions, experts and staff accounts
    /// (refused sign-ins with their user names too), and the acts of its staff.
    pub county: Option<i64>,
}

/// One page of matching events, newest first, and how many match in all.
pub async fn search<C: ConnectionTrait>(
    c: &C,
    f: &Filter,
    offset: u64,
    limit: u64,
) -> Result<(Vec<audit_event::Model>, u64), DbErr> {
    use super::entities::{expert, institution, jd_case, user_account};
    use sea_orm::sea_query::{Condition, Expr, Query};
    use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter};
    let mut q = audit_event::Entity::find();
    if let Some(t) = f.from {
        q = q.filter(audit_event::Column::At.gte(t));
    }
    if let Some(t) = f.before {
        q = q.filter(audit_event::Column::At.lt(t));
    }
    if let Some(a) = f.actor_id {
        q = q.filter(audit_event::Column::ActorId.eq(a));
    }
    if let Some(o) = &f.object {
        q = q.filter(audit_event::Column::Object.eq(o.as_str()));
    }
    if !f.action.is_empty() {
        q = q.filter(audit_event::Column::Action.starts_with(f.action.as_str()));
    }
    match f.failed {
        Some(true) => {
            q = q.filter(
                Condition::any()
                    .add(audit_event::Column::Action.ends_with("_failed"))
                    .add(audit_event::Column::Action.ends_with("_throttled")),
            )
        }
        Some(false) => {
            q = q
                .filter(audit_event::Column::Action.not_like("%_failed"))
                .filter(audit_event::Column::Action.not_like("%_throttled"))
        }
        None => {}
    }
    if let Some(county) = f.county {
        // "kind:id" of each object of the county, built by the database.
        let ids = |prefix: &str| Expr::cust(format!("'{prefix}:' || CAST(id AS TEXT)"));
        let cases = Query::select()
            .expr(ids("case"))
            .from(jd_case::Entity)
            .and_where(jd_case::Column::CountyId.eq(county))
            .to_owned();
        let institutions = Query::select()
            .expr(ids("institution"))
            .from(institution::Entity)
            .and_where(institution::Column::CountyId.eq(county))
            .to_owned();
        let experts = Query::select()
            .expr(ids("expert"))
            .from(expert::Entity)
            .and_where(expert::Column::CountyId.eq(county))
            .to_owned();
        let accounts = Query::select()
            .expr(ids("user_account"))
            .from(user_account::Entity)
            .and_where(user_account::Column::CountyId.eq(county))
            .to_owned();
        // Refused sign-ins name the user name tried.
        let names = Query::select()
            .expr(Expr::cust("'username:' || username"))
            .from(user_account::Entity)
            .and_where(user_account::Column::CountyId.eq(county))
            .to_owned();
        let staff = Query::select()
            .column(user_account::Column::Id)
            .from(user_account::Entity)
            .and_where(user_account::Column::CountyId.eq(county))
            .to_owned();
        q = q.filter(
            Condition::any()
                .add(audit_event::Column::Object.in_subquery(cases))
                .add(audit_event::Column::Object.in_subquery(institutions))
                .add(audit_event::Column::Object.in_subquery(experts))
                .add(audit_event::Column::Object.in_subquery(accounts))
                .add(audit_event::Column::Object.in_subquery(names))
                .add(audit_event::Column::ActorId.in_subquery(staff)),
        );
    }
    let total = q.clone().count(c).await?;
    let rows = q
        .order_by_desc(audit_event::Column::Seq)
        .offset(offset)
        .limit(limit)
        .all(c)
        .await?;
    Ok((rows, total))
}

/// The id of the case with this number, as the log's object ("case:12").
pub async fn case_object<C: ConnectionTrait>(c: &C, number: &str) -> Result<Option<String>, DbErr> {
    use super::entities::jd_case;
    use sea_orm::{ColumnTrait, QueryFilter};
    Ok(jd_case::Entity::find()
        .filter(jd_case::Column::Number.eq(number))
        .one(c)
        .await?
        .map(|k| format!("case:{}", k.id)))
}

/// "username（name）" of each of these accounts, by id.
pub async fn actor_names<C: ConnectionTrait>(
    c: &C,
    ids: Vec<i64>,
) -> Result<std::collections::HashMap<i64, String>, DbErr> {
    use super::entities::user_account;
    use sea_orm::{ColumnTrait, QueryFilter};
    Ok(user_account::Entity::find()
        .filter(user_account::Column::Id.is_in(ids))
        .all(c)
        .await?
        .into_iter()
        .map(|a| (a.id, format!("{}（{}）", a.username, a.display_name)))
        .collect())
}
