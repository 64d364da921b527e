//! Roles (角色) and the actor: who is asking, and within which scope (DOMAIN §2).

use super::ids::{CountyId, ExpertId, InstitutionId, UserId};
use serde::{Deserialize, Serialize};

coded! {
    /// A role a user account holds. Exactly one per account.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Role("role") {
        /// 培训机构 — own institution only.
        InstitutionUser = "institution_user",
        /// 鉴定专家 — only cases they are drawn for and accepted.
        Expert = "expert",
        /// 县（市）教育局经办人.
        CountyClerk = "county_clerk",
        /// 县（市）教育局负责人.
        CountyDirector = "county_director",
        /// 州教育局经办人.
        PrefectureClerk = "prefecture_clerk",
        /// 州教育局负责人.
        PrefectureDirector = "prefecture_director",
        /// 监督人员 — read-only witness, county or prefecture.
        Observer = "observer",
        /// 系统管理员 — accounts and settings; cannot score, seal or alter records.
        Admin = "admin",
    }
}

impl Role {
    /// Which kind of scope an account of this role must be given.
    pub fn scope_kind(self) -> ScopeKind {
        match self {
            Role::InstitutionUser => ScopeKind::Institution,
            Role::Expert => ScopeKind::Expert,
            Role::CountyClerk | Role::CountyDirector => ScopeKind::County,
            Role::PrefectureClerk | Role::PrefectureDirector => ScopeKind::Prefecture,
            Role::Observer => ScopeKind::CountyOrPrefecture,
            Role::Admin => ScopeKind::System,
        }
    }

    /// A post one person holds (an expert's own record, a bureau's director): at most one active
    /// account may stand for it, so that nobody else can accept, score, sign or seal as them.
    pub fn single_holder(self) -> bool {
        matches!(
            self,
            Role::Expert | Role::CountyDirector | Role::PrefectureDirector
        )
    }

    pub fn is_bureau(self) -> bool {
        matches!(
            self,
            Role::CountyClerk
                | Role::CountyDirector
                | Role::PrefectureClerk
                | Role::PrefectureDirector
        )
    }
}

/// The kind of scope a role requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    Institution,
    Expert,
    County,
    Prefecture,
    CountyOrPrefecture,
    System,
}

/// Where an actor's authority reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Scope {
    /// One institution.
    Institution(InstitutionId),
    /// One expert's own record and the cases they sit on.
    Expert(ExpertId),
    /// One county-level unit.
    County(CountyId),
    /// The whole prefecture (昌吉州).
    Prefecture,
    /// The system itself (administrator): accounts and settings only.
    System,
}

impl Scope {
    pub fn fits(self, role: Role) -> bool {
        matches!(
            (role.scope_kind(), self),
            (ScopeKind::Institution, Scope::Institution(_))
                | (ScopeKind::Expert, Scope::Expert(_))
                | (ScopeKind::County, Scope::County(_))
                | (ScopeKind::Prefecture, Scope::Prefecture)
                | (ScopeKind::CountyOrPrefecture, Scope::County(_))
                | (ScopeKind::CountyOrPrefecture, Scope::Prefecture)
                | (ScopeKind::System, Scope::System)
        )
    }
}

/// Who is asking: the signed-in user, their role and scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub user_id: UserId,
    pub role: Role,
    pub scope: Scope,
}

impl Actor {
    /// An actor only exists with a scope that fits its role.
    pub fn new(user_id: UserId, role: Role, scope: Scope) -> Option<Actor> {
        scope.fits(role).then_some(Actor {
            user_id,
            role,
            scope,
        })
    }

    pub fn county(&self) -> Option<CountyId> {
        match self.scope {
            Scope::County(c) => Some(c),
            _ => None,
        }
    }

    pub fn institution(&self) -> Option<InstitutionId> {
        match self.scope {
            Scope::Institution(i) => Some(i),
            _ => None,
        }
    }

    pub fn expert(&self) -> Option<ExpertId> {
        match self.scope {
            Scope::Expert(e) => Some(e),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::from_code(r.code()), Some(r));
        }
        assert_eq!(Role::from_code("root"), None);
    }

    #[test]
    fn scope_must_fit_role() {
        let u = UserId(1);
        assert!(Actor::new(u, Role::CountyClerk, Scope::County(CountyId(652301))).is_some());
        assert!(Actor::new(u, Role::CountyClerk, Scope::Prefecture).is_none());
        assert!(Actor::new(u, Role::Admin, Scope::County(CountyId(652301))).is_none());
        assert!(Actor::new(u, Role::Observer, Scope::Prefecture).is_some());
        assert!(Actor::new(
            u,
            Role::InstitutionUser,
            Scope::Institution(InstitutionId(3))
        )
        .is_some());
        assert!(Actor::new(u, Role::Expert, Scope::Institution(InstitutionId(3))).is_none());
    }
}
