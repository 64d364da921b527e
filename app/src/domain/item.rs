//! The training item (培训项目) an application is about: its field, school subject, stage and
//! grades, delivery, hours, class size, fee, why it is disputed, who prepared its materials.
//!
//! Grades are numbers: 学前 1 = 小班, 2 = 中班, 3 = 大班; 小学 1–6; 初中 7–9 (六三学制, as in
//! Xinjiang).

use super::error::{FieldError, FieldErrors};
use super::formats::*;
use super::terms::{Category, Stage};
use serde::{Deserialize, Serialize};

// ---------------------------------------------------------------------------------------------
// Training item (培训项目)
// ---------------------------------------------------------------------------------------------

coded! {
    /// The field a training item belongs to (培训领域).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum ItemDomain("domain") {
        /// 体育
        Sports = "sports",
        /// 艺术
        Arts = "arts",
        /// 科技
        Technology = "technology",
        /// 综合实践
        Practice = "practice",
        /// 语言
        Language = "language",
        /// 思维
        Thinking = "thinking",
        /// 其他
        Other = "other",
    }
}

coded! {
    /// A subject of the national curriculum (国家课程科目, 义务教育课程方案（2022年版）): what an
    /// item's content is measured against, and what a 学科/教学 expert is qualified in. The subject
    /// seat of a panel is a "相应学科专家" (guide 四): an expert qualified in the item's subject.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum SchoolSubject("subject") {
        /// 语文
        Chinese = "chinese",
        /// 数学
        Math = "math",
        /// 外语（英语）
        English = "english",
        /// 道德与法治
        Morality = "morality",
        /// 历史
        History = "history",
        /// 地理
        Geography = "geography",
        /// 物理
        Physics = "physics",
        /// 化学
        Chemistry = "chemistry",
        /// 生物学
        Biology = "biology",
        /// 科学
        Science = "science",
        /// 信息科技
        InformationTechnology = "information_technology",
        /// 体育与健康
        PhysicalEducation = "physical_education",
        /// 艺术（音乐、美术等）
        Art = "art",
        /// 劳动
        Labour = "labour",
        /// 综合实践活动
        ComprehensivePractice = "comprehensive_practice",
    }
}

impl SchoolSubject {
    /// The name as the CSV import writes it (the zh-CN label without its parenthesis).
    pub fn zh(self) -> &'static str {
        match self {
            SchoolSubject::Chinese => "语文",
            SchoolSubject::Math => "数学",
            SchoolSubject::English => "英语",
            SchoolSubject::Morality => "道德与法治",
            SchoolSubject::History => "历史",
            SchoolSubject::Geography => "地理",
            SchoolSubject::Physics => "物理",
            SchoolSubject::Chemistry => "化学",
            SchoolSubject::Biology => "生物学",
            SchoolSubject::Science => "科学",
            SchoolSubject::InformationTechnology => "信息科技",
            SchoolSubject::PhysicalEducation => "体育与健康",
            SchoolSubject::Art => "艺术",
            SchoolSubject::Labour => "劳动",
            SchoolSubject::ComprehensivePractice => "综合实践活动",
        }
    }
}

coded! {
    /// How an item is delivered (培训形式).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum DeliveryMode("delivery") {
        /// 线下
        Offline = "offline",
        /// 线上
        Online = "online",
    }
}

/// The grades a stage has (see the module doc for the numbering).
pub fn grades_of(stage: Stage) -> std::ops::RangeInclusive<u8> {
    match stage {
        Stage::Preschool => 1..=3,
        Stage::Primary => 1..=6,
        Stage::Junior => 7..=9,
    }
}

/// The item an institution applies about (培训项目).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainingItemInput {
    /// 项目名称
    pub name: String,
    /// 申报类别 (what the institution claims)
    pub declared_category: Category,
    /// 培训领域
    pub domain: ItemDomain,
    /// 培训对象学段
    pub stage: Stage,
    /// 年级 (numbering: module doc)
    pub grades: Vec<u8>,
    /// 线上 / 线下
    pub delivery: DeliveryMode,
    /// 总课时
    pub hours: u32,
    /// 班额
    pub class_size: u32,
    /// 收费, in fen (分)
    pub fee_fen: i64,
    /// 项目简介
    pub description: String,
    /// Why the item's category is disputed or unclear (guide 七(一): 有争议或界限模糊的培训项目).
    #[serde(default)]
    pub dispute_reason: String,
    /// The school-licence application (办学许可证申请) it is part of, if any: its number.
    #[serde(default)]
    pub licence_application: String,
    /// Where the institution's 举办者 / 法定代表人 / 负责人 work besides the institution (an expert
    /// of that employer is recused: `draw::Exclusion::SameEmployerAsPrincipal`).
    #[serde(default)]
    pub principal_employer: String,
    /// Who prepared the application's materials (an expert among them is recused:
    /// `draw::Exclusion::PreparedMaterials`).
    #[serde(default)]
    pub preparers: Vec<Preparer>,
    /// 相关学科: the curriculum subject the item's content is nearest to (the panel's subject
    /// seat is an expert qualified in it); `None` for an older application, whose subject seat
    /// is matched by the domain alone.
    #[serde(default)]
    pub related_subject: Option<SchoolSubject>,
}

impl TrainingItemInput {
    /// A new draft's application: nothing filled in yet.
    pub fn empty() -> TrainingItemInput {
        TrainingItemInput {
            name: String::new(),
            declared_category: Category::NonSubject,
            domain: ItemDomain::Sports,
            stage: Stage::Primary,
            grades: vec![],
            delivery: DeliveryMode::Offline,
            hours: 0,
            class_size: 0,
            fee_fen: 0,
            description: String::new(),
            dispute_reason: String::new(),
            licence_application: String::new(),
            principal_employer: String::new(),
            preparers: vec![],
            related_subject: None,
        }
    }
}

/// A person who prepared the application's materials (材料编制人员).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preparer {
    pub name: String,
    /// 工作单位 (empty: the institution itself).
    #[serde(default)]
    pub employer: String,
}

/// The preparers as the form writes them: one per line, "姓名，工作单位" (or "姓名" alone).
pub fn parse_preparers(text: &str) -> Vec<Preparer> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (name, employer) = l
                .split_once(['，', ',', '、'])
                .map_or((l, ""), |(n, e)| (n, e));
            Preparer {
                name: name.trim().to_string(),
                employer: employer.trim().to_string(),
            }
        })
        .collect()
}

/// The preparers as the form shows them (the inverse of [`parse_preparers`]).
pub fn preparers_text(list: &[Preparer]) -> String {
    list.iter()
        .map(|p| {
            if p.employer.is_empty() {
                p.name.clone()
            } else {
                format!("{}，{}", p.name, p.employer)
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The limits a draft must keep even while incomplete (a draft may be saved half filled, but
/// never oversized): the name and description lengths, at most twelve grades.
pub fn check_draft_size(input: &TrainingItemInput) -> FieldErrors {
    use super::formats::limits;
    let mut e = FieldErrors::new();
    if input.name.chars().count() > limits::NAME_MAX {
        e.add("item.name", "err.text_too_long");
    }
    if input.description.chars().count() > limits::DESCRIPTION_MAX {
        e.add("item.description", "err.text_too_long");
    }
    if input.grades.len() > 12 {
        e.add("item.grades", "err.text_too_long");
    }
    e
}

/// Checks a training item's fields. Paths: `item.<field>`.
pub fn validate_training_item(input: &TrainingItemInput) -> FieldErrors {
    let mut errs = FieldErrors::new();
    check_text(
        &mut errs,
        "item.name",
        &input.name,
        limits::NAME_MIN,
        limits::NAME_MAX,
    );
    if input.grades.is_empty() {
        errs.add("item.grades", "err.required");
    } else {
        let range = grades_of(input.stage);
        if input.grades.iter().any(|g| !range.contains(g)) {
            errs.push(
                FieldError::new("item.grades", "err.grades_stage")
                    .arg("min", range.start())
                    .arg("max", range.end()),
            );
        }
        let mut sorted = input.grades.clone();
        sorted.sort_unstable();
        sorted.dedup();
        if sorted.len() != input.grades.len() {
            errs.add("item.grades", "err.grades_duplicate");
        }
    }
    if !(limits::HOURS_MIN..=limits::HOURS_MAX).contains(&input.hours) {
        errs.push(
            FieldError::new("item.hours", "err.out_of_range")
                .arg("min", limits::HOURS_MIN)
                .arg("max", limits::HOURS_MAX),
        );
    }
    let size_max = match input.delivery {
        DeliveryMode::Offline => limits::CLASS_SIZE_OFFLINE_MAX,
        DeliveryMode::Online => limits::CLASS_SIZE_ONLINE_MAX,
    };
    if !(1..=size_max).contains(&input.class_size) {
        errs.push(
            FieldError::new("item.class_size", "err.out_of_range")
                .arg("min", 1)
                .arg("max", size_max),
        );
    }
    if !(0..=limits::FEE_MAX_FEN).contains(&input.fee_fen) {
        errs.push(
            FieldError::new("item.fee_fen", "err.fee_range").arg("max", limits::FEE_MAX_FEN / 100),
        );
    }
    check_text(
        &mut errs,
        "item.description",
        &input.description,
        limits::DESCRIPTION_MIN,
        limits::DESCRIPTION_MAX,
    );
    check_text(
        &mut errs,
        "item.dispute_reason",
        &input.dispute_reason,
        limits::DISPUTE_MIN,
        limits::DISPUTE_MAX,
    );
    if input.licence_application.chars().count() > limits::LICENCE_APPLICATION_MAX {
        errs.add("item.licence_application", "err.too_long");
    }
    if input.principal_employer.chars().count() > limits::EMPLOYER_MAX {
        errs.add("item.principal_employer", "err.too_long");
    }
    if input.preparers.len() > limits::PREPARERS_MAX
        || input.preparers.iter().any(|p| {
            !(limits::PERSON_MIN..=limits::PERSON_MAX).contains(&p.name.chars().count())
                || p.employer.chars().count() > limits::EMPLOYER_MAX
        })
    {
        errs.add("item.preparers", "err.item.preparers");
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_is_refused_only_when_oversized_and_each_field_says_so() {
        let mut draft = TrainingItemInput {
            name: String::new(),
            description: String::new(),
            grades: Vec::new(),
            ..good_item()
        };
        assert!(
            check_draft_size(&draft).is_empty(),
            "an empty draft is fine"
        );
        draft.description = "描".repeat(limits::DESCRIPTION_MAX + 1);
        draft.grades = vec![1; 13];
        let e = check_draft_size(&draft);
        assert_eq!(e.for_field("item.description").count(), 1);
        assert_eq!(e.for_field("item.grades").count(), 1);
        assert_eq!(
            e.for_field("item.name").count(),
            0,
            "the name was not the long one"
        );
    }

    fn good_item() -> TrainingItemInput {
        TrainingItemInput {
            name: "少儿创意美术".into(),
            declared_category: Category::NonSubject,
            domain: ItemDomain::Arts,
            stage: Stage::Primary,
            grades: vec![1, 2, 3],
            delivery: DeliveryMode::Offline,
            hours: 48,
            class_size: 15,
            fee_fen: 360_000,
            description: "以绘画、手工为主的创意美术课程，注重动手实践。".into(),
            dispute_reason: "课程含少量色彩原理讲解，机构不确定是否属于学科类。".into(),
            licence_application: String::new(),
            principal_employer: String::new(),
            preparers: vec![],
            related_subject: None,
        }
    }

    #[test]
    fn training_item() {
        assert!(validate_training_item(&good_item()).is_empty());
        let mut it = good_item();
        it.stage = Stage::Junior;
        assert!(validate_training_item(&it)
            .for_field("item.grades")
            .any(|e| e.key == "err.grades_stage"));
        it.grades = vec![7, 7];
        assert!(validate_training_item(&it)
            .for_field("item.grades")
            .any(|e| e.key == "err.grades_duplicate"));
        it.grades = vec![];
        it.hours = 0;
        it.class_size = 201;
        it.fee_fen = -1;
        it.description = "短".into();
        let e = validate_training_item(&it);
        for f in [
            "item.grades",
            "item.hours",
            "item.class_size",
            "item.fee_fen",
            "item.description",
        ] {
            assert_eq!(e.for_field(f).count(), 1, "{f}");
        }
        it.delivery = DeliveryMode::Online;
        assert_eq!(
            validate_training_item(&it)
                .for_field("item.class_size")
                .count(),
            0
        );
        let mut p = good_item();
        p.stage = Stage::Preschool;
        p.grades = vec![1, 2, 3];
        assert!(validate_training_item(&p).is_empty());
        p.grades = vec![4];
        assert!(!validate_training_item(&p).is_empty());
        // Characters are counted, not bytes: 100 汉字 is fine, 101 is not.
        let mut n = good_item();
        n.name = "美".repeat(100);
        assert!(validate_training_item(&n).is_empty());
        n.name = "美".repeat(101);
        assert_eq!(validate_training_item(&n).len(), 1);
    }
}
