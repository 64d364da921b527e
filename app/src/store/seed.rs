//! Demo data (`jianding seed-demo`): deterministic, loaded only into an empty database.

use super::accounts::{self, NewAccount};
use super::audit::{self, Entry};
use super::entities::{county, expert, institution};
use super::reference::COUNTIES;
use super::{passwords, tx};
use crate::domain::draw::{Affiliation, Relation, Ties};
use crate::domain::formats::uscc_check_char;
use crate::domain::ids::{CountyId, ExpertId, InstitutionId};
use crate::domain::role::{Role, Scope};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ActiveValue::Set, DatabaseConnection, DbErr, EntityTrait};

/// The password of every demo account (printed by `make run`).
pub const DEMO_PASSWORD: &str = "Changji-Demo-2026";

/// One demo account, as printed for the newcomer.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub username: &'static str,
    pub role: Role,
    pub note: &'static str,
}

pub const DEMO_ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        username: "jigou",
        role: Role::InstitutionUser,
        note: "昌吉市星辰艺术培训中心",
    },
    DemoAccount {
        username: "jigou2",
        role: Role::InstitutionUser,
        note: "阜康市天池科技教育中心",
    },
    DemoAccount {
        username: "zhuanjia",
        role: Role::Expert,
        note: "专家 (学科/教学)",
    },
    DemoAccount {
        username: "zhuanjia-1",
        role: Role::Expert,
        note: "专家 (学科/教学)",
    },
    DemoAccount {
        username: "zhuanjia-2",
        role: Role::Expert,
        note: "专家 (学科/教学)",
    },
    DemoAccount {
        username: "zhuanjia-3",
        role: Role::Expert,
        note: "专家 (学科/教学)",
    },
    DemoAccount {
        username: "zhuanjia-4",
        role: Role::Expert,
        note: "专家 (法律)",
    },
    DemoAccount {
        username: "zhuanjia-fl",
        role: Role::Expert,
        note: "专家 (法律)",
    },
    DemoAccount {
        username: "xian-jbr",
        role: Role::CountyClerk,
        note: "昌吉市教育局经办人",
    },
    DemoAccount {
        username: "xian-fzr",
        role: Role::CountyDirector,
        note: "昌吉市教育局负责人",
    },
    DemoAccount {
        username: "fk-jbr",
        role: Role::CountyClerk,
        note: "阜康市教育局经办人",
    },
    DemoAccount {
        username: "zhou-jbr",
        role: Role::PrefectureClerk,
        note: "州教育局经办人",
    },
    DemoAccount {
        username: "zhou-fzr",
        role: Role::PrefectureDirector,
        note: "州教育局负责人",
    },
    DemoAccount {
        username: "jiandu",
        role: Role::Observer,
        note: "监督人员 (州)",
    },
    DemoAccount {
        username: "admin",
        role: Role::Admin,
        note: "系统管理员",
    },
];

const INSTITUTIONS: &[(&str, i64, &str, bool)] = &[
    (
        "昌吉市星辰艺术培训中心",
        652301,
        "昌吉市北京南路 88 号",
        false,
    ),
    ("阜康市天池科技教育中心", 652302, "阜康市博峰街 12 号", true),
    (
        "昌吉市启航体育培训有限公司",
        652301,
        "昌吉市延安北路 156 号",
        true,
    ),
    (
        "呼图壁县童心美术培训学校",
        652323,
        "呼图壁县团结西路 21 号",
        false,
    ),
    (
        "玛纳斯县乐学书法培训中心",
        652324,
        "玛纳斯县凤凰路 9 号",
        false,
    ),
    ("奇台县少儿编程培训中心", 652325, "奇台县古城路 33 号", true),
    (
        "吉木萨尔县北庭舞蹈培训学校",
        652327,
        "吉木萨尔县北庭路 58 号",
        false,
    ),
    ("木垒县博文语言培训中心", 652328, "木垒县人民路 17 号", true),
    (
        "昌吉市思维乐园教育咨询有限公司",
        652301,
        "昌吉市宁边西路 203 号",
        true,
    ),
    ("阜康市棋艺培训中心", 652302, "阜康市天池街 45 号", false),
    (
        "呼图壁县音乐之声培训学校",
        652323,
        "呼图壁县园林路 6 号",
        false,
    ),
    (
        "玛纳斯县跆拳道培训中心",
        652324,
        "玛纳斯县新湖路 71 号",
        true,
    ),
    (
        "奇台县科学探索实践基地",
        652325,
        "奇台县北大街 99 号",
        false,
    ),
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "马", "孙", "胡", "朱", "高", "林",
    "何", "郭", "罗", "艾",
];
const GIVEN: &[&str] = &[
    "建国", "丽华", "志强", "秀英", "海燕", "文博", "晓东", "静", "红梅", "明", "玉兰", "斌",
    "雪莲", "俊杰", "芳", "卫东", "雅琴", "鹏", "佳怡", "振华", "古丽", "永刚",
];
const EMPLOYERS: &[&str] = &[
    "昌吉州第一中学",
    "昌吉市第三小学",
    "阜康市第一中学",
    "昌吉学院",
    "新疆师范大学",
    "呼图壁县第一中学",
    "玛纳斯县第二小学",
    "奇台县第一中学",
    "昌吉州教育研究中心",
    "吉木萨尔县第一小学",
    "木垒县第一中学",
    "昌吉市实验小学",
];
const LAW_EMPLOYERS: &[&str] = &[
    "新疆天山律师事务所",
    "昌吉州司法局",
    "昌吉学院法学院",
    "新疆北庭律师事务所",
];
/// One demo expert (see [`demo_experts`]).
struct DemoExpert {
    county: Option<i64>,
    legal: bool,
    domains: &'static [&'static str],
    /// 任教学科 (`SchoolSubject` codes).
    school_subjects: &'static [&'static str],
    stages: &'static [&'static str],
    status: &'static str,
    reason: &'static str,
    term_ended: bool,
    works_for_first_institution: bool,
}

const ALL_DOMAINS: &[&str] = &[
    "sports",
    "arts",
    "technology",
    "practice",
    "language",
    "thinking",
    "other",
];
const ALL_STAGES: &[&str] = &["preschool", "primary", "junior"];
const DOMAIN_SETS: &[&[&str]] = &[
    &["sports", "arts"],
    &["technology", "thinking"],
    &["language", "practice", "other"],
];
const SUBJECT_SETS: &[&[&str]] = &[
    &["art", "physical_education"],
    &["math", "science", "information_technology"],
    &["english", "chinese", "comprehensive_practice"],
];
const STAGE_SETS: &[&[&str]] = &[
    &["primary", "junior"],
    &["preschool", "primary"],
    ALL_STAGES,
];

/// 48 experts: 10 in 昌吉市 (the demo county: 4 subject + 2 legal experts who can be drawn, and
/// one each suspended, removed, out of term and working for the first demo institution, so the
/// draw record shows those exclusions), 5 in each other county (3 subject, 2 legal) and 8 in the
/// prefecture pool (6 subject, 2 legal).
fn demo_experts() -> Vec<DemoExpert> {
    let base = |county, legal: bool, k: usize| DemoExpert {
        county,
        legal,
        domains: if legal {
            &[]
        } else {
            DOMAIN_SETS[k % DOMAIN_SETS.len()]
        },
        school_subjects: if legal {
            &[]
        } else {
            SUBJECT_SETS[k % SUBJECT_SETS.len()]
        },
        stages: if legal {
            ALL_STAGES
        } else {
            STAGE_SETS[k % STAGE_SETS.len()]
        },
        status: "active",
        reason: "",
        term_ended: false,
        works_for_first_institution: false,
    };
    let home = Some(COUNTIES[0].0);
    let mut v = vec![
        DemoExpert {
            domains: &["sports", "arts", "language"],
            stages: ALL_STAGES,
            ..base(home, false, 0)
        },
        DemoExpert {
            domains: &["technology", "thinking", "practice"],
            stages: ALL_STAGES,
            ..base(home, false, 1)
        },
        DemoExpert {
            domains: &["language", "arts", "other"],
            stages: ALL_STAGES,
            ..base(home, false, 2)
        },
        DemoExpert {
            domains: ALL_DOMAINS,
            school_subjects: &["math", "chinese", "art"],
            stages: &["primary", "junior"],
            ..base(home, false, 3)
        },
        base(home, true, 4),
        base(home, true, 5),
        DemoExpert {
            domains: ALL_DOMAINS,
            status: "suspended",
            reason: "2026 年第二季度无故缺席鉴定会",
            ..base(home, false, 6)
        },
        DemoExpert {
            domains: ALL_DOMAINS,
            status: "removed",
            reason: "任期内在培训机构兼职",
            ..base(home, false, 7)
        },
        DemoExpert {
            term_ended: true,
            ..base(home, true, 8)
        },
        DemoExpert {
            domains: ALL_DOMAINS,
            stages: ALL_STAGES,
            works_for_first_institution: true,
            ..base(home, false, 9)
        },
    ];
    for (c, _, _) in COUNTIES.iter().skip(1) {
        for k in 0..5 {
            v.push(base(Some(*c), k >= 3, k));
        }
    }
    for k in 0..8 {
        v.push(DemoExpert {
            stages: ALL_STAGES,
            ..base(None, k >= 6, k)
        });
    }
    v
}

/// How many accounts the demo data creates (the named ones and zj07 … zj48).
pub fn demo_account_count() -> usize {
    DEMO_ACCOUNTS.len() + demo_experts().len() - 6
}

/// The account of the n-th demo expert (0-based) beyond the six named ones: zj07 … zj48.
pub fn other_expert_username(n: usize) -> String {
    format!("zj{:02}", n + 1)
}

const TITLES: &[&str] = &["zhongji", "fugaoji", "zhenggaoji"];

/// A valid 统一社会信用代码 for the n-th demo institution in a county.
pub(crate) fn uscc(n: usize, county: i64, for_profit: bool) -> String {
    // 5 2 = 民办非企业单位 (民政); 9 1 = 企业 (市场监管).
    let head = if for_profit { "91" } else { "52" };
    let org = format!("MA{:06}", 100_000 + n * 7919 % 900_000);
    let org = format!("{org}{}", (b'0' + (n % 10) as u8) as char);
    let first17 = format!("{head}{county}{org}");
    let check = uscc_check_char(&first17).expect("demo code uses the valid alphabet");
    format!("{first17}{check}")
}

pub(crate) fn person(i: usize) -> String {
    format!(
        "{}{}",
        SURNAMES[i * 7 % SURNAMES.len()],
        GIVEN[i * 5 % GIVEN.len()]
    )
}

fn phone(i: usize) -> String {
    format!("139{:08}", 90_000_000 + i * 104_729 % 10_000_000)
}

/// Loads the demo data into an empty database. Returns false (and changes nothing) when the
/// database already has accounts.
pub async fn seed_demo(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<bool, DbErr> {
    if accounts::count(db).await? > 0 {
        return Ok(false);
    }
    let hash = passwords::hash(DEMO_PASSWORD).map_err(DbErr::Custom)?;
    let txn = tx::begin_write(db, now).await?;

    for (id, zh, en) in COUNTIES {
        county::Entity::insert(county::ActiveModel {
            id: Set(*id),
            name_zh: Set((*zh).into()),
            name_en: Set((*en).into()),
        })
        .exec_without_returning(&txn)
        .await?;
    }

    let mut inst_ids = Vec::new();
    for (i, (name, county_id, address, for_profit)) in INSTITUTIONS.iter().enumerate() {
        let am = institution::ActiveModel {
            name: Set((*name).into()),
            uscc: Set(uscc(i + 1, *county_id, *for_profit)),
            licence_no: Set(format!("教民{county_id}{:09}", 170_000_000 + i * 37)),
            county_id: Set(*county_id),
            address: Set(format!("新疆维吾尔自治区昌吉回族自治州{address}")),
            legal_rep: Set(person(i * 3 + 1)),
            principal: Set(person(i * 3 + 2)),
            contact_name: Set(person(i * 3 + 3)),
            contact_phone: Set(phone(i)),
            for_profit: Set(*for_profit),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        inst_ids.push(
            institution::Entity::insert(am)
                .exec(&txn)
                .await?
                .last_insert_id,
        );
    }

    let mut expert_ids = Vec::new();
    let term_start = NaiveDate::from_ymd_opt(2025, 9, 1).expect("date");
    for (i, e) in demo_experts().iter().enumerate() {
        let term_end = if e.term_ended {
            NaiveDate::from_ymd_opt(2026, 8, 31)
        } else {
            NaiveDate::from_ymd_opt(2028, 8, 31)
        };
        let employer = if e.legal {
            LAW_EMPLOYERS[i % LAW_EMPLOYERS.len()]
        } else {
            EMPLOYERS[i % EMPLOYERS.len()]
        };
        let mut ties = Ties::default();
        if e.works_for_first_institution {
            ties.affiliations.push(Affiliation {
                institution: InstitutionId(inst_ids[0]),
                relation: Relation::Own,
                until: None,
            });
        }
        let am = expert::ActiveModel {
            name: Set(person(100 + i)),
            employer: Set(employer.into()),
            title: Set(TITLES[i % TITLES.len()].into()),
            kind: Set(if e.legal { "legal" } else { "subject" }.into()),
            subjects: Set(serde_json::json!(e.domains).to_string()),
            stages: Set(serde_json::json!(e.stages).to_string()),
            school_subjects: Set(serde_json::json!(e.school_subjects).to_string()),
            county_id: Set(e.county),
            phone: Set(phone(100 + i)),
            term_start: Set(term_start),
            term_end: Set(term_end.expect("date")),
            status: Set(e.status.into()),
            status_reason: Set(e.reason.into()),
            affiliations: Set(serde_json::to_string(&ties).expect("json")),
            declares_no_post: Set(true),
            declares_relatives_no_post: Set(true),
            declares_no_part_time_history: Set(true),
            declared_at: Set(Some(now)),
            unavailable_from: Set(None),
            unavailable_until: Set(None),
            availability_note: Set(String::new()),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        expert_ids.push(expert::Entity::insert(am).exec(&txn).await?.last_insert_id);
    }

    for (i, a) in DEMO_ACCOUNTS.iter().enumerate() {
        let scope = match a.username {
            "jigou" => Scope::Institution(InstitutionId(inst_ids[0])),
            "jigou2" => Scope::Institution(InstitutionId(inst_ids[1])),
            "zhuanjia" => Scope::Expert(ExpertId(expert_ids[0])),
            "zhuanjia-1" => Scope::Expert(ExpertId(expert_ids[1])),
            "zhuanjia-2" => Scope::Expert(ExpertId(expert_ids[2])),
            "zhuanjia-3" => Scope::Expert(ExpertId(expert_ids[3])),
            "zhuanjia-4" => Scope::Expert(ExpertId(expert_ids[4])),
            "zhuanjia-fl" => Scope::Expert(ExpertId(expert_ids[5])),
            "xian-jbr" | "xian-fzr" => Scope::County(CountyId(652301)),
            "fk-jbr" => Scope::County(CountyId(652302)),
            "admin" => Scope::System,
            _ => Scope::Prefecture,
        };
        let display = match scope {
            // An expert's account bears the expert's name.
            Scope::Expert(ExpertId(id)) => {
                person(100 + expert_ids.iter().position(|e| *e == id).expect("seeded"))
            }
            _ if matches!(a.role, Role::InstitutionUser | Role::Admin) => person(200 + i),
            _ => person(300 + i),
        };
        accounts::create(
            &txn,
            NewAccount {
                username: a.username.into(),
                display_name: display,
                password_hash: hash.clone(),
                role: a.role,
                scope,
                must_change_password: false,
            },
            now,
        )
        .await?;
    }

    // Every other demo expert signs in as zjNN (their number in the pool), so a prefecture
    // panel drawn from the whole pool can be tried out.
    for (i, id) in expert_ids.iter().enumerate().skip(6) {
        accounts::create(
            &txn,
            NewAccount {
                username: other_expert_username(i),
                display_name: person(100 + i),
                password_hash: hash.clone(),
                role: Role::Expert,
                scope: Scope::Expert(ExpertId(*id)),
                must_change_password: false,
            },
            now,
        )
        .await?;
    }

    audit::append(
        &txn,
        Entry::new("seed.demo", "database").details(serde_json::json!({
            "counties": COUNTIES.len(), "institutions": inst_ids.len(), "experts": expert_ids.len(), "accounts": demo_account_count()
        })),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(true)
}
